//! What a run covers, and how it names files: paths in reports are relative to the repository
//! top whatever was scanned; several scanned paths bring their own env files only; a scan of
//! part of a project does not call keys read elsewhere stale; a JS/TS app is scanned with the
//! workspace packages it depends on. Real binary, real git repositories in temp dirs.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn git_init(root: &Path) {
    git(root, &["init", "--quiet"]);
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .status()
        .expect("git");
    assert!(status.success());
}

struct Run {
    stdout: String,
    stderr: String,
}

fn envcheck(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `(code, path, variable)` of a JSON report.
fn findings(run: &Run) -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    let mut rows: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("path"), s("variable"))
        })
        .collect();
    rows.sort();
    rows
}

/// A repository with a project in `svc/`: code in `svc/app` and `svc/web`, the example file in
/// `svc/`, a stray env file elsewhere.
fn repository(root: &Path) {
    git_init(root);
    write(
        root,
        "svc/app/main.py",
        "import os\nA = os.environ['APP_ONLY']\n",
    );
    write(
        root,
        "svc/web/config.ts",
        "export const w = process.env.WEB_ONLY!;\n",
    );
    write(root, "svc/.env.example", "APP_ONLY=\nWEB_ONLY=\n");
    write(
        root,
        "other/.env",
        "GITHUB_TOKEN=ghp_CANARYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1\n",
    );
    // committed: a plaintext secret in it is worth reporting (ENV302)
    git(root, &["add", "--all"]);
}

