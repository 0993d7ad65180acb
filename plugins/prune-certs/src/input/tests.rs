use super::*;

fn parse(s: &str) -> Result<Input, serde_json::Error> {
    serde_json::from_str(s)
}

fn input(fields: &str) -> Input {
    parse(&format!("{{{fields}}}")).expect("test input parses")
}

fn refused(i: &Input) -> String {
    let e = validate(i).expect_err("refused");
    assert_eq!(e.code, "invalid-input");
    e.message
}

#[test]
fn defaults() {
    let i = input("");
    assert_eq!(i.path_prefix, "/cloudfront/");
    assert_eq!(i.keep, 2);
    assert_eq!(i.name, None);
    assert!(!i.dry_run);
    assert!(validate(&i).is_ok());
    assert_eq!(prefix_warning(&i.path_prefix), None);
}

#[test]
fn rejects_unknown_and_mistyped() {
    assert!(parse(r#"{"prefix":"/cloudfront/"}"#).is_err());
    assert!(parse(r#"{"keep":-1}"#).is_err());
    assert!(parse(r#"{"keep":"2"}"#).is_err());
    assert!(parse(r#"{"dry_run":"yes"}"#).is_err());
}

#[test]
fn keep_is_1_to_20() {
    assert!(validate(&input(r#""keep":1"#)).is_ok());
    assert!(validate(&input(r#""keep":20"#)).is_ok());
    for bad in [0, 21, 1000] {
        let m = refused(&input(&format!(r#""keep":{bad}"#)));
        assert!(m.starts_with(&format!("`keep` is {bad}: give 1–20")), "{m}");
    }
}

#[test]
fn path_prefixes_start_and_end_with_a_slash() {
    for ok in ["/", "/cloudfront/", "/cloudfront/example/", "/other/"] {
        assert!(validate(&input(&format!(r#""path_prefix":"{ok}""#))).is_ok(), "{ok}");
    }
    for bad in ["", "cloudfront/", "/cloudfront", "/cloudfront/a", "/a b/"] {
        let m = refused(&input(&format!(r#""path_prefix":"{bad}""#)));
        assert!(m.starts_with(&format!("`path_prefix` `{bad}`")), "{m}");
    }
    assert!(refused(&input(r#""path_prefix":"/a b/""#)).contains("printable"));
}

#[test]
fn prefixes_outside_cloudfront_are_warned_about() {
    assert_eq!(prefix_warning("/cloudfront/example/"), None);
    let w = prefix_warning("/").expect("warned");
    assert!(w.contains("not under `/cloudfront/`"), "{w}");
    assert!(prefix_warning("/other/").is_some());
}

#[test]
fn names_are_iam_names() {
    assert!(validate(&input(r#""name":"www.example.com""#)).is_ok());
    assert!(name_ok(&"a".repeat(128)));
    assert!(!name_ok(&"a".repeat(129)));
    assert!(!name_ok(""));
    assert!(!name_ok("a/b"));
    assert!(!name_ok("*.example.com"));
    let m = refused(&input(r#""name":"*.example.com""#));
    assert!(m.starts_with("`name` `*.example.com` is not an IAM name"), "{m}");
}

#[test]
fn schema_matches_struct() {
    let s: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let props = s["properties"].as_object().expect("properties");
    let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["acm", "dry_run", "keep", "name", "path_prefix"]);
    assert!(s.get("required").is_none(), "every field has a default");
    assert_eq!(s["additionalProperties"], false);
    let p = &s["properties"];
    assert_eq!(p["path_prefix"]["default"], DEFAULT_PATH_PREFIX);
    assert_eq!(p["keep"]["default"], DEFAULT_KEEP);
    assert_eq!(p["keep"]["minimum"], 1);
    assert_eq!(p["keep"]["maximum"], MAX_KEEP);
    assert_eq!(p["name"]["maxLength"], MAX_NAME);
    assert_eq!(p["dry_run"]["default"], false);
    // The defaults the schema states are the struct's.
    let defaults = input("");
    assert_eq!(p["path_prefix"]["default"], defaults.path_prefix.as_str());
    assert_eq!(p["keep"]["default"], defaults.keep);
    assert_eq!(p["dry_run"]["default"], defaults.dry_run);
    assert_eq!(p["acm"]["default"], defaults.acm);
    // Every property the schema names parses.
    assert!(parse(r#"{"path_prefix":"/cloudfront/","keep":3,"name":"site","dry_run":true,"acm":true}"#).is_ok());
}

#[test]
fn output_schema_is_json() {
    let s: serde_json::Value = serde_json::from_str(OUTPUT_SCHEMA).expect("output schema is JSON");
    let mut names: Vec<&str> = s["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["deleted", "keep", "kept", "path_prefix", "quota", "quota_warning"]
    );
}
