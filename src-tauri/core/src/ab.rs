//! The lifecycle of an A/B test after it starts: importing the results the user measured elsewhere, their
//! analysis (`stats::analyze`), and ending the test, concluded with a verdict or aborted with a reason.
//!
//! ModelOps routes no traffic. Results exist only as files the user imports (`docs/ab-results-format.md`);
//! nothing is generated here, and a file that says its numbers are simulated is stored and shown as such.
//!
//! The verdict is `stats::Verdict`: a winner only when the success-rate test is significant, the planned
//! sample size is reached and there is no sample-ratio mismatch. Concluding before that records
//! "inconclusive": the test ended without a result anyone should act on.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{RegistryError, Result};
use crate::registry::{
    clean_text, insert_event, parse_status, NewEvent, Registry, MAX_REASON_CHARS,
};
use crate::stats::{self, AbAnalysis, AbAnalysisConfig, VariantResults, Verdict};
use crate::types::{AbTest, AbTestStatus, EventAction, Status};

/// Default smallest difference worth detecting: one percentage point of success rate.
pub const DEFAULT_MIN_DETECTABLE_EFFECT: f64 = 0.01;
pub const DEFAULT_ALPHA: f64 = 0.05;
pub const DEFAULT_POWER: f64 = 0.8;

/// Largest results file read. Counts take a few bytes; this leaves room for about two million latency
/// samples while keeping a wrong pick (a video, a database dump) from being read into memory.
pub const MAX_RESULTS_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Most latency samples per variant: Mann–Whitney sorts them all, and they are stored in the registry.
pub const MAX_LATENCY_SAMPLES: usize = 1_000_000;

/// How a concluded test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AbOutcome {
    AWins,
    BWins,
    Inconclusive,
}

impl AbOutcome {
    /// A winner only where the analysis found one; "not decision-grade" ends as inconclusive.
    pub fn from_verdict(v: Verdict) -> AbOutcome {
        match v {
            Verdict::AWins => AbOutcome::AWins,
            Verdict::BWins => AbOutcome::BWins,
            Verdict::Inconclusive | Verdict::NotDecisionGrade => AbOutcome::Inconclusive,
        }
    }

    fn as_sql(self) -> &'static str {
        match self {
            AbOutcome::AWins => "a_wins",
            AbOutcome::BWins => "b_wins",
            AbOutcome::Inconclusive => "inconclusive",
        }
    }

    fn parse_sql(s: &str) -> Option<AbOutcome> {
        [AbOutcome::AWins, AbOutcome::BWins, AbOutcome::Inconclusive]
            .into_iter()
            .find(|o| o.as_sql() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum AbVariant {
    A,
    B,
}

/// The winning side of a concluded test and where its model stands now. The UI offers deploying it to
/// production through the ordinary deploy command, which deploys the model's *current* version: when that
/// is no longer the version tested, `currentVersion` differs from `version` and the offer is withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbWinner {
    pub variant: AbVariant,
    pub model_id: String,
    pub model_name: String,
    /// The version that won the test.
    pub version: String,
    pub current_version: String,
    pub current_status: Status,
}

/// What was imported for one variant (the latency samples themselves stay in the registry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbVariantData {
    pub variant: AbVariant,
    #[ts(type = "number")]
    pub assignments: u64,
    #[ts(type = "number")]
    pub requests: u64,
    #[ts(type = "number")]
    pub successes: u64,
    pub latency_samples: u32,
    /// The file said these numbers are simulated, not measured.
    pub simulated: bool,
    /// File name (without its folder) the counts came from.
    pub source_file: String,
    pub imported_at: DateTime<Utc>,
}

