//! ENV103 empty-value.

use crate::extract::{ReadKind, When};
use crate::finding::{Finding, Severity};
use crate::rules::RuleInfo;
use crate::rules::context::{self, DiffProject};
use crate::target::Lookup;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV103",
    name: "empty-value",
    severity: Severity::Error,
    summary: "The target environment sets a variable to the empty string",
    explain: "\
## What it does
Reports variables the code reads that the target environment sets to an empty value, graded by
what the code does with it: an error for a variable required at start-up whose reads take the
empty string as a value (`os.environ[\"X\"]`, `process.env.X!`, a schema field); a warning for
other required reads (on one path only, or guarded by `if (!x) throw`, which fails as if it were
missing); `info` for a read whose default the empty value replaces; nothing for presence tests,
reads that treat empty as unset (`if os.getenv(\"X\"):`, `process.env.X || \"d\"`) and defaults
that are empty anyway. Encrypted values are checked when the private key is available
(`DOTENV_PRIVATE_KEY_<ENV>`).

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
    for (need, lookup) in project.lookups() {
        let Lookup::Empty(label, path, line) = lookup else {
            continue;
        };
        let severity = match need.requirement {
            ReadKind::Presence => continue,
            ReadKind::Required if need.startup_required().is_some() && !need.empty_is_unset() => {
                Severity::Error
            }
            ReadKind::Required => Severity::Warning,
            // empty means "off" or "use the default" to these reads
            _ if need.empty_is_unset() => continue,
            ReadKind::Default if empty_defaults(&need) => continue,
            ReadKind::Default | ReadKind::Optional => Severity::Info,
        };
        // the file and line where the empty value is: a compose service's value may be in one
        // of its env files, a Kubernetes source's in one of the matched manifests
        let at = match (line, path.as_str()) {
            (0, _) => label,
            (_, "") => format!("{label}:{line}"),
            // `.env.production`, `.env.vault [production]`: the label names the file
            (_, p) if label.starts_with(p) => format!("{label}:{line}"),
            (_, p) => format!("{p}:{line}"),
        };
        let site = need.deciding();
        let how = match need.requirement {
            ReadKind::Default => "its default is not used: the empty value is".to_string(),
            ReadKind::Required if site.extra.when == When::OnUse => {
                format!("required {}", context::only_when(site))
            }
            kind => kind.as_str().to_string(),
        };
        let mut f = project.at(
            &RULE,
            &need,
            site,
            format!(
                "`{}` is read here ({how}) but `{}` sets it to an empty value ({at})",
                need.name(),
                project.target.name
            ),
        );
        f.severity = severity;
        out.push(f);
    }
}

/// Whether every literal default of the variable's default reads is empty: an empty value then
/// changes nothing.
fn empty_defaults(need: &context::Need) -> bool {
    need.reads
        .iter()
        .filter(|r| r.kind == ReadKind::Default)
        .all(|r| {
            r.extra.default.as_deref().is_some_and(|d| {
                d.trim_matches(|c| c == '"' || c == '\'' || c == '`')
                    .is_empty()
            })
        })
}
