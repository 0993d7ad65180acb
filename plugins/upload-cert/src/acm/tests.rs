use super::*;
use crate::testing::leaf;

const ARN: &str = "arn:aws:acm:us-east-1:123456789012:certificate/";

fn acm(id: &str, serial: Option<&str>, not_after: Option<i64>, status: &str) -> AcmCertificate {
    AcmCertificate {
        arn: format!("{ARN}{id}"),
        domain_name: "www.example.com".into(),
        subject_alternative_names: vec!["www.example.com".into()],
        status: status.into(),
        serial: serial.map(str::to_owned),
        not_after,
        in_use_by: Vec::new(),
    }
}

/// The test leaf as ACM would show it: serial without the DER sign byte.
fn same(id: &str) -> AcmCertificate {
    acm(id, Some("f1e2d3c4b5a697"), Some(leaf().not_after), "ISSUED")
}

#[test]
fn same_serial_and_expiry_is_the_same_certificate() {
    let l = leaf();
    assert!(same_certificate(&same("a"), &l));
    assert!(same_certificate(
        &acm("a", Some("00f1e2d3c4b5a697"), Some(l.not_after), "ISSUED"),
        &l
    ));
    assert!(!same_certificate(
        &acm("a", Some("f1e2d3c4b5a698"), Some(l.not_after), "ISSUED"),
        &l
    ));
    assert!(!same_certificate(
        &acm("a", Some("f1e2d3c4b5a697"), Some(l.not_after + 1), "ISSUED"),
        &l
    ));
    assert!(!same_certificate(&acm("a", None, Some(l.not_after), "ISSUED"), &l));
    assert!(!same_certificate(&acm("a", Some("f1e2d3c4b5a697"), None, "ISSUED"), &l));
}

#[test]
fn without_acm_arn_reuses_or_imports_new() {
    let l = leaf();
    let other = acm("other", Some("01"), Some(l.not_after), "ISSUED");
    assert_eq!(choose(&[], &l, None).expect("ok"), Action::Import(None));
    assert_eq!(
        choose(std::slice::from_ref(&other), &l, None).expect("ok"),
        Action::Import(None)
    );
    assert_eq!(
        choose(&[other.clone(), same("a")], &l, None).expect("ok"),
        Action::Reuse(format!("{ARN}a"))
    );
    // An issued copy is preferred.
    let mut pending = same("p");
    pending.status = "INACTIVE".into();
    assert_eq!(
        choose(&[pending.clone(), same("b")], &l, None).expect("ok"),
        Action::Reuse(format!("{ARN}b"))
    );
    assert_eq!(
        choose(&[pending], &l, None).expect("ok"),
        Action::Reuse(format!("{ARN}p"))
    );
}

#[test]
fn with_acm_arn_reuses_it_or_reimports_onto_it() {
    let l = leaf();
    let old = acm("old", Some("01"), Some(l.not_after - 86_400), "ISSUED");
    let target = format!("{ARN}old");
    // Already the leaf: nothing to do.
    assert_eq!(
        choose(&[same("old")], &l, Some(&target)).expect("ok"),
        Action::Reuse(target.clone())
    );
    // Another certificate: re-import onto it, even when a copy of the leaf exists elsewhere.
    assert_eq!(
        choose(&[old.clone(), same("copy")], &l, Some(&target)).expect("ok"),
        Action::Import(Some(target.clone()))
    );
    // Not there: refused before any write.
    let e = choose(&[same("copy")], &l, Some(&target)).expect_err("not found");
    assert_eq!(e.code, "not-found");
    assert!(e.message.starts_with(&format!("`acm_arn` `{target}`")), "{}", e.message);
}
