//! docker compose files: the `environment` and `env_file` of one service.
//!
//! `environment` is a map (`KEY: value`, `KEY:` passes the deploying shell's value through) or a
//! list (`- KEY=value`, `- KEY` passes through). A value that uses compose interpolation
//! (`${VAR}`, `${VAR:?err}`, `${VAR:-default}`, `$VAR`; `$$` is a literal `$`) is evaluated
//! against the project's env file ([`super::interpolation`]): known when that file decides it,
//! [`ValueState::Set`] when it depends on the deploying shell but cannot be empty, else
//! [`ValueState::PassThrough`]. Variables the deploy requires (`${VAR:?err}`) are recorded in
//! [`SourceData::required`]. `env_file` entries are returned for the caller to load, since
//! reading them is I/O, each with the other services of the file that load it too (a name such
//! a file sets may be read by their code).
//!
//! [`references`] lists the names a compose file interpolates, anywhere in it: `${X}` and `$X`
//! come from the deploying shell or the project's `.env`, and `$${X}` is a literal `${X}` that
//! reaches a service's command, where the container's shell reads it.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only; errors and notices name the
//! file, lines, services and keys.

use std::collections::BTreeMap;

use super::interpolation::{self, Evaluated, ProjectEnv};
use super::yaml::{self, Node, Resolved};
use super::{Provided, RequiredName, SourceData, SourceError, ValueState, name_problem};

/// The environment one compose service declares.
///
/// Compose applies `env_files` in order (a later file wins on a shared name) and then
/// `environment`, which beats every env file. `data.provided` holds only the `environment`
/// entries; the caller loads `env_files` (relative to the compose file's directory) and lets
/// `data.provided` override what they provide.
#[derive(Clone, Debug)]
pub struct ComposeService {
    /// The service read.
    pub service: String,
    pub data: SourceData,
    pub env_files: Vec<EnvFileRef>,
}

/// One `env_file` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileRef {
    /// As written, relative to the compose file's directory.
    pub path: String,
    /// `false` when the entry says `required: false`: a missing file is then not an error.
    pub required: bool,
    /// The line of the entry in the compose file, for messages about the file it names.
    pub line: usize,
    /// The other services of the compose file whose `env_file` names the same file, sorted.
    pub shared_with: Vec<String>,
}

/// A name a compose file interpolates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The line of the value that holds it.
    pub line: usize,
    /// `$${X}` or `$$X`: compose passes `${X}` on literally, for the shell of a service's
    /// command or healthcheck to read in the container.
    pub escaped: bool,
}

/// Reads the environment of `service`, or of the only service when `service` is `None`, with no
/// project env file (every interpolated variable comes from the deploying shell).
pub fn read(path: &str, text: &str, service: Option<&str>) -> Result<ComposeService, SourceError> {
    read_with(path, text, service, &ProjectEnv::default())
}

