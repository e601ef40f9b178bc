//! ENV108 empty-target.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::DiffProject;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV108",
    name: "empty-target",
    severity: Severity::Warning,
    summary: "The target environment's sources provide no variable at all",
    explain: "\
## What it does
Reports a `diff` run whose target sources, read in full, provide no variable: every file is
empty, or every manifest and compose service sets nothing. (Sources that could not be read are
ENV106; names they might hold are ENV105.)

## Why is this bad?
A gate that compared the code with an empty target either fails on everything or, with the
variables allowlisted, passes having checked nothing. Usually the configuration points at the
wrong file, container or service.

## Example
`{ compose = \"docker-compose.yml\", service = \"web\" }` where the service that has the
`environment:` block is `app`.

## Use instead
Point the source at the file, container or service that holds the configuration (`envcheck
sources <ENV>` lists what each source provides).
",
};

pub fn check(project: &DiffProject, out: &mut Vec<Finding>) {
    let target = project.target;
    let provides = target.sources.iter().any(|s| !s.data.provided.is_empty());
    let unknowable = !target.opaque_reasons().is_empty();
    if provides || unknowable || target.sources.is_empty() {
        return;
    }
    let path = target
        .sources
        .iter()
        .map(|s| s.path.as_str())
        .find(|p| !p.is_empty())
        .unwrap_or(".");
    let labels: Vec<&str> = target.sources.iter().map(|s| s.label.as_str()).collect();
    let mut f = Finding::new(
        &RULE,
        path,
        Span::line(1),
        format!(
            "`{}` provides no variable: its sources ({}) set nothing, so nothing was checked against them",
            target.name,
            labels.join(", ")
        ),
    )
    .in_env_file();
    f.environment = Some(target.name.clone());
    out.push(f);
}
