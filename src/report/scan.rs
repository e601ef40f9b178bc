//! Output of `envcheck scan`: a table for people, a versioned JSON document for tools.

use std::io::{self, Write};

use serde::Serialize;

use crate::extract::{ReadKind, When};
use crate::model::Inventory;
use crate::report::printable;

/// Version of the `scan --format json` schema. Fields may be added; none is renamed or removed
/// without a new version.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonScan<'a> {
    version: u32,
    variables: Vec<JsonVariable<'a>>,
    dynamic: Vec<JsonDynamic<'a>>,
    files: JsonFiles,
}

#[derive(Serialize)]
struct JsonVariable<'a> {
    name: &'a str,
    requirement: ReadKind,
    reads: Vec<JsonRead<'a>>,
}

#[derive(Serialize)]
struct JsonRead<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    kind: ReadKind,
    api: &'a str,
    /// Where a framework declares the read (`Settings.database_url`, `cleanEnv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    /// The framework matches the name case-insensitively (pydantic-settings' default).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    case_insensitive: bool,
    /// The value ends up in the browser bundle (`NEXT_PUBLIC_*`, t3 `client`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    client_exposed: bool,
    /// When the read is evaluated: `startup`, `on-use` or `build`.
    when: When,
    /// For `on-use`: the path that needs the variable (`send_email()`, `if FEATURE_X`).
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    /// The code treats an empty value as unset.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    empty_is_unset: bool,
    /// The deploy profile of the file (`settings/test.py`: `test`).
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDynamic<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    api: &'a str,
    expression: &'a str,
    /// The key's static start: the read may be of any variable whose name starts with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    /// How the key is resolved to the names it takes (each also a read), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<&'a str>,
    /// The names of a loop over a literal table.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    resolved_names: &'a [String],
}

#[derive(Serialize)]
struct JsonFiles {
    scanned: usize,
    parsed: usize,
    errors: usize,
    partial: usize,
}

/// `scan --format json`.
pub fn json(inv: &Inventory, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonScan {
        version: JSON_VERSION,
        variables: inv
            .variables
            .iter()
            .map(|v| JsonVariable {
                name: &v.name,
                requirement: v.requirement,
                reads: v
                    .reads
                    .iter()
                    .map(|r| JsonRead {
                        path: &r.path,
                        line: r.line,
                        column: r.column,
                        kind: r.kind,
                        api: r.api,
                        detail: r.extra.detail.as_deref(),
                        case_insensitive: r.extra.case_insensitive,
                        client_exposed: r.extra.client_exposed,
                        when: r.extra.when,
                        context: r.extra.context.as_deref(),
                        empty_is_unset: r.extra.empty_is_unset,
                        profile: r.profile,
                    })
                    .collect(),
            })
            .collect(),
        dynamic: inv
            .dynamic
            .iter()
            .map(|d| JsonDynamic {
                path: &d.path,
                line: d.line,
                column: d.column,
                api: d.api,
                expression: &d.expression,
                prefix: d.prefix.as_deref(),
                resolved: d.resolved.as_deref(),
                resolved_names: &d.resolved_names,
            })
            .collect(),
        files: JsonFiles {
            scanned: inv.files.scanned,
            parsed: inv.files.parsed,
            errors: inv.files.errors,
            partial: inv.files.partial,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `scan --format full`: one row per variable, then the dynamic reads, then a summary line
/// (not when `quiet`).
pub fn full(inv: &Inventory, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    if inv.variables.is_empty() {
        writeln!(out, "No environment variable reads found.")?;
    } else {
        let rows: Vec<[String; 4]> = inv
            .variables
            .iter()
            .map(|v| {
                let first = &v.reads[0];
                [
                    printable(&v.name).into_owned(),
                    v.requirement.as_str().to_string(),
                    v.reads.len().to_string(),
                    format!("{}:{}:{}", printable(&first.path), first.line, first.column),
                ]
            })
            .collect();
        let header = ["VARIABLE", "REQUIREMENT", "READS", "FIRST READ"];
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |out: &mut dyn Write, cells: [&str; 4]| {
            writeln!(
                out,
                "{:<w0$}  {:<w1$}  {:>w2$}  {}",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
            )
        };
        line(out, header)?;
        for row in &rows {
            line(out, [&row[0], &row[1], &row[2], &row[3]])?;
        }
    }
    if !inv.dynamic.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Dynamic reads (key computed at run time, not checked):"
        )?;
        for d in &inv.dynamic {
            let resolved = match &d.resolved {
                Some(how) => format!(" (resolved: {}, read above)", printable(how)),
                None => String::new(),
            };
            writeln!(
                out,
                "  {}:{}:{}  {} [{}]{resolved}",
                printable(&d.path),
                d.line,
                d.column,
                d.api,
                printable(&d.expression)
            )?;
        }
    }
    if quiet {
        return Ok(());
    }
    writeln!(out)?;
    let count = |kind: ReadKind| {
        inv.variables
            .iter()
            .filter(|v| v.requirement == kind)
            .count()
    };
    writeln!(
        out,
        "{} ({} required, {} optional, {} with defaults, {} presence only), {}; {} of {} files parsed",
        plural(inv.variables.len(), "variable", "variables"),
        count(ReadKind::Required),
        count(ReadKind::Optional),
        count(ReadKind::Default),
        count(ReadKind::Presence),
        plural(inv.dynamic.len(), "dynamic read", "dynamic reads"),
        inv.files.parsed,
        inv.files.scanned,
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
