//! Per-file extraction: `(language, source) -> reads`. Pure, run in parallel by the scanner.
//!
//! Each language module walks the tree's read sites ([`crate::lang::Sites`], shapes checked in
//! [`crate::lang::shapes`]), resolves what the objects and callees really are (imports, aliases, module-level
//! constants), and classifies each read site with a [`ReadKind`]. Frameworks (pydantic-settings,
//! envalid, ...) add their own shapes and handlers beside the stdlib ones.

mod limits;
pub mod python;
mod script;
mod script_frameworks;
mod script_gaps;
mod script_resolve;
mod script_usage;
mod when;

pub use limits::Limits;
pub(crate) use limits::MAX_CLIMB;
pub use when::When;

use serde::Serialize;
use tree_sitter::{Node, Tree};

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
    /// When the read is evaluated: at start-up, on use of one code path, or at build time.
    pub when: When,
    /// For [`When::OnUse`]: the path that needs the variable (`send_email()`, `if FEATURE_X`).
    /// Code text, shortened, secret-shaped tokens masked.
    pub context: Option<String>,
    /// The code treats an empty value as unset (`if os.getenv("X"):`, `process.env.X || "d"`,
    /// t3 `emptyStringAsUndefined`): an empty value behaves like a missing one.
    pub empty_is_unset: bool,
}

/// A read whose key is computed at run time: the site and the key expression, never a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicRead {
    pub position: Position,
    pub api: &'static str,
    /// Source text of the key expression, whitespace collapsed and shortened.
    pub expression: String,
    /// The key's static start, when it has one (`f"STRIPE_{kind}_KEY"`,
    /// `` `API_RATE_LIMIT_${kind}` ``, `"PREFIX_" + x`): the read may be of any variable whose
    /// name starts with it.
    pub prefix: Option<String>,
    /// How the key is known to be resolved, when it is: `for task in tasks` (it loops over a
    /// literal table of names), `calls of get_int_from_env()` (it is the parameter of a helper
    /// that every call in the project passes a literal name). Each name it takes is then a read
    /// of its own, and the dynamic read needs no checking.
    pub resolved: Option<String>,
    /// The names a key that loops over a literal table takes (each also a read). A helper's
    /// names are the reads at its call sites, not repeated here.
    pub resolved_names: Vec<String>,
}

/// Everything one file yields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub reads: Vec<Read>,
    pub dynamic: Vec<DynamicRead>,
    /// The tree holds syntax errors: reads outside the broken regions are still reported.
    pub partial: bool,
    /// Where the first syntax error is, when there is one.
    pub first_error: Option<Position>,
    /// The notice for a file whose only syntax errors are valid code the grammar rejects
    /// (`type F = (string) => boolean`, `&` in JSX text, ``tag<T[]>`...` ``).
    pub grammar_gap: Option<String>,
    /// Python facts that need the whole project to turn into reads: settings classes, env
    /// helper functions and the calls that may reach them.
    pub python: python::PyFacts,
    /// Suppression comments (`# envcheck: ignore[ENV001]`).
    pub suppressions: Vec<crate::suppress::Comment>,
    /// Why the file was not read at all (its parse took too long, it nests too deeply); the
    /// other fields are then empty. See [`Limits`].
    pub abandoned: Option<String>,
    /// Why reads may be missing from a file that was read (a limit of [`Limits`] was reached).
    pub notes: Vec<String>,
    /// Names this file tells a bundler to replace at build time (Vite `define`, webpack
    /// `DefinePlugin`, next.config `env`): applied to the project's reads after the merge.
    pub build_defines: Vec<BuildDefine>,
    /// The byte ranges of the top-level Python definitions the parse left out, as no read can
    /// be in them ([`python::partial`]): the project pass parses the file again whole when one
    /// of them names a helper, reader instance or settings class of another module.
    pub left_out: Vec<std::ops::Range<usize>>,
}

/// A name a build configuration replaces with a constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildDefine {
    pub name: String,
    /// Where it is declared.
    pub source: BuildSource,
}

/// How a build configuration declares a build-time constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildSource {
    /// `define: { "process.env.X": ... }`, `new DefinePlugin({ "import.meta.env.X": ... })`,
    /// `"process.env": { X: ... }`: unmistakable wherever it is.
    Define,
    /// `env: { X: ... }`: a build-time constant only in a next.config file.
    NextEnv,
}

