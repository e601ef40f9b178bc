//! Decryption against fixtures made by the real tools (tests/fixtures/crypto/make-fixtures.sh):
//! a `.env.vault` built by dotenv-vault and checked with dotenv@16, and a dotenvx-encrypted
//! `.env.production` with its `.env.keys`. Every plaintext value is a `CANARY-...` string that
//! must never appear in an error or in `Debug` output.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use envcheck::secret::Secret;
use envcheck::sources::dotenvx::{self, DotenvxError};
use envcheck::sources::vault::{self, UriProblem, VaultError, VaultKey};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const VAULT_EXPECTED: &[(&str, &[(&str, &str)])] = &[
    ("development", &[("DEV_ONLY", "CANARY-VAULT-DEV-1")]),
    (
        "production",
        &[
            (
                "DATABASE_URL",
                "postgres://app:CANARY-VAULT-PROD-1@db.internal:5432/app",
            ),
            ("API_TOKEN", "CANARY-VAULT-PROD-2"),
            ("EMPTY_ONE", ""),
        ],
    ),
    (
        "staging",
        &[
            (
                "DATABASE_URL",
                "postgres://app:CANARY-VAULT-STAGING-1@db.staging:5432/app",
            ),
            ("API_TOKEN", "CANARY-VAULT-STAGING-2"),
        ],
    ),
];

const DOTENVX_EXPECTED: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "postgres://app:CANARY-DOTENVX-PROD-1@db.internal:5432/app",
    ),
    ("API_TOKEN", "CANARY-DOTENVX-PROD-2"),
    ("EMPTY_ONE", ""),
    ("UNICODE_NOTE", "CANARY-DOTENVX-PROD-3 ünïcødé ✓"),
];

fn fixture(relative: &str) -> Result<String, std::io::Error> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "crypto",
        relative,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(path)
}

/// `KEY=value` and `KEY="value"` lines; blank and `#` lines skipped. Enough for the fixtures.
fn entries(text: &str) -> Vec<(String, Secret)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            (name.trim().to_owned(), Secret::new(value))
        })
        .collect()
}

fn get<'a>(entries: &'a [(String, Secret)], name: &str) -> Result<&'a str, String> {
    entries
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.expose())
        .ok_or_else(|| format!("{name} not in fixture"))
}

fn as_pairs(entries: &[(String, Secret)]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .map(|(n, v)| (n.as_str(), v.expose()))
        .collect()
}

struct Vault {
    entries: Vec<(String, Secret)>,
    keys: Vec<(String, Secret)>,
}

fn vault_fixture() -> Result<Vault, std::io::Error> {
    Ok(Vault {
        entries: entries(&fixture("vault/.env.vault")?),
        keys: entries(&fixture("vault/.env.keys")?),
    })
}

impl Vault {
    fn uri(&self, environment: &str) -> Result<&str, String> {
        get(
            &self.keys,
            &format!("DOTENV_KEY_{}", environment.to_uppercase()),
        )
    }

    fn key_hex(&self, environment: &str) -> Result<String, String> {
        let uri = self.uri(environment)?;
        let at = uri.find('@').ok_or("no @ in URI")?;
        Ok(uri[at - 64..at].to_owned())
    }

    /// The production URI carrying the staging key.
    fn wrong_production_uri(&self) -> Result<String, String> {
        Ok(self
            .uri("production")?
            .replace(&self.key_hex("production")?, &self.key_hex("staging")?))
    }

    fn blob(&self, environment: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let encoded = get(
            &self.entries,
            &format!("DOTENV_VAULT_{}", environment.to_uppercase()),
        )?;
        Ok(STANDARD
            .decode(encoded)
            .map_err(|_| "fixture value is not base64")?)
    }
}

struct Dotenvx {
    file: Vec<(String, Secret)>,
    private_hex: String,
}

