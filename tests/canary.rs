//! One canary suite over everything that reads values: every value in the project below is a
//! sentinel (`CANARY-...`): plain dotenv (well-formed and malformed lines), `.env.example`,
//! dotenvx-encrypted and dotenv-vault files made with the real tools (tests/fixtures/crypto),
//! Kubernetes `value`, `data` (base64) and `stringData`, non-string YAML values, compose
//! `environment` (map and list) and `env_file`, a JSON dump and the process environment. Every
//! command runs in every output format, quiet and not, with the side-report files, with and
//! without the decryption keys, against a git base, and through its error paths (wrong keys,
//! malformed sources, a missing file). No sentinel, nor its base64 (standard and URL-safe, with
//! and without padding), hex or percent-encoded form, nor a key or a ciphertext may appear in
//! standard output, standard error or any file envcheck writes; nor may a ciphertext.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/crypto");

/// Plaintext values of the encrypted fixtures (tests/fixtures/crypto/make-fixtures.sh).
const ENCRYPTED_VALUES: [&str; 7] = [
    "postgres://app:CANARY-DOTENVX-PROD-1@db.internal:5432/app",
    "CANARY-DOTENVX-PROD-2",
    "CANARY-DOTENVX-PROD-3 ünïcødé ✓",
    "CANARY-VAULT-DEV-1",
    "postgres://app:CANARY-VAULT-PROD-1@db.internal:5432/app",
    "CANARY-VAULT-PROD-2",
    "postgres://app:CANARY-VAULT-STAGING-1@db.staging:5432/app",
];

const APP_PY: &str = "\
import os

DATABASE_URL = os.environ['DATABASE_URL']
API_TOKEN = os.environ['API_TOKEN']
EMPTY_ONE = os.environ['EMPTY_ONE']
UNICODE_NOTE = os.getenv('UNICODE_NOTE')
STAGING_PLAIN = os.environ['STAGING_PLAIN']
DUPLICATED = os.environ['DUPLICATED']
K8S_VALUE = os.environ['K8S_VALUE']
K8S_DATA = os.environ['K8S_DATA']
K8S_STRING_DATA = os.environ['K8S_STRING_DATA']
K8S_PORT = os.environ['K8S_PORT']
COMPOSE_MAP = os.environ['COMPOSE_MAP']
COMPOSE_LIST = os.environ['COMPOSE_LIST']
COMPOSE_FILE = os.environ['COMPOSE_FILE']
JSON_ONE = os.environ['JSON_ONE']
JOB_ONE = os.environ['JOB_ONE']
NEVER_SET = os.environ['NEVER_SET']
WITH_DEFAULT = os.getenv('WITH_DEFAULT', 'plain-default')
STRIPE_SECRET_KEY = os.getenv('STRIPE_SECRET_KEY', 'sk_live_CANARYCODE1a2b3c4d5e6f7g8h9i0j')
PASTED = os.getenv('sk_live_CANARYCODE2a2b3c4d5e6f7g8h9i0j')
";

const APP_TS: &str = "\
export const token = process.env.API_TOKEN;
export const pub = process.env.NEXT_PUBLIC_SECRET_KEY ?? '';
export const missing = process.env.NEVER_SET_TS!;
";

