//! dotenvx-encrypted values: `KEY="encrypted:<base64>"` in an ordinary dotenv file, decrypted
//! with a secp256k1 private key from `DOTENV_PRIVATE_KEY[_ENV]`.
//!
//! The blob is eciesjs's layout: `65-byte uncompressed ephemeral public key E ‖ 16-byte nonce ‖
//! 16-byte tag ‖ ciphertext`. The shared point is `S = d·E`; the AES key is
//! `HKDF-SHA256(ikm = E ‖ S, both uncompressed; no salt, no info)`, 32 bytes; the cipher is
//! AES-256-GCM with the 16-byte nonce and no associated data.
//!
//! Pure: no I/O. Keys, ciphertext and plaintext never reach an error message or `Debug` output.

use std::fmt;

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use hkdf::Hkdf;
use k256::elliptic_curve::sec1::ToSec1Point;
use k256::{ProjectivePoint, PublicKey, SecretKey};
use sha2::Sha256;

use super::vault::{decode_hex_32, utf8_lossy};
use crate::secret::Secret;

const PREFIX: &str = "encrypted:";
const EPHEMERAL_LEN: usize = 65;
const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = EPHEMERAL_LEN + NONCE_LEN + TAG_LEN;

/// AES-256-GCM with eciesjs's 16-byte nonce.
type Aes256Gcm16 = AesGcm<Aes256, U16>;

/// A dotenvx private key (a secp256k1 scalar). `Debug` never shows it.
#[derive(Clone)]
pub struct PrivateKey(SecretKey);

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

/// Why a dotenvx value or key could not be used. No variant holds a key, ciphertext or
/// plaintext.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DotenvxError {
    /// The private key list holds no key.
    #[error("no private key given")]
    NoPrivateKeys,
    /// A private key is not 64 hex characters; `position` is 1-based within the list.
    #[error("private key {position} is not 64 hex characters")]
    KeyNotHex { position: usize },
    /// A private key is 64 hex characters but not a valid secp256k1 scalar (zero or too large).
    #[error("private key {position} is not a valid secp256k1 private key")]
    InvalidKey { position: usize },
    /// The value does not start with `encrypted:`.
    #[error("the value is not dotenvx-encrypted (no `encrypted:` prefix)")]
    NotEncrypted,
    /// The part after `encrypted:` is not standard base64.
    #[error("the encrypted value is not valid base64")]
    BadBase64,
    /// The decoded blob cannot hold an ephemeral key, a nonce and a tag.
    #[error("the encrypted value is too short to be dotenvx data (under {HEADER_LEN} bytes)")]
    TooShort,
    /// The ephemeral public key is not an uncompressed secp256k1 point.
    #[error("the encrypted value is malformed (its ephemeral key is not a secp256k1 point)")]
    BadEphemeralKey,
    /// Authentication failed with every key.
    #[error("decryption failed: wrong private key or corrupted value")]
    DecryptionFailed,
}

