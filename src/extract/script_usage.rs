//! How a TS/JS read's value is used: that decides its kind, and whether an empty value behaves
//! like a missing one.
//!
//! From the read site (`process.env.X`, `Deno.env.get("X")`) the walk climbs through what carries
//! the value on: parentheses and type assertions, `??` / `||` chains, method chains on the value
//! (`.trim()`, `?.split(",")`), conversions (`Number(...)`, `parseInt(...)`, unary `+`). Where it
//! stops, the syntax around decides, in this order:
//!
//! 1. `x!` before any fallback: **required**.
//! 2. A `??` / `||` chain that ends in something other than `undefined` or another bare env read:
//!    **default** (`process.env.X ?? "d"`, `Number(process.env.X) || 100`).
//! 3. A zod schema parsing the one value (`z.string().catch("d").parse(process.env.X)`): its kind.
//! 4. A truth test guarding a use of the same variable: `process.env.X ? f(process.env.X) : 10`
//!    (both reads **default**; with a nullish alternative, optional), `process.env.X &&
//!    new URL(process.env.X)`, `if (process.env.X) { use(process.env.X) }` (the inner reads keep
//!    their kind).
//! 5. A throw when the value is missing: `if (!process.env.X) throw ...`, `const x =
//!    process.env.X; if (!x) throw ...`: **required**.
//! 6. Only a truth test (`if (process.env.X)`, `!process.env.X`, `process.env.X && go()`,
//!    `Boolean(process.env.X)`, a ternary condition whose branches do not use it), or only
//!    compared with `undefined` / `null`: **presence**. The code asks whether the variable is set,
//!    never what it holds.
//! 7. Anything else, including a comparison with a literal (`process.env.X === "true"`): the value
//!    is used, **optional**.
//!
//! **Empty means unset** where the code cannot tell `""` from a missing value: `||` treats `""` as
//! falsy (`??` does not), and so does a truth test (`if`, `!`, `&&`, `Boolean`, a ternary), also
//! after `.trim()`, a case change or a numeric conversion (`Number("")` is `0`). A comparison with
//! a non-empty literal (`=== "true"`, `!== "false"`) is false for both, so it counts too: a flag
//! read that way is optional with `empty_is_unset` rather than presence, because the value, not
//! just its presence, picks the path. A read inside a branch that runs only when the same variable
//! is truthy never sees an empty value either.
//!
//! Every walk is bounded: climbs by [`MAX_CLIMB`] (the search for a guard by [`MAX_GUARD_CLIMB`],
//! a ternary's by the statement around the read), the search of a branch for the same variable by
//! a node budget, a condition's parts by a budget.

use tree_sitter::Node;

use super::script::{File, is_nullish, literal_text, unwrap};
use super::script_frameworks::{self, LazyScope};
use super::{Ctx, MAX_CLIMB, ReadKind};

/// What a read does with the variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Access {
    pub kind: ReadKind,
    /// An empty value behaves as a missing one.
    pub empty_is_unset: bool,
}

impl Access {
    fn new(kind: ReadKind, empty_is_unset: bool) -> Access {
        Access {
            kind,
            empty_is_unset,
        }
    }
}

/// What the value has become on the way up, for what an empty string turns into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The string itself, trimmed or case-changed: `""` stays `""`.
    Text,
    /// A number made from it (`Number`, `parseInt`, `+`, `.length`): `""` becomes a falsy `0`.
    Number,
    /// Anything else (`.split(",")`, `String(...)`, `JSON.parse`): no claim about `""`.
    Other,
}

/// Methods of a string that keep `""` as `""`.
const TEXT_METHODS: &[&str] = &[
    "trim",
    "trimStart",
    "trimEnd",
    "toLowerCase",
    "toUpperCase",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
];

/// Global functions that turn a string into a number.
const NUMBER_FUNCTIONS: &[&str] = &["Number", "parseInt", "parseFloat"];

/// How many nodes of a branch are searched for another read of the same variable.
const BRANCH_BUDGET: usize = 512;

/// How many steps up a read looks for a guard of the same variable around it. Each step up
/// costs a walk from the root in tree-sitter, so this bounds the cost of a read in a deeply
/// nested file; real guards sit a few blocks up.
const MAX_GUARD_CLIMB: usize = 48;

