#![allow(clippy::too_many_arguments)]
//! `step-v0-1-0`: a step written against `switchyard:step@0.1.0` with `wit-bindgen` alone, as a
//! plugin built before 0.2.0 was. It uses every interface of 0.1.0: it uploads a certificate
//! to IAM (reusing one of the same name), puts it on the distribution that has `alias`, waits
//! until that is deployed, and reports the account and the alias's hosted zone.
//!
//! `with = { certificate, private_key, chain, name, alias }`.

use serde::Deserialize;
use serde_json::json;

wit_bindgen::generate!({
    path: "../../../wit/step@0.1.0",
    world: "switchyard:step/step",
    additional_derives: [PartialEq],
});

use switchyard::step::types::Error;
use switchyard::step::{certificates, distributions, dns, identity, log};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    certificate: String,
    private_key: String,
    chain: Option<String>,
    name: String,
    alias: String,
}

struct Step01;

impl Guest for Step01 {
    fn describe() -> Description {
        Description {
            name: "step-v0-1-0".into(),
            version: "0.1.0".into(),
            description: "Uploads a certificate to IAM and attaches it to the distribution of an alias (built against switchyard:step@0.1.0).".into(),
            input_schema: r#"{"type": "object"}"#.into(),
            capabilities: vec![
                "identity:read".into(),
                "certificates:load".into(),
                "iam:read".into(),
                "iam:write".into(),
                "cloudfront:read".into(),
                "cloudfront:write".into(),
                "route53:read".into(),
            ],
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = serde_json::from_str(&input).map_err(|e| fail("invalid-input", e.to_string()))?;
        log::write(log::Level::Info, "running against switchyard:step@0.1.0");
        let caller = identity::caller().map_err(host)?;
        let bundle = certificates::load(&certificates::BundleSource {
            certificate: input.certificate,
            private_key: input.private_key,
            chain: input.chain,
        })
        .map_err(host)?;
        if !bundle.verify().key_matches_leaf {
            return Err(fail("key-mismatch", "the key is not the certificate's".into()));
        }
        let serial = bundle.facts().leaf.serial;
        let certificate = match certificates::get_server_certificate(&input.name) {
            Ok(found) => found.meta,
            Err(Error::NotFound(_)) => {
                certificates::upload_server_certificate(&bundle, &input.name, "/cloudfront/").map_err(host)?
            }
            Err(e) => return Err(host(e)),
        };
        let distribution = distributions::find_by_alias(&input.alias)
            .map_err(host)?
            .ok_or_else(|| fail("no-distribution", format!("no distribution has alias {}", input.alias)))?;
        let wanted = distributions::ViewerCertificate {
            source: distributions::CertificateSource::Iam,
            certificate: Some(certificate.id.clone()),
            ssl_support_method: Some(distributions::SslSupportMethod::SniOnly),
            minimum_protocol_version: "TLSv1.2_2021".into(),
        };
        let changed = distribution.viewer_certificate != wanted;
        if changed {
            let current = distributions::get_distribution(&distribution.id).map_err(host)?;
            distributions::set_viewer_certificate(&distribution.id, &wanted, &current.etag).map_err(host)?;
            distributions::wait_until_deployed(&distribution.id, 600).map_err(host)?;
        }
        let zone = dns::find_hosted_zone(&input.alias).map_err(host)?;
        Ok(json!({
            "account": caller.account,
            "serial": serial,
            "certificate_id": certificate.id,
            "distribution": distribution.id,
            "changed": changed,
            "zone": zone.map(|z| z.id),
        })
        .to_string())
    }
}

fn fail(code: &str, message: String) -> StepError {
    StepError {
        code: code.into(),
        message,
        details: None,
    }
}

fn host(e: Error) -> StepError {
    let (code, message) = match e {
        Error::Denied(d) => ("denied", format!("denied: the step needs grant `{}`", d.capability)),
        Error::InvalidInput(i) => ("invalid-input", format!("{}: {}", i.field, i.message)),
        Error::NotFound(m) => ("not-found", m),
        Error::Conflict(m) => ("conflict", m),
        Error::Throttled(m) => ("throttled", m),
        Error::TimedOut(m) => ("timed-out", m),
        Error::Aws(a) => ("aws", format!("{} {}: {}", a.service, a.code, a.message)),
        Error::Internal(m) => ("internal", m),
    };
    fail(code, message)
}

export!(Step01);
