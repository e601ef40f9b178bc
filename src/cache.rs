//! The result cache: what each source file yields ([`FileFacts`]), keyed by its content, so that
//! a re-run parses only the files that changed (in the manner of ruff's cache).
//!
//! ## What is cached, and under which key
//!
//! An entry is the [`FileFacts`] one file's extraction gave, before any project-wide pass: the
//! Python project pass (helpers, settings classes defined in other modules) runs again over the
//! cached and fresh facts alike, so it stays right when one file changes. The key is the SHA-256
//! of the file's bytes and its grammar: a renamed, copied or touched-but-unchanged file is a hit,
//! and so is the same file at another revision (`--base`). The whole cache is further keyed by
//! [`settings_key`]: envcheck's version, a digest of the sources it was built from (a development
//! build changes without a version bump), the cache format and the extraction limits. A cache
//! written under another key is not read.
//!
//! Only code facts are cached: names, positions, kinds, literal defaults as they stand in the
//! code. Nothing from a target source (env files, vaults, manifests, the process environment)
//! reaches [`FileFacts`], so nothing of it reaches the cache. Extractions that stopped at a
//! limit (a deadline, a match limit) are not cached: their result depends on the machine's load.
//!
//! ## Where
//!
//! `.envcheck_cache/` at the project root, else `--cache-dir` / `ENVCHECK_CACHE_DIR`;
//! `--no-cache` turns it off. The directory holds a `CACHEDIR.TAG` (backup tools skip it) and a
//! `.gitignore` of `*`, so git, and envcheck's own walk, never see it. A directory that cannot be
//! made or written (a read-only checkout) means no cache, never an error.
//!
//! ## The file
//!
//! One file, `facts.bin`, read once at the start of a scan and written, when the scan found
//! something new, atomically (a temporary file renamed over it, never through a symbolic link:
//! [`crate::boundary::write_file`]). Entries unused by a run and older than [`MAX_AGE_DAYS`] are
//! dropped when it is written. The format is hand-written rather than serde with a binary
//! format: the facts types live in the extractors and carry `&'static str` API names, and a
//! hand-written decoder bounds every length by the bytes left, so a damaged or hostile file
//! costs at most its size and gives a miss, never a panic. The decoder builds each struct with
//! all its fields named, so a field added to the facts types fails the build here until it is
//! cached too.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use sha2::{Digest, Sha256};

use crate::extract::python::{
    ClassConfig, HelperDef, HelperFallback, HelperKey, Instance, PyCall, PyClass, PyFacts, PyField,
    PyInit,
};
use crate::extract::{
    BuildDefine, BuildSource, DynamicRead, FileFacts, Limits, Read, ReadExtra, ReadKind, When,
};
use crate::lang::Language;
use crate::span::Position;
use crate::suppress::Comment;

/// The cache directory's name at the project root.
pub const DIR_NAME: &str = ".envcheck_cache";
/// The environment variable that names another cache directory.
pub const DIR_ENV: &str = "ENVCHECK_CACHE_DIR";
const FILE_NAME: &str = "facts.bin";
const MAGIC: &[u8; 16] = b"envcheck-facts\n\0";
/// Bumped whenever the encoding below changes.
const FORMAT: u32 = 2;
/// A cache file larger than this is not read (a damaged or foreign file, not ours).
const MAX_FILE: u64 = 512 * 1024 * 1024;
/// Entries no run used for this long are dropped when the cache is written.
pub const MAX_AGE_DAYS: u64 = 30;
/// Distinct API names a process interns from cache files (see [`intern`]).
const MAX_INTERNED: usize = 4096;

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by envcheck.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// Digest of the sources this binary was built from (build.rs).
const BUILD_DIGEST: &str = env!("ENVCHECK_BUILD_DIGEST");

type Hash = [u8; 32];

/// What the file system says about a file, enough to tell that it has not changed since a run
/// read it: its grammar, device and inode, size, and modification and change times to the
/// nanosecond. A file whose times are less than [`RACY_SECONDS`] old is not recorded (it may
/// change again within the clock's resolution).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stat([u64; 7]);

/// See [`Stat`].
const RACY_SECONDS: i64 = 2;

