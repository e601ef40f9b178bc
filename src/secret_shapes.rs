//! What secrets look like: values shaped like real credentials, placeholders, secret-sounding
//! variable names, browser-exposed name prefixes, and variables that the platform sets.
//!
//! Every function here returns a boolean or a category and never text taken from its input, so
//! rules can report on values without printing them.
//!
//! Choices made where the signal is ambiguous:
//!
//! - Stripe test keys (`sk_test_`, `rk_test_`) and publishable keys (`pk_live_`, `pk_test_`) have
//!   no [`SecretShape`]: Stripe's own documentation ships test keys, and publishable keys are
//!   meant for the browser. Test keys are not placeholders either ([`is_placeholder`] is false
//!   for a real-looking `sk_test_` value), so a committed test key under a secret name is still
//!   reported.
//! - A UUID in its canonical 8-4-4-4-12 form is an identifier, not a secret. The same 32 hex
//!   digits without dashes are reported as [`SecretShape::HighEntropy`], the form most 32-hex API
//!   keys take.
//! - Stripe object ids (`price_`, `prod_`, `plan_`, `acct_`, `cus_`, `sub_`) are configuration,
//!   not secrets.
//! - [`SecretShape::HighEntropy`] takes the whole value as one token: at least 20 ASCII
//!   characters with a letter and a digit and no whitespace, `.`, `,`, `:`, `;`, quotes or
//!   backslashes (so no sentences, lists, hostnames, URLs, JSON or Windows paths), not starting
//!   like a path. Hex needs 32+ characters and more than 3.0 bits per character; anything else
//!   needs `min(3.8, 0.8 * log2(len))` bits and must switch character class often or have few
//!   vowels, which keeps out identifiers such as `MyApp2024ProductionCluster`. The test
//!   `high_entropy_threshold_catches_random_tokens` pins the detection rate on random tokens.
//! - A JWT whose payload is a well-known documentation token (the `supabase-demo` local keys, the
//!   jwt.io sample) is not reported.
//! - A URL password is a secret unless it is a placeholder, or the host is local or reserved for
//!   documentation (`localhost`, loopback addresses, a single-label compose service name such as
//!   `db`, `example.com`, `.test`, ...) and the password does not look generated.
//! - `PWD` names a secret only as the last part of a longer name (`DB_PWD`); bare `PWD` is the
//!   shell's working directory. `PASS` and `PAT` count only as the last part. Sentry `DSN`s are
//!   not secret names.
//! - `HOST` is not a platform variable: applications usually define it. `PORT` is. Vite's
//!   `import.meta.env` built-ins (`MODE`, `DEV`, `PROD`, `SSR`, `BASE_URL`) are not here: the
//!   extractor never reports them as reads, so a Python `BASE_URL` is still checked.
//! - Under a platform prefix (`HEROKU_`, `VERCEL_`, `FLY_`, ...), a secret-named variable
//!   (`FLY_API_TOKEN`, `HEROKU_API_KEY`) is the project's own, except for the few secrets the
//!   platform injects itself (`CI_JOB_TOKEN`, `ACTIONS_RUNTIME_TOKEN`, ...). GitHub's variables
//!   are listed one by one rather than as `GITHUB_*`, because applications define `GITHUB_TOKEN`,
//!   `GITHUB_CLIENT_ID` and `GITHUB_SECRET` themselves.

use std::borrow::Cow;

/// Why a value looks like a real secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretShape {
    /// `AKIA`/`ASIA`/`ABIA`/`ACCA` followed by 16 upper-case letters or digits.
    AwsAccessKeyId,
    /// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` (36+ characters) or `github_pat_` (22+).
    GithubToken,
    /// `glpat-` and the other GitLab token prefixes, 20+ characters.
    GitlabToken,
    /// `sk_live_` or `rk_live_`, 24+ characters.
    StripeLiveKey,
    /// `xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`.
    SlackToken,
    /// `https://hooks.slack.com/services/T.../B.../...`.
    SlackWebhook,
    /// A PEM block whose label ends in `PRIVATE KEY`, with a body.
    PrivateKeyBlock,
    /// Three base64url segments, the first two JSON objects (`eyJ`).
    Jwt,
    /// `AIza` followed by 35 characters.
    GoogleApiKey,
    /// `sk-`, `sk-proj-`, ... followed by 20+ characters.
    OpenAiKey,
    /// `sk-ant-` followed by 20+ characters.
    AnthropicKey,
    /// `SG.` + 22 + `.` + 43 characters.
    SendgridKey,
    /// `SK` followed by 32 hex digits.
    TwilioKey,
    /// `npm_` followed by 36 characters.
    NpmToken,
    /// `scheme://user:password@host` with a real-looking password.
    UrlWithPassword,
    /// A long random-looking string: base64, base62, or 32+ hex digits.
    HighEntropy,
}

impl SecretShape {
    /// Every shape, in declaration order.
    pub const ALL: [SecretShape; 16] = [
        SecretShape::AwsAccessKeyId,
        SecretShape::GithubToken,
        SecretShape::GitlabToken,
        SecretShape::StripeLiveKey,
        SecretShape::SlackToken,
        SecretShape::SlackWebhook,
        SecretShape::PrivateKeyBlock,
        SecretShape::Jwt,
        SecretShape::GoogleApiKey,
        SecretShape::OpenAiKey,
        SecretShape::AnthropicKey,
        SecretShape::SendgridKey,
        SecretShape::TwilioKey,
        SecretShape::NpmToken,
        SecretShape::UrlWithPassword,
        SecretShape::HighEntropy,
    ];

