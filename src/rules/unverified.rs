//! ENV105 unverified.

use crate::extract::ReadKind;
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV105",
    name: "unverified",
    severity: Severity::Warning,
    summary: "A variable was not found, but an opaque source might provide it",
    explain: "\
## What it does
Reports variables the code needs (required, or read without a default) that no readable source
provides, when some source could provide names envcheck cannot see: a Kubernetes `envFrom` Secret
that is not in the manifests, a `.env.vault` without its key, a compose variable passed through
from the shell.

## Why is this bad?
envcheck cannot prove the variable is missing, and will not claim it is. It cannot prove it is
set either: this is the list to check by hand before the deploy.

## Example
A Deployment with `envFrom: [{secretRef: {name: api-secrets}}]` where `api-secrets` is managed
outside the repository.

## Use instead
Add the Secret's key names to the target's sources as `{ names = [\"...\"] }`, give envcheck the
vault key in CI (`DOTENV_KEY_PRODUCTION`), or accept the warning.
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    for (need, lookup) in project.lookups() {
        let Lookup::Unverified(reasons) = lookup else {
            continue;
        };
        // graded as a missing value would be: a warning where it could stop the service or
        // fail a path, info where it would leave a feature off
        let severity = match need.requirement {
            ReadKind::Required => Severity::Warning,
            ReadKind::Optional => Severity::Info,
            _ => continue,
        };
        let more = match reasons.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let mut f = project.at(
            &RULE,
            &need,
            need.deciding(),
            format!(
                "`{}` ({}) is not in any readable source of `{}`, but it may be provided: {}{more}",
                need.name(),
                need.requirement.as_str(),
                project.target.name,
                reasons
                    .first()
                    .map(String::as_str)
                    .unwrap_or("an opaque source")
            ),
        );
        f.severity = severity;
        out.push(f);
    }
}
