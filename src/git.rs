//! Reading git without running it: which files are committed (for `check`), and a base
//! revision's tree (`--base REF`), read from the repository's index, refs and objects with
//! [gix](https://github.com/GitoxideLabs/gitoxide) inside this process.
//!
//! ## Why not the `git` program
//!
//! The repository is untrusted input, and `.git/config` is part of it (a cached or unpacked
//! checkout, a nested repository). Run as a program, git obeys it: `core.fsmonitor` runs a
//! command on `git ls-files`, and `core.hooksPath`, `core.pager`/`pager.*`, `diff.external`,
//! `filter.*` and `textconv` drivers, `core.sshCommand`, `credential.helper` and the lazy fetches
//! of a partial clone's promisor remote all name programs git may start; `include.path` makes it
//! read any file, `/dev/zero` or a FIFO included. gix reads the same files as data:
//!
//! - it has no hooks, no fsmonitor, no pager; filters and textconv belong to its `attributes`
//!   feature and transports to its network features, none of which is built here (Cargo.toml:
//!   `default-features = false`, only `index`, `sha1`, `revision`). Only the index, refs, packs
//!   and loose objects are read; no program is started.
//! - [`open_options`]: `Options::isolated()` reads no system, global or user configuration and
//!   no environment (`GIT_DIR`, `GIT_INDEX_FILE`, ...), and follows no `include`/`includeIf`.
//! - Every repository is opened with reduced trust ([`TrustPolicy::Assume`]), whoever owns it:
//!   the repository's own configuration is then not used for paths or programs (gix filters out
//!   its sections for those keys), and object sizes are bounded. Assuming the trust instead of
//!   deriving it from file ownership also means a checkout owned by another user (a CI
//!   container, where `safe.directory` may or may not be set) reads the same as one's own.
//! - Discovery looks for `.git` only, never for a bare repository, so committed files named
//!   `HEAD`, `objects/`, `refs/` are never read as one ([`discover_options`]).
//! - The few files gix reads whole on opening (`config`, `HEAD`, `index`, ...) may not be FIFOs
//!   or devices ([`only_regular_files`]): a FIFO there would block the run, `/dev/zero` never
//!   ends.
//!
//! ## Bounded work
//!
//! A base tree is read tree by tree with an explicit stack, each distinct tree once
//! ([`Trees`]). Trees are content-addressed, so a few objects can name the same subtree twice
//! per level and unfold to `2^depth` paths; before any path is walked, a tree that unfolds to
//! more paths than a constant plus a multiple of the entries read ([`unfold_limit`]) or nests
//! deeper than [`MAX_DEPTH`] is an error, so the walk is linear in the objects read.
//! Blobs are written one at a time, as they are; source files larger than the scan reads are
//! written as placeholders of their size, never read. The index is read by gix in one pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::discover::upwards::TrustPolicy;
use gix::sec::Trust;

use crate::lang::Language;
use crate::walk;

/// Errors of the git layer. Messages name the revision and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path} is not inside a git repository (--base needs one)")]
    NotARepository { path: String },
    #[error(
        "revision `{rev}` is not in this shallow clone: fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout) and try again"
    )]
    Shallow { rev: String },
    #[error(
        "revision `{rev}` is no branch or tag of this {clone}: check the name; a clone made by CI holds only the branches and tags it fetched (`git fetch --depth=1 origin <name>` fetches one)"
    )]
    NoSuchRef { rev: String, clone: &'static str },
    #[error("revision `{rev}` does not exist in this repository")]
    UnknownRevision { rev: String },
    #[error("reading git {what}: {message}")]
    Failed { what: &'static str, message: String },
    #[error(
        "{path} is not a regular file (a FIFO, socket or device): envcheck does not read the repository through it"
    )]
    NotRegular { path: String },
    #[error(
        "{path} (object {id}) is not in this repository; a partial clone (`--filter`) fetches such objects on demand, which envcheck never does: clone or fetch without a filter"
    )]
    MissingObject { path: String, id: String },
    #[error("the tree of commit {commit} {limit}; envcheck does not read it")]
    TooLarge { commit: String, limit: String },
    #[error("writing the base tree: {0}")]
    Io(#[from] std::io::Error),
}

/// Paths any base tree may unfold to, whatever its objects (see [`unfold_limit`]).
const MIN_UNFOLD: u64 = 1_000_000;

/// Paths per distinct tree entry a base tree may unfold to beyond [`MIN_UNFOLD`].
const UNFOLD_FACTOR: u64 = 4;

/// Directory levels a base tree may have (git itself refuses more than 2048 by default).
const MAX_DEPTH: usize = 2048;

/// The largest object (blob, tree) or index gix allocates memory for. Reduced trust defaults to
/// 16 MiB, which a large monorepo's index or a generated env file can exceed; an object header
/// that claims more than this is an error instead of an allocation.
const MAX_OBJECT_BYTES: u64 = 256 * 1024 * 1024;

fn missing(id: gix::ObjectId, path: &str) -> GitError {
    GitError::MissingObject {
        path: if path.is_empty() { "/" } else { path }.to_string(),
        id: id.to_string(),
    }
}

fn failed(what: &'static str, err: impl std::fmt::Display) -> GitError {
    GitError::Failed {
        what,
        message: err.to_string(),
    }
}

/// How every repository is opened: nothing outside it, nothing from the environment, no
/// includes; its configuration with reduced trust (see the module doc).
fn open_options() -> gix::open::Options {
    gix::open::Options::isolated()
        .lossy_config(true)
        .strict_config(false)
        .config_overrides([format!(
            "gitoxide.objects.allocLimitIfReducedTrust={MAX_OBJECT_BYTES}"
        )])
}

/// Discovery from a directory upwards, as `git rev-parse` does (`GIT_CEILING_DIRECTORIES` is
/// honoured; it belongs to whoever runs envcheck, not to the repository). Only `.git` is
/// looked for: a scanned directory is never taken for a bare repository, so a committed file
/// named `HEAD` (a symlink to `/dev/zero`, say) is never read as one.
fn discover_options() -> gix::discover::upwards::Options<'static> {
    gix::discover::upwards::Options {
        trust: TrustPolicy::Assume(Trust::Reduced),
        match_ceiling_dir_or_error: false,
        dot_git_only: true,
        ..Default::default()
    }
    .apply_environment()
}

