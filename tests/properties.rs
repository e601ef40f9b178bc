//! Property tests (proptest): the parsers and decoders never panic on arbitrary input, dotenv
//! text rendered from keys and values parses back to them, tampered ciphertext never decrypts,
//! line/column mapping agrees with a naive reference, and suppression comments are found without
//! panics, GitHub workflow-command escaping round-trips (control, bidi and invisible characters
//! other than line breaks come back as the text `\u{..}`) and keeps one command per line, and
//! SARIF stays valid JSON that keeps every path and message (as printable text). 256 cases each by default (`PROPTEST_CASES` raises it).
//!
//! The fuzz targets in `fuzz/` push the same properties much further; these keep them in the
//! normal test suite.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use envcheck::finding::{Finding, Span};
use envcheck::report::{github, printable, sarif};
use envcheck::rules::missing_required;
use envcheck::secret::Secret;
use envcheck::sources::{dotenv, dotenvx, vault};
use envcheck::span::{LineIndex, Position};
use envcheck::suppress::{self, CommentStyle};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        // no files of regressions in the repository: failures print their minimal case
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn fixture(relative: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/crypto",
        relative,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// `NAME="value"` of a fixture file, quotes removed.
fn fixture_value(relative: &str, name: &str) -> String {
    fixture(relative)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{name} in {relative}"))
}

/// Renders entries as dotenv text: double-quoted values with `\`, `"`, `$`, line breaks and tabs
/// escaped, so that any value survives.
fn render(entries: &[(String, String)]) -> String {
    let mut out = String::new();
    for (key, value) in entries {
        out.push_str(key);
        out.push_str("=\"");
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '$' => out.push_str("\\$"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push_str("\"\n");
    }
    out
}

/// Line and column of `offset` (a char boundary), counting like an editor: LF, CRLF and a lone
/// CR each end a line; columns count characters.
fn naive_position(text: &str, offset: usize) -> Position {
    let (mut line, mut column) = (1, 1);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= offset {
            break;
        }
        match c {
            '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => {
                if i + 1 < offset {
                    chars.next();
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            '\r' | '\n' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    Position { line, column }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dotenv_never_panics_on_strings(text in any::<String>()) {
        let file = dotenv::parse(&text);
        for entry in file.entries.iter().chain(&file.commented) {
            prop_assert!(entry.line >= 1 && entry.column >= 1 && entry.end_line >= entry.line);
        }
        let _ = dotenv::expand(&file);
    }

    #[test]
    fn dotenv_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let file = dotenv::parse_bytes(&bytes);
        for error in &file.errors {
            prop_assert!(error.line >= 1 && error.column >= 1);
        }
        let _ = dotenv::expand(&file);
    }

    #[test]
    fn dotenv_never_panics_on_dotenv_like_text(
        text in "([A-Z_]{1,4}[ ]?[=:][ ]?[\"'`]?[a-z$\\\\{}:\\-+?# \"'`\t]{0,12}[\"'`]?(\n|\r\n|\r))*"
    ) {
        let file = dotenv::parse(&text);
        let _ = dotenv::expand(&file);
    }

    #[test]
    fn rendered_dotenv_parses_back_to_its_keys_and_values(
        entries in proptest::collection::vec(
            ("[A-Za-z_][A-Za-z0-9_]{0,15}", "[^\u{0}]{0,40}"),
            0..12,
        )
    ) {
        let text = render(&entries);
        let file = dotenv::parse(&text);
        prop_assert!(file.errors.is_empty(), "{:?}", file.errors);
        let got: Vec<(String, String)> = file
            .entries
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    e.value.as_ref().map(|v| v.expose().to_string()).unwrap_or_default(),
                )
            })
            .collect();
        prop_assert_eq!(got, entries.clone());
        // expansion leaves escaped `$` alone: the values come back as written
        let last_wins: std::collections::BTreeMap<&str, &str> =
            entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for (key, value) in dotenv::expand(&file) {
            prop_assert_eq!(Some(&value.expose()), last_wins.get(key.as_str()));
        }
    }

    #[test]
    fn vault_never_panics_and_never_decrypts_garbage(text in any::<String>()) {
        let _ = vault::parse_dotenv_key(&text);
        let keys = vault::parse_dotenv_key(&fixture_value("vault/.env.keys", "DOTENV_KEY_PRODUCTION"));
        prop_assert!(keys.is_ok());
        if let Ok(keys) = keys {
            prop_assert!(vault::decrypt(&Secret::new(text.as_str()), &keys[0]).is_err());
        }
    }

    #[test]
    fn vault_bit_flips_never_decrypt(bit in any::<prop::sample::Index>()) {
        let blob = STANDARD
            .decode(fixture_value("vault/.env.vault", "DOTENV_VAULT_PRODUCTION"))
            .unwrap_or_default();
        prop_assert!(blob.len() > 28);
        let keys = vault::parse_dotenv_key(&fixture_value("vault/.env.keys", "DOTENV_KEY_PRODUCTION"))
            .unwrap_or_default();
        prop_assert!(!keys.is_empty());
        // the untouched blob decrypts: the flip is what fails
        prop_assert!(vault::decrypt(&Secret::new(STANDARD.encode(&blob)), &keys[0]).is_ok());
        let at = bit.index(blob.len() * 8);
        let mut flipped = blob.clone();
        flipped[at / 8] ^= 1 << (at % 8);
        let result = vault::decrypt(&Secret::new(STANDARD.encode(&flipped)), &keys[0]);
        prop_assert_eq!(result.err(), Some(vault::VaultError::DecryptionFailed));
    }

    #[test]
    fn dotenvx_never_panics_and_never_decrypts_garbage(text in any::<String>()) {
        let _ = dotenvx::parse_private_keys(&text);
        let keys = dotenvx::parse_private_keys(
            &fixture_value("dotenvx/.env.keys", "DOTENV_PRIVATE_KEY_PRODUCTION"),
        );
        prop_assert!(keys.is_ok());
        if let Ok(keys) = keys {
            let value = format!("encrypted:{text}");
            prop_assert!(dotenvx::decrypt_value(&value, &keys).is_err());
            prop_assert!(dotenvx::decrypt_value(&text, &keys).is_err());
        }
    }

    #[test]
    fn dotenvx_bit_flips_never_decrypt(bit in any::<prop::sample::Index>()) {
        let value = fixture_value("dotenvx/.env.production", "API_TOKEN");
        let blob = STANDARD
            .decode(value.strip_prefix("encrypted:").unwrap_or_default())
            .unwrap_or_default();
        prop_assert!(blob.len() > 97);
        let keys = dotenvx::parse_private_keys(
            &fixture_value("dotenvx/.env.keys", "DOTENV_PRIVATE_KEY_PRODUCTION"),
        )
        .unwrap_or_default();
        prop_assert!(dotenvx::decrypt_value(&value, &keys).is_ok());
        let at = bit.index(blob.len() * 8);
        let mut flipped = blob.clone();
        flipped[at / 8] ^= 1 << (at % 8);
        let tampered = format!("encrypted:{}", STANDARD.encode(&flipped));
        prop_assert!(dotenvx::decrypt_value(&tampered, &keys).is_err());
    }

    #[test]
    fn line_index_agrees_with_a_naive_reference(
        text in "[ab é\n\r]{0,64}",
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..8),
    ) {
        let src = text.as_bytes();
        let index = LineIndex::new(src);
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for pick in &picks {
            let offset = boundaries[pick.index(boundaries.len())];
            prop_assert_eq!(
                index.position(src, offset),
                naive_position(&text, offset),
                "offset {} of {:?}", offset, text
            );
            // any byte offset, past the end too, maps somewhere without a panic
            let p = index.position(src, pick.index(src.len() + 4));
            prop_assert!(p.line >= 1 && p.column >= 1);
        }
    }

    #[test]
    fn line_index_never_panics_on_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        offset in any::<usize>(),
    ) {
        let index = LineIndex::new(&bytes);
        let p = index.position(&bytes, offset);
        prop_assert!(p.line >= 1 && p.column >= 1);
    }

    #[test]
    fn suppress_find_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        text in "([ a-z#/]{0,6}(envcheck: ignore\\[|envcheck-ignore-next-line|envcheck-ignore-line|noqa:)[ ENV0-9,\\]]{0,12}(\n|\r\n|\r))*",
    ) {
        for style in [CommentStyle::Hash, CommentStyle::Slash] {
            let _ = suppress::find(&bytes, style);
            for comment in suppress::find(text.as_bytes(), style) {
                prop_assert!(comment.line >= 1);
            }
        }
    }

    #[test]
    fn github_escaping_round_trips_and_leaves_no_separator(text in any::<String>()) {
        let data = github::escape_data(&text);
        let property = github::escape_property(&text);
        prop_assert!(!data.contains(['\r', '\n']));
        prop_assert!(!property.contains(['\r', '\n', ':', ',']));
        prop_assert_eq!(unescape(&data), shown(&text));
        prop_assert_eq!(unescape(&property), shown(&text));
    }

    #[test]
    fn github_commands_stay_one_per_line(
        path in any::<String>(),
        message in any::<String>(),
        variable in any::<String>(),
        line in 0usize..5,
    ) {
        let findings = [finding(&path, &message, &variable, line)];
        let mut out = Vec::new();
        github::emit(&findings, &mut out).expect("write to a Vec");
        let out = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = out.lines().collect();
        prop_assert_eq!(lines.len(), 1, "{:?}", out);
        let command = lines[0];
        let (head, body) = command[2..].split_once("::").expect("a command");
        let (_, props) = head.split_once(' ').expect("properties");
        let file = props
            .split(',')
            .find_map(|p| p.strip_prefix("file="))
            .expect("file property");
        prop_assert_eq!(unescape(file), shown(&path));
        prop_assert!(unescape(body).contains(&shown(&message)));
    }

    #[test]
    fn sarif_is_valid_json_and_keeps_paths_and_messages(
        path in any::<String>(),
        message in any::<String>(),
        variable in any::<String>(),
        line in 0usize..5,
    ) {
        let findings = [finding(&path, &message, &variable, line)];
        let mut out = Vec::new();
        sarif::emit(&findings, &mut out).expect("write to a Vec");
        let log: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        let result = &log["runs"][0]["results"][0];
        let expected = sarif_text(&message);
        prop_assert_eq!(result["message"]["text"].as_str(), Some(expected.as_str()));
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("a uri");
        // the uri is percent-encoded where it must be; decoding gives the path back
        prop_assert_eq!(percent_decode(uri), path);
    }
}

