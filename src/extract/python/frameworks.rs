//! Python frameworks and project helpers, per file.
//!
//! What one file can settle alone becomes a read here: django-environ calls on an `environ.Env()`
//! made in the same file, python-decouple's `config(...)`. What needs other files is recorded as
//! facts for the project pass ([`super::project`]): pydantic-settings classes (a base class may
//! live in another module), env helper functions (`def env_bool(name, default)` whose body reads
//! `os.getenv(name, ...)`), instances of env readers, and calls with a literal first argument
//! that may reach a helper or an instance defined elsewhere.

use std::collections::BTreeSet;

use tree_sitter::Node;

use super::{Args, Scope, literal_default, literal_string, no_fallback, semantics, unparenthesize};
use crate::extract::{Ctx, FileFacts, Key, ReadKind, When};
use crate::span::Position;

/// Per-file facts the project pass turns into reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PyFacts {
    pub classes: Vec<PyClass>,
    pub helpers: Vec<HelperDef>,
    pub calls: Vec<PyCall>,
    /// Module-level instances of env readers: `env = environ.Env(...)`, `config = AutoConfig()`.
    pub instances: Vec<(String, Instance)>,
    /// Dynamic reads whose key is a parameter of the module-level function they sit in: once
    /// every call of that helper is resolved, they are too.
    pub helper_keys: Vec<HelperKey>,
    /// Callees of calls whose first argument is not a literal name (`get_int(key)`): a helper
    /// called so is not fully resolved.
    pub computed_calls: BTreeSet<String>,
    /// Calls of classes with keyword arguments: `Settings(secret=...)`.
    pub inits: Vec<PyInit>,
}

impl PyFacts {
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
            && self.helpers.is_empty()
            && self.calls.is_empty()
            && self.instances.is_empty()
            && self.helper_keys.is_empty()
            && self.inits.is_empty()
    }
}

/// A dynamic read whose key is a parameter of the module-level function around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperKey {
    pub function: String,
    pub param: String,
    /// Appended to the parameter: `os.getenv(name + "_FILE")`.
    pub suffix: String,
    /// Where the dynamic read is (its key).
    pub position: Position,
    pub api: &'static str,
}

/// A call of something named like a class (`Settings(...)`, `config.Settings(...)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyInit {
    /// Resolved callee path, as for [`PyCall::callee`].
    pub callee: String,
    /// The keyword arguments it passes (`_env_file` and the like included).
    pub keywords: Vec<String>,
    /// It also passes `**values`: which fields those give is unknown.
    pub splat: bool,
}

/// An env reader object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instance {
    /// `environ.Env(X=(bool, False))`: the names whose scheme declares a default.
    DjangoEnv { scheme_defaults: Vec<String> },
    /// `decouple.AutoConfig(...)` / `decouple.Config(...)`, called like `config("X")`.
    Decouple,
}

impl Instance {
    /// The path a name bound to this instance resolves to.
    pub fn marker(&self) -> &'static str {
        match self {
            Instance::DjangoEnv { .. } => "environ.Env()",
            Instance::Decouple => "decouple.config",
        }
    }
}

/// A class with at least one base: a pydantic-settings class, or one that may be a base of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyClass {
    pub name: String,
    /// Resolved paths of the bases (`pydantic_settings.BaseSettings`, `$self.Base`).
    pub bases: Vec<String>,
    pub fields: Vec<PyField>,
    pub config: ClassConfig,
}

/// An annotated class attribute that pydantic would treat as a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyField {
    pub name: String,
    pub position: Position,
    pub kind: ReadKind,
    /// `validation_alias` / `alias` / `Field(env=...)` / each `AliasChoices` choice.
    pub aliases: Vec<String>,
    /// Source text of the annotation (for nested settings models).
    pub annotation: String,
    /// A literal default, as source text.
    pub default: Option<String>,
    /// When the class body runs (at import, unless the class is defined in a function).
    pub when: When,
    pub context: Option<String>,
}

/// Settings configuration of a class; `None` where the class does not say (inherit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassConfig {
    pub env_prefix: Option<String>,
    pub case_sensitive: Option<bool>,
    pub nested_delimiter: Option<String>,
    /// `env_ignore_empty=True`: an empty variable counts as unset.
    pub ignore_empty: Option<bool>,
}

