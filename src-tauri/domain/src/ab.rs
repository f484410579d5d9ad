//! A/B tests without storage: the analysis configuration of a test, whether it may still change, and the
//! results files users import (`docs/ab-results-format.md`), parsed and checked. The lifecycle of a test in
//! the registry is `modelops_core::ab`'s.
//!
//! ModelOps routes no traffic. Results exist only as files the user imports; nothing is generated here, and a
//! file that says its numbers are simulated is marked so (`AbResultsFile::simulated`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{DomainError, Result};
use crate::stats::{self, AbAnalysis, AbAnalysisConfig, VariantResults, Verdict};
pub use crate::types::{AbOutcome, AbVariant, AbVariantData, AbWinner};
use crate::types::{AbTest, AbTestStatus};

/// Default smallest difference worth detecting: one percentage point of success rate.
pub const DEFAULT_MIN_DETECTABLE_EFFECT: f64 = 0.01;
pub const DEFAULT_ALPHA: f64 = 0.05;
pub const DEFAULT_POWER: f64 = 0.8;

/// Largest results file read. Counts take a few bytes; this leaves room for about two million latency
/// samples while keeping a wrong pick (a video, a database dump) from being read into memory.
pub const MAX_RESULTS_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Most latency samples per variant: Mann–Whitney sorts them all, and they are stored in the registry.
pub const MAX_LATENCY_SAMPLES: usize = 1_000_000;

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

impl AbOutcome {
    /// A winner only where the analysis found one; "not decision-grade" ends as inconclusive.
    pub fn from_verdict(v: Verdict) -> AbOutcome {
        match v {
            Verdict::AWins => AbOutcome::AWins,
            Verdict::BWins => AbOutcome::BWins,
            Verdict::Inconclusive | Verdict::NotDecisionGrade => AbOutcome::Inconclusive,
        }
    }
}

/// A parsed and validated results file.
#[derive(Debug, Clone, PartialEq)]
pub struct AbResultsFile {
    pub a: VariantResults,
    pub b: VariantResults,
    pub simulated: bool,
}

pub fn ensure_running(test: &AbTest, action: &str) -> Result<()> {
    match test.status {
        AbTestStatus::Running => Ok(()),
        AbTestStatus::Concluded => Err(DomainError::Conflict(format!(
            "Can't {action} A/B test {}: it is already concluded.",
            test.id
        ))),
        AbTestStatus::Aborted => Err(DomainError::Conflict(format!(
            "Can't {action} A/B test {}: it was aborted.",
            test.id
        ))),
    }
}

pub fn config_of(test: &AbTest) -> AbAnalysisConfig {
    AbAnalysisConfig {
        traffic_split_b: f64::from(test.traffic_split) / 100.0,
        alpha: test.alpha,
        min_detectable_effect: test.min_detectable_effect,
        power: test.power,
    }
}

/// The analysis configuration of a new test, defaults filled in and validated.
pub fn new_test_config(
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

// ----- the results file -----

fn invalid(file: &str, msg: impl std::fmt::Display) -> DomainError {
    DomainError::InvalidInput(format!("{file}: {msg}"))
}

/// Reads and checks a results file: `.json` or `.csv` (docs/ab-results-format.md).
pub fn read_results_file(path: &Path) -> Result<AbResultsFile> {
    if !path.is_absolute() {
        return Err(DomainError::InvalidInput(format!(
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
        .map_err(|e| DomainError::io(format!("Can't read {}", path.display()), e))?;
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
        .map_err(|e| DomainError::io(format!("Can't read {}", path.display()), e))?;
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
