//! ENV002 stale-example-key.

use std::collections::HashSet;

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::{Documented, Project, covered_by_dynamic, documented};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV002",
    name: "stale-example-key",
    severity: Severity::Warning,
    summary: "A key in the example file is never read in code",
    explain: "\
## What it does
Reports each key of the example file that no scanned code reads, under any name the extractor
understands (direct reads, framework settings, project env helpers). Keys that differ from a read
only in case are left to ENV005.

A key that something else in the repository uses is not stale, and is not reported:
- another value of the example file interpolates it
  (`DATABASE_URL=postgres://${POSTGRES_USER}@db/app`);
- a compose file interpolates it (`${X}`, `${X:-default}`, `$X`), or a service's command reads
  it in the container (`$${X}`);
- a Dockerfile declares it (`ENV X=...`, `ARG X`);
- a shell script reads it (`$X`, `${X}`): `*.sh`, and `bin/` scripts or entrypoints with a
  `sh`/`bash` shebang;
- a tool or image reads it by its documented name: docker compose (`COMPOSE_*`), the postgres,
  mysql, mariadb, redis, minio, mongo and rabbitmq images, the AWS SDKs, proxies, Python, Node.js,
  Nx, Turborepo, Sentry, OpenTelemetry, New Relic and others (the README lists them).

## Why is this bad?
Stale keys make people configure, rotate and pay for secrets nothing uses, and hide the keys that
matter. If the code reads the key through a computed name (an ENV201 dynamic read), the key may
still be used: check those reads before deleting it.

## Example
```
# .env.example
LEGACY_API_URL=https://old.example.com   # removed from the code last year
```

## Use instead
Delete the key, or suppress the finding with `# envcheck: ignore[ENV002]` on the line above it
when another program that envcheck does not see (a job, a sidecar) reads it.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    let Some(example) = project.example() else {
        return;
    };
    if !project.covers_project {
        return;
    }
    let variables = &project.inventory.variables;
    let consumers = &project.scope.consumers;
    // keys the example's own values interpolate
    let interpolated: HashSet<String> = crate::sources::dotenv::references(&example.file)
        .into_iter()
        .map(|r| r.name)
        .collect();
    // keys resolved to their names are checked through them
    let unresolved = project
        .inventory
        .dynamic
        .iter()
        .filter(|d| d.resolved.is_none())
        .count();
    for entry in &example.file.entries {
        let key = entry.key.as_str();
        let read = variables.iter().any(|v| {
            matches!(
                documented(v, &[(key, entry.line)]),
                Documented::Yes | Documented::CaseMismatch(..)
            )
        });
        if read
            || !project.is_checked(key)
            || covered_by_dynamic(project.inventory, key)
            || interpolated.contains(key)
            || consumers.used(key)
        {
            continue;
        }
        let dynamic = match unresolved {
            0 => String::new(),
            n => format!(" (the code has {n} dynamic reads that envcheck cannot resolve)"),
        };
        out.push(
            Finding::new(
                &RULE,
                &example.path,
                Span::at(entry.line, entry.column, key.len()),
                format!(
                    "`{key}` is in {} but no scanned code reads it{dynamic}",
                    example.path
                ),
            )
            .variable(key)
            .in_env_file(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_keys_nothing_reads() {
        let fx = Fixture::new(
            &[
                (
                    "app.py",
                    "import os\nos.getenv('USED')\nos.getenv('Mixed_Case')\n",
                ),
                (".env.example", "USED=1\nSTALE=2\nMIXED_CASE=3\nPORT=8000\n"),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[("ENV002", ".env.example", 2, "STALE")])
        );
    }

    #[test]
    fn keys_used_by_something_else_are_not_stale() -> std::io::Result<()> {
        let mut fx = Fixture::new(
            &[
                (
                    "app.py",
                    "import os
os.environ['DATABASE_URL']
",
                ),
                (
                    ".env.example",
                    "COMPOSE_PROJECT_NAME=app
POSTGRES_USER=u
DB_NAME=d
                     DATABASE_URL=postgres://${POSTGRES_USER}@db/${DB_NAME}
                     IN_COMPOSE=1
IN_SCRIPT=1
IN_IMAGE=1
STALE=1
",
                ),
            ],
            &[],
        );
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("docker-compose.yml"),
            "services:
  app:
    image: app:${IN_COMPOSE}
",
        )?;
        std::fs::write(
            dir.path().join("run.sh"),
            "echo \"$IN_SCRIPT\"
",
        )?;
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM x
ARG IN_IMAGE
",
        )?;
        fx.scope.consumers = crate::consumers::Consumers::collect(dir.path(), dir.path());
        assert_eq!(
            fx.run(check),
            rows(&[("ENV002", ".env.example", 8, "STALE")])
        );
        Ok(())
    }
}
