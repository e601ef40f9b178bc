//! Hostile repositories: envcheck reads git in-process and never runs a program the repository
//! names. Each repository is real (built with the git CLI in a temp dir); its `.git/config` then
//! sets a key that makes the `git` program run something (fsmonitor, hooks, pagers, external
//! diff, filters, textconv, ssh and credential helpers with a promisor remote) to a script that
//! writes a marker file, or includes `/dev/zero` or a FIFO. Every command that reads git runs
//! there (`check`, `check --base`, `diff --base`, `example`, `sources`): no marker may appear,
//! no run may hang, and the results are those of the same repository without the config.
//!
//! Also: special files in `.git` itself, a base tree that unfolds exponentially, linked
//! worktrees, index v4, split and sparse indexes, and a repository owned by another user.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

/// Generous: the debug binary on a busy two-core machine. It only catches a hang or a blow-up.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The committed production password: must never be printed.
const CANARY: &str = "CANARY-git-Zq8k2Lm41wR";

/// `git` with its input on stdin (`mktree`).
fn git_in(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    envcheck_env(dir, args, &[])
}

fn envcheck_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    assert!(
        out.status.code().is_some(),
        "envcheck {args:?} was killed (timeout or signal): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(CANARY),
            "envcheck {args:?} printed a secret value"
        );
    }
    out
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

/// `(code, variable, new)` of each finding, sorted.
fn findings(out: &Output) -> Vec<(String, String, Option<bool>)> {
    let mut rows: Vec<_> = json(out)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
                f["new"].as_bool(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn row(code: &str, var: &str, new: Option<bool>) -> (String, String, Option<bool>) {
    (code.to_string(), var.to_string(), new)
}

/// A project with two commits. HEAD~1 has `app/old.py`; HEAD removes it and reads a new
/// secret the example file does not document. `.env.production` (committed) holds a plaintext
/// password; every file has a filter and a diff driver in `.gitattributes`.
fn project(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".gitattributes", "* filter=evil diff=evil\n");
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\nDB_PASSWORD = os.environ['DB_PASSWORD']\n",
    );
    write(
        root,
        "app/old.py",
        "import os\n\nLEGACY = os.getenv('LEGACY_URL')\n",
    );
    write(
        root,
        ".env.example",
        "DATABASE_URL=\nDB_PASSWORD=\nLEGACY_URL=\n",
    );
    write(
        root,
        ".env.production",
        &format!("DATABASE_URL=postgres://db\nDB_PASSWORD={CANARY}\n"),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "one"]);
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\nDB_PASSWORD = os.environ['DB_PASSWORD']\nSTRIPE = os.environ['STRIPE_SECRET_KEY']\n",
    );
    fs::remove_file(root.join("app/old.py")).expect("rm");
    write(root, ".env.example", "DATABASE_URL=\nDB_PASSWORD=\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "two"]);
}

/// What the commands must report on [`project`], hostile config or not.
fn assert_results(root: &Path, what: &str) {
    let select = ["--format", "json", "--select", "ENV001,ENV002,ENV302"];
    let out = envcheck(root, &[&["check"][..], &select].concat());
    assert_eq!(
        findings(&out),
        vec![
            row("ENV001", "STRIPE_SECRET_KEY", None),
            row("ENV302", "DB_PASSWORD", None),
        ],
        "{what}: check (ENV302 needs .env.production known as committed)"
    );
    let out = envcheck(
        root,
        &[&["check", "--base", "HEAD~1"][..], &select].concat(),
    );
    assert_eq!(
        findings(&out),
        vec![
            row("ENV001", "STRIPE_SECRET_KEY", Some(true)),
            row("ENV302", "DB_PASSWORD", Some(false)),
        ],
        "{what}: check --base HEAD~1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: a new required variable"
    );
    let changes: Vec<(String, String)> = json(&out)["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("-").to_string();
            (s("variable"), s("change"))
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("LEGACY_URL".to_string(), "removed".to_string()),
            ("STRIPE_SECRET_KEY".to_string(), "added".to_string()),
        ],
        "{what}: diff --base HEAD~1"
    );
    let out = envcheck(root, &["example"]);
    assert_eq!(out.status.code(), Some(0), "{what}: example");
    assert!(String::from_utf8_lossy(&out.stdout).contains("STRIPE_SECRET_KEY="));
    let out = envcheck(root, &["sources", "prod"]);
    assert_eq!(out.status.code(), Some(0), "{what}: sources");
}

