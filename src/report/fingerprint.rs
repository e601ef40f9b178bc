//! Stable identities for findings, for the formats that track a finding across runs: SARIF's
//! `partialFingerprints` and GitLab Code Quality's `fingerprint`.
//!
//! An identity is computed by envcheck from the rule code, the path, the variable and the
//! environment: never from the text of a line, which in an env file holds a value (if a SARIF
//! result has no fingerprint, GitHub's uploader hashes the line's text itself). The line number
//! is left out too, so a finding keeps its identity when lines are added above it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// The fields that identify a finding: code, path, variable, environment.
type Key<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>);

fn key(f: &Finding) -> Key<'_> {
    (
        f.rule.code,
        &f.path,
        f.variable.as_deref(),
        f.environment.as_deref(),
    )
}

/// For each finding, its 1-based rank among the findings before it with the same identity
/// (code, path, variable, environment). Findings are sorted, so the rank is stable.
pub(crate) fn occurrences(findings: &[Finding]) -> Vec<usize> {
    let mut seen: BTreeMap<Key<'_>, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry(key(f)).or_insert(0);
            *n += 1;
            *n
        })
        .collect()
}

/// Lowercase hex SHA-256 of the finding's identity. The fields are joined with NUL, which no
/// code, path or name holds; an absent variable or environment is an empty field. When
/// `occurrence` is past 1, it is appended as one more field, so the first finding of an identity
/// keeps its digest whether or not a second one appears.
pub(crate) fn digest(f: &Finding, occurrence: usize) -> String {
    let (code, path, variable, environment) = key(f);
    let mut hasher = Sha256::new();
    hasher.update(code.as_bytes());
    hasher.update(b"\0");
    hasher.update(path.as_bytes());
    hasher.update(b"\0");
    hasher.update(variable.unwrap_or("").as_bytes());
    hasher.update(b"\0");
    hasher.update(environment.unwrap_or("").as_bytes());
    if occurrence > 1 {
        hasher.update(b"\0");
        hasher.update(occurrence.to_string().as_bytes());
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize().iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Span;
    use crate::rules::lookup;

    fn finding(code: &str, path: &str, line: usize, variable: &str) -> Finding {
        Finding::new(
            lookup(code).expect("rule"),
            path,
            Span::at(line, 1, 3),
            format!("`{variable}` message"),
        )
        .variable(variable)
    }

    #[test]
    fn digest_is_sha256_of_the_nul_joined_fields() {
        // printf 'ENV101\0app.py\0API_KEY\0' | sha256sum
        let f = finding("ENV101", "app.py", 3, "API_KEY");
        assert_eq!(
            digest(&f, 1),
            "cb19f3000041974dd54e8e3edd095b53f282a12f62e6a71ac706ddd8bcec6ee8"
        );
        // printf 'ENV101\0app.py\0API_KEY\0\0002' | sha256sum
        assert_eq!(
            digest(&f, 2),
            "c21d0f9febb9ff773e9e7622099978e48b1ef1b9bc1398028032e8f33b0e307a"
        );
    }

    #[test]
    fn identity_ignores_line_and_message_but_not_environment() {
        let a = finding("ENV101", "app.py", 3, "API_KEY");
        let mut b = finding("ENV101", "app.py", 40, "API_KEY");
        b.message = "another message".to_string();
        assert_eq!(digest(&a, 1), digest(&b, 1));
        let mut c = a.clone();
        c.environment = Some("prod".to_string());
        assert_ne!(digest(&a, 1), digest(&c, 1));
        let d = finding("ENV102", "app.py", 3, "API_KEY");
        assert_ne!(digest(&a, 1), digest(&d, 1));
    }

    #[test]
    fn occurrences_count_per_identity() {
        let findings = [
            finding("ENV101", "app.py", 3, "A"),
            finding("ENV101", "app.py", 5, "B"),
            finding("ENV101", "app.py", 7, "A"),
            finding("ENV101", "app.py", 9, "A"),
        ];
        assert_eq!(occurrences(&findings), vec![1, 1, 2, 3]);
    }
}
