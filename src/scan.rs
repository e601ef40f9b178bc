//! The scan: walk the roots in parallel, extract each file's reads, merge into an [`Inventory`].
//!
//! Each worker thread owns its parsers and collects its results in a local vector; the vectors
//! are merged once per thread when the walk ends, so no lock is taken per file. The merge is then
//! sorted, so the output does not depend on the number of threads.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex};

use aho_corasick::{AhoCorasick, MatchKind};
use ignore::WalkState;

use crate::cache::{Cache, Known, Stat};
use crate::extract::{self, FileFacts, Limits};
use crate::lang::{Family, Language, Parsers};
use crate::model::Inventory;
use crate::walk::{self, SourceText, WalkOptions};

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
    /// The stat the result cache took of the regular file at `source` (none without the cache,
    /// for a file changed in the last seconds, or one reached through a link): what later looks
    /// at the file (the search for project helpers, a base revision's scan) need not `stat` it.
    pub stat: Option<Stat>,
}

/// One per walked source file, most of them skipped: the parsed facts are behind a pointer so
/// that the result lists the workers grow, merge and sort hold small values (unboxed, a file's
/// result was 440 bytes, and moving them touched megabytes of fresh memory on a 5,000-file
/// tree), and shared ([`Walked::files`] and a base revision's scan hold the same facts; the
/// project pass copies a file's facts before it changes them).
#[derive(Clone, Debug)]
pub enum Outcome {
    /// No trigger word: cannot hold a read, not parsed.
    Skipped,
    /// Parsed, with an optional note for the user (e.g. invalid UTF-8).
    Parsed(Arc<FileFacts>, Option<String>),
    /// Not parsed, for the reason given (too large, minified, binary).
    NotParsed(String),
    /// Could not be read.
    Error(String),
}

/// Words without which a file cannot hold a read. Checked before any parse, in one pass over the
/// file per family (Aho-Corasick, with its SIMD prefilter). `environ` and `getenv` must end
/// there (`environb` and `getenvb` too), so that prose about "the environment" is no trigger.
const PYTHON_TRIGGERS: [&str; 4] = ["environ", "getenv", "BaseSettings", "decouple"];
/// A script read needs an env object (`process.env`, `import.meta.env`, `Bun.env`, `Deno.env`,
/// see `extract::script::env_object`) or a framework call (envalid's `cleanEnv` and
/// `customCleanEnv`, t3's `createEnv`, Vite's `loadEnv`). The first word is `env`, checked in
/// context by [`env_object_at`]; any of the others lets the file through when it ends there
/// (`createEnv(`, not `createEnvironmentInjector(`).
const SCRIPT_TRIGGERS: [&str; 5] = ["env", "cleanEnv", "CleanEnv", "createEnv", "loadEnv"];

static PYTHON_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| triggers(&PYTHON_TRIGGERS));
static SCRIPT_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| triggers(&SCRIPT_TRIGGERS));

/// Leftmost-first rather than the default standard semantics: only leftmost kinds get the SIMD
/// (Teddy) search, which on this corpus is several times faster than the rare-byte prefilter
/// standard semantics fall back to. No trigger word contains another, so both report the same
/// hits.
fn triggers(words: &[&str]) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(words)
        .ok()
}

pub(crate) fn may_hold_reads(family: Family, src: &[u8]) -> bool {
    // The automata are built from constant words and cannot fail; if one somehow did, the file
    // is parsed (never a missed read).
    match family {
        Family::Python => PYTHON_MATCHER.as_ref().is_none_or(|m| {
            m.find_iter(src).any(|hit| match hit.pattern().as_usize() {
                // `environ`, `getenv` (and `environb`, `getenvb`) as whole words at their end:
                // the word `environment` in docstrings and comments is not a trigger
                0 | 1 => {
                    word_ends_at(src, hit.end())
                        || (src.get(hit.end()) == Some(&b'b') && word_ends_at(src, hit.end() + 1))
                }
                _ => true,
            })
        }),
        Family::Script => SCRIPT_MATCHER.as_ref().is_none_or(|m| {
            m.find_iter(src).any(|hit| match hit.pattern().as_usize() {
                0 => env_object_at(src, hit.start()),
                // `createEnv(`, not `createEnvironmentInjector(`
                _ => word_ends_at(src, hit.end()),
            })
        }),
    }
}

