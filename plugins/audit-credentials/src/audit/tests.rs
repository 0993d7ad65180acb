use super::*;
use crate::testing::*;
use switchyard_sdk::date::DAY;

fn run(i: &Input, users: &[UserCredentials]) -> Vec<Finding> {
    audit(i, NOW, &user_caller("deploy"), Some(&clean_summary()), users)
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_clean_account_has_no_findings() {
    let u = user("deploy", vec![key("****AAAA", 10, Some(1))], vec![], 1);
    assert_eq!(run(&defaults(), &[u]), []);
    assert_eq!(audit(&defaults(), NOW, &user_caller("deploy"), None, &[]), []);
}

#[test]
fn key_age_is_whole_days_more_than_the_limit() {
    let at = |age_secs: i64| {
        let mut k = key("****AAAA", 0, Some(0));
        k.created = NOW - age_secs;
        codes(&run(&defaults(), &[user("deploy", vec![k], vec![], 1)]))
    };
    assert!(at(90 * DAY).is_empty(), "exactly 90 days is not older than 90");
    assert!(at(91 * DAY - 1).is_empty(), "90 days and 23:59:59 is 90 whole days");
    assert_eq!(at(91 * DAY), ["key-older-than"]);
    let f = &run(
        &defaults(),
        &[user("deploy", vec![key("****AAAA", 200, Some(0))], vec![], 1)],
    )[0];
    assert_eq!(
        (f.severity, f.user.as_deref(), f.credential.as_deref()),
        (Severity::Warning, Some("deploy"), Some("****AAAA"))
    );
    assert!(
        f.message.contains("200 days old") && f.message.contains("`key_max_age_days` = 90"),
        "{}",
        f.message
    );
    assert!(f.fix.contains("rotate") && f.fix.contains("ending AAAA"), "{}", f.fix);
    let strict = input(serde_json::json!({"key_max_age_days": 30}));
    assert_eq!(
        codes(&run(
            &strict,
            &[user("deploy", vec![key("****AAAA", 31, Some(0))], vec![], 1)]
        )),
        ["key-older-than"]
    );
}

#[test]
fn unused_keys() {
    let one = |k: AccessKey| run(&defaults(), &[user("deploy", vec![k], vec![], 1)]);
    let never = one(key("****AAAA", 0, None));
    assert_eq!(codes(&never), ["key-unused"]);
    assert!(never[0].message.contains("never used"), "{}", never[0].message);
    assert!(
        one(key("****AAAA", 100, Some(90)))
            .iter()
            .all(|f| f.code != "key-unused")
    );
    let idle = one(key("****AAAA", 10, Some(91)));
    assert_eq!(codes(&idle), ["key-unused"]);
    assert!(
        idle[0]
            .message
            .contains("not used for 91 days (last: 2025-03-16, s3, us-east-1"),
        "{}",
        idle[0].message
    );
    assert!(
        idle[0]
            .fix
            .contains("--user-name deploy --access-key-id <the id ending AAAA>"),
        "{}",
        idle[0].fix
    );
    let strict = input(serde_json::json!({"key_unused_days": 7}));
    assert_eq!(
        codes(&run(
            &strict,
            &[user("deploy", vec![key("****AAAA", 10, Some(8))], vec![], 1)]
        )),
        ["key-unused"]
    );
}

#[test]
fn inactive_keys_are_not_reported() {
    let keys = vec![
        inactive(key("****AAAA", 400, None)),
        inactive(key("****BBBB", 400, Some(300))),
    ];
    assert_eq!(run(&defaults(), &[user("deploy", keys, vec![], 1)]), []);
    // Nor counted as the second active key.
    let keys = vec![key("****AAAA", 1, Some(0)), inactive(key("****BBBB", 1, Some(0)))];
    assert_eq!(run(&defaults(), &[user("deploy", keys, vec![], 1)]), []);
}

#[test]
fn two_active_keys() {
    let keys = vec![key("****AAAA", 1, Some(0)), key("****BBBB", 2, Some(0))];
    let f = run(&defaults(), &[user("deploy", keys, vec![], 1)]);
    assert_eq!(codes(&f), ["two-active-keys"]);
    assert_eq!(f[0].credential, None);
    assert!(f[0].message.contains("****AAAA and ****BBBB"), "{}", f[0].message);
}

#[test]
fn signing_certificates() {
    use CredentialStatus::{Active, Inactive};
    let one = |c: SigningCertificate| codes(&run(&defaults(), &[user("deploy", vec![], vec![c], 1)]));
    assert_eq!(one(cert("C1", Active, Some(400 * DAY))), ["signing-cert-active"]);
    assert_eq!(one(cert("C1", Active, None)), ["signing-cert-active"]);
    assert_eq!(one(cert("C1", Inactive, Some(400 * DAY))), Vec::<&str>::new());
    assert_eq!(
        one(cert("C1", Inactive, Some(DAY))),
        Vec::<&str>::new(),
        "inactive: not expiring"
    );
    assert_eq!(one(cert("C1", Inactive, Some(-1))), ["signing-cert-expired"]);
    assert_eq!(
        one(cert("C1", Active, Some(-DAY))),
        ["signing-cert-active", "signing-cert-expired"]
    );
    assert_eq!(
        one(cert("C1", Active, Some(0))),
        ["signing-cert-active", "signing-cert-expiring"],
        "not after yet"
    );
    assert_eq!(
        one(cert("C1", Active, Some(30 * DAY - 1))),
        ["signing-cert-active", "signing-cert-expiring"]
    );
    assert_eq!(
        one(cert("C1", Active, Some(30 * DAY))),
        ["signing-cert-active"],
        "30 days left is not fewer than 30"
    );
    let never = input(serde_json::json!({"signing_cert_expiring_days": 0}));
    assert_eq!(
        codes(&run(
            &never,
            &[user("deploy", vec![], vec![cert("C1", Active, Some(0))], 1)]
        )),
        ["signing-cert-active"]
    );
    let f = run(
        &defaults(),
        &[user("deploy", vec![], vec![cert("C9", Active, Some(5 * DAY))], 1)],
    );
    assert_eq!(f[1].credential.as_deref(), Some("C9"));
    assert!(f[1].message.contains("in 5 days"), "{}", f[1].message);
    let f = run(
        &defaults(),
        &[user("deploy", vec![], vec![cert("C9", Active, Some(DAY - 1))], 1)],
    );
    assert!(f[1].message.contains("in less than a day"), "{}", f[1].message);
    assert!(
        f[0].fix.contains("SOAP") && f[0].fix.contains("--certificate-id C9"),
        "{}",
        f[0].fix
    );
}

#[test]
fn users_without_mfa() {
    let f = run(&defaults(), &[user("deploy", vec![], vec![], 0)]);
    assert_eq!(codes(&f), ["no-mfa"]);
    assert_eq!(
        (f[0].severity, f[0].user.as_deref()),
        (Severity::Warning, Some("deploy"))
    );
}

#[test]
fn root_user() {
    let caller = user_caller("deploy");
    let mut s = clean_summary();
    s.root_access_keys = 2;
    let f = audit(&defaults(), NOW, &caller, Some(&s), &[]);
    assert_eq!(codes(&f), ["root-access-key"]);
    assert_eq!(
        (f[0].severity, f[0].user.as_deref(), f[0].credential.as_deref()),
        (Severity::Error, None, None)
    );
    assert!(f[0].message.contains("2 access keys"), "{}", f[0].message);
    s.root_access_keys = 1;
    assert!(
        audit(&defaults(), NOW, &caller, Some(&s), &[])[0]
            .message
            .contains("1 access key")
    );
    s.root_access_keys = 0;
    s.root_mfa = false;
    let f = audit(&defaults(), NOW, &caller, Some(&s), &[]);
    assert_eq!(codes(&f), ["no-mfa"]);
    assert_eq!((f[0].severity, f[0].user.as_deref()), (Severity::Error, Some(ROOT)));
    // Without the summary, neither is known.
    assert_eq!(audit(&defaults(), NOW, &caller, None, &[]), []);
}

#[test]
fn a_root_caller() {
    let root = Caller {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:root".into(),
        user_name: None,
        is_root: true,
        account_alias: None,
    };
    for summary in [None, Some(clean_summary())] {
        let f = audit(&defaults(), NOW, &root, summary.as_ref(), &[]);
        assert_eq!(codes(&f), ["root-access-key"]);
        assert_eq!(f[0].message, "the workflow signs with the root user's credentials");
        assert_eq!((f[0].severity, f[0].user.as_deref()), (Severity::Error, None));
        assert!(f[0].fix.contains("IAM role"), "{}", f[0].fix);
    }
}

#[test]
fn findings_are_sorted_errors_first_then_user_code_credential() {
    let mut s = clean_summary();
    s.root_access_keys = 1;
    s.root_mfa = false;
    let users = [
        user(
            "zed",
            vec![key("****ZZZ2", 200, None), key("****ZZZ1", 200, None)],
            vec![],
            0,
        ),
        user("amy", vec![], vec![cert("C2", CredentialStatus::Active, None)], 0),
    ];
    let f = audit(&defaults(), NOW, &user_caller("zed"), Some(&s), &users);
    let got: Vec<(&str, &str, &str)> = f
        .iter()
        .map(|f| {
            (
                f.code,
                f.user.as_deref().unwrap_or(""),
                f.credential.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("root-access-key", "", ""),
            ("no-mfa", "root", ""),
            ("signing-cert-active", "amy", "C2"),
            ("no-mfa", "amy", ""),
            ("key-older-than", "zed", "****ZZZ1"),
            ("key-older-than", "zed", "****ZZZ2"),
            ("key-unused", "zed", "****ZZZ1"),
            ("key-unused", "zed", "****ZZZ2"),
            ("two-active-keys", "zed", ""),
            ("no-mfa", "zed", ""),
        ]
    );
    let mut shuffled = f.clone();
    shuffled.reverse();
    sort(&mut shuffled);
    assert_eq!(shuffled, f);
}

#[test]
fn every_code_is_triggered_and_ranked() {
    use CredentialStatus::{Active, Inactive};
    let mut s = clean_summary();
    s.root_access_keys = 1;
    let certs = vec![cert("C1", Inactive, Some(-DAY)), cert("C2", Active, Some(DAY))];
    let keys = vec![key("****AAAA", 100, Some(1)), key("****BBBB", 1, None)];
    let f = audit(
        &defaults(),
        NOW,
        &user_caller("deploy"),
        Some(&s),
        &[user("deploy", keys, certs, 0)],
    );
    let mut got = codes(&f);
    got.dedup();
    assert_eq!(got, ORDER);
}
