//! Issue 6: metric history. Registration, test runs and legacy imports record one point per metric; a
//! schema-4 registry is backfilled on upgrade; the history query is bounded.

use std::path::Path;

use modelops_core::import::ImportRequest;
use modelops_core::metrics::{MetricHistory, MetricSource, TrackedMetric, MAX_METRIC_POINTS};
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry};
use rusqlite::Connection;

mod common;
use common::metrics;

fn value_of(m: &Metrics, metric: TrackedMetric) -> f64 {
    match metric {
        TrackedMetric::Accuracy => m.accuracy,
        TrackedMetric::Latency => m.latency,
        TrackedMetric::Throughput => m.throughput,
        TrackedMetric::Uptime => m.uptime,
        TrackedMetric::AiConfidence => m.ai_confidence,
        TrackedMetric::ErrorRate => m.error_rate,
    }
}

fn register(reg: &Registry, name: &str) -> String {
    reg.register_model(&RegisterModelRequest {
        name: name.into(),
        framework: "ONNX".into(),
        version: "1.0.0".into(),
        metrics: metrics(),
        size_bytes: None,
        artifact_path: None,
        notes: None,
        tags: vec![],
    })
    .unwrap()
    .model
    .id
}

fn register_version(reg: &Registry, model_id: &str, version: &str, m: Metrics) {
    reg.register_version(&RegisterVersionRequest {
        model_id: model_id.into(),
        version: version.into(),
        framework: None,
        metrics: m,
        size_bytes: None,
        artifact_path: None,
        notes: None,
        tags: vec![],
    })
    .unwrap();
}

/// The points of `h` with `source`, as (version, metric, value).
fn of_source(h: &MetricHistory, source: MetricSource) -> Vec<(&str, TrackedMetric, f64)> {
    h.points
        .iter()
        .filter(|p| p.source == source)
        .map(|p| (p.version.as_str(), p.metric, p.value))
        .collect()
}

fn expected<'a>(version: &'a str, m: &Metrics) -> Vec<(&'a str, TrackedMetric, f64)> {
    TrackedMetric::ALL
        .into_iter()
        .map(|metric| (version, metric, value_of(m, metric)))
        .collect()
}

