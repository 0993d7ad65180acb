use super::*;
use switchyard_sdk::certificates::ServerCertificate;

fn existing(fingerprint: &str, path: &str) -> ServerCertificateDetail {
    ServerCertificateDetail {
        meta: ServerCertificate {
            name: "site-20260501-f1e2d3c4".into(),
            id: "ASCAEXAMPLE".into(),
            arn: "arn:aws:iam::123456789012:server-certificate/cloudfront/site-20260501-f1e2d3c4".into(),
            path: path.into(),
            expiration: None,
        },
        body: String::new(),
        chain: None,
        sha256_fingerprint: fingerprint.into(),
    }
}

#[test]
fn the_same_certificate_is_reused() {
    let fp = "ab".repeat(32);
    assert!(judge_existing(&existing(&fp, "/cloudfront/"), &fp).is_ok());
    assert!(judge_existing(&existing(&fp.to_uppercase(), "/cloudfront/other/"), &fp).is_ok());
}

#[test]
fn another_certificate_under_the_name_is_a_conflict() {
    let e = judge_existing(&existing(&"cd".repeat(32), "/cloudfront/"), &"ab".repeat(32)).expect_err("conflict");
    assert_eq!(e.code, "conflict");
    assert!(
        e.message.contains("already exists with another certificate"),
        "{}",
        e.message
    );
    assert!(e.message.contains(&"cd".repeat(32)), "{}", e.message);
    assert!(
        e.message.contains("--server-certificate-name site-20260501-f1e2d3c4"),
        "{}",
        e.message
    );
    let e = judge_existing(&existing("", "/cloudfront/"), &"ab".repeat(32)).expect_err("conflict");
    assert!(e.message.contains("could not read"), "{}", e.message);
}

#[test]
fn the_same_certificate_outside_cloudfront_is_a_conflict() {
    let fp = "ab".repeat(32);
    let e = judge_existing(&existing(&fp, "/"), &fp).expect_err("conflict");
    assert_eq!(e.code, "conflict");
    assert!(e.message.contains("under path `/`"), "{}", e.message);
}

#[test]
fn quota() {
    assert!(check_quota(&AccountQuota { used: 19, limit: 20 }).is_ok());
    let e = check_quota(&AccountQuota { used: 20, limit: 20 }).expect_err("full");
    assert_eq!(e.code, "quota");
    assert!(
        e.message
            .starts_with("the account has 20 of 20 IAM server certificates: delete unused ones")
    );
    assert!(e.message.contains("higher quota"));
    assert_eq!(
        check_quota(&AccountQuota { used: 25, limit: 20 })
            .expect_err("over")
            .code,
        "quota"
    );
}
