//! The one scanner for shaped tokens: provider prefixes (`ghp_`, `sk_live_`, `AKIA`, ...), PEM
//! private-key blocks, JWTs, SendGrid keys and Slack webhooks, wherever they sit in a text.
//! [`secret_shape`](super::secret_shape) asks it about a value and
//! [`mask_tokens`](super::mask_tokens) about a line of code: the same candidates, boundaries and
//! checks for both.
//!
//! Shape: one regular expression, an alternation with a branch per shape, finds the candidates
//! in one left-to-right pass; each candidate is then checked by hand (body length, the character
//! after it, body checks, placeholder bodies). The expression is built from [`TOKEN_RULES`] and
//! compiled once.
//!
//! Linear work. One search of the `regex` crate is linear in the text it scans, but a search may
//! scan past the match it reports and the next search starts at that match's end (or inside a
//! short one, see below), so a branch that stayed alive far beyond a reported match would make
//! the iteration quadratic. These branches cannot: a provider branch is a prefix and a greedy
//! run of its body class, in a match state for as long as it runs; the branches that need more
//! structure before they match (the PEM header, the JWT and SendGrid dots) stay alive only
//! within one run of their class, and a run holds at most one start of them. A private-key body
//! is read by hand up to the next `-----` or quote, so the bodies of consecutive headers never
//! overlap. URLs are not a branch (see `url`): a scheme branch would stay alive over every run
//! of letters.
//!
//! Choices:
//!
//! - Boundaries: a token does not follow a letter or digit (a JWT does not follow any base64url
//!   character) and its body does not run into one. The `regex` crate has no look-behind, so the
//!   branch consumes the character before the token (`(?:^|[^A-Za-z0-9])`); that character is
//!   never part of the previous match, which ends with its body run.
//! - Candidates may overlap: a token can start inside another candidate, after a `-`, `_` or
//!   `.` (`ghp_sk-ant-...`, `sk-xoxb-...`, `SG.glpat-...`), as the scanner this replaces found
//!   it. After a candidate that is no secret and at most [`RESCAN_LIMIT`] bytes long, the search
//!   goes on from its second character. A secret candidate covers what it holds (its shape
//!   names the value); a longer one (`sk-sk-sk-...` over megabytes, where the replaced scanner
//!   was quadratic) is skipped whole, and a token inside it is not judged on its own. The
//!   masking of code lines still judges the whole word by its entropy.
//! - Among several tokens in one value, the verdict names one shape by priority: private key,
//!   JWT, SendGrid, the order of [`TOKEN_RULES`], Slack webhook.
//! - A private-key body ends at the next `-----` (normally `-----END`) or quote, so a key inside
//!   JSON or a string literal is measured alone. A value needs 40 base64 characters in it to be
//!   a key; a line of code masks any body that is not a placeholder, since the line may hold
//!   only the start of a key.
//! - A JWT whose payload is a well-known documentation token (the `supabase-demo` local keys,
//!   the jwt.io sample) is not a secret.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::SecretShape;
use super::entropy::entropy;
use super::placeholders::is_placeholder_text;

/// A token that starts with a fixed prefix and continues with characters from one class.
struct TokenRule {
    shape: SecretShape,
    prefixes: &'static [&'static str],
    /// The body's characters, as a class of the regular expression.
    body: &'static str,
    min: usize,
    max: usize,
    check: fn(&str) -> bool,
}

const ALNUM: &str = "[A-Za-z0-9]";
const UPPER_OR_DIGIT: &str = "[A-Z0-9]";
const HEX: &str = "[0-9A-Fa-f]";
const BASE64URL: &str = "[A-Za-z0-9_-]";
const ALNUM_UNDERSCORE: &str = "[A-Za-z0-9_]";
const ALNUM_DASH: &str = "[A-Za-z0-9-]";

