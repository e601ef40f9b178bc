//! Where values come from: env files (plaintext and dotenvx-encrypted), `.env.vault`,
//! Kubernetes manifests (rendered Helm and Cloud Run exports included), compose files, JSON
//! dumps, the exports of platforms and secret stores (ECS task definitions, GitHub and GitLab
//! variables, Fly, Render Blueprints, SSM parameters, Infisical, Vault KV), the process
//! environment, declared names.
//!
//! Every source reads into the same shape, [`SourceData`]: the names it provides, each with a
//! [`ValueState`] and where it was declared. Values stay inside [`Secret`]; nothing here prints.
//! A value that only points at a secret manager (`op://...`, an ARN) is not a value: the target
//! marks it [`ValueState::External`] whatever source it comes from ([`reference`]).
//!
//! The platform readers are pure `(path, text, selector) -> SourceData` functions over the files
//! the platforms' own CLIs write, read offline; JSON exports go through [`json_tree`] (a tree
//! with the line of every key, so a bad name is reported with its line, never printed).

pub mod compose;
pub mod dotenv;
pub mod dotenvx;
pub mod ecs;
pub mod fly;
pub mod github;
pub mod gitlab;
pub mod infisical;
pub mod interpolation;
pub mod json;
pub(crate) mod json_tree;
pub mod kubernetes;
pub mod reference;
pub mod render;
pub mod ssm;
#[cfg(test)]
pub(crate) mod testing;
pub mod vault;
pub mod vault_kv;
pub(crate) mod yaml;

use std::collections::BTreeMap;

use crate::secret::Secret;

/// What a source says about one variable.
#[derive(Clone, Debug)]
pub enum ValueState {
    /// A plaintext value (possibly empty).
    Value(Secret),
    /// An encrypted value whose plaintext is not known (no key given): it is set. Holds the
    /// ciphertext as written, so that two revisions of a file can tell a changed value from an
    /// unchanged one without the key; never shown.
    Encrypted(Secret),
    /// Set from somewhere envcheck cannot see (`valueFrom`, a secret store, a declared name).
    External,
    /// Passed through from the deploying shell (`- FOO` in compose): may or may not be set.
    PassThrough,
    /// Set by the platform to a value envcheck does not see but that is never empty: a value
    /// Render generates (`generateValue`), a database's connection string (`fromDatabase`), a
    /// value that is a JSON object in a Vault KV secret.
    Set,
}

impl ValueState {
    /// `Some(true)` when the value is known to be empty, `None` when it cannot be known.
    pub fn is_empty(&self) -> Option<bool> {
        match self {
            ValueState::Value(v) => Some(v.is_empty()),
            _ => None,
        }
    }
}

/// One name a source provides.
#[derive(Clone, Debug)]
pub struct Provided {
    pub name: String,
    pub state: ValueState,
    /// File (relative path with `/`, or a label such as `<env>`, `<stdin>`) and 1-based line
    /// where the name is declared; line 0 when there is none.
    pub path: String,
    pub line: usize,
}

/// Everything one source yields.
#[derive(Clone, Debug, Default)]
pub struct SourceData {
    pub provided: Vec<Provided>,
    /// Reasons the source may provide names envcheck cannot see (an `envFrom` Secret that is not
    /// in the repo, a vault without its key). Any entry makes "missing" unprovable.
    pub opaque: Vec<String>,
    /// Things worth telling the user that do not stop the run (a Helm template skipped).
    pub notices: Vec<String>,
    /// Why nothing the source provides can be known: it is a template that was not rendered (a
    /// Helm chart). Like an `opaque` reason it makes "missing" unprovable, but it concerns every
    /// name alike, so ENV105 says it once instead of once per variable.
    pub unrendered: Option<String>,
    /// Names the deploy itself requires (compose `${X:?err}`): deploying fails when the
    /// deploying environment lacks them.
    pub required: Vec<RequiredName>,
    /// Names this source sets that its own configuration shows something besides the scanned
    /// code uses: another value of the same env file interpolates them, or other services of
    /// the compose file load the env file that sets them. ENV104 does not report them.
    pub used_elsewhere: Vec<UsedElsewhere>,
}

/// A name a source sets, in the file that sets it (as [`Provided::path`]), that something other
/// than the scanned code uses (see [`SourceData::used_elsewhere`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedElsewhere {
    pub name: String,
    pub path: String,
}

/// A name a source requires of the environment that deploys it, and where it says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredName {
    pub name: String,
    pub path: String,
    pub line: usize,
}

/// The names one source provides, as it reads them: a later declaration of a name replaces an
/// earlier one, and every name passes [`name_problem`] as it is added. The platform readers
/// collect into it.
pub(crate) struct Names {
    path: String,
    map: BTreeMap<String, Provided>,
}

impl Names {
    pub(crate) fn new(path: &str) -> Names {
        Names {
            path: path.to_string(),
            map: BTreeMap::new(),
        }
    }

    /// Adds `name` at `line`; an error naming the file and line, never the name, when it is not
    /// a variable name.
    pub(crate) fn set(
        &mut self,
        name: &str,
        line: usize,
        state: ValueState,
    ) -> Result<(), SourceError> {
        if let Some(problem) = name_problem(name) {
            return Err(SourceError {
                path: self.path.clone(),
                line: (line > 0).then_some(line),
                message: format!("a variable name {problem}"),
            });
        }
        self.map.insert(
            name.to_string(),
            Provided {
                name: name.to_string(),
                state,
                path: self.path.clone(),
                line,
            },
        );
        Ok(())
    }

    /// The names, sorted.
    pub(crate) fn into_provided(self) -> Vec<Provided> {
        self.map.into_values().collect()
    }
}

