//! Python: `os.environ[...]`, `os.getenv`, `os.environ.get/setdefault`, `in os.environ`, through
//! any import alias, with keys given as literals or as module-level string constants.
//!
//! Each read's kind starts from its syntax (a default argument, an `or` fallback, a presence
//! guard) and is refined by what the code around it does with the value (`semantics`: truth
//! tests, `None` tests, guards after the assignment, exception handlers), which also says
//! whether an empty value counts as unset. A computed key that loops over a literal table of
//! names is resolved to them (`loops`); one that is a helper's parameter is noted for the
//! project pass ([`project`]).

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use crate::lang::{Language, Sites};

use super::{Ctx, FileFacts, Key, MAX_CLIMB, Read, ReadExtra, ReadKind, plausible_name};
use semantics::Use;

mod frameworks;
pub(crate) mod lexer;
mod loops;
pub(crate) mod partial;
pub mod project;
mod semantics;

pub use frameworks::{
    ClassConfig, HelperDef, HelperFallback, HelperKey, Instance, PyCall, PyClass, PyFacts, PyField,
    PyInit,
};

/// What a local name stands for, after the file's imports.
pub(crate) struct Scope {
    /// Local name -> dotted path (`env` -> `os.environ`, `_os` -> `os`). Module-level instances
    /// of env readers map to a marker path: `env = environ.Env()` gives `env` -> `environ.Env()`,
    /// `config = AutoConfig()` gives `config` -> `decouple.config`.
    imports: HashMap<String, String>,
    /// Module-level `NAME = "literal"`; `None` when the name is bound more than once.
    constants: HashMap<String, Option<String>>,
    /// Module-level instances of env readers, in source order.
    instances: Vec<(String, Instance)>,
    /// What resolving computed keys through loops has spent in this file (see [`loops`]).
    loops: loops::LoopBudget,
    /// The file has an exception handler somewhere: only then is a read's climb to an
    /// enclosing `try` worth its cost (see [`semantics::handled_by_except`]).
    has_handler: bool,
}

impl Scope {
    fn new(ctx: &Ctx, root: Node) -> Scope {
        let mut scope = Scope {
            imports: HashMap::new(),
            constants: HashMap::new(),
            instances: Vec::new(),
            loops: loops::LoopBudget::default(),
            has_handler: memchr::memmem::find(ctx.src, b"except").is_some(),
        };
        scope.collect(ctx, root, 0);
        scope
    }

