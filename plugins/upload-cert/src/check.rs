//! What makes a bundle unfit to upload, decided before anything is written. Pure functions over
//! what the host reports, unit tested natively.

use switchyard_sdk::certificates::{CertificateFacts, Verification};
use switchyard_sdk::{Error, StepError};

use crate::input::Input;
use switchyard_sdk::date;

/// A step error with `code` and `message`.
pub fn fail(code: &str, message: String) -> StepError {
    StepError {
        code: code.into(),
        message,
        details: None,
    }
}

/// The input field a path named by the host came from. The host names files by the path it
/// resolved (relative paths against the workflow's directory), so a path ending in the input's
/// path counts too.
fn role(input: &Input, field: &str) -> Option<&'static str> {
    let is = |given: &str| {
        let given = given.trim_start_matches("./");
        !given.is_empty() && (field == given || field.strip_suffix(given).is_some_and(|head| head.ends_with('/')))
    };
    if is(&input.private_key) {
        Some("private_key")
    } else if is(&input.certificate) {
        Some("certificate")
    } else if input.chain.as_deref().is_some_and(is) {
        Some("chain")
    } else {
        None
    }
}

/// The step error for a bundle that `certificates.load` refused. A file problem
/// (`invalid-input`) passes the host's message through, naming the input field; any other error
/// (`denied`, `internal`, …) is explained as it is.
pub fn load_failure(e: Error, input: &Input) -> StepError {
    let Error::InvalidInput(i) = &e else {
        return e.into();
    };
    let host = i.message.trim().trim_end_matches('.');
    let (which, fix) = match role(input, &i.field) {
        Some(key) => (
            format!("the `{key}` file `{}`", i.field),
            format!("correct the file or `{key}` in the step's `with`"),
        ),
        None => (
            format!("`{}`", i.field),
            "correct the file or its path in the step's `with`".to_owned(),
        ),
    };
    fail(
        "invalid-input",
        format!(
            "cannot load the certificate bundle: {which} ({}): {host}. Then {fix}; nothing was uploaded",
            i.reason
        ),
    )
}

/// Refuses a loaded bundle that IAM or ACM would refuse: a key that is not the certificate's
/// (`key-mismatch`), an expired certificate (`expired`).
pub fn usable(input: &Input, leaf: &CertificateFacts, v: &Verification) -> Result<(), StepError> {
    if !v.key_matches_leaf {
        return Err(fail(
            "key-mismatch",
            format!(
                "the `private_key` `{}` does not belong to the `certificate` `{}` ({}): IAM and ACM \
                 refuse a key that does not match the certificate. Use the key generated with this \
                 certificate's request (compare `openssl x509 -noout -pubkey -in CERT` with \
                 `openssl pkey -pubout -in KEY`; the validate-cert step checks the whole bundle); \
                 nothing was uploaded",
                input.private_key, input.certificate, leaf.subject
            ),
        ));
    }
    if leaf.not_after < v.checked_at {
        return Err(fail(
            "expired",
            format!(
                "the `certificate` `{}` ({}) expired at {}: IAM refuses expired certificates \
                 (MalformedCertificate) and CloudFront cannot serve one. Renew it and point \
                 `certificate`, `private_key` and `chain` at the new files; nothing was uploaded",
                input.certificate,
                leaf.subject,
                date::rfc3339(leaf.not_after)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
