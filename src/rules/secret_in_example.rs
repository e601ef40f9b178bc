//! ENV301 secret-in-example.
//!
//! The files whose values are stand-ins by convention ([`secret_shapes::env_file_kind`]) hold
//! placeholders, so a real-looking value in one is a leak: every example or template file (the
//! chosen example and any other named like one, in monorepo packages), and the committed test
//! env files. In a test env file a random-looking string, or a JWT, is a fixture as likely as
//! not; only provider tokens, private keys and URLs with a real password count there.
//!
//! A key that is public by design ([`secret_shapes::is_public_key_name`]: a Firebase web API
//! key, a captcha site key, an anon key) may hold a random-looking value or a Google API key;
//! any other provider's token under it is still reported.

use crate::check::EnvFile;
use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes::{self, EnvFileKind, SecretShape};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV301",
    name: "secret-in-example",
    severity: Severity::Error,
    summary: "An example or test env file holds a value that looks like a real secret",
    explain: "\
## What it does
Reports values shaped like real credentials in example and template files (`.env.example`,
`.env.*.sample`, `*.template`, `.env.dist`, `.env.defaults`, `example.env`, the configured
example): provider tokens (`AKIA...`, `ghp_...`, `sk_live_...`, `xox...-`), private-key blocks,
JWTs, URLs with a real-looking password, and long high-entropy strings, in live and in
commented-out (`# KEY=value`) lines. In committed test env files (`.env.test`, `.env.ci`,
`.env.e2e`, `tests/.env`, ...) it reports provider tokens, private keys and URLs with a real
password; random strings and JWTs there are fixtures. Placeholders (`changeme`, `your-key-here`,
`<...>`, `xxx`, `fake...`, the key's own name, empty) are fine, and so are keys that are public
by design (a Firebase web `apiKey`, PostHog `phc_` and Stripe `pk_` keys, Mapbox `pk.` tokens,
captcha site keys, Algolia search-only keys, Supabase anon keys). The finding names the key and
the kind of secret, never the value.

## Why is this bad?
These files are committed and copied around; a real key in one is a leaked key. Rotate it.

## Example
```
STRIPE_SECRET_KEY=sk_live_51H8...
```

## Use instead
```
STRIPE_SECRET_KEY=sk_test_your_key_here
```
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for file in project.env_files {
        let kind = if file.is_example {
            EnvFileKind::Example
        } else {
            secret_shapes::env_file_kind(&file.path)
        };
        match kind {
            EnvFileKind::Example => check_file(file, |_| true, out),
            EnvFileKind::Test if file.tracked => check_file(file, is_never_a_fixture, out),
            _ => {}
        }
    }
}

/// Shapes that a test fixture does not take: a random string or a JWT is made up for tests as
/// often as not, a provider's token is not.
fn is_never_a_fixture(shape: SecretShape) -> bool {
    !matches!(shape, SecretShape::HighEntropy | SecretShape::Jwt)
}

