use super::*;
use crate::policy::{InUse, decide};
use crate::testing::{NOW, cert, day, id, names};
use switchyard_sdk::AwsError;

/// IAM that answers each deletion from `answers` by name (`Ok` otherwise) and records the calls.
#[derive(Default)]
struct Fake {
    answers: Vec<(&'static str, Error)>,
    deleted: Vec<String>,
    logs: Vec<(Level, String)>,
}

impl Iam for Fake {
    fn delete(&mut self, cert: &ServerCertificate) -> Result<(), Error> {
        let name = cert.name.as_str();
        self.deleted.push(name.to_owned());
        match self.answers.iter().position(|(n, _)| *n == name) {
            Some(i) => Err(self.answers.remove(i).1),
            None => Ok(()),
        }
    }
    fn log(&mut self, level: Level, message: &str) {
        self.logs.push((level, message.to_owned()));
    }
    fn change(&mut self, did: &str, _would: &str) {
        self.logs.push((Level::Info, did.to_owned()));
    }
}

impl Fake {
    fn said(&self, level: Level, start: &str) -> bool {
        self.logs.iter().any(|(l, m)| *l == level && m.starts_with(start))
    }
}

fn certs() -> Vec<ServerCertificate> {
    vec![
        cert("site-20250101-a1", Some(day(-165))),
        cert("site-20260101-b2", Some(day(200))),
        cert("site-20270101-c3", Some(day(565))),
    ]
}

#[test]
fn describes_expired_and_future_expirations() {
    assert_eq!(
        describe(&cert("a", Some(day(-1))), NOW),
        "IAM server certificate a (expired 2025-06-14)"
    );
    assert_eq!(
        describe(&cert("a", Some(day(1))), NOW),
        "IAM server certificate a (expires 2025-06-16)"
    );
    assert_eq!(
        describe(&cert("a", None), NOW),
        "IAM server certificate a (expiry unknown)"
    );
}

#[test]
fn deletes_the_doomed_one_by_one_and_logs_each() {
    let mut iam = Fake::default();
    let d = decide(certs(), &InUse::new(), 1, None);
    let out = prune(&mut iam, d, &InUse::new(), NOW, false).expect("pruned");
    assert_eq!(iam.deleted, ["site-20260101-b2", "site-20250101-a1"]);
    assert_eq!(names(&out.deleted), iam.deleted);
    assert!(iam.said(
        Level::Info,
        "deleted IAM server certificate site-20260101-b2 (expires 2026-01-01)"
    ));
    assert!(iam.said(
        Level::Info,
        "deleted IAM server certificate site-20250101-a1 (expired 2025-01-01)"
    ));
    assert!(iam.said(Level::Info, "the journal keeps"));
    assert!(ROLLBACK_NOTE.contains("the private key is not kept: undoing a deletion needs the key file"));
    assert_eq!(out.kept.len(), 1);
}

#[test]
fn a_dry_run_deletes_nothing_and_lists_what_would_be() {
    let mut iam = Fake::default();
    let d = decide(certs(), &InUse::new(), 1, None);
    let out = prune(&mut iam, d, &InUse::new(), NOW, true).expect("pruned");
    assert!(iam.deleted.is_empty());
    assert_eq!(names(&out.deleted), ["site-20260101-b2", "site-20250101-a1"]);
    assert!(iam.said(Level::Info, "would delete IAM server certificate site-20260101-b2"));
    assert!(iam.said(Level::Info, "dry run: nothing was deleted (2 would be"));
    assert!(!iam.said(Level::Info, "the journal keeps"));
}

#[test]
fn a_second_run_has_nothing_to_prune() {
    let mut iam = Fake::default();
    let d = decide(certs(), &InUse::new(), 1, None);
    let first = prune(&mut iam, d, &InUse::new(), NOW, false).expect("pruned");
    let left: Vec<_> = first.kept.into_iter().map(|k| k.cert).collect();
    let mut again = Fake::default();
    let out = prune(
        &mut again,
        decide(left, &InUse::new(), 1, None),
        &InUse::new(),
        NOW,
        false,
    )
    .expect("pruned");
    assert!(again.deleted.is_empty() && out.deleted.is_empty());
    assert!(again.said(Level::Info, "nothing to prune: each of the 1 certificates"));
    let mut empty = Fake::default();
    prune(&mut empty, Decision::default(), &InUse::new(), NOW, false).expect("pruned");
    assert!(empty.said(Level::Info, "nothing to prune: no certificate"));
}

#[test]
fn one_in_use_is_never_deleted_even_if_doomed() {
    // A decision made without the in-use set: the re-check before each deletion still keeps it.
    let d = decide(certs(), &InUse::new(), 1, None);
    let in_use = InUse::from([(id("site-20250101-a1"), vec!["E1".to_owned()])]);
    let mut iam = Fake::default();
    let out = prune(&mut iam, d, &in_use, NOW, false).expect("pruned");
    assert_eq!(iam.deleted, ["site-20260101-b2"]);
    let k = out.kept.last().expect("kept");
    assert_eq!((k.cert.name.as_str(), k.reason), ("site-20250101-a1", Reason::InUse));
    assert_eq!(k.used_by, ["E1"]);
    assert!(iam.said(Level::Warn, "keeping IAM server certificate site-20250101-a1"));
}

#[test]
fn iam_refusing_one_in_use_keeps_it_and_goes_on() {
    let mut iam = Fake {
        answers: vec![
            ("site-20260101-b2", Error::Conflict("in use by CloudFront".into())),
            ("site-20250101-a1", Error::NotFound("gone".into())),
        ],
        ..Fake::default()
    };
    let d = decide(certs(), &InUse::new(), 1, None);
    let out = prune(&mut iam, d, &InUse::new(), NOW, false).expect("pruned");
    assert_eq!(iam.deleted.len(), 2);
    assert!(out.deleted.is_empty());
    let k = out.kept.last().expect("kept");
    assert_eq!((k.cert.name.as_str(), k.reason), ("site-20260101-b2", Reason::InUse));
    assert!(k.used_by.is_empty());
    assert!(iam.said(Level::Warn, "keeping IAM server certificate site-20260101-b2"));
    assert!(iam.said(
        Level::Warn,
        "IAM server certificate site-20250101-a1 (expired 2025-01-01) is already gone"
    ));
}

#[test]
fn another_error_stops_and_names_what_was_deleted() {
    let throttled = Error::Aws(AwsError {
        service: "iam".into(),
        code: "ServiceFailure".into(),
        message: "try later".into(),
        request_id: None,
    });
    let mut iam = Fake {
        answers: vec![("site-20250101-a1", throttled)],
        ..Fake::default()
    };
    let d = decide(certs(), &InUse::new(), 1, None);
    let e = prune(&mut iam, d, &InUse::new(), NOW, false).expect_err("stopped");
    assert_eq!(e.code, "aws");
    assert!(
        e.message
            .starts_with("cannot delete IAM server certificate site-20250101-a1"),
        "{}",
        e.message
    );
    assert!(e.message.contains("iam ServiceFailure: try later"), "{}", e.message);
    assert!(e.message.contains("already deleted: site-20260101-b2"), "{}", e.message);
    let mut first = Fake {
        answers: vec![("site-20260101-b2", Error::Internal("boom".into()))],
        ..Fake::default()
    };
    let d = decide(certs(), &InUse::new(), 1, None);
    let e = prune(&mut first, d, &InUse::new(), NOW, false).expect_err("stopped");
    assert!(e.message.ends_with("nothing was deleted"), "{}", e.message);
}