/// How many parts of a condition (`&&` operands, `!!`, `Boolean(...)`) are looked at.
const CONDITION_BUDGET: usize = 16;

/// The longest env object expression looked at (`globalThis.process.env` and the like): a guard
/// check never normalizes the text of a huge expression.
const MAX_OBJECT_LEN: usize = 64;

/// The ancestors of a read site, found once by one walk down from the root. In tree-sitter a
/// node's `parent()` walks down from the root too, so climbing step by step from a deep read
/// would cost the depth at every step; every climb of this module goes through this list.
struct Up<'s> {
    /// Root first, the site's parent last.
    chain: Vec<Node<'s>>,
    site: Node<'s>,
    /// Where the last lookup found its node: climbs go up one step at a time.
    hint: std::cell::Cell<usize>,
}

impl<'s> Up<'s> {
    fn new(root: Node<'s>, site: Node<'s>) -> Up<'s> {
        let mut chain = Vec::new();
        let mut node = root;
        while node != site {
            chain.push(node);
            match node.child_with_descendant(site) {
                Some(next) => node = next,
                None => break,
            }
        }
        let hint = std::cell::Cell::new(chain.len());
        Up { chain, site, hint }
    }

    /// The parent of `node`, which is the site or one of its ancestors.
    fn parent(&self, node: Node<'s>) -> Option<Node<'s>> {
        let at = if node == self.site {
            self.chain.len()
        } else {
            let hint = self.hint.get();
            [hint, hint.wrapping_sub(1), hint + 1]
                .into_iter()
                .find(|&i| self.chain.get(i) == Some(&node))
                .or_else(|| self.chain.iter().rposition(|n| *n == node))?
        };
        self.hint.set(at);
        at.checked_sub(1).map(|i| self.chain[i])
    }
}

