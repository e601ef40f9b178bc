//! Frameworks that read the environment through a schema, in TypeScript and JavaScript: envalid
//! `cleanEnv`, t3-env `createEnv`, zod schemas parsed from the env object, and Vite `loadEnv`.
//!
//! The site walk (src/lang/shapes.rs) finds the calls; this module checks the
//! imports and the shape of the arguments, follows same-file `const` declarations to the spec
//! objects, and turns each spec key into a read at the key's line. A t3 key whose `runtimeEnv`
//! entry reads `process.env.X` is reported at that read instead, and the plain read it replaces
//! is dropped: the schema decides the kind.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::script::{File, destructure, env_object, is_nullish, literal_string, unwrap};
use super::when::condition_text;
use super::{Ctx, Key, MAX_CLIMB, Read, ReadKind, When, plausible_name};
use crate::span::Position;

/// A framework site found by the site walk.
pub(super) enum Framework<'t> {
    /// `cleanEnv(...)`, `createEnv(...)`, `loadEnv(...)`: resolved by the callee's import.
    Call {
        site: Node<'t>,
        callee: Node<'t>,
        args: Node<'t>,
    },
    /// `schema.parse(process.env)` and its `safeParse` / async variants: the schema.
    SchemaParse(Node<'t>),
}

/// Name prefixes that bundlers inline into the browser bundle.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "PUBLIC_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
];

/// The variable is exposed to client code by its name alone.
pub(super) fn public_name(name: &str) -> bool {
    PUBLIC_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// How deep same-file `const` references and schema chains are followed.
const MAX_DEPTH: usize = 8;

/// A file's [`Scope`], built on first use and then shared by every site of the file: building it
/// walks the whole tree, so it must not happen once per site.
pub(super) struct LazyScope<'t> {
    root: Node<'t>,
    scope: OnceCell<Scope<'t>>,
}

impl<'t> LazyScope<'t> {
    pub(super) fn new(root: Node<'t>) -> LazyScope<'t> {
        LazyScope {
            root,
            scope: OnceCell::new(),
        }
    }

    fn get(&self, ctx: &Ctx) -> &Scope<'t> {
        self.scope.get_or_init(|| Scope::new(ctx, self.root))
    }
}

/// Runs every framework handler over the sites the walk found.
pub(super) fn apply<'t>(file: &mut File<'_, 't>, lazy: &LazyScope<'t>, sites: &[Framework<'t>]) {
    if sites.is_empty() {
        return;
    }
    let scope = lazy.get(file.ctx);
    let mut out = Output::default();
    for site in sites {
        if file.ctx.out_of_time() {
            break;
        }
        match *site {
            Framework::Call { site, callee, args } => {
                let (module, name) = scope.resolve(file.ctx, callee);
                match name {
                    "cleanEnv" | "customCleanEnv" => {
                        envalid(scope, file.ctx, module, args, &mut out)
                    }
                    "createEnv" => t3_env(scope, file.ctx, module, args, &mut out),
                    "loadEnv" if module == Some("vite") => load_env(file, site, lazy),
                    _ => {}
                }
            }
            Framework::SchemaParse(schema) => {
                if let Some(fields) = scope.zod_object(file.ctx, schema, 0) {
                    for field in fields {
                        let (kind, default) = match field.forced {
                            Some(kind) => (kind, None),
                            None => scope.schema_kind(file.ctx, field.value, 0),
                        };
                        let mut read = file.ctx.read(field.name, field.key, kind, "zod-schema");
                        read.extra.detail = Some("z.object".to_string());
                        read.extra.default = default;
                        let (when, context) = schema_when(file.ctx, field.key, field.value);
                        if when == When::OnUse {
                            read.extra.when = when;
                            read.extra.context = context;
                        }
                        out.reads.push(read);
                    }
                }
            }
        }
    }
    let mut replaced: HashMap<&str, Vec<(Position, Position)>> = HashMap::new();
    for (start, end, name) in &out.replaced {
        replaced.entry(name).or_default().push((*start, *end));
    }
    file.facts.reads.retain(|r| {
        !replaced.get(r.name.as_str()).is_some_and(|ranges| {
            ranges
                .iter()
                .any(|(start, end)| *start <= r.position && r.position < *end)
        })
    });
    file.facts.reads.extend(out.reads);
}

/// Framework reads, and the plain reads they replace: `(start, end, name)` of a t3 `runtimeEnv`
/// value.
#[derive(Default)]
struct Output {
    reads: Vec<Read>,
    replaced: Vec<(Position, Position, String)>,
}

/// What a file declares: its imports and its `const` / `let` values, for following a name to the
/// spec object it stands for.
struct Scope<'t> {
    /// local name -> (module, imported name; `*` for a namespace or a whole `require`)
    imports: HashMap<String, (String, String)>,
    /// variable name -> every value assigned to it in a declarator
    values: HashMap<String, Vec<Node<'t>>>,
}

