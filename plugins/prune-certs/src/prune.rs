//! Deleting what [`crate::policy::decide`] doomed, one by one, never one in use. Written against
//! [`Iam`] so that the loop is unit tested natively.

use switchyard_sdk::certificates::ServerCertificate;
use switchyard_sdk::log::Level;
use switchyard_sdk::{Error, StepError, date};

use crate::policy::{Decision, InUse, Kept, Reason};

/// What a rollback of a deletion needs, said wherever deletions are reported.
pub const ROLLBACK_NOTE: &str = "the journal keeps each deleted certificate's body and chain, but the private key is \
     not kept: undoing a deletion needs the key file (`switchyard rollback RUN --key FILE`)";

/// The deletion the pruning makes, and its logs.
pub trait Iam {
    /// Deletes a certificate: an IAM server certificate by name, an ACM one by ARN.
    fn delete(&mut self, cert: &ServerCertificate) -> Result<(), Error>;
    /// Logs a line.
    fn log(&mut self, level: Level, message: &str);
    /// Logs a change: `did` in apply, `would` in a plan.
    fn change(&mut self, did: &str, would: &str);
}

/// What the pruning did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Kept: the decision's, then any IAM refused to delete as in use.
    pub kept: Vec<Kept>,
    /// Deleted (in a dry run: that would be).
    pub deleted: Vec<ServerCertificate>,
}

/// `IAM server certificate NAME (expired DATE)`, `(expires DATE)` or `(expiry unknown)`, for logs.
pub fn describe(cert: &ServerCertificate, now: i64) -> String {
    let when = match cert.expiration {
        Some(t) if t < now => format!("expired {}", date::date(t)),
        Some(t) => format!("expires {}", date::date(t)),
        None => "expiry unknown".into(),
    };
    match crate::policy::store(cert) {
        "acm" => format!("ACM certificate {} for {} ({when})", cert.arn, cert.name),
        _ => format!("IAM server certificate {} ({when})", cert.name),
    }
}

/// Deletes the doomed certificates one by one, each re-checked against `in_use` right before
/// (the distributions as read at the start). In a dry run deletes nothing and says what would
/// be deleted. A certificate IAM refuses to delete as in use (`conflict`) is kept; one already
/// gone (`not-found`) is skipped; any other error stops the step, naming what was deleted before.
pub fn prune(
    iam: &mut impl Iam,
    decision: Decision,
    in_use: &InUse,
    now: i64,
    dry_run: bool,
) -> Result<Outcome, StepError> {
    let Decision { kept, doomed } = decision;
    let mut out = Outcome {
        kept,
        deleted: Vec::new(),
    };
    if doomed.is_empty() {
        let message = match out.kept.len() {
            0 => "nothing to prune: no certificate to consider".to_owned(),
            n => format!("nothing to prune: each of the {n} certificates is in use or among the newest of its name"),
        };
        iam.log(Level::Info, &message);
        return Ok(out);
    }
    for cert in doomed {
        let what = describe(&cert, now);
        if let Some(by) = in_use.get(&cert.id) {
            iam.log(Level::Warn, &format!("keeping {what}: used by {}", by.join(", ")));
            out.kept.push(in_use_kept(cert, by.clone()));
            continue;
        }
        if dry_run {
            iam.log(Level::Info, &format!("would delete {what}"));
            out.deleted.push(cert);
            continue;
        }
        match iam.delete(&cert) {
            Ok(()) => {
                iam.change(&format!("deleted {what}"), &format!("would delete {what}"));
                out.deleted.push(cert);
            }
            Err(Error::Conflict(why)) => {
                iam.log(Level::Warn, &format!("keeping {what}: IAM says it is in use ({why})"));
                out.kept.push(in_use_kept(cert, Vec::new()));
            }
            Err(Error::NotFound(_)) => {
                iam.log(Level::Warn, &format!("{what} is already gone: skipped"));
            }
            Err(e) => return Err(stopped(e, &what, &out.deleted)),
        }
    }
    if dry_run {
        let n = out.deleted.len();
        iam.log(
            Level::Info,
            &format!("dry run: nothing was deleted ({n} would be; run without `dry_run` to delete them)"),
        );
    } else if !out.deleted.is_empty() {
        iam.log(Level::Info, ROLLBACK_NOTE);
    }
    Ok(out)
}

/// `cert`, kept as in use by `used_by`.
fn in_use_kept(cert: ServerCertificate, used_by: Vec<String>) -> Kept {
    Kept {
        cert,
        used_by,
        reason: Reason::InUse,
    }
}

/// The step's error when a deletion fails: the host's, saying what was deleted before it.
fn stopped(e: Error, what: &str, deleted: &[ServerCertificate]) -> StepError {
    let mut failure = StepError::from(e);
    let before = if deleted.is_empty() {
        "nothing was deleted".to_owned()
    } else {
        let names: Vec<&str> = deleted.iter().map(|c| c.name.as_str()).collect();
        format!("already deleted: {} ({ROLLBACK_NOTE})", names.join(", "))
    };
    failure.message = format!("cannot delete {what}: {}; {before}", failure.message);
    failure
}

#[cfg(test)]
mod tests;
