//! A target environment (`envcheck diff prod`): its sources, loaded, and what they provide.
//!
//! Sources come from `[environments.<name>]` in the configuration, from convention when there is
//! none (`prod` reads `.env.production` / `.env.prod` and the `production` environment of
//! `.env.vault`), and from `--source KIND:PATH[#SELECTOR]`. Every value stays in a [`Secret`];
//! keys for decryption come only from the process environment and are never shown.
//!
//! The platform and secret-store kinds (`ecs`, `github`, `gitlab`, `fly`, `render`, `ssm`,
//! `infisical`, `vault-kv`) are one text read through a pure reader of [`crate::sources`]; they,
//! `kubernetes`, `dotenv` and `json` read standard input for the path `-`. After loading, every
//! value that only points at a secret manager becomes external ([`reference::mark_external`]).
//! A Helm chart given as a Kubernetes source is not read: its [`SourceData::unrendered`] reason
//! makes what it might provide unknown ([`Lookup::Unrendered`]) and one notice says how to pipe
//! `helm template` in. A compose file is interpolated with its project env file (`.env` beside it,
//! or the source's `env-file`), see [`project_env`].
//!
//! Paths in the configuration, the convention files, and a compose file's `env_file` entries
//! are the repository's say-so: each must resolve inside the repository ([`Boundary`]), or the
//! run stops with an error naming the file that names it, before anything is read. `--source`
//! paths are the user's, read as given; so are the `env_file` entries of a compose file that
//! lies outside the repository. Every file is read through [`crate::walk::read_file`] (regular
//! files only, not the kernel's, at most [`crate::walk::MAX_INPUT_SIZE`] bytes), and standard
//! input is capped the same way.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::boundary::Boundary;
use crate::config::{Loaded, SourceSpec, SourceTable};
use crate::secret::Secret;
use crate::sources::interpolation::ProjectEnv;
use crate::sources::{
    self, Provided, SourceData, SourceError, UsedElsewhere, ValueState, compose, dotenv, dotenvx,
    ecs, fly, github, gitlab, infisical, json, kubernetes, reference, render, ssm, vault, vault_kv,
};

/// The kinds `--source KIND:PATH` and a source table take, for messages.
const KINDS: &str = "dotenv, vault, kubernetes, compose, json, ecs, github, gitlab, fly, render, \
                     ssm, infisical, vault-kv, names";

/// One loaded source of a target.
#[derive(Clone, Debug)]
pub struct LoadedSource {
    /// What to call it in messages: `.env.production`, `.env.vault [production]`, `<env>`.
    pub label: String,
    /// `dotenv`, `dotenvx`, `vault`, `kubernetes`, `compose`, `json`, `ecs`, `github`, `gitlab`,
    /// `fly`, `render`, `ssm`, `infisical`, `vault-kv`, `names`, `env`.
    pub kind: &'static str,
    /// File a finding about the source points at (relative, `/`); empty for `env` and `names`.
    pub path: String,
    pub data: SourceData,
    /// Why the source could not be read (no key): it may provide any name.
    pub undecryptable: Option<String>,
    /// Whether names it sets but the code never reads are worth reporting (not for the whole
    /// process environment of a CI job).
    pub report_unused: bool,
}

/// A target environment and its loaded sources.
#[derive(Debug)]
pub struct Target {
    /// The name findings carry: the configured name, or the one given.
    pub name: String,
    pub sources: Vec<LoadedSource>,
    /// The deploy profiles this environment runs (`production` for `prod`): reads in settings
    /// modules of other profiles (`settings/test.py`) do not concern it. From
    /// `[environments.<name>] profiles`, else the environment's canonical name when it is one of
    /// the profiles [`crate::model::profile_of`] knows.
    pub profiles: Vec<String>,
}

/// What the target says about one variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Set to a non-empty value, or to one envcheck cannot see (encrypted, `valueFrom`).
    Set,
    /// Set, but to the empty string: `(source label, path, line)`.
    Empty(String, String, usize),
    /// Not found, but a source might provide it: the reasons.
    Unverified(Vec<String>),
    /// Not found, and only a Helm template that was not rendered might provide it: the source's
    /// one notice says how to render it, no finding per variable.
    Unrendered,
    Missing,
}

impl Target {
    /// Looks a variable up across every source.
    pub fn lookup(&self, name: &str, case_insensitive: bool) -> Lookup {
        let matches = |p: &Provided| {
            if case_insensitive {
                p.name.eq_ignore_ascii_case(name)
            } else {
                p.name == name
            }
        };
        let mut empty = None;
        let mut pass_through = Vec::new();
        for source in &self.sources {
            for p in source.data.provided.iter().filter(|p| matches(p)) {
                match &p.state {
                    ValueState::Value(v) if v.is_empty() => {
                        empty.get_or_insert((source.label.clone(), p.path.clone(), p.line));
                    }
                    ValueState::PassThrough => pass_through.push(format!(
                        "{} passes it through from the deploying shell",
                        source.label
                    )),
                    _ => return Lookup::Set,
                }
            }
        }
        if let Some((label, path, line)) = empty {
            return Lookup::Empty(label, path, line);
        }
        let mut reasons = pass_through;
        reasons.extend(self.opaque_reasons_but_unrendered());
        if !reasons.is_empty() {
            Lookup::Unverified(reasons)
        } else if self.sources.iter().any(|s| s.data.unrendered.is_some()) {
            Lookup::Unrendered
        } else {
            Lookup::Missing
        }
    }

    /// Why some sources may provide names envcheck cannot see, unrendered templates included.
    pub fn opaque_reasons(&self) -> Vec<String> {
        let mut out = self.opaque_reasons_but_unrendered();
        for s in &self.sources {
            if let Some(reason) = &s.data.unrendered {
                out.push(format!("{}: {reason}", s.label));
            }
        }
        out
    }

    fn opaque_reasons_but_unrendered(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.sources {
            if let Some(reason) = &s.undecryptable {
                out.push(format!("{}: {reason}", s.label));
            }
            for o in &s.data.opaque {
                out.push(format!("{}: {o}", s.label));
            }
        }
        out
    }
}

/// Environment names that convention maps to files and vault environments (`prod` and
/// `production` are one).
pub fn canonical(name: &str) -> &str {
    match name.to_ascii_lowercase().as_str() {
        "prod" | "production" => "production",
        "stage" | "staging" => "staging",
        "dev" | "development" => "development",
        "test" | "testing" => "test",
        _ => name,
    }
}

