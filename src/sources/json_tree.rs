//! A JSON document tree with the line of every value and key, shared by the readers of platform
//! exports (ECS task definitions, GitHub and GitLab variables, Fly secrets, SSM parameters,
//! Infisical and Vault KV exports).
//!
//! `serde_json` checks the text first: it is the JSON grammar, gives the line of a syntax error
//! and bounds nesting (128 levels), but its `Value` knows no lines, and a name that fails the name
//! check must be reported with its line. So once the text is known to be JSON, a second pass over
//! the same bytes builds the tree with lines; it only has to find token boundaries, since
//! `serde_json` decodes each string (escapes, surrogate pairs). Both passes are linear in the text,
//! and the second recurses no deeper than the first allowed.
//!
//! Strings and numbers are values from exports of secret stores: they are held in [`Secret`], so
//! the tree's `Debug` shows no value. Errors built here quote nothing from the input.

use serde_json::error::Category;

use super::SourceError;
use crate::secret::Secret;
use crate::span::LineIndex;

/// One JSON value and the 1-based line it starts on.
#[derive(Debug)]
pub(crate) struct JsonNode {
    pub(crate) line: usize,
    pub(crate) value: JsonValue,
}

#[derive(Debug)]
pub(crate) enum JsonValue {
    Null,
    Bool(bool),
    /// A number as written.
    Number(Secret),
    String(Secret),
    Array(Vec<JsonNode>),
    Object(Vec<JsonEntry>),
}

/// One member of an object: the key, its line, and the value.
#[derive(Debug)]
pub(crate) struct JsonEntry {
    pub(crate) key: String,
    pub(crate) line: usize,
    pub(crate) value: JsonNode,
}

impl JsonNode {
    /// The value of `key` in an object: the last member of that name, as JSON readers keep.
    pub(crate) fn get(&self, key: &str) -> Option<&JsonNode> {
        self.entry(key).map(|e| &e.value)
    }

