//! Languages envcheck reads, their tree-sitter grammars, and the nodes env reads sit on.
//!
//! A read sits on one of a few node kinds per language family ([`PYTHON_SITES`],
//! [`SCRIPT_SITES`]); [`Sites`] walks a tree and yields those nodes, and [`shapes`] checks the
//! rest of each shape in code. There is no tree-sitter query: compiling one costs tree-sitter an
//! analysis of the grammar's whole parse table (2-3 ms of CPU per grammar even for patterns of one
//! node, most of a run over a small project), and a walk that compares kind ids finds the same
//! nodes for nothing (see shapes.md in this directory for the shapes and their parts). Parsers are
//! per thread (see [`Parsers`]).

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use tree_sitter::{Node, Parser, TreeCursor};

pub(crate) mod shapes;

/// The node kinds an env read can sit on in Python:
/// `call` (`os.getenv("X")`, `os.environ.get("X", d)`, `getenv("X")`, `env("X")`),
/// `subscript` (`os.environ["X"]`, `environ[KEY]`),
/// `comparison_operator` (`"X" in os.environ`, `"X" not in os.environ`).
pub const PYTHON_SITES: [&str; 3] = ["call", "subscript", "comparison_operator"];

/// The node kinds an env read can sit on in TypeScript and JavaScript (with or without JSX),
/// kinds the three grammars share:
/// `member_expression` (`process.env.X`, `import.meta.env.VITE_X`, `Bun.env.X`),
/// `subscript_expression` (`process.env["X"]`, `process.env[key]`),
/// `call_expression` (`Deno.env.get("X")`, `cleanEnv` / `createEnv` / `loadEnv`,
/// `schema.parse(env)`), `binary_expression` (`"X" in process.env`),
/// `variable_declarator` (`const { A, B = "d", C: alias } = process.env`),
/// `pair` (build-time constants: `'process.env.X': ...`, `env: { X: ... }`).
pub const SCRIPT_SITES: [&str; 6] = [
    "member_expression",
    "subscript_expression",
    "call_expression",
    "binary_expression",
    "variable_declarator",
    "pair",
];

/// A language family: the extractor that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Python,
    /// TypeScript and JavaScript, with or without JSX.
    Script,
}

/// A grammar envcheck parses with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
}

impl Language {
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
    ];

    /// The language of a file, from its extension. `.d.ts` declaration files hold no reads. A
    /// name that is not UTF-8 is read lossily: its extension still counts.
    pub fn from_path(path: &Path) -> Option<Language> {
        let name = path.file_name()?.to_string_lossy();
        let name = name.as_ref();
        let ext = name.rsplit_once('.')?.1;
        match ext {
            "py" => Some(Language::Python),
            "ts" | "mts" | "cts" => {
                if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
                    None
                } else {
                    Some(Language::TypeScript)
                }
            }
            "tsx" => Some(Language::Tsx),
            "js" | "jsx" | "mjs" | "cjs" => Some(Language::JavaScript),
            _ => None,
        }
    }

    pub fn family(self) -> Family {
        match self {
            Language::Python => Family::Python,
            _ => Family::Script,
        }
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        }
    }

    /// The node kinds a read can sit on in this grammar.
    pub fn site_kinds(self) -> &'static [&'static str] {
        match self.family() {
            Family::Python => &PYTHON_SITES,
            Family::Script => &SCRIPT_SITES,
        }
    }

    /// Which kind ids of this grammar are sites, indexed by kind id. Every id whose name is a
    /// site kind counts, aliases included, as a query naming the kind would match them.
    fn site_table(self) -> &'static [bool] {
        static TABLES: [LazyLock<Box<[bool]>>; 4] = [
            LazyLock::new(|| site_table(Language::Python)),
            LazyLock::new(|| site_table(Language::TypeScript)),
            LazyLock::new(|| site_table(Language::Tsx)),
            LazyLock::new(|| site_table(Language::JavaScript)),
        ];
        &TABLES[self.index()]
    }

    fn index(self) -> usize {
        self as usize
    }
}

fn site_table(language: Language) -> Box<[bool]> {
    let grammar = language.grammar();
    let sites = language.site_kinds();
    (0..grammar.node_kind_count())
        .map(|id| {
            let id = id as u16;
            grammar.node_kind_is_named(id)
                && grammar
                    .node_kind_for_id(id)
                    .is_some_and(|name| sites.contains(&name))
        })
        .collect()
}

/// The site nodes of a tree that overlap a byte range, in document order (a node before the
/// nodes inside it). The walk is iterative and enters only nodes that overlap the range, so a
/// range costs the depth of the tree plus the nodes in it.
pub struct Sites<'t> {
    cursor: TreeCursor<'t>,
    table: &'static [bool],
    range: Range<usize>,
    done: bool,
}

