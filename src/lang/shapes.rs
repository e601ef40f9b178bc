//! The env-read shapes, checked in code at the sites [`super::Sites`] finds.
//!
//! [`python`] / [`script`] check each shape by hand: the fields, node kinds and text tests that
//! were once tree-sitter query patterns and their `#match?` predicates (src/lang/shapes.md says
//! why there is no query, and names each shape and its parts). A site yields its shapes in the
//! order the patterns stood in that query.

use tree_sitter::Node;

/// One shape found at a site: the pattern's name (`member`, `call`, ...) and its parts, named
/// as in src/lang/shapes.md.
#[derive(Clone, Copy, Debug)]
pub struct Shape<'t> {
    /// The pattern: what follows `read.` in the contract.
    pub pattern: &'static str,
    /// The site node (the contract's `@read.<pattern>`).
    pub site: Node<'t>,
    pub object: Option<Node<'t>>,
    pub key: Option<Node<'t>>,
    pub callee: Option<Node<'t>>,
    pub args: Option<Node<'t>>,
    pub method: Option<Node<'t>>,
    pub pattern_node: Option<Node<'t>>,
    pub schema: Option<Node<'t>>,
    pub value: Option<Node<'t>>,
}

impl<'t> Shape<'t> {
    fn at(pattern: &'static str, site: Node<'t>) -> Shape<'t> {
        Shape {
            pattern,
            site,
            object: None,
            key: None,
            callee: None,
            args: None,
            method: None,
            pattern_node: None,
            schema: None,
            value: None,
        }
    }
}

/// The child in `field`, when it is a named node (what a query's `field: (_)` matched).
fn named_field<'t>(node: Node<'t>, field: &str) -> Option<Node<'t>> {
    node.child_by_field_name(field).filter(Node::is_named)
}

/// The child in `field`, when it is a named node of one of `kinds`.
fn field_of_kind<'t>(node: Node<'t>, field: &str, kinds: &[&str]) -> Option<Node<'t>> {
    named_field(node, field).filter(|n| kinds.contains(&n.kind()))
}

fn text<'s>(src: &'s [u8], node: Node) -> &'s [u8] {
    src.get(node.byte_range()).unwrap_or_default()
}

/// `#match? @x "[eE]nv$"`
fn ends_in_env(src: &[u8], node: Node) -> bool {
    let t = text(src, node);
    t.ends_with(b"env") || t.ends_with(b"Env")
}

/// The Python shapes at `site` (a `call`, `subscript` or `comparison_operator`), appended to
/// `out`.
pub fn python<'t>(site: Node<'t>, out: &mut Vec<Shape<'t>>) {
    match site.kind() {
        // os.getenv("X"), os.environ.get("X", d), os.environ.setdefault("X", d), getenv("X"):
        // (call function: [(identifier) (attribute)] @callee arguments: (argument_list) @args)
        "call" => {
            let callee = field_of_kind(site, "function", &["identifier", "attribute"]);
            let args = field_of_kind(site, "arguments", &["argument_list"]);
            if let (Some(callee), Some(args)) = (callee, args) {
                out.push(Shape {
                    callee: Some(callee),
                    args: Some(args),
                    ..Shape::at("call", site)
                });
            }
        }
        // os.environ["X"], environ[KEY]:
        // (subscript value: [(identifier) (attribute)] @object subscript: (_) @key), one shape
        // per subscript (`a[x, y]` has two)
        "subscript" => {
            let Some(object) = field_of_kind(site, "value", &["identifier", "attribute"]) else {
                return;
            };
            let mut cursor = site.walk();
            for key in site
                .children_by_field_name("subscript", &mut cursor)
                .filter(Node::is_named)
            {
                out.push(Shape {
                    object: Some(object),
                    key: Some(key),
                    ..Shape::at("subscript", site)
                });
            }
        }
        // "X" in os.environ, "X" not in os.environ: the operand right before an `in` / `not in`
        // and the one right after it (in a chain `a < "X" in os.environ`, only those can be a
        // presence test)
        "comparison_operator" => {
            let mut cursor = site.walk();
            for op in site.children_by_field_name("operators", &mut cursor) {
                if !matches!(op.kind(), "in" | "not in") {
                    continue;
                }
                let key = op.prev_sibling().filter(Node::is_named);
                let object = op.next_sibling().filter(Node::is_named);
                if let (Some(key), Some(object)) = (key, object) {
                    out.push(Shape {
                        key: Some(key),
                        object: Some(object),
                        ..Shape::at("presence", site)
                    });
                }
            }
        }
        _ => {}
    }
}

/// Framework entry points, called bare or as a member: `(^|[.])(cleanEnv|...)$`.
const FRAMEWORK_CALLS: [&[u8]; 4] = [b"cleanEnv", b"customCleanEnv", b"createEnv", b"loadEnv"];

/// Methods of a schema that validate a whole object.
const SCHEMA_METHODS: [&[u8]; 4] = [b"parse", b"safeParse", b"parseAsync", b"safeParseAsync"];

