//! The A/B test lifecycle: results imported from files, the verdict recorded when a test is concluded, abort
//! with a reason, one running test per model, and the upgrade of schema-3 registries.

mod common;
use common::{refused, reg};

use std::fs;
use std::path::{Path, PathBuf};

use modelops_core::ab::{AbOutcome, AbVariant, AbortAbTestRequest, ImportAbResultsRequest};
use modelops_core::stats::Verdict;
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry, RegistryError};
use rusqlite::Connection;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn json(a: (u64, u64, u64), b: (u64, u64, u64)) -> String {
    format!(
        r#"{{ "variants": {{
            "A": {{ "assignments": {}, "requests": {}, "successes": {}, "latencyMs": [120, 130, 125, 140] }},
            "B": {{ "assignments": {}, "requests": {}, "successes": {}, "latencyMs": [118, 129, 131, 122] }}
        }} }}"#,
        a.0, a.1, a.2, b.0, b.1, b.2
    )
}

fn import(reg: &Registry, test: &str, path: &Path) -> Result<AbTest, RegistryError> {
    reg.import_ab_results(&ImportAbResultsRequest {
        test_id: test.into(),
        path: path.display().to_string(),
    })
}

fn abort_req(test: &str, reason: &str) -> AbortAbTestRequest {
    AbortAbTestRequest {
        test_id: test.into(),
        reason: reason.into(),
    }
}

/// B succeeds 11.2% of the time against A's 10.0%, with 50 000 requests each: far past the sample size for
/// a one-point effect, no sample-ratio mismatch.
const CLEAR_B: ((u64, u64, u64), (u64, u64, u64)) =
    ((50_000, 50_000, 5_000), (50_000, 50_000, 5_600));

#[test]
fn a_clear_winner_is_recorded_with_its_model_and_version() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let none = reg.ab_test_analysis(&t.id).unwrap();
    assert!(none.analysis.is_none(), "no results yet");
    assert_eq!(none.config.min_detectable_effect, 0.01);
    assert_eq!(none.config.traffic_split_b, 0.5);

    let file = write(dir.path(), "results.json", &json(CLEAR_B.0, CLEAR_B.1));
    let imported = import(&reg, &t.id, &file).unwrap();
    assert_eq!(imported.status, AbTestStatus::Running);
    assert_eq!(imported.results.len(), 2);
    assert_eq!(imported.results[0].variant, AbVariant::A);
    assert_eq!(
        (imported.results[1].requests, imported.results[1].successes),
        (50_000, 5_600)
    );
    assert_eq!(imported.results[1].latency_samples, 4);
    assert_eq!(imported.results[0].source_file, "results.json");
    assert!(!imported.results[0].simulated);

    let an = reg.ab_test_analysis(&t.id).unwrap().analysis.unwrap();
    assert_eq!(an.verdict, Verdict::BWins);
    assert!(an.decision_grade && !an.srm.mismatch);

    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert_eq!(done.status, AbTestStatus::Concluded);
    assert_eq!(done.outcome, Some(AbOutcome::BWins));
    assert!(done.ended_at.is_some());
    assert!(done.conclusion.as_deref().unwrap().contains("B wins"));
    let w = done.winner.clone().unwrap();
    assert_eq!(
        (w.variant, w.model_id.as_str(), w.version.as_str()),
        (AbVariant::B, "model-2", "1.8.5")
    );
    assert_eq!(w.current_version, "1.8.5");
    assert_eq!(w.current_status, Status::Staging);
    // The winner goes to production through the ordinary deploy, so through the quality gate: refused until
    // the winning version has a passing test run.
    let refused = reg
        .deploy(&w.model_id, DeployTarget::Production)
        .unwrap_err();
    assert_eq!(
        refused.code(),
        modelops_core::ErrorCode::GateBlocked,
        "{refused}"
    );
    let run = reg.run_tests(&w.model_id).unwrap();
    assert!(run.passes_gate, "{run:?}");
    reg.deploy(&w.model_id, DeployTarget::Production).unwrap();
    let listed = reg.list_ab_tests().unwrap();
    assert_eq!(
        listed[0].winner.as_ref().unwrap().current_status,
        Status::Production
    );

    let events = reg.model_details("model-2").unwrap().events;
    let ab: Vec<_> = events
        .iter()
        .filter(|e| e.detail.as_deref().is_some_and(|d| d.contains(&t.id)))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        ab,
        vec![
            EventAction::AbTestConcluded,
            EventAction::AbResultsImported,
            EventAction::AbTestStarted
        ]
    );
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn a_winner_for_a_is_recorded_too() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let file = write(dir.path(), "r.json", &json(CLEAR_B.1, CLEAR_B.0));
    import(&reg, &t.id, &file).unwrap();
    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert_eq!(done.outcome, Some(AbOutcome::AWins));
    assert_eq!(done.winner.unwrap().model_id, "model-1");
}

