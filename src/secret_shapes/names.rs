//! Secret-sounding variable names: [`is_secret_name`].
//!
//! A name is split into upper-case parts (on `_`, `-`, `.`, spaces and camelCase) and read from
//! its last secret word backwards.
//!
//! Choices:
//!
//! - A secret word (`SECRET`, `TOKEN`, `PASSWORD`, `CREDENTIALS`, `SALT`, ...), a part ending in
//!   one (`PGPASSWORD`), or `KEY` after a qualifier that makes it a secret (`API_KEY`,
//!   `SIGNING_KEY`; not `CACHE_KEY`).
//! - A word after the secret one that names a property of the secret rather than the secret
//!   itself makes the name a setting *about* the secret: when it expires or how often it may be
//!   used (`_TTL`, `_TIME`, `_OFFSET`, `_THROTTLE_RATE`), its size or strength (`_MIN_LENGTH`),
//!   which one it is (`_NAME`, `_ID`, `_ARN`), where it is kept (`_FILE`, `_URL`), how it is
//!   used (`_HEADER`, `_ALGORITHM`, `_ENABLED`). The words are a list, not "any word after": a
//!   provider after the secret word (`API_KEY_COINGECKO_PRO`) or an environment or encoding
//!   (`DB_PASSWORD_PROD`, `PRIVATE_KEY_BASE64`, `SECRET_KEY_BASE`) still names the secret. So do
//!   `PUBLIC_`/`MAX_` right before the secret word and a flag word first (`USE_TOKEN_AUTH`).
//! - `PWD` names a secret only as the last part of a longer name (`DB_PWD`); bare `PWD` is the
//!   shell's working directory. `PASS` and `PAT` count only as the last part. Sentry `DSN`s are
//!   not secret names, nor is `GOOGLE_APPLICATION_CREDENTIALS` (a path, by Google's convention).
//!
//! Work: one pass to split, one over the parts.

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

/// Parts that, after the secret word, name a property of the secret: the name is a setting
/// about the secret, not the secret.
const CONFIG_WORDS: &[&str] = &[
    // size and strength
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    // time, lifetime and rate of use
    "TIMEOUT",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRE",
    "EXPIRATION",
    "LIFETIME",
    "AGE",
    "TIME",
    "DURATION",
    "VALIDITY",
    "OFFSET",
    "LEEWAY",
    "SKEW",
    "GRACE",
    "WINDOW",
    "THROTTLE",
    "RATE",
    "QUOTA",
    "BUDGET",
    "THRESHOLD",
    "RESET",
    "POLICY",
    "STRATEGY",
    "METHOD",
    "HINT",
    // which secret it is
    "IDS",
    "KID",
    "ALIAS",
    "LABEL",
    "REF",
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
pub(super) fn name_parts(name: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            // a provider, an environment or an encoding after the secret word
            "API_KEY_COINGECKO_PRO",
            "API_KEY_RAPID_API",
            "STRIPE_SECRET_KEY_LIVE",
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
            // the secret word followed by a property of the secret
            "TOKEN_TIME",
            "ACCESS_TOKEN_TTL",
            "REFRESH_TOKEN_EXPIRY",
            "JWT_TOKEN_OFFSET",
            "PAPERLESS_TOKEN_THROTTLE_RATE",
            "SIGNING_KEY_ID",
            "API_KEY_IDS",
            "DB_SECRET_NAME",
            "VAULT_SECRET_REF",
            "ADMIN_PASSWORD_MIN_LENGTH",
            "PASSWORD_HINT",
            "JWT_SECRET_LEEWAY",
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
}
