//! The metric history's wire types: which metrics are tracked, where a point came from, and the history
//! the details view charts (see `modelops_core::metrics` for recording and reading them).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checks::metric_key;
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
    pub fn column(self) -> &'static str {
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
