//! ENV003 duplicate-key.

use std::collections::HashMap;

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV003",
    name: "duplicate-key",
    severity: Severity::Warning,
    summary: "A key is defined more than once in an env file",
    explain: "\
## What it does
Reports every repeated definition of a key within one env file (the example file and the other
`.env*` files of the project).

## Why is this bad?
Every loader keeps the last value, so the earlier line is dead, and whoever edits it will wonder
why nothing changes. In an example file it documents two different things under one name.

## Example
```
DATABASE_URL=postgres://localhost/app
# ...forty lines later
DATABASE_URL=postgres://localhost/app_dev
```

## Use instead
Keep one definition.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for file in project.env_files {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for entry in &file.file.entries {
            match first.get(entry.key.as_str()) {
                Some(line) => out.push(
                    Finding::new(
                        &RULE,
                        &file.path,
                        Span::at(entry.line, entry.column, entry.key.len()),
                        format!(
                            "`{}` is defined again (first on line {line}); the last definition wins",
                            entry.key
                        ),
                    )
                    .variable(&entry.key)
                    .in_env_file(),
                ),
                None => {
                    first.insert(&entry.key, entry.line);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_each_repeat() {
        let fx = Fixture::new(
            &[
                (".env.example", "A=1\nB=2\nA=3\nA=4\n"),
                (".env.production", "B=x\nC=y\nC=z\n"),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV003", ".env.example", 3, "A"),
                ("ENV003", ".env.example", 4, "A"),
                ("ENV003", ".env.production", 3, "C"),
            ])
        );
    }
}