/// Whether no identifier character follows `at` (so a word ending there is whole at its end).
/// Non-ASCII bytes count as identifier characters: both languages allow them in names.
fn word_ends_at(src: &[u8], at: usize) -> bool {
    src.get(at)
        .is_none_or(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$') || !b.is_ascii()))
}

/// Whether the `env` at `at` can end an env object: `process.env`, `import.meta.env`, `Bun.env`
/// or `Deno.env`, with whitespace or `?.` around the dot, as the extractor normalises them. A
/// superset: non-ASCII bytes count as whitespace and what precedes `process` is not checked.
fn env_object_at(src: &[u8], at: usize) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$');
    if src.get(at + 3).is_some_and(ident) {
        return false;
    }
    let space = |b: u8| b.is_ascii_whitespace() || !b.is_ascii();
    let mut i = at;
    while i > 0 && space(src[i - 1]) {
        i -= 1;
    }
    if i == 0 || src[i - 1] != b'.' {
        return false;
    }
    i -= 1;
    while i > 0 && (space(src[i - 1]) || src[i - 1] == b'?') {
        i -= 1;
    }
    let before = &src[..i];
    [&b"process"[..], b"meta", b"Bun", b"Deno"]
        .iter()
        .any(|word| before.ends_with(word))
}

/// Options of a scan.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    /// Parse every file, without the trigger-word prefilter (tests compare both).
    pub no_prefilter: bool,
    /// The result cache (src/cache.rs); `None` parses every file that passes the prefilter.
    pub cache: Option<crate::cache::Location>,
    /// The absolute directory paths are shown relative to (the repository top for `check` and
    /// `diff`, so that every format names a file the same way whatever was scanned); `None`:
    /// the scanned directory when there is one, else paths as given.
    pub display_base: Option<PathBuf>,
    /// Files scanned besides the walk: a base revision's files whose content is the work
    /// tree's, read there instead of being written out (see `Workspace::at_revision`). The
    /// caller decides they belong to the scan.
    pub borrowed: Vec<Borrowed>,
    /// Files scanned besides the walk, given by their content: a base revision's source files
    /// changed since, read from git instead of being written out. The caller decides they
    /// belong to the scan.
    pub given: Vec<Given>,
}

/// A file of another tree given by its content (see [`ScanOptions::given`]).
#[derive(Clone, Debug)]
pub struct Given {
    /// Where it is shown: its path in the other tree (nothing is read there).
    pub shown: PathBuf,
    /// Its bytes, as a file of that tree holds them.
    pub text: Vec<u8>,
}

/// A file of another tree whose content is a file of this one (see [`ScanOptions::borrowed`]).
#[derive(Clone, Debug)]
pub struct Borrowed {
    /// Where it is shown: its path in the other tree, as a report shows it (relative to the
    /// scan's display base, `/`-separated).
    pub shown: String,
    /// Where its content is read.
    pub read: PathBuf,
    /// What the scan of this tree's walk made of that content, and the stat its cache took
    /// ([`Walked::files`]), when it made something: used as it is, the file is not even looked
    /// at again.
    pub known: Option<(Outcome, Option<Stat>)>,
}

/// A source file a walk yielded ([`Walked::files`]).
#[derive(Clone, Debug)]
pub struct WalkedFile {
    /// Where it was read (absolute when the roots are).
    pub source: PathBuf,
    /// The outcome of the file alone, before the Python project pass and the search for
    /// project helpers, which a scan of another tree does for itself.
    pub outcome: Outcome,
    /// The stat the result cache took of it when it is a regular file (none without the cache,
    /// none of a file changed in the last seconds): the work-tree side of
    /// `git::same_as_work_tree`, which then needs no `stat` of its own.
    pub stat: Option<Stat>,
}

/// What a walk met besides the inventory, for the reuse of this scan by a base revision's.
#[derive(Debug, Default)]
pub struct Walked {
    /// Every source file the walk yielded, by its path as shown ([`FileResult::path`]:
    /// relative to the display base), with what the walk made of it ([`WalkedFile`]).
    pub files: std::collections::HashMap<String, WalkedFile>,
    /// The ignore files ([`IGNORE_FILES`]) the walk met: a directory the walk entered has
    /// these and no others, unless one ignores itself (then it only adds rules the walk
    /// applied anyway, and it is not looked for again).
    pub ignore_files: std::collections::HashSet<PathBuf>,
}

/// What the walk's workers met besides results (see [`Walked`]).
#[derive(Debug, Default)]
struct Found {
    ignore_files: Vec<PathBuf>,
    /// The Python files the prefilter skipped, as read, up to [`KEPT_TEXT_BUDGET`] bytes in all:
    /// the search for project helpers looks in them without reading them again.
    python_texts: Vec<(PathBuf, KeptText)>,
}