impl Stat {
    /// The file's stat, or `None` where it cannot be trusted (too recent, or not on Unix).
    #[cfg(unix)]
    pub fn of(path: &Path, language: Language) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt as _;
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs() as i64;
        if meta.mtime() > now - RACY_SECONDS || meta.ctime() > now - RACY_SECONDS {
            return None;
        }
        Some(Stat([
            language as u64,
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime() as u64,
            ((meta.mtime_nsec() as u64) << 32) | meta.ctime_nsec() as u64,
            meta.ctime() as u64,
        ]))
    }

    #[cfg(not(unix))]
    pub fn of(_path: &Path, _language: Language) -> Option<Stat> {
        None
    }

    fn size(&self) -> u64 {
        self.0[3]
    }

    /// The file's identity and times, as [`crate::git`] compares them with the index.
    pub(crate) fn file_stat(&self) -> crate::git::FileStat {
        let [_, dev, ino, size, mtime, nsecs, ctime] = self.0;
        crate::git::FileStat {
            dev,
            ino,
            size,
            mtime: mtime as i64,
            mtime_nsec: nsecs >> 32,
            ctime: ctime as i64,
            ctime_nsec: nsecs & 0xffff_ffff,
            owner: None,
        }
    }
}

/// What a file with a known [`Stat`] gave: nothing to parse, or the facts of its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// No trigger word: not parsed.
    Skipped,
    /// No trigger word, and none of the project names whose digest is given
    /// ([`names_digest`]): a Python file the search for project helpers need not read.
    SkippedWithout { names: Hash },
    /// Parsed: its content's entry and the note for the user.
    Parsed { content: Hash, note: Option<String> },
}

/// The key every entry of a cache shares: what, besides a file's bytes, decides its facts.
pub fn settings_key(limits: &Limits) -> Hash {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(FORMAT.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(BUILD_DIGEST.as_bytes());
    h.update([0]);
    h.update(format!("{limits:?}").as_bytes());
    h.finalize().into()
}

/// The digest of a list of project names (see [`Known::SkippedWithout`]).
pub fn names_digest(names: &[String]) -> Hash {
    let mut h = Sha256::new();
    for name in names {
        h.update(name.as_bytes());
        h.update([0]);
    }
    h.finalize().into()
}

/// Where the cache lives, from the flags and the environment: `None` when it is off. `root`
/// is the project root ([`crate::boundary::Boundary::root`]).
pub fn location(no_cache: bool, cache_dir: Option<&Path>, root: &Path) -> Option<Location> {
    if no_cache {
        return None;
    }
    if let Some(dir) = cache_dir {
        return Some(Location {
            dir: dir.to_path_buf(),
            in_project: false,
        });
    }
    if let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(Location {
            dir: PathBuf::from(dir),
            in_project: false,
        });
    }
    Some(Location {
        dir: root.join(DIR_NAME),
        in_project: true,
    })
}

/// A cache directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub dir: PathBuf,
    /// The default `.envcheck_cache` at the project root: the repository could have committed
    /// one, which is then neither read nor written (see [`Cache::open`]).
    pub in_project: bool,
}

/// One entry as read from the file: its last day of use and its encoded facts.
struct Stored {
    day: u64,
    range: std::ops::Range<usize>,
}

/// The cache of one run: the entries read at the start, the hits and the new entries.
pub struct Cache {
    location: Location,
    key: Hash,
    bytes: Vec<u8>,
    stored: HashMap<Hash, Stored>,
    stats: HashMap<Stat, Known>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    used: HashSet<Hash>,
    fresh: HashMap<Hash, Vec<u8>>,
    /// Stats of this run: those found and those recorded.
    stats: HashMap<Stat, Known>,
    new_stats: bool,
    /// An entry could not be decoded: the file is rewritten without it.
    damaged: bool,
    /// Never written (see [`Cache::open`]).
    off: bool,
}

impl Cache {
    /// Opens the cache at `location` for `key`; a missing, damaged or foreign file gives an
    /// empty cache.
    pub fn open(location: Location, key: Hash) -> Cache {
        // A cache the repository supplies is the repository's say-so, not a result of
        // envcheck: a fork could describe its own files as reading nothing. A committed one,
        // or a link the checkout made (to a directory of crafted files, or out of the tree), is
        // neither read nor written (writing would change committed files, or write elsewhere).
        let committed = location.in_project
            && (linked(&location.dir)
                || (std::fs::symlink_metadata(location.dir.join(FILE_NAME)).is_ok()
                    && committed(&location.dir)));
        let bytes = if committed {
            Vec::new()
        } else {
            read_bounded(&location.dir.join(FILE_NAME)).unwrap_or_default()
        };
        let (stored, stats) = index(&bytes, &key).unwrap_or_default();
        Cache {
            location,
            key,
            bytes,
            stored,
            stats,
            state: Mutex::new(State {
                off: committed,
                ..State::default()
            }),
        }
    }

