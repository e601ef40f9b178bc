//! Output of `envcheck check` and `envcheck diff`: `full` (code frames), `concise` (one line per
//! finding) and `json` (a versioned document).
//!
//! Frames are shown only for source code. A finding in an env file points at a line that holds
//! a value, so its frame is never rendered: the location and message say enough.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Color, Style};
use serde::Serialize;

use crate::baseline::Change;
use crate::finding::{Finding, Severity};
use crate::report::{printable, printable_line};
use crate::target_changes::TargetChange;

/// Version of the findings JSON schema.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    /// Variable-level changes since the base revision (`--base` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a [Change]>,
    /// `diff --base`: each environment × name whose configuration changed since the base
    /// revision (names, kinds of change and locations; never a value).
    #[serde(skip_serializing_if = "Option::is_none")]
    target_changes: Option<&'a [TargetChange]>,
    /// `diff`: variable → environment → state, for every variable the code reads and every
    /// name a target sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<
        std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, crate::matrix::State>,
        >,
    >,
    /// A run over several apps: one entry per app, in the order of their findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    apps: Option<Vec<JsonApp<'a>>>,
}

/// One app of a run over several.
#[derive(Serialize)]
struct JsonApp<'a> {
    /// The configuration's directory, relative to the repository top (`.` at the top): the
    /// `app` of its findings.
    app: &'a str,
    /// The configuration file; `null` when there is none.
    config: Option<&'a str>,
    /// `diff`: the environments checked for this app.
    #[serde(skip_serializing_if = "Option::is_none")]
    environments: Option<&'a [String]>,
    /// `diff`: environments of the run this app does not know, not checked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_environments: Option<&'a [String]>,
    /// `diff`: variable → environment → state, for this app.
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<
        std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, crate::matrix::State>,
        >,
    >,
    summary: JsonSummary,
}

/// The matrix as `{"VAR": {"staging": "set", "prod": "missing"}}`.
fn json_matrix(
    matrix: &crate::matrix::Matrix,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, crate::matrix::State>> {
    matrix
        .rows
        .iter()
        .map(|row| {
            (
                row.variable.clone(),
                matrix
                    .environments
                    .iter()
                    .cloned()
                    .zip(row.states.iter().copied())
                    .collect(),
            )
        })
        .collect()
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    /// Text for a person: control, bidi and invisible characters written as `\u{..}`. Paths and
    /// names are data and kept as they are (serde escapes control characters).
    message: std::borrow::Cow<'a, str>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    variable: Option<&'a str>,
    environment: Option<&'a str>,
    new: Option<bool>,
    /// The app, in a run over several (see [`JsonApp::app`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    error: usize,
    warning: usize,
    info: usize,
}

fn count<F: std::borrow::Borrow<Finding>>(findings: &[F], severity: Severity) -> usize {
    findings
        .iter()
        .filter(|f| f.borrow().severity == severity)
        .count()
}

fn json_summary<F: std::borrow::Borrow<Finding>>(findings: &[F]) -> JsonSummary {
    JsonSummary {
        error: count(findings, Severity::Error),
        warning: count(findings, Severity::Warning),
        info: count(findings, Severity::Info),
    }
}

/// `--format json`.
pub fn json(
    findings: &[Finding],
    changes: Option<&[Change]>,
    target_changes: Option<&[TargetChange]>,
    matrix: Option<&crate::matrix::Matrix>,
    apps: Option<&[crate::report::App]>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let diff = apps.is_some_and(|a| {
        a.iter()
            .any(|a| a.matrix.is_some() || !a.skipped.is_empty())
    });
    let doc = JsonReport {
        version: JSON_VERSION,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                code: f.rule.code,
                name: f.rule.name,
                severity: f.severity,
                message: printable(&f.message),
                path: &f.path,
                line: f.span.line,
                column: f.span.column,
                end_line: f.span.end_line,
                end_column: f.span.end_column,
                variable: f.variable.as_deref(),
                environment: f.environment.as_deref(),
                new: f.new,
                app: f.app.as_deref(),
            })
            .collect(),
        summary: json_summary(findings),
        changes,
        target_changes,
        matrix: matrix.map(json_matrix),
        apps: apps.map(|apps| {
            apps.iter()
                .map(|a| JsonApp {
                    app: &a.label,
                    config: a.config.as_deref(),
                    environments: diff.then_some(a.environments.as_slice()),
                    skipped_environments: diff.then_some(a.skipped.as_slice()),
                    matrix: a.matrix.as_ref().map(json_matrix),
                    summary: json_summary(&a.findings(findings)),
                })
                .collect()
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `--format concise`: `path:line:column: CODE [severity] message`, then a summary line.
pub fn concise(findings: &[Finding], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    concise_lines(findings, out)?;
    target_change_lines(summary, out)?;
    summary_line(findings, summary, out)
}

/// `diff --base`: a line per environment × name whose configuration changed since the base
/// revision, `path:line: prod: NAME removed since `REF` [source]`, under a heading line.
fn target_change_lines(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let (Some(changes), Some(base)) = (summary.target_changes, summary.base) else {
        return Ok(());
    };
    if summary.quiet || changes.is_empty() {
        return Ok(());
    }
    let base = printable(base);
    let mut environments: Vec<&str> = Vec::new();
    for c in changes {
        if !environments.contains(&c.environment.as_str()) {
            environments.push(&c.environment);
        }
    }
    writeln!(
        out,
        "Configuration changes since `{base}` in {}:",
        environments
            .iter()
            .map(|e| format!("`{}`", printable(e)))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    for c in changes {
        writeln!(
            out,
            "{}: {}: {} {} since `{base}` [{}]",
            printable(&c.location()),
            printable(&c.environment),
            printable(&c.variable),
            c.change.phrase(),
            printable(&c.source)
        )?;
    }
    Ok(())
}

/// What the closing line of `full` and `concise` says besides the counts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary<'a> {
    /// `--quiet`: no summary line at all.
    pub quiet: bool,
    /// `--base REV`: findings are new or were there at REV, and only new ones fail the run.
    pub base: Option<&'a str>,
    /// `--fail-on-existing`: existing findings fail the run too.
    pub fail_on_existing: bool,
    /// `diff` over several environments: `full` shows the table before the summary line.
    pub matrix: Option<&'a crate::matrix::Matrix>,
    /// `diff --base`: the configuration changes, a line each before the summary line.
    pub target_changes: Option<&'a [TargetChange]>,
    /// A run over several apps: `full` groups the findings under a heading per app.
    pub apps: Option<&'a [crate::report::App]>,
}

/// The lines of `--format concise`, without the summary.
pub fn concise_lines(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}{}{}] {}",
            printable(&f.path),
            f.span.line,
            f.span.column,
            f.rule.code,
            f.severity.as_str(),
            if f.new == Some(false) {
                ", existing"
            } else {
                ""
            },
            match &f.app {
                Some(app) => format!(", app {}", printable(app)),
                None => String::new(),
            },
            printable(&f.message)
        )?;
    }
    Ok(())
}

