//! The result cache (src/cache.rs) through the real binary: a cached run prints what an
//! uncached one does, a cache of another version or other settings is not used, a damaged one
//! is ignored, and the cache directory is never scanned, reported or committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(dir)
        .args(args)
        .env_remove("ENVCHECK_CACHE_DIR")
        .output()
        .expect("runs")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn cache_file(dir: &Path) -> PathBuf {
    dir.join(".envcheck_cache/facts.bin")
}

/// `(stdout, stderr, exit code)` of a run, with the cache as given by `args`.
fn run(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let out = envcheck(dir, args);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// Uncached, cold and warm runs of each command give the same output.
fn assert_cache_changes_nothing(dir: &Path) {
    let commands: [&[&str]; 3] = [
        &["scan", "--format", "json", "--include-tests"],
        &["scan"],
        &["check", "--format", "json", "--exit-zero"],
    ];
    for command in commands {
        let mut uncached = command.to_vec();
        uncached.push("--no-cache");
        let want = run(dir, &uncached);
        assert!(!cache_file(dir).exists(), "--no-cache writes nothing");
        let cold = run(dir, command);
        let warm = run(dir, command);
        assert_eq!(cold, want, "{} cold: {command:?}", dir.display());
        assert_eq!(warm, want, "{} warm: {command:?}", dir.display());
        std::fs::remove_dir_all(dir.join(".envcheck_cache")).ok();
    }
}

#[test]
fn cached_and_uncached_runs_print_the_same_on_every_example_project() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    assert!(projects.len() >= 2, "{projects:?}");
    for project in projects {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&project, dir.path());
        assert_cache_changes_nothing(dir.path());
    }
}

/// Only code facts are cached: the values of a target's env files never reach the cache file,
/// whatever the command.
#[test]
fn target_values_never_reach_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nDB = os.environ['DATABASE_URL']\nKEY = os.getenv('API_KEY')\n",
    );
    write(
        root,
        "web/a.ts",
        "export const s = process.env.SESSION_SECRET;\n",
    );
    write(
        root,
        ".env.example",
        "DATABASE_URL=\nAPI_KEY=\nSESSION_SECRET=\n",
    );
    write(
        root,
        ".env.production",
        "DATABASE_URL=postgres://u:CANARY-DB-7f3a@db/x\nAPI_KEY=CANARY-KEY-91c2\nSESSION_SECRET=CANARY-SESSION-4d8e\nUNUSED=CANARY-UNUSED-0b5f\n",
    );
    for args in [
        &["check", "--exit-zero"][..],
        &["check", "--format", "json", "--exit-zero"][..],
        &["diff", "prod", "--exit-zero"][..],
        &["diff", "prod", "--format", "json", "--exit-zero"][..],
        &["scan", "--format", "json"][..],
    ] {
        let out = envcheck(root, args);
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("CANARY"),
            "{args:?}"
        );
        let cache = std::fs::read(cache_file(root)).expect("the cache is written");
        assert!(
            !cache.windows(6).any(|w| w == b"CANARY"),
            "{args:?}: a target value in the cache"
        );
    }
}

#[test]
fn cached_and_uncached_runs_print_the_same_on_the_synthetic_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let synth = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/synth.py");
    let made = Command::new("python3")
        .arg(&synth)
        .arg(dir.path().join("tree"))
        .args(["--files", "400"])
        .output();
    match made {
        Ok(out) if out.status.success() => {}
        // no Python on this machine: the example projects above still cover the cache
        _ => return,
    }
    assert_cache_changes_nothing(&dir.path().join("tree"));
}

/// Project helpers and settings classes are resolved over cached and fresh facts alike: a
/// change to the module that defines a helper changes the reads of the unchanged file that
/// calls it.
#[test]
fn the_python_project_pass_sees_a_change_in_another_module() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/env.py",
        "import os\n\ndef env_flag(name, default=False):\n    return os.getenv(name, default)\n",
    );
    write(
        root,
        "app/settings.py",
        "from app.env import env_flag\n\nDEBUG = env_flag('APP_DEBUG')\n",
    );
    let scan = ["scan", "--format", "json"];
    let first = run(root, &scan);
    assert!(first.0.contains("APP_DEBUG"), "{}", first.0);
    // the helper no longer reads the environment: the call in the unchanged file is no read
    write(
        root,
        "app/env.py",
        "def env_flag(name, default=False):\n    return default\n",
    );
    let second = run(root, &scan);
    assert_eq!(
        second,
        run(root, &["scan", "--format", "json", "--no-cache"])
    );
    assert!(!second.0.contains("APP_DEBUG"), "{}", second.0);
}

