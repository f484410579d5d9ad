//! Clearing the demo data: what goes, what stays (the user's models, versions and the audit log), and that
//! an emptied registry stays empty when reopened.

mod common;

use modelops_core::ab::ImportAbResultsRequest;
use modelops_core::types::*;
use modelops_core::Registry;
use rusqlite::Connection;

fn user_version(model_id: &str, version: &str) -> RegisterVersionRequest {
    RegisterVersionRequest {
        model_id: model_id.into(),
        version: version.into(),
        framework: None,
        metrics: common::metrics(),
        size_bytes: Some(1_000),
        artifact_path: None,
        notes: None,
        tags: vec![],
    }
}

fn versions(reg: &Registry, model_id: &str) -> u32 {
    reg.model_details(model_id).unwrap().versions.len() as u32
}

fn events(reg: &Registry) -> Vec<Event> {
    reg.audit_events_after(0).unwrap()
}

#[test]
fn clearing_removes_the_demo_models_and_keeps_the_users() {
    let reg = Registry::open_in_memory().unwrap();
    let mine = reg
        .register_model(&common::new_model("Churn"))
        .unwrap()
        .model;
    // A version of the user's own on a demo model makes that model the user's.
    reg.register_version(&user_version("model-3", "9.0.0"))
        .unwrap();
    assert_eq!(reg.summary().unwrap().demo_models, 3);

    reg.run_tests("model-1").unwrap();
    // A concluded test between two demo models: its results are frozen, yet they are demo data.
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let results = dir.path().join("results.json");
    std::fs::write(
        &results,
        r#"{ "variants": { "A": { "assignments": 100, "requests": 100, "successes": 10 },
                            "B": { "assignments": 100, "requests": 100, "successes": 12 } } }"#,
    )
    .unwrap();
    reg.import_ab_results(&ImportAbResultsRequest {
        test_id: t.id.clone(),
        path: results.display().to_string(),
    })
    .unwrap();
    reg.conclude_ab_test(&t.id).unwrap();
    // A test pitting the user's model against a demo one only makes sense with the demo model; it goes too.
    common::start_ab_test(&reg, "model-4", &mine.id);

    let demo_versions =
        versions(&reg, "model-1") + versions(&reg, "model-2") + versions(&reg, "model-4");
    let mine_before = (
        reg.get_model(&mine.id).unwrap(),
        reg.model_details(&mine.id).unwrap().versions,
    );
    let adopted_before = reg.model_details("model-3").unwrap().versions;
    let events_before = events(&reg).len();

    let cleared = reg.clear_demo_data().unwrap();
    assert_eq!(
        cleared,
        ClearDemoResult {
            models_removed: 3,
            versions_removed: demo_versions,
            test_runs_removed: 1,
            ab_tests_removed: 2,
        }
    );

    let mut left: Vec<String> = reg
        .list_models()
        .unwrap()
        .models
        .into_iter()
        .map(|m| m.id)
        .collect();
    left.sort();
    let mut expected = vec![mine.id.clone(), "model-3".to_owned()];
    expected.sort();
    assert_eq!(left, expected);
    assert_eq!(
        (
            reg.get_model(&mine.id).unwrap(),
            reg.model_details(&mine.id).unwrap().versions
        ),
        mine_before
    );
    assert_eq!(
        reg.model_details("model-3").unwrap().versions,
        adopted_before
    );
    assert!(reg.list_ab_tests().unwrap().is_empty());
    let s = reg.summary().unwrap();
    assert_eq!((s.total, s.demo_models, s.running_ab_tests), (2, 0, 0));
    assert_eq!(reg.integrity_check().unwrap(), vec!["ok".to_owned()]);

    // The log keeps every earlier event, including the removed models', and gains exactly one.
    let log = events(&reg);
    assert_eq!(log.len(), events_before + 1);
    assert!(log.iter().any(|e| e.model_id == "model-1"));
    let last = log.last().unwrap();
    assert_eq!(
        (last.action, last.model_id.as_str()),
        (EventAction::DemoDataCleared, "")
    );
    assert_eq!(
        last.detail.as_deref(),
        Some(&*format!(
            "Removed 3 demo models seeded on first start, with {demo_versions} versions, 1 test run and 2 A/B tests"
        ))
    );
    let report = reg.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");

    // The timeline still lists the removed models' events, by id, and the registry-wide one.
    let page = reg
        .timeline(&TimelineQuery {
            model_id: None,
            actions: vec![],
            from: None,
            to: None,
            offset: 0,
            limit: 500,
        })
        .unwrap();
    assert_eq!(page.total as usize, log.len());
    assert_eq!(page.events.len(), log.len());
    assert!(page
        .events
        .iter()
        .any(|e| e.event.model_id == "model-1" && e.model_name == "model-1"));
    assert!(page
        .events
        .iter()
        .any(|e| e.event.action == EventAction::DemoDataCleared && e.model_name.is_empty()));

    // Again: nothing left to clear, nothing written.
    let fingerprint = reg.content_fingerprint().unwrap();
    assert_eq!(reg.clear_demo_data().unwrap(), ClearDemoResult::default());
    assert_eq!(reg.content_fingerprint().unwrap(), fingerprint);
}

