//! The Kubernetes, compose and JSON source readers over the fixture files in
//! `tests/fixtures/sources/`, and the canary check: every value in those fixtures is a unique
//! sentinel (`CANARY-…` or a number `73570NN`), and no result or error, formatted with `Debug`
//! or `Display`, may contain one, nor the base64 form of one.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use envcheck::sources::{SourceData, SourceError, ValueState, compose, json, kubernetes};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources")
}

/// `(display path relative to tests/fixtures/sources, text)`.
fn load(rel: &str) -> (String, String) {
    let text = std::fs::read_to_string(fixtures().join(rel))
        .unwrap_or_else(|e| panic!("fixture {rel}: {e}"));
    (rel.to_string(), text)
}

fn load_all(rels: &[&str]) -> Vec<(String, String)> {
    rels.iter().map(|r| load(r)).collect()
}

const K8S_APP: &[&str] = &[
    "kubernetes/app/config.yaml",
    "kubernetes/app/deployment.yaml",
    "kubernetes/app/cronjob.yaml",
    "kubernetes/list.yaml",
    "kubernetes/helm/templates/deployment.yaml",
];

fn names(data: &SourceData) -> Vec<&str> {
    data.provided.iter().map(|p| p.name.as_str()).collect()
}

fn state<'a>(data: &'a SourceData, name: &str) -> &'a ValueState {
    &data
        .provided
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} not provided; got {:?}", names(data)))
        .state
}

fn value(data: &SourceData, name: &str) -> String {
    match state(data, name) {
        ValueState::Value(v) => v.expose().to_string(),
        other => panic!("{name}: expected a value, got {other:?}"),
    }
}

fn where_(data: &SourceData, name: &str) -> (String, usize) {
    let p = data
        .provided
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} not provided"));
    (p.path.clone(), p.line)
}

#[test]
fn kubernetes_manifests() {
    let data = kubernetes::read(&load_all(K8S_APP), None).expect("reads");
    assert_eq!(
        names(&data),
        [
            "CACHE_TTL",
            "DATABASE_PASSWORD",
            "DATABASE_URL",
            "ENABLE_TRACING",
            "FEATURE_FLAGS",
            "LEGACY_CACHE_TTL",
            "LEGACY_FEATURE_FLAGS",
            "LEGACY_LOG_LEVEL",
            "LOG_LEVEL",
            "MAIL_SMTP_PASSWORD",
            "MEMORY_LIMIT",
            "MIGRATION_LOCK_TIMEOUT",
            "POD_NAME",
            "PORT",
            "QUEUE_NAME",
            "RABBITMQ_DEFAULT_PASS",
            "REDIS_PASSWORD",
            "REPORT_BUCKET",
            "REPORT_RECIPIENTS",
            "SESSION_KEY",
            "STATSD_MAPPING",
            "STRIPE_API_KEY",
        ]
    );
    // env beats envFrom; Secret data is decoded; stringData is read as is.
    assert_eq!(value(&data, "LOG_LEVEL"), "CANARY-K8S-9");
    assert_eq!(value(&data, "LEGACY_LOG_LEVEL"), "CANARY-K8S-1");
    assert_eq!(value(&data, "DATABASE_PASSWORD"), "CANARY-K8S-4");
    assert_eq!(value(&data, "STRIPE_API_KEY"), "CANARY-K8S-6");
    assert_eq!(value(&data, "MAIL_SMTP_PASSWORD"), "CANARY-K8S-11");
    assert_eq!(value(&data, "PORT"), "7357001");
    assert_eq!(value(&data, "REPORT_RECIPIENTS"), "");
    assert_eq!(value(&data, "QUEUE_NAME"), "CANARY-K8S-13");
    for external in ["REDIS_PASSWORD", "POD_NAME", "MEMORY_LIMIT"] {
        assert!(
            matches!(state(&data, external), ValueState::External),
            "{external}"
        );
    }
    assert_eq!(
        where_(&data, "DATABASE_URL"),
        ("kubernetes/app/deployment.yaml".to_string(), 45)
    );
    assert_eq!(
        where_(&data, "DATABASE_PASSWORD"),
        ("kubernetes/app/config.yaml".to_string(), 21)
    );
    assert_eq!(
        where_(&data, "LEGACY_FEATURE_FLAGS"),
        ("kubernetes/app/config.yaml".to_string(), 11)
    );
    assert_eq!(
        where_(&data, "QUEUE_NAME"),
        ("kubernetes/list.yaml".to_string(), 12)
    );
    assert!(!names(&data).contains(&"HELM_ONLY"));

    // a Helm template and references to stores not in the files (optional ones too) leave
    // what the pods get unknown; the template once for the whole source
    assert_eq!(
        data.unrendered.as_deref(),
        Some("kubernetes/helm/templates/deployment.yaml: Helm template, not rendered")
    );
    assert_eq!(
        data.opaque,
        [
            "envFrom secretRef `api-external-secrets` is not in the manifests",
            "optional envFrom configMapRef `api-overrides` is not in the manifests",
            "optional envFrom secretRef `report-extra` is not in the manifests",
        ]
    );
    let notices = data.notices.join("\n");
    assert!(
        notices.contains(
            "kubernetes/app/deployment.yaml:50: env PORT has a non-string value; the API server rejects it"
        ),
        "{notices}"
    );
    assert!(
        notices.contains(
            "kubernetes/app/deployment.yaml:52: env ENABLE_TRACING has a non-string value"
        ),
        "{notices}"
    );
    assert!(
        notices.contains("read 5 containers together (api, metrics, migrate, queue, report)"),
        "{notices}"
    );
    assert!(
        notices.contains("kubernetes/helm/templates/deployment.yaml: Helm templates are not read"),
        "{notices}"
    );
}

