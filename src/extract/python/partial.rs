//! Which top-level definitions of a Python module cannot hold a read, so that the parse can
//! skip them.
//!
//! A module passes the prefilter on one trigger word, and most of its bytes are often elsewhere:
//! paperless-ngx's `views.py` is 198 KB and reads two variables on lines 5,049 and 5,051, and
//! parsing it was a third of an uncached scan's time on that tree. The parse is most of an
//! uncached scan's cost, so here the module is cut, without parsing it, into its top-level
//! statements (a line at column 0 that is code, outside brackets, a string and a backslash
//! continuation, starts one; a decorator belongs to the definition after it), and a `def` or
//! `class` statement is left out of the parse when nothing ties it to the environment:
//!
//! - it holds no trigger word (the prefilter's rule, applied to the statement);
//! - it names nothing that a statement tied to the environment binds: an import of `environ`
//!   (`from os import environ as E`), an env reader instance (`env = environ.Env()`, a
//!   `config` imported from decouple), a helper function or a settings class of this module
//!   (a statement that names such a name is tied to the environment in turn);
//! - no statement tied to the environment names it (a nested settings model, a converter
//!   called on a read's value).
//!
//! Every other statement is parsed: imports, constants (`NAME = "X"` resolves `os.getenv(NAME)`),
//! `if` blocks. What a module's definitions call through other modules (a project helper,
//! a settings class defined elsewhere) is not known here; the project pass parses the whole
//! module again when a left-out definition names one of those (see `crate::scan`). The parse
//! does not read what is left out at all (tree-sitter's included ranges,
//! [`crate::extract::limits::parse_skipping`]). A tree with a syntax error is parsed again whole,
//! so that a cut in the wrong place, which breaks the syntax, costs time rather than reads, and a
//! module with a bracket open at its end is not cut at all. A syntax error inside a definition
//! left out is not seen: it cannot hide a read there, and the file is not reported as partly
//! parsed for it (ENV202). Calls with a computed first argument inside one are not recorded
//! either ([`super::PyFacts::computed_calls`]): a call of a helper would have kept the
//! definition, or makes the project pass parse the module again.
//!
//! Names are matched as whole identifiers anywhere in a statement's text, docstrings and
//! comments included: that over-approximates what a statement uses, which keeps more statements,
//! never fewer. The whole pass is linear in the module's size: each statement is cut and
//! searched once, each name is looked up in an index of the statements that use it.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::lexer::is_ident;
use crate::lang::Family;

/// The byte ranges of `src`'s top-level `def` and `class` statements (with their decorators)
/// that cannot hold a read, as the parse should skip them: each ends before the line break
/// that precedes the next statement, so that the next statement still starts a line.
/// `literal`: the module's [`super::lexer::literal_spans`].
pub(crate) fn unneeded_definitions(src: &[u8], literal: &[Range<usize>]) -> Vec<Range<usize>> {
    let statements = statements(src, literal);
    if statements.iter().all(|s| s.name.is_none()) {
        return Vec::new();
    }
    let text = |s: &Statement| &src[s.range.clone()];
    // which statements use each name, and which definition binds it
    let mut users: HashMap<&[u8], Vec<usize>> = HashMap::new();
    let mut definitions: HashMap<&[u8], Vec<usize>> = HashMap::new();
    let mut names_used: Vec<Vec<&[u8]>> = Vec::with_capacity(statements.len());
    for (i, statement) in statements.iter().enumerate() {
        let mut used: Vec<&[u8]> = identifiers(text(statement)).collect();
        used.sort_unstable();
        used.dedup();
        for name in &used {
            users.entry(name).or_default().push(i);
        }
        if let Some(name) = &statement.name {
            definitions.entry(&src[name.clone()]).or_default().push(i);
        }
        names_used.push(used);
    }
    // statements tied to the environment, and the definitions they name
    let mut tied = vec![false; statements.len()];
    let mut kept = vec![false; statements.len()];
    let mut bound: HashSet<&[u8]> = HashSet::new();
    let mut queue: Vec<usize> = (0..statements.len())
        .filter(|&i| crate::scan::may_hold_reads(Family::Python, text(&statements[i])))
        .collect();
    for &i in &queue {
        tied[i] = true;
    }
    while let Some(i) = queue.pop() {
        kept[i] = true;
        for name in binds(src, &statements[i]) {
            if !bound.insert(name) {
                continue;
            }
            for &user in users.get(name).into_iter().flatten() {
                if !tied[user] {
                    tied[user] = true;
                    queue.push(user);
                }
            }
        }
        // a definition this statement names is kept, with every definition it names in turn
        for name in &names_used[i] {
            for &definition in definitions.get(name).into_iter().flatten() {
                keep_named(definition, &mut kept, &names_used, &definitions);
            }
        }
    }
    statements
        .iter()
        .zip(&kept)
        .filter(|(s, kept)| s.name.is_some() && !**kept)
        .map(|(s, _)| s.skip.clone())
        .collect()
}

