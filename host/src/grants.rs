//! Grants: the capabilities a workflow gives a step, for every resource or for resources
//! matching a pattern. Deny by default.

use std::fmt;
use std::str::FromStr;

use crate::error::HostError;

/// A capability a host function belongs to. A workflow grants them to steps by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `identity:read`: who the credentials belong to.
    IdentityRead,
    /// `certificates:load`: read certificate and key files on the host.
    CertificatesLoad,
    /// `iam:read`: read IAM server certificates.
    IamRead,
    /// `iam:write`: upload and delete IAM server certificates.
    IamWrite,
    /// `acm:read`: read ACM certificates.
    AcmRead,
    /// `acm:write`: import and delete ACM certificates.
    AcmWrite,
    /// `cloudfront:read`: read distributions.
    CloudfrontRead,
    /// `cloudfront:write`: change distributions.
    CloudfrontWrite,
    /// `route53:read`: read zones, records and health checks.
    Route53Read,
    /// `route53:write`: change records and health checks.
    Route53Write,
    /// `s3:read`: read buckets and objects.
    S3Read,
    /// `s3:write`: create and change buckets and objects.
    S3Write,
    /// `files:read`: read files on the host (to upload them).
    FilesRead,
    /// `credentials:read`: read IAM users' access keys, signing certificates and MFA devices
    /// (never a secret), for an audit.
    CredentialsRead,
}

impl Capability {
    /// Every capability, in a stable order.
    pub const ALL: [Capability; 14] = [
        Self::IdentityRead,
        Self::CertificatesLoad,
        Self::IamRead,
        Self::IamWrite,
        Self::AcmRead,
        Self::AcmWrite,
        Self::CloudfrontRead,
        Self::CloudfrontWrite,
        Self::Route53Read,
        Self::Route53Write,
        Self::S3Read,
        Self::S3Write,
        Self::FilesRead,
        Self::CredentialsRead,
    ];

    /// The capability's name, as written in grants.
    pub fn name(self) -> &'static str {
        match self {
            Self::IdentityRead => "identity:read",
            Self::CertificatesLoad => "certificates:load",
            Self::IamRead => "iam:read",
            Self::IamWrite => "iam:write",
            Self::AcmRead => "acm:read",
            Self::AcmWrite => "acm:write",
            Self::CloudfrontRead => "cloudfront:read",
            Self::CloudfrontWrite => "cloudfront:write",
            Self::Route53Read => "route53:read",
            Self::Route53Write => "route53:write",
            Self::S3Read => "s3:read",
            Self::S3Write => "s3:write",
            Self::FilesRead => "files:read",
            Self::CredentialsRead => "credentials:read",
        }
    }

    /// Whether calls under it change anything.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Self::IamWrite | Self::AcmWrite | Self::CloudfrontWrite | Self::Route53Write | Self::S3Write
        )
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of resource a call touches and a grant is for. Each capability has a primary kind
/// (a distribution id for `cloudfront`, a zone id for `route53`, a bucket name for `s3`, an IAM
/// path for `iam`, a certificate ARN for `acm`, a file for `certificates:load` and `files:read`);
/// the resources of other kinds a service has are written with a prefix, so that one grant string
/// is never compared with resources of different kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// The capability's own resource, written without a prefix.
    Primary,
    /// A CloudFront origin access control, by name: `cloudfront:write:oac/NAME`.
    OriginAccessControl,
    /// A Route 53 health check, by caller reference: `route53:write:health-check/REF`.
    HealthCheck,
}

impl ResourceKind {
    /// The prefix a grant's resource of this kind is written with.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Primary => "",
            Self::OriginAccessControl => "oac/",
            Self::HealthCheck => "health-check/",
        }
    }

    /// The secondary kind `resource` is written as under `capability`, and the rest of it.
    fn split(capability: Capability, resource: &str) -> (Self, &str) {
        let secondary: &[ResourceKind] = match capability {
            Capability::CloudfrontRead | Capability::CloudfrontWrite => &[Self::OriginAccessControl],
            Capability::Route53Read | Capability::Route53Write => &[Self::HealthCheck],
            _ => &[],
        };
        secondary
            .iter()
            .find_map(|&kind| resource.strip_prefix(kind.prefix()).map(|rest| (kind, rest)))
            .unwrap_or((Self::Primary, resource))
    }
}

/// A grant that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum BadGrant {
    /// No such capability, or an empty resource.
    #[error("unknown capability `{0}`; known: {known}", known = Capability::ALL.map(Capability::name).join(", "))]
    Capability(String),
    /// A resource no call could match as written.
    #[error("`{grant}`: {why}")]
    Resource {
        /// The grant.
        grant: String,
        /// What is wrong, and the form to use.
        why: &'static str,
    },
}

impl FromStr for Capability {
    type Err = BadGrant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| BadGrant::Capability(s.to_owned()))
    }
}

