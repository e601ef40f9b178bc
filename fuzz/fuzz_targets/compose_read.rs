//! Compose files from arbitrary text: never a panic, bounded work (aliases, merge keys, nesting).
#![no_main]

use envcheck::sources::compose;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = compose::read("compose.yaml", text, None);
    let _ = compose::read("compose.yaml", text, Some("web"));
});
