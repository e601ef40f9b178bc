//! What the rules look at: the project as `check` sees it ([`Project`]), as `diff` sees it
//! against one target ([`DiffProject`], one [`Need`] per variable), and the policy both share
//! ([`Scope`]): which variables are checked at all, which reads are the application's, and what
//! besides the scanned code uses a name ([`Consumers`]: compose files, Dockerfiles, scripts and
//! well-known tools of the repository).
//!
//! The commands build these after the scan and hand them to the rules; rules only read them.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use globset::GlobSet;

use crate::check::EnvFile;
use crate::config::Config;
use crate::consumers::Consumers;
use crate::extract::{ReadKind, When};
use crate::finding::{Finding, Span};
use crate::model::{Inventory, Site, Variable};
use crate::rules::RuleInfo;
use crate::secret_shapes;
use crate::target::{Lookup, Target};

/// Files that are tooling, not the application, unless the configuration says otherwise
/// (`tooling = [...]`): developer scripts, load tests, benchmarks, seeds, mocks, stories,
/// end-to-end suites and preload shims. A script reading `GITHUB_TOKEN` is not the
/// application's contract.
pub const DEFAULT_TOOLING: &[&str] = &[
    "**/scripts/**",
    "**/tools/**",
    "**/load_tests/**",
    "**/loadtests/**",
    "**/benchmarks/**",
    "**/seed*/**",
    "**/seed*.*",
    "**/__mocks__/**",
    "**/*mock*/**",
    "**/*mock*.*",
    "**/*.stories.*",
    "**/e2e/**",
    "**/cypress/**",
    "**/playwright/**",
    "**/*preload*.*",
];

/// The policy the check and diff rules share.
pub struct Scope {
    /// `ignore-vars`: never reported.
    pub ignore_vars: GlobSet,
    /// Platform variables the configuration wants checked all the same.
    pub require_platform_vars: BTreeSet<String>,
    /// Files whose reads count as uses of a variable (an example key they read is not stale)
    /// but never as needs (nothing is undocumented or missing because of them).
    tooling: GlobSet,
    /// How report paths read relative to the configuration, so that the tooling globs mean
    /// the same whatever directory is checked.
    config_relative: crate::config::ConfigRelative,
    /// Words of the files `documented-in` names: a variable named there is documented.
    documented_elsewhere: HashSet<String>,
    /// What uses names besides the scanned code (empty until the command collects it from the
    /// repository).
    pub consumers: Consumers,
}

impl Scope {
    /// The scope a configuration asks for. `config_dir` is where its globs are relative to;
    /// `config_relative` maps report paths there.
    pub fn new(
        config: &Config,
        config_dir: &Path,
        config_relative: crate::config::ConfigRelative,
    ) -> anyhow::Result<Scope> {
        let ignore_vars = crate::check::glob_set(&config.ignore_vars)
            .map_err(|e| anyhow::anyhow!("config: ignore-vars: {e}"))?;
        let tooling = match &config.tooling {
            Some(globs) => crate::check::glob_set(globs),
            None => crate::check::glob_set(
                &DEFAULT_TOOLING
                    .iter()
                    .map(|g| g.to_string())
                    .collect::<Vec<_>>(),
            ),
        }
        .map_err(|e| anyhow::anyhow!("config: tooling: {e}"))?;
        let documented_elsewhere = crate::docs::words(config_dir, &config.documented_in)?;
        Ok(Scope {
            ignore_vars,
            require_platform_vars: config.require_platform_vars.iter().cloned().collect(),
            tooling,
            config_relative,
            documented_elsewhere,
            consumers: Consumers::default(),
        })
    }

    /// The default scope (no configuration): for tests.
    pub fn unconfigured() -> Scope {
        Scope::new(&Config::default(), Path::new("."), Default::default()).unwrap_or_else(|_| {
            Scope {
                ignore_vars: GlobSet::empty(),
                require_platform_vars: BTreeSet::new(),
                tooling: GlobSet::empty(),
                config_relative: Default::default(),
                documented_elsewhere: HashSet::new(),
                consumers: Consumers::default(),
            }
        })
    }

    /// Whether a variable is checked at all: not allowlisted in config and not set by the
    /// platform.
    pub fn is_checked(&self, name: &str) -> bool {
        !self.ignore_vars.is_match(name)
            && (!secret_shapes::is_platform_variable(name)
                || self.require_platform_vars.contains(name))
    }

