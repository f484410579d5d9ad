//! Metric history: the points a version's metrics were recorded at (registration, import, each test run),
//! for the details view's charts.
//!
//! A version's values never change (versions are immutable), so a point says "at this time, this version
//! was measured / registered with this value". `record_version_metrics` is the only writer (besides the
//! backfill of migration 7); it reads the values from the version row, so a point cannot disagree with
//! the version it belongs to.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

pub use modelops_domain::metrics::*;

use crate::error::{RegistryError, Result};
use crate::registry::Registry;

/// What a write records points for. A test run always names its run; backfill is the migration's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    Registration,
    TestRun(i64),
    Import,
}

/// Records the six metrics of version `version_id`, as stored on it, at `at`. Call it in the transaction
/// that registers, imports or tests the version.
pub(crate) fn record_version_metrics(
    tx: &Connection,
    version_id: i64,
    source: Recorded,
    at: DateTime<Utc>,
) -> Result<()> {
    let columns = TrackedMetric::ALL.map(TrackedMetric::column).join(", ");
    // Cached: a pull registers thousands of versions in one go.
    let (model_id, values): (String, [f64; 6]) = tx
        .prepare_cached(&format!(
            "SELECT model_id, {columns} FROM model_versions WHERE id = ?1"
        ))?
        .query_row([version_id], |r| {
            Ok((
                r.get(0)?,
                [
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ],
            ))
        })?;
    let (source, test_run_id) = match source {
        Recorded::Registration => (MetricSource::Registration, None),
        Recorded::TestRun(run_id) => (MetricSource::TestRun, Some(run_id)),
        Recorded::Import => (MetricSource::Import, None),
    };
    let mut insert = tx.prepare_cached(
        "INSERT INTO metric_points (model_id, version_id, metric, value, recorded_at, source, test_run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (metric, value) in TrackedMetric::ALL.into_iter().zip(values) {
        insert.execute(params![
            model_id,
            version_id,
            metric.key(),
            value,
            at,
            source.as_str(),
            test_run_id
        ])?;
    }
    Ok(())
}

const POINT_COLUMNS: &str = "p.recorded_at, v.version, p.metric, p.value, p.source, p.test_run_id";

fn point_from_row(r: &Row<'_>) -> rusqlite::Result<MetricPoint> {
    let bad = |col: usize, what: &str, v: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            format!("unknown {what} {v:?}").into(),
        )
    };
    let metric: String = r.get(2)?;
    let source: String = r.get(4)?;
    Ok(MetricPoint {
        at: r.get(0)?,
        version: r.get(1)?,
        metric: TrackedMetric::parse(&metric).ok_or_else(|| bad(2, "metric", &metric))?,
        value: r.get(3)?,
        source: MetricSource::parse(&source).ok_or_else(|| bad(4, "metric source", &source))?,
        test_run_id: r.get(5)?,
    })
}

impl Registry {
    /// The model's metric history: its newest `MAX_METRIC_POINTS` points, oldest first, and the latest
    /// value of each metric of each version.
    pub fn metric_history(&self, model_id: &str) -> Result<MetricHistory> {
        self.read(|tx| {
            let known = tx
                .query_row("SELECT 1 FROM models WHERE id = ?1", [model_id], |_| Ok(()))
                .optional()?;
            if known.is_none() {
                return Err(RegistryError::ModelNotFound(model_id.to_owned()));
            }
            let total: u32 = tx.query_row(
                "SELECT count(*) FROM metric_points WHERE model_id = ?1",
                [model_id],
                |r| r.get(0),
            )?;
            // Newest first through the (model_id, recorded_at) index, then turned around for the charts.
            let mut points = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {POINT_COLUMNS} FROM metric_points p
                     JOIN model_versions v ON v.id = p.version_id
                     WHERE p.model_id = ?1 ORDER BY p.recorded_at DESC, p.id DESC LIMIT ?2"
                ))?;
                let rows = stmt.query_map(params![model_id, MAX_METRIC_POINTS], point_from_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            points.reverse();
            let latest_by_version = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {POINT_COLUMNS}, v.seq FROM model_versions v
                     JOIN metric_points p ON p.id = (
                         SELECT q.id FROM metric_points q WHERE q.version_id = v.id AND q.metric = ?2
                         ORDER BY q.recorded_at DESC, q.id DESC LIMIT 1)
                     WHERE v.model_id = ?1"
                ))?;
                let mut keyed = Vec::new();
                for (position, metric) in TrackedMetric::ALL.into_iter().enumerate() {
                    let rows = stmt.query_map(params![model_id, metric.key()], |r| {
                        Ok((r.get::<_, i64>(6)?, position, point_from_row(r)?))
                    })?;
                    for row in rows {
                        keyed.push(row?);
                    }
                }
                keyed.sort_by_key(|(seq, position, _)| (*seq, *position));
                keyed.into_iter().map(|(_, _, p)| p).collect()
            };
            Ok(MetricHistory {
                model_id: model_id.to_owned(),
                points,
                total,
                limit: MAX_METRIC_POINTS,
                latest_by_version,
            })
        })
    }
}
