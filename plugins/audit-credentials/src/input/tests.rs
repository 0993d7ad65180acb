use super::*;

fn parse(s: &str) -> Result<Input, serde_json::Error> {
    serde_json::from_str(s)
}

fn refused(s: &str) -> String {
    let e = parse(s).expect("parses").check().expect_err("refused");
    assert_eq!(e.code, "invalid-input");
    e.message
}

#[test]
fn defaults() {
    let i = parse("{}").expect("empty input");
    assert_eq!(i.users, Users::Caller);
    assert_eq!(
        (i.key_max_age_days, i.key_unused_days, i.signing_cert_expiring_days),
        (90, 90, 30)
    );
    assert_eq!(i.fail_on, FailOn::Error);
    assert!(i.check().is_ok());
}

#[test]
fn everything() {
    let i = parse(
        r#"{"users":["deploy","ci@example"],"key_max_age_days":30,"key_unused_days":7,
            "signing_cert_expiring_days":0,"fail_on":"warning"}"#,
    )
    .expect("full input");
    assert_eq!(i.users, Users::Named(vec!["deploy".into(), "ci@example".into()]));
    assert_eq!(
        (i.key_max_age_days, i.key_unused_days, i.signing_cert_expiring_days),
        (30, 7, 0)
    );
    assert_eq!(i.fail_on, FailOn::Warning);
    assert!(i.check().is_ok());
    assert_eq!(parse(r#"{"users":"all"}"#).expect("all").users, Users::All);
    assert_eq!(parse(r#"{"users":"caller"}"#).expect("caller").users, Users::Caller);
}

#[test]
fn rejects_unknown_and_malformed() {
    assert!(parse(r#"{"user":"all"}"#).is_err());
    assert!(parse(r#"{"users":"everyone"}"#).is_err());
    assert!(parse(r#"{"users":[1]}"#).is_err());
    assert!(parse(r#"{"users":{"name":"x"}}"#).is_err());
    assert!(parse(r#"{"fail_on":"info"}"#).is_err());
    assert!(parse(r#"{"key_max_age_days":-1}"#).is_err());
    let e = parse(r#"{"users":"everyone"}"#).expect_err("refused").to_string();
    assert!(
        e.contains(r#"`users` must be "caller", "all" or a list of IAM user names, not "everyone""#),
        "{e}"
    );
}

#[test]
fn checks_ranges_and_names() {
    for (field, bad, good) in [
        ("key_max_age_days", 0, 1),
        ("key_max_age_days", 3651, 3650),
        ("key_unused_days", 0, 1),
        ("key_unused_days", 3651, 3650),
        ("signing_cert_expiring_days", 3651, 0),
    ] {
        let m = refused(&format!(r#"{{"{field}":{bad}}}"#));
        assert!(m.starts_with(&format!("`{field}` is {bad}")), "{m}");
        assert!(
            parse(&format!(r#"{{"{field}":{good}}}"#))
                .expect("parses")
                .check()
                .is_ok()
        );
    }
    assert!(refused(r#"{"users":[]}"#).contains("empty list"));
    assert!(refused(r#"{"users":["a b"]}"#).contains("not an IAM user name"));
    assert!(refused(&format!(r#"{{"users":["{}"]}}"#, "a".repeat(65))).contains("not an IAM user name"));
    assert!(refused(r#"{"users":["a","b","a"]}"#).contains("`a` twice"));
    assert!(user_name_ok(&"a".repeat(64)) && user_name_ok("a+b=c,d.e@f_g-h"));
}

#[test]
fn fail_on() {
    assert!(FailOn::Error.fails(Severity::Error));
    assert!(!FailOn::Error.fails(Severity::Warning));
    assert!(FailOn::Warning.fails(Severity::Error));
    assert!(FailOn::Warning.fails(Severity::Warning));
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
            "fail_on",
            "key_max_age_days",
            "key_unused_days",
            "signing_cert_expiring_days",
            "users"
        ]
    );
    assert_eq!(s.get("required"), None);
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(
        s["properties"]["fail_on"]["enum"],
        serde_json::json!(["error", "warning"])
    );
    assert_eq!(
        s["properties"]["users"]["oneOf"][0]["enum"],
        serde_json::json!(["caller", "all"])
    );
    // Every default the schema states is the struct's default, and every range is `check`'s.
    let i = parse("{}").expect("empty input");
    assert_eq!(s["properties"]["users"]["default"], "caller");
    assert_eq!(s["properties"]["fail_on"]["default"], "error");
    for (field, value, min) in [
        ("key_max_age_days", i.key_max_age_days, 1),
        ("key_unused_days", i.key_unused_days, 1),
        ("signing_cert_expiring_days", i.signing_cert_expiring_days, 0),
    ] {
        let p = &s["properties"][field];
        assert_eq!(
            (&p["default"], &p["minimum"], &p["maximum"]),
            (&value.into(), &min.into(), &MAX_DAYS.into()),
            "{field}"
        );
    }
    let pattern = s["properties"]["users"]["oneOf"][1]["items"]["pattern"]
        .as_str()
        .expect("pattern");
    assert_eq!(pattern, "^[A-Za-z0-9+=,.@_-]{1,64}$");
}
