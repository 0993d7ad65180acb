//! The provider for real AWS, through the AWS SDK: clients built once from `aws-config`, one
//! module per service, every call through [`Aws::read`] or [`Aws::write`] (the retry policy and
//! the error mapping, once).

mod acm;
mod cloudfront;
mod credentials;
mod error;
mod iam;
mod route53;
mod s3;
pub mod scope;
mod sts;

use std::future::Future;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::timeout::TimeoutConfig;

pub use error::map as map_error;

use super::retry::{Call, Policy};
use crate::error::HostError;

/// Where to take credentials and region from, beyond the standard chain, and how long to wait.
#[derive(Clone, Debug)]
pub struct AwsOptions {
    /// A named profile (`--profile`, `AWS_PROFILE`).
    pub profile: Option<String>,
    /// A region that overrides the environment and profile (`--region`, or the workflow's).
    pub region: Option<String>,
    /// How long to wait for a connection before a call fails.
    pub connect_timeout: Duration,
    /// How long to wait for an answer before a try fails.
    pub read_timeout: Duration,
}

impl Default for AwsOptions {
    /// The AWS CLI's: 60 s to connect, 60 s for an answer.
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            connect_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// AWS could not be set up. The wording follows the AWS CLI's, so that its documentation and
/// what people search for match.
#[derive(Debug, thiserror::Error)]
pub enum AwsSetupError {
    /// The profile asked for is in no AWS file.
    #[error(
        "the config profile ({0}) could not be found: it is in neither AWS_CONFIG_FILE \
         (~/.aws/config) nor AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials); check --profile \
         or AWS_PROFILE, or add it with `aws configure --profile {0}`"
    )]
    NoProfile(String),
    /// One of the two credential variables is set without the other.
    #[error(
        "partial credentials found in env, missing: {0}: set it too, or unset the other to use \
         a profile"
    )]
    PartialEnv(&'static str),
    /// No credentials anywhere.
    #[error(
        "unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass \
         --profile, or run `aws configure` (or `aws sso login`)"
    )]
    NoCredentials,
    /// Credentials were found but cannot be used (an expired SSO session, a failing
    /// `credential_process`, …).
    #[error("cannot load AWS credentials: {0}")]
    Credentials(String),
    /// No region anywhere.
    #[error(
        "no AWS region is set: pass --region, set `region` in the workflow's [workflow] table, \
         or set AWS_REGION (or `region` in the AWS profile)"
    )]
    NoRegion,
}

/// The AWS clients of a run. Credentials stay inside the SDK; nothing here exposes them.
pub struct Aws {
    region: String,
    policy: Policy,
    iam: aws_sdk_iam::Client,
    acm: aws_sdk_acm::Client,
    cloudfront: aws_sdk_cloudfront::Client,
    route53: aws_sdk_route53::Client,
    sts: aws_sdk_sts::Client,
    s3: aws_sdk_s3::Client,
}

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// `aws`'s clients again (region, endpoint, timeouts, retries), each client's config builder
/// changed by `$change`: read-only clients, or a step's scoped ones.
macro_rules! rebuilt {
    ($aws:expr, |$config:ident| $change:expr) => {{
        let aws: &Aws = $aws;
        Aws {
            region: aws.region.clone(),
            policy: aws.policy,
            iam: aws_sdk_iam::Client::from_conf(
                {
                    let $config = aws.iam.config().to_builder();
                    $change
                }
                .build(),
            ),
            acm: aws_sdk_acm::Client::from_conf(
                {
                    let $config = aws.acm.config().to_builder();
                    $change
                }
                .build(),
            ),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                {
                    let $config = aws.cloudfront.config().to_builder();
                    $change
                }
                .build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                {
                    let $config = aws.route53.config().to_builder();
                    $change
                }
                .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                {
                    let $config = aws.sts.config().to_builder();
                    $change
                }
                .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                {
                    let $config = aws.s3.config().to_builder();
                    $change
                }
                .build(),
            ),
        }
    }};
}
use rebuilt;

impl Aws {
    /// Resolves credentials and region the standard AWS way (environment, profile, SSO,
    /// instance role; `AWS_ENDPOINT_URL` honoured) and builds the clients. Never falls back to
    /// a default region.
    pub async fn load(options: &AwsOptions) -> Result<Self, AwsSetupError> {
        credentials::check_env()?;
        if let Some(profile) = &options.profile {
            credentials::check_profile(profile).await?;
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(Policy::sdk_config())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(options.connect_timeout)
                    .read_timeout(options.read_timeout)
                    .build(),
            );
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let config = loader.load().await;
        let aws = Self::from_config(&config).ok_or(AwsSetupError::NoRegion)?;
        credentials::resolve(&config).await?;
        Ok(aws)
    }