/// The files gix reads whole when it opens a repository and its index. None may be a FIFO,
/// socket or device (a regular file or a symlink to one is fine): opening a FIFO blocks until
/// something writes to it, and `/dev/zero` never ends. Loose refs and objects are not checked
/// one by one: git never makes them special files, and no clone or checkout can.
fn only_regular_files(git_dir: &Path) -> Result<(), GitError> {
    const FILES: [&str; 8] = [
        "commondir",
        "gitdir",
        "config",
        "config.worktree",
        "HEAD",
        "index",
        "packed-refs",
        "shallow",
    ];
    let check = |path: PathBuf| match std::fs::metadata(&path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => Err(GitError::NotRegular {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    };
    let mut dirs = vec![git_dir.to_path_buf()];
    check(git_dir.join("commondir"))?;
    if let Some(Ok(common)) = gix::discover::path::from_plain_file(&git_dir.join("commondir")) {
        dirs.push(git_dir.join(common));
    }
    for dir in &dirs {
        for name in FILES {
            check(dir.join(name))?;
        }
    }
    Ok(())
}

/// The first `.git` at or above `dir`, as discovery meets it, checked with
/// [`only_regular_files`] before gix reads anything in it.
fn guard_upwards(dir: &Path) -> Result<(), GitError> {
    let Ok(dir) = dir.canonicalize() else {
        return Ok(());
    };
    for ancestor in dir.ancestors() {
        if let Ok(meta) = std::fs::metadata(ancestor.join(".git")) {
            return guard_dot_git(&ancestor.join(".git"), &meta);
        }
    }
    Ok(())
}

/// `.git` is a directory, or a regular file naming one (a linked worktree, a submodule).
fn guard_dot_git(dot_git: &Path, meta: &std::fs::Metadata) -> Result<(), GitError> {
    if meta.is_dir() {
        return only_regular_files(dot_git);
    }
    if !meta.is_file() {
        return Err(GitError::NotRegular {
            path: dot_git.display().to_string(),
        });
    }
    match gix::discover::path::from_gitdir_file(dot_git) {
        Ok(git_dir) => only_regular_files(&git_dir),
        // not a repository: discovery says so
        Err(_) => Ok(()),
    }
}

/// The repository holding `dir` (searching upwards for a `.git`), opened as the module doc
/// says.
fn discover(dir: &Path) -> Result<gix::Repository, GitError> {
    guard_upwards(dir)?;
    let trust = gix::sec::trust::Mapping {
        full: open_options(),
        reduced: open_options(),
    };
    let repo =
        gix::ThreadSafeRepository::discover_opts(dir, discover_options(), trust).map_err(|_| {
            GitError::NotARepository {
                path: dir.display().to_string(),
            }
        })?;
    Ok(repo.to_thread_local())
}

/// The repository whose work tree is exactly `dir`, for a checked-out submodule.
fn open_exactly(dir: &Path) -> Result<gix::Repository, GitError> {
    let dot_git = dir.join(".git");
    let meta = std::fs::metadata(&dot_git)?;
    guard_dot_git(&dot_git, &meta)?;
    let repo = open_options()
        .with(Trust::Reduced)
        .open(dir)
        .map_err(|e| failed("open", e))?;
    Ok(repo.to_thread_local())
}

/// The top directory of the repository holding `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let repo = discover(dir)?;
    repo.workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| GitError::NotARepository {
            path: dir.display().to_string(),
        })
}

/// The commit `rev` names; a clear error for a shallow clone that lacks it. A revision that
/// starts with `-` is refused (it would be an option to git, and is no name).
pub fn resolve_commit(dir: &Path, rev: &str) -> Result<String, GitError> {
    resolve_in(&discover(dir)?, rev)
}

fn resolve_in(repo: &gix::Repository, rev: &str) -> Result<String, GitError> {
    if rev.starts_with('-') {
        return Err(GitError::UnknownRevision {
            rev: rev.to_string(),
        });
    }
    let spec = format!("{rev}^{{commit}}");
    match repo.rev_parse_single(spec.as_str()) {
        Ok(id) => Ok(id.detach().to_string()),
        // a name alone (no `~`, `^`, `@`, `:`), not a commit id: more history would not bring it
        Err(_) if is_ref_name(rev) => Err(GitError::NoSuchRef {
            rev: rev.to_string(),
            clone: if repo.is_shallow().unwrap_or(false) {
                "shallow clone"
            } else {
                "repository"
            },
        }),
        Err(_) if repo.is_shallow().unwrap_or(false) => Err(GitError::Shallow {
            rev: rev.to_string(),
        }),
        Err(_) => Err(GitError::UnknownRevision {
            rev: rev.to_string(),
        }),
    }
}

/// Whether `rev` is a branch or tag name (or `origin/<branch>`) rather than a commit id or an
/// expression over history (`HEAD~2`, `main^`, `@{upstream}`).
fn is_ref_name(rev: &str) -> bool {
    let hex = rev.len() >= 4 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    !hex && rev != "HEAD"
        && !rev.is_empty()
        && rev
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
}

/// Files tracked under `root`, as paths relative to it with `/` (what `git ls-files` run in
/// `root` lists); `None` outside a work tree or when the index cannot be read.
pub fn tracked_files(root: &Path) -> Option<BTreeSet<String>> {
    let repo = discover(root).ok()?;
    let top = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let prefix = root.strip_prefix(&top).ok()?;
    let mut prefix = prefix.to_string_lossy().replace('\\', "/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    if !repo.index_path().exists() {
        return Some(BTreeSet::new());
    }
    let index = repo.open_index().ok()?;
    Some(
        index
            .entries()
            .iter()
            // a sparse index keeps whole directories outside the cone as one entry
            .filter(|entry| !entry.mode.is_sparse())
            .filter_map(|entry| {
                let path = entry.path(&index).to_str_lossy();
                path.strip_prefix(prefix.as_str())
                    .filter(|rest| !rest.is_empty())
                    .map(str::to_string)
            })
            .collect(),
    )
}

/// Whether git tracks `name` in the directory `dir`, or a file under it (a link, a submodule, a
/// committed directory). Looked up in the index by path: no list of every tracked file is made.
/// `false` outside a git checkout or when its index cannot be read.
pub fn tracks(dir: &Path, name: &str) -> bool {
    let tracked = || -> Option<bool> {
        let repo = discover(dir).ok()?;
        let top = repo.workdir()?.canonicalize().ok()?;
        let dir = dir.canonicalize().ok()?;
        let rel = dir
            .strip_prefix(&top)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let path = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        if !repo.index_path().exists() {
            return Some(false);
        }
        let index = repo.open_index().ok()?;
        let entry = |p: &str| index.entry_by_path(p.as_bytes().into()).is_some();
        let under = index
            .prefixed_entries(format!("{path}/").as_bytes().into())
            .is_some_and(|entries| entries.iter().any(|e| !e.mode.is_sparse()));
        Some(entry(&path) || under)
    };
    tracked().unwrap_or(false)
}

