//! Plans: the changes a plan records instead of sending, the placeholders that stand for what
//! only apply can tell, what later steps read back of planned resources, and the saved plan an
//! `apply --plan` is held to.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use crate::bindings::certificates::ServerCertificateDetail;
use crate::bindings::distributions::Distribution;
use crate::error::HostError;
use crate::journal::{Action, Change, FieldDiff};

/// A change a step makes (in apply) or would make (in plan).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlannedChange {
    /// The step.
    pub step: String,
    /// Create, update or delete.
    pub action: Action,
    /// What it is done to, for people.
    pub resource: String,
    /// The change, with the state it replaces.
    pub change: Change,
    /// The fields that differ, before → after.
    pub diff: Vec<FieldDiff>,
}

impl PlannedChange {
    /// The planned form of `change`, made by `step`.
    pub fn new(step: &str, change: Change) -> Self {
        Self {
            step: step.to_owned(),
            action: change.action(),
            resource: change.resource(),
            diff: change.diff(),
            change,
        }
    }
}

/// The changes a plan collects, shared by its steps, and what they would create or change
/// that later steps read back.
#[derive(Clone, Debug, Default)]
pub struct PlanLog(Arc<Mutex<Planned>>);

#[derive(Debug, Default)]
struct Planned {
    changes: Vec<PlannedChange>,
    server_certificates: Vec<ServerCertificateDetail>,
    distributions: Vec<Distribution>,
    changed_distributions: Vec<String>,
}

impl PlanLog {
    /// The changes recorded so far.
    pub fn changes(&self) -> Vec<PlannedChange> {
        self.lock().changes.clone()
    }

    pub(crate) fn push(&self, change: PlannedChange) {
        self.lock().changes.push(change);
    }

    /// Remembers an IAM server certificate the plan would upload, for later steps to read.
    pub(crate) fn add_server_certificate(&self, detail: ServerCertificateDetail) {
        self.lock().server_certificates.push(detail);
    }

    /// The IAM server certificate named `name` the plan would upload, if any.
    pub(crate) fn server_certificate(&self, name: &str) -> Option<ServerCertificateDetail> {
        let planned = self.lock();
        planned
            .server_certificates
            .iter()
            .find(|c| c.meta.name == name)
            .cloned()
    }

    /// Remembers a distribution the plan would create, for later steps to read.
    pub(crate) fn add_distribution(&self, distribution: Distribution) {
        self.lock().distributions.push(distribution);
    }

    /// The distribution with (placeholder) id `id` the plan would create, if any.
    pub(crate) fn distribution(&self, id: &str) -> Option<Distribution> {
        self.lock().distributions.iter().find(|d| d.id == id).cloned()
    }

