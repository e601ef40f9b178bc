//! Kubernetes manifests: the environment of the containers of Pods and of the pod templates of
//! Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs and CronJobs,
//! across multi-document files and `kind: List` objects.
//!
//! Per container, `envFrom` entries apply in order (a later source wins on a shared key), then
//! `env` entries in order (a later entry wins, and `env` beats `envFrom`). `envFrom` references
//! resolve against the ConfigMaps and Secrets in the same set of files; a reference to an object
//! that is not there makes the result opaque unless it is `optional: true`. Without a container
//! selector the containers (init containers included) are merged in file order, a later one
//! winning on a shared name.
//!
//! Pure: the caller reads the files. Files with Helm template syntax are skipped: the source is
//! [`SourceData::unrendered`], with one notice saying how to pipe `helm template` in.
//! Values go into [`Secret`] only; errors and notices name files, lines, objects and keys.
//!
//! Names: every `env` name, every ConfigMap and Secret key and every `envFrom` prefix passes
//! [`name_problem`], and a prefix joined to a key is checked for length; a name that fails is an
//! error naming the file and line (the prefix's line for a joined name), never the name. The
//! target runs the whole check again on every name of the result ([`super::check_names`]).
//!
//! Work: an `envFrom` reference copies every key of its ConfigMap or Secret into the container,
//! and YAML aliases can repeat containers and `envFrom` lists many times over without making the
//! file any bigger (within the parser's alias bound, per file). So:
//! - a reference resolves through an index of the stores, not a search of them;
//! - per container, a reference repeated with the same prefix is applied once, at its last
//!   place (which is the same result: a later source wins on a shared key);
//! - a container's names point at the store entry they come from, and a value is copied only
//!   once per name of the result;
//! - containers, `env` entries, `envFrom` references and the names they generate are counted
//!   against the run's [`Budget`] (`generated`), and the values copied against its `copied`
//!   bytes. Past either, reading the manifests is an error (exit 2), never a cut: a name cut
//!   off would read as missing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::yaml::{self, Node, Resolved};
use super::{Budget, Provided, SourceData, SourceError, ValueState, name_problem};
use crate::secret::Secret;

/// `kind: List` objects nested deeper than this are ignored.
const LIST_DEPTH: usize = 4;

/// Reads the environment that a set of manifests gives its containers, or only the containers
/// named `container`.
///
/// `files` holds `(display path, text)` pairs. A selector that matches no container is an error
/// that lists the container names found.
pub fn read(
    files: &[(String, String)],
    container: Option<&str>,
) -> Result<SourceData, SourceError> {
    read_within(files, container, &mut Budget::default())
}

