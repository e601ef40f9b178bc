//! TypeScript and JavaScript: `process.env`, `import.meta.env`, `Bun.env`, `Deno.env.get`, with
//! member, subscript, destructuring and `in` forms. Schema frameworks (envalid, t3-env, zod,
//! Vite `loadEnv`) are handled in `script_frameworks`, from the sites this module collects.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::lang::{Language, Sites};

use crate::lang::shapes::{self, Shape};

use super::script_frameworks::{self, Framework, LazyScope};
use super::script_resolve::{self, Dynamic, Index};
use super::script_usage::{self, Access};
use super::{BuildDefine, BuildSource, Ctx, FileFacts, Key, MAX_CLIMB, ReadKind, plausible_name};

/// An object that holds the environment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum EnvObject {
    Process,
    ImportMeta,
    Bun,
    Deno,
}

/// The access forms, which with the object give the `api` of a read.
#[derive(Clone, Copy)]
enum Form {
    Member,
    Subscript,
    Destructure,
    In,
    Get,
    Has,
}

fn api(object: EnvObject, form: Form) -> &'static str {
    use EnvObject::*;
    use Form::*;
    match (object, form) {
        (Process, Member) => "process.env.X",
        (Process, Subscript) => "process.env[]",
        (Process, Destructure) => "process.env{}",
        (Process, In | Has) => "in process.env",
        (ImportMeta, Member) => "import.meta.env.X",
        (ImportMeta, Subscript) => "import.meta.env[]",
        (ImportMeta, Destructure) => "import.meta.env{}",
        (ImportMeta, In | Has) => "in import.meta.env",
        (Bun, Member) => "Bun.env.X",
        (Bun, Subscript) => "Bun.env[]",
        (Bun, Destructure) => "Bun.env{}",
        (Bun, In | Has) => "in Bun.env",
        (Deno, Has) => "Deno.env.has",
        (Deno, _) => "Deno.env.get",
        (_, Get) => "Deno.env.get",
    }
}

/// What an object expression is, from its text with whitespace and optional chaining removed.
pub(super) fn env_object(ctx: &Ctx, node: Node) -> Option<EnvObject> {
    let text = ctx.text(node);
    let mut norm = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        norm.push(c);
    }
    let norm = norm.replace("?.", ".");
    let norm = norm
        .strip_prefix("globalThis.")
        .or_else(|| norm.strip_prefix("global."))
        .or_else(|| norm.strip_prefix("window."))
        .unwrap_or(&norm);
    match norm {
        "process.env" => Some(EnvObject::Process),
        "import.meta.env" => Some(EnvObject::ImportMeta),
        "Bun.env" => Some(EnvObject::Bun),
        "Deno.env" => Some(EnvObject::Deno),
        _ => None,
    }
}

/// Module-level `const env = process.env` (or `import.meta.env`, `Bun.env`, `Deno.env`) and
/// `const { env } = process`: names that stand for an env object in the whole file. A name that
/// is bound anywhere else in the file too (a parameter, a local, an import) is no alias: the
/// reads through it could be of something else.
fn aliases(ctx: &Ctx, root: Node) -> HashMap<String, EnvObject> {
    let mut out: HashMap<String, EnvObject> = HashMap::new();
    for (name, value) in module_consts(ctx, root) {
        match name.kind() {
            "identifier" => {
                if let Some(env) = env_object(ctx, unwrap(value)) {
                    out.insert(ctx.text(name).to_string(), env);
                }
            }
            // `const { env } = process`, `const { env: e } = process`
            "object_pattern" if ctx.text(unwrap(value)) == "process" => {
                let mut pw = name.walk();
                for prop in name.named_children(&mut pw) {
                    let local = match prop.kind() {
                        "shorthand_property_identifier_pattern" if ctx.text(prop) == "env" => {
                            Some(prop)
                        }
                        "pair_pattern"
                            if prop
                                .child_by_field_name("key")
                                .is_some_and(|k| ctx.text(k) == "env") =>
                        {
                            prop.child_by_field_name("value")
                                .filter(|v| v.kind() == "identifier")
                        }
                        _ => None,
                    };
                    if let Some(local) = local {
                        out.insert(ctx.text(local).to_string(), EnvObject::Process);
                    }
                }
            }
            _ => {}
        }
    }
    if !out.is_empty() {
        let bindings = binding_counts(ctx, root, &out);
        out.retain(|name, _| bindings.get(name.as_str()) == Some(&1));
    }
    out
}

