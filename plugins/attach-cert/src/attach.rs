//! Setting the viewer certificate: check coverage, skip when already set, retry after a stale
//! ETag. Written against [`Cloudfront`] so that the retry logic is unit tested natively.

use switchyard_sdk::distributions::{Distribution, ViewerCertificate};
use switchyard_sdk::{Error, StepError};

use crate::coverage::{self, CertificateNames};
use crate::viewer;

/// The distribution calls the step makes, and its warnings.
pub trait Cloudfront {
    /// Reads a distribution with its ETag.
    fn get(&mut self, id: &str) -> Result<Distribution, Error>;
    /// Sets its viewer certificate, if the ETag is still current.
    fn set(&mut self, id: &str, certificate: &ViewerCertificate, etag: &str) -> Result<Distribution, Error>;
    /// Logs a warning.
    fn warn(&mut self, message: &str);
}

/// What happened.
#[derive(Debug, Clone)]
pub struct Attached {
    /// The viewer certificate before the step (as last read before the write, or before deciding
    /// there was nothing to write).
    pub previous: ViewerCertificate,
    /// The distribution afterwards.
    pub after: Distribution,
    /// Whether the step changed it.
    pub changed: bool,
    /// How many times it read the distribution again after a stale ETag.
    pub retries: u32,
}

/// Sets `desired` on distribution `d` (as read, with its ETag) unless it already has it, after
/// checking that `cert` covers every alias. On a `conflict` (another writer changed the
/// distribution since it was read) reads it again, checks again and retries, at most
/// `max_retries` times; then fails with `conflict`.
pub fn attach(
    cf: &mut impl Cloudfront,
    mut d: Distribution,
    cert: &CertificateNames,
    desired: &ViewerCertificate,
    max_retries: u32,
) -> Result<Attached, StepError> {
    let mut retries = 0;
    loop {
        coverage::check(&d.id, &d.aliases, cert)?;
        let previous = d.viewer_certificate.clone();
        if viewer::same(&previous, desired) {
            return Ok(Attached {
                previous,
                after: d,
                changed: false,
                retries,
            });
        }
        match cf.set(&d.id, desired, &d.etag) {
            Ok(after) => {
                return Ok(Attached {
                    previous,
                    after,
                    changed: true,
                    retries,
                });
            }
            Err(Error::Conflict(why)) if retries < max_retries => {
                retries += 1;
                cf.warn(&format!(
                    "stale ETag, retry {retries} of {max_retries}: {why}; reading distribution {} again",
                    d.id
                ));
                d = cf.get(&d.id)?;
            }
            Err(Error::Conflict(why)) => {
                return Err(StepError {
                    code: "conflict".into(),
                    message: format!(
                        "distribution {} kept changing while its viewer certificate was being set: \
                         still a stale ETag after {max_retries} retries ({why}). Nothing was changed \
                         by this step: run it again once the other change is done, or raise \
                         `max_retries`",
                        d.id
                    ),
                    details: None,
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests;
