use super::*;

fn parse(s: &str) -> Result<Input, serde_json::Error> {
    serde_json::from_str(s)
}

fn input(extra: &str) -> Input {
    parse(&format!(
        r#"{{"certificate":"c.pem","private_key":"k.pem","name":"www.example.com"{extra}}}"#
    ))
    .expect("test input parses")
}

fn refused(i: &Input, region: &str) -> String {
    let e = validate(i, region).expect_err("refused");
    assert_eq!(e.code, "invalid-input");
    e.message
}

#[test]
fn defaults() {
    let i = input("");
    assert_eq!(i.chain, None);
    assert_eq!(i.store, Store::Iam);
    assert_eq!(i.path, None);
    assert_eq!(i.acm_arn, None);
    assert_eq!(
        validate(&i, "eu-west-1").expect("valid"),
        Target::Iam {
            path: "/cloudfront/".into()
        }
    );
}

#[test]
fn rejects_unknown_and_missing() {
    assert!(parse(r#"{"certificate":"c","private_key":"k"}"#).is_err());
    assert!(parse(r#"{"certificate":"c","private_key":"k","name":"n","domains":[]}"#).is_err());
    assert!(parse(r#"{"certificate":"c","private_key":"k","name":"n","store":"elb"}"#).is_err());
}

#[test]
fn names_follow_iam_characters_and_leave_room_for_the_suffix() {
    assert!(name_ok("www.example.com"));
    assert!(name_ok("a+b=c,d.e@f_g-h"));
    assert!(name_ok(&"a".repeat(100)));
    assert!(!name_ok(""));
    assert!(!name_ok(&"a".repeat(101)));
    assert!(!name_ok("a/b"));
    assert!(!name_ok("a b"));
    assert!(!name_ok("*.example.com"));
    assert!(!name_ok("bücher"));
    let mut i = input("");
    i.name = "*.example.com".into();
    let m = refused(&i, "us-east-1");
    assert!(m.starts_with("`name` `*.example.com` is not usable"), "{m}");
}

#[test]
fn iam_paths_must_be_under_cloudfront() {
    let ok = |p: &str| validate(&input(&format!(r#","path":"{p}""#)), "us-east-1");
    assert_eq!(
        ok("/cloudfront/").expect("valid"),
        Target::Iam {
            path: "/cloudfront/".into()
        }
    );
    assert_eq!(
        ok("/cloudfront/example/").expect("valid"),
        Target::Iam {
            path: "/cloudfront/example/".into()
        }
    );
    for bad in [
        "/",
        "/certs/",
        "cloudfront/",
        "/cloudfront",
        "/CloudFront/",
        "/cloudfronts/",
    ] {
        let m = refused(&input(&format!(r#","path":"{bad}""#)), "us-east-1");
        assert!(m.starts_with(&format!("`path` `{bad}`")), "{m}");
    }
    let m = refused(&input(r#","path":"/certs/""#), "us-east-1");
    assert!(m.contains("CloudFront only uses IAM server certificates whose path starts with `/cloudfront/`"));
    assert!(refused(&input(r#","path":"/cloudfront/a""#), "us-east-1").contains("end with `/`"));
    assert!(refused(&input(r#","path":"/cloudfront/a b/""#), "us-east-1").contains("printable"));
}

#[test]
fn fields_of_the_other_store_are_refused() {
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    let m = refused(&input(&format!(r#","acm_arn":"{arn}""#)), "us-east-1");
    assert!(m.starts_with("`acm_arn` is only for `store = \"acm\"`"), "{m}");
    let m = refused(&input(r#","store":"acm","path":"/cloudfront/""#), "us-east-1");
    assert!(m.starts_with("`path` is only for `store = \"iam\"`"), "{m}");
}

#[test]
fn acm_needs_us_east_1() {
    let i = input(r#","store":"acm""#);
    assert_eq!(validate(&i, "us-east-1").expect("valid"), Target::Acm { arn: None });
    let m = refused(&i, "eu-west-1");
    assert!(m.contains("region `eu-west-1`"), "{m}");
    assert!(m.contains("run the workflow with region us-east-1"), "{m}");
}

#[test]
fn acm_arns_must_be_us_east_1_certificates() {
    let arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b-2c3d";
    assert!(acm_arn_ok(arn));
    assert!(acm_arn_ok("arn:aws-cn:acm:us-east-1:123456789012:certificate/x"));
    assert!(!acm_arn_ok("arn:aws:acm:eu-west-1:123456789012:certificate/x"));
    assert!(!acm_arn_ok("arn:aws:iam::123456789012:server-certificate/x"));
    assert!(!acm_arn_ok("arn:aws:acm:us-east-1:1234:certificate/x"));
    assert!(!acm_arn_ok("arn:aws:acm:us-east-1:123456789012:certificate/"));
    assert!(!acm_arn_ok("0a1b-2c3d"));
    let i = input(&format!(r#","store":"acm","acm_arn":"{arn}""#));
    assert_eq!(
        validate(&i, "us-east-1").expect("valid"),
        Target::Acm { arn: Some(arn.into()) }
    );
    let bad = input(r#","store":"acm","acm_arn":"arn:aws:acm:eu-west-1:123456789012:certificate/x""#);
    assert!(refused(&bad, "us-east-1").starts_with("`acm_arn` `arn:aws:acm:eu-west-1"));
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
            "acm_arn",
            "certificate",
            "chain",
            "name",
            "path",
            "private_key",
            "store"
        ]
    );
    assert_eq!(s["required"], serde_json::json!(["certificate", "private_key", "name"]));
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["properties"]["store"]["enum"], serde_json::json!(["iam", "acm"]));
    assert_eq!(s["properties"]["store"]["default"], "iam");
    assert_eq!(s["properties"]["name"]["maxLength"], MAX_NAME);
    assert!(
        s["properties"]["path"]["description"]
            .as_str()
            .is_some_and(|d| d.contains(DEFAULT_PATH))
    );
}
