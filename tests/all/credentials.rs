//! `switchyard audit` (the `audit-credentials` step over the `credentials` interface) against
//! the emulator: users and keys of several ages and uses, signing certificates active,
//! expiring and expired, exactly the findings expected, and no secret anywhere.

use std::collections::BTreeSet;
use std::time::Duration as StdDuration;

use aws_sdk_iam::Client;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::support::certs::{LeafSpec, leaf_edited};
use crate::support::{Emulator, Switchyard};

/// Days ago, as the emulator's hook takes a date.
fn days_ago(days: i64) -> String {
    let t = (OffsetDateTime::now_utc() - Duration::days(days))
        .replace_nanosecond(0)
        .expect("whole seconds");
    t.format(&time::format_description::well_known::Rfc3339).expect("date")
}

/// A user's new access key: (id, secret).
async fn access_key(iam: &Client, user: &str) -> (String, String) {
    let key = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .expect("create access key")
        .access_key
        .expect("key");
    (key.access_key_id, key.secret_access_key)
}

/// Sets a key's age and last use through the emulator's hook.
fn age(emulator: &Emulator, id: &str, created_days_ago: i64, used_days_ago: Option<i64>) {
    let last_used = used_days_ago.map(|d| json!({"date": days_ago(d), "service": "s3", "region": "eu-west-1"}));
    emulator.post(
        "/_switchyard/hooks/iam-access-key",
        &json!({"access_key_id": id, "create_date": days_ago(created_days_ago), "last_used": last_used}).to_string(),
    );
}

/// A self-signed signing certificate valid until `not_after`.
fn signing_certificate(not_after: OffsetDateTime) -> String {
    leaf_edited(LeafSpec::default(), None, |p| {
        p.not_before = OffsetDateTime::now_utc() - Duration::days(30);
        p.not_after = not_after;
    })
    .pem()
}

/// The account as the test builds it: what each user has, and the secrets made.
struct Account {
    key_ids: Vec<String>,
    secrets: Vec<String>,
    /// The `auditor` user's key, to sign the audit with.
    auditor: (String, String),
}

async fn build(emulator: &Emulator) -> Account {
    let iam = Client::new(&emulator.sdk().await);
    for user in ["auditor", "deploy", "legacy", "fresh"] {
        iam.create_user().user_name(user).send().await.expect("create user");
    }
    let auditor = access_key(&iam, "auditor").await;
    age(emulator, &auditor.0, 10, Some(0));
    // deploy: a key 200 days old used yesterday, and a second active one never used.
    let old = access_key(&iam, "deploy").await;
    age(emulator, &old.0, 200, Some(1));
    let unused = access_key(&iam, "deploy").await;
    age(emulator, &unused.0, 20, None);
    // legacy: a key 150 days old last used 120 days ago, and an inactive one 300 days old (no
    // finding);
    // a signing certificate that expires in 10 days, and one that expires in two seconds.
    let stale = access_key(&iam, "legacy").await;
    age(emulator, &stale.0, 150, Some(120));
    let off = access_key(&iam, "legacy").await;
    age(emulator, &off.0, 300, None);
    iam.update_access_key()
        .user_name("legacy")
        .access_key_id(&off.0)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .expect("deactivate");
    let expiring = signing_certificate(OffsetDateTime::now_utc() + Duration::days(10));
    let expired = signing_certificate(OffsetDateTime::now_utc() + Duration::seconds(2));
    for body in [&expiring, &expired] {
        iam.upload_signing_certificate()
            .user_name("legacy")
            .certificate_body(body.as_str())
            .send()
            .await
            .expect("upload signing certificate");
    }
    // Every user but fresh has an MFA device; fresh has nothing at all.
    for user in ["auditor", "deploy", "legacy"] {
        let device = iam
            .create_virtual_mfa_device()
            .virtual_mfa_device_name(user)
            .send()
            .await
            .expect("virtual MFA")
            .virtual_mfa_device
            .expect("device");
        iam.enable_mfa_device()
            .user_name(user)
            .serial_number(device.serial_number)
            .authentication_code1("123456")
            .authentication_code2("654321")
            .send()
            .await
            .expect("enable MFA");
    }
    // The root user: no access key, an MFA device (moto has no root of its own).
    emulator.post("/_switchyard/hooks/iam-root", r#"{"access_keys": 0, "mfa": true}"#);
    std::thread::sleep(StdDuration::from_secs(3));
    let key_ids = vec![auditor.0.clone(), old.0, unused.0, stale.0, off.0];
    let secrets = vec![auditor.1.clone(), old.1, unused.1, stale.1, off.1];
    Account {
        key_ids,
        secrets,
        auditor,
    }
}

/// `switchyard` signing with the auditor's key.
fn as_auditor(emulator: &Emulator, account: &Account) -> Switchyard {
    let mut cmd = emulator.switchyard();
    cmd.0
        .env("AWS_ACCESS_KEY_ID", &account.auditor.0)
        .env("AWS_SECRET_ACCESS_KEY", &account.auditor.1);
    cmd
}

/// (code, severity, user) of every finding.
fn findings(audit: &Value) -> BTreeSet<(String, String, String)> {
    audit["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            (s("code"), s("severity"), s("user"))
        })
        .collect()
}

