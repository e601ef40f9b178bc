//! A small YAML document tree with line numbers, shared by the Kubernetes and compose readers.
//!
//! Built on `saphyr-parser`, the event parser under `saphyr` and `yaml-rust2`: it reports a span
//! (1-based line) for every event and for every error, has no dependencies beyond `arraydeque`
//! and `thiserror`, and leaves aliases to the caller. The tree loaders (`saphyr`, `yaml-rust2`)
//! deep-copy the anchored node at every alias, so a "billion laughs" document (nine aliases to
//! nine aliases to ...) expands to billions of nodes; `serde-saphyr` bounds that with a budget
//! but deserializes into serde types, which loses the line of each key and the difference between
//! `value: 5432` and `value: "5432"` that the readers report on. Here an alias shares the anchored
//! node (`Rc`), and the total size the aliases and `<<` merge keys stand for is capped at
//! [`EXPANSION_LIMIT`] nodes, so a traversal of the tree stays bounded too. Nesting is capped at
//! [`DEPTH_LIMIT`] so that dropping the tree cannot overflow the stack.
//!
//! Scalars hold values from manifests; `Debug` prints a placeholder instead of the text, and no
//! error message built here contains scalar text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::SourceError;

/// The most nodes that aliases and merge keys may stand for in one file.
pub(crate) const EXPANSION_LIMIT: usize = 1_000_000;
/// The deepest nesting of collections accepted.
pub(crate) const DEPTH_LIMIT: usize = 256;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Quoted,
    Block,
}

/// What a scalar means under the YAML 1.1 rules that Kubernetes (go-yaml v2) applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

pub(crate) struct Scalar {
    pub(crate) text: String,
    pub(crate) style: Style,
    /// The suffix of a core-schema tag (`str` for `!!str`), or the whole tag for others.
    pub(crate) tag: Option<String>,
}

impl Scalar {
    /// The type a go-yaml v2 decoder gives this scalar.
    pub(crate) fn resolve(&self) -> Resolved {
        if let Some(tag) = &self.tag {
            return match tag.as_str() {
                "str" | "binary" => Resolved::Str,
                "null" => Resolved::Null,
                "bool" => Resolved::Bool,
                "int" => Resolved::Int,
                "float" => Resolved::Float,
                _ => Resolved::Str,
            };
        }
        if self.style != Style::Plain {
            return Resolved::Str;
        }
        resolve_plain(&self.text)
    }

    pub(crate) fn is_null(&self) -> bool {
        self.resolve() == Resolved::Null
    }
}

fn resolve_plain(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True"
        | "TRUE" | "false" | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            return Resolved::Bool;
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Resolved::Float,
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if is_int(unsigned) {
        return Resolved::Int;
    }
    if is_float(unsigned) {
        return Resolved::Float;
    }
    Resolved::Str
}

fn is_int(s: &str) -> bool {
    let digits = |body: &str, ok: fn(char) -> bool| {
        !body.is_empty() && body.chars().all(|c| c == '_' || ok(c)) && body.chars().any(ok)
    };
    if let Some(b) = s.strip_prefix("0b") {
        return digits(b, |c| c == '0' || c == '1');
    }
    if let Some(h) = s.strip_prefix("0x") {
        return digits(h, |c| c.is_ascii_hexdigit());
    }
    if let Some(o) = s.strip_prefix("0o") {
        return digits(o, |c| ('0'..='7').contains(&c));
    }
    s.starts_with(|c: char| c.is_ascii_digit()) && digits(s, |c| c.is_ascii_digit())
}

fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let Some(dot) = mantissa.find('.') else {
        return false;
    };
    let (whole, frac) = (&mantissa[..dot], &mantissa[dot + 1..]);
    let digits_ok = |part: &str| part.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !digits_ok(whole) || !digits_ok(frac) {
        return false;
    }
    if !whole
        .chars()
        .chain(frac.chars())
        .any(|c| c.is_ascii_digit())
    {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    }
}