    /// The entry key of a file's content in a grammar, parsed whole or without what cannot
    /// hold a read (`whole: false`, [`crate::extract::extract_needed`]).
    pub fn entry_key(language: Language, src: &[u8], whole: bool) -> Hash {
        let mut h = Sha256::new();
        h.update([language as u8, u8::from(whole)]);
        h.update(src);
        h.finalize().into()
    }

    /// The cached facts of a file, if any (and if they decode and fit the file).
    pub fn get(&self, entry: &Hash, src: &[u8]) -> Option<FileFacts> {
        let lines = 1 + memchr::memchr2_iter(b'\n', b'\r', src).count();
        self.get_fitting(entry, lines, src.len())
    }

    /// What a file unchanged since a recorded run gave, without reading it: `Skipped`, or its
    /// facts and note.
    pub fn by_stat(&self, stat: &Stat) -> Option<(Known, Option<FileFacts>)> {
        let known = self.stats.get(stat)?;
        let facts = match known {
            Known::Skipped | Known::SkippedWithout { .. } => None,
            // the file is not read: its size bounds every position
            Known::Parsed { content, .. } => {
                let size = usize::try_from(stat.size()).ok()?;
                Some(self.get_fitting(content, size + 1, size)?)
            }
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.stats.insert(*stat, known.clone());
        Some((known.clone(), facts))
    }

    /// Records what a file with a trusted stat gave in this run.
    pub fn put_stat(&self, stat: Stat, known: Known) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Known::Parsed { content, .. } = &known
            && !state.fresh.contains_key(content)
            && !state.used.contains(content)
        {
            // facts that were not cacheable: nothing to point at
            return;
        }
        state.new_stats = true;
        state.stats.insert(stat, known);
    }

    fn get_fitting(&self, entry: &Hash, lines: usize, len: usize) -> Option<FileFacts> {
        let stored = self.stored.get(entry)?;
        let decoded = self
            .bytes
            .get(stored.range.clone())
            .and_then(|b| decode(b).ok())
            .filter(|facts| fits(facts, lines, len));
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match decoded {
            Some(facts) => {
                state.used.insert(*entry);
                Some(facts)
            }
            None => {
                state.damaged = true;
                None
            }
        }
    }

    /// Records the facts of a file parsed in this run.
    pub fn put(&self, entry: Hash, facts: &FileFacts) {
        if !cacheable(facts) {
            return;
        }
        let mut out = Vec::new();
        encode(facts, &mut out);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.fresh.insert(entry, out);
    }

