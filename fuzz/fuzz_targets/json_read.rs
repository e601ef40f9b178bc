//! JSON environment dumps from arbitrary text: never a panic, lines inside the file.
#![no_main]

use envcheck::sources::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match json::read("env.json", text) {
        Ok(source) => {
            let lines = text.split(['\n', '\r']).count();
            for provided in &source.provided {
                assert!(provided.line <= lines);
            }
        }
        Err(e) => assert!(e.line.is_none_or(|l| l >= 1)),
    }
});
