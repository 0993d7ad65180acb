//! `switchyard:step/types`: turns a [`HostError`] into the guest's `error`, or a trap.

use crate::bindings::types::{AwsError, DeniedError, Error, Host, InvalidInputError};
use crate::error::HostError;
use crate::state::StepState;

impl Host for StepState {
    fn convert_error(&mut self, err: HostError) -> wasmtime::Result<Error> {
        Ok(match err {
            HostError::Denied { capability, resource } => Error::Denied(DeniedError { capability, resource }),
            HostError::InvalidInput { field, reason, message } => Error::InvalidInput(InvalidInputError {
                field,
                reason: reason.to_owned(),
                message,
            }),
            HostError::NotFound(m) => Error::NotFound(m),
            HostError::Conflict(m) => Error::Conflict(m),
            HostError::Throttled(m) => Error::Throttled(m),
            HostError::TimedOut(m) => Error::TimedOut(m),
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
            HostError::Internal(m) => Error::Internal(m),
            HostError::Trap(e) => return Err(e),
        })
    }
}
