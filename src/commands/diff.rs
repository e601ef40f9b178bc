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
use crate::cli::{ReportArgs, WalkArgs};
use crate::finding::Finding;
use crate::target_changes::TargetChange;

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
    let (mut findings, at_base) =
        findings_with_base(&ws, &args.walk, &targets, &extra, &selection, report)?;
    let (changes, target_changes) = match at_base {
        Some(at_base) => (Some(at_base.changes), at_base.target_changes),
        None => (None, Vec::new()),
    };
    check::summarize(&mut findings);
    let scope = ws.scope()?;
    let matrix = crate::matrix::build(&ws.inventory, &targets.iter().collect::<Vec<_>>(), scope);
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

/// What `--base` adds to a diff: how the code's reads and each target changed since the base
/// revision.
pub(super) struct AtBase {
    pub changes: Vec<baseline::Change>,
    pub target_changes: Vec<TargetChange>,
}

/// The diff findings of `ws` against each of `targets`; with `--base`, each marked new or not
/// by the base revision's code against each target as it was there (a finding is new when the
/// code or the configuration changed it), and what changed.
///
/// The base revision is read and scanned on a thread of its own while this one runs the rules
/// over the work tree (unless `--threads 1`): those are one core's work, and reading the
/// revision needs nothing they make, so on two cores `--base` costs about what its scan costs
/// beyond them.
pub(super) fn findings_with_base(
    ws: &Workspace,
    walk: &WalkArgs,
    targets: &[target::Target],
    extra: &[crate::config::SourceTable],
    selection: &RuleSelection,
    report: &ReportArgs,
) -> anyhow::Result<(Vec<Finding>, Option<AtBase>)> {
    let head = || -> anyhow::Result<Vec<Finding>> {
        let mut findings = Vec::new();
        for target in targets {
            findings.extend(diff_findings(ws, target, selection, report)?);
        }
        Ok(findings)
    };
    let Some(rev) = &report.base else {
        return Ok((head()?, None));
    };
    let at_base = || -> anyhow::Result<(Vec<Finding>, AtBase)> {
        let read = ws.at_base(walk, rev, &[], false)?;
        let base = &read.ws;
        let base_targets = targets_at_revision(ws, base, &read.revision, targets, extra)?;
        let mut findings = Vec::new();
        let mut target_changes = Vec::new();
        for (target, at_base) in targets.iter().zip(&base_targets) {
            findings.extend(diff_findings(base, at_base, selection, report)?);
            target_changes.extend(crate::target_changes::compare(at_base, target));
        }
        let changes = baseline::changes(&base.inventory, &ws.inventory, targets.first());
        Ok((
            findings,
            AtBase {
                changes,
                target_changes,
            },
        ))
    };
    // `--threads 1`: one thread, the base after the work tree
    let (findings, at_base) = if walk.threads == 1 {
        let findings = head();
        (findings, at_base())
    } else {
        std::thread::scope(|scope| {
            let at_base = scope.spawn(at_base);
            let findings = head();
            // a panic on the base revision's thread takes the run down (exit 2), as on this one
            let at_base = at_base
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (findings, at_base)
        })
    };
    let mut findings = findings?;
    let (base_findings, at_base) = at_base?;
    baseline::mark_new(&mut findings, &base_findings);
    Ok((findings, Some(at_base)))
}

/// Each target as it was at the base revision `base` (read from `revision`): the files its
/// sources read are written into the revision's tree beside the code, and read from there.
pub(super) fn targets_at_revision(
    ws: &Workspace,
    base: &Workspace,
    revision: &crate::git::Revision,
    targets: &[target::Target],
    extra: &[crate::config::SourceTable],
) -> anyhow::Result<Vec<target::Target>> {
    let Some((top, tree)) = &base.revision else {
        anyhow::bail!("the base revision was not read from git");
    };
    let cwd = std::env::current_dir()?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let wanted = target::revision_files(&ws.loaded, top, &cwd, extra, targets)?;
    // (the revision's trees are listed only when a target reads a file)
    if !wanted.is_empty() {
        revision.materialize_where(tree, &|path| wanted.is_match(path))?;
    }
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
        scope,
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