/// A skipped Python file's text and its reading note.
#[derive(Debug)]
struct KeptText {
    text: Box<[u8]>,
    note: Option<String>,
}

/// The most bytes of skipped Python files a scan keeps for the search for project helpers
/// (beyond it, that search reads the files again): on polar (1,932 skipped Python files, 16 MB)
/// reading them a second time was a third of an uncached run. The bound keeps the peak memory of
/// a large tree within the benchmark's 200 MB.
const KEPT_TEXT_BUDGET: usize = 32 << 20;

/// The names of the ignore files the source walk honours in each directory (src/walk.rs).
pub const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// Scans `roots` (files or directories that exist) and returns the sorted inventory.
pub fn scan(roots: &[PathBuf], options: &ScanOptions) -> anyhow::Result<Inventory> {
    scan_walked(roots, options).map(|(inventory, _)| inventory)
}

/// [`scan`], with what the walk met.
pub fn scan_walked(
    roots: &[PathBuf],
    options: &ScanOptions,
) -> anyhow::Result<(Inventory, Walked)> {
    // with an explicit base, the walk starts from absolute roots, so that every path can be
    // shown relative to it
    let absolute: Vec<PathBuf>;
    let (roots, base) = match &options.display_base {
        Some(base) => {
            absolute = roots
                .iter()
                .map(|r| r.canonicalize().unwrap_or_else(|_| r.clone()))
                .collect();
            (absolute.as_slice(), Some(base.clone()))
        }
        None => (roots, display_base(roots)),
    };
    let root_refs: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let cache = options
        .cache
        .clone()
        .map(|at| Cache::open(at, crate::cache::settings_key(&Limits::default())));
    let results: Mutex<Vec<FileResult>> = Mutex::new(Vec::new());
    let found: Mutex<Found> = Mutex::default();
    let kept = AtomicUsize::new(0);
    let walker = walk::source_walker(&root_refs, &options.walk)
        .map_err(|e| anyhow::anyhow!("include/exclude: {e}"))?;
    let new_worker = || Worker {
        parsers: Parsers::default(),
        buf: Vec::new(),
        results: Vec::new(),
        sink: &results,
        base: base.as_deref(),
        no_prefilter: options.no_prefilter,
        cache: cache.as_ref(),
        found: Found::default(),
        found_sink: &found,
        kept: &kept,
        last_stat: None,
    };
    walker.run(|| {
        let mut worker = new_worker();
        Box::new(move |entry| {
            match entry {
                Ok(entry) => match entry.file_type() {
                    Some(t) if t.is_file() => {
                        if IGNORE_FILES.iter().any(|name| entry.file_name() == *name) {
                            worker.found.ignore_files.push(entry.path().to_path_buf());
                        }
                        worker.file(entry.path(), true);
                    }
                    Some(t) if t.is_symlink() => worker.symlink(entry.path()),
                    Some(t) if !t.is_dir() => worker.special(entry.path()),
                    _ => {}
                },
                Err(err) => worker.walk_error(err),
            }
            WalkState::Continue
        })
    });
    // (the parsed facts are shared, not copied)
    let walked_files = results
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .map(|f| {
            let file = WalkedFile {
                source: f.source.clone(),
                outcome: f.outcome.clone(),
                stat: f.stat,
            };
            (f.path.clone(), file)
        })
        .collect();
    scan_borrowed(
        (&options.borrowed, &options.given),
        options.walk.threads,
        &results,
        new_worker,
    );
    let mut files = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let found = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !options.no_prefilter {
        let texts: HashMap<PathBuf, KeptText> = found.python_texts.into_iter().collect();
        parse_files_naming_project_helpers(
            &mut files,
            options.walk.threads,
            cache.as_ref(),
            &texts,
        );
    }
    if let Some(cache) = cache {
        cache.save();
    }
    resolve_python_project(&mut files);
    let walked = Walked {
        files: walked_files,
        ignore_files: found.ignore_files.into_iter().collect(),
    };
    Ok((Inventory::from_files(files), walked))
}