#[test]
fn kubernetes_container_selector() {
    let files = load_all(K8S_APP);
    let data = kubernetes::read(&files, Some("report")).expect("reads");
    assert_eq!(
        names(&data),
        ["MAIL_SMTP_PASSWORD", "REPORT_BUCKET", "REPORT_RECIPIENTS"]
    );
    assert!(data.unrendered.is_some());
    assert_eq!(
        data.opaque,
        ["optional envFrom secretRef `report-extra` is not in the manifests"]
    );

    let data = kubernetes::read(&files, Some("migrate")).expect("reads");
    assert_eq!(names(&data), ["MIGRATION_LOCK_TIMEOUT"]);

    let err = kubernetes::read(&files, Some("frontend")).expect_err("no such container");
    assert!(
        err.message
            .contains("containers found: api, metrics, migrate, queue, report"),
        "{err}"
    );
}

#[test]
fn kubernetes_envfrom_without_the_referenced_file_is_opaque() {
    let files = load_all(&["kubernetes/app/deployment.yaml"]);
    let data = kubernetes::read(&files, Some("api")).expect("reads");
    assert_eq!(
        data.opaque,
        [
            "envFrom configMapRef `api-config` is not in the manifests",
            "envFrom secretRef `api-secrets` is not in the manifests",
            "envFrom secretRef `api-external-secrets` is not in the manifests",
            "optional envFrom configMapRef `api-overrides` is not in the manifests",
        ]
    );
    assert_eq!(value(&data, "LOG_LEVEL"), "CANARY-K8S-9");
}

#[test]
fn kubernetes_invalid_files() {
    let err = kubernetes::read(&load_all(&["kubernetes/invalid/malformed.yaml"]), None)
        .expect_err("malformed");
    assert_eq!(err.path, "kubernetes/invalid/malformed.yaml");
    assert!(err.line.is_some_and(|l| l >= 10), "{err:?}");

    let err = kubernetes::read(&load_all(&["kubernetes/invalid/bad-base64.yaml"]), None)
        .expect_err("bad base64");
    assert_eq!(err.path, "kubernetes/invalid/bad-base64.yaml");
    assert_eq!(err.line, Some(7));
    assert!(err.message.contains("`BROKEN_KEY`"), "{err}");
    assert!(err.message.contains("`broken-secret`"), "{err}");
}

