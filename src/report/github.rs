//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the file and line:
//!
//! ```text
//! ::error file=app.py,line=3,endLine=3,col=9,endColumn=15,title=envcheck (ENV101)::message
//! ```
//!
//! Errors become `error`, warnings `warning`, infos `notice`. With `--base`, findings the base
//! revision already had become notices titled `existing` (they do not fail the job), printed
//! after the new ones of their level. Lines and columns are 1-based and
//! inclusive. `endLine` is always written; `col` and `endColumn` are written together, only when
//! the span is on one line and has column information (a [`Span::line`] span, column 1 to 1,
//! has none). A finding with no line (line 0) is annotated on the file alone.
//!
//! GitHub shows at most [`ANNOTATIONS_PER_KIND`] error, warning and notice annotations per step,
//! the first ones printed. So findings are printed errors first, then warnings, then notices
//! (in the sorted order within a severity), and when some will not be shown, one extra notice
//! says how many: it is printed right after the warnings, as the first notice, so that the
//! notices' own limit never hides it. Every finding is still printed, so all of them are in the
//! log.
//!
//! Escaping follows actions/toolkit `packages/core/src/command.ts`: see [`escape_data`] and
//! [`escape_property`]. Paths and messages hold names from the repository, so beyond the
//! toolkit's escapes (which the runner decodes), every other control, bidi or invisible
//! character is written as the text `\u{..}`: the runner would pass it to the log and the
//! annotation as it is, where it can reorder or hide what the line says.

use std::io::{self, Write};

use crate::finding::{Finding, Severity, Span};

/// Annotations of one kind (error, warning, notice) GitHub shows per step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// Escapes a command's message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; any other control,
/// bidi or invisible character becomes the text `\u{..}`.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value: as [`escape_data`], and also `:` → `%3A`, `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if super::unprintable(c) => super::push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// The start and end columns of a span, when it is on one line and has column information.
/// A [`Span::line`] span (column 1 to 1) has none, nor has a span with column 0.
pub(crate) fn columns(span: &Span) -> Option<(usize, usize)> {
    let known = span.column > 0 && !(span.column == 1 && span.end_column == 1);
    (known && span.line > 0 && span.end_line == span.line && span.end_column >= span.column)
        .then_some((span.column, span.end_column))
}