    /// A short kebab-case label for messages, e.g. `aws-access-key-id`.
    pub fn name(&self) -> &'static str {
        match self {
            SecretShape::AwsAccessKeyId => "aws-access-key-id",
            SecretShape::GithubToken => "github-token",
            SecretShape::GitlabToken => "gitlab-token",
            SecretShape::StripeLiveKey => "stripe-live-key",
            SecretShape::SlackToken => "slack-token",
            SecretShape::SlackWebhook => "slack-webhook",
            SecretShape::PrivateKeyBlock => "private-key-block",
            SecretShape::Jwt => "jwt",
            SecretShape::GoogleApiKey => "google-api-key",
            SecretShape::OpenAiKey => "openai-key",
            SecretShape::AnthropicKey => "anthropic-key",
            SecretShape::SendgridKey => "sendgrid-key",
            SecretShape::TwilioKey => "twilio-key",
            SecretShape::NpmToken => "npm-token",
            SecretShape::UrlWithPassword => "url-with-password",
            SecretShape::HighEntropy => "high-entropy-string",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/// The kind of real secret `value` looks like, or `None` for placeholders and ordinary
/// configuration (URLs without credentials, paths, numbers, words, lists, UUIDs).
pub fn secret_shape(value: &str) -> Option<SecretShape> {
    let value = unquote(value.trim());
    if value.is_empty() || is_stripe_non_secret(value) {
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
    if let Some(shape) = find_token(value) {
        return Some(shape);
    }
    is_high_entropy(value).then_some(SecretShape::HighEntropy)
}

/// `text` (a line of code, a key expression) with every secret-shaped token replaced by as many
/// `*` as it has characters, so that columns stay where they were. Tokens are split at
/// whitespace, quotes, brackets and the punctuation that separates code tokens; a URL with a
/// password, a provider token or a high-entropy string inside a string literal is one token.
pub fn mask_tokens(text: &str) -> Cow<'_, str> {
    let is_separator = |c: char| c.is_whitespace() || "'\"`()[]{},;+<>|&!?".contains(c);
    let mut masked: Option<String> = None;
    let mut start = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if !is_separator(c) {
            continue;
        }
        let token = &text[start..i];
        if token.len() >= 8 && secret_shape(token).is_some() {
            let out = masked.get_or_insert_with(|| text[..start].to_string());
            out.extend(token.chars().map(|_| '*'));
        } else if let Some(out) = masked.as_mut() {
            out.push_str(token);
        }
        if let Some(out) = masked.as_mut()
            && i < text.len()
        {
            out.push(c);
        }
        start = i + c.len_utf8();
    }
    match masked {
        Some(out) => Cow::Owned(out),
        None => Cow::Borrowed(text),
    }
}

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

fn is_placeholder_text(value: &str) -> bool {
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
    let normalized: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if PLACEHOLDER_VALUES.contains(&normalized.as_str()) || is_sequence(&normalized) {
        return true;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(first) = words.first()
        && PLACEHOLDER_FIRST_WORDS.contains(first)
    {
        return true;
    }
    if words.last() == Some(&"here") {
        return true;
    }
    words
        .iter()
        .any(|w| PLACEHOLDER_WORDS.contains(w) || (w.len() >= 3 && w.bytes().all(|b| b == b'x')))
}

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

/// `<your token>`, `Bearer <token>`: angle brackets around words.
fn has_angle_placeholder(value: &str) -> bool {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            return false;
        };
        let inner = &after[..close];
        if !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '_' | '-' | '.'))
        {
            return true;
        }
        rest = after;
    }
    false
}

/// Ascending runs such as `123456`, `abcdef`, `abc123`, `0123456789abcdef`.
fn is_sequence(alnum_lower: &str) -> bool {
    let bytes = alnum_lower.as_bytes();
    if bytes.len() < 6 {
        return false;
    }
    let ascending = bytes
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1) || (w[0] == b'9' && matches!(w[1], b'0' | b'a')))
        .count();
    ascending * 10 >= (bytes.len() - 1) * 7
}

/// Drops one pair of matching quotes around a value.
fn unquote(value: &str) -> &str {
    for q in ['"', '\'', '`'] {
        if value.len() >= 2
            && let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q))
        {
            return inner;
        }
    }
    value
}

/// Stripe test-mode and publishable keys, and Stripe object ids (`price_1Nq...`, `prod_PqR...`)
/// that example files use for pricing configuration.
fn is_stripe_non_secret(value: &str) -> bool {
    const KEYS: &[&str] = &["sk_test_", "rk_test_", "pk_test_", "pk_live_"];
    const IDS: &[&str] = &["price_", "prod_", "plan_", "acct_", "cus_", "sub_"];
    KEYS.iter().any(|p| value.starts_with(p))
        || IDS.iter().any(|p| {
            value.strip_prefix(p).is_some_and(|id| {
                (8..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
            })
        })
}

// --- URLs ------------------------------------------------------------------------------------

/// The parts of `scheme://user:password@host:port/...` that matter here.
struct Url<'a> {
    user: &'a str,
    password: Option<&'a str>,
    /// Lower-case, without port or brackets.
    host: String,
}

impl<'a> Url<'a> {
    fn parse(value: &'a str) -> Option<Url<'a>> {
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
    fn credentials_are_dummy(&self) -> bool {
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

fn is_slack_webhook(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://hooks.slack.com/services/") else {
        return false;
    };
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let [team, channel, token] = parts.as_slice() else {
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

// --- Provider tokens -------------------------------------------------------------------------

/// A token that starts with a fixed prefix and continues with characters from one class.
struct TokenRule {
    shape: SecretShape,
    prefixes: &'static [&'static str],
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
    check: fn(&str) -> bool,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}
fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}
fn base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}
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

const TOKEN_RULES: &[TokenRule] = &[
    TokenRule {
        shape: SecretShape::AwsAccessKeyId,
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        body: upper_or_digit,
        min: 16,
        max: 16,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GithubToken,
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: alnum,
        min: 36,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GithubToken,
        prefixes: &["github_pat_"],
        body: alnum_underscore,
        min: 22,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::GitlabToken,
        prefixes: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-",
        ],
        body: base64url,
        min: 20,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::StripeLiveKey,
        prefixes: &["sk_live_", "rk_live_"],
        body: alnum,
        min: 24,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::SlackToken,
        prefixes: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
        body: alnum_dash,
        min: 10,
        max: 255,
        check: has_digit,
    },
    TokenRule {
        shape: SecretShape::GoogleApiKey,
        prefixes: &["AIza"],
        body: base64url,
        min: 35,
        max: 35,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::AnthropicKey,
        prefixes: &["sk-ant-"],
        body: base64url,
        min: 20,
        max: 255,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::OpenAiKey,
        prefixes: &["sk-"],
        body: base64url,
        min: 20,
        max: 255,
        check: openai_body,
    },
    TokenRule {
        shape: SecretShape::NpmToken,
        prefixes: &["npm_"],
        body: alnum,
        min: 36,
        max: 36,
        check: any_body,
    },
    TokenRule {
        shape: SecretShape::TwilioKey,
        prefixes: &["SK"],
        body: hex,
        min: 32,
        max: 32,
        check: any_body,
    },
];

/// The first provider token found anywhere in `value`.
fn find_token(value: &str) -> Option<SecretShape> {
    if has_private_key_block(value) {
        return Some(SecretShape::PrivateKeyBlock);
    }
    if has_jwt(value) {
        return Some(SecretShape::Jwt);
    }
    if has_sendgrid_key(value) {
        return Some(SecretShape::SendgridKey);
    }
    TOKEN_RULES
        .iter()
        .find(|rule| {
            rule.prefixes
                .iter()
                .any(|prefix| has_token(value, prefix, rule))
        })
        .map(|rule| rule.shape)
}

fn has_token(value: &str, prefix: &str, rule: &TokenRule) -> bool {
    let bytes = value.as_bytes();
    value.match_indices(prefix).any(|(start, _)| {
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            return false;
        }
        let body_start = start + prefix.len();
        let body_len = run_len(&bytes[body_start..], rule.body);
        let end = body_start + body_len;
        if body_len < rule.min || body_len > rule.max {
            return false;
        }
        if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            return false;
        }
        let body = &value[body_start..end];
        (rule.check)(body) && !token_body_is_placeholder(body)
    })
}

