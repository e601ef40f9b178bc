//! Differential test: envcheck's dotenv parser against the `dotenvy` crate (0.15) on texts both
//! accept.
//!
//! Where dotenvy reads differently, and so what the fixtures leave out:
//! - substitution: dotenvy resolves `$X` / `${X}` from the process environment first and the file
//!   second; envcheck only from earlier entries of the file. dotenvy has no `${X:-default}` and
//!   its `$X` names stop at the first non-alphanumeric character (`$A_B` is `$A` + `_B`). Plain
//!   fixtures hold no `$` except the `\$` escape; `substitution_from_the_file` uses names checked
//!   to be absent from the environment;
//! - keys: dotenvy rejects `-` in keys and a bare `KEY` line; it has no `KEY: value` form;
//! - unquoted values: dotenvy rejects inner whitespace (`A=b c`), treats `\` as an escape and
//!   quotes as concatenation (`A=it's` opens a quote); envcheck keeps them literal;
//! - `#`: dotenvy reads `A=#x` as empty and `A="x"#y` as `x#y`; envcheck reads `#x` and `x`;
//! - quotes: dotenvy has no backtick quoting, rejects `\t` and `\r` escapes in double quotes and
//!   decodes `\'` there (envcheck keeps unknown escapes as written);
//! - an inline comment after two or more whitespace characters that holds a quote
//!   (`A=x  # it's`): dotenvy's line joiner misses the comment and opens a quote;
//! - line endings: dotenvy splits only on `\n` (a lone `\r` is not a line break) and keeps the
//!   `\r` of a CRLF inside a multi-line value; it does not skip a BOM in `from_read_iter`.
//!
//! dotenvy's error text holds the whole raw line, so a failure here names the fixture, never
//! dotenvy's error.

use envcheck::sources::dotenv;

/// What dotenvy reads, in order with duplicates; `None` when it rejects the text.
fn dotenvy_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok(pair) => out.push(pair),
            Err(_) => return None,
        }
    }
    Some(out)
}

/// What envcheck reads, in order with duplicates; `None` when it reports an error.
fn envcheck_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let file = dotenv::parse(text);
    if !file.errors.is_empty() {
        return None;
    }
    file.entries
        .iter()
        .map(|e| Some((e.key.clone(), e.value.as_ref()?.expose().to_string())))
        .collect()
}

