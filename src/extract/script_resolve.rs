//! What a TS/JS file says about names the site shapes alone cannot see through: aliases of the env
//! object that live in a function (`const env = cond ? process.env : window._env_`), parameters
//! the env object is passed to (`load(process.env)` reading `env.X` in `load`), helper functions
//! called with a literal key (`readEnv("OPENAI_API_KEY")` where `readEnv(name)` reads
//! `process.env[name]`), and keys taken from a same-file list of names (`["A", "B"].map((k) =>
//! process.env[k])`, `Object.values(Vars)` of an enum, `for (const k of NAMES)`).
//!
//! All of it comes from one walk over the tree ([`Index`]), made on first need and shared by
//! every read of the file, so the cost stays linear however many reads there are:
//!
//! - **bindings** of names ending in `env` / `Env` (the only names a shape takes as an
//!   object), per scope: a `const` bound to an env object (or a conditional / `||` with one as a
//!   branch) is an alias, anything else (`let`, a parameter, an import, a second declaration in
//!   the same scope) hides the name. A read looks the name up from its innermost scope out.
//! - **functions** by name, with their parameters, and **calls** by callee name: a parameter
//!   ending in `env` is an alias when some call of the function passes the env object there; a
//!   dynamic read keyed by a parameter turns each call with a literal at that position into a
//!   read at the call (kind from the helper's read; a `?? fallback` parameter the call does not
//!   pass, with no default of its own, makes the read optional).
//! - **values** of declarations and **enums** by name, to list the names of `Object.values(E)`,
//!   `Object.keys(E)` and same-file arrays.
//!
//! A helper's own dynamic read is marked resolved (it stays listed, and ENV201 skips it) when
//! every use of the helper in the file is a call with a literal key and the helper is not
//! exported (no call elsewhere can pass anything else); so is a read over a list of names once
//! the list is resolved.

use std::collections::HashMap;

use tree_sitter::Node;

use super::script::{EnvObject, File, env_object, is_nullish, literal_text, unwrap};
use super::script_usage::Access;
use super::{Key, MAX_CLIMB, ReadKind};

/// How deep a name list is followed through same-file constants.
const MAX_DEPTH: usize = 8;

/// The longest argument text checked for being the env object.
const MAX_OBJECT_LEN: usize = 64;

/// Array methods whose callback receives each element; `reduce` passes it second.
const ITERATION_METHODS: &[&str] = &[
    "map",
    "forEach",
    "filter",
    "flatMap",
    "some",
    "every",
    "find",
    "findIndex",
];
const REDUCE_METHODS: &[&str] = &["reduce", "reduceRight"];

/// One parameter of a function.
#[derive(Clone)]
struct Param<'s> {
    /// `None` for a destructuring pattern.
    name: Option<&'s str>,
    has_default: bool,
}

/// A function defined in the file, under a name.
struct Function<'s> {
    node: Node<'s>,
    params: Vec<Param<'s>>,
    exported: bool,
}

/// The file's names, found by one walk; see the module documentation.
#[derive(Default)]
pub(super) struct Index<'s> {
    /// `(scope node id, name)`: the env object the name stands for there, or `None` where the
    /// name is bound to something else.
    bindings: HashMap<(usize, &'s str), Option<EnvObject>>,
    functions: HashMap<&'s str, Vec<Function<'s>>>,
    calls: HashMap<&'s str, Vec<Node<'s>>>,
    values: HashMap<&'s str, Vec<Node<'s>>>,
    enums: HashMap<&'s str, Vec<Node<'s>>>,
    /// How often each identifier occurs.
    uses: HashMap<&'s str, usize>,
}

fn ends_in_env(name: &str) -> bool {
    name.ends_with("env") || name.ends_with("Env")
}

