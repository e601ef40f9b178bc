//! Which grammar parses which file: `.js`/`.jsx`/`.mjs`/`.cjs` go to tree-sitter-javascript,
//! `.ts`/`.mts`/`.cts` to TypeScript, `.tsx` to TSX. These tests show that the JavaScript
//! grammar parses real JavaScript, JSX included, without errors, and why the TypeScript grammars
//! are not used for it.

use envcheck::lang::{Language, Parsers};

fn has_errors(language: Language, src: &str) -> bool {
    let mut parsers = Parsers::default();
    let tree = parsers.get(language).parse(src, None).expect("a tree");
    tree.root_node().has_error()
}

/// Valid JavaScript and JSX, in the shapes real projects have.
const JS_SAMPLES: &[&str] = &[
    "const a = process.env.A ?? 'x';\nexport default function App() { return <div className=\"x\">{a}</div>; }\n",
    "module.exports = { port: Number(process.env.PORT) || 3000 };\n",
    "import x from './x.js';\nconst { A = 1, B: b } = process.env;\nclass C { #p = 1; static s = 2; get v() { return this.#p; } }\n",
    "async function* gen() { for await (const x of y) yield x; }\nlabel: for (;;) { break label; }\n",
    "const el = <>\n  <Foo bar={1} {...rest} />\n  {list.map((i) => <li key={i}>{i}</li>)}\n</>;\n",
    "const re = /ab+c/gi; const t = `a${b}c`; a?.b?.(c); a ??= b; x **= 2;\n",
    // JavaScript lets these words be identifiers; TypeScript gives them meaning.
    "let as = 1; as = 2;\nlet satisfies = process.env.S; satisfies + 1;\n",
    "class A { declare = 1; readonly = 2; abstract() { return process.env.A; } }\n",
    // HTML-like comments (Annex B) are valid in scripts.
    "var a = 1;\n<!-- legacy comment\nvar b = 2;\n",
];

#[test]
fn javascript_grammar_parses_javascript_and_jsx_cleanly() {
    for src in JS_SAMPLES {
        assert!(
            !has_errors(Language::JavaScript, src),
            "JavaScript grammar failed on:\n{src}"
        );
    }
}

#[test]
fn the_typescript_grammars_reject_some_valid_javascript() {
    // `<Foo>` is a type assertion in .ts and JSX only in .tsx, so plain TypeScript fails on JSX;
    // TSX in turn rejects JavaScript that uses `as`, `satisfies`, `declare` or `readonly` as
    // names. Either would lose reads in .js files, hence the JavaScript grammar for them.
    assert!(has_errors(Language::TypeScript, JS_SAMPLES[0]));
    for src in &JS_SAMPLES[6..8] {
        assert!(has_errors(Language::Tsx, src), "TSX parsed:\n{src}");
    }
}

#[test]
fn typescript_grammars_parse_typescript() {
    let ts = "interface A { x?: string }\nconst a = <string>process.env.A!;\nexport const b = process.env.B as string;\nenum E { A = 1 }\n";
    assert!(!has_errors(Language::TypeScript, ts));
    let tsx = "type P = { a: string };\nexport const C = (p: P) => <div title={process.env.T!}>{p.a}</div>;\n";
    assert!(!has_errors(Language::Tsx, tsx));
}
