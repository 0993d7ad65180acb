//! The step's output, and the IAM quota before and after pruning.

use serde::Serialize;
use switchyard_sdk::certificates::{AccountQuota, ServerCertificate};
use switchyard_sdk::date;

use crate::policy::{self, Kept, Reason};
use crate::prune::Outcome;

/// A certificate kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptJson {
    /// `iam` or `acm`.
    pub store: &'static str,
    /// Its name (an ACM certificate's: its domain name).
    pub name: String,
    /// Its id (`ASCA…`; an ACM certificate's ARN).
    pub id: String,
    /// When it expires, RFC 3339 UTC; none when IAM did not say.
    pub expiration: Option<String>,
    /// The ids of the distributions using it.
    pub used_by: Vec<String>,
    /// `in-use` or `newest`.
    pub reason: Reason,
}

/// A certificate deleted (in a dry run: that would be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletedJson {
    /// `iam` or `acm`.
    pub store: &'static str,
    /// Its name (an ACM certificate's: its domain name).
    pub name: String,
    /// Its id (`ASCA…`; an ACM certificate's ARN).
    pub id: String,
    /// When it expires, RFC 3339 UTC; none when IAM did not say.
    pub expiration: Option<String>,
}

/// The account's IAM server certificates, before and after pruning, and its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// Stored before the step.
    pub used_before: u32,
    /// Stored after it (in a dry run: would be).
    pub used_after: u32,
    /// The account's quota.
    pub limit: u32,
}

/// The share of the quota, in percent, from which `quota_warning` is given.
pub const WARN_PERCENT: u64 = 80;

impl Quota {
    /// The quota once `deleted` certificates are gone.
    pub fn after(q: &AccountQuota, deleted: usize) -> Self {
        let deleted = u32::try_from(deleted).unwrap_or(u32::MAX);
        Self {
            used_before: q.used,
            used_after: q.used.saturating_sub(deleted),
            limit: q.limit,
        }
    }

    /// `N of LIMIT IAM server certificates used (M after pruning)`, for the log.
    pub fn line(&self) -> String {
        format!(
            "{} of {} IAM server certificates used ({} after pruning)",
            self.used_before, self.limit, self.used_after
        )
    }

    /// A warning when [`WARN_PERCENT`] or more of the quota is still used after pruning.
    pub fn warning(&self) -> Option<String> {
        let used = u64::from(self.used_after) * 100;
        (used >= u64::from(self.limit) * WARN_PERCENT).then(|| {
            format!(
                "{} of {} IAM server certificates are still used after pruning ({WARN_PERCENT}% or more of \
                 the quota): uploads fail with `quota` once all are used; lower `keep`, delete unused \
                 certificates under other paths, or ask AWS for a higher quota (Service Quotas, IAM, \
                 \"Server certificates per account\")",
                self.used_after, self.limit
            )
        })
    }
}

/// The outputs of `prune-certs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The path prefix considered.
    pub path_prefix: String,
    /// How many of each name were kept at least.
    pub keep: u32,
    /// The certificates kept.
    pub kept: Vec<KeptJson>,
    /// The certificates deleted (in a dry run: that would be).
    pub deleted: Vec<DeletedJson>,
    /// The quota before and after.
    pub quota: Quota,
    /// Set when the quota is still nearly used up after pruning.
    pub quota_warning: Option<String>,
}

fn expiration(c: &ServerCertificate) -> Option<String> {
    c.expiration.map(date::rfc3339)
}

impl Output {
    /// The output for what [`crate::prune::prune`] did.
    pub fn new(path_prefix: &str, keep: u32, outcome: &Outcome, quota: Quota) -> Self {
        let kept = outcome.kept.iter().map(|Kept { cert, used_by, reason }| KeptJson {
            store: policy::store(cert),
            name: cert.name.clone(),
            id: cert.id.clone(),
            expiration: expiration(cert),
            used_by: used_by.clone(),
            reason: *reason,
        });
        let deleted = outcome.deleted.iter().map(|c| DeletedJson {
            store: policy::store(c),
            name: c.name.clone(),
            id: c.id.clone(),
            expiration: expiration(c),
        });
        Self {
            path_prefix: path_prefix.to_owned(),
            keep,
            kept: kept.collect(),
            deleted: deleted.collect(),
            quota,
            quota_warning: quota.warning(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::cert;
    use serde_json::json;

    fn quota(used: u32, limit: u32, deleted: usize) -> Quota {
        Quota::after(&AccountQuota { used, limit }, deleted)
    }

    #[test]
    fn quota_arithmetic() {
        let q = quota(18, 20, 5);
        assert_eq!((q.used_before, q.used_after, q.limit), (18, 13, 20));
        assert_eq!(q.line(), "18 of 20 IAM server certificates used (13 after pruning)");
        assert_eq!(quota(2, 20, 5).used_after, 0, "never below zero");
        assert_eq!(quota(7, 20, 0).used_after, 7);
    }

    #[test]
    fn the_warning_starts_at_80_percent() {
        assert_eq!(quota(20, 20, 5).warning(), None);
        assert_eq!(quota(15, 20, 0).warning(), None);
        let w = quota(16, 20, 0).warning().expect("80%");
        assert!(w.starts_with("16 of 20 IAM server certificates are still used"), "{w}");
        assert!(quota(20, 20, 0).warning().is_some());
        assert!(quota(21, 20, 0).warning().is_some());
        assert_eq!(quota(79, 100, 0).warning(), None);
        assert!(quota(80, 100, 0).warning().is_some());
        assert!(quota(u32::MAX, u32::MAX, 0).warning().is_some());
    }

    #[test]
    fn shape_matches_the_output_schema() {
        let outcome = Outcome {
            kept: vec![Kept {
                cert: cert("site-20260501-c3", Some(1_777_636_800)),
                used_by: vec!["E1".into()],
                reason: Reason::InUse,
            }],
            deleted: vec![cert("legacy", None)],
        };
        let out = Output::new("/cloudfront/", 2, &outcome, quota(17, 20, 1));
        let v = serde_json::to_value(&out).expect("serialises");
        assert_eq!(
            v,
            json!({
                "path_prefix": "/cloudfront/",
                "keep": 2,
                "kept": [{
                    "store": "iam", "name": "site-20260501-c3", "id": "ASCASITE-20260501-C3",
                    "expiration": "2026-05-01T12:00:00Z", "used_by": ["E1"], "reason": "in-use"
                }],
                "deleted": [{ "store": "iam", "name": "legacy", "id": "ASCALEGACY", "expiration": null }],
                "quota": { "used_before": 17, "used_after": 16, "limit": 20 },
                "quota_warning": out.quota_warning.clone()
            })
        );
        assert!(out.quota_warning.is_some());
        let schema: serde_json::Value = serde_json::from_str(crate::input::OUTPUT_SCHEMA).expect("JSON");
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
            k.sort();
            k
        };
        let p = &schema["properties"];
        assert_eq!(keys(&v), keys(p));
        assert_eq!(keys(&v["kept"][0]), keys(&p["kept"]["items"]["properties"]));
        assert_eq!(keys(&v["deleted"][0]), keys(&p["deleted"]["items"]["properties"]));
        assert_eq!(keys(&v["quota"]), keys(&p["quota"]["properties"]));
        assert_eq!(json!(Reason::Newest), "newest");
    }
}
