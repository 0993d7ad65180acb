//! Which certificates to keep: every one a distribution uses, and the newest `keep` of each
//! name (the in-use ones counting). Pure functions over plain data, tested natively.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;
use switchyard_sdk::certificates::{AcmCertificate, ServerCertificate};
use switchyard_sdk::distributions::{CertificateSource, Distribution};

use crate::naming;

/// IAM server certificate id (`ASCA…`) or ACM certificate ARN → the ids of the distributions
/// whose viewer certificate it is, sorted.
pub type InUse = BTreeMap<String, Vec<String>>;

/// Why a certificate is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A distribution uses it.
    InUse,
    /// It is among the newest of its name.
    Newest,
}

/// A certificate that is kept, and why.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The certificate.
    pub cert: ServerCertificate,
    /// The distributions using it (empty when IAM alone said it is in use).
    pub used_by: Vec<String>,
    /// Why it is kept.
    pub reason: Reason,
}

/// What to do with the certificates considered.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// Kept, by name group (groups in name order), newest first within each.
    pub kept: Vec<Kept>,
    /// To delete, in the same order.
    pub doomed: Vec<ServerCertificate>,
}

/// The certificates the distributions use: an IAM certificate by its id, an ACM one by its
/// ARN (the two never look alike).
pub fn in_use(distributions: &[Distribution]) -> InUse {
    let mut map = InUse::new();
    for d in distributions {
        let v = &d.viewer_certificate;
        if matches!(v.source, CertificateSource::Iam | CertificateSource::Acm)
            && let Some(id) = &v.certificate
        {
            map.entry(id.clone()).or_default().push(d.id.clone());
        }
    }
    for ids in map.values_mut() {
        ids.sort();
        ids.dedup();
    }
    map
}

/// An ACM certificate switchyard imported, as this step weighs certificates: named by its
/// domain name (its group), its ARN as id, its end of validity as expiration. ACM's own
/// `in_use_by` (what uses it, CloudFront or not) is added to `in_use`, by the resource's last
/// segment.
pub fn from_acm(c: AcmCertificate, in_use: &mut InUse) -> ServerCertificate {
    for user in &c.in_use_by {
        let id = user.rsplit('/').next().unwrap_or(user).to_owned();
        let users = in_use.entry(c.arn.clone()).or_default();
        if !users.contains(&id) {
            users.push(id);
            users.sort();
        }
    }
    ServerCertificate {
        name: c.domain_name.to_ascii_lowercase(),
        id: c.arn.clone(),
        arn: c.arn,
        path: String::new(),
        expiration: c.not_after,
    }
}

/// Where a certificate weighed here is: `acm` for one made by [`from_acm`], else `iam`.
pub fn store(c: &ServerCertificate) -> &'static str {
    if c.id.starts_with("arn:") { "acm" } else { "iam" }
}

/// Newest first: the latest expiration (an unknown one is the oldest), then the name descending.
pub fn newest_first(a: &ServerCertificate, b: &ServerCertificate) -> Ordering {
    (b.expiration, &b.name).cmp(&(a.expiration, &a.name))
}

/// Decides, for the certificates listed, which to keep and which to delete. Only those of base
/// name `only` (case-insensitive) are considered when it is given; the others are left out of
/// both lists. In each group of one base name, every certificate in use is kept and counts
/// toward `keep`; the remaining places go to the newest of the others; the rest are deleted.
pub fn decide(certs: Vec<ServerCertificate>, in_use: &InUse, keep: u32, only: Option<&str>) -> Decision {
    let only = only.map(str::to_ascii_lowercase);
    let mut groups: BTreeMap<String, Vec<ServerCertificate>> = BTreeMap::new();
    for c in certs {
        let key = naming::group_key(&c.name);
        if only.as_ref().is_none_or(|n| *n == key) {
            groups.entry(key).or_default().push(c);
        }
    }
    let mut decision = Decision::default();
    for mut group in groups.into_values() {
        group.sort_by(newest_first);
        let used = group.iter().filter(|c| in_use.contains_key(&c.id)).count();
        let mut places = usize::try_from(keep).unwrap_or(usize::MAX).saturating_sub(used);
        for cert in group {
            if let Some(by) = in_use.get(&cert.id) {
                decision.kept.push(Kept {
                    cert,
                    used_by: by.clone(),
                    reason: Reason::InUse,
                });
            } else if places > 0 {
                places -= 1;
                decision.kept.push(Kept {
                    cert,
                    used_by: Vec::new(),
                    reason: Reason::Newest,
                });
            } else {
                decision.doomed.push(cert);
            }
        }
    }
    decision
}

#[cfg(test)]
mod tests;
