//! Certificates: the public facts of a bundle, IAM server certificates, ACM certificates.

use serde::{Deserialize, Serialize};

/// Where a bundle's PEM files are on the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleSource {
    /// The server (leaf) certificate.
    pub certificate: String,
    /// The private key.
    pub private_key: String,
    /// The intermediate certificates, the leaf's issuer first.
    pub chain: Option<String>,
}

/// A public key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyAlgorithm {
    /// RSA, any size.
    Rsa,
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// ECDSA on NIST P-521.
    EcP521,
    /// Ed25519.
    Ed25519,
    /// Anything else.
    Other,
}

/// A public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    /// The algorithm.
    pub algorithm: KeyAlgorithm,
    /// The size in bits (the modulus for RSA, the curve's size for EC).
    pub bits: u32,
}

/// The public facts of one X.509 certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFacts {
    /// The subject, RFC 4514.
    pub subject: String,
    /// The subject's common name.
    pub common_name: Option<String>,
    /// The issuer, RFC 4514.
    pub issuer: String,
    /// The serial number, lowercase hex.
    pub serial: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
    /// The DNS names among the subject alternative names.
    pub dns_names: Vec<String>,
    /// The subject's public key.
    pub key: PublicKey,
    /// The signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// The SHA-256 fingerprint of the DER encoding, lowercase hex.
    pub sha256_fingerprint: String,
    /// Whether basic constraints mark it as a CA.
    pub is_ca: bool,
}

/// The public facts of a loaded bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleFacts {
    /// The leaf.
    pub leaf: CertificateFacts,
    /// The chain, in file order.
    pub chain: Vec<CertificateFacts>,
    /// How many certificates the certificate file held.
    pub certificates_in_certificate_file: u32,
}

/// How one certificate of a bundle links to the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The index in the chain of the certificate whose key verifies this one's signature.
    pub signed_by: Option<u32>,
    /// Its own key verifies its signature and its issuer is its subject.
    pub self_signed: bool,
}

/// What the host verified about a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The private key is the leaf's key.
    pub key_matches_leaf: bool,
    /// How the leaf links.
    pub leaf: Link,
    /// How each chain certificate links, in chain order.
    pub chain: Vec<Link>,
    /// The host's clock when it verified, seconds since the Unix epoch.
    pub checked_at: i64,
}

/// An account's IAM server-certificate count and quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountQuota {
    /// Stored now.
    pub used: u32,
    /// The quota.
    pub limit: u32,
}

/// An IAM server certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCertificate {
    /// Its name, unique in the account.
    pub name: String,
    /// Its id (`ASCA…`).
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// Its IAM path, e.g. `/cloudfront/`.
    pub path: String,
    /// When it expires, seconds since the Unix epoch.
    pub expiration: Option<i64>,
}

/// An IAM server certificate with its public PEM data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCertificateDetail {
    /// Its metadata.
    pub meta: ServerCertificate,
    /// The body, PEM.
    pub body: String,
    /// The chain, PEM.
    pub chain: Option<String>,
    /// The SHA-256 fingerprint of the body's DER, lowercase hex.
    pub sha256_fingerprint: String,
}

/// An ACM certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcmCertificate {
    /// Its ARN.
    pub arn: String,
    /// Its primary domain name.
    pub domain_name: String,
    /// All its names.
    pub subject_alternative_names: Vec<String>,
    /// ACM's status, e.g. `ISSUED`.
    pub status: String,
    /// Its serial number, lowercase hex without separators.
    pub serial: Option<String>,
    /// When it expires, seconds since the Unix epoch.
    pub not_after: Option<i64>,
    /// ARNs of the resources that use it.
    pub in_use_by: Vec<String>,
}
