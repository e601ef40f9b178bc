//! When a read matters: as the program starts, or only when one code path runs.
//!
//! A missing variable read at module level stops the service at boot; one read in a request
//! handler fails that handler; one read behind `if FEATURE_X:` matters only with the feature on.
//! Rules grade findings by that consequence, so every read carries a [`When`] and, for reads that
//! matter only on use, a short description of the path (`send_email()`, `if FEATURE_X`).
//!
//! The answer comes from the syntax around the read's key, climbing from the key to the root:
//!
//! - a function, method, lambda, arrow function or callback body: [`When::OnUse`], named after
//!   the function (`name()`), the method (`Class.name()`), the variable or property an anonymous
//!   function is bound to, else "a callback";
//! - the branches of an `if` (not its condition), of a conditional expression (`a if c else b`,
//!   `c ? a : b`), the right operand of `and` / `&&` (a conditional spread
//!   `...(cond && { X: str() })`), a `case` of `match` / `switch`, an exception handler:
//!   [`When::OnUse`], named after the condition;
//! - an instance field initializer of a TS/JS class: on use, when the class is constructed;
//! - anything else up to the module: [`When::Startup`]. Class bodies (Python settings classes,
//!   class attributes), decorators, module-level constants, schemas validated at import
//!   (pydantic-settings, envalid `cleanEnv`, t3 `createEnv`, django-environ) all run at import.
//!
//! Short-circuit fallbacks (`or`, `||`, `??`) are not branches here: `os.getenv("A") or
//! os.getenv("B")` reads B as A's fallback, and its kind already says so. An immediately invoked
//! function at module level runs at start-up but counts as on use: it is rare, and the rule it
//! feeds errs on the side of a warning.
//!
//! The walk is bounded by the tree's depth, which the nesting guard of [`super::Limits`] caps.

use serde::Serialize;
use tree_sitter::Node;

use super::Ctx;

/// When a read is evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// As the program starts: a missing value stops it at boot.
    #[default]
    Startup,
    /// Only when one code path runs (a function, a branch, a conditional schema member): a
    /// missing value fails that path.
    OnUse,
    /// At build time: a build configuration (`vite.config.ts`, `next.config.js`, webpack), or a
    /// name the build replaces with a constant (next.config `env`, Vite `define`, webpack
    /// `DefinePlugin`). The deploy target's runtime environment is not where it comes from.
    Build,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::Startup => "startup",
            When::OnUse => "on-use",
            When::Build => "build",
        }
    }
}

/// How long a path description may be, in characters: enough for `if settings.FEATURE_X` or
/// `provider === 'gcs'`, short enough for one line of a message.
const MAX_CONTEXT: usize = 48;

/// When the read whose key is `key` is evaluated, and for [`When::OnUse`], the path that needs
/// it.
pub(crate) fn when_of(ctx: &Ctx, key: Node) -> (When, Option<String>) {
    let mut child = key;
    while let Some(parent) = child.parent() {
        if let Some(context) = on_use(ctx, parent, child) {
            return (When::OnUse, Some(context));
        }
        child = parent;
    }
    (When::Startup, None)
}

/// Whether reaching `parent` from `child` makes the read conditional, and the path's
/// description. Node kinds of both grammar families: they do not overlap in meaning.
fn on_use(ctx: &Ctx, parent: Node, child: Node) -> Option<String> {
    let field_is = |field: &str| parent.child_by_field_name(field) == Some(child);
    match parent.kind() {
        // Python
        "function_definition" | "function_declaration" | "generator_function_declaration"
            if field_is("body") =>
        {
            Some(function_name(ctx, parent))
        }
        "lambda" if field_is("body") => Some(bound_name(ctx, parent)),
        "if_statement" if !field_is("condition") => {
            let condition = parent.child_by_field_name("condition")?;
            Some(format!("if {}", condition_text(ctx, condition)))
        }
        "elif_clause" => {
            let condition = parent.child_by_field_name("condition")?;
            Some(format!("elif {}", condition_text(ctx, condition)))
        }
        // `a if c else b`: the condition is the second named child
        "conditional_expression" if parent.named_child(1) != Some(child) => {
            let condition = parent.named_child(1)?;
            Some(format!("if {}", condition_text(ctx, condition)))
        }
        "boolean_operator"
            if field_is("right")
                && parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "and") =>
        {
            let left = parent.child_by_field_name("left")?;
            Some(format!("if {}", condition_text(ctx, left)))
        }
        "except_clause" | "except_group_clause" => Some("an exception handler".to_string()),
        "case_clause" => Some("a `case` branch".to_string()),
        // TypeScript / JavaScript
        "function_expression" | "function" | "generator_function" | "arrow_function"
            if field_is("body") =>
        {
            Some(bound_name(ctx, parent))
        }
        "method_definition" if field_is("body") => Some(function_name(ctx, parent)),
        "ternary_expression" if !field_is("condition") => {
            let condition = parent.child_by_field_name("condition")?;
            Some(format!("if {}", condition_text(ctx, condition)))
        }
        "binary_expression"
            if field_is("right")
                && parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "&&") =>
        {
            let left = parent.child_by_field_name("left")?;
            Some(format!("if {}", condition_text(ctx, left)))
        }
        "switch_case" | "switch_default" => Some("a `case` branch".to_string()),
        "catch_clause" => Some("an exception handler".to_string()),
        "public_field_definition" | "field_definition"
            if field_is("value") && !is_static(parent) =>
        {
            let class = enclosing_class_name(ctx, parent).unwrap_or("the class");
            Some(format!("new {class}()"))
        }
        _ => None,
    }
}

