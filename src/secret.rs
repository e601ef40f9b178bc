//! Values read from env files, vaults, manifests, JSON dumps and the process environment.
//!
//! A [`Secret`] cannot be printed or serialized: `Debug` and `Display` write a placeholder and
//! there is no `Serialize`. Rules that need to look at a value (is it empty? does it look like a
//! real token?) call [`Secret::expose`] and must only ever report a boolean or a category.

use std::fmt;

/// A value that must never reach output.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for inspection only. Never format it into a message.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_value() {
        let s = Secret::new("CANARY-7f3a");
        assert!(!format!("{s}").contains("CANARY"));
        assert!(!format!("{s:?}").contains("CANARY"));
        assert!(!format!("{s:#?}").contains("CANARY"));
        assert!(!format!("{:?}", Some(vec![s.clone()])).contains("CANARY"));
        assert_eq!(s.expose(), "CANARY-7f3a");
    }
}
