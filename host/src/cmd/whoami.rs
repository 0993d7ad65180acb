//! `switchyard whoami`.

use std::process::ExitCode;

use serde::Serialize;
use switchyard::provider::StsRead;
use switchyard::runner::PrepareError;

use super::Global;

/// Show which AWS account and identity the credentials belong to.
#[derive(Debug, clap::Args)]
pub struct Whoami {}

#[derive(Serialize)]
struct Identity {
    account: String,
    arn: String,
    user_id: String,
    region: String,
}

impl Whoami {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let aws = global.aws(None).await?;
        let caller = aws.caller().await.map_err(PrepareError::Identity)?;
        let id = Identity {
            account: caller.account,
            arn: caller.arn,
            user_id: caller.user_id,
            region: aws.region().to_owned(),
        };
        global.print(&id, || {
            format!(
                "account  {}\narn      {}\nuser id  {}\nregion   {}\n",
                id.account, id.arn, id.user_id, id.region
            )
        })?;
        Ok(ExitCode::SUCCESS)
    }
}
