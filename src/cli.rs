//! Command-line interface (clap derive). Flags are documented here, once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find the environment variables your code reads, before the deploy that lacks them.
#[derive(Debug, Parser)]
#[command(name = "envcheck", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every environment variable the code reads, with each read site and its kind.
    Scan(ScanArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan [default: .]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Full)]
    pub format: ScanFormat,

    /// Also scan test files (tests/, test_*.py, *.test.ts, *.spec.ts, ...).
    #[arg(long)]
    pub include_tests: bool,

    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Parse every source file, without the trigger-word prefilter (slower; for diagnosis).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// A table for people.
    Full,
    /// A versioned JSON document.
    Json,
}
