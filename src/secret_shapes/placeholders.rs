//! Placeholders: values that stand in for a real one (`changeme`, `<token>`, `${OTHER}`,
//! `xxxx`, `your-api-key`, `fake...`, `dummy...`, anything containing `example` or
//! `not-secret`), well-known local service defaults (`minioadmin`, `postgres`), local dummy
//! credentials in URLs, and, where the key is known ([`is_placeholder_for`]), values that
//! repeat the key's own name (`QSTASH_TOKEN=qstash-token`, `POSTGRES_PASSWORD=postgres`).
//!
//! Choices:
//!
//! - Case-insensitive, on the whole value, its words (split at anything but letters and
//!   digits) and its letters and digits alone (`change-me` is `changeme`).
//! - A value made only of the words of its own key (`SIGNING_KEY=signing-key`,
//!   `MINIO_PWD=miniominio`), optionally followed by an ascending run of digits
//!   (`DB_PASSWORD=db123456`), is a dummy: anyone who reads the key can guess it. Words of one
//!   character do not count (`A_B_SECRET=abab` is not judged by its name), and only values of
//!   up to [`LONGEST_NAME_REPEAT`] letters and digits are compared, so the work stays linear in
//!   the key.
//! - The defaults that local services ship with (`minioadmin`, `postgres`, `root`, `admin`,
//!   `guest`) are known to everyone: a committed one leaks nothing. As a URL's password they
//!   count only on a local host, like any dummy (see `url`).
//! - Ascending sequences (`123456`, `abcdef`, `abc123`) and one character repeated are filler.
//! - Stripe test keys are not placeholders: a real-looking `sk_test_` value under a secret name
//!   is still a committed key.
//! - For a URL with a password, only the password counts, and a dummy on a local or
//!   documentation host (`postgres://postgres:postgres@localhost/app`) is a placeholder too
//!   (see `url`).
//!
//! Work: a fixed number of passes over the value; the one search that looks for a pair of
//! delimiters (`<...>`) is a regular expression.

use std::sync::LazyLock;

use regex::Regex;

use super::names::name_parts;
use super::url::Url;
use super::values::unquote;

/// Whether `value` is a placeholder rather than a real value: empty, `changeme`, `your-key-here`,
/// `<token>`, `${OTHER}`, `xxxx`, `***`, `...`, anything containing `example`, sequences such as
/// `123456`, one character repeated. For a URL with a password, whether that password is a
/// placeholder or a local dummy (`postgres://postgres:postgres@localhost/app`). Case-insensitive.
pub fn is_placeholder(value: &str) -> bool {
    let value = unquote(value.trim());
    if let Some(url) = Url::parse(value)
        && url.password.is_some()
    {
        return url.credentials_are_dummy();
    }
    is_placeholder_text(value)
        || SERVICE_DEFAULTS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(value))
}

/// [`is_placeholder`], and also a value that repeats the words of its own key `name`
/// (`API_TOKEN=your_api_token`, `QSTASH_SIGNING_KEY=qstash-signing-key`,
/// `POSTGRES_PASSWORD=postgres`, `MINIO_PWD=miniominio`), optionally followed by ascending
/// digits (`DB_PASSWORD=db1234`). Case-insensitive.
pub fn is_placeholder_for(name: &str, value: &str) -> bool {
    is_placeholder(value) || repeats_name(name, unquote(value.trim()))
}

