//! Names and paths from an untrusted repository, through the real binary.
//!
//! - Every name from every source passes one check (`sources::name_problem`) before it can reach
//!   a report: a Kubernetes `envFrom` prefix joined to a key, the process environment, names the
//!   extractors build from code literals (pydantic `env_prefix`), an over-long name in an env
//!   file. A bad name is an error naming the file and line and never the name; the process
//!   environment leaves such variables out with a note that counts them.
//! - Bare lines of env files (a word without `=`) are keys only when they have the shape of a
//!   name: upper-case hex and base32 values on a line of their own are errors that print nothing
//!   of the line, and compose's pass-through `FOO` keeps working.
//! - Every emitter escapes for its own medium: file names holding newlines, `::`, `%`, `<img>`,
//!   `[text](url)`, `|`, backticks, bidi and zero-width characters cannot inject a workflow
//!   command, HTML, a link, an image or a table cell, nor reach any format raw. The Markdown is
//!   rendered by comrak (a port of GitHub's cmark-gfm, with tables and autolinks) to check what
//!   GitHub would show.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Generous: the debug binary on a busy two-core machine; a hang is caught, not waited out.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Characters that must never reach any output raw: bidi overrides and isolates, zero-width
/// and invisible ones, line separators, ESC.
const HIDDEN: [char; 9] = [
    '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{200f}', '\u{2028}', '\u{2060}', '\u{feff}',
    '\u{1b}',
];

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::cargo_bin("envcheck").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    assert!(out.status.code().is_some(), "envcheck {args:?} was killed");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_never_in(out: &Output, needles: &[&str]) {
    for needle in needles {
        assert!(
            !stdout(out).contains(needle) && !stderr(out).contains(needle),
            "{needle:?} reached the output:\n{}\n{}",
            stdout(out),
            stderr(out)
        );
    }
}

const CONFIG_MAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  KEY: CANARY-K8S-1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          envFrom:
            - prefix: PREFIX_PLACE
              configMapRef:
                name: settings
";