/// The kind of a member / subscript / `Deno.env.get` read and whether empty counts as unset, from
/// what surrounds it; `None` when the site is written to rather than read.
pub(super) fn access<'s>(file: &File<'_, 's>, site: Node<'s>, scope: &LazyScope) -> Option<Access> {
    let ctx = file.ctx;
    let up = Up::new(file.root(), site);
    let mut node = site;
    // the outermost `??` / `||` chain the read flows into
    let mut chain_top = None;
    let mut shape = Shape::Text;
    // the value was the left operand of `||`: `""` falls through to the right
    let mut or_tested = false;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = up.parent(node) else { break };
        let is_field = |field: &str| parent.child_by_field_name(field) == Some(node);
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion" => node = parent,
            "non_null_expression" if chain_top.is_none() => {
                return Some(Access::new(ReadKind::Required, false));
            }
            "binary_expression" => match operator(parent) {
                Some("??") => {
                    chain_top = Some(parent);
                    node = parent;
                }
                Some("||") => {
                    if is_field("left") && shape != Shape::Other {
                        or_tested = true;
                    }
                    chain_top = Some(parent);
                    node = parent;
                }
                _ => break,
            },
            // method chains on the value: `process.env.X?.trim() || undefined`
            "member_expression" if is_field("object") => {
                let property = parent
                    .child_by_field_name("property")
                    .map(|p| ctx.text(p))
                    .unwrap_or("");
                let called = up.parent(parent).is_some_and(|c| {
                    c.kind() == "call_expression"
                        && c.child_by_field_name("function") == Some(parent)
                });
                shape = match (called, property) {
                    (true, m) if TEXT_METHODS.contains(&m) => shape,
                    (false, "length") if shape != Shape::Other => Shape::Number,
                    _ => Shape::Other,
                };
                node = parent;
            }
            "call_expression" if is_field("function") => node = parent,
            "unary_expression" if operator(parent) == Some("+") => {
                if shape != Shape::Other {
                    shape = Shape::Number;
                }
                node = parent;
            }
            // `Number(process.env.X)`, `parseInt(process.env.X, 10)`, `String(...)`
            "arguments" if first_argument(parent) == Some(node) => {
                let Some(call) = up.parent(parent) else { break };
                match called_function(ctx, call) {
                    Some(f) if NUMBER_FUNCTIONS.contains(&f) => {
                        if shape != Shape::Other {
                            shape = Shape::Number;
                        }
                    }
                    Some("String") => shape = Shape::Other,
                    _ => break,
                }
                node = call;
            }
            "assignment_expression" if chain_top.is_none() => {
                if is_field("left") {
                    return None;
                }
                break;
            }
            "augmented_assignment_expression" if chain_top.is_none() => {
                if is_field("left") {
                    let op = parent.child_by_field_name("operator").map(|o| ctx.text(o));
                    return match op {
                        // `process.env.X ??= "d"` reads before it writes
                        Some("??=") => Some(Access::new(ReadKind::Default, false)),
                        Some("||=") => Some(Access::new(ReadKind::Default, true)),
                        _ => None,
                    };
                }
                break;
            }
            "unary_expression" if operator(parent) == Some("delete") => return None,
            "update_expression" => return None,
            _ => break,
        }
    }
    if let Some(top) = chain_top {
        let last = top.child_by_field_name("right")?;
        let is_last = last.byte_range().contains(&site.start_byte());
        if !is_last && !is_nullish(ctx, last) && !bare_env_read(file, last) {
            return Some(Access::new(ReadKind::Default, or_tested));
        }
    }
    if let Some(kind) = script_frameworks::parsed_by_schema(ctx, node, scope) {
        return Some(Access::new(kind, or_tested));
    }
    let empty_falsy = shape != Shape::Other;
    let name = env_name(file, site);
    // 4. a truth test that guards a use of the same variable
    if let Some(name) = &name
        && let Some(access) = guarded_ternary(file, &up, node, name, empty_falsy)
    {
        return Some(access);
    }
    // 5. missing means an exception
    if let Some(empty) =
        guarded_by_throw(ctx, &up, node).or_else(|| tested_then_throws(ctx, &up, node))
    {
        return Some(Access::new(ReadKind::Required, empty || or_tested));
    }
    let guarded = name
        .as_deref()
        .is_some_and(|name| inside_truthy_branch(file, &up, node, name));
    // 6. only a truth test, or only compared with undefined / null
    match test_of(ctx, &up, node) {
        Some(Test::Truthy) if shape == Shape::Text => {
            return Some(Access::new(ReadKind::Presence, true));
        }
        Some(Test::Truthy) => {
            return Some(Access::new(ReadKind::Optional, empty_falsy));
        }
        Some(Test::Defined) => return Some(Access::new(ReadKind::Presence, guarded)),
        Some(Test::Literal) => {
            return Some(Access::new(ReadKind::Optional, shape == Shape::Text));
        }
        None => {}
    }
    Some(Access::new(ReadKind::Optional, or_tested || guarded))
}

/// How a value is tested where it ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    /// For truthiness: `if (x)`, `!x`, `x && y`, `Boolean(x)`, `c ? a : b`.
    Truthy,
    /// Against `undefined` / `null`: `x === undefined`, `x != null`.
    Defined,
    /// Against a literal other than `""`: `x === "true"`, `x !== "false"`.
    Literal,
}

/// What test `node`'s value goes into, if it is only tested.
fn test_of<'s>(ctx: &Ctx, up: &Up<'s>, node: Node<'s>) -> Option<Test> {
    let mut node = node;
    for _ in 0..MAX_CLIMB {
        let parent = up.parent(node)?;
        let is_field = |field: &str| parent.child_by_field_name(field) == Some(node);
        match parent.kind() {
            "parenthesized_expression" => {
                // the condition of `if (...)`, `while (...)`, `do ... while (...)`
                if up.parent(parent).is_some_and(|p| {
                    matches!(
                        p.kind(),
                        "if_statement" | "while_statement" | "do_statement"
                    ) && p.child_by_field_name("condition") == Some(parent)
                }) {
                    return Some(Test::Truthy);
                }
                node = parent;
            }
            "if_statement" | "while_statement" | "do_statement" if is_field("condition") => {
                return Some(Test::Truthy);
            }
            "ternary_expression" => return is_field("condition").then_some(Test::Truthy),
            "unary_expression" => return (operator(parent) == Some("!")).then_some(Test::Truthy),
            "binary_expression" => {
                let other = if is_field("left") {
                    parent.child_by_field_name("right")?
                } else {
                    parent.child_by_field_name("left")?
                };
                return match operator(parent)? {
                    "&&" if is_field("left") => Some(Test::Truthy),
                    // the value of `a && b` is `b` where `a` holds: climb on
                    "&&" | "||" => {
                        node = parent;
                        continue;
                    }
                    "===" | "!==" | "==" | "!=" => {
                        if is_nullish(ctx, other) {
                            Some(Test::Defined)
                        } else {
                            match literal_text(ctx, other) {
                                Some(text) if !text.is_empty() => Some(Test::Literal),
                                _ => None,
                            }
                        }
                    }
                    _ => None,
                };
            }
            "arguments" if first_argument(parent) == Some(node) => {
                let call = up.parent(parent)?;
                return (called_function(ctx, call) == Some("Boolean")).then_some(Test::Truthy);
            }
            _ => return None,
        }
    }
    None
}

