//! Names and paths from an untrusted repository, through the real binary.
//!
//! - Every name from every source passes one check (`sources::name_problem`) before it can reach
//!   a report: a Kubernetes `envFrom` prefix joined to a key, the process environment, names the
//!   extractors build from code literals (pydantic `env_prefix`), an over-long name in an env
//!   file. A bad name is an error naming the file and line and never the name; the process
//!   environment leaves such variables out with a note that counts them.
//! - Bare lines of env files (a word without `=`) are keys only when they have the shape of a
//!   name: upper-case hex and base32 values on a line of their own are errors that print nothing
//!   of the line, and compose's pass-through `FOO` keeps working.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Generous: the debug binary on a busy two-core machine; a hang is caught, not waited out.
const TIMEOUT: Duration = Duration::from_secs(120);

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    assert!(out.status.code().is_some(), "envcheck {args:?} was killed");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_never_in(out: &Output, needles: &[&str]) {
    for needle in needles {
        assert!(
            !stdout(out).contains(needle) && !stderr(out).contains(needle),
            "{needle:?} reached the output:\n{}\n{}",
            stdout(out),
            stderr(out)
        );
    }
}

const CONFIG_MAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  KEY: CANARY-K8S-1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          envFrom:
            - prefix: PREFIX_PLACE
              configMapRef:
                name: settings
";

