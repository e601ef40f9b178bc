//! dotenvx `encrypted:` values from arbitrary text, and private-key lists. Never a panic; a value
//! that is not a real ciphertext for the key never decrypts.
#![no_main]

use envcheck::sources::dotenvx;
use libfuzzer_sys::fuzz_target;

/// Not the key of the seed value (dotenvx's upstream test vector): with it, a mutated seed that
/// still decoded to the same blob would decrypt, legitimately.
const PRIVATE: &str = "1111111111111111111111111111111111111111111111111111111111111111";

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
