//! `envcheck example`: the example file the code implies.
//!
//! Existing lines, comments and order are kept; keys the code reads but the file lacks are
//! appended, grouped by requirement, each with a comment naming where it is read. A literal
//! default from the code becomes the value, except for secret-named keys. A value already in the
//! file that looks like a real secret is blanked (ENV301 reports it), so the output never repeats
//! one.
//!
//! The code being checked may come from a fork, and people source example files with a shell
//! (`set -a; . ./.env.example`): what is appended is inert there ([`shell_inert`] values, names
//! a shell cannot assign commented out, paths in comments with control characters escaped).
//! `--write` goes through [`crate::boundary::write_file`]: a regular file, never through a
//! link, replaced atomically; a file the repository names (in the configuration, or found by
//! name) must lie inside the repository.

use std::io::Write;

use crate::ExitStatus;
use crate::check;
use crate::cli::ExampleArgs;
use crate::extract::ReadKind;
use crate::model::Variable;
use crate::report::printable;
use crate::rules::context::{Documented, documented};
use crate::secret_shapes;
use crate::sources::dotenv::{self, DotenvFile};

use super::Workspace;

pub fn run(
    args: ExampleArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::load(&args.walk, args.config.as_deref())?;
    let path = ws
        .example_path(args.example.as_deref())?
        .unwrap_or_else(|| ws.primary.join(".env.example"));
    let existing = match crate::walk::read_file(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => anyhow::bail!("{}: {e}", path.display()),
    };
    let text = existing
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let parsed = dotenv::parse(&text);
    let scope = ws.scope()?;
    let keys: Vec<(&str, usize)> = parsed
        .entries
        .iter()
        .chain(parsed.commented.iter())
        .map(|e| (e.key.as_str(), e.line))
        .collect();
    let missing: Vec<&Variable> = ws
        .inventory
        .variables
        .iter()
        .filter(|v| scope.is_checked(&v.name))
        // the application's contract: variables only tooling reads are not added
        .filter(|v| v.reads.iter().any(|r| scope.is_app(r)))
        .filter(|v| documented(v, &keys) == Documented::No)
        .collect();
    let display = ws.display(&path);

    if args.check {
        if missing.is_empty() {
            return Ok(ExitStatus::Success);
        }
        let names: Vec<&str> = missing.iter().map(|v| v.name.as_str()).collect();
        writeln!(
            err,
            "envcheck: {display} lacks {} the code reads: {}",
            if names.len() == 1 { "1 key" } else { "keys" },
            names.join(", ")
        )?;
        return Ok(ExitStatus::Failure);
    }
    let notes = !args.quiet;
    for e in parsed
        .entries
        .iter()
        .filter(|e| notes && secret_shapes::secret_shape(&e.key).is_some())
    {
        writeln!(
            err,
            "envcheck: note: {display}:{}: left out a lone word that looks like a credential (a pasted token?)",
            e.line
        )?;
    }
    for e in parsed.errors.iter().filter(|_| notes) {
        writeln!(
            err,
            "envcheck: note: {display}:{}: left out a line that is not `KEY=value`: {}",
            e.line, e.message
        )?;
    }
    // a file not named like an example (`--example .env.production`) holds real values: none
    // of them is repeated
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let real_values = !check::EXAMPLE_NAMES.contains(&file_name);
    let rendered = render(&text, &parsed, &missing, real_values);
    if args.write {
        if missing.is_empty() && existing.is_some() {
            if notes {
                writeln!(err, "envcheck: {display} is up to date")?;
            }
        } else {
            crate::boundary::write_file(&path, rendered.as_bytes(), &ws.repo)?;
            if notes {
                writeln!(
                    err,
                    "envcheck: added {} to {display}",
                    plural(missing.len())
                )?;
            }
        }
    } else {
        out.write_all(rendered.as_bytes())?;
    }
    Ok(ExitStatus::Success)
}

fn plural(n: usize) -> String {
    format!("{n} key{}", if n == 1 { "" } else { "s" })
}

/// What [`render`] does with an existing line.
#[derive(Clone, Copy)]
enum Rewrite<'a> {
    Keep,
    /// `KEY=` for an entry, `# KEY=` for a commented-out one, on the entry's first line.
    Blank {
        key: &'a str,
        commented: bool,
    },
    /// The line goes: a line that does not parse (or belongs to a value that does not), a lone
    /// word shaped like a credential (a pasted token), or the later lines of a blanked
    /// multi-line value.
    Drop,
}