/// Does a path of the base tree matter to a scan? Source files and ignore files; with
/// `env_files`, env files and configuration files too.
fn wanted(path: &str, env_files: bool) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    Language::from_path(Path::new(name)).is_some()
        || matches!(name, ".gitignore" | ".ignore")
        || (env_files
            && (walk::is_env_file_name(name) || crate::config::FILE_NAMES.contains(&name)))
}

/// Whether `path` (relative to the repository top) is what a scan of `prefix` needs: a file it
/// would scan under `prefix`, or anywhere, a file a scan may look for outside it (ignore files;
/// with `env_files`, env files such as an example file above it or named with `--example`, and
/// the configuration). Those are few and small; source files outside `prefix` are never needed.
fn needed(path: &str, prefix: &str, env_files: bool) -> bool {
    if !wanted(path, env_files) {
        return false;
    }
    if prefix.is_empty() || path.starts_with(&format!("{prefix}/")) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    Language::from_path(Path::new(name)).is_none()
}

/// A name that may become one part of a path under the base tree: not empty, not `.` or `..`,
/// no separator (`\` is one on Windows only; elsewhere it is a character of the name).
fn plain_name(name: &str) -> bool {
    !(name.is_empty()
        || name == "."
        || name == ".."
        || name.contains('/')
        || (cfg!(windows) && name.contains('\\')))
}

/// The commit `commit` (a full hex id) of `repo` and its tree.
fn commit_tree(repo: &gix::Repository, commit: &str) -> Result<gix::ObjectId, GitError> {
    let id = gix::ObjectId::from_hex(commit.as_bytes()).map_err(|e| failed("commit", e))?;
    let commit = repo.find_commit(id).map_err(|e| failed("commit", e))?;
    let tree = commit.tree_id().map_err(|e| failed("commit", e))?;
    Ok(tree.detach())
}

/// Writes the blob `id` to `dest/path`. A source file larger than a scan reads is written as a
/// placeholder of its size (the scan reports it as too large, as in the work tree) and never
/// read.
fn write_blob(
    repo: &gix::Repository,
    id: gix::ObjectId,
    path: &str,
    dest: &Path,
) -> Result<(), GitError> {
    if !repo.has_object(id) {
        return Err(missing(id, path));
    }
    let target = dest.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if Language::from_path(Path::new(name)).is_some() {
        let size = repo
            .find_header(id)
            .map_err(|e| failed("object", format!("{path}: {e}")))?
            .size();
        if size > crate::scan::MAX_FILE_SIZE {
            std::fs::File::create(&target)?.set_len(size)?;
            return Ok(());
        }
    }
    let blob = repo
        .find_blob(id)
        .map_err(|e| failed("object", format!("{path}: {e}")))?;
    if !worth_writing(name, &blob.data) {
        return Ok(());
    }
    std::fs::write(&target, &blob.data)?;
    Ok(())
}

/// Whether a base revision's file must be written for the scan of the base tree. A TS/JS file
/// without a trigger word is skipped by that scan and adds nothing to what it finds (the
/// project-wide pass is Python's, whose files are all written: a file without a trigger may
/// still call a helper defined elsewhere). Creating files is most of what reading a base
/// revision costs, and most script files hold no read. A file with a byte-order mark is
/// always written: the scan decodes UTF-16 before it looks for triggers.
fn worth_writing(name: &str, data: &[u8]) -> bool {
    match Language::from_path(Path::new(name)).map(Language::family) {
        Some(family @ crate::lang::Family::Script) => {
            data.starts_with(b"\xEF\xBB\xBF")
                || data.starts_with(b"\xFF\xFE")
                || data.starts_with(b"\xFE\xFF")
                || crate::scan::may_hold_reads(family, data)
        }
        _ => true,
    }
}

/// Writes the file at `path` (relative to the repository top) of `commit` to `dest/path`;
/// nothing when the revision has no such regular file.
pub fn materialize_file(
    repo: &Path,
    commit: &str,
    path: &str,
    dest: &Path,
) -> Result<(), GitError> {
    materialize_files(repo, commit, &[path], dest)
}

/// [`materialize_file`] for each of `paths`, with the repository opened once.
pub fn materialize_files(
    repo: &Path,
    commit: &str,
    paths: &[&str],
    dest: &Path,
) -> Result<(), GitError> {
    Revision::at_commit(repo, commit)?.materialize_files(paths, dest)
}

/// Writes the files of `commit` that a scan of `prefix` (a directory relative to the repository
/// top, `""` for all) needs into `dest`, at their paths relative to the top (see [`needed`]).
/// Only regular files are written (no symlinks); a path with an empty, `.` or `..` part is
/// skipped. Submodules under `prefix` are read from their own repositories at the recorded
/// commit when they are checked out.
///
/// With `reuse`, a candidate file whose blob is byte for byte the work tree's file at the same
/// path is not written but listed in [`Reuse::taken`]: creating files is most of what reading
/// a revision costs, and a scan can read those in the work tree (the result cache knows them).
/// Other candidates are listed in [`Reuse::changed`] and ignore files in
/// [`Reuse::ignore_files`], for the caller to read or write.
/// Env files and configuration files are written too (what `check` reads at a revision).
pub fn materialize(
    repo: &Path,
    commit: &str,
    prefix: &str,
    dest: &Path,
    reuse: Option<&mut Reuse<'_>>,
) -> Result<usize, GitError> {
    Revision::at_commit(repo, commit)?.materialize(prefix, dest, reuse, true)
}