/// How often each of `names` is bound (declared, a parameter, imported, destructured) in the
/// file. One walk over the tree with a cursor; only made for files that declare an alias.
fn binding_counts<'s>(
    ctx: &Ctx<'s>,
    root: Node,
    names: &HashMap<String, EnvObject>,
) -> HashMap<&'s str, usize> {
    let mut counts: HashMap<&'s str, usize> = HashMap::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if matches!(
            node.kind(),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            let text = ctx.text(node);
            if names.contains_key(text) && is_binding(node) {
                *counts.entry(text).or_default() += 1;
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return counts;
            }
        }
    }
}

/// Whether an identifier declares a name rather than uses one.
fn is_binding(node: Node) -> bool {
    if node.kind() == "shorthand_property_identifier_pattern" {
        return true;
    }
    let Some(parent) = node.parent() else {
        return false;
    };
    let field = |name: &str| parent.child_by_field_name(name) == Some(node);
    match parent.kind() {
        "variable_declarator" => field("name"),
        "required_parameter" | "optional_parameter" => field("pattern"),
        "formal_parameters" | "array_pattern" | "rest_pattern" => true,
        "arrow_function" => field("parameter"),
        "catch_clause" => field("parameter"),
        "assignment_pattern" | "object_assignment_pattern" => field("left"),
        "pair_pattern" => field("value"),
        "function_declaration"
        | "function_expression"
        | "class_declaration"
        | "generator_function_declaration" => field("name"),
        "import_specifier" => {
            parent
                .child_by_field_name("alias")
                .unwrap_or_else(|| parent.child_by_field_name("name").unwrap_or(parent))
                == node
        }
        "import_clause" | "namespace_import" => true,
        _ => false,
    }
}

/// `(name, value)` of every declarator of the module-level `const` declarations (exported or
/// not): the names the whole file can rely on.
fn module_consts<'t>(ctx: &Ctx, root: Node<'t>) -> Vec<(Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    let mut w = root.walk();
    for stmt in root.named_children(&mut w) {
        let decl = match stmt.kind() {
            "export_statement" => match stmt.child_by_field_name("declaration") {
                Some(d) => d,
                None => continue,
            },
            _ => stmt,
        };
        if decl.kind() != "lexical_declaration" || !ctx.text(decl).starts_with("const") {
            continue;
        }
        let mut dw = decl.walk();
        for declarator in decl.named_children(&mut dw) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            if let (Some(name), Some(value)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) {
                out.push((name, value));
            }
        }
    }
    out
}

/// Module-level `const NAME = "literal"`, for keys given by a constant.
fn constants(ctx: &Ctx, root: Node) -> HashMap<String, Option<String>> {
    let mut out: HashMap<String, Option<String>> = HashMap::new();
    for (name, value) in module_consts(ctx, root) {
        if name.kind() != "identifier" {
            continue;
        }
        let value = literal_string(ctx, value, &HashMap::new());
        let name = ctx.text(name).to_string();
        match out.get(&name) {
            Some(prev) if *prev != value => {
                out.insert(name, None);
            }
            _ => {
                out.insert(name, value);
            }
        }
    }
    out
}

/// How deep `+` operands and parentheses are followed in a string expression: no variable name is
/// built from more pieces, and the recursion stays bounded however deeply the input nests.
const MAX_LITERAL_DEPTH: usize = 32;

