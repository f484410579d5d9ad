//! Import of the legacy app's JSON files (`data/models.json`, `data/ab_tests.json`, the shapes of
//! shared/seed/modelops-backend-integration.md): first a plan of what would be created or updated, then
//! the same plan applied in one transaction. Applying a file twice changes nothing the second time.
//!
//! Accepted shapes for models.json: an object of id → model, an array of models, or `{ "models": [...] }`
//! (the legacy GET response). Fields are the legacy camelCase (`aiConfidence`) or snake_case. Sizes are the
//! legacy strings ("2.5GB"). ab_tests.json: an object of id → test or an array, with `test_id`, `model_a`,
//! `model_b`, `traffic_split`, `started_at`, optional `status`.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

pub use modelops_domain::import::*;

use crate::error::{RegistryError, Result};
use crate::metrics::{record_version_metrics, Recorded};
use crate::registry::Registry;
use crate::rows::{insert_event, load_model, snapshot, NewEvent};
use crate::task::{Task, TaskPhase};
use crate::types::{EventAction, Metrics, Status};

#[derive(Debug, Clone, Deserialize)]
struct LegacyModel {
    id: Option<String>,
    name: String,
    version: String,
    status: String,
    accuracy: f64,
    latency: f64,
    throughput: f64,
    uptime: f64,
    framework: String,
    size: Option<serde_json::Value>,
    #[serde(alias = "ai_confidence", rename = "aiConfidence")]
    ai_confidence: f64,
    #[serde(alias = "error_rate", rename = "errorRate")]
    error_rate: f64,
    #[serde(default, alias = "deployed_at", rename = "deployedAt")]
    deployed_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct LegacyAbTest {
    #[serde(alias = "id")]
    test_id: Option<String>,
    model_a: String,
    model_b: String,
    traffic_split: i64,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

fn read(path: &str) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RegistryError::InvalidInput(format!("Can't read {path}: {e}.")))?;
    serde_json::from_str(&text).map_err(|e| {
        RegistryError::InvalidInput(format!(
            "{path} is not valid JSON: {e} (line {}, column {}).",
            e.line(),
            e.column()
        ))
    })
}

/// The entries of an object-of-id or an array, with a label saying where each came from.
fn entries(
    doc: serde_json::Value,
    file: &str,
    wrapper: &str,
) -> Result<Vec<(String, Option<String>, serde_json::Value)>> {
    let doc = match doc {
        serde_json::Value::Object(mut o) if o.get(wrapper).is_some_and(|v| v.is_array()) => {
            o.remove(wrapper).unwrap_or_default()
        }
        other => other,
    };
    match doc {
        serde_json::Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("{file}: entry {}", i + 1), None, v))
            .collect()),
        serde_json::Value::Object(o) => Ok(o
            .into_iter()
            .map(|(k, v)| (format!("{file}: \"{k}\""), Some(k), v))
            .collect()),
        _ => Err(RegistryError::InvalidInput(format!(
            "{file} must hold an object of id → entry or an array of entries."
        ))),
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

/// "2.5GB", "850MB", 1200 → bytes (decimal units, like the legacy app).
fn parse_size(v: Option<&serde_json::Value>) -> Option<i64> {
    match v? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => {
            let s = s.trim();
            let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
            let (num, unit) = s.split_at(split);
            let n: f64 = num.trim().parse().ok()?;
            let scale = match unit.trim().to_ascii_uppercase().as_str() {
                "" | "B" => 1.0,
                "KB" => 1e3,
                "MB" => 1e6,
                "GB" => 1e9,
                "TB" => 1e12,
                _ => return None,
            };
            Some((n * scale).round() as i64)
        }
        _ => None,
    }
}

/// A legacy model, validated.
struct Incoming {
    id: String,
    name: String,
    version: String,
    status: Status,
    metrics: Metrics,
    framework: String,
    size_bytes: i64,
    deployed_at: Option<DateTime<Utc>>,
}

