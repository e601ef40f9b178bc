//! ENV001 undocumented-variable.

use crate::extract::{ReadKind, When};
use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::{Documented, Project, documented, example_keys};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV001",
    name: "undocumented-variable",
    severity: Severity::Error,
    summary: "A variable read in code is absent from the example file",
    explain: "\
## What it does
Reports each environment variable the code reads that the example file (`.env.example`,
`.env.sample`, `.env.template`, `example.env`, `.env.dist`, or the one set in config) does not
list. Commented-out keys (`# KEY=`) count as documented, as does the `_FILE` counterpart of a
name (`POSTGRES_PASSWORD_FILE` for `POSTGRES_PASSWORD`, and the reverse) and a name that appears
in the files `documented-in` lists (`docs/**/*.md`). Platform variables (PORT, HOME, CI,
GITHUB_*, ...), names in `ignore-vars` and variables read only by tooling (scripts, load
tests, mocks: see `tooling`) are not reported. Nor is a variable a Dockerfile of the repository
sets with `ENV` (`ENV PNGX_CONTAINERIZED=1`): the image provides it, nobody configures it.

The severity follows the variable's requirement: an error for a required variable (the
service does not start without it), a warning for one read without a default, `info` for one
with a default or only tested for presence, or read only at build time or by test settings.

## Why is this bad?
The example file is the contract between the code and whoever configures a deploy. A variable
missing from it is found the hard way: by a crash, or a silent default, in production.

## Example
```python
STRIPE_KEY = os.environ[\"STRIPE_SECRET_KEY\"]   # not in .env.example
```

## Use instead
Add the key to the example file, with a placeholder value:
```
STRIPE_SECRET_KEY=sk_test_your_key_here
```
or run `envcheck example --write` to append every missing key.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    let Some(example) = project.example() else {
        return;
    };
    let keys = example_keys(example);
    for variable in project.checked_variables() {
        if documented(variable, &keys) != Documented::No
            || project.scope.documented_elsewhere(&variable.name)
            || project
                .scope
                .consumers
                .set_by_image(&variable.name)
                .is_some()
        {
            continue;
        }
        // graded by the application's runtime reads (tooling reads are filtered out already)
        let runtime = variable.reads.iter().filter(|r| {
            project.scope.is_app(r) && r.extra.when != When::Build && r.profile != Some("test")
        });
        let severity = match runtime.map(|r| r.kind).max_by_key(|k| k.strength()) {
            Some(ReadKind::Required) => Severity::Error,
            Some(ReadKind::Optional) => Severity::Warning,
            _ => Severity::Info,
        };
        let first = variable
            .reads
            .iter()
            .find(|r| project.scope.is_app(r))
            .unwrap_or(&variable.reads[0]);
        let places = match variable.reads.len() {
            1 => String::new(),
            n => format!(", read in {n} places"),
        };
        out.push(
            Finding::new(
                &RULE,
                &first.path,
                Span::of(first),
                format!(
                    "`{}` is read here ({}{places}) but is not documented in {}",
                    variable.name,
                    variable.requirement.as_str(),
                    example.path
                ),
            )
            .variable(&variable.name)
            .severity(severity),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_variables_missing_from_the_example() {
        let fx = Fixture::new(
            &[
                (
                    "app.py",
                    "import os\nos.environ['DOCUMENTED']\nos.getenv('MISSING')\nos.getenv('PORT')\nos.getenv('COMMENTED')\n",
                ),
                ("web/a.ts", "process.env.MISSING_TS ?? 'x';\n"),
                (".env.example", "DOCUMENTED=x\n# COMMENTED=y\n"),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV001", "app.py", 3, "MISSING"),
                ("ENV001", "web/a.ts", 1, "MISSING_TS")
            ])
        );
    }

    #[test]
    fn case_insensitive_reads_match_any_case_and_ignore_vars_are_skipped() {
        let mut fx = Fixture::new(
            &[
                (
                    "s.py",
                    "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    database_url: str\n",
                ),
                ("t.py", "import os\nos.getenv('LEGACY_FLAG')\n"),
                (".env.example", "database_url=postgres://\n"),
            ],
            &[],
        );
        fx.scope.ignore_vars = crate::check::glob_set(&["LEGACY_*".to_string()]).expect("globs");
        assert_eq!(fx.run(check), rows(&[]));
    }

    #[test]
    fn variables_the_image_sets_are_not_undocumented() -> std::io::Result<()> {
        let mut fx = Fixture::new(
            &[
                (
                    "app.py",
                    "import os
os.environ['SET_BY_IMAGE']
os.environ['BUILD_ARG_ONLY']
",
                ),
                (
                    ".env.example",
                    "OTHER=1
",
                ),
            ],
            &[],
        );
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM x
ARG BUILD_ARG_ONLY
ENV SET_BY_IMAGE=1
",
        )?;
        fx.scope.consumers = crate::consumers::Consumers::collect(dir.path(), dir.path());
        // a build argument is not in the running container
        assert_eq!(
            fx.run(check),
            rows(&[("ENV001", "app.py", 3, "BUILD_ARG_ONLY")])
        );
        Ok(())
    }

    #[test]
    fn nothing_without_an_example_file() {
        let fx = Fixture::new(&[("app.py", "import os\nos.getenv('X')\n")], &[]);
        assert!(fx.run(check).is_empty());
    }
}
