//! `failover`: Route 53 failover of hostnames from an origin server to a maintenance site on
//! CloudFront, driven by an HTTPS health check of the origin.
//!
//! The host does the Route 53 calls (`dns.*`); the decisions are here, in native-tested
//! modules: [`validate`] checks the input, [`health`] builds the health check and its caller
//! reference, [`records`] the desired failover pair, [`diff`] the change batch.

mod diff;
mod health;
mod input;
mod names;
mod records;
mod validate;

use std::collections::BTreeMap;

use serde::Serialize;
use switchyard_sdk::dns::{self, Change, RecordSet};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Error, Step, StepContext, StepError, explain, export_step, json};

use input::Input;
use records::RecordView;
use validate::{Hostname, Settings, invalid};

/// The comment on every change batch.
const COMMENT: &str = "switchyard failover";

/// The step.
struct Failover;

/// The step's output.
#[derive(Serialize)]
struct Output {
    health_check_id: String,
    caller_reference: String,
    changed: bool,
    zones: BTreeMap<String, String>,
    replaced: Vec<RecordView>,
    records: Vec<RecordView>,
}

/// One hostname: its zone and the record sets found there.
struct Found {
    host: Hostname,
    zone_id: String,
    existing: diff::Existing,
}

impl Step for Failover {
    fn describe() -> Description {
        Description {
            name: "failover".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Sets up Route 53 failover for each hostname: an HTTPS health check of \
                the origin server (found again on re-runs by a caller reference derived from its \
                settings) and a PRIMARY/SECONDARY failover record pair, the primary to the origin \
                (A, AAAA or CNAME), the secondary to the maintenance CloudFront distribution, so \
                Route 53 answers with the maintenance site while the origin is unhealthy and with \
                the origin again once it is healthy. Conflicting records of the same name (the \
                site's plain record) are deleted in the same atomic batch and reported in \
                `replaced`; other records are left alone. Changes nothing when all is in place."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["route53:read".into(), "route53:write".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let settings = validate::settings(&input)?;
        // Every read and check first: nothing is written unless all hostnames can be done.
        let mut found = Vec::with_capacity(settings.hostnames.len());
        for (i, host) in settings.hostnames.iter().enumerate() {
            found.push(look_up(&settings, i, host)?);
        }
        let health_check_id = health_check(&settings, &found)?;
        let mut batches: Vec<(String, Vec<Change>)> = Vec::new();
        let mut output = Output {
            health_check_id: health_check_id.clone(),
            caller_reference: settings.caller_reference.clone(),
            changed: false,
            zones: BTreeMap::new(),
            replaced: Vec::new(),
            records: Vec::new(),
        };
        for f in &found {
            let ttl = f.existing.ttl.unwrap_or(settings.ttl);
            let want = records::desired(
                &f.host,
                &settings.origin,
                &settings.maintenance_domain,
                &health_check_id,
                ttl,
            );
            let plan = diff::changes(&f.existing, &want);
            let what = match plan.changes.len() {
                0 => "already in place".to_owned(),
                n => format!("{n} changes, {} record sets replaced", plan.replaced.len()),
            };
            log::write(Level::Info, &format!("{}: {what}", f.host.name));
            if !plan.changes.is_empty() {
                match batches.iter_mut().find(|(z, _)| *z == f.zone_id) {
                    Some((_, changes)) => changes.extend(plan.changes),
                    None => batches.push((f.zone_id.clone(), plan.changes)),
                }
            }
            output.zones.insert(f.host.name.clone(), f.zone_id.clone());
            output.replaced.extend(plan.replaced.iter().map(RecordView::from));
            output.records.extend(want.iter().map(RecordView::from));
        }
        for (zone_id, changes) in &batches {
            let change_id = dns::change_record_sets(zone_id, changes, Some(COMMENT))
                .map_err(|e| context(&format!("changing the records of zone {zone_id}"), e))?;
            switchyard_sdk::log_change(
                &format!("zone {zone_id}: {} changes applied ({change_id})", changes.len()),
                &format!("zone {zone_id}: would apply {} changes", changes.len()),
            );
            output.changed = true;
        }
        json::output(&output)
    }
}

/// Finds the hostname's zone, reads its record sets and sorts them out.
fn look_up(settings: &Settings, index: usize, host: &Hostname) -> Result<Found, StepError> {
    let (zone_id, apex) = match &settings.zone_id {
        Some(id) => (id.clone(), false),
        None => {
            let zone = dns::find_hosted_zone(&host.fqdn)
                .map_err(|e| context(&format!("finding the hosted zone of `{}`", host.name), e))?
                .ok_or_else(|| {
                    invalid(
                        &format!("hostnames[{index}]"),
                        format!(
                            "no public hosted zone holds `{}`: create one in Route 53, or give \
                             `zone_id`",
                            host.name
                        ),
                    )
                })?;
            let apex = names::normalize(&zone.name) == host.name;
            (zone.id, apex)
        }
    };
    let sets: Vec<RecordSet> = dns::list_record_sets(&zone_id, &host.fqdn, None)
        .map_err(|e| context(&format!("reading the records of `{}` in zone {zone_id}", host.name), e))?;
    let existing = diff::classify(host, settings.origin.kind, apex, &sets)?;
    for w in &existing.warnings {
        log::write(Level::Warn, w);
    }
    Ok(Found {
        host: host.clone(),
        zone_id,
        existing,
    })
}

/// The id of the health check: the one the existing primaries use when it has this caller
/// reference (no write at all on a re-run), else the one `ensure-health-check` finds or creates.
fn health_check(settings: &Settings, found: &[Found]) -> Result<String, StepError> {
    let mut candidates: Vec<&str> = found
        .iter()
        .filter_map(|f| f.existing.primary.as_ref()?.health_check_id.as_deref())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    for id in candidates {
        match dns::get_health_check(id) {
            Ok(hc)
                if hc.caller_reference == settings.caller_reference
                    && health::same(&hc.config, &settings.health_check) =>
            {
                log::write(Level::Info, &format!("health check {id} is in place"));
                return Ok(hc.id);
            }
            // Changed outside switchyard: `ensure-health-check` sets it back.
            Ok(hc) if hc.caller_reference == settings.caller_reference => {
                log::write(
                    Level::Warn,
                    &format!("health check {id} was changed outside switchyard"),
                );
                break;
            }
            Ok(_) | Err(Error::NotFound(_)) => {}
            Err(e) => return Err(context(&format!("reading health check {id}"), e)),
        }
    }
    let hc = dns::ensure_health_check(&settings.caller_reference, &settings.health_check)
        .map_err(|e| context("ensuring the health check", e))?;
    switchyard_sdk::log_change(
        &format!("health check {} ({})", hc.id, settings.caller_reference),
        &format!(
            "would create health check {} unless it exists",
            settings.caller_reference
        ),
    );
    Ok(hc.id)
}

/// A host error as a step error, saying what the step was doing.
fn context(doing: &str, e: Error) -> StepError {
    let message = format!("{doing}: {}", explain(&e));
    StepError {
        message,
        ..StepError::from(e)
    }
}

export_step!(Failover);
