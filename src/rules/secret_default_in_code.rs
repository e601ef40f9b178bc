//! ENV303 secret-default-in-code.
//!
//! Two ways a default is a secret:
//!
//! - by the variable's name ([`secret_shapes::is_secret_name`]), when the default is not a
//!   stand-in: empty (`''`, `""`), a placeholder or a local service's default, the key's own
//!   name ([`secret_shapes::is_placeholder_for`]), or `true`/`false`; nor when the key is
//!   public by design ([`secret_shapes::is_public_key_name`]);
//! - by the default's shape ([`secret_shapes::secret_shape`]), whatever the name:
//!   `os.getenv("STRIPE_KEY", "sk_live_...")` commits a live key. Under a name that does not
//!   sound secret a random-looking string may be a hash or an id, so only a provider's token, a
//!   private key, a JWT or a URL with a real password counts there.
//!
//! The extractors keep a default as the code wrote it: the string's content, or for schema
//! frameworks (envalid, zod, t3-env) the literal with its quotes; the secret-shape functions
//! drop one pair of quotes, so both read the same here. Messages name the variable and the
//! kind of secret, never the default.

use crate::finding::{Finding, Severity, Span};
use crate::rules::RuleInfo;
use crate::rules::context::Project;
use crate::secret_shapes::{self, SecretShape};

