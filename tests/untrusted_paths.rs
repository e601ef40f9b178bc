//! A repository is untrusted input: through the real binary, nothing it holds makes envcheck
//! write outside it or through a link, write a file that runs something when a shell sources
//! it, read a file outside it, or read a file of the kernel or one without end.
//!
//! Each case builds a project in a temporary directory with a real `.git` directory (the
//! repository root), and a directory beside it (`outside/`) holding files a hostile repository
//! would like envcheck to touch, full of canary names and values that must never appear in any
//! output. Paths given on the command line are the user's and keep working.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// Generous: the debug binary on a busy two-core machine. It only catches a run that blows up
/// (reads without end, or waits); the runs here take well under a second.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Address space for the runs that point at endless files: far above what envcheck needs (it
/// runs in 256 MiB), far below what reading `/proc/self/pagemap` to its end would take. A
/// ceiling that catches a blow-up, not a measurement.
const MEMORY_KIB: u64 = 1024 * 1024;

/// What an outside file holds: a name and a value no output may show.
const CANARY_NAME: &str = "CANARY_NAME_OUTSIDE_7f3a";
const CANARY_VALUE: &str = "CANARY-VALUE-OUTSIDE-9c1e";

struct Project {
    _dir: tempfile::TempDir,
    /// The repository (holds `.git`).
    root: PathBuf,
    /// Beside the repository: what a fork must not reach.
    outside: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().canonicalize().expect("canonical");
        let root = base.join("repo");
        let outside = base.join("outside");
        fs::create_dir_all(root.join(".git")).expect("mkdir");
        fs::create_dir_all(&outside).expect("mkdir");
        let secret = format!("{CANARY_NAME}={CANARY_VALUE}\n");
        for name in [".env.canary", "outside.txt"] {
            fs::write(outside.join(name), &secret).expect("write");
        }
        fs::write(
            outside.join("compose.yaml"),
            "services:\n  web:\n    env_file: .env.canary\n",
        )
        .expect("write");
        fs::write(
            outside.join("deploy.yaml"),
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: api\n    env:\n    - {{name: {CANARY_NAME}, value: {CANARY_VALUE}}}\n"
            ),
        )
        .expect("write");
        fs::write(
            outside.join("env.json"),
            format!("{{\"{CANARY_NAME}\": \"{CANARY_VALUE}\"}}\n"),
        )
        .expect("write");
        fs::write(
            outside.join("envcheck.toml"),
            "[environments.prod]\nsources = [\".env.canary\"]\n",
        )
        .expect("write");
        let project = Project {
            _dir: dir,
            root,
            outside,
        };
        project.write("app.py", "import os\nos.environ['DATABASE_URL']\n");
        project
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args, None)
    }

    /// The outside files are as they were.
    fn assert_outside_unchanged(&self) {
        let secret = format!("{CANARY_NAME}={CANARY_VALUE}\n");
        for name in [".env.canary", "outside.txt"] {
            assert_eq!(
                fs::read_to_string(self.outside.join(name)).expect("read"),
                secret,
                "{name} was written to"
            );
        }
        let names: Vec<_> = fs::read_dir(&self.outside)
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(names.len(), 6, "a file was added outside: {names:?}");
    }
}

struct Run {
    out: Output,
    took: Duration,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn assert_stderr_has(&self, needle: &str) {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
    }
    /// Exit 2, with a message holding every one of `needles`, and no canary anywhere.
    fn assert_refused(&self, needles: &[&str]) {
        assert_eq!(self.code(), Some(2), "{}\n{}", self.stdout(), self.stderr());
        for needle in needles {
            self.assert_stderr_has(needle);
        }
        self.assert_no_canary();
    }
    fn assert_no_canary(&self) {
        for canary in [CANARY_NAME, CANARY_VALUE] {
            assert!(
                !self.stdout().contains(canary) && !self.stderr().contains(canary),
                "{canary} was shown:\n{}\n{}",
                self.stdout(),
                self.stderr()
            );
        }
    }
}