/// The value of a string expression with no run-time part.
pub(super) fn literal_string(
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
                    "string_fragment" | "escape_sequence" => out.push_str(ctx.text(part)),
                    _ => return None,
                }
            }
            Some(out)
        }
        "template_string" => {
            let mut out = String::new();
            let mut w = node.walk();
            for part in node.named_children(&mut w) {
                match part.kind() {
                    "string_fragment" => out.push_str(ctx.text(part)),
                    _ => return None,
                }
            }
            Some(out)
        }
        "binary_expression" => {
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

/// One file's extraction state, shared with the framework handlers.
pub(super) struct File<'a, 's> {
    pub ctx: &'a Ctx<'s>,
    root: Node<'s>,
    constants: HashMap<String, Option<String>>,
    /// Module-level names for an env object: `const env = process.env`.
    aliases: HashMap<String, EnvObject>,
    /// Function-local aliases, parameters, helpers and name lists: built on first need.
    pub index: OnceCell<Index<'s>>,
    /// Dynamic reads, for [`script_resolve::resolve`] once every match is classified.
    pub pending: Vec<Dynamic<'s>>,
    pub facts: FileFacts,
}

impl<'s> File<'_, 's> {
    /// What an object expression is: an env object, a module-level alias of one, or a name
    /// bound to one in an enclosing function or block.
    pub fn object_of(&self, node: Node<'s>) -> Option<EnvObject> {
        env_object(self.ctx, node).or_else(|| {
            if node.kind() != "identifier" {
                return None;
            }
            let name = self.ctx.text(node);
            if let Some(env) = self.aliases.get(name) {
                return Some(*env);
            }
            // only names ending in `env` are captured as objects, and only they are indexed
            (name.ends_with("env") || name.ends_with("Env"))
                .then(|| self.index().alias(self, node))
                .flatten()
        })
    }

    /// The root of the file's tree.
    pub fn root(&self) -> Node<'s> {
        self.root
    }

    /// The file's [`Index`], built on first use.
    pub fn index(&self) -> &Index<'s> {
        self.index.get_or_init(|| Index::build(self, self.root))
    }

    pub fn key(&self, node: Node) -> Key {
        match literal_string(self.ctx, node, &self.constants) {
            Some(name) if plausible_name(&name) => Key::Name(name),
            _ => Key::Dynamic,
        }
    }

    pub fn push(
        &mut self,
        key: Node<'s>,
        key_kind: Key,
        kind: Option<ReadKind>,
        api: &'static str,
    ) {
        self.push_with_default(key, key_kind, kind, api, None);
    }

    /// Like [`File::push`], recording the literal default of a `default` read.
    pub fn push_with_default(
        &mut self,
        key: Node<'s>,
        key_kind: Key,
        kind: Option<ReadKind>,
        api: &'static str,
        default: Option<String>,
    ) {
        let access = kind.map(|kind| Access {
            kind,
            empty_is_unset: false,
        });
        self.push_access(key, key_kind, access, api, default);
    }

    /// A read whose kind and treatment of empty values come from how its value is used
    /// ([`script_usage::access`]), with the literal default of a `default` read.
    pub fn push_access(
        &mut self,
        key: Node<'s>,
        key_kind: Key,
        access: Option<Access>,
        api: &'static str,
        default: Option<String>,
    ) {
        match key_kind {
            Key::Name(name) => {
                // Vite sets these on `import.meta.env` itself; they are not variables.
                let vite_builtin = api.starts_with("import.meta.env")
                    && matches!(name.as_str(), "MODE" | "DEV" | "PROD" | "SSR" | "BASE_URL");
                if let Some(access) = access.filter(|_| !vite_builtin) {
                    let mut read = self.ctx.read(name, key, access.kind, api);
                    if access.kind == ReadKind::Default {
                        read.extra.default = default;
                    }
                    read.extra.empty_is_unset = access.empty_is_unset;
                    self.facts.reads.push(read);
                }
            }
            Key::Dynamic => {
                let dynamic = self.ctx.dynamic(key, api);
                self.pending.push(Dynamic {
                    index: self.facts.dynamic.len(),
                    key,
                    access,
                    api,
                    default,
                });
                self.facts.dynamic.push(dynamic);
            }
        }
    }
}

