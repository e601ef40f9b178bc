//! Bad input through the real binary: binary, non-UTF-8 and UTF-16 files, huge and deeply nested
//! files, files with nothing but syntax errors, symbolic link loops, dangling links, FIFOs,
//! files that cannot be read after the walk listed them, empty and very large trees, and
//! malformed configuration and `diff` sources.
//!
//! Each case checks that the message names the file (and line where there is one), that the run
//! exits 2 where its result would otherwise be wrong, that the scan goes on where it can, and
//! that nothing hangs (every run has a timeout). Tests run as root, so `chmod` cannot make a file
//! unreadable: unreadable paths are made with a directory where a file is expected, a FIFO, and
//! a dangling link.
//!
//! Not covered deterministically: a file deleted between the walk and the read. A link to
//! `/proc/self/mem` (a regular file whose read fails) once took that path; files of the kernel
//! are now refused before any read (tests/untrusted_paths.rs).

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Generous: the debug binary on a busy two-core machine. A hang is caught, not waited out.
const TIMEOUT: Duration = Duration::from_secs(60);

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
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
    fn json(&self) -> Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout(), self.stderr()))
    }
    /// The variable names of a `scan --format json` report.
    fn names(&self) -> Vec<String> {
        self.json()["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .map(|v| v["name"].as_str().expect("name").to_string())
            .collect()
    }
    fn assert_stderr_has(&self, needle: &str) {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
    }
}

fn envcheck(dir: &Path, args: &[&str]) -> Run {
    envcheck_env(dir, args, &[])
}

fn envcheck_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .args(args);
    for key in [
        "DOTENV_KEY",
        "DOTENV_KEY_PRODUCTION",
        "DOTENV_PRIVATE_KEY",
        "DOTENV_PRIVATE_KEY_PRODUCTION",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().expect("run");
    let run = Run {
        out,
        took: start.elapsed(),
    };
    assert!(
        run.out.status.code().is_some(),
        "envcheck {args:?} was killed (timeout or signal): {}",
        run.stderr()
    );
    run
}

fn scan(dir: &Path) -> Run {
    envcheck(dir, &["scan", "--format", "json", "."])
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn binary_source_files_are_noted_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "bin.py", b"import os\0os.getenv('BINARY')\n");
    write(root, "bin.ts", b"process.env.BINARY\0\xFF\xFE");
    write(root, "ok.py", "import os\nos.getenv('OK')\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["OK"]);
    run.assert_stderr_has("bin.py: binary file (NUL byte), not parsed");
    run.assert_stderr_has("bin.ts: binary file (NUL byte), not parsed");
}

#[test]
fn binary_env_files_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(root, ".env.example", "A=\n");
    write(root, ".env", b"A=1\nB=CANARY-BIN\0\x01\x02\nC=3\n");
    let check = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(check.code(), Some(1), "{}", check.stderr());
    let doc = check.json();
    let finding = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "ENV004")
        .unwrap_or_else(|| panic!("no ENV004 in {}", check.stdout()));
    assert_eq!(finding["path"], ".env");
    assert_eq!(finding["line"], 2);
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("binary data"))
    );
    let diff = envcheck(root, &["diff", "dev", "--source", "dotenv:.env"]);
    assert_eq!(diff.code(), Some(2), "{}", diff.stderr());
    diff.assert_stderr_has(".env:2:13: binary data (a NUL byte); env files must be text");
    for run in [&check, &diff] {
        assert!(!run.stdout().contains("CANARY") && !run.stderr().contains("CANARY"));
    }
}

#[test]
fn invalid_utf8_is_noted_in_code_and_an_error_in_env_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "latin1.py",
        b"import os\n# caf\xe9\nos.getenv('LATIN1')\n",
    );
    let run = scan(root);
    assert_eq!(run.code(), Some(0));
    assert_eq!(run.names(), ["LATIN1"]);
    run.assert_stderr_has("latin1.py: not valid UTF-8");
    write(root, ".env.production", b"A=1\nB=caf\xe9\n");
    let diff = envcheck(root, &["diff", "production"]);
    assert_eq!(diff.code(), Some(2), "{}", diff.stderr());
    diff.assert_stderr_has(".env.production:2:");
    diff.assert_stderr_has("invalid UTF-8");
}