fn any_body(_: &str) -> bool {
    true
}
fn has_digit(body: &str) -> bool {
    body.bytes().any(|b| b.is_ascii_digit())
}
fn openai_body(body: &str) -> bool {
    !body.starts_with("ant-")
        && body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The provider tokens, in the priority their shapes have in a verdict. A prefix that starts
/// another prefix (`sk-ant-`, `sk-`) comes first, as in the alternation.
const TOKEN_RULES: &[TokenRule] = &[
    TokenRule {
        shape: SecretShape::AwsAccessKeyId,
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        body: UPPER_OR_DIGIT,
        min: 16,
        max: 16,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GithubToken,
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: ALNUM,
        min: 36,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GithubToken,
        prefixes: &["github_pat_"],
        body: ALNUM_UNDERSCORE,
        min: 22,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GitlabToken,
        prefixes: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-",
        ],
        body: BASE64URL,
        min: 20,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::StripeLiveKey,
        prefixes: &["sk_live_", "rk_live_"],
        body: ALNUM,
        min: 24,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::SlackToken,
        prefixes: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
        body: ALNUM_DASH,
        min: 10,
        max: 255,
        check: has_digit,
    },
    TokenRule {
        shape: SecretShape::GoogleApiKey,
        prefixes: &["AIza"],
        body: BASE64URL,
        min: 35,
        max: 35,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::AnthropicKey,
        prefixes: &["sk-ant-"],
        body: BASE64URL,
        min: 20,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::OpenAiKey,
        prefixes: &["sk-"],
        body: BASE64URL,
        min: 20,
        max: 255,
        check: openai_body,
    },
    TokenRule {
        shape: SecretShape::NpmToken,
        prefixes: &["npm_"],
        body: ALNUM,
        min: 36,
        max: 36,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::TwilioKey,
        prefixes: &["SK"],
        body: HEX,
        min: 32,
        max: 32,
        check: any_body,
    },
];

/// Shapes by priority, for a value that holds several tokens.
const PRIORITY: [SecretShape; 14] = [
    SecretShape::PrivateKeyBlock,
    SecretShape::Jwt,
    SecretShape::SendgridKey,
    SecretShape::AwsAccessKeyId,
    SecretShape::GithubToken,
    SecretShape::GitlabToken,
    SecretShape::StripeLiveKey,
    SecretShape::SlackToken,
    SecretShape::GoogleApiKey,
    SecretShape::AnthropicKey,
    SecretShape::OpenAiKey,
    SecretShape::NpmToken,
    SecretShape::TwilioKey,
    SecretShape::SlackWebhook,
];

/// Candidates up to this long that are no secret are searched again for tokens inside them.
const RESCAN_LIMIT: usize = 64;

const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_END: &str = "-----END";
const PEM_DASHES: &str = "-----";
const SLACK_WEBHOOK: &str = "https://hooks.slack.com/services/";

/// Every candidate: a PEM header (its body is read by hand), a Slack webhook, a JWT, a SendGrid
/// key, and each provider prefix with the maximal run of its body class.
static CANDIDATES: LazyLock<Regex> = LazyLock::new(|| {
    let rules: Vec<String> = TOKEN_RULES
        .iter()
        .map(|rule| {
            let prefixes: Vec<String> = rule.prefixes.iter().map(|p| regex::escape(p)).collect();
            format!("(?:{}){}+", prefixes.join("|"), rule.body)
        })
        .collect();
    let pattern = format!(
        "{pem}[A-Z0-9 ]*{dashes}\
         |{webhook}[A-Za-z0-9/]+\
         |(?:^|[^A-Za-z0-9_-])eyJ{b}*\\.eyJ{b}*\\.{b}*\
         |(?:^|[^A-Za-z0-9])(?:SG\\.{b}*\\.{b}*|{rules})",
        pem = regex::escape(PEM_BEGIN),
        dashes = PEM_DASHES,
        webhook = regex::escape(SLACK_WEBHOOK),
        b = BASE64URL,
        rules = rules.join("|"),
    );
    Regex::new(&pattern).expect("the token pattern compiles (tokens::tests::pattern_compiles)")
});

/// A candidate token and the verdicts on it.
pub(crate) struct Hit {
    pub(crate) shape: SecretShape,
    /// The bytes to mask: the token without the character before it; a private key from its
    /// header to the end of its `-----END ...-----` marker (or of its body).
    pub(crate) span: Range<usize>,
    /// Whether a value holding it is a secret.
    pub(crate) secret: bool,
    /// Whether a line of code masks it: every secret, and private keys whose body is too short
    /// to judge.
    pub(crate) masked: bool,
}

/// Every candidate token in `text`, left to right by start.
pub(crate) fn hits(text: &str) -> impl Iterator<Item = Hit> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let m = CANDIDATES.find_at(text, at)?;
            let (hit, resume) = classify(text, m.start(), m.end());
            at = resume;
            if hit.is_some() {
                return hit;
            }
        }
    })
}