fn check_file(file: &EnvFile, counts: fn(SecretShape) -> bool, out: &mut Vec<Finding>) {
    // a commented-out `# KEY=value` is as committed as a live one
    for entry in file.file.entries.iter().chain(&file.file.commented) {
        let Some(value) = &entry.value else {
            continue;
        };
        let value = value.expose();
        let Some(shape) = secret_shapes::secret_shape(value) else {
            continue;
        };
        if !counts(shape)
            || secret_shapes::is_public_key(&entry.key, shape)
            || secret_shapes::is_placeholder_for(&entry.key, value)
        {
            continue;
        }
        let what = if entry.commented_out {
            "the commented-out "
        } else {
            ""
        };
        out.push(
            Finding::new(
                &RULE,
                &file.path,
                Span::at(entry.line, entry.column, entry.key.len()),
                format!(
                    "{what}`{}` holds a value that looks like a real secret ({}); use a placeholder and rotate the secret",
                    entry.key,
                    shape.name()
                ),
            )
            .variable(&entry.key)
            .in_env_file(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_real_looking_values_not_placeholders() {
        let fx = Fixture::new(
            &[
                // token-shaped values are split in the source so secret scanners do not flag it
                (
                    "packages/api/.env.sample",
                    concat!(
                        "GITHUB_TOKEN=ghp",
                        "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl2\n"
                    ),
                ),
                (
                    ".env.local",
                    concat!(
                        "GITHUB_TOKEN=ghp",
                        "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl3\n"
                    ),
                ),
                (
                    ".env.example",
                    concat!(
                        "AWS_ACCESS_KEY_ID=AKIA",
                        "Z7QW3XK5JH2MNPLV\nGITHUB_TOKEN=ghp",
                        "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl1\nSECRET_KEY=changeme\nAPI_KEY=your-key-here\nTOKEN=<token>\nEMPTY=\n\
                         # OLD_TOKEN=ghp",
                        "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl4\n# OLD_KEY=changeme\n"
                    ),
                ),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV301", ".env.example", 1, "AWS_ACCESS_KEY_ID"),
                ("ENV301", ".env.example", 2, "GITHUB_TOKEN"),
                ("ENV301", ".env.example", 7, "OLD_TOKEN"),
                ("ENV301", "packages/api/.env.sample", 1, "GITHUB_TOKEN"),
            ])
        );
    }

    #[test]
    fn keys_that_are_public_by_design() {
        let example = concat!(
            "NEXT_PUBLIC_FIREBASE_API_KEY=AIza",
            "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIAoCL\n",
            "NEXT_PUBLIC_GOOGLE_MAPS_API_KEY=AIza",
            "rZ3aWZkSBvrjn9Wvgfygw2wMqZcUDIh7yfJ\n",
            "NEXT_PUBLIC_POSTHOG_KEY=phc",
            "_s1ON43xKmTecQoXsf2o3gyrDO1xkxwnQrS7RPeMOkIU\n",
            "NEXT_PUBLIC_SEGMENT_WRITE_KEY=pkDyr7OSJoRu1XXdo",
            "0cZuzren68K4Tun\n",
            "NEXT_PUBLIC_RECAPTCHA_SITE_KEY=6LcPFz46PDjqipVJIqVLB5",
            "LzxoiGFfWd3hjOkYRB\n",
            "NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY=2cce8038a39d5e08",
            "53964b50af03b971\n",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJyb2xlIjoiYW5vbiIsImlhdCI6MTcxNjIzOTAyMn0",
            ".Ekk-iqq8vH2BzNZV45pFCiRcDCajhDieQjEJ_Bq8F80\n",
            // the same Google key on a server is not public, nor is any key under a bare prefix
            "GOOGLE_MAPS_API_KEY=AIza",
            "rZ3aWZkSBvrjn9Wvgfygw2wMqZcUDIh7yfJ\n",
            "NEXT_PUBLIC_GOOGLE_API_KEY=AIza",
            "rZ3aWZkSBvrjn9Wvgfygw2wMqZcUDIh7yfJ\n",
            // another provider's token under a public name is a secret in the wrong place
            "NEXT_PUBLIC_RECAPTCHA_SITE_KEY=ghp",
            "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl1\n",
        );
        let fx = Fixture::new(&[(".env.example", example)], &[]);
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV301", ".env.example", 8, "GOOGLE_MAPS_API_KEY"),
                ("ENV301", ".env.example", 9, "NEXT_PUBLIC_GOOGLE_API_KEY"),
                (
                    "ENV301",
                    ".env.example",
                    10,
                    "NEXT_PUBLIC_RECAPTCHA_SITE_KEY"
                ),
            ])
        );
    }

    #[test]
    fn committed_test_env_files_are_guarded_against_provider_tokens() {
        let values = concat!(
            "GITHUB_TOKEN=ghp",
            "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl1\n",
            "SESSION_SECRET=Ekk+iqq8vH2BzNZV45pFCiRcDCajhDieQjEJ+Bq8F80y\n",
            "USER_JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJzdWIiOiJ1X2xkQ0M1Yk9yIiwiaWF0IjoxNzE2MjM5MDIyfQ",
            ".Ekk-iqq8vH2BzNZV45pFCiRcDCajhDieQjEJ_Bq8F80\n",
            "CLIENT_SECRET=fakefakefakefake\n",
        );
        let fx = Fixture::new(
            &[
                (".env.test", values),
                ("server/.env.testing", values),
                (".env.ci", values),
                (".env.docker.example", values),
                (".env.production", values),
            ],
            &[".env.test", "server/.env.testing", ".env.production"],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV301", ".env.docker.example", 1, "GITHUB_TOKEN"),
                ("ENV301", ".env.docker.example", 2, "SESSION_SECRET"),
                ("ENV301", ".env.docker.example", 3, "USER_JWT"),
                ("ENV301", ".env.test", 1, "GITHUB_TOKEN"),
                ("ENV301", "server/.env.testing", 1, "GITHUB_TOKEN"),
            ])
        );
    }
}