#[test]
fn utf16_source_files_are_transcoded_and_utf16_env_files_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let py = "import os\n\nos.getenv('UTF16_LE')\n";
    let ts = "// é\r\nexport const a = process.env.UTF16_BE;\r\n";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(py.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(ts.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    write(root, "le.py", le);
    write(root, "be.ts", be);
    write(root, "bom.py", "\u{feff}import os\nos.getenv('UTF8_BOM')\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["UTF16_BE", "UTF16_LE", "UTF8_BOM"]);
    let doc = run.json();
    let first_read = |name: &str| {
        let var = doc["variables"]
            .as_array()
            .and_then(|vs| vs.iter().find(|v| v["name"] == name))
            .expect("variable");
        let read = &var["reads"][0];
        (
            read["path"].as_str().unwrap_or_default().to_string(),
            read["line"].as_u64(),
            read["column"].as_u64(),
        )
    };
    assert_eq!(
        first_read("UTF16_LE"),
        ("le.py".to_string(), Some(3), Some(11))
    );
    assert_eq!(
        first_read("UTF16_BE"),
        ("be.ts".to_string(), Some(2), Some(30))
    );
    assert_eq!(
        first_read("UTF8_BOM"),
        ("bom.py".to_string(), Some(2), Some(11))
    );
    assert!(run.stderr().is_empty(), "{}", run.stderr());

    let env: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("A=1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    write(root, ".env.production", env);
    let diff = envcheck(root, &["diff", "production"]);
    assert_eq!(diff.code(), Some(2), "{}", diff.stderr());
    diff.assert_stderr_has(".env.production:1:1: the file is UTF-16 encoded");
}

#[test]
fn a_50_mb_single_line_bundle_is_skipped_quickly_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut bundle = String::with_capacity(50 << 20);
    while bundle.len() < 50 << 20 {
        bundle.push_str("var a=process.env.IN_BUNDLE||function(){return 1};");
    }
    write(root, "dist-web/app.js", &bundle);
    // under the size limit but minified: also skipped
    write(root, "web/vendor.js", &bundle[..1 << 20]);
    write(root, "web/ok.js", "export const x = process.env.OK;\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["OK"]);
    run.assert_stderr_has("dist-web/app.js: larger than 4 MiB, not parsed");
    run.assert_stderr_has("web/vendor.js: looks minified, not parsed");
    assert!(run.took < Duration::from_secs(20), "took {:?}", run.took);
    // the report of `check` names the file without rendering its one 50 MB line
    let check = envcheck(root, &["check"]);
    assert_eq!(check.code(), Some(0), "{}", check.stderr());
    assert!(
        check.stdout().contains("dist-web/app.js"),
        "{}",
        check.stdout()
    );
    assert!(
        check.stdout().len() < 10_000,
        "{} bytes",
        check.stdout().len()
    );
    assert!(
        check.took < Duration::from_secs(20),
        "took {:?}",
        check.took
    );
}

#[test]
fn ten_thousand_deep_nesting_is_noted_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let n = 10_000;
    let parens = |inner: &str| format!("{}{inner}{}", "(".repeat(n), ")".repeat(n));
    write(
        root,
        "parens.py",
        format!("import os\nx = {}\n", parens("os.environ['DEEP_PY']")),
    );
    write(
        root,
        "plus.py",
        format!("import os\nx = os.environ['P' {}]\n", "+ 'a'\n".repeat(n)),
    );
    write(
        root,
        "attrs.py",
        format!("import os\nx = a{}(os.environ['ATTR'])\n", ".b".repeat(n)),
    );
    write(
        root,
        "parens.ts",
        format!("export const x = {};\n", parens("process.env.DEEP_TS")),
    );
    write(
        root,
        "plus.ts",
        format!(
            "export const x = process.env['P' {}];\n",
            "+ 'a'\n".repeat(n)
        ),
    );
    // deep, but not too deep: read, with the key built from 20 pieces
    write(
        root,
        "ok.py",
        format!(
            "import os\nx = {}os.environ[{}]{}\n",
            "(".repeat(500),
            vec!["'K'"; 20].join(" + "),
            ")".repeat(500)
        ),
    );
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["KKKKKKKKKKKKKKKKKKKK"]);
    for file in ["parens.py", "plus.py", "attrs.py", "parens.ts", "plus.ts"] {
        run.assert_stderr_has(&format!(
            "{file}: nested more than 2048 levels deep, not parsed"
        ));
    }
    assert!(run.took < Duration::from_secs(30), "took {:?}", run.took);
}

#[test]
fn a_file_of_nothing_but_syntax_errors_is_noted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "broken.py",
        ")))]]]}}} os.environ def class ::: 'unterminated\n".repeat(300),
    );
    write(
        root,
        "broken.ts",
        "}}}))) process.env. => => <<<< \"unterminated\n".repeat(300),
    );
    write(root, "ok.py", "import os\nos.getenv('OK')\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.names().contains(&"OK".to_string()));
    run.assert_stderr_has("broken.py: syntax errors: only partly parsed");
    run.assert_stderr_has("broken.ts: syntax errors: only partly parsed");
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_dangling_links_are_noted_and_linked_files_read() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    write(&root, "real.py", "import os\nos.getenv('REAL')\n");
    write(
        dir.path(),
        "outside/shared.py",
        "import os\nos.getenv('SHARED')\n",
    );
    symlink("../outside/shared.py", root.join("shared.py")).expect("link");
    symlink("nowhere.py", root.join("dangling.py")).expect("link");
    symlink("loop_b.py", root.join("loop_a.py")).expect("link");
    symlink("loop_a.py", root.join("loop_b.py")).expect("link");
    fs::create_dir_all(root.join("pkg")).expect("mkdir");
    symlink("..", root.join("pkg/up")).expect("link"); // a directory loop: not followed
    let run = scan(&root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["REAL", "SHARED"]);
    run.assert_stderr_has(
        "dangling.py: symbolic link that cannot be followed (No such file or directory)",
    );
    run.assert_stderr_has(
        "loop_a.py: symbolic link that cannot be followed (Too many levels of symbolic links)",
    );
    run.assert_stderr_has("loop_b.py: symbolic link that cannot be followed");

    // a root that is a link loop is a usage error naming it
    let bad = envcheck(&root, &["scan", "loop_a.py"]);
    assert_eq!(bad.code(), Some(2), "{}", bad.stderr());
    bad.assert_stderr_has("loop_a.py");

    // env files: a link is read through; a dangling or looping one is an error naming it
    write(&root, ".env.example", "REAL=\nSHARED=\n");
    write(dir.path(), "outside/env", "REAL=1\nSHARED=2\n");
    symlink("../outside/env", root.join(".env")).expect("link");
    let ok = envcheck(&root, &["diff", "dev", "--source", "dotenv:.env"]);
    assert_eq!(ok.code(), Some(0), "{}\n{}", ok.stdout(), ok.stderr());
    fs::remove_file(root.join(".env")).expect("rm");
    symlink("missing.env", root.join(".env")).expect("link");
    let dangling = envcheck(&root, &["check"]);
    assert_eq!(dangling.code(), Some(2), "{}", dangling.stderr());
    dangling.assert_stderr_has(".env: No such file or directory");
    fs::remove_file(root.join(".env")).expect("rm");
    symlink(".env.loop", root.join(".env")).expect("link");
    symlink(".env", root.join(".env.loop")).expect("link");
    let looping = envcheck(&root, &["check"]);
    assert_eq!(looping.code(), Some(2), "{}", looping.stderr());
    looping.assert_stderr_has("Too many levels of symbolic links");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_source_or_env_file_never_blocks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "ok.py", "import os\nos.getenv('OK')\n");
    if !mkfifo(&root.join("x.py")) || !mkfifo(&root.join(".env.local")) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["OK"]);
    run.assert_stderr_has("x.py: not a regular file (a FIFO, socket or device), not read");
    // the report shows no line of it (reading one would block)
    let check = envcheck(root, &["check"]);
    assert!(matches!(check.code(), Some(0 | 1)), "{}", check.stderr());
    assert!(check.stdout().contains("x.py"), "{}", check.stdout());
    // a FIFO where envcheck is pointed at a file (a convention env file, a source, the example
    // file, the config) is an error naming it, never a read that waits for a writer
    for fifo in [
        ".env.production",
        "pipe.yaml",
        "example.pipe",
        "config.pipe",
    ] {
        assert!(mkfifo(&root.join(fifo)), "mkfifo {fifo}");
    }
    for (args, named) in [
        (&["diff", "prod"][..], ".env.production"),
        (&["sources", "prod"][..], ".env.production"),
        (
            &["diff", "staging", "--source", "dotenv:pipe.yaml"][..],
            "pipe.yaml",
        ),
        (
            &["example", "--example", "example.pipe"][..],
            "example.pipe",
        ),
        (&["check", "--config", "config.pipe"][..], "config.pipe"),
    ] {
        let run = envcheck(root, args);
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.stderr());
        run.assert_stderr_has(&format!("{named}: not a regular file"));
    }
}

