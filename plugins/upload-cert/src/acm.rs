//! ACM: reuse an imported certificate with the same serial and expiry, else import (or re-import
//! onto `acm_arn`).

use switchyard_sdk::StepError;
use switchyard_sdk::certificates::{self, AcmCertificate, Bundle, CertificateFacts};
use switchyard_sdk::log::{self, Level};

use crate::check::fail;
use crate::naming::serial_key;
use crate::output::Output;

/// What to do in ACM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The certificate is already there, under this ARN.
    Reuse(String),
    /// Import it: as a new certificate, or onto this ARN.
    Import(Option<String>),
}

/// Whether an ACM certificate is the leaf: same serial number and same end of validity.
pub fn same_certificate(c: &AcmCertificate, leaf: &CertificateFacts) -> bool {
    c.not_after == Some(leaf.not_after)
        && c.serial
            .as_deref()
            .is_some_and(|s| serial_key(s) == serial_key(&leaf.serial))
}

/// Chooses what to do given the region's certificates. With `acm_arn`, that certificate must be
/// among them (`not-found` otherwise); it is reused when it already is the leaf, else the leaf is
/// re-imported onto it. Without, a certificate that is the leaf is reused (an `ISSUED` one
/// first), else the leaf is imported as a new certificate.
pub fn choose(
    existing: &[AcmCertificate],
    leaf: &CertificateFacts,
    acm_arn: Option<&str>,
) -> Result<Action, StepError> {
    match acm_arn {
        Some(arn) => match existing.iter().find(|c| c.arn == arn) {
            None => Err(fail(
                "not-found",
                format!(
                    "`acm_arn` `{arn}` is not among the ACM certificates of us-east-1: give the ARN of \
                     an existing certificate to re-import onto, or remove `acm_arn` to import a new \
                     one; nothing was imported"
                ),
            )),
            Some(c) if same_certificate(c, leaf) => Ok(Action::Reuse(c.arn.clone())),
            Some(c) => Ok(Action::Import(Some(c.arn.clone()))),
        },
        None => {
            let same: Vec<&AcmCertificate> = existing.iter().filter(|c| same_certificate(c, leaf)).collect();
            let pick = same.iter().find(|c| c.status == "ISSUED").or(same.first());
            Ok(match pick {
                Some(c) => Action::Reuse(c.arn.clone()),
                None => Action::Import(None),
            })
        }
    }
}

/// Imports the bundle into ACM (the workflow's region, checked to be us-east-1), or reuses it.
pub fn import(bundle: &Bundle, leaf: &CertificateFacts, acm_arn: Option<&str>) -> Result<Output, StepError> {
    let existing = certificates::list_certificates()?;
    match choose(&existing, leaf, acm_arn)? {
        Action::Reuse(arn) => {
            log::write(
                Level::Info,
                &format!(
                    "reusing ACM certificate {arn}: the same certificate (serial {}) is already imported",
                    leaf.serial
                ),
            );
            Ok(Output::acm(arn, leaf, true))
        }
        Action::Import(onto) => {
            let arn = certificates::import_certificate(bundle, onto.as_deref())?;
            let how = if onto.is_some() {
                "re-imported onto"
            } else {
                "imported as"
            };
            switchyard_sdk::log_change(
                &format!("uploaded {} to ACM: {how} {arn}", leaf.subject),
                &format!("would import {} into ACM", leaf.subject),
            );
            Ok(Output::acm(arn, leaf, false))
        }
    }
}

#[cfg(test)]
mod tests;
