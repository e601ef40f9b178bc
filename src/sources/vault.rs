//! dotenv-vault `.env.vault` files: `DOTENV_VAULT_<ENV>="<base64>"` entries, each an AES-256-GCM
//! blob (`12-byte nonce ‖ ciphertext ‖ 16-byte tag`, no associated data) whose plaintext is dotenv
//! text. The key comes from a `DOTENV_KEY` URI
//! (`dotenv://:key_<64 hex>@host/vault/.env.vault?environment=production`); several URIs,
//! comma-separated, are tried in order (key rotation).
//!
//! Pure: no I/O. Keys, blobs and plaintext never reach an error message or `Debug` output.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;

use crate::secret::Secret;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const ENTRY_PREFIX: &str = "DOTENV_VAULT_";
const VERSION_SUFFIX: &str = "_VERSION";

/// One decryption key from `DOTENV_KEY`, bound to the environment its URI names.
#[derive(Clone)]
pub struct VaultKey {
    /// The `environment` query parameter, as written in the URI.
    pub environment: String,
    key: [u8; 32],
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultKey")
            .field("environment", &self.environment)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// What is wrong with one `DOTENV_KEY` URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriProblem {
    /// The list holds no URI at all.
    Empty,
    /// The URI does not start with `dotenv://`.
    Scheme,
    /// No `:password@` part.
    MissingPassword,
    /// The password does not end in 64 hex characters.
    KeyNotHex,
    /// No non-empty `environment` query parameter.
    MissingEnvironment,
    /// The `environment` parameter holds more than a name.
    BadEnvironment,
}

impl fmt::Display for UriProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UriProblem::Empty => "it is empty",
            UriProblem::Scheme => "it does not start with `dotenv://`",
            UriProblem::MissingPassword => {
                "it has no key (expected `dotenv://:key_<64 hex>@host/...`)"
            }
            UriProblem::KeyNotHex => "its key does not end in 64 hex characters",
            UriProblem::MissingEnvironment => {
                "it has no `environment` parameter (expected `?environment=<name>`)"
            }
            UriProblem::BadEnvironment => {
                "its `environment` is not a name (letters, digits, `_`, `-`, `.`)"
            }
        })
    }
}

/// Why a vault could not be read. No variant holds a key, a blob or plaintext.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// A `DOTENV_KEY` URI is malformed; `position` is 1-based within the comma-separated list.
    #[error("DOTENV_KEY URI {position} is malformed: {problem}")]
    BadUri {
        position: usize,
        problem: UriProblem,
    },
    /// The vault has no `DOTENV_VAULT_<ENV>` entry for the environment.
    #[error(
        "environment `{environment}` is not in the vault (available: {})",
        list_or_none(available)
    )]
    EnvironmentNotInVault {
        environment: String,
        available: Vec<String>,
    },
    /// No key given is for the environment.
    #[error(
        "no DOTENV_KEY is for environment `{environment}` (keys given for: {})",
        list_or_none(key_environments)
    )]
    NoKeyForEnvironment {
        environment: String,
        key_environments: Vec<String>,
    },
    /// The vault entry is not standard base64.
    #[error("the vault entry is not valid base64")]
    BadBase64,
    /// The decoded blob cannot hold a nonce and a tag.
    #[error("the vault entry is too short to be encrypted data (under {} bytes)", NONCE_LEN + TAG_LEN)]
    TooShort,
    /// Authentication failed.
    #[error("decryption failed: wrong DOTENV_KEY or corrupted vault entry")]
    DecryptionFailed,
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Parses a `DOTENV_KEY` value: one or more comma-separated URIs, kept in order.
pub fn parse_dotenv_key(uri_list: &str) -> Result<Vec<VaultKey>, VaultError> {
    let mut keys = Vec::new();
    // dotenv-vault separates URIs with commas; a URI never holds whitespace, so keys pasted one
    // per line or space-separated are split too, and never read as one URI whose environment
    // runs into the next key
    let uris = uri_list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|uri| !uri.is_empty());
    for (index, uri) in uris.enumerate() {
        let key = parse_uri(uri).map_err(|problem| VaultError::BadUri {
            position: index + 1,
            problem,
        })?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(VaultError::BadUri {
            position: 1,
            problem: UriProblem::Empty,
        });
    }
    Ok(keys)
}

