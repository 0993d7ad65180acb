//! The provider layer: every call to AWS, one module per service, in the host's own model.
//!
//! Each service has a read trait and a write trait. [`Reader`] is every read, [`Provider`] every
//! read and write. Two implementations:
//! - [`aws`]: the AWS SDK, with errors mapped once per service and one retry policy
//!   ([`retry`]);
//! - [`memory`]: AWS in memory, optionally layered over another reader. With no parent it is
//!   the fake that unit tests run against; over the live reader it is a plan's view of AWS,
//!   where every write is recorded and answered with placeholders, and every later read sees it.
//!
//! The gate hands host functions a [`Reader`] for reads, and sends writes only as change kinds
//! (`crate::changes`), so no host function holds a client that can write.

pub mod aws;
pub mod memory;
pub mod retry;

pub use crate::model::fqdn;

use async_trait::async_trait;

use crate::certs::Bundle;
use crate::error::HostError;
use crate::model::{
    AccessKey, AccountQuota, AccountSummary, AcmCertificate, CallerIdentity, Distribution, DistributionSpec, Header,
    HealthCheck, HealthCheckConfig, HealthStatus, HostedZone, IamUser, ObjectInfo, RecordChange, RecordSet,
    ServerCertificate, ServerCertificateDetail, SigningCertificate, ViewerCertificate,
};

/// The tag switchyard puts on every certificate it imports into ACM (value `true`), so that
/// its own can be told from the rest (prune them, never another's).
pub const MANAGED_TAG: &str = "switchyard:managed";

/// What a provider call returns.
pub type Result<T> = std::result::Result<T, HostError>;

/// STS, and where the provider is.
#[async_trait]
pub trait StsRead: Send + Sync {
    /// The region the provider calls (S3 and ACM are regional; IAM, CloudFront, Route 53 global).
    fn region(&self) -> &str;
    /// The identity behind the credentials (`GetCallerIdentity`).
    async fn caller(&self) -> Result<CallerIdentity>;
}

/// IAM server certificates: reads.
#[async_trait]
pub trait IamRead: Send + Sync {
    /// A server certificate by name, or `not-found`.
    async fn get_server_certificate(&self, name: &str) -> Result<ServerCertificateDetail>;
    /// The server certificates whose path starts with `path_prefix`, every page.
    async fn list_server_certificates(&self, path_prefix: &str) -> Result<Vec<ServerCertificate>>;
    /// The account's server-certificate count and quota (`GetAccountSummary`).
    async fn server_certificate_quota(&self) -> Result<AccountQuota>;
}

/// IAM users' credentials, read for an audit. No method returns a secret or a whole access
/// key id: the provider masks ids before they leave it.
#[async_trait]
pub trait CredentialsRead: Send + Sync {
    /// The account's alias, if it has one (`ListAccountAliases`).
    async fn account_alias(&self) -> Result<Option<String>>;
    /// Every IAM user, in name order (`ListUsers`).
    async fn list_users(&self) -> Result<Vec<IamUser>>;
    /// A user's access keys with their last use (`ListAccessKeys`, `GetAccessKeyLastUsed`).
    async fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKey>>;
    /// A user's X.509 signing certificates (`ListSigningCertificates`).
    async fn list_signing_certificates(&self, user: &str) -> Result<Vec<SigningCertificate>>;
    /// How many MFA devices a user has (`ListMFADevices`).
    async fn mfa_devices(&self, user: &str) -> Result<u32>;
    /// The account summary (`GetAccountSummary`).
    async fn account_summary(&self) -> Result<AccountSummary>;
}

/// IAM server certificates: writes.
#[async_trait]
pub trait IamWrite: Send + Sync {
    /// Uploads `bundle` as server certificate `name` under `path`.
    async fn upload_server_certificate(&self, name: &str, path: &str, bundle: &Bundle) -> Result<ServerCertificate>;
    /// Deletes server certificate `name`.
    async fn delete_server_certificate(&self, name: &str) -> Result<()>;
}