/// Writes the regular files of `commit` whose paths (relative to the repository top, with `/`)
/// `wanted` accepts into `dest`, at those paths, including files of checked-out submodules.
/// For the files a target environment reads at a base revision (manifests, compose and JSON
/// files that a scan does not need): one walk over the revision's trees, as [`materialize`].
pub fn materialize_where(
    repo: &Path,
    commit: &str,
    dest: &Path,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<usize, GitError> {
    Revision::at_commit(repo, commit)?.materialize_where(dest, wanted)
}

/// A commit of a repository, opened once for everything a base scan reads from it: the
/// repository is discovered once and the commit's trees are read once (by the first
/// `materialize*`), however many times the scan and the targets ask.
pub struct Revision {
    git: gix::Repository,
    top: PathBuf,
    commit: String,
    trees: std::cell::OnceCell<Trees>,
}

impl Revision {
    /// The commit `rev` names in the repository holding `dir` (errors as [`resolve_commit`]).
    pub fn open(dir: &Path, rev: &str) -> Result<Revision, GitError> {
        let git = discover(dir)?;
        let commit = resolve_in(&git, rev)?;
        Revision::new(git, dir, commit)
    }

    /// `commit`, a full hex id already resolved.
    fn at_commit(dir: &Path, commit: &str) -> Result<Revision, GitError> {
        Revision::new(discover(dir)?, dir, commit.to_string())
    }

    fn new(git: gix::Repository, dir: &Path, commit: String) -> Result<Revision, GitError> {
        let top = git
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| GitError::NotARepository {
                path: dir.display().to_string(),
            })?;
        Ok(Revision {
            git,
            top,
            commit,
            trees: std::cell::OnceCell::new(),
        })
    }

    /// The top directory of the work tree.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// What [`materialize_in`] reads, with the commit's trees (read on the first call).
    fn at(&self) -> Result<At<'_>, GitError> {
        let trees = match self.trees.get() {
            Some(trees) => trees,
            None => {
                let root = commit_tree(&self.git, &self.commit)?;
                let trees = Trees::read(&self.git, root, &self.commit)?;
                self.trees.get_or_init(|| trees)
            }
        };
        Ok(At {
            git: &self.git,
            repo: &self.top,
            commit: &self.commit,
            trees: Some(trees),
        })
    }

    /// [`materialize`] of this revision; env files and configuration files only with
    /// `env_files` (`diff` reads neither at a revision: its targets' files are read by
    /// [`Revision::materialize_where`]).
    pub fn materialize(
        &self,
        prefix: &str,
        dest: &Path,
        reuse: Option<&mut Reuse<'_>>,
        env_files: bool,
    ) -> Result<usize, GitError> {
        let prefix = prefix.trim_matches('/');
        let under = |path: &str| prefix.is_empty() || path.starts_with(&format!("{prefix}/"));
        let select = Select {
            file: &|path| needed(path, prefix, env_files),
            submodule: &under,
            links: false,
        };
        materialize_in(&self.at()?, &select, dest, reuse)
    }

    /// [`materialize_where`] of this revision.
    pub fn materialize_where(
        &self,
        dest: &Path,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<usize, GitError> {
        let select = Select {
            file: wanted,
            submodule: &|_| true,
            // a manifest linked into the deploy directory is read now: read it at the revision
            // too
            links: true,
        };
        materialize_in(&self.at()?, &select, dest, None)
    }

    /// Writes the ignore files of `ignore_files` ([`Reuse::ignore_files`]) that sit in a
    /// directory above one of `files` (paths relative to the top) into `dest`: the walk of the
    /// tree then treats those files as the revision's own ignore files would.
    pub fn materialize_ignore_files(
        &self,
        ignore_files: &std::collections::HashMap<String, gix::ObjectId>,
        files: &[&str],
        dest: &Path,
    ) -> Result<(), GitError> {
        let mut dirs: BTreeSet<&str> = BTreeSet::new();
        for file in files {
            dirs.insert("");
            dirs.extend(file.match_indices('/').map(|(at, _)| &file[..at]));
        }
        for dir in dirs {
            for name in crate::scan::IGNORE_FILES {
                let path = if dir.is_empty() {
                    name.to_string()
                } else {
                    format!("{dir}/{name}")
                };
                if let Some(id) = ignore_files.get(&path) {
                    write_blob(&self.git, *id, &path, dest)?;
                }
            }
        }
        Ok(())
    }

    /// The content of the blob `id` (the source file at `path`), when it is at most
    /// [`crate::scan::MAX_FILE_SIZE`] bytes and `budget`: `None` when larger (the size is read
    /// from the object's header first).
    pub fn source_text(
        &self,
        id: gix::ObjectId,
        path: &str,
        budget: usize,
    ) -> Result<Option<Vec<u8>>, GitError> {
        if !self.git.has_object(id) {
            return Err(missing(id, path));
        }
        let size = self
            .git
            .find_header(id)
            .map_err(|e| failed("object", format!("{path}: {e}")))?
            .size();
        if size > crate::scan::MAX_FILE_SIZE || size > budget as u64 {
            return Ok(None);
        }
        let mut blob = self
            .git
            .find_blob(id)
            .map_err(|e| failed("object", format!("{path}: {e}")))?;
        Ok(Some(blob.take_data()))
    }

    /// Writes each `(path, blob)` of `blobs` to `dest/path` as [`materialize`] writes files.
    pub fn write_blobs(
        &self,
        blobs: &[(&str, gix::ObjectId)],
        dest: &Path,
    ) -> Result<(), GitError> {
        for (path, id) in blobs {
            write_blob(&self.git, *id, path, dest)?;
        }
        Ok(())
    }

    /// Whether `data` is the content of the blob `id` (told by its hash; the blob is not read).
    pub fn is_blob(&self, id: gix::ObjectId, data: &[u8]) -> bool {
        gix::objs::compute_hash(self.git.object_hash(), gix::objs::Kind::Blob, data)
            .is_ok_and(|hash| hash == id)
    }

    /// [`materialize_files`] of this revision.
    pub fn materialize_files(&self, paths: &[&str], dest: &Path) -> Result<(), GitError> {
        let paths: Vec<&str> = paths
            .iter()
            .copied()
            .filter(|path| path.split('/').all(plain_name))
            .collect();
        if paths.is_empty() {
            return Ok(());
        }
        let tree = self
            .git
            .find_tree(commit_tree(&self.git, &self.commit)?)
            .map_err(|e| failed("tree", e))?;
        for path in paths {
            if let Ok(Some(entry)) = tree.lookup_entry_by_path(path)
                && entry.mode().is_blob()
            {
                write_blob(&self.git, entry.object_id(), path, dest)?;
            }
        }
        Ok(())
    }
}

/// Whether `path` names an ignore file of the source walk.
fn is_ignore_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::scan::IGNORE_FILES.contains(&name)
}

/// The repository and commit [`materialize_in`] reads: `repo` is the work tree's directory,
/// `trees` the commit's trees when already read.
struct At<'a> {
    git: &'a gix::Repository,
    repo: &'a Path,
    commit: &'a str,
    trees: Option<&'a Trees>,
}