/// Number of leading bytes that satisfy `class`.
fn run_len(bytes: &[u8], class: fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| class(b)).count()
}

/// A token body that is filler: a placeholder word, `xxxx`, a sequence, or too few distinct
/// characters to be random.
fn token_body_is_placeholder(body: &str) -> bool {
    is_placeholder_text(body) || (body.len() >= 8 && entropy(body.as_bytes()) < 2.5)
}

/// `SG.` + 22 + `.` + 43 base64url characters.
fn has_sendgrid_key(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.match_indices("SG.").any(|(start, _)| {
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            return false;
        }
        let first = start + 3;
        let first_len = run_len(&bytes[first..], base64url);
        let dot = first + first_len;
        if first_len != 22 || bytes.get(dot) != Some(&b'.') {
            return false;
        }
        let second = dot + 1;
        let second_len = run_len(&bytes[second..], base64url);
        second_len == 43
            && !token_body_is_placeholder(&value[first..dot])
            && !token_body_is_placeholder(&value[second..second + second_len])
    })
}

/// `-----BEGIN ... PRIVATE KEY-----` (or `PRIVATE KEY BLOCK`) followed by a base64 body.
fn has_private_key_block(value: &str) -> bool {
    const BEGIN: &str = "-----BEGIN ";
    let bytes = value.as_bytes();
    value.match_indices(BEGIN).any(|(start, _)| {
        let label_start = start + BEGIN.len();
        let label_len = run_len(&bytes[label_start..], |b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '
        });
        let label = value[label_start..label_start + label_len].trim_end();
        let after_label = &value[label_start + label_len..];
        if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"))
            || !after_label.starts_with("-----")
        {
            return false;
        }
        let body = &after_label[5..];
        let body = body.split("-----END").next().unwrap_or_default();
        let base64 = pem_body_chars(body);
        base64.len() >= 40 && !token_body_is_placeholder(&base64)
    })
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

/// `eyJ<header>.eyJ<payload>.<signature>`, not one of the documentation tokens.
fn has_jwt(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.match_indices("eyJ").any(|(start, _)| {
        if start > 0 && base64url(bytes[start - 1]) {
            return false;
        }
        let header_len = run_len(&bytes[start..], base64url);
        let dot = start + header_len;
        if header_len < 10 || bytes.get(dot) != Some(&b'.') {
            return false;
        }
        let payload_start = dot + 1;
        let payload_len = run_len(&bytes[payload_start..], base64url);
        let dot = payload_start + payload_len;
        if payload_len < 10
            || !value[payload_start..].starts_with("eyJ")
            || bytes.get(dot) != Some(&b'.')
        {
            return false;
        }
        let signature_start = dot + 1;
        let signature_len = run_len(&bytes[signature_start..], base64url);
        let signature = &value[signature_start..signature_start + signature_len];
        let payload = base64url_decode(&value[payload_start..dot]);
        signature_len >= 16
            && !token_body_is_placeholder(signature)
            && !is_documentation_jwt_payload(&payload)
    })
}