/// ACM: reads.
#[async_trait]
pub trait AcmRead: Send + Sync {
    /// An ACM certificate by ARN, or `not-found`.
    async fn describe_certificate(&self, arn: &str) -> Result<AcmCertificate>;
    /// Every ACM certificate of the region, of every key type.
    async fn list_certificates(&self) -> Result<Vec<AcmCertificate>>;
    /// The ACM certificates switchyard imported: those tagged [`MANAGED_TAG`] (each described).
    async fn list_managed_certificates(&self) -> Result<Vec<AcmCertificate>>;
    /// An ACM certificate's public PEM: its certificate and chain (`GetCertificate`).
    async fn certificate_pem(&self, arn: &str) -> Result<(String, Option<String>)>;
}

/// ACM: writes.
#[async_trait]
pub trait AcmWrite: Send + Sync {
    /// Imports `bundle`, or re-imports it onto `existing_arn`; returns the ARN.
    async fn import_certificate(&self, bundle: &Bundle, existing_arn: Option<&str>) -> Result<String>;
    /// Deletes an ACM certificate.
    async fn delete_certificate(&self, arn: &str) -> Result<()>;
}

/// A custom response headers policy, as found by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadersPolicy {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The headers it adds.
    pub headers: Vec<Header>,
    /// Its ETag.
    pub etag: String,
}

/// CloudFront: reads.
#[async_trait]
pub trait CloudfrontRead: Send + Sync {
    /// A distribution with its ETag, or `not-found`.
    async fn get_distribution(&self, id: &str) -> Result<Distribution>;
    /// Every distribution (their `etag` empty).
    async fn list_distributions(&self) -> Result<Vec<Distribution>>;
    /// The managed parts of a distribution's configuration (response headers included), and
    /// its ETag.
    async fn get_distribution_spec(&self, id: &str) -> Result<(DistributionSpec, String)>;
    /// The id of the distribution created with `caller_reference`, if any.
    async fn find_distribution(&self, caller_reference: &str) -> Result<Option<String>>;
    /// The id of the origin access control named `name`, if any.
    async fn find_origin_access_control(&self, name: &str) -> Result<Option<String>>;
    /// The custom response headers policy named `name`, if any.
    async fn find_response_headers_policy(&self, name: &str) -> Result<Option<HeadersPolicy>>;
}

/// CloudFront: writes. Every update is made with `If-Match`; a stale one is a `conflict`.
#[async_trait]
pub trait CloudfrontWrite: Send + Sync {
    /// Creates a distribution from `spec`, its responses passing `headers_policy`.
    async fn create_distribution(&self, spec: &DistributionSpec, headers_policy: Option<&str>) -> Result<Distribution>;
    /// Replaces a distribution's viewer certificate, keeping the rest of its configuration.
    async fn set_viewer_certificate(
        &self,
        id: &str,
        if_match: &str,
        viewer: &ViewerCertificate,
    ) -> Result<Distribution>;
    /// Replaces the managed parts of a distribution's configuration, keeping the rest.
    async fn update_distribution(
        &self,
        id: &str,
        if_match: &str,
        spec: &DistributionSpec,
        headers_policy: Option<&str>,
    ) -> Result<Distribution>;
    /// Enables or disables a distribution.
    async fn set_enabled(&self, id: &str, if_match: &str, enabled: bool) -> Result<Distribution>;
    /// Deletes a disabled, deployed distribution.
    async fn delete_distribution(&self, id: &str, if_match: &str) -> Result<()>;
    /// Creates an origin access control for S3 named `name` (signing always); returns its id.
    async fn create_origin_access_control(&self, name: &str) -> Result<String>;
    /// Deletes an origin access control.
    async fn delete_origin_access_control(&self, id: &str) -> Result<()>;
    /// Creates a custom response headers policy adding `headers`; returns its id.
    async fn create_response_headers_policy(&self, name: &str, headers: &[Header]) -> Result<String>;
    /// Sets the headers of a custom response headers policy.
    async fn update_response_headers_policy(&self, policy: &HeadersPolicy, headers: &[Header]) -> Result<()>;
    /// Deletes a custom response headers policy.
    async fn delete_response_headers_policy(&self, policy: &HeadersPolicy) -> Result<()>;
}

