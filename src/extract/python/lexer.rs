//! Where a Python file's comments and string literals are, without parsing it.
//!
//! The project pass parses a file with no env trigger only when it names one of the project's
//! helpers, reader instances or settings classes. A name that appears only in a docstring, a
//! comment or a message is not a use, and parsing a large module for it costs far more than this
//! one linear pass over its bytes. A full tokenizer (ruff's or RustPython's) would answer the same
//! question with a parser-sized dependency; all this needs is the extent of every literal.
//!
//! The parse itself reads comments as blanks ([`comments`], [`crate::extract::limits::parse`]):
//! the Python grammar's external scanner looks past every following comment line at the end of
//! each line, so a run of comment lines costs time quadratic in its length (1,000 lines of 60
//! bytes took 0.28 s, 3,000 ran past the 2 s parse limit and the file went unread).
//!
//! Every doubt resolves towards code, the safe side: text wrongly taken for code only costs a
//! parse, text wrongly taken for a literal would hide a use. So a backslash never hides an
//! f-string's `{`, the format spec of a replacement field is taken for code, `#` inside a
//! replacement field is not taken for a comment, and at an unterminated literal the lexer gives
//! up and the rest of the file counts as code.

use std::ops::Range;

/// The byte ranges of `src` that are comment text or literal text of a string (an f-string's
/// replacement fields are code and not included), in order and disjoint.
pub(crate) fn literal_spans(src: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    spans_of(src, &mut spans, &mut Vec::new());
    spans
}

/// The byte ranges of `src`'s comments, from the `#` to the end of the line (not the line
/// break), in order. A `#` the lexer is not sure of is left out.
pub(crate) fn comments(src: &[u8]) -> Vec<Range<usize>> {
    if memchr::memchr(b'#', src).is_none() {
        return Vec::new();
    }
    let mut comments = Vec::new();
    spans_of(src, &mut Vec::new(), &mut comments);
    comments
}

/// [`literal_spans`] and [`comments`] of `src`, from one pass.
pub(crate) fn literals_and_comments(src: &[u8]) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (mut spans, mut comments) = (Vec::new(), Vec::new());
    spans_of(src, &mut spans, &mut comments);
    (spans, comments)
}

/// Adds to `spans` the ranges of comment and string-literal text, and to `comments` those of
/// the comments alone.
fn spans_of(src: &[u8], spans: &mut Vec<Range<usize>>, comments: &mut Vec<Range<usize>>) {
    // the f-strings whose replacement fields enclose the current position, innermost last,
    // each with the depth of `{` opened inside its field
    let mut fields: Vec<(Quote, u32)> = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        // where a literal starts (its quote and the offset of its text), if one does here
        let mut literal = None;
        match b {
            b'#' if fields.is_empty() => {
                let end = memchr::memchr2(b'\n', b'\r', &src[i..]).map_or(src.len(), |n| i + n);
                spans.push(i..end);
                comments.push(i..end);
                i = end;
            }
            b'\'' | b'"' => literal = Some(Quote::open(src, i, false)),
            b'{' if !fields.is_empty() => {
                if let Some((_, depth)) = fields.last_mut() {
                    *depth += 1;
                }
                i += 1;
            }
            b'}' if !fields.is_empty() => match fields.pop() {
                Some((quote, depth)) if depth > 0 => {
                    fields.push((quote, depth - 1));
                    i += 1;
                }
                // the field closes: back in the f-string's literal text
                Some((quote, _)) => literal = Some((quote, i + 1)),
                None => i += 1,
            },
            _ if is_ident(b) => {
                let start = i;
                while i < src.len() && is_ident(src[i]) {
                    i += 1;
                }
                if matches!(src.get(i), Some(b'\'' | b'"'))
                    && let Some(fields) = prefix_fields(&src[start..i])
                {
                    literal = Some(Quote::open(src, i, fields));
                }
            }
            _ => i += 1,
        }
        if let Some((quote, text)) = literal {
            match scan_literal(src, text, quote, spans) {
                Some(End::Closed(next)) => i = next,
                Some(End::Field(next)) => {
                    fields.push((quote, 0));
                    i = next;
                }
                None => return,
            }
        }
    }
}

