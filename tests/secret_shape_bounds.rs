//! Work bounds of the secret-shape functions on adversarial input.
//!
//! Most inputs below made the earlier hand-written scanner do quadratic work: it scanned the
//! rest of the text from every occurrence of a token prefix (`sk-sk-sk-...`), from every
//! `-----BEGIN` to the next `-----END`, and from every `<` to the next `>`; the others stress
//! the remaining scans (entropy, words and their parts, name parts, URLs, quoted keys). Each
//! test runs a function on 1 MiB of such input and checks that it finishes far under a generous
//! ceiling; the ceiling only catches blow-ups (the old code takes minutes to hours on the token
//! inputs, the debug build of the new code a few seconds at most), it is not a timing assertion.
//!
//! The `#[ignore]`d `timings` test prints per-input times at chosen sizes and the cost of
//! `secret_shape` on short names, for comparing builds:
//!
//! ```text
//! ENVCHECK_BOUNDS_SIZES=65536,1048576 \
//!     cargo test --release --test secret_shape_bounds -- --ignored --nocapture timings
//! ```

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use envcheck::secret_shapes::{
    is_placeholder, is_platform_variable, is_secret_name, mask_tokens, public_prefix, secret_shape,
};

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// Generous: the debug build on a busy two-core machine. A blow-up is caught, not waited out.
const CEILING: Duration = Duration::from_secs(20);

/// The size of each adversarial input.
const SIZE: usize = 1 << 20;

/// `unit` repeated to `size` bytes, between `head` and `tail`.
fn repeat(head: &str, unit: &str, tail: &str, size: usize) -> String {
    let mut out = String::with_capacity(size + head.len() + tail.len() + unit.len());
    out.push_str(head);
    while out.len() < size {
        out.push_str(unit);
    }
    out.push_str(tail);
    out
}

/// Inputs that are quadratic or worse for a scanner that starts over at every occurrence of a
/// prefix, one per token shape and one per other scan that looked for a closing delimiter.
fn adversarial(size: usize) -> Vec<(&'static str, String)> {
    let r = |unit: &str| repeat("", unit, "", size);
    vec![
        ("openai sk-", r("sk-")),
        ("openai sk-1", r("sk-1")),
        // bodies short enough that the scanner looks again inside them, and no digit in them
        ("openai rescans", r(&format!("{} ", "sk-a-".repeat(12)))),
        ("anthropic sk-ant-", r("sk-ant-")),
        ("github ghp_", r("ghp_")),
        ("github -ghp_", r("-ghp_1")),
        ("github github_pat_", r("github_pat_")),
        ("gitlab glpat-", r("glpat-")),
        ("slack xoxb-", r("xoxb-")),
        ("slack xoxb-1", r("xoxb-1")),
        ("google AIza-", r("AIza-")),
        ("sendgrid SG.", r("SG.")),
        ("sendgrid -SG.a", r("-SG.a")),
        ("jwt eyJ", r("eyJ")),
        ("jwt .eyJ", r(".eyJaaaaaaaaaaa")),
        ("jwt eyJ.eyJ", repeat("", "eyJhbGciOiJIUzI1NiJ9.", "", size)),
        ("pem BEGIN", r("-----BEGIN PRIVATE KEY-----")),
        (
            "pem BEGIN body",
            r("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B"),
        ),
        ("pem BEGIN space", r("-----BEGIN ")),
        // a body that is filler (one character repeated), so the old scanner went on to the next
        // header, and from each header to the end of the text
        (
            "pem BEGIN AAAA",
            r(&format!("-----BEGIN PRIVATE KEY-----{}", "A".repeat(200))),
        ),
        ("npm npm_", r("npm_")),
        ("twilio SK", r("-SK0")),
        ("aws AKIA", r("-AKIA")),
        ("slack webhook", r("https://hooks.slack.com/services/T")),
        ("url a:b@", repeat("x://", "a:b@", "", size)),
        ("url a://b:c@", r("a://b:c@")),
        ("angle <", repeat("", "<", ">", size)),
        ("angle <a", repeat("", "<a", ">", size)),
        ("json \"password\":\"", r("\"password\":\"")),
        ("json \"k\":", r("\"k\": ")),
        ("random base64", random_base64(size)),
        ("class switches", r("aA1+")),
        ("name parts", r("A_")),
        ("camel case", r("aB")),
        ("words", r("ab1 ")),
        ("sub-parts", r("ab1:")),
    ]
}

/// Deterministic base64 text without separators: one long high-entropy token.
fn random_base64(size: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(ALPHABET[(state % 64) as usize])
        })
        .collect()
}

/// Runs `f` and checks its time against the ceiling.
fn within_ceiling(what: &str, name: &str, input: &str, f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let took = start.elapsed();
    assert!(
        took < CEILING,
        "{what} on {name} ({} bytes) took {took:?}",
        input.len()
    );
}

