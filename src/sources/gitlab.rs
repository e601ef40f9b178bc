//! GitLab CI/CD variables, as the project- and group-level variables APIs list them
//! (`GET /projects/:id/variables`, `GET /groups/:id/variables`, `glab variable export`): an
//! array of `{key, value, variable_type, protected, masked, hidden, raw, environment_scope}`.
//!
//! A variable applies to an environment when its `environment_scope` matches the environment's
//! name: `*` matches every environment, other scopes match exactly or as a wildcard pattern
//! (`review/*`, `prod*`). When several variables of one key apply, the most specific wins: an
//! exact scope over a wildcard pattern over `*`, and among equals the later one in the list.
//! Without a scope selector every variable is read, whatever its scope, with a notice when the
//! list has scopes other than `*`.
//!
//! A value is set or empty. A `hidden` variable (the API returns its `value` as null) and any
//! null value are [`ValueState::External`]: set, to a value the export cannot show. A `file`
//! variable is set (its value is written to a file whose path the variable holds).
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only.

use std::collections::BTreeMap;

use super::json_tree::{self, JsonNode};
use super::{Names, SourceData, SourceError, ValueState, error_at};

/// How closely a variable's scope matches the environment: higher wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Everywhere,
    Pattern,
    Exact,
}

/// Reads GitLab variables that apply to the environment `scope` (every variable when `None`).
pub fn read(path: &str, text: &str, scope: Option<&str>) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let Some(items) = doc.as_array() else {
        return Err(error_at(
            path,
            doc.line,
            "expected the GitLab variables API's list (an array of `{key, value, \
             environment_scope, ...}`)",
        ));
    };
    let mut data = SourceData::default();
    // key -> (fit, position, key line, state): the most specific applying variable
    let mut chosen: BTreeMap<&str, (Fit, usize, usize, ValueState)> = BTreeMap::new();
    let mut other_scopes = false;
    for (position, item) in items.iter().enumerate() {
        let Some(key) = item.entry("key") else {
            return Err(error_at(path, item.line, "a variable has no `key`"));
        };
        let Some(name) = key.value.as_str() else {
            return Err(error_at(
                path,
                key.line,
                "a variable's `key` is not a string",
            ));
        };
        let variable_scope = match item.get("environment_scope") {
            None => "*",
            Some(s) if s.is_null() => "*",
            Some(s) => s.as_str().ok_or_else(|| {
                error_at(
                    path,
                    s.line,
                    format!("`environment_scope` of `{name}` is not a string"),
                )
            })?,
        };
        if variable_scope != "*" {
            other_scopes = true;
        }
        let fit = match scope {
            None => Fit::Everywhere,
            Some(environment) => match matches(variable_scope, environment) {
                Some(fit) => fit,
                None => continue,
            },
        };
        let hidden = item.get("hidden").and_then(JsonNode::as_bool) == Some(true);
        let state = match item.get("value") {
            _ if hidden => ValueState::External,
            None => ValueState::External,
            Some(v) if v.is_null() => ValueState::External,
            Some(v) => ValueState::Value(v.scalar_text().ok_or_else(|| {
                error_at(
                    path,
                    v.line,
                    format!("variable `{name}` has {} as its value", v.kind()),
                )
            })?),
        };
        let replace = chosen.get(name).is_none_or(|(held, ..)| fit >= *held);
        if replace {
            chosen.insert(name, (fit, position, key.line, state));
        }
    }
    let mut names = Names::new(path);
    for (name, (_, _, line, state)) in chosen {
        names.set(name, line, state)?;
    }
    if scope.is_none() && other_scopes {
        data.notices.push(
            "read the variables of every environment scope together; a variable scoped to any \
             environment counts as set: name the environment with `gitlab:PATH#ENVIRONMENT`"
                .to_string(),
        );
    }
    data.provided = names.into_provided();
    Ok(data)
}