impl<'s> Index<'s> {
    pub(super) fn build(file: &File<'_, 's>, root: Node<'s>) -> Index<'s> {
        let ctx = file.ctx;
        let mut index = Index::default();
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            match node.kind() {
                "identifier" => *index.uses.entry(ctx.text(node)).or_default() += 1,
                "call_expression" => {
                    if let Some(f) = node
                        .child_by_field_name("function")
                        .filter(|f| f.kind() == "identifier")
                    {
                        index.calls.entry(ctx.text(f)).or_default().push(node);
                    }
                }
                "lexical_declaration" | "variable_declaration" => index.declaration(file, node),
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = node.child_by_field_name("name") {
                        index.function(file, ctx.text(name), node);
                    }
                    index.params(file, node);
                }
                "arrow_function"
                | "function_expression"
                | "function"
                | "generator_function"
                | "method_definition" => index.params(file, node),
                "catch_clause" => {
                    if let Some(p) = node.child_by_field_name("parameter") {
                        index.hide(node, p, file);
                    }
                }
                "for_in_statement" => {
                    if let Some(left) = node.child_by_field_name("left") {
                        index.hide(node, left, file);
                    }
                }
                "import_specifier" | "namespace_import" | "import_clause" => {
                    let mut w = node.walk();
                    let ids: Vec<Node> = node
                        .named_children(&mut w)
                        .filter(|c| c.kind() == "identifier")
                        .collect();
                    // `import { a as env }`: the alias is the last identifier
                    if let (Some(last), Some(program)) = (ids.last(), program_of(node)) {
                        index.hide(program, *last, file);
                    }
                }
                "enum_declaration" => {
                    if let (Some(name), Some(body)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("body"),
                    ) {
                        index.enums.entry(ctx.text(name)).or_default().push(body);
                    }
                }
                _ => {}
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    index.parameter_aliases(file);
                    return index;
                }
            }
        }
    }

    /// `const env = process.env`, `let x = ...`, `const readEnv = (name) => ...`.
    fn declaration(&mut self, file: &File<'_, 's>, node: Node<'s>) {
        let ctx = file.ctx;
        let is_const = node.child(0).is_some_and(|c| c.kind() == "const");
        let exported = node
            .parent()
            .is_some_and(|p| p.kind() == "export_statement");
        let Some(scope) = scope_of(node) else { return };
        let mut w = node.walk();
        for declarator in node.named_children(&mut w) {
            let (Some(name), Some(value)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) else {
                continue;
            };
            if name.kind() != "identifier" {
                continue;
            }
            let text = ctx.text(name);
            self.values.entry(text).or_default().push(value);
            if ends_in_env(text) {
                let source = if is_const {
                    env_source(file, value)
                } else {
                    None
                };
                self.bind(scope, text, source);
            }
            let function = unwrap(value);
            if matches!(
                function.kind(),
                "arrow_function" | "function_expression" | "function"
            ) {
                self.functions.entry(text).or_default().push(Function {
                    node: function,
                    params: params(file, function),
                    exported,
                });
            }
        }
    }

    fn function(&mut self, file: &File<'_, 's>, name: &'s str, node: Node<'s>) {
        let exported = node
            .parent()
            .is_some_and(|p| p.kind() == "export_statement");
        self.functions.entry(name).or_default().push(Function {
            node,
            params: params(file, node),
            exported,
        });
    }

    /// A function's parameters hide outer names inside it (until [`Index::parameter_aliases`]
    /// finds the env object passed to them).
    fn params(&mut self, file: &File<'_, 's>, function: Node<'s>) {
        for param in params(file, function) {
            if let Some(name) = param.name.filter(|n| ends_in_env(n)) {
                self.bind(function, name, None);
            }
        }
    }

    /// A binding that is not an env object: `catch (env)`, `for (const env of ...)`, an import.
    fn hide(&mut self, scope: Node<'s>, name: Node<'s>, file: &File<'_, 's>) {
        let text = file.ctx.text(name);
        if name.kind() == "identifier" && ends_in_env(text) {
            self.bind(scope, text, None);
        }
    }

    /// Two bindings of a name in one scope: neither is trusted.
    fn bind(&mut self, scope: Node<'s>, name: &'s str, source: Option<EnvObject>) {
        self.bindings
            .entry((scope.id(), name))
            .and_modify(|b| *b = None)
            .or_insert(source);
    }

    /// `function load(env) { ... }` called as `load(process.env)`: inside `load`, `env` is the
    /// env object.
    fn parameter_aliases(&mut self, file: &File<'_, 's>) {
        for (name, functions) in &self.functions {
            let [function] = functions.as_slice() else {
                continue;
            };
            let Some(calls) = self.calls.get(name) else {
                continue;
            };
            for (i, param) in function.params.iter().enumerate() {
                let Some(param) = param.name.filter(|n| ends_in_env(n)) else {
                    continue;
                };
                let passed = calls.iter().find_map(|call| {
                    let arg = *arguments(*call).get(i)?;
                    (arg.byte_range().len() <= MAX_OBJECT_LEN)
                        .then(|| env_object(file.ctx, unwrap(arg)))
                        .flatten()
                });
                if let Some(env) = passed {
                    self.bindings.insert((function.node.id(), param), Some(env));
                }
            }
        }
    }

    /// What the identifier `node` stands for where it is used: the innermost binding of its
    /// name, if it is an env object.
    pub(super) fn alias(&self, file: &File<'_, 's>, node: Node<'s>) -> Option<EnvObject> {
        let name = file.ctx.text(node);
        if !ends_in_env(name) {
            return None;
        }
        let mut scope = node;
        for _ in 0..MAX_CLIMB {
            scope = scope.parent()?;
            if let Some(binding) = self.bindings.get(&(scope.id(), name)) {
                return *binding;
            }
        }
        None
    }
}

