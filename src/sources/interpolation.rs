//! Compose interpolation (`${X}`, `$X`, `${X:-default}`, `${X:?err}`, ...), evaluated against
//! what can be known before the deploy: the compose project's env file.
//!
//! The rules are the compose specification's (compose-spec `12-interpolation.md`):
//!
//! | form | value |
//! | --- | --- |
//! | `$X`, `${X}` | X's value; empty when X is unset |
//! | `${X:-d}` / `${X-d}` | `d` when X is unset or empty / unset |
//! | `${X:?e}` / `${X?e}` | the deploy fails when X is unset or empty / unset |
//! | `${X:+r}` / `${X+r}` | `r` when X is set and not empty / set; else empty |
//! | `$$` | a literal `$` |
//!
//! Defaults, errors and replacements may interpolate in turn (`${X:-${Y:-d}}`). Compose takes a
//! variable from the deploying shell first and from the project's env file (`.env` beside the
//! compose file, or `--env-file`) second. The shell of a deploy is not known when envcheck runs,
//! so a variable the project env file defines is taken from it, and any other is *unknown*: it
//! may or may not be set. An expression whose value depends on an unknown variable is
//! [`Evaluated::Unknown`], still known never to be empty when a part of it is never empty (a
//! literal, a default a missing variable falls back to, a `:?` that fails the deploy when the
//! variable is empty). Following the specification's "the default is used when the variable is
//! absent", `${X:-d}` with X unknown evaluates to `d`.
//!
//! A variable whose absence fails the deploy (`${X:?e}`, `${X?e}`, with X not in the project env
//! file) is recorded in [`Evaluation::required`]: the target reports it when none of its sources
//! provides it.
//!
//! Work: one pass over the text per nesting level, at most [`MAX_NESTING`] levels (deeper
//! expressions are unknown), and one map lookup per reference.

use std::collections::HashMap;

use crate::secret::Secret;

/// The deepest nesting of `${...}` evaluated.
pub const MAX_NESTING: usize = 16;

/// What the project's env file says; a variable it does not define is unknown.
#[derive(Debug, Default)]
pub struct ProjectEnv {
    values: HashMap<String, Secret>,
}

impl ProjectEnv {
    /// A project env from `(name, value)` pairs; a later pair wins.
    pub fn new(pairs: impl IntoIterator<Item = (String, Secret)>) -> ProjectEnv {
        ProjectEnv {
            values: pairs.into_iter().collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(Secret::expose)
    }
}

/// The value of an interpolated text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evaluated {
    /// Known: no unknown variable decides it.
    Known(Secret),
    /// Depends on the deploying shell; `never_empty` when it cannot be empty whatever the shell
    /// holds (or the deploy fails).
    Unknown { never_empty: bool },
}

/// An evaluation: the value and the variables the deploy requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub value: Evaluated,
    /// Variables without which the deploy fails (`${X:?e}`), in order, each once.
    pub required: Vec<String>,
}

/// An unclosed `${`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unclosed;

/// Evaluates `text` against `env`.
pub fn evaluate(text: &str, env: &ProjectEnv) -> Result<Evaluation, Unclosed> {
    let mut required = Vec::new();
    let value = eval(text, env, 0, &mut required)?;
    Ok(Evaluation {
        value: value.into_evaluated(),
        required,
    })
}

/// A partial result: the known text so far, or unknown.
enum Part {
    Known(String),
    Unknown { never_empty: bool },
}

impl Part {
    fn never_empty(&self) -> bool {
        match self {
            Part::Known(s) => !s.is_empty(),
            Part::Unknown { never_empty } => *never_empty,
        }
    }

    fn push(&mut self, other: Part) {
        let combined = match (&mut *self, other) {
            (Part::Known(a), Part::Known(b)) => {
                a.push_str(&b);
                return;
            }
            (a, b) => Part::Unknown {
                never_empty: a.never_empty() || b.never_empty(),
            },
        };
        *self = combined;
    }

