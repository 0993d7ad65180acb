//! Distributions and certificates for unit tests.

use switchyard_sdk::distributions::{CertificateSource, Distribution, SslSupportMethod, ViewerCertificate};

use crate::coverage::CertificateNames;

/// The viewer certificate the tests want set: IAM `ASCANEW`, SNI, TLSv1.2_2021.
pub fn wanted() -> ViewerCertificate {
    ViewerCertificate {
        source: CertificateSource::Iam,
        certificate: Some("ASCANEW".into()),
        ssl_support_method: Some(SslSupportMethod::SniOnly),
        minimum_protocol_version: "TLSv1.2_2021".into(),
    }
}

/// The viewer certificate the test distribution starts with: IAM `ASCAOLD`.
pub fn old() -> ViewerCertificate {
    ViewerCertificate {
        certificate: Some("ASCAOLD".into()),
        ..wanted()
    }
}

/// Distribution `E1` with these aliases, viewer certificate and ETag.
pub fn distribution(aliases: &[&str], viewer: ViewerCertificate, etag: &str) -> Distribution {
    Distribution {
        id: "E1".into(),
        arn: "arn:aws:cloudfront::123456789012:distribution/E1".into(),
        domain_name: "d111111abcdef8.cloudfront.net".into(),
        status: "Deployed".into(),
        enabled: true,
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        comment: String::new(),
        viewer_certificate: viewer,
        etag: etag.into(),
    }
}

/// A certificate for `example.com` and `*.example.com`.
pub fn names() -> CertificateNames {
    CertificateNames {
        label: "IAM server certificate `site`".into(),
        dns_names: vec!["example.com".into(), "*.example.com".into()],
    }
}
