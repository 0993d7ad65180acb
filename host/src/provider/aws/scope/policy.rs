//! The session policy of a step: for each of its grants, the IAM actions of the calls the host
//! makes under that grant, on the resources the grant names, as an IAM policy document.
//!
//! The tables below follow the host functions (`host/src/wit/latest/`) down to the SDK
//! operations the provider sends (`provider/aws/`) and, for a plan, to what the plan's view of
//! AWS reads in place of a write (`provider/memory/`). Each action is narrowed as far as IAM's
//! service authorization reference lets it be: where IAM has no resource-level permission for
//! an action (lists, creations before there is an id, things a grant names by something no ARN
//! holds), it takes `*`, and the host's own gate stays the narrower check.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::ScopeError;
use crate::grants::{Capability, Grant, Grants, ResourceKind};

/// The most characters AWS takes for a session policy (packed: no whitespace).
pub const MAX_POLICY_CHARS: usize = 2048;

/// What a session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A plan: the reads of the host's calls, and what the plan's view reads in place of the
    /// writes. Never a write: a plan sends none.
    Plan,
    /// An apply: every call the host makes.
    Apply,
}

/// What an IAM action can be narrowed to.
#[derive(Clone, Copy, Debug)]
enum Arn {
    /// Nothing: IAM has no resource-level permission for the action, or the host cannot know
    /// the resource's ARN (an id AWS gives on creation, a resource a grant names by name).
    Star,
    /// CloudFront distributions, by id.
    Distribution,
    /// Route 53 hosted zones, by id.
    HostedZone,
    /// Every Route 53 health check: IAM names them by id, grants by caller reference, which no
    /// ARN holds, so a health-check grant never narrows the ARN.
    HealthChecks,
    /// Every Route 53 change: their ids are known only once a change is made.
    Changes,
    /// S3 buckets, by name.
    Bucket,
    /// The objects of S3 buckets.
    Objects,
    /// IAM server certificates, by path.
    ServerCertificate,
    /// ACM certificates, by ARN.
    AcmCertificate,
    /// IAM users, by name under any path (IAM's `*` spans `/`, so `user/*alice` also reaches
    /// `malice`: the gate stays the exact check).
    User,
}

/// How the gate lets the host make a call.
#[derive(Clone, Copy, Debug)]
enum When {
    /// On a resource of this kind, checked against the grant's pattern.
    On(ResourceKind),
    /// Under any grant of the capability: a read that learns which resource the call is for
    /// (`Gate::resolve`), before the gate checks it.
    Held,
    /// On no named resource: only a grant for every resource allows it.
    Unnamed,
}

/// Which runs make a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum In {
    /// A plan (if it is a read) and an apply.
    Both,
    /// Only a plan: its view of AWS reads it to lay a write over AWS, where an apply leaves the
    /// check to AWS.
    PlanView,
}

/// One IAM action a capability's calls use.
#[derive(Clone, Copy, Debug)]
struct Use {
    action: &'static str,
    arn: Arn,
    when: When,
    runs: In,
}

/// On the capability's primary resource.
const fn on(action: &'static str, arn: Arn) -> Use {
    of(ResourceKind::Primary, action, arn)
}

/// On a resource of `kind`.
const fn of(kind: ResourceKind, action: &'static str, arn: Arn) -> Use {
    Use {
        action,
        arn,
        when: When::On(kind),
        runs: In::Both,
    }
}

/// Under any grant of the capability.
const fn held(action: &'static str, arn: Arn) -> Use {
    Use {
        action,
        arn,
        when: When::Held,
        runs: In::Both,
    }
}

/// On no named resource.
const fn unnamed(action: &'static str) -> Use {
    Use {
        action,
        arn: Arn::Star,
        when: When::Unnamed,
        runs: In::Both,
    }
}

/// The same use, by a plan's view only.
const fn plan_view(u: Use) -> Use {
    Use {
        runs: In::PlanView,
        ..u
    }
}

const IDENTITY_READ: &[Use] = &[
    // identity.caller.
    unnamed("sts:GetCallerIdentity"),
];

const IAM_READ: &[Use] = &[
    // certificates.get-server-certificate: read by name, then the gate checks its path.
    on("iam:GetServerCertificate", Arn::ServerCertificate),
    // certificates.list-server-certificates, on a path prefix (IAM lists take `*`).
    on("iam:ListServerCertificates", Arn::Star),
    // certificates.server-certificate-quota.
    unnamed("iam:GetAccountSummary"),
];