/// Parses `src` and extracts its reads.
pub fn extract(language: Language, src: &[u8], parsers: &mut Parsers) -> FileFacts {
    extract_limited(language, src, parsers, &Limits::default())
}

/// [`extract`], without parsing the top-level Python definitions that cannot hold a read
/// ([`python::partial`]; [`FileFacts::left_out`] lists them). Their reads through another
/// module's helpers are the caller's to look for.
pub fn extract_needed(language: Language, src: &[u8], parsers: &mut Parsers) -> FileFacts {
    extract_with(language, src, parsers, &Limits::default(), true)
}

/// [`extract`] under explicit [`Limits`]. A file over a limit comes back with
/// [`FileFacts::abandoned`] or [`FileFacts::notes`] set.
pub fn extract_limited(
    language: Language,
    src: &[u8],
    parsers: &mut Parsers,
    limits: &Limits,
) -> FileFacts {
    extract_with(language, src, parsers, limits, false)
}

/// [`extract_limited`], leaving out what cannot hold a read when `leave_out` is set. A tree
/// parsed so that has a syntax error (a real one, or a definition cut wrong) is parsed again
/// whole, so that errors and what stands near them are as a whole parse sees them.
fn extract_with(
    language: Language,
    src: &[u8],
    parsers: &mut Parsers,
    limits: &Limits,
    leave_out: bool,
) -> FileFacts {
    let abandoned = |reason: String| FileFacts {
        partial: true,
        abandoned: Some(reason),
        ..FileFacts::default()
    };
    // (one pass of the lexer serves the comments and the cut)
    let (comments, left_out) = match language.family() {
        Family::Python if leave_out => {
            let (literal, comments) = python::lexer::literals_and_comments(src);
            let left_out = python::partial::unneeded_definitions(src, &literal);
            (comments, left_out)
        }
        Family::Python => (python::lexer::comments(src), Vec::new()),
        Family::Script => (Vec::new(), Vec::new()),
    };
    if !left_out.is_empty() {
        let parser = parsers.get(language);
        let parsed = limits::parse_skipping(parser, src, &comments, &left_out, limits.parse_time);
        if let Ok(tree) = parsed
            && !tree.root_node().has_error()
            && limits::too_deep(&tree, limits.max_depth).is_none()
        {
            let mut facts = extract_tree_limited(language, &tree, src, limits);
            facts.left_out = left_out;
            return facts;
        }
    }
    let tree = match limits::parse(parsers.get(language), src, &comments, limits.parse_time) {
        Ok(tree) => tree,
        Err(reason) => return abandoned(reason),
    };
    if let Some(reason) = limits::too_deep(&tree, limits.max_depth) {
        return abandoned(reason);
    }
    extract_tree_limited(language, &tree, src, limits)
}

/// Extracts the reads of an already parsed tree.
pub fn extract_tree(language: Language, tree: &Tree, src: &[u8]) -> FileFacts {
    extract_tree_limited(language, tree, src, &Limits::default())
}

fn extract_tree_limited(language: Language, tree: &Tree, src: &[u8], limits: &Limits) -> FileFacts {
    let ctx = Ctx {
        src,
        lines: LineIndex::new(src),
        deadline: limits::Deadline::after(limits.extract_time),
    };
    let mut facts = match language.family() {
        Family::Python => python::extract(&ctx, tree, language),
        Family::Script => script::extract(&ctx, tree, language, &script_ranges(src)),
    };
    if ctx.deadline.was_passed() {
        facts.notes.push(format!(
            "reading the syntax tree took longer than {}: stopped, reads may be missing",
            limits::seconds(ctx.deadline.budget())
        ));
    }
    facts.partial = tree.root_node().has_error();
    if facts.partial {
        facts.first_error = Some(ctx.position(first_error(tree.root_node())));
        if language.family() == Family::Script {
            facts.grammar_gap = script_gaps::grammar_gap(&ctx, language, tree.root_node());
        }
    }
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

/// Where a script read can sit. Every script shape needs an object ending in `env` or a
/// callee ending in `Env` (src/lang/shapes.rs), so every read site holds one of those
/// words and the walk only needs to visit them: each occurrence, with occurrences closer
/// than [`RANGE_GAP`] merged into one range. The walk then goes down to each range instead
/// of through the whole tree (a bundle mentioning `process.env` ten times is mostly skipped).
/// Python calls may reach env helpers under any name, so Python files are walked whole.
fn script_ranges(src: &[u8]) -> Vec<std::ops::Range<usize>> {
    const WORDS: [&[u8]; 2] = [b"env", b"Env"];
    let mut starts: Vec<usize> = WORDS
        .iter()
        .flat_map(|w| memchr::memmem::find_iter(src, w))
        .collect();
    starts.sort_unstable();
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for start in starts {
        match ranges.last_mut() {
            Some(last) if start <= last.end + RANGE_GAP => last.end = start + 3,
            _ => ranges.push(start..start + 3),
        }
    }
    ranges
}

/// The shortest static start of a computed key that is recorded: shorter ones (`A`, `X_`)
/// would cover names that have nothing to do with the read.
const MIN_PREFIX: usize = 3;

/// Occurrences of the script trigger words closer than this share one range: walking a
/// few KiB of tree costs about what one more descent from the root does.
const RANGE_GAP: usize = 4096;

/// The source of one file and its line index, shared by the language extractors.
pub(crate) struct Ctx<'s> {
    pub src: &'s [u8],
    pub lines: LineIndex,
    deadline: limits::Deadline,
}

