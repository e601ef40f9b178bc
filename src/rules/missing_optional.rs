//! ENV102 missing-optional.

use crate::extract::ReadKind;
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV102",
    name: "missing-optional",
    severity: Severity::Info,
    summary: "A variable read without a default is not set in the target environment",
    explain: "\
## What it does
Reports variables read without a default, where a missing variable gives `None` / `undefined`
(`os.getenv(\"X\")`, `process.env.X`), that the target environment does not set.

## Why is this bad?
The code goes on with `None` / `undefined`: usually an optional integration that stays off
(error reporting, analytics, a provider), which is why this is `info` by default. It is worth a
look when the feature should be on in that environment. With `--base`, a variable newly read
this way is listed in the plan as new and optional.

## Example
```ts
const dsn = process.env.SENTRY_DSN;
```
with no `SENTRY_DSN` in production: errors are not reported anywhere.

## Use instead
Set the variable in the target, or make the intent explicit with a default
(`process.env.SENTRY_DSN ?? \"\"`) or in the example file (`SENTRY_DSN= # optional`).
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    for (need, lookup) in project.lookups() {
        if need.requirement == ReadKind::Optional && lookup == Lookup::Missing {
            out.push(project.at(
                &RULE,
                &need,
                need.deciding(),
                format!(
                    "`{}` is read here without a default but `{}` does not set it",
                    need.name(),
                    project.target.name
                ),
            ));
        }
    }
}
