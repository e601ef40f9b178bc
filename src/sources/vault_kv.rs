//! HashiCorp Vault (and OpenBao) KV secrets, as `vault kv get -format=json PATH` writes them.
//!
//! KV version 2 nests the secret's data under `data.data` beside `data.metadata`
//! (`{"request_id", "lease_id", "data": {"data": {...}, "metadata": {...}}, ...}`); version 1
//! has it at `data`. Every key of the data is a variable, as the Vault Agent, `envconsul` and the
//! External Secrets Operator load it. A string, number or boolean is a value, set or empty; null
//! is empty; a nested object or array is [`ValueState::Set`] (never empty; how it is put into
//! the environment depends on the loader). A deleted or destroyed version (`data.data` null)
//! provides nothing, with a notice.
//!
//! This export holds decrypted secrets: values go into [`Secret`] only. Pure: the caller reads
//! the file.

use super::json_tree;
use super::{Names, SourceData, SourceError, ValueState, error_at};
use crate::secret::Secret;

/// Reads `vault kv get -format=json` output.
pub fn read(path: &str, text: &str) -> Result<SourceData, SourceError> {
    let doc = json_tree::parse(path, text)?;
    let shape_error = || {
        error_at(
            path,
            doc.line,
            "expected the output of `vault kv get -format=json` (an object with `data`)",
        )
    };
    let outer = doc.get("data").ok_or_else(shape_error)?;
    let mut data = SourceData::default();
    // KV v2: `data` holds `data` and `metadata`
    let secret = match (outer.get("data"), outer.get("metadata")) {
        (Some(inner), Some(_)) => inner,
        _ => outer,
    };
    if secret.is_null() {
        data.notices
            .push("the secret's version is deleted or destroyed: it provides nothing".to_string());
        return Ok(data);
    }
    let Some(entries) = secret.as_object() else {
        return Err(shape_error());
    };
    let mut names = Names::new(path);
    for entry in entries {
        let state = match &entry.value {
            v if v.is_null() => ValueState::Value(Secret::default()),
            v => match v.scalar_text() {
                Some(text) => ValueState::Value(text),
                None => ValueState::Set,
            },
        };
        names.set(&entry.key, entry.line, state)?;
    }
    data.provided = names.into_provided();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"{
  "request_id": "b5ac7b0c-cc7b-9b1d-5aa1-1c1c6e0e4a41",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "data": {
      "DATABASE_URL": "CANARY-VKV-UNIT-1",
      "EMPTY": "",
      "POOL": 10,
      "NESTED": {"a": "CANARY-VKV-UNIT-2"}
    },
    "metadata": {
      "created_time": "2024-05-01T10:00:00.000000Z",
      "custom_metadata": null,
      "deletion_time": "",
      "destroyed": false,
      "version": 3
    }
  },
  "warnings": null
}"#;

    #[test]
    fn kv_v2() {
        let data = read("kv.json", V2).expect("reads");
        let got = crate::sources::testing::provided(&data);
        assert_eq!(
            got,
            [
                ("DATABASE_URL", Some(false), 8),
                ("EMPTY", Some(true), 9),
                ("NESTED", None, 11),
                ("POOL", Some(false), 10)
            ]
        );
        assert!(!format!("{data:?}").contains("CANARY"));
    }

    #[test]
    fn kv_v1_and_deleted() {
        let v1 =
            r#"{"request_id": "x", "lease_duration": 2764800, "data": {"A": "1", "data": "2"}}"#;
        let data = read("kv.json", v1).expect("v1");
        assert_eq!(data.provided.len(), 2);
        let deleted = r#"{"data": {"data": null, "metadata": {"destroyed": true}}}"#;
        let data = read("kv.json", deleted).expect("deleted");
        assert!(data.provided.is_empty() && data.notices.len() == 1);
    }

    #[test]
    fn errors_without_values() {
        crate::sources::testing::errors_without_values(
            |text| read("kv.json", text),
            &[
                ("[\"CANARY-VKV-2\"]", 1),
                ("{\"data\": \"CANARY-VKV-3\"}", 1),
                ("{\"data\": {\n\"A B\": \"CANARY-VKV-4\"}}", 2),
            ],
        );
    }
}
