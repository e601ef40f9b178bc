//! Which source files a scan reads.
//!
//! The walk uses `ignore` (ripgrep's walker): parallel, honouring `.gitignore`, `.ignore` and
//! `.git/info/exclude` also when the tree is not a git checkout. Hidden directories are walked
//! (`.config/prisma.ts` is code), except VCS metadata. Dependency, virtualenv and build-output
//! directories are skipped, and so are test files unless `--include-tests` is given.

use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::{DirEntry, WalkBuilder, WalkParallel, WalkState};

/// Directories that hold dependencies, tool caches or build output, never project code.
pub(crate) const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "bower_components",
    "jspm_packages",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    ".output",
    ".svelte-kit",
    ".turbo",
    ".vercel",
    ".parcel-cache",
    "coverage",
    "htmlcov",
    ".eggs",
    "target",
];

/// Directory names that hold tests.
const TEST_DIRS: &[&str] = &[
    "tests",
    "test",
    "__tests__",
    "__mocks__",
    "e2e",
    "cypress",
    "playwright",
    "integration",
];

/// Options of the source walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    pub include_tests: bool,
    /// Worker threads; 0 picks from the machine.
    pub threads: usize,
    /// Globs of files to scan (all when empty) and not to scan, relative to `glob_base`.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub glob_base: Option<PathBuf>,
    /// Directories (absolute, as the roots are) the walk does not enter: the apps of their own
    /// below a scanned app (see [`crate::apps`]).
    pub skip: Vec<PathBuf>,
}

/// A parallel walk over `roots` that yields candidate source files. Fails on an invalid
/// include/exclude glob.
pub fn source_walker(
    roots: &[&Path],
    options: &WalkOptions,
) -> Result<WalkParallel, ignore::Error> {
    let mut builder = WalkBuilder::new(roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    let include_tests = options.include_tests;
    let skip = options.skip.clone();
    builder
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |entry| keep(entry, include_tests) && !skipped(entry, &skip));
    if !options.include.is_empty() || !options.exclude.is_empty() {
        let base = options.glob_base.as_deref().unwrap_or(roots[0]);
        let mut overrides = OverrideBuilder::new(base);
        for glob in &options.include {
            overrides.add(glob)?;
        }
        for glob in &options.exclude {
            overrides.add(&format!("!{glob}"))?;
        }
        builder.overrides(overrides.build()?);
    }
    Ok(builder.build_parallel())
}

/// Env files of the project under `root`: `.env`, `.env.*`, `*.env`. A separate policy from the
/// source walk: these are hidden and usually gitignored, so ignore files do not apply;
/// dependency and virtualenv directories are still skipped. Symbolic links named like env files
/// are listed (unless they lead to a directory), dangling ones too.
pub fn env_files(root: &Path) -> Vec<PathBuf> {
    env_files_skipping(root, &[])
}

/// [`env_files`] outside the directories `skip` (another app's, below `root`).
pub fn env_files_skipping(root: &Path, skip: &[PathBuf]) -> Vec<PathBuf> {
    let skip = skip.to_vec();
    let mut out = Vec::new();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .follow_links(false)
        .max_depth(Some(8))
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !(entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIP_DIRS.contains(&n) || n == ".env")
                    || is_virtualenv(entry.path())
                    || skipped(entry, &skip))
        })
        .build();
    for entry in walker.flatten() {
        // A symbolic link counts (`.env -> ../shared/.env` is common): reading it follows it,
        // and a dangling or looping link is then an error that names it, never a silently
        // missing file. FIFOs, sockets and devices are never read.
        if !entry
            .file_type()
            .is_some_and(|t| t.is_file() || t.is_symlink())
        {
            continue;
        }
        if entry.file_name().to_str().is_some_and(is_env_file_name)
            && !(entry.path_is_symlink() && entry.path().is_dir())
        {
            out.push(entry.into_path());
        }
    }
    out.sort();
    out
}

/// `.env`, `.env.production`, `.env.example`, `prod.env`, `example.env`.
pub fn is_env_file_name(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || (name.ends_with(".env") && name.len() > 4)
}

/// The walk's filter. The roots themselves (depth 0) are always kept: a user who names a path
/// wants it scanned, even if it is called `tests/`.
fn keep(entry: &DirEntry, include_tests: bool) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let Some(name) = entry.file_name().to_str() else {
        return true;
    };
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir {
        if SKIP_DIRS.contains(&name) || is_virtualenv(entry.path()) {
            return false;
        }
        return include_tests || !TEST_DIRS.contains(&name);
    }
    if is_minified_name(name) {
        return false;
    }
    include_tests || !is_test_file_name(name)
}

/// Whether `entry` is one of the directories `skip` names (another app's).
fn skipped(entry: &DirEntry, skip: &[PathBuf]) -> bool {
    !skip.is_empty()
        && entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && skip.iter().any(|s| s == entry.path())
}

