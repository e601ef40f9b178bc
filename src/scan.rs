//! The scan: walk the roots in parallel, extract each file's reads, merge into an [`Inventory`].
//!
//! Each worker thread owns its parsers and collects its results in a local vector; the vectors
//! are merged once per thread when the walk ends, so no lock is taken per file. The merge is then
//! sorted, so the output does not depend on the number of threads.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use ignore::WalkState;
use memchr::memmem::Finder;

use crate::extract::{self, FileFacts};
use crate::lang::{Family, Language, Parsers};
use crate::model::Inventory;
use crate::walk::{self, WalkOptions};

/// Files larger than this are not parsed (a notice says so): generated code, data, bundles.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// One scanned file's result.
#[derive(Debug)]
pub struct FileResult {
    /// Path relative to the scanned root, with `/`.
    pub path: String,
    /// Path on disk.
    pub source: PathBuf,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub enum Outcome {
    /// No trigger word: cannot hold a read, not parsed.
    Skipped,
    /// Parsed, with an optional note for the user (e.g. invalid UTF-8).
    Parsed(FileFacts, Option<String>),
    /// Not parsed, for the reason given (too large, minified, binary).
    NotParsed(String),
    /// Could not be read.
    Error(String),
}

/// Substrings without which a file cannot hold a read. Checked before any parse.
static PYTHON_TRIGGERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
    ["environ", "getenv", "BaseSettings", "decouple"]
        .iter()
        .map(|t| Finder::new(*t))
        .collect()
});
static SCRIPT_TRIGGERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
    [".env", "env.", "cleanEnv", "createEnv", "loadEnv"]
        .iter()
        .map(|t| Finder::new(*t))
        .collect()
});

fn may_hold_reads(family: Family, src: &[u8]) -> bool {
    let triggers = match family {
        Family::Python => &*PYTHON_TRIGGERS,
        Family::Script => &*SCRIPT_TRIGGERS,
    };
    triggers.iter().any(|t| t.find(src).is_some())
}

/// Options of a scan.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    /// Parse every file, without the trigger-word prefilter (tests compare both).
    pub no_prefilter: bool,
}

/// Scans `roots` (files or directories that exist) and returns the sorted inventory.
pub fn scan(roots: &[PathBuf], options: &ScanOptions) -> anyhow::Result<Inventory> {
    let base = display_base(roots);
    let root_refs: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let results: Mutex<Vec<FileResult>> = Mutex::new(Vec::new());
    let walker = walk::source_walker(&root_refs, &options.walk)
        .map_err(|e| anyhow::anyhow!("include/exclude: {e}"))?;
    walker.run(|| {
        let mut worker = Worker {
            parsers: Parsers::default(),
            results: Vec::new(),
            sink: &results,
            base: base.as_deref(),
            no_prefilter: options.no_prefilter,
        };
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        worker.file(entry.path());
                    }
                }
                Err(err) => worker.walk_error(err),
            }
            WalkState::Continue
        })
    });
    let mut files = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if !options.no_prefilter {
        parse_files_naming_project_helpers(&mut files);
    }
    resolve_python_project(&mut files);
    Ok(Inventory::from_files(files))
}

/// The prefilter skips files without a trigger word, but a file may read the environment only
/// through a helper function, a settings base class or an env instance defined in another
/// module. Skipped Python files that name one of those are parsed now.
fn parse_files_naming_project_helpers(files: &mut [FileResult]) {
    let mut names: Vec<String> = Vec::new();
    for file in files.iter() {
        if let Outcome::Parsed(facts, _) = &file.outcome {
            let py = &facts.python;
            names.extend(py.helpers.iter().map(|h| h.name.clone()));
            names.extend(py.instances.iter().map(|(n, _)| n.clone()));
            names.extend(
                py.classes
                    .iter()
                    .filter(|c| !c.fields.is_empty())
                    .map(|c| c.name.clone()),
            );
        }
    }
    names.sort();
    names.dedup();
    if names.is_empty() {
        return;
    }
    let finders: Vec<Finder> = names.iter().map(|n| Finder::new(n.as_bytes())).collect();
    let mut parsers = Parsers::default();
    for file in files.iter_mut() {
        if !matches!(file.outcome, Outcome::Skipped) {
            continue;
        }
        if Language::from_path(&file.source) != Some(Language::Python) {
            continue;
        }
        let Ok(src) = std::fs::read(&file.source) else {
            continue;
        };
        if finders.iter().any(|f| f.find(&src).is_some()) && memchr::memchr(0, &src).is_none() {
            let facts = extract::extract(Language::Python, &src, &mut parsers);
            file.outcome = Outcome::Parsed(facts, None);
        }
    }
}