fn models_from(req: &ImportRequest) -> Result<Vec<Incoming>> {
    let file = req.models_path.as_str();
    let mut out: Vec<Incoming> = Vec::new();
    for (place, key, value) in entries(read(file)?, file, "models")? {
        let m: LegacyModel = serde_json::from_value(value)
            .map_err(|e| RegistryError::InvalidInput(format!("{place}: {e}.")))?;
        let id =
            m.id.clone()
                .or(key)
                .ok_or_else(|| RegistryError::InvalidInput(format!("{place}: no id.")))?;
        let bad = |what: String| RegistryError::InvalidInput(format!("{place} ({id}): {what}."));
        let status = Status::parse(&m.status)
            .ok_or_else(|| bad(format!("unknown status \"{}\"", m.status)))?;
        semver::Version::parse(m.version.trim())
            .map_err(|_| bad(format!("\"{}\" is not a semantic version", m.version)))?;
        let metrics = Metrics {
            accuracy: m.accuracy,
            latency: m.latency,
            throughput: m.throughput,
            uptime: m.uptime,
            ai_confidence: m.ai_confidence,
            error_rate: m.error_rate,
        };
        for (name, v, lo, hi) in [
            ("accuracy", m.accuracy, 0.0, 1.0),
            ("aiConfidence", m.ai_confidence, 0.0, 1.0),
            ("errorRate", m.error_rate, 0.0, 1.0),
            ("uptime", m.uptime, 0.0, 100.0),
            ("latency", m.latency, 0.0, f64::MAX),
            ("throughput", m.throughput, 0.0, f64::MAX),
        ] {
            if !v.is_finite() || v < lo || v > hi {
                return Err(bad(format!("{name} {v} is out of range")));
            }
        }
        if m.name.trim().is_empty() {
            return Err(bad("empty name".into()));
        }
        let size_bytes = match m.size.as_ref() {
            None => 0,
            Some(v) => {
                parse_size(Some(v)).ok_or_else(|| bad(format!("size {v} is not like \"2.5GB\"")))?
            }
        };
        let deployed_at = match m.deployed_at.as_deref() {
            None | Some("") => None,
            Some(t) => Some(
                parse_time(t).ok_or_else(|| bad(format!("deployedAt \"{t}\" is not a date")))?,
            ),
        };
        if out.iter().any(|o| o.id == id) {
            return Err(bad("the id appears twice".into()));
        }
        out.push(Incoming {
            id,
            name: m.name.trim().to_owned(),
            version: m.version.trim().to_owned(),
            status,
            metrics,
            framework: m.framework,
            size_bytes,
            deployed_at,
        });
    }
    Ok(out)
}

fn ab_tests_from(req: &ImportRequest) -> Result<Vec<(String, LegacyAbTest)>> {
    let Some(file) = req.ab_tests_path.as_deref().filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (place, key, value) in entries(read(file)?, file, "ab_tests")? {
        let t: LegacyAbTest = serde_json::from_value(value)
            .map_err(|e| RegistryError::InvalidInput(format!("{place}: {e}.")))?;
        let id = t
            .test_id
            .clone()
            .or(key)
            .ok_or_else(|| RegistryError::InvalidInput(format!("{place}: no test_id.")))?;
        if !(1..=99).contains(&t.traffic_split) || t.model_a == t.model_b {
            return Err(RegistryError::InvalidInput(format!(
                "{place} ({id}): a test needs two different models and a split of 1–99."
            )));
        }
        out.push((id, t));
    }
    Ok(out)
}