/// Route 53: reads.
#[async_trait]
pub trait Route53Read: Send + Sync {
    /// Every hosted zone.
    async fn list_hosted_zones(&self) -> Result<Vec<HostedZone>>;
    /// One hosted zone, or `not-found`.
    async fn get_hosted_zone(&self, id: &str) -> Result<HostedZone>;
    /// A health check by id, or `not-found`.
    async fn get_health_check(&self, id: &str) -> Result<HealthCheck>;
    /// The health check created with `caller_reference`, if any.
    async fn find_health_check(&self, caller_reference: &str) -> Result<Option<HealthCheck>>;
    /// What Route 53's checkers last saw of a health check.
    async fn health_check_status(&self, id: &str) -> Result<HealthStatus>;
    /// The record sets of a zone named `name` (fully qualified), of type `record_type` or all.
    async fn list_record_sets(&self, zone_id: &str, name: &str, record_type: Option<&str>) -> Result<Vec<RecordSet>>;
}

/// Route 53: writes.
#[async_trait]
pub trait Route53Write: Send + Sync {
    /// Creates a health check.
    async fn create_health_check(&self, caller_reference: &str, config: &HealthCheckConfig) -> Result<HealthCheck>;
    /// Deletes a health check.
    async fn delete_health_check(&self, id: &str) -> Result<()>;
    /// Sets health check `id`'s updatable settings to those of `config` (`UpdateHealthCheck`);
    /// its type and request interval cannot change ([`HealthCheckConfig::updatable_to`]).
    async fn update_health_check(&self, id: &str, config: &HealthCheckConfig) -> Result<HealthCheck>;
    /// Applies `changes` as one batch and waits until it is `INSYNC`; returns the change id.
    async fn change_record_sets(
        &self,
        zone_id: &str,
        changes: &[RecordChange],
        comment: Option<&str>,
    ) -> Result<String>;
}

/// S3: reads.
#[async_trait]
pub trait S3Read: Send + Sync {
    /// Whether the account has bucket `name`; one owned by another account is a `conflict`.
    async fn bucket_exists(&self, name: &str) -> Result<bool>;
    /// Whether every kind of public access to bucket `name` is blocked.
    async fn public_access_blocked(&self, name: &str) -> Result<bool>;
    /// An object's metadata, or none.
    async fn head_object(&self, bucket: &str, key: &str) -> Result<Option<ObjectInfo>>;
    /// A bucket's policy, or none.
    async fn get_bucket_policy(&self, bucket: &str) -> Result<Option<String>>;
}

/// S3: writes.
#[async_trait]
pub trait S3Write: Send + Sync {
    /// Creates bucket `name` in `region`.
    async fn create_bucket(&self, name: &str, region: &str) -> Result<()>;
    /// Blocks every kind of public access to bucket `name`.
    async fn block_public_access(&self, name: &str) -> Result<()>;
    /// Writes an object.
    async fn put_object(&self, bucket: &str, key: &str, body: &[u8], content_type: &str) -> Result<()>;
    /// Deletes an object (no error if it is not there).
    async fn delete_object(&self, bucket: &str, key: &str) -> Result<()>;
    /// Deletes an empty bucket.
    async fn delete_bucket(&self, name: &str) -> Result<()>;
    /// Sets a bucket's policy, or removes it (none).
    async fn put_bucket_policy(&self, bucket: &str, policy: Option<&str>) -> Result<()>;
}

/// Every read.
pub trait Reader: StsRead + IamRead + CredentialsRead + AcmRead + CloudfrontRead + Route53Read + S3Read {}
impl<T: StsRead + IamRead + CredentialsRead + AcmRead + CloudfrontRead + Route53Read + S3Read + ?Sized> Reader for T {}

/// What the gate hands a host function for its reads: every read, and nothing that writes.
/// (A concrete type rather than `&dyn Reader`, so that a host function's future stays `Send`
/// through the async closure that receives it.)
#[derive(Clone)]
pub struct Reads(pub std::sync::Arc<dyn Reader>);

impl std::ops::Deref for Reads {
    type Target = dyn Reader;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// Every read and every write.
pub trait Provider: Reader + IamWrite + AcmWrite + CloudfrontWrite + Route53Write + S3Write {}
impl<T: Reader + IamWrite + AcmWrite + CloudfrontWrite + Route53Write + S3Write + ?Sized> Provider for T {}