/// `name()` for a named function, `Class.name()` for a method of a named class.
fn function_name(ctx: &Ctx, function: Node) -> String {
    let Some(name) = function.child_by_field_name("name") else {
        return "a callback".to_string();
    };
    let name = short(ctx.text(name));
    match enclosing_class_name(ctx, function) {
        Some(class) => format!("{class}.{name}()"),
        None => format!("{name}()"),
    }
}

/// The name an anonymous function is bound to: `const handler = () => ...`, `{ send: () => ...
/// }`, `this.x = function () {...}`; else "a callback".
fn bound_name(ctx: &Ctx, function: Node) -> String {
    let mut node = function;
    // `const f = async () => ...` and parenthesized forms sit right under the binding
    while let Some(parent) = node.parent() {
        let name = match parent.kind() {
            "parenthesized_expression" | "await_expression" => {
                node = parent;
                continue;
            }
            "variable_declarator" => parent.child_by_field_name("name"),
            "pair" => parent.child_by_field_name("key"),
            "assignment_expression" | "assignment" => parent.child_by_field_name("left"),
            "public_field_definition" | "field_definition" => parent
                .child_by_field_name("name")
                .or_else(|| parent.child_by_field_name("property")),
            _ => None,
        };
        return match name {
            Some(n) if ctx.text(n).len() <= MAX_CONTEXT => format!("{}()", ctx.text(n)),
            _ => "a callback".to_string(),
        };
    }
    "a callback".to_string()
}

fn is_static(field: Node) -> bool {
    let mut w = field.walk();
    field.children(&mut w).any(|c| c.kind() == "static")
}

/// The name of the class a method or field belongs to, if it is named.
fn enclosing_class_name<'s>(ctx: &Ctx<'s>, node: Node) -> Option<&'s str> {
    let mut node = node.parent()?;
    // a method sits in a class body (`block` in Python, `class_body` in TS/JS), possibly under a
    // decorated definition
    if matches!(node.kind(), "decorated_definition") {
        node = node.parent()?;
    }
    if !matches!(node.kind(), "block" | "class_body") {
        return None;
    }
    let class = node.parent()?;
    if !matches!(
        class.kind(),
        "class_definition" | "class_declaration" | "class" | "abstract_class_declaration"
    ) {
        return None;
    }
    Some(ctx.text(class.child_by_field_name("name")?)).filter(|n| n.len() <= MAX_CONTEXT)
}

