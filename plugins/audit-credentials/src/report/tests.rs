use super::*;
use crate::testing::*;
use serde_json::{Value, json};

fn report(i: &Input, summary: Option<&AccountSummary>, users: &[UserCredentials]) -> Report {
    Report::new(i, NOW, &user_caller("deploy"), summary, users)
}

/// A user with one warning (an old key) and nothing else.
fn old_key_user() -> UserCredentials {
    user("deploy", vec![key("****WXYZ", 120, Some(2))], vec![], 1)
}

fn json_of(r: &Report) -> Value {
    serde_json::to_value(r).expect("report serialises")
}

#[test]
fn output_fields_are_the_output_schema() {
    let users = [user(
        "deploy",
        vec![key("****WXYZ", 120, Some(2)), inactive(key("****ABCD", 3, None))],
        vec![cert("C1", CredentialStatus::Inactive, None)],
        1,
    )];
    let v = json_of(&report(&defaults(), Some(&clean_summary()), &users));
    let schema: Value = serde_json::from_str(crate::input::OUTPUT_SCHEMA).expect("output schema is JSON");
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().expect("object").keys().cloned().collect();
        k.sort_unstable();
        k
    };
    assert_eq!(keys(&v), keys(&schema["properties"]));
    assert_eq!(keys(&v["caller"]), keys(&schema["properties"]["caller"]["properties"]));
    assert_eq!(
        v["caller"],
        json!({"account": "123456789012", "arn": "arn:aws:iam::123456789012:user/deploy",
               "user_name": "deploy", "is_root": false, "account_alias": "example"})
    );
    assert_eq!(
        v["users"],
        json!([{
            "name": "deploy",
            "access_keys": [
                {"masked_id": "****WXYZ", "status": "active", "created": "2025-02-15T15:06:40Z", "age_days": 120,
                 "last_used": {"date": "2025-06-13T15:06:40Z", "service": "s3", "region": "us-east-1"}},
                {"masked_id": "****ABCD", "status": "inactive", "created": "2025-06-12T15:06:40Z", "age_days": 3,
                 "last_used": null}
            ],
            "signing_certificates": [
                {"id": "C1", "status": "inactive", "uploaded": "2024-05-11T15:06:40Z", "not_after": null,
                 "subject": "CN=deploy"}
            ],
            "mfa_devices": 1
        }])
    );
    let f = &v["findings"][0];
    assert_eq!(keys(f), ["code", "credential", "fix", "message", "severity", "user"]);
    assert_eq!(
        (&f["code"], &f["severity"], &f["user"], &f["credential"]),
        (
            &json!("key-older-than"),
            &json!("warning"),
            &json!("deploy"),
            &json!("****WXYZ")
        )
    );
    assert_eq!(
        (&v["errors"], &v["warnings"], &v["not_checked"]),
        (&json!(0), &json!(1), &json!([]))
    );
}

#[test]
fn an_unreadable_summary_is_noted_not_failed() {
    let r = report(&defaults(), None, &[]);
    assert_eq!(r.not_checked, [NOT_CHECKED_ROOT_KEYS, NOT_CHECKED_ROOT_MFA]);
    assert_eq!(
        r.not_checked[0],
        "root-access-key: needs credentials:read for the whole account"
    );
    assert!(r.findings.is_empty());
    assert!(r.into_result(FailOn::Warning).is_ok());
}

#[test]
fn warnings_fail_only_with_fail_on_warning() {
    let r = report(&defaults(), Some(&clean_summary()), &[old_key_user()]);
    let out: Value = serde_json::from_str(&r.clone().into_result(FailOn::Error).expect("warnings pass")).expect("JSON");
    assert_eq!(out["warnings"], 1);
    let e = r.clone().into_result(FailOn::Warning).expect_err("warnings fail");
    assert_eq!(e.code, "audit-failed");
    assert_eq!(e.message, "1 error or warning finding: key-older-than");
    let details: Value = serde_json::from_str(e.details.as_deref().expect("details")).expect("JSON");
    assert_eq!(details, json_of(&r));
}

#[test]
fn errors_fail_and_name_their_codes_once() {
    let mut s = clean_summary();
    s.root_access_keys = 1;
    s.root_mfa = false;
    let root = Caller {
        user_name: None,
        is_root: true,
        arn: "arn:aws:iam::123456789012:root".into(),
        ..user_caller("x")
    };
    let r = Report::new(&defaults(), NOW, &root, Some(&s), &[old_key_user()]);
    assert_eq!((r.errors, r.warnings), (3, 1));
    let e = r.clone().into_result(FailOn::Error).expect_err("errors fail");
    assert_eq!(e.code, "audit-failed");
    assert_eq!(e.message, "3 error findings: root-access-key, no-mfa");
    let e = r.into_result(FailOn::Warning).expect_err("errors fail");
    assert_eq!(
        e.message,
        "4 error or warning findings: root-access-key, no-mfa, key-older-than"
    );
}

