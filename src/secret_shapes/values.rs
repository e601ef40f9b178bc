//! [`secret_shape`]: the verdict on a whole value (an example-file value, a committed env-file
//! value, a literal default, a name where a value may have been pasted).
//!
//! In order: a Slack webhook or a URL with a real password; nothing for a placeholder; the
//! shaped token that comes first by priority anywhere in the value (`tokens`); the whole value
//! as one high-entropy word (`entropy`).
//!
//! Choices:
//!
//! - Stripe test keys (`sk_test_`, `rk_test_`) and publishable keys (`pk_live_`, `pk_test_`)
//!   have no [`SecretShape`]: Stripe's own documentation ships test keys, and publishable keys
//!   are meant for the browser. Test keys are not placeholders either, so a committed test key
//!   under a secret name is still reported.
//! - Stripe object ids (`price_`, `prod_`, `plan_`, `acct_`, `cus_`, `sub_`) are configuration,
//!   not secrets.
//! - Other keys made for the browser have no [`SecretShape`] either: PostHog project keys
//!   (`phc_`; a personal `phx_` key is judged like any value) and Mapbox public tokens (`pk.`
//!   followed by a base64 JSON segment; a secret `sk.` token is judged like any value). Keys that
//!   are public only by their name (a Firebase `AIza...` key) are the rules' to tell, with
//!   [`is_public_key_name`](super::is_public_key_name).
//! - A value is one word: a sentence, a list or a URL is never high-entropy as a whole, however
//!   random one of its parts (code lines are masked part by part, see `mask`).

use super::SecretShape;
use super::entropy::is_high_entropy;
use super::placeholders::is_placeholder;
use super::tokens::{self, is_slack_webhook};
use super::url::Url;

/// The kind of real secret `value` looks like, or `None` for placeholders and ordinary
/// configuration (URLs without credentials, paths, numbers, words, lists, UUIDs).
pub fn secret_shape(value: &str) -> Option<SecretShape> {
    let value = unquote(value.trim());
    if value.is_empty() || is_stripe_non_secret(value) || is_browser_key(value) {
        return None;
    }
    if let Some(url) = Url::parse(value) {
        if is_slack_webhook(value) {
            return Some(SecretShape::SlackWebhook);
        }
        if url.password.is_some() && !url.credentials_are_dummy() {
            return Some(SecretShape::UrlWithPassword);
        }
    }
    if is_placeholder(value) {
        return None;
    }
    if let Some(shape) = tokens::find_shape(value) {
        return Some(shape);
    }
    is_high_entropy(value).then_some(SecretShape::HighEntropy)
}

/// Drops one pair of matching quotes around a value.
pub(super) fn unquote(value: &str) -> &str {
    for q in ['"', '\'', '`'] {
        if value.len() >= 2
            && let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q))
        {
            return inner;
        }
    }
    value
}

/// A PostHog project key (`phc_` and 30+ letters and digits) or a Mapbox public token (`pk.`
/// and a base64url JSON segment): made to be shipped to the browser.
fn is_browser_key(value: &str) -> bool {
    let posthog = value
        .strip_prefix("phc_")
        .is_some_and(|k| k.len() >= 30 && k.bytes().all(|b| b.is_ascii_alphanumeric()));
    let mapbox = value.strip_prefix("pk.").is_some_and(|t| {
        t.starts_with("eyJ")
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    });
    posthog || mapbox
}

/// Stripe test-mode and publishable keys, and Stripe object ids (`price_1Nq...`, `prod_PqR...`)
/// that example files use for pricing configuration.
fn is_stripe_non_secret(value: &str) -> bool {
    const TEST_KEYS: &[&str] = &["sk_test_", "rk_test_"];
    TEST_KEYS.iter().any(|p| value.starts_with(p)) || is_stripe_public(value)
}

