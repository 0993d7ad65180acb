//! Route 53 record sets: one atomic batch.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Change, FieldDiff, Forward, Kind, NotUndone, Tally, diff_values};
use crate::error::HostError;
use crate::model::{ChangeAction, RecordChange, RecordSet};
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// Record sets of a zone change in one batch.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeRecordSets {
    /// The zone.
    pub zone_id: String,
    /// The record sets the batch touches, as they were.
    pub before: Vec<RecordSet>,
    /// The same record sets, as the batch leaves them.
    pub after: Vec<RecordSet>,
    /// The batch as sent (empty in journals of format 1: derived from `before` and `after`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<RecordChange>,
    /// The batch's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl ChangeRecordSets {
    /// The record sets the batch touches, as they are: `before` for each record set a batch of
    /// `changes` touches, from `current`.
    pub fn touched(current: &[RecordSet], changes: &[RecordChange]) -> (Vec<RecordSet>, Vec<RecordSet>) {
        let mut before: Vec<RecordSet> = Vec::new();
        for change in changes {
            let key = change.record_set.key();
            if let Some(found) = current.iter().find(|r| r.key() == key)
                && !before.iter().any(|b| b.key() == key)
            {
                before.push(found.clone());
            }
        }
        let mut after = before.clone();
        for change in changes {
            let set = RecordSet {
                name: crate::provider::fqdn(&change.record_set.name),
                ..change.record_set.clone()
            };
            after.retain(|r| r.key() != set.key());
            if change.action != ChangeAction::Delete {
                after.push(set);
            }
        }
        (before, after)
    }

    /// The batch that takes the record sets from `before` to `after`: deletes first (a plain
    /// record cannot sit beside the failover pair that replaces it), then upserts.
    fn batch(before: &[RecordSet], after: &[RecordSet]) -> Vec<RecordChange> {
        let deletes = before
            .iter()
            .filter(|b| !after.iter().any(|a| a.key() == b.key()))
            .map(|b| RecordChange {
                action: ChangeAction::Delete,
                record_set: b.clone(),
            });
        let upserts = after.iter().filter(|a| !before.contains(a)).map(|a| RecordChange {
            action: ChangeAction::Upsert,
            record_set: a.clone(),
        });
        deletes.chain(upserts).collect()
    }
}

#[async_trait]
impl Kind for ChangeRecordSets {
    /// A batch that only adds is a create, one that only removes a delete: the summary counts
    /// a replaced record as deleted too.
    fn action(&self) -> Action {
        if self.before.is_empty() {
            Action::Create
        } else if self.after.is_empty() {
            Action::Delete
        } else {
            Action::Update
        }
    }

    fn resource(&self) -> String {
        format!("Route 53 record sets in zone {}", self.zone_id)
    }

    /// Each record set by its key: one only before is deleted, one only after created, one in
    /// both and different updated.
    fn tally(&self) -> Tally {
        let find = |list: &[RecordSet], r: &RecordSet| list.iter().find(|o| o.key() == r.key()).cloned();
        let mut tally = Tally::default();
        for b in &self.before {
            match find(&self.after, b) {
                None => tally.deleted += 1,
                Some(a) if a != *b => tally.updated += 1,
                Some(_) => {}
            }
        }
        tally.created += self.after.iter().filter(|a| find(&self.before, a).is_none()).count();
        tally
    }

    fn diff(&self) -> Vec<FieldDiff> {
        let mut out = Vec::new();
        for b in &self.before {
            let a = self.after.iter().find(|a| a.key() == b.key());
            out.extend(diff_values(&b.label(), &value(b), &a.map_or(Value::Null, value)));
        }
        for a in self
            .after
            .iter()
            .filter(|a| !self.before.iter().any(|b| b.key() == a.key()))
        {
            out.extend(diff_values(&a.label(), &Value::Null, &value(a)));
        }
        out
    }

    fn undo_text(&self) -> String {
        format!(
            "restore the {} record set(s) it replaced, delete the rest",
            self.before.len()
        )
    }

    /// Puts back the record sets the batch touched: those that were not there are deleted,
    /// those that were are restored, in one batch.
    async fn undo(&self, aws: &dyn Reader, _created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        let mut now: Vec<RecordSet> = Vec::new();
        for r in self.before.iter().chain(&self.after) {
            if now.iter().any(|n| n.key() == r.key()) {
                continue;
            }
            let name = crate::provider::fqdn(&r.name);
            let current = aws.list_record_sets(&self.zone_id, &name, Some(&r.record_type)).await?;
            now.extend(current.into_iter().filter(|c| c.key() == r.key()));
        }
        let changes = Self::batch(&now, &self.before);
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![
            ChangeRecordSets {
                zone_id: self.zone_id.clone(),
                before: now,
                after: self.before.clone(),
                changes,
                comment: Some("switchyard rollback".into()),
            }
            .into(),
        ])
    }
}

#[async_trait]
impl Forward for ChangeRecordSets {
    type Output = String;

    async fn send(&self, aws: &dyn Provider, _progress: &Progress) -> Result<String, HostError> {
        let derived;
        let changes = if self.changes.is_empty() {
            derived = Self::batch(&self.before, &self.after);
            &derived
        } else {
            &self.changes
        };
        aws.change_record_sets(&self.zone_id, changes, self.comment.as_deref())
            .await
    }
}

/// A record set's fields for a diff: all but its identity, none that are empty.
fn value(r: &RecordSet) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        for key in ["name", "type", "set_identifier"] {
            o.remove(key);
        }
        o.retain(|_, v| !v.is_null() && *v != Value::Array(Vec::new()));
    }
    v
}
