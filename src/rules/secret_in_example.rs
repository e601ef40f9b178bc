//! ENV301 secret-in-example.

use crate::check::{EXAMPLE_NAMES, EnvFile};
use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV301",
    name: "secret-in-example",
    severity: Severity::Error,
    summary: "The example file holds a value that looks like a real secret",
    explain: "\
## What it does
Reports example-file values shaped like real credentials: provider tokens (`AKIA...`, `ghp_...`,
`sk_live_...`, `xox...-`), private-key blocks, JWTs, URLs with a real-looking password, and
long high-entropy strings, in live and in commented-out (`# KEY=value`) lines. Placeholders
(`changeme`, `your-key-here`, `<...>`, `xxx`, empty) are fine. The finding names the key and the kind of secret, never the value.

## Why is this bad?
The example file is committed and copied around; a real key in it is a leaked key. Rotate it.

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
    // the chosen example file, and any other file named like one (monorepo packages)
    let examples = project.env_files.iter().filter(|f| {
        f.is_example || EXAMPLE_NAMES.contains(&f.path.rsplit('/').next().unwrap_or(&f.path))
    });
    for example in examples {
        check_file(example, out);
    }
}

fn check_file(example: &EnvFile, out: &mut Vec<Finding>) {
    // a commented-out `# KEY=value` is as committed as a live one
    for entry in example.file.entries.iter().chain(&example.file.commented) {
        let Some(value) = &entry.value else {
            continue;
        };
        if let Some(shape) = secret_shapes::secret_shape(value.expose()) {
            let what = if entry.commented_out {
                "the commented-out "
            } else {
                ""
            };
            out.push(
                Finding::new(
                    &RULE,
                    &example.path,
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
}
