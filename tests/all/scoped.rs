//! Scoped credentials (`--scoped-credentials`, `scoped_credentials_role`), end to end: one STS
//! AssumeRole per step that reaches AWS, with the session policy derived from its grants, and
//! the step's calls signed with what STS gave. moto accepts every session policy without
//! enforcing it: these tests check the policy the host sends, and who signed what.

use serde_json::{Value, json};

use crate::support::site::Site;
use crate::support::{ACCOUNT, Run};

const ROLE: &str = "arn:aws:iam::123456789012:role/switchyard-deploy";

/// A three-step workflow on the site: `validate` (local files only: no credentials at all),
/// `upload` (IAM, narrowed to `/cloudfront/`), `failover` (Route 53, narrowed to the site's
/// zone, with a 600 s deadline). `header` goes into `[workflow]`.
fn write_workflow(site: &Site, header: &str) {
    let zone = &site.zone_id;
    let text = format!(
        r#"[workflow]
name = "scoped"
region = "us-east-1"
{header}

[vars]
domains = ["www.example.com", "example.com"]

[[step]]
id = "validate"
plugin = "validate-cert"
with = {{ certificate = "certs/site.pem", private_key = "certs/site.key", chain = "certs/chain.pem", domains = "${{vars.domains}}", trust_store = "certs/root.pem" }}
grants = ["certificates:load:certs/*"]

[[step]]
id = "upload"
plugin = "upload-cert"
with = {{ certificate = "certs/site.pem", private_key = "certs/site.key", chain = "certs/chain.pem", name = "www-example-com", store = "iam", path = "/cloudfront/" }}
grants = ["certificates:load:certs/*", "iam:read", "iam:write:/cloudfront/"]

[[step]]
id = "failover"
plugin = "failover"
with = {{ hostnames = "${{vars.domains}}", origin = "203.0.113.10", maintenance_domain = "d111111abcdef8.cloudfront.net", health_check = {{ port = 443, path = "/health", interval = 30, failure_threshold = 3 }} }}
grants = ["route53:read", "route53:write:{zone}", "route53:write:health-check/*"]
limits = {{ deadline_seconds = 600 }}
"#
    );
    std::fs::write(site.file(), text).expect("write workflow");
}

fn run(site: &Site, args: &[&str]) -> Run {
    let file = site.file();
    site.emulator
        .switchyard()
        .dir(site.path())
        .run(
            args.iter()
                .copied()
                .chain(["--output", "json", "-v", file.to_str().expect("utf-8")]),
        )
}

fn statement(actions: &[&str], resources: &[&str]) -> Value {
    json!({ "Effect": "Allow", "Action": actions, "Resource": resources })
}

/// What an apply's session for step `upload` may do: IAM, its writes under `/cloudfront/`.
fn upload_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            statement(
                &["iam:GetAccountSummary", "iam:GetServerCertificate", "iam:ListServerCertificates"],
                &["*"],
            ),
            statement(
                &["iam:DeleteServerCertificate", "iam:UploadServerCertificate"],
                &[&format!("arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/*")],
            ),
        ],
    })
}

/// What an apply's session for step `failover` may do: Route 53, its record changes in `zone`.
fn failover_policy(zone: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            statement(
                &[
                    "route53:CreateHealthCheck",
                    "route53:GetHealthCheck",
                    "route53:GetHealthCheckStatus",
                    "route53:ListHealthChecks",
                    "route53:ListHostedZones",
                    "route53:ListResourceRecordSets",
                ],
                &["*"],
            ),
            statement(&["route53:GetChange"], &["arn:aws:route53:::change/*"]),
            statement(&["route53:DeleteHealthCheck", "route53:UpdateHealthCheck"], &["arn:aws:route53:::healthcheck/*"]),
            statement(
                &["route53:ChangeResourceRecordSets", "route53:GetHostedZone"],
                &[&format!("arn:aws:route53:::hostedzone/{zone}")],
            ),
        ],
    })
}

/// The requests sent, cut at each AssumeRole: what came before the first, then each AssumeRole
/// with the requests after it (until the next).
fn by_session(requests: &[Value]) -> (Vec<Value>, Vec<(Value, Vec<Value>)>) {
    let mut before = Vec::new();
    let mut sessions: Vec<(Value, Vec<Value>)> = Vec::new();
    for r in requests {
        if r["action"] == "AssumeRole" {
            sessions.push((r.clone(), Vec::new()));
        } else if let Some((_, calls)) = sessions.last_mut() {
            calls.push(r.clone());
        } else {
            before.push(r.clone());
        }
    }
    (before, sessions)
}

