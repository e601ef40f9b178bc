//! `--base REF`: what changed since a revision.
//!
//! The code at REF is scanned like the working tree (read from git into a temporary directory);
//! the same rules run over it; a finding at HEAD is *new* when no finding with the same rule,
//! variable and environment existed at REF (findings without a variable compare by rule, path
//! and message). Variable-level changes (added, removed, requirement changed, moved) come from
//! comparing the two inventories.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::extract::ReadKind;
use crate::finding::Finding;
use crate::model::{Inventory, Variable};
use crate::target::{Lookup, Target};

/// The identity of a finding across revisions.
fn identity(f: &Finding) -> (String, String, String, String) {
    match &f.variable {
        Some(v) => (
            f.rule.code.to_string(),
            v.clone(),
            f.environment.clone().unwrap_or_default(),
            String::new(),
        ),
        None => (
            f.rule.code.to_string(),
            f.path.clone(),
            f.environment.clone().unwrap_or_default(),
            f.message.clone(),
        ),
    }
}

/// Sets `new` on every HEAD finding.
pub fn mark_new(head: &mut [Finding], base: &[Finding]) {
    let known: BTreeSet<_> = base.iter().map(identity).collect();
    for f in head {
        f.new = Some(!known.contains(&identity(f)));
    }
}

/// How a variable changed between the base revision and HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    RequirementChanged,
    /// Same requirement, read from other files only.
    Moved,
}

/// One variable-level change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub variable: String,
    pub change: ChangeKind,
    pub from: Option<ReadKind>,
    pub to: Option<ReadKind>,
    /// Whether the target environment sets it (`diff` only).
    pub in_target: Option<bool>,
    /// A read at HEAD (added, changed, moved) or at the base (removed): `path:line`.
    pub site: String,
}

fn paths(v: &Variable) -> BTreeSet<&str> {
    v.reads.iter().map(|r| r.path.as_str()).collect()
}

fn site(v: &Variable) -> String {
    let r = crate::rules::context::deciding_read(v);
    format!("{}:{}", r.path, r.line)
}

/// The variable-level changes from `base` to `head`, sorted by variable.
pub fn changes(base: &Inventory, head: &Inventory, target: Option<&Target>) -> Vec<Change> {
    let in_target = |v: &Variable| {
        target.map(|t| {
            let insensitive = v.reads.iter().all(|r| r.extra.case_insensitive);
            matches!(
                t.lookup(&v.name, insensitive),
                Lookup::Set | Lookup::Empty(..)
            )
        })
    };
    let mut out = Vec::new();
    for v in &head.variables {
        match base.variables.binary_search_by(|b| b.name.cmp(&v.name)) {
            Err(_) => out.push(Change {
                variable: v.name.clone(),
                change: ChangeKind::Added,
                from: None,
                to: Some(v.requirement),
                in_target: in_target(v),
                site: site(v),
            }),
            Ok(i) => {
                let b = &base.variables[i];
                let change = if b.requirement != v.requirement {
                    Some(ChangeKind::RequirementChanged)
                } else if paths(b).is_disjoint(&paths(v)) {
                    Some(ChangeKind::Moved)
                } else {
                    None
                };
                if let Some(change) = change {
                    out.push(Change {
                        variable: v.name.clone(),
                        change,
                        from: Some(b.requirement),
                        to: Some(v.requirement),
                        in_target: in_target(v),
                        site: site(v),
                    });
                }
            }
        }
    }
    for b in &base.variables {
        if head
            .variables
            .binary_search_by(|v| v.name.cmp(&b.name))
            .is_err()
        {
            out.push(Change {
                variable: b.name.clone(),
                change: ChangeKind::Removed,
                from: Some(b.requirement),
                to: None,
                in_target: in_target(b),
                site: site(b),
            });
        }
    }
    out.sort_by(|a, b| a.variable.cmp(&b.variable).then(a.change.cmp(&b.change)));
    out
}
