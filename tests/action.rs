//! The GitHub Action: `action.yml` is read as the runner reads it, and its steps' scripts
//! (`action/install.sh`, `action/entrypoint.sh`) run with bash the way a composite action runs
//! them: each step with its `env:` (inputs mapped as action.yml maps them), its own
//! `GITHUB_OUTPUT` file, a shared `GITHUB_STEP_SUMMARY`, `GITHUB_ENV` and `GITHUB_PATH`, and
//! `GITHUB_ACTION_PATH` at this checkout. `ENVCHECK_BINARY` (install.sh's testing hook) points at
//! the binary cargo just built, so nothing is downloaded or compiled.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

const INPUTS: [&str; 10] = [
    "version",
    "command",
    "environment",
    "base",
    "args",
    "working-directory",
    "config",
    "fail-on",
    "sarif-file",
    "summary",
];
const OUTPUTS: [&str; 3] = ["findings-count", "exit-code", "sarif-file"];

#[path = "support/yaml.rs"]
mod yaml;
use yaml::{Yaml, parse_yaml};

fn action() -> Yaml {
    parse_yaml(&fs::read_to_string(Path::new(ROOT).join("action.yml")).expect("action.yml"))
}

/// The `${{ ... }}` expressions of a string, trimmed.
fn expressions(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let end = after.find("}}").expect("an unterminated ${{ expression");
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The metadata.

#[test]
fn action_yml_declares_every_input_and_output_and_maps_inputs_through_env() {
    let action = action();
    assert_eq!(
        action
            .get("runs")
            .and_then(|r| r.get("using"))
            .and_then(Yaml::str),
        Some("composite")
    );

    let inputs = action.get("inputs").expect("inputs").entries();
    let declared: Vec<&str> = inputs.iter().map(|(k, _)| k.as_str()).collect();
    let mut expected = INPUTS.to_vec();
    expected.sort_unstable();
    let mut sorted = declared.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected, "inputs of action.yml");
    for (name, input) in inputs {
        assert!(
            input
                .get("description")
                .and_then(Yaml::str)
                .is_some_and(|d| !d.is_empty()),
            "input {name} has no description"
        );
    }
    let default = |name: &str| {
        inputs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.get("default"))
            .and_then(Yaml::str)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(default("command"), "check");
    assert_eq!(default("summary"), "true");
    assert_eq!(
        default("version"),
        "",
        "the version follows the action's ref by default"
    );
    let base = default("base");
    assert!(
        base.contains("github.base_ref") && base.contains("origin/"),
        "base defaults to the pull request's base branch: {base}"
    );

    let outputs = action.get("outputs").expect("outputs").entries();
    let mut names: Vec<&str> = outputs.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    let mut expected = OUTPUTS.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected, "outputs of action.yml");
    for (name, output) in outputs {
        assert!(
            output.get("description").is_some(),
            "output {name} has no description"
        );
        let value = output
            .get("value")
            .and_then(Yaml::str)
            .expect("output value");
        assert_eq!(expressions(value), [format!("steps.run.outputs.{name}")]);
    }

    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .expect("steps")
        .items();
    let mut mapped = Vec::new();
    for step in steps {
        let id = step
            .get("id")
            .and_then(Yaml::str)
            .expect("every step has an id");
        assert_eq!(
            step.get("shell").and_then(Yaml::str),
            Some("bash"),
            "step {id}"
        );
        let run = step.get("run").and_then(Yaml::str).expect("a run step");
        assert!(
            !run.contains("${{ inputs."),
            "step {id} pastes an input into its script"
        );
        assert!(
            !run.contains("${{"),
            "step {id}: expressions belong in env:, not in run:"
        );
        // the script it runs exists and is strict
        let script = run
            .split('"')
            .find_map(|part| part.strip_prefix("$GITHUB_ACTION_PATH/"))
            .expect("the step runs a script under $GITHUB_ACTION_PATH");
        let text = fs::read_to_string(Path::new(ROOT).join(script)).expect("the step's script");
        assert!(text.contains("set -euo pipefail"), "{script} is not strict");
        for (var, value) in step.get("env").map(Yaml::entries).unwrap_or_default() {
            let value = value.str().expect("env values are strings");
            for expr in expressions(value) {
                if let Some(input) = expr.strip_prefix("inputs.") {
                    assert!(
                        declared.contains(&input),
                        "{var} maps an undeclared input {input}"
                    );
                    assert_eq!(value, format!("${{{{ inputs.{input} }}}}"), "{var}");
                    mapped.push(input.to_string());
                }
            }
        }
    }
    for input in INPUTS {
        assert!(
            mapped.iter().any(|m| m == input),
            "input {input} never reaches a script"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Running the action.

/// What one run of the action left behind.
struct Run {
    /// Exit status of the last step that ran (a failing step stops the action).
    status: i32,
    stdout: String,
    stderr: String,
    /// The action's outputs, evaluated from `outputs.*.value`.
    outputs: BTreeMap<String, String>,
    summary: String,
    github_path: String,
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `key=value` lines and `key<<DELIMITER` blocks, as the runner reads `$GITHUB_OUTPUT`.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((key, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            out.insert(key.to_string(), value.join("\n"));
        } else if let Some((key, value)) = line.split_once('=') {
            out.insert(key.to_string(), value.to_string());
        } else if !line.is_empty() {
            panic!("malformed GITHUB_OUTPUT line: {line}");
        }
    }
    out
}

fn runner_os_arch() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "macOS",
        "windows" => "Windows",
        _ => "Linux",
    };
    let arch = match std::env::consts::ARCH {
        "aarch64" => "ARM64",
        _ => "X64",
    };
    (os, arch)
}

