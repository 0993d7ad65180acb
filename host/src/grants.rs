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
}

impl Capability {
    /// Every capability, in a stable order.
    pub const ALL: [Capability; 13] = [
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

/// A grant that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("unknown capability `{0}`; known: {known}", known = Capability::ALL.map(Capability::name).join(", "))]
pub struct UnknownCapability(String);

impl FromStr for Capability {
    type Err = UnknownCapability;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownCapability(s.to_owned()))
    }
}

/// One grant: a capability, for every resource or for resources matching a pattern.
///
/// Written `service:access` or `service:access:resource`. A resource pattern matches a
/// resource equal to it, or, when it ends in `*` or `/`, any resource it is a prefix of
/// (`iam:write:/cloudfront/`, `cloudfront:write:E2QWRUHAPOMQZL`, `certificates:load:./certs/*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The capability granted.
    pub capability: Capability,
    /// The resources it is granted for; `None` for all.
    pub resource: Option<String>,
}

impl FromStr for Grant {
    type Err = UnknownCapability;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let service = parts.next().unwrap_or_default();
        let access = parts.next().unwrap_or_default();
        let capability = format!("{service}:{access}").parse()?;
        let resource = parts.next().map(str::to_owned);
        if resource.as_deref() == Some("") {
            return Err(UnknownCapability(s.to_owned()));
        }
        Ok(Grant { capability, resource })
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.resource {
            Some(r) => write!(f, "{}:{r}", self.capability),
            None => write!(f, "{}", self.capability),
        }
    }
}

impl Grant {
    fn allows(&self, capability: Capability, resource: Option<&str>) -> bool {
        if self.capability != capability {
            return false;
        }
        let (Some(pattern), Some(resource)) = (self.resource.as_deref(), resource) else {
            // An unnarrowed grant allows everything; a narrowed one allows no call that names
            // no resource (such as a list of every distribution).
            return self.resource.is_none();
        };
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
        Self(
            Capability::ALL
                .map(|capability| Grant {
                    capability,
                    resource: None,
                })
                .to_vec(),
        )
    }

    /// Checks one call, naming the missing grant when it is not allowed.
    pub fn check(&self, capability: Capability, resource: Option<&str>) -> Result<(), HostError> {
        if self.0.iter().any(|g| g.allows(capability, resource)) {
            return Ok(());
        }
        // Name the resource only when it would have made a difference.
        let narrowed = self.holds(capability);
        Err(HostError::Denied {
            capability: capability.name().to_owned(),
            resource: resource.filter(|_| narrowed).map(str::to_owned),
        })
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
        let empty = "iam:read:".parse::<Grant>().expect_err("an empty resource");
        assert!(
            empty.to_string().starts_with("unknown capability `iam:read:`"),
            "{empty}"
        );
    }
}