#[test]
fn yaml_alias_bombs_are_refused_quickly() {
    let started = Instant::now();
    let err = kubernetes::read(&load_all(&["kubernetes/invalid/billion-laughs.yaml"]), None)
        .expect_err("alias bomb");
    assert!(err.message.contains("alias"), "{err}");
    let (path, text) = load("compose/invalid/billion-laughs.yaml");
    let err = compose::read(&path, &text, None).expect_err("alias bomb");
    assert!(err.message.contains("alias"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn compose_services() {
    let (path, text) = load("compose/compose.yaml");
    let err = compose::read(&path, &text, None).expect_err("several services");
    assert!(err.message.contains("db, web, worker"), "{err}");

    let web = compose::read(&path, &text, Some("web")).expect("reads");
    assert_eq!(web.service, "web");
    let d = &web.data;
    assert_eq!(
        names(d),
        [
            "AWS_PROFILE",
            "DATABASE_URL",
            "DEBUG",
            "EMPTY_ON_PURPOSE",
            "LOG_FORMAT",
            "PORT",
            "PRICE_TEMPLATE",
            "SENTRY_DSN",
            "STRIPE_API_KEY",
            "TZ",
        ]
    );
    assert_eq!(value(d, "TZ"), "CANARY-COMPOSE-1");
    assert_eq!(value(d, "DATABASE_URL"), "CANARY-COMPOSE-3");
    assert_eq!(value(d, "PORT"), "7357002");
    assert_eq!(value(d, "PRICE_TEMPLATE"), "CANARY-COMPOSE-4$");
    for shell in ["AWS_PROFILE", "SENTRY_DSN"] {
        assert!(
            matches!(state(d, shell), ValueState::PassThrough),
            "{shell}"
        );
    }
    // `${STRIPE_API_KEY:?...}`: never empty (the deploy fails without it), and required of the
    // deploying shell
    assert!(matches!(state(d, "STRIPE_API_KEY"), ValueState::Set));
    let required: Vec<&str> = d.required.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(required, ["STRIPE_API_KEY"]);
    assert_eq!(
        where_(d, "DATABASE_URL"),
        ("compose/compose.yaml".to_string(), 15)
    );
    assert_eq!(where_(d, "TZ"), ("compose/compose.yaml".to_string(), 4));
    assert_eq!(
        web.env_files,
        [compose::EnvFileRef {
            path: ".env".to_string(),
            required: true,
            line: 12,
            shared_with: Vec::new(),
        }]
    );

    let worker = compose::read(&path, &text, Some("worker")).expect("reads");
    let d = &worker.data;
    assert_eq!(
        names(d),
        ["HOME", "QUEUE_URL", "REDIS_URL", "WORKER_CONCURRENCY"]
    );
    assert_eq!(value(d, "QUEUE_URL"), "CANARY-COMPOSE-5");
    assert!(matches!(state(d, "HOME"), ValueState::PassThrough));
    // `redis://:${REDIS_PASSWORD}@cache:6379`: the shell's password, in a value never empty
    assert!(matches!(state(d, "REDIS_URL"), ValueState::Set));
    let files: Vec<_> = worker
        .env_files
        .iter()
        .map(|f| (f.path.as_str(), f.required))
        .collect();
    assert_eq!(
        files,
        [
            ("./config/worker.env", true),
            ("./config/worker.local.env", false)
        ]
    );

    let db = compose::read(&path, &text, Some("db")).expect("reads");
    assert_eq!(db.env_files.len(), 2);
    assert_eq!(value(&db.data, "POSTGRES_PASSWORD"), "CANARY-COMPOSE-7");

    let err = compose::read(&path, &text, Some("cache")).expect_err("unknown service");
    assert!(err.message.contains("`cache`") && err.message.contains("db, web, worker"));

    let (path, text) = load("compose/single.yml");
    let app = compose::read(&path, &text, None).expect("one service");
    assert_eq!(app.service, "app");
    assert_eq!(value(&app.data, "SECRET_KEY_BASE"), "CANARY-COMPOSE-9");
    assert!(app.env_files.is_empty());
}

#[test]
fn compose_invalid_files() {
    let (path, text) = load("compose/invalid/malformed.yaml");
    let err = compose::read(&path, &text, None).expect_err("malformed");
    assert_eq!(err.path, "compose/invalid/malformed.yaml");
    assert!(err.line.is_some(), "{err:?}");

    let (path, text) = load("compose/invalid/nested-environment.yaml");
    let err = compose::read(&path, &text, None).expect_err("nested");
    assert!(err.message.contains("`NESTED`"), "{err}");
    assert_eq!(err.line, Some(6));
}

#[test]
fn json_dump() {
    let (path, text) = load("json/env.json");
    let data = json::read(&path, &text).expect("reads");
    assert_eq!(
        names(&data),
        ["DATABASE_URL", "EMPTY", "FEATURE_X", "PORT", "REDIS_URL"]
    );
    assert_eq!(value(&data, "DATABASE_URL"), "CANARY-JSON-1");
    assert_eq!(value(&data, "PORT"), "7357003");
    assert_eq!(value(&data, "FEATURE_X"), "true");
    assert_eq!(where_(&data, "REDIS_URL"), ("json/env.json".to_string(), 3));

    let (path, text) = load("json/invalid/malformed.json");
    let err = json::read(&path, &text).expect_err("malformed");
    assert_eq!(err.line, Some(3));

    let (path, text) = load("json/invalid/nested.json");
    let err = json::read(&path, &text).expect_err("nested");
    assert!(err.message.contains("`aws`"), "{err}");
    assert_eq!(err.line, Some(3));
}

/// Every sentinel in the fixture files: `CANARY-…` tokens, `73570NN` numbers and the plaintext of
/// base64 tokens that decode to a `CANARY-…`, each with its base64 form.
fn sentinels() -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("fixture text");
            let base64_char = |c: char| c.is_ascii_alphanumeric() || "-+/=".contains(c);
            for token in text.split(|c: char| !base64_char(c)) {
                if token.starts_with("CANARY-") || token.starts_with("73570") {
                    found.push(token.trim_end_matches('=').to_string());
                } else if let Ok(bytes) = STANDARD.decode(token)
                    && let Ok(plain) = String::from_utf8(bytes)
                    && plain.starts_with("CANARY-")
                {
                    found.push(plain);
                }
            }
        }
    }
    found.sort();
    found.dedup();
    let mut all = found.clone();
    for s in &found {
        let encoded = STANDARD.encode(s);
        all.push(encoded.trim_end_matches('=').to_string());
    }
    all.push("CANARY".to_string());
    all.push(STANDARD.encode("CANARY-")[..8].to_string());
    all
}