/// The environment every step gets from the "runner", on top of a cleared environment.
fn runner_env(workspace: &Path, runner: &Path) -> Vec<(String, String)> {
    let (os, arch) = runner_os_arch();
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), path(runner.join("home"))),
        ("TMPDIR".into(), path(runner.join("tmp"))),
        // keep git from finding a repository above the temporary directory
        (
            "GIT_CEILING_DIRECTORIES".into(),
            path(workspace.parent().expect("parent").to_path_buf()),
        ),
        ("NO_COLOR".into(), "1".into()),
        ("CI".into(), "true".into()),
        ("GITHUB_ACTIONS".into(), "true".into()),
        ("GITHUB_WORKSPACE".into(), path(workspace.to_path_buf())),
        ("GITHUB_ACTION_PATH".into(), ROOT.into()),
        ("GITHUB_REPOSITORY".into(), "example/envcheck".into()),
        (
            "GITHUB_STEP_SUMMARY".into(),
            path(runner.join("step_summary.md")),
        ),
        ("GITHUB_ENV".into(), path(runner.join("github_env"))),
        ("GITHUB_PATH".into(), path(runner.join("github_path"))),
        ("RUNNER_OS".into(), os.into()),
        ("RUNNER_ARCH".into(), arch.into()),
        ("RUNNER_TEMP".into(), path(runner.join("temp"))),
    ]
}

