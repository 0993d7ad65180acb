//! Saved plans: `plan --out` writes one, `apply --plan` is held to it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Session, all_changes};
use crate::plan::PlannedChange;
use crate::runner::RunReport;

/// The format of saved plans this host writes. It reads every format up to this one.
pub const PLAN_FORMAT: u32 = 2;

/// A plan saved by `plan --out`, applied by `apply --plan`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The format's version.
    pub format: u32,
    /// The workflow file.
    pub file: PathBuf,
    /// The workflow file's SHA-256 when planned.
    pub sha256: String,
    /// The account planned against.
    pub account: String,
    /// The region planned against.
    pub region: String,
    /// Every change, in order.
    pub changes: Vec<PlannedChange>,
}

/// A saved plan does not hold. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    /// It is not a plan, or not for this workflow, account or region: a usage error.
    #[error("{path}: {why}: nothing was changed; make a new plan")]
    Refused {
        /// The plan.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// AWS changed since it was made.
    #[error("{path}: the plan is stale: {why}: nothing was changed; make a new plan")]
    Stale {
        /// The plan.
        path: PathBuf,
        /// What differs.
        why: String,
    },
}

impl SavedPlan {
    /// The saved form of `report`, a plan of `session`.
    pub fn of(session: &Session, report: &RunReport) -> Self {
        Self {
            format: PLAN_FORMAT,
            file: session.file.clone(),
            sha256: session.sha256.clone(),
            account: report.account.clone(),
            region: report.region.clone(),
            changes: all_changes(report),
        }
    }

    /// Reads the plan saved in `path`.
    pub fn read(path: &Path) -> Result<Self, SavedPlanError> {
        let refuse = |why: String| SavedPlanError::Refused {
            path: path.to_owned(),
            why,
        };
        let text = std::fs::read(path).map_err(|e| refuse(format!("cannot read it ({e})")))?;
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_slice(&text)
            .map_err(|e| refuse(format!("not a saved plan ({e}): make one with `switchyard plan --out`")))?;
        if head.format > PLAN_FORMAT {
            return Err(refuse(format!(
                "plan format {} is newer than this switchyard reads (1 to {PLAN_FORMAT})",
                head.format
            )));
        }
        serde_json::from_slice(&text)
            .map_err(|e| refuse(format!("not a saved plan ({e}): make one with `switchyard plan --out`")))
    }

    /// Refuses a plan made for another workflow file (or another version of it), account or
    /// region.
    pub(super) fn check_for(&self, path: &Path, session: &Session) -> Result<(), SavedPlanError> {
        let refuse = |why: String| SavedPlanError::Refused {
            path: path.to_owned(),
            why,
        };
        if self.file != session.file || self.sha256 != session.sha256 {
            return Err(refuse(format!(
                "the plan is for {} as it was then, and the workflow file changed since",
                self.file.display()
            )));
        }
        let region = crate::provider::StsRead::region(&*session.aws);
        if self.account != session.account || self.region != region {
            return Err(refuse(format!(
                "the plan is for account {} in {}, not account {} in {region}",
                self.account, self.region, session.account
            )));
        }
        Ok(())
    }

    /// Refuses a plan that differs from one made now, naming the first difference.
    pub(super) fn check_fresh(&self, path: &Path, now: &[PlannedChange]) -> Result<(), SavedPlanError> {
        match stale(&self.changes, now) {
            Some(why) => Err(SavedPlanError::Stale {
                path: path.to_owned(),
                why,
            }),
            None => Ok(()),
        }
    }
}

/// What differs between a saved plan's changes and a plan made now, if anything.
fn stale(saved: &[PlannedChange], now: &[PlannedChange]) -> Option<String> {
    for (i, (s, n)) in saved.iter().zip(now).enumerate() {
        if s != n {
            let field = n
                .diff
                .iter()
                .zip(&s.diff)
                .find(|(a, b)| a != b)
                .map(|(n, s)| {
                    format!(
                        " ({}: planned {} → {}, now {} → {})",
                        n.field, s.before, s.after, n.before, n.after
                    )
                })
                .unwrap_or_default();
            return Some(format!(
                "change {} was `{} {}` and is now `{} {}`{field}",
                i + 1,
                s.action.name(),
                s.resource,
                n.action.name(),
                n.resource
            ));
        }
    }
    match saved.len().cmp(&now.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Less => Some(format!("AWS now needs {} more change(s)", now.len() - saved.len())),
        std::cmp::Ordering::Greater => Some(format!(
            "{} planned change(s) are no longer needed",
            saved.len() - now.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Change;
    use crate::model::CertificateSource;

    /// A plan `plan --out` of the release before format 2 saved, checked in as it was written.
    #[test]
    fn a_plan_saved_in_format_1_reads_with_every_change_in_todays_spelling() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/plan-format-1.json");
        let saved = SavedPlan::read(&path).expect("format 1 reads");
        assert_eq!(saved.format, 1);
        assert_eq!(saved.changes.len(), 9, "{:#?}", saved.changes);
        assert!(
            saved.changes[0]
                .resource
                .starts_with("IAM server certificate /cloudfront/www-example-com-")
        );
        let spec = saved
            .changes
            .iter()
            .find_map(|c| match &c.change {
                Change::CreateDistribution(d) => Some(d.spec.clone()),
                _ => None,
            })
            .expect("the distribution");
        assert_eq!(spec.viewer_certificate.source, CertificateSource::Iam);
        // What people see is derived from the change again, in today's names.
        let diffs = serde_json::to_string(&saved.changes.iter().map(|c| &c.diff).collect::<Vec<_>>()).expect("json");
        assert!(diffs.contains("\"sni_only\"") && !diffs.contains("SniOnly"), "{diffs}");
    }

    #[test]
    fn a_plan_of_a_newer_format_is_refused_with_its_format_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("plan.json");
        std::fs::write(&path, r#"{"format": 3, "changes": []}"#).expect("write");
        let err = SavedPlan::read(&path).expect_err("newer");
        assert!(matches!(err, SavedPlanError::Refused { .. }));
        assert!(
            err.to_string()
                .contains("plan format 3 is newer than this switchyard reads (1 to 2)"),
            "{err}"
        );
    }
}