#[test]
fn registration_records_one_point_per_metric() {
    let reg = Registry::open_in_memory_empty().unwrap();
    let id = register(&reg, "Churn");
    let h = reg.metric_history(&id).unwrap();
    assert_eq!(h.model_id, id);
    assert_eq!((h.points.len(), h.total), (6, 6));
    assert_eq!(
        of_source(&h, MetricSource::Registration),
        expected("1.0.0", &metrics())
    );
    assert!(h.points.iter().all(|p| p.test_run_id.is_none()));
    let registered_at = reg.model_details(&id).unwrap().versions[0].created_at;
    let at = h.points[0].at;
    assert!(
        (at - registered_at).num_seconds().abs() < 5,
        "{at} vs {registered_at}"
    );

    let better = Metrics {
        accuracy: 0.97,
        latency: 30.0,
        ..metrics()
    };
    register_version(&reg, &id, "1.1.0", better);
    let h = reg.metric_history(&id).unwrap();
    assert_eq!(h.points.len(), 12);
    let mut both = expected("1.0.0", &metrics());
    both.extend(expected("1.1.0", &better));
    assert_eq!(of_source(&h, MetricSource::Registration), both);
    assert!(
        h.points.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    // One latest point per metric per version, versions in registration order.
    let latest: Vec<_> = h
        .latest_by_version
        .iter()
        .map(|p| (p.version.as_str(), p.metric, p.value))
        .collect();
    assert_eq!(latest, both);
}

#[test]
fn a_test_run_records_points_with_its_run_id() {
    let reg = Registry::open_in_memory_empty().unwrap();
    let id = register(&reg, "Churn");
    let run = reg.run_tests(&id).unwrap();
    let h = reg.metric_history(&id).unwrap();
    assert_eq!(h.points.len(), 12);
    let tested: Vec<_> = h.points[6..].iter().collect();
    assert!(tested.iter().all(|p| p.source == MetricSource::TestRun
        && p.test_run_id == Some(run.id)
        && p.at == run.run_at
        && p.version == "1.0.0"));
    assert_eq!(
        of_source(&h, MetricSource::TestRun),
        expected("1.0.0", &metrics())
    );
    // The points hold what the checks observed (every check of the default suite is a threshold on a metric).
    assert!(!run.checks.is_empty());
    for c in &run.checks {
        let (Some(metric), Some(observed)) = (c.metric, c.observed) else {
            panic!("a default-suite check without a metric or an observed value: {c:?}");
        };
        let key = serde_json::to_value(metric).unwrap();
        let point = tested
            .iter()
            .find(|p| serde_json::to_value(p.metric).unwrap() == key)
            .unwrap_or_else(|| panic!("no point for the checked metric {key}"));
        assert_eq!(point.value, observed);
    }
    // The latest point per version is now the test run's.
    assert!(h
        .latest_by_version
        .iter()
        .all(|p| p.test_run_id == Some(run.id)));

    // A refused test (archived model) records nothing.
    reg.archive(&id).unwrap();
    let before = reg.content_fingerprint().unwrap();
    assert_eq!(
        reg.run_tests(&id).unwrap_err().code(),
        ErrorCode::IllegalTransition
    );
    assert!(reg.content_fingerprint().unwrap() == before);
    assert_eq!(reg.metric_history(&id).unwrap().total, 12);
}

#[test]
fn a_legacy_import_records_points_with_source_import_once() {
    let reg = Registry::open_in_memory().unwrap();
    let models = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/legacy/models.json")
        .display()
        .to_string();
    let req = ImportRequest {
        models_path: models,
        ab_tests_path: None,
    };
    reg.apply_import(&req).unwrap();
    let m7 = reg.get_model("model-7").unwrap();
    let h = reg.metric_history("model-7").unwrap();
    assert_eq!(h.points.len(), 6);
    assert!(h.points.iter().all(|p| p.source == MetricSource::Import));
    let imported = Metrics {
        accuracy: m7.accuracy,
        latency: m7.latency,
        throughput: m7.throughput,
        uptime: m7.uptime,
        ai_confidence: m7.ai_confidence,
        error_rate: m7.error_rate,
    };
    assert_eq!(
        of_source(&h, MetricSource::Import),
        expected(&m7.version, &imported)
    );
    // The unchanged model-1 got no points from the import; importing again adds none anywhere.
    assert!(reg
        .metric_history("model-1")
        .unwrap()
        .points
        .iter()
        .all(|p| p.source != MetricSource::Import));
    let before = reg.content_fingerprint().unwrap();
    reg.apply_import(&req).unwrap();
    assert!(reg.content_fingerprint().unwrap() == before);
}

#[test]
fn a_new_version_brought_by_an_import_records_points() {
    let reg = Registry::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("models.json");
    std::fs::write(
        &path,
        r#"[{"id": "model-3", "name": "Anomaly Detection - Behavioral", "version": "3.1.0",
            "status": "development", "accuracy": 0.9, "latency": 80, "throughput": 500, "uptime": 99.5,
            "framework": "TensorFlow", "size": "850MB", "aiConfidence": 0.9, "errorRate": 0.01}]"#,
    )
    .unwrap();
    let plan = reg
        .apply_import(&ImportRequest {
            models_path: path.display().to_string(),
            ab_tests_path: None,
        })
        .unwrap();
    assert_eq!(plan.updates, 1, "{plan:?}");
    let h = reg.metric_history("model-3").unwrap();
    let imported: Vec<_> = of_source(&h, MetricSource::Import);
    assert_eq!(imported.len(), 6);
    assert!(imported.iter().all(|(v, _, _)| *v == "3.1.0"));
    assert_eq!(
        imported[0],
        ("3.1.0", TrackedMetric::Accuracy, 0.9),
        "{imported:?}"
    );
}

#[test]
fn the_demo_models_start_with_their_registrations() {
    let reg = Registry::open_in_memory().unwrap();
    let h = reg.metric_history("model-1").unwrap();
    let versions: Vec<_> = h
        .points
        .iter()
        .map(|p| (p.version.as_str(), p.source))
        .collect();
    assert_eq!(versions.len(), 12);
    assert!(versions[..6]
        .iter()
        .all(|v| *v == ("2.0.9", MetricSource::Registration)));
    assert!(versions[6..]
        .iter()
        .all(|v| *v == ("2.1.0", MetricSource::Registration)));
}

