//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning (and any SARIF viewer).
//!
//! One run. `tool.driver.rules` lists every rule in [`RULES`], so a result's `ruleIndex` is its
//! rule's place in that table. Each result has the rule, level (`error`, `warning`, `note`), the
//! message, the repo-relative path as a URI under `%SRCROOT%`, the region, and a
//! `partialFingerprints.primaryLocationLineHash` computed here from the rule code, path,
//! variable and environment: without one, GitHub's uploader would hash the text of the line,
//! which in an env file holds a value. `properties` carries `environment` and `new` when set.
//!
//! `message.text` is plain text (no `markdown` is written): the message holds paths and names
//! from the repository, so control, bidi and invisible characters are written as `\u{..}`
//! ([`printable`]), and where the text holds `](`, its square brackets are backslash-escaped so
//! that no SARIF embedded link (`[text](uri)`, §3.11.6, which viewers render as a link) can be
//! formed from a file name.
//!
//! Regions: lines are 1-based; columns count Unicode code points (`columnKind`
//! `unicodeCodePoints`), and `endColumn` is one past the last character, as SARIF defines it.
//! Columns are left out when unknown (a [`Span::line`] span); the region is left out when the
//! line is unknown (0).
//!
//! GitHub takes at most [`MAX_RESULTS`] results per run. Past that, the most severe findings are
//! kept (errors, then warnings, then infos, in the sorted order within a severity), written in
//! the sorted order, and the run's `properties.truncated` says how many were left out.

use std::cmp::Reverse;
use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Severity, Span};
use crate::report::{fingerprint, printable};
use crate::rules::{RULES, RuleInfo};

/// The `$schema` of the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Results per run that GitHub code scanning accepts.
pub const MAX_RESULTS: usize = 25_000;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties>,
}

#[derive(Serialize)]
struct RunProperties {
    /// Results left out past [`MAX_RESULTS`].
    truncated: usize,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    information_uri: String,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Text<'a> {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<bool>,
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn information_uri() -> String {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => format!("https://crates.io/crates/{}", env!("CARGO_PKG_NAME")),
        repository => repository.to_string(),
    }
}

/// The `## What it does` section of an explain text, its paragraphs unwrapped; the summary when
/// there is none.
fn full_description(rule: &RuleInfo) -> String {
    const HEADING: &str = "## What it does";
    let Some(start) = rule.explain.find(HEADING) else {
        return rule.summary.to_string();
    };
    let rest = &rule.explain[start + HEADING.len()..];
    let section = rest.find("\n## ").map_or(rest, |end| &rest[..end]);
    let paragraphs: Vec<String> = section
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.is_empty() {
        rule.summary.to_string()
    } else {
        paragraphs.join("\n\n")
    }
}

fn rule(info: &'static RuleInfo) -> Rule {
    Rule {
        id: info.code,
        name: info.name,
        short_description: Text::new(info.summary),
        full_description: Text::new(full_description(info)),
        help: Help {
            text: info.explain,
            markdown: info.explain,
        },
        default_configuration: Configuration {
            level: level(info.severity),
        },
    }
}

/// A repo-relative path as a relative URI reference: every byte outside the unreserved set,
/// the sub-delimiters, `@` and `/` is percent-encoded (`:` too, which would otherwise read as a
/// scheme in a first segment).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The region of a span: `None` without a line. Columns when known: a span on several lines
/// has them when its start column is set; a span on one line unless it is a [`Span::line`]
/// span (column 1 to 1).
fn region(span: &Span) -> Option<Region> {
    if span.line == 0 {
        return None;
    }
    let end_line = span.end_line.max(span.line);
    let columns = if end_line == span.line {
        crate::report::github::columns(span)
    } else {
        (span.column > 0 && span.end_column > 0).then_some((span.column, span.end_column))
    };
    Some(Region {
        start_line: span.line,
        start_column: columns.map(|(start, _)| start),
        end_line,
        // SARIF's end column is one past the last character.
        end_column: columns.map(|(_, end)| end + 1),
    })
}

/// A finding's message as SARIF plain text: see the module documentation.
fn message_text(message: &str) -> std::borrow::Cow<'_, str> {
    let shown = printable(message);
    if !shown.contains("](") {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

fn result<'a>(f: &'a Finding, occurrence: usize) -> SarifResult<'a> {
    let hash = fingerprint::digest(f, 1);
    let properties = (f.environment.is_some() || f.new.is_some()).then_some(ResultProperties {
        environment: f.environment.as_deref(),
        new: f.new,
    });
    SarifResult {
        rule_id: f.rule.code,
        rule_index: RULES.iter().position(|r| r.code == f.rule.code),
        level: level(f.severity),
        message: Text::new(message_text(&f.message)),
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&f.path),
                    uri_base_id: "%SRCROOT%",
                },
                region: region(&f.span),
            },
        }],
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: format!("{}:{occurrence}", &hash[..16]),
        },
        properties,
    }
}

/// Writes the SARIF log of sorted `findings`.
pub fn emit(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    emit_capped(findings, MAX_RESULTS, out)
}