/// The existing text followed by the missing keys. The existing text never repeats a
/// real-looking secret: a secret-shaped value (every value when `real_values`: the file is not
/// an example file), in an entry or a commented-out `# KEY=value`, is blanked; a line that does
/// not parse or a lone pasted token is left out; a secret-shaped word in a comment is masked.
///
/// What is kept is what the parser read: entries (whole, with every line of a multi-line value),
/// comment lines and blank lines. Any other line is left out: a line the parser reported, and
/// also the lines of a quoted value that failed where it closed (only the closing line is
/// reported), which would otherwise be repeated, and whose open quote would swallow the keys
/// appended after it. So the output parses back to the kept entries and the added keys. Lines
/// are split as the parser splits them (LF, CRLF, lone CR), and each line's fate is looked up by
/// index: linear in the file.
pub fn render(text: &str, parsed: &DotenvFile, missing: &[&Variable], real_values: bool) -> String {
    let mut out = String::new();
    let lines = split_lines(text);
    // 1-based, as the parser counts; index 0 unused. A line no entry covers is kept only when
    // it is blank or a comment.
    let mut fate = vec![Rewrite::Drop; lines.len() + 1];
    for (n, line) in lines.iter().enumerate() {
        let rest = line.trim_start_matches('\u{feff}').trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            fate[n + 1] = Rewrite::Keep;
        }
    }
    fn set<'a>(fate: &mut [Rewrite<'a>], from: usize, to: usize, what: Rewrite<'a>) {
        for slot in fate.iter_mut().take(to.saturating_add(1)).skip(from) {
            *slot = what;
        }
    }
    // entries do not overlap: marking their lines is linear in the file
    for e in parsed.entries.iter().chain(&parsed.commented) {
        if secret_shapes::secret_shape(&e.key).is_some() {
            set(&mut fate, e.line, e.end_line, Rewrite::Drop);
            continue;
        }
        match &e.value {
            Some(v)
                if (real_values && !v.is_empty())
                    || secret_shapes::secret_shape(v.expose()).is_some() =>
            {
                set(&mut fate, e.line, e.end_line, Rewrite::Drop);
                let blank = Rewrite::Blank {
                    key: &e.key,
                    commented: e.commented_out,
                };
                set(&mut fate, e.line, e.line, blank);
            }
            _ => set(&mut fate, e.line, e.end_line, Rewrite::Keep),
        }
    }
    // a line the parser could not read may be a value on a line of its own: never repeated
    for e in &parsed.errors {
        set(&mut fate, e.line, e.line, Rewrite::Drop);
    }
    for (line, what) in lines.iter().zip(&fate[1..]) {
        match what {
            Rewrite::Blank { key, commented } => {
                if *commented {
                    out.push_str("# ");
                }
                out.push_str(key);
                out.push_str("=\n");
            }
            Rewrite::Drop => {}
            Rewrite::Keep => out.push_str(&mask_comment(line)),
        }
    }
    if missing.is_empty() {
        return out;
    }
    if !out.is_empty() && !out.ends_with(['\n', '\r']) {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("# Added by `envcheck example`: keys the code reads, with where they are read.\n");
    for kind in [
        ReadKind::Required,
        ReadKind::Optional,
        ReadKind::Default,
        ReadKind::Presence,
    ] {
        let group: Vec<&&Variable> = missing.iter().filter(|v| v.requirement == kind).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n# {}\n", heading(kind)));
        for v in group {
            let first = &v.reads[0];
            let more = match v.reads.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            // a path is the repository's: a newline in it would end the comment
            out.push_str(&format!(
                "# read in {}:{}{more}\n",
                printable(&first.path),
                first.line
            ));
            // a default that is a secret (by its name or its shape) is not copied into a file
            // that is committed and shared
            let default = if secret_shapes::is_secret_name(&v.name) {
                None
            } else {
                v.reads
                    .iter()
                    .find_map(|r| r.extra.default.as_deref())
                    .filter(|d| secret_shapes::secret_shape(d).is_none())
            };
            let value = match default.map(shell_inert) {
                None => String::new(),
                Some(Some(value)) => value,
                Some(None) => {
                    out.push_str(
                        "# its default in code is left out: it holds a quote, backslash, \
                         backtick, command substitution or control character\n",
                    );
                    String::new()
                }
            };
            // a name a shell cannot assign (`my-var`, `1ST`) would run as a command when the
            // file is sourced: it is written commented out, which still documents it
            let prefix = if is_shell_name(&v.name) {
                ""
            } else {
                out.push_str(
                    "# not a shell variable name: commented out so that the file can be sourced\n",
                );
                "# "
            };
            match kind {
                ReadKind::Optional => {
                    out.push_str(&format!("{prefix}{}={value} # optional\n", v.name))
                }
                // a flag the code only tests for being set: `DEBUG=` copied to `.env` would turn
                // it on, so it is documented commented out
                ReadKind::Presence => out.push_str(&format!("# {}={value}\n", v.name)),
                _ => out.push_str(&format!("{prefix}{}={value}\n", v.name)),
            }
        }
    }
    out
}