    /// Writes the cache back when this run added to it (or found a damaged entry). A failure
    /// is silent: a read-only checkout, a directory that cannot be made, runs without a cache.
    pub fn save(self) {
        let state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        if state.off || (state.fresh.is_empty() && !state.damaged && !state.new_stats) {
            return;
        }
        let today = today();
        let mut entries: Vec<(Hash, u64, &[u8])> = Vec::new();
        for (hash, stored) in &self.stored {
            if state.fresh.contains_key(hash) {
                continue;
            }
            let used = state.used.contains(hash);
            if !used && today.saturating_sub(stored.day) > MAX_AGE_DAYS {
                continue;
            }
            if state.damaged && !used && decode(&self.bytes[stored.range.clone()]).is_err() {
                continue;
            }
            let day = if used { today } else { stored.day };
            entries.push((*hash, day, &self.bytes[stored.range.clone()]));
        }
        for (hash, bytes) in &state.fresh {
            entries.push((*hash, today, bytes));
        }
        // stats of files this run met, the others dropped; a run that met none (a base
        // revision's tree, whose files are all new) keeps those of the last run. A stat that
        // points at an entry no longer kept goes.
        let kept: HashSet<Hash> = entries.iter().map(|e| e.0).collect();
        let mut stats_of_run = state.stats.clone();
        if stats_of_run.is_empty() {
            stats_of_run = self.stats.clone();
        }
        let mut stats: Vec<(&Stat, &Known)> = stats_of_run
            .iter()
            .filter(|(_, known)| match known {
                Known::Skipped | Known::SkippedWithout { .. } => true,
                Known::Parsed { content, .. } => kept.contains(content),
            })
            .collect();
        stats.sort_by_key(|s| s.0.0);
        entries.sort_by_key(|e| e.0);
        let mut out = Vec::with_capacity(self.bytes.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&self.key);
        put_u64(&mut out, entries.len() as u64);
        for (hash, day, bytes) in entries {
            out.extend_from_slice(&hash);
            put_u64(&mut out, day);
            put_u64(&mut out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
        put_u64(&mut out, stats.len() as u64);
        for (stat, known) in stats {
            for v in stat.0 {
                put_u64(&mut out, v);
            }
            match known {
                Known::Skipped => out.push(0),
                Known::SkippedWithout { names } => {
                    out.push(2);
                    out.extend_from_slice(names);
                }
                Known::Parsed { content, note } => {
                    out.push(1);
                    out.extend_from_slice(content);
                    put_opt_str(&mut out, note);
                }
            }
        }
        let _ = write(&self.location.dir, &out);
    }
}

/// Facts whose extraction stopped at a limit depend on the machine's load: not cached.
fn cacheable(facts: &FileFacts) -> bool {
    facts.abandoned.is_none() && facts.notes.is_empty()
}

/// Every position of the facts lies within a file of `src`'s size (a stale or doctored entry
/// cannot point the report past the end of the file).
fn fits(facts: &FileFacts, lines: usize, len: usize) -> bool {
    let ok = |p: &Position| p.line >= 1 && p.line <= lines && p.column >= 1 && p.column <= len + 1;
    facts.reads.iter().all(|r| ok(&r.position) && ok(&r.end))
        && facts.dynamic.iter().all(|d| ok(&d.position))
        && facts.first_error.as_ref().is_none_or(ok)
        && python_positions(&facts.python).all(ok)
        && facts
            .suppressions
            .iter()
            .all(|c| c.line >= 1 && c.line <= lines && c.target_line <= lines + 1)
        && facts
            .left_out
            .iter()
            .all(|r| r.start <= r.end && r.end <= len)
}

fn python_positions(p: &PyFacts) -> impl Iterator<Item = &Position> {
    p.classes
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| &f.position))
        .chain(p.calls.iter().map(|c| &c.position))
        .chain(p.helper_keys.iter().map(|k| &k.position))
}

fn today() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

/// Whether git tracks `dir` itself (a link, a submodule) or a file under it (a cache directory
/// at the top of a repository). Asked once per directory and run: `diff --base` opens the
/// same cache for both scans, and the answer costs a read of the index.
fn committed(dir: &Path) -> bool {
    static ANSWERS: Mutex<Vec<(PathBuf, bool)>> = Mutex::new(Vec::new());
    let mut answers = ANSWERS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, answer)) = answers.iter().find(|(d, _)| d == dir) {
        return *answer;
    }
    let answer = match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => crate::git::tracks(parent, &name.to_string_lossy()),
        _ => false,
    };
    answers.push((dir.to_path_buf(), answer));
    answer
}

/// Whether `dir` exists as something other than a directory: a symbolic link (to a
/// directory or not) or a file.
fn linked(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|meta| !meta.is_dir())
}

/// Reads a regular file of at most [`MAX_FILE`] bytes; `None` otherwise.
fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The entries and stats of a cache file written under `key`; `None` for any other file.
#[allow(clippy::type_complexity)]
fn index(bytes: &[u8], key: &Hash) -> Option<(HashMap<Hash, Stored>, HashMap<Stat, Known>)> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len()).ok()? != MAGIC {
        return None;
    }
    if r.take(4).ok()? != FORMAT.to_le_bytes() {
        return None;
    }
    if r.take(32).ok()? != key {
        return None;
    }
    let count = r.len().ok()?;
    let mut out = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let hash: Hash = r.take(32).ok()?.try_into().ok()?;
        let day = r.u64().ok()?;
        let len = r.len().ok()?;
        let start = r.at;
        r.take(len).ok()?;
        out.insert(
            hash,
            Stored {
                day,
                range: start..start + len,
            },
        );
    }
    let count = r.len().ok()?;
    let mut stats = HashMap::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let mut stat = [0u64; 7];
        for v in &mut stat {
            *v = r.u64().ok()?;
        }
        let known = match r.u8().ok()? {
            0 => Known::Skipped,
            1 => Known::Parsed {
                content: r.take(32).ok()?.try_into().ok()?,
                note: r.opt_str().ok()?,
            },
            2 => Known::SkippedWithout {
                names: r.take(32).ok()?.try_into().ok()?,
            },
            _ => return None,
        };
        stats.insert(Stat(stat), known);
    }
    if r.at != bytes.len() {
        return None;
    }
    Some((out, stats))
}