impl<'t> Scope<'t> {
    fn new(ctx: &Ctx, root: Node<'t>) -> Scope<'t> {
        let mut scope = Scope {
            imports: HashMap::new(),
            values: HashMap::new(),
        };
        each_descendant(root, &mut |node| match node.kind() {
            "import_statement" => scope.import(ctx, node),
            "variable_declarator" => scope.declarator(ctx, node),
            _ => {}
        });
        scope
    }

    /// `import d, { a, b as c } from "m"`, `import * as ns from "m"`
    fn import(&mut self, ctx: &Ctx, node: Node) {
        let Some(module) = node
            .child_by_field_name("source")
            .and_then(|s| literal_string(ctx, s, &HashMap::new()))
        else {
            return;
        };
        let mut w = node.walk();
        let Some(clause) = node
            .named_children(&mut w)
            .find(|c| c.kind() == "import_clause")
        else {
            return;
        };
        let mut w = clause.walk();
        for part in clause.named_children(&mut w) {
            match part.kind() {
                "identifier" => self.bind(ctx.text(part), &module, "default"),
                "namespace_import" => {
                    let mut nw = part.walk();
                    if let Some(id) = part
                        .named_children(&mut nw)
                        .find(|c| c.kind() == "identifier")
                    {
                        self.bind(ctx.text(id), &module, "*");
                    }
                }
                "named_imports" => {
                    let mut sw = part.walk();
                    for spec in part.named_children(&mut sw) {
                        if spec.kind() != "import_specifier" {
                            continue;
                        }
                        let Some(name) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let local = spec.child_by_field_name("alias").unwrap_or(name);
                        self.bind(ctx.text(local), &module, ctx.text(name));
                    }
                }
                _ => {}
            }
        }
    }

    /// `const x = value`, and `const { a, b: c } = require("m")` / `const m = require("m")`.
    fn declarator(&mut self, ctx: &Ctx, node: Node<'t>) {
        let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        if let Some(module) = required_module(ctx, value) {
            match name.kind() {
                "identifier" => self.bind(ctx.text(name), &module, "*"),
                "object_pattern" => {
                    let mut w = name.walk();
                    for prop in name.named_children(&mut w) {
                        match prop.kind() {
                            "shorthand_property_identifier_pattern" => {
                                self.bind(ctx.text(prop), &module, ctx.text(prop))
                            }
                            "pair_pattern" => {
                                if let (Some(k), Some(v)) = (
                                    prop.child_by_field_name("key"),
                                    prop.child_by_field_name("value"),
                                ) && v.kind() == "identifier"
                                {
                                    self.bind(ctx.text(v), &module, ctx.text(k));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        if name.kind() == "identifier" {
            self.values
                .entry(ctx.text(name).to_string())
                .or_default()
                .push(value);
        }
    }

    fn bind(&mut self, local: &str, module: &str, imported: &str) {
        self.imports.insert(
            local.to_string(),
            (module.to_string(), imported.to_string()),
        );
    }

    /// The module a callee comes from (when imported) and the name it has there.
    fn resolve<'a>(&'a self, ctx: &'a Ctx, callee: Node) -> (Option<&'a str>, &'a str) {
        match callee.kind() {
            "identifier" => {
                let text = ctx.text(callee);
                match self.imports.get(text) {
                    Some((module, imported)) => (Some(module.as_str()), imported.as_str()),
                    None => (None, text),
                }
            }
            "member_expression" => {
                let property = callee
                    .child_by_field_name("property")
                    .map(|p| ctx.text(p))
                    .unwrap_or("");
                let module = callee
                    .child_by_field_name("object")
                    .filter(|o| o.kind() == "identifier")
                    .and_then(|o| self.imports.get(ctx.text(o)))
                    .filter(|(_, imported)| imported == "*" || imported == "default")
                    .map(|(module, _)| module.as_str());
                (module, property)
            }
            _ => (None, ""),
        }
    }

    /// The single value a same-file variable is declared with.
    fn value_of(&self, ctx: &Ctx, ident: Node) -> Option<Node<'t>> {
        match self.values.get(ctx.text(ident))?.as_slice() {
            [value] => Some(*value),
            _ => None,
        }
    }

    /// An object literal, directly or through same-file variables.
    fn object(&self, ctx: &Ctx, node: Node<'t>, depth: usize) -> Option<Node<'t>> {
        let node = unwrap(node);
        match node.kind() {
            "object" => Some(node),
            "identifier" if depth < MAX_DEPTH => {
                self.object(ctx, self.value_of(ctx, node)?, depth + 1)
            }
            _ => None,
        }
    }

    /// The objects a spread may add: `...base`, `...(cond && { X: str() })`, `...(cond ? { X:
    /// str() } : {})`. The entries of a conditional one are on use (see `super::when`).
    fn spread_objects(&self, ctx: &Ctx, spread: Node<'t>, depth: usize) -> Vec<Node<'t>> {
        let spread = unwrap(spread);
        match spread.kind() {
            "binary_expression"
                if spread
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "&&") =>
            {
                spread
                    .child_by_field_name("right")
                    .and_then(|r| self.object(ctx, r, depth))
                    .into_iter()
                    .collect()
            }
            "ternary_expression" => ["consequence", "alternative"]
                .into_iter()
                .filter_map(|f| spread.child_by_field_name(f))
                .filter_map(|b| self.object(ctx, b, depth))
                .collect(),
            _ => self.object(ctx, spread, depth).into_iter().collect(),
        }
    }

    /// The `(name, key, value)` entries of an object literal, with spreads of same-file objects
    /// followed. Computed keys other than constants are skipped. Each object is expanded once:
    /// `{...a, ...a}` with `a = {...b, ...b}` and so on must not cost `2^depth`.
    fn properties(&self, ctx: &Ctx, object: Node<'t>, depth: usize) -> Vec<Entry<'t>> {
        let mut out = Vec::new();
        self.properties_into(ctx, object, depth, &mut HashSet::new(), &mut out);
        out
    }

    fn properties_into(
        &self,
        ctx: &Ctx,
        object: Node<'t>,
        depth: usize,
        seen: &mut HashSet<usize>,
        out: &mut Vec<Entry<'t>>,
    ) {
        if !seen.insert(object.id()) {
            return;
        }
        let mut w = object.walk();
        for prop in object.named_children(&mut w) {
            match prop.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (
                        prop.child_by_field_name("key"),
                        prop.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let name = match key.kind() {
                        "property_identifier" => Some(ctx.text(key).to_string()),
                        "computed_property_name" => key
                            .named_child(0)
                            .and_then(|k| literal_string(ctx, k, &HashMap::new())),
                        _ => literal_string(ctx, key, &HashMap::new()),
                    };
                    if let Some(name) = name.filter(|n| plausible_name(n)) {
                        out.push(Entry { name, key, value });
                    }
                }
                "shorthand_property_identifier" => out.push(Entry {
                    name: ctx.text(prop).to_string(),
                    key: prop,
                    value: prop,
                }),
                "spread_element" if depth < MAX_DEPTH => {
                    let Some(spread) = prop.named_child(0) else {
                        continue;
                    };
                    for inner in self.spread_objects(ctx, spread, depth + 1) {
                        self.properties_into(ctx, inner, depth + 1, seen, out);
                    }
                }
                _ => {}
            }
        }
    }

    /// The identifier is zod's namespace: `z`, or a name imported from `zod`.
    fn is_zod(&self, ctx: &Ctx, node: Node) -> bool {
        if node.kind() != "identifier" {
            return false;
        }
        let text = ctx.text(node);
        text == "z"
            || self
                .imports
                .get(text)
                .is_some_and(|(module, _)| module == "zod" || module.starts_with("zod/"))
    }

    /// The fields of a zod object schema: `z.object({...})`, with `.extend`, `.merge`,
    /// `.partial()` and value-preserving methods followed, through same-file variables.
    fn zod_object(&self, ctx: &Ctx, node: Node<'t>, depth: usize) -> Option<Vec<Field<'t>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let node = unwrap(node);
        match node.kind() {
            "identifier" => self.zod_object(ctx, self.value_of(ctx, node)?, depth + 1),
            "call_expression" => {
                let function = node.child_by_field_name("function")?;
                if function.kind() != "member_expression" {
                    return None;
                }
                let object = function.child_by_field_name("object")?;
                let method = ctx.text(function.child_by_field_name("property")?);
                let args = arguments(node);
                match method {
                    "object" | "strictObject" | "looseObject" if self.is_zod(ctx, object) => {
                        let shape = self.object(ctx, *args.first()?, depth + 1)?;
                        Some(
                            self.properties(ctx, shape, depth + 1)
                                .into_iter()
                                .map(Field::from)
                                .collect(),
                        )
                    }
                    "strict" | "passthrough" | "strip" | "loose" | "readonly" | "describe"
                    | "refine" | "superRefine" | "transform" | "brand" | "catchall" => {
                        self.zod_object(ctx, object, depth + 1)
                    }
                    "extend" | "safeExtend" => {
                        let mut fields = self.zod_object(ctx, object, depth + 1)?;
                        let shape = self.object(ctx, *args.first()?, depth + 1)?;
                        let added = self.properties(ctx, shape, depth + 1);
                        overlay(&mut fields, added.into_iter().map(Field::from).collect());
                        Some(fields)
                    }
                    "merge" => {
                        let mut fields = self.zod_object(ctx, object, depth + 1)?;
                        let added = self.zod_object(ctx, *args.first()?, depth + 1)?;
                        overlay(&mut fields, added);
                        Some(fields)
                    }
                    "partial" if args.is_empty() => {
                        let mut fields = self.zod_object(ctx, object, depth + 1)?;
                        for field in &mut fields {
                            field.forced = Some(ReadKind::Optional);
                        }
                        Some(fields)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The kind a schema gives its variable, and the default's source text when it is a literal.
    /// zod and valibot alike: the outermost of `.optional()` / `.nullish()` (optional) and
    /// `.default()` / `.prefault()` / `.catch()` (default) decides; `.nullable()` and validators
    /// keep the kind; a bare schema is required. A conditional schema takes the stronger branch.
    fn schema_kind(&self, ctx: &Ctx, node: Node, depth: usize) -> (ReadKind, Option<String>) {
        const REQUIRED: (ReadKind, Option<String>) = (ReadKind::Required, None);
        if depth > MAX_DEPTH {
            return REQUIRED;
        }
        let node = unwrap(node);
        match node.kind() {
            "ternary_expression" => {
                let branch = |field| match node.child_by_field_name(field) {
                    Some(b) => self.schema_kind(ctx, b, depth + 1),
                    None => REQUIRED,
                };
                let (a, b) = (branch("consequence"), branch("alternative"));
                if b.0.strength() > a.0.strength() {
                    b
                } else {
                    a
                }
            }
            "identifier" => match self.value_of(ctx, node) {
                Some(value) => self.schema_kind(ctx, value, depth + 1),
                None => REQUIRED,
            },
            "call_expression" => {
                let Some(function) = node
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "member_expression")
                else {
                    return REQUIRED;
                };
                let (Some(object), Some(property)) = (
                    function.child_by_field_name("object"),
                    function.child_by_field_name("property"),
                ) else {
                    return REQUIRED;
                };
                let args = arguments(node);
                let chained = unwrap(object).kind() == "call_expression";
                match (ctx.text(property), chained) {
                    ("optional" | "nullish", true) => (ReadKind::Optional, None),
                    ("default" | "prefault" | "catch", true) => (
                        ReadKind::Default,
                        args.first().and_then(|a| literal_text(ctx, *a)),
                    ),
                    (_, true) => self.schema_kind(ctx, object, depth + 1),
                    // `z.optional(schema)`, valibot `v.optional(schema, default)`
                    ("optional" | "nullish", false) => match args.get(1) {
                        Some(default) => (ReadKind::Default, literal_text(ctx, *default)),
                        None => (ReadKind::Optional, None),
                    },
                    ("fallback", false) => (
                        ReadKind::Default,
                        args.get(1).and_then(|a| literal_text(ctx, *a)),
                    ),
                    ("preprocess", false) => match args.get(1) {
                        Some(inner) => self.schema_kind(ctx, *inner, depth + 1),
                        None => REQUIRED,
                    },
                    ("pipe", false) => match args.first() {
                        Some(inner) => self.schema_kind(ctx, *inner, depth + 1),
                        None => REQUIRED,
                    },
                    _ => REQUIRED,
                }
            }
            _ => REQUIRED,
        }
    }
}

/// `fields` with `added` laid over them, as applying each added field in turn (drop the field of
/// that name, append the new one) would give, in linear time: a later field of a name replaces
/// an earlier one and takes its place at the end.
fn overlay<'t>(fields: &mut Vec<Field<'t>>, added: Vec<Field<'t>>) {
    let names: HashSet<String> = added.iter().map(|f| f.name.clone()).collect();
    fields.retain(|f| !names.contains(&f.name));
    let mut last: HashMap<String, usize> = HashMap::new();
    for (i, field) in added.iter().enumerate() {
        last.insert(field.name.clone(), i);
    }
    fields.extend(
        added
            .into_iter()
            .enumerate()
            .filter(|(i, f)| last.get(&f.name) == Some(i))
            .map(|(_, f)| f),
    );
}

/// The innermost identifier of a method chain: `z` in `z.string().min(1)`.
fn chain_root(node: Node) -> Node {
    let mut node = unwrap(node);
    loop {
        let next = match node.kind() {
            "call_expression" => node.child_by_field_name("function"),
            "member_expression" => node.child_by_field_name("object"),
            _ => None,
        };
        match next {
            Some(n) => node = unwrap(n),
            None => return node,
        }
    }
}

/// One entry of an object literal.
struct Entry<'t> {
    name: String,
    key: Node<'t>,
    value: Node<'t>,
}

/// One field of a zod object schema; `forced` overrides the kind of its value (`.partial()`).
struct Field<'t> {
    name: String,
    key: Node<'t>,
    value: Node<'t>,
    forced: Option<ReadKind>,
}

impl<'t> From<Entry<'t>> for Field<'t> {
    fn from(e: Entry<'t>) -> Field<'t> {
        Field {
            name: e.name,
            key: e.key,
            value: e.value,
            forced: None,
        }
    }
}

/// `require("m")` -> `m`
fn required_module(ctx: &Ctx, value: Node) -> Option<String> {
    let value = unwrap(value);
    if value.kind() != "call_expression" {
        return None;
    }
    let function = value.child_by_field_name("function")?;
    if function.kind() != "identifier" || ctx.text(function) != "require" {
        return None;
    }
    literal_string(ctx, *arguments(value).first()?, &HashMap::new())
}

/// The arguments of a call, comments left out.
fn arguments(call: Node) -> Vec<Node> {
    match call.child_by_field_name("arguments") {
        Some(args) => argument_list(args),
        None => Vec::new(),
    }
}

fn argument_list(args: Node) -> Vec<Node> {
    let mut w = args.walk();
    args.named_children(&mut w)
        .filter(|a| a.kind() != "comment")
        .collect()
}

/// Source text of a literal default (`""`, `3`, `true`, `-1`); `None` for computed values.
fn literal_text(ctx: &Ctx, node: Node) -> Option<String> {
    let node = unwrap(node);
    let mut w = node.walk();
    let literal = match node.kind() {
        "string" | "number" | "true" | "false" | "null" => true,
        "template_string" => node
            .named_children(&mut w)
            .all(|p| p.kind() == "string_fragment"),
        "unary_expression" => node.named_child(0).is_some_and(|n| n.kind() == "number"),
        _ => false,
    };
    literal.then(|| ctx.text(node).to_string())
}

/// Visits a node and all its named descendants.
fn each_descendant<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    let mut stack = vec![node];
    let mut w = node.walk();
    while let Some(n) = stack.pop() {
        f(n);
        for child in n.named_children(&mut w) {
            stack.push(child);
        }
    }
}

/// envalid: `cleanEnv(process.env, { X: str(), Y: num({ default: 3 }) })`.
fn envalid<'t>(
    scope: &Scope<'t>,
    ctx: &Ctx,
    module: Option<&str>,
    args: Node<'t>,
    out: &mut Output,
) {
    let args = argument_list(args);
    let (Some(env), Some(spec)) = (args.first(), args.get(1)) else {
        return;
    };
    if module != Some("envalid") && env_object(ctx, unwrap(*env)).is_none() {
        return;
    }
    let Some(spec) = scope.object(ctx, *spec, 0) else {
        return;
    };
    for entry in scope.properties(ctx, spec, 0) {
        let spec = envalid_kind(scope, ctx, entry.value, 0);
        let mut read = ctx.read(entry.name, entry.key, spec.kind, "envalid");
        read.extra.detail = Some("cleanEnv".to_string());
        read.extra.default = spec.default;
        // `requiredWhen: (env) => env.FEATURE === true`: needed only where the condition holds
        if let Some(condition) = spec.required_when
            && spec.kind != ReadKind::Required
        {
            read.extra.when = When::OnUse;
            read.extra.context = Some(format!("if {}", condition_text(ctx, condition)));
        }
        out.reads.push(read);
    }
}

/// What an envalid spec entry says about its variable.
struct EnvalidSpec<'t> {
    kind: ReadKind,
    /// The default's source text, when it is a literal.
    default: Option<String>,
    /// The condition of `requiredWhen`: the arrow function's expression, or the one `return`.
    required_when: Option<Node<'t>>,
}

/// The kind of an envalid spec entry: any validator call (`str()`, a `makeValidator` result)
/// with `default:` is default (`default: undefined` is optional); `devDefault` alone does not
/// apply in production, so the entry stays required. `requiredWhen` is kept for the caller.
fn envalid_kind<'t>(
    scope: &Scope<'t>,
    ctx: &Ctx,
    value: Node<'t>,
    depth: usize,
) -> EnvalidSpec<'t> {
    let value = unwrap(value);
    let required = EnvalidSpec {
        kind: ReadKind::Required,
        default: None,
        required_when: None,
    };
    match value.kind() {
        "identifier" if depth < MAX_DEPTH => match scope.value_of(ctx, value) {
            Some(v) => envalid_kind(scope, ctx, v, depth + 1),
            None => required,
        },
        "call_expression" => {
            let options = arguments(value)
                .first()
                .and_then(|o| scope.object(ctx, *o, depth + 1))
                .map(|o| scope.properties(ctx, o, depth + 1))
                .unwrap_or_default();
            let required_when = options
                .iter()
                .find(|e| e.name == "requiredWhen")
                .and_then(|e| returned_expression(e.value));
            let (kind, default) = match options.iter().find(|e| e.name == "default") {
                Some(d) if is_nullish(ctx, d.value) => (ReadKind::Optional, None),
                Some(d) => (ReadKind::Default, literal_text(ctx, d.value)),
                None => (ReadKind::Required, None),
            };
            EnvalidSpec {
                kind,
                default,
                required_when,
            }
        }
        _ => required,
    }
}

/// The value a function returns when it is one expression: `(env) => expr`, or a body of a
/// single `return expr;`.
fn returned_expression(function: Node) -> Option<Node> {
    let function = unwrap(function);
    if !matches!(
        function.kind(),
        "arrow_function" | "function_expression" | "function"
    ) {
        return None;
    }
    let body = function.child_by_field_name("body")?;
    if body.kind() != "statement_block" {
        return Some(body);
    }
    let mut w = body.walk();
    let mut statements = body
        .named_children(&mut w)
        .filter(|s| s.kind() != "comment");
    let only = statements.next()?;
    if statements.next().is_some() || only.kind() != "return_statement" {
        return None;
    }
    only.named_child(0)
}

/// When a schema entry matters: on the path of its condition when the schema is chosen by one
/// (`isSelfHost ? z.string().optional() : z.string()` is required unless `isSelfHost`), else as
/// its key sits (`...(cond && { X: z.string() })` is on use).
fn schema_when(ctx: &Ctx, key: Node, value: Node) -> (When, Option<String>) {
    let value = unwrap(value);
    if value.kind() == "ternary_expression"
        && let (Some(condition), Some(consequence), Some(alternative)) = (
            value.child_by_field_name("condition"),
            value.child_by_field_name("consequence"),
            value.child_by_field_name("alternative"),
        )
    {
        let strength = |n: Node| schema_strength(ctx, n);
        let (a, b) = (strength(consequence), strength(alternative));
        if a != b {
            let word = if a > b { "if" } else { "unless" };
            return (
                When::OnUse,
                Some(format!("{word} {}", condition_text(ctx, condition))),
            );
        }
    }
    ctx.when(key)
}

/// How strongly a schema branch requires its variable, by the outermost modifier of its chain:
/// `.optional()` / `.nullish()` (1), `.default()` / `.prefault()` / `.catch()` (0), else 2.
fn schema_strength(ctx: &Ctx, node: Node) -> u8 {
    let mut node = unwrap(node);
    for _ in 0..MAX_CLIMB {
        if node.kind() != "call_expression" {
            return 2;
        }
        let Some(function) = node
            .child_by_field_name("function")
            .filter(|f| f.kind() == "member_expression")
        else {
            return 2;
        };
        match function
            .child_by_field_name("property")
            .map(|p| ctx.text(p))
        {
            Some("optional" | "nullish") => return 1,
            Some("default" | "prefault" | "catch") => return 0,
            _ => {}
        }
        match function.child_by_field_name("object") {
            Some(object) => node = unwrap(object),
            None => return 2,
        }
    }
    2
}

/// t3-env: `createEnv({ server: {...}, client: {...}, shared: {...}, runtimeEnv: {...} })`.
fn t3_env<'t>(
    scope: &Scope<'t>,
    ctx: &Ctx,
    module: Option<&str>,
    args: Node<'t>,
    out: &mut Output,
) {
    let Some(options) = argument_list(args)
        .first()
        .and_then(|o| scope.object(ctx, *o, 0))
    else {
        return;
    };
    let mut sections = Vec::new();
    let mut runtime = None;
    let mut client_prefix = None;
    // only the literal `true` turns validation off for good: an expression such as
    // `process.env.NODE_ENV === "test"` skips it in some runs, and it runs in the others
    let is_true = |value: Node| ctx.text(unwrap(value)) == "true";
    let mut skip_validation = false;
    let mut empty_is_unset = false;
    for entry in scope.properties(ctx, options, 0) {
        match entry.name.as_str() {
            "server" | "client" | "shared" => {
                if let Some(schema) = scope.object(ctx, entry.value, 0) {
                    sections.push((entry.name, schema));
                }
            }
            "runtimeEnv" | "experimental__runtimeEnv" | "runtimeEnvStrict" => {
                runtime = Some(entry.value)
            }
            "clientPrefix" => client_prefix = literal_string(ctx, entry.value, &HashMap::new()),
            "skipValidation" => skip_validation = is_true(entry.value),
            "emptyStringAsUndefined" => empty_is_unset = is_true(entry.value),
            _ => {}
        }
    }
    let known = module.is_some_and(|m| m.starts_with("@t3-oss/env-"));
    if !known && (runtime.is_none() || sections.is_empty()) {
        return;
    }
    // per-key runtime values: `runtimeEnv: { X: process.env.X }`
    let runtime: HashMap<String, Node> = runtime
        .and_then(|r| scope.object(ctx, r, 0))
        .map(|r| {
            scope
                .properties(ctx, r, 0)
                .into_iter()
                .map(|e| (e.name, e.value))
                .collect()
        })
        .unwrap_or_default();
    for (section, schema) in sections {
        for entry in scope.properties(ctx, schema, 0) {
            let (kind, default) = scope.schema_kind(ctx, entry.value, 0);
            let (mut name, mut key) = (entry.name, entry.key);
            if let Some(value) = runtime.get(&name) {
                // `X: process.env.X ?? ...` reads X; `X: process.env.Y` reads Y; any other
                // value is not the environment, and its own reads stand as they are
                let site = match env_read_of(ctx, *value, &name) {
                    Some(site) => site,
                    None => match single_env_read(ctx, *value) {
                        Some((other, site)) => {
                            name = other;
                            site
                        }
                        None => continue,
                    },
                };
                key = site;
                out.replaced.push((
                    ctx.position(*value),
                    ctx.lines.position(ctx.src, value.end_byte()),
                    name.clone(),
                ));
            }
            let exposed = section == "client"
                || client_prefix
                    .as_deref()
                    .is_some_and(|p| !p.is_empty() && name.starts_with(p));
            let mut read = ctx.read(name, key, kind, "t3-env");
            read.extra.detail = Some(format!("createEnv.{section}"));
            read.extra.default = default;
            read.extra.client_exposed = exposed;
            read.extra.empty_is_unset = empty_is_unset;
            let (when, context) = if skip_validation {
                (
                    When::OnUse,
                    Some("schema not validated (skipValidation)".to_string()),
                )
            } else {
                schema_when(ctx, entry.key, entry.value)
            };
            // a schema key under a condition (`...(cond && { X: z.string() })`) or with a
            // conditional schema is needed on that path; otherwise the runtime read decides
            if when == When::OnUse {
                read.extra.when = when;
                read.extra.context = context;
            }
            out.reads.push(read);
        }
    }
}

/// `process.env.NAME` / `import.meta.env["NAME"]` as the whole value: the name and its key node.
fn single_env_read<'t>(ctx: &Ctx, value: Node<'t>) -> Option<(String, Node<'t>)> {
    let value = unwrap(value);
    env_object(ctx, value.child_by_field_name("object")?)?;
    let key = match value.kind() {
        "member_expression" => value
            .child_by_field_name("property")
            .filter(|p| p.kind() == "property_identifier")?,
        "subscript_expression" => value.child_by_field_name("index")?,
        _ => return None,
    };
    let name = match key.kind() {
        "property_identifier" => ctx.text(key).to_string(),
        _ => literal_string(ctx, key, &HashMap::new())?,
    };
    plausible_name(&name).then_some((name, key))
}

/// The key node of the first `process.env.NAME` / `import.meta.env["NAME"]` read inside `value`.
fn env_read_of<'t>(ctx: &Ctx, value: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut found: Option<Node> = None;
    each_descendant(value, &mut |node| {
        let key = match node.kind() {
            "member_expression" => node
                .child_by_field_name("property")
                .filter(|p| ctx.text(*p) == name),
            "subscript_expression" => node
                .child_by_field_name("index")
                .filter(|i| literal_string(ctx, *i, &HashMap::new()).as_deref() == Some(name)),
            _ => None,
        };
        let is_env = node
            .child_by_field_name("object")
            .is_some_and(|o| env_object(ctx, o).is_some());
        if let Some(key) = key.filter(|_| is_env)
            && found.is_none_or(|f| key.start_byte() < f.start_byte())
        {
            found = Some(key);
        }
    });
    found
}

