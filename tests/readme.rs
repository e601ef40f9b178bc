//! The README's quick start shows real output: run each `$ cargo run --release -- ...` command
//! of the README with the real binary and compare its output with the block that follows it.

use assert_cmd::Command;

/// `(args, expected output)` of every `$ cargo run --release -- ARGS` block in the README.
fn readme_runs() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut runs = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(args) = line.strip_prefix("$ cargo run --release -- ") else {
            continue;
        };
        let mut expected = String::new();
        for out in lines.by_ref() {
            if out.starts_with("```") {
                break;
            }
            expected.push_str(out);
            expected.push('\n');
        }
        runs.push((
            args.split_whitespace().map(str::to_string).collect(),
            expected,
        ));
    }
    runs
}

#[test]
fn readme_quick_start_output_is_current() {
    let runs = readme_runs();
    assert!(
        !runs.is_empty(),
        "no quick start command found in README.md"
    );
    for (args, expected) in runs {
        // `--base REV` needs the revision in this clone's history (a shallow CI clone lacks it)
        if let Some(i) = args.iter().position(|a| a == "--base") {
            let rev = format!("{}^{{commit}}", args[i + 1]);
            let known = std::process::Command::new("git")
                .args(["-C", env!("CARGO_MANIFEST_DIR"), "cat-file", "-e", &rev])
                .status()
                .is_ok_and(|s| s.success());
            if !known {
                eprintln!(
                    "skipping `envcheck {}`: revision not in this clone",
                    args.join(" ")
                );
                continue;
            }
        }
        let out = Command::cargo_bin("envcheck")
            .expect("binary")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .args(&args)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout,
            expected,
            "README output of `envcheck {}` is stale",
            args.join(" ")
        );
    }
}
