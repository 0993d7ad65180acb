use super::*;

const ARN: &str = "arn:aws:acm:us-east-1:123456789012:certificate/1234-abcd";

fn parse(s: &str) -> Result<Input, serde_json::Error> {
    serde_json::from_str(s)
}

fn input(fields: &str) -> Input {
    parse(&format!("{{{fields}}}")).expect("test input parses")
}

fn refused(fields: &str) -> String {
    let e = validate(&input(fields)).expect_err("refused");
    assert_eq!(e.code, "invalid-input");
    e.message
}

#[test]
fn defaults() {
    let r = validate(&input(
        r#""distribution_id":"E2QWRUHAPOMQZL","certificate":"site-20260501-a1b2c3d4""#,
    ))
    .expect("valid");
    assert_eq!(
        r,
        Request {
            locator: Locator::Id("E2QWRUHAPOMQZL".into()),
            store: Store::Iam,
            certificate: "site-20260501-a1b2c3d4".into(),
            method: Method::SniOnly,
            protocol: "TLSv1.2_2021".into(),
            wait_seconds: Some(2400),
            max_retries: 5,
        }
    );
    assert_eq!(r.source(), CertificateSource::Iam);
}

#[test]
fn everything() {
    let r = validate(&input(&format!(
        r#""alias":"www.example.com","store":"acm","certificate":"{ARN}","ssl_support_method":"vip",
           "minimum_protocol_version":"TLSv1.2_2019","wait":false,"timeout_minutes":5,"max_retries":20"#
    )))
    .expect("valid");
    assert_eq!(r.locator, Locator::Alias("www.example.com".into()));
    assert_eq!(r.source(), CertificateSource::Acm);
    assert_eq!(r.method, Method::Vip);
    assert_eq!(r.protocol, "TLSv1.2_2019");
    assert_eq!(r.wait_seconds, None);
    assert_eq!(r.max_retries, 20);
    let r = validate(&input(
        r#""alias":"a.example.com","certificate":"c","ssl_support_method":"static-ip""#,
    ))
    .expect("valid");
    assert_eq!(r.method.wit(), SslSupportMethod::StaticIp);
}

#[test]
fn rejects_unknown_missing_and_mistyped() {
    assert!(parse(r#"{"distribution_id":"E1"}"#).is_err());
    assert!(parse(r#"{"distribution_id":"E1","certificate":"c","id":"x"}"#).is_err());
    assert!(parse(r#"{"distribution_id":"E1","certificate":"c","ssl_support_method":"sni"}"#).is_err());
    assert!(parse(r#"{"distribution_id":"E1","certificate":"c","timeout_minutes":-1}"#).is_err());
}

#[test]
fn exactly_one_distribution_locator() {
    let both = refused(r#""distribution_id":"E1","alias":"a.example.com","certificate":"c""#);
    assert!(both.starts_with("give exactly one of `distribution_id`"), "{both}");
    let none = refused(r#""certificate":"c""#);
    assert!(none.starts_with("give exactly one of `distribution_id`"), "{none}");
    assert!(refused(r#""distribution_id":"","certificate":"c""#).starts_with("`distribution_id` ``"));
    assert!(refused(r#""distribution_id":"E1/x","certificate":"c""#).starts_with("`distribution_id` `E1/x`"));
    assert!(refused(r#""alias":" ","certificate":"c""#).starts_with("`alias` is empty"));
}

#[test]
fn certificate_fits_the_store() {
    let m = refused(&format!(r#""distribution_id":"E1","certificate":"{ARN}""#));
    assert!(m.contains("is an ARN, but `store` is \"iam\""), "{m}");
    let m = refused(r#""distribution_id":"E1","certificate":"a/b""#);
    assert!(m.contains("is not an IAM server certificate name"), "{m}");
    let m = refused(r#""distribution_id":"E1","certificate":"","store":"iam""#);
    assert!(m.starts_with("`certificate` ``"), "{m}");
    let m = refused(r#""distribution_id":"E1","certificate":"site","store":"acm""#);
    assert!(m.contains("not an ACM certificate ARN in us-east-1"), "{m}");
    let m = refused(
        r#""distribution_id":"E1","certificate":"arn:aws:acm:eu-west-1:123456789012:certificate/x","store":"acm""#,
    );
    assert!(m.contains("from us-east-1 only"), "{m}");
    assert!(acm_arn_ok(ARN));
    assert!(!acm_arn_ok("arn:aws:acm:us-east-1:123456789012:certificate/"));
    assert!(!acm_arn_ok("arn:aws:iam::123456789012:server-certificate/x"));
}

#[test]
fn ranges_and_protocols() {
    let base = r#""distribution_id":"E1","certificate":"c""#;
    assert!(refused(&format!(r#"{base},"timeout_minutes":0"#)).starts_with("`timeout_minutes` 0"));
    assert!(refused(&format!(r#"{base},"timeout_minutes":181"#)).starts_with("`timeout_minutes` 181"));
    assert!(validate(&input(&format!(r#"{base},"timeout_minutes":180"#))).is_ok());
    assert!(refused(&format!(r#"{base},"max_retries":0"#)).starts_with("`max_retries` 0"));
    assert!(refused(&format!(r#"{base},"max_retries":21"#)).starts_with("`max_retries` 21"));
    assert!(refused(&format!(r#"{base},"minimum_protocol_version":" ""#)).contains("is empty"));
    assert!(refused(&format!(r#"{base},"minimum_protocol_version":"SSLv3""#)).contains("TLSv1 or later with SNI"));
    assert!(
        validate(&input(&format!(
            r#"{base},"minimum_protocol_version":"SSLv3","ssl_support_method":"vip""#
        )))
        .is_ok()
    );
}

#[test]
fn schema_matches_struct() {
    let s: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let props = s["properties"].as_object().expect("properties");
    let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "alias",
            "certificate",
            "distribution_id",
            "max_retries",
            "minimum_protocol_version",
            "ssl_support_method",
            "store",
            "timeout_minutes",
            "wait"
        ]
    );
    assert_eq!(s["required"], serde_json::json!(["certificate"]));
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["properties"]["store"]["enum"], serde_json::json!(["iam", "acm"]));
    assert_eq!(
        s["properties"]["ssl_support_method"]["enum"],
        serde_json::json!(["sni-only", "vip", "static-ip"])
    );
    // Every default the schema states is the struct's default.
    let i = input(r#""distribution_id":"E1","certificate":"c""#);
    let p = &s["properties"];
    assert_eq!(p["store"]["default"], "iam");
    assert_eq!(p["ssl_support_method"]["default"], "sni-only");
    assert_eq!(
        p["minimum_protocol_version"]["default"],
        i.minimum_protocol_version.as_str()
    );
    assert_eq!(p["wait"]["default"], i.wait);
    assert_eq!(p["timeout_minutes"]["default"], i.timeout_minutes);
    assert_eq!(p["max_retries"]["default"], i.max_retries);
    // Every enum value parses.
    for m in ["sni-only", "vip", "static-ip"] {
        assert!(
            parse(&format!(
                r#"{{"alias":"a","certificate":"c","ssl_support_method":"{m}"}}"#
            ))
            .is_ok()
        );
    }
}
