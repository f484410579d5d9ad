//! Issue 5: registration rules, immutable versions, rollback targets, the hash-chained audit log (and that
//! tampering through a raw connection is caught), the timeline and the point-in-time production query.

use std::path::Path;

use chrono::{Duration, Utc};
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry};
use rusqlite::Connection;

mod common;
use common::{metrics, refused};

fn version_req(model_id: &str, version: &str) -> RegisterVersionRequest {
    RegisterVersionRequest {
        model_id: model_id.into(),
        version: version.into(),
        framework: None,
        metrics: metrics(),
        size_bytes: Some(1_000_000),
        artifact_path: None,
        notes: None,
        tags: vec![],
    }
}

#[test]
fn registering_a_model_and_its_versions() {
    let reg = Registry::open_in_memory().unwrap().with_actor("alice");
    let dir = tempfile::tempdir().unwrap();
    let artifact = dir.path().join("model.onnx");
    std::fs::write(&artifact, b"weights".repeat(1000)).unwrap();
    let res = reg
        .register_model(&RegisterModelRequest {
            name: "  Churn Predictor ".into(),
            framework: "LightGBM".into(),
            version: "1.0.0".into(),
            metrics: metrics(),
            size_bytes: None,
            artifact_path: Some(artifact.display().to_string()),
            notes: Some("first cut".into()),
            tags: vec![Tag {
                key: "team".into(),
                value: "growth".into(),
            }],
        })
        .unwrap();
    let m = &res.model;
    assert_eq!(
        (m.name.as_str(), m.version.as_str(), m.status),
        ("Churn Predictor", "1.0.0", Status::Development)
    );
    assert!(!m.is_demo);
    let a = res.version.artifact.as_ref().expect("artifact recorded");
    assert_eq!(a.size_bytes, 7000);
    // sha256 of "weights" × 1000, computed independently with the sha256sum command when this test was written.
    assert_eq!(a.sha256.len(), 64);
    assert_eq!(m.size_bytes, 7000, "size comes from the artifact");
    assert_eq!(
        res.version.tags,
        vec![Tag {
            key: "team".into(),
            value: "growth".into()
        }]
    );
    assert_eq!(res.version.notes.as_deref(), Some("first cut"));

    let v2 = reg
        .register_version(&RegisterVersionRequest {
            notes: Some("retrained".into()),
            ..version_req(&m.id, "1.1.0")
        })
        .unwrap();
    assert_eq!(
        (
            v2.model.version.as_str(),
            v2.model.previous_version.as_deref()
        ),
        ("1.1.0", Some("1.0.0"))
    );
    let d = reg.model_details(&m.id).unwrap();
    assert_eq!(
        d.versions
            .iter()
            .map(|v| v.version.as_str())
            .collect::<Vec<_>>(),
        vec!["1.1.0", "1.0.0"]
    );
    assert_eq!(d.events[0].actor, "alice");
    assert_eq!(d.events[0].action, EventAction::Registered);
}

#[test]
fn artifact_hash_matches_an_independent_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.bin");
    std::fs::write(&p, b"abc").unwrap();
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    let a = modelops_core::register::measure_artifact(&p).unwrap();
    assert_eq!(
        a.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(a.size_bytes, 3);
}

