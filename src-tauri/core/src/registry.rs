//! `Registry`: every operation the app offers, each one a single transaction.
//!
//! Writes take the write lock up front (`BEGIN IMMEDIATE`), read the state they decide on inside that
//! transaction, and record an event beside the change, so a refused action leaves nothing behind and a
//! concurrent writer cannot slip in between the check and the write.
//!
//! To add an operation: validate input first, then `self.write(|tx| ...)`, load what you decide on with the
//! helpers at the bottom, change it, `insert_event`, and return a wire type from `types.rs`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use crate::db;
use crate::error::{RegistryError, Result};
use crate::lifecycle::{self, Action};
use crate::seed;
use crate::task::{Task, TaskPhase};
use crate::types::*;

/// Longest reason and notes accepted.
pub const MAX_REASON_CHARS: usize = 1000;

/// Trims `text`; None when empty; refused when longer than `max` characters.
pub(crate) fn clean_text(text: Option<&str>, what: &str, max: usize) -> Result<Option<String>> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > max {
        return Err(RegistryError::InvalidInput(format!(
            "{what} is limited to {max} characters."
        )));
    }
    Ok(Some(t.to_owned()))
}

/// The most rows one `query_models` call returns.
pub const MAX_PAGE: u32 = 500;

/// How many events and test runs the details view carries.
pub const DETAIL_EVENTS_LIMIT: u32 = 50;
pub const DETAIL_TEST_RUNS_LIMIT: u32 = 20;

/// The registry: one SQLite connection. A desktop registry has one user and short transactions, so one
/// connection behind a mutex is enough (ADR 0002); callers run it off the UI and async threads.
pub struct Registry {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// Recorded as the actor of every event this registry appends: the OS user by default.
    actor: String,
}

/// The OS user, as the audit log's actor.
pub fn os_user() -> String {
    let name = whoami::username();
    if name.trim().is_empty() {
        "unknown".to_owned()
    } else {
        name
    }
}

impl Registry {
    /// Opens or creates the registry file, migrates it, and seeds the demo models on first start.
    pub fn open(path: &Path) -> Result<Registry> {
        let conn = db::open_file(path)?;
        let reg = Registry {
            conn: Mutex::new(conn),
            path: Some(path.to_owned()),
            actor: os_user(),
        };
        reg.write(|tx| seed::seed_if_new(tx, Utc::now()))?;
        Ok(reg)
    }

    /// A seeded registry in memory, for tests.
    pub fn open_in_memory() -> Result<Registry> {
        let reg = Registry {
            conn: Mutex::new(db::open_in_memory()?),
            path: None,
            actor: os_user(),
        };
        reg.write(|tx| seed::seed_if_new(tx, Utc::now()))?;
        Ok(reg)
    }

    /// An empty registry in memory (schema, no demo data), for tests.
    pub fn open_in_memory_empty() -> Result<Registry> {
        Ok(Registry {
            conn: Mutex::new(db::open_in_memory()?),
            path: None,
            actor: os_user(),
        })
    }

    /// Records `actor` instead of the OS user on the events this registry appends.
    pub fn with_actor(mut self, actor: impl Into<String>) -> Registry {
        self.actor = actor.into();
        self
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(db::schema_version(&self.lock())?)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (it rolls back on drop), so the
        // connection is still sound: take it back rather than failing every later call.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // BEGIN IMMEDIATE is where writers wait for each other (the busy timeout). It has taken nothing yet
        // when it gives up, so trying again is safe; a few more rounds cover a burst of writers on a slow
        // disk, and the bound keeps a stuck lock (a hung process) from hanging the app.
        let mut attempt = 1;
        let tx = loop {
            match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
                Ok(tx) => break tx,
                Err(e) if db::is_busy(&e) && attempt < db::WRITE_LOCK_ATTEMPTS => attempt += 1,
                Err(e) if db::is_busy(&e) => {
                    return Err(RegistryError::Busy {
                        seconds: db::BUSY_TIMEOUT.as_secs() * u64::from(attempt),
                    })
                }
                Err(e) => return Err(e.into()),
            }
        };
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // A deferred transaction gives the reads one consistent snapshot.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }

    // ----- reads -----

