//! Every step's input checked before anything runs: its `with` against the JSON Schema its
//! plugin publishes (types, required fields, unknown keys), each `${steps.<id>.<output>}`
//! against the outputs the plugin of step `<id>` declares, and each file the schema marks with
//! `"x-switchyard-file": "<capability>"` against the step's grants and the disk.
//!
//! A value made from an earlier step's output is known only once that step has run: it is
//! checked for what the text around it already decides (a string is a string), not for what it
//! will hold.

use std::collections::{BTreeMap, BTreeSet};

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::PreparedStep;
use super::prepare::PrepareError;
use crate::error::HostError;
use crate::gate::{Call, Capability, Gate, Mode};
use crate::report::Progress;
use crate::workflow::Workflow;
use crate::workflow::expand::{self, Scope};

/// Mark a value an earlier step's output gives: `PENDING` + reference + `PENDING_END`, shown
/// in messages as the `${…}` it was written as.
const PENDING: char = '\u{1}';
const PENDING_END: char = '\u{2}';

/// The schema keyword naming the capability a file field is read under.
const FILE_KEYWORD: &str = "x-switchyard-file";

/// Checks the input of every step of `workflow`, in order.
pub(super) fn check(workflow: &Workflow, steps: &[PreparedStep]) -> Result<(), PrepareError> {
    let mut outputs: BTreeMap<&str, (&str, Option<BTreeSet<String>>)> = BTreeMap::new();
    for prepared in steps {
        let fail = |field: String, message: String| PrepareError::Input {
            file: workflow.file.clone(),
            step: prepared.step.id.clone(),
            plugin: prepared.description.name.clone(),
            field,
            message,
        };
        let scope = Pending {
            workflow,
            outputs: &outputs,
        };
        let input = expand::expand_value(&prepared.step.with, &scope, "with").map_err(|(f, m)| fail(f, m))?;
        let schema = schema(&prepared.description.input_schema).map_err(|m| fail("plugin".into(), m))?;
        if let Some((field, message)) = against_schema(&schema, &input, &prepared.description.name) {
            return Err(fail(field, message));
        }
        if let Some((field, message)) = files(workflow, prepared, &schema, &input) {
            return Err(fail(field, message));
        }
        let declared = prepared.description.output_schema.as_deref().and_then(declared_outputs);
        outputs.insert(&prepared.step.id, (&prepared.description.name, declared));
    }
    Ok(())
}

/// The plugin's input schema; an empty text takes any input.
fn schema(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Bool(true));
    }
    serde_json::from_str(text).map_err(|e| format!("the plugin's input schema is not JSON ({e}): the plugin is broken"))
}

/// The names of the outputs an output schema declares; none when it names no `properties`
/// (then the step's outputs are known only once it has run, and references are not checked).
fn declared_outputs(text: &str) -> Option<BTreeSet<String>> {
    let schema = serde_json::from_str::<Value>(text).ok()?;
    Some(schema.get("properties")?.as_object()?.keys().cloned().collect())
}

/// The first problem of `input` against `schema`, as `(field, message)`.
fn against_schema(schema: &Value, input: &Value, plugin: &str) -> Option<(String, String)> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return Some((
                "plugin".into(),
                format!("the plugin's input schema is not a JSON Schema: {e}"),
            ));
        }
    };
    let inspect = format!("see `switchyard plugins inspect {plugin}` for what it takes");
    // A misspelt field explains the required one it was meant to be: name it first.
    let mut errors: Vec<_> = validator.iter_errors(input).collect();
    errors.sort_by_key(|e| match e.kind() {
        ValidationErrorKind::AdditionalProperties { .. } => 0,
        ValidationErrorKind::Required { .. } => 2,
        _ => 1,
    });
    errors.into_iter().find_map(|error| {
        let at = error.instance_path().as_str();
        let value = input.pointer(at).unwrap_or(&Value::Null);
        let field = field(at);
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                Some((
                    join(&field, name),
                    format!("is required but missing: add it ({inspect})"),
                ))
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = known_fields(schema, at);
                let name = unexpected.first().map_or("", String::as_str);
                Some((
                    join(&field, name),
                    format!("is not a field the plugin takes (it takes {known}): remove it or fix its spelling"),
                ))
            }
            ValidationErrorKind::Type { .. } if !is_pending(value) => Some((
                field,
                format!(
                    "{}: change the value in the workflow file ({inspect})",
                    as_written(&error.to_string())
                ),
            )),
            // Only the kind of a value made from an earlier step's output is known now.
            _ if contains_pending(value) => None,
            _ => Some((
                field,
                format!(
                    "{}: change the value in the workflow file ({inspect})",
                    as_written(&error.to_string())
                ),
            )),
        }
    })
}

