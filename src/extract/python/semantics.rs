//! What the code around a Python read does with its value, beyond the read itself.
//!
//! The kind of a read says what happens when the variable is missing; these helpers look at the
//! syntax right around the read to refine it, and to tell whether an empty value counts as no
//! value:
//!
//! - [`value_use`]: the read's value only feeds a truth test (`if os.getenv("X"):`,
//!   `not os.environ.get("X")`, `bool(...)`, the left operand of `and`), a `None` test
//!   (`os.getenv("X") is not None`), an `or` fallback (`os.getenv("X") or "d"`), or flows on as
//!   a value. A truth test or a `None` test makes a read without a default a presence read; a
//!   truth test or an `or` fallback treats an empty value like a missing one (`""` is falsy).
//! - [`guard_after`]: `x = os.getenv("X")` followed by `if not x:` / `if x is None:` whose block
//!   starts with a `raise` (required) or a new value for `x` (a default).
//! - [`handled_by_except`]: the read sits in the body of a `try` whose handler catches the error
//!   a missing variable raises (`KeyError`, django-environ's `ImproperlyConfigured`, ...) and
//!   does not re-raise: the handler supplies the fallback.
//!
//! Every walk is a bounded climb from the read ([`MAX_CLIMB`]) or a look at the next statement:
//! constant work per read.

use tree_sitter::Node;

use super::{Scope, dotted, no_fallback, unparenthesize};
use crate::extract::{Ctx, MAX_CLIMB};

/// How a read's value is used by the expression around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Use {
    /// Only tested for truth: `if os.getenv("X"):`, `not ...`, `bool(...)`, `... and y`.
    Truth,
    /// Only compared with `None`: `os.getenv("X") is not None`.
    NoneTest,
    /// The left operand of `or`: an empty (falsy) value gives way to the right operand.
    Fallback,
    /// Anything else: the value flows on.
    Value,
}

/// How the value of the read expression `site` (a call or a subscript) is used.
pub(super) fn value_use(ctx: &Ctx, scope: &Scope, site: Node) -> Use {
    let mut node = site;
    let mut fallback = false;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        let is = |field: &str| parent.child_by_field_name(field) == Some(node);
        match parent.kind() {
            "parenthesized_expression" => {}
            "not_operator" | "if_clause" => return Use::Truth,
            "boolean_operator" => {
                let and = parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "and");
                if is("left") {
                    if and {
                        // `X and y`: X only decides whether y is evaluated
                        return Use::Truth;
                    }
                    fallback = true;
                }
                // the right operand, or `X or y`: the whole expression's use decides
            }
            "if_statement" | "elif_clause" | "while_statement" if is("condition") => {
                return Use::Truth;
            }
            // `a if c else b`: the condition is the second named child
            "conditional_expression" if parent.named_child(1) == Some(node) => {
                return Use::Truth;
            }
            "comparison_operator" => {
                return if is_none_test(parent) {
                    Use::NoneTest
                } else {
                    break;
                };
            }
            "argument_list" => {
                return if is_bool_call(ctx, scope, parent) {
                    Use::Truth
                } else {
                    break;
                };
            }
            _ => break,
        }
        node = parent;
    }
    if fallback { Use::Fallback } else { Use::Value }
}

/// `a is None`, `a is not None`, `None is a`: two operands, one of them `None`.
fn is_none_test(comparison: Node) -> bool {
    let mut w = comparison.walk();
    let children: Vec<Node> = comparison.children(&mut w).collect();
    let [left, op, right] = children.as_slice() else {
        return false;
    };
    matches!(op.kind(), "is" | "is not")
        && (unparenthesize(*left).kind() == "none" || unparenthesize(*right).kind() == "none")
}

/// The argument list of `bool(x)`, the builtin (not a name the file imports).
fn is_bool_call(ctx: &Ctx, scope: &Scope, args: Node) -> bool {
    let Some(call) = args.parent().filter(|c| c.kind() == "call") else {
        return false;
    };
    call.child_by_field_name("function")
        .is_some_and(|f| f.kind() == "identifier" && ctx.text(f) == "bool")
        && !scope.imports.contains_key("bool")
        && args.named_child_count() == 1
}

/// What the statement right after `x = <read>` does when the value is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Guard {
    /// `raise` when missing: the read is required. Otherwise the block gives `x` a value: a
    /// default.
    pub raises: bool,
    /// The test also catches an empty value (`if not x:`, `if x == "":`).
    pub empty: bool,
}