/// Runs every command that reads git; returns their exit codes (for cases that may refuse).
fn run_all(root: &Path) -> Vec<Option<i32>> {
    [
        &["check"][..],
        &["check", "--base", "HEAD~1"][..],
        &["diff", "prod", "--base", "HEAD~1"][..],
        &["example"][..],
        &["sources", "prod"][..],
    ]
    .iter()
    .map(|args| envcheck(root, args).status.code())
    .collect()
}

/// A script that appends its name and arguments to `marker`, and the hooks directory where
/// every hook git knows is that script.
fn evil_script(dir: &Path, marker: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("evil.sh");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat >/dev/null 2>&1\nexit 1\n",
            marker.display()
        ),
    )
    .expect("write");
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    let hooks = dir.join("hooks");
    fs::create_dir_all(&hooks).expect("mkdir");
    for hook in [
        "applypatch-msg",
        "pre-applypatch",
        "post-applypatch",
        "pre-commit",
        "pre-merge-commit",
        "prepare-commit-msg",
        "commit-msg",
        "post-commit",
        "pre-rebase",
        "post-checkout",
        "post-merge",
        "pre-push",
        "pre-receive",
        "update",
        "proc-receive",
        "post-receive",
        "post-update",
        "reference-transaction",
        "push-to-checkout",
        "pre-auto-gc",
        "post-rewrite",
        "fsmonitor-watchman",
        "post-index-change",
    ] {
        fs::copy(&script, hooks.join(hook)).expect("copy");
        fs::set_permissions(hooks.join(hook), fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    (script, hooks)
}

fn append_config(root: &Path, text: &str) {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(root.join(".git/config"))
        .expect("open config");
    file.write_all(text.as_bytes()).expect("append");
}

/// The keys that make git run a program, each in its own repository.
#[test]
fn program_running_config_keys_run_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("marker");
    let (script, hooks) = evil_script(dir.path(), &marker);
    let s = script.display();
    let cases: Vec<(&str, String)> = vec![
        ("core.fsmonitor", format!("[core]\n\tfsmonitor = {s}\n")),
        (
            "core.hooksPath",
            format!("[core]\n\thooksPath = {}\n", hooks.display()),
        ),
        (
            "core.pager and pager.*",
            format!(
                "[core]\n\tpager = {s}\n[pager]\n\tls-files = {s}\n\tls-tree = {s}\n\tcat-file = {s}\n\trev-parse = {s}\n"
            ),
        ),
        ("diff.external", format!("[diff]\n\texternal = {s}\n")),
        (
            "filter.<driver>",
            format!(
                "[filter \"evil\"]\n\tclean = {s}\n\tsmudge = {s}\n\tprocess = {s}\n\trequired = true\n"
            ),
        ),
        (
            "diff.<driver>.textconv",
            format!("[diff \"evil\"]\n\ttextconv = {s}\n\tcommand = {s}\n"),
        ),
        (
            "ssh, credentials, askpass, gpg, editors",
            format!(
                "[core]\n\tsshCommand = {s}\n\taskPass = {s}\n\teditor = {s}\n\talternateRefsCommand = {s}\n[credential]\n\thelper = !{s}\n[gpg]\n\tprogram = {s}\n[log]\n\tshowSignature = true\n[sequence]\n\teditor = {s}\n[uploadpack]\n\tpackObjectsHook = {s}\n"
            ),
        ),
    ];
    for (key, config) in cases {
        let repo = dir
            .path()
            .join(key.replace(|c: char| !c.is_alphanumeric(), "_"));
        fs::create_dir_all(&repo).expect("mkdir");
        project(&repo);
        append_config(&repo, &config);
        assert_results(&repo, key);
        assert!(
            !marker.exists(),
            "{key}: a program ran: {}",
            fs::read_to_string(&marker).unwrap_or_default()
        );
    }
}

