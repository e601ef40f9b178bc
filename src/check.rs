//! `envcheck check`: the code against the example file, plus env-file and secret hygiene.
//!
//! The scan gives the [`Inventory`]; the example file and the other env files of the project are
//! parsed; every enabled rule runs once over that merged picture
//! ([`crate::rules::context::Project`]); suppressions and per-path ignores are applied ([`RuleSelection`]);
//! findings are sorted.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::boundary::Boundary;
use crate::config::Config;
use crate::finding::{self, Finding, Severity};
use crate::rules::{self, RuleInfo};
use crate::secret_shapes;
use crate::sources::dotenv::{self, DotenvFile};
use crate::suppress::Suppression;

/// Example-file names, in the order they are looked for.
pub const EXAMPLE_NAMES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    "example.env",
    ".env.dist",
];

/// A parsed env file of the project.
#[derive(Debug)]
pub struct EnvFile {
    /// Relative to the project root, with `/`.
    pub path: String,
    pub file: DotenvFile,
    /// Tracked by git (committed).
    pub tracked: bool,
    pub is_example: bool,
}

/// Which rules run and at what severity, from config and the command line.
pub struct RuleSelection {
    select: Vec<String>,
    ignore: Vec<String>,
    overrides: Vec<(&'static RuleInfo, Option<Severity>)>,
    per_path: Vec<(GlobSet, Vec<String>)>,
    /// How report paths read relative to the configuration, for per-path ignores.
    config_relative: crate::config::ConfigRelative,
}

impl RuleSelection {
    pub fn new(config: &Config, select: &[String], ignore: &[String]) -> anyhow::Result<Self> {
        let mut overrides = Vec::new();
        for (code, level) in &config.rules {
            let rule = rules::lookup(code)
                .ok_or_else(|| anyhow::anyhow!("config: unknown rule `{code}` in [rules]"))?;
            overrides.push((rule, level.severity()));
        }
        let mut per_path = Vec::new();
        for (pattern, codes) in &config.per_path_ignores {
            let set = glob_set(std::slice::from_ref(pattern))
                .map_err(|e| anyhow::anyhow!("config: per-path-ignores: {e}"))?;
            if let Some(code) = codes.iter().find(|c| !known_selector(c)) {
                anyhow::bail!("config: per-path-ignores: unknown rule selector `{code}`");
            }
            per_path.push((set, codes.clone()));
        }
        // empty selectors (an empty CI variable) are dropped: they name no rule
        let nonempty = |v: &[String]| -> Vec<String> {
            v.iter().filter(|s| !s.trim().is_empty()).cloned().collect()
        };
        let (select, ignore) = (nonempty(select), nonempty(ignore));
        let (mut all_select, mut all_ignore) = (nonempty(&config.select), nonempty(&config.ignore));
        for selector in select
            .iter()
            .chain(&ignore)
            .chain(&all_select)
            .chain(&all_ignore)
        {
            if !known_selector(selector) {
                anyhow::bail!("unknown rule selector `{selector}` (see `envcheck rules`)");
            }
        }
        all_select.extend(select);
        all_ignore.extend(ignore);
        Ok(RuleSelection {
            select: all_select,
            ignore: all_ignore,
            overrides,
            per_path,
            config_relative: crate::config::ConfigRelative::default(),
        })
    }

    /// Per-path ignore globs are relative to the configuration's directory, as `include` and
    /// `exclude` are. (A glob that matches the path as reported still counts.)
    pub fn with_config_relative(mut self, relative: crate::config::ConfigRelative) -> Self {
        self.config_relative = relative;
        self
    }

    /// The severity a rule reports at, or `None` when it is off. Rules that grade each
    /// finding (ENV103, ENV105) report at most at this severity by default; a severity set in
    /// `[rules]` applies to every finding of the rule.
    pub fn severity(&self, rule: &'static RuleInfo) -> Option<Severity> {
        if !self.select.is_empty() && !self.select.iter().any(|s| rules::selects(s, rule)) {
            return None;
        }
        if self.ignore.iter().any(|s| rules::selects(s, rule)) {
            return None;
        }
        match self.overrides.iter().find(|(r, _)| std::ptr::eq(*r, rule)) {
            Some((_, level)) => *level,
            None => Some(rule.severity),
        }
    }

    /// Applies selection, severities and per-path ignores.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                let severity = self.severity(f.rule)?;
                let configured = self.overrides.iter().any(|(r, _)| std::ptr::eq(*r, f.rule));
                // a finding graded below its rule's default keeps its own severity
                if configured || f.severity > severity {
                    f.severity = severity;
                }
                let from_config = self.config_relative.to_config(&f.path);
                let ignored = self.per_path.iter().any(|(set, codes)| {
                    (set.is_match(&f.path) || from_config.as_ref().is_some_and(|p| set.is_match(p)))
                        && codes.iter().any(|c| rules::selects(c, f.rule))
                });
                (!ignored).then_some(f)
            })
            .collect()
    }
}

/// Whether `selector` names at least one rule.
fn known_selector(selector: &str) -> bool {
    rules::RULES.iter().any(|r| rules::selects(selector, r))
}

/// A glob set from config patterns.
pub fn glob_set(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(Glob::new(p)?);
    }
    builder.build()
}