/// Decides, inside `tx`, what importing would do; with `apply`, does it.
fn run(
    reg: &Registry,
    tx: &Connection,
    req: &ImportRequest,
    apply: bool,
    task: &Task<'_>,
) -> Result<ImportPlan> {
    let models = models_from(req)?;
    let tests = ab_tests_from(req)?;
    let meter = task.start(TaskPhase::Importing, (models.len() + tests.len()) as u64);
    let now = Utc::now();
    let mut items = Vec::new();
    for m in &models {
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT m.name, m.status FROM models m WHERE m.id = ?1",
                [&m.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((_, status)) = existing else {
            if let Some(other) = tx
                .query_row("SELECT id FROM models WHERE name = ?1", [&m.name], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
            {
                return Err(RegistryError::Conflict(format!(
                    "{}: the name \"{}\" belongs to {other} already.",
                    m.id, m.name
                )));
            }
            items.push(ImportItem {
                kind: "model".into(),
                id: m.id.clone(),
                name: m.name.clone(),
                action: ImportAction::Create,
                changes: vec![format!(
                    "new model, version {} in {}",
                    m.version,
                    m.status.as_str()
                )],
            });
            if apply {
                create_model(reg, tx, m, now)?;
            }
            meter.advance(1)?;
            continue;
        };
        let has_version: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM model_versions WHERE model_id = ?1 AND version = ?2)",
            params![m.id, m.version],
            |r| r.get(0),
        )?;
        let current = load_model(tx, &m.id)?;
        let mut changes = Vec::new();
        if !has_version {
            changes.push(format!(
                "new version {} (current {})",
                m.version, current.version
            ));
        } else if current.version != m.version {
            changes.push(format!(
                "current version {} → {}",
                current.version, m.version
            ));
        }
        if status != m.status.as_str() {
            changes.push(format!("status {status} → {}", m.status.as_str()));
        }
        let action = if changes.is_empty() {
            ImportAction::Unchanged
        } else {
            ImportAction::Update
        };
        items.push(ImportItem {
            kind: "model".into(),
            id: m.id.clone(),
            name: m.name.clone(),
            action,
            changes,
        });
        if apply && action == ImportAction::Update {
            update_model(reg, tx, m, has_version, now)?;
        }
        meter.advance(1)?;
    }
    // Models in a running test, from the registry and from this import's tests so far: a model is in at most
    // one running test (migration 5 enforces it in SQL too), so a clash is refused up front with its name.
    let mut running_models: Vec<(String, String)> = Vec::new();
    for (id, t) in &tests {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM ab_tests WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        let planned_models: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        for side in [&t.model_a, &t.model_b] {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM models WHERE id = ?1)",
                [side],
                |r| r.get(0),
            )?;
            if !known && !planned_models.contains(&side.as_str()) {
                return Err(RegistryError::InvalidInput(format!(
                    "A/B test {id}: model {side} is neither in the registry nor in the import."
                )));
            }
        }
        let running = t.status.as_deref().is_none_or(|s| s == "running");
        if running && !exists {
            for side in [&t.model_a, &t.model_b] {
                let in_registry: Option<String> = tx
                    .query_row(
                        "SELECT id FROM ab_tests WHERE status = 'running' AND (model_a = ?1 OR model_b = ?1)",
                        [side],
                        |r| r.get(0),
                    )
                    .optional()?;
                let other = in_registry.or_else(|| {
                    running_models
                        .iter()
                        .find(|(m, _)| m == side)
                        .map(|(_, test)| test.clone())
                });
                if let Some(other) = other {
                    return Err(RegistryError::Conflict(format!(
                        "A/B test {id}: model {side} is already in the running A/B test {other}; a model is in at \
                         most one running test."
                    )));
                }
            }
            running_models.push((t.model_a.clone(), id.clone()));
            running_models.push((t.model_b.clone(), id.clone()));
        }
        items.push(ImportItem {
            kind: "abTest".into(),
            id: id.clone(),
            name: format!("{} vs {} ({}% to B)", t.model_a, t.model_b, t.traffic_split),
            action: if exists {
                ImportAction::Unchanged
            } else {
                ImportAction::Create
            },
            changes: if exists {
                vec![]
            } else {
                vec![if running {
                    "running".into()
                } else {
                    "aborted".into()
                }]
            },
        });
        if apply && !exists {
            let started = t.started_at.as_deref().and_then(parse_time).unwrap_or(now);
            tx.execute(
                "INSERT INTO ab_tests (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status, started_at, ended_at, abort_reason)
                 SELECT ?1, a.id, a.current_version_id, b.id, b.current_version_id, ?2, ?3, ?4, ?5, ?8
                 FROM models a, models b WHERE a.id = ?6 AND b.id = ?7",
                params![id, t.traffic_split, if running { "running" } else { "aborted" }, started, if running { None } else { Some(now) }, t.model_a, t.model_b,
                    // The legacy app recorded no results or verdict for a test that ended.
                    (!running).then_some("Ended in the legacy app, which recorded no results or verdict.")],
            )?;
        }
        meter.advance(1)?;
    }
    meter.finish()?;
    let count = |a: ImportAction| items.iter().filter(|i| i.action == a).count() as u32;
    Ok(ImportPlan {
        creates: count(ImportAction::Create),
        updates: count(ImportAction::Update),
        unchanged: count(ImportAction::Unchanged),
        items,
    })
}