impl<'s> Ctx<'s> {
    /// Whether the extraction budget of this file is spent; the extractors check it between
    /// read sites and stop when it is.
    pub fn out_of_time(&self) -> bool {
        self.deadline.passed()
    }

    pub fn text(&self, node: Node) -> &'s str {
        std::str::from_utf8(&self.src[node.byte_range()]).unwrap_or("")
    }

    pub fn position(&self, node: Node) -> Position {
        self.lines.position(self.src, node.start_byte())
    }

    /// The key expression of a dynamic read, as a short single line.
    pub fn expression(&self, node: Node) -> String {
        const MAX: usize = 80;
        // A key expression may span most of the file (`env[f(...)]` around a huge literal):
        // only its start is looked at, so each dynamic read costs the same.
        let range = node.byte_range();
        let end = range.end.min(range.start.saturating_add(16 * MAX));
        let cut = end < range.end;
        let text = String::from_utf8_lossy(&self.src[range.start..end]);
        // the expression is printed (ENV201): a secret in it (a token passed as the key, a
        // connection string) is masked before it is shortened, so no part of one is shown
        let mut text = crate::secret_shapes::mask_tokens(&text).into_owned();
        if cut {
            // the window may end inside a secret, whose cut-off start no longer looks like one:
            // the last, partial token goes
            let keep = text
                .char_indices()
                .rev()
                .find(|&(_, c)| crate::secret_shapes::is_token_separator(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            text.truncate(keep);
        }
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
        } else if cut {
            out.push('…');
        }
        out
    }

    pub fn read(&self, name: String, key: Node, kind: ReadKind, api: &'static str) -> Read {
        let (when, context) = when::when_of(self, key);
        Read {
            name,
            position: self.position(key),
            end: self.lines.position(self.src, key.end_byte()),
            kind,
            api,
            extra: ReadExtra {
                when,
                context,
                ..ReadExtra::default()
            },
        }
    }

    /// When the read whose key is `key` is evaluated (see [`When`]).
    pub fn when(&self, key: Node) -> (When, Option<String>) {
        when::when_of(self, key)
    }

    pub fn dynamic(&self, key: Node, api: &'static str) -> DynamicRead {
        DynamicRead {
            position: self.position(key),
            api,
            expression: self.expression(key),
            prefix: self.static_prefix(key, 0).filter(|p| {
                p.len() >= MIN_PREFIX && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }),
            resolved: None,
            resolved_names: Vec::new(),
        }
    }

    /// The literal start of a key computed at run time: `f"STRIPE_{k}"`, `` `API_${k}` ``,
    /// `"PREFIX_" + k`, `("A_" + "B_") + k`. Bounded depth, like every walk of an expression.
    fn static_prefix(&self, node: Node, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match node.kind() {
            // Python f-string: `string_start`, then content before the first interpolation
            "string" => {
                let mut w = node.walk();
                let mut parts = node.named_children(&mut w);
                let start = parts.next()?;
                if start.kind() != "string_start"
                    || !self.text(start).to_ascii_lowercase().contains('f')
                {
                    return None;
                }
                let first = parts.next()?;
                (first.kind() == "string_content").then(|| self.text(first).to_string())
            }
            // TS/JS: `` `PREFIX_${x}` ``
            "template_string" => {
                let mut w = node.walk();
                let first = node.named_children(&mut w).next()?;
                (first.kind() == "string_fragment").then(|| self.text(first).to_string())
            }
            "binary_operator" | "binary_expression" => {
                let op = node.child_by_field_name("operator")?;
                if self.text(op) != "+" {
                    return None;
                }
                let left = node.child_by_field_name("left")?;
                match left.kind() {
                    // a whole literal on the left: `"PREFIX_" + x`
                    "string" if !self.text(left).starts_with(['f', 'F']) => {
                        let text = self.text(left);
                        let inner = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                        Some(inner.get(1..inner.len().checked_sub(1)?)?.to_string())
                    }
                    _ => self.static_prefix(left, depth + 1),
                }
            }
            "parenthesized_expression" => self.static_prefix(node.named_child(0)?, depth + 1),
            _ => None,
        }
    }
}