/// The environment a mistyped `name` most likely meant: a configured environment or alias, or
/// a conventional one whose files exist, at most two edits away.
fn suggest(name: &str, loaded: &Loaded, root: &Path) -> Option<String> {
    let mut candidates: Vec<String> = Vec::new();
    for (key, env) in &loaded.config.environments {
        candidates.push(key.clone());
        candidates.extend(env.aliases.iter().cloned());
    }
    for conventional in [
        "prod",
        "production",
        "staging",
        "stage",
        "dev",
        "development",
        "test",
    ] {
        if convention_files(conventional)
            .iter()
            .any(|f| root.join(f).exists())
        {
            candidates.push(conventional.to_string());
        }
    }
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, &c), c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min()
        .map(|(_, c)| c)
}

/// The profiles an environment runs when its configuration does not say.
fn default_profiles(name: &str) -> Vec<String> {
    let canon = canonical(name);
    match canon {
        "production" | "staging" | "development" | "test" | "local" => vec![canon.to_string()],
        _ => Vec::new(),
    }
}

/// Convention file names for an environment.
pub(crate) fn convention_files(name: &str) -> Vec<String> {
    let canon = canonical(name);
    let mut names = vec![format!(".env.{canon}")];
    match canon {
        "production" => names.push(".env.prod".to_string()),
        "staging" => names.push(".env.stage".to_string()),
        "development" => names.push(".env.dev".to_string()),
        _ => {}
    }
    if name != canon {
        names.push(format!(".env.{name}"));
    }
    names.dedup();
    names
}

/// A `--source KIND:PATH` argument.
pub fn parse_source_arg(arg: &str) -> anyhow::Result<SourceTable> {
    if arg == "env" {
        return Ok(SourceTable {
            env: Some(true),
            ..SourceTable::default()
        });
    }
    // the argument is not repeated in errors: a value typed into it would be printed
    let Some((kind, rest)) = arg.split_once(':') else {
        bail!("--source: expected KIND:PATH ({KINDS}) or `env`");
    };
    // `PATH#selector` picks the vault environment, the container or the compose service
    let (path, selector) = match rest.split_once('#') {
        Some((p, s)) => (p.to_string(), Some(s.to_string())),
        None => (rest.to_string(), None),
    };
    let mut t = SourceTable::default();
    match kind {
        "dotenv" => t.dotenv = Some(path),
        "vault" => {
            t.vault = Some(path);
            t.environment = selector;
        }
        "kubernetes" | "k8s" => {
            t.kubernetes = Some(path);
            t.container = selector;
        }
        "compose" => {
            t.compose = Some(path);
            t.service = selector;
        }
        "json" => t.json = Some(path),
        "ecs" => {
            t.ecs = Some(path);
            t.container = selector;
        }
        "gitlab" => {
            t.gitlab = Some(path);
            t.scope = selector;
        }
        "render" => {
            t.render = Some(path);
            t.service = selector;
        }
        "ssm" => {
            t.ssm = Some(path);
            t.prefix = selector;
        }
        "github" | "fly" | "infisical" | "vault-kv" => {
            if selector.is_some() {
                bail!("--source: a `{kind}` source takes no `#` selector");
            }
            match kind {
                "github" => t.github = Some(path),
                "fly" => t.fly = Some(path),
                "infisical" => t.infisical = Some(path),
                _ => t.vault_kv = Some(path),
            }
        }
        "names" => {
            t.names = Some(
                rest.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        }
        other => {
            let shown = if other.len() <= 20 && other.bytes().all(|b| b.is_ascii_alphanumeric()) {
                format!(" `{other}`")
            } else {
                String::new()
            };
            bail!("--source: unknown kind{shown} ({KINDS}, env)")
        }
    }
    Ok(t)
}

/// Where relative paths of the target resolve, how they are shown, and whether they must stay
/// in the repository.
pub struct Paths<'a> {
    /// The directory the configuration's paths are relative to.
    pub base: &'a Path,
    /// Shows a path relative to the project root.
    pub display: &'a dyn Fn(&Path) -> String,
    /// The repository the paths must stay in.
    pub repo: &'a Boundary,
    /// The configuration file that names these paths and the key that holds them
    /// (`[environments.prod] sources`); `None` for paths from the command line.
    pub named_by: Option<(&'a Path, String)>,
}

impl Paths<'_> {
    /// `p` joined to the base; a path the configuration names must resolve inside the
    /// repository (unless the configuration itself lies outside it).
    fn resolve(&self, p: &str) -> anyhow::Result<PathBuf> {
        let path = self.base.join(p);
        if let Some((config, key)) = &self.named_by {
            self.repo
                .require_inside_if_named_here(&path, config, || format!("{key}: `{p}`"))
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}",
                        (self.display)(config),
                        e.hint("give a file outside the repository on the command line with --source KIND:PATH")
                    )
                })?;
        }
        Ok(path)
    }

    /// The boundary matched files of a glob must stay in: `None` for a glob from the command
    /// line or from a configuration outside the repository.
    fn glob_boundary(&self) -> Option<&Boundary> {
        let (config, _) = self.named_by.as_ref()?;
        self.repo.contains(config).then_some(self.repo)
    }
}

/// Loads the target named `name`: configured sources (or convention), then `extra`.
pub fn load(
    name: &str,
    loaded: &Loaded,
    root: &Path,
    extra: &[SourceTable],
    display: &dyn Fn(&Path) -> String,
    stdin: &mut dyn Read,
) -> anyhow::Result<Target> {
    let place = Place {
        repo: Boundary::for_project(root, loaded.path.as_deref()),
        cwd: PathBuf::from("."),
        revision: None,
    };
    load_in(name, loaded, root, extra, display, stdin, &place)
}

/// A base revision's tree (`--base REF`), as [`crate::commands::Workspace::at_revision`] wrote
/// it, with the files the target reads there.
pub struct Revision<'a> {
    /// The repository top of the working tree.
    pub top: &'a Path,
    /// The temporary directory the revision was written into, laid out as the repository.
    pub tree: &'a Path,
    /// The same target read now: its sources outside the repository (standard input, the
    /// process environment) are the same at both revisions and are taken from it.
    pub head: &'a Target,
}

