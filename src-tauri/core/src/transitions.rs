//! Moving a model through its lifecycle: promote, deploy (through the quality gate), archive and roll back,
//! each one transaction that checks the lifecycle table, the caller's expectation and the gate, then
//! records the change in the audit chain.

use chrono::Utc;
use rusqlite::params;

use crate::error::{RegistryError, Result};
use crate::lifecycle::{self, Action};
use crate::registry::{clean_text, Registry, MAX_REASON_CHARS};
use crate::rows::*;
use crate::types::*;

impl Registry {
    pub fn promote(&self, model_id: &str) -> Result<TransitionResult> {
        self.transition(model_id, Action::Promote, None, None)
    }

    /// Deploys without overriding the quality gate (see `deploy_with`).
    pub fn deploy(&self, model_id: &str, target: DeployTarget) -> Result<TransitionResult> {
        self.deploy_with(&DeployRequest {
            model_id: model_id.to_owned(),
            target_env: target,
            override_reason: None,
            expected: None,
        })
    }

    /// Deploys to staging, or to production if the current version's latest test run passed; with an
    /// override reason, to production anyway, and the audit event says so (docs/adr/0010-quality-gates.md).
    pub fn deploy_with(&self, req: &DeployRequest) -> Result<TransitionResult> {
        let override_reason = match &req.override_reason {
            Some(text) => Some(
                clean_text(Some(text), "Override reason", MAX_REASON_CHARS)?.ok_or_else(|| {
                    RegistryError::InvalidInput(
                        "Deploying despite the quality gate needs a reason.".to_owned(),
                    )
                })?,
            ),
            None => None,
        };
        let action = match req.target_env {
            DeployTarget::Staging => Action::DeployStaging,
            DeployTarget::Production => Action::DeployProduction,
        };
        self.transition(
            &req.model_id,
            action,
            override_reason.as_deref(),
            req.expected.as_ref(),
        )
    }

    pub fn archive(&self, model_id: &str) -> Result<TransitionResult> {
        self.transition(model_id, Action::Archive, None, None)
    }

    /// Promote, archive and run the tests as the page asks for them: with `expected`, only while the model
    /// is as the page showed it (see below).
    pub fn promote_with(&self, req: &ActionRequest) -> Result<TransitionResult> {
        self.transition(&req.model_id, Action::Promote, None, req.expected.as_ref())
    }

    pub fn archive_with(&self, req: &ActionRequest) -> Result<TransitionResult> {
        self.transition(&req.model_id, Action::Archive, None, req.expected.as_ref())
    }

    pub fn run_tests_with(&self, req: &ActionRequest) -> Result<TestRun> {
        self.run_test_suite_expecting(&req.model_id, req.expected.as_ref())
    }

    // The `_expecting` variants do the same, but only while the model is still as the caller last saw it;
    // otherwise they refuse with CONFLICT and change nothing. See `Expected` and ADR 0011.

    pub fn promote_expecting(
        &self,
        model_id: &str,
        expected: &Expected,
    ) -> Result<TransitionResult> {
        self.transition(model_id, Action::Promote, None, Some(expected))
    }

    pub fn deploy_expecting(
        &self,
        model_id: &str,
        target: DeployTarget,
        expected: &Expected,
    ) -> Result<TransitionResult> {
        self.transition(model_id, deploy_action(target), None, Some(expected))
    }

    pub fn archive_expecting(
        &self,
        model_id: &str,
        expected: &Expected,
    ) -> Result<TransitionResult> {
        self.transition(model_id, Action::Archive, None, Some(expected))
    }

    pub fn rollback_expecting(
        &self,
        req: &RollbackRequest,
        expected: &Expected,
    ) -> Result<RollbackResult> {
        self.rollback_inner(req, Some(expected))
    }

    pub fn run_tests_expecting(&self, model_id: &str, expected: &Expected) -> Result<TestRun> {
        self.run_test_suite_expecting(model_id, Some(expected))
    }

