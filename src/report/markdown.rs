//! `--format markdown`: a report a person can paste into a release ticket or a merge request,
//! and the GitHub job summary. For `diff --base` it is the config change plan: what the target
//! must gain before the deploy, what it can lose after it, what changed meaning. Names,
//! locations and counts only.
//!
//! The output stays under GitHub's 1 MiB step-summary limit: past [`LIMIT`] bytes the list is cut
//! at a line and an explicit truncation line says how much was left out.
//!
//! Paths, messages and the environment and base names are input (a repository can hold a file
//! named `x](http://e)<img src=x>.py`), and GitHub renders the summary as Markdown with some
//! HTML. So no input text reaches the page as markup: names, paths and the parts of a message a
//! rule wrote between backticks become code spans ([`code`]: a fence longer than any run of
//! backticks inside, `|` escaped for the table), and the rest of a message is text with each
//! punctuation character that can open markup backslash-escaped ([`text`]: no HTML tag or
//! entity, link, image, autolink, mention, emphasis, math or table cell can start). Control, bidi and invisible characters are
//! written as `\u{..}` everywhere, so a row stays on one line and reads as it is.

use std::io::{self, Write};

use crate::baseline::{Change, ChangeKind};
use crate::finding::{Finding, Severity};
use crate::report::printable;
use crate::target_changes::TargetChange;

/// Bytes of Markdown written at most (GitHub allows 1 MiB per step summary; leave room for
/// other steps' output).
pub const LIMIT: usize = 1000 * 1024;

/// What the report is about.
pub struct Report<'a> {
    /// `check` or `diff`.
    pub command: &'a str,
    pub environment: Option<&'a str>,
    /// The base revision, with `--base`.
    pub base: Option<&'a str>,
    pub findings: &'a [Finding],
    /// With `--base`.
    pub changes: Option<&'a [Change]>,
    /// `diff` over several environments: what each says about each variable.
    pub matrix: Option<&'a crate::matrix::Matrix>,
    /// `diff --base`: what each environment's configuration changed since the base revision.
    pub target_changes: Option<&'a [TargetChange]>,
    /// A run over several apps: a section per app, its findings, plan and matrix in it.
    pub apps: Option<&'a [crate::report::App]>,
}

/// Input text as Markdown text: unprintable characters as `\u{..}`, and a backslash before each
/// ASCII punctuation character that can open markup on GitHub (CommonMark lets any be escaped):
/// `<`, `>`, `&` (HTML, entities), `[`, `]`, `!` (links, images), `:`, `@` and the `.` of `www.`
/// (autolinks), `*`, `_`, `~` (emphasis), `` ` `` (code), `|` (table cells), `$` (math), `#`
/// (headings, issue references) and `\` itself. Text never starts a line here (it follows a cell
/// separator or a list item's location), so `-`, `+`, `=` and digits cannot start a block.
fn text(input: &str) -> String {
    let shown = printable(input);
    let mut out = String::with_capacity(shown.len() + 8);
    // the last three characters, for `www.`
    let mut last = ['\0'; 3];
    for c in shown.chars() {
        let www = last.iter().all(|l| l.eq_ignore_ascii_case(&'w'));
        let markup = matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '~'
                | '['
                | ']'
                | '!'
                | '<'
                | '>'
                | '&'
                | '|'
                | ':'
                | '@'
                | '$'
                | '#'
        ) || (c == '.' && www);
        if markup {
            out.push('\\');
        }
        out.push(c);
        last = [last[1], last[2], c];
    }
    out
}

/// A message: the parts a rule wrote between backticks (names, paths) as code spans, the rest
/// as [`text`]. Where the backticks do not pair up (a path holding one), the rest is text.
fn message(input: &str) -> String {
    let parts: Vec<&str> = input.split('`').collect();
    let mut out = String::new();
    let last = parts.len() - 1;
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && i < last {
            out.push_str(&code(part));
        } else {
            if i % 2 == 1 {
                // an unpaired backtick
                out.push_str("\\`");
            }
            out.push_str(&text(part));
        }
    }
    out
}

