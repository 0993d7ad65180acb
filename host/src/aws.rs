//! The AWS clients, built once from `aws-config` and handed to every step's gate.

use aws_config::{BehaviorVersion, Region};

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
}