#[test]
fn clearing_a_registry_without_demo_data_changes_nothing() {
    let reg = Registry::open_in_memory_empty().unwrap();
    reg.register_model(&common::new_model("Mine")).unwrap();
    assert_eq!(reg.summary().unwrap().demo_models, 0);
    let before = reg.content_fingerprint().unwrap();
    assert_eq!(reg.clear_demo_data().unwrap(), ClearDemoResult::default());
    assert_eq!(reg.content_fingerprint().unwrap(), before);
}

#[test]
fn a_cleared_registry_is_not_seeded_again_when_reopened() {
    let (_dir, path, reg) = common::file_registry();
    assert_eq!(reg.summary().unwrap().demo_models, 4);
    assert_eq!(reg.clear_demo_data().unwrap().models_removed, 4);
    drop(reg);

    let reg = Registry::open(&path).unwrap();
    let s = reg.summary().unwrap();
    assert_eq!((s.total, s.demo_models), (0, 0));
    assert!(reg.verify_audit().unwrap().ok);
    // The user starts from here like from any registry.
    reg.register_model(&common::new_model("First")).unwrap();
    assert_eq!(reg.summary().unwrap().total, 1);
}

#[test]
fn the_users_versions_and_history_stay_undeletable() {
    let (_dir, path, reg) = common::file_registry();
    let mine = reg
        .register_model(&common::new_model("Mine"))
        .unwrap()
        .model;
    drop(reg);
    let raw = Connection::open(&path).unwrap();
    for sql in [
        "DELETE FROM model_versions WHERE is_demo = 0",
        "DELETE FROM metric_points WHERE model_id IN (SELECT id FROM models WHERE is_demo = 0)",
        "DELETE FROM events WHERE model_id = 'model-1'",
    ] {
        let err = raw.execute(sql, []).expect_err(sql);
        assert!(
            err.to_string().contains("only") || err.to_string().contains("immutable"),
            "{sql}: {err}"
        );
    }
    let kept: i64 = raw
        .query_row(
            "SELECT count(*) FROM model_versions WHERE model_id = ?1",
            [&mine.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);
}

#[test]
fn upgrading_adopts_demo_models_that_have_a_users_version() {
    let (_dir, path) = common::registry_at_schema(
        8,
        "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
         INSERT INTO models (id, name, framework, status, created_at, is_demo) VALUES
           ('d1', 'D1', 'ONNX', 'development', '2025-01-01 00:00:00+00:00', 1),
           ('d2', 'D2', 'ONNX', 'development', '2025-01-01 00:00:00+00:00', 1);
         INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
             ai_confidence, error_rate, size_bytes, created_at, version_key, is_demo)
           VALUES ('d1', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k', 1),
                  ('d1', '2.0.0', 2, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-02 00:00:00+00:00', 'l', 0),
                  ('d2', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k', 1);
         UPDATE models SET current_version_id =
           (SELECT max(id) FROM model_versions v WHERE v.model_id = models.id);",
    );
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.summary().unwrap().demo_models, 1);
    let cleared = reg.clear_demo_data().unwrap();
    assert_eq!((cleared.models_removed, cleared.versions_removed), (1, 1));
    assert_eq!(reg.model_details("d1").unwrap().versions.len(), 2);
}
