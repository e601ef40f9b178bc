//! Where values come from: env files (plaintext and dotenvx-encrypted), `.env.vault`,
//! Kubernetes manifests, compose files, JSON dumps, the process environment, declared names.
//!
//! Every source reads into the same shape, [`SourceData`]: the names it provides, each with a
//! [`ValueState`] and where it was declared. Values stay inside [`Secret`]; nothing here prints.

pub mod compose;
pub mod dotenv;
pub mod dotenvx;
pub mod json;
pub mod kubernetes;
pub mod vault;
pub(crate) mod yaml;

use crate::secret::Secret;

/// What a source says about one variable.
#[derive(Clone, Debug)]
pub enum ValueState {
    /// A plaintext value (possibly empty).
    Value(Secret),
    /// An encrypted value whose plaintext is not known (no key given): it is set.
    Encrypted,
    /// Set from somewhere envcheck cannot see (`valueFrom`, a secret store, a declared name).
    External,
    /// Passed through from the deploying shell (`- FOO` in compose): may or may not be set.
    PassThrough,
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
}

/// Why `name`, as a source declares it, cannot be a variable name; `None` when it can. Names are
/// printed, so a value written where a name belongs (`NAME=value` or `NAME value` as one string)
/// or a pasted token would be printed with them: the readers refuse such names, and this message
/// never repeats the name.
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
    } else if crate::secret_shapes::secret_shape(name).is_some() {
        Some("looks like a credential, not a variable name (a pasted token?)")
    } else {
        None
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
