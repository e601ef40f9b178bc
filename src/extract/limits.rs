//! Bounds on what one file may cost: a source file is input an attacker may control (a pull
//! request, a vendored package), and a scan must finish whatever it holds.
//!
//! - **Parse time.** tree-sitter's progress callback stops a parse after [`Limits::parse_time`]
//!   of wall time; the file is reported as not parsed.
//! - **Nesting.** A tree nested deeper than [`Limits::max_depth`] is not read: finding a node's
//!   parent costs tree-sitter a walk from the root, so the few steps up the tree that classify
//!   each read would cost `depth²` on `((((...))))`. Real code nests a few dozen levels; long
//!   `else if` chains, builder chains and generated expressions a few hundred.
//! - **Extraction time.** The extractors check [`super::Ctx::out_of_time`] between read sites
//!   and stop after [`Limits::extract_time`], with a note.
//!
//! No extractor recurses on the input's nesting: recursive helpers carry a depth bound
//! (`MAX_LITERAL_DEPTH`, `MAX_ALIAS_DEPTH`, ...) and walks up the tree stop after [`MAX_CLIMB`]
//! steps.

use std::cell::Cell;
use std::ops::Range;
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

/// The most steps a walk up the tree from a read site takes (through parentheses, `??` chains,
/// method chains, ...).
pub(crate) const MAX_CLIMB: usize = 256;

/// What one file may cost.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall time one parse may take.
    pub parse_time: Duration,
    /// Wall time reading the reads out of one tree may take.
    pub extract_time: Duration,
    /// The deepest tree that is read (levels of named and anonymous nodes).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            parse_time: Duration::from_secs(2),
            extract_time: Duration::from_secs(2),
            max_depth: 2048,
        }
    }
}

/// Parses `src`, giving up after `budget` of wall time. The error is the note for the user.
/// The parser reads each range of `blank` (sorted, disjoint, ASCII at both ends) as spaces:
/// comments the tree does not need, whose text some grammars scan in quadratic time. Every
/// node keeps its offsets in `src`.
pub(crate) fn parse(
    parser: &mut Parser,
    src: &[u8],
    blank: &[Range<usize>],
    budget: Duration,
) -> Result<Tree, String> {
    parse_skipping(parser, src, blank, &[], budget)
}

/// [`parse`], without reading the ranges of `skip` at all (sorted and disjoint; tree-sitter's
/// included ranges are what lies between them): the parse costs nothing for their bytes, where a
/// blank still passes through the lexer byte by byte. Each one must end where what follows can
/// go on (the Python definitions of [`super::python::partial`] end before a line break). When
/// `skip` leaves nothing to read, nothing is skipped.
pub(crate) fn parse_skipping(
    parser: &mut Parser,
    src: &[u8],
    blank: &[Range<usize>],
    skip: &[Range<usize>],
    budget: Duration,
) -> Result<Tree, String> {
    let included = included_ranges(src, skip);
    // (ranges tree-sitter refuses leave the parse whole, never wrong)
    let skipping = !included.is_empty() && parser.set_included_ranges(&included).is_ok();
    let tree = parse_input(parser, src, blank, budget);
    if skipping {
        // the parser is reused for the next file, which is read whole
        let _ = parser.set_included_ranges(&[]);
    }
    tree
}

/// The ranges of `src` between those of `skip`, with their rows and columns.
fn included_ranges(src: &[u8], skip: &[Range<usize>]) -> Vec<tree_sitter::Range> {
    if skip.is_empty() {
        return Vec::new();
    }
    // rows and columns, counted once through the text as the offsets grow
    let (mut seen, mut row, mut line_start) = (0usize, 0usize, 0usize);
    let mut point = |offset: usize| {
        for newline in memchr::memchr_iter(b'\n', &src[seen..offset]) {
            row += 1;
            line_start = seen + newline + 1;
        }
        seen = offset;
        tree_sitter::Point::new(row, offset - line_start)
    };
    let mut out = Vec::with_capacity(skip.len() + 1);
    let mut at = 0;
    let end = src.len()..src.len();
    for range in skip.iter().chain(std::iter::once(&end)) {
        let start = range.start.clamp(at, src.len());
        if start > at {
            out.push(tree_sitter::Range {
                start_byte: at,
                end_byte: start,
                start_point: point(at),
                end_point: point(start),
            });
        }
        at = range.end.clamp(at, src.len());
    }
    out
}