/// `--format full`: a titled diagnostic per finding, with a code frame for source files.
/// `source` returns a file's text by its relative path.
pub fn full(
    findings: &[Finding],
    source: &dyn Fn(&str) -> Option<String>,
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    match summary.apps {
        Some(apps) => {
            let bold = Style::new().bold();
            for app in apps {
                let own = app.findings(findings);
                let config = app
                    .config
                    .as_deref()
                    .map(|c| format!(" ({})", printable(c)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{bold}== app {}{config}: {} =={bold:#}",
                    printable(&app.label),
                    if own.is_empty() {
                        "no findings".to_string()
                    } else {
                        plural(own.len(), "finding")
                    }
                )?;
                if !app.skipped.is_empty() {
                    writeln!(
                        out,
                        "not checked against {}: this app does not know it",
                        printable(&app.skipped.join(", "))
                    )?;
                }
                writeln!(out)?;
                diagnostics(&own, source, summary, out)?;
                if let Some(matrix) = app.matrix.as_ref().filter(|m| m.environments.len() > 1) {
                    matrix_table(matrix, out)?;
                }
            }
        }
        None => {
            let all: Vec<&Finding> = findings.iter().collect();
            diagnostics(&all, source, summary, out)?;
            if let Some(matrix) = summary.matrix.filter(|m| m.environments.len() > 1) {
                matrix_table(matrix, out)?;
            }
        }
    }
    if summary.target_changes.is_some_and(|c| !c.is_empty()) {
        target_change_lines(summary, out)?;
        writeln!(out)?;
    }
    summary_line(findings, summary, out)
}

/// The diagnostics of `full`, one after the other.
fn diagnostics(
    findings: &[&Finding],
    source: &dyn Fn(&str) -> Option<String>,
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = Renderer::styled();
    // findings are sorted by path: each file is read and split into lines once
    let mut cache: Option<(String, Option<Lines>)> = None;
    for &f in findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let mut title = printable(&f.message).into_owned();
        if f.new == Some(false)
            && let Some(base) = summary.base
        {
            title.push_str(&format!(" (existing: already at `{}`)", printable(base)));
        }
        let path = printable(&f.path);
        let lines = if f.in_env_file {
            None
        } else {
            if cache.as_ref().is_none_or(|(p, _)| *p != f.path) {
                cache = Some((f.path.clone(), source(&f.path).map(Lines::new)));
            }
            cache.as_ref().and_then(|(_, t)| t.as_ref())
        };
        let rendered = match lines.and_then(|l| frame(l, f)) {
            Some((snippet_text, line_start, range)) => {
                let group: Group = level.primary_title(title).id(f.rule.code).element(
                    Snippet::source(snippet_text.as_str())
                        .line_start(line_start)
                        .path(&*path)
                        .annotation(AnnotationKind::Primary.span(range)),
                );
                renderer.render(&[group])
            }
            None => location_only(f, &title),
        };
        writeln!(out, "{rendered}\n")?;
    }
    Ok(())
}

/// Variables × environments as an aligned table, the rows where the environments differ first
/// (only those, when they are fewer than all).
fn matrix_table(matrix: &crate::matrix::Matrix, out: &mut dyn Write) -> io::Result<()> {
    let differ: Vec<&crate::matrix::Row> = matrix.rows.iter().filter(|r| r.differs()).collect();
    writeln!(
        out,
        "Across environments: {} of {} variables differ{}",
        differ.len(),
        matrix.rows.len(),
        if differ.is_empty() { "." } else { ":" }
    )?;
    if differ.is_empty() {
        return writeln!(out);
    }
    let mut widths: Vec<usize> = vec!["VARIABLE".len()];
    widths.extend(matrix.environments.iter().map(|e| e.chars().count()));
    for row in &differ {
        widths[0] = widths[0].max(row.variable.chars().count());
        for (w, s) in widths[1..].iter_mut().zip(&row.states) {
            *w = (*w).max(s.as_str().len());
        }
    }
    let line = |cells: Vec<String>, out: &mut dyn Write| -> io::Result<()> {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "  {}", padded.join("  ").trim_end())
    };
    let mut header = vec!["VARIABLE".to_string()];
    header.extend(
        matrix
            .environments
            .iter()
            .map(|e| printable(e).into_owned()),
    );
    line(header, out)?;
    for row in differ {
        let mut cells = vec![printable(&row.variable).into_owned()];
        cells.extend(row.states.iter().map(|s| s.as_str().to_string()));
        line(cells, out)?;
    }
    writeln!(out)
}

