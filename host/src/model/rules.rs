//! What AWS would reject, checked before anything is sent or journaled (in a plan too). Each
//! check names the argument at fault and says how to fix it. A check of an id's or ARN's form
//! lets a plan's placeholder through (`known`): apply gives the real value.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use aws_sdk_cloudfront::types::MinimumProtocolVersion;
use aws_sdk_route53::types::RrType;

use super::fqdn;
use super::{
    CertificateSource, DistributionSpec, Header, HealthCheckConfig, HealthCheckProtocol, Origin, RecordChange,
    ViewerCertificate,
};
use crate::error::HostError;

/// Whether a value is a plan's placeholder (apply knows it; its form is not checked).
pub type Known<'a> = &'a dyn Fn(&str) -> bool;

/// IAM's rule for server certificate names: 1–128 of letters, digits and `+=,.@_-`.
pub fn iam_name(name: &str) -> Result<(), HostError> {
    let ok =
        (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        return Ok(());
    }
    Err(HostError::invalid(
        "name",
        "bad-name",
        format!("`{name}` is not a valid IAM server certificate name: use 1–128 letters, digits and `+=,.@_-`"),
    ))
}

/// IAM's rule for paths: `/`, or `/` + printable ASCII + `/`, at most 512 characters.
pub fn iam_path(path: &str) -> Result<(), HostError> {
    let ok = path.len() <= 512
        && path.starts_with('/')
        && path.ends_with('/')
        && path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    if !ok {
        return Err(HostError::invalid(
            "path",
            "bad-path",
            format!("`{path}` is not a valid IAM path: it must start and end with `/`, e.g. `/cloudfront/`"),
        ));
    }
    plain_iam_path("path", path)
}

/// An IAM path (or prefix) with no empty, `.` or `..` segment. IAM compares paths as text, so
/// `/cloudfront/../other/` is under `/cloudfront/` to IAM and to a grant while it reads as
/// `/other/`: the host refuses it rather than guess which was meant.
pub fn plain_iam_path(field: &str, path: &str) -> Result<(), HostError> {
    if crate::grants::is_plain_iam_path(path) {
        return Ok(());
    }
    Err(HostError::invalid(
        field,
        "bad-path",
        format!(
            "`{path}` has an empty, `.` or `..` segment, which IAM takes literally: write the path it means, e.g. `/cloudfront/`"
        ),
    ))
}

/// An ACM certificate ARN: `arn:aws:acm:REGION:ACCOUNT:certificate/ID`.
pub fn acm_arn(arn: &str, known: Known<'_>) -> Result<(), HostError> {
    if known(arn) || (arn.starts_with("arn:") && arn.contains(":acm:") && arn.contains(":certificate/")) {
        return Ok(());
    }
    Err(HostError::invalid(
        "arn",
        "bad-arn",
        format!("`{arn}` is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)"),
    ))
}

