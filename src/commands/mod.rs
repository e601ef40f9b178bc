//! One module per command: parse options into a run, call the library, write the report.

pub mod apps;
pub mod check;
pub mod diff;
pub mod example;
pub mod rules;
pub mod scan;
pub mod sources;

use std::path::{Path, PathBuf};

use crate::boundary::Boundary;
use crate::check::{EnvFile, read_env_file};
use crate::cli::WalkArgs;
use crate::config::{self, Loaded};
use crate::model::Inventory;
use crate::scan::{ScanOptions, display_path};
use crate::suppress::{self, Suppression};
use crate::walk::{self, WalkOptions};

/// The paths to scan (`.` when none), each checked to exist.
pub fn existing_roots(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
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

/// The project a command works on: what was scanned, its configuration and code inventory.
pub struct Workspace {
    /// Absolute. Every path in a report is relative to it: the repository top (what GitHub,
    /// GitLab and SARIF consumers map), else the current directory, else the scanned directory
    /// when it lies outside the current one. A file is named the same whatever was scanned.
    pub base: PathBuf,
    /// The scanned paths, absolute: those given, and the workspace packages they depend on.
    pub roots: Vec<PathBuf>,
    /// The first scanned directory (or a scanned file's directory), absolute: where the searches
    /// for the configuration, the example file and convention env files start.
    pub primary: PathBuf,
    pub loaded: Loaded,
    pub inventory: Inventory,
    /// The repository: paths it names stay inside, searches for the example file stop at its
    /// root (for a base revision, the temporary tree).
    pub repo: Boundary,
    /// Every env file counts as committed (a tree read from git).
    pub all_tracked: bool,
    /// For a base revision: the repository top and the temporary tree it was read into.
    pub revision: Option<(PathBuf, PathBuf)>,
    /// The result cache, shared with the scan of a base revision.
    pub cache: Option<crate::cache::Location>,
    /// What the scan's walk met (the scan of a base revision reads unchanged files here).
    pub walked: crate::scan::Walked,
    /// Workspace packages scanned because a scanned app depends on them (among `roots`).
    pub packages: Vec<PathBuf>,
    /// Paths were named on the command line (not the current directory by default).
    pub named: bool,
    /// Directories of other apps below the scanned paths: neither their code nor their env
    /// files are this workspace's (see [`crate::apps`]).
    pub skip: Vec<PathBuf>,
    /// [`Workspace::scope`], made once: finding the consumers walks the whole repository.
    scope: std::sync::OnceLock<crate::rules::context::Scope>,
}

/// An absolute, canonical form of `path` (itself when it cannot be resolved).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// The directory of a scanned path: itself, or a file's directory.
fn directory_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| path.to_path_buf())
    }
}

/// The most bytes of a base revision's changed source files a scan takes from git in memory
/// ([`ReadElsewhere::given`]); beyond it they are written into the tree like any other file.
const GIVEN_BUDGET: usize = 32 << 20;

/// The files of a base revision that its scan does not read in its tree ([`borrowable`]).
struct ReadElsewhere {
    /// Paths relative to the top whose blob is the work tree's file.
    borrowed: Vec<String>,
    /// `(path in the tree, content)`: a source file changed since, its blob read from git.
    given: Vec<(PathBuf, Vec<u8>)>,
}

