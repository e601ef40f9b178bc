//! The secret rules (ENV301 secret-in-example, ENV302 committed-plaintext-secret, ENV303
//! secret-default-in-code, ENV304 public-prefixed-secret) through the real binary
//! (`envcheck check --format json`), on real git repositories built in temp dirs, with the
//! idioms real projects use: sibling example files in a monorepo, committed test env files,
//! schema defaults (`default: ''`, `'dummy...'`), settings that configure a secret, keys that are
//! public by design. Each test says what is reported and what is not, and that no secret-looking
//! value of the fixture reaches any output.
//!
//! Token-shaped values are built at run time from a fixed pseudo-random sequence, so that no
//! complete token sits in this file for secret scanners to trip on.
//!
//! The last tests are work bounds: the new name, value and path checks run on megabytes of
//! adversarial input far under a generous ceiling. The ceiling only catches blow-ups; it is not
//! a timing assertion.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use envcheck::secret_shapes::{env_file_kind, is_placeholder_for, is_public_key_name};
use serde_json::Value;

#[path = "support/repo.rs"]
mod repo;
use repo::write;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .stdin(Stdio::null())
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Commits every file of `root` to a fresh repository: env files are committed, as upstream.
fn commit_all(root: &Path) {
    git(root, &["init", "-q"]);
    git(root, &["add", "-Af"]);
    git(root, &["commit", "-qm", "project"]);
}

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run")
}

/// `(code, path, line, variable)` of every finding of a JSON report, and the report's message
/// for each.
fn findings(out: &Output) -> Vec<(String, String, u64, String)> {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
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

/// The ENV3xx findings of `check` from the root, and every output of it in the JSON and the
/// human format (for the leak checks).
fn check_secrets(root: &Path, extra: &[&str]) -> (Vec<(String, String, u64, String)>, String) {
    let mut args = vec!["check", "--select", "ENV3", "--fail-on", "never"];
    args.extend_from_slice(extra);
    let json = envcheck(root, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        json.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let full = envcheck(root, &[&args[..], &["--format", "full"]].concat());
    let mut all = String::new();
    for out in [&json, &full] {
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (findings(&json), all)
}

fn assert_never_printed(output: &str, values: &[&str]) {
    for value in values {
        assert!(
            !output.contains(value),
            "a test value reached the output: {value}\n{output}"
        );
    }
}

/// `len` pseudo-random characters of `alphabet`, the same for the same seed.
fn random(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            chars[((state >> 33) % chars.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";

fn github_token(seed: u64) -> String {
    format!("{}{}", "ghp_", random(seed, 36, ALNUM))
}

fn google_key(seed: u64) -> String {
    format!("{}{}", "AIza", random(seed, 35, ALNUM))
}

// --- ENV302 ----------------------------------------------------------------------------------

#[test]
fn example_and_test_env_files_are_not_committed_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "envcheck.toml",
        "example = \"deploy/reference.env\"\n",
    );
    write(
        root,
        "app.py",
        "import os\nos.environ['DB_PASSWORD']\nos.environ['CRON_SECRET']\n",
    );
    // the configured example, and example files of other packages of a monorepo
    write(
        root,
        "deploy/reference.env",
        "DB_PASSWORD=CANARY-reference-pw-1\nCRON_SECRET=\n",
    );
    let placeholders = "RESEND_API_KEY=resend-api-key\nQSTASH_CURRENT_SIGNING_KEY=qstash-current-signing-key\nDATABASE_AUTH_TOKEN=any-token\nCRON_SECRET=CANARY-sibling-secret-2\n";
    for example in [
        "apps/web/.env.example",
        "apps/dashboard/.env.example",
        "packages/db/.env.example",
        ".env.docker.example",
        "dev/secrets.env.template",
        "server/.env.template",
        ".env.dist",
        ".env.defaults",
        "example.env",
    ] {
        write(root, example, placeholders);
    }
    // test env files: fixtures by convention
    write(
        root,
        "server/.env.testing",
        "POLAR_POSTGRES_PWD=\"polar\"\nPOLAR_GITHUB_CLIENT_SECRET=\"fakefakefakefakefakefake\"\nPOLAR_AWS_SECRET_ACCESS_KEY=polar123456789\nPOLAR_MINIO_PWD=polarpolar\n",
    );
    let fixture = "UNKEY_TOKEN=CANARY-test-token-3\nOPENPANEL_CLIENT_SECRET=test\nSESSION_SECRET=CANARY-test-session-4\n";
    for test in [
        "apps/server/.env.test",
        ".env.test.local",
        ".env.ci",
        ".env.e2e",
        "tests/.env",
    ] {
        write(root, test, fixture);
    }
    // the one file some environment runs with
    write(
        root,
        ".env.production",
        "DB_PASSWORD=CANARY-prod-pw-5\nCRON_SECRET=cron-secret\nLOG_LEVEL=info\n",
    );
    commit_all(root);

    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[("ENV302", ".env.production", 1, "DB_PASSWORD")]),
        "{output}"
    );
    assert_never_printed(
        &output,
        &[
            "CANARY",
            "resend-api-key",
            "fakefake",
            "polar123456789",
            "polarpolar",
        ],
    );
}

#[test]
fn a_real_token_in_a_committed_test_env_file_is_still_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let token = github_token(1);
    let random_fixture = random(2, 44, ALNUM);
    write(root, "app.py", "import os\nos.environ['GITHUB_TOKEN']\n");
    write(root, ".env.example", "GITHUB_TOKEN=\n");
    write(
        root,
        ".env.test",
        &format!("GITHUB_TOKEN={token}\nSESSION_SECRET={random_fixture}\n"),
    );
    // not committed: nothing leaks
    write(root, ".env.ci", &format!("GITHUB_TOKEN={token}\n"));
    git(root, &["init", "-q"]);
    git(root, &["add", "app.py", ".env.example", ".env.test"]);

    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[("ENV301", ".env.test", 1, "GITHUB_TOKEN")]),
        "{output}"
    );
    assert!(output.contains("(github-token)"), "{output}");
    assert_never_printed(&output, &[&token, &random_fixture]);
}

