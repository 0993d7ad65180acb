//! IAM: reuse the same certificate under its derived name, refuse a different one, respect the
//! account's quota, else upload.

use switchyard_sdk::certificates::{self, AccountQuota, Bundle, CertificateFacts, ServerCertificateDetail};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Error, StepError};

use crate::check::fail;
use crate::input::DEFAULT_PATH;
use crate::naming;
use crate::output::Output;

/// Whether an IAM server certificate found under the derived name can be reused for a leaf with
/// this fingerprint: it must be the same certificate (`conflict` otherwise) and under
/// `/cloudfront/`, where CloudFront can use it.
pub fn judge_existing(existing: &ServerCertificateDetail, fingerprint: &str) -> Result<(), StepError> {
    let name = &existing.meta.name;
    let delete = format!(
        "delete it if no distribution uses it (`aws iam delete-server-certificate \
         --server-certificate-name {name}`) or choose another `name`"
    );
    if !existing.sha256_fingerprint.eq_ignore_ascii_case(fingerprint) {
        let theirs = if existing.sha256_fingerprint.is_empty() {
            "a body the host could not read".to_owned()
        } else {
            format!("SHA-256 {}", existing.sha256_fingerprint)
        };
        return Err(fail(
            "conflict",
            format!(
                "IAM server certificate `{name}` already exists with another certificate ({theirs}, \
                 not {fingerprint}), although the name is derived from the expiry date and serial: \
                 {delete}; nothing was uploaded"
            ),
        ));
    }
    if !existing.meta.path.starts_with(DEFAULT_PATH) {
        return Err(fail(
            "conflict",
            format!(
                "IAM server certificate `{name}` already holds this certificate but under path `{}`: \
                 CloudFront only uses IAM server certificates whose path starts with `/cloudfront/`, \
                 and IAM names are unique whatever the path: {delete}; nothing was uploaded",
                existing.meta.path
            ),
        ));
    }
    Ok(())
}

/// Refuses to upload when the account already has as many server certificates as its quota
/// allows (`quota`).
pub fn check_quota(q: &AccountQuota) -> Result<(), StepError> {
    if q.used < q.limit {
        return Ok(());
    }
    Err(fail(
        "quota",
        format!(
            "the account has {} of {} IAM server certificates: delete unused ones (list them with \
             `aws iam list-server-certificates`, then `aws iam delete-server-certificate \
             --server-certificate-name NAME` for each that no distribution uses) or ask AWS for a \
             higher quota (Service Quotas, IAM, \"Server certificates per account\"); nothing was \
             uploaded",
            q.used, q.limit
        ),
    ))
}

/// Uploads the bundle as `<base>-<date>-<serial>` under `path`, or reuses the same certificate
/// already there.
pub fn upload(bundle: &Bundle, leaf: &CertificateFacts, base: &str, path: &str) -> Result<Output, StepError> {
    let name = naming::derived_name(base, leaf.not_after, &leaf.serial);
    match certificates::get_server_certificate(&name) {
        Ok(existing) => {
            judge_existing(&existing, &leaf.sha256_fingerprint)?;
            let meta = existing.meta;
            if meta.path != path {
                log::write(
                    Level::Warn,
                    &format!(
                        "`{name}` is under `{}`, not `{path}` as asked: reusing it there",
                        meta.path
                    ),
                );
            }
            log::write(
                Level::Info,
                &format!(
                    "reusing IAM server certificate `{name}` ({}): the same certificate is already uploaded",
                    meta.id
                ),
            );
            Ok(Output::iam(meta, leaf, true))
        }
        Err(Error::NotFound(_)) => {
            check_quota(&certificates::server_certificate_quota()?)?;
            let meta = certificates::upload_server_certificate(bundle, &name, path)?;
            switchyard_sdk::log_change(
                &format!(
                    "uploaded IAM server certificate `{name}` ({}) under `{}`",
                    meta.id, meta.path
                ),
                &format!("would upload IAM server certificate `{name}` under `{}`", meta.path),
            );
            Ok(Output::iam(meta, leaf, false))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests;
