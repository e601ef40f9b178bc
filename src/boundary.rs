//! Where the repository ends, and how envcheck writes inside it.
//!
//! The repository envcheck checks is untrusted (a fork's merge request, a fresh clone), so a path
//! it names (the configuration's `example` and `sources`, a compose file's `env_file`, a link
//! named like an env file) must lead to a file of the repository once its links are resolved:
//! otherwise a fork could make the gate read `/etc/...` or the runner's home directory. Paths
//! given on the command line (`--source`, `--example`, `--config`, the scanned paths) are the
//! user's choice and are taken as given; so are the paths named by a file that lies outside the
//! repository (a configuration or compose file given on the command line), since only the user
//! can have put that file there.
//!
//! The repository root is found without running anything: the nearest directory at or above the
//! scanned one that holds a `.git` entry (a directory, or the file of a worktree or submodule);
//! without one, the configuration's directory when it is above the scanned one, else the
//! scanned directory itself.
//!
//! Writes ([`write_file`]) go to a regular file only, never through a symbolic link (the file
//! itself, or a directory of the path that sits inside the repository), and atomically: a
//! temporary file in the same directory, renamed over the old one, with the old one's
//! permissions. A rename replaces a link or a hard link instead of writing through it.
//!
//! Resolution uses `canonicalize`, so a link swapped between the check and the use could still
//! mislead it; the threat is a repository's content, which does not change during a run.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The repository a run works in, as a canonical directory.
#[derive(Clone, Debug)]
pub struct Boundary {
    root: PathBuf,
}

/// A path that leads outside the repository.
#[derive(Debug, thiserror::Error)]
#[error("{what} leads outside the repository ({root}); not read{hint}")]
pub struct Outside {
    what: String,
    root: String,
    hint: String,
}

impl Outside {
    /// The same refusal with a suggestion appended (`; give it with --source KIND:PATH`).
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = format!("; {hint}");
        self
    }
}

