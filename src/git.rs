//! Reading a base revision from git (`--base REF`), without touching the working tree or the
//! index: `git ls-tree` lists the files of REF, `git cat-file --batch` streams the blobs that can
//! matter (source files, env files, configuration) into a temporary directory, and the ordinary
//! scan runs there.
//!
//! envcheck runs the `git` program with fixed arguments; it never executes anything it reads.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::lang::Language;
use crate::walk;

/// Errors of the git layer. Messages name the revision and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git could not be run: {0}")]
    Spawn(std::io::Error),
    #[error("{path} is not inside a git repository (--base needs one)")]
    NotARepository { path: String },
    #[error(
        "revision `{rev}` is not in this shallow clone: fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout) and try again"
    )]
    Shallow { rev: String },
    #[error("revision `{rev}` does not exist in this repository")]
    UnknownRevision { rev: String },
    #[error("git {what} failed: {message}")]
    Failed { what: &'static str, message: String },
    #[error("writing the base tree: {0}")]
    Io(#[from] std::io::Error),
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    // never prompt, never page, never read the user's git config hooks for this
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GIT_PAGER", "cat");
    cmd
}

fn run(dir: &Path, args: &[&str], what: &'static str) -> Result<Vec<u8>, GitError> {
    let out = git(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if !out.status.success() {
        return Err(GitError::Failed {
            what,
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// The top directory of the repository holding `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let out = run(dir, &["rev-parse", "--show-toplevel"], "rev-parse").map_err(|_| {
        GitError::NotARepository {
            path: dir.display().to_string(),
        }
    })?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim()))
}

/// The commit `rev` names; a clear error for a shallow clone that lacks it.
pub fn resolve_commit(dir: &Path, rev: &str) -> Result<String, GitError> {
    if rev.starts_with('-') {
        return Err(GitError::UnknownRevision {
            rev: rev.to_string(),
        });
    }
    let spec = format!("{rev}^{{commit}}");
    match run(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
        "rev-parse",
    ) {
        Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
        Err(_) => {
            let shallow = run(dir, &["rev-parse", "--is-shallow-repository"], "rev-parse")
                .map(|o| String::from_utf8_lossy(&o).trim() == "true")
                .unwrap_or(false);
            if shallow {
                Err(GitError::Shallow {
                    rev: rev.to_string(),
                })
            } else {
                Err(GitError::UnknownRevision {
                    rev: rev.to_string(),
                })
            }
        }
    }
}

/// Does a path of the base tree matter to a scan? Source files, env files, configuration.
fn wanted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    Language::from_path(Path::new(name)).is_some()
        || walk::is_env_file_name(name)
        || matches!(
            name,
            ".gitignore" | ".ignore" | "envcheck.toml" | ".envcheck.toml" | "pyproject.toml"
        )
}

/// Writes the file at `path` (relative to the repository top) of `commit` to `dest/path`;
/// nothing when the revision has no such file.
pub fn materialize_file(
    repo: &Path,
    commit: &str,
    path: &str,
    dest: &Path,
) -> Result<(), GitError> {
    let Ok(content) = run(
        repo,
        &["cat-file", "blob", &format!("{commit}:{path}")],
        "cat-file",
    ) else {
        return Ok(());
    };
    let target = dest.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&target, content)?;
    Ok(())
}

/// Whether `path` (relative to the repository top) is what a scan of `prefix` needs: a file it
/// would scan under `prefix`, or anywhere, a file a scan may look for outside it (env files such
/// as an example file above it or named with `--example`, the configuration, ignore files).
/// Those are few and small; source files outside `prefix` are never needed.
fn needed(path: &str, prefix: &str) -> bool {
    if !wanted(path) {
        return false;
    }
    if prefix.is_empty() || path.starts_with(&format!("{prefix}/")) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    Language::from_path(Path::new(name)).is_none()
}

/// Writes the files of `commit` that a scan of `prefix` (a directory relative to the repository
/// top, `""` for all) needs into `dest`, at their paths relative to the top (see [`needed`]).
/// Submodules under `prefix` are read from their own repositories at the recorded commit when
/// they are checked out. The listing is filtered here, not by a pathspec, so no directory name
/// is read as pathspec magic.
pub fn materialize(
    repo: &Path,
    commit: &str,
    prefix: &str,
    dest: &Path,
) -> Result<usize, GitError> {
    let args = ["ls-tree", "-r", "-z", "--full-tree", commit];
    let prefix = prefix.trim_matches('/');
    let listing = run(repo, &args, "ls-tree")?;
    let mut submodules: Vec<(String, String)> = Vec::new();
    let mut blobs: Vec<(String, String)> = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        // `<mode> SP <type> SP <object> TAB <path>`
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            continue;
        }
        let under = prefix.is_empty() || path.starts_with(&format!("{prefix}/"));
        if kind == "commit" && under {
            submodules.push((object.to_string(), path.to_string()));
        }
        // regular files only: no symlinks (120000)
        if kind != "blob" || !mode.starts_with("100") || !needed(path, prefix) {
            continue;
        }
        blobs.push((object.to_string(), path.to_string()));
    }
    let mut written = 0;
    for (object, path) in &submodules {
        // a submodule that is not checked out is not scanned at HEAD either
        let sub_repo = repo.join(path);
        if !sub_repo.join(".git").exists() {
            continue;
        }
        written += materialize(&sub_repo, object, "", &dest.join(path)).map_err(|e| {
            GitError::Failed {
                what: "submodule",
                message: format!(
                    "{path}: cannot read its commit at this revision ({e}); run `git submodule update`"
                ),
            }
        })?;
    }
    if blobs.is_empty() {
        return Ok(written);
    }
    let mut child = git(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(GitError::Spawn)?;
    let mut stdin = child.stdin.take().ok_or(GitError::Failed {
        what: "cat-file",
        message: "no stdin".to_string(),
    })?;
    let objects: Vec<String> = blobs.iter().map(|(o, _)| o.clone()).collect();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for o in objects {
            writeln!(stdin, "{o}")?;
        }
        Ok(())
    });
    let stdout = child.stdout.take().ok_or(GitError::Failed {
        what: "cat-file",
        message: "no stdout".to_string(),
    })?;
    let mut reader = BufReader::new(stdout);
    for (_, rel) in &blobs {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        // `<object> SP blob SP <size>`
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| GitError::Failed {
                what: "cat-file",
                message: format!("unexpected reply for {rel}"),
            })?;
        let mut content = vec![0; size];
        reader.read_exact(&mut content)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        let target = dest.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &content)?;
        written += 1;
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let n = materialize(repo, &commit, "", out.path()).expect("materializes");
        assert_eq!(n, 1, "only the source file is needed");
        let text = std::fs::read_to_string(out.path().join("app/a.py")).expect("read");
        assert!(text.contains("OLD"));
        // the work tree keeps its change
        let work = std::fs::read_to_string(repo.join("app/a.py")).expect("read");
        assert!(work.contains("NEW"));
        let sub = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            materialize(repo, &commit, "app", sub.path()).expect("ok"),
            1
        );
        assert!(sub.path().join("app/a.py").is_file());
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