#[test]
fn placeholders_and_the_keys_own_name_in_a_committed_env_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "import os\n");
    write(
        root,
        ".env",
        "SECRET_KEY=secret_key\nAPI_TOKEN=your_api_token\nPOSTGRES_PASSWORD=postgres\n\
         MINIO_ROOT_PASSWORD=minioadmin\nJWT_SECRET=yolo\nWEBHOOK_SECRET=not-a-secret\n\
         GITHUB_CLIENT_SECRET=FakeClientSecret\nSTRIPE_SECRET_KEY=dummy_stripe_key\n\
         AUTH_TOKEN=<token>\nSIGNING_KEY=xxxxxxxx\nADMIN_PASSWORD=ChangeMe\nTEST_TOKEN=TEST\n\
         EXAMPLE_SECRET=Example\nSMTP_PASSWORD=CANARY-smtp-pw-6\n",
    );
    commit_all(root);
    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[("ENV302", ".env", 14, "SMTP_PASSWORD")]),
        "{output}"
    );
    assert_never_printed(&output, &["CANARY", "minioadmin", "FakeClientSecret"]);
}

// --- ENV303 ----------------------------------------------------------------------------------

#[test]
fn secret_defaults_that_are_empty_placeholders_or_settings_are_not_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "apps/api/configuration.service.ts",
        "import { cleanEnv, str, num } from 'envalid';\n\
         import { z } from 'zod';\n\
         export const env = cleanEnv(process.env, {\n\
         \x20 API_KEY_ALPHA_VANTAGE: str({ default: '' }),\n\
         \x20 REDIS_PASSWORD: str({ default: '' }),\n\
         \x20 STRIPE_SECRET_KEY: str({ default: \"\" }),\n\
         \x20 TWITTER_API_SECRET: str({ default: 'dummyApiSecret' }),\n\
         \x20 GOOGLE_SECRET: str({ default: 'dummySecret' }),\n\
         \x20 ACCESS_TOKEN_TTL: num({ default: 3600 }),\n\
         });\n\
         export const schema = z.object({ CRON_SECRET: z.string().default(''), UNKEY_TOKEN: z.string().default('test') }).parse(process.env);\n\
         const { SESSION_SECRET = '', COOKIE_SECRET = 'CANARY-cookie-7' } = process.env;\n\
         process.env.RESEND_API_KEY ??= 'test-key';\n",
    );
    write(
        root,
        "server/config.py",
        "import os\nfrom pydantic_settings import BaseSettings\n\n\
         class Settings(BaseSettings):\n\
         \x20   SECRET: str = 'CANARY-jwt-secret-8'\n\
         \x20   MINIO_PWD: str = 'miniominio'\n\
         \x20   POSTGRES_PASSWORD: str = 'postgres'\n\
         \x20   AI_GATEWAY_API_KEY: str = 'DummyKey'\n\
         \x20   SLACK_BOT_TOKEN: str = ''\n\n\
         THROTTLE = os.getenv('PAPERLESS_TOKEN_THROTTLE_RATE', '5/min')\n\
         EMAIL_TOKEN = os.getenv('EMAIL_TOKEN', \"\")\n\
         TOKEN_TIME = os.getenv('TOKEN_TIME', '3600')\n\
         SECRET_NAME = os.getenv('DB_SECRET_NAME', 'prod/db')\n",
    );
    commit_all(root);
    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[
            (
                "ENV303",
                "apps/api/configuration.service.ts",
                12,
                "COOKIE_SECRET"
            ),
            ("ENV303", "server/config.py", 5, "SECRET"),
        ]),
        "{output}"
    );
    // the JSON report and the messages never show a default; the human format's code frames
    // show code lines, masked where they hold a secret-shaped token
    let json = envcheck(root, &["check", "--select", "ENV3", "--format", "json"]);
    assert_never_printed(
        &String::from_utf8_lossy(&json.stdout),
        &["CANARY", "miniominio"],
    );
}

