//! AWS in memory: the fake, and a plan's layer over it.

use std::sync::Arc;

use super::Memory;
use crate::error::HostError;
use crate::model::{ChangeAction, RecordChange};
use crate::provider::{
    CloudfrontRead, CloudfrontWrite, IamRead, IamWrite, Reader, Route53Read, Route53Write, S3Read, S3Write,
};
use crate::testing::{ACCOUNT, ZONE, a_record, bundle, fake, iam_viewer, spec};

#[tokio::test]
async fn the_fake_refuses_what_aws_refuses() {
    let aws = fake();
    let site = bundle(&["www.example.com"]);
    let cert = aws
        .upload_server_certificate("site", "/cloudfront/", &site)
        .await
        .expect("uploads");
    assert!(cert.id.starts_with("ASCA"), "{}", cert.id);
    let taken = aws.upload_server_certificate("site", "/cloudfront/", &site).await;
    assert!(
        matches!(taken, Err(HostError::Conflict(ref m)) if m.starts_with("EntityAlreadyExists")),
        "{taken:?}"
    );

    let d = aws
        .create_distribution(&spec("ref-1", &cert.id), None)
        .await
        .expect("creates");
    let twice = aws.create_distribution(&spec("ref-2", &cert.id), None).await;
    assert!(
        matches!(twice, Err(HostError::Conflict(ref m)) if m.starts_with("CNAMEAlreadyExists")),
        "{twice:?}"
    );
    let stale = aws
        .set_viewer_certificate(&d.id, "not-the-etag", &iam_viewer(&cert.id))
        .await;
    assert!(
        matches!(stale, Err(HostError::Conflict(ref m)) if m.starts_with("PreconditionFailed")),
        "{stale:?}"
    );
    let in_use = aws.delete_server_certificate("site").await;
    assert!(
        matches!(in_use, Err(HostError::Conflict(ref m)) if m.starts_with("DeleteConflict")),
        "{in_use:?}"
    );
    let enabled = aws.get_distribution(&d.id).await.expect("there");
    assert_eq!(enabled.status, "Deployed", "a fake change deploys at once");
    let delete = aws.delete_distribution(&d.id, &enabled.etag).await;
    assert!(
        matches!(delete, Err(HostError::Conflict(ref m)) if m.starts_with("DistributionNotDisabled")),
        "{delete:?}"
    );

    let create = |value: &str| RecordChange {
        action: ChangeAction::Create,
        record_set: a_record("www.example.com.", value),
    };
    aws.change_record_sets(ZONE, &[create("192.0.2.1")], None)
        .await
        .expect("creates");
    let again = aws.change_record_sets(ZONE, &[create("192.0.2.2")], None).await;
    assert!(
        matches!(again, Err(HostError::Aws { ref code, .. }) if code == "InvalidChangeBatch"),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_plan_layer_sees_its_own_writes_and_leaves_the_parent_alone() {
    let live = fake();
    live.create_bucket("live-bucket", "us-east-1").await.expect("bucket");
    let plan = Memory::plan(live.clone() as Arc<dyn Reader>, ACCOUNT);

    let cert = plan
        .upload_server_certificate("site", "/cloudfront/", &bundle(&["www.example.com"]))
        .await
        .expect("planned");
    assert_eq!(cert.id, "(known after apply: IAM server certificate id)");
    assert_eq!(
        plan.placeholder_of(&cert.id).as_deref(),
        Some("IAM server certificate id")
    );
    assert_eq!(plan.get_server_certificate("site").await.expect("read back").meta, cert);
    assert!(matches!(
        live.get_server_certificate("site").await,
        Err(HostError::NotFound(_))
    ));

    let d = plan
        .create_distribution(&spec("ref", &cert.id), None)
        .await
        .expect("planned");
    let listed = plan.list_distributions().await.expect("lists");
    assert_eq!(
        listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        [d.id.as_str()]
    );
    assert!(live.list_distributions().await.expect("lists").is_empty());
    // A second one of a kind gets a placeholder of its own.
    let other = plan
        .create_distribution(
            &crate::model::DistributionSpec {
                aliases: vec!["other.example.com".into()],
                ..spec("ref-2", &cert.id)
            },
            None,
        )
        .await
        .expect("planned");
    assert_eq!(other.id, "(known after apply: distribution id #2)");

    plan.put_object("live-bucket", "index.html", b"<p>down</p>", "text/html")
        .await
        .expect("planned");
    assert!(
        plan.head_object("live-bucket", "index.html")
            .await
            .expect("reads")
            .is_some()
    );
    assert!(
        live.head_object("live-bucket", "index.html")
            .await
            .expect("reads")
            .is_none()
    );
    assert!(
        plan.bucket_exists("live-bucket").await.expect("reads"),
        "the parent answers the rest"
    );
    let records = plan
        .list_record_sets(ZONE, "www.example.com.", Some("A"))
        .await
        .expect("reads");
    assert!(records.is_empty());
}

#[tokio::test]
async fn a_read_of_a_placeholder_the_plan_does_not_know_stops_the_step() {
    let plan = Memory::plan(fake() as Arc<dyn Reader>, ACCOUNT);
    let d = plan
        .create_distribution(&spec("ref", "ASCAFAKE0000000000001"), None)
        .await
        .expect("planned");
    let unknown = format!("{}-and-more", d.id);
    let err = plan.get_distribution(&unknown).await.expect_err("unknowable");
    match err {
        HostError::Trap(e) => assert!(e.downcast_ref::<crate::plan::PlanStop>().is_some(), "{e}"),
        other => panic!("not a stop: {other}"),
    }
}

#[tokio::test]
async fn a_planned_record_change_replaces_the_live_records_it_touches() {
    let live = fake();
    live.change_record_sets(
        ZONE,
        &[RecordChange {
            action: ChangeAction::Create,
            record_set: a_record("www.example.com.", "192.0.2.1"),
        }],
        None,
    )
    .await
    .expect("live record");
    let plan = Memory::plan(live.clone() as Arc<dyn Reader>, ACCOUNT);
    plan.change_record_sets(
        ZONE,
        &[RecordChange {
            action: ChangeAction::Upsert,
            record_set: a_record("www.example.com.", "192.0.2.9"),
        }],
        None,
    )
    .await
    .expect("planned");
    let seen = plan
        .list_record_sets(ZONE, "www.example.com.", Some("A"))
        .await
        .expect("reads");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].values, ["192.0.2.9"]);
    let live_now = live
        .list_record_sets(ZONE, "www.example.com.", Some("A"))
        .await
        .expect("reads");
    assert_eq!(live_now[0].values, ["192.0.2.1"]);
}