/// Walks the sites over `ranges` (see `super::script_ranges`) and classifies each shape.
pub(super) fn extract(
    ctx: &Ctx,
    tree: &Tree,
    language: Language,
    ranges: &[Range<usize>],
) -> FileFacts {
    let root = tree.root_node();
    let mut file = File {
        ctx,
        root,
        constants: constants(ctx, root),
        aliases: aliases(ctx, root),
        index: OnceCell::new(),
        pending: Vec::new(),
        facts: FileFacts::default(),
    };
    let scope = LazyScope::new(root);
    let mut frameworks = Vec::new();
    // the walk finds the sites; src/lang/shapes.rs checks each shape and names its parts
    let mut shapes = Vec::new();
    // A site that crosses from one range into the next comes once per range.
    let mut seen: HashSet<(&'static str, usize)> = HashSet::new();
    for range in ranges {
        if ctx.out_of_time() {
            break;
        }
        for site in Sites::new(language, root, range.clone()) {
            if ctx.out_of_time() {
                break;
            }
            shapes::script(site, ctx.src, &mut shapes);
            for shape in shapes.drain(..) {
                classify(
                    &mut file,
                    &mut frameworks,
                    &scope,
                    &shape,
                    &mut seen,
                    ranges.len() > 1,
                );
            }
        }
    }
    script_resolve::resolve(&mut file);
    script_frameworks::apply(&mut file, &scope, &frameworks);
    for read in &mut file.facts.reads {
        if script_frameworks::public_name(&read.name) {
            read.extra.client_exposed = true;
        }
    }
    file.facts
}

/// One shape found at a site: a read for the file, a framework call for later, or nothing.
fn classify<'t>(
    file: &mut File<'_, 't>,
    frameworks: &mut Vec<Framework<'t>>,
    scope: &LazyScope<'t>,
    shape: &Shape<'t>,
    seen: &mut HashSet<(&'static str, usize)>,
    dedup: bool,
) {
    let ctx = file.ctx;
    {
        let pattern = shape.pattern;
        let site = Some(shape.site);
        let (object, key, args, method) = (shape.object, shape.key, shape.args, shape.method);
        let (pat, callee, schema, value) =
            (shape.pattern_node, shape.callee, shape.schema, shape.value);
        if dedup && !seen.insert((pattern, shape.site.id())) {
            return;
        }
        match (pattern, site, callee, args, schema, object) {
            ("framework", Some(site), Some(callee), Some(args), ..) => {
                frameworks.push(Framework::Call { site, callee, args });
                return;
            }
            ("schema", _, _, _, Some(schema), Some(object)) => {
                if env_object(ctx, object).is_some() {
                    frameworks.push(Framework::SchemaParse(schema));
                }
                return;
            }
            ("define", ..) => {
                if let (Some(key), Some(value)) = (key, value) {
                    build_defines(file, key, value);
                }
                return;
            }
            _ => {}
        }
        let (Some(site), Some(object)) = (site, object) else {
            return;
        };
        let Some(env) = file.object_of(object) else {
            return;
        };
        match (pattern, key, args, method, pat) {
            ("member", Some(key), ..) if env != EnvObject::Deno => {
                // `process.env.hasOwnProperty(..)`: a method of the env object, not a variable
                if is_callee(site) {
                    return;
                }
                let access = script_usage::access(file, site, scope);
                file.push_access(
                    key,
                    Key::Name(ctx.text(key).to_string()),
                    access,
                    api(env, Form::Member),
                    literal_fallback(ctx, site),
                );
            }
            ("subscript", Some(key), ..) if env != EnvObject::Deno => {
                let access = script_usage::access(file, site, scope);
                let key_kind = file.key(key);
                let default = literal_fallback(ctx, site);
                file.push_access(key, key_kind, access, api(env, Form::Subscript), default);
            }
            ("presence", Some(key), ..) if env != EnvObject::Deno => {
                let key_kind = file.key(key);
                file.push(key, key_kind, Some(ReadKind::Presence), api(env, Form::In));
            }
            ("call", _, Some(args), Some(method), _) if env == EnvObject::Deno => {
                let form = match ctx.text(method) {
                    "get" => Form::Get,
                    "has" => Form::Has,
                    _ => return,
                };
                let Some(key) = args.named_child(0).filter(|k| k.kind() != "comment") else {
                    return;
                };
                let access = match form {
                    Form::Has => Some(Access {
                        kind: ReadKind::Presence,
                        empty_is_unset: false,
                    }),
                    _ => script_usage::access(file, site, scope),
                };
                let key_kind = file.key(key);
                file.push_access(key, key_kind, access, api(env, form), None);
            }
            ("destructure", _, _, _, Some(pat)) if env != EnvObject::Deno => {
                destructure(file, pat, api(env, Form::Destructure));
            }
            _ => {}
        }
    }
}

/// A `define` entry of a build configuration: `'process.env.X': ...`, `'import.meta.env.X': ...`,
/// `'process.env': { X: ... }`, or next.config's `env: { X: ... }` (kept by the project pass only
/// in next.config files). The names are replaced with constants when the bundle is built.
fn build_defines(file: &mut File, key: Node, value: Node) {
    let ctx = file.ctx;
    let (text, source) = match key.kind() {
        "property_identifier" => (ctx.text(key).to_string(), BuildSource::NextEnv),
        _ => match literal_string(ctx, key, &HashMap::new()) {
            Some(text) => (text, BuildSource::Define),
            None => return,
        },
    };
    let mut names = Vec::new();
    match text
        .strip_prefix("process.env")
        .or_else(|| text.strip_prefix("import.meta.env"))
    {
        // `'process.env.X': JSON.stringify(...)`
        Some(rest) if !rest.is_empty() => names.extend(rest.strip_prefix('.').map(str::to_string)),
        // `'process.env': { X: ... }`, `env: { X: ... }`
        _ => {
            let object = unwrap(value);
            if object.kind() != "object" {
                return;
            }
            let mut w = object.walk();
            for pair in object.named_children(&mut w) {
                let key = match pair.kind() {
                    "pair" => pair.child_by_field_name("key"),
                    "shorthand_property_identifier" => Some(pair),
                    _ => None,
                };
                let name = key.and_then(|k| match k.kind() {
                    "property_identifier" | "shorthand_property_identifier" => {
                        Some(ctx.text(k).to_string())
                    }
                    _ => literal_string(ctx, k, &HashMap::new()),
                });
                names.extend(name);
            }
        }
    }
    for name in names.into_iter().filter(|n| plausible_name(n)) {
        file.facts.build_defines.push(BuildDefine { name, source });
    }
}

fn is_callee(node: Node) -> bool {
    node.parent().is_some_and(|p| {
        p.kind() == "call_expression" && p.child_by_field_name("function") == Some(node)
    })
}

/// `const { A, B = "d", C: c, D: d = 1, ...rest } = process.env`
pub(super) fn destructure<'s>(file: &mut File<'_, 's>, pattern: Node<'s>, api: &'static str) {
    let ctx = file.ctx;
    let mut w = pattern.walk();
    for prop in pattern.named_children(&mut w) {
        let (key, default) = match prop.kind() {
            "shorthand_property_identifier_pattern" => (prop, None),
            "object_assignment_pattern" => match prop.child_by_field_name("left") {
                Some(left) => (left, prop.child_by_field_name("right")),
                None => continue,
            },
            "pair_pattern" => {
                let Some(key) = prop.child_by_field_name("key") else {
                    continue;
                };
                let default = prop
                    .child_by_field_name("value")
                    .filter(|v| v.kind() == "assignment_pattern")
                    .and_then(|v| v.child_by_field_name("right"));
                (key, default)
            }
            _ => continue,
        };
        let key_kind = match key.kind() {
            "shorthand_property_identifier_pattern" | "property_identifier" => {
                Key::Name(ctx.text(key).to_string())
            }
            _ => file.key(key),
        };
        let kind = match default {
            Some(d) if !is_nullish(ctx, d) => ReadKind::Default,
            _ => ReadKind::Optional,
        };
        let literal = default.and_then(|d| literal_text(ctx, d));
        file.push_with_default(key, key_kind, Some(kind), api, literal);
    }
}

