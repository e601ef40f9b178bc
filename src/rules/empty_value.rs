//! ENV103 empty-value.

use crate::diff::DiffProject;
use crate::extract::ReadKind;
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV103",
    name: "empty-value",
    severity: Severity::Error,
    summary: "The target environment sets a variable to the empty string",
    explain: "\
## What it does
Reports variables the code reads that the target environment sets to an empty value. It is an
error for required variables and a warning otherwise. Encrypted values are checked when the
private key is available (`DOTENV_PRIVATE_KEY_<ENV>`).

## Why is this bad?
An empty string passes `in os.environ` and `!== undefined` checks but is rarely a valid
database URL or API key: the failure moves from start-up to the first use.

## Example
```
# .env.production
DATABASE_URL=
```

## Use instead
Set a real value, or remove the line so the missing variable is reported as such.
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    for (variable, lookup) in project.lookups() {
        let Lookup::Empty(label, _, line) = lookup else {
            continue;
        };
        if variable.requirement == ReadKind::Presence {
            continue;
        }
        let at = if line > 0 {
            format!("{label}:{line}")
        } else {
            label
        };
        let mut f = project.at_read(
            &RULE,
            variable,
            format!(
                "`{}` is read here ({}) but `{}` sets it to an empty value ({at})",
                variable.name,
                variable.requirement.as_str(),
                project.target.name
            ),
        );
        if variable.requirement != ReadKind::Required {
            f.severity = Severity::Warning;
        }
        out.push(f);
    }
}
