//! The lifecycle of an A/B test in the registry: starting one, importing the results the user measured
//! elsewhere, their analysis (`stats::analyze`), and ending the test, concluded with a verdict or aborted
//! with a reason. Results files and the analysis itself are pure (`modelops_domain::ab`, `stats`).
//!
//! The verdict is `stats::Verdict`: a winner only when the success-rate test is significant, the planned
//! sample size is reached and there is no sample-ratio mismatch. Concluding before that records
//! "inconclusive": the test ended without a result anyone should act on.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

pub use modelops_domain::ab::*;

use crate::error::{RegistryError, Result};
use crate::lifecycle;
use crate::registry::{clean_text, Registry, MAX_REASON_CHARS};
use crate::rows::{insert_event, load_state, parse_status, running_ab_test_of, NewEvent};
use crate::stats::{self, VariantResults};
use crate::types::*;

impl Registry {
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
            let id = crate::ids::new_ab_test_id(tx)?;
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
                    self.actor(),
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

    /// The analysis of a test's results, or `analysis: null` while none are imported.
    pub fn ab_test_analysis(&self, test_id: &str) -> Result<AbTestAnalysis> {
        self.read(|tx| {
            let test = load_ab_test(tx, test_id)?;
            let cfg = config_of(&test);
            let stored = load_variant_results(tx, test_id)?;
            let (analysis, simulated) = match stored {
                Some((a, b, simulated)) => (Some(stats::analyze(&a, &b, &cfg)?), simulated),
                None => (None, false),
            };
            Ok(AbTestAnalysis {
                test_id: test.id,
                config: cfg,
                analysis,
                simulated,
            })
        })
    }

    /// Reads a results file and stores it as the test's results, replacing any imported before. The file is
    /// checked completely (including that the analysis accepts it) before anything is written.
    pub fn import_ab_results(&self, req: &ImportAbResultsRequest) -> Result<AbTest> {
        let path = Path::new(req.path.trim());
        let file = read_results_file(path)?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| req.path.clone());
        self.write(|tx| {
            let now = Utc::now();
            let test = load_ab_test(tx, &req.test_id)?;
            ensure_running(&test, "import results into")?;
            // Refused here rather than at analysis time, so stored results always analyze.
            stats::analyze(&file.a, &file.b, &config_of(&test))?;
            let previous: Option<String> = tx
                .query_row(
                    "SELECT source_file FROM ab_results WHERE test_id = ?1 AND variant = 'A'",
                    [&test.id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute("DELETE FROM ab_results WHERE test_id = ?1", [&test.id])?;
            for (variant, v) in [("A", &file.a), ("B", &file.b)] {
                let latency = match &v.latency_ms {
                    Some(samples) => Some(serde_json::to_string(samples).map_err(|e| {
                        RegistryError::InvalidInput(format!(
                            "Variant {variant}: latency samples: {e}"
                        ))
                    })?),
                    None => None,
                };
                tx.execute(
                    "INSERT INTO ab_results (test_id, variant, assignments, requests, successes, latency_ms_json,
                         simulated, source_file, imported_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        test.id,
                        variant,
                        count_sql(v.assignments)?,
                        count_sql(v.requests)?,
                        count_sql(v.successes)?,
                        latency,
                        file.simulated,
                        source,
                        now
                    ],
                )?;
            }
            let mut detail = format!(
                "{}: results from {source} (A: {} requests, B: {} requests{})",
                test.id,
                file.a.requests,
                file.b.requests,
                if file.simulated { ", simulated" } else { "" }
            );
            if let Some(prev) = previous {
                detail.push_str(&format!(", replacing those from {prev}"));
            }
            self.ab_events(tx, &test, now, EventAction::AbResultsImported, &detail, None)?;
            load_ab_test(tx, &test.id)
        })
    }

