use super::*;
use crate::testing::{cert, day, distribution, id, names};
use switchyard_sdk::distributions::CertificateSource::{Acm, Cloudfront, Iam};

fn kept(d: &Decision) -> Vec<(&str, Reason)> {
    d.kept.iter().map(|k| (k.cert.name.as_str(), k.reason)).collect()
}

fn used(pairs: &[(&str, &str)]) -> InUse {
    let ds: Vec<_> = pairs
        .iter()
        .map(|(dist, name)| distribution(dist, Iam, Some(&id(name))))
        .collect();
    in_use(&ds)
}

/// Four renewals of `site`, oldest first, a year apart.
fn site() -> Vec<ServerCertificate> {
    vec![
        cert("site-20240501-a1", Some(day(-400))),
        cert("site-20250501-b2", Some(day(-40))),
        cert("site-20260501-c3", Some(day(320))),
        cert("site-20270501-d4", Some(day(690))),
    ]
}

#[test]
fn groups_by_base_name_with_and_without_the_suffix() {
    let mut certs = site();
    certs.push(cert("other-20260501-1", Some(day(300))));
    certs.push(cert("other-20250101-2", Some(day(-100))));
    certs.push(cert("legacy", Some(day(-1000))));
    certs.push(cert("legacy-2", Some(day(-900))));
    let d = decide(certs, &InUse::new(), 1, None);
    use Reason::Newest;
    assert_eq!(
        kept(&d),
        [
            ("legacy", Newest),
            ("legacy-2", Newest),
            ("other-20260501-1", Newest),
            ("site-20270501-d4", Newest)
        ]
    );
    assert_eq!(
        names(&d.doomed),
        [
            "other-20250101-2",
            "site-20260501-c3",
            "site-20250501-b2",
            "site-20240501-a1"
        ]
    );
}

#[test]
fn the_newest_n_of_each_group_are_kept() {
    let d = decide(site(), &InUse::new(), 2, None);
    assert_eq!(
        kept(&d),
        [
            ("site-20270501-d4", Reason::Newest),
            ("site-20260501-c3", Reason::Newest)
        ]
    );
    assert_eq!(names(&d.doomed), ["site-20250501-b2", "site-20240501-a1"]);
    assert!(d.kept.iter().all(|k| k.used_by.is_empty()));
}

#[test]
fn in_use_is_kept_however_old_and_counts_toward_keep() {
    let in_use = used(&[("E2", "site-20240501-a1"), ("E1", "site-20240501-a1")]);
    let d = decide(site(), &in_use, 2, None);
    assert_eq!(
        kept(&d),
        [
            ("site-20270501-d4", Reason::Newest),
            ("site-20240501-a1", Reason::InUse)
        ]
    );
    assert_eq!(d.kept[1].used_by, ["E1", "E2"]);
    assert_eq!(names(&d.doomed), ["site-20260501-c3", "site-20250501-b2"]);
}

#[test]
fn the_newest_in_use_keeps_one_more_with_keep_2() {
    let d = decide(site(), &used(&[("E1", "site-20270501-d4")]), 2, None);
    assert_eq!(
        kept(&d),
        [
            ("site-20270501-d4", Reason::InUse),
            ("site-20260501-c3", Reason::Newest)
        ]
    );
    assert_eq!(names(&d.doomed), ["site-20250501-b2", "site-20240501-a1"]);
}

#[test]
fn more_in_use_than_keep_are_all_kept() {
    let in_use = used(&[("E1", "site-20250501-b2"), ("E2", "site-20240501-a1")]);
    let d = decide(site(), &in_use, 1, None);
    assert_eq!(
        kept(&d),
        [("site-20250501-b2", Reason::InUse), ("site-20240501-a1", Reason::InUse)]
    );
    assert_eq!(names(&d.doomed), ["site-20270501-d4", "site-20260501-c3"]);
}

#[test]
fn none_deleted_when_each_is_in_use_or_within_keep() {
    let in_use = used(&[("E1", "site-20240501-a1"), ("E2", "site-20250501-b2")]);
    let d = decide(site(), &in_use, 4, None);
    assert_eq!(d.kept.len(), 4);
    assert!(d.doomed.is_empty());
    let everything = used(&[
        ("E1", "site-20240501-a1"),
        ("E2", "site-20250501-b2"),
        ("E3", "site-20260501-c3"),
        ("E4", "site-20270501-d4"),
    ]);
    let d = decide(site(), &everything, 1, None);
    assert!(d.kept.iter().all(|k| k.reason == Reason::InUse));
    assert!(d.doomed.is_empty());
    assert!(decide(Vec::new(), &everything, 1, None).kept.is_empty());
}

