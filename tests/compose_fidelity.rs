//! Compose read as compose behaves, through the real binary, on
//! tests/fixtures/sources/compose/fidelity (a compose file, its project `.env`, one `env_file`
//! present, one optional and absent, one required and absent).
//!
//! docker is not available to record `docker compose config`; the expectations follow the
//! compose specification (github.com/compose-spec/compose-spec):
//! - 12-interpolation.md: `${VAR}` / `$VAR` take VAR from the shell, else the project's `.env`;
//!   `${VAR:-default}` is `default` when VAR is unset or empty, `${VAR-default}` when unset;
//!   `${VAR:?err}` / `${VAR?err}` stop compose with `err` when VAR is unset or empty / unset;
//!   `$$` is a literal `$`.
//! - 05-services.md `env_file`: files are read in order, `environment` wins over them; an entry
//!   with `required: false` is skipped when the file does not exist.
//! - docs "Set environment variables / interpolation": the project's `.env` (project directory,
//!   or `--env-file`) is for interpolation, not the container's environment.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sources/compose/fidelity"
);

const APP_PY: &str = "\
import os

LOG_LEVEL = os.environ['LOG_LEVEL']
CACHE_TTL = os.environ['CACHE_TTL']
DATABASE_URL = os.environ['DATABASE_URL']
SENTRY_DSN = os.environ['SENTRY_DSN']
FEATURE_FLAGS = os.environ['FEATURE_FLAGS']
FROM_SHELL = os.environ['FROM_SHELL']
QUEUE_URL = os.environ['QUEUE_URL']
REPORT_EMPTY = os.environ['REPORT_EMPTY']
LITERAL = os.environ['LITERAL']
";

const REPORT_FORMATS: [&str; 7] = [
    "full", "concise", "json", "markdown", "github", "sarif", "gitlab",
];

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in fs::read_dir(FIXTURE).expect("fixture") {
        let entry = entry.expect("entry");
        fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    fs::write(dir.path().join("app.py"), APP_PY).expect("write");
    dir
}

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DB_PASSWORD")
        .output()
        .expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn states(dir: &Path, args: &[&str]) -> (Vec<(String, String)>, serde_json::Value) {
    let mut all = vec!["sources", "prod", "--format", "json"];
    all.extend_from_slice(args);
    let out = envcheck(dir, &all);
    assert!(out.status.success(), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let source = doc["sources"][0].clone();
    let names = source["names"]
        .as_array()
        .expect("names")
        .iter()
        .map(|n| {
            (
                n["name"].as_str().expect("name").to_string(),
                n["state"].as_str().expect("state").to_string(),
            )
        })
        .collect();
    (names, source)
}

fn state_of(names: &[(String, String)], name: &str) -> String {
    names
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.clone())
        .unwrap_or_else(|| panic!("{name} not provided: {names:?}"))
}

#[test]
fn interpolation_follows_the_project_env_file_then_the_shell() {
    let dir = project();
    let (names, source) = states(dir.path(), &["--source", "compose:compose.yaml#api"]);
    // `${SENTRY_DSN}`: the project's .env sets it
    assert_eq!(state_of(&names, "SENTRY_DSN"), "set");
    // `${FEATURE_FLAGS}`: the project's .env sets it to the empty string
    assert_eq!(state_of(&names, "FEATURE_FLAGS"), "empty");
    // `${FROM_SHELL}`: in no env file: the deploying shell's, unknown
    assert_eq!(state_of(&names, "FROM_SHELL"), "pass-through");
    // `${LOG_LEVEL:-info}` and `${CACHE_TTL-60}`: the default when absent: set
    assert_eq!(state_of(&names, "LOG_LEVEL"), "set");
    assert_eq!(state_of(&names, "CACHE_TTL"), "set");
    // `${DB_PASSWORD:?...}` inside a value: never empty, or the deploy fails
    assert_eq!(state_of(&names, "DATABASE_URL"), "set");
    assert_eq!(state_of(&names, "LITERAL"), "set");
    // the deploy requires DB_PASSWORD of the shell
    assert_eq!(source["requires"], serde_json::json!(["DB_PASSWORD"]));
    // the project .env is for interpolation only: none of its names is the container's
    // beyond what `environment` interpolates
    assert_eq!(names.len(), 10, "{names:?}");
}

