//! What is public on purpose: browser-exposed name prefixes ([`public_prefix`]) and keys that
//! providers design to be shipped to the browser ([`is_public_key_name`]).
//!
//! Bundlers inline variables with these prefixes into client code, so a secret under one of them
//! is shipped to every visitor. Case-sensitive, as the bundlers are.
//!
//! Some keys are made for that: a Firebase web `apiKey`, a PostHog project key, a Segment write
//! key, an Algolia search-only key, a captcha site key, a Supabase anon key, a publishable key.
//! Their names sound secret and their values look random, but printing them in every page is how
//! they are used. They are told by name, as the providers' own documentation names them; values
//! that are public by their shape (Stripe `pk_live_`, PostHog `phc_`, Mapbox `pk.`) are known to
//! [`secret_shape`](super::secret_shape). Choices:
//!
//! - A key that is public whatever the prefix: the name ends in `SITE_KEY`/`SITEKEY` (reCAPTCHA,
//!   hCaptcha, Turnstile), `SEARCH_KEY`, `SEARCH_ONLY_KEY`, `SEARCH_ONLY_API_KEY` (Algolia,
//!   Typesense, Meilisearch), `ANON_KEY`, `PUBLISHABLE_KEY`, `PUBLIC_KEY`, `PUBLIC_TOKEN`; or
//!   names a provider whose key of that name is public by design: Firebase `..._API_KEY`,
//!   Algolia `..._SEARCH_API_KEY`, PostHog `..._KEY`/`..._TOKEN` (not a `PERSONAL` one),
//!   Segment and RudderStack `..._WRITE_KEY`.
//! - A key that is public only under a browser prefix, where the provider's browser SDK needs
//!   it: Google Maps and Places keys (`NEXT_PUBLIC_GOOGLE_MAPS_API_KEY`; on a server the same
//!   name is an unrestricted, billable key) and Mapbox tokens (`VITE_MAPBOX_ACCESS_TOKEN`; a
//!   server's Mapbox token may be a secret `sk.` one).
//! - Nothing else under a browser prefix is public by name: `NEXT_PUBLIC_GOOGLE_API_KEY` may be
//!   any Google key, and `NEXT_PUBLIC_OPENAI_API_KEY` is the leak ENV304 is for.

use super::SecretShape;
use super::names::name_parts;

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

/// Whether `name` holds a key that is public by design: a Firebase web API key, a PostHog
/// project key, a Segment or RudderStack write key, an Algolia search-only key, a captcha site
/// key, an anon, publishable or public key; and, under a browser prefix ([`public_prefix`]), a
/// Google Maps or Places key and a Mapbox token. Case-insensitive on the words of the name (the
/// prefix itself is matched as bundlers match it).
pub fn is_public_key_name(name: &str) -> bool {
    let parts = name_parts(name);
    let ends = |tail: &[&str]| {
        parts.len() >= tail.len()
            && parts[parts.len() - tail.len()..]
                .iter()
                .zip(tail)
                .all(|(p, t)| p == t)
    };
    let has = |word: &str| parts.iter().any(|p| p == word);
    let api_key = ends(&["API", "KEY"]) || ends(&["APIKEY"]);
    let public_by_design = ends(&["SITE", "KEY"])
        || ends(&["SITEKEY"])
        || ends(&["SEARCH", "KEY"])
        || ends(&["SEARCH", "ONLY", "KEY"])
        || ends(&["SEARCH", "ONLY", "API", "KEY"])
        || ends(&["ANON", "KEY"])
        || ends(&["PUBLISHABLE", "KEY"])
        || ends(&["PUBLIC", "KEY"])
        || ends(&["PUBLIC", "TOKEN"])
        || (has("FIREBASE") && api_key)
        || (has("ALGOLIA") && ends(&["SEARCH", "API", "KEY"]))
        || (has("POSTHOG") && !has("PERSONAL") && (ends(&["KEY"]) || ends(&["TOKEN"])))
        || ((has("SEGMENT") || has("RUDDERSTACK")) && ends(&["WRITE", "KEY"]));
    if public_by_design {
        return true;
    }
    public_prefix(name).is_some()
        && (((has("MAPS") || has("PLACES")) && (api_key || ends(&["KEY"])))
            || (has("MAPBOX") && (ends(&["TOKEN"]) || ends(&["KEY"]))))
}

