//! ENV304 public-prefixed-secret.
//!
//! The name after the prefix must sound secret ([`secret_shapes::is_secret_name`]) and the
//! whole name must not be a key that providers make for the browser
//! ([`secret_shapes::is_public_key_name`]: `NEXT_PUBLIC_FIREBASE_API_KEY`,
//! `NEXT_PUBLIC_RECAPTCHA_SITE_KEY`, `NEXT_PUBLIC_GOOGLE_MAPS_API_KEY`, ...).

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes;

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV304",
    name: "public-prefixed-secret",
    severity: Severity::Error,
    summary: "A secret-named variable carries a browser-exposed prefix",
    explain: "\
## What it does
Reports secret-named variables whose prefix makes the bundler inline them into client code:
`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, `PUBLIC_`, `EXPO_PUBLIC_`, `NUXT_PUBLIC_`, `GATSBY_`.
Keys that are public by design are fine: Firebase web API keys, PostHog project keys, Segment
write keys, Algolia search-only keys (`*_SEARCH_KEY`, `*_SEARCH_ONLY_API_KEY`), captcha site keys
(`*_SITE_KEY`), anon and publishable keys, Google Maps and Places keys, Mapbox tokens.

## Why is this bad?
Anything with these prefixes ends up in the JavaScript every visitor downloads.
`NEXT_PUBLIC_STRIPE_SECRET_KEY` is a published secret.

## Example
```ts
const stripe = new Stripe(process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY!);
```

## Use instead
Read the secret on the server only, under a name without the public prefix, and expose only
publishable values (`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY`) to the client.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for variable in &project.inventory.variables {
        let Some(prefix) = secret_shapes::public_prefix(&variable.name) else {
            continue;
        };
        let rest = &variable.name[prefix.len()..];
        if !secret_shapes::is_secret_name(rest) || secret_shapes::is_public_key_name(&variable.name)
        {
            continue;
        }
        let first = &variable.reads[0];
        out.push(
            Finding::new(
                &RULE,
                &first.path,
                Span::of(first),
                format!(
                    "`{}` looks like a secret, but the `{prefix}` prefix puts its value in the browser bundle",
                    variable.name
                ),
            )
            .variable(&variable.name),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_public_secrets_only() {
        let fx = Fixture::new(
            &[(
                "a.ts",
                "process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\nprocess.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY;\nimport.meta.env.VITE_API_TOKEN;\nprocess.env.STRIPE_SECRET_KEY;\n\
                 process.env.NEXT_PUBLIC_FIREBASE_API_KEY;\nimport.meta.env.VITE_FIREBASE_API_KEY;\nprocess.env.NEXT_PUBLIC_POSTHOG_API_KEY;\n\
                 process.env.NEXT_PUBLIC_SEGMENT_WRITE_KEY;\nprocess.env.NEXT_PUBLIC_ALGOLIA_SEARCH_ONLY_API_KEY;\n\
                 process.env.NEXT_PUBLIC_RECAPTCHA_SITE_KEY;\nprocess.env.NEXT_PUBLIC_GOOGLE_MAPS_API_KEY;\n\
                 process.env.NEXT_PUBLIC_MAPBOX_ACCESS_TOKEN;\nprocess.env.NEXT_PUBLIC_GOOGLE_API_KEY;\n",
            )],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV304", "a.ts", 1, "NEXT_PUBLIC_STRIPE_SECRET_KEY"),
                ("ENV304", "a.ts", 3, "VITE_API_TOKEN"),
                ("ENV304", "a.ts", 13, "NEXT_PUBLIC_GOOGLE_API_KEY")
            ])
        );
    }
}
