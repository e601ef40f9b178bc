//! Render Blueprints (`render.yaml`): the `envVars` of one service.
//!
//! Services are listed under `services` at the top level and under
//! `projects[].environments[].services`; environment groups under `envVarGroups` at the top
//! level, in `projects[]` and in `projects[].environments[]`. An `envVars` entry is one of:
//!
//! | entry | state |
//! | --- | --- |
//! | `{key, value}` | a value, set or empty |
//! | `{key, generateValue: true}` | [`ValueState::Set`]: Render generates a random value |
//! | `{key, fromDatabase: {name, property}}`, `{key, fromService: {...}}` | [`ValueState::Set`]: Render fills in the connection string, host, port or the other service's variable |
//! | `{key, sync: false}` | [`ValueState::External`]: entered in the Dashboard, not in the file |
//! | `{key}` alone | [`ValueState::External`], as `sync: false` |
//! | `{fromGroup: NAME}` | every variable of the group `NAME` |
//!
//! A group applies in the place of its last `fromGroup` (a later group wins on a shared key),
//! and the service's own entries beat every group, as Render applies them. A group that is not
//! defined in the file (one made in the Dashboard) may provide anything: the result is opaque.
//! Each group is applied once per service, however often it is named, so the work stays linear
//! in the file even when YAML aliases repeat `fromGroup` entries.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only.

use std::collections::HashMap;

use super::yaml::{self, Node, Resolved};
use super::{Names, SourceData, SourceError, ValueState, error_at};
use crate::secret::Secret;

/// Reads the environment of `service` in a Blueprint, or of its only service.
pub fn read(path: &str, text: &str, service: Option<&str>) -> Result<SourceData, SourceError> {
    let docs = yaml::parse(path, text)?;
    let Some(root) = docs.iter().find(|d| !d.is_null()) else {
        return Err(error_at(path, 0, "the Blueprint is empty"));
    };
    let mut services: Vec<(&str, &Node)> = Vec::new();
    let mut groups: HashMap<&str, &Node> = HashMap::new();
    collect(root, &mut services, &mut groups);
    for project in seq(root.get("projects")) {
        collect(project, &mut services, &mut groups);
        for environment in seq(project.get("environments")) {
            collect(environment, &mut services, &mut groups);
        }
    }
    let listing = || {
        let mut names: Vec<&str> = services.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    let (name, node) = match service {
        Some(wanted) => services
            .iter()
            .rev()
            .find(|(n, _)| *n == wanted)
            .copied()
            .ok_or_else(|| {
                error_at(
                    path,
                    root.line,
                    format!(
                        "no service `{wanted}` in the Blueprint; services: {}",
                        listing()
                    ),
                )
            })?,
        None => match services.as_slice() {
            [only] => *only,
            [] => return Err(error_at(path, root.line, "the Blueprint has no services")),
            _ => {
                return Err(error_at(
                    path,
                    root.line,
                    format!(
                        "several services; choose one of: {} (`render:PATH#SERVICE`)",
                        listing()
                    ),
                ));
            }
        },
    };

    let mut data = SourceData::default();
    let mut names = Names::new(path);
    let entries = seq(node.get("envVars"));
    // each group at the place of its last `fromGroup`
    let mut last_ref: HashMap<&str, usize> = HashMap::new();
    for (position, entry) in entries.clone().enumerate() {
        if let Some(group) = entry.get("fromGroup") {
            let Some(group) = group.as_str().filter(|_| !group.is_null()) else {
                return Err(error_at(
                    path,
                    group.line,
                    "`fromGroup` is not a group name",
                ));
            };
            last_ref.insert(group, position);
        }
    }
    let mut group_refs: Vec<(usize, &str)> = last_ref.into_iter().map(|(g, p)| (p, g)).collect();
    group_refs.sort_unstable();
    for (_, group) in &group_refs {
        match groups.get(group) {
            Some(definition) => {
                for entry in seq(definition.get("envVars")) {
                    apply(path, entry, &mut names)?;
                }
            }
            None => data.opaque.push(format!(
                "service `{name}` uses environment group `{group}`, which is not defined in the \
                 Blueprint (a group made in the Dashboard?)"
            )),
        }
    }
    for entry in entries {
        if entry.get("fromGroup").is_none() {
            apply(path, entry, &mut names)?;
        }
    }
    data.provided = names.into_provided();
    Ok(data)
}

/// The services and groups defined at one level of the Blueprint.
fn collect<'a>(
    level: &'a Node,
    services: &mut Vec<(&'a str, &'a Node)>,
    groups: &mut HashMap<&'a str, &'a Node>,
) {
    for service in seq(level.get("services")) {
        if let Some(name) = service.get("name").and_then(Node::as_str) {
            services.push((name, service));
        }
    }
    for group in seq(level.get("envVarGroups")) {
        if let Some(name) = group.get("name").and_then(Node::as_str) {
            groups.insert(name, group);
        }
    }
}

/// The items of a sequence; none for anything else.
fn seq(node: Option<&Node>) -> impl Iterator<Item = &Node> + Clone {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|n| n.as_ref())
}

