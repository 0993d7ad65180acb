//! Viewer certificates: the desired one, whether two are the same, and how they are shown.

use serde::Serialize;
use switchyard_sdk::distributions::{CertificateSource, SslSupportMethod, ViewerCertificate};

use crate::input::Request;

/// A viewer certificate as the step outputs it (enough to restore it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewerJson {
    /// `cloudfront`, `iam` or `acm`.
    pub source: &'static str,
    /// The IAM server certificate id or the ACM ARN; none for `cloudfront`.
    pub certificate: Option<String>,
    /// `sni-only`, `vip` or `static-ip`; none for `cloudfront`.
    pub ssl_support_method: Option<&'static str>,
    /// The security policy.
    pub minimum_protocol_version: String,
}

fn source_name(s: CertificateSource) -> &'static str {
    match s {
        CertificateSource::Cloudfront => "cloudfront",
        CertificateSource::Iam => "iam",
        CertificateSource::Acm => "acm",
    }
}

fn method_name(m: SslSupportMethod) -> &'static str {
    match m {
        SslSupportMethod::SniOnly => "sni-only",
        SslSupportMethod::Vip => "vip",
        SslSupportMethod::StaticIp => "static-ip",
    }
}

impl From<&ViewerCertificate> for ViewerJson {
    fn from(v: &ViewerCertificate) -> Self {
        Self {
            source: source_name(v.source),
            certificate: v.certificate.clone(),
            ssl_support_method: v.ssl_support_method.map(method_name),
            minimum_protocol_version: v.minimum_protocol_version.clone(),
        }
    }
}

/// The viewer certificate the step sets: the request's source, method and policy, and the
/// resolved certificate (IAM server certificate id, or ACM ARN).
pub fn desired(request: &Request, certificate: &str) -> ViewerCertificate {
    ViewerCertificate {
        source: request.source(),
        certificate: Some(certificate.to_owned()),
        ssl_support_method: Some(request.method.wit()),
        minimum_protocol_version: request.protocol.clone(),
    }
}

/// Whether two viewer certificates are the same: same source, certificate, SSL support method
/// and minimum protocol version.
pub fn same(a: &ViewerCertificate, b: &ViewerCertificate) -> bool {
    ViewerJson::from(a) == ViewerJson::from(b)
}

/// A viewer certificate for a person: `iam ASCA… (sni-only, TLSv1.2_2021)`.
pub fn show(v: &ViewerCertificate) -> String {
    let j = ViewerJson::from(v);
    match (j.certificate, j.ssl_support_method) {
        (Some(c), Some(m)) => format!("{} {c} ({m}, {})", j.source, j.minimum_protocol_version),
        (Some(c), None) => format!("{} {c} ({})", j.source, j.minimum_protocol_version),
        (None, _) => format!("CloudFront's default certificate ({})", j.minimum_protocol_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Locator, Method, Store};

    fn request(store: Store) -> Request {
        Request {
            locator: Locator::Id("E1".into()),
            store,
            certificate: "site".into(),
            method: Method::SniOnly,
            protocol: "TLSv1.2_2021".into(),
            wait_seconds: None,
            max_retries: 5,
        }
    }

    fn default_cert() -> ViewerCertificate {
        ViewerCertificate {
            source: CertificateSource::Cloudfront,
            certificate: None,
            ssl_support_method: None,
            minimum_protocol_version: "TLSv1".into(),
        }
    }

    #[test]
    fn desired_certificates() {
        let d = desired(&request(Store::Iam), "ASCAEXAMPLE");
        assert_eq!(
            serde_json::to_value(ViewerJson::from(&d)).expect("serialises"),
            serde_json::json!({
                "source": "iam", "certificate": "ASCAEXAMPLE",
                "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"
            })
        );
        let d = desired(&request(Store::Acm), "arn:aws:acm:us-east-1:123456789012:certificate/x");
        assert_eq!(d.source, CertificateSource::Acm);
        assert_eq!(
            show(&d),
            "acm arn:aws:acm:us-east-1:123456789012:certificate/x (sni-only, TLSv1.2_2021)"
        );
    }

    #[test]
    fn the_default_certificate_shows_nulls() {
        assert_eq!(
            serde_json::to_value(ViewerJson::from(&default_cert())).expect("serialises"),
            serde_json::json!({
                "source": "cloudfront", "certificate": null,
                "ssl_support_method": null, "minimum_protocol_version": "TLSv1"
            })
        );
        assert_eq!(show(&default_cert()), "CloudFront's default certificate (TLSv1)");
    }

    #[test]
    fn sameness_compares_every_part() {
        let want = desired(&request(Store::Iam), "ASCAEXAMPLE");
        assert!(same(&want, &want.clone()));
        assert!(!same(&want, &default_cert()));
        let mut other = want.clone();
        other.certificate = Some("ASCAOTHER".into());
        assert!(!same(&want, &other));
        let mut other = want.clone();
        other.ssl_support_method = Some(SslSupportMethod::Vip);
        assert!(!same(&want, &other));
        let mut other = want.clone();
        other.ssl_support_method = None;
        assert!(!same(&want, &other));
        let mut other = want.clone();
        other.minimum_protocol_version = "TLSv1.2_2019".into();
        assert!(!same(&want, &other));
        let mut other = want.clone();
        other.source = CertificateSource::Acm;
        assert!(!same(&want, &other));
    }
}
