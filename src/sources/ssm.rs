//! AWS Systems Manager Parameter Store, as `aws ssm get-parameters-by-path --path PREFIX
//! [--recursive] [--with-decryption]` writes it: `{"Parameters": [{"Name", "Type", "Value",
//! "Version", "ARN", ...}], "NextToken"?}` (a bare array of parameters is read too).
//!
//! A variable's name is the part of the parameter's name after PREFIX (`/prod/api/` makes
//! `/prod/api/DATABASE_URL` into `DATABASE_URL`), as the tools that load a path into the
//! environment do (chamber, ssm-env, the ECS and Lambda loaders). Without a prefix, the last
//! segment of the name. A parameter outside PREFIX, or below one of its sub-paths (a recursive
//! export of `/prod/api/db/URL` under `/prod/api/`), is left out with one notice that counts
//! them: it is not a variable of the path read.
//!
//! Values are set or empty (`SecureString`s are values too: decrypted with `--with-decryption`,
//! ciphertext without it; never empty either way). A `NextToken` means the export is one page
//! of several: names on the other pages are unknown, so the source is opaque.
//!
//! Pure: the caller reads the file. Values go into [`Secret`] only (this export holds decrypted
//! secrets).

use super::json_tree::{self, JsonNode};
use super::{Names, SourceData, SourceError, ValueState, error_at};

/// Reads the parameters of `get-parameters-by-path` output below `prefix`.
pub fn read(path: &str, text: &str, prefix: Option<&str>) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let parameters = doc
        .as_array()
        .or_else(|| doc.get("Parameters").and_then(JsonNode::as_array))
        .ok_or_else(|| {
            error_at(
                path,
                doc.line,
                "expected the output of `aws ssm get-parameters-by-path` (an object with \
                 `Parameters`)",
            )
        })?;
    let mut data = SourceData::default();
    if doc.get("NextToken").is_some_and(|t| !t.is_null()) {
        data.opaque.push(
            "the export is one page (it has a NextToken): names on the other pages are not in \
             it (the AWS CLI pages through every result unless --max-items or --no-paginate is \
             given)"
                .to_string(),
        );
    }
    let prefix = prefix.map(|p| p.trim_end_matches('/'));
    let mut names = Names::new(path);
    let mut outside = 0usize;
    for parameter in parameters {
        let Some(name) = parameter.entry("Name") else {
            return Err(error_at(path, parameter.line, "a parameter has no `Name`"));
        };
        let Some(full) = name.value.as_str() else {
            return Err(error_at(
                path,
                name.line,
                "a parameter's `Name` is not a string",
            ));
        };
        let variable = match prefix {
            Some(prefix) => match full.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                Some(rest) if !rest.contains('/') => rest,
                _ => {
                    outside += 1;
                    continue;
                }
            },
            None => full.rsplit('/').next().unwrap_or(full),
        };
        let value = match parameter.get("Value") {
            None => ValueState::External,
            Some(v) if v.is_null() => ValueState::External,
            Some(v) => ValueState::Value(v.scalar_text().ok_or_else(|| {
                error_at(
                    path,
                    v.line,
                    format!("parameter value of `{variable}` is {}", v.kind()),
                )
            })?),
        };
        names.set(variable, name.line, value)?;
    }
    if outside > 0 {
        data.notices.push(format!(
            "{outside} parameter{} not directly below `{}` left out (name the path that holds \
             them with `ssm:PATH#PREFIX`)",
            if outside == 1 { " is" } else { "s are" },
            prefix.unwrap_or_default()
        ));
    }
    data.provided = names.into_provided();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = r#"{
    "Parameters": [
        {
            "Name": "/prod/api/DATABASE_URL",
            "Type": "SecureString",
            "Value": "CANARY-SSM-UNIT-1",
            "Version": 3,
            "LastModifiedDate": "2024-05-01T10:00:00.000000+00:00",
            "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/DATABASE_URL",
            "DataType": "text"
        },
        {
            "Name": "/prod/api/db/POOL_SIZE",
            "Type": "String",
            "Value": "10",
            "Version": 1,
            "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api/db/POOL_SIZE",
            "DataType": "text"
        },
        {
            "Name": "/prod/api/FEATURES",
            "Type": "StringList",
            "Value": "a,b",
            "Version": 1,
            "DataType": "text"
        }
    ]
}"#;

    #[test]
    fn names_after_the_prefix() {
        let data = read("ssm.json", OUTPUT, Some("/prod/api/")).expect("reads");
        let got: Vec<(&str, usize)> = data
            .provided
            .iter()
            .map(|p| (p.name.as_str(), p.line))
            .collect();
        assert_eq!(got, [("DATABASE_URL", 4), ("FEATURES", 21)]);
        assert_eq!(data.notices.len(), 1, "{:?}", data.notices);
        assert!(data.opaque.is_empty());
        assert!(!format!("{data:?}").contains("CANARY"));
        let same = read("ssm.json", OUTPUT, Some("/prod/api")).expect("no slash");
        assert_eq!(same.provided.len(), 2);
        let sub = read("ssm.json", OUTPUT, Some("/prod/api/db")).expect("sub-path");
        assert_eq!(sub.provided.len(), 1);
        let last = read("ssm.json", OUTPUT, None).expect("last segments");
        assert_eq!(last.provided.len(), 3);
    }

    #[test]
    fn a_page_of_several_is_opaque() {
        let text = "{\"Parameters\": [], \"NextToken\": \"AAEC\"}";
        assert_eq!(read("ssm.json", text, None).expect("reads").opaque.len(), 1);
    }

    #[test]
    fn errors_without_values() {
        crate::sources::testing::errors_without_values(
            |text| read("ssm.json", text, Some("/p")),
            &[
                ("{\"x\": 1}", 1),
                ("{\"Parameters\": [\n{\"Value\": \"CANARY-SSM-2\"}]}", 2),
                (
                    "{\"Parameters\": [\n{\"Name\": \"/p/A B\", \"Value\": \"CANARY-SSM-3\"}]}",
                    2,
                ),
            ],
        );
    }
}
