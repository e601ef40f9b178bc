//! `check` and `diff` over several apps ([`crate::apps`]): each app is loaded, scanned and
//! checked as a run over it alone would (its configuration, example file, environments, rule
//! settings and `fail-on`), its findings tagged with its label, and one report is written for
//! all of them. The exit code is the worst over the apps.
//!
//! Choices:
//! - An app that has nothing of its own once the apps below it are left out (no source file,
//!   no env file: a monorepo's top holding the shared configuration) is not reported.
//! - `diff ENV` where an app does not know `ENV` (not in its `[environments]`, as a name or an
//!   alias, and no convention file such as `.env.production` or `.env.vault` in its directory):
//!   the app is not checked against it and the reports say so (a note on standard error, the
//!   app's `skipped_environments` in JSON, a line in Markdown). An environment no app knows is the
//!   usual error.
//! - `--source` adds to one environment of one app, and `--example` names one app's example
//!   file: with several apps they are errors.

use std::io::Write;

use crate::ExitStatus;
use crate::apps::App;
use crate::baseline;
use crate::check;
use crate::check::RuleSelection;
use crate::cli::{CheckArgs, DiffArgs, WalkArgs};
use crate::config::FailOn;
use crate::finding::Finding;
use crate::report::{self, printable};
use crate::target;

use super::Workspace;
use super::check::{ReportContext, check_findings, exit_status, print_file_notes, write_report};

/// The apps of a run, `None` when it is over one (or `--config` names the configuration).
pub fn plan(walk: &WalkArgs, config: Option<&std::path::Path>) -> anyhow::Result<Option<Vec<App>>> {
    if config.is_some() {
        return Ok(None);
    }
    let paths = super::existing_roots(&walk.paths)?;
    Ok(crate::apps::plan(&paths, walk.include_tests)?)
}

/// The worse of two exit statuses: an error over a failure over success.
fn worst(a: ExitStatus, b: ExitStatus) -> ExitStatus {
    if a.code() >= b.code() { a } else { b }
}

/// An app's label and configuration as reports name them.
fn describe(ws: &Workspace) -> report::App {
    let dir = ws
        .loaded
        .dir()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| ws.primary.clone());
    let label = match ws.display(&dir) {
        d if d.is_empty() => ".".to_string(),
        d => d,
    };
    report::App {
        label,
        config: ws.loaded.path.as_deref().map(|p| ws.display(p)),
        ..report::App::default()
    }
}

/// Loads and scans each app, leaving out one that has apps below it and no source or env file
/// of its own.
fn load_all(walk: &WalkArgs, apps: Vec<App>) -> anyhow::Result<Vec<Workspace>> {
    let mut workspaces = Vec::new();
    for app in apps {
        let ws = Workspace::load_app(walk, app)?;
        let empty = !ws.skip.is_empty()
            && ws.inventory.files.scanned == 0
            && ws.env_files(None)?.0.is_empty();
        if !empty {
            workspaces.push(ws);
        }
    }
    Ok(workspaces)
}

/// Tags `findings` with the app and adds them to `all`.
fn tag(all: &mut Vec<Finding>, findings: Vec<Finding>, app: &report::App) {
    all.extend(findings.into_iter().map(|mut f| {
        f.app = Some(app.label.clone());
        f
    }));
}

/// Sorts apps by label, the findings app by app in that order.
fn in_order(apps: &mut [report::App], findings: &mut [Finding]) {
    apps.sort_by(|a, b| a.label.cmp(&b.label));
    let rank = |f: &Finding| apps.iter().position(|a| Some(&a.label) == f.app.as_ref());
    // stable: each app's findings keep their order
    findings.sort_by_key(rank);
}

/// `envcheck check` over several apps.
pub fn check(
    args: &CheckArgs,
    apps: Vec<App>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let report = &args.report;
    if args.example.is_some() {
        anyhow::bail!(
            "--example names one app's example file: with several apps, set `example` in each one's envcheck.toml, or name one app's path"
        );
    }
    let mut status = ExitStatus::Success;
    let mut shown = Vec::new();
    let mut findings = Vec::new();
    let mut changes: Option<Vec<baseline::Change>> = None;
    let workspaces = load_all(&args.walk, apps)?;
    let base_dir = workspaces.first().map(|ws| ws.base.clone());
    for ws in &workspaces {
        let mut info = describe(ws);
        let (mut own, _, covers) = check_findings(ws, args, true)?;
        if let Some(rev) = &report.base {
            let at_base = ws.at_base(&args.walk, rev, &[], true)?;
            let base = &at_base.ws;
            let (base_findings, ..) = check_findings(base, args, false)?;
            baseline::mark_new(&mut own, &base_findings);
            let app_changes = baseline::changes(&base.inventory, &ws.inventory, None);
            changes
                .get_or_insert_with(Vec::new)
                .extend(app_changes.iter().cloned());
            info.changes = Some(app_changes);
        }
        if !report.quiet {
            if !covers {
                writeln!(
                    err,
                    "envcheck: note: {}: ENV002 not run: the scan covers only part of the project the example file documents (scan its directory to find keys nothing reads)",
                    printable(&info.label)
                )?;
            }
            ws.print_notes(err)?;
            print_file_notes(&ws.inventory, true, err)?;
        }
        status = worst(status, app_status(ws, &own, report));
        tag(&mut findings, own, &info);
        shown.push(info);
    }
    in_order(&mut shown, &mut findings);
    let source = source_of(base_dir);
    let context = ReportContext {
        command: "check",
        environment: None,
        matrix: None,
        base: report.base.as_deref(),
        changes: changes.as_deref(),
        target_changes: None,
        apps: Some(&shown),
    };
    write_report(report, &context, &findings, &source, out)?;
    Ok(status)
}