/// The scope a declaration binds in: its block, or the program for an exported one.
fn scope_of(declaration: Node) -> Option<Node> {
    let parent = declaration.parent()?;
    match parent.kind() {
        "export_statement" => parent.parent(),
        _ => Some(parent),
    }
}

fn program_of(node: Node) -> Option<Node> {
    let mut node = node;
    for _ in 0..MAX_CLIMB {
        if node.kind() == "program" {
            return Some(node);
        }
        node = node.parent()?;
    }
    None
}

/// The env object a `const` stands for: `process.env`, `cond ? process.env : window._env_`,
/// `process.env || {}`.
fn env_source(file: &File, value: Node) -> Option<EnvObject> {
    let value = unwrap(value);
    let object = |n: Option<Node>| {
        n.map(unwrap)
            .filter(|n| n.byte_range().len() <= MAX_OBJECT_LEN)
            .and_then(|n| env_object(file.ctx, n))
    };
    match value.kind() {
        "ternary_expression" => object(value.child_by_field_name("consequence"))
            .or_else(|| object(value.child_by_field_name("alternative"))),
        "binary_expression"
            if value
                .child_by_field_name("operator")
                .is_some_and(|o| matches!(o.kind(), "||" | "??")) =>
        {
            object(value.child_by_field_name("left"))
        }
        _ => object(Some(value)),
    }
}

/// The parameters of a function, arrow function or method.
fn params<'s>(file: &File<'_, 's>, function: Node<'s>) -> Vec<Param<'s>> {
    let ctx = file.ctx;
    // `x => ...`
    if let Some(p) = function.child_by_field_name("parameter") {
        return vec![Param {
            name: Some(ctx.text(p)),
            has_default: false,
        }];
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut w = list.walk();
    list.named_children(&mut w)
        .filter(|p| p.kind() != "comment")
        .map(|p| {
            let (pattern, has_default) = match p.kind() {
                // TypeScript: `name: string = "d"`, `name?: string`
                "required_parameter" | "optional_parameter" => (
                    p.child_by_field_name("pattern"),
                    p.child_by_field_name("value").is_some(),
                ),
                // JavaScript: `name = "d"`
                "assignment_pattern" => (p.child_by_field_name("left"), true),
                _ => (Some(p), false),
            };
            Param {
                name: pattern
                    .filter(|n| n.kind() == "identifier")
                    .map(|n| ctx.text(n)),
                has_default,
            }
        })
        .collect()
}

/// The arguments of a call, comments left out.
fn arguments(call: Node) -> Vec<Node> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut w = args.walk();
    args.named_children(&mut w)
        .filter(|a| a.kind() != "comment")
        .collect()
}