/// Runs the Python project pass over every parsed Python file.
pub(crate) fn resolve_python_project(files: &mut [FileResult]) {
    let mut refs: Vec<(&str, &mut FileFacts)> = files
        .iter_mut()
        .filter(|f| f.path.ends_with(".py"))
        .filter_map(|f| match &mut f.outcome {
            Outcome::Parsed(facts, _) => Some((f.path.as_str(), facts)),
            _ => None,
        })
        .collect();
    extract::python::project::resolve(&mut refs);
}

/// The directory output paths are relative to: the root itself when one directory is scanned.
fn display_base(roots: &[PathBuf]) -> Option<PathBuf> {
    match roots {
        [root] if root.is_dir() => Some(root.clone()),
        _ => None,
    }
}

/// `path` as shown to users: relative to `base`, `/`-separated, without a leading `./`.
pub fn display_path(base: Option<&Path>, path: &Path) -> String {
    let rel = base.and_then(|b| path.strip_prefix(b).ok()).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for part in rel.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => absolute = true,
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        rel.to_string_lossy().into_owned()
    } else {
        joined
    }
}

struct Worker<'a> {
    parsers: Parsers,
    results: Vec<FileResult>,
    sink: &'a Mutex<Vec<FileResult>>,
    base: Option<&'a Path>,
    no_prefilter: bool,
}

impl Worker<'_> {
    fn file(&mut self, path: &Path) {
        let Some(language) = Language::from_path(path) else {
            return;
        };
        let outcome = self.outcome(language, path);
        self.results.push(FileResult {
            path: display_path(self.base, path),
            source: path.to_path_buf(),
            outcome,
        });
    }

    fn outcome(&mut self, language: Language, path: &Path) -> Outcome {
        match std::fs::metadata(path) {
            Ok(meta) if meta.len() > MAX_FILE_SIZE => {
                return Outcome::NotParsed(format!(
                    "larger than {} MiB, not parsed",
                    MAX_FILE_SIZE / (1024 * 1024)
                ));
            }
            Ok(_) => {}
            Err(err) => return Outcome::Error(io_message(&err)),
        }
        let src = match std::fs::read(path) {
            Ok(src) => src,
            Err(err) => return Outcome::Error(io_message(&err)),
        };
        if !self.no_prefilter && !may_hold_reads(language.family(), &src) {
            return Outcome::Skipped;
        }
        if memchr::memchr(0, &src).is_some() {
            return Outcome::NotParsed("binary file (NUL byte), not parsed".to_string());
        }
        if language.family() == Family::Script && walk::looks_minified(&src) {
            return Outcome::NotParsed("looks minified, not parsed".to_string());
        }
        let facts = extract::extract(language, &src, &mut self.parsers);
        let note = std::str::from_utf8(&src).is_err().then(|| {
            "not valid UTF-8: parsed as bytes, names in the invalid parts may be missed".to_string()
        });
        Outcome::Parsed(facts, note)
    }

    fn walk_error(&mut self, err: ignore::Error) {
        let (path, message) = split_walk_error(&err);
        let source = path.clone().unwrap_or_default();
        self.results.push(FileResult {
            path: path
                .map(|p| display_path(self.base, &p))
                .unwrap_or_else(|| "<walk>".to_string()),
            source,
            outcome: Outcome::Error(message),
        });
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let mut sink = self
            .sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sink.append(&mut self.results);
    }
}

/// An I/O error as a message, without the OS's "(os error N)" suffix.
fn io_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn split_walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), split_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            split_walk_error(err)
        }
        ignore::Error::Loop { child, .. } => {
            (Some(child.clone()), "symbolic link loop".to_string())
        }
        ignore::Error::Io(io) => (None, io_message(io)),
        other => (None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        assert_eq!(
            display_path(Some(Path::new("/a")), Path::new("/a/b/c.py")),
            "b/c.py"
        );
        assert_eq!(display_path(None, Path::new("./b/c.py")), "b/c.py");
        assert_eq!(
            display_path(Some(Path::new("/x")), Path::new("/a/c.py")),
            "/a/c.py"
        );
    }

    #[test]
    fn triggers() {
        assert!(may_hold_reads(Family::Python, b"from os import environ"));
        assert!(may_hold_reads(Family::Python, b"os.getenv('X')"));
        assert!(!may_hold_reads(Family::Python, b"import sys"));
        assert!(may_hold_reads(Family::Script, b"process.env.X"));
        assert!(may_hold_reads(Family::Script, b"process?.env?.X"));
        assert!(may_hold_reads(Family::Script, b"Deno.env.get('X')"));
        assert!(!may_hold_reads(Family::Script, b"const a = 1;"));
    }
}
