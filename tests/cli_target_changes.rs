//! `diff ENV --base REF` reads the target's configuration at REF as well as now, on real git
//! repositories built with the git CLI in temp dirs: a config-only commit (names removed,
//! emptied, changed and added in a Kubernetes manifest, a dotenv file and a dotenvx-encrypted
//! file from tests/fixtures/crypto) fails the gate and shows in every format, and no value,
//! key or ciphertext reaches any output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn commit(root: &Path, message: &str) {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", message]);
}

fn fixture(rel: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/crypto", rel]
        .iter()
        .collect();
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of `key` in an env file's text, quotes removed.
fn entry(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key} not in the fixture"))
        .trim_matches('"')
        .to_string()
}

/// The dotenvx fixture's private key (for runs that decrypt).
fn private_key() -> String {
    entry(
        &fixture("dotenvx/.env.keys"),
        "DOTENV_PRIVATE_KEY_PRODUCTION",
    )
}

fn envcheck(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    for key in [
        "DOTENV_KEY",
        "DOTENV_KEY_PRODUCTION",
        "DOTENV_PRIVATE_KEY_PRODUCTION",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        let (stdout, stderr) = text(out);
        panic!("{e}: {stdout}\n{stderr}")
    })
}

/// No canary value, key or ciphertext of the fixtures reached standard output or error.
fn assert_clean(out: &Output, secrets: &[String]) {
    let (stdout, stderr) = text(out);
    for (name, stream) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(!stream.contains("CANARY"), "a value in {name}:\n{stream}");
        assert!(
            !stream.contains("encrypted:B"),
            "ciphertext in {name}:\n{stream}"
        );
        for secret in secrets {
            // a fragment is enough to leak
            let fragment = &secret[..secret.len().min(24)];
            assert!(!stream.contains(fragment), "a secret in {name}:\n{stream}");
        }
    }
}

/// `(environment, variable, change)` of each target change, sorted.
fn target_changes(doc: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = doc["target_changes"]
        .as_array()
        .unwrap_or_else(|| panic!("target_changes in {doc}"))
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("environment"), s("variable"), s("change"))
        })
        .collect();
    out.sort();
    out
}

/// `(code, variable, new)` of each finding.
fn findings(doc: &Value) -> Vec<(String, String, bool)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
                f["new"].as_bool().expect("new is set with --base"),
            )
        })
        .collect()
}

const NAMES: [&str; 18] = [
    "K8S_GONE",
    "K8S_EMPTIED",
    "K8S_CHANGED",
    "K8S_SAME",
    "K8S_ADDED",
    "DOTENV_GONE",
    "DOTENV_EMPTIED",
    "DOTENV_CHANGED",
    "DOTENV_SAME",
    "DOTENV_ADDED",
    "DATABASE_URL",
    "API_TOKEN",
    "UNICODE_NOTE",
    "EMPTY_ONE",
    "NEW_SECRET",
    "STAGING_GONE",
    "STAGING_SAME",
    "STAGING_ADDED",
];

fn manifest(env: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api\n          env:\n",
    );
    for (name, value) in env {
        out.push_str(&format!(
            "            - name: {name}\n              value: \"{value}\"\n"
        ));
    }
    out
}