/// A module-level function whose body reads an env var named by one of its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperDef {
    pub name: String,
    /// Index of the parameter that names the variable, and its name (for keyword calls).
    pub key_index: usize,
    pub key_param: String,
    /// Appended to the name: `os.getenv(name + "_FILE")` reads `X_FILE`.
    pub suffix: String,
    pub fallback: HelperFallback,
    /// Kind of the inner read when no fallback applies.
    pub inner: ReadKind,
}

/// Where a helper's value comes from when the variable is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelperFallback {
    /// Nothing: the inner read's kind applies.
    None,
    /// A literal or computed value: the read has a default.
    Value,
    /// A parameter: the call decides (`get_int(key, default=None)`).
    Param {
        index: usize,
        name: String,
        /// The parameter's declared default is something other than `None`.
        declared: bool,
    },
}

/// A call with a literal first argument (or a django-environ URL method with none) whose callee
/// is not known in this file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyCall {
    /// Resolved callee path: `paperless.settings.parsers.get_bool_from_env`, `$self.env_int`,
    /// `.base.env.str`.
    pub callee: String,
    pub name: Option<String>,
    pub position: Position,
    /// For each positional argument: does it give a value other than `None`?
    pub positional: Vec<bool>,
    /// Keyword arguments, and whether each gives a value other than `None`.
    pub keywords: Vec<(String, bool)>,
    /// When the call runs: the read it turns into happens then.
    pub when: When,
    pub context: Option<String>,
}

impl PyCall {
    /// Is the argument at `index` or named `name` given, and is it something other than `None`?
    pub fn arg(&self, index: usize, name: &str) -> Option<bool> {
        self.positional.get(index).copied().or_else(|| {
            self.keywords
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v)
        })
    }
}

/// Methods of `environ.Env` that read a variable, and the variable a URL method reads when
/// called without one.
fn django_method(method: &str) -> Option<Option<&'static str>> {
    match method {
        "" | "str" | "bool" | "int" | "float" | "json" | "list" | "tuple" | "dict" | "url"
        | "path" | "bytes" => Some(None),
        "db" | "db_url" => Some(Some("DATABASE_URL")),
        "cache" | "cache_url" => Some(Some("CACHE_URL")),
        "email" | "email_url" => Some(Some("EMAIL_URL")),
        "search_url" => Some(Some("SEARCH_URL")),
        _ => None,
    }
}

/// The instance a module-level assignment creates, if it is an env reader.
pub(super) fn instance(ctx: &Ctx, scope: &Scope, right: Node) -> Option<Instance> {
    if right.kind() != "call" {
        return None;
    }
    let path = scope.resolve(ctx, right.child_by_field_name("function")?)?;
    match path.as_str() {
        "environ.Env" | "environ.FileAwareEnv" | "environ.environ.Env" => {
            let mut scheme_defaults = Vec::new();
            if let Some(args) = right.child_by_field_name("arguments") {
                for (name, value) in Args::new(ctx, args).keywords {
                    // `X=(bool, False)` declares a default; `X=(bool,)` or `X=bool` does not.
                    if value.kind() == "tuple" && value.named_child_count() >= 2 {
                        scheme_defaults.push(name.to_string());
                    }
                }
            }
            Some(Instance::DjangoEnv { scheme_defaults })
        }
        "decouple.AutoConfig" | "decouple.Config" => Some(Instance::Decouple),
        _ => None,
    }
}