#[test]
fn an_env_from_prefix_joined_to_a_key_is_checked_like_any_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['APP_KEY']\n");
    for prefix in [
        "\"A\\n::error::injected<img src=x>\"",
        "\"X<img src=x>\"",
        "\"X\\u202e\"",
        "'ZZ:'",
    ] {
        write(
            root,
            "deploy.yaml",
            CONFIG_MAP.replace("PREFIX_PLACE", prefix),
        );
        for args in [
            &["sources", "prod", "--source", "kubernetes:deploy.yaml"][..],
            &[
                "sources",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "json",
            ],
            &[
                "diff",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "github",
            ],
            &[
                "diff",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "markdown",
            ],
        ] {
            let out = run(root, args, &[]);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{prefix} {args:?}: {}",
                stdout(&out)
            );
            // the file and the prefix's line, never the prefix
            assert!(
                stderr(&out).contains("deploy.yaml:18: an envFrom prefix"),
                "{prefix}: {}",
                stderr(&out)
            );
            assert_never_in(&out, &["injected", "img src", "\u{202e}", "ZZ:", "CANARY"]);
        }
    }
    // a prefix that is the start of a name makes names
    write(
        root,
        "deploy.yaml",
        CONFIG_MAP.replace("PREFIX_PLACE", "APP_"),
    );
    let out = run(
        root,
        &["sources", "prod", "--source", "kubernetes:deploy.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("  APP_KEY  set"), "{}", stdout(&out));
}

#[test]
fn process_environment_variables_whose_names_are_no_names_are_left_out_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['GOOD_NAME']\n");
    let env = [
        ("A\n::error file=x::injected", "CANARY-ENV-1"),
        ("B\u{202e}C", "CANARY-ENV-2"),
        ("D<img src=x>", "CANARY-ENV-3"),
        ("GOOD_NAME", "CANARY-ENV-4"),
    ];
    let full = run(root, &["sources", "ci", "--source", "env"], &env);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    assert!(stdout(&full).contains("  GOOD_NAME "), "{}", stdout(&full));
    // one note counts them (the test harness may add odd names of its own: at least these 3)
    let note = stdout(&full)
        .lines()
        .find(|l| l.contains("of the process environment have a name that is not a variable"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no note:\n{}", stdout(&full)));
    let count: usize = note
        .trim_start()
        .trim_start_matches("note: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {note}"));
    assert!(count >= 3, "{note}");
    let json = run(
        root,
        &["sources", "ci", "--source", "env", "--format", "json"],
        &env,
    );
    let doc: Value = serde_json::from_slice(&json.stdout).expect("json");
    let names: Vec<&str> = doc["sources"][0]["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert!(names.contains(&"GOOD_NAME"));
    for out in [
        &full,
        &json,
        &run(
            root,
            &["diff", "ci", "--source", "env", "--format", "github"],
            &env,
        ),
    ] {
        assert_never_in(out, &["injected", "\u{202e}", "img src", "CANARY"]);
        assert!(
            stdout(out)
                .lines()
                .all(|l| !l.starts_with("::error file=x")),
            "{}",
            stdout(out)
        );
    }
}

#[test]
fn names_built_from_code_literals_pass_the_same_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "settings.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\
         class S(BaseSettings):\n\
         \x20   model_config = SettingsConfigDict(env_prefix='X<img src=y>::error::')\n\
         \x20   token: str\n\
         class T(BaseSettings):\n\
         \x20   café: str\n\
         \x20   plain: str\n",
    );
    let json = run(root, &["scan", "--format", "json"], &[]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let doc: Value = serde_json::from_slice(&json.stdout).expect("json");
    let names: Vec<&str> = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(names, ["PLAIN"], "{}", stdout(&json));
    // the reads are still there, as reads envcheck cannot check
    let dynamic: Vec<&str> = doc["dynamic"]
        .as_array()
        .expect("dynamic")
        .iter()
        .filter_map(|d| d["expression"].as_str())
        .collect();
    assert_eq!(dynamic, ["S.token", "T.café"], "{}", stdout(&json));
    for format in ["full", "json"] {
        let out = run(root, &["scan", "--format", format], &[]);
        assert_never_in(&out, &["img src", "::error::"]);
    }
    let out = run(root, &["check", "--format", "github"], &[]);
    assert_never_in(&out, &["img src", "::error::"]);
}

#[test]
fn an_over_long_name_is_an_error_that_does_not_repeat_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    let long = format!("N{}", "AMELONG".repeat(40));
    write(
        root,
        ".env.production",
        format!("A=1\n{long}=CANARY-LONG-1\n"),
    );
    write(
        root,
        "dump.json",
        format!("{{\"A\": \"1\", \"{long}\": \"x\"}}"),
    );
    for args in [
        &["diff", "prod"][..],
        &["sources", "prod"],
        &["diff", "prod", "--source", "json:dump.json"],
    ] {
        let out = run(root, args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("longer than 256 characters"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_never_in(&out, &["AMELONGAMELONG", "CANARY"]);
    }
}

#[test]
fn bare_lines_are_keys_only_with_the_shape_of_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    // upper-case hex and base32 secrets on a line of their own (a value wrapped onto the next
    // line, a TOTP seed pasted without its key)
    let values = [
        "DEADBEEF00112233445566778899AABB",
        "JBSWY3DPEHPK3PXP",
        "MFRGGZDFMZTWQ2LK",
    ];
    for value in values {
        write(root, ".env.production", format!("A=1\n{value}\n"));
        write(root, ".env.example", format!("A=\n{value}\n"));
        let diff = run(root, &["diff", "prod"], &[]);
        assert_eq!(diff.status.code(), Some(2), "{value}: {}", stdout(&diff));
        assert!(
            stderr(&diff).contains(".env.production:2:1: a word without `=`"),
            "{value}: {}",
            stderr(&diff)
        );
        let check = run(root, &["check", "--format", "json"], &[]);
        let doc: Value = serde_json::from_slice(&check.stdout).expect("json");
        let invalid: Vec<&Value> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["code"] == "ENV004" && f["line"] == 2)
            .collect();
        assert_eq!(invalid.len(), 2, "{value}: {}", stdout(&check));
        for out in [&diff, &check, &run(root, &["sources", "prod"], &[])] {
            assert_never_in(out, &[value]);
        }
    }
    // names on lines of their own keep working: compose passes them through from the shell
    fs::remove_file(root.join(".env.production")).expect("rm");
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    image: x\n    env_file: web.env\n",
    );
    write(
        root,
        "web.env",
        "FOO\nDATABASE_URL\nOAUTH2_CLIENT_ID\nPGSSLMODE\nA=1\n",
    );
    let out = run(
        root,
        &["sources", "prod", "--source", "compose:compose.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in ["FOO", "DATABASE_URL", "OAUTH2_CLIENT_ID", "PGSSLMODE"] {
        assert!(
            stdout(&out)
                .lines()
                .any(|l| l.trim_start().starts_with(name) && l.ends_with("pass-through")),
            "{name}: {}",
            stdout(&out)
        );
    }
}