#[test]
fn a_directory_where_a_file_is_expected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py/inner.py", "import os\nos.getenv('INNER')\n");
    write(root, ".env.production/x", "A=1\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["INNER"]);
    let diff = envcheck(
        root,
        &["diff", "production", "--source", "dotenv:.env.production"],
    );
    assert_eq!(diff.code(), Some(2), "{}", diff.stderr());
    diff.assert_stderr_has(".env.production");
    let config = envcheck(root, &["check", "--config", "app.py"]);
    assert_eq!(config.code(), Some(2), "{}", config.stderr());
    config.assert_stderr_has("app.py");
}

#[cfg(target_os = "linux")]
#[test]
fn a_link_to_a_kernel_file_is_noted_and_the_scan_goes_on() {
    // `/proc/self/mem` is a regular file whose read fails (EIO): it is refused by where it lies
    // before any read, with a note, and the scan goes on
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::os::unix::fs::symlink("/proc/self/mem", root.join("mem.py")).expect("link");
    write(root, "ok.py", "import os\nos.getenv('OK')\n");
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["OK"]);
    run.assert_stderr_has("mem.py: a file of the kernel (under /proc, /sys or /dev), not read");
}

#[test]
fn an_empty_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let run = scan(root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.names().is_empty());
    assert_eq!(run.json()["files"]["scanned"], 0);
    let check = envcheck(root, &["check"]);
    assert_eq!(check.code(), Some(0), "{}", check.stderr());
}