    /// `override_reason` is only read when `to` is production: every path into production goes through here.
    fn transition(
        &self,
        model_id: &str,
        action: Action,
        override_reason: Option<&str>,
        expected: Option<&Expected>,
    ) -> Result<TransitionResult> {
        self.write(|tx| {
            let now = Utc::now();
            let state = load_state(tx, model_id)?;
            check_expected(model_id, &state, expected)?;
            let to = lifecycle::next_status(model_id, state.status, action)?;
            let gate = if to == Status::Production {
                Some(crate::gates::check_gate(
                    tx,
                    model_id,
                    state.version_id,
                    &state.version,
                    override_reason,
                )?)
            } else {
                None
            };
            if action == Action::Archive {
                if let Some(test_id) = running_ab_test_of(tx, model_id)? {
                    return Err(RegistryError::Conflict(format!(
                        "Can't archive {model_id}: it is in the running A/B test {test_id}. Conclude or abort that test first."
                    )));
                }
            }
            let before = load_model(tx, model_id)?;
            let deployed = matches!(to, Status::Staging | Status::Production);
            tx.execute(
                "UPDATE models SET status = ?1, deployed_at = CASE WHEN ?2 THEN ?3 ELSE deployed_at END
                 WHERE id = ?4",
                params![to.as_str(), deployed, now, model_id],
            )?;
            let event_action = match action {
                Action::Promote => EventAction::Promoted,
                Action::DeployStaging | Action::DeployProduction => EventAction::Deployed,
                Action::Archive => EventAction::Archived,
            };
            let model = load_model(tx, model_id)?;
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    from_status: Some(state.status),
                    to_status: Some(to),
                    from_version: Some(&state.version),
                    to_version: Some(&state.version),
                    detail: gate.as_deref(),
                    reason: gate.as_ref().and(override_reason),
                    before: Some(snapshot(&before)),
                    after: Some(snapshot(&model)),
                    ..NewEvent::new(now, model_id, event_action)
                },
            )?;
            let message = match action {
                Action::Promote => format!("{} {} promoted to staging.", model.name, model.version),
                Action::DeployStaging => format!("{} {} deployed to staging.", model.name, model.version),
                Action::DeployProduction => {
                    format!("{} {} deployed to production.", model.name, model.version)
                }
                Action::Archive => format!("{} archived.", model.name),
            };
            Ok(TransitionResult { model, from: state.status, to, message })
        })
    }

    /// Rolls back to the default target: the version that was in the model's environment before the current
    /// one (in development, the version registered before it). See `rollback_with`.
    pub fn rollback(&self, model_id: &str) -> Result<RollbackResult> {
        self.rollback_with(&RollbackRequest {
            model_id: model_id.to_owned(),
            to_version: None,
            reason: None,
            expected: None,
        })
    }

    /// Makes `to_version` (or the default target, `Model::previous_version`) current again — its version
    /// string and its metrics, which live on the version — in one transaction. An explicit target must be a
    /// version that was deployed before. The status stays; in staging or production it counts as a redeploy.
    pub fn rollback_with(&self, req: &RollbackRequest) -> Result<RollbackResult> {
        self.rollback_inner(req, req.expected.as_ref())
    }

    fn rollback_inner(
        &self,
        req: &RollbackRequest,
        expected: Option<&Expected>,
    ) -> Result<RollbackResult> {
        let model_id = req.model_id.as_str();
        let reason = clean_text(req.reason.as_deref(), "Reason", MAX_REASON_CHARS)?;
        self.write(|tx| {
            let now = Utc::now();
            let state = load_state(tx, model_id)?;
            check_expected(model_id, &state, expected)?;
            lifecycle::ensure_active(model_id, state.status, "roll back")?;
            let before = load_model(tx, model_id)?;
            let target = match req.to_version.as_deref().map(str::trim) {
                None | Some("") => before.previous_version.clone().ok_or_else(|| {
                    RegistryError::NoPreviousVersion { model: model_id.to_owned(), version: state.version.clone() }
                })?,
                Some(v) => {
                    if v == state.version {
                        return Err(RegistryError::InvalidInput(format!(
                            "{model_id} is already at {v}; choose another version to roll back to."
                        )));
                    }
                    let deployed: bool = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM deployments WHERE model_id = ?1 AND version = ?2
                           AND status IN ('staging', 'production'))",
                        params![model_id, v],
                        |r| r.get(0),
                    )?;
                    let exists: bool = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM model_versions WHERE model_id = ?1 AND version = ?2)",
                        params![model_id, v],
                        |r| r.get(0),
                    )?;
                    if !exists {
                        return Err(RegistryError::VersionNotFound {
                            model: model_id.to_owned(),
                            version: v.to_owned(),
                        });
                    }
                    if !deployed {
                        return Err(RegistryError::InvalidInput(format!(
                            "{model_id} {v} was never deployed; rollback goes to versions that ran in staging \
                             or production."
                        )));
                    }
                    v.to_owned()
                }
            };
            let target_id: i64 = tx.query_row(
                "SELECT id FROM model_versions WHERE model_id = ?1 AND version = ?2",
                params![model_id, target],
                |r| r.get(0),
            )?;
            let gate_note = crate::gates::rollback_note(tx, target_id)?;
            tx.execute(
                "UPDATE models SET current_version_id = ?1,
                     deployed_at = CASE WHEN status IN ('staging', 'production') THEN ?2 ELSE deployed_at END
                 WHERE id = ?3",
                params![target_id, now, model_id],
            )?;
            let model = load_model(tx, model_id)?;
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    from_status: Some(state.status),
                    to_status: Some(state.status),
                    from_version: Some(&state.version),
                    to_version: Some(&target),
                    detail: Some(&gate_note),
                    reason: reason.as_deref(),
                    before: Some(snapshot(&before)),
                    after: Some(snapshot(&model)),
                    ..NewEvent::new(now, model_id, EventAction::RolledBack)
                },
            )?;
            let message = format!("{} rolled back from {} to {}.", model.name, state.version, target);
            Ok(RollbackResult { model, rolled_back_from: state.version, rolled_back_to: target, message })
        })
    }

    /// Runs the model's test suite against its current version and stores the run (see `gates`).
    pub fn run_tests(&self, model_id: &str) -> Result<TestRun> {
        self.run_test_suite(model_id)
    }
}

fn deploy_action(target: DeployTarget) -> Action {
    match target {
        DeployTarget::Staging => Action::DeployStaging,
        DeployTarget::Production => Action::DeployProduction,
    }
}