/// [`is_placeholder`] for text that is not a URL: a password, a token body.
pub(super) fn is_placeholder_text(value: &str) -> bool {
    let value = unquote(value.trim());
    if value.is_empty() {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if is_wrapped(value) || is_reference(value) || is_masked(value) || is_one_char_repeated(value) {
        return true;
    }
    if PLACEHOLDER_FRAGMENTS.iter().any(|f| lower.contains(f)) || has_angle_placeholder(value) {
        return true;
    }
    if PLACEHOLDER_STARTS.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // the letters and digits alone: `change-me` is `changeme`, `not_a-secret` is `notasecret`
    let alnum = || lower.bytes().filter(u8::is_ascii_alphanumeric);
    let normalized: String = alnum().map(char::from).collect();
    if normalized.len() <= LONGEST_PLACEHOLDER_VALUE
        && PLACEHOLDER_VALUES.contains(&normalized.as_str())
    {
        return true;
    }
    if ALNUM_FRAGMENTS.iter().any(|f| normalized.contains(f)) {
        return true;
    }
    if is_sequence(alnum()) {
        return true;
    }
    let mut words = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    if PLACEHOLDER_FIRST_WORDS.contains(&first) {
        return true;
    }
    let mut last = first;
    for word in std::iter::once(first).chain(words) {
        if PLACEHOLDER_WORDS.contains(&word) || (word.len() >= 3 && word.bytes().all(|b| b == b'x'))
        {
            return true;
        }
        last = word;
    }
    last == "here"
}

/// The length of the longest of [`PLACEHOLDER_VALUES`].
const LONGEST_PLACEHOLDER_VALUE: usize = 11;

/// Whole values (lower case, punctuation removed) that are placeholders or well-known dummies.
const PLACEHOLDER_VALUES: &[&str] = &[
    "changeme",
    "changeit",
    "changethis",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "secret",
    "password",
    "passwd",
    "pass",
    "token",
    "apikey",
    "secretkey",
    "todo",
    "fixme",
    "tbd",
    "test",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "redacted",
    "hidden",
    "unset",
    "notset",
    "replaceme",
    "setme",
    "fillme",
    "foo",
    "bar",
    "foobar",
    "12345",
    "yolo",
];

/// The credentials local services ship with (MinIO, PostgreSQL, MySQL, RabbitMQ, ...), as a
/// whole value. Not in [`is_placeholder_text`]: in a URL to a host that is not local, such a
/// password is a weak real one (see `url`).
const SERVICE_DEFAULTS: &[&str] = &["minioadmin", "postgres", "root", "admin", "guest"];

/// Fragments of the letters and digits alone that mark a placeholder wherever they appear
/// (`not-secret`, `NOT_A_SECRET`, `this-is-notsecret`).
const ALNUM_FRAGMENTS: &[&str] = &["notsecret", "notasecret", "notarealsecret"];

/// Substrings that mark a placeholder wherever they appear.
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "example",
    "xxxx",
    "...",
    "\u{2026}",
    "***",
    "${",
    "{{",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
];

/// Beginnings that mark a placeholder (`replace_with_...`, `your-api-key`, `xxx...`).
const PLACEHOLDER_STARTS: &[&str] = &[
    "your", "replace", "insert", "xxx", "dummy", "fake", "sample", "fixme", "todo",
];

/// First words that make an instruction or a fake out of the value (`set-in-production`,
/// `test-key`, `generate with openssl rand`).
const PLACEHOLDER_FIRST_WORDS: &[&str] = &[
    "enter",
    "put",
    "add",
    "set",
    "fill",
    "change",
    "generate",
    "fake",
    "mock",
    "test",
    "any",
    "demo",
    "tbd",
    "example",
    "sample",
    "placeholder",
];

/// Words that mark a placeholder anywhere in the value (`sk_test_your_key`, `token-redacted`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "yours",
    "changeme",
    "replaceme",
    "placeholder",
    "dummy",
    "redacted",
    "fixme",
    "todo",
];

/// The most letters and digits a value may have to be compared with the words of its key.
const LONGEST_NAME_REPEAT: usize = 64;

/// Whether `value`'s letters and digits are the words of `name` (two characters or more each,
/// in any order, any number of times), optionally followed by an ascending run of at least
/// three digits. A table of which prefixes of the value are made of name words: at most
/// [`LONGEST_NAME_REPEAT`] positions, each trying every word once, so the work is linear in the
/// name.
fn repeats_name(name: &str, value: &str) -> bool {
    let value: Vec<u8> = value
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if value.is_empty() || value.len() > LONGEST_NAME_REPEAT {
        return false;
    }
    let mut words: Vec<Vec<u8>> = name_parts(name)
        .into_iter()
        .map(|p| {
            p.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase())
                .collect::<Vec<u8>>()
        })
        .filter(|w| w.len() >= 2)
        .collect();
    words.sort_unstable();
    words.dedup();
    // made[i]: value[..i] is a sequence of name words
    let mut made = vec![false; value.len() + 1];
    made[0] = true;
    for i in 0..value.len() {
        if !made[i] {
            continue;
        }
        for word in &words {
            if value[i..].starts_with(word) {
                made[i + word.len()] = true;
            }
        }
    }
    (1..=value.len()).any(|i| made[i] && (i == value.len() || is_counting_digits(&value[i..])))
}

/// `123`, `1234`, `123456789`: at least three digits, each one more than the one before.
fn is_counting_digits(rest: &[u8]) -> bool {
    rest.len() >= 3
        && rest.iter().all(u8::is_ascii_digit)
        && rest.windows(2).all(|w| w[1] == w[0] + 1)
}