/// Adds one `envVars` entry (not a `fromGroup`) to `names`.
fn apply(path: &str, entry: &Node, names: &mut Names) -> Result<(), SourceError> {
    let Some((key_node, key)) = entry.get_entry("key") else {
        let message = if entry.get("fromGroup").is_some() {
            "an environment group cannot use `fromGroup`"
        } else {
            "an `envVars` entry has neither `key` nor `fromGroup`"
        };
        return Err(error_at(path, entry.line, message));
    };
    let Some(name) = key.as_str().filter(|_| !key.is_null()) else {
        return Err(error_at(
            path,
            key_node.line,
            "an `envVars` key is not a string",
        ));
    };
    let state = if let Some(value) = entry.get("value") {
        let Some(scalar) = value.scalar() else {
            return Err(error_at(
                path,
                value.line,
                format!("`{name}` has a mapping or a list as its value"),
            ));
        };
        if scalar.resolve() == Resolved::Null {
            ValueState::Value(Secret::default())
        } else {
            ValueState::Value(Secret::new(scalar.text.clone()))
        }
    } else if entry
        .get("generateValue")
        .and_then(Node::scalar)
        .is_some_and(|s| s.resolve() == Resolved::Bool && yaml::is_true(&s.text))
        || entry.get("fromDatabase").is_some()
        || entry.get("fromService").is_some()
    {
        // generated by Render, or filled in from a database or another service
        ValueState::Set
    } else {
        // `sync: false`, or a key alone: the value is entered in the Dashboard
        ValueState::External
    };
    names.set(name, key.line, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUEPRINT: &str = "\
envVarGroups:
  - name: shared
    envVars:
      - key: LOG_LEVEL
        value: CANARY-RENDER-UNIT-1
      - key: REGION
        value: eu
services:
  - type: web
    name: api
    runtime: node
    envVars:
      - key: REGION
        value: us
      - fromGroup: shared
      - fromGroup: dashboard-only
      - key: JWT_SECRET
        generateValue: true
      - key: DATABASE_URL
        fromDatabase:
          name: db
          property: connectionString
      - key: REDIS_HOST
        fromService:
          type: redis
          name: cache
          property: host
      - key: STRIPE_KEY
        sync: false
      - key: EMPTY
        value: \"\"
  - type: worker
    name: jobs
    envVars:
      - key: QUEUE
        value: jobs
databases:
  - name: db
";

    fn states(data: &SourceData) -> Vec<(&str, &'static str, usize)> {
        data.provided
            .iter()
            .map(|p| {
                let s = match &p.state {
                    ValueState::Value(v) if v.is_empty() => "empty",
                    ValueState::Value(_) => "value",
                    ValueState::Set => "set",
                    ValueState::External => "external",
                    _ => "other",
                };
                (p.name.as_str(), s, p.line)
            })
            .collect()
    }

    #[test]
    fn service_env_vars() {
        let data = read("render.yaml", BLUEPRINT, Some("api")).expect("reads");
        assert_eq!(
            states(&data),
            [
                ("DATABASE_URL", "set", 19),
                ("EMPTY", "empty", 30),
                ("JWT_SECRET", "set", 17),
                ("LOG_LEVEL", "value", 4),
                ("REDIS_HOST", "set", 23),
                // the service's own entry beats the group's
                ("REGION", "value", 13),
                ("STRIPE_KEY", "external", 28),
            ]
        );
        assert_eq!(data.opaque.len(), 1, "{:?}", data.opaque);
        assert!(data.opaque[0].contains("dashboard-only"));
        assert!(!format!("{data:?}").contains("CANARY"));
    }

    #[test]
    fn service_selection_and_projects() {
        let err = read("render.yaml", BLUEPRINT, None).expect_err("two services");
        assert!(err.message.contains("api, jobs"), "{err}");
        let err = read("render.yaml", BLUEPRINT, Some("web")).expect_err("unknown");
        assert!(err.message.contains("api, jobs"), "{err}");
        let projects = "\
projects:
  - name: app
    envVarGroups:
      - name: common
        envVars: [{key: A, value: '1'}]
    environments:
      - name: production
        services:
          - name: web
            envVars: [{fromGroup: common}, {key: B, sync: false}]
";
        let data = read("render.yaml", projects, None).expect("projects");
        assert_eq!(data.provided.len(), 2);
    }

    #[test]
    fn errors_without_values() {
        for (text, line) in [
            (
                "services:\n  - name: a\n    envVars:\n      - value: CANARY-RENDER-2\n",
                4,
            ),
            (
                "services:\n  - name: a\n    envVars:\n      - key: A B\n        value: CANARY-RENDER-3\n",
                4,
            ),
            (
                "services:\n  - name: a\n    envVars:\n      - key: A\n        value: [CANARY-RENDER-4]\n",
                5,
            ),
            (
                "services:\n  - name: a\n    envVars:\n      - fromGroup: [CANARY-RENDER-5]\n",
                4,
            ),
        ] {
            let err = read("render.yaml", text, None).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }
}
