//! ENV004 invalid-dotenv-line.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV004",
    name: "invalid-dotenv-line",
    severity: Severity::Error,
    summary: "A line of an env file cannot be parsed",
    explain: "\
## What it does
Reports lines of env files that are not `KEY=value`, a comment or blank: a key with invalid
characters, a missing `=`, an unterminated quoted value. The message says what is wrong and
never repeats the line (it may hold a secret).

## Why is this bad?
Loaders disagree on what to do with such a line: some skip it, some stop reading the file, some
swallow every following line into an unterminated value. The variable you think is set may not be.

## Example
```
DATABASE URL=postgres://localhost/app
API_KEY=\"abc
```

## Use instead
```
DATABASE_URL=postgres://localhost/app
API_KEY=\"abc\"
```
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for file in project.env_files {
        for error in &file.file.errors {
            out.push(
                Finding::new(
                    &RULE,
                    &file.path,
                    Span::at(error.line, error.column, 1),
                    error.message.clone(),
                )
                .in_env_file(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_bad_lines_with_their_line_numbers() {
        let fx = Fixture::new(
            &[(
                ".env.example",
                "GOOD=1\nBAD KEY=2\nALSO_GOOD=3\nNO_EQUALS\n",
            )],
            &[],
        );
        let got = fx.run(check);
        assert_eq!(
            got.first(),
            rows(&[("ENV004", ".env.example", 2, "")]).first()
        );
        assert!(got.iter().all(|r| r.2 != 1 && r.2 != 3), "{got:?}");
    }
}