/// Makes the directory (with its tag and `.gitignore`) and writes the file.
fn write(dir: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let meta = std::fs::symlink_metadata(dir).map_err(|e| e.to_string())?;
    if !meta.is_dir() {
        return Err("not a directory".to_string());
    }
    let boundary = crate::boundary::Boundary::at(dir);
    for (name, text) in [(".gitignore", "*\n"), ("CACHEDIR.TAG", CACHEDIR_TAG)] {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            crate::boundary::write_file(&path, text.as_bytes(), &boundary)
                .map_err(|e| e.to_string())?;
        }
    }
    crate::boundary::write_file(&dir.join(FILE_NAME), bytes, &boundary).map_err(|e| e.to_string())
}

// --- encoding ------------------------------------------------------------------------------

fn put_u64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_bool(out: &mut Vec<u8>, b: bool) {
    out.push(u8::from(b));
}

fn put_opt_str(out: &mut Vec<u8>, s: &Option<String>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

fn put_opt_bool(out: &mut Vec<u8>, b: Option<bool>) {
    out.push(match b {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    });
}

fn put_strs<'a>(out: &mut Vec<u8>, items: impl ExactSizeIterator<Item = &'a String>) {
    put_u64(out, items.len() as u64);
    for s in items {
        put_str(out, s);
    }
}

fn put_pos(out: &mut Vec<u8>, p: &Position) {
    put_u64(out, p.line as u64);
    put_u64(out, p.column as u64);
}

fn kind_code(k: ReadKind) -> u8 {
    match k {
        ReadKind::Required => 0,
        ReadKind::Default => 1,
        ReadKind::Optional => 2,
        ReadKind::Presence => 3,
    }
}

fn when_code(w: When) -> u8 {
    match w {
        When::Startup => 0,
        When::OnUse => 1,
        When::Build => 2,
    }
}

fn encode(f: &FileFacts, out: &mut Vec<u8>) {
    put_u64(out, f.reads.len() as u64);
    for r in &f.reads {
        put_str(out, &r.name);
        put_pos(out, &r.position);
        put_pos(out, &r.end);
        out.push(kind_code(r.kind));
        put_str(out, r.api);
        let e = &r.extra;
        put_opt_str(out, &e.default);
        put_opt_str(out, &e.detail);
        put_bool(out, e.case_insensitive);
        put_bool(out, e.client_exposed);
        out.push(when_code(e.when));
        put_opt_str(out, &e.context);
        put_bool(out, e.empty_is_unset);
    }
    put_u64(out, f.dynamic.len() as u64);
    for d in &f.dynamic {
        put_pos(out, &d.position);
        put_str(out, d.api);
        put_str(out, &d.expression);
        put_opt_str(out, &d.prefix);
        put_opt_str(out, &d.resolved);
        put_strs(out, d.resolved_names.iter());
    }
    put_bool(out, f.partial);
    match &f.first_error {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            put_pos(out, p);
        }
    }
    put_opt_str(out, &f.grammar_gap);
    encode_python(&f.python, out);
    put_u64(out, f.suppressions.len() as u64);
    for c in &f.suppressions {
        put_u64(out, c.line as u64);
        put_u64(out, c.target_line as u64);
        put_strs(out, c.codes.iter());
    }
    put_opt_str(out, &f.abandoned);
    put_strs(out, f.notes.iter());
    put_u64(out, f.build_defines.len() as u64);
    for d in &f.build_defines {
        put_str(out, &d.name);
        out.push(match d.source {
            BuildSource::Define => 0,
            BuildSource::NextEnv => 1,
        });
    }
    put_u64(out, f.left_out.len() as u64);
    for range in &f.left_out {
        put_u64(out, range.start as u64);
        put_u64(out, range.end as u64);
    }
}