/// Whether a value is dotenvx-encrypted.
pub fn is_encrypted(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// The name of the private key for an env file, as dotenvx derives it from the file name:
/// `.env` → `DOTENV_PRIVATE_KEY`, `.env.production` → `DOTENV_PRIVATE_KEY_PRODUCTION`,
/// `.env.a.b` → `DOTENV_PRIVATE_KEY_A_B` (at most two parts; a `.txt` suffix is dropped).
/// A `DOTENV_PUBLIC_KEY*` entry in the file takes precedence: see
/// [`private_key_name_for_public`].
pub fn private_key_name(file_name: &str) -> String {
    key_name("DOTENV_PRIVATE_KEY", file_name)
}

/// The name of the public key entry dotenvx writes into an env file; see [`private_key_name`].
pub fn public_key_name(file_name: &str) -> String {
    key_name("DOTENV_PUBLIC_KEY", file_name)
}

/// The private key name that goes with a `DOTENV_PUBLIC_KEY*` entry name, or `None` when the
/// name is not one.
pub fn private_key_name_for_public(public_key_name: &str) -> Option<String> {
    public_key_name
        .strip_prefix("DOTENV_PUBLIC_KEY")
        .map(|suffix| format!("DOTENV_PRIVATE_KEY{suffix}"))
}

fn key_name(prefix: &str, file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let mut base = base.to_lowercase();
    if base.starts_with(".env") && base.ends_with(".txt") {
        base.truncate(base.len() - ".txt".len());
    }
    if base == ".env" {
        return prefix.to_owned();
    }
    let parts: Vec<&str> = base.split('.').skip(2).collect();
    let environment = match parts.as_slice() {
        [] => base.replacen(".env", "development", 1),
        [one] => (*one).to_owned(),
        [first, second, ..] => format!("{first}_{second}"),
    };
    format!("{prefix}_{}", environment.to_uppercase())
}

/// Parses a `DOTENV_PRIVATE_KEY*` value: one or more comma-separated 64-hex keys, kept in order
/// (key rotation). Blank entries are skipped.
pub fn parse_private_keys(s: &str) -> Result<Vec<PrivateKey>, DotenvxError> {
    let mut keys = Vec::new();
    for (index, hex) in s.split(',').map(str::trim).enumerate() {
        if hex.is_empty() {
            continue;
        }
        let position = index + 1;
        let bytes = decode_hex_32(hex.as_bytes()).ok_or(DotenvxError::KeyNotHex { position })?;
        let key =
            SecretKey::from_slice(&bytes).map_err(|_| DotenvxError::InvalidKey { position })?;
        keys.push(PrivateKey(key));
    }
    if keys.is_empty() {
        return Err(DotenvxError::NoPrivateKeys);
    }
    Ok(keys)
}

/// The compressed public key (66 lower-case hex characters), as in `DOTENV_PUBLIC_KEY*`.
pub fn public_key_hex(key: &PrivateKey) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let point = key.0.public_key().to_sec1_point(true);
    let mut hex = String::with_capacity(2 * point.len());
    for byte in point.as_bytes() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Decrypts an `encrypted:<base64>` value with each key in order; the first that decrypts wins.
/// Invalid UTF-8 in the plaintext is replaced.
pub fn decrypt_value(value: &str, keys: &[PrivateKey]) -> Result<Secret, DotenvxError> {
    let encoded = value
        .strip_prefix(PREFIX)
        .ok_or(DotenvxError::NotEncrypted)?;
    if keys.is_empty() {
        return Err(DotenvxError::NoPrivateKeys);
    }
    let blob = STANDARD_PAD_INDIFFERENT
        .decode(encoded.trim())
        .map_err(|_| DotenvxError::BadBase64)?;
    if blob.len() < HEADER_LEN {
        return Err(DotenvxError::TooShort);
    }
    let (ephemeral, rest) = blob.split_at(EPHEMERAL_LEN);
    let (nonce, rest) = rest.split_at(NONCE_LEN);
    let (tag, ciphertext) = rest.split_at(TAG_LEN);

    // Only the uncompressed form is valid here; `from_sec1_bytes` alone also takes a 65-byte
    // hybrid encoding.
    if ephemeral[0] != 0x04 {
        return Err(DotenvxError::BadEphemeralKey);
    }
    let ephemeral_point =
        PublicKey::from_sec1_bytes(ephemeral).map_err(|_| DotenvxError::BadEphemeralKey)?;
    let nonce = Nonce::<U16>::try_from(nonce).map_err(|_| DotenvxError::TooShort)?;
    let tag = Tag::try_from(tag).map_err(|_| DotenvxError::TooShort)?;

    for key in keys {
        let shared = (ProjectivePoint::from(*ephemeral_point.as_affine())
            * *key.0.to_nonzero_scalar())
        .to_affine()
        .to_sec1_point(false);
        let mut ikm = Vec::with_capacity(2 * EPHEMERAL_LEN);
        ikm.extend_from_slice(ephemeral);
        ikm.extend_from_slice(shared.as_bytes());
        let mut aes_key = [0u8; 32];
        Hkdf::<Sha256>::new(None, &ikm)
            .expand(&[], &mut aes_key)
            .map_err(|_| DotenvxError::DecryptionFailed)?;
        ikm.fill(0);

        let cipher = Aes256Gcm16::new(&aes_key.into());
        aes_key.fill(0);
        let mut buffer = ciphertext.to_vec();
        if cipher
            .decrypt_inout_detached(&nonce, &[], buffer.as_mut_slice().into(), &tag)
            .is_ok()
        {
            return Ok(Secret::new(utf8_lossy(buffer)));
        }
    }
    Err(DotenvxError::DecryptionFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    // dotenvx/dotenvx tests/monorepo/apps/encrypted/.
    const UPSTREAM_PUBLIC: &str =
        "03eaf2142ab3d55bdf108962334e06696db798e7412cfc51d75e74b4f87f299bba";
    const UPSTREAM_PRIVATE: &str =
        "ec9e80073d7ace817d35acb8b7293cbf8e5981b4d2f5708ee5be405122993cd1";
    const UPSTREAM_VALUE: &str = "encrypted:BG8M6U+GKJGwpGA42ml2erb9+T2NBX6Z2JkBLynDy21poz0UfF5aPxCgRbIyhnQFdWKd0C9GZ7lM5PeL86xghoMcWvvPpkyQ0yaD2pZ64RzoxFGB1lTZYlEgQOxTDJnWxODHfuQcFY10uA==";
    const OTHER_PRIVATE: &str = "1111111111111111111111111111111111111111111111111111111111111111";

    fn upstream_blob() -> Result<Vec<u8>, DotenvxError> {
        STANDARD_PAD_INDIFFERENT
            .decode(&UPSTREAM_VALUE[PREFIX.len()..])
            .map_err(|_| DotenvxError::BadBase64)
    }

    fn encode(blob: &[u8]) -> String {
        format!("{PREFIX}{}", STANDARD_PAD_INDIFFERENT.encode(blob))
    }

    #[test]
    fn decrypts_the_upstream_vector() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(UPSTREAM_PRIVATE)?;
        assert_eq!(public_key_hex(&keys[0]), UPSTREAM_PUBLIC);
        assert_eq!(decrypt_value(UPSTREAM_VALUE, &keys)?.expose(), "encrypted");
        let upper = parse_private_keys(&UPSTREAM_PRIVATE.to_uppercase())?;
        assert_eq!(decrypt_value(UPSTREAM_VALUE, &upper)?.expose(), "encrypted");
        Ok(())
    }

    #[test]
    fn detects_encrypted_values() {
        assert!(is_encrypted(UPSTREAM_VALUE));
        assert!(is_encrypted("encrypted:"));
        assert!(!is_encrypted("plain"));
        assert!(!is_encrypted(" encrypted:x"));
        assert!(!is_encrypted("ENCRYPTED:x"));
        assert_eq!(
            decrypt_value("plain", &[]).err(),
            Some(DotenvxError::NotEncrypted)
        );
    }

    #[test]
    fn key_names_follow_the_file_name() {
        let cases = [
            (".env", "DOTENV_PRIVATE_KEY", "DOTENV_PUBLIC_KEY"),
            (
                ".env.production",
                "DOTENV_PRIVATE_KEY_PRODUCTION",
                "DOTENV_PUBLIC_KEY_PRODUCTION",
            ),
            (
                ".env.a.b",
                "DOTENV_PRIVATE_KEY_A_B",
                "DOTENV_PUBLIC_KEY_A_B",
            ),
            (
                ".env.a.b.c",
                "DOTENV_PRIVATE_KEY_A_B",
                "DOTENV_PUBLIC_KEY_A_B",
            ),
            (
                "apps/web/.env.Staging",
                "DOTENV_PRIVATE_KEY_STAGING",
                "DOTENV_PUBLIC_KEY_STAGING",
            ),
            (
                ".env.production.txt",
                "DOTENV_PRIVATE_KEY_PRODUCTION",
                "DOTENV_PUBLIC_KEY_PRODUCTION",
            ),
            (".env.txt", "DOTENV_PRIVATE_KEY", "DOTENV_PUBLIC_KEY"),
            (
                ".env1",
                "DOTENV_PRIVATE_KEY_DEVELOPMENT1",
                "DOTENV_PUBLIC_KEY_DEVELOPMENT1",
            ),
        ];
        for (file, private, public) in cases {
            assert_eq!(private_key_name(file), private, "{file}");
            assert_eq!(public_key_name(file), public, "{file}");
            assert_eq!(
                private_key_name_for_public(public).as_deref(),
                Some(private),
                "{file}"
            );
        }
        assert_eq!(private_key_name_for_public("DATABASE_URL"), None);
    }

    #[test]
    fn parses_key_lists() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(&format!(" {OTHER_PRIVATE} ,{UPSTREAM_PRIVATE},"))?;
        assert_eq!(keys.len(), 2);
        assert_eq!(public_key_hex(&keys[1]), UPSTREAM_PUBLIC);
        assert_eq!(
            parse_private_keys(" , ").err(),
            Some(DotenvxError::NoPrivateKeys)
        );
        assert_eq!(
            parse_private_keys(&format!("{UPSTREAM_PRIVATE},{}", &UPSTREAM_PRIVATE[1..])).err(),
            Some(DotenvxError::KeyNotHex { position: 2 })
        );
        assert_eq!(
            parse_private_keys(&format!("{}g", &UPSTREAM_PRIVATE[1..])).err(),
            Some(DotenvxError::KeyNotHex { position: 1 })
        );
        assert_eq!(
            parse_private_keys(&"0".repeat(64)).err(),
            Some(DotenvxError::InvalidKey { position: 1 })
        );
        assert_eq!(
            parse_private_keys(&"f".repeat(64)).err(),
            Some(DotenvxError::InvalidKey { position: 1 })
        );
        Ok(())
    }

    #[test]
    fn rotation_tries_keys_in_order() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(&format!("{OTHER_PRIVATE},{UPSTREAM_PRIVATE}"))?;
        assert_eq!(decrypt_value(UPSTREAM_VALUE, &keys)?.expose(), "encrypted");
        Ok(())
    }

    #[test]
    fn wrong_key_or_no_key_fails() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(OTHER_PRIVATE)?;
        assert_eq!(
            decrypt_value(UPSTREAM_VALUE, &keys).err(),
            Some(DotenvxError::DecryptionFailed)
        );
        assert_eq!(
            decrypt_value(UPSTREAM_VALUE, &[]).err(),
            Some(DotenvxError::NoPrivateKeys)
        );
        Ok(())
    }

    #[test]
    fn every_flipped_bit_fails() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(UPSTREAM_PRIVATE)?;
        let blob = upstream_blob()?;
        for byte in 0..blob.len() {
            for bit in 0..8 {
                let mut flipped = blob.clone();
                flipped[byte] ^= 1 << bit;
                let result = decrypt_value(&encode(&flipped), &keys);
                assert!(
                    matches!(
                        result,
                        Err(DotenvxError::DecryptionFailed | DotenvxError::BadEphemeralKey)
                    ),
                    "byte {byte} bit {bit}: {result:?}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn truncated_and_malformed_values_fail() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(UPSTREAM_PRIVATE)?;
        let blob = upstream_blob()?;
        for len in 0..HEADER_LEN {
            assert_eq!(
                decrypt_value(&encode(&blob[..len]), &keys).err(),
                Some(DotenvxError::TooShort),
                "{len}"
            );
        }
        for len in HEADER_LEN..blob.len() {
            assert_eq!(
                decrypt_value(&encode(&blob[..len]), &keys).err(),
                Some(DotenvxError::DecryptionFailed),
                "{len}"
            );
        }
        assert_eq!(
            decrypt_value("encrypted:not base64!", &keys).err(),
            Some(DotenvxError::BadBase64)
        );
        let mut compressed_prefix = blob.clone();
        compressed_prefix[0] = 0x02;
        assert_eq!(
            decrypt_value(&encode(&compressed_prefix), &keys).err(),
            Some(DotenvxError::BadEphemeralKey)
        );
        let mut off_curve = blob;
        off_curve[64] ^= 1;
        assert_eq!(
            decrypt_value(&encode(&off_curve), &keys).err(),
            Some(DotenvxError::BadEphemeralKey)
        );
        Ok(())
    }

    #[test]
    fn key_debug_is_redacted() -> Result<(), DotenvxError> {
        let keys = parse_private_keys(UPSTREAM_PRIVATE)?;
        for text in [format!("{keys:?}"), format!("{keys:#?}")] {
            assert!(text.contains("<redacted>"));
            assert!(!text.contains(UPSTREAM_PRIVATE), "{text}");
            assert!(!text.contains("236"), "{text}"); // 0xec as a decimal byte
        }
        Ok(())
    }

    #[test]
    fn errors_never_show_keys_ciphertext_or_plaintext() {
        let errors = [
            DotenvxError::NoPrivateKeys,
            DotenvxError::KeyNotHex { position: 1 },
            DotenvxError::InvalidKey { position: 2 },
            DotenvxError::NotEncrypted,
            DotenvxError::BadBase64,
            DotenvxError::TooShort,
            DotenvxError::BadEphemeralKey,
            DotenvxError::DecryptionFailed,
        ];
        let ciphertext = &UPSTREAM_VALUE[PREFIX.len()..];
        for err in errors {
            for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
                assert!(!text.is_empty());
                for secret in [UPSTREAM_PRIVATE, ciphertext, &ciphertext[..16]] {
                    assert!(!text.contains(secret), "{text}");
                }
            }
        }
    }
}
