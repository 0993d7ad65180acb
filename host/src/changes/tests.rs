//! Each kind's undo and find-after-crash, against AWS in memory.

use super::*;
use crate::model::{ChangeAction, RecordChange, RecordSet};
use crate::provider::{CloudfrontRead, CloudfrontWrite, Route53Read, Route53Write, S3Write};
use crate::report::Progress;
use crate::testing::{ZONE, a_record, bundle, fake, iam_viewer, spec};

/// Undoes `change` against `aws` as it is, and makes the undo: what a rollback does.
async fn undo(aws: &crate::provider::memory::Memory, change: &Change, created: Option<&str>) -> Vec<Change> {
    let undo = change
        .undo(aws, created)
        .await
        .unwrap_or_else(|e| panic!("undoable: {e:?}"));
    for step in &undo {
        step.send(aws, &Progress::default()).await.expect("the undo is made");
    }
    undo
}

#[tokio::test]
async fn an_upload_is_undone_by_a_delete_once_no_distribution_uses_it_and_then_never_again() {
    let aws = fake();
    let upload = UploadServerCertificate {
        name: "site".into(),
        path: "/cloudfront/".into(),
        serial: "01".into(),
        bundle: Some(bundle(&["www.example.com"])),
    };
    let cert = upload.send(&*aws, &Progress::default()).await.expect("uploads");
    let change: Change = upload.clone().into();
    assert_eq!(
        change.find_created(&*aws, None).await.expect("reads"),
        Some(Some(cert.id.clone()))
    );

    let d = aws
        .create_distribution(&spec("ref", &cert.id), None)
        .await
        .expect("distribution");
    match change.undo(&*aws, Some(&cert.id)).await {
        Err(NotUndone::Failed(HostError::Conflict(m))) => assert!(m.contains(&d.id), "{m}"),
        other => panic!("a certificate in use is not deleted: {other:?}"),
    }
    let d = aws.get_distribution(&d.id).await.expect("there");
    aws.set_viewer_certificate(&d.id, &d.etag, &iam_viewer("ASCAOTHER0000000000000"))
        .await
        .expect("another certificate");
    let made = undo(&aws, &change, Some(&cert.id)).await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].action(), Action::Delete);
    assert_eq!(change.find_created(&*aws, None).await.expect("reads"), Some(None));
    assert!(
        undo(&aws, &change, Some(&cert.id)).await.is_empty(),
        "undone twice, nothing more"
    );
}

#[tokio::test]
async fn a_viewer_certificate_is_restored_against_the_current_etag() {
    let aws = fake();
    let d = aws
        .create_distribution(&spec("ref", "ASCAOLD0000000000000000"), None)
        .await
        .expect("distribution");
    let set = SetViewerCertificate {
        id: d.id.clone(),
        etag: d.etag.clone(),
        before: iam_viewer("ASCAOLD0000000000000000"),
        after: iam_viewer("ASCANEW0000000000000000"),
    };
    set.send(&*aws, &Progress::default()).await.expect("sets");
    let change: Change = set.into();
    let made = undo(&aws, &change, None).await;
    assert_eq!(made.len(), 1);
    let now = aws.get_distribution(&d.id).await.expect("there");
    assert_eq!(now.viewer_certificate, iam_viewer("ASCAOLD0000000000000000"));
    assert!(undo(&aws, &change, None).await.is_empty());
}

#[tokio::test]
async fn a_record_batch_is_undone_by_restoring_what_it_replaced_in_one_batch() {
    let aws = fake();
    let plain = a_record("www.example.com.", "203.0.113.10");
    aws.change_record_sets(
        ZONE,
        &[RecordChange {
            action: ChangeAction::Create,
            record_set: plain.clone(),
        }],
        None,
    )
    .await
    .expect("live record");
    let primary = RecordSet {
        set_identifier: Some("primary".into()),
        failover: Some(crate::model::FailoverRole::Primary),
        ..a_record("www.example.com.", "203.0.113.10")
    };
    let changes = vec![
        RecordChange {
            action: ChangeAction::Delete,
            record_set: plain.clone(),
        },
        RecordChange {
            action: ChangeAction::Create,
            record_set: primary.clone(),
        },
    ];
    let current = aws
        .list_record_sets(ZONE, "www.example.com.", Some("A"))
        .await
        .expect("reads");
    let (before, after) = ChangeRecordSets::touched(&current, &changes);
    let batch = ChangeRecordSets {
        zone_id: ZONE.into(),
        before,
        after,
        changes,
        comment: None,
    };
    assert_eq!(batch.action(), Action::Update);
    batch.send(&*aws, &Progress::default()).await.expect("changes");
    let change: Change = batch.into();
    let made = undo(&aws, &change, None).await;
    assert_eq!(made.len(), 1, "one batch");
    let restored = aws
        .list_record_sets(ZONE, "www.example.com.", Some("A"))
        .await
        .expect("reads");
    assert_eq!(restored, vec![plain]);
    assert!(undo(&aws, &change, None).await.is_empty());
}