/// S3's rules for bucket names (those that work with CloudFront origins and TLS).
pub fn bucket_name(name: &str) -> Result<(), HostError> {
    let bytes = name.as_bytes();
    let ok = (3..=63).contains(&name.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !name.starts_with("xn--")
        && !name.ends_with("-s3alias");
    if ok {
        return Ok(());
    }
    Err(HostError::invalid(
        "name",
        "bad-bucket-name",
        format!(
            "`{name}` is not a usable S3 bucket name: 3–63 lowercase letters, digits and `-`, starting and ending with a letter or digit (no dots, so HTTPS works)"
        ),
    ))
}

/// A name of 1–64 characters (origin access controls, health-check caller references).
pub fn short_name(field: &str, reason: &'static str, what: &str, name: &str) -> Result<(), HostError> {
    if !name.is_empty() && name.len() <= 64 {
        return Ok(());
    }
    Err(HostError::invalid(field, reason, format!("{what} has 1–64 characters")))
}

/// A CloudFront viewer certificate.
pub fn viewer_certificate(v: &ViewerCertificate, known: Known<'_>) -> Result<(), HostError> {
    let policies = MinimumProtocolVersion::values();
    if !policies.contains(&v.minimum_protocol_version.as_str()) {
        return Err(HostError::invalid(
            "minimum-protocol-version",
            "unknown-protocol",
            format!(
                "`{}` is not a CloudFront security policy; use one of {}",
                v.minimum_protocol_version,
                policies.join(", ")
            ),
        ));
    }
    let missing = |what: &str| {
        HostError::invalid(
            "certificate",
            "missing-certificate",
            format!(
                "an {what} viewer certificate needs the certificate's {}",
                match what {
                    "IAM" => "server certificate id (ASCA…)",
                    _ => "ARN",
                }
            ),
        )
    };
    match (v.source, v.certificate.as_deref()) {
        (CertificateSource::Cloudfront, Some(_)) => Err(HostError::invalid(
            "certificate",
            "unexpected-certificate",
            "CloudFront's default certificate takes no certificate id; choose source `iam` or `acm`",
        )),
        (CertificateSource::Cloudfront, None) => Ok(()),
        (CertificateSource::Iam, None) => Err(missing("IAM")),
        (CertificateSource::Acm, None) => Err(missing("ACM")),
        (CertificateSource::Iam, Some(id)) if !id.starts_with("ASCA") && !known(id) => Err(HostError::invalid(
            "certificate",
            "bad-certificate-id",
            format!(
                "`{id}` is not an IAM server certificate id (they start with ASCA); use `get-server-certificate` to find it"
            ),
        )),
        (CertificateSource::Acm, Some(arn)) if !arn.starts_with("arn:aws:acm:us-east-1:") && !known(arn) => {
            Err(HostError::invalid(
                "certificate",
                "acm-not-us-east-1",
                format!(
                    "`{arn}` is not an ACM certificate in us-east-1: CloudFront uses ACM certificates from us-east-1 only"
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The managed parts of a distribution.
pub fn distribution_spec(spec: &DistributionSpec, known: Known<'_>) -> Result<(), HostError> {
    let bad = |field: &str, message: String| HostError::invalid(field.to_owned(), "bad-distribution", message);
    viewer_certificate(&spec.viewer_certificate, known)?;
    if !spec.aliases.is_empty() && spec.viewer_certificate.source == CertificateSource::Cloudfront {
        return Err(bad(
            "viewer-certificate",
            "aliases need an IAM or ACM certificate: CloudFront's default certificate covers only *.cloudfront.net"
                .into(),
        ));
    }
    for e in &spec.error_responses {
        if !(400..=599).contains(&e.error_code) || !(200..=599).contains(&e.response_code) {
            return Err(bad(
                "error-responses",
                format!(
                    "{} → {} is not an error code → response code CloudFront accepts",
                    e.error_code, e.response_code
                ),
            ));
        }
        if !e.response_page_path.starts_with('/') {
            return Err(bad(
                "error-responses",
                format!("`{}` must start with `/`", e.response_page_path),
            ));
        }
    }
    if spec.default_root_object.starts_with('/') {
        return Err(bad(
            "default-root-object",
            format!("`{}` must not start with `/`", spec.default_root_object),
        ));
    }
    if let Origin::S3(s3) = &spec.origin
        && s3.oac_id.is_empty()
    {
        return Err(bad(
            "origin",
            "an S3 origin needs an origin access control: use `ensure-origin-access-control`".into(),
        ));
    }
    if spec.comment.len() > 128 {
        return Err(bad("comment", "a comment has at most 128 characters".into()));
    }
    response_headers(&spec.response_headers)
}

/// An update keeps the distribution's caller reference: CloudFront refuses to change it
/// (`IllegalUpdate`), and the host derives the resources it manages for a distribution (its
/// response headers policy) from it, so another distribution's reference would reach those.
pub fn same_caller_reference(before: &DistributionSpec, after: &DistributionSpec) -> Result<(), HostError> {
    if before.caller_reference == after.caller_reference {
        return Ok(());
    }
    Err(HostError::invalid(
        "spec.caller-reference",
        "immutable",
        format!(
            "`{}` is not this distribution's caller reference (`{}`): CloudFront does not let it change; \
             pass the spec `get-distribution-spec` returned",
            after.caller_reference, before.caller_reference
        ),
    ))
}

/// Headers a response headers policy can add: a token for a name, 1–1783 characters of value.
pub fn response_headers(headers: &[Header]) -> Result<(), HostError> {
    for (header, value) in headers {
        let token = !header.is_empty() && header.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        if !token || value.is_empty() || value.len() > 1783 {
            return Err(HostError::invalid(
                "response-headers",
                "bad-header",
                format!("`{header}: {value}` is not a header CloudFront can add"),
            ));
        }
    }
    Ok(())
}

/// One change of a Route 53 batch for zone `zone_name`; `index` names it.
pub fn record_change(index: usize, change: &RecordChange, zone_name: &str) -> Result<(), HostError> {
    let set = &change.record_set;
    let bad = |message: String| HostError::invalid(format!("changes[{index}]"), "bad-record", message);
    let name = fqdn(&set.name);
    if name != zone_name && !name.ends_with(&format!(".{zone_name}")) {
        return Err(bad(format!("`{name}` is not in zone `{zone_name}`")));
    }
    match (&set.alias, set.ttl, set.values.is_empty()) {
        (Some(_), Some(_), _) => return Err(bad(format!("`{name}`: an alias record has no TTL"))),
        (Some(_), _, false) => return Err(bad(format!("`{name}`: an alias record has no values"))),
        (None, None, _) => return Err(bad(format!("`{name}`: a record that is not an alias needs a TTL"))),
        (None, _, true) => {
            return Err(bad(format!(
                "`{name}`: a record that is not an alias needs at least one value"
            )));
        }
        _ => {}
    }
    for value in &set.values {
        let ok = match set.record_type.as_str() {
            "A" => value.parse::<Ipv4Addr>().is_ok(),
            "AAAA" => value.parse::<Ipv6Addr>().is_ok(),
            _ => true,
        };
        if !ok {
            return Err(bad(format!(
                "`{name}`: `{value}` is not a valid {} value",
                set.record_type
            )));
        }
    }
    if set.record_type == "CNAME" && name == zone_name {
        return Err(bad(format!(
            "`{name}`: a CNAME cannot be at the zone apex; use an alias record"
        )));
    }
    if set.failover.is_some() && set.set_identifier.is_none() {
        return Err(bad(format!("`{name}`: a failover record needs a set identifier")));
    }
    if !RrType::values().contains(&set.record_type.as_str()) {
        return Err(bad(format!("`{}` is not a Route 53 record type", set.record_type)));
    }
    Ok(())
}

/// A Route 53 health check's settings.
pub fn health_check(c: &HealthCheckConfig) -> Result<(), HostError> {
    let bad = |field: &str, message: String| HostError::invalid(field.to_owned(), "bad-health-check", message);
    if ![10, 30].contains(&c.request_interval) {
        return Err(bad(
            "request-interval",
            format!(
                "{} is not a Route 53 request interval: use 10 or 30 seconds",
                c.request_interval
            ),
        ));
    }
    if !(1..=10).contains(&c.failure_threshold) {
        return Err(bad(
            "failure-threshold",
            format!(
                "{} is not a Route 53 failure threshold: use 1 to 10",
                c.failure_threshold
            ),
        ));
    }
    if c.port == 0 {
        return Err(bad("port", "the port must be 1–65535".into()));
    }
    if c.fqdn.is_none() && c.ip_address.is_none() {
        return Err(bad("fqdn", "a health check needs an fqdn or an ip-address".into()));
    }
    if let Some(ip) = &c.ip_address
        && ip.parse::<IpAddr>().is_err()
    {
        return Err(bad("ip-address", format!("`{ip}` is not an IPv4 or IPv6 address")));
    }
    if let Some(path) = &c.resource_path
        && (!path.starts_with('/') || path.len() > 255)
    {
        return Err(bad(
            "resource-path",
            format!("`{path}` must start with `/` and be at most 255 characters"),
        ));
    }
    if c.protocol == HealthCheckProtocol::Tcp && c.search_string.is_some() {
        return Err(bad("search-string", "a TCP health check cannot match a string".into()));
    }
    if c.search_string.as_ref().is_some_and(|s| s.is_empty() || s.len() > 255) {
        return Err(bad("search-string", "a search string has 1–255 characters".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