/// The plain files of the project, each value a sentinel.
fn plain_files() -> Vec<(&'static str, String)> {
    vec![
        (
            ".env.example",
            "# placeholders (they say `example`) and committed real-looking secrets\n\
             DATABASE_URL=postgres://app:CANARYXMPL1s3cr3tPw9@db.internal/app\n\
             API_TOKEN=CANARY-EXAMPLE-2\n\
             STALE_ONE=CANARY-EXAMPLE-3\n\
             NOT A LINE CANARY-EXAMPLE-4\n\
             NEXT_PUBLIC_SECRET_KEY=sk_live_CANARYXMPL5a1b2c3d4e5f6g7h8i9j0\n\
             # OLD_TOKEN=sk_live_CANARYXMPL6a1b2c3d4e5f6g7h8i9j0\n\
             sk_live_CANARYXMPL7a1b2c3d4e5f6g7h8i9j0\n\
             # rotated after sk_live_CANARYXMPL8a1b2c3d4e5f6g7h8i9j0 leaked\n\
             DOC_URL=https://docs.internal # old: sk_live_CANARYXMPL9a1b2c3d4e5f6g7h8i9j0\n\
             Q0FOQVJZWE1QTDEwYWJjZGVmZ2hpamtsbW5vcA==\n"
                .to_string(),
        ),
        (
            ".env.staging",
            "STAGING_PLAIN=\"CANARY-STAGING-1\"\n\
             DUPLICATED=CANARY-STAGING-2\n\
             DUPLICATED=CANARY-STAGING-3\n\
             EMPTY_ONE=\n\
             export UNUSED_STAGING='CANARY-STAGING-4'\n\
\
             NEXT_PUBLIC_SECRET_KEY=CANARY-STAGING-6\n"
                .to_string(),
        ),
        (
            "deploy/app.yaml",
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  \
                 template:\n    spec:\n      containers:\n        - name: app\n          env:\n\
                 \x20           - name: K8S_VALUE\n              value: CANARY-K8S-1\n\
                 \x20           - name: K8S_PORT\n              value: 8080\n\
                 \x20           - name: K8S_FLAG\n              value: true\n\
                 \x20           - name: K8S_NULL\n              value: null\n\
                 \x20         envFrom:\n            - secretRef:\n                name: app-secrets\n\
                 \x20           - configMapRef:\n                name: app-config\n\
                 ---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ndata:\n  \
                 K8S_DATA: {}\nstringData:\n  K8S_STRING_DATA: CANARY-K8S-3\n\
                 ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  \
                 K8S_NUM: 3\n  K8S_BOOL: false\n  K8S_EMPTY: ''\n",
                STANDARD.encode("CANARY-K8S-2")
            ),
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: app\n    env_file: [web.env]\n    environment:\n      \
             COMPOSE_MAP: CANARY-COMPOSE-1\n      COMPOSE_NUM: 5\n  worker:\n    image: app\n    \
             environment:\n      - COMPOSE_LIST=CANARY-COMPOSE-2\n"
                .to_string(),
        ),
        ("web.env", "COMPOSE_FILE=CANARY-COMPOSE-3\n".to_string()),
        (
            "dump.json",
            "{\"JSON_ONE\": \"CANARY-JSON-1\", \"JSON_NUM\": 7, \"JSON_NULL\": null, \
             \"JSON_TRUE\": true}\n"
                .to_string(),
        ),
        // broken sources for the error paths, each with a sentinel on or near the bad line
        (
            "bad/nested.json",
            "{\"JSON_NESTED\": {\"A\": \"CANARY-JSON-2\"}, \"JSON_LIST\": [\"CANARY-JSON-3\"]}\n"
                .to_string(),
        ),
        (
            "bad/nested.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  \
             K8S_NESTED: {inner: CANARY-K8S-4}\n  K8S_LIST: [CANARY-K8S-5]\n"
                .to_string(),
        ),
        // YAML anchors, aliases and tags: read, never echoed
        (
            "tags.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  \
             K8S_ANCHOR: &a CANARY-K8S-6\n  K8S_ALIAS: *a\n  K8S_BIN: !!binary Q0FOQVJZLUs4Uy03\n  \
             K8S_STR: !!str CANARY-K8S-8\n\
             ---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    \
             - name: p\n      envFrom: [{configMapRef: {name: c}}]\n"
                .to_string(),
        ),
        (
            "bad/bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  A: CANARY-BAD-1\n  B: [CANARY-BAD-2\n"
                .to_string(),
        ),
        (
            "bad/bad.json",
            "{\"A\": \"CANARY-BAD-3\", \"B\": CANARY-BAD-4}\n".to_string(),
        ),
        (
            "bad/compose.yaml",
            "services:\n  web:\n    environment: CANARY-BAD-5\n    - x\n".to_string(),
        ),
        // compose list items that hold a value without `=`: never taken whole as a name
        (
            "bad/compose-colon.yaml",
            "services:\n  web:\n    environment:\n      - OK=1\n      - API_TOKEN:CANARY-BAD-10\n"
                .to_string(),
        ),
        (
            "bad/compose-space.yaml",
            "services:\n  web:\n    environment:\n      - OK=1\n      - \"API_TOKEN CANARY-BAD-11\"\n"
                .to_string(),
        ),
        (
            "bad/compose-pasted.yaml",
            "services:\n  web:\n    environment:\n      - OK=1\n      - sk_live_CANARYBAD12a1b2c3d4e5f6g7h8\n"
                .to_string(),
        ),
        // values written where a name belongs: refused, never printed as a name
        (
            "bad/k8s-name.yaml",
            "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: p\n      env:\n\
             \x20       - {name: OK, value: x}\n        - {name: \"API_TOKEN=CANARY-BAD-13\", value: x}\n"
                .to_string(),
        ),
        (
            "bad/k8s-key.yaml",
            "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  OK: x\n  sk_live_CANARYBAD14a1b2c3d4e5f6g7h8: x\n"
                .to_string(),
        ),
        (
            "bad/json-key.json",
            "{\"OK\": \"x\",\n \"API_TOKEN CANARY-BAD-15\": \"y\"}\n".to_string(),
        ),
        (
            "bad/compose-map.yaml",
            "services:\n  web:\n    environment:\n      OK: x\n      API_TOKEN=CANARY-BAD-16: y\n"
                .to_string(),
        ),
        (
            "bad/broken.env",
            "OK=CANARY-BAD-8\nBROKEN LINE=CANARY-BAD-9\n".to_string(),
        ),
        (
            "bad/binary.env",
            "A=CANARY-BAD-6\nB=\u{0}CANARY-BAD-7\n".to_string(),
        ),
    ]
}

