//! ENV107 missing-on-use.

use crate::extract::ReadKind;
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::rules::context::{self, DiffProject};
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV107",
    name: "missing-on-use",
    severity: Severity::Warning,
    summary: "A variable required on one code path has no value in the target environment",
    explain: "\
## What it does
Reports variables the code requires only on one path, inside a function, a method, a callback
or behind a branch (`if FEATURE_X:`, `provider === 'gcs' ? ... : ...`, a conditional schema
member, a `requiredWhen` condition), that no source of the target environment provides. The
message says which path needs it. A variable also required at start-up is ENV101 instead.

## Why is this bad?
The service starts, and the first request or job that takes that path fails: a payment
webhook, an email, an export. Often it is a feature that is off in that environment, which is
fine, and worth knowing before the deploy rather than after.

## Example
```python
def send_receipt(order):
    client = Client(api_key=os.environ[\"MAILER_API_KEY\"])
```
with `.env.production` lacking `MAILER_API_KEY`.

## Use instead
Set the variable in the target, or, if the feature is off there on purpose, say so in the code
(a default, or read it with `os.getenv` and test it) or suppress the finding for that
environment (`ignore-vars`, or `[rules] ENV107 = \"info\"`).
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    for (need, lookup) in project.lookups() {
        if need.requirement != ReadKind::Required
            || lookup != Lookup::Missing
            || need.startup_required().is_some()
        {
            continue;
        }
        let site = need.deciding();
        out.push(project.at(
            &RULE,
            &need,
            site,
            format!(
                "`{}` is required {} but `{}` does not provide it",
                need.name(),
                context::only_when(site),
                project.target.name
            ),
        ));
    }
}