/// Vite: `const env = loadEnv(mode, process.cwd(), "")`, then `env.X`, `env["X"]`, or
/// `const { X } = loadEnv(...)`.
fn load_env<'s>(file: &mut File<'_, 's>, site: Node<'s>, scope: &LazyScope) {
    const API: &str = "loadEnv";
    let ctx = file.ctx;
    let first = file.facts.reads.len();
    let mut node = site;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        if matches!(
            parent.kind(),
            "parenthesized_expression" | "as_expression" | "satisfies_expression"
        ) {
            node = parent;
        } else {
            break;
        }
    }
    let Some(parent) = node.parent() else {
        return;
    };
    match parent.kind() {
        "variable_declarator" if parent.child_by_field_name("value") == Some(node) => {
            let Some(name) = parent.child_by_field_name("name") else {
                return;
            };
            match name.kind() {
                "object_pattern" => destructure(file, name, API),
                "identifier" => {
                    let var = ctx.text(name);
                    // the block the declaration sits in
                    let Some(block) = parent.parent().and_then(|d| d.parent()) else {
                        return;
                    };
                    let mut uses = Vec::new();
                    each_descendant(block, &mut |n| {
                        if matches!(n.kind(), "member_expression" | "subscript_expression")
                            && n.start_byte() >= parent.end_byte()
                            && n.child_by_field_name("object")
                                .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == var)
                        {
                            uses.push(n);
                        }
                    });
                    for use_site in uses {
                        env_member(file, use_site, API, scope);
                    }
                }
                _ => {}
            }
        }
        "member_expression" | "subscript_expression"
            if parent.child_by_field_name("object") == Some(node) =>
        {
            env_member(file, parent, API, scope)
        }
        _ => {}
    }
    for read in &mut file.facts.reads[first..] {
        read.extra.detail = Some(API.to_string());
    }
}

