//! Which certificates to keep: every one a distribution uses, and the newest `keep` of each
//! name (the in-use ones counting). Pure functions over plain data, tested natively.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;
use switchyard_sdk::certificates::ServerCertificate;
use switchyard_sdk::distributions::{CertificateSource, Distribution};

use crate::naming;

/// IAM server certificate id (`ASCA…`) → the ids of the distributions whose viewer certificate
/// it is, sorted.
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

/// The IAM server certificates the distributions use: those whose viewer certificate's source
/// is IAM, by the certificate's id.
pub fn in_use(distributions: &[Distribution]) -> InUse {
    let mut map = InUse::new();
    for d in distributions {
        let v = &d.viewer_certificate;
        if v.source == CertificateSource::Iam
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