/// Scans the borrowed and the given files (see [`ScanOptions::borrowed`]): those with a known
/// outcome take it, the others are read (or taken as given) in parallel, each worker made by
/// `new_worker`; their results join the walk's.
fn scan_borrowed<'a>(
    (borrowed, given): (&[Borrowed], &[Given]),
    threads: usize,
    sink: &Mutex<Vec<FileResult>>,
    new_worker: impl Fn() -> Worker<'a> + Sync,
) {
    let (known, borrowed): (Vec<&Borrowed>, Vec<&Borrowed>) =
        borrowed.iter().partition(|b| b.known.is_some());
    sink.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .extend(known.into_iter().filter_map(|b| {
            let (outcome, stat) = b.known.clone()?;
            Some(FileResult {
                path: b.shown.clone(),
                source: b.read.clone(),
                outcome,
                stat,
            })
        }));
    let count = borrowed.len() + given.len();
    if count == 0 {
        return;
    }
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, count);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut worker = new_worker();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            if let Some(b) = borrowed.get(at) {
                worker.borrowed(&b.shown, &b.read);
            } else if let Some(g) = at.checked_sub(borrowed.len()).and_then(|at| given.get(at)) {
                worker.given(&g.shown, &g.text);
            } else {
                break;
            }
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        for handle in handles {
            // a worker that panicked takes the run down (exit 2), never its files silently
            handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
    });
}

/// The prefilter skips files without a trigger word, but a file may read the environment only
/// through a helper function, a settings base class or an env instance defined in another
/// module. Skipped Python files that name one of those are parsed now, in parallel, and so are
/// again, whole, files whose parse left out a definition that names one (see
/// [`extract::extract_needed`]); names that the files parsed this way define in turn (a settings
/// class deriving from one in another module) are searched for again, until no new name turns
/// up.
fn parse_files_naming_project_helpers(
    files: &mut [FileResult],
    threads: usize,
    cache: Option<&Cache>,
    texts: &HashMap<PathBuf, KeptText>,
) {
    let mut searched: HashSet<String> = HashSet::new();
    loop {
        let names: Vec<String> = project_names(files)
            .into_iter()
            .filter(|n| !searched.contains(n))
            .collect();
        if names.is_empty() {
            return;
        }
        searched.extend(names.iter().cloned());
        // Leftmost-longest: where a name is a prefix of another, the longer one is seen, so the
        // identifier-boundary check below cannot skip over a whole-word match.
        let Ok(matcher) = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
        else {
            return;
        };
        let candidates: Vec<Candidate> = files
            .iter()
            .enumerate()
            .filter(|(_, f)| Language::from_path(&f.source) == Some(Language::Python))
            .filter_map(|(index, f)| {
                let left_out = match &f.outcome {
                    Outcome::Skipped => None,
                    Outcome::Parsed(facts, _) if !facts.left_out.is_empty() => {
                        Some(facts.left_out.clone())
                    }
                    _ => return None,
                };
                Some(Candidate {
                    index,
                    path: f.source.clone(),
                    stat: f.stat,
                    left_out,
                })
            })
            .collect();
        let digest = crate::cache::names_digest(&names);
        let cache = cache.map(|c| (c, digest));
        let parsed = parse_naming(&candidates, &matcher, threads, cache, texts);
        if parsed.is_empty() {
            return;
        }
        for (i, outcome) in parsed {
            files[i].outcome = outcome;
        }
    }
}

