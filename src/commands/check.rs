//! `envcheck check`.

use std::io::Write;

use crate::ExitStatus;
use crate::baseline::{self, Change};
use crate::check::{self, RuleSelection};
use crate::cli::{CheckArgs, FindingsFormat, ReportArgs};
use crate::config::FailOn;
use crate::finding::Finding;
use crate::model::Inventory;
use crate::report;
use crate::report::printable;
use crate::rules;
use crate::rules::context::Project;

use super::Workspace;

pub fn run(
    args: CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let report = &args.report;
    clear_reports(report)?;
    if let Some(apps) = super::apps::plan(&args.walk, report.config.as_deref())? {
        return super::apps::check(&args, apps, out, err);
    }
    let ws = Workspace::load(&args.walk, report.config.as_deref())?;
    let config = &ws.loaded.config;
    let (mut findings, _, covers) = check_findings(&ws, &args, true)?;
    let changes = match &report.base {
        Some(rev) => {
            let extra: Vec<&std::path::Path> = args.example.as_deref().into_iter().collect();
            let at_base = ws.at_base(&args.walk, rev, &extra, true)?;
            let base = &at_base.ws;
            let (base_findings, ..) = check_findings(base, &args, false)?;
            baseline::mark_new(&mut findings, &base_findings);
            Some(baseline::changes(&base.inventory, &ws.inventory, None))
        }
        None => None,
    };
    if !report.quiet {
        if !covers {
            writeln!(
                err,
                "envcheck: note: ENV002 not run: the scan covers only part of the project the example file documents (scan its directory to find keys nothing reads)"
            )?;
        }
        ws.print_notes(err)?;
        print_file_notes(&ws.inventory, true, err)?;
    }
    let source = ws.source();
    let context = ReportContext {
        command: "check",
        environment: None,
        matrix: None,
        base: report.base.as_deref(),
        changes: changes.as_deref(),
        target_changes: None,
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

/// Runs the check rules, selection and suppressions over a workspace: `(findings, whether an
/// example file was found, whether the scan covers the project it documents)`. `working_tree`:
/// honour `--example` (not at a base revision).
pub(super) fn check_findings(
    ws: &Workspace,
    args: &CheckArgs,
    working_tree: bool,
) -> anyhow::Result<(Vec<Finding>, bool, bool)> {
    let report = &args.report;
    let config = &ws.loaded.config;
    // `--example` names a working-tree file; at a base revision, the same file there
    let explicit = args.example.as_deref().and_then(|e| ws.same_place(e));
    let example = ws.example_path(explicit.as_deref())?;
    if working_tree
        && let Some(e) = &example
        && !e.is_file()
    {
        anyhow::bail!("{}: example file not found", e.display());
    }
    let example = example.filter(|e| e.is_file());
    let (env_files, suppressions) = ws.env_files(example.as_deref())?;
    let scope = ws.scope()?;
    let covers_project = example
        .as_deref()
        .and_then(|e| e.parent())
        .is_none_or(|dir| ws.covers(dir));
    let project = Project {
        inventory: &ws.inventory,
        env_files: &env_files,
        scope,
        covers_project,
        scanned: match ws.display(&ws.primary) {
            d if d.is_empty() => ".".to_string(),
            d => d,
        },
    };
    let selection = RuleSelection::new(config, &report.select, &report.ignore)?
        .with_config_relative(ws.config_relative());
    let findings = selection.apply(rules::run_check(&project));
    let mut findings = suppress_and_report_unused(
        findings,
        suppressions,
        &ws.inventory,
        &selection,
        report.no_inline_ignores,
        |code| !code.starts_with("ENV1"),
    );
    check::summarize(&mut findings);
    Ok((findings, project.example().is_some(), covers_project))
}

/// What a report is about, besides its findings.
pub struct ReportContext<'a> {
    pub command: &'a str,
    pub environment: Option<&'a str>,
    /// `diff` over several environments.
    pub matrix: Option<&'a crate::matrix::Matrix>,
    pub base: Option<&'a str>,
    pub changes: Option<&'a [Change]>,
    /// `diff --base`: what each environment's configuration changed since the base revision.
    pub target_changes: Option<&'a [crate::target_changes::TargetChange]>,
    /// A run over several apps: each one's label, configuration and per-app parts.
    pub apps: Option<&'a [crate::report::App]>,
}

/// Applies inline suppressions (unless disabled) and adds ENV901 for the unused ones. Only
/// codes of rules this command runs (`ran`) and the selection keeps can be unused: a
/// `# envcheck: ignore[ENV101]` is not stale because `check` does not run ENV101.
pub fn suppress_and_report_unused(
    findings: Vec<Finding>,
    mut suppressions: Vec<crate::suppress::Suppression>,
    inventory: &Inventory,
    selection: &RuleSelection,
    disabled: bool,
    ran: impl Fn(&str) -> bool,
) -> Vec<Finding> {
    if disabled {
        return findings;
    }
    suppressions.extend(inventory.suppressions.iter().cloned());
    let mut findings = check::apply_suppressions(findings, &mut suppressions);
    // unknown codes stay (a typo is worth reporting); known ones only if their rule ran
    for s in &mut suppressions {
        s.codes.retain(|c| match rules::lookup(c) {
            Some(rule) => ran(c) && selection.severity(rule).is_some(),
            None => true,
        });
    }
    suppressions.retain(|s| !s.codes.is_empty());
    let mut unused = Vec::new();
    rules::unused_suppression::check(&suppressions, &mut unused);
    findings.extend(selection.apply(unused));
    findings
}

/// Removes the report files a previous run left (`--output`, `--sarif-file`, `--gitlab-file`),
/// so that a run that stops with an error leaves none to be uploaded as if it were this run's.
/// The summary file is appended to by every step of a job, so it is left alone.
pub fn clear_reports(args: &ReportArgs) -> anyhow::Result<()> {
    for path in [&args.output, &args.sarif_file, &args.gitlab_file]
        .into_iter()
        .flatten()
    {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                anyhow::bail!("{}: {e}", path.display())
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes the findings in the chosen format to `--output` or `out`, and the extra reports
/// (`--sarif-file`, `--summary-file`, `--gitlab-file`), so a pipeline runs envcheck once.
pub fn write_report(
    args: &ReportArgs,
    context: &ReportContext,
    findings: &[Finding],
    source: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let markdown = |target: &mut dyn Write| {
        report::markdown::emit(
            &report::markdown::Report {
                command: context.command,
                environment: context.environment,
                matrix: context.matrix,
                base: context.base,
                findings,
                changes: context.changes,
                target_changes: context.target_changes,
                apps: context.apps,
            },
            target,
        )
    };
    let summary = report::check::Summary {
        quiet: args.quiet,
        base: context.base,
        fail_on_existing: args.fail_on_existing,
        matrix: context.matrix,
        target_changes: context.target_changes,
        apps: context.apps,
    };
    let mut buffer: Vec<u8> = Vec::new();
    {
        let target: &mut dyn Write = if args.output.is_some() {
            &mut buffer
        } else {
            out
        };
        match args.format {
            FindingsFormat::Json => report::check::json(
                findings,
                context.changes,
                context.target_changes,
                context.matrix,
                context.apps,
                target,
            )?,
            FindingsFormat::Concise if args.quiet => {
                report::check::concise_lines(findings, target)?
            }
            FindingsFormat::Concise => report::check::concise(findings, &summary, target)?,
            FindingsFormat::Full => report::check::full(findings, source, &summary, target)?,
            FindingsFormat::Markdown => markdown(target)?,
            FindingsFormat::Github => report::github::emit(findings, target)?,
            FindingsFormat::Sarif => report::sarif::emit(findings, target)?,
            FindingsFormat::Gitlab => report::gitlab::emit(findings, target)?,
        }
    }
    let file_error =
        |path: &std::path::Path, e: std::io::Error| anyhow::anyhow!("{}: {e}", path.display());
    if let Some(path) = &args.output {
        std::fs::write(path, &buffer).map_err(|e| file_error(path, e))?;
    }
    if let Some(path) = &args.sarif_file {
        let mut text = Vec::new();
        report::sarif::emit(findings, &mut text)?;
        std::fs::write(path, &text).map_err(|e| file_error(path, e))?;
    }
    if let Some(path) = &args.gitlab_file {
        let mut text = Vec::new();
        report::gitlab::emit(findings, &mut text)?;
        std::fs::write(path, &text).map_err(|e| file_error(path, e))?;
    }
    if let Some(path) = &args.summary_file {
        // appended: a job summary file collects every step's output
        let mut text = Vec::new();
        markdown(&mut text)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| file_error(path, e))?;
        file.write_all(&text).map_err(|e| file_error(path, e))?;
    }
    Ok(())
}

/// 2 when some input could not be read; 1 when a finding is at or above `fail_on` (only new
/// findings count when `new_only`); else 0.
pub fn exit_status(
    inventory: &Inventory,
    findings: &[Finding],
    fail_on: FailOn,
    exit_zero: bool,
    new_only: bool,
) -> ExitStatus {
    let counts = |f: &&Finding| !new_only || f.new != Some(false);
    if !inventory.errors.is_empty() {
        ExitStatus::Error
    } else if !exit_zero
        && findings
            .iter()
            .filter(counts)
            .any(|f| fail_on.fails(f.severity))
    {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Files that could not be read (always) and files only partly read (unless `findings_cover`:
/// ENV202 reports those).
pub fn print_file_notes(
    inventory: &Inventory,
    findings_cover: bool,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if !findings_cover {
        for notice in &inventory.notices {
            writeln!(
                err,
                "envcheck: note: {}: {}",
                printable(&notice.path),
                printable(&notice.message)
            )?;
        }
    }
    for error in &inventory.errors {
        writeln!(
            err,
            "envcheck: error: {}: {}",
            printable(&error.path),
            printable(&error.message)
        )?;
    }
    Ok(())
}
