//! The host's error type: what a host call returns to the guest, and how AWS SDK errors map
//! into it.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Why a host call failed. Every variant but [`HostError::Trap`] reaches the guest as the WIT
/// `error` variant of the same name; `Trap` stops the guest (a host bug or a broken limit).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The step was not granted `capability` (for `resource`).
    #[error("denied: the step needs grant `{}`", grant_text(capability, resource.as_deref()))]
    Denied {
        /// The capability the call needs.
        capability: String,
        /// The resource the call was for, when the grant is narrowed to others.
        resource: Option<String>,
    },
    /// An argument was rejected before anything was sent.
    #[error("{field}: {message}")]
    InvalidInput {
        /// The argument or file at fault.
        field: String,
        /// A stable reason code.
        reason: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The resource changed or is in use.
    #[error("conflict: {0}")]
    Conflict(String),
    /// AWS throttled the call after retries.
    #[error("throttled: {0}")]
    Throttled(String),
    /// Waiting took longer than allowed.
    #[error("timed out: {0}")]
    TimedOut(String),
    /// Another AWS error.
    #[error("{service} {code}: {message}")]
    Aws {
        /// The service that answered.
        service: &'static str,
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
        /// AWS's request id.
        request_id: Option<String>,
    },
    /// A failure inside the host.
    #[error("internal: {0}")]
    Internal(String),
    /// Not an error for the guest: stop it.
    #[error(transparent)]
    Trap(wasmtime::Error),
}

fn grant_text(capability: &str, resource: Option<&str>) -> String {
    match resource {
        Some(r) => format!("{capability}:{r}"),
        None => capability.to_owned(),
    }
}

impl HostError {
    /// An [`HostError::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason,
            message: message.into(),
        }
    }

    /// Maps an AWS SDK error of `service` into a host error by its AWS error code.
    pub fn from_sdk<E, R>(service: &'static str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let service_err = match err {
            SdkError::ServiceError(e) => e.into_err(),
            SdkError::TimeoutError(_) => {
                return Self::TimedOut(format!("{service}: AWS did not answer in time"));
            }
            SdkError::DispatchFailure(e) => {
                let cause = e.as_connector_error().map_or_else(|| format!("{e:?}"), |c| chain(c));
                return Self::Internal(format!("{service}: cannot reach AWS: {cause}"));
            }
            other => return Self::Internal(format!("{service}: {}", chain(&other))),
        };
        let code = service_err.code().unwrap_or("Unknown").to_owned();
        let message = service_err.message().unwrap_or_default().to_owned();
        let request_id = service_err.meta().extra("aws_request_id").map(str::to_owned);
        let text = format!("{service} {code}: {message}");
        match code.as_str() {
            "Throttling"
            | "ThrottlingException"
            | "TooManyRequestsException"
            | "PriorRequestNotComplete"
            | "RequestLimitExceeded" => Self::Throttled(text),
            "NoSuchEntity"
            | "NoSuchDistribution"
            | "NoSuchHealthCheck"
            | "NoSuchHostedZone"
            | "ResourceNotFoundException"
            | "NotFound"
            | "NoSuchKey"
            | "NoSuchBucket"
            | "NoSuchOriginAccessControl"
            | "NoSuchBucketPolicy" => Self::NotFound(text),
            "EntityAlreadyExists"
            | "DeleteConflict"
            | "PreconditionFailed"
            | "HealthCheckAlreadyExists"
            | "HealthCheckInUse"
            | "ResourceInUseException"
            | "InvalidIfMatchVersion"
            | "BucketAlreadyExists"
            | "CNAMEAlreadyExists"
            | "BucketNotEmpty" => Self::Conflict(text),
            _ => Self::Aws {
                service,
                code,
                message,
                request_id,
            },
        }
    }
}

/// Formats an error with its whole chain of causes.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}