#[tokio::test]
async fn a_distribution_is_undone_by_disabling_then_deleting_it() {
    let aws = fake();
    let create = CreateDistribution {
        caller_reference: "ref".into(),
        aliases: vec!["www.example.com".into()],
        spec: Box::new(spec("ref", "ASCAFAKE0000000000001")),
    };
    let d = create.send(&*aws, &Progress::default()).await.expect("creates");
    let change: Change = create.into();
    // After a crash the id was never journaled: found by its caller reference.
    assert_eq!(
        change.find_created(&*aws, None).await.expect("reads"),
        Some(Some(d.id.clone()))
    );
    let made = undo(&aws, &change, None).await;
    let kinds: Vec<String> = made.iter().map(Change::resource).collect();
    assert_eq!(
        kinds,
        [
            format!("CloudFront distribution {} (disable)", d.id),
            format!("CloudFront distribution {}", d.id)
        ]
    );
    assert!(aws.list_distributions().await.expect("lists").is_empty());
    assert!(undo(&aws, &change, None).await.is_empty());
}

#[tokio::test]
async fn a_bucket_policy_is_restored_and_a_new_one_removed() {
    let aws = fake();
    aws.create_bucket("b", "us-east-1").await.expect("bucket");
    let put = PutBucketPolicy {
        bucket: "b".into(),
        before: None,
        after: Some("{\"v\":1}".into()),
    };
    put.send(&*aws, &Progress::default()).await.expect("puts");
    let change: Change = put.into();
    assert_eq!(change.action(), Action::Create);
    let made = undo(&aws, &change, None).await;
    assert_eq!(made[0].action(), Action::Delete, "{made:?}");
    assert_eq!(
        crate::provider::S3Read::get_bucket_policy(&*aws, "b")
            .await
            .expect("reads"),
        None
    );
}

#[tokio::test]
async fn what_cannot_be_restored_says_why() {
    let aws = fake();
    let cases: Vec<Change> = vec![
        DeleteServerCertificate::of("old".into(), None).into(),
        DeleteHealthCheck { id: "h".into() }.into(),
        DeleteObject {
            bucket: "b".into(),
            key: "k".into(),
        }
        .into(),
        PutObject {
            bucket: "b".into(),
            key: "k".into(),
            md5: "new".into(),
            replaces: Some("old".into()),
            content_type: "text/html".into(),
            body: None,
        }
        .into(),
    ];
    for change in cases {
        match change.undo(&*aws, None).await {
            Err(NotUndone::Irreversible(why)) => assert!(!why.is_empty()),
            other => panic!("{} is undone? {other:?}", change.resource()),
        }
    }
}

#[test]
fn key_material_and_bodies_are_never_serialised() {
    let upload: Change = UploadServerCertificate {
        name: "site".into(),
        path: "/cloudfront/".into(),
        serial: "01".into(),
        bundle: Some(bundle(&["www.example.com"])),
    }
    .into();
    let text = upload.to_json().to_string();
    assert!(!text.contains("PRIVATE KEY") && !text.contains("BEGIN"), "{text}");
    assert_eq!(
        upload.to_json(),
        serde_json::json!({"kind": "upload-server-certificate", "name": "site", "path": "/cloudfront/", "serial": "01"})
    );
    let put: Change = PutObject {
        bucket: "b".into(),
        key: "index.html".into(),
        md5: "abc".into(),
        replaces: None,
        content_type: "text/html".into(),
        body: Some(std::sync::Arc::new(b"secret page".to_vec())),
    }
    .into();
    assert!(!put.to_json().to_string().contains("secret page"));
}

#[tokio::test]
async fn a_journaled_upload_cannot_be_sent_again_without_its_key() {
    let aws = fake();
    let journaled: Change = serde_json::from_value(serde_json::json!({
        "kind": "upload-server-certificate", "name": "site", "path": "/cloudfront/", "serial": "01"
    }))
    .expect("reads");
    let err = journaled.send(&*aws, &Progress::default()).await.expect_err("no key");
    assert!(err.to_string().contains("not kept"), "{err}");
}

#[test]
fn two_caller_references_never_share_a_headers_policy() {
    use super::policy_name;
    assert_eq!(policy_name("switchyard-maintenance-www"), "switchyard-maintenance-www");
    let dotted = policy_name("shop.example.com");
    assert_ne!(dotted, policy_name("shop-example-com"), "a lossy name is told apart");
    assert!(dotted.starts_with("shop-example-com-"), "{dotted}");
    let long = policy_name(&"a".repeat(200));
    assert_eq!(long.len(), 128);
    assert_ne!(long, policy_name(&"a".repeat(201)), "cut names are told apart");
}
