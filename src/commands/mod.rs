//! One module per command: parse options into a run, call the library, write the report.

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

/// The project a command works on: its root, configuration and code inventory.
pub struct Workspace {
    /// The directory paths are shown relative to (the scanned directory).
    pub root: PathBuf,
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
}

impl Workspace {
    pub fn load(walk: &WalkArgs, config_path: Option<&Path>) -> anyhow::Result<Workspace> {
        let roots = existing_roots(&walk.paths)?;
        let loaded = config::load(config_path, &roots[0])?;
        let root = if roots.len() == 1 && roots[0].is_dir() {
            roots[0].clone()
        } else {
            PathBuf::from(".")
        };
        Self::scan(root, roots, loaded, walk)
    }

    /// Scans `roots` under `root` with the configuration `loaded`.
    pub fn scan(
        root: PathBuf,
        roots: Vec<PathBuf>,
        loaded: Loaded,
        walk: &WalkArgs,
    ) -> anyhow::Result<Workspace> {
        let repo = Boundary::for_project(&roots[0], loaded.path.as_deref());
        let cache = walk.cache(repo.root());
        Self::scan_cached(root, roots, loaded, walk, cache)
    }

    /// [`Workspace::scan`] with the result cache at `cache`.
    fn scan_cached(
        root: PathBuf,
        roots: Vec<PathBuf>,
        loaded: Loaded,
        walk: &WalkArgs,
        cache: Option<crate::cache::Location>,
    ) -> anyhow::Result<Workspace> {
        let config = &loaded.config;
        let base = loaded
            .dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.clone());
        let options = ScanOptions {
            walk: WalkOptions {
                include_tests: walk.include_tests || config.include_tests.unwrap_or(false),
                threads: walk.threads,
                include: config.include.clone(),
                exclude: config.exclude.clone(),
                glob_base: Some(base),
            },
            no_prefilter: false,
            cache: cache.clone(),
        };
        let inventory = crate::scan::scan(&roots, &options)?;
        let repo = Boundary::for_project(&roots[0], loaded.path.as_deref());
        Ok(Workspace {
            root,
            loaded,
            inventory,
            repo,
            all_tracked: false,
            revision: None,
            cache,
        })
    }

    /// The same project at a git revision: its files are read from git into `tree` (a temporary
    /// directory), scanned with this workspace's configuration. `extra` files of the working
    /// tree (an `--example` file) are read at the revision too.
    pub fn at_revision(
        &self,
        walk: &WalkArgs,
        rev: &str,
        tree: &Path,
        extra: &[&Path],
    ) -> anyhow::Result<Workspace> {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let top = crate::git::toplevel(&root)?;
        let top = top.canonicalize().unwrap_or(top);
        let prefix = root
            .strip_prefix(&top)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let commit = crate::git::resolve_commit(&top, rev)?;
        // the tree is laid out as the repository is: the scanned directory at the same place
        // under it, with the files a scan looks for above it (example file, ignore files)
        crate::git::materialize(&top, &commit, &prefix, tree)?;
        for file in extra {
            if let Some(rel) = file.canonicalize().ok().and_then(|f| {
                Some(
                    f.strip_prefix(&top)
                        .ok()?
                        .to_string_lossy()
                        .replace('\\', "/"),
                )
            }) {
                crate::git::materialize_file(&top, &commit, &rel, tree)?;
            }
        }
        let scanned = tree.join(&prefix);
        std::fs::create_dir_all(&scanned)?;
        // the configuration is HEAD's, placed where it would sit in the base tree, so that its
        // globs mean the same there
        let path = self.loaded.path.as_ref().and_then(|p| {
            let p = p.canonicalize().ok()?;
            Some(tree.join(p.strip_prefix(&top).ok()?))
        });
        let config = match &self.loaded.path {
            Some(p) => config::load(Some(p), tree)?.config,
            None => config::Config::default(),
        };
        let loaded = Loaded { config, path };
        // the work tree's cache: files unchanged since the revision are not parsed again
        let mut ws = Self::scan_cached(
            scanned.clone(),
            vec![scanned],
            loaded,
            walk,
            self.cache.clone(),
        )?;
        ws.repo = Boundary::at(tree);
        ws.all_tracked = true;
        ws.revision = Some((top, tree.to_path_buf()));
        Ok(ws)
    }

    /// The scanned directory relative to the configuration's directory, with `/`; `None` when
    /// there is no configuration file or the directory is not under it.
    pub fn root_from_config(&self) -> Option<String> {
        let dir = self.loaded.dir()?.canonicalize().ok()?;
        let root = self.root.canonicalize().ok()?;
        let rel = root.strip_prefix(&dir).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/")).filter(|r| !r.is_empty())
    }

    /// The rules' shared policy from this workspace's configuration.
    pub fn scope(&self) -> anyhow::Result<crate::rules::context::Scope> {
        let dir = self
            .loaded
            .dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        crate::rules::context::Scope::new(&self.loaded.config, &dir, self.root_from_config())
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
        let Some(found) = crate::check::find_example(&self.root, &self.repo) else {
            return Ok(None);
        };
        self.repo
            .require_inside(&found, || format!("{}, a link,", self.display(&found)))
            .map_err(|e| {
                anyhow::anyhow!(e.hint("name a file outside the repository with --example"))
            })?;
        Ok(Some(found))
    }

    /// `path` relative to the root, for display.
    pub fn display(&self, path: &Path) -> String {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        match abs.strip_prefix(&root) {
            Ok(_) => display_path(Some(&root), &abs),
            Err(_) => display_path(None, path),
        }
    }

    /// Every env file of the project, parsed, the example file marked; and their suppression
    /// comments.
    pub fn env_files(
        &self,
        example: Option<&Path>,
    ) -> anyhow::Result<(Vec<EnvFile>, Vec<Suppression>)> {
        let mut paths = walk::env_files(&self.root);
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
            git_tracked(&self.root)
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