#[test]
fn not_decision_grade_concludes_inconclusive_without_a_winner() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    // 13% vs 10% is significant, but 3 000 requests are far from the ~15 000 a one-point effect needs.
    let file = write(
        dir.path(),
        "small.json",
        &json((3_000, 3_000, 300), (3_000, 3_000, 390)),
    );
    import(&reg, &t.id, &file).unwrap();
    let an = reg.ab_test_analysis(&t.id).unwrap().analysis.unwrap();
    assert!(an.success.significant);
    assert_eq!(an.verdict, Verdict::NotDecisionGrade);
    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert_eq!(done.outcome, Some(AbOutcome::Inconclusive));
    assert!(done.winner.is_none());
    assert!(done.conclusion.unwrap().contains("Not decision-grade"));
}

#[test]
fn a_sample_ratio_mismatch_concludes_inconclusive() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    // A 50/50 test that assigned 50 000 to A and 47 000 to B: the assignment is broken.
    let file = write(
        dir.path(),
        "srm.json",
        &json((50_000, 50_000, 5_000), (47_000, 50_000, 5_600)),
    );
    import(&reg, &t.id, &file).unwrap();
    let an = reg.ab_test_analysis(&t.id).unwrap().analysis.unwrap();
    assert!(an.srm.mismatch && an.success.significant);
    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert_eq!(done.outcome, Some(AbOutcome::Inconclusive));
    assert!(done.winner.is_none());
}

#[test]
fn no_difference_at_full_size_is_inconclusive() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let file = write(
        dir.path(),
        "same.csv",
        "variant,assignments,requests,successes\nA,50000,50000,5000\nB,50000,50000,5010\n",
    );
    import(&reg, &t.id, &file).unwrap();
    assert_eq!(
        reg.ab_test_analysis(&t.id)
            .unwrap()
            .analysis
            .unwrap()
            .verdict,
        Verdict::Inconclusive
    );
    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert_eq!(done.outcome, Some(AbOutcome::Inconclusive));
}

#[test]
fn csv_results_with_latency_and_the_simulated_label() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let file = write(
        dir.path(),
        "results.CSV",
        "Variant, Assignments, Requests, Successes, latency_ms, simulated\n\
         B,50000,50000,5600,100;110;120,true\n\
         A,50000,50000,5000,130;140;150,true\n",
    );
    let t2 = import(&reg, &t.id, &file).unwrap();
    assert!(t2.results.iter().all(|r| r.simulated));
    assert_eq!(t2.results[0].latency_samples, 3);
    let a = reg.ab_test_analysis(&t.id).unwrap();
    assert!(a.simulated);
    assert!(a.analysis.unwrap().latency.is_some());
    let done = reg.conclude_ab_test(&t.id).unwrap();
    assert!(done.conclusion.unwrap().contains("Simulated data"));
}

#[test]
fn reimporting_replaces_the_results_and_is_audited() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let first = write(
        dir.path(),
        "week1.json",
        &json((3_000, 3_000, 300), (3_000, 3_000, 390)),
    );
    let second = write(dir.path(), "week2.json", &json(CLEAR_B.0, CLEAR_B.1));
    import(&reg, &t.id, &first).unwrap();
    let again = import(&reg, &t.id, &second).unwrap();
    assert_eq!(again.results.len(), 2);
    assert_eq!(again.results[0].requests, 50_000);
    assert_eq!(again.results[0].source_file, "week2.json");
    let details = reg.model_details("model-1").unwrap();
    let last = &details.events[0];
    assert_eq!(last.action, EventAction::AbResultsImported);
    let detail = last.detail.as_deref().unwrap();
    assert!(
        detail.contains("week2.json") && detail.contains("replacing those from week1.json"),
        "{detail}"
    );
}

