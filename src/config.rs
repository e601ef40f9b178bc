//! `envcheck.toml`, `.envcheck.toml`, or `[tool.envcheck]` in `pyproject.toml`, found by walking
//! up from the scanned path (stopping at the repository root). Unknown keys are errors that name
//! the key. A configuration found that way is the repository's: a link in its place that leads
//! outside the repository is an error, and the paths it names are kept inside the repository by
//! their users ([`crate::boundary`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Severity;

/// The configuration file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Globs of source files to scan (relative to the project root); all when empty.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of source files not to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The example file, relative to the configuration file.
    pub example: Option<String>,
    /// Variables never reported (globs: `LEGACY_*`).
    #[serde(default)]
    pub ignore_vars: Vec<String>,
    /// Platform variables (PORT, HOME, CI, ...) that should be checked all the same.
    #[serde(default)]
    pub require_platform_vars: Vec<String>,
    /// Also scan test files.
    pub include_tests: Option<bool>,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Option<FailOn>,
    /// Rules to run (codes or prefixes); all when empty.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules not to run (codes or prefixes).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule: `ENV002 = "error"`, `ENV201 = "off"`.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Rules to ignore per path glob: `"scripts/**" = ["ENV001"]`.
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Globs of files that are tooling, not the application: their reads count as uses (an
    /// example key they read is not stale) but never as needs (ENV001, ENV101...). Default:
    /// `rules::context::DEFAULT_TOOLING` (scripts, tools, load tests, benchmarks, seeds, mocks,
    /// stories, end-to-end suites, preload shims); `[]` makes every file the application's.
    pub tooling: Option<Vec<String>>,
    /// Globs of documentation files (`docs/**/*.md`, `README.md`), relative to this file: a
    /// variable named in them is documented.
    #[serde(default)]
    pub documented_in: Vec<String>,
    /// Also scan the workspace packages (npm/yarn/pnpm workspaces) a scanned JS/TS app depends
    /// on: their reads are the app's too. Default true.
    pub workspace_packages: Option<bool>,
    /// Another configuration file whose settings this one extends (`"../envcheck.toml"`),
    /// relative to this file and inside the repository. Rule settings are inherited
    /// (`ignore-vars`, `require-platform-vars`, `include-tests`, `fail-on`, `select`, `ignore`,
    /// `rules`, `tooling`, `workspace-packages`), this file's own values winning; settings that
    /// name paths (`include`, `exclude`, `example`, `per-path-ignores`, `documented-in`,
    /// `environments`) are this file's alone.
    pub extend: Option<String>,
    /// Target environments for `envcheck diff`.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
}

/// The lowest severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Never fail on findings (errors still exit 2).
    Never,
}

impl FailOn {
    /// Does a finding of this severity fail the run?
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// A rule's severity in config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

impl RuleLevel {
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Error => Some(Severity::Error),
        }
    }
}

/// `[environments.prod]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnvironmentConfig {
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The deploy profiles this environment runs (`["production"]`): reads in settings modules
    /// named for other profiles (`settings/test.py`) do not count against it. Default: the
    /// environment's canonical name when it is a profile (`prod` runs `production`).
    pub profiles: Option<Vec<String>>,
    #[serde(default)]
    pub sources: Vec<SourceSpec>,
}

/// One source of a target environment: a path (a dotenv file) or a table naming its kind.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SourceSpec {
    Path(String),
    Table(Box<SourceTable>),
}

/// `{ vault = ".env.vault", environment = "production" }` and the like: exactly one kind, with
/// its selector (`environment` for `vault`, `container` for `kubernetes` and `ecs`, `service` for
/// `compose` and `render`, `scope` for `gitlab`, `prefix` for `ssm`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceTable {
    pub dotenv: Option<String>,
    pub vault: Option<String>,
    pub environment: Option<String>,
    pub kubernetes: Option<String>,
    pub container: Option<String>,
    pub compose: Option<String>,
    pub service: Option<String>,
    pub json: Option<String>,
    pub names: Option<Vec<String>>,
    /// The process environment of the running job.
    pub env: Option<bool>,
    /// `aws ecs describe-task-definition` output, a task definition, or `containerDefinitions`.
    pub ecs: Option<String>,
    /// `gh secret list --json name` / `gh variable list --json name,value` output.
    pub github: Option<String>,
    /// The GitLab project or group variables API's JSON.
    pub gitlab: Option<String>,
    /// The environment scope GitLab variables are matched against (`production`).
    pub scope: Option<String>,
    /// `fly.toml` or `fly secrets list --json` output.
    pub fly: Option<String>,
    /// A Render Blueprint (`render.yaml`).
    pub render: Option<String>,
    /// `aws ssm get-parameters-by-path` output.
    pub ssm: Option<String>,
    /// The parameter path SSM names are relative to (`/prod/api/`).
    pub prefix: Option<String>,
    /// `infisical export --format json` output.
    pub infisical: Option<String>,
    /// `vault kv get -format=json` output.
    pub vault_kv: Option<String>,
    /// The compose project's env file for interpolation (`docker compose --env-file`); `.env`
    /// beside the compose file when not given.
    pub env_file: Option<String>,
}