/// Whether a value of shape `shape` under `name` is a key that is public by design: the name
/// is one ([`is_public_key_name`]) and the shape is what such keys look like, a Google API key
/// (Firebase, Maps), a random string (site, search and write keys) or a JWT (anon keys). Any
/// other provider's token under such a name is a secret in the wrong place.
pub fn is_public_key(name: &str, shape: SecretShape) -> bool {
    matches!(
        shape,
        SecretShape::GoogleApiKey | SecretShape::HighEntropy | SecretShape::Jwt
    ) && is_public_key_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_shapes::is_secret_name;

    #[test]
    fn public_key_names() {
        let public = [
            "NEXT_PUBLIC_FIREBASE_API_KEY",
            "VITE_FIREBASE_API_KEY",
            "VITE_FIREBASE_APIKEY",
            "FIREBASE_API_KEY",
            "firebaseApiKey",
            "NEXT_PUBLIC_POSTHOG_KEY",
            "NEXT_PUBLIC_POSTHOG_API_KEY",
            "POSTHOG_PROJECT_API_KEY",
            "NEXT_PUBLIC_SEGMENT_WRITE_KEY",
            "SEGMENT_WRITE_KEY",
            "RUDDERSTACK_WRITE_KEY",
            "NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY",
            "NEXT_PUBLIC_ALGOLIA_SEARCH_KEY",
            "ALGOLIA_SEARCH_API_KEY",
            "TYPESENSE_SEARCH_ONLY_API_KEY",
            "NEXT_PUBLIC_RECAPTCHA_SITE_KEY",
            "HCAPTCHA_SITEKEY",
            "NEXT_PUBLIC_TURNSTILE_SITE_KEY",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
            "NEXT_PUBLIC_VAPID_PUBLIC_KEY",
            "MAPBOX_PUBLIC_TOKEN",
            "NEXT_PUBLIC_GOOGLE_MAPS_API_KEY",
            "VITE_GOOGLE_MAPS_KEY",
            "REACT_APP_GOOGLE_PLACES_API_KEY",
            "NEXT_PUBLIC_MAPBOX_TOKEN",
            "VITE_MAPBOX_ACCESS_TOKEN",
        ];
        for name in public {
            assert!(is_public_key_name(name), "{name}");
        }
        let secret = [
            "FIREBASE_PRIVATE_KEY",
            "FIREBASE_TOKEN",
            "POSTHOG_PERSONAL_API_KEY",
            "NEXT_PUBLIC_POSTHOG_PERSONAL_API_KEY",
            "ALGOLIA_ADMIN_API_KEY",
            "ALGOLIA_API_KEY",
            "BRAVE_SEARCH_API_KEY",
            "RECAPTCHA_SECRET_KEY",
            "TURNSTILE_SECRET_KEY",
            "SUPABASE_SERVICE_ROLE_KEY",
            "STRIPE_SECRET_KEY",
            "SEGMENT_API_KEY",
            // public only under a browser prefix
            "GOOGLE_MAPS_API_KEY",
            "MAPBOX_ACCESS_TOKEN",
            // a browser prefix alone makes nothing public
            "NEXT_PUBLIC_GOOGLE_API_KEY",
            "NEXT_PUBLIC_OPENAI_API_KEY",
            "VITE_API_TOKEN",
            "",
        ];
        for name in secret {
            assert!(!is_public_key_name(name), "{name}");
        }
    }

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