/// One grant: a capability, for every resource or for resources matching a pattern.
///
/// Written `service:access` or `service:access:resource`. A resource pattern matches a
/// resource equal to it, or, when it ends in `*` or `/`, any resource it is a prefix of
/// (`iam:write:/cloudfront/`, `cloudfront:write:E2QWRUHAPOMQZL`, `certificates:load:./certs/*`).
/// A resource of another kind than the capability's primary one is written with its prefix
/// (`cloudfront:write:oac/site-*`, `route53:write:health-check/www-*`): see [`ResourceKind`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The capability granted.
    pub capability: Capability,
    /// The kind of resource it is for (of any kind when `resource` is `None`).
    pub kind: ResourceKind,
    /// The resources it is granted for, without the kind's prefix; `None` for all.
    pub resource: Option<String>,
}

impl FromStr for Grant {
    type Err = BadGrant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let service = parts.next().unwrap_or_default();
        let access = parts.next().unwrap_or_default();
        let capability: Capability = format!("{service}:{access}").parse()?;
        let Some(written) = parts.next() else {
            return Ok(Grant {
                capability,
                kind: ResourceKind::Primary,
                resource: None,
            });
        };
        let (kind, resource) = ResourceKind::split(capability, written);
        if resource.is_empty() {
            return Err(BadGrant::Resource {
                grant: s.to_owned(),
                why: "the resource is empty: name one, or drop the last `:` to grant every resource",
            });
        }
        if matches!(capability, Capability::IamRead | Capability::IamWrite) && !is_plain_iam_path(resource) {
            return Err(BadGrant::Resource {
                grant: s.to_owned(),
                why: "an IAM path grant starts with `/` and has no empty, `.` or `..` segments, e.g. `iam:write:/cloudfront/`",
            });
        }
        Ok(Grant {
            capability,
            kind,
            resource: Some(resource.to_owned()),
        })
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.resource {
            Some(r) => write!(f, "{}:{}{r}", self.capability, self.kind.prefix()),
            None => write!(f, "{}", self.capability),
        }
    }
}

/// An IAM path (or path prefix) that means what it says: it starts with `/` and has no empty,
/// `.` or `..` segment. IAM compares paths as text, so `/cloudfront/../other/` is "under"
/// `/cloudfront/` to IAM while it reads as `/other/` to a person: the host refuses such paths.
pub fn is_plain_iam_path(path: &str) -> bool {
    let Some(inner) = path.strip_prefix('/') else {
        return false;
    };
    let inner = inner.strip_suffix('*').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    inner.is_empty() || inner.split('/').all(|segment| !matches!(segment, "" | "." | ".."))
}

impl Grant {
    /// A grant of `capability` for resources matching `resource` of the primary kind.
    pub fn new(capability: Capability, resource: Option<String>) -> Self {
        Self {
            capability,
            kind: ResourceKind::Primary,
            resource,
        }
    }

    fn allows(&self, capability: Capability, kind: ResourceKind, resource: Option<&str>) -> bool {
        if self.capability != capability {
            return false;
        }
        let (Some(pattern), Some(resource)) = (self.resource.as_deref(), resource) else {
            // An unnarrowed grant allows everything; a narrowed one allows no call that names
            // no resource (such as a list of every distribution).
            return self.resource.is_none();
        };
        if self.kind != kind {
            return false;
        }
        match pattern.strip_suffix('*') {
            Some(prefix) => resource.starts_with(prefix),
            None if pattern.ends_with('/') => resource.starts_with(pattern),
            None => resource == pattern,
        }
    }
}

/// What a step was granted. Deny by default.
#[derive(Clone, Debug, Default)]
pub struct Grants(Vec<Grant>);

impl Grants {
    /// The grants given.
    pub fn new(grants: Vec<Grant>) -> Self {
        Self(grants)
    }

    /// Whether `capability` is granted for at least some resource.
    pub fn holds(&self, capability: Capability) -> bool {
        self.0.iter().any(|g| g.capability == capability)
    }

    /// Every capability, for every resource: the host's own work (a rollback), never a step.
    pub(crate) fn host() -> Self {
        Self(Capability::ALL.map(|capability| Grant::new(capability, None)).to_vec())
    }

    /// Checks one call on a resource of the capability's primary kind (`None`: every resource),
    /// naming the missing grant when it is not allowed.
    pub fn check(&self, capability: Capability, resource: Option<&str>) -> Result<(), HostError> {
        self.check_kind(capability, ResourceKind::Primary, resource)
    }

    /// Checks one call on a resource of `kind`, naming the missing grant when it is not allowed.
    pub fn check_kind(
        &self,
        capability: Capability,
        kind: ResourceKind,
        resource: Option<&str>,
    ) -> Result<(), HostError> {
        if self.0.iter().any(|g| g.allows(capability, kind, resource)) {
            return Ok(());
        }
        // Name the resource only when it would have made a difference.
        let narrowed = self.holds(capability);
        Err(HostError::Denied {
            capability: capability.name().to_owned(),
            resource: resource.filter(|_| narrowed).map(|r| format!("{}{r}", kind.prefix())),
        })
    }

