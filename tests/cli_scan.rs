//! `envcheck scan` through the real binary, on projects built in a temp dir (so the repo's own
//! `.gitignore` cannot hide fixture files).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn envcheck() -> Command {
    Command::cargo_bin("envcheck").expect("binary")
}

fn scan_json(root: &Path, extra: &[&str]) -> Value {
    let out = envcheck()
        .arg("scan")
        .arg("--format")
        .arg("json")
        .args(extra)
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn names(doc: &Value) -> Vec<String> {
    doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .map(|v| v["name"].as_str().expect("name").to_string())
        .collect()
}

#[test]
fn json_output_is_exactly_the_documented_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\nDEBUG = os.getenv(\"DEBUG\", \"0\") == \"1\"\n",
    );
    write(
        root,
        "app/util.py",
        "import os\n\ndef read(name):\n    return os.getenv(name)\n",
    );
    write(
        root,
        "web/config.ts",
        "export const url = process.env.DATABASE_URL ?? \"postgres://localhost\";\nexport const id = process.env.APP_ID!;\n",
    );
    write(root, "README.md", "os.environ['NOT_CODE']\n");
    write(root, "app/plain.py", "print('no reads here')\n");

    let doc = scan_json(root, &[]);
    let want = json!({
        "version": 1,
        "variables": [
            {
                "name": "APP_ID",
                "requirement": "required",
                "reads": [
                    {"path": "web/config.ts", "line": 2, "column": 31, "kind": "required", "api": "process.env.X", "when": "startup"}
                ]
            },
            {
                "name": "DATABASE_URL",
                "requirement": "required",
                "reads": [
                    {"path": "app/settings.py", "line": 3, "column": 27, "kind": "required", "api": "os.environ[]", "when": "startup"},
                    {"path": "web/config.ts", "line": 1, "column": 32, "kind": "default", "api": "process.env.X", "when": "startup"}
                ]
            },
            {
                "name": "DEBUG",
                "requirement": "default",
                "reads": [
                    {"path": "app/settings.py", "line": 4, "column": 19, "kind": "default", "api": "os.getenv", "when": "startup"}
                ]
            }
        ],
        "dynamic": [
            {"path": "app/util.py", "line": 4, "column": 22, "api": "os.getenv", "expression": "name"}
        ],
        // app/util.py defines `read`, a helper that reads a variable named by its parameter; the
        // second pass parses files that name it, and app/plain.py does not (`reads` in a string
        // is another word), so it stays unparsed.
        "files": {"scanned": 4, "parsed": 3, "errors": 0, "partial": 0}
    });
    assert_eq!(
        doc,
        want,
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    );
}

#[test]
fn full_output_is_a_sorted_table_with_a_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "b.py",
        "import os\nos.getenv('ZED', 'z')\nos.environ['ALPHA']\n",
    );
    let out = envcheck()
        .arg("scan")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let want = "\
VARIABLE  REQUIREMENT  READS  FIRST READ
ALPHA     required         1  b.py:3:12
ZED       default          1  b.py:2:11

2 variables (1 required, 0 optional, 1 with defaults, 0 presence only), 0 dynamic reads; 1 of 1 files parsed
";
    assert_eq!(text, want);
}

#[test]
fn gitignore_is_honoured_without_a_git_checkout_and_dependency_dirs_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "generated/\n");
    write(
        root,
        "generated/a.py",
        "import os\nos.getenv('GENERATED')\n",
    );
    write(
        root,
        "node_modules/pkg/index.js",
        "process.env.FROM_NODE_MODULES\n",
    );
    write(
        root,
        ".venv/lib/x.py",
        "import os\nos.getenv('FROM_VENV')\n",
    );
    write(root, "env2/pyvenv.cfg", "home = /usr/bin\n");
    write(
        root,
        "env2/lib/site.py",
        "import os\nos.getenv('FROM_ODD_VENV')\n",
    );
    write(root, "dist/bundle.js", "process.env.FROM_DIST\n");
    write(root, "web/app.min.js", "process.env.FROM_MINIFIED\n");
    write(
        root,
        ".config/prisma.ts",
        "export const u = process.env.HIDDEN_DIR_IS_CODE;\n",
    );
    write(root, "src/app.py", "import os\nos.getenv('KEPT')\n");
    let doc = scan_json(root, &[]);
    assert_eq!(names(&doc), vec!["HIDDEN_DIR_IS_CODE", "KEPT"]);
}

