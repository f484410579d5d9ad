//! What every operation reads and writes the same way: the model row and its SELECT, the state a write
//! decides on (and the check that it is still what the caller saw), versions, events and the audit append.
//! The base of the feature modules; it uses none of them.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{RegistryError, Result};
use crate::types::*;

/// The SELECT every model row comes from (public for the benchmarks' floors, which run the same text): one
/// read of `models`, whose triggers keep a copy of everything a row shows (schema 12; `LOOKED_UP` is what
/// each copy stands for).
pub const MODEL_SELECT: &str = "
    SELECT m.id, m.name, m.cur_version, m.status, m.cur_accuracy, m.cur_latency_ms, m.cur_throughput_rps,
           m.cur_uptime_pct, m.framework, m.cur_size_bytes, m.cur_ai_confidence, m.cur_error_rate,
           m.deployed_at, m.last_tested_at, m.prev_version, m.cur_checks_passed, m.cur_checks_total,
           m.cur_is_demo OR m.is_demo, m.remote_server, m.cur_metrics_known
    FROM models m";

/// The columns of `MODEL_SELECT` that are copies, looked up where they come from: what the SELECT read until
/// schema 12, kept to check the copies against (`Registry::copies_check`).
const LOOKED_UP: &str = "
    SELECT m.id, v.version, v.accuracy, v.latency_ms, v.throughput_rps, v.uptime_pct, v.size_bytes,
           v.ai_confidence, v.error_rate,
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
           lt.passed, lt.total, lt.passed = lt.total, v.is_demo,
           (SELECT r.server FROM remote_models r WHERE r.model_id = m.id),
           coalesce((SELECT rv.metrics_known FROM remote_versions rv WHERE rv.version_id = v.id), 1)
    FROM models m
    JOIN model_versions v ON v.id = m.current_version_id
    LEFT JOIN test_runs lt ON lt.id = (SELECT max(id) FROM test_runs WHERE version_id = v.id)";

/// The same columns as `LOOKED_UP`, from the copies in `models`.
const COPIED: &str = "
    SELECT m.id, m.cur_version, m.cur_accuracy, m.cur_latency_ms, m.cur_throughput_rps, m.cur_uptime_pct,
           m.cur_size_bytes, m.cur_ai_confidence, m.cur_error_rate, m.prev_version, m.cur_checks_passed,
           m.cur_checks_total, m.cur_test_passed, m.cur_is_demo, m.remote_server, m.cur_metrics_known
    FROM models m WHERE m.current_version_id IS NOT NULL";

const COPY_NAMES: [&str; 16] = [
    "id",
    "cur_version",
    "cur_accuracy",
    "cur_latency_ms",
    "cur_throughput_rps",
    "cur_uptime_pct",
    "cur_size_bytes",
    "cur_ai_confidence",
    "cur_error_rate",
    "prev_version",
    "cur_checks_passed",
    "cur_checks_total",
    "cur_test_passed",
    "cur_is_demo",
    "remote_server",
    "cur_metrics_known",
];

/// Every copy in `models` that differs from what it copies, one line each (`model-7 prev_version: copy
/// Text("1.0.0"), source Null`); none when the triggers kept them all.
pub fn copies_check(conn: &Connection) -> Result<Vec<String>> {
    let read =
        |sql: &str| -> Result<std::collections::BTreeMap<String, Vec<rusqlite::types::Value>>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| {
                let values = (1..COPY_NAMES.len())
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((r.get::<_, String>(0)?, values))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
    let (copied, looked_up) = (read(COPIED)?, read(LOOKED_UP)?);
    let mut wrong = Vec::new();
    for (id, source) in &looked_up {
        let Some(copy) = copied.get(id) else {
            wrong.push(format!("{id}: no copy"));
            continue;
        };
        for ((name, c), s) in COPY_NAMES[1..].iter().zip(copy).zip(source) {
            if c != s {
                wrong.push(format!("{id} {name}: copy {c:?}, source {s:?}"));
            }
        }
    }
    wrong.extend(
        copied
            .keys()
            .filter(|id| !looked_up.contains_key(*id))
            .map(|id| format!("{id}: a copy without a current version")),
    );
    Ok(wrong)
}

/// The summary's counts per status and latest test outcome, with the accuracy summed for the average.
pub const SUMMARY_SQL: &str = "SELECT status, cur_test_passed, count(*), total(cur_accuracy)
    FROM models INDEXED BY models_summary GROUP BY status, cur_test_passed";

pub fn model_from_row(r: &Row<'_>) -> rusqlite::Result<Model> {
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
        team_server: r.get(18)?,
        metrics_known: r.get(19)?,
    })
}

pub fn parse_status(col: usize, s: &str) -> rusqlite::Result<Status> {
    Status::parse(s).ok_or_else(|| bad_value(col, format!("unknown status {s:?}")))
}

pub fn bad_value(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

pub fn load_model(conn: &Connection, model_id: &str) -> Result<Model> {
    let mut stmt = conn.prepare_cached(&format!("{MODEL_SELECT} WHERE m.id = ?1"))?;
    stmt.query_row([model_id], model_from_row)
        .optional()?
        .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))
}

/// Refuses the write when the model is no longer in the state the caller decided on. Called inside the
/// write transaction, so nothing can change between this check and the write.
pub fn check_expected(
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
pub struct ModelState {
    pub status: Status,
    pub version_id: i64,
    pub version: String,
}

pub fn load_state(conn: &Connection, model_id: &str) -> Result<ModelState> {
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

pub fn load_thresholds(conn: &Connection, model_id: &str) -> Result<Thresholds> {
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

pub fn running_ab_test_of(conn: &Connection, model_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM ab_tests WHERE status = 'running' AND (model_a = ?1 OR model_b = ?1) LIMIT 1",
            [model_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn event_from_row(r: &Row<'_>) -> rusqlite::Result<Event> {
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

pub const EVENT_SELECT: &str =
    "SELECT e.id, e.at, e.model_id, e.action, e.from_status, e.to_status,
    e.from_version, e.to_version, e.detail, e.actor, e.reason, e.before_json, e.after_json, e.hash
    FROM events e";

/// Actions that put a version into an environment (staging or production).
/// 'synced': a production or staging move seen on the team server is a deployment too (schema 10).
pub const DEPLOYING_ACTIONS: &str = "('promoted', 'deployed', 'rolled_back', 'synced')";

/// Every version of a model, newest first, with where and when each was deployed.
pub fn load_versions(conn: &Connection, model_id: &str) -> Result<Vec<VersionInfo>> {
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
                v.artifact_path, v.artifact_size, v.artifact_sha256, v.notes, v.tags_json,
                coalesce(rv.metrics_known, 1)
         FROM model_versions v JOIN models m ON m.id = v.model_id
         LEFT JOIN remote_versions rv ON rv.version_id = v.id
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
            metrics_known: r.get(17)?,
            tags: tags
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The model's state as the audit log's before/after JSON.
pub fn snapshot(m: &Model) -> String {
    serde_json::json!({
        "status": m.status,
        "version": m.version,
        "deployedAt": m.deployed_at,
    })
    .to_string()
}

pub use modelops_store::audit::NewEvent;

pub fn insert_event(conn: &Connection, actor: &str, e: &NewEvent<'_>) -> Result<()> {
    crate::audit::append(conn, actor, e).map(|_| ())
}
