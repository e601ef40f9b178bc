//! Platform and secret-store sources, read through the real binary from the files the platforms'
//! own CLIs write (tests/fixtures/sources/<kind>/, each written after the tool's documentation:
//! `aws ecs describe-task-definition`, `gh secret list --json` / `gh variable list --json`, the
//! GitLab project variables API, `fly.toml` / `fly secrets list --json`, the Render Blueprint
//! spec, `aws ssm get-parameters-by-path`, `infisical export --format json`, `vault kv get
//! -format=json`, `gcloud run services describe --format export`, `helm template` output).
//!
//! Every kind is checked three ways: what `sources` says it provides (names and states), that it
//! works as `--source KIND:PATH[#SELECTOR]` and as a source table in `envcheck.toml`, and that no
//! value of its fixture (all `CANARY-...`) reaches standard output or standard error in any
//! format of `sources` or `diff`.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sources");

const REPORT_FORMATS: [&str; 7] = [
    "full", "concise", "json", "markdown", "github", "sarif", "gitlab",
];

/// One kind: its `--source` argument (fixture path relative to FIXTURES), its config table (the
/// path is `{}`), and the names and states it must provide.
struct Kind {
    arg: &'static str,
    table: &'static str,
    want: &'static [(&'static str, &'static str)],
}