/// Directories under `root` that hold a configuration file of their own
/// ([`crate::config::file_in`]), found by the source walk's policy (ignore files honoured,
/// dependency, build and, unless `include_tests`, test directories skipped), sorted. `root`
/// itself is not listed. One parallel pass over the directories, which finds the configuration
/// files by the names the directory listings give (no `stat` per directory); only a
/// `pyproject.toml` is read, to see whether it holds an envcheck table.
pub fn config_dirs(root: &Path, include_tests: bool) -> Vec<PathBuf> {
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .filter_entry(move |entry| {
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                keep(entry, include_tests)
            } else {
                entry.depth() > 1
                    && entry
                        .file_name()
                        .to_str()
                        .is_some_and(|name| crate::config::FILE_NAMES.contains(&name))
            }
        })
        .build_parallel();
    let found: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    walker.run(|| {
        Box::new(|entry| {
            if let Ok(entry) = entry
                && entry.depth() > 1
                && entry.file_type().is_some_and(|t| !t.is_dir())
                && let Some(dir) = entry.path().parent()
                && crate::config::has_file_in(dir)
            {
                found
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(dir.to_path_buf());
            }
            WalkState::Continue
        })
    });
    let mut out = found.into_inner().unwrap_or_else(|p| p.into_inner());
    out.sort();
    out.dedup();
    out
}

/// A virtualenv under any name carries `pyvenv.cfg` at its top.
pub(crate) fn is_virtualenv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

fn is_minified_name(name: &str) -> bool {
    [
        ".min.js",
        ".min.mjs",
        ".min.cjs",
        ".bundle.js",
        "-bundle.js",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// Test files by name: Python (`test_*.py`, `*_test.py`, `conftest.py`) and TS/JS (`*.test.*`,
/// `*.spec.*`, `*.e2e.*`, and test-runner setup and config files).
pub fn is_test_file_name(name: &str) -> bool {
    if name.ends_with(".py") {
        return name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py";
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 2 {
        return false;
    }
    let stem = parts[0];
    let middle = &parts[1..parts.len() - 1];
    if middle.iter().any(|part| {
        let base = part.split('-').next().unwrap_or(part);
        matches!(base, "test" | "spec" | "e2e")
    }) {
        return true;
    }
    let setup_or_config = middle
        .iter()
        .any(|part| matches!(*part, "setup" | "config"));
    matches!(stem, "setupTests" | "vitestSetup")
        || (matches!(stem, "jest" | "playwright" | "cypress") || stem.starts_with("vitest"))
            && setup_or_config
}

/// What [`read_source`] found at a path.
#[derive(Debug, PartialEq, Eq)]
pub enum SourceText {
    /// The text is in the buffer: UTF-8 (or not valid UTF-8, as found), a UTF-8 BOM dropped, a
    /// UTF-16 file with a BOM transcoded to UTF-8. The note says what the user should know.
    Read(Option<String>),
    /// Larger than the limit; not read.
    TooLarge,
    /// A FIFO, socket, device or directory: never read (a FIFO would block the scan).
    NotRegular,
    /// A file of the kernel (`/proc`, `/sys`, `/dev`): regular by its type, but its size says
    /// nothing (`/proc/self/pagemap` reports 0 and never ends) and it holds no project code.
    Kernel,
}

/// The most bytes envcheck reads from a file it is pointed at that is not a source file: an env
/// file, a target's source, the example file, the configuration. Far above any real one; a file
/// past it is an error, never a partial read.
pub const MAX_INPUT_SIZE: u64 = 16 * 1024 * 1024;

/// An open file that may be read: regular, not the kernel's, with its size.
struct Opened {
    file: std::fs::File,
    len: u64,
}

/// Why [`open_regular`] did not open a file for reading.
enum Refused {
    NotRegular,
    Kernel,
}

/// The one way envcheck opens a file to read it. Without blocking (`O_NONBLOCK`: a FIFO put in
/// place of a file after a check cannot hang the run; `O_NOCTTY`: a terminal never becomes
/// ours), then `fstat` on the open file, so the type checked is the type of what is read: only
/// a regular file, and not one on the kernel's own file systems (see [`kernel_device`]).
fn open_regular(path: &Path) -> std::io::Result<Result<Opened, Refused>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err(Refused::NotRegular));
    }
    if kernel_device(&meta) {
        return Ok(Err(Refused::Kernel));
    }
    Ok(Ok(Opened {
        len: meta.len(),
        file,
    }))
}