#[test]
fn keep_1_keeps_only_the_newest() {
    let d = decide(site(), &InUse::new(), 1, None);
    assert_eq!(kept(&d), [("site-20270501-d4", Reason::Newest)]);
    assert_eq!(d.doomed.len(), 3);
}

#[test]
fn a_name_filter_leaves_other_names_alone() {
    let mut certs = site();
    certs.push(cert("other-20240501-1", Some(day(-400))));
    certs.push(cert("other-20250501-2", Some(day(-40))));
    certs.push(cert("other-20260501-3", Some(day(300))));
    let d = decide(certs.clone(), &InUse::new(), 2, Some("other"));
    assert_eq!(names(&d.doomed), ["other-20240501-1"]);
    assert!(d.kept.iter().all(|k| k.cert.name.starts_with("other-")));
    // Case-insensitive, as IAM names are; a name nothing has prunes nothing.
    assert_eq!(
        names(&decide(certs.clone(), &InUse::new(), 2, Some("Other")).doomed),
        ["other-20240501-1"]
    );
    let none = decide(certs, &InUse::new(), 1, Some("nothing"));
    assert!(none.kept.is_empty() && none.doomed.is_empty());
}

#[test]
fn ties_go_by_name_descending_and_unknown_expirations_are_oldest() {
    let certs = vec![
        cert("site-20260501-aa", Some(day(320))),
        cert("site-20260501-bb", Some(day(320))),
        cert("site-20200101-ff", None),
        cert("site-20200101-ee", None),
    ];
    let d = decide(certs, &InUse::new(), 1, None);
    assert_eq!(kept(&d), [("site-20260501-bb", Reason::Newest)]);
    assert_eq!(
        names(&d.doomed),
        ["site-20260501-aa", "site-20200101-ff", "site-20200101-ee"]
    );
}

#[test]
fn iam_and_acm_viewer_certificates_are_in_use() {
    const ARN: &str = "arn:aws:acm:us-east-1:123456789012:certificate/two";
    let ds = [
        distribution("E1", Iam, Some("ASCAONE")),
        distribution("E2", Iam, Some("ASCAONE")),
        distribution("E3", Acm, Some(ARN)),
        distribution("E4", Cloudfront, None),
        distribution("E5", Iam, None),
    ];
    let map = in_use(&ds);
    assert_eq!(map.len(), 2);
    assert_eq!(map["ASCAONE"], ["E1", "E2"]);
    assert_eq!(map[ARN], ["E3"]);
}

#[test]
fn an_acm_certificate_is_weighed_by_its_domain_and_what_acm_says_uses_it() {
    let mut map = InUse::new();
    let acm = |arn: &str, not_after: i64, users: &[&str]| AcmCertificate {
        arn: arn.into(),
        domain_name: "WWW.example.com".into(),
        subject_alternative_names: vec!["www.example.com".into()],
        status: "ISSUED".into(),
        serial: None,
        not_after: Some(not_after),
        in_use_by: users.iter().map(|u| (*u).to_owned()).collect(),
    };
    let certs = vec![
        from_acm(acm("arn:aws:acm:us-east-1:1:certificate/old", 100, &[]), &mut map),
        from_acm(acm("arn:aws:acm:us-east-1:1:certificate/mid", 200, &[]), &mut map),
        from_acm(
            acm(
                "arn:aws:acm:us-east-1:1:certificate/used",
                50,
                &["arn:aws:cloudfront::1:distribution/E9"],
            ),
            &mut map,
        ),
    ];
    assert_eq!(certs[0].name, "www.example.com");
    assert_eq!(store(&certs[0]), "acm");
    assert_eq!(map["arn:aws:acm:us-east-1:1:certificate/used"], ["E9"]);
    let d = decide(certs, &map, 2, None);
    let kept: Vec<&str> = d.kept.iter().map(|k| k.cert.arn.as_str()).collect();
    assert_eq!(
        kept,
        [
            "arn:aws:acm:us-east-1:1:certificate/mid",
            "arn:aws:acm:us-east-1:1:certificate/used"
        ]
    );
    assert_eq!(d.doomed.len(), 1);
    assert_eq!(d.doomed[0].arn, "arn:aws:acm:us-east-1:1:certificate/old");
}
