//! GitHub Actions secrets and variables, as `gh` lists them.
//!
//! `gh secret list --json name,updatedAt` writes an array of `{name, ...}`: names only, since
//! GitHub never returns a secret's value, so each is [`ValueState::External`].
//! `gh variable list --json name,value` writes `{name, value, ...}`: variables are values, set or
//! empty. One file may hold either (or a concatenation made with `jq -s add`): an entry with a
//! `value` is a variable, one without is a secret. The REST API's list responses
//! (`{"total_count": N, "secrets": [...]}` / `{"variables": [...]}`) are read the same way.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only.

use super::json_tree::{self, JsonNode};
use super::{Names, SourceData, SourceError, ValueState, error_at};

/// Reads a list of GitHub secrets and/or variables.
pub fn read(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let lists: Vec<&[JsonNode]> = match doc.as_array() {
        Some(items) => vec![items],
        None => ["secrets", "variables"]
            .iter()
            .filter_map(|k| doc.get(k).and_then(JsonNode::as_array))
            .collect(),
    };
    if lists.is_empty() {
        return Err(error_at(
            path,
            doc.line,
            "expected the output of `gh secret list --json name` or `gh variable list --json \
             name,value` (an array), or a REST API list with `secrets` or `variables`",
        ));
    }
    let mut names = Names::new(path);
    for item in lists.into_iter().flatten() {
        let Some(name) = item.entry("name") else {
            return Err(error_at(path, item.line, "an entry has no `name`"));
        };
        let Some(text) = name.value.as_str() else {
            return Err(error_at(
                path,
                name.line,
                "an entry's `name` is not a string",
            ));
        };
        let state = match item.get("value") {
            None => ValueState::External,
            Some(v) => match v.scalar_text() {
                Some(value) => ValueState::Value(value),
                None if v.is_null() => ValueState::External,
                None => {
                    return Err(error_at(
                        path,
                        v.line,
                        format!("variable `{text}` has {} as its value", v.kind()),
                    ));
                }
            },
        };
        names.set(text, name.line, state)?;
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
    fn secrets_are_external_variables_are_values() {
        let text = r#"[
  {"name": "API_TOKEN", "updatedAt": "2024-05-01T10:00:00Z", "visibility": ""},
  {"name": "LOG_LEVEL", "value": "CANARY-GH-UNIT-1", "updatedAt": "2024-05-01T10:00:00Z"},
  {"name": "EMPTY_VAR", "value": ""}
]"#;
        let data = read("gh.json", text).expect("reads");
        let states = crate::sources::testing::provided(&data);
        assert_eq!(
            states,
            [
                ("API_TOKEN", None, 2),
                ("EMPTY_VAR", Some(true), 4),
                ("LOG_LEVEL", Some(false), 3)
            ]
        );
        assert!(!format!("{data:?}").contains("CANARY"));
    }

    #[test]
    fn rest_api_lists() {
        let text = r#"{"total_count": 1, "secrets": [{"name": "A", "created_at": "x"}],
 "variables": [{"name": "B", "value": "1"}]}"#;
        let data = read("gh.json", text).expect("reads");
        assert_eq!(data.provided.len(), 2);
    }

    #[test]
    fn bad_entries() {
        crate::sources::testing::errors_without_values(
            |text| read("gh.json", text),
            &[
                ("{\"name\": \"A\"}", 1),
                ("[\n{\"updatedAt\": \"CANARY-GH-2\"}]", 2),
                ("[\n{\"name\": \"A B\", \"value\": \"CANARY-GH-3\"}]", 2),
                ("[\n{\"name\": \"A\",\n \"value\": [\"CANARY-GH-4\"]}]", 3),
            ],
        );
    }
}
