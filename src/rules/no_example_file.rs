//! ENV006 no-example-file.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV006",
    name: "no-example-file",
    severity: Severity::Warning,
    summary: "No example file was found, so the code's variables are checked against nothing",
    explain: "\
## What it does
Reports a `check` run that found no example file (`.env.example`, `.env.sample`,
`.env.template`, `example.env`, `.env.dist` in the scanned directory or above it, up to the
repository root) and was given none (`--example`, `example = \"...\"`). The finding points at
the scanned directory.

## Why is this bad?
Without an example file, ENV001 and ENV002 have nothing to compare the code with: the run
passes having checked nothing, which a gate must say where people look (the job summary, the
annotations), not only in a note on standard error.

## Example
A repository whose example file is `config/env.sample`, a name envcheck does not look for.

## Use instead
Name it in `envcheck.toml` (`example = \"config/env.sample\"`) or with `--example`, or create one
with `envcheck example --write`. If the project has no example file on purpose, turn the rule
off (`[rules] ENV006 = \"off\"`).
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    if project.example().is_some() || project.inventory.variables.is_empty() {
        return;
    }
    out.push(Finding::new(
        &RULE,
        &project.scanned,
        Span::line(1),
        format!(
            "no example file found in `{}` or above it (looked for {}): {} the code reads {} checked against none",
            project.scanned,
            crate::check::EXAMPLE_NAMES.join(", "),
            match project.inventory.variables.len() {
                1 => "the 1 variable".to_string(),
                n => format!("the {n} variables"),
            },
            if project.inventory.variables.len() == 1 { "is" } else { "are" }
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reported_without_an_example_file_only() {
        let fx = Fixture::new(&[("app.py", "import os\nos.getenv('X')\n")], &[]);
        assert_eq!(fx.run(check), rows(&[("ENV006", ".", 1, "")]));
        let fx = Fixture::new(
            &[
                ("app.py", "import os\nos.getenv('X')\n"),
                (".env.example", "X=\n"),
            ],
            &[],
        );
        assert!(fx.run(check).is_empty());
        // nothing to check: nothing to say
        let fx = Fixture::new(&[("app.py", "print(1)\n")], &[]);
        assert!(fx.run(check).is_empty());
    }
}