    fn push_str(&mut self, s: &str) {
        self.push(Part::Known(s.to_string()));
    }

    fn into_evaluated(self) -> Evaluated {
        match self {
            Part::Known(s) => Evaluated::Known(Secret::new(s)),
            Part::Unknown { never_empty } => Evaluated::Unknown { never_empty },
        }
    }
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn eval(
    text: &str,
    env: &ProjectEnv,
    depth: usize,
    required: &mut Vec<String>,
) -> Result<Part, Unclosed> {
    let bytes = text.as_bytes();
    let mut out = Part::Known(String::with_capacity(text.len()));
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        out.push_str(&text[literal_start..i]);
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.push_str("$");
                i += 2;
            }
            Some(b'{') => {
                let body_start = i + 2;
                let end = closing_brace(bytes, body_start).ok_or(Unclosed)?;
                let body = &text[body_start..end];
                out.push(braced(body, env, depth, required)?);
                i = end + 1;
            }
            Some(&c) if is_name_start(c) => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && is_name_char(bytes[end]) {
                    end += 1;
                }
                out.push(variable(&text[start..end], env));
                i = end;
            }
            _ => {
                out.push_str("$");
                i += 1;
            }
        }
        literal_start = i;
    }
    out.push_str(&text[literal_start..]);
    Ok(out)
}

