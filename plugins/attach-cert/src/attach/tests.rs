use super::*;
use crate::testing::{distribution, names, old, wanted};

/// A CloudFront that answers `set` from a script and `get` from a queue of distributions.
struct Fake {
    sets: Vec<Result<Distribution, Error>>,
    gets: Vec<Distribution>,
    etags_sent: Vec<String>,
    warnings: Vec<String>,
}

impl Fake {
    fn new(sets: Vec<Result<Distribution, Error>>, gets: Vec<Distribution>) -> Self {
        Self {
            sets,
            gets,
            etags_sent: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl Cloudfront for Fake {
    fn get(&mut self, _id: &str) -> Result<Distribution, Error> {
        Ok(self.gets.remove(0))
    }
    fn set(&mut self, _id: &str, certificate: &ViewerCertificate, etag: &str) -> Result<Distribution, Error> {
        self.etags_sent.push(etag.to_owned());
        self.sets.remove(0).map(|mut d| {
            d.viewer_certificate = certificate.clone();
            d.status = "InProgress".into();
            d
        })
    }
    fn warn(&mut self, message: &str) {
        self.warnings.push(message.to_owned());
    }
}

fn stale() -> Result<Distribution, Error> {
    Err(Error::Conflict("PreconditionFailed".into()))
}

#[test]
fn sets_the_certificate() {
    let d = distribution(&["www.example.com"], old(), "E-1");
    let mut cf = Fake::new(vec![Ok(d.clone())], vec![]);
    let a = attach(&mut cf, d, &names(), &wanted(), 5).expect("attached");
    assert!(a.changed);
    assert_eq!(a.retries, 0);
    assert_eq!(a.previous.certificate.as_deref(), Some("ASCAOLD"));
    assert_eq!(a.after.viewer_certificate.certificate.as_deref(), Some("ASCANEW"));
    assert_eq!(cf.etags_sent, ["E-1"]);
}

#[test]
fn nothing_to_do_when_already_set() {
    let d = distribution(&["www.example.com"], wanted(), "E-1");
    let mut cf = Fake::new(vec![], vec![]);
    let a = attach(&mut cf, d, &names(), &wanted(), 5).expect("attached");
    assert!(!a.changed);
    assert!(cf.etags_sent.is_empty());
}

#[test]
fn uncovered_aliases_are_refused_before_any_write() {
    let d = distribution(&["www.example.com", "www.example.org"], old(), "E-1");
    let mut cf = Fake::new(vec![], vec![]);
    let e = attach(&mut cf, d, &names(), &wanted(), 5).expect_err("refused");
    assert_eq!(e.code, "not-covered");
    assert!(e.message.contains("`www.example.org`"), "{}", e.message);
    assert!(cf.etags_sent.is_empty());
}

#[test]
fn a_stale_etag_is_read_again_and_retried() {
    let d = distribution(&["www.example.com"], old(), "E-1");
    let fresh = distribution(&["www.example.com", "api.example.com"], old(), "E-2");
    let mut cf = Fake::new(vec![stale(), Ok(fresh.clone())], vec![fresh]);
    let a = attach(&mut cf, d, &names(), &wanted(), 5).expect("attached");
    assert!(a.changed);
    assert_eq!(a.retries, 1);
    assert_eq!(cf.etags_sent, ["E-1", "E-2"]);
    assert_eq!(cf.warnings.len(), 1);
    assert!(cf.warnings[0].contains("retry 1 of 5"), "{}", cf.warnings[0]);
}

#[test]
fn the_re_read_is_checked_again() {
    // The other writer added an alias the certificate does not cover.
    let d = distribution(&["www.example.com"], old(), "E-1");
    let fresh = distribution(&["www.example.com", "shop.example.net"], old(), "E-2");
    let mut cf = Fake::new(vec![stale()], vec![fresh]);
    let e = attach(&mut cf, d, &names(), &wanted(), 5).expect_err("refused");
    assert_eq!(e.code, "not-covered");
    // The other writer set the wanted certificate: nothing left to do.
    let d = distribution(&["www.example.com"], old(), "E-1");
    let fresh = distribution(&["www.example.com"], wanted(), "E-2");
    let mut cf = Fake::new(vec![stale()], vec![fresh]);
    let a = attach(&mut cf, d, &names(), &wanted(), 5).expect("attached");
    assert!(!a.changed);
    assert_eq!(a.retries, 1);
}

#[test]
fn gives_up_after_max_retries() {
    let d = distribution(&["www.example.com"], old(), "E-0");
    let gets = (1..=2)
        .map(|n| distribution(&["www.example.com"], old(), &format!("E-{n}")))
        .collect();
    let mut cf = Fake::new(vec![stale(), stale(), stale()], gets);
    let e = attach(&mut cf, d, &names(), &wanted(), 2).expect_err("gave up");
    assert_eq!(e.code, "conflict");
    assert!(e.message.contains("after 2 retries"), "{}", e.message);
    assert_eq!(cf.etags_sent, ["E-0", "E-1", "E-2"]);
    assert_eq!(cf.warnings.len(), 2);
}

#[test]
fn other_errors_fail_at_once() {
    let d = distribution(&["www.example.com"], old(), "E-1");
    let mut cf = Fake::new(vec![Err(Error::Throttled("slow down".into()))], vec![]);
    let e = attach(&mut cf, d, &names(), &wanted(), 5).expect_err("failed");
    assert_eq!(e.code, "throttled");
    assert_eq!(cf.etags_sent.len(), 1);
}
