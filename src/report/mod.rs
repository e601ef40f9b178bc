//! Emitters: each output format writes to a `&mut dyn Write`; the library never prints.
//!
//! Paths, messages, labels and notices hold text from the repository (file and object names),
//! so each emitter escapes for its own medium: terminal text ([`printable`]: control, bidi and
//! invisible characters as `\u{..}`), workflow commands ([`github`]: the toolkit's `%`
//! escapes, and no raw bidi or invisible character), Markdown ([`markdown`]: no HTML, link,
//! image or table break can come from input), SARIF and GitLab JSON (messages as printable
//! text; no SARIF embedded link from input). Variable names need none of it: every one has
//! passed [`crate::sources::name_problem`], but they are escaped like any other text all the
//! same.

pub mod check;
pub mod github;
pub mod gitlab;
pub mod markdown;
pub mod sarif;
pub mod scan;

mod fingerprint;

use std::borrow::Cow;

/// Whether `c` must not reach a terminal, a log or a rendered page as it is: control characters
/// (a newline would start a line of its own, where a CI runner reads `::error ...` as a
/// command; ESC starts a terminal escape), line and paragraph separators, the direction-changing
/// (bidi) marks, embeddings, overrides and isolates that make text read differently from what it
/// is, and the invisible characters that hide part of it (zero-width spaces and joiners, word
/// joiner, soft hyphen, fillers, variation selectors, tag characters).
pub(crate) fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// `c` as the text `\u{..}`, the way [`printable`] shows an unprintable character.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
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
            push_escaped(&mut out, c);
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

/// One app of a run over several (see [`crate::apps`]): what the reports say about it besides
/// its findings, which carry its label.
#[derive(Clone, Debug, Default)]
pub struct App {
    /// The configuration's directory relative to the repository top (`.` at the top).
    pub label: String,
    /// The configuration file, relative to the repository top; `None` when there is none.
    pub config: Option<String>,
    /// `diff`: the environments checked for this app.
    pub environments: Vec<String>,
    /// `diff`: environments of the run this app does not know (none of its configuration's
    /// `[environments]`, no convention file): not checked for it.
    pub skipped: Vec<String>,
    /// `diff`: variables × this app's environments.
    pub matrix: Option<crate::matrix::Matrix>,
    /// `--base`: this app's variable-level changes.
    pub changes: Option<Vec<crate::baseline::Change>>,
    /// `diff --base`: what this app's environments' configuration changed since the base.
    pub target_changes: Option<Vec<crate::target_changes::TargetChange>>,
}

impl App {
    /// This app's findings, in their order.
    pub fn findings<'a>(
        &self,
        findings: &'a [crate::finding::Finding],
    ) -> Vec<&'a crate::finding::Finding> {
        findings
            .iter()
            .filter(|f| f.app.as_deref() == Some(self.label.as_str()))
            .collect()
    }
}
