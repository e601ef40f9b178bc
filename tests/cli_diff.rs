//! `envcheck diff` and `envcheck sources` through the real binary, against real fixtures: a
//! `.env.production` encrypted by @dotenvx/dotenvx, a `.env.vault` built by dotenv-vault and
//! checked with dotenv@16 (tests/fixtures/crypto), Kubernetes and compose files. Every value in
//! the fixtures holds `CANARY`; no output may.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn copy(from: &str, root: &Path, to: &str) {
    let target = root.join(to);
    fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
    fs::copy(PathBuf::from(FIXTURES).join(from), target).expect("copy");
}

/// The value of `name` in a fixture key file (`NAME="value"`).
fn key_from(file: &str, name: &str) -> String {
    let text = fs::read_to_string(PathBuf::from(FIXTURES).join(file)).expect("keys");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("key present")
}

struct Run {
    out: Output,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    /// `(code, variable)` of a JSON report, in order.
    fn findings(&self) -> Vec<(String, String)> {
        let doc: Value = serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout(), self.stderr()));
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap_or_default().to_string(),
                    f["variable"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

fn envcheck(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    for key in [
        "DOTENV_KEY",
        "DOTENV_KEY_PRODUCTION",
        "DOTENV_KEY_STAGING",
        "DOTENV_PRIVATE_KEY_PRODUCTION",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_string());
    }
    Run {
        out: cmd.args(args).output().expect("run"),
    }
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Asserts that no canary, key or ciphertext from the fixtures reached any output.
fn assert_clean(runs: &[&Run], secrets: &[String]) {
    for (i, run) in runs.iter().enumerate() {
        for text in [run.stdout(), run.stderr()] {
            assert!(
                !text.contains("CANARY"),
                "run {i} printed a fixture value:\n{text}"
            );
            assert!(!text.contains("encrypted:"), "run {i} printed ciphertext");
            for s in secrets {
                assert!(!text.contains(s.as_str()), "run {i} printed a key");
            }
        }
    }
}

const CODE: &str = "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\nAPI_TOKEN = os.environ['API_TOKEN']\nEMPTY_ONE = os.environ['EMPTY_ONE']\nMISSING_ONE = os.environ['MISSING_ONE']\nOPTIONAL_ONE = os.getenv('OPTIONAL_ONE')\nWITH_DEFAULT = os.getenv('WITH_DEFAULT', 'x')\n";

#[test]
fn dotenvx_names_need_no_key_and_the_key_finds_empty_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", CODE);
    copy("crypto/dotenvx/.env.production", root, ".env.production");
    let private = key_from("crypto/dotenvx/.env.keys", "DOTENV_PRIVATE_KEY_PRODUCTION");

    let without = envcheck(root, &["diff", "prod", "--format", "json"], &[], None);
    assert_eq!(without.code(), Some(1), "{}", without.stderr());
    assert_eq!(
        without.findings(),
        pairs(&[
            ("ENV104", "UNICODE_NOTE"),
            ("ENV101", "MISSING_ONE"),
            ("ENV102", "OPTIONAL_ONE"),
        ])
    );
    let doc: Value = serde_json::from_slice(&without.out.stdout).expect("json");
    assert_eq!(doc["findings"][1]["environment"], "prod");
    assert_eq!(doc["findings"][1]["path"], "app.py");
    assert_eq!(doc["findings"][1]["line"], 6);

    let with = envcheck(
        root,
        &["diff", "production", "--format", "json"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", &private)],
        None,
    );
    assert_eq!(
        with.findings(),
        pairs(&[
            ("ENV104", "UNICODE_NOTE"),
            ("ENV103", "EMPTY_ONE"),
            ("ENV101", "MISSING_ONE"),
            ("ENV102", "OPTIONAL_ONE"),
        ])
    );

    // a valid key that is not the file's: a clear error, exit 2
    let other = "1".repeat(64);
    let wrong = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", &other)],
        None,
    );
    assert_eq!(wrong.code(), Some(2));
    assert!(
        wrong.stderr().contains("DOTENV_PRIVATE_KEY_PRODUCTION"),
        "{}",
        wrong.stderr()
    );
    assert!(
        wrong.stderr().contains(".env.production"),
        "{}",
        wrong.stderr()
    );
    let garbage = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", "zz-not-hex")],
        None,
    );
    assert_eq!(garbage.code(), Some(2));

    let full = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", &private)],
        None,
    );
    let concise = envcheck(
        root,
        &["diff", "prod", "--format", "concise"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", &private)],
        None,
    );
    let sources = envcheck(
        root,
        &["sources", "prod"],
        &[("DOTENV_PRIVATE_KEY_PRODUCTION", &private)],
        None,
    );
    assert!(
        sources.stdout().contains("EMPTY_ONE     empty"),
        "{}",
        sources.stdout()
    );
    assert!(
        sources.stdout().contains("API_TOKEN     set"),
        "{}",
        sources.stdout()
    );
    let sources_json = envcheck(root, &["sources", "prod", "--format", "json"], &[], None);
    assert!(sources_json.stdout().contains("\"state\": \"encrypted\""));
    assert_clean(
        &[
            &without,
            &with,
            &wrong,
            &garbage,
            &full,
            &concise,
            &sources,
            &sources_json,
        ],
        &[private, other],
    );
}