/// Input text as an inline code span, where nothing is markup: unprintable characters as
/// `\u{..}`, `|` escaped (GitHub splits table cells before it finds code spans), fenced by more
/// backticks than the longest run inside, padded with a space where the text starts or ends
/// with a backtick.
fn code(input: &str) -> String {
    let shown = printable(input).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in shown.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

fn at(f: &Finding) -> String {
    code(&format!("{}:{}", f.path, f.span.line))
}

fn var(f: &Finding) -> String {
    f.variable.as_deref().map(code).unwrap_or_default()
}

/// A section with a bullet per item; nothing when empty.
fn section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n### {title} ({})\n\n", items.len()));
    for item in items {
        out.push_str("- ");
        out.push_str(item);
        out.push('\n');
    }
}

fn findings_table(out: &mut String, findings: &[&Finding]) {
    if findings.is_empty() {
        return;
    }
    out.push_str("\n| severity | rule | location | message |\n| --- | --- | --- | --- |\n");
    for f in findings {
        out.push_str(&format!(
            "| {} | {} {} | {} | {} |\n",
            f.severity.as_str(),
            f.rule.code,
            f.rule.name,
            at(f),
            message(&f.message)
        ));
    }
}

/// What the plan says about the base revision and the environment's configuration changes.
struct Since<'a> {
    base: &'a str,
    target_changes: &'a [TargetChange],
}

fn plan(out: &mut String, env: &str, findings: &[Finding], changes: &[Change], since: &Since) {
    let new = |code: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.rule.code == code && f.new != Some(false))
            .collect()
    };
    let must: Vec<String> = new("ENV101")
        .iter()
        .map(|f| format!("{}: required at start-up, read at {}", var(f), at(f)))
        .collect();
    let on_use: Vec<String> = new("ENV107")
        .iter()
        .map(|f| format!("{}: {}", var(f), message(&f.message)))
        .collect();
    let optional: Vec<String> = new("ENV102")
        .iter()
        .map(|f| format!("{}: read without a default at {}", var(f), at(f)))
        .collect();
    let empty_at = |severity: Severity| -> Vec<String> {
        new("ENV103")
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| format!("{}: set but empty, read at {}", var(f), at(f)))
            .collect()
    };
    let (empty, empty_should) = (empty_at(Severity::Error), empty_at(Severity::Warning));
    let defaults: Vec<String> = changes
        .iter()
        .filter(|c| {
            c.change == ChangeKind::Added
                && matches!(c.to, Some(k) if k == crate::extract::ReadKind::Default)
        })
        .map(|c| format!("{}: read at {}", code(&c.variable), code(&c.site)))
        .collect();
    let removed: Vec<String> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Removed)
        .map(|c| {
            let set = match c.in_target {
                Some(true) => format!(" (set in {})", code(env)),
                Some(false) => format!(" (not set in {})", code(env)),
                None => String::new(),
            };
            format!("{}: was read at {}{set}", code(&c.variable), code(&c.site))
        })
        .collect();
    let changed: Vec<String> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::RequirementChanged)
        .map(|c| {
            format!(
                "{}: {} → {}, at {}",
                code(&c.variable),
                c.from.map(|k| k.as_str()).unwrap_or("-"),
                c.to.map(|k| k.as_str()).unwrap_or("-"),
                code(&c.site)
            )
        })
        .collect();
    let moved: Vec<String> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Moved)
        .map(|c| format!("{}: now read at {}", code(&c.variable), code(&c.site)))
        .collect();
    let unverified: Vec<String> = findings
        .iter()
        .filter(|f| matches!(f.rule.code, "ENV105" | "ENV106"))
        .map(|f| format!("{} {}", at(f), message(&f.message)))
        .collect();
    let existing: Vec<String> = findings
        .iter()
        .filter(|f| {
            matches!(f.rule.code, "ENV101" | "ENV107" | "ENV103")
                && f.severity > Severity::Info
                && f.new == Some(false)
        })
        .map(|f| format!("{} ({}): {}", var(f), f.rule.name, at(f)))
        .collect();
    let mut should = on_use;
    should.extend(empty_should);
    out.push_str(&format!(
        "\n**{} must be set before deploying**, {} should be set, {} new optional, {} new with defaults, {} no longer read, {} changed requirement.\n",
        must.len() + empty.len(),
        should.len(),
        optional.len(),
        defaults.len(),
        removed.len(),
        changed.len()
    ));
    let mut must_all = must;
    must_all.extend(empty);
    section(
        out,
        &format!("Must be set in {} before deploying", code(env)),
        &must_all,
    );
    // the list a release manager pastes into the ticket of a config-only deploy
    let configured: Vec<String> = since
        .target_changes
        .iter()
        .filter(|c| c.environment == env)
        .map(|c| {
            format!(
                "{}: {}, {} ({})",
                code(&c.variable),
                c.change.phrase(),
                code(&c.location()),
                text(&c.source)
            )
        })
        .collect();
    section(
        out,
        &format!(
            "Configuration changes in {} since {}",
            code(env),
            code(since.base)
        ),
        &configured,
    );
    section(out, "Should be set (needed on one code path)", &should);
    section(
        out,
        "New, optional: set them if you want the feature",
        &optional,
    );
    section(out, "New, with defaults (review them)", &defaults);
    section(
        out,
        "No longer read: can be removed after the deploy",
        &removed,
    );
    section(out, "Changed requirement", &changed);
    section(out, "Moved", &moved);
    section(out, "Cannot be verified (check by hand)", &unverified);
    section(out, "Already missing before this change", &existing);
}