pub(crate) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether `word` is a string prefix (`r`, `b`, `u`, `f`, `t` and their two-letter
/// combinations, in any case), and if so whether the literal has replacement fields (`f`, `t`).
fn prefix_fields(word: &[u8]) -> Option<bool> {
    let lower = |i: usize| word.get(i).map(u8::to_ascii_lowercase);
    match (word.len(), lower(0), lower(1)) {
        (1, Some(b'r' | b'u' | b'b'), _) => Some(false),
        (2, Some(b'b'), Some(b'r')) | (2, Some(b'r'), Some(b'b')) => Some(false),
        (1, Some(b'f' | b't'), _) => Some(true),
        (2, Some(b'f' | b't'), Some(b'r')) | (2, Some(b'r'), Some(b'f' | b't')) => Some(true),
        _ => None,
    }
}

/// How a literal ends, and whether it has replacement fields.
#[derive(Clone, Copy)]
struct Quote {
    byte: u8,
    triple: bool,
    fields: bool,
}

impl Quote {
    /// The literal whose opening quote is at `at`, and where its text starts.
    fn open(src: &[u8], at: usize, fields: bool) -> (Quote, usize) {
        let byte = src[at];
        let triple = src.get(at + 1) == Some(&byte) && src.get(at + 2) == Some(&byte);
        let quote = Quote {
            byte,
            triple,
            fields,
        };
        (quote, at + if triple { 3 } else { 1 })
    }
}

enum End {
    /// The literal closed; code resumes at this offset.
    Closed(usize),
    /// A replacement field opened; its code starts at this offset.
    Field(usize),
}

/// Scans literal text from `start` to the closing quote or the next replacement field, and
/// records that text. `None` when the literal does not end (a newline in a one-line literal, or
/// the end of the file).
fn scan_literal(
    src: &[u8],
    start: usize,
    quote: Quote,
    spans: &mut Vec<Range<usize>>,
) -> Option<End> {
    let mut i = start;
    while i < src.len() {
        let b = src[i];
        match b {
            // an escaped character never ends the literal (in a raw literal neither: r"\"" is
            // one literal), but `\{` still opens a field
            b'\\' if src.get(i + 1) != Some(&b'{') => {
                i += if src[i + 1..].starts_with(b"\r\n") {
                    3
                } else {
                    2
                }
            }
            b'\n' | b'\r' if !quote.triple => return None,
            b'{' if quote.fields => {
                if src.get(i + 1) == Some(&b'{') {
                    i += 2;
                } else {
                    spans.push(start..i);
                    return Some(End::Field(i + 1));
                }
            }
            _ if b == quote.byte => {
                if !quote.triple {
                    spans.push(start..i);
                    return Some(End::Closed(i + 1));
                }
                if src.get(i + 1) == Some(&b) && src.get(i + 2) == Some(&b) {
                    spans.push(start..i);
                    return Some(End::Closed(i + 3));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of `src` outside every literal span, with each span replaced by `_`.
    fn code(src: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for span in literal_spans(src.as_bytes()) {
            out.push_str(&src[at..span.start]);
            out.push('_');
            at = span.end;
        }
        out.push_str(&src[at..]);
        out
    }

    #[test]
    fn comments_and_plain_literals_are_literal_text() {
        assert_eq!(code("x = 1  # Settings\ny"), "x = 1  _\ny");
        assert_eq!(code("a('Settings', \"env\")"), "a('_', \"_\")");
        assert_eq!(
            code("def f():\n    \"\"\"Uses Settings.\n\n    'quoted' \"\" \"\"\"\n    Settings()"),
            "def f():\n    \"\"\"_\"\"\"\n    Settings()"
        );
        assert_eq!(code("x = '''a ''b'' '''; y"), "x = '''_'''; y");
        // a `#` inside a literal is not a comment, and a quote inside a comment opens nothing
        assert_eq!(
            code("s = '#'; env()  # it's\nSettings"),
            "s = '_'; env()  _\nSettings"
        );
    }

    #[test]
    fn prefixes_escapes_and_raw_literals() {
        assert_eq!(code(r#"x = rb"\" Settings" + y"#), r#"x = rb"_" + y"#);
        assert_eq!(code(r#"x = "a\"b" + Settings"#), r#"x = "_" + Settings"#);
        assert_eq!(code(r"x = U'\\' + Settings"), r"x = U'_' + Settings");
        // a word that is not a prefix is code before a literal
        assert_eq!(code("Settings'x'"), "Settings'_'");
        assert_eq!(code("print(Br'x', fR'y')"), "print(Br'_', fR'_')");
    }

    #[test]
    fn replacement_fields_are_code() {
        assert_eq!(code("f'a {env(\"X\")} b'"), "f'_{env(\"_\")}_'");
        assert_eq!(code("f'{{Settings}} {x}'"), "f'_{x}_'");
        assert_eq!(code("f'{ {1: 2}[1] } Settings'"), "f'_{ {1: 2}[1] }_'");
        // a format spec with a nested field is code
        assert_eq!(code("f'{x:{width}} text'"), "f'_{x:{width}}_'");
        // PEP 701: the same quote inside a field, nested f-strings
        assert_eq!(
            code("f\"{d[\"k\"]} {f'{Settings}'} end\""),
            "f\"_{d[\"_\"]}_{f'_{Settings}_'}_\""
        );
        assert_eq!(code("t'{Settings}'"), "t'_{Settings}_'");
        // a triple-quoted f-string's field spans lines
        assert_eq!(
            code("f'''a\n{\n Settings\n}\nb'''"),
            "f'''_{\n Settings\n}_'''"
        );
    }

    #[test]
    fn comments_alone() {
        let src = "x = '#'  # one\r\ny = f'{a}#'  # two\n# three";
        let got: Vec<&str> = comments(src.as_bytes())
            .into_iter()
            .map(|c| &src[c])
            .collect();
        assert_eq!(got, ["# one", "# two", "# three"]);
        assert!(comments(b"x = 1\n").is_empty());
    }

    #[test]
    fn doubt_resolves_to_code() {
        // an unterminated literal: the rest of the file is code
        assert_eq!(code("x = 'abc\nSettings"), "x = 'abc\nSettings");
        assert_eq!(code("'''abc Settings"), "'''abc Settings");
        // `\{` still opens a field
        assert_eq!(code(r"f'\{Settings}'"), r"f'_{Settings}_'");
        // `#` inside a field is not a comment
        assert_eq!(code("f'{x#}' + Settings"), "f'_{x#}_' + Settings");
    }

    proptest::proptest! {
        /// Any bytes, weighted to the ones the lexer acts on: no panic, and the spans are in
        /// order, disjoint and inside the text.
        #[test]
        fn spans_are_ordered_and_in_bounds(
            src in proptest::collection::vec(
                proptest::sample::select(b"'\"#{}\\\n\rfrbtFRBx_ :".to_vec()),
                0..200,
            )
        ) {
            let spans = literal_spans(&src);
            let mut at = 0;
            for span in spans {
                proptest::prop_assert!(at <= span.start && span.start <= span.end);
                proptest::prop_assert!(span.end <= src.len());
                at = span.end;
            }
        }
    }
}