/// The dotenvx fixture with `edit` applied to its lines (`KEY=...` lines by key).
fn dotenvx(edit: impl Fn(&str, &str) -> Option<String>) -> String {
    let text = fixture("dotenvx/.env.production");
    let mut out = String::new();
    for line in text.lines() {
        let key = line.split('=').next().unwrap_or_default();
        match edit(key, line) {
            Some(l) if l.is_empty() => {}
            Some(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A repository whose last commit changes only the configuration of `prod` (a Kubernetes
/// manifest, a dotenv file, a dotenvx-encrypted file) and of `staging` (a dotenv file); the
/// code, which reads every name at start-up, is the same at both commits.
fn config_only_commit() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let reads: String = NAMES
        .iter()
        .map(|n| format!("os.environ['{n}']\n"))
        .collect();
    write(root, "app.py", &format!("import os\n{reads}"));
    write(
        root,
        "envcheck.toml",
        "[environments.prod]\nsources = [\n  { kubernetes = \"deploy/*.yaml\", container = \"api\" },\n  \"config/prod.env\",\n  \"secrets/.env.production\",\n]\n\n[environments.staging]\nsources = [\"config/staging.env\"]\n",
    );
    write(
        root,
        "deploy/api.yaml",
        &manifest(&[
            ("K8S_GONE", "CANARY-K8S-GONE"),
            ("K8S_EMPTIED", "CANARY-K8S-EMPTIED"),
            ("K8S_CHANGED", "CANARY-K8S-OLD"),
            ("K8S_SAME", "CANARY-K8S-SAME"),
        ]),
    );
    write(
        root,
        "config/prod.env",
        "DOTENV_GONE=CANARY-DOTENV-GONE\nDOTENV_EMPTIED=CANARY-DOTENV-EMPTIED\nDOTENV_CHANGED=CANARY-DOTENV-OLD\nDOTENV_SAME=CANARY-DOTENV-SAME\n",
    );
    write(root, "secrets/.env.production", &dotenvx(|_, _| None));
    write(
        root,
        "config/staging.env",
        "STAGING_GONE=CANARY-STAGING-GONE\nSTAGING_SAME=CANARY-STAGING-SAME\n",
    );
    commit(root, "app and its configuration");

    // the config-only commit
    write(
        root,
        "deploy/api.yaml",
        &manifest(&[
            ("K8S_EMPTIED", ""),
            ("K8S_CHANGED", "CANARY-K8S-NEW"),
            ("K8S_SAME", "CANARY-K8S-SAME"),
            ("K8S_ADDED", "CANARY-K8S-ADDED"),
        ]),
    );
    write(
        root,
        "config/prod.env",
        "DOTENV_EMPTIED=\nDOTENV_CHANGED=CANARY-DOTENV-NEW\nDOTENV_SAME=CANARY-DOTENV-SAME\nDOTENV_ADDED=CANARY-DOTENV-ADDED\n",
    );
    let original = fixture("dotenvx/.env.production");
    let database = entry(&original, "DATABASE_URL");
    let token = entry(&original, "API_TOKEN");
    let note = entry(&original, "UNICODE_NOTE");
    // DATABASE_URL removed, API_TOKEN emptied, UNICODE_NOTE given API_TOKEN's ciphertext (a new
    // value), NEW_SECRET added with DATABASE_URL's ciphertext
    let edited = dotenvx(|key, _| match key {
        "DATABASE_URL" => Some(String::new()),
        "API_TOKEN" => Some("API_TOKEN=".to_string()),
        "UNICODE_NOTE" => Some(format!("UNICODE_NOTE=\"{token}\"")),
        _ => None,
    }) + &format!("NEW_SECRET=\"{database}\"\n");
    write(root, "secrets/.env.production", &edited);
    write(
        root,
        "config/staging.env",
        "STAGING_SAME=CANARY-STAGING-SAME\nSTAGING_ADDED=CANARY-STAGING-ADDED\n",
    );
    commit(root, "configuration only");
    let secrets = vec![database, token, note, private_key()];
    (dir, secrets)
}

fn triples(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = rows
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    out.sort();
    out
}

const PROD_CHANGES: [(&str, &str, &str); 12] = [
    ("prod", "K8S_GONE", "removed"),
    ("prod", "K8S_EMPTIED", "emptied"),
    ("prod", "K8S_CHANGED", "value-changed"),
    ("prod", "K8S_ADDED", "added"),
    ("prod", "DOTENV_GONE", "removed"),
    ("prod", "DOTENV_EMPTIED", "emptied"),
    ("prod", "DOTENV_CHANGED", "value-changed"),
    ("prod", "DOTENV_ADDED", "added"),
    ("prod", "DATABASE_URL", "removed"),
    ("prod", "API_TOKEN", "emptied"),
    // without the key, a new ciphertext is all that can be known
    ("prod", "UNICODE_NOTE", "ciphertext-changed"),
    ("prod", "NEW_SECRET", "added"),
];

fn prod_changes(decrypted: bool) -> Vec<(String, String, String)> {
    let rows: Vec<(&str, &str, &str)> = PROD_CHANGES
        .iter()
        .map(|&(e, v, c)| {
            if decrypted && v == "UNICODE_NOTE" {
                (e, v, "value-changed")
            } else {
                (e, v, c)
            }
        })
        .collect();
    triples(&rows)
}

#[test]
fn a_config_only_commit_fails_the_gate_and_shows_every_change_without_values() {
    let (dir, secrets) = config_only_commit();
    let root = dir.path();
    let run = |format: &str| {
        envcheck(
            root,
            &["diff", "prod", "--base", "HEAD~1", "--format", format],
            &[],
        )
    };

    let out = run("json");
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let doc = json(&out);
    assert_eq!(target_changes(&doc), prod_changes(false));
    // each change names its source and where it is declared: now, or at REF when it is gone
    let gone = doc["target_changes"]
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["variable"] == "K8S_GONE")
        .expect("K8S_GONE");
    assert_eq!(gone["path"], "deploy/api.yaml");
    assert_eq!(gone["source"], "kubernetes deploy/*.yaml [api]");
    assert!(gone["line"].as_u64().is_some_and(|l| l > 0), "{gone}");
    let changed = doc["target_changes"]
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["variable"] == "DOTENV_CHANGED")
        .expect("DOTENV_CHANGED");
    assert_eq!(
        (changed["path"].as_str(), changed["line"].as_u64()),
        (Some("config/prod.env"), Some(2))
    );
    // the removed names are new start-up failures, the emptied ones new empty values
    let new: Vec<(String, String)> = findings(&doc)
        .into_iter()
        .filter(|f| f.2)
        .map(|f| (f.0, f.1))
        .collect();
    for name in ["K8S_GONE", "DOTENV_GONE", "DATABASE_URL"] {
        assert!(
            new.contains(&("ENV101".to_string(), name.to_string())),
            "{name} is a new ENV101: {new:?}"
        );
    }
    for name in ["K8S_EMPTIED", "DOTENV_EMPTIED", "API_TOKEN"] {
        assert!(
            new.contains(&("ENV103".to_string(), name.to_string())),
            "{name} is a new ENV103: {new:?}"
        );
    }
    // what staging alone provides was missing from prod before: not new
    assert!(
        findings(&doc)
            .iter()
            .filter(|f| f.1.starts_with("STAGING_"))
            .all(|f| !f.2),
        "{:?}",
        findings(&doc)
    );

    // with the key, the decrypted values are compared
    let key = private_key();
    let decrypted = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "json"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", key.as_str())],
    );
    assert_clean(&decrypted, &secrets);
    assert_eq!(target_changes(&json(&decrypted)), prod_changes(true));

    let out = run("markdown");
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1));
    let (md, _) = text(&out);
    let section = md
        .split("### Configuration changes in `prod` since `HEAD~1` (12)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("the section:\n{md}"));
    let items: Vec<&str> = section
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("- "))
        .collect();
    assert_eq!(items.len(), 12, "{md}");
    assert!(
        items.contains(
            &"- `K8S_GONE`: removed, `deploy/api.yaml:12` (kubernetes deploy/\\*.yaml \\[api\\])"
        ),
        "{items:#?}"
    );
    assert!(
        items.contains(
            &"- `UNICODE_NOTE`: ciphertext changed (value unknown), `secrets/.env.production:10` (secrets/.env.production)"
        ),
        "{items:#?}"
    );
    assert!(
        !md.contains("Already missing before this change (")
            || !md
                .split("Already missing before this change")
                .nth(1)
                .is_some_and(|rest| rest.contains("`DATABASE_URL`")),
        "a name removed now is not already missing:\n{md}"
    );

    for format in ["full", "concise"] {
        let out = run(format);
        assert_clean(&out, &secrets);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let (stdout, _) = text(&out);
        assert!(
            stdout.contains("Configuration changes since `HEAD~1` in `prod`:"),
            "{format}:\n{stdout}"
        );
        for (_, variable, change) in prod_changes(false) {
            let phrase = match change.as_str() {
                "emptied" => "emptied",
                "value-changed" => "value changed",
                "ciphertext-changed" => "ciphertext changed (value unknown)",
                other => other,
            };
            let line = stdout
                .lines()
                .find(|l| l.contains(&format!(": prod: {variable} ")))
                .unwrap_or_else(|| panic!("{format}: {variable}:\n{stdout}"));
            assert!(line.contains(phrase), "{format}: {line}");
            assert!(line.contains("since `HEAD~1`"), "{format}: {line}");
        }
        assert!(
            stdout.contains("deploy/api.yaml:12: prod: K8S_GONE removed since `HEAD~1` [kubernetes deploy/*.yaml [api]]"),
            "{format}:\n{stdout}"
        );
    }

    // the annotation and code-quality formats carry the findings the change causes
    for format in ["github", "gitlab", "sarif"] {
        let out = run(format);
        assert_clean(&out, &secrets);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let (stdout, _) = text(&out);
        for name in ["K8S_GONE", "DOTENV_GONE", "DATABASE_URL", "API_TOKEN"] {
            assert!(stdout.contains(name), "{format}: {name}:\n{stdout}");
        }
    }
}