pub(super) fn is_nullish(ctx: &Ctx, node: Node) -> bool {
    let node = unwrap(node);
    matches!(node.kind(), "undefined" | "null") || ctx.text(node) == "undefined"
}

/// Skips wrappers that do not change the value: parentheses and type assertions.
pub(super) fn unwrap(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The kind of a member / subscript / `Deno.env.get` read, from what surrounds it; `None` when the
/// site is written to rather than read.
/// The source text of a plain literal (string without substitutions, number, boolean).
pub(super) fn literal_text(ctx: &Ctx, node: Node) -> Option<String> {
    let node = unwrap(node);
    match node.kind() {
        "string" | "template_string" => literal_string(ctx, node, &HashMap::new()),
        "number" | "true" | "false" => Some(ctx.text(node).to_string()),
        _ => None,
    }
}

/// The literal at the end of the `??` / `||` chain (or `??=`) a read flows into, if any:
/// `process.env.X ?? "d"` gives `d`.
fn literal_fallback(ctx: &Ctx, site: Node) -> Option<String> {
    let mut node = site;
    let mut top = None;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => {}
            "member_expression" if parent.child_by_field_name("object") == Some(node) => {}
            "call_expression" if parent.child_by_field_name("function") == Some(node) => {}
            "binary_expression"
                if parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| matches!(o.kind(), "??" | "||")) =>
            {
                top = Some(parent)
            }
            "augmented_assignment_expression"
                if parent.child_by_field_name("left") == Some(node) =>
            {
                return parent
                    .child_by_field_name("right")
                    .and_then(|r| literal_text(ctx, r));
            }
            _ => break,
        }
        node = parent;
    }
    let last = top?.child_by_field_name("right")?;
    if last.byte_range().contains(&site.start_byte()) {
        return None;
    }
    literal_text(ctx, last)
}

