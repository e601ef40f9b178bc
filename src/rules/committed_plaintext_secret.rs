//! ENV302 committed-plaintext-secret.
//!
//! Only files whose values some environment runs with: example and template files hold
//! placeholders and test env files hold fixtures by convention
//! ([`secret_shapes::env_file_kind`]); ENV301 guards those against real-looking values. A value
//! is skipped when it is a placeholder, repeats its key's name
//! ([`secret_shapes::is_placeholder_for`]), or belongs to a key that is public by design
//! ([`secret_shapes::is_public_key_name`]).

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes::{self, EnvFileKind};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV302",
    name: "committed-plaintext-secret",
    severity: Severity::Error,
    summary: "A committed env file holds a plaintext value for a secret-named key",
    explain: "\
## What it does
Reports git-tracked env files (`.env`, `.env.production`, `.env.keys`, ...) that hold a
non-empty plaintext value for a secret-named key (SECRET, TOKEN, PASSWORD, PRIVATE_KEY, API_KEY,
CREDENTIALS, ...). dotenvx-encrypted values (`KEY=\"encrypted:...\"`), placeholders (`changeme`,
`<token>`, `fake...`, the key's own name, a local service's default such as `postgres`) and
keys that are public by design (`NEXT_PUBLIC_FIREBASE_API_KEY`, `RECAPTCHA_SITE_KEY`) are fine.
Example and template files (`*.example`, `*.sample`, `*.template`, `*.dist`, `.env.defaults`,
`example.env`, the configured example) and test env files (`.env.test`, `.env.test.*`,
`.env.testing`, `.env.ci`, `.env.e2e`, env files under `tests/` or `fixtures/`) hold placeholders
and fixtures by convention and are left to ENV301, which reports real-looking values in them.

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
    let deployed = project.env_files.iter().filter(|f| {
        f.tracked && !f.is_example && secret_shapes::env_file_kind(&f.path) == EnvFileKind::Real
    });
    for file in deployed {
        for entry in &file.file.entries {
            let Some(value) = &entry.value else {
                continue;
            };
            let value = value.expose();
            if !secret_shapes::is_secret_name(&entry.key)
                || secret_shapes::is_public_key_name(&entry.key)
                || value.starts_with("encrypted:")
                || secret_shapes::is_placeholder_for(&entry.key, value)
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

    #[test]
    fn example_and_test_files_hold_stand_ins() {
        let value = "DB_PASSWORD=s3cr3t-v4lue-1\n";
        let names = [
            ".env.production",
            "apps/web/.env.example",
            ".env.docker.example",
            "dev/secrets.env.template",
            ".env.dist",
            ".env.defaults",
            "example.env",
            ".env.test",
            ".env.test.local",
            "server/.env.testing",
            ".env.ci",
            ".env.e2e",
            "tests/.env",
        ];
        let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, value)).collect();
        let fx = Fixture::new(&files, &names);
        assert_eq!(
            fx.run(check),
            rows(&[("ENV302", ".env.production", 1, "DB_PASSWORD")])
        );
    }

    #[test]
    fn placeholders_own_names_and_public_keys_are_not_reported() {
        let files = [(
            ".env.production",
            "RESEND_API_KEY=resend-api-key\nPOSTGRES_PASSWORD=postgres\nMINIO_ROOT_PASSWORD=minioadmin\n\
             GITHUB_CLIENT_SECRET=fakefakefakefake\nAPI_TOKEN=any-token\nJWT_SECRET=not-a-secret\n\
             NEXT_PUBLIC_FIREBASE_API_KEY=s3cr3t-v4lue-1\nRECAPTCHA_SITE_KEY=s3cr3t-v4lue-1\n\
             DB_PASSWORD=s3cr3t-v4lue-1\n",
        )];
        let fx = Fixture::new(&files, &[".env.production"]);
        assert_eq!(
            fx.run(check),
            rows(&[("ENV302", ".env.production", 9, "DB_PASSWORD")])
        );
    }
}
