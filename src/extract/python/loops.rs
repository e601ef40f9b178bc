//! Computed keys that run over a table of literal names written in the same file.
//!
//! ```python
//! DEPRECATED = {"OLD_TIMEOUT": "timeout", "OLD_POOL": "pool"}
//! for name, option in DEPRECATED.items():
//!     if os.getenv(name): ...
//!
//! for task in [{"env_key": "EMAIL_CRON", ...}, {"env_key": "TRAIN_CRON", ...}]:
//!     os.getenv(task["env_key"], task["env_default"])
//! ```
//!
//! The key is a loop variable (or one field of it, `task["env_key"]`) bound by an enclosing
//! `for` statement or comprehension; the iterable is a list, tuple, set or dict literal, written
//! in place or bound once to a name in the enclosing function or module and never added to
//! (`append`, `extend`, `update`, `+=`, item assignment). Every element must give a literal
//! name: the key then takes exactly those values, and each becomes a read of its own, placed on
//! the literal. Anything less certain (one computed element, a name bound twice, a table built
//! by a call) resolves nothing: envcheck never guesses a name.
//!
//! Cost: finding the loop is a bounded climb; listing a table costs its size, and a file lists
//! at most [`MAX_ATTEMPTS`] tables; finding a named table's binding, and checking it is never
//! added to, walks the enclosing function or module once per (scope, name), and a file gets
//! [`MAX_WALKS`] such walks. At most [`MAX_NAMES`] names are resolved per file. So the work and
//! the reads it adds stay linear in the file whatever it holds.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use tree_sitter::Node;

use super::{Scope, literal_string, unparenthesize};
use crate::extract::{Ctx, MAX_CLIMB, plausible_name};

/// How many computed keys of one file may list their table (each costs the table's size).
const MAX_ATTEMPTS: usize = 64;

/// How many scopes of one file may be walked to find a named table's binding (each costs the
/// scope's size). Results are kept: a table looped over in many places costs one walk.
const MAX_WALKS: usize = 8;

/// The most names the loops of one file resolve to, all tables together: each name is a read,
/// and one table under many reads would otherwise give tables × reads of them. A table that
/// would go past it resolves nothing.
const MAX_NAMES: usize = 4096;

/// Methods that add to a list, set or dict: a table that is added to is not fully known.
const ADDERS: &[&str] = &["append", "extend", "insert", "update", "setdefault", "add"];

/// What one file has spent on loops, and the bindings of named tables found so far.
#[derive(Default)]
pub(crate) struct LoopBudget {
    attempts: Cell<usize>,
    names: Cell<usize>,
    walks: Cell<usize>,
    /// (scope node id, name) -> how the name is bound in that scope.
    bindings: RefCell<HashMap<(usize, String), Found>>,
}

/// How a name is bound in a scope, as a walk found it (kept by [`LoopBudget`]).
#[derive(Clone, Copy)]
enum Found {
    /// Not bound there.
    Unbound,
    /// Bound once, never added to: the byte range of the bound value.
    Once(usize, usize),
    /// Bound more than once, added to, or bound by something other than a plain assignment.
    Unknown,
}

/// The names a computed key takes, each with the literal that spells it, and the loop header
/// (`for task in tasks`) for the reads' detail.
pub(super) struct LoopNames<'t> {
    pub names: Vec<(String, Node<'t>)>,
    pub header: String,
}

/// Which part of a dict the loop runs over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// The container itself: elements of a list, keys of a dict.
    Plain,
    Keys,
    Values,
    Items,
}

