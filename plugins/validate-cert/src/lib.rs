//! `validate-cert`: checks a TLS certificate bundle before it goes to IAM or ACM for CloudFront.
//!
//! The host loads the PEM files and reports the public facts and signature links
//! (`certificates.load`, `bundle.facts`, `bundle.verify`); the policy is here, in [`check`].

mod check;
mod input;

use switchyard_sdk::certificates::{self, BundleSource};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Step, StepContext, StepError, export_step, json};

use check::{Report, Severity, Summary};
use input::Input;

struct ValidateCert;

impl Step for ValidateCert {
    fn describe() -> Description {
        Description {
            name: "validate-cert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Checks a TLS certificate bundle (PEM certificate, private key and \
                intermediate chain on the host) before it is uploaded to IAM or imported into ACM \
                for CloudFront: that the key matches the certificate and is a kind CloudFront \
                accepts, that the certificate is valid now and for at least `min_days` more days, \
                that it covers every name in `domains`, that the chain is complete, in order and \
                without the root. Returns a report of findings, each with what to do; fails with \
                `validation-failed` (the report as details) when any is an error. Changes nothing."
                .into(),
            input_schema: input::SCHEMA.into(),
            capabilities: vec!["certificates:load".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let source = BundleSource {
            certificate: input.certificate.clone(),
            private_key: input.private_key.clone(),
            chain: input.chain.clone(),
        };
        let report = match certificates::load(&source) {
            Ok(bundle) => {
                let facts = bundle.facts();
                let verification = bundle.verify();
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
                Report::new(check::check_bundle(&input, &facts, &verification), Some(summary))
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
