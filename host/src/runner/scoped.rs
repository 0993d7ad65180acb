//! A step's mode under scoped credentials (`--scoped-credentials`): its plan's reads, or its
//! apply's calls, signed with credentials AWS narrows to the step's grants.

use std::sync::Arc;

use super::{Failure, Status, StepReport};
use crate::gate::{Apply, Mode};
use crate::provider::aws::scope::{Purpose, ScopeError, ScopedCredentials};
use crate::provider::{Provider, Reader};
use crate::workflow::Step;

/// The mode `step` runs in: the run's `mode`, its AWS clients those of the step's scoped
/// credentials when there are any. A plan keeps its view (every write laid over AWS so far) and
/// reads live AWS, read-only, with the step's credentials; an apply keeps its journal and saved
/// plan and sends with them.
pub(super) async fn step_mode(
    scoped: Option<&ScopedCredentials>,
    step: &Step,
    mode: &Mode,
) -> Result<Mode, ScopeError> {
    let Some(scoped) = scoped else {
        return Ok(mode.clone());
    };
    Ok(match mode {
        Mode::Offline => Mode::Offline,
        Mode::Plan(plan) => {
            let aws = scoped.for_step(&step.id, Purpose::Plan, step.limits.deadline).await?;
            Mode::Plan(plan.with_live(Arc::new(aws.read_only()) as Arc<dyn Reader>))
        }
        Mode::Apply(apply) => {
            let aws = scoped.for_step(&step.id, Purpose::Apply, step.limits.deadline).await?;
            Mode::Apply(Apply {
                aws: Arc::new(aws) as Arc<dyn Provider>,
                ..apply.clone()
            })
        }
    })
}

/// The report of a step that did not run: its scoped credentials could not be had.
pub(super) fn failed(step: &Step, plugin: &str, error: &ScopeError) -> StepReport {
    StepReport {
        id: step.id.clone(),
        plugin: plugin.to_owned(),
        status: Status::Failed,
        duration_ms: 0,
        outputs: None,
        failure: Some(Failure {
            code: "credentials".into(),
            message: error.to_string(),
            details: None,
        }),
        changes: Vec::new(),
        reason: None,
    }
}
