//! `--base REF` on real git repositories built with the git CLI in temp dirs: new-only gating,
//! variable changes, the Markdown change plan, shallow clones and bad revisions.

use std::fs;
use std::path::Path;
use std::process::{Command as Process, Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(code, variable, new)` of each finding.
fn findings(doc: &Value) -> Vec<(String, String, bool)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
                f["new"].as_bool().expect("new is set with --base"),
            )
        })
        .collect()
}

/// `(variable, change, from, to)` of each change.
fn changes(doc: &Value) -> Vec<(String, String, String, String)> {
    doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("-").to_string();
            (s("variable"), s("change"), s("from"), s("to"))
        })
        .collect()
}

/// A project with history: `deploy-1` is what runs in production; HEAD is the release.
fn repository(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\nCACHE_TTL = int(os.getenv('CACHE_TTL', '60'))\nLEGACY_API = os.getenv('LEGACY_API_URL')\nOLD_MISSING = os.environ['ALREADY_MISSING']\n",
    );
    write(
        root,
        "app/config.py",
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    mail_from: str = 'shop@example.com'\n",
    );
    write(
        root,
        "app/search.py",
        "import os\n\nINDEX = os.getenv('SEARCH_INDEX')\n",
    );
    write(
        root,
        ".env.example",
        "DATABASE_URL=\nCACHE_TTL=60\nLEGACY_API_URL=\nALREADY_MISSING=\nMAIL_FROM=\nSEARCH_INDEX=\n",
    );
    write(
        root,
        ".env.production",
        "DATABASE_URL=postgres://db\nLEGACY_API_URL=https://old\nMAIL_FROM=shop@example.com\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "first release"]);
    git(root, &["tag", "deploy-1"]);

    // the release: a new required read, a default turned required, a read removed, a pydantic
    // field renamed, a read moved to another file
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\nCACHE_TTL = int(os.environ['CACHE_TTL'])\nOLD_MISSING = os.environ['ALREADY_MISSING']\nSTRIPE_KEY = os.environ['STRIPE_SECRET_KEY']\nRETRIES = os.getenv('STRIPE_RETRIES', '3')\nAUDIT = os.getenv('AUDIT_WEBHOOK')\n",
    );
    write(
        root,
        "app/config.py",
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    mail_sender: str = 'shop@example.com'\n",
    );
    fs::remove_file(root.join("app/search.py")).expect("rm");
    write(
        root,
        "app/search/index.py",
        "import os\n\nINDEX = os.getenv('SEARCH_INDEX')\n",
    );
    write(
        root,
        ".env.example",
        "DATABASE_URL=\nCACHE_TTL=60\nALREADY_MISSING=\nMAIL_SENDER=\nSEARCH_INDEX=\nSTRIPE_SECRET_KEY=\nSTRIPE_RETRIES=3\nAUDIT_WEBHOOK=\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "release"]);
}

#[test]
fn diff_marks_new_findings_lists_changes_and_gates_on_new_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    let status_before = git(root, &["status", "--porcelain"]);

    let out = envcheck(
        root,
        &["diff", "prod", "--base", "deploy-1", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a new required variable is missing"
    );
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        vec![
            ("ENV104".to_string(), "LEGACY_API_URL".to_string(), true),
            ("ENV104".to_string(), "MAIL_FROM".to_string(), true),
            ("ENV102".to_string(), "SEARCH_INDEX".to_string(), false),
            ("ENV101".to_string(), "CACHE_TTL".to_string(), true),
            ("ENV101".to_string(), "ALREADY_MISSING".to_string(), false),
            ("ENV101".to_string(), "STRIPE_SECRET_KEY".to_string(), true),
            ("ENV102".to_string(), "AUDIT_WEBHOOK".to_string(), true),
        ]
    );
    let c = |v: &str, k: &str, f: &str, t: &str| {
        (v.to_string(), k.to_string(), f.to_string(), t.to_string())
    };
    assert_eq!(
        changes(&doc),
        vec![
            c("AUDIT_WEBHOOK", "added", "-", "optional"),
            c("CACHE_TTL", "requirement-changed", "default", "required"),
            c("LEGACY_API_URL", "removed", "optional", "-"),
            c("MAIL_FROM", "removed", "default", "-"),
            c("MAIL_SENDER", "added", "-", "default"),
            c("SEARCH_INDEX", "moved", "optional", "optional"),
            c("STRIPE_RETRIES", "added", "-", "default"),
            c("STRIPE_SECRET_KEY", "added", "-", "required"),
        ]
    );
    let in_target: Vec<bool> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["in_target"].as_bool().expect("in_target with diff"))
        .collect();
    assert_eq!(
        in_target,
        vec![false, false, true, true, false, false, false, false]
    );
    // the base revision is read on a thread of its own, or with `--threads 1` after the work
    // tree, on this one: the same report either way
    for threads in ["1", "3"] {
        let other = envcheck(
            root,
            &[
                "diff",
                "prod",
                "--base",
                "deploy-1",
                "--format",
                "json",
                "--threads",
                threads,
            ],
        );
        assert_eq!(other.status.code(), Some(1), "--threads {threads}");
        assert_eq!(json(&other), doc, "--threads {threads}");
    }

    // with the new problems allowlisted, only old ones remain: not this change's fault
    write(
        root,
        "envcheck.toml",
        "ignore-vars = [\"CACHE_TTL\", \"STRIPE_SECRET_KEY\"]\n",
    );
    let existing = envcheck(
        root,
        &["diff", "prod", "--base", "deploy-1", "--format", "json"],
    );
    assert_eq!(
        existing.status.code(),
        Some(0),
        "ALREADY_MISSING was missing before: not this change's fault"
    );
    let failing = envcheck(
        root,
        &["diff", "prod", "--base", "deploy-1", "--fail-on-existing"],
    );
    assert_eq!(failing.status.code(), Some(1));
    let without_base = envcheck(root, &["diff", "prod"]);
    assert_eq!(without_base.status.code(), Some(1));
    fs::remove_file(root.join("envcheck.toml")).expect("rm");

    assert_eq!(
        git(root, &["status", "--porcelain"]),
        status_before,
        "the work tree is untouched"
    );
}

#[test]
fn the_markdown_change_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    let out = envcheck(
        root,
        &["diff", "prod", "--base", "deploy-1", "--format", "markdown"],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let snapshot = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/change-plan.md"
    ))
    .expect("snapshot");
    assert_eq!(
        text, snapshot,
        "the change plan differs from tests/snapshots/change-plan.md"
    );
}

#[test]
fn check_marks_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    // a read the example file does not document, added after the base
    write(
        root,
        "app/extra.py",
        "import os\nos.environ['UNDOCUMENTED_NEW']\n",
    );
    let out = envcheck(
        root,
        &[
            "check",
            "--base",
            "deploy-1",
            "--format",
            "json",
            "--select",
            "ENV001,ENV002",
        ],
    );
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        vec![("ENV001".to_string(), "UNDOCUMENTED_NEW".to_string(), true)]
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(doc["changes"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(
        doc["changes"][0]["in_target"].is_null(),
        "check has no target"
    );
}

#[test]
fn shallow_clones_missing_revisions_and_non_repositories_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("origin");
    fs::create_dir_all(&root).expect("mkdir");
    repository(&root);

    let out = envcheck(&root, &["diff", "prod", "--base", "no-such-tag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-tag"));

    let shallow = dir.path().join("shallow");
    let url = format!("file://{}", root.display());
    let status = Process::new("git")
        .args(["clone", "-q", "--depth", "1", "--no-tags", &url])
        .arg(&shallow)
        .stderr(Stdio::null())
        .status()
        .expect("git clone");
    assert!(status.success());
    let out = envcheck(&shallow, &["diff", "prod", "--base", "deploy-1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shallow") && err.contains("fetch"), "{err}");

    let plain = dir.path().join("plain");
    fs::create_dir_all(&plain).expect("mkdir");
    write(&plain, "a.py", "import os\nos.environ['X']\n");
    write(&plain, ".env.production", "X=1\n");
    let out = envcheck(&plain, &["diff", "prod", "--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
}

/// A scan of a subdirectory sees the base revision as it sees the working tree: the example
/// file and ignore files above it, the configuration's globs relative to the configuration,
/// `--example`, and the files of a checked-out submodule at the commit the base records. With
/// no change since the base, nothing is new.
#[test]
fn a_subdirectory_scan_sees_the_base_as_it_sees_the_work_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let lib = root.join("lib-repo");
    fs::create_dir_all(&lib).expect("mkdir");
    git(&lib, &["init", "-q", "-b", "main"]);
    write(&lib, "l.py", "import os\nos.environ['LIB_ONLY']\n");
    git(&lib, &["add", "-A"]);
    git(&lib, &["commit", "-q", "-m", "lib"]);

    let repo = root.join("repo");
    fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, ".env.example", "A=\n");
    write(&repo, "docs/env.sample", "B=\n");
    write(&repo, "envcheck.toml", "exclude = [\"svc/gen/**\"]\n");
    write(&repo, ".gitignore", "svc/ignored/\n");
    write(&repo, "svc/src/a.py", "import os\nos.environ['OLD']\n");
    write(&repo, "svc/gen/g.py", "import os\nos.environ['GEN']\n");
    git(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            lib.to_str().expect("utf-8 path"),
            "svc/lib",
        ],
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);

    for args in [
        &["check", "svc", "--base", "HEAD", "--format", "json"][..],
        &[
            "check",
            "svc",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--example",
            "docs/env.sample",
        ][..],
    ] {
        let out = envcheck(&repo, args);
        let doc = json(&out);
        let got = findings(&doc);
        assert!(!got.is_empty(), "{args:?}: the run has findings to mark");
        assert!(
            got.iter().all(|(_, _, new)| !new),
            "{args:?}: nothing changed, nothing is new: {got:?}"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {got:?}");
    }
    // a read added in the excluded directory stays excluded; one added in code is new
    write(
        &repo,
        "svc/src/a.py",
        "import os\nos.environ['OLD']\nos.environ['GEN']\n",
    );
    let out = envcheck(
        &repo,
        &["check", "svc", "--base", "HEAD", "--format", "json"],
    );
    let got = findings(&json(&out));
    assert!(
        got.contains(&("ENV001".to_string(), "GEN".to_string(), true)),
        "{got:?}"
    );
    assert_eq!(out.status.code(), Some(1));
}