#[cfg(test)]
mod tests {
    use crate::extract::ReadKind::{self, *};
    use crate::extract::testing::{kinds, run};
    use crate::lang::Language;

    fn all(src: &str) -> Vec<Vec<(String, ReadKind)>> {
        [Language::TypeScript, Language::Tsx, Language::JavaScript]
            .into_iter()
            .map(|l| kinds(l, src))
            .collect()
    }

    #[test]
    fn idioms_in_every_script_grammar() {
        let cases: &[(&str, &str, ReadKind)] = &[
            ("const a = process.env.X;", "X", Optional),
            ("const a = process.env['X'];", "X", Optional),
            ("const a = process.env[\"X\"];", "X", Optional),
            ("const a = process.env[`X`];", "X", Optional),
            ("const a = process.env.X ?? 'd';", "X", Default),
            ("const a = process.env.X || 'd';", "X", Default),
            ("const a = process.env.X ?? undefined;", "X", Optional),
            ("const a = process?.env?.X;", "X", Optional),
            ("const a = globalThis.process.env.X;", "X", Optional),
            ("const a = import.meta.env.VITE_X;", "VITE_X", Optional),
            ("const a = Bun.env.X;", "X", Optional),
            ("const a = Deno.env.get('X');", "X", Optional),
            ("const a = Deno.env.get('X') ?? 'd';", "X", Default),
            ("if (Deno.env.has('X')) {}", "X", Presence),
            ("if ('X' in process.env) {}", "X", Presence),
            ("const { X } = process.env;", "X", Optional),
            ("const { X = 'd' } = process.env;", "X", Default),
            ("const { X: x } = process.env;", "X", Optional),
            ("const { X: x = 3 } = process.env;", "X", Default),
            ("const { 'X': x } = process.env;", "X", Optional),
            ("const { X, ...rest } = import.meta.env;", "X", Optional),
            ("const s = `url=${process.env.X}`;", "X", Optional),
            (
                "const n = parseInt(process.env.X ?? '3', 10);",
                "X",
                Default,
            ),
            ("const n = (process.env.X || '').split(',');", "X", Default),
            ("const n = process.env.X?.trim() || 'd';", "X", Default),
            ("process.env.X ??= 'd';", "X", Default),
            (
                "const KEY = 'X';\nconst a = process.env[KEY];",
                "X",
                Optional,
            ),
            ("const a = process.env.PRE_ + process.env.Y;", "Y", Optional),
            (
                "const a = process.env.X ? process.env.X : 'd';",
                "X",
                Default,
            ),
            ("const a = process\n  .env\n  .X;", "X", Optional),
            (
                "const x = process.env.X;\nif (!x) throw new Error('X');",
                "X",
                Required,
            ),
            (
                "const x = process.env.X;\nif (!x) { throw new Error('X'); }",
                "X",
                Required,
            ),
            ("if (!process.env.X) throw new Error('X');", "X", Required),
            (
                "if (!process.env.A || !process.env.X) {\n  throw new Error('A and X');\n}",
                "X",
                Required,
            ),
            (
                "if (process.env.X === undefined) throw new Error('X');",
                "X",
                Required,
            ),
            (
                "if (process.env.X == null) { throw Error(); }",
                "X",
                Required,
            ),
            (
                "if (process.env.X === '') throw new Error('X');",
                "X",
                Required,
            ),
            // both must be missing to throw: neither is required on its own, each is only tested
            (
                "if (!process.env.A && !process.env.X) throw new Error();",
                "X",
                Presence,
            ),
            ("if (!process.env.X) console.warn('X');", "X", Presence),
            (
                "const env = process.env;\nexport const a = env.X;",
                "X",
                Optional,
            ),
            (
                "export const env = process.env;\nconst a = env.X || 'd';",
                "X",
                Default,
            ),
            (
                "const { env } = process;\nconst { X = 'd' } = env;",
                "X",
                Default,
            ),
            (
                "const { env: penv } = process;\nif (!penv.X) throw new Error();",
                "X",
                Required,
            ),
            (
                "const rawEnv = import.meta.env;\nconst a = rawEnv['X'];",
                "X",
                Optional,
            ),
            (
                "const env = (process.env);\nconst a = 'X' in env;",
                "X",
                Presence,
            ),
            // the chain ends in another env read: no default
            (
                "const env = process.env;\nconst a = env.X || env.Y;",
                "X",
                Optional,
            ),
            ("if (process.env.X) throw new Error('set');", "X", Presence),
            (
                "@Module({ a: process.env.X ?? 'd' })\nclass M {}",
                "X",
                Default,
            ),
        ];
        for (src, name, kind) in cases {
            for (i, got) in all(src).into_iter().enumerate() {
                assert!(
                    got.contains(&(name.to_string(), *kind)),
                    "grammar {i}: {src}\nwant ({name}, {kind:?}) in {got:?}"
                );
            }
        }
    }

