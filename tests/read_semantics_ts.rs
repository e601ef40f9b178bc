//! TS/JS read semantics through the real binary: for projects laid out the way real ones are
//! (an Express service, a NestJS app with envalid, t3-env packages, Next.js and Vite apps with
//! build-time constants, helpers and aliases), `scan --format json` reports each read's kind,
//! when it matters (`when`, `context`) and whether an empty value counts as unset; `check`
//! names valid code the grammar rejects in its ENV202 notice.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// One read as `scan --format json` reports it.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    name: String,
    path: String,
    line: u64,
    kind: String,
    when: String,
    context: Option<String>,
    empty_is_unset: bool,
}

fn row(
    name: &str,
    path: &str,
    line: u64,
    kind: &str,
    when: &str,
    context: Option<&str>,
    empty_is_unset: bool,
) -> Row {
    Row {
        name: name.to_string(),
        path: path.to_string(),
        line,
        kind: kind.to_string(),
        when: when.to_string(),
        context: context.map(str::to_string),
        empty_is_unset,
    }
}

fn scan(root: &Path) -> Value {
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
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Every read of the scan, sorted by path, line and name.
fn rows(doc: &Value) -> Vec<Row> {
    let mut rows = Vec::new();
    for v in doc["variables"].as_array().expect("variables") {
        for r in v["reads"].as_array().expect("reads") {
            rows.push(Row {
                name: v["name"].as_str().unwrap_or_default().to_string(),
                path: r["path"].as_str().unwrap_or_default().to_string(),
                line: r["line"].as_u64().unwrap_or_default(),
                kind: r["kind"].as_str().unwrap_or_default().to_string(),
                when: r["when"].as_str().unwrap_or_default().to_string(),
                context: r["context"].as_str().map(str::to_string),
                empty_is_unset: r["empty_is_unset"].as_bool().unwrap_or(false),
            });
        }
    }
    rows.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    rows
}

/// `(path, line, expression, prefix)` of every dynamic read.
/// The dynamic reads left unresolved (resolved ones are listed with `resolved`).
fn dynamic(doc: &Value) -> Vec<(String, u64, String, Option<String>)> {
    doc["dynamic"]
        .as_array()
        .expect("dynamic")
        .iter()
        .filter(|d| d.get("resolved").is_none())
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["expression"].as_str().unwrap_or_default().to_string(),
                d["prefix"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn defaulting_and_guarding_idioms_in_an_express_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "src/config.ts",
        r#"export const port = Number(process.env.PORT) || 3000;
export const timeout = +process.env.TIMEOUT_MS || 500;
export const retries = parseInt(process.env.RETRIES ?? "3", 10);
export const origins = process.env.CORS_ORIGINS?.split(",") ?? [];
export const statsEnabled = process.env.ENABLE_STATS === "true";
export const cacheOn = process.env.CACHE_ENABLED !== "false";
export const sentry = process.env.SENTRY_DSN ? initSentry(process.env.SENTRY_DSN) : null;
if (!process.env.DATABASE_URL) {
  throw new Error("DATABASE_URL is required");
}
"#,
    );
    write(
        root,
        "src/mail.js",
        r#"export function sendMail(to) {
  if (!process.env.SMTP_HOST) return false;
  return transport(process.env.SMTP_HOST, to);
}
export const debug = Boolean(process.env.DEBUG_MAIL);
"#,
    );
    let got = rows(&scan(root));
    let want = vec![
        row(
            "SMTP_HOST",
            "src/mail.js",
            2,
            "presence",
            "on-use",
            Some("sendMail()"),
            true,
        ),
        row(
            "SMTP_HOST",
            "src/mail.js",
            3,
            "optional",
            "on-use",
            Some("sendMail()"),
            false,
        ),
        row(
            "DEBUG_MAIL",
            "src/mail.js",
            5,
            "presence",
            "startup",
            None,
            true,
        ),
        row("PORT", "src/config.ts", 1, "default", "startup", None, true),
        row(
            "TIMEOUT_MS",
            "src/config.ts",
            2,
            "default",
            "startup",
            None,
            true,
        ),
        row(
            "RETRIES",
            "src/config.ts",
            3,
            "default",
            "startup",
            None,
            false,
        ),
        row(
            "CORS_ORIGINS",
            "src/config.ts",
            4,
            "default",
            "startup",
            None,
            false,
        ),
        row(
            "ENABLE_STATS",
            "src/config.ts",
            5,
            "optional",
            "startup",
            None,
            true,
        ),
        row(
            "CACHE_ENABLED",
            "src/config.ts",
            6,
            "optional",
            "startup",
            None,
            true,
        ),
        row(
            "SENTRY_DSN",
            "src/config.ts",
            7,
            "optional",
            "startup",
            None,
            true,
        ),
        row(
            "SENTRY_DSN",
            "src/config.ts",
            7,
            "optional",
            "on-use",
            Some("if process.env.SENTRY_DSN"),
            true,
        ),
        row(
            "DATABASE_URL",
            "src/config.ts",
            8,
            "required",
            "startup",
            None,
            true,
        ),
    ];
    let mut want = want;
    want.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    assert_eq!(got, want);
}

