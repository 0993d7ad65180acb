//! `${vars.x}`, `${env.X}` and `${steps.<id>.<output>}` in a step's `with`.
//!
//! A string that is exactly one `${…}` takes the referenced value with its JSON type (a list
//! stays a list); otherwise references are written into the string. `$${` is a literal `${`.

use serde_json::Value;

/// What a reference can resolve to.
pub trait Scope {
    /// The value of `reference` (the text between `${` and `}`), or why there is none.
    fn resolve(&self, reference: &str) -> Result<Value, String>;
}

/// Expands every string in `value`; `path` names where `value` sits, for errors.
pub fn expand_value(value: &Value, scope: &dyn Scope, path: &str) -> Result<Value, (String, String)> {
    Ok(match value {
        Value::String(s) => expand_str(s, scope).map_err(|e| (path.to_owned(), e))?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| expand_value(v, scope, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok::<_, (String, String)>((k.clone(), expand_value(v, scope, &format!("{path}.{k}"))?)))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Expands the references of one string.
pub fn expand_str(text: &str, scope: &dyn Scope) -> Result<Value, String> {
    let pieces = parse(text)?;
    if let [Piece::Ref(reference)] = pieces.as_slice() {
        return scope.resolve(reference);
    }
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Ref(reference) => match scope.resolve(&reference)? {
                Value::String(s) => out.push_str(&s),
                Value::Number(n) => out.push_str(&n.to_string()),
                Value::Bool(b) => out.push_str(&b.to_string()),
                other => {
                    return Err(format!(
                        "`${{{reference}}}` is {} and cannot be written into a string; make it the whole value",
                        kind(&other)
                    ));
                }
            },
        }
    }
    Ok(Value::String(out))
}

/// The references a string makes, for checking them before anything runs.
pub fn references(text: &str) -> Result<Vec<String>, String> {
    Ok(parse(text)?
        .into_iter()
        .filter_map(|p| if let Piece::Ref(r) = p { Some(r) } else { None })
        .collect())
}

enum Piece {
    Text(String),
    Ref(String),
}

fn parse(text: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            literal.push_str(&rest[..at - 1]);
            literal.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        literal.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("`${{` without a closing `}}` in `{text}`"))?;
        let reference = after[..end].trim();
        if reference.is_empty() {
            return Err(format!("empty `${{}}` in `{text}`"));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Ref(reference.to_owned()));
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
        _ => "a value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Vars;
    impl Scope for Vars {
        fn resolve(&self, reference: &str) -> Result<Value, String> {
            match reference {
                "vars.domain" => Ok(json!("www.example.com")),
                "vars.domains" => Ok(json!(["a.example.com", "b.example.com"])),
                "vars.port" => Ok(json!(443)),
                other => Err(format!("unknown `{other}`")),
            }
        }
    }

    #[test]
    fn whole_references_keep_their_type() {
        assert_eq!(
            expand_str("${vars.domains}", &Vars),
            Ok(json!(["a.example.com", "b.example.com"]))
        );
        assert_eq!(expand_str("${ vars.port }", &Vars), Ok(json!(443)));
    }

    #[test]
    fn references_inside_text_are_written_in() {
        assert_eq!(
            expand_str("https://${vars.domain}:${vars.port}/", &Vars),
            Ok(json!("https://www.example.com:443/"))
        );
        assert_eq!(
            expand_str("cost $${vars.domain}", &Vars),
            Ok(json!("cost ${vars.domain}"))
        );
    }

    #[test]
    fn bad_references_are_errors() {
        for (text, expected) in [
            ("${vars.nope}", "unknown `vars.nope`"),
            ("${vars.domain", "`${` without a closing `}` in `${vars.domain`"),
            (
                "x ${vars.domains}",
                "`${vars.domains}` is a list and cannot be written into a string",
            ),
            ("${}", "empty `${}` in `${}`"),
        ] {
            let err = expand_str(text, &Vars).expect_err(text);
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
