//! The clients a step runs with under scoped credentials: the run's own, signing with the
//! step's session, or, for a step that reaches no AWS, without credentials at all.

use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::super::Aws;

impl Aws {
    /// The same clients (region, endpoint, timeouts, retries), signing with `credentials`: a
    /// step's scoped credentials ([`super::ScopedCredentials`]).
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        Self {
            region: self.region.clone(),
            policy: self.policy,
            iam: aws_sdk_iam::Client::from_conf(
                self.iam
                    .config()
                    .to_builder()
                    .credentials_provider(credentials.clone())
                    .build(),
            ),
            acm: aws_sdk_acm::Client::from_conf(
                self.acm
                    .config()
                    .to_builder()
                    .credentials_provider(credentials.clone())
                    .build(),
            ),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                self.cloudfront
                    .config()
                    .to_builder()
                    .credentials_provider(credentials.clone())
                    .build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                self.route53
                    .config()
                    .to_builder()
                    .credentials_provider(credentials.clone())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                self.sts
                    .config()
                    .to_builder()
                    .credentials_provider(credentials.clone())
                    .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(self.s3.config().to_builder().credentials_provider(credentials).build()),
        }
    }

    /// The same clients without credentials, refusing every operation before it is signed: a
    /// step that holds no grant reaching AWS, under scoped credentials.
    pub fn without_credentials(&self, step: &str) -> Self {
        let refuse = NoAws { step: step.to_owned() };
        Self {
            region: self.region.clone(),
            policy: self.policy,
            iam: aws_sdk_iam::Client::from_conf(
                self.iam
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse.clone())
                    .build(),
            ),
            acm: aws_sdk_acm::Client::from_conf(
                self.acm
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse.clone())
                    .build(),
            ),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                self.cloudfront
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse.clone())
                    .build(),
            ),
            route53: aws_sdk_route53::Client::from_conf(
                self.route53
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse.clone())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                self.sts
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse.clone())
                    .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                self.s3
                    .config()
                    .to_builder()
                    .credentials_provider(NoCredentials)
                    .interceptor(refuse)
                    .build(),
            ),
        }
    }
}

/// Refuses every operation, before it is serialised: the clients of a step that holds no grant
/// reaching AWS, under scoped credentials.
#[derive(Clone, Debug)]
struct NoAws {
    step: String,
}

impl Intercept for NoAws {
    fn name(&self) -> &'static str {
        "switchyard-no-aws"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map_or("an unnamed operation", Metadata::name);
        Err(format!(
            "step `{}` holds no grant that reaches AWS, so it has no scoped credentials: {operation} not sent",
            self.step
        )
        .into())
    }
}

/// No credentials: what the clients of a step without AWS grants sign with (they refuse every
/// operation before they would).
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "the step holds no grant that reaches AWS",
        )))
    }
}
