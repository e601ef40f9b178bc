//! Names used by something other than the scanned code, through the real binary: a git
//! repository in a temporary directory with a compose file, Dockerfiles, shell scripts and env
//! files. A key docker compose, an image, a script or a well-known tool reads is not stale
//! (ENV002) nor unused (ENV104); a variable the scanned code's image sets is not undocumented
//! (ENV001). Every value is a canary that no output may hold.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// A repository laid out as a small monorepo: the `api` application, scanned, and `web`, another
/// application with its own image.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .output()
        .expect("git");
    assert!(init.status.success(), "git init");
    write(root, ".gitignore", "ignored/\n");
    write(
        root,
        "api/app.py",
        "import os\n\
         DATABASE_URL = os.environ['DATABASE_URL']\n\
         CONTAINERIZED = os.environ['API_CONTAINERIZED']\n\
         BUILD_ONLY = os.environ['BUILD_ONLY']\n\
         WEB_ONLY = os.environ['WEB_ONLY']\n\
         UNDOCUMENTED = os.environ['UNDOCUMENTED']\n",
    );
    write(
        root,
        "api/.env.example",
        "COMPOSE_PROJECT_NAME=demo\n\
         POSTGRES_USER=CANARY-CONSUMERS-1\n\
         DB_PASSWORD=CANARY-CONSUMERS-2\n\
         DATABASE_URL=postgres://${POSTGRES_USER}:${DB_PASSWORD}@db/app\n\
         GIT_SHA=CANARY-CONSUMERS-3\n\
         RELEASE=CANARY-CONSUMERS-4\n\
         SCRIPT_ONLY=CANARY-CONSUMERS-5\n\
         IN_COMMAND=CANARY-CONSUMERS-6\n\
         STALE_KEY=CANARY-CONSUMERS-7\n\
         IN_IGNORED=CANARY-CONSUMERS-8\n\
         IN_COMMENT=CANARY-CONSUMERS-9\n\
         IN_SINGLE_QUOTES=CANARY-CONSUMERS-10\n",
    );
    write(
        root,
        "api/Dockerfile",
        "FROM node:22 AS builder\n\
         ENV BUILD_ONLY=placeholder\n\
         FROM python:3.12\n\
         ARG RELEASE\n\
         ENV API_CONTAINERIZED=1\n\
         COPY --from=builder /out /app\n",
    );
    write(root, "web/Dockerfile", "FROM node:22\nENV WEB_ONLY=1\n");
    write(
        root,
        "docker-compose.yml",
        "services:\n\
        \x20 api:\n\
        \x20   build:\n\
        \x20     context: .\n\
        \x20     dockerfile: api/Dockerfile\n\
        \x20     args: {GIT_SHA: \"${GIT_SHA:-dev}\"}\n\
        \x20   env_file: .env\n\
        \x20 web:\n\
        \x20   env_file: [./.env]\n\
        \x20 solo:\n\
        \x20   env_file: solo.env\n\
        \x20   environment:\n\
        \x20     APP_MODE: ${APP_MODE:-production}\n\
        \x20     AUTHLIB_INSECURE_TRANSPORT: \"1\"\n\
        \x20     IN_COMMAND: CANARY-CONSUMERS-11\n\
        \x20     ONLY_HOST_READS: CANARY-CONSUMERS-12\n\
        \x20   command: sh -c 'worker --queue $${IN_COMMAND} ${ONLY_HOST_READS}'\n\
        \x20 db:\n\
        \x20   image: postgres:16\n\
        \x20   environment:\n\
        \x20     POSTGRES_PASSWORD: ${DB_PASSWORD}\n",
    );
    write(
        root,
        "bin/deploy",
        "#!/usr/bin/env bash\nset -eu\n\
         echo \"deploying with $SCRIPT_ONLY\" # not $IN_COMMENT\n\
         echo '$IN_SINGLE_QUOTES'\n",
    );
    write(root, "ignored/run.sh", "echo $IN_IGNORED\n");
    // the `cp api/.env.example .env` a user makes: shared by `api` and `web`
    let example = fs::read_to_string(root.join("api/.env.example")).expect("example");
    write(root, ".env", &example);
    write(
        root,
        "solo.env",
        "POSTGRES_USER=CANARY-CONSUMERS-13\n\
         DATABASE_URL=postgres://${POSTGRES_USER}@db/app\n\
         COMPOSE_PROJECT_NAME=CANARY-CONSUMERS-14\n\
         GIT_SHA=CANARY-CONSUMERS-15\n\
         SCRIPT_ONLY=CANARY-CONSUMERS-16\n\
         LEFTOVER=CANARY-CONSUMERS-17\n",
    );
    dir
}

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run envcheck");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("CANARY"), "a value was printed:\n{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    out
}

/// `(code, variable)` of the findings of the given codes, sorted.
fn findings(out: &Output, codes: &[&str]) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut rows: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(code, _)| codes.contains(&code.as_str()))
        .collect();
    rows.sort();
    rows
}