/// `process.env.X ? f(process.env.X) : 10` and its consequence: the condition guards a use of
/// the same variable. Both reads are default when the alternative is not nullish, else optional;
/// a condition that only tests the variable (`process.env.X ? "on" : "off"`) is not a guard.
fn guarded_ternary<'s>(
    file: &File<'_, 's>,
    up: &Up<'s>,
    node: Node<'s>,
    name: &str,
    empty_falsy: bool,
) -> Option<Access> {
    let ctx = file.ctx;
    let mut child = node;
    for _ in 0..MAX_CLIMB {
        let parent = up.parent(child)?;
        match parent.kind() {
            "parenthesized_expression" => {}
            "ternary_expression" => {
                let condition = parent.child_by_field_name("condition")?;
                let consequence = parent.child_by_field_name("consequence")?;
                let alternative = parent.child_by_field_name("alternative")?;
                let kind = if is_nullish(ctx, alternative) {
                    ReadKind::Optional
                } else {
                    ReadKind::Default
                };
                if condition == child {
                    // the condition: a guard only when the consequence uses the variable
                    return mentions(file, consequence, name)
                        .then(|| Access::new(kind, empty_falsy));
                }
                if consequence == child {
                    let test = condition_tests(file, condition, name)?;
                    return Some(Access::new(kind, test == Test::Truthy));
                }
                return None;
            }
            // a ternary is an expression: a statement or a function around the read ends the
            // search (and keeps each read's climb short: every step up costs a walk from the
            // root in tree-sitter)
            _ if is_boundary(parent) || is_statement(parent) => return None,
            // deeper in the consequence: `c ? \`https://${process.env.X}\` : d`
            _ => {}
        }
        child = parent;
    }
    None
}

/// A statement or declaration: where an expression ends.
fn is_statement(node: Node) -> bool {
    let kind = node.kind();
    kind.ends_with("_statement")
        || kind.ends_with("_declaration")
        || matches!(
            kind,
            "statement_block" | "variable_declarator" | "switch_case" | "switch_default"
        )
}

/// The read sits in a branch that runs only when the same variable is truthy: the consequence
/// of `if (process.env.X)`, the right of `process.env.X && ...`, the consequence of a ternary.
fn inside_truthy_branch<'s>(file: &File<'_, 's>, up: &Up<'s>, node: Node<'s>, name: &str) -> bool {
    let mut child = node;
    for _ in 0..MAX_GUARD_CLIMB {
        let Some(parent) = up.parent(child) else {
            return false;
        };
        if is_boundary(parent) {
            return false;
        }
        let field_is = |field: &str| parent.child_by_field_name(field) == Some(child);
        let condition = match parent.kind() {
            "if_statement" | "ternary_expression" if field_is("consequence") => {
                parent.child_by_field_name("condition")
            }
            "binary_expression" if field_is("right") && operator(parent) == Some("&&") => {
                parent.child_by_field_name("left")
            }
            _ => None,
        };
        if condition.is_some_and(|c| condition_tests(file, c, name) == Some(Test::Truthy)) {
            return true;
        }
        child = parent;
    }
    false
}