/// A call whose callee is not `os.*`: a framework read settled here, or a [`PyCall`] for later.
pub(super) fn call(
    ctx: &Ctx,
    scope: &Scope,
    site: Node,
    path: &str,
    args: Node,
    facts: &mut FileFacts,
) {
    let parsed = Args::new(ctx, args);
    if path == "decouple.config" {
        let Some(key) = parsed.get(0, "option") else {
            return;
        };
        let kind = match parsed.get(1, "default") {
            Some(d) if no_fallback(ctx, scope, d) => ReadKind::Optional,
            Some(_) => ReadKind::Default,
            // `except UndefinedValueError:` around it supplies the fallback
            None if semantics::handled_by_except(ctx, scope, site, semantics::DECOUPLE_ERRORS) => {
                ReadKind::Optional
            }
            None => ReadKind::Required,
        };
        push(
            ctx,
            scope,
            key,
            kind,
            "decouple",
            parsed.get(1, "default"),
            facts,
        );
        return;
    }
    if let Some(method) = path.strip_prefix("environ.Env()") {
        let scheme: Vec<&str> = scope
            .instances
            .iter()
            .flat_map(|(_, i)| match i {
                Instance::DjangoEnv { scheme_defaults } => scheme_defaults.as_slice(),
                Instance::Decouple => &[],
            })
            .map(String::as_str)
            .collect();
        django(
            ctx,
            scope,
            site,
            args,
            method.trim_start_matches('.'),
            &scheme,
            facts,
        );
        return;
    }
    init(path, args, &parsed, facts);
    // Anything else may be a helper or an instance from another module.
    let first = parsed.positional.first().copied();
    let name = match first.map(|k| scope.key(ctx, k)) {
        Some(Key::Name(name)) => Some(name),
        _ => None,
    };
    let url_method = path
        .rsplit('.')
        .next()
        .and_then(django_method)
        .flatten()
        .is_some();
    if name.is_none() && !(url_method && first.is_none()) {
        computed_call(path, args, facts);
        return;
    }
    let position = ctx.position(first.unwrap_or(args));
    let (when, context) = ctx.when(first.unwrap_or(args));
    facts.python.calls.push(PyCall {
        callee: path.to_string(),
        name,
        position,
        when,
        context,
        positional: parsed
            .positional
            .iter()
            .map(|a| !no_fallback(ctx, scope, *a))
            .collect(),
        keywords: parsed
            .keywords
            .iter()
            .map(|(n, v)| (n.to_string(), !no_fallback(ctx, scope, *v)))
            .collect(),
    });
}

/// A call of a name that looks like a class (its last part starts with a capital): a candidate
/// instantiation of a settings class, for the project pass.
fn init(path: &str, args: Node, parsed: &Args, facts: &mut FileFacts) {
    let last = path.rsplit('.').next().unwrap_or(path);
    if !last.starts_with(|c: char| c.is_ascii_uppercase()) {
        return;
    }
    let mut w = args.walk();
    let splat = args
        .named_children(&mut w)
        .any(|a| a.kind() == "dictionary_splat");
    facts.python.inits.push(PyInit {
        callee: path.to_string(),
        keywords: parsed.keywords.iter().map(|(n, _)| n.to_string()).collect(),
        splat,
    });
}

/// A call whose first argument is not a literal name, of something that may be a module-level
/// function (not a method of a local object).
fn computed_call(path: &str, args: Node, facts: &mut FileFacts) {
    if args.named_child_count() == 0 {
        return;
    }
    if path
        .strip_prefix("$self.")
        .is_some_and(|rest| rest.contains('.'))
    {
        return;
    }
    if !facts.python.computed_calls.contains(path) {
        facts.python.computed_calls.insert(path.to_string());
    }
}

