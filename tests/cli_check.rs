//! `envcheck check`, `example`, `rules` and `explain` through the real binary, on projects built
//! in temp dirs.

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `(code, path, line, variable)` of every finding of a JSON report.
fn findings(out: &Output) -> Vec<(String, String, u64, String)> {
    let doc: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["variable"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn rows(rows: &[(&str, &str, u64, &str)]) -> Vec<(String, String, u64, String)> {
    rows.iter()
        .map(|(c, p, l, v)| (c.to_string(), p.to_string(), *l, v.to_string()))
        .collect()
}

/// A small project with one finding of each severity.
fn project(root: &Path) {
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\nSTRIPE = os.environ[\"STRIPE_SECRET_KEY\"]\n\ndef read(name):\n    return os.getenv(name)\n",
    );
    write(
        root,
        ".env.example",
        "DATABASE_URL=postgres://localhost/app\nOLD_FLAG=1\n",
    );
}

#[test]
fn json_report_has_the_documented_shape_and_exit_code_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let out = envcheck(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"error": 1, "warning": 1, "info": 1})
    );
    let first = &doc["findings"][0];
    assert_eq!(
        first,
        &serde_json::json!({
            "code": "ENV002", "name": "stale-example-key", "severity": "warning",
            "message": "`OLD_FLAG` is in .env.example but no scanned code reads it (the code has 1 dynamic reads that envcheck cannot resolve)",
            "path": ".env.example", "line": 2, "column": 1, "end_line": 2, "end_column": 8,
            "variable": "OLD_FLAG", "environment": null, "new": null
        })
    );
    assert_eq!(
        findings(&out),
        rows(&[
            ("ENV002", ".env.example", 2, "OLD_FLAG"),
            ("ENV001", "app/settings.py", 4, "STRIPE_SECRET_KEY"),
            ("ENV201", "app/settings.py", 7, ""),
        ])
    );
}

#[test]
fn concise_and_full_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let out = envcheck(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        stdout(&out),
        "\
.env.example:2:1: ENV002 [warning] `OLD_FLAG` is in .env.example but no scanned code reads it (the code has 1 dynamic reads that envcheck cannot resolve)
app/settings.py:4:21: ENV001 [error] `STRIPE_SECRET_KEY` is read here (required) but is not documented in .env.example
app/settings.py:7:22: ENV201 [info] the variable name is computed at run time (`name` via os.getenv): envcheck cannot check this read
Found 3 findings: 1 error, 1 warning, 1 info.
"
    );
    let out = envcheck(dir.path(), &["check"]);
    let text = stdout(&out);
    // a code frame for code, none for the env file (its lines hold values)
    assert!(
        text.contains("error[ENV001]: `STRIPE_SECRET_KEY` is read here"),
        "{text}"
    );
    assert!(
        text.contains("STRIPE = os.environ[\"STRIPE_SECRET_KEY\"]"),
        "{text}"
    );
    assert!(text.contains("--> .env.example:2:1"), "{text}");
    assert!(!text.contains("OLD_FLAG=1"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR output has escapes: {text}"
    );
    assert!(
        text.ends_with("Found 3 findings: 1 error, 1 warning, 1 info.\n"),
        "{text}"
    );
    let colored = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(dir.path())
        .args(["--color", "always", "check"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&colored.stdout).contains('\u{1b}'));
}

#[test]
fn fail_on_exit_zero_select_and_ignore() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let code = |args: &[&str]| envcheck(dir.path(), args).status.code();
    assert_eq!(
        code(&["check", "--select", "ENV2"]),
        Some(0),
        "info does not fail by default"
    );
    assert_eq!(
        code(&["check", "--select", "ENV2", "--fail-on", "info"]),
        Some(1)
    );
    assert_eq!(code(&["check", "--ignore", "ENV001"]), Some(0));
    assert_eq!(
        code(&["check", "--ignore", "ENV001", "--fail-on", "warning"]),
        Some(1)
    );
    assert_eq!(code(&["check", "--exit-zero"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "never"]), Some(0));
    let out = envcheck(dir.path(), &["check", "--select", "ENV9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ENV9999"), "{}", stderr(&out));
    let out = envcheck(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "ENV0,ENV2",
            "--ignore",
            "ENV002",
        ],
    );
    assert_eq!(
        findings(&out),
        rows(&[
            ("ENV001", "app/settings.py", 4, "STRIPE_SECRET_KEY"),
            ("ENV201", "app/settings.py", 7, "")
        ])
    );
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let out = envcheck(
        dir.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let doc: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(3));
}