/// The session policy an AssumeRole sent.
fn sent_policy(assume: &Value) -> Value {
    let text = assume["params"]["Policy"]
        .as_str()
        .unwrap_or_else(|| panic!("no Policy: {assume}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("the Policy is not JSON ({e}): {text}"))
}

/// The credentials moto gave each session, by session name: (access key id, secret, token).
fn given(site: &Site) -> Vec<(String, String, String, String)> {
    let data = site.emulator.get("/moto-api/data.json");
    data["sts"]["AssumedRole"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let text = |key: &str| r[key].as_str().unwrap_or_else(|| panic!("no {key}: {r}")).to_owned();
            (
                text("session_name"),
                text("access_key_id"),
                text("secret_access_key"),
                text("session_token"),
            )
        })
        .collect()
}

/// `apply --scoped-credentials`: one AssumeRole per step that reaches AWS, named after it, its
/// policy derived from the step's grants, its duration the step's deadline; every call of the
/// step signed with the session's key; no secret STS gave in the output or the journal.
#[tokio::test]
async fn apply_assumes_the_role_per_step_with_its_grants_as_session_policy() {
    let site = Site::new().await;
    write_workflow(&site, "");
    site.clear_log();
    let applied = run(&site, &["apply", "--scoped-credentials", ROLE]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let report = applied.json();
    assert_eq!(report["ok"], true, "{report:#}");

    let requests = site.emulator.requests();
    let (before, sessions) = by_session(&requests);
    // Before any step: the account check, with the credentials themselves.
    assert!(
        before
            .iter()
            .all(|r| r["access_key"] == "testing" && r["action"] == "GetCallerIdentity"),
        "{before:#?}"
    );
    let names: Vec<&Value> = sessions.iter().map(|(a, _)| &a["params"]["RoleSessionName"]).collect();
    // `validate` holds only a local file grant: it gets no credentials, and no AssumeRole.
    assert_eq!(
        names,
        [&json!("switchyard-upload"), &json!("switchyard-failover")],
        "{requests:#?}"
    );
    for (assume, _) in &sessions {
        assert_eq!(assume["params"]["RoleArn"], ROLE, "{assume}");
        assert_eq!(
            assume["access_key"], "testing",
            "AssumeRole is the credentials' own: {assume}"
        );
    }
    let (upload, upload_calls) = &sessions[0];
    let (failover, failover_calls) = &sessions[1];
    assert_eq!(sent_policy(upload), upload_policy());
    assert_eq!(sent_policy(failover), failover_policy(&site.zone_id));
    // The default deadline (3600 s), and the failover's 600 s raised to STS's shortest, 900 s.
    assert_eq!(upload["params"]["DurationSeconds"], "3600", "{upload}");
    assert_eq!(failover["params"]["DurationSeconds"], "900", "{failover}");

    // Each step's calls are signed with its own session's key, which moto gave that session.
    let sessions_given = given(&site);
    let key_of = |name: &str| {
        sessions_given
            .iter()
            .find(|(session, ..)| session == name)
            .map(|(_, key, ..)| key.clone())
            .unwrap_or_else(|| panic!("moto gave no session {name}: {sessions_given:?}"))
    };
    for (calls, name, write) in [
        (upload_calls, "switchyard-upload", "UploadServerCertificate"),
        (failover_calls, "switchyard-failover", "ChangeResourceRecordSets"),
    ] {
        let key = key_of(name);
        assert!(key.starts_with("ASIA"), "{key}");
        assert!(
            calls.iter().any(|c| c["action"] == write),
            "{name} made its write: {calls:#?}"
        );
        assert!(
            calls.iter().all(|c| c["access_key"] == key.as_str()),
            "every call of {name} is signed with {key}: {calls:#?}"
        );
    }
    assert!(
        failover_calls.iter().all(|c| c["service"] == "route53"),
        "{failover_calls:#?}"
    );

    // What STS gave stays out of everything written down.
    let journal = report["journal"].as_str().expect("the journal's path");
    let journal = std::fs::read_to_string(journal).expect("journal");
    for (session, key, secret, token) in &sessions_given {
        for (what, text) in [
            ("stdout", &applied.stdout),
            ("stderr", &applied.stderr),
            ("journal", &journal),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "{session}'s secret key is in the {what}"
            );
            assert!(
                !text.contains(token.as_str()),
                "{session}'s session token is in the {what}"
            );
            assert!(
                !text.contains(key.as_str()),
                "{session}'s access key id is in the {what}"
            );
        }
    }
}

/// `scoped_credentials_role` in the workflow does the same for a plan, whose sessions may only
/// read: the plan sends no write but the AssumeRoles, and reads with each step's session.
#[tokio::test]
async fn a_plan_reads_with_read_only_sessions_set_in_the_workflow() {
    let site = Site::new().await;
    write_workflow(&site, &format!("scoped_credentials_role = \"{ROLE}\""));
    site.clear_log();
    let plan = run(&site, &["plan"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let requests = site.emulator.requests();
    let (_, sessions) = by_session(&requests);
    assert_eq!(sessions.len(), 2, "{requests:#?}");
    for (assume, calls) in &sessions {
        let policy = sent_policy(assume);
        for statement in policy["Statement"].as_array().expect("statements") {
            for action in statement["Action"].as_array().expect("actions") {
                let name = action
                    .as_str()
                    .and_then(|a| a.split_once(':'))
                    .expect("service:action")
                    .1;
                assert!(
                    ["Get", "List", "Describe"].iter().any(|p| name.starts_with(p)),
                    "a plan's session may only read, not {action}: {policy:#}"
                );
            }
        }
        assert!(
            calls
                .iter()
                .all(|c| c["write"] == false && c["access_key"].as_str().is_some_and(|k| k.starts_with("ASIA"))),
            "{calls:#?}"
        );
    }
    let writes: Vec<Value> = site.emulator.writes();
    assert!(
        writes.iter().all(|w| w["action"] == "AssumeRole"),
        "a plan writes nothing: {writes:#?}"
    );
    // The failover's reads stay in its zone and Route 53's lists.
    let failover = sent_policy(&sessions[1].0);
    assert_eq!(
        failover["Statement"][2],
        statement(
            &["route53:GetHostedZone"],
            &[&format!("arn:aws:route53:::hostedzone/{}", site.zone_id)]
        ),
        "{failover:#}"
    );
}

/// Refused before any step runs, with exit 2: a flag that disagrees with the workflow, a role
/// that is no role ARN, one of another account, and a step whose session policy is too large.
#[tokio::test]
async fn what_scoped_credentials_cannot_do_is_refused_before_anything_runs() {
    let site = Site::new().await;
    let refused = |run: &Run, said: &str| {
        assert_eq!(run.code, 2, "{run:?}");
        let error = run.json()["error"].as_str().expect("an error").to_owned();
        assert!(error.contains(said), "says {said:?}: {error}");
    };

    write_workflow(&site, &format!("scoped_credentials_role = \"{ROLE}\""));
    site.clear_log();
    let other = "arn:aws:iam::123456789012:role/other";
    refused(
        &run(&site, &["apply", "--scoped-credentials", other]),
        "disagrees with the workflow's scoped_credentials_role",
    );
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "nothing was sent");

    write_workflow(&site, "scoped_credentials_role = \"switchyard-deploy\"");
    refused(
        &run(&site, &["plan"]),
        "workflow.scoped_credentials_role: `switchyard-deploy` is not an IAM role ARN",
    );
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "nothing was sent");

    write_workflow(&site, "");
    refused(
        &run(
            &site,
            &[
                "apply",
                "--scoped-credentials",
                "arn:aws:iam::210987654321:role/switchyard",
            ],
        ),
        "is in account 210987654321, but the credentials are for account 123456789012",
    );

    // Sixty zones in one step: the policy would be over the 2048 characters AWS takes.
    let zones: Vec<String> = (0..60).map(|n| format!("\"route53:write:Z{n:020}\"")).collect();
    write_workflow(&site, "");
    let text = std::fs::read_to_string(site.file()).expect("read");
    let grants = format!("\"route53:read\", \"route53:write:{}\"", site.zone_id);
    assert!(text.contains(&grants));
    std::fs::write(
        site.file(),
        text.replace(&grants, &format!("\"route53:read\", {}", zones.join(", "))),
    )
    .expect("write");
    site.clear_log();
    refused(
        &run(&site, &["apply", "--scoped-credentials", ROLE]),
        "step `failover`: the session policy derived from its grants is",
    );
    assert!(
        site.emulator
            .requests()
            .iter()
            .all(|r| r["action"] == "GetCallerIdentity"),
        "no step ran, no role was assumed: {:#?}",
        site.emulator.requests()
    );
    assert!(site.emulator.writes().is_empty());
}