#[test]
fn an_env_from_prefix_joined_to_a_key_is_checked_like_any_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['APP_KEY']\n");
    for prefix in [
        "\"A\\n::error::injected<img src=x>\"",
        "\"X<img src=x>\"",
        "\"X\\u202e\"",
        "'ZZ:'",
    ] {
        write(
            root,
            "deploy.yaml",
            CONFIG_MAP.replace("PREFIX_PLACE", prefix),
        );
        for args in [
            &["sources", "prod", "--source", "kubernetes:deploy.yaml"][..],
            &[
                "sources",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "json",
            ],
            &[
                "diff",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "github",
            ],
            &[
                "diff",
                "prod",
                "--source",
                "kubernetes:deploy.yaml",
                "--format",
                "markdown",
            ],
        ] {
            let out = run(root, args, &[]);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{prefix} {args:?}: {}",
                stdout(&out)
            );
            // the file and the prefix's line, never the prefix
            assert!(
                stderr(&out).contains("deploy.yaml:18: an envFrom prefix"),
                "{prefix}: {}",
                stderr(&out)
            );
            assert_never_in(&out, &["injected", "img src", "\u{202e}", "ZZ:", "CANARY"]);
        }
    }
    // a prefix that is the start of a name makes names
    write(
        root,
        "deploy.yaml",
        CONFIG_MAP.replace("PREFIX_PLACE", "APP_"),
    );
    let out = run(
        root,
        &["sources", "prod", "--source", "kubernetes:deploy.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("  APP_KEY  set"), "{}", stdout(&out));
}

#[test]
fn process_environment_variables_whose_names_are_no_names_are_left_out_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['GOOD_NAME']\n");
    let env = [
        ("A\n::error file=x::injected", "CANARY-ENV-1"),
        ("B\u{202e}C", "CANARY-ENV-2"),
        ("D<img src=x>", "CANARY-ENV-3"),
        ("GOOD_NAME", "CANARY-ENV-4"),
    ];
    let full = run(root, &["sources", "ci", "--source", "env"], &env);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    assert!(stdout(&full).contains("  GOOD_NAME "), "{}", stdout(&full));
    // one note counts them (the test harness may add odd names of its own: at least these 3)
    let note = stdout(&full)
        .lines()
        .find(|l| l.contains("of the process environment have a name that is not a variable"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no note:\n{}", stdout(&full)));
    let count: usize = note
        .trim_start()
        .trim_start_matches("note: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {note}"));
    assert!(count >= 3, "{note}");
    let json = run(
        root,
        &["sources", "ci", "--source", "env", "--format", "json"],
        &env,
    );
    let doc: Value = serde_json::from_slice(&json.stdout).expect("json");
    let names: Vec<&str> = doc["sources"][0]["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert!(names.contains(&"GOOD_NAME"));
    for out in [
        &full,
        &json,
        &run(
            root,
            &["diff", "ci", "--source", "env", "--format", "github"],
            &env,
        ),
    ] {
        assert_never_in(out, &["injected", "\u{202e}", "img src", "CANARY"]);
        assert!(
            stdout(out)
                .lines()
                .all(|l| !l.starts_with("::error file=x")),
            "{}",
            stdout(out)
        );
    }
}

#[test]
fn names_built_from_code_literals_pass_the_same_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "settings.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\
         class S(BaseSettings):\n\
         \x20   model_config = SettingsConfigDict(env_prefix='X<img src=y>::error::')\n\
         \x20   token: str\n\
         class T(BaseSettings):\n\
         \x20   café: str\n\
         \x20   plain: str\n",
    );
    let json = run(root, &["scan", "--format", "json"], &[]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let doc: Value = serde_json::from_slice(&json.stdout).expect("json");
    let names: Vec<&str> = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(names, ["PLAIN"], "{}", stdout(&json));
    // the reads are still there, as reads envcheck cannot check
    let dynamic: Vec<&str> = doc["dynamic"]
        .as_array()
        .expect("dynamic")
        .iter()
        .filter_map(|d| d["expression"].as_str())
        .collect();
    assert_eq!(dynamic, ["S.token", "T.café"], "{}", stdout(&json));
    for format in ["full", "json"] {
        let out = run(root, &["scan", "--format", format], &[]);
        assert_never_in(&out, &["img src", "::error::"]);
    }
    let out = run(root, &["check", "--format", "github"], &[]);
    assert_never_in(&out, &["img src", "::error::"]);
}

#[test]
fn an_over_long_name_is_an_error_that_does_not_repeat_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    let long = format!("N{}", "AMELONG".repeat(40));
    write(
        root,
        ".env.production",
        format!("A=1\n{long}=CANARY-LONG-1\n"),
    );
    write(
        root,
        "dump.json",
        format!("{{\"A\": \"1\", \"{long}\": \"x\"}}"),
    );
    write(root, ".env.example", format!("A=\n{long}=\n"));
    let check = run(root, &["check"], &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stdout(&check).contains(".env.example:2:1"),
        "{}",
        stdout(&check)
    );
    assert_never_in(&check, &["AMELONGAMELONG"]);
    for args in [
        &["diff", "prod"][..],
        &["sources", "prod"],
        &["diff", "prod", "--source", "json:dump.json"],
    ] {
        let out = run(root, args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("longer than 256 characters"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_never_in(&out, &["AMELONGAMELONG", "CANARY"]);
    }
}

#[test]
fn bare_lines_are_keys_only_with_the_shape_of_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\nos.environ['A']\n");
    // upper-case hex and base32 secrets on a line of their own (a value wrapped onto the next
    // line, a TOTP seed pasted without its key)
    let values = [
        "DEADBEEF00112233445566778899AABB",
        "JBSWY3DPEHPK3PXP",
        "MFRGGZDFMZTWQ2LK",
    ];
    for value in values {
        write(root, ".env.production", format!("A=1\n{value}\n"));
        write(root, ".env.example", format!("A=\n{value}\n"));
        let diff = run(root, &["diff", "prod"], &[]);
        assert_eq!(diff.status.code(), Some(2), "{value}: {}", stdout(&diff));
        assert!(
            stderr(&diff).contains(".env.production:2:1: a word without `=`"),
            "{value}: {}",
            stderr(&diff)
        );
        let check = run(root, &["check", "--format", "json"], &[]);
        let doc: Value = serde_json::from_slice(&check.stdout).expect("json");
        let invalid: Vec<&Value> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["code"] == "ENV004" && f["line"] == 2)
            .collect();
        assert_eq!(invalid.len(), 2, "{value}: {}", stdout(&check));
        for out in [&diff, &check, &run(root, &["sources", "prod"], &[])] {
            assert_never_in(out, &[value]);
        }
    }
    // names on lines of their own keep working: compose passes them through from the shell
    fs::remove_file(root.join(".env.production")).expect("rm");
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    image: x\n    env_file: web.env\n",
    );
    write(
        root,
        "web.env",
        "FOO\nDATABASE_URL\nOAUTH2_CLIENT_ID\nPGSSLMODE\nA=1\n",
    );
    let out = run(
        root,
        &["sources", "prod", "--source", "compose:compose.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in ["FOO", "DATABASE_URL", "OAUTH2_CLIENT_ID", "PGSSLMODE"] {
        assert!(
            stdout(&out)
                .lines()
                .any(|l| l.trim_start().starts_with(name) && l.ends_with("pass-through")),
            "{name}: {}",
            stdout(&out)
        );
    }
}