/// `env("X")`, `env.str("X", default="d")`, `env.db()`: a django-environ read.
///
/// django-environ gives an empty value the meaning of no value in two cases, and the read is
/// marked `empty_is_unset` then: a `default=None` (the library turns `""` into `None`) and
/// `env.bool` (`""` is false). A `default=""` also makes empty and missing the same. Elsewhere
/// an empty value is used as it is (`env.int` fails on it, `env.list` gives `[]`).
#[allow(clippy::too_many_arguments)]
fn django(
    ctx: &Ctx,
    scope: &Scope,
    site: Node,
    args: Node,
    method: &str,
    scheme_defaults: &[&str],
    facts: &mut FileFacts,
) {
    let Some(implied) = django_method(method) else {
        return;
    };
    let parsed = Args::new(ctx, args);
    let default = match method {
        // The second positional argument of these is `cast`, not the default.
        "" | "list" | "tuple" | "dict" => parsed
            .keywords
            .iter()
            .find(|(n, _)| *n == "default")
            .map(|(_, v)| *v),
        _ => parsed.get(1, "default"),
    };
    let key = parsed.get(0, "var");
    let name = match (key, implied) {
        (Some(k), _) => match scope.key(ctx, k) {
            Key::Name(name) => name,
            Key::Dynamic => {
                facts.dynamic.push(ctx.dynamic(k, "django-environ"));
                return;
            }
        },
        (None, Some(implied)) => implied.to_string(),
        (None, None) => return,
    };
    let kind = match default {
        Some(d) if no_fallback(ctx, scope, d) => ReadKind::Optional,
        Some(_) => ReadKind::Default,
        None if scheme_defaults.contains(&name.as_str()) => ReadKind::Default,
        // `except ImproperlyConfigured:` around it supplies the fallback
        None if semantics::handled_by_except(
            ctx,
            scope,
            site,
            semantics::DJANGO_ENVIRON_ERRORS,
        ) =>
        {
            ReadKind::Optional
        }
        None => ReadKind::Required,
    };
    let empty_is_unset = method == "bool"
        || default
            .is_some_and(|d| unparenthesize(d).kind() == "none" || super::is_empty_string(ctx, d));
    let mut read = ctx.read(name, key.unwrap_or(args), kind, "django-environ");
    read.extra.default = default.and_then(|d| literal_default(ctx, d));
    read.extra.empty_is_unset = empty_is_unset;
    facts.reads.push(read);
}

fn push(
    ctx: &Ctx,
    scope: &Scope,
    key: Node,
    kind: ReadKind,
    api: &'static str,
    default: Option<Node>,
    facts: &mut FileFacts,
) {
    match scope.key(ctx, key) {
        Key::Name(name) => {
            let mut read = ctx.read(name, key, kind, api);
            read.extra.default = default.and_then(|d| literal_default(ctx, d));
            read.extra.empty_is_unset = default.is_some_and(|d| super::is_empty_string(ctx, d));
            facts.reads.push(read);
        }
        Key::Dynamic => facts.dynamic.push(ctx.dynamic(key, api)),
    }
}

/// A parameter of a function definition.
struct Param<'t> {
    name: &'t str,
    default: Option<Node<'t>>,
}

fn params<'t>(ctx: &Ctx<'t>, function: Node<'t>) -> Vec<Param<'t>> {
    let mut out = Vec::new();
    let Some(list) = function.child_by_field_name("parameters") else {
        return out;
    };
    let mut w = list.walk();
    for p in list.named_children(&mut w) {
        let (name, default) = match p.kind() {
            "identifier" => (Some(p), None),
            "typed_parameter" => (p.named_child(0).filter(|n| n.kind() == "identifier"), None),
            "default_parameter" | "typed_default_parameter" => (
                p.child_by_field_name("name"),
                p.child_by_field_name("value"),
            ),
            // `*args`, `*`, `**kwargs`: later parameters are keyword-only
            _ => break,
        };
        if let Some(name) = name {
            out.push(Param {
                name: ctx.text(name),
                default,
            });
        }
    }
    out
}

/// The module-level function a node sits in, if any.
fn enclosing_module_function(node: Node) -> Option<Node> {
    let mut current = node;
    for _ in 0..256 {
        let parent = current.parent()?;
        match parent.kind() {
            "class_definition" | "lambda" => return None,
            "function_definition" => {
                let holder = parent.parent()?;
                let holder = if holder.kind() == "decorated_definition" {
                    holder.parent()?
                } else {
                    holder
                };
                return (holder.kind() == "module").then_some(parent);
            }
            _ => current = parent,
        }
    }
    None
}