const KINDS: &[Kind] = &[
    Kind {
        // the `secrets` are ARNs ECS resolves at start-up: external; `environment` values
        arg: "ecs:ecs/describe-task-definition.json#api",
        table: r#"{ ecs = "{}", container = "api" }"#,
        want: &[
            ("DATABASE_URL", "external"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
            ("STRIPE_KEY", "external"),
        ],
    },
    Kind {
        arg: "github:github/secrets.json",
        table: r#"{ github = "{}" }"#,
        want: &[("DATABASE_URL", "external"), ("STRIPE_KEY", "external")],
    },
    Kind {
        arg: "github:github/variables.json",
        table: r#"{ github = "{}" }"#,
        want: &[("FEATURE_FLAGS", "empty"), ("LOG_LEVEL", "set")],
    },
    Kind {
        // `production` matches `*`, `prod*` and `production`; the exact scope wins; the hidden
        // variable's null value is external; `review/*` does not apply
        arg: "gitlab:gitlab/variables.json#production",
        table: r#"{ gitlab = "{}", scope = "production" }"#,
        want: &[
            ("DATABASE_URL", "external"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
        ],
    },
    Kind {
        arg: "fly:fly/fly.toml",
        table: r#"{ fly = "{}" }"#,
        want: &[
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
            ("PORT", "set"),
        ],
    },
    Kind {
        arg: "fly:fly/secrets.json",
        table: r#"{ fly = "{}" }"#,
        want: &[("DATABASE_URL", "external"), ("STRIPE_KEY", "external")],
    },
    Kind {
        // the group's variables, generated and database/service values set, `sync: false`
        // entered in the Dashboard: external
        arg: "render:render/render.yaml#api",
        table: r#"{ render = "{}", service = "api" }"#,
        want: &[
            ("DATABASE_URL", "set"),
            ("FEATURE_FLAGS", "empty"),
            ("JWT_SECRET", "set"),
            ("LOG_LEVEL", "set"),
            ("REDIS_URL", "set"),
            ("SENTRY_DSN", "external"),
            ("STRIPE_KEY", "external"),
        ],
    },
    Kind {
        arg: "ssm:ssm/get-parameters-by-path.json#/prod/api/",
        table: r#"{ ssm = "{}", prefix = "/prod/api/" }"#,
        want: &[
            ("DATABASE_URL", "set"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
        ],
    },
    Kind {
        arg: "infisical:infisical/export.json",
        table: r#"{ infisical = "{}" }"#,
        want: &[
            ("DATABASE_URL", "set"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
        ],
    },
    Kind {
        arg: "vault-kv:vault-kv/kv2.json",
        table: r#"{ vault-kv = "{}" }"#,
        want: &[
            ("DATABASE_URL", "set"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
        ],
    },
    Kind {
        // `gcloud run services describe --format export`: a Knative Service; secretKeyRef is
        // Secret Manager: external
        arg: "kubernetes:kubernetes/cloudrun/service.yaml",
        table: r#"{ kubernetes = "{}" }"#,
        want: &[
            ("DATABASE_URL", "external"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
            ("STRIPE_KEY", "external"),
        ],
    },
];

const APP_PY: &str = "\
import os

DATABASE_URL = os.environ['DATABASE_URL']
STRIPE_KEY = os.environ['STRIPE_KEY']
LOG_LEVEL = os.environ['LOG_LEVEL']
FEATURE_FLAGS = os.environ['FEATURE_FLAGS']
NEVER_SET = os.environ['NEVER_SET']
";

/// A project whose code reads the fixtures' names, with the fixtures copied in (so a config may
/// name them inside the repository).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("app.py"), APP_PY).expect("write");
    fs::write(
        dir.path().join(".env.example"),
        "DATABASE_URL=\nSTRIPE_KEY=\nLOG_LEVEL=\nFEATURE_FLAGS=\nNEVER_SET=\n",
    )
    .expect("write");
    copy_dir(Path::new(FIXTURES), &dir.path().join("fx"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn envcheck(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("DOTENV_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        // the binary may stop reading early (an error): a closed pipe is fine
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("waits");
    writer.join().expect("writer");
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The `(name, state)` pairs `sources --format json` lists, over every source.
fn provided(out: &Output) -> Vec<(String, String)> {
    assert!(out.status.success(), "{}", text(out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut got = Vec::new();
    for source in doc["sources"].as_array().expect("sources") {
        for name in source["names"].as_array().expect("names") {
            got.push((
                name["name"].as_str().expect("name").to_string(),
                name["state"].as_str().expect("state").to_string(),
            ));
        }
    }
    got
}

fn want(kind: &Kind) -> Vec<(String, String)> {
    kind.want
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect()
}

/// `KIND:fx/PATH#SEL` for a `--source` argument relative to the project.
fn arg_in_project(kind: &Kind) -> String {
    let (k, rest) = kind.arg.split_once(':').expect("kind");
    format!("{k}:fx/{rest}")
}

fn fixture_path(kind: &Kind) -> &str {
    let rest = kind.arg.split_once(':').expect("kind").1;
    rest.split_once('#').map_or(rest, |(p, _)| p)
}

/// Every value in the fixtures is a canary, or a value that is not secret (`info`, `8080`).
fn assert_no_canary(out: &Output, what: &str) {
    let all = text(out);
    assert!(
        !all.contains("CANARY"),
        "{what}: a value reached the output:\n{all}"
    );
}

#[test]
fn every_kind_reads_its_fixture_from_the_command_line() {
    let dir = project();
    for kind in KINDS {
        let arg = arg_in_project(kind);
        let out = envcheck(
            dir.path(),
            &["sources", "prod", "--source", &arg, "--format", "json"],
            None,
        );
        assert_eq!(provided(&out), want(kind), "{arg}");
    }
}

#[test]
fn every_kind_reads_its_fixture_from_the_configuration() {
    let dir = project();
    for kind in KINDS {
        let table = kind
            .table
            .replace("{}", &format!("fx/{}", fixture_path(kind)));
        fs::write(
            dir.path().join("envcheck.toml"),
            format!("[environments.prod]\nsources = [{table}]\n"),
        )
        .expect("write");
        let out = envcheck(dir.path(), &["sources", "prod", "--format", "json"], None);
        assert_eq!(provided(&out), want(kind), "{table}");
    }
}

#[test]
fn selectors_pick_the_container_scope_service_and_prefix() {
    let dir = project();
    let names = |arg: &str| -> Vec<String> {
        let out = envcheck(
            dir.path(),
            &["sources", "prod", "--source", arg, "--format", "json"],
            None,
        );
        provided(&out).into_iter().map(|(n, _)| n).collect()
    };
    // the log router's own environment
    assert_eq!(
        names("ecs:fx/ecs/describe-task-definition.json#log-router"),
        ["FLB_LOG_LEVEL"]
    );
    // a review app gets the `*` variables and its own
    assert_eq!(
        names("gitlab:fx/gitlab/variables.json#review/feature-1"),
        ["FEATURE_FLAGS", "LOG_LEVEL", "REVIEW_ONLY"]
    );
    // a prefix outside the export: nothing, with a notice (not an error)
    assert!(names("ssm:fx/ssm/get-parameters-by-path.json#/staging/api/").is_empty());
    // a service that is not in the Blueprint is an error naming the ones that are
    let out = envcheck(
        dir.path(),
        &[
            "sources",
            "prod",
            "--source",
            "render:fx/render/render.yaml#worker",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("api"), "{}", text(&out));
    assert_no_canary(&out, "unknown render service");
    // a kind without a selector refuses one, without repeating the argument
    let out = envcheck(
        dir.path(),
        &[
            "sources",
            "prod",
            "--source",
            "github:fx/github/secrets.json#CANARY-X",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_no_canary(&out, "selector on github");
}

#[test]
fn no_value_reaches_any_output_of_sources_or_diff() {
    let dir = project();
    for kind in KINDS {
        let arg = arg_in_project(kind);
        for format in ["full", "json"] {
            let out = envcheck(
                dir.path(),
                &["sources", "prod", "--source", &arg, "--format", format],
                None,
            );
            assert!(out.status.success(), "{arg}: {}", text(&out));
            assert_no_canary(&out, &format!("sources {arg} {format}"));
        }
        for format in REPORT_FORMATS {
            let out = envcheck(
                dir.path(),
                &["diff", "prod", "--source", &arg, "--format", format],
                None,
            );
            // findings (NEVER_SET is missing everywhere), not an error
            assert_eq!(out.status.code(), Some(1), "{arg} {format}: {}", text(&out));
            assert_no_canary(&out, &format!("diff {arg} {format}"));
        }
    }
}

#[test]
fn each_kind_reads_from_standard_input() {
    let dir = project();
    for kind in KINDS {
        let (k, rest) = kind.arg.split_once(':').expect("kind");
        let selector = rest.split_once('#').map(|(_, s)| format!("#{s}"));
        let arg = format!("{k}:-{}", selector.unwrap_or_default());
        let input = fs::read(Path::new(FIXTURES).join(fixture_path(kind))).expect("fixture");
        let out = envcheck(
            dir.path(),
            &["sources", "prod", "--source", &arg, "--format", "json"],
            Some(&input),
        );
        assert_eq!(provided(&out), want(kind), "{arg}");
        assert_no_canary(&out, &arg);
    }
}

/// `helm template ... | envcheck diff prod --source kubernetes:-`: the rendered manifests are
/// read as Kubernetes files.
#[test]
fn rendered_helm_from_standard_input() {
    let dir = project();
    let rendered =
        fs::read(Path::new(FIXTURES).join("kubernetes/rendered/helm-template.yaml")).expect("fx");
    let out = envcheck(
        dir.path(),
        &[
            "sources",
            "prod",
            "--source",
            "kubernetes:-",
            "--format",
            "json",
        ],
        Some(&rendered),
    );
    assert_eq!(
        provided(&out),
        [
            ("DATABASE_URL", "external"),
            ("FEATURE_FLAGS", "empty"),
            ("LOG_LEVEL", "set"),
        ]
        .map(|(n, s)| (n.to_string(), s.to_string()))
    );
    for format in REPORT_FORMATS {
        let out = envcheck(
            dir.path(),
            &[
                "diff",
                "prod",
                "--source",
                "kubernetes:-",
                "--format",
                format,
            ],
            Some(&rendered),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert_no_canary(&out, format);
        if format == "concise" {
            let all = text(&out);
            // STRIPE_KEY is in no manifest: missing, since nothing is opaque
            assert!(
                all.contains("ENV101") && all.contains("STRIPE_KEY"),
                "{all}"
            );
            // the empty ConfigMap value is pointed at on standard input's line
            assert!(all.contains("<stdin>:15"), "{all}");
        }
    }
}

/// Standard input is capped as files are: a larger input is refused, not read whole.
#[test]
fn standard_input_is_capped() {
    let dir = project();
    let mut big = b"apiVersion: v1\nkind: List\nitems: []\n".to_vec();
    big.resize(16 * 1024 * 1024 + 10, b'#');
    let out = envcheck(
        dir.path(),
        &["sources", "prod", "--source", "kubernetes:-"],
        Some(&big),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("larger than"), "{}", text(&out));
}

/// A chart configured as a source is not read, and says once how to pipe `helm template` in:
/// no ENV105 per variable, and nothing reported missing.
#[test]
fn helm_chart_directory_gives_one_notice() {
    let dir = project();
    fs::write(
        dir.path().join("envcheck.toml"),
        "[environments.prod]\nsources = [{ kubernetes = \"fx/kubernetes/chart\" }]\n",
    )
    .expect("write");
    for format in REPORT_FORMATS {
        let out = envcheck(dir.path(), &["diff", "prod", "--format", format], None);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(0), "{format}: {all}");
        // the notice, once, on standard error
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.matches("helm template").count(),
            1,
            "{format}: {all}"
        );
        assert!(stderr.contains("--source kubernetes:-"), "{all}");
        if format == "concise" {
            assert!(
                !String::from_utf8_lossy(&out.stdout).contains("ENV1"),
                "{all}"
            );
        }
        assert_no_canary(&out, format);
    }
    // the templates of a chart matched by a glob: one notice for the source, not one per file
    // and no ENV105 per variable
    fs::write(
        dir.path().join("envcheck.toml"),
        "[environments.prod]\nsources = [{ kubernetes = \"fx/kubernetes/*/templates/*.yaml\" }]\n",
    )
    .expect("write");
    let out = envcheck(dir.path(), &["diff", "prod", "--format", "concise"], None);
    let all = text(&out);
    assert_eq!(all.matches("helm template").count(), 1, "{all}");
    assert!(!all.contains("ENV105") && !all.contains("ENV101"), "{all}");
    let out = envcheck(dir.path(), &["sources", "prod", "--format", "json"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert_no_canary(&out, "sources chart");
}

/// A value that points at a secret manager is external in every kind, dotenv included: never
/// "set with a value" (so neither ENV103 nor a secret rule reads it as one).
#[test]
fn secret_manager_references_are_external() {
    let dir = project();
    fs::write(
        dir.path().join(".env.production"),
        "DATABASE_URL=op://prod/db/url\n\
         STRIPE_KEY=@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stripe/)\n\
         LOG_LEVEL=arn:aws:secretsmanager:us-east-1:123456789012:secret:log-AbCdEf\n\
         FEATURE_FLAGS=projects/p/secrets/flags/versions/latest\n\
         NEVER_SET=vault:secret/data/app#never\n",
    )
    .expect("write");
    let out = envcheck(dir.path(), &["sources", "prod", "--format", "json"], None);
    let got = provided(&out);
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|(_, s)| s == "external"), "{got:?}");
    let out = envcheck(dir.path(), &["diff", "prod"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// A name that is not a variable name (a value pasted where the name belongs, a token) stops the
/// run with the file and line, and never repeats the name.
#[test]
fn bad_names_are_errors_with_file_and_line_never_the_name() {
    let dir = project();
    let cases: [(&str, &str, &str); 5] = [
        (
            "github",
            "bad-gh.json",
            "[\n  {\"name\": \"OK\", \"value\": \"x\"},\n  {\"name\": \"CANARY-BAD-1=value here\", \"value\": \"x\"}\n]\n",
        ),
        (
            "infisical",
            "bad-inf.json",
            "[\n  {\"key\": \"sk_live_CANARYBAD2a1b2c3d4e5f6g7h8i9j0\", \"value\": \"x\"}\n]\n",
        ),
        (
            "vault-kv",
            "bad-kv.json",
            "{\"data\": {\"metadata\": {\"version\": 1}, \"data\": {\n  \"CANARY BAD 3\": \"x\"\n}}}\n",
        ),
        (
            "ssm",
            "bad-ssm.json",
            "{\"Parameters\": [\n  {\"Name\": \"/p/CANARY<BAD>4\", \"Value\": \"x\"}\n]}\n",
        ),
        (
            "ecs",
            "bad-ecs.json",
            "[{\"name\": \"api\", \"environment\": [\n  {\"name\": \"CANARY:BAD:5\", \"value\": \"x\"}\n]}]\n",
        ),
    ];
    for (kind, file, body) in cases {
        fs::write(dir.path().join(file), body).expect("write");
        let arg = format!("{kind}:{file}");
        for command in ["sources", "diff"] {
            let out = envcheck(dir.path(), &[command, "prod", "--source", &arg], None);
            let all = text(&out);
            assert_eq!(out.status.code(), Some(2), "{arg}: {all}");
            assert!(all.contains(&format!("{file}:")), "{arg}: {all}");
            assert_no_canary(&out, &arg);
        }
    }
}

/// A Blueprint that names one large group many times is read once per group: linear work. The
/// ceiling only catches a blow-up (applying the group per `fromGroup` entry would be 20,000 ×
/// 20,000 insertions); it is no timing assertion.
#[test]
fn render_groups_named_many_times_stay_linear() {
    let dir = project();
    let mut text = String::from("envVarGroups:\n  - name: g\n    envVars:\n");
    for i in 0..20_000 {
        text.push_str(&format!("      - key: K{i}\n        value: x\n"));
    }
    text.push_str("services:\n  - type: web\n    name: api\n    envVars:\n");
    for _ in 0..20_000 {
        text.push_str("      - fromGroup: g\n");
    }
    fs::write(dir.path().join("render.yaml"), text).expect("write");
    let started = std::time::Instant::now();
    let out = envcheck(
        dir.path(),
        &[
            "sources",
            "prod",
            "--source",
            "render:render.yaml#api",
            "--format",
            "json",
        ],
        None,
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(provided(&out).len(), 20_000);
}