#[test]
fn malformed_files_are_refused_naming_the_problem_and_change_nothing() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    // Results already in place: a bad file must leave them as they are.
    let good = write(dir.path(), "good.json", &json(CLEAR_B.0, CLEAR_B.1));
    import(&reg, &t.id, &good).unwrap();

    let cases: Vec<(&str, String, &str)> = vec![
        ("bad.json", "{ \"variants\": ".into(), "not valid JSON"),
        ("top.json", "[1, 2]".into(), "top level"),
        (
            "missing-b.json",
            r#"{"variants": {"A": {"assignments": 1, "requests": 1, "successes": 1}}}"#.into(),
            "variant B is missing",
        ),
        (
            "extra.json",
            r#"{"variants": {"A": {"assignments": 1, "requests": 1, "successes": 1},
                "B": {"assignments": 1, "requests": 1, "successes": 1},
                "C": {"assignments": 1, "requests": 1, "successes": 1}}}"#
                .into(),
            "unknown variant \"C\"",
        ),
        (
            "over.json",
            json((100, 100, 10), (100, 100, 101)),
            "successes (101) exceed requests (100)",
        ),
        (
            "negative.json",
            r#"{"variants": {"A": {"assignments": -5, "requests": 1, "successes": 1},
                "B": {"assignments": 1, "requests": 1, "successes": 1}}}"#
                .into(),
            "\"assignments\" is negative",
        ),
        (
            "fraction.json",
            r#"{"variants": {"A": {"assignments": 5, "requests": 1.5, "successes": 1},
                "B": {"assignments": 1, "requests": 1, "successes": 1}}}"#
                .into(),
            "whole number",
        ),
        (
            "missing-field.json",
            r#"{"variants": {"A": {"assignments": 5, "successes": 1},
                "B": {"assignments": 1, "requests": 1, "successes": 1}}}"#
                .into(),
            "\"requests\" is missing",
        ),
        (
            "huge.json",
            r#"{"variants": {"A": {"assignments": 5, "requests": 1e999, "successes": 1},
                "B": {"assignments": 1, "requests": 1, "successes": 1}}}"#
                .into(),
            "not valid JSON",
        ),
        (
            "latency.json",
            r#"{"variants": {"A": {"assignments": 5, "requests": 5, "successes": 1, "latencyMs": [1, -2]},
                "B": {"assignments": 5, "requests": 5, "successes": 1}}}"#
                .into(),
            "latency sample 2 is -2",
        ),
        (
            "no-requests.json",
            json((5, 0, 0), (5, 5, 1)),
            "Variant A has no requests",
        ),
        (
            "bad.csv",
            "variant,assignments,requests,successes\nA,1,1\n".into(),
            "not valid CSV",
        ),
        (
            "header.csv",
            "variant,assignments,successes\nA,1,1\nB,1,1\n".into(),
            "no \"requests\" column",
        ),
        (
            "missing-a.csv",
            "variant,assignments,requests,successes\nB,10,10,1\n".into(),
            "variant A is missing",
        ),
        (
            "negative.csv",
            "variant,assignments,requests,successes\nA,10,10,1\nB,10,-10,1\n".into(),
            "\"requests\" is negative",
        ),
        (
            "nan.csv",
            "variant,assignments,requests,successes,latency_ms\nA,10,10,1,5;NaN\nB,10,10,1,4\n".into(),
            "latency sample 2 is NaN",
        ),
        (
            "inf.csv",
            "variant,assignments,requests,successes\nA,10,inf,1\nB,10,10,1\n".into(),
            "not a finite number",
        ),
        (
            "twice.csv",
            "variant,assignments,requests,successes\nA,10,10,1\nA,10,10,1\nB,10,10,1\n".into(),
            "variant A appears twice",
        ),
        (
            "results.txt",
            "variant,assignments,requests,successes\n".into(),
            ".json or .csv",
        ),
    ];
    for (name, text, expected) in cases {
        let path = write(dir.path(), name, &text);
        let msg = refused(&reg, ErrorCode::InvalidInput, |r| import(r, &t.id, &path));
        assert!(msg.contains(expected), "{name}: {msg}");
        if name != "no-requests.json" && name != "results.txt" {
            assert!(
                msg.starts_with(name),
                "{name}: the message names the file: {msg}"
            );
        }
    }

    // Too large: refused from its size, before it is read (a sparse file costs no disk).
    let big = dir.path().join("big.json");
    fs::File::create(&big)
        .unwrap()
        .set_len(modelops_core::ab::MAX_RESULTS_FILE_BYTES + 1)
        .unwrap();
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| import(r, &t.id, &big));
    assert!(msg.contains("too large"), "{msg}");

    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        import(r, &t.id, Path::new("relative/results.json"))
    });
    assert!(msg.contains("relative"), "{msg}");
    refused(&reg, ErrorCode::Io, |r| {
        import(r, &t.id, &dir.path().join("absent.json"))
    });
    refused(&reg, ErrorCode::NotFound, |r| {
        import(r, "ab-test-404", &good)
    });

    let kept = reg.list_ab_tests().unwrap();
    assert_eq!(kept[0].results[0].source_file, "good.json");
}