    /// Ends a running test with the verdict of its results: A wins or B wins only when the analysis says
    /// so (significant, decision-grade, no sample-ratio mismatch), inconclusive otherwise.
    pub fn conclude_ab_test(&self, test_id: &str) -> Result<AbTest> {
        self.write(|tx| {
            let now = Utc::now();
            let test = load_ab_test(tx, test_id)?;
            ensure_running(&test, "conclude")?;
            let Some((a, b, simulated)) = load_variant_results(tx, test_id)? else {
                return Err(RegistryError::InvalidInput(format!(
                    "A/B test {test_id} has no results yet. Import a results file first, or abort the test."
                )));
            };
            let analysis = stats::analyze(&a, &b, &config_of(&test))?;
            let outcome = AbOutcome::from_verdict(analysis.verdict);
            let conclusion = if simulated {
                format!("{} (Simulated data.)", analysis.summary)
            } else {
                analysis.summary.clone()
            };
            tx.execute(
                "UPDATE ab_tests SET status = 'concluded', ended_at = ?1, verdict = ?2, conclusion = ?3
                 WHERE id = ?4",
                params![now, outcome.as_sql(), conclusion, test_id],
            )?;
            let verdict = match outcome {
                AbOutcome::AWins => format!("A ({}) wins", test.model_a_name),
                AbOutcome::BWins => format!("B ({}) wins", test.model_b_name),
                AbOutcome::Inconclusive => "inconclusive".to_owned(),
            };
            let detail = format!("{test_id} concluded: {verdict}. {conclusion}");
            self.ab_events(tx, &test, now, EventAction::AbTestConcluded, &detail, None)?;
            load_ab_test(tx, test_id)
        })
    }

    /// Ends a running test without a verdict.
    pub fn abort_ab_test(&self, req: &AbortAbTestRequest) -> Result<AbTest> {
        let Some(reason) = clean_text(Some(&req.reason), "Reason", MAX_REASON_CHARS)? else {
            return Err(RegistryError::InvalidInput(
                "Say why the A/B test is aborted: the reason is kept in the audit log.".to_owned(),
            ));
        };
        self.write(|tx| {
            let now = Utc::now();
            let test = load_ab_test(tx, &req.test_id)?;
            ensure_running(&test, "abort")?;
            tx.execute(
                "UPDATE ab_tests SET status = 'aborted', ended_at = ?1, abort_reason = ?2 WHERE id = ?3",
                params![now, reason, test.id],
            )?;
            let detail = format!("{} aborted", test.id);
            self.ab_events(
                tx,
                &test,
                now,
                EventAction::AbTestAborted,
                &detail,
                Some(&reason),
            )?;
            load_ab_test(tx, &test.id)
        })
    }

    /// One event for each model of the test, as when it started.
    fn ab_events(
        &self,
        tx: &Connection,
        test: &AbTest,
        now: DateTime<Utc>,
        action: EventAction,
        detail: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        for (model_id, version) in [
            (&test.model_a, &test.version_a),
            (&test.model_b, &test.version_b),
        ] {
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    to_version: Some(version),
                    detail: Some(detail),
                    reason,
                    ..NewEvent::new(now, model_id, action)
                },
            )?;
        }
        Ok(())
    }
}

fn count_sql(n: u64) -> Result<i64> {
    i64::try_from(n)
        .map_err(|_| RegistryError::InvalidInput(format!("The count {n} is too large to store.")))
}

// ----- reading the test -----

const AB_SELECT: &str = "
    SELECT t.id, t.model_a, ma.name, va.version, t.model_b, mb.name, vb.version, t.traffic_split, t.status,
           t.started_at, t.ended_at, t.alpha, t.min_detectable_effect, t.power, t.verdict, t.conclusion,
           t.abort_reason, ma.status, ma.cur_version, mb.status, mb.cur_version
    FROM ab_tests t
    JOIN models ma ON ma.id = t.model_a JOIN model_versions va ON va.id = t.version_a_id
    JOIN models mb ON mb.id = t.model_b JOIN model_versions vb ON vb.id = t.version_b_id";