#[test]
fn bad_registrations_are_refused_and_create_nothing() {
    let reg = Registry::open_in_memory().unwrap();
    let cases: Vec<(RegisterVersionRequest, ErrorCode, &str)> = vec![
        (
            version_req("model-1", "2.x"),
            ErrorCode::InvalidInput,
            "semantic version",
        ),
        (
            version_req("model-1", "2.1.0"),
            ErrorCode::InvalidInput,
            "not greater",
        ),
        (
            version_req("model-1", "2.0.10"),
            ErrorCode::InvalidInput,
            "not greater",
        ),
        (
            version_req("model-1", "1.9.9"),
            ErrorCode::InvalidInput,
            "not greater",
        ),
        (
            RegisterVersionRequest {
                metrics: Metrics {
                    accuracy: 1.2,
                    ..metrics()
                },
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "Accuracy",
        ),
        (
            RegisterVersionRequest {
                metrics: Metrics {
                    accuracy: f64::NAN,
                    ..metrics()
                },
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "number",
        ),
        (
            RegisterVersionRequest {
                metrics: Metrics {
                    latency: -1.0,
                    ..metrics()
                },
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "Latency",
        ),
        (
            RegisterVersionRequest {
                metrics: Metrics {
                    uptime: 100.5,
                    ..metrics()
                },
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "Uptime",
        ),
        (
            RegisterVersionRequest {
                metrics: Metrics {
                    error_rate: f64::INFINITY,
                    ..metrics()
                },
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "Error rate",
        ),
        (
            RegisterVersionRequest {
                size_bytes: Some(-5),
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "negative",
        ),
        (
            RegisterVersionRequest {
                artifact_path: Some("/no/such/file.bin".into()),
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "Can't read the artifact",
        ),
        (
            RegisterVersionRequest {
                tags: vec![
                    Tag {
                        key: "a".into(),
                        value: "1".into(),
                    },
                    Tag {
                        key: "a".into(),
                        value: "2".into(),
                    },
                ],
                ..version_req("model-1", "3.0.0")
            },
            ErrorCode::InvalidInput,
            "twice",
        ),
        (
            version_req("model-404", "3.0.0"),
            ErrorCode::NotFound,
            "model-404",
        ),
    ];
    for (req, code, needle) in cases {
        let msg = refused(&reg, code, |r| r.register_version(&req));
        assert!(msg.contains(needle), "{needle:?} not in {msg:?}");
    }
    reg.archive("model-3").unwrap();
    refused(&reg, ErrorCode::IllegalTransition, |r| {
        r.register_version(&version_req("model-3", "4.0.0"))
    });
    let dup = RegisterModelRequest {
        name: "TGNN - Attack Surface Model".into(),
        framework: "PyTorch".into(),
        version: "1.0.0".into(),
        metrics: metrics(),
        size_bytes: None,
        artifact_path: None,
        notes: None,
        tags: vec![],
    };
    refused(&reg, ErrorCode::Conflict, |r| r.register_model(&dup));
    refused(&reg, ErrorCode::InvalidInput, |r| {
        r.register_model(&RegisterModelRequest {
            name: " ".into(),
            ..dup.clone()
        })
    });
}

#[test]
fn versions_are_immutable_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    drop(Registry::open(&path).unwrap());
    let raw = Connection::open(&path).unwrap();
    let err = raw
        .execute(
            "UPDATE model_versions SET accuracy = 0.99 WHERE version = '2.1.0'",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
    assert!(raw.execute("DELETE FROM model_versions", []).is_err());
    assert!(raw
        .execute("UPDATE events SET detail = 'x'", [])
        .unwrap_err()
        .to_string()
        .contains("append-only"));
    assert!(raw.execute("DELETE FROM events", []).is_err());
}

#[test]
fn a_new_version_returns_the_model_to_development_and_rollback_restores_production() {
    let reg = Registry::open_in_memory().unwrap();
    let before = reg.get_model("model-1").unwrap();
    let res = reg
        .register_version(&version_req("model-1", "2.2.0"))
        .unwrap();
    assert_eq!(
        (res.model.status, res.model.version.as_str()),
        (Status::Development, "2.2.0")
    );
    assert!(
        res.message.contains("2.1.0 was in production"),
        "{}",
        res.message
    );
    assert_eq!(res.model.deployed_at, None);
    // It goes through staging to production like any version.
    reg.promote("model-1").unwrap();
    assert!(reg.run_tests("model-1").unwrap().passes_gate);
    reg.deploy("model-1", DeployTarget::Production).unwrap();
    let m = reg.get_model("model-1").unwrap();
    assert_eq!(
        (m.status, m.version.as_str(), m.previous_version.as_deref()),
        (Status::Production, "2.2.0", Some("2.1.0"))
    );
    assert!(m.deployed_at > before.deployed_at);
}

#[test]
fn rollback_to_any_deployed_version_with_a_reason() {
    let reg = Registry::open_in_memory().unwrap();
    reg.register_version(&version_req("model-1", "2.2.0"))
        .unwrap();
    reg.promote("model-1").unwrap();
    assert!(reg.run_tests("model-1").unwrap().passes_gate);
    reg.deploy("model-1", DeployTarget::Production).unwrap();
    // Default: what was in production before 2.2.0.
    assert_eq!(
        reg.get_model("model-1")
            .unwrap()
            .previous_version
            .as_deref(),
        Some("2.1.0")
    );
    let res = reg
        .rollback_with(&RollbackRequest {
            model_id: "model-1".into(),
            to_version: Some("2.0.9".into()),
            reason: Some("latency regression".into()),
            expected: None,
        })
        .unwrap();
    assert_eq!(
        (res.rolled_back_from.as_str(), res.rolled_back_to.as_str()),
        ("2.2.0", "2.0.9")
    );
    let m = reg.get_model("model-1").unwrap();
    assert_eq!(
        (m.version.as_str(), m.accuracy, m.status),
        ("2.0.9", 0.93, Status::Production)
    );
    let ev = &reg.model_details("model-1").unwrap().events[0];
    assert_eq!(
        (ev.action, ev.reason.as_deref()),
        (EventAction::RolledBack, Some("latency regression"))
    );
    // Targets: a version of the model, not the current one, deployed before.
    let rb = |v: &str| RollbackRequest {
        model_id: "model-1".into(),
        to_version: Some(v.into()),
        reason: None,
        expected: None,
    };
    refused(&reg, ErrorCode::NotFound, |r| r.rollback_with(&rb("9.9.9")));
    refused(&reg, ErrorCode::InvalidInput, |r| {
        r.rollback_with(&rb("2.0.9"))
    });
    reg.register_version(&version_req("model-1", "2.3.0"))
        .unwrap();
    reg.register_version(&version_req("model-1", "2.4.0"))
        .unwrap();
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        r.rollback_with(&rb("2.3.0"))
    });
    assert!(msg.contains("never deployed"), "{msg}");
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        r.rollback_with(&rb("2.4.0"))
    });
    assert!(msg.contains("already at"), "{msg}");
}

fn tamper(path: &Path, sql: &str) {
    let raw = Connection::open(path).unwrap();
    raw.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS events_append_only_update; DROP TRIGGER IF EXISTS events_append_only_delete; {sql}"
    ))
    .unwrap();
}

fn chained_registry() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).unwrap();
    reg.promote("model-3").unwrap();
    reg.run_tests("model-2").unwrap();
    reg.rollback("model-1").unwrap();
    reg.archive("model-4").unwrap();
    let report = reg.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.events > 10);
    (dir, path)
}