/// A dynamic read made while classifying, kept for [`resolve`].
pub(super) struct Dynamic<'s> {
    /// Index into the file's dynamic reads.
    pub index: usize,
    pub key: Node<'s>,
    pub access: Option<Access>,
    pub api: &'static str,
    pub default: Option<String>,
}

/// Turns the file's dynamic reads keyed by a helper's parameter or by an element of a name list
/// into reads of those names, and drops the dynamic reads that are fully resolved. The dynamic
/// reads of one helper parameter (or one list) are resolved together, once: their strongest kind
/// goes to every call (or name), so a helper reading its key ten times costs one pass over its
/// calls.
pub(super) fn resolve(file: &mut File) {
    let pending = std::mem::take(&mut file.pending);
    if pending.is_empty() || file.ctx.out_of_time() {
        return;
    }
    // origin node id and parameter -> (origin, the dynamic reads from it)
    let mut groups: Vec<(Origin, Vec<&Dynamic>)> = Vec::new();
    let mut group_of: HashMap<(usize, usize), usize> = HashMap::new();
    for dynamic in &pending {
        if dynamic.access.is_none() || unwrap(dynamic.key).kind() != "identifier" {
            continue;
        }
        let Some(origin) = origin(file, unwrap(dynamic.key)) else {
            continue;
        };
        let id = match origin {
            Origin::Param { function, i } => (function.id(), i),
            Origin::Element(list) => (list.id(), usize::MAX),
        };
        match group_of.get(&id) {
            Some(&g) => groups[g].1.push(dynamic),
            None => {
                group_of.insert(id, groups.len());
                groups.push((origin, vec![dynamic]));
            }
        }
    }
    let mut resolved: Vec<(usize, String)> = Vec::new();
    for (origin, dynamics) in groups {
        if file.ctx.out_of_time() {
            break;
        }
        // the strongest read stands for the group; empty is unset if any read says so
        let Some(first) = dynamics
            .iter()
            .filter(|d| d.access.is_some())
            .max_by_key(|d| d.access.map(|a| a.kind.strength()))
        else {
            continue;
        };
        let Some(mut access) = first.access else {
            continue;
        };
        access.empty_is_unset = dynamics
            .iter()
            .any(|d| d.access.is_some_and(|a| a.empty_is_unset));
        let (done, how) = match origin {
            Origin::Param { function, i } => {
                let name = function
                    .child_by_field_name("name")
                    .map(|n| file.ctx.text(n))
                    .unwrap_or("the helper");
                let how = format!("calls of {name}()");
                (helper_calls(file, first, access, function, i), how)
            }
            Origin::Element(list) => (
                list_reads(file, first, access, list),
                "a list of names in this file".to_string(),
            ),
        };
        if done {
            resolved.extend(dynamics.iter().map(|d| (d.index, how.clone())));
        }
    }
    // the dynamic reads stay listed, marked resolved: ENV201 has nothing to say about them
    for (index, how) in resolved {
        if let Some(d) = file.facts.dynamic.get_mut(index) {
            d.resolved.get_or_insert(how);
        }
    }
}

/// Where a key identifier comes from.
enum Origin<'s> {
    /// Parameter `i` of a named function.
    Param { function: Node<'s>, i: usize },
    /// Each element of a list: `names.map((k) => ...)`, `for (const k of names)`.
    Element(Node<'s>),
}

fn origin<'s>(file: &File<'_, 's>, key: Node<'s>) -> Option<Origin<'s>> {
    let ctx = file.ctx;
    let name = ctx.text(key);
    let mut node = key;
    for _ in 0..MAX_CLIMB {
        node = node.parent()?;
        match node.kind() {
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition" => {
                let Some(i) = params(file, node).iter().position(|p| p.name == Some(name)) else {
                    continue;
                };
                return match iterated_list(ctx, node) {
                    Some((list, element)) if element == i => Some(Origin::Element(list)),
                    Some(_) => None,
                    None => Some(Origin::Param { function: node, i }),
                };
            }
            "for_in_statement" => {
                let left = node.child_by_field_name("left")?;
                let is_of = {
                    let mut w = node.walk();
                    node.children(&mut w).any(|c| c.kind() == "of")
                };
                if ctx.text(left) == name && is_of {
                    return Some(Origin::Element(node.child_by_field_name("right")?));
                }
            }
            _ => {}
        }
    }
    None
}

