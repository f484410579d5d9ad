//! Quality gates in the registry: each model's test suite, test runs against it, and the rule that a version
//! reaches production only when its latest run passed (docs/adr/0010-quality-gates.md). What a check decides
//! is pure (`modelops_domain::gates`); this module loads what it looks at and stores what it found.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

pub use modelops_domain::gates::*;

use crate::checks::{metric_key, parse_metric};
use crate::error::{RegistryError, Result};
use crate::lifecycle;
use crate::metrics::{self, Recorded};
use crate::registry::Registry;
use crate::rows::{check_expected, insert_event, load_state, NewEvent, DEPLOYING_ACTIONS};
use crate::types::*;

pub(crate) fn load_suite(conn: &Connection, model_id: &str) -> Result<Vec<SuiteCheck>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, metric, threshold, margin_abs, margin_rel, enabled FROM suite_checks
         WHERE model_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([model_id], |r| {
        let kind: String = r.get(0)?;
        Ok(SuiteCheck {
            kind: CheckKind::parse(&kind).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown check kind {kind:?}").into(),
                )
            })?,
            metric: r.get(1)?,
            threshold: r.get(2)?,
            margin_abs: r.get(3)?,
            margin_rel: r.get(4)?,
            enabled: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn version_metrics(conn: &Connection, version_id: i64) -> Result<VersionMetrics> {
    Ok(conn.query_row(
        "SELECT accuracy, latency_ms, error_rate, uptime_pct, ai_confidence FROM model_versions WHERE id = ?1",
        [version_id],
        |r| {
            Ok(VersionMetrics {
                accuracy: r.get(0)?,
                latency: r.get(1)?,
                error_rate: r.get(2)?,
                uptime: r.get(3)?,
                ai_confidence: r.get(4)?,
            })
        },
    )?)
}

fn recorded_artifact(conn: &Connection, version_id: i64) -> Result<Option<Artifact>> {
    let row: (Option<String>, Option<i64>, Option<String>) = conn.query_row(
        "SELECT artifact_path, artifact_size, artifact_sha256 FROM model_versions WHERE id = ?1",
        [version_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(match row {
        (Some(path), Some(size_bytes), Some(sha256)) => Some(Artifact {
            path,
            size_bytes,
            sha256,
        }),
        _ => None,
    })
}

/// The version production runs: the current one when the model is in production, otherwise the last
/// version the audit log saw enter production. Registering a new version takes the model out of production
/// in the registry's single status, but the last production version is still what a deployment would
/// replace, so it is the one a candidate must not regress from.
pub(crate) fn production_version(
    conn: &Connection,
    model_id: &str,
) -> Result<Option<(i64, String)>> {
    let state = load_state(conn, model_id)?;
    if state.status == Status::Production {
        return Ok(Some((state.version_id, state.version)));
    }
    Ok(conn
        .query_row(
            &format!(
                "SELECT v.id, v.version FROM events e
                 JOIN model_versions v ON v.model_id = e.model_id AND v.version = e.to_version
                 WHERE e.model_id = ?1 AND e.to_status = 'production' AND e.action IN {DEPLOYING_ACTIONS}
                 ORDER BY e.id DESC LIMIT 1"
            ),
            [model_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A version's latest test run, as the gate sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LatestRun {
    pub id: i64,
    pub passed: u32,
    pub total: u32,
}

impl LatestRun {
    /// Every check that ran passed, and at least one ran: a run that checked nothing proves nothing.
    pub fn passes(&self) -> bool {
        self.total > 0 && self.passed == self.total
    }

    fn describe(&self) -> String {
        let verdict = if self.passes() { "passed" } else { "failed" };
        format!(
            "its latest test run (#{}) {verdict} with {}/{} checks passed",
            self.id, self.passed, self.total
        )
    }
}

pub(crate) fn latest_run(conn: &Connection, version_id: i64) -> Result<Option<LatestRun>> {
    Ok(conn
        .query_row(
            "SELECT id, passed, total FROM test_runs WHERE version_id = ?1 ORDER BY id DESC LIMIT 1",
            [version_id],
            |r| {
                Ok(LatestRun {
                    id: r.get(0)?,
                    passed: r.get(1)?,
                    total: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The gate on deploying a version to production. Ok(detail for the audit event) when it may go, either
/// because its latest run passed or because `override_reason` (already cleaned: non-empty) says why anyway.
pub(crate) fn check_gate(
    conn: &Connection,
    model_id: &str,
    version_id: i64,
    version: &str,
    override_reason: Option<&str>,
) -> Result<String> {
    let latest = latest_run(conn, version_id)?;
    let why = match &latest {
        Some(run) if run.passes() => {
            return Ok(format!(
                "quality gate passed: test run #{} passed {}/{} checks",
                run.id, run.passed, run.total
            ));
        }
        Some(run) if run.total == 0 => format!(
            "its latest test run (#{}) checked nothing (every check was skipped or the suite is empty)",
            run.id
        ),
        Some(run) => run.describe(),
        None => "it has never been tested".to_owned(),
    };
    match override_reason {
        Some(_) => Ok(format!("quality gate overridden: {why}")),
        None => Err(RegistryError::GateBlocked {
            model: model_id.to_owned(),
            version: version.to_owned(),
            reason: why,
        }),
    }
}

/// What a rollback's event says about the target version, which the gate does not stop (ADR 0010).
pub(crate) fn rollback_note(conn: &Connection, version_id: i64) -> Result<String> {
    Ok(match latest_run(conn, version_id)? {
        Some(run) => format!("quality gate not applied (rollback); {}", run.describe()),
        None => "quality gate not applied (rollback); the version has never been tested".to_owned(),
    })
}

pub(crate) fn load_test_run(conn: &Connection, run_id: i64) -> Result<TestRun> {
    type Head = (
        String,
        String,
        DateTime<Utc>,
        u32,
        u32,
        u32,
        Option<String>,
        Option<String>,
    );
    let (model_id, version, run_at, passed, total, skipped, suite_json, baseline_version): Head =
        conn.query_row(
            "SELECT t.model_id, v.version, t.run_at, t.passed, t.total, t.skipped, t.suite_json,
                    t.baseline_version
             FROM test_runs t JOIN model_versions v ON v.id = t.version_id WHERE t.id = ?1",
            [run_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )?;
    let bad = |col: usize, msg: String| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
    };
    let mut stmt = conn.prepare_cached(
        "SELECT kind, metric, comparator, observed, threshold, passed, outcome, detail FROM test_checks
         WHERE run_id = ?1 ORDER BY position",
    )?;
    let checks = stmt
        .query_map([run_id], |r| {
            let kind: String = r.get(0)?;
            let kind =
                CheckKind::parse(&kind).ok_or_else(|| bad(0, format!("unknown kind {kind:?}")))?;
            let metric_text: String = r.get(1)?;
            let (metric, aspect) = if kind == CheckKind::Artifact {
                let a = ArtifactAspect::parse(&metric_text)
                    .ok_or_else(|| bad(1, format!("unknown artifact check {metric_text:?}")))?;
                (None, Some(a))
            } else {
                let m = parse_metric(&metric_text)
                    .ok_or_else(|| bad(1, format!("unknown metric {metric_text:?}")))?;
                (Some(m), None)
            };
            let comparator = match r.get::<_, Option<String>>(2)?.as_deref() {
                None => None,
                Some(">=") => Some(Comparator::AtLeast),
                Some("<=") => Some(Comparator::AtMost),
                Some(other) => return Err(bad(2, format!("unknown comparator {other:?}"))),
            };
            let passed: bool = r.get(5)?;
            let outcome = match r.get::<_, Option<String>>(6)?.as_deref() {
                None => pass_or_fail(passed),
                Some("passed") => Outcome::Passed,
                Some("failed") => Outcome::Failed,
                Some("skipped") => Outcome::Skipped,
                Some(other) => return Err(bad(6, format!("unknown outcome {other:?}"))),
            };
            Ok(CheckResult {
                kind,
                metric,
                aspect,
                comparator,
                observed: r.get(3)?,
                threshold: r.get(4)?,
                passed,
                outcome,
                detail: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let suite = match suite_json {
        Some(json) => Some(
            serde_json::from_str::<Vec<SuiteCheck>>(&json)
                .map_err(|e| bad(6, format!("bad suite snapshot: {e}")))?,
        ),
        None => None,
    };
    let success_rate = if total == 0 {
        0.0
    } else {
        f64::from(passed) / f64::from(total)
    };
    Ok(TestRun {
        id: run_id,
        model_id,
        version,
        run_at,
        passed,
        total,
        success_rate,
        checks,
        skipped,
        passes_gate: total > 0 && passed == total,
        baseline_version,
        suite,
    })
}

/// Keeps the models table's threshold columns (shown in the table's details and by the CLI) equal to the
/// suite's enabled absolute checks; a metric without one keeps its last value.
fn mirror_thresholds(conn: &Connection, model_id: &str, checks: &[SuiteCheck]) -> Result<()> {
    for c in checks
        .iter()
        .filter(|c| c.enabled && c.kind == CheckKind::Absolute)
    {
        let (Some(m), Some(t)) = (c.metric.as_deref().and_then(parse_metric), c.threshold) else {
            continue;
        };
        let column = match m {
            Metric::Accuracy => "min_accuracy",
            Metric::Latency => "max_latency_ms",
            Metric::ErrorRate => "max_error_rate",
            Metric::Uptime => "min_uptime_pct",
            Metric::AiConfidence => "min_ai_confidence",
        };
        conn.execute(
            &format!("UPDATE models SET {column} = ?1 WHERE id = ?2"),
            params![t, model_id],
        )?;
    }
    Ok(())
}

impl Registry {
    pub fn test_suite(&self, model_id: &str) -> Result<TestSuite> {
        self.read(|tx| {
            load_state(tx, model_id)?;
            Ok(TestSuite {
                model_id: model_id.to_owned(),
                checks: load_suite(tx, model_id)?,
            })
        })
    }

    /// Replaces the model's suite. Validated first: a refused suite leaves the stored one as it was.
    pub fn save_test_suite(&self, req: &SaveSuiteRequest) -> Result<TestSuite> {
        validate_suite(&req.checks)?;
        let model_id = req.model_id.as_str();
        self.write(|tx| {
            let state = load_state(tx, model_id)?;
            lifecycle::ensure_active(model_id, state.status, "edit the test suite of")?;
            tx.execute("DELETE FROM suite_checks WHERE model_id = ?1", [model_id])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO suite_checks (model_id, position, kind, metric, threshold, margin_abs, margin_rel,
                     enabled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (i, c) in req.checks.iter().enumerate() {
                insert.execute(params![
                    model_id,
                    i as i64,
                    c.kind.as_str(),
                    c.metric,
                    c.threshold,
                    c.margin_abs,
                    c.margin_rel,
                    c.enabled
                ])?;
            }
            mirror_thresholds(tx, model_id, &req.checks)?;
            Ok(TestSuite {
                model_id: model_id.to_owned(),
                checks: load_suite(tx, model_id)?,
            })
        })
    }

    /// A model's test runs, newest first.
    pub fn list_test_runs(&self, q: &TestRunsQuery) -> Result<TestRunPage> {
        if !(1..=MAX_RUNS_PAGE).contains(&q.limit) {
            return Err(RegistryError::InvalidInput(format!(
                "A page holds 1 to {MAX_RUNS_PAGE} test runs; {} were asked for.",
                q.limit
            )));
        }
        self.read(|tx| {
            load_state(tx, &q.model_id)?;
            let total: u32 = tx.query_row(
                "SELECT count(*) FROM test_runs WHERE model_id = ?1",
                [&q.model_id],
                |r| r.get(0),
            )?;
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id FROM test_runs WHERE model_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                )?;
                let rows = stmt.query_map(params![q.model_id, q.limit, q.offset], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let runs = ids
                .into_iter()
                .map(|id| load_test_run(tx, id))
                .collect::<Result<Vec<_>>>()?;
            Ok(TestRunPage {
                runs,
                offset: q.offset,
                total,
            })
        })
    }

    /// Runs the model's suite against its current version and stores the run.
    ///
    /// The artifact is hashed between two transactions, not inside one: hashing gigabytes must not hold the
    /// write lock. The write then checks that the current version is still the one that was measured.
    pub fn run_test_suite(&self, model_id: &str) -> Result<TestRun> {
        self.run_test_suite_expecting(model_id, None)
    }

    /// `run_test_suite`, but only while the model is still as the caller last saw it (ADR 0011).
    pub(crate) fn run_test_suite_expecting(
        &self,
        model_id: &str,
        expected: Option<&Expected>,
    ) -> Result<TestRun> {
        let (version_id, recorded) = self.read(|tx| {
            let state = load_state(tx, model_id)?;
            check_expected(model_id, &state, expected)?;
            lifecycle::ensure_active(model_id, state.status, "test")?;
            ensure_metrics_known(tx, model_id, state.version_id, &state.version)?;
            Ok((state.version_id, recorded_artifact(tx, state.version_id)?))
        })?;
        let probe = probe_artifact(recorded);
        self.write(|tx| {
            let now = Utc::now();
            let state = load_state(tx, model_id)?;
            check_expected(model_id, &state, expected)?;
            lifecycle::ensure_active(model_id, state.status, "test")?;
            if state.version_id != version_id {
                return Err(RegistryError::Conflict(format!(
                    "{model_id}'s current version changed while its tests ran; run them again."
                )));
            }
            let suite = load_suite(tx, model_id)?;
            let observed = version_metrics(tx, version_id)?;
            let baseline = match production_version(tx, model_id)? {
                Some((id, version)) => Some(Baseline {
                    version,
                    metrics: version_metrics(tx, id)?,
                }),
                None => None,
            };
            let results = evaluate(&suite, &state.version, &observed, baseline.as_ref(), &probe);
            let count = |o: Outcome| results.iter().filter(|c| c.outcome == o).count() as u32;
            let (passed, failed, skipped) = (
                count(Outcome::Passed),
                count(Outcome::Failed),
                count(Outcome::Skipped),
            );
            let total = passed + failed;
            let suite_json = serde_json::to_string(&suite)
                .map_err(|e| RegistryError::InvalidInput(format!("The suite can't be recorded: {e}")))?;
            tx.execute(
                "INSERT INTO test_runs (model_id, version_id, run_at, passed, total, skipped, suite_json,
                     baseline_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    model_id,
                    version_id,
                    now,
                    passed,
                    total,
                    skipped,
                    suite_json,
                    baseline.as_ref().map(|b| &b.version)
                ],
            )?;
            let run_id = tx.last_insert_rowid();
            metrics::record_version_metrics(tx, version_id, Recorded::TestRun(run_id), now)?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO test_checks (run_id, position, kind, metric, comparator, observed, threshold,
                         passed, outcome, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for (i, c) in results.iter().enumerate() {
                    let what = match (c.metric, c.aspect) {
                        (Some(m), _) => metric_key(m),
                        (None, Some(a)) => a.as_str(),
                        (None, None) => "",
                    };
                    stmt.execute(params![
                        run_id,
                        i as i64,
                        c.kind.as_str(),
                        what,
                        c.comparator.map(crate::checks::comparator_key),
                        c.observed,
                        c.threshold,
                        c.passed,
                        c.outcome.as_str(),
                        c.detail
                    ])?;
                }
            }
            tx.execute(
                "UPDATE models SET last_tested_at = ?1 WHERE id = ?2",
                params![now, model_id],
            )?;
            let mut detail = format!("{passed}/{total} checks passed");
            if skipped > 0 {
                detail.push_str(&format!(", {skipped} skipped"));
            }
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    to_version: Some(&state.version),
                    detail: Some(&detail),
                    ..NewEvent::new(now, model_id, EventAction::Tested)
                },
            )?;
            load_test_run(tx, run_id)
        })
    }
}

/// A version taken in from a team server whose run logged none of our metric names has placeholder values
/// (schema 10): testing them would pass or fail on numbers nobody measured, so its tests can't run.
fn ensure_metrics_known(
    conn: &rusqlite::Connection,
    model_id: &str,
    version_id: i64,
    version: &str,
) -> Result<()> {
    let known: bool = conn
        .query_row(
            "SELECT metrics_known FROM remote_versions WHERE version_id = ?1",
            [version_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(true);
    if known {
        return Ok(());
    }
    Err(RegistryError::InvalidInput(format!(
        "Can't test {model_id} {version}: its metrics are unknown (its MLflow run logged none of accuracy, \
         latency_ms, throughput_rps, uptime_pct, ai_confidence, error_rate). Log them in the run, or register \
         a version with metrics."
    )))
}