/// The files of a base revision's tree (`tree`, read from `revision`) that its scan reads
/// elsewhere than in the tree: the candidates ([`crate::git::Reuse`]) the base tree's walk would
/// meet as the work tree's did. That holds when every directory above the file has the same
/// ignore files in both trees (the walk's other rules, the configuration's globs and the
/// directory names, are the same in both; the base tree holds fewer files that could mark a
/// directory as a virtualenv); the work tree may also ignore by `.git/info/exclude`, which only
/// leaves more files to write. Such a file whose blob is the work tree's file (`reuse.taken`) is
/// read in the work tree; one changed since (`reuse.changed`) is read from git into memory, up
/// to [`GIVEN_BUDGET`] bytes in all. Any other candidate is written now, from git, with the
/// revision's ignore files above it, and so is every source file written before (they are
/// written nowhere else). The revision's ignore files are `reuse.ignore_files`, and in a
/// directory under `roots` the work tree has the ignore files its walk met (`walked`): only
/// where either has one is the work tree's read and compared with the blob.
fn borrowable(
    revision: &crate::git::Revision,
    tree: &Path,
    reuse: crate::git::Reuse<'_>,
    walked: (&[PathBuf], &std::collections::HashSet<PathBuf>),
) -> anyhow::Result<ReadElsewhere> {
    let (roots, work_ignore_files) = walked;
    let top = &absolute(revision.top());
    let crate::git::Reuse {
        mut taken,
        mut changed,
        written: written_before,
        ignore_files,
        ..
    } = reuse;
    taken.sort();
    taken.dedup();
    changed.sort();
    changed.dedup();
    let mut same_dirs: std::collections::HashMap<String, bool> = Default::default();
    let mut same_ignore_files = |dir: &str| -> bool {
        if let Some(same) = same_dirs.get(dir) {
            return *same;
        }
        *same_dirs.entry(dir.to_string()).or_insert_with(|| {
            crate::scan::IGNORE_FILES.iter().all(|name| {
                let path = if dir.is_empty() {
                    (*name).to_string()
                } else {
                    format!("{dir}/{name}")
                };
                let (in_tree, in_work) = (ignore_files.get(&path), top.join(&path));
                // in a directory the walk entered, it met every ignore file there is
                let entered = roots.iter().any(|root| top.join(dir).starts_with(root));
                if in_tree.is_none() && entered && !work_ignore_files.contains(&in_work) {
                    return true;
                }
                match (in_tree, std::fs::read(in_work).ok()) {
                    (None, None) => true,
                    (Some(id), Some(data)) => revision.is_blob(*id, &data),
                    _ => false,
                }
            })
        })
    };
    // sorted: the files of a directory come together, and share its answer
    let mut last: Option<(String, bool)> = None;
    let mut walked_the_same = |path: &str| -> bool {
        let dir = path.rfind('/').map_or("", |at| &path[..at]);
        match &last {
            Some((last_dir, same)) if last_dir == dir => *same,
            _ => {
                let mut dirs =
                    std::iter::once("").chain(path.match_indices('/').map(|(at, _)| &path[..at]));
                let same = dirs.all(&mut same_ignore_files);
                last = Some((dir.to_string(), same));
                same
            }
        }
    };
    let mut read = ReadElsewhere {
        borrowed: Vec::with_capacity(taken.len()),
        given: Vec::new(),
    };
    let mut written: Vec<&str> = Vec::new();
    for path in &taken {
        if walked_the_same(path) {
            read.borrowed.push(path.clone());
        } else {
            written.push(path);
        }
    }
    let mut budget = GIVEN_BUDGET;
    let mut written_changed = Vec::new();
    for (path, id) in &changed {
        if walked_the_same(path)
            && let Some(text) = revision.source_text(*id, path, budget)?
        {
            budget -= text.len();
            read.given.push((tree.join(path), text));
        } else {
            written_changed.push((path.as_str(), *id));
        }
    }
    revision.materialize_files(&written, tree)?;
    revision.write_blobs(&written_changed, tree)?;
    // the walk of the tree meets the source files written there: the revision's ignore files
    // above them decide which it scans, as they would in the revision
    let sources: Vec<&str> = written_before
        .iter()
        .map(String::as_str)
        .filter(|path| crate::lang::Language::from_path(Path::new(path)).is_some())
        .chain(written)
        .chain(written_changed.iter().map(|(path, _)| *path))
        .collect();
    revision.materialize_ignore_files(&ignore_files, &sources, tree)?;
    Ok(read)
}

/// A workspace at a base revision ([`Workspace::at_base`]), with the revision it was read from
/// (the targets read theirs there too) and the temporary tree that holds its files, removed when
/// this is dropped.
pub struct BaseWorkspace {
    pub ws: Workspace,
    pub revision: crate::git::Revision,
    _tree: tempfile::TempDir,
}

/// Where report paths are relative to (see [`Workspace::base`]).
fn display_base(primary: &Path, roots: &[PathBuf]) -> PathBuf {
    if let Some(top) = crate::boundary::repository_top(primary) {
        return absolute(&top);
    }
    let cwd = std::env::current_dir().map(|d| absolute(&d)).ok();
    match cwd {
        Some(cwd) if roots.iter().all(|r| r.starts_with(&cwd)) => cwd,
        _ => primary.to_path_buf(),
    }
}

/// The environments of `diff` and `sources`: `staging,prod` names two. `--source` (`sources`
/// given) adds to one environment only.
pub(crate) fn environment_names(arg: &str, sources: bool) -> anyhow::Result<Vec<&str>> {
    let names: Vec<&str> = arg
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        anyhow::bail!("no environment given");
    }
    if names.len() > 1 && sources {
        anyhow::bail!(
            "--source adds to one environment: with several ({}), configure each one's sources under [environments.<name>] in envcheck.toml",
            names.join(", ")
        );
    }
    Ok(names)
}