/// [`read`], spending the run's `budget` (see the module documentation).
pub fn read_within(
    files: &[(String, String)],
    container: Option<&str>,
    budget: &mut Budget,
) -> Result<SourceData, SourceError> {
    let mut data = SourceData::default();
    let mut objects: Vec<Object> = Vec::new();
    let mut templates: Vec<&str> = Vec::new();
    for (path, text) in files {
        if is_template(text) {
            templates.push(path);
            continue;
        }
        for doc in yaml::parse(path, text)? {
            collect_objects(path, &doc, 0, &mut objects);
        }
    }

    if let Some(first) = templates.first() {
        // what the templates would provide is unknown: "missing" is unprovable, for every name
        // alike, so it is said once for the source (not once per variable)
        let which = match templates.len() {
            1 => first.to_string(),
            n => format!("{first} and {} more", n - 1),
        };
        data.unrendered = Some(format!("{which}: Helm template, not rendered"));
        data.notices.push(unrendered_notice(&which));
    }

    let mut stores: Vec<Store> = Vec::new();
    for object in &objects {
        if let Some(store) = Store::from_object(object)? {
            stores.push(store);
        }
    }

    let index = StoreIndex::new(&stores);
    let mut reader = Reader {
        stores: &stores,
        index: &index,
        data: &mut data,
        budget: &mut *budget,
        found: BTreeSet::new(),
        merged: BTreeMap::new(),
        opaque_seen: HashSet::new(),
        checked: HashSet::new(),
        matched: false,
        containers: 0,
    };
    for object in &objects {
        let Some(spec) = pod_spec(&object.kind, &object.node) else {
            continue;
        };
        let namespace = object
            .node
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str);
        for list in ["initContainers", "containers"] {
            let Some(items) = spec.get(list).and_then(Node::as_seq) else {
                continue;
            };
            for item in items {
                reader.container(&object.path, namespace, item, container)?;
            }
        }
    }

    let Reader {
        found,
        merged,
        matched,
        containers,
        ..
    } = reader;
    if let Some(wanted) = container
        && !matched
    {
        let names = if found.is_empty() {
            "none".to_string()
        } else {
            found.into_iter().collect::<Vec<_>>().join(", ")
        };
        return Err(SourceError {
            path: files
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            line: None,
            message: format!(
                "no container named `{wanted}` in the manifests; containers found: {names}"
            ),
        });
    }
    if container.is_none() && containers > 1 {
        data.notices.push(format!(
            "read {containers} containers together ({}); a variable set in any of them counts as \
             set: name the one that runs this code with `kubernetes:GLOB#CONTAINER`",
            found
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // (pods in templates that were not rendered are said once, as the source's unrendered reason)
    if containers == 0 && !files.is_empty() && data.unrendered.is_none() {
        data.notices
            .push("no Pod or pod template with containers in the manifests".to_string());
        // the pods are defined somewhere else: what they get is unknown
        data.opaque
            .push("no Pod or pod template with containers in the manifests".to_string());
    }
    data.provided = materialize(&stores, merged, budget)?;
    Ok(data)
}

/// The names of the result, each with a copy of its value, charged to `budget.copied`.
fn materialize(
    stores: &[Store],
    merged: BTreeMap<String, Origin>,
    budget: &mut Budget,
) -> Result<Vec<Provided>, SourceError> {
    let mut out = Vec::with_capacity(merged.len());
    for (name, origin) in merged {
        let p = match origin {
            Origin::Own(p) => p,
            Origin::Store { store, entry } => {
                let Some(source) = stores.get(store).and_then(|s| s.entries.get(entry)) else {
                    continue;
                };
                let size = match &source.state {
                    ValueState::Value(v) => v.expose().len(),
                    _ => 0,
                };
                if size > budget.copied {
                    return Err(SourceError {
                        path: source.path.clone(),
                        line: Some(source.line),
                        message: format!(
                            "envFrom copies more than {} MiB of values into the containers \
                             (YAML aliases repeating them?); refusing to read on",
                            super::MAX_COPIED >> 20
                        ),
                    });
                }
                budget.copied -= size;
                Provided {
                    name,
                    ..source.clone()
                }
            }
        };
        out.push(p);
    }
    Ok(out)
}

/// Whether `text` holds a Go template action (`{{ .Values.x }}`, `{{- include "..." . }}`,
/// `{{ if ... }}`), as Helm charts do. A plain `{{` in a value (`Hello {{name}}`, a mustache
/// placeholder in a rendered manifest) is not one: such a file is read like any other.
fn is_template(text: &str) -> bool {
    const KEYWORDS: [&str; 16] = [
        "include", "template", "if", "else", "end", "range", "with", "define", "block", "toYaml",
        "tpl", "required", "default", "quote", "printf", "lookup",
    ];
    text.match_indices("{{").any(|(at, _)| {
        let action = text[at + 2..].trim_start_matches('-').trim_start();
        if action.starts_with(['.', '$', '"']) || action.starts_with("/*") {
            return true;
        }
        let word_len = action
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(action.len());
        let word = &action[..word_len];
        KEYWORDS.contains(&word) && action[word_len..].starts_with([' ', '\t', '}'])
    })
}

/// One top-level object (or `List` item) and the file it is in.
struct Object {
    path: String,
    kind: String,
    node: Rc<Node>,
}

fn collect_objects(path: &str, node: &Rc<Node>, depth: usize, out: &mut Vec<Object>) {
    let Some(kind) = node.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") {
        if depth >= LIST_DEPTH {
            return;
        }
        if let Some(items) = node.get("items").and_then(Node::as_seq) {
            for item in items {
                collect_objects(path, item, depth + 1, out);
            }
        }
        return;
    }
    out.push(Object {
        path: path.to_string(),
        kind: kind.to_string(),
        node: Rc::clone(node),
    });
}

/// The one notice for a Helm chart or template that was not rendered: how to read it instead.
pub fn unrendered_notice(what: &str) -> String {
    format!(
        "{what}: Helm templates are not read (their variables are unknown): \
         render the chart and pipe it in, `helm template <release> <chart> -f <values.yaml> | \
         envcheck diff <env> --source kubernetes:-`"
    )
}

/// Where the pod spec of an object of `kind` is. Other kinds that hold a pod template at
/// `spec.template.spec` with containers (Argo `Rollout`, Knative `Service`, OpenShift
/// `DeploymentConfig`, ...) are read the same way.
fn pod_spec<'a>(kind: &str, node: &'a Node) -> Option<&'a Node> {
    match kind {
        "Pod" => node.get("spec"),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => node.path(&["spec", "template", "spec"]),
        "CronJob" => node.path(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "PodTemplate" => node.path(&["template", "spec"]),
        _ => node
            .path(&["spec", "template", "spec"])
            .filter(|spec| spec.get("containers").is_some_and(|c| c.as_seq().is_some())),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum StoreKind {
    ConfigMap,
    Secret,
}

impl StoreKind {
    fn kind_name(self) -> &'static str {
        match self {
            StoreKind::ConfigMap => "ConfigMap",
            StoreKind::Secret => "Secret",
        }
    }

    fn ref_name(self) -> &'static str {
        match self {
            StoreKind::ConfigMap => "configMapRef",
            StoreKind::Secret => "secretRef",
        }
    }
}

/// A ConfigMap or Secret, its keys already decoded.
struct Store {
    kind: StoreKind,
    name: String,
    namespace: Option<String>,
    /// One entry per key, in the order the API server would apply them.
    entries: Vec<Provided>,
}