/// The inputs each token test runs on: one per prefix the old scanner restarted at, and the
/// delimiters it searched for. The others are for `timings`.
const TOKEN_INPUTS: &[&str] = &[
    "openai sk-",
    "openai rescans",
    "anthropic sk-ant-",
    "github -ghp_",
    "github github_pat_",
    "gitlab glpat-",
    "slack xoxb-",
    "google AIza-",
    "sendgrid SG.",
    "jwt .eyJ",
    "pem BEGIN AAAA",
    "npm npm_",
    "twilio SK",
    "aws AKIA",
    "slack webhook",
    "url a:b@",
    "url a://b:c@",
    "angle <a",
    "json \"password\":\"",
    "random base64",
];

/// Runs `f` on the token inputs, each against the ceiling.
fn bounded(what: &str, f: impl Fn(&str)) {
    let inputs = adversarial(SIZE);
    for name in TOKEN_INPUTS {
        assert!(inputs.iter().any(|(n, _)| n == name), "no input {name}");
    }
    for (name, input) in inputs {
        if TOKEN_INPUTS.contains(&name) {
            within_ceiling(what, name, &input, || f(&input));
        }
    }
}

#[test]
fn secret_shape_is_linear() {
    bounded("secret_shape", |input| {
        black_box(secret_shape(input));
    });
}

#[test]
fn mask_tokens_is_linear() {
    bounded("mask_tokens", |input| {
        let line = format!("TOKEN = os.getenv(\"API_TOKEN\", \"{input}\")");
        let masked = mask_tokens(&line);
        assert_eq!(masked.chars().count(), line.chars().count());
    });
}

/// Placeholder and name checks scan the whole text too: the inputs that stress them.
fn text_scans(size: usize) -> Vec<(&'static str, String)> {
    adversarial(size)
        .into_iter()
        .filter(|(name, _)| {
            [
                "angle",
                "url",
                "name parts",
                "camel case",
                "sub-parts",
                "openai sk-",
            ]
            .iter()
            .any(|n| name.starts_with(n))
        })
        .collect()
}

#[test]
fn is_placeholder_is_linear() {
    for (name, input) in text_scans(SIZE) {
        within_ceiling("is_placeholder", name, &input, || {
            black_box(is_placeholder(&input));
        });
    }
}

#[test]
fn name_functions_are_linear() {
    for (name, input) in text_scans(SIZE) {
        within_ceiling("name functions", name, &input, || {
            black_box(is_secret_name(&input));
            black_box(is_platform_variable(&input));
            black_box(public_prefix(&input));
        });
    }
}

/// The real binary on a project whose code line and example value are adversarial: the frame
/// of ENV303 masks the line, ENV301 judges the example value.
#[test]
fn check_is_linear_end_to_end() {
    let inputs = adversarial(SIZE);
    for name in ["openai sk-", "pem BEGIN AAAA", "angle <a"] {
        let (_, value) = inputs.iter().find(|(n, _)| *n == name).expect("input");
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "app.py",
            &format!("import os\n\nTOKEN = os.getenv(\"API_TOKEN\", \"{value}\")\n"),
        );
        write(dir.path(), ".env.example", &format!("API_TOKEN={value}\n"));
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_envcheck"))
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["check", "--format", "full"])
            .output()
            .expect("run");
        let took = start.elapsed();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(took < CEILING, "check on {name} took {took:?}");
    }
}

/// Times every function on every adversarial input at the sizes in `ENVCHECK_BOUNDS_SIZES`
/// (bytes, comma-separated; default 65536), and `secret_shape` on short names.
#[test]
#[ignore = "prints timings; run with --release --ignored --nocapture"]
fn timings() {
    let sizes: Vec<usize> = std::env::var("ENVCHECK_BOUNDS_SIZES")
        .unwrap_or_else(|_| "65536".to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for size in sizes {
        for (name, input) in adversarial(size) {
            let time = |f: &dyn Fn()| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1e3
            };
            let shape = time(&|| {
                black_box(secret_shape(&input));
            });
            let mask = time(&|| {
                black_box(mask_tokens(&input));
            });
            let placeholder = time(&|| {
                black_box(is_placeholder(&input));
            });
            let names = time(&|| {
                black_box(is_secret_name(&input));
                black_box(is_platform_variable(&input));
            });
            println!(
                "{size:>9} {name:<22} secret_shape {shape:>10.2} ms  mask_tokens {mask:>10.2} ms  \
                 is_placeholder {placeholder:>8.2} ms  names {names:>8.2} ms"
            );
        }
    }
    let names = [
        "DATABASE_URL",
        "API_KEY",
        "STRIPE_SECRET_KEY",
        "NEXT_PUBLIC_SUPABASE_URL",
        "PORT",
        "NODE_ENV",
        "AWS_SECRET_ACCESS_KEY",
        "REDIS_URL",
        "LOG_LEVEL",
        "SENTRY_DSN",
        "apiKey",
        "OPENAI_API_KEY",
        "GITHUB_TOKEN",
        "DJANGO_SETTINGS_MODULE",
        "FEATURE_FLAG_NEW_CHECKOUT_2024",
        "x",
    ];
    let rounds = 200_000;
    let start = Instant::now();
    for _ in 0..rounds {
        for name in names {
            black_box(secret_shape(black_box(name)));
        }
    }
    let per_name = start.elapsed().as_secs_f64() * 1e9 / (rounds * names.len()) as f64;
    println!("secret_shape per short name: {per_name:.0} ns");
}
