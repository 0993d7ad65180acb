//! STS: who the credentials belong to.

use async_trait::async_trait;

use super::{Aws, missing};
use crate::model::CallerIdentity;
use crate::provider::{Result, StsRead};

#[async_trait]
impl StsRead for Aws {
    fn region(&self) -> &str {
        &self.region
    }

    async fn caller(&self) -> Result<CallerIdentity> {
        let out = self
            .read("sts", "GetCallerIdentity", || self.sts.get_caller_identity().send())
            .await?;
        match (out.account, out.arn, out.user_id) {
            (Some(account), Some(arn), Some(user_id)) => Ok(CallerIdentity { account, arn, user_id }),
            _ => Err(missing("the account, ARN or user id of the caller")),
        }
    }
}
