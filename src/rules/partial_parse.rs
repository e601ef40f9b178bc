//! ENV202 partial-parse.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV202",
    name: "partial-parse",
    severity: Severity::Info,
    summary: "A source file was only partly parsed, or not parsed",
    explain: "\
## What it does
Reports source files with syntax errors (reads outside the broken regions are still found),
files not parsed at all (too large, binary, minified), and files that are not valid UTF-8.

## Why is this bad?
Reads inside the part envcheck could not parse are missing from every other check. Usually the
file uses syntax newer than the grammar, or is generated. A syntax error inside a top-level
Python `def` or `class` that holds no env trigger word is not reported: envcheck does not parse
such a definition, as no read can be in it. Where the only errors are valid
constructs the grammar is known to reject (a TypeScript function type `(string) => boolean`, a
bare `&` in JSX text, a tagged template with type arguments), the message says so: the code is
fine, and the reads outside the construct are kept.

## Example
A Python file that uses syntax the grammar does not know yet, a 10 MB generated client.

## Use instead
Exclude generated files in `envcheck.toml` (`exclude = [\"src/generated/**\"]`), or accept the
notice; suppression is per file with `per-path-ignores`.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for notice in &project.inventory.notices {
        let span = match notice.position {
            Some(at) => Span::at(at.line, at.column, 1),
            None => Span::line(1),
        };
        out.push(Finding::new(
            &RULE,
            &notice.path,
            span,
            notice.message.clone(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_files_with_syntax_errors() {
        let fx = Fixture::new(
            &[
                ("a.py", "import os\nos.getenv('X')\ndef f(:\n"),
                ("b.py", "import os\nos.getenv('Y')\n"),
            ],
            &[],
        );
        // the finding points at the first syntax error, not the top of the file
        assert_eq!(fx.run(check), rows(&[("ENV202", "a.py", 3, "")]));
    }
}
