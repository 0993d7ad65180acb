//! The step's report: its findings and a summary of the certificate.

use serde::Serialize;
use switchyard_sdk::StepError;
use switchyard_sdk::certificates::CertificateFacts;
use switchyard_sdk::date;

use super::{Finding, Severity, count, key_name, sort};

/// The certificate part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Whole days until it expires (negative once expired).
    pub days_left: i64,
    /// Its DNS names.
    pub dns_names: Vec<String>,
    /// SHA-256 fingerprint, lowercase hex.
    pub sha256_fingerprint: String,
    /// Its key, e.g. `RSA 2048`.
    pub key: String,
}

impl Summary {
    /// The summary of a leaf, as of `now`.
    pub fn new(leaf: &CertificateFacts, now: i64) -> Self {
        Summary {
            subject: leaf.subject.clone(),
            issuer: leaf.issuer.clone(),
            serial: leaf.serial.clone(),
            not_after: date::rfc3339(leaf.not_after),
            days_left: date::days_between(now, leaf.not_after),
            dns_names: leaf.dns_names.clone(),
            sha256_fingerprint: leaf.sha256_fingerprint.clone(),
            key: key_name(&leaf.key),
        }
    }
}

/// The step's report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// No finding is an error.
    pub ok: bool,
    /// The findings, errors first.
    pub findings: Vec<Finding>,
    /// The leaf, when the bundle could be loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Summary>,
}

impl Report {
    /// A report of these findings.
    pub fn new(mut findings: Vec<Finding>, certificate: Option<Summary>) -> Self {
        sort(&mut findings);
        let ok = findings.iter().all(|f| f.severity != Severity::Error);
        Report {
            ok,
            findings,
            certificate,
        }
    }

    /// The step's result: the report as output, or `validation-failed` with the report as
    /// details when any finding is an error.
    pub fn into_result(self) -> Result<String, StepError> {
        let json = switchyard_sdk::json::output(&self)?;
        let errors: Vec<&Finding> = self.findings.iter().filter(|f| f.severity == Severity::Error).collect();
        let Some(first) = errors.first() else {
            return Ok(json);
        };
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more: see the report)", n - 1),
        };
        Err(StepError {
            code: "validation-failed".into(),
            message: format!("{}: {}{more}", count(errors.len() as u32, "problem"), first.message),
            details: Some(json),
        })
    }
}
