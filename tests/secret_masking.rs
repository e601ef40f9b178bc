//! Secrets that sit in code never reach the output: a Python and a TypeScript file hold each
//! secret shape as a literal default (`os.getenv("X", "<secret>")`, `process.env.X ?? "..."`)
//! and inside dynamic-read keys, and every format of `envcheck check` (code frames, ENV201
//! expressions in messages) and of `envcheck scan` runs over them. No eight characters in a row
//! of any secret may appear in standard output or standard error.
//!
//! The secrets are unique strings of the shapes the masking covers: one-line PEM private keys
//! with `\n` escapes, base64 keys with `+` or a leading `/`, tokens with dots, `user:token`
//! forms, Mailgun-style `key-...` keys, and inline JSON credentials.

use std::path::Path;
use std::process::{Command, Output};

#[path = "support/repo.rs"]
mod repo;
use repo::write;

/// Joins parts so that no complete token-shaped literal sits in this source for secret scanners
/// to trip on.
fn fake(parts: &[&str]) -> String {
    parts.concat()
}

/// `(variable, literal default as written in the source, the secret material in it)`.
fn secrets() -> Vec<(&'static str, String, String)> {
    let pem_body = "MIIECANARYPEMvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTU";
    let mut cases = Vec::new();
    for (name, label) in [
        ("PRIVATE_KEY", "PRIVATE KEY"),
        ("RSA_PRIVATE_KEY", "RSA PRIVATE KEY"),
        ("EC_PRIVATE_KEY", "EC PRIVATE KEY"),
        ("SSH_PRIVATE_KEY", "OPENSSH PRIVATE KEY"),
    ] {
        let body = format!("{}{}", &pem_body[..50], &name[..2]);
        cases.push((
            name,
            format!("-----BEGIN {label}-----\\n{body}\\n-----END {label}-----\\n"),
            body,
        ));
    }
    let plain = |name, secret: String| (name, secret.clone(), secret);
    cases.push(plain(
        "SIGNING_KEY",
        "CaNaRyB64oweO215cz5AtkY+RmwbnShX+b5tBB3iDngW=".to_string(),
    ));
    cases.push(plain(
        "ENCRYPTION_KEY",
        "/CaNaRySLASHb5tBB3iDngWnNY8roT4oweO215cz5Atk=".to_string(),
    ));
    cases.push(plain(
        "API_TOKEN",
        "v1.4f9c8e7d6b5a49382716f5e4d3c2b1a0canary".to_string(),
    ));
    cases.push(plain(
        "JWT_SECRET",
        fake(&[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJzdWIiOiJDQU5BUllKV1QiLCJyb2xlIjoic2VydmljZSJ9",
            ".CaNaRyJWTgabS8svIisqzQZy7aw9dtcCoUL19UMWok",
        ]),
    ));
    cases.push(plain(
        "SENDGRID_API_KEY",
        fake(&[
            "SG",
            ".CaNaRySGubblHwDIoYKKkIdL.i54ZW7KF1qgUFUcCvneC-N7ztKDUV60mfwhC6rXY2Ur",
        ]),
    ));
    let github = fake(&["ghp", "_CaNaRyGHRb4byCjCMCRryJINDCAt6wvbeN1CO"]);
    cases.push(("GIT_TOKEN", format!("deploy:{github}"), github));
    cases.push((
        "BASIC_AUTH_PASSWORD",
        "admin:9f8e7d6c5b4a39281706f5e4d3c2b1a0".to_string(),
        "9f8e7d6c5b4a39281706f5e4d3c2b1a0".to_string(),
    ));
    cases.push(plain(
        "MAILGUN_API_KEY",
        "key-3ax6xnjp29jd6fds4gc373sgvcanary0".to_string(),
    ));
    cases.push(plain(
        "MAILGUN_SIGNING_KEY",
        "key-7eb968d15b3a8494eb11385ea6e36550".to_string(),
    ));
    let json_key = "MIIECANARYJSONQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJ";
    cases.push((
        "GCP_CREDENTIALS",
        format!(
            r#"{{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\n{json_key}\n-----END PRIVATE KEY-----\n","client_secret":"CANARY-JSON-CS1-Q7x9w"}}"#
        ),
        json_key.to_string(),
    ));
    cases.push((
        "GCP_CLIENT_CREDENTIALS",
        r#"{"client_id":"1234.apps.googleusercontent.com","client_secret":"CANARY-JSON-CS2-Z4k8v"}"#.to_string(),
        "CANARY-JSON-CS2-Z4k8v".to_string(),
    ));
    cases
}

/// The project: every secret as a literal default in Python and TypeScript, and as part of a
/// dynamic-read key in both.
fn project(root: &Path) -> Vec<String> {
    let cases = secrets();
    let mut py = String::from("import os\n\n");
    let mut ts = String::new();
    for (i, (name, literal, _)) in cases.iter().enumerate() {
        // the JSON literals hold double quotes: single-quoted in both languages
        let quote = if literal.contains('"') { '\'' } else { '"' };
        py.push_str(&format!(
            "V{i} = os.getenv(\"{name}\", {quote}{literal}{quote})\n"
        ));
        py.push_str(&format!(
            "D{i} = os.environ[{quote}{literal}{quote} + suffix]\n"
        ));
        ts.push_str(&format!(
            "export const v{i} = process.env.{name} ?? {quote}{literal}{quote};\n"
        ));
        ts.push_str(&format!(
            "export const d{i} = process.env[{quote}{literal}{quote} + suffix];\n"
        ));
    }
    write(root, "app/settings.py", &py);
    write(root, "web/config.ts", &ts);
    write(root, ".env.example", "UNRELATED=1\n");
    cases.into_iter().map(|(_, _, secret)| secret).collect()
}

fn envcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envcheck"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run")
}

/// No eight characters in a row of any secret in `text`.
fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(8) {
            let window: String = window.iter().collect();
            assert!(
                !text.contains(&window),
                "{what}: {window:?} of a secret is in the output:\n{text}"
            );
        }
    }
}

#[test]
fn secrets_in_code_never_reach_the_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = project(dir.path());
    let mut runs: Vec<Vec<&str>> = [
        "full", "concise", "json", "markdown", "github", "sarif", "gitlab",
    ]
    .iter()
    .map(|format| vec!["check", "--format", format])
    .collect();
    runs.push(vec!["scan"]);
    runs.push(vec!["scan", "--format", "json"]);
    for args in runs {
        let out = envcheck(dir.path(), &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {stderr}"
        );
        assert_no_secret(&format!("{args:?} stdout"), &stdout, &secrets);
        assert_no_secret(&format!("{args:?} stderr"), &stderr, &secrets);
        if args == ["check", "--format", "full"] {
            // the frames are there, masked, with their columns
            assert!(
                stdout.contains("V0 = os.getenv(\"PRIVATE_KEY\", \"*****"),
                "{stdout}"
            );
            assert!(stdout.contains("ENV303"), "{stdout}");
        }
        if args == ["scan"] {
            assert!(stdout.contains("Dynamic reads"), "{stdout}");
        }
    }
}