/// Sentinels that `sentinels` does not find in the plain files: base64 pasted into
/// `.env.example` (its `=` padding makes the line read as `KEY=`), which the `CANARY` search
/// cannot see either, and the secrets in the code (a literal default, a token passed as a key),
/// which code frames, dynamic-read expressions and `example` must mask.
const EXTRA_SENTINELS: [&str; 3] = [
    "Q0FOQVJZWE1QTDEwYWJjZGVmZ2hpamtsbW5vcA",
    "sk_live_CANARYCODE1a2b3c4d5e6f7g8h9i0j",
    "sk_live_CANARYCODE2a2b3c4d5e6f7g8h9i0j",
];

/// The process environment given to the runs that read it (`--source env`).
const JOB_ENV: [(&str, &str); 2] = [("JOB_ONE", "CANARY-JOB-1"), ("JOB_EXTRA", "CANARY-JOB-2")];

struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Every value that must never be printed, in every encoding checked.
    forbidden: Vec<String>,
    /// The values of `.env.example`, longest first: `envcheck example` prints the example file
    /// it proposes, which keeps the committed file's own lines.
    example_forms: Vec<String>,
    dotenvx_key: String,
    vault_prod_key: String,
    vault_staging_key: String,
}

fn key_from(file: &str, name: &str) -> String {
    let text = fs::read_to_string(Path::new(FIXTURES).join(file)).expect("key file");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{name} in {file}"))
}

/// The quoted or unquoted value of every `NAME=value` line, and every `CANARY-...` token.
fn sentinels(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some((_, value)) = line.split_once('=')
            && value.contains("CANARY")
        {
            out.push(value.trim().trim_matches(['"', '\'']).to_string());
        }
        // a sentinel inside a bare word (`sk_live_CANARY...`, a pasted token)
        out.extend(
            line.split_whitespace()
                .filter(|w| w.contains("CANARY") && !w.contains("CANARY-") && !w.contains('='))
                .map(str::to_string),
        );
        let mut rest = line;
        while let Some(at) = rest.find("CANARY-") {
            let token: String = rest[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            rest = &rest[at + token.len()..];
            out.push(token);
        }
    }
    out
}

/// A value and the encodings a careless report could print it in.
fn forms(value: &str) -> Vec<String> {
    let bytes = value.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let percent: String = bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut out = vec![
        value.to_string(),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        hex.to_uppercase(),
        percent.to_lowercase(),
        percent,
        hex,
    ];
    out.retain(|f| f.len() >= 8);
    out.sort();
    out.dedup();
    out
}

