//! Schema 12 keeps in `models` a copy of everything a row of the table shows (its previous version, its
//! current version's latest test run, demo mark and known metrics, its team server), so that a row is one
//! read. These tests check the copies against what they copy (`Registry::copies_check`) where rows are made
//! in bulk or by an upgrade; the lifecycle property tests and the MLflow sync tests check them after every
//! action.

mod common;

use modelops_core::remote::{AuthKind, RemoteModel, RemoteSettings, RemoteVersion};
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

fn remote_version(n: u32, metrics: Option<Metrics>, framework: Option<&str>) -> RemoteVersion {
    RemoteVersion {
        mlflow_version: n.to_string(),
        tagged_version: None,
        key: None,
        run_id: Some(format!("{n:032x}")),
        metrics,
        created_at: chrono::Utc::now(),
        source: None,
        framework: framework.map(str::to_owned),
        size_bytes: Some(1_000 * i64::from(n)),
    }
}

fn measured(accuracy: f64) -> Option<Metrics> {
    Some(Metrics {
        accuracy,
        latency: 30.0,
        throughput: 200.0,
        uptime: 99.9,
        ai_confidence: 0.9,
        error_rate: 0.005,
    })
}

/// A model a pull sees for the first time is written in one go, its versions first (schema 13): its row
/// shows the version its aliases name, with that version's figures, framework and previous version, as a
/// row re-pointed at that version would.
#[test]
fn a_model_taken_in_from_a_server_is_written_with_its_copies() {
    let reg = Registry::open_in_memory().expect("open");
    reg.clear_demo_data().expect("clear demo");
    let settings = reg
        .set_remote_settings(&RemoteSettings {
            url: "http://127.0.0.1:5000".into(),
            auth: AuthKind::None,
            username: None,
            secret_env: None,
            production_alias: "production".into(),
            staging_alias: "staging".into(),
        })
        .expect("settings");
    let model = |name: &str,
                 versions: Vec<RemoteVersion>,
                 production: Option<&str>,
                 staging: Option<&str>| {
        RemoteModel {
            name: name.into(),
            versions,
            production: production.map(str::to_owned),
            staging: staging.map(str::to_owned),
            archived: false,
            origin: None,
            description: None,
        }
    };
    // Versions 1 and 2 tag their framework; 3 has none.
    let three_versions = || {
        vec![
            remote_version(1, measured(0.91), Some("ONNX")),
            remote_version(2, measured(0.92), Some("PyTorch")),
            remote_version(3, measured(0.93), None),
        ]
    };
    let pulled = [
        model("In production at 2 of 3", three_versions(), Some("2"), None),
        model(
            "Two versions, no alias",
            vec![
                remote_version(2, measured(0.82), None),
                remote_version(1, measured(0.81), None),
            ],
            None,
            None,
        ),
        model(
            "Staged, unknown metrics",
            vec![remote_version(1, None, None)],
            None,
            Some("1"),
        ),
    ];
    let applied = reg
        .apply_pull(&settings, &pulled, chrono::Utc::now())
        .expect("take in");
    assert_eq!((applied.new_models, applied.new_versions), (3, 6));
    copies_kept(&reg);

    let by_name = |name: &str| {
        reg.list_models()
            .expect("list")
            .models
            .into_iter()
            .find(|m| m.name == name)
            .expect("taken in")
    };
    let prod = by_name("In production at 2 of 3");
    assert_eq!(
        (
            prod.status,
            prod.version.as_str(),
            prod.accuracy,
            prod.framework.as_str()
        ),
        (Status::Production, "2.0.0", 0.92, "PyTorch")
    );
    assert_eq!(prod.size_bytes, 2_000);
    assert!(prod.deployed_at.is_some());
    assert_eq!(prod.team_server.as_deref(), Some("http://127.0.0.1:5000"));

    let dev = by_name("Two versions, no alias");
    assert_eq!(
        (
            dev.status,
            dev.version.as_str(),
            dev.previous_version.as_deref()
        ),
        (Status::Development, "2.0.0", Some("1.0.0"))
    );
    assert_eq!((dev.accuracy, dev.framework.as_str()), (0.82, "unknown"));
    assert!(dev.deployed_at.is_none());

    let staged = by_name("Staged, unknown metrics");
    assert_eq!(
        (staged.status, staged.metrics_known),
        (Status::Staging, false)
    );

    // The next pull re-points a row the usual way (the copy trigger), and the copies still agree.
    let moved = [model(
        "In production at 2 of 3",
        three_versions(),
        Some("1"),
        None,
    )];
    reg.apply_pull(&settings, &moved, chrono::Utc::now())
        .expect("second pull");
    copies_kept(&reg);
    let prod = by_name("In production at 2 of 3");
    assert_eq!(
        (
            prod.version.as_str(),
            prod.accuracy,
            prod.framework.as_str()
        ),
        ("1.0.0", 0.91, "ONNX")
    );
    assert_eq!(prod.previous_version.as_deref(), Some("2.0.0"));
}
