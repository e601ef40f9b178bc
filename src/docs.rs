//! `documented-in`: documentation files whose words count as documenting a variable
//! (`docs/**/*.md`, `README.md`). Many projects keep a curated example file and document every
//! knob in their docs; a variable named there is not undocumented.
//!
//! The files are found by a walk of the configuration's directory (honouring `.gitignore`, as
//! the source walk does), matched against the globs, and read with the same cap as any file
//! envcheck is pointed at. Only identifier-shaped words are kept: nothing else of the text.

use std::collections::HashSet;
use std::path::Path;

use globset::{Glob, GlobSetBuilder};

/// The most bytes read from documentation in one run: ample for any project's docs, and a
/// bound on the work a repository can ask for.
const MAX_TOTAL: u64 = 64 << 20;

/// Identifier-shaped words (letters, digits, `_`, at least two characters) of the files under
/// `dir` that match `globs` (relative to `dir`).
pub fn words(dir: &Path, globs: &[String]) -> anyhow::Result<HashSet<String>> {
    let mut out = HashSet::new();
    if globs.is_empty() {
        return Ok(out);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        if Path::new(g).is_absolute() || g.split('/').any(|part| part == "..") {
            anyhow::bail!(
                "config: documented-in: `{g}` must be relative and stay inside the project"
            );
        }
        builder.add(Glob::new(g).map_err(|e| anyhow::anyhow!("config: documented-in: {e}"))?);
    }
    let set = builder
        .build()
        .map_err(|e| anyhow::anyhow!("config: documented-in: {e}"))?;
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .build()
        .flatten()
    {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        if set.is_match(rel) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    let mut total = 0u64;
    for path in files {
        let Ok(bytes) = crate::walk::read_file(&path) else {
            continue;
        };
        total += bytes.len() as u64;
        if total > MAX_TOTAL {
            break;
        }
        let text = String::from_utf8_lossy(&bytes);
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if word.len() >= 2 && !out.contains(word) {
                out.insert(word.to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_matching_files_only() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir_all(dir.path().join("docs/config"))?;
        std::fs::write(
            dir.path().join("docs/config/env.md"),
            "| `PAPERLESS_DEBUG` | on |\nSet `REDIS_URL=redis://x`.\n",
        )?;
        std::fs::write(dir.path().join("notes.txt"), "NOT_DOCS\n")?;
        let words = words(dir.path(), &["docs/**/*.md".to_string()])?;
        assert!(words.contains("PAPERLESS_DEBUG"));
        assert!(words.contains("REDIS_URL"));
        assert!(!words.contains("NOT_DOCS"));
        assert!(super::words(dir.path(), &["../x/*.md".to_string()]).is_err());
        Ok(())
    }
}
