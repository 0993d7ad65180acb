//! Undoing a run, and reconciling a crashed run with AWS. Both read the journal and act through
//! the host's own AWS clients: no plugin is involved, so every plugin gets them for free.
//!
//! Every undo is idempotent: it reads what is there first, so rolling back twice, or rolling
//! back a change whose outcome was never written, is safe.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::aws::Aws;
use crate::bindings::dns::{Change as DnsChange, ChangeAction, RecordSet};
use crate::error::HostError;
use crate::interfaces::certificates::{describe_certificate, get_server_certificate, list_acm_arns};
use crate::interfaces::distributions::{self, headers, spec};
use crate::interfaces::dns;
use crate::interfaces::storage;
use crate::journal::{Change, ChangeRecord, Event, Journal, JournalError, Outcome, Run, Undo, record_key};
use crate::report::Reporter;

/// How long rollback waits for a disabled distribution to deploy before deleting it.
const DEPLOY_BUDGET: Duration = Duration::from_secs(40 * 60);

/// What rollback did (or, as a plan, would do) with one change.
#[derive(Clone, Debug, Serialize)]
pub struct UndoItem {
    /// The change's number.
    pub seq: u32,
    /// The step that made it.
    pub step: String,
    /// The resource.
    pub resource: String,
    /// What undoing it does.
    pub undo: String,
    /// How it went: `undone`, `would-undo`, `already-undone`, `never-applied`, `irreversible`,
    /// `failed`.
    pub result: String,
    /// Why, for `irreversible` and `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a rollback did.
#[derive(Clone, Debug, Serialize)]
pub struct RollbackReport {
    /// The run.
    pub run: String,
    /// Whether this was only a plan.
    pub plan: bool,
    /// Whether every change is undone (or never took effect).
    pub complete: bool,
    /// Each change, newest first.
    pub items: Vec<UndoItem>,
}

/// Why a change could not be undone.
enum NotUndone {
    /// It never can be.
    Irreversible(String),
    /// Not now; a later rollback tries again.
    Failed(HostError),
}

impl From<HostError> for NotUndone {
    fn from(e: HostError) -> Self {
        Self::Failed(e)
    }
}

/// Undoes `run`'s changes in reverse order, journaling each result in `journal`; with no
/// journal, only says what it would do.
pub async fn rollback(
    aws: &Aws,
    run: &Run,
    journal: Option<&Journal>,
    reporter: &Reporter,
) -> Result<RollbackReport, JournalError> {
    let mut items = Vec::new();
    let mut complete = true;
    for record in run.changes.iter().rev() {
        let mut item = UndoItem {
            seq: record.seq,
            step: record.step.clone(),
            resource: record.change.resource(),
            undo: describe(&record.change),
            result: String::new(),
            reason: None,
        };
        match (&record.undo, &record.outcome) {
            (Undo::Undone, _) => item.result = "already-undone".into(),
            (_, Outcome::NotApplied(_)) => item.result = "never-applied".into(),
            (Undo::Irreversible(reason), _) => {
                complete = false;
                item.result = "irreversible".into();
                item.reason = Some(reason.clone());
            }
            _ if journal.is_none() => item.result = "would-undo".into(),
            _ => {
                let event = match undo(aws, record, reporter).await {
                    Ok(()) => {
                        item.result = "undone".into();
                        Event::Undone { seq: record.seq }
                    }
                    Err(NotUndone::Irreversible(reason)) => {
                        complete = false;
                        item.result = "irreversible".into();
                        item.reason = Some(reason.clone());
                        Event::Irreversible {
                            seq: record.seq,
                            reason,
                        }
                    }
                    Err(NotUndone::Failed(error)) => {
                        complete = false;
                        item.result = "failed".into();
                        item.reason = Some(error.to_string());
                        Event::UndoFailed {
                            seq: record.seq,
                            error: error.to_string(),
                        }
                    }
                };
                if let Some(journal) = journal {
                    journal.append(event)?;
                }
            }
        }
        items.push(item);
    }
    if let Some(journal) = journal {
        journal.append(Event::RolledBack { complete })?;
    }
    Ok(RollbackReport {
        run: run.id.clone(),
        plan: journal.is_none(),
        complete,
        items,
    })
}

/// After a crash: for each change whose outcome was never written, asks AWS whether it took
/// effect, and journals the answer. Creations are found by the name or caller reference they
/// were made with, so that a rollback deletes them and a re-run reuses them.
pub async fn reconcile(aws: &Aws, run: &Run, journal: &Journal) -> Result<(), JournalError> {
    for record in run.changes.iter().filter(|c| c.outcome == Outcome::InDoubt) {
        let found = match find_created(aws, &record.change, None).await {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("cannot reconcile change {} with AWS: {e}", record.seq);
                continue;
            }
        };
        // A bucket is created and then closed to the public in two calls: finish the second.
        if let (Change::CreateBucket { name }, Some(_)) = (&record.change, &found)
            && let Err(e) = storage::block_public_access(aws, name).await
        {
            tracing::warn!("cannot block public access to bucket {name}: {e}");
        }
        journal.append(Event::Reconciled {
            seq: record.seq,
            applied: Some(found.is_some()),
            created: found,
        })?;
    }
    Ok(())
}