const IAM_WRITE: &[Use] = &[
    // certificates.upload-server-certificate.
    on("iam:UploadServerCertificate", Arn::ServerCertificate),
    // certificates.delete-server-certificate: read first to learn its path, then deleted. A
    // plan's view reads whether an upload's name is taken.
    on("iam:GetServerCertificate", Arn::ServerCertificate),
    on("iam:DeleteServerCertificate", Arn::ServerCertificate),
    // A plan's view: whether a distribution still uses a certificate it deletes (in apply,
    // IAM answers `DeleteConflict`).
    plan_view(held("cloudfront:ListDistributions", Arn::Star)),
];

const CREDENTIALS_READ: &[Use] = &[
    // credentials.caller: who calls, and the account's alias, under any grant.
    held("sts:GetCallerIdentity", Arn::Star),
    held("iam:ListAccountAliases", Arn::Star),
    // credentials.list-users: every user, then only those the grant covers are returned.
    held("iam:ListUsers", Arn::Star),
    // credentials.list-access-keys (each key's last use), list-signing-certificates,
    // mfa-devices: on the user.
    on("iam:ListAccessKeys", Arn::User),
    on("iam:GetAccessKeyLastUsed", Arn::User),
    on("iam:ListSigningCertificates", Arn::User),
    on("iam:ListMFADevices", Arn::User),
    // credentials.account-summary: the whole account.
    unnamed("iam:GetAccountSummary"),
];

const ACM_READ: &[Use] = &[
    // certificates.describe-certificate.
    on("acm:DescribeCertificate", Arn::AcmCertificate),
    // certificates.list-certificates (describing each: under the same grant for every one).
    unnamed("acm:ListCertificates"),
    // certificates.list-managed-certificates: each one's tags.
    unnamed("acm:ListTagsForCertificate"),
];

const ACM_WRITE: &[Use] = &[
    // certificates.import-certificate: a new certificate only under a grant for every one (its
    // ARN is AWS's to give), a re-import under a grant for its ARN.
    on("acm:ImportCertificate", Arn::AcmCertificate),
    // certificates.delete-certificate, its public parts read first (kept for a rollback).
    on("acm:DeleteCertificate", Arn::AcmCertificate),
    on("acm:GetCertificate", Arn::AcmCertificate),
    // A new import (only under a grant for every certificate) is tagged as switchyard's: ACM
    // asks for this permission to tag on import.
    unnamed("acm:AddTagsToCertificate"),
    // delete-certificate's check that nothing uses it, and a plan's view of the certificate a
    // re-import or a delete changes.
    on("acm:DescribeCertificate", Arn::AcmCertificate),
];

const CLOUDFRONT_READ: &[Use] = &[
    // distributions.get-distribution, wait-until-deployed.
    on("cloudfront:GetDistribution", Arn::Distribution),
    // distributions.get-distribution-spec: the configuration, and the headers of the response
    // headers policy it uses (by an id no grant names).
    on("cloudfront:GetDistributionConfig", Arn::Distribution),
    on("cloudfront:GetResponseHeadersPolicy", Arn::Star),
    // distributions.list-distributions, find-by-alias.
    unnamed("cloudfront:ListDistributions"),
];

const CLOUDFRONT_WRITE: &[Use] = &[
    // distributions.set-viewer-certificate, update-distribution: the configuration they replace
    // (read again when sent), then the update, with If-Match.
    on("cloudfront:GetDistributionConfig", Arn::Distribution),
    on("cloudfront:UpdateDistribution", Arn::Distribution),
    // distributions.create-distribution: there is no id to narrow to before it exists.
    unnamed("cloudfront:CreateDistribution"),
    // The response headers policy of a created or updated distribution: found by name, then
    // created or updated (its id is AWS's to give).
    on("cloudfront:ListResponseHeadersPolicies", Arn::Star),
    on("cloudfront:GetResponseHeadersPolicy", Arn::Star),
    on("cloudfront:CreateResponseHeadersPolicy", Arn::Star),
    on("cloudfront:UpdateResponseHeadersPolicy", Arn::Star),
    // distributions.ensure-origin-access-control: found by name, else created (IAM names
    // them by id, grants by name).
    of(
        ResourceKind::OriginAccessControl,
        "cloudfront:ListOriginAccessControls",
        Arn::Star,
    ),
    of(
        ResourceKind::OriginAccessControl,
        "cloudfront:CreateOriginAccessControl",
        Arn::Star,
    ),
    // A plan's view: the distribution a change is laid over, and the aliases of the others
    // (in apply, CloudFront answers `CNAMEAlreadyExists`).
    plan_view(on("cloudfront:GetDistribution", Arn::Distribution)),
    plan_view(on("cloudfront:ListDistributions", Arn::Star)),
];

