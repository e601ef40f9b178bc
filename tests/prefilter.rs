//! The trigger-word prefilter must not cost recall: `envcheck scan --format json` finds the same
//! reads with and without the hidden `--no-prefilter` flag, over every fixture project the tests
//! build, the repository's fixture trees, and the benchmark's synthetic tree (benches/synth.py).
//!
//! The fixture projects are rebuilt from the other test files: every `write(root, "path", text)`
//! whose path and text are string literals (or `const` strings of that file) is replayed into
//! one directory per test function. What must match: the variables with all their reads, the
//! dynamic reads, the number of files scanned and of errors, and the exit code. The `parsed` and
//! `partial` counts differ by design (without the prefilter, files with no trigger word are parsed
//! too), and so do the notes about parsed files on stderr.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// What must not change with the prefilter off: exit code, reads, dynamic reads, file counts.
fn scan(root: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .args(extra)
        .arg(root)
        .output()
        .expect("run envcheck");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "{}: not JSON ({err}): {}",
            root.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let kept = serde_json::json!({
        "variables": doc["variables"],
        "dynamic": doc["dynamic"],
        "scanned": doc["files"]["scanned"],
        "errors": doc["files"]["errors"],
    });
    (out.status.code(), kept)
}

/// Scans `root` with and without the prefilter (and with and without test files) and requires
/// the same result. Returns the number of reads found.
fn assert_same(root: &Path) -> usize {
    let mut reads = 0;
    for tests in [&[][..], &["--include-tests"][..]] {
        let with = scan(root, tests);
        let without = scan(root, &[tests, &["--no-prefilter"][..]].concat());
        assert_eq!(
            with,
            without,
            "{} {tests:?}: the prefilter changed the output",
            root.display()
        );
        reads = with.1["variables"]
            .as_array()
            .map(|vars| {
                vars.iter()
                    .map(|v| v["reads"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
    }
    reads
}

#[test]
fn repository_fixture_trees() {
    for rel in ["examples/shop", "tests/fixtures"] {
        let root = Path::new(MANIFEST_DIR).join(rel);
        assert_same(&root);
    }
    let reads = assert_same(&Path::new(MANIFEST_DIR).join("examples/shop"));
    assert!(reads > 5, "examples/shop: only {reads} reads");
}

#[test]
fn every_fixture_project_the_tests_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut projects = 0;
    let mut files = 0;
    let mut reads = 0;
    let mut entries: Vec<PathBuf> = fs::read_dir(Path::new(MANIFEST_DIR).join("tests"))
        .expect("tests/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| p.file_name().is_some_and(|n| n != "prefilter.rs"))
        .collect();
    entries.sort();
    for test_file in entries {
        let text = fs::read_to_string(&test_file).expect("read test file");
        let stem = test_file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("tests")
            .to_string();
        for (i, project) in fixture_projects(&text).into_iter().enumerate() {
            let root = tmp.path().join(&stem).join(i.to_string());
            for (rel, content) in &project {
                let path = root.join(rel);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).expect("mkdir");
                }
                fs::write(&path, content).expect("write fixture");
                files += 1;
            }
            reads += assert_same(&root);
            projects += 1;
        }
    }
    // Guards against the replay silently finding nothing (e.g. after a rename of `write`).
    assert!(projects >= 20, "only {projects} fixture projects rebuilt");
    assert!(files >= 60, "only {files} fixture files rebuilt");
    assert!(reads >= 40, "only {reads} reads in the fixture projects");
}

#[test]
fn synthetic_benchmark_tree() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("synth");
    let status = StdCommand::new("python3")
        .arg(Path::new(MANIFEST_DIR).join("benches/synth.py"))
        .arg(&root)
        .args(["--files", "1500"])
        .output()
        .expect("python3 runs benches/synth.py");
    assert!(
        status.status.success(),
        "benches/synth.py failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let reads = assert_same(&root);
    assert!(reads > 200, "only {reads} reads in the synthetic tree");
}

/// The files each test function of a test source writes: `write(<root>, "rel", "text")` calls
/// whose two last arguments are string literals or `const` strings of the same file.
fn fixture_projects(src: &str) -> Vec<Vec<(String, String)>> {
    let consts = string_consts(src);
    let mut projects = Vec::new();
    for chunk in src.split("#[test]").skip(1) {
        let mut files = Vec::new();
        let mut rest = chunk;
        while let Some(at) = rest.find("write(") {
            // `fs::write(` and `std::fs::write(` are the helper's own body or other writes.
            let before = &rest[..at];
            rest = &rest[at + "write(".len()..];
            if before.ends_with("::") || before.ends_with('.') || before.ends_with('_') {
                continue;
            }
            let Some(args) = call_args(rest) else {
                continue;
            };
            if args.len() != 3 {
                continue;
            }
            let value = |arg: &str| string_literal(arg).or_else(|| consts.get(arg).cloned());
            if let (Some(rel), Some(text)) = (value(&args[1]), value(&args[2])) {
                files.push((rel, text));
            }
        }
        if !files.is_empty() {
            projects.push(files);
        }
    }
    projects
}

/// `const NAME: &str = "...";` of a file.
fn string_consts(src: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (at, _) in src.match_indices("const ") {
        let rest = &src[at + "const ".len()..];
        let Some((name, rest)) = rest.split_once(':') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("&str") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some((lit, _)) = split_literal(rest)
            && let Some(value) = string_literal(lit)
        {
            out.insert(name.trim().to_string(), value);
        }
    }
    out
}

/// The arguments of a call whose `(` was just consumed, as source text, split at top-level commas.
fn call_args(src: &str) -> Option<Vec<String>> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        if c == '"' || (c == 'r' && (rest[1..].starts_with('"') || rest[1..].starts_with('#'))) {
            let (lit, after) = split_literal(rest)?;
            current.push_str(lit);
            rest = after;
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ')' => {
                if !current.trim().is_empty() {
                    args.push(current.trim().to_string());
                }
                return Some(args);
            }
            ',' if depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    None
}

/// Splits a leading string literal (`"..."`, `r"..."`, `r#"..."#`) from the rest of `src`.
fn split_literal(src: &str) -> Option<(&str, &str)> {
    if let Some(raw) = src.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        let len = 1 + hashes + 1 + end + close.len();
        return Some((&src[..len], &src[len..]));
    }
    let body = src.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some((&src[..i + 2], &src[i + 2..])),
            _ => {}
        }
    }
    None
}

