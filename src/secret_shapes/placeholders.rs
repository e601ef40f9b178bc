//! Placeholders: values that stand in for a real one (`changeme`, `<token>`, `${OTHER}`,
//! `xxxx`, `your-api-key`, anything containing `example`) and local dummy credentials in URLs.
//!
//! Choices:
//!
//! - Case-insensitive, on the whole value, its words (split at anything but letters and
//!   digits) and its letters and digits alone (`change-me` is `changeme`).
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
    // the letters and digits alone: `change-me` is `changeme`
    let alnum = || lower.bytes().filter(u8::is_ascii_alphanumeric);
    if alnum().count() <= LONGEST_PLACEHOLDER_VALUE {
        let normalized: String = alnum().map(char::from).collect();
        if PLACEHOLDER_VALUES.contains(&normalized.as_str()) {
            return true;
        }
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
];

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
    "your", "replace", "insert", "xxx", "dummy", "sample", "fixme", "todo",
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
        ];
        for value in values {
            assert!(is_placeholder(value), "{value:?}");
        }
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
