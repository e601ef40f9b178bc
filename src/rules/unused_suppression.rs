//! ENV901 unused-suppression.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::suppress::Suppression;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV901",
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "A suppression comment suppresses nothing",
    explain: "\
## What it does
Reports `# envcheck: ignore[CODE]`, `# noqa: CODE`, `// envcheck-ignore-next-line CODE` and
`// envcheck-ignore-line CODE` comments, and codes within them, that matched no finding.

## Why is this bad?
A stale suppression hides the next real finding on that line, and misleads readers about why it
is there.

## Example
```python
DEBUG = os.getenv(\"DEBUG\", \"0\")  # envcheck: ignore[ENV001]   (DEBUG is documented now)
```

## Use instead
Delete the comment, or the code that no longer applies.
",
};

/// Reports unused suppressions, or unused codes within one, once the findings are matched.
pub fn check(suppressions: &[Suppression], out: &mut Vec<Finding>) {
    for s in suppressions {
        let unused: Vec<&str> = s
            .codes
            .iter()
            .filter(|c| !s.used.contains(&c.to_ascii_uppercase()))
            .map(String::as_str)
            .collect();
        if unused.is_empty() {
            continue;
        }
        let mut f = Finding::new(
            &RULE,
            &s.path,
            Span::line(s.line),
            format!("unused suppression of {}", unused.join(", ")),
        );
        f.in_env_file = s.in_env_file;
        out.push(f);
    }
}