/// Reads a reported file's text for code frames (paths relative to `base`).
fn source_of(base: Option<std::path::PathBuf>) -> impl Fn(&str) -> Option<String> {
    move |path: &str| {
        base.as_ref()
            .and_then(|b| crate::walk::read_for_report(&b.join(path)))
    }
}

/// One app's exit status, with its configuration's `fail-on`.
fn app_status(ws: &Workspace, findings: &[Finding], report: &crate::cli::ReportArgs) -> ExitStatus {
    exit_status(
        &ws.inventory,
        findings,
        report
            .fail_on
            .or(ws.loaded.config.fail_on)
            .unwrap_or(FailOn::Error),
        report.exit_zero,
        report.base.is_some() && !report.fail_on_existing,
    )
}

/// Whether the app knows environment `name`: its configuration names it (or an alias of it),
/// or a convention file for it lies in the app's directory.
fn knows(ws: &Workspace, name: &str) -> bool {
    let configured = ws
        .loaded
        .config
        .environments
        .iter()
        .any(|(key, env)| key == name || env.aliases.iter().any(|a| a == name));
    configured
        || target::convention_files(name)
            .iter()
            .chain(std::iter::once(&".env.vault".to_string()))
            .any(|file| ws.primary.join(file).symlink_metadata().is_ok())
}

/// `envcheck diff ENV` over several apps.
pub fn diff(
    args: &DiffArgs,
    apps: Vec<App>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let report = &args.report;
    if !args.sources.sources.is_empty() {
        anyhow::bail!(
            "--source adds to one app's environment: with several apps, configure each one's sources under [environments.<name>] in its envcheck.toml, or name one app's path"
        );
    }
    let names = super::environment_names(&args.environment, false)?;
    let workspaces = load_all(&args.walk, apps)?;
    let Some(first) = workspaces.first() else {
        anyhow::bail!("nothing to check");
    };
    let mut stdin = std::io::stdin().lock();
    // an environment no app knows: the error a run over one app gives
    for name in &names {
        if !workspaces.iter().any(|ws| knows(ws, name)) {
            let display = |p: &std::path::Path| first.display(p);
            target::load(
                name,
                &first.loaded,
                &first.primary,
                &[],
                &display,
                &mut stdin,
            )?;
            anyhow::bail!("environment `{name}`: no app knows it");
        }
    }
    let base_dir = Some(first.base.clone());
    let mut status = ExitStatus::Success;
    let mut shown = Vec::new();
    let mut findings = Vec::new();
    let mut changes: Option<Vec<baseline::Change>> = None;
    let mut target_changes = Vec::new();
    for ws in &workspaces {
        let mut info = describe(ws);
        let display = |p: &std::path::Path| ws.display(p);
        let mut targets: Vec<target::Target> = Vec::new();
        for name in &names {
            if !knows(ws, name) {
                info.skipped.push(name.to_string());
                continue;
            }
            let target = target::load(name, &ws.loaded, &ws.primary, &[], &display, &mut stdin)?;
            super::add_target(&mut targets, target)?;
        }
        if targets.is_empty() {
            shown.push(info);
            continue;
        }
        info.environments = targets.iter().map(|t| t.name.clone()).collect();
        let selection = RuleSelection::new(&ws.loaded.config, &report.select, &report.ignore)?
            .with_config_relative(ws.config_relative());
        // each target as it was at the base revision, as `diff --base` of one app
        let (mut own, at_base) =
            super::diff::findings_with_base(ws, &args.walk, &targets, &[], &selection, report)?;
        if let Some(at_base) = at_base {
            target_changes.extend(at_base.target_changes.iter().cloned());
            info.target_changes = Some(at_base.target_changes);
            changes
                .get_or_insert_with(Vec::new)
                .extend(at_base.changes.iter().cloned());
            info.changes = Some(at_base.changes);
        }
        check::summarize(&mut own);
        let scope = ws.scope()?;
        info.matrix = Some(crate::matrix::build(
            &ws.inventory,
            &targets.iter().collect::<Vec<_>>(),
            scope,
        ));
        if !report.quiet {
            super::print_source_notices(&targets, err)?;
            if !super::diff::covers_project(ws) {
                writeln!(
                    err,
                    "envcheck: note: {}: ENV104 not run: the scan covers only part of the app (name its paths, or run from its directory, to find names nothing reads)",
                    printable(&info.label)
                )?;
            }
            ws.print_notes(err)?;
            print_file_notes(&ws.inventory, false, err)?;
        }
        status = worst(status, app_status(ws, &own, report));
        tag(&mut findings, own, &info);
        shown.push(info);
    }
    if !report.quiet {
        for app in &shown {
            if !app.skipped.is_empty() {
                writeln!(
                    err,
                    "envcheck: note: {}: not checked against {}: {} configuration does not name {} and no convention file is there",
                    printable(&app.label),
                    printable(&app.skipped.join(", ")),
                    if app.config.is_some() { "its" } else { "no" },
                    if app.skipped.len() == 1 { "it" } else { "them" },
                )?;
            }
        }
    }
    in_order(&mut shown, &mut findings);
    let source = source_of(base_dir);
    let environment = names.join(", ");
    let context = ReportContext {
        command: "diff",
        environment: Some(&environment),
        matrix: None,
        base: report.base.as_deref(),
        changes: changes.as_deref(),
        target_changes: report.base.as_ref().map(|_| target_changes.as_slice()),
        apps: Some(&shown),
    };
    write_report(report, &context, &findings, &source, out)?;
    Ok(status)
}