/// Payloads of JWTs published in documentation: the Supabase local-development keys and the
/// jwt.io sample.
fn is_documentation_jwt_payload(payload: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[b"\"supabase-demo\"", b"\"John Doe\""];
    MARKERS
        .iter()
        .any(|m| payload.windows(m.len()).any(|w| w == *m))
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

// --- Entropy ---------------------------------------------------------------------------------

/// Minimum length for [`SecretShape::HighEntropy`].
const HIGH_ENTROPY_MIN_LEN: usize = 20;
/// Hex strings shorter than this are ids (Mongo ObjectIds, short commit hashes), not keys.
const HEX_MIN_LEN: usize = 32;
/// Bits per character a 32+ hex string needs (random hex averages 3.6-3.8).
const HEX_MIN_ENTROPY: f64 = 3.0;
/// Cap on the bits per character other strings need; below 32 characters the bar is
/// `0.8 * log2(len)` instead, because short random strings cannot reach high entropy. Random
/// base62 averages 4.0 bits at 20 characters and 4.5 at 32.
const MAX_REQUIRED_ENTROPY: f64 = 3.8;
/// Share of adjacent characters that switch class (see [`class_switches`]): random text sits
/// around 0.45, words and identifiers well below.
const MIN_CLASS_SWITCHES: f64 = 0.3;
/// Random text keeps few vowels among its letters (about 0.19 for `[a-z]`); words keep about 0.4.
const MAX_RANDOM_VOWEL_SHARE: f64 = 0.25;

/// A long random-looking string: the whole value is one token of base64, base62, a generated
/// password, or 32+ hex digits.
fn is_high_entropy(value: &str) -> bool {
    // Laravel's `APP_KEY=base64:...`.
    let value = value.strip_prefix("base64:").unwrap_or(value);
    let bytes = value.as_bytes();
    let len = bytes.len();
    if len < HIGH_ENTROPY_MIN_LEN || !value.is_ascii() {
        return false;
    }
    // Whitespace (sentences), separators of lists, hostnames, URLs, JSON and code.
    if bytes.iter().any(|&b| {
        !b.is_ascii_graphic()
            || matches!(b, b'.' | b',' | b':' | b';' | b'"' | b'\'' | b'`' | b'\\')
    }) {
        return false;
    }
    if ["/", "./", "../", "~/"]
        .iter()
        .any(|p| value.starts_with(p))
        || is_uuid(value)
    {
        return false;
    }
    if !bytes.iter().any(u8::is_ascii_alphabetic) || !bytes.iter().any(u8::is_ascii_digit) {
        return false;
    }
    let bits = entropy(bytes);
    if bytes.iter().all(u8::is_ascii_hexdigit) {
        return len >= HEX_MIN_LEN && bits > HEX_MIN_ENTROPY && class_switches(bytes) >= 0.2;
    }
    // Identifiers built from short parts: `prd-svc-db2-cfg-x86-64`, `TLS_AES_256_GCM_SHA384-v1`.
    let parts: Vec<&str> = value.split(['-', '_']).collect();
    if parts.len() >= 3 && parts.iter().all(|p| p.len() <= 12) {
        return false;
    }
    let required = (0.8 * (len as f64).log2()).min(MAX_REQUIRED_ENTROPY);
    bits >= required
        && (class_switches(bytes) >= MIN_CLASS_SWITCHES
            || vowel_share(bytes) < MAX_RANDOM_VOWEL_SHARE)
}

/// Shannon entropy in bits per byte.
fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Share of adjacent characters that change class (digit, lower, upper, symbol such as `!` or
/// `$`), skipping separators (`-_/+=`) and counting an upper-case letter followed by a lower-case
/// one as the same word (`ProductionCluster` switches once, not three times).
fn class_switches(bytes: &[u8]) -> f64 {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Digit,
        Lower,
        Upper,
        Symbol,
    }
    let classes: Vec<Class> = bytes
        .iter()
        .filter_map(|b| match b {
            b'0'..=b'9' => Some(Class::Digit),
            b'a'..=b'z' => Some(Class::Lower),
            b'A'..=b'Z' => Some(Class::Upper),
            // Separators join words; they say nothing about randomness.
            b'-' | b'_' | b'/' | b'+' | b'=' => None,
            _ => Some(Class::Symbol),
        })
        .collect();
    if classes.len() < 2 {
        return 0.0;
    }
    let switches = classes
        .windows(2)
        .filter(|w| w[0] != w[1] && !(w[0] == Class::Upper && w[1] == Class::Lower))
        .count();
    switches as f64 / (classes.len() - 1) as f64
}

fn vowel_share(bytes: &[u8]) -> f64 {
    let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return 1.0;
    }
    let vowels = bytes
        .iter()
        .filter(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    vowels as f64 / letters as f64
}

/// `8-4-4-4-12` hex digits, optionally in braces.
fn is_uuid(value: &str) -> bool {
    let value = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(value);
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// Whether a variable name denotes a secret: `DB_PASSWORD`, `STRIPE_SECRET_KEY`, `api_key`,
/// `apiKey`, `AWS_SECRET_ACCESS_KEY`. Not for names that configure a secret rather than hold it
/// (`PASSWORD_MIN_LENGTH`, `SECRET_KEY_FILE`, `JWT_SECRET_ROTATION_DAYS`, `AWS_ACCESS_KEY_ID`,
/// `TOKEN_URL`), public keys (`STRIPE_PUBLISHABLE_KEY`, `MAPBOX_PUBLIC_TOKEN`), counts
/// (`MAX_TOKENS`), flags (`USE_TOKEN_AUTH`), `TOKENIZER*` and Sentry `DSN`s. Case-insensitive;
/// parts split on `_`, `-`, `.` and camelCase.
pub fn is_secret_name(name: &str) -> bool {
    if NOT_SECRET_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
    {
        return false;
    }
    let parts = name_parts(name);
    let Some((start, end)) = (0..parts.len())
        .rev()
        .find_map(|i| secret_match_ending_at(&parts, i).map(|start| (start, i)))
    else {
        return false;
    };
    let configures = parts[end + 1..]
        .iter()
        .any(|p| CONFIG_WORDS.contains(&p.as_str()));
    let qualified = start > 0 && NOT_SECRET_QUALIFIERS.contains(&parts[start - 1].as_str());
    let flag = start > 0 && FLAG_WORDS.contains(&parts[0].as_str());
    !(configures || qualified || flag)
}

/// Names that contain a secret word but conventionally hold something else.
const NOT_SECRET_NAMES: &[&str] = &[
    // A path to a service-account file, by Google's convention.
    "GOOGLE_APPLICATION_CREDENTIALS",
];

/// Parts that on their own name a secret.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "APIKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "ACCESSKEY",
    "SALT",
];

/// Endings that name a secret inside one part (`PGPASSWORD`, `AUTHTOKEN`, `CLIENTSECRET`).
const SECRET_SUFFIXES: &[&str] = &["TOKEN", "SECRET", "PASSWORD", "PASSWD", "APIKEY"];

/// Parts that make `<part>_KEY` a secret.
const KEY_QUALIFIERS: &[&str] = &[
    "PRIVATE",
    "API",
    "ACCESS",
    "AUTH",
    "SIGNING",
    "SIGN",
    "SIGNATURE",
    "ENCRYPTION",
    "ENCRYPT",
    "DECRYPTION",
    "CRYPTO",
    "CIPHER",
    "MASTER",
    "SESSION",
    "HMAC",
    "JWT",
    "APP",
    "LICENSE",
    "LICENCE",
    "ROLE",
    "ADMIN",
    "SERVICE",
    "SERVER",
    "SDK",
    "SSH",
    "GPG",
    "PGP",
    "TLS",
    "SSL",
    "ACCOUNT",
    "SHARED",
    "WRITE",
    "DEPLOY",
    "MANAGEMENT",
    "ROOT",
    "SECURITY",
    "WEBHOOK",
    "FERNET",
    "DOTENV",
    "SECRET",
];

/// Parts that, after the secret word, make the name configure the secret rather than hold it.
const CONFIG_WORDS: &[&str] = &[
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "TIMEOUT",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRE",
    "EXPIRATION",
    "LIFETIME",
    "AGE",
    "RESET",
    "POLICY",
    "FILE",
    "FILENAME",
    "PATH",
    "DIR",
    "DIRECTORY",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "REQUIRED",
    "NAME",
    "ID",
    "HEADER",
    "COOKIE",
    "ALGORITHM",
    "ALGO",
    "ALG",
    "TYPE",
    "PREFIX",
    "SUFFIX",
    "FORMAT",
    "ENCODING",
    "VERSION",
    "MODE",
    "LEVEL",
    "SIZE",
    "BITS",
    "COUNT",
    "LIMIT",
    "ROUNDS",
    "ITERATIONS",
    "COST",
    "INTERVAL",
    "PERIOD",
    "DELAY",
    "RETRIES",
    "SECONDS",
    "SECS",
    "SEC",
    "MINUTES",
    "MINS",
    "HOURS",
    "DAYS",
    "MS",
    "MILLIS",
    "FIELD",
    "PARAM",
    "HASHERS",
    "HASHER",
    "VALIDATORS",
    "VALIDATOR",
    "COMPLEXITY",
    "STRENGTH",
    "ROTATION",
    "REGION",
    "ARN",
    "MANAGER",
    "STORE",
    "BACKEND",
    "PROVIDER",
    "LOCATION",
    "SOURCE",
    "SCOPE",
    "SCOPES",
    "AUDIENCE",
    "ISSUER",
    "USER",
    "USERNAME",
];

/// Parts that, right before the secret word, make it public or a number (`PUBLIC_TOKEN`,
/// `MAX_TOKEN`).
const NOT_SECRET_QUALIFIERS: &[&str] = &[
    "PUBLIC",
    "PUBLISHABLE",
    "MAX",
    "MIN",
    "NUM",
    "NUMBER",
    "TOTAL",
];

/// First parts that make the name a switch (`USE_TOKEN_AUTH`, `REQUIRE_PASSWORD`).
const FLAG_WORDS: &[&str] = &[
    "USE", "ENABLE", "DISABLE", "REQUIRE", "SKIP", "ALLOW", "IS", "HAS", "NO", "SHOW", "HIDE",
];

/// Where a secret word or pair ends at part `i`, the index of its first part.
fn secret_match_ending_at(parts: &[String], i: usize) -> Option<usize> {
    let part = parts[i].as_str();
    let is_last = i + 1 == parts.len();
    if SECRET_WORDS.contains(&part)
        || SECRET_SUFFIXES
            .iter()
            .any(|s| part.len() > s.len() && part.ends_with(s))
        || (is_last && matches!(part, "PASS" | "PAT"))
        || (is_last && part == "PWD" && i > 0)
    {
        return Some(i);
    }
    if part == "KEY" && i > 0 && KEY_QUALIFIERS.contains(&parts[i - 1].as_str()) {
        return Some(i - 1);
    }
    None
}

/// Upper-case parts of a name, split on `_`, `-`, `.`, and camelCase boundaries (`apiKey`,
/// `APIKey` and `OAUTH2Token` split before `Key`/`Token`).
fn name_parts(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.extend(c.to_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Prefixes that bundlers inline into client code, longest first.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "REACT_APP_",
    "VUE_APP_",
    "GATSBY_",
    "PUBLIC_",
    "VITE_",
];

/// The browser-exposed prefix `name` starts with (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`,
/// `PUBLIC_`, `EXPO_PUBLIC_`, `NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`), if anything follows it.
/// Case-sensitive, as the bundlers are; the returned prefix is a byte prefix of `name`.
pub fn public_prefix(name: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES
        .iter()
        .copied()
        .find(|p| name.len() > p.len() && name.starts_with(p))
}

// ---------------------------------------------------------------------------------------------
// Platform variables
// ---------------------------------------------------------------------------------------------

/// Set by the operating system, the login shell or the terminal.
const OS_NAMES: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "SHELL",
    "PWD",
    "OLDPWD",
    "SHLVL",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TERM",
    "COLORTERM",
    "HOSTNAME",
    "TMPDIR",
    "TEMP",
    "TMP",
    // Windows.
    "USERPROFILE",
    "USERNAME",
    "APPDATA",
    "LOCALAPPDATA",
    "COMPUTERNAME",
    "SYSTEMROOT",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
];
/// Locale and XDG base directories, set by the system or the desktop session.
const OS_PREFIXES: &[&str] = &["LC_", "XDG_"];

/// Set by language runtimes, package managers and virtual environments.
const RUNTIME_NAMES: &[&str] = &[
    // Node, and frameworks and hosts that set the mode.
    "NODE_ENV",
    "NODE_OPTIONS",
    // Python and its virtual environments.
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONHASHSEED",
    "PYTHONIOENCODING",
    "VIRTUAL_ENV",
    // Next.js, during build and at run time.
    "NEXT_RUNTIME",
    "NEXT_PHASE",
];
/// Next.js internals, Deno and Bun.
const RUNTIME_PREFIXES: &[&str] = &["__NEXT_", "DENO_", "BUN_"];

/// Set by CI services for every job.
const CI_NAMES: &[&str] = &["CI", "GITLAB_CI", "CIRCLECI", "TRAVIS", "BUILDKITE"];
/// GitHub Actions' default variables, one by one: applications define other `GITHUB_*` names
/// themselves.
const GITHUB_ACTIONS_NAMES: &[&str] = &[
    "GITHUB_ACTION",
    "GITHUB_ACTION_PATH",
    "GITHUB_ACTION_REPOSITORY",
    "GITHUB_ACTIONS",
    "GITHUB_ACTOR",
    "GITHUB_ACTOR_ID",
    "GITHUB_API_URL",
    "GITHUB_BASE_REF",
    "GITHUB_ENV",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_GRAPHQL_URL",
    "GITHUB_HEAD_REF",
    "GITHUB_JOB",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_REF",
    "GITHUB_REF_NAME",
    "GITHUB_REF_PROTECTED",
    "GITHUB_REF_TYPE",
    "GITHUB_REPOSITORY",
    "GITHUB_REPOSITORY_ID",
    "GITHUB_REPOSITORY_OWNER",
    "GITHUB_REPOSITORY_OWNER_ID",
    "GITHUB_RETENTION_DAYS",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
    "GITHUB_SERVER_URL",
    "GITHUB_SHA",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_TRIGGERING_ACTOR",
    "GITHUB_WORKFLOW",
    "GITHUB_WORKFLOW_REF",
    "GITHUB_WORKFLOW_SHA",
    "GITHUB_WORKSPACE",
];
/// GitHub Actions runners (`RUNNER_OS`, `ACTIONS_RUNTIME_URL`), GitLab CI (`CI_COMMIT_SHA`,
/// `GITLAB_USER_LOGIN`), Buildkite, CircleCI, Travis CI.
const CI_PREFIXES: &[&str] = &[
    "RUNNER_",
    "ACTIONS_",
    "CI_",
    "GITLAB_USER_",
    "BUILDKITE_",
    "CIRCLE_",
    "TRAVIS_",
];

/// Set by hosting platforms and orchestrators in the running service.
const HOSTING_NAMES: &[&str] = &[
    // Heroku, Render, Railway, Fly.io, Cloud Run, App Engine, ... all pass the listening port.
    "PORT",
    // Heroku.
    "DYNO",
    // Vercel, Netlify, Render.
    "VERCEL",
    "NETLIFY",
    "RENDER",
    // AWS Lambda and ECS.
    "AWS_EXECUTION_ENV",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "ECS_CONTAINER_METADATA_URI",
    "ECS_CONTAINER_METADATA_URI_V4",
    // Cloud Run (Knative).
    "K_SERVICE",
    "K_REVISION",
    "K_CONFIGURATION",
];
/// Kubernetes service links (kubelet), Heroku dyno metadata and add-ons, Vercel system
/// variables (also exposed to Next.js), Render, Fly.io, Railway, AWS Lambda, App Engine, Cloud
/// Functions, Cloud Run jobs.
const HOSTING_PREFIXES: &[&str] = &[
    "KUBERNETES_",
    "HEROKU_",
    "VERCEL_",
    "NEXT_PUBLIC_VERCEL_",
    "RENDER_",
    "FLY_",
    "RAILWAY_",
    "AWS_LAMBDA_",
    "GAE_",
    "FUNCTION_",
    "CLOUD_RUN_",
];

/// Secrets that CI services and hosts inject themselves, although the name says secret.
const INJECTED_SECRETS: &[&str] = &[
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "CI_JOB_TOKEN",
    "CI_JOB_JWT",
    "CI_JOB_JWT_V1",
    "CI_JOB_JWT_V2",
    "CI_REGISTRY_PASSWORD",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPENDENCY_PROXY_PASSWORD",
    "BUILDKITE_AGENT_ACCESS_TOKEN",
    "VERCEL_OIDC_TOKEN",
    "VERCEL_AUTOMATION_BYPASS_SECRET",
];

/// dotenv-vault and dotenvx decryption keys: they unlock the env files and are read by the
/// loader, not by the project's code.
const DOTENV_KEY_PREFIXES: &[&str] = &["DOTENV_KEY", "DOTENV_PRIVATE_KEY", "DOTENV_PUBLIC_KEY"];

/// Whether `name` is set by the operating system, a runtime, a CI service or a hosting platform,
/// so that it is never reported missing or undocumented. A secret-named variable under a
/// platform prefix (`FLY_API_TOKEN`) is the project's own unless the platform injects it
/// (`CI_JOB_TOKEN`). Case-insensitive, except npm's lower-case `npm_*`.
pub fn is_platform_variable(name: &str) -> bool {
    // npm run injects npm_package_*, npm_config_*, npm_lifecycle_event, ...
    if name.starts_with("npm_") {
        return true;
    }
    let exact = [
        OS_NAMES,
        RUNTIME_NAMES,
        CI_NAMES,
        GITHUB_ACTIONS_NAMES,
        HOSTING_NAMES,
        INJECTED_SECRETS,
    ];
    if exact
        .iter()
        .any(|list| list.iter().any(|n| n.eq_ignore_ascii_case(name)))
    {
        return true;
    }
    if DOTENV_KEY_PREFIXES
        .iter()
        .any(|p| starts_with_ignore_case(name, p))
    {
        return true;
    }
    let prefixed = [OS_PREFIXES, RUNTIME_PREFIXES, CI_PREFIXES, HOSTING_PREFIXES]
        .iter()
        .any(|list| list.iter().any(|p| starts_with_ignore_case(name, p)));
    prefixed && !is_secret_name(name)
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joins parts so that no complete token-shaped literal sits in the source for secret
    /// scanners to trip on.
    fn fake(parts: &[&str]) -> String {
        parts.concat()
    }

    // --- mask_tokens ---------------------------------------------------------------------------

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
        assert!(!mask_tokens(url).contains("Q9x7"), "{}", mask_tokens(url));
        // ordinary code is returned as it is, without a copy
        for code in [
            "const url = process.env.DATABASE_URL ?? 'postgres://localhost/app';",
            "API_KEY = os.environ['NEXT_PUBLIC_SUPABASE_ANON_KEY']",
            "",
        ] {
            assert!(matches!(mask_tokens(code), Cow::Borrowed(_)), "{code}");
        }
    }

    // --- secret_shape ------------------------------------------------------------------------

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

    /// A small deterministic generator for calibration samples.
    struct XorShift(u64);

    impl XorShift {
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn string(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len)
                .map(|_| char::from(alphabet[(self.next_u64() % alphabet.len() as u64) as usize]))
                .collect()
        }
    }

    #[test]
    fn high_entropy_threshold_catches_random_tokens() {
        const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const LOWER36: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        const HEX: &[u8] = b"0123456789abcdef";
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        // (alphabet, length, minimum share detected). Strings without both a letter and a digit
        // are never reported, which bounds the short lower-case cases.
        let cases: &[(&[u8], usize, f64)] = &[
            (BASE62, 20, 0.90),
            (BASE62, 24, 0.95),
            (BASE62, 32, 0.97),
            (BASE62, 64, 0.99),
            (BASE64, 44, 0.97),
            (LOWER36, 24, 0.85),
            (LOWER36, 32, 0.93),
            (HEX, 32, 0.97),
            (HEX, 64, 0.99),
        ];
        for &(alphabet, len, min_share) in cases {
            let samples = 2000;
            let found = (0..samples)
                .filter(|_| is_high_entropy(&rng.string(alphabet, len)))
                .count();
            let share = found as f64 / samples as f64;
            assert!(
                share >= min_share,
                "alphabet of {} at length {len}: {share}",
                alphabet.len()
            );
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

    // --- is_placeholder ----------------------------------------------------------------------

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

    // --- is_secret_name ----------------------------------------------------------------------

    #[test]
    fn secret_names() {
        let names = [
            "SECRET",
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "JWT_SECRET_KEY",
            "NEXTAUTH_SECRET",
            "CLIENT_SECRET",
            "AUTH0_CLIENT_SECRET",
            "WEBHOOK_SECRET",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_SECRET_KEY",
            "COOKIE_SECRET",
            "SESSION_SECRET",
            "APP_SECRETS",
            "TOKEN",
            "API_TOKEN",
            "GITHUB_TOKEN",
            "NPM_TOKEN",
            "NODE_AUTH_TOKEN",
            "HF_TOKEN",
            "AWS_SESSION_TOKEN",
            "SLACK_BOT_TOKEN",
            "PASSWORD",
            "DB_PASSWORD",
            "DATABASE_PASSWORD",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "PGPASSWORD",
            "REDIS_PASSWD",
            "SMTP_PASS",
            "DB_PASS",
            "DB_PWD",
            "MYSQL_PWD",
            "GPG_PASSPHRASE",
            "PRIVATE_KEY",
            "SSH_PRIVATE_KEY",
            "JWT_PRIVATE_KEY",
            "DOTENV_PRIVATE_KEY_PRODUCTION",
            "API_KEY",
            "OPENAI_API_KEY",
            "APIKEY",
            "SENDGRID_APIKEY",
            "ACCESS_KEY",
            "MINIO_ACCESS_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AUTH_KEY",
            "SIGNING_KEY",
            "ENCRYPTION_KEY",
            "MASTER_KEY",
            "RAILS_MASTER_KEY",
            "SESSION_KEY",
            "APP_KEY",
            "FERNET_KEY",
            "LICENSE_KEY",
            "SUPABASE_SERVICE_ROLE_KEY",
            "CREDENTIALS",
            "GCP_CREDENTIALS",
            "CREDENTIALS_JSON",
            "CREDENTIAL",
            "SALT",
            "PASSWORD_SALT",
            "GITHUB_PAT",
            "PRIVATE_KEY_BASE64",
            "DB_PASSWORD_PROD",
            "PASSWORD_RESET_SECRET",
            // Case and camelCase.
            "secret_key",
            "db_password",
            "api_key",
            "apiKey",
            "stripeSecretKey",
            "clientSecret",
            "APIKey",
            "OAUTH2Token",
            "x-api-key",
            "auth.token",
        ];
        for name in names {
            assert!(is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn names_that_are_not_secrets() {
        let names = [
            "",
            "DATABASE_URL",
            "REDIS_URL",
            "SENTRY_DSN",
            "LOG_LEVEL",
            "PORT",
            "KEY",
            "CACHE_KEY",
            "CACHE_KEY_PREFIX",
            "PUBLIC_KEY",
            "JWT_PUBLIC_KEY",
            "DOTENV_PUBLIC_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "AWS_ACCESS_KEY_ID",
            "AUTH0_CLIENT_ID",
            "PASSWORD_MIN_LENGTH",
            "PASSWORD_LENGTH",
            "PASSWORD_RESET",
            "PASSWORD_RESET_TIMEOUT",
            "PASSWORD_POLICY",
            "PASSWORD_HASHERS",
            "AUTH_PASSWORD_VALIDATORS",
            "SECRET_KEY_FILE",
            "DB_PASSWORD_FILE",
            "SECRETS_PATH",
            "SECRETS_DIR",
            "SECRET_NAME",
            "SECRET_ARN",
            "SECRETS_MANAGER_REGION",
            "TOKEN_URL",
            "OAUTH_TOKEN_URL",
            "TOKEN_ENDPOINT",
            "TOKEN_TTL",
            "TOKEN_EXPIRY",
            "JWT_EXPIRES_IN",
            "ACCESS_TOKEN_EXPIRES_IN",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "JWT_SECRET_ROTATION_DAYS",
            "TOKEN_HEADER",
            "TOKEN_TYPE",
            "TOKEN_PREFIX",
            "AUTH_TOKEN_ENABLED",
            "JWT_ALGORITHM",
            "SALT_ROUNDS",
            "PASSWORD_RESET_TOKEN_EXPIRY",
            "CSRF_TOKEN_NAME",
            "TOKENIZER",
            "TOKENIZERS_PARALLELISM",
            "TOKENIZER_PATH",
            "MAX_TOKENS",
            "OPENAI_MAX_TOKENS",
            "MAX_TOKEN",
            "MAX_TOKEN_LENGTH",
            "PUBLIC_TOKEN",
            "MAPBOX_PUBLIC_TOKEN",
            "USE_TOKEN_AUTH",
            "ENABLE_PASSWORD_LOGIN",
            "REQUIRE_PASSWORD",
            "PWD",
            "OLDPWD",
            "PASSPORT_STRATEGY",
            "BYPASS",
            "PASS_THROUGH",
            "COMPASS_URL",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AWS_SHARED_CREDENTIALS_FILE",
            "password_min_length",
            "tokenUrl",
        ];
        for name in names {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn name_parts_split_on_separators_and_case() {
        assert_eq!(name_parts("DB_PASSWORD"), ["DB", "PASSWORD"]);
        assert_eq!(name_parts("apiKey"), ["API", "KEY"]);
        assert_eq!(name_parts("APIKey"), ["API", "KEY"]);
        assert_eq!(name_parts("stripe-secret.key"), ["STRIPE", "SECRET", "KEY"]);
        assert_eq!(name_parts("__NEXT__X"), ["NEXT", "X"]);
        assert!(name_parts("").is_empty());
    }

    // --- public_prefix -----------------------------------------------------------------------

    #[test]
    fn public_prefixes() {
        let cases = [
            ("NEXT_PUBLIC_API_URL", Some("NEXT_PUBLIC_")),
            ("NUXT_PUBLIC_API_BASE", Some("NUXT_PUBLIC_")),
            ("EXPO_PUBLIC_API_KEY", Some("EXPO_PUBLIC_")),
            ("REACT_APP_STRIPE_KEY", Some("REACT_APP_")),
            ("VUE_APP_TITLE", Some("VUE_APP_")),
            ("GATSBY_SITE_URL", Some("GATSBY_")),
            ("PUBLIC_SUPABASE_URL", Some("PUBLIC_")),
            ("VITE_API_TOKEN", Some("VITE_")),
            ("NEXT_PUBLIC_", None),
            ("VITE_", None),
            ("vite_api_token", None),
            ("API_TOKEN", None),
            ("NEXT_API_URL", None),
            ("MY_VITE_TOKEN", None),
        ];
        for (name, expected) in cases {
            assert_eq!(public_prefix(name), expected, "{name}");
            if let Some(prefix) = expected {
                assert!(name.starts_with(prefix));
            }
        }
    }

    #[test]
    fn public_prefix_and_secret_name_together() {
        let exposed =
            |name: &str| public_prefix(name).is_some_and(|p| is_secret_name(&name[p.len()..]));
        assert!(exposed("NEXT_PUBLIC_STRIPE_SECRET_KEY"));
        assert!(exposed("VITE_API_TOKEN"));
        assert!(exposed("REACT_APP_DB_PASSWORD"));
        assert!(!exposed("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"));
        assert!(!exposed("NEXT_PUBLIC_SUPABASE_ANON_KEY"));
        assert!(!exposed("VITE_API_URL"));
        assert!(!exposed("STRIPE_SECRET_KEY"));
    }

    // --- is_platform_variable ----------------------------------------------------------------

    #[test]
    fn platform_variables() {
        let names = [
            "PORT",
            "HOME",
            "PATH",
            "USER",
            "SHELL",
            "PWD",
            "LANG",
            "LANGUAGE",
            "LC_ALL",
            "LC_CTYPE",
            "TZ",
            "TERM",
            "HOSTNAME",
            "TMPDIR",
            "TEMP",
            "TMP",
            "XDG_CONFIG_HOME",
            "NODE_ENV",
            "NODE_OPTIONS",
            "CI",
            "GITHUB_ACTIONS",
            "GITHUB_SHA",
            "GITHUB_REF_NAME",
            "GITHUB_WORKSPACE",
            "RUNNER_OS",
            "RUNNER_TEMP",
            "ACTIONS_RUNTIME_TOKEN",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "GITLAB_CI",
            "CI_COMMIT_SHA",
            "CI_JOB_TOKEN",
            "CI_REGISTRY_PASSWORD",
            "GITLAB_USER_LOGIN",
            "BUILDKITE",
            "BUILDKITE_BRANCH",
            "BUILDKITE_AGENT_ACCESS_TOKEN",
            "CIRCLECI",
            "CIRCLE_SHA1",
            "TRAVIS",
            "TRAVIS_BRANCH",
            "KUBERNETES_SERVICE_HOST",
            "KUBERNETES_PORT",
            "DYNO",
            "HEROKU_APP_NAME",
            "HEROKU_SLUG_COMMIT",
            "VERCEL",
            "VERCEL_ENV",
            "VERCEL_URL",
            "VERCEL_GIT_COMMIT_SHA",
            "NEXT_PUBLIC_VERCEL_URL",
            "VERCEL_OIDC_TOKEN",
            "NETLIFY",
            "RENDER",
            "RENDER_EXTERNAL_URL",
            "FLY_APP_NAME",
            "FLY_REGION",
            "RAILWAY_ENVIRONMENT",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_EXECUTION_ENV",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "K_SERVICE",
            "K_REVISION",
            "GAE_SERVICE",
            "FUNCTION_TARGET",
            "PYTHONPATH",
            "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE",
            "VIRTUAL_ENV",
            "npm_package_version",
            "npm_lifecycle_event",
            "npm_config_registry",
            "NEXT_RUNTIME",
            "NEXT_PHASE",
            "__NEXT_PRIVATE_ORIGIN",
            "DENO_DEPLOYMENT_ID",
            "BUN_INSTALL",
            "DOTENV_KEY",
            "DOTENV_KEY_PRODUCTION",
            "DOTENV_PRIVATE_KEY",
            "DOTENV_PRIVATE_KEY_PRODUCTION",
            "DOTENV_PUBLIC_KEY_CI",
            // Case-insensitive, for names read through case-insensitive settings classes.
            "port",
            "home",
            "node_env",
        ];
        for name in names {
            assert!(is_platform_variable(name), "{name}");
        }
    }

    #[test]
    fn project_variables_are_not_platform_variables() {
        let names = [
            "HOST",
            "DATABASE_URL",
            "API_URL",
            "SECRET_KEY",
            "LOG_LEVEL",
            "GITHUB_TOKEN",
            "GITHUB_CLIENT_ID",
            "GITHUB_CLIENT_SECRET",
            "GITHUB_ID",
            "GITHUB_SECRET",
            "GITHUB_APP_PRIVATE_KEY",
            "GITLAB_TOKEN",
            "HEROKU_API_KEY",
            "VERCEL_TOKEN",
            "FLY_API_TOKEN",
            "RAILWAY_TOKEN",
            "RENDER_API_KEY",
            "NPM_TOKEN",
            "NODE_AUTH_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "NEXT_PUBLIC_API_URL",
            "VITE_API_URL",
            "MODE_OF_OPERATION",
            "DEVELOPER_EMAIL",
            "PATH_PREFIX",
            "",
        ];
        for name in names {
            assert!(!is_platform_variable(name), "{name}");
        }
    }

    // --- SecretShape -------------------------------------------------------------------------

    #[test]
    fn shape_names_are_unique_kebab_labels() {
        let mut names: Vec<&str> = SecretShape::ALL.iter().map(SecretShape::name).collect();
        for name in &names {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SecretShape::ALL.len());
        assert_eq!(SecretShape::AwsAccessKeyId.name(), "aws-access-key-id");
    }

    #[test]
    fn odd_input_never_panics() {
        let values = [
            "\u{0}",
            "é",
            "ü\u{301}ber-geheim-1234567890",
            "-----BEGIN ",
            "-----BEGIN PRIVATE KEY",
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9.",
            "eyJhbGciOiJIUzI1NiJ9.eyJ",
            "SG.",
            "sk-",
            "://",
            "a://@",
            "postgres://:@",
            "postgres://u:p@[::1",
            "https://hooks.slack.com/services/",
            "<",
            "<>",
            "$",
            "${",
            "\"",
            "'",
            "🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑",
        ];
        for value in values {
            let _ = secret_shape(value);
            let _ = is_placeholder(value);
            let _ = is_secret_name(value);
            let _ = public_prefix(value);
            let _ = is_platform_variable(value);
        }
    }
}
