//! ENV302 committed-plaintext-secret.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV302",
    name: "committed-plaintext-secret",
    severity: Severity::Error,
    summary: "A committed env file holds a plaintext value for a secret-named key",
    explain: "\
## What it does
Reports git-tracked env files other than the example file (`.env`, `.env.production`,
`.env.keys`, ...) that hold a non-empty plaintext value for a secret-named key (SECRET, TOKEN,
PASSWORD, PRIVATE_KEY, API_KEY, CREDENTIALS, ...). dotenvx-encrypted values
(`KEY=\"encrypted:...\"`) and placeholders are fine.

## Why is this bad?
Everything committed is readable by everyone with the repository, forever (history keeps it
after the file is deleted). Rotate the secret.

## Example
```
# .env.production, committed
DATABASE_PASSWORD=hunter2-but-longer
```

## Use instead
Encrypt the file with dotenvx (`dotenvx encrypt -f .env.production`), keep `.env.keys` out of
git, or keep the value in the deploy platform's secret store.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for file in project
        .env_files
        .iter()
        .filter(|f| f.tracked && !f.is_example)
    {
        for entry in &file.file.entries {
            let Some(value) = &entry.value else {
                continue;
            };
            let value = value.expose();
            if !secret_shapes::is_secret_name(&entry.key)
                || value.is_empty()
                || value.starts_with("encrypted:")
                || secret_shapes::is_placeholder(value)
            {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    &file.path,
                    Span::at(entry.line, entry.column, entry.key.len()),
                    format!(
                        "`{}` has a plaintext value in {}, which is committed; encrypt it or move it to a secret store, and rotate it",
                        entry.key, file.path
                    ),
                )
                .variable(&entry.key)
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
    fn reports_plaintext_secrets_in_tracked_files_only() {
        let files = [
            (
                ".env.production",
                "DB_PASSWORD=s3cr3t-v4lue-1\nAPI_TOKEN=\"encrypted:BG8M6U+GKJGw\"\nLOG_LEVEL=info\nEMPTY_SECRET=\n",
            ),
            (".env", "DB_PASSWORD=local-only\n"),
            (".env.example", "DB_PASSWORD=s3cr3t-v4lue-2\n"),
        ];
        let fx = Fixture::new(&files, &[".env.production", ".env.example"]);
        assert_eq!(
            fx.run(check),
            rows(&[("ENV302", ".env.production", 1, "DB_PASSWORD")])
        );
    }
}