#[test]
fn each_environment_reports_its_own_changes() {
    let (dir, secrets) = config_only_commit();
    let root = dir.path();
    let out = envcheck(
        root,
        &[
            "diff",
            "staging,prod",
            "--base",
            "HEAD~1",
            "--format",
            "json",
        ],
        &[],
    );
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1));
    let mut expected = prod_changes(false);
    expected.extend(triples(&[
        ("staging", "STAGING_GONE", "removed"),
        ("staging", "STAGING_ADDED", "added"),
    ]));
    expected.sort();
    assert_eq!(target_changes(&json(&out)), expected);
    let doc = json(&out);
    let new_in = |environment: &str| {
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| {
                f["code"] == "ENV101"
                    && f["variable"] == "STAGING_GONE"
                    && f["environment"] == environment
            })
            .and_then(|f| f["new"].as_bool())
    };
    assert_eq!(new_in("staging"), Some(true), "removed from staging now");
    assert_eq!(new_in("prod"), Some(false), "prod never had it");

    let md = envcheck(
        root,
        &[
            "diff",
            "staging,prod",
            "--base",
            "HEAD~1",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_clean(&md, &secrets);
    let (md, _) = text(&md);
    assert!(
        md.contains("### Configuration changes in `staging` since `HEAD~1` (2)"),
        "{md}"
    );
    assert!(
        md.contains("### Configuration changes in `prod` since `HEAD~1` (12)"),
        "{md}"
    );
}

#[test]
fn sources_absent_at_the_base_revision_provide_nothing_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "app.py", "import os\nos.environ['DATABASE_URL']\n");
    write(root, "README.md", "app\n");
    commit(root, "app without configuration");
    // the configuration and its sources arrive in one commit
    write(
        root,
        "envcheck.toml",
        "[environments.prod]\nsources = [{ kubernetes = \"deploy/*.yaml\", container = \"api\" }, { compose = \"docker-compose.yml\", service = \"web\" }, { json = \"prod.json\" }, { ecs = \"task.json\", container = \"api\" }]\n",
    );
    let task = |value: &str| {
        format!(
            "{{\"containerDefinitions\": [{{\"name\": \"api\", \"environment\": [{{\"name\": \"FROM_ECS\", \"value\": \"{value}\"}}]}}]}}\n"
        )
    };
    write(root, "task.json", &task("CANARY-ECS-1"));
    write(
        root,
        "deploy/api.yaml",
        &manifest(&[("DATABASE_URL", "CANARY-K8S-DB")]),
    );
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: app\n    environment:\n      FROM_COMPOSE: CANARY-COMPOSE\n",
    );
    write(root, "prod.json", "{\"FROM_JSON\": \"CANARY-JSON\"}\n");
    write(root, ".env.production", "CONVENTION=CANARY-CONVENTION\n");
    commit(root, "configuration");
    let out = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "json"],
        &[],
    );
    assert_clean(&out, &[]);
    // nothing is missing now: the names arrived with this commit
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        target_changes(&json(&out)),
        triples(&[
            ("prod", "DATABASE_URL", "added"),
            ("prod", "FROM_COMPOSE", "added"),
            ("prod", "FROM_ECS", "added"),
            ("prod", "FROM_JSON", "added"),
        ])
    );
    // a platform export is read at the base revision too
    write(root, "task.json", &task("CANARY-ECS-2"));
    commit(root, "ecs value");
    let out = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "json"],
        &[],
    );
    assert_clean(
        &out,
        &["CANARY-ECS-1".to_string(), "CANARY-ECS-2".to_string()],
    );
    assert_eq!(
        target_changes(&json(&out)),
        triples(&[("prod", "FROM_ECS", "value-changed")]),
        "{:?}",
        text(&out)
    );
    // a convention file arriving in a commit: the environment had no source before
    write(root, ".env.staging", "DATABASE_URL=CANARY-STAGING-DB\n");
    commit(root, "staging");
    let out = envcheck(
        root,
        &["diff", "staging", "--base", "HEAD~1", "--format", "json"],
        &[],
    );
    assert_clean(&out, &[]);
    assert_eq!(
        target_changes(&json(&out)),
        triples(&[("staging", "DATABASE_URL", "added")]),
        "{:?}",
        text(&out)
    );
}

