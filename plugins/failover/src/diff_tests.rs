//! Unit tests of [`super`]: sorting out existing records and the change batch.

use super::*;
use crate::names::Origin;
use crate::records::desired;
use switchyard_sdk::dns::{AliasTarget, FailoverRole};

fn host() -> Hostname {
    Hostname {
        name: "www.example.com".into(),
        fqdn: "www.example.com.".into(),
    }
}

fn origin(s: &str) -> Origin {
    names::origin(s).expect("origin")
}

fn plain(r#type: &str, ttl: u32, value: &str) -> RecordSet {
    RecordSet {
        name: "www.example.com.".into(),
        type_: r#type.into(),
        ttl: Some(ttl),
        values: vec![value.into()],
        alias: None,
        set_identifier: None,
        failover: None,
        health_check_id: None,
    }
}

/// Runs classify and changes for an origin, with TTL 60 unless one is kept.
fn plan(o: &str, found: &[RecordSet]) -> Result<(Existing, HostChanges, [RecordSet; 2]), StepError> {
    let o = origin(o);
    let existing = classify(&host(), o.kind, false, found)?;
    let want = desired(&host(), &o, "d1.cloudfront.net", "hc-1", existing.ttl.unwrap_or(60));
    let changes = changes(&existing, &want);
    Ok((existing, changes, want))
}

fn actions(c: &HostChanges) -> Vec<(ChangeAction, String, Option<String>)> {
    c.changes
        .iter()
        .map(|c| {
            (
                c.action,
                c.record_set.type_.clone(),
                c.record_set.set_identifier.clone(),
            )
        })
        .collect()
}

#[test]
fn nothing_there_upserts_the_pair() {
    let (_, c, want) = plan("192.0.2.10", &[]).expect("plan");
    assert_eq!(c.changes.len(), 2);
    assert!(c.changes.iter().all(|c| c.action == ChangeAction::Upsert));
    assert!(records::same(&c.changes[0].record_set, &want[0]));
    assert!(c.replaced.is_empty());
}

#[test]
fn no_change_when_the_pair_is_in_place() {
    let (_, _, want) = plan("192.0.2.10", &[]).expect("plan");
    // As Route 53 reads them back: upper-case-insensitive names, the alias with a trailing dot.
    let mut found = want.clone();
    found[0].name = "WWW.Example.com.".into();
    if let Some(a) = found[1].alias.as_mut() {
        a.dns_name = "d1.cloudfront.net.".into();
    }
    let other_name = RecordSet {
        name: "api.example.com.".into(),
        ..plain("A", 300, "192.0.2.99")
    };
    let txt = plain("TXT", 300, "\"v=spf1 -all\"");
    let found = [found[0].clone(), found[1].clone(), other_name, txt];
    let (_, c, _) = plan("192.0.2.10", &found).expect("plan");
    assert!(c.changes.is_empty(), "{:?}", actions(&c));
    assert!(c.replaced.is_empty());
}

#[test]
fn a_plain_a_record_is_deleted_in_the_same_batch_and_its_ttl_kept() {
    let site = plain("A", 300, "192.0.2.10");
    let mx = plain("MX", 300, "10 mail.example.com.");
    let (e, c, want) = plan("192.0.2.10", &[site.clone(), mx]).expect("plan");
    assert_eq!(e.ttl, Some(300));
    assert_eq!(want[0].ttl, Some(300));
    assert_eq!(want[1].ttl, None, "an alias has no TTL");
    let a = actions(&c);
    assert_eq!(a.len(), 3);
    assert_eq!(a[0], (ChangeAction::Delete, "A".into(), None));
    assert_eq!(a[1].0, ChangeAction::Upsert);
    assert_eq!(a[2].0, ChangeAction::Upsert);
    assert!(
        records::same(&c.changes[0].record_set, &site),
        "deleted exactly as read"
    );
    assert_eq!(c.replaced.len(), 1);
    assert!(records::same(&c.replaced[0], &site));
}

#[test]
fn ttl_of_our_own_primary_is_kept() {
    let (_, _, want) = plan("192.0.2.10", &[]).expect("plan");
    let mut primary = want[0].clone();
    primary.ttl = Some(120);
    let (e, c, want) = plan("192.0.2.10", &[primary, want[1].clone()]).expect("plan");
    assert_eq!(e.ttl, Some(120));
    assert_eq!(want[0].ttl, Some(120));
    assert!(c.changes.is_empty());
}

#[test]
fn a_changed_health_check_overwrites_the_primary() {
    let (_, _, want) = plan("192.0.2.10", &[]).expect("plan");
    let mut old = want[0].clone();
    old.health_check_id = Some("hc-old".into());
    let (_, c, _) = plan("192.0.2.10", &[old.clone(), want[1].clone()]).expect("plan");
    assert_eq!(c.changes.len(), 2);
    assert!(c.changes.iter().all(|c| c.action == ChangeAction::Upsert));
    assert_eq!(c.replaced.len(), 1);
    assert_eq!(c.replaced[0].health_check_id.as_deref(), Some("hc-old"));
}

