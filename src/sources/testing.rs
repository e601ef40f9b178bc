//! Assertions the platform-source readers' unit tests share.

use super::{SourceData, SourceError};

/// `(name, whether it is empty, line)` of each name a source provides, in its order.
pub fn provided(data: &SourceData) -> Vec<(&str, Option<bool>, usize)> {
    data.provided
        .iter()
        .map(|p| (p.name.as_str(), p.state.is_empty(), p.line))
        .collect()
}

/// Each `(text, line)` is an error at that line, and neither its message nor its debug form
/// quotes the `CANARY` value of the text.
pub fn errors_without_values(
    read: impl Fn(&str) -> Result<SourceData, SourceError>,
    cases: &[(&str, usize)],
) {
    for (text, line) in cases {
        let err = read(text).expect_err(text);
        assert_eq!(err.line, Some(*line), "{text}: {err}");
        assert!(!format!("{err} {err:?}").contains("CANARY"), "{err}");
    }
}
