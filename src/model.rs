//! The project-wide, sorted picture of what the code reads, built after the parallel scan.

use std::collections::{BTreeMap, BTreeSet};

use crate::extract::{BuildDefine, BuildSource, ReadExtra, ReadKind, When};
use crate::lang::{Family, Language};
use crate::scan::{FileResult, Outcome};
use crate::suppress::Suppression;

/// One read site of a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Last line and column of the key (inclusive).
    pub end_line: usize,
    pub end_column: usize,
    pub kind: ReadKind,
    pub api: &'static str,
    pub extra: ReadExtra,
    /// The deploy profile the file is for, from its name (`settings/test.py` is `test`); `None`
    /// for code that runs everywhere. See [`profile_of`].
    pub profile: Option<&'static str>,
}

/// A variable and every place that reads it.
#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    /// The strongest kind over the reads: required > optional > default > presence.
    pub requirement: ReadKind,
    /// Sorted by path, line, column.
    pub reads: Vec<Site>,
}

/// A read with a computed key.
#[derive(Clone, Debug)]
pub struct DynamicSite {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub api: &'static str,
    pub expression: String,
    /// The key's static start, if any (see [`crate::extract::DynamicRead::prefix`]).
    pub prefix: Option<String>,
    /// How the key is resolved, if it is (see [`crate::extract::DynamicRead::resolved`]).
    pub resolved: Option<String>,
    /// The names of a loop over a literal table (see
    /// [`crate::extract::DynamicRead::resolved_names`]).
    pub resolved_names: Vec<String>,
}

/// A file that was not (fully) read, with the reason.
#[derive(Clone, Debug)]
pub struct FileNotice {
    pub path: String,
    pub message: String,
    /// Where in the file, when the notice is about one place (the first syntax error).
    pub position: Option<crate::span::Position>,
}

/// Counts of files seen by a scan.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileStats {
    /// Source files of a supported language that the walk reached.
    pub scanned: usize,
    /// Files that passed the prefilter and were parsed.
    pub parsed: usize,
    /// Files that could not be read.
    pub errors: usize,
    /// Parsed files with syntax errors (reads outside the broken regions still count).
    pub partial: usize,
}

/// Everything a scan found, sorted.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Sorted by name.
    pub variables: Vec<Variable>,
    /// Sorted by path, line, column.
    pub dynamic: Vec<DynamicSite>,
    pub files: FileStats,
    /// I/O errors: the scan is incomplete.
    pub errors: Vec<FileNotice>,
    /// Files skipped or only partly parsed: the scan went on.
    pub notices: Vec<FileNotice>,
    /// Suppression comments in the parsed source files.
    pub suppressions: Vec<Suppression>,
}

impl Inventory {
    /// Merges per-file results (already sorted by path).
    pub fn from_files(files: Vec<FileResult>) -> Inventory {
        let mut by_name: BTreeMap<String, Vec<Site>> = BTreeMap::new();
        let mut inv = Inventory::default();
        let mut build = BuildConstants::default();
        for file in files {
            inv.files.scanned += 1;
            match file.outcome {
                Outcome::Skipped => {}
                Outcome::NotParsed(message) => inv.notices.push(FileNotice {
                    path: file.path,
                    message,
                    position: None,
                }),
                Outcome::Error(message) => {
                    inv.files.errors += 1;
                    inv.errors.push(FileNotice {
                        path: file.path,
                        message,
                        position: None,
                    });
                }
                Outcome::Parsed(facts, note) => {
                    // shared with what the walk kept (`scan::Walked`): copied only then
                    let facts = std::sync::Arc::unwrap_or_clone(facts);
                    inv.files.parsed += 1;
                    if let Some(message) = note {
                        inv.notices.push(FileNotice {
                            path: file.path.clone(),
                            message,
                            position: None,
                        });
                    }
                    if facts.partial {
                        inv.files.partial += 1;
                        inv.notices.push(FileNotice {
                            path: file.path.clone(),
                            message: facts
                                .grammar_gap
                                .clone()
                                .unwrap_or_else(|| "syntax errors: only partly parsed".to_string()),
                            position: facts.first_error,
                        });
                    }
                    for comment in facts.suppressions {
                        inv.suppressions
                            .push(Suppression::new(&file.path, comment, false));
                    }
                    build.add(&file.path, &facts.build_defines);
                    let profile = profile_of(&file.path);
                    for read in facts.reads {
                        by_name.entry(read.name).or_default().push(Site {
                            profile,
                            path: file.path.clone(),
                            line: read.position.line,
                            column: read.position.column,
                            end_line: read.end.line,
                            end_column: read.end.column.saturating_sub(1).max(1),
                            kind: read.kind,
                            api: read.api,
                            extra: read.extra,
                        });
                    }
                    for d in facts.dynamic {
                        inv.dynamic.push(DynamicSite {
                            path: file.path.clone(),
                            line: d.position.line,
                            column: d.position.column,
                            api: d.api,
                            expression: d.expression,
                            prefix: d.prefix,
                            resolved: d.resolved,
                            resolved_names: d.resolved_names,
                        });
                    }
                }
            }
        }
        build.apply(&mut by_name);
        // Walk errors carry no language and are counted as scanned above; that is fine: they are
        // places the scan could not see.
        inv.variables = by_name
            .into_iter()
            .map(|(name, mut reads)| {
                reads.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
                Variable {
                    requirement: requirement(&reads),
                    name,
                    reads,
                }
            })
            .collect();
        inv.dynamic
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        inv
    }
}

