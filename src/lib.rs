//! envcheck: finds the environment variables code reads (Python, TypeScript, JavaScript) and
//! checks them against the example file and the target environment before a deploy.
//!
//! The binary is a thin shell around [`run`]; the library never prints on its own, it writes to
//! the writers it is given.

pub mod cli;
pub mod extract;
pub mod lang;
pub mod model;
pub mod report;
pub mod scan;
pub mod secret;
pub mod sources;
pub mod span;
pub mod walk;

use std::io::Write;
use std::path::PathBuf;

use cli::{Cli, Command, ScanArgs, ScanFormat};

/// How a run ended; `main` maps it to the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing at or above the failing level.
    Success,
    /// 1: findings at or above the failing level.
    Failure,
    /// 2: usage, configuration or I/O error.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Runs a parsed command line. Results go to `out`, diagnostics to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitStatus {
    let result = match cli.command {
        Command::Scan(args) => run_scan(args, out, err),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            let _ = writeln!(err, "envcheck: error: {e:#}");
            ExitStatus::Error
        }
    }
}

fn run_scan(
    args: ScanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let roots = existing_roots(&args.paths)?;
    let options = scan::ScanOptions {
        walk: walk::WalkOptions {
            include_tests: args.include_tests,
            threads: args.threads,
        },
        no_prefilter: args.no_prefilter,
    };
    let inventory = scan::scan(&roots, &options);
    match args.format {
        ScanFormat::Full => report::scan::full(&inventory, out)?,
        ScanFormat::Json => report::scan::json(&inventory, out)?,
    }
    for notice in &inventory.notices {
        writeln!(err, "envcheck: note: {}: {}", notice.path, notice.message)?;
    }
    for error in &inventory.errors {
        writeln!(err, "envcheck: error: {}: {}", error.path, error.message)?;
    }
    Ok(if inventory.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// The paths to scan (`.` when none), each checked to exist.
fn existing_roots(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for root in &roots {
        if let Err(e) = std::fs::metadata(root) {
            anyhow::bail!("{}: {}", root.display(), e);
        }
    }
    Ok(roots)
}