#[test]
fn the_audit_chain_verifies_and_catches_each_kind_of_tampering() {
    let (_d, path) = chained_registry();
    // An edit.
    let p = path.clone();
    tamper(&p, "UPDATE events SET to_version = '9.9.9' WHERE id = 5;");
    let r = Registry::open(&p).unwrap().verify_audit().unwrap();
    assert!(!r.ok);
    let b = r.first_broken.unwrap();
    assert_eq!(b.event_id, 5);
    assert!(b.problem.contains("altered"), "{}", b.problem);

    // A deletion in the middle.
    let (_d, p) = chained_registry();
    tamper(&p, "DELETE FROM events WHERE id = 7;");
    let b = Registry::open(&p)
        .unwrap()
        .verify_audit()
        .unwrap()
        .first_broken
        .unwrap();
    assert_eq!(b.event_id, 8);
    assert!(b.problem.contains("removed"), "{}", b.problem);

    // A reordering: two events swap places (ids).
    let (_d, p) = chained_registry();
    tamper(&p, "UPDATE events SET id = -1 WHERE id = 4; UPDATE events SET id = 4 WHERE id = 6; UPDATE events SET id = 6 WHERE id = -1;");
    let b = Registry::open(&p)
        .unwrap()
        .verify_audit()
        .unwrap()
        .first_broken
        .unwrap();
    assert_eq!(b.event_id, 4);

    // The tail cut off.
    let (_d, p) = chained_registry();
    tamper(
        &p,
        "DELETE FROM events WHERE id = (SELECT max(id) FROM events);",
    );
    let b = Registry::open(&p)
        .unwrap()
        .verify_audit()
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.problem.contains("end"), "{}", b.problem);
}

#[test]
fn upgrading_chains_events_recorded_before_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let mut raw = Connection::open(&path).unwrap();
        modelops_core::db::migrations()
            .to_version(&mut raw, 2)
            .unwrap();
        raw.execute_batch(
            "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
             INSERT INTO models (id, name, framework, status, created_at) VALUES ('m', 'M', 'ONNX', 'development', '2025-01-01 00:00:00+00:00');
             INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct, ai_confidence, error_rate, size_bytes, created_at, version_key)
               VALUES ('m', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k');
             UPDATE models SET current_version_id = 1;
             INSERT INTO events (at, model_id, action, to_version) VALUES ('2025-01-01 00:00:00+00:00', 'm', 'registered', '1.0.0');
             INSERT INTO events (at, model_id, action, from_status, to_status) VALUES ('2025-01-02 00:00:00+00:00', 'm', 'promoted', 'development', 'staging');",
        )
        .unwrap();
    }
    let reg = Registry::open(&path).unwrap();
    let r = reg.verify_audit().unwrap();
    assert!(r.ok && r.events == 2, "{r:?}");
    reg.run_tests("m").unwrap();
    assert!(reg.verify_audit().unwrap().ok);
    let d = reg.model_details("m").unwrap();
    assert_eq!(
        d.events.last().unwrap().actor,
        "unknown (recorded before the audit log)"
    );
    assert_eq!(d.versions[0].framework, "ONNX");
}