/// `param`, `param + "_FILE"`, `f"{param}_FILE"`: the parameter and the suffix.
fn param_key<'t>(ctx: &Ctx<'t>, key: Node<'t>) -> Option<(&'t str, String)> {
    let key = unparenthesize(key);
    match key.kind() {
        "identifier" => Some((ctx.text(key), String::new())),
        "binary_operator" => {
            let left = key.child_by_field_name("left")?;
            let right = key.child_by_field_name("right")?;
            if left.kind() != "identifier" || ctx.text(key.child_by_field_name("operator")?) != "+"
            {
                return None;
            }
            let suffix = literal_string(ctx, right, &Default::default())?;
            Some((ctx.text(left), suffix))
        }
        "string" => {
            // f"{param}_FILE"
            let mut w = key.walk();
            let parts: Vec<Node> = key.named_children(&mut w).collect();
            let mut param = None;
            let mut suffix = String::new();
            for part in parts {
                match part.kind() {
                    "string_start" | "string_end" => {}
                    "interpolation" if param.is_none() && suffix.is_empty() => {
                        let expr = part.named_child(0)?;
                        if expr.kind() != "identifier" {
                            return None;
                        }
                        param = Some(ctx.text(expr));
                    }
                    "string_content" if param.is_some() => suffix.push_str(ctx.text(part)),
                    _ => return None,
                }
            }
            Some((param?, suffix))
        }
        _ => None,
    }
}

/// Records a dynamic read whose key is a parameter of the module-level function it sits in
/// (`def get_int(key): ... os.environ[key]`), for the project pass to mark resolved.
pub(super) fn helper_key(ctx: &Ctx, key: Node, api: &'static str, facts: &mut FileFacts) {
    let Some((param, suffix)) = param_key(ctx, key) else {
        return;
    };
    let Some(function) = enclosing_module_function(key) else {
        return;
    };
    if !params(ctx, function).iter().any(|p| p.name == param) {
        return;
    }
    let Some(name) = function.child_by_field_name("name") else {
        return;
    };
    facts.python.helper_keys.push(HelperKey {
        function: ctx.text(name).to_string(),
        param: param.to_string(),
        suffix,
        position: ctx.position(key),
        api,
    });
}

/// A dynamic read inside a module-level function whose key is one of its parameters: the
/// function is an env helper.
pub(super) fn helper_def(
    ctx: &Ctx,
    scope: &Scope,
    site: Node,
    key: Node,
    kind: ReadKind,
    default: Option<Node>,
    facts: &mut FileFacts,
) {
    let Some((param, suffix)) = param_key(ctx, key) else {
        return;
    };
    let Some(function) = enclosing_module_function(site) else {
        return;
    };
    let params = params(ctx, function);
    let Some(key_index) = params.iter().position(|p| p.name == param) else {
        return;
    };
    let Some(name) = function
        .child_by_field_name("name")
        .map(|n| ctx.text(n).to_string())
    else {
        return;
    };
    // the first parameter (other than the key) an expression mentions, bounded in size
    let mentioned_param = |node: Node| {
        let mut stack = vec![node];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 64 {
                break;
            }
            let text = ctx.text(n);
            if n.kind() == "identifier"
                && text != param
                && let Some(index) = params.iter().position(|p| p.name == text)
            {
                return Some(HelperFallback::Param {
                    index,
                    name: text.to_string(),
                    declared: params[index]
                        .default
                        .is_some_and(|d| !no_fallback(ctx, scope, d)),
                });
            }
            let mut w = n.walk();
            stack.extend(n.named_children(&mut w));
        }
        None
    };
    let as_param = |node: Node| {
        let node = unparenthesize(node);
        (node.kind() == "identifier")
            .then(|| ctx.text(node))
            .and_then(|text| params.iter().position(|p| p.name == text))
            .map(|index| HelperFallback::Param {
                index,
                name: params[index].name.to_string(),
                declared: params[index]
                    .default
                    .is_some_and(|d| !no_fallback(ctx, scope, d)),
            })
    };
    // A parameter named like a default decides when nothing else does: helpers such as
    // `get_list(key, default=None)` return it when the variable is missing.
    let default_param = || {
        params
            .iter()
            .position(|p| matches!(p.name, "default" | "fallback" | "default_value"))
            .map(|index| HelperFallback::Param {
                index,
                name: params[index].name.to_string(),
                declared: params[index]
                    .default
                    .is_some_and(|d| !no_fallback(ctx, scope, d)),
            })
    };
    let fallback = match default {
        Some(d) => match as_param(d) {
            Some(p) => p,
            None if no_fallback(ctx, scope, d) => HelperFallback::None,
            None => HelperFallback::Value,
        },
        None if kind == ReadKind::Default => HelperFallback::Value,
        None => match missing_guard(ctx, function, param) {
            // `return default if default is None else Path(default)`: still the parameter
            Some(returned) => match as_param(returned).or_else(|| mentioned_param(returned)) {
                Some(p) => p,
                None if no_fallback(ctx, scope, returned) => HelperFallback::None,
                None => HelperFallback::Value,
            },
            None => default_param().unwrap_or(HelperFallback::None),
        },
    };
    let inner = match (kind, &fallback) {
        // a guard returns before the subscript runs: missing is not an error
        (ReadKind::Required, HelperFallback::Param { .. } | HelperFallback::Value) => {
            ReadKind::Optional
        }
        (ReadKind::Default, _) => ReadKind::Optional,
        (k, _) => k,
    };
    let def = HelperDef {
        name,
        key_index,
        key_param: param.to_string(),
        suffix,
        fallback,
        inner,
    };
    let helpers = &mut facts.python.helpers;
    if !helpers
        .iter()
        .any(|h| h.name == def.name && h.suffix == def.suffix)
    {
        helpers.push(def);
    }
}