/// Runs the action's steps in order, in `workspace`, with `inputs` (the rest take their
/// defaults) and `extra_env` added to every step.
fn run_action(workspace: &Path, inputs: &[(&str, &str)], extra_env: &[(&str, &str)]) -> Run {
    let action = action();
    let runner = workspace.parent().expect("parent").join("runner");
    for dir in ["home", "tmp", "temp"] {
        fs::create_dir_all(runner.join(dir)).expect("mkdir");
    }
    for file in ["step_summary.md", "github_env", "github_path"] {
        fs::write(runner.join(file), "").expect("write");
    }

    // Inputs: the given value, else the declared default.
    let mut values = BTreeMap::new();
    for (name, input) in action.get("inputs").expect("inputs").entries() {
        let given = inputs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string());
        let value = given.unwrap_or_else(|| {
            let default = input.get("default").and_then(Yaml::str).unwrap_or_default();
            assert!(
                !default.contains("${{"),
                "input {name} has an expression default: give it in the test"
            );
            default.to_string()
        });
        values.insert(name.clone(), value);
    }
    for (name, _) in inputs {
        assert!(
            values.contains_key(*name),
            "the test gives an undeclared input {name}"
        );
    }

    let mut steps_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let evaluate = |value: &str, steps: &BTreeMap<String, BTreeMap<String, String>>| {
        let mut out = value.to_string();
        for expr in expressions(value) {
            let resolved = if let Some(name) = expr.strip_prefix("inputs.") {
                values.get(name).cloned().expect("declared input")
            } else if let Some(rest) = expr.strip_prefix("steps.") {
                let (id, name) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                steps
                    .get(id)
                    .and_then(|o| o.get(name))
                    .cloned()
                    .unwrap_or_default()
            } else if expr.starts_with("github.") {
                // github.action_ref and the like: empty, as for `uses: ./`
                String::new()
            } else {
                panic!("unsupported expression in action.yml: {expr}");
            };
            out = out.replacen(&format!("${{{{ {expr} }}}}"), &resolved, 1);
        }
        out
    };

    let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .expect("steps")
        .items();
    for (index, step) in steps.iter().enumerate() {
        let id = step.get("id").and_then(Yaml::str).expect("id").to_string();
        let run = step.get("run").and_then(Yaml::str).expect("run");
        let script = runner.join(format!("step-{index}.sh"));
        fs::write(&script, run).expect("write the step's script");
        let output_file = runner.join(format!("output-{index}"));
        fs::write(&output_file, "").expect("write");

        let mut cmd = Command::new("bash");
        // what the runner runs for `shell: bash`
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(workspace)
            .env_clear()
            .envs(runner_env(workspace, &runner))
            .env("GITHUB_OUTPUT", &output_file)
            .env("ENVCHECK_BINARY", env!("CARGO_BIN_EXE_envcheck"));
        for (var, value) in step.get("env").map(Yaml::entries).unwrap_or_default() {
            cmd.env(var, evaluate(value.str().expect("string"), &steps_outputs));
        }
        cmd.envs(extra_env.iter().copied());
        let out = cmd.output().expect("bash runs");
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        let text = fs::read_to_string(&output_file).expect("GITHUB_OUTPUT");
        steps_outputs.insert(id, parse_outputs(&text));
        status = out.status.code().expect("bash exited");
        if status != 0 {
            break;
        }
    }

    let outputs = action
        .get("outputs")
        .expect("outputs")
        .entries()
        .iter()
        .map(|(name, output)| {
            let value = output.get("value").and_then(Yaml::str).expect("value");
            (name.clone(), evaluate(value, &steps_outputs))
        })
        .collect();
    let read = |f: &str| fs::read_to_string(runner.join(f)).expect("runner file");
    Run {
        status,
        stdout,
        stderr,
        outputs,
        summary: read("step_summary.md"),
        github_path: read("github_path"),
    }
}

/// Annotations of findings (the truncation notice names no file).
fn annotations(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| {
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect()
}

fn sarif(path: &str) -> serde_json::Value {
    assert!(
        Path::new(path).is_absolute(),
        "sarif-file is absolute: {path}"
    );
    let text = fs::read_to_string(path).expect("the SARIF file exists");
    let log: serde_json::Value = serde_json::from_str(&text).expect("the SARIF file is JSON");
    assert_eq!(log["version"], "2.1.0");
    log
}

fn results(log: &serde_json::Value) -> &[serde_json::Value] {
    log["runs"][0]["results"].as_array().expect("results")
}

fn output<'a>(run: &'a Run, name: &str) -> &'a str {
    run.outputs
        .get(name)
        .map(String::as_str)
        .unwrap_or_default()
}

#[test]
fn diff_prod_on_the_shop_fails_with_annotations_summary_and_sarif() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("workspace");
    copy_dir(
        &Path::new(ROOT).join("examples/shop"),
        &workspace.join("shop"),
    );

    let run = run_action(
        &workspace,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("working-directory", "shop"),
            ("base", ""),
        ],
        &[],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);

    assert_eq!(run.status, 1, "the step fails like envcheck\n{log}");
    assert_eq!(output(&run, "exit-code"), "1", "{log}");
    assert!(
        run.stderr.contains("testing hook"),
        "install.sh used ENVCHECK_BINARY\n{log}"
    );

    // annotations carry the repository path of the project (working-directory `shop`)
    let annotated = annotations(&run.stdout);
    assert!(
        annotated
            .iter()
            .any(|l| l.starts_with("::error file=shop/app/emails.py,line=5,")),
        "an error annotation on shop/app/emails.py\n{log}"
    );
    assert!(
        annotated.iter().all(|l| l.contains(" file=shop/")),
        "every annotation is under shop/\n{log}"
    );

    let count = output(&run, "findings-count");
    assert_eq!(count, annotated.len().to_string(), "{log}");
    assert!(annotated.len() >= 3, "{log}");

    let log_json = sarif(output(&run, "sarif-file"));
    let results = results(&log_json);
    assert_eq!(
        results.len().to_string(),
        count,
        "findings-count matches the SARIF results"
    );
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("shop/"), "SARIF uri under shop/: {uri}");
    }

    assert!(
        run.summary.contains("## envcheck"),
        "summary:\n{}",
        run.summary
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_envcheck"))
        .parent()
        .expect("dir");
    assert_eq!(run.github_path.trim(), bin_dir.to_string_lossy());
}