/// Where a guard stops counting: a function runs later, under conditions of its own.
fn is_boundary(node: Node) -> bool {
    matches!(
        node.kind(),
        "function_declaration"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "generator_function"
            | "arrow_function"
            | "method_definition"
            | "class_body"
            | "program"
    )
}

/// Whether `condition` tests the variable `name`: for truthiness (`process.env.X`, `!!X`,
/// `Boolean(X)`, one operand of `&&`) or for being defined (`X !== undefined`, `X != null`).
/// At most [`CONDITION_BUDGET`] parts of the condition are looked at: a read may sit under many
/// conditions, and each is checked once per read.
fn condition_tests<'s>(file: &File<'_, 's>, condition: Node<'s>, name: &str) -> Option<Test> {
    let ctx = file.ctx;
    let mut stack = vec![condition];
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > CONDITION_BUDGET {
            return None;
        }
        let node = unwrap(node);
        match node.kind() {
            "binary_expression" => {
                let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    continue;
                };
                match operator(node) {
                    Some("&&") => {
                        stack.push(right);
                        stack.push(left);
                    }
                    Some("!==" | "!=") => {
                        let (read, other) = if is_nullish(ctx, right) {
                            (left, right)
                        } else {
                            (right, left)
                        };
                        if is_nullish(ctx, other)
                            && env_name(file, unwrap(read)).as_deref() == Some(name)
                        {
                            return Some(Test::Defined);
                        }
                    }
                    _ => {}
                }
            }
            // `!!X`
            "unary_expression" if operator(node) == Some("!") => {
                if let Some(inner) = node.child_by_field_name("argument").map(unwrap)
                    && inner.kind() == "unary_expression"
                    && operator(inner) == Some("!")
                    && let Some(argument) = inner.child_by_field_name("argument")
                {
                    stack.push(argument);
                }
            }
            "call_expression" if called_function(ctx, node) == Some("Boolean") => {
                if let Some(argument) = node
                    .child_by_field_name("arguments")
                    .and_then(first_argument)
                {
                    stack.push(argument);
                }
            }
            _ => {
                if env_name(file, node).as_deref() == Some(name) {
                    return Some(Test::Truthy);
                }
            }
        }
    }
    None
}

/// Whether `node` holds a read of the variable `name`, within [`BRANCH_BUDGET`] nodes.
fn mentions<'s>(file: &File<'_, 's>, node: Node<'s>, name: &str) -> bool {
    let mut stack = vec![node];
    let mut seen = 0;
    let mut w = node.walk();
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > BRANCH_BUDGET {
            return false;
        }
        if matches!(
            n.kind(),
            "member_expression" | "subscript_expression" | "call_expression"
        ) && env_name(file, n).as_deref() == Some(name)
        {
            return true;
        }
        for child in n.named_children(&mut w) {
            stack.push(child);
        }
    }
    false
}

/// The variable a member / subscript / `Deno.env.get` expression reads, if it is an env read
/// with a literal key.
pub(super) fn env_name<'s>(file: &File<'_, 's>, node: Node<'s>) -> Option<String> {
    let ctx = file.ctx;
    let (object, key) = match node.kind() {
        "member_expression" => (
            node.child_by_field_name("object")?,
            node.child_by_field_name("property")
                .filter(|p| p.kind() == "property_identifier")?,
        ),
        "subscript_expression" => (
            node.child_by_field_name("object")?,
            node.child_by_field_name("index")?,
        ),
        "call_expression" => {
            let function = node.child_by_field_name("function")?;
            if function.kind() != "member_expression"
                || function
                    .child_by_field_name("property")
                    .map(|p| ctx.text(p))
                    != Some("get")
            {
                return None;
            }
            let object = function.child_by_field_name("object")?;
            let key = first_argument(node.child_by_field_name("arguments")?)?;
            (object, key)
        }
        _ => return None,
    };
    if object.byte_range().len() > MAX_OBJECT_LEN || file.object_of(object).is_none() {
        return None;
    }
    match key.kind() {
        "property_identifier" => Some(ctx.text(key).to_string()),
        _ => match file.key(key) {
            super::Key::Name(name) => Some(name),
            super::Key::Dynamic => None,
        },
    }
}