pub static RULE: RuleInfo = RuleInfo {
    code: "ENV303",
    name: "secret-default-in-code",
    severity: Severity::Warning,
    summary: "A secret-named variable, or a secret-shaped value, is a literal default in code",
    explain: "\
## What it does
Reports reads of secret-named variables (SECRET, TOKEN, PASSWORD, PRIVATE_KEY, API_KEY, ...)
that fall back to a literal when the variable is missing, and reads of any variable whose
literal default is shaped like a real credential (`sk_live_...`, `ghp_...`, a private key).
Empty defaults (`''`, `default: ''`, `.default(\"\")`), placeholders (`changeme`, `dummy...`,
`fake...`, `<token>`), the key's own name, a local service's default (`postgres`,
`minioadmin`) and keys that are public by design (a Firebase web API key) are fine, and so are
names that configure a secret rather than hold it (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`,
`TOKEN_THROTTLE_RATE`, `SECRET_NAME`, `SIGNING_KEY_ID`). The finding never shows the default.

## Why is this bad?
If the deploy forgets the variable, production runs with the default: a signing key everyone
can read in the repository, or `changeme` as the admin password. The deploy should fail
instead. A real credential as a default is also a leaked credential: rotate it.

## Example
```python
SECRET_KEY = os.getenv(\"SECRET_KEY\", \"dev-secret\")
```

## Use instead
```python
SECRET_KEY = os.environ[\"SECRET_KEY\"]
```
and set a development value in your local `.env`.
",
};

pub fn check(project: &Project, out: &mut Vec<Finding>) {
    for variable in &project.inventory.variables {
        let name = variable.name.as_str();
        let secret_name =
            secret_shapes::is_secret_name(name) && !secret_shapes::is_public_key_name(name);
        for read in &variable.reads {
            let Some(default) = read.extra.default.as_deref() else {
                continue;
            };
            let shape = secret_shapes::secret_shape(default).filter(|&shape| {
                // a random string under a plain name may be an id or a hash; a public key's
                // value looks like what it is
                (secret_name || shape != SecretShape::HighEntropy)
                    && !secret_shapes::is_public_key(name, shape)
            });
            let message = match shape {
                Some(shape) => format!(
                    "`{name}` falls back to a literal default that looks like a real secret ({}); remove it from the code, rotate it and make the variable required",
                    shape.name()
                ),
                None if secret_name && !is_stand_in(name, default) => format!(
                    "`{name}` looks like a secret but falls back to a literal default when unset; make it required"
                ),
                None => continue,
            };
            out.push(Finding::new(&RULE, &read.path, Span::of(read), message).variable(name));
        }
    }
}

/// A default that holds no secret: empty, a placeholder, the key's own name, a boolean.
fn is_stand_in(name: &str, default: &str) -> bool {
    let bare = default.trim().trim_matches(['"', '\'', '`']);
    secret_shapes::is_placeholder_for(name, default)
        || bare.eq_ignore_ascii_case("true")
        || bare.eq_ignore_ascii_case("false")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{Fixture, rows};

    #[test]
    fn reports_literal_defaults_of_secret_names() {
        let fx = Fixture::new(
            &[(
                "s.py",
                "import os\nos.getenv('SECRET_KEY', 'dev-secret')\nos.getenv('LOG_LEVEL', 'info')\nos.environ['API_TOKEN']\nos.getenv('DB_PASSWORD', '')\n",
            )],
            &[],
        );
        assert_eq!(fx.run(check), rows(&[("ENV303", "s.py", 2, "SECRET_KEY")]));
    }

    #[test]
    fn typescript_fallbacks_and_destructuring_defaults() {
        let fx = Fixture::new(
            &[(
                "a.ts",
                "const a = process.env.API_SECRET ?? 'dev';\nconst { SESSION_SECRET = 'abc', LOG_LEVEL = 'info' } = process.env;\nconst t = process.env.GITHUB_TOKEN || fallbackToken();\nconst u = process.env.WEBHOOK_SECRET!;\n",
            )],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[
                ("ENV303", "a.ts", 1, "API_SECRET"),
                ("ENV303", "a.ts", 2, "SESSION_SECRET")
            ])
        );
    }

    #[test]
    fn empty_and_placeholder_defaults_in_every_framework() {
        let fx = Fixture::new(
            &[
                (
                    "settings.py",
                    "import os\nfrom pydantic_settings import BaseSettings\n\
                     A = os.getenv('A_TOKEN', '')\nB = os.environ.get('B_SECRET', \"\")\n\
                     class S(BaseSettings):\n    c_password: str = ''\n    d_api_key: str = 'DummyKey'\n\
                     \x20   minio_pwd: str = 'miniominio'\n    postgres_password: str = 'postgres'\n\
                     \x20   jwt_secret: str = 'super secret jwt secret'\n",
                ),
                (
                    "config.ts",
                    "import { cleanEnv, str } from 'envalid';\nimport { z } from 'zod';\n\
                     const e = cleanEnv(process.env, { E_SECRET: str({ default: '' }), TWITTER_API_SECRET: str({ default: 'dummyApiSecret' }) });\n\
                     const s = z.object({ G_SECRET: z.string().default(''), H_TOKEN: z.string().default(\"\") }).parse(process.env);\n\
                     const { I_SECRET = '', J_SECRET = `` } = process.env;\n\
                     const k = process.env.K_SECRET ?? 'test-key';\n\
                     const l = process.env.RESEND_API_KEY ?? 'resend-api-key';\n\
                     const m = process.env.NEXT_PUBLIC_FIREBASE_API_KEY ?? 'firebase-web-key';\n",
                ),
            ],
            &[],
        );
        assert_eq!(
            fx.run(check),
            rows(&[("ENV303", "settings.py", 10, "JWT_SECRET")])
        );
    }

    #[test]
    fn names_that_configure_a_secret() {
        let fx = Fixture::new(
            &[(
                "s.py",
                "import os\nos.getenv('PAPERLESS_TOKEN_THROTTLE_RATE', '5/min')\nos.getenv('TOKEN_TIME', '3600')\n\
                 os.getenv('ACCESS_TOKEN_TTL', '15m')\nos.getenv('JWT_TOKEN_OFFSET', '30')\n\
                 os.getenv('DB_SECRET_NAME', 'prod/db')\nos.getenv('SIGNING_KEY_ID', 'k1')\n\
                 os.getenv('PASSWORD_MIN_LENGTH', '12')\nos.getenv('API_TOKEN', 'dev-token-1')\n",
            )],
            &[],
        );
        assert_eq!(fx.run(check), rows(&[("ENV303", "s.py", 9, "API_TOKEN")]));
    }

    #[test]
    fn secret_shaped_defaults_under_any_name() {
        let fx = Fixture::new(
            &[(
                "a.py",
                concat!(
                    "import os\nos.getenv('STRIPE_KEY', 'sk_live",
                    "_4eC39HqLyjWDarjtT1zdp7dcAbCdEfGh')\n",
                    "os.getenv('BUILD_HASH', '8e7910caf7bdb428f1e04a39a5e2643dbbe7bc68f7aff853f9294d2c37e2e92a')\n",
                    "os.getenv('DATABASE_URL', 'postgres://app:Xk9pQ2mZ7vLw4RtB@db.prod.acme.io/app')\n",
                    "os.getenv('NEXT_PUBLIC_FIREBASE_API_KEY', 'AIza",
                    "OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIAoCL')\n",
                    "os.getenv('LOG_LEVEL', 'info')\n",
                ),
            )],
            &[],
        );
        let out = fx.run(check);
        assert_eq!(
            out,
            rows(&[
                ("ENV303", "a.py", 2, "STRIPE_KEY"),
                ("ENV303", "a.py", 4, "DATABASE_URL"),
            ])
        );
        let mut findings = Vec::new();
        check(&fx.project(), &mut findings);
        let stripe = findings
            .iter()
            .find(|f| f.variable.as_deref() == Some("STRIPE_KEY"));
        assert!(stripe.is_some_and(|f| f.message.contains("(stripe-live-key)")));
        assert!(!findings.iter().any(|f| f.message.contains("4eC39")));
    }
}