/// A member or subscript read of an env-like object that is not `process.env` itself.
fn env_member<'s>(file: &mut File<'_, 's>, site: Node<'s>, api: &'static str, scope: &LazyScope) {
    let is_callee = site.parent().is_some_and(|p| {
        p.kind() == "call_expression" && p.child_by_field_name("function") == Some(site)
    });
    if is_callee {
        return;
    }
    let access = super::script_usage::access(file, site, scope);
    match site.kind() {
        "member_expression" => {
            let Some(key) = site
                .child_by_field_name("property")
                .filter(|p| p.kind() == "property_identifier")
            else {
                return;
            };
            let name = file.ctx.text(key).to_string();
            file.push_access(key, Key::Name(name), access, api, None);
        }
        "subscript_expression" => {
            let Some(key) = site.child_by_field_name("index") else {
                return;
            };
            let key_kind = file.key(key);
            file.push_access(key, key_kind, access, api, None);
        }
        _ => {}
    }
}

/// `z.string().catch("d").parse(process.env.X)`: the kind the zod schema gives a single read that
/// is its argument; `None` when the read is not parsed by a zod schema.
pub(super) fn parsed_by_schema(ctx: &Ctx, node: Node, scope: &LazyScope) -> Option<ReadKind> {
    let args = node.parent().filter(|p| p.kind() == "arguments")?;
    if argument_list(args).first() != Some(&node) {
        return None;
    }
    let call = args.parent().filter(|c| c.kind() == "call_expression")?;
    let function = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "member_expression")?;
    let method = ctx.text(function.child_by_field_name("property")?);
    if !matches!(
        method,
        "parse" | "safeParse" | "parseAsync" | "safeParseAsync"
    ) {
        return None;
    }
    let schema = function.child_by_field_name("object")?;
    let scope = scope.get(ctx);
    let mut schema = unwrap(schema);
    if schema.kind() == "identifier" {
        schema = scope.value_of(ctx, schema)?;
    }
    if !scope.is_zod(ctx, chain_root(schema)) {
        return None;
    }
    Some(scope.schema_kind(ctx, schema, 0).0)
}