#[test]
fn log_lines_name_user_and_credential() {
    let mut s = clean_summary();
    s.root_access_keys = 2;
    let r = report(&defaults(), Some(&s), &[old_key_user()]);
    let lines = r.log_lines();
    assert_eq!(
        lines[0],
        (
            Severity::Error,
            "root-access-key: the root user has 2 access keys".to_owned()
        )
    );
    assert_eq!(lines[1].0, Severity::Warning);
    assert!(
        lines[1]
            .1
            .starts_with("key-older-than deploy ****WXYZ: the access key is 120 days old"),
        "{}",
        lines[1].1
    );
    assert_eq!(r.summary_line(), "1 user, 1 error, 1 warning");
    assert_eq!(
        report(&defaults(), Some(&clean_summary()), &[]).summary_line(),
        "0 users, 0 errors, 0 warnings"
    );
}

/// Every string in `v`, with the name of the field holding it.
fn strings<'a>(v: &'a Value, field: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match v {
        Value::String(s) => out.push((field, s)),
        Value::Array(items) => items.iter().for_each(|i| strings(i, field, out)),
        Value::Object(map) => map.iter().for_each(|(k, i)| strings(i, k, out)),
        _ => {}
    }
}

#[test]
fn no_output_holds_more_than_a_masked_key_id() {
    // Were the host ever to give a full key id, only its last four characters would get out.
    let users = [user(
        "deploy",
        vec![
            key("AKIAIOSFODNN7EXAMPLE", 200, None),
            key("ASIAY34FZKBOKMUTVV7A", 1, Some(0)),
        ],
        vec![],
        1,
    )];
    let r = report(&defaults(), Some(&clean_summary()), &users);
    let v = json_of(&r);
    let mut all = Vec::new();
    strings(&v, "", &mut all);
    let ids: Vec<&str> = all.iter().filter(|(f, _)| *f == "masked_id").map(|(_, s)| *s).collect();
    assert_eq!(ids, ["****MPLE", "****VV7A"]);
    for (field, s) in &all {
        assert!(
            !s.contains("AKIA") && !s.contains("ASIA"),
            "`{field}` holds more than a masked id: {s}"
        );
        if *field == "credential" {
            assert!(s.starts_with("****"), "{s}");
        }
    }
    for (_, line) in r.log_lines() {
        assert!(!line.contains("AKIA") && !line.contains("ASIA"), "{line}");
    }
    let details = r
        .into_result(FailOn::Warning)
        .expect_err("warnings")
        .details
        .expect("details");
    assert!(!details.contains("AKIA") && !details.contains("ASIA"), "{details}");
}

#[test]
fn the_account_of_the_end_to_end_test() {
    // tests/all/credentials.rs: four users audited with `users = "all"`, nine warnings, no error.
    use CredentialStatus::Active;
    let users = [
        user("auditor", vec![key("****AUD1", 10, Some(0))], vec![], 1),
        user(
            "deploy",
            vec![key("****DEP1", 200, Some(1)), key("****DEP2", 20, None)],
            vec![],
            1,
        ),
        user(
            "legacy",
            vec![key("****LEG1", 60, Some(120)), inactive(key("****LEG2", 300, None))],
            vec![
                cert("EXPIRING", Active, Some(10 * 86_400)),
                cert("EXPIRED", Active, Some(-1)),
            ],
            1,
        ),
        user("fresh", vec![], vec![], 0),
    ];
    let r = report(&input(json!({"users": "all"})), Some(&clean_summary()), &users);
    assert_eq!((r.errors, r.warnings), (0, 9));
    assert_eq!(r.summary_line(), "4 users, 0 errors, 9 warnings");
    assert!(r.clone().into_result(FailOn::Error).is_ok());
    assert_eq!(
        r.into_result(FailOn::Warning).expect_err("fails").message,
        // In finding order: deploy, fresh, then legacy.
        "9 error or warning findings: key-older-than, key-unused, two-active-keys, no-mfa, signing-cert-active, \
         signing-cert-expired, signing-cert-expiring"
    );
}

#[test]
fn key_ids_are_masked() {
    assert_eq!(audit::mask("****WXYZ"), "****WXYZ");
    assert_eq!(audit::mask("AKIAIOSFODNN7EXAMPLE"), "****MPLE");
    assert_eq!(audit::mask("****AKIAIOSFODNN7EXAMPLE"), "****MPLE");
    assert_eq!(audit::mask("ab"), "****ab");
    let u = user("deploy", vec![key("AKIAIOSFODNN7EXAMPLE", 200, None)], vec![], 1);
    assert_eq!(u.keys[0].masked_id, "****MPLE");
    for f in audit::audit(&defaults(), NOW, &user_caller("deploy"), None, &[u]) {
        assert_eq!(f.credential.as_deref(), Some("****MPLE"));
        assert!(!format!("{f:?}").contains("AKIA"), "{f:?}");
    }
}

#[test]
fn a_caller_that_is_no_user_says_no_user_was_read() {
    let role = Caller {
        user_name: None,
        arn: "arn:aws:sts::123456789012:assumed-role/ci/run".into(),
        ..user_caller("deploy")
    };
    let r = Report::new(&defaults(), NOW, &role, Some(&clean_summary()), &[]);
    assert_eq!(r.not_checked, [NOT_CHECKED_CALLER]);
    let all = Report::new(&input(json!({"users": "all"})), NOW, &role, Some(&clean_summary()), &[]);
    assert!(all.not_checked.is_empty(), "every user was asked for");
    let named = report(&defaults(), Some(&clean_summary()), &[old_key_user()]);
    assert!(named.not_checked.is_empty(), "the caller is a user");
}
