//! The TypeScript/TSX/JavaScript extractor and its frameworks (envalid, t3-env, zod, Vite) on
//! arbitrary bytes: never a panic, never a stack overflow, positions inside the file. The first
//! byte picks the grammar.
#![no_main]

use std::cell::RefCell;

use envcheck::extract;
use envcheck::lang::{Language, Parsers};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PARSERS: RefCell<Parsers> = RefCell::new(Parsers::default());
}

fuzz_target!(|data: &[u8]| {
    let Some((first, src)) = data.split_first() else {
        return;
    };
    let language = match first % 3 {
        0 => Language::TypeScript,
        1 => Language::Tsx,
        _ => Language::JavaScript,
    };
    PARSERS.with_borrow_mut(|parsers| {
        let facts = extract::extract(language, src, parsers);
        let lines = src.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() + 1;
        for read in &facts.reads {
            assert!(read.position.line >= 1 && read.position.line <= lines);
        }
        for dynamic in &facts.dynamic {
            assert!(dynamic.position.line >= 1 && dynamic.position.line <= lines);
        }
    });
});