/// Reads at most `max` bytes of `opened` into `buf` (cleared first); `false` when the file holds
/// more (it grew since `fstat`, or its size was a lie): `buf` is then cleared. The read goes
/// through `take(max + 1)`, so a file that never ends costs `max + 1` bytes, never more.
fn read_capped(opened: Opened, max: u64, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    use std::io::Read;
    buf.clear();
    if opened.len > max {
        return Ok(false);
    }
    buf.reserve(usize::try_from(opened.len).unwrap_or(0));
    opened.file.take(max.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > max {
        buf.clear();
        return Ok(false);
    }
    Ok(true)
}

/// Whether a file lives on the file system of `/proc`, `/sys` or `/dev`, by the device of its
/// `fstat`: one comparison per file, without a system call (the three devices are read once).
/// Covers what a link in a repository reaches there (`/proc/self/environ`, `/proc/self/pagemap`,
/// `/sys/...`); file systems mounted below them are caught by [`kernel_path`] where a path is
/// resolved.
#[cfg(unix)]
fn kernel_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    static DEVICES: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        KERNEL_DIRS
            .iter()
            .filter_map(|d| std::fs::metadata(d).ok())
            .map(|m| m.dev())
            .collect()
    });
    DEVICES.contains(&meta.dev())
}

#[cfg(not(unix))]
fn kernel_device(_meta: &std::fs::Metadata) -> bool {
    false
}

/// The kernel's directories: nothing in them is a project's file.
const KERNEL_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Whether `path`, once its links are resolved, lies under `/proc`, `/sys` or `/dev`.
fn kernel_path(path: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|real| KERNEL_DIRS.iter().any(|d| real.starts_with(d)))
}

/// Reads a source file into `buf` (cleared first), if it is a regular file of at most `max`
/// bytes that is not the kernel's, through [`open_regular`]; a file that grows past `max` while
/// it is read is `TooLarge`.
pub fn read_source(path: &Path, max: u64, buf: &mut Vec<u8>) -> std::io::Result<SourceText> {
    buf.clear();
    let opened = match open_regular(path)? {
        Ok(opened) => opened,
        Err(Refused::NotRegular) => return Ok(SourceText::NotRegular),
        Err(Refused::Kernel) => return Ok(SourceText::Kernel),
    };
    if !read_capped(opened, max, buf)? {
        return Ok(SourceText::TooLarge);
    }
    Ok(SourceText::Read(decode(buf)))
}

/// The text of a file, for showing some of its lines in a report: only a regular file of at most
/// [`crate::scan::MAX_FILE_SIZE`] bytes, read as [`read_source`] reads it (never blocking on a
/// FIFO; a UTF-16 file transcoded, so lines and columns match the scan's). `None` otherwise: the
/// report then shows the location without the line (a 50 MB one-line bundle is not rendered).
pub fn read_for_report(path: &Path) -> Option<String> {
    let mut buf = Vec::new();
    match read_source(path, crate::scan::MAX_FILE_SIZE, &mut buf).ok()? {
        SourceText::Read(_) => String::from_utf8(buf).ok(),
        SourceText::TooLarge | SourceText::NotRegular | SourceText::Kernel => None,
    }
}

/// Drops a UTF-8 BOM and transcodes UTF-16 with a BOM (LE or BE) to UTF-8, in place. Unpaired
/// surrogates become U+FFFD and give a note; anything else is left as it is.
pub fn decode(buf: &mut Vec<u8>) -> Option<String> {
    if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
        return None;
    }
    let little = match buf.get(..2) {
        Some(b"\xFF\xFE") => true,
        Some(b"\xFE\xFF") => false,
        _ => return None,
    };
    let units = buf[2..].chunks(2).map(|pair| match (pair, little) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        // an odd trailing byte: not a code unit
        _ => 0xFFFD,
    });
    let mut text = String::with_capacity(buf.len());
    let mut invalid = buf.len() % 2 == 1;
    for c in char::decode_utf16(units) {
        text.push(c.unwrap_or_else(|_| {
            invalid = true;
            char::REPLACEMENT_CHARACTER
        }));
    }
    *buf = text.into_bytes();
    let order = if little { "LE" } else { "BE" };
    invalid.then(|| {
        format!(
            "UTF-16{order} with invalid code units: parsed with replacement characters, names \
             in the invalid parts may be missed"
        )
    })
}

/// A file whose content looks like a minified bundle: long and made of very long lines.
pub fn looks_minified(src: &[u8]) -> bool {
    const MIN_SIZE: usize = 32 * 1024;
    if src.len() < MIN_SIZE {
        return false;
    }
    let lines = memchr::memchr_iter(b'\n', src).count() + 1;
    src.len() / lines > 500
}