fn project() -> Project {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    };
    write("app.py", APP_PY);
    write("web/app.ts", APP_TS);
    let mut values: Vec<String> = ENCRYPTED_VALUES.iter().map(|v| v.to_string()).collect();
    let mut example_text = Vec::new();
    for (rel, text) in plain_files() {
        write(rel, &text);
        if rel == ".env.example" {
            example_text = sentinels(&text);
        }
        values.extend(sentinels(&text));
    }
    // ... the placeholders only: `example` blanks the real-looking secrets (a password in a URL,
    // a live Stripe key)
    let mut example: Vec<String> = example_text
        .into_iter()
        .filter(|v| v.contains("CANARY-EXAMPLE"))
        .collect();
    example.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.push(STANDARD.encode("CANARY-K8S-2")); // as it stands in the manifest
    values.push("CANARY-K8S-7".to_string()); // `!!binary` in tags.yaml
    values.extend(EXTRA_SENTINELS.iter().map(|v| v.to_string()));
    values.extend(JOB_ENV.iter().map(|(_, v)| v.to_string()));
    let copy = |from: &str, to: &str| {
        fs::copy(Path::new(FIXTURES).join(from), root.join(to)).expect("copy fixture");
    };
    copy("dotenvx/.env.production", ".env.production");
    copy("vault/.env.vault", ".env.vault");

    let dotenvx_key = key_from("dotenvx/.env.keys", "DOTENV_PRIVATE_KEY_PRODUCTION");
    let vault_prod_key = key_from("vault/.env.keys", "DOTENV_KEY_PRODUCTION");
    let vault_staging_key = key_from("vault/.env.keys", "DOTENV_KEY_STAGING");
    let mut forbidden: Vec<String> = values.iter().flat_map(|v| forms(v)).collect();
    // the ciphertexts: dotenvx `encrypted:...` values and the vault's blobs
    for file in ["dotenvx/.env.production", "vault/.env.vault"] {
        let text = fs::read_to_string(Path::new(FIXTURES).join(file)).expect("fixture");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some((name, value)) = line.split_once('=')
                && !name.starts_with("DOTENV_PUBLIC_KEY")
            {
                let value = value.trim_matches('"').trim_start_matches("encrypted:");
                if value.len() >= 16 {
                    forbidden.push(value.to_string());
                }
            }
        }
    }
    for key in [&dotenvx_key, &vault_prod_key, &vault_staging_key] {
        forbidden.push(key.clone());
        // the 64-hex key inside a DOTENV_KEY URI
        if let Some(at) = key.find('@') {
            forbidden.push(key[at.saturating_sub(64)..at].to_string());
        }
    }
    forbidden.sort();
    forbidden.dedup();
    let example_forms: Vec<String> = example.iter().flat_map(|v| forms(v)).collect();

    // a git history, for the --base runs: the base lacks two reads
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    let head = APP_PY.replace("JOB_ONE = os.environ['JOB_ONE']\n", "");
    write("app.py", &head);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    write("app.py", APP_PY);

    Project {
        _dir: dir,
        root,
        forbidden,
        example_forms,
        dotenvx_key,
        vault_prod_key,
        vault_staging_key,
    }
}

struct Run {
    label: String,
    out: Output,
    /// Report files the run wrote, read back.
    files: Vec<(String, String)>,
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
}

const KEY_VARS: [&str; 5] = [
    "DOTENV_KEY",
    "DOTENV_KEY_PRODUCTION",
    "DOTENV_KEY_STAGING",
    "DOTENV_PRIVATE_KEY_PRODUCTION",
    "DOTENV_PRIVATE_KEY_STAGING",
];

fn run(p: &Project, args: &[&str], env: &[(&str, &str)], side_files: bool) -> Run {
    let out_dir = p.root.join(".reports");
    let _ = fs::remove_dir_all(&out_dir);
    fs::create_dir_all(&out_dir).expect("reports dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_envcheck"));
    cmd.current_dir(&p.root).env("NO_COLOR", "1");
    for key in KEY_VARS.iter().chain(JOB_ENV.iter().map(|(k, _)| k)) {
        cmd.env_remove(key);
    }
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args);
    if side_files {
        cmd.arg("--sarif-file")
            .arg(out_dir.join("report.sarif"))
            .arg("--summary-file")
            .arg(out_dir.join("summary.md"))
            .arg("--gitlab-file")
            .arg(out_dir.join("gl-code-quality.json"))
            .arg("--output")
            .arg(out_dir.join("report.out"));
    }
    let out = cmd.output().expect("run envcheck");
    let mut files = Vec::new();
    for entry in fs::read_dir(&out_dir).expect("reports dir") {
        let path = entry.expect("entry").path();
        let text = String::from_utf8_lossy(&fs::read(&path).expect("report")).into_owned();
        files.push((path.display().to_string(), text));
    }
    let _ = fs::remove_dir_all(&out_dir);
    Run {
        label: format!(
            "envcheck {} (env: {:?})",
            args.join(" "),
            env.iter().map(|(k, _)| *k).collect::<Vec<_>>()
        ),
        out,
        files,
    }
}

