//! Python read semantics through the real binary: what `scan --format json` says about each read
//! beyond its name (kind, when it is evaluated and on which path, whether an empty value counts
//! as unset), and which computed keys are resolved to names, on one project per framework laid
//! out the way real projects are: Django settings over `os.environ` with helpers and a table of
//! names, django-environ, pydantic-settings.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn envcheck(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run")
}

fn scan(root: &Path) -> Value {
    let out = envcheck(root, &["scan", "--format", "json", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// What a read says: `(kind, when, context, empty_is_unset)`.
type Facts = (String, String, Option<String>, bool);

fn facts(kind: &str, when: &str, context: Option<&str>, empty: bool) -> Facts {
    (
        kind.to_string(),
        when.to_string(),
        context.map(str::to_string),
        empty,
    )
}

/// The facts of the one read of `name` in `path` at `line`.
fn read(doc: &Value, name: &str, path: &str, line: u64) -> Facts {
    let reads: Vec<&Value> = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .filter(|v| v["name"] == name)
        .flat_map(|v| v["reads"].as_array().expect("reads"))
        .filter(|r| r["path"] == path && r["line"] == line)
        .collect();
    assert_eq!(reads.len(), 1, "{name} at {path}:{line} in {doc:#}");
    let r = reads[0];
    (
        r["kind"].as_str().unwrap_or_default().to_string(),
        r["when"].as_str().unwrap_or_default().to_string(),
        r["context"].as_str().map(str::to_string),
        r["empty_is_unset"].as_bool().unwrap_or(false),
    )
}

/// `(path, line, resolved, resolved_names)` of every dynamic read.
fn dynamic(doc: &Value) -> Vec<(String, u64, Option<String>, Vec<String>)> {
    doc["dynamic"]
        .as_array()
        .expect("dynamic")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["resolved"].as_str().map(str::to_string),
                d["resolved_names"]
                    .as_array()
                    .map(|names| {
                        names
                            .iter()
                            .map(|n| n.as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

const SETTINGS: &str = r#"import os

from .parsers import get_bool_from_env, get_int_from_env

SECRET_KEY = os.environ["SECRET_KEY"]
REDIS_URL = os.getenv("REDIS_URL") or "redis://localhost:6379"
TIME_ZONE = os.getenv("TIME_ZONE")
if TIME_ZONE is None:
    TIME_ZONE = "UTC"
LANGUAGE_CODE = os.getenv("LANGUAGE_CODE")
if not LANGUAGE_CODE:
    LANGUAGE_CODE = "en-us"
WEB_WORKERS = int(os.getenv("WEB_WORKERS", "3"))
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "").split(",")
USE_S3 = bool(os.getenv("USE_S3"))
try:
    SENTRY_DSN = os.environ["SENTRY_DSN"]
except KeyError:
    SENTRY_DSN = None
if os.getenv("ENABLE_LDAP"):
    LDAP_URL = os.environ["LDAP_URL"]
METRICS = not os.environ.get("DISABLE_METRICS")
DEBUG = get_bool_from_env("DEBUG")
CELERY_WORKERS = get_int_from_env("CELERY_WORKERS")


def mail_backend():
    return os.environ["EMAIL_HOST"]


class Paths:
    MEDIA_ROOT = os.getenv("MEDIA_ROOT", "/media")
"#;

const PARSERS: &str = r#"import os


def get_bool_from_env(key, default="NO"):
    return os.getenv(key, default).lower() in ("yes", "true", "1")


def get_int_from_env(key, default=None):
    if key not in os.environ:
        return default
    return int(os.environ[key])


def read_any(name):
    return os.getenv(name)
"#;

const CHECKS: &str = r#"import os


def check_deprecated_settings():
    deprecated = {
        "OLD_DB_TIMEOUT": "timeout",
        "OLD_DB_POOLSIZE": "pool",
    }
    found = []
    for name, option in deprecated.items():
        if not os.getenv(name):
            continue
        found.append(option)
    return found
"#;

/// Django settings over `os.environ`, helpers in another module, a table of names looped over.
fn django_stdlib(root: &Path) {
    write(root, "mysite/settings/__init__.py", SETTINGS);
    write(root, "mysite/settings/parsers.py", PARSERS);
    write(root, "mysite/checks.py", CHECKS);
}

#[test]
fn django_settings_over_os_environ() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    django_stdlib(root);
    let doc = scan(root);
    let s = "mysite/settings/__init__.py";
    let on_ldap = Some("if os.getenv(\"ENABLE_LDAP\")");
    for (name, line, want) in [
        ("SECRET_KEY", 5, facts("required", "startup", None, false)),
        ("REDIS_URL", 6, facts("default", "startup", None, true)),
        ("TIME_ZONE", 7, facts("default", "startup", None, false)),
        ("LANGUAGE_CODE", 10, facts("default", "startup", None, true)),
        ("WEB_WORKERS", 13, facts("default", "startup", None, false)),
        ("ALLOWED_HOSTS", 14, facts("default", "startup", None, true)),
        ("USE_S3", 15, facts("presence", "startup", None, true)),
        ("SENTRY_DSN", 17, facts("optional", "startup", None, false)),
        ("ENABLE_LDAP", 20, facts("presence", "startup", None, true)),
        ("LDAP_URL", 21, facts("required", "on-use", on_ldap, false)),
        (
            "DISABLE_METRICS",
            22,
            facts("presence", "startup", None, true),
        ),
        ("DEBUG", 23, facts("default", "startup", None, false)),
        (
            "CELERY_WORKERS",
            24,
            facts("optional", "startup", None, false),
        ),
        (
            "EMAIL_HOST",
            28,
            facts("required", "on-use", Some("mail_backend()"), false),
        ),
        ("MEDIA_ROOT", 32, facts("default", "startup", None, false)),
    ] {
        assert_eq!(read(&doc, name, s, line), want, "{name}");
    }
    // the table's names are reads on their literals, timed like the loop's read
    let c = "mysite/checks.py";
    let in_check = Some("check_deprecated_settings()");
    assert_eq!(
        read(&doc, "OLD_DB_TIMEOUT", c, 6),
        facts("presence", "on-use", in_check, true)
    );
    assert_eq!(
        read(&doc, "OLD_DB_POOLSIZE", c, 7),
        facts("presence", "on-use", in_check, true)
    );
    let p = "mysite/settings/parsers.py";
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        dynamic(&doc),
        vec![
            (
                c.to_string(),
                11,
                Some("for name, option in deprecated.items()".to_string()),
                names(&["OLD_DB_POOLSIZE", "OLD_DB_TIMEOUT"]),
            ),
            (
                p.to_string(),
                5,
                Some("calls of get_bool_from_env()".to_string()),
                vec![]
            ),
            (
                p.to_string(),
                9,
                Some("calls of get_int_from_env()".to_string()),
                vec![]
            ),
            (
                p.to_string(),
                11,
                Some("calls of get_int_from_env()".to_string()),
                vec![]
            ),
            // never called with a literal name: a real blind spot
            (p.to_string(), 15, None, vec![]),
        ]
    );
}

/// `check` reports ENV201 only for the computed key nothing resolves, and prints no value of
/// the local env file.
#[test]
fn check_reports_only_unresolved_dynamic_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    django_stdlib(root);
    write(
        root,
        ".env.example",
        "SECRET_KEY=change-me\nOLD_DB_TIMEOUT=30\n",
    );
    write(
        root,
        ".env",
        "SECRET_KEY=CANARY-py-semantics-4f1a9c\nREDIS_URL=CANARY-py-semantics-77b2e0\n",
    );
    let out = envcheck(root, &["check", "--format", "json", "--fail-on", "never"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains("CANARY") && !stderr.contains("CANARY"));
    let doc: Value = serde_json::from_str(&stdout).expect("json");
    let env201: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "ENV201")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(env201, vec![("mysite/settings/parsers.py".to_string(), 15)]);
    // the example key read through the table is not stale
    let stale: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "ENV002")
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

#[test]
fn django_environ_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "config/settings/base.py",
        r#"import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
SENTRY_DSN = env.str("SENTRY_DSN", default=None)
CACHE_TTL = env.int("CACHE_TTL", default=300)
try:
    STRIPE_KEY = env("STRIPE_KEY")
except ImproperlyConfigured:
    STRIPE_KEY = None


def storage_bucket():
    return env("AWS_BUCKET")
"#,
    );
    write(
        root,
        "config/settings/production.py",
        "from .base import *  # noqa\nfrom .base import env\n\nSECURE_SSL_REDIRECT = env.bool(\"SECURE_SSL_REDIRECT\", default=True)\nADMIN_URL = env(\"ADMIN_URL\")\n",
    );
    let doc = scan(root);
    let b = "config/settings/base.py";
    for (name, line, want) in [
        ("DEBUG", 6, facts("default", "startup", None, true)),
        ("SECRET_KEY", 7, facts("required", "startup", None, false)),
        ("SENTRY_DSN", 8, facts("optional", "startup", None, true)),
        ("CACHE_TTL", 9, facts("default", "startup", None, false)),
        ("STRIPE_KEY", 11, facts("optional", "startup", None, false)),
        (
            "AWS_BUCKET",
            17,
            facts("required", "on-use", Some("storage_bucket()"), false),
        ),
    ] {
        assert_eq!(read(&doc, name, b, line), want, "{name}");
    }
    let p = "config/settings/production.py";
    assert_eq!(
        read(&doc, "SECURE_SSL_REDIRECT", p, 4),
        facts("default", "startup", None, true)
    );
    assert_eq!(
        read(&doc, "ADMIN_URL", p, 5),
        facts("required", "startup", None, false)
    );
}

#[test]
fn pydantic_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/config.py",
        r#"from typing import Annotated, Optional

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="app_", env_ignore_empty=True)

    database_url: str
    sentry_dsn: str | None = None
    region: Optional[str] = None
    workers: int = Field(default=4)
    tags: list[str] = Field(default_factory=list)
    timeout: Annotated[int, Field(default=30)]
    jwt_secret: str