/// A cache written under another key (another version of envcheck, other settings) is not
/// used: shown by a cache whose entry was altered, which is used under the right key and not
/// under another.
#[test]
fn a_cache_of_another_version_or_other_settings_is_not_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "import os\nos.getenv('ORIGINAL_NAME')\n");
    let scan = ["scan", "--format", "json"];
    let want = run(root, &scan);
    let mut bytes = std::fs::read(cache_file(root)).expect("cache written");
    let at = bytes
        .windows(13)
        .position(|w| w == b"ORIGINAL_NAME")
        .expect("the name is cached");
    bytes[at..at + 13].copy_from_slice(b"DOCTORED_NAME");
    std::fs::write(cache_file(root), &bytes).expect("write");
    let used = run(root, &scan);
    assert!(
        used.0.contains("DOCTORED_NAME"),
        "the entry is used: {}",
        used.0
    );
    // the settings key sits after the 16-byte magic and the 4-byte format
    bytes[20] ^= 0xff;
    std::fs::write(cache_file(root), &bytes).expect("write");
    let other = run(root, &scan);
    assert_eq!(other, want);
    // and the file is rewritten under this build's key
    let rewritten = std::fs::read(cache_file(root)).expect("read");
    assert!(rewritten.windows(13).any(|w| w == b"ORIGINAL_NAME"));
}

#[test]
fn a_damaged_cache_file_is_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "a.py",
        "import os\nos.getenv('A', 'x')\nos.environ['B']\nif 'C' in os.environ: pass\n",
    );
    write(root, "web/b.ts", "export const d = process.env.D ?? 'x';\n");
    let scan = ["scan", "--format", "json", "--include-tests"];
    let want = run(
        root,
        &["scan", "--format", "json", "--include-tests", "--no-cache"],
    );
    assert_eq!(run(root, &scan), want);
    let good = std::fs::read(cache_file(root)).expect("cache written");
    let mut damaged: Vec<Vec<u8>> = Vec::new();
    for cut in [0, 1, 16, 20, 52, 53, good.len() / 2, good.len() - 1] {
        damaged.push(good[..cut].to_vec());
    }
    for at in (0..good.len()).step_by(7) {
        for b in [0x00, 0x7f, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[at] = b;
            damaged.push(bad);
        }
    }
    damaged.push(b"not a cache at all".to_vec());
    damaged.push(vec![0xff; 4096]);
    for bad in damaged {
        std::fs::write(cache_file(root), &bad).expect("write");
        let got = run(root, &scan);
        assert_eq!(got.2, want.2, "a damaged cache is never fatal");
        assert!(!got.1.contains("panicked"), "{}", got.1);
        // a change in the middle of an entry's text can still decode (a name of the same
        // length); everything else is a miss and gives the uncached output
        if got != want {
            assert!(got.0.starts_with('{'), "{}", got.0);
        }
    }
    // a cache file that is a directory, or a link, is not read and not fatal
    std::fs::remove_file(cache_file(root)).expect("rm");
    std::fs::create_dir(cache_file(root)).expect("mkdir");
    assert_eq!(run(root, &scan), want);
}

#[test]
fn the_cache_directory_is_tagged_ignored_and_never_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "import os\nos.getenv('A')\n");
    let first = run(root, &["scan", "--format", "json"]);
    let cache = root.join(".envcheck_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).expect("gitignore"),
        "*\n"
    );
    assert!(
        std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .expect("tag")
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
    // source-like files inside it are never scanned
    write(
        &cache,
        "leftover.py",
        "import os\nos.getenv('FROM_THE_CACHE_DIR')\n",
    );
    let second = run(root, &["scan", "--format", "json"]);
    assert_eq!(second, first);
    assert!(!second.0.contains("FROM_THE_CACHE_DIR"));
}

