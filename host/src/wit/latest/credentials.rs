//! `switchyard:step/credentials`: IAM users' credentials, read for an audit. The provider
//! masks access key ids and never reads a secret, so nothing here can hand one to a plugin.

use super::wit::credentials::{
    AccessKey, AccountSummary, Caller, CredentialStatus, Host, KeyUse, SigningCertificate, User,
};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::model::{self, credentials};
use crate::state::StepState;
use crate::wit::cast::{Cast, record};

const CAPABILITY: Capability = Capability::CredentialsRead;

impl Host for StepState {
    async fn get_caller(&mut self) -> Result<Caller, HostError> {
        // Who calls is not another user's credential: any grant of the capability reads it.
        let (identity, alias) = self
            .gate
            .resolve(CAPABILITY, async |aws| {
                // The alias is a nicety: credentials allowed everything else but
                // `iam:ListAccountAliases` still audit.
                let alias = match aws.account_alias().await {
                    Err(HostError::Aws { code, .. }) if code == "AccessDenied" => None,
                    other => other?,
                };
                Ok((aws.caller().await?, alias))
            })
            .await?;
        Ok(Caller {
            user_name: credentials::user_name_of(&identity.arn).map(str::to_owned),
            is_root: credentials::is_root(&identity.arn),
            account: identity.account,
            arn: identity.arn,
            account_alias: alias,
        })
    }

    async fn list_users(&mut self) -> Result<Vec<User>, HostError> {
        let users = self
            .gate
            .resolve(CAPABILITY, async |aws| aws.list_users().await)
            .await?;
        Ok(users
            .into_iter()
            .filter(|u| self.gate.allows(Call::new(CAPABILITY, "list users").on(&u.name)))
            .map(Cast::cast)
            .collect())
    }

    async fn list_access_keys(&mut self, user: String) -> Result<Vec<AccessKey>, HostError> {
        let call = Call::new(CAPABILITY, "list the access keys of").on(&user);
        let keys = self
            .gate
            .call(call, async |aws| aws.list_access_keys(&user).await)
            .await?;
        Ok(keys.cast())
    }

    async fn list_signing_certificates(&mut self, user: String) -> Result<Vec<SigningCertificate>, HostError> {
        let call = Call::new(CAPABILITY, "list the signing certificates of").on(&user);
        let certs = self
            .gate
            .call(call, async |aws| aws.list_signing_certificates(&user).await)
            .await?;
        Ok(certs.cast())
    }

    async fn mfa_devices(&mut self, user: String) -> Result<u32, HostError> {
        let call = Call::new(CAPABILITY, "list the MFA devices of").on(&user);
        self.gate.call(call, async |aws| aws.mfa_devices(&user).await).await
    }

    async fn get_account_summary(&mut self) -> Result<AccountSummary, HostError> {
        let call = Call::new(CAPABILITY, "read the account summary");
        let summary = self.gate.call(call, async |aws| aws.account_summary().await).await?;
        Ok(summary.cast())
    }
}

impl Cast<CredentialStatus> for bool {
    fn cast(self) -> CredentialStatus {
        if self {
            CredentialStatus::Active
        } else {
            CredentialStatus::Inactive
        }
    }
}

impl Cast<AccessKey> for model::AccessKey {
    fn cast(self) -> AccessKey {
        AccessKey {
            masked_id: self.masked_id,
            status: self.active.cast(),
            created: self.created,
            last_used: self.last_used.cast(),
        }
    }
}

impl Cast<SigningCertificate> for model::SigningCertificate {
    fn cast(self) -> SigningCertificate {
        SigningCertificate {
            id: self.id,
            status: self.active.cast(),
            uploaded: self.uploaded,
            not_after: self.not_after,
            subject: self.subject,
        }
    }
}

record! {
    User = model::IamUser { name, arn, created }
    KeyUse = model::KeyUse { date, service, region }
    AccountSummary = model::AccountSummary {
        root_access_keys, root_mfa, users, server_certificates, server_certificates_quota,
    }
}