/// A condition as a short one-line text, secret-shaped tokens masked.
pub(super) fn condition_text(ctx: &Ctx, node: Node) -> String {
    let mut node = node;
    // `if (x)` in TS/JS: the parentheses are syntax, not part of the condition
    while node.kind() == "parenthesized_expression" && node.named_child_count() == 1 {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    short(&ctx.expression(node))
}

/// `text` cut to [`MAX_CONTEXT`] characters.
fn short(text: &str) -> String {
    if text.chars().count() <= MAX_CONTEXT {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_CONTEXT - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::When::{self, *};
    use crate::extract::extract;
    use crate::lang::{Language, Parsers};

    /// `(name, when, context)` of every read of a snippet.
    fn whens(language: Language, src: &str) -> Vec<(String, When, Option<String>)> {
        let mut parsers = Parsers::default();
        extract(language, src.as_bytes(), &mut parsers)
            .reads
            .into_iter()
            .map(|r| (r.name, r.extra.when, r.extra.context))
            .collect()
    }

    fn one(language: Language, src: &str) -> (When, Option<String>) {
        let reads = whens(language, src);
        assert_eq!(reads.len(), 1, "{src}\n=> {reads:?}");
        let (_, when, context) = reads.into_iter().next().expect("one read");
        (when, context)
    }

    fn on_use(context: &str) -> (When, Option<String>) {
        (OnUse, Some(context.to_string()))
    }

    #[test]
    fn python() {
        let py = |src: &str| one(Language::Python, src);
        assert_eq!(py("import os\nX = os.environ['X']\n"), (Startup, None));
        assert_eq!(
            py("import os\nclass C:\n    x = os.getenv('X')\n"),
            (Startup, None)
        );
        assert_eq!(
            py("import os\ndef send():\n    return os.environ['X']\n"),
            on_use("send()")
        );
        assert_eq!(
            py("import os\nclass Mailer:\n    def send(self):\n        return os.environ['X']\n"),
            on_use("Mailer.send()")
        );
        assert_eq!(
            py(
                "import os\nclass M:\n    @property\n    def url(self):\n        return os.environ['X']\n"
            ),
            on_use("M.url()")
        );
        assert_eq!(
            py("import os\nif FEATURE_X:\n    TOKEN = os.environ['X']\n"),
            on_use("if FEATURE_X")
        );
        assert_eq!(
            py("import os\nif DEBUG:\n    pass\nelse:\n    TOKEN = os.environ['X']\n"),
            on_use("if DEBUG")
        );
        assert_eq!(
            py("import os\nif A:\n    pass\nelif B:\n    T = os.environ['X']\n"),
            on_use("elif B")
        );
        // the condition itself runs at start-up
        assert_eq!(
            py("import os\nif os.getenv('X'):\n    pass\n"),
            (Startup, None)
        );
        assert_eq!(
            py("import os\nT = os.environ['X'] if USE_X else None\n"),
            on_use("if USE_X")
        );
        assert_eq!(
            py("import os\nT = USE_X and os.environ['X']\n"),
            on_use("if USE_X")
        );
        assert_eq!(
            py("import os\nf = lambda: os.environ['X']\n"),
            on_use("f()")
        );
        assert_eq!(
            py("import os\ntry:\n    pass\nexcept ImportError:\n    T = os.environ['X']\n"),
            on_use("an exception handler")
        );
        // decorators and parameter defaults run when the function is defined
        assert_eq!(
            py("import os\n@app.task(retries=int(os.environ['X']))\ndef f():\n    pass\n"),
            (Startup, None)
        );
        assert_eq!(
            py("import os\ndef f(url=os.environ['X']):\n    pass\n"),
            (Startup, None)
        );
    }

    #[test]
    fn scripts() {
        for language in [Language::TypeScript, Language::Tsx, Language::JavaScript] {
            let js = |src: &str| one(language, src);
            assert_eq!(js("export const x = process.env.X;"), (Startup, None));
            assert_eq!(
                js("export function send() { return process.env.X; }"),
                on_use("send()")
            );
            assert_eq!(
                js("export const handler = async () => process.env.X;"),
                on_use("handler()")
            );
            assert_eq!(
                js("app.get('/', (req, res) => res.send(process.env.X));"),
                on_use("a callback")
            );
            assert_eq!(
                js("class Mailer { send() { return process.env.X; } }"),
                on_use("Mailer.send()")
            );
            assert_eq!(
                js("const c = { get url() { return process.env.X; } };"),
                on_use("url()")
            );
            assert_eq!(
                js("if (provider === 'gcs') { init(process.env.X); }"),
                on_use("if provider === 'gcs'")
            );
            assert_eq!(js("if (process.env.X) { init(); }"), (Startup, None));
            assert_eq!(
                js("const t = useX ? process.env.X : undefined;"),
                on_use("if useX")
            );
            assert_eq!(
                js("const o = { ...(enabled && { x: process.env.X }) };"),
                on_use("if enabled")
            );
            assert_eq!(js("class C { key = process.env.X; }"), on_use("new C()"));
            assert_eq!(
                js("class C { static key = process.env.X; }"),
                (Startup, None)
            );
            assert_eq!(
                js("switch (mode) { case 'a': use(process.env.X); }"),
                on_use("a `case` branch")
            );
        }
        // a decorator argument is evaluated with the class
        assert_eq!(
            one(
                Language::TypeScript,
                "@Module({ ttl: process.env.X })\nexport class M {}"
            ),
            (Startup, None)
        );
    }
}
