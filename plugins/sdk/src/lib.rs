//! Write a Switchyard step in Rust.
//!
//! A step is a `cdylib` crate built for `wasm32-wasip2`. It implements [`Step`] and names its
//! type with [`export_step!`]:
//!
//! ```ignore
//! use switchyard_sdk::{export_step, Step, StepContext, Description, StepError};
//!
//! struct Hello;
//! impl Step for Hello {
//!     fn describe() -> Description { /* … */ }
//!     fn run(cx: StepContext, input: String) -> Result<String, StepError> { /* … */ }
//! }
//! export_step!(Hello);
//! ```
//!
//! The host interfaces are re-exported as modules ([`log`], [`identity`], [`certificates`],
//! [`distributions`], [`dns`], [`storage`], [`run`], [`domain_names`]); every call returns
//! [`Error`] when it fails.
//! [`names`] matches certificate names against domain names (RFC 6125), on any target.
#![deny(missing_docs)]

#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub mod wit {
    wit_bindgen::generate!({
        path: "../../wit/step@0.3.1",
        world: "switchyard:step/step",
        pub_export_macro: true,
        default_bindings_module: "switchyard_sdk::wit",
        generate_all,
    });
}

pub use wit::Guest as Step;
pub use wit::switchyard::step::types::{
    AwsError, DeniedError, Description, Error, InvalidInputError, StepContext, StepError,
};
pub use wit::switchyard::step::{
    certificates, credentials, distributions, dns, domain_names, identity, log, run, storage,
};

pub mod date;
pub mod names;

/// Where a certificate for CloudFront is kept, as a step's input names it: `iam` (an IAM server
/// certificate) or `acm` (an ACM certificate in us-east-1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Store {
    /// An IAM server certificate (the default).
    #[default]
    Iam,
    /// An ACM certificate in us-east-1.
    Acm,
}

impl Store {
    /// The viewer-certificate source CloudFront calls it.
    pub fn source(self) -> distributions::CertificateSource {
        match self {
            Self::Iam => distributions::CertificateSource::Iam,
            Self::Acm => distributions::CertificateSource::Acm,
        }
    }
}

/// Whether `value` is (or holds) a plan's placeholder: in `switchyard plan`, what only AWS can
/// tell (a new certificate's id, a new distribution's domain name) reaches later steps as a
/// placeholder. Pass such a value on to the host as it is, instead of checking its form; the
/// host knows it, and apply gives the real value. The host answers ([`run::placeholder`]);
/// outside a plan, and off WebAssembly (a plugin's own unit tests), nothing is a placeholder.
pub fn is_placeholder(value: &str) -> bool {
    #[cfg(target_family = "wasm")]
    {
        run::placeholder(value).is_some()
    }
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = value;
        false
    }
}

/// Whether the step runs in a plan (`switchyard plan`): its writes are recorded, not made.
/// Off WebAssembly (a plugin's own unit tests), never.
pub fn planning() -> bool {
    #[cfg(target_family = "wasm")]
    {
        run::mode() == run::RunMode::Plan
    }
    #[cfg(not(target_family = "wasm"))]
    {
        false
    }
}

/// Logs a change the step made, in the words of the run: `did` in apply ("uploaded …"),
/// `would` in a plan ("would upload …"), so that a plan never reads as if it changed anything.
pub fn log_change(did: &str, would: &str) {
    log::write(log::Level::Info, if planning() { would } else { did });
}

/// Exports a type implementing [`Step`] as the plugin's step.
#[macro_export]
macro_rules! export_step {
    ($ty:ident) => {
        $crate::wit::export!($ty with_types_in $crate::wit);
    };
}

/// Helpers for the JSON that steps take and return.
pub mod json {
    use super::StepError;
    use serde::{Serialize, de::DeserializeOwned};

    /// Parses a step's `with` input, naming the field at fault when it does not fit.
    pub fn input<T: DeserializeOwned>(input: &str) -> Result<T, StepError> {
        serde_json::from_str(input).map_err(|e| StepError {
            code: "invalid-input".into(),
            message: format!("the step's `with` input does not fit: {e}"),
            details: None,
        })
    }

    /// Serialises a step's output.
    pub fn output<T: Serialize>(value: &T) -> Result<String, StepError> {
        serde_json::to_string(value).map_err(|e| StepError {
            code: "internal".into(),
            message: format!("cannot serialise the step's output: {e}"),
            details: None,
        })
    }
}

/// A step's `invalid-input` failure: its `with` input is refused, `message` saying which field
/// and how to fix it.
pub fn invalid_input(message: String) -> StepError {
    StepError {
        code: "invalid-input".into(),
        message,
        details: None,
    }
}

/// Whether `name` is 1 to `max` of IAM's name characters (letters, digits and `+=,.@_-`), as
/// IAM names users (at most 64) and server certificates (at most 128).
pub fn is_iam_name(name: &str, max: usize) -> bool {
    (1..=max).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// Says what a host error means, for a person.
pub fn explain(e: &Error) -> String {
    match e {
        Error::Denied(d) => match &d.resource {
            Some(r) => format!("denied: the step needs grant `{}` for `{r}`", d.capability),
            None => format!("denied: the step needs grant `{}`", d.capability),
        },
        Error::InvalidInput(i) => format!("invalid {}: {}", i.field, i.message),
        Error::NotFound(m) => format!("not found: {m}"),
        Error::Conflict(m) => format!("conflict: {m}"),
        Error::Throttled(m) => format!("throttled: {m}"),
        Error::TimedOut(m) => format!("timed out: {m}"),
        Error::Aws(a) => format!("{} {}: {}", a.service, a.code, a.message),
        Error::Internal(m) => format!("host error: {m}"),
    }
}

impl From<Error> for StepError {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Denied(_) => "denied",
            Error::InvalidInput(_) => "invalid-input",
            Error::NotFound(_) => "not-found",
            Error::Conflict(_) => "conflict",
            Error::Throttled(_) => "throttled",
            Error::TimedOut(_) => "timed-out",
            Error::Aws(_) => "aws",
            Error::Internal(_) => "internal",
        };
        StepError {
            code: code.into(),
            message: explain(&e),
            details: None,
        }
    }
}
