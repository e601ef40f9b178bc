//! Emitters: each output format writes to a `&mut dyn Write`; the library never prints.

pub mod check;
pub mod github;
pub mod gitlab;
pub mod markdown;
pub mod sarif;
pub mod scan;

mod fingerprint;

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a log as it is: control characters (a newline would
/// start a line of its own, where a CI runner reads `::error ...` as a command; ESC starts a
/// terminal escape) and the invisible or direction-changing format characters that make text
/// read differently from what it is.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Text from the input (a path, a container name, an error message) as it may be printed in a
/// text format or on standard error: each unprintable character written as `\u{..}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unprintable(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A line of source for a code frame: each unprintable character but a tab replaced by one
/// `\u{FFFD}`, so that columns stay where they were.
pub fn printable_line(line: &str) -> Cow<'_, str> {
    let replaced = |c: char| c != '\t' && unprintable(c);
    if !line.chars().any(replaced) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| if replaced(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}