    /// Whether a read is the application's (not in a tooling file).
    pub fn is_app(&self, site: &Site) -> bool {
        !self.is_tooling(&site.path)
    }

    fn is_tooling(&self, path: &str) -> bool {
        self.tooling.is_match(path)
            || self
                .config_relative
                .to_config(path)
                .is_some_and(|p| self.tooling.is_match(p))
    }

    /// Whether `name` (or, for `X_FILE`, `X`, and the reverse) appears in the files
    /// `documented-in` names.
    pub fn documented_elsewhere(&self, name: &str) -> bool {
        counterparts(name).any(|n| self.documented_elsewhere.contains(n.as_ref()))
    }
}

/// `name`, and its `_FILE` counterpart: the convention of Docker secrets and many images
/// (`POSTGRES_PASSWORD_FILE` holds a path to the file holding `POSTGRES_PASSWORD`), where one
/// documents the other.
pub fn counterparts(name: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    let other = match name.strip_suffix("_FILE") {
        Some(base) if !base.is_empty() => std::borrow::Cow::Borrowed(base),
        _ => std::borrow::Cow::Owned(format!("{name}_FILE")),
    };
    [std::borrow::Cow::Borrowed(name), other].into_iter()
}

/// Whether a dynamic read may read `name`: its key has a static start that `name` has
/// (`os.environ[f"STRIPE_{kind}_KEY"]` may read `STRIPE_LIVE_KEY`). Such a name is used, not
/// stale or unread.
pub fn covered_by_dynamic(inventory: &Inventory, name: &str) -> bool {
    inventory.dynamic.iter().any(|d| {
        d.prefix
            .as_deref()
            .is_some_and(|p| name.len() > p.len() && name.starts_with(p))
    })
}

/// Everything the check rules look at.
pub struct Project<'a> {
    pub inventory: &'a Inventory,
    /// Every env file found, the example file among them.
    pub env_files: &'a [EnvFile],
    pub scope: &'a Scope,
    /// The scan covers the project the example file documents: keys nothing reads can be
    /// reported (ENV002).
    pub covers_project: bool,
    /// The scanned directory, as reports name it (`.` for the base).
    pub scanned: String,
}

impl<'a> Project<'a> {
    pub fn example(&self) -> Option<&'a EnvFile> {
        self.env_files.iter().find(|f| f.is_example)
    }

    /// Variables a rule about documentation should consider: checked, and read by the
    /// application (not only by tooling).
    pub fn checked_variables(&self) -> impl Iterator<Item = &'a Variable> + '_ {
        self.inventory
            .variables
            .iter()
            .filter(|v| self.is_checked(&v.name))
            .filter(|v| v.reads.iter().any(|r| self.scope.is_app(r)))
    }

    pub fn is_checked(&self, name: &str) -> bool {
        self.scope.is_checked(name)
    }
}

/// How a code variable is documented in the example file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Documented {
    /// Under the same name (or, for a case-insensitive framework, any case), or under its
    /// `_FILE` counterpart.
    Yes,
    /// Only under a key that differs in case: `(key, line)`.
    CaseMismatch(String, usize),
    No,
}

/// Keys of the example file: its entries and its commented-out entries (`# KEY=...` documents
/// a variable too).
pub fn example_keys(example: &EnvFile) -> Vec<(&str, usize)> {
    example
        .file
        .entries
        .iter()
        .chain(example.file.commented.iter())
        .map(|e| (e.key.as_str(), e.line))
        .collect()
}

/// Is `variable` documented by these example keys?
pub fn documented(variable: &Variable, keys: &[(&str, usize)]) -> Documented {
    if counterparts(&variable.name).any(|n| keys.iter().any(|(k, _)| *k == n)) {
        return Documented::Yes;
    }
    let insensitive = variable.reads.iter().all(|r| r.extra.case_insensitive);
    match keys
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&variable.name))
    {
        Some(_) if insensitive => Documented::Yes,
        Some((k, line)) => Documented::CaseMismatch(k.to_string(), *line),
        None => Documented::No,
    }
}

