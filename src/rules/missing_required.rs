//! ENV101 missing-required.

use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;
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
