//! Session policies derived from grants, and the rest of scoped credentials that needs no AWS.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::grants::Grant;

const ACCOUNT: &str = "123456789012";

fn grants(list: &[&str]) -> Grants {
    Grants::new(list.iter().map(|g| g.parse::<Grant>().expect("grant parses")).collect())
}

fn policy(list: &[&str], purpose: Purpose) -> Value {
    session_policy(&grants(list), purpose, "aws", ACCOUNT).expect("a policy")
}

fn statement(actions: &[&str], resources: &[&str]) -> Value {
    json!({ "Effect": "Allow", "Action": actions, "Resource": resources })
}

fn document(statements: Vec<Value>) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// Every action a policy allows, on any resource.
fn actions(policy: &Value) -> Vec<String> {
    let mut all: Vec<String> = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .flat_map(|s| s["Action"].as_array().expect("actions").clone())
        .map(|a| a.as_str().expect("text").to_owned())
        .collect();
    all.sort();
    all
}

#[test]
fn the_example_upload_step_gets_iam_narrowed_to_its_path() {
    // examples/maintenance-failover.toml, step `upload`.
    let grants = ["certificates:load:certs/*", "iam:read", "iam:write:/cloudfront/"];
    assert_eq!(
        policy(&grants, Purpose::Apply),
        document(vec![
            statement(
                &[
                    "iam:GetAccountSummary",
                    "iam:GetServerCertificate",
                    "iam:ListServerCertificates"
                ],
                &["*"]
            ),
            statement(
                &["iam:DeleteServerCertificate", "iam:UploadServerCertificate"],
                &["arn:aws:iam::123456789012:server-certificate/cloudfront/*"]
            ),
        ])
    );
}

#[test]
fn a_zone_grant_narrows_record_changes_to_the_zone_and_reaches_nothing_else() {
    let grants = ["route53:read", "route53:write:Z123", "route53:write:health-check/www-*"];
    let apply = policy(&grants, Purpose::Apply);
    assert_eq!(
        apply,
        document(vec![
            statement(
                &[
                    "route53:CreateHealthCheck",
                    "route53:GetHealthCheck",
                    "route53:GetHealthCheckStatus",
                    "route53:ListHealthChecks",
                    "route53:ListHostedZones",
                    "route53:ListResourceRecordSets",
                ],
                &["*"]
            ),
            statement(&["route53:GetChange"], &["arn:aws:route53:::change/*"]),
            // IAM names health checks by id, a grant by caller reference: never narrower.
            statement(
                &["route53:DeleteHealthCheck", "route53:UpdateHealthCheck"],
                &["arn:aws:route53:::healthcheck/*"]
            ),
            statement(
                &["route53:ChangeResourceRecordSets", "route53:GetHostedZone"],
                &["arn:aws:route53:::hostedzone/Z123"]
            ),
        ])
    );
    assert!(
        actions(&apply).iter().all(|a| a.starts_with("route53:")),
        "nothing on another service: {apply}"
    );

    // Without `route53:read` and the health-check grant, the zone grant alone.
    assert_eq!(
        policy(&["route53:write:Z123"], Purpose::Apply),
        document(vec![
            statement(&["route53:GetChange"], &["arn:aws:route53:::change/*"]),
            // Read to learn a check's caller reference before the gate checks it.
            statement(&["route53:GetHealthCheck"], &["arn:aws:route53:::healthcheck/*"]),
            statement(
                &[
                    "route53:ChangeResourceRecordSets",
                    "route53:GetHostedZone",
                    "route53:ListResourceRecordSets"
                ],
                &["arn:aws:route53:::hostedzone/Z123"]
            ),
        ])
    );
}