#[test]
fn config_is_discovered_and_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    write(
        root,
        "envcheck.toml",
        "ignore-vars = [\"STRIPE_*\"]\nfail-on = \"warning\"\n\n[rules]\nENV201 = \"off\"\n",
    );
    // run from a subdirectory's parent with the project as the path
    let out = envcheck(root, &["check", "--format", "json", "."]);
    assert_eq!(
        findings(&out),
        rows(&[("ENV002", ".env.example", 2, "OLD_FLAG")])
    );
    assert_eq!(out.status.code(), Some(1), "fail-on = warning");

    fs::remove_file(root.join("envcheck.toml")).expect("rm");
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"app\"\n\n[tool.envcheck]\nignore = [\"ENV0\"]\n",
    );
    let out = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(
        findings(&out),
        rows(&[("ENV201", "app/settings.py", 7, "")])
    );

    write(
        root,
        "pyproject.toml",
        "[tool.envcheck]\nignore-var = [\"X\"]\n",
    );
    let out = envcheck(root, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("pyproject.toml") && err.contains("ignore-var"),
        "{err}"
    );

    fs::remove_file(root.join("pyproject.toml")).expect("rm");
    write(root, "custom.toml", "example = \"docs/env.sample\"\n");
    write(
        root,
        "docs/env.sample",
        "DATABASE_URL=x\nSTRIPE_SECRET_KEY=\nOLD_FLAG=\n",
    );
    let out = envcheck(
        root,
        &[
            "check",
            "--format",
            "json",
            "--config",
            "custom.toml",
            "--select",
            "ENV00",
        ],
    );
    assert_eq!(
        findings(&out),
        rows(&[("ENV002", "docs/env.sample", 3, "OLD_FLAG")])
    );
}

#[test]
fn every_suppression_form_and_unused_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nA = os.environ['A']  # envcheck: ignore[ENV001]\n# envcheck: ignore[ENV001]\nB = os.environ['B']\nC = os.environ['C']  # noqa: ENV001\nD = os.environ['D']  # envcheck: ignore[ENV303]\n",
    );
    write(
        root,
        "web.ts",
        "// envcheck-ignore-next-line ENV001\nexport const e = process.env.E;\nexport const f = process.env.F; // envcheck-ignore-line ENV001\n",
    );
    write(
        root,
        ".env.example",
        "# envcheck: ignore[ENV002]\nSTALE=1\n",
    );
    let out = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(
        findings(&out),
        rows(&[("ENV901", "app.py", 6, ""), ("ENV001", "app.py", 6, "D")]),
        "{}",
        stdout(&out)
    );
    let out = envcheck(root, &["check", "--format", "json", "--no-inline-ignores"]);
    let codes: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert_eq!(
        codes.iter().filter(|c| *c == "ENV001").count(),
        6,
        "{codes:?}"
    );
    assert!(codes.contains(&"ENV002".to_string()));
    assert!(!codes.contains(&"ENV901".to_string()));
}

#[test]
fn committed_plaintext_secrets_need_a_git_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['DB_PASSWORD']\n");
    write(root, ".env.example", "DB_PASSWORD=\n");
    write(root, ".env.production", "DB_PASSWORD=Zq8-k2Lm-41-wR\n");
    write(root, ".env", "DB_PASSWORD=local-only-not-committed\n");
    let out = envcheck(root, &["check", "--format", "json"]);
    assert!(
        findings(&out).is_empty(),
        "not a repository: nothing is committed"
    );
    for args in [
        vec!["init", "-q"],
        vec!["add", "app.py", ".env.example", ".env.production"],
    ] {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(&args)
            .status()
            .expect("git");
        assert!(status.success());
    }
    let out = envcheck(root, &["check", "--format", "json"]);
    assert_eq!(
        findings(&out),
        rows(&[("ENV302", ".env.production", 1, "DB_PASSWORD")])
    );
}

