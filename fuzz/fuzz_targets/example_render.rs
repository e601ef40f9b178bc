//! `envcheck example`'s rendering on an arbitrary existing file and arbitrary variables (names,
//! defaults, read sites): never a panic; the output parses back with envcheck's dotenv parser,
//! each added key holding its default or nothing; and no line outside a comment carries a
//! shell-active sequence of a default unless inside single quotes that the default cannot close.
//!
//! Input: chunks separated by NUL. The first is the existing file; each other one is a variable,
//! `kind byte, name \x01 default \x01 path` (a missing default: no read default).
#![no_main]

use envcheck::commands::example;
use envcheck::extract::{ReadExtra, ReadKind};
use envcheck::model::{Site, Variable};
use envcheck::sources::dotenv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut chunks = data.split(|b| *b == 0);
    let Some(first) = chunks.next() else {
        return;
    };
    let existing = String::from_utf8_lossy(first).into_owned();
    let mut variables = Vec::new();
    for (i, chunk) in chunks.take(16).enumerate() {
        let Some((&kind, rest)) = chunk.split_first() else {
            continue;
        };
        let mut parts = rest.split(|b| *b == 1);
        let raw_name = String::from_utf8_lossy(parts.next().unwrap_or_default());
        // names as the extractors give them (plausible: letters, digits, `_`, `.`, `-`), made
        // unique
        let mut name: String = raw_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .take(40)
            .collect();
        name.push_str(&format!("_{i}"));
        let default = parts.next().map(|d| String::from_utf8_lossy(d).into_owned());
        let path = parts
            .next()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .unwrap_or_else(|| "app.py".to_string());
        let kind = match kind % 4 {
            0 => ReadKind::Required,
            1 => ReadKind::Optional,
            2 => ReadKind::Default,
            _ => ReadKind::Presence,
        };
        variables.push(Variable {
            name,
            requirement: kind,
            reads: vec![Site {
                path,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                kind,
                api: "os.getenv",
                extra: ReadExtra {
                    default: default.clone(),
                    ..ReadExtra::default()
                },
                profile: None,
            }],
        });
    }
    let missing: Vec<&Variable> = variables.iter().collect();
    let parsed = dotenv::parse(&existing);
    for real_values in [false, true] {
        let out = example::render(&existing, &parsed, &missing, real_values);
        check(&out, &variables);
    }
});

fn check(out: &str, variables: &[Variable]) {
    let back = dotenv::parse(out);
    for v in variables {
        let default = v.reads[0].extra.default.as_deref();
        let inert = default.and_then(example::shell_inert);
        let live = back.entries.iter().rev().find(|e| e.key == v.name);
        let commented = back.commented.iter().rev().find(|e| e.key == v.name);
        // a name a dotenv key cannot hold (`.x`, `1A`) has no entry to find
        let Some(entry) = live.or(commented) else {
            assert!(!dotenv_key(&v.name), "{} is not in the output:\n{out}", v.name);
            continue;
        };
        let value = entry.value.as_ref().map(|s| s.expose().to_string());
        let value = value.unwrap_or_default();
        // the default, or nothing (a secret by name or shape, or no inert form)
        assert!(
            value.is_empty() || Some(value.as_str()) == default,
            "{}: {value:?} from {default:?}:\n{out}",
            v.name
        );
        if inert.is_none() {
            assert!(value.is_empty(), "{}: {value:?} has no inert form", v.name);
        }
    }
    // the appended part, line by line: comments, blank lines, and `NAME=VALUE[ # optional]`
    // whose value is bare-safe or single-quoted with nothing a shell acts on inside
    let Some(at) = out.find("# Added by `envcheck example`") else {
        return;
    };
    for line in out[at..].lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (_, value) = line.split_once('=').expect("NAME=VALUE");
        let value = value.strip_suffix(" # optional").unwrap_or(value);
        let bare = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@,+%=".contains(c));
        let quoted = value.len() >= 2
            && value.starts_with('\'')
            && value.ends_with('\'')
            && !value[1..value.len() - 1].contains(['\'', '`', '\\'])
            && !value.contains("$(")
            && !value.chars().any(char::is_control);
        assert!(bare || quoted, "shell-active value on {line:?}:\n{out}");
    }
}

/// A key the dotenv parser reads: a letter or `_`, then letters, digits, `_`, `.`, `-`.
fn dotenv_key(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}