#[test]
fn lifecycle_transitions_legal_and_illegal() {
    let reg = reg();
    let dir = tempfile::tempdir().unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| r.conclude_ab_test(&t.id));
    assert!(msg.contains("no results yet"), "{msg}");
    refused(&reg, ErrorCode::NotFound, |r| {
        r.conclude_ab_test("ab-test-404")
    });

    let file = write(dir.path(), "r.json", &json(CLEAR_B.0, CLEAR_B.1));
    import(&reg, &t.id, &file).unwrap();
    reg.conclude_ab_test(&t.id).unwrap();
    // Concluded is final: no second verdict, no abort, no new results.
    let msg = refused(&reg, ErrorCode::Conflict, |r| r.conclude_ab_test(&t.id));
    assert!(msg.contains("already concluded"), "{msg}");
    refused(&reg, ErrorCode::Conflict, |r| {
        r.abort_ab_test(&abort_req(&t.id, "late"))
    });
    refused(&reg, ErrorCode::Conflict, |r| import(r, &t.id, &file));

    // The models are free again: a new test, then aborted; aborted is final too.
    let t2 = common::start_ab_test(&reg, "model-2", "model-1");
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        r.abort_ab_test(&abort_req(&t2.id, "   "))
    });
    assert!(msg.contains("reason"), "{msg}");
    let aborted = reg
        .abort_ab_test(&abort_req(
            &t2.id,
            "  The router sent every request to A.  ",
        ))
        .unwrap();
    assert_eq!(aborted.status, AbTestStatus::Aborted);
    assert_eq!(
        aborted.abort_reason.as_deref(),
        Some("The router sent every request to A.")
    );
    assert!(aborted.ended_at.is_some() && aborted.outcome.is_none());
    let ev = &reg.model_details("model-1").unwrap().events[0];
    assert_eq!(ev.action, EventAction::AbTestAborted);
    assert_eq!(
        ev.reason.as_deref(),
        Some("The router sent every request to A.")
    );
    let msg = refused(&reg, ErrorCode::Conflict, |r| r.conclude_ab_test(&t2.id));
    assert!(msg.contains("aborted"), "{msg}");
    refused(&reg, ErrorCode::Conflict, |r| {
        r.abort_ab_test(&abort_req(&t2.id, "again"))
    });
    refused(&reg, ErrorCode::Conflict, |r| import(r, &t2.id, &file));
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn one_running_test_per_model_in_the_core_and_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).unwrap();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    for (a, b) in [("model-2", "model-4"), ("model-4", "model-1")] {
        let msg = refused(&reg, ErrorCode::Conflict, |r| {
            r.start_ab_test(&common::ab_request(a, b))
        });
        assert!(msg.contains(&t.id), "{msg}");
    }
    // Archiving a model in a running test is refused.
    let msg = refused(&reg, ErrorCode::Conflict, |r| r.archive("model-1"));
    assert!(msg.contains(&t.id), "{msg}");

    // Another writer that skips the core's check meets the triggers.
    let raw = Connection::open(&path).unwrap();
    let err = raw
        .execute(
            "INSERT INTO ab_tests (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status, started_at)
             SELECT 'ab-test-raw', 'model-4', a.current_version_id, 'model-2', b.current_version_id, 50, 'running', '2025-01-01 00:00:00+00:00'
             FROM models a, models b WHERE a.id = 'model-4' AND b.id = 'model-2'",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("at most one running"), "{err}");
    let err = raw
        .execute(
            "UPDATE ab_tests SET status = 'running', ended_at = NULL WHERE id = ?1",
            [&t.id],
        )
        .map(|_| ())
        .and_then(|_| {
            raw.execute(
                "UPDATE ab_tests SET status = 'aborted', ended_at = 'x', abort_reason = 'x' WHERE id = ?1",
                [&t.id],
            )
            .map(|_| ())
        })
        .and_then(|_| {
            raw.execute(
                "UPDATE ab_tests SET status = 'running', ended_at = NULL, abort_reason = NULL WHERE id = ?1",
                [&t.id],
            )
            .map(|_| ())
        })
        .unwrap_err();
    assert!(err.to_string().contains("can no longer change"), "{err}");

    // The raw writer aborted the test, so the model can be archived now.
    reg.archive("model-1").unwrap();
}