fn dotenvx_fixture() -> Result<Dotenvx, Box<dyn std::error::Error>> {
    let file = entries(&fixture("dotenvx/.env.production")?);
    let keys = entries(&fixture("dotenvx/.env.keys")?);
    let private_hex = get(&keys, &dotenvx::private_key_name(".env.production"))?.to_owned();
    Ok(Dotenvx { file, private_hex })
}

impl Dotenvx {
    fn keys(&self) -> Result<Vec<dotenvx::PrivateKey>, DotenvxError> {
        dotenvx::parse_private_keys(&self.private_hex)
    }

    fn blob(&self, name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let value = get(&self.file, name)?;
        let encoded = value.strip_prefix("encrypted:").ok_or("not encrypted")?;
        Ok(STANDARD
            .decode(encoded)
            .map_err(|_| "fixture value is not base64")?)
    }
}

fn encode_dotenvx(blob: &[u8]) -> String {
    format!("encrypted:{}", STANDARD.encode(blob))
}

#[test]
fn vault_lists_its_environments() -> TestResult {
    let vault = vault_fixture()?;
    assert_eq!(
        vault::environments(&vault.entries),
        ["development", "production", "staging"]
    );
    Ok(())
}

#[test]
fn vault_decrypts_every_environment_with_its_own_key() -> TestResult {
    let vault = vault_fixture()?;
    for (environment, expected) in VAULT_EXPECTED {
        let keys = vault::parse_dotenv_key(vault.uri(environment)?)?;
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].environment, *environment);
        let plaintext = vault::decrypt_environment(&vault.entries, environment, &keys)?;
        assert_eq!(
            as_pairs(&entries(plaintext.expose())),
            *expected,
            "{environment}"
        );
    }
    Ok(())
}

#[test]
fn vault_picks_the_key_for_the_environment_from_a_list() -> TestResult {
    let vault = vault_fixture()?;
    let all = ["staging", "development", "production"]
        .iter()
        .map(|e| vault.uri(e))
        .collect::<Result<Vec<_>, _>>()?
        .join(",");
    let keys = vault::parse_dotenv_key(&all)?;
    for (environment, expected) in VAULT_EXPECTED {
        let upper = environment.to_uppercase();
        let plaintext = vault::decrypt_environment(&vault.entries, &upper, &keys)?;
        assert_eq!(
            as_pairs(&entries(plaintext.expose())),
            *expected,
            "{environment}"
        );
    }
    Ok(())
}

#[test]
fn vault_rotation_first_key_wrong_second_right() -> TestResult {
    let vault = vault_fixture()?;
    let wrong = vault.wrong_production_uri()?;
    let rotated = format!("{wrong}, {}", vault.uri("production")?);
    let keys = vault::parse_dotenv_key(&rotated)?;
    assert_eq!(keys.len(), 2);
    let plaintext = vault::decrypt_environment(&vault.entries, "production", &keys)?;
    assert_eq!(
        get(&entries(plaintext.expose()), "API_TOKEN")?,
        "CANARY-VAULT-PROD-2"
    );

    let wrong_only = vault::parse_dotenv_key(&wrong)?;
    assert_eq!(
        vault::decrypt_environment(&vault.entries, "production", &wrong_only).err(),
        Some(VaultError::DecryptionFailed)
    );
    Ok(())
}

#[test]
fn vault_refuses_keys_for_other_environments() -> TestResult {
    let vault = vault_fixture()?;
    let staging = vault::parse_dotenv_key(vault.uri("staging")?)?;
    assert_eq!(
        vault::decrypt_environment(&vault.entries, "production", &staging).err(),
        Some(VaultError::NoKeyForEnvironment {
            environment: "production".to_owned(),
            key_environments: vec!["staging".to_owned()],
        })
    );
    assert_eq!(
        vault::decrypt_environment(&vault.entries, "preview", &staging).err(),
        Some(VaultError::EnvironmentNotInVault {
            environment: "preview".to_owned(),
            available: vec![
                "development".to_owned(),
                "production".to_owned(),
                "staging".to_owned()
            ],
        })
    );
    Ok(())
}

