//! Per-file extraction: `(language, source) -> reads`. Pure, run in parallel by the scanner.
//!
//! Each language module runs its compiled query (`grammars/<lang>/env_reads.scm`) over the tree,
//! resolves what the captured objects and callees really are (imports, aliases, module-level
//! constants), and classifies each read site with a [`ReadKind`]. Frameworks (pydantic-settings,
//! envalid, ...) add their own capture patterns and handlers beside the stdlib ones.

pub mod python;
mod script;
mod script_frameworks;

use serde::Serialize;
use tree_sitter::{Node, QueryCursor, Tree};

use crate::lang::{Family, Language, Parsers};
use crate::span::{LineIndex, Position};

/// How a read behaves when the variable is missing. Ordered by requirement strength: the
/// strongest kind over a variable's reads is its requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadKind {
    /// Missing means a crash or a validation error.
    Required,
    /// Missing means a literal default is used.
    Default,
    /// Missing means `None` / `undefined` flows on.
    Optional,
    /// Only tests whether the variable is set.
    Presence,
}

impl ReadKind {
    /// Requirement strength: required > optional > default > presence.
    pub fn strength(self) -> u8 {
        match self {
            ReadKind::Required => 3,
            ReadKind::Optional => 2,
            ReadKind::Default => 1,
            ReadKind::Presence => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReadKind::Required => "required",
            ReadKind::Default => "default",
            ReadKind::Optional => "optional",
            ReadKind::Presence => "presence",
        }
    }
}

/// A read of a named variable, found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub name: String,
    /// Position of the key: the string literal, or the property / field name.
    pub position: Position,
    /// Position just past the key's last character.
    pub end: Position,
    pub kind: ReadKind,
    /// The API the read goes through, e.g. `os.getenv`, `process.env.X`.
    pub api: &'static str,
    /// Facts beyond the kind, set by the extractors that know them.
    pub extra: ReadExtra,
}

/// Optional facts about a read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadExtra {
    /// The default as source text, when it is a literal (`"d"`, `3`, `True`). Code, not a
    /// value from an env file; still only used to fill the example file for non-secret names.
    pub default: Option<String>,
    /// Where a framework declares the read, e.g. `Settings.database_url` for a pydantic field.
    pub detail: Option<String>,
    /// The framework matches the name case-insensitively (pydantic-settings' default).
    pub case_insensitive: bool,
    /// The value is exposed to the browser bundle (`NEXT_PUBLIC_*`, `VITE_*`, t3 `client`).
    pub client_exposed: bool,
}

/// A read whose key is computed at run time: the site and the key expression, never a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicRead {
    pub position: Position,
    pub api: &'static str,
    /// Source text of the key expression, whitespace collapsed and shortened.
    pub expression: String,
}

/// Everything one file yields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub reads: Vec<Read>,
    pub dynamic: Vec<DynamicRead>,
    /// The tree holds syntax errors: reads outside the broken regions are still reported.
    pub partial: bool,
    /// Python facts that need the whole project to turn into reads: settings classes, env
    /// helper functions and the calls that may reach them.
    pub python: python::PyFacts,
    /// Suppression comments (`# envcheck: ignore[ENV001]`).
    pub suppressions: Vec<crate::suppress::Comment>,
}

/// Parses `src` and extracts its reads.
pub fn extract(language: Language, src: &[u8], parsers: &mut Parsers) -> FileFacts {
    let Some(tree) = parsers.get(language).parse(src, None) else {
        // tree-sitter returns no tree only on cancellation or timeout; nothing was read.
        return FileFacts {
            partial: true,
            ..FileFacts::default()
        };
    };
    extract_tree(language, &tree, src)
}

/// Extracts the reads of an already parsed tree.
pub fn extract_tree(language: Language, tree: &Tree, src: &[u8]) -> FileFacts {
    let ctx = Ctx {
        src,
        lines: LineIndex::new(src),
    };
    let mut cursor = QueryCursor::new();
    let mut facts = match language.family() {
        Family::Python => python::extract(&ctx, tree, language.query(), &mut cursor),
        Family::Script => script::extract(&ctx, tree, language.query(), &mut cursor),
    };
    facts.partial = tree.root_node().has_error();
    let style = match language.family() {
        Family::Python => crate::suppress::CommentStyle::Hash,
        Family::Script => crate::suppress::CommentStyle::Slash,
    };
    facts.suppressions = crate::suppress::find(src, style);
    facts
        .reads
        .sort_by(|a, b| (a.position, &a.name, a.api).cmp(&(b.position, &b.name, b.api)));
    facts.reads.dedup();
    facts
        .dynamic
        .sort_by(|a, b| (a.position, a.api).cmp(&(b.position, b.api)));
    facts.dynamic.dedup();
    facts
}

/// The source of one file and its line index, shared by the language extractors.
pub(crate) struct Ctx<'s> {
    pub src: &'s [u8],
    pub lines: LineIndex,
}

impl<'s> Ctx<'s> {
    pub fn text(&self, node: Node) -> &'s str {
        std::str::from_utf8(&self.src[node.byte_range()]).unwrap_or("")
    }

    pub fn position(&self, node: Node) -> Position {
        self.lines.position(self.src, node.start_byte())
    }

    /// The key expression of a dynamic read, as a short single line.
    pub fn expression(&self, node: Node) -> String {
        const MAX: usize = 80;
        let text = String::from_utf8_lossy(&self.src[node.byte_range()]);
        let mut out = String::new();
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.chars().count() > MAX {
            out = out.chars().take(MAX - 1).collect();
            out.push('…');
        }
        out
    }

    pub fn read(&self, name: String, key: Node, kind: ReadKind, api: &'static str) -> Read {
        Read {
            name,
            position: self.position(key),
            end: self.lines.position(self.src, key.end_byte()),
            kind,
            api,
            extra: ReadExtra::default(),
        }
    }

    pub fn dynamic(&self, key: Node, api: &'static str) -> DynamicRead {
        DynamicRead {
            position: self.position(key),
            api,
            expression: self.expression(key),
        }
    }
}

/// A key as the extractor sees it: a literal name, or an expression computed at run time.
pub(crate) enum Key {
    Name(String),
    Dynamic,
}

/// Names a variable can plausibly have. Keys that are not identifiers (`"a b"`, `""`) are not
/// env reads we can check, so they are treated as dynamic.
pub(crate) fn plausible_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the table-driven extractor tests.
    use super::*;

    /// `(name, kind, api, line)` of a read.
    pub type ReadRow = (String, ReadKind, &'static str, usize);
    /// `(line, expression)` of a dynamic read.
    pub type DynamicRow = (usize, String);

    /// Every read of a snippet, in source order, and every dynamic read.
    pub fn run(language: Language, src: &str) -> (Vec<ReadRow>, Vec<DynamicRow>) {
        let mut parsers = Parsers::default();
        let facts = extract(language, src.as_bytes(), &mut parsers);
        let reads = facts
            .reads
            .into_iter()
            .map(|r| (r.name, r.kind, r.api, r.position.line))
            .collect();
        let dynamic = facts
            .dynamic
            .into_iter()
            .map(|d| (d.position.line, d.expression))
            .collect();
        (reads, dynamic)
    }

    /// `(name, kind)` pairs of a snippet's reads.
    pub fn kinds(language: Language, src: &str) -> Vec<(String, ReadKind)> {
        run(language, src)
            .0
            .into_iter()
            .map(|(name, kind, _, _)| (name, kind))
            .collect()
    }
}
