//! `envcheck sources <ENV>`: what each source of a target provides. Names and states only.
//!
//! Every name has passed [`crate::sources::name_problem`]; the text format still writes names,
//! labels, reasons and notices through [`printable`], as any text from the repository. The JSON
//! format is data: serde escapes control characters, and strings are kept as they are.

use std::io::Write;

use serde::Serialize;

use crate::ExitStatus;
use crate::cli::{ScanFormat, SourcesArgs};
use crate::config;
use crate::report::printable;
use crate::sources::ValueState;
use crate::target::{self, LoadedSource};

/// A value's state as shown: never the value.
fn state(s: &ValueState) -> &'static str {
    match s {
        ValueState::Value(v) if v.is_empty() => "empty",
        ValueState::Value(_) | ValueState::Set => "set",
        ValueState::Encrypted(_) => "encrypted",
        ValueState::External => "external",
        ValueState::PassThrough => "pass-through",
    }
}

#[derive(Serialize)]
struct JsonSource<'a> {
    source: &'a str,
    kind: &'a str,
    path: &'a str,
    /// Names the source provides, sorted.
    names: Vec<JsonName<'a>>,
    /// Why the source may provide names envcheck cannot see.
    opaque: Vec<String>,
    notices: &'a [String],
    /// Names the deploy itself requires of the deploying shell (compose `${X:?err}`), sorted.
    requires: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonName<'a> {
    name: &'a str,
    state: &'static str,
    line: usize,
}

fn names(source: &LoadedSource) -> Vec<JsonName<'_>> {
    let mut names: Vec<JsonName> = source
        .data
        .provided
        .iter()
        .map(|p| JsonName {
            name: &p.name,
            state: state(&p.state),
            line: p.line,
        })
        .collect();
    names.sort_by(|a, b| a.name.cmp(b.name).then(a.line.cmp(&b.line)));
    names
}

fn opaque(source: &LoadedSource) -> Vec<String> {
    let mut out: Vec<String> = source.undecryptable.iter().cloned().collect();
    out.extend(source.data.opaque.iter().cloned());
    out.extend(source.data.unrendered.iter().cloned());
    out
}

fn requires(source: &LoadedSource) -> Vec<&str> {
    let mut names: Vec<&str> = source
        .data
        .required
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

pub fn run(args: SourcesArgs, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let root = args.path.clone();
    if !root.is_dir() {
        anyhow::bail!("{}: not a directory", root.display());
    }
    let loaded = config::load(args.config.as_deref(), &root)?;
    let extra = args
        .sources
        .sources
        .iter()
        .map(|s| target::parse_source_arg(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    let display = |p: &std::path::Path| {
        let abs = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        crate::scan::display_path(Some(&canonical_root), &abs)
    };
    // `staging,prod`: each environment in turn, as `diff` takes them
    let names = super::environment_names(&args.environment, !extra.is_empty())?;
    let mut stdin = std::io::stdin().lock();
    let mut targets: Vec<target::Target> = Vec::new();
    for name in &names {
        let target = target::load(name, &loaded, &root, &extra, &display, &mut stdin)?;
        super::add_target(&mut targets, target)?;
    }
    match args.format {
        ScanFormat::Json => {
            let doc = match targets.as_slice() {
                [target] => serde_json::json!({
                    "version": 1,
                    "environment": target.name,
                    "sources": json_sources(target),
                }),
                several => serde_json::json!({
                    "version": 1,
                    "environments": several
                        .iter()
                        .map(|t| serde_json::json!({
                            "environment": t.name,
                            "sources": json_sources(t),
                        }))
                        .collect::<Vec<_>>(),
                }),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        ScanFormat::Full => {
            for (i, target) in targets.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                full(target, out)?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// The sources of one environment, as `--format json` lists them.
fn json_sources(target: &target::Target) -> Vec<JsonSource<'_>> {
    target
        .sources
        .iter()
        .map(|s| JsonSource {
            source: &s.label,
            kind: s.kind,
            path: &s.path,
            names: names(s),
            opaque: opaque(s),
            notices: &s.data.notices,
            requires: requires(s),
        })
        .collect()
}

/// One environment's sources and names, as `--format full` shows them.
fn full(target: &target::Target, out: &mut dyn Write) -> anyhow::Result<()> {
    let count = match target.sources.len() {
        1 => "1 source".to_string(),
        n => format!("{n} sources"),
    };
    writeln!(out, "Environment `{}`: {count}", printable(&target.name))?;
    for s in &target.sources {
        let names = names(s);
        let count = match names.len() {
            1 => "1 name".to_string(),
            n => format!("{n} names"),
        };
        writeln!(out, "\n{} ({}, {count})", printable(&s.label), s.kind)?;
        for reason in opaque(s) {
            writeln!(out, "  opaque: {}", printable(&reason))?;
        }
        for notice in &s.data.notices {
            writeln!(out, "  note: {}", printable(notice))?;
        }
        let required = requires(s);
        if !required.is_empty() {
            let shown: Vec<_> = required.iter().map(|n| printable(n)).collect();
            writeln!(out, "  deploy requires: {}", shown.join(", "))?;
        }
        let shown: Vec<(String, &str)> = names
            .iter()
            .map(|n| (printable(n.name).into_owned(), n.state))
            .collect();
        let width = shown
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        for (name, state) in shown {
            writeln!(out, "  {name:<width$}  {state}")?;
        }
    }
    Ok(())
}
