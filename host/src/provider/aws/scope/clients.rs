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

use super::super::{Aws, rebuilt};

impl Aws {
    /// The same clients (region, endpoint, timeouts, retries), signing with `credentials`: a
    /// step's scoped credentials ([`super::ScopedCredentials`]).
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        rebuilt!(self, |config| config.credentials_provider(credentials.clone()))
    }

    /// The same clients without credentials, refusing every operation before it is signed: a
    /// step that holds no grant reaching AWS, under scoped credentials.
    pub fn without_credentials(&self, step: &str) -> Self {
        let refuse = NoAws { step: step.to_owned() };
        rebuilt!(self, |config| config
            .credentials_provider(NoCredentials)
            .interceptor(refuse.clone()))
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
