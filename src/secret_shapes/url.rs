//! Credentials in URLs: `scheme://user:password@host`.
//!
//! [`Url::parse`] reads the parts that matter from a whole value; [`credential_spans`] finds
//! every URL with a real password in a line of code for masking, with the same parser and the
//! same verdict.
//!
//! Choices:
//!
//! - A URL password is a secret unless it is a placeholder, or the host is local or reserved for
//!   documentation (`localhost`, loopback addresses, a single-label compose service name such as
//!   `db`, `example.com`, `.test`, ...) and the password does not look generated.
//! - The userinfo ends at the last `@` of the authority, and the password at nothing: a password
//!   may hold `@`, `:` or `!` that should have been percent-encoded.
//! - In a line of code a URL's authority also ends where a string or an expression does
//!   (whitespace, quotes, brackets, a backslash). The whole URL is masked, to the end of its
//!   word: a value holding one is a secret as a whole, and a password with a `!` or `&` in it
//!   may have fooled where the authority ends.
//!
//! Not part of the token scanner's regular expression: a scheme branch (`[a-z][a-z0-9+.-]*://`)
//! would stay alive over every run of letters and make the match iteration quadratic. Here each
//! `://` is found by substring search and its scheme and authority are read around it; the
//! scheme stops at `:` and `/`, and the authority at `/`, so no two URLs read the same bytes.

use std::ops::Range;

use super::entropy::entropy;
use super::mask::is_token_separator;
use super::placeholders::is_placeholder_text;

/// The parts of `scheme://user:password@host:port/...` that matter here.
pub(super) struct Url<'a> {
    user: &'a str,
    pub(super) password: Option<&'a str>,
    /// Lower-case, without port or brackets.
    host: String,
}

impl<'a> Url<'a> {
    /// The URL `value` starts with, if its scheme is well-formed and it has an authority.
    pub(super) fn parse(value: &'a str) -> Option<Url<'a>> {
        let (scheme, rest) = value.split_once("://")?;
        let mut scheme_chars = scheme.chars();
        if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        {
            return None;
        }
        let authority = rest
            .split(['/', '?', '#'])
            .next()
            .filter(|a| !a.is_empty())?;
        let (userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((user, password)) => (user, Some(password).filter(|p| !p.is_empty())),
                None => (info, None),
            },
            None => ("", None),
        };
        let host = if let Some(bracketed) = host_port.strip_prefix('[') {
            bracketed.split(']').next().unwrap_or_default()
        } else {
            host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
        };
        Some(Url {
            user,
            password,
            host: host.to_ascii_lowercase(),
        })
    }

    /// Whether the password is a placeholder, or a dummy on a local or documentation host.
    pub(super) fn credentials_are_dummy(&self) -> bool {
        let Some(password) = self.password else {
            return true;
        };
        if is_placeholder_text(password) {
            return true;
        }
        if is_local_or_documentation_host(&self.host) {
            return password == self.user || !looks_generated(password);
        }
        false
    }
}

/// The byte ranges of the URLs in `text` that hold a real password: from the scheme to the end
/// of the word, as a value holding one is a secret as a whole.
pub(super) fn credential_spans(text: &str, spans: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    // where the word that holds the last URL with a password ends; URLs come left to right, so
    // a word is scanned once even when it holds many URLs
    let mut word_end = 0;
    for sep in memchr::memmem::find_iter(bytes, "://") {
        let mut start = sep;
        while start > 0 && is_scheme_byte(bytes[start - 1]) {
            start -= 1;
        }
        while start < sep && !bytes[start].is_ascii_alphabetic() {
            start += 1;
        }
        let after = sep + "://".len();
        let authority = bytes[after..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || ends_authority_in_code(b))
            .unwrap_or(bytes.len() - after);
        // `start` and `after + authority` sit next to ASCII bytes: char boundaries
        let Some(url) = Url::parse(&text[start..after + authority]) else {
            continue;
        };
        if url.password.is_some() && !url.credentials_are_dummy() {
            let from = after + authority;
            if word_end < from {
                word_end = text[from..]
                    .find(is_token_separator)
                    .map_or(text.len(), |i| from + i);
            }
            spans.push(start..word_end);
        }
    }
}

fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}

/// Where a URL in a line of code ends: its path, query or fragment, or the end of the string or
/// expression that holds it.
fn ends_authority_in_code(b: u8) -> bool {
    matches!(
        b,
        b'/' | b'?'
            | b'#'
            | b'"'
            | b'\''
            | b'`'
            | b'\\'
            | b'<'
            | b'>'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
    )
}

/// Hosts where credentials are development or documentation defaults.
fn is_local_or_documentation_host(host: &str) -> bool {
    const EXACT: &[&str] = &[
        "localhost",
        "0.0.0.0",
        "::1",
        "host.docker.internal",
        "host.containers.internal",
        "gateway.docker.internal",
        "example.com",
        "example.net",
        "example.org",
    ];
    const SUFFIXES: &[&str] = &[
        ".localhost",
        ".local",
        ".test",
        ".example",
        ".invalid",
        ".example.com",
        ".example.net",
        ".example.org",
    ];
    if host.is_empty() {
        return false;
    }
    EXACT.contains(&host)
        || SUFFIXES.iter().any(|s| host.ends_with(s))
        || host.starts_with("127.")
        // A single-label name (`db`, `postgres`, `redis`) is a compose or cluster service.
        || !host.contains(['.', ':'])
}

/// A password that a generator made rather than a person typed as a dummy.
fn looks_generated(password: &str) -> bool {
    password.len() >= 16
        && password.bytes().any(|b| b.is_ascii_digit())
        && password.bytes().any(|b| b.is_ascii_alphabetic())
        && entropy(password.as_bytes()) >= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_user_password_and_host() {
        let url = Url::parse("postgres://app:p@ss:w0rd@DB.Acme.io:5432/app?x=1").expect("url");
        assert_eq!(url.user, "app");
        assert_eq!(url.password, Some("p@ss:w0rd"));
        assert_eq!(url.host, "db.acme.io");
        let url = Url::parse("http://u:@[::1]:80").expect("url");
        assert_eq!((url.password, url.host.as_str()), (None, "::1"));
        for not_url in ["://x", "1x://y", "x:/y", "x://", "x:///path", "x y://z"] {
            assert!(Url::parse(not_url).is_none(), "{not_url}");
        }
    }

    fn masked(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        credential_spans(text, &mut spans);
        spans.into_iter().map(|s| &text[s]).collect()
    }

    #[test]
    fn urls_with_passwords_in_code_lines() {
        assert_eq!(
            masked("db = connect('postgres://admin:Q9x7LmN2pW4r@prod-db.internal:5432/app')"),
            ["postgres://admin:Q9x7LmN2pW4r@prod-db.internal:5432/app"]
        );
        assert_eq!(
            masked(
                "a = \"mysql://u:S3cr3t!Pw@db.acme.io\" + \"amqps://svc:s3cr3t-v4lue-1@mq.acme.io/v\""
            ),
            [
                "mysql://u:S3cr3t!Pw@db.acme.io",
                "amqps://svc:s3cr3t-v4lue-1@mq.acme.io/v"
            ]
        );
        assert_eq!(
            masked("x(\"https://deploy:Gdf6OEsLnzDqCT04y1VE@git.acme.io/org/repo.git\")"),
            ["https://deploy:Gdf6OEsLnzDqCT04y1VE@git.acme.io/org/repo.git"]
        );
        // several URLs in one word share its end
        assert_eq!(
            masked("u=http://a:Zq8Lm3Np0Rs5@h.io/next=http://b:Xk3pL9qR2vT7@g.io/x y"),
            [
                "http://a:Zq8Lm3Np0Rs5@h.io/next=http://b:Xk3pL9qR2vT7@g.io/x",
                "http://b:Xk3pL9qR2vT7@g.io/x"
            ]
        );
        // dummies, templates, no password, no URL
        for line in [
            "url = 'postgres://postgres:postgres@localhost:5432/app'",
            "url = f'postgres://{user}:{password}@{host}/db'",
            "url = 'redis://:' + password + '@cache:6379'",
            "url = 'https://api.acme.io/v1?key=x'",
            "ratio = a://b",
            "é://é:é@é",
        ] {
            assert!(masked(line).is_empty(), "{line}");
        }
    }
}
