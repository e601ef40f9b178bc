//! dotenv files: `KEY=value` lines, as motdotla/dotenv, the compose spec and dotenvx read them.
//!
//! The parser never fails: a line it cannot read becomes a [`LineError`] and parsing goes on with
//! the next line. Values stay inside [`Secret`], and no error message holds any text of the line
//! it describes (a bad line may be half a secret).
//!
//! Accepted syntax:
//! - blank lines, `#` comment lines, an optional `export ` prefix;
//! - keys `[A-Za-z_][A-Za-z0-9_.-]*` of at most 256 characters (the grammar of
//!   [`super::name_problem`]), then `=` (spaces around it allowed) or `: ` (dotenv's
//!   yaml-ish form); a bare `KEY` declares the key unset (see [Bare words](#bare-words));
//! - unquoted values, trimmed, ending at a `#` that follows whitespace (`VAL#x` keeps the `#`);
//!   backslashes in them are literal;
//! - `'single'` (literal), `"double"` (escapes `\n \r \t \\ \" \$`; any other backslash stays) and
//!   `` `backtick` `` (literal) values, which may span lines; a comment may follow the closing
//!   quote;
//! - LF, CRLF and lone CR line endings (inside a quoted value each becomes `\n`), a UTF-8 BOM.
//!
//! [`expand`] resolves `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}` (and `:+ + :? ?`)
//! from the earlier entries of the same file only, never from the process environment.
//!
//! # Bare words
//!
//! A line holding one word and no `=` is, in the dotenv dialects that accept it, a key declared
//! unset (compose's env files: passed through from the shell). It is far more often a value on a
//! line of its own: a wrapped password or base64 blob, a line of an unquoted PEM key, a hex or
//! base32 secret. Keys are printed, so a bare word is a key only when it has the shape of a
//! variable name, and otherwise is an error whose message holds no text from the line:
//! - UPPER_SNAKE_CASE (`[A-Z_][A-Z0-9_]*`: base64 and PEM lines mix cases), and a name by
//!   [`super::name_problem`] (no credential shape, at most 256 characters);
//! - and no part between underscores shaped like encoded data ([`encoded_part`]): 8 or more
//!   hex digits and nothing else (`DEADBEEF0042`), two or more separate runs of digits
//!   (base32 `JBSWY3DPEHPK3PXP`), or 14 or more characters of which under 30% of the letters
//!   are vowels (`A E I O U Y`; random capitals hold about 23%, names about 40%).
//!
//! So `FOO`, `DATABASE_URL`, `S3_BUCKET`, `OAUTH2_CLIENT_ID`, `PGSSLMODE` and
//! `PYTHONUNBUFFERED` are keys. What still passes is a short all-capital value that reads like a
//! name; `KEY=` is unaffected (any key may have an empty value).

use std::collections::HashMap;

use crate::secret::Secret;
use crate::span::LineIndex;

/// A parsed dotenv file.
#[derive(Clone, Debug, Default)]
pub struct DotenvFile {
    /// The entries in file order; a key defined twice appears twice.
    pub entries: Vec<Entry>,
    /// Lines that could not be read, in file order.
    pub errors: Vec<LineError>,
    /// Commented-out entries (`# KEY=value`), which document variables in example files. Each has
    /// `commented_out: true`; they are never part of [`expand`].
    pub commented: Vec<Entry>,
}

/// One `KEY=value` (or bare `KEY`) entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// `None` for a bare `KEY` line (the key is declared unset); `Some("")` for `KEY=`.
    pub value: Option<Secret>,
    /// The value as written between the quotes (or the trimmed unquoted text), escapes not
    /// decoded, line breaks as `\n`; [`expand`] reads it. `None` when `value` is `None`.
    pub raw: Option<Secret>,
    /// 1-based line and column of the key.
    pub line: usize,
    pub column: usize,
    /// The last line of the entry (after `line` for a multi-line quoted value).
    pub end_line: usize,
    /// Written as `export KEY=...`.
    pub exported: bool,
    pub quote: Quote,
    /// Marked optional by an `# optional` comment on the entry's line or an `@optional` in the
    /// comment line directly above it.
    pub optional: bool,
    /// A `# KEY=value` line; such entries live in [`DotenvFile::commented`].
    pub commented_out: bool,
}

/// How a value was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

/// A line that could not be parsed. The message never holds any text from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line and column of the offending character.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses dotenv text. A leading BOM is skipped. Text holding a NUL byte is binary data, not an
/// env file: it gives one error at the first NUL and no entries.
pub fn parse(src: &str) -> DotenvFile {
    if let Some(binary) = binary(src.as_bytes()) {
        return binary;
    }
    Parser::new(src.strip_prefix('\u{feff}').unwrap_or(src)).run()
}

/// The error for binary data: a NUL byte never belongs in an env file, and the lines of a binary
/// file read as entries would be garbage keys and values.
fn binary(src: &[u8]) -> Option<DotenvFile> {
    let at = memchr::memchr(0, src)?;
    let position = LineIndex::new(src).position(src, at);
    Some(DotenvFile {
        errors: vec![LineError {
            line: position.line,
            column: position.column,
            message: "binary data (a NUL byte); env files must be text".to_string(),
        }],
        ..DotenvFile::default()
    })
}

/// Parses the bytes of a dotenv file. A UTF-8 BOM is skipped; invalid UTF-8 is replaced by
/// U+FFFD and reported once per line as a [`LineError`]; a UTF-16 file is reported as such.
pub fn parse_bytes(src: &[u8]) -> DotenvFile {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    if src.starts_with(b"\xFF\xFE") || src.starts_with(b"\xFE\xFF") {
        return DotenvFile {
            errors: vec![LineError {
                line: 1,
                column: 1,
                message: "the file is UTF-16 encoded; env files must be UTF-8".to_string(),
            }],
            ..DotenvFile::default()
        };
    }
    if let Some(binary) = binary(src) {
        return binary;
    }
    if let Ok(text) = std::str::from_utf8(src) {
        return Parser::new(text).run();
    }
    let text = String::from_utf8_lossy(src);
    let mut file = Parser::new(&text).run();
    let index = LineIndex::new(src);
    let mut offset = 0;
    let mut last_line = 0;
    for chunk in src.utf8_chunks() {
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            let at = index.position(src, offset);
            if at.line != last_line {
                last_line = at.line;
                file.errors.push(LineError {
                    line: at.line,
                    column: at.column,
                    message: "invalid UTF-8; env files must be UTF-8".to_string(),
                });
            }
        }
        offset += chunk.invalid().len();
    }
    file.errors.sort_by_key(|e| (e.line, e.column));
    file
}

/// A name another entry's value interpolates: `DATABASE_URL=postgres://${POSTGRES_USER}@db/app`
/// uses `POSTGRES_USER`, so the key is not unused even when no code reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The name referenced.
    pub name: String,
    /// The key whose value holds the reference, and the line of that key.
    pub key: String,
    pub line: usize,
}

/// The names the values of `file` refer to, the way [`expand`] reads them: `$VAR`, `${VAR}` and
/// `${VAR:-default}` (with the references inside the default), not in single-quoted values, not
/// after a backslash (`\$VAR` is a literal). A value's reference to its own key is left out: it
/// is not another value. One pass over the raw text of each value.
pub fn references(file: &DotenvFile) -> Vec<Reference> {
    let mut out = Vec::new();
    for entry in &file.entries {
        let Some(raw) = entry.raw.as_ref().filter(|_| entry.quote != Quote::Single) else {
            continue;
        };
        let raw = raw.expose();
        let mut rest = raw;
        while let Some(at) = rest.find(['\\', '$']) {
            let after = &rest[at + 1..];
            if rest[at..].starts_with('\\') {
                // the escaped character is skipped whole (it may be more than one byte)
                let skip = after.chars().next().map_or(0, char::len_utf8);
                rest = &after[skip..];
                continue;
            }
            let (name_at, dots) = match after.strip_prefix('{') {
                Some(body) => (body, true),
                None => (after, false),
            };
            let n = name_len(name_at, dots);
            let name = &name_at[..n];
            if n > 0 && name != entry.key {
                out.push(Reference {
                    name: name.to_string(),
                    key: entry.key.clone(),
                    line: entry.line,
                });
            }
            rest = &name_at[n..];
        }
    }
    out
}

/// The value of every key that has one, last definition winning, in the order of each key's
/// first definition. `$VAR`, `${VAR}`, `${VAR:-default}` (default when unset or empty),
/// `${VAR-default}` (default when unset), `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}` and
/// `${VAR?msg}` are resolved from the entries above, never from the process environment; an
/// unknown name resolves to `""`. Single-quoted values are not expanded; `\$` is a literal `$`.
/// A bare `KEY` line unsets the key.
///
/// References may add at most [`super::MAX_EXPANSION`] bytes; past that they are kept as written
/// (see [`expand_within`]).
pub fn expand(file: &DotenvFile) -> Vec<(String, Secret)> {
    let mut added = super::MAX_EXPANSION;
    expand_within(file, &mut added).0
}