fn encode_python(p: &PyFacts, out: &mut Vec<u8>) {
    put_u64(out, p.classes.len() as u64);
    for c in &p.classes {
        put_str(out, &c.name);
        put_strs(out, c.bases.iter());
        put_u64(out, c.fields.len() as u64);
        for f in &c.fields {
            put_str(out, &f.name);
            put_pos(out, &f.position);
            out.push(kind_code(f.kind));
            put_strs(out, f.aliases.iter());
            put_str(out, &f.annotation);
            put_opt_str(out, &f.default);
            out.push(when_code(f.when));
            put_opt_str(out, &f.context);
        }
        put_opt_str(out, &c.config.env_prefix);
        put_opt_bool(out, c.config.case_sensitive);
        put_opt_str(out, &c.config.nested_delimiter);
        put_opt_bool(out, c.config.ignore_empty);
    }
    put_u64(out, p.helpers.len() as u64);
    for h in &p.helpers {
        put_str(out, &h.name);
        put_u64(out, h.key_index as u64);
        put_str(out, &h.key_param);
        put_str(out, &h.suffix);
        match &h.fallback {
            HelperFallback::None => out.push(0),
            HelperFallback::Value => out.push(1),
            HelperFallback::Param {
                index,
                name,
                declared,
            } => {
                out.push(2);
                put_u64(out, *index as u64);
                put_str(out, name);
                put_bool(out, *declared);
            }
        }
        out.push(kind_code(h.inner));
    }
    put_u64(out, p.calls.len() as u64);
    for c in &p.calls {
        put_str(out, &c.callee);
        put_opt_str(out, &c.name);
        put_pos(out, &c.position);
        put_u64(out, c.positional.len() as u64);
        for b in &c.positional {
            put_bool(out, *b);
        }
        put_u64(out, c.keywords.len() as u64);
        for (k, b) in &c.keywords {
            put_str(out, k);
            put_bool(out, *b);
        }
        out.push(when_code(c.when));
        put_opt_str(out, &c.context);
    }
    put_u64(out, p.instances.len() as u64);
    for (name, instance) in &p.instances {
        put_str(out, name);
        match instance {
            Instance::DjangoEnv { scheme_defaults } => {
                out.push(0);
                put_strs(out, scheme_defaults.iter());
            }
            Instance::Decouple => out.push(1),
        }
    }
    put_u64(out, p.helper_keys.len() as u64);
    for k in &p.helper_keys {
        put_str(out, &k.function);
        put_str(out, &k.param);
        put_str(out, &k.suffix);
        put_pos(out, &k.position);
        put_str(out, k.api);
    }
    put_strs(out, p.computed_calls.iter());
    put_u64(out, p.inits.len() as u64);
    for i in &p.inits {
        put_str(out, &i.callee);
        put_strs(out, i.keywords.iter());
        put_bool(out, i.splat);
    }
}

// --- decoding ------------------------------------------------------------------------------

/// Why an entry does not decode. Never shown: the entry is a miss.
#[derive(Debug)]
struct Bad;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        let end = self.at.checked_add(n).ok_or(Bad)?;
        let out = self.bytes.get(self.at..end).ok_or(Bad)?;
        self.at = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, Bad> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f).checked_shl(shift).ok_or(Bad)?;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Bad)
    }

    fn usize(&mut self) -> Result<usize, Bad> {
        usize::try_from(self.u64()?).map_err(|_| Bad)
    }

    /// A length or count: never more than the bytes left (each item takes at least one), so no
    /// allocation exceeds the file's size.
    fn len(&mut self) -> Result<usize, Bad> {
        let n = self.usize()?;
        if n > self.bytes.len() - self.at {
            return Err(Bad);
        }
        Ok(n)
    }

    fn bool(&mut self) -> Result<bool, Bad> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Bad),
        }
    }

    fn str(&mut self) -> Result<String, Bad> {
        let n = self.len()?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| Bad)
    }

    fn opt_str(&mut self) -> Result<Option<String>, Bad> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            _ => Err(Bad),
        }
    }

    fn opt_bool(&mut self) -> Result<Option<bool>, Bad> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            _ => Err(Bad),
        }
    }

    fn strs(&mut self) -> Result<Vec<String>, Bad> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }

    fn pos(&mut self) -> Result<Position, Bad> {
        Ok(Position {
            line: self.usize()?,
            column: self.usize()?,
        })
    }

    fn kind(&mut self) -> Result<ReadKind, Bad> {
        Ok(match self.u8()? {
            0 => ReadKind::Required,
            1 => ReadKind::Default,
            2 => ReadKind::Optional,
            3 => ReadKind::Presence,
            _ => return Err(Bad),
        })
    }

    fn when(&mut self) -> Result<When, Bad> {
        Ok(match self.u8()? {
            0 => When::Startup,
            1 => When::OnUse,
            2 => When::Build,
            _ => return Err(Bad),
        })
    }

    fn api(&mut self) -> Result<&'static str, Bad> {
        let s = self.str()?;
        intern(&s).ok_or(Bad)
    }

    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, Bad>,
    ) -> Result<Vec<T>, Bad> {
        let n = self.len()?;
        (0..n).map(|_| item(self)).collect()
    }
}