/// An env read with no fallback of its own (`process.env.Y` as the last link of a chain).
fn bare_env_read<'s>(file: &File<'_, 's>, node: Node<'s>) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "member_expression" | "subscript_expression" => node
            .child_by_field_name("object")
            .is_some_and(|o| file.object_of(o).is_some()),
        _ => false,
    }
}

/// `const x = process.env.X; if (!x) throw new Error(...)`: missing means an exception. Gives
/// whether an empty value throws too (`!x`, `x === ""`; not `x === undefined`).
fn guarded_by_throw<'s>(ctx: &Ctx, up: &Up<'s>, node: Node<'s>) -> Option<bool> {
    let declarator = up.parent(node)?;
    if declarator.kind() != "variable_declarator"
        || declarator.child_by_field_name("value") != Some(node)
    {
        return None;
    }
    let name = declarator
        .child_by_field_name("name")
        .filter(|n| n.kind() == "identifier")?;
    let var = ctx.text(name);
    let next = up.parent(declarator)?.next_named_sibling()?;
    if next.kind() != "if_statement" {
        return None;
    }
    let cond: String = ctx
        .text(next.child_by_field_name("condition")?)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let empty = if cond == format!("(!{var})") || cond == format!("({var}===\"\")") {
        true
    } else if cond == format!("({var}===undefined)") || cond == format!("({var}==null)") {
        false
    } else {
        return None;
    };
    consequence_throws(next).then_some(empty)
}

/// Whether an `if` statement's consequence is a `throw`, or a block that starts with one.
fn consequence_throws(if_statement: Node) -> bool {
    if_statement
        .child_by_field_name("consequence")
        .is_some_and(|c| {
            c.kind() == "throw_statement"
                || (c.kind() == "statement_block"
                    && c.named_child(0)
                        .is_some_and(|s| s.kind() == "throw_statement"))
        })
}

/// `if (!process.env.X) throw new Error(...)`, also with `=== undefined`, `== null` or `=== ""`
/// as the test, and with several such tests joined by `||` (`if (!A || !B) throw ...`): missing
/// means an exception. Tests joined by `&&` throw only when all are missing, so they do not
/// make one read required. Gives whether an empty value throws too.
fn tested_then_throws<'s>(ctx: &Ctx, up: &Up<'s>, node: Node<'s>) -> Option<bool> {
    let mut test = up.parent(node)?;
    let empty = match test.kind() {
        "unary_expression" if operator(test) == Some("!") => true,
        "binary_expression" if matches!(operator(test), Some("===" | "==")) => {
            let other = if test.child_by_field_name("left") == Some(node) {
                test.child_by_field_name("right")
            } else {
                test.child_by_field_name("left")
            }?;
            if is_nullish(ctx, other) {
                false
            } else if matches!(ctx.text(unwrap(other)), "\"\"" | "''" | "``") {
                true
            } else {
                return None;
            }
        }
        _ => return None,
    };
    for _ in 0..MAX_CLIMB {
        let parent = up.parent(test)?;
        match parent.kind() {
            "parenthesized_expression" => test = parent,
            "binary_expression" if operator(parent) == Some("||") => test = parent,
            "if_statement" => {
                return (parent.child_by_field_name("condition") == Some(test)
                    && consequence_throws(parent))
                .then_some(empty);
            }
            _ => return None,
        }
    }
    None
}

/// The operator of a binary or unary expression.
fn operator(node: Node) -> Option<&'static str> {
    node.child_by_field_name("operator").map(|o| o.kind())
}

/// The first argument of an argument list, comments left out.
fn first_argument(args: Node) -> Option<Node> {
    let mut w = args.walk();
    args.named_children(&mut w).find(|a| a.kind() != "comment")
}

/// The name of a called global function: `Number` in `Number(x)`.
fn called_function<'s>(ctx: &Ctx<'s>, call: Node) -> Option<&'s str> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    (function.kind() == "identifier").then(|| ctx.text(function))
}

#[cfg(test)]
mod tests {
    use crate::extract::ReadKind::{self, *};
    use crate::extract::{Read, When, extract};
    use crate::lang::{Language, Parsers};

    const SCRIPT: [Language; 3] = [Language::TypeScript, Language::Tsx, Language::JavaScript];

