//! What secrets look like: values shaped like real credentials, placeholders, secret-sounding
//! variable names, browser-exposed name prefixes, and variables that the platform sets.
//!
//! Every function here returns a boolean or a category and never text taken from its input, so
//! rules can report on values without printing them. The one exception, [`mask_tokens`], returns
//! its input with every secret-shaped token replaced by `*`s.
//!
//! The parts, each with its own choices and tests:
//!
//! - `tokens`: the one scanner for shaped tokens (provider prefixes, PEM private keys, JWTs,
//!   SendGrid keys, Slack webhooks), a single regular expression run once over the text, so its
//!   work is linear in the text whatever the text holds.
//! - `entropy`: whether one word is a long random-looking string.
//! - `url`: credentials in `scheme://user:password@host`.
//! - `values`: [`secret_shape`], the verdict on a whole value, built on the three above.
//! - `mask`: [`mask_tokens`], the same scanner, URL parser and entropy test over a line of code,
//!   word by word.
//! - `placeholders`: [`is_placeholder`], `changeme`, `<token>`, `${OTHER}`, ...;
//!   [`is_placeholder_for`] also knows the key (`QSTASH_TOKEN=qstash-token`).
//! - `names`: [`is_secret_name`], `DB_PASSWORD` but not `PASSWORD_MIN_LENGTH`.
//! - `public`: [`public_prefix`], `NEXT_PUBLIC_`, `VITE_`, ...; [`is_public_key_name`], keys
//!   made to be public (`NEXT_PUBLIC_FIREBASE_API_KEY`, `RECAPTCHA_SITE_KEY`).
//! - `files`: [`env_file_kind`], env files whose values are stand-ins by convention
//!   (`.env.example`, `.env.test`).
//! - `platform`: [`is_platform_variable`], `PORT`, `CI`, `VERCEL_URL`, ...
//!
//! Work: every function is linear in its input. Token matching is a regular expression (the
//! `regex` crate guarantees linear time for one search) whose alternatives cannot make one
//! search scan far past the match it reports, and every other scan moves forward only; the
//! `secret_shape_bounds` integration test runs each function on megabytes of the inputs that
//! were quadratic for a scanner that started over at every occurrence of a prefix.

mod entropy;
mod files;
mod mask;
mod names;
mod placeholders;
mod platform;
mod public;
mod tokens;
mod url;
mod values;

pub use files::{EnvFileKind, env_file_kind};
pub(crate) use mask::is_token_separator;
pub use mask::mask_tokens;
pub use names::is_secret_name;
pub use placeholders::{is_placeholder, is_placeholder_for};
pub use platform::is_platform_variable;
pub use public::{is_public_key, is_public_key_name, public_prefix};
pub use values::secret_shape;

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

/// Joins parts so that no complete token-shaped literal sits in the source for secret scanners
/// to trip on.
#[cfg(test)]
fn fake(parts: &[&str]) -> String {
    parts.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----é-----END",
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9.",
            "eyJhbGciOiJIUzI1NiJ9.eyJ",
            "SG.",
            "sk-",
            "é-sk-é",
            "://",
            "a://@",
            "é://é:é@é",
            "postgres://:@",
            "postgres://u:p@[::1",
            "https://hooks.slack.com/services/",
            "\"password\":\"",
            "\\\"password\\\":\\\"é",
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
            let _ = is_placeholder_for(value, value);
            let _ = is_public_key_name(value);
            let _ = env_file_kind(value);
            assert_eq!(
                mask_tokens(value).chars().count(),
                value.chars().count(),
                "{value}"
            );
        }
    }
}
