//! `switchyard:step/identity`: who the credentials belong to.

use crate::bindings::identity::{CallerIdentity, Host};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::state::StepState;

impl Host for StepState {
    async fn caller(&mut self) -> Result<CallerIdentity, HostError> {
        self.gate
            .call(
                Call::new(Capability::IdentityRead, "get caller identity"),
                async |aws| aws.caller().await,
            )
            .await
    }

    async fn region(&mut self) -> wasmtime::Result<String> {
        Ok(self.gate.region().to_owned())
    }
}
