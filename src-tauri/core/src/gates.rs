//! Quality gates: each model's test suite, test runs against it, and the rule that a version reaches
//! production only when its latest run passed (docs/adr/0010-quality-gates.md).
//!
//! A suite holds three kinds of checks: absolute thresholds on a metric, regression against the version in
//! production (not worse by more than a margin, in the metric's own direction), and the integrity of the
//! version's artifact file against what registration recorded. A check that cannot apply (no production
//! version to compare with, the version under test is the production one, no artifact recorded) is
//! *skipped*: it neither passes nor fails, and "N/M passed" counts only the checks that ran.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::audit::NewEvent;
use crate::checks::{metric_key, parse_metric};
use crate::error::{RegistryError, Result};
use crate::lifecycle;
use crate::metrics::{self, Recorded};
use crate::registry::{check_expected, insert_event, load_state, Registry, DEPLOYING_ACTIONS};
use crate::types::{
    Artifact, CheckResult, Comparator, EventAction, Expected, Metric, Status, TestRun,
};

/// Most checks one suite holds: far more than anyone writes by hand, few enough to show on one screen.
pub const MAX_SUITE_CHECKS: usize = 50;
/// Most test runs one `list_test_runs` call returns.
pub const MAX_RUNS_PAGE: u32 = 100;
/// The largest relative regression margin (1000 %): beyond it the check no longer guards anything.
pub const MAX_MARGIN_REL: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CheckKind {
    /// The metric against a fixed limit.
    Absolute,
    /// The metric against the production version's, with a margin.
    Regression,
    /// The artifact file: present, same size, same SHA-256 as registered.
    Artifact,
}

impl CheckKind {
    fn as_str(self) -> &'static str {
        match self {
            CheckKind::Absolute => "absolute",
            CheckKind::Regression => "regression",
            CheckKind::Artifact => "artifact",
        }
    }

    fn parse(s: &str) -> Option<CheckKind> {
        [
            CheckKind::Absolute,
            CheckKind::Regression,
            CheckKind::Artifact,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Outcome {
    Passed,
    Failed,
    /// The check could not apply to this version; it counts neither way.
    Skipped,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }
}

/// What an artifact check result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ArtifactAspect {
    Present,
    Size,
    Sha256,
}