/// The last value of each key, in the order of first definition.
fn last_wins(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

fn expanded(text: &str) -> Vec<(String, String)> {
    dotenv::expand(&dotenv::parse(text))
        .into_iter()
        .map(|(k, v)| (k, v.expose().to_string()))
        .collect()
}

/// Asserts both parsers accept `text` and agree; `name` identifies the fixture in a failure.
fn assert_same(name: &str, text: &str) {
    let Some(theirs) = dotenvy_pairs(text) else {
        panic!("fixture {name}: dotenvy rejects it (the fixture is outside the common subset)");
    };
    let Some(ours) = envcheck_pairs(text) else {
        panic!("fixture {name}: envcheck reports an error or a bare key");
    };
    assert_eq!(ours, theirs, "fixture {name}");
    assert_eq!(expanded(text), last_wins(&theirs), "fixture {name}: expand");
}

const FIXTURES: &[(&str, &str)] = &[
    ("basic", "BASIC=basic\n"),
    ("no trailing newline", "A=1\nB=2"),
    (
        "blank and comment lines",
        "\n# comment\n   # indented comment\n\nA=1\n\n",
    ),
    (
        "empty values",
        "EMPTY=\nSPACES=   \nEMPTY_DQ=\"\"\nEMPTY_SQ=''\n",
    ),
    ("spaces around =", "A = 1\nB= 2\nC =3\n  D\t=\tfour\n"),
    (
        "export prefix",
        "export A=1\nexport   B=two\nexport C = 3\n",
    ),
    ("export as a key", "export=value\n"),
    ("key characters", "lower=1\n_UNDER=2\nA.B.C=3\nK9=4\n"),
    (
        "inline comments",
        "A=value # comment\nB=value\t# tab comment\nC=a#b\nD=   # only a comment\n",
    ),
    (
        "comment with a quote in it",
        "A=x # it's fine\nB=\"y\" # \"also\" fine\n",
    ),
    (
        "single quotes",
        "A='single quotes'\nB='  spaced  '\nC='a \"b\" # c \\n'\n",
    ),
    (
        "double quotes",
        "A=\"double quotes\"\nB=\"  spaced  \"\nC=\"a 'b' # c\"\n",
    ),
    (
        "double-quote escapes",
        "A=\"new\\nline\"\nB=\"back\\\\slash\"\nC=\"say \\\"hi\\\"\"\nD=\"\\$HOME\"\n",
    ),
    ("windows path", "A=\"C:\\\\dir\\\\\"\nB=after\n"),
    ("quoted then comment", "A=\"x # y\" # z\nB='x # y'   # z\n"),
    ("equals signs", "A=equals==\nB=\"a=b=c\"\n"),
    (
        "inner quotes (JSON)",
        "A='{\"foo\": \"bar\"}'\nB=\"{'foo': 'bar'}\"\n",
    ),
    ("unicode", "A=ünïcödé\nB=\"ключ значение\"\nC='😀 x'\n"),
    (
        "email and url",
        "A=therealnerdybeast@example.tld\nB=postgres://u:p@h:5432/db?x=1&y=2\n",
    ),
    ("duplicates", "DUP=one\nOTHER=x\nDUP=two\n"),
    (
        "multi-line double",
        "A=\"THIS\nIS\nA\nMULTILINE\nSTRING\"\nB=after\n",
    ),
    ("multi-line single", "A='ONE\n  TWO\n'\nB=after\n"),
    (
        "multi-line PEM",
        "PRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnNl1tL3QjKp3DZWM0T3u\nu4QuUoobAgMBAAE=\n-----END RSA PRIVATE KEY-----\"\nNEXT=1\n",
    ),
    (
        "escaped PEM",
        "PRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\\nKh9NV...\\n-----END RSA PRIVATE KEY-----\\n\"\n",
    ),
    (
        "multi-line JSON",
        "JSON='{\n  \"a\": 1,\n  \"b\": [1, 2]\n}'\n",
    ),
    (
        "crlf",
        "A=1\r\nB=\"two\"\r\nC='three' # c\r\n\r\n# x\r\nD=4 # d\r\n",
    ),
    // dotenvy's own test `test_parse_line_env`, minus its `s\ ix` (backslash outside quotes).
    (
        "dotenvy parse_line test",
        "KEY=1\nKEY2=\"2\"\nKEY3='3'\nKEY4='fo ur'\nKEY5=\"fi ve\"\nKEY7=\nKEY8=     \nKEY9=   # foo\nKEY10  =\"whitespace before =\"\nKEY11=    \"whitespace after =\"\nexport=\"export as key\"\nexport   SHELL_LOVER=1\n",
    ),
];

#[test]
fn fixtures_agree_with_dotenvy() {
    for (name, text) in FIXTURES {
        assert_same(name, text);
    }
}

#[test]
fn whole_fixture_set_as_one_file_agrees_with_dotenvy() {
    let all: String = FIXTURES
        .iter()
        .map(|(_, text)| format!("{text}\n"))
        .collect();
    assert_same("all fixtures concatenated", &all);
}

/// Every combination of prefix, key, separator, value and comment, one line each, with LF and
/// CRLF line endings.
#[test]
fn generated_lines_agree_with_dotenvy() {
    let prefixes = ["", "export ", "  ", "\t"];
    let keys = ["A", "lower_key", "K.DOT", "_U9"];
    let separators = ["=", " = ", "= ", " =", "\t=\t"];
    let values = [
        "",
        "plain",
        "a#b",
        "ünï",
        "\"\"",
        "''",
        "\"double quoted\"",
        "'single # quoted'",
        "\"esc\\n\\\"q\\\\\"",
        "\"\\$literal\"",
        "\"multi\nline\"",
        "'multi\nsingle'",
    ];
    let comments = ["", " # c", "\t# c", "   #"];
    for nl in ["\n", "\r\n"] {
        let mut file = String::new();
        for prefix in prefixes {
            for key in keys {
                for sep in separators {
                    for value in values {
                        for comment in comments {
                            let line = format!("{prefix}{key}{sep}{value}{comment}");
                            assert_same(
                                &format!("line {line:?} newline {nl:?}"),
                                &format!("{line}{nl}"),
                            );
                            file.push_str(&line);
                            file.push_str(nl);
                        }
                    }
                }
            }
        }
        assert_same(&format!("all generated lines, newline {nl:?}"), &file);
    }
}

/// Substitution from earlier entries, with names that are not in the process environment (which
/// dotenvy would read first) and that hold only alphanumerics (dotenvy's `$X` name syntax).
#[test]
fn substitution_from_the_file() {
    let names = ["ENVCHECKORACLEHOST7F3A", "ENVCHECKORACLEPORT7F3A"];
    if names.iter().any(|n| std::env::var_os(n).is_some()) {
        return;
    }
    let [host, port] = names;
    let text = format!(
        "{host}=localhost\n{port}=5432\nURL=postgres://${{{host}}}:${port}/db\nQUOTED=\"${host} x\"\nLITERAL='${host}'\nESCAPED=\"\\${host}\"\n"
    );
    let Some(theirs) = dotenvy_pairs(&text) else {
        panic!("dotenvy rejects the substitution fixture");
    };
    assert_eq!(expanded(&text), last_wins(&theirs));
    assert_eq!(
        expanded(&text).get(2).map(|(_, v)| v.as_str()),
        Some("postgres://localhost:5432/db")
    );
}
