//! Command-line interface (clap derive). Flags are documented here, once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::FailOn;

/// The exit codes, shown under `--help` of every command that reports findings.
const EXIT_CODES: &str = "\
Exit codes:
  0  nothing at or above --fail-on (default: error)
  1  findings at or above --fail-on
  2  usage, configuration, I/O or decryption error (wins over findings; --exit-zero never hides it)";

/// Find the environment variables your code reads, before the deploy that lacks them.
#[derive(Debug, Parser)]
#[command(
    name = "envcheck",
    version,
    about,
    max_term_width = 100,
    after_help = "Run `envcheck <COMMAND> --help` for a command's options, `envcheck rules` for the rules."
)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = "Output")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, honouring NO_COLOR, CLICOLOR and CLICOLOR_FORCE.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every environment variable the code reads, with each read site and its kind.
    Scan(ScanArgs),
    /// Lint the code against the example file, plus env-file and secret hygiene.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// The deploy gate: what the code needs that a target environment does not provide.
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// What each source of a target environment provides: names only, never values.
    Sources(SourcesArgs),
    /// Print the example file the code implies, or update it in place.
    Example(ExampleArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Explain a rule: what it reports, why, and what to do instead.
    Explain(ExplainArgs),
}

/// Options of every command that walks source files.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Files or directories to scan [default: .]
    pub paths: Vec<PathBuf>,

    /// Also scan test files (tests/, test_*.py, *.test.ts, *.spec.ts, ...).
    #[arg(long, help_heading = "Scope")]
    pub include_tests: bool,

    /// Worker threads (0: one per core; at most 1024).
    #[arg(long, default_value_t = 0, value_name = "N", help_heading = "Scope",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1024))]
    pub threads: usize,

    /// Do not read or write the result cache.
    #[arg(long)]
    pub no_cache: bool,

    /// The result cache's directory [default: $ENVCHECK_CACHE_DIR, else .envcheck_cache at the
    /// project root].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
}

impl WalkArgs {
    /// Where the result cache lives for a project whose root is `root`; `None` when it is off.
    pub fn cache(&self, root: &std::path::Path) -> Option<crate::cache::Location> {
        crate::cache::location(self.no_cache, self.cache_dir.as_deref(), root)
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Configuration file, for its include, exclude and include-tests [default: the nearest
    /// envcheck.toml, .envcheck.toml or pyproject.toml with [tool.envcheck]].
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Full, help_heading = "Output")]
    pub format: ScanFormat,

    /// Only the inventory: no notes on standard error, no summary line.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,

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

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    /// The example file [default: from config, else the nearest .env.example, .env.sample,
    /// .env.template, example.env or .env.dist].
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub example: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The target environment: a name (or alias) from [environments] in envcheck.toml, or by
    /// convention prod, staging, dev, test (.env.<name> and the .env.vault environment).
    /// Several, comma-separated (`staging,prod`), are checked side by side.
    pub environment: String,

    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub sources: SourceArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Add a source to the target: dotenv:PATH, vault:PATH[#ENV], kubernetes:GLOB[#CONTAINER],
    /// compose:PATH[#SERVICE], json:PATH, ecs:PATH[#CONTAINER], github:PATH,
    /// gitlab:PATH[#SCOPE], fly:PATH, render:PATH[#SERVICE], ssm:PATH[#PREFIX], infisical:PATH,
    /// vault-kv:PATH, names:A,B, or env (the process environment). PATH `-` reads standard input
    /// (not for vault and compose): `helm template ... | envcheck diff prod --source
    /// kubernetes:-`. Repeatable.
    #[arg(long = "source", value_name = "KIND:PATH", help_heading = "Target")]
    pub sources: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// The target environment, as for `envcheck diff`.
    pub environment: String,

    /// The project directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Configuration file.
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub sources: SourceArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Full, help_heading = "Output")]
    pub format: ScanFormat,
}

/// Options of the commands that report findings.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Configuration file [default: the nearest envcheck.toml, .envcheck.toml or pyproject.toml
    /// with [tool.envcheck]].
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FindingsFormat::Full, help_heading = "Output")]
    pub format: FindingsFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write a SARIF 2.1.0 report to FILE (one run, several outputs).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub sarif_file: Option<PathBuf>,

    /// Also append the Markdown report to FILE, e.g. "$GITHUB_STEP_SUMMARY".
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub summary_file: Option<PathBuf>,

    /// Also write a GitLab Code Quality report to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub gitlab_file: Option<PathBuf>,

    /// Only the findings: no notes on standard error, no summary line.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,

    /// Only these rules (codes or prefixes, comma-separated: ENV0,ENV301).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODES",
        help_heading = "Rules"
    )]
    pub select: Vec<String>,

    /// Not these rules (codes or prefixes, comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODES",
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit code 1 [default: from config, else error].
    #[arg(long, value_enum, value_name = "LEVEL", help_heading = "Rules")]
    pub fail_on: Option<FailOn>,

    /// Exit 0 even when there are findings (errors reading input still exit 2).
    #[arg(long, help_heading = "Rules")]
    pub exit_zero: bool,

    /// Ignore `# envcheck: ignore[...]`, `# noqa: ...` and `// envcheck-ignore-...` comments.
    #[arg(long, help_heading = "Rules")]
    pub no_inline_ignores: bool,

    /// Compare with a git revision (a branch, a tag such as the last deploy, a SHA): findings
    /// are marked new or not, variable changes are listed, and only new findings fail the run.
    #[arg(long, value_name = "REF", help_heading = "Git")]
    pub base: Option<String>,

    /// With --base, fail on findings that already existed at the base revision too.
    #[arg(long, requires = "base", help_heading = "Git")]
    pub fail_on_existing: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FindingsFormat {
    /// Diagnostics with code frames, for people.
    Full,
    /// One line per finding.
    Concise,
    /// A versioned JSON document.
    Json,
    /// A Markdown report: the config change plan with --base (for a release ticket, a merge
    /// request or a GitHub job summary).
    Markdown,
    /// GitHub workflow commands: inline annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitLab Code Quality JSON, for the merge request widget.
    Gitlab,
}

#[derive(Debug, Args)]
pub struct ExampleArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Configuration file [default: the nearest envcheck.toml, .envcheck.toml or pyproject.toml
    /// with [tool.envcheck]].
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub config: Option<PathBuf>,

    /// The example file to update [default: from config, else the nearest one, else
    /// .env.example in the scanned directory].
    #[arg(long, value_name = "FILE", help_heading = "Scope")]
    pub example: Option<PathBuf>,

    /// Update the example file in place instead of printing it.
    #[arg(long, conflicts_with = "check", help_heading = "Output")]
    pub write: bool,

    /// Exit 1 when the example file lacks keys the code reads; print nothing else.
    #[arg(long, help_heading = "Output")]
    pub check: bool,

    /// No notes on standard error.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Full)]
    pub format: ScanFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (ENV001) or name (undocumented-variable).
    pub rule: String,
}