/// The literal names the computed key `key` takes, if it runs over a literal table.
pub(super) fn loop_names<'t>(ctx: &Ctx<'t>, scope: &Scope, key: Node<'t>) -> Option<LoopNames<'t>> {
    let key = unparenthesize(key);
    // `name` or `task["env_key"]`
    let (var, field) = match key.kind() {
        "identifier" => (ctx.text(key), None),
        "subscript" => {
            let value = key
                .child_by_field_name("value")
                .filter(|v| v.kind() == "identifier")?;
            let field =
                literal_string(ctx, key.child_by_field_name("subscript")?, &HashMap::new())?;
            (ctx.text(value), Some(field))
        }
        _ => return None,
    };
    let (left, right) = binding_loop(ctx, key, var)?;
    let index = pattern_index(ctx, left, var)?;
    let (iterable, view) = view_of(ctx, right)?;
    let spent = &scope.loops;
    let budget = MAX_NAMES.saturating_sub(spent.names.get());
    if spent.attempts.get() >= MAX_ATTEMPTS || budget == 0 {
        return None;
    }
    spent.attempts.set(spent.attempts.get() + 1);
    let table = match iterable.kind() {
        "list" | "tuple" | "set" | "dictionary" => iterable,
        "identifier" => bound_table(ctx, spent, iterable)?,
        _ => return None,
    };
    let mut names = Vec::new();
    for element in elements(table, view)? {
        if names.len() >= budget {
            return None;
        }
        let mut value = element;
        if let Some(i) = index {
            value = match value {
                Element::Pair(k, v) => [k, v].get(i).copied().map(Element::One)?,
                Element::One(n) if matches!(n.kind(), "tuple" | "list") => {
                    let mut w = n.walk();
                    n.named_children(&mut w)
                        .filter(|c| c.kind() != "comment")
                        .nth(i)
                        .map(Element::One)?
                }
                Element::One(_) => return None,
            };
        }
        let Element::One(mut node) = value else {
            return None;
        };
        if let Some(field) = &field {
            node = dict_value(ctx, unparenthesize(node), field)?;
        }
        let name = literal_string(ctx, node, &scope.constants)?;
        if !plausible_name(&name) {
            return None;
        }
        names.push((name, node));
    }
    if names.is_empty() {
        return None;
    }
    spent.names.set(spent.names.get() + names.len());
    Some(LoopNames {
        names,
        header: format!("for {} in {}", ctx.expression(left), ctx.expression(right)),
    })
}

/// One element of a table: a single value, or a `key: value` pair of a dict seen through
/// `.items()`.
#[derive(Clone, Copy)]
enum Element<'t> {
    One(Node<'t>),
    Pair(Node<'t>, Node<'t>),
}

/// The elements a loop over `table` (seen through `view`) yields; `None` when one of them is
/// unknown (a `*splat`, a `**splat`).
fn elements<'t>(table: Node<'t>, view: View) -> Option<Vec<Element<'t>>> {
    let mut out = Vec::new();
    let mut w = table.walk();
    for child in table.named_children(&mut w) {
        match child.kind() {
            "comment" => {}
            "list_splat" | "dictionary_splat" => return None,
            "pair" => {
                let k = child.child_by_field_name("key")?;
                let v = child.child_by_field_name("value")?;
                out.push(match view {
                    View::Plain | View::Keys => Element::One(k),
                    View::Values => Element::One(v),
                    View::Items => Element::Pair(k, v),
                });
            }
            _ if table.kind() == "dictionary" => return None,
            _ if view != View::Plain => return None,
            _ => out.push(Element::One(child)),
        }
    }
    Some(out)
}

/// The value of the `field` entry of a dict literal.
fn dict_value<'t>(ctx: &Ctx, dict: Node<'t>, field: &str) -> Option<Node<'t>> {
    if dict.kind() != "dictionary" {
        return None;
    }
    let mut w = dict.walk();
    let pair = dict.named_children(&mut w).find(|p| {
        p.kind() == "pair"
            && p.child_by_field_name("key")
                .and_then(|k| literal_string(ctx, k, &HashMap::new()))
                .is_some_and(|k| k == field)
    })?;
    pair.child_by_field_name("value")
}