fn bad_value(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

fn ab_test_from_row(r: &Row<'_>) -> rusqlite::Result<AbTest> {
    let status: String = r.get(8)?;
    let status = match status.as_str() {
        "running" => AbTestStatus::Running,
        "concluded" => AbTestStatus::Concluded,
        "aborted" => AbTestStatus::Aborted,
        other => return Err(bad_value(8, format!("unknown A/B test status {other:?}"))),
    };
    let outcome = match r.get::<_, Option<String>>(14)? {
        Some(v) => Some(
            AbOutcome::parse_sql(&v)
                .ok_or_else(|| bad_value(14, format!("unknown A/B verdict {v:?}")))?,
        ),
        None => None,
    };
    let (model_a, model_a_name, version_a): (String, String, String) =
        (r.get(1)?, r.get(2)?, r.get(3)?);
    let (model_b, model_b_name, version_b): (String, String, String) =
        (r.get(4)?, r.get(5)?, r.get(6)?);
    let winner = match outcome {
        Some(AbOutcome::AWins) => Some(AbWinner {
            variant: AbVariant::A,
            model_id: model_a.clone(),
            model_name: model_a_name.clone(),
            version: version_a.clone(),
            current_status: parse_status(17, &r.get::<_, String>(17)?)?,
            current_version: r.get(18)?,
        }),
        Some(AbOutcome::BWins) => Some(AbWinner {
            variant: AbVariant::B,
            model_id: model_b.clone(),
            model_name: model_b_name.clone(),
            version: version_b.clone(),
            current_status: parse_status(19, &r.get::<_, String>(19)?)?,
            current_version: r.get(20)?,
        }),
        _ => None,
    };
    Ok(AbTest {
        id: r.get(0)?,
        model_a,
        model_a_name,
        version_a,
        model_b,
        model_b_name,
        version_b,
        traffic_split: r.get(7)?,
        status,
        started_at: r.get(9)?,
        ended_at: r.get(10)?,
        alpha: r.get(11)?,
        min_detectable_effect: r.get(12)?,
        power: r.get(13)?,
        outcome,
        conclusion: r.get(15)?,
        abort_reason: r.get(16)?,
        winner,
        results: Vec::new(),
    })
}

/// Tests matching `where_order` (a WHERE and/or ORDER BY clause over `t`), each with its imported counts.
pub(crate) fn query_ab_tests(
    conn: &Connection,
    where_order: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<AbTest>> {
    let mut stmt = conn.prepare_cached(&format!("{AB_SELECT} {where_order}"))?;
    let mut tests = stmt
        .query_map(params, ab_test_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for t in &mut tests {
        t.results = load_variant_data(conn, &t.id)?;
    }
    Ok(tests)
}

pub(crate) fn load_ab_test(conn: &Connection, test_id: &str) -> Result<AbTest> {
    query_ab_tests(conn, "WHERE t.id = ?1", [test_id])?
        .pop()
        .ok_or_else(|| RegistryError::AbTestNotFound(test_id.to_owned()))
}

fn load_variant_data(conn: &Connection, test_id: &str) -> Result<Vec<AbVariantData>> {
    let mut stmt = conn.prepare_cached(
        "SELECT variant, assignments, requests, successes, coalesce(json_array_length(latency_ms_json), 0),
                simulated, source_file, imported_at
         FROM ab_results WHERE test_id = ?1 ORDER BY variant",
    )?;
    let rows = stmt.query_map([test_id], |r| {
        let variant: String = r.get(0)?;
        Ok(AbVariantData {
            variant: match variant.as_str() {
                "A" => AbVariant::A,
                "B" => AbVariant::B,
                other => return Err(bad_value(0, format!("unknown variant {other:?}"))),
            },
            assignments: r.get::<_, i64>(1)?.max(0) as u64,
            requests: r.get::<_, i64>(2)?.max(0) as u64,
            successes: r.get::<_, i64>(3)?.max(0) as u64,
            latency_samples: r.get(4)?,
            simulated: r.get(5)?,
            source_file: r.get(6)?,
            imported_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Both variants' stored results, and whether either was labelled simulated; None until both are imported.
fn load_variant_results(
    conn: &Connection,
    test_id: &str,
) -> Result<Option<(VariantResults, VariantResults, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT variant, assignments, requests, successes, latency_ms_json, simulated
         FROM ab_results WHERE test_id = ?1 ORDER BY variant",
    )?;
    let mut rows = stmt.query([test_id])?;
    let (mut a, mut b, mut simulated) = (None, None, false);
    while let Some(r) = rows.next()? {
        let variant: String = r.get(0)?;
        let latency: Option<String> = r.get(4)?;
        let latency_ms = match latency {
            Some(text) => Some(serde_json::from_str::<Vec<f64>>(&text).map_err(|e| {
                RegistryError::Sqlite(bad_value(4, format!("stored latency samples: {e}")))
            })?),
            None => None,
        };
        let v = VariantResults {
            assignments: r.get::<_, i64>(1)?.max(0) as u64,
            requests: r.get::<_, i64>(2)?.max(0) as u64,
            successes: r.get::<_, i64>(3)?.max(0) as u64,
            latency_ms,
        };
        simulated |= r.get::<_, bool>(5)?;
        match variant.as_str() {
            "A" => a = Some(v),
            "B" => b = Some(v),
            _ => {}
        }
    }
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some((a, b, simulated)),
        _ => None,
    })
}