fn parse_uri(uri: &str) -> Result<VaultKey, UriProblem> {
    const SCHEME: &str = "dotenv://";
    let rest = match uri.get(..SCHEME.len()) {
        Some(scheme) if scheme.eq_ignore_ascii_case(SCHEME) => &uri[SCHEME.len()..],
        _ => return Err(UriProblem::Scheme),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);

    let userinfo = match authority.rfind('@') {
        Some(at) => &authority[..at],
        None => return Err(UriProblem::MissingPassword),
    };
    let password = match userinfo.split_once(':') {
        Some((_, password)) if !password.is_empty() => password,
        _ => return Err(UriProblem::MissingPassword),
    };
    let key = password
        .len()
        .checked_sub(64)
        .and_then(|start| decode_hex_32(&password.as_bytes()[start..]))
        .ok_or(UriProblem::KeyNotHex)?;

    let query = after
        .split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    let environment = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("environment="))
        .filter(|env| !env.is_empty())
        .ok_or(UriProblem::MissingEnvironment)?;
    // the environment is printed in errors: never anything but a name
    if !environment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        return Err(UriProblem::BadEnvironment);
    }

    Ok(VaultKey {
        environment: environment.to_owned(),
        key,
    })
}

/// Decodes exactly 64 hex digits (either case) into 32 bytes.
pub(crate) fn decode_hex_32(hex: &[u8]) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// The environments a vault holds: its `DOTENV_VAULT_<ENV>` entries minus `*_VERSION` entries,
/// lower-cased, sorted, without duplicates. The bare `DOTENV_VAULT` (the vault id) is not one.
pub fn environments(vault_entries: &[(String, Secret)]) -> Vec<String> {
    let mut names: Vec<String> = vault_entries
        .iter()
        .filter_map(|(name, _)| environment_of(name))
        .map(str::to_ascii_lowercase)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn environment_of(entry_name: &str) -> Option<&str> {
    let env = entry_name.strip_prefix(ENTRY_PREFIX)?;
    if env.is_empty() || entry_name.ends_with(VERSION_SUFFIX) {
        None
    } else {
        Some(env)
    }
}

/// Decrypts one vault blob: standard base64 of `12-byte nonce ‖ ciphertext ‖ 16-byte tag`,
/// AES-256-GCM without associated data. Invalid UTF-8 in the plaintext is replaced, as dotenv
/// does.
pub fn decrypt(ciphertext_b64: &Secret, key: &VaultKey) -> Result<Secret, VaultError> {
    let blob = STANDARD_PAD_INDIFFERENT
        .decode(ciphertext_b64.expose().trim())
        .map_err(|_| VaultError::BadBase64)?;
    if blob.len() < NONCE_LEN + TAG_LEN {
        return Err(VaultError::TooShort);
    }
    let (nonce, sealed) = blob.split_at(NONCE_LEN);
    let nonce = Nonce::try_from(nonce).map_err(|_| VaultError::TooShort)?;
    let cipher = Aes256Gcm::new(&key.key.into());
    let plaintext = cipher
        .decrypt(&nonce, sealed)
        .map_err(|_| VaultError::DecryptionFailed)?;
    Ok(Secret::new(utf8_lossy(plaintext)))
}

pub(crate) fn utf8_lossy(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

/// Decrypts the entry `DOTENV_VAULT_<ENVIRONMENT>` (the last one, if repeated) with each key
/// whose environment matches (case-insensitively), in order; the first that decrypts wins.
/// When all fail, the last key's error is returned.
pub fn decrypt_environment(
    vault_entries: &[(String, Secret)],
    environment: &str,
    keys: &[VaultKey],
) -> Result<Secret, VaultError> {
    let blob = vault_entries
        .iter()
        .rev()
        .find(|(name, _)| environment_of(name).is_some_and(|e| e.eq_ignore_ascii_case(environment)))
        .map(|(_, blob)| blob)
        .ok_or_else(|| VaultError::EnvironmentNotInVault {
            environment: environment.to_owned(),
            available: environments(vault_entries),
        })?;

    let mut last_error = None;
    for key in keys
        .iter()
        .filter(|k| k.environment.eq_ignore_ascii_case(environment))
    {
        match decrypt(blob, key) {
            Ok(plaintext) => return Ok(plaintext),
            Err(err) => last_error = Some(err),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        let mut key_environments: Vec<String> =
            keys.iter().map(|k| k.environment.clone()).collect();
        key_environments.sort();
        key_environments.dedup();
        VaultError::NoKeyForEnvironment {
            environment: environment.to_owned(),
            key_environments,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    // motdotla/dotenv tests/.env.vault and tests/test-decrypt.js.
    const UPSTREAM_BLOB: &str =
        "s7NYXa809k/bVSPwIAmJhPJmEGTtU0hG58hOZy7I0ix6y5HP8LsHBsZCYC/gw5DDFy5DgOcyd18R";
    const UPSTREAM_KEY_HEX: &str =
        "ddcaa26504cd70a6fef9801901c3981538563a1767c297cb8416e8a38c62fe00";
    const UPSTREAM_PLAINTEXT: &str = "# development@v6\nALPHA=\"zeta\"";

    fn upstream_uri() -> String {
        format!(
            "dotenv://:key_{UPSTREAM_KEY_HEX}@dotenvx.com/vault/.env.vault?environment=development"
        )
    }

    fn upstream_key() -> Result<VaultKey, VaultError> {
        let mut keys = parse_dotenv_key(&upstream_uri())?;
        keys.pop().ok_or(VaultError::DecryptionFailed)
    }

    fn upstream_entries() -> Vec<(String, Secret)> {
        vec![
            ("DOTENV_VAULT".to_owned(), Secret::new("vlt_123")),
            (
                "DOTENV_VAULT_DEVELOPMENT".to_owned(),
                Secret::new(UPSTREAM_BLOB),
            ),
            (
                "DOTENV_VAULT_DEVELOPMENT_VERSION".to_owned(),
                Secret::new("6"),
            ),
        ]
    }

    fn uri_problem(uri: &str) -> Option<UriProblem> {
        match parse_dotenv_key(uri) {
            Err(VaultError::BadUri { problem, .. }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn decrypts_the_upstream_vector() -> Result<(), VaultError> {
        let key = upstream_key()?;
        assert_eq!(key.environment, "development");
        let plaintext = decrypt(&Secret::new(UPSTREAM_BLOB), &key)?;
        assert_eq!(plaintext.expose(), UPSTREAM_PLAINTEXT);
        let plaintext = decrypt_environment(&upstream_entries(), "development", &[key])?;
        assert_eq!(plaintext.expose(), UPSTREAM_PLAINTEXT);
        Ok(())
    }

    #[test]
    fn parses_several_uris_in_order() -> Result<(), VaultError> {
        let list = format!(
            " dotenv://:key_{}@dotenv.org/vault/.env.vault?environment=production , {}",
            "0".repeat(64),
            upstream_uri()
        );
        let keys = parse_dotenv_key(&list)?;
        let envs: Vec<&str> = keys.iter().map(|k| k.environment.as_str()).collect();
        assert_eq!(envs, ["production", "development"]);
        // one per line or space-separated, as keys are often pasted: each is its own URI, and no
        // environment runs into the next key (which an error would then print)
        for sep in ["\n", " ", "\r\n", ",\n"] {
            let list = format!(
                "dotenv://:key_{}@h/vault/.env.vault?environment=production{sep}{}",
                "0".repeat(64),
                upstream_uri()
            );
            let keys = parse_dotenv_key(&list)?;
            let envs: Vec<&str> = keys.iter().map(|k| k.environment.as_str()).collect();
            assert_eq!(envs, ["production", "development"], "{sep:?}");
        }
        Ok(())
    }

    #[test]
    fn key_is_the_last_64_characters_of_the_password() -> Result<(), VaultError> {
        let uri = format!("DOTENV://:key_v2_{UPSTREAM_KEY_HEX}@h?x=1&environment=development#f");
        let keys = parse_dotenv_key(&uri)?;
        let plaintext = decrypt_environment(&upstream_entries(), "DEVELOPMENT", &keys)?;
        assert_eq!(plaintext.expose(), UPSTREAM_PLAINTEXT);
        Ok(())
    }

    #[test]
    fn rejects_bad_uris_naming_the_part() {
        let hex = UPSTREAM_KEY_HEX;
        assert_eq!(uri_problem(""), Some(UriProblem::Empty));
        assert_eq!(uri_problem(" , "), Some(UriProblem::Empty));
        assert_eq!(
            uri_problem(&format!("https://:key_{hex}@h/?environment=a")),
            Some(UriProblem::Scheme)
        );
        assert_eq!(uri_problem("dotenv"), Some(UriProblem::Scheme));
        assert_eq!(
            uri_problem(&format!("dotenv://key_{hex}@h/?environment=a")),
            Some(UriProblem::MissingPassword)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{hex}/?environment=a")),
            Some(UriProblem::MissingPassword)
        );
        assert_eq!(
            uri_problem("dotenv://:@h/?environment=a"),
            Some(UriProblem::MissingPassword)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{}@h/?environment=a", &hex[1..])),
            Some(UriProblem::KeyNotHex)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{}zz@h/?environment=a", &hex[2..])),
            Some(UriProblem::KeyNotHex)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{hex}@h/vault/.env.vault")),
            Some(UriProblem::MissingEnvironment)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{hex}@h/?environment=")),
            Some(UriProblem::MissingEnvironment)
        );
        assert_eq!(
            uri_problem(&format!("dotenv://:key_{hex}@h/?environment=prod%20{hex}")),
            Some(UriProblem::BadEnvironment)
        );
    }

    #[test]
    fn bad_uri_says_which_one() {
        let list = format!("{},dotenv://nope", upstream_uri());
        assert_eq!(
            parse_dotenv_key(&list).err(),
            Some(VaultError::BadUri {
                position: 2,
                problem: UriProblem::MissingPassword
            })
        );
    }

    #[test]
    fn lists_environments() {
        let entries: Vec<(String, Secret)> = [
            "DOTENV_VAULT",
            "DOTENV_VAULT_STAGING",
            "DOTENV_VAULT_PRODUCTION_VERSION",
            "DOTENV_VAULT_PRODUCTION",
            "DOTENV_VAULT_",
            "OTHER",
            "DOTENV_VAULT_CI",
            "DOTENV_VAULT_STAGING",
        ]
        .iter()
        .map(|n| ((*n).to_owned(), Secret::new("x")))
        .collect();
        assert_eq!(environments(&entries), ["ci", "production", "staging"]);
    }

    #[test]
    fn wrong_environment_lists_the_available_ones() -> Result<(), VaultError> {
        let key = upstream_key()?;
        assert_eq!(
            decrypt_environment(&upstream_entries(), "production", &[key]).err(),
            Some(VaultError::EnvironmentNotInVault {
                environment: "production".to_owned(),
                available: vec!["development".to_owned()],
            })
        );
        Ok(())
    }

    #[test]
    fn no_key_for_the_environment() -> Result<(), VaultError> {
        let mut entries = upstream_entries();
        entries.push(("DOTENV_VAULT_CI".to_owned(), Secret::new(UPSTREAM_BLOB)));
        let key = upstream_key()?;
        assert_eq!(
            decrypt_environment(&entries, "ci", &[key]).err(),
            Some(VaultError::NoKeyForEnvironment {
                environment: "ci".to_owned(),
                key_environments: vec!["development".to_owned()],
            })
        );
        Ok(())
    }

    #[test]
    fn rotation_tries_keys_in_order() -> Result<(), VaultError> {
        let list = format!(
            "dotenv://:key_{}@h/?environment=development,{}",
            "ab".repeat(32),
            upstream_uri()
        );
        let keys = parse_dotenv_key(&list)?;
        assert_eq!(keys.len(), 2);
        let plaintext = decrypt_environment(&upstream_entries(), "development", &keys)?;
        assert_eq!(plaintext.expose(), UPSTREAM_PLAINTEXT);
        // The only matching key is wrong: the last error is reported.
        assert_eq!(
            decrypt_environment(&upstream_entries(), "development", &keys[..1]).err(),
            Some(VaultError::DecryptionFailed)
        );
        Ok(())
    }

    #[test]
    fn wrong_key_fails() -> Result<(), VaultError> {
        let keys = parse_dotenv_key(&format!(
            "dotenv://:key_{}@h/?environment=development",
            "11".repeat(32)
        ))?;
        for key in &keys {
            assert_eq!(
                decrypt(&Secret::new(UPSTREAM_BLOB), key).err(),
                Some(VaultError::DecryptionFailed)
            );
        }
        Ok(())
    }

    #[test]
    fn every_flipped_bit_fails() -> Result<(), VaultError> {
        let key = upstream_key()?;
        let blob = STANDARD_PAD_INDIFFERENT
            .decode(UPSTREAM_BLOB)
            .map_err(|_| VaultError::BadBase64)?;
        for byte in 0..blob.len() {
            for bit in 0..8 {
                let mut flipped = blob.clone();
                flipped[byte] ^= 1 << bit;
                let encoded = Secret::new(STANDARD_PAD_INDIFFERENT.encode(&flipped));
                assert_eq!(
                    decrypt(&encoded, &key).err(),
                    Some(VaultError::DecryptionFailed),
                    "byte {byte} bit {bit}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn truncated_and_malformed_blobs_fail() -> Result<(), VaultError> {
        let key = upstream_key()?;
        let blob = STANDARD_PAD_INDIFFERENT
            .decode(UPSTREAM_BLOB)
            .map_err(|_| VaultError::BadBase64)?;
        for len in 0..NONCE_LEN + TAG_LEN {
            let short = Secret::new(STANDARD_PAD_INDIFFERENT.encode(&blob[..len]));
            assert_eq!(decrypt(&short, &key).err(), Some(VaultError::TooShort));
        }
        for len in NONCE_LEN + TAG_LEN..blob.len() {
            let cut = Secret::new(STANDARD_PAD_INDIFFERENT.encode(&blob[..len]));
            assert_eq!(
                decrypt(&cut, &key).err(),
                Some(VaultError::DecryptionFailed)
            );
        }
        let not_base64 = Secret::new("not base64 at all!");
        assert_eq!(
            decrypt(&not_base64, &key).err(),
            Some(VaultError::BadBase64)
        );
        Ok(())
    }

    #[test]
    fn key_debug_is_redacted() -> Result<(), VaultError> {
        let key = upstream_key()?;
        for text in [
            format!("{key:?}"),
            format!("{key:#?}"),
            format!("{:?}", std::slice::from_ref(&key)),
        ] {
            assert!(text.contains("development"));
            assert!(!text.contains(UPSTREAM_KEY_HEX), "{text}");
            assert!(!text.contains("221"), "{text}"); // 0xdd as a decimal byte
        }
        Ok(())
    }

    #[test]
    fn errors_never_show_keys_blobs_or_plaintext() {
        let errors = [
            VaultError::BadUri {
                position: 1,
                problem: UriProblem::Empty,
            },
            VaultError::BadUri {
                position: 2,
                problem: UriProblem::Scheme,
            },
            VaultError::BadUri {
                position: 3,
                problem: UriProblem::MissingPassword,
            },
            VaultError::BadUri {
                position: 4,
                problem: UriProblem::KeyNotHex,
            },
            VaultError::BadUri {
                position: 5,
                problem: UriProblem::MissingEnvironment,
            },
            VaultError::EnvironmentNotInVault {
                environment: "production".to_owned(),
                available: vec!["development".to_owned()],
            },
            VaultError::EnvironmentNotInVault {
                environment: "production".to_owned(),
                available: vec![],
            },
            VaultError::NoKeyForEnvironment {
                environment: "ci".to_owned(),
                key_environments: vec![],
            },
            VaultError::BadBase64,
            VaultError::TooShort,
            VaultError::DecryptionFailed,
        ];
        for err in errors {
            for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
                assert!(!text.is_empty());
                for secret in [UPSTREAM_KEY_HEX, UPSTREAM_BLOB, "zeta", "ALPHA"] {
                    assert!(!text.contains(secret), "{text}");
                }
            }
        }
    }
}
