//! The AWS clients, built once from `aws-config` and handed to every step's gate.

use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::bindings::identity::CallerIdentity;
use crate::error::HostError;

/// Where to take credentials and region from, beyond the standard chain.
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    /// A named profile (`--profile`).
    pub profile: Option<String>,
    /// A region that overrides the environment and profile (`--region`, or the workflow's).
    pub region: Option<String>,
}

/// AWS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum AwsSetupError {
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
    /// IAM.
    pub iam: aws_sdk_iam::Client,
    /// ACM, in the workflow's region.
    pub acm: aws_sdk_acm::Client,
    /// CloudFront.
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// Route 53.
    pub route53: aws_sdk_route53::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
    /// S3, in the workflow's region.
    pub s3: aws_sdk_s3::Client,
}

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Aws {
    /// Resolves credentials and region the standard AWS way (environment, profile, SSO,
    /// instance role; `AWS_ENDPOINT_URL` honoured) and builds the clients. Never falls back to
    /// a default region.
    pub async fn load(options: &AwsOptions) -> Result<Self, AwsSetupError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let config = loader.load().await;
        let region = config.region().ok_or(AwsSetupError::NoRegion)?.to_string();
        Ok(Self {
            region,
            iam: aws_sdk_iam::Client::new(&config),
            acm: aws_sdk_acm::Client::new(&config),
            cloudfront: aws_sdk_cloudfront::Client::new(&config),
            route53: aws_sdk_route53::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            // Bucket names in the host name need DNS for every bucket: an endpoint override
            // (an emulator, a VPC endpoint) is addressed by path instead.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&config)
                    .force_path_style(config.endpoint_url().is_some())
                    .build(),
            ),
        })
    }

    /// The identity behind the credentials (STS `GetCallerIdentity`).
    pub async fn caller(&self) -> Result<CallerIdentity, HostError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| HostError::from_sdk("sts", e))?;
        match (out.account, out.arn, out.user_id) {
            (Some(account), Some(arn), Some(user_id)) => Ok(CallerIdentity { account, arn, user_id }),
            _ => Err(HostError::Internal(
                "sts GetCallerIdentity answered without account, ARN or user id".into(),
            )),
        }
    }

    /// The region the clients call.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The same clients, refusing before sending anything any operation that is not a read
    /// (`Get…`, `List…`, `Head…`, `Describe…`): what a plan runs with, so that not even a host
    /// bug can change AWS during a plan.
    pub fn read_only(&self) -> Self {
        Self {
            region: self.region.clone(),
            iam: aws_sdk_iam::Client::from_conf(self.iam.config().to_builder().interceptor(ReadOnly).build()),
            acm: aws_sdk_acm::Client::from_conf(self.acm.config().to_builder().interceptor(ReadOnly).build()),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                self.cloudfront.config().to_builder().interceptor(ReadOnly).build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                self.route53.config().to_builder().interceptor(ReadOnly).build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(self.sts.config().to_builder().interceptor(ReadOnly).build()),
            s3: aws_sdk_s3::Client::from_conf(self.s3.config().to_builder().interceptor(ReadOnly).build()),
        }
    }
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
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .load()
            .await;
        Aws {
            region: "us-east-1".into(),
            iam: aws_sdk_iam::Client::new(&config),
            acm: aws_sdk_acm::Client::new(&config),
            cloudfront: aws_sdk_cloudfront::Client::new(&config),
            route53: aws_sdk_route53::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            s3: aws_sdk_s3::Client::new(&config),
        }
    }

    #[tokio::test]
    async fn read_only_clients_refuse_writes_before_sending_and_let_reads_through() {
        let aws = unreachable().await.read_only();
        let write = aws.s3.create_bucket().bucket("b").send().await.expect_err("refused");
        let text = format!("{:?}", aws_smithy_types::error::display::DisplayErrorContext(&write));
        assert!(text.contains("CreateBucket is not a read"), "{text}");
        let delete = aws
            .route53
            .delete_health_check()
            .health_check_id("h")
            .send()
            .await
            .expect_err("refused");
        let text = format!("{:?}", aws_smithy_types::error::display::DisplayErrorContext(&delete));
        assert!(text.contains("DeleteHealthCheck is not a read"), "{text}");
        // A read is sent (and fails to connect: nothing listens there).
        let read = aws.s3.head_bucket().bucket("b").send().await.expect_err("no server");
        let text = format!("{:?}", aws_smithy_types::error::display::DisplayErrorContext(&read));
        assert!(!text.contains("is not a read"), "{text}");
    }
}