/// Marks definition `d` and every definition it names, transitively, as kept (an explicit
/// stack: the input decides how long the chain is). Each is marked once.
fn keep_named(
    d: usize,
    kept: &mut [bool],
    names_used: &[Vec<&[u8]>],
    definitions: &HashMap<&[u8], Vec<usize>>,
) {
    if kept[d] {
        return;
    }
    let mut stack = vec![d];
    kept[d] = true;
    while let Some(d) = stack.pop() {
        for name in &names_used[d] {
            for &inner in definitions.get(name).into_iter().flatten() {
                if !kept[inner] {
                    kept[inner] = true;
                    stack.push(inner);
                }
            }
        }
    }
}

/// One top-level statement.
#[derive(Debug)]
struct Statement {
    /// From its first byte to the start of the next statement.
    range: Range<usize>,
    /// What the parse skips when it is left out: `range` without its last line break.
    skip: Range<usize>,
    /// For a `def` or `class` statement, the name it defines.
    name: Option<Range<usize>>,
}

/// Cuts `src` into its top-level statements. Text before the first one (comments, blank
/// lines) belongs to none.
fn statements(src: &[u8], literal: &[Range<usize>]) -> Vec<Statement> {
    let starts = statement_starts(src, literal);
    let mut out: Vec<Statement> = Vec::with_capacity(starts.len());
    let mut i = 0;
    while i < starts.len() {
        let start = starts[i];
        // decorators belong to the definition after them
        let mut j = i;
        while src[starts[j]] == b'@' && j + 1 < starts.len() {
            j += 1;
        }
        let end = starts.get(j + 1).copied().unwrap_or(src.len());
        let name = definition_name(src, starts[j], end);
        let skip_end = if end == src.len() { end } else { end - 1 };
        out.push(Statement {
            range: start..end,
            skip: start..skip_end,
            name,
        });
        i = j + 1;
    }
    out
}

/// Where each top-level statement starts: a line whose first byte is code (not a space, a line
/// break or a comment), outside any bracket, string literal or backslash continuation. None at
/// all when a bracket is still open at the end of the file.
fn statement_starts(src: &[u8], literal: &[Range<usize>]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut spans = literal.iter().peekable();
    let mut line_start = true;
    let mut continued = false;
    // the last byte read as code, for a backslash that continues the line
    let mut last_code = usize::MAX;
    let mut i = 0;
    while i < src.len() {
        // skip literal and comment text
        while spans.peek().is_some_and(|s| s.end <= i) {
            spans.next();
        }
        if let Some(span) = spans.peek()
            && span.start <= i
        {
            // a line break inside a literal never ends a statement
            i = span.end;
            line_start = false;
            continue;
        }
        let b = src[i];
        if line_start
            && depth == 0
            && !continued
            && !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'\x0c')
        {
            starts.push(i);
        }
        line_start = false;
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line_start = true;
                let before = if i > 0 && src[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                // (a backslash ending a comment continues nothing)
                continued = before > 0 && last_code == before - 1 && src[before - 1] == b'\\';
            }
            _ => {}
        }
        last_code = i;
        i += 1;
    }
    // a bracket left open swallows what follows in the parse: cut nothing
    if depth > 0 {
        starts.clear();
    }
    starts
}