#[test]
fn the_cache_directory_comes_from_the_flag_or_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    write(&root, "a.py", "import os\nos.getenv('A')\n");
    let elsewhere = dir.path().join("cache-here");
    let flag = elsewhere.to_string_lossy().into_owned();
    let out = envcheck(&root, &["scan", "--cache-dir", &flag]);
    assert!(out.status.success());
    assert!(elsewhere.join("facts.bin").is_file());
    assert!(!root.join(".envcheck_cache").exists());

    let from_env = dir.path().join("from-env");
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(&root)
        .arg("scan")
        .env("ENVCHECK_CACHE_DIR", &from_env)
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(from_env.join("facts.bin").is_file());
    assert!(!root.join(".envcheck_cache").exists());

    // a directory that cannot be made (a file is in the way) means no cache, silently
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a file").expect("write");
    let flag = blocked.join("sub").to_string_lossy().into_owned();
    let out = envcheck(&root, &["scan", "--cache-dir", &flag]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cache the repository committed is the repository's word, not envcheck's: neither read nor
/// written.
#[test]
fn a_committed_cache_is_neither_read_nor_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "import os\nos.getenv('ORIGINAL_NAME')\n");
    run(root, &["scan", "--format", "json"]);
    let mut bytes = std::fs::read(cache_file(root)).expect("cache written");
    let at = bytes
        .windows(13)
        .position(|w| w == b"ORIGINAL_NAME")
        .expect("the name is cached");
    bytes[at..at + 13].copy_from_slice(b"DOCTORED_NAME");
    std::fs::write(cache_file(root), &bytes).expect("write");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(root)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git");
        assert!(status.status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-f", "a.py", ".envcheck_cache/facts.bin"]);
    git(&["commit", "-q", "-m", "a cache"]);
    write(root, "b.py", "import os\nos.getenv('ANOTHER')\n");
    let got = run(root, &["scan", "--format", "json"]);
    assert!(!got.0.contains("DOCTORED_NAME"), "{}", got.0);
    assert!(got.0.contains("ORIGINAL_NAME") && got.0.contains("ANOTHER"));
    assert_eq!(
        std::fs::read(cache_file(root)).expect("read"),
        bytes,
        "the committed file is left as it is"
    );
}

/// A `.envcheck_cache` that is a link the checkout made (a fork can commit one) is neither read
/// nor written: it could lead to crafted entries elsewhere in the tree, or out of it.
#[cfg(unix)]
#[test]
fn a_linked_cache_directory_is_neither_read_nor_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    write(&root, "a.py", "import os\nos.getenv('ORIGINAL_NAME')\n");
    // a cache made by a real run elsewhere, then doctored
    let crafted = root.join("crafted");
    let flag = crafted.to_string_lossy().into_owned();
    run(&root, &["scan", "--format", "json", "--cache-dir", &flag]);
    let mut bytes = std::fs::read(crafted.join("facts.bin")).expect("cache written");
    let at = bytes
        .windows(13)
        .position(|w| w == b"ORIGINAL_NAME")
        .expect("the name is cached");
    bytes[at..at + 13].copy_from_slice(b"DOCTORED_NAME");
    std::fs::write(crafted.join("facts.bin"), &bytes).expect("write");
    // the doctored cache is read when named (the flag is the user's word)...
    let named = run(&root, &["scan", "--format", "json", "--cache-dir", &flag]);
    assert!(named.0.contains("DOCTORED_NAME"), "{}", named.0);
    // ...never through a link at the default place, inside the tree or out of it
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::copy(crafted.join("facts.bin"), outside.join("facts.bin")).expect("copy");
    for target in [crafted.clone(), outside.clone(), dir.path().join("missing")] {
        let link = root.join(".envcheck_cache");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        write(&root, "b.py", "import os\nos.getenv('ANOTHER')\n");
        let got = run(&root, &["scan", "--format", "json"]);
        assert!(!got.0.contains("DOCTORED_NAME"), "{}", got.0);
        assert!(got.0.contains("ORIGINAL_NAME") && got.0.contains("ANOTHER"));
        assert!(got.1.is_empty(), "{}", got.1);
        std::fs::remove_file(root.join("b.py")).expect("rm");
    }
    assert_eq!(
        std::fs::read(outside.join("facts.bin")).expect("read"),
        bytes,
        "nothing written through the link"
    );
    assert_eq!(
        std::fs::read_dir(&outside).expect("read_dir").count(),
        1,
        "no tag, no .gitignore written through the link"
    );
    assert!(!dir.path().join("missing").exists());
}