/// `list.map((k) => ...)`: the list, and which parameter of the callback is its element.
fn iterated_list<'s>(ctx: &super::Ctx, callback: Node<'s>) -> Option<(Node<'s>, usize)> {
    let args = callback.parent().filter(|p| p.kind() == "arguments")?;
    let call = args.parent().filter(|c| c.kind() == "call_expression")?;
    if arguments(call).first() != Some(&callback) {
        return None;
    }
    let function = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "member_expression")?;
    let method = ctx.text(function.child_by_field_name("property")?);
    let element = if ITERATION_METHODS.contains(&method) {
        0
    } else if REDUCE_METHODS.contains(&method) {
        1
    } else {
        return None;
    };
    Some((function.child_by_field_name("object")?, element))
}

/// The reads a helper's calls make: each call passing a literal at position `i`. Whether the
/// helper's own dynamic read is now fully accounted for.
fn helper_calls<'s>(
    file: &mut File<'_, 's>,
    dynamic: &Dynamic<'s>,
    access: Access,
    function: Node<'s>,
    i: usize,
) -> bool {
    let ctx = file.ctx;
    let Some(name) = function_name(ctx, function) else {
        return false;
    };
    let index = file.index();
    let Some([helper]) = index.functions.get(name).map(Vec::as_slice) else {
        return false;
    };
    if helper.node != function {
        return false;
    }
    let calls = index.calls.get(name).cloned().unwrap_or_default();
    let uses = index.uses.get(name).copied().unwrap_or(0);
    let exported = helper.exported;
    let params = helper.params.clone();
    // `process.env[name] ?? fallback` with `fallback` a parameter: the call decides
    let fallback = fallback_param(ctx, dynamic.key, &params);
    let mut unresolved = 0;
    let mut reads = Vec::new();
    for call in &calls {
        let args = arguments(*call);
        let Some(arg) = args.get(i) else {
            unresolved += 1;
            continue;
        };
        let Key::Name(variable) = file.key(*arg) else {
            unresolved += 1;
            continue;
        };
        let (kind, default) = match fallback {
            Some(j) if access.kind == ReadKind::Default => match args.get(j) {
                Some(a) if !is_nullish(ctx, *a) => (ReadKind::Default, literal_text(ctx, *a)),
                _ if params[j].has_default => (ReadKind::Default, None),
                _ => (ReadKind::Optional, None),
            },
            _ => (access.kind, dynamic.default.clone()),
        };
        let mut read = ctx.read(variable, *arg, kind, "env helper");
        read.extra.detail = Some(name.to_string());
        read.extra.empty_is_unset = access.empty_is_unset;
        if kind == ReadKind::Default {
            read.extra.default = default;
        }
        reads.push(read);
    }
    let resolved = !calls.is_empty() && unresolved == 0 && !exported && uses == calls.len() + 1;
    file.facts.reads.extend(reads);
    resolved
}

/// The name a function is known by: `function f`, `const f = () => ...`.
fn function_name<'s>(ctx: &super::Ctx<'s>, function: Node) -> Option<&'s str> {
    if let Some(name) = function
        .child_by_field_name("name")
        .filter(|_| function.kind() != "method_definition")
    {
        return Some(ctx.text(name));
    }
    let mut node = function;
    while node
        .parent()
        .is_some_and(|p| p.kind() == "parenthesized_expression")
    {
        node = node.parent()?;
    }
    let declarator = node
        .parent()
        .filter(|d| d.kind() == "variable_declarator")?;
    declarator
        .child_by_field_name("name")
        .filter(|n| n.kind() == "identifier")
        .map(|n| ctx.text(n))
}