/// `if key not in os.environ: return X` at the top level of the function: the returned `X`.
fn missing_guard<'t>(ctx: &Ctx<'t>, function: Node<'t>, param: &str) -> Option<Node<'t>> {
    let body = function.child_by_field_name("body")?;
    let mut w = body.walk();
    for stmt in body.named_children(&mut w) {
        if stmt.kind() != "if_statement" {
            continue;
        }
        let cond = super::dotted(ctx.text(stmt.child_by_field_name("condition")?));
        if !(cond.starts_with(&format!("{param}notin")) && cond.ends_with("environ")) {
            continue;
        }
        let first = stmt.child_by_field_name("consequence")?.named_child(0)?;
        if first.kind() == "return_statement" {
            return first.named_child(0);
        }
    }
    None
}

/// Classes with bases (candidates for pydantic-settings) and the module's reader instances.
pub(super) fn collect(ctx: &Ctx, scope: &Scope, root: Node, facts: &mut FileFacts) {
    facts.python.instances = scope.instances.clone();
    collect_classes(ctx, scope, root, 0, facts);
}

/// How many blocks deep classes are looked for: module-level `if` / `try` / `with` blocks and
/// function bodies (a settings class built in a factory), a few levels, bounded whatever the
/// input nests.
const MAX_CLASS_DEPTH: usize = 8;

/// Classes defined in `block`, in the blocks of its compound statements and in the bodies of
/// its functions. A class defined in a function body is read when the function runs: its
/// fields carry that timing (on use).
fn collect_classes(ctx: &Ctx, scope: &Scope, block: Node, depth: usize, facts: &mut FileFacts) {
    let mut w = block.walk();
    for stmt in block.named_children(&mut w) {
        let stmt = match stmt.kind() {
            "decorated_definition" => match stmt.child_by_field_name("definition") {
                Some(d) => d,
                None => continue,
            },
            _ => stmt,
        };
        match stmt.kind() {
            "class_definition" => {
                if let Some(class) = py_class(ctx, scope, stmt) {
                    facts.python.classes.push(class);
                }
            }
            "function_definition" if depth < MAX_CLASS_DEPTH => {
                if let Some(body) = stmt.child_by_field_name("body") {
                    collect_classes(ctx, scope, body, depth + 1, facts);
                }
            }
            "if_statement" | "try_statement" | "with_statement" | "block" | "else_clause"
            | "elif_clause" | "except_clause" | "finally_clause"
                if depth < MAX_CLASS_DEPTH =>
            {
                collect_classes(ctx, scope, stmt, depth + 1, facts);
            }
            _ => {}
        }
    }
}