#[test]
fn example_prints_writes_and_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app.py",
        "import os\nDB = os.environ['DATABASE_URL']\nLEVEL = os.getenv('LOG_LEVEL', 'info')\nSECRET = os.getenv('SECRET_KEY', 'dev-only')\nDSN = os.getenv('SENTRY_DSN')\nPORT = os.getenv('PORT', '8000')\n",
    );
    write(
        root,
        ".env.example",
        "# The app's settings.\nDATABASE_URL=postgres://localhost/app\n",
    );
    let out = envcheck(root, &["example", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("LOG_LEVEL, SECRET_KEY, SENTRY_DSN"),
        "{}",
        stderr(&out)
    );
    let printed = envcheck(root, &["example"]);
    assert_eq!(printed.status.code(), Some(0));
    let want = "\
# The app's settings.
DATABASE_URL=postgres://localhost/app

# Added by `envcheck example`: keys the code reads, with where they are read.

# Optional: the code runs without these (None / undefined).
# read in app.py:5
SENTRY_DSN= # optional

# With a default in code: set them to change the default.
# read in app.py:3
LOG_LEVEL=info
# read in app.py:4
SECRET_KEY=
";
    assert_eq!(stdout(&printed), want);
    assert_eq!(
        fs::read_to_string(root.join(".env.example")).expect("read"),
        "# The app's settings.\nDATABASE_URL=postgres://localhost/app\n",
        "printing does not write"
    );
    let out = envcheck(root, &["example", "--write"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(root.join(".env.example")).expect("read"),
        want
    );
    assert_eq!(
        envcheck(root, &["example", "--check"]).status.code(),
        Some(0)
    );
    let out = envcheck(root, &["example", "--write"]);
    assert!(stderr(&out).contains("up to date"));
    // the written file satisfies `check`
    let out = envcheck(
        root,
        &["check", "--format", "json", "--select", "ENV001,ENV002"],
    );
    assert!(findings(&out).is_empty(), "{}", stdout(&out));
}

/// `example` keeps the file's lines but never repeats a real-looking secret: values (one-line and
/// multi-line, live and commented out) are blanked, a pasted token is left out with a note, and a
/// secret-shaped word in a comment is masked. The token shapes are split in the source so secret
/// scanners do not flag this file.
#[test]
fn example_never_repeats_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let live = concat!("sk_live", "_51H8qXk2LmNpQrStUvWxYz0123");
    write(
        root,
        "app.py",
        &format!(
            "import os\nos.environ['API_KEY']\nos.getenv('STRIPE', '{live}')\n\
             os.getenv('DATABASE_URL', 'postgres://admin:Q9x7LmN2pW4r@prod-db.internal:5432/app')\n"
        ),
    );
    let text = format!(
        "# Settings.\nAPI_KEY={live}\n# OLD_KEY={live}\n  {live}\n# rotated after  {live} leaked\n\
         PEM=\"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\"\n\
         PLAIN=changeme\nURL=https://x # old:\t{live}\nc2tfbGl2ZV9RN3hLbTJMcE45dlI0dFc4eVo2YjNOMWM==\n"
    );
    write(root, ".env.example", &text);
    let out = envcheck(root, &["example"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stars = "*".repeat(live.len());
    assert_eq!(
        stdout(&out),
        format!(
            "# Settings.\nAPI_KEY=\n# OLD_KEY=\n# rotated after  {stars} leaked\nPEM=\nPLAIN=changeme\n\
         URL=https://x # old:\t{stars}\n\
         \n# Added by `envcheck example`: keys the code reads, with where they are read.\n\
         \n# With a default in code: set them to change the default.\n\
         # read in app.py:4\nDATABASE_URL=\n# read in app.py:3\nSTRIPE=\n"
        )
    );
    for note in [
        ".env.example:4: left out a line that is not `KEY=value`",
        ".env.example:12: left out a lone word that looks like a credential",
    ] {
        assert!(stderr(&out).contains(note), "{}", stderr(&out));
    }
    assert!(!stderr(&out).contains("sk_live"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("c2tfbGl2"), "{}", stderr(&out));
    // pointed at a file that is not an example file, `example` repeats none of its values
    write(
        root,
        ".env.production",
        "DB_PASSWORD=hunter2-but-longer\nLOG_LEVEL=info\nAPI_KEY=x\nSTRIPE=x\nDATABASE_URL=x\n",
    );
    let out = envcheck(root, &["example", "--example", ".env.production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "DB_PASSWORD=\nLOG_LEVEL=\nAPI_KEY=\nSTRIPE=\nDATABASE_URL=\n"
    );
    // ENV301 names both the live and the commented-out entry
    let out = envcheck(root, &["check", "--format", "json", "--select", "ENV301"]);
    assert_eq!(
        findings(&out),
        rows(&[
            ("ENV301", ".env.example", 2, "API_KEY"),
            ("ENV301", ".env.example", 3, "OLD_KEY"),
            ("ENV301", ".env.example", 6, "PEM"),
        ])
    );
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = envcheck(dir.path(), &["rules"]);
    let text = stdout(&out);
    for code in [
        "ENV001", "ENV002", "ENV003", "ENV004", "ENV005", "ENV201", "ENV202", "ENV301", "ENV302",
        "ENV303", "ENV304", "ENV901",
    ] {
        assert!(text.contains(code), "{code} missing from `envcheck rules`");
    }
    let out = envcheck(dir.path(), &["explain", "ENV304"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# ENV304 public-prefixed-secret (error)"));
    assert!(stdout(&out).contains("## Why is this bad?"));
    let out = envcheck(dir.path(), &["explain", "ENV777"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every env file of the project holds unique sentinel values; no command, format or written
/// file may contain one.
#[test]
fn canary_values_never_reach_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let canaries: Vec<String> = (0..8).map(|i| format!("CANARY{i}x7Qv")).collect();
    write(
        root,
        "app.py",
        "import os\nos.environ['DB_PASSWORD']\nos.getenv('API_TOKEN', 'x')\nos.environ['NOT_DOCUMENTED']\n",
    );
    write(
        root,
        ".env.example",
        "DB_PASSWORD=\nAPI_TOKEN=\nSTALE_KEY=\n",
    );
    write(
        root,
        ".env.production",
        &format!(
            "DB_PASSWORD={}\nDB_PASSWORD={}\nAPI_TOKEN=\"{}\"\nBROKEN LINE={}\nUNTERMINATED=\"{}\n",
            canaries[0], canaries[1], canaries[2], canaries[3], canaries[4]
        ),
    );
    write(
        root,
        ".env",
        &format!("SECRET_KEY={}\n{}\n", canaries[5], canaries[6]),
    );
    write(
        root,
        "sub/.env.local",
        &format!("export TOKEN='{}'\n", canaries[7]),
    );
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["init", "-q"])
        .status()
        .expect("git");
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["add", "."])
        .status()
        .expect("git");
    let mut outputs = Vec::new();
    for format in ["full", "concise", "json"] {
        for extra in [
            &[][..],
            &["--no-inline-ignores"][..],
            &["-q"][..],
            &["--select", "ENV0,ENV3"][..],
        ] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(extra);
            outputs.push(envcheck(root, &args));
        }
        outputs.push(envcheck(
            root,
            &["check", "--format", format, "--output", "written.txt"],
        ));
        outputs.push(
            Command::cargo_bin("envcheck")
                .expect("binary")
                .current_dir(root)
                .args(["--color", "always", "check", "--format", format])
                .output()
                .expect("run"),
        );
    }
    // the run finds what it should, so the test exercises the env files
    let out = envcheck(root, &["check", "--format", "json"]);
    let codes: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    for code in ["ENV001", "ENV002", "ENV003", "ENV004", "ENV302"] {
        assert!(
            codes.contains(&code.to_string()),
            "{code} not found: {codes:?}"
        );
    }
    outputs.push(envcheck(root, &["example"]));
    outputs.push(envcheck(root, &["example", "--check"]));
    outputs.push(envcheck(root, &["example", "--write"]));
    outputs.push(envcheck(root, &["scan", "--format", "json"]));
    let written = [
        fs::read_to_string(root.join("written.txt")).unwrap_or_default(),
        fs::read_to_string(root.join(".env.example")).unwrap_or_default(),
    ];
    for (i, out) in outputs.iter().enumerate() {
        for text in [stdout(out), stderr(out)] {
            for c in &canaries {
                assert!(!text.contains(c.as_str()), "run {i} printed canary {c}");
            }
        }
    }
    for text in &written {
        for c in &canaries {
            assert!(
                !text.contains(c.as_str()),
                "a written file holds canary {c}"
            );
        }
    }
}

/// An empty selector (an empty CI variable in `--ignore "$IGNORE"`) names no rule: it neither
/// turns every rule off nor narrows the selection to nothing.
#[test]
fn empty_selectors_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    project(root);
    let all = findings(&envcheck(root, &["check", "--format", "json"]));
    assert!(!all.is_empty());
    for args in [
        &["check", "--format", "json", "--ignore", ""][..],
        &["check", "--format", "json", "--select", ""][..],
        &["check", "--format", "json", "--ignore", " ,"][..],
    ] {
        assert_eq!(findings(&envcheck(root, args)), all, "{args:?}");
    }
}

/// Per-path ignore globs are relative to the configuration file, as include and exclude are:
/// the same finding is ignored whether the whole repository or one directory is checked.
#[test]
fn per_path_ignores_are_relative_to_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "envcheck.toml",
        "[per-path-ignores]\n\"svc/scripts/**\" = [\"ENV001\"]\n",
    );
    write(root, ".env.example", "APP=\n");
    write(
        root,
        "svc/app.py",
        "import os\nos.environ['APP']\nos.environ['OTHER']\n",
    );
    write(
        root,
        "svc/scripts/s.py",
        "import os\nos.environ['SCRIPT_ONLY']\n",
    );
    for args in [
        &["check", "svc", "--format", "json", "--select", "ENV001"][..],
        &["check", "--format", "json", "--select", "ENV001"][..],
    ] {
        let got: Vec<String> = findings(&envcheck(root, args))
            .into_iter()
            .map(|f| f.3)
            .collect();
        assert_eq!(got, ["OTHER"], "{args:?}");
    }
}