class Limits(BaseSettings):
    max_upload: int
"#,
    );
    write(
        root,
        "app/main.py",
        r#"from app.config import Limits, Settings
from app.secrets import load_jwt_secret
from pydantic_settings import BaseSettings

settings = Settings(jwt_secret=load_jwt_secret(), _env_file=".env")
limits = Limits()


def worker_settings():
    class WorkerSettings(BaseSettings):
        queue_url: str

    return WorkerSettings()
"#,
    );
    let doc = scan(root);
    let c = "app/config.py";
    for (name, line, want) in [
        (
            "APP_DATABASE_URL",
            10,
            facts("required", "startup", None, true),
        ),
        (
            "APP_SENTRY_DSN",
            11,
            facts("optional", "startup", None, true),
        ),
        ("APP_REGION", 12, facts("optional", "startup", None, true)),
        ("APP_WORKERS", 13, facts("default", "startup", None, true)),
        ("APP_TAGS", 14, facts("default", "startup", None, true)),
        ("APP_TIMEOUT", 15, facts("default", "startup", None, true)),
        // every call of Settings passes it: it comes from the code
        (
            "APP_JWT_SECRET",
            16,
            facts("optional", "startup", None, true),
        ),
        ("MAX_UPLOAD", 20, facts("required", "startup", None, false)),
    ] {
        assert_eq!(read(&doc, name, c, line), want, "{name}");
    }
    assert_eq!(
        read(&doc, "QUEUE_URL", "app/main.py", 11),
        facts("required", "on-use", Some("worker_settings()"), false)
    );
}