#[test]
fn vault_without_a_key_is_unverified_and_with_it_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", CODE);
    copy("crypto/vault/.env.vault", root, ".env.vault");
    let prod = key_from("crypto/vault/.env.keys", "DOTENV_KEY_PRODUCTION");
    let staging = key_from("crypto/vault/.env.keys", "DOTENV_KEY_STAGING");

    let without = envcheck(root, &["diff", "prod", "--format", "json"], &[], None);
    assert_eq!(
        without.findings(),
        pairs(&[
            ("ENV106", ""),
            ("ENV105", "DATABASE_URL"),
            ("ENV105", "API_TOKEN"),
            ("ENV105", "EMPTY_ONE"),
            ("ENV105", "MISSING_ONE"),
            ("ENV105", "OPTIONAL_ONE"),
        ]),
        "without the key nothing is reported missing"
    );
    assert_eq!(without.code(), Some(0), "warnings only");

    let with = envcheck(
        root,
        &["diff", "prod", "--format", "json"],
        &[("DOTENV_KEY_PRODUCTION", &prod)],
        None,
    );
    assert_eq!(
        with.findings(),
        pairs(&[
            ("ENV103", "EMPTY_ONE"),
            ("ENV101", "MISSING_ONE"),
            ("ENV102", "OPTIONAL_ONE")
        ])
    );
    // DOTENV_KEY with several URIs (rotation): the staging one is skipped for production
    let both = format!("{staging},{prod}");
    let rotated = envcheck(
        root,
        &["diff", "prod", "--format", "json"],
        &[("DOTENV_KEY", &both)],
        None,
    );
    assert_eq!(rotated.findings(), with.findings());

    let staged = envcheck(
        root,
        &["diff", "staging", "--format", "json"],
        &[("DOTENV_KEY_STAGING", &staging)],
        None,
    );
    assert_eq!(
        staged.findings(),
        pairs(&[
            ("ENV101", "EMPTY_ONE"),
            ("ENV101", "MISSING_ONE"),
            ("ENV102", "OPTIONAL_ONE")
        ])
    );

    // wrong key for the environment, a tampered key, a bad URI: exit 2
    let only_staging = envcheck(root, &["diff", "prod"], &[("DOTENV_KEY", &staging)], None);
    assert_eq!(only_staging.code(), Some(2));
    // flip the last hex digit of the key (the key is the last 64 hex characters of the password)
    let at = prod.find('@').expect("uri has a host");
    let last = &prod[at - 1..at];
    let flipped = if last == "0" { "1" } else { "0" };
    let tampered = format!("{}{flipped}{}", &prod[..at - 1], &prod[at..]);
    let bad = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_KEY_PRODUCTION", &tampered)],
        None,
    );
    assert_eq!(bad.code(), Some(2));
    let uri = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_KEY_PRODUCTION", "https://example.com")],
        None,
    );
    assert_eq!(uri.code(), Some(2));
    assert!(
        uri.stderr().contains("DOTENV_KEY_PRODUCTION"),
        "{}",
        uri.stderr()
    );
    let missing_env = envcheck(
        root,
        &["diff", "qa", "--source", "vault:.env.vault"],
        &[],
        None,
    );
    assert_eq!(missing_env.code(), Some(2));
    assert!(
        missing_env
            .stderr()
            .contains("development, production, staging"),
        "{}",
        missing_env.stderr()
    );

    let full = envcheck(
        root,
        &["diff", "prod"],
        &[("DOTENV_KEY_PRODUCTION", &prod)],
        None,
    );
    let sources = envcheck(
        root,
        &["sources", "prod"],
        &[("DOTENV_KEY_PRODUCTION", &prod)],
        None,
    );
    assert!(
        sources.stdout().contains("EMPTY_ONE     empty"),
        "{}",
        sources.stdout()
    );
    let sources_locked = envcheck(root, &["sources", "prod"], &[], None);
    assert!(
        sources_locked
            .stdout()
            .contains("opaque: neither DOTENV_KEY_PRODUCTION nor DOTENV_KEY is set")
    );
    assert_clean(
        &[
            &without,
            &with,
            &rotated,
            &staged,
            &only_staging,
            &bad,
            &uri,
            &missing_env,
            &full,
            &sources,
            &sources_locked,
        ],
        &[prod, staging, tampered],
    );
}

