//! `--format gitlab`: a GitLab Code Quality report, a JSON array with one issue per finding:
//!
//! ```json
//! [{ "description": "...", "check_name": "ENV101", "fingerprint": "<sha-256 hex>",
//!    "severity": "major", "location": { "path": "src/app.py", "lines": { "begin": 9 } } }]
//! ```
//!
//! - `description`: the finding's message, control, bidi and invisible characters written as
//!   `\u{..}` ([`printable`]: the message holds paths and names from the repository, and the
//!   merge request widget shows it as it is); `check_name`: the rule code.
//! - `severity`: an error is `major`, except an error of the secret rules (`ENV3xx`), which is
//!   `critical`: a secret committed or shipped to the client is a leak to act on before anything
//!   else, and GitLab lists `critical` above `major`. A warning is `minor`, an info `info`.
//!   (`blocker` is left unused.)
//! - `fingerprint`: SHA-256 hex of the rule code, path, variable and environment (never of a
//!   line's text), with an occurrence counter added for the second and later findings sharing
//!   those; unique within a report, and stable across runs while the findings stay.
//! - `location.lines.begin`: the 1-based line (1 when the finding has no line).

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::report::{fingerprint, printable};

#[derive(Serialize)]
struct Issue<'a> {
    description: std::borrow::Cow<'a, str>,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The Code Quality severity of a finding: see the module documentation.