/// Loops over literal tables cost a bounded number of looks per file, and resolve a bounded
/// number of names: thousands of loops over a table of thousands of names (each look walks the
/// module; each name would be a read per loop) finish quickly, without running into the
/// extraction deadline. The ceiling only catches a blow-up: unbounded, this input takes
/// minutes of walking and yields tens of millions of reads.
#[test]
fn thousands_of_loops_over_a_large_table_stay_linear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut src = String::from("import os\n\nNAMES = [\n");
    for i in 0..3000 {
        src.push_str(&format!("    \"NAME_{i}\",\n"));
    }
    src.push_str("]\nSMALL = [\"SMALL_A\", \"SMALL_B\"]\n\n");
    for i in 0..3000 {
        let table = if i % 2 == 0 { "NAMES" } else { "SMALL" };
        src.push_str(&format!("for n{i} in {table}:\n    os.getenv(n{i})\n"));
    }
    write(root, "app/settings.py", &src);
    let start = std::time::Instant::now();
    let out = envcheck(root, &["scan", "--format", "json", "."]);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
    assert!(!stderr.contains("took longer"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let reads: usize = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .map(|v| v["reads"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(reads <= 5000, "{reads} reads");
    assert_eq!(doc["dynamic"].as_array().map(Vec::len), Some(3000));
}
