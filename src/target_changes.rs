//! `diff ENV --base REF` on the configuration side: what each target environment's sources say
//! about each name at REF and now, compared name by name.
//!
//! The target is read twice, from the working tree and from the revision's tree (see
//! [`crate::target::load_at_revision`]), so both revisions' values are in memory at once: values
//! are compared there directly, byte for byte, and never leave the [`Secret`]s they are held in.
//! No digest is computed or stored, so there is nothing a report could leak even in hashed form.
//! An encrypted value whose key is not given is compared by its ciphertext: a different
//! ciphertext says the value was re-encrypted, most likely changed, but not what it is
//! ([`TargetChangeKind::CiphertextChanged`]).
//!
//! Each name's state in a target is the strongest its sources give (as
//! [`crate::matrix::state`] ranks them: a value, then encrypted, external, passed through,
//! empty), from the first source that gives it. One pass over each target's names, one
//! ordered map each: linear in the names the sources provide.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::secret::Secret;
use crate::sources::{Provided, ValueState};
use crate::target::{LoadedSource, Target};

/// How one name changed in one environment between the base revision and now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetChangeKind {
    /// Not provided at the base revision, provided now.
    Added,
    /// Provided at the base revision, not now.
    Removed,
    /// Set to the empty string now, not before.
    Emptied,
    /// Empty at the base revision, set now.
    Filled,
    /// A different value (both readable: plaintext, or decrypted with the key given).
    ValueChanged,
    /// Encrypted at both revisions and no key given: the ciphertext differs, so the value most
    /// likely changed; what it is, is unknown.
    CiphertextChanged,
    /// Now provided from outside the repository (a Kubernetes `secretKeyRef`/`configMapKeyRef`,
    /// a secret-manager reference, a declared name).
    BecameExternal,
    /// Its value is no longer visible to envcheck: now encrypted without the key given, passed
    /// through from the deploying shell, or no longer listed while a source envcheck cannot read
    /// (an `envFrom` Secret outside the repository, a vault without its key) may provide it.
    BecameOpaque,
    /// The source now holds the value itself, where before it was external, passed through or
    /// encrypted without the key given.
    BecameLiteral,
}

impl TargetChangeKind {
    /// The `change` value of the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetChangeKind::Added => "added",
            TargetChangeKind::Removed => "removed",
            TargetChangeKind::Emptied => "emptied",
            TargetChangeKind::Filled => "filled",
            TargetChangeKind::ValueChanged => "value-changed",
            TargetChangeKind::CiphertextChanged => "ciphertext-changed",
            TargetChangeKind::BecameExternal => "became-external",
            TargetChangeKind::BecameOpaque => "became-opaque",
            TargetChangeKind::BecameLiteral => "became-literal",
        }
    }

    /// What happened, for a person: `removed`, `ciphertext changed (value unknown)`.
    pub fn phrase(self) -> &'static str {
        match self {
            TargetChangeKind::Added => "added",
            TargetChangeKind::Removed => "removed",
            TargetChangeKind::Emptied => "emptied (now set to the empty string)",
            TargetChangeKind::Filled => "filled (was empty)",
            TargetChangeKind::ValueChanged => "value changed",
            TargetChangeKind::CiphertextChanged => "ciphertext changed (value unknown)",
            TargetChangeKind::BecameExternal => "now provided from outside the repository",
            TargetChangeKind::BecameOpaque => "value no longer visible to envcheck",
            TargetChangeKind::BecameLiteral => "now a value written in the source",
        }
    }
}

/// One name of one environment that changed since the base revision. Names and locations
/// only: never a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetChange {
    pub environment: String,
    pub variable: String,
    pub change: TargetChangeKind,
    /// The source that provides it now (at the base revision for `removed`, and for
    /// `became-opaque` when it is no longer listed).
    pub source: String,
    /// The file and line of that source where it is declared (line 0 when there is none).
    pub path: String,
    pub line: usize,
}

impl TargetChange {
    /// `path:line`, or the source's label when it has no file.
    pub fn location(&self) -> String {
        match (self.path.is_empty(), self.line) {
            (true, _) => self.source.clone(),
            (false, 0) => self.path.clone(),
            (false, line) => format!("{}:{line}", self.path),
        }
    }
}

