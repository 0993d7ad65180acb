//! What one mutating host call changes: enough to show it in a plan, to journal it before it is
//! sent, and to undo it. Never a secret: a certificate is named by its name and serial, never by
//! its key.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bindings::distributions::{DistributionSpec, ViewerCertificate};
use crate::bindings::dns::{HealthCheckConfig, RecordSet};

/// One change to AWS, as journaled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// An IAM server certificate is uploaded.
    UploadServerCertificate {
        /// Its name.
        name: String,
        /// Its path.
        path: String,
        /// The certificate's serial number.
        serial: String,
    },
    /// An IAM server certificate is deleted.
    DeleteServerCertificate {
        /// Its name.
        name: String,
    },
    /// A certificate is imported into ACM (new, or over `replaces`).
    ImportCertificate {
        /// The certificate's serial number.
        serial: String,
        /// The ARN re-imported over, if any.
        replaces: Option<String>,
    },
    /// An ACM certificate is deleted.
    DeleteAcmCertificate {
        /// Its ARN.
        arn: String,
    },
    /// A Route 53 health check is created.
    CreateHealthCheck {
        /// Its caller reference, which finds it again.
        caller_reference: String,
        /// Its settings.
        config: HealthCheckConfig,
    },
    /// A Route 53 health check is deleted.
    DeleteHealthCheck {
        /// Its id.
        id: String,
    },
    /// Record sets of a zone change in one batch.
    ChangeRecordSets {
        /// The zone.
        zone_id: String,
        /// The record sets the batch touches, as they were.
        before: Vec<RecordSet>,
        /// The same record sets, as the batch leaves them.
        after: Vec<RecordSet>,
    },
    /// A private S3 bucket is created.
    CreateBucket {
        /// Its name.
        name: String,
    },
    /// An object is written.
    PutObject {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
        /// The MD5 of the object written.
        md5: String,
        /// The MD5 of the object it replaces, if any.
        replaces: Option<String>,
    },
    /// An object is deleted.
    DeleteObject {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
    },
    /// A bucket is deleted.
    DeleteBucket {
        /// Its name.
        name: String,
    },
    /// A bucket's policy is set.
    PutBucketPolicy {
        /// The bucket.
        bucket: String,
        /// The policy it replaces, if any.
        before: Option<String>,
        /// The new policy.
        after: String,
    },
    /// A distribution's viewer certificate is set.
    SetViewerCertificate {
        /// The distribution.
        id: String,
        /// The ETag the change was made against.
        etag: String,
        /// The viewer certificate it replaces.
        before: ViewerCertificate,
        /// The new one.
        after: ViewerCertificate,
    },
    /// A distribution is created.
    CreateDistribution {
        /// Its caller reference, which finds it again.
        caller_reference: String,
        /// Its alternate domain names.
        aliases: Vec<String>,
        /// Its managed settings.
        spec: Box<DistributionSpec>,
    },
    /// A distribution's managed configuration is changed.
    UpdateDistribution {
        /// The distribution.
        id: String,
        /// The ETag the change was made against.
        etag: String,
        /// The configuration it replaces.
        before: Box<DistributionSpec>,
        /// The new one.
        after: Box<DistributionSpec>,
    },
    /// An origin access control is created.
    CreateOriginAccessControl {
        /// Its name, which finds it again.
        name: String,
    },
    /// A response headers policy is created.
    CreateResponseHeadersPolicy {
        /// Its name, which finds it again.
        name: String,
        /// The headers it adds.
        headers: Vec<(String, String)>,
    },
    /// A response headers policy's headers change.
    UpdateResponseHeadersPolicy {
        /// Its name.
        name: String,
        /// The headers it added.
        before: Vec<(String, String)>,
        /// The headers it adds now.
        after: Vec<(String, String)>,
    },
}

/// What kind of change, for people: create, update or delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Something new.
    Create,
    /// Something changes.
    Update,
    /// Something goes.
    Delete,
}

impl Action {
    /// The action's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

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

impl Change {
    /// Whether it creates, updates or deletes.
    pub fn action(&self) -> Action {
        match self {
            Self::UploadServerCertificate { .. }
            | Self::CreateHealthCheck { .. }
            | Self::CreateBucket { .. }
            | Self::CreateDistribution { .. }
            | Self::CreateOriginAccessControl { .. }
            | Self::CreateResponseHeadersPolicy { .. } => Action::Create,
            Self::ImportCertificate { replaces, .. } => {
                if replaces.is_some() {
                    Action::Update
                } else {
                    Action::Create
                }
            }
            Self::PutObject { replaces, .. } => {
                if replaces.is_some() {
                    Action::Update
                } else {
                    Action::Create
                }
            }
            Self::ChangeRecordSets { before, after, .. } => {
                if before.is_empty() {
                    Action::Create
                } else if after.is_empty() {
                    Action::Delete
                } else {
                    Action::Update
                }
            }
            Self::PutBucketPolicy { before, .. } => {
                if before.is_some() {
                    Action::Update
                } else {
                    Action::Create
                }
            }
            Self::SetViewerCertificate { .. }
            | Self::UpdateDistribution { .. }
            | Self::UpdateResponseHeadersPolicy { .. } => Action::Update,
            Self::DeleteServerCertificate { .. }
            | Self::DeleteAcmCertificate { .. }
            | Self::DeleteHealthCheck { .. }
            | Self::DeleteObject { .. }
            | Self::DeleteBucket { .. } => Action::Delete,
        }
    }