    fn reads(language: Language, src: &str) -> Vec<Read> {
        extract(language, src.as_bytes(), &mut Parsers::default()).reads
    }

    /// `(line, kind, empty_is_unset, when, context)` of every read of `name`.
    type Row = (usize, ReadKind, bool, When, Option<String>);

    fn rows(language: Language, src: &str, name: &str) -> Vec<Row> {
        reads(language, src)
            .into_iter()
            .filter(|r| r.name == name)
            .map(|r| {
                (
                    r.position.line,
                    r.kind,
                    r.extra.empty_is_unset,
                    r.extra.when,
                    r.extra.context,
                )
            })
            .collect()
    }

    fn startup(kind: ReadKind, empty: bool) -> Row {
        (1, kind, empty, When::Startup, None)
    }

    fn on_use(kind: ReadKind, empty: bool, context: &str) -> Row {
        (1, kind, empty, When::OnUse, Some(context.to_string()))
    }

    /// Defaulting and guarding idioms: the kind (never required where a fallback exists) and
    /// whether an empty value falls back like a missing one, in every script grammar.
    #[test]
    fn defaulting_and_guarding_idioms() {
        let cases: Vec<(&str, Vec<Row>)> = vec![
            // a fallback after a conversion: `Number("")` is 0, falsy
            (
                "const a = Number(process.env.X) || 100;",
                vec![startup(Default, true)],
            ),
            (
                "const a = +process.env.X || 500;",
                vec![startup(Default, true)],
            ),
            (
                "const a = parseInt(process.env.X, 10) || 3;",
                vec![startup(Default, true)],
            ),
            // `??` keeps an empty string
            (
                "const a = parseInt(process.env.X ?? '10');",
                vec![startup(Default, false)],
            ),
            (
                "const a = process.env.X?.split(',') ?? [];",
                vec![startup(Default, false)],
            ),
            (
                "const a = String(process.env.X ?? '');",
                vec![startup(Default, false)],
            ),
            // `"".split(",")` is `[""]`, truthy: no claim about empty
            (
                "const a = process.env.X?.split(',') || [];",
                vec![startup(Default, false)],
            ),
            (
                "const a = process.env.X || 'd';",
                vec![startup(Default, true)],
            ),
            (
                "const a = process.env.X?.trim() || undefined;",
                vec![startup(Optional, true)],
            ),
            // the condition guards a use of the same variable: both reads default
            (
                "const a = process.env.X ? f(process.env.X) : 10;",
                vec![
                    startup(Default, true),
                    on_use(Default, true, "if process.env.X"),
                ],
            ),
            (
                "const a = process.env.X ? `https://${process.env.X}` : undefined;",
                vec![
                    startup(Optional, true),
                    on_use(Optional, true, "if process.env.X"),
                ],
            ),
            // a flag compared with a literal: the value picks the path, empty is off
            (
                "const a = process.env.X === 'true';",
                vec![startup(Optional, true)],
            ),
            (
                "const a = process.env.X !== 'false';",
                vec![startup(Optional, true)],
            ),
            (
                "const a = process.env.X?.toLowerCase() === 'true';",
                vec![startup(Optional, true)],
            ),
            (
                "const a = process.env.X === '';",
                vec![startup(Optional, false)],
            ),
            // only a truth test: presence, empty is unset
            (
                "if (process.env.X) { init(); }",
                vec![startup(Presence, true)],
            ),
            ("const a = !process.env.X;", vec![startup(Presence, true)]),
            ("const a = !!process.env.X;", vec![startup(Presence, true)]),
            (
                "const a = process.env.X && go();",
                vec![startup(Presence, true)],
            ),
            (
                "const a = Boolean(process.env.X);",
                vec![startup(Presence, true)],
            ),
            (
                "const a = process.env.X ? 'on' : 'off';",
                vec![startup(Presence, true)],
            ),
            (
                "if (process.env.A || process.env.X) { init(); }",
                vec![startup(Presence, true)],
            ),
            (
                "while (!process.env.X) { wait(); }",
                vec![startup(Presence, true)],
            ),
            // compared with undefined: presence, and empty is set
            (
                "const a = process.env.X === undefined;",
                vec![startup(Presence, false)],
            ),
            // a numeric truth test reads the value
            (
                "if (Number(process.env.X)) { init(); }",
                vec![startup(Optional, true)],
            ),
            // reads under a truth test of the same variable never see an empty value
            (
                "const u = process.env.X && new URL(process.env.X);",
                vec![
                    startup(Presence, true),
                    on_use(Optional, true, "if process.env.X"),
                ],
            ),
            (
                "if (process.env.X) { use(process.env.X); }",
                vec![
                    startup(Presence, true),
                    on_use(Optional, true, "if process.env.X"),
                ],
            ),
            (
                "if (process.env.X !== undefined) { use(process.env.X); }",
                vec![
                    startup(Presence, false),
                    on_use(Optional, false, "if process.env.X !== undefined"),
                ],
            ),
            // a throw guard stays required; `!x` also throws on empty, `=== undefined` does not
            (
                "if (!process.env.X) throw new Error('X');",
                vec![startup(Required, true)],
            ),
            (
                "if (process.env.X === undefined) throw new Error('X');",
                vec![startup(Required, false)],
            ),
            (
                "const x = process.env.X; if (!x) throw new Error('X');",
                vec![startup(Required, true)],
            ),
            (
                "const x = process.env.X; if (x == null) throw new Error('X');",
                vec![startup(Required, false)],
            ),
            ("process.env.X ||= 'd';", vec![startup(Default, true)]),
            ("process.env.X ??= 'd';", vec![startup(Default, false)]),
            (
                "const a = Deno.env.get('X') || 'd';",
                vec![startup(Default, true)],
            ),
            ("if (Deno.env.get('X')) {}", vec![startup(Presence, true)]),
        ];
        for (src, want) in cases {
            for language in SCRIPT {
                assert_eq!(rows(language, src, "X"), want, "{language:?}: {src}");
            }
        }
    }