/// `process.env[name] ?? fallback` where `fallback` is parameter `j` of the helper: `j`.
fn fallback_param(ctx: &super::Ctx, key: Node, params: &[Param]) -> Option<usize> {
    let mut node = key.parent()?;
    if node.kind() == "arguments" {
        node = node.parent()?;
    }
    let mut last = None;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            "parenthesized_expression" | "as_expression" | "non_null_expression" => {}
            "member_expression" if parent.child_by_field_name("object") == Some(node) => {}
            "call_expression" if parent.child_by_field_name("function") == Some(node) => {}
            "binary_expression"
                if parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| matches!(o.kind(), "??" | "||")) =>
            {
                last = parent.child_by_field_name("right");
            }
            _ => break,
        }
        node = parent;
    }
    let last = unwrap(last?);
    if last.kind() != "identifier" {
        return None;
    }
    let name = ctx.text(last);
    params.iter().position(|p| p.name == Some(name))
}

/// The reads of a dynamic read over a same-file list of names: one per name, at the name, with
/// the dynamic read's kind and timing. Whether the list was resolved.
fn list_reads<'s>(
    file: &mut File<'_, 's>,
    dynamic: &Dynamic<'s>,
    access: Access,
    list: Node<'s>,
) -> bool {
    let Some(names) = names_of(file, list, 0) else {
        return false;
    };
    let ctx = file.ctx;
    let (when, context) = ctx.when(dynamic.key);
    for (name, node) in names {
        let mut read = ctx.read(name, node, access.kind, dynamic.api);
        read.extra.when = when;
        read.extra.context = context.clone();
        read.extra.empty_is_unset = access.empty_is_unset;
        if access.kind == ReadKind::Default {
            read.extra.default = dynamic.default.clone();
        }
        file.facts.reads.push(read);
    }
    true
}

/// The names a list expression holds: a literal array of strings, a same-file constant holding
/// one, `Object.values(E)` / `Object.keys(E)` of a same-file enum or object literal.
fn names_of<'s>(
    file: &File<'_, 's>,
    node: Node<'s>,
    depth: usize,
) -> Option<Vec<(String, Node<'s>)>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let ctx = file.ctx;
    let index = file.index();
    let node = unwrap(node);
    let single = |map: &HashMap<&'s str, Vec<Node<'s>>>, name: Node| match map
        .get(ctx.text(name))
        .map(Vec::as_slice)
    {
        Some([value]) => Some(*value),
        _ => None,
    };
    match node.kind() {
        "array" => {
            let mut w = node.walk();
            node.named_children(&mut w)
                .filter(|c| c.kind() != "comment")
                .map(|c| name_at(file, c))
                .collect()
        }
        "identifier" => names_of(file, single(&index.values, node)?, depth + 1),
        "call_expression" => {
            let function = node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "member_expression")?;
            if function.child_by_field_name("object").map(|o| ctx.text(o)) != Some("Object") {
                return None;
            }
            let keys = match ctx.text(function.child_by_field_name("property")?) {
                "keys" => true,
                "values" => false,
                _ => return None,
            };
            let [source] = arguments(node)[..] else {
                return None;
            };
            let source = unwrap(source);
            if source.kind() != "identifier" {
                return None;
            }
            if let Some(body) = single(&index.enums, source) {
                return members(file, body, keys);
            }
            let object = unwrap(single(&index.values, source)?);
            (object.kind() == "object")
                .then(|| members(file, object, keys))
                .flatten()
        }
        _ => None,
    }
}

/// The member names (`keys`) or string values of an enum body or object literal; `None` if one
/// of them is not a literal name.
fn members<'s>(file: &File<'_, 's>, body: Node<'s>, keys: bool) -> Option<Vec<(String, Node<'s>)>> {
    let mut w = body.walk();
    let mut out = Vec::new();
    for member in body.named_children(&mut w) {
        let (key, value) = match member.kind() {
            "comment" => continue,
            "enum_assignment" | "pair" => (
                member
                    .child_by_field_name("name")
                    .or_else(|| member.child_by_field_name("key"))?,
                member.child_by_field_name("value"),
            ),
            "property_identifier" | "shorthand_property_identifier" => (member, None),
            _ => return None,
        };
        if keys {
            let name = match key.kind() {
                "property_identifier" | "shorthand_property_identifier" => {
                    file.ctx.text(key).to_string()
                }
                _ => match file.key(key) {
                    Key::Name(name) => name,
                    Key::Dynamic => return None,
                },
            };
            out.push((name, key));
        } else {
            out.push(name_at(file, value?)?);
        }
    }
    Some(out)
}