/// A partial clone's promisor remote: git fetches a missing object on demand, through
/// `core.sshCommand` (or any transport). envcheck never fetches: the base that lacks a blob is
/// a clear error, and nothing runs.
#[test]
fn a_promisor_remote_is_never_contacted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("marker");
    let (script, _) = evil_script(dir.path(), &marker);
    let repo = dir.path().join("repo");
    fs::create_dir_all(&repo).expect("mkdir");
    project(&repo);
    // the blob only HEAD~1 has, as a loose object: gone, as in a blobless clone
    let blob = git(&repo, &["rev-parse", "HEAD~1:app/old.py"]);
    fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).expect("rm");
    append_config(
        &repo,
        &format!(
            "[core]\n\trepositoryformatversion = 1\n\tsshCommand = {s}\n[extensions]\n\tpartialClone = origin\n[remote \"origin\"]\n\turl = ssh://git.example.invalid/repo.git\n\tpromisor = true\n\tpartialclonefilter = blob:none\n[credential]\n\thelper = !{s}\n",
            s = script.display()
        ),
    );
    let out = envcheck(&repo, &["check", "--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("app/old.py"),
        "the error names the file: {err}"
    );
    let out = envcheck(&repo, &["diff", "prod", "--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = envcheck(&repo, &["check", "--format", "json", "--select", "ENV302"]);
    assert_eq!(findings(&out), vec![row("ENV302", "DB_PASSWORD", None)]);
    assert!(
        !marker.exists(),
        "a program ran: {}",
        fs::read_to_string(&marker).unwrap_or_default()
    );
}

fn mkfifo(path: &Path) {
    let made = Process::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

/// `include.path` and `includeIf` are never followed: to `/dev/zero` (never ends) or a FIFO
/// (blocks until written).
#[test]
fn config_includes_of_special_files_neither_hang_nor_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    for (what, config) in [
        (
            "include /dev/zero",
            "[include]\n\tpath = /dev/zero\n".to_string(),
        ),
        (
            "include a FIFO",
            format!("[include]\n\tpath = {}\n", fifo.display()),
        ),
        (
            "includeIf a FIFO",
            format!("[includeIf \"gitdir:/\"]\n\tpath = {}\n", fifo.display()),
        ),
    ] {
        let repo = dir.path().join(what.replace([' ', '/'], "_"));
        fs::create_dir_all(&repo).expect("mkdir");
        project(&repo);
        append_config(&repo, &config);
        let start = Instant::now();
        assert_results(&repo, what);
        assert!(start.elapsed() < TIMEOUT, "{what}");
    }
}

/// The files gix reads whole on opening, when they are not regular files: `--base` is a clear
/// error (exit 2), `check` goes on without knowing what is committed, and nothing blocks.
#[test]
fn special_files_in_the_git_directory_neither_hang_nor_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (what, name) in [
        ("config is /dev/zero", "config"),
        ("index is a FIFO", "index"),
        ("HEAD is a FIFO", "HEAD"),
    ] {
        let repo = dir.path().join(what.replace([' ', '/'], "_"));
        fs::create_dir_all(&repo).expect("mkdir");
        project(&repo);
        let path = repo.join(".git").join(name);
        fs::remove_file(&path).expect("rm");
        if name == "config" {
            std::os::unix::fs::symlink("/dev/zero", &path).expect("symlink");
        } else {
            mkfifo(&path);
        }
        let out = envcheck(&repo, &["check", "--base", "HEAD~1"]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("not a regular file") || err.contains("not inside a git repository"),
            "{what}: {err}"
        );
        let codes = run_all(&repo);
        assert!(
            codes.iter().all(|c| matches!(c, Some(0..=2))),
            "{what}: {codes:?}"
        );
    }
}

/// Committed content that looks like a bare repository (`HEAD`, `objects/`, `refs/`) in a
/// scanned subdirectory, its `HEAD` a symlink to `/dev/zero`: discovery looks for `.git` only
/// and never reads it (read as a repository, it never ends).
#[test]
fn a_committed_directory_that_looks_like_a_repository_is_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    project(repo);
    write(repo, "svc/app.py", "import os\nos.environ['DB_PASSWORD']\n");
    write(repo, "svc/refs/heads/.keep", "");
    write(repo, "svc/objects/info/.keep", "");
    write(
        repo,
        "svc/.env.production",
        &format!("API_TOKEN={CANARY}\n"),
    );
    std::os::unix::fs::symlink("/dev/zero", repo.join("svc/HEAD")).expect("symlink");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "svc"]);
    let svc = repo.join("svc");
    let out = envcheck(&svc, &["check", "--format", "json", "--select", "ENV302"]);
    assert_eq!(findings(&out), vec![row("ENV302", "API_TOKEN", None)]);
    let out = envcheck(
        &svc,
        &[
            "check", "--base", "HEAD~1", "--format", "json", "--select", "ENV302",
        ],
    );
    assert_eq!(findings(&out), vec![row("ENV302", "API_TOKEN", Some(true))]);
}

