//! envcheck: finds the environment variables code reads (Python, TypeScript, JavaScript) and
//! checks them against the example file and the target environment before a deploy.
//!
//! The binary is a thin shell around [`run`]; the library never prints on its own, it writes to
//! the writers it is given.

pub mod apps;
pub mod baseline;
pub mod boundary;
pub mod cache;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod consumers;
pub mod docs;
pub mod extract;
pub mod finding;
pub mod git;
pub mod lang;
pub mod matrix;
pub mod model;
pub mod packages;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secret;
pub mod secret_shapes;
pub mod sources;
pub mod span;
pub mod suppress;
pub mod target;
pub mod target_changes;
pub mod walk;

use cli::{Cli, Command};
use std::io::Write;

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
        Command::Scan(args) => commands::scan::run(args, out, err),
        Command::Check(args) => commands::check::run(args, out, err),
        Command::Diff(args) => commands::diff::run(args, out, err),
        Command::Sources(args) => commands::sources::run(args, out),
        Command::Example(args) => commands::example::run(args, out, err),
        Command::Rules(args) => commands::rules::list(args, out),
        Command::Explain(args) => commands::rules::explain(args, out),
    };
    match result {
        Ok(status) => status,
        // a closed pipe (`envcheck check | head`): the reader has what it wanted, so no message;
        // the report was cut short while findings were being written, so the exit code fails
        // (a gate must never pass on an output it could not finish)
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitStatus::Failure
        }
        Err(e) => {
            // the message names files and objects from the input: printed without control
            // characters, which could start a line of their own or a terminal escape
            let message = format!("{e:#}");
            let _ = writeln!(
                err,
                "envcheck: error: {}",
                crate::report::printable(&message)
            );
            ExitStatus::Error
        }
    }
}