/// The first error or missing node under `root` (which has an error), found by descending
/// through the first child that holds one: a loop, not recursion, so the depth of the tree is
/// no risk.
fn first_error(root: Node) -> Node {
    let mut node = root;
    loop {
        if node.is_error() || node.is_missing() {
            return node;
        }
        let mut cursor = node.walk();
        match node.children(&mut cursor).find(|c| c.has_error()) {
            Some(child) => node = child,
            None => return node,
        }
    }
}

/// A key as the extractor sees it: a literal name, or an expression computed at run time.
pub(crate) enum Key {
    Name(String),
    Dynamic,
}

/// Names a variable can plausibly have: the one name grammar of envcheck,
/// [`crate::sources::name_problem`]. Keys that are not names (`"a b"`, `""`) are not env reads
/// we can check, so they are treated as dynamic; so is a key shaped like a credential (a token
/// passed where its name belongs), whose expression is then printed masked.
pub(crate) fn plausible_name(name: &str) -> bool {
    crate::sources::name_problem(name).is_none()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A parse that leaves out the definitions that cannot hold a read finds what the whole
    /// parse finds, positions, kinds and contexts included, and says what it left out; a tree
    /// with a syntax error is parsed again whole.
    #[test]
    fn a_parse_without_unneeded_definitions_finds_what_the_whole_parse_finds() {
        let filler: String = (0..200)
            .map(|i| format!("    def m{i}(self, x):\n        return [x for _ in range({i})]\n\n"))
            .collect();
        let src = format!(
            "import os\nNAME = \"SHOP_TIMEOUT\"\n\n\nclass Unrelated:\n{filler}\n\
             def timeout():\n    return int(os.environ.get(NAME, \"5\"))\n\n\n\
             # a comment between definitions\n\
             class Settings:\n    port = os.getenv(\"SHOP_PORT\")\n    # envcheck: ignore[ENV001]\n    \
             debug = os.environ[\"SHOP_DEBUG\"]\n"
        );
        let mut parsers = Parsers::default();
        let whole = extract(Language::Python, src.as_bytes(), &mut parsers);
        let needed = extract_needed(Language::Python, src.as_bytes(), &mut parsers);
        assert_eq!(needed.left_out.len(), 1, "{:?}", needed.left_out);
        let left = &src[needed.left_out[0].clone()];
        assert!(
            left.starts_with("class Unrelated:") && left.ends_with("\n"),
            "{left:?}"
        );
        assert_eq!(needed.reads.len(), 3);
        assert!(
            needed.suppressions.len() == 1 && !needed.partial,
            "{:?} {:?}",
            needed.suppressions,
            needed.first_error
        );
        // calls with a computed argument in what was left out are not recorded: none is of
        // a helper (a call of one would have kept its definition, or makes the project pass
        // parse the file again)
        assert!(
            needed
                .python
                .computed_calls
                .is_subset(&whole.python.computed_calls)
        );
        let mut python = needed.python.clone();
        python.computed_calls = whole.python.computed_calls.clone();
        assert_eq!(
            FileFacts {
                left_out: Vec::new(),
                python,
                ..needed
            },
            whole
        );
        // a syntax error where a read may be: the file is parsed again whole, and the error is
        // reported as without leaving anything out
        let broken = format!("{src}\ndef broken():\n    x = = os.getenv(\"B\")\n");
        let whole = extract(Language::Python, broken.as_bytes(), &mut parsers);
        let needed = extract_needed(Language::Python, broken.as_bytes(), &mut parsers);
        assert!(whole.partial && whole.first_error.is_some());
        assert_eq!(needed, whole);
        // one inside a definition left out is not seen (no read can be in it)
        let broken = format!("{src}\ndef broken():\n    x = = 1\n");
        let needed = extract_needed(Language::Python, broken.as_bytes(), &mut parsers);
        assert_eq!(needed.left_out.len(), 2);
        assert!(!needed.partial && needed.first_error.is_none() && needed.reads.len() == 3);
    }

    /// A computed key's static start is recorded, so that rules can let the read cover the
    /// example and target keys that start with it.
    #[test]
    fn dynamic_reads_keep_their_static_prefix() {
        let cases: &[(Language, &str, Option<&str>)] = &[
            (
                Language::Python,
                "import os\nos.environ[f'STRIPE_{k}_KEY']\n",
                Some("STRIPE_"),
            ),
            (
                Language::Python,
                "import os\nos.getenv('API_' + kind.upper())\n",
                Some("API_"),
            ),
            (
                Language::Python,
                "import os\nos.getenv(('A_' 'B_') + k)\n",
                None,
            ),
            (Language::Python, "import os\nos.getenv(f'{k}_URL')\n", None),
            (Language::Python, "import os\nos.getenv(name)\n", None),
            (Language::Python, "import os\nos.getenv(f'X{k}')\n", None),
            (
                Language::TypeScript,
                "process.env[`API_RATE_LIMIT_${kind}`];",
                Some("API_RATE_LIMIT_"),
            ),
            (
                Language::TypeScript,
                "process.env['NEXT_' + k];",
                Some("NEXT_"),
            ),
            (Language::JavaScript, "process.env[`${k}_URL`];", None),
        ];
        for (language, src, want) in cases {
            let facts = extract(*language, src.as_bytes(), &mut Parsers::default());
            assert_eq!(facts.dynamic.len(), 1, "{src}: {:?}", facts.dynamic);
            assert_eq!(facts.dynamic[0].prefix.as_deref(), *want, "{src}");
        }
    }

    /// The script walk over [`script_ranges`] finds what it finds over the whole file:
    /// reads far apart, a framework call and a destructuring that cross from one range into the
    /// next (reported once), reads inside template literals.
    #[test]
    fn script_ranges_find_what_the_whole_file_does() {
        let filler = |n: usize| format!("const pad{n} = [{}];\n", "1, ".repeat(RANGE_GAP / 2));
        let comment = format!("  /* {} */\n", "x".repeat(RANGE_GAP + 1));
        let src = [
            "import { cleanEnv, str, num } from 'envalid';\n".to_string(),
            "export const a = process.env.FIRST ?? 'x';\n".to_string(),
            filler(1),
            "const env = process.env;\n".to_string(),
            filler(2),
            "export const b = env.ALIASED;\n".to_string(),
            "export const cfg = cleanEnv(process.env, {\n  PORT: num({ default: 3000 }),\n"
                .to_string(),
            comment.clone(),
            "  HOST: str(),\n  // process.env in a comment\n});\n".to_string(),
            "const {\n  D1,\n".to_string(),
            comment,
            "  D2 = 'x',\n} = process.env;\n".to_string(),
            "export const t = `${process.env.IN_TEMPLATE}`;\n".to_string(),
            filler(5),
            "if (!process.env.LAST) throw new Error('LAST');\n".to_string(),
        ]
        .concat();
        let bytes = src.as_bytes();
        let ranges = script_ranges(bytes);
        assert!(ranges.len() >= 4, "{ranges:?}");
        for language in [Language::TypeScript, Language::Tsx, Language::JavaScript] {
            let mut parsers = Parsers::default();
            let tree = limits::parse(parsers.get(language), bytes, &[], Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{e}"));
            let run = |ranges: &[std::ops::Range<usize>]| {
                let ctx = Ctx {
                    src: bytes,
                    lines: LineIndex::new(bytes),
                    deadline: limits::Deadline::after(Duration::from_secs(60)),
                };
                let facts = script::extract(&ctx, &tree, language, ranges);
                let mut reads: Vec<(String, String, usize)> = facts
                    .reads
                    .into_iter()
                    .map(|r| (r.name, format!("{:?}", r.kind), r.position.line))
                    .collect();
                reads.sort();
                reads
            };
            let whole = run(std::slice::from_ref(&(0..bytes.len())));
            let names: Vec<&str> = whole.iter().map(|(n, ..)| n.as_str()).collect();
            for name in ["FIRST", "PORT", "HOST", "D1", "D2", "IN_TEMPLATE", "LAST"] {
                assert!(names.contains(&name), "{language:?}: {name} in {names:?}");
            }
            assert_eq!(run(&ranges), whole, "{language:?}");
        }
    }
}