/// [`expand`], with `added` the bytes references may still add to values (the budget of a whole
/// run, shared by its sources): it is spent here. Past it, a reference is kept as written, so the
/// value stays non-empty. The flag says whether that happened.
pub fn expand_within(file: &DotenvFile, added: &mut usize) -> (Vec<(String, Secret)>, bool) {
    let mut slots: Vec<(String, Option<String>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut budget = Budget::for_file(file, *added);
    for entry in &file.entries {
        let value = match (&entry.raw, &entry.value) {
            (Some(raw), _) if entry.quote != Quote::Single => {
                let env = Env {
                    slots: &slots,
                    index: &index,
                };
                let mut out = String::new();
                let double = entry.quote == Quote::Double;
                expand_into(raw.expose(), double, &env, &mut out, &mut budget, 0);
                Some(out)
            }
            (_, Some(value)) => Some(value.expose().to_string()),
            (_, None) => None,
        };
        match index.get(&entry.key) {
            Some(&i) => {
                if let Some(slot) = slots.get_mut(i) {
                    slot.1 = value;
                }
            }
            None => {
                index.insert(entry.key.clone(), slots.len());
                slots.push((entry.key.clone(), value));
            }
        }
    }
    *added = budget.added;
    let values = slots
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key, Secret::new(v))))
        .collect();
    (values, budget.cut)
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Whether a line is a real entry or the text of a comment that may hold one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Entry,
    Commented,
}

/// A parse failure: where (byte offset), what, and where to resume.
struct Failure {
    at: usize,
    message: String,
    resume: usize,
}

struct Parser<'a> {
    src: &'a str,
    index: LineIndex,
    file: DotenvFile,
    /// Line of the last comment line holding an `@optional` marker.
    marker_line: Option<usize>,
}

fn is_key_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Whitespace inside a line (line breaks never reach the callers).
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Offset of the first non-space character at or after `from` in `s`.
fn skip_space(s: &str, from: usize) -> usize {
    match s.get(from..) {
        Some(rest) => from + (rest.len() - rest.trim_start_matches(is_space).len()),
        None => s.len(),
    }
}

/// An inline comment's text marks the entry optional when its first word is `optional`.
fn is_optional_comment(text: &str) -> bool {
    let text = text.trim_start_matches(|c: char| is_space(c) || c == '#');
    let text = text.strip_prefix('@').unwrap_or(text);
    let word: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    word.eq_ignore_ascii_case("optional")
}

/// A comment line holding `@optional` as a word marks the entry on the next line optional.
fn has_optional_marker(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.match_indices("@optional").any(|(at, m)| {
        !lower
            .get(at + m.len()..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Parser<'a> {
        Parser {
            src,
            index: LineIndex::new(src.as_bytes()),
            file: DotenvFile::default(),
            marker_line: None,
        }
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or_default()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    /// Offset of the line break ending the line that holds `from` (or the end of the text).
    fn line_end(&self, from: usize) -> usize {
        let bytes = self.src.as_bytes();
        match bytes
            .get(from..)
            .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
        {
            Some(off) => from + off,
            None => self.src.len(),
        }
    }

    /// Offset of the start of the next line, given the offset of a line end.
    fn next_line(&self, end: usize) -> usize {
        let bytes = self.src.as_bytes();
        match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => self.src.len(),
        }
    }

    fn line_of(&self, at: usize) -> usize {
        self.index.position(self.src.as_bytes(), at).line
    }

    fn run(mut self) -> DotenvFile {
        let mut pos = 0;
        while pos < self.src.len() {
            let next = self.line(pos);
            // Every step consumes at least one line; the guard keeps a bug from looping forever.
            pos = next.max(pos + 1);
        }
        self.file
    }

    /// Parses the line starting at `start`; returns where the next line starts.
    fn line(&mut self, start: usize) -> usize {
        let end = self.line_end(start);
        let line = self.slice(start, end);
        let content = start + skip_space(line, 0);
        if content >= end {
            return self.next_line(end);
        }
        match self.char_at(content) {
            None => self.next_line(end),
            Some('#') => {
                self.comment(content, end);
                self.next_line(end)
            }
            Some(_) => match self.assignment(content, end, Mode::Entry) {
                Ok((mut entry, resume)) => {
                    entry.optional |= self.marker_line.is_some_and(|m| m + 1 == entry.line);
                    self.file.entries.push(entry);
                    resume
                }
                Err(failure) => {
                    let at = self.index.position(self.src.as_bytes(), failure.at);
                    self.file.errors.push(LineError {
                        line: at.line,
                        column: at.column,
                        message: failure.message,
                    });
                    failure.resume
                }
            },
        }
    }

    /// A `#` line: a commented-out entry, an `@optional` marker, or prose.
    fn comment(&mut self, hash: usize, end: usize) {
        let text = self.slice(hash + 1, end);
        let inner = hash + 1 + skip_space(text, 0);
        let line = self.line_of(hash);
        if self.char_at(inner).is_some_and(is_key_start)
            && let Ok((mut entry, _)) = self.assignment(inner, end, Mode::Commented)
        {
            entry.optional |= self.marker_line.is_some_and(|m| m + 1 == line);
            self.file.commented.push(entry);
            return;
        }
        if has_optional_marker(text) {
            self.marker_line = Some(line);
        }
    }

    /// Parses `[export ]KEY[ = value]` starting at `start` (the first non-space character of
    /// the line, or of a comment's text). In `Commented` mode only `KEY=value` on one line
    /// counts. Returns the entry and where the next line starts.
    fn assignment(&self, start: usize, end: usize, mode: Mode) -> Result<(Entry, usize), Failure> {
        let fail = |at: usize, message: &str| Failure {
            at,
            message: message.to_string(),
            resume: self.next_line(end),
        };
        let line = self.slice(start, end);
        // Offsets below are relative to `start`.
        let mut i = 0;
        let mut exported = false;
        if let Some(rest) = line.strip_prefix("export")
            && rest.starts_with(is_space)
        {
            let after = skip_space(line, "export".len());
            if line
                .get(after..)
                .and_then(|s| s.chars().next())
                .is_some_and(is_key_start)
            {
                exported = true;
                i = after;
            }
        }
        let key_start = i;
        let rest = line.get(i..).unwrap_or_default();
        match rest.chars().next() {
            Some(c) if is_key_start(c) => {}
            Some('=') => return Err(fail(start + i, "missing key before `=`")),
            _ => {
                return Err(fail(
                    start + i,
                    "invalid key: a key starts with a letter or `_`",
                ));
            }
        }
        i += rest.len() - rest.trim_start_matches(is_key_char).len();
        let key = line.get(key_start..i).unwrap_or_default().to_string();
        // the one name check's length bound (its characters are the ones scanned above; the
        // credential shape is the caller's, `check::parse_env_text`, which says why)
        if key.len() > super::MAX_NAME_LEN {
            return Err(fail(
                start + key_start,
                "invalid key: longer than 256 characters (a value written into the key?)",
            ));
        }

        // What follows the key: a separator, the end of the line, or a comment.
        let after_key = i;
        let spaced = skip_space(line, i);
        let (value_start, separator_space) = match line
            .get(after_key..)
            .and_then(|s| s.chars().next())
        {
            Some('=') => (after_key + 1, false),
            Some(':') if mode == Mode::Entry && self.colon_separator(line, after_key) => {
                (after_key + 1, true)
            }
            Some(':') => return Err(fail(start + after_key, "expected `=` after the key")),
            None => return self.bare(mode, key, start + key_start, exported, None, end),
            Some(c) if is_space(c) => match line.get(spaced..).and_then(|s| s.chars().next()) {
                _ if mode == Mode::Commented => {
                    return Err(fail(start + spaced, "expected `=` after the key"));
                }
                None => return self.bare(mode, key, start + key_start, exported, None, end),
                Some('#') => {
                    let comment = line.get(spaced + 1..).unwrap_or_default();
                    return self.bare(mode, key, start + key_start, exported, Some(comment), end);
                }
                Some('=') => (spaced + 1, false),
                Some(':') if self.colon_separator(line, spaced) => (spaced + 1, true),
                Some(_) => return Err(fail(start + spaced, "expected `=` after the key")),
            },
            Some(_) => {
                return Err(fail(
                    start + after_key,
                    "invalid key: a key holds only letters, digits, `_`, `.` and `-`",
                ));
            }
        };

        let mut entry = Entry {
            key,
            value: None,
            raw: None,
            line: 0,
            column: 0,
            end_line: 0,
            exported,
            quote: Quote::None,
            optional: false,
            commented_out: mode == Mode::Commented,
        };
        let at = self.index.position(self.src.as_bytes(), start + key_start);
        entry.line = at.line;
        entry.column = at.column;
        entry.end_line = at.line;

        let v = skip_space(line, value_start);
        let had_space = separator_space || v > value_start;
        let first = line.get(v..).and_then(|s| s.chars().next());
        let quote = match first {
            Some('"') => Quote::Double,
            Some('\'') => Quote::Single,
            Some('`') => Quote::Backtick,
            _ => Quote::None,
        };
        if quote == Quote::None {
            let text = line.get(v..).unwrap_or_default();
            let (value, comment) = match first {
                Some('#') if had_space => ("", Some(text.get(1..).unwrap_or_default())),
                _ => split_inline_comment(text),
            };
            entry.value = Some(Secret::new(value));
            entry.raw = Some(Secret::new(value));
            entry.optional = comment.is_some_and(is_optional_comment);
            return Ok((entry, self.next_line(end)));
        }

        // A quoted value; it may run over several lines (never in a comment).
        let open = start + v;
        let limit = match mode {
            Mode::Entry => self.src.len(),
            Mode::Commented => end,
        };
        entry.quote = quote;
        let Some(scanned) = self.quoted(open, quote, limit) else {
            if mode == Mode::Commented {
                // `# KEY="...` still documents KEY, though its value runs past the comment.
                return Ok((entry, self.next_line(end)));
            }
            let what = match quote {
                Quote::Double => "double-quoted",
                Quote::Single => "single-quoted",
                _ => "backtick-quoted",
            };
            return Err(fail(
                open,
                &format!("unterminated {what} value starting here"),
            ));
        };
        let close_end = self.line_end(scanned.after);
        // The closing quote is one byte, just before `after`.
        let close_line = self.line_of(scanned.after.saturating_sub(1));
        let tail = self.slice(scanned.after, close_end);
        let t = skip_space(tail, 0);
        let comment = match tail.get(t..).and_then(|s| s.chars().next()) {
            None => None,
            Some('#') => Some(tail.get(t + 1..).unwrap_or_default()),
            Some(_) if mode == Mode::Commented => return Ok((entry, self.next_line(end))),
            Some(_) => {
                let message = if close_line == entry.line {
                    "unexpected text after the closing quote".to_string()
                } else {
                    format!(
                        "unexpected text after the closing quote of the value that starts on line {}",
                        entry.line
                    )
                };
                return Err(Failure {
                    at: scanned.after + t,
                    message,
                    resume: self.next_line(close_end),
                });
            }
        };
        entry.end_line = close_line;
        entry.value = Some(Secret::new(scanned.value));
        entry.raw = Some(Secret::new(scanned.raw));
        entry.optional = comment.is_some_and(is_optional_comment);
        Ok((entry, self.next_line(close_end)))
    }

    /// `KEY: value` needs whitespace (or the line end) after the colon.
    fn colon_separator(&self, line: &str, colon: usize) -> bool {
        line.get(colon + 1..)
            .and_then(|s| s.chars().next())
            .is_none_or(is_space)
    }

    /// A bare `KEY` line (the key is declared unset). Not a commented-out entry: `# KEY` is prose.
    fn bare(
        &self,
        mode: Mode,
        key: String,
        key_at: usize,
        exported: bool,
        comment: Option<&str>,
        end: usize,
    ) -> Result<(Entry, usize), Failure> {
        if mode == Mode::Commented {
            return Err(Failure {
                at: key_at,
                message: "expected `=` after the key".to_string(),
                resume: self.next_line(end),
            });
        }
        // `KEY=` lines may use `-`, `.` or lower case in keys (some dialects do), but a bare
        // word is far more often a value on a line of its own than a name, and names are
        // printed: it must have the shape of a name (see "Bare words" above)
        if let Some(why) = bare_word_problem(&key) {
            return Err(Failure {
                at: key_at,
                message: format!("a word without `=` that {why} (a value on a line of its own?)"),
                resume: self.next_line(end),
            });
        }
        let at = self.index.position(self.src.as_bytes(), key_at);
        Ok((
            Entry {
                key,
                value: None,
                raw: None,
                line: at.line,
                column: at.column,
                end_line: at.line,
                exported,
                quote: Quote::None,
                optional: comment.is_some_and(is_optional_comment),
                commented_out: false,
            },
            self.next_line(end),
        ))
    }

    /// Scans a quoted value whose opening quote is at `open`, up to `limit`. `None` when the
    /// closing quote is missing.
    fn quoted(&self, open: usize, quote: Quote, limit: usize) -> Option<Scanned> {
        let q = match quote {
            Quote::Double => '"',
            Quote::Single => '\'',
            _ => '`',
        };
        let body_start = open + 1;
        let body = self.slice(body_start, limit);
        let mut value = String::new();
        let mut raw = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                _ if c == q => {
                    return Some(Scanned {
                        value,
                        raw,
                        after: body_start + i + c.len_utf8(),
                    });
                }
                '\r' => {
                    if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                        chars.next();
                    }
                    value.push('\n');
                    raw.push('\n');
                }
                '\\' if quote == Quote::Double => {
                    match chars
                        .peek()
                        .and_then(|&(_, n)| double_quote_escape(n).map(|d| (n, d)))
                    {
                        Some((n, decoded)) => {
                            chars.next();
                            value.push(decoded);
                            raw.push('\\');
                            raw.push(n);
                        }
                        None => {
                            value.push('\\');
                            raw.push('\\');
                        }
                    }
                }
                _ => {
                    value.push(c);
                    raw.push(c);
                }
            }
        }
        None
    }
}

