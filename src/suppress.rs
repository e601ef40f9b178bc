//! Inline suppressions: `# envcheck: ignore[ENV001]` and `# noqa: ENV001` (Python, env files),
//! `// envcheck-ignore-next-line ENV001` and trailing `// envcheck-ignore-line ENV001` (TS/JS).
//!
//! A comment alone on its line applies to the next line; a trailing comment to its own line.
//! A rule code is always required: a bare `# noqa` suppresses nothing here.

use std::collections::BTreeSet;

use memchr::memmem;

/// The comment syntax of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentStyle {
    /// `#` comments: Python.
    Hash,
    /// `#` comments of env files: at the start of a line or after whitespace, outside quotes
    /// (a `#` inside a value, even a multi-line quoted one, is part of the value).
    EnvFile,
    /// `//` comments: TypeScript and JavaScript.
    Slash,
}

/// A suppression comment found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment's line.
    pub line: usize,
    /// The line whose findings it suppresses.
    pub target_line: usize,
    /// Upper-case rule codes.
    pub codes: Vec<String>,
}

/// A suppression comment of the project, and the codes it has suppressed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    pub line: usize,
    pub target_line: usize,
    pub codes: Vec<String>,
    pub used: BTreeSet<String>,
    pub in_env_file: bool,
}

impl Suppression {
    pub fn new(path: &str, comment: Comment, in_env_file: bool) -> Suppression {
        Suppression {
            path: path.to_string(),
            line: comment.line,
            target_line: comment.target_line,
            codes: comment.codes,
            used: BTreeSet::new(),
            in_env_file,
        }
    }
}

/// Splits into lines at LF, CRLF or a lone CR.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr2(b'\n', b'\r', rest) {
            Some(at) => {
                let line = &rest[..at];
                let skip = if rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[at + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = &[];
                Some(line)
            }
        }
    })
}

/// Rule codes (`ENV` + three digits) at the start of `text`, separated by commas or spaces.
fn codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let t = token.to_ascii_uppercase();
        if t.len() == 6 && t.starts_with("ENV") && t[3..].bytes().all(|b| b.is_ascii_digit()) {
            out.push(t);
        } else {
            break;
        }
    }
    out
}

/// Where the comment of an env file line starts: the first `#` that begins the line or follows
/// whitespace, outside quotes. `open_quote` carries a quote left open at the end of a line (a
/// multi-line value) to the next one. Backslash escapes count inside double quotes only.
fn env_comment_start(line: &str, open_quote: &mut Option<char>) -> Option<usize> {
    let mut prev_space = true;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match *open_quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    *open_quote = None;
                }
                prev_space = false;
                continue;
            }
            None => {
                if c == '#' && prev_space {
                    return Some(i);
                }
                if matches!(c, '"' | '\'' | '`') && opens_value(line, i) {
                    *open_quote = Some(c);
                }
            }
        }
        prev_space = c.is_whitespace();
    }
    None
}

/// Whether the quote at `at` opens a value: it follows `=` (or `: `) with only spaces between.
/// A quote elsewhere (`it's` in an unquoted value) opens nothing.
fn opens_value(line: &str, at: usize) -> bool {
    let before = line[..at].trim_end();
    before.ends_with('=') || before.ends_with(':')
}

/// Finds the suppression comments of a file.
pub fn find(text: &[u8], style: CommentStyle) -> Vec<Comment> {
    if memmem::find(text, b"envcheck").is_none() && memmem::find(text, b"noqa").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open_quote: Option<char> = None;
    for (i, raw) in lines(text).enumerate() {
        let line_no = i + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            continue;
        };
        let (marker, start) = match style {
            CommentStyle::Hash => ("#", line.find('#')),
            CommentStyle::Slash => ("//", line.find("//")),
            CommentStyle::EnvFile => ("#", env_comment_start(line, &mut open_quote)),
        };
        let Some(start) = start else {
            continue;
        };
        let standalone = line[..start].trim().is_empty();
        let comment = &line[start + marker.len()..];
        let (found, target) = match style {
            CommentStyle::Hash | CommentStyle::EnvFile => {
                if let Some(at) = comment.find("envcheck: ignore[") {
                    let inner = &comment[at + "envcheck: ignore[".len()..];
                    let inner = inner.split(']').next().unwrap_or("");
                    (codes(&inner.replace(',', " ")), line_no)
                } else if let Some(at) = comment.find("noqa:") {
                    (codes(&comment[at + "noqa:".len()..]), line_no)
                } else {
                    continue;
                }
            }
            CommentStyle::Slash => {
                if let Some(at) = comment.find("envcheck-ignore-next-line") {
                    (
                        codes(&comment[at + "envcheck-ignore-next-line".len()..]),
                        line_no + 1,
                    )
                } else if let Some(at) = comment.find("envcheck-ignore-line") {
                    (
                        codes(&comment[at + "envcheck-ignore-line".len()..]),
                        line_no,
                    )
                } else {
                    continue;
                }
            }
        };
        if found.is_empty() {
            continue;
        }
        // A `#` comment alone on its line covers the next line.
        let target_line = if style != CommentStyle::Slash && standalone {
            line_no + 1
        } else {
            target
        };
        out.push(Comment {
            line: line_no,
            target_line,
            codes: found,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_comments_are_never_inside_values() {
        let text = "\
DB_PASSWORD=\"x # envcheck: ignore[ENV302]\"
PASSWORD=abc#noqa: ENV302
PEM=\"line one
# envcheck: ignore[ENV301]
end\"
NOTE='single # envcheck: ignore[ENV303]'
A=1 # envcheck: ignore[ENV101]
# envcheck: ignore[ENV102]
B=it's fine # noqa: ENV103
C=\"esc \\\" # envcheck: ignore[ENV104]\"
";
        assert_eq!(
            targets(text, CommentStyle::EnvFile),
            vec![
                (7, 7, vec!["ENV101".to_string()]),
                (8, 9, vec!["ENV102".to_string()]),
                (9, 9, vec!["ENV103".to_string()]),
            ]
        );
    }

    fn targets(text: &str, style: CommentStyle) -> Vec<(usize, usize, Vec<String>)> {
        find(text.as_bytes(), style)
            .into_iter()
            .map(|c| (c.line, c.target_line, c.codes))
            .collect()
    }

    fn v(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn python_and_env_forms() {
        let text = "a = 1  # envcheck: ignore[ENV001]\n# envcheck: ignore[ENV001, ENV303]\nb = 2\nc = 3  # noqa: ENV201, E501\nd = 4  # noqa\ne = 5  # envcheck: ignore[]\n";
        assert_eq!(
            targets(text, CommentStyle::Hash),
            vec![
                (1, 1, v(&["ENV001"])),
                (2, 3, v(&["ENV001", "ENV303"])),
                (4, 4, v(&["ENV201"]))
            ]
        );
    }

    #[test]
    fn script_forms() {
        let text = "// envcheck-ignore-next-line ENV001 ENV304\nconst a = process.env.A;\nconst b = process.env.B; // envcheck-ignore-line ENV001\n// envcheck-ignore-next-line\n";
        assert_eq!(
            targets(text, CommentStyle::Slash),
            vec![(1, 2, v(&["ENV001", "ENV304"])), (3, 3, v(&["ENV001"]))]
        );
    }

    #[test]
    fn crlf_and_cr_lines() {
        for nl in ["\r\n", "\r"] {
            let text = format!("x = 1{nl}y = 2  # noqa: ENV001{nl}");
            assert_eq!(
                targets(&text, CommentStyle::Hash),
                vec![(2, 2, v(&["ENV001"]))],
                "{nl:?}"
            );
        }
    }
}