#[test]
fn kubernetes_compose_json_names_and_process_env() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nos.environ['FROM_K8S']\nos.environ['FROM_SECRET']\nos.environ['FROM_COMPOSE']\nos.environ['FROM_ENV_FILE']\nos.environ['FROM_JSON']\nos.environ['FROM_NAMES']\nos.environ['FROM_JOB']\nos.environ['NOWHERE']\n",
    );
    write(
        root,
        "deploy/app.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: api\n              env:\n                - name: FROM_K8S\n                  value: CANARY-K8S-1\n              envFrom:\n                - secretRef:\n                    name: api-secrets\n            - name: other\n              env:\n                - name: NOWHERE\n                  value: CANARY-K8S-2\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\nstringData:\n  FROM_SECRET: CANARY-K8S-3\n",
    );
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: app\n    env_file: [web.env]\n    environment:\n      FROM_COMPOSE: CANARY-COMPOSE-1\n  worker:\n    image: app\n",
    );
    write(root, "web.env", "FROM_ENV_FILE=CANARY-COMPOSE-2\n");
    write(
        root,
        "envcheck.toml",
        "[environments.prod]\nsources = [\n  { kubernetes = \"deploy/*.yaml\", container = \"api\" },\n  { compose = \"docker-compose.yml\", service = \"web\" },\n  { names = [\"FROM_NAMES\"] },\n]\n",
    );
    let run = envcheck(
        root,
        &[
            "diff", "prod", "--format", "json", "--source", "json:-", "--source", "env",
        ],
        &[("FROM_JOB", "CANARY-JOB-1")],
        Some("{\"FROM_JSON\": \"CANARY-JSON-1\", \"UNSET\": null}"),
    );
    assert_eq!(
        run.findings(),
        pairs(&[("ENV101", "NOWHERE")]),
        "{}",
        run.stderr()
    );

    // a Secret that is not in the manifests makes "missing" unprovable
    let yaml = fs::read_to_string(root.join("deploy/app.yaml")).expect("read");
    write(
        root,
        "deploy/app.yaml",
        yaml.split("---").next().expect("first document"),
    );
    let opaque = envcheck(root, &["diff", "prod", "--format", "json"], &[], None);
    let codes: Vec<String> = opaque.findings().into_iter().map(|f| f.0).collect();
    assert!(codes.iter().all(|c| c == "ENV105"), "{codes:?}");
    assert!(
        opaque
            .stdout()
            .contains("envFrom secretRef `api-secrets` is not in the manifests"),
        "{}",
        opaque.stdout()
    );

    // a container that is not there
    write(
        root,
        "envcheck.toml",
        "[environments.prod]\nsources = [{ kubernetes = \"deploy/*.yaml\", container = \"nope\" }]\n",
    );
    let bad = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(bad.code(), Some(2));
    assert!(
        bad.stderr().contains("api") && bad.stderr().contains("other"),
        "{}",
        bad.stderr()
    );

    fs::remove_file(root.join("envcheck.toml")).expect("rm");
    let sources = envcheck(
        root,
        &[
            "sources",
            "prod",
            "--source",
            "compose:docker-compose.yml#web",
        ],
        &[],
        None,
    );
    assert!(
        sources.stdout().contains("FROM_COMPOSE   set"),
        "{}",
        sources.stdout()
    );
    assert_clean(&[&run, &opaque, &bad, &sources], &[]);
}