/// For a change that creates something: whether it exists, and its id. `Ok(None)` for other
/// changes (AWS cannot tell whether an update took effect; rollback restores either way).
async fn find_created(aws: &Aws, change: &Change, known: Option<&str>) -> Result<Option<Option<String>>, HostError> {
    let found = match change {
        Change::UploadServerCertificate { name, .. } => match get_server_certificate(aws, name).await {
            Ok(c) => Some(c.meta.id),
            Err(HostError::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        Change::ImportCertificate { serial, replaces: None } => match known {
            Some(arn) => match describe_certificate(aws, arn).await {
                Ok(_) => Some(arn.to_owned()),
                Err(HostError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => find_acm_by_serial(aws, serial).await?,
        },
        Change::CreateHealthCheck { caller_reference, .. } => {
            dns::find_health_check(aws, caller_reference).await?.map(|h| h.id)
        }
        Change::CreateBucket { name } => match aws.s3.head_bucket().bucket(name).send().await {
            Ok(_) => Some(name.clone()),
            Err(e) => match HostError::from_sdk("s3", e) {
                HostError::NotFound(_) => None,
                other => return Err(other),
            },
        },
        Change::CreateDistribution { caller_reference, .. } => find_distribution(aws, caller_reference).await?,
        Change::CreateOriginAccessControl { name } => distributions::find_origin_access_control(aws, name).await?,
        Change::CreateResponseHeadersPolicy { name, .. } => headers::find(aws, name).await?.map(|f| f.id),
        _ => return Ok(None),
    };
    Ok(Some(found))
}

async fn find_acm_by_serial(aws: &Aws, serial: &str) -> Result<Option<String>, HostError> {
    for arn in list_acm_arns(aws).await? {
        if describe_certificate(aws, &arn).await?.serial.as_deref() == Some(serial) {
            return Ok(Some(arn));
        }
    }
    Ok(None)
}

async fn find_distribution(aws: &Aws, caller_reference: &str) -> Result<Option<String>, HostError> {
    for d in distributions::list(aws).await? {
        let out = aws
            .cloudfront
            .get_distribution_config()
            .id(&d.id)
            .send()
            .await
            .map_err(|e| HostError::from_sdk("cloudfront", e))?;
        if out
            .distribution_config
            .is_some_and(|c| c.caller_reference == caller_reference)
        {
            return Ok(Some(d.id));
        }
    }
    Ok(None)
}

/// What undoing `change` does, for people.
fn describe(change: &Change) -> String {
    match change {
        Change::UploadServerCertificate { .. } => "delete it once no distribution uses it".into(),
        Change::ImportCertificate { replaces: None, .. } => "delete it once nothing uses it".into(),
        Change::CreateHealthCheck { .. }
        | Change::CreateBucket { .. }
        | Change::CreateOriginAccessControl { .. }
        | Change::CreateResponseHeadersPolicy { .. } => "delete it".into(),
        Change::CreateDistribution { .. } => "disable it, wait until deployed, delete it".into(),
        Change::ChangeRecordSets { before, .. } => {
            format!(
                "restore the {} record set(s) it replaced, delete the rest",
                before.len()
            )
        }
        Change::PutObject { replaces: None, .. } => "delete the object".into(),
        Change::PutBucketPolicy { before: None, .. } => "delete the bucket policy".into(),
        Change::PutBucketPolicy { .. } => "restore the previous bucket policy".into(),
        Change::SetViewerCertificate { before, .. } => format!(
            "restore the viewer certificate {}",
            before.certificate.as_deref().unwrap_or("(CloudFront default)")
        ),
        Change::UpdateDistribution { .. } => "restore the previous configuration".into(),
        Change::UpdateResponseHeadersPolicy { .. } => "restore the previous headers".into(),
        Change::ImportCertificate { replaces: Some(_), .. }
        | Change::PutObject { replaces: Some(_), .. }
        | Change::DeleteServerCertificate { .. }
        | Change::DeleteAcmCertificate { .. }
        | Change::DeleteHealthCheck { .. }
        | Change::DeleteObject { .. }
        | Change::DeleteBucket { .. } => "none: it cannot be undone".into(),
    }
}

/// Undoes one change.
async fn undo(aws: &Aws, record: &ChangeRecord, reporter: &Reporter) -> Result<(), NotUndone> {
    let irreversible = |why: &str| Err(NotUndone::Irreversible(why.to_owned()));
    let created = match find_created(aws, &record.change, record.created.as_deref()).await? {
        Some(None) => return Ok(()), // It was created and is gone already (or never was).
        Some(Some(id)) => Some(id),
        None => None,
    };
    match &record.change {
        Change::UploadServerCertificate { name, .. } => {
            let id = created.unwrap_or_default();
            let users: Vec<String> = distributions::list(aws)
                .await?
                .into_iter()
                .filter(|d| d.viewer_certificate.certificate.as_deref() == Some(id.as_str()))
                .map(|d| d.id)
                .collect();
            if !users.is_empty() {
                return Err(NotUndone::Failed(HostError::Conflict(format!(
                    "IAM server certificate {name} is still used by distribution(s) {}",
                    users.join(", ")
                ))));
            }
            aws.iam
                .delete_server_certificate()
                .server_certificate_name(name)
                .send()
                .await
                .map_err(|e| HostError::from_sdk("iam", e))?;
        }
        Change::ImportCertificate { replaces: None, .. } => {
            let arn = created.unwrap_or_default();
            let current = describe_certificate(aws, &arn).await?;
            if !current.in_use_by.is_empty() {
                return Err(NotUndone::Failed(HostError::Conflict(format!(
                    "{arn} is still used by {}",
                    current.in_use_by.join(", ")
                ))));
            }
            aws.acm
                .delete_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .map_err(|e| HostError::from_sdk("acm", e))?;
        }
        Change::CreateHealthCheck { .. } => {
            aws.route53
                .delete_health_check()
                .health_check_id(created.unwrap_or_default())
                .send()
                .await
                .map_err(|e| HostError::from_sdk("route53", e))?;
        }
        Change::ChangeRecordSets { zone_id, before, after } => restore_records(aws, zone_id, before, after).await?,
        Change::CreateBucket { name } => {
            aws.s3
                .delete_bucket()
                .bucket(name)
                .send()
                .await
                .map_err(|e| HostError::from_sdk("s3", e))?;
        }
        Change::PutObject {
            bucket,
            key,
            replaces: None,
            ..
        } => {
            if storage::head(aws, bucket, key).await.is_ok_and(|o| o.is_some()) {
                aws.s3
                    .delete_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("s3", e))?;
            }
        }
        Change::PutBucketPolicy { bucket, before, .. } => {
            match storage::put_bucket_policy(aws, bucket, before.as_deref()).await {
                Err(HostError::NotFound(_)) => {} // The bucket is gone, and its policy with it.
                other => other?,
            }
        }
        Change::SetViewerCertificate { id, before, .. } => {
            let Some((mut config, etag)) = config_of(aws, id).await? else {
                return Ok(());
            };
            if distributions::from_aws(config.viewer_certificate.as_ref()) != *before {
                config.viewer_certificate = Some(distributions::to_aws(before)?);
                distributions::update(aws, id, &etag, config).await?;
            }
        }
        Change::UpdateDistribution { id, before, .. } => {
            let Some((config, etag)) = config_of(aws, id).await? else {
                return Ok(());
            };
            let mut config = spec::apply(config, before)?;
            if before.response_headers.is_empty() {
                if let Some(behavior) = config.default_cache_behavior.as_mut() {
                    behavior.response_headers_policy_id = None;
                }
            } else {
                headers::restore(
                    aws,
                    &headers::policy_name(&before.caller_reference),
                    &before.response_headers,
                )
                .await?;
            }
            distributions::update(aws, id, &etag, config).await?;
        }
        Change::CreateDistribution { .. } => delete_distribution(aws, &created.unwrap_or_default(), reporter).await?,
        Change::CreateOriginAccessControl { .. } => {
            let id = created.unwrap_or_default();
            let current = aws
                .cloudfront
                .get_origin_access_control()
                .id(&id)
                .send()
                .await
                .map_err(|e| HostError::from_sdk("cloudfront", e))?;
            aws.cloudfront
                .delete_origin_access_control()
                .id(&id)
                .set_if_match(current.e_tag)
                .send()
                .await
                .map_err(|e| HostError::from_sdk("cloudfront", e))?;
        }
        Change::CreateResponseHeadersPolicy { name, .. } => headers::delete(aws, name).await?,
        Change::UpdateResponseHeadersPolicy { name, before, .. } => headers::restore(aws, name, before).await?,
        Change::ImportCertificate { replaces: Some(_), .. } => {
            return irreversible("a re-import replaces an ACM certificate in place; ACM keeps no earlier version");
        }
        Change::PutObject { replaces: Some(_), .. } => {
            return irreversible("the object's previous content is not kept");
        }
        Change::DeleteServerCertificate { .. } | Change::DeleteAcmCertificate { .. } => {
            return irreversible("a deleted certificate's private key is not kept, so it cannot be restored");
        }
        Change::DeleteHealthCheck { .. } => {
            return irreversible("a deleted health check cannot be re-created with its id");
        }
        Change::DeleteObject { .. } | Change::DeleteBucket { .. } => {
            return irreversible("deleted S3 data is not kept");
        }
    }
    Ok(())
}

/// The config of distribution `id` and its ETag; none if it is gone.
async fn config_of(
    aws: &Aws,
    id: &str,
) -> Result<Option<(aws_sdk_cloudfront::types::DistributionConfig, String)>, HostError> {
    match aws.cloudfront.get_distribution_config().id(id).send().await {
        Ok(out) => Ok(out.distribution_config.map(|c| (c, out.e_tag.unwrap_or_default()))),
        Err(e) => match HostError::from_sdk("cloudfront", e) {
            HostError::NotFound(_) => Ok(None),
            other => Err(other),
        },
    }
}

/// Puts the record sets a batch touched back as they were: deletes those that were not there,
/// and restores those that were, in one atomic batch.
async fn restore_records(aws: &Aws, zone_id: &str, before: &[RecordSet], after: &[RecordSet]) -> Result<(), HostError> {
    let zone_name = dns::zone_name(aws, zone_id).await?;
    let mut keys: Vec<RecordSet> = Vec::new();
    for r in before.iter().chain(after) {
        if !keys.iter().any(|k| record_key(k) == record_key(r)) {
            keys.push(r.clone());
        }
    }
    let (mut deletes, mut upserts) = (Vec::new(), Vec::new());
    for key in &keys {
        let current = dns::list_record_sets(aws, zone_id, &dns::fqdn(&key.name), Some(&key.type_))
            .await?
            .into_iter()
            .find(|r| record_key(r) == record_key(key));
        let wanted = before.iter().find(|r| record_key(r) == record_key(key));
        match (current, wanted) {
            (Some(current), None) => deletes.push(DnsChange {
                action: ChangeAction::Delete,
                record_set: current,
            }),
            (current, Some(wanted)) if current.as_ref() != Some(wanted) => upserts.push(DnsChange {
                action: ChangeAction::Upsert,
                record_set: wanted.clone(),
            }),
            _ => {}
        }
    }
    // Deletes go first: a plain record cannot sit beside the failover pair that replaced it.
    let changes: Vec<DnsChange> = deletes.into_iter().chain(upserts).collect();
    if changes.is_empty() {
        return Ok(());
    }
    let changes = changes
        .iter()
        .enumerate()
        .map(|(i, c)| dns::to_aws_change(i, c, &zone_name))
        .collect::<Result<Vec<_>, _>>()?;
    dns::change_batch(aws, zone_id, changes, Some("switchyard rollback".into())).await?;
    Ok(())
}

/// Deletes distribution `id` the way CloudFront requires: disable it, wait until the change is
/// deployed, then delete it with the latest ETag.
async fn delete_distribution(aws: &Aws, id: &str, reporter: &Reporter) -> Result<(), HostError> {
    let Some((mut config, etag)) = config_of(aws, id).await? else {
        return Ok(());
    };
    if config.enabled {
        config.enabled = false;
        distributions::update(aws, id, &etag, config).await?;
    }
    let started = Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        let d = distributions::get(aws, id).await?;
        if d.status == "Deployed" {
            break;
        }
        if started.elapsed() > DEPLOY_BUDGET {
            return Err(HostError::TimedOut(format!(
                "distribution {id} was still {} after {} s; roll back again later",
                d.status,
                started.elapsed().as_secs()
            )));
        }
        reporter.progress("rollback", &format!("distribution {id} is {}", d.status), 0, 0);
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(20));
    }
    reporter.finish("rollback");
    let Some((_, etag)) = config_of(aws, id).await? else {
        return Ok(());
    };
    aws.cloudfront
        .delete_distribution()
        .id(id)
        .if_match(etag)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    Ok(())
}