/// The shape of the secret token in `value` that comes first by priority.
pub(crate) fn find_shape(value: &str) -> Option<SecretShape> {
    hits(value)
        .filter(|hit| hit.secret)
        .map(|hit| hit.shape)
        .min_by_key(|shape| PRIORITY.iter().position(|p| p == shape))
}

/// The candidate matched at `start..end` and where the search goes on: after it, or for a
/// token of bounded length just after its first character, so a token that starts inside it is
/// found too.
fn classify(text: &str, start: usize, end: usize) -> (Option<Hit>, usize) {
    let matched = &text[start..end];
    if matched.starts_with(PEM_BEGIN) {
        // the header's last `-` may be the boundary of a token right after it
        return (private_key(text, start, end), end - 1);
    }
    if let Some(path) = matched.strip_prefix(SLACK_WEBHOOK) {
        let secret = is_webhook_path(path);
        let hit = Hit::new(SecretShape::SlackWebhook, start..end, secret);
        return (Some(hit), end);
    }
    // the character before the token, when the branch consumed one
    let start = start
        + matched
            .chars()
            .next()
            .filter(|c| !c.is_ascii_alphanumeric())
            .map_or(0, char::len_utf8);
    let token = &text[start..end];
    // Inside a candidate that is no secret another token may start after a `-`, `_` or `.`
    // (`ghp_sk-ant-...`, `SG.xoxb-...`): if the candidate is short, the search goes on from its
    // second character. A longer one is skipped whole, so each character is looked at again at
    // most `RESCAN_LIMIT / 2` times (a token starts after a character that is not part of a
    // prefix). A secret candidate is skipped whole too: it covers what it holds.
    let resume = |secret: bool| {
        if !secret && end - start <= RESCAN_LIMIT {
            start + 1
        } else {
            end
        }
    };
    if token.starts_with("eyJ") {
        let secret = is_jwt(token);
        return (
            Some(Hit::new(SecretShape::Jwt, start..end, secret)),
            resume(secret),
        );
    }
    if let Some(segments) = token.strip_prefix("SG.") {
        let secret = segments.split_once('.').is_some_and(|(first, second)| {
            first.len() == 22
                && second.len() == 43
                && !token_body_is_placeholder(first)
                && !token_body_is_placeholder(second)
        });
        let hit = Hit::new(SecretShape::SendgridKey, start..end, secret);
        return (Some(hit), resume(secret));
    }
    let Some((rule, body)) = TOKEN_RULES.iter().find_map(|rule| {
        rule.prefixes
            .iter()
            .find_map(|prefix| token.strip_prefix(prefix))
            .map(|body| (rule, body))
    }) else {
        return (None, end);
    };
    let secret = (rule.min..=rule.max).contains(&body.len())
        && !text
            .as_bytes()
            .get(end)
            .is_some_and(u8::is_ascii_alphanumeric)
        && (rule.check)(body)
        && !token_body_is_placeholder(body);
    (
        Some(Hit::new(rule.shape, start..end, secret)),
        resume(secret),
    )
}

impl Hit {
    fn new(shape: SecretShape, span: Range<usize>, secret: bool) -> Hit {
        Hit {
            shape,
            span,
            secret,
            masked: secret,
        }
    }
}

/// A token body that is filler: a placeholder word, `xxxx`, a sequence, or too few distinct
/// characters to be random.
pub(super) fn token_body_is_placeholder(body: &str) -> bool {
    is_placeholder_text(body) || (body.len() >= 8 && entropy(body.as_bytes()) < 2.5)
}

// --- Slack webhooks --------------------------------------------------------------------------

/// A whole value that is a Slack webhook URL, with an optional trailing `/`, query or fragment.
pub(super) fn is_slack_webhook(value: &str) -> bool {
    value
        .strip_prefix(SLACK_WEBHOOK)
        .is_some_and(|rest| is_webhook_path(rest.split(['?', '#']).next().unwrap_or_default()))
}