/// `x = os.getenv("X")` followed by `if not x:` (or `if x is None:`, `if x == "":`) whose block
/// starts with `raise ...` or with `x = <a value other than None>`.
pub(super) fn guard_after(ctx: &Ctx, scope: &Scope, site: Node) -> Option<Guard> {
    let assign = site.parent().filter(|a| a.kind() == "assignment")?;
    if assign.child_by_field_name("right") != Some(site) {
        return None;
    }
    let target = assign
        .child_by_field_name("left")
        .filter(|t| t.kind() == "identifier")?;
    let var = ctx.text(target);
    let stmt = assign
        .parent()
        .filter(|s| s.kind() == "expression_statement")?;
    let next = stmt
        .next_named_sibling()
        .filter(|n| n.kind() == "if_statement")?;
    let cond = dotted(ctx.text(next.child_by_field_name("condition")?));
    let empty = cond == format!("not{var}")
        || cond == format!("{var}==\"\"")
        || cond == format!("{var}==''");
    if !(empty || cond == format!("{var}isNone")) {
        return None;
    }
    let first = next.child_by_field_name("consequence")?.named_child(0)?;
    if first.kind() == "raise_statement" {
        return Some(Guard {
            raises: true,
            empty,
        });
    }
    // `x = "d"`: the value the code uses when the variable is missing
    let reassign = first
        .named_child(0)
        .filter(|a| first.kind() == "expression_statement" && a.kind() == "assignment")?;
    let same_var = reassign
        .child_by_field_name("left")
        .is_some_and(|l| l.kind() == "identifier" && ctx.text(l) == var);
    let value = reassign.child_by_field_name("right")?;
    (same_var && !no_fallback(ctx, scope, value)).then_some(Guard {
        raises: false,
        empty,
    })
}

/// Exceptions that a missing `os.environ["X"]` raises, and their bases.
pub(super) const KEY_ERRORS: &[&str] = &["KeyError", "LookupError", "Exception", "BaseException"];
/// What django-environ raises for a missing variable without a default.
pub(super) const DJANGO_ENVIRON_ERRORS: &[&str] =
    &["ImproperlyConfigured", "Exception", "BaseException"];
/// What python-decouple raises for a missing variable without a default.
pub(super) const DECOUPLE_ERRORS: &[&str] = &["UndefinedValueError", "Exception", "BaseException"];

/// The read `site` sits in the body of a `try` (in the same function) with a handler that
/// catches one of `caught` (or everything: a bare `except:`) and does not start by raising.
/// Files without any `except` are not climbed: each step up the tree makes tree-sitter search
/// down from the root.
pub(super) fn handled_by_except(ctx: &Ctx, scope: &Scope, site: Node, caught: &[&str]) -> bool {
    if !scope.has_handler {
        return false;
    }
    let mut node = site;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            "function_definition" | "lambda" | "class_definition" | "module" => return false,
            "try_statement" if parent.child_by_field_name("body") == Some(node) => {
                let mut w = parent.walk();
                let handled = parent
                    .named_children(&mut w)
                    .filter(|c| c.kind() == "except_clause")
                    .any(|clause| catches(ctx, clause, caught) && !reraises(clause));
                if handled {
                    return true;
                }
            }
            _ => {}
        }
        node = parent;
    }
    false
}

/// Does the `except` clause catch one of `caught`? A bare `except:` catches everything;
/// `except (KeyError, ValueError) as e:`, `except KeyError, ValueError:` (PEP 758) and
/// `except builtins.KeyError:` name their types.
fn catches(ctx: &Ctx, clause: Node, caught: &[&str]) -> bool {
    let mut w = clause.walk();
    let values: Vec<Node> = clause.children_by_field_name("value", &mut w).collect();
    if values.is_empty() {
        return true;
    }
    // the type expressions are short: a name, a dotted name, a tuple of them
    let mut stack = values;
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        match node.kind() {
            "identifier" if caught.contains(&ctx.text(node)) => return true,
            "attribute" => {
                if let Some(a) = node.child_by_field_name("attribute")
                    && caught.contains(&ctx.text(a))
                {
                    return true;
                }
            }
            "tuple" | "parenthesized_expression" | "expression_list" | "list" => {
                let mut w = node.walk();
                stack.extend(node.named_children(&mut w));
            }
            // `except KeyError as e`: the type is the first child
            "as_pattern" => stack.extend(node.named_child(0)),
            _ => {}
        }
    }
    false
}

/// The handler's block starts with `raise`: the error still propagates.
fn reraises(clause: Node) -> bool {
    let mut w = clause.walk();
    let block = clause.named_children(&mut w).find(|c| c.kind() == "block");
    block
        .and_then(|b| b.named_child(0))
        .is_some_and(|first| first.kind() == "raise_statement")
}