/// [`read`], interpolating with the values of the project's env file `env`.
pub fn read_with(
    path: &str,
    text: &str,
    service: Option<&str>,
    project_env: &ProjectEnv,
) -> Result<ComposeService, SourceError> {
    let err = |line: Option<usize>, message: String| SourceError {
        path: path.to_string(),
        line,
        message,
    };
    let docs = yaml::parse(path, text)?;
    let mut docs = docs.iter().filter(|d| !d.is_null());
    let Some(root) = docs.next() else {
        return Err(err(None, "the compose file is empty".to_string()));
    };
    let mut data = SourceData::default();
    if let Some(extra) = docs.next() {
        data.notices.push(format!(
            "{path}:{}: only the first YAML document of a compose file is read",
            extra.line
        ));
    }
    let Some((services_key, services)) = root.get_entry("services") else {
        return Err(err(
            Some(root.line),
            "no `services` in the compose file".to_string(),
        ));
    };
    let Some(entries) = services.as_map() else {
        return Err(err(
            Some(services_key.line),
            "`services` is not a mapping of service names".to_string(),
        ));
    };
    let all: Vec<(&str, &Node)> = entries
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_ref())))
        .collect();
    let listing = || {
        let mut names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    let (name, node) = match service {
        Some(wanted) => match all.iter().rev().find(|(n, _)| *n == wanted) {
            Some(found) => *found,
            None => {
                return Err(err(
                    Some(services_key.line),
                    format!("no service `{wanted}`; services: {}", listing()),
                ));
            }
        },
        None => match all.as_slice() {
            [only] => *only,
            [] => {
                return Err(err(
                    Some(services_key.line),
                    "`services` is empty".to_string(),
                ));
            }
            _ => {
                return Err(err(
                    Some(services_key.line),
                    format!("several services; choose one of: {} (--service)", listing()),
                ));
            }
        },
    };

    if let Some(extends) = node.get("extends").filter(|n| !n.is_null()) {
        data.notices.push(format!(
            "{path}:{}: service `{name}` uses `extends`; the environment it inherits is not read",
            extends.line
        ));
        // what it inherits is unknown: "missing" is unprovable
        data.opaque.push(format!(
            "service `{name}` inherits an environment through `extends`"
        ));
    }

    let mut provided: BTreeMap<String, Provided> = BTreeMap::new();
    let mut required: Vec<String> = Vec::new();
    match node.get("environment") {
        None => {}
        Some(env) if env.is_null() => {}
        Some(env) => {
            if let Some(entries) = env.as_map() {
                for (key, value) in entries {
                    let Some(key_text) = key.as_str().filter(|k| !k.is_empty()) else {
                        return Err(err(
                            Some(key.line),
                            "an `environment` key is empty or not a string".to_string(),
                        ));
                    };
                    if let Some(problem) = name_problem(key_text) {
                        return Err(err(
                            Some(key.line),
                            format!("an `environment` key {problem}"),
                        ));
                    }
                    let state = map_value(key_text, value, project_env, &mut required)
                        .map_err(|m| err(Some(value.line), m))?;
                    note_required(&mut data, &mut required, path, value.line);
                    insert(&mut provided, path, key_text, key.line, state);
                }
            } else if let Some(items) = env.as_seq() {
                for item in items {
                    if item.is_null() {
                        continue;
                    }
                    let Some(entry) = item.as_str() else {
                        return Err(err(
                            Some(item.line),
                            "an `environment` list item is not a string".to_string(),
                        ));
                    };
                    let (key, state) = match entry.split_once('=') {
                        Some((key, value)) => {
                            (key, evaluate(key, value, project_env, &mut required))
                        }
                        None => (entry, Ok(ValueState::PassThrough)),
                    };
                    if let Err(problem) = list_name(key) {
                        return Err(err(Some(item.line), problem));
                    }
                    let state = state.map_err(|m| err(Some(item.line), m))?;
                    note_required(&mut data, &mut required, path, item.line);
                    insert(&mut provided, path, key, item.line, state);
                }
            } else {
                return Err(err(
                    Some(env.line),
                    "`environment` must be a mapping or a list".to_string(),
                ));
            }
        }
    }
    data.provided = provided.into_values().collect();

    let mut env_files = match node.get("env_file") {
        None => Vec::new(),
        Some(files) => env_files(files).map_err(|(line, m)| err(Some(line), m))?,
    };
    mark_shared(&mut env_files, name, &all);

    Ok(ComposeService {
        service: name.to_string(),
        data,
        env_files,
    })
}

/// Fills in [`EnvFileRef::shared_with`]: the other services whose `env_file` names the same
/// path (relative to the same directory, so the paths compare as written once `./` and `.`
/// parts are dropped). A service whose `env_file` does not read is skipped: this is a hint,
/// not the service the run is about. One map lookup per entry of every service.
fn mark_shared(ours: &mut [EnvFileRef], service: &str, all: &[(&str, &Node)]) {
    let index: std::collections::HashMap<String, usize> = ours
        .iter()
        .enumerate()
        .map(|(i, f)| (normal_path(&f.path), i))
        .collect();
    for (other, node) in all.iter().filter(|(n, _)| *n != service) {
        let Some(files) = node.get("env_file").and_then(|f| env_files(f).ok()) else {
            continue;
        };
        for file in files {
            if let Some(&i) = index.get(&normal_path(&file.path)) {
                ours[i].shared_with.push(other.to_string());
            }
        }
    }
    for file in ours {
        file.shared_with.sort_unstable();
        file.shared_with.dedup();
    }
}