/// File names a repository may hold, each aimed at an output medium.
const HOSTILE_CODE_FILES: [&str; 7] = [
    "nl\n::error file=z::injected.py",
    "a::error::b.py",
    "p%0Aq%3A.py",
    "bidi\u{202e}yp.txt.py",
    "zw\u{200b}x\u{2066}y\u{2069}.py",
    "pi|pe`x``y.py",
    "![img](https:evil.example)<details>.py",
];

/// The env source the configuration names: its path is the label ENV104 messages repeat.
const HOSTILE_SOURCE: &str = "[click](https:evil.example)<img src=x>www.evil.example\u{2028}.env";

fn hostile_repository(root: &Path) {
    for (i, name) in HOSTILE_CODE_FILES.iter().enumerate() {
        write(
            root,
            &format!("app/{name}"),
            format!("import os\nos.environ['VAR_{i}']\n"),
        );
    }
    write(root, ".env.example", "");
    write(root, HOSTILE_SOURCE, "UNUSED_ONE=1\nVAR_0=1\n");
    let quoted = serde_json::to_string(HOSTILE_SOURCE).expect("toml string");
    write(
        root,
        "envcheck.toml",
        format!("[environments.prod]\nsources = [{quoted}]\n"),
    );
}

/// Runs `check` and `diff prod` in `format`, with the job summary, and returns every text they
/// wrote: (what, text).
fn hostile_outputs(root: &Path, format: &str) -> Vec<(String, String)> {
    let summary = root.join("summary.md");
    let summary_arg = summary.display().to_string();
    let mut texts = Vec::new();
    for command in ["check", "diff"] {
        let _ = fs::remove_file(&summary);
        let mut args = vec![command];
        if command == "diff" {
            args.push("prod");
        }
        args.extend(["--format", format, "--summary-file", &summary_arg]);
        let out = run(root, &args, &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{command} {format}: {}",
            stderr(&out)
        );
        texts.push((format!("{command} {format} stdout"), stdout(&out)));
        texts.push((format!("{command} {format} stderr"), stderr(&out)));
        texts.push((
            format!("{command} {format} summary"),
            fs::read_to_string(&summary).expect("summary"),
        ));
    }
    texts
}

/// GitHub's rendering of Markdown, near enough: GFM tables and autolinks, raw HTML kept so that
/// any that got through shows.
fn render_markdown(text: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(text, &options)
}

fn assert_safe_markdown(what: &str, text: &str) {
    let html = render_markdown(text);
    for tag in ["<img", "<a ", "<details", "<script"] {
        assert!(
            !html.contains(tag),
            "{what}: {tag} rendered:\n{text}\n{html}"
        );
    }
    // every row of every table keeps its four cells
    for row in html.split("<tr>").skip(1) {
        let row = row.split("</tr>").next().unwrap_or_default();
        let cells = row.matches("<td").count() + row.matches("<th").count();
        assert_eq!(cells, 4, "{what}: a broken row: {row}\n{text}");
    }
}