/// Names that bundlers replace with constants at build time, by the directory of the build
/// configuration that declares them (next.config `env`, Vite `define`, webpack `DefinePlugin`).
/// A script read of such a name in that directory's tree is [`When::Build`], and so is every
/// read inside a build configuration file itself: the deploy target's runtime environment is not
/// where those values come from.
#[derive(Default)]
struct BuildConstants {
    /// `(directory, name)`: the directory is `""` for the scanned root, else ends in `/`.
    names: BTreeSet<(String, String)>,
}

impl BuildConstants {
    fn add(&mut self, path: &str, defines: &[BuildDefine]) {
        if defines.is_empty() {
            return;
        }
        let next_config = file_name(path).starts_with("next.config.");
        let dir = &path[..path.len() - file_name(path).len()];
        for define in defines {
            if define.source == BuildSource::Define || next_config {
                self.names.insert((dir.to_string(), define.name.clone()));
            }
        }
    }

    fn apply(&self, by_name: &mut BTreeMap<String, Vec<Site>>) {
        let dirs: BTreeMap<&str, Vec<&str>> =
            self.names
                .iter()
                .fold(BTreeMap::new(), |mut acc, (dir, name)| {
                    acc.entry(name.as_str()).or_default().push(dir.as_str());
                    acc
                });
        for (name, sites) in by_name.iter_mut() {
            let dirs = dirs.get(name.as_str());
            for site in sites {
                if !is_script(&site.path) {
                    continue;
                }
                let defined = dirs.is_some_and(|d| d.iter().any(|d| site.path.starts_with(d)));
                if defined || is_build_config(&site.path) {
                    site.extra.when = When::Build;
                    site.extra.context = None;
                }
            }
        }
    }
}

/// The tools whose configuration files run at build time, not in the deployed service.
const BUILD_TOOLS: &[&str] = &[
    "next", "vite", "webpack", "rollup", "nuxt", "astro", "svelte", "tsup",
];

/// `next.config.mjs`, `vite.config.ts`, `webpack.prod.config.js`: a build tool's configuration.
pub fn is_build_config(path: &str) -> bool {
    let name = file_name(path);
    let mut parts = name.split('.');
    let tool = parts.next().unwrap_or("");
    BUILD_TOOLS.contains(&tool) && is_script(path) && parts.any(|p| p == "config")
}