/// An error about `path` at `line` (none when 0).
pub(crate) fn error_at(path: &str, line: usize, message: impl Into<String>) -> SourceError {
    SourceError {
        path: path.to_string(),
        line: (line > 0).then_some(line),
        message: message.into(),
    }
}

/// The longest variable name accepted, in bytes. Real names are a few dozen characters; a longer
/// "name" is a value or generated text, and names are printed.
pub const MAX_NAME_LEN: usize = 256;

/// Why `name`, as a source declares it, cannot be a variable name; `None` when it can.
///
/// This is the one name grammar of envcheck: every name a source provides (env files, dotenvx,
/// decrypted vaults, Kubernetes `env` names, ConfigMap and Secret keys with their `envFrom`
/// prefix, compose, JSON, declared `names`, the process environment) passes it before it can
/// reach a report, and so does every name the extractors take from code
/// ([`crate::extract::plausible_name`]). A name is 1 to [`MAX_NAME_LEN`] ASCII letters, digits,
/// `_`, `.` and `-`, and is not shaped like a credential.
///
/// Names are printed, so a value written where a name belongs (`NAME=value` or `NAME value` as
/// one string) or a pasted token would be printed with them: the readers refuse such names, and
/// this message never repeats the name. Nor can an accepted name carry anything an output medium
/// interprets: no line break (a workflow command of its own), no `%`, `:` or `,` (workflow
/// command escapes), no `<`, `[`, `|` or backtick (Markdown and HTML), no bidi or invisible
/// characters.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("is empty")
    } else if name.contains('=') {
        Some("holds `=` (a value written into the name?)")
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("holds a space or a control character (a value written into the name?)")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        // `:` or `;` before a value, invisible or bidi characters that hide part of the name
        Some("holds a character other than ASCII letters, digits, `_`, `.` and `-`")
    } else if name.len() > MAX_NAME_LEN {
        Some("is longer than 256 characters (a value written into the name?)")
    } else if crate::secret_shapes::secret_shape(name).is_some() {
        Some("looks like a credential, not a variable name (a pasted token?)")
    } else {
        None
    }
}

/// Checks every name `data` provides against [`name_problem`]: the gate every loaded source
/// passes, whatever its reader already checked. The error names the file and line of the first
/// bad name (`label` when the name has no file), never the name.
pub(crate) fn check_names(label: &str, data: &SourceData) -> Result<(), SourceError> {
    for p in &data.provided {
        if let Some(problem) = name_problem(&p.name) {
            return Err(SourceError {
                path: if p.path.is_empty() {
                    label.to_string()
                } else {
                    p.path.clone()
                },
                line: (p.line > 0).then_some(p.line),
                message: format!("a variable name {problem}"),
            });
        }
    }
    Ok(())
}

/// The process environment (`--source env`) as a source. A variable whose name is not a name by
/// [`name_problem`] (a line break, a space, a non-ASCII character: anything a parent process
/// may set) is left out, and one notice counts them without naming any. Leaving it out cannot
/// make anything read as missing: code can only read names that pass the same check.
pub(crate) fn process_environment(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> SourceData {
    let mut data = SourceData::default();
    let mut skipped = 0usize;
    for (name, value) in vars {
        let Some(name) = name.to_str().filter(|n| name_problem(n).is_none()) else {
            skipped += 1;
            continue;
        };
        // a value that is not UTF-8 is still set (and not empty): read lossily, never printed
        let value = value.to_string_lossy().into_owned();
        data.provided.push(Provided {
            name: name.to_string(),
            state: ValueState::Value(Secret::new(value)),
            path: String::new(),
            line: 0,
        });
    }
    if skipped > 0 {
        data.notices.push(format!(
            "{skipped} variable{} of the process environment {} a name that is not a variable \
             name (a control character, a space, a character other than ASCII letters, digits, \
             `_`, `.` and `-`, or a credential shape); left out",
            if skipped == 1 { "" } else { "s" },
            if skipped == 1 { "has" } else { "have" },
        ));
    }
    data
}

/// What the sources of one run may spend where the work grows with what the input refers to
/// rather than with its size: dotenv references (`B=${A}${A}`), and Kubernetes `envFrom`
/// references that copy every key of a ConfigMap or Secret into every container that names it
/// (multiplied again by YAML aliases). One budget serves every source of a run, so a file listed
/// many times as a source cannot multiply the work.
///
/// Past the budget: a dotenv reference is kept as written (the value stays non-empty, the name
/// is still provided) and the source gets a notice; Kubernetes manifests are an error (the run
/// stops with exit 2): names cut from them would read as missing.
#[derive(Debug)]
pub struct Budget {
    /// Bytes dotenv references may still add to values.
    pub(crate) expansion: usize,
    /// Names, containers and `env`/`envFrom` entries the Kubernetes reader may still visit.
    pub(crate) generated: usize,
    /// Bytes of values the Kubernetes reader may still copy into the names it generates.
    pub(crate) copied: usize,
}

/// The most bytes dotenv references may add to values in one run.
pub const MAX_EXPANSION: usize = 64 << 20;
/// The most names, containers and entries the Kubernetes reader visits in one run.
pub const MAX_GENERATED: usize = 500_000;
/// The most bytes of values the Kubernetes reader copies in one run.
pub const MAX_COPIED: usize = 256 << 20;

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            expansion: MAX_EXPANSION,
            generated: MAX_GENERATED,
            copied: MAX_COPIED,
        }
    }
}

/// An error reading a source: names the file and, where there is one, the line. The message
/// never contains a value, a key or ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SourceError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}
