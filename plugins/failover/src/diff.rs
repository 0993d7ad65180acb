//! What must change at a hostname: the existing record sets sorted out, and the change batch.

use switchyard_sdk::StepError;
use switchyard_sdk::dns::{Change, ChangeAction, RecordSet};

use crate::names::{self, RecordKind};
use crate::records;
use crate::validate::{Hostname, invalid};

/// The record sets found at a hostname, sorted out against the desired failover pair.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// The record of the desired type with the PRIMARY set identifier.
    pub primary: Option<RecordSet>,
    /// The record of the desired type with the SECONDARY set identifier.
    pub secondary: Option<RecordSet>,
    /// Records that conflict with the pair and are deleted in the same batch, as read.
    pub remove: Vec<RecordSet>,
    /// The TTL of an existing record of the desired type, kept for the new records.
    pub ttl: Option<u32>,
    /// Things left alone that the user should know about.
    pub warnings: Vec<String>,
}

/// The changes for one hostname.
#[derive(Debug, Clone, Default)]
pub struct HostChanges {
    /// DELETEs of conflicting records, then UPSERTs of the pair; empty when all is in place.
    pub changes: Vec<Change>,
    /// The record sets deleted or overwritten, as they were.
    pub replaced: Vec<RecordSet>,
}

fn conflict(message: String) -> StepError {
    StepError {
        code: "conflict".into(),
        message,
        details: None,
    }
}

/// Sorts out the record sets `found` at `host` for a failover pair of type `kind`. `apex` says
/// whether the hostname is its zone's name (an `SOA` record found there says so too).
///
/// Refuses, before anything is written, what Route 53 would reject or what cannot be undone:
/// a CNAME at the apex or next to other records (RFC 1034 §3.6.2), a name delegated to other
/// name servers, and same-name records of another routing policy (weighted, latency, …), which
/// Route 53 does not let a failover pair share a name and type with and which this step cannot
/// delete exactly (the WIT record set has no weight or region).
pub fn classify(host: &Hostname, kind: RecordKind, apex: bool, found: &[RecordSet]) -> Result<Existing, StepError> {
    let here: Vec<&RecordSet> = found
        .iter()
        .filter(|r| names::normalize(&r.name) == host.name)
        .collect();
    let is = |r: &RecordSet, t: &str| r.type_.eq_ignore_ascii_case(t);
    let apex = apex || here.iter().any(|r| is(r, "SOA"));
    if apex && kind == RecordKind::Cname {
        return Err(invalid(
            "origin",
            format!(
                "`{}` is its zone's apex, and a CNAME cannot be at a zone apex (RFC 1034 §3.6.2; \
                 Route 53 rejects it): give the origin server's IP address as `origin`",
                host.name
            ),
        ));
    }
    if !apex && here.iter().any(|r| is(r, "NS")) {
        return Err(conflict(format!(
            "`{}` is delegated to other name servers (it has NS records in this zone): run the \
             step against the delegated zone (`zone_id`)",
            host.name
        )));
    }
    let (primary_id, secondary_id) = (host.primary_id(), host.secondary_id());
    let ours = |r: &RecordSet| {
        r.set_identifier
            .as_deref()
            .is_some_and(|id| id == primary_id || id == secondary_id)
    };
    let mut out = Existing::default();
    let mut same_type_ttls = Vec::new();
    for r in here {
        let r#type = r.type_.to_ascii_uppercase();
        let same_type = r#type == kind.as_str();
        let address_like = ["A", "AAAA", "CNAME"].contains(&r#type.as_str());
        let crosses = if kind.is_address() {
            r#type == "CNAME"
        } else {
            r#type == "A" || r#type == "AAAA"
        };
        if same_type && r.set_identifier.as_deref() == Some(primary_id.as_str()) {
            out.primary = Some(r.clone());
        } else if same_type && r.set_identifier.as_deref() == Some(secondary_id.as_str()) {
            out.secondary = Some(r.clone());
        } else if same_type || crosses || (address_like && ours(r)) {
            if r.set_identifier.is_some() && r.failover.is_none() {
                return Err(conflict(format!(
                    "`{}` has a {} record with set identifier `{}` that uses another routing \
                     policy (weighted, latency, geolocation or multivalue): Route 53 does not let \
                     it share the name with a failover pair, and this step cannot delete it \
                     exactly. Remove it, then run the step again",
                    host.name,
                    r.type_,
                    r.set_identifier.as_deref().unwrap_or_default()
                )));
            }
            out.remove.push(r.clone());
        } else if kind == RecordKind::Cname {
            return Err(conflict(format!(
                "`{}` has {} records, and a CNAME cannot share its name with any other record \
                 (RFC 1034 §3.6.2; Route 53 rejects it): give the origin server's IP address as \
                 `origin`, or move those records",
                host.name, r.type_
            )));
        } else if address_like && r.failover.is_none() {
            out.warnings.push(format!(
                "`{}` keeps its plain {} record ({}): clients using it reach the origin even \
                 while it is down; add a failover pair for it too, or remove it",
                host.name,
                r.type_,
                r.values.join(", ")
            ));
        }
        if same_type {
            same_type_ttls.push((ours(r), r.ttl));
        }
    }
    // Our own records' TTL first, then that of the record being replaced.
    same_type_ttls.sort_by_key(|(ours, _)| !ours);
    out.ttl = same_type_ttls.into_iter().find_map(|(_, ttl)| ttl);
    Ok(out)
}

/// The changes that make `existing` the `desired` pair: none when the pair is in place and
/// nothing conflicts; otherwise DELETE each conflicting record as read and UPSERT both records.
pub fn changes(existing: &Existing, desired: &[RecordSet; 2]) -> HostChanges {
    let [primary, secondary] = desired;
    let differs = |e: &Option<RecordSet>, d: &RecordSet| e.as_ref().is_none_or(|e| !records::same(e, d));
    let (primary_differs, secondary_differs) = (
        differs(&existing.primary, primary),
        differs(&existing.secondary, secondary),
    );
    if !primary_differs && !secondary_differs && existing.remove.is_empty() {
        return HostChanges::default();
    }
    let mut replaced = existing.remove.clone();
    for (e, differs) in [
        (&existing.primary, primary_differs),
        (&existing.secondary, secondary_differs),
    ] {
        if let (Some(e), true) = (e, differs) {
            replaced.push(e.clone());
        }
    }
    let deletes = existing.remove.iter().map(|r| (ChangeAction::Delete, r));
    let upserts = desired.iter().map(|r| (ChangeAction::Upsert, r));
    let changes = deletes
        .chain(upserts)
        .map(|(action, r)| Change {
            action,
            record_set: r.clone(),
        })
        .collect();
    HostChanges { changes, replaced }
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
