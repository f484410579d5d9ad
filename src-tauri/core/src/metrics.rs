//! Metric history: the points a version's metrics were recorded at (registration, import, each test run),
//! for the details view's charts.
//!
//! A version's values never change (versions are immutable), so a point says "at this time, this version
//! was measured / registered with this value". `record_version_metrics` is the only writer (besides the
//! backfill of migration 7); it reads the values from the version row, so a point cannot disagree with
//! the version it belongs to.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checks::metric_key;
use crate::error::{RegistryError, Result};
use crate::registry::Registry;
use crate::types::Metric;

/// The most points one `metric_history` call returns: the newest ones. 500 recordings of the six metrics
/// is a long history for a chart (a point every day for well over a year) and a few hundred kilobytes of
/// JSON; a model tested every few minutes by a script would otherwise send the page its whole history.
pub const MAX_METRIC_POINTS: u32 = 3000;

/// The metrics a version carries, as they are recorded in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TrackedMetric {
    Accuracy,
    Latency,
    Throughput,
    Uptime,
    AiConfidence,
    ErrorRate,
}

impl TrackedMetric {
    /// Every metric, in the order points are recorded and charts are shown.
    pub const ALL: [TrackedMetric; 6] = [
        TrackedMetric::Accuracy,
        TrackedMetric::Latency,
        TrackedMetric::Throughput,
        TrackedMetric::Uptime,
        TrackedMetric::AiConfidence,
        TrackedMetric::ErrorRate,
    ];

    /// The stored key: the checks' key where the metric is checked, so the two never drift apart.
    pub fn key(self) -> &'static str {
        match self {
            TrackedMetric::Accuracy => metric_key(Metric::Accuracy),
            TrackedMetric::Latency => metric_key(Metric::Latency),
            TrackedMetric::Throughput => "throughput",
            TrackedMetric::Uptime => metric_key(Metric::Uptime),
            TrackedMetric::AiConfidence => metric_key(Metric::AiConfidence),
            TrackedMetric::ErrorRate => metric_key(Metric::ErrorRate),
        }
    }

    pub fn parse(key: &str) -> Option<TrackedMetric> {
        TrackedMetric::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The `model_versions` column holding this metric.
    fn column(self) -> &'static str {
        match self {
            TrackedMetric::Accuracy => "accuracy",
            TrackedMetric::Latency => "latency_ms",
            TrackedMetric::Throughput => "throughput_rps",
            TrackedMetric::Uptime => "uptime_pct",
            TrackedMetric::AiConfidence => "ai_confidence",
            TrackedMetric::ErrorRate => "error_rate",
        }
    }
}

/// What recorded a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MetricSource {
    Registration,
    TestRun,
    Import,
    /// Written by migration 7 for versions registered before the history existed.
    Backfill,
}

impl MetricSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricSource::Registration => "registration",
            MetricSource::TestRun => "test_run",
            MetricSource::Import => "import",
            MetricSource::Backfill => "backfill",
        }
    }

    pub fn parse(s: &str) -> Option<MetricSource> {
        [
            MetricSource::Registration,
            MetricSource::TestRun,
            MetricSource::Import,
            MetricSource::Backfill,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// What a write records points for. A test run always names its run; backfill is the migration's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    Registration,
    TestRun(i64),
    Import,
}

/// One recorded value of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MetricPoint {
    pub at: DateTime<Utc>,
    pub version: String,
    pub metric: TrackedMetric,
    pub value: f64,
    pub source: MetricSource,
    /// The test run that recorded the point (source `test_run` only).
    #[ts(type = "number | null")]
    pub test_run_id: Option<i64>,
}

/// A model's metric history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MetricHistory {
    pub model_id: String,
    /// Oldest first. When the model has more than `limit` points, only the newest `limit`.
    pub points: Vec<MetricPoint>,
    /// How many points the model has in all; more than `points.len()` when the history was cut.
    pub total: u32,
    /// The cap on `points` (`MAX_METRIC_POINTS`).
    pub limit: u32,
    /// The latest point of each metric of each version, versions in registration order. Not cut by
    /// `limit` (six points per version), so versions older than the newest points still appear.
    pub latest_by_version: Vec<MetricPoint>,
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
    let (model_id, values): (String, [f64; 6]) = tx.query_row(
        &format!("SELECT model_id, {columns} FROM model_versions WHERE id = ?1"),
        [version_id],
        |r| {
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
        },
    )?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_checked_metric_is_tracked_under_the_same_key() {
        for m in [
            Metric::Accuracy,
            Metric::Latency,
            Metric::ErrorRate,
            Metric::Uptime,
            Metric::AiConfidence,
        ] {
            let tracked = TrackedMetric::parse(metric_key(m)).expect("tracked");
            // The wire names agree too, so the page can match a check to its chart.
            assert_eq!(
                serde_json::to_value(tracked).ok(),
                serde_json::to_value(m).ok()
            );
        }
        assert_eq!(
            TrackedMetric::parse("throughput"),
            Some(TrackedMetric::Throughput)
        );
    }
}
