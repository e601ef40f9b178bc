//! ENV303 secret-default-in-code.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV303",
    name: "secret-default-in-code",
    severity: Severity::Warning,
    summary: "A secret-named variable has a literal default in code",
    explain: "\
## What it does
Reports reads of secret-named variables (SECRET, TOKEN, PASSWORD, PRIVATE_KEY, API_KEY, ...)
that fall back to a non-empty literal when the variable is missing.

## Why is this bad?
If the deploy forgets the variable, production runs with the default: a signing key everyone
can read in the repository, or `changeme` as the admin password. The deploy should fail
instead.

## Example
```python
SECRET_KEY = os.getenv(\"SECRET_KEY\", \"dev-secret\")
```

## Use instead
```python
SECRET_KEY = os.environ[\"SECRET_KEY\"]
```
and set a development value in your local `.env`.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for variable in &project.inventory.variables {
        if !secret_shapes::is_secret_name(&variable.name) {
            continue;
        }
        for read in &variable.reads {
            if read.extra.default.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    &read.path,
                    Span::of(read),
                    format!(
                        "`{}` looks like a secret but falls back to a literal default when unset; make it required",
                        variable.name
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
    fn reports_literal_defaults_of_secret_names() {
        let fx = Fixture::new(
            &[(
                "s.py",
                "import os\nos.getenv('SECRET_KEY', 'dev-secret')\nos.getenv('LOG_LEVEL', 'info')\nos.environ['API_TOKEN']\nos.getenv('DB_PASSWORD', '')\n",
            )],
            &[],
        );
        assert_eq!(fx.run(check), rows(&[("ENV303", "s.py", 2, "SECRET_KEY")]));
    }

    #[test]
    fn typescript_fallbacks_and_destructuring_defaults() {
        let fx = Fixture::new(
            &[(
                "a.ts",
                "const a = process.env.API_SECRET ?? 'dev';\nconst { SESSION_SECRET = 'abc', LOG_LEVEL = 'info' } = process.env;\nconst t = process.env.GITHUB_TOKEN || fallbackToken();\nconst u = process.env.WEBHOOK_SECRET!;\n",
            )],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV303", "a.ts", 1, "API_SECRET"),
                ("ENV303", "a.ts", 2, "SESSION_SECRET")
            ])
        );
    }
}