impl ArtifactAspect {
    fn as_str(self) -> &'static str {
        match self {
            ArtifactAspect::Present => "present",
            ArtifactAspect::Size => "size",
            ArtifactAspect::Sha256 => "sha256",
        }
    }

    fn parse(s: &str) -> Option<ArtifactAspect> {
        [
            ArtifactAspect::Present,
            ArtifactAspect::Size,
            ArtifactAspect::Sha256,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One check of a suite, as edited and as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuiteCheck {
    pub kind: CheckKind,
    /// Absolute and regression checks; None for the artifact check. A string on the way in so that an
    /// unknown metric gets an `INVALID_INPUT` message rather than a deserialization error.
    #[ts(as = "Option<Metric>")]
    pub metric: Option<String>,
    /// Absolute checks: the limit (at least for accuracy, uptime, AI confidence; at most for latency and
    /// error rate), in the metric's unit.
    pub threshold: Option<f64>,
    /// Regression checks: how much worse than production is tolerated, in the metric's unit...
    pub margin_abs: Option<f64>,
    /// ...or as a fraction of the production value (0.05 = 5 %). Exactly one of the two.
    pub margin_rel: Option<f64>,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestSuite {
    pub model_id: String,
    pub checks: Vec<SuiteCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SaveSuiteRequest {
    pub model_id: String,
    pub checks: Vec<SuiteCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestRunsQuery {
    pub model_id: String,
    #[serde(default)]
    pub offset: u32,
    /// 1 to `MAX_RUNS_PAGE`.
    pub limit: u32,
}

/// A model's test runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestRunPage {
    pub runs: Vec<TestRun>,
    pub offset: u32,
    pub total: u32,
}

/// Whether a metric is better when higher (accuracy, uptime, AI confidence) or lower (latency, error rate).
pub fn higher_is_better(m: Metric) -> bool {
    matches!(m, Metric::Accuracy | Metric::Uptime | Metric::AiConfidence)
}

/// The range a metric's values (and so an absolute threshold) lie in.
fn metric_range(m: Metric) -> (f64, f64) {
    match m {
        Metric::Accuracy | Metric::AiConfidence | Metric::ErrorRate => (0.0, 1.0),
        Metric::Uptime => (0.0, 100.0),
        Metric::Latency => (0.0, f64::MAX),
    }
}

fn metric_label(m: Metric) -> &'static str {
    match m {
        Metric::Accuracy => "accuracy",
        Metric::Latency => "latency",
        Metric::ErrorRate => "error rate",
        Metric::Uptime => "uptime",
        Metric::AiConfidence => "AI confidence",
    }
}

/// The metrics of one version that checks look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VersionMetrics {
    pub accuracy: f64,
    pub latency: f64,
    pub error_rate: f64,
    pub uptime: f64,
    pub ai_confidence: f64,
}

impl VersionMetrics {
    fn get(&self, m: Metric) -> f64 {
        match m {
            Metric::Accuracy => self.accuracy,
            Metric::Latency => self.latency,
            Metric::ErrorRate => self.error_rate,
            Metric::Uptime => self.uptime,
            Metric::AiConfidence => self.ai_confidence,
        }
    }
}

/// What the artifact file looks like now, measured before the run is written.
#[derive(Debug, Clone, PartialEq)]
pub enum ArtifactProbe {
    /// The version was registered without an artifact.
    NotRecorded,
    /// The file is gone.
    Missing { recorded: Artifact },
    /// The file exists but could not be read.
    Unreadable { recorded: Artifact, error: String },
    Measured {
        recorded: Artifact,
        size_bytes: i64,
        sha256: String,
    },
}

/// Size and SHA-256 of `path`, read in 1 MiB blocks: artifacts can be gigabytes.
fn measure(path: &Path) -> std::io::Result<(i64, String)> {
    let mut file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("it is not a file"));
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0i64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as i64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

pub fn probe_artifact(recorded: Option<Artifact>) -> ArtifactProbe {
    let Some(recorded) = recorded else {
        return ArtifactProbe::NotRecorded;
    };
    match measure(Path::new(&recorded.path)) {
        Ok((size_bytes, sha256)) => ArtifactProbe::Measured {
            recorded,
            size_bytes,
            sha256,
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ArtifactProbe::Missing { recorded },
        Err(e) => ArtifactProbe::Unreadable {
            recorded,
            error: e.to_string(),
        },
    }
}

/// The version regression checks compare against, with its metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub version: String,
    pub metrics: VersionMetrics,
}

/// Absorbs the last-digit error of computing a limit (0.93 - 0.01 is 0.9200000000000002), so that a value
/// exactly at its limit passes, as with absolute thresholds.
fn tolerance(limit: f64) -> f64 {
    1e-9 * limit.abs().max(1.0)
}

fn number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

fn result(kind: CheckKind, metric: Option<Metric>, outcome: Outcome) -> CheckResult {
    CheckResult {
        kind,
        metric,
        aspect: None,
        comparator: None,
        observed: None,
        threshold: None,
        passed: outcome == Outcome::Passed,
        outcome,
        detail: None,
    }
}

fn pass_or_fail(ok: bool) -> Outcome {
    if ok {
        Outcome::Passed
    } else {
        Outcome::Failed
    }
}

/// Runs the enabled checks of `suite` (already validated) against `observed`. Pure: the file system was
/// probed beforehand and the baseline looked up, so the same inputs always give the same results.
pub fn evaluate(
    suite: &[SuiteCheck],
    tested_version: &str,
    observed: &VersionMetrics,
    baseline: Option<&Baseline>,
    artifact: &ArtifactProbe,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for check in suite.iter().filter(|c| c.enabled) {
        let metric = check.metric.as_deref().and_then(parse_metric);
        match (check.kind, metric) {
            (CheckKind::Absolute, Some(m)) => {
                let threshold = check.threshold.unwrap_or(0.0);
                let value = observed.get(m);
                let (comparator, ok) = if higher_is_better(m) {
                    (Comparator::AtLeast, value >= threshold)
                } else {
                    (Comparator::AtMost, value <= threshold)
                };
                out.push(CheckResult {
                    comparator: Some(comparator),
                    observed: Some(value),
                    threshold: Some(threshold),
                    ..result(CheckKind::Absolute, Some(m), pass_or_fail(ok))
                });
            }
            (CheckKind::Regression, Some(m)) => {
                out.push(regression(m, check, tested_version, observed, baseline))
            }
            (CheckKind::Artifact, _) => out.extend(artifact_results(artifact)),
            // Validation refuses a metric check without a metric; a stored one cannot exist.
            (_, None) => {}
        }
    }
    out
}

fn regression(
    m: Metric,
    check: &SuiteCheck,
    tested_version: &str,
    observed: &VersionMetrics,
    baseline: Option<&Baseline>,
) -> CheckResult {
    let value = observed.get(m);
    let skipped = |why: String| CheckResult {
        observed: Some(value),
        detail: Some(why),
        ..result(CheckKind::Regression, Some(m), Outcome::Skipped)
    };
    let Some(base) = baseline else {
        return skipped("no version has been in production to compare with".to_owned());
    };
    if base.version == tested_version {
        return skipped(format!("{tested_version} is the production version itself"));
    }
    let b = base.metrics.get(m);
    let higher = higher_is_better(m);
    let (limit, allowed) = match (check.margin_abs, check.margin_rel) {
        (Some(abs), _) => (if higher { b - abs } else { b + abs }, number(abs)),
        (None, Some(rel)) => (
            if higher {
                b * (1.0 - rel)
            } else {
                b * (1.0 + rel)
            },
            format!("{}%", number(rel * 100.0)),
        ),
        (None, None) => (b, "0".to_owned()),
    };
    let (comparator, ok) = if higher {
        (Comparator::AtLeast, value >= limit - tolerance(limit))
    } else {
        (Comparator::AtMost, value <= limit + tolerance(limit))
    };
    let direction = if higher { "lower" } else { "higher" };
    CheckResult {
        comparator: Some(comparator),
        observed: Some(value),
        threshold: Some(limit),
        detail: Some(format!(
            "production {}: {}; at most {allowed} {direction} allowed",
            base.version,
            number(b)
        )),
        ..result(CheckKind::Regression, Some(m), pass_or_fail(ok))
    }
}

fn artifact_results(probe: &ArtifactProbe) -> Vec<CheckResult> {
    let aspect = |a: ArtifactAspect, outcome: Outcome, detail: String| CheckResult {
        aspect: Some(a),
        detail: Some(detail),
        ..result(CheckKind::Artifact, None, outcome)
    };
    match probe {
        ArtifactProbe::NotRecorded => vec![aspect(
            ArtifactAspect::Present,
            Outcome::Skipped,
            "this version was registered without an artifact".to_owned(),
        )],
        ArtifactProbe::Missing { recorded } => vec![
            aspect(
                ArtifactAspect::Present,
                Outcome::Failed,
                format!("{} is missing", recorded.path),
            ),
            aspect(
                ArtifactAspect::Size,
                Outcome::Skipped,
                "no file to measure".to_owned(),
            ),
            aspect(
                ArtifactAspect::Sha256,
                Outcome::Skipped,
                "no file to hash".to_owned(),
            ),
        ],
        ArtifactProbe::Unreadable { recorded, error } => vec![
            aspect(
                ArtifactAspect::Present,
                Outcome::Failed,
                format!("{} can't be read: {error}", recorded.path),
            ),
            aspect(
                ArtifactAspect::Size,
                Outcome::Skipped,
                "the file can't be read".to_owned(),
            ),
            aspect(
                ArtifactAspect::Sha256,
                Outcome::Skipped,
                "the file can't be read".to_owned(),
            ),
        ],
        ArtifactProbe::Measured {
            recorded,
            size_bytes,
            sha256,
        } => {
            let same_hash = sha256.eq_ignore_ascii_case(&recorded.sha256);
            vec![
                aspect(
                    ArtifactAspect::Present,
                    Outcome::Passed,
                    format!("{} exists", recorded.path),
                ),
                CheckResult {
                    observed: Some(*size_bytes as f64),
                    threshold: Some(recorded.size_bytes as f64),
                    ..aspect(
                        ArtifactAspect::Size,
                        pass_or_fail(*size_bytes == recorded.size_bytes),
                        format!(
                            "{size_bytes} bytes; {} recorded at registration",
                            recorded.size_bytes
                        ),
                    )
                },
                aspect(
                    ArtifactAspect::Sha256,
                    pass_or_fail(same_hash),
                    if same_hash {
                        format!("SHA-256 {sha256} as recorded")
                    } else {
                        format!(
                            "SHA-256 {sha256}; {} recorded at registration",
                            recorded.sha256
                        )
                    },
                ),
            ]
        }
    }
}

// ----- validation -----

fn invalid(position: usize, check: &SuiteCheck, problem: String) -> RegistryError {
    let what = match check.metric.as_deref() {
        Some(m) => format!("{} {m}", check.kind.as_str()),
        None => check.kind.as_str().to_owned(),
    };
    RegistryError::InvalidInput(format!("Check {} ({what}): {problem}", position + 1))
}

fn finite(position: usize, check: &SuiteCheck, name: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(invalid(
            position,
            check,
            format!("the {name} must be a number; got {v}."),
        ))
    }
}

/// Refuses a suite that could not be run as written, with a message naming the check and the problem.
pub fn validate_suite(checks: &[SuiteCheck]) -> Result<()> {
    if checks.len() > MAX_SUITE_CHECKS {
        return Err(RegistryError::InvalidInput(format!(
            "A suite holds at most {MAX_SUITE_CHECKS} checks; got {}.",
            checks.len()
        )));
    }
    let mut seen: Vec<(CheckKind, Option<Metric>)> = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        let metric = match (c.kind, c.metric.as_deref()) {
            (CheckKind::Artifact, None) => None,
            (CheckKind::Artifact, Some(_)) => {
                return Err(invalid(
                    i,
                    c,
                    "an artifact check takes no metric.".to_owned(),
                ))
            }
            (_, None) => return Err(invalid(i, c, "choose a metric.".to_owned())),
            (_, Some(name)) => Some(parse_metric(name).ok_or_else(|| {
                invalid(
                    i,
                    c,
                    format!(
                        "unknown metric \"{name}\"; use accuracy, latency, errorRate, uptime or aiConfidence."
                    ),
                )
            })?),
        };
        match (c.kind, metric) {
            (CheckKind::Absolute, Some(m)) => {
                if c.margin_abs.is_some() || c.margin_rel.is_some() {
                    return Err(invalid(
                        i,
                        c,
                        "an absolute check has a threshold, not a margin.".to_owned(),
                    ));
                }
                let t = c
                    .threshold
                    .ok_or_else(|| invalid(i, c, "enter a threshold.".to_owned()))?;
                let t = finite(i, c, "threshold", t)?;
                let (lo, hi) = metric_range(m);
                if t < lo || t > hi {
                    let range = if hi == f64::MAX {
                        format!("at least {lo}")
                    } else {
                        format!("between {lo} and {hi}")
                    };
                    return Err(invalid(
                        i,
                        c,
                        format!("the threshold must be {range}; got {t}."),
                    ));
                }
            }
            (CheckKind::Regression, Some(m)) => {
                if c.threshold.is_some() {
                    return Err(invalid(
                        i,
                        c,
                        "a regression check has a margin, not a threshold.".to_owned(),
                    ));
                }
                match (c.margin_abs, c.margin_rel) {
                    (Some(abs), None) => {
                        let abs = finite(i, c, "margin", abs)?;
                        let (lo, hi) = metric_range(m);
                        if abs < 0.0 {
                            return Err(invalid(
                                i,
                                c,
                                format!("the margin must not be negative; got {abs}."),
                            ));
                        }
                        if hi != f64::MAX && abs > hi - lo {
                            return Err(invalid(
                                i,
                                c,
                                format!(
                                    "the margin must be at most {}, the whole range of {}; got {abs}.",
                                    hi - lo,
                                    metric_label(m)
                                ),
                            ));
                        }
                    }
                    (None, Some(rel)) => {
                        let rel = finite(i, c, "margin", rel)?;
                        if !(0.0..=MAX_MARGIN_REL).contains(&rel) {
                            return Err(invalid(
                                i,
                                c,
                                format!(
                                    "the relative margin must be between 0 % and {} %; got {} %.",
                                    MAX_MARGIN_REL * 100.0,
                                    number(rel * 100.0)
                                ),
                            ));
                        }
                    }
                    _ => {
                        return Err(invalid(
                            i,
                            c,
                            "give exactly one margin, absolute or relative.".to_owned(),
                        ))
                    }
                }
            }
            (CheckKind::Artifact, _) => {
                if c.threshold.is_some() || c.margin_abs.is_some() || c.margin_rel.is_some() {
                    return Err(invalid(
                        i,
                        c,
                        "an artifact check takes no threshold or margin.".to_owned(),
                    ));
                }
            }
            (_, None) => unreachable_metric()?,
        }
        if seen.contains(&(c.kind, metric)) {
            return Err(invalid(
                i,
                c,
                "the suite already has this check; edit that one instead.".to_owned(),
            ));
        }
        seen.push((c.kind, metric));
    }
    Ok(())
}

/// A metric check without a metric returned above; kept as an error rather than a panic.
fn unreachable_metric() -> Result<()> {
    Err(RegistryError::InvalidInput(
        "A metric check needs a metric.".to_owned(),
    ))
}

// ----- storage -----

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
