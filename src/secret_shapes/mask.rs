//! [`mask_tokens`]: a line of code (a code frame, a dynamic-read expression, a comment of the
//! example file) with every secret-shaped token replaced by `*`s.
//!
//! What is masked, each by the rule the value verdict uses:
//!
//! - every token the `tokens` scanner finds: provider tokens, private keys with their
//!   `\n`-escaped bodies and end markers, JWTs, SendGrid keys, Slack webhooks;
//! - every URL with a real password, to the end of its word (`url`);
//! - every word that is a high-entropy string (`entropy`) or holds one after a `:`, `.`, `@`,
//!   `=` or backslash, or joined by `-`, `_` or `+` (`admin:9f8e...`, `v1.4f9c...`,
//!   `key-3ax6...`, `...\n`): the whole word, so no part of it stays readable. A Stripe test
//!   key is masked this way: it is a secret key though not a finding;
//! - the string value of a secret-named key with a quoted name (`"client_secret": "..."` in inline
//!   JSON or a dict or object literal, also with `\"`-escaped quotes), whatever its shape, unless
//!   it is a placeholder or a variable name.
//!
//! Words are the line split at whitespace, quotes, brackets and `,;|&!?<>`
//! ([`is_token_separator`], shared with the extractor, which shortens expressions at the same
//! places). `+`, `/` and `=` do not split (base64 holds them), nor do `.`, `:`, `-` and `_`.
//!
//! Not masked: identifiers, module paths, URLs without credentials or random parts, environment
//! variable names, short words, placeholders, Stripe publishable keys and object ids. A
//! documentation JWT is masked as a random word: in a line of code it cannot be told apart.
//!
//! Masking keeps columns: every masked character becomes one `*`, and whitespace inside a masked
//! span stays (the spaces of a private key's header, the lines of a multi-line text).
//!
//! Work: the scanner, the `://` search, the key search and the word split are one pass each;
//! the spans are sorted and applied in one more.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::entropy::{HIGH_ENTROPY_MIN_LEN, is_high_entropy};
use super::names::is_secret_name;
use super::placeholders::{is_placeholder, is_placeholder_text};
use super::tokens;
use super::url;
use super::values::is_stripe_public;

/// `text` (a line of code, a key expression) with every secret-shaped token replaced by as many
/// `*` as it has characters, so that columns stay where they were: provider tokens, private keys
/// (also one-line with `\n` escapes), JWTs, URLs with a password, words that are or hold a
/// high-entropy string (`admin:9f8e...`, `v1.4f9c...`), and the values of secret-named keys in
/// inline JSON.
/// Whitespace inside a masked span is kept. Returns `text` itself when nothing is masked.
pub fn mask_tokens(text: &str) -> Cow<'_, str> {
    let mut spans: Vec<Range<usize>> = tokens::hits(text)
        .filter(|hit| hit.masked)
        .map(|hit| hit.span)
        .collect();
    url::credential_spans(text, &mut spans);
    secret_key_values(text, &mut spans);
    random_words(text, &mut spans);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable_by_key(|span| span.start);
    let mut spans = spans.into_iter().peekable();
    let mut covered_until = 0;
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        while let Some(span) = spans.next_if(|span| span.start <= i) {
            covered_until = covered_until.max(span.end);
        }
        out.push(if i < covered_until && !c.is_whitespace() {
            '*'
        } else {
            c
        });
    }
    Cow::Owned(out)
}

/// Where words of code end: whitespace, quotes, brackets and the punctuation that separates
/// expressions. Not `+`, `/` or `=`, which base64 holds.
pub(crate) fn is_token_separator(c: char) -> bool {
    c.is_whitespace() || "'\"`()[]{},;<>|&!?".contains(c)
}

/// Inside a word, what separates a prefix from a random part: `user:token`, `v1.token`,
/// `name@token`, `key=token`, `token\n`.
const PART_SEPARATORS: [char; 5] = [':', '.', '@', '=', '\\'];

/// Inside a part, what joins a word to a random part (`key-3ax6...`, `xxxx+token`), though
/// base64 holds `+` and base64url `-` and `_`: parts are judged whole and split. Not `/`: a path
/// or URL with a hash in it (`/blob/8e7910ca.../`) is no secret.
const JOINERS: [char; 3] = ['-', '_', '+'];

