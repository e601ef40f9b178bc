//! Fly.io apps: the `[env]` table of `fly.toml`, or the output of `fly secrets list --json`.
//!
//! `[env]` holds plain values (`LOG_LEVEL = "info"`), set or empty; TOML numbers and booleans
//! are set too (flyctl passes them as their text). `fly secrets list --json` writes an array of
//! `{name, digest, createdAt}` (older flyctl: `Name`, `Digest`, `CreatedAt`): names only, each
//! [`ValueState::External`]. Which of the two a file is comes from its text: a JSON array starts
//! with `[` followed by `{` or `]`, which no TOML document does.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only; a TOML error is reported
//! with its line and never with the parser's message, which quotes the input.

use toml::de::{DeTable, DeValue};

use super::json_tree;
use super::{Names, SourceData, SourceError, ValueState, error_at};
use crate::secret::Secret;
use crate::span::LineIndex;

/// Reads `fly.toml` or the output of `fly secrets list --json`.
pub fn read(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_json_array(text) {
        read_secrets(path, text)
    } else {
        read_toml(path, text)
    }
}

fn is_json_array(text: &str) -> bool {
    let mut rest = text.trim_start().chars();
    rest.next() == Some('[') && matches!(rest.find(|c| !c.is_whitespace()), Some('{' | ']'))
}

fn read_secrets(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let mut names = Names::new(path);
    for item in doc.as_array().unwrap_or_default() {
        let Some(name) = item.entry("name").or_else(|| item.entry("Name")) else {
            return Err(error_at(path, item.line, "a secret has no `name`"));
        };
        let Some(text) = name.value.as_str() else {
            return Err(error_at(
                path,
                name.line,
                "a secret's `name` is not a string",
            ));
        };
        names.set(text, name.line, ValueState::External)?;
    }
    Ok(SourceData {
        provided: names.into_provided(),
        ..SourceData::default()
    })
}

fn read_toml(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let lines = LineIndex::new(text.as_bytes());
    let line_at = |offset: usize| lines.position(text.as_bytes(), offset).line;
    let doc = DeTable::parse(text).map_err(|e| {
        // the parser's message may quote the line, which may hold a value
        error_at(
            path,
            e.span().map_or(0, |s| line_at(s.start)),
            "invalid TOML",
        )
    })?;
    let mut data = SourceData::default();
    let mut names = Names::new(path);
    let env = doc
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "env");
    match env {
        None => data
            .notices
            .push("fly.toml has no [env] table; it sets no variable".to_string()),
        Some((key, value)) => {
            let DeValue::Table(table) = value.get_ref() else {
                return Err(error_at(
                    path,
                    line_at(key.span().start),
                    "`env` is not a table",
                ));
            };
            for (name, value) in table {
                let line = line_at(name.span().start);
                let text = match value.get_ref() {
                    DeValue::String(s) => s.to_string(),
                    DeValue::Integer(i) => i.to_string(),
                    DeValue::Float(f) => f.to_string(),
                    DeValue::Boolean(b) => b.to_string(),
                    DeValue::Datetime(d) => d.to_string(),
                    DeValue::Array(_) | DeValue::Table(_) => {
                        return Err(error_at(
                            path,
                            line,
                            format!(
                                "[env] `{}` holds an array or a table, not a value",
                                printable_key(name.get_ref())
                            ),
                        ));
                    }
                };
                names.set(name.get_ref(), line, ValueState::Value(Secret::new(text)))?;
            }
        }
    }
    data.provided = names.into_provided();
    Ok(data)
}

/// A key for a message: only when it is a name (a key that is not one is reported without it).
fn printable_key(key: &str) -> &str {
    if super::name_problem(key).is_none() {
        key
    } else {
        "(a key)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fly_toml_env() {
        let text = "app = \"api\"\nprimary_region = \"ams\"\n\n[build]\n  image = \"x\"\n\n[env]\n  LOG_LEVEL = \"CANARY-FLY-UNIT-1\"\n  EMPTY = ''\n  PORT = 8080\n  DEBUG = false\n\n[[services]]\n  internal_port = 8080\n";
        let data = read("fly.toml", text).expect("reads");
        let got = crate::sources::testing::provided(&data);
        assert_eq!(
            got,
            [
                ("DEBUG", Some(false), 11),
                ("EMPTY", Some(true), 9),
                ("LOG_LEVEL", Some(false), 8),
                ("PORT", Some(false), 10)
            ]
        );
        assert!(!format!("{data:?}").contains("CANARY"));
        // dotted keys and inline tables are the same table
        let data = read("fly.toml", "env.A = \"1\"\n").expect("dotted");
        assert_eq!(data.provided.len(), 1);
        let data = read("fly.toml", "env = { A = \"1\", B = \"\" }\n").expect("inline");
        assert_eq!(data.provided.len(), 2);
        let data = read("fly.toml", "app = \"x\"\n").expect("no env");
        assert!(data.provided.is_empty() && data.notices.len() == 1);
    }

    #[test]
    fn secrets_list() {
        let text = "[\n  {\"name\": \"DATABASE_URL\", \"digest\": \"a1b2\", \"createdAt\": \"2024-01-01T00:00:00Z\"},\n  {\"Name\": \"OLD_STYLE\", \"Digest\": \"c3d4\", \"CreatedAt\": \"x\"}\n]\n";
        let data = read("secrets.json", text).expect("reads");
        assert_eq!(data.provided.len(), 2);
        assert!(
            data.provided
                .iter()
                .all(|p| matches!(p.state, ValueState::External))
        );
        assert_eq!(read("secrets.json", "[]").expect("empty").provided.len(), 0);
    }

    #[test]
    fn errors_without_values() {
        crate::sources::testing::errors_without_values(
            |text| read("fly.toml", text),
            &[
                ("[env]\nA = \"CANARY-FLY-2\nB = 1\n", 2),
                ("[env]\nA = [\"CANARY-FLY-3\"]\n", 2),
                ("[env]\n\"A B\" = \"CANARY-FLY-4\"\n", 2),
                ("env = \"CANARY-FLY-5\"\n", 1),
                ("[\n{\"name\": \"A=CANARY-FLY-6\"}]", 2),
            ],
        );
    }
}