impl<'t> Sites<'t> {
    pub fn new(language: Language, root: Node<'t>, range: Range<usize>) -> Sites<'t> {
        Sites {
            cursor: root.walk(),
            table: language.site_table(),
            range,
            done: false,
        }
    }

    /// Moves to the next node in document order that is not inside the current one.
    fn skip(&mut self) {
        while !self.cursor.goto_next_sibling() {
            if !self.cursor.goto_parent() {
                self.done = true;
                return;
            }
        }
    }
}

impl<'t> Iterator for Sites<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        while !self.done {
            let node = self.cursor.node();
            if node.start_byte() >= self.range.end {
                // every later node starts at or after this one
                self.done = true;
                return None;
            }
            if node.end_byte() <= self.range.start {
                self.skip();
                continue;
            }
            if !self.cursor.goto_first_child() {
                self.skip();
            }
            if self.table.get(usize::from(node.kind_id())) == Some(&true) {
                return Some(node);
            }
        }
        None
    }
}

/// One parser per grammar, made on first use. Each scanning thread owns one `Parsers`.
#[derive(Default)]
pub struct Parsers {
    parsers: [Option<Parser>; 4],
}

impl Parsers {
    pub fn get(&mut self, language: Language) -> &mut Parser {
        self.parsers[language.index()].get_or_insert_with(|| {
            let mut parser = Parser::new();
            if let Err(err) = parser.set_language(&language.grammar()) {
                panic!("grammar for {language:?} is incompatible with tree-sitter: {err}");
            }
            parser
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_kind_is_a_named_kind_of_every_grammar_of_its_family() {
        for language in Language::ALL {
            let grammar = language.grammar();
            for kind in language.site_kinds() {
                assert_ne!(
                    grammar.id_for_node_kind(kind, true),
                    0,
                    "{language:?}: {kind}"
                );
            }
            let table = language.site_table();
            assert!(
                table.iter().filter(|&&site| site).count() >= language.site_kinds().len(),
                "{language:?}"
            );
        }
    }

    /// The sites of `src`, as (kind, text), over `range` (all of it when `None`).
    fn sites(language: Language, src: &str, range: Option<Range<usize>>) -> Vec<(String, String)> {
        let mut parser = Parser::new();
        parser.set_language(&language.grammar()).expect("grammar");
        let tree = parser.parse(src, None).expect("parse");
        let range = range.unwrap_or(0..src.len());
        Sites::new(language, tree.root_node(), range)
            .map(|n| (n.kind().to_string(), src[n.byte_range()].to_string()))
            .collect()
    }

    #[test]
    fn sites_in_document_order_outer_first() {
        let src = "const a = f(process.env.A);\nconst b = process.env['B'];\n";
        let got = sites(Language::TypeScript, src, None);
        let want = [
            ("variable_declarator", "a = f(process.env.A)"),
            ("call_expression", "f(process.env.A)"),
            ("member_expression", "process.env.A"),
            ("member_expression", "process.env"),
            ("variable_declarator", "b = process.env['B']"),
            ("subscript_expression", "process.env['B']"),
            ("member_expression", "process.env"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want);

        let src = "import os\nif 'A' in os.environ:\n    x = os.environ['B'] or os.getenv('C')\n";
        let kinds: Vec<String> = sites(Language::Python, src, None)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(kinds, ["comparison_operator", "subscript", "call"]);
    }

    #[test]
    fn sites_only_where_they_overlap_the_range() {
        let src = "f(1);\ng(process.env.A);\nh(2);\n";
        let at = src.find("env").expect("env");
        let got = sites(Language::JavaScript, src, Some(at..at + 3));
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["g(process.env.A)", "process.env.A", "process.env"]);
        // a range past the end, and an empty tree, yield nothing
        assert!(sites(Language::JavaScript, src, Some(src.len()..src.len() + 3)).is_empty());
        assert!(sites(Language::Python, "", None).is_empty());
    }

    #[test]
    fn languages_from_extensions() {
        let cases = [
            ("a.py", Some(Language::Python)),
            ("a.pyi", None),
            ("a.ts", Some(Language::TypeScript)),
            ("a.mts", Some(Language::TypeScript)),
            ("a.cts", Some(Language::TypeScript)),
            ("a.d.ts", None),
            ("a.tsx", Some(Language::Tsx)),
            ("a.js", Some(Language::JavaScript)),
            ("a.jsx", Some(Language::JavaScript)),
            ("a.mjs", Some(Language::JavaScript)),
            ("a.cjs", Some(Language::JavaScript)),
            ("a.rs", None),
            ("Makefile", None),
        ];
        for (name, want) in cases {
            assert_eq!(Language::from_path(Path::new(name)), want, "{name}");
        }
        // a name that is not UTF-8 keeps its extension
        let name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"bad\xff.py");
        assert_eq!(Language::from_path(Path::new(name)), Some(Language::Python));
    }
}
