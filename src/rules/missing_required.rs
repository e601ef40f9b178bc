//! ENV101 missing-required.

use crate::diff::DiffProject;
use crate::extract::ReadKind;
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV101",
    name: "missing-required",
    severity: Severity::Error,
    summary: "A required variable has no value in the target environment",
    explain: "\
## What it does
Reports variables the code requires (a read without a default that fails when the variable is
missing: `os.environ[\"X\"]`, `process.env.X!`, a pydantic field without default, an envalid
validator without `default`) that no source of the target environment provides.

## Why is this bad?
Deploying this code to that environment crashes at start-up, or at the first request that reaches
the read.

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
    for (variable, lookup) in project.lookups() {
        if variable.requirement == ReadKind::Required && lookup == Lookup::Missing {
            out.push(project.at_read(
                &RULE,
                variable,
                format!(
                    "`{}` is required here but `{}` does not provide it",
                    variable.name, project.target.name
                ),
            ));
        }
    }
}