#[test]
fn test_files_are_left_out_unless_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "src/app.py", "import os\nos.getenv('APP')\n");
    write(
        root,
        "tests/helpers.py",
        "import os\nos.getenv('IN_TESTS_DIR')\n",
    );
    write(
        root,
        "src/test_util.py",
        "import os\nos.getenv('TEST_PREFIX')\n",
    );
    write(
        root,
        "src/util_test.py",
        "import os\nos.getenv('TEST_SUFFIX')\n",
    );
    write(
        root,
        "src/conftest.py",
        "import os\nos.getenv('CONFTEST')\n",
    );
    write(root, "web/a.test.ts", "process.env.DOT_TEST;\n");
    write(root, "web/a.spec.tsx", "process.env.DOT_SPEC;\n");
    write(
        root,
        "web/__tests__/a.ts",
        "process.env.UNDERSCORE_TESTS;\n",
    );
    write(root, "e2e/flow.ts", "process.env.E2E;\n");
    assert_eq!(names(&scan_json(root, &[])), vec!["APP"]);
    assert_eq!(
        names(&scan_json(root, &["--include-tests"])),
        vec![
            "APP",
            "CONFTEST",
            "DOT_SPEC",
            "DOT_TEST",
            "E2E",
            "IN_TESTS_DIR",
            "TEST_PREFIX",
            "TEST_SUFFIX",
            "UNDERSCORE_TESTS"
        ]
    );
    // A path the user names is scanned even when it is called tests/.
    assert_eq!(
        names(&scan_json(&root.join("tests"), &[])),
        vec!["IN_TESTS_DIR"]
    );
}

#[test]
fn every_extension_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for ext in ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"] {
        write(
            root,
            &format!("src/a.{ext}"),
            &format!("export const a = process.env.V_{};\n", ext.to_uppercase()),
        );
    }
    write(
        root,
        "src/types.d.ts",
        "declare const x: typeof process.env.IN_DTS;\n",
    );
    write(root, "src/a.py", "import os\nos.getenv('V_PY')\n");
    assert_eq!(
        names(&scan_json(root, &[])),
        vec![
            "V_CJS", "V_CTS", "V_JS", "V_JSX", "V_MJS", "V_MTS", "V_PY", "V_TS", "V_TSX"
        ]
    );
}

#[test]
fn a_missing_path_is_an_error_that_names_it() {
    let out = envcheck()
        .args(["scan", "no/such/dir"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/dir"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn broken_and_odd_files_do_not_stop_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "a_broken.py",
        "import os\nX = os.getenv('BEFORE')\ndef f(:\nY = os.environ['AFTER']\n",
    );
    fs::write(
        root.join("b_latin1.py"),
        b"import os\n# caf\xe9\nos.getenv('LATIN1')\n",
    )
    .expect("write");
    fs::write(root.join("c_binary.py"), b"import os\0os.getenv('BINARY')").expect("write");
    write(root, "d_ok.py", "import os\nos.getenv('OK')\n");
    let out = envcheck()
        .args(["scan", "--format", "json"])
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(names(&doc), vec!["AFTER", "BEFORE", "LATIN1", "OK"]);
    assert_eq!(doc["files"]["partial"], 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a_broken.py: syntax errors"), "{err}");
    assert!(err.contains("b_latin1.py: not valid UTF-8"), "{err}");
    assert!(err.contains("c_binary.py: binary file"), "{err}");
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for i in 0..60 {
        write(
            root,
            &format!("pkg{}/m{i}.py", i % 7),
            &format!(
                "import os\nos.getenv('V{}', 'd')\nos.environ['W{i}']\n",
                i % 5
            ),
        );
    }
    let one = envcheck()
        .args(["scan", "--format", "json", "--threads", "1"])
        .arg(root)
        .output()
        .expect("run");
    let many = envcheck()
        .args(["scan", "--format", "json", "--threads", "4"])
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(one.stdout, many.stdout);
    assert!(!one.stdout.is_empty());
}

/// Long runs of comment lines, as in a settings module with a block commented out: the Python
/// grammar scans them in time quadratic in the run (3,000 lines ran past the parse time limit,
/// and the file went unread), so the parser reads comments as blanks. Every read is found, on
/// its line, with a comment after it.
#[test]
fn long_runs_of_python_comment_lines_are_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let block =
        "# DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n".repeat(20_000);
    let indented = format!("    {}", block.replace('\n', "\n    "))
        .trim_end()
        .to_string();
    write(
        root,
        "app/settings.py",
        &format!(
            "import os\n\nSECRET_KEY = os.environ['SECRET_KEY']\n{block}\ndef cache():\n{indented}\n    return os.getenv('CACHE_URL')  # after the block\n{block}LEGACY = os.environ['LEGACY']  # envcheck: ignore\n"
        ),
    );
    let doc = scan_json(root, &["--no-cache"]);
    assert_eq!(doc["files"]["parsed"], 1, "{}", doc["files"]);
    assert_eq!(doc["files"]["partial"], 0, "{}", doc["files"]);
    let lines: Vec<(String, u64)> = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .flat_map(|v| {
            let name = v["name"].as_str().expect("name").to_string();
            v["reads"]
                .as_array()
                .expect("reads")
                .iter()
                .map(move |r| (name.clone(), r["line"].as_u64().expect("line")))
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("CACHE_URL".to_string(), 40_006),
            ("LEGACY".to_string(), 60_007),
            ("SECRET_KEY".to_string(), 3)
        ]
    );
}
