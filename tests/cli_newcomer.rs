//! A newcomer's first hour: the README's commands from a fresh clone, each format on
//! `examples/shop` from the repository root (every path a report names is a file that exists),
//! runs that checked nothing say so in every format, and mistakes on the command line get a
//! message that says what to do.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn envcheck(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The file paths a report in `format` names.
fn paths(format: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    match format {
        "json" => {
            let doc: Value = serde_json::from_str(text).expect("json");
            for f in doc["findings"].as_array().expect("findings") {
                out.push(f["path"].as_str().expect("path").to_string());
            }
        }
        "sarif" => {
            let doc: Value = serde_json::from_str(text).expect("sarif");
            for r in doc["runs"][0]["results"].as_array().expect("results") {
                let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri");
                out.push(uri.to_string());
            }
        }
        "gitlab" => {
            let doc: Value = serde_json::from_str(text).expect("gitlab");
            for f in doc.as_array().expect("array") {
                out.push(f["location"]["path"].as_str().expect("path").to_string());
            }
        }
        "github" => {
            for line in text.lines() {
                if let Some(rest) = line.split(" file=").nth(1) {
                    out.push(rest.split(',').next().expect("file").to_string());
                }
            }
        }
        "concise" => {
            for line in text.lines().filter(|l| l.contains(": ENV")) {
                out.push(line.split(':').next().expect("path").to_string());
            }
        }
        "full" => {
            for line in text.lines() {
                if let Some(at) = line.trim_start().strip_prefix("--> ") {
                    out.push(at.split(':').next().expect("path").to_string());
                }
            }
        }
        _ => unreachable!(),
    }
    out
}

#[test]
fn every_format_on_the_shipped_example_names_files_that_exist() {
    let root = Path::new(ROOT);
    for command in [vec!["diff", "prod"], vec!["check"]] {
        for format in ["full", "concise", "json", "github", "sarif", "gitlab"] {
            let mut args = command.clone();
            args.extend(["examples/shop", "--format", format]);
            let run = envcheck(root, &args);
            assert!(matches!(run.code, Some(0 | 1)), "{args:?}: {}", run.stderr);
            let named = paths(format, &run.stdout);
            assert!(!named.is_empty(), "{args:?}: no finding\n{}", run.stdout);
            for path in named {
                assert!(
                    path.starts_with("examples/shop/") && root.join(&path).is_file(),
                    "{args:?}: `{path}` is not a file of the repository\n{}",
                    run.stdout
                );
            }
        }
    }
}

#[test]
fn the_readme_quick_start_and_scan_run_from_a_fresh_clone() {
    let root = Path::new(ROOT);
    let run = envcheck(root, &["diff", "prod", "examples/shop"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("examples/shop/app/emails.py:5:23"));
    let run = envcheck(root, &["scan", "examples/shop"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("app/emails.py:5:23"));
}

#[test]
fn a_check_without_an_example_file_says_so_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    for format in [
        "full", "concise", "json", "github", "sarif", "gitlab", "markdown",
    ] {
        let run = envcheck(root, &["check", "--format", format]);
        assert_eq!(run.code, Some(0), "a warning: {}", run.stderr);
        assert!(
            run.stdout.contains("ENV006"),
            "{format}: no ENV006\n{}",
            run.stdout
        );
    }
    // the job summary too
    let summary = root.join("summary.md");
    let run = envcheck(
        root,
        &[
            "check",
            "--format",
            "github",
            "--summary-file",
            "summary.md",
        ],
    );
    assert_eq!(run.code, Some(0));
    assert!(
        fs::read_to_string(summary)
            .expect("summary")
            .contains("ENV006")
    );
}

#[test]
fn a_target_that_provides_nothing_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: x\n",
    );
    let run = envcheck(
        root,
        &[
            "diff",
            "prod",
            "--source",
            "compose:docker-compose.yml#web",
            "--format",
            "concise",
        ],
    );
    assert!(run.stdout.contains("ENV108"), "{}", run.stdout);
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: x\n    environment:\n      A: '1'\n",
    );
    let run = envcheck(
        root,
        &[
            "diff",
            "prod",
            "--source",
            "compose:docker-compose.yml#web",
            "--format",
            "concise",
        ],
    );
    assert!(!run.stdout.contains("ENV108"), "{}", run.stdout);
}

#[test]
fn a_mistyped_environment_gets_a_suggestion_and_a_path_gets_explained() {
    let root = Path::new(ROOT);
    let run = envcheck(root, &["diff", "prd", "examples/shop"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("did you mean `prod`"), "{}", run.stderr);
    // the environment forgotten: the path took its place
    let run = envcheck(root, &["diff", "examples/shop"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("`examples/shop` is a path, not an environment"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_and_envcheck_errors_share_one_style() {
    let root = Path::new(ROOT);
    let usage = envcheck(root, &["check", "--no-such-flag"]);
    assert_eq!(usage.code, Some(2));
    assert!(
        usage.stderr.starts_with("envcheck: error: "),
        "{}",
        usage.stderr
    );
    let missing = envcheck(root, &["check", "no/such/path"]);
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.starts_with("envcheck: error: "),
        "{}",
        missing.stderr
    );
    // help and version are not errors
    let help = envcheck(root, &["check", "--help"]);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("Exit codes:"));
    assert!(help.stdout.contains("Output:") && help.stdout.contains("Rules:"));
}