#[test]
fn start_validates_the_analysis_settings() {
    let reg = reg();
    let req = |alpha, mde, power| StartAbTestRequest {
        model_a: "model-1".into(),
        model_b: "model-2".into(),
        traffic_split: 20,
        alpha,
        min_detectable_effect: mde,
        power,
    };
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        r.start_ab_test(&req(Some(0.7), None, None))
    });
    assert!(msg.contains("alpha"), "{msg}");
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        r.start_ab_test(&req(None, Some(0.0), None))
    });
    assert!(msg.contains("minDetectableEffect"), "{msg}");
    refused(&reg, ErrorCode::InvalidInput, |r| {
        r.start_ab_test(&req(None, None, Some(f64::NAN)))
    });
    let t = reg
        .start_ab_test(&req(Some(0.01), Some(0.02), Some(0.9)))
        .unwrap();
    assert_eq!(
        (t.alpha, t.min_detectable_effect, t.power),
        (0.01, 0.02, 0.9)
    );
    let cfg = reg.ab_test_analysis(&t.id).unwrap().config;
    assert_eq!(cfg.traffic_split_b, 0.2);
    assert_eq!(cfg.alpha, 0.01);
}

#[test]
fn upgrading_a_schema_3_registry_turns_stopped_tests_into_aborted_ones() {
    let (_dir, path) = common::registry_at_schema(
        3,
        "INSERT INTO meta VALUES ('demo_seeded_at', 'x');
         INSERT INTO models (id, name, framework, status, created_at) VALUES
           ('m1', 'M1', 'ONNX', 'staging', '2025-01-01 00:00:00+00:00'),
           ('m2', 'M2', 'ONNX', 'staging', '2025-01-01 00:00:00+00:00'),
           ('m3', 'M3', 'ONNX', 'staging', '2025-01-01 00:00:00+00:00');
         INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct, ai_confidence, error_rate, size_bytes, created_at, version_key)
           VALUES ('m1', '1.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k'),
                  ('m2', '2.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k'),
                  ('m3', '3.0.0', 1, 0.9, 10, 10, 99.9, 0.9, 0.01, 1, '2025-01-01 00:00:00+00:00', 'k');
         UPDATE models SET current_version_id = (SELECT id FROM model_versions v WHERE v.model_id = models.id);
         INSERT INTO ab_tests (id, model_a, version_a_id, model_b, version_b_id, traffic_split, status, started_at, stopped_at)
           VALUES ('ab-old', 'm1', 1, 'm2', 2, 30, 'stopped', '2025-01-02 00:00:00+00:00', '2025-01-05 00:00:00+00:00'),
                  ('ab-live', 'm2', 2, 'm3', 3, 50, 'running', '2025-01-06 00:00:00+00:00', NULL);",
    );
    let reg = Registry::open(&path).unwrap();
    assert_eq!(
        reg.schema_version().unwrap(),
        modelops_core::db::LATEST_SCHEMA
    );
    let tests = reg.list_ab_tests().unwrap();
    assert_eq!(tests.len(), 2);
    let live = &tests[0];
    assert_eq!(
        (live.id.as_str(), live.status),
        ("ab-live", AbTestStatus::Running)
    );
    assert_eq!(live.ended_at, None);
    assert_eq!(
        (live.alpha, live.min_detectable_effect, live.power),
        (0.05, 0.01, 0.8)
    );
    let old = &tests[1];
    assert_eq!(
        (old.id.as_str(), old.status),
        ("ab-old", AbTestStatus::Aborted)
    );
    assert_eq!(old.traffic_split, 30);
    assert_eq!(
        old.ended_at.unwrap().to_rfc3339(),
        "2025-01-05T00:00:00+00:00"
    );
    assert!(old
        .abort_reason
        .as_deref()
        .unwrap()
        .contains("Stopped before"));
    assert!(old.outcome.is_none() && old.results.is_empty());
    // The upgraded file keeps working: the running test can be aborted.
    reg.abort_ab_test(&abort_req("ab-live", "upgrade")).unwrap();
}

#[test]
fn a_legacy_running_test_on_a_model_already_running_is_refused_by_name() {
    let reg = reg();
    let t = common::start_ab_test(&reg, "model-1", "model-2");
    let legacy = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/legacy")
            .join(name)
            .display()
            .to_string()
    };
    // ab_tests.json holds a running test of model-1 and model-7.
    let req = modelops_core::import::ImportRequest {
        models_path: legacy("models.json"),
        ab_tests_path: Some(legacy("ab_tests.json")),
    };
    for preview in [true, false] {
        let msg = refused(&reg, ErrorCode::Conflict, |r| {
            if preview {
                r.preview_import(&req)
            } else {
                r.apply_import(&req)
            }
        });
        assert!(msg.contains(&t.id) && msg.contains("model-1"), "{msg}");
    }
}