/// `<...>`, `[...]`, `{...}`, `%...%`, `(...)` around words (`<your key>`, `{API_KEY}`), not
/// around structured data such as JSON.
fn is_wrapped(value: &str) -> bool {
    const PAIRS: &[(char, char)] = &[('<', '>'), ('[', ']'), ('{', '}'), ('%', '%'), ('(', ')')];
    PAIRS.iter().any(|&(open, close)| {
        value
            .strip_prefix(open)
            .and_then(|v| v.strip_suffix(close))
            .is_some_and(|inner| {
                inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'))
            })
    })
}

/// `$NAME`: a reference to another variable.
fn is_reference(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('$') else {
        return false;
    };
    let mut chars = rest.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Only mask characters (`***`, `xxx-xxx`, `...`, `•••`), at least three of them.
fn is_masked(value: &str) -> bool {
    let masks = value
        .chars()
        .filter(|c| matches!(c, '*' | 'x' | 'X' | '.' | '\u{2022}' | '#' | '?'))
        .count();
    masks >= 3
        && value.chars().all(|c| {
            matches!(
                c,
                '*' | 'x' | 'X' | '.' | '\u{2022}' | '#' | '?' | '-' | '_' | ' '
            )
        })
}

fn is_one_char_repeated(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    value.chars().count() >= 3 && chars.all(|c| c == first)
}

/// `<your token>`, `Bearer <token>`: angle brackets around words. One search of one regular
/// expression: scanning from every `<` to the next `>` was quadratic on `<<<<...>`.
fn has_angle_placeholder(value: &str) -> bool {
    static ANGLE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<[A-Za-z _.\-]+>")
            .expect("the angle pattern compiles (placeholders::tests::angle_placeholders)")
    });
    ANGLE_WORDS.is_match(value)
}