/// What a workflow command carries of `text` once the runner decodes it: line breaks as they are,
/// any other unprintable character as the text `\u{..}`.
fn shown(text: &str) -> String {
    text.split_inclusive(['\r', '\n'])
        .map(|part| {
            let body = part.trim_end_matches(['\r', '\n']);
            format!("{}{}", printable(body), &part[body.len()..])
        })
        .collect()
}

/// A SARIF message's text: printable, with square brackets and backslashes escaped when it
/// holds `](` (no embedded link).
fn sarif_text(message: &str) -> String {
    let text = printable(message).into_owned();
    if !text.contains("](") {
        return text;
    }
    text.chars()
        .flat_map(|c| {
            let escape = matches!(c, '[' | ']' | '\\').then_some('\\');
            escape.into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// Inverse of the workflow-command escaping (actions/toolkit `command.ts`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at..at + 3);
        let c = match code {
            Some("%25") => '%',
            Some("%0D") => '\r',
            Some("%0A") => '\n',
            Some("%3A") => ':',
            Some("%2C") => ',',
            _ => panic!("bare % in {s:?}"),
        };
        out.push(c);
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

fn finding(path: &str, message: &str, variable: &str, line: usize) -> Finding {
    let span = if line == 0 {
        Span::line(0)
    } else {
        Span::at(line, 3, 4)
    };
    Finding::new(&missing_required::RULE, path, span, message.to_string()).variable(variable)
}