/// The names a trigger-less Python file may use to read the environment through another module:
/// env helper functions, env reader instances, classes that may be pydantic-settings classes (a
/// base named `BaseSettings` or named like such a class, a superset of what the project pass
/// accepts), and with a nested delimiter, the annotations of their fields (nested models).
fn project_names(files: &[FileResult]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut classes = Vec::new();
    for file in files {
        if let Outcome::Parsed(facts, _) = &file.outcome {
            let py = &facts.python;
            names.extend(py.helpers.iter().map(|h| h.name.clone()));
            names.extend(py.instances.iter().map(|(n, _)| n.clone()));
            classes.extend(py.classes.iter());
        }
    }
    let last = |path: &str| path.rsplit('.').next().unwrap_or(path).to_string();
    let mut settings: HashSet<String> = HashSet::from(["BaseSettings".to_string()]);
    let mut is_settings = vec![false; classes.len()];
    loop {
        let mut grew = false;
        for (i, class) in classes.iter().enumerate() {
            if !is_settings[i] && class.bases.iter().any(|b| settings.contains(&last(b))) {
                is_settings[i] = true;
                settings.insert(class.name.clone());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let settings_classes = || classes.iter().zip(&is_settings).filter(|(_, s)| **s);
    let nested = settings_classes().any(|(c, _)| c.config.nested_delimiter.is_some());
    for (class, _) in settings_classes() {
        names.insert(class.name.clone());
        if nested {
            for field in &class.fields {
                let annotation = field.annotation.trim();
                if !annotation.is_empty()
                    && annotation
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                {
                    names.insert(last(annotation));
                }
            }
        }
    }
    names.remove("BaseSettings");
    names.retain(|n| !n.is_empty());
    names
}

/// A Python file the project pass may parse (again).
struct Candidate {
    /// Its index in the scan's files.
    index: usize,
    path: PathBuf,
    stat: Option<Stat>,
    /// What its parse left out, for a file that was parsed; `None` for a skipped one.
    left_out: Option<Vec<std::ops::Range<usize>>>,
}

/// Reads each candidate (or takes the text the walk kept of it) and parses those that name one
/// of `matcher`'s names as a whole identifier (a parsed one: in what its parse left out), whole,
/// on `threads` threads (0: one per core). Returns `(index, outcome)` of those.
fn parse_naming(
    candidates: &[Candidate],
    matcher: &AhoCorasick,
    threads: usize,
    cache: Option<(&Cache, [u8; 32])>,
    texts: &HashMap<PathBuf, KeptText>,
) -> Vec<(usize, Outcome)> {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, candidates.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut parsers = Parsers::default();
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let Some(candidate) = candidates.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return out;
            };
            let (i, path, known_stat) = (&candidate.index, &candidate.path, candidate.stat);
            if let Some(left_out) = &candidate.left_out {
                let note = match walk::read_source(path, MAX_FILE_SIZE, &mut buf) {
                    Ok(SourceText::Read(note)) => note,
                    _ => continue,
                };
                // (a file changed since its parse is parsed again whatever it names)
                let names_one = left_out
                    .iter()
                    .any(|range| buf.get(range.clone()).is_none_or(|t| names_any(matcher, t)));
                if names_one && memchr::memchr(0, &buf).is_none() {
                    let cache = cache.map(|(cache, _)| (cache, known_stat));
                    let outcome = parse(Language::Python, &buf, &mut parsers, note, cache, true);
                    out.push((*i, outcome));
                }
                continue;
            }
            // (the stat the walk took is as good as a new one)
            let stat = || known_stat.or_else(|| Stat::of(path, Language::Python));
            if let Some(kept) = texts.get(path) {
                let src = &kept.text[..];
                if !names_any(matcher, src) {
                    if let Some((c, names)) = cache
                        && let Some(stat) = stat()
                    {
                        c.put_stat(stat, Known::SkippedWithout { names });
                    }
                } else if memchr::memchr(0, src).is_none() {
                    let cached = cache.map(|(cache, _)| (cache, None));
                    let note = kept.note.clone();
                    let outcome = parse(Language::Python, src, &mut parsers, note, cached, true);
                    out.push((*i, outcome));
                }
                continue;
            }
            // a file unchanged since a run found it names none of these names is not read
            let stat = cache.and_then(|(c, names)| Some((c, names, stat()?)));
            if let Some((c, names, stat)) = stat
                && let Some((Known::SkippedWithout { names: known }, _)) = c.by_stat(&stat)
                && known == names
            {
                continue;
            }
            let note = match walk::read_source(path, MAX_FILE_SIZE, &mut buf) {
                Ok(SourceText::Read(note)) => note,
                _ => continue,
            };
            if !names_any(matcher, &buf) {
                if let Some((c, names, stat)) = stat {
                    c.put_stat(stat, Known::SkippedWithout { names });
                }
                continue;
            }
            if memchr::memchr(0, &buf).is_none() {
                let cache = cache.map(|(cache, _)| (cache, None));
                let outcome = parse(Language::Python, &buf, &mut parsers, note, cache, true);
                out.push((*i, outcome));
            }
        }
    };
    let mut parsed: Vec<(usize, Outcome)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                // a worker that panicked takes the run down (exit 2), never its files silently
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    parsed.sort_by_key(|(i, _)| *i);
    parsed
}

/// Whether the Python source `src` uses one of the names: as a whole identifier (not inside a
/// longer one), in code (not in a comment or in a string's text, where a docstring or a message
/// naming a settings class would cost a parse of its whole module for nothing).
fn names_any(matcher: &AhoCorasick, src: &[u8]) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut whole = matcher.find_iter(src).filter(|m| {
        let before = m.start().checked_sub(1).map(|i| src[i]);
        let after = src.get(m.end()).copied();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    });
    let Some(first) = whole.next() else {
        return false;
    };
    // (only a file that names one at all is lexed)
    let literal = crate::extract::python::lexer::literal_spans(src);
    std::iter::once(first).chain(whole).any(|m| {
        // the last span starting at or before the match is the only one that can hold it
        let after = literal.partition_point(|span| span.start <= m.start());
        !after
            .checked_sub(1)
            .is_some_and(|i| literal[i].contains(&m.start()))
    })
}