    /// The grants, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &Grant> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(list: &[&str]) -> Grants {
        Grants::new(list.iter().map(|g| g.parse().expect("grant parses")).collect())
    }

    #[test]
    fn deny_by_default() {
        let err = Grants::default().check(Capability::IamRead, None).expect_err("denied");
        assert!(matches!(err, HostError::Denied { ref capability, resource: None } if capability == "iam:read"));
    }

    #[test]
    fn narrowed_grants_match_exactly_or_by_prefix() {
        let g = grants(&[
            "cloudfront:write:E123",
            "iam:write:/cloudfront/",
            "certificates:load:/etc/ssl/*",
        ]);
        let denied = |capability: Capability, resource: Option<&str>| match g.check(capability, resource) {
            Err(HostError::Denied { capability, resource }) => Some((capability, resource)),
            Err(other) => panic!("not a denial: {other}"),
            Ok(()) => None,
        };
        assert_eq!(denied(Capability::CloudfrontWrite, Some("E123")), None);
        assert_eq!(
            denied(Capability::CloudfrontWrite, Some("E1234")),
            Some(("cloudfront:write".into(), Some("E1234".into())))
        );
        assert_eq!(denied(Capability::IamWrite, Some("/cloudfront/site/")), None);
        assert_eq!(
            denied(Capability::IamWrite, Some("/other/")),
            Some(("iam:write".into(), Some("/other/".into())))
        );
        assert_eq!(denied(Capability::CertificatesLoad, Some("/etc/ssl/site.pem")), None);
        assert!(denied(Capability::CertificatesLoad, Some("/etc/passwd")).is_some());
        // A narrowed grant does not allow a call over every resource.
        assert_eq!(
            denied(Capability::CloudfrontWrite, None),
            Some(("cloudfront:write".into(), None))
        );
    }

    #[test]
    fn a_grant_is_for_one_kind_of_resource() {
        let g = grants(&[
            "cloudfront:write:E1",
            "route53:write:Z1",
            "route53:write:health-check/www-*",
        ]);
        let kinds = |capability, kind, resource| {
            g.check_kind(capability, kind, Some(resource))
                .map_err(|e| e.to_string())
        };
        assert_eq!(kinds(Capability::CloudfrontWrite, ResourceKind::Primary, "E1"), Ok(()));
        assert_eq!(
            kinds(Capability::CloudfrontWrite, ResourceKind::OriginAccessControl, "E1"),
            Err("denied: the step needs grant `cloudfront:write:oac/E1`".into()),
            "an origin access control named like the distribution is not the distribution"
        );
        assert_eq!(
            kinds(Capability::Route53Write, ResourceKind::HealthCheck, "Z1"),
            Err("denied: the step needs grant `route53:write:health-check/Z1`".into())
        );
        assert_eq!(
            kinds(Capability::Route53Write, ResourceKind::HealthCheck, "www-primary"),
            Ok(())
        );
        assert!(
            kinds(Capability::Route53Write, ResourceKind::Primary, "www-primary").is_err(),
            "a health-check grant is no zone grant"
        );
        // An unnarrowed grant covers every kind.
        let all = grants(&["cloudfront:write"]);
        assert!(
            all.check_kind(
                Capability::CloudfrontWrite,
                ResourceKind::OriginAccessControl,
                Some("x")
            )
            .is_ok()
        );
        assert_eq!(
            "cloudfront:write:oac/site-*".parse::<Grant>().expect("parses").kind,
            ResourceKind::OriginAccessControl
        );
    }

    #[test]
    fn an_iam_path_grant_means_what_it_reads() {
        for bad in [
            "iam:write:/cloudfront/../other/",
            "iam:read:cloudfront/",
            "iam:write:/a//b/",
        ] {
            let err = bad.parse::<Grant>().expect_err("refused");
            assert!(err.to_string().contains("no empty, `.` or `..` segments"), "{err}");
        }
        assert!("iam:write:/cloudfront/*".parse::<Grant>().is_ok());
    }

    #[test]
    fn denial_names_the_resource_only_when_narrowed() {
        let g = grants(&["cloudfront:write:E1"]);
        let err = g.check(Capability::CloudfrontWrite, Some("E2")).expect_err("denied");
        assert_eq!(err.to_string(), "denied: the step needs grant `cloudfront:write:E2`");
        let err = g.check(Capability::IamWrite, Some("/x/")).expect_err("denied");
        assert_eq!(err.to_string(), "denied: the step needs grant `iam:write`");
    }

    #[test]
    fn grants_parse_and_print() {
        for text in ["iam:read", "route53:write:Z123", "iam:write:/cloudfront/"] {
            assert_eq!(text.parse::<Grant>().expect("parses").to_string(), text);
        }
        let unknown = "iam:admin".parse::<Grant>().expect_err("no such access");
        assert!(
            unknown
                .to_string()
                .starts_with("unknown capability `iam:admin`; known: identity:read"),
            "{unknown}"
        );
        for grant in ["iam:read:", "route53:write:health-check/"] {
            let empty = grant.parse::<Grant>().expect_err("an empty resource");
            assert_eq!(
                empty.to_string(),
                format!("`{grant}`: the resource is empty: name one, or drop the last `:` to grant every resource")
            );
        }
    }
}