fn is_script(path: &str) -> bool {
    Language::from_path(std::path::Path::new(path)).is_some_and(|l| l.family() == Family::Script)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The deploy profiles a settings module can be for, by the words of its file name: a file
/// named after one is loaded only in that profile (Django's `settings/test.py`, selected by
/// `DJANGO_SETTINGS_MODULE`; Angular's `environment.prod.ts`, chosen by the build).
const PROFILE_WORDS: &[(&str, &str)] = &[
    ("prod", "production"),
    ("production", "production"),
    ("staging", "staging"),
    ("stage", "staging"),
    ("dev", "development"),
    ("develop", "development"),
    ("development", "development"),
    ("local", "local"),
    ("test", "test"),
    ("tests", "test"),
    ("testing", "test"),
    ("ci", "test"),
];

/// Directories whose modules are per-profile settings when named after a profile.
const SETTINGS_DIRS: &[&str] = &[
    "settings",
    "config",
    "configs",
    "conf",
    "configuration",
    "environments",
    "envs",
    "env",
];

/// Names whose `<name>_<profile>`, `<profile>_<name>` or `<name>.<profile>` form is a settings
/// module for that profile.
const SETTINGS_NAMES: &[&str] = &["settings", "config", "configuration", "environment", "env"];

/// The profile a source file is for, by its path: `config/django/test.py`, `settings/local.py`,
/// `settings_dev.py`, `environment.prod.ts`, `config/production.ts`. The file stem must be a
/// profile word under a settings directory, or a settings name joined to one (`_`, `-`, `.`).
/// Canonical profiles: `production`, `staging`, `development`, `local`, `test`.
pub fn profile_of(path: &str) -> Option<&'static str> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop()?;
    let stem = file.split('.').next().unwrap_or(file);
    let word = |w: &str| {
        PROFILE_WORDS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(w))
            .map(|(_, v)| *v)
    };
    // `settings/test.py`, `config/django/production.py`
    if let Some(profile) = word(stem)
        && parts
            .iter()
            .any(|d| SETTINGS_DIRS.iter().any(|s| s.eq_ignore_ascii_case(d)))
    {
        return Some(profile);
    }
    // `settings_dev.py`, `dev_settings.py`, `environment.prod.ts`, `config.production.js`
    let dotted: Vec<&str> = file.split('.').collect();
    if dotted.len() >= 3
        && SETTINGS_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(dotted[0]))
        && let Some(profile) = word(dotted[1])
    {
        return Some(profile);
    }
    for sep in ['_', '-'] {
        if let Some((a, b)) = stem.split_once(sep) {
            let named = |n: &str| SETTINGS_NAMES.iter().any(|s| s.eq_ignore_ascii_case(n));
            if named(a)
                && let Some(profile) = word(b)
            {
                return Some(profile);
            }
            if named(b)
                && let Some(profile) = word(a)
            {
                return Some(profile);
            }
        }
    }
    None
}

/// The strongest kind over a variable's reads.
pub fn requirement(reads: &[Site]) -> ReadKind {
    reads
        .iter()
        .map(|r| r.kind)
        .max_by_key(|k| k.strength())
        .unwrap_or(ReadKind::Presence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(kind: ReadKind) -> Site {
        Site {
            path: "a.py".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            kind,
            api: "os.getenv",
            extra: ReadExtra::default(),
            profile: None,
        }
    }

    #[test]
    fn build_configuration_files() {
        for path in [
            "next.config.js",
            "apps/web/next.config.mjs",
            "vite.config.ts",
            "apps/api/webpack.config.js",
            "webpack.prod.config.cjs",
            "rollup.config.mjs",
            "nuxt.config.ts",
            "astro.config.mjs",
            "svelte.config.js",
            "tsup.config.ts",
        ] {
            assert!(is_build_config(path), "{path}");
        }
        for path in [
            "src/config.ts",
            "next.ts",
            "vitest.config.ts",
            "src/vite-env.ts",
            "webpack.config.py",
            "config/next.ts",
        ] {
            assert!(!is_build_config(path), "{path}");
        }
    }

    #[test]
    fn profiles_from_file_names() {
        let cases = [
            ("config/django/test.py", Some("test")),
            ("src/app/settings/local.py", Some("local")),
            ("settings/production.py", Some("production")),
            ("project/settings_dev.py", Some("development")),
            ("project/test_settings.py", Some("test")),
            (
                "apps/api/src/environments/environment.prod.ts",
                Some("production"),
            ),
            ("config/staging.ts", Some("staging")),
            ("config.production.js", Some("production")),
            // not settings modules
            ("app/test.py", None),
            ("src/dev.ts", None),
            ("settings/base.py", None),
            ("settings/__init__.py", None),
            ("app/settings.py", None),
            ("environments/environment.ts", None),
            ("src/production_orders.py", None),
        ];
        for (path, want) in cases {
            assert_eq!(profile_of(path), want, "{path}");
        }
    }

    #[test]
    fn strongest_kind_wins() {
        use ReadKind::*;
        let cases = [
            (vec![Default, Required], Required),
            (vec![Default, Optional], Optional),
            (vec![Presence, Default], Default),
            (vec![Presence], Presence),
            (vec![Optional, Required, Default, Presence], Required),
        ];
        for (kinds, want) in cases {
            let reads: Vec<Site> = kinds.iter().map(|k| site(*k)).collect();
            assert_eq!(requirement(&reads), want, "{kinds:?}");
        }
    }
}
