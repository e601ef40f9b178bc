//! Infisical, as `infisical export --format json` writes it: an array of the secrets of one
//! environment and path, `[{"key", "value", "type", "secretPath", "tags", "comment", ...}]`
//! (the CLI marshals its `SingleEnvironmentVariable` list). Personal overrides and imports are
//! already resolved by the CLI; a key listed twice keeps the later entry.
//!
//! Values are set or empty. This export holds decrypted secrets: they go into [`Secret`] only.
//! Pure: the caller reads the file.

use super::json_tree;
use super::{Names, SourceData, SourceError, ValueState, error_at};
use crate::secret::Secret;

/// Reads `infisical export --format json` output.
pub fn read(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let Some(items) = doc.as_array() else {
        return Err(error_at(
            path,
            doc.line,
            "expected the output of `infisical export --format json` (an array of `{key, \
             value}`)",
        ));
    };
    let mut names = Names::new(path);
    for item in items {
        let Some(key) = item.entry("key") else {
            return Err(error_at(path, item.line, "a secret has no `key`"));
        };
        let Some(name) = key.value.as_str() else {
            return Err(error_at(path, key.line, "a secret's `key` is not a string"));
        };
        let value = match item.get("value") {
            None => Secret::default(),
            Some(v) if v.is_null() => Secret::default(),
            Some(v) => v.scalar_text().ok_or_else(|| {
                error_at(
                    path,
                    v.line,
                    format!("secret `{name}` has {} as its value", v.kind()),
                )
            })?,
        };
        names.set(name, key.line, ValueState::Value(value))?;
    }
    Ok(SourceData {
        provided: names.into_provided(),
        ..SourceData::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export() {
        let text = r#"[{"key":"DATABASE_URL","workspace":"w1","value":"CANARY-INF-UNIT-1","type":"shared","_id":"1","secretPath":"/","tags":[],"comment":"","Etag":"e","skipMultilineEncoding":false},
{"key":"EMPTY","workspace":"w1","value":"","type":"shared","_id":"2","secretPath":"/","tags":[],"comment":""}]"#;
        let data = read("inf.json", text).expect("reads");
        let got = crate::sources::testing::provided(&data);
        assert_eq!(
            got,
            [("DATABASE_URL", Some(false), 1), ("EMPTY", Some(true), 2)]
        );
        assert!(!format!("{data:?}").contains("CANARY"));
    }

    #[test]
    fn errors_without_values() {
        crate::sources::testing::errors_without_values(
            |text| read("inf.json", text),
            &[
                ("{\"DATABASE_URL\": \"CANARY-INF-2\"}", 1),
                ("[\n{\"value\": \"CANARY-INF-3\"}]", 2),
                ("[\n{\"key\": \"A=CANARY-INF-4\", \"value\": \"x\"}]", 2),
            ],
        );
    }
}
