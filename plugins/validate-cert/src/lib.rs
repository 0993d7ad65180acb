//! `validate-cert`: checks a TLS certificate bundle before it goes to IAM or ACM for CloudFront.
//!
//! The host loads the PEM files and reports the public facts, signature links and path to a
//! trusted root (`certificates.load`, `bundle.facts`, `bundle.verify`, `bundle.check-path`), and
//! gives the names in ASCII (`domain-names.to-ascii`); the policy is here, in [`check`].

mod check;
mod input;

use switchyard_sdk::certificates::{self, BundleSource};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Step, StepContext, StepError, domain_names, export_step, json};

use check::{Domain, Loaded, Report, Severity, Summary};
use input::Input;

struct ValidateCert;

impl Step for ValidateCert {
    fn describe() -> Description {
        Description {
            name: "validate-cert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Checks a TLS certificate bundle (PEM certificate, private key and \
                intermediate chain on the host) before it is uploaded to IAM or imported into ACM \
                for CloudFront, as strictly as browsers and CloudFront check it: that the key matches \
                the certificate and is a kind and size CloudFront accepts, that the certificate is \
                well formed, valid now and for at least `min_days` more days, a TLS server \
                certificate and not a CA, that its subject alternative names cover every name in \
                `domains`, that the chain is complete, in order, without the root, and reaches a \
                root browsers trust (Mozilla's, or `trust_store`). Returns a report of findings, \
                each with what to do; fails with `validation-failed` (the report as details) when \
                any is an error. Changes nothing."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["certificates:load".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let domains = input
            .domains
            .iter()
            .map(|given| {
                let name = domain_names::to_ascii(given).map_err(|e| StepError {
                    code: "invalid-input".into(),
                    message: format!("`domains`: {}", switchyard_sdk::explain(&e)),
                    details: None,
                })?;
                Ok(Domain {
                    name,
                    given: given.clone(),
                })
            })
            .collect::<Result<Vec<_>, StepError>>()?;
        let source = BundleSource {
            certificate: input.certificate.clone(),
            private_key: input.private_key.clone(),
            chain: input.chain.clone(),
        };
        let report = match certificates::load(&source) {
            Ok(bundle) => {
                let facts = bundle.facts();
                let verification = bundle.verify();
                let path = bundle.check_path(input.trust_store.as_deref())?;
                let summary = Summary::new(&facts.leaf, verification.checked_at);
                log::write(
                    Level::Info,
                    &format!(
                        "{}: {}, expires {} ({} days), {} in chain",
                        summary.subject,
                        summary.key,
                        summary.not_after,
                        summary.days_left,
                        facts.chain.len()
                    ),
                );
                let loaded = Loaded {
                    facts: &facts,
                    verification: &verification,
                    path: &path,
                };
                Report::new(check::check_bundle(&input, &domains, loaded), Some(summary))
            }
            Err(e) => match check::load_failure(&e, &input) {
                Some(finding) => Report::new(vec![finding], None),
                None => return Err(e.into()),
            },
        };
        for f in &report.findings {
            let level = match f.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warn,
            };
            log::write(level, &format!("{}: {}", f.code, f.message));
        }
        if report.findings.is_empty() {
            log::write(Level::Info, "the bundle is fit for CloudFront");
        }
        report.into_result()
    }
}

export_step!(ValidateCert);