#[test]
fn envalid_required_when_and_dev_default_in_a_nest_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "apps/api/src/config.ts",
        r#"import { bool, cleanEnv, str } from "envalid";

export const env = cleanEnv(process.env, {
  ENABLE_OIDC: bool({ default: false }),
  OIDC_CLIENT_ID: str({
    default: undefined,
    requiredWhen: (env) => env.ENABLE_OIDC === true,
  }),
  ROOT_URL: str({ devDefault: "http://localhost:4200" }),
  SENTRY_DSN: str({ default: undefined }),
  ...(process.env.USE_S3 === "true" && { S3_BUCKET: str() }),
});
"#,
    );
    let got = rows(&scan(root));
    let path = "apps/api/src/config.ts";
    assert_eq!(
        got,
        vec![
            row("ENABLE_OIDC", path, 4, "default", "startup", None, false),
            row(
                "OIDC_CLIENT_ID",
                path,
                5,
                "optional",
                "on-use",
                Some("if env.ENABLE_OIDC === true"),
                false
            ),
            row("ROOT_URL", path, 9, "required", "startup", None, false),
            row("SENTRY_DSN", path, 10, "optional", "startup", None, false),
            row(
                "S3_BUCKET",
                path,
                11,
                "required",
                "on-use",
                Some("if process.env.USE_S3 === \"true\""),
                false
            ),
            row("USE_S3", path, 11, "optional", "startup", None, true),
        ]
    );
}

#[test]
fn t3_env_skip_validation_empty_strings_and_conditional_schemas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "packages/db/env.mjs",
        r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
  },
  runtimeEnv: {
    DATABASE_URL: process.env.DATABASE_URL,
  },
  skipValidation: true,
});
"#,
    );
    write(
        root,
        "packages/api/src/env.ts",
        r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const isSelfHost = z.stringbool().catch(false).parse(process.env.SELF_HOST);

export const env = createEnv({
  server: {
    STRIPE_SECRET_KEY: isSelfHost ? z.string().optional() : z.string(),
    CRON_SECRET: z.string(),
  },
  runtimeEnv: {
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    CRON_SECRET: process.env.CRON_SECRET,
  },
  emptyStringAsUndefined: true,
  skipValidation: !!process.env.SKIP_ENV_VALIDATION,
});
"#,
    );
    let got = rows(&scan(root));
    let api = "packages/api/src/env.ts";
    assert_eq!(
        got,
        vec![
            row("SELF_HOST", api, 4, "default", "startup", None, false),
            row(
                "STRIPE_SECRET_KEY",
                api,
                12,
                "required",
                "on-use",
                Some("unless isSelfHost"),
                true
            ),
            row("CRON_SECRET", api, 13, "required", "startup", None, true),
            row(
                "SKIP_ENV_VALIDATION",
                api,
                16,
                "presence",
                "startup",
                None,
                true
            ),
            row(
                "DATABASE_URL",
                "packages/db/env.mjs",
                9,
                "required",
                "on-use",
                Some("schema not validated (skipValidation)"),
                false
            ),
        ]
    );
}

#[test]
fn build_time_constants_of_next_vite_and_webpack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "apps/web/next.config.js",
        r#"module.exports = {
  env: { APP_VERSION: process.env.npm_package_version },
};
"#,
    );
    write(
        root,
        "apps/web/src/footer.tsx",
        "export const Footer = () => <p>{process.env.APP_VERSION}</p>;\n",
    );
    // the same name in another app is not replaced by the web app's build
    write(
        root,
        "apps/api/src/version.ts",
        "export const version = process.env.APP_VERSION;\n",
    );
    write(
        root,
        "apps/spa/vite.config.ts",
        r#"import { defineConfig } from "vite";

export default defineConfig({
  define: {
    "process.env.API_URL": JSON.stringify(process.env.API_URL),
    "import.meta.env.SENTRY_RELEASE": JSON.stringify("1.0"),
  },
});
"#,
    );
    write(
        root,
        "apps/spa/src/main.ts",
        "export const api = process.env.API_URL;\nexport const rel = import.meta.env.SENTRY_RELEASE;\n",
    );
    write(
        root,
        "webpack.config.js",
        r#"const webpack = require("webpack");
module.exports = {
  plugins: [new webpack.DefinePlugin({ "process.env": { BUILD_SHA: JSON.stringify("x") } })],
  // a child process's environment is not a build constant
  devServer: { setupMiddlewares: (m) => spawn("x", { env: { NOT_BUILD: "1" } }) && m },
};
"#,
    );
    write(
        root,
        "tools/sha.js",
        "export const sha = process.env.BUILD_SHA;\nexport const other = process.env.NOT_BUILD;\n",
    );
    let got = rows(&scan(root));
    let when: Vec<(String, String, String)> =
        got.into_iter().map(|r| (r.name, r.path, r.when)).collect();
    let build =
        |name: &str, path: &str, when: &str| (name.to_string(), path.to_string(), when.to_string());
    assert_eq!(
        when,
        vec![
            build("APP_VERSION", "apps/api/src/version.ts", "startup"),
            build("API_URL", "apps/spa/src/main.ts", "build"),
            build("SENTRY_RELEASE", "apps/spa/src/main.ts", "build"),
            build("API_URL", "apps/spa/vite.config.ts", "build"),
            build("npm_package_version", "apps/web/next.config.js", "build"),
            build("APP_VERSION", "apps/web/src/footer.tsx", "build"),
            build("BUILD_SHA", "tools/sha.js", "build"),
            build("NOT_BUILD", "tools/sha.js", "startup"),
        ]
    );
}