/// Drops suppressed findings, marks the suppressions used, and reports the unused ones.
pub fn apply_suppressions(
    findings: Vec<Finding>,
    suppressions: &mut [Suppression],
) -> Vec<Finding> {
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let hit = suppressions.iter_mut().find(|s| {
            s.path == f.path
                && s.target_line == f.span.line
                && s.codes.iter().any(|c| c.eq_ignore_ascii_case(f.rule.code))
        });
        match hit {
            Some(s) => {
                s.used.insert(f.rule.code.to_string());
            }
            None => kept.push(f),
        }
    }
    kept
}

/// The example file nearest to `root`: in `root`, then in each parent directory up to the
/// repository root, never above it. Whether what is found (it may be a link) leads outside the
/// repository is for the caller to check.
pub fn find_example(root: &Path, repo: &Boundary) -> Option<PathBuf> {
    let start = if root.is_dir() { root } else { root.parent()? };
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        if !dir.starts_with(repo.root()) {
            break;
        }
        for name in EXAMPLE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Reads and parses an env file. I/O errors name the file; parse errors become findings.
pub fn read_env_file(
    path: &Path,
    display: String,
    tracked: bool,
    is_example: bool,
) -> anyhow::Result<EnvFile> {
    let bytes = crate::walk::read_file(path).map_err(|e| anyhow::anyhow!("{display}: {e}"))?;
    Ok(EnvFile {
        path: display,
        file: parse_env_text(&bytes),
        tracked,
        is_example,
    })
}

/// Parses an env file. A line holding a lone word that looks like a credential (a pasted
/// token, or base64 whose `=` padding makes it read as `KEY=`) would otherwise become an entry
/// whose *key* is the secret, and keys appear in messages: such lines become errors instead.
pub fn parse_env_text(bytes: &[u8]) -> DotenvFile {
    let mut file = dotenv::parse_bytes(bytes);
    let (keep, pasted): (Vec<_>, Vec<_>) = std::mem::take(&mut file.entries)
        .into_iter()
        .partition(|e| secret_shapes::secret_shape(&e.key).is_none());
    file.entries = keep;
    for entry in pasted {
        file.errors.push(dotenv::LineError {
            line: entry.line,
            column: entry.column,
            message: "a lone word that looks like a credential, not `KEY=value`".to_string(),
        });
    }
    file.errors.sort_by_key(|e| (e.line, e.column));
    file
}

/// Sorts and counts: `(errors, warnings, infos)`.
pub fn summarize(findings: &mut Vec<Finding>) -> (usize, usize, usize) {
    finding::sort(findings);
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    )
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds a [`Project`] from in-memory files for the rule tests.
    use super::*;
    use crate::extract::extract;
    use crate::lang::{Language, Parsers};
    use crate::model::Inventory;
    use crate::rules::context::{Project, Scope};
    use crate::scan::{FileResult, Outcome};

    pub struct Fixture {
        pub inventory: Inventory,
        pub env_files: Vec<EnvFile>,
        pub scope: Scope,
    }

    impl Fixture {
        /// Code files by extension; env files by name (`.env*`, `*.env`). The example file is
        /// the one named like one; `tracked` lists the committed env files.
        pub fn new(files: &[(&str, &str)], tracked: &[&str]) -> Fixture {
            let mut parsers = Parsers::default();
            let mut results = Vec::new();
            let mut env_files = Vec::new();
            for (path, text) in files {
                let name = path.rsplit('/').next().unwrap_or(path);
                if let Some(language) = Language::from_path(Path::new(path)) {
                    results.push(FileResult {
                        path: path.to_string(),
                        source: PathBuf::from(path),
                        outcome: Outcome::Parsed(
                            std::sync::Arc::new(extract(language, text.as_bytes(), &mut parsers)),
                            None,
                        ),
                        stat: None,
                    });
                } else {
                    env_files.push(EnvFile {
                        path: path.to_string(),
                        file: parse_env_text(text.as_bytes()),
                        tracked: tracked.contains(path),
                        is_example: EXAMPLE_NAMES.contains(&name),
                    });
                }
            }
            results.sort_by(|a, b| a.path.cmp(&b.path));
            crate::scan::resolve_python_project(&mut results);
            Fixture {
                inventory: Inventory::from_files(results),
                env_files,
                scope: Scope::unconfigured(),
            }
        }

        pub fn project(&self) -> Project<'_> {
            Project {
                inventory: &self.inventory,
                env_files: &self.env_files,
                scope: &self.scope,
                covers_project: true,
                scanned: ".".to_string(),
            }
        }

        /// `(code, path, line, variable)` of what one rule's check reports.
        pub fn run(
            &self,
            check: fn(&Project, &mut Vec<Finding>),
        ) -> Vec<(String, String, usize, String)> {
            let mut out = Vec::new();
            check(&self.project(), &mut out);
            finding::sort(&mut out);
            out.into_iter()
                .map(|f| {
                    (
                        f.rule.code.to_string(),
                        f.path,
                        f.span.line,
                        f.variable.unwrap_or_default(),
                    )
                })
                .collect()
        }
    }

    /// `(code, path, line, variable)` for the expected side of an assertion.
    pub fn rows(rows: &[(&str, &str, usize, &str)]) -> Vec<(String, String, usize, String)> {
        rows.iter()
            .map(|(c, p, l, v)| (c.to_string(), p.to_string(), *l, v.to_string()))
            .collect()
    }
}