#[test]
fn source_paths_are_read_at_the_base_revision_and_standard_input_is_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "app.py",
        "import os\nos.environ['DATABASE_URL']\nos.environ['FROM_STDIN']\n",
    );
    write(root, "ops/prod.env", "DATABASE_URL=CANARY-DB\n");
    commit(root, "one");
    write(root, "ops/prod.env", "OTHER=CANARY-OTHER\n");
    commit(root, "configuration only");
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    let out = cmd
        .current_dir(root.join("ops"))
        .env("NO_COLOR", "1")
        .args([
            "diff",
            "prod",
            "..",
            "--source",
            "dotenv:prod.env",
            "--source",
            "json:-",
            "--base",
            "HEAD~1",
            "--format",
            "json",
        ])
        .write_stdin("{\"FROM_STDIN\": \"CANARY-STDIN\"}")
        .output()
        .expect("run");
    assert_clean(&out, &[]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let doc = json(&out);
    assert_eq!(
        target_changes(&doc),
        triples(&[
            ("prod", "DATABASE_URL", "removed"),
            ("prod", "OTHER", "added"),
        ])
    );
    let new: Vec<(String, String, bool)> = findings(&doc)
        .into_iter()
        .filter(|f| f.0 == "ENV101")
        .collect();
    assert_eq!(
        new,
        vec![("ENV101".to_string(), "DATABASE_URL".to_string(), true)]
    );
}
