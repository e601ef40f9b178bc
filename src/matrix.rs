//! Several environments side by side (`envcheck diff staging,prod`): for every variable the code
//! reads and every name a target sets, what each environment says about it. The question a
//! release manager promoting a release along dev → staging → prod asks: "what does staging have
//! that prod lacks, for what this code reads?".
//!
//! States never carry a value: they are what [`crate::target::Target::lookup`] knows, with the
//! kind of "set" kept apart (encrypted, external, passed through from the deploying shell).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Inventory;
use crate::rules::context::Scope;
use crate::sources::ValueState;
use crate::target::Target;

/// What one environment says about one variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Set to a non-empty value.
    Set,
    /// Set, encrypted (dotenvx): present, its value unknown without the key.
    Encrypted,
    /// Provided by a store the file only references (a Kubernetes `secretKeyRef`, a secret
    /// manager reference): present, its value elsewhere.
    External,
    /// Passed through from the deploying shell (compose `- FOO`): present only if the shell has it.
    PassThrough,
    /// Set to the empty string.
    Empty,
    /// Not found, but a source that cannot be read might provide it.
    Unknown,
    /// Not provided.
    Missing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Set => "set",
            State::Encrypted => "encrypted",
            State::External => "external",
            State::PassThrough => "pass-through",
            State::Empty => "empty",
            State::Unknown => "unknown",
            State::Missing => "missing",
        }
    }
}

/// One row: a variable and its state in each environment, in the order of
/// [`Matrix::environments`].
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub variable: String,
    /// The code reads it (else only a target sets it).
    pub read: bool,
    pub states: Vec<State>,
}

impl Row {
    /// Whether the environments disagree.
    pub fn differs(&self) -> bool {
        self.states.windows(2).any(|w| w[0] != w[1])
    }
}

/// Variables × environments.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub environments: Vec<String>,
    /// Rows where the environments differ first, then by name.
    pub rows: Vec<Row>,
}

/// What `target` says about `name`, the strongest state over its sources.
pub fn state(target: &Target, name: &str, case_insensitive: bool) -> State {
    let mut best = None::<State>;
    for source in &target.sources {
        for p in &source.data.provided {
            let same = if case_insensitive {
                p.name.eq_ignore_ascii_case(name)
            } else {
                p.name == name
            };
            if !same {
                continue;
            }
            let s = match &p.state {
                ValueState::Value(v) if v.is_empty() => State::Empty,
                ValueState::Value(_) | ValueState::Set => State::Set,
                ValueState::Encrypted(_) => State::Encrypted,
                ValueState::External => State::External,
                ValueState::PassThrough => State::PassThrough,
            };
            best = Some(best.map_or(s, |b| b.min(s)));
        }
    }
    match best {
        Some(s) => s,
        None if !target.opaque_reasons().is_empty() => State::Unknown,
        None => State::Missing,
    }
}

/// The matrix of the checked variables the code reads and the names the targets set.
pub fn build(inventory: &Inventory, targets: &[&Target], scope: &Scope) -> Matrix {
    let mut names: BTreeSet<(String, bool, bool)> = BTreeSet::new();
    for v in &inventory.variables {
        if scope.is_checked(&v.name) {
            let insensitive = v.reads.iter().all(|r| r.extra.case_insensitive);
            names.insert((v.name.clone(), true, insensitive));
        }
    }
    let read_upper: BTreeSet<String> = names.iter().map(|(n, ..)| n.to_ascii_uppercase()).collect();
    for target in targets {
        for source in target.sources.iter().filter(|s| s.report_unused) {
            for p in &source.data.provided {
                if scope.is_checked(&p.name) && !read_upper.contains(&p.name.to_ascii_uppercase()) {
                    names.insert((p.name.clone(), false, false));
                }
            }
        }
    }
    let mut rows: Vec<Row> = names
        .into_iter()
        .map(|(variable, read, insensitive)| Row {
            states: targets
                .iter()
                .map(|t| state(t, &variable, insensitive))
                .collect(),
            variable,
            read,
        })
        .collect();
    rows.sort_by(|a, b| (!a.differs(), &a.variable).cmp(&(!b.differs(), &b.variable)));
    Matrix {
        environments: targets.iter().map(|t| t.name.clone()).collect(),
        rows,
    }
}