/// The name a statement from `start` to `end` defines, when it is a `def`, `async def` or
/// `class` statement (after its decorators).
fn definition_name(src: &[u8], start: usize, end: usize) -> Option<Range<usize>> {
    let text = &src[start..end];
    let rest = |word: &[u8], text: &[u8]| -> Option<usize> {
        let after = text.strip_prefix(word)?;
        let spaces = after
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        (spaces > 0).then_some(word.len() + spaces)
    };
    let at = match rest(b"async", text) {
        Some(n) => n + rest(b"def", &text[n..])?,
        None => rest(b"def", text).or_else(|| rest(b"class", text))?,
    };
    let len = text[at..].iter().take_while(|&&b| is_ident(b)).count();
    (len > 0).then(|| start + at..start + at + len)
}

/// The names a statement binds at module level, as far as the environment goes: a
/// definition's name, an import's local names, an assignment's targets; for any other
/// statement (`if`, `try`, `with`), every name in it.
fn binds<'s>(src: &'s [u8], statement: &Statement) -> Vec<&'s [u8]> {
    if let Some(name) = &statement.name {
        return vec![&src[name.clone()]];
    }
    let text = &src[statement.range.clone()];
    let word = |w: &[u8]| text.starts_with(w) && text.get(w.len()).is_some_and(|b| !is_ident(*b));
    if word(b"import") || word(b"from") {
        // `from m import a as b, c`: the names after `import`, an alias in place of its name
        let after = match find_word(text, b"import") {
            Some(at) => &text[at + 6..],
            None => return identifiers(text).collect(),
        };
        let names: Vec<&[u8]> = identifiers(after).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < names.len() {
            if names.get(i + 1) == Some(&&b"as"[..]) && i + 2 < names.len() {
                out.push(names[i + 2]);
                i += 3;
            } else {
                out.push(names[i]);
                i += 1;
            }
        }
        return out;
    }
    match assignment_end(text) {
        Some(end) => identifiers(&text[..end]).collect(),
        None => identifiers(text).collect(),
    }
}

