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
    /// ECDSA on NIST P-192.
    EcP192,
    /// ECDSA on NIST P-224.
    EcP224,
    /// DSA.
    Dsa,
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
    /// The X.509 version: 1, 2 or 3.
    pub x509_version: u8,
    /// Whether the certificate has a subject alternative name extension, and whether it reads.
    pub san: SanState,
    /// The DNS names among the subject alternative names.
    pub dns_names: Vec<String>,
    /// The IP addresses among the subject alternative names.
    pub ip_addresses: Vec<String>,
    /// The DNS names that are wildcards directly under a public suffix (`*.co.uk`), which
    /// browsers never match.
    pub public_suffix_wildcards: Vec<String>,
    /// The extended key usages (`serverAuth`, `clientAuth`, …, or an OID), if it has the
    /// extension.
    pub extended_key_usage: Option<Vec<String>>,
    /// The key usages (`digitalSignature`, `keyCertSign`, …), if it has the extension.
    pub key_usage: Option<Vec<String>>,
    /// What is malformed in it (an unknown critical extension, an extension twice, an extension
    /// that does not parse), for people.
    pub problems: Vec<String>,
    /// The subject's public key.
    pub key: PublicKey,
    /// The signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// The SHA-256 fingerprint of the DER encoding, lowercase hex.
    pub sha256_fingerprint: String,
    /// Whether basic constraints mark it as a CA.
    pub is_ca: bool,
}

/// Whether a certificate has a subject alternative name extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanState {
    /// It has none.
    Absent,
    /// It has one that does not parse: why.
    Malformed(String),
    /// It has one.
    Present,
}

/// How a bundle's leaf chains to a trusted root, as browsers check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathCheck {
    /// Whether the leaf reaches a trusted root through the chain, every certificate on the way
    /// valid now for TLS server authentication.
    pub trusted: bool,
    /// Why not.
    pub problem: Option<PathProblem>,
    /// The trust store file whose roots were trusted; `None` for Mozilla's.
    pub trust_store: Option<String>,
}

/// Why a path does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathProblem {
    /// A stable code: `untrusted-root`, `bad-signature`, `wrong-eku`, `leaf-is-ca`,
    /// `intermediate-not-ca`, `name-constraint-violation`, `path-length-exceeded`, `expired`,
    /// `not-yet-valid`, `malformed-certificate`, `unsupported-algorithm`.
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
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
