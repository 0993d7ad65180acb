//! `attach-cert`: sets a CloudFront distribution's viewer certificate to an IAM server
//! certificate or an ACM certificate, changing nothing else, and waits until it is deployed.
//!
//! Refused before any write: an input that does not fit (`input::validate`), a certificate
//! CloudFront cannot use (`flow`) or that does not cover every alias (`coverage`). A stale
//! ETag is retried (`attach`).

mod attach;
mod coverage;
mod flow;
mod input;
mod output;
#[cfg(test)]
mod testing;
mod viewer;

use switchyard_sdk::distributions;
use switchyard_sdk::log::{self, Level};
use switchyard_sdk::{Description, Step, StepContext, StepError, export_step, json};

use input::Input;
use output::Output;

struct AttachCert;

impl Step for AttachCert {
    fn describe() -> Description {
        Description {
            name: "attach-cert".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Sets the viewer certificate of a CloudFront distribution (by \
                `distribution_id` or `alias`) to an IAM server certificate (by name) or an ACM \
                certificate in us-east-1 (by ARN), with an SSL support method and minimum protocol \
                version, changing nothing else; then waits until the distribution is deployed. \
                Refuses, before any write, a certificate that does not cover every alias of the \
                distribution. Nothing is written when it is already set. Retries when another \
                writer changed the distribution in between. Outputs the previous viewer \
                certificate, to restore it. Besides `cloudfront:read` and `cloudfront:write`, \
                store `iam` needs grant `iam:read`, store `acm` needs `acm:read`."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: vec!["cloudfront:read".into(), "cloudfront:write".into()],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let request = input::validate(&input)?;
        let d = flow::find_distribution(&request.locator)?;
        let cert = flow::resolve_certificate(&request)?;
        let desired = viewer::desired(&request, &cert.id);
        log::write(
            Level::Info,
            &format!(
                "distribution {} ({}): viewer certificate {}, wanted {}",
                d.id,
                d.domain_name,
                viewer::show(&d.viewer_certificate),
                viewer::show(&desired)
            ),
        );
        let attached = attach::attach(&mut flow::Host, d, &cert.names, &desired, request.max_retries)?;
        let id = attached.after.id.clone();
        if attached.changed {
            let what = format!(
                "the viewer certificate of {id} to {} (was {})",
                viewer::show(&desired),
                viewer::show(&attached.previous)
            );
            switchyard_sdk::log_change(&format!("set {what}"), &format!("would set {what}"));
        } else {
            log::write(
                Level::Info,
                &format!("{id} already has this viewer certificate: nothing changed"),
            );
        }
        let mut output = Output::new(&attached);
        if let Some(seconds) = request.wait_seconds {
            let minutes = seconds / 60;
            output = output.waited(distributions::wait_until_deployed(&id, seconds), minutes)?;
            if !switchyard_sdk::planning() {
                log::write(Level::Info, &format!("{id} is {}", output.status));
            }
        }
        json::output(&output)
    }
}

export_step!(AttachCert);
