//! The dotenv parser and expander on arbitrary bytes: never a panic, every entry and error at a
//! 1-based position, and expansion bounded.
#![no_main]

use envcheck::sources::dotenv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = dotenv::parse_bytes(data);
    for entry in file.entries.iter().chain(&file.commented) {
        assert!(entry.line >= 1 && entry.column >= 1 && entry.end_line >= entry.line);
    }
    for error in &file.errors {
        assert!(error.line >= 1 && error.column >= 1);
    }
    let _ = dotenv::expand(&file);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = dotenv::expand(&dotenv::parse(text));
    }
});