#[tokio::test]
async fn a_layer_over_another_parent_shares_what_was_written_and_reads_the_new_parent() {
    // A plan's view, read by each step with its own scoped credentials: one layer of planned
    // writes over whichever live reader the step has.
    let (first, second) = (fake(), fake());
    let site = bundle(&["www.example.com"]);
    second
        .upload_server_certificate("only-in-second", "/cloudfront/", &site)
        .await
        .expect("uploads");
    let plan = Memory::plan(first.clone() as Arc<dyn Reader>, ACCOUNT);
    let planned = plan
        .upload_server_certificate("planned", "/cloudfront/", &site)
        .await
        .expect("planned");

    let over = plan.over_parent(second.clone() as Arc<dyn Reader>);
    assert_eq!(
        over.get_server_certificate("planned").await.expect("shared").meta,
        planned
    );
    assert!(over.placeholder_of(&planned.id).is_some(), "placeholders are shared");
    assert!(
        over.get_server_certificate("only-in-second").await.is_ok(),
        "reads the new parent"
    );
    assert!(matches!(
        plan.get_server_certificate("only-in-second").await,
        Err(HostError::NotFound(_))
    ));
    over.upload_server_certificate("later", "/cloudfront/", &site)
        .await
        .expect("planned over the new parent");
    assert!(
        plan.get_server_certificate("later").await.is_ok(),
        "a write to either is in both"
    );
}