fn severity(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Error if f.rule.code.starts_with("ENV3") => "critical",
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Writes the Code Quality report of sorted `findings`.
pub fn emit(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Issue<'_>> = findings
        .iter()
        .zip(fingerprint::occurrences(findings))
        .map(|(f, occurrence)| Issue {
            description: printable(&f.message),
            check_name: f.rule.code,
            fingerprint: fingerprint::digest(f, occurrence),
            severity: severity(f),
            location: Location {
                path: &f.path,
                lines: Lines {
                    begin: f.span.line.max(1),
                },
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::finding::Span;
    use crate::rules::lookup;

    fn finding(code: &str, path: &str, span: Span, message: &str) -> Finding {
        Finding::new(lookup(code).expect("rule"), path, span, message.to_string())
    }

    fn render(findings: &[Finding]) -> String {
        let mut out = Vec::new();
        emit(findings, &mut out).expect("write to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    /// Each severity, the secret error, a multi-line span, a line-less span, a path and a
    /// message that need escaping, and two findings sharing an identity.
    fn sample() -> Vec<Finding> {
        let mut in_prod = finding(
            "ENV101",
            "src/app.py",
            Span::at(9, 12, 7),
            "`API_KEY` (required) is not set in prod",
        )
        .variable("API_KEY");
        in_prod.environment = Some("prod".to_string());
        vec![
            finding(
                "ENV104",
                ".env.prod",
                Span::line(4),
                "`OLD_FLAG` is set in prod but no code reads it",
            )
            .variable("OLD_FLAG"),
            finding(
                "ENV107",
                "src/app.py",
                Span {
                    line: 3,
                    column: 5,
                    end_line: 6,
                    end_column: 2,
                },
                "`DEBUG` (optional) is not set",
            )
            .variable("DEBUG"),
            in_prod,
            finding(
                "ENV302",
                "we,ird/a:b%c.env",
                Span::at(2, 1, 6),
                "100% \"secret\":\r\nline two, with a comma",
            )
            .variable("TOKEN"),
            finding("ENV003", ".env", Span::line(2), "`A` is set twice").variable("A"),
            finding("ENV003", ".env", Span::line(7), "`A` is set twice").variable("A"),
            finding("ENV106", ".env.vault", Span::default(), "cannot decrypt"),
        ]
    }

    #[test]
    fn report() {
        // Fingerprints: sha256 of the NUL-joined code, path, variable, environment (and the
        // occurrence from the second on), computed outside envcheck:
        //   printf 'ENV104\0.env.prod\0OLD_FLAG\0' | sha256sum
        let expected = r#"[
  {
    "description": "`OLD_FLAG` is set in prod but no code reads it",
    "check_name": "ENV104",
    "fingerprint": "ba2e80045898239141734b8d6bfa31e6ee5706d395add18b0e62474f48e779c7",
    "severity": "info",
    "location": {
      "path": ".env.prod",
      "lines": {
        "begin": 4
      }
    }
  },
  {
    "description": "`DEBUG` (optional) is not set",
    "check_name": "ENV107",
    "fingerprint": "5071a5c9a1bf770a00fb4f698d14330774df25462aec48f3699f1e499a034784",
    "severity": "minor",
    "location": {
      "path": "src/app.py",
      "lines": {
        "begin": 3
      }
    }
  },
  {
    "description": "`API_KEY` (required) is not set in prod",
    "check_name": "ENV101",
    "fingerprint": "2790775a3bf7881a0bedf6c9e0bf04319026b5729351a1d7add2f890b7dba9e3",
    "severity": "major",
    "location": {
      "path": "src/app.py",
      "lines": {
        "begin": 9
      }
    }
  },
  {
    "description": "100% \"secret\":\\u{d}\\u{a}line two, with a comma",
    "check_name": "ENV302",
    "fingerprint": "2c997d5907097023ba00491968e229b6a1e6b78a5e789bc929ed07f3a64e407d",
    "severity": "critical",
    "location": {
      "path": "we,ird/a:b%c.env",
      "lines": {
        "begin": 2
      }
    }
  },
  {
    "description": "`A` is set twice",
    "check_name": "ENV003",
    "fingerprint": "fb0116ccb2b5e170c119f831065d9626bf83e14ab09b04ef5af880dd5270654f",
    "severity": "minor",
    "location": {
      "path": ".env",
      "lines": {
        "begin": 2
      }
    }
  },
  {
    "description": "`A` is set twice",
    "check_name": "ENV003",
    "fingerprint": "73db09374f0555bfa9894a5a5cb3c0c4bd56d3f7d2a2e69df854fc2a376cfcd7",
    "severity": "minor",
    "location": {
      "path": ".env",
      "lines": {
        "begin": 7
      }
    }
  },
  {
    "description": "cannot decrypt",
    "check_name": "ENV106",
    "fingerprint": "7e7929c4d755b9b985cf4035e552d0dff4ec4d273d7d63a595cfaf7353a09ba1",
    "severity": "minor",
    "location": {
      "path": ".env.vault",
      "lines": {
        "begin": 1
      }
    }
  }
]
"#;
        assert_eq!(render(&sample()), expected);
    }

    #[test]
    fn every_documented_field_has_its_type() {
        let issues: Value = serde_json::from_str(&render(&sample())).expect("JSON");
        let issues = issues.as_array().expect("an array");
        assert_eq!(issues.len(), sample().len());
        for issue in issues {
            let object = issue.as_object().expect("an object");
            let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "check_name",
                    "description",
                    "fingerprint",
                    "location",
                    "severity"
                ])
            );
            assert!(issue["description"].is_string());
            assert!(
                issue["check_name"]
                    .as_str()
                    .is_some_and(|c| lookup(c).is_some())
            );
            let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
            assert_eq!(fingerprint.len(), 64);
            assert!(
                fingerprint
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            );
            assert!(matches!(
                issue["severity"].as_str(),
                Some("info" | "minor" | "major" | "critical" | "blocker")
            ));
            assert!(issue["location"]["path"].is_string());
            assert!(
                issue["location"]["lines"]["begin"]
                    .as_u64()
                    .is_some_and(|n| n >= 1)
            );
        }
    }

    fn fingerprints(findings: &[Finding]) -> Vec<String> {
        let issues: Value = serde_json::from_str(&render(findings)).expect("JSON");
        issues
            .as_array()
            .expect("an array")
            .iter()
            .map(|i| i["fingerprint"].as_str().expect("fingerprint").to_string())
            .collect()
    }

    #[test]
    fn fingerprints_are_unique() {
        let mut findings = sample();
        // The same identity in another environment, and a third duplicate.
        let mut other_env = findings[2].clone();
        other_env.environment = Some("staging".to_string());
        findings.push(other_env);
        findings.push(finding("ENV003", ".env", Span::line(9), "`A` is set twice").variable("A"));
        let prints = fingerprints(&findings);
        let unique: BTreeSet<&String> = prints.iter().collect();
        assert_eq!(unique.len(), prints.len(), "{prints:#?}");
    }

    #[test]
    fn fingerprints_are_stable() {
        let first = render(&sample());
        assert_eq!(render(&sample()), first);

        // Lines move, messages change, other findings come and go: each finding keeps its print.
        let before = fingerprints(&sample());
        let mut moved = sample();
        for f in &mut moved {
            f.span.line += 10;
            f.span.end_line += 10;
            f.message.push_str(" (reworded)");
        }
        moved.insert(
            0,
            finding("ENV001", "src/new.py", Span::at(1, 5, 3), "new").variable("NEW"),
        );
        moved.pop();
        let after = fingerprints(&moved);
        assert_eq!(after[1..], before[..before.len() - 1]);
    }

    #[test]
    fn an_empty_report_is_an_empty_array() {
        assert_eq!(render(&[]), "[]\n");
    }
}
