//! Bounded work on target sources and settings classes, through the real binary: inputs whose
//! cost grew with a product of their parts (references × entries, sources × expansion,
//! containers × `envFrom` × keys, nested fields × sub-fields) finish in time linear in the input,
//! and where the output itself would be that product, a per-run cap ends it with a note or an
//! error instead of a silent cut.
//!
//! Each time ceiling is generous (the debug binary on a busy two-core machine) and only catches
//! blow-ups: the code before these bounds took minutes (or gigabytes) on the same inputs.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A run past this is killed: a hang is caught, not waited out.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Catches blow-ups only; the linear code takes a few seconds at most here.
const CEILING: Duration = Duration::from_secs(20);

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// One run at a time: each is timed alone, not against the other tests of this file.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn run(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .args(args);
    let start = Instant::now();
    let out = cmd.output().expect("run");
    let took = start.elapsed();
    assert!(
        out.status.code().is_some(),
        "envcheck {args:?} was killed after {took:?} (timeout or signal)"
    );
    assert!(took < CEILING, "envcheck {args:?} took {took:?}");
    (out, took)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Each of 200 values refers 1,000 times to the last of 10,000 empty entries: finding whether a
/// reference names an entry of the file was a search of the entries (2·10⁹ steps).
#[test]
fn references_times_entries_in_one_env_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['R0']\n");
    let entries = 10_000;
    let mut text = String::new();
    for i in 0..entries {
        text.push_str(&format!("E{i}=\n"));
    }
    let reference = format!("${{E{}}}", entries - 1);
    for j in 0..200 {
        text.push_str(&format!("R{j}=\"{}\"\n", reference.repeat(1_000)));
    }
    write(root, ".env.production", text);
    let (out, _) = run(root, &["diff", "prod", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // R0 refers only to empty entries of the file: empty, and said so
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == "ENV103" && f["variable"] == "R0"),
        "{}",
        stdout(&out)
    );
}

/// A dotenv "billion laughs" file listed as a source 60 times: the expansion budget was per
/// file, so every copy expanded to 64 MiB again (minutes, and gigabytes held at once).
#[test]
fn one_expanding_file_listed_many_times_shares_one_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nos.environ['L7']\nos.environ['A']\n",
    );
    let mut laughs = format!("L0={}\n", "x".repeat(1000));
    for i in 1..8 {
        laughs.push_str(&format!(
            "L{i}=\"{}\"\n",
            format!("${{L{}}}", i - 1).repeat(10)
        ));
    }
    write(root, "laughs.env", laughs);
    let list = vec!["\"laughs.env\""; 60].join(", ");
    write(
        root,
        "envcheck.toml",
        format!("[environments.prod]\nsources = [{list}]\n"),
    );
    let (out, _) = run(root, &["diff", "prod"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("references in values add more than 64 MiB over the run"),
        "{}",
        stderr(&out)
    );
    // names are all read: only `A` is missing
    assert!(
        stdout(&out).contains("`A` is required at start-up"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains("`L7` is required"),
        "{}",
        stdout(&out)
    );
    // repeated `--source` arguments share it too
    let mut args = vec!["sources", "dev"];
    for _ in 0..60 {
        args.extend(["--source", "dotenv:laughs.env"]);
    }
    let (out, _) = run(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

const CONFIG_MAP_HEAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n";

fn config_map(keys: usize) -> String {
    let mut text = CONFIG_MAP_HEAD.to_string();
    for i in 0..keys {
        text.push_str(&format!("  K{i}: v\n"));
    }
    text
}

/// 50 containers (aliases of one) with an `envFrom` list of 2,000 aliases of one reference to a
/// ConfigMap of 5,000 keys: 5·10⁸ copies of a key before.
#[test]
fn containers_times_env_from_times_keys_through_aliases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['K0']\n");
    let mut text = config_map(5_000);
    text.push_str(
        "---\napiVersion: apps/v1\nkind: Deployment\nx-ref: &r {configMapRef: {name: cm}}\n\
         metadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n\
         \x20       - &c\n          name: app\n          envFrom: [",
    );
    text.push_str(&vec!["*r"; 2_000].join(", "));
    text.push_str("]\n");
    for _ in 0..49 {
        text.push_str("        - *c\n");
    }
    write(root, "deploy.yaml", text);
    let (out, _) = run(
        root,
        &[
            "sources",
            "prod",
            "--source",
            "kubernetes:deploy.yaml#app",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["sources"][0]["names"].as_array().map(Vec::len),
        Some(5_000)
    );
}

/// `envFrom` with 300 different prefixes over a ConfigMap of 5,000 keys would make 1.5 million
/// names: past the run's budget (500,000), reading the manifests is an error, never a cut (a
/// name cut off would read as missing).
#[test]
fn env_from_names_past_the_run_budget_are_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['K0']\n");
    let mut text = config_map(5_000);
    text.push_str(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n\
         \x20   - name: app\n      envFrom:\n",
    );
    for p in 0..300 {
        text.push_str(&format!(
            "        - prefix: P{p}_\n          configMapRef: {{name: cm}}\n"
        ));
    }
    write(root, "pod.yaml", text);
    let (out, _) = run(root, &["diff", "prod", "--source", "kubernetes:pod.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("pod.yaml:") && stderr(&out).contains("add up to more than 500000"),
        "{}",
        stderr(&out)
    );
}

/// A settings class of 1,500 fields annotated with a model of 1,500 fields and a nested
/// delimiter made 2.25 million variables (and models that refer to each other must not
/// recurse): past the per-scan cap, each further nested field is one dynamic read saying so.
#[test]
fn pydantic_nested_fields_times_sub_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut text = String::from(
        "from pydantic import BaseModel\n\
         from pydantic_settings import BaseSettings, SettingsConfigDict\n\
         class Db(BaseModel):\n",
    );
    for i in 0..1_500 {
        text.push_str(&format!("    f{i}: str\n"));
    }
    text.push_str(
        "class A(BaseModel):\n    b: 'B'\nclass B(BaseModel):\n    a: A\n\
         class S(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n\
         \x20   a: A\n",
    );
    for i in 0..1_500 {
        text.push_str(&format!("    d{i}: Db\n"));
    }
    write(root, "settings.py", text);
    let (out, _) = run(root, &["scan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let variables = doc["variables"].as_array().expect("variables");
    // A's one field, then 13 whole models of Db (20,000 at most)
    assert_eq!(variables.len(), 1 + 13 * 1_500);
    assert!(variables.iter().any(|v| v["name"] == "A__B"));
    let dynamic = doc["dynamic"].as_array().expect("dynamic");
    assert_eq!(dynamic.len(), 1_500 - 13);
    assert!(
        dynamic.iter().all(|d| d["expression"]
            .as_str()
            .is_some_and(|e| e.ends_with("nested fields past the limit of 20000 per scan"))),
        "{:?}",
        dynamic.first()
    );
}