/// Checks that a SARIF plain-text message holds no embedded link (`[text](target)`): every
/// square bracket is escaped where the text holds `](`.
fn assert_no_embedded_link(text: &str) {
    if !text.contains("](") {
        return;
    }
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' | ']' => panic!("an unescaped bracket makes a link: {text}"),
            _ => {}
        }
    }
}

/// Every `message`, `text` and `description` string of a JSON report, one per line.
fn messages(doc: &Value) -> String {
    let mut out = String::new();
    let mut stack = vec![doc];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("message" | "text" | "description", Value::String(s)) => {
                            out.push_str(s);
                            out.push('\n');
                        }
                        _ => stack.push(v),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Runs `check` and `diff` in `format` over the hostile repository and checks what every
/// output medium needs.
fn escapes_for_its_medium(format: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    hostile_repository(root);
    for (what, text) in hostile_outputs(root, format) {
        // JSON formats carry paths as data, as they are (serde escapes control characters):
        // what a person reads, a message, is escaped
        let json = ["json", "sarif", "gitlab"].contains(&format) && what.ends_with("stdout");
        let read = if json {
            messages(&serde_json::from_str(&text).expect("valid JSON"))
        } else {
            text.clone()
        };
        for c in HIDDEN {
            assert!(!read.contains(c), "{what}: {c:?} passed raw:\n{read}");
        }
        // no line of any output is a workflow command but the ones `github` writes
        for line in text.lines() {
            assert!(
                !line.starts_with("::") || what.ends_with("github stdout"),
                "{what}: an injected command: {line}"
            );
        }
        if what.ends_with("summary") || what.ends_with("markdown stdout") {
            assert_safe_markdown(&what, &text);
        }
        if what.ends_with("github stdout") {
            for line in text.lines() {
                let rest = ["::error ", "::warning ", "::notice "]
                    .iter()
                    .find_map(|p| line.strip_prefix(p))
                    .unwrap_or_else(|| panic!("{what}: not a command: {line}"));
                // properties end at the first `::`; `:` and `,` inside them are escaped
                let (props, _message) = rest.split_once("::").expect("a message");
                for prop in props.split(',') {
                    let (key, _) = prop.split_once('=').expect("key=value");
                    assert!(
                        matches!(
                            key,
                            "file" | "line" | "endLine" | "col" | "endColumn" | "title"
                        ),
                        "{what}: a forged property {key}: {line}"
                    );
                }
            }
            // the toolkit decodes `%25` back to `%`: the file's `%0A` stays text
            assert!(text.contains("p%250Aq%253A.py"), "{what}:\n{text}");
        }
        if what.ends_with("sarif stdout") {
            let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
            for result in log["runs"][0]["results"].as_array().expect("results") {
                assert_no_embedded_link(result["message"]["text"].as_str().expect("text"));
            }
        }
    }
}

#[test]
fn terminal_formats_escape_names_and_paths() {
    escapes_for_its_medium("full");
    escapes_for_its_medium("concise");
}

#[test]
fn workflow_commands_escape_names_and_paths() {
    escapes_for_its_medium("github");
}

#[test]
fn markdown_escapes_names_and_paths() {
    escapes_for_its_medium("markdown");
}

#[test]
fn sarif_escapes_names_and_paths() {
    escapes_for_its_medium("sarif");
}

#[test]
fn json_and_gitlab_escape_messages() {
    escapes_for_its_medium("json");
    escapes_for_its_medium("gitlab");
}

#[test]
fn scan_and_sources_escape_paths_labels_and_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    hostile_repository(root);
    for args in [
        &["scan"][..],
        &["scan", "--format", "json"],
        &["sources", "prod"],
        &["sources", "prod", "--format", "json"],
    ] {
        let out = run(root, args, &[]);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out) + &stderr(&out);
        for c in HIDDEN {
            // JSON carries paths as data, as they are (serde escapes control characters)
            if args.contains(&"json") && !c.is_control() {
                continue;
            }
            assert!(!text.contains(c), "{args:?}: {c:?} passed raw:\n{text}");
        }
        for line in text.lines() {
            assert!(
                !line.starts_with("::"),
                "{args:?}: an injected command: {line}"
            );
        }
    }
}
