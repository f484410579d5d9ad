//! Quality gates: each model's test suite, test runs against it, and the rule that a version reaches
//! production only when its latest run passed (docs/adr/0010-quality-gates.md).
//!
//! A suite holds three kinds of checks: absolute thresholds on a metric, regression against the version in
//! production (not worse by more than a margin, in the metric's own direction), and the integrity of the
//! version's artifact file against what registration recorded. A check that cannot apply (no production
//! version to compare with, the version under test is the production one, no artifact recorded) is
//! *skipped*: it neither passes nor fails, and "N/M passed" counts only the checks that ran.
//!
//! This module is the pure part: suites validated, checks evaluated against numbers and a probed file.
//! Storing suites and runs, and the gate on deploys, are `modelops_core::gates`'s.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::checks::parse_metric;
use crate::error::{DomainError, Result};
use crate::types::{Artifact, CheckResult, Comparator, Metric, TestRun};
pub use crate::types::{ArtifactAspect, CheckKind, Outcome, SuiteCheck};

/// Most checks one suite holds: far more than anyone writes by hand, few enough to show on one screen.
pub const MAX_SUITE_CHECKS: usize = 50;
/// Most test runs one `list_test_runs` call returns.
pub const MAX_RUNS_PAGE: u32 = 100;
/// The largest relative regression margin (1000 %): beyond it the check no longer guards anything.
pub const MAX_MARGIN_REL: f64 = 10.0;

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

pub fn pass_or_fail(ok: bool) -> Outcome {
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

fn invalid(position: usize, check: &SuiteCheck, problem: String) -> DomainError {
    let what = match check.metric.as_deref() {
        Some(m) => format!("{} {m}", check.kind.as_str()),
        None => check.kind.as_str().to_owned(),
    };
    DomainError::InvalidInput(format!("Check {} ({what}): {problem}", position + 1))
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
        return Err(DomainError::InvalidInput(format!(
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
    Err(DomainError::InvalidInput(
        "A metric check needs a metric.".to_owned(),
    ))
}

// ----- storage -----
