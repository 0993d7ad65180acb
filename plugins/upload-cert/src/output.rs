//! The step's output: what later steps read as `${steps.<id>.<output>}`.

use serde::Serialize;
use switchyard_sdk::certificates::{CertificateFacts, ServerCertificate};

use crate::naming;
use switchyard_sdk::date;

/// The outputs of `upload-cert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    /// `iam` or `acm`.
    pub store: &'static str,
    /// The IAM server certificate's name, or the last segment of the ACM ARN.
    pub name: String,
    /// The IAM server certificate id (`ASCA…`), or the ACM ARN.
    pub id: String,
    /// The certificate's ARN.
    pub arn: String,
    /// The IAM path; none for ACM.
    pub path: Option<String>,
    /// The leaf's SHA-256 fingerprint, lowercase hex.
    pub fingerprint: String,
    /// The leaf's end of validity, RFC 3339 UTC.
    pub not_after: String,
    /// The leaf's DNS names.
    pub dns_names: Vec<String>,
    /// Whether the certificate was already there (nothing written).
    pub reused: bool,
}

impl Output {
    /// The output for an IAM server certificate.
    pub fn iam(meta: ServerCertificate, leaf: &CertificateFacts, reused: bool) -> Self {
        Self {
            store: "iam",
            name: meta.name,
            id: meta.id,
            arn: meta.arn,
            path: Some(meta.path),
            fingerprint: leaf.sha256_fingerprint.clone(),
            not_after: date::rfc3339(leaf.not_after),
            dns_names: leaf.dns_names.clone(),
            reused,
        }
    }

    /// The output for an ACM certificate.
    pub fn acm(arn: String, leaf: &CertificateFacts, reused: bool) -> Self {
        Self {
            store: "acm",
            name: naming::acm_name(&arn).to_owned(),
            id: arn.clone(),
            arn,
            path: None,
            fingerprint: leaf.sha256_fingerprint.clone(),
            not_after: date::rfc3339(leaf.not_after),
            dns_names: leaf.dns_names.clone(),
            reused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::leaf;
    use serde_json::json;

    #[test]
    fn iam_shape() {
        let meta = ServerCertificate {
            name: "www.example.com-20260501-f1e2d3c4".into(),
            id: "ASCAEXAMPLE".into(),
            arn: "arn:aws:iam::123456789012:server-certificate/cloudfront/www.example.com-20260501-f1e2d3c4".into(),
            path: "/cloudfront/".into(),
            expiration: Some(1_777_636_800),
        };
        let v = serde_json::to_value(Output::iam(meta, &leaf(), false)).expect("serialises");
        assert_eq!(
            v,
            json!({
                "store": "iam",
                "name": "www.example.com-20260501-f1e2d3c4",
                "id": "ASCAEXAMPLE",
                "arn": "arn:aws:iam::123456789012:server-certificate/cloudfront/www.example.com-20260501-f1e2d3c4",
                "path": "/cloudfront/",
                "fingerprint": "ab".repeat(32),
                "not_after": "2026-05-01T12:00:00Z",
                "dns_names": ["www.example.com", "example.com"],
                "reused": false
            })
        );
    }

    #[test]
    fn acm_shape() {
        let arn = "arn:aws:acm:us-east-1:123456789012:certificate/1234-abcd";
        let v = serde_json::to_value(Output::acm(arn.into(), &leaf(), true)).expect("serialises");
        assert_eq!(v["store"], "acm");
        assert_eq!(v["name"], "1234-abcd");
        assert_eq!(v["id"], arn);
        assert_eq!(v["arn"], arn);
        assert_eq!(v["path"], serde_json::Value::Null);
        assert_eq!(v["reused"], true);
    }
}