    #[test]
    fn typescript_only_idioms() {
        let cases: &[(&str, &str, ReadKind)] = &[
            ("const a = process.env.X!;", "X", Required),
            ("const a = process.env['X']!;", "X", Required),
            ("const a = process.env.X as string;", "X", Optional),
            ("const a = (process.env.X as string) ?? 'd';", "X", Default),
            (
                "const a: string = process.env.X satisfies string | undefined;",
                "X",
                Optional,
            ),
        ];
        for (src, name, kind) in cases {
            for language in [Language::TypeScript, Language::Tsx] {
                let got = kinds(language, src);
                assert!(
                    got.contains(&(name.to_string(), *kind)),
                    "{language:?}: {src}\nwant ({name}, {kind:?}) in {got:?}"
                );
            }
        }
    }

    #[test]
    fn jsx_reads() {
        let src = "export const A = () => <div title={process.env.NEXT_PUBLIC_T}>{process.env.X ?? 'x'}</div>;";
        for language in [Language::Tsx, Language::JavaScript] {
            assert_eq!(
                kinds(language, src),
                vec![("NEXT_PUBLIC_T".into(), Optional), ("X".into(), Default)],
                "{language:?}"
            );
        }
    }

    #[test]
    fn env_chains() {
        let src = "const u = process.env.DIRECT_URL ?? process.env.DATABASE_URL;";
        assert_eq!(
            kinds(Language::TypeScript, src),
            vec![
                ("DIRECT_URL".into(), Optional),
                ("DATABASE_URL".into(), Optional)
            ]
        );
        let src = "const u = process.env.A ?? process.env.B ?? 'd';";
        assert_eq!(
            kinds(Language::TypeScript, src),
            vec![("A".into(), Default), ("B".into(), Default)]
        );
    }