#[test]
fn a_file_is_named_the_same_whatever_was_scanned_and_wherever_envcheck_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    write(root, "svc/app/extra.py", "import os\nos.environ['UNDOC']\n");
    let want = "svc/app/extra.py";
    for (cwd, args) in [
        (root.to_path_buf(), vec!["check", "svc"]),
        (root.to_path_buf(), vec!["check", "svc/app"]),
        (root.to_path_buf(), vec!["check", "svc/app", "svc/web"]),
        (root.join("svc"), vec!["check", "."]),
        (root.join("svc/app"), vec!["check"]),
        (root.join("other"), vec!["check", "../svc/app"]),
    ] {
        for format in ["json", "github", "sarif", "gitlab", "concise"] {
            let mut full = args.clone();
            full.extend(["--format", format]);
            let run = envcheck(&cwd, &full);
            assert!(
                run.stdout.contains(want),
                "{cwd:?} {full:?}: {want} not in\n{}\n{}",
                run.stdout,
                run.stderr
            );
            assert!(
                !run.stdout.contains(&root.to_string_lossy().to_string()),
                "{full:?}: an absolute path\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn several_paths_bring_their_own_env_files_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    // `other/.env` is outside both scanned paths: its secret is not this run's business
    let run = envcheck(root, &["check", "svc/app", "svc/web", "--format", "json"]);
    assert!(
        !findings(&run).iter().any(|(code, ..)| code == "ENV302"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("CANARY") && !run.stderr.contains("CANARY"));
    // scanning it reports it
    let run = envcheck(root, &["check", ".", "--format", "json"]);
    assert!(
        findings(&run).contains(&("ENV302".into(), "other/.env".into(), "GITHUB_TOKEN".into())),
        "{}",
        run.stdout
    );
}

#[test]
fn part_of_a_project_does_not_make_keys_read_elsewhere_stale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    // `svc/app` alone: WEB_ONLY is read in svc/web, which was not scanned
    let run = envcheck(root, &["check", "svc/app", "--format", "json"]);
    assert!(
        !findings(&run).iter().any(|(code, ..)| code == "ENV002"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("ENV002 not run"), "{}", run.stderr);
    // the whole project: nothing is stale, and nothing is said
    let run = envcheck(root, &["check", "svc", "--format", "json"]);
    assert!(findings(&run).is_empty(), "{}", run.stdout);
    assert!(!run.stderr.contains("not run"), "{}", run.stderr);
    // a key nothing reads is stale when the whole project is scanned
    write(root, "svc/.env.example", "APP_ONLY=\nWEB_ONLY=\nGONE=\n");
    let run = envcheck(root, &["check", "svc", "--format", "json"]);
    assert_eq!(
        findings(&run),
        vec![("ENV002".into(), "svc/.env.example".into(), "GONE".into())]
    );
}

#[test]
fn an_app_is_checked_with_the_workspace_packages_it_depends_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git_init(root);
    write(
        root,
        "pnpm-workspace.yaml",
        "packages:\n  - apps/*\n  - packages/*\n",
    );
    write(
        root,
        "apps/server/package.json",
        r#"{"name":"server","dependencies":{"@acme/db":"workspace:*"}}"#,
    );
    write(
        root,
        "apps/server/src/index.ts",
        "export const port = process.env.PORT_NUMBER ?? '3000';\n",
    );
    write(
        root,
        "apps/server/.env.example",
        "PORT_NUMBER=3000\nDATABASE_URL=\n",
    );
    write(root, "packages/db/package.json", r#"{"name":"@acme/db"}"#);
    write(
        root,
        "packages/db/env.ts",
        "export const url = process.env.DATABASE_URL!;\n",
    );
    write(root, "packages/ui/package.json", r#"{"name":"@acme/ui"}"#);
    write(
        root,
        "packages/ui/env.ts",
        "export const theme = process.env.UI_THEME!;\n",
    );
    let run = envcheck(root, &["check", "apps/server", "--format", "json"]);
    // DATABASE_URL is read by @acme/db, which the server depends on: not stale; UI_THEME is
    // read by a package the server does not depend on: not the server's
    assert!(findings(&run).is_empty(), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("also scanned 1 workspace package the scanned code depends on: packages/db"),
        "{}",
        run.stderr
    );
    // a variable the package needs that the example lacks is the app's to document
    write(
        root,
        "packages/db/env.ts",
        "export const url = process.env.DATABASE_URL!;\nexport const t = process.env.DB_TOKEN!;\n",
    );
    let run = envcheck(root, &["check", "apps/server", "--format", "json"]);
    assert_eq!(
        findings(&run),
        vec![(
            "ENV001".into(),
            "packages/db/env.ts".into(),
            "DB_TOKEN".into()
        )]
    );
    // the configuration can turn it off
    write(
        root,
        "apps/server/envcheck.toml",
        "workspace-packages = false\n",
    );
    let run = envcheck(root, &["check", "apps/server", "--format", "json"]);
    assert!(
        findings(&run).contains(&(
            "ENV002".into(),
            "apps/server/.env.example".into(),
            "DATABASE_URL".into()
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_from_a_subdirectory_does_not_call_names_read_elsewhere_unused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    repository(root);
    write(
        root,
        "svc/envcheck.toml",
        "[environments.prod]\nsources = [\".env.prod\"]\n",
    );
    write(root, "svc/.env.prod", "APP_ONLY=1\nWEB_ONLY=1\nNOBODY=1\n");
    // run in svc/app without paths: WEB_ONLY is read in svc/web, which was not scanned
    let run = envcheck(&root.join("svc/app"), &["diff", "prod", "--format", "json"]);
    assert!(
        !findings(&run).iter().any(|(code, ..)| code == "ENV104"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("ENV104 not run"), "{}", run.stderr);
    // from the project's directory, NOBODY is unused
    let run = envcheck(&root.join("svc"), &["diff", "prod", "--format", "json"]);
    assert_eq!(
        findings(&run),
        vec![("ENV104".into(), "svc/.env.prod".into(), "NOBODY".into())]
    );
    // naming the service's code says which code is deployed
    let run = envcheck(root, &["diff", "prod", "svc/app", "--format", "json"]);
    let unused: Vec<_> = findings(&run)
        .into_iter()
        .filter(|(code, ..)| code == "ENV104")
        .map(|(.., v)| v)
        .collect();
    assert_eq!(unused, vec!["NOBODY".to_string(), "WEB_ONLY".to_string()]);
}
