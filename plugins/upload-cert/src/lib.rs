//! `upload-cert`: uploads a TLS certificate bundle to IAM under `/cloudfront/`, or imports it into
//! ACM in us-east-1, for CloudFront; reuses it when the same certificate is already there.
//!
//! Everything that can be refused is refused before any write: the input (`input::validate`),
//! the bundle (`check`), a different certificate under the derived name and the IAM quota
//! (`iam`), an `acm_arn` that does not exist (`acm`).

mod acm;
mod check;
mod iam;
mod input;
mod naming;
mod output;
#[cfg(test)]
mod testing;

use switchyard_sdk::certificates::{self, BundleSource};
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Step, StepContext, StepError, export_step, json};

use input::{Input, Target};

struct UploadCert;

impl Step for UploadCert {
    fn describe() -> Description {
        Description {
            name: "upload-cert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Uploads a TLS certificate bundle (PEM certificate, private key and chain \
                on the host) for CloudFront: to IAM as server certificate \
                `<name>-<YYYYMMDD expiry>-<serial prefix>` under a path starting with \
                `/cloudfront/` (store `iam`, the default), or into ACM in us-east-1 (store `acm`, \
                optionally re-importing onto `acm_arn`). Reuses the certificate when it is already \
                there (nothing written). Refuses before any write: a bad name or path, ACM outside \
                us-east-1, a bundle that does not load, a key that does not match, an expired \
                certificate, another certificate under the derived name, a full IAM quota. Besides \
                `certificates:load`, store `iam` needs grants `iam:read` and `iam:write` (for the \
                path), store `acm` needs `acm:read` and `acm:write`. Outputs `name`, `id` (IAM \
                server certificate id or ACM ARN), `arn`, `fingerprint`, `not_after`, `reused`."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["certificates:load".into()],
        }
    }

    fn run(context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let target = input::validate(&input, &context.region)?;
        let source = BundleSource {
            certificate: input.certificate.clone(),
            private_key: input.private_key.clone(),
            chain: input.chain.clone(),
        };
        let bundle = certificates::load(&source).map_err(|e| check::load_failure(e, &input))?;
        let facts = bundle.facts();
        check::usable(&input, &facts.leaf, &bundle.verify())?;
        log::write(
            Level::Debug,
            &format!(
                "{}: serial {}, expires {}, SHA-256 {}",
                facts.leaf.subject,
                facts.leaf.serial,
                switchyard_sdk::date::rfc3339(facts.leaf.not_after),
                facts.leaf.sha256_fingerprint
            ),
        );
        let output = match target {
            Target::Iam { path } => iam::upload(&bundle, &facts.leaf, &input.name, &path)?,
            Target::Acm { arn } => acm::import(&bundle, &facts.leaf, arn.as_deref())?,
        };
        json::output(&output)
    }
}

export_step!(UploadCert);
