//! IAM users' credentials, as an audit reads them: never a secret, and an access key only by
//! the last four characters of its id.

use serde::{Deserialize, Serialize};

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamUser {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// When it was created, Unix seconds.
    pub created: i64,
}

/// The last use of an access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUse {
    /// When, Unix seconds.
    pub date: i64,
    /// The service, e.g. `s3`.
    pub service: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
}

/// An access key, without its secret and with its id masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// `****` and the id's last four characters.
    pub masked_id: String,
    /// Whether it can be used.
    pub active: bool,
    /// When it was created, Unix seconds.
    pub created: i64,
    /// Its last use, if any.
    pub last_used: Option<KeyUse>,
}

/// An X.509 signing certificate of a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCertificate {
    /// Its id.
    pub id: String,
    /// Whether it can be used.
    pub active: bool,
    /// When it was uploaded, Unix seconds.
    pub uploaded: i64,
    /// The end of its validity, Unix seconds, when its body parses.
    pub not_after: Option<i64>,
    /// Its subject (RFC 4514), empty when its body does not parse.
    pub subject: String,
}

/// What `GetAccountSummary` says of the account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Access keys of the root user.
    pub root_access_keys: u32,
    /// Whether the root user has MFA.
    pub root_mfa: bool,
    /// IAM users.
    pub users: u32,
    /// IAM server certificates stored.
    pub server_certificates: u32,
    /// The server-certificate quota.
    pub server_certificates_quota: u32,
}

/// An access key id as it may be shown: `****` and its last four characters.
pub fn mask_key_id(id: &str) -> String {
    let tail: String = id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("****{tail}")
}

/// The user name in an IAM user's ARN (`arn:aws:iam::123456789012:user/path/alice` → `alice`);
/// none for a role, an assumed role or the root.
pub fn user_name_of(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("user/")?;
    rest.rsplit('/').next().filter(|name| !name.is_empty())
}

/// Whether an ARN is the account's root user (`arn:aws:iam::123456789012:root`).
pub fn is_root(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.splitn(6, ':').nth(5) == Some("root")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_id_shows_only_its_last_four_characters() {
        assert_eq!(mask_key_id("AKIAIOSFODNN7EXAMPLE"), "****MPLE");
        assert_eq!(mask_key_id("AB"), "****AB");
    }

    #[test]
    fn user_names_and_the_root_are_read_from_arns() {
        assert_eq!(user_name_of("arn:aws:iam::123456789012:user/alice"), Some("alice"));
        assert_eq!(
            user_name_of("arn:aws:iam::123456789012:user/ops/deploy/bob"),
            Some("bob")
        );
        assert_eq!(user_name_of("arn:aws:sts::123456789012:assumed-role/r/s"), None);
        assert_eq!(user_name_of("arn:aws:iam::123456789012:root"), None);
        assert!(is_root("arn:aws:iam::123456789012:root"));
        assert!(!is_root("arn:aws:iam::123456789012:user/root"));
    }
}