#[test]
fn cname_pair_and_a_plain_cname_replaced() {
    let site = plain("CNAME", 3600, "old-origin.example.net");
    let (e, c, want) = plan("origin.example.net", &[site]).expect("plan");
    assert_eq!(e.ttl, Some(3600));
    assert_eq!((want[0].type_.as_str(), want[1].type_.as_str()), ("CNAME", "CNAME"));
    assert_eq!(want[1].values, ["d1.cloudfront.net"]);
    assert_eq!((want[0].ttl, want[1].ttl), (Some(3600), Some(3600)));
    let a = actions(&c);
    assert_eq!(a[0], (ChangeAction::Delete, "CNAME".into(), None));
    assert_eq!(a.len(), 3);
    // Once in place, nothing changes.
    let (_, c, _) = plan("origin.example.net", &want).expect("plan");
    assert!(c.changes.is_empty());
}

#[test]
fn cross_type_records_are_deleted() {
    // A → CNAME origin: the plain A and AAAA go.
    let found = [plain("A", 300, "192.0.2.10"), plain("AAAA", 300, "2001:db8::1")];
    let (e, c, want) = plan("origin.example.net", &found).expect("plan");
    assert_eq!(e.remove.len(), 2);
    assert_eq!(want[0].ttl, Some(60), "the TTL of another type is not kept");
    assert_eq!(c.changes.len(), 4);
    // CNAME → A origin: the CNAME goes.
    let (e, _, _) = plan("192.0.2.10", &[plain("CNAME", 300, "origin.example.net")]).expect("plan");
    assert_eq!(e.remove.len(), 1);
}

#[test]
fn our_old_pair_of_another_address_type_is_deleted() {
    let (_, _, old) = plan("2001:db8::1", &[]).expect("plan");
    let (e, c, _) = plan("192.0.2.10", &old).expect("plan");
    assert_eq!(e.remove.len(), 2);
    assert_eq!(c.replaced.len(), 2);
    assert_eq!(c.changes.len(), 4);
}

#[test]
fn a_plain_aaaa_next_to_an_a_pair_is_kept_with_a_warning() {
    let (e, c, _) = plan("192.0.2.10", &[plain("AAAA", 300, "2001:db8::1")]).expect("plan");
    assert!(e.remove.is_empty());
    assert_eq!(e.warnings.len(), 1);
    assert_eq!(c.changes.len(), 2);
}

#[test]
fn another_failover_pair_of_the_same_type_is_replaced() {
    let mut theirs = plain("A", 300, "192.0.2.50");
    theirs.set_identifier = Some("old-primary".into());
    theirs.failover = Some(FailoverRole::Primary);
    theirs.health_check_id = Some("hc-x".into());
    let (e, c, _) = plan("192.0.2.10", &[theirs]).expect("plan");
    assert_eq!(e.remove.len(), 1);
    assert_eq!(c.changes[0].action, ChangeAction::Delete);
}

#[test]
fn refusals() {
    let mut weighted = plain("A", 300, "192.0.2.50");
    weighted.set_identifier = Some("blue".into());
    let e = plan("192.0.2.10", &[weighted]).expect_err("weighted");
    assert_eq!(e.code, "conflict");

    let e = plan("origin.example.net", &[plain("TXT", 300, "\"x\"")]).expect_err("CNAME next to TXT");
    assert_eq!(e.code, "conflict");

    let e = plan("192.0.2.10", &[plain("NS", 300, "ns1.other.net.")]).expect_err("delegated");
    assert_eq!(e.code, "conflict");

    let e = classify(&host(), RecordKind::Cname, true, &[]).expect_err("CNAME at the apex");
    assert_eq!(e.code, "invalid-input");
    assert!(e.message.contains("`origin`"), "{}", e.message);

    let soa = plain(
        "SOA",
        900,
        "ns1.example.com. admin.example.com. 1 7200 900 1209600 86400",
    );
    let ns = plain("NS", 172800, "ns1.example.com.");
    assert!(
        plan("origin.example.net", &[soa.clone(), ns.clone()]).is_err(),
        "SOA marks the apex"
    );
    let (e, _, _) = plan("192.0.2.10", &[soa, ns]).expect("an address pair at the apex is fine");
    assert!(e.remove.is_empty());
}

#[test]
fn alias_a_record_of_the_site_is_deleted_as_read() {
    let site = RecordSet {
        ttl: None,
        values: Vec::new(),
        alias: Some(AliasTarget {
            hosted_zone_id: "Z35SXDOTRQ7X7K".into(),
            dns_name: "dualstack.my-alb-123.us-east-1.elb.amazonaws.com.".into(),
            evaluate_target_health: true,
        }),
        ..plain("A", 0, "")
    };
    let (e, c, want) = plan("192.0.2.10", std::slice::from_ref(&site)).expect("plan");
    assert_eq!(e.ttl, None);
    assert_eq!(want[0].ttl, Some(60));
    assert!(records::same(&c.changes[0].record_set, &site));
}
