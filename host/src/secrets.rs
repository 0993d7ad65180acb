//! Secrets the host holds, kept out of what it writes down: the journal, saved plans and what
//! it prints.
//!
//! Two nets. The secrets the host knows (the AWS credentials it signs with, the values of the
//! environment variables that hold them or that `SWITCHYARD_SECRET_ENV` names) are replaced
//! wherever they appear, whole or inside a longer text; and text shaped like a secret (an AWS
//! access key id, a PEM private key) is replaced even when the host was never told it.

use std::sync::{Mutex, PoisonError};

use serde_json::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// The environment variables that hold AWS credentials: a workflow may not read them.
pub const AWS_CREDENTIAL_ENV: [&str; 6] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
];

/// The variable naming more secret environment variables (comma- or space-separated).
pub const SECRET_ENV: &str = "SWITCHYARD_SECRET_ENV";

/// Secrets shorter than this are not remembered: replacing them would garble ordinary text.
const SHORTEST: usize = 8;

static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether the environment variable `name` holds a secret, by the list above and
/// `SWITCHYARD_SECRET_ENV` (read through `env`).
pub fn is_secret_env(name: &str, env: &dyn Fn(&str) -> Option<String>) -> bool {
    AWS_CREDENTIAL_ENV.contains(&name)
        || env(SECRET_ENV).is_some_and(|list| list.split([',', ' ']).any(|n| n.trim() == name))
}

/// Remembers `secret`, so that it is replaced wherever it would be written down.
pub fn remember(secret: &str) {
    if secret.len() < SHORTEST {
        return;
    }
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_owned());
        // Longest first, so that a secret containing another is replaced whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// Remembers the values of the secret environment variables of this process.
pub fn remember_env() {
    let env = |name: &str| std::env::var(name).ok();
    for (name, value) in std::env::vars() {
        if is_secret_env(&name, &env) {
            remember(&value);
        }
    }
}

/// `text` with every secret replaced by [`REDACTED`].
pub fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    for secret in KNOWN.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    redact_private_keys(&redact_key_ids(&out))
}

/// Every string in `value` redacted.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::String(s) => {
            let clean = redact(s);
            if clean != *s {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => map.values_mut().for_each(redact_value),
        _ => {}
    }
}

/// AWS access key ids (`AKIA…`, `ASIA…`: four letters and 16 more upper-case letters or digits).
fn redact_key_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let at_start = i == 0 || !word(bytes[i - 1]);
        let id = at_start
            && (text[i..].starts_with("AKIA") || text[i..].starts_with("ASIA"))
            && bytes.len() >= i + 20
            && bytes[i..i + 20].iter().all(|b| word(*b))
            && bytes.get(i + 20).is_none_or(|b| !word(*b));
        if id {
            out.push_str(REDACTED);
            i += 20;
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// PEM private keys, from their `BEGIN` line to their `END` line (or the end of the text).
fn redact_private_keys(text: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let mut out = String::new();
    let mut rest = text;
    while let Some(begin) = rest.find(BEGIN) {
        let label = begin + BEGIN.len();
        let label_end = rest[label..].find(DASHES).map(|e| label + e);
        let Some(label_end) = label_end.filter(|e| rest[label..*e].ends_with("PRIVATE KEY")) else {
            out.push_str(&rest[..label]);
            rest = &rest[label..];
            continue;
        };
        out.push_str(&rest[..begin]);
        out.push_str(REDACTED);
        let after = &rest[label_end + DASHES.len()..];
        rest = after
            .find("-----END ")
            .map(|end| &after[end + "-----END ".len()..])
            .and_then(|tail| tail.find(DASHES).map(|c| &tail[c + DASHES.len()..]))
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_replaced_inside_longer_text() {
        remember("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
        remember("short");
        assert_eq!(
            redact("/health/wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY?x=1"),
            "/health/<redacted>?x=1"
        );
        assert_eq!(redact("short stays"), "short stays");
        let mut v = serde_json::json!({"a": ["x wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"], "n": 1});
        redact_value(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["x <redacted>"], "n": 1}));
    }

    #[test]
    fn secret_shapes_are_replaced_unknown() {
        assert_eq!(redact("key AKIAIOSFODNN7EXAMPLE."), "key <redacted>.");
        assert_eq!(
            redact("XAKIAIOSFODNN7EXAMPLE"),
            "XAKIAIOSFODNN7EXAMPLE",
            "inside a word"
        );
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLEX"), "AKIAIOSFODNN7EXAMPLEX", "too long");
        assert_eq!(
            redact("ASCA1234567890ABCDEF"),
            "ASCA1234567890ABCDEF",
            "an IAM certificate id"
        );
        let pem = "a\n-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\nb";
        assert_eq!(redact(pem), "a\n<redacted>\nb");
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(redact(cert), cert, "certificates are public");
        assert_eq!(
            redact("x -----BEGIN EC PRIVATE KEY-----\nMHc"),
            "x <redacted>",
            "cut short"
        );
    }

    #[test]
    fn secret_environment_variables() {
        let env = |name: &str| (name == SECRET_ENV).then(|| "DB_PASSWORD, API_TOKEN".to_owned());
        assert!(is_secret_env("AWS_SECRET_ACCESS_KEY", &env));
        assert!(is_secret_env("API_TOKEN", &env));
        assert!(!is_secret_env("HOME", &env));
        assert!(!is_secret_env("API_TOKEN", &|_| None));
    }
}