/// The words of `text` that are random or hold a random part.
fn random_words(text: &str, spans: &mut Vec<Range<usize>>) {
    let mut start = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if !is_token_separator(c) {
            continue;
        }
        if is_random_word(&text[start..i]) {
            spans.push(start..i);
        }
        start = i + c.len_utf8();
    }
}

/// The word, one of its parts, or a piece of a part is random. Each level is one pass.
fn is_random_word(word: &str) -> bool {
    if word.len() < HIGH_ENTROPY_MIN_LEN || is_stripe_public(word) {
        return false;
    }
    let pieces_random = |part: &str| part.contains(JOINERS) && part.split(JOINERS).any(is_random);
    if is_random(word) || pieces_random(word) {
        return true;
    }
    word.contains(PART_SEPARATORS)
        && word
            .split(PART_SEPARATORS)
            .any(|part| is_random(part) || pieces_random(part))
}

fn is_random(part: &str) -> bool {
    is_high_entropy(part) && !is_placeholder_text(part)
}

/// A quoted key and the quote that opens its string value: `"name": "`, `'name': '`,
/// `\"name\":\"`. No capture groups: the key is read back from the match by hand.
static QUOTED_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\\?["'][A-Za-z_][A-Za-z0-9_.-]*\\?["']\s*:\s*\\?["']"#)
        .expect("the quoted-key pattern compiles (mask::tests::json_credentials)")
});

/// The string values of secret-named quoted keys.
fn secret_key_values(text: &str, spans: &mut Vec<Range<usize>>) {
    let mut at = 0;
    while let Some(m) = QUOTED_KEY.find_at(text, at) {
        let matched = m.as_str();
        let bytes = matched.as_bytes();
        let quote = bytes[bytes.len() - 1];
        let escaped = bytes.len() >= 2 && bytes[bytes.len() - 2] == b'\\';
        let key = matched
            .trim_start_matches('\\')
            .get(1..)
            .and_then(|k| k.split(['\\', '"', '\'']).next())
            .unwrap_or_default();
        let start = m.end();
        let end = start + string_len(&text[start..], quote, escaped);
        let value = &text[start..end];
        if !value.is_empty()
            && is_secret_name(key)
            && !is_placeholder(value)
            && !is_variable_name(value)
        {
            spans.push(start..end);
        }
        // the value is read once: the next key is searched for after it
        at = end.max(m.end());
    }
}

