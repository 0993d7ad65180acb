//! Certificates and distributions for unit tests.

use switchyard_sdk::certificates::ServerCertificate;
use switchyard_sdk::distributions::{CertificateSource, Distribution, SslSupportMethod, ViewerCertificate};

/// The clock in tests: 2025-06-15T15:06:40Z.
pub const NOW: i64 = 1_750_000_000;

/// 12:00 UTC on `days` days after [`NOW`]'s day (before it when negative).
pub fn day(days: i64) -> i64 {
    NOW - NOW.rem_euclid(86_400) + 43_200 + days * 86_400
}

/// IAM server certificate `name` under `/cloudfront/`, id `ASCA<NAME>`, expiring then.
pub fn cert(name: &str, expiration: Option<i64>) -> ServerCertificate {
    ServerCertificate {
        name: name.into(),
        id: id(name),
        arn: format!("arn:aws:iam::123456789012:server-certificate/cloudfront/{name}"),
        path: "/cloudfront/".into(),
        expiration,
    }
}

/// The id [`cert`] gives certificate `name`.
pub fn id(name: &str) -> String {
    format!("ASCA{}", name.to_ascii_uppercase())
}

/// Distribution `id` whose viewer certificate is `certificate` from `source`.
pub fn distribution(id: &str, source: CertificateSource, certificate: Option<&str>) -> Distribution {
    Distribution {
        id: id.into(),
        arn: format!("arn:aws:cloudfront::123456789012:distribution/{id}"),
        domain_name: "d111111abcdef8.cloudfront.net".into(),
        status: "Deployed".into(),
        enabled: true,
        aliases: vec!["www.example.com".into()],
        comment: String::new(),
        viewer_certificate: ViewerCertificate {
            source,
            certificate: certificate.map(str::to_owned),
            ssl_support_method: certificate.map(|_| SslSupportMethod::SniOnly),
            minimum_protocol_version: "TLSv1.2_2021".into(),
        },
        etag: String::new(),
    }
}

/// The names of some certificates, in order.
pub fn names(certs: &[ServerCertificate]) -> Vec<&str> {
    certs.iter().map(|c| c.name.as_str()).collect()
}