/// The index of the `}` that closes a `${` whose body starts at `start`.
fn closing_brace(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 1usize;
    for (offset, &b) in bytes[start..].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(start + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// A plain reference.
fn variable(name: &str, env: &ProjectEnv) -> Part {
    match env.get(name) {
        Some(v) => Part::Known(v.to_string()),
        None => Part::Unknown { never_empty: false },
    }
}

/// The body of a `${...}`: a name, then nothing or an operator and its argument.
fn braced(
    body: &str,
    env: &ProjectEnv,
    depth: usize,
    required: &mut Vec<String>,
) -> Result<Part, Unclosed> {
    let bytes = body.as_bytes();
    let name_len = if bytes.first().is_some_and(|&c| is_name_start(c)) {
        bytes.iter().take_while(|&&c| is_name_char(c)).count()
    } else {
        0
    };
    if name_len == 0 || depth >= MAX_NESTING {
        // not an expression compose evaluates to a known value
        return Ok(Part::Unknown { never_empty: false });
    }
    let name = &body[..name_len];
    let rest = &body[name_len..];
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let Some(op) = rest.bytes().next() else {
        return Ok(if colon {
            Part::Unknown { never_empty: false }
        } else {
            variable(name, env)
        });
    };
    let arg = &rest[1..];
    let value = env.get(name);
    // set: defined (and, with `:`, not empty)
    let set = value.map(|v| !(colon && v.is_empty()));
    Ok(match op {
        b'-' => match set {
            Some(true) => Part::Known(value.unwrap_or_default().to_string()),
            Some(false) => eval(arg, env, depth + 1, required)?,
            // unknown: the default is what compose uses when the variable is absent
            None => match eval(arg, env, depth + 1, required)? {
                Part::Known(d) if !d.is_empty() => Part::Known(d),
                other => Part::Unknown {
                    never_empty: other.never_empty(),
                },
            },
        },
        b'?' => match set {
            Some(true) => Part::Known(value.unwrap_or_default().to_string()),
            _ => {
                if !required.iter().any(|r| r == name) {
                    required.push(name.to_string());
                }
                // the deploy goes ahead only with the variable set (and not empty, with `:`)
                Part::Unknown { never_empty: colon }
            }
        },
        b'+' => match set {
            Some(true) => eval(arg, env, depth + 1, required)?,
            Some(false) => Part::Known(String::new()),
            None => Part::Unknown { never_empty: false },
        },
        _ => Part::Unknown { never_empty: false },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> ProjectEnv {
        ProjectEnv::new([
            ("HOST".to_string(), Secret::new("db")),
            ("EMPTY".to_string(), Secret::new("")),
        ])
    }

    fn known(text: &str) -> Option<String> {
        match evaluate(text, &env()).expect("closed").value {
            Evaluated::Known(s) => Some(s.expose().to_string()),
            Evaluated::Unknown { .. } => None,
        }
    }

    fn unknown(text: &str) -> Option<bool> {
        match evaluate(text, &env()).expect("closed").value {
            Evaluated::Known(_) => None,
            Evaluated::Unknown { never_empty } => Some(never_empty),
        }
    }

    fn required(text: &str) -> Vec<String> {
        evaluate(text, &env()).expect("closed").required
    }

    #[test]
    fn the_specification_table() {
        assert_eq!(known("plain").as_deref(), Some("plain"));
        assert_eq!(
            known("postgres://${HOST}/app").as_deref(),
            Some("postgres://db/app")
        );
        assert_eq!(known("$HOST:5432").as_deref(), Some("db:5432"));
        assert_eq!(known("a$$b").as_deref(), Some("a$b"));
        assert_eq!(known("$${HOST}").as_deref(), Some("${HOST}"));
        assert_eq!(known("cost $5 $").as_deref(), Some("cost $5 $"));
        // defaults
        assert_eq!(known("${EMPTY:-d}").as_deref(), Some("d"));
        assert_eq!(known("${EMPTY-d}").as_deref(), Some(""));
        assert_eq!(known("${HOST:-d}").as_deref(), Some("db"));
        assert_eq!(known("${MISSING:-d}").as_deref(), Some("d"));
        assert_eq!(known("${MISSING-d}").as_deref(), Some("d"));
        assert_eq!(known("${MISSING:-${HOST}}").as_deref(), Some("db"));
        assert_eq!(
            known("${MISSING:-${ALSO_MISSING:-x}}").as_deref(),
            Some("x")
        );
        assert_eq!(unknown("${MISSING:-}"), Some(false));
        // replacements
        assert_eq!(known("${HOST:+on}").as_deref(), Some("on"));
        assert_eq!(known("${EMPTY:+on}").as_deref(), Some(""));
        assert_eq!(known("${EMPTY+on}").as_deref(), Some("on"));
        assert_eq!(unknown("${MISSING:+on}"), Some(false));
        // unknown variables
        assert_eq!(unknown("${MISSING}"), Some(false));
        assert_eq!(unknown("$MISSING"), Some(false));
        assert_eq!(unknown("x${MISSING}"), Some(true));
        assert_eq!(unknown("${MISSING:?set it}"), Some(true));
        assert_eq!(unknown("${MISSING?set it}"), Some(false));
        assert_eq!(unknown("${not a name}"), Some(false));
    }

    #[test]
    fn required_variables() {
        assert_eq!(required("${API_KEY:?set API_KEY}"), ["API_KEY"]);
        assert_eq!(required("${API_KEY?}${API_KEY:?x}"), ["API_KEY"]);
        assert_eq!(required("${HOST:?x}"), Vec::<String>::new());
        assert_eq!(required("${EMPTY:?x}"), ["EMPTY"]);
        assert_eq!(required("${EMPTY?x}"), Vec::<String>::new());
        assert_eq!(required("${MISSING:-${INNER:?x}}"), ["INNER"]);
        assert_eq!(required("${HOST:-${INNER:?x}}"), Vec::<String>::new());
    }

    #[test]
    fn unclosed_and_deep() {
        assert_eq!(evaluate("${A", &env()), Err(Unclosed));
        assert_eq!(evaluate("${A:-${B}", &env()), Err(Unclosed));
        let deep = format!("{}x{}", "${A:-".repeat(10_000), "}".repeat(10_000));
        assert!(evaluate(&deep, &env()).is_ok());
    }

    #[test]
    fn values_never_reach_debug() {
        let env = ProjectEnv::new([("K".to_string(), Secret::new("CANARY-INTERP-1"))]);
        let e = evaluate("${K}", &env).expect("closed");
        assert!(!format!("{e:?} {env:?}").contains("CANARY"));
    }
}