/// How a path relative to the report base reads relative to the configuration's directory,
/// where the configuration's globs (`per-path-ignores`, `tooling`) are relative to.
#[derive(Clone, Debug, Default)]
pub struct ConfigRelative {
    /// The base below the configuration's directory: prepend this (`svc/`).
    prefix: String,
    /// The configuration's directory below the base: strip this (`apps/web/`).
    strip: String,
}

impl ConfigRelative {
    /// For a configuration in `dir` and reports relative to `base` (both absolute).
    pub fn new(dir: &Path, base: &Path) -> ConfigRelative {
        let slash = |p: &Path| {
            let s = p.to_string_lossy().replace('\\', "/");
            if s.is_empty() { s } else { format!("{s}/") }
        };
        if let Ok(rel) = base.strip_prefix(dir) {
            ConfigRelative {
                prefix: slash(rel),
                strip: String::new(),
            }
        } else if let Ok(rel) = dir.strip_prefix(base) {
            ConfigRelative {
                prefix: String::new(),
                strip: slash(rel),
            }
        } else {
            ConfigRelative::default()
        }
    }

    /// `path` (relative to the report base) relative to the configuration's directory; `None`
    /// when it lies outside that directory.
    pub fn to_config(&self, path: &str) -> Option<String> {
        if !self.strip.is_empty() {
            return path.strip_prefix(self.strip.as_str()).map(str::to_string);
        }
        Some(format!("{}{path}", self.prefix))
    }
}

/// A loaded configuration and where it came from.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// The configuration file; `None` when there is none.
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// The directory relative paths in the configuration are resolved against.
    pub fn dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// Errors reading configuration: they name the file and, from the TOML parser, line and column.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // not `source`: the message already holds it, and a source would be printed twice
    #[error("{path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Extend { path: String, message: String },
    #[error(
        "{count} directories hold a configuration of their own, more than the {max} apps one run checks: name the apps' paths, or give one configuration with --config"
    )]
    Apps { count: usize, max: usize },
    #[error("{path}: {error}")]
    Outside {
        path: String,
        error: crate::boundary::Outside,
    },
}

fn parse_error(path: &Path, err: &toml::de::Error, text: &str) -> ConfigError {
    let location = err
        .span()
        .map(|span| {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: ")
        })
        .unwrap_or_default();
    ConfigError::Parse {
        path: path.display().to_string(),
        message: format!("{location}{}", err.message()),
    }
}

/// Parses `envcheck.toml` / `.envcheck.toml` text.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| parse_error(path, &e, text))
}

/// Parses the `[tool.envcheck]` table of `pyproject.toml`; `None` when there is none.
fn parse_pyproject(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
    #[derive(Deserialize)]
    struct Pyproject {
        tool: Option<Tool>,
    }
    #[derive(Deserialize)]
    struct Tool {
        envcheck: Option<toml::Value>,
    }
    let doc: Pyproject = toml::from_str(text).map_err(|e| parse_error(path, &e, text))?;
    let Some(table) = doc.tool.and_then(|t| t.envcheck) else {
        return Ok(None);
    };
    let config: Config = table
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Parse {
            path: path.display().to_string(),
            message: format!("[tool.envcheck]: {}", e.message()),
        })?;
    Ok(Some(config))
}

/// Whether `dir` holds a configuration file of its own, as the search upwards would find it
/// there: `envcheck.toml`, `.envcheck.toml`, or a `pyproject.toml` with `[tool.envcheck]` (one
/// that does not parse counts, so that loading it reports the error).
/// The names of a configuration file in a directory (`pyproject.toml` only with an envcheck
/// table).
pub(crate) const FILE_NAMES: [&str; 3] = ["envcheck.toml", ".envcheck.toml", "pyproject.toml"];

pub(crate) fn has_file_in(dir: &Path) -> bool {
    if ["envcheck.toml", ".envcheck.toml"]
        .iter()
        .any(|name| dir.join(name).is_file())
    {
        return true;
    }
    let pyproject = dir.join("pyproject.toml");
    if !pyproject.is_file() {
        return false;
    }
    let Ok(text) = crate::walk::read_file(&pyproject).map(String::from_utf8) else {
        return true;
    };
    match text {
        Ok(text) => !matches!(parse_pyproject(&pyproject, &text), Ok(None)),
        Err(_) => true,
    }
}