    #[test]
    fn not_reads() {
        let cases = [
            "process.env.X = '1';",
            "process.env['X'] = '1';",
            "delete process.env.X;",
            "process.env.X += 'a';",
            "const a = config.env.X;",
            "const a = this.env.X;",
            "const a = ctx.env['X'];",
            "const a = env.X;",
            "// process.env.X",
            "const s = 'process.env.X';",
            "const o = { ...process.env };",
            "process.env.hasOwnProperty('X');",
            "const { X } = config.env;",
            "if ('X' in other.env) {}",
            "const m = import.meta.env.MODE, d = import.meta.env.DEV, b = import.meta.env.BASE_URL;",
            "const { PROD, SSR } = import.meta.env;",
            // an alias only when the name is bound once in the file, at module level
            "const env = process.env;\nfunction f(env) { return env.X; }",
            "const env = process.env;\nconst g = (env) => env.X;",
            "const env = process.env;\nfunction f() { const env = load(); return env.X; }",
            "import { env } from './config';\nconst env2 = process.env;\nconst a = env.X;",
            "const env = loadConfig();\nconst a = env.X;",
            "let env = process.env;\nenv = {};\nconst a = env.X;",
        ];
        for src in cases {
            for language in [Language::TypeScript, Language::JavaScript] {
                let (reads, _) = run(language, src);
                assert!(reads.is_empty(), "{language:?}: {src}\n=> {reads:?}");
            }
        }
    }

    #[test]
    fn computed_keys_are_dynamic() {
        let cases = [
            ("const a = process.env[key];", "key"),
            ("const a = process.env[`${p}_URL`];", "`${p}_URL`"),
            ("const a = import.meta.env[name] ?? 'd';", "name"),
            ("const a = Deno.env.get(name);", "name"),
            ("const a = process.env['A' + suffix];", "'A' + suffix"),
            (
                concat!(
                    "const a = process.env['sk_live",
                    "_51H8qXk2LmNpQrStUvWxYz0123'];"
                ),
                "'**********************************'",
            ),
        ];
        for (src, expr) in cases {
            let (reads, dynamic) = run(Language::TypeScript, src);
            assert!(reads.is_empty(), "{src} => {reads:?}");
            assert_eq!(dynamic, vec![(1, expr.to_string())], "{src}");
        }
    }

    /// Names a build configuration replaces at build time, as the project pass receives them.
    #[test]
    fn build_defines() {
        use crate::extract::{BuildDefine, BuildSource, extract};
        use crate::lang::Parsers;
        let src = r#"export default defineConfig({
  define: {
    'process.env.API_URL': JSON.stringify(process.env.API_URL),
    "import.meta.env.VITE_SHA": '"abc"',
    __APP__: '"x"',
  },
});
new webpack.DefinePlugin({ 'process.env': { NODE_ENV2: '"production"', 'QUOTED': '1' } });
module.exports = { env: { APP_VERSION: pkg.version, BUILD_ID } };
"#;
        let define = |name: &str, source| BuildDefine {
            name: name.to_string(),
            source,
        };
        for language in [Language::TypeScript, Language::Tsx, Language::JavaScript] {
            let facts = extract(language, src.as_bytes(), &mut Parsers::default());
            assert_eq!(
                facts.build_defines,
                vec![
                    define("API_URL", BuildSource::Define),
                    define("VITE_SHA", BuildSource::Define),
                    define("NODE_ENV2", BuildSource::Define),
                    define("QUOTED", BuildSource::Define),
                    define("APP_VERSION", BuildSource::NextEnv),
                    define("BUILD_ID", BuildSource::NextEnv),
                ],
                "{language:?}"
            );
        }
    }

    #[test]
    fn the_line_is_the_property_line() {
        let (reads, _) = run(
            Language::TypeScript,
            "const a = process.env\n  .X;\nconst {\n  Y,\n} = process.env;\n",
        );
        let lines: Vec<_> = reads.iter().map(|r| (r.0.as_str(), r.3)).collect();
        assert_eq!(lines, vec![("X", 2), ("Y", 4)]);
    }
}