#[test]
fn no_sources_and_unknown_kinds_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['X']\n");
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(2));
    assert!(run.stderr().contains(".env.production"), "{}", run.stderr());
    assert!(
        run.stderr().contains("[environments.prod]"),
        "{}",
        run.stderr()
    );
    let run = envcheck(root, &["diff", "prod", "--source", "yaml:x.yml"], &[], None);
    assert_eq!(run.code(), Some(2));
    write(
        root,
        ".env.production",
        "X=1\nBROKEN LINE=CANARY-DOTENV-1\n",
    );
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(
        run.code(),
        Some(2),
        "a source that does not parse makes the result unprovable"
    );
    assert!(
        run.stderr().contains(".env.production:2"),
        "{}",
        run.stderr()
    );
    assert_clean(&[&run], &[]);
    // base64 pasted alone on a line reads as `KEY=` through its `=` padding: refused, never a name
    // (base64 of `CANARY-PASTED-1 and more`), from a file and from standard input
    let pasted = "Q0FOQVJZLVBBU1RFRC0xIGFuZCBtb3Jl==";
    let text = format!("X=1\n{pasted}\n");
    write(root, ".env.production", &text);
    let from_file = envcheck(root, &["diff", "prod"], &[], None);
    let from_stdin = envcheck(
        root,
        &["diff", "staging", "--source", "dotenv:-"],
        &[],
        Some(&text),
    );
    for (run, at) in [
        (&from_file, ".env.production:2"),
        (&from_stdin, "<stdin>:2"),
    ] {
        assert_eq!(run.code(), Some(2), "{}", run.stderr());
        assert!(run.stderr().contains(at), "{}", run.stderr());
        assert_clean(&[run], &["Q0FOQVJZLVBBU1RFRC0x".to_string()]);
    }
}

#[test]
fn the_shipped_example_reports_its_gap() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let run = envcheck(&example, &["diff", "prod", "--format", "json"], &[], None);
    assert_eq!(run.code(), Some(1));
    assert_eq!(
        run.findings(),
        pairs(&[
            ("ENV104", "LEGACY_API_URL"),
            ("ENV101", "SMTP_URL"),
            ("ENV107", "STRIPE_SECRET_KEY"),
            ("ENV102", "NEXT_PUBLIC_ANALYTICS_ID"),
        ])
    );
}