/// How `variable_scope` applies to the environment named `environment`, if it does. A scope is a
/// pattern where `*` matches any run of characters; matching takes one left-to-right pass over
/// the environment name per literal piece of the pattern.
fn matches(variable_scope: &str, environment: &str) -> Option<Fit> {
    if variable_scope == "*" {
        return Some(Fit::Everywhere);
    }
    if variable_scope == environment {
        return Some(Fit::Exact);
    }
    if !variable_scope.contains('*') {
        return None;
    }
    let pieces: Vec<&str> = variable_scope.split('*').collect();
    let (first, rest) = pieces.split_first()?;
    let (last, middle) = rest.split_last()?;
    let mut remaining = environment.strip_prefix(first)?;
    for piece in middle {
        let at = remaining.find(piece)?;
        remaining = &remaining[at + piece.len()..];
    }
    remaining.ends_with(last).then_some(Fit::Pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARIABLES: &str = r#"[
  {"variable_type": "env_var", "key": "DATABASE_URL", "value": "CANARY-GL-UNIT-1", "protected": true, "masked": true, "hidden": false, "raw": false, "environment_scope": "*", "description": null},
  {"variable_type": "env_var", "key": "DATABASE_URL", "value": "", "protected": true, "masked": false, "hidden": false, "raw": false, "environment_scope": "production", "description": null},
  {"variable_type": "env_var", "key": "API_KEY", "value": null, "protected": true, "masked": true, "hidden": true, "raw": false, "environment_scope": "prod*", "description": null},
  {"variable_type": "file", "key": "GCP_CREDENTIALS", "value": "CANARY-GL-UNIT-2", "protected": false, "masked": false, "hidden": false, "raw": true, "environment_scope": "review/*", "description": null}
]"#;

    fn names(data: &SourceData) -> Vec<(&str, Option<bool>)> {
        data.provided
            .iter()
            .map(|p| (p.name.as_str(), p.state.is_empty()))
            .collect()
    }

    #[test]
    fn scopes() {
        let prod = read("gl.json", VARIABLES, Some("production")).expect("reads");
        // the exact scope beats `*`, `prod*` applies, `review/*` does not
        assert_eq!(
            names(&prod),
            [("API_KEY", None), ("DATABASE_URL", Some(true))]
        );
        assert_eq!(prod.provided[1].line, 3);
        let review = read("gl.json", VARIABLES, Some("review/feature-1")).expect("reads");
        assert_eq!(
            names(&review),
            [
                ("DATABASE_URL", Some(false)),
                ("GCP_CREDENTIALS", Some(false))
            ]
        );
        let all = read("gl.json", VARIABLES, None).expect("reads");
        assert_eq!(all.provided.len(), 3);
        assert_eq!(all.notices.len(), 1);
        assert!(!format!("{prod:?} {review:?} {all:?}").contains("CANARY"));
    }

    #[test]
    fn wildcard_patterns() {
        assert_eq!(matches("*", "x"), Some(Fit::Everywhere));
        assert_eq!(matches("prod", "prod"), Some(Fit::Exact));
        assert_eq!(matches("prod*", "production"), Some(Fit::Pattern));
        assert_eq!(matches("*-eu", "prod-eu"), Some(Fit::Pattern));
        assert_eq!(matches("a*b*c", "a-b-b-c"), Some(Fit::Pattern));
        assert_eq!(matches("a*b*c", "a-c-b"), None);
        assert_eq!(matches("prod", "production"), None);
        assert_eq!(matches("review/*", "production"), None);
    }

    #[test]
    fn bad_entries() {
        for (text, line) in [
            ("{\"key\": \"A\"}", 1),
            ("[\n{\"value\": \"CANARY-GL-3\"}]", 2),
            (
                "[\n{\"key\": \"sk_live_CANARYGL4a1b2c3d4e5f6g7h8\", \"value\": \"x\"}]",
                2,
            ),
            (
                "[{\"key\": \"A\",\n \"value\": {\"x\": \"CANARY-GL-5\"}}]",
                2,
            ),
        ] {
            let err = read("gl.json", text, None).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }
}