/// Runs the binary in `dir`, under a ceiling on its address space when `memory_kib` is given
/// (through `sh -c 'ulimit -v'`: no unsafe code in the test to set the limit itself).
fn run_in(dir: &Path, args: &[&str], memory_kib: Option<u64>) -> Run {
    let binary = env!("CARGO_BIN_EXE_envcheck");
    let mut cmd = match memory_kib {
        Some(kib) => {
            let mut cmd = std::process::Command::new("sh");
            cmd.args([
                "-c",
                &format!("ulimit -v {kib} && exec \"$0\" \"$@\""),
                binary,
            ]);
            cmd
        }
        None => std::process::Command::new(binary),
    };
    cmd.current_dir(dir).env("NO_COLOR", "1").args(args);
    for key in [
        "DOTENV_KEY",
        "DOTENV_PRIVATE_KEY",
        "DOTENV_PRIVATE_KEY_PRODUCTION",
    ] {
        cmd.env_remove(key);
    }
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // the pipes are drained on other threads while the clock runs
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let (out_thread, err_thread) = (drain(Box::new(stdout)), drain(Box::new(stderr)));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("envcheck {args:?} ran past {TIMEOUT:?}: it should have refused at once");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let out = Output {
        status,
        stdout: out_thread.join().expect("stdout"),
        stderr: err_thread.join().expect("stderr"),
    };
    assert!(
        out.status.code().is_some(),
        "envcheck {args:?} was killed by a signal (out of memory?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run { out, took }
}

// ---- writes ---------------------------------------------------------------------------------

#[test]
fn an_example_file_linked_outside_is_neither_read_nor_written() {
    let p = Project::new();
    symlink(p.outside.join("outside.txt"), p.root.join(".env.example")).expect("link");
    p.run(&["example", "--write"])
        .assert_refused(&[".env.example", "outside the repository"]);
    p.run(&["example"])
        .assert_refused(&[".env.example", "outside the repository"]);
    p.run(&["check"])
        .assert_refused(&[".env.example", "outside the repository"]);
    p.assert_outside_unchanged();
}

#[test]
fn an_example_file_linked_inside_is_read_but_never_written_through() {
    let p = Project::new();
    p.write("docs/env.example", "# docs\n");
    symlink("docs/env.example", p.root.join(".env.example")).expect("link");
    let printed = p.run(&["example"]);
    assert_eq!(printed.code(), Some(0), "{}", printed.stderr());
    assert!(
        printed.stdout().contains("DATABASE_URL="),
        "{}",
        printed.stdout()
    );
    let write = p.run(&["example", "--write"]);
    write.assert_refused(&[".env.example", "symbolic link"]);
    assert_eq!(
        fs::read_to_string(p.root.join("docs/env.example")).expect("read"),
        "# docs\n"
    );
    assert!(
        fs::symlink_metadata(p.root.join(".env.example"))
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_configured_example_outside_the_repository_is_refused() {
    let p = Project::new();
    for example in [
        "../outside/outside.txt",
        "../outside/new.env.example",
        &p.outside.join("outside.txt").display().to_string(),
    ] {
        p.write("envcheck.toml", format!("example = \"{example}\"\n"));
        for args in [&["example", "--write"][..], &["example"], &["check"]] {
            p.run(args)
                .assert_refused(&["envcheck.toml", "`example = ", "outside the repository"]);
        }
    }
    p.assert_outside_unchanged();
}

#[test]
fn a_linked_directory_is_never_written_through() {
    let p = Project::new();
    // a directory of the repository linked outside: refused as outside
    symlink(&p.outside, p.root.join("config")).expect("link");
    p.write("envcheck.toml", "example = \"config/.env.example\"\n");
    p.run(&["example", "--write"])
        .assert_refused(&["envcheck.toml", "outside the repository"]);
    // a directory linked inside the repository: the write does not go through the link
    fs::create_dir_all(p.root.join("real")).expect("mkdir");
    symlink("real", p.root.join("alias")).expect("link");
    p.write("envcheck.toml", "example = \"alias/.env.example\"\n");
    p.run(&["example", "--write"])
        .assert_refused(&["alias", "symbolic link"]);
    assert!(!p.root.join("real/.env.example").exists());
    // the user's own path is taken as given, but not through a link inside the repository
    fs::remove_file(p.root.join("envcheck.toml")).expect("rm");
    p.run(&["example", "--write", "--example", "config/.env.example"])
        .assert_refused(&["config", "symbolic link"]);
    p.assert_outside_unchanged();
    // and outside the repository it is written, as asked
    let theirs = p.outside.join("mine.env.example");
    let run = p.run(&[
        "example",
        "--write",
        "--example",
        &theirs.display().to_string(),
    ]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(
        fs::read_to_string(&theirs)
            .expect("read")
            .contains("DATABASE_URL=")
    );
}

#[test]
fn the_write_is_atomic_keeps_permissions_and_breaks_hard_links() {
    let p = Project::new();
    p.write(".env.example", "# settings\n");
    let example = p.root.join(".env.example");
    fs::set_permissions(&example, fs::Permissions::from_mode(0o640)).expect("chmod");
    // a hard link elsewhere in the tree: a write in place would change both
    fs::hard_link(&example, p.root.join("docs.txt")).expect("link");
    let before = fs::metadata(&example).expect("stat").ino();
    let run = p.run(&["example", "--write"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    let after = fs::metadata(&example).expect("stat");
    assert_ne!(
        after.ino(),
        before,
        "replaced by a rename, not rewritten in place"
    );
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
    assert!(
        fs::read_to_string(&example)
            .expect("read")
            .contains("DATABASE_URL=")
    );
    assert_eq!(
        fs::read_to_string(p.root.join("docs.txt")).expect("read"),
        "# settings\n"
    );
    // no temporary file left behind
    let mut names: Vec<String> = fs::read_dir(&p.root)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    // (the result cache's directory is envcheck's own, see tests/cache.rs)
    assert_eq!(
        names,
        [
            ".env.example",
            ".envcheck_cache",
            ".git",
            "app.py",
            "docs.txt"
        ]
    );
}

/// Defaults in code that a shell would run, each trying to create a marker file.
fn hostile_defaults(marker: &Path) -> Vec<(&'static str, String)> {
    let m = marker.display();
    vec![
        ("SUBST", format!("$(touch {m}.subst)")),
        ("BACKTICK", format!("`touch {m}.backtick`")),
        ("BRACE", format!("${{HOME:+x}}$(touch {m}.brace)")),
        ("AMP", format!("x&touch&{m}.amp")),
        ("SEMI", format!("x;touch {m}.semi")),
        ("PIPE", format!("x|touch {m}.pipe")),
        ("SINGLE", format!("it's';touch {m}.single;'")),
        ("DOUBLE", format!("\"$(touch {m}.double)\"")),
        ("BACKSLASH", format!("x\\';touch {m}.backslash;'")),
        ("GLOB", "*".to_string()),
        ("SPACE", "two words # not a comment".to_string()),
        ("PLAIN", "postgres://localhost:5432/app".to_string()),
        ("BRACE_ONLY", "${HOME}/data".to_string()),
    ]
}

#[test]
fn written_values_are_inert_in_a_shell_and_parse_back() {
    let p = Project::new();
    let marker = p.outside.join("pwned");
    let defaults = hostile_defaults(&marker);
    // single-quoted JavaScript strings: the default is the text between the quotes
    let mut code = String::new();
    for (name, value) in &defaults {
        code.push_str(&format!(
            "const {} = process.env.{name} ?? '{}';\n",
            name.to_lowercase(),
            value.replace('\\', "\\\\").replace('\'', "\\'")
        ));
    }
    // a real newline inside a template literal, then a command on the next line
    code.push_str(&format!(
        "const nl = process.env.NEWLINE ?? `first\ntouch {}.newline`;\n",
        marker.display()
    ));
    // a name a shell cannot assign: sourcing would run it as a command
    code.push_str("const d = process.env['touch-me'] ?? 'x';\n");
    p.write("app.js", &code);
    let run = p.run(&["example", "--write"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    let example = p.root.join(".env.example");
    let text = fs::read_to_string(&example).expect("read");

    // sourced by a POSIX shell, as people do: nothing runs, and the plain values arrive intact
    let sourced = std::process::Command::new("sh")
        .current_dir(&p.root)
        .args([
            "-c",
            "set -a; . ./.env.example; printf '%s|%s|%s|%s' \"$PLAIN\" \"$SPACE\" \"$GLOB\" \"$BRACE_ONLY\"",
        ])
        .output()
        .expect("sh");
    assert!(
        sourced.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&sourced.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&sourced.stdout),
        "postgres://localhost:5432/app|two words # not a comment|*|${HOME}/data",
        "{text}"
    );
    let markers: Vec<_> = fs::read_dir(&p.outside)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("pwned"))
        .collect();
    assert!(markers.is_empty(), "sourcing ran {markers:?}:\n{text}");
    // what could run in some loader is left out, not quoted
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        for active in ["$(", "`", "\\", "it's"] {
            assert!(!line.contains(active), "{active} was copied:\n{text}");
        }
    }

    // envcheck's own parser and dotenvy read the same values, without errors
    let parsed = envcheck::sources::dotenv::parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}\n{text}", parsed.errors);
    let ours: std::collections::BTreeMap<String, String> = parsed
        .entries
        .iter()
        .map(|e| {
            let value = e.value.as_ref().map(|v| v.expose().to_string());
            (e.key.clone(), value.unwrap_or_default())
        })
        .collect();
    let theirs: std::collections::BTreeMap<String, String> = dotenvy::from_path_iter(&example)
        .expect("dotenvy opens it")
        .collect::<Result<_, _>>()
        .unwrap_or_else(|_| panic!("dotenvy cannot parse it:\n{text}"));
    for (name, want) in [
        ("PLAIN", "postgres://localhost:5432/app"),
        ("SPACE", "two words # not a comment"),
        ("GLOB", "*"),
        ("SUBST", ""),
        ("BACKTICK", ""),
        ("SINGLE", ""),
        ("NEWLINE", ""),
    ] {
        assert_eq!(
            ours.get(name).map(String::as_str),
            Some(want),
            "{name}:\n{text}"
        );
        assert_eq!(
            theirs.get(name).map(String::as_str),
            Some(want),
            "{name}:\n{text}"
        );
    }
    assert_eq!(
        ours.get("BRACE_ONLY").map(String::as_str),
        Some("${HOME}/data")
    );
    // the odd name is documented, commented out
    assert!(
        text.contains("# touch-me='x'\n") || text.contains("# touch-me=x\n"),
        "{text}"
    );
    let check = p.run(&["example", "--check"]);
    assert_eq!(check.code(), Some(0), "{}", check.stderr());
}

// ---- paths the repository names --------------------------------------------------------------

#[test]
fn configured_sources_outside_the_repository_are_refused_unread() {
    let p = Project::new();
    let absolute = p.outside.join(".env.canary").display().to_string();
    for source in [
        "\"../outside/.env.canary\"".to_string(),
        format!("\"{absolute}\""),
        "{ dotenv = \"../outside/.env.canary\" }".to_string(),
        "{ vault = \"../outside/.env.canary\" }".to_string(),
        "{ json = \"../outside/env.json\" }".to_string(),
        "{ kubernetes = \"../outside/*.yaml\" }".to_string(),
        "{ kubernetes = \"../outside/deploy.yaml\" }".to_string(),
        "{ compose = \"../outside/compose.yaml\", service = \"web\" }".to_string(),
    ] {
        p.write(
            "envcheck.toml",
            format!("[environments.prod]\nsources = [{source}]\n"),
        );
        for args in [&["diff", "prod"][..], &["sources", "prod"]] {
            p.run(args).assert_refused(&[
                "envcheck.toml",
                "[environments.prod] sources",
                "outside the repository",
                "--source",
            ]);
        }
    }
    // a link in the repository that leads out, named by the configuration or matched by its glob
    symlink(&p.outside, p.root.join("deploy")).expect("link");
    symlink(p.outside.join(".env.canary"), p.root.join("prod.env")).expect("link");
    for source in ["\"prod.env\"", "{ kubernetes = \"deploy/*.yaml\" }"] {
        p.write(
            "envcheck.toml",
            format!("[environments.prod]\nsources = [{source}]\n"),
        );
        p.run(&["diff", "prod"])
            .assert_refused(&["envcheck.toml", "outside the repository"]);
    }
    fs::remove_file(p.root.join("deploy")).expect("rm");
    fs::create_dir(p.root.join("deploy")).expect("mkdir");
    symlink(&p.outside, p.root.join("deploy/linked")).expect("link");
    p.write(
        "envcheck.toml",
        "[environments.prod]\nsources = [{ kubernetes = \"deploy/**/*.yaml\" }]\n",
    );
    p.run(&["diff", "prod"])
        .assert_refused(&["deploy/linked", "outside the repository"]);
}

#[test]
fn sources_given_on_the_command_line_are_the_users() {
    let p = Project::new();
    let outside = p.outside.join(".env.canary").display().to_string();
    let run = p.run(&["sources", "prod", "--source", &format!("dotenv:{outside}")]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    // names are what `sources` shows; the value never
    assert!(run.stdout().contains(CANARY_NAME), "{}", run.stdout());
    assert!(!run.stdout().contains(CANARY_VALUE));
    // so is a configuration outside the repository, with its own paths
    let config = p.outside.join("envcheck.toml").display().to_string();
    let run = p.run(&["sources", "prod", "--config", &config]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    // and a compose file outside it, with its env_file
    let compose = p.outside.join("compose.yaml").display().to_string();
    let run = p.run(&[
        "sources",
        "prod",
        "--source",
        &format!("compose:{compose}#web"),
    ]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.stdout().contains(CANARY_NAME), "{}", run.stdout());
}

#[test]
fn a_compose_env_file_outside_the_repository_is_refused_unread() {
    let p = Project::new();
    for env_file in [
        "../outside/.env.canary".to_string(),
        p.outside.join(".env.canary").display().to_string(),
        "[{path: ../outside/.env.canary, required: false}]".to_string(),
    ] {
        p.write(
            "compose.yaml",
            format!("services:\n  web:\n    image: x\n    env_file: {env_file}\n"),
        );
        p.write(
            "envcheck.toml",
            "[environments.prod]\nsources = [{ compose = \"compose.yaml\", service = \"web\" }]\n",
        );
        p.run(&["diff", "prod"]).assert_refused(&[
            "compose.yaml:4",
            "env_file",
            "outside the repository",
        ]);
        // the compose file is the repository's even when the command line names it
        fs::remove_file(p.root.join("envcheck.toml")).expect("rm");
        p.run(&["diff", "prod", "--source", "compose:compose.yaml#web"])
            .assert_refused(&["compose.yaml:4", "env_file", "outside the repository"]);
    }
}

#[test]
fn env_files_found_by_name_that_lead_outside_are_refused_unread() {
    let p = Project::new();
    p.write(".env.example", "DATABASE_URL=\n");
    symlink(p.outside.join(".env.canary"), p.root.join(".env.local")).expect("link");
    p.run(&["check"])
        .assert_refused(&[".env.local", "outside the repository"]);
    fs::remove_file(p.root.join(".env.local")).expect("rm");
    // the convention files of a target
    for name in [".env.production", ".env.vault"] {
        symlink(p.outside.join(".env.canary"), p.root.join(name)).expect("link");
        p.run(&["diff", "prod"])
            .assert_refused(&[name, "outside the repository"]);
        fs::remove_file(p.root.join(name)).expect("rm");
    }
    // a configuration found by name
    symlink(
        p.outside.join("envcheck.toml"),
        p.root.join("envcheck.toml"),
    )
    .expect("link");
    p.run(&["check"])
        .assert_refused(&["envcheck.toml", "outside the repository", "--config"]);
}

// ---- what is read ----------------------------------------------------------------------------

#[cfg(target_os = "linux")]
#[test]
fn kernel_files_and_devices_are_refused_at_once() {
    let p = Project::new();
    p.write(".env.example", "DATABASE_URL=\n");
    for target in ["/proc/self/pagemap", "/dev/zero", "/dev/urandom"] {
        // committed as a convention env file: it leads outside the repository
        let link = p.root.join(".env.production");
        symlink(target, &link).expect("link");
        let run = run_in(&p.root, &["diff", "prod"], Some(MEMORY_KIB));
        run.assert_refused(&[".env.production", "outside the repository"]);
        fs::remove_file(&link).expect("rm");
        // named on the command line: the user's path, still never read
        let link = p.root.join("kernel.link");
        symlink(target, &link).expect("link");
        let run = run_in(
            &p.root,
            &["diff", "prod", "--source", "dotenv:kernel.link"],
            Some(MEMORY_KIB),
        );
        let why = if target.starts_with("/proc") {
            "a file of the kernel"
        } else {
            "not a regular file"
        };
        run.assert_refused(&["kernel.link", why]);
        assert!(run.took < TIMEOUT, "{target}: {:?}", run.took);
        fs::remove_file(&link).expect("rm");
    }
    // a source file linked to them: a note, and the scan goes on
    symlink("/proc/self/pagemap", p.root.join("pagemap.py")).expect("link");
    symlink("/dev/zero", p.root.join("zero.py")).expect("link");
    let run = run_in(&p.root, &["scan", "--format", "json"], Some(MEMORY_KIB));
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.stdout().contains("DATABASE_URL"), "{}", run.stdout());
    run.assert_stderr_has("pagemap.py: a file of the kernel (under /proc, /sys or /dev), not read");
    run.assert_stderr_has("zero.py: not a regular file");
}

#[test]
fn a_source_past_the_size_cap_is_an_error_naming_it() {
    let p = Project::new();
    // 16 MiB and one byte of a valid env file: read whole, it would be accepted
    let line = "PADDING=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    let mut text = "DATABASE_URL=x\n".to_string();
    while text.len() <= 16 * 1024 * 1024 {
        text.push_str(line);
    }
    p.write("big.env", &text);
    let run = p.run(&["diff", "prod", "--source", "dotenv:big.env"]);
    run.assert_refused(&["big.env", "larger than 16 MiB"]);
    // the example file and the configuration are capped the same way
    let run = p.run(&["check", "--example", "big.env"]);
    run.assert_refused(&["big.env", "larger than 16 MiB"]);
    p.write(
        "envcheck.toml",
        format!("# {}\n", "x".repeat(16 * 1024 * 1024)),
    );
    let run = p.run(&["check"]);
    run.assert_refused(&["envcheck.toml", "larger than 16 MiB"]);
}
