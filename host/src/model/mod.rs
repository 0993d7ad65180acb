//! The host's own model of what it manages: certificates, distributions, record sets, health
//! checks, buckets. Plain Rust types owned by the host, independent of any WIT version.
//!
//! These types are also the **journal and saved-plan format** (see `docs/journal.md`): their
//! serde names are explicit and stable (`snake_case`), and never change within a format number.
//! The generated binding types of each WIT version convert to and from them at the edge
//! (`crate::wit`), so a WIT change never touches data on disk. Aliases keep reading the
//! spellings that journal format 1 wrote (Rust enum names such as `Iam`, `SniOnly`, and the
//! field `type_`).

mod certificates;
pub mod credentials;
mod distributions;
mod dns;
pub mod rules;
mod step;
mod storage;

pub use certificates::{
    AccountQuota, AcmCertificate, BundleFacts, BundleSource, CertificateFacts, KeyAlgorithm, Link, PathCheck,
    PathProblem, PublicKey, SanState, ServerCertificate, ServerCertificateDetail, Verification,
};
pub use credentials::{AccessKey, AccountSummary, IamUser, KeyUse, SigningCertificate};
pub use distributions::{
    CertificateSource, Distribution, DistributionSpec, ErrorResponse, Origin, S3Origin, SslSupportMethod,
    ViewerCertificate,
};
pub use dns::{
    AliasTarget, ChangeAction, FailoverRole, HealthCheck, HealthCheckConfig, HealthCheckProtocol, HealthStatus,
    HostedZone, RecordChange, RecordSet, fqdn,
};
pub use step::{Description, StepContext, StepError};
pub use storage::{Bucket, ObjectInfo};

/// The identity behind the credentials.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallerIdentity {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// The caller's unique user id.
    pub user_id: String,
}

/// A response header a distribution adds: `(name, value)`, written `[name, value]`.
pub type Header = (String, String);