#[test]
fn a_secret_shaped_default_is_reported_under_any_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let live = format!("{}{}", "sk_live_", random(3, 32, ALNUM));
    let github = github_token(4);
    let build_hash = random(5, 64, HEX);
    let firebase = google_key(6);
    write(
        root,
        "app.py",
        &format!(
            "import os\n\
             STRIPE = os.getenv('STRIPE_KEY', '{live}')\n\
             BUILD = os.getenv('BUILD_HASH', '{build_hash}')\n\
             LOG = os.getenv('LOG_LEVEL', 'info')\n"
        ),
    );
    write(
        root,
        "web.ts",
        &format!(
            "export const gh = process.env.GH ?? '{github}';\n\
             export const fb = process.env.NEXT_PUBLIC_FIREBASE_API_KEY ?? '{firebase}';\n"
        ),
    );
    commit_all(root);
    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[
            ("ENV303", "app.py", 2, "STRIPE_KEY"),
            ("ENV303", "web.ts", 1, "GH"),
        ]),
        "{output}"
    );
    assert!(output.contains("(stripe-live-key)"), "{output}");
    assert!(output.contains("(github-token)"), "{output}");
    assert_never_printed(&output, &[&live, &github, &firebase]);
}

// --- ENV301 and ENV304: keys that are public by design -------------------------------------

