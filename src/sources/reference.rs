//! Values that point at a secret manager instead of holding a value: the platform resolves them
//! when the service starts, so the variable is set, but to something envcheck cannot see.
//!
//! | shape | store |
//! | --- | --- |
//! | `op://vault/item[/section]/field` | 1Password secret reference (`op run`, `op inject`, the Kubernetes operator) |
//! | `@Microsoft.KeyVault(SecretUri=...)`, `@Microsoft.KeyVault(VaultName=...;SecretName=...)` | Azure Key Vault reference (App Service, Functions) |
//! | `arn:<partition>:secretsmanager:...`, `arn:<partition>:ssm:...` | AWS Secrets Manager / SSM Parameter Store (ECS `secrets`, Lambda extensions) |
//! | `projects/<project>/secrets/<secret>[/versions/<version>]` | Google Secret Manager resource name |
//! | `vault:<path>[#key]` | HashiCorp Vault path (bank-vaults' webhook, vault-env) |
//!
//! Such a value is state [`ValueState::External`] in every source, never "set with a value": it
//! is not empty, and it is not the secret either, so ENV103 and the secret rules have nothing to
//! say about it. The shapes are matched whole and anchored, in one pass over the value.

use super::{SourceData, ValueState};

/// The secret manager `value` refers to, when the whole value (surrounding whitespace aside) is
/// a reference to one.
pub fn secret_manager(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.is_empty() || v.chars().any(char::is_whitespace) {
        return None;
    }
    if let Some(rest) = v.strip_prefix("op://") {
        // vault / item / field, with an optional section between item and field
        let segments: Vec<&str> = rest.split('/').collect();
        return ((3..=4).contains(&segments.len()) && segments.iter().all(|s| !s.is_empty()))
            .then_some("1Password");
    }
    if let Some(rest) = strip_prefix_ignore_case(v, "@Microsoft.KeyVault(") {
        return (rest.len() > 1 && rest.ends_with(')')).then_some("Azure Key Vault");
    }
    if let Some(rest) = v.strip_prefix("arn:") {
        let mut parts = rest.splitn(4, ':');
        let partition = parts.next().unwrap_or_default();
        let service = parts.next().unwrap_or_default();
        let rest = parts.next().zip(parts.next());
        let is_aws = partition == "aws" || partition.starts_with("aws-");
        return match (is_aws, service, rest) {
            (true, "secretsmanager", Some(_)) => Some("AWS Secrets Manager"),
            (true, "ssm", Some(_)) => Some("AWS SSM Parameter Store"),
            _ => None,
        };
    }
    if let Some(rest) = v.strip_prefix("projects/") {
        let segments: Vec<&str> = rest.split('/').collect();
        let shaped = matches!(
            segments.as_slice(),
            [_, "secrets", _] | [_, "secrets", _, "versions", _]
        );
        return (shaped && segments.iter().all(|s| !s.is_empty()))
            .then_some("Google Secret Manager");
    }
    if let Some(rest) = v.strip_prefix("vault:") {
        let path = rest.trim_start_matches('/');
        return (path.contains('/') && !path.starts_with('#')).then_some("HashiCorp Vault");
    }
    None
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

/// Marks every value of `data` that is a secret-manager reference as external. Returns how many.
pub fn mark_external(data: &mut SourceData) -> usize {
    let mut marked = 0;
    for p in &mut data.provided {
        if let ValueState::Value(v) = &p.state
            && secret_manager(v.expose()).is_some()
        {
            p.state = ValueState::External;
            marked += 1;
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_recognised() {
        for (value, store) in [
            ("op://prod/stripe/secret-key", "1Password"),
            ("op://prod/db/credentials/password", "1Password"),
            (
                "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db/)",
                "Azure Key Vault",
            ),
            (
                "@Microsoft.KeyVault(VaultName=v;SecretName=db)",
                "Azure Key Vault",
            ),
            (
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
                "AWS Secrets Manager",
            ),
            (
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::",
                "AWS Secrets Manager",
            ),
            (
                "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/prod/api/KEY",
                "AWS SSM Parameter Store",
            ),
            (
                "projects/my-project/secrets/db-password",
                "Google Secret Manager",
            ),
            (
                "projects/123/secrets/db-password/versions/latest",
                "Google Secret Manager",
            ),
            ("vault:secret/data/api#token", "HashiCorp Vault"),
            ("  op://a/b/c  ", "1Password"),
        ] {
            assert_eq!(secret_manager(value), Some(store), "{value}");
        }
    }

    #[test]
    fn ordinary_values_are_not_references() {
        for value in [
            "",
            "op://",
            "op://vault",
            "op://vault/item",
            "op://a//c",
            "op://a/b/c/d/e",
            "postgres://db/app",
            "@Microsoft.KeyVault(",
            "arn:aws:s3:::bucket/key",
            "arn:aws:secretsmanager",
            "arn:other:ssm:r:a:parameter/x",
            "projects/p/topics/t",
            "projects/p/secrets/",
            "projects/p/secrets/s/versions",
            "vault:",
            "vault:token",
            "see op://a/b/c",
            "https://example.com/projects/p/secrets/s",
        ] {
            assert_eq!(secret_manager(value), None, "{value}");
        }
    }
}