#[test]
fn vault_tampered_or_truncated_blobs_never_decrypt() -> TestResult {
    let vault = vault_fixture()?;
    let keys = vault::parse_dotenv_key(vault.uri("production")?)?;
    let blob = vault.blob("production")?;
    for index in 0..blob.len() {
        let mut flipped = blob.clone();
        flipped[index] ^= 0x01;
        let result = vault::decrypt(&Secret::new(STANDARD.encode(&flipped)), &keys[0]);
        assert_eq!(
            result.err(),
            Some(VaultError::DecryptionFailed),
            "byte {index}"
        );
    }
    for len in 0..blob.len() {
        let result = vault::decrypt(&Secret::new(STANDARD.encode(&blob[..len])), &keys[0]);
        let expected = if len < 28 {
            VaultError::TooShort
        } else {
            VaultError::DecryptionFailed
        };
        assert_eq!(result.err(), Some(expected), "length {len}");
    }
    Ok(())
}

#[test]
fn dotenvx_key_names_and_public_key_match_the_file() -> TestResult {
    let fx = dotenvx_fixture()?;
    let keys = fx.keys()?;
    assert_eq!(keys.len(), 1);
    let header = dotenvx::public_key_name(".env.production");
    assert_eq!(header, "DOTENV_PUBLIC_KEY_PRODUCTION");
    assert_eq!(dotenvx::public_key_hex(&keys[0]), get(&fx.file, &header)?);
    assert_eq!(
        dotenvx::private_key_name_for_public(&header).as_deref(),
        Some("DOTENV_PRIVATE_KEY_PRODUCTION")
    );
    Ok(())
}

#[test]
fn dotenvx_decrypts_every_value() -> TestResult {
    let fx = dotenvx_fixture()?;
    let keys = fx.keys()?;
    let mut decrypted = Vec::new();
    for (name, value) in &fx.file {
        if name.starts_with("DOTENV_PUBLIC_KEY") {
            assert!(!dotenvx::is_encrypted(value.expose()));
            continue;
        }
        assert!(dotenvx::is_encrypted(value.expose()), "{name}");
        decrypted.push((name.clone(), dotenvx::decrypt_value(value.expose(), &keys)?));
    }
    assert_eq!(as_pairs(&decrypted), DOTENVX_EXPECTED);
    Ok(())
}

#[test]
fn dotenvx_rotation_first_key_wrong_second_right() -> TestResult {
    let fx = dotenvx_fixture()?;
    let vault = vault_fixture()?;
    // Any other valid scalar is a wrong key: reuse a vault key's hex.
    let wrong_hex = vault.key_hex("staging")?;
    let rotated = dotenvx::parse_private_keys(&format!("{wrong_hex},{}", fx.private_hex))?;
    let token = get(&fx.file, "API_TOKEN")?;
    assert_eq!(
        dotenvx::decrypt_value(token, &rotated)?.expose(),
        "CANARY-DOTENVX-PROD-2"
    );
    let wrong = dotenvx::parse_private_keys(&wrong_hex)?;
    assert_eq!(
        dotenvx::decrypt_value(token, &wrong).err(),
        Some(DotenvxError::DecryptionFailed)
    );
    Ok(())
}

#[test]
fn dotenvx_tampered_or_truncated_values_never_decrypt() -> TestResult {
    let fx = dotenvx_fixture()?;
    let keys = fx.keys()?;
    for name in ["API_TOKEN", "EMPTY_ONE"] {
        let blob = fx.blob(name)?;
        for index in 0..blob.len() {
            let mut flipped = blob.clone();
            flipped[index] ^= 0x01;
            let result = dotenvx::decrypt_value(&encode_dotenvx(&flipped), &keys);
            assert!(
                matches!(
                    result,
                    Err(DotenvxError::DecryptionFailed | DotenvxError::BadEphemeralKey)
                ),
                "{name} byte {index}: {result:?}"
            );
        }
        for len in 0..blob.len() {
            let result = dotenvx::decrypt_value(&encode_dotenvx(&blob[..len]), &keys);
            let expected = if len < 97 {
                DotenvxError::TooShort
            } else {
                DotenvxError::DecryptionFailed
            };
            assert_eq!(result.err(), Some(expected), "{name} length {len}");
        }
    }
    Ok(())
}

