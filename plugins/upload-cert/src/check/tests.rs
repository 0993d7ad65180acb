use super::*;
use crate::testing::{NOW, input, leaf, verified};
use switchyard_sdk::{DeniedError, InvalidInputError};

fn invalid(field: &str, reason: &str, message: &str) -> Error {
    Error::InvalidInput(InvalidInputError {
        field: field.into(),
        reason: reason.into(),
        message: message.into(),
    })
}

#[test]
fn file_problems_pass_the_host_message_through_naming_the_field() {
    let i = input("");
    let e = load_failure(
        invalid(
            "/work/flows/certs/site.key",
            "encrypted-key",
            "is encrypted: decrypt it.",
        ),
        &i,
    );
    assert_eq!(e.code, "invalid-input");
    assert_eq!(
        e.message,
        "cannot load the certificate bundle: the `private_key` file `/work/flows/certs/site.key` \
         (encrypted-key): is encrypted: decrypt it. Then correct the file or `private_key` in the \
         step's `with`; nothing was uploaded"
    );
    let e = load_failure(invalid("certs/chain.pem", "not-pem", "is DER"), &i);
    assert!(
        e.message
            .contains("the `chain` file `certs/chain.pem` (not-pem): is DER"),
        "{}",
        e.message
    );
    let e = load_failure(invalid("/x/certs/site.crt", "missing", "no such file"), &i);
    assert!(e.message.contains("the `certificate` file"), "{}", e.message);
    // A path that only shares a suffix with an input is not that input.
    let e = load_failure(invalid("/x/othercerts/site.crt", "missing", "no such file"), &i);
    assert!(
        e.message.contains("`/x/othercerts/site.crt` (missing)"),
        "{}",
        e.message
    );
    assert!(e.message.contains("its path"), "{}", e.message);
}

#[test]
fn other_load_errors_keep_their_code() {
    let e = load_failure(
        Error::Denied(DeniedError {
            capability: "certificates:load".into(),
            resource: Some("/x/certs/site.key".into()),
        }),
        &input(""),
    );
    assert_eq!(e.code, "denied");
    assert!(e.message.contains("certificates:load"), "{}", e.message);
}

#[test]
fn a_matching_valid_bundle_is_usable() {
    assert!(usable(&input(""), &leaf(), &verified()).is_ok());
    // Valid up to and including its last second.
    let mut l = leaf();
    l.not_after = NOW;
    assert!(usable(&input(""), &l, &verified()).is_ok());
}

#[test]
fn key_mismatch_is_refused() {
    let mut v = verified();
    v.key_matches_leaf = false;
    let e = usable(&input(""), &leaf(), &v).expect_err("refused");
    assert_eq!(e.code, "key-mismatch");
    assert!(e.message.contains("certs/site.key") && e.message.contains("certs/site.crt"));
}

#[test]
fn expired_is_refused() {
    let mut l = leaf();
    l.not_after = NOW - 1;
    let e = usable(&input(""), &l, &verified()).expect_err("refused");
    assert_eq!(e.code, "expired");
    assert!(e.message.contains("2025-06-15T15:06:39Z"), "{}", e.message);
}