pub(crate) enum Kind {
    Scalar(Scalar),
    Seq(Vec<Rc<Node>>),
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

/// One node and the 1-based line it starts on.
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) line: usize,
    /// Nodes in this subtree, counting every alias as the subtree it stands for.
    size: usize,
    /// Levels of collections in this subtree, aliases included.
    depth: usize,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Scalar(_) => write!(f, "Scalar(<redacted>)@{}", self.line),
            Kind::Seq(items) => f.debug_list().entries(items).finish(),
            Kind::Map(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

impl Node {
    pub(crate) fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar, whatever its type.
    pub(crate) fn as_str(&self) -> Option<&str> {
        self.scalar().map(|s| s.text.as_str())
    }

    pub(crate) fn as_seq(&self) -> Option<&[Rc<Node>]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&[(Rc<Node>, Rc<Node>)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        self.scalar().is_some_and(Scalar::is_null)
    }

    /// The value of the last entry whose key is the scalar `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key and value of the last entry whose key is the scalar `key`.
    pub(crate) fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// Follows a path of mapping keys.
    pub(crate) fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }
}

/// Whether a scalar is one of the YAML 1.1 spellings of true.
pub(crate) fn is_true(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
    )
}

/// A collection being built.
struct Open {
    line: usize,
    anchor: usize,
    is_map: bool,
    children: Vec<Rc<Node>>,
    size: usize,
    depth: usize,
}

fn error(path: &str, line: Option<usize>, message: impl Into<String>) -> SourceError {
    SourceError {
        path: path.to_string(),
        line,
        message: message.into(),
    }
}

/// Parser messages may quote one character of the input between a backtick and a quote; that
/// character is dropped so no part of a value can reach the message.
fn scan_error(path: &str, e: &ScanError) -> SourceError {
    let mut message = String::new();
    let mut quoting = false;
    for c in e.info().chars() {
        match (quoting, c) {
            (false, '`') => {
                quoting = true;
                message.push_str("a character");
            }
            (true, '\'') => quoting = false,
            (true, _) => {}
            (false, c) => message.push(c),
        }
    }
    error(
        path,
        Some(e.marker().line().max(1)),
        format!("invalid YAML: {message}"),
    )
}

fn tag_name(tag: Option<Cow<'_, Tag>>) -> Option<String> {
    tag.map(|t| {
        if t.is_yaml_core_schema() || t.handle == "!!" {
            t.suffix.clone()
        } else {
            t.to_string()
        }
    })
}