/// Why a bare word (a line without `=`) is not read as a key; `None` when it has the shape of a
/// variable name. See "Bare words" in the module documentation.
fn bare_word_problem(word: &str) -> Option<&'static str> {
    let upper_snake = word.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !upper_snake {
        return Some("is not an UPPER_SNAKE_CASE variable name");
    }
    if super::name_problem(word).is_some() || word.split('_').any(encoded_part) {
        return Some("looks like encoded data, not a variable name");
    }
    None
}

/// Whether one `_`-separated part of an UPPER_SNAKE_CASE word is shaped like encoded data rather
/// than a word: 8+ hex digits and nothing else, 2+ separate runs of digits, or 14+ characters
/// whose letters are under 30% vowels (`Y` counted).
fn encoded_part(part: &str) -> bool {
    let bytes = part.as_bytes();
    if bytes.len() >= 8 && bytes.iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    let digit_runs = bytes
        .iter()
        .enumerate()
        .filter(|&(i, b)| b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .count();
    if digit_runs >= 2 {
        return true;
    }
    let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let vowels = bytes
        .iter()
        .filter(|b| matches!(b, b'A' | b'E' | b'I' | b'O' | b'U' | b'Y'))
        .count();
    bytes.len() >= 14 && vowels * 10 < letters * 3
}

/// The result of scanning a quoted value.
struct Scanned {
    value: String,
    raw: String,
    /// Offset just past the closing quote.
    after: usize,
}

/// What `\c` means inside double quotes; `None` keeps the backslash.
fn double_quote_escape(c: char) -> Option<char> {
    match c {
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        '\\' | '"' | '$' => Some(c),
        _ => None,
    }
}

/// Splits an unquoted value from its inline comment: a `#` preceded by whitespace starts one.
/// The value is trimmed.
fn split_inline_comment(text: &str) -> (&str, Option<&str>) {
    let mut prev_space = false;
    for (i, c) in text.char_indices() {
        if c == '#' && prev_space {
            let value = text.get(..i).unwrap_or_default().trim_matches(is_space);
            return (value, text.get(i + 1..));
        }
        prev_space = is_space(c);
    }
    (text.trim_matches(is_space), None)
}

// ---------------------------------------------------------------------------------------------
// Expansion

/// The values defined so far, for [`expand`].
struct Env<'a> {
    slots: &'a [(String, Option<String>)],
    index: &'a HashMap<String, usize>,
}

impl Env<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let i = *self.index.get(name)?;
        self.slots.get(i)?.1.as_deref()
    }
}

/// Length of the `[A-Za-z_][A-Za-z0-9_]*` name at the start of `s` (0 when there is none);
/// `dots` also allows `.` after the first character (inside `${...}`).
fn name_len(s: &str, dots: bool) -> usize {
    let mut chars = s.chars();
    if !chars.next().is_some_and(is_key_start) {
        return 0;
    }
    1 + chars
        .take_while(|&c| c.is_ascii_alphanumeric() || c == '_' || (dots && c == '.'))
        .count()
}

/// What [`expand`] may spend. References can multiply text (`B=${A}${A}`, `C=${B}${B}`, ...: a
/// "billion laughs" in dotenv form), nest (`${A:-${A:-...}}`) and make the search for a closing
/// brace rescan the rest of the value at every `${`. Past a bound, a reference is kept as
/// written: the value stays non-empty, and no check needs more of it. Each reference is one
/// hash lookup, so the work is linear in the text plus the bytes added.
struct Budget {
    /// Bytes that substituted values may still add: what is left of the run's budget.
    added: usize,
    /// Characters the search for closing braces may still look at, over the whole file.
    scanned: usize,
    /// A reference was kept as written because `added` ran out.
    cut: bool,
}

/// How deep `${A:-${B:-...}}` defaults are followed.
const MAX_NESTING: usize = 16;

impl Budget {
    fn for_file(file: &DotenvFile, added: usize) -> Budget {
        let raw: usize = file
            .entries
            .iter()
            .filter_map(|e| e.raw.as_ref())
            .map(|r| r.expose().len())
            .sum();
        Budget {
            added,
            scanned: raw.saturating_mul(MAX_NESTING).saturating_add(1 << 20),
            cut: false,
        }
    }

