//! The Python extractor (tree-sitter parse, query, frameworks, project pass) on arbitrary bytes:
//! never a panic, never a stack overflow, positions inside the file.
#![no_main]

use std::cell::RefCell;

use envcheck::extract::{self, python};
use envcheck::lang::{Language, Parsers};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PARSERS: RefCell<Parsers> = RefCell::new(Parsers::default());
}

fuzz_target!(|data: &[u8]| {
    PARSERS.with_borrow_mut(|parsers| {
        let mut facts = extract::extract(Language::Python, data, parsers);
        let lines = data.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() + 1;
        for read in &facts.reads {
            assert!(read.position.line >= 1 && read.position.line <= lines);
        }
        // the project pass, with the file as two modules that may import each other
        let mut other = facts.clone();
        let mut files = vec![("app/settings.py", &mut facts), ("app/main.py", &mut other)];
        python::project::resolve(&mut files);
    });
});
