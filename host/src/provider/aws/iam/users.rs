//! IAM users' credentials, read for an audit. A whole access key id never leaves this module:
//! it is used to ask for the key's last use, then masked.

use async_trait::async_trait;
use aws_sdk_iam::types::{StatusType, SummaryKeyType};

use super::super::Aws;
use crate::error::HostError;
use crate::model::credentials::mask_key_id;
use crate::model::{AccessKey, AccountSummary, IamUser, KeyUse, SigningCertificate};
use crate::provider::{CredentialsRead, Result};

#[async_trait]
impl CredentialsRead for Aws {
    async fn account_alias(&self) -> Result<Option<String>> {
        let out = self
            .read("iam", "ListAccountAliases", || self.iam.list_account_aliases().send())
            .await?;
        Ok(out.account_aliases.into_iter().next())
    }

    async fn list_users(&self) -> Result<Vec<IamUser>> {
        let mut all = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("iam", "ListUsers", || {
                    self.iam.list_users().set_marker(marker.clone()).send()
                })
                .await?;
            all.extend(out.users.into_iter().map(|u| IamUser {
                name: u.user_name,
                arn: u.arn,
                created: u.create_date.secs(),
            }));
            match out.marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    async fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKey>> {
        let mut keys = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("iam", "ListAccessKeys", || {
                    self.iam
                        .list_access_keys()
                        .user_name(user)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            keys.extend(out.access_key_metadata);
            match out.marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        let mut all = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(id) = key.access_key_id else { continue };
            let used = match self
                .read("iam", "GetAccessKeyLastUsed", || {
                    self.iam.get_access_key_last_used().access_key_id(&id).send()
                })
                .await
            {
                Ok(used) => used,
                // Deleted since it was listed (a rotation in progress): it is not there to audit.
                Err(HostError::NotFound(_)) => continue,
                // IAM's message may quote the whole id: only its last four characters leave.
                Err(e) => return Err(e.redacted_with(|text| text.replace(&id, &mask_key_id(&id)))),
            };
            // A key never used has a last use without a date (service and region `N/A`).
            let last_used = used.access_key_last_used.and_then(|u| {
                u.last_used_date.map(|date| KeyUse {
                    date: date.secs(),
                    service: u.service_name,
                    region: u.region,
                })
            });
            all.push(AccessKey {
                masked_id: mask_key_id(&id),
                active: key.status == Some(StatusType::Active),
                created: key.create_date.map_or(0, |d| d.secs()),
                last_used,
            });
        }
        Ok(all)
    }

    async fn list_signing_certificates(&self, user: &str) -> Result<Vec<SigningCertificate>> {
        let mut all = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("iam", "ListSigningCertificates", || {
                    self.iam
                        .list_signing_certificates()
                        .user_name(user)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            all.extend(out.certificates.into_iter().map(|c| {
                let (not_after, subject) = body_facts(&c.certificate_body).unwrap_or_default();
                SigningCertificate {
                    id: c.certificate_id,
                    active: c.status == StatusType::Active,
                    uploaded: c.upload_date.map_or(0, |d| d.secs()),
                    not_after,
                    subject,
                }
            }));
            match out.marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(all),
            }
        }
    }

    async fn mfa_devices(&self, user: &str) -> Result<u32> {
        let mut count = 0_usize;
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("iam", "ListMFADevices", || {
                    self.iam
                        .list_mfa_devices()
                        .user_name(user)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            count += out.mfa_devices.len();
            match out.marker.filter(|_| out.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(u32::try_from(count).unwrap_or(u32::MAX)),
            }
        }
    }

    async fn account_summary(&self) -> Result<AccountSummary> {
        let out = self
            .read("iam", "GetAccountSummary", || self.iam.get_account_summary().send())
            .await?;
        let summary = out.summary_map.unwrap_or_default();
        let count = |key: SummaryKeyType| {
            summary
                .get(&key)
                .and_then(|n| u32::try_from(*n).ok())
                .unwrap_or_default()
        };
        Ok(AccountSummary {
            root_access_keys: count(SummaryKeyType::AccountAccessKeysPresent),
            root_mfa: count(SummaryKeyType::AccountMfaEnabled) > 0,
            users: count(SummaryKeyType::Users),
            server_certificates: count(SummaryKeyType::ServerCertificates),
            server_certificates_quota: count(SummaryKeyType::ServerCertificatesQuota),
        })
    }
}

/// A signing certificate's end of validity and subject, when its body parses.
fn body_facts(body: &str) -> Option<(Option<i64>, String)> {
    let pem = pem::parse(body).ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(pem.contents()).ok()?;
    Some((Some(cert.validity().not_after.timestamp()), cert.subject().to_string()))
}