/// What a target says about one name, without the value.
enum Seen<'a> {
    Value(&'a Secret),
    Encrypted(&'a Secret),
    External,
    PassThrough,
    /// Set by the platform to a value envcheck does not see, never empty (Render's
    /// `generateValue`, `fromDatabase`).
    Set,
}

impl Seen<'_> {
    fn of(state: &ValueState) -> Seen<'_> {
        match state {
            ValueState::Value(v) => Seen::Value(v),
            ValueState::Encrypted(c) => Seen::Encrypted(c),
            ValueState::External => Seen::External,
            ValueState::PassThrough => Seen::PassThrough,
            ValueState::Set => Seen::Set,
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Seen::Value(v) if v.is_empty())
    }

    /// Lower is stronger: the order of [`crate::matrix::State`].
    fn rank(&self) -> u8 {
        match self {
            Seen::Value(v) if v.is_empty() => 4,
            Seen::Value(_) | Seen::Set => 0,
            Seen::Encrypted(_) => 1,
            Seen::External => 2,
            Seen::PassThrough => 3,
        }
    }
}

/// A name's strongest entry in a target, and where it comes from.
struct Entry<'a> {
    seen: Seen<'a>,
    source: &'a LoadedSource,
    provided: &'a Provided,
}

fn entries(target: &Target) -> BTreeMap<&str, Entry<'_>> {
    let mut out: BTreeMap<&str, Entry> = BTreeMap::new();
    for source in &target.sources {
        for provided in &source.data.provided {
            let seen = Seen::of(&provided.state);
            let stronger = out
                .get(provided.name.as_str())
                .is_none_or(|e| seen.rank() < e.seen.rank());
            if stronger {
                out.insert(
                    &provided.name,
                    Entry {
                        seen,
                        source,
                        provided,
                    },
                );
            }
        }
    }
    out
}

/// How a name went from `base` to `head` (`None`: not provided), if it changed. `head_opaque`:
/// a source of the target now may provide names envcheck cannot see.
fn kind(base: Option<&Seen>, head: Option<&Seen>, head_opaque: bool) -> Option<TargetChangeKind> {
    use TargetChangeKind as K;
    let (base, head) = match (base, head) {
        (None, None) => return None,
        (Some(_), None) if head_opaque => return Some(K::BecameOpaque),
        (Some(_), None) => return Some(K::Removed),
        (None, Some(_)) => return Some(K::Added),
        (Some(b), Some(h)) => (b, h),
    };
    if head.is_empty() {
        return (!base.is_empty()).then_some(K::Emptied);
    }
    if base.is_empty() {
        return Some(K::Filled);
    }
    match (base, head) {
        (Seen::Value(b), Seen::Value(h)) => (b != h).then_some(K::ValueChanged),
        (Seen::Encrypted(b), Seen::Encrypted(h)) => (b != h).then_some(K::CiphertextChanged),
        (Seen::External, Seen::External)
        | (Seen::PassThrough, Seen::PassThrough)
        | (Seen::Set, Seen::Set) => None,
        // a value the platform sets and envcheck does not see, as one from a secret store
        (_, Seen::External | Seen::Set) => Some(K::BecameExternal),
        (_, Seen::Encrypted(_) | Seen::PassThrough) => Some(K::BecameOpaque),
        (_, Seen::Value(_)) => Some(K::BecameLiteral),
    }
}