/// A convention file that is a dangling link or a directory is an error naming it, not a file
/// skipped while another convention file (`.env.prod`) is read: its variables would otherwise
/// be reported missing.
#[test]
fn a_broken_convention_file_is_an_error_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(root, ".env.prod", "A=1\n");
    std::os::unix::fs::symlink("nowhere", root.join(".env.production")).expect("symlink");
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(
        run.stderr().contains(".env.production: No such file"),
        "{}",
        run.stderr()
    );
    fs::remove_file(root.join(".env.production")).expect("unlink");
    fs::create_dir(root.join(".env.vault")).expect("mkdir");
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(run.stderr().contains(".env.vault"), "{}", run.stderr());
    fs::remove_dir(root.join(".env.vault")).expect("rmdir");
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
}

/// What a source cannot fully tell is never reported as missing: a vault that does not parse,
/// linked manifests, an interpolated env_file, a non-UTF-8 value, a second reader of standard
/// input, names that hold values. Each is read right or is an error (exit 2) that repeats no
/// value.
#[test]
fn sources_that_cannot_be_fully_read_are_never_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nA = os.environ['ALPHA']\nB = os.environ['BETA']\n",
    );
    let codes = |run: &Run| -> Vec<(String, String)> { run.findings() };
    let staging_json = |source: &str| {
        envcheck(
            root,
            &["diff", "staging", "--source", source, "--format", "json"],
            &[],
            None,
        )
    };

    // a convention vault with a broken line: an error, not skipped
    write(root, ".env.production", "OTHER=x\n");
    write(
        root,
        ".env.vault",
        "DOTENV_VAULT_PRODUCTION=\"CANARY-R-1\nDOTENV_VAULT_STAGING=\"x\"\n",
    );
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(run.stderr().contains(".env.vault:2"), "{}", run.stderr());
    assert_clean(&[&run], &[]);
    fs::remove_file(root.join(".env.vault")).expect("rm");
    fs::remove_file(root.join(".env.production")).expect("rm");

    // a manifest linked into the globbed directory is read; `./` in the glob is fine
    write(
        root,
        "deploy/real/b.yaml",
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: p\n      env: [{name: ALPHA, value: a}, {name: BETA, value: b}]\n",
    );
    fs::create_dir_all(root.join("deploy/prod")).expect("mkdir");
    std::os::unix::fs::symlink("../real/b.yaml", root.join("deploy/prod/b.yaml")).expect("ln");
    for glob in [
        "kubernetes:deploy/prod/*.yaml",
        "kubernetes:./deploy/prod/*.yaml",
    ] {
        let run = staging_json(glob);
        assert_eq!(codes(&run), pairs(&[]), "{glob}: {}", run.stderr());
    }

    // compose: an interpolated env_file is unknown (ENV105, not ENV101); an empty
    // `environment` value beats the env file's value (ENV103)
    write(root, "prod.env", "ALPHA=from-file\nBETA=from-file\n");
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    env_file:\n      - prod.env\n      - {path: \"${STAGE:-prod}.env\", required: false}\n    environment:\n      BETA: \"\"\n",
    );
    let run = staging_json("compose:compose.yaml");
    assert_eq!(
        codes(&run),
        pairs(&[("ENV103", "BETA")]),
        "{}",
        run.stderr()
    );
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    env_file:\n      - {path: \"${STAGE:-prod}.env\", required: false}\n",
    );
    let run = staging_json("compose:compose.yaml");
    assert_eq!(
        codes(&run),
        pairs(&[("ENV105", "ALPHA"), ("ENV105", "BETA")]),
        "{}",
        run.stderr()
    );

    // a bare `KEY` in a compose env_file comes from the deploying shell, as `- KEY` does; a value
    // made only of references to variables the file does not define is unknown, not empty
    write(
        root,
        "shell.env",
        "ALPHA\nBETA=${FROM_SHELL}\nLOCAL=\nGAMMA=${LOCAL}\n",
    );
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    env_file: [shell.env]\n",
    );
    let run = staging_json("compose:compose.yaml");
    assert_eq!(
        codes(&run),
        // LOCAL is not unused: GAMMA's value interpolates it
        pairs(&[("ENV105", "ALPHA"), ("ENV105", "BETA"), ("ENV104", "GAMMA"),]),
        "{}",
        run.stderr()
    );
    write(
        root,
        "app.py",
        "import os\nA = os.environ['ALPHA']\nB = os.environ['BETA']\nG = os.environ['GAMMA']\n",
    );
    let run = staging_json("dotenv:shell.env");
    // in a plain dotenv file a bare key is declared unset; GAMMA refers to an empty LOCAL
    assert_eq!(
        codes(&run),
        pairs(&[("ENV101", "ALPHA"), ("ENV105", "BETA"), ("ENV103", "GAMMA"),]),
        "{}",
        run.stderr()
    );
    write(
        root,
        "app.py",
        "import os\nA = os.environ['ALPHA']\nB = os.environ['BETA']\n",
    );

    // a process environment value that is not UTF-8 is set, not empty
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(root)
        .args(["diff", "staging", "--source", "env", "--format", "json"])
        .env(
            "ALPHA",
            <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(
                b"\xff\xfeok".to_vec(),
            ),
        )
        .env("BETA", "ok")
        .output()
        .expect("run");
    let run = Run { out };
    assert_eq!(codes(&run), pairs(&[]), "{}", run.stderr());

    // a second reader of standard input is an error, not an empty source
    let run = envcheck(
        root,
        &[
            "diff", "staging", "--source", "dotenv:-", "--source", "json:-",
        ],
        &[],
        Some("ALPHA=1\nBETA=2\n"),
    );
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(run.stderr().contains("already read"), "{}", run.stderr());

    // names that hold values, from the command line or a JSON key: refused, not printed
    for source in ["names:ALPHA, BETA=CANARY-R-2", "json:j.json"] {
        write(
            root,
            "j.json",
            "{\"ALPHA\": \"x\", \"BETA:CANARY-R-3\": \"y\"}\n",
        );
        let run = envcheck(root, &["sources", "staging", "--source", source], &[], None);
        assert_eq!(run.code(), Some(2), "{source}: {}", run.stdout());
        assert_clean(&[&run], &[]);
    }
}

