//! ENV005 case-mismatch.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::{Documented, Project, documented, example_keys};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV005",
    name: "case-mismatch",
    severity: Severity::Warning,
    summary: "An example key and a code read differ only in case",
    explain: "\
## What it does
Reports a variable that the code reads under one spelling and the example file documents under
another that differs only in letter case. Reads through a case-insensitive framework
(pydantic-settings unless `case_sensitive=True`) match any case and are not reported.

## Why is this bad?
Environment variables are case-sensitive on Linux: `Database_Url` set in the deploy does not
satisfy `os.environ[\"DATABASE_URL\"]`.

## Example
```python
os.environ[\"DATABASE_URL\"]
```
```
# .env.example
database_url=postgres://localhost/app
```

## Use instead
Spell the key the way the code reads it.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    let Some(example) = project.example() else {
        return;
    };
    let keys = example_keys(example);
    for variable in project.checked_variables() {
        if let Documented::CaseMismatch(key, line) = documented(variable, &keys) {
            let first = &variable.reads[0];
            out.push(
                Finding::new(
                    &RULE,
                    &first.path,
                    Span::of(first),
                    format!(
                        "`{}` is documented as `{key}` ({}:{line}); the names differ only in case",
                        variable.name, example.path
                    ),
                )
                .variable(&variable.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_case_only_differences_of_case_sensitive_reads() {
        let fx = Fixture::new(
            &[
                ("app.py", "import os\nos.environ['DATABASE_URL']\n"),
                (
                    "s.py",
                    "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    redis_url: str\n",
                ),
                (".env.example", "database_url=x\nredis_url=y\n"),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[("ENV005", "app.py", 2, "DATABASE_URL")])
        );
    }
}