/// A base commit whose tree names the same subtree twice per level: 41 objects unfold to 2^40
/// paths. `git ls-tree -r` lists them all (hours); envcheck refuses the tree at once.
#[test]
fn a_base_tree_that_unfolds_exponentially_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    project(repo);
    let blob = git(repo, &["rev-parse", "HEAD:app/settings.py"]);
    let mut tree = git_in(repo, &["mktree"], &format!("100644 blob {blob}\tx.py\n"));
    for _ in 0..40 {
        tree = git_in(
            repo,
            &["mktree"],
            &format!("040000 tree {tree}\ta\n040000 tree {tree}\tb\n"),
        );
    }
    let bomb = git(repo, &["commit-tree", &tree, "-p", "HEAD", "-m", "bomb"]);
    let head_tree = git(repo, &["rev-parse", "HEAD^{tree}"]);
    let top = git(repo, &["commit-tree", &head_tree, "-p", &bomb, "-m", "fix"]);
    git(repo, &["update-ref", "refs/heads/main", &top]);

    // the ceiling only catches a blow-up; the refusal takes milliseconds
    let start = Instant::now();
    let out = envcheck(repo, &["check", "--base", "HEAD~1"]);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unfolds to"), "{err}");
    // the commits before it read as usual
    assert_results_base(repo, "HEAD~3");
}

