//! Languages envcheck reads, their tree-sitter grammars, and the env-read queries.
//!
//! Queries live in `grammars/<lang>/env_reads.scm` and are compiled into the binary with
//! `include_str!`. Each query is compiled once per grammar, on first use, behind a `LazyLock`
//! shared by all threads, so a grammar no file needs costs nothing; parsers and query cursors
//! are per thread (see [`Parsers`]). The queries name only the node kinds a read can sit on:
//! compiling nested patterns cost tree-sitter's analysis tens of milliseconds per grammar, so the
//! shapes are checked in code instead ([`shapes`]).

use std::path::Path;
use std::sync::LazyLock;

use tree_sitter::{Parser, Query};

pub(crate) mod shapes;

/// Source of the Python env-read query.
pub const PYTHON_QUERY: &str = include_str!("../../grammars/python/env_reads.scm");
/// Source of the TypeScript/JavaScript env-read query; it compiles for the TypeScript, TSX and
/// JavaScript grammars alike (it only names node types the three share).
pub const TYPESCRIPT_QUERY: &str = include_str!("../../grammars/typescript/env_reads.scm");

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

    pub fn query_source(self) -> &'static str {
        match self.family() {
            Family::Python => PYTHON_QUERY,
            Family::Script => TYPESCRIPT_QUERY,
        }
    }

    /// The compiled env-read query for this grammar.
    pub fn query(self) -> &'static Query {
        static PYTHON: LazyLock<Query> = LazyLock::new(|| compile(Language::Python));
        static TYPESCRIPT: LazyLock<Query> = LazyLock::new(|| compile(Language::TypeScript));
        static TSX: LazyLock<Query> = LazyLock::new(|| compile(Language::Tsx));
        static JAVASCRIPT: LazyLock<Query> = LazyLock::new(|| compile(Language::JavaScript));
        match self {
            Language::Python => &PYTHON,
            Language::TypeScript => &TYPESCRIPT,
            Language::Tsx => &TSX,
            Language::JavaScript => &JAVASCRIPT,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Compiles the embedded query for a grammar. The queries are part of the binary and a test
/// compiles every one of them for every grammar, so a failure here is a build defect.
fn compile(language: Language) -> Query {
    match Query::new(&language.grammar(), language.query_source()) {
        Ok(query) => query,
        Err(err) => panic!("embedded query for {language:?} does not compile: {err}"),
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
    fn every_query_compiles_for_every_grammar_of_its_family() {
        for language in Language::ALL {
            if let Err(err) = Query::new(&language.grammar(), language.query_source()) {
                panic!("{language:?}: {err}");
            }
        }
        // The script query must also compile for each script grammar, since one file serves all.
        for language in [Language::TypeScript, Language::Tsx, Language::JavaScript] {
            Query::new(&language.grammar(), TYPESCRIPT_QUERY)
                .unwrap_or_else(|err| panic!("{language:?}: {err}"));
        }
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
