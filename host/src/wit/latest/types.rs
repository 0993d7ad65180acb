//! `switchyard:step/types`: a [`HostError`] becomes the guest's `error` (or a trap), and what a
//! step is told and returns converts to the host's model.

use super::wit::types::{AwsError, DeniedError, Description, Error, Host, InvalidInputError, StepContext, StepError};
use crate::error::HostError;
use crate::model;
use crate::state::StepState;
use crate::wit::cast::{Cast, record};

impl Host for StepState {
    fn convert_error(&mut self, err: HostError) -> wasmtime::Result<Error> {
        to_guest(err)
    }
}

/// The guest's form of a host error; a trap stays a trap. Every text is redacted first: an AWS
/// message may quote what the plugin must not see (an access key id that IAM could not find).
pub(crate) fn to_guest(err: HostError) -> wasmtime::Result<Error> {
    let r = |text: String| crate::secrets::redact(&text);
    Ok(match err.redacted_with(r) {
        HostError::Denied { capability, resource } => Error::Denied(DeniedError { capability, resource }),
        HostError::InvalidInput { field, reason, message } => Error::InvalidInput(InvalidInputError {
            field,
            reason: reason.to_owned(),
            message,
        }),
        HostError::NotFound(m) => Error::NotFound(m),
        HostError::Conflict(m) => Error::Conflict(m),
        HostError::Throttled(m) => Error::Throttled(m),
        HostError::TimedOut(m) | HostError::NoAnswer(m) => Error::TimedOut(m),
        HostError::Aws {
            service,
            code,
            message,
            request_id,
        } => Error::Aws(AwsError {
            service: service.to_owned(),
            code,
            message,
            request_id,
        }),
        HostError::Transient(m) | HostError::Internal(m) => Error::Internal(m),
        HostError::Trap(e) => return Err(e),
    })
}

impl Cast<model::Description> for Description {
    fn cast(self) -> model::Description {
        model::Description {
            name: self.name,
            version: self.version,
            description: self.description,
            input_schema: self.input_schema,
            capabilities: self.capabilities,
            output_schema: Some(self.output_schema),
        }
    }
}

record! {
    StepContext = model::StepContext { step_id, workflow, region }
    StepError = model::StepError { code, message, details }
}
