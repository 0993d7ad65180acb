//! The calls to the host: finding the distribution and resolving the certificate.

use switchyard_sdk::distributions::{self, Distribution, ViewerCertificate};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Error, StepError};
use switchyard_sdk::{certificates, domain_names};

use crate::attach::Cloudfront;
use crate::coverage::CertificateNames;
use crate::input::{Locator, Request, Store};

/// CloudFront through the host.
pub struct Host;

impl Cloudfront for Host {
    fn get(&mut self, id: &str) -> Result<Distribution, Error> {
        distributions::get_distribution(id)
    }
    fn set(&mut self, id: &str, certificate: &ViewerCertificate, etag: &str) -> Result<Distribution, Error> {
        distributions::set_viewer_certificate(id, certificate, etag)
    }
    fn warn(&mut self, message: &str) {
        log::write(Level::Warn, message);
    }
}

fn fail(code: &str, message: String) -> StepError {
    StepError {
        code: code.into(),
        message,
        details: None,
    }
}

/// Reads the distribution, with the ETag needed to update it.
pub fn find_distribution(locator: &Locator) -> Result<Distribution, StepError> {
    let id = match locator {
        Locator::Id(id) => id.clone(),
        Locator::Alias(alias) => match distributions::find_by_alias(alias)? {
            Some(d) => d.id,
            None => {
                return Err(fail(
                    "not-found",
                    format!(
                        "no CloudFront distribution of the account has `alias` `{alias}` among its \
                         alternate domain names: check the name, or give `distribution_id`"
                    ),
                ));
            }
        },
    };
    distributions::get_distribution(&id).map_err(|e| match e {
        Error::NotFound(why) => fail(
            "not-found",
            format!("`distribution_id` `{id}` is not a CloudFront distribution of the account ({why})"),
        ),
        e => e.into(),
    })
}

/// The certificate to set: its id for the viewer certificate (IAM `ASCA…` id, or ACM ARN) and
/// the names it covers.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The IAM server certificate id or the ACM ARN.
    pub id: String,
    /// The names it covers.
    pub names: CertificateNames,
}

/// Looks the certificate up in IAM or ACM, refusing one CloudFront cannot use.
pub fn resolve_certificate(request: &Request) -> Result<Resolved, StepError> {
    let name = &request.certificate;
    match request.store {
        Store::Iam => {
            let detail = certificates::get_server_certificate(name).map_err(|e| match e {
                Error::NotFound(_) => fail(
                    "not-found",
                    format!(
                        "`certificate`: there is no IAM server certificate named `{name}`: give the \
                         certificate's name (upload-cert's `name` output), not its id or ARN, or \
                         upload it first"
                    ),
                ),
                e => e.into(),
            })?;
            if !detail.meta.path.starts_with("/cloudfront/") {
                return Err(fail(
                    "invalid-input",
                    format!(
                        "`certificate`: IAM server certificate `{name}` is under path `{}`: CloudFront \
                         only uses IAM server certificates whose path starts with `/cloudfront/`; \
                         upload it again under `/cloudfront/` (upload-cert does) and give that name",
                        detail.meta.path
                    ),
                ));
            }
            let facts = certificates::parse_certificate(&detail.body)?;
            Ok(Resolved {
                id: detail.meta.id,
                names: CertificateNames {
                    label: format!("IAM server certificate `{name}`"),
                    dns_names: facts
                        .dns_names
                        .into_iter()
                        .filter(|n| !facts.public_suffix_wildcards.contains(n))
                        .collect(),
                },
            })
        }
        Store::Acm => {
            let c = certificates::describe_certificate(name).map_err(|e| match e {
                Error::NotFound(_) => fail(
                    "not-found",
                    format!(
                        "`certificate`: there is no ACM certificate `{name}` in us-east-1: give the ARN \
                         of an ACM certificate in us-east-1 (upload-cert's `id` output)"
                    ),
                ),
                e => e.into(),
            })?;
            if c.status != "ISSUED" {
                return Err(fail(
                    "not-issued",
                    format!(
                        "`certificate`: ACM certificate `{name}` is {}: CloudFront only uses ACM \
                         certificates whose status is ISSUED; renew or re-import it, or give another",
                        c.status
                    ),
                ));
            }
            Ok(Resolved {
                id: c.arn,
                names: CertificateNames {
                    label: format!("ACM certificate `{name}`"),
                    dns_names: c
                        .subject_alternative_names
                        .into_iter()
                        .filter(|n| !n.strip_prefix("*.").is_some_and(domain_names::is_public_suffix))
                        .collect(),
                },
            })
        }
    }
}