#[test]
fn a_hundred_thousand_empty_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let root = &root;
            scope.spawn(move || {
                for d in (t..100).step_by(4) {
                    let sub = root.join(format!("d{d}"));
                    fs::create_dir_all(&sub).expect("mkdir");
                    for i in 0..1000 {
                        fs::File::create(sub.join(format!("m{i}.py"))).expect("create");
                    }
                }
            });
        }
    });
    let made = start.elapsed();
    write(&root, "d0/reads.py", "import os\nos.getenv('ONE')\n");
    let run = scan(&root);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.names(), ["ONE"]);
    assert_eq!(run.json()["files"]["scanned"], 100_001);
    assert!(
        run.took < Duration::from_secs(20),
        "scan took {:?} (creating the files took {made:?})",
        run.took
    );
}

#[test]
fn malformed_config_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    for (text, line) in [
        ("fail-on = \"error\"\n[environments.prod\n", "line 2"),
        ("fail-on = \"error\"\n\nfail-on = \n", "line 3"),
        ("[rules]\nENV001 = \"loud\"\n", "line 2"),
        (
            "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
            "line 1",
        ),
    ] {
        write(root, "envcheck.toml", text);
        let run = envcheck(root, &["check"]);
        assert_eq!(run.code(), Some(2), "{text:?}: {}", run.stderr());
        run.assert_stderr_has("envcheck.toml");
        run.assert_stderr_has(line);
    }
    let deep = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    write(root, "envcheck.toml", deep);
    let run = envcheck(root, &["check"]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    run.assert_stderr_has("envcheck.toml: line 1");
}