#[test]
fn upgrading_a_schema_6_registry_backfills_one_point_per_metric_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let mut raw = Connection::open(&path).unwrap();
        modelops_core::db::migrations()
            .to_version(&mut raw, 6)
            .unwrap();
        raw.execute_batch(
            "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
             INSERT INTO models (id, name, framework, status, created_at)
                 VALUES ('m', 'M', 'ONNX', 'development', '2025-01-01 00:00:00+00:00');
             INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
                 ai_confidence, error_rate, size_bytes, created_at, version_key)
             VALUES ('m', '1.0.0', 1, 0.9, 10, 100, 99.9, 0.8, 0.01, 1, '2025-01-01 00:00:00+00:00', 'a'),
                    ('m', '1.1.0', 2, 0.92, 12, 110, 99.8, 0.85, 0.005, 1, '2025-02-01 00:00:00+00:00', 'b');
             UPDATE models SET current_version_id = 2;
             INSERT INTO test_runs (model_id, version_id, run_at, passed, total)
                 VALUES ('m', 2, '2025-02-02 00:00:00+00:00', 5, 5);",
        )
        .unwrap();
    }
    let reg = Registry::open(&path).unwrap();
    assert_eq!(
        reg.schema_version().unwrap(),
        modelops_core::db::LATEST_SCHEMA
    );
    let h = reg.metric_history("m").unwrap();
    assert!(h
        .points
        .iter()
        .all(|p| p.source == MetricSource::Backfill && p.test_run_id.is_none()));
    let got: Vec<_> = h
        .points
        .iter()
        .map(|p| (p.at.to_rfc3339(), p.version.as_str(), p.metric, p.value))
        .collect();
    let want: Vec<_> = [
        (
            "2025-01-01T00:00:00+00:00",
            "1.0.0",
            [0.9, 10.0, 100.0, 99.9, 0.8, 0.01],
        ),
        (
            "2025-02-01T00:00:00+00:00",
            "1.1.0",
            [0.92, 12.0, 110.0, 99.8, 0.85, 0.005],
        ),
    ]
    .into_iter()
    .flat_map(|(at, v, values)| {
        TrackedMetric::ALL
            .into_iter()
            .zip(values)
            .map(move |(metric, value)| (at.to_owned(), v, metric, value))
    })
    .collect();
    assert_eq!(got, want);
    // After the upgrade the history grows like any other.
    let run = reg.run_tests("m").unwrap();
    assert_eq!(reg.metric_history("m").unwrap().points.len(), 18);
    assert_eq!(
        reg.metric_history("m").unwrap().points[17].test_run_id,
        Some(run.id)
    );
    drop(reg);

    // History is append-only, like the audit log.
    let raw = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE metric_points SET value = 1 WHERE id = 1",
        "DELETE FROM metric_points WHERE id = 1",
    ] {
        let e = raw.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn an_unknown_model_has_no_history() {
    let reg = Registry::open_in_memory().unwrap();
    let e = reg.metric_history("nope").unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn the_history_is_capped_to_the_newest_points() {
    let reg = Registry::open_in_memory_empty().unwrap();
    let id = register(&reg, "Busy");
    register_version(&reg, &id, "2.0.0", metrics());
    let runs = (MAX_METRIC_POINTS as usize) / 6 + 3;
    let mut last_run = 0;
    for _ in 0..runs {
        last_run = reg.run_tests(&id).unwrap().id;
    }
    let h = reg.metric_history(&id).unwrap();
    let total = 12 + 6 * runs as u32;
    assert_eq!(
        (h.points.len(), h.total, h.limit),
        (MAX_METRIC_POINTS as usize, total, MAX_METRIC_POINTS)
    );
    assert!(
        h.points.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    assert!(
        h.points.iter().all(|p| p.source == MetricSource::TestRun),
        "the newest points are kept, the registrations are cut"
    );
    assert_eq!(h.points.last().unwrap().test_run_id, Some(last_run));
    // The first version's points are all cut from `points`, but it still has its latest values.
    let versions: Vec<_> = h
        .latest_by_version
        .iter()
        .map(|p| (p.version.as_str(), p.source))
        .collect();
    assert_eq!(versions.len(), 12);
    assert!(versions[..6]
        .iter()
        .all(|v| *v == ("1.0.0", MetricSource::Registration)));
    assert!(versions[6..]
        .iter()
        .all(|v| *v == ("2.0.0", MetricSource::TestRun)));
}