/// Everything the diff rules look at.
pub struct DiffProject<'a> {
    pub inventory: &'a Inventory,
    pub target: &'a Target,
    pub scope: &'a Scope,
    /// The scan covers the project the target configures: names nothing reads can be reported
    /// (ENV104).
    pub covers_project: bool,
}

/// What the code needs of one variable in this target: the reads that concern it.
pub struct Need<'a> {
    pub variable: &'a Variable,
    /// The application's runtime reads in files of no profile or of one of the target's
    /// profiles, sorted.
    pub reads: Vec<&'a Site>,
    /// The strongest kind over [`Need::reads`].
    pub requirement: ReadKind,
}

impl<'a> Need<'a> {
    pub fn name(&self) -> &'a str {
        &self.variable.name
    }

    /// The first required read evaluated at start-up, if any: a missing value stops the
    /// service.
    pub fn startup_required(&self) -> Option<&'a Site> {
        self.reads
            .iter()
            .copied()
            .find(|r| r.kind == ReadKind::Required && r.extra.when == When::Startup)
    }

    /// The read that decides the requirement: a start-up read first, else the first read of
    /// the requirement's kind.
    pub fn deciding(&self) -> &'a Site {
        self.reads
            .iter()
            .copied()
            .find(|r| r.kind == self.requirement && r.extra.when == When::Startup)
            .or_else(|| {
                self.reads
                    .iter()
                    .copied()
                    .find(|r| r.kind == self.requirement)
            })
            .unwrap_or(self.reads[0])
    }

    /// Whether every read of the requirement's kind treats an empty value as unset.
    pub fn empty_is_unset(&self) -> bool {
        self.reads
            .iter()
            .filter(|r| r.kind == self.requirement)
            .all(|r| r.extra.empty_is_unset)
    }
}

impl<'a> DiffProject<'a> {
    pub fn is_checked(&self, name: &str) -> bool {
        self.scope.is_checked(name)
    }

    /// Whether a read concerns this target: the application's, at run time, in a file of no
    /// profile or of one the target runs.
    pub fn concerns(&self, site: &Site) -> bool {
        site.extra.when != When::Build
            && self.scope.is_app(site)
            && site
                .profile
                .is_none_or(|p| self.target.profiles.iter().any(|t| t == p))
    }

    /// The variables this target must provide, each with what the target says about it.
    pub fn lookups(&self) -> impl Iterator<Item = (Need<'a>, Lookup)> + '_ {
        self.inventory
            .variables
            .iter()
            .filter(|v| self.is_checked(&v.name))
            .filter_map(|v| {
                let reads: Vec<&Site> = v.reads.iter().filter(|r| self.concerns(r)).collect();
                if reads.is_empty() {
                    return None;
                }
                let requirement = reads
                    .iter()
                    .map(|r| r.kind)
                    .max_by_key(|k| k.strength())
                    .unwrap_or(ReadKind::Presence);
                let insensitive = reads.iter().all(|r| r.extra.case_insensitive);
                let lookup = self.target.lookup(&v.name, insensitive);
                Some((
                    Need {
                        variable: v,
                        reads,
                        requirement,
                    },
                    lookup,
                ))
            })
    }

    /// A finding about `need` at `site`.
    pub fn at(
        &self,
        rule: &'static RuleInfo,
        need: &Need,
        site: &Site,
        message: String,
    ) -> Finding {
        let mut f = Finding::new(rule, &site.path, Span::of(site), message).variable(need.name());
        f.environment = Some(self.target.name.clone());
        f
    }
}

/// The first read whose kind is the variable's requirement.
pub fn deciding_read(variable: &Variable) -> &Site {
    variable
        .reads
        .iter()
        .find(|r| r.kind == variable.requirement)
        .unwrap_or(&variable.reads[0])
}

/// Which path needs a read on use, for messages: "only when `send_email()` runs", "only when
/// `FEATURE_X`", "only in an exception handler".
pub fn only_when(site: &Site) -> String {
    match site.extra.context.as_deref() {
        Some(c) if c.ends_with("()") => format!("only when `{c}` runs"),
        Some(c) => match c.strip_prefix("if ").or_else(|| c.strip_prefix("elif ")) {
            Some(condition) => format!("only when `{condition}`"),
            None => format!("only in {c}"),
        },
        None => "only on use".to_string(),
    }
}