    /// The last member named `key` of an object.
    pub(crate) fn entry(&self, key: &str) -> Option<&JsonEntry> {
        match &self.value {
            JsonValue::Object(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[JsonNode]> {
        match &self.value {
            JsonValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&[JsonEntry]> {
        match &self.value {
            JsonValue::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The text of a string; `None` for anything else.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s.expose()),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.value {
            JsonValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self.value, JsonValue::Null)
    }

    /// A scalar as the text an environment variable would hold (`5432`, `true`); `None` for
    /// null, an array or an object.
    pub(crate) fn scalar_text(&self) -> Option<Secret> {
        match &self.value {
            JsonValue::String(s) | JsonValue::Number(s) => Some(s.clone()),
            JsonValue::Bool(b) => Some(Secret::new(b.to_string())),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match &self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// Parses `text` (a leading byte order mark is skipped). The error names `path` and the line.
pub(crate) fn parse(path: &str, text: &str) -> Result<JsonNode, SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| {
        let what = match e.classify() {
            Category::Eof => "invalid JSON: it ends too early".to_string(),
            Category::Syntax => format!("invalid JSON: {}", syntax_message(&e)),
            Category::Data | Category::Io => "invalid JSON".to_string(),
        };
        SourceError {
            path: path.to_string(),
            line: Some(e.line().max(1)),
            message: what,
        }
    })?;
    let mut builder = Builder {
        text,
        bytes: text.as_bytes(),
        at: 0,
        lines: LineIndex::new(text.as_bytes()),
    };
    builder.skip_space();
    builder.value(0).ok_or_else(|| SourceError {
        path: path.to_string(),
        line: Some(builder.line()),
        message: format!("invalid JSON: nested more than {DEPTH_LIMIT} levels"),
    })
}

/// The deepest nesting accepted (what `serde_json` allows when it builds a value).
const DEPTH_LIMIT: usize = 128;

/// The message of a syntax error without serde_json's ` at line L column C` suffix. Syntax
/// messages are fixed texts that quote no input.
pub(crate) fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    }
}

/// The second pass: builds the tree over text `serde_json` has accepted. Every method returns
/// `None` on anything unexpected, which valid JSON never has, and on nesting deeper than
/// [`DEPTH_LIMIT`] (`serde_json` checks JSON it skips without that bound).
struct Builder<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    lines: LineIndex,
}

impl Builder<'_> {
    fn line(&self) -> usize {
        self.lines.position(self.bytes, self.at).line
    }

    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsonNode> {
        if depth > DEPTH_LIMIT {
            return None;
        }
        let line = self.line();
        let value =
            match *self.bytes.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    let mut entries = Vec::new();
                    self.skip_space();
                    if self.bytes.get(self.at) == Some(&b'}') {
                        self.at += 1;
                    } else {
                        loop {
                            self.skip_space();
                            let key_line = self.line();
                            let key = self.string()?;
                            self.skip_space();
                            (self.bytes.get(self.at) == Some(&b':')).then_some(())?;
                            self.at += 1;
                            self.skip_space();
                            let value = self.value(depth + 1)?;
                            entries.push(JsonEntry {
                                key,
                                line: key_line,
                                value,
                            });
                            self.skip_space();
                            match self.bytes.get(self.at)? {
                                b',' => self.at += 1,
                                b'}' => {
                                    self.at += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    JsonValue::Object(entries)
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    self.skip_space();
                    if self.bytes.get(self.at) == Some(&b']') {
                        self.at += 1;
                    } else {
                        loop {
                            self.skip_space();
                            items.push(self.value(depth + 1)?);
                            self.skip_space();
                            match self.bytes.get(self.at)? {
                                b',' => self.at += 1,
                                b']' => {
                                    self.at += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    JsonValue::Array(items)
                }
                b'"' => JsonValue::String(Secret::new(self.string()?)),
                b't' => self.literal("true", JsonValue::Bool(true))?,
                b'f' => self.literal("false", JsonValue::Bool(false))?,
                b'n' => self.literal("null", JsonValue::Null)?,
                _ => {
                    let start = self.at;
                    while self.bytes.get(self.at).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.at += 1;
                    }
                    if self.at == start {
                        return None;
                    }
                    JsonValue::Number(Secret::new(self.text.get(start..self.at)?))
                }
            };
        Some(JsonNode { line, value })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Option<JsonValue> {
        self.bytes[self.at..]
            .starts_with(word.as_bytes())
            .then_some(())?;
        self.at += word.len();
        Some(value)
    }

    /// The string token at the cursor, decoded by `serde_json`.
    fn string(&mut self) -> Option<String> {
        (self.bytes.get(self.at) == Some(&b'"')).then_some(())?;
        let start = self.at;
        self.at += 1;
        loop {
            match *self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        serde_json::from_str::<String>(self.text.get(start..self.at)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_values() {
        let text = "{\n  \"a\": [\n    {\"name\": \"X\",\n     \"value\": \"CANARY-JT-1\"},\n    2.5e3, true, null\n  ],\r\n  \"b\\u0041\": \"\\ud83d\\ude00\"\n}\n";
        let doc = parse("t.json", text).expect("parses");
        assert_eq!(doc.line, 1);
        let a = doc.entry("a").expect("a");
        assert_eq!(a.line, 2);
        let items = a.value.as_array().expect("array");
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].get("name").and_then(JsonNode::as_str), Some("X"));
        assert_eq!(items[0].entry("value").map(|e| e.line), Some(4));
        assert_eq!(
            items[1].scalar_text().map(|s| s.expose().to_string()),
            Some("2.5e3".to_string())
        );
        assert_eq!(items[2].as_bool(), Some(true));
        assert!(items[3].is_null());
        let b = doc.entry("bA").expect("escaped key");
        assert_eq!(b.line, 7);
        assert_eq!(b.value.as_str(), Some("😀"));
        assert!(!format!("{doc:?}").contains("CANARY"));
    }

    #[test]
    fn repeated_keys_keep_the_last() {
        let doc = parse("t.json", "{\"a\": 1,\n\"a\": 2}").expect("parses");
        assert_eq!(doc.entry("a").map(|e| e.line), Some(2));
    }

    #[test]
    fn errors_have_lines_and_no_content() {
        let err = parse("t.json", "{\n \"a\": CANARY-JT-2\n}").expect_err("bad");
        assert_eq!(err.line, Some(2));
        assert!(!format!("{err} {err:?}").contains("CANARY"));
        assert!(parse("t.json", "").is_err());
        assert!(parse("t.json", &"[".repeat(100_000)).is_err());
        let doc = parse("t.json", "\u{feff}[]").expect("bom");
        assert_eq!(doc.as_array().map(<[_]>::len), Some(0));
    }
}