#[test]
fn which_version_was_in_production_when() {
    let reg = Registry::open_in_memory().unwrap();
    let now = Utc::now();
    // The demo history: 2.0.9 in production from ~40 days ago, 2.1.0 from 3 days ago.
    let long_ago = reg
        .production_at("model-1", now - Duration::days(100))
        .unwrap();
    assert_eq!(long_ago.version, None);
    let before = reg
        .production_at("model-1", now - Duration::days(20))
        .unwrap();
    assert_eq!(before.version.as_deref(), Some("2.0.9"));
    assert!(
        before.until.is_some(),
        "2.0.9 left production when 2.1.0 came"
    );
    let today = reg.production_at("model-1", now).unwrap();
    assert_eq!(
        (today.version.as_deref(), today.until),
        (Some("2.1.0"), None)
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    let t_before_rollback = Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    reg.rollback("model-1").unwrap();
    assert_eq!(
        reg.production_at("model-1", t_before_rollback)
            .unwrap()
            .version
            .as_deref(),
        Some("2.1.0")
    );
    assert_eq!(
        reg.production_at("model-1", Utc::now())
            .unwrap()
            .version
            .as_deref(),
        Some("2.0.9")
    );
    reg.archive("model-1").unwrap();
    assert_eq!(
        reg.production_at("model-1", Utc::now()).unwrap().version,
        None
    );
    assert_eq!(
        reg.production_at("model-3", now).unwrap().version,
        None,
        "never in production"
    );
    assert_eq!(
        reg.production_at("nope", now).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn timeline_filters_by_model_action_and_time() {
    let reg = Registry::open_in_memory().unwrap();
    reg.run_tests("model-1").unwrap();
    reg.rollback("model-1").unwrap();
    reg.promote("model-3").unwrap();
    let q = |model: Option<&str>, actions: Vec<EventAction>| TimelineQuery {
        model_id: model.map(Into::into),
        actions,
        limit: 100,
        ..Default::default()
    };
    let all = reg.timeline(&q(None, vec![])).unwrap();
    assert!(all.total >= 14);
    assert!(
        all.events
            .windows(2)
            .all(|w| w[0].event.at >= w[1].event.at),
        "newest first"
    );
    let m1 = reg.timeline(&q(Some("model-1"), vec![])).unwrap();
    assert!(m1
        .events
        .iter()
        .all(|e| e.event.model_id == "model-1" && e.model_name == "TGNN - Attack Surface Model"));
    let rb = reg
        .timeline(&q(
            None,
            vec![EventAction::RolledBack, EventAction::Promoted],
        ))
        .unwrap();
    // The demo history holds two promotions (model-2's versions); this test added one of each.
    assert_eq!(rb.total, 4);
    let recent = reg
        .timeline(&TimelineQuery {
            from: Some(Utc::now() - Duration::minutes(1)),
            ..q(None, vec![])
        })
        .unwrap();
    assert_eq!(recent.total, 3);
    let old = reg
        .timeline(&TimelineQuery {
            to: Some(Utc::now() - Duration::days(30)),
            ..q(None, vec![])
        })
        .unwrap();
    assert!(old
        .events
        .iter()
        .all(|e| e.event.at < Utc::now() - Duration::days(30)));
    assert_eq!(
        reg.timeline(&q(Some("nope"), vec![])).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        reg.timeline(&TimelineQuery {
            limit: 0,
            ..Default::default()
        })
        .unwrap_err()
        .code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn audit_log_exports_to_csv() {
    let reg = Registry::open_in_memory().unwrap();
    reg.rollback_with(&RollbackRequest {
        model_id: "model-1".into(),
        to_version: None,
        reason: Some("comma, \"quote\"".into()),
        expected: None,
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.csv");
    let res = reg.export_audit_csv(&path).unwrap();
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        modelops_core::timeline::AUDIT_CSV_HEADER.to_vec()
    );
    let rows: Vec<csv::StringRecord> = rdr.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len() as u32, res.rows);
    let last = rows.last().unwrap();
    assert_eq!((&last[5], &last[11]), ("rolled_back", "comma, \"quote\""));
    assert_eq!(last[15].len(), 64);
}

/// The summary reads `cur_test_passed`, a copy kept by triggers; it must follow the current version's latest
/// run through test runs, new versions and rollbacks, exactly as the per-model lookup it replaced.
#[test]
fn summary_test_figures_follow_the_current_versions_latest_run() {
    let reg = Registry::open_in_memory().unwrap();
    let figures = |reg: &Registry| {
        let s = reg.summary().unwrap();
        (s.failing_tests, s.untested)
    };
    assert_eq!(figures(&reg), (0, 4));
    let run = reg.run_tests("model-1").unwrap();
    assert_eq!(run.passed, run.total, "model-1's seed metrics pass");
    assert_eq!(figures(&reg), (0, 3));
    reg.run_tests("model-3").unwrap(); // its seed metrics fail some checks
    assert_eq!(figures(&reg), (1, 2));
    // A new version has no run yet, so model-1 counts as untested again...
    reg.register_version(&version_req("model-1", "2.2.0"))
        .unwrap();
    assert_eq!(figures(&reg), (1, 3));
    // ...until a rollback makes the tested 2.1.0 current again.
    reg.rollback("model-1").unwrap();
    assert_eq!(reg.get_model("model-1").unwrap().version, "2.1.0");
    assert_eq!(figures(&reg), (1, 2));
}

#[test]
fn upgrading_to_schema_4_fills_the_copies_from_existing_runs_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        // A schema-3 registry: m1 deployed to staging at 1.0.0 then 1.1.0 (its previous version in staging is
        // 1.0.0), its current version tested and passing; m2 in development, its only version failing a run;
        // m3 never tested.
        let mut raw = Connection::open(&path).unwrap();
        modelops_core::db::migrations()
            .to_version(&mut raw, 3)
            .unwrap();
        raw.execute_batch(
            "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
             INSERT INTO models (id, name, framework, status, created_at) VALUES
               ('m1', 'M1', 'ONNX', 'staging', '2025-01-01 00:00:00+00:00'),
               ('m2', 'M2', 'ONNX', 'development', '2025-01-01 00:00:00+00:00'),
               ('m3', 'M3', 'ONNX', 'development', '2025-01-01 00:00:00+00:00');
             INSERT INTO model_versions (id, model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct, ai_confidence, error_rate, size_bytes, created_at, version_key) VALUES
               (1, 'm1', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'a'),
               (2, 'm1', '1.1.0', 2, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-02 00:00:00+00:00', 'b'),
               (3, 'm2', '1.0.0', 1, 0.5, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'a'),
               (4, 'm3', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'a');
             UPDATE models SET current_version_id = CASE id WHEN 'm1' THEN 2 WHEN 'm2' THEN 3 ELSE 4 END;
             INSERT INTO events (at, model_id, action, from_status, to_status, from_version, to_version) VALUES
               ('2025-01-01 00:00:00+00:00', 'm1', 'promoted', 'development', 'staging', '1.0.0', '1.0.0'),
               ('2025-01-02 00:00:00+00:00', 'm1', 'promoted', 'development', 'staging', '1.1.0', '1.1.0');
             INSERT INTO test_runs (model_id, version_id, run_at, passed, total) VALUES
               ('m1', 1, '2025-01-01 00:00:00+00:00', 3, 5),
               ('m1', 2, '2025-01-02 00:00:00+00:00', 5, 5),
               ('m2', 3, '2025-01-02 00:00:00+00:00', 4, 5);",
        )
        .unwrap();
    }
    let reg = Registry::open(&path).unwrap();
    assert_eq!(
        reg.schema_version().unwrap(),
        modelops_core::db::LATEST_SCHEMA
    );
    let s = reg.summary().unwrap();
    assert_eq!((s.total, s.failing_tests, s.untested), (3, 1, 1));
    let m1 = reg.get_model("m1").unwrap();
    assert_eq!(
        (m1.version.as_str(), m1.previous_version.as_deref()),
        ("1.1.0", Some("1.0.0")),
        "deployments backfilled from the events"
    );
}
