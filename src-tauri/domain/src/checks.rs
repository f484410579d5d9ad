//! The five fixed threshold checks that "Run tests" ran before test suites (`gates.rs`) replaced them; the
//! synthetic-registry generator still writes its runs with them. Nothing here is random or fixed: the outcome
//! follows from the stored numbers. The metric and comparator keys are the stored ones.

use crate::types::{Comparator, Metric, Thresholds};

/// One threshold check's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdCheck {
    pub metric: Metric,
    pub comparator: Comparator,
    pub observed: f64,
    pub threshold: f64,
    pub passed: bool,
}

/// The metrics of one version, as checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    pub accuracy: f64,
    pub latency: f64,
    pub error_rate: f64,
    pub uptime: f64,
    pub ai_confidence: f64,
}

/// One check per metric, in a fixed order. A value exactly at its threshold passes.
pub fn evaluate(observed: &Observed, t: &Thresholds) -> Vec<ThresholdCheck> {
    let specs = [
        (
            Metric::Accuracy,
            Comparator::AtLeast,
            observed.accuracy,
            t.min_accuracy,
        ),
        (
            Metric::Latency,
            Comparator::AtMost,
            observed.latency,
            t.max_latency,
        ),
        (
            Metric::ErrorRate,
            Comparator::AtMost,
            observed.error_rate,
            t.max_error_rate,
        ),
        (
            Metric::Uptime,
            Comparator::AtLeast,
            observed.uptime,
            t.min_uptime,
        ),
        (
            Metric::AiConfidence,
            Comparator::AtLeast,
            observed.ai_confidence,
            t.min_ai_confidence,
        ),
    ];
    specs
        .into_iter()
        .map(|(metric, comparator, value, threshold)| ThresholdCheck {
            metric,
            comparator,
            observed: value,
            threshold,
            passed: match comparator {
                Comparator::AtLeast => value >= threshold,
                Comparator::AtMost => value <= threshold,
            },
        })
        .collect()
}

pub fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::Accuracy => "accuracy",
        Metric::Latency => "latency",
        Metric::ErrorRate => "errorRate",
        Metric::Uptime => "uptime",
        Metric::AiConfidence => "aiConfidence",
    }
}

pub fn parse_metric(s: &str) -> Option<Metric> {
    [
        Metric::Accuracy,
        Metric::Latency,
        Metric::ErrorRate,
        Metric::Uptime,
        Metric::AiConfidence,
    ]
    .into_iter()
    .find(|m| metric_key(*m) == s)
}

pub fn comparator_key(c: Comparator) -> &'static str {
    match c {
        Comparator::AtLeast => ">=",
        Comparator::AtMost => "<=",
    }
}