/// Every name `head` (the target now) or `base` (the same target at the base revision)
/// provides whose state changed, sorted by name.
pub fn compare(base: &Target, head: &Target) -> Vec<TargetChange> {
    let before = entries(base);
    let now = entries(head);
    let head_opaque = !head.opaque_reasons().is_empty();
    let mut names: Vec<&str> = before.keys().chain(now.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let (b, h) = (before.get(name), now.get(name));
        let Some(change) = kind(b.map(|e| &e.seen), h.map(|e| &e.seen), head_opaque) else {
            continue;
        };
        // where it is now; where it was when it is gone
        let Some(at) = h.or(b) else { continue };
        out.push(TargetChange {
            environment: head.name.clone(),
            variable: name.to_string(),
            change,
            source: at.source.label.clone(),
            path: at.provided.path.clone(),
            line: at.provided.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::SourceData;

    fn target(entries: &[(&str, ValueState)], opaque: bool) -> Target {
        Target {
            name: "prod".to_string(),
            sources: vec![LoadedSource {
                label: ".env.production".to_string(),
                kind: "dotenv",
                path: ".env.production".to_string(),
                data: SourceData {
                    provided: entries
                        .iter()
                        .enumerate()
                        .map(|(i, (name, state))| Provided {
                            name: name.to_string(),
                            state: state.clone(),
                            path: ".env.production".to_string(),
                            line: i + 1,
                        })
                        .collect(),
                    opaque: if opaque {
                        vec!["envFrom a Secret".to_string()]
                    } else {
                        Vec::new()
                    },
                    ..SourceData::default()
                },
                undecryptable: None,
                report_unused: true,
            }],
            profiles: Vec::new(),
        }
    }

    fn value(v: &str) -> ValueState {
        ValueState::Value(Secret::new(v))
    }

    fn changes(base: &Target, head: &Target) -> Vec<(String, &'static str)> {
        compare(base, head)
            .into_iter()
            .map(|c| (c.variable, c.change.as_str()))
            .collect()
    }

    #[test]
    fn every_kind_of_change() {
        let enc = |c: &str| ValueState::Encrypted(Secret::new(c));
        let base = target(
            &[
                ("GONE", value("CANARY-1")),
                ("EMPTIED", value("CANARY-2")),
                ("FILLED", value("")),
                ("CHANGED", value("CANARY-3")),
                ("SAME", value("CANARY-4")),
                ("CIPHER", enc("encrypted:AAA")),
                ("CIPHER_SAME", enc("encrypted:BBB")),
                ("TO_EXTERNAL", value("CANARY-5")),
                ("TO_OPAQUE", value("CANARY-6")),
                ("TO_LITERAL", ValueState::External),
            ],
            false,
        );
        let head = target(
            &[
                ("EMPTIED", value("")),
                ("FILLED", value("CANARY-7")),
                ("CHANGED", value("CANARY-8")),
                ("SAME", value("CANARY-4")),
                ("CIPHER", enc("encrypted:CCC")),
                ("CIPHER_SAME", enc("encrypted:BBB")),
                ("TO_EXTERNAL", ValueState::External),
                ("TO_OPAQUE", enc("encrypted:DDD")),
                ("TO_LITERAL", value("CANARY-9")),
                ("NEW", value("CANARY-10")),
            ],
            false,
        );
        assert_eq!(
            changes(&base, &head),
            vec![
                ("CHANGED".to_string(), "value-changed"),
                ("CIPHER".to_string(), "ciphertext-changed"),
                ("EMPTIED".to_string(), "emptied"),
                ("FILLED".to_string(), "filled"),
                ("GONE".to_string(), "removed"),
                ("NEW".to_string(), "added"),
                ("TO_EXTERNAL".to_string(), "became-external"),
                ("TO_LITERAL".to_string(), "became-literal"),
                ("TO_OPAQUE".to_string(), "became-opaque"),
            ]
        );
        // removed: located where it was
        let gone = compare(&base, &head)
            .into_iter()
            .find(|c| c.variable == "GONE")
            .expect("gone");
        assert_eq!(gone.location(), ".env.production:1");
        // a change never carries a value
        let json = serde_json::to_string(&compare(&base, &head)).expect("json");
        assert!(!json.contains("CANARY"), "{json}");
    }

    #[test]
    fn gone_behind_an_opaque_source_is_opaque_not_removed() {
        let base = target(&[("DATABASE_URL", value("CANARY-1"))], false);
        let head = target(&[], true);
        assert_eq!(
            changes(&base, &head),
            vec![("DATABASE_URL".to_string(), "became-opaque")]
        );
    }

    #[test]
    fn the_strongest_entry_decides() {
        // an empty line in one file and a value in another: set, as a lookup says
        let mut base = target(&[("A", value(""))], false);
        let extra = target(&[("A", value("CANARY-1"))], false);
        base.sources.extend(extra.sources);
        let head = target(&[("A", value("CANARY-1"))], false);
        assert!(changes(&base, &head).is_empty());
    }
}