/// Parses a file that passed the prefilter (or every file, without it). `note` is what reading
/// the file had to say (a UTF-16 file with invalid code units). Unless `whole`, what cannot
/// hold a read is left out of the parse ([`extract::extract_needed`]).
fn parse(
    language: Language,
    src: &[u8],
    parsers: &mut Parsers,
    note: Option<String>,
    cache: Option<(&Cache, Option<Stat>)>,
    whole: bool,
) -> Outcome {
    let entry = cache.map(|_| Cache::entry_key(language, src, whole));
    let mut facts = match (cache, &entry) {
        (Some((cache, _)), Some(entry)) => match cache.get(entry, src) {
            Some(facts) => facts,
            None => {
                let facts = extract_budgeted(language, src, parsers, whole);
                cache.put(*entry, &facts);
                facts
            }
        },
        _ => extract_budgeted(language, src, parsers, whole),
    };
    if let Some(reason) = facts.abandoned.take() {
        return Outcome::NotParsed(reason);
    }
    let mut notes: Vec<String> = note.into_iter().collect();
    if std::str::from_utf8(src).is_err() {
        notes.push(
            "not valid UTF-8: parsed as bytes, names in the invalid parts may be missed"
                .to_string(),
        );
    }
    let cacheable = facts.notes.is_empty();
    notes.append(&mut facts.notes);
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    if let (Some((cache, Some(stat))), Some(content), true) = (cache, entry, cacheable) {
        let note = note.clone();
        cache.put_stat(stat, Known::Parsed { content, note });
    }
    Outcome::Parsed(Arc::new(facts), note)
}

/// Extracts a file's facts within the shared budget of bytes parsed at once.
fn extract_budgeted(
    language: Language,
    src: &[u8],
    parsers: &mut Parsers,
    whole: bool,
) -> FileFacts {
    let _budget = ParseBudget::acquire(src.len());
    if whole {
        extract::extract(language, src, parsers)
    } else {
        extract::extract_needed(language, src, parsers)
    }
}

/// The outcome for a FIFO, socket or device named like a source file: never opened for a read
/// that could block.
fn not_regular() -> Outcome {
    Outcome::NotParsed("not a regular file (a FIFO, socket or device), not read".to_string())
}