/// `T.../B.../token` after `/services/`.
fn is_webhook_path(path: &str) -> bool {
    let mut parts = path.trim_end_matches('/').split('/');
    let (Some(team), Some(channel), Some(token), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    team.starts_with('T')
        && channel.starts_with('B')
        && team.len() >= 9
        && channel.len() >= 9
        && token.len() >= 20
        && alnum(team)
        && alnum(channel)
        && alnum(token)
        && !token_body_is_placeholder(token)
}

// --- Private keys ----------------------------------------------------------------------------

/// `-----BEGIN ... PRIVATE KEY-----` (or `PRIVATE KEY BLOCK`) at `start`, its header ending at
/// `header_end`, and the body after it.
fn private_key(text: &str, start: usize, header_end: usize) -> Option<Hit> {
    let label = text[start + PEM_BEGIN.len()..header_end - PEM_DASHES.len()].trim_end();
    if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK")) {
        return None;
    }
    let rest = &text[header_end..];
    let body_len = pem_body_len(rest);
    let base64 = pem_body_chars(&rest[..body_len]);
    let end = header_end + body_len + pem_end_len(&rest[body_len..]);
    let masked = !base64.is_empty() && !token_body_is_placeholder(&base64);
    Some(Hit {
        shape: SecretShape::PrivateKeyBlock,
        span: start..end,
        secret: masked && base64.len() >= 40,
        masked,
    })
}

/// The length of a PEM body: up to the next `-----` or quote (a body holds neither).
fn pem_body_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => break,
            b'-' if bytes[i..].starts_with(PEM_DASHES.as_bytes()) => break,
            _ => i += 1,
        }
    }
    i
}

/// The length of the `-----END ...-----` marker `rest` starts with, or 0.
fn pem_end_len(rest: &str) -> usize {
    let Some(after) = rest.strip_prefix(PEM_END) else {
        return 0;
    };
    let label = after
        .bytes()
        .take_while(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
        .count();
    if after[label..].starts_with(PEM_DASHES) {
        PEM_END.len() + label + PEM_DASHES.len()
    } else {
        0
    }
}

/// The base64 characters of a PEM body, skipping whitespace and escaped newlines (`\n`).
fn pem_body_chars(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') {
            out.push(c);
        }
    }
    out
}

// --- JWTs ------------------------------------------------------------------------------------

/// `eyJ<header>.eyJ<payload>.<signature>` with real lengths, not a documentation token.
fn is_jwt(token: &str) -> bool {
    let mut segments = token.splitn(3, '.');
    let (Some(header), Some(payload), Some(signature)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return false;
    };
    header.len() >= 10
        && payload.len() >= 10
        && signature.len() >= 16
        && !token_body_is_placeholder(signature)
        && !is_documentation_jwt_payload(&base64url_decode(payload))
}

/// Payloads of JWTs published in documentation: the Supabase local-development keys and the
/// jwt.io sample.
fn is_documentation_jwt_payload(payload: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[b"\"supabase-demo\"", b"\"John Doe\""];
    MARKERS
        .iter()
        .any(|m| memchr::memmem::find(payload, m).is_some())
}