/// Which entries of a revision's tree are written: regular files by `file`, submodules to read
/// by `submodule` (both given paths relative to the top of the outermost repository).
struct Select<'a> {
    file: &'a dyn Fn(&str) -> bool,
    submodule: &'a dyn Fn(&str) -> bool,
    /// A selected symlink is written as the regular file it leads to in the same revision, when
    /// that is one inside the repository (see [`link_target`]); else links are not written.
    links: bool,
}

/// Files of a revision that may be read in the work tree instead of written (see
/// [`materialize`]).
pub struct Reuse<'a> {
    /// Tells the files the work tree's scan walked, by their paths relative to the repository
    /// top with `/`: each with its stat as that scan took it moments ago, when it took one (such
    /// a file is compared with the index without a `stat` of its own); `None` for a path the
    /// walk did not yield.
    pub candidates: &'a (dyn Fn(&str) -> Option<Option<FileStat>> + 'a),
    /// The candidates whose blob is the work tree's file, not written.
    pub taken: Vec<String>,
    /// The candidates whose blob is not the work tree's file, with that blob, not written: the
    /// caller reads them ([`Revision::source_text`]) or writes them ([`Revision::write_blobs`]).
    pub changed: Vec<(String, gix::ObjectId)>,
    /// The files written into the tree (all of them, not only candidates): a file of the
    /// revision not here is not in the tree, except an ignore file.
    pub written: std::collections::HashSet<String>,
    /// The revision's ignore files ([`crate::scan::IGNORE_FILES`]) and their blobs, not written:
    /// they matter to the walk of the tree only above a source file written there (the others
    /// are read in the work tree), so [`Revision::materialize_ignore_files`] writes them there
    /// and nowhere else.
    pub ignore_files: std::collections::HashMap<String, gix::ObjectId>,
}

impl<'a> Reuse<'a> {
    /// Nothing told yet, of the files `candidates` tells.
    pub fn new(candidates: &'a (dyn Fn(&str) -> Option<Option<FileStat>> + 'a)) -> Reuse<'a> {
        Reuse {
            candidates,
            taken: Vec::new(),
            changed: Vec::new(),
            written: Default::default(),
            ignore_files: Default::default(),
        }
    }
}

/// What of a file's stat tells it unchanged since git staged it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStat {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime: i64,
    pub mtime_nsec: u64,
    pub ctime: i64,
    pub ctime_nsec: u64,
    /// User and group, when known.
    pub owner: Option<(u32, u32)>,
}

impl FileStat {
    #[cfg(unix)]
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStat {
        use std::os::unix::fs::MetadataExt as _;
        FileStat {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: u64::try_from(meta.mtime_nsec()).unwrap_or(u64::MAX),
            ctime: meta.ctime(),
            ctime_nsec: u64::try_from(meta.ctime_nsec()).unwrap_or(u64::MAX),
            owner: Some((meta.uid(), meta.gid())),
        }
    }
}

/// Whether the work tree's regular file at `top/path` holds exactly the blob `id`: told by the
/// index, as `git status` tells it, when the index stages that blob at `path` and the file's
/// stat is the one recorded when it was staged (and was not written in the same second as the
/// index: a "racily clean" entry proves nothing); else by hashing the file.
fn same_as_work_tree(
    git: &gix::Repository,
    index: Option<&gix::index::File>,
    top: &Path,
    id: gix::ObjectId,
    path: &str,
    known: Option<&FileStat>,
) -> bool {
    // a regular file the work tree's scan took the stat of moments ago
    if let (Some(index), Some(known)) = (index, known)
        && known.size <= crate::scan::MAX_FILE_SIZE
        && stat_clean(index, path, id, known)
    {
        return true;
    }
    let file = top.join(path);
    let Ok(meta) = std::fs::symlink_metadata(&file) else {
        return false;
    };
    if !meta.is_file() || meta.len() > crate::scan::MAX_FILE_SIZE {
        return false;
    }
    #[cfg(unix)]
    if index.is_some_and(|index| stat_clean(index, path, id, &FileStat::of(&meta))) {
        return true;
    }
    let Ok(data) = std::fs::read(&file) else {
        return false;
    };
    gix::objs::compute_hash(git.object_hash(), gix::objs::Kind::Blob, &data)
        .is_ok_and(|hash| hash == id)
}

/// Whether the index stages blob `id` at `path` (stage 0) with exactly the stat `file` gives,
/// every field compared (seconds and nanoseconds of both times, size, inode, device, and the
/// owner when known), and the entry is not racy: the file's time is before the index was
/// written.
fn stat_clean(index: &gix::index::File, path: &str, id: gix::ObjectId, file: &FileStat) -> bool {
    let Some(entry) = index.entry_by_path(path.as_bytes().into()) else {
        return false;
    };
    if entry.id != id || entry.stage_raw() != 0 {
        return false;
    }
    let s = &entry.stat;
    // the index keeps the low 32 bits of each number, as git does
    let low = |n: u64| n & 0xffff_ffff;
    let same = i64::from(s.mtime.secs) == file.mtime & 0xffff_ffff
        && u64::from(s.mtime.nsecs) == file.mtime_nsec
        && i64::from(s.ctime.secs) == file.ctime & 0xffff_ffff
        && u64::from(s.ctime.nsecs) == file.ctime_nsec
        && u64::from(s.size) == low(file.size)
        && u64::from(s.ino) == low(file.ino)
        && u64::from(s.dev) == low(file.dev)
        && file
            .owner
            .is_none_or(|(uid, gid)| s.uid == uid && s.gid == gid)
        && file.size <= u64::from(u32::MAX);
    let written = index.timestamp();
    let racy =
        (written.unix_seconds(), u64::from(written.nanoseconds())) <= (file.mtime, file.mtime_nsec);
    same && !racy
}

/// Every distinct tree reachable from one root tree, read once: its raw data, how many entries
/// it unfolds to (all levels, a subtree counted once per place it appears) and how deep it goes.
struct Trees {
    hash: gix::hash::Kind,
    trees: std::collections::HashMap<gix::ObjectId, Tree>,
}

struct Tree {
    data: Vec<u8>,
    /// `None` while the tree's subtrees are being read; a tree met again in that state is its
    /// own ancestor (only a doctored object database can say so).
    size: Option<(u64, usize)>,
}