    /// The resource, for people: `iam server certificate www-example-com-…`.
    pub fn resource(&self) -> String {
        match self {
            Self::UploadServerCertificate { name, path, .. } => format!("IAM server certificate {path}{name}"),
            Self::DeleteServerCertificate { name } => format!("IAM server certificate {name}"),
            Self::ImportCertificate { serial, replaces } => match replaces {
                Some(arn) => format!("ACM certificate {arn} (serial {serial})"),
                None => format!("ACM certificate (serial {serial})"),
            },
            Self::DeleteAcmCertificate { arn } => format!("ACM certificate {arn}"),
            Self::CreateHealthCheck { caller_reference, .. } => format!("Route 53 health check {caller_reference}"),
            Self::DeleteHealthCheck { id } => format!("Route 53 health check {id}"),
            Self::ChangeRecordSets { zone_id, .. } => format!("Route 53 record sets in zone {zone_id}"),
            Self::CreateBucket { name } | Self::DeleteBucket { name } => format!("S3 bucket {name}"),
            Self::PutObject { bucket, key, .. } | Self::DeleteObject { bucket, key } => {
                format!("S3 object s3://{bucket}/{key}")
            }
            Self::PutBucketPolicy { bucket, .. } => format!("S3 bucket policy of {bucket}"),
            Self::SetViewerCertificate { id, .. } => format!("CloudFront distribution {id} (viewer certificate)"),
            Self::CreateDistribution { aliases, .. } => {
                format!("CloudFront distribution for {}", aliases.join(", "))
            }
            Self::UpdateDistribution { id, .. } => format!("CloudFront distribution {id}"),
            Self::CreateOriginAccessControl { name } => format!("CloudFront origin access control {name}"),
            Self::CreateResponseHeadersPolicy { name, .. } | Self::UpdateResponseHeadersPolicy { name, .. } => {
                format!("CloudFront response headers policy {name}")
            }
        }
    }

    /// The fields that differ, before → after.
    pub fn diff(&self) -> Vec<FieldDiff> {
        match self {
            Self::ChangeRecordSets { before, after, .. } => record_diff(before, after),
            Self::SetViewerCertificate { before, after, .. } => diff_values("", &json(before), &json(after)),
            Self::UpdateDistribution { before, after, .. } => {
                let (mut b, mut a) = (json(before), json(after));
                // The caller reference is ignored on update.
                for v in [&mut b, &mut a] {
                    if let Some(o) = v.as_object_mut() {
                        o.remove("caller_reference");
                    }
                }
                diff_values("", &b, &a)
            }
            Self::PutBucketPolicy { before, after, .. } => {
                let parse = |s: &str| serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()));
                diff_values("policy", &before.as_deref().map_or(Value::Null, parse), &parse(after))
            }
            Self::UpdateResponseHeadersPolicy { before, after, .. } => {
                diff_values("headers", &json(before), &json(after))
            }
            Self::PutObject { md5, replaces, .. } => vec![FieldDiff {
                field: "md5".into(),
                before: replaces.clone().map_or(Value::Null, Value::String),
                after: Value::String(md5.clone()),
            }],
            Self::CreateHealthCheck { config, .. } => diff_values("", &Value::Null, &json(config)),
            Self::CreateDistribution { spec, .. } => diff_values("", &Value::Null, &json(spec)),
            _ => Vec::new(),
        }
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> Value {
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
    let empty = serde_json::Map::new();
    let object = |v: &'_ Value| match v {
        Value::Object(o) => Some(o.clone()),
        Value::Null => Some(empty.clone()),
        _ => None,
    };
    match (before, after) {
        (Value::Object(_), _) | (_, Value::Object(_))
            if object(before).is_some() && object(after).is_some() && before != after =>
        {
            let (b, a) = (object(before).unwrap_or_default(), object(after).unwrap_or_default());
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .flat_map(|k| {
                    diff_values(
                        &join(k),
                        b.get(k).unwrap_or(&Value::Null),
                        a.get(k).unwrap_or(&Value::Null),
                    )
                })
                .collect()
        }
        (b, a) if b == a => Vec::new(),
        (b, a) => vec![FieldDiff {
            field: if prefix.is_empty() {
                "(all)".into()
            } else {
                prefix.into()
            },
            before: b.clone(),
            after: a.clone(),
        }],
    }
}

/// The identity of a record set within its zone: name, type and set identifier.
pub fn record_key(r: &RecordSet) -> (String, String, Option<String>) {
    (
        r.name.trim_end_matches('.').to_ascii_lowercase(),
        r.type_.clone(),
        r.set_identifier.clone(),
    )
}

fn record_label(r: &RecordSet) -> String {
    match &r.set_identifier {
        Some(id) => format!("{} {} [{id}]", r.name, r.type_),
        None => format!("{} {}", r.name, r.type_),
    }
}

fn record_value(r: &RecordSet) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        for key in ["name", "type_", "set_identifier"] {
            o.remove(key);
        }
        o.retain(|_, v| !v.is_null() && *v != Value::Array(Vec::new()));
    }
    v
}

fn record_diff(before: &[RecordSet], after: &[RecordSet]) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for b in before {
        let a = after.iter().find(|a| record_key(a) == record_key(b));
        out.extend(diff_values(
            &record_label(b),
            &record_value(b),
            &a.map_or(Value::Null, record_value),
        ));
    }
    for a in after {
        if !before.iter().any(|b| record_key(a) == record_key(b)) {
            out.extend(diff_values(&record_label(a), &Value::Null, &record_value(a)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