/// In a git checkout (GitHub's usual case) envcheck itself names files relative to the
/// repository top: the annotations and the SARIF file carry `shop/...` once, not twice.
#[test]
fn in_a_git_checkout_paths_are_the_repository_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("workspace");
    copy_dir(
        &Path::new(ROOT).join("examples/shop"),
        &workspace.join("shop"),
    );
    git(&workspace, &["init", "--quiet"]);
    let run = run_action(
        &workspace,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("working-directory", "shop"),
            ("base", ""),
        ],
        &[],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let annotated = annotations(&run.stdout);
    assert!(
        annotated
            .iter()
            .any(|l| l.starts_with("::error file=shop/app/emails.py,line=5,")),
        "{log}"
    );
    assert!(
        annotated
            .iter()
            .all(|l| l.contains(" file=shop/") && !l.contains("shop/shop/")),
        "{log}"
    );
    for result in results(&sarif(output(&run, "sarif-file"))) {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(
            uri.starts_with("shop/") && !uri.starts_with("shop/shop/"),
            "{uri}"
        );
    }
}

#[test]
fn check_on_a_clean_project_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("workspace");
    copy_dir(&Path::new(ROOT).join("examples/clean"), &workspace);

    let run = run_action(&workspace, &[("base", "")], &[]);
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);

    assert_eq!(run.status, 0, "{log}");
    assert_eq!(output(&run, "exit-code"), "0", "{log}");
    assert_eq!(output(&run, "findings-count"), "0", "{log}");
    assert!(annotations(&run.stdout).is_empty(), "{log}");
    let log_json = sarif(output(&run, "sarif-file"));
    assert!(results(&log_json).is_empty());
    assert!(
        run.summary.contains("## envcheck"),
        "summary:\n{}",
        run.summary
    );
}

#[test]
fn inputs_shape_the_command_line_without_echoing_args() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("workspace");
    copy_dir(
        &Path::new(ROOT).join("examples/shop"),
        &workspace.join("shop"),
    );

    let run = run_action(
        &workspace,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("working-directory", "shop"),
            ("base", ""),
            ("fail-on", "never"),
            ("args", "--select \"ENV101,ENV107\"\n  --ignore 'ENV104'"),
            ("sarif-file", "reports/envcheck.sarif"),
            ("summary", "false"),
        ],
        &[],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);

    assert_eq!(run.status, 0, "fail-on never\n{log}");
    assert_eq!(output(&run, "exit-code"), "0", "{log}");
    // only ENV101 and ENV107: SMTP_URL (at start-up) and STRIPE_SECRET_KEY (on use)
    assert_eq!(output(&run, "findings-count"), "2", "{log}");
    let expected = workspace.join("shop/reports/envcheck.sarif");
    assert_eq!(
        output(&run, "sarif-file"),
        expected.to_string_lossy(),
        "{log}"
    );
    assert_eq!(results(&sarif(output(&run, "sarif-file"))).len(), 2);
    assert!(run.summary.is_empty(), "summary: false writes no summary");
    assert!(run.stderr.contains("+4 extra arguments"), "{log}");
    assert!(
        !run.stdout.contains("--select") && !run.stderr.contains("--select"),
        "the args input is not echoed\n{log}"
    );
}

#[test]
fn a_bad_input_is_an_error_with_exit_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("workspace");
    copy_dir(&Path::new(ROOT).join("examples/clean"), &workspace);

    for inputs in [
        vec![("base", ""), ("command", "deploy")],
        vec![("base", ""), ("command", "diff")],
        vec![("base", ""), ("fail-on", "sometimes")],
        vec![("base", ""), ("args", "--select 'ENV1")],
        vec![("base", ""), ("working-directory", "no/such/dir")],
        // a line break could add `name=value` lines to $GITHUB_OUTPUT or start a command
        vec![("base", ""), ("sarif-file", "r.sarif\nexit-code=0")],
        vec![
            ("base", ""),
            ("working-directory", "nope\n::error::injected"),
        ],
    ] {
        let run = run_action(&workspace, &inputs, &[]);
        let log = format!(
            "{inputs:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        assert_eq!(run.status, 2, "{log}");
        assert_eq!(output(&run, "exit-code"), "2", "{log}");
        assert!(
            run.stdout.contains("::error title=envcheck action::"),
            "{log}"
        );
        assert!(
            !run.stdout.lines().any(|l| l.starts_with("::error::")),
            "{log}"
        );
    }
}