    pub fn list_models(&self) -> Result<ModelList> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!("{MODEL_SELECT} ORDER BY m.rowid"))?;
            let models = stmt
                .query_map([], model_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ModelList {
                total: models.len() as u32,
                models,
                timestamp: Utc::now(),
            })
        })
    }

    /// One window of the table: the models matching `q.view.filter`, in its order, rows `offset ..
    /// offset + limit`, and how many match in all. Every sort column has an index (migration 2), so a page
    /// walks an index rather than sorting the registry.
    pub fn query_models(&self, q: &ModelQuery) -> Result<ModelPage> {
        if !(1..=MAX_PAGE).contains(&q.limit) {
            return Err(RegistryError::InvalidInput(format!(
                "A page holds 1 to {MAX_PAGE} models; {} were asked for.",
                q.limit
            )));
        }
        let filter = crate::query::FilterSql::new(&q.view.filter)?;
        let order = crate::query::order_by(q.view.sort, q.view.dir);
        self.read(|tx| {
            // Without a filter, a bare count(*) lets SQLite take its fast path (half the time at 100 000).
            let count_sql = if filter.clause == "1" {
                "SELECT count(*) FROM models".to_owned()
            } else {
                format!("SELECT count(*) FROM models m WHERE {}", filter.clause)
            };
            let total: u32 = tx
                .prepare_cached(&count_sql)?
                .query_row(rusqlite::params_from_iter(filter.params.iter()), |r| {
                    r.get(0)
                })?;
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT m.rowid FROM models m WHERE {} ORDER BY {order} LIMIT {} OFFSET {}",
                    filter.clause, q.limit, q.offset
                ))?;
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(filter.params.iter()), |r| {
                        r.get(0)
                    })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut by_rowid = tx.prepare_cached(&format!("{MODEL_SELECT} WHERE m.rowid = ?1"))?;
            let models = ids
                .into_iter()
                .map(|id| by_rowid.query_row([id], model_from_row))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ModelPage {
                models,
                offset: q.offset,
                total,
                timestamp: Utc::now(),
            })
        })
    }

    /// The frameworks in the registry with how many models use each, for the filter.
    pub fn frameworks(&self) -> Result<Vec<FrameworkCount>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT framework, count(*) FROM models GROUP BY framework ORDER BY framework",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(FrameworkCount {
                    framework: r.get(0)?,
                    models: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn get_model(&self, model_id: &str) -> Result<Model> {
        self.read(|tx| load_model(tx, model_id))
    }

    /// Every figure from one scan of the `models_summary` covering index, grouped into at most a dozen rows
    /// (migration 4 keeps `cur_test_passed` equal to the outcome of the current version's latest run).
    pub fn summary(&self) -> Result<Summary> {
        self.read(|tx| {
            let mut s = Summary::default();
            let mut production_accuracy = 0.0;
            let mut stmt = tx.prepare_cached(SUMMARY_SQL)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let status = parse_status(0, &r.get::<_, String>(0)?)?;
                let tested: Option<bool> = r.get(1)?;
                let count: u32 = r.get(2)?;
                s.total += count;
                match status {
                    Status::Development => s.development += count,
                    Status::Staging => s.staging += count,
                    Status::Production => {
                        s.production += count;
                        production_accuracy += r.get::<_, f64>(3)?;
                    }
                    Status::Archived => s.archived += count,
                }
                if status != Status::Archived {
                    match tested {
                        None => s.untested += count,
                        Some(false) => s.failing_tests += count,
                        Some(true) => {}
                    }
                }
            }
            s.production_avg_accuracy =
                (s.production > 0).then(|| production_accuracy / f64::from(s.production));
            s.running_ab_tests = tx.query_row(
                "SELECT count(*) FROM ab_tests WHERE status = 'running'",
                [],
                |r| r.get(0),
            )?;
            s.demo_models = tx.query_row(
                "SELECT count(*) FROM models INDEXED BY models_demo WHERE is_demo = 1",
                [],
                |r| r.get(0),
            )?;
            Ok(s)
        })
    }

    pub fn model_details(&self, model_id: &str) -> Result<ModelDetails> {
        self.read(|tx| {
            let model = load_model(tx, model_id)?;
            let thresholds = load_thresholds(tx, model_id)?;
            let versions = load_versions(tx, model_id)?;
            let events = {
                let mut stmt = tx.prepare_cached(
                    &format!("{EVENT_SELECT} WHERE e.model_id = ?1 ORDER BY e.id DESC LIMIT ?2"),
                )?;
                let rows = stmt.query_map(params![model_id, DETAIL_EVENTS_LIMIT], event_from_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let test_runs = {
                let mut stmt = tx.prepare_cached(
                    "SELECT t.id FROM test_runs t WHERE t.model_id = ?1 ORDER BY t.id DESC LIMIT ?2",
                )?;
                let ids = stmt
                    .query_map(params![model_id, DETAIL_TEST_RUNS_LIMIT], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                ids.into_iter().map(|id| crate::gates::load_test_run(tx, id)).collect::<Result<Vec<_>>>()?
            };
            let ab_tests = crate::ab::query_ab_tests(
                tx,
                "WHERE t.model_a = ?1 OR t.model_b = ?1 ORDER BY t.started_at DESC, t.rowid DESC",
                [model_id],
            )?;
            Ok(ModelDetails { model, thresholds, versions, events, test_runs, ab_tests })
        })
    }

    /// Running tests first, then the rest; newest first within each.
    pub fn list_ab_tests(&self) -> Result<Vec<AbTest>> {
        self.read(|tx| {
            crate::ab::query_ab_tests(
                tx,
                "ORDER BY t.status = 'running' DESC, t.started_at DESC, t.rowid DESC",
                [],
            )
        })
    }

    // ----- lifecycle -----

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
                &self.actor,
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
                &self.actor,
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

    // ----- A/B tests -----

    pub fn start_ab_test(&self, req: &StartAbTestRequest) -> Result<AbTest> {
        if !(1..=99).contains(&req.traffic_split) {
            return Err(RegistryError::InvalidInput(format!(
                "Traffic split must be between 1 and 99 percent; got {}.",
                req.traffic_split
            )));
        }
        let cfg = crate::ab::new_test_config(
            req.traffic_split,
            req.alpha,
            req.min_detectable_effect,
            req.power,
        )?;
        if req.model_a == req.model_b {
            return Err(RegistryError::InvalidInput(format!(
                "An A/B test needs two different models; both sides are {}.",
                req.model_a
            )));
        }
        self.write(|tx| {
            let now = Utc::now();
            let a = load_state(tx, &req.model_a)?;
            let b = load_state(tx, &req.model_b)?;
            for (id, st) in [(&req.model_a, &a), (&req.model_b, &b)] {
                lifecycle::ensure_active(id, st.status, "start an A/B test with")?;
                if let Some(test_id) = running_ab_test_of(tx, id)? {
                    return Err(RegistryError::Conflict(format!(
                        "{id} is already in the running A/B test {test_id}. Conclude or abort it first."
                    )));
                }
            }
            let id = format!("ab-test-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
            tx.execute(
                "INSERT INTO ab_tests (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status,
                     started_at, alpha, min_detectable_effect, power)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8, ?9, ?10)",
                params![id, req.model_a, a.version_id, req.model_b, b.version_id, req.traffic_split, now,
                    cfg.alpha, cfg.min_detectable_effect, cfg.power],
            )?;
            let split_b = req.traffic_split;
            let split_a = 100 - split_b;
            for (model_id, st, other) in [(&req.model_a, &a, &req.model_b), (&req.model_b, &b, &req.model_a)] {
                let detail = format!("{id}: {} {split_a}% vs {} {split_b}% (against {other})", req.model_a, req.model_b);
                insert_event(
                    tx,
                    &self.actor,
                    &NewEvent {
                        at: now,
                        model_id,
                        action: EventAction::AbTestStarted,
                        from_status: None,
                        to_status: None,
                        from_version: None,
                        to_version: Some(&st.version),
                        detail: Some(&detail),
                        reason: None,
                        before: None,
                        after: None,
                    },
                )?;
            }
            crate::ab::load_ab_test(tx, &id)
        })
    }

    // ----- export -----

    /// Writes the models of `view` (every model, in registration order, when None) as CSV to `out`,
    /// streaming rows from SQLite: memory stays flat however many there are.
    pub fn write_csv<W: std::io::Write>(&self, out: W, view: Option<&ModelView>) -> Result<u32> {
        self.write_csv_with(out, view, &Task::none())
    }

    /// `write_csv`, reporting rows written out of the view's row count (counted first, in the same
    /// snapshot) and stopping when `task` is cancelled.
    pub fn write_csv_with<W: std::io::Write>(
        &self,
        out: W,
        view: Option<&ModelView>,
        task: &Task<'_>,
    ) -> Result<u32> {
        let (clause, params, order) = match view {
            Some(v) => {
                let f = crate::query::FilterSql::new(&v.filter)?;
                (f.clause, f.params, crate::query::order_by(v.sort, v.dir))
            }
            None => ("1".to_owned(), Vec::new(), "m.rowid".to_owned()),
        };
        self.read(|tx| {
            let total: i64 = tx.query_row(
                &format!("SELECT count(*) FROM models m WHERE {clause}"),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get(0),
            )?;
            let meter = task.start(TaskPhase::Exporting, u64::try_from(total).unwrap_or(0));
            let mut stmt =
                tx.prepare(&format!("{MODEL_SELECT} WHERE {clause} ORDER BY {order}"))?;
            let rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            crate::export::write_models_csv(rows, out, &meter)
        })
    }

    /// Exports to `path` atomically: a temporary file beside it is renamed over the target once complete,
    /// so a failed export never leaves a half-written file.
    pub fn export_csv(&self, path: &Path, view: Option<&ModelView>) -> Result<ExportResult> {
        self.export_csv_with(path, view, &Task::none())
    }

    /// `export_csv` with progress and cancel: a cancelled export removes its temporary file and leaves an
    /// existing file at `path` as it was.
    pub fn export_csv_with(
        &self,
        path: &Path,
        view: Option<&ModelView>,
        task: &Task<'_>,
    ) -> Result<ExportResult> {
        crate::export::export_to_path(self, path, view, task)
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` when the file is sound, otherwise what is wrong.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Every event after `after_id`, oldest first: the audit log as it was appended, for checks that match
    /// a writer's acknowledged actions against it.
    pub fn audit_events_after(&self, after_id: i64) -> Result<Vec<Event>> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare_cached(&format!("{EVENT_SELECT} WHERE e.id > ?1 ORDER BY e.id"))?;
            let rows = stmt.query_map([after_id], event_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// A digest of every row of every table: equal before and after means nothing changed. For tests and
    /// for checking that a refused action left the database alone.
    pub fn content_fingerprint(&self) -> Result<String> {
        self.read(|tx| {
            let mut out = String::new();
            for table in [
                "meta",
                "models",
                "model_versions",
                "test_runs",
                "test_checks",
                "suite_checks",
                "ab_tests",
                "ab_results",
                "events",
                "metric_points",
            ] {
                let mut stmt = tx.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
                let cols = stmt.column_count();
                let mut rows = stmt.query([])?;
                out.push_str(table);
                out.push('\n');
                while let Some(row) = rows.next()? {
                    for i in 0..cols {
                        let v: rusqlite::types::Value = row.get(i)?;
                        out.push_str(&format!("{v:?}|"));
                    }
                    out.push('\n');
                }
            }
            Ok(out)
        })
    }
}

// ----- row helpers -----

/// The SELECT every model row comes from (public for the benchmarks' floors, which run the same text).
pub const MODEL_SELECT: &str = "
    SELECT m.id, m.name, m.cur_version, m.status, m.cur_accuracy, m.cur_latency_ms, m.cur_throughput_rps,
           m.cur_uptime_pct, m.framework, m.cur_size_bytes, m.cur_ai_confidence, m.cur_error_rate,
           m.deployed_at, m.last_tested_at,
           CASE m.status
             WHEN 'development' THEN
               (SELECT pv.version FROM model_versions pv
                 WHERE pv.model_id = m.id AND pv.seq < v.seq ORDER BY pv.seq DESC LIMIT 1)
             WHEN 'archived' THEN NULL
             ELSE
               (SELECT d.version FROM deployments d
                 WHERE d.model_id = m.id AND d.status = m.status AND d.version <> v.version
                 ORDER BY d.last_event_id DESC LIMIT 1)
           END,
           lt.passed, lt.total, v.is_demo OR m.is_demo
    FROM models m
    JOIN model_versions v ON v.id = m.current_version_id
    LEFT JOIN test_runs lt ON lt.id = (SELECT max(id) FROM test_runs WHERE version_id = v.id)";

/// The summary's counts per status and latest test outcome, with the accuracy summed for the average.
pub const SUMMARY_SQL: &str = "SELECT status, cur_test_passed, count(*), total(cur_accuracy)
    FROM models INDEXED BY models_summary GROUP BY status, cur_test_passed";

fn model_from_row(r: &Row<'_>) -> rusqlite::Result<Model> {
    let status: String = r.get(3)?;
    let size_bytes: i64 = r.get(9)?;
    let version: String = r.get(2)?;
    let last_test = match (r.get::<_, Option<u32>>(15)?, r.get::<_, Option<u32>>(16)?) {
        (Some(passed), Some(total)) => Some(TestSummary {
            passed,
            total,
            version: version.clone(),
        }),
        _ => None,
    };
    Ok(Model {
        id: r.get(0)?,
        name: r.get(1)?,
        version,
        status: parse_status(3, &status)?,
        accuracy: r.get(4)?,
        latency: r.get(5)?,
        throughput: r.get(6)?,
        uptime: r.get(7)?,
        framework: r.get(8)?,
        size: format_size(size_bytes),
        size_bytes,
        ai_confidence: r.get(10)?,
        error_rate: r.get(11)?,
        deployed_at: r.get(12)?,
        last_tested_at: r.get(13)?,
        previous_version: r.get(14)?,
        last_test,
        is_demo: r.get(17)?,
    })
}

pub(crate) fn parse_status(col: usize, s: &str) -> rusqlite::Result<Status> {
    Status::parse(s).ok_or_else(|| bad_value(col, format!("unknown status {s:?}")))
}

fn bad_value(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

pub(crate) fn load_model(conn: &Connection, model_id: &str) -> Result<Model> {
    let mut stmt = conn.prepare_cached(&format!("{MODEL_SELECT} WHERE m.id = ?1"))?;
    stmt.query_row([model_id], model_from_row)
        .optional()?
        .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))
}

fn deploy_action(target: DeployTarget) -> Action {
    match target {
        DeployTarget::Staging => Action::DeployStaging,
        DeployTarget::Production => Action::DeployProduction,
    }
}

/// Refuses the write when the model is no longer in the state the caller decided on. Called inside the
/// write transaction, so nothing can change between this check and the write.
pub(crate) fn check_expected(
    model_id: &str,
    state: &ModelState,
    expected: Option<&Expected>,
) -> Result<()> {
    match expected {
        Some(e) if e.status != state.status || e.version != state.version => {
            Err(RegistryError::Conflict(format!(
                "{model_id} changed since you looked: it is now {} {} (you saw {} {}). Nothing was changed; \
                 check its new state and try again.",
                state.status.as_str(),
                state.version,
                e.status.as_str(),
                e.version
            )))
        }
        _ => Ok(()),
    }
}

/// What a write decides on: the model's state and current version.
pub(crate) struct ModelState {
    pub status: Status,
    pub version_id: i64,
    pub version: String,
}

pub(crate) fn load_state(conn: &Connection, model_id: &str) -> Result<ModelState> {
    let row = conn
        .query_row(
            "SELECT m.status, v.id, v.version FROM models m
             JOIN model_versions v ON v.id = m.current_version_id WHERE m.id = ?1",
            [model_id],
            |r| {
                let status: String = r.get(0)?;
                Ok(ModelState {
                    status: parse_status(0, &status)?,
                    version_id: r.get(1)?,
                    version: r.get(2)?,
                })
            },
        )
        .optional()?;
    row.ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))
}

fn load_thresholds(conn: &Connection, model_id: &str) -> Result<Thresholds> {
    conn.query_row(
        "SELECT min_accuracy, max_latency_ms, max_error_rate, min_uptime_pct, min_ai_confidence
         FROM models WHERE id = ?1",
        [model_id],
        |r| {
            Ok(Thresholds {
                min_accuracy: r.get(0)?,
                max_latency: r.get(1)?,
                max_error_rate: r.get(2)?,
                min_uptime: r.get(3)?,
                min_ai_confidence: r.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))
}

fn running_ab_test_of(conn: &Connection, model_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM ab_tests WHERE status = 'running' AND (model_a = ?1 OR model_b = ?1) LIMIT 1",
            [model_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn event_from_row(r: &Row<'_>) -> rusqlite::Result<Event> {
    let action: String = r.get(3)?;
    let opt_status = |col: usize| -> rusqlite::Result<Option<Status>> {
        match r.get::<_, Option<String>>(col)? {
            Some(s) => parse_status(col, &s).map(Some),
            None => Ok(None),
        }
    };
    Ok(Event {
        id: r.get(0)?,
        at: r.get(1)?,
        model_id: r.get(2)?,
        action: EventAction::parse(&action)
            .ok_or_else(|| bad_value(3, format!("unknown event action {action:?}")))?,
        from_status: opt_status(4)?,
        to_status: opt_status(5)?,
        from_version: r.get(6)?,
        to_version: r.get(7)?,
        detail: r.get(8)?,
        actor: r.get(9)?,
        reason: r.get(10)?,
        before_json: r.get(11)?,
        after_json: r.get(12)?,
        hash: r.get(13)?,
    })
}

pub(crate) const EVENT_SELECT: &str =
    "SELECT e.id, e.at, e.model_id, e.action, e.from_status, e.to_status,
    e.from_version, e.to_version, e.detail, e.actor, e.reason, e.before_json, e.after_json, e.hash
    FROM events e";

/// Actions that put a version into an environment (staging or production).
pub(crate) const DEPLOYING_ACTIONS: &str = "('promoted', 'deployed', 'rolled_back')";

/// Every version of a model, newest first, with where and when each was deployed.
pub(crate) fn load_versions(conn: &Connection, model_id: &str) -> Result<Vec<VersionInfo>> {
    let mut deployments: std::collections::HashMap<String, Vec<Deployment>> = Default::default();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT to_version, to_status, at, action FROM events
             WHERE model_id = ?1 AND action IN {DEPLOYING_ACTIONS} AND to_status IN ('staging', 'production')
               AND to_version IS NOT NULL
             ORDER BY id"
        ))?;
        let mut rows = stmt.query([model_id])?;
        while let Some(r) = rows.next()? {
            let version: String = r.get(0)?;
            let env: String = r.get(1)?;
            let action: String = r.get(3)?;
            deployments.entry(version).or_default().push(Deployment {
                environment: parse_status(1, &env)?,
                at: r.get(2)?,
                action: EventAction::parse(&action)
                    .ok_or_else(|| bad_value(3, format!("unknown event action {action:?}")))?,
            });
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT v.version, v.accuracy, v.latency_ms, v.throughput_rps, v.uptime_pct, v.ai_confidence,
                v.error_rate, v.size_bytes, v.created_at, v.id = m.current_version_id, v.is_demo, v.framework,
                v.artifact_path, v.artifact_size, v.artifact_sha256, v.notes, v.tags_json
         FROM model_versions v JOIN models m ON m.id = v.model_id
         WHERE v.model_id = ?1 ORDER BY v.seq DESC",
    )?;
    let rows = stmt.query_map([model_id], |r| {
        let size_bytes: i64 = r.get(7)?;
        let version: String = r.get(0)?;
        let artifact = match (r.get::<_, Option<String>>(12)?, r.get(13)?, r.get(14)?) {
            (Some(path), Some(size_bytes), Some(sha256)) => Some(Artifact {
                path,
                size_bytes,
                sha256,
            }),
            _ => None,
        };
        let tags_json: String = r.get(16)?;
        let tags: std::collections::BTreeMap<String, String> = serde_json::from_str(&tags_json)
            .map_err(|e| bad_value(16, format!("bad tags: {e}")))?;
        Ok(VersionInfo {
            deployments: deployments.remove(&version).unwrap_or_default(),
            version,
            accuracy: r.get(1)?,
            latency: r.get(2)?,
            throughput: r.get(3)?,
            uptime: r.get(4)?,
            ai_confidence: r.get(5)?,
            error_rate: r.get(6)?,
            size: format_size(size_bytes),
            size_bytes,
            created_at: r.get(8)?,
            is_current: r.get(9)?,
            is_demo: r.get(10)?,
            framework: r.get(11)?,
            artifact,
            notes: r.get(15)?,
            tags: tags
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The model's state as the audit log's before/after JSON.
pub(crate) fn snapshot(m: &Model) -> String {
    serde_json::json!({
        "status": m.status,
        "version": m.version,
        "deployedAt": m.deployed_at,
    })
    .to_string()
}

pub(crate) use crate::audit::NewEvent;

pub(crate) fn insert_event(conn: &Connection, actor: &str, e: &NewEvent<'_>) -> Result<()> {
    crate::audit::append(conn, actor, e).map(|_| ())
}

/// Decimal units like the seed ("2.5GB", "850MB").
pub fn format_size(bytes: i64) -> String {
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)];
    let b = bytes as f64;
    for (unit, scale) in UNITS {
        if b >= scale {
            let v = b / scale;
            let s = format!("{v:.1}");
            let s = s.strip_suffix(".0").unwrap_or(&s);
            return format!("{s}{unit}");
        }
    }
    format!("{bytes}B")
}