/// A literal name at `node`.
fn name_at<'s>(file: &File<'_, 's>, node: Node<'s>) -> Option<(String, Node<'s>)> {
    match file.key(node) {
        Key::Name(name) => Some((name, node)),
        Key::Dynamic => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::ReadKind::{self, *};
    use crate::extract::{When, extract};
    use crate::lang::{Language, Parsers};

    const SCRIPT: [Language; 3] = [Language::TypeScript, Language::Tsx, Language::JavaScript];

    /// `(name, line, kind, api, when)` of every read, and the lines of the dynamic reads, the
    /// same in every grammar given.
    type Rows = (
        Vec<(String, usize, ReadKind, &'static str, When)>,
        Vec<(usize, Option<String>)>,
    );

    fn rows(languages: &[Language], src: &str) -> Rows {
        let mut first: Option<Rows> = None;
        for language in languages {
            let facts = extract(*language, src.as_bytes(), &mut Parsers::default());
            let got = (
                facts
                    .reads
                    .into_iter()
                    .map(|r| (r.name, r.position.line, r.kind, r.api, r.extra.when))
                    .collect(),
                // the dynamic reads left to ENV201: resolved ones are listed, marked
                facts
                    .dynamic
                    .into_iter()
                    .filter(|d| d.resolved.is_none())
                    .map(|d| (d.position.line, d.prefix))
                    .collect(),
            );
            match &first {
                None => first = Some(got),
                Some(f) => assert_eq!(f, &got, "{language:?} differs"),
            }
        }
        first.unwrap_or_default()
    }

    fn read(
        name: &str,
        line: usize,
        kind: ReadKind,
        api: &'static str,
        when: When,
    ) -> (String, usize, ReadKind, &'static str, When) {
        (name.to_string(), line, kind, api, when)
    }

    const ON_USE: When = When::OnUse;
    const STARTUP: When = When::Startup;

    /// Aliases of the env object inside functions, and parameters the env object is passed to.
    #[test]
    fn local_and_parameter_aliases() {
        let src = r#"export function getConfig() {
  const env = typeof window !== "undefined" ? window._env_ : process.env;
  return env.API_URL;
}
function inner() {
  const processEnv = process.env;
  return { a: processEnv.LOCAL_B ?? "x", b: processEnv[`API_${kind}`] };
}
function load(env) {
  return { url: env.PARAM_URL, port: env.PARAM_PORT || 3000 };
}
export const cfg = load(process.env);
function other(env) {
  return env.NOT_A_READ;
}
other({});
function shadowed() {
  const env = process.env;
  return [1].map((env) => env.SHADOWED);
}
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            (
                vec![
                    read("API_URL", 3, Optional, "process.env.X", ON_USE),
                    read("LOCAL_B", 7, Default, "process.env.X", ON_USE),
                    read("PARAM_URL", 10, Optional, "process.env.X", ON_USE),
                    read("PARAM_PORT", 10, Default, "process.env.X", ON_USE),
                ],
                // a template-built key through the alias keeps its static prefix
                vec![(7, Some("API_".to_string()))],
            )
        );
    }

    /// A helper called with literal keys reads each of them at the call; its own dynamic read
    /// goes when every use is such a call and nothing outside the file can call it.
    #[test]
    fn helper_functions_called_with_literal_keys() {
        let src = r#"function readEnv(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}
export function resolve() {
  const base = readEnv("AI_BASE_URL");
  if (readEnv("AI_GATEWAY_API_KEY")) {
    return base;
  }
}
const getEnv = (key: string, fallback?: string) => process.env[key] ?? fallback;
export const a = getEnv("WITH_FALLBACK", "d");
export const b = getEnv("WITHOUT_FALLBACK");
export function requireEnv(key: string) {
  const value = process.env[key];
  if (!value) throw new Error(key);
  return value;
}
export const c = requireEnv("REQUIRED_KEY");
function partly(name: string) {
  return process.env[name];
}
export const d = partly("PARTLY_KEY");
export const e = partly(other);
"#;
        let (reads, dynamic) = rows(&[Language::TypeScript, Language::Tsx], src);
        assert_eq!(
            reads,
            vec![
                read("AI_BASE_URL", 5, Optional, "env helper", ON_USE),
                read("AI_GATEWAY_API_KEY", 6, Optional, "env helper", ON_USE),
                read("WITH_FALLBACK", 11, Default, "env helper", STARTUP),
                read("WITHOUT_FALLBACK", 12, Optional, "env helper", STARTUP),
                read("REQUIRED_KEY", 18, Required, "env helper", STARTUP),
                read("PARTLY_KEY", 22, Optional, "env helper", STARTUP),
            ]
        );
        // `requireEnv` is exported and `partly` has a call with a computed key: both stay
        let lines: Vec<usize> = dynamic.iter().map(|d| d.0).collect();
        assert_eq!(lines, vec![14, 20]);
        let facts = extract(
            Language::TypeScript,
            src.as_bytes(),
            &mut Parsers::default(),
        );
        let base = facts.reads.iter().find(|r| r.name == "AI_BASE_URL");
        assert!(base.is_some_and(
            |r| r.extra.empty_is_unset && r.extra.detail.as_deref() == Some("readEnv")
        ));
    }

    /// Keys taken from a same-file list of names: the names are read, at the names.
    #[test]
    fn name_lists_feeding_a_computed_key() {
        let src = r#"const NAMES = ["LIST_A", "LIST_B"];
export const all = NAMES.reduce((acc, k) => ({ ...acc, [k]: process.env[k] ?? "" }), {});
for (const n of ["LOOP_A", "LOOP_B"]) {
  if (!process.env[n]) throw new Error(n);
}
const KEYS = { KEY_A: 1, KEY_B: 2 };
Object.keys(KEYS).forEach((k) => console.log(process.env[k]));
const unknown = load();
unknown.map((k) => process.env[k]);
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            (
                vec![
                    read("LIST_A", 1, Default, "process.env[]", ON_USE),
                    read("LIST_B", 1, Default, "process.env[]", ON_USE),
                    read("LOOP_A", 3, Required, "process.env[]", STARTUP),
                    read("LOOP_B", 3, Required, "process.env[]", STARTUP),
                    read("KEY_A", 6, Optional, "process.env[]", ON_USE),
                    read("KEY_B", 6, Optional, "process.env[]", ON_USE),
                ],
                vec![(9, None)],
            )
        );
        let src = r#"enum Vars {
  A = "ENUM_A",
  B = "ENUM_B",
}
export const values = Object.values(Vars).map((name) => process.env[name]);
"#;
        assert_eq!(
            rows(&[Language::TypeScript, Language::Tsx], src),
            (
                vec![
                    read("ENUM_A", 2, Optional, "process.env[]", ON_USE),
                    read("ENUM_B", 3, Optional, "process.env[]", ON_USE),
                ],
                vec![],
            )
        );
    }

    /// One dynamic read per helper parameter is resolved once however often the helper reads
    /// it: a helper reading its key 2,000 times with 2,000 calls must not cost 4,000,000 reads.
    /// The ceiling only catches a blow-up.
    #[test]
    fn many_reads_and_calls_of_one_helper_stay_linear() {
        let mut src = String::from("function h(name) {\n");
        for _ in 0..2000 {
            src.push_str("  use(process.env[name]);\n");
        }
        src.push_str("}\n");
        for i in 0..2000 {
            src.push_str(&format!("h('K{i}');\n"));
        }
        let start = std::time::Instant::now();
        let facts = extract(
            Language::JavaScript,
            src.as_bytes(),
            &mut Parsers::default(),
        );
        assert_eq!(facts.reads.len(), 2000);
        assert!(facts.dynamic.iter().all(|d| d.resolved.is_some()));
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }
}