/// Ascending runs such as `123456`, `abcdef`, `abc123`, `0123456789abcdef`: at least six
/// characters (lower-case letters and digits), seven in ten steps going up by one.
fn is_sequence(alnum_lower: impl Iterator<Item = u8>) -> bool {
    let mut len = 0usize;
    let mut ascending = 0usize;
    let mut previous: Option<u8> = None;
    for b in alnum_lower {
        if let Some(p) = previous
            && (b == p.wrapping_add(1) || (p == b'9' && matches!(b, b'0' | b'a')))
        {
            ascending += 1;
        }
        previous = Some(b);
        len += 1;
    }
    len >= 6 && ascending * 10 >= (len - 1) * 7
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::fake;

    #[test]
    fn placeholders() {
        let values = [
            "",
            " ",
            "\"\"",
            "changeme",
            "CHANGEME",
            "change-me",
            "change_me",
            "changeme123",
            "change-me-in-production",
            "changeit",
            "your-api-key",
            "your_secret_here",
            "YOUR_TOKEN",
            "<token>",
            "<your-api-key>",
            "Bearer <token>",
            "[secret]",
            "{secret}",
            "{{ api_token }}",
            "${OTHER_SECRET}",
            "prefix-${SUFFIX}",
            "$DB_PASSWORD",
            "%API_KEY%",
            "xxx",
            "XXXXXXXX",
            "xxx-xxx-xxx",
            "***",
            "********",
            "...",
            "\u{2026}",
            "\u{2022}\u{2022}\u{2022}\u{2022}",
            "example",
            "example-token",
            "sample",
            "dummy",
            "dummy-secret-value",
            "placeholder",
            "secret",
            "password",
            "Password",
            "pass",
            "token",
            "todo",
            "TODO: set me",
            "fixme",
            "tbd",
            "test",
            "test-api-key",
            "fake-key",
            "replace_with_real_key",
            "REPLACE-ME",
            "insert-key-here",
            "enter your key",
            "set-in-production",
            "generate with: openssl rand -hex 32",
            "key-goes-here",
            "put-token-here",
            "none",
            "null",
            "redacted",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaa",
            "0000000000",
            "123456",
            "12345678",
            "abcdef",
            "abc123",
            "1234567890abcdef",
            // fakes, dummies and "not secret" markers, any case
            "yolo",
            "YOLO",
            "any-token",
            "fakefakefakefake",
            "FakeSecret",
            "fake_key_123",
            "dummyApiSecret",
            "DummyKey",
            "not-secret",
            "this-is-NOT_A_SECRET",
            "notsecret123",
            "Example",
            "TEST",
            "ChangeMe",
            "<TOKEN>",
            "XXX",
            // well-known local service defaults
            "minioadmin",
            "postgres",
            "root",
            "admin",
            "guest",
        ];
        for value in values {
            assert!(is_placeholder(value), "{value:?}");
        }
    }

    #[test]
    fn values_that_repeat_the_key() {
        let cases = [
            ("SECRET_KEY", "secret_key"),
            ("API_TOKEN", "your_api_token"),
            ("QSTASH_CURRENT_SIGNING_KEY", "qstash-current-signing-key"),
            ("TINY_BIRD_API_KEY", "tiny-bird-api-key"),
            ("RESEND_API_KEY", "RESEND_API_KEY"),
            ("POSTGRES_PASSWORD", "postgres"),
            ("POLAR_POSTGRES_PWD", "\"polar\""),
            ("POLAR_MINIO_PWD", "polarpolar"),
            ("POLAR_AWS_SECRET_ACCESS_KEY", "polar123456789"),
            ("DB_PASSWORD", "db1234"),
            ("stripeSecretKey", "stripe-secret"),
            ("OPENPANEL_CLIENT_SECRET", "openpanel-client-secret"),
        ];
        for (name, value) in cases {
            assert!(is_placeholder_for(name, value), "{name}={value}");
        }
        let cases = [
            ("POLAR_SECRET", "super secret jwt secret"),
            ("S3_FILES_DOWNLOAD_SECRET", "supersecret"),
            ("DB_PASSWORD", "db-prod-2024"),
            ("DB_PASSWORD", "db12"),
            ("DB_PASSWORD", "db135"),
            ("A_B_SECRET", "abab"),
            ("API_TOKEN", "s3cr3t-v4lue-1"),
            ("POLAR_MINIO_PWD", "polarpolarx"),
            ("", "anything"),
        ];
        for (name, value) in cases {
            assert!(!is_placeholder_for(name, value), "{name}={value}");
        }
        // only short values are compared with the key's words
        let long = "ab".repeat(LONGEST_NAME_REPEAT);
        assert!(!repeats_name("AB_SECRET", &long));
        assert!(repeats_name("AB_SECRET", &long[..LONGEST_NAME_REPEAT]));
    }

    #[test]
    fn real_values_are_not_placeholders() {
        let values = [
            "s3cr3t-v4lue-1",
            "hunter2-but-longer",
            "local-only",
            "supersecret",
            "my-secret-key",
            "dev-secret",
            "P@ssw0rd!2024",
            "cLBSuH6i0rUsWymE",
            "roT4oweO215cz5AtkY/RmwbnShX/b5tBB3iDngWnNY8=",
            "8e7910caf7bdb428f1e04a39a5e2643dbbe7bc68f7aff853f9294d2c37e2e92a",
            "info",
            "8080",
            "true",
            "aa",
            "x",
            "testing123",
            "contest-winner-2024",
            "setup-complete",
        ];
        for value in values {
            assert!(!is_placeholder(value), "{value:?}");
        }
        for parts in [
            &["sk_test", "_7eUPg8LrJiWujpW17jmVIVkzE6EO0cEtc6dWz4KN"][..],
            &["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"][..],
            &["AKIA", "LIAXPCECMQUAXV0G"][..],
        ] {
            let value = fake(parts);
            assert!(!is_placeholder(&value), "{value}");
        }
    }

    #[test]
    fn longest_placeholder_value() {
        assert_eq!(
            PLACEHOLDER_VALUES.iter().map(|v| v.len()).max(),
            Some(LONGEST_PLACEHOLDER_VALUE)
        );
    }

    #[test]
    fn sequences() {
        for value in ["123456", "abcdef", "abc123", "0123456789abcdef", "789abc"] {
            assert!(is_sequence(value.bytes()), "{value}");
        }
        for value in ["12345", "135792", "a1b2c3d4", ""] {
            assert!(!is_sequence(value.bytes()), "{value}");
        }
    }

    #[test]
    fn angle_placeholders() {
        for value in ["<token>", "Bearer <your token>", "a<<b>", "<x.y-z_w>"] {
            assert!(has_angle_placeholder(value), "{value}");
        }
        for value in ["<>", "<a", "a>", "<1>", "<a<b", "> <", "<a b=1>"] {
            assert!(!has_angle_placeholder(value), "{value}");
        }
    }
}