/// The TypeScript / JavaScript shapes at `site`, appended to `out`.
pub fn script<'t>(site: Node<'t>, src: &[u8], out: &mut Vec<Shape<'t>>) {
    match site.kind() {
        // process.env.X, import.meta.env.VITE_X, Bun.env.X, process?.env?.X
        "member_expression" => {
            let object = named_field(site, "object").filter(|o| ends_in_env(src, *o));
            let key = field_of_kind(site, "property", &["property_identifier"]);
            if let (Some(object), Some(key)) = (object, key) {
                out.push(Shape {
                    object: Some(object),
                    key: Some(key),
                    ..Shape::at("member", site)
                });
            }
        }
        // process.env["X"], process.env[key]
        "subscript_expression" => {
            let object = named_field(site, "object").filter(|o| ends_in_env(src, *o));
            let key = named_field(site, "index");
            if let (Some(object), Some(key)) = (object, key) {
                out.push(Shape {
                    object: Some(object),
                    key: Some(key),
                    ..Shape::at("subscript", site)
                });
            }
        }
        "call_expression" => script_call(site, src, out),
        // "X" in process.env
        "binary_expression" => {
            let is_in = site
                .child_by_field_name("operator")
                .is_some_and(|op| op.kind() == "in");
            let key = named_field(site, "left");
            let object = named_field(site, "right").filter(|o| ends_in_env(src, *o));
            if let (true, Some(key), Some(object)) = (is_in, key, object) {
                out.push(Shape {
                    key: Some(key),
                    object: Some(object),
                    ..Shape::at("presence", site)
                });
            }
        }
        // const { A, B = "d", C: alias } = process.env
        "variable_declarator" => {
            let pattern = field_of_kind(site, "name", &["object_pattern"]);
            let object = named_field(site, "value").filter(|o| ends_in_env(src, *o));
            if let (Some(pattern), Some(object)) = (pattern, object) {
                out.push(Shape {
                    pattern_node: Some(pattern),
                    object: Some(object),
                    ..Shape::at("destructure", site)
                });
            }
        }
        // build-time constants: `'process.env.X': ...`, `'import.meta.env.X': ...`,
        // `'process.env': { X: ... }`, `env: { X: ... }`
        "pair" => {
            let key = field_of_kind(site, "key", &["string", "property_identifier"])
                .filter(|k| define_key(text(src, *k)));
            let value = named_field(site, "value");
            if let (Some(key), Some(value)) = (key, value) {
                out.push(Shape {
                    key: Some(key),
                    value: Some(value),
                    ..Shape::at("define", site)
                });
            }
        }
        _ => {}
    }
}

/// The three call shapes, in the old query's order: `Deno.env.get("X")`, a framework entry
/// point, a schema's `.parse(<env>)`.
fn script_call<'t>(site: Node<'t>, src: &[u8], out: &mut Vec<Shape<'t>>) {
    let Some(args) = field_of_kind(site, "arguments", &["arguments"]) else {
        return;
    };
    let Some(function) = named_field(site, "function") else {
        return;
    };
    let member = (function.kind() == "member_expression").then_some(function);
    let object = member.and_then(|m| named_field(m, "object"));
    let method = member.and_then(|m| field_of_kind(m, "property", &["property_identifier"]));
    // Deno.env.get("X"), Deno.env.has("X"): an object ending in `env` (lower case)
    if let (Some(object), Some(method)) = (object, method)
        && text(src, object).ends_with(b"env")
    {
        out.push(Shape {
            object: Some(object),
            method: Some(method),
            callee: Some(function),
            args: Some(args),
            ..Shape::at("call", site)
        });
    }
    // cleanEnv(process.env, {...}), envalid.cleanEnv(...), createEnv({...}), loadEnv(...)
    if matches!(function.kind(), "identifier" | "member_expression") {
        let callee = text(src, function);
        let framework = FRAMEWORK_CALLS.iter().any(|name| {
            callee
                .strip_suffix(*name)
                .is_some_and(|before| before.is_empty() || before.last() == Some(&b'.'))
        });
        if framework {
            out.push(Shape {
                callee: Some(function),
                args: Some(args),
                ..Shape::at("framework", site)
            });
        }
    }
    // z.object({...}).parse(process.env), schema.safeParse(import.meta.env): the first named
    // argument ends in `env`
    if let (Some(schema), Some(method)) = (object, method)
        && SCHEMA_METHODS.contains(&text(src, method))
        && let Some(first) = args.named_child(0)
        && text(src, first).ends_with(b"env")
    {
        out.push(Shape {
            schema: Some(schema),
            method: Some(method),
            object: Some(first),
            ..Shape::at("schema", site)
        });
    }
}

/// `^(env|["'](process|import\.meta)\.env(\.[A-Za-z_][A-Za-z0-9_]*)?["'])$`
fn define_key(key: &[u8]) -> bool {
    if key == b"env" {
        return true;
    }
    let quote = |b: &u8| matches!(b, b'"' | b'\'');
    let [first, inner @ .., last] = key else {
        return false;
    };
    if !quote(first) || !quote(last) {
        return false;
    }
    let Some(rest) = inner
        .strip_prefix(b"process.env")
        .or_else(|| inner.strip_prefix(b"import.meta.env"))
    else {
        return false;
    };
    match rest {
        [] => true,
        [b'.', head, tail @ ..] => {
            (head.is_ascii_alphabetic() || *head == b'_')
                && tail.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn define_keys() {
        for key in [
            "env",
            "'process.env'",
            "\"process.env.API_URL\"",
            "'import.meta.env.VITE_X'",
            "\"process.env._A1\"",
        ] {
            assert!(define_key(key.as_bytes()), "{key}");
        }
        for key in [
            "envs",
            "'env'",
            "process.env",
            "'process.env.'",
            "'process.env.1A'",
            "'process.env.A-B'",
            "'process.envX'",
            "'import.meta.env.X.Y'",
            "'",
            "",
        ] {
            assert!(!define_key(key.as_bytes()), "{key}");
        }
    }
}