/// No forbidden string (values, their encodings, keys, ciphertexts) in anything the run
/// printed or wrote.
fn assert_clean(p: &Project, run: &Run) {
    assert_clean_but(p, run, &[]);
}

/// [`assert_clean`], where the strings of `allowed` may appear.
fn assert_clean_but(p: &Project, run: &Run, allowed: &[String]) {
    let mut texts = vec![
        ("stdout".to_string(), run.stdout()),
        ("stderr".to_string(), run.stderr()),
    ];
    texts.extend(run.files.iter().cloned());
    for (name, text) in &texts {
        let text = allowed
            .iter()
            .fold(text.clone(), |t, a| t.replace(a.as_str(), ""));
        assert!(
            !text.contains("CANARY"),
            "{}: {name} holds a sentinel:\n{text}",
            run.label
        );
        for f in &p.forbidden {
            assert!(
                !text.contains(f.as_str()),
                "{}: {name} holds an encoded value or key ({f})",
                run.label
            );
        }
    }
}

/// A run that worked: findings or none (exit 0 or 1), something printed or written that names
/// a variable of the project (so the run had values to leak), and nothing leaked.
fn assert_reported(p: &Project, run: &Run, names: &[&str]) {
    assert!(
        matches!(run.code(), Some(0 | 1)),
        "{}: exit {:?}\n{}",
        run.label,
        run.code(),
        run.stderr()
    );
    let all: String = [run.stdout(), run.stderr()]
        .into_iter()
        .chain(run.files.iter().map(|(_, t)| t.clone()))
        .collect();
    assert!(
        names.iter().any(|n| all.contains(n)),
        "{}: nothing about {names:?} was reported:\n{all}",
        run.label
    );
    assert_clean(p, run);
}

/// Environment variables given to one run.
type Env<'a> = Vec<(&'a str, &'a str)>;

const REPORT_FORMATS: [&str; 7] = [
    "full", "concise", "json", "markdown", "github", "sarif", "gitlab",
];
const TABLE_FORMATS: [&str; 2] = ["full", "json"];