fn py_class(ctx: &Ctx, scope: &Scope, class: Node) -> Option<PyClass> {
    let name = ctx.text(class.child_by_field_name("name")?).to_string();
    let supers = class.child_by_field_name("superclasses")?;
    let mut bases = Vec::new();
    let mut w = supers.walk();
    for base in supers.named_children(&mut w) {
        // `Generic[T]`, `BaseSettings`, `pydantic_settings.BaseSettings`
        let base = if base.kind() == "subscript" {
            base.child_by_field_name("value").unwrap_or(base)
        } else {
            base
        };
        if let Some(path) = scope.resolve_or_local(ctx, base) {
            bases.push(path);
        }
    }
    if bases.is_empty() {
        return None;
    }
    let body = class.child_by_field_name("body")?;
    let mut fields = Vec::new();
    let mut config = ClassConfig::default();
    let mut bw = body.walk();
    for stmt in body.named_children(&mut bw) {
        match stmt.kind() {
            "expression_statement" => {
                let Some(assign) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                    continue;
                };
                let Some(left) = assign
                    .child_by_field_name("left")
                    .filter(|l| l.kind() == "identifier")
                else {
                    continue;
                };
                let field = ctx.text(left);
                if field == "model_config" {
                    if let Some(right) = assign.child_by_field_name("right") {
                        read_config(ctx, right, &mut config);
                    }
                    continue;
                }
                let Some(annotation) = assign.child_by_field_name("type") else {
                    continue;
                };
                let annotation_text = ctx.text(annotation);
                if field.starts_with('_') || annotation_text.contains("ClassVar") {
                    continue;
                }
                fields.push(py_field(
                    ctx,
                    scope,
                    left,
                    annotation,
                    assign.child_by_field_name("right"),
                ));
            }
            // pydantic v1: `class Config: env_prefix = "app_"`
            "class_definition"
                if stmt
                    .child_by_field_name("name")
                    .is_some_and(|n| ctx.text(n) == "Config") =>
            {
                let Some(inner) = stmt.child_by_field_name("body") else {
                    continue;
                };
                let mut iw = inner.walk();
                for s in inner.named_children(&mut iw) {
                    let Some(assign) = s.named_child(0).filter(|a| a.kind() == "assignment") else {
                        continue;
                    };
                    if let (Some(l), Some(r)) = (
                        assign.child_by_field_name("left"),
                        assign.child_by_field_name("right"),
                    ) {
                        config_entry(ctx, ctx.text(l), r, &mut config);
                    }
                }
            }
            _ => {}
        }
    }
    Some(PyClass {
        name,
        bases,
        fields,
        config,
    })
}

/// `SettingsConfigDict(env_prefix=...)`, `ConfigDict(...)`, `dict(...)` or `{"env_prefix": ...}`.
fn read_config(ctx: &Ctx, right: Node, config: &mut ClassConfig) {
    match right.kind() {
        "call" => {
            if let Some(args) = right.child_by_field_name("arguments") {
                for (name, value) in Args::new(ctx, args).keywords {
                    config_entry(ctx, name, value, config);
                }
            }
        }
        "dictionary" => {
            let mut w = right.walk();
            for pair in right.named_children(&mut w) {
                if pair.kind() != "pair" {
                    continue;
                }
                if let (Some(k), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) && let Some(key) = literal_string(ctx, k, &Default::default())
                {
                    config_entry(ctx, &key, v, config);
                }
            }
        }
        _ => {}
    }
}

fn config_entry(ctx: &Ctx, name: &str, value: Node, config: &mut ClassConfig) {
    match name {
        "env_prefix" => config.env_prefix = literal_string(ctx, value, &Default::default()),
        "case_sensitive" => config.case_sensitive = Some(ctx.text(value) == "True"),
        "env_nested_delimiter" => {
            config.nested_delimiter = literal_string(ctx, value, &Default::default())
        }
        "env_ignore_empty" => config.ignore_empty = Some(ctx.text(value) == "True"),
        _ => {}
    }
}

