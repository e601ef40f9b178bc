//! Framework-aware reads through the real binary: settings classes and env helpers defined in one
//! module and used from another, in a project laid out the way real projects are.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// An env helper module: `env_bool(name)` reads the variable `name`.
const ENV_BOOL: &str = "import os\n\n\ndef env_bool(name, default=False):\n    return os.getenv(name, str(default)).lower() in (\"1\", \"true\")\n";

/// `(name, path, line, kind, api, detail)` of every read.
fn reads(root: &Path) -> Vec<(String, String, u64, String, String, String)> {
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .arg(root)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut rows = Vec::new();
    for v in doc["variables"].as_array().expect("variables") {
        for r in v["reads"].as_array().expect("reads") {
            rows.push((
                v["name"].as_str().unwrap_or_default().to_string(),
                r["path"].as_str().unwrap_or_default().to_string(),
                r["line"].as_u64().unwrap_or_default(),
                r["kind"].as_str().unwrap_or_default().to_string(),
                r["api"].as_str().unwrap_or_default().to_string(),
                r["detail"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    rows
}

#[test]
fn settings_base_class_and_helpers_in_other_modules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "shop/core/base_settings.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass ShopBase(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"shop_\")\n\n    log_level: str = \"info\"\n",
    );
    // This file has no trigger word: it is found through the base class name.
    write(
        root,
        "shop/settings.py",
        "from shop.core.base_settings import ShopBase\n\n\nclass Settings(ShopBase):\n    database_url: str\n    sentry_dsn: str | None = None\n",
    );
    write(root, "shop/envutil.py", ENV_BOOL);
    // Nor does this one: it calls the helper.
    write(
        root,
        "shop/features.py",
        "from .envutil import env_bool\n\nBETA = env_bool(\"SHOP_BETA\")\n",
    );
    let got = reads(root);
    let want = [
        (
            "SHOP_BETA",
            "shop/features.py",
            3,
            "default",
            "env helper",
            "env_bool",
        ),
        (
            "SHOP_DATABASE_URL",
            "shop/settings.py",
            5,
            "required",
            "pydantic",
            "Settings.database_url",
        ),
        (
            "SHOP_LOG_LEVEL",
            "shop/core/base_settings.py",
            7,
            "default",
            "pydantic",
            "ShopBase.log_level",
        ),
        (
            "SHOP_SENTRY_DSN",
            "shop/settings.py",
            6,
            "optional",
            "pydantic",
            "Settings.sentry_dsn",
        ),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(n, p, l, k, a, d)| {
            (
                n.to_string(),
                p.to_string(),
                *l,
                k.to_string(),
                a.to_string(),
                d.to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

/// A module with no trigger word is parsed for the project pass only when it uses a helper's
/// name in code: a docstring, a comment or a message naming it costs no parse, a call inside an
/// f-string's replacement field is found.
#[test]
fn a_helper_named_only_in_text_costs_no_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "shop/envutil.py", ENV_BOOL);
    write(
        root,
        "shop/docs.py",
        "\"\"\"Flags are read with env_bool(\"NAME\").\"\"\"\n\n# see env_bool\nHELP = f'call env_bool {{env_bool}} ' + r\"env_bool\\\" env_bool\"\n",
    );
    write(
        root,
        "shop/banner.py",
        "from .envutil import env_bool\n\nBANNER = f\"beta: {env_bool('SHOP_BETA')!r:>{5}}\"\n",
    );
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .args(["scan", "--format", "json", "--no-cache"])
        .arg(root)
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["files"]["parsed"], 2,
        "envutil.py and banner.py, not docs.py: {}",
        doc["files"]
    );
    let got = reads(root);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (
            got[0].0.as_str(),
            got[0].1.as_str(),
            got[0].2,
            got[0].5.as_str()
        ),
        ("SHOP_BETA", "shop/banner.py", 3, "env_bool")
    );
}

/// A module that passes the prefilter is parsed without the definitions that cannot hold a read
/// (src/extract/python/partial.rs). One of them that calls a helper of another module makes the
/// project pass parse it again whole; a model nested in a settings class is kept with it; a
/// constant naming a read's key is always parsed. The same reads come from a cold run and a
/// warm one.
#[test]
fn definitions_left_out_of_a_parse_are_parsed_when_they_call_a_project_helper() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "shop/envutil.py", ENV_BOOL);
    write(
        root,
        "shop/views.py",
        "import os\nfrom functools import cache\nfrom .envutil import env_bool\n\nTIMEOUT = \"SHOP_TIMEOUT\"\n\n\nclass Unrelated:\n    def get(self):\n        return 1\n\n\ndef beta():\n    return env_bool(\"SHOP_BETA\")\n\n\n@cache\ndef timeout():\n    return os.environ[TIMEOUT]\n",
    );
    write(
        root,
        "shop/settings.py",
        "from pydantic import BaseModel\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Db(BaseModel):\n    host: str\n\n\nclass Other(BaseModel):\n    x: int\n\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter=\"__\")\n    db: Db\n",
    );
    let cold = reads(root);
    assert!(root.join(".envcheck_cache").is_dir());
    let warm = reads(root);
    assert_eq!(cold, warm);
    let rows: Vec<(&str, &str, u64)> = cold
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2))
        .collect();
    assert_eq!(
        rows,
        [
            ("DB__HOST", "shop/settings.py", 15),
            ("SHOP_BETA", "shop/views.py", 14),
            ("SHOP_TIMEOUT", "shop/views.py", 19),
        ]
    );
}
