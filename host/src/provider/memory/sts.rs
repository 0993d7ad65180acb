//! STS in memory.

use async_trait::async_trait;

use super::Memory;
use crate::error::HostError;
use crate::model::CallerIdentity;
use crate::provider::{Result, StsRead};

#[async_trait]
impl StsRead for Memory {
    fn region(&self) -> &str {
        &self.region
    }

    async fn caller(&self) -> Result<CallerIdentity> {
        if let Some(identity) = self.lock().identity.clone() {
            return Ok(identity);
        }
        match &self.parent {
            Some(parent) => parent.caller().await,
            None => Err(HostError::Internal("no identity".into())),
        }
    }
}
