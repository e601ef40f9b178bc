//! Several apps in one repository, one run: a path's configuration is the nearest one above
//! it, a subdirectory with its own `envcheck.toml` is an app of its own, each app is checked
//! with its own configuration, example file and environments, and one report holds them all
//! (each finding's `app`, a Markdown section and a `full` heading per app), the exit code the
//! worst over the apps.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn envcheck(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// `(app, code, variable)` of every finding.
fn tagged(doc: &Value) -> Vec<(String, String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("app"), s("code"), s("variable"))
        })
        .collect()
}

/// A repository with a shared configuration at the top and two apps that extend it: `web`
/// (TypeScript, ignores `LEGACY_*`, `prod` and `staging`) and `api` (Python, `prod` only).
/// Values are canaries: none may appear in any output.
fn monorepo(root: &Path) {
    fs::create_dir_all(root.join(".git")).expect("git dir");
    write(root, "envcheck.toml", "[rules]\nENV201 = \"info\"\n");
    write(
        root,
        "web/envcheck.toml",
        "extend = \"../envcheck.toml\"\nignore-vars = [\"LEGACY_*\"]\n",
    );
    write(
        root,
        "web/src/config.ts",
        "export const api = process.env.API_URL!;\nexport const legacy = process.env.LEGACY_MODE;\n",
    );
    write(root, "web/.env.example", "API_URL=http://localhost\n");
    write(root, "web/.env.production", "API_URL=CANARY-web-prod-url\n");
    write(root, "web/.env.staging", "API_URL=CANARY-web-staging-url\n");
    write(root, "api/envcheck.toml", "extend = \"../envcheck.toml\"\n");
    write(
        root,
        "api/app/settings.py",
        "import os\nDATABASE_URL = os.environ['DATABASE_URL']\nLEGACY_MODE = os.getenv('LEGACY_MODE')\n",
    );
    write(
        root,
        "api/.env.example",
        "DATABASE_URL=postgres://localhost/api\n",
    );
    write(
        root,
        "api/.env.production",
        "UNUSED_KEY=CANARY-api-prod-unused\n",
    );
}

fn assert_no_canary(text: &str) {
    assert!(!text.contains("CANARY"), "a value leaked: {text}");
}

