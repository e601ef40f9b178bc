//! `envcheck diff` grades what is missing or empty by consequence: a start-up read stops the
//! service (error), a read on one code path fails that path (warning), a read without a default
//! leaves a feature off (info), and reads that do not concern the target (another profile's
//! settings module) are left out. Real binary, real files in a temporary directory.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// `(code, variable, severity)` of every finding of `envcheck ARGS --format json`, sorted.
fn findings(root: &Path, args: &[&str]) -> Vec<(String, String, String)> {
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(root)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut rows: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("variable"), s("severity"))
        })
        .collect();
    rows.sort();
    rows
}

fn row(code: &str, variable: &str, severity: &str) -> (String, String, String) {
    (code.into(), variable.into(), severity.into())
}

#[test]
fn missing_variables_are_graded_by_when_they_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/settings.py",
        "import os\n\
         DATABASE_URL = os.environ['DATABASE_URL']\n\
         SENTRY_DSN = os.getenv('SENTRY_DSN')\n\
         if 'USE_S3' in os.environ:\n    AWS_BUCKET = os.environ['AWS_BUCKET']\n",
    );
    write(
        root,
        "app/mail.py",
        "import os\n\ndef send(msg):\n    key = os.environ['MAILER_KEY']\n    return key\n",
    );
    write(
        root,
        "web/handler.ts",
        "export const handler = async () => process.env.WEBHOOK_SECRET!;\n\
         export const region = process.env.REGION!;\n",
    );
    // only loaded by the test profile's settings: not prod's concern
    write(
        root,
        "app/settings/test.py",
        "import os\nTEST_DB = os.environ['TEST_DB']\n",
    );
    write(root, ".env.production", "UNRELATED=1\n");
    assert_eq!(
        findings(root, &["diff", "prod"]),
        vec![
            row("ENV101", "DATABASE_URL", "error"),
            row("ENV101", "REGION", "error"),
            row("ENV102", "SENTRY_DSN", "info"),
            row("ENV104", "UNRELATED", "info"),
            row("ENV107", "AWS_BUCKET", "warning"),
            row("ENV107", "MAILER_KEY", "warning"),
            row("ENV107", "WEBHOOK_SECRET", "warning"),
        ]
    );
    // the test environment runs the test profile: its settings module counts there
    write(root, ".env.test", "UNRELATED=1\n");
    assert!(
        findings(root, &["diff", "test"]).contains(&row("ENV101", "TEST_DB", "error")),
        "settings/test.py concerns `test`"
    );
    // an environment named otherwise runs the profiles its configuration lists
    write(
        root,
        "envcheck.toml",
        "[environments.docker]\nsources = [\".env.production\"]\nprofiles = [\"testing\"]\n",
    );
    assert!(findings(root, &["diff", "docker"]).contains(&row("ENV101", "TEST_DB", "error")));
    write(
        root,
        "envcheck.toml",
        "[environments.docker]\nsources = [\".env.production\"]\n",
    );
    assert!(
        !findings(root, &["diff", "docker"])
            .iter()
            .any(|(_, v, _)| v == "TEST_DB")
    );
}

#[test]
fn the_message_names_the_path_that_needs_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/mail.py",
        "import os\n\ndef send(msg):\n    return os.environ['MAILER_KEY']\n\n\
         if FEATURE_EXPORT:\n    BUCKET = os.environ['EXPORT_BUCKET']\n",
    );
    write(root, ".env.production", "A=1\n");
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(root)
        .args(["diff", "prod", "--format", "concise"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("`MAILER_KEY` is required only when `send()` runs"),
        "{text}"
    );
    assert!(
        text.contains("`EXPORT_BUCKET` is required only when `FEATURE_EXPORT`"),
        "{text}"
    );
    // warnings do not fail the gate by default
    assert_eq!(out.status.code(), Some(0), "{text}");
}

#[test]
fn empty_values_are_graded_by_what_the_code_does_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/settings.py",
        "import os\n\
         DATABASE_URL = os.environ['DATABASE_URL']\n\
         RETRIES = int(os.getenv('RETRIES', '3'))\n\
         BANNER = os.getenv('BANNER', '')\n\
         TRACE = os.getenv('TRACE')\n\
         HAS_FLAG = 'FLAG' in os.environ\n\n\
         def send():\n    return os.environ['MAILER_KEY']\n",
    );
    write(
        root,
        ".env.production",
        "DATABASE_URL=\nRETRIES=\nBANNER=\nTRACE=\nFLAG=\nMAILER_KEY=\n",
    );
    let got: Vec<_> = findings(root, &["diff", "prod"])
        .into_iter()
        .filter(|(code, ..)| code == "ENV103")
        .collect();
    assert_eq!(
        got,
        vec![
            // a start-up read that takes "" as its value: the service runs with an empty URL
            row("ENV103", "DATABASE_URL", "error"),
            // required on one path only
            row("ENV103", "MAILER_KEY", "warning"),
            // "" replaces the default "3"
            row("ENV103", "RETRIES", "info"),
            // optional: "" flows on instead of None
            row("ENV103", "TRACE", "info"),
            // BANNER's default is empty anyway; FLAG is only tested for presence
        ]
    );
}

#[test]
fn a_severity_set_in_config_applies_to_every_finding_of_the_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/settings.py",
        "import os\nA = os.environ['A']\nB = os.getenv('B', '3')\n",
    );
    write(root, ".env.production", "A=\nB=\n");
    write(root, "envcheck.toml", "[rules]\nENV103 = \"warning\"\n");
    assert_eq!(
        findings(root, &["diff", "prod"]),
        vec![row("ENV103", "A", "warning"), row("ENV103", "B", "warning"),]
    );
}
