use super::*;
use crate::attach::Attached;
use crate::testing::{distribution, old, wanted};
use serde_json::json;

fn attached(changed: bool) -> Attached {
    let mut after = distribution(&["www.example.com"], wanted(), "E-2");
    after.status = "InProgress".into();
    Attached {
        previous: if changed { old() } else { wanted() },
        after,
        changed,
        retries: 1,
    }
}

#[test]
fn shape() {
    let o = Output::new(&attached(true));
    assert_eq!(
        serde_json::to_value(&o).expect("serialises"),
        json!({
            "distribution_id": "E1",
            "changed": true,
            "previous_viewer_certificate": {
                "source": "iam", "certificate": "ASCAOLD",
                "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"
            },
            "viewer_certificate": {
                "source": "iam", "certificate": "ASCANEW",
                "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"
            },
            "status": "InProgress",
            "retries": 1
        })
    );
}

#[test]
fn deployed_after_waiting() {
    let done = distribution(&["www.example.com"], wanted(), "E-2");
    let o = Output::new(&attached(true)).waited(Ok(done), 40).expect("deployed");
    assert_eq!(o.status, "Deployed");
}

#[test]
fn a_timeout_says_the_change_was_made() {
    let e = Output::new(&attached(true))
        .waited(Err(Error::TimedOut("still InProgress after 2400s".into())), 40)
        .expect_err("timed out");
    assert_eq!(e.code, "timed-out");
    assert!(
        e.message
            .contains("WAS changed and is still deploying after 40 minutes"),
        "{}",
        e.message
    );
    let details: serde_json::Value =
        serde_json::from_str(e.details.as_deref().expect("details")).expect("details are JSON");
    assert_eq!(details["previous_viewer_certificate"]["certificate"], "ASCAOLD");
    assert_eq!(details["status"], "InProgress");

    let e = Output::new(&attached(false))
        .waited(Err(Error::TimedOut("slow".into())), 5)
        .expect_err("timed out");
    assert!(e.message.contains("nothing was changed"), "{}", e.message);
}

#[test]
fn other_wait_errors_keep_their_code() {
    let e = Output::new(&attached(true))
        .waited(Err(Error::Internal("boom".into())), 40)
        .expect_err("failed");
    assert_eq!(e.code, "internal");
    assert!(
        e.message
            .contains("WAS changed, but waiting for the deployment failed: host error: boom")
    );
    assert!(e.details.is_some());
}