#[test]
fn no_value_reaches_any_output() {
    let p = project();
    let dotenvx = ("DOTENV_PRIVATE_KEY_PRODUCTION", p.dotenvx_key.as_str());
    let vault_prod = ("DOTENV_KEY_PRODUCTION", p.vault_prod_key.as_str());
    let vault_staging = ("DOTENV_KEY_STAGING", p.vault_staging_key.as_str());
    let all_keys = [dotenvx, vault_prod, vault_staging];
    let sources = [
        "--source",
        "kubernetes:deploy/*.yaml",
        "--source",
        "compose:compose.yaml#web",
        "--source",
        "compose:compose.yaml#worker",
        "--source",
        "json:dump.json",
        "--source",
        "env",
    ];
    let mut with_job_env: Vec<(&str, &str)> = JOB_ENV.to_vec();
    with_job_env.extend(all_keys);
    let mut runs = 0;

    for format in REPORT_FORMATS {
        for quiet in [false, true] {
            let mut extra: Vec<&str> = vec!["--format", format];
            if quiet {
                extra.push("-q");
            }
            let with = |args: &[&str]| -> Vec<String> {
                args.iter()
                    .chain(extra.iter())
                    .map(|s| s.to_string())
                    .collect()
            };
            let cases: Vec<(Vec<String>, Env, Vec<&str>)> = vec![
                (with(&["check"]), vec![], vec!["STALE_ONE", "ENV"]),
                (
                    with(&["diff", "prod"]),
                    all_keys.to_vec(),
                    vec!["EMPTY_ONE", "NEVER_SET"],
                ),
                (with(&["diff", "prod"]), vec![], vec!["NEVER_SET"]),
                (
                    with(&[&["diff", "staging"][..], &sources[..]].concat()),
                    with_job_env.clone(),
                    vec!["NEVER_SET", "DUPLICATED"],
                ),
                (
                    with(&[&["diff", "staging", "--base", "HEAD"][..], &sources[..]].concat()),
                    with_job_env.clone(),
                    vec!["NEVER_SET"],
                ),
                (with(&["check", "--base", "HEAD"]), vec![], vec!["ENV"]),
            ];
            for (args, env, names) in cases {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                for side_files in [false, true] {
                    let r = run(&p, &args, &env, side_files);
                    assert_reported(&p, &r, &names);
                    runs += 1;
                }
            }
        }
    }

    for format in TABLE_FORMATS {
        for args in [
            vec!["sources", "prod"],
            vec!["sources", "staging"],
            [&["sources", "staging"][..], &sources[..]].concat(),
            vec!["scan"],
        ] {
            for env in [vec![], with_job_env.clone()] {
                let args: Vec<&str> = args.iter().copied().chain(["--format", format]).collect();
                let r = run(&p, &args, &env, false);
                assert_reported(&p, &r, &["API_TOKEN", "DATABASE_URL", "STAGING_PLAIN"]);
                runs += 1;
            }
        }
    }

    // `envcheck example` prints the .env.example it proposes: the committed file's lines, their
    // placeholder values included, plus the missing names. A secret-looking value is blanked, and
    // no other source's value may appear.
    for args in [&["example"][..], &["example", "--check"][..]] {
        for env in [vec![], with_job_env.clone()] {
            let r = run(&p, args, &env, false);
            assert!(
                matches!(r.code(), Some(0 | 1)),
                "{}: {}",
                r.label,
                r.stderr()
            );
            assert!(r.stdout().contains("NEVER_SET") || r.stderr().contains("NEVER_SET"));
            assert_clean_but(&p, &r, &p.example_forms);
            runs += 1;
        }
    }

    // Several vault keys pasted one per line (not comma-separated): each is read as its own key,
    // and none is printed in a "no key for environment" error.
    let pasted = format!("{}\n{}", p.vault_staging_key, p.vault_prod_key);
    for format in ["full", "json"] {
        let r = run(
            &p,
            &["diff", "prod", "--format", format],
            &[("DOTENV_KEY", pasted.as_str())],
            true,
        );
        assert_reported(&p, &r, &["NEVER_SET"]);
        runs += 1;
    }

    // Error paths: exit 2, the file (or key) named, nothing leaked.
    let other_key = "1".repeat(64);
    let errors: Vec<(Vec<&str>, Env, &str)> = vec![
        (
            vec!["diff", "prod"],
            vec![("DOTENV_PRIVATE_KEY_PRODUCTION", other_key.as_str())],
            "DOTENV_PRIVATE_KEY_PRODUCTION",
        ),
        (
            vec!["diff", "prod"],
            vec![("DOTENV_KEY_PRODUCTION", p.vault_staging_key.as_str())],
            "DOTENV_KEY_PRODUCTION",
        ),
        (
            vec!["diff", "staging", "--source", "kubernetes:bad/bad.yaml"],
            vec![],
            "bad/bad.yaml",
        ),
        (
            vec!["diff", "staging", "--source", "json:bad/bad.json"],
            vec![],
            "bad/bad.json",
        ),
        (
            vec!["diff", "staging", "--source", "compose:bad/compose.yaml"],
            vec![],
            "bad/compose.yaml",
        ),
        (
            vec![
                "diff",
                "staging",
                "--source",
                "compose:bad/compose-colon.yaml",
            ],
            vec![],
            "bad/compose-colon.yaml:5",
        ),
        (
            vec![
                "diff",
                "staging",
                "--source",
                "compose:bad/compose-space.yaml",
            ],
            vec![],
            "bad/compose-space.yaml:5",
        ),
        (
            vec![
                "sources",
                "staging",
                "--source",
                "compose:bad/compose-pasted.yaml",
            ],
            vec![],
            "bad/compose-pasted.yaml:5",
        ),
        (
            vec![
                "diff",
                "staging",
                "--source",
                "kubernetes:bad/k8s-name.yaml",
            ],
            vec![],
            "bad/k8s-name.yaml:8",
        ),
        (
            vec!["diff", "staging", "--source", "kubernetes:bad/k8s-key.yaml"],
            vec![],
            "bad/k8s-key.yaml:5",
        ),
        (
            vec!["sources", "staging", "--source", "json:bad/json-key.json"],
            vec![],
            "bad/json-key.json:2",
        ),
        (
            vec![
                "diff",
                "staging",
                "--source",
                "compose:bad/compose-map.yaml",
            ],
            vec![],
            "bad/compose-map.yaml:5",
        ),
        (
            vec!["diff", "staging", "--source", "dotenv:bad/binary.env"],
            vec![],
            "bad/binary.env",
        ),
        (
            vec!["diff", "staging", "--source", "json:bad/nested.json"],
            vec![],
            "bad/nested.json",
        ),
        (
            vec!["diff", "staging", "--source", "dotenv:bad/broken.env"],
            vec![],
            "bad/broken.env:2",
        ),
        (
            vec!["diff", "staging", "--source", "dotenv:bad/missing.env"],
            vec![],
            "bad/missing.env",
        ),
        (
            vec!["sources", "staging", "--source", "json:bad/bad.json"],
            vec![],
            "bad/bad.json",
        ),
    ];
    for (args, env, named) in errors {
        for format in ["full", "json", "sarif"] {
            let args: Vec<&str> = args.iter().copied().chain(["--format", format]).collect();
            let sources_cmd = args[0] == "sources";
            if sources_cmd && format == "sarif" {
                continue;
            }
            let r = run(&p, &args, &env, !sources_cmd);
            assert_eq!(r.code(), Some(2), "{}: {}", r.label, r.stderr());
            assert!(
                r.stderr().contains(named),
                "{}: the error names {named}:\n{}",
                r.label,
                r.stderr()
            );
            assert_clean(&p, &r);
            runs += 1;
        }
    }

    // Non-string YAML values (maps, lists, anchors, `!!binary`): a mapping or a list where a
    // string belongs is refused (file and line named), never read as empty, never echoed; the
    // rest is read.
    for format in REPORT_FORMATS {
        let args = [
            "diff",
            "staging",
            "--source",
            "kubernetes:tags.yaml",
            "--format",
            format,
        ];
        let r = run(&p, &args, &[], true);
        assert_reported(&p, &r, &["K8S_ANCHOR", "K8S_ALIAS"]);
        runs += 1;
        let args = [
            "diff",
            "staging",
            "--source",
            "kubernetes:bad/nested.yaml",
            "--format",
            format,
        ];
        let r = run(&p, &args, &[], true);
        assert_eq!(r.code(), Some(2), "{}", r.label);
        assert!(r.stderr().contains("bad/nested.yaml:6"), "{}", r.stderr());
        assert_clean(&p, &r);
        runs += 1;
    }

    // A panic prints where, never its payload.
    let r = run(
        &p,
        &["diff", "prod"],
        &[("ENVCHECK_PANIC_FOR_TESTS", "CANARY-PANIC-1")],
        false,
    );
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert_clean(&p, &r);
    runs += 1;

    eprintln!("{runs} runs, none leaked");
    assert!(runs > 250, "{runs} runs");
}

#[test]
fn encodings_are_checked() {
    // The checks above would pass vacuously if `forms` produced nothing useful.
    let f = forms("CANARY-X-1 é");
    for expected in [
        "CANARY-X-1 é",
        "Q0FOQVJZLVgtMSDDqQ==",
        "Q0FOQVJZLVgtMSDDqQ",
        "43414e4152592d582d3120c3a9",
        "43414E4152592D582D3120C3A9",
        "CANARY-X-1%20%C3%A9",
    ] {
        assert!(f.iter().any(|x| x == expected), "{expected} in {f:?}");
    }
    assert_eq!(
        sentinels("A=\"postgres://u:CANARY-A-1@h\"\nB C CANARY-B-2 x\n# sk_CANARYC3 y\n"),
        [
            "postgres://u:CANARY-A-1@h",
            "CANARY-A-1",
            "CANARY-B-2",
            "sk_CANARYC3"
        ]
    );
}