/// Every error variant, the keys and the decrypted secrets, formatted every way, hold no key
/// hex, no ciphertext and no plaintext canary.
#[test]
fn nothing_formatted_leaks_keys_ciphertext_or_plaintext() -> TestResult {
    let vault = vault_fixture()?;
    let fx = dotenvx_fixture()?;

    let mut forbidden: Vec<String> = vec!["CANARY".to_owned(), fx.private_hex.clone()];
    for environment in ["development", "production", "staging"] {
        forbidden.push(vault.key_hex(environment)?);
        forbidden.push(vault.uri(environment)?.to_owned());
        let encoded = get(
            &vault.entries,
            &format!("DOTENV_VAULT_{}", environment.to_uppercase()),
        )?;
        forbidden.push(encoded[..16].to_owned());
    }
    for (name, value) in &fx.file {
        if let Some(encoded) = value.expose().strip_prefix("encrypted:") {
            forbidden.push(encoded[..16].to_owned());
        } else {
            assert!(name.starts_with("DOTENV_PUBLIC_KEY"));
        }
    }
    // Decimal renderings of the first key bytes, as a derived Debug of a byte array would show.
    for hex in [fx.private_hex.as_str(), &vault.key_hex("production")?] {
        let bytes: Vec<String> = (0..4)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map(|b| b.to_string()))
            .collect::<Result<_, _>>()?;
        forbidden.push(format!("[{}", bytes.join(", ")));
    }

    let mut texts: Vec<String> = Vec::new();
    let mut add = |text: String| texts.push(text);

    // Errors from real failing calls.
    let production = vault::parse_dotenv_key(vault.uri("production")?)?;
    let wrong = vault::parse_dotenv_key(&vault.wrong_production_uri()?)?;
    let staging = vault::parse_dotenv_key(vault.uri("staging")?)?;
    let mut vault_errors: Vec<VaultError> = vec![
        VaultError::BadUri {
            position: 1,
            problem: UriProblem::Empty,
        },
        VaultError::BadBase64,
        VaultError::TooShort,
        VaultError::DecryptionFailed,
        VaultError::EnvironmentNotInVault {
            environment: "preview".to_owned(),
            available: vault::environments(&vault.entries),
        },
        VaultError::NoKeyForEnvironment {
            environment: "production".to_owned(),
            key_environments: vec!["staging".to_owned()],
        },
    ];
    let prod_uri = vault.uri("production")?;
    let hex = vault.key_hex("production")?;
    let bad_uris = [
        prod_uri.replacen("dotenv://", "https://", 1),
        prod_uri.replace(&format!(":key_{hex}"), ""),
        prod_uri.replace(&hex, &hex[1..]),
        prod_uri.replace(&hex, &format!("{}x", &hex[1..])),
        prod_uri.replace("?environment=production", ""),
        format!("{prod_uri},"),
        " , ".to_owned(),
    ];
    for uri in &bad_uris {
        if let Err(err) = vault::parse_dotenv_key(uri) {
            vault_errors.push(err);
        }
    }
    let blob = vault.blob("production")?;
    let mut flipped = blob.clone();
    flipped[20] ^= 0x80;
    for attempt in [
        vault::decrypt_environment(&vault.entries, "production", &wrong),
        vault::decrypt_environment(&vault.entries, "production", &staging),
        vault::decrypt_environment(&vault.entries, "preview", &production),
        vault::decrypt(&Secret::new(STANDARD.encode(&flipped)), &production[0]),
        vault::decrypt(&Secret::new(STANDARD.encode(&blob[..20])), &production[0]),
        vault::decrypt(
            &Secret::new(format!("!{}", STANDARD.encode(&blob))),
            &production[0],
        ),
    ] {
        if let Err(err) = attempt {
            vault_errors.push(err);
        }
    }
    assert!(vault_errors.len() >= 15, "{vault_errors:?}");
    for err in &vault_errors {
        add(format!("{err}"));
        add(format!("{err:?}"));
        add(format!("{err:#?}"));
    }

    let keys = fx.keys()?;
    let wrong_keys = dotenvx::parse_private_keys(&vault.key_hex("staging")?)?;
    let token = get(&fx.file, "API_TOKEN")?;
    let token_blob = fx.blob("API_TOKEN")?;
    let mut dotenvx_errors: Vec<DotenvxError> = vec![
        DotenvxError::NoPrivateKeys,
        DotenvxError::KeyNotHex { position: 1 },
        DotenvxError::InvalidKey { position: 1 },
        DotenvxError::NotEncrypted,
        DotenvxError::BadBase64,
        DotenvxError::TooShort,
        DotenvxError::BadEphemeralKey,
        DotenvxError::DecryptionFailed,
    ];
    for attempt in [
        dotenvx::parse_private_keys(&fx.private_hex[1..]).map(|_| ()),
        dotenvx::parse_private_keys(&"0".repeat(64)).map(|_| ()),
        dotenvx::parse_private_keys("").map(|_| ()),
    ] {
        if let Err(err) = attempt {
            dotenvx_errors.push(err);
        }
    }
    let mut off_curve = token_blob.clone();
    off_curve[64] ^= 0x01;
    let mut tampered = token_blob.clone();
    tampered[100] ^= 0x01;
    for attempt in [
        dotenvx::decrypt_value(token, &wrong_keys),
        dotenvx::decrypt_value(token, &[]),
        dotenvx::decrypt_value(&token["encrypted:".len()..], &keys),
        dotenvx::decrypt_value(&format!("{token}!"), &keys),
        dotenvx::decrypt_value(&encode_dotenvx(&token_blob[..90]), &keys),
        dotenvx::decrypt_value(&encode_dotenvx(&off_curve), &keys),
        dotenvx::decrypt_value(&encode_dotenvx(&tampered), &keys),
    ] {
        if let Err(err) = attempt {
            dotenvx_errors.push(err);
        }
    }
    assert!(dotenvx_errors.len() >= 18, "{dotenvx_errors:?}");
    for err in &dotenvx_errors {
        add(format!("{err}"));
        add(format!("{err:?}"));
        add(format!("{err:#?}"));
    }

    // Keys and decrypted values.
    let all_vault_keys: Vec<VaultKey> = [production, wrong, staging].concat();
    add(format!("{all_vault_keys:?}"));
    add(format!("{all_vault_keys:#?}"));
    add(format!("{keys:?}"));
    add(format!("{keys:#?}"));
    let plaintext = vault::decrypt_environment(&vault.entries, "production", &all_vault_keys)?;
    assert!(plaintext.expose().contains("CANARY-VAULT-PROD-2"));
    add(format!("{plaintext} {plaintext:?} {plaintext:#?}"));
    let value = dotenvx::decrypt_value(token, &keys)?;
    assert_eq!(value.expose(), "CANARY-DOTENVX-PROD-2");
    add(format!(
        "{value} {value:?} {:?}",
        Ok::<_, DotenvxError>(value.clone())
    ));

    // On failure, name the positions only: printing the text would print the secret.
    for (t, text) in texts.iter().enumerate() {
        for (n, needle) in forbidden.iter().enumerate() {
            assert!(
                !text.contains(needle.as_str()),
                "formatted text {t} contains forbidden string {n}"
            );
        }
    }
    Ok(())
}
