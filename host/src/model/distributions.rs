//! CloudFront distributions: what a distribution is, and the parts of its configuration the
//! host manages.

use serde::{Deserialize, Serialize};

use super::Header;

/// Where a viewer certificate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateSource {
    /// CloudFront's own `*.cloudfront.net` certificate.
    #[serde(alias = "Cloudfront")]
    Cloudfront,
    /// An IAM server certificate, by id.
    #[serde(alias = "Iam")]
    Iam,
    /// An ACM certificate in us-east-1, by ARN.
    #[serde(alias = "Acm")]
    Acm,
}

/// How CloudFront serves HTTPS to viewers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SslSupportMethod {
    /// Server Name Indication only.
    #[serde(alias = "SniOnly")]
    SniOnly,
    /// Dedicated IP addresses.
    #[serde(alias = "Vip")]
    Vip,
    /// Static IP.
    #[serde(alias = "StaticIp")]
    StaticIp,
}

/// A distribution's viewer certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerCertificate {
    /// Where the certificate comes from.
    pub source: CertificateSource,
    /// The IAM server certificate id or ACM ARN; none for `cloudfront`.
    pub certificate: Option<String>,
    /// How HTTPS is served; none for `cloudfront`.
    pub ssl_support_method: Option<SslSupportMethod>,
    /// The minimum TLS version, e.g. `TLSv1.2_2021`.
    pub minimum_protocol_version: String,
}

/// A distribution, as last read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// Its id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// Its `*.cloudfront.net` domain name.
    pub domain_name: String,
    /// `Deployed` or `InProgress`.
    pub status: String,
    /// Whether it serves traffic.
    pub enabled: bool,
    /// Its alternate domain names.
    pub aliases: Vec<String>,
    /// Its comment.
    pub comment: String,
    /// Its viewer certificate.
    pub viewer_certificate: ViewerCertificate,
    /// The ETag of this version of its configuration; empty when listed.
    pub etag: String,
}

/// Where a distribution fetches from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// An S3 bucket, read through origin access control.
    #[serde(alias = "S3")]
    S3(S3Origin),
    /// An HTTPS server, by domain name.
    #[serde(alias = "Https")]
    Https(String),
}

/// An S3 origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Origin {
    /// The bucket's regional domain name.
    pub domain_name: String,
    /// The origin access control CloudFront signs requests with.
    pub oac_id: String,
}

/// A custom error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The origin's HTTP status.
    pub error_code: u16,
    /// The status viewers get.
    pub response_code: u16,
    /// The object served instead.
    pub response_page_path: String,
    /// Seconds CloudFront caches the error response.
    pub caching_min_ttl: u32,
}

/// The parts of a distribution's configuration that the host manages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionSpec {
    /// A unique reference for creation (ignored on update).
    pub caller_reference: String,
    /// The comment.
    pub comment: String,
    /// The alternate domain names.
    pub aliases: Vec<String>,
    /// The one origin.
    pub origin: Origin,
    /// The object served for `/`.
    pub default_root_object: String,
    /// Custom error responses.
    pub error_responses: Vec<ErrorResponse>,
    /// The viewer certificate.
    pub viewer_certificate: ViewerCertificate,
    /// Headers added to every response, kept in a response headers policy named after the
    /// caller reference.
    pub response_headers: Vec<Header>,
    /// Whether it serves traffic.
    pub enabled: bool,
}