/// The lines of `text` with their line endings, split where the dotenv parser splits them: at
/// LF, CRLF and a lone CR.
fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\n' => i + 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        lines.push(&text[start..end]);
        start = end;
        i = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A line with each secret-shaped token of its comment (`# rotated after sk_live_... leaked`,
/// `KEY=x # old: sk_live_...`) masked as code frames mask them ([`secret_shapes::mask_tokens`]);
/// the rest as it was. The comment starts at a `#` that begins the line or follows whitespace.
fn mask_comment(line: &str) -> String {
    let start = line
        .char_indices()
        .find(|&(i, c)| {
            c == '#'
                && line[..i]
                    .chars()
                    .next_back()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(line.len(), |(i, _)| i);
    let (code, comment) = line.split_at(start);
    format!("{code}{}", secret_shapes::mask_tokens(comment))
}

fn heading(kind: ReadKind) -> &'static str {
    match kind {
        ReadKind::Required => "Required: the code fails without these.",
        ReadKind::Optional => "Optional: the code runs without these (None / undefined).",
        ReadKind::Default => "With a default in code: set them to change the default.",
        ReadKind::Presence => {
            "Flags: the code only checks whether these are set; uncomment one to turn it on."
        }
    }
}

/// A default from code as a value that means the same to every dotenv loader and is inert when
/// the file is sourced by a POSIX shell (`set -a; . ./.env.example`, as people do): bare when it
/// is made of characters no shell or loader treats specially, else in single quotes (literal for
/// a shell and for dotenv loaders alike). `None` when no such form exists: a single quote has no
/// escape inside single quotes in dotenv syntax (the shell's `'\''` is not dotenv), loaders
/// disagree on a backslash before the closing quote, some run `$(...)` even in single quotes
/// (dotenv-eval), a backtick is a quote for some, and a newline or control character would
/// split the line or hide what follows. Such a default is left out, never echoed.
pub fn shell_inert(value: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@,+%=".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        return Some(value.to_string());
    }
    let active =
        value.contains(['\'', '`', '\\']) || value.contains("$(") || printable(value) != value;
    (!active).then(|| format!("'{value}'"))
}

/// A name a POSIX shell can assign: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_bare_single_quoted_or_left_out() {
        for plain in [
            "info",
            "8000",
            "postgres://u@h:5432/db",
            "a,b",
            "x=y",
            "-v",
            "50%",
        ] {
            assert_eq!(shell_inert(plain).as_deref(), Some(plain));
        }
        for quoted in [
            "",
            "two words",
            "a&b",
            "a;b",
            "a|b",
            "*",
            "~/x",
            "${HOME}/x",
            "$HOME",
            "\"double\"",
            "# not a comment",
            "é",
        ] {
            assert_eq!(shell_inert(quoted), Some(format!("'{quoted}'")), "{quoted}");
        }
        for active in [
            "it's",
            "`id`",
            "$(id)",
            "x$(id)y",
            "back\\slash",
            "trailing\\",
            "new\nline",
            "carriage\rreturn",
            "tab\there",
            "esc\u{1b}[31m",
            "bidi\u{202e}",
        ] {
            assert_eq!(shell_inert(active), None, "{active:?}");
        }
    }

    fn render_text(text: &str) -> String {
        render(text, &dotenv::parse(text), &[], false)
    }

    #[test]
    fn a_value_that_fails_where_it_closes_is_left_out_whole() {
        // only the closing line is reported; the opening and middle lines go too (the middle
        // one would repeat the value, the open quote would swallow what follows)
        let text = "A=1\nPEM=\"-----BEGIN KEY-----\nbody-line\n-----END KEY-----\"tail\nB=2\n";
        assert_eq!(render_text(text), "A=1\nB=2\n");
        let text = "# docs\n\nA=\"x\nB=\"y\nC=3\n";
        let out = render_text(text);
        assert_eq!(out, "# docs\n\nC=3\n");
        assert!(dotenv::parse(&out).errors.is_empty());
    }

    #[test]
    fn lines_are_split_as_the_parser_splits_them() {
        // a lone CR ends a line: the secret on the second line is blanked, not copied whole
        let live = concat!("sk_live", "_51H8qXk2LmNpQrStUvWxYz0123");
        let text = format!("A=1\rTOKEN={live}\r\nB=2");
        let out = render_text(&text);
        assert_eq!(out, "A=1\rTOKEN=\nB=2");
        assert_eq!(split_lines("a\rb\r\nc\nd"), ["a\r", "b\r\n", "c\n", "d"]);
        assert_eq!(split_lines("\u{feff}# x\n"), ["\u{feff}# x\n"]);
        assert_eq!(render_text("\u{feff}# x\nA=1\n"), "\u{feff}# x\nA=1\n");
    }

    #[test]
    fn shell_names() {
        for name in ["A", "_A", "DATABASE_URL", "a1"] {
            assert!(is_shell_name(name), "{name}");
        }
        for name in ["", "1A", "my-var", "a.b", "A B"] {
            assert!(!is_shell_name(name), "{name}");
        }
    }
}