/// The length of a string's contents up to its closing `quote` (`\"` when the string sits
/// escaped inside another one), skipping escapes; the rest of the text when it is not closed.
fn string_len(rest: &str, quote: u8, escaped: bool) -> usize {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escaped && bytes.get(i + 1) == Some(&quote) => return i,
            b'\\' => i += 2,
            b if b == quote => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `DB_PASSWORD`: a value that names a variable rather than holding a secret.
fn is_variable_name(value: &str) -> bool {
    value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::fake;

    /// Masks `line` and checks that columns are kept and that no 8 characters of `secret` are
    /// left in it.
    fn hidden(line: &str, secret: &str) -> String {
        let masked = mask_tokens(line).into_owned();
        assert_eq!(masked.chars().count(), line.chars().count(), "{masked}");
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(8.min(chars.len())) {
            let window: String = window.iter().collect();
            assert!(!masked.contains(&window), "{window:?} left in {masked}");
        }
        masked
    }

    #[test]
    fn mask_tokens_hides_secrets_and_keeps_columns() {
        let live = fake(&["sk_live", "_51H8qXk2LmNpQrStUvWxYz0123"]);
        let line = format!("STRIPE = os.getenv(\"STRIPE_SECRET_KEY\", \"{live}\")  # é");
        let masked = mask_tokens(&line);
        assert_eq!(
            masked,
            format!(
                "STRIPE = os.getenv(\"STRIPE_SECRET_KEY\", \"{}\")  # é",
                "*".repeat(34)
            )
        );
        assert_eq!(masked.chars().count(), line.chars().count());
        let url = "db = connect('postgres://admin:Q9x7LmN2pW4r@prod-db.internal:5432/app')";
        assert_eq!(
            mask_tokens(url),
            format!("db = connect('{}')", "*".repeat(55))
        );
    }

    const KEY_BODY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    #[test]
    fn one_line_private_keys() {
        for label in [
            "PRIVATE KEY",
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
        ] {
            let key = format!("-----BEGIN {label}-----\\n{KEY_BODY}\\n-----END {label}-----\\n");
            let line = format!("KEY = os.getenv(\"PRIVATE_KEY\", \"{key}\")");
            let masked = hidden(&line, KEY_BODY);
            assert!(
                masked.starts_with("KEY = os.getenv(\"PRIVATE_KEY\", \"*****"),
                "{masked}"
            );
            assert!(masked.ends_with("\")"), "{masked}");
            // only the start of a key on the line
            let start = format!("KEY = \"\"\"-----BEGIN {label}-----\\n{}", &KEY_BODY[..24]);
            hidden(&start, &KEY_BODY[..24]);
        }
    }

    #[test]
    fn base64_keys_with_plus_or_a_leading_slash() {
        for key in [
            "roT4oweO215cz5AtkY+RmwbnShX+b5tBB3iDngWnNY8=",
            "/b5tBB3iDngWnNY8roT4oweO215cz5AtkY+RmwbnShX=",
            "+RmwbnShX/b5tBB3iDngWnNY8roT4oweO215cz5AtkY=",
        ] {
            let line = format!("SIGNING_KEY = os.getenv(\"SIGNING_KEY\", '{key}')");
            let masked = hidden(&line, key);
            assert_eq!(
                masked,
                format!(
                    "SIGNING_KEY = os.getenv(\"SIGNING_KEY\", '{}')",
                    "*".repeat(key.len())
                )
            );
        }
        hidden(
            "key = b'roT4oweO215cz5AtkY+RmwbnShX+b5tBB3iDngWnNY8=\\n'",
            "roT4oweO215cz5AtkY",
        );
    }

    #[test]
    fn tokens_with_dots() {
        let jwt = fake(&[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".eyJzdWIiOiJ1X2xkQ0M1Yk9yIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxNjIzOTAyMn0",
            ".haUw7gabS8svIisqzQZy7aw9dtcCoUL19UMWokWBS9Q",
        ]);
        let sendgrid = fake(&[
            "SG",
            ".kSxPnjubblHwDIoYKKkIdL.i54ZW7KF1qgUFUcCvneC-N7ztKDUV60mfwhC6rXY2Ur",
        ]);
        for secret in [
            "v1.4f9c8e7d6b5a49382716f5e4d3c2b1a0",
            "v2.local.Xk3pL9qR2vT7wZ4mB8nC1dF6gH0jK5sQ",
            jwt.as_str(),
            "eyJhbGciOiJIUzI1NiJ9.Zq8Lm3Np0Rs5Tv2WxYz1AbCdEf.Gh4Ij6Kl8Mn0Op2Qr4St6Uv8",
            sendgrid.as_str(),
        ] {
            let line = format!("token = process.env.API_TOKEN ?? \"{secret}\";");
            let masked = hidden(&line, secret);
            assert!(
                masked.starts_with("token = process.env.API_TOKEN ?? \"*"),
                "{masked}"
            );
        }
    }

    #[test]
    fn user_token_forms() {
        let github = fake(&["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"]);
        let deploy = format!("deploy:{github}");
        hidden(
            &format!("auth = os.getenv('GIT_AUTH', '{deploy}')"),
            &github,
        );
        hidden(
            "requests.get(url, auth=os.getenv('BASIC_AUTH', 'admin:9f8e7d6c5b4a39281706f5e4d3c2b1a0'))",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        );
        hidden(
            "headers = {'Authorization': 'Basic ' + 'ci-bot:Zq8Lm3Np0Rs5Tv2WxYz1Ab'}",
            "Zq8Lm3Np0Rs5Tv2WxYz1Ab",
        );
    }

    #[test]
    fn mailgun_style_keys() {
        for key in [
            "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
            "key-4f9c8e7d6b5a49382716f5e4d3c2b1a0",
            // too few bits as a whole word (3.8 per character); its hex part alone is random
            "key-7eb968d15b3a8494eb11385ea6e36550",
        ] {
            hidden(
                &format!("MAILGUN = os.getenv('MAILGUN_API_KEY', \"{key}\")"),
                key,
            );
        }
    }

    #[test]
    fn json_credentials() {
        let json = format!(
            r#"CREDS = os.getenv("GCP_CREDENTIALS", '{{"type":"service_account","project_id":"acme-prod","private_key":"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n","client_secret":"hunter2-but-longer","client_id":"1234567890.apps.googleusercontent.com"}}')"#
        );
        let masked = hidden(&json, KEY_BODY);
        assert!(!masked.contains("hunter2"), "{masked}");
        // what is not secret stays readable
        for kept in [
            "\"type\":\"service_account\"",
            "\"project_id\":\"acme-prod\"",
            "\"client_secret\":\"",
            "1234567890.apps.googleusercontent.com",
        ] {
            assert!(masked.contains(kept), "{kept} in {masked}");
        }
        // escaped inside a string literal, single quotes, spaces
        for line in [
            r#"x = "{\"client_secret\":\"hunter2-but-longer\"}""#,
            "cfg = {'password': 'hunter2-but-longer'}",
            "cfg = { \"api_key\" :  \"hunter2-but-longer\" }",
        ] {
            let masked = hidden(line, "hunter2-but-longer");
            assert_eq!(masked.len(), line.len(), "{masked}");
        }
        // placeholders, variable names and other keys stay
        for line in [
            r#"{"password": "changeme", "token": "<token>", "secret": "${SECRET}"}"#,
            r#"{"password_env": "DB_PASSWORD", "username": "admin", "token_url": "https://x.io/t"}"#,
            r#"{"password": ""}"#,
        ] {
            assert!(matches!(mask_tokens(line), Cow::Borrowed(_)), "{line}");
        }
    }

    #[test]
    fn ordinary_lines_are_left_alone() {
        let lines = [
            "",
            "const url = process.env.DATABASE_URL ?? 'postgres://localhost/app';",
            "API_KEY = os.environ['NEXT_PUBLIC_SUPABASE_ANON_KEY']",
            "from django.contrib.auth.middleware import AuthenticationMiddleware",
            "import { createClient } from '@supabase/supabase-js';",
            "redis_url = os.getenv(\"REDIS_URL\", \"redis://localhost:6379/0\")",
            "db = os.getenv('DATABASE_URL', 'postgres://postgres:postgres@localhost:5432/app')",
            "fetch(`https://api.github.com/repos/${owner}/${repo}/releases/latest`)",
            "resp = httpx.get(\"https://www.googleapis.com/auth/cloud-platform\")",
            "total = price+tax+shipping_cost_in_cents_2024",
            "if password is None and not settings.DEBUG_TOOLBAR_ENABLED:",
            "const key = process.env.STRIPE_SECRET_KEY || \"sk_test_your_key_here\";",
            "pk = os.getenv('STRIPE_PUBLISHABLE_KEY', 'pk_live_51H8xYzQ7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN')",
            "PRICE = os.getenv('PRICE_ID', 'price_1NqXyZ2eZvKYlo2C0a1b2c3d')",
            "id = os.getenv('REQUEST_ID', '550e8400-e29b-41d4-a716-446655440000')",
            "path = os.getenv('DATA_DIR', '/var/lib/app/data/uploads/2024')",
            "export const token = process.env.NEXT_PUBLIC_FEATURE_FLAG_NEW_CHECKOUT_2024;",
            "logger = logging.getLogger(\"myapp.services.payments.StripeWebhookHandler\")",
            "config = {\"level\": \"info\", \"retries\": 3, \"token_type\": \"bearer\"}",
            "key = os.getenv(\"AWS_ACCESS_KEY_ID\", \"AKIAIOSFODNN7EXAMPLE\")",
            "ratio = width/height*scale_factor_for_retina_2x",
        ];
        for line in lines {
            assert!(
                matches!(mask_tokens(line), Cow::Borrowed(_)),
                "{line}\n{}",
                mask_tokens(line)
            );
        }
    }

    #[test]
    fn whitespace_inside_a_masked_span_stays() {
        let text = format!("-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----");
        let masked = mask_tokens(&text);
        assert_eq!(masked.lines().count(), 3, "{masked}");
        assert!(
            masked.starts_with("********** ******* ********\n"),
            "{masked}"
        );
    }

    #[test]
    fn string_values_end_at_their_quote() {
        assert_eq!(string_len("abc\" x", b'"', false), 3);
        assert_eq!(string_len("a\\\"b\" x", b'"', false), 4);
        assert_eq!(string_len("ab\\\"c", b'"', true), 2);
        assert_eq!(string_len("ab\\\\c'", b'\'', true), 5);
        assert_eq!(string_len("abc", b'"', false), 3);
        assert_eq!(string_len("é\\", b'"', false), 3);
    }
}
