//! ENV104 unused-in-target.

use std::collections::{BTreeSet, HashSet};

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

A name that something else uses is not reported:
- a tool or image reads it by its documented name (docker compose, the postgres image, the AWS
  SDKs, Authlib, Turborepo, ...: the README lists them), a shell script of the repository reads
  it, a Dockerfile sets it with `ENV`, or a compose service's command reads it (`$${X}`);
- for a name an env file sets (a dotenv source, a compose `env_file`), also: another value of the
  same file interpolates it (`DATABASE_URL=postgres://${POSTGRES_USER}@db/app`), a compose file
  of the repository interpolates it (`${X}`), or a Dockerfile takes it as a build `ARG`;
- for a compose target: the `env_file` that sets it is shared, loaded by another service of the
  same compose file too. Its keys are that service's as much as this one's, and envcheck does not
  know which code the other service runs, so they are not reported for either.

A name a compose service's `environment:` sets is the container's variable: compose's own
`${X}` reads the deploying shell's, so it does not make the container's variable used.

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
    let consumers = &project.scope.consumers;
    let mut seen = BTreeSet::new();
    for source in project.target.sources.iter().filter(|s| s.report_unused) {
        let used_elsewhere: HashSet<(&str, &str)> = source
            .data
            .used_elsewhere
            .iter()
            .map(|u| (u.name.as_str(), u.path.as_str()))
            .collect();
        for p in &source.data.provided {
            // an env file's key may feed the deploying host (compose interpolation, build
            // arguments); anything else is the running process's variable
            let from_env_file = match source.kind {
                "dotenv" | "dotenvx" | "vault" => true,
                "compose" => p.path != source.path,
                _ => false,
            };
            let consumed = if from_env_file {
                consumers.used(&p.name)
                    || used_elsewhere.contains(&(p.name.as_str(), p.path.as_str()))
            } else {
                consumers.used_at_run_time(&p.name)
            };
            if consumed
                || read.contains(&p.name.to_ascii_uppercase())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::Fixture;
    use crate::secret::Secret;
    use crate::sources::{Provided, SourceData, UsedElsewhere, ValueState};
    use crate::target::{LoadedSource, Target};

    fn set(name: &str, path: &str, line: usize) -> Provided {
        Provided {
            name: name.to_string(),
            state: ValueState::Value(Secret::new("x".to_string())),
            path: path.to_string(),
            line,
        }
    }

    #[test]
    fn names_used_by_something_else_are_not_unused() -> std::io::Result<()> {
        let mut fx = Fixture::new(&[("app.py", "import os\nos.environ['READ']\n")], &[]);
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("compose.yaml"),
            "services:\n  app:\n    environment:\n      CONTAINER_ONLY: ${CONTAINER_ONLY:-}\n      OTHER: ${HOST_SIDE}\n    command: sh -c 'run $${IN_COMMAND}'\n",
        )?;
        fx.scope.consumers = crate::consumers::Consumers::collect(dir.path(), dir.path());
        // a compose target: `.env` is its env_file, `compose.yaml` its `environment:`
        let provided = vec![
            set("READ", ".env", 1),
            set("HOST_SIDE", ".env", 2),
            set("POSTGRES_USER", ".env", 3),
            set("SHARED", ".env", 4),
            set("UNUSED_IN_FILE", ".env", 5),
            set("CONTAINER_ONLY", "compose.yaml", 4),
            set("IN_COMMAND", "compose.yaml", 5),
            set("AUTHLIB_INSECURE_TRANSPORT", "compose.yaml", 6),
        ];
        let target = Target {
            name: "dev".to_string(),
            sources: vec![LoadedSource {
                label: "compose compose.yaml [app]".to_string(),
                kind: "compose",
                path: "compose.yaml".to_string(),
                data: SourceData {
                    provided,
                    used_elsewhere: vec![UsedElsewhere {
                        name: "SHARED".to_string(),
                        path: ".env".to_string(),
                    }],
                    ..SourceData::default()
                },
                undecryptable: None,
                report_unused: true,
            }],
            profiles: Vec::new(),
        };
        let project = DiffProject {
            inventory: &fx.inventory,
            target: &target,
            scope: &fx.scope,
            covers_project: true,
        };
        let mut out = Vec::new();
        check(&project, &mut out);
        let got: Vec<(String, usize)> = out
            .iter()
            .map(|f| (f.variable.clone().unwrap_or_default(), f.span.line))
            .collect();
        // compose's `${CONTAINER_ONLY:-}` reads the deploying shell's variable, not the
        // container's
        assert_eq!(
            got,
            [
                ("UNUSED_IN_FILE".to_string(), 5),
                ("CONTAINER_ONLY".to_string(), 4)
            ]
        );
        Ok(())
    }
}
