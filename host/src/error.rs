//! The host's error type: what a host call returns to the guest. AWS SDK errors map into it in
//! the provider layer (`crate::provider::aws`).

/// Why a host call failed. Every variant but [`HostError::Trap`] reaches the guest as the WIT
/// `error` variant of the same name; `Trap` stops the guest (a host bug or a broken limit).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The step was not granted `capability` (for `resource`).
    #[error("denied: the step needs grant `{}`", grant_text(capability, resource.as_deref()))]
    Denied {
        /// The capability the call needs.
        capability: String,
        /// The resource the call was for, when the grant is narrowed to others.
        resource: Option<String>,
    },
    /// An argument was rejected before anything was sent.
    #[error("{field}: {message}")]
    InvalidInput {
        /// The argument or file at fault.
        field: String,
        /// A stable reason code.
        reason: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The resource changed or is in use.
    #[error("conflict: {0}")]
    Conflict(String),
    /// AWS throttled the call after retries.
    #[error("throttled: {0}")]
    Throttled(String),
    /// Waiting took longer than allowed.
    #[error("timed out: {0}")]
    TimedOut(String),
    /// AWS could not be reached or failed on its side (5xx), after retries: an outage. Reaches
    /// the guest as `internal`.
    #[error("{0}")]
    Transient(String),
    /// AWS did not answer within the read timeout (after one more try, for a read). Reaches the
    /// guest as `timed-out`.
    #[error("{0}")]
    NoAnswer(String),
    /// Another AWS error.
    #[error("{service} {code}: {message}")]
    Aws {
        /// The service that answered.
        service: &'static str,
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
        /// AWS's request id.
        request_id: Option<String>,
    },
    /// A failure inside the host.
    #[error("internal: {0}")]
    Internal(String),
    /// Not an error for the guest: stop it.
    #[error(transparent)]
    Trap(wasmtime::Error),
}

fn grant_text(capability: &str, resource: Option<&str>) -> String {
    match resource {
        Some(r) => format!("{capability}:{r}"),
        None => capability.to_owned(),
    }
}

impl HostError {
    /// The same error with each of its texts passed through `edit` (to redact them).
    pub fn redacted_with(self, edit: impl Fn(String) -> String) -> Self {
        match self {
            Self::InvalidInput { field, reason, message } => Self::InvalidInput {
                field: edit(field),
                reason,
                message: edit(message),
            },
            Self::NotFound(m) => Self::NotFound(edit(m)),
            Self::Conflict(m) => Self::Conflict(edit(m)),
            Self::Throttled(m) => Self::Throttled(edit(m)),
            Self::TimedOut(m) => Self::TimedOut(edit(m)),
            Self::Transient(m) => Self::Transient(edit(m)),
            Self::NoAnswer(m) => Self::NoAnswer(edit(m)),
            Self::Aws {
                service,
                code,
                message,
                request_id,
            } => Self::Aws {
                service,
                code,
                message: edit(message),
                request_id,
            },
            Self::Internal(m) => Self::Internal(edit(m)),
            denied @ Self::Denied { .. } => denied,
            trap @ Self::Trap(_) => trap,
        }
    }

    /// An [`HostError::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason,
            message: message.into(),
        }
    }
}

/// Formats an error with its whole chain of causes.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}