#[test]
fn malformed_diff_sources_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(
        root,
        "bad.yaml",
        "spec:\n  containers:\n    - name: [unclosed\n      env: CANARY-YAML\n",
    );
    write(
        root,
        "deep.yaml",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(root, "bad.json", "{\"A\": \"CANARY-JSON\",\n \"B\": }\n");
    write(root, "nested.json", "{\"A\": {\"B\": \"CANARY-JSON\"}}\n");
    write(
        root,
        "deep.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(root, "bad.env", "A=1\nB=\"CANARY-DOTENV\n");
    write(
        root,
        "bad.vault",
        "DOTENV_VAULT_PRODUCTION=\"not base64 !!! CANARY-VAULT\"\n",
    );
    write(
        root,
        "broken.vault",
        "DOTENV_VAULT_PRODUCTION=\"unterminated\n",
    );
    let cases: &[(&str, &str)] = &[
        ("kubernetes:bad.yaml", "bad.yaml:4"),
        ("compose:bad.yaml", "bad.yaml:4"),
        ("kubernetes:deep.yaml", "deep.yaml:1"),
        ("json:bad.json", "bad.json:2"),
        ("json:nested.json", "nested.json:1"),
        ("json:deep.json", "deep.json:1"),
        ("dotenv:bad.env", "bad.env:2"),
        ("vault:broken.vault#production", "broken.vault"),
        ("vault:bad.vault#production", "bad.vault"),
    ];
    // a well-formed key for the vault cases: the file is what is wrong
    let key = format!(
        "dotenv://:key_{}@dotenv.local/vault/.env.vault?environment=production",
        "0".repeat(64)
    );
    for (source, needle) in cases {
        let run = envcheck_env(
            root,
            &["diff", "production", "--source", source],
            &[("DOTENV_KEY", &key)],
        );
        assert_eq!(run.code(), Some(2), "{source}: {}", run.stderr());
        run.assert_stderr_has(needle);
        assert!(
            !run.stderr().contains("CANARY") && !run.stdout().contains("CANARY"),
            "{source} printed a value: {}",
            run.stderr()
        );
    }
}

#[test]
fn a_yaml_billion_laughs_source_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        yaml.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    write(root, "laughs.yaml", &yaml);
    for source in ["kubernetes:laughs.yaml", "compose:laughs.yaml"] {
        let run = envcheck(root, &["diff", "production", "--source", source]);
        assert_eq!(run.code(), Some(2), "{source}: {}", run.stderr());
        run.assert_stderr_has("laughs.yaml:");
        run.assert_stderr_has("billion laughs");
        assert!(run.took < Duration::from_secs(20), "took {:?}", run.took);
    }
}

#[test]
fn a_20_mb_env_value_is_never_echoed_and_is_quick() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nos.environ['HUGE']\nos.environ['A']\n",
    );
    write(root, ".env.example", "HUGE=\nA=\n");
    let huge = "CANARY-HUGE-".repeat(20 << 20 >> 4);
    write(root, ".env", format!("A=1\nHUGE={huge}\n"));
    // a dotenv "billion laughs" and an unclosed `${` repeated: bounded expansion
    let mut laughs = format!("L0={}\n", "x".repeat(1000));
    for i in 1..8 {
        laughs.push_str(&format!(
            "L{i}=\"{}\"\n",
            format!("${{L{}}}", i - 1).repeat(10)
        ));
    }
    laughs.push_str(&format!("HUGE=\"{}\"\nA=1\n", "${".repeat(1 << 20)));
    write(root, ".env.production", laughs);
    let runs = [
        envcheck(root, &["check"]),
        envcheck(root, &["check", "--format", "json"]),
        envcheck(root, &["diff", "dev", "--source", "dotenv:.env"]),
        envcheck(root, &["diff", "production"]),
    ];
    for run in &runs {
        assert!(matches!(run.code(), Some(0 | 1)), "{}", run.stderr());
        assert!(!run.stdout().contains("CANARY") && !run.stderr().contains("CANARY"));
        assert!(run.took < Duration::from_secs(30), "took {:?}", run.took);
        assert!(
            run.stdout().len() < 100_000,
            "{} bytes of output",
            run.stdout().len()
        );
    }
}

