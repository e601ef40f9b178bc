//! Valid TypeScript / JavaScript that the tree-sitter grammars reject.
//!
//! A file with a syntax error is only partly parsed (ENV202). When the "error" is valid code the
//! grammar does not know, the notice should say so: the code is fine, the reads outside that
//! spot are kept, and nothing needs fixing in the project. These are the constructs the grammars
//! in use (tree-sitter-typescript 0.23, tree-sitter-javascript 0.25) reject, found by parsing
//! each and reading the error node they leave:
//!
//! - a function type whose parameter has no type annotation, as a type alias or inside a
//!   parenthesized type: `type F = (string) => boolean` (`(string)` becomes a parenthesized type,
//!   the `=> boolean` an error);
//! - a bare `&` in JSX text: `<p>Tom & Jerry</p>` (valid JSX: `&` starts an entity only when one
//!   follows);
//! - a tagged template with type arguments other than one plain type name: ``sql<Row[]>`...` ``,
//!   ``styled.div<{ a: boolean }>`...` ``, ``f<A, B>`...` `` (an error holding the instantiation, or
//!   a missing `!` the grammar invents before the template).
//!
//! Every error region of the file must be one of these for the notice to blame the grammar;
//! otherwise the file has a real syntax error and the plain notice stands. The walk descends only
//! into subtrees that hold an error, with a cursor, so its cost is bounded by the tree's size.

use tree_sitter::Node;

use super::Ctx;
use crate::lang::Language;
use crate::span::Position;

/// The notice for a file whose only syntax errors are valid constructs the grammar rejects.
pub(super) fn grammar_gap(ctx: &Ctx, language: Language, root: Node) -> Option<String> {
    let (at, what) = first_gap(ctx, root)?;
    let grammar = match language {
        Language::JavaScript => "JavaScript",
        _ => "TypeScript",
    };
    Some(format!(
        "the {grammar} grammar rejects this valid construct ({what}) at {}:{}; reads outside it \
         are kept",
        at.line, at.column
    ))
}

/// The position and description of the first error region, if every region is a known gap.
fn first_gap(ctx: &Ctx, root: Node) -> Option<(Position, &'static str)> {
    if !root.has_error() {
        return None;
    }
    let mut first = None;
    let mut stack = vec![root];
    let mut w = root.walk();
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let what = known_gap(ctx, node)?;
            let at = ctx.position(node);
            if first.is_none_or(|(f, _)| at < f) {
                first = Some((at, what));
            }
            continue;
        }
        for child in node.children(&mut w) {
            if child.has_error() || child.is_missing() {
                stack.push(child);
            }
        }
    }
    first
}

/// What valid construct an error or missing node stands for, if it is one the grammar rejects.
fn known_gap(ctx: &Ctx, node: Node) -> Option<&'static str> {
    let parent = node.parent()?;
    let text = ctx.text(node);
    // `type F = (string) => boolean`
    if node.is_error()
        && text.trim_start().starts_with("=>")
        && node
            .prev_sibling()
            .is_some_and(|p| p.kind() == "parenthesized_type")
    {
        return Some("a function type with an unannotated parameter, like (string) => boolean");
    }
    // `<p>Tom & Jerry</p>`
    let after_ampersand = || {
        ctx.src[..node.start_byte()]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'&')
    };
    if node.is_error()
        && matches!(parent.kind(), "jsx_element" | "jsx_fragment")
        && (text.trim_start().starts_with('&') || after_ampersand())
    {
        return Some("a bare & in JSX text");
    }
    // ``sql<Row[]>`...` ``: an error holding the instantiation, the template right after
    if node.is_error()
        && node
            .named_child(0)
            .is_some_and(|c| c.kind() == "instantiation_expression")
        && node
            .next_named_sibling()
            .is_some_and(|n| n.kind() == "template_string")
    {
        return Some("a tagged template with type arguments, like sql<Row[]>`...`");
    }
    // ``styled.div<{ a: boolean }>`...` ``: a `!` the grammar invents before the template
    if node.is_missing()
        && parent.kind() == "non_null_expression"
        && parent
            .named_child(0)
            .is_some_and(|c| c.kind() == "instantiation_expression")
        && parent
            .next_named_sibling()
            .is_some_and(|n| n.kind() == "template_string")
    {
        return Some("a tagged template with type arguments, like sql<Row[]>`...`");
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::lang::{Language, Parsers};

    fn gap(language: Language, src: &str) -> Option<String> {
        let facts = extract(language, src.as_bytes(), &mut Parsers::default());
        assert!(facts.partial, "{language:?}: {src} parses cleanly");
        // the reads outside the construct are kept
        assert!(
            facts.reads.iter().any(|r| r.name == "KEPT"),
            "{language:?}: {src}: {:?}",
            facts.reads
        );
        facts.grammar_gap
    }

    #[test]
    fn valid_code_the_grammar_rejects_is_named() {
        let cases: &[(&[Language], &str, &str)] = &[
            (
                &[Language::TypeScript, Language::Tsx],
                "type F = (string) => boolean;\nexport const a = process.env.KEPT;\n",
                "the TypeScript grammar rejects this valid construct (a function type with an \
                 unannotated parameter, like (string) => boolean) at 1:19; reads outside it are kept",
            ),
            (
                &[Language::Tsx],
                "export const C = () => <p>Tom & Jerry</p>;\nexport const a = process.env.KEPT;\n",
                "the TypeScript grammar rejects this valid construct (a bare & in JSX text) at \
                 1:31; reads outside it are kept",
            ),
            (
                &[Language::JavaScript],
                "export const C = () => <p>Tom & Jerry</p>;\nexport const a = process.env.KEPT;\n",
                "the JavaScript grammar rejects this valid construct (a bare & in JSX text) at \
                 1:31; reads outside it are kept",
            ),
            (
                &[Language::TypeScript],
                "const q = sql<Row[]>`select ${x}`;\nexport const a = process.env.KEPT;\n",
                "the TypeScript grammar rejects this valid construct (a tagged template with type \
                 arguments, like sql<Row[]>`...`) at 1:11; reads outside it are kept",
            ),
            (
                &[Language::TypeScript],
                "const B = styled.div<{ a: boolean }>`\n  color: red;\n`;\nexport const a = process.env.KEPT;\n",
                "the TypeScript grammar rejects this valid construct (a tagged template with type \
                 arguments, like sql<Row[]>`...`) at 1:37; reads outside it are kept",
            ),
        ];
        for (languages, src, want) in cases {
            for language in *languages {
                assert_eq!(
                    gap(*language, src).as_deref(),
                    Some(*want),
                    "{language:?}: {src}"
                );
            }
        }
    }

    /// A real syntax error, alone or beside a known gap, keeps the plain notice.
    #[test]
    fn real_syntax_errors_are_not_blamed_on_the_grammar() {
        for src in [
            "export const a = process.env.KEPT;\nconst b = (;\n",
            "type F = (string) => boolean;\nexport const a = process.env.KEPT;\nconst b = (;\n",
        ] {
            assert_eq!(gap(Language::TypeScript, src), None, "{src}");
        }
    }
}
