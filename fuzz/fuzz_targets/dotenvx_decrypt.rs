//! dotenvx `encrypted:` values from arbitrary text, and private-key lists. Never a panic; a value
//! that is not a real ciphertext for the key never decrypts.
#![no_main]

use envcheck::sources::dotenvx;
use libfuzzer_sys::fuzz_target;

const PRIVATE: &str = "ec9e80073d7ace817d35acb8b7293cbf8e5981b4d2f5708ee5be405122993cd1";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dotenvx::is_encrypted(&text);
    let _ = dotenvx::parse_private_keys(&text);
    let _ = dotenvx::private_key_name(&text);
    let Ok(keys) = dotenvx::parse_private_keys(PRIVATE) else {
        return;
    };
    let value = if text.starts_with("encrypted:") {
        text.to_string()
    } else {
        format!("encrypted:{text}")
    };
    assert!(dotenvx::decrypt_value(&value, &keys).is_err());
});