/// Loads the target named `name` as it was at a base revision: the same sources (the
/// configuration is the working tree's, placed in the revision's tree as `loaded` says), each
/// read from the revision's tree. A source the revision does not have (a file added since, a
/// glob that matched nothing, a vault environment added since) is absent there, not an error,
/// and a target with no source at all at the revision provides nothing. `--source` paths are read
/// at the revision when they lie in the repository, else as given; standard input and the
/// process environment are [`Revision::head`]'s.
pub fn load_at_revision(
    name: &str,
    loaded: &Loaded,
    root: &Path,
    extra: &[SourceTable],
    display: &dyn Fn(&Path) -> String,
    revision: Revision,
) -> anyhow::Result<Target> {
    let cwd = std::env::current_dir().context("the current directory")?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let extra: Vec<SourceTable> = extra
        .iter()
        .map(|t| at_revision_paths(t, &cwd, revision.top, revision.tree))
        .collect();
    let place = Place {
        repo: Boundary::at(revision.tree),
        cwd: match cwd.strip_prefix(revision.top) {
            Ok(rel) => revision.tree.join(rel),
            Err(_) => cwd,
        },
        revision: Some(revision),
    };
    load_in(
        name,
        loaded,
        root,
        &extra,
        display,
        &mut std::io::empty(),
        &place,
    )
}

/// A `--source` path as read at a base revision, where such paths resolve from the current
/// directory's place in the revision's tree: inside the repository it stays as it is (an
/// absolute one moves into the tree); elsewhere it becomes the file as given, absolute. Lexical:
/// a path that climbs with `..` is taken as given.
fn at_revision_path(p: &str, cwd: &Path, top: &Path, tree: &Path) -> String {
    let path = Path::new(p);
    let climbs = path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir));
    let absolute = cwd.join(path);
    match absolute.strip_prefix(top) {
        _ if p == "-" => p.to_string(),
        Ok(_) if !climbs && path.is_relative() => p.to_string(),
        Ok(rel) if !climbs => tree.join(rel).to_string_lossy().into_owned(),
        _ => absolute.to_string_lossy().into_owned(),
    }
}

fn at_revision_paths(t: &SourceTable, cwd: &Path, top: &Path, tree: &Path) -> SourceTable {
    let map = |p: &Option<String>| p.as_deref().map(|p| at_revision_path(p, cwd, top, tree));
    SourceTable {
        dotenv: map(&t.dotenv),
        vault: map(&t.vault),
        kubernetes: map(&t.kubernetes),
        compose: map(&t.compose),
        json: map(&t.json),
        ..clone_table(t)
    }
}

/// The files of the repository the targets `heads` read, as globs over paths relative to the
/// repository top `top`: what must be written into a base revision's tree, besides the env files
/// a scan already needs, for [`load_at_revision`] to read the same sources there. Those are the
/// paths and Kubernetes globs the configuration names for each environment, the `--source`
/// paths given from `cwd` that lie in the repository, and every file the targets read now (a
/// compose file's `env_file` entries). A few globs; matching is linear in each path.
pub fn revision_files(
    loaded: &Loaded,
    top: &Path,
    cwd: &Path,
    extra: &[SourceTable],
    heads: &[Target],
) -> anyhow::Result<globset::GlobSet> {
    // each glob once: every name of a source repeats its file
    let mut globs: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut add = |dir: &Path, pattern: &str, literal: bool| -> anyhow::Result<()> {
        if pattern == "-" {
            return Ok(());
        }
        let Some(rel) = repository_relative(top, &dir.join(pattern)) else {
            return Ok(());
        };
        let glob = if literal { globset::escape(&rel) } else { rel };
        if !globs.contains(&glob) {
            globset::Glob::new(&glob).with_context(|| format!("source `{pattern}`"))?;
            globs.insert(glob);
        }
        Ok(())
    };
    let mut tables: Vec<(PathBuf, &SourceTable)> = Vec::new();
    let config_dir = loaded.dir().map(Path::to_path_buf).unwrap_or_default();
    let config_dir = config_dir.canonicalize().unwrap_or(config_dir);
    for head in heads {
        if let Some(env) = loaded.config.environments.get(&head.name) {
            for spec in &env.sources {
                match spec {
                    SourceSpec::Path(p) => add(&config_dir, p, true)?,
                    SourceSpec::Table(t) => tables.push((config_dir.clone(), t)),
                }
            }
        }
        for source in &head.sources {
            for file in
                std::iter::once(&source.path).chain(source.data.provided.iter().map(|p| &p.path))
            {
                if !file.is_empty() && !file.starts_with('<') {
                    add(top, file, true)?;
                }
            }
        }
    }
    tables.extend(extra.iter().map(|t| (cwd.to_path_buf(), t)));
    for (dir, t) in tables {
        for p in [&t.dotenv, &t.vault, &t.compose, &t.json, &t.env_file]
            .into_iter()
            .flatten()
        {
            add(&dir, p, true)?;
        }
        if let Some((_, p, _)) = platform(t) {
            add(&dir, p, true)?;
        }
        if let Some(pattern) = &t.kubernetes {
            add(&dir, pattern, false)?;
        }
    }
    let mut set = globset::GlobSetBuilder::new();
    for glob in &globs {
        set.add(globset::Glob::new(glob).context("a source of the target")?);
    }
    set.build()
        .context("the files of the target at the base revision")
}

/// `path` relative to `top` with `/`, `.` and `..` resolved lexically; `None` outside it.
fn repository_relative(top: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(top).ok()?;
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Where a target is read: the repository its paths must stay in, and at a base revision, the
/// revision.
struct Place<'a> {
    repo: Boundary,
    /// Where `--source` paths resolve from.
    cwd: PathBuf,
    revision: Option<Revision<'a>>,
}

impl Place<'_> {
    /// At a base revision, the target read now.
    fn head(&self) -> Option<&Target> {
        self.revision.as_ref().map(|r| r.head)
    }
}