/// Every file field (`"x-switchyard-file": "<capability>"` at the top of the schema) granted
/// and present, so that a mistyped path is named before the first write, not after.
fn files(workflow: &Workflow, prepared: &PreparedStep, schema: &Value, input: &Value) -> Option<(String, String)> {
    let properties = schema.get("properties")?.as_object()?;
    let gate = Gate::new(
        &prepared.step.id,
        prepared.step.grant_set(),
        Mode::Offline,
        Progress::default(),
    );
    let base = workflow.dir();
    properties.iter().find_map(|(name, property)| {
        let capability: Capability = property.get(FILE_KEYWORD)?.as_str()?.parse().ok()?;
        let path = input.get(name)?.as_str()?;
        if path.contains(PENDING) {
            return None;
        }
        match crate::files::resolve(&gate, Call::new(capability, "read"), &base, path) {
            Ok(_) => None,
            Err(HostError::Denied { capability, resource }) => Some((
                format!("with.{name}"),
                format!(
                    "`{path}` is not granted to the step: add `{capability}:{}` to its grants",
                    resource.as_deref().unwrap_or(path)
                ),
            )),
            Err(HostError::InvalidInput { message, .. }) => Some((format!("with.{name}"), message)),
            Err(e) => Some((format!("with.{name}"), format!("`{path}`: {e}"))),
        }
    })
}

/// `with.a.b[0]` for the JSON pointer `/a/b/0`.
fn field(pointer: &str) -> String {
    let mut out = String::from("with");
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            out.push('.');
            out.push_str(&part);
        }
    }
    out
}

fn join(field: &str, name: &str) -> String {
    format!("{field}.{name}")
}

/// The fields the schema's object at `pointer` names, for a message.
fn known_fields(schema: &Value, pointer: &str) -> String {
    let mut at = schema;
    for part in pointer.split('/').skip(1) {
        at = match at.get("properties").and_then(|p| p.get(part)) {
            Some(next) => next,
            None => return "others".into(),
        };
    }
    let names: Vec<String> = at
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
        .unwrap_or_default();
    if names.is_empty() {
        "others".into()
    } else {
        names.join(", ")
    }
}

/// `text` with each pending mark shown as the `${…}` it was written as.
fn as_written(text: &str) -> String {
    // jsonschema's messages quote values as JSON, which escapes the marks.
    text.replace(PENDING, "${")
        .replace(PENDING_END, "}")
        .replace("\\u0001", "${")
        .replace("\\u0002", "}")
}

/// A value that is one earlier step's output, whole.
fn is_pending(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.starts_with(PENDING) && s.ends_with(PENDING_END) && s.matches(PENDING).count() == 1)
}

fn contains_pending(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains(PENDING),
        Value::Array(items) => items.iter().any(contains_pending),
        Value::Object(map) => map.values().any(contains_pending),
        _ => false,
    }
}

/// Vars and env as they are; `${steps.<id>.<output>}` checked against what step `<id>`'s plugin
/// declares, and marked as pending.
struct Pending<'a> {
    workflow: &'a Workflow,
    outputs: &'a BTreeMap<&'a str, (&'a str, Option<BTreeSet<String>>)>,
}

