//! `.env.vault`: `DOTENV_KEY` URI lists and blobs from arbitrary text. Never a panic; a blob that
//! is not a real ciphertext under the key never decrypts.
#![no_main]

use envcheck::secret::Secret;
use envcheck::sources::vault;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "dotenv://:key_0000000000000000000000000000000000000000000000000000000000000001@dotenv.local/vault/.env.vault?environment=production";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // the input as a key list
    if let Ok(keys) = vault::parse_dotenv_key(&text) {
        assert!(!keys.is_empty());
        for key in &keys {
            assert!(!key.environment.is_empty());
        }
    }
    // the input as a blob (and as a vault file) under a fixed key
    let Ok(keys) = vault::parse_dotenv_key(KEY) else {
        return;
    };
    let blob = Secret::new(text.as_ref());
    // AES-GCM: forging a tag for a fixed key is out of reach of a fuzzer; Ok would be a bug
    assert!(vault::decrypt(&blob, &keys[0]).is_err());
    let file = envcheck::sources::dotenv::parse(&text);
    let entries: Vec<(String, Secret)> = file
        .entries
        .iter()
        .filter_map(|e| e.value.clone().map(|v| (e.key.clone(), v)))
        .collect();
    let _ = vault::environments(&entries);
    assert!(vault::decrypt_environment(&entries, "production", &keys).is_err());
});