/// `./a/./b.env` and `a/b.env` are the same file.
fn normal_path(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The names `text`, a compose file, interpolates in any value of any of its documents (see
/// [`Reference`]). Each node is visited once, however many aliases share it, so the work is
/// linear in the file. Keys are not interpolated by compose and are not read.
pub fn references(path: &str, text: &str) -> Result<Vec<Reference>, SourceError> {
    let docs = yaml::parse(path, text)?;
    let mut seen: std::collections::HashSet<*const Node> = std::collections::HashSet::new();
    let mut stack: Vec<&Node> = docs.iter().map(|d| d.as_ref()).collect();
    let mut out = Vec::new();
    while let Some(node) = stack.pop() {
        if !seen.insert(node as *const Node) {
            continue;
        }
        match &node.kind {
            yaml::Kind::Scalar(scalar) => scalar_references(&scalar.text, node.line, &mut out),
            yaml::Kind::Seq(items) => stack.extend(items.iter().map(|n| n.as_ref())),
            yaml::Kind::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v.as_ref())),
        }
    }
    out.sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    Ok(out)
}

/// The references of one value, as compose reads it: `$$` is a literal `$`, a name is
/// `[A-Za-z_][A-Za-z0-9_]*`, and the default or error text after it (`${A:-${B}}`) is read on.
fn scalar_references(text: &str, line: usize, out: &mut Vec<Reference>) {
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let mut after = &rest[at + 1..];
        let escaped = after.starts_with('$');
        if escaped {
            after = &after[1..];
        }
        let name_at = after.strip_prefix('{').unwrap_or(after);
        let n = name_at
            .bytes()
            .enumerate()
            .take_while(|(i, b)| {
                b.is_ascii_alphabetic() || *b == b'_' || (*i > 0 && b.is_ascii_digit())
            })
            .count();
        if n > 0 {
            out.push(Reference {
                name: name_at[..n].to_string(),
                line,
                escaped,
            });
        }
        rest = &name_at[n..];
    }
}

/// Whether the name of a list item (the text before `=`, or the whole item) can be a variable
/// name. A list item is one string, so a value written after `:` or a space, or a pasted token,
/// would otherwise become the *name*, and names are printed: such items are errors, and the
/// message never repeats the item.
fn list_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an `environment` list item has no name before `=`".to_string());
    }
    // `NAME:value` is caught here too: `:` is no name character
    match name_problem(name) {
        Some(problem) => Err(format!("the name of an `environment` list item {problem}")),
        None => Ok(()),
    }
}

fn insert(
    provided: &mut BTreeMap<String, Provided>,
    path: &str,
    name: &str,
    line: usize,
    state: ValueState,
) {
    provided.insert(
        name.to_string(),
        Provided {
            name: name.to_string(),
            state,
            path: path.to_string(),
            line,
        },
    );
}

/// Moves the variables an entry at `line` requires into `data.required`, each name once.
fn note_required(data: &mut SourceData, required: &mut Vec<String>, path: &str, line: usize) {
    for name in required.drain(..) {
        if name_problem(&name).is_none() && !data.required.iter().any(|r| r.name == name) {
            data.required.push(RequiredName {
                name,
                path: path.to_string(),
                line,
            });
        }
    }
}

/// The state of a map-form entry: null passes through, a scalar is evaluated.
fn map_value(
    key: &str,
    value: &Node,
    env: &ProjectEnv,
    required: &mut Vec<String>,
) -> Result<ValueState, String> {
    let Some(scalar) = value.scalar() else {
        return Err(format!(
            "environment `{key}` must be a string, a number or a boolean"
        ));
    };
    if scalar.resolve() == Resolved::Null {
        return Ok(ValueState::PassThrough);
    }
    evaluate(key, &scalar.text, env, required)
}

/// The state of a value as compose interpolates it against the project env file.
fn evaluate(
    key: &str,
    value: &str,
    env: &ProjectEnv,
    required: &mut Vec<String>,
) -> Result<ValueState, String> {
    match interpolation::evaluate(value, env) {
        Ok(evaluation) => {
            required.extend(evaluation.required);
            Ok(match evaluation.value {
                Evaluated::Known(v) => ValueState::Value(v),
                Evaluated::Unknown { never_empty: true } => ValueState::Set,
                Evaluated::Unknown { never_empty: false } => ValueState::PassThrough,
            })
        }
        Err(interpolation::Unclosed) => Err(format!(
            "environment `{key}` has an unclosed `${{` (write `$$` for a literal `$`)"
        )),
    }
}