/// `name: T`, `name: T = d`, `name: T = Field(...)`, `name: Annotated[T, Field(...)] = d`.
fn py_field(
    ctx: &Ctx,
    scope: &Scope,
    name: Node,
    annotation: Node,
    right: Option<Node>,
) -> PyField {
    let mut aliases = Vec::new();
    let mut kind = None;
    let mut default_text = None;
    // `Field(...)` inside `Annotated[...]` gives aliases (and a default, rarely)
    for call in field_calls(ctx, scope, annotation) {
        field_call(ctx, scope, call, &mut aliases, &mut kind, &mut default_text);
    }
    match right {
        None => {}
        Some(r) if is_field_call(ctx, scope, r) => {
            field_call(ctx, scope, r, &mut aliases, &mut kind, &mut default_text);
            kind.get_or_insert(ReadKind::Required);
        }
        Some(r) => {
            kind = Some(if unparenthesize(r).kind() == "none" {
                ReadKind::Optional
            } else {
                ReadKind::Default
            });
            default_text = literal_default(ctx, r);
        }
    }
    let (when, context) = ctx.when(name);
    PyField {
        name: ctx.text(name).to_string(),
        position: ctx.position(name),
        when,
        context,
        kind: kind.unwrap_or(ReadKind::Required),
        aliases,
        annotation: ctx.text(annotation).to_string(),
        default: default_text,
    }
}

fn is_field_call(ctx: &Ctx, scope: &Scope, node: Node) -> bool {
    node.kind() == "call"
        && node
            .child_by_field_name("function")
            .and_then(|f| scope.resolve_or_local(ctx, f))
            .is_some_and(|p| p == "pydantic.Field" || p.ends_with(".Field"))
}

/// `Field(...)` calls inside an annotation, bounded in depth and count.
fn field_calls<'t>(ctx: &Ctx, scope: &Scope, annotation: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![(annotation, 0)];
    while let Some((node, depth)) = stack.pop() {
        if out.len() >= 4 || depth > 8 {
            continue;
        }
        if is_field_call(ctx, scope, node) {
            out.push(node);
            continue;
        }
        let mut w = node.walk();
        for child in node.named_children(&mut w) {
            stack.push((child, depth + 1));
        }
    }
    out
}

/// Reads a `Field(...)` call: default, default_factory, aliases.
fn field_call(
    ctx: &Ctx,
    scope: &Scope,
    call: Node,
    aliases: &mut Vec<String>,
    kind: &mut Option<ReadKind>,
    default_text: &mut Option<String>,
) {
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    let args = Args::new(ctx, args);
    if let Some(d) = args.get(0, "default") {
        let d = unparenthesize(d);
        *kind = Some(match d.kind() {
            "ellipsis" => ReadKind::Required,
            "none" => ReadKind::Optional,
            _ => ReadKind::Default,
        });
        *default_text = literal_default(ctx, d);
    }
    if args.keywords.iter().any(|(n, _)| *n == "default_factory") {
        *kind = Some(ReadKind::Default);
    }
    for (name, value) in &args.keywords {
        if matches!(*name, "validation_alias" | "alias" | "env") && aliases.is_empty() {
            alias_names(ctx, scope, *value, aliases, 0);
        }
    }
}

/// How deep lists and `AliasChoices(...)` are followed inside an alias: real aliases nest one or
/// two levels; the bound keeps the recursion finite whatever the input nests.
const MAX_ALIAS_DEPTH: usize = 8;

/// `"X"`, `AliasChoices("A", "B")`, `AliasPath("a", 0)`, `["A", "B"]`.
fn alias_names(ctx: &Ctx, scope: &Scope, value: Node, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_ALIAS_DEPTH {
        return;
    }
    let value = unparenthesize(value);
    match value.kind() {
        "string" | "concatenated_string" => {
            out.extend(literal_string(ctx, value, &Default::default()));
        }
        "call" => {
            let callee = value
                .child_by_field_name("function")
                .and_then(|f| scope.resolve_or_local(ctx, f))
                .unwrap_or_default();
            let Some(args) = value.child_by_field_name("arguments") else {
                return;
            };
            let args = Args::new(ctx, args);
            if callee.ends_with("AliasPath") {
                // only the first element names a variable
                if let Some(first) = args.positional.first() {
                    out.extend(literal_string(ctx, *first, &Default::default()));
                }
            } else {
                for arg in args.positional {
                    alias_names(ctx, scope, arg, out, depth + 1);
                }
            }
        }
        "list" | "tuple" => {
            let mut w = value.walk();
            for item in value.named_children(&mut w) {
                alias_names(ctx, scope, item, out, depth + 1);
            }
        }
        _ => {}
    }
}
