//! `prune-certs`: deletes old IAM server certificates under a path prefix, keeping the newest
//! `keep` of each name and every one a CloudFront distribution uses.
//!
//! The policy is pure (`naming`, `policy`, `output`) and the deletion loop is written against a
//! trait (`prune`), so both are unit tested natively; this file only calls the host.

mod input;
mod naming;
mod output;
mod policy;
mod prune;
#[cfg(test)]
mod testing;

use std::time::{SystemTime, UNIX_EPOCH};

use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{
    Description, Error, Step, StepContext, StepError, certificates, distributions, export_step, json,
};

use input::Input;
use output::{Output, Quota};

/// The step.
struct PruneCerts;

/// IAM through the host.
struct Host;

impl prune::Iam for Host {
    fn delete(&mut self, cert: &certificates::ServerCertificate) -> Result<(), Error> {
        match policy::store(cert) {
            "acm" => certificates::delete_certificate(&cert.arn),
            _ => certificates::delete_server_certificate(&cert.name),
        }
    }
    fn log(&mut self, level: Level, message: &str) {
        log::write(level, message);
    }
    fn change(&mut self, did: &str, would: &str) {
        switchyard_sdk::log_change(did, would);
    }
}

/// The clock, seconds since the Unix epoch (WASI's wall clock), to tell expired certificates.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The quota read, its `denied` saying that the grant cannot be narrowed.
fn read_quota() -> Result<certificates::AccountQuota, StepError> {
    certificates::server_certificate_quota().map_err(|e| {
        let denied = matches!(e, Error::Denied(_));
        let mut failure = StepError::from(e);
        if denied {
            failure.message = format!(
                "{}: the server certificate quota is account-wide, so `iam:read` must be granted without \
                 a path (`iam:read`, not `iam:read:/cloudfront/`); nothing was deleted",
                failure.message
            );
        }
        failure
    })
}

impl Step for PruneCerts {
    fn describe() -> Description {
        Description {
            name: "prune-certs".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Deletes old IAM server certificates whose path starts with `path_prefix` \
                (`/cloudfront/` by default). Certificates are grouped by base name (the name without \
                the `-YYYYMMDD-SERIAL` suffix upload-cert appends); in each group every certificate \
                a CloudFront distribution uses is kept, and so are the newest (latest expiration) \
                up to `keep` in all (2 by default, in-use ones counting), so a rollback still has \
                its certificate; the rest are deleted one by one. `name` limits it to one base \
                name; `dry_run` only reports. With `acm = true`, the ACM certificates switchyard \
                imported (tagged `switchyard:managed`) are pruned too, grouped by domain name \
                (grants `acm:read` and `acm:write`). The private key is not kept: undoing a deletion \
                needs the key file. Needs grants `iam:read` (not narrowed: the quota is \
                account-wide), `iam:write` (for the path) and `cloudfront:read`. Outputs `kept` \
                (with the distributions using each), `deleted`, and the account's `quota` before \
                and after, with `quota_warning` at 80% or more."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["iam:read".into(), "iam:write".into(), "cloudfront:read".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        input::validate(&input)?;
        if let Some(warning) = input::prefix_warning(&input.path_prefix) {
            log::write(Level::Warn, &warning);
        }
        let certs = certificates::list_server_certificates(&input.path_prefix)?;
        // Read once: each deletion is checked against this set, and IAM (or ACM) refuses one in
        // use.
        let mut in_use = policy::in_use(&distributions::list_distributions()?);
        let quota = read_quota()?;
        let mut listed = certs.len();
        let mut decision = policy::decide(certs, &in_use, input.keep, input.name.as_deref());
        if input.acm {
            // Only what switchyard imported: a certificate someone else brought is never weighed.
            let managed: Vec<_> = certificates::list_managed_certificates()?
                .into_iter()
                .map(|c| policy::from_acm(c, &mut in_use))
                .collect();
            listed += managed.len();
            let acm = policy::decide(managed, &in_use, input.keep, input.name.as_deref());
            decision.kept.extend(acm.kept);
            decision.doomed.extend(acm.doomed);
        }
        log::write(
            Level::Debug,
            &format!(
                "{listed} certificates (IAM under {}): {} kept, {} to prune",
                input.path_prefix,
                decision.kept.len(),
                decision.doomed.len()
            ),
        );
        let outcome = prune::prune(&mut Host, decision, &in_use, now(), input.dry_run)?;
        let iam_deleted = outcome.deleted.iter().filter(|c| policy::store(c) == "iam").count();
        let quota = Quota::after(&quota, iam_deleted);
        log::write(Level::Info, &quota.line());
        let output = Output::new(&input.path_prefix, input.keep, &outcome, quota);
        if let Some(warning) = &output.quota_warning {
            log::write(Level::Warn, warning);
        }
        json::output(&output)
    }
}

export_step!(PruneCerts);