/// Without ENVCHECK_BINARY, install.sh downloads only what action/checksums.sha256 lists: the
/// version is picked from that file (a `v1` ref means the newest 1.x.y), for the runner's
/// target. The server here refuses the connection, so the test sees the URL in the error.
#[test]
fn install_picks_a_checksummed_release_for_the_runner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let action_path = dir.path().join("action-copy");
    copy_dir(&Path::new(ROOT).join("action"), &action_path.join("action"));
    let sum = "0".repeat(64);
    let mut listed = String::new();
    for target in [
        "x86_64-unknown-linux-musl.tar.gz",
        "aarch64-unknown-linux-musl.tar.gz",
        "x86_64-apple-darwin.tar.gz",
        "aarch64-apple-darwin.tar.gz",
        "x86_64-pc-windows-msvc.zip",
    ] {
        for version in ["1.2.0", "1.10.0", "0.9.0"] {
            listed.push_str(&format!("{sum}  v{version}/envcheck-{target}\n"));
        }
    }
    fs::write(action_path.join("action/checksums.sha256"), listed).expect("write");

    let install = |env: &[(&str, &str)]| {
        let out = Command::new("bash")
            .arg(action_path.join("action/install.sh"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUNNER_TEMP", dir.path())
            .env("GITHUB_ACTION_PATH", &action_path)
            .env("GITHUB_REPOSITORY", "example/envcheck")
            // nothing listens there: the download fails at once, without the network
            .env("GITHUB_SERVER_URL", "https://127.0.0.1:9")
            .envs(env.iter().copied())
            .output()
            .expect("bash runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };

    let cases = [
        (
            vec![
                ("ACTION_REF", "v1"),
                ("RUNNER_OS", "Linux"),
                ("RUNNER_ARCH", "X64"),
            ],
            "v1.10.0/envcheck-x86_64-unknown-linux-musl.tar.gz",
        ),
        (
            vec![
                ("INPUT_VERSION", "1.2"),
                ("RUNNER_OS", "macOS"),
                ("RUNNER_ARCH", "ARM64"),
            ],
            "v1.2.0/envcheck-aarch64-apple-darwin.tar.gz",
        ),
        (
            vec![
                ("INPUT_VERSION", "latest"),
                ("RUNNER_OS", "Windows"),
                ("RUNNER_ARCH", "X64"),
            ],
            "v1.10.0/envcheck-x86_64-pc-windows-msvc.zip",
        ),
        (
            vec![
                ("ACTION_REF", "main"),
                ("RUNNER_OS", "Linux"),
                ("RUNNER_ARCH", "ARM64"),
            ],
            "v1.10.0/envcheck-aarch64-unknown-linux-musl.tar.gz",
        ),
        (
            vec![
                ("INPUT_VERSION", "v0.9.0"),
                ("RUNNER_OS", "Linux"),
                ("RUNNER_ARCH", "X64"),
            ],
            "v0.9.0/envcheck-x86_64-unknown-linux-musl.tar.gz",
        ),
    ];
    for (env, asset) in cases {
        let (code, text) = install(&env);
        assert_eq!(code, Some(2), "{env:?}\n{text}");
        assert!(
            text.contains(&format!(
                "https://127.0.0.1:9/example/envcheck/releases/download/{asset}"
            )),
            "{env:?} should download {asset}\n{text}"
        );
    }

    // A version that is not listed is never downloaded: the source is built instead (here
    // without cargo on PATH, so the build is refused before it starts).
    if Path::new("/usr/bin/cargo").exists() || Path::new("/bin/cargo").exists() {
        return; // a system cargo would start a real build
    }
    let (code, text) = install(&[
        ("INPUT_VERSION", "2.0.0"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("PATH", "/usr/bin:/bin"),
    ]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("no checksummed release"), "{text}");
    assert!(!text.contains("downloading"), "{text}");
    assert!(text.contains("cargo is not installed"), "{text}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=envcheck test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A pull request in a shallow clone (actions/checkout's default): the base branch is not in
/// the clone, the entrypoint fetches it (one commit), and only what the branch adds fails.
#[test]
fn a_pull_request_base_is_fetched_into_a_shallow_clone() {
    let dir = tempfile::tempdir().expect("tempdir");
    // origin: main is the shop before app/emails.py, the branch `feature` adds it
    let origin = dir.path().join("origin");
    copy_dir(&Path::new(ROOT).join("examples/shop"), &origin);
    let emails = fs::read(origin.join("app/emails.py")).expect("emails.py");
    fs::remove_file(origin.join("app/emails.py")).expect("rm");
    git(&origin, &["init", "--quiet"]);
    git(&origin, &["add", "--all"]);
    git(&origin, &["commit", "--quiet", "-m", "base"]);
    git(&origin, &["switch", "--quiet", "--create", "feature"]);
    fs::write(origin.join("app/emails.py"), emails).expect("write");
    git(&origin, &["add", "--all"]);
    git(&origin, &["commit", "--quiet", "-m", "emails"]);

    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--depth=1",
            "--branch=feature",
            &url,
            "workspace",
        ],
    );
    let workspace = dir.path().join("workspace");

    let run = run_action(
        &workspace,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("base", "origin/main"),
        ],
        &[("GIT_CONFIG_NOSYSTEM", "1")],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);

    assert!(
        run.stderr
            .contains("fetching the base revision origin/main"),
        "{log}"
    );
    assert_eq!(
        output(&run, "exit-code"),
        "1",
        "SMTP_URL is new and missing\n{log}"
    );
    assert!(
        annotations(&run.stdout)
            .iter()
            .any(|l| l.starts_with("::error file=app/emails.py,")),
        "{log}"
    );
    assert!(
        run.summary.contains("changes since `origin/main`"),
        "{}",
        run.summary
    );

    // a clone deep enough to hold the base: only its ref is set, and no history is cut
    let deeper = dir.path().join("deeper");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--depth=2",
            "--branch=feature",
            &url,
            "deeper",
        ],
    );
    let count = || {
        let out = std::process::Command::new("git")
            .args(["rev-list", "--count", "HEAD"])
            .current_dir(&deeper)
            .output()
            .expect("git");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(count(), "2");
    let run = run_action(
        &deeper,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("base", "origin/main"),
        ],
        &[("GIT_CONFIG_NOSYSTEM", "1")],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("already in the clone"), "{log}");
    assert_eq!(output(&run, "exit-code"), "1", "{log}");
    assert_eq!(count(), "2", "the clone's history is as it was");
}

/// envcheck's own errors (exit code 2) are seen where findings are: an error annotation and a
/// section of the job summary. A base branch that origin does not have is named as such, not
/// taken for missing history.
#[test]
fn an_error_of_envcheck_is_an_annotation_and_in_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let origin = dir.path().join("origin");
    copy_dir(&Path::new(ROOT).join("examples/shop"), &origin);
    git(&origin, &["init", "--quiet"]);
    git(&origin, &["add", "--all"]);
    git(&origin, &["commit", "--quiet", "-m", "base"]);
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &["clone", "--quiet", "--depth=1", &url, "workspace"],
    );
    let workspace = dir.path().join("workspace");

    let run = run_action(
        &workspace,
        &[
            ("command", "diff"),
            ("environment", "prod"),
            ("base", "origin/no-such-branch"),
        ],
        &[("GIT_CONFIG_NOSYSTEM", "1")],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.status, 2, "{log}");
    assert_eq!(output(&run, "exit-code"), "2", "{log}");
    assert!(
        run.stderr
            .contains("origin has no refs/heads/no-such-branch"),
        "{log}"
    );
    assert!(!run.stderr.contains("fetch-depth"), "{log}");
    assert!(
        run.stdout.lines().any(|l| l.starts_with(
            "::error title=envcheck could not check::revision `origin/no-such-branch`"
        )),
        "{log}"
    );
    assert!(
        run.summary.contains("## envcheck could not check")
            && run.summary.contains("origin/no-such-branch"),
        "{}",
        run.summary
    );

    // a file envcheck cannot read: the annotation names it
    fs::write(
        workspace.join("deploy/k8s/broken.yaml"),
        "kind: Deployment\nspec: [\n",
    )
    .expect("write");
    let run = run_action(
        &workspace,
        &[("command", "diff"), ("environment", "prod"), ("base", "")],
        &[],
    );
    let log = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(output(&run, "exit-code"), "2", "{log}");
    assert!(
        run.stdout.lines().any(
            |l| l.starts_with("::error title=envcheck could not check::")
                && l.contains("broken.yaml")
        ),
        "{log}"
    );
}