impl Store {
    fn from_object(object: &Object) -> Result<Option<Store>, SourceError> {
        let kind = match object.kind.as_str() {
            "ConfigMap" => StoreKind::ConfigMap,
            "Secret" => StoreKind::Secret,
            _ => return Ok(None),
        };
        let node = &object.node;
        let Some(name) = node.path(&["metadata", "name"]).and_then(Node::as_str) else {
            return Ok(None);
        };
        let namespace = node
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .map(str::to_string);
        let mut entries: BTreeMap<String, Provided> = BTreeMap::new();
        let path = &object.path;
        // the API server rejects a mapping or a list as a value; reading one as empty would
        // report a wrong "empty" (ENV103)
        let text = |field: &str, (key, line): (&str, usize), value: &Node| {
            if let Some(problem) = name_problem(key) {
                return Err(SourceError {
                    path: path.clone(),
                    line: Some(line),
                    message: format!(
                        "{} `{name}` has a {field} key that {problem}",
                        kind.kind_name()
                    ),
                });
            }
            scalar_text(value).ok_or_else(|| SourceError {
                path: path.clone(),
                line: Some(line),
                message: format!(
                    "{} `{name}` {field} key `{key}` holds a mapping or a list, not a string",
                    kind.kind_name()
                ),
            })
        };
        match kind {
            StoreKind::ConfigMap => {
                for (key, value) in map_entries(node.get("data")) {
                    let text = text("data", key, value)?;
                    insert(&mut entries, path, key, Secret::new(text));
                }
            }
            StoreKind::Secret => {
                for (key, value) in map_entries(node.get("data")) {
                    let encoded: String = text("data", key, value)?
                        .chars()
                        .filter(|c| *c != '\n' && *c != '\r')
                        .collect();
                    let Ok(bytes) = STANDARD.decode(encoded.as_bytes()) else {
                        return Err(SourceError {
                            path: path.clone(),
                            line: Some(key.1),
                            message: format!(
                                "Secret `{name}` data key `{}` is not valid base64",
                                key.0
                            ),
                        });
                    };
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    insert(&mut entries, path, key, Secret::new(text));
                }
                for (key, value) in map_entries(node.get("stringData")) {
                    let text = text("stringData", key, value)?;
                    insert(&mut entries, path, key, Secret::new(text));
                }
            }
        }
        Ok(Some(Store {
            kind,
            name: name.to_string(),
            namespace,
            entries: entries.into_values().collect(),
        }))
    }
}

fn insert(entries: &mut BTreeMap<String, Provided>, path: &str, key: (&str, usize), value: Secret) {
    entries.insert(
        key.0.to_string(),
        Provided {
            name: key.0.to_string(),
            state: ValueState::Value(value),
            path: path.to_string(),
            line: key.1,
        },
    );
}

/// The scalar-keyed entries of a mapping: `((key, line), value)`.
fn map_entries(node: Option<&Node>) -> Vec<((&str, usize), &Node)> {
    node.and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some(((k.as_str()?, k.line), v.as_ref())))
        .collect()
}

/// The text of a scalar value, `""` for null; `None` for a collection.
fn scalar_text(node: &Node) -> Option<String> {
    let scalar = node.scalar()?;
    if scalar.is_null() {
        Some(String::new())
    } else {
        Some(scalar.text.clone())
    }
}

/// Where the stores of a set of manifests are, by kind and name: the last store of each name, the
/// last of each name in each namespace, and the last without a namespace.
struct StoreIndex<'a> {
    by_name: HashMap<(StoreKind, &'a str), Named<'a>>,
}

#[derive(Default)]
struct Named<'a> {
    last: usize,
    in_namespace: HashMap<&'a str, usize>,
    without_namespace: Option<usize>,
}

impl<'a> StoreIndex<'a> {
    fn new(stores: &'a [Store]) -> StoreIndex<'a> {
        let mut by_name: HashMap<(StoreKind, &str), Named> = HashMap::new();
        for (i, store) in stores.iter().enumerate() {
            let named = by_name
                .entry((store.kind, store.name.as_str()))
                .or_default();
            named.last = i;
            match store.namespace.as_deref() {
                Some(ns) => {
                    named.in_namespace.insert(ns, i);
                }
                None => named.without_namespace = Some(i),
            }
        }
        StoreIndex { by_name }
    }

    /// The store an `envFrom` reference in `namespace` names: the last one of that kind and name
    /// in the same namespace or in none; any namespace when the pod has none.
    fn find(&self, kind: StoreKind, name: &str, namespace: Option<&str>) -> Option<usize> {
        let named = self.by_name.get(&(kind, name))?;
        match namespace {
            None => Some(named.last),
            Some(ns) => named
                .in_namespace
                .get(ns)
                .copied()
                .max(named.without_namespace),
        }
    }
}

/// Where a name of a container comes from: an entry of a store (copied at the end, once per
/// name of the result), or the container's own `env`.
enum Origin {
    Store { store: usize, entry: usize },
    Own(Provided),
}

struct Reader<'a> {
    stores: &'a [Store],
    index: &'a StoreIndex<'a>,
    data: &'a mut SourceData,
    budget: &'a mut Budget,
    /// Names of every container seen, for the selector error.
    found: BTreeSet<String>,
    merged: BTreeMap<String, Origin>,
    /// The opaque reasons already given.
    opaque_seen: HashSet<String>,
    /// `(store, prefix)` pairs whose joined names have been checked.
    checked: HashSet<(usize, String)>,
    matched: bool,
    containers: usize,
}