/// Adds `target` to the environments of a run; the same environment twice (by name or alias,
/// `prod,production`) is an error.
pub(crate) fn add_target(
    targets: &mut Vec<crate::target::Target>,
    target: crate::target::Target,
) -> anyhow::Result<()> {
    let canonical = crate::target::canonical(&target.name);
    if targets
        .iter()
        .any(|t| t.name == target.name || crate::target::canonical(&t.name) == canonical)
    {
        anyhow::bail!("environment `{}` is named twice", target.name);
    }
    targets.push(target);
    Ok(())
}

/// The notices of the targets' sources (an unrendered chart, a missing env file), on
/// standard error.
pub(crate) fn print_source_notices(
    targets: &[crate::target::Target],
    err: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for source in targets.iter().flat_map(|t| &t.sources) {
        for notice in &source.data.notices {
            writeln!(
                err,
                "envcheck: note: {}: {}",
                crate::report::printable(&source.label),
                crate::report::printable(notice)
            )?;
        }
    }
    Ok(())
}

/// How [`Workspace::scan_cached`] reads files besides the walk's settings.
struct HowToScan {
    /// The result cache, if any.
    cache: Option<crate::cache::Location>,
    /// Files of a base revision read in the work tree: (path in the base tree, work-tree path).
    borrowed: Vec<crate::scan::Borrowed>,
    /// Files of a base revision given by their content (changed since, read from git).
    given: Vec<crate::scan::Given>,
    /// Directories left out: the apps below this one.
    skip: Vec<PathBuf>,
}

impl Workspace {
    pub fn load(walk: &WalkArgs, config_path: Option<&Path>) -> anyhow::Result<Workspace> {
        let given = existing_roots(&walk.paths)?;
        let loaded = config::load(config_path, &given[0])?;
        let roots: Vec<PathBuf> = given.iter().map(|r| absolute(r)).collect();
        let mut ws = Self::load_roots(walk, roots, loaded, Vec::new())?;
        ws.named = !walk.paths.is_empty();
        Ok(ws)
    }

    /// One app of a run over several ([`crate::apps::plan`]): its paths and configuration, the
    /// apps below it left out.
    pub fn load_app(walk: &WalkArgs, app: crate::apps::App) -> anyhow::Result<Workspace> {
        let mut ws = Self::load_roots(walk, app.roots, app.loaded, app.skip)?;
        ws.named = app.named && !walk.paths.is_empty();
        Ok(ws)
    }

    fn load_roots(
        walk: &WalkArgs,
        mut roots: Vec<PathBuf>,
        loaded: Loaded,
        skip: Vec<PathBuf>,
    ) -> anyhow::Result<Workspace> {
        let primary = directory_of(&roots[0]);
        let repo = Boundary::for_project(&primary, loaded.path.as_deref());
        let base = display_base(&primary, &roots);
        // a JS/TS app's reads include those of the workspace packages it depends on
        let mut packages = Vec::new();
        if loaded.config.workspace_packages.unwrap_or(true) {
            for dir in crate::packages::dependencies(&roots, repo.root()) {
                if !roots.iter().any(|r| dir.starts_with(r)) {
                    packages.push(dir.clone());
                    roots.push(dir);
                }
            }
        }
        let mut ws = Self::scan(base, primary, roots, loaded, walk, skip)?;
        ws.repo = repo;
        ws.packages = packages;
        Ok(ws)
    }

    /// Scans `roots` with the configuration `loaded`; paths are shown relative to `base`.
    pub fn scan(
        base: PathBuf,
        primary: PathBuf,
        roots: Vec<PathBuf>,
        loaded: Loaded,
        walk: &WalkArgs,
        skip: Vec<PathBuf>,
    ) -> anyhow::Result<Workspace> {
        let repo = Boundary::for_project(&primary, loaded.path.as_deref());
        let cache = walk.cache(repo.root());
        let how = HowToScan {
            cache,
            borrowed: Vec::new(),
            given: Vec::new(),
            skip,
        };
        Self::scan_cached(base, primary, roots, loaded, walk, how)
    }