#[test]
fn keys_that_are_public_by_design_are_neither_leaks_nor_exposed_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let public = [
        ("NEXT_PUBLIC_FIREBASE_API_KEY", google_key(10)),
        ("VITE_FIREBASE_API_KEY", google_key(11)),
        ("NEXT_PUBLIC_GOOGLE_MAPS_API_KEY", google_key(12)),
        (
            "NEXT_PUBLIC_POSTHOG_KEY",
            format!("{}{}", "phc_", random(13, 43, ALNUM)),
        ),
        ("NEXT_PUBLIC_SEGMENT_WRITE_KEY", random(14, 32, ALNUM)),
        (
            "NEXT_PUBLIC_PLAUSIBLE_DOMAIN",
            "status.example.org".to_string(),
        ),
        (
            "NEXT_PUBLIC_SENTRY_DSN",
            format!(
                "https://{}@o4505.ingest.sentry.io/4505",
                random(15, 32, HEX)
            ),
        ),
        (
            "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
            format!("{}{}", "pk_live_", random(16, 99, ALNUM)),
        ),
        (
            "NEXT_PUBLIC_MAPBOX_TOKEN",
            format!(
                "{}{}.{}",
                "pk.",
                "eyJ1IjoibWFwdXNlciIsImEiOiJjbGFiYzEyMzQ1Njc4OTAifQ",
                random(17, 22, ALNUM)
            ),
        ),
        (
            "NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY",
            random(18, 32, HEX),
        ),
        ("VITE_ALGOLIA_SEARCH_KEY", random(19, 32, HEX)),
        (
            "NEXT_PUBLIC_RECAPTCHA_SITE_KEY",
            format!("6Lc{}", random(20, 37, ALNUM)),
        ),
        ("NEXT_PUBLIC_TURNSTILE_SITE_KEY", random(21, 24, ALNUM)),
        ("NEXT_PUBLIC_HCAPTCHA_SITE_KEY", random(22, 40, ALNUM)),
    ];
    let secret = [
        // a browser prefix makes a Google key public only where the provider's SDK needs it
        ("NEXT_PUBLIC_GOOGLE_API_KEY", google_key(30)),
        // a secret under a browser prefix
        ("NEXT_PUBLIC_STRIPE_SECRET_KEY", random(31, 40, ALNUM)),
        // another provider's token under a public name
        ("NEXT_PUBLIC_RECAPTCHA_SITE_KEY_OLD", github_token(32)),
    ];
    let mut example = String::new();
    let mut code = String::new();
    for (name, value) in public.iter().chain(&secret) {
        example.push_str(&format!("{name}={value}\n"));
        code.push_str(&format!(
            "export const v{} = process.env.{name};\n",
            code.len()
        ));
    }
    write(root, ".env.example", &example);
    write(root, "web.ts", &code);
    commit_all(root);
    let (found, output) = check_secrets(root, &[]);
    assert_eq!(
        found,
        rows(&[
            ("ENV301", ".env.example", 15, "NEXT_PUBLIC_GOOGLE_API_KEY"),
            (
                "ENV301",
                ".env.example",
                16,
                "NEXT_PUBLIC_STRIPE_SECRET_KEY"
            ),
            (
                "ENV301",
                ".env.example",
                17,
                "NEXT_PUBLIC_RECAPTCHA_SITE_KEY_OLD"
            ),
            ("ENV304", "web.ts", 15, "NEXT_PUBLIC_GOOGLE_API_KEY"),
            ("ENV304", "web.ts", 16, "NEXT_PUBLIC_STRIPE_SECRET_KEY"),
        ]),
        "{output}"
    );
    let values: Vec<&str> = public
        .iter()
        .chain(&secret)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.contains("example.org"))
        .collect();
    assert_never_printed(&output, &values);
}

// --- work bounds -----------------------------------------------------------------------------

/// Generous: the debug build on a busy two-core machine. A blow-up is caught, not waited out.
const CEILING: Duration = Duration::from_secs(20);

const SIZE: usize = 1 << 20;

fn bounded(what: &str, f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let took = start.elapsed();
    assert!(took < CEILING, "{what}: {took:?}");
}

#[test]
fn the_name_value_and_path_checks_are_linear() {
    // a name of a hundred thousand distinct words and a value made of them: the table of which
    // prefixes of the value are name words must not multiply the value by the name
    let words: Vec<String> = (0..SIZE / 8).map(|i| format!("W{i}")).collect();
    let name = words.join("_");
    let value = words.concat().to_ascii_lowercase();
    let camel = "aB".repeat(SIZE / 2);
    bounded("is_placeholder_for, long name and value", || {
        std::hint::black_box(is_placeholder_for(&name, &value));
    });
    bounded("is_placeholder_for, long name, short value", || {
        std::hint::black_box(is_placeholder_for(&name, &value[..64]));
    });
    bounded("is_placeholder_for, camelCase name", || {
        std::hint::black_box(is_placeholder_for(&camel, "abab"));
    });
    bounded("is_public_key_name", || {
        std::hint::black_box(is_public_key_name(&format!(
            "NEXT_PUBLIC_{}SITE_KEY",
            "MAPS_".repeat(SIZE / 5)
        )));
    });
    bounded("env_file_kind", || {
        std::hint::black_box(env_file_kind(&format!(
            "{}.env.{}",
            "tests/".repeat(SIZE / 6),
            "x.".repeat(SIZE / 2)
        )));
    });
}