/// Renders the report, cut to [`LIMIT`] bytes.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = match (report.command, report.environment) {
        ("diff", Some(env)) => format!("## envcheck: configuration for {}", code(env)),
        _ => "## envcheck check".to_string(),
    };
    out.push_str(&title);
    if let Some(base) = report.base {
        out.push_str(&format!(" (changes since {})", code(base)));
    }
    out.push('\n');
    match report.apps {
        Some(apps) => {
            for app in apps {
                out.push_str(&format!("\n## App {}\n", code(&app.label)));
                if let Some(config) = &app.config {
                    out.push_str(&format!("\nConfiguration: {}\n", code(config)));
                }
                if !app.skipped.is_empty() {
                    let names: Vec<String> = app.skipped.iter().map(|e| code(e)).collect();
                    out.push_str(&format!(
                        "\nNot checked against {}: this app does not know {}.\n",
                        names.join(", "),
                        if names.len() == 1 { "it" } else { "them" }
                    ));
                }
                if report.command == "diff" && app.environments.is_empty() {
                    continue;
                }
                let own: Vec<Finding> =
                    app.findings(report.findings).into_iter().cloned().collect();
                let environment = app.environments.join(", ");
                body(
                    &mut out,
                    &Report {
                        environment: report.environment.map(|_| environment.as_str()),
                        findings: &own,
                        changes: app.changes.as_deref(),
                        target_changes: app.target_changes.as_deref(),
                        matrix: app.matrix.as_ref(),
                        apps: None,
                        ..*report
                    },
                );
            }
        }
        None => body(&mut out, report),
    }
    truncate(out, LIMIT)
}

/// The report after its title: the plan or the findings, and the matrix.
fn body(out: &mut String, report: &Report) {
    let several = report.matrix.filter(|m| m.environments.len() > 1);
    let since = Since {
        base: report.base.unwrap_or_default(),
        target_changes: report.target_changes.unwrap_or_default(),
    };
    match (report.environment, report.changes) {
        (Some(env), Some(changes)) => {
            match several {
                // one plan per environment, each with its own findings
                Some(matrix) => {
                    for env in &matrix.environments {
                        out.push_str(&format!("\n## `{}`\n", text(env)));
                        let own: Vec<Finding> = report
                            .findings
                            .iter()
                            .filter(|f| f.environment.as_deref() == Some(env.as_str()))
                            .cloned()
                            .collect();
                        plan(out, env, &own, changes, &since);
                    }
                }
                None => plan(out, env, report.findings, changes, &since),
            }
            // names listed as no longer read need no second line
            let removed = |f: &Finding| {
                f.rule.code == "ENV104"
                    && changes.iter().any(|c| {
                        c.change == ChangeKind::Removed
                            && Some(c.variable.as_str()) == f.variable.as_deref()
                    })
            };
            let rest: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| {
                    !matches!(
                        f.rule.code,
                        "ENV101" | "ENV102" | "ENV103" | "ENV105" | "ENV106" | "ENV107"
                    )
                })
                .filter(|f| !removed(f))
                .collect();
            if !rest.is_empty() {
                out.push_str("\n### Other findings\n");
                findings_table(out, &rest);
            }
        }
        (_, Some(_)) => {
            let new: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.new != Some(false))
                .collect();
            let old: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.new == Some(false))
                .collect();
            out.push_str(&format!(
                "\n**{} new finding(s)**, {} already there before this change.\n",
                new.len(),
                old.len()
            ));
            if !new.is_empty() {
                out.push_str("\n### New findings\n");
                findings_table(out, &new);
            }
            if !old.is_empty() {
                out.push_str("\n<details><summary>Findings that already existed</summary>\n");
                findings_table(out, &old);
                out.push_str("\n</details>\n");
            }
        }
        _ => {
            let count = |s| report.findings.iter().filter(|f| f.severity == s).count();
            let n = |k, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
            out.push_str(&format!(
                "\n{}, {}, {}.\n",
                n(count(Severity::Error), "error"),
                n(count(Severity::Warning), "warning"),
                n(count(Severity::Info), "info")
            ));
            let all: Vec<&Finding> = report.findings.iter().collect();
            findings_table(out, &all);
        }
    }
    if let Some(matrix) = several {
        matrix_table(out, matrix);
    }
}