fn load_in(
    name: &str,
    loaded: &Loaded,
    root: &Path,
    extra: &[SourceTable],
    display: &dyn Fn(&Path) -> String,
    stdin: &mut dyn Read,
    place: &Place,
) -> anyhow::Result<Target> {
    let stdin = &mut OnceStdin {
        inner: stdin,
        done: false,
    };
    // one budget for every source of the run: a file listed many times cannot multiply the work
    let budget = &mut sources::Budget::default();
    let config_dir = loaded.dir().unwrap_or(root);
    let repo = place.repo.clone();
    let head = place.head();
    let matching: Vec<_> = loaded
        .config
        .environments
        .iter()
        .filter(|(key, env)| key.as_str() == name || env.aliases.iter().any(|a| a == name))
        .collect();
    // the environment's own name wins; an alias two environments share names neither
    let configured = match matching.iter().find(|(key, _)| key.as_str() == name) {
        Some(exact) => Some(*exact),
        None if matching.len() > 1 => {
            let names: Vec<&str> = matching.iter().map(|(k, _)| k.as_str()).collect();
            bail!(
                "`{name}` is an alias of several environments ({}); use the environment's own name",
                names.join(", ")
            );
        }
        None => matching.first().copied(),
    };
    let mut sources = Vec::new();
    let target_name;
    let env_name_for_keys;
    let profiles;
    match configured {
        Some((key, env)) => {
            target_name = key.clone();
            profiles = match &env.profiles {
                Some(list) => list.iter().map(|p| canonical(p).to_string()).collect(),
                None => default_profiles(key),
            };
            env_name_for_keys = canonical(key).to_string();
            let paths = Paths {
                base: config_dir,
                display,
                repo: &repo,
                named_by: loaded
                    .path
                    .as_deref()
                    .map(|p| (p, format!("[environments.{key}] sources"))),
            };
            for spec in &env.sources {
                let table = match spec {
                    SourceSpec::Path(p) => SourceTable {
                        dotenv: Some(p.clone()),
                        ..SourceTable::default()
                    },
                    SourceSpec::Table(t) => clone_table(t),
                };
                sources.extend(load_table(
                    &table,
                    &env_name_for_keys,
                    &paths,
                    stdin,
                    budget,
                    head,
                )?);
            }
        }
        None => {
            target_name = name.to_string();
            profiles = default_profiles(name);
            env_name_for_keys = canonical(name).to_string();
            // anything at a convention path counts: a dangling link or a directory there is an
            // error, not a file silently skipped (its variables would read as missing)
            let present = |path: &Path| path.symlink_metadata().is_ok();
            // a link at a convention path is the repository's: it must not lead out of it
            let inside = |path: &Path| {
                repo.require_inside(path, || format!("{}, a link,", display(path)))
                    .map_err(|e| {
                        anyhow::anyhow!(e.hint(
                            "give a file outside the repository on the command line with --source KIND:PATH"
                        ))
                    })
            };
            for file in convention_files(name) {
                let path = root.join(&file);
                if present(&path) {
                    inside(&path)?;
                    sources.push(load_dotenv(&path, display(&path), Bare::Unset, budget)?);
                }
            }
            let vault_path = root.join(".env.vault");
            if present(&vault_path) {
                inside(&vault_path)?;
                let text = read_text(&vault_path, display)?;
                // a vault that does not parse may hold this environment: an error, not skipped
                let file = dotenv::parse(&text);
                check_parse_errors(&file, &display(&vault_path))?;
                let entries = entries_of(&file);
                if vault::environments(&entries)
                    .iter()
                    .any(|e| e == &env_name_for_keys)
                {
                    sources.push(load_vault(
                        &vault_path,
                        display(&vault_path),
                        &entries,
                        &env_name_for_keys,
                        budget,
                    )?);
                }
            }
        }
    }
    let paths = Paths {
        base: &place.cwd,
        display,
        repo: &repo,
        named_by: None,
    };
    for table in extra {
        sources.extend(load_table(
            table,
            &env_name_for_keys,
            &paths,
            stdin,
            budget,
            head,
        )?);
    }
    // every name of every source passes the one name check before it can reach a report; a
    // value that only points at a secret manager is set, to nothing envcheck can see
    for source in &mut sources {
        sources::check_names(&source.label, &source.data).map_err(source_error)?;
        reference::mark_external(&mut source.data);
    }
    if sources.is_empty() && head.is_none() {
        // the environment forgotten: `envcheck diff examples/shop` takes the path for one
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            bail!(
                "`{name}` is a path, not an environment: the environment comes first, as in `envcheck diff prod {name}`"
            );
        }
        let suggestion = suggest(name, loaded, root)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        bail!(
            "environment `{name}` has no sources{suggestion}: none of {} exists; configure [environments.{name}] in envcheck.toml or pass --source KIND:PATH",
            convention_files(name).join(", ")
        );
    }
    Ok(Target {
        name: target_name,
        sources,
        profiles,
    })
}

fn clone_table(t: &SourceTable) -> SourceTable {
    t.clone()
}

/// The compose project's env file, which interpolation reads after the deploying shell: `env_file`
/// of the source when given (`docker compose --env-file`), else `.env` beside the compose file
/// (none when it does not exist). It is the repository's file when the compose file is.
fn project_env(
    compose_path: &Path,
    dir: &Path,
    given: Option<&str>,
    paths: &Paths,
) -> anyhow::Result<ProjectEnv> {
    let display = paths.display;
    let path = match given {
        Some(p) => paths.resolve(p)?,
        None => dir.join(".env"),
    };
    if given.is_none() && !path.is_file() {
        return Ok(ProjectEnv::default());
    }
    paths
        .repo
        .require_inside_if_named_here(&path, compose_path, || {
            format!("the project env file `{}`", display(&path))
        })
        .map_err(|e| anyhow::anyhow!("{}: {e}", display(compose_path)))?;
    let text = read_text(&path, display)?;
    let file = dotenv::parse(&text);
    check_parse_errors(&file, &display(&path))?;
    Ok(ProjectEnv::new(entries_of(&file)))
}

/// The directory `pattern` names when it is a Helm chart (a directory with a `Chart.yaml`).
fn chart_dir(paths: &Paths, pattern: &str) -> anyhow::Result<Option<PathBuf>> {
    if pattern.contains(['*', '?', '[', '{']) {
        return Ok(None);
    }
    let dir = paths.base.join(pattern);
    if !dir.is_dir() || !dir.join("Chart.yaml").is_file() {
        return Ok(None);
    }
    if let Some(repo) = paths.glob_boundary() {
        repo.require_inside(&dir, || format!("kubernetes source `{pattern}`"))
            .map_err(|e| anyhow::anyhow!(e.hint("give a chart outside the repository on the command line with --source KIND:PATH")))?;
    }
    Ok(Some(dir))
}

