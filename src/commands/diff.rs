//! `envcheck diff <ENV>`.

use std::collections::BTreeSet;
use std::io::Write;

use crate::ExitStatus;
use crate::check::{self, RuleSelection};
use crate::cli::DiffArgs;
use crate::config::FailOn;
use crate::diff::{self, DiffProject};
use crate::target;

use super::Workspace;
use super::check::{exit_status, print_file_notes, suppress_and_report_unused, write_report};

pub fn run(args: DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let report = &args.report;
    let ws = Workspace::load(&args.walk, report.config.as_deref())?;
    let config = &ws.loaded.config;
    let extra = args
        .sources
        .sources
        .iter()
        .map(|s| target::parse_source_arg(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let display = |p: &std::path::Path| ws.display(p);
    let target = target::load(
        &args.environment,
        &ws.loaded,
        &ws.root,
        &extra,
        &display,
        &mut std::io::stdin().lock(),
    )?;
    let ignore_vars = check::glob_set(&config.ignore_vars)
        .map_err(|e| anyhow::anyhow!("config: ignore-vars: {e}"))?;
    let require_platform_vars: BTreeSet<String> =
        config.require_platform_vars.iter().cloned().collect();
    let project = DiffProject {
        inventory: &ws.inventory,
        target: &target,
        ignore_vars: &ignore_vars,
        require_platform_vars: &require_platform_vars,
    };
    let selection = RuleSelection::new(config, &report.select, &report.ignore)?;
    let findings = selection.apply(diff::run_rules(&project));
    let mut findings = suppress_and_report_unused(
        findings,
        Vec::new(),
        &ws.inventory,
        &selection,
        report.no_inline_ignores,
        |code| code.starts_with("ENV1"),
    );
    check::summarize(&mut findings);
    if !report.quiet {
        for source in &target.sources {
            for notice in &source.data.notices {
                writeln!(err, "envcheck: note: {}: {notice}", source.label)?;
            }
        }
        print_file_notes(&ws.inventory, false, err)?;
    }
    let root = ws.root.clone();
    let source = move |path: &str| std::fs::read_to_string(root.join(path)).ok();
    write_report(
        report.format,
        report.output.as_deref(),
        report.quiet,
        &findings,
        &source,
        out,
    )?;
    Ok(exit_status(
        &ws.inventory,
        &findings,
        report.fail_on.or(config.fail_on).unwrap_or(FailOn::Error),
        report.exit_zero,
    ))
}