#[cfg(test)]
mod tests {
    use crate::extract::ReadKind::{self, *};
    use crate::extract::testing::run;
    use crate::extract::{Read, When, extract};
    use crate::lang::{Language, Parsers};

    const SCRIPT: [Language; 3] = [Language::TypeScript, Language::Tsx, Language::JavaScript];
    const TS: [Language; 2] = [Language::TypeScript, Language::Tsx];

    type Row = (String, ReadKind, &'static str, usize);

    fn row(name: &str, kind: ReadKind, api: &'static str, line: usize) -> Row {
        (name.to_string(), kind, api, line)
    }

    /// `(name, kind, api, line)` of every read, the same in every grammar given.
    fn rows(languages: &[Language], src: &str) -> Vec<Row> {
        let mut first: Option<Vec<Row>> = None;
        for language in languages {
            let (got, _) = run(*language, src);
            match &first {
                None => first = Some(got),
                Some(f) => assert_eq!(f, &got, "{language:?} differs from the first grammar"),
            }
        }
        first.unwrap_or_default()
    }

    fn reads(language: Language, src: &str) -> Vec<Read> {
        extract(language, src.as_bytes(), &mut Parsers::default()).reads
    }

    fn find<'r>(reads: &'r [Read], name: &str) -> &'r Read {
        match reads.iter().find(|r| r.name == name) {
            Some(r) => r,
            None => panic!("no read of {name} in {reads:?}"),
        }
    }

    #[test]
    fn envalid_inline_spec() {
        let src = r#"import { bool, cleanEnv, json, makeValidator, num, port, str, url } from 'envalid';
import ms from 'ms';

const trustProxy = makeValidator<boolean | string>((input) => input);

export class ConfigurationService {
  private readonly config;

  public constructor() {
    this.config = cleanEnv(process.env, {
      ACCESS_TOKEN_SALT: str(),
      CACHE_TTL: num({ default: ms('1 minute') }),
      ENABLE_FEATURE_CRON: bool({ default: true }),
      DATA_SOURCES: json({
        default: ['YAHOO']
      }),
      OIDC_CLIENT_ID: str({
        default: undefined,
        requiredWhen: (env) => env.ENABLE_FEATURE_AUTH_OIDC === true
      }),
      PORT: port({ default: 3333 }),
      ROOT_URL: url({ devDefault: 'http://localhost:4200' }),
      TRUST_PROXY: trustProxy({ default: '' }),
      'REDIS-HOST': str({ default: 'localhost' })
    });
  }
}
"#;
        assert_eq!(
            rows(&TS, src),
            vec![
                row("ACCESS_TOKEN_SALT", Required, "envalid", 11),
                row("CACHE_TTL", Default, "envalid", 12),
                row("ENABLE_FEATURE_CRON", Default, "envalid", 13),
                row("DATA_SOURCES", Default, "envalid", 14),
                row("OIDC_CLIENT_ID", Optional, "envalid", 17),
                row("PORT", Default, "envalid", 21),
                row("ROOT_URL", Required, "envalid", 22),
                row("TRUST_PROXY", Default, "envalid", 23),
                row("REDIS-HOST", Default, "envalid", 24),
            ]
        );
        let all = reads(Language::TypeScript, src);
        let port = find(&all, "PORT");
        assert_eq!(port.extra.detail.as_deref(), Some("cleanEnv"));
        assert_eq!(port.extra.default.as_deref(), Some("3333"));
        assert_eq!(find(&all, "CACHE_TTL").extra.default, None);
        assert_eq!(
            find(&all, "TRUST_PROXY").extra.default.as_deref(),
            Some("''")
        );
    }

    #[test]
    fn envalid_spec_in_a_const_namespace_and_require() {
        let cases: &[(&str, Vec<Row>)] = &[
            (
                r#"import * as envalid from "envalid";

export const env = envalid.cleanEnv(process.env, {
  NODE_ENV: envalid.str({ choices: ["development", "production"] }),
  PORT: envalid.port({ default: 8080 }),
});
"#,
                vec![
                    row("NODE_ENV", Required, "envalid", 4),
                    row("PORT", Default, "envalid", 5),
                ],
            ),
            (
                r#"const { cleanEnv, str, num } = require("envalid");

const base = {
  LOG_LEVEL: str({ default: "info" }),
};
const spec = {
  ...base,
  API_TOKEN: str(),
  RETRIES: num({ devDefault: 1 }),
};

module.exports = cleanEnv(process.env, spec);
"#,
                vec![
                    row("LOG_LEVEL", Default, "envalid", 4),
                    row("API_TOKEN", Required, "envalid", 8),
                    row("RETRIES", Required, "envalid", 9),
                ],
            ),
            (
                r#"import { cleanEnv, str } from "envalid";

const spec = { SENTRY_DSN: str({ default: "" }) };

export function loadConfig(env: NodeJS.ProcessEnv) {
  return cleanEnv(env, spec);
}
"#,
                vec![row("SENTRY_DSN", Default, "envalid", 3)],
            ),
        ];
        for (src, want) in cases {
            let languages: &[Language] = if src.contains("NodeJS") { &TS } else { &SCRIPT };
            assert_eq!(&rows(languages, src), want, "{src}");
        }
    }

    #[test]
    fn envalid_not_reads() {
        let cases = [
            // not envalid, and not the env object
            "import { cleanEnv } from './sanitize';\nconst c = cleanEnv(settings, { A: str() });",
            "const c = cleanEnv(config, { A: str() });",
            // a validator definition is not a read
            "import { makeValidator } from 'envalid';\nconst v = makeValidator((x) => x);",
            // the validated object is not the environment
            "const port = env.PORT;",
        ];
        for src in cases {
            assert_eq!(rows(&SCRIPT, src), vec![], "{src}");
        }
    }

    #[test]
    fn t3_env_core_with_per_key_runtime_env() {
        let src = r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const isSelfHost = z.stringbool().catch(false).parse(process.env.SELF_HOST);

export const env = createEnv({
  server: {
    STRIPE_SECRET_KEY: isSelfHost ? z.string().optional() : z.string(),
    TINYBIRD_URL: z.string().default("https://api.tinybird.co"),
    TINYBIRD_NOOP: z.stringbool().catch(false),
    DATABASE_URL: z.string().min(1),
    SLACK_WEBHOOK_URL: z.string().url().optional(),
    SENTRY_DSN: z.string().nullable(),
    LOG_LEVEL: z.enum(["debug", "info"]).nullish(),
    PORT: z.coerce.number().int().prefault(3000),
    TRIMMED: z.preprocess((v) => String(v).trim(), z.string()),
  },
  runtimeEnv: {
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    TINYBIRD_URL: process.env.TINYBIRD_URL,
    TINYBIRD_NOOP: process.env.TINYBIRD_NOOP,
    DATABASE_URL:
      process.env.DATABASE_URL ??
      (process.env.NODE_ENV === "test" ? "http://127.0.0.1:8080" : undefined),
    SLACK_WEBHOOK_URL: process.env.SLACK_WEBHOOK_URL,
    SENTRY_DSN: process.env.SENTRY_DSN,
    LOG_LEVEL: process.env.LOG_LEVEL,
    PORT: process.env.PORT,
    TRIMMED: process.env.TRIMMED,
    NOT_IN_SCHEMA: process.env.NOT_IN_SCHEMA,
  },
  skipValidation: process.env.NODE_ENV === "test",
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("SELF_HOST", Default, "process.env.X", 4),
                row("STRIPE_SECRET_KEY", Required, "t3-env", 19),
                row("TINYBIRD_URL", Default, "t3-env", 20),
                row("TINYBIRD_NOOP", Default, "t3-env", 21),
                row("DATABASE_URL", Required, "t3-env", 23),
                row("NODE_ENV", Optional, "process.env.X", 24),
                row("SLACK_WEBHOOK_URL", Optional, "t3-env", 25),
                row("SENTRY_DSN", Required, "t3-env", 26),
                row("LOG_LEVEL", Optional, "t3-env", 27),
                row("PORT", Default, "t3-env", 28),
                row("TRIMMED", Required, "t3-env", 29),
                row("NOT_IN_SCHEMA", Optional, "process.env.X", 30),
                row("NODE_ENV", Optional, "process.env.X", 32),
            ]
        );
        let all = reads(Language::TypeScript, src);
        let url = find(&all, "TINYBIRD_URL");
        assert_eq!(url.extra.detail.as_deref(), Some("createEnv.server"));
        assert_eq!(
            url.extra.default.as_deref(),
            Some("\"https://api.tinybird.co\"")
        );
        assert!(!url.extra.client_exposed);
    }

    #[test]
    fn t3_runtime_env_object_puts_reads_on_the_schema_keys() {
        let src = r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const server = {
  BIRD_ACCESS_KEY: z.string(),
};

export const env = createEnv({
  server: {
    ...server,
    BIRD_CHANNEL_ID: z.string(),
  },
  runtimeEnv: process.env,
  skipValidation: true,
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("BIRD_ACCESS_KEY", Required, "t3-env", 5),
                row("BIRD_CHANNEL_ID", Required, "t3-env", 11),
            ]
        );
        let src = r#"import { createEnv } from "@t3-oss/env-core";
import * as v from "valibot";

export const env = createEnv({
  clientPrefix: "PUBLIC_",
  server: { SECRET: v.string(), RETRIES: v.optional(v.string(), "3") },
  client: { PUBLIC_API_URL: v.pipe(v.string(), v.url()), PUBLIC_TAG: v.optional(v.string()) },
  runtimeEnv: import.meta.env,
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("SECRET", Required, "t3-env", 6),
                row("RETRIES", Default, "t3-env", 6),
                row("PUBLIC_API_URL", Required, "t3-env", 7),
                row("PUBLIC_TAG", Optional, "t3-env", 7),
            ]
        );
    }

    #[test]
    fn t3_runtime_values_that_are_not_the_same_variable() {
        let src = r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";
import pkg from "./package.json";

export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
    APP_VERSION: z.string(),
    REGION: z.string().default("local"),
    OMITTED: z.string().optional(),
  },
  runtimeEnv: {
    DATABASE_URL: process.env.POSTGRES_PRISMA_URL,
    APP_VERSION: pkg.version,
    REGION: process.env.FLY_REGION || process.env.VERCEL_REGION,
  },
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("OMITTED", Optional, "t3-env", 10),
                row("POSTGRES_PRISMA_URL", Required, "t3-env", 13),
                row("FLY_REGION", Optional, "process.env.X", 15),
                row("VERCEL_REGION", Optional, "process.env.X", 15),
            ]
        );
    }

    #[test]
    fn t3_nextjs_client_keys_are_client_exposed() {
        let src = r#"import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url(),
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  },
  client: {
    NEXT_PUBLIC_CLIENTVAR: z.string(),
  },
  shared: {
    VERCEL_URL: z.string().optional(),
  },
  experimental__runtimeEnv: {
    NEXT_PUBLIC_CLIENTVAR: process.env.NEXT_PUBLIC_CLIENTVAR,
    VERCEL_URL: process.env.VERCEL_URL,
  },
  emptyStringAsUndefined: true,
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("DATABASE_URL", Required, "t3-env", 6),
                row("NODE_ENV", Default, "t3-env", 7),
                row("NEXT_PUBLIC_CLIENTVAR", Required, "t3-env", 16),
                row("VERCEL_URL", Optional, "t3-env", 17),
            ]
        );
        let all = reads(Language::TypeScript, src);
        let client = find(&all, "NEXT_PUBLIC_CLIENTVAR");
        assert!(client.extra.client_exposed);
        assert_eq!(client.extra.detail.as_deref(), Some("createEnv.client"));
        assert_eq!(
            find(&all, "VERCEL_URL").extra.detail.as_deref(),
            Some("createEnv.shared")
        );
        assert!(!find(&all, "DATABASE_URL").extra.client_exposed);
    }

    #[test]
    fn t3_not_reads() {
        // `createEnv` of another library, without t3's shape: the process.env reads stay plain
        let src = r#"import { createEnv } from "./test-utils";

const env = createEnv({ server: { PORT: 3000 } });
const token = process.env.API_TOKEN;
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![row("API_TOKEN", Optional, "process.env.X", 4)]
        );
        // the validated object is read afterwards: not the environment
        let src = "import { env } from './env';\nconst url = env.DATABASE_URL;\n";
        assert_eq!(rows(&SCRIPT, src), vec![]);
    }

    #[test]
    fn bare_zod_schema_parsed_from_the_env() {
        let src = r#"import { z } from "zod";

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    DATABASE_AUTH_TOKEN: z.string().prefault(""),
    TINYBIRD_URL: z.string().optional(),
    PAGE_SIZE: z.coerce.number().int().positive().prefault(10000),
    FORCE: z
      .string()
      .optional()
      .transform((v) => v === "1" || v === "true"),
  })
  .parse(process.env);

