//! How an AWS SDK error becomes a host error: by its AWS error code, the same for every service.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{HostError, chain};

/// AWS's codes for "slow down".
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "PriorRequestNotComplete",
    "RequestLimitExceeded",
    "SlowDown",
];

/// AWS's codes for "no such thing".
const NOT_FOUND: &[&str] = &[
    "NoSuchEntity",
    "NoSuchDistribution",
    "NoSuchHealthCheck",
    "NoSuchHostedZone",
    "ResourceNotFoundException",
    "NotFound",
    "NoSuchKey",
    "NoSuchBucket",
    "NoSuchOriginAccessControl",
    "NoSuchBucketPolicy",
    "NoSuchResponseHeadersPolicy",
    "NoSuchPublicAccessBlockConfiguration",
];

/// AWS's codes for "it changed, or it is in use".
const CONFLICT: &[&str] = &[
    "EntityAlreadyExists",
    "DeleteConflict",
    "PreconditionFailed",
    "HealthCheckAlreadyExists",
    "HealthCheckInUse",
    "ResourceInUseException",
    "InvalidIfMatchVersion",
    "BucketAlreadyExists",
    "CNAMEAlreadyExists",
    "BucketNotEmpty",
    "DistributionNotDisabled",
    "ResponseHeadersPolicyInUse",
    "ResponseHeadersPolicyAlreadyExists",
    "OriginAccessControlInUse",
];

/// A call of `service` that got no answer in time: a write stays in doubt, a read is not
/// retried past once.
fn no_answer(service: &str) -> HostError {
    HostError::NoAnswer(format!(
        "{service}: AWS did not answer within the read timeout (--read-timeout, \
         SWITCHYARD_READ_TIMEOUT): check the network and the endpoint"
    ))
}

/// Maps an AWS SDK error of `service` into a host error.
pub fn map<E>(service: &'static str, err: SdkError<E, HttpResponse>) -> HostError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let service_err = match err {
        SdkError::ServiceError(e) => e.into_err(),
        SdkError::TimeoutError(_) => return no_answer(service),
        // A connection that opened and then said nothing: the connector's read timeout.
        SdkError::DispatchFailure(e) if e.is_timeout() => return no_answer(service),
        SdkError::DispatchFailure(e) => {
            let cause = e.as_connector_error().map_or_else(|| format!("{e:?}"), |c| chain(c));
            return HostError::Transient(format!("{service}: cannot reach AWS: {cause}"));
        }
        SdkError::ResponseError(e) => {
            return HostError::Transient(format!("{service}: AWS's answer could not be read: {e:?}"));
        }
        other => return HostError::Internal(format!("{service}: {}", chain(&other))),
    };
    let code = service_err.code().unwrap_or("Unknown").to_owned();
    let message = service_err.message().unwrap_or_default().to_owned();
    let text = format!("{service} {code}: {message}");
    if THROTTLED.contains(&code.as_str()) || status == Some(429) {
        return HostError::Throttled(text);
    }
    if NOT_FOUND.contains(&code.as_str()) || (status == Some(404) && code == "Unknown") {
        return HostError::NotFound(text);
    }
    if CONFLICT.contains(&code.as_str()) {
        return HostError::Conflict(text);
    }
    if status.is_some_and(|s| s >= 500) {
        return HostError::Transient(text);
    }
    HostError::Aws {
        service,
        code,
        message,
        request_id: service_err.meta().extra("aws_request_id").map(str::to_owned),
    }
}
