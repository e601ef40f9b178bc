//! `envcheck rules` and `envcheck explain`.

use std::io::Write;

use serde::Serialize;

use crate::ExitStatus;
use crate::cli::{ExplainArgs, RulesArgs, ScanFormat};
use crate::finding::Severity;
use crate::rules::{self, RULES};

#[derive(Serialize)]
struct JsonRule {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explain: &'static str,
}

pub fn list(args: RulesArgs, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    match args.format {
        ScanFormat::Json => {
            let rules: Vec<JsonRule> = RULES
                .iter()
                .map(|r| JsonRule {
                    code: r.code,
                    name: r.name,
                    severity: r.severity,
                    summary: r.summary,
                    explain: r.explain,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rules)?;
            writeln!(out)?;
        }
        ScanFormat::Full => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in RULES {
                writeln!(
                    out,
                    "{}  {:<width$}  {:<7}  {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                )?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

pub fn explain(args: ExplainArgs, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let Some(rule) = rules::lookup(&args.rule) else {
        anyhow::bail!(
            "unknown rule `{}` (run `envcheck rules` for the list)",
            args.rule
        );
    };
    writeln!(
        out,
        "# {} {} ({})\n",
        rule.code,
        rule.name,
        rule.severity.as_str()
    )?;
    writeln!(out, "{}\n", rule.summary)?;
    write!(out, "{}", rule.explain)?;
    Ok(ExitStatus::Success)
}