impl Reader<'_> {
    /// Counts one container, entry or generated name against the budget.
    fn spend(&mut self, path: &str, line: usize) -> Result<(), SourceError> {
        if self.budget.generated == 0 {
            return Err(SourceError {
                path: path.to_string(),
                line: Some(line),
                message: format!(
                    "containers, env entries and the names envFrom generates add up to more \
                     than {} (YAML aliases repeating them?); refusing to read on",
                    super::MAX_GENERATED
                ),
            });
        }
        self.budget.generated -= 1;
        Ok(())
    }

    fn container(
        &mut self,
        path: &str,
        namespace: Option<&str>,
        item: &Node,
        wanted: Option<&str>,
    ) -> Result<(), SourceError> {
        self.spend(path, item.line)?;
        let name = item.get("name").and_then(Node::as_str);
        if let Some(name) = name
            && !self.found.contains(name)
        {
            self.found.insert(name.to_string());
        }
        if let Some(wanted) = wanted
            && name != Some(wanted)
        {
            return Ok(());
        }
        self.matched = true;
        self.containers += 1;
        let mut env: BTreeMap<String, Origin> = BTreeMap::new();
        // (store, prefix, line of the reference): a reference repeated with the same prefix is
        // applied once, at its last place
        let mut refs: Vec<(usize, &str, usize)> = Vec::new();
        for source in item
            .get("envFrom")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            self.spend(path, source.line)?;
            self.env_from(path, namespace, source, &mut refs)?;
        }
        let mut seen: HashSet<(usize, &str)> = HashSet::new();
        let mut unique: Vec<(usize, &str, usize)> = refs
            .into_iter()
            .rev()
            .filter(|(store, prefix, _)| seen.insert((*store, prefix)))
            .collect();
        unique.reverse();
        for (store, prefix, line) in unique {
            let Some(entries) = self.stores.get(store).map(|s| &s.entries) else {
                continue;
            };
            // the prefix and the keys passed the name check on their own, so a joined name has
            // its characters; its length is checked here, once per store and prefix however
            // many containers name them, and the whole check runs on every name of the result
            // (`super::check_names`)
            let check = !prefix.is_empty() && self.checked.insert((store, prefix.to_string()));
            for (i, entry) in entries.iter().enumerate() {
                self.spend(path, line)?;
                let name = format!("{prefix}{}", entry.name);
                if check && name.len() > super::MAX_NAME_LEN {
                    let problem = "is longer than 256 characters";
                    return Err(SourceError {
                        path: path.to_string(),
                        line: Some(line),
                        message: format!(
                            "an envFrom prefix joined to a key of {} `{}` makes a name that \
                             {problem}",
                            self.stores[store].kind.kind_name(),
                            self.stores[store].name
                        ),
                    });
                }
                env.insert(name, Origin::Store { store, entry: i });
            }
        }
        for entry in item.get("env").and_then(Node::as_seq).unwrap_or_default() {
            self.spend(path, entry.line)?;
            self.env_entry(path, entry, &mut env)?;
        }
        self.merged.extend(env);
        Ok(())
    }

    /// Resolves one `envFrom` entry into `refs`, or records why it cannot be resolved.
    fn env_from<'n>(
        &mut self,
        path: &str,
        namespace: Option<&str>,
        source: &'n Node,
        refs: &mut Vec<(usize, &'n str, usize)>,
    ) -> Result<(), SourceError> {
        let prefix_node = source.get("prefix");
        let prefix = prefix_node.and_then(Node::as_str).unwrap_or("");
        let line = prefix_node.map_or(source.line, |n| n.line);
        // the prefix starts every name it makes: it must be the start of a name itself
        if !prefix.is_empty()
            && let Some(problem) = name_problem(prefix)
        {
            return Err(SourceError {
                path: path.to_string(),
                line: Some(line),
                message: format!("an envFrom prefix {problem}"),
            });
        }
        for kind in [StoreKind::ConfigMap, StoreKind::Secret] {
            let Some(reference) = source.get(kind.ref_name()) else {
                continue;
            };
            let Some(name) = reference.get("name").and_then(Node::as_str) else {
                self.data.notices.push(format!(
                    "{path}:{}: envFrom {} has no name",
                    reference.line,
                    kind.ref_name()
                ));
                continue;
            };
            match self.index.find(kind, name, namespace) {
                Some(store) => refs.push((store, prefix, line)),
                // optional or not, it may exist in the cluster: its keys are unknown
                None => {
                    let optional = if is_optional(reference) {
                        "optional "
                    } else {
                        ""
                    };
                    let reason = format!(
                        "{optional}envFrom {} `{name}` is not in the manifests",
                        kind.ref_name()
                    );
                    if self.opaque_seen.insert(reason.clone()) {
                        self.data.opaque.push(reason);
                    }
                }
            }
        }
        Ok(())
    }

    fn env_entry(
        &mut self,
        path: &str,
        entry: &Node,
        env: &mut BTreeMap<String, Origin>,
    ) -> Result<(), SourceError> {
        let Some(name_node) = entry.get("name") else {
            self.data
                .notices
                .push(format!("{path}:{}: env entry has no name", entry.line));
            return Ok(());
        };
        let Some(name) = name_node.as_str().filter(|_| !name_node.is_null()) else {
            self.data
                .notices
                .push(format!("{path}:{}: env entry has no name", name_node.line));
            return Ok(());
        };
        let line = name_node.line;
        if let Some(problem) = name_problem(name) {
            return Err(SourceError {
                path: path.to_string(),
                line: Some(line),
                message: format!("an env entry's name {problem}"),
            });
        }
        let state = if entry.get("valueFrom").is_some_and(|v| !v.is_null()) {
            ValueState::External
        } else {
            match entry.get("value") {
                None => ValueState::Value(Secret::default()),
                Some(value) => match value.scalar() {
                    Some(scalar) => match scalar.resolve() {
                        Resolved::Null => ValueState::Value(Secret::default()),
                        Resolved::Str => ValueState::Value(Secret::new(scalar.text.clone())),
                        Resolved::Bool | Resolved::Int | Resolved::Float => {
                            self.data.notices.push(format!(
                                "{path}:{}: env {name} has a non-string value; the API server \
                                 rejects it",
                                value.line
                            ));
                            ValueState::Value(Secret::new(scalar.text.clone()))
                        }
                    },
                    None => {
                        self.data.notices.push(format!(
                            "{path}:{}: env {name} has a value that is not a string; the API \
                             server rejects it",
                            value.line
                        ));
                        ValueState::External
                    }
                },
            }
        };
        env.insert(
            name.to_string(),
            Origin::Own(Provided {
                name: name.to_string(),
                state,
                path: path.to_string(),
                line,
            }),
        );
        Ok(())
    }
}