/// A diagnostic without a code frame: for env files (their lines hold values) and files that
/// cannot be read back.
fn location_only(f: &Finding, title: &str) -> String {
    let color = match f.severity {
        Severity::Error => AnsiColor::BrightRed,
        Severity::Warning => AnsiColor::BrightYellow,
        Severity::Info => AnsiColor::BrightBlue,
    };
    let level = Style::new().bold().fg_color(Some(Color::Ansi(color)));
    let bold = Style::new().bold();
    let arrow = Style::new()
        .bold()
        .fg_color(Some(Color::Ansi(AnsiColor::BrightBlue)));
    format!(
        "{level}{}[{}]{level:#}{bold}: {title}{bold:#}\n {arrow}-->{arrow:#} {}:{}:{}",
        f.severity.as_str(),
        f.rule.code,
        printable(&f.path),
        f.span.line,
        f.span.column
    )
}

/// A source file's text and where each of its lines starts.
struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// Line `index` (0-based), without its line break.
    fn get(&self, index: usize) -> Option<&str> {
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

/// The lines of a source file around a finding and the byte range to underline, relative to
/// the returned text: `(text, first line number, range)`.
fn frame(lines: &Lines, f: &Finding) -> Option<(String, usize, std::ops::Range<usize>)> {
    let line = f.span.line.checked_sub(1)?;
    // a secret in the code (a literal default ENV303 reports, a token passed as a key) is
    // masked character for character, so the columns still point where they did
    let masked = crate::secret_shapes::mask_tokens(lines.get(line)?);
    let shown = printable_line(&masked);
    let source_line: &str = &shown;
    let start_char = f.span.column.saturating_sub(1);
    let start = source_line
        .char_indices()
        .nth(start_char)
        .map(|(i, _)| i)
        .unwrap_or(source_line.len());
    let len: usize = if f.span.end_line == f.span.line && f.span.end_column >= f.span.column {
        source_line[start..]
            .chars()
            .take(f.span.end_column - f.span.column + 1)
            .map(char::len_utf8)
            .sum()
    } else {
        1
    };
    let end = (start + len.max(1)).min(source_line.len());
    Some((source_line.to_string(), f.span.line, start..end))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn summary_line(findings: &[Finding], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if summary.quiet {
        return Ok(());
    }
    let counts = |findings: &[&Finding]| {
        let n = |s| findings.iter().filter(|f| f.severity == s).count();
        format!(
            "{}, {}, {}",
            plural(n(Severity::Error), "error"),
            plural(n(Severity::Warning), "warning"),
            plural(n(Severity::Info), "info"),
        )
    };
    let all: Vec<&Finding> = findings.iter().collect();
    let Some(base) = summary.base else {
        if findings.is_empty() {
            return writeln!(out, "No findings.");
        }
        return writeln!(
            out,
            "Found {}: {}.",
            plural(findings.len(), "finding"),
            counts(&all)
        );
    };
    let base = printable(base);
    let new: Vec<&Finding> = findings.iter().filter(|f| f.new != Some(false)).collect();
    let existing = findings.len() - new.len();
    let what_fails = if summary.fail_on_existing {
        "all of them count (--fail-on-existing)"
    } else {
        "only new ones fail the run"
    };
    if new.is_empty() {
        return writeln!(
            out,
            "No new findings since `{base}`; {} already there ({what_fails}).",
            plural(existing, "finding")
        );
    }
    writeln!(
        out,
        "Found {} new since `{base}`: {}; {} already there ({what_fails}).",
        plural(new.len(), "finding"),
        counts(&new),
        plural(existing, "finding")
    )
}
