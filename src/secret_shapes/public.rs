//! Browser-exposed name prefixes: [`public_prefix`].
//!
//! Bundlers inline variables with these prefixes into client code, so a secret under one of them
//! is shipped to every visitor. Case-sensitive, as the bundlers are.

/// Prefixes that bundlers inline into client code, longest first.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "REACT_APP_",
    "VUE_APP_",
    "GATSBY_",
    "PUBLIC_",
    "VITE_",
];

/// The browser-exposed prefix `name` starts with (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`,
/// `PUBLIC_`, `EXPO_PUBLIC_`, `NUXT_PUBLIC_`, `GATSBY_`, `VUE_APP_`), if anything follows it.
/// Case-sensitive, as the bundlers are; the returned prefix is a byte prefix of `name`.
pub fn public_prefix(name: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES
        .iter()
        .copied()
        .find(|p| name.len() > p.len() && name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::is_secret_name;

    #[test]
    fn public_prefixes() {
        let cases = [
            ("NEXT_PUBLIC_API_URL", Some("NEXT_PUBLIC_")),
            ("NUXT_PUBLIC_API_BASE", Some("NUXT_PUBLIC_")),
            ("EXPO_PUBLIC_API_KEY", Some("EXPO_PUBLIC_")),
            ("REACT_APP_STRIPE_KEY", Some("REACT_APP_")),
            ("VUE_APP_TITLE", Some("VUE_APP_")),
            ("GATSBY_SITE_URL", Some("GATSBY_")),
            ("PUBLIC_SUPABASE_URL", Some("PUBLIC_")),
            ("VITE_API_TOKEN", Some("VITE_")),
            ("NEXT_PUBLIC_", None),
            ("VITE_", None),
            ("vite_api_token", None),
            ("API_TOKEN", None),
            ("NEXT_API_URL", None),
            ("MY_VITE_TOKEN", None),
        ];
        for (name, expected) in cases {
            assert_eq!(public_prefix(name), expected, "{name}");
            if let Some(prefix) = expected {
                assert!(name.starts_with(prefix));
            }
        }
    }

    #[test]
    fn public_prefix_and_secret_name_together() {
        let exposed =
            |name: &str| public_prefix(name).is_some_and(|p| is_secret_name(&name[p.len()..]));
        assert!(exposed("NEXT_PUBLIC_STRIPE_SECRET_KEY"));
        assert!(exposed("VITE_API_TOKEN"));
        assert!(exposed("REACT_APP_DB_PASSWORD"));
        assert!(!exposed("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"));
        assert!(!exposed("NEXT_PUBLIC_SUPABASE_ANON_KEY"));
        assert!(!exposed("VITE_API_URL"));
        assert!(!exposed("STRIPE_SECRET_KEY"));
    }

    // --- is_platform_variable ----------------------------------------------------------------
}