/// Every user audited: exactly the findings the account holds, each key shown by its last
/// four characters, no key id or secret in any output or log; warnings pass, `--fail-on
/// warning` fails (exit 1).
#[tokio::test]
async fn an_audit_finds_exactly_what_the_account_holds_and_shows_no_secret() {
    let emulator = Emulator::start();
    let account = build(&emulator).await;
    let run = as_auditor(&emulator, &account).run(["audit", "--all-users", "--output", "json", "-v"]);
    assert_eq!(run.code, 0, "only warnings: {run:?}");
    let audit = run.json();
    let w = |code: &str, user: &str| (code.to_owned(), "warning".to_owned(), user.to_owned());
    let expected: BTreeSet<_> = [
        w("key-older-than", "deploy"),
        w("key-unused", "deploy"),
        w("two-active-keys", "deploy"),
        w("key-older-than", "legacy"),
        w("key-unused", "legacy"),
        w("signing-cert-active", "legacy"),
        w("signing-cert-active", "legacy"),
        w("signing-cert-expiring", "legacy"),
        w("signing-cert-expired", "legacy"),
        w("no-mfa", "fresh"),
    ]
    .into_iter()
    .collect();
    assert_eq!(findings(&audit), expected, "{audit:#}");
    assert_eq!(audit["errors"], 0, "{audit:#}");
    assert_eq!(audit["caller"]["user_name"], "auditor", "{audit:#}");
    let deploy = audit["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["name"] == "deploy")
        .expect("deploy audited");
    let masked: BTreeSet<&str> = deploy["access_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["masked_id"].as_str())
        .collect();
    let tails: BTreeSet<String> = account.key_ids[1..3]
        .iter()
        .map(|id| format!("****{}", &id[id.len() - 4..]))
        .collect();
    assert_eq!(masked, tails.iter().map(String::as_str).collect(), "{deploy:#}");
    for secret in account.key_ids.iter().chain(&account.secrets) {
        assert!(
            !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
            "{secret} shown: {run:?}"
        );
    }

    // Not even the AWS SDK's own trace of what IAM answered shows one.
    let mut traced = as_auditor(&emulator, &account);
    traced.0.env("SWITCHYARD_LOG", "trace");
    let traced = traced.run(["audit", "--all-users"]);
    assert!(
        traced.stderr.contains("ListAccessKeys"),
        "the trace is there: {}",
        traced.stderr.len()
    );
    for secret in account.key_ids.iter().chain(&account.secrets) {
        assert!(!traced.stderr.contains(secret.as_str()), "{secret} in the trace");
    }

    let human = as_auditor(&emulator, &account).run(["audit", "--all-users"]);
    assert_eq!(human.code, 0, "{human:?}");
    assert!(
        human.stdout.contains("two-active-keys") && human.stdout.contains("ok: 0 error(s), 10 warning(s)"),
        "{human:?}"
    );
    for id in &account.key_ids {
        assert!(!human.stdout.contains(id.as_str()), "{id} shown: {human:?}");
    }
    let strict = as_auditor(&emulator, &account).run(["audit", "--all-users", "--fail-on", "warning"]);
    assert_eq!(strict.code, 1, "{strict:?}");
    assert!(
        strict.stdout.contains("failed: 0 error(s), 10 warning(s)"),
        "{strict:?}"
    );
}

/// By default only the caller is audited; a named user only that user. Nothing is written.
#[tokio::test]
async fn an_audit_reads_only_the_users_asked_for_and_writes_nothing() {
    let emulator = Emulator::start();
    let account = build(&emulator).await;
    emulator.post("/_switchyard/requests/clear", "{}");
    let caller = as_auditor(&emulator, &account).run(["audit", "--output", "json"]);
    assert_eq!(caller.code, 0, "{caller:?}");
    let audit = caller.json();
    let users: Vec<&str> = audit["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(users, ["auditor"], "{audit:#}");
    assert_eq!(audit["findings"], json!([]), "{audit:#}");

    let named = as_auditor(&emulator, &account).run(["audit", "--user", "fresh", "--output", "json"]);
    let audit = named.json();
    assert_eq!(
        findings(&audit),
        BTreeSet::from([("no-mfa".to_owned(), "warning".to_owned(), "fresh".to_owned())]),
        "{audit:#}"
    );
    assert_eq!(emulator.writes(), Vec::<Value>::new(), "an audit writes nothing");
}

/// The account's root with an access key and no MFA: two errors, exit 1.
#[tokio::test]
async fn root_access_keys_fail_the_audit() {
    let emulator = Emulator::start();
    let account = build(&emulator).await;
    emulator.post("/_switchyard/hooks/iam-root", r#"{"access_keys": 1, "mfa": false}"#);
    let run = as_auditor(&emulator, &account).run(["audit", "--output", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let audit = run.json();
    let errors: BTreeSet<_> = findings(&audit).into_iter().filter(|f| f.1 == "error").collect();
    assert_eq!(
        errors,
        BTreeSet::from([
            ("no-mfa".to_owned(), "error".to_owned(), "root".to_owned()),
            ("root-access-key".to_owned(), "error".to_owned(), "-".to_owned()),
        ]),
        "{audit:#}"
    );
    assert_eq!(audit["errors"], 2, "{audit:#}");
}

/// In a workflow, a grant narrowed to one user: `users = "all"` audits only that user and says
/// the account summary was not checked; a user outside the grant is `denied`, naming the grant.
#[tokio::test]
async fn a_narrowed_grant_audits_only_its_users() {
    let emulator = Emulator::start();
    let account = build(&emulator).await;
    let step = |users: &str| {
        format!(
            "[workflow]\nname = \"audit\"\nregion = \"us-east-1\"\n\n[[step]]\nid = \"audit\"\nplugin = \"audit-credentials\"\nwith = {{ users = {users} }}\ngrants = [\"credentials:read:deploy\"]\n"
        )
    };
    let (_dir, file) = crate::support::workflow(&step("\"all\""));
    let run = as_auditor(&emulator, &account).run(["plan", "--output", "json", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{run:?}");
    let audit = crate::support::site::outputs(&run.json(), "audit").clone();
    let users: Vec<&str> = audit["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(users, ["deploy"], "{audit:#}");
    assert!(
        audit["not_checked"].as_array().is_some_and(|n| !n.is_empty()),
        "the account summary needs the whole-account grant: {audit:#}"
    );

    let (_dir, file) = crate::support::workflow(&step("[\"fresh\"]"));
    let run = as_auditor(&emulator, &account).run(["plan", "--output", "json", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 1, "{run:?}");
    let failure = &run.json()["steps"][0]["failure"];
    assert_eq!(failure["code"], "denied", "{failure:#}");
    assert!(
        failure["message"]
            .as_str()
            .is_some_and(|m| m.contains("credentials:read") && m.contains("fresh")),
        "{failure:#}"
    );
}
