//! ENV104 unused-in-target.

use std::collections::BTreeSet;

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::{DiffProject, covered_by_dynamic};
use crate::secret_shapes;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV104",
    name: "unused-in-target",
    severity: Severity::Info,
    summary: "The target environment sets a variable the code never reads",
    explain: "\
## What it does
Reports names a target source sets that no scanned code reads. Platform variables, the
dotenv/dotenvx key variables, the process environment of the job and declared name lists are
left out.

## Why is this bad?
Leftover configuration is harmless until someone rotates, pays for or leaks a secret nothing
uses. After a release that stopped reading a variable, this is the list of what can be removed.

## Example
`LEGACY_API_URL` still set in `.env.production` a year after the code stopped reading it.

## Use instead
Remove it from the target after the deploy, or read it with a literal name if a dynamic read
(ENV201) uses it.
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    if !project.covers_project {
        return;
    }
    let read: BTreeSet<String> = project
        .inventory
        .variables
        .iter()
        .map(|v| v.name.to_ascii_uppercase())
        .collect();
    let mut seen = BTreeSet::new();
    for source in project.target.sources.iter().filter(|s| s.report_unused) {
        for p in &source.data.provided {
            if read.contains(&p.name.to_ascii_uppercase())
                || covered_by_dynamic(project.inventory, &p.name)
                || secret_shapes::is_platform_variable(&p.name)
                || project.scope.ignore_vars.is_match(&p.name)
                || !seen.insert(p.name.clone())
            {
                continue;
            }
            let path = if p.path.is_empty() {
                source.path.clone()
            } else {
                p.path.clone()
            };
            let mut f = Finding::new(
                &RULE,
                &path,
                Span::line(p.line.max(1)),
                format!(
                    "`{}` is set in {} but no scanned code reads it",
                    p.name, source.label
                ),
            )
            .variable(&p.name)
            .in_env_file();
            f.environment = Some(project.target.name.clone());
            out.push(f);
        }
    }
}