#[test]
fn no_sentinel_reaches_debug_or_display() {
    let sentinels = sentinels();
    for i in 1..=19 {
        let name = format!("CANARY-K8S-{i}");
        assert!(
            sentinels.contains(&name),
            "{name} missing from {sentinels:?}"
        );
    }
    assert!(sentinels.iter().any(|s| s.starts_with("CANARY-COMPOSE-")));
    assert!(sentinels.iter().any(|s| s.starts_with("CANARY-JSON-")));
    assert!(sentinels.iter().any(|s| s.starts_with("Q0FOQVJZLUs4Uy")));

    let mut outputs: Vec<String> = Vec::new();
    let mut push_result = |r: Result<String, SourceError>| match r {
        Ok(debug) => outputs.push(debug),
        Err(e) => outputs.push(format!("{e} | {e:?} | {e:#?}")),
    };
    let debug_data = |d: SourceData| format!("{d:?} | {d:#?}");

    let mut k8s_sets: Vec<Vec<&str>> = vec![K8S_APP.to_vec()];
    for single in [
        "kubernetes/app/config.yaml",
        "kubernetes/app/deployment.yaml",
        "kubernetes/app/cronjob.yaml",
        "kubernetes/list.yaml",
        "kubernetes/helm/templates/deployment.yaml",
        "kubernetes/invalid/malformed.yaml",
        "kubernetes/invalid/bad-base64.yaml",
        "kubernetes/invalid/billion-laughs.yaml",
    ] {
        k8s_sets.push(vec![single]);
    }
    for set in &k8s_sets {
        let files = load_all(set);
        for selector in [None, Some("api"), Some("nope")] {
            push_result(kubernetes::read(&files, selector).map(debug_data));
        }
    }

    for rel in [
        "compose/compose.yaml",
        "compose/single.yml",
        "compose/invalid/malformed.yaml",
        "compose/invalid/nested-environment.yaml",
        "compose/invalid/billion-laughs.yaml",
    ] {
        let (path, text) = load(rel);
        for service in [
            None,
            Some("web"),
            Some("worker"),
            Some("db"),
            Some("app"),
            Some("nope"),
        ] {
            push_result(compose::read(&path, &text, service).map(|s| format!("{s:?} | {s:#?}")));
        }
    }

    for rel in [
        "json/env.json",
        "json/invalid/malformed.json",
        "json/invalid/nested.json",
    ] {
        let (path, text) = load(rel);
        push_result(json::read(&path, &text).map(debug_data));
    }

    assert!(outputs.len() > 40);
    for output in &outputs {
        for sentinel in &sentinels {
            assert!(
                !output.contains(sentinel.as_str()),
                "sentinel {sentinel} leaked into: {output}"
            );
        }
    }
}