    /// The clients of an SDK configuration; none when it has no region.
    pub fn from_config(config: &aws_config::SdkConfig) -> Option<Self> {
        let region = config.region()?.to_string();
        Some(Self {
            region,
            policy: Policy::default(),
            iam: aws_sdk_iam::Client::new(config),
            acm: aws_sdk_acm::Client::new(config),
            cloudfront: aws_sdk_cloudfront::Client::new(config),
            route53: aws_sdk_route53::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            // Bucket names in the host name need DNS for every bucket: an endpoint override
            // (an emulator, a VPC endpoint) is addressed by path instead.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(config.endpoint_url().is_some())
                    .build(),
            ),
        })
    }

    /// The same clients, refusing before sending anything any operation that is not a read
    /// (`Get…`, `List…`, `Head…`, `Describe…`): what a plan runs with, so that not even a host
    /// bug can change AWS during a plan.
    pub fn read_only(&self) -> Self {
        rebuilt!(self, |config| config.interceptor(ReadOnly))
    }

    /// Sends a read of `service` (retried on throttling and transient failures), mapping its
    /// error.
    async fn read<O, E, F, Fut>(&self, service: &'static str, what: &str, send: F) -> Result<O, HostError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.call(Call::Read, service, what, send).await
    }

    /// Sends a write of `service` (retried on throttling only), mapping its error.
    async fn write<O, E, F, Fut>(&self, service: &'static str, what: &str, send: F) -> Result<O, HostError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.call(Call::Write, service, what, send).await
    }

    /// Sends a write of `service` that AWS may refuse for a while, with one of the error
    /// `codes`, because it does not see yet what was just made elsewhere: retried for that too.
    async fn write_consistent<O, E, F, Fut>(
        &self,
        service: &'static str,
        what: &str,
        codes: &[&str],
        send: F,
    ) -> Result<O, HostError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let what = format!("{service} {what}");
        self.policy
            .until_consistent(&what, codes, || {
                let sent = send();
                async move { sent.await.map_err(|e| error::map(service, e)) }
            })
            .await
    }

    async fn call<O, E, F, Fut>(&self, call: Call, service: &'static str, what: &str, send: F) -> Result<O, HostError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let what = format!("{service} {what}");
        self.policy
            .run(call, &what, || {
                let sent = send();
                async move { sent.await.map_err(|e| error::map(service, e)) }
            })
            .await
    }
}

/// The answer had no `what`: AWS broke its own contract, or the host misread it.
fn missing(what: &str) -> HostError {
    HostError::Internal(format!("AWS answered without {what}"))
}

/// A builder's error: a host bug (a required field left unset).
fn built(e: aws_smithy_types::error::operation::BuildError) -> HostError {
    HostError::Internal(e.to_string())
}

/// A count as AWS's `Quantity`.
fn quantity<T>(items: &[T]) -> i32 {
    i32::try_from(items.len()).unwrap_or(i32::MAX)
}

/// Refuses every operation that is not a read, before it is serialised.
#[derive(Debug)]
struct ReadOnly;

impl Intercept for ReadOnly {
    fn name(&self) -> &'static str {
        "switchyard-read-only"
    }

    // The operation's name is in the bag from serialisation on (not yet at `before_execution`).
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map_or("an unnamed operation", Metadata::name);
        if ["Get", "List", "Head", "Describe"]
            .iter()
            .any(|p| operation.starts_with(p))
        {
            return Ok(());
        }
        Err(format!("{operation} is not a read, and these clients only read (a plan): not sent").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Route53Write, S3Read, S3Write};

    async fn unreachable() -> Aws {
        // Nothing listens on port 9 of loopback: a request that is sent fails to connect.
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(aws_sdk_sts::config::Credentials::new(
                "AKIDTEST",
                "not-a-secret",
                None,
                None,
                "test",
            ))
            .retry_config(Policy::sdk_config())
            .load()
            .await;
        let mut aws = Aws::from_config(&config).expect("a region");
        aws.policy.retries = 0;
        aws
    }

    #[tokio::test]
    async fn read_only_clients_refuse_writes_before_sending_and_let_reads_through() {
        let aws = unreachable().await.read_only();
        let write = aws.create_bucket("b", "us-east-1").await.expect_err("refused");
        assert!(write.to_string().contains("CreateBucket is not a read"), "{write}");
        let delete = aws.delete_health_check("h").await.expect_err("refused");
        assert!(
            delete.to_string().contains("DeleteHealthCheck is not a read"),
            "{delete}"
        );
        // A read is sent (and fails to connect: nothing listens there).
        let read = aws.bucket_exists("b").await.expect_err("no server");
        assert!(matches!(read, HostError::Transient(_)), "{read}");
        assert!(!read.to_string().contains("is not a read"), "{read}");
    }
}