#[test]
fn an_unnarrowed_grant_allows_its_actions_on_every_resource() {
    // examples/maintenance-failover.toml, step `maintenance`.
    let grants = [
        "s3:read",
        "s3:write",
        "files:read:maintenance.html",
        "cloudfront:read",
        "cloudfront:write",
    ];
    let apply = policy(&grants, Purpose::Apply);
    let statements = apply["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 1, "{apply}");
    assert_eq!(statements[0]["Resource"], json!(["*"]));
    assert_eq!(
        actions(&apply),
        [
            "cloudfront:CreateDistribution",
            "cloudfront:CreateOriginAccessControl",
            "cloudfront:CreateResponseHeadersPolicy",
            "cloudfront:GetDistribution",
            "cloudfront:GetDistributionConfig",
            "cloudfront:GetResponseHeadersPolicy",
            "cloudfront:ListDistributions",
            "cloudfront:ListOriginAccessControls",
            "cloudfront:ListResponseHeadersPolicies",
            "cloudfront:UpdateDistribution",
            "cloudfront:UpdateResponseHeadersPolicy",
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:DeleteObject",
            "s3:GetBucketPolicy",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:PutBucketPolicy",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutObject",
        ]
    );
}

#[test]
fn a_plan_session_only_reads_and_reads_what_the_plan_view_needs() {
    // A plan sends no write; its view reads what it lays a write over.
    assert_eq!(
        policy(&["iam:write:/cloudfront/"], Purpose::Plan),
        document(vec![
            statement(&["cloudfront:ListDistributions"], &["*"]),
            statement(
                &["iam:GetServerCertificate"],
                &["arn:aws:iam::123456789012:server-certificate/cloudfront/*"]
            ),
        ])
    );
    assert_eq!(
        policy(&["cloudfront:write:E12*"], Purpose::Plan),
        document(vec![
            statement(
                &[
                    "cloudfront:GetResponseHeadersPolicy",
                    "cloudfront:ListDistributions",
                    "cloudfront:ListResponseHeadersPolicies"
                ],
                &["*"]
            ),
            statement(
                &["cloudfront:GetDistribution", "cloudfront:GetDistributionConfig"],
                &["arn:aws:cloudfront::123456789012:distribution/E12*"]
            ),
        ])
    );
    // What only the plan's view reads is not in an apply's session.
    let apply = policy(&["cloudfront:write:E12*"], Purpose::Apply);
    assert!(
        !actions(&apply).contains(&"cloudfront:ListDistributions".to_owned()),
        "{apply}"
    );
    assert!(
        !actions(&apply).contains(&"cloudfront:GetDistribution".to_owned()),
        "{apply}"
    );
    let every = policy(
        &[
            "iam:write",
            "acm:write",
            "cloudfront:write",
            "route53:write",
            "s3:write",
        ],
        Purpose::Plan,
    );
    for action in actions(&every) {
        let name = action.split_once(':').expect("service:action").1;
        assert!(
            ["Get", "List", "Describe"].iter().any(|p| name.starts_with(p)),
            "a plan's session may not {action}"
        );
    }
}

#[test]
fn patterns_become_iam_patterns_with_their_own_characters_escaped() {
    assert_eq!(
        policy(&["cloudfront:write:E12*"], Purpose::Apply)["Statement"][1],
        statement(
            &["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
            &["arn:aws:cloudfront::123456789012:distribution/E12*"]
        )
    );
    assert_eq!(
        policy(&["s3:write:site-*"], Purpose::Apply),
        document(vec![
            statement(
                &[
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:GetBucketPolicy",
                    "s3:GetBucketPublicAccessBlock",
                    "s3:ListBucket",
                    "s3:PutBucketPolicy",
                    "s3:PutBucketPublicAccessBlock"
                ],
                &["arn:aws:s3:::site-*"]
            ),
            statement(
                &["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                &["arn:aws:s3:::site-*/*"]
            ),
        ])
    );
    // The gate matches `?` and `$` as themselves, and `*` only at the end: so does IAM.
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/a?b$c";
    assert_eq!(
        policy(&[&format!("acm:write:{arn}")], Purpose::Apply),
        document(vec![statement(
            &[
                "acm:DeleteCertificate",
                "acm:DescribeCertificate",
                "acm:GetCertificate",
                "acm:ImportCertificate"
            ],
            &["arn:aws:acm:us-east-1:123456789012:certificate/a${?}b${$}c"]
        )])
    );
    assert_eq!(
        policy(&["iam:write:/cloudfront/*"], Purpose::Apply)["Statement"][0]["Resource"],
        json!(["arn:aws:iam::123456789012:server-certificate/cloudfront/*"])
    );
    // Another partition.
    let cn = session_policy(&grants(&["route53:write:Z1"]), Purpose::Apply, "aws-cn", ACCOUNT).expect("a policy");
    assert!(cn.to_string().contains("arn:aws-cn:route53:::hostedzone/Z1"), "{cn}");
}

#[test]
fn a_grant_of_another_kind_reaches_only_that_kind() {
    assert_eq!(
        policy(&["cloudfront:write:oac/site-*"], Purpose::Apply),
        document(vec![statement(
            &[
                "cloudfront:CreateOriginAccessControl",
                "cloudfront:ListOriginAccessControls"
            ],
            &["*"]
        )])
    );
    // A narrowed grant allows no call that names no resource.
    let narrowed = policy(&["cloudfront:write:E1"], Purpose::Apply);
    assert!(
        !actions(&narrowed).contains(&"cloudfront:CreateDistribution".to_owned()),
        "{narrowed}"
    );
}

#[test]
fn a_step_that_reaches_no_aws_gets_no_policy() {
    for list in [
        &[][..],
        &["certificates:load:certs/*", "files:read:page.html"][..],
        // Narrowed: the gate allows no call of it, so neither does AWS.
        &["identity:read:anything"][..],
    ] {
        assert_eq!(
            session_policy(&grants(list), Purpose::Apply, "aws", ACCOUNT),
            None,
            "{list:?}"
        );
    }
    assert_eq!(
        policy(&["identity:read"], Purpose::Plan),
        document(vec![statement(&["sts:GetCallerIdentity"], &["*"])])
    );
}

#[test]
fn a_policy_over_what_aws_takes_is_refused_naming_the_step() {
    let many: Vec<String> = (0..60).map(|n| format!("cloudfront:write:E{n:013}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let big = policy(&many, Purpose::Apply);
    let err = packed("attach", &big).expect_err("too large");
    let text = err.to_string();
    assert!(text.starts_with("step `attach`: the session policy"), "{text}");
    assert!(text.contains("over the 2048"), "{text}");
    assert!(text.contains("broader grants"), "{text}");
    assert!(matches!(err, ScopeError::PolicyTooLarge { size, .. } if size > MAX_POLICY_CHARS));

    // A prefix says the same in one ARN.
    let prefixed = packed("attach", &policy(&["cloudfront:write:E*"], Purpose::Apply)).expect("fits");
    assert!(prefixed.len() <= MAX_POLICY_CHARS);
    assert!(
        !prefixed.contains(' ') && !prefixed.contains('\n'),
        "packed: {prefixed}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&prefixed).expect("JSON"),
        policy(&["cloudfront:write:E*"], Purpose::Apply)
    );
}

#[test]
fn the_same_grants_make_the_same_document_in_any_order() {
    let a = policy(&["route53:write:Z1", "s3:write:b", "iam:read"], Purpose::Apply);
    let b = policy(
        &["iam:read", "s3:write:b", "route53:write:Z1", "iam:read"],
        Purpose::Apply,
    );
    assert_eq!(a.to_string(), b.to_string());
}

#[test]
fn roles_are_read_strictly() {
    let role = RoleArn::parse("arn:aws-us-gov:iam::123456789012:role/deploy/switchyard").expect("a role");
    assert_eq!(
        (role.partition.as_str(), role.account.as_str()),
        ("aws-us-gov", ACCOUNT)
    );
    for bad in [
        "switchyard",
        "arn:aws:iam::123456789012:user/switchyard",
        "arn:aws:iam::12345:role/switchyard",
        "arn:aws:sts::123456789012:role/switchyard",
        "arn:aws:iam:us-east-1:123456789012:role/switchyard",
        "arn:aws:iam::123456789012:role/",
        "arn:other:iam::123456789012:role/x",
    ] {
        let err = RoleArn::parse(bad).expect_err(bad);
        assert!(err.to_string().contains("is not an IAM role ARN"), "{err}");
    }
}

#[test]
fn session_names_and_durations_are_what_aws_takes() {
    assert_eq!(session_name("upload"), "switchyard-upload");
    assert_eq!(session_name("a b/c"), "switchyard-a-b-c");
    let long = session_name(&"x".repeat(100));
    assert_eq!(long.len(), 64);
    assert!(long.starts_with("switchyard-xxx"));
    assert_eq!(session_seconds(Duration::from_secs(60)), 900);
    assert_eq!(session_seconds(Duration::from_secs(3600)), 3600);
    assert_eq!(session_seconds(Duration::from_secs(86_400)), 43_200);
}

#[tokio::test]
async fn a_role_of_another_account_is_refused_before_anything_is_sent() {
    use aws_config::{BehaviorVersion, Region};
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "AKIDTEST",
            "not-a-secret",
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let base = Arc::new(Aws::from_config(&config).expect("a region"));
    let steps = [("upload", grants(&["iam:write:/cloudfront/"]))];
    let other = ScopedCredentials::new(
        base.clone(),
        "arn:aws:iam::210987654321:role/switchyard",
        ACCOUNT,
        steps.iter().map(|(id, g)| (*id, g.clone())),
    )
    .expect_err("another account");
    assert!(other.to_string().contains("is in account 210987654321"), "{other}");

    let too_many: Vec<String> = (0..60).map(|n| format!("cloudfront:write:E{n:013}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let big = ScopedCredentials::new(
        base.clone(),
        "arn:aws:iam::123456789012:role/switchyard",
        ACCOUNT,
        [("validate", grants(&[])), ("attach", grants(&too_many))],
    )
    .expect_err("too large");
    assert!(big.to_string().starts_with("step `attach`:"), "{big}");

    // A step with no grant reaching AWS gets clients that refuse every call, unsent.
    let scoped = ScopedCredentials::new(
        base,
        "arn:aws:iam::123456789012:role/switchyard",
        ACCOUNT,
        [("validate", grants(&["certificates:load:certs/*"]))],
    )
    .expect("scoped");
    let aws = scoped
        .for_step("validate", Purpose::Apply, Duration::from_secs(3600))
        .await
        .expect("no credentials needed");
    let err = crate::provider::StsRead::caller(&aws).await.expect_err("refused");
    assert!(
        err.to_string()
            .contains("step `validate` holds no grant that reaches AWS"),
        "{err}"
    );
    assert!(err.to_string().contains("GetCallerIdentity not sent"), "{err}");
}

#[test]
fn a_credentials_grant_narrows_to_its_users_and_never_reaches_the_account_summary() {
    assert_eq!(
        policy(&["credentials:read:deploy-*"], Purpose::Plan),
        document(vec![
            statement(
                &["iam:ListAccountAliases", "iam:ListUsers", "sts:GetCallerIdentity"],
                &["*"]
            ),
            statement(
                &[
                    "iam:GetAccessKeyLastUsed",
                    "iam:ListAccessKeys",
                    "iam:ListMFADevices",
                    "iam:ListSigningCertificates"
                ],
                &["arn:aws:iam::123456789012:user/*deploy-*"]
            ),
        ])
    );
    let all = policy(&["credentials:read"], Purpose::Plan);
    assert!(actions(&all).contains(&"iam:GetAccountSummary".to_owned()), "{all}");
    assert!(
        actions(&all)
            .iter()
            .all(|a| !a.contains("Create") && !a.contains("Delete")),
        "{all}"
    );
}

#[test]
fn listing_switchyard_s_acm_certificates_needs_the_unnarrowed_grant() {
    let narrowed = policy(
        &["acm:read:arn:aws:acm:us-east-1:123456789012:certificate/a"],
        Purpose::Plan,
    );
    assert!(
        !actions(&narrowed).contains(&"acm:ListTagsForCertificate".to_owned()),
        "{narrowed}"
    );
    let all = policy(&["acm:read"], Purpose::Plan);
    assert!(
        actions(&all).contains(&"acm:ListTagsForCertificate".to_owned()),
        "{all}"
    );
}
