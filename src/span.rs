//! Byte offsets inside, 1-based line and column outside.
//!
//! Every position that reaches a user goes through [`LineIndex`], which treats LF, CRLF and a lone
//! CR alike as one line break (tree-sitter's own rows count only LF). Columns count characters
//! (Unicode scalar values), not bytes, as editors do; in invalid UTF-8 each byte counts as one.

/// Start offsets of the lines of one source text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(src: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(off) = memchr::memchr2(b'\n', b'\r', &src[i..]) {
            let at = i + off;
            let next = if src[at] == b'\r' && src.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next);
            i = next;
            if i >= src.len() {
                break;
            }
        }
        LineIndex { starts }
    }

    /// The 1-based position of a byte offset. Offsets past the end map to the end.
    pub fn position(&self, src: &[u8], offset: usize) -> Position {
        let offset = offset.min(src.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let column = match std::str::from_utf8(&src[start..offset]) {
            Ok(text) => text.chars().count(),
            Err(_) => offset - start,
        };
        Position {
            line: line + 1,
            column: column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(src: &str, needle: &str) -> (usize, usize) {
        let index = LineIndex::new(src.as_bytes());
        let off = src.find(needle).expect("needle in source");
        let p = index.position(src.as_bytes(), off);
        (p.line, p.column)
    }

    #[test]
    fn lf_crlf_and_cr_count_the_same() {
        for nl in ["\n", "\r\n", "\r"] {
            let src = format!("a{nl}b{nl}{nl}  X");
            assert_eq!(pos(&src, "X"), (4, 3), "newline {nl:?}");
            assert_eq!(pos(&src, "b"), (2, 1), "newline {nl:?}");
        }
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(pos("é = \"X\"", "X"), (1, 6));
        assert_eq!(pos("x", "x"), (1, 1));
    }

    #[test]
    fn offsets_at_and_past_the_end() {
        let src = b"ab\n";
        let index = LineIndex::new(src);
        assert_eq!(index.position(src, 3), Position { line: 2, column: 1 });
        assert_eq!(index.position(src, 99), Position { line: 2, column: 1 });
    }
}