/// An alias that two environments share names neither: an error, not the first one found. An
/// environment's own name wins over another's alias.
#[test]
fn an_alias_shared_by_two_environments_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(root, "eu.env", "A=1\n");
    write(root, "us.env", "B=1\n");
    write(
        root,
        "envcheck.toml",
        "[environments.eu]\nsources = [\"eu.env\"]\naliases = [\"prod\", \"us\"]\n\
         [environments.us]\nsources = [\"us.env\"]\naliases = [\"prod\"]\n",
    );
    let run = envcheck(root, &["diff", "prod"], &[], None);
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(
        run.stderr()
            .contains("alias of several environments (eu, us)"),
        "{}",
        run.stderr()
    );
    let run = envcheck(root, &["diff", "us", "--format", "json"], &[], None);
    assert_eq!(run.findings(), pairs(&[("ENV101", "A"), ("ENV104", "B")]));
}

/// A run that stops with an error leaves no report file from an earlier run behind, to be
/// uploaded as if it were this run's; the job summary (appended by every step) is kept.
#[test]
fn an_error_run_leaves_no_stale_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    write(root, "bad.json", "{\"A\": \n");
    for f in ["out.json", "r.sarif", "gl.json", "summary.md"] {
        write(root, f, "stale\n");
    }
    let run = envcheck(
        root,
        &[
            "diff",
            "staging",
            "--source",
            "json:bad.json",
            "--output",
            "out.json",
            "--sarif-file",
            "r.sarif",
            "--gitlab-file",
            "gl.json",
            "--summary-file",
            "summary.md",
        ],
        &[],
        None,
    );
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    for f in ["out.json", "r.sarif", "gl.json"] {
        assert!(!root.join(f).exists(), "{f} was left behind");
    }
    assert_eq!(
        fs::read_to_string(root.join("summary.md")).expect("summary"),
        "stale\n"
    );
}