    /// Walks module-level statements, and the blocks of `if` / `try` / `with` at module level
    /// (`try: from os import getenv`), collecting imports and string constants. Bounded depth:
    /// never recurses on how deeply the input nests.
    fn collect(&mut self, ctx: &Ctx, block: Node, depth: usize) {
        let mut walker = block.walk();
        for stmt in block.named_children(&mut walker) {
            match stmt.kind() {
                "import_statement" => {
                    let mut w = stmt.walk();
                    for name in stmt.children_by_field_name("name", &mut w) {
                        match name.kind() {
                            // `import os.path` binds `os`
                            "dotted_name" => {
                                let full = ctx.text(name);
                                let first = full.split('.').next().unwrap_or(full).trim();
                                self.imports.insert(first.to_string(), first.to_string());
                            }
                            "aliased_import" => {
                                if let (Some(n), Some(a)) = (
                                    name.child_by_field_name("name"),
                                    name.child_by_field_name("alias"),
                                ) {
                                    self.imports
                                        .insert(ctx.text(a).to_string(), dotted(ctx.text(n)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "import_from_statement" => {
                    let Some(module) = stmt.child_by_field_name("module_name") else {
                        continue;
                    };
                    let module = dotted(ctx.text(module));
                    let mut w = stmt.walk();
                    for name in stmt.children_by_field_name("name", &mut w) {
                        let (name, alias) = match name.kind() {
                            "dotted_name" => (name, name),
                            "aliased_import" => match (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) {
                                (Some(n), Some(a)) => (n, a),
                                _ => continue,
                            },
                            _ => continue,
                        };
                        self.imports.insert(
                            ctx.text(alias).to_string(),
                            format!("{module}.{}", dotted(ctx.text(name))),
                        );
                    }
                }
                "expression_statement" => {
                    let Some(assign) = stmt.named_child(0) else {
                        continue;
                    };
                    if assign.kind() != "assignment" {
                        continue;
                    }
                    let (Some(left), Some(right)) = (
                        assign.child_by_field_name("left"),
                        assign.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    if left.kind() != "identifier" {
                        continue;
                    }
                    if let Some(instance) = frameworks::instance(ctx, self, right) {
                        let name = ctx.text(left).to_string();
                        self.imports
                            .insert(name.clone(), instance.marker().to_string());
                        self.instances.push((name, instance));
                        continue;
                    }
                    let value = literal_string(ctx, right, &HashMap::new());
                    let name = ctx.text(left).to_string();
                    match self.constants.get(&name) {
                        Some(prev) if *prev != value => {
                            self.constants.insert(name, None);
                        }
                        _ => {
                            self.constants.insert(name, value);
                        }
                    }
                }
                "if_statement" | "try_statement" | "with_statement" | "block" | "else_clause"
                | "elif_clause" | "except_clause" | "finally_clause"
                    if depth < 4 =>
                {
                    self.collect(ctx, stmt, depth + 1);
                }
                _ => {}
            }
        }
    }

    /// The dotted path an expression stands for, if it is a chain of names and attributes.
    pub(crate) fn resolve(&self, ctx: &Ctx, node: Node) -> Option<String> {
        self.chain(ctx, node, false)
    }

    /// Like [`Scope::resolve`], but a name that is not imported is taken as defined in this
    /// module: `$self.name` (the project pass resolves it).
    pub(crate) fn resolve_or_local(&self, ctx: &Ctx, node: Node) -> Option<String> {
        self.chain(ctx, node, true)
    }

    /// Walks down an attribute chain (`a.b.c`) to its first name, without recursion and at most
    /// [`MAX_CHAIN`] links deep, then resolves that name.
    fn chain(&self, ctx: &Ctx, node: Node, local: bool) -> Option<String> {
        let mut attributes = Vec::new();
        let mut node = node;
        while node.kind() == "attribute" {
            if attributes.len() == MAX_CHAIN {
                return None;
            }
            attributes.push(ctx.text(node.child_by_field_name("attribute")?));
            node = node.child_by_field_name("object")?;
        }
        if node.kind() != "identifier" {
            return None;
        }
        let name = ctx.text(node);
        let mut path = match self.imports.get(name) {
            Some(path) => path.clone(),
            // `os` used without an import seen at module level (imported in a function, or
            // through a star import) is still the os module.
            None if name == "os" => "os".to_string(),
            None if local => format!("$self.{name}"),
            None => return None,
        };
        for attribute in attributes.iter().rev() {
            path.push('.');
            path.push_str(attribute);
        }
        Some(path)
    }

    pub(crate) fn key(&self, ctx: &Ctx, node: Node) -> Key {
        match literal_string(ctx, node, &self.constants) {
            Some(name) if plausible_name(&name) => Key::Name(name),
            _ => Key::Dynamic,
        }
    }
}

/// `a . b` -> `a.b`
pub(crate) fn dotted(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many links of an attribute chain (`a.b.c`) are followed: no module path is longer, and
/// the walk stays bounded whatever the input nests.
const MAX_CHAIN: usize = 64;

/// How deep `+` operands, concatenations and parentheses are followed in a string expression:
/// no variable name is built from more pieces, and the recursion stays bounded however deeply
/// the input nests (a 10,000-term `"a" + "a" + ...` is simply not a literal).
const MAX_LITERAL_DEPTH: usize = 32;

/// The value of a string expression that has no run-time part: a plain or concatenated literal,
/// a `+` of literals, or a module-level constant.
pub(crate) fn literal_string(
    ctx: &Ctx,
    node: Node,
    constants: &HashMap<String, Option<String>>,
) -> Option<String> {
    literal_string_at(ctx, node, constants, 0)
}

fn literal_string_at(
    ctx: &Ctx,
    node: Node,
    constants: &HashMap<String, Option<String>>,
    depth: usize,
) -> Option<String> {
    if depth > MAX_LITERAL_DEPTH {
        return None;
    }
    match node.kind() {
        "string" => {
            let mut out = String::new();
            let mut w = node.walk();
            for part in node.named_children(&mut w) {
                match part.kind() {
                    "string_start" => {
                        let prefix = ctx.text(part).to_ascii_lowercase();
                        if prefix.contains('b') {
                            return None;
                        }
                    }
                    "string_content" => out.push_str(ctx.text(part)),
                    "string_end" => {}
                    // an f-string interpolation: computed at run time
                    _ => return None,
                }
            }
            Some(out)
        }
        "concatenated_string" => {
            let mut out = String::new();
            let mut w = node.walk();
            for part in node.named_children(&mut w) {
                if part.kind() == "comment" {
                    continue;
                }
                out.push_str(&literal_string_at(ctx, part, constants, depth + 1)?);
            }
            Some(out)
        }
        "binary_operator" => {
            let op = node.child_by_field_name("operator")?;
            if ctx.text(op) != "+" {
                return None;
            }
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            let left = literal_string_at(ctx, left, constants, depth + 1)?;
            let right = literal_string_at(ctx, right, constants, depth + 1)?;
            Some(left + &right)
        }
        "parenthesized_expression" => {
            literal_string_at(ctx, node.named_child(0)?, constants, depth + 1)
        }
        "identifier" => constants.get(ctx.text(node))?.clone(),
        _ => None,
    }
}

pub(super) fn extract(ctx: &Ctx, tree: &Tree, language: Language) -> FileFacts {
    let root = tree.root_node();
    let scope = Scope::new(ctx, root);
    let mut facts = FileFacts::default();
    // the walk finds the sites; src/lang/shapes.rs checks each shape and names its parts
    let mut shapes = Vec::new();
    for site in Sites::new(language, root, 0..ctx.src.len()) {
        if ctx.out_of_time() {
            break;
        }
        crate::lang::shapes::python(site, &mut shapes);
        for shape in shapes.drain(..) {
            let site = shape.site;
            let (callee, args, object, key) = (shape.callee, shape.args, shape.object, shape.key);
            match shape.pattern {
                "call" => {
                    if let (Some(callee), Some(args)) = (callee, args) {
                        call(ctx, &scope, site, callee, args, &mut facts);
                    }
                }
                "subscript" => {
                    if let (Some(object), Some(key)) = (object, key) {
                        subscript(ctx, &scope, site, object, key, &mut facts);
                    }
                }
                "presence" => {
                    if let (Some(object), Some(key)) = (object, key) {
                        presence(ctx, &scope, site, object, key, &mut facts);
                    }
                }
                _ => {}
            }
        }
    }
    frameworks::collect(ctx, &scope, root, &mut facts);
    facts
}

/// Positional and keyword arguments of a call.
pub(crate) struct Args<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(&'t str, Node<'t>)>,
}

impl<'t> Args<'t> {
    pub fn new(ctx: &Ctx<'t>, list: Node<'t>) -> Args<'t> {
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        let mut w = list.walk();
        for arg in list.named_children(&mut w) {
            match arg.kind() {
                "keyword_argument" => {
                    if let (Some(n), Some(v)) = (
                        arg.child_by_field_name("name"),
                        arg.child_by_field_name("value"),
                    ) {
                        keywords.push((ctx.text(n), v));
                    }
                }
                "comment" | "list_splat" | "dictionary_splat" => {}
                _ => positional.push(arg),
            }
        }
        Args {
            positional,
            keywords,
        }
    }

    /// The argument at `index`, or the keyword argument `name`.
    pub fn get(&self, index: usize, name: &str) -> Option<Node<'t>> {
        self.positional.get(index).copied().or_else(|| {
            self.keywords
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        })
    }
}

fn call(ctx: &Ctx, scope: &Scope, site: Node, callee: Node, args: Node, facts: &mut FileFacts) {
    let Some(path) = scope.resolve_or_local(ctx, callee) else {
        return;
    };
    let api = match path.as_str() {
        "os.getenv" => "os.getenv",
        "os.environ.get" => "os.environ.get",
        "os.environ.setdefault" => "os.environ.setdefault",
        _ => {
            frameworks::call(ctx, scope, site, &path, args, facts);
            return;
        }
    };
    let args = Args::new(ctx, args);
    let Some(key) = args.get(0, "key") else {
        return;
    };
    let default = args.get(1, "default");
    let empty_default = default.is_some_and(|d| is_empty_string(ctx, d));
    let mut kind = if api == "os.environ.setdefault" {
        ReadKind::Default
    } else {
        match default {
            Some(d) if !no_fallback(ctx, scope, d) => ReadKind::Default,
            _ => fallback_kind(ctx, scope, site).unwrap_or(ReadKind::Optional),
        }
    };
    // an empty default makes empty and missing the same value
    let mut empty_is_unset = empty_default;
    if (kind == ReadKind::Optional || empty_default)
        && let Some(guard) = semantics::guard_after(ctx, scope, site)
    {
        kind = if guard.raises {
            ReadKind::Required
        } else {
            ReadKind::Default
        };
        empty_is_unset |= guard.empty;
    }
    match semantics::value_use(ctx, scope, site) {
        Use::Truth => {
            empty_is_unset = true;
            if kind == ReadKind::Optional {
                kind = ReadKind::Presence;
            }
        }
        Use::NoneTest if kind == ReadKind::Optional => kind = ReadKind::Presence,
        Use::Fallback => empty_is_unset = true,
        Use::NoneTest | Use::Value => {}
    }
    match scope.key(ctx, key) {
        Key::Name(name) => {
            let mut read = ctx.read(name, key, kind, api);
            read.extra.default = default.and_then(|d| literal_default(ctx, d));
            read.extra.empty_is_unset = empty_is_unset;
            facts.reads.push(read);
        }
        Key::Dynamic => {
            dynamic_read(ctx, scope, key, api, kind, empty_is_unset, facts);
            frameworks::helper_def(ctx, scope, site, key, kind, default, facts);
        }
    }
}

/// A read whose key is computed: listed as dynamic, noted for the project pass when the key is
/// a helper's parameter, and resolved to names when it loops over a literal table of them
/// (see [`loops`]); each name then becomes a read of `kind`, placed on its literal, evaluated
/// when the dynamic read is.
fn dynamic_read(
    ctx: &Ctx,
    scope: &Scope,
    key: Node,
    api: &'static str,
    kind: ReadKind,
    empty_is_unset: bool,
    facts: &mut FileFacts,
) {
    let mut dynamic = ctx.dynamic(key, api);
    frameworks::helper_key(ctx, key, api, facts);
    if let Some(table) = loops::loop_names(ctx, scope, key) {
        let (when, context) = ctx.when(key);
        for (name, literal) in table.names {
            // on the literal, but evaluated when the loop's read is
            facts.reads.push(Read {
                name: name.clone(),
                position: ctx.position(literal),
                end: ctx.lines.position(ctx.src, literal.end_byte()),
                kind,
                api,
                extra: ReadExtra {
                    detail: Some(table.header.clone()),
                    when,
                    context: context.clone(),
                    empty_is_unset,
                    ..ReadExtra::default()
                },
            });
            dynamic.resolved_names.push(name);
        }
        dynamic.resolved_names.sort();
        dynamic.resolved_names.dedup();
        dynamic.resolved = Some(table.header);
    }
    facts.dynamic.push(dynamic);
}

/// `""` or `''`: a default that is the empty string, which makes an empty value and a missing
/// one the same.
pub(crate) fn is_empty_string(ctx: &Ctx, node: Node) -> bool {
    let node = unparenthesize(node);
    matches!(node.kind(), "string" | "concatenated_string")
        && literal_string(ctx, node, &HashMap::new()).is_some_and(|s| s.is_empty())
}

/// The source text of a default that is a plain literal (string, number, boolean).
pub(crate) fn literal_default(ctx: &Ctx, node: Node) -> Option<String> {
    let node = unparenthesize(node);
    match node.kind() {
        "string" => literal_string(ctx, node, &HashMap::new()),
        "integer" | "float" | "true" | "false" => Some(ctx.text(node).to_string()),
        _ => None,
    }
}

fn subscript(ctx: &Ctx, scope: &Scope, site: Node, object: Node, key: Node, facts: &mut FileFacts) {
    if scope.resolve(ctx, object).as_deref() != Some("os.environ") || is_write_target(site) {
        return;
    }
    // `try: ... os.environ["X"] ... except KeyError:`: the handler supplies the fallback
    let handled = semantics::handled_by_except(ctx, scope, site, semantics::KEY_ERRORS);
    // a truth test or an `or` fallback takes an empty value as no value; a missing one still
    // raises
    let empty_is_unset = matches!(
        semantics::value_use(ctx, scope, site),
        Use::Truth | Use::Fallback
    );
    match scope.key(ctx, key) {
        Key::Name(name) => {
            let kind = if handled || under_presence_test(ctx, site, &name) {
                ReadKind::Optional
            } else {
                ReadKind::Required
            };
            let mut read = ctx.read(name, key, kind, "os.environ[]");
            read.extra.empty_is_unset = empty_is_unset;
            facts.reads.push(read);
        }
        Key::Dynamic => {
            let kind = if handled {
                ReadKind::Optional
            } else {
                ReadKind::Required
            };
            dynamic_read(ctx, scope, key, "os.environ[]", kind, empty_is_unset, facts);
            frameworks::helper_def(ctx, scope, site, key, kind, None, facts);
        }
    }
}

fn presence(ctx: &Ctx, scope: &Scope, site: Node, object: Node, key: Node, facts: &mut FileFacts) {
    if scope.resolve(ctx, object).as_deref() != Some("os.environ") {
        return;
    }
    // In a chain such as `a < "X" in os.environ`, the captured key must sit right before the
    // operator that precedes the object.
    if key.next_sibling().map(|op| op.kind()) != Some("in")
        && key.next_sibling().map(|op| op.kind()) != Some("not in")
    {
        return;
    }
    if key.next_sibling().and_then(|op| op.next_sibling()) != Some(object) {
        return;
    }
    let _ = site;
    match scope.key(ctx, key) {
        Key::Name(name) => {
            facts
                .reads
                .push(ctx.read(name, key, ReadKind::Presence, "in os.environ"))
        }
        Key::Dynamic => dynamic_read(
            ctx,
            scope,
            key,
            "in os.environ",
            ReadKind::Presence,
            false,
            facts,
        ),
    }
}

/// `None`, or an env read that itself has no fallback: a default that gives nothing.
pub(crate) fn no_fallback(ctx: &Ctx, scope: &Scope, node: Node) -> bool {
    let node = unparenthesize(node);
    match node.kind() {
        "none" => true,
        "call" => {
            let getter = node
                .child_by_field_name("function")
                .and_then(|f| scope.resolve(ctx, f))
                .is_some_and(|p| p == "os.getenv" || p == "os.environ.get");
            let has_default = node
                .child_by_field_name("arguments")
                .is_some_and(|a| Args::new(ctx, a).get(1, "default").is_some());
            getter && !has_default
        }
        _ => false,
    }
}

pub(crate) fn unparenthesize(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// `read or fallback`: the read has a default when the `or` chain it sits in ends in something
/// other than `None` or another bare env read.
fn fallback_kind(ctx: &Ctx, scope: &Scope, site: Node) -> Option<ReadKind> {
    let mut node = site;
    let mut top = None;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            "parenthesized_expression" => node = parent,
            "boolean_operator"
                if parent
                    .child_by_field_name("operator")
                    .is_some_and(|op| op.kind() == "or") =>
            {
                top = Some(parent);
                node = parent;
            }
            _ => break,
        }
    }
    let top = top?;
    let last = top.child_by_field_name("right")?;
    if last.byte_range() == site.byte_range() || last.byte_range().contains(&site.start_byte()) {
        // the read is the last operand: nothing after it
        return None;
    }
    if no_fallback(ctx, scope, last) {
        None
    } else {
        Some(ReadKind::Default)
    }
}

/// `os.environ["X"] = v`, `os.environ["X"] += v`, `del os.environ["X"]`, `a, os.environ["X"] = ..`.
fn is_write_target(site: Node) -> bool {
    let mut node = site;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            "assignment" | "augmented_assignment" => {
                return parent.child_by_field_name("left") == Some(node);
            }
            "delete_statement" => return true,
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "expression_list"
            | "parenthesized_expression" => node = parent,
            _ => return false,
        }
    }
    false
}

/// `os.environ["X"] if "X" in os.environ else d` and `if "X" in os.environ: ... os.environ["X"]`:
/// the subscript runs only when the variable is set.
fn under_presence_test(ctx: &Ctx, site: Node, name: &str) -> bool {
    let mut node = site;
    let mut steps = 0;
    while let Some(parent) = node.parent() {
        steps += 1;
        if steps > 64
            || matches!(
                parent.kind(),
                "function_definition" | "class_definition" | "module"
            )
        {
            return false;
        }
        let condition = match parent.kind() {
            // `a if cond else b`: the consequence is the first named child
            "conditional_expression" if parent.named_child(0) == Some(node) => {
                parent.named_child(1)
            }
            "if_statement" if parent.child_by_field_name("consequence") == Some(node) => {
                parent.child_by_field_name("condition")
            }
            _ => None,
        };
        if let Some(condition) = condition {
            let text = ctx.text(condition);
            if text.contains(" in ")
                && !text.contains("not in")
                && (text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'")))
            {
                return true;
            }
        }
        node = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::extract::ReadKind::{self, *};
    use crate::extract::When::{self, *};
    use crate::extract::testing::{kinds, run};
    use crate::extract::{DynamicRead, Read, extract};
    use crate::lang::{Language, Parsers};

    /// Every read and dynamic read of a snippet, with their extra facts.
    fn facts(src: &str) -> (Vec<Read>, Vec<DynamicRead>) {
        let facts = extract(Language::Python, src.as_bytes(), &mut Parsers::default());
        (facts.reads, facts.dynamic)
    }

    /// `(kind, empty_is_unset)` of the one read of `name` in a snippet.
    fn semantics(src: &str, name: &str) -> (ReadKind, bool) {
        let (reads, _) = facts(src);
        let found: Vec<&Read> = reads.iter().filter(|r| r.name == name).collect();
        assert_eq!(found.len(), 1, "{src}\n=> {reads:?}");
        (found[0].kind, found[0].extra.empty_is_unset)
    }

    /// Defaulting and guarding idioms: never required, and whether an empty value counts as
    /// no value.
    #[test]
    fn defaulting_and_guarding_idioms() {
        let cases: &[(&str, ReadKind, bool)] = &[
            ("import os\nX = os.getenv('X') or 'd'\n", Default, true),
            (
                "import os\nX = os.environ.get('X') or None\n",
                Optional,
                true,
            ),
            (
                "import os\nX = os.getenv('X')\nif X is None:\n    X = 'd'\n",
                Default,
                false,
            ),
            (
                "import os\nX = os.getenv('X')\nif not X:\n    X = 'd'\n",
                Default,
                true,
            ),
            // a new value that is itself nothing is no default
            (
                "import os\nX = os.getenv('X')\nif X is None:\n    X = None\n",
                Optional,
                false,
            ),
            ("import os\nN = int(os.getenv('X', '3'))\n", Default, false),
            (
                "import os\nL = os.environ.get('X', '').split(',')\n",
                Default,
                true,
            ),
            ("import os\nF = bool(os.getenv('X'))\n", Presence, true),
            (
                "import os\nfrom flags import bool\nF = bool(os.getenv('X'))\n",
                Optional,
                false,
            ),
            // the guard that raises: required, and an empty value raises too
            (
                "import os\nX = os.getenv('X')\nif not X:\n    raise SystemExit('X')\n",
                Required,
                true,
            ),
            (
                "import os\nX = os.getenv('X')\nif X is None:\n    raise SystemExit('X')\n",
                Required,
                false,
            ),
            (
                "import os\nX = os.getenv('X', '')\nif not X:\n    raise SystemExit('X')\n",
                Required,
                true,
            ),
        ];
        for (src, kind, empty) in cases {
            assert_eq!(semantics(src, "X"), (*kind, *empty), "{src}");
        }
    }

    /// `os.environ["X"]` in a `try` whose handler catches a missing key is optional.
    #[test]
    fn subscripts_under_a_handler_that_catches_a_missing_key() {
        let wrap = |handler: &str| {
            format!("import os\ntry:\n    X = int(os.environ['X'])\n{handler}\n    X = 3\n")
        };
        for handler in [
            "except KeyError:",
            "except KeyError as e:",
            "except (ValueError, KeyError):",
            "except ValueError, KeyError:",
            "except LookupError:",
            "except Exception:",
            "except builtins.KeyError:",
            "except:",
        ] {
            assert_eq!(
                semantics(&wrap(handler), "X"),
                (Optional, false),
                "{handler}"
            );
        }
        for handler in ["except ValueError:", "except ImportError:"] {
            assert_eq!(
                semantics(&wrap(handler), "X"),
                (Required, false),
                "{handler}"
            );
        }
        // a handler that raises again
        let src = "import os\ntry:\n    X = os.environ['X']\nexcept KeyError:\n    raise RuntimeError('X')\n";
        assert_eq!(semantics(src, "X"), (Required, false));
        // a handler of an enclosing function does not reach into a nested one
        let src = "import os\ntry:\n    def f():\n        return os.environ['X']\nexcept KeyError:\n    pass\n";
        assert_eq!(semantics(src, "X"), (Required, false));
        // the handler's own body is not covered by it
        let src = "import os\ntry:\n    pass\nexcept KeyError:\n    X = os.environ['X']\n";
        assert_eq!(semantics(src, "X"), (Required, false));
    }

    /// A read used only as a truth test is a presence read whose empty value means off; a
    /// subscript still raises when missing.
    #[test]
    fn empty_means_off() {
        let cases: &[(&str, ReadKind, bool)] = &[
            ("import os\nif os.getenv('X'):\n    pass\n", Presence, true),
            (
                "import os\nif not os.environ.get('X'):\n    pass\n",
                Presence,
                true,
            ),
            (
                "import os\nif a:\n    pass\nelif os.getenv('X'):\n    pass\n",
                Presence,
                true,
            ),
            (
                "import os\nwhile os.getenv('X'):\n    pass\n",
                Presence,
                true,
            ),
            ("import os\nY = os.getenv('X') and load()\n", Presence, true),
            (
                "import os\nif a and os.getenv('X'):\n    pass\n",
                Presence,
                true,
            ),
            (
                "import os\nif (os.getenv('X') or os.getenv('Z')):\n    pass\n",
                Presence,
                true,
            ),
            (
                "import os\nY = 1 if os.getenv('X') else 2\n",
                Presence,
                true,
            ),
            (
                "import os\nY = [a for a in b if os.getenv('X')]\n",
                Presence,
                true,
            ),
            (
                "import os\nY = os.getenv('X') is not None\n",
                Presence,
                false,
            ),
            (
                "import os\nif os.getenv('X') is None:\n    pass\n",
                Presence,
                false,
            ),
            ("import os\nif os.environ['X']:\n    pass\n", Required, true),
            ("import os\nY = os.environ['X'] or 'd'\n", Required, true),
            // a default stays a default; its empty value is still off
            (
                "import os\nif os.getenv('X', '1'):\n    pass\n",
                Default,
                true,
            ),
            // the value is used: not a truth test
            ("import os\nY = os.getenv('X')\n", Optional, false),
            (
                "import os\nif os.getenv('X') == 'yes':\n    pass\n",
                Optional,
                false,
            ),
            ("import os\nY = a and os.getenv('X')\n", Optional, false),
            ("import os\nY = a or os.getenv('X')\n", Optional, false),
            (
                "import os\nif (y := os.getenv('X')):\n    pass\n",
                Optional,
                false,
            ),
            ("import os\nf(os.getenv('X'))\n", Optional, false),
            ("import os\nY = os.environ['X']\n", Required, false),
        ];
        for (src, kind, empty) in cases {
            assert_eq!(semantics(src, "X"), (*kind, *empty), "{src}");
        }
    }

    /// django-environ: module-level reads run at start-up; `default=None` and `env.bool` take
    /// an empty value as no value; an `except ImproperlyConfigured` supplies a fallback.
    #[test]
    fn django_environ_semantics() {
        let head = "import environ\nfrom django.core.exceptions import ImproperlyConfigured\nenv = environ.Env()\n";
        let cases: &[(&str, ReadKind, When, bool)] = &[
            ("X = env.bool('X', default=False)", Default, Startup, true),
            ("X = env.bool('X')", Required, Startup, true),
            ("X = env.str('X', default=None)", Optional, Startup, true),
            ("X = env.str('X', default='')", Default, Startup, true),
            ("X = env.int('X', default=3)", Default, Startup, false),
            ("X = env.list('X', default=[])", Default, Startup, false),
            ("X = env('X')", Required, Startup, false),
            ("def f():\n    return env('X')", Required, OnUse, false),
            (
                "try:\n    X = env('X')\nexcept ImproperlyConfigured:\n    X = None",
                Optional,
                Startup,
                false,
            ),
        ];
        for (body, kind, when, empty) in cases {
            let src = format!("{head}{body}\n");
            let (reads, _) = facts(&src);
            let read = reads.iter().find(|r| r.name == "X").expect("read");
            assert_eq!(
                (read.kind, read.extra.when, read.extra.empty_is_unset),
                (*kind, *when, *empty),
                "{body}"
            );
        }
    }

    /// A computed key that loops over a literal table of names in the same file resolves to
    /// those names (each a read on its literal, timed like the loop's read), and the dynamic
    /// read stays, marked resolved.
    #[test]
    fn loops_over_literal_tables_resolve_to_their_names() {
        let cases: &[(&str, &[&str])] = &[
            (
                "import os\ndef check():\n    deprecated = {'OLD_A': 'a', 'OLD_B': 'b'}\n    for name, option in deprecated.items():\n        if not os.getenv(name):\n            continue\n",
                &["OLD_A", "OLD_B"],
            ),
            (
                "import os\ndef schedule():\n    tasks = [\n        {'name': 'mail', 'env_key': 'MAIL_CRON', 'env_default': '* * * * *'},\n        {'name': 'train', 'env_key': 'TRAIN_CRON', 'env_default': '5 * * * *'},\n    ]\n    for task in tasks:\n        value = os.getenv(task['env_key'], task['env_default'])\n",
                &["MAIL_CRON", "TRAIN_CRON"],
            ),
            (
                "import os\nfor n in ['A_URL', 'B_URL']:\n    print(os.environ[n])\n",
                &["A_URL", "B_URL"],
            ),
            (
                "import os\nNAMES = ('A_URL', 'B_URL')\ndef f():\n    return {n: os.getenv(n) for n in NAMES}\n",
                &["A_URL", "B_URL"],
            ),
            (
                "import os\nPAIRS = [('A_URL', 1), ('B_URL', 2)]\nfor n, _ in PAIRS:\n    os.getenv(n)\n",
                &["A_URL", "B_URL"],
            ),
            (
                "import os\nD = {'A_URL': 1, 'B_URL': 2}\nfor n in D.keys():\n    'x' in os.environ\n    n in os.environ\n",
                &["A_URL", "B_URL"],
            ),
        ];
        for (src, names) in cases {
            let (reads, dynamic) = facts(src);
            assert_eq!(dynamic.len(), 1, "{src}\n=> {dynamic:?}");
            assert!(
                dynamic[0]
                    .resolved
                    .as_deref()
                    .is_some_and(|h| h.starts_with("for "))
            );
            assert_eq!(dynamic[0].resolved_names, *names, "{src}");
            let got: Vec<&str> = reads
                .iter()
                .filter(|r| names.contains(&r.name.as_str()))
                .map(|r| r.name.as_str())
                .collect();
            assert_eq!(got, *names, "{src}\n=> {reads:?}");
        }
        // kinds, timing and empty handling come from the loop's read; the line is the literal's
        let (reads, _) = facts(cases[0].0);
        let a = reads.iter().find(|r| r.name == "OLD_A").expect("OLD_A");
        assert_eq!(a.kind, Presence);
        assert!(a.extra.empty_is_unset);
        assert_eq!(a.extra.when, OnUse);
        assert_eq!(a.extra.context.as_deref(), Some("check()"));
        assert_eq!(a.position.line, 3);
        let (reads, _) = facts(cases[1].0);
        let mail = reads
            .iter()
            .find(|r| r.name == "MAIL_CRON")
            .expect("MAIL_CRON");
        assert_eq!((mail.kind, mail.position.line), (Default, 4));
        assert_eq!(mail.extra.detail.as_deref(), Some("for task in tasks"));
    }

    /// Tables that may hold other names resolve nothing: envcheck never guesses.
    #[test]
    fn loops_over_tables_that_may_change_resolve_nothing() {
        let cases = [
            // added to
            "import os\nN = ['A_URL']\nN.append(other)\nfor n in N:\n    os.getenv(n)\n",
            "import os\nN = ['A_URL']\nN += extra\nfor n in N:\n    os.getenv(n)\n",
            "import os\nN = {'A_URL': 1}\nN[k] = 2\nfor n in N:\n    os.getenv(n)\n",
            // bound twice
            "import os\nN = ['A_URL']\nif x:\n    N = ['B_URL']\nfor n in N:\n    os.getenv(n)\n",
            // one element computed
            "import os\nfor n in ['A_URL', prefix + '_URL']:\n    os.getenv(n)\n",
            "import os\nfor n in ['A_URL', *more]:\n    os.getenv(n)\n",
            // built by a call
            "import os\nN = load()\nfor n in N:\n    os.getenv(n)\n",
            "import os\nfor n in sorted(['A_URL']):\n    os.getenv(n)\n",
            // a parameter shadows the module's table
            "import os\nN = ['A_URL']\ndef f(N):\n    for n in N:\n        os.getenv(n)\n",
            // the key is not the loop variable
            "import os\nfor n in ['A_URL']:\n    os.getenv(m)\n",
            // the field is missing from one row
            "import os\nfor t in [{'k': 'A_URL'}, {'j': 'B_URL'}]:\n    os.getenv(t['k'])\n",
        ];
        for src in cases {
            let (reads, dynamic) = facts(src);
            assert!(reads.is_empty(), "{src}\n=> {reads:?}");
            assert_eq!(dynamic.len(), 1, "{src}");
            assert_eq!(dynamic[0].resolved, None, "{src}");
        }
    }

    fn py(src: &str) -> Vec<(String, ReadKind)> {
        kinds(Language::Python, src)
    }

    fn one(src: &str) -> (String, ReadKind) {
        let reads = py(src);
        assert_eq!(reads.len(), 1, "{src}\n=> {reads:?}");
        reads.into_iter().next().expect("one read")
    }

    #[test]
    fn idioms() {
        let cases: &[(&str, &str, ReadKind)] = &[
            ("import os\nos.environ['X']", "X", Required),
            ("import os\nos.environ[\"X\"]", "X", Required),
            ("import os\nos.environ.get('X')", "X", Optional),
            ("import os\nos.environ.get('X', 'd')", "X", Default),
            ("import os\nos.environ.get('X', None)", "X", Optional),
            ("import os\nos.getenv('X')", "X", Optional),
            ("import os\nos.getenv('X', 'd')", "X", Default),
            ("import os\nos.getenv('X', default='d')", "X", Default),
            ("import os\nos.getenv(key='X', default=3)", "X", Default),
            ("import os\nos.environ.setdefault('X', 'd')", "X", Default),
            ("import os\n'X' in os.environ", "X", Presence),
            ("import os\nif 'X' not in os.environ: pass", "X", Presence),
            ("import os\nos.environ.get('X') or 'd'", "X", Default),
            ("import os\nv = os.getenv('X') or None", "X", Optional),
            ("from os import getenv\ngetenv('X')", "X", Optional),
            (
                "from os import getenv, environ\nenviron['X']",
                "X",
                Required,
            ),
            (
                "from os import environ as env\nenv.get('X', 1)",
                "X",
                Default,
            ),
            ("import os as _os\n_os.getenv('X')", "X", Optional),
            ("from os import getenv as ge\nge('X')", "X", Optional),
            ("import os\nos.getenv(\n    'X',\n)", "X", Optional),
            ("import os\nKEY = 'X'\nos.getenv(KEY)", "X", Optional),
            (
                "import os\nos.getenv('X', '0').lower() == '1'",
                "X",
                Default,
            ),
            (
                "import os\nif os.environ.get('X') == 'yes': pass",
                "X",
                Optional,
            ),
            ("import os\nf(os.environ['X'].split(','))", "X", Required),
            ("import os\nos.getenv('PRE' 'FIX')", "PREFIX", Optional),
            ("import os\nos.getenv('PRE' + '_X')", "PRE_X", Optional),
            (
                "import os\ndef f():\n    return os.environ['X']",
                "X",
                Required,
            ),
            (
                "import os\ntry:\n    from os import getenv as g\nexcept ImportError:\n    pass\ng('X')",
                "X",
                Optional,
            ),
            (
                "import os\nx = os.environ['X'] if 'X' in os.environ else None",
                "X",
                Optional,
            ),
            (
                "import os\nos.environ.get('X', os.environ.get('Y', 'd'))",
                "X",
                Default,
            ),
            (
                "import os\nos.environ.get('X', os.environ.get('Y'))",
                "X",
                Optional,
            ),
            (
                "import os\nv = os.getenv('X')\nif not v:\n    raise RuntimeError('X')",
                "X",
                Required,
            ),
            (
                "import os\nv = os.getenv('X')\nif v is None:\n    raise SystemExit(1)",
                "X",
                Required,
            ),
            ("import os.path\nos.getenv('X')", "X", Optional),
            (
                "def f():\n    import os\n    return os.getenv('X')",
                "X",
                Optional,
            ),
        ];
        for (src, name, kind) in cases {
            let got = py(src);
            assert!(
                got.contains(&(name.to_string(), *kind)),
                "{src}\nwant ({name}, {kind:?}) in {got:?}"
            );
        }
    }

    #[test]
    fn or_chains_ending_in_a_fallback_give_every_read_a_default() {
        let src = "import os, socket\nh = (\n    os.environ.get('A')\n    or os.environ.get('B')\n    or socket.gethostname()\n)\n";
        assert_eq!(py(src), vec![("A".into(), Default), ("B".into(), Default)]);
        // a condition only tests them: presence reads
        let src = "import os\nif os.environ.get('A') or os.environ.get('B'): pass";
        assert_eq!(
            py(src),
            vec![("A".into(), Presence), ("B".into(), Presence)]
        );
    }

    #[test]
    fn presence_guard_and_subscript_both_reported() {
        let src = "import os\nx = os.environ['X'] if 'X' in os.environ else None\n";
        assert_eq!(
            py(src),
            vec![("X".into(), Optional), ("X".into(), Presence)]
        );
    }

    #[test]
    fn reads_in_comprehensions_lambdas_and_fstrings() {
        assert_eq!(
            one("import os\nx = [os.getenv('X') for _ in range(3)]").0,
            "X"
        );
        assert_eq!(one("import os\nf = lambda: os.environ['X']").0, "X");
        assert_eq!(one("import os\nprint(f\"{os.getenv('X')}\")").0, "X");
    }

    #[test]
    fn the_line_is_the_keys_line() {
        let (reads, _) = run(
            Language::Python,
            "import os\nos.environ.get(\n\n    'X',\n)\n",
        );
        assert_eq!(
            reads,
            vec![("X".to_string(), Optional, "os.environ.get", 4)]
        );
    }

    #[test]
    fn not_reads() {
        let cases = [
            "import os\nos.environ['X'] = '1'",
            "import os\nos.environ['X'] += '1'",
            "import os\ndel os.environ['X']",
            "import os\na, os.environ['X'] = 1, 2",
            "import environ\nenviron.get('X')",
            "from django.conf import environ\nenviron['X']",
            "config = {}\nconfig.get('X')",
            "import os\nsettings.environ['X']",
            "import os\n# os.getenv('X')",
            "import os\nprint(\"os.getenv('X')\")",
            "import os\nos.environ.copy()",
            "import os\nos.environ.pop('X', None)",
            "import os\nos.environ.update(X='1')",
            "import os\n'X' in os.environ_like",
            "import os\nos.getenv('not a name')",
        ];
        for src in cases {
            let (reads, _) = run(Language::Python, src);
            assert!(reads.is_empty(), "{src}\n=> {reads:?}");
        }
    }

    #[test]
    fn computed_keys_are_dynamic() {
        let cases = [
            ("import os\nos.getenv(name)", "name"),
            ("import os\nos.environ[key]", "key"),
            ("import os\nos.environ.get(f'{p}_URL')", "f'{p}_URL'"),
            ("import os\nos.getenv(prefix + '_X')", "prefix + '_X'"),
            ("import os\nk in os.environ", "k"),
            ("import os\nos.environ.get(\n    name,\n    'd')", "name"),
            // a token or a connection string where the name belongs: printed masked
            (
                concat!(
                    "import os\nos.getenv('sk_live",
                    "_51H8qXk2LmNpQrStUvWxYz0123')"
                ),
                "'**********************************'",
            ),
            (
                "import os\nos.environ['postgres://admin:Q9x7LmN2pW4r@prod-db.internal:5432/app']",
                "'*******************************************************'",
            ),
        ];
        for (src, expr) in cases {
            let (reads, dynamic) = run(Language::Python, src);
            assert!(reads.is_empty(), "{src} => {reads:?}");
            assert_eq!(dynamic.len(), 1, "{src} => {dynamic:?}");
            assert_eq!(dynamic[0].1, expr, "{src}");
        }
    }

    #[test]
    fn a_secret_cut_by_the_expression_window_is_not_shown() {
        // the key expression is looked at through a window of its first bytes; a token the
        // window cuts must not show its start
        let src = format!(
            "import os\nos.environ[get({}'x', '{}')]\n",
            " ".repeat(1250),
            concat!("sk_live", "_CANARYR2a1b2c3d4e5f6g7h8i9j0k1l2")
        );
        let (_, dynamic) = run(Language::Python, &src);
        assert_eq!(dynamic.len(), 1);
        assert!(!dynamic[0].1.contains("sk_live"), "{:?}", dynamic[0].1);
        assert!(dynamic[0].1.starts_with("get( 'x',"), "{:?}", dynamic[0].1);
    }

    #[test]
    fn constants_bound_twice_are_not_guessed() {
        let (reads, dynamic) = run(
            Language::Python,
            "import os\nK = 'A'\nK = 'B'\nos.getenv(K)\n",
        );
        assert!(reads.is_empty());
        assert_eq!(dynamic.len(), 1);
    }

    #[test]
    fn syntax_errors_elsewhere_keep_reads() {
        let src = "import os\nA = os.getenv('A')\ndef broken(:\n    pass\nB = os.environ['B']\n";
        let got = py(src);
        assert!(got.contains(&("A".into(), Optional)), "{got:?}");
        assert!(got.contains(&("B".into(), Required)), "{got:?}");
    }

    #[test]
    fn python_3_14_syntax_around_reads() {
        let src = "import os\ntype Alias = list[int]\nclass C[T]:\n    pass\ntry:\n    X = os.environ.get('X')\nexcept ValueError, TypeError:\n    pass\nY = os.getenv('Y', 'y')\n";
        let got = py(src);
        assert!(got.contains(&("X".into(), Optional)), "{got:?}");
        assert!(got.contains(&("Y".into(), Default)), "{got:?}");
    }
}