#[test]
fn required_interpolation_is_reported_when_nothing_provides_it() {
    let dir = project();
    let out = envcheck(
        dir.path(),
        &[
            "diff",
            "prod",
            "--source",
            "compose:compose.yaml#api",
            "--format",
            "concise",
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("compose.yaml:15:1: ENV101 [error] `DB_PASSWORD` is required to deploy"),
        "{all}"
    );
    // once, although two services require it
    assert_eq!(all.matches("`DB_PASSWORD`").count(), 1, "{all}");

    // another source of the target provides it (the deploy job's environment): no finding
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .args([
            "diff",
            "prod",
            "--source",
            "compose:compose.yaml#api",
            "--source",
            "env",
            "--format",
            "concise",
        ])
        .current_dir(dir.path())
        .env("DB_PASSWORD", "CANARY-COMPOSE-SHELL-1")
        .output()
        .expect("runs");
    let all = text(&out);
    assert!(!all.contains("`DB_PASSWORD`"), "{all}");
    assert!(!all.contains("CANARY"), "{all}");

    // the project's .env sets it: not required of the shell at all
    let mut env = fs::read_to_string(dir.path().join(".env")).expect("read");
    env.push_str("DB_PASSWORD=CANARY-COMPOSE-PROJECT-2\n");
    fs::write(dir.path().join(".env"), env).expect("write");
    let (_, source) = states(dir.path(), &["--source", "compose:compose.yaml#api"]);
    assert_eq!(source["requires"], serde_json::json!([]));
    let out = envcheck(
        dir.path(),
        &[
            "diff",
            "prod",
            "--source",
            "compose:compose.yaml#api",
            "--format",
            "concise",
        ],
    );
    assert!(!text(&out).contains("`DB_PASSWORD`"), "{}", text(&out));
}

#[test]
fn a_missing_env_file_is_opaque_with_a_notice_not_an_error() {
    let dir = project();
    let (_, source) = states(dir.path(), &["--source", "compose:compose.yaml#api"]);
    // `secrets.env` (required, the default) is absent: opaque, named in one notice;
    // `override.env` (`required: false`) is absent: skipped without a word
    let opaque = source["opaque"].to_string();
    assert!(opaque.contains("secrets.env"), "{opaque}");
    assert!(!opaque.contains("override.env"), "{opaque}");
    let notices = source["notices"].to_string();
    assert!(
        notices.contains("compose.yaml:11: env_file secrets.env"),
        "{notices}"
    );
    assert!(!notices.contains("override.env"), "{notices}");

    let out = envcheck(
        dir.path(),
        &[
            "diff",
            "prod",
            "--source",
            "compose:compose.yaml#api",
            "--format",
            "concise",
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    // FROM_SHELL is unverified (the shell, the missing file), never missing
    assert!(
        all.contains("ENV105") && all.contains("`FROM_SHELL`"),
        "{all}"
    );
    assert!(!all.contains("ENV101 [error] `FROM_SHELL`"), "{all}");

    // once the file exists, it is read
    fs::write(
        dir.path().join("secrets.env"),
        "FROM_SHELL=CANARY-COMPOSE-SECRETS-1\n",
    )
    .expect("write");
    let (names, source) = states(dir.path(), &["--source", "compose:compose.yaml#api"]);
    assert_eq!(source["opaque"], serde_json::json!([]));
    // `environment` beats the env file, and its `${FROM_SHELL}` is the shell's
    assert_eq!(state_of(&names, "FROM_SHELL"), "pass-through");
}

#[test]
fn empty_and_unused_values_point_at_the_file_that_holds_them() {
    let dir = project();
    let out = envcheck(
        dir.path(),
        &[
            "diff",
            "prod",
            "--source",
            "compose:compose.yaml#api",
            "--format",
            "concise",
        ],
    );
    let all = text(&out);
    // ENV103: the empty value is on line 3 of app.env, or on line 17 of the compose file
    assert!(
        all.contains("`REPORT_EMPTY` is read here (required) but `prod` sets it to an empty value (app.env:3)"),
        "{all}"
    );
    assert!(
        all.contains("`FEATURE_FLAGS` is read here (required) but `prod` sets it to an empty value (compose.yaml:17)"),
        "{all}"
    );
    // ENV104: at the env file's line
    assert!(all.contains("app.env:4:1: ENV104"), "{all}");
}

#[test]
fn the_project_env_file_can_be_named() {
    let dir = project();
    fs::write(
        dir.path().join("prod.env"),
        "FROM_SHELL=CANARY-COMPOSE-PROJECT-3\nDB_PASSWORD=CANARY-COMPOSE-PROJECT-4\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("envcheck.toml"),
        "[environments.prod]\nsources = [{ compose = \"compose.yaml\", service = \"api\", env-file = \"prod.env\" }]\n",
    )
    .expect("write");
    let (names, source) = states(dir.path(), &[]);
    // `--env-file prod.env` replaces `.env`: FROM_SHELL is known, SENTRY_DSN is the shell's
    assert_eq!(state_of(&names, "FROM_SHELL"), "set");
    assert_eq!(state_of(&names, "SENTRY_DSN"), "pass-through");
    assert_eq!(source["requires"], serde_json::json!([]));
}

#[test]
fn no_value_reaches_any_output() {
    let dir = project();
    fs::write(
        dir.path().join("secrets.env"),
        "EXTRA=CANARY-COMPOSE-SECRETS-2\n",
    )
    .expect("write");
    for format in ["full", "json"] {
        let out = envcheck(
            dir.path(),
            &[
                "sources",
                "prod",
                "--source",
                "compose:compose.yaml#api",
                "--format",
                format,
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(!text(&out).contains("CANARY"), "{}", text(&out));
    }
    for format in REPORT_FORMATS {
        let out = envcheck(
            dir.path(),
            &[
                "diff",
                "prod",
                "--source",
                "compose:compose.yaml#api",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(!text(&out).contains("CANARY"), "{format}: {}", text(&out));
    }
}