fn emit_capped(findings: &[Finding], max: usize, out: &mut dyn Write) -> io::Result<()> {
    let occurrences = fingerprint::occurrences(findings);
    let mut kept: Vec<usize> = (0..findings.len()).collect();
    if findings.len() > max {
        kept.sort_by_key(|&i| Reverse(findings[i].severity));
        kept.truncate(max);
        kept.sort_unstable();
    }
    let truncated = findings.len() - kept.len();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "envcheck",
                    information_uri: information_uri(),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: RULES.iter().copied().map(rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: kept
                .iter()
                .map(|&i| result(&findings[i], occurrences[i]))
                .collect(),
            properties: (truncated > 0).then_some(RunProperties { truncated }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::rules::lookup;

    fn finding(code: &str, path: &str, span: Span, message: &str) -> Finding {
        Finding::new(lookup(code).expect("rule"), path, span, message.to_string())
    }

    fn render_capped(findings: &[Finding], max: usize) -> Value {
        let mut out = Vec::new();
        emit_capped(findings, max, &mut out).expect("write to a Vec");
        assert!(out.ends_with(b"}\n"));
        serde_json::from_slice(&out).expect("JSON")
    }

    fn render(findings: &[Finding]) -> Value {
        render_capped(findings, MAX_RESULTS)
    }

    fn index(code: &str) -> usize {
        RULES.iter().position(|r| r.code == code).expect("rule")
    }

    /// One finding of each severity, a multi-line span, a whole-line span, a line-less span,
    /// and a path and message that need escaping.
    fn sample() -> Vec<Finding> {
        let mut in_prod = finding(
            "ENV101",
            "src/app.py",
            Span::at(9, 12, 7),
            "`API_KEY` (required) is not set in prod",
        )
        .variable("API_KEY");
        in_prod.environment = Some("prod".to_string());
        in_prod.new = Some(true);
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
                "we,ird dir/a:b%c.env",
                Span::at(2, 1, 6),
                "100% \"secret\":\r\nline two, with a comma",
            )
            .variable("TOKEN"),
            finding("ENV106", ".env.vault", Span::default(), "cannot decrypt"),
        ]
    }

    fn hash(code: &str, path: &str, variable: &str, environment: &str) -> String {
        let mut f = finding(code, path, Span::line(1), "");
        f.variable = (!variable.is_empty()).then(|| variable.to_string());
        f.environment = (!environment.is_empty()).then(|| environment.to_string());
        fingerprint::digest(&f, 1)[..16].to_string()
    }

    #[test]
    fn results() {
        let log = render(&sample());
        let expected = json!([
            {
                "ruleId": "ENV104",
                "ruleIndex": index("ENV104"),
                "level": "note",
                "message": { "text": "`OLD_FLAG` is set in prod but no code reads it" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": ".env.prod", "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": 4, "endLine": 4 }
                }}],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{}:1", hash("ENV104", ".env.prod", "OLD_FLAG", ""))
                }
            },
            {
                "ruleId": "ENV107",
                "ruleIndex": index("ENV107"),
                "level": "warning",
                "message": { "text": "`DEBUG` (optional) is not set" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "src/app.py", "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": 3, "startColumn": 5, "endLine": 6, "endColumn": 3 }
                }}],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{}:1", hash("ENV107", "src/app.py", "DEBUG", ""))
                }
            },
            {
                "ruleId": "ENV101",
                "ruleIndex": index("ENV101"),
                "level": "error",
                "message": { "text": "`API_KEY` (required) is not set in prod" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "src/app.py", "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": 9, "startColumn": 12, "endLine": 9, "endColumn": 19 }
                }}],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{}:1", hash("ENV101", "src/app.py", "API_KEY", "prod"))
                },
                "properties": { "environment": "prod", "new": true }
            },
            {
                "ruleId": "ENV302",
                "ruleIndex": index("ENV302"),
                "level": "error",
                "message": { "text": "100% \"secret\":\\u{d}\\u{a}line two, with a comma" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "we,ird%20dir/a%3Ab%25c.env", "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 7 }
                }}],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{}:1", hash("ENV302", "we,ird dir/a:b%c.env", "TOKEN", ""))
                }
            },
            {
                "ruleId": "ENV106",
                "ruleIndex": index("ENV106"),
                "level": "warning",
                "message": { "text": "cannot decrypt" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": ".env.vault", "uriBaseId": "%SRCROOT%" }
                }}],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{}:1", hash("ENV106", ".env.vault", "", ""))
                }
            }
        ]);
        assert_eq!(log["runs"][0]["results"], expected);
        assert!(log["runs"][0].get("properties").is_none());
    }

    #[test]
    fn the_hash_is_the_documented_digest() {
        // printf 'ENV101\0app.py\0API_KEY\0' | sha256sum | cut -c1-16
        assert_eq!(hash("ENV101", "app.py", "API_KEY", ""), "cb19f3000041974d");
    }

    #[test]
    fn log_and_driver() {
        let log = render(&[]);
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(run["results"], json!([]));
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "envcheck");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(
            driver["informationUri"]
                .as_str()
                .expect("informationUri")
                .starts_with("https://")
        );
    }

    #[test]
    fn every_rule_is_described() {
        let log = render(&[]);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .clone();
        assert_eq!(rules.len(), RULES.len());
        for (rule, info) in rules.iter().zip(RULES) {
            assert_eq!(rule["id"], info.code);
            assert_eq!(rule["name"], info.name);
            assert_eq!(rule["shortDescription"]["text"], info.summary);
            assert_eq!(rule["help"]["text"], info.explain);
            assert_eq!(rule["help"]["markdown"], info.explain);
            assert_eq!(
                rule["defaultConfiguration"]["level"],
                level(info.severity),
                "{}",
                info.code
            );
            let full = rule["fullDescription"]["text"].as_str().expect("text");
            assert!(!full.is_empty() && !full.contains("##"), "{}", info.code);
        }
        let env001 = &rules[index("ENV001")];
        assert!(
            env001["fullDescription"]["text"]
                .as_str()
                .expect("text")
                .starts_with(
                    "Reports each environment variable the code reads that the example file"
                )
        );
    }

    #[test]
    fn fingerprints_count_occurrences_and_ignore_lines() {
        let a = |line| finding("ENV003", ".env", Span::line(line), "dup").variable("A");
        let log = render(&[a(2), a(5), a(9)]);
        let hashes: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .expect("hash")
            })
            .collect();
        let h = hash("ENV003", ".env", "A", "");
        assert_eq!(
            hashes,
            [format!("{h}:1"), format!("{h}:2"), format!("{h}:3")]
        );
        // Moving the finding to another line keeps its fingerprint.
        let moved = render(&[a(40)]);
        assert_eq!(
            moved["runs"][0]["results"][0]["partialFingerprints"],
            json!({ "primaryLocationLineHash": format!("{h}:1") })
        );
    }

    #[test]
    fn past_the_cap_the_most_severe_are_kept_in_order() {
        let findings = vec![
            finding("ENV104", "a.py", Span::line(1), "info 1"),
            finding("ENV101", "a.py", Span::line(2), "error 2"),
            finding("ENV107", "a.py", Span::line(3), "warning 3"),
            finding("ENV101", "a.py", Span::line(4), "error 4"),
            finding("ENV107", "a.py", Span::line(5), "warning 5"),
        ];
        let log = render_capped(&findings, 3);
        let messages: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["message"]["text"].as_str().expect("text"))
            .collect();
        assert_eq!(messages, ["error 2", "warning 3", "error 4"]);
        assert_eq!(log["runs"][0]["properties"], json!({ "truncated": 2 }));
        let all = render_capped(&findings, 5);
        assert!(all["runs"][0].get("properties").is_none());
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("src/app.py"), "src/app.py");
        assert_eq!(uri("a b/c:d%e,f@g"), "a%20b/c%3Ad%25e,f@g");
        assert_eq!(uri("naïve.py"), "na%C3%AFve.py");
        assert_eq!(uri("a\\b#c?d"), "a%5Cb%23c%3Fd");
    }

    /// Only characters RFC 3986 allows in a URI reference, and `%` only before two hex digits.
    fn is_uri_reference(s: &str) -> bool {
        let bytes = s.as_bytes();
        bytes.iter().enumerate().all(|(i, &b)| match b {
            b'%' => {
                bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            }
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' => false,
            _ => b.is_ascii_graphic(),
        })
    }

    fn schema_validator() -> jsonschema::Validator {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sarif-2.1.0.json"
        );
        let text = std::fs::read_to_string(path).expect("the SARIF schema fixture");
        let schema: Value = serde_json::from_str(&text).expect("schema JSON");
        jsonschema::draft4::options()
            .should_validate_formats(true)
            // Draft 4 defines `uri` but not `uri-reference`, which the schema uses for
            // `artifactLocation.uri`: check the characters RFC 3986 allows.
            .with_format("uri-reference", is_uri_reference)
            .build(&schema)
            .expect("the SARIF schema compiles")
    }

    fn assert_valid(validator: &jsonschema::Validator, log: &Value) {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn output_is_valid_against_the_sarif_2_1_0_schema() {
        let validator = schema_validator();
        assert_valid(&validator, &render(&sample()));
        assert_valid(&validator, &render(&[]));
        assert_valid(&validator, &render_capped(&sample(), 2));

        // The validator does reject what breaks the schema.
        let mut broken = render(&sample());
        broken["runs"][0]["results"][0]["level"] = json!("info");
        assert!(!validator.is_valid(&broken));
        let mut broken = render(&sample());
        broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            json!(0);
        assert!(!validator.is_valid(&broken));
        // Formats are checked too.
        let mut broken = render(&sample());
        broken["$schema"] = json!("not a URI");
        assert!(!validator.is_valid(&broken));
        for bad in ["we ird/a.env", "100%.env", "a\\b.env"] {
            let mut broken = render(&sample());
            broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = json!(bad);
            assert!(!validator.is_valid(&broken), "{bad}");
        }
    }
}
