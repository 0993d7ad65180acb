//! Plans: the changes a plan records instead of sending, the plan's view of AWS that every
//! later read sees, the placeholders that stand for what only apply can tell, and the saved
//! plan an `apply --plan` is held to.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::changes::{Action, Change, FieldDiff, Kind};
use crate::error::HostError;
use crate::provider::Reader;
use crate::provider::memory::Memory;

/// A change a step makes (in apply) or would make (in plan).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "PlannedChangeRepr")]
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

/// `change` without the bytes it would send (a file's body, a certificate bundle): a plan never
/// sends them, and keeping them for the whole run would hold, outside any step's memory cap,
/// every file a step asks to upload.
fn without_payload(mut change: Change) -> Change {
    match &mut change {
        Change::PutObject(c) => c.body = None,
        Change::UploadServerCertificate(c) => c.bundle = None,
        Change::ImportCertificate(c) => c.bundle = None,
        _ => {}
    }
    change
}

/// What a saved plan holds of a change: the rest is derived from it again when read, so that
/// a plan saved by an older format reads the same as one made now.
#[derive(Deserialize)]
struct PlannedChangeRepr {
    step: String,
    change: Change,
}

impl From<PlannedChangeRepr> for PlannedChange {
    fn from(repr: PlannedChangeRepr) -> Self {
        Self::new(&repr.step, repr.change)
    }
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

/// A plan in progress: its view of AWS (the live, read-only AWS with every planned write laid
/// over it) and the changes recorded so far. Shared by the plan's steps; cheap to clone.
#[derive(Clone, Debug)]
pub struct Plan {
    view: Arc<Memory>,
    changes: Arc<Mutex<Vec<PlannedChange>>>,
}

impl Plan {
    /// A plan over `live` (which should only read), for account `account`.
    pub fn new(live: Arc<dyn Reader>, account: &str) -> Self {
        Self::over(Memory::plan(live, account))
    }

    /// A plan over a view made elsewhere (a test's fake AWS, say).
    pub fn over(view: Memory) -> Self {
        Self {
            view: Arc::new(view),
            changes: Arc::default(),
        }
    }

    /// The same plan (its changes, and every write laid over AWS so far, shared), reading live
    /// AWS through `live` (which should only read) from now on: one step's scoped credentials.
    pub fn with_live(&self, live: Arc<dyn Reader>) -> Self {
        Self {
            view: Arc::new(self.view.over_parent(live)),
            changes: self.changes.clone(),
        }
    }

    /// The plan's view of AWS.
    pub fn view(&self) -> &Memory {
        &self.view
    }

    pub(crate) fn view_arc(&self) -> Arc<Memory> {
        self.view.clone()
    }

    /// The changes recorded so far, in order.
    pub fn changes(&self) -> Vec<PlannedChange> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn record(&self, step: &str, change: Change) {
        self.changes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(PlannedChange::new(step, without_payload(change)));
    }

    /// What `value` stands for, when it is (or holds) a placeholder of this plan.
    pub fn placeholder_of(&self, value: &str) -> Option<String> {
        self.view.placeholder_of(value)
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
        if next.step != step || !matches_plan(&next.change.to_json(), &change.to_json()) {
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
        (Value::String(p), Value::String(a)) if p.contains(PLACEHOLDER) => matches_text(p, a),
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

/// The text of a placeholder for `what`: a value known only after apply. Only the plan's view
/// of AWS hands them out; a guest asks the host whether a value is one (`run.placeholder`).
pub(crate) fn placeholder(what: &str) -> String {
    format!("{PLACEHOLDER}{what})")
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
    use crate::changes::{CreateBucket, PutBucketPolicy, PutObject};

    #[test]
    fn a_plan_keeps_no_file_it_would_upload() {
        let plan = Plan::new(crate::testing::fake(), crate::testing::ACCOUNT);
        let put = PutObject {
            bucket: "b".into(),
            key: "big.jpg".into(),
            md5: "0".repeat(32),
            replaces: None,
            content_type: "image/jpeg".into(),
            body: Some(std::sync::Arc::new(vec![0; 1 << 20])),
        };
        plan.record("site", put.into());
        let Change::PutObject(kept) = &plan.changes()[0].change else {
            panic!("not the change recorded");
        };
        assert!(
            kept.body.is_none(),
            "the plan holds the body outside the step's memory cap"
        );
        assert_eq!(kept.key, "big.jpg");
    }

    #[test]
    fn a_saved_plan_admits_only_its_next_change() {
        let planned = |policy: &str| -> Change {
            PutBucketPolicy {
                bucket: "b".into(),
                before: None,
                after: Some(policy.into()),
            }
            .into()
        };
        let expected = Expected::new(vec![PlannedChange::new("site", planned(&placeholder("policy")))]);
        let bucket: Change = CreateBucket {
            name: "b".into(),
            region: "us-east-1".into(),
        }
        .into();
        let err = expected.take("site", &bucket).expect_err("not next");
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