/// Loads the configuration: `explicit` when given, else the nearest one above `start`, with
/// the files it extends (`extend = "..."`) merged under it.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded, ConfigError> {
    let mut loaded = load_one(explicit, start)?;
    if let Some(path) = loaded.path.clone() {
        let config = std::mem::take(&mut loaded.config);
        loaded.config = with_extends(config, &path, &mut Vec::new())?;
    }
    Ok(loaded)
}

/// How many files a chain of `extend` may hold: more than any real layout needs, and a bound
/// on what a repository can ask for.
const MAX_EXTENDS: usize = 8;

/// `config` (read from `path`) merged over the configuration it extends, recursively.
fn with_extends(
    mut config: Config,
    path: &Path,
    seen: &mut Vec<PathBuf>,
) -> Result<Config, ConfigError> {
    let Some(rel) = config.extend.take() else {
        return Ok(config);
    };
    let error = |message: String| ConfigError::Extend {
        path: path.display().to_string(),
        message,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let parent_path = dir.join(&rel);
    // the extended file is the repository's say-so: it stays inside it
    let top = crate::boundary::repository_top(dir).unwrap_or_else(|| dir.to_path_buf());
    crate::boundary::Boundary::at(&top)
        .require_inside(&parent_path, || format!("`extend = \"{rel}\"`"))
        .map_err(|e| error(e.to_string()))?;
    let canonical = parent_path
        .canonicalize()
        .map_err(|e| error(format!("`extend = \"{rel}\"`: {e}")))?;
    if seen.contains(&canonical) || canonical == path.canonicalize().unwrap_or_default() {
        return Err(error(format!("`extend = \"{rel}\"` makes a cycle")));
    }
    if seen.len() >= MAX_EXTENDS {
        return Err(error(format!(
            "more than {MAX_EXTENDS} files extend one another"
        )));
    }
    seen.push(canonical);
    let parent = load_one(Some(&parent_path), dir)?.config;
    let parent = with_extends(parent, &parent_path, seen)?;
    Ok(merge(parent, config))
}

/// `child` over `parent`: rule settings inherited, the child's own values winning; settings
/// that name paths are the child's alone (see [`Config::extend`]).
fn merge(parent: Config, child: Config) -> Config {
    let or_vec = |c: Vec<String>, p: Vec<String>| if c.is_empty() { p } else { c };
    let mut rules = parent.rules;
    rules.extend(child.rules);
    Config {
        include: child.include,
        exclude: child.exclude,
        example: child.example,
        ignore_vars: or_vec(child.ignore_vars, parent.ignore_vars),
        require_platform_vars: or_vec(child.require_platform_vars, parent.require_platform_vars),
        include_tests: child.include_tests.or(parent.include_tests),
        fail_on: child.fail_on.or(parent.fail_on),
        select: or_vec(child.select, parent.select),
        ignore: or_vec(child.ignore, parent.ignore),
        rules,
        per_path_ignores: child.per_path_ignores,
        tooling: child.tooling.or(parent.tooling),
        documented_in: child.documented_in,
        workspace_packages: child.workspace_packages.or(parent.workspace_packages),
        extend: None,
        environments: child.environments,
    }
}

fn load_one(explicit: Option<&Path>, start: &Path) -> Result<Loaded, ConfigError> {
    let read = |path: &Path| {
        crate::walk::read_file(path)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8")
                })
            })
            .map_err(|error| ConfigError::Read {
                path: path.display().to_string(),
                error,
            })
    };
    if let Some(path) = explicit {
        let text = read(path)?;
        let config = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            parse_pyproject(path, &text)?.unwrap_or_default()
        } else {
            parse(path, &text)?
        };
        return Ok(Loaded {
            config,
            path: Some(path.to_path_buf()),
        });
    }
    let start = if start.is_dir() {
        start.to_path_buf()
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = start.canonicalize().unwrap_or(start);
    let top = crate::boundary::repository_top(&start);
    // a link in the repository named like a configuration file must not lead out of it
    let inside = |dir: &Path, path: &Path| {
        let boundary = crate::boundary::Boundary::at(top.as_deref().unwrap_or(dir));
        boundary
            .require_inside(path, || "a link that".to_string())
            .map_err(|error| ConfigError::Outside {
                path: path.display().to_string(),
                error: error.hint("give a configuration outside the repository with --config"),
            })
    };
    for dir in start.ancestors() {
        for name in ["envcheck.toml", ".envcheck.toml"] {
            let path = dir.join(name);
            if path.is_file() {
                inside(dir, &path)?;
                let text = read(&path)?;
                return Ok(Loaded {
                    config: parse(&path, &text)?,
                    path: Some(path),
                });
            }
        }
        let pyproject = dir.join("pyproject.toml");
        if pyproject.is_file() {
            inside(dir, &pyproject)?;
            let text = read(&pyproject)?;
            if let Some(config) = parse_pyproject(&pyproject, &text)? {
                return Ok(Loaded {
                    config,
                    path: Some(pyproject),
                });
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(Loaded::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_inherits_rule_settings_and_keeps_paths_its_own() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git"))?;
        std::fs::create_dir_all(root.join("apps/portal"))?;
        std::fs::write(
            root.join("envcheck.toml"),
            "ignore-vars = [\"LEGACY_*\"]\nfail-on = \"warning\"\nexample = \"top.env\"\n[rules]\nENV002 = \"error\"\nENV201 = \"off\"\n",
        )?;
        std::fs::write(
            root.join("apps/portal/envcheck.toml"),
            "extend = \"../../envcheck.toml\"\n[rules]\nENV201 = \"info\"\n",
        )?;
        let loaded = load(None, &root.join("apps/portal"))?;
        let c = &loaded.config;
        assert_eq!(c.ignore_vars, vec!["LEGACY_*".to_string()]);
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.rules.get("ENV002"), Some(&RuleLevel::Error));
        assert_eq!(c.rules.get("ENV201"), Some(&RuleLevel::Info));
        assert_eq!(c.example, None, "a path setting is the file's own");
        // a cycle, and a file outside the repository, are errors naming the file
        std::fs::write(
            root.join("envcheck.toml"),
            "extend = \"apps/portal/envcheck.toml\"\n",
        )?;
        let err = load(None, &root.join("apps/portal")).expect_err("cycle");
        assert!(err.to_string().contains("cycle"), "{err}");
        std::fs::write(
            root.join("apps/portal/envcheck.toml"),
            "extend = \"../../../outside.toml\"\n",
        )?;
        let err = load(None, &root.join("apps/portal")).expect_err("outside");
        assert!(err.to_string().contains("outside the repository"), "{err}");
        Ok(())
    }

    #[test]
    fn parses_every_key() {
        let text = r#"
include = ["src/**"]
exclude = ["src/generated/**"]
example = "config/.env.example"
ignore-vars = ["LEGACY_*"]
require-platform-vars = ["PORT"]
include-tests = false
fail-on = "warning"
select = ["ENV0", "ENV3"]
ignore = ["ENV201"]

[rules]
ENV002 = "error"
ENV202 = "off"

[per-path-ignores]
"scripts/**" = ["ENV001"]

[environments.prod]
aliases = ["production"]
sources = [
  ".env.production",
  { vault = ".env.vault", environment = "production" },
  { kubernetes = "deploy/k8s/prod/*.yaml", container = "api" },
  { compose = "docker-compose.prod.yml", service = "web" },
  { json = "ops/prod-config.json" },
  { names = ["SENTRY_DSN"] },
]
"#;
        let config = parse(Path::new("envcheck.toml"), text).expect("parses");
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert_eq!(config.rules.get("ENV202"), Some(&RuleLevel::Off));
        assert_eq!(config.environments["prod"].sources.len(), 6);
        assert_eq!(config.environments["prod"].aliases, vec!["production"]);
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key_and_line() {
        let err = parse(
            Path::new("envcheck.toml"),
            "example = \"x\"\nfail_on = \"error\"\n",
        )
        .expect_err("unknown key");
        let text = err.to_string();
        assert!(text.contains("envcheck.toml"), "{text}");
        assert!(text.contains("fail_on"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn pyproject_table() {
        let text = "[project]\nname = \"x\"\n\n[tool.envcheck]\nignore-vars = [\"A\"]\n";
        let config = parse_pyproject(Path::new("pyproject.toml"), text)
            .expect("ok")
            .expect("table");
        assert_eq!(config.ignore_vars, vec!["A"]);
        assert!(
            parse_pyproject(Path::new("pyproject.toml"), "[project]\nname = \"x\"\n")
                .expect("ok")
                .is_none()
        );
        let err = parse_pyproject(Path::new("pyproject.toml"), "[tool.envcheck]\nbogus = 1\n")
            .expect_err("unknown");
        assert!(err.to_string().contains("bogus"), "{err}");
    }

    #[test]
    fn discovery_walks_up_and_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("repo/.git")).expect("mkdir");
        std::fs::create_dir_all(root.join("repo/app/src")).expect("mkdir");
        std::fs::write(root.join("envcheck.toml"), "example = \"outside\"\n").expect("write");
        let loaded = load(None, &root.join("repo/app/src")).expect("load");
        assert!(
            loaded.path.is_none(),
            "must not read config above the repository root"
        );
        std::fs::write(root.join("repo/.envcheck.toml"), "example = \"inside\"\n").expect("write");
        let loaded = load(None, &root.join("repo/app/src")).expect("load");
        assert_eq!(loaded.config.example.as_deref(), Some("inside"));
    }
}