/// Reads a file that envcheck was pointed at (an env file, a manifest, the example file, the
/// configuration): only a regular file (opening a FIFO blocks until something writes to it, and
/// some secret managers serve env files that way; a device may never end), never one under
/// `/proc`, `/sys` or `/dev` once links are resolved, and at most [`MAX_INPUT_SIZE`] bytes,
/// counted while reading. Each refusal is an error whose message says why; the caller names the
/// file.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    // the type is checked before opening too: opening a device can do something by itself
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular_error());
    }
    if kernel_path(path) {
        return Err(kernel_error());
    }
    let opened = match open_regular(path)? {
        Ok(opened) => opened,
        Err(Refused::NotRegular) => return Err(not_regular_error()),
        Err(Refused::Kernel) => return Err(kernel_error()),
    };
    let mut buf = Vec::new();
    if !read_capped(opened, MAX_INPUT_SIZE, &mut buf)? {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {} MiB, not read (no env file, manifest or configuration is that large)",
                MAX_INPUT_SIZE / (1024 * 1024)
            ),
        ));
    }
    Ok(buf)
}

fn not_regular_error() -> std::io::Error {
    std::io::Error::other("not a regular file (a directory, FIFO, socket or device)")
}

fn kernel_error() -> std::io::Error {
    std::io::Error::other("a file of the kernel (under /proc, /sys or /dev), not read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_file_names() {
        for name in [
            "test_app.py",
            "app_test.py",
            "conftest.py",
            "a.test.ts",
            "a.spec.tsx",
            "a.e2e.ts",
            "a.e2e-ee.ts",
            "setupTests.ts",
            "vitest.setup.ts",
            "vitest.config.mts",
            "vitest.workspace.config.ts",
            "jest.setup.js",
            "jest.config.js",
            "playwright.config.ts",
            "cypress.config.ts",
        ] {
            assert!(is_test_file_name(name), "{name}");
        }
        for name in [
            "app.py",
            "testing.py",
            "contest.py",
            "attest.ts",
            "test.ts",
            "spec.ts",
            "vite.config.ts",
            "next.config.mjs",
            "latest.py",
            "env.ts",
        ] {
            assert!(!is_test_file_name(name), "{name}");
        }
    }

    #[test]
    fn utf16_and_boms_are_decoded() {
        let text = "import os\nos.getenv('é')\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for mut buf in [le, be, format!("\u{feff}{text}").into_bytes()] {
            assert_eq!(decode(&mut buf), None);
            assert_eq!(buf, text.as_bytes());
        }
        let mut unpaired = vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        assert!(decode(&mut unpaired).is_some_and(|n| n.starts_with("UTF-16LE with invalid")));
        assert_eq!(unpaired, "a\u{fffd}b".as_bytes());
        let mut plain = b"a\xFFb".to_vec();
        assert_eq!(decode(&mut plain), None);
        assert_eq!(plain, b"a\xFFb");
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut buf = Vec::new();
        std::fs::write(dir.path().join("a.py"), "x = 1\n")?;
        let got = read_source(&dir.path().join("a.py"), 100, &mut buf)?;
        assert_eq!((got, &buf[..]), (SourceText::Read(None), &b"x = 1\n"[..]));
        let got = read_source(&dir.path().join("a.py"), 3, &mut buf)?;
        assert_eq!(got, SourceText::TooLarge);
        std::fs::create_dir(dir.path().join("d.py"))?;
        let got = read_source(&dir.path().join("d.py"), 100, &mut buf)?;
        assert_eq!(got, SourceText::NotRegular);
        let fifo = dir.path().join("f.py");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
        if made.success() {
            // would block forever without O_NONBLOCK: nobody writes to it
            assert_eq!(read_source(&fifo, 100, &mut buf)?, SourceText::NotRegular);
            assert!(read_file(&fifo).is_err());
        }
        Ok(())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn kernel_files_are_refused_and_reads_are_capped() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut buf = Vec::new();
        // regular by `fstat`, size 0, and endless: refused by where it lies, before any read
        let link = dir.path().join("a.py");
        std::os::unix::fs::symlink("/proc/self/pagemap", &link)?;
        assert_eq!(read_source(&link, 100, &mut buf)?, SourceText::Kernel);
        let err = read_file(&link).expect_err("kernel");
        assert!(err.to_string().contains("/proc, /sys or /dev"), "{err}");
        let err = read_file(Path::new("/dev/zero")).expect_err("device");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        // past the cap: an error, never a partial read
        let big = dir.path().join(".env.big");
        let file = std::fs::File::create(&big)?;
        file.set_len(MAX_INPUT_SIZE + 1)?;
        let err = read_file(&big).expect_err("too large");
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
        file.set_len(MAX_INPUT_SIZE)?;
        assert_eq!(read_file(&big)?.len() as u64, MAX_INPUT_SIZE);
        Ok(())
    }

    #[test]
    fn minified_content() {
        let long_line = "a".repeat(40 * 1024);
        assert!(looks_minified(long_line.as_bytes()));
        let normal = "const a = 1;\n".repeat(4000);
        assert!(!looks_minified(normal.as_bytes()));
    }
}