/// The value of a Rust string literal, when `arg` is exactly one.
fn string_literal(arg: &str) -> Option<String> {
    let arg = arg.trim();
    let (lit, rest) = split_literal(arg)?;
    if !rest.trim().is_empty() {
        return None;
    }
    if let Some(raw) = lit.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        return Some(raw[hashes + 1..raw.len() - hashes - 1].to_string());
    }
    unescape(&lit[1..lit.len() - 1])
}

fn unescape(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            '\n' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[test]
fn the_replay_reads_rust_string_literals() {
    let src = r####"
const CODE: &str = "import os\nos.environ['A']\n";
#[test]
fn one() {
    write(root, "a.py", CODE);
    write(&root, "b/c.ts", r#"process.env.B ?? "x""#);
    fs::write(path, text).expect("write");
    write(
        root,
        "d.py",
        "import os\n\
         os.getenv(\"D\")\n",
    );
    write(root, &name, "skipped: the path is not a literal");
}
#[test]
fn two() {}
"####;
    let projects = fixture_projects(src);
    assert_eq!(
        projects,
        vec![vec![
            (
                "a.py".to_string(),
                "import os\nos.environ['A']\n".to_string()
            ),
            ("b/c.ts".to_string(), "process.env.B ?? \"x\"".to_string()),
            (
                "d.py".to_string(),
                "import os\nos.getenv(\"D\")\n".to_string()
            ),
        ]]
    );
}