fn assert_results_base(root: &Path, base: &str) {
    let out = envcheck(
        root,
        &[
            "check", "--base", base, "--format", "json", "--select", "ENV001",
        ],
    );
    assert_eq!(
        findings(&out),
        vec![row("ENV001", "STRIPE_SECRET_KEY", Some(true))],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Linked worktrees (`.git` is a `gitdir:` file), index v4, a split index and a sparse index.
#[test]
fn worktrees_and_every_index_format_read_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main");
    fs::create_dir_all(&main).expect("mkdir");
    project(&main);
    assert_results(&main, "plain");

    let linked = dir.path().join("linked");
    git(
        &main,
        &["worktree", "add", "-q", linked.to_str().expect("utf-8")],
    );
    assert!(linked.join(".git").is_file());
    assert_results(&linked, "linked worktree");

    let v4 = dir.path().join("v4");
    git(
        dir.path(),
        &["clone", "-q", main.to_str().expect("utf-8"), "v4"],
    );
    git(&v4, &["update-index", "--index-version", "4"]);
    assert_results_tracked(&v4, "index v4");

    let split = dir.path().join("split");
    git(
        dir.path(),
        &["clone", "-q", main.to_str().expect("utf-8"), "split"],
    );
    git(&split, &["update-index", "--split-index"]);
    // an entry in the split part, beside the shared index
    write(
        &split,
        "app/more.py",
        "import os\nos.environ['DB_PASSWORD']\n",
    );
    write(
        &split,
        "svc/.env.production",
        &format!("API_TOKEN={CANARY}\n"),
    );
    git(&split, &["add", "app/more.py", "svc/.env.production"]);
    assert!(
        fs::read_dir(split.join(".git"))
            .expect("ls")
            .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("sharedindex."))),
        "git wrote a split index"
    );
    let out = envcheck(&split, &["check", "--format", "json", "--select", "ENV302"]);
    let got = findings(&out);
    assert_eq!(
        got,
        vec![
            row("ENV302", "API_TOKEN", None),
            row("ENV302", "DB_PASSWORD", None)
        ],
        "split index: both parts are read"
    );
    // a scan of a subdirectory: paths relative to it
    let out = envcheck(
        &split.join("svc"),
        &["check", "--format", "json", "--select", "ENV302"],
    );
    assert_eq!(findings(&out), vec![row("ENV302", "API_TOKEN", None)]);

    let sparse = dir.path().join("sparse");
    git(
        dir.path(),
        &["clone", "-q", main.to_str().expect("utf-8"), "sparse"],
    );
    write(
        &sparse,
        "lib/vendored.py",
        "import os\nos.getenv('VENDORED')\n",
    );
    git(&sparse, &["add", "lib"]);
    git(&sparse, &["commit", "-q", "-m", "lib"]);
    git(
        &sparse,
        &["sparse-checkout", "set", "--cone", "--sparse-index", "app"],
    );
    assert!(!sparse.join("lib").exists(), "lib/ is outside the cone");
    assert_results_tracked(&sparse, "sparse index");
}

fn assert_results_tracked(root: &Path, what: &str) {
    let out = envcheck(root, &["check", "--format", "json", "--select", "ENV302"]);
    assert_eq!(
        findings(&out),
        vec![row("ENV302", "DB_PASSWORD", None)],
        "{what}"
    );
    let out = envcheck(
        root,
        &[
            "check", "--base", "HEAD~1", "--format", "json", "--select", "ENV302",
        ],
    );
    assert_eq!(
        findings(&out),
        vec![row("ENV302", "DB_PASSWORD", Some(false))],
        "{what}: --base"
    );
}

/// In CI containers the checkout often belongs to another user. git then refuses it unless
/// `safe.directory` says otherwise; envcheck reads it either way (it trusts no repository's
/// config, whoever owns it). Needs root to give the files away; skipped otherwise.
#[test]
fn a_repository_owned_by_another_user_is_read() {
    let uid = Process::new("id").arg("-u").output().expect("id");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        eprintln!("skipped: not root, cannot give files to another user");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    fs::create_dir_all(&repo).expect("mkdir");
    project(&repo);
    let status = Process::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&repo)
        .status()
        .expect("chown");
    assert!(status.success());
    let plain_home = dir.path().join("home-plain");
    let safe_home = dir.path().join("home-safe");
    fs::create_dir_all(&plain_home).expect("mkdir");
    write(&safe_home, ".gitconfig", "[safe]\n\tdirectory = *\n");
    for home in [&plain_home, &safe_home] {
        let env = [
            ("HOME", home.as_path()),
            ("XDG_CONFIG_HOME", home.as_path()),
        ];
        let out = envcheck_env(
            &repo,
            &["check", "--format", "json", "--select", "ENV302"],
            &env,
        );
        assert_eq!(
            findings(&out),
            vec![row("ENV302", "DB_PASSWORD", None)],
            "HOME={}",
            home.display()
        );
        let out = envcheck_env(
            &repo,
            &[
                "check", "--base", "HEAD~1", "--format", "json", "--select", "ENV001",
            ],
            &env,
        );
        assert_eq!(
            findings(&out),
            vec![row("ENV001", "STRIPE_SECRET_KEY", Some(true))],
            "HOME={}: {}",
            home.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
