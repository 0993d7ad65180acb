//! `switchyard:step/identity`: who the credentials belong to.

use crate::bindings::identity::{CallerIdentity, Host};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::state::StepState;

impl Host for StepState {
    async fn caller(&mut self) -> Result<CallerIdentity, HostError> {
        self.gate.call(Call::new(Capability::IdentityRead, "get caller identity"), async |aws| caller(aws).await).await
    }

    async fn region(&mut self) -> wasmtime::Result<String> {
        Ok(self.gate.region().to_owned())
    }
}

/// STS `GetCallerIdentity`; also used by the runner to check the workflow's account pin.
pub(crate) async fn caller(aws: &crate::aws::Aws) -> Result<CallerIdentity, HostError> {
    let out = aws.sts.get_caller_identity().send().await.map_err(|e| HostError::from_sdk("sts", e))?;
    match (out.account, out.arn, out.user_id) {
        (Some(account), Some(arn), Some(user_id)) => Ok(CallerIdentity { account, arn, user_id }),
        _ => Err(HostError::Internal("sts GetCallerIdentity answered without account, ARN or user id".into())),
    }
}
