//! `maintenance-site`: a CloudFront distribution that answers every path of the given hostnames
//! with a maintenance page over HTTPS, from a private S3 bucket.
//!
//! Every path gets the page with status 503 and `Retry-After`: the distribution has no default
//! root object, so `/` and every other path miss in the bucket, CloudFront's custom error
//! responses turn the bucket's 403/404 into the page with 503, and a response headers policy
//! adds `Retry-After` to every response. Idempotent: a second run finds the
//! distribution by its first hostname and changes nothing that is already right.

mod input;

use switchyard_sdk::distributions::{
    self, DistributionSpec, ErrorResponse, Origin, S3Origin, SslSupportMethod, ViewerCertificate,
};
use switchyard_sdk::{Description, Step, StepContext, StepError, export_step, json, storage};

use input::Input;

/// The key the page is stored under; requests for it get the page with status 200.
const PAGE_KEY: &str = "switchyard-maintenance.html";
/// The caller reference prefix that marks a distribution as a switchyard maintenance site.
const REFERENCE_PREFIX: &str = "switchyard-maintenance-";

struct MaintenanceSite;

impl Step for MaintenanceSite {
    fn describe() -> Description {
        Description {
            name: "maintenance-site".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Ensures a CloudFront distribution that answers every path of `hostnames` \
                over HTTPS with the page in `page` and status 503: the page is stored in a private \
                S3 bucket (created if missing, public access blocked) that only this distribution \
                may read (origin access control). The certificate is set when the distribution is \
                created; later, attach-cert owns it. A second run changes nothing."
                .into(),
            input_schema: input::SCHEMA.into(),
            output_schema: input::OUTPUT_SCHEMA.into(),
            capabilities: [
                "s3:read",
                "s3:write",
                "files:read",
                "cloudfront:read",
                "cloudfront:write",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    fn run(_context: StepContext, input: String) -> Result<String, StepError> {
        let input: Input = json::input(&input)?;
        let hostnames = input.hostnames()?;
        input.check_certificate()?;
        let bucket_name = input.bucket(&hostnames);

        let bucket = storage::ensure_bucket(&bucket_name)?;
        let (_, page_written) = storage::put_file(&bucket.name, PAGE_KEY, &input.page, "text/html; charset=utf-8")?;
        if page_written {
            let to = format!("{} to s3://{}/{PAGE_KEY}", input.page, bucket.name);
            switchyard_sdk::log_change(&format!("uploaded {to}"), &format!("would upload {to}"));
        }
        let oac_name: String = format!("switchyard-{}", bucket.name).chars().take(64).collect();
        let oac_id = distributions::ensure_origin_access_control(&oac_name)?;

        let mut desired = DistributionSpec {
            caller_reference: format!("{REFERENCE_PREFIX}{}", bucket.name),
            comment: comment(&hostnames),
            aliases: hostnames.clone(),
            origin: Origin::S3(S3Origin {
                domain_name: bucket.domain_name.clone(),
                oac_id,
            }),
            default_root_object: String::new(),
            error_responses: [403, 404]
                .map(|code| ErrorResponse {
                    error_code: code,
                    response_code: 503,
                    response_page_path: format!("/{PAGE_KEY}"),
                    caching_min_ttl: 10,
                })
                .to_vec(),
            viewer_certificate: ViewerCertificate {
                source: input.store.source(),
                certificate: Some(input.certificate.clone()),
                ssl_support_method: Some(SslSupportMethod::SniOnly),
                minimum_protocol_version: input.minimum_protocol_version.clone(),
            },
            response_headers: vec![("Retry-After".into(), input.retry_after.to_string())],
            enabled: true,
        };

        let (distribution, created, changed) = match distributions::find_by_alias(&hostnames[0])? {
            None => {
                let d = distributions::create_distribution(&desired)?;
                switchyard_sdk::log_change(
                    &format!("created distribution {} ({})", d.id, d.domain_name),
                    &format!("would create a distribution for {}", hostnames.join(", ")),
                );
                (d, true, true)
            }
            Some(found) => {
                let (current, etag) = distributions::get_distribution_spec(&found.id)?;
                if !current.caller_reference.starts_with(REFERENCE_PREFIX) {
                    return Err(StepError {
                        code: "conflict".into(),
                        message: format!(
                            "`{}` is already an alias of distribution {}, which is not a switchyard maintenance site; \
                             CloudFront allows an alias on one distribution only: remove it there, or leave it out of `hostnames`",
                            hostnames[0], found.id
                        ),
                        details: None,
                    });
                }
                // After creation the certificate belongs to attach-cert: keep what is there.
                desired.caller_reference = current.caller_reference.clone();
                desired.viewer_certificate = current.viewer_certificate.clone();
                if same(&current, &desired) {
                    (found, false, false)
                } else {
                    let d = distributions::update_distribution(&found.id, &desired, &etag)?;
                    switchyard_sdk::log_change(
                        &format!("updated distribution {}", d.id),
                        &format!("would update distribution {}", d.id),
                    );
                    (d, false, true)
                }
            }
        };
        storage::allow_distribution_read(&bucket.name, &distribution.arn)?;

        json::output(&serde_json::json!({
            "distribution_id": distribution.id,
            "domain_name": distribution.domain_name,
            "arn": distribution.arn,
            "bucket": bucket.name,
            "page_key": PAGE_KEY,
            "created": created,
            "changed": changed || page_written,
        }))
    }
}

fn comment(hostnames: &[String]) -> String {
    let text = format!("switchyard maintenance site for {}", hostnames.join(", "));
    text.chars().take(128).collect()
}

/// Whether two specs agree on everything this step manages.
fn same(a: &DistributionSpec, b: &DistributionSpec) -> bool {
    let mut a_aliases = a.aliases.clone();
    let mut b_aliases = b.aliases.clone();
    a_aliases.sort();
    b_aliases.sort();
    let origin = |o: &Origin| match o {
        Origin::S3(s3) => (s3.domain_name.clone(), s3.oac_id.clone()),
        Origin::Https(d) => (d.clone(), String::new()),
    };
    let errors = |s: &DistributionSpec| {
        let mut e: Vec<_> = s
            .error_responses
            .iter()
            .map(|e| {
                (
                    e.error_code,
                    e.response_code,
                    e.response_page_path.clone(),
                    e.caching_min_ttl,
                )
            })
            .collect();
        e.sort();
        e
    };
    a.comment == b.comment
        && a_aliases == b_aliases
        && origin(&a.origin) == origin(&b.origin)
        && a.default_root_object == b.default_root_object
        && errors(a) == errors(b)
        && a.response_headers == b.response_headers
        && a.enabled == b.enabled
}

export_step!(MaintenanceSite);