    /// [`Workspace::scan`] with the result cache at `cache`.
    fn scan_cached(
        base: PathBuf,
        primary: PathBuf,
        roots: Vec<PathBuf>,
        loaded: Loaded,
        walk: &WalkArgs,
        how: HowToScan,
    ) -> anyhow::Result<Workspace> {
        let HowToScan {
            cache,
            borrowed,
            given,
            skip,
        } = how;
        let config = &loaded.config;
        let glob_base = loaded
            .dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| primary.clone());
        let options = ScanOptions {
            walk: WalkOptions {
                include_tests: walk.include_tests || config.include_tests.unwrap_or(false),
                threads: walk.threads,
                include: config.include.clone(),
                exclude: config.exclude.clone(),
                glob_base: Some(glob_base),
                skip: skip.clone(),
            },
            no_prefilter: false,
            cache: cache.clone(),
            display_base: Some(base.clone()),
            borrowed,
            given,
        };
        let (inventory, walked) = crate::scan::scan_walked(&roots, &options)?;
        let repo = Boundary::for_project(&primary, loaded.path.as_deref());
        Ok(Workspace {
            base,
            roots,
            primary,
            loaded,
            inventory,
            repo,
            all_tracked: false,
            revision: None,
            cache,
            walked,
            packages: Vec::new(),
            named: false,
            skip,
            scope: std::sync::OnceLock::new(),
        })
    }

    /// The same project at the base revision `rev`, read into a temporary tree (see
    /// [`Workspace::at_revision`]); `extra` and `env_files` as there.
    pub fn at_base(
        &self,
        walk: &WalkArgs,
        rev: &str,
        extra: &[&Path],
        env_files: bool,
    ) -> anyhow::Result<BaseWorkspace> {
        let tree = tempfile::tempdir()?;
        let revision = crate::git::Revision::open(&self.primary, rev)?;
        let ws = self.at_revision(walk, &revision, tree.path(), extra, env_files)?;
        Ok(BaseWorkspace {
            ws,
            revision,
            _tree: tree,
        })
    }

    /// The same project at a git revision (`revision`, of the repository holding it), scanned
    /// with this workspace's configuration and shown as laid out under `tree` (a temporary
    /// directory). Its files are read where they are cheapest: in the work tree when the blob
    /// is the work tree's file, from git in memory when a walked file changed since, else
    /// written into `tree` ([`borrowable`]); after a small change the tree stays empty. `extra`
    /// files of the working tree (an `--example` file) are read at the revision too.
    /// `env_files`: the tree holds the revision's env files (the example file, the committed
    /// env files: what `check` reads); without, only what the scan reads.
    pub fn at_revision(
        &self,
        walk: &WalkArgs,
        revision: &crate::git::Revision,
        tree: &Path,
        extra: &[&Path],
        env_files: bool,
    ) -> anyhow::Result<Workspace> {
        let top = absolute(revision.top());
        let tree = absolute(tree);
        // the tree is laid out as the repository is: each scanned path at the same place under
        // it, with the files a scan looks for above them (example file, ignore files); one pass
        // over the revision per scanned path (a few: the app and its workspace packages). A
        // source file this workspace's scan walked is not written: the scan reads it in the work
        // tree, or its blob from memory (see `borrowable`).
        // the walked files by their paths relative to the top: the paths they are shown by
        // when those are relative to it (they are, in a repository); a name that is not UTF-8
        // is shown lossily, so such a file is not one
        let walked = if self.base == top {
            std::borrow::Cow::Borrowed(&self.walked.files)
        } else {
            let relative = |s: &Path| Some(s.strip_prefix(&top).ok()?.to_str()?.replace('\\', "/"));
            std::borrow::Cow::Owned(
                self.walked
                    .files
                    .values()
                    .filter_map(|f| Some((relative(&f.source)?, f.clone())))
                    .collect(),
            )
        };
        let walked = |path: &str| walked.get(path).filter(|f| f.source.to_str().is_some());
        let candidates = |path: &str| walked(path).map(|f| f.stat.map(|s| s.file_stat()));
        let mut reuse = crate::git::Reuse::new(&candidates);
        let mut roots = Vec::new();
        for root in &self.roots {
            let Ok(rel) = root.strip_prefix(&top) else {
                continue;
            };
            let prefix = rel.to_string_lossy().replace('\\', "/");
            if root.is_dir() {
                revision.materialize(&prefix, &tree, Some(&mut reuse), env_files)?;
                std::fs::create_dir_all(tree.join(rel))?;
            } else {
                revision.materialize_files(&[&prefix], &tree)?;
            }
            let at = tree.join(rel);
            if at.exists() {
                roots.push(at);
            }
        }
        for file in extra {
            if let Some(rel) = file.canonicalize().ok().and_then(|f| {
                Some(
                    f.strip_prefix(&top)
                        .ok()?
                        .to_string_lossy()
                        .replace('\\', "/"),
                )
            }) {
                revision.materialize_files(&[&rel], &tree)?;
            }
        }
        let elsewhere = borrowable(
            revision,
            &tree,
            reuse,
            (&self.roots, &self.walked.ignore_files),
        )?;
        // a borrowed file's content is the one this scan read there: what it made of it holds
        let borrowed = elsewhere
            .borrowed
            .into_iter()
            .filter_map(|shown| {
                let file = walked(&shown)?;
                Some(crate::scan::Borrowed {
                    read: file.source.clone(),
                    known: Some((file.outcome.clone(), file.stat)),
                    shown,
                })
            })
            .collect();
        let primary = match self.primary.strip_prefix(&top) {
            Ok(rel) => tree.join(rel),
            Err(_) => tree.clone(),
        };
        std::fs::create_dir_all(&primary)?;
        if roots.is_empty() {
            roots.push(primary.clone());
        }
        // the configuration is HEAD's, placed where it would sit in the base tree, so that its
        // globs mean the same there
        let path = self.loaded.path.as_ref().and_then(|p| {
            let p = p.canonicalize().ok()?;
            Some(tree.join(p.strip_prefix(&top).ok()?))
        });
        let config = match &self.loaded.path {
            Some(p) => config::load(Some(p), &tree)?.config,
            None => config::Config::default(),
        };
        let loaded = Loaded { config, path };
        let skip = self
            .skip
            .iter()
            .filter_map(|p| Some(tree.join(p.strip_prefix(&top).ok()?)))
            .collect();
        // the base tree's paths read as HEAD's: relative to its top; the work tree's cache
        // is shared, so files unchanged since the revision are not parsed again
        let how = HowToScan {
            cache: self.cache.clone(),
            borrowed,
            given: elsewhere
                .given
                .into_iter()
                .map(|(shown, text)| crate::scan::Given { shown, text })
                .collect(),
            skip,
        };
        let mut ws = Self::scan_cached(tree.clone(), primary, roots, loaded, walk, how)?;
        ws.repo = Boundary::at(&tree);
        ws.all_tracked = true;
        ws.packages = self
            .packages
            .iter()
            .filter_map(|p| Some(tree.join(p.strip_prefix(&top).ok()?)))
            .collect();
        ws.revision = Some((top, tree));
        ws.named = self.named;
        Ok(ws)
    }

    /// Whether the scan covers everything under `dir`: a scanned directory (one given, not a
    /// workspace package) holds it. Rules about keys nothing reads (ENV002, ENV104) need that,
    /// else a key read outside the scanned part would look unread.
    pub fn covers(&self, dir: &Path) -> bool {
        let dir = absolute(dir);
        self.roots
            .iter()
            .filter(|r| r.is_dir() && !self.packages.contains(r))
            .any(|r| dir.starts_with(r))
    }

    /// Notes about what was scanned besides the given paths, for standard error.
    pub fn print_notes(&self, err: &mut dyn std::io::Write) -> std::io::Result<()> {
        if !self.packages.is_empty() {
            let shown: Vec<String> = self.packages.iter().map(|p| self.display(p)).collect();
            writeln!(
                err,
                "envcheck: note: also scanned {} workspace package{} the scanned code depends on: {}",
                shown.len(),
                if shown.len() == 1 { "" } else { "s" },
                crate::report::printable(&shown.join(", "))
            )?;
        }
        Ok(())
    }

    /// How report paths (relative to [`Workspace::base`]) read relative to the configuration's
    /// directory, where its globs are relative to.
    pub fn config_relative(&self) -> crate::config::ConfigRelative {
        match self.loaded.dir() {
            Some(dir) => crate::config::ConfigRelative::new(&absolute(dir), &self.base),
            None => crate::config::ConfigRelative::default(),
        }
    }

    /// The rules' shared policy from this workspace's configuration, with what uses names
    /// besides the scanned code in the files of the repository.
    pub fn scope(&self) -> anyhow::Result<&crate::rules::context::Scope> {
        if let Some(scope) = self.scope.get() {
            return Ok(scope);
        }
        let dir = self
            .loaded
            .dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.primary.clone());
        let mut scope =
            crate::rules::context::Scope::new(&self.loaded.config, &dir, self.config_relative())?;
        scope.consumers = crate::consumers::Consumers::collect(self.repo.root(), &self.primary);
        Ok(self.scope.get_or_init(|| scope))
    }

    /// `path` of the working tree as it sits in this workspace: itself, or for a base revision,
    /// the same place in the revision's tree (`None` outside the repository).
    pub fn same_place(&self, path: &Path) -> Option<PathBuf> {
        match &self.revision {
            None => Some(path.to_path_buf()),
            Some((top, tree)) => {
                let path = path.canonicalize().ok()?;
                Some(tree.join(path.strip_prefix(top).ok()?))
            }
        }
    }

    /// The example file: `explicit`, else the one named in config, else the nearest one. The
    /// configuration's and the nearest one are the repository's say-so: they must resolve inside
    /// it (an error otherwise, before anything reads or writes them).
    pub fn example_path(&self, explicit: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
        if let Some(p) = explicit {
            return Ok(Some(p.to_path_buf()));
        }
        if let (Some(name), Some(config), Some(dir)) = (
            &self.loaded.config.example,
            self.loaded.path.as_deref(),
            self.loaded.dir(),
        ) {
            let path = dir.join(name);
            self.repo
                .require_inside_if_named_here(&path, config, || format!("`example = \"{name}\"`"))
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}",
                        config.display(),
                        e.hint("name a file outside the repository with --example")
                    )
                })?;
            return Ok(Some(path));
        }
        let Some(found) = crate::check::find_example(&self.primary, &self.repo) else {
            return Ok(None);
        };
        self.repo
            .require_inside(&found, || format!("{}, a link,", self.display(&found)))
            .map_err(|e| {
                anyhow::anyhow!(e.hint("name a file outside the repository with --example"))
            })?;
        Ok(Some(found))
    }

    /// `path` as reports name it: relative to [`Workspace::base`]. A link is named as the
    /// link, not as what it leads to.
    pub fn display(&self, path: &Path) -> String {
        let named = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => absolute(dir).join(name),
            _ => absolute(Path::new(".")).join(path),
        };
        display_path(Some(&self.base), &named)
    }

    /// The text of a file a report names (`path` relative to the base), for code frames.
    pub fn source(&self) -> impl Fn(&str) -> Option<String> + use<> {
        let base = self.base.clone();
        move |path: &str| crate::walk::read_for_report(&base.join(path))
    }

    /// Every env file of the project, parsed, the example file marked; and their suppression
    /// comments.
    pub fn env_files(
        &self,
        example: Option<&Path>,
    ) -> anyhow::Result<(Vec<EnvFile>, Vec<Suppression>)> {
        // the env files of what was scanned: each scanned directory (not a common ancestor of
        // several), and the example file wherever it is
        let mut paths = Vec::new();
        let given = self
            .roots
            .iter()
            .filter(|r| r.is_dir() && !self.packages.contains(r));
        for root in given {
            for path in walk::env_files_skipping(root, &self.skip) {
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
        // a link named like an env file is the repository's say-so: it must not lead out of it
        for path in &paths {
            self.repo
                .require_inside(path, || format!("{}, a link,", self.display(path)))?;
        }
        let example = example.map(|e| e.canonicalize().unwrap_or_else(|_| e.to_path_buf()));
        if let Some(e) = &example
            && !paths
                .iter()
                .any(|p| p.canonicalize().ok().as_ref() == Some(e))
        {
            paths.push(e.clone());
        }
        let tracked = if self.all_tracked {
            None
        } else {
            git_tracked(&self.base)
        };
        let mut files = Vec::new();
        let mut suppressions = Vec::new();
        for path in paths {
            let display = self.display(&path);
            let is_example = example.as_ref() == path.canonicalize().ok().as_ref();
            let is_tracked =
                self.all_tracked || tracked.as_ref().is_some_and(|t| t.contains(&display));
            let file = read_env_file(&path, display.clone(), is_tracked, is_example)?;
            if let Ok(bytes) = crate::walk::read_file(&path) {
                for c in suppress::find(&bytes, suppress::CommentStyle::EnvFile) {
                    suppressions.push(Suppression::new(&display, c, true));
                }
            }
            files.push(file);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((files, suppressions))
    }
}

/// Files tracked by git under `root`, relative to it; `None` outside a git checkout or when its
/// index cannot be read. Read in-process (see `crate::git`): no program runs.
fn git_tracked(root: &Path) -> Option<std::collections::BTreeSet<String>> {
    crate::git::tracked_files(root)
}
