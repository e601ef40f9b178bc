//! Amazon ECS task definitions: the `environment` and `secrets` of their containers.
//!
//! Three shapes are read, all JSON: the output of `aws ecs describe-task-definition`
//! (`{"taskDefinition": {...}}`), a bare task definition (`{"family": ..., "containerDefinitions":
//! [...]}`, as `aws ecs register-task-definition --cli-input-json` takes it), and a bare
//! `containerDefinitions` array (Terraform's `container_definitions`, CDK output).
//!
//! Per container: `environment` entries (`{name, value}`) are values, set or empty; `secrets`
//! entries (`{name, valueFrom}`) are resolved by ECS from Secrets Manager or Parameter Store when
//! the task starts: [`ValueState::External`]. `environmentFiles` (S3 objects) may provide names
//! envcheck cannot see: the result is opaque. ECS applies `environmentFiles`, then `environment`,
//! and rejects a name that is both in `environment` and `secrets`; here a `secrets` entry wins.
//! Without a container selector every container is read, merged in order with a notice, as for
//! Kubernetes.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only.

use super::json_tree::{self, JsonNode};
use super::{Names, SourceData, SourceError, ValueState, error_at};
use crate::secret::Secret;

/// Reads the environment of the containers of a task definition, or of the one named
/// `container`.
pub fn read(path: &str, text: &str, container: Option<&str>) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let definitions = container_definitions(&doc).ok_or_else(|| {
        error_at(
            path,
            doc.line,
            "expected the output of `aws ecs describe-task-definition`, a task definition, or a \
             `containerDefinitions` array",
        )
    })?;
    let mut data = SourceData::default();
    let mut names = Names::new(path);
    let mut found: Vec<&str> = Vec::new();
    let mut read_containers: Vec<&str> = Vec::new();
    for definition in definitions {
        let Some(name) = definition.get("name").and_then(JsonNode::as_str) else {
            return Err(error_at(
                path,
                definition.line,
                "a container definition has no `name`",
            ));
        };
        found.push(name);
        if container.is_some_and(|wanted| wanted != name) {
            continue;
        }
        read_containers.push(name);
        if let Some(files) = definition
            .get("environmentFiles")
            .and_then(JsonNode::as_array)
            && !files.is_empty()
        {
            data.opaque.push(format!(
                "container `{name}` loads environmentFiles (S3 objects envcheck cannot read)"
            ));
        }
        for entry in list(path, definition, "environment")? {
            let (key, line) = entry_name(path, entry, "environment")?;
            let value = match entry.get("value") {
                None => Secret::default(),
                Some(v) if v.is_null() => Secret::default(),
                Some(v) => v.scalar_text().ok_or_else(|| {
                    error_at(
                        path,
                        v.line,
                        format!("environment `{key}` has {} as its value", v.kind()),
                    )
                })?,
            };
            names.set(key, line, ValueState::Value(value))?;
        }
        for entry in list(path, definition, "secrets")? {
            let (key, line) = entry_name(path, entry, "secrets")?;
            names.set(key, line, ValueState::External)?;
        }
    }
    if let Some(wanted) = container
        && read_containers.is_empty()
    {
        found.sort_unstable();
        found.dedup();
        return Err(error_at(
            path,
            doc.line,
            format!(
                "no container named `{wanted}` in the task definition; containers: {}",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
        ));
    }
    if read_containers.len() > 1 {
        data.notices.push(format!(
            "read {} containers together ({}); a variable set in any of them counts as set: name \
             the one that runs this code with `ecs:PATH#CONTAINER`",
            read_containers.len(),
            read_containers.join(", ")
        ));
    }
    data.provided = names.into_provided();
    Ok(data)
}

/// The container definitions of any of the three shapes.
fn container_definitions(doc: &JsonNode) -> Option<&[JsonNode]> {
    if let Some(items) = doc.as_array() {
        return Some(items);
    }
    let task = doc.get("taskDefinition").unwrap_or(doc);
    task.get("containerDefinitions")?.as_array()
}

/// The entries of the list `field` of a container definition; none when it is absent or null.
fn list<'a>(
    path: &str,
    definition: &'a JsonNode,
    field: &str,
) -> Result<&'a [JsonNode], SourceError> {
    match definition.get(field) {
        None => Ok(&[]),
        Some(node) if node.is_null() => Ok(&[]),
        Some(node) => node.as_array().ok_or_else(|| {
            error_at(
                path,
                node.line,
                format!("`{field}` is {}, not an array", node.kind()),
            )
        }),
    }
}

