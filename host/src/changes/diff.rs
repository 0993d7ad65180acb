//! Field-level differences, for plans and `runs show`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One field that differs: its path, and its value before and after (null when absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDiff {
    /// Where, e.g. `certificate` or `www.example.com. A [primary]`.
    pub field: String,
    /// The value before.
    pub before: Value,
    /// The value after.
    pub after: Value,
}

/// A value as JSON.
pub(super) fn json<T: Serialize + ?Sized>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Field-level differences of two JSON values, under `prefix`.
pub fn diff_values(prefix: &str, before: &Value, after: &Value) -> Vec<FieldDiff> {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    let object = |v: &Value| match v {
        Value::Object(o) => Some(o.clone()),
        Value::Null => Some(serde_json::Map::new()),
        _ => None,
    };
    if before == after {
        return Vec::new();
    }
    if let (Some(b), Some(a)) = (object(before), object(after))
        && (before.is_object() || after.is_object())
    {
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        return keys
            .into_iter()
            .flat_map(|k| {
                diff_values(
                    &join(k),
                    b.get(k).unwrap_or(&Value::Null),
                    a.get(k).unwrap_or(&Value::Null),
                )
            })
            .collect();
    }
    vec![FieldDiff {
        field: if prefix.is_empty() {
            "(all)".into()
        } else {
            prefix.into()
        },
        before: before.clone(),
        after: after.clone(),
    }]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn diffs_name_each_changed_field() {
        let d = diff_values(
            "",
            &json!({"source": "iam", "certificate": "ASCAOLD", "min": "TLSv1.2_2021"}),
            &json!({"source": "iam", "certificate": "ASCANEW", "min": "TLSv1.2_2021"}),
        );
        assert_eq!(
            d,
            vec![FieldDiff {
                field: "certificate".into(),
                before: json!("ASCAOLD"),
                after: json!("ASCANEW")
            }]
        );
    }

    #[test]
    fn a_new_object_diffs_every_field_from_nothing() {
        let d = diff_values("", &Value::Null, &json!({"a": 1, "b": {"c": "x"}}));
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["a", "b.c"]);
        assert!(d.iter().all(|d| d.before.is_null()));
    }
}