impl Trees {
    /// Reads the trees under `root` depth-first with an explicit stack, and refuses a tree that
    /// unfolds to more entries than [`unfold_limit`] allows for the objects read, or nests
    /// deeper than [`MAX_DEPTH`]: the work that follows is then bounded by the input.
    fn read(git: &gix::Repository, root: gix::ObjectId, commit: &str) -> Result<Trees, GitError> {
        let too_large = |limit: String| GitError::TooLarge {
            commit: commit.to_string(),
            limit,
        };
        let mut trees = Trees {
            hash: git.object_hash(),
            trees: std::collections::HashMap::new(),
        };
        let mut distinct: u64 = 0;
        // (tree, where it was first met, whether its subtrees are done)
        let mut stack = vec![(root, String::new(), false)];
        while let Some((id, path, children_done)) = stack.pop() {
            if children_done {
                let mut unfolded: u64 = 0;
                let mut depth = 0;
                for entry in trees.entries(&id) {
                    let entry = entry.map_err(|e| failed("tree", e))?;
                    unfolded = unfolded.saturating_add(1);
                    if entry.mode.is_tree() {
                        let (size, sub_depth) = trees.size(entry.oid).unwrap_or((0, 0));
                        unfolded = unfolded.saturating_add(size);
                        depth = depth.max(sub_depth + 1);
                    }
                }
                if depth > MAX_DEPTH {
                    return Err(too_large(format!(
                        "is nested more than {MAX_DEPTH} directories deep"
                    )));
                }
                if let Some(tree) = trees.trees.get_mut(&id) {
                    tree.size = Some((unfolded, depth));
                }
                continue;
            }
            match trees.trees.get(&id) {
                Some(Tree { size: Some(_), .. }) => continue,
                Some(Tree { size: None, .. }) => {
                    return Err(too_large("contains itself".to_string()));
                }
                None => {}
            }
            if !git.has_object(id) {
                return Err(missing(id, &path));
            }
            let mut tree = git.find_tree(id).map_err(|e| failed("tree", e))?;
            let data = std::mem::take(&mut tree.data);
            drop(tree);
            let mut children = Vec::new();
            for entry in gix::objs::TreeRefIter::from_bytes(&data, trees.hash) {
                let entry = entry.map_err(|e| failed("tree", e))?;
                distinct += 1;
                if entry.mode.is_tree() {
                    match trees.trees.get(entry.oid) {
                        Some(Tree { size: Some(_), .. }) => {}
                        Some(Tree { size: None, .. }) => {
                            return Err(too_large("contains itself".to_string()));
                        }
                        None => {
                            let sub = format!("{path}{}/", entry.filename.to_str_lossy());
                            children.push((entry.oid.to_owned(), sub, false));
                        }
                    }
                }
            }
            stack.push((id, path, true));
            stack.append(&mut children);
            trees.trees.insert(id, Tree { data, size: None });
        }
        let unfolded = trees.size(&root).map_or(0, |(size, _)| size);
        if unfolded > unfold_limit(distinct) {
            return Err(too_large(format!(
                "unfolds to {unfolded} paths from {distinct} tree entries (the same subtrees named again and again)"
            )));
        }
        Ok(trees)
    }

    fn entries(&self, id: &gix::oid) -> gix::objs::TreeRefIter<'_> {
        let data = self.trees.get(id).map_or(&[][..], |t| &t.data[..]);
        gix::objs::TreeRefIter::from_bytes(data, self.hash)
    }

    fn size(&self, id: &gix::oid) -> Option<(u64, usize)> {
        self.trees.get(id).and_then(|t| t.size)
    }
}

/// How many paths a tree may unfold to when its distinct trees hold `distinct` entries. A real
/// repository repeats a subtree rarely (a vendored copy), so its paths are about its entries;
/// a tree that names the same subtree twice per level unfolds to `2^depth` paths from a few
/// objects, and is refused here before any of them is walked.
fn unfold_limit(distinct: u64) -> u64 {
    MIN_UNFOLD.saturating_add(distinct.saturating_mul(UNFOLD_FACTOR))
}

fn materialize_in(
    at: &At,
    select: &Select,
    dest: &Path,
    mut reuse: Option<&mut Reuse<'_>>,
) -> Result<usize, GitError> {
    let At {
        git, repo, commit, ..
    } = *at;
    let root = commit_tree(git, commit)?;
    let read;
    let trees = match at.trees {
        Some(trees) => trees,
        None => {
            read = Trees::read(git, root, commit)?;
            &read
        }
    };
    let mut submodules: Vec<(gix::ObjectId, String)> = Vec::new();
    let mut blobs: Vec<(gix::ObjectId, String)> = Vec::new();
    let mut links: Vec<(gix::ObjectId, String)> = Vec::new();
    // (tree, its path with a trailing `/`, or empty for the top)
    let mut stack = vec![(root, String::new())];
    while let Some((id, dir)) = stack.pop() {
        for entry in trees.entries(&id) {
            let entry = entry.map_err(|e| failed("tree", e))?;
            let name = entry.filename.to_str_lossy();
            if !plain_name(&name) {
                continue;
            }
            let path = format!("{dir}{name}");
            if entry.mode.is_tree() {
                stack.push((entry.oid.to_owned(), format!("{path}/")));
            } else if entry.mode.is_commit() {
                if (select.submodule)(&path) {
                    submodules.push((entry.oid.to_owned(), path));
                }
            } else if entry.mode.is_blob() && (select.file)(&path) {
                // regular files only: no symlinks (120000)
                blobs.push((entry.oid.to_owned(), path));
            } else if entry.mode.is_link() && select.links && (select.file)(&path) {
                links.push((entry.oid.to_owned(), path));
            }
        }
    }
    // the work tree's index, read at the first candidate to tell
    let mut index: Option<Option<gix::index::File>> = None;
    let mut written = 0;
    for (object, path) in &submodules {
        // a submodule that is not checked out is not scanned at HEAD either; one reached
        // through a symlink out of the repository is not read
        let sub_repo = repo.join(path);
        if !sub_repo.join(".git").exists() || !inside(repo, &sub_repo) {
            continue;
        }
        let sub_error = |e: GitError| GitError::Failed {
            what: "submodule",
            message: format!(
                "{path}: cannot read its commit at this revision ({e}); run `git submodule update`"
            ),
        };
        let sub_git = open_exactly(&sub_repo).map_err(sub_error)?;
        // the submodule's paths, as the outer repository names them
        let file = |p: &str| (select.file)(&format!("{path}/{p}"));
        let submodule = |p: &str| (select.submodule)(&format!("{path}/{p}"));
        let inner = Select {
            file: &file,
            submodule: &submodule,
            links: select.links,
        };
        let sub_at = At {
            git: &sub_git,
            repo: &sub_repo,
            commit: &object.to_string(),
            trees: None,
        };
        written += materialize_in(&sub_at, &inner, &dest.join(path), None).map_err(sub_error)?;
    }
    for (object, path) in &blobs {
        written += 1;
        // (the object itself is not needed: the index or the file's hash tells)
        if let Some(reuse) = reuse.as_deref_mut() {
            if let Some(known) = (reuse.candidates)(path) {
                let index = index.get_or_insert_with(|| git.open_index().ok());
                if same_as_work_tree(git, index.as_ref(), repo, *object, path, known.as_ref()) {
                    reuse.taken.push(path.clone());
                } else {
                    reuse.changed.push((path.clone(), *object));
                }
                continue;
            }
            if is_ignore_file(path) {
                reuse.ignore_files.insert(path.clone(), *object);
                continue;
            }
        }
        write_blob(git, *object, path, dest)?;
        if let Some(reuse) = reuse.as_deref_mut() {
            reuse.written.insert(path.clone());
        }
    }
    if !links.is_empty() {
        let tree = git.find_tree(root).map_err(|e| failed("tree", e))?;
        for (object, path) in &links {
            if let Some(target) = link_target(git, &tree, *object, path)? {
                write_blob(git, target, path, dest)?;
                written += 1;
                if let Some(reuse) = reuse.as_deref_mut() {
                    reuse.written.insert(path.clone());
                }
            }
        }
    }
    Ok(written)
}