impl Boundary {
    /// The repository of a project whose scanned directory is `scanned` and whose configuration
    /// file (if any) is `config`: the git top above `scanned`, else the configuration's directory
    /// when it is above `scanned`, else `scanned`.
    pub fn for_project(scanned: &Path, config: Option<&Path>) -> Boundary {
        let dir = if scanned.is_dir() {
            scanned.to_path_buf()
        } else {
            match scanned.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        if let Some(top) = repository_top(&dir) {
            return Boundary { root: top };
        }
        let config_dir = config
            .and_then(Path::parent)
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .and_then(|p| p.canonicalize().ok())
            .filter(|c| dir.starts_with(c));
        Boundary {
            root: config_dir.unwrap_or(dir),
        }
    }

    /// A boundary at `root` itself (a base revision's temporary tree).
    pub fn at(root: &Path) -> Boundary {
        Boundary {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// The repository root, canonical.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` resolves inside the repository. A path that does not exist resolves
    /// through its nearest existing directory (its name is then taken as it is).
    pub fn contains(&self, path: &Path) -> bool {
        resolve(path).is_some_and(|p| p.starts_with(&self.root))
    }

    /// `path`, which the repository names (a link found in it, a file discovered by name), must
    /// resolve inside it. `what` says what the path is, for the message.
    pub fn require_inside(
        &self,
        path: &Path,
        what: impl FnOnce() -> String,
    ) -> Result<(), Outside> {
        if self.contains(path) {
            return Ok(());
        }
        Err(Outside {
            what: what(),
            root: self.root.display().to_string(),
            hint: String::new(),
        })
    }

    /// `path`, named by the file `by`: inside the repository when `by` is in it; anything when
    /// `by` lies outside (the user's own file, given on the command line).
    pub fn require_inside_if_named_here(
        &self,
        path: &Path,
        by: &Path,
        what: impl FnOnce() -> String,
    ) -> Result<(), Outside> {
        if !self.contains(by) {
            return Ok(());
        }
        self.require_inside(path, what)
    }
}

/// The nearest directory at or above `dir` (canonical) holding a `.git` entry.
pub fn repository_top(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors()
        .find(|d| d.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// `path` with its links resolved; for a path that does not exist (or a dangling link), its
/// directory resolved and its name appended.
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = match path.components().next_back()? {
        Component::Normal(name) => name,
        // `..` or `.` at the end of a path that does not resolve: nothing to append to
        _ => return None,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(resolve(parent)?.join(name))
}

/// Why [`write_file`] refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{path}: a symbolic link; envcheck does not write through links (replace it with the file it points to, or name that file with --example)"
    )]
    Link { path: String },
    #[error("{path}: {dir} is a symbolic link; envcheck does not write through links")]
    LinkedDirectory { path: String, dir: String },
    #[error("{path}: not a regular file; not written")]
    NotRegular { path: String },
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
}

/// Writes `text` to `path`, replacing the file atomically: a temporary file in the same
/// directory, given the old file's permissions (or the usual ones for a new file), renamed over
/// it. Refused when `path` is a symbolic link or not a regular file, or when a directory on the
/// way to it that lies inside `boundary` is a symbolic link. Whether `path` may be written at all
/// (inside the repository, or given by the user) is the caller's decision.
pub fn write_file(path: &Path, text: &[u8], boundary: &Boundary) -> Result<(), WriteError> {
    let shown = || path.display().to_string();
    let io = |error| WriteError::Io {
        path: shown(),
        error,
    };
    let existing = match path.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(WriteError::Link { path: shown() });
        }
        Ok(meta) if !meta.is_file() => return Err(WriteError::NotRegular { path: shown() }),
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Some(link) = linked_directory(dir, boundary) {
        return Err(WriteError::LinkedDirectory {
            path: shown(),
            dir: link.display().to_string(),
        });
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".envcheck-").suffix(".tmp");
    #[cfg(unix)]
    {
        // a new file gets what `std::fs::write` would give it: 0666 less the umask
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    tmp.write_all(text).map_err(io)?;
    if let Some(permissions) = existing {
        // on the open file (`fchmod`): the umask does not apply
        tmp.as_file().set_permissions(permissions).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The first directory of `dir` (walked from its start) that is a symbolic link and sits in a
/// directory inside the repository. Links above the repository (`/tmp -> /private/tmp`) are the
/// machine's, not the repository's.
fn linked_directory(dir: &Path, boundary: &Boundary) -> Option<PathBuf> {
    let mut prefix = PathBuf::new();
    for component in dir.components() {
        prefix.push(component);
        if !matches!(component, Component::Normal(_)) {
            continue;
        }
        let is_link = prefix
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            let holder = match prefix.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if boundary.contains(holder) {
                return Some(prefix);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_resolves_links_and_missing_files() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git"))?;
        std::fs::create_dir_all(repo.join("app"))?;
        std::fs::write(dir.path().join("outside"), "x")?;
        let boundary = Boundary::for_project(&repo.join("app"), None);
        assert_eq!(boundary.root(), repo.canonicalize()?);
        assert!(boundary.contains(&repo.join("app/.env")));
        assert!(boundary.contains(&repo.join("app/missing/.env")));
        assert!(!boundary.contains(&repo.join("../outside")));
        assert!(!boundary.contains(&repo.join("app/../../outside")));
        assert!(!boundary.contains(Path::new("/etc/passwd")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside"), repo.join("link"))?;
            assert!(!boundary.contains(&repo.join("link")));
            std::os::unix::fs::symlink(dir.path(), repo.join("up"))?;
            assert!(!boundary.contains(&repo.join("up/missing")));
            std::os::unix::fs::symlink("app", repo.join("in"))?;
            assert!(boundary.contains(&repo.join("in/.env")));
        }
        Ok(())
    }

    #[test]
    fn without_git_the_configuration_or_the_scanned_directory_bounds() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let top = dir.path().canonicalize()?;
        std::fs::create_dir_all(top.join("a/b"))?;
        let config = top.join("a/envcheck.toml");
        assert_eq!(
            Boundary::for_project(&top.join("a/b"), Some(&config)).root(),
            top.join("a")
        );
        assert_eq!(
            Boundary::for_project(&top.join("a/b"), None).root(),
            top.join("a/b")
        );
        // a configuration beside, not above, does not widen the boundary
        let elsewhere = top.join("c/envcheck.toml");
        assert_eq!(
            Boundary::for_project(&top.join("a/b"), Some(&elsewhere)).root(),
            top.join("a/b")
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn writes_are_atomic_keep_permissions_and_refuse_links() -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git"))?;
        let boundary = Boundary::for_project(&repo, None);
        let file = repo.join(".env.example");
        std::fs::write(&file, "A=\n")?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640))?;
        write_file(&file, b"A=\nB=\n", &boundary).map_err(std::io::Error::other)?;
        assert_eq!(std::fs::read_to_string(&file)?, "A=\nB=\n");
        assert_eq!(
            std::fs::metadata(&file)?.permissions().mode() & 0o777,
            0o640
        );
        // no temporary file is left behind
        let names: Vec<_> = std::fs::read_dir(&repo)?
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");

        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "kept\n")?;
        let link = repo.join("link.env");
        std::os::unix::fs::symlink(&outside, &link)?;
        let err = write_file(&link, b"X=\n", &boundary).expect_err("a link");
        assert!(matches!(err, WriteError::Link { .. }), "{err}");
        std::os::unix::fs::symlink(dir.path(), repo.join("up"))?;
        let err = write_file(&repo.join("up/new.env"), b"X=\n", &boundary).expect_err("linked dir");
        assert!(matches!(err, WriteError::LinkedDirectory { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&outside)?, "kept\n");
        assert!(!dir.path().join("new.env").exists());
        std::fs::create_dir(repo.join("d.env"))?;
        let err = write_file(&repo.join("d.env"), b"X=\n", &boundary).expect_err("a directory");
        assert!(matches!(err, WriteError::NotRegular { .. }), "{err}");
        Ok(())
    }
}