fn env_files(node: &Node) -> Result<Vec<EnvFileRef>, (usize, String)> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    if let Some(path) = node.as_str() {
        return Ok(vec![EnvFileRef {
            path: path.to_string(),
            required: true,
            line: node.line,
            shared_with: Vec::new(),
        }]);
    }
    let Some(items) = node.as_seq() else {
        return Err((
            node.line,
            "`env_file` must be a path, a list of paths or a list of `{path, required}`"
                .to_string(),
        ));
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(path) = item.as_str().filter(|_| !item.is_null()) {
            out.push(EnvFileRef {
                path: path.to_string(),
                required: true,
                line: item.line,
                shared_with: Vec::new(),
            });
            continue;
        }
        let Some(path) = item.get("path").and_then(Node::as_str) else {
            return Err((item.line, "an `env_file` entry has no `path`".to_string()));
        };
        let required = match item.get("required").and_then(Node::scalar) {
            None => true,
            Some(s) if s.resolve() == Resolved::Null => true,
            Some(s) if s.resolve() == Resolved::Bool => yaml::is_true(&s.text),
            Some(_) => {
                return Err((
                    item.line,
                    "`required` in an `env_file` entry must be true or false".to_string(),
                ));
            }
        };
        out.push(EnvFileRef {
            path: path.to_string(),
            required,
            line: item.line,
            shared_with: Vec::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(data: &'a SourceData, name: &str) -> &'a Provided {
        data.provided
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} not provided"))
    }

    fn value(data: &SourceData, name: &str) -> Option<String> {
        match &get(data, name).state {
            ValueState::Value(v) => Some(v.expose().to_string()),
            // from the deploying shell: unknown, whether or not it can be empty
            ValueState::PassThrough | ValueState::Set => None,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn names(data: &SourceData) -> Vec<&str> {
        data.provided.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn map_form() {
        let text = "\
services:
  web:
    image: app
    environment:
      DATABASE_URL: postgres://db/app
      PORT: 8080
      DEBUG: true
      EMPTY: \"\"
      FROM_SHELL:
      ALSO_SHELL: null
      REQUIRED: ${API_KEY:?set API_KEY}
      PLAIN_REF: ${TOKEN}
      DEFAULTED: ${LEVEL:-info}
      BARE: $HOME/x
      ESCAPED: pa$$word
      LONE_DOLLAR: cost $5
";
        let s = read("compose.yaml", text, None).expect("reads");
        assert_eq!(s.service, "web");
        let d = &s.data;
        assert_eq!(
            value(d, "DATABASE_URL").as_deref(),
            Some("postgres://db/app")
        );
        assert_eq!(value(d, "PORT").as_deref(), Some("8080"));
        assert_eq!(value(d, "DEBUG").as_deref(), Some("true"));
        assert_eq!(value(d, "EMPTY").as_deref(), Some(""));
        for shell in ["FROM_SHELL", "ALSO_SHELL", "REQUIRED", "PLAIN_REF", "BARE"] {
            assert_eq!(value(d, shell), None, "{shell}");
        }
        // compose-spec interpolation: the default is used when the variable is absent
        assert_eq!(value(d, "DEFAULTED").as_deref(), Some("info"));
        assert_eq!(value(d, "ESCAPED").as_deref(), Some("pa$word"));
        assert_eq!(value(d, "LONE_DOLLAR").as_deref(), Some("cost $5"));
        assert_eq!(get(d, "DATABASE_URL").line, 5);
        assert_eq!(get(d, "DATABASE_URL").path, "compose.yaml");
        assert!(s.env_files.is_empty());
    }

    #[test]
    fn list_form() {
        let text = "\
services:
  worker:
    environment:
      - QUEUE=jobs
      - FROM_SHELL
      - EMPTY=
      - WITH_EQUALS=a=b
      - QUOTED=\"kept\"
      - INTERPOLATED=${SECRET:?missing}
      - QUEUE=later
";
        let s = read("compose.yml", text, None).expect("reads");
        let d = &s.data;
        assert_eq!(value(d, "QUEUE").as_deref(), Some("later"));
        assert_eq!(get(d, "QUEUE").line, 10);
        assert_eq!(value(d, "FROM_SHELL"), None);
        assert_eq!(value(d, "EMPTY").as_deref(), Some(""));
        assert_eq!(value(d, "WITH_EQUALS").as_deref(), Some("a=b"));
        assert_eq!(value(d, "QUOTED").as_deref(), Some("\"kept\""));
        assert_eq!(value(d, "INTERPOLATED"), None);
    }

    #[test]
    fn env_file_forms() {
        let one = |env_file: &str| {
            let text = format!("services:\n  s:\n    env_file: {env_file}\n");
            read("c.yaml", &text, None).expect("reads").env_files
        };
        // every form below sits on line 3
        let req = |path: &str, required: bool| EnvFileRef {
            path: path.to_string(),
            required,
            line: 3,
            shared_with: Vec::new(),
        };
        assert_eq!(one(".env"), [req(".env", true)]);
        assert_eq!(
            one("[a.env, b.env]"),
            [req("a.env", true), req("b.env", true)]
        );
        assert_eq!(
            one(
                "[{path: a.env}, {path: ./b.env, required: false}, {path: c.env, required: true, format: raw}, d.env]"
            ),
            [
                req("a.env", true),
                req("./b.env", false),
                req("c.env", true),
                req("d.env", true)
            ]
        );
        let err = read(
            "c.yaml",
            "services:\n  s:\n    env_file:\n      - {required: false}\n",
            None,
        )
        .expect_err("no path");
        assert_eq!(err.line, Some(4));
        assert!(read("c.yaml", "services:\n  s:\n    env_file: {a: b}\n", None).is_err());
        assert!(
            read(
                "c.yaml",
                "services:\n  s:\n    env_file: [{path: a, required: maybe}]\n",
                None
            )
            .is_err()
        );
    }

    #[test]
    fn service_selection() {
        let text = "services:\n  web:\n    environment: [A=1]\n  worker:\n    environment: [B=2]\n";
        let err = read("c.yaml", text, None).expect_err("ambiguous");
        assert!(err.message.contains("web, worker"), "{err}");
        assert_eq!(err.line, Some(1));
        let s = read("c.yaml", text, Some("worker")).expect("reads");
        assert_eq!(names(&s.data), ["B"]);
        let err = read("c.yaml", text, Some("db")).expect_err("unknown");
        assert!(
            err.message.contains("`db`") && err.message.contains("web, worker"),
            "{err}"
        );
        let err = read("c.yaml", "services: {}\n", None).expect_err("none");
        assert!(err.message.contains("empty"), "{err}");
        let err = read("c.yaml", "version: '3'\n", None).expect_err("no services");
        assert!(err.message.contains("services"), "{err}");
        assert!(read("c.yaml", "", None).is_err());
        assert!(read("c.yaml", "services: [a]\n", None).is_err());
    }

    #[test]
    fn service_without_settings() {
        let s = read("c.yaml", "services:\n  web:\n", None).expect("reads");
        assert!(s.data.provided.is_empty());
        let s = read("c.yaml", "services:\n  web:\n    environment:\n", None).expect("reads");
        assert!(s.data.provided.is_empty());
    }

    #[test]
    fn anchors_and_merge_keys() {
        let text = "\
x-common: &common
  LOG_LEVEL: info
  REGION: eu
services:
  api:
    environment:
      <<: *common
      REGION: us
";
        let s = read("c.yaml", text, None).expect("reads");
        assert_eq!(value(&s.data, "LOG_LEVEL").as_deref(), Some("info"));
        assert_eq!(value(&s.data, "REGION").as_deref(), Some("us"));
        assert_eq!(get(&s.data, "LOG_LEVEL").line, 2);
    }

    #[test]
    fn bad_shapes_are_errors_without_values() {
        for (text, line) in [
            (
                "services:\n  s:\n    environment:\n      A: {nested: CANARY-C-1}\n",
                4,
            ),
            ("services:\n  s:\n    environment: CANARY-C-2\n", 3),
            (
                "services:\n  s:\n    environment:\n      - [CANARY-C-3]\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      - =CANARY-C-4\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      A: ${CANARY-C-5\n",
                4,
            ),
            ("services:\n  s:\n    environment: [A=${CANARY-C-6]\n", 3),
            (
                "services:\n  s:\n    environment:\n      - API_TOKEN:CANARY-C-8\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      - \"API_TOKEN CANARY-C-9\"\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      - \"A\\tCANARY-C-10=x\"\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      - ok=1\n      - sk_live_CANARYC11a1b2c3d4e5f6g7h8\n",
                5,
            ),
            (
                "services:\n  s:\n    environment:\n      \"\": CANARY-C-7\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      A=CANARY-C-12: x\n",
                4,
            ),
            (
                "services:\n  s:\n    environment:\n      sk_live_CANARYC13a1b2c3d4e5f6g7h8: x\n",
                4,
            ),
        ] {
            let err = read("c.yaml", text, None).expect_err(text);
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }

    #[test]
    fn malformed_yaml() {
        let err = read(
            "c.yaml",
            "services:\n  web:\n    environment:\n      A: \"unterminated\n",
            None,
        )
        .expect_err("malformed");
        assert_eq!(err.path, "c.yaml");
        assert!(err.line.is_some());
    }

    #[test]
    fn extends_and_extra_documents_are_noticed() {
        let s = read(
            "c.yaml",
            "services:\n  web:\n    extends: {file: base.yaml, service: web}\n---\nother: 1\n",
            None,
        )
        .expect("reads");
        assert_eq!(s.data.notices.len(), 2, "{:?}", s.data.notices);
        assert!(s.data.notices[0].contains("only the first YAML document"));
        assert!(s.data.notices[1].contains("`extends`"));
        // what `extends` inherits is unknown: missing is unprovable
        assert_eq!(s.data.opaque.len(), 1, "{:?}", s.data.opaque);
    }

    #[test]
    fn references_anywhere_in_the_file() {
        let text = "\
x-env: &env
  DATABASE_URL: postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD:?set it}@db/app
services:
  web:
    image: app:${TAG:-latest}
    environment: *env
  worker:
    environment: *env
    command: [\"sh\", \"-c\", \"echo $${IN_CONTAINER} $$ALSO pa$$word\"]
    ports: [\"${PORT_A}:80\"]
  db:
    environment:
      - POSTGRES_DB=${DB_NAME:-${FALLBACK}}
      - LITERAL=cost $5 and $
    ${NOT_A_KEY_REF}: 1
---
other: $SECOND_DOC
";
        let got: Vec<(String, usize, bool)> = references("c.yaml", text)
            .expect("parses")
            .into_iter()
            .map(|r| (r.name, r.line, r.escaped))
            .collect();
        let want = [
            ("POSTGRES_PASSWORD", 2, false),
            ("POSTGRES_USER", 2, false),
            ("TAG", 5, false),
            ("ALSO", 9, true),
            ("IN_CONTAINER", 9, true),
            // `pa$$word` reaches the shell as `pa$word`: it reads `word`
            ("word", 9, true),
            ("PORT_A", 10, false),
            ("DB_NAME", 13, false),
            ("FALLBACK", 13, false),
            ("SECOND_DOC", 17, false),
        ]
        .map(|(n, l, e)| (n.to_string(), l, e));
        // the anchored map is read once, although two services use it
        assert_eq!(got, want);
        assert!(references("c.yaml", "a: [unclosed\n").is_err());
    }

    #[test]
    fn env_files_shared_with_other_services() {
        let text = "\
x-files: &files
  - ./.env
services:
  api:
    env_file: *files
  worker:
    env_file: [.env, worker.env]
  web:
    env_file:
      - path: ./.env
        required: false
  other:
    env_file: other.env
  broken:
    env_file: {not: a list}
";
        let s = read("c.yaml", text, Some("api")).expect("reads");
        assert_eq!(s.env_files[0].shared_with, ["web", "worker"]);
        let s = read("c.yaml", text, Some("other")).expect("reads");
        assert!(s.env_files[0].shared_with.is_empty());
    }

    #[test]
    fn canaries_never_reach_debug_output() {
        let s = read(
            "c.yaml",
            "services:\n  s:\n    environment:\n      A: CANARY-C-UNIT-1\n      B: 987654\n    env_file: .env\n",
            None,
        )
        .expect("reads");
        assert_eq!(value(&s.data, "A").as_deref(), Some("CANARY-C-UNIT-1"));
        let debug = format!("{s:?} {s:#?}");
        assert!(
            !debug.contains("CANARY") && !debug.contains("987654"),
            "{debug}"
        );
    }
}
