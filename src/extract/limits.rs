//! Bounds on what one file may cost: a source file is input an attacker may control (a pull
//! request, a vendored package), and a scan must finish whatever it holds.
//!
//! - **Parse time.** tree-sitter's progress callback stops a parse after [`Limits::parse_time`]
//!   of wall time; the file is reported as not parsed.
//! - **Nesting.** A tree nested deeper than [`Limits::max_depth`] is not read: finding a node's
//!   parent costs tree-sitter a walk from the root, so the few steps up the tree that classify
//!   each read would cost `depth²` on `((((...))))`. Real code nests a few dozen levels; long
//!   `else if` chains, builder chains and generated expressions a few hundred.
//! - **Query matches.** The query cursor keeps at most [`Limits::match_limit`] matches in
//!   progress; when it has to drop one, the file gets a note that reads may be missing.
//! - **Extraction time.** The extractors check [`super::Ctx::out_of_time`] between read sites
//!   and stop after [`Limits::extract_time`], with a note.
//!
//! No extractor recurses on the input's nesting: recursive helpers carry a depth bound
//! (`MAX_LITERAL_DEPTH`, `MAX_ALIAS_DEPTH`, ...) and walks up the tree stop after [`MAX_CLIMB`]
//! steps.

use std::cell::Cell;
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
    /// Query matches in progress at once.
    pub match_limit: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            parse_time: Duration::from_secs(2),
            extract_time: Duration::from_secs(2),
            max_depth: 2048,
            match_limit: 256,
        }
    }
}

/// Parses `src`, giving up after `budget` of wall time. The error is the note for the user.
pub(crate) fn parse(parser: &mut Parser, src: &[u8], budget: Duration) -> Result<Tree, String> {
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
        &mut |offset, _| src.get(offset..).unwrap_or_default(),
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

/// `Some(note)` when the tree is nested deeper than `limit` levels. Walks the tree once with a
/// cursor (no recursion), stopping as soon as the limit is passed.
pub(crate) fn too_deep(tree: &Tree, limit: usize) -> Option<String> {
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
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
        let err = parse(parser, src.as_bytes(), Duration::ZERO).err();
        assert_eq!(
            err.as_deref(),
            Some("parsing took longer than 0 s, not parsed")
        );
        // the halted parse is not resumed: the next file parses on its own
        let tree = parse(parser, b"y = 1\n", Duration::from_secs(60));
        assert!(tree.is_ok_and(|t| t.root_node().end_byte() == 6));
    }

    #[test]
    fn depth() {
        let mut parsers = Parsers::default();
        let parser = parsers.get(Language::Python);
        let src = format!("x = {}1{}\n", "(".repeat(100), ")".repeat(100));
        let Ok(tree) = parse(parser, src.as_bytes(), Duration::from_secs(60)) else {
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
}