/// File and object names are input too: a newline in one must not start a line of its own
/// (where a CI runner reads `::error ...` as a workflow command), and ESC must not start a
/// terminal escape, in any text format, the summary file or a note on standard error.
#[test]
fn names_with_control_characters_cannot_inject_lines_or_escapes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/nl\n::error file=x::injected.py",
        "import os\nos.environ['ALPHA']\n",
    );
    write(
        root,
        "app/syn\n::warning file=y::note.py",
        "import os\nos.environ['BETA']\ndef f(:\n",
    );
    write(
        root,
        "app/esc\u{1b}[31mred.py",
        "import os\nos.environ['GAMMA']\n",
    );
    write(root, "app/pi|pe`x.py", "import os\nos.environ['DELTA']\n");
    write(root, ".env.example", "");
    let summary = root.join("summary.md");
    let summary_arg = summary.display().to_string();
    for format in [
        "full", "concise", "markdown", "github", "json", "sarif", "gitlab",
    ] {
        let run = envcheck(
            root,
            &["check", "--format", format, "--summary-file", &summary_arg],
        );
        assert_eq!(run.out.status.code(), Some(1), "{format}: {}", run.stderr());
        let written = fs::read_to_string(&summary).expect("summary");
        for (what, text) in [
            ("stdout", run.stdout()),
            ("stderr", run.stderr()),
            ("summary", written.clone()),
        ] {
            for line in text.lines() {
                assert!(
                    !line.starts_with("::error file=x") && !line.starts_with("::warning file=y"),
                    "{format} {what}: an injected line:\n{text}"
                );
            }
            assert!(
                !text.contains("\u{1b}[31mred"),
                "{format} {what}: ESC passed through"
            );
        }
        // the markdown table keeps four cells a row, whatever the paths hold
        for row in written.lines().filter(|l| l.starts_with("| error")) {
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 5, "{format}: a broken row: {row}");
        }
    }
    let run = envcheck(root, &["check", "--format", "concise"]);
    assert!(
        run.stdout()
            .contains("app/nl\\u{a}::error file=x::injected.py:2:"),
        "{}",
        run.stdout()
    );
}

/// `--threads` is bounded: a huge count is a usage error, not an allocation failure or a
/// machine brought down by threads.
#[test]
fn an_absurd_thread_count_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in ["1025", "4294967296", "18446744073709551615"] {
        let run = envcheck(dir.path(), &["scan", "--threads", n]);
        assert_eq!(run.code(), Some(2), "{n}: {}", run.stderr());
        run.assert_stderr_has("is not in 0..=1024");
    }
    let run = envcheck(dir.path(), &["scan", "--threads", "16"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
}

/// A reader that closes the pipe early (`envcheck check | head -1`) gets no error message, and the
/// exit code does not pass a report that was cut short.
#[test]
fn a_closed_pipe_is_quiet_and_does_not_pass() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().expect("tempdir");
    // many small files rather than one large one: a loaded machine must not push one file past
    // the extraction time budget (the reads would then be missing and the output short)
    for f in 0..40 {
        let mut code = String::from("import os\n");
        for i in 0..500 {
            code.push_str(&format!("os.environ['V_{f}_{i}']\n"));
        }
        write(dir.path(), &format!("m{f}.py"), &code);
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(dir.path())
        .args(["diff", "prod", "--source", "names:X", "--format", "concise"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    // the pipe is closed here, long before 20,000 lines are written
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