/// The regular file of the same revision the symlink `object` at `path` leads to: its target
/// resolved lexically from the link's directory, which must stay inside the repository and name a
/// regular file there (not another link). `None` otherwise: the link is then not written, as a
/// link out of the repository is not read in the work tree either.
fn link_target(
    git: &gix::Repository,
    tree: &gix::Tree<'_>,
    object: gix::ObjectId,
    path: &str,
) -> Result<Option<gix::ObjectId>, GitError> {
    /// Longer than any path a link of a repository names (`PATH_MAX` is 4096).
    const MAX_LINK: u64 = 4096;
    if !git.has_object(object) {
        return Err(missing(object, path));
    }
    let size = git
        .find_header(object)
        .map_err(|e| failed("object", format!("{path}: {e}")))?
        .size();
    if size > MAX_LINK {
        return Ok(None);
    }
    let blob = git
        .find_blob(object)
        .map_err(|e| failed("object", format!("{path}: {e}")))?;
    let target = blob.data.to_str_lossy();
    if target.starts_with('/') {
        return Ok(None);
    }
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Ok(None);
                }
            }
            name => parts.push(name),
        }
    }
    let resolved = parts.join("/");
    match tree.lookup_entry_by_path(resolved.as_str()) {
        Ok(Some(entry)) if entry.mode().is_blob() => Ok(Some(entry.object_id())),
        _ => Ok(None),
    }
}

