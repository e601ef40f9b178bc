//! The CI templates in `examples/ci/` are run, not only read: the GitLab jobs' scripts run with
//! `sh` in a real git repository (the shop example, with history and a deploy tag), against the
//! binary cargo just built; the GitHub workflows pass the action only inputs it declares.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

#[path = "support/yaml.rs"]
mod yaml;
use yaml::{Yaml, parse_yaml};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read_yaml(rel: &str) -> Yaml {
    parse_yaml(&fs::read_to_string(Path::new(ROOT).join(rel)).expect("template"))
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=ci", "-c", "user.email=ci@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A repository holding the shop: a commit tagged `deploy-prod-1` (what prod runs), then a
/// release that reads a new required variable.
fn shop_repository(dir: &Path) -> std::path::PathBuf {
    let repo = dir.join("repo");
    copy_dir(&Path::new(ROOT).join("examples/shop"), &repo);
    let emails = fs::read(repo.join("app/emails.py")).expect("emails.py");
    fs::remove_file(repo.join("app/emails.py")).expect("rm");
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "deployed"]);
    git(&repo, &["tag", "-a", "-m", "prod", "deploy-prod-1"]);
    fs::write(repo.join("app/emails.py"), emails).expect("write");
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "emails"]);
    repo
}

/// A directory whose only `envcheck` is the binary under test.
fn bin_dir(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("mkdir");
    symlink(env!("CARGO_BIN_EXE_envcheck"), bin.join("envcheck")).expect("symlink");
    bin
}

/// A GitLab job's `script`, as GitLab runs it: all lines in one shell, stopping at the first
/// that fails. Returns the exit code and the output.
fn run_script(job: &Yaml, repo: &Path, bin: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let lines: Vec<&str> = job
        .get("script")
        .expect("script")
        .items()
        .iter()
        .map(|l| l.str().expect("a script line"))
        .collect();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-e", "-c", &lines.join("\n")])
        .current_dir(repo)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(env.iter().copied())
        .output()
        .expect("sh");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), log)
}

#[test]
fn the_gitlab_release_job_compares_with_the_deploy_tag_and_keeps_the_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = shop_repository(dir.path());
    let bin = bin_dir(dir.path());
    let template = read_yaml("examples/ci/gitlab-ci.yml");
    let job = template
        .get("envcheck:release:prod")
        .expect("the release job");

    let (code, log) = run_script(job, &repo, &bin, &[]);
    // SMTP_URL is new since the deployed revision and prod lacks it: the job fails like a gate
    assert_eq!(code, 1, "{log}");
    let artifact = job
        .get("artifacts")
        .and_then(|a| a.get("paths"))
        .expect("artifact paths")
        .items()[0]
        .str()
        .expect("a path");
    let plan = fs::read_to_string(repo.join(artifact)).expect("the plan is written");
    assert!(plan.contains("changes since `deploy-prod-1`"), "{plan}");
    assert!(plan.contains("SMTP_URL"), "{plan}");

    // no deploy tag yet: the whole need of prod, still a plan
    git(&repo, &["tag", "--delete", "deploy-prod-1"]);
    fs::remove_file(repo.join(artifact)).expect("rm");
    let (code, log) = run_script(job, &repo, &bin, &[]);
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("no deploy-prod-* tag yet"), "{log}");
    let plan = fs::read_to_string(repo.join(artifact)).expect("the plan is written");
    assert!(!plan.contains("changes since"), "{plan}");
}

#[test]
fn the_gitlab_merge_request_jobs_write_code_quality_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = shop_repository(dir.path());
    let bin = bin_dir(dir.path());
    let template = read_yaml("examples/ci/gitlab-ci.yml");
    let base = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD~1"])
            .current_dir(&repo)
            .output()
            .expect("git")
            .stdout,
    )
    .expect("utf-8");
    for name in ["envcheck", "envcheck:prod"] {
        let job = template.get(name).expect("job");
        let (code, log) = run_script(
            job,
            &repo,
            &bin,
            &[("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.trim())],
        );
        assert!(code == 0 || code == 1, "{name}: exit {code}\n{log}");
        let report = job
            .get("artifacts")
            .and_then(|a| a.get("reports"))
            .and_then(|r| r.get("codequality"))
            .and_then(Yaml::str)
            .expect("a Code Quality report");
        let text = fs::read_to_string(repo.join(report)).expect("report written");
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert!(parsed.is_array(), "{name}: {text}");
    }
}

/// The inputs the GitHub examples give the action are inputs action.yml declares (a renamed
/// input would be ignored by the runner with only a warning).
#[test]
fn the_github_examples_use_only_inputs_the_action_declares() {
    let action = read_yaml("action.yml");
    let declared: Vec<&str> = action
        .get("inputs")
        .expect("inputs")
        .entries()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    let mut seen = 0;
    for file in [
        "examples/ci/github-workflow.yml",
        "examples/ci/github-release.yml",
    ] {
        let workflow = read_yaml(file);
        for (_, job) in workflow.get("jobs").expect("jobs").entries() {
            let Some(steps) = job.get("steps") else {
                continue;
            };
            for step in steps.items() {
                let uses = step.get("uses").and_then(Yaml::str).unwrap_or_default();
                if !uses.starts_with("OWNER/envcheck@") {
                    continue;
                }
                seen += 1;
                for (input, _) in step.get("with").map(Yaml::entries).unwrap_or_default() {
                    assert!(
                        declared.contains(&input.as_str()),
                        "{file}: input `{input}` is not declared by action.yml"
                    );
                }
            }
        }
    }
    assert!(seen >= 3, "the examples use the action ({seen} steps)");
}