/// The `name` of an `environment` or `secrets` entry and its line.
fn entry_name<'a>(
    path: &str,
    entry: &'a JsonNode,
    field: &str,
) -> Result<(&'a str, usize), SourceError> {
    match entry.entry("name") {
        Some(e) => match e.value.as_str() {
            Some(name) => Ok((name, e.value.line)),
            None => Err(error_at(
                path,
                e.line,
                format!("a `{field}` entry's name is not a string"),
            )),
        },
        None => Err(error_at(
            path,
            entry.line,
            format!("a `{field}` entry has no `name`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state<'a>(data: &'a SourceData, name: &str) -> &'a ValueState {
        &data
            .provided
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} not provided"))
            .state
    }

    const TASK: &str = r#"{
  "taskDefinition": {
    "family": "api",
    "containerDefinitions": [
      {
        "name": "api",
        "environment": [
          {"name": "DATABASE_HOST", "value": "CANARY-ECS-UNIT-1"},
          {"name": "EMPTY", "value": ""},
          {"name": "PORT", "value": "8080"}
        ],
        "secrets": [
          {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db"}
        ]
      },
      {
        "name": "log-router",
        "environment": [{"name": "SIDECAR_ONLY", "value": "x"}],
        "environmentFiles": [{"value": "arn:aws:s3:::b/f.env", "type": "s3"}]
      }
    ]
  }
}"#;

    #[test]
    fn describe_output_one_container() {
        let data = read("td.json", TASK, Some("api")).expect("reads");
        let names: Vec<&str> = data.provided.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["DATABASE_HOST", "DB_PASSWORD", "EMPTY", "PORT"]);
        assert!(matches!(state(&data, "DB_PASSWORD"), ValueState::External));
        assert_eq!(state(&data, "EMPTY").is_empty(), Some(true));
        assert_eq!(state(&data, "PORT").is_empty(), Some(false));
        let host = data.provided.iter().find(|p| p.name == "DATABASE_HOST");
        assert_eq!(host.map(|p| p.line), Some(8));
        assert!(data.opaque.is_empty() && data.notices.is_empty());
        assert!(!format!("{data:?}").contains("CANARY"));
    }

    #[test]
    fn every_container_with_a_notice_and_environment_files_are_opaque() {
        let data = read("td.json", TASK, None).expect("reads");
        assert!(data.provided.iter().any(|p| p.name == "SIDECAR_ONLY"));
        assert_eq!(data.notices.len(), 1);
        assert_eq!(data.opaque.len(), 1, "{:?}", data.opaque);
    }

    #[test]
    fn bare_shapes() {
        let bare = r#"{"family": "api", "containerDefinitions": [{"name": "a", "environment": [{"name": "A", "value": "1"}]}]}"#;
        assert_eq!(read("t.json", bare, None).expect("bare").provided.len(), 1);
        let array = r#"[{"name": "a", "secrets": [{"name": "S", "valueFrom": "arn:x"}]}]"#;
        assert_eq!(
            read("t.json", array, None).expect("array").provided.len(),
            1
        );
    }

    #[test]
    fn errors_name_the_line_never_the_value() {
        let err = read("td.json", TASK, Some("web")).expect_err("no such container");
        assert!(err.message.contains("api, log-router"), "{err}");
        for (text, line) in [
            ("{\"x\": 1}", 1),
            (
                "[{\"name\": \"a\",\n \"environment\": [{\"name\": \"A=CANARY-ECS-2\", \"value\": \"x\"}]}]",
                2,
            ),
            (
                "[{\"name\": \"a\",\n \"environment\": [{\"name\": \"A\",\n \"value\": {\"k\": \"CANARY-ECS-3\"}}]}]",
                3,
            ),
            ("[{\"name\": \"a\",\n \"secrets\": \"CANARY-ECS-4\"}]", 2),
            (
                "[{\"name\": \"a\",\n \"environment\": [{\"value\": \"CANARY-ECS-5\"}]}]",
                2,
            ),
        ] {
            let err = read("td.json", text, None).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }
}
