//! Schema 12 keeps in `models` a copy of everything a row of the table shows (its previous version, its
//! current version's latest test run, demo mark and known metrics, its team server), so that a row is one
//! read. These tests check the copies against what they copy (`Registry::copies_check`) where rows are made
//! in bulk or by an upgrade; the lifecycle property tests and the MLflow sync tests check them after every
//! action.

mod common;

use modelops_core::types::*;
use modelops_core::Registry;

fn copies_kept(reg: &Registry) {
    let wrong = reg.copies_check().expect("copies check");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A registry that schema 11 left, with every kind of lookup the rows made: upgrading fills the copies, and
/// the rows show what they showed before.
#[test]
fn upgrading_fills_each_rows_copies_from_what_it_looked_up() {
    let (_dir, path) = common::registry_at_schema(
        11,
        "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
         INSERT INTO models (id, name, framework, status, created_at) VALUES
           ('dev', 'Dev', 'ONNX', 'development', '2025-01-01 00:00:00+00:00'),
           ('prod', 'Prod', 'ONNX', 'production', '2025-01-01 00:00:00+00:00'),
           ('team', 'Team', 'ONNX', 'staging', '2025-01-01 00:00:00+00:00'),
           ('gone', 'Gone', 'ONNX', 'archived', '2025-01-01 00:00:00+00:00');
         INSERT INTO model_versions (id, model_id, version, seq, accuracy, latency_ms, throughput_rps,
             uptime_pct, ai_confidence, error_rate, size_bytes, created_at, version_key)
           VALUES (1, 'dev', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01', 'a'),
                  (2, 'dev', '2.0.0', 2, 0.8, 20, 10, 99.9, 0.9, 0.01, 1, '2025-01-02', 'b'),
                  (3, 'prod', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01', 'a'),
                  (4, 'prod', '2.0.0', 2, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-02', 'b'),
                  (5, 'team', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01', 'a'),
                  (6, 'gone', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01', 'a'),
                  (7, 'gone', '2.0.0', 2, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-02', 'b');
         UPDATE models SET current_version_id =
           (SELECT max(id) FROM model_versions v WHERE v.model_id = models.id);
         INSERT INTO test_runs (model_id, version_id, run_at, passed, total) VALUES
           ('dev', 2, '2025-01-03', 4, 4),
           ('dev', 2, '2025-01-04', 3, 5),
           ('dev', 1, '2025-01-05', 5, 5);
         INSERT INTO deployments (model_id, status, version, last_event_id) VALUES
           ('prod', 'production', '1.0.0', 10),
           ('prod', 'production', '2.0.0', 12),
           ('prod', 'staging', '2.0.0', 11);
         INSERT INTO remote_models (model_id, server, mlflow_name) VALUES ('team', 'http://127.0.0.1:5000', 'team');
         INSERT INTO remote_versions (version_id, mlflow_version, metrics_known) VALUES (5, '1', 0);",
    );
    let reg = Registry::open(&path).expect("open and upgrade");
    copies_kept(&reg);

    let dev = reg.get_model("dev").expect("dev");
    assert_eq!(dev.previous_version.as_deref(), Some("1.0.0"));
    assert_eq!(dev.accuracy, 0.8);
    let last = dev.last_test.expect("the latest run of 2.0.0");
    assert_eq!(
        (last.passed, last.total, last.version.as_str()),
        (3, 5, "2.0.0")
    );
    let prod = reg.get_model("prod").expect("prod");
    assert_eq!(prod.previous_version.as_deref(), Some("1.0.0"));
    assert_eq!(prod.last_test, None);
    let team = reg.get_model("team").expect("team");
    assert_eq!(team.team_server.as_deref(), Some("http://127.0.0.1:5000"));
    assert!(!team.metrics_known);
    assert_eq!(team.previous_version, None);
    let gone = reg.get_model("gone").expect("gone");
    assert_eq!(
        gone.previous_version, None,
        "archived: nothing to go back to"
    );
    assert!(dev.metrics_known && dev.team_server.is_none());

    // The copies follow what happens after the upgrade.
    let run = reg.run_tests("dev").expect("tests");
    let last = reg.get_model("dev").expect("dev").last_test.expect("run");
    assert_eq!((last.passed, last.total), (run.passed, run.total));
    copies_kept(&reg);
}

/// The generator writes its rows with plain SQL, as an import or a pull does: its registries' copies hold.
#[test]
fn generated_registries_keep_their_copies() {
    let reg = Registry::open_generated_in_memory(300, 7).expect("generate");
    copies_kept(&reg);
    let page = reg
        .query_models(&ModelQuery {
            view: ModelView::default(),
            offset: 0,
            limit: 300,
        })
        .expect("page");
    assert!(
        page.models.iter().any(|m| m.previous_version.is_some())
            && page.models.iter().any(|m| m.last_test.is_some()),
        "the generator makes previous versions and test runs to copy"
    );
}

/// Clearing the demo data deletes versions, runs and deployments under the copies' feet.
#[test]
fn the_demo_and_its_clearing_keep_the_copies() {
    let reg = common::reg();
    copies_kept(&reg);
    let mine = reg
        .register_model(&common::new_model("Mine"))
        .expect("register")
        .model;
    reg.run_tests(&mine.id).expect("tests");
    reg.clear_demo_data().expect("clear");
    copies_kept(&reg);
    assert!(reg.get_model(&mine.id).expect("mine").last_test.is_some());
}

/// The check can fail: a copy changed behind the triggers' back is reported, by model and column.
#[test]
fn a_copy_that_drifted_is_reported() {
    let (_dir, path, reg) = common::file_registry();
    copies_kept(&reg);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute(
        "UPDATE models SET prev_version = 'drifted' WHERE id = 'model-1'",
        [],
    )
    .expect("drift");
    let wrong = reg.copies_check().expect("copies check");
    assert_eq!(wrong.len(), 1, "{wrong:#?}");
    assert!(
        wrong[0].starts_with("model-1 prev_version: copy Text(\"drifted\")"),
        "{wrong:#?}"
    );
}
