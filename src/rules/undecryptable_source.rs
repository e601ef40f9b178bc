//! ENV106 undecryptable-source.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV106",
    name: "undecryptable-source",
    severity: Severity::Warning,
    summary: "An encrypted source could not be read for lack of a key",
    explain: "\
## What it does
Reports target sources envcheck could not read because the key is not in the environment: a
`.env.vault` environment without `DOTENV_KEY_<ENV>` or `DOTENV_KEY`. Variables such a source
might provide are reported as ENV105, never as missing.

## Why is this bad?
Without the key, the vault's variable names are unknowable, so the deploy gate checks less than
it seems to.

## Example
`envcheck diff prod` in a CI job that has no `DOTENV_KEY_PRODUCTION` secret.

## Use instead
Give the job the key as a secret (`DOTENV_KEY_PRODUCTION`); envcheck decrypts in memory and
never prints a value.
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    for source in &project.target.sources {
        let Some(reason) = &source.undecryptable else {
            continue;
        };
        let mut f = Finding::new(
            &RULE,
            &source.path,
            Span::line(1),
            format!("{} cannot be read: {reason}", source.label),
        )
        .in_env_file();
        f.environment = Some(project.target.name.clone());
        out.push(f);
    }
}
