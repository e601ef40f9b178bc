//! `--base` reads a revision's files that are byte for byte the work tree's in the work tree
//! instead of writing them out (src/git.rs `Reuse`, `Workspace::at_revision`). What the base
//! scan finds must be what a scan of a checkout of that revision finds: files changed since,
//! edited but not committed, deleted, or ignored at the revision but not now, and helpers
//! defined in unchanged modules. Real repositories built with the git CLI in temp dirs; the
//! real binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(dir)
        .env_remove("ENVCHECK_CACHE_DIR")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs")
}

/// The sorted `(variable, change)` pairs of a `diff --base` run.
fn changes(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out = envcheck(dir, args);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut got: Vec<(String, String)> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("-").to_string();
            (s("variable"), s("change"))
        })
        .collect();
    got.sort();
    got
}

/// `diff prod [extra...]` against `base`, with `source` as the target, as JSON, never failing
/// on findings.
fn diff_args<'a>(source: &'a str, base: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["diff", "prod"];
    args.extend_from_slice(extra);
    args.extend([
        "--source",
        source,
        "--format",
        "json",
        "--exit-zero",
        "--base",
        base,
    ]);
    args
}

const HELPER: &str = "import os\n\n\ndef flag(name):\n    return os.getenv(name) == '1'\n";

/// The revision `base`: reads in files that stay, change, go, and are ignored.
fn base_revision(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "gen/.gitignore", "made.py\n");
    write(root, "app/env.py", HELPER);
    // reads only through the helper of another module: no trigger word
    write(
        root,
        "app/flags.py",
        "from app.env import flag\n\nBETA = flag('BETA_FLAG')\n",
    );
    write(root, "app/same.py", "import os\nos.environ['SAME']\n");
    // changed since: read at the revision only through the helper, no trigger word either time
    write(
        root,
        "app/flagged.py",
        "from app.env import flag\n\nOLD = flag('FLAG_OLD')\n",
    );
    write(
        root,
        "app/changed.py",
        "import os\nos.environ['CHANGED_OLD']\n",
    );
    write(
        root,
        "app/edited.py",
        "import os\nos.environ['EDITED_OLD']\n",
    );
    write(root, "app/gone.py", "import os\nos.environ['GONE']\n");
    write(
        root,
        "web/same.ts",
        "export const a = process.env.WEB_SAME;\n",
    );
    write(root, "web/plain.ts", "export const b = 1;\n");
    write(root, "gen/made.py", "import os\nos.environ['GENERATED']\n");
    // committed, and ignored at both revisions, by an ignore file at the top and by one in
    // the file's own directory: neither revision scans them
    write(root, ".gitignore", "vendored/\n");
    write(
        root,
        "vendored/lib.py",
        "import os\nos.environ['VENDORED']\n",
    );
    write(root, "app/.ignore", "local_*.py\n");
    write(
        root,
        "app/local_dev.py",
        "import os\nos.environ['LOCAL_DEV']\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["add", "-f", "gen/made.py", "vendored/lib.py"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["tag", "base"]);
}

