//! `envcheck diff <ENV>`.

use std::io::Write;

use crate::ExitStatus;
use crate::check::{self, RuleSelection};
use crate::cli::DiffArgs;
use crate::config::FailOn;
use crate::rules::{self, context::DiffProject};
use crate::target;

use super::Workspace;
use super::check::{
    ReportContext, exit_status, print_file_notes, suppress_and_report_unused, write_report,
};
use crate::baseline;
use crate::cli::ReportArgs;
use crate::finding::Finding;

pub fn run(args: DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let report = &args.report;
    super::check::clear_reports(report)?;
    if let Some(apps) = super::apps::plan(&args.walk, report.config.as_deref())? {
        return super::apps::diff(&args, apps, out, err);
    }
    let ws = Workspace::load(&args.walk, report.config.as_deref())?;
    let config = &ws.loaded.config;
    let extra = args
        .sources
        .sources
        .iter()
        .map(|s| target::parse_source_arg(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let display = |p: &std::path::Path| ws.display(p);
    // `staging,prod`: each environment checked in turn, findings tagged with theirs
    let names = super::environment_names(&args.environment, !extra.is_empty())?;
    let mut stdin = std::io::stdin().lock();
    let mut targets = Vec::new();
    for name in &names {
        let target = target::load(name, &ws.loaded, &ws.primary, &extra, &display, &mut stdin)?;
        super::add_target(&mut targets, target)?;
    }
    let selection = RuleSelection::new(config, &report.select, &report.ignore)?
        .with_config_relative(ws.config_relative());
    let mut findings = Vec::new();
    for target in &targets {
        findings.extend(diff_findings(&ws, target, &selection, report)?);
    }
    // the base revision's code against each target as it was there: a finding is new when the
    // code or the configuration changed it
    let mut target_changes = Vec::new();
    let changes = match &report.base {
        Some(rev) => {
            let tree = tempfile::tempdir()?;
            let base = ws.at_revision(&args.walk, rev, tree.path(), &[])?;
            let base_targets = targets_at_revision(&ws, &base, rev, &targets, &extra)?;
            let mut base_findings = Vec::new();
            for (target, at_base) in targets.iter().zip(&base_targets) {
                base_findings.extend(diff_findings(&base, at_base, &selection, report)?);
                target_changes.extend(crate::target_changes::compare(at_base, target));
            }
            baseline::mark_new(&mut findings, &base_findings);
            Some(baseline::changes(
                &base.inventory,
                &ws.inventory,
                targets.first(),
            ))
        }
        None => None,
    };
    check::summarize(&mut findings);
    let scope = ws.scope()?;
    let matrix = crate::matrix::build(&ws.inventory, &targets.iter().collect::<Vec<_>>(), &scope);
    if !report.quiet {
        super::print_source_notices(&targets, err)?;
        if !covers_project(&ws) {
            writeln!(
                err,
                "envcheck: note: ENV104 not run: run from below the configuration's directory, the scan covers only part of the project (name the service's paths, or run from there, to find names nothing reads)"
            )?;
        }
        ws.print_notes(err)?;
        print_file_notes(&ws.inventory, false, err)?;
    }
    let source = ws.source();
    let environment = targets
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let context = ReportContext {
        command: "diff",
        environment: Some(&environment),
        matrix: Some(&matrix),
        base: report.base.as_deref(),
        changes: changes.as_deref(),
        target_changes: report.base.as_ref().map(|_| target_changes.as_slice()),
        apps: None,
    };
    write_report(report, &context, &findings, &source, out)?;
    Ok(exit_status(
        &ws.inventory,
        &findings,
        report.fail_on.or(config.fail_on).unwrap_or(FailOn::Error),
        report.exit_zero,
        report.base.is_some() && !report.fail_on_existing,
    ))
}

/// Each target as it was at the base revision `base` (read from `rev`): the files its sources
/// read are written into the revision's tree beside the code, and read from there.
pub(super) fn targets_at_revision(
    ws: &Workspace,
    base: &Workspace,
    rev: &str,
    targets: &[target::Target],
    extra: &[crate::config::SourceTable],
) -> anyhow::Result<Vec<target::Target>> {
    let Some((top, tree)) = &base.revision else {
        anyhow::bail!("the base revision was not read from git");
    };
    let commit = crate::git::resolve_commit(top, rev)?;
    let cwd = std::env::current_dir()?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let wanted = target::revision_files(&ws.loaded, top, &cwd, extra, targets)?;
    crate::git::materialize_where(top, &commit, tree, &|path| wanted.is_match(path))?;
    let display = |p: &std::path::Path| base.display(p);
    targets
        .iter()
        .map(|head| {
            target::load_at_revision(
                &head.name,
                &base.loaded,
                &base.primary,
                extra,
                &display,
                target::Revision { top, tree, head },
            )
        })
        .collect()
}

/// Whether the scanned code is the service the target deploys, so that a name it never reads
/// is unused: paths named on the command line say which code that is; run without paths from
/// below the configuration's directory, the scan covers only part of the project.
pub(super) fn covers_project(ws: &Workspace) -> bool {
    ws.named || ws.loaded.dir().is_none_or(|dir| ws.covers(dir))
}

/// The diff rules over a workspace's inventory against the target, selected and suppressed.
pub(super) fn diff_findings(
    ws: &Workspace,
    target: &target::Target,
    selection: &RuleSelection,
    report: &ReportArgs,
) -> anyhow::Result<Vec<Finding>> {
    let scope = ws.scope()?;
    let project = DiffProject {
        inventory: &ws.inventory,
        target,
        scope: &scope,
        covers_project: covers_project(ws),
    };
    let findings = selection.apply(rules::run_diff(&project));
    let mut findings = suppress_and_report_unused(
        findings,
        Vec::new(),
        &ws.inventory,
        selection,
        report.no_inline_ignores,
        |code| code.starts_with("ENV1"),
    );
    check::summarize(&mut findings);
    Ok(findings)
}