/// Stripe publishable keys and object ids: public by design, in values and in code.
pub(super) fn is_stripe_public(value: &str) -> bool {
    const KEYS: &[&str] = &["pk_test_", "pk_live_"];
    const IDS: &[&str] = &["price_", "prod_", "plan_", "acct_", "cus_", "sub_"];
    KEYS.iter().any(|p| value.starts_with(p))
        || IDS.iter().any(|p| {
            value.strip_prefix(p).is_some_and(|id| {
                (8..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::fake;

    #[test]
    fn provider_tokens_have_their_shape() {
        use SecretShape::*;
        let cases: &[(&[&str], SecretShape)] = &[
            (&["AKIA", "LIAXPCECMQUAXV0G"], AwsAccessKeyId),
            (&["AKIA", "Z7QW3XK5JH2MNPLV"], AwsAccessKeyId),
            (&["ASIA", "4M7QZ2XK9JH3NPLW"], AwsAccessKeyId),
            (
                &["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"],
                GithubToken,
            ),
            (
                &["ghs", "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl1"],
                GithubToken,
            ),
            (
                &[
                    "github",
                    "_pat_ChLn1eoCkbQsdfYB9t1eoP_gMc38DxkstoX7bAy5TVf7JdIPEMKjgBkLnx6n4Yzl56vgHON7iXUvJJUqhb",
                ],
                GithubToken,
            ),
            (&["glpat", "-Wi6kjqAzwENQHbecjKdx"], GitlabToken),
            (
                &[
                    "sk_live",
                    "_0p9cySNOe3qRV6SL4JYI716sjxScnsZFGb2jQ3BUqV0y7Fv61Qbja4nkmQAIpIXBWJNiE1laLKM0RO6rcWL5Hp3ASmj",
                ],
                StripeLiveKey,
            ),
            (
                &["rk_live", "_91UJA9eBzLPK9BNkoWilJAQ48jiIVtMQ516TSGu1"],
                StripeLiveKey,
            ),
            (
                &[
                    "xoxb",
                    "-930809570672-6234670711347-Gdf6OEsLnzDqCT04y1VETkgy",
                ],
                SlackToken,
            ),
            (
                &[
                    "https://hooks.slack.com/services/",
                    "TW0B6ANC9/BR1W242TR/6IRH4Ztk5kRUcBrHztgmJKpF",
                ],
                SlackWebhook,
            ),
            (
                &["AIza", "Wf2X6rvLt7a6puTt4melj_KCyHnSxXoFEDF"],
                GoogleApiKey,
            ),
            (
                &[
                    "sk-",
                    "proj-dm3vEARvME-iMa6j8Q5kUrlwqMZqbuBwzF0bTFVE5xYCm8tg",
                ],
                OpenAiKey,
            ),
            (
                &["sk-", "ebz3DikXi4zoWKTuqv0Brs3nu26YuDu1VcYDRkFnyJoBwy7P"],
                OpenAiKey,
            ),
            (
                &[
                    "sk-ant-",
                    "api03-3RP14WzIDKlUCAzPmQOfXw-SgsvYpy9pbLXuqRqUUkrwcWxfzIeK9y6x7vW9EahmLfwUs1b7gZTokW_KT9xzx7lIxGK__",
                ],
                AnthropicKey,
            ),
            (
                &[
                    "SG",
                    ".kSxPnjubblHwDIoYKKkIdL.i54ZW7KF1qgUFUcCvneC-N7ztKDUV60mfwhC6rXY2Ur",
                ],
                SendgridKey,
            ),
            (&["SK", "19002e77a6bf2e2a37b6a0b18d6b151e"], TwilioKey),
            (&["npm", "_AHPExvcwww8VCYxVZXYV8CgFp5NgfMyVF8Zg"], NpmToken),
            (
                &[
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                    ".eyJzdWIiOiJ1X2xkQ0M1Yk9yIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxNjIzOTAyMn0",
                    ".haUw7gabS8svIisqzQZy7aw9dtcCoUL19UMWokWBS9Q",
                ],
                Jwt,
            ),
        ];
        for (parts, shape) in cases {
            let value = fake(parts);
            assert_eq!(secret_shape(&value), Some(*shape), "{value}");
        }
    }

    #[test]
    fn tokens_are_found_inside_longer_values() {
        let cases: &[(&[&str], SecretShape)] = &[
            (
                &["Bearer ", "ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"],
                SecretShape::GithubToken,
            ),
            (
                &[
                    "https://maps.googleapis.com/api?key=",
                    "AIza",
                    "Wf2X6rvLt7a6puTt4melj_KCyHnSxXoFEDF",
                ],
                SecretShape::GoogleApiKey,
            ),
            (
                &["\"", "AKIA", "LIAXPCECMQUAXV0G", "\""],
                SecretShape::AwsAccessKeyId,
            ),
        ];
        for (parts, shape) in cases {
            let value = fake(parts);
            assert_eq!(secret_shape(&value), Some(*shape), "{value}");
        }
    }

    #[test]
    fn token_prefixes_need_their_full_shape() {
        use SecretShape::*;
        // One character short, one too long, glued to a word, missing a digit. What is left may
        // still be a random string, so only the provider shape is ruled out.
        let cases: &[(&[&str], SecretShape)] = &[
            (&["AKIA", "LIAXPCECMQUAXV0"], AwsAccessKeyId),
            (&["AKIA", "LIAXPCECMQUAXV0GZ"], AwsAccessKeyId),
            (&["MAKIA", "LIAXPCECMQUAXV0G"], AwsAccessKeyId),
            (
                &["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1C"],
                GithubToken,
            ),
            (
                &["AIza", "Wf2X6rvLt7a6puTt4melj_KCyHnSxXoFED"],
                GoogleApiKey,
            ),
            (&["npm", "_AHPExvcwww8VCYxVZXYV8CgFp5NgfMyVF8"], NpmToken),
            (&["npm", "_AHPExvcwww8VCYxVZXYV8CgFp5NgfMyVF8Zgq"], NpmToken),
            (&["SK", "19002e77a6bf2e2a37b6a0b18d6b151"], TwilioKey),
            (&["SK", "19002e77a6bf2e2a37b6a0b18d6b151eg"], TwilioKey),
            (&["xoxb", "-abcdefghijklmnop"], SlackToken),
            (&["sk-", "some-descriptive-name-of-a-thing"], OpenAiKey),
            (
                &[
                    "SG",
                    ".kSxPnjubblHwDIoYKKkId.i54ZW7KF1qgUFUcCvneC-N7ztKDUV60mfwhC6rXY2Ur",
                ],
                SendgridKey,
            ),
        ];
        for (parts, shape) in cases {
            let value = fake(parts);
            assert_ne!(secret_shape(&value), Some(*shape), "{value}");
        }
        for value in ["AKIA", "ghp_", "sk-", "xoxb-1", "SG.", "npm_"] {
            assert_eq!(secret_shape(value), None, "{value}");
        }
    }

    #[test]
    fn private_key_blocks() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\
                    MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu";
        for label in [
            "PRIVATE KEY",
            "RSA PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "EC PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "PGP PRIVATE KEY BLOCK",
        ] {
            let multi_line = format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
            let escaped = format!("-----BEGIN {label}-----\\n{body}\\n-----END {label}-----");
            assert_eq!(
                secret_shape(&multi_line),
                Some(SecretShape::PrivateKeyBlock),
                "{label}"
            );
            assert_eq!(
                secret_shape(&escaped),
                Some(SecretShape::PrivateKeyBlock),
                "{label}"
            );
        }
        let not_keys = [
            "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\\n<your key>\\n-----END PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\\n-----END CERTIFICATE-----",
        ];
        for value in not_keys {
            assert_eq!(secret_shape(value), None, "{value}");
        }
    }

    #[test]
    fn private_key_inside_json() {
        let service_account = concat!(
            r#"{"type":"service_account","project_id":"acme-prod","#,
            r#""private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"#,
            r#"MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n","#,
            r#""client_email":"deploy@acme-prod.iam.gserviceaccount.com"}"#,
        );
        assert_eq!(
            secret_shape(service_account),
            Some(SecretShape::PrivateKeyBlock)
        );
        assert!(!is_placeholder(service_account));
    }

    #[test]
    fn documentation_jwts_are_not_secrets() {
        let supabase_demo_anon = fake(&[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9",
            ".CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0",
        ]);
        let jwt_io_sample = fake(&[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
            ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ]);
        let unsigned = fake(&["eyJhbGciOiJub25lIn0", ".eyJzdWIiOiJ1X2xkQ0M1Yk9yIn0", "."]);
        for value in [supabase_demo_anon, jwt_io_sample, unsigned] {
            assert_eq!(secret_shape(&value), None, "{value}");
        }
    }

    #[test]
    fn stripe_test_and_publishable_keys_have_no_shape() {
        for parts in [
            &["sk_test", "_7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN"][..],
            &["rk_test", "_7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN"][..],
            &[
                "pk_live",
                "_51H8xYzQ7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN",
            ][..],
            &[
                "pk_test",
                "_51H8xYzQ7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN",
            ][..],
        ] {
            let value = fake(parts);
            assert_eq!(secret_shape(&value), None, "{value}");
            assert!(!is_placeholder(&value), "{value}");
        }
    }

    #[test]
    fn browser_keys_have_no_shape() {
        for parts in [
            &["phc", "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl2Mn4Pq6"][..],
            &[
                "pk",
                ".eyJ1IjoibWFwdXNlciIsImEiOiJjbGFiYzEyMzQ1Njc4OTAifQ",
                ".Qx7Lm2Np4Rs6Tv8Wy0Za1B",
            ][..],
            // a Sentry DSN: its user part is the project's public key
            &[
                "https://",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
                "@o123456.ingest.sentry.io/4505",
            ][..],
        ] {
            let value = fake(parts);
            assert_eq!(secret_shape(&value), None, "{value}");
        }
        // their secret counterparts are judged like any value
        for parts in [
            &["phx", "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl2Mn4Pq6"][..],
            &[
                "phc",
                "_Qx7Lm2Np4Rs6Tv8Wy0Za1Bc3De5Fg7Hj9Kl2Mn4Pq6",
                "-",
                "ghp",
                "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO",
            ][..],
        ] {
            let value = fake(parts);
            assert!(secret_shape(&value).is_some(), "{value}");
        }
    }

    #[test]
    fn urls_with_real_passwords() {
        let reported = [
            "postgres://app:Xk3pL9qR2vT7wZ4m@prod-db.example.net:5432/app",
            "postgres://app:hunter2@db.prod.acme.io:5432/app",
            "postgres://postgres:postgres@db.prod.acme.io/app",
            "mysql://root:Zq8Lm3Np0Rs5Tv2W@localhost:3306/shop",
            "redis://:cLBSuH6i0rUsWymE4k@cache.internal.acme.io:6379/0",
            "amqps://svc:s3cr3t-v4lue-1@mq.acme.io/vhost",
            "https://deploy:Gdf6OEsLnzDqCT04y1VE@git.acme.io/org/repo.git",
        ];
        for value in reported {
            assert_eq!(
                secret_shape(value),
                Some(SecretShape::UrlWithPassword),
                "{value}"
            );
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn urls_without_real_passwords() {
        let documentation = [
            "postgres://postgres:postgres@localhost:5432/app",
            "postgres://user:password@localhost:5432/db",
            "postgresql://app:app@db:5432/app",
            "mysql://root:root@127.0.0.1:3306/app",
            "redis://default:redispw@redis:6379",
            "mongodb://admin:admin123@mongo:27017/app?authSource=admin",
            "amqp://guest:guest@rabbitmq:5672/",
            "postgres://user:pass@db.example.com/app",
            "postgres://app:<password>@prod-db.acme.io/app",
            "postgres://app:${DB_PASSWORD}@prod-db.acme.io/app",
            "postgres://app:changeme@prod-db.acme.io/app",
            "postgres://app:your-password@prod-db.acme.io/app",
            "postgres://app:****@prod-db.acme.io/app",
            "http://admin:secret@[::1]:8080/",
        ];
        for value in documentation {
            assert_eq!(secret_shape(value), None, "{value}");
            assert!(is_placeholder(value), "{value}");
        }
        let no_credentials = [
            "redis://localhost:6379/0",
            "http://localhost:3000",
            "https://api.acme.io/v1",
            "postgres://prod-db.acme.io:5432/app",
            "https://b6a0b18d6b151e19002e77a6bf2e2a37@o123456.ingest.sentry.io/4505",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        ];
        for value in no_credentials {
            assert_eq!(secret_shape(value), None, "{value}");
        }
    }

    #[test]
    fn ordinary_config_values_have_no_shape() {
        let values = [
            "",
            "   ",
            "true",
            "false",
            "8080",
            "info",
            "debug",
            "production",
            "us-east-1",
            "3.14159",
            "1234567890123456789012345",
            "changeme",
            "http://localhost:3000",
            "redis://localhost:6379/0",
            "550e8400-e29b-41d4-a716-446655440000",
            "{550e8400-e29b-41d4-a716-446655440000}",
            "507f1f77bcf86cd799439011",
            "The quick brown fox jumps over the lazy dog 42 times",
            "db1.acme.io,db2.acme.io,db3.acme.io",
            "host-1:9092,host-2:9092,host-3:9092",
            "/var/lib/app/data/uploads/2024",
            "./certs/server-2024.pem",
            "~/Library/Application Support/app",
            "C:\\Program Files\\App\\config2.json",
            "my-service-123.us-east-1.rds.amazonaws.com",
            "ops+alerts2024@acme-corp.com",
            "arn:aws:iam::123456789012:role/MyRole",
            "ghcr.io/acme/api-server:1.24.3",
            "2024-01-15T10:30:00Z",
            "v1.2.3-rc.1+build.20240115",
            "application/json;charset=utf-8",
            "MyApp2024ProductionCluster",
            "AppServiceProd2024WestEurope",
            "my_app_production_db_2",
            "dev_secret_key_for_local_use_1",
            "super-secret-dev-key-2024",
            "prd-svc-db2-cfg-x86-64",
            "TLS_AES_256_GCM_SHA384-v1",
            "node18-alpine3-slim-bookworm",
            "projects/my-project-123/topics/events",
            "G-ABC123XYZ9-measurement",
            "Standard_D2s_v3_WestEurope1",
            "0123456789abcdef0123456789abcdef",
            "deadbeefdeadbeefdeadbeefdeadbeef",
            "aaaaaaaaaabbbbbbbbbb1111111111",
            "hunter2hunter2hunter2",
            "[\"a1\",\"b2\",\"c3\",\"d4\",\"e5\"]",
            "{\"level\":\"info\",\"retries\":3}",
            // Lines seen in real example files.
            "Laravel",
            "mysql",
            "127.0.0.1",
            "hello@example.com",
            "file:./dev.db",
            "http://localhost:3000,http://localhost:5173",
            "Europe/Berlin",
            "1234567890-abc123def456ghi789jkl012mno345pq.apps.googleusercontent.com",
            "1:1234567890:web:abc123def456",
            "price_1NqXyZ2eZvKYlo2C0a1b2c3d",
            "prod_PqR7sT2uVwX9yZ",
            "acct_1Mq2Xy3Zb4Cd5Ef6",
            "--max-old-space-size=4096",
            "-Xmx512m -Xms256m",
            "0 */6 * * *",
            "en_US.UTF-8",
            "localhost,127.0.0.1,[::1]",
            "service.name=api,deployment.environment=prod",
            "newCheckout2024,betaSearchV2",
            "orders-v2-dead-letter-queue",
            "pk.eyJ1IjoiYWNtZSIsImEiOiJjbHgxMjM0NTYifQ.Zq8Lm3Np0Rs5Tv2WxYz1Ab",
        ];
        for value in values {
            assert_eq!(secret_shape(value), None, "{value:?}");
        }
    }

    #[test]
    fn high_entropy_strings() {
        let values = [
            // base64 of 32 and 48 random bytes.
            "roT4oweO215cz5AtkY/RmwbnShX/b5tBB3iDngWnNY8=",
            "Y1oh9MyjFO9yr0NNHqDw3fipjTUfo5M6Re2v9S1YuAE38io5oKVJq/aO0Zdrg5MM",
            // base64url, base62, hex.
            "B_ggz78QPSITCBoV2F5LZ_BvPX_dpHW3GFom_RcI2fs",
            "ED7uVdFz9ewgOhjfdS77OaOu",
            "8e7910caf7bdb428f1e04a39a5e2643dbbe7bc68f7aff853f9294d2c37e2e92a",
            "357b5b7e1b056eeb21afbec9d52704b6",
            "357B5B7E1B056EEB21AFBEC9D52704B6",
            // A generated password, a Mailgun-style key, Django's generated key, a Stripe
            // webhook secret.
            "Xk3#pL9!qR2$vT7wZ4m&",
            "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
            "django-insecure-c5170bovi_&$(3uxsitcfd$ca7v&rt!9nd9%e+#%$86r!z-4fs",
            concat!("whsec", "_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH"),
            // Laravel's APP_KEY.
            "base64:roT4oweO215cz5AtkY/RmwbnShX/b5tBB3iDngWnNY8=",
        ];
        for value in values {
            assert_eq!(
                secret_shape(value),
                Some(SecretShape::HighEntropy),
                "{value}"
            );
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn high_entropy_needs_length_and_mixed_classes() {
        let values = [
            // Random but short: 19 characters; hex under 32.
            "ED7uVdFz9ewgOhjfdS7",
            "357b5b7e1b056eeb21afbec9d527",
            // Letters only, digits only.
            "cLBSuHiUsWymEqRvTkLpXaZbNm",
            "98231740982317409823174098",
        ];
        for value in values {
            assert_eq!(secret_shape(value), None, "{value}");
        }
    }

    #[test]
    fn placeholders_inside_token_shapes_are_not_secrets() {
        let values = [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_...",
            "sk_test_...",
            "sk_test_your_key_here",
            "sk-your-openai-api-key-here",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_000000000000000000000000000000000000",
            "ghp_abababababababababababababababababab",
            "xoxb-your-bot-token",
            "xoxb-0000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
            "glpat-XXXXXXXXXXXXXXXXXXXX",
            "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "npm_1234567890abcdefghijklmnopqrstuvwxyz",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0...",
        ];
        for value in values {
            assert_eq!(secret_shape(value), None, "{value}");
        }
    }
}