/// The work tree since `base`: one file changed and committed, one deleted, one edited but not
/// committed, and `gen/made.py` no longer ignored; the files ignored at both revisions edited
/// too (the work tree's walk never meets them, so the revision's are written out and its
/// ignore files must be there to leave them out).
fn change(root: &Path) {
    write(
        root,
        "app/flagged.py",
        "from app.env import flag\n\nNEW = flag('FLAG_NEW')\n",
    );
    write(
        root,
        "vendored/lib.py",
        "import os\nos.environ['VENDORED_NEW']\n",
    );
    write(
        root,
        "app/local_dev.py",
        "import os\nos.environ['LOCAL_NEW']\n",
    );
    write(
        root,
        "app/changed.py",
        "import os\nos.environ['CHANGED_NEW']\n",
    );
    fs::remove_file(root.join("app/gone.py")).expect("rm");
    write(root, "gen/.gitignore", "\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "change"]);
    write(
        root,
        "app/edited.py",
        "import os\nos.environ['EDITED_NEW']\n",
    );
}

fn want() -> Vec<(String, String)> {
    let mut want: Vec<(String, String)> = [
        ("CHANGED_NEW", "added"),
        ("CHANGED_OLD", "removed"),
        ("EDITED_NEW", "added"),
        ("EDITED_OLD", "removed"),
        ("FLAG_NEW", "added"),
        ("FLAG_OLD", "removed"),
        ("GENERATED", "added"),
        ("GONE", "removed"),
    ]
    .iter()
    .map(|(v, c)| (v.to_string(), c.to_string()))
    .collect();
    want.sort();
    want
}

#[test]
fn a_base_revision_read_partly_from_the_work_tree_is_that_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    fs::create_dir_all(&root).expect("mkdir");
    base_revision(&root);
    change(&root);
    let diff = diff_args("names:SAME", "base", &[]);
    let got = changes(&root, &diff);
    assert_eq!(got, want(), "cold");
    // warm: the cache knows every unchanged file by its stat (let the times age first)
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(changes(&root, &diff), want(), "filling the cache");
    assert_eq!(changes(&root, &diff), want(), "warm");
    let uncached = diff_args("names:SAME", "base", &["--no-cache"]);
    assert_eq!(changes(&root, &uncached), want(), "uncached");

    // the same with the project scanned as a subdirectory
    let sub = diff_args("names:SAME", "base", &["app"]);
    let want_sub: Vec<(String, String)> = want()
        .into_iter()
        .filter(|(v, _)| v != "GENERATED")
        .collect();
    assert_eq!(changes(&root, &sub), want_sub, "a subdirectory");
}

/// A directory ignored now but not at the revision: the revision's files there are scanned
/// (the work tree's walk never met them, so none is read from there).
#[test]
fn a_directory_ignored_only_now_is_scanned_at_the_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    fs::create_dir_all(&root).expect("mkdir");
    git(&root, &["init", "-q", "-b", "main"]);
    write(&root, "app/a.py", "import os\nos.environ['KEPT']\n");
    write(&root, "old/b.py", "import os\nos.environ['NOW_IGNORED']\n");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "base"]);
    write(&root, ".gitignore", "old/\n");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "ignore old/"]);
    let got = changes(&root, &diff_args("names:KEPT", "HEAD~1", &[]));
    assert_eq!(
        got,
        vec![("NOW_IGNORED".to_string(), "removed".to_string())]
    );
}

/// More changed source files than the base scan keeps in memory (32 MiB of them): those beyond
/// the budget are written into the base tree and scanned there, and every one of them counts.
#[test]
fn changed_files_beyond_the_memory_budget_are_still_the_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    fs::create_dir_all(&root).expect("mkdir");
    git(&root, &["init", "-q", "-b", "main"]);
    // nine files of 3.9 MB (under the 4 MiB file limit): eight fit in the budget, one does not
    // (one long string, not comment lines: the Python grammar's scanner takes time quadratic
    // in a run of comment lines)
    let padding = "padding line that keeps this module large, and nothing else\n".repeat(64_000);
    let module = |name: &str| {
        format!("import os\n\n{name} = os.environ['{name}']\nDOC = \"\"\"\n{padding}\"\"\"\n")
    };
    for n in 0..9 {
        write(
            &root,
            &format!("app/big_{n}.py"),
            &module(&format!("OLD_{n}")),
        );
    }
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "base"]);
    git(&root, &["tag", "base"]);
    for n in 0..9 {
        write(
            &root,
            &format!("app/big_{n}.py"),
            &module(&format!("NEW_{n}")),
        );
    }
    git(&root, &["commit", "-q", "-am", "change"]);
    let mut want: Vec<(String, String)> = (0..9)
        .flat_map(|n| {
            [
                (format!("NEW_{n}"), "added".to_string()),
                (format!("OLD_{n}"), "removed".to_string()),
            ]
        })
        .collect();
    want.sort();
    let diff = diff_args("names:SAME", "base", &["--no-cache"]);
    assert_eq!(changes(&root, &diff), want);
    assert!(
        fs::metadata(root.join("app/big_8.py")).expect("stat").len() > 3_800_000,
        "the files are as large as the budget needs"
    );
}