const rowSchema = z.object({
  name: z.string(),
  url: z.string(),
});
const row = rowSchema.parse(JSON.parse(line));
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("DATABASE_URL", Required, "zod-schema", 5),
                row("DATABASE_AUTH_TOKEN", Default, "zod-schema", 6),
                row("TINYBIRD_URL", Optional, "zod-schema", 7),
                row("PAGE_SIZE", Default, "zod-schema", 8),
                row("FORCE", Optional, "zod-schema", 9),
            ]
        );
        let all = reads(Language::TypeScript, src);
        assert_eq!(
            find(&all, "DATABASE_URL").extra.detail.as_deref(),
            Some("z.object")
        );
    }

    #[test]
    fn zod_schema_in_a_const_extended_and_partial() {
        let src = r#"import * as zod from "zod";

const base = zod.object({ NODE_ENV: zod.enum(["development", "production"]) });
const envSchema = base.extend({
  REDIS_URL: zod.string().url(),
});
const parsed = envSchema.safeParse(process.env);
const flags = zod.object({ FEATURE_X: zod.string() }).partial().parse(import.meta.env);
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("NODE_ENV", Required, "zod-schema", 3),
                row("REDIS_URL", Required, "zod-schema", 5),
                row("FEATURE_X", Optional, "zod-schema", 8),
            ]
        );
        // not parsed from the environment, or a schema defined elsewhere: no reads
        let cases = [
            "const s = z.object({ A: z.string() });\nconst a = s.parse(body);",
            "import { envSchema } from './schema';\nconst env = envSchema.parse(process.env);",
            "const env = other.object({ A: z.string() }).parse(process.env);",
        ];
        for src in cases {
            assert_eq!(rows(&SCRIPT, src), vec![], "{src}");
        }
    }

    #[test]
    fn zod_schema_parsing_one_variable() {
        let cases: &[(&str, ReadKind)] = &[
            (
                "const s = z.stringbool().catch(false).parse(process.env.SELF_HOST);",
                Default,
            ),
            (
                "const s = z.string().parse(process.env.SELF_HOST);",
                Required,
            ),
            (
                "const s = z.string().optional().parse(process.env.SELF_HOST);",
                Optional,
            ),
            (
                "const port = z.coerce.number().default(3000);\nconst p = port.parse(process.env.SELF_HOST);",
                Default,
            ),
            ("const s = JSON.parse(process.env.SELF_HOST);", Optional),
            (
                "const s = JSON.parse(process.env.SELF_HOST ?? '{}');",
                Default,
            ),
        ];
        for (src, kind) in cases {
            let got = rows(&SCRIPT, src);
            assert_eq!(got.len(), 1, "{src}: {got:?}");
            assert_eq!(got[0].1, *kind, "{src}");
        }
    }

    #[test]
    fn vite_load_env() {
        let src = r#"import { defineConfig, loadEnv } from "vite";

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "");
  return {
    server: { port: Number(env.PORT ?? 5173) },
    define: {
      __APP_ENV__: JSON.stringify(env.APP_ENV),
      __API__: JSON.stringify(env["VITE_API_URL"]),
    },
  };
});
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("PORT", Default, "loadEnv", 6),
                row("APP_ENV", Optional, "loadEnv", 8),
                row("VITE_API_URL", Optional, "loadEnv", 9),
            ]
        );
        let all = reads(Language::TypeScript, src);
        assert!(find(&all, "VITE_API_URL").extra.client_exposed);
        assert_eq!(find(&all, "PORT").extra.detail.as_deref(), Some("loadEnv"));

        let src = r#"import * as vite from "vite";