/// API names are `&'static str` in the facts (a fixed set of literals in the extractors). A
/// decoded one is interned: leaked once per distinct name and process, at most
/// [`MAX_INTERNED`] names of at most 128 bytes, so a hostile cache cannot grow memory.
fn intern(s: &str) -> Option<&'static str> {
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> =
        LazyLock::new(|| Mutex::new(HashSet::new()));
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = names.get(s) {
        return Some(name);
    }
    if names.len() >= MAX_INTERNED || s.len() > 128 {
        return None;
    }
    let name: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(name);
    Some(name)
}

fn decode(bytes: &[u8]) -> Result<FileFacts, Bad> {
    let mut r = Reader { bytes, at: 0 };
    let reads = r.list(|r| {
        Ok(Read {
            name: r.str()?,
            position: r.pos()?,
            end: r.pos()?,
            kind: r.kind()?,
            api: r.api()?,
            extra: ReadExtra {
                default: r.opt_str()?,
                detail: r.opt_str()?,
                case_insensitive: r.bool()?,
                client_exposed: r.bool()?,
                when: r.when()?,
                context: r.opt_str()?,
                empty_is_unset: r.bool()?,
            },
        })
    })?;
    let dynamic = r.list(|r| {
        Ok(DynamicRead {
            position: r.pos()?,
            api: r.api()?,
            expression: r.str()?,
            prefix: r.opt_str()?,
            resolved: r.opt_str()?,
            resolved_names: r.strs()?,
        })
    })?;
    let partial = r.bool()?;
    let first_error = match r.u8()? {
        0 => None,
        1 => Some(r.pos()?),
        _ => return Err(Bad),
    };
    let grammar_gap = r.opt_str()?;
    let python = decode_python(&mut r)?;
    let suppressions = r.list(|r| {
        Ok(Comment {
            line: r.usize()?,
            target_line: r.usize()?,
            codes: r.strs()?,
        })
    })?;
    let abandoned = r.opt_str()?;
    let notes = r.strs()?;
    let build_defines = r.list(|r| {
        Ok(BuildDefine {
            name: r.str()?,
            source: match r.u8()? {
                0 => BuildSource::Define,
                1 => BuildSource::NextEnv,
                _ => return Err(Bad),
            },
        })
    })?;
    let left_out = r.list(|r| Ok(r.usize()?..r.usize()?))?;
    if r.at != bytes.len() {
        return Err(Bad);
    }
    Ok(FileFacts {
        reads,
        dynamic,
        partial,
        first_error,
        grammar_gap,
        python,
        suppressions,
        abandoned,
        notes,
        build_defines,
        left_out,
    })
}