fn is_optional(reference: &Node) -> bool {
    reference
        .get("optional")
        .and_then(Node::scalar)
        .is_some_and(|s| s.resolve() == Resolved::Bool && yaml::is_true(&s.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    fn one(text: &str) -> SourceData {
        read(&files(&[("k8s/app.yaml", text)]), None).expect("reads")
    }

    fn get<'a>(data: &'a SourceData, name: &str) -> &'a Provided {
        data.provided
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} not provided: {:?}", names(data)))
    }

    fn value(data: &SourceData, name: &str) -> String {
        match &get(data, name).state {
            ValueState::Value(v) => v.expose().to_string(),
            other => panic!("{name} is {other:?}"),
        }
    }

    fn names(data: &SourceData) -> Vec<&str> {
        data.provided.iter().map(|p| p.name.as_str()).collect()
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          env:
            - name: MIGRATE_ONLY
              value: \"1\"
      containers:
        - name: api
          env:
            - name: DATABASE_URL
              value: postgres://db/app
            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: api-secrets
                  key: token
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: EMPTY
              value: \"\"
            - name: NO_VALUE
        - name: sidecar
          env:
            - name: SIDECAR_MODE
              value: proxy
";

    #[test]
    fn deployment_env_values_and_value_from() {
        let data = one(DEPLOYMENT);
        assert_eq!(
            names(&data),
            [
                "API_TOKEN",
                "DATABASE_URL",
                "EMPTY",
                "MIGRATE_ONLY",
                "NO_VALUE",
                "POD_IP",
                "SIDECAR_MODE"
            ]
        );
        assert_eq!(value(&data, "DATABASE_URL"), "postgres://db/app");
        assert!(matches!(
            get(&data, "API_TOKEN").state,
            ValueState::External
        ));
        assert!(matches!(get(&data, "POD_IP").state, ValueState::External));
        assert_eq!(value(&data, "EMPTY"), "");
        assert_eq!(value(&data, "NO_VALUE"), "");
        assert_eq!(get(&data, "DATABASE_URL").line, 16);
        assert_eq!(get(&data, "DATABASE_URL").path, "k8s/app.yaml");
        assert!(data.opaque.is_empty());
        assert_eq!(data.notices.len(), 1, "{:?}", data.notices);
        assert!(data.notices[0].starts_with("read 3 containers together (api, migrate, sidecar)"));
    }

    #[test]
    fn container_selector() {
        let f = files(&[("app.yaml", DEPLOYMENT)]);
        let data = read(&f, Some("sidecar")).expect("reads");
        assert_eq!(names(&data), ["SIDECAR_MODE"]);
        let data = read(&f, Some("migrate")).expect("reads");
        assert_eq!(names(&data), ["MIGRATE_ONLY"]);
        let err = read(&f, Some("web")).expect_err("no such container");
        assert_eq!(err.path, "app.yaml");
        assert!(err.message.contains("`web`"), "{err}");
        assert!(err.message.contains("api, migrate, sidecar"), "{err}");
        let err = read(&files(&[("cm.yaml", "kind: ConfigMap\n")]), Some("web"))
            .expect_err("no containers");
        assert!(err.message.contains("containers found: none"), "{err}");
    }

    #[test]
    fn every_workload_kind() {
        let container = "containers:\n  - name: c\n    env:\n      - name: VAR\n        value: v\n";
        let indent = |n: usize| {
            container
                .lines()
                .map(|l| format!("{}{l}\n", " ".repeat(n)))
                .collect::<String>()
        };
        let template = format!("spec:\n  template:\n    spec:\n{}", indent(6));
        let mut docs = Vec::new();
        for kind in [
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
        ] {
            docs.push(format!("kind: {kind}\n{template}"));
        }
        docs.push(format!("kind: Pod\nspec:\n{}", indent(2)));
        docs.push(format!(
            "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{}",
            indent(10)
        ));
        docs.push(format!(
            "kind: PodTemplate\ntemplate:\n  spec:\n{}",
            indent(4)
        ));
        for doc in docs {
            let data = one(&doc);
            assert_eq!(names(&data), ["VAR"], "{doc}");
            assert_eq!(value(&data, "VAR"), "v");
        }
        let data = one("kind: Service\nspec:\n  containers:\n    - name: x\n");
        assert!(data.provided.is_empty());
        assert_eq!(data.notices.len(), 1);
    }

    #[test]
    fn list_items() {
        let data = one(
            "apiVersion: v1\nkind: List\nitems:\n  - kind: ConfigMap\n    metadata: {name: cfg}\n    data: {FROM_CM: a}\n  - kind: Pod\n    spec:\n      containers:\n        - name: p\n          envFrom:\n            - configMapRef: {name: cfg}\n          env:\n            - {name: IN_LIST, value: b}\n",
        );
        assert_eq!(names(&data), ["FROM_CM", "IN_LIST"]);
        assert_eq!(value(&data, "FROM_CM"), "a");
        assert_eq!(get(&data, "FROM_CM").line, 6);
    }

    const ENV_FROM: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: info
  SHARED: from-configmap
  PORT: 8080
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
data:
  DB_PASSWORD: aHVudGVyMg==
  SHARED: ZnJvbS1zZWNyZXQ=
stringData:
  API_KEY: plain-key
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          envFrom:
            - configMapRef:
                name: app-config
            - secretRef:
                name: app-secret
            - prefix: CFG_
              configMapRef:
                name: app-config
          env:
            - name: LOG_LEVEL
              value: debug
";

    #[test]
    fn env_from_resolves_in_the_file_set() {
        let data = one(ENV_FROM);
        assert_eq!(
            names(&data),
            [
                "API_KEY",
                "CFG_LOG_LEVEL",
                "CFG_PORT",
                "CFG_SHARED",
                "DB_PASSWORD",
                "LOG_LEVEL",
                "PORT",
                "SHARED"
            ]
        );
        assert_eq!(value(&data, "DB_PASSWORD"), "hunter2");
        assert_eq!(value(&data, "API_KEY"), "plain-key");
        assert_eq!(value(&data, "SHARED"), "from-secret", "later envFrom wins");
        assert_eq!(value(&data, "LOG_LEVEL"), "debug", "env beats envFrom");
        assert_eq!(get(&data, "LOG_LEVEL").line, 39);
        assert_eq!(value(&data, "CFG_LOG_LEVEL"), "info");
        assert_eq!(get(&data, "CFG_LOG_LEVEL").line, 6);
        assert_eq!(get(&data, "DB_PASSWORD").line, 16);
        assert_eq!(value(&data, "PORT"), "8080");
        assert!(data.opaque.is_empty());
    }

    #[test]
    fn string_data_beats_data() {
        let data = one(
            "kind: Secret\nmetadata: {name: s}\ndata: {K: YQ==}\nstringData: {K: b}\n---\nkind: Pod\nspec:\n  containers:\n    - name: p\n      envFrom: [{secretRef: {name: s}}]\n",
        );
        assert_eq!(value(&data, "K"), "b");
    }

    #[test]
    fn env_from_across_files_and_namespaces() {
        let f = files(&[
            (
                "base/secret.yaml",
                "kind: Secret\nmetadata: {name: s, namespace: other}\nstringData: {WRONG_NS: x}\n---\nkind: Secret\nmetadata: {name: s, namespace: prod}\nstringData: {RIGHT_NS: x}\n",
            ),
            (
                "base/pod.yaml",
                "kind: Pod\nmetadata: {name: p, namespace: prod}\nspec:\n  containers:\n    - name: p\n      envFrom: [{secretRef: {name: s}}]\n",
            ),
        ]);
        let data = read(&f, None).expect("reads");
        assert_eq!(names(&data), ["RIGHT_NS"]);
        assert_eq!(get(&data, "RIGHT_NS").path, "base/secret.yaml");
        assert_eq!(get(&data, "RIGHT_NS").line, 7);
    }

    #[test]
    fn missing_reference_is_opaque_even_when_optional() {
        let data = one(
            "kind: Pod\nspec:\n  containers:\n    - name: p\n      envFrom:\n        - secretRef: {name: vault-synced}\n        - configMapRef: {name: maybe, optional: true}\n        - secretRef:\n            name: also-maybe\n            optional: true\n      env:\n        - {name: A, value: x}\n",
        );
        // an optional reference may still exist in the cluster and provide keys
        assert_eq!(
            data.opaque,
            [
                "envFrom secretRef `vault-synced` is not in the manifests",
                "optional envFrom configMapRef `maybe` is not in the manifests",
                "optional envFrom secretRef `also-maybe` is not in the manifests",
            ]
        );
        assert!(data.notices.is_empty(), "{:?}", data.notices);
        assert_eq!(names(&data), ["A"]);
    }

    #[test]
    fn non_string_values_are_accepted_with_a_notice() {
        let data = one(
            "kind: Pod\nspec:\n  containers:\n    - name: p\n      env:\n        - name: PORT\n          value: 5432\n        - name: DEBUG\n          value: yes\n        - name: QUOTED\n          value: \"5432\"\n        - name: NESTED\n          value: {a: b}\n",
        );
        assert_eq!(value(&data, "PORT"), "5432");
        assert_eq!(value(&data, "DEBUG"), "yes");
        assert_eq!(value(&data, "QUOTED"), "5432");
        assert!(matches!(get(&data, "NESTED").state, ValueState::External));
        assert_eq!(
            data.notices[..2],
            [
                "k8s/app.yaml:7: env PORT has a non-string value; the API server rejects it",
                "k8s/app.yaml:9: env DEBUG has a non-string value; the API server rejects it",
            ]
        );
        assert_eq!(data.notices.len(), 3);
    }

    #[test]
    fn later_env_entry_and_later_container_win() {
        let data = one(
            "kind: Pod\nspec:\n  containers:\n    - name: a\n      env:\n        - {name: X, value: first}\n        - {name: X, value: second}\n    - name: b\n      env:\n        - {name: Y, value: b}\n---\nkind: Pod\nspec:\n  containers:\n    - name: c\n      env:\n        - {name: Y, value: c}\n",
        );
        assert_eq!(value(&data, "X"), "second");
        assert_eq!(get(&data, "X").line, 7);
        assert_eq!(value(&data, "Y"), "c");
        // merging is said out loud, with the way to pick one
        assert_eq!(data.notices.len(), 1, "{:?}", data.notices);
        assert!(
            data.notices[0].starts_with("read 3 containers together (a, b, c)")
                && data.notices[0].contains("#CONTAINER"),
            "{:?}",
            data.notices
        );
    }

    #[test]
    fn other_kinds_with_a_pod_template_are_read() {
        for kind in [
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout",
            "apiVersion: serving.knative.dev/v1\nkind: Service",
            "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig",
        ] {
            let data = one(&format!(
                "{kind}\nmetadata: {{name: r}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env: [{{name: ALPHA, value: x}}]\n"
            ));
            assert_eq!(names(&data), ["ALPHA"], "{kind}");
            assert!(data.opaque.is_empty(), "{kind}: {:?}", data.opaque);
        }
        // files without any pod: what the pods get is unknown, not "nothing"
        let data = one("kind: ConfigMap\nmetadata: {name: c}\ndata: {A: x}\n");
        assert_eq!(
            data.opaque,
            ["no Pod or pod template with containers in the manifests"]
        );
    }

    #[test]
    fn template_actions_not_braces_mark_a_template() {
        for text in [
            "value: {{ .Values.x }}",
            "{{- include \"app.env\" . | nindent 8 }}",
            "{{if .Values.on}}",
            "{{ $x := 1 }}",
            "{{/* a comment */}}",
            "{{- end }}",
        ] {
            assert!(is_template(text), "{text}");
        }
        for text in [
            "value: \"Hello {{name}}\"",
            "value: '{{ user }}'",
            "value: {{",
            "endpoint: x{{y",
        ] {
            assert!(!is_template(text), "{text}");
        }
        // a rendered manifest with a mustache placeholder in a value is read
        let data = one(
            "kind: Pod\nspec:\n  containers:\n    - name: p\n      env: [{name: GREETING, value: \"Hello {{name}}\"}]\n",
        );
        assert_eq!(names(&data), ["GREETING"]);
        assert!(data.opaque.is_empty());
    }

    #[test]
    fn helm_templates_are_skipped() {
        let f = files(&[
            (
                "chart/templates/deploy.yaml",
                "kind: Pod\nspec:\n  containers:\n    - name: {{ .Values.name }}\n      env:\n        - {name: HELM, value: x}\n",
            ),
            (
                "plain.yaml",
                "kind: Pod\nspec:\n  containers:\n    - name: p\n      env: [{name: PLAIN, value: y}]\n",
            ),
        ]);
        let data = read(&f, None).expect("reads");
        assert_eq!(names(&data), ["PLAIN"]);
        // one notice saying how to render it, one reason for the source (not one per name)
        let helm: Vec<&String> = data
            .notices
            .iter()
            .filter(|n| n.contains("helm template"))
            .collect();
        assert_eq!(helm.len(), 1, "{:?}", data.notices);
        assert!(helm[0].starts_with("chart/templates/deploy.yaml: Helm templates"));
        assert!(helm[0].contains("| envcheck diff <env> --source kubernetes:-"));
        assert!(data.opaque.is_empty());
        assert_eq!(
            data.unrendered.as_deref(),
            Some("chart/templates/deploy.yaml: Helm template, not rendered")
        );
    }

    #[test]
    fn bad_base64_names_file_and_key_but_not_the_value() {
        let err = read(
            &files(&[(
                "secret.yaml",
                "kind: Secret\nmetadata: {name: creds}\ndata:\n  GOOD: YQ==\n  BROKEN: CANARY-NOT-B64!!\n",
            )]),
            None,
        )
        .expect_err("bad base64");
        assert_eq!(err.path, "secret.yaml");
        assert_eq!(err.line, Some(5));
        assert!(
            err.message.contains("`creds`") && err.message.contains("`BROKEN`"),
            "{err}"
        );
        assert!(!format!("{err} {err:?}").contains("CANARY"));
    }

    #[test]
    fn values_in_name_position_are_refused_unprinted() {
        for (text, line) in [
            (
                "kind: Pod\nspec:\n  containers:\n    - name: p\n      env:\n        - {name: OK}\n        - {name: \"A=CANARY-1\", value: x}\n",
                7,
            ),
            (
                "kind: Pod\nspec:\n  containers:\n    - name: p\n      env:\n        - name: \"A CANARY-2\"\n",
                6,
            ),
            (
                "kind: Secret\nmetadata: {name: s}\nstringData:\n  sk_live_CANARY3a1b2c3d4e5f6g7h8i9j: x\n",
                4,
            ),
        ] {
            let err = read(&files(&[("m.yaml", text)]), None).expect_err(text);
            assert_eq!(
                (err.path.as_str(), err.line),
                ("m.yaml", Some(line)),
                "{err}"
            );
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }

    #[test]
    fn collection_values_in_stores_are_errors_not_empty() {
        for (text, line, what) in [
            (
                "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  OK: a\n  NESTED: {inner: CANARY-1}\n",
                5,
                "ConfigMap `c` data key `NESTED`",
            ),
            (
                "kind: Secret\nmetadata: {name: s}\ndata:\n  LIST: [CANARY-2]\n",
                4,
                "Secret `s` data key `LIST`",
            ),
            (
                "kind: Secret\nmetadata: {name: s}\nstringData:\n  A: b\n  LIST:\n    - CANARY-3\n",
                5,
                "Secret `s` stringData key `LIST`",
            ),
        ] {
            let err = read(&files(&[("m.yaml", text)]), None).expect_err(text);
            assert_eq!((err.path.as_str(), err.line), ("m.yaml", Some(line)));
            assert!(err.message.contains(what), "{err}");
            assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
        }
    }

    #[test]
    fn base64_may_span_lines() {
        let data = one(
            "kind: Secret\nmetadata: {name: s}\ndata:\n  CERT: |\n    aGVsbG8g\n    d29ybGQ=\n---\nkind: Pod\nspec:\n  containers:\n    - name: p\n      envFrom: [{secretRef: {name: s}}]\n",
        );
        assert_eq!(value(&data, "CERT"), "hello world");
    }

    #[test]
    fn malformed_yaml_is_an_error_with_a_line() {
        let err = read(
            &files(&[(
                "bad.yaml",
                "kind: Pod\nspec:\n  containers:\n    - name: [unclosed\n",
            )]),
            None,
        )
        .expect_err("malformed");
        assert_eq!(err.path, "bad.yaml");
        assert!(err.line.is_some());
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        for text in [
            "",
            "---\n",
            "just a string\n",
            "- a\n- b\n",
            "kind: Pod\n",
            "kind: Pod\nspec: 3\n",
            "kind: Pod\nspec:\n  containers: {a: b}\n",
            "kind: Pod\nspec:\n  containers:\n    - 3\n    - name: x\n      env: [1, {value: x}, {name: null}]\n      envFrom: [x, {secretRef: {}}]\n",
            "kind: List\nitems: 3\n",
            "kind: [a]\n",
        ] {
            let _ = read(&files(&[("odd.yaml", text)]), None).expect("reads");
        }
    }

    #[test]
    fn canaries_never_reach_debug_output() {
        let data = one(
            "kind: Secret\nmetadata: {name: s}\ndata: {K1: Q0FOQVJZLUs4Uy1VTklULTE=}\nstringData: {K2: CANARY-K8S-UNIT-2}\n---\nkind: ConfigMap\nmetadata: {name: c}\ndata: {K3: CANARY-K8S-UNIT-3}\n---\nkind: Pod\nspec:\n  containers:\n    - name: p\n      envFrom: [{secretRef: {name: s}}, {configMapRef: {name: c}}]\n      env:\n        - {name: K4, value: CANARY-K8S-UNIT-4}\n        - {name: K5, value: 4242}\n",
        );
        assert_eq!(value(&data, "K1"), "CANARY-K8S-UNIT-1");
        let debug = format!("{data:?} {data:#?}");
        assert!(!debug.contains("CANARY"), "{debug}");
        assert!(!debug.contains("Q0FOQVJZ"), "{debug}");
        assert!(!debug.contains("4242"), "{debug}");
    }
}
