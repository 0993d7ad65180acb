//! Fixtures for the unit tests: what the host would report, as of [`NOW`].

use switchyard_sdk::credentials::{AccessKey, AccountSummary, Caller, CredentialStatus, KeyUse, SigningCertificate};
use switchyard_sdk::date::DAY;

use crate::audit::UserCredentials;
use crate::input::Input;

/// The host's clock in tests: 2025-06-15T15:06:40Z.
pub const NOW: i64 = 1_750_000_000;

/// The input `with` is.
pub fn input(extra: serde_json::Value) -> Input {
    serde_json::from_value(extra).expect("test input")
}

/// The input with every default.
pub fn defaults() -> Input {
    input(serde_json::json!({}))
}

/// The IAM user `name` as the caller.
pub fn user_caller(name: &str) -> Caller {
    Caller {
        account: "123456789012".into(),
        arn: format!("arn:aws:iam::123456789012:user/{name}"),
        user_name: Some(name.into()),
        is_root: false,
        account_alias: Some("example".into()),
    }
}

/// An account summary with nothing to report: no root key, root MFA.
pub fn clean_summary() -> AccountSummary {
    AccountSummary {
        root_access_keys: 0,
        root_mfa: true,
        users: 3,
        server_certificates: 1,
        server_certificates_quota: 20,
    }
}

/// An active key `age` days old, last used `idle` days ago (never when none).
pub fn key(id: &str, age: i64, idle: Option<i64>) -> AccessKey {
    AccessKey {
        masked_id: id.into(),
        status: CredentialStatus::Active,
        created: NOW - age * DAY,
        last_used: idle.map(|d| KeyUse {
            date: NOW - d * DAY,
            service: "s3".into(),
            region: "us-east-1".into(),
        }),
    }
}

/// `k`, deactivated.
pub fn inactive(mut k: AccessKey) -> AccessKey {
    k.status = CredentialStatus::Inactive;
    k
}

/// A signing certificate ending `left` seconds from now (unparsed when none).
pub fn cert(id: &str, status: CredentialStatus, left: Option<i64>) -> SigningCertificate {
    SigningCertificate {
        id: id.into(),
        status,
        uploaded: NOW - 400 * DAY,
        not_after: left.map(|l| NOW + l),
        subject: "CN=deploy".into(),
    }
}

/// A user's credentials, as [`UserCredentials::new`] makes them.
pub fn user(name: &str, keys: Vec<AccessKey>, certs: Vec<SigningCertificate>, mfa: u32) -> UserCredentials {
    UserCredentials::new(name.into(), keys, certs, mfa)
}