    /// Appends a substituted value, or `written` when the budget cannot pay for the value.
    fn substitute(&mut self, out: &mut String, value: &str, written: &str) {
        if value.len() <= self.added {
            self.added -= value.len();
            out.push_str(value);
        } else {
            self.added = 0;
            self.cut = true;
            out.push_str(written);
        }
    }
}

/// Offset in `s` of the `}` closing a `${` whose body starts at `s`, skipping nested braces and
/// backslash escapes; `None` also when the budget runs out.
fn closing_brace(s: &str, budget: &mut Budget) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if budget.scanned == 0 {
            return None;
        }
        budget.scanned -= 1;
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Appends `raw` with references resolved; `double` decodes double-quote escapes too. `nesting`
/// counts the `${A:-...}` words this text sits in.
fn expand_into(
    raw: &str,
    double: bool,
    env: &Env,
    out: &mut String,
    budget: &mut Budget,
    nesting: usize,
) {
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or_default();
        match c {
            '\\' => {
                let next = after.chars().next();
                let decoded = match next {
                    Some('$') => Some('$'),
                    Some(n) if double => double_quote_escape(n),
                    _ => None,
                };
                match (next, decoded) {
                    (Some(n), Some(d)) => {
                        out.push(d);
                        rest = after.get(n.len_utf8()..).unwrap_or_default();
                    }
                    _ => {
                        out.push('\\');
                        rest = after;
                    }
                }
            }
            '$' => {
                if let Some(body) = after.strip_prefix('{')
                    && let Some(close) = closing_brace(body, budget)
                {
                    let body_text = body.get(..close).unwrap_or_default();
                    expand_braced(body_text, double, env, out, budget, nesting);
                    rest = body.get(close + 1..).unwrap_or_default();
                    continue;
                }
                let n = name_len(after, false);
                if n == 0 {
                    out.push('$');
                    rest = after;
                } else {
                    let name = after.get(..n).unwrap_or_default();
                    let written = rest.get(..n + 1).unwrap_or_default();
                    budget.substitute(out, env.get(name).unwrap_or_default(), written);
                    rest = after.get(n..).unwrap_or_default();
                }
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
}

/// Resolves the body of `${...}`: a name, optionally followed by an operator and a word.
fn expand_braced(
    body: &str,
    double: bool,
    env: &Env,
    out: &mut String,
    budget: &mut Budget,
    nesting: usize,
) {
    let as_written = |out: &mut String| {
        out.push_str("${");
        out.push_str(body);
        out.push('}');
    };
    let n = name_len(body, true);
    let name = body.get(..n).unwrap_or_default();
    let op_and_word = body.get(n..).unwrap_or_default();
    let value = env.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let (op, word) = [":-", ":+", ":?", "-", "+", "?"]
        .iter()
        .find_map(|op| op_and_word.strip_prefix(op).map(|w| (*op, w)))
        .unwrap_or(("", op_and_word));
    let use_word = match op {
        _ if n == 0 => {
            // Not a reference this expander knows (`${}`, `${1}`): kept as written.
            as_written(out);
            return;
        }
        "" if word.is_empty() => false,
        ":-" => !set_nonempty,
        "-" => value.is_none(),
        ":+" => set_nonempty,
        "+" => value.is_some(),
        ":?" | "?" => {
            let mut written = String::new();
            as_written(&mut written);
            budget.substitute(out, value.unwrap_or_default(), &written);
            return;
        }
        _ => {
            // An operator this expander does not know (`${A/b}`): kept as written.
            as_written(out);
            return;
        }
    };
    match (use_word, op) {
        (true, _) if nesting >= MAX_NESTING => as_written(out),
        (true, _) => expand_into(word, double, env, out, budget, nesting + 1),
        (false, ":+" | "+") => {}
        (false, _) => {
            let mut written = String::new();
            as_written(&mut written);
            budget.substitute(out, value.unwrap_or_default(), &written);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(key, value)` pairs of the entries; a bare key shows as `None`.
    fn pairs(src: &str) -> Vec<(String, Option<String>)> {
        let file = parse(src);
        assert!(
            file.errors.is_empty(),
            "unexpected errors in {src:?}: {:?}",
            file.errors
        );
        file.entries
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    e.value.as_ref().map(|v| v.expose().to_string()),
                )
            })
            .collect()
    }

    fn value(src: &str, key: &str) -> String {
        let file = parse(src);
        let entry = file.entries.iter().rev().find(|e| e.key == key);
        match entry.and_then(|e| e.value.as_ref()) {
            Some(v) => v.expose().to_string(),
            None => panic!("no value for {key}; errors: {:?}", file.errors),
        }
    }

    fn entry<'f>(file: &'f DotenvFile, key: &str) -> &'f Entry {
        match file.entries.iter().find(|e| e.key == key) {
            Some(e) => e,
            None => panic!("no entry {key}"),
        }
    }

    #[test]
    fn references_of_values() {
        let file = parse(
            "POSTGRES_USER=u\n\
             DATABASE_URL=postgres://${POSTGRES_USER}:$POSTGRES_PASSWORD@db/${DB:-${FALLBACK_DB}}\n\
             SELF=${SELF}x\n\
             LITERAL='$NOT_A_REF'\n\
             ESCAPED=\\$NOT_EITHER\n\
             QUOTED=\"a ${DOTTED.NAME} $1 $\"\n\
             BARE\n",
        );
        let got: Vec<(String, String, usize)> = references(&file)
            .into_iter()
            .map(|r| (r.name, r.key, r.line))
            .collect();
        let want = [
            ("POSTGRES_USER", "DATABASE_URL", 2),
            ("POSTGRES_PASSWORD", "DATABASE_URL", 2),
            ("DB", "DATABASE_URL", 2),
            ("FALLBACK_DB", "DATABASE_URL", 2),
            ("DOTTED.NAME", "QUOTED", 6),
        ]
        .map(|(n, k, l)| (n.to_string(), k.to_string(), l));
        assert_eq!(got, want);
    }

    #[test]
    fn references_are_linear() {
        // a long run of `$`, `\` and `${` costs one pass, whatever it nests
        let text = format!("A=\"{}{}\"\n", "${".repeat(100_000), "\\$".repeat(100_000));
        assert!(references(&parse(&text)).is_empty());
    }

    fn expanded(src: &str) -> Vec<(String, String)> {
        expand(&parse(src))
            .into_iter()
            .map(|(k, v)| (k, v.expose().to_string()))
            .collect()
    }

    fn expanded_value(src: &str, key: &str) -> String {
        expanded(src)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no expanded value for {key}"))
    }

    fn errors(src: &str) -> Vec<(usize, usize, String)> {
        parse(src)
            .errors
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect()
    }

    const NEWLINES: [&str; 3] = ["\n", "\r\n", "\r"];

    fn with_newline(src: &str, nl: &str) -> String {
        src.replace('\n', nl)
    }

    fn kv(k: &str, v: &str) -> (String, Option<String>) {
        (k.to_string(), Some(v.to_string()))
    }

    #[test]
    fn basic_lines_blank_lines_and_comments() {
        for nl in NEWLINES {
            let src = with_newline("# a comment\n\nA=1\n   \n  # indented comment\nB=two\n", nl);
            assert_eq!(
                pairs(&src),
                vec![kv("A", "1"), kv("B", "two")],
                "newline {nl:?}"
            );
            let file = parse(&src);
            assert_eq!(
                (entry(&file, "A").line, entry(&file, "B").line),
                (3, 6),
                "newline {nl:?}"
            );
        }
    }

    #[test]
    fn empty_and_bare_keys() {
        let file = parse("EMPTY=\nBARE\n  SPACED_BARE  \nEMPTY_SPACED=   \n");
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(entry(&file, "EMPTY").value, Some(Secret::new("")));
        assert_eq!(entry(&file, "BARE").value, None);
        assert_eq!(entry(&file, "BARE").raw, None);
        assert_eq!(entry(&file, "SPACED_BARE").value, None);
        assert_eq!(entry(&file, "SPACED_BARE").column, 3);
        assert_eq!(entry(&file, "EMPTY_SPACED").value, Some(Secret::new("")));
        // a bare word with `-` is a value on a line of its own, not a name: an error that does
        // not repeat it; `KEY-WITH-DASH=` stays a key
        // nor is a bare word that is not UPPER_SNAKE_CASE (a wrapped password, a line of an
        // unquoted PEM key)
        let file = parse(
            "A=wrapped \\\nCANARY-D-1\nKEY-WITH-DASH=x\nbattery_staple_9f2e41\n\
             MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nlower=ok\n",
        );
        let lines: Vec<usize> = file.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4, 5], "{:?}", file.errors);
        let shown = format!("{:?}", file.errors);
        assert!(!shown.contains("CANARY") && !shown.contains("battery") && !shown.contains("MIIE"));
        let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "KEY-WITH-DASH", "lower"]);
    }

    #[test]
    fn keys_are_at_most_256_characters() {
        let long = "K".repeat(257);
        let file = parse(&format!("A=1\n{long}=x\n# {long}=y\nB=2\n"));
        assert_eq!(file.entries.len(), 2);
        assert!(file.commented.is_empty());
        assert_eq!(file.errors.len(), 1);
        assert_eq!((file.errors[0].line, file.errors[0].column), (2, 1));
        assert!(!file.errors[0].message.contains("KKK"));
        let fits = "K".repeat(256);
        assert_eq!(pairs(&format!("{fits}=x\n")), vec![kv(&fits, "x")]);
    }

    #[test]
    fn bare_words_have_the_shape_of_names() {
        // names, as compose env files pass them through
        for name in [
            "FOO",
            "TZ",
            "DATABASE_URL",
            "_PRIVATE",
            "S3_BUCKET",
            "OAUTH2_CLIENT_ID",
            "K8S_NAMESPACE",
            "AES256_KEY",
            "HTTP2",
            "V_2024",
            "PGSSLMODE",
            "PGSSLROOTCERT",
            "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE",
            "KUBECONFIG",
            "CAFE",
            "DEADBEE",
            "LD_LIBRARY_PATH",
        ] {
            let file = parse(&format!("{name}\n"));
            assert!(file.errors.is_empty(), "{name}: {:?}", file.errors);
            assert_eq!(entry(&file, name).value, None, "{name}");
        }
        // values on a line of their own: upper-case hex, base32, digit-riddled or vowel-less
        // runs, and (as before) mixed-case base64 and PEM lines
        for value in [
            "DEADBEEF",
            "DEADBEEF00112233445566778899AABB",
            "0A1B2C3D4E5F",
            "JBSWY3DPEHPK3PXP",
            "MFRGGZDFMZTWQ2LK",
            "GEZDGNBVGY3TQOJQ",
            "KEY_A1B2C3",
            "BXKRTWQLMNPZHGVC",
            "QUJDREVGR0hJSktM",
            "ZXlKaGJHY2lPaUpJVXpJMU5pSjku",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        ] {
            let file = parse(&format!("A=1\n{value}\nB=2\n"));
            assert!(file.entries.iter().all(|e| e.key != value), "{value}");
            assert_eq!(file.errors.len(), 1, "{value}");
            assert_eq!(file.errors[0].line, 2, "{value}");
            assert!(!file.errors[0].message.contains(value), "{value}");
            // `KEY=` takes any key: an empty value is not a value on a line of its own
            if value.starts_with(|c: char| c.is_ascii_alphabetic())
                && value.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                assert_eq!(pairs(&format!("{value}=\n")), vec![kv(value, "")]);
            }
        }
    }

    #[test]
    fn export_prefix() {
        let file = parse("export A=1\nexport   B = 2\nexport\tC\nexport=x\nexport =y\nD=3\n");
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let got: Vec<(&str, bool)> = file
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.exported))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", true),
                ("B", true),
                ("C", true),
                ("export", false),
                ("export", false),
                ("D", false)
            ]
        );
        assert_eq!(entry(&file, "A").column, 8);
        assert_eq!(entry(&file, "B").column, 10);
        assert_eq!(entry(&file, "C").value, None);
    }

    #[test]
    fn key_characters() {
        assert_eq!(
            pairs("_A=1\na.b-c_D9=2\nlower=3\n"),
            vec![kv("_A", "1"), kv("a.b-c_D9", "2"), kv("lower", "3")]
        );
    }

    #[test]
    fn spaces_around_the_separator_and_the_colon_form() {
        for nl in NEWLINES {
            let src = with_newline(
                "A = 1\nB\t=\t2\nC: 3\nD:\t4\n  E   =    five six   \nF:\n",
                nl,
            );
            assert_eq!(
                pairs(&src),
                vec![
                    kv("A", "1"),
                    kv("B", "2"),
                    kv("C", "3"),
                    kv("D", "4"),
                    kv("E", "five six"),
                    kv("F", "")
                ],
                "newline {nl:?}"
            );
        }
    }

    #[test]
    fn unquoted_values_and_inline_comments() {
        let src = "A=value # comment\nB=VAL#x\nC=a#b # c\nD= # only a comment\nE=#fff\nF=x\t# tab\nG=a # b # c\n";
        assert_eq!(
            pairs(src),
            vec![
                kv("A", "value"),
                kv("B", "VAL#x"),
                kv("C", "a#b"),
                kv("D", ""),
                kv("E", "#fff"),
                kv("F", "x"),
                kv("G", "a"),
            ]
        );
    }

    #[test]
    fn unquoted_values_keep_backslashes_and_inner_quotes() {
        assert_eq!(
            value("A=dontexpand\\nnewlines\n", "A"),
            "dontexpand\\nnewlines"
        );
        assert_eq!(value("A={\"foo\": \"bar\"}\n", "A"), "{\"foo\": \"bar\"}");
        assert_eq!(value("A=it's\n", "A"), "it's");
        assert_eq!(value("A=equals==\n", "A"), "equals==");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(value("A='single_quotes'\n", "A"), "single_quotes");
        assert_eq!(value("A='    spaced    '\n", "A"), "    spaced    ");
        assert_eq!(
            value("A='dontexpand\\nnewlines'\n", "A"),
            "dontexpand\\nnewlines"
        );
        assert_eq!(
            value("A='a \"b\" `c` $HOME #x' # c\n", "A"),
            "a \"b\" `c` $HOME #x"
        );
        assert_eq!(value("A=''\n", "A"), "");
        assert_eq!(parse("A='x'\n").entries[0].quote, Quote::Single);
    }

    #[test]
    fn double_quote_escapes() {
        assert_eq!(
            value(r#"A="expand\nnew\nlines""#, "A"),
            "expand\nnew\nlines"
        );
        assert_eq!(value(r#"A="a\rb\tc""#, "A"), "a\rb\tc");
        assert_eq!(
            value(r#"A="back\\slash \"quoted\" \$HOME""#, "A"),
            "back\\slash \"quoted\" $HOME"
        );
        assert_eq!(value(r#"A="C:\\dir\\""#, "A"), "C:\\dir\\");
        assert_eq!(
            value(r#"A="unknown \d \' kept""#, "A"),
            "unknown \\d \\' kept"
        );
        assert_eq!(value(r#"A="""#, "A"), "");
        assert_eq!(value(r#"A="    spaced    ""#, "A"), "    spaced    ");
        let file = parse(r#"A="x\$y""#);
        assert_eq!(file.entries[0].quote, Quote::Double);
        assert_eq!(file.entries[0].raw, Some(Secret::new(r"x\$y")));
    }

    #[test]
    fn backticks_are_literal() {
        assert_eq!(value("A=`backticks`\n", "A"), "backticks");
        assert_eq!(value("A=`    spaced    `\n", "A"), "    spaced    ");
        assert_eq!(
            value("A=`double \"quotes\" and single 'quotes' \\n`\n", "A"),
            "double \"quotes\" and single 'quotes' \\n"
        );
        assert_eq!(value("A=``\n", "A"), "");
        assert_eq!(parse("A=`x`").entries[0].quote, Quote::Backtick);
    }

    #[test]
    fn comments_after_quoted_values() {
        let src = "A='x #y' # c\nB=\"x #y\"# c\nC=`x #y`   # c\nD=\"x\"   \n";
        assert_eq!(
            pairs(src),
            vec![
                kv("A", "x #y"),
                kv("B", "x #y"),
                kv("C", "x #y"),
                kv("D", "x")
            ]
        );
    }

    #[test]
    fn multi_line_quoted_values() {
        for nl in NEWLINES {
            let src = with_newline(
                "BEFORE=1\nMULTI_DOUBLE=\"THIS\nIS\nA\nMULTILINE\nSTRING\"\nMULTI_SINGLE='ONE\nTWO'\nMULTI_BACKTICK=`A\n\"B'S\"\nC`\nAFTER=2\n",
                nl,
            );
            let file = parse(&src);
            assert!(file.errors.is_empty(), "newline {nl:?}: {:?}", file.errors);
            let d = entry(&file, "MULTI_DOUBLE");
            assert_eq!(
                d.value,
                Some(Secret::new("THIS\nIS\nA\nMULTILINE\nSTRING")),
                "newline {nl:?}"
            );
            assert_eq!((d.line, d.end_line), (2, 6), "newline {nl:?}");
            let s = entry(&file, "MULTI_SINGLE");
            assert_eq!(s.value, Some(Secret::new("ONE\nTWO")), "newline {nl:?}");
            assert_eq!((s.line, s.end_line), (7, 8), "newline {nl:?}");
            let b = entry(&file, "MULTI_BACKTICK");
            assert_eq!(
                b.value,
                Some(Secret::new("A\n\"B'S\"\nC")),
                "newline {nl:?}"
            );
            assert_eq!((b.line, b.end_line), (9, 11), "newline {nl:?}");
            let a = entry(&file, "AFTER");
            assert_eq!((a.line, a.end_line), (12, 12), "newline {nl:?}");
        }
    }

    #[test]
    fn readme_private_key_examples() {
        // motdotla/dotenv README, "Multiline Values".
        let src = "PRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\n...\nKh9NV...\n...\n-----END RSA PRIVATE KEY-----\"\n";
        let file = parse(src);
        assert!(file.errors.is_empty());
        assert_eq!(
            file.entries[0].value,
            Some(Secret::new(
                "-----BEGIN RSA PRIVATE KEY-----\n...\nKh9NV...\n...\n-----END RSA PRIVATE KEY-----"
            ))
        );
        assert_eq!((file.entries[0].line, file.entries[0].end_line), (1, 5));
        let src = "PRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\\nKh9NV...\\n-----END RSA PRIVATE KEY-----\\n\"\n";
        assert_eq!(
            value(src, "PRIVATE_KEY"),
            "-----BEGIN RSA PRIVATE KEY-----\nKh9NV...\n-----END RSA PRIVATE KEY-----\n"
        );
        // README, "Comments".
        let src = "# This is a comment\nSECRET_KEY=YOURSECRETKEYGOESHERE # comment\nSECRET_HASH=\"something-with-a-#-hash\"\n";
        assert_eq!(
            pairs(src),
            vec![
                kv("SECRET_KEY", "YOURSECRETKEYGOESHERE"),
                kv("SECRET_HASH", "something-with-a-#-hash")
            ]
        );
    }

    /// motdotla/dotenv `tests/.env`, with the expectations of `tests/test-parse.js`. One line
    /// differs on purpose: `INLINE_COMMENTS_SPACE` keeps `#number...`, because a `#` without
    /// whitespace before it does not start a comment here (compose spec); dotenv cuts it.
    #[test]
    fn motdotla_dotenv_test_fixture() {
        let src = r##"BASIC=basic

# previous line intentionally left blank
AFTER_LINE=after_line
EMPTY=
EMPTY_SINGLE_QUOTES=''
EMPTY_DOUBLE_QUOTES=""
EMPTY_BACKTICKS=``
SINGLE_QUOTES='single_quotes'
SINGLE_QUOTES_SPACED='    single quotes    '
DOUBLE_QUOTES="double_quotes"
DOUBLE_QUOTES_SPACED="    double quotes    "
DOUBLE_QUOTES_INSIDE_SINGLE='double "quotes" work inside single quotes'
DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET="{ port: $MONGOLAB_PORT}"
SINGLE_QUOTES_INSIDE_DOUBLE="single 'quotes' work inside double quotes"
BACKTICKS_INSIDE_SINGLE='`backticks` work inside single quotes'
BACKTICKS_INSIDE_DOUBLE="`backticks` work inside double quotes"
BACKTICKS=`backticks`
BACKTICKS_SPACED=`    backticks    `
DOUBLE_QUOTES_INSIDE_BACKTICKS=`double "quotes" work inside backticks`
SINGLE_QUOTES_INSIDE_BACKTICKS=`single 'quotes' work inside backticks`
DOUBLE_AND_SINGLE_QUOTES_INSIDE_BACKTICKS=`double "quotes" and single 'quotes' work inside backticks`
EXPAND_NEWLINES="expand\nnew\nlines"
DONT_EXPAND_UNQUOTED=dontexpand\nnewlines
DONT_EXPAND_SQUOTED='dontexpand\nnewlines'
# COMMENTS=work
INLINE_COMMENTS=inline comments # work #very #well
INLINE_COMMENTS_SINGLE_QUOTES='inline comments outside of #singlequotes' # work
INLINE_COMMENTS_DOUBLE_QUOTES="inline comments outside of #doublequotes" # work
INLINE_COMMENTS_BACKTICKS=`inline comments outside of #backticks` # work
INLINE_COMMENTS_SPACE=inline comments start with a#number sign. no space required.
EQUAL_SIGNS=equals==
RETAIN_INNER_QUOTES={"foo": "bar"}
RETAIN_INNER_QUOTES_AS_STRING='{"foo": "bar"}'
RETAIN_INNER_QUOTES_AS_BACKTICKS=`{"foo": "bar's"}`
TRIM_SPACE_FROM_UNQUOTED=    some spaced out string
USERNAME=therealnerdybeast@example.tld
    SPACED_KEY = parsed
export EXPORT_IS_DECLARED=parsed
export   EXPORT_IS_DECLARED_WITH_SPACING=parsed
export EXPORT_IS_DECLARED_WITH_SOME_VALUE=some_value
export EXPORT_IS_DECLARED_WITH_SOME_VALUE_SPACED=some_value
export   EXPORT_IS_DECLARED_WITH_SOME_VALUE_AND_SPACING  =some_value
"##;
        let expected = [
            ("BASIC", "basic"),
            ("AFTER_LINE", "after_line"),
            ("EMPTY", ""),
            ("EMPTY_SINGLE_QUOTES", ""),
            ("EMPTY_DOUBLE_QUOTES", ""),
            ("EMPTY_BACKTICKS", ""),
            ("SINGLE_QUOTES", "single_quotes"),
            ("SINGLE_QUOTES_SPACED", "    single quotes    "),
            ("DOUBLE_QUOTES", "double_quotes"),
            ("DOUBLE_QUOTES_SPACED", "    double quotes    "),
            (
                "DOUBLE_QUOTES_INSIDE_SINGLE",
                "double \"quotes\" work inside single quotes",
            ),
            (
                "DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET",
                "{ port: $MONGOLAB_PORT}",
            ),
            (
                "SINGLE_QUOTES_INSIDE_DOUBLE",
                "single 'quotes' work inside double quotes",
            ),
            (
                "BACKTICKS_INSIDE_SINGLE",
                "`backticks` work inside single quotes",
            ),
            (
                "BACKTICKS_INSIDE_DOUBLE",
                "`backticks` work inside double quotes",
            ),
            ("BACKTICKS", "backticks"),
            ("BACKTICKS_SPACED", "    backticks    "),
            (
                "DOUBLE_QUOTES_INSIDE_BACKTICKS",
                "double \"quotes\" work inside backticks",
            ),
            (
                "SINGLE_QUOTES_INSIDE_BACKTICKS",
                "single 'quotes' work inside backticks",
            ),
            (
                "DOUBLE_AND_SINGLE_QUOTES_INSIDE_BACKTICKS",
                "double \"quotes\" and single 'quotes' work inside backticks",
            ),
            ("EXPAND_NEWLINES", "expand\nnew\nlines"),
            ("DONT_EXPAND_UNQUOTED", "dontexpand\\nnewlines"),
            ("DONT_EXPAND_SQUOTED", "dontexpand\\nnewlines"),
            ("INLINE_COMMENTS", "inline comments"),
            (
                "INLINE_COMMENTS_SINGLE_QUOTES",
                "inline comments outside of #singlequotes",
            ),
            (
                "INLINE_COMMENTS_DOUBLE_QUOTES",
                "inline comments outside of #doublequotes",
            ),
            (
                "INLINE_COMMENTS_BACKTICKS",
                "inline comments outside of #backticks",
            ),
            (
                "INLINE_COMMENTS_SPACE",
                "inline comments start with a#number sign. no space required.",
            ),
            ("EQUAL_SIGNS", "equals=="),
            ("RETAIN_INNER_QUOTES", "{\"foo\": \"bar\"}"),
            ("RETAIN_INNER_QUOTES_AS_STRING", "{\"foo\": \"bar\"}"),
            ("RETAIN_INNER_QUOTES_AS_BACKTICKS", "{\"foo\": \"bar's\"}"),
            ("TRIM_SPACE_FROM_UNQUOTED", "some spaced out string"),
            ("USERNAME", "therealnerdybeast@example.tld"),
            ("SPACED_KEY", "parsed"),
            ("EXPORT_IS_DECLARED", "parsed"),
            ("EXPORT_IS_DECLARED_WITH_SPACING", "parsed"),
            ("EXPORT_IS_DECLARED_WITH_SOME_VALUE", "some_value"),
            ("EXPORT_IS_DECLARED_WITH_SOME_VALUE_SPACED", "some_value"),
            (
                "EXPORT_IS_DECLARED_WITH_SOME_VALUE_AND_SPACING",
                "some_value",
            ),
        ];
        let expected: Vec<_> = expected.iter().map(|(k, v)| kv(k, v)).collect();
        for nl in NEWLINES {
            assert_eq!(pairs(&with_newline(src, nl)), expected, "newline {nl:?}");
        }
        let file = parse(src);
        assert_eq!(file.commented.len(), 1);
        assert_eq!(file.commented[0].key, "COMMENTS");
        assert_eq!(file.commented[0].line, 26);
    }

    /// motdotla/dotenv `tests/test-parse.js`: the three line-ending payloads and duplicates.
    #[test]
    fn motdotla_line_endings_and_duplicates() {
        let expected = vec![
            kv("SERVER", "localhost"),
            kv("PASSWORD", "password"),
            kv("DB", "tests"),
        ];
        assert_eq!(
            pairs("SERVER=localhost\rPASSWORD=password\rDB=tests\r"),
            expected
        );
        assert_eq!(
            pairs("SERVER=localhost\nPASSWORD=password\nDB=tests\n"),
            expected
        );
        assert_eq!(
            pairs("SERVER=localhost\r\nPASSWORD=password\r\nDB=tests\r\n"),
            expected
        );
        assert_eq!(
            pairs("DUP=one\nDUP=two"),
            vec![kv("DUP", "one"), kv("DUP", "two")]
        );
        assert_eq!(
            expanded("DUP=one\nDUP=two"),
            vec![("DUP".to_string(), "two".to_string())]
        );
    }

    #[test]
    fn motdotla_multiline_pem() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnNl1tL3QjKp3DZWM0T3u\nu4QuUoobAgMBAAE=\n-----END PUBLIC KEY-----";
        for nl in NEWLINES {
            let src = with_newline(
                &format!(
                    "RETAIN_INNER_QUOTES={{\"foo\": \"bar\"}}\n\nMULTI_PEM_DOUBLE_QUOTED=\"{pem}\"\nNEXT=1\n"
                ),
                nl,
            );
            let file = parse(&src);
            assert!(file.errors.is_empty(), "newline {nl:?}");
            let e = entry(&file, "MULTI_PEM_DOUBLE_QUOTED");
            assert_eq!(e.value, Some(Secret::new(pem)), "newline {nl:?}");
            assert_eq!((e.line, e.end_line), (3, 6), "newline {nl:?}");
            assert_eq!(entry(&file, "NEXT").line, 7, "newline {nl:?}");
        }
    }

    #[test]
    fn json_value_over_several_lines() {
        let src = "CONFIG='{\n  \"a\": 1,\n  \"b\": [\"x\", \"y\"]\n}'\nNEXT=1\n";
        assert_eq!(
            value(src, "CONFIG"),
            "{\n  \"a\": 1,\n  \"b\": [\"x\", \"y\"]\n}"
        );
        assert_eq!(entry(&parse(src), "NEXT").line, 5);
    }

    #[test]
    fn byte_order_mark() {
        // motdotla/dotenv `tests/.env.bom`.
        let bytes = b"\xEF\xBB\xBFBASIC=basic\nSECOND=two\n";
        let file = parse_bytes(bytes);
        assert!(file.errors.is_empty());
        assert_eq!(entry(&file, "BASIC").value, Some(Secret::new("basic")));
        assert_eq!(
            (entry(&file, "BASIC").line, entry(&file, "BASIC").column),
            (1, 1)
        );
        let text = "\u{feff}BASIC=basic\r\nSECOND=two";
        assert_eq!(pairs(text), vec![kv("BASIC", "basic"), kv("SECOND", "two")]);
    }

    #[test]
    fn invalid_utf8_is_an_error_on_its_line() {
        let file = parse_bytes(b"A=1\nB=x\xFFy\nC=3\n");
        assert_eq!(
            file.errors,
            vec![LineError {
                line: 2,
                column: 4,
                message: "invalid UTF-8; env files must be UTF-8".to_string()
            }]
        );
        let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C"]);
        assert_eq!(entry(&file, "C").value, Some(Secret::new("3")));
        // Two bad bytes on one line give one error.
        let bad = parse_bytes(b"\xC3A=\xFF\xFE\n");
        assert_eq!(
            bad.errors
                .iter()
                .filter(|e| e.message.contains("UTF-8"))
                .count(),
            1
        );
        let utf16 = parse_bytes(b"\xFF\xFEA\x00=\x001\x00");
        assert!(utf16.entries.is_empty());
        assert_eq!(utf16.errors.len(), 1);
    }

    #[test]
    fn binary_data_is_one_error_at_the_first_nul() {
        for file in [
            parse_bytes(b"A=1\nB=2\r\nC=x\x00y\nD=\x00\n"),
            parse("A=1\nB=2\r\nC=x\0y\nD=\0\n"),
        ] {
            assert!(file.entries.is_empty());
            assert_eq!(
                file.errors,
                vec![LineError {
                    line: 3,
                    column: 4,
                    message: "binary data (a NUL byte); env files must be text".to_string()
                }]
            );
        }
    }

    #[test]
    fn errors_carry_line_column_and_parsing_goes_on() {
        for nl in NEWLINES {
            let src = with_newline(
                "GOOD=1\nBAD KEY=2\n1ABC=3\n=nokey\nKEY$=4\nURL:http://x\nAFTER=5\n",
                nl,
            );
            let file = parse(&src);
            let got: Vec<(usize, usize, &str)> = file
                .errors
                .iter()
                .map(|e| (e.line, e.column, e.message.as_str()))
                .collect();
            assert_eq!(
                got,
                vec![
                    (2, 5, "expected `=` after the key"),
                    (3, 1, "invalid key: a key starts with a letter or `_`"),
                    (4, 1, "missing key before `=`"),
                    (
                        5,
                        4,
                        "invalid key: a key holds only letters, digits, `_`, `.` and `-`"
                    ),
                    (6, 4, "expected `=` after the key"),
                ],
                "newline {nl:?}"
            );
            let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["GOOD", "AFTER"], "newline {nl:?}");
            assert_eq!(entry(&file, "AFTER").line, 7, "newline {nl:?}");
        }
    }

    #[test]
    fn unterminated_quote_resumes_after_the_opening_line() {
        for nl in NEWLINES {
            let src = with_newline("A=1\n  B=\"never closed\nC=3\nD='also open\n", nl);
            let file = parse(&src);
            assert_eq!(
                file.errors
                    .iter()
                    .map(|e| (e.line, e.column, e.message.as_str()))
                    .collect::<Vec<_>>(),
                vec![
                    (2, 5, "unterminated double-quoted value starting here"),
                    (4, 3, "unterminated single-quoted value starting here"),
                ],
                "newline {nl:?}"
            );
            let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["A", "C"], "newline {nl:?}");
            assert_eq!(entry(&file, "C").line, 3);
        }
        assert_eq!(
            errors("A=`x"),
            vec![(
                1,
                3,
                "unterminated backtick-quoted value starting here".to_string()
            )]
        );
        assert_eq!(
            errors("A=\"ends with backslash\\\""),
            vec![(
                1,
                3,
                "unterminated double-quoted value starting here".to_string()
            )]
        );
    }

    #[test]
    fn text_after_a_closing_quote() {
        assert_eq!(
            errors("A=\"x\"y\nB=1\n"),
            vec![(1, 6, "unexpected text after the closing quote".to_string())]
        );
        let file = parse("A=\"x\nB=\"y\"\nC=1\n");
        assert_eq!(
            file.errors
                .iter()
                .map(|e| (e.line, e.column, e.message.as_str()))
                .collect::<Vec<_>>(),
            vec![(
                2,
                4,
                "unexpected text after the closing quote of the value that starts on line 1"
            )]
        );
        assert_eq!(file.entries.len(), 1);
        assert_eq!(file.entries[0].key, "C");
    }

    #[test]
    fn error_messages_never_hold_text_from_the_line() {
        let canary = "CANARY_9f2e41";
        let srcs = [
            format!("BAD KEY={canary}\n"),
            format!("{canary} {canary}\n"),
            format!("1{canary}={canary}\n"),
            format!("={canary}\n"),
            format!("K{canary}$={canary}\n"),
            format!("A=\"{canary}\n"),
            format!("A='{canary}\n"),
            format!("A=`{canary}\n"),
            format!("A=\"{canary}\"{canary}\n"),
            format!("A=\"x\n{canary}\"{canary}\n"),
            format!("{canary}:{canary}\n"),
        ];
        for src in &srcs {
            let file = parse(src);
            assert!(!file.errors.is_empty(), "expected an error for {src:?}");
            for e in &file.errors {
                assert!(!e.message.contains("CANARY"), "{:?}", e.message);
                assert!(!e.message.contains("9f2e41"), "{:?}", e.message);
            }
            assert!(file.entries.is_empty(), "{src:?}");
            assert!(!format!("{file:?}").contains("9f2e41"), "{src:?}");
        }
        let mut bytes = format!("A={canary}").into_bytes();
        bytes.push(0xFF);
        let file = parse_bytes(&bytes);
        assert!(!file.errors[0].message.contains("CANARY"));
        assert!(!format!("{:?}", file.entries).contains("CANARY"));
    }

    #[test]
    fn optional_markers() {
        let src = "\
A=1 # optional
B=2 # Optional: only in production
C=\"x\" # @optional
D=3 # not optional
E # optional
# @optional
F=4
# @optional

G=5
# this is @optional, see docs
H=
I=6 #optional
J=7 # optionally
";
        let file = parse(src);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let got: Vec<(&str, bool)> = file
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.optional))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", true),
                ("B", true),
                ("C", true),
                ("D", false),
                ("E", true),
                ("F", true),
                ("G", false),
                ("H", true),
                ("I", true),
                ("J", false),
            ]
        );
        for nl in NEWLINES {
            let file = parse(&with_newline("# @optional\nX=1\nY=2 # optional\n", nl));
            assert!(
                entry(&file, "X").optional && entry(&file, "Y").optional,
                "newline {nl:?}"
            );
        }
    }

    #[test]
    fn commented_out_entries() {
        let src = "\
# Database settings
# DATABASE_URL=postgres://localhost/app
#SENTRY_DSN=
# export REDIS_URL=\"redis://x\" # optional
# @optional
# FEATURE_FLAG='on'
# See https://example.com/?a=b
# Set FOO=bar to enable
# BARE_WORD
# PEM=\"-----BEGIN
REAL=1
";
        let file = parse(src);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.entries.len(), 1);
        let got: Vec<(&str, usize, usize, bool, bool)> = file
            .commented
            .iter()
            .map(|e| (e.key.as_str(), e.line, e.column, e.exported, e.optional))
            .collect();
        assert_eq!(
            got,
            vec![
                ("DATABASE_URL", 2, 3, false, false),
                ("SENTRY_DSN", 3, 2, false, false),
                ("REDIS_URL", 4, 10, true, true),
                ("FEATURE_FLAG", 6, 3, false, true),
                ("PEM", 10, 3, false, false),
            ]
        );
        assert!(file.commented.iter().all(|e| e.commented_out));
        assert!(file.entries.iter().all(|e| !e.commented_out));
        assert_eq!(
            file.commented[0].value,
            Some(Secret::new("postgres://localhost/app"))
        );
        assert_eq!(file.commented[2].value, Some(Secret::new("redis://x")));
        assert_eq!(
            (file.commented[4].value.as_ref(), file.commented[4].quote),
            (None, Quote::Double)
        );
        // Commented-out entries are never expanded into values.
        assert_eq!(expanded(src), vec![("REAL".to_string(), "1".to_string())]);
    }

    #[test]
    fn expansion_of_earlier_entries() {
        let src = "\
HOST=localhost
PORT=5432
URL=postgres://${HOST}:$PORT/db
BRACED=${HOST}x
PLAIN=$HOSTx
";
        assert_eq!(expanded_value(src, "URL"), "postgres://localhost:5432/db");
        assert_eq!(expanded_value(src, "BRACED"), "localhostx");
        assert_eq!(expanded_value(src, "PLAIN"), "");
    }

    #[test]
    fn expansion_defaults() {
        let src = "\
EMPTY=
SET=value
A=${UNSET:-d1}
B=${EMPTY:-d2}
C=${SET:-d3}
D=${UNSET-d4}
E=${EMPTY-d5}
F=${SET-d6}
G=${UNSET:-${SET}-nested}
H=${SET:+alt}
I=${UNSET:+alt}
J=${UNSET:?must be set}
K=\"${UNSET:-two words}\"
";
        let got = expanded(src);
        let get = |k: &str| {
            got.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("A"), Some("d1"));
        assert_eq!(get("B"), Some("d2"));
        assert_eq!(get("C"), Some("value"));
        assert_eq!(get("D"), Some("d4"));
        assert_eq!(get("E"), Some(""));
        assert_eq!(get("F"), Some("value"));
        assert_eq!(get("G"), Some("value-nested"));
        assert_eq!(get("H"), Some("alt"));
        assert_eq!(get("I"), Some(""));
        assert_eq!(get("J"), Some(""));
        assert_eq!(get("K"), Some("two words"));
    }

    #[test]
    fn expansion_uses_only_earlier_entries_of_the_file() {
        // Names every process has; the file's own values must win, and unknown ones are "".
        let src = "A=$PATH-$HOME-${USER}\nLATER=${B}\nB=1\nPATH=mine\nC=$PATH\n";
        assert_eq!(expanded_value(src, "A"), "--");
        assert_eq!(expanded_value(src, "LATER"), "");
        assert_eq!(expanded_value(src, "C"), "mine");
        // A self reference reads the previous definition.
        assert_eq!(expanded_value("P=a\nP=${P}:b\n", "P"), "a:b");
    }

    #[test]
    fn expansion_respects_quotes_and_escapes() {
        let src = "\
X=1
SINGLE='$X ${X}'
DOUBLE=\"$X \\$X \\\\$X \\n\"
BACKTICK=`$X`
UNQUOTED=\\$X $X
LONE=cost $ 5 and ${
REF_TO_SINGLE=$SINGLE
";
        let got = expanded(src);
        let get = |k: &str| got.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(get("SINGLE").as_deref(), Some("$X ${X}"));
        assert_eq!(get("DOUBLE").as_deref(), Some("1 $X \\1 \n"));
        assert_eq!(get("BACKTICK").as_deref(), Some("1"));
        assert_eq!(get("UNQUOTED").as_deref(), Some("$X 1"));
        assert_eq!(get("LONE").as_deref(), Some("cost $ 5 and ${"));
        // An inserted value is not expanded again.
        assert_eq!(get("REF_TO_SINGLE").as_deref(), Some("$X ${X}"));
    }

    #[test]
    fn expansion_last_value_wins_and_bare_keys_unset() {
        let src = "A=1\nB=x\nA=2\nB\nC=$B.\n";
        assert_eq!(
            expanded(src),
            vec![
                ("A".to_string(), "2".to_string()),
                ("C".to_string(), ".".to_string())
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        let samples = [
            "",
            "\n",
            "\r",
            "\r\n",
            "=",
            "#",
            "\"",
            "'",
            "`",
            "A=\"",
            "A=\"\\",
            "A=\\",
            "é=1",
            "A=é\"",
            "A=\"é",
            "ключ=значение",
            "A=${",
            "A=${é",
            "A=$é",
            "A=${A:-",
            "A=${:-x}",
            "A:",
            "A:\u{3000}x",
            "export",
            "export ",
            "export é",
            "\u{feff}",
            "\u{feff}\u{feff}A=1",
            "A=\"x\"\u{2028}",
            "#\u{2028}A=1",
            "A=1\u{0}",
            "😀=😀",
            "A = '😀'😀",
            "\t\t\t",
            "A=\"${B:-${C:-${D}}}\"",
            "A=${B:-}}}}",
            "A=$",
            "A=\"\\$\"",
            "# A=\"é",
            "#é",
            "# @optional",
        ];
        for s in samples {
            let file = parse(s);
            let _ = expand(&file);
            for e in file.entries.iter().chain(&file.commented) {
                assert!(
                    e.line >= 1 && e.column >= 1 && e.end_line >= e.line,
                    "{s:?}"
                );
            }
            let _ = parse_bytes(s.as_bytes());
        }
        // Every prefix of a tricky text, cut at every byte.
        let text = "A=\"é\\n\r\nB\"\rexport C:\t'ü'  # optional\n#D=`x\nE=${F:-é}$G\n";
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() {
            let file = parse_bytes(bytes.get(..i).unwrap_or_default());
            let _ = expand(&file);
            if let Ok(s) = std::str::from_utf8(bytes.get(..i).unwrap_or_default()) {
                let _ = expand(&parse(s));
            }
        }
    }

    #[test]
    fn expansion_is_bounded() {
        // A "billion laughs": each line doubles the text ten times over.
        let mut src = format!("L0={}\n", "x".repeat(1000));
        for i in 1..8 {
            src.push_str(&format!("L{i}={}\n", format!("${{L{}}}", i - 1).repeat(10)));
        }
        let start = std::time::Instant::now();
        let values = expanded(&src);
        let total: usize = values.iter().map(|(_, v)| v.len()).sum();
        assert!(total <= super::super::MAX_EXPANSION + src.len(), "{total}");
        // the values past the budget keep their references as written: never empty
        assert!(values.iter().all(|(_, v)| !v.is_empty()));
        assert_eq!(expanded_value(&src, "L7"), "${L6}".repeat(10));
        // Deeply nested defaults of an unset variable; a `${` that never closes, repeated.
        let nested = format!(
            "N=\"{}x{}\"\n",
            "${U:-".repeat(100_000),
            "}".repeat(100_000)
        );
        let value = expanded_value(&nested, "N");
        assert!(
            value.starts_with("${U:-") && value.ends_with('}'),
            "kept as written"
        );
        let unclosed = format!("O=\"{}\"\n", "${".repeat(200_000));
        assert_eq!(expanded_value(&unclosed, "O"), "${".repeat(200_000));
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        // Within the bounds nothing changes.
        assert_eq!(expanded_value("A=\nB=${A:-${C:-${D:-d}}}\n", "B"), "d");
    }

    #[test]
    fn positions_count_characters_on_every_line_ending() {
        for nl in NEWLINES {
            let src = with_newline("é=1\n  ü = 2\n  KEY=\"a\nb\"\n\tNEXT=3\n", nl);
            let file = parse(&src);
            // `é` and `ü` are not keys: errors at their columns.
            assert_eq!(
                file.errors
                    .iter()
                    .map(|e| (e.line, e.column))
                    .collect::<Vec<_>>(),
                vec![(1, 1), (2, 3)],
                "newline {nl:?}"
            );
            let k = entry(&file, "KEY");
            assert_eq!((k.line, k.column, k.end_line), (3, 3, 4), "newline {nl:?}");
            let n = entry(&file, "NEXT");
            assert_eq!((n.line, n.column), (5, 2), "newline {nl:?}");
        }
    }
}