const IMPORT_NOTE: &str = "imported from the legacy models.json";

fn create_model(reg: &Registry, tx: &Connection, m: &Incoming, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO models (id, name, framework, status, deployed_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.id, m.name, m.framework, m.status.as_str(), m.deployed_at, now],
    )?;
    let vid = insert_version(tx, m, 1, now)?;
    record_version_metrics(tx, vid, Recorded::Import, now)?;
    tx.execute(
        "UPDATE models SET current_version_id = ?1 WHERE id = ?2",
        params![vid, m.id],
    )?;
    let after = load_model(tx, &m.id)?;
    insert_event(
        tx,
        reg.actor(),
        &NewEvent {
            to_status: Some(m.status),
            to_version: Some(&m.version),
            detail: Some(IMPORT_NOTE),
            after: Some(snapshot(&after)),
            ..NewEvent::new(now, &m.id, EventAction::Registered)
        },
    )?;
    if let (Some(at), true) = (
        m.deployed_at,
        matches!(m.status, Status::Staging | Status::Production),
    ) {
        let action = if m.status == Status::Production {
            EventAction::Deployed
        } else {
            EventAction::Promoted
        };
        insert_event(
            tx,
            reg.actor(),
            &NewEvent {
                to_status: Some(m.status),
                to_version: Some(&m.version),
                detail: Some(IMPORT_NOTE),
                ..NewEvent::new(at.min(now), &m.id, action)
            },
        )?;
    }
    Ok(())
}

fn update_model(
    reg: &Registry,
    tx: &Connection,
    m: &Incoming,
    has_version: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = load_model(tx, &m.id)?;
    let vid = if has_version {
        tx.query_row(
            "SELECT id FROM model_versions WHERE model_id = ?1 AND version = ?2",
            params![m.id, m.version],
            |r| r.get::<_, i64>(0),
        )?
    } else {
        let seq: i64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM model_versions WHERE model_id = ?1",
            [&m.id],
            |r| r.get(0),
        )?;
        let vid = insert_version(tx, m, seq, now)?;
        record_version_metrics(tx, vid, Recorded::Import, now)?;
        vid
    };
    tx.execute(
        "UPDATE models SET current_version_id = ?1, status = ?2, deployed_at = coalesce(?3, deployed_at) WHERE id = ?4",
        params![vid, m.status.as_str(), m.deployed_at, m.id],
    )?;
    let after = load_model(tx, &m.id)?;
    let action = if has_version {
        EventAction::RolledBack
    } else {
        EventAction::Registered
    };
    insert_event(
        tx,
        reg.actor(),
        &NewEvent {
            from_status: Some(before.status),
            to_status: Some(m.status),
            from_version: Some(&before.version),
            to_version: Some(&m.version),
            detail: Some(IMPORT_NOTE),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            ..NewEvent::new(now, &m.id, action)
        },
    )?;
    Ok(())
}

fn insert_version(tx: &Connection, m: &Incoming, seq: i64, now: DateTime<Utc>) -> Result<i64> {
    let x = &m.metrics;
    tx.execute(
        "INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
             ai_confidence, error_rate, size_bytes, created_at, version_key, framework, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            m.id, m.version, seq, x.accuracy, x.latency, x.throughput, x.uptime, x.ai_confidence, x.error_rate,
            m.size_bytes, now, crate::version::sort_key(&m.version), m.framework, IMPORT_NOTE
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

impl Registry {
    /// What importing the legacy files would create, update or leave alone. Changes nothing.
    pub fn preview_import(&self, req: &ImportRequest) -> Result<ImportPlan> {
        self.read(|tx| run(self, tx, req, false, &Task::none()))
    }

    /// Imports the legacy files, all or nothing, and returns what was done.
    pub fn apply_import(&self, req: &ImportRequest) -> Result<ImportPlan> {
        self.apply_import_with(req, &Task::none())
    }

    /// `apply_import`, reporting items applied; a cancelled import rolls its transaction back, so the
    /// registry is as it was.
    pub fn apply_import_with(&self, req: &ImportRequest, task: &Task<'_>) -> Result<ImportPlan> {
        self.write(|tx| run(self, tx, req, true, task))
    }
}
