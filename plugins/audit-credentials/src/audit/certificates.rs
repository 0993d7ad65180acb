//! X.509 signing certificates: active (legacy), expired, expiring.

use switchyard_sdk::date::{self, DAY};

use super::{Finding, Severity, UserCredentials, active, count, finding};
use crate::input::Input;

/// Adds the findings about `user`'s signing certificates, as of `now`.
pub fn check(input: &Input, now: i64, user: &UserCredentials, out: &mut Vec<Finding>) {
    let name = user.name.as_str();
    let who = Some(name);
    for cert in &user.certificates {
        let id = Some(cert.id.as_str());
        let is_active = active(cert.status);
        let delete = format!(
            "delete it (`aws iam delete-signing-certificate --user-name {name} --certificate-id {}`)",
            cert.id
        );
        if is_active {
            out.push(finding(
                "signing-cert-active",
                Severity::Warning,
                who,
                id,
                format!(
                    "the user has an active X.509 signing certificate ({}), a legacy credential",
                    cert.subject
                ),
                format!(
                    "unless the old SOAP or EC2 command line tools still need it, deactivate it (`aws iam \
                     update-signing-certificate --user-name {name} --certificate-id {} --status Inactive`) \
                     and {delete}",
                    cert.id
                ),
            ));
        }
        let Some(not_after) = cert.not_after else {
            continue;
        };
        if now > not_after {
            out.push(finding(
                "signing-cert-expired",
                Severity::Warning,
                who,
                id,
                format!(
                    "the {} signing certificate expired on {}",
                    if is_active { "active" } else { "inactive" },
                    date::date(not_after)
                ),
                format!("nothing can use it any more: {delete}"),
            ));
        } else if is_active && not_after - now < i64::from(input.signing_cert_expiring_days) * DAY {
            let left = match date::days_between(now, not_after) {
                0 => "less than a day".to_owned(),
                n => count(n, "day"),
            };
            out.push(finding(
                "signing-cert-expiring",
                Severity::Warning,
                who,
                id,
                format!(
                    "the active signing certificate expires on {}, in {left} (fewer than \
                     `signing_cert_expiring_days` = {})",
                    date::date(not_after),
                    input.signing_cert_expiring_days
                ),
                "if something still needs it, upload a new one and switch to it; otherwise deactivate it and \
                 delete it",
            ));
        }
    }
}