/// Runs the Python project pass over every parsed Python file.
pub(crate) fn resolve_python_project(files: &mut [FileResult]) {
    let mut refs: Vec<(&str, &mut FileFacts)> = files
        .iter_mut()
        .filter(|f| f.path.ends_with(".py"))
        .filter_map(|f| match &mut f.outcome {
            Outcome::Parsed(facts, _) => Some((f.path.as_str(), Arc::make_mut(facts))),
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

/// `path` as shown to users: relative to `base`, `/`-separated, without a leading `./`. An
/// absolute path outside an absolute base is shown relative to it all the same, with `..`
/// (a report names files relative to one place, never absolutely).
pub fn display_path(base: Option<&Path>, path: &Path) -> String {
    if let Some(b) = base
        && b.is_absolute()
        && path.is_absolute()
        && path.strip_prefix(b).is_err()
    {
        return climbing(b, path);
    }
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

/// `path` relative to `base`, both absolute, through their common ancestor: `../x/a.py`.
fn climbing(base: &Path, path: &Path) -> String {
    let base: Vec<_> = base.components().collect();
    let path: Vec<_> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A syntax tree takes about 25 times the memory of its source, so two threads parsing two 4 MiB
/// bundles at once would hold some 200 MB. Large files therefore share a budget of source bytes
/// parsed at once: a large file waits while others in flight would take the total past
/// [`PARSE_BUDGET`] (one file alone always goes). Files under [`LARGE_FILE`], nearly all of them,
/// never touch the lock.
const PARSE_BUDGET: usize = 4 * 1024 * 1024;
const LARGE_FILE: usize = 256 * 1024;

struct ParseBudget {
    bytes: usize,
}

static IN_FLIGHT: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

impl ParseBudget {
    fn acquire(bytes: usize) -> Option<ParseBudget> {
        if bytes < LARGE_FILE {
            return None;
        }
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        while *in_flight > 0 && *in_flight + bytes > PARSE_BUDGET {
            in_flight = FREED.wait(in_flight).unwrap_or_else(|p| p.into_inner());
        }
        *in_flight += bytes;
        Some(ParseBudget { bytes })
    }
}

impl Drop for ParseBudget {
    fn drop(&mut self) {
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        *in_flight = in_flight.saturating_sub(self.bytes);
        FREED.notify_all();
    }
}

struct Worker<'a> {
    parsers: Parsers,
    /// The file being scanned; its allocation is reused from file to file.
    buf: Vec<u8>,
    results: Vec<FileResult>,
    sink: &'a Mutex<Vec<FileResult>>,
    base: Option<&'a Path>,
    no_prefilter: bool,
    cache: Option<&'a Cache>,
    /// What this worker's part of the walk met besides results, and where it goes at the end.
    found: Found,
    found_sink: &'a Mutex<Found>,
    /// Bytes of skipped Python files kept so far, by every worker (see [`KEPT_TEXT_BUDGET`]).
    kept: &'a AtomicUsize,
    /// The stat [`Worker::outcome`] took of the file it was last given, if it took one.
    last_stat: Option<Stat>,
}

impl Worker<'_> {
    /// A source file the walk met: a regular file, or a link's target (`regular: false`).
    fn file(&mut self, path: &Path, regular: bool) {
        let Some(language) = Language::from_path(path) else {
            return;
        };
        let outcome = self.outcome(language, path);
        let stat = self.last_stat.take().filter(|_| regular);
        self.results.push(FileResult {
            path: display_path(self.base, path),
            source: path.to_path_buf(),
            outcome,
            stat,
        });
    }

    /// A file shown as `shown` whose content is read at `read` (a borrowed file).
    fn borrowed(&mut self, shown: &str, read: &Path) {
        let Some(language) = Language::from_path(read) else {
            return;
        };
        let outcome = self.outcome(language, read);
        self.results.push(FileResult {
            path: shown.to_string(),
            source: read.to_path_buf(),
            outcome,
            stat: self.last_stat.take(),
        });
    }

    /// A file shown at `shown` given by its content `text` (a given file): read as a file
    /// holding those bytes is, without the cache's stat.
    fn given(&mut self, shown: &Path, text: &[u8]) {
        let Some(language) = Language::from_path(shown) else {
            return;
        };
        let outcome = if text.len() as u64 > MAX_FILE_SIZE {
            too_large()
        } else {
            self.buf.clear();
            self.buf.extend_from_slice(text);
            let note = walk::decode(&mut self.buf);
            self.outcome_of_text(language, shown, note, None, true)
        };
        self.results.push(FileResult {
            path: display_path(self.base, shown),
            source: shown.to_path_buf(),
            outcome,
            stat: None,
        });
    }

    /// A symbolic link named like a source file. Links to files are read through (the code
    /// behind them is code of the project); links to directories are not followed (the walk
    /// could loop); a dangling or looping link gets a note.
    fn symlink(&mut self, path: &Path) {
        if Language::from_path(path).is_none() {
            return;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => self.file(path, false),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => self.push(path, not_regular()),
            Err(err) => self.push(
                path,
                Outcome::NotParsed(format!(
                    "symbolic link that cannot be followed ({}), not read",
                    io_message(&err)
                )),
            ),
        }
    }

    /// A FIFO, socket or device: never read, noted when it is named like a source file.
    fn special(&mut self, path: &Path) {
        if Language::from_path(path).is_some() {
            self.push(path, not_regular());
        }
    }

    fn push(&mut self, path: &Path, outcome: Outcome) {
        self.results.push(FileResult {
            path: display_path(self.base, path),
            source: path.to_path_buf(),
            outcome,
            stat: None,
        });
    }

    fn outcome(&mut self, language: Language, path: &Path) -> Outcome {
        // A file unchanged since a recorded run is not read at all (src/cache.rs).
        let stat = match self.cache {
            Some(cache) if !self.no_prefilter => Stat::of(path, language).map(|stat| (cache, stat)),
            _ => None,
        };
        self.last_stat = stat.map(|(_, stat)| stat);
        if let Some((cache, stat)) = stat
            && let Some(known) = cache.by_stat(&stat)
        {
            match known {
                (Known::Skipped | Known::SkippedWithout { .. }, _) => return Outcome::Skipped,
                (Known::Parsed { note, .. }, Some(facts)) => {
                    return Outcome::Parsed(Arc::new(facts), note);
                }
                (Known::Parsed { .. }, None) => {}
            }
        }
        // One open and one fstat per file; the buffer is the worker's, reused.
        let note = match walk::read_source(path, MAX_FILE_SIZE, &mut self.buf) {
            Ok(SourceText::Read(note)) => note,
            Ok(SourceText::TooLarge) => return too_large(),
            Ok(SourceText::NotRegular) => return not_regular(),
            Ok(SourceText::Kernel) => {
                return Outcome::NotParsed(
                    "a file of the kernel (under /proc, /sys or /dev), not read".to_string(),
                );
            }
            Err(err) => return Outcome::Error(io_message(&err)),
        };
        self.outcome_of_text(language, path, note, stat, false)
    }

    /// [`Worker::outcome`] of the text in the buffer (`note`: what reading it noted). A skipped
    /// Python file's text is kept for the search for project helpers within the budget, or
    /// always (`keep`: it cannot be read again).
    fn outcome_of_text(
        &mut self,
        language: Language,
        path: &Path,
        note: Option<String>,
        stat: Option<(&Cache, Stat)>,
        keep: bool,
    ) -> Outcome {
        let src = &self.buf[..];
        if !self.no_prefilter && !may_hold_reads(language.family(), src) {
            if let Some((cache, stat)) = stat {
                cache.put_stat(stat, Known::Skipped);
            }
            if language == Language::Python
                && (self.kept.fetch_add(src.len(), Ordering::Relaxed) + src.len()
                    <= KEPT_TEXT_BUDGET
                    || keep)
            {
                let kept = KeptText {
                    text: src.into(),
                    note,
                };
                self.found.python_texts.push((path.to_path_buf(), kept));
            }
            return Outcome::Skipped;
        }
        if memchr::memchr(0, src).is_some() {
            return Outcome::NotParsed("binary file (NUL byte), not parsed".to_string());
        }
        if language.family() == Family::Script && walk::looks_minified(src) {
            return Outcome::NotParsed("looks minified, not parsed".to_string());
        }
        // (a given file cannot be read again for the project pass: parsed whole)
        parse(
            language,
            src,
            &mut self.parsers,
            note,
            self.cache.map(|cache| (cache, stat.map(|(_, stat)| stat))),
            self.no_prefilter || keep,
        )
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
            stat: None,
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
        drop(sink);
        let mut found = self
            .found_sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        found.ignore_files.append(&mut self.found.ignore_files);
        found.python_texts.append(&mut self.found.python_texts);
    }
}

/// The outcome of a source file larger than a scan reads.
fn too_large() -> Outcome {
    Outcome::NotParsed(format!(
        "larger than {} MiB, not parsed",
        MAX_FILE_SIZE / (1024 * 1024)
    ))
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
            display_path(Some(Path::new("/x/y")), Path::new("/x/a/c.py")),
            "../a/c.py"
        );
        assert_eq!(
            display_path(Some(Path::new("/x")), Path::new("/a/c.py")),
            "../a/c.py"
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
        for src in [
            "const a = process\n  .env\n  .X;",
            "const a = process.\n  env.X;",
            "const a = globalThis . process ?. env ?. X;",
            "const { A } = import.meta.env;",
            "Bun.env.X",
            "x = process.env",
            "customCleanEnv(source, spec)",
            "cleanEnv(src, {})",
            "createEnv({})",
            "loadEnv(mode, root)",
        ] {
            assert!(may_hold_reads(Family::Script, src.as_bytes()), "{src}");
        }
        for src in [
            "this.env.X",
            "options.env",
            "require('dotenv').config({ path: '.env' })",
            "process.environment",
            "const env = 1; env.X",
            "process.env_X",
            "env",
            "createEnvironmentInjector(providers)",
            "loadEnvFile()",
        ] {
            assert!(!may_hold_reads(Family::Script, src.as_bytes()), "{src}");
        }
        for src in [
            "import os\nenviron = 1",
            "from os import environb",
            "os.getenvb(b'X')",
            "x = os.environ",
            "import environ",
            "getenv",
            "class S(BaseSettings): pass",
        ] {
            assert!(may_hold_reads(Family::Python, src.as_bytes()), "{src}");
        }
        for src in [
            "# reads the environment",
            "\"\"\"environment variables\"\"\"",
            "environ_name = 1",
            "getenvironment()",
            "os.environbx",
        ] {
            assert!(!may_hold_reads(Family::Python, src.as_bytes()), "{src}");
        }
    }
}
