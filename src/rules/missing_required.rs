//! ENV101 missing-required.

use std::collections::BTreeSet;

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;
use crate::sources::ValueState;
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV101",
    name: "missing-required",
    severity: Severity::Error,
    summary: "A required variable has no value in the target environment",
    explain: "\
## What it does
Reports variables the code requires at start-up (a read without a default that fails when the
variable is missing: `os.environ[\"X\"]`, `process.env.X!`, a pydantic field without default,
an envalid validator without `default`, at module level, in a settings class or in a schema
validated at import) that no source of the target environment provides. A variable required
only inside a function or behind a branch is ENV107; reads in settings modules of another
profile (`settings/test.py` when checking `prod`) and build-time reads do not count.

Also reports the variables a compose file requires of the deploying shell (`${X:?message}`,
`${X?message}`) that neither the project's env file nor another source of the target sets:
`docker compose up` stops before any service starts.

## Why is this bad?
Deploying this code to that environment crashes at start-up.

## Example
```python
STRIPE_KEY = os.environ[\"STRIPE_SECRET_KEY\"]
```
with `.env.production` (or the Kubernetes manifests, or the vault) lacking `STRIPE_SECRET_KEY`.

## Use instead
Set the variable in the target before deploying, or give the read a safe default.
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    deploy_requirements(project, out);
    for (need, lookup) in project.lookups() {
        if lookup != Lookup::Missing {
            continue;
        }
        if let Some(site) = need.startup_required() {
            out.push(project.at(
                &RULE,
                &need,
                site,
                format!(
                    "`{}` is required at start-up but `{}` does not provide it",
                    need.name(),
                    project.target.name
                ),
            ));
        }
    }
}

/// The names a source requires of the deploying environment (compose `${X:?err}`) that no other
/// source of the target provides: the deploy itself fails. A source that may provide names
/// envcheck cannot see makes that unprovable, and nothing is reported.
fn deploy_requirements(project: &DiffProject, out: &mut Vec<Finding>) {
    let target = project.target;
    let mut reported = BTreeSet::new();
    for (i, source) in target.sources.iter().enumerate() {
        let others = || {
            target
                .sources
                .iter()
                .enumerate()
                .filter(move |(j, _)| *j != i)
                .map(|(_, s)| s)
        };
        if others().any(|s| {
            s.undecryptable.is_some() || !s.data.opaque.is_empty() || s.data.unrendered.is_some()
        }) {
            continue;
        }
        for required in &source.data.required {
            let provided = others().any(|s| {
                s.data
                    .provided
                    .iter()
                    .any(|p| p.name == required.name && !matches!(p.state, ValueState::PassThrough))
            });
            if provided || !reported.insert(required.name.as_str()) {
                continue;
            }
            let mut f = Finding::new(
                &RULE,
                &required.path,
                Span::line(required.line.max(1)),
                format!(
                    "`{}` is required to deploy {} (`${{{}:?...}}`) but neither the project's env \
                     file nor `{}` provides it",
                    required.name, source.label, required.name, target.name
                ),
            )
            .variable(&required.name)
            // the compose file's line holds values: never shown
            .in_env_file();
            f.environment = Some(target.name.clone());
            out.push(f);
        }
    }
}