const ROUTE53_READ: &[Use] = &[
    // dns.find-hosted-zone.
    unnamed("route53:ListHostedZones"),
    // dns.list-record-sets.
    on("route53:ListResourceRecordSets", Arn::HostedZone),
    // dns.get-health-check, health-check-status: the check is read first, to learn the caller
    // reference the gate checks.
    held("route53:GetHealthCheck", Arn::HealthChecks),
    of(
        ResourceKind::HealthCheck,
        "route53:GetHealthCheckStatus",
        Arn::HealthChecks,
    ),
];

const ROUTE53_WRITE: &[Use] = &[
    // dns.change-record-sets: the zone and the record sets the change replaces, the change,
    // then its status until it is INSYNC.
    on("route53:GetHostedZone", Arn::HostedZone),
    on("route53:ListResourceRecordSets", Arn::HostedZone),
    on("route53:ChangeResourceRecordSets", Arn::HostedZone),
    on("route53:GetChange", Arn::Changes),
    // dns.ensure-health-check: found by caller reference, else created (IAM has no
    // resource-level permission for either), or set back from a drift.
    of(ResourceKind::HealthCheck, "route53:ListHealthChecks", Arn::Star),
    of(ResourceKind::HealthCheck, "route53:CreateHealthCheck", Arn::Star),
    of(
        ResourceKind::HealthCheck,
        "route53:UpdateHealthCheck",
        Arn::HealthChecks,
    ),
    // dns.delete-health-check: read first, to learn the caller reference the gate checks.
    held("route53:GetHealthCheck", Arn::HealthChecks),
    of(
        ResourceKind::HealthCheck,
        "route53:DeleteHealthCheck",
        Arn::HealthChecks,
    ),
];

const S3_READ: &[Use] = &[
    // storage.head-object (HeadObject is s3:GetObject; without s3:ListBucket, S3 answers a
    // missing key with 403 instead of 404).
    on("s3:GetObject", Arn::Objects),
    on("s3:ListBucket", Arn::Bucket),
];

const S3_WRITE: &[Use] = &[
    // storage.ensure-bucket: whether it exists (HeadBucket is s3:ListBucket; a plan's view
    // asks it before every write to a bucket), else created with all public access blocked;
    // a bucket found open by hand is closed again.
    on("s3:ListBucket", Arn::Bucket),
    on("s3:CreateBucket", Arn::Bucket),
    on("s3:GetBucketPublicAccessBlock", Arn::Bucket),
    on("s3:PutBucketPublicAccessBlock", Arn::Bucket),
    // storage.put-file: the object's metadata (HeadObject), then the upload.
    on("s3:GetObject", Arn::Objects),
    on("s3:PutObject", Arn::Objects),
    // storage.delete-object, delete-bucket.
    on("s3:DeleteObject", Arn::Objects),
    on("s3:DeleteBucket", Arn::Bucket),
    // storage.allow-distribution-read: the policy it replaces, then its own.
    on("s3:GetBucketPolicy", Arn::Bucket),
    on("s3:PutBucketPolicy", Arn::Bucket),
];

/// The IAM actions the host's calls under `capability` use; none for the local file grants.
fn uses(capability: Capability) -> &'static [Use] {
    match capability {
        Capability::IdentityRead => IDENTITY_READ,
        Capability::IamRead => IAM_READ,
        Capability::IamWrite => IAM_WRITE,
        Capability::AcmRead => ACM_READ,
        Capability::AcmWrite => ACM_WRITE,
        Capability::CloudfrontRead => CLOUDFRONT_READ,
        Capability::CloudfrontWrite => CLOUDFRONT_WRITE,
        Capability::Route53Read => ROUTE53_READ,
        Capability::Route53Write => ROUTE53_WRITE,
        Capability::S3Read => S3_READ,
        Capability::S3Write => S3_WRITE,
        Capability::CredentialsRead => CREDENTIALS_READ,
        Capability::CertificatesLoad | Capability::FilesRead => &[],
    }
}

/// Whether an IAM action only reads.
fn is_read(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    ["Get", "List", "Describe"].iter().any(|p| name.starts_with(p))
}