#[test]
fn each_app_is_checked_with_its_own_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    let (code, stdout, stderr) = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_no_canary(&stdout);
    assert_no_canary(&stderr);
    let doc = json(&stdout);
    let findings = tagged(&doc);
    // web ignores LEGACY_*; api does not: its undocumented LEGACY_MODE is reported, in its app
    assert!(
        findings.contains(&("api".into(), "ENV001".into(), "LEGACY_MODE".into())),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|(app, _, var)| app == "web" && var == "LEGACY_MODE"),
        "{findings:?}"
    );
    // the top holds only the shared configuration: not an app of its own
    let apps: Vec<(&str, &str)> = doc["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .map(|a| {
            (
                a["app"].as_str().unwrap_or_default(),
                a["config"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        apps,
        vec![("api", "api/envcheck.toml"), ("web", "web/envcheck.toml")]
    );
    assert!(
        findings
            .iter()
            .all(|(app, ..)| app == "api" || app == "web")
    );
}

#[test]
fn several_paths_with_different_configurations_are_several_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    // named one by one, from the top: the same apps as the walk finds
    let (code, stdout, stderr) = envcheck(
        root,
        &["diff", "prod", "web/src", "api", "--format", "json"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let findings = tagged(&json(&stdout));
    assert!(findings.contains(&("api".into(), "ENV101".into(), "DATABASE_URL".into())));
    assert!(findings.contains(&("api".into(), "ENV104".into(), "UNUSED_KEY".into())));
    assert!(
        !findings.iter().any(|(app, ..)| app == "web"),
        "{findings:?}"
    );
    // a file named alone belongs to its app too
    let (_, stdout, stderr) = envcheck(
        root.join("web").as_path(),
        &[
            "check",
            "src/config.ts",
            "../api/app/settings.py",
            "--format",
            "json",
        ],
    );
    let findings = tagged(&json(&stdout));
    assert!(
        findings.contains(&("api".into(), "ENV001".into(), "LEGACY_MODE".into())),
        "{findings:?} {stderr}"
    );
}

#[test]
fn exit_code_is_the_worst_over_the_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    // web's prod has what it needs, api's lacks DATABASE_URL
    let (code, _, stderr) = envcheck(root, &["diff", "prod", "web"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = envcheck(root, &["diff", "prod"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_canary(&stdout);
    // each app's fail-on is its own: web fails on infos, api has none but the error above
    write(root, "api/.env.production", "DATABASE_URL=CANARY-db\n");
    let (code, _, stderr) = envcheck(root, &["diff", "prod"]);
    assert_eq!(code, Some(0), "{stderr}");
    write(
        root,
        "web/envcheck.toml",
        "extend = \"../envcheck.toml\"\nignore-vars = [\"LEGACY_*\"]\nfail-on = \"info\"\n",
    );
    write(
        root,
        "web/.env.production",
        "API_URL=CANARY-web\nNOBODY_READS=x\n",
    );
    let (code, stdout, stderr) = envcheck(root, &["diff", "prod", "--format", "concise"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("web/.env.production:2:1: ENV104 [info, app web]"),
        "{stdout}"
    );
}

#[test]
fn markdown_has_a_section_per_app_and_full_a_heading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    let (code, stdout, stderr) = envcheck(root, &["diff", "prod", "--format", "markdown"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_canary(&stdout);
    let api = stdout.find("## App `api`").expect("api section");
    let web = stdout.find("## App `web`").expect("web section");
    assert!(api < web, "{stdout}");
    // each finding sits in its app's section
    let database = stdout.find("`DATABASE_URL`").expect("api finding");
    assert!(api < database && database < web, "{stdout}");
    assert!(
        stdout.contains("Configuration: `web/envcheck.toml`"),
        "{stdout}"
    );

    let (_, stdout, _) = envcheck(root, &["diff", "prod"]);
    assert_no_canary(&stdout);
    let api = stdout.find("== app api (api/envcheck.toml): 3 findings ==");
    let web = stdout.find("== app web (web/envcheck.toml): no findings ==");
    assert!(api.is_some() && web.is_some(), "{stdout}");
    assert!(
        stdout.ends_with("Found 3 findings: 1 error, 0 warnings, 2 infos.\n"),
        "{stdout}"
    );
}

#[test]
fn an_environment_one_app_does_not_know_is_skipped_for_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    let (code, stdout, stderr) = envcheck(root, &["diff", "staging", "--format", "json"]);
    // web's staging has what it needs; api has no staging: said, not an error
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("envcheck: note: api: not checked against staging"),
        "{stderr}"
    );
    let doc = json(&stdout);
    let apps = doc["apps"].as_array().expect("apps");
    assert_eq!(apps[0]["app"], "api");
    assert_eq!(apps[0]["skipped_environments"][0], "staging");
    assert_eq!(apps[0]["environments"].as_array().map(Vec::len), Some(0));
    assert_eq!(apps[1]["environments"][0], "staging");
    assert!(apps[1]["matrix"]["API_URL"]["staging"] == "set", "{doc}");
    // both at once: staging for web only, prod for both
    let (code, stdout, _) = envcheck(root, &["diff", "staging,prod", "--format", "markdown"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("Not checked against `staging`: this app does not know it."),
        "{stdout}"
    );
    // an environment no app knows is the usual error
    let (code, _, stderr) = envcheck(root, &["diff", "qa"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("environment `qa` has no sources"),
        "{stderr}"
    );
}

#[test]
fn one_app_reports_as_it_always_did() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("git dir");
    write(root, "envcheck.toml", "");
    write(root, "src/a.py", "import os\nA = os.environ['A']\n");
    write(root, "lib/b.py", "import os\nB = os.environ['B']\n");
    write(root, ".env.example", "A=1\nB=2\n");
    for args in [
        &["check", "--format", "json"][..],
        &["check", "src", "lib", "--format", "json"][..],
    ] {
        let (code, stdout, stderr) = envcheck(root, args);
        assert_eq!(code, Some(0), "{stderr}");
        let doc = json(&stdout);
        assert!(doc.get("apps").is_none(), "{doc}");
        assert!(
            doc["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .all(|f| f.get("app").is_none()),
            "{doc}"
        );
    }
    let (_, stdout, _) = envcheck(root, &["check"]);
    assert!(!stdout.contains("== app"), "{stdout}");
    // `--config` names one configuration for every path: one app
    write(root, "lib/envcheck.toml", "");
    let (_, stdout, _) = envcheck(
        root,
        &["check", "--config", "envcheck.toml", "--format", "json"],
    );
    assert!(json(&stdout).get("apps").is_none(), "{stdout}");
    let (_, stdout, _) = envcheck(root, &["check", "--format", "json"]);
    assert!(json(&stdout).get("apps").is_some(), "{stdout}");
}

#[test]
fn an_app_the_repository_ignores_is_not_an_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    write(root, ".gitignore", "vendor/\n");
    write(root, "vendor/lib/envcheck.toml", "this is not toml");
    write(root, "node_modules/x/envcheck.toml", "nor this");
    let (code, stdout, stderr) = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json(&stdout)["apps"].as_array().map(Vec::len), Some(2));
}

#[test]
fn base_revision_marks_new_findings_app_by_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    fs::remove_dir_all(root.join(".git")).expect("rm");
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "start"]);
    // web reads a new undocumented name; the app above must not see api's files as its own
    write(
        root,
        "web/src/config.ts",
        "export const api = process.env.API_URL!;\nexport const flag = process.env.NEW_FLAG;\n",
    );
    let (code, stdout, stderr) = envcheck(root, &["check", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_no_canary(&stdout);
    let doc = json(&stdout);
    let new: Vec<(String, String, bool)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["app"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
                f["new"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        new.contains(&("web".into(), "NEW_FLAG".into(), true)),
        "{new:?}"
    );
    assert!(
        new.contains(&("api".into(), "LEGACY_MODE".into(), false)),
        "{new:?}"
    );
    let changes = doc["changes"].as_array().expect("changes");
    assert!(changes.iter().any(|c| c["variable"] == "NEW_FLAG"), "{doc}");
}

/// A configuration-only commit in one app: `diff --base` reads each app's target at the base
/// revision too, and the removed name is a new error of that app only.
#[test]
fn base_revision_reads_each_apps_configuration_then_and_now() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    fs::remove_dir_all(root.join(".git")).expect("rm");
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "start"]);
    write(root, "web/.env.production", "OTHER=CANARY-web-other\n");
    git(root, &["commit", "-q", "-am", "prod config of web"]);
    let (code, stdout, stderr) = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "json"],
    );
    assert_no_canary(&stdout);
    assert_no_canary(&stderr);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let doc = json(&stdout);
    let changes: Vec<(String, String)> = doc["target_changes"]
        .as_array()
        .expect("target_changes")
        .iter()
        .map(|c| {
            (
                c["variable"].as_str().unwrap_or_default().to_string(),
                c["change"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        changes.contains(&("API_URL".into(), "removed".into())),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("OTHER".into(), "added".into())),
        "{changes:?}"
    );
    let new_errors: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["new"] == true && f["severity"] == "error")
        .map(|f| {
            (
                f["app"].as_str().unwrap_or_default().to_string(),
                f["variable"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(new_errors, [("web".to_string(), "API_URL".to_string())]);
    let (_, markdown, _) = envcheck(
        root,
        &["diff", "prod", "--base", "HEAD~1", "--format", "markdown"],
    );
    assert_no_canary(&markdown);
    assert!(
        markdown.contains("Configuration changes in `prod` since `HEAD~1`"),
        "{markdown}"
    );
}

#[test]
fn monorepo_example_reports_every_app() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, stderr) = envcheck(
        manifest,
        &["diff", "prod", "examples/monorepo", "--format", "json"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let doc = json(&stdout);
    let findings = tagged(&doc);
    for (app, variable) in [
        ("examples/monorepo/apps/portal", "SESSION_SECRET"),
        ("examples/monorepo/apps/admin", "SSO_CLIENT_ID"),
        ("examples/monorepo/services/api", "REDIS_URL"),
    ] {
        assert!(
            findings.contains(&(app.into(), "ENV101".into(), variable.into())),
            "{findings:?}"
        );
    }
    assert_eq!(doc["apps"].as_array().map(Vec::len), Some(3));
}

#[test]
fn no_format_prints_a_value_of_any_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    write(
        root,
        "api/.env.example",
        "DATABASE_URL=CANARY-example-value\n",
    );
    for command in [&["check"][..], &["diff", "prod,staging"][..]] {
        for format in [
            "full", "concise", "json", "markdown", "github", "sarif", "gitlab",
        ] {
            let mut args = command.to_vec();
            args.extend(["--format", format]);
            let (code, stdout, stderr) = envcheck(root, &args);
            assert!(matches!(code, Some(0 | 1)), "{args:?}: {stderr}");
            assert_no_canary(&stdout);
            assert_no_canary(&stderr);
        }
    }
}

#[test]
fn a_repository_cannot_ask_for_unbounded_apps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("git dir");
    // a chain of nested apps and a flat row of them: each is a scan of its own, so the count
    // is bounded; the run stops with an error that says what to do
    let mut chain = root.join("chain");
    for _ in 0..150 {
        chain = chain.join("d");
        fs::create_dir_all(&chain).expect("mkdir");
        fs::write(chain.join("envcheck.toml"), "").expect("write");
    }
    for i in 0..150 {
        write(root, &format!("row/app{i}/envcheck.toml"), "");
    }
    let (code, _, stderr) = envcheck(root, &["check"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("more than the 256 apps one run checks"),
        "{stderr}"
    );
}

#[test]
fn options_about_one_app_are_refused_with_several() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    monorepo(root);
    let (code, _, stderr) = envcheck(root, &["check", "--example", "web/.env.example"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--example names one app's example file"),
        "{stderr}"
    );
    let (code, _, stderr) = envcheck(root, &["diff", "prod", "--source", "names:A"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--source adds to one app's environment"),
        "{stderr}"
    );
    // one app's path: as before
    let (code, _, stderr) = envcheck(root, &["check", "web", "--example", "web/.env.example"]);
    assert_eq!(code, Some(0), "{stderr}");
}