    /// The ETag a planned change to distribution `id` is made against: `etag` as read, unless
    /// an earlier planned change to it gives it a new one, known only after apply.
    pub(crate) fn distribution_etag(&self, id: &str, etag: &str) -> String {
        let mut planned = self.lock();
        if planned.changed_distributions.iter().any(|d| d == id) {
            return placeholder("ETag after the earlier change");
        }
        planned.changed_distributions.push(id.to_owned());
        etag.to_owned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Planned> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The changes of a saved plan still to be made, in order.
#[derive(Clone, Debug, Default)]
pub struct Expected(Arc<Mutex<VecDeque<PlannedChange>>>);

impl Expected {
    /// Expects `changes`, in order.
    pub fn new(changes: Vec<PlannedChange>) -> Self {
        Self(Arc::new(Mutex::new(changes.into())))
    }

    /// Takes the next planned change if `change` by `step` is it (a placeholder in the plan
    /// matches any value); else says what differs.
    pub(crate) fn take(&self, step: &str, change: &Change) -> Result<(), HostError> {
        let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let actual = PlannedChange::new(step, change.clone());
        let stale = |what: String| HostError::Trap(wasmtime::Error::new(NotInPlan(what)));
        let Some(next) = queue.front() else {
            return Err(stale(format!(
                "{} {} is not in the plan",
                actual.action.name(),
                actual.resource
            )));
        };
        let as_json = |c: &Change| serde_json::to_value(c).unwrap_or_default();
        if next.step != step || !matches_plan(&as_json(&next.change), &as_json(change)) {
            let field = actual
                .diff
                .iter()
                .find(|d| {
                    !next.diff.iter().any(|p| {
                        p.field == d.field && matches_plan(&p.before, &d.before) && matches_plan(&p.after, &d.after)
                    })
                })
                .map_or_else(
                    || " (it changed since the plan)".to_owned(),
                    |d| format!(" ({}: {} → {})", d.field, d.before, d.after),
                );
            return Err(stale(format!(
                "step `{step}` would {} {}{field}, but the plan's next change is step `{}`: {} {}",
                actual.action.name(),
                actual.resource,
                next.step,
                next.action.name(),
                next.resource
            )));
        }
        queue.pop_front();
        Ok(())
    }
}

/// Whether `actual` is what `planned` said, a placeholder standing for any value.
pub fn matches_plan(planned: &serde_json::Value, actual: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (planned, actual) {
        (Value::String(p), Value::String(a)) if is_placeholder(p) => matches_text(p, a),
        (Value::Object(p), Value::Object(a)) => {
            p.len() == a.len() && p.iter().all(|(k, v)| a.get(k).is_some_and(|av| matches_plan(v, av)))
        }
        (Value::Array(p), Value::Array(a)) => p.len() == a.len() && p.iter().zip(a).all(|(p, a)| matches_plan(p, a)),
        (p, a) => p == a,
    }
}

/// Whether text `actual` is `planned` with each placeholder replaced by some text.
fn matches_text(planned: &str, actual: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = planned;
    while let Some(start) = rest.find(PLACEHOLDER) {
        pieces.push(&rest[..start]);
        rest = rest[start..].split_once(')').map_or("", |(_, after)| after);
    }
    let Some(first) = pieces.first() else {
        return planned == actual;
    };
    let Some(mut actual) = actual.strip_prefix(first) else {
        return false;
    };
    for piece in &pieces[1..] {
        match actual.find(piece) {
            Some(at) => actual = &actual[at + piece.len()..],
            None => return false,
        }
    }
    actual.ends_with(rest)
}

/// A value that is known only after apply, standing in for it in a plan: `what` names it.
pub fn placeholder(what: &str) -> String {
    format!("{PLACEHOLDER}{what})")
}

/// Whether `value` is (or contains) a [`placeholder`].
pub fn is_placeholder(value: &str) -> bool {
    value.contains(PLACEHOLDER)
}

const PLACEHOLDER: &str = "(known after apply: ";

/// In `apply --plan`, a step tried a write the saved plan does not have next: AWS changed since
/// the plan was made. The step is stopped before the write.
#[derive(Debug, thiserror::Error)]
#[error("AWS changed since the saved plan was made: {0}; nothing more was changed: make a new plan")]
pub struct NotInPlan(pub String);

/// In plan mode, a step read something that exists only once apply has created it.
#[derive(Debug, thiserror::Error)]
#[error("it reads {0}, which exists only after apply")]
pub struct PlanStop(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_plan_admits_only_its_next_change() {
        let planned = |certificate: &str| Change::PutBucketPolicy {
            bucket: "b".into(),
            before: None,
            after: certificate.into(),
        };
        let expected = Expected::new(vec![PlannedChange::new("site", planned(&placeholder("policy")))]);
        let err = expected
            .take("site", &Change::CreateBucket { name: "b".into() })
            .expect_err("not next");
        assert!(
            err.to_string()
                .contains("the plan's next change is step `site`: create S3 bucket policy of b"),
            "{err}"
        );
        expected
            .take("site", &planned("{}"))
            .expect("the planned change, its placeholder filled");
        let err = expected.take("site", &planned("{}")).expect_err("made once");
        assert!(err.to_string().contains("is not in the plan"), "{err}");
    }

    #[test]
    fn placeholders_match_any_value_even_inside_text() {
        let planned =
            serde_json::json!({"arn": placeholder("arn"), "policy": format!("{{\"src\":\"{}\"}}", placeholder("arn"))});
        let actual = serde_json::json!({"arn": "arn:aws:x", "policy": "{\"src\":\"arn:aws:x\"}"});
        assert!(matches_plan(&planned, &actual));
        let other = serde_json::json!({"arn": "arn:aws:x", "policy": "{\"other\":\"arn:aws:x\"}"});
        assert!(!matches_plan(&planned, &other));
        assert!(!matches_plan(&serde_json::json!("a"), &serde_json::json!("b")));
    }
}