/// The session policy of a step with `grants`, for a `purpose` run, its ARNs in `partition`
/// and `account`: an IAM policy document (version 2012-10-17) allowing, for each grant, the IAM
/// actions of the calls the host makes under it, on the resources it names. One statement per
/// set of resources, actions and resources sorted, so that the same grants always make the same
/// document. `None` when no call the host can make for the step reaches AWS: the step gets no
/// credentials at all.
pub fn session_policy(grants: &Grants, purpose: Purpose, partition: &str, account: &str) -> Option<Value> {
    let mut allowed: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for grant in grants.iter() {
        for u in uses(grant.capability) {
            let wanted = match purpose {
                Purpose::Plan => is_read(u.action),
                Purpose::Apply => u.runs == In::Both,
            };
            if !wanted {
                continue;
            }
            if let Some(resource) = resource(u, grant, partition, account) {
                allowed.entry(u.action).or_default().insert(resource);
            }
        }
    }
    if allowed.is_empty() {
        return None;
    }
    // Actions on the same resources share a statement; `*` covers any other resource.
    let mut statements: BTreeMap<Vec<String>, Vec<&'static str>> = BTreeMap::new();
    for (action, resources) in allowed {
        let resources: Vec<String> = if resources.contains("*") {
            vec!["*".to_owned()]
        } else {
            resources.into_iter().collect()
        };
        statements.entry(resources).or_default().push(action);
    }
    let statements: Vec<Value> = statements
        .into_iter()
        .map(|(resources, actions)| json!({ "Effect": "Allow", "Action": actions, "Resource": resources }))
        .collect();
    Some(json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// `policy` as sent (no whitespace), refused when it is over what AWS takes.
pub fn packed(step: &str, policy: &Value) -> Result<String, ScopeError> {
    let text = policy.to_string();
    let size = text.chars().count();
    if size > MAX_POLICY_CHARS {
        return Err(ScopeError::PolicyTooLarge {
            step: step.to_owned(),
            size,
        });
    }
    Ok(text)
}

/// The resource `grant` allows action `u` on, if it allows it at all.
fn resource(u: &Use, grant: &Grant, partition: &str, account: &str) -> Option<String> {
    let Some(pattern) = grant.resource.as_deref() else {
        // A grant for every resource: every resource of the action.
        return Some("*".to_owned());
    };
    match u.when {
        When::Unnamed => None,
        When::On(kind) if kind != grant.kind => None,
        When::On(_) => Some(arn(u.arn, partition, account, Some(pattern))),
        When::Held => Some(arn(u.arn, partition, account, None)),
    }
}

/// The ARN (pattern) of the resources `pattern` names (a grant's resource), or every resource
/// of the shape when `None`.
fn arn(shape: Arn, partition: &str, account: &str, pattern: Option<&str>) -> String {
    let named = pattern.map_or_else(|| "*".to_owned(), iam_pattern);
    match shape {
        Arn::Star => "*".to_owned(),
        Arn::Distribution => format!("arn:{partition}:cloudfront::{account}:distribution/{named}"),
        Arn::HostedZone => format!("arn:{partition}:route53:::hostedzone/{named}"),
        Arn::HealthChecks => format!("arn:{partition}:route53:::healthcheck/*"),
        Arn::Changes => format!("arn:{partition}:route53:::change/*"),
        Arn::User => match pattern {
            Some(_) => format!("arn:{partition}:iam::{account}:user/*{named}"),
            None => format!("arn:{partition}:iam::{account}:user/*"),
        },
        Arn::Bucket => format!("arn:{partition}:s3:::{named}"),
        Arn::Objects => format!("arn:{partition}:s3:::{named}/*"),
        // A certificate's ARN is its path, then its name: the path grant is a prefix of it.
        // (IAM's `*` spans `/`: an exact path grant reaches the paths under it too, which the
        // gate still refuses.)
        Arn::ServerCertificate => {
            let path = pattern.map_or("/", |p| p.strip_suffix('*').unwrap_or(p));
            format!("arn:{partition}:iam::{account}:server-certificate{}*", literal(path))
        }
        // A grant names ACM certificates by their ARN already.
        Arn::AcmCertificate => match pattern {
            Some(_) => named,
            None => format!("arn:{partition}:acm:*:{account}:certificate/*"),
        },
    }
}

/// A grant's pattern as IAM matches it: its characters as themselves, then `*` when the grant
/// matches by prefix (it ends in `*` or `/`).
fn iam_pattern(pattern: &str) -> String {
    match pattern.strip_suffix('*') {
        Some(prefix) => format!("{}*", literal(prefix)),
        None if pattern.ends_with('/') => format!("{}*", literal(pattern)),
        None => literal(pattern),
    }
}

/// `text` with the characters IAM gives a meaning in a resource (`*`, `?`, `$`) escaped, so
/// that IAM matches them as the gate does: as themselves.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '$') {
            out.push_str("${");
            out.push(c);
            out.push('}');
        } else {
            out.push(c);
        }
    }
    out
}
