//! The rule table: codes, names, default severities and explain texts. One file per rule holds
//! its documentation and its check. The codes are a public contract: never reuse one.

use crate::finding::{Finding, Severity};

pub mod case_mismatch;
pub mod committed_plaintext_secret;
pub mod context;
pub mod duplicate_key;
pub mod dynamic_key;
pub mod empty_target;
pub mod empty_value;
pub mod invalid_dotenv_line;
pub mod missing_on_use;
pub mod missing_optional;
pub mod missing_required;
pub mod no_example_file;
pub mod partial_parse;
pub mod public_prefixed_secret;
pub mod secret_default_in_code;
pub mod secret_in_example;
pub mod stale_example_key;
pub mod undecryptable_source;
pub mod undocumented_variable;
pub mod unused_in_target;
pub mod unused_suppression;
pub mod unverified;

/// A rule's identity and documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// `ENV` + three digits, grouped by hundreds.
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Markdown with the sections What it does / Why is this bad? / Example / Use instead.
    pub explain: &'static str,
}

/// Every rule, sorted by code.
pub static RULES: &[&RuleInfo] = &[
    &undocumented_variable::RULE,
    &stale_example_key::RULE,
    &duplicate_key::RULE,
    &invalid_dotenv_line::RULE,
    &case_mismatch::RULE,
    &no_example_file::RULE,
    &missing_required::RULE,
    &missing_optional::RULE,
    &empty_value::RULE,
    &unused_in_target::RULE,
    &unverified::RULE,
    &undecryptable_source::RULE,
    &missing_on_use::RULE,
    &empty_target::RULE,
    &dynamic_key::RULE,
    &partial_parse::RULE,
    &secret_in_example::RULE,
    &committed_plaintext_secret::RULE,
    &secret_default_in_code::RULE,
    &public_prefixed_secret::RULE,
    &unused_suppression::RULE,
];

/// Runs every `check` rule over the project and returns the raw findings.
pub fn run_check(project: &context::Project) -> Vec<Finding> {
    let mut out = Vec::new();
    undocumented_variable::check(project, &mut out);
    stale_example_key::check(project, &mut out);
    duplicate_key::check(project, &mut out);
    invalid_dotenv_line::check(project, &mut out);
    case_mismatch::check(project, &mut out);
    no_example_file::check(project, &mut out);
    dynamic_key::check(project, &mut out);
    partial_parse::check(project, &mut out);
    secret_in_example::check(project, &mut out);
    committed_plaintext_secret::check(project, &mut out);
    secret_default_in_code::check(project, &mut out);
    public_prefixed_secret::check(project, &mut out);
    out
}

/// Runs every `diff` rule over the project and one target.
pub fn run_diff(project: &context::DiffProject) -> Vec<Finding> {
    let mut out = Vec::new();
    missing_required::check(project, &mut out);
    missing_optional::check(project, &mut out);
    empty_value::check(project, &mut out);
    unused_in_target::check(project, &mut out);
    unverified::check(project, &mut out);
    undecryptable_source::check(project, &mut out);
    missing_on_use::check(project, &mut out);
    empty_target::check(project, &mut out);
    out
}

/// The rule with this code (case-insensitive) or kebab name.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleInfo> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Does a selector (`ENV001`, a prefix such as `ENV0` / `ENV30`, or `ALL`) cover this rule?
pub fn selects(selector: &str, rule: &RuleInfo) -> bool {
    let selector = selector.trim();
    // an empty selector (`--ignore ''` from an empty CI variable) names no rule, not every rule
    if selector.is_empty() {
        return false;
    }
    selector.eq_ignore_ascii_case("ALL")
        || selector == rule.name
        || rule
            .code
            .to_ascii_uppercase()
            .starts_with(&selector.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for rule in RULES {
            assert_eq!(rule.code.len(), 6, "{}", rule.code);
            assert!(
                rule.code.starts_with("ENV") && rule.code[3..].bytes().all(|b| b.is_ascii_digit())
            );
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                rule.name
            );
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    rule.explain.contains(section),
                    "{} lacks {section}",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn selectors() {
        let rule = lookup("ENV301").expect("ENV301");
        assert!(selects("ENV3", rule));
        assert!(selects("ENV30", rule));
        assert!(selects("env301", rule));
        assert!(selects("ALL", rule));
        assert!(selects("secret-in-example", rule));
        assert!(!selects("ENV0", rule));
        assert_eq!(
            lookup("undocumented-variable").map(|r| r.code),
            Some("ENV001")
        );
    }
}