/// Whether `path` resolves to a place under `top` (no symlink leads it out).
fn inside(top: &Path, path: &Path) -> bool {
    match (top.canonicalize(), path.canonicalize()) {
        (Ok(top), Ok(path)) => path.starts_with(top),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn sh(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn materializes_a_revision_without_touching_the_work_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(repo.join("app")).expect("mkdir");
        std::fs::write(repo.join("app/a.py"), "import os\nos.getenv('OLD')\n").expect("write");
        std::fs::write(repo.join("README.md"), "docs\n").expect("write");
        sh(repo, &["add", "."]);
        sh(repo, &["commit", "-q", "-m", "one"]);
        sh(repo, &["tag", "deploy-1"]);
        std::fs::write(repo.join("app/a.py"), "import os\nos.getenv('NEW')\n").expect("write");
        let commit = resolve_commit(repo, "deploy-1").expect("resolves");
        let out = tempfile::tempdir().expect("tempdir");
        let n = materialize(repo, &commit, "", out.path(), None).expect("materializes");
        assert_eq!(n, 1, "only the source file is needed");
        let text = std::fs::read_to_string(out.path().join("app/a.py")).expect("read");
        assert!(text.contains("OLD"));
        // the work tree keeps its change
        let work = std::fs::read_to_string(repo.join("app/a.py")).expect("read");
        assert!(work.contains("NEW"));
        let sub = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            materialize(repo, &commit, "app", sub.path(), None).expect("ok"),
            1
        );
        assert!(sub.path().join("app/a.py").is_file());
    }

    /// Larger than gix's default limit under reduced trust (16 MiB): an env file is written as
    /// it is; a source file larger than a scan reads becomes a placeholder of its size.
    #[test]
    fn large_blobs_are_written_and_large_sources_are_placeholders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        let env: String = (0..1_100_000).map(|i| format!("KEY_{i}=v{i}\n")).collect();
        assert!(env.len() > 16 * 1024 * 1024);
        std::fs::write(repo.join(".env.production"), &env).expect("write");
        let size = crate::scan::MAX_FILE_SIZE as usize + 10;
        std::fs::write(repo.join("big.py"), "#".repeat(size)).expect("write");
        sh(repo, &["add", "."]);
        sh(repo, &["commit", "-q", "-m", "one"]);
        let commit = resolve_commit(repo, "HEAD").expect("resolves");
        let out = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            materialize(repo, &commit, "", out.path(), None).expect("ok"),
            2
        );
        let written = std::fs::read(out.path().join(".env.production")).expect("read");
        assert!(
            written == env.as_bytes(),
            "the env file is written as it is"
        );
        let placeholder = std::fs::metadata(out.path().join("big.py")).expect("stat");
        assert_eq!(placeholder.len(), size as u64);
    }

    /// The index tells an unchanged file by its stat alone; a file rewritten since it was
    /// staged (same size, its time set back) or one as new as the index is hashed instead.
    #[cfg(unix)]
    #[test]
    fn the_index_tells_a_staged_file_by_its_stat() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let write = |name: &str, text: &str, time: Option<std::time::SystemTime>| {
            std::fs::write(repo.join(name), text).expect("write");
            if let Some(time) = time {
                let file = std::fs::File::options()
                    .write(true)
                    .open(repo.join(name))
                    .expect("open");
                file.set_modified(time).expect("mtime");
            }
        };
        write("a.py", "A = 1\n", Some(old));
        write("b.py", "B = 1\n", None);
        sh(repo, &["add", "."]);
        let git = discover(repo).expect("repo");
        let index = git.open_index().expect("index");
        let id = |name: &str| {
            index
                .entry_by_path(name.as_bytes().into())
                .expect("staged")
                .id
        };
        let meta = |name: &str| std::fs::symlink_metadata(repo.join(name)).expect("stat");
        let stat = |name: &str| FileStat::of(&meta(name));
        let (a, b) = (id("a.py"), id("b.py"));
        assert!(stat_clean(&index, "a.py", a, &stat("a.py")));
        // another blob at the path, or the path not staged: the stat says nothing
        assert!(!stat_clean(&index, "a.py", b, &stat("a.py")));
        assert!(!stat_clean(&index, "c.py", a, &stat("a.py")));
        // written in the second the index was (or after): racily clean, proves nothing
        let racy = meta("b.py").modified().expect("mtime")
            >= std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::new(
                    index.timestamp().unix_seconds() as u64,
                    index.timestamp().nanoseconds(),
                );
        assert_eq!(stat_clean(&index, "b.py", b, &stat("b.py")), !racy);
        // rewritten with the same size and the same mtime: its ctime moved
        std::thread::sleep(std::time::Duration::from_millis(20));
        let before = stat("a.py");
        assert!(same_as_work_tree(
            &git,
            Some(&index),
            repo,
            a,
            "a.py",
            Some(&before)
        ));
        write("a.py", "A = 2\n", Some(old));
        assert!(!stat_clean(&index, "a.py", a, &stat("a.py")));
        assert!(!same_as_work_tree(
            &git,
            Some(&index),
            repo,
            a,
            "a.py",
            None
        ));
        // the stat a scan took is the file's as it was then; its owner need not be known
        let known = FileStat {
            owner: None,
            ..stat("a.py")
        };
        assert!(!same_as_work_tree(
            &git,
            Some(&index),
            repo,
            a,
            "a.py",
            Some(&known)
        ));
        // and the hash still tells the unchanged one without the index
        assert!(same_as_work_tree(&git, None, repo, b, "b.py", None));
    }

    /// A name is tracked as a file or as a directory holding tracked files, in the directory
    /// given (not elsewhere in the repository).
    #[test]
    fn tracks_names_files_and_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(repo.join("app/.envcheck_cache")).expect("mkdir");
        std::fs::write(repo.join("app/.envcheck_cache/facts.bin"), "x").expect("write");
        std::fs::write(repo.join("app/file"), "x").expect("write");
        std::fs::write(repo.join("untracked"), "x").expect("write");
        sh(repo, &["add", "app"]);
        sh(repo, &["commit", "-q", "-m", "one"]);
        assert!(tracks(repo, "app"));
        assert!(tracks(&repo.join("app"), ".envcheck_cache"));
        assert!(tracks(&repo.join("app"), "file"));
        assert!(!tracks(repo, ".envcheck_cache"));
        assert!(!tracks(repo, "untracked"));
        assert!(!tracks(repo, "ap"));
        let outside = tempfile::tempdir().expect("tempdir");
        assert!(!tracks(outside.path(), "x"));
    }

    /// The files a target reads at a revision: selected by path, a link inside the repository
    /// written as the file it leads to, a link out of it not written.
    #[test]
    fn materialize_where_selects_paths_and_follows_links_inside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(repo.join("deploy")).expect("mkdir");
        std::fs::create_dir_all(repo.join("shared")).expect("mkdir");
        std::fs::write(repo.join("shared/api.yaml"), "kind: Deployment\n").expect("write");
        std::fs::write(repo.join("other.yaml"), "kind: Other\n").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../shared/api.yaml", repo.join("deploy/api.yaml"))
                .expect("link");
            std::os::unix::fs::symlink("../../outside.yaml", repo.join("deploy/out.yaml"))
                .expect("link");
            std::os::unix::fs::symlink("/etc/hostname", repo.join("deploy/abs.yaml"))
                .expect("link");
        }
        sh(repo, &["add", "."]);
        sh(repo, &["commit", "-q", "-m", "one"]);
        let commit = resolve_commit(repo, "HEAD").expect("resolves");
        let out = tempfile::tempdir().expect("tempdir");
        let wanted = |p: &str| p.starts_with("deploy/");
        materialize_where(repo, &commit, out.path(), &wanted).expect("ok");
        assert!(!out.path().join("other.yaml").exists(), "not selected");
        #[cfg(unix)]
        {
            let api = std::fs::read_to_string(out.path().join("deploy/api.yaml")).expect("read");
            assert_eq!(api, "kind: Deployment\n");
            assert!(!out.path().join("deploy/out.yaml").exists());
            assert!(!out.path().join("deploy/abs.yaml").exists());
        }
    }

    /// Script files that cannot hold a read are not written (the scan would skip them);
    /// Python files always are (a project helper may be called from any of them).
    #[test]
    fn script_files_without_a_trigger_are_not_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        sh(repo, &["init", "-q", "-b", "main"]);
        std::fs::write(repo.join("reads.ts"), "export const a = process.env.A;\n").expect("w");
        std::fs::write(repo.join("plain.ts"), "export const b = 1;\n").expect("w");
        std::fs::write(repo.join("plain.py"), "from app.env import flag\n").expect("w");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "process.env.C".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        std::fs::write(repo.join("wide.js"), &utf16).expect("w");
        sh(repo, &["add", "."]);
        sh(repo, &["commit", "-q", "-m", "one"]);
        let commit = resolve_commit(repo, "HEAD").expect("resolves");
        let out = tempfile::tempdir().expect("tempdir");
        materialize(repo, &commit, "", out.path(), None).expect("materializes");
        assert!(out.path().join("reads.ts").is_file());
        assert!(out.path().join("plain.py").is_file());
        assert!(out.path().join("wide.js").is_file());
        assert!(!out.path().join("plain.ts").exists());
    }

    #[test]
    fn unknown_revisions_and_non_repositories_are_clear_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            toplevel(dir.path()),
            Err(GitError::NotARepository { .. })
        ));
        sh(dir.path(), &["init", "-q"]);
        let err = resolve_commit(dir.path(), "no-such-tag").expect_err("unknown");
        assert!(err.to_string().contains("no-such-tag"), "{err}");
        let err = resolve_commit(dir.path(), "--output=x").expect_err("option-like");
        assert!(matches!(err, GitError::UnknownRevision { .. }));
    }
}
