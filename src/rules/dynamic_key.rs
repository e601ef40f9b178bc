//! ENV201 dynamic-key.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV201",
    name: "dynamic-key",
    severity: Severity::Info,
    summary: "A read whose key is computed at run time",
    explain: "\
## What it does
Reports reads whose variable name is computed at run time (`os.getenv(name)`,
`process.env[key]`, f-strings, template literals with substitutions). envcheck lists the site
and the key expression; it never guesses the name.

## Why is this bad?
Nothing can check these reads against the example file or a target environment. A helper that
takes the name as a parameter is followed (its calls with literal names become reads), and a key
that loops over a table of literal names in the same file becomes a read of each name: such keys
are resolved and not reported (in Python, a helper's own reads once every call passes a literal
name). Other computed keys are blind spots worth knowing about.

## Example
```python
def webhook_secret(account):
    return os.environ[f\"STRIPE_WEBHOOK_SECRET_{account.upper()}\"]
```

## Use instead
Read each variable by a literal name where the set of names is known, or list the possible names
in the example file and suppress the finding with `# envcheck: ignore[ENV201]`.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    // a key resolved to the names it takes is checked through those names
    for d in project
        .inventory
        .dynamic
        .iter()
        .filter(|d| d.resolved.is_none())
    {
        out.push(Finding::new(
            &RULE,
            &d.path,
            Span::at(d.line, d.column, d.expression.chars().count()),
            format!(
                "the variable name is computed at run time (`{}` via {}): envcheck cannot check this read",
                d.expression, d.api
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_each_dynamic_read() {
        let fx = Fixture::new(
            &[
                ("a.py", "import os\nos.getenv(name)\nos.getenv('LITERAL')\n"),
                ("b.ts", "process.env[key];\n"),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[("ENV201", "a.py", 2, ""), ("ENV201", "b.ts", 1, "")])
        );
    }

    #[test]
    fn resolved_keys_are_not_reported() {
        let fx = Fixture::new(
            &[(
                "a.py",
                "import os\nfor n in ['A_URL', 'B_URL']:\n    os.getenv(n)\nos.getenv(other)\n",
            )],
            &[],
        );
        assert_eq!(fx.run(check), rows(&[("ENV201", "a.py", 4, "")]));
    }
}