/// Variables × environments, the rows where the environments differ first.
fn matrix_table(out: &mut String, matrix: &crate::matrix::Matrix) {
    let differ = matrix.rows.iter().filter(|r| r.differs()).count();
    out.push_str(&format!(
        "\n### Across environments ({differ} of {} variables differ)\n\n| variable |",
        matrix.rows.len()
    ));
    for env in &matrix.environments {
        out.push_str(&format!(" {} |", code(env)));
    }
    out.push_str("\n| --- |");
    for _ in &matrix.environments {
        out.push_str(" --- |");
    }
    out.push('\n');
    for row in &matrix.rows {
        let unread = if row.read { "" } else { " (not read)" };
        out.push_str(&format!("| {}{unread} |", code(&row.variable)));
        for state in &row.states {
            out.push_str(&format!(" {} |", state.as_str()));
        }
        out.push('\n');
    }
}

/// Cuts `text` at the last line that fits in `limit` bytes and says how many lines were left out.
pub fn truncate(text: String, limit: usize) -> String {
    if text.len() <= limit {
        return text;
    }
    let note_room = 200;
    let mut cut = limit.saturating_sub(note_room);
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let left_out = text[cut..].lines().count();
    let mut out = text[..cut].to_string();
    out.push_str(&format!(
        "\n_Truncated: {left_out} more lines are not shown (GitHub limits a job summary to 1 MiB); the JSON report has everything._\n"
    ));
    out
}

/// `--format markdown`.
pub fn emit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_text_opens_no_markup() {
        assert_eq!(
            text("a <img src=x> [b](http://e) ![c](d) `e` *f* | @g $h$ #1 www.x.y \\"),
            "a \\<img src=x\\> \\[b\\](http\\://e) \\!\\[c\\](d) \\`e\\` \\*f\\* \\| \\@g \\$h\\$ \\#1 \
             www\\.x.y \\\\"
        );
        assert_eq!(text(".env.production"), ".env.production");
        assert_eq!(text("a\u{202e}b\nc"), "a\\\\u{202e}b\\\\u{a}c");
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("x``y"), "```x``y```");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("p|q"), "`p\\|q`");
    }

    #[test]
    fn messages_keep_the_names_a_rule_quoted_as_code() {
        assert_eq!(
            message("`A` is set in <x>.env but `B"),
            "`A` is set in \\<x\\>.env but \\`B"
        );
    }

    #[test]
    fn truncation_keeps_whole_lines_and_says_so() {
        let text: String = (0..1000).map(|i| format!("- line {i}\n")).collect();
        let cut = truncate(text.clone(), 2000);
        assert!(cut.len() <= 2000, "{}", cut.len());
        assert!(cut.contains("more lines are not shown"));
        let kept = cut.lines().filter(|l| l.starts_with("- line")).count();
        let said: usize = cut
            .split("Truncated: ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("count");
        assert_eq!(kept + said, 1000);
        assert_eq!(truncate("short\n".to_string(), 2000), "short\n");
    }
}