    /// A guard inside a function does not reach reads in a callback defined under it, and a
    /// different variable is no guard.
    #[test]
    fn guards_are_of_the_same_variable() {
        let src = "if (process.env.A) { use(process.env.X); }";
        for language in SCRIPT {
            assert_eq!(
                rows(language, src, "X"),
                vec![on_use(Optional, false, "if process.env.A")],
                "{language:?}"
            );
        }
        let src = "const a = process.env.A ? f(process.env.X) : 10;";
        for language in SCRIPT {
            assert_eq!(
                rows(language, src, "X"),
                vec![on_use(Optional, false, "if process.env.A")],
                "{language:?}"
            );
        }
    }

    /// Reads deep under many wide conditions: each read looks at a bounded part of each
    /// condition above it (500 reads under 100 conditions of 256 operands cost 500 x 100 x a
    /// budget, not x 511 nodes each), and finds its ancestors once instead of walking down from
    /// the root for every step up. Run without the time budget of a file, so that a slowdown
    /// shows as time, not as missing reads; the ceiling only catches a blow-up.
    #[test]
    fn guards_cost_a_bounded_amount_per_condition() {
        use crate::extract::{Limits, extract_limited};
        use std::time::{Duration, Instant};
        let operands: Vec<String> = (0..256).map(|i| format!("c{i}")).collect();
        let mut level = operands;
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|p| format!("({})", p.join(" && ")))
                .collect();
        }
        let condition = level.pop().unwrap_or_default();
        let mut src = String::new();
        for _ in 0..100 {
            src.push_str(&format!("if ({condition}) {{\n"));
        }
        for _ in 0..500 {
            src.push_str("use(process.env.X);\n");
        }
        src.push_str(&"}\n".repeat(100));
        let limits = Limits {
            extract_time: Duration::from_secs(600),
            parse_time: Duration::from_secs(600),
            ..Limits::default()
        };
        let start = Instant::now();
        let facts = extract_limited(
            Language::JavaScript,
            src.as_bytes(),
            &mut Parsers::default(),
            &limits,
        );
        assert_eq!(facts.reads.len(), 500);
        assert!(
            facts
                .reads
                .iter()
                .all(|r| r.kind == Optional && !r.extra.empty_is_unset)
        );
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }
}
