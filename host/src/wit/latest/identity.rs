//! `switchyard:step/identity`: who the credentials belong to.

use super::wit::identity::{CallerIdentity, Host};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::model;
use crate::state::StepState;
use crate::wit::cast::{Cast, record};

impl Host for StepState {
    async fn caller(&mut self) -> Result<CallerIdentity, HostError> {
        let call = Call::new(Capability::IdentityRead, "get caller identity");
        let caller = self.gate.call(call, async |aws| aws.caller().await).await?;
        Ok(caller.cast())
    }

    async fn region(&mut self) -> wasmtime::Result<String> {
        Ok(self.gate.region().to_owned())
    }
}

record! {
    CallerIdentity = model::CallerIdentity { account, arn, user_id }
}