/// The analysis of a test's stored results; `analysis` is null while no results are imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbTestAnalysis {
    pub test_id: String,
    pub config: AbAnalysisConfig,
    pub analysis: Option<AbAnalysis>,
    /// Either variant's results were labelled simulated in the imported file.
    pub simulated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportAbResultsRequest {
    pub test_id: String,
    /// Absolute path of a `.json` or `.csv` results file (picked in the native open dialog).
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbortAbTestRequest {
    pub test_id: String,
    /// Why the test is stopped without a verdict; required.
    pub reason: String,
}

/// A parsed and validated results file.
#[derive(Debug, Clone, PartialEq)]
pub struct AbResultsFile {
    pub a: VariantResults,
    pub b: VariantResults,
    pub simulated: bool,
}

impl Registry {
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

fn ensure_running(test: &AbTest, action: &str) -> Result<()> {
    match test.status {
        AbTestStatus::Running => Ok(()),
        AbTestStatus::Concluded => Err(RegistryError::Conflict(format!(
            "Can't {action} A/B test {}: it is already concluded.",
            test.id
        ))),
        AbTestStatus::Aborted => Err(RegistryError::Conflict(format!(
            "Can't {action} A/B test {}: it was aborted.",
            test.id
        ))),
    }
}

fn config_of(test: &AbTest) -> AbAnalysisConfig {
    AbAnalysisConfig {
        traffic_split_b: f64::from(test.traffic_split) / 100.0,
        alpha: test.alpha,
        min_detectable_effect: test.min_detectable_effect,
        power: test.power,
    }
}

/// The analysis configuration of a new test, defaults filled in and validated.
pub(crate) fn new_test_config(
    traffic_split: i64,
    alpha: Option<f64>,
    min_detectable_effect: Option<f64>,
    power: Option<f64>,
) -> Result<AbAnalysisConfig> {
    let cfg = AbAnalysisConfig {
        traffic_split_b: traffic_split as f64 / 100.0,
        alpha: alpha.unwrap_or(DEFAULT_ALPHA),
        min_detectable_effect: min_detectable_effect.unwrap_or(DEFAULT_MIN_DETECTABLE_EFFECT),
        power: power.unwrap_or(DEFAULT_POWER),
    };
    stats::validate_config(&cfg)?;
    Ok(cfg)
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

// ----- the results file -----

fn invalid(file: &str, msg: impl std::fmt::Display) -> RegistryError {
    RegistryError::InvalidInput(format!("{file}: {msg}"))
}

/// Reads and checks a results file: `.json` or `.csv` (docs/ab-results-format.md).
pub fn read_results_file(path: &Path) -> Result<AbResultsFile> {
    if !path.is_absolute() {
        return Err(RegistryError::InvalidInput(format!(
            "Choose the results file with its full path; \"{}\" is relative.",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext != "json" && ext != "csv" {
        return Err(invalid(
            &name,
            "results files are .json or .csv (see docs/ab-results-format.md).",
        ));
    }
    let meta = std::fs::metadata(path)
        .map_err(|e| RegistryError::io(format!("Can't read {}", path.display()), e))?;
    if meta.is_dir() {
        return Err(invalid(&name, "is a folder, not a results file."));
    }
    if meta.len() > MAX_RESULTS_FILE_BYTES {
        return Err(invalid(
            &name,
            format!(
                "is too large ({} MB; results files are at most {} MB).",
                meta.len() / (1024 * 1024),
                MAX_RESULTS_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| RegistryError::io(format!("Can't read {}", path.display()), e))?;
    let text = String::from_utf8(bytes).map_err(|_| invalid(&name, "is not UTF-8 text."))?;
    if ext == "json" {
        parse_results_json(&name, &text)
    } else {
        parse_results_csv(&name, &text)
    }
}

/// `{ "simulated"?: bool, "variants": { "A": {...}, "B": {...} } }`.
pub fn parse_results_json(file: &str, text: &str) -> Result<AbResultsFile> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| invalid(file, format!("is not valid JSON ({e}).")))?;
    let Value::Object(root) = root else {
        return Err(invalid(
            file,
            "the top level must be an object with \"variants\".",
        ));
    };
    let simulated = match root.get("simulated") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid(
                file,
                format!("\"simulated\" must be true or false; got {other}."),
            ))
        }
    };
    let Some(Value::Object(variants)) = root.get("variants") else {
        return Err(invalid(
            file,
            "\"variants\" is missing or not an object with \"A\" and \"B\".",
        ));
    };
    if let Some(other) = variants.keys().find(|k| *k != "A" && *k != "B") {
        return Err(invalid(
            file,
            format!("unknown variant \"{other}\"; an A/B test has variants \"A\" and \"B\"."),
        ));
    }
    let variant = |name: &str| -> Result<VariantResults> {
        let Some(v) = variants.get(name) else {
            return Err(invalid(file, format!("variant {name} is missing.")));
        };
        let Value::Object(v) = v else {
            return Err(invalid(file, format!("variant {name} must be an object.")));
        };
        let count = |field: &str| -> Result<u64> {
            match v.get(field) {
                None | Some(Value::Null) => Err(invalid(
                    file,
                    format!("variant {name}: \"{field}\" is missing."),
                )),
                Some(Value::Number(n)) => json_count(file, name, field, n),
                Some(other) => Err(invalid(
                    file,
                    format!("variant {name}: \"{field}\" must be a number; got {other}."),
                )),
            }
        };
        let latency_ms = match v.get("latencyMs") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let mut samples = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let x = item.as_f64().ok_or_else(|| {
                        invalid(
                            file,
                            format!("variant {name}: latencyMs[{i}] must be a number; got {item}."),
                        )
                    })?;
                    samples.push(x);
                }
                Some(samples)
            }
            Some(other) => {
                return Err(invalid(
                    file,
                    format!(
                    "variant {name}: \"latencyMs\" must be an array of milliseconds; got {other}."
                ),
                ))
            }
        };
        let out = VariantResults {
            assignments: count("assignments")?,
            requests: count("requests")?,
            successes: count("successes")?,
            latency_ms,
        };
        check_variant(file, name, &out)?;
        Ok(out)
    };
    Ok(AbResultsFile {
        a: variant("A")?,
        b: variant("B")?,
        simulated,
    })
}

fn json_count(file: &str, variant: &str, field: &str, n: &serde_json::Number) -> Result<u64> {
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    let msg = match n.as_f64() {
        Some(x) if x < 0.0 => format!("variant {variant}: \"{field}\" is negative ({n})."),
        Some(x) if x.is_finite() && x.fract() != 0.0 => {
            format!("variant {variant}: \"{field}\" must be a whole number; got {n}.")
        }
        _ => format!("variant {variant}: \"{field}\" is out of range ({n})."),
    };
    Err(invalid(file, msg))
}

/// Checks shared by both formats, phrased for the file (the analysis would refuse the same with the
/// field name only).
fn check_variant(file: &str, name: &str, v: &VariantResults) -> Result<()> {
    if v.successes > v.requests {
        return Err(invalid(
            file,
            format!(
                "variant {name}: successes ({}) exceed requests ({}).",
                v.successes, v.requests
            ),
        ));
    }
    if let Some(samples) = &v.latency_ms {
        if samples.len() > MAX_LATENCY_SAMPLES {
            return Err(invalid(
                file,
                format!(
                    "variant {name}: {} latency samples; at most {MAX_LATENCY_SAMPLES} are taken.",
                    samples.len()
                ),
            ));
        }
        if let Some((i, x)) = samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return Err(invalid(
                file,
                format!("variant {name}: latency sample {} is {x}; latencies must be finite and not negative.", i + 1),
            ));
        }
    }
    Ok(())
}

/// A header `variant,assignments,requests,successes` with optional `latency_ms` (samples separated by `;`)
/// and `simulated` (`true`/`false`), then one row for A and one for B.
pub fn parse_results_csv(file: &str, text: &str) -> Result<AbResultsFile> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| invalid(file, format!("is not valid CSV ({e}).")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut cols = [0usize; 4];
    for (slot, name) in cols
        .iter_mut()
        .zip(["variant", "assignments", "requests", "successes"])
    {
        *slot = column(name).ok_or_else(|| {
            invalid(
                file,
                format!(
                    "the header has no \"{name}\" column (expected variant,assignments,requests,successes)."
                ),
            )
        })?;
    }
    let latency_col = column("latency_ms");
    let simulated_col = column("simulated");
    let (mut a, mut b) = (None, None);
    let mut simulated = None;
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record =
            record.map_err(|e| invalid(file, format!("line {line} is not valid CSV ({e}).")))?;
        let field = |c: usize| record.get(c).unwrap_or("");
        let variant = field(cols[0]).to_ascii_uppercase();
        if variant != "A" && variant != "B" {
            return Err(invalid(
                file,
                format!(
                    "line {line}: unknown variant \"{}\"; an A/B test has variants A and B.",
                    field(cols[0])
                ),
            ));
        }
        let count = |c: usize, name: &str| -> Result<u64> {
            let raw = field(c);
            if raw.is_empty() {
                return Err(invalid(
                    file,
                    format!("line {line} (variant {variant}): \"{name}\" is empty."),
                ));
            }
            raw.parse::<u64>().map_err(|_| {
                let why = match raw.parse::<f64>() {
                    Ok(x) if x < 0.0 => "is negative",
                    Ok(x) if x.is_finite() => "must be a whole number",
                    Ok(_) => "is not a finite number",
                    Err(_) => "is not a number",
                };
                invalid(
                    file,
                    format!("line {line} (variant {variant}): \"{name}\" {why} ({raw})."),
                )
            })
        };
        let latency_ms = match latency_col.map(field).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let mut samples = Vec::new();
                for (k, part) in raw.split(';').map(str::trim).enumerate() {
                    let x: f64 = part.parse().map_err(|_| {
                        invalid(
                            file,
                            format!("line {line} (variant {variant}): latency sample {} (\"{part}\") is not a number.", k + 1),
                        )
                    })?;
                    samples.push(x);
                }
                Some(samples)
            }
        };
        let v = VariantResults {
            assignments: count(cols[1], "assignments")?,
            requests: count(cols[2], "requests")?,
            successes: count(cols[3], "successes")?,
            latency_ms,
        };
        check_variant(file, &variant, &v)?;
        if let Some(c) = simulated_col {
            let s = match field(c).to_ascii_lowercase().as_str() {
                "" | "false" | "no" | "0" => false,
                "true" | "yes" | "1" => true,
                other => {
                    return Err(invalid(
                        file,
                        format!(
                            "line {line}: \"simulated\" must be true or false; got \"{other}\"."
                        ),
                    ))
                }
            };
            simulated = Some(simulated.unwrap_or(false) || s);
        }
        let slot = if variant == "A" { &mut a } else { &mut b };
        if slot.replace(v).is_some() {
            return Err(invalid(
                file,
                format!("line {line}: variant {variant} appears twice."),
            ));
        }
    }
    match (a, b) {
        (Some(a), Some(b)) => Ok(AbResultsFile {
            a,
            b,
            simulated: simulated.unwrap_or(false),
        }),
        (None, _) => Err(invalid(file, "variant A is missing.")),
        (_, None) => Err(invalid(file, "variant B is missing.")),
    }
}