/// The `for` statement or comprehension around `node` whose target binds `var`: its target
/// and iterable. Stops at the enclosing function, lambda or class.
fn binding_loop<'t>(ctx: &Ctx, node: Node<'t>, var: &str) -> Option<(Node<'t>, Node<'t>)> {
    let mut node = node;
    for _ in 0..MAX_CLIMB {
        let parent = node.parent()?;
        match parent.kind() {
            "function_definition" | "lambda" | "class_definition" | "module" => return None,
            "for_statement" if parent.child_by_field_name("body") == Some(node) => {
                let left = parent.child_by_field_name("left")?;
                if binds(ctx, left, var) {
                    return Some((left, parent.child_by_field_name("right")?));
                }
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension"
                if node.kind() != "for_in_clause" =>
            {
                let mut w = parent.walk();
                let clause = parent.named_children(&mut w).find(|c| {
                    c.kind() == "for_in_clause"
                        && c.child_by_field_name("left")
                            .is_some_and(|l| binds(ctx, l, var))
                });
                if let Some(clause) = clause {
                    return Some((
                        clause.child_by_field_name("left")?,
                        clause.child_by_field_name("right")?,
                    ));
                }
            }
            _ => {}
        }
        node = parent;
    }
    None
}

/// Does a loop target bind `var` (`var`, `var, x`, `(x, var)`)?
fn binds(ctx: &Ctx, target: Node, var: &str) -> bool {
    pattern_index(ctx, target, var).is_some()
}

/// `Some(None)` when the target is `var` itself, `Some(Some(i))` when `var` is its `i`-th
/// name (`k, v` or `(k, v)`), `None` when it does not bind `var` (or binds it deeper).
fn pattern_index(ctx: &Ctx, target: Node, var: &str) -> Option<Option<usize>> {
    match target.kind() {
        "identifier" => (ctx.text(target) == var).then_some(None),
        "pattern_list" | "tuple_pattern" | "list_pattern" => {
            let mut w = target.walk();
            target
                .named_children(&mut w)
                .position(|c| c.kind() == "identifier" && ctx.text(c) == var)
                .map(Some)
        }
        _ => None,
    }
}

/// `x`, `x.items()`, `x.keys()`, `x.values()`: the container and how it is seen.
fn view_of<'t>(ctx: &Ctx, iterable: Node<'t>) -> Option<(Node<'t>, View)> {
    let iterable = unparenthesize(iterable);
    if iterable.kind() != "call" {
        return Some((iterable, View::Plain));
    }
    let function = iterable
        .child_by_field_name("function")
        .filter(|f| f.kind() == "attribute")?;
    if iterable
        .child_by_field_name("arguments")
        .is_some_and(|a| a.named_child_count() > 0)
    {
        return None;
    }
    let view = match ctx.text(function.child_by_field_name("attribute")?) {
        "items" => View::Items,
        "keys" => View::Keys,
        "values" => View::Values,
        _ => return None,
    };
    Some((
        unparenthesize(function.child_by_field_name("object")?),
        view,
    ))
}

/// The literal a name is bound to in the function or module around `name`: bound exactly once
/// in that scope (by `name = [...]` or `name: T = {...}`) and never added to there.
fn bound_table<'t>(ctx: &Ctx, spent: &LoopBudget, name: Node<'t>) -> Option<Node<'t>> {
    let var = ctx.text(name);
    // the enclosing function's body, then the module
    let mut scopes = Vec::new();
    let mut node = name;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        if parent.kind() == "function_definition" {
            // a parameter of that name shadows any table outside
            let is_param = parent
                .child_by_field_name("parameters")
                .is_some_and(|p| binds_param(ctx, p, var));
            if is_param {
                return None;
            }
            scopes.extend(parent.child_by_field_name("body"));
        }
        if parent.kind() == "module" {
            scopes.push(parent);
        }
        node = parent;
    }
    // the innermost scope that binds the name decides
    for scope in scopes {
        let key = (scope.id(), var.to_string());
        let cached = spent.bindings.borrow().get(&key).copied();
        let found = match cached {
            Some(found) => found,
            None => {
                if spent.walks.get() >= MAX_WALKS {
                    return None;
                }
                spent.walks.set(spent.walks.get() + 1);
                let found = bindings(ctx, scope, var);
                spent.bindings.borrow_mut().insert(key, found);
                found
            }
        };
        match found {
            Found::Unbound => continue,
            Found::Once(start, end) => {
                let value = scope.descendant_for_byte_range(start, end)?;
                return matches!(value.kind(), "list" | "tuple" | "set" | "dictionary")
                    .then_some(value);
            }
            Found::Unknown => return None,
        }
    }
    None
}

