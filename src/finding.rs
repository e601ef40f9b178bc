//! What a rule reports: a [`Finding`], with its rule, severity, place and variable.

use serde::Serialize;

use crate::rules::RuleInfo;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file: 1-based line and column, inclusive start and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    /// A span covering `len` characters from `line:column` on one line.
    pub fn at(line: usize, column: usize, len: usize) -> Span {
        Span {
            line,
            column,
            end_line: line,
            end_column: column + len.max(1) - 1,
        }
    }

    /// The span of a read's key.
    pub fn of(site: &crate::model::Site) -> Span {
        Span {
            line: site.line,
            column: site.column,
            end_line: site.end_line.max(site.line),
            end_column: if site.end_line > site.line {
                site.end_column
            } else {
                site.end_column.max(site.column)
            },
        }
    }

    /// A whole line, with no column information.
    pub fn line(line: usize) -> Span {
        Span {
            line,
            column: 1,
            end_line: line,
            end_column: 1,
        }
    }
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    pub severity: Severity,
    /// Names, paths, kinds and counts only: never a value.
    pub message: String,
    /// Relative to the project root, with `/`.
    pub path: String,
    pub span: Span,
    pub variable: Option<String>,
    /// The target environment (`diff`), `None` for `check`.
    pub environment: Option<String>,
    /// Not a finding at the base revision (`--base`); `None` without `--base`.
    pub new: Option<bool>,
    /// The finding points into an env file: its source lines hold values and are never shown.
    pub in_env_file: bool,
    /// The app it belongs to in a run over several (its configuration's directory, relative
    /// to the repository top; `.` at the top); `None` in a run over one.
    pub app: Option<String>,
}

impl Finding {
    pub fn new(rule: &'static RuleInfo, path: &str, span: Span, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message,
            path: path.to_string(),
            span,
            variable: None,
            environment: None,
            new: None,
            in_env_file: false,
            app: None,
        }
    }

    pub fn variable(mut self, name: &str) -> Finding {
        self.variable = Some(name.to_string());
        self
    }

    /// At `severity` instead of the rule's default (for rules that grade each finding).
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn in_env_file(mut self) -> Finding {
        self.in_env_file = true;
        self
    }

    /// The order findings are reported in: path, position, rule, variable.
    pub fn sort_key(&self) -> (&str, Span, &str, Option<&str>, Option<&str>) {
        (
            &self.path,
            self.span,
            self.rule.code,
            self.variable.as_deref(),
            self.environment.as_deref(),
        )
    }
}

/// Sorts findings for output and drops exact duplicates.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}