/// Where the first `=` that assigns is (not `==`, `<=`, `>=`, `!=`), if one comes before any
/// bracket.
fn assignment_end(text: &[u8]) -> Option<usize> {
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' | b'\n' | b'#' | b'\'' | b'"' => return None,
            b'=' => {
                let before = i.checked_sub(1).map(|j| text[j]);
                let after = text.get(i + 1);
                if after != Some(&b'=') && !matches!(before, Some(b'=' | b'<' | b'>' | b'!')) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first whole-word `word` in `text`.
fn find_word(text: &[u8], word: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(text, word).find(|&at| {
        !at.checked_sub(1).is_some_and(|j| is_ident(text[j]))
            && !text.get(at + word.len()).is_some_and(|b| is_ident(*b))
    })
}

/// Every identifier-like word of `text` (digits alone are not).
fn identifiers(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| !is_ident(b))
        .filter(|w| !w.is_empty() && !w[0].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unneeded(src: &[u8]) -> Vec<Range<usize>> {
        unneeded_definitions(src, &super::super::lexer::literal_spans(src))
    }

    /// The texts of the definitions left out.
    fn left_out(src: &str) -> Vec<String> {
        unneeded(src.as_bytes())
            .into_iter()
            .map(|r| src[r].trim().to_string())
            .collect()
    }

    /// The `def NAME` / `class NAME` of each definition left out.
    fn names_left_out(src: &str) -> Vec<String> {
        left_out(src)
            .iter()
            .filter_map(|t| t.lines().find(|l| !l.starts_with('@')))
            .map(|l| l.split(['(', ':']).next().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn a_definition_without_a_trigger_is_left_out() {
        let src = "import os\n\n\ndef unrelated(x):\n    return x + 1\n\n\ndef port():\n    return os.environ[\"PORT\"]\n";
        assert_eq!(names_left_out(src), ["def unrelated"]);
        // the skipped range stops before the line break in front of the next statement
        let ranges = unneeded(src.as_bytes());
        assert_eq!(&src.as_bytes()[ranges[0].end..ranges[0].end + 4], b"\ndef");
    }

    #[test]
    fn what_a_tied_statement_binds_ties_its_users() {
        // an alias of environ, an env instance, a helper of this module, a decouple config
        let src = "\
from os import environ as E
import environ
from decouple import config
env = environ.Env()

def get(name):
    return E[name]

def a():
    return get(\"A\")

def b():
    return env(\"B\")

def c():
    return config(\"C\")

def d():
    return 1
";
        assert_eq!(names_left_out(src), ["def d"]);
    }

    #[test]
    fn definitions_named_by_tied_code_are_kept() {
        let src = "\
from pydantic_settings import BaseSettings
from pydantic import BaseModel

class Inner(BaseModel):
    host: str

class Db(BaseModel):
    inner: Inner

class Unused(BaseModel):
    x: int

class Settings(BaseSettings):
    db: \"Db\"
";
        assert_eq!(names_left_out(src), ["class Unused"]);
    }

    #[test]
    fn subclasses_of_a_tied_class_are_tied() {
        let src = "\
from pydantic_settings import BaseSettings

class Base(BaseSettings):
    a: str

class Prod(Base):
    b: str

class Other:
    pass
";
        assert_eq!(names_left_out(src), ["class Other"]);
    }

    #[test]
    fn decorators_belong_to_their_definition() {
        let src = "\
import os

@app.route(\"/\")
@login_required
def index():
    return 1

@app.route(\"/port\")
def port():
    return os.getenv(\"PORT\")
";
        let out = left_out(src);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].starts_with("@app.route(\"/\")\n@login_required\ndef index"));
    }

    #[test]
    fn column_zero_lines_inside_brackets_strings_and_continuations_start_nothing() {
        let src = "\
import os

def first():
    x = (
1)
    s = \"\"\"
def not_a_def():
\"\"\"
    y = 1 + \\
2
# a comment at column 0
    return os.getenv(\"A\")

def second():
    return 2
";
        // `first` is one statement (it holds the read), so only `second` is left out
        assert_eq!(names_left_out(src), ["def second"]);
    }

    #[test]
    fn a_bracket_open_at_the_end_cuts_nothing() {
        let src = "import os\ndef f():\n    return 1\nX = os.getenv(\"A\"\n";
        assert!(unneeded(src.as_bytes()).is_empty());
        let closed = "import os\ndef f():\n    return 1\nX = os.getenv(\"A\")\n";
        assert_eq!(names_left_out(closed), ["def f"]);
    }

    #[test]
    fn other_statements_are_always_parsed() {
        let src = "NAME = \"PORT\"\nif True:\n    def f():\n        pass\nclass C:\n    pass\n";
        assert_eq!(names_left_out(src), ["class C"]);
    }

    #[test]
    fn async_definitions_and_a_module_without_definitions() {
        let src = "import os\n\nasync def handler():\n    return 1\n";
        assert_eq!(left_out(src), ["async def handler():\n    return 1"]);
        assert!(unneeded(b"import os\nx = os.getenv('A')\n").is_empty());
        assert!(unneeded(b"").is_empty());
    }

    #[test]
    fn a_chain_of_definitions_is_linear_and_kept_whole() {
        // f0 reads, f1 calls f0, f2 calls f1...: all tied, however long the chain
        let mut src = String::from("import os\ndef f0():\n    return os.getenv('A')\n");
        for i in 1..2000 {
            src.push_str(&format!("def f{i}():\n    return f{}()\n", i - 1));
        }
        assert!(unneeded(src.as_bytes()).is_empty());
    }
    proptest::proptest! {
        /// Lines made of the bytes and words the cut acts on: no panic, and what is left out
        /// is in order, disjoint, inside the text, starts a line and never holds a trigger.
        #[test]
        fn what_is_left_out_is_ordered_and_starts_a_line(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "def f():", "class C(B):", "@d", "async def g():", "    return f()",
                    "x = (", ")", "'''", "\"a\"", "# c", "y = 1 \\", "", "    os.getenv('A')",
                    "from os import environ as E", "    E['B']", "B = C", "\tpass", "{",
                ]),
                0..40,
            )
        ) {
            let src = lines.join("\n");
            let src = src.as_bytes();
            let mut at = 0;
            for range in unneeded(src) {
                proptest::prop_assert!(at <= range.start && range.start < range.end);
                proptest::prop_assert!(range.end <= src.len());
                proptest::prop_assert!(range.start == 0 || src[range.start - 1] == b'\n');
                let text = &src[range.clone()];
                proptest::prop_assert!(!crate::scan::may_hold_reads(Family::Python, text));
                at = range.end;
            }
        }
    }
}