/// Does a parameter list name `var` (`var`, `var: T`, `var=d`, `*var`, `**var`)?
fn binds_param(ctx: &Ctx, params: Node, var: &str) -> bool {
    let mut w = params.walk();
    params.named_children(&mut w).any(|p| {
        let name = match p.kind() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
            _ => {
                let mut w = p.walk();
                p.named_children(&mut w).find(|c| c.kind() == "identifier")
            }
        };
        name.is_some_and(|n| ctx.text(n) == var)
    })
}

/// How `var` is bound and changed inside `scope`: one walk of the scope's tree, without
/// recursion. The walk keeps its own path of ancestors: asking a node for its parent makes
/// tree-sitter search down from the root, which on a module of thousands of statements costs
/// as much as the walk.
fn bindings<'t>(ctx: &Ctx, scope: Node<'t>, var: &str) -> Found {
    let mut found: Option<Node<'t>> = None;
    let mut cursor = scope.walk();
    // the ancestors of the cursor's node, up to `scope`
    let mut path: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        if node.kind() == "identifier"
            && ctx.text(node) == var
            && let Some(&parent) = path.last()
        {
            let grandparent = path.len().checked_sub(2).map(|i| path[i]);
            match change(ctx, parent, grandparent, node) {
                Change::None => {}
                Change::Bind(value) if found.is_none() => found = Some(value),
                Change::Bind(_) | Change::Other => return Found::Unknown,
            }
        }
        if cursor.goto_first_child() {
            path.push(node);
            continue;
        }
        // no child: the next sibling, or the next sibling of the nearest ancestor that has one
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return match found.map(unparenthesize) {
                    Some(value) => Found::Once(value.start_byte(), value.end_byte()),
                    None => Found::Unbound,
                };
            }
            path.pop();
        }
    }
}

enum Change<'t> {
    /// Not a change.
    None,
    /// `var = value` (or `var: T = value`).
    Bind(Node<'t>),
    /// Another binding or an addition.
    Other,
}

/// What an occurrence of the name does to it, judged by its parent (and grandparent).
fn change<'t>(
    ctx: &Ctx,
    parent: Node<'t>,
    grandparent: Option<Node<'t>>,
    node: Node<'t>,
) -> Change<'t> {
    let is = |field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.kind() {
        "assignment" if is("left") => match parent.child_by_field_name("right") {
            Some(value) => Change::Bind(value),
            // `var: T` without a value binds nothing
            None => Change::None,
        },
        "augmented_assignment" if is("left") => Change::Other,
        // `for var in ...`, `var, x = ...`, `with ... as var`, `(var := ...)`, `global var`
        "pattern_list" | "tuple_pattern" | "list_pattern" | "as_pattern_target"
        | "named_expression" | "global_statement" | "nonlocal_statement" => Change::Other,
        "for_statement" | "for_in_clause" if is("left") => Change::Other,
        // `var.append(...)`
        "attribute" if is("object") => {
            let adds = parent
                .child_by_field_name("attribute")
                .is_some_and(|a| ADDERS.contains(&ctx.text(a)));
            if adds { Change::Other } else { Change::None }
        }
        // `var[k] = v`
        "subscript" if is("value") => {
            let assigned = grandparent.is_some_and(|a| {
                matches!(a.kind(), "assignment" | "augmented_assignment")
                    && a.child_by_field_name("left") == Some(parent)
            });
            if assigned {
                Change::Other
            } else {
                Change::None
            }
        }
        _ => Change::None,
    }
}
