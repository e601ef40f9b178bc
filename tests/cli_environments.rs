//! `envcheck diff staging,prod`: several environments in one run, each finding tagged with its
//! environment, a matrix of what each environment says about each variable in the JSON report
//! and as a table in the Markdown and full reports, and the worst exit code over all of them.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn envcheck(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn project(root: &Path) {
    write(
        root,
        "app/settings.py",
        "import os\nDATABASE_URL = os.environ['DATABASE_URL']\nSENTRY_DSN = os.getenv('SENTRY_DSN')\nCACHE_TTL = os.getenv('CACHE_TTL', '60')\n",
    );
    write(
        root,
        ".env.development",
        "DATABASE_URL=postgres://localhost/dev\nCACHE_TTL=\n",
    );
    write(
        root,
        ".env.staging",
        "DATABASE_URL=CANARY-staging-db\nSENTRY_DSN=CANARY-staging-dsn\nDEBUG_TOOLBAR=1\n",
    );
    write(root, ".env.production", "SENTRY_DSN=CANARY-prod-dsn\n");
}

#[test]
fn three_environments_side_by_side() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    let (code, stdout, stderr) = envcheck(root, &["diff", "dev,staging,prod", "--format", "json"]);
    // prod lacks a required variable: the worst exit code wins
    assert_eq!(code, Some(1), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).expect("json");
    let tagged: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("environment"), s("code"), s("variable"))
        })
        .collect();
    assert!(tagged.contains(&("prod".into(), "ENV101".into(), "DATABASE_URL".into())));
    assert!(tagged.contains(&("dev".into(), "ENV102".into(), "SENTRY_DSN".into())));
    assert!(
        !tagged
            .iter()
            .any(|(env, code, _)| env == "staging" && code == "ENV101")
    );
    assert_eq!(
        doc["matrix"],
        json!({
            "CACHE_TTL": {"dev": "empty", "staging": "missing", "prod": "missing"},
            "DATABASE_URL": {"dev": "set", "staging": "set", "prod": "missing"},
            "DEBUG_TOOLBAR": {"dev": "missing", "staging": "set", "prod": "missing"},
            "SENTRY_DSN": {"dev": "missing", "staging": "set", "prod": "set"},
        })
    );
    // no value reaches any format
    for format in [
        "json", "markdown", "full", "concise", "sarif", "github", "gitlab",
    ] {
        let (_, stdout, stderr) = envcheck(root, &["diff", "dev,staging,prod", "--format", format]);
        assert!(
            !stdout.contains("CANARY") && !stderr.contains("CANARY"),
            "{format}"
        );
    }
}

#[test]
fn the_table_shows_the_rows_that_differ_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    write(
        root,
        "app/more.py",
        "import os\nSAME = os.getenv('EVERYWHERE')\n",
    );
    for env in [".env.development", ".env.staging", ".env.production"] {
        let text = fs::read_to_string(root.join(env)).expect("read");
        write(root, env, &format!("{text}EVERYWHERE=1\n"));
    }
    let (_, markdown, _) = envcheck(root, &["diff", "dev,staging,prod", "--format", "markdown"]);
    let table = markdown
        .split("### Across environments")
        .nth(1)
        .unwrap_or_else(|| panic!("{markdown}"));
    assert!(table.starts_with(" (4 of 5 variables differ)"), "{table}");
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 5, "{table}");
    assert!(
        rows[4].starts_with("| `EVERYWHERE` | set | set | set |"),
        "{table}"
    );
    let (_, full, _) = envcheck(root, &["diff", "dev,staging,prod"]);
    assert!(
        full.contains("Across environments: 4 of 5 variables differ:"),
        "{full}"
    );
    assert!(
        !full.contains("EVERYWHERE "),
        "rows that agree are not shown\n{full}"
    );
    assert!(full.contains("DATABASE_URL"), "{full}");
}

#[test]
fn one_environment_named_twice_or_a_source_for_several_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    let (code, _, stderr) = envcheck(root, &["diff", "prod,production"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("named twice"), "{stderr}");
    let (code, _, stderr) = envcheck(root, &["diff", "staging,prod", "--source", "names:X"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--source adds to one environment"),
        "{stderr}"
    );
}

/// `sources` takes the same list as `diff`: each environment's sources, names and states,
/// no value.
#[test]
fn sources_lists_several_environments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    let (code, stdout, stderr) = envcheck(root, &["sources", "staging,prod", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("CANARY"), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let envs: Vec<(&str, Vec<&str>)> = doc["environments"]
        .as_array()
        .expect("environments")
        .iter()
        .map(|e| {
            (
                e["environment"].as_str().unwrap_or_default(),
                e["sources"][0]["names"]
                    .as_array()
                    .expect("names")
                    .iter()
                    .filter_map(|n| n["name"].as_str())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        envs,
        [
            (
                "staging",
                vec!["DATABASE_URL", "DEBUG_TOOLBAR", "SENTRY_DSN"]
            ),
            ("prod", vec!["SENTRY_DSN"]),
        ]
    );
    let (code, stdout, _) = envcheck(root, &["sources", "staging,prod"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("Environment `staging`") && stdout.contains("Environment `prod`"),
        "{stdout}"
    );
    assert!(!stdout.contains("CANARY"), "{stdout}");
    let (code, _, stderr) = envcheck(root, &["sources", "prod,production"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("named twice"), "{stderr}");
}
