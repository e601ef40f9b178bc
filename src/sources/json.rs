//! JSON dumps of an environment: one flat object of name -> string, number or boolean, as written
//! by `jq -n env`, secret managers' `--output json` or a deploy tool.
//!
//! `null` means the name is not set and is left out. Nested objects and arrays are errors that
//! name the key. Pure: the caller reads the file. Values go into [`Secret`] only.

use std::collections::HashMap;

use serde_json::Value;
use serde_json::error::Category;

use super::{Provided, SourceData, SourceError, ValueState, name_problem};
use crate::secret::Secret;
use crate::span::LineIndex;

/// Reads a flat JSON object of names and values.
pub fn read(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: Option<usize>, message: String| SourceError {
        path: path.to_string(),
        line,
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            Category::Eof => "invalid JSON: it ends too early".to_string(),
            Category::Syntax => format!("invalid JSON: {}", syntax_message(&e)),
            Category::Data | Category::Io => "invalid JSON".to_string(),
        };
        err(Some(e.line().max(1)), what)
    })?;
    let Value::Object(map) = value else {
        return Err(err(
            Some(1),
            "expected a JSON object of names and values".to_string(),
        ));
    };
    let lines = key_lines(text);
    let mut data = SourceData::default();
    for (name, value) in map {
        let line = lines.get(name.as_str()).copied().unwrap_or(0);
        if let Some(problem) = name_problem(&name) {
            return Err(err((line > 0).then_some(line), format!("a key {problem}")));
        }
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(err(
                    (line > 0).then_some(line),
                    format!(
                        "`{name}` holds a nested object or array; expected a string, a number, \
                         a boolean or null"
                    ),
                ));
            }
        };
        data.provided.push(Provided {
            name,
            state: ValueState::Value(Secret::new(text)),
            path: path.to_string(),
            line,
        });
    }
    data.provided.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(data)
}

/// The message of a syntax error without serde_json's ` at line L column C` suffix. Syntax
/// messages are fixed texts that quote no input.
fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    }
}

/// The line of each key of the top-level object (the last occurrence of a repeated key, which is
/// the one serde_json keeps). Only called on text that parsed as JSON.
fn key_lines(text: &str) -> HashMap<String, usize> {
    let bytes = text.as_bytes();
    let index = LineIndex::new(bytes);
    let mut lines = HashMap::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = (i + 1).min(bytes.len());
                if depth == 1
                    && next_is_colon(&bytes[end..])
                    && let Ok(key) = serde_json::from_str::<String>(&text[start..end])
                {
                    lines.insert(key, index.position(bytes, start).line);
                }
            }
            _ => {}
        }
        i += 1;
    }
    lines
}

fn next_is_colon(rest: &[u8]) -> bool {
    rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(data: &SourceData, name: &str) -> String {
        let p = data
            .provided
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} not provided"));
        match &p.state {
            ValueState::Value(v) => v.expose().to_string(),
            other => panic!("{name} is {other:?}"),
        }
    }

    fn line(data: &SourceData, name: &str) -> usize {
        data.provided
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.line)
            .unwrap_or_else(|| panic!("{name} not provided"))
    }

    #[test]
    fn flat_object() {
        let data = read(
            "env.json",
            "{\n  \"DATABASE_URL\": \"postgres://db\",\n  \"PORT\": 5432,\n  \"RATIO\": 0.5,\n  \"DEBUG\": false,\n  \"UNSET\": null,\n  \"EMPTY\": \"\",\n  \"ESC\\u0041PED\": \"x\"\n}\n",
        )
        .expect("reads");
        let names: Vec<_> = data.provided.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["DATABASE_URL", "DEBUG", "EMPTY", "ESCAPED", "PORT", "RATIO"]
        );
        assert_eq!(value(&data, "DATABASE_URL"), "postgres://db");
        assert_eq!(value(&data, "PORT"), "5432");
        assert_eq!(value(&data, "RATIO"), "0.5");
        assert_eq!(value(&data, "DEBUG"), "false");
        assert_eq!(value(&data, "EMPTY"), "");
        assert_eq!(line(&data, "DATABASE_URL"), 2);
        assert_eq!(line(&data, "EMPTY"), 7);
        assert_eq!(line(&data, "ESCAPED"), 8);
        assert_eq!(data.provided[0].path, "env.json");
    }

    #[test]
    fn keys_inside_strings_and_values_do_not_confuse_lines() {
        let data = read(
            "env.json",
            "{\"A\": \"\\\"B\\\": 1\",\r\n \"B\": \"x\", \"C\":\r\n \"}\"}",
        )
        .expect("reads");
        assert_eq!(line(&data, "A"), 1);
        assert_eq!(line(&data, "B"), 2);
        assert_eq!(line(&data, "C"), 2);
    }

    #[test]
    fn repeated_key_keeps_the_last() {
        let data = read("env.json", "{\"A\": \"1\",\n\"A\": \"2\"}").expect("reads");
        assert_eq!(value(&data, "A"), "2");
        assert_eq!(line(&data, "A"), 2);
    }

    #[test]
    fn nested_values_name_the_key() {
        for text in [
            "{\"OK\": \"CANARY-J-UNIT-1\",\n \"NESTED\": {\"a\": \"CANARY-J-UNIT-2\"}}",
            "{\"OK\": \"CANARY-J-UNIT-1\",\n \"NESTED\": [\"CANARY-J-UNIT-2\"]}",
        ] {
            let err = read("env.json", text).expect_err("nested");
            assert_eq!(err.line, Some(2));
            assert!(err.message.contains("`NESTED`"), "{err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"));
        }
    }

    #[test]
    fn values_in_key_position_are_refused_unprinted() {
        for key in [
            "A=CANARY-J-UNIT-5",
            "A CANARY-J-UNIT-6",
            "sk_live_CANARYJ7a1b2c3d4e5f6g7h8i9",
            "",
        ] {
            let text = format!("{{\"OK\": \"x\",\n \"{key}\": \"y\"}}");
            let err = read("env.json", &text).expect_err(key);
            assert_eq!(err.line, Some(2), "{err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }

    #[test]
    fn malformed_json_has_a_line_and_no_content() {
        let err = read(
            "env.json",
            "{\n \"A\": \"CANARY-J-UNIT-3\",\n \"B\": CANARY-J-UNIT-4\n}",
        )
        .expect_err("malformed");
        assert_eq!(err.path, "env.json");
        assert_eq!(err.line, Some(3));
        assert!(err.message.starts_with("invalid JSON"), "{err}");
        assert!(!format!("{err} {err:?}").contains("CANARY"));
        let err = read("env.json", "{\"A\": \"x\"").expect_err("eof");
        assert_eq!(err.line, Some(1));
        let err = read("env.json", "[\"A\"]").expect_err("not an object");
        assert!(err.message.contains("object"), "{err}");
        assert!(read("env.json", "").is_err());
        let deep = "[".repeat(10_000);
        assert!(read("env.json", &deep).is_err());
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let data = read("env.json", "\u{feff}{\"A\": \"x\"}").expect("reads");
        assert_eq!(value(&data, "A"), "x");
    }

    #[test]
    fn canaries_never_reach_debug_output() {
        let data = read("env.json", "{\"A\": \"CANARY-J-UNIT-5\", \"B\": 8675309}").expect("reads");
        let debug = format!("{data:?} {data:#?}");
        assert!(
            !debug.contains("CANARY") && !debug.contains("8675309"),
            "{debug}"
        );
    }
}