fn decode_python(r: &mut Reader) -> Result<PyFacts, Bad> {
    let classes = r.list(|r| {
        Ok(PyClass {
            name: r.str()?,
            bases: r.strs()?,
            fields: r.list(|r| {
                Ok(PyField {
                    name: r.str()?,
                    position: r.pos()?,
                    kind: r.kind()?,
                    aliases: r.strs()?,
                    annotation: r.str()?,
                    default: r.opt_str()?,
                    when: r.when()?,
                    context: r.opt_str()?,
                })
            })?,
            config: ClassConfig {
                env_prefix: r.opt_str()?,
                case_sensitive: r.opt_bool()?,
                nested_delimiter: r.opt_str()?,
                ignore_empty: r.opt_bool()?,
            },
        })
    })?;
    let helpers = r.list(|r| {
        Ok(HelperDef {
            name: r.str()?,
            key_index: r.usize()?,
            key_param: r.str()?,
            suffix: r.str()?,
            fallback: match r.u8()? {
                0 => HelperFallback::None,
                1 => HelperFallback::Value,
                2 => HelperFallback::Param {
                    index: r.usize()?,
                    name: r.str()?,
                    declared: r.bool()?,
                },
                _ => return Err(Bad),
            },
            inner: r.kind()?,
        })
    })?;
    let calls = r.list(|r| {
        Ok(PyCall {
            callee: r.str()?,
            name: r.opt_str()?,
            position: r.pos()?,
            positional: r.list(Reader::bool)?,
            keywords: r.list(|r| Ok((r.str()?, r.bool()?)))?,
            when: r.when()?,
            context: r.opt_str()?,
        })
    })?;
    let instances = r.list(|r| {
        let name = r.str()?;
        let instance = match r.u8()? {
            0 => Instance::DjangoEnv {
                scheme_defaults: r.strs()?,
            },
            1 => Instance::Decouple,
            _ => return Err(Bad),
        };
        Ok((name, instance))
    })?;
    let helper_keys = r.list(|r| {
        Ok(HelperKey {
            function: r.str()?,
            param: r.str()?,
            suffix: r.str()?,
            position: r.pos()?,
            api: r.api()?,
        })
    })?;
    let computed_calls: BTreeSet<String> = r.strs()?.into_iter().collect();
    let inits = r.list(|r| {
        Ok(PyInit {
            callee: r.str()?,
            keywords: r.strs()?,
            splat: r.bool()?,
        })
    })?;
    Ok(PyFacts {
        classes,
        helpers,
        calls,
        instances,
        helper_keys,
        computed_calls,
        inits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Parsers;

    fn facts(language: Language, src: &str) -> FileFacts {
        crate::extract::extract(language, src.as_bytes(), &mut Parsers::default())
    }

    /// The stat the cache keeps is the file's, field for field, as git's index compares it.
    #[cfg(unix)]
    #[test]
    fn a_cache_stat_is_the_files_stat() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.py");
        std::fs::write(&path, "A = 1\n").expect("write");
        // a stat is recorded once the file's times are older than the racy window
        std::thread::sleep(std::time::Duration::from_millis(2200));
        let stat = Stat::of(&path, Language::Python).expect("old enough");
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        let want = crate::git::FileStat {
            owner: None,
            ..crate::git::FileStat::of(&meta)
        };
        assert_eq!(stat.file_stat(), want);
    }

    #[test]
    fn facts_round_trip() {
        let cases = [
            (
                Language::Python,
                "import os\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\
                 class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='app_', \
                 env_nested_delimiter='__')\n    db_url: str = 'x'\n\
                 def env_int(name, default=None):\n    return int(os.getenv(name, default))\n\
                 A = env_int('PORT', 3)\nB = os.environ[f'K_{A}']\n\
                 if 'X' in os.environ: pass  # envcheck: ignore[ENV001]\nfoo(\n",
            ),
            (
                Language::TypeScript,
                "import { cleanEnv, str } from 'envalid';\n\
                 export const e = cleanEnv(process.env, { A: str({ default: 'd' }) });\n\
                 const { B = 'x' } = process.env;\n\
                 // envcheck-ignore-next-line ENV101\n\
                 export const c = process.env[`K_${e}`];\n\
                 export default { define: { 'process.env.D': '1' } };\n",
            ),
        ];
        for (language, src) in cases {
            let original = facts(language, src);
            let mut out = Vec::new();
            encode(&original, &mut out);
            let back = decode(&out).expect("decodes");
            assert_eq!(back, original, "{src}");
            // every cut is a miss, never a panic
            for cut in 0..out.len() {
                assert!(decode(&out[..cut]).is_err());
            }
        }
    }

    #[test]
    fn damaged_bytes_never_panic() {
        let original = facts(Language::Python, "import os\nos.getenv('A', 'd')\n");
        let mut out = Vec::new();
        encode(&original, &mut out);
        for i in 0..out.len() {
            for b in [0u8, 1, 2, 0x7f, 0x80, 0xff] {
                let mut bad = out.clone();
                bad[i] = b;
                let _ = decode(&bad);
            }
        }
        let key = settings_key(&Limits::default());
        assert!(index(b"not a cache", &key).is_none());
        let mut file = Vec::new();
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&FORMAT.to_le_bytes());
        file.extend_from_slice(&key);
        put_u64(&mut file, u64::MAX);
        assert!(index(&file, &key).is_none());
    }

    #[test]
    fn positions_must_fit_the_file() {
        let src = "import os\nos.getenv('A')\n";
        let mut f = facts(Language::Python, src);
        assert!(fits(&f, 3, src.len()));
        f.reads[0].position.line = 99;
        assert!(!fits(&f, 3, src.len()));
    }
}