/// The platform or secret-store kind a table names: `(kind, path, selector)`.
fn platform(table: &SourceTable) -> Option<(&'static str, &str, Option<&str>)> {
    let kinds: [(&'static str, &Option<String>, Option<&str>); 8] = [
        ("ecs", &table.ecs, table.container.as_deref()),
        ("github", &table.github, None),
        ("gitlab", &table.gitlab, table.scope.as_deref()),
        ("fly", &table.fly, None),
        ("render", &table.render, table.service.as_deref()),
        ("ssm", &table.ssm, table.prefix.as_deref()),
        ("infisical", &table.infisical, None),
        ("vault-kv", &table.vault_kv, None),
    ];
    kinds
        .into_iter()
        .find_map(|(kind, path, selector)| path.as_deref().map(|p| (kind, p, selector)))
}

/// Reads the text of a platform or secret-store export with its kind's reader.
fn read_platform(
    kind: &str,
    shown: &str,
    text: &str,
    selector: Option<&str>,
) -> Result<SourceData, SourceError> {
    match kind {
        "ecs" => ecs::read(shown, text, selector),
        "github" => github::read(shown, text),
        "gitlab" => gitlab::read(shown, text, selector),
        "fly" => fly::read(shown, text),
        "render" => render::read(shown, text, selector),
        "ssm" => ssm::read(shown, text, selector),
        "infisical" => infisical::read(shown, text),
        _ => vault_kv::read(shown, text),
    }
}

fn read_text(path: &Path, display: &dyn Fn(&Path) -> String) -> anyhow::Result<String> {
    let bytes = crate::walk::read_file(path).with_context(|| display(path))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not valid UTF-8", display(path)))
}

fn entries_of(file: &dotenv::DotenvFile) -> Vec<(String, Secret)> {
    file.entries
        .iter()
        .filter_map(|e| e.value.clone().map(|v| (e.key.clone(), v)))
        .collect()
}

/// Parse errors in a source make "missing" unprovable: they stop the run.
fn check_parse_errors(file: &dotenv::DotenvFile, path: &str) -> anyhow::Result<()> {
    if let Some(e) = file.errors.first() {
        bail!("{path}:{}:{}: {}", e.line, e.column, e.message);
    }
    Ok(())
}

/// The sources one table names. With `head` (at a base revision): a file the revision lacks is
/// no source, and standard input and the process environment are `head`'s sources.
fn load_table(
    table: &SourceTable,
    env_name: &str,
    paths: &Paths,
    stdin: &mut dyn Read,
    budget: &mut sources::Budget,
    head: Option<&Target>,
) -> anyhow::Result<Vec<LoadedSource>> {
    let set = [
        table.dotenv.is_some(),
        table.vault.is_some(),
        table.kubernetes.is_some(),
        table.compose.is_some(),
        table.json.is_some(),
        table.names.is_some(),
        table.env == Some(true),
        platform(table).is_some(),
    ];
    let platforms = [
        &table.ecs,
        &table.github,
        &table.gitlab,
        &table.fly,
        &table.render,
        &table.ssm,
        &table.infisical,
        &table.vault_kv,
    ];
    if set.iter().filter(|b| **b).count() != 1
        || platforms.iter().filter(|p| p.is_some()).count() > 1
    {
        bail!("a source must name exactly one of {KINDS}, env");
    }
    let display = paths.display;
    let resolve = |p: &str| paths.resolve(p);
    // at a base revision: a file the revision does not have is no source there
    let absent = |path: &Path| head.is_some() && path.symlink_metadata().is_err();
    // at a base revision: standard input and the process environment are the same as now
    let same_as_now = |wanted: &dyn Fn(&LoadedSource) -> bool| -> Vec<LoadedSource> {
        head.map(|h| h.sources.iter().filter(|s| wanted(s)).cloned().collect())
            .unwrap_or_default()
    };
    let from_stdin = |s: &LoadedSource| s.path == "<stdin>";
    if head.is_some()
        && [&table.dotenv, &table.json, &table.kubernetes]
            .iter()
            .any(|p| p.as_deref() == Some("-"))
    {
        return Ok(same_as_now(&from_stdin));
    }
    if head.is_some() && table.env == Some(true) {
        return Ok(same_as_now(&|s| s.kind == "env"));
    }
    if let Some(p) = &table.dotenv {
        if p == "-" {
            let text = read_stdin(stdin)?;
            let file = crate::check::parse_env_text(text.as_bytes());
            check_parse_errors(&file, "<stdin>")?;
            return Ok(vec![from_dotenv_file(
                &file,
                "<stdin>",
                "<stdin>",
                Bare::Unset,
                budget,
            )?]);
        }
        let path = resolve(p)?;
        if absent(&path) {
            return Ok(Vec::new());
        }
        return Ok(vec![load_dotenv(
            &path,
            display(&path),
            Bare::Unset,
            budget,
        )?]);
    }
    if let Some(p) = &table.vault {
        let path = resolve(p)?;
        if absent(&path) {
            return Ok(Vec::new());
        }
        let text = read_text(&path, display)?;
        let file = dotenv::parse(&text);
        check_parse_errors(&file, &display(&path))?;
        let entries = entries_of(&file);
        let env = table
            .environment
            .as_deref()
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| env_name.to_string());
        if head.is_some() && !vault::environments(&entries).contains(&env) {
            return Ok(Vec::new());
        }
        return Ok(vec![load_vault(
            &path,
            display(&path),
            &entries,
            &env,
            budget,
        )?]);
    }
    if let Some((kind, p, selector)) = platform(table) {
        if head.is_some() && p == "-" {
            return Ok(same_as_now(&from_stdin));
        }
        let (shown, text) = if p == "-" {
            ("<stdin>".to_string(), read_stdin(stdin)?)
        } else {
            let path = resolve(p)?;
            if absent(&path) {
                return Ok(Vec::new());
            }
            (display(&path), read_text(&path, display)?)
        };
        let data = read_platform(kind, &shown, &text, selector).map_err(source_error)?;
        let label = match selector {
            Some(s) => format!("{kind} {shown} [{s}]"),
            None => format!("{kind} {shown}"),
        };
        return Ok(vec![LoadedSource {
            label,
            kind,
            path: shown,
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if table.kubernetes.as_deref() == Some("-") {
        // rendered manifests piped in: `helm template ... | envcheck diff prod --source kubernetes:-`
        let texts = vec![("<stdin>".to_string(), read_stdin(stdin)?)];
        let data = kubernetes::read_within(&texts, table.container.as_deref(), budget)
            .map_err(source_error)?;
        let label = match &table.container {
            Some(c) => format!("kubernetes <stdin> [{c}]"),
            None => "kubernetes <stdin>".to_string(),
        };
        return Ok(vec![LoadedSource {
            label,
            kind: "kubernetes",
            path: "<stdin>".to_string(),
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if let Some(pattern) = &table.kubernetes
        && let Some(chart) = chart_dir(paths, pattern)?
    {
        // a chart, not manifests: nothing in it can be read before `helm template` renders it
        let shown = display(&chart);
        let data = SourceData {
            unrendered: Some(format!("{shown}: Helm chart, not rendered")),
            notices: vec![kubernetes::unrendered_notice("the Helm chart")],
            ..SourceData::default()
        };
        return Ok(vec![LoadedSource {
            label: format!("kubernetes {pattern}"),
            kind: "kubernetes",
            path: shown,
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if let Some(pattern) = &table.kubernetes {
        let files =
            glob_files(paths.base, pattern, paths.glob_boundary()).map_err(|e| {
                match &paths.named_by {
                    Some((config, key)) => anyhow::anyhow!("{}: {key}: {e:#}", display(config)),
                    None => e,
                }
            })?;
        if files.is_empty() {
            if head.is_some() {
                return Ok(Vec::new());
            }
            bail!("kubernetes source `{pattern}` matches no file");
        }
        let mut texts = Vec::new();
        for f in &files {
            texts.push((display(f), read_text(f, display)?));
        }
        let data = kubernetes::read_within(&texts, table.container.as_deref(), budget)
            .map_err(source_error)?;
        let label = match &table.container {
            Some(c) => format!("kubernetes {pattern} [{c}]"),
            None => format!("kubernetes {pattern}"),
        };
        return Ok(vec![LoadedSource {
            label,
            kind: "kubernetes",
            path: texts.first().map(|(p, _)| p.clone()).unwrap_or_default(),
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if let Some(p) = &table.compose {
        let path = resolve(p)?;
        if absent(&path) {
            return Ok(Vec::new());
        }
        let shown = display(&path);
        let text = read_text(&path, display)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let project_env = project_env(&path, dir, table.env_file.as_deref(), paths)?;
        let service = compose::read_with(&shown, &text, table.service.as_deref(), &project_env)
            .map_err(source_error)?;
        let mut data = SourceData::default();
        // env_file entries first (later files win), then `environment`, which beats them: one
        // entry per name, the one compose would apply (an empty `environment` value hides a
        // value from an env file)
        let mut merged: BTreeMap<String, Provided> = BTreeMap::new();
        for env_file in &service.env_files {
            if env_file.path.contains('$') {
                // the path comes from the deploying shell: which file is read is unknown
                data.opaque.push(format!(
                    "env_file {} of service `{}` is interpolated",
                    env_file.path, service.service
                ));
                continue;
            }
            let file_path = dir.join(&env_file.path);
            // the compose file names it: inside the repository, unless the compose file is the
            // user's own from outside it
            paths
                .repo
                .require_inside_if_named_here(&file_path, &path, || {
                    format!(
                        "env_file `{}` of service `{}`",
                        env_file.path, service.service
                    )
                })
                .map_err(|e| anyhow::anyhow!("{shown}:{}: {e}", env_file.line))?;
            if file_path.symlink_metadata().is_ok() && !file_path.is_file() {
                bail!(
                    "{shown}: env_file {} of service `{}` is not a readable file",
                    env_file.path,
                    service.service
                );
            }
            if !file_path.is_file() {
                // `required: false`: compose skips the file, and so does the check
                // at a base revision a file missing there is absent, as any other source file
                if env_file.required && head.is_none() {
                    // not committed: written at deploy time (from the example, a secret
                    // store), so what it sets is unknown, not an error
                    let reason = format!(
                        "env_file {} of service `{}` is not in the repository (written at deploy time?)",
                        env_file.path, service.service
                    );
                    data.notices.push(format!(
                        "{shown}:{}: {reason}; its names are unknown",
                        env_file.line
                    ));
                    data.opaque.push(reason);
                }
                continue;
            }
            let loaded = load_dotenv(&file_path, display(&file_path), Bare::FromShell, budget)?;
            // other services load this file too: what it sets may be theirs
            if !env_file.shared_with.is_empty() {
                data.used_elsewhere
                    .extend(loaded.data.provided.iter().map(|p| UsedElsewhere {
                        name: p.name.clone(),
                        path: p.path.clone(),
                    }));
            }
            data.used_elsewhere.extend(loaded.data.used_elsewhere);
            for p in loaded.data.provided {
                merged.insert(p.name.clone(), p);
            }
            data.opaque.extend(loaded.data.opaque);
            data.notices.extend(loaded.data.notices);
        }
        for p in service.data.provided {
            merged.insert(p.name.clone(), p);
        }
        data.provided = merged.into_values().collect();
        data.opaque.extend(service.data.opaque);
        data.notices.extend(service.data.notices);
        data.required = service.data.required;
        return Ok(vec![LoadedSource {
            label: format!("compose {shown} [{}]", service.service),
            kind: "compose",
            path: shown,
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if let Some(p) = &table.json {
        let (shown, text) = if p == "-" {
            ("<stdin>".to_string(), read_stdin(stdin)?)
        } else {
            let path = resolve(p)?;
            if absent(&path) {
                return Ok(Vec::new());
            }
            (display(&path), read_text(&path, display)?)
        };
        let data = json::read(&shown, &text).map_err(source_error)?;
        return Ok(vec![LoadedSource {
            label: shown.clone(),
            kind: "json",
            path: shown,
            data,
            undecryptable: None,
            report_unused: true,
        }]);
    }
    if let Some(names) = &table.names {
        if let Some(problem) = names.iter().find_map(|n| crate::sources::name_problem(n)) {
            bail!("a `names` source: an entry {problem}");
        }
        let provided = names
            .iter()
            .map(|n| Provided {
                name: n.clone(),
                state: ValueState::External,
                path: String::new(),
                line: 0,
            })
            .collect();
        return Ok(vec![LoadedSource {
            label: "declared names".to_string(),
            kind: "names",
            path: String::new(),
            data: SourceData {
                provided,
                ..SourceData::default()
            },
            undecryptable: None,
            report_unused: false,
        }]);
    }
    // the process environment of the job
    let data = sources::process_environment(std::env::vars_os());
    Ok(vec![LoadedSource {
        label: "<process environment>".to_string(),
        kind: "env",
        path: String::new(),
        data,
        undecryptable: None,
        report_unused: false,
    }])
}

fn source_error(e: sources::SourceError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Standard input, readable by one `-` source only: a second one would read nothing and report
/// everything it should provide as missing.
struct OnceStdin<'a> {
    inner: &'a mut dyn Read,
    done: bool,
}

impl Read for OnceStdin<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Err(std::io::Error::other(
                "it was already read by another `-` source; only one source can read it",
            ));
        }
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.done = true;
        }
        Ok(n)
    }
}

fn read_stdin(stdin: &mut dyn Read) -> anyhow::Result<String> {
    let max = crate::walk::MAX_INPUT_SIZE;
    let mut bytes = Vec::new();
    stdin
        .take(max + 1)
        .read_to_end(&mut bytes)
        .context("reading standard input")?;
    if bytes.len() as u64 > max {
        bail!(
            "standard input: larger than {} MiB, not read",
            max / (1024 * 1024)
        );
    }
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("standard input: not valid UTF-8"))
}

/// Files matching a glob relative to `base`, sorted. With `repo`, the glob is the repository's:
/// the directory it walks from, each link it would follow and each file it matches must resolve
/// inside the repository (an error otherwise, before anything outside is listed or read).
fn glob_files(base: &Path, pattern: &str, repo: Option<&Boundary>) -> anyhow::Result<Vec<PathBuf>> {
    // `./deploy/*.yaml` means `deploy/*.yaml`: matched paths are relative, without `./`
    let mut pattern = pattern;
    while let Some(rest) = pattern.strip_prefix("./") {
        pattern = rest;
    }
    let glob = globset::Glob::new(pattern)
        .with_context(|| format!("kubernetes source `{pattern}`"))?
        .compile_matcher();
    let inside = |path: &Path, what: &dyn Fn() -> String| -> anyhow::Result<()> {
        match repo {
            Some(repo) => repo.require_inside(path, what).map_err(|e| {
                anyhow::anyhow!(e.hint(
                    "give a file outside the repository on the command line with --source KIND:PATH"
                ))
            }),
            None => Ok(()),
        }
    };
    let literal = base.join(pattern);
    if literal.is_file() {
        inside(&literal, &|| format!("kubernetes source `{pattern}`"))?;
        return Ok(vec![literal]);
    }
    // walk from the longest directory prefix without glob characters
    let prefix: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| {
            !c.as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '[', '{'])
        })
        .collect();
    let start = base.join(&prefix);
    inside(&start, &|| format!("kubernetes source `{pattern}`"))?;
    let mut out = Vec::new();
    if !start.is_dir() {
        return Ok(out);
    }
    // links are followed (a manifest linked into the deploy directory is read; a loop is an
    // error the walk reports and skips); a dangling link matched by the glob is an error
    for entry in ignore::WalkBuilder::new(&start)
        .standard_filters(false)
        .follow_links(true)
        .build()
        .flatten()
    {
        let rel = entry.path().strip_prefix(base).ok();
        let matched = rel.is_some_and(|rel| glob.is_match(rel));
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        // the walk descends into a directory after yielding it: a link leading out of the
        // repository is refused here, before anything behind it is listed
        if entry.path_is_symlink() && (is_dir || matched) {
            let shown = rel.unwrap_or(entry.path()).display().to_string();
            inside(entry.path(), &|| format!("{shown}, a link,"))?;
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            if entry.path_is_symlink()
                && !entry.path().exists()
                && let Some(rel) = rel
                && matched
            {
                bail!("{}: a link to nothing", rel.display());
            }
            continue;
        }
        if matched {
            out.push(entry.path().to_path_buf());
        }
    }
    out.sort();
    Ok(out)
}

/// How a bare `KEY` line (no `=`) of an env file reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bare {
    /// Declared unset (dotenv): the key is not provided.
    Unset,
    /// Taken from the deploying shell (a compose `env_file`): may or may not be set.
    FromShell,
}

/// A dotenv file, plaintext or dotenvx-encrypted.
fn load_dotenv(
    path: &Path,
    shown: String,
    bare: Bare,
    budget: &mut sources::Budget,
) -> anyhow::Result<LoadedSource> {
    let bytes = crate::walk::read_file(path).with_context(|| shown.clone())?;
    let file = crate::check::parse_env_text(&bytes);
    check_parse_errors(&file, &shown)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or(".env");
    from_dotenv_file(&file, &shown, file_name, bare, budget)
}

/// Whether `raw` (a value as written) refers to a variable that is not among `keys` (the keys
/// the file defines): its value then comes from the environment of whoever loads the file
/// (dotenv-expand, compose), so what it expands to is unknown, not empty. Linear in `raw`: each
/// reference is one set lookup, however many entries the file has.
fn refers_outside(raw: &str, keys: &HashSet<&str>) -> bool {
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let name_start = rest.strip_prefix('{').unwrap_or(rest);
        let len = name_start
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(name_start.len());
        let name = &name_start[..len];
        if !name.is_empty() && !keys.contains(name) {
            return true;
        }
    }
    false
}

fn from_dotenv_file(
    file: &dotenv::DotenvFile,
    shown: &str,
    file_name: &str,
    bare: Bare,
    budget: &mut sources::Budget,
) -> anyhow::Result<LoadedSource> {
    let encrypted = file.entries.iter().any(|e| {
        e.value
            .as_ref()
            .is_some_and(|v| dotenvx::is_encrypted(v.expose()))
    });
    // dotenvx: the public key entry names the private key variable
    let public = file
        .entries
        .iter()
        .find(|e| e.key.starts_with("DOTENV_PUBLIC_KEY"));
    let key_name = public
        .and_then(|p| dotenvx::private_key_name_for_public(&p.key))
        .unwrap_or_else(|| dotenvx::private_key_name(file_name));
    let keys = if encrypted {
        match std::env::var(&key_name) {
            Ok(raw) if !raw.trim().is_empty() => Some(
                dotenvx::parse_private_keys(&raw)
                    .map_err(|e| anyhow::anyhow!("{shown}: {key_name}: {e}"))?,
            ),
            _ => None,
        }
    } else {
        None
    };
    if let (Some(keys), Some(public)) = (&keys, public) {
        let expected = public
            .value
            .as_ref()
            .map(|v| v.expose().trim().to_ascii_lowercase());
        if !keys
            .iter()
            .any(|k| Some(dotenvx::public_key_hex(k)) == expected)
        {
            bail!(
                "{shown}:{}: the private key in {key_name} does not match {} in the file",
                public.line,
                public.key
            );
        }
    }
    let (expanded, notices) = expand(file, budget);
    let defined: HashSet<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    let mut provided = Vec::new();
    for entry in &file.entries {
        if entry.key.starts_with("DOTENV_PUBLIC_KEY") {
            continue;
        }
        let state = match &entry.value {
            None if bare == Bare::FromShell => ValueState::PassThrough,
            None => continue,
            Some(v) if dotenvx::is_encrypted(v.expose()) => match &keys {
                Some(keys) => {
                    ValueState::Value(dotenvx::decrypt_value(v.expose(), keys).map_err(|e| {
                        anyhow::anyhow!(
                            "{shown}:{}: cannot decrypt `{}` with {key_name}: {e}",
                            entry.line,
                            entry.key
                        )
                    })?)
                }
                None => ValueState::Encrypted(v.clone()),
            },
            Some(v) => {
                let value = expanded
                    .get(&entry.key)
                    .cloned()
                    .unwrap_or_else(|| v.clone());
                let from_outside = value.is_empty()
                    && entry.quote != dotenv::Quote::Single
                    && entry
                        .raw
                        .as_ref()
                        .is_some_and(|raw| refers_outside(raw.expose(), &defined));
                if from_outside {
                    ValueState::PassThrough
                } else {
                    ValueState::Value(value)
                }
            }
        };
        provided.push(Provided {
            name: entry.key.clone(),
            state,
            path: shown.to_string(),
            line: entry.line,
        });
    }
    // a name another value interpolates is used by the file itself
    let used_elsewhere = dotenv::references(file)
        .into_iter()
        .map(|r| UsedElsewhere {
            name: r.name,
            path: shown.to_string(),
        })
        .collect();
    Ok(LoadedSource {
        label: shown.to_string(),
        kind: if encrypted { "dotenvx" } else { "dotenv" },
        path: shown.to_string(),
        data: SourceData {
            provided,
            notices,
            used_elsewhere,
            ..SourceData::default()
        },
        undecryptable: None,
        report_unused: true,
    })
}

/// The values of `file` with references resolved within the run's budget, and the notice to give
/// when the budget ran out.
fn expand(
    file: &dotenv::DotenvFile,
    budget: &mut sources::Budget,
) -> (BTreeMap<String, Secret>, Vec<String>) {
    let (values, cut) = dotenv::expand_within(file, &mut budget.expansion);
    let notices = if cut {
        vec![format!(
            "references in values add more than {} MiB over the run; the rest are kept as \
             written (names are all read; a value that would expand to empty reads as set)",
            sources::MAX_EXPANSION >> 20
        )]
    } else {
        Vec::new()
    };
    (values.into_iter().collect(), notices)
}

/// One environment of a `.env.vault`: decrypted with `DOTENV_KEY_<ENV>` or `DOTENV_KEY`, else
/// undecryptable (its names are unknowable without the key).
fn load_vault(
    path: &Path,
    shown: String,
    entries: &[(String, Secret)],
    environment: &str,
    budget: &mut sources::Budget,
) -> anyhow::Result<LoadedSource> {
    let label = format!("{shown} [{environment}]");
    let available = vault::environments(entries);
    if !available.iter().any(|e| e == environment) {
        bail!(
            "{shown}: the vault has no `{environment}` environment (it has: {})",
            if available.is_empty() {
                "none".to_string()
            } else {
                available.join(", ")
            }
        );
    }
    let _ = path;
    let specific = format!("DOTENV_KEY_{}", environment.to_ascii_uppercase());
    let raw = std::env::var(&specific)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (specific.clone(), v))
        .or_else(|| {
            std::env::var("DOTENV_KEY")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| ("DOTENV_KEY".to_string(), v))
        });
    let Some((var, raw)) = raw else {
        return Ok(LoadedSource {
            label,
            kind: "vault",
            path: shown,
            data: SourceData::default(),
            undecryptable: Some(format!(
                "neither {specific} nor DOTENV_KEY is set, so its names cannot be read"
            )),
            report_unused: true,
        });
    };
    let keys = vault::parse_dotenv_key(&raw).map_err(|e| anyhow::anyhow!("{var}: {e}"))?;
    let plaintext = vault::decrypt_environment(entries, environment, &keys)
        .map_err(|e| anyhow::anyhow!("{shown}: {environment}: {e} (key from {var})"))?;
    let file = crate::check::parse_env_text(plaintext.expose().as_bytes());
    check_parse_errors(&file, &format!("{label} (decrypted)"))?;
    let (expanded, notices) = expand(&file, budget);
    let provided = file
        .entries
        .iter()
        .filter(|e| e.value.is_some())
        .map(|e| Provided {
            name: e.key.clone(),
            state: ValueState::Value(expanded.get(&e.key).cloned().unwrap_or_default()),
            // lines of the decrypted text exist nowhere on disk: point at the vault file
            path: shown.clone(),
            line: 0,
        })
        .collect();
    Ok(LoadedSource {
        label,
        kind: "vault",
        path: shown,
        data: SourceData {
            provided,
            notices,
            ..SourceData::default()
        },
        undecryptable: None,
        report_unused: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convention_names() {
        assert_eq!(
            convention_files("prod"),
            vec![".env.production", ".env.prod"]
        );
        assert_eq!(
            convention_files("production"),
            vec![".env.production", ".env.prod"]
        );
        assert_eq!(convention_files("qa"), vec![".env.qa"]);
        assert_eq!(canonical("dev"), "development");
    }

    #[test]
    fn source_arguments() {
        assert_eq!(parse_source_arg("env").expect("env").env, Some(true));
        let t = parse_source_arg("vault:.env.vault#staging").expect("vault");
        assert_eq!(
            (t.vault.as_deref(), t.environment.as_deref()),
            (Some(".env.vault"), Some("staging"))
        );
        let t = parse_source_arg("compose:docker-compose.yml#web").expect("compose");
        assert_eq!(t.service.as_deref(), Some("web"));
        assert_eq!(
            parse_source_arg("names:A, B").expect("names").names,
            Some(vec!["A".to_string(), "B".to_string()])
        );
        assert!(parse_source_arg("yaml:x").is_err());
        assert!(parse_source_arg("nocolon").is_err());
    }
}
