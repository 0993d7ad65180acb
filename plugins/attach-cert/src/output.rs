//! The step's output, and how the wait for the deployment ends it.

use serde::Serialize;
use switchyard_sdk::distributions::Distribution;
use switchyard_sdk::{Error, StepError};

use crate::attach::Attached;
use crate::viewer::ViewerJson;

/// The outputs of `attach-cert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The distribution's id.
    pub distribution_id: String,
    /// Whether the step changed the viewer certificate.
    pub changed: bool,
    /// The viewer certificate before the step: restore it with these values.
    pub previous_viewer_certificate: ViewerJson,
    /// The viewer certificate now.
    pub viewer_certificate: ViewerJson,
    /// `Deployed` or `InProgress`.
    pub status: String,
    /// Retries after a stale ETag.
    pub retries: u32,
}

impl Output {
    /// The output for what [`crate::attach::attach`] did.
    pub fn new(a: &Attached) -> Self {
        Self {
            distribution_id: a.after.id.clone(),
            changed: a.changed,
            previous_viewer_certificate: ViewerJson::from(&a.previous),
            viewer_certificate: ViewerJson::from(&a.after.viewer_certificate),
            status: a.after.status.clone(),
            retries: a.retries,
        }
    }

    /// Takes the result of waiting for the deployment: the final status, or a `timed-out` error
    /// that says whether the change was made, with this output (status `InProgress`) as details.
    pub fn waited(mut self, result: Result<Distribution, Error>, minutes: u32) -> Result<Self, StepError> {
        match result {
            Ok(d) => {
                self.status = d.status;
                Ok(self)
            }
            Err(Error::TimedOut(why)) => {
                let id = &self.distribution_id;
                let what = if self.changed {
                    format!(
                        "the viewer certificate of distribution {id} WAS changed and is still deploying \
                         after {minutes} minutes ({why}): nothing needs undoing"
                    )
                } else {
                    format!(
                        "distribution {id} already had this viewer certificate (nothing was changed) but \
                         is still deploying an earlier change after {minutes} minutes ({why})"
                    )
                };
                self.status = "InProgress".into();
                Err(StepError {
                    code: "timed-out".into(),
                    message: format!(
                        "{what}. Wait for it (`aws cloudfront wait distribution-deployed --id {id}`), or \
                         run the step again: it finds the certificate set and only waits. The details \
                         hold the previous viewer certificate"
                    ),
                    details: serde_json::to_string(&self).ok(),
                })
            }
            Err(e) => {
                let mut failure = StepError::from(e);
                if self.changed {
                    failure.message = format!(
                        "the viewer certificate of distribution {} WAS changed, but waiting for the \
                         deployment failed: {}",
                        self.distribution_id, failure.message
                    );
                    failure.details = serde_json::to_string(&self).ok();
                }
                Err(failure)
            }
        }
    }
}

#[cfg(test)]
mod tests;