/// Parses every document of a YAML stream. Empty documents are returned as null scalars.
pub(crate) fn parse(path: &str, text: &str) -> Result<Vec<Rc<Node>>, SourceError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut expanded: usize = 0;
    let mut root: Option<Rc<Node>> = None;

    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(path, &e))?;
        let line = span.start.line().max(1);
        let finished: Option<(Rc<Node>, usize)> = match event {
            Event::StreamStart | Event::Nothing => None,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                anchors.clear();
                root = None;
                None
            }
            Event::DocumentEnd => {
                let node = root.take().unwrap_or_else(|| {
                    Rc::new(Node {
                        kind: Kind::Scalar(Scalar {
                            text: String::new(),
                            style: Style::Plain,
                            tag: None,
                        }),
                        line,
                        size: 1,
                        depth: 0,
                    })
                });
                docs.push(node);
                None
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(error(
                        path,
                        Some(line),
                        "invalid YAML: an alias refers to an anchor that is not complete yet",
                    ));
                };
                expanded = expanded.saturating_add(target.size);
                if expanded > EXPANSION_LIMIT {
                    return Err(alias_bomb(path, line));
                }
                Some((Rc::clone(target), 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                };
                let node = Rc::new(Node {
                    kind: Kind::Scalar(Scalar {
                        text: value.into_owned(),
                        style,
                        tag: tag_name(tag),
                    }),
                    line,
                    size: 1,
                    depth: 0,
                });
                Some((node, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= DEPTH_LIMIT {
                    return Err(too_deep(path, line));
                }
                stack.push(Open {
                    line,
                    anchor,
                    is_map: matches!(event, Event::MappingStart(..)),
                    children: Vec::new(),
                    size: 1,
                    depth: 1,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else {
                    return Err(error(
                        path,
                        Some(line),
                        "invalid YAML: unbalanced collection",
                    ));
                };
                let anchor = open.anchor;
                let node = if open.is_map {
                    close_map(path, open, &mut expanded)?
                } else {
                    Node {
                        kind: Kind::Seq(open.children),
                        line: open.line,
                        size: open.size,
                        depth: open.depth,
                    }
                };
                if node.depth > DEPTH_LIMIT {
                    return Err(too_deep(path, line));
                }
                Some((Rc::new(node), anchor))
            }
        };
        if let Some((node, anchor)) = finished {
            if anchor != 0 {
                anchors.insert(anchor, Rc::clone(&node));
            }
            match stack.last_mut() {
                Some(parent) => {
                    parent.size = parent.size.saturating_add(node.size);
                    parent.depth = parent.depth.max(node.depth + 1);
                    parent.children.push(node);
                }
                None => root = Some(node),
            }
        }
    }
    Ok(docs)
}

fn too_deep(path: &str, line: usize) -> SourceError {
    error(
        path,
        Some(line),
        format!("YAML nests deeper than {DEPTH_LIMIT} levels"),
    )
}

fn alias_bomb(path: &str, line: usize) -> SourceError {
    error(
        path,
        Some(line),
        format!(
            "YAML aliases expand to more than {EXPANSION_LIMIT} nodes; \
             refusing what looks like an alias bomb (\"billion laughs\")"
        ),
    )
}

/// Pairs up the children of a mapping and applies `<<` merge keys: explicit keys win over merged
/// ones, and among merged mappings the first listed wins.
fn close_map(path: &str, open: Open, expanded: &mut usize) -> Result<Node, SourceError> {
    let mut children = open.children.into_iter();
    let mut explicit = Vec::new();
    let mut merges: Vec<Rc<Node>> = Vec::new();
    while let (Some(key), Some(value)) = (children.next(), children.next()) {
        let is_merge = key
            .scalar()
            .is_some_and(|s| s.style == Style::Plain && s.tag.is_none() && s.text == "<<");
        if is_merge {
            match &value.kind {
                Kind::Map(_) => merges.push(value),
                Kind::Seq(items) => merges.extend(items.iter().cloned()),
                Kind::Scalar(_) => {}
            }
        } else {
            explicit.push((key, value));
        }
    }
    let mut size = open.size;
    let mut depth = open.depth;
    if !merges.is_empty() {
        let mut seen: HashSet<String> = explicit
            .iter()
            .filter_map(|(k, _): &(Rc<Node>, Rc<Node>)| k.as_str().map(str::to_string))
            .collect();
        for merged in merges {
            let Some(entries) = merged.as_map() else {
                continue;
            };
            for (k, v) in entries {
                if let Some(name) = k.as_str()
                    && !seen.insert(name.to_string())
                {
                    continue;
                }
                *expanded = expanded.saturating_add(1);
                if *expanded > EXPANSION_LIMIT {
                    return Err(alias_bomb(path, open.line));
                }
                size = size.saturating_add(v.size);
                depth = depth.max(v.depth + 1);
                explicit.push((Rc::clone(k), Rc::clone(v)));
            }
        }
    }
    Ok(Node {
        kind: Kind::Map(explicit),
        line: open.line,
        size,
        depth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Rc<Node> {
        let docs = parse("t.yaml", text).expect("valid yaml");
        assert_eq!(docs.len(), 1);
        Rc::clone(&docs[0])
    }

    #[test]
    fn lines_and_lookup() {
        let doc = one("a: 1\nb:\n  c: x\n  d: [1, 2]\n");
        assert_eq!(doc.get("a").map(|n| n.line), Some(1));
        assert_eq!(doc.path(&["b", "c"]).and_then(Node::as_str), Some("x"));
        assert_eq!(doc.path(&["b", "c"]).map(|n| n.line), Some(3));
        assert_eq!(
            doc.path(&["b", "d"]).and_then(Node::as_seq).map(<[_]>::len),
            Some(2)
        );
        let (key, _) = doc.get_entry("b").expect("entry");
        assert_eq!(key.line, 2);
    }

    #[test]
    fn crlf_lines() {
        let doc = one("a: 1\r\nb:\r\n  c: x\r\n");
        assert_eq!(doc.path(&["b", "c"]).map(|n| n.line), Some(3));
    }

    #[test]
    fn several_documents_and_empty_ones() {
        let docs = parse("t.yaml", "a: 1\n---\n---\nb: 2\n").expect("valid");
        assert_eq!(docs.len(), 3);
        assert!(docs[1].is_null());
        assert_eq!(docs[2].get("b").map(|n| n.line), Some(4));
        assert!(parse("t.yaml", "").expect("valid").is_empty());
    }

    #[test]
    fn resolves_like_yaml_1_1() {
        let doc = one(
            "a: 5432\nb: yes\nc: '5432'\nd: 1.5\ne: ~\nf:\ng: !!str 5\nh: text\ni: 0x1F\nj: -3\nk: 1e5\nl: \"yes\"\n",
        );
        let r = |k: &str| doc.get(k).and_then(Node::scalar).map(Scalar::resolve);
        assert_eq!(r("a"), Some(Resolved::Int));
        assert_eq!(r("b"), Some(Resolved::Bool));
        assert_eq!(r("c"), Some(Resolved::Str));
        assert_eq!(r("d"), Some(Resolved::Float));
        assert_eq!(r("e"), Some(Resolved::Null));
        assert_eq!(r("f"), Some(Resolved::Null));
        assert_eq!(r("g"), Some(Resolved::Str));
        assert_eq!(r("h"), Some(Resolved::Str));
        assert_eq!(r("i"), Some(Resolved::Int));
        assert_eq!(r("j"), Some(Resolved::Int));
        assert_eq!(
            r("k"),
            Some(Resolved::Str),
            "go-yaml v2 needs a dot in a float"
        );
        assert_eq!(r("l"), Some(Resolved::Str));
        assert_eq!(resolve_plain("1.5e3"), Resolved::Float);
        assert_eq!(resolve_plain("."), Resolved::Str);
        assert_eq!(resolve_plain("1_000"), Resolved::Int);
        assert_eq!(resolve_plain("_"), Resolved::Str);
        assert_eq!(resolve_plain("12ab"), Resolved::Str);
    }

    #[test]
    fn aliases_share_and_merge_keys_apply() {
        let doc = one(
            "base: &b\n  X: 1\n  Y: 2\nuse:\n  <<: *b\n  Y: 3\nboth:\n  <<: [{Z: 1}, {Z: 2}]\nref: *b\n",
        );
        assert_eq!(doc.path(&["use", "X"]).and_then(Node::as_str), Some("1"));
        assert_eq!(doc.path(&["use", "Y"]).and_then(Node::as_str), Some("3"));
        assert_eq!(doc.path(&["both", "Z"]).and_then(Node::as_str), Some("1"));
        assert_eq!(doc.path(&["ref", "Y"]).and_then(Node::as_str), Some("2"));
        let keys: Vec<_> = doc
            .get("use")
            .and_then(Node::as_map)
            .expect("map")
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["Y", "X"]);
    }

    #[test]
    fn billion_laughs_is_refused_quickly() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for pair in names.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{next}: &{next} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse("bomb.yaml", &text).expect_err("refused");
        assert!(err.message.contains("alias bomb"), "{err}");
        assert!(err.line.is_some());
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn merge_key_bomb_is_refused() {
        let mut text = String::from("m0: &m0 {");
        text.push_str(
            &(0..200)
                .map(|i| format!("k{i}: v"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        text.push_str("}\n");
        for i in 1..10_000 {
            text.push_str(&format!("m{i}: {{<<: *m0, x{i}: 1}}\n"));
        }
        let err = parse("merge.yaml", &text).expect_err("refused");
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(100_000);
        assert!(parse("deep.yaml", &text).is_err());
        let text = "a:\n".to_string() + &"- ".repeat(5_000) + "x\n";
        assert!(parse("deep.yaml", &text).is_err());
        let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(200), "]".repeat(200));
        for i in 1..50 {
            text.push_str(&format!(
                "a{i}: &a{i} {}*a{}{}\n",
                "[".repeat(200),
                i - 1,
                "]".repeat(200)
            ));
        }
        let err = parse("deep.yaml", &text).expect_err("aliases nest too deep");
        assert!(err.message.contains("deeper"), "{err}");
    }

    #[test]
    fn malformed_yaml_names_a_line_and_no_content() {
        let err = parse("bad.yaml", "a: 1\nb: [SECRET-1\nc: 2\n").expect_err("invalid");
        assert_eq!(err.path, "bad.yaml");
        assert!(err.line.is_some_and(|l| l >= 2), "{err:?}");
        assert!(!err.to_string().contains("SECRET"));
        let err = parse("bad.yaml", "a: 1\n@x: 2\n").expect_err("invalid");
        assert_eq!(err.line, Some(2));
        assert!(!err.message.contains('@'), "{err}");
    }

    #[test]
    fn debug_hides_scalar_text() {
        let doc = one("k: CANARY-YAML-1\n");
        assert!(!format!("{doc:?}").contains("CANARY"));
    }

    #[test]
    fn recursive_alias_is_an_error() {
        assert!(parse("r.yaml", "a: &a [*a]\n").is_err());
        assert!(parse("r.yaml", "a: *nope\n").is_err());
    }
}
