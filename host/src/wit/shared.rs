//! What the modules of the WIT versions share: their bindings; and for the older ones, the
//! forwarding of each `Host` trait to the latest version's and the conversions of the types
//! that have not changed since 0.1.0. Each older module names its own bindings `old` and the
//! latest's `new`; these macros expand there.

/// The bindings of the WIT package in folder `$path` (relative to `host/`), its `StepPre`,
/// and an `add_to_linker` for its interfaces.
macro_rules! bindings {
    ($path:literal, $version:literal) => {
        pub(crate) mod bindings {
            wasmtime::component::bindgen!({
                path: $path,
                world: "switchyard:step/step",
                imports: { default: async | trappable },
                exports: { default: async },
                trappable_error_type: {
                    "switchyard:step/types.error" => crate::error::HostError,
                },
                with: {
                    "switchyard:step/certificates.bundle": crate::certs::SharedBundle,
                },
            });
        }

        pub(crate) use bindings::StepPre;

        #[doc = concat!("Adds version ", $version, "'s interfaces to `linker`.")]
        pub(crate) fn add_to_linker(
            linker: &mut wasmtime::component::Linker<crate::state::StepState>,
        ) -> wasmtime::Result<()> {
            bindings::Step::add_to_linker::<_, wasmtime::component::HasSelf<_>>(linker, |state| state)
        }
    };
}