const { VITE_BASE = "/", SENTRY_AUTH_TOKEN } = vite.loadEnv("production", ".");
const title = vite.loadEnv("production", ".").VITE_TITLE;
"#;
        assert_eq!(
            rows(&SCRIPT, src),
            vec![
                row("VITE_BASE", Default, "loadEnv", 3),
                row("SENTRY_AUTH_TOKEN", Optional, "loadEnv", 3),
                row("VITE_TITLE", Optional, "loadEnv", 4),
            ]
        );
        // a `loadEnv` that is not Vite's
        let src = "import { loadEnv } from './env';\nconst env = loadEnv();\nconst a = env.PORT;\n";
        assert_eq!(rows(&SCRIPT, src), vec![]);
    }

    #[test]
    fn public_prefixes_are_client_exposed() {
        let src = r#"const a = process.env.NEXT_PUBLIC_API_URL;
const b = import.meta.env.VITE_API_URL;
const c = process.env.REACT_APP_KEY;
const d = import.meta.env.PUBLIC_SITE;
const e = process.env.EXPO_PUBLIC_ID;
const f = process.env.NUXT_PUBLIC_BASE;
const g = process.env.GATSBY_TOKEN;
const h = process.env.DATABASE_URL;
const { NEXT_PUBLIC_DESTRUCTURED } = process.env;
"#;
        for language in SCRIPT {
            let exposed: Vec<(String, bool)> = reads(language, src)
                .into_iter()
                .map(|r| (r.name, r.extra.client_exposed))
                .collect();
            assert_eq!(
                exposed,
                vec![
                    ("NEXT_PUBLIC_API_URL".to_string(), true),
                    ("VITE_API_URL".to_string(), true),
                    ("REACT_APP_KEY".to_string(), true),
                    ("PUBLIC_SITE".to_string(), true),
                    ("EXPO_PUBLIC_ID".to_string(), true),
                    ("NUXT_PUBLIC_BASE".to_string(), true),
                    ("GATSBY_TOKEN".to_string(), true),
                    ("DATABASE_URL".to_string(), false),
                    ("NEXT_PUBLIC_DESTRUCTURED".to_string(), true),
                ],
                "{language:?}"
            );
        }
    }
    /// `(name, kind, empty_is_unset, when, context)` of every read, the same in every grammar.
    fn semantics(src: &str) -> Vec<(String, ReadKind, bool, When, Option<String>)> {
        let mut first = None;
        for language in SCRIPT {
            let got: Vec<_> = reads(language, src)
                .into_iter()
                .map(|r| {
                    (
                        r.name,
                        r.kind,
                        r.extra.empty_is_unset,
                        r.extra.when,
                        r.extra.context,
                    )
                })
                .collect();
            match &first {
                None => first = Some(got),
                Some(f) => assert_eq!(f, &got, "{language:?} differs from the first grammar"),
            }
        }
        first.unwrap_or_default()
    }

    fn fact(
        name: &str,
        kind: ReadKind,
        empty: bool,
        context: Option<&str>,
    ) -> (String, ReadKind, bool, When, Option<String>) {
        let when = if context.is_some() {
            When::OnUse
        } else {
            When::Startup
        };
        (
            name.to_string(),
            kind,
            empty,
            when,
            context.map(str::to_string),
        )
    }

    /// envalid: `requiredWhen` makes an optional entry needed where its condition holds;
    /// `devDefault` stays required at start-up; `default: undefined` is optional; a conditional
    /// spread of entries is on use.
    #[test]
    fn envalid_conditions() {
        let src = r#"import { cleanEnv, str, bool } from "envalid";

export const env = cleanEnv(process.env, {
  OIDC_ENABLED: bool({ default: false }),
  OIDC_CLIENT_ID: str({
    default: undefined,
    requiredWhen: (env) => {
      return env.OIDC_ENABLED === true;
    },
  }),
  OIDC_ISSUER: str({ default: undefined, requiredWhen: (e) => e.OIDC_ENABLED }),
  ROOT_URL: str({ devDefault: "http://localhost:4200" }),
  SENTRY_DSN: str({ default: undefined }),
  ...(process.env.FEATURE_S3 === "true" && { S3_BUCKET: str() }),
  ...(useRedis ? { REDIS_URL: str() } : {}),
});
"#;
        assert_eq!(
            semantics(src),
            vec![
                fact("OIDC_ENABLED", Default, false, None),
                fact(
                    "OIDC_CLIENT_ID",
                    Optional,
                    false,
                    Some("if env.OIDC_ENABLED === true")
                ),
                fact("OIDC_ISSUER", Optional, false, Some("if e.OIDC_ENABLED")),
                fact("ROOT_URL", Required, false, None),
                fact("SENTRY_DSN", Optional, false, None),
                fact("FEATURE_S3", Optional, true, None),
                fact(
                    "S3_BUCKET",
                    Required,
                    false,
                    Some("if process.env.FEATURE_S3 === \"true\"")
                ),
                fact("REDIS_URL", Required, false, Some("if useRedis")),
            ]
        );
    }

    /// t3-env: `skipValidation: true` leaves the schema unenforced (its reads are on use, kinds
    /// kept); an expression keeps validation on at start-up; `emptyStringAsUndefined: true` makes
    /// empty unset; a conditional schema is needed on the path of its stronger branch.
    #[test]
    fn t3_conditions() {
        let src = r#"import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

export const env = createEnv({
  server: {
    DATABASE_URL: z.string(),
    LOG_LEVEL: z.string().optional(),
  },
  runtimeEnv: process.env,
  skipValidation: true,
});
"#;
        let skipped = Some("schema not validated (skipValidation)");
        assert_eq!(
            semantics(src),
            vec![
                fact("DATABASE_URL", Required, false, skipped),
                fact("LOG_LEVEL", Optional, false, skipped),
            ]
        );
        for skip in [
            "!!process.env.SKIP_ENV_VALIDATION",
            "process.env.NODE_ENV === \"test\"",
        ] {
            let src = format!(
                r#"import {{ createEnv }} from "@t3-oss/env-core";
import {{ z }} from "zod";

const isSelfHost = z.stringbool().catch(false).parse(process.env.SELF_HOST);

export const env = createEnv({{
  server: {{
    STRIPE_SECRET_KEY: isSelfHost ? z.string().optional() : z.string(),
    FALLBACK: isSelfHost ? z.string() : z.string().default("x"),
    CRON_SECRET: z.string(),
    ...(isSelfHost && {{ LICENSE: z.string() }}),
  }},
  runtimeEnv: {{
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    FALLBACK: process.env.FALLBACK,
    CRON_SECRET: process.env.CRON_SECRET,
    LICENSE: process.env.LICENSE,
  }},
  emptyStringAsUndefined: true,
  skipValidation: {skip},
}});
"#
            );
            let got: Vec<_> = semantics(&src)
                .into_iter()
                .filter(|r| r.0 != "NODE_ENV" && r.0 != "SKIP_ENV_VALIDATION")
                .collect();
            assert_eq!(
                got,
                vec![
                    fact("SELF_HOST", Default, false, None),
                    fact(
                        "STRIPE_SECRET_KEY",
                        Required,
                        true,
                        Some("unless isSelfHost")
                    ),
                    fact("FALLBACK", Required, true, Some("if isSelfHost")),
                    fact("CRON_SECRET", Required, true, None),
                    fact("LICENSE", Required, true, Some("if isSelfHost")),
                ],
                "{skip}"
            );
        }
    }

    /// zod: `.optional()`, `.default()`, `.catch()` kinds in a schema parsed from the env, and a
    /// conditional member on use.
    #[test]
    fn zod_schema_conditions() {
        let src = r#"import { z } from "zod";

const env = z
  .object({
    A: z.string().optional(),
    B: z.string().default("b"),
    C: z.coerce.number().catch(3),
    D: z.string(),
    E: selfHost ? z.string().optional() : z.string(),
  })
  .parse(process.env);
"#;
        assert_eq!(
            semantics(src),
            vec![
                fact("A", Optional, false, None),
                fact("B", Default, false, None),
                fact("C", Default, false, None),
                fact("D", Required, false, None),
                fact("E", Required, false, Some("unless selfHost")),
            ]
        );
    }
}