/// The annotation level of a finding. With `--base`, a finding the base revision already had
/// does not fail the job, so it is annotated as a notice (titled `existing`), whatever its
/// severity: errors and warnings on the diff are then only the ones the change brings.
fn level(f: &Finding) -> Severity {
    if f.new == Some(false) {
        Severity::Info
    } else {
        f.severity
    }
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The properties of one finding's command, unescaped, in the order they are written.
fn properties(f: &Finding) -> Vec<(&'static str, String)> {
    let mut props = vec![("file", f.path.clone())];
    let span = &f.span;
    if span.line > 0 {
        props.push(("line", span.line.to_string()));
        props.push(("endLine", span.end_line.max(span.line).to_string()));
        if let Some((col, end_col)) = columns(span) {
            props.push(("col", col.to_string()));
            props.push(("endColumn", end_col.to_string()));
        }
    }
    let existing = if f.new == Some(false) {
        ", existing"
    } else {
        ""
    };
    props.push(("title", format!("envcheck ({}{existing})", f.rule.code)));
    props
}

fn write_command(
    out: &mut dyn Write,
    name: &str,
    props: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    let props: Vec<String> = props
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    writeln!(
        out,
        "::{name} {}::{}",
        props.join(","),
        escape_data(message)
    )
}

/// Writes one workflow command per finding, ranked by severity, and a notice naming how many
/// annotations GitHub will not show. `findings` must be sorted.
pub fn emit(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    // Within a level, new findings first, so GitHub's per-kind limit hides existing ones first.
    let of = |severity: Severity| {
        let new = findings
            .iter()
            .filter(move |f| level(f) == severity && f.new != Some(false));
        let existing = findings
            .iter()
            .filter(move |f| level(f) == severity && f.new == Some(false));
        new.chain(existing)
    };
    let (errors, warnings, notices) = (
        of(Severity::Error).count(),
        of(Severity::Warning).count(),
        of(Severity::Info).count(),
    );
    let limit = ANNOTATIONS_PER_KIND;
    let truncated = errors > limit || warnings > limit || notices > limit;
    // The truncation notice takes one of the notices' places.
    let notice_places = if truncated { limit - 1 } else { limit };
    let hidden = errors.saturating_sub(limit)
        + warnings.saturating_sub(limit)
        + notices.saturating_sub(notice_places);

    for f in of(Severity::Error).chain(of(Severity::Warning)) {
        write_command(out, command(level(f)), &properties(f), &f.message)?;
    }
    if truncated {
        let message = format!(
            "{hidden} more {} not shown as annotations (GitHub shows {limit} of each kind per \
             step); see the job log or the job summary",
            if hidden == 1 {
                "finding is"
            } else {
                "findings are"
            }
        );
        write_command(
            out,
            "notice",
            &[("title", "envcheck".to_string())],
            &message,
        )?;
    }
    for f in of(Severity::Info) {
        write_command(out, command(level(f)), &properties(f), &f.message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lookup;

    fn finding(code: &str, path: &str, span: Span, message: &str) -> Finding {
        Finding::new(lookup(code).expect("rule"), path, span, message.to_string())
    }

    fn render(findings: &[Finding]) -> String {
        let mut out = Vec::new();
        emit(findings, &mut out).expect("write to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn escaping_matches_the_toolkit() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
        // `%` first: an escape sequence already in the input is not mistaken for one.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("%3A"), "%253A");
        assert_eq!(escape_data("naïve ✓"), "naïve ✓");
        // bidi overrides and isolates, zero-width and other controls never pass raw
        assert_eq!(
            escape_data("a\u{202e}b\u{2066}c\u{200b}d\u{1b}e"),
            "a\\u{202e}b\\u{2066}c\\u{200b}d\\u{1b}e"
        );
        assert_eq!(escape_property("x\u{2069}:y"), "x\\u{2069}%3Ay");
    }

    #[test]
    fn one_command_per_finding_ranked_by_severity() {
        let findings = [
            finding(
                "ENV104",
                ".env.prod",
                Span::line(4),
                "`OLD_FLAG` is set in prod but no code reads it",
            )
            .variable("OLD_FLAG"),
            finding(
                "ENV107",
                "src/app.py",
                Span {
                    line: 3,
                    column: 5,
                    end_line: 6,
                    end_column: 2,
                },
                "`DEBUG` (optional) is not set in prod",
            )
            .variable("DEBUG"),
            finding(
                "ENV101",
                "src/app.py",
                Span::at(9, 12, 7),
                "`API_KEY` (required) is not set in prod",
            )
            .variable("API_KEY"),
            finding(
                "ENV101",
                "we,ird/a:b%c.py",
                Span::at(1, 1, 1),
                "100% broken:\r\nline two, with a comma",
            ),
        ];
        let expected = "\
::error file=src/app.py,line=9,endLine=9,col=12,endColumn=18,title=envcheck (ENV101)::`API_KEY` (required) is not set in prod
::error file=we%2Cird/a%3Ab%25c.py,line=1,endLine=1,title=envcheck (ENV101)::100%25 broken:%0D%0Aline two, with a comma
::warning file=src/app.py,line=3,endLine=6,title=envcheck (ENV107)::`DEBUG` (optional) is not set in prod
::notice file=.env.prod,line=4,endLine=4,title=envcheck (ENV104)::`OLD_FLAG` is set in prod but no code reads it
";
        assert_eq!(render(&findings), expected);
    }

    #[test]
    fn with_a_base_existing_findings_are_notices_after_new_ones() {
        let mark = |f: Finding, new: bool| Finding {
            new: Some(new),
            ..f
        };
        let findings = [
            mark(
                finding(
                    "ENV101",
                    "a.py",
                    Span::line(1),
                    "`OLD` (required) is not set",
                ),
                false,
            ),
            mark(
                finding(
                    "ENV101",
                    "b.py",
                    Span::line(2),
                    "`NEW` (required) is not set",
                ),
                true,
            ),
            mark(
                finding("ENV104", ".env.prod", Span::line(3), "`X` is not read"),
                true,
            ),
        ];
        let expected = "\
::error file=b.py,line=2,endLine=2,title=envcheck (ENV101)::`NEW` (required) is not set
::notice file=.env.prod,line=3,endLine=3,title=envcheck (ENV104)::`X` is not read
::notice file=a.py,line=1,endLine=1,title=envcheck (ENV101%2C existing)::`OLD` (required) is not set
";
        assert_eq!(render(&findings), expected);
    }

    #[test]
    fn columns_need_one_line_and_column_information() {
        assert_eq!(columns(&Span::at(2, 5, 3)), Some((5, 7)));
        assert_eq!(columns(&Span::at(2, 5, 1)), Some((5, 5)));
        assert_eq!(columns(&Span::at(2, 1, 4)), Some((1, 4)));
        assert_eq!(columns(&Span::line(2)), None);
        assert_eq!(columns(&Span::default()), None);
        let multi = Span {
            line: 2,
            column: 5,
            end_line: 3,
            end_column: 9,
        };
        assert_eq!(columns(&multi), None);
    }

    #[test]
    fn a_finding_without_a_line_is_on_the_file() {
        let f = finding("ENV106", ".env.vault", Span::default(), "cannot decrypt");
        assert_eq!(
            render(&[f]),
            "::warning file=.env.vault,title=envcheck (ENV106)::cannot decrypt\n"
        );
    }

    #[test]
    fn nothing_for_no_findings() {
        assert_eq!(render(&[]), "");
    }

    fn many(code: &str, n: usize) -> Vec<Finding> {
        (1..=n)
            .map(|line| finding(code, "a.py", Span::line(line), &format!("{code} {line}")))
            .collect()
    }

    #[test]
    fn past_ten_of_a_kind_a_notice_names_the_hidden_count() {
        let mut findings = many("ENV104", 2);
        findings.extend(many("ENV101", 12));
        findings.extend(many("ENV107", 11));
        let out = render(&findings);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 12 + 11 + 1 + 2);
        assert!(lines[..12].iter().all(|l| l.starts_with("::error ")));
        assert!(lines[12..23].iter().all(|l| l.starts_with("::warning ")));
        assert_eq!(
            lines[23],
            "::notice title=envcheck::3 more findings are not shown as annotations (GitHub shows \
             10 of each kind per step); see the job log or the job summary"
        );
        assert_eq!(
            lines[24],
            "::notice file=a.py,line=1,endLine=1,title=envcheck (ENV104)::ENV104 1"
        );
        assert_eq!(
            lines[25],
            "::notice file=a.py,line=2,endLine=2,title=envcheck (ENV104)::ENV104 2"
        );
    }

    #[test]
    fn the_notice_counts_notices_past_its_own_place() {
        // Ten notices fit alone; eleven do not, and the summary notice takes one place.
        assert!(!render(&many("ENV104", 10)).contains("title=envcheck::"));
        let out = render(&many("ENV104", 11));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 12);
        assert!(lines[0].starts_with("::notice title=envcheck::2 more findings are not shown"));

        let mut findings = many("ENV101", 11);
        findings.extend(many("ENV104", 3));
        let out = render(&findings);
        assert!(out.contains("::notice title=envcheck::1 more finding is not shown"));
    }

    #[test]
    fn exactly_ten_of_each_kind_need_no_notice() {
        let mut findings = many("ENV101", 10);
        findings.extend(many("ENV107", 10));
        findings.extend(many("ENV104", 10));
        let out = render(&findings);
        assert_eq!(out.lines().count(), 30);
        assert!(!out.contains("title=envcheck::"));
    }
}