impl Scope for Pending<'_> {
    fn resolve(&self, reference: &str) -> Result<Value, String> {
        if let Some(value) = self.workflow.resolve_fixed(reference) {
            return value.map_err(|e| format!("`${{{reference}}}`: {e}"));
        }
        let rest = reference
            .strip_prefix("steps.")
            .ok_or_else(|| format!("`${{{reference}}}` is not a reference"))?;
        let mut parts = rest.split('.');
        let id = parts.next().unwrap_or_default();
        // The workflow's load made sure `id` is an earlier step.
        if let (Some(name), Some((plugin, Some(declared)))) = (parts.next(), self.outputs.get(id))
            && !declared.contains(name)
        {
            let has: Vec<String> = declared.iter().map(|d| format!("`{d}`")).collect();
            return Err(format!(
                "`${{{reference}}}`: step `{id}` (plugin {plugin}) has no output `{name}`; it has {}",
                if has.is_empty() {
                    "none".to_owned()
                } else {
                    has.join(", ")
                }
            ));
        }
        Ok(Value::String(format!("{PENDING}{reference}{PENDING_END}")))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn first(schema: Value, input: Value) -> Option<(String, String)> {
        against_schema(&schema, &input, "p")
    }

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["page"],
            "properties": {
                "page": { "type": "string" },
                "retry_after": { "type": "integer", "minimum": 1 },
                "store": { "enum": ["iam", "acm"] },
                "health": { "type": "object", "properties": { "port": { "type": "integer" } } }
            }
        })
    }

    fn pending(reference: &str) -> Value {
        Value::String(format!("{PENDING}{reference}{PENDING_END}"))
    }

    #[test]
    fn type_required_and_unknown_fields_are_named() {
        let (field, message) = first(schema(), json!({ "page": "p", "retry_after": "300" })).expect("a problem");
        assert_eq!(field, "with.retry_after");
        assert!(message.contains("\"300\" is not of type \"integer\""), "{message}");
        let (field, message) = first(schema(), json!({})).expect("a problem");
        assert_eq!(
            (field.as_str(), message.starts_with("is required")),
            ("with.page", true),
            "{message}"
        );
        let (field, message) = first(schema(), json!({ "page": "p", "pgae": 1 })).expect("a problem");
        assert_eq!(field, "with.pgae");
        assert!(
            message.contains("it takes `health`, `page`, `retry_after`, `store`"),
            "{message}"
        );
        let (field, _) = first(schema(), json!({ "page": "p", "health": { "port": "x" } })).expect("a problem");
        assert_eq!(field, "with.health.port");
        assert_eq!(
            first(schema(), json!({ "page": "p", "retry_after": 3, "store": "acm" })),
            None
        );
    }

    #[test]
    fn an_earlier_steps_output_is_checked_only_for_what_is_known_now() {
        // Whole: its type is the output's, known when it has run.
        assert_eq!(
            first(schema(), json!({ "page": "p", "retry_after": pending("steps.a.n") })),
            None
        );
        assert_eq!(
            first(schema(), json!({ "page": "p", "store": pending("steps.a.s") })),
            None
        );
        // Written into text: a string, whatever the output holds.
        let text = Value::String(format!("x-{}", pending("steps.a.n").as_str().expect("text")));
        let (field, message) = first(schema(), json!({ "page": "p", "retry_after": text.clone() })).expect("a problem");
        assert_eq!(field, "with.retry_after");
        assert!(
            message.starts_with("\"x-${steps.a.n}\" is not of type \"integer\""),
            "shown as written: {message}"
        );
        assert_eq!(
            first(schema(), json!({ "page": "p", "store": text })),
            None,
            "its text is not known"
        );
    }

    #[test]
    fn pointers_become_fields() {
        assert_eq!(field(""), "with");
        assert_eq!(field("/hostnames/0"), "with.hostnames[0]");
        assert_eq!(field("/a~1b/c"), "with.a/b.c");
    }
}