/// Decodes unpadded base64url; stops at the first byte outside the alphabet.
fn base64url_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::fake;

    #[test]
    fn pattern_compiles() {
        assert!(CANDIDATES.find("").is_none());
    }

    fn shapes(text: &str) -> Vec<(SecretShape, &str, bool)> {
        hits(text)
            .map(|h| (h.shape, &text[h.span.clone()], h.secret))
            .collect()
    }

    #[test]
    fn every_token_in_a_text_left_to_right() {
        let github = fake(&["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"]);
        let aws = fake(&["AKIA", "LIAXPCECMQUAXV0G"]);
        let text = format!("a={github},b=\"{aws}\" c=ghp_short");
        assert_eq!(
            shapes(&text),
            [
                (SecretShape::GithubToken, github.as_str(), true),
                (SecretShape::AwsAccessKeyId, aws.as_str(), true),
                (SecretShape::GithubToken, "ghp_short", false),
            ]
        );
    }

    #[test]
    fn boundaries_follow_the_characters_around_the_token() {
        let aws = fake(&["AKIA", "LIAXPCECMQUAXV0G"]);
        // after `_`, a multi-byte character, or at the start: a token
        for text in [
            format!("MY_{aws}"),
            format!("é{aws}"),
            aws.clone(),
            format!("{aws}-x"),
        ] {
            assert_eq!(
                find_shape(&text),
                Some(SecretShape::AwsAccessKeyId),
                "{text}"
            );
        }
        // after a letter or digit, or running into one: not
        for text in [format!("x{aws}"), format!("7{aws}"), format!("{aws}x")] {
            assert_eq!(find_shape(&text), None, "{text}");
        }
    }

    #[test]
    fn adjacent_tokens_share_no_character() {
        let github = fake(&["ghp", "_CGhuTcgRb4byCjCMCRryJINDCAt6wvbeN1CO"]);
        let text = format!("{github},{github}");
        let found = shapes(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .all(|&(_, token, secret)| token == github && secret)
        );
    }

    #[test]
    fn tokens_inside_other_candidates() {
        let anthropic = fake(&["sk-ant-", "api03-3RP14WzIDKlUCAzPmQOfXw-Sgsv"]);
        let slack = fake(&["xoxb", "-930809570672-6234670711347-Gdf6OEsLnzDq"]);
        let gitlab = fake(&["glpat", "-Wi6kjqAzwENQHbecjKdx"]);
        for (text, shape) in [
            (format!("ghp_{anthropic}"), SecretShape::AnthropicKey),
            (format!("npm_{anthropic}"), SecretShape::AnthropicKey),
            (format!("SG.a.{gitlab}"), SecretShape::GitlabToken),
            // a secret candidate covers what it holds
            (format!("sk-{slack}"), SecretShape::OpenAiKey),
        ] {
            assert_eq!(find_shape(&text), Some(shape), "{text}");
        }
        // a long candidate is skipped whole
        let long = format!("sk-{}-{slack}", "a".repeat(100));
        assert_eq!(find_shape(&long), None);
    }

    #[test]
    fn a_value_with_several_tokens_is_named_by_priority() {
        let twilio = fake(&["SK", "19002e77a6bf2e2a37b6a0b18d6b151e"]);
        let aws = fake(&["AKIA", "LIAXPCECMQUAXV0G"]);
        let pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\n-----END PRIVATE KEY-----";
        assert_eq!(
            find_shape(&format!("{twilio} {aws}")),
            Some(SecretShape::AwsAccessKeyId)
        );
        assert_eq!(
            find_shape(&format!("{aws} {pem}")),
            Some(SecretShape::PrivateKeyBlock)
        );
    }

    #[test]
    fn private_key_spans_cover_header_body_and_end_marker() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        let key = format!("-----BEGIN EC PRIVATE KEY-----\\n{body}\\n-----END EC PRIVATE KEY-----");
        let line = format!("k = \"{key}\\n\"");
        let found = shapes(&line);
        assert_eq!(found, [(SecretShape::PrivateKeyBlock, key.as_str(), true)]);
        // without an end marker the body ends at the closing quote
        let open = format!("k = \"-----BEGIN RSA PRIVATE KEY-----\\n{body}\", x");
        let hit = hits(&open).next().expect("hit");
        assert!(
            open[hit.span.clone()].ends_with(body),
            "{}",
            &open[hit.span]
        );
        // the start of a key in a line is masked, though too short to call a value a key
        let start = "k = \"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEA\"";
        let hit = hits(start).next().expect("hit");
        assert!(hit.masked && !hit.secret);
        // public keys and certificates are not candidates
        let public = format!("-----BEGIN PUBLIC KEY-----\\n{body}\\n-----END PUBLIC KEY-----");
        assert!(hits(&public).all(|h| h.shape != SecretShape::PrivateKeyBlock));
    }

    #[test]
    fn slack_webhooks() {
        let webhook = fake(&[
            "https://hooks.slack.com/services/",
            "TW0B6ANC9/BR1W242TR/6IRH4Ztk5kRUcBrHztgmJKpF",
        ]);
        assert!(is_slack_webhook(&webhook));
        assert!(is_slack_webhook(&format!("{webhook}/?x=1")));
        assert!(!is_slack_webhook(&format!("{webhook}/extra")));
        let line = format!("notify(\"{webhook}\")");
        assert_eq!(
            shapes(&line),
            [(SecretShape::SlackWebhook, webhook.as_str(), true)]
        );
    }

    #[test]
    fn base64url_decoding() {
        assert_eq!(base64url_decode("eyJhIjoxfQ"), b"{\"a\":1}");
        assert_eq!(base64url_decode("_-8"), [0xff, 0xef]);
        assert_eq!(base64url_decode("YQ.x"), b"a");
    }
}