/// `impl old::x::Host => new::x::Host { fn f(a: A) -> R; }`: each function converts its
/// arguments, calls the latest version's, and converts the result back.
macro_rules! forward {
    ($(impl $old:path => $new:path {
        $(fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*
    })*) => {
        $(impl $old for crate::state::StepState {
            $(async fn $name(&mut self, $($arg: $ty),*) -> $ret {
                <crate::state::StepState as $new>::$name(self, $($crate::wit::cast::Cast::cast($arg)),*)
                    .await
                    .map($crate::wit::cast::Cast::cast)
            })*
        })*
    };
}

/// The interfaces unchanged since 0.1.0, forwarded, and the conversion of a host error.
macro_rules! forward_unchanged {
    () => {
        impl old::types::Host for crate::state::StepState {
            fn convert_error(&mut self, err: crate::error::HostError) -> wasmtime::Result<old::types::Error> {
                Ok($crate::wit::cast::Cast::cast($crate::wit::latest::to_guest(err)?))
            }
        }

        $crate::wit::shared::forward! {
            impl old::log::Host => new::log::Host {
                fn write(level: old::log::Level, message: String) -> wasmtime::Result<()>;
                fn progress(message: String, done: u64, total: u64) -> wasmtime::Result<()>;
            }
            impl old::identity::Host => new::identity::Host {
                fn caller() -> Result<old::identity::CallerIdentity, crate::error::HostError>;
                fn region() -> wasmtime::Result<String>;
            }
            impl old::certificates::HostBundle => new::certificates::HostBundle {
                fn facts(bundle: Resource<SharedBundle>) -> wasmtime::Result<old::certificates::BundleFacts>;
                fn verify(bundle: Resource<SharedBundle>) -> wasmtime::Result<old::certificates::Verification>;
                fn drop(bundle: Resource<SharedBundle>) -> wasmtime::Result<()>;
            }
            impl old::dns::Host => new::dns::Host {
                fn find_hosted_zone(name: String) -> Result<Option<old::dns::HostedZone>, HostError>;
                fn ensure_health_check(caller_reference: String, config: old::dns::HealthCheckConfig)
                    -> Result<old::dns::HealthCheck, HostError>;
                fn get_health_check(id: String) -> Result<old::dns::HealthCheck, HostError>;
                fn delete_health_check(id: String) -> Result<(), HostError>;
                fn health_check_status(id: String) -> Result<old::dns::HealthStatus, HostError>;
                fn list_record_sets(zone_id: String, name: String, r#type: Option<String>)
                    -> Result<Vec<old::dns::RecordSet>, HostError>;
                fn change_record_sets(zone_id: String, changes: Vec<old::dns::Change>, comment: Option<String>)
                    -> Result<String, HostError>;
            }
        }
    };
}

/// The conversions of every type unchanged since 0.1.0, between `old` and `new` (and the
/// model, for what a step is told and returns).
macro_rules! cast_unchanged {
    () => {
        // Before 0.3.0 a plugin declares no outputs.
        impl $crate::wit::cast::Cast<crate::model::Description> for old::types::Description {
            fn cast(self) -> crate::model::Description {
                crate::model::Description {
                    name: self.name,
                    version: self.version,
                    description: self.description,
                    input_schema: self.input_schema,
                    capabilities: self.capabilities,
                    output_schema: None,
                }
            }
        }

        $crate::wit::cast::variant! {
            old::types::Error = new::types::Error {
                Denied, InvalidInput, NotFound, Conflict, Throttled, TimedOut, Aws, Internal,
            }
        }

        $crate::wit::cast::enumeration! {
            old::log::Level = new::log::Level { Trace, Debug, Info, Warn, Error }
            old::distributions::CertificateSource = new::distributions::CertificateSource { Cloudfront, Iam, Acm }
            old::distributions::SslSupportMethod = new::distributions::SslSupportMethod { SniOnly, Vip, StaticIp }
            old::dns::HealthCheckProtocol = new::dns::HealthCheckProtocol { Https, Http, Tcp }
            old::dns::FailoverRole = new::dns::FailoverRole { Primary, Secondary }
            old::dns::ChangeAction = new::dns::ChangeAction { Create, Delete, Upsert }
        }

        $crate::wit::cast::record! {
            old::types::AwsError = new::types::AwsError { service, code, message, request_id }
            old::types::DeniedError = new::types::DeniedError { capability, resource }
            old::types::InvalidInputError = new::types::InvalidInputError { field, reason, message }
            old::types::StepContext = crate::model::StepContext { step_id, workflow, region }
            old::types::StepError = crate::model::StepError { code, message, details }
            old::identity::CallerIdentity = new::identity::CallerIdentity { account, arn, user_id }
            old::certificates::BundleSource = new::certificates::BundleSource { certificate, private_key, chain }
            old::certificates::Link = new::certificates::Link { signed_by, self_signed }
            old::certificates::Verification = new::certificates::Verification {
                key_matches_leaf, leaf, chain, checked_at,
            }
            old::certificates::ServerCertificate = new::certificates::ServerCertificate {
                name, id, arn, path, expiration,
            }
            old::certificates::ServerCertificateDetail = new::certificates::ServerCertificateDetail {
                meta, body, chain, sha256_fingerprint,
            }
            old::certificates::AcmCertificate = new::certificates::AcmCertificate {
                arn, domain_name, subject_alternative_names, status, serial, not_after, in_use_by,
            }
            old::distributions::ViewerCertificate = new::distributions::ViewerCertificate {
                source, certificate, ssl_support_method, minimum_protocol_version,
            }
            old::distributions::Distribution = new::distributions::Distribution {
                id, arn, domain_name, status, enabled, aliases, comment, viewer_certificate, etag,
            }
            old::dns::HostedZone = new::dns::HostedZone { id, name, private_zone }
            old::dns::HealthCheckConfig = new::dns::HealthCheckConfig {
                protocol, fqdn, ip_address, port, resource_path, request_interval, failure_threshold,
                enable_sni, search_string,
            }
            old::dns::HealthCheck = new::dns::HealthCheck { id, caller_reference, config }
            old::dns::HealthStatus = new::dns::HealthStatus { healthy, checkers, healthy_checkers }
            old::dns::AliasTarget = new::dns::AliasTarget { hosted_zone_id, dns_name, evaluate_target_health }
            old::dns::RecordSet = new::dns::RecordSet {
                name, type_, ttl, values, alias, set_identifier, failover, health_check_id,
            }
            old::dns::Change = new::dns::Change { action, record_set }
        }
    };
}

/// The conversions of what 0.3.0 changed in `certificates`, from the latest version down: the
/// key algorithms 0.1.0 and 0.2.0 do not name become `other`; the facts they do not have are
/// left out.
macro_rules! cast_facts_down {
    () => {
        impl $crate::wit::cast::Cast<old::certificates::KeyAlgorithm> for new::certificates::KeyAlgorithm {
            fn cast(self) -> old::certificates::KeyAlgorithm {
                use new::certificates::KeyAlgorithm as New;
                use old::certificates::KeyAlgorithm as Old;
                match self {
                    New::Rsa => Old::Rsa,
                    New::EcP256 => Old::EcP256,
                    New::EcP384 => Old::EcP384,
                    New::EcP521 => Old::EcP521,
                    New::Ed25519 => Old::Ed25519,
                    New::EcP192 | New::EcP224 | New::Dsa | New::Other => Old::Other,
                }
            }
        }

        impl $crate::wit::cast::Cast<old::certificates::PublicKey> for new::certificates::PublicKey {
            fn cast(self) -> old::certificates::PublicKey {
                old::certificates::PublicKey {
                    algorithm: $crate::wit::cast::Cast::cast(self.algorithm),
                    bits: self.bits,
                }
            }
        }

        impl $crate::wit::cast::Cast<old::certificates::CertificateFacts> for new::certificates::CertificateFacts {
            fn cast(self) -> old::certificates::CertificateFacts {
                old::certificates::CertificateFacts {
                    subject: self.subject,
                    common_name: self.common_name,
                    issuer: self.issuer,
                    serial: self.serial,
                    not_before: self.not_before,
                    not_after: self.not_after,
                    dns_names: self.dns_names,
                    key: $crate::wit::cast::Cast::cast(self.key),
                    signature_algorithm: self.signature_algorithm,
                    sha256_fingerprint: self.sha256_fingerprint,
                    is_ca: self.is_ca,
                }
            }
        }

        impl $crate::wit::cast::Cast<old::certificates::BundleFacts> for new::certificates::BundleFacts {
            fn cast(self) -> old::certificates::BundleFacts {
                old::certificates::BundleFacts {
                    leaf: $crate::wit::cast::Cast::cast(self.leaf),
                    chain: $crate::wit::cast::Cast::cast(self.chain),
                    certificates_in_certificate_file: self.certificates_in_certificate_file,
                }
            }
        }
    };
}

pub(crate) use {bindings, cast_facts_down, cast_unchanged, forward, forward_unchanged};