fn parse_input(
    parser: &mut Parser,
    src: &[u8],
    blank: &[Range<usize>],
    budget: Duration,
) -> Result<Tree, String> {
    static SPACES: [u8; 4096] = [b' '; 4096];
    let start = Instant::now();
    let timed_out = Cell::new(false);
    let mut progress = |_: &ParseState| {
        let over = start.elapsed() > budget;
        if over {
            timed_out.set(true);
        }
        over
    };
    let tree = parser.parse_with_options(
        &mut |offset, _| {
            let next = blank.partition_point(|range| range.end <= offset);
            match blank.get(next) {
                Some(range) if range.start <= offset => {
                    &SPACES[..(range.end - offset).min(SPACES.len())]
                }
                Some(range) => &src[offset..range.start],
                None => src.get(offset..).unwrap_or_default(),
            }
        },
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    match tree {
        Some(tree) => Ok(tree),
        None => {
            // A halted parser resumes the halted parse on its next call unless it is reset,
            // and parsers are reused from file to file.
            parser.reset();
            Err(if timed_out.get() {
                format!("parsing took longer than {}, not parsed", seconds(budget))
            } else {
                "the parser gave up, not parsed".to_string()
            })
        }
    }
}

/// `Some(note)` when the tree is nested deeper than `limit` levels. Walks the tree with a cursor
/// (no recursion), stopping as soon as the limit is passed. A subtree of `n` nodes is at most
/// `n - 1` levels deep below its root, and tree-sitter keeps each node's descendant count, so
/// subtrees too small to pass the limit are skipped whole: in real code that is every top-level
/// statement, and the walk visits a few nodes per statement instead of every node.
pub(crate) fn too_deep(tree: &Tree, limit: usize) -> Option<String> {
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let could_pass = depth + cursor.node().descendant_count().saturating_sub(1) > limit;
        if could_pass && cursor.goto_first_child() {
            depth += 1;
            if depth > limit {
                return Some(format!("nested more than {limit} levels deep, not parsed"));
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
            depth = depth.saturating_sub(1);
        }
    }
}

/// `2 s`, `1.5 s`, `250 ms`.
pub(crate) fn seconds(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A wall-clock budget checked between read sites. Once over, it stays over.
#[derive(Debug)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    budget: Duration,
    over: Cell<bool>,
}

impl Deadline {
    pub(crate) fn after(budget: Duration) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(budget),
            budget,
            over: Cell::new(false),
        }
    }

    /// Whether the budget is spent.
    pub(crate) fn passed(&self) -> bool {
        if self.over.get() {
            return true;
        }
        let over = self.at.is_some_and(|at| Instant::now() >= at);
        self.over.set(over);
        over
    }

    /// Whether [`Deadline::passed`] ever said so.
    pub(crate) fn was_passed(&self) -> bool {
        self.over.get()
    }

    pub(crate) fn budget(&self) -> Duration {
        self.budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{Language, Parsers};

    #[test]
    fn a_parse_over_budget_gives_a_note_and_the_parser_is_reusable() {
        let mut parsers = Parsers::default();
        let parser = parsers.get(Language::Python);
        let src = "import os\nx = os.getenv('A')\n".repeat(20_000);
        let err = parse(parser, src.as_bytes(), &[], Duration::ZERO).err();
        assert_eq!(
            err.as_deref(),
            Some("parsing took longer than 0 s, not parsed")
        );
        // the halted parse is not resumed: the next file parses on its own
        let tree = parse(parser, b"y = 1\n", &[], Duration::from_secs(60));
        assert!(tree.is_ok_and(|t| t.root_node().end_byte() == 6));
    }

    /// Blanked ranges read as spaces, also past one chunk of them: no comment node, and every
    /// other node where it is in the text.
    #[test]
    fn blank_ranges_parse_as_spaces_at_their_offsets() {
        let mut parsers = Parsers::default();
        let parser = parsers.get(Language::Python);
        let src = format!("x = 1  # {}\n# b\ny = 2\n", "a".repeat(10_000));
        let comments = crate::extract::python::lexer::comments(src.as_bytes());
        assert_eq!(comments.len(), 2);
        let Ok(tree) = parse(parser, src.as_bytes(), &comments, Duration::from_secs(60)) else {
            panic!("no tree");
        };
        let root = tree.root_node();
        assert!(!root.has_error());
        let mut w = root.walk();
        let kinds: Vec<(&str, usize)> = root
            .children(&mut w)
            .map(|n| (n.kind(), n.start_byte()))
            .collect();
        let y = src.find("y = 2").expect("y");
        assert_eq!(
            kinds,
            [("expression_statement", 0), ("expression_statement", y)]
        );
        let Ok(with) = parse(parser, src.as_bytes(), &[], Duration::from_secs(60)) else {
            panic!("no tree");
        };
        assert_eq!(with.root_node().named_child_count(), 4, "two comments kept");
    }

    /// Skipped ranges are not in the tree and what follows them keeps its offsets, rows and
    /// columns; the parser reads the next file whole.
    #[test]
    fn skipped_ranges_are_not_read_and_the_parser_is_whole_again_after() {
        let mut parsers = Parsers::default();
        let parser = parsers.get(Language::Python);
        let src = "a = 1\n\ndef f(:\n    broken(\n\n# c\nb = 2\n";
        let start = src.find("def").expect("def");
        let skip = std::slice::from_ref(&(start..src.find("\nb").expect("b"))).to_vec();
        let Ok(tree) = parse_skipping(parser, src.as_bytes(), &[], &skip, Duration::from_secs(60))
        else {
            panic!("no tree");
        };
        let root = tree.root_node();
        assert!(!root.has_error(), "{}", root.to_sexp());
        let mut w = root.walk();
        let statements: Vec<(usize, usize, usize)> = root
            .named_children(&mut w)
            .map(|n| {
                (
                    n.start_byte(),
                    n.start_position().row,
                    n.start_position().column,
                )
            })
            .collect();
        let b = src.find("b = 2").expect("b");
        assert_eq!(statements, [(0, 0, 0), (b, 6, 0)]);
        let Ok(whole) = parse(parser, src.as_bytes(), &[], Duration::from_secs(60)) else {
            panic!("no tree");
        };
        assert!(
            whole.root_node().has_error(),
            "the broken definition is read again"
        );
        // a skip that leaves nothing: the file is read whole
        let all = std::slice::from_ref(&(0..src.len())).to_vec();
        let Ok(tree) = parse_skipping(parser, src.as_bytes(), &[], &all, Duration::from_secs(60))
        else {
            panic!("no tree");
        };
        assert!(tree.root_node().has_error());
    }

    #[test]
    fn depth() {
        let mut parsers = Parsers::default();
        let parser = parsers.get(Language::Python);
        let src = format!("x = {}1{}\n", "(".repeat(100), ")".repeat(100));
        let Ok(tree) = parse(parser, src.as_bytes(), &[], Duration::from_secs(60)) else {
            panic!("no tree");
        };
        // module > expression_statement > assignment > 100 parentheses > integer
        assert_eq!(tree_depth(&tree), 103);
        assert!(too_deep(&tree, 103).is_none());
        assert_eq!(
            too_deep(&tree, 102).as_deref(),
            Some("nested more than 102 levels deep, not parsed")
        );
    }

    /// Depth by visiting every node: the reference the pruned walk must agree with.
    fn naive_depth(tree: &Tree) -> usize {
        let mut cursor = tree.walk();
        let (mut depth, mut max) = (0, 0);
        loop {
            if cursor.goto_first_child() {
                depth += 1;
                max = max.max(depth);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return max;
                }
                depth -= 1;
            }
        }
    }

    #[test]
    fn pruned_depth_walk_agrees_with_visiting_every_node() {
        let mut parsers = Parsers::default();
        let n = 300;
        let cases = [
            (Language::Python, format!("import os\nx = {}1{}\n", "(".repeat(n), ")".repeat(n))),
            (Language::Python, format!("x = 'P' {}\n", "+ 'a' ".repeat(n))),
            (Language::Python, format!("def f():\n    y = a{}(1)\n    return [[[y]]]\n", ".b".repeat(n))),
            (Language::Python, "import os\nclass A:\n    def f(self):\n        if x:\n            return os.environ['A']\n".repeat(20)),
            (Language::TypeScript, format!("export const x = {}process.env.A{};\n", "[".repeat(n), "]".repeat(n))),
            (Language::TypeScript, format!("if (a) {{}}{}\n", " else if (b) {}".repeat(n))),
            (Language::TypeScript, "function f() { return { a: [1, { b: () => process.env.B ?? 'x' }] }; }\n".repeat(20)),
        ];
        for (language, src) in cases {
            let tree = parse(
                parsers.get(language),
                src.as_bytes(),
                &[],
                Duration::from_secs(60),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let depth = naive_depth(&tree);
            assert_eq!(tree_depth(&tree), depth, "{src}");
            for limit in [0, 1, depth.saturating_sub(1), depth, depth + 1] {
                assert_eq!(
                    too_deep(&tree, limit).is_some(),
                    depth > limit,
                    "{limit}: {src}"
                );
            }
        }
    }

    fn tree_depth(tree: &Tree) -> usize {
        (0..).find(|d| too_deep(tree, *d).is_none()).unwrap_or(0)
    }

    #[test]
    fn durations() {
        assert_eq!(seconds(Duration::from_secs(2)), "2 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "250 ms");
    }

    #[test]
    fn deadlines() {
        let d = Deadline::after(Duration::ZERO);
        assert!(!d.was_passed());
        assert!(d.passed());
        assert!(d.was_passed());
        let d = Deadline::after(Duration::from_secs(3600));
        assert!(!d.passed());
    }

    use crate::extract::{FileFacts, extract, extract_limited, python};

    fn limited(language: Language, src: &str, limits: Limits) -> FileFacts {
        let mut parsers = Parsers::default();
        extract_limited(language, src.as_bytes(), &mut parsers, &limits)
    }

    #[test]
    fn each_limit_gives_its_note() {
        let src = "import os\nx = os.getenv(os.getenv(os.getenv(os.getenv('A'))))\n".repeat(50);
        let none = limited(Language::Python, &src, Limits::default());
        assert!(none.abandoned.is_none() && none.notes.is_empty());
        assert!(none.reads.iter().any(|r| r.name == "A"));

        let slow = Limits {
            parse_time: Duration::ZERO,
            ..Limits::default()
        };
        let facts = limited(Language::Python, &src, slow);
        assert_eq!(
            facts.abandoned.as_deref(),
            Some("parsing took longer than 0 s, not parsed")
        );
        assert!(facts.reads.is_empty());

        let shallow = Limits {
            max_depth: 5,
            ..Limits::default()
        };
        let facts = limited(Language::Python, &src, shallow);
        assert_eq!(
            facts.abandoned.as_deref(),
            Some("nested more than 5 levels deep, not parsed")
        );

        let hurried = Limits {
            extract_time: Duration::ZERO,
            ..Limits::default()
        };
        for language in [Language::Python, Language::TypeScript] {
            let src = match language {
                Language::Python => src.clone(),
                _ => "process.env.A;\n".repeat(50),
            };
            let facts = limited(language, &src, hurried.clone());
            assert!(facts.abandoned.is_none());
            assert_eq!(
                facts.notes,
                ["reading the syntax tree took longer than 0 s: stopped, reads may be missing"]
            );
            assert!(facts.reads.is_empty());
        }
    }

    /// Inputs that cost exponential or quadratic time before the extractors were bounded: each
    /// must now take well under a second (minutes or hours before).
    #[test]
    fn pathological_inputs_are_cheap() {
        let start = Instant::now();
        let mut parsers = Parsers::default();

        // `{...a, ...a, ...}` spreads, 30 per level, 5 levels: 30^5 expansions before
        let mut spreads = String::from(
            "import { cleanEnv, str } from 'envalid';\nconst a0 = { SPREAD: str() };\n",
        );
        for i in 1..6 {
            let refs = vec![format!("...a{}", i - 1); 30].join(", ");
            spreads.push_str(&format!("const a{i} = {{ {refs} }};\n"));
        }
        spreads.push_str("export const env = cleanEnv(process.env, a5);\n");
        let facts = extract(Language::TypeScript, spreads.as_bytes(), &mut parsers);
        assert_eq!(facts.reads.len(), 1, "{:?}", facts.reads);

        // a zod schema parse per read: a walk of the whole file per read before
        let mut zod = String::from("import { z } from 'zod';\n");
        for i in 0..3000 {
            zod.push_str(&format!(
                "export const x{i} = z.string().parse(process.env.Z{i});\n"
            ));
        }
        let facts = extract(Language::TypeScript, zod.as_bytes(), &mut parsers);
        assert_eq!(facts.reads.len(), 3000);

        // a cycle of classes with three bases each: 3^32 steps to find no `BaseSettings` before
        let mut classes = String::from("from pydantic_settings import BaseSettings\n");
        for i in 0..40 {
            let bases: Vec<String> = (1..4).map(|d| format!("C{}", (i + d) % 40)).collect();
            classes.push_str(&format!(
                "class C{i}({}):\n    a: str = 'x'\n",
                bases.join(", ")
            ));
        }
        classes.push_str("class S(C0, BaseSettings):\n    b: str\n");
        let mut facts = extract(Language::Python, classes.as_bytes(), &mut parsers);
        let mut files = [("app/settings.py", &mut facts)];
        python::project::resolve(&mut files);
        assert!(
            facts.reads.iter().any(|r| r.name == "B"),
            "{:?}",
            facts.reads
        );

        assert!(
            start.elapsed() < Duration::from_secs(20),
            "took {:?}",
            start.elapsed()
        );
    }
}