#[test]
fn helpers_aliases_and_name_lists() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "packages/ai/src/resolve-model.ts",
        r#"function readEnv(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

export function resolveChatModel() {
  const baseURL = readEnv("AI_BASE_URL");
  if (baseURL) {
    return readEnv("AI_MODEL");
  }
  return null;
}
"#,
    );
    write(
        root,
        "src/runtime-config.js",
        r#"export function getConfig() {
  const env = typeof window !== "undefined" ? window._env_ : process.env;
  return { api: env.RUNTIME_API_URL, region: env[`REGION_${zone}`] };
}

function load(env) {
  return { port: env.LOAD_PORT || 8080 };
}
export const loaded = load(process.env);

const FLAGS = ["FLAG_BETA", "FLAG_DARK"];
export const flags = FLAGS.map((name) => process.env[name] === "1");
"#,
    );
    let doc = scan(root);
    let got = rows(&doc);
    let model = "packages/ai/src/resolve-model.ts";
    let js = "src/runtime-config.js";
    let mut want = vec![
        row(
            "AI_BASE_URL",
            model,
            6,
            "optional",
            "on-use",
            Some("resolveChatModel()"),
            true,
        ),
        row(
            "AI_MODEL",
            model,
            8,
            "optional",
            "on-use",
            Some("if baseURL"),
            true,
        ),
        row(
            "RUNTIME_API_URL",
            js,
            3,
            "optional",
            "on-use",
            Some("getConfig()"),
            false,
        ),
        row(
            "LOAD_PORT",
            js,
            7,
            "default",
            "on-use",
            Some("load()"),
            true,
        ),
        row(
            "FLAG_BETA",
            js,
            11,
            "optional",
            "on-use",
            Some("a callback"),
            true,
        ),
        row(
            "FLAG_DARK",
            js,
            11,
            "optional",
            "on-use",
            Some("a callback"),
            true,
        ),
    ];
    want.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    assert_eq!(got, want);
    // the helper's own computed read is resolved by its calls; the template-built key through
    // the alias stays dynamic, with its static start
    assert_eq!(
        dynamic(&doc),
        vec![(
            js.to_string(),
            3,
            "`REGION_${zone}`".to_string(),
            Some("REGION_".to_string())
        )]
    );
    // the helper's own read stays listed, marked resolved by its calls
    assert!(
        doc["dynamic"]
            .as_array()
            .expect("dynamic")
            .iter()
            .any(|d| d["resolved"]
                .as_str()
                .is_some_and(|r| r.starts_with("calls of "))),
        "{}",
        doc["dynamic"]
    );
}

#[test]
fn env202_names_valid_code_the_grammar_rejects_and_keeps_the_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "src/types.ts",
        "export type Pred = (string) => boolean;\nexport const mode = process.env.APP_MODE;\n",
    );
    write(
        root,
        "src/page.tsx",
        "export const P = () => <p>Tom & Jerry</p>;\nexport const k = process.env.PAGE_KEY;\n",
    );
    write(
        root,
        "src/broken.ts",
        "export const b = process.env.BROKEN_KEY;\nconst x = (;\n",
    );
    write(
        root,
        ".env.example",
        "APP_MODE=CANARY-example-mode\nPAGE_KEY=\nBROKEN_KEY=\n",
    );
    let out = Command::cargo_bin("envcheck")
        .expect("binary")
        .current_dir(root)
        .args(["check", "--format", "json", "--fail-on", "never"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains("CANARY") && !stderr.contains("CANARY"));
    let doc: Value = serde_json::from_str(&stdout).expect("json");
    let mut notices: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "ENV202")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    notices.sort();
    assert_eq!(
        notices,
        vec![
            (
                "src/broken.ts".to_string(),
                "syntax errors: only partly parsed".to_string()
            ),
            (
                "src/page.tsx".to_string(),
                "the TypeScript grammar rejects this valid construct (a bare & in JSX text) at \
                 1:31; reads outside it are kept"
                    .to_string()
            ),
            (
                "src/types.ts".to_string(),
                "the TypeScript grammar rejects this valid construct (a function type with an \
                 unannotated parameter, like (string) => boolean) at 1:29; reads outside it are kept"
                    .to_string()
            ),
        ]
    );
    // the reads outside the constructs are all there: nothing is undocumented or stale
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| *c != "ENV202")
        .collect();
    assert_eq!(codes, Vec::<&str>::new(), "{stdout}");
}