fn rows(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, v)| (c.to_string(), v.to_string()))
        .collect()
}

#[test]
fn check_counts_what_other_programs_use() {
    let repo = repository();
    let out = envcheck(repo.path(), &["check", "api"]);
    assert_eq!(
        findings(&out, &["ENV001", "ENV002"]),
        rows(&[
            // the builder stage's ENV reaches no image; `web`'s image is not `api`'s
            ("ENV001", "BUILD_ONLY"),
            ("ENV001", "UNDOCUMENTED"),
            ("ENV001", "WEB_ONLY"),
            // a comment, single quotes and an ignored directory read nothing
            ("ENV002", "IN_COMMENT"),
            ("ENV002", "IN_IGNORED"),
            ("ENV002", "IN_SINGLE_QUOTES"),
            ("ENV002", "STALE_KEY"),
        ])
    );
}

#[test]
fn check_of_the_whole_repository_counts_every_image() {
    let repo = repository();
    // the example is named: the checked directory is the repository root
    let out = envcheck(repo.path(), &["check", "--example", "api/.env.example"]);
    assert_eq!(
        findings(&out, &["ENV001"]),
        rows(&[("ENV001", "BUILD_ONLY"), ("ENV001", "UNDOCUMENTED")])
    );
}

#[test]
fn diff_of_a_compose_service_counts_what_other_programs_use() {
    let repo = repository();
    let out = envcheck(
        repo.path(),
        &[
            "diff",
            "dev",
            "api",
            "--source",
            "compose:docker-compose.yml#solo",
        ],
    );
    assert_eq!(
        findings(&out, &["ENV104"]),
        rows(&[
            // the container's variables: compose's own `${APP_MODE}` and `${ONLY_HOST_READS}`
            // read the deploying shell's, not these
            ("ENV104", "APP_MODE"),
            ("ENV104", "LEFTOVER"),
            ("ENV104", "ONLY_HOST_READS"),
        ])
    );
}

#[test]
fn diff_does_not_report_an_env_file_other_services_share() {
    let repo = repository();
    let out = envcheck(
        repo.path(),
        &[
            "diff",
            "dev",
            "api",
            "--source",
            "compose:docker-compose.yml#api",
        ],
    );
    // `.env` is `web`'s too: what `api`'s code does not read may be `web`'s
    assert_eq!(findings(&out, &["ENV104"]), rows(&[]));
    // read as a plain dotenv source, the same file's unused keys are reported
    let out = envcheck(
        repo.path(),
        &["diff", "dev", "api", "--source", "dotenv:.env"],
    );
    assert_eq!(
        findings(&out, &["ENV104"]),
        rows(&[
            ("ENV104", "IN_COMMENT"),
            ("ENV104", "IN_IGNORED"),
            ("ENV104", "IN_SINGLE_QUOTES"),
            ("ENV104", "STALE_KEY"),
        ])
    );
}

#[test]
fn explain_says_who_else_uses_a_name() {
    for (code, words) in [
        (
            "ENV002",
            ["compose file interpolates", "Dockerfile", "shell script"],
        ),
        ("ENV104", ["shared", "Dockerfile", "shell script"]),
        ("ENV001", ["Dockerfile", "image", "ENV"]),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
            .args(["explain", code])
            .output()
            .expect("explain");
        let text = String::from_utf8_lossy(&out.stdout);
        for word in words {
            assert!(text.contains(word), "{code}: {word}\n{text}");
        }
    }
}

#[test]
fn the_readme_lists_every_well_known_name() {
    let readme =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    for known in envcheck::consumers::WELL_KNOWN {
        assert!(
            readme.contains(&format!("`{}`", known.pattern)),
            "README.md does not list `{}`",
            known.pattern
        );
    }
}

/// Adversarial inputs of each kind: the ceiling only catches blow-ups (quadratic work would
/// take minutes here), it is no timing assertion.
#[test]
fn consumer_files_cost_linear_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    // aliases to aliases: the anchored value is read once, not once per path to it
    let mut compose = String::from("a0: &a0 \"${X}${Y}${Z}\"\n");
    for i in 1..7 {
        let p = i - 1;
        compose.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    compose.push_str("services:\n  s:\n    environment: {A: b}\n");
    write(root, "docker-compose.yml", &compose);
    write(root, "big.sh", &"${${\"'\\$".repeat(500_000));
    let mut dockerfile = String::new();
    for i in 0..100_000 {
        dockerfile.push_str(&format!("FROM x AS s{i}\nCOPY --from=s{} / /\n", i / 2));
    }
    write(root, "Dockerfile", &dockerfile);
    write(root, ".env.example", "A=1\n");
    write(root, "app.py", "import os\nos.environ['A']\n");
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .current_dir(root)
        .output()
        .expect("run envcheck");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
