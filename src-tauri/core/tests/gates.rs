//! Quality gates: the suite (validation, storage, migration from the old thresholds), test runs (absolute,
//! regression and artifact checks, skipped checks) and the production gate with its override.

mod common;
use common::refused;

use std::path::Path;

use modelops_core::db::migrations;
use modelops_core::gates::*;
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry, RegistryError};
use rusqlite::Connection;

fn metrics() -> Metrics {
    Metrics {
        accuracy: 0.95,
        latency: 50.0,
        throughput: 100.0,
        uptime: 99.9,
        ai_confidence: 0.9,
        error_rate: 0.005,
    }
}

fn empty() -> Registry {
    Registry::open_in_memory_empty()
        .unwrap()
        .with_actor("tester")
}

/// A new model in development with `m` as its first version's metrics; returns its id.
fn new_model(reg: &Registry, version: &str, m: Metrics, artifact: Option<&Path>) -> String {
    reg.register_model(&RegisterModelRequest {
        name: format!("model {version} {}", m.accuracy),
        framework: "PyTorch".into(),
        version: version.into(),
        metrics: m,
        size_bytes: None,
        artifact_path: artifact.map(|p| p.display().to_string()),
        notes: None,
        tags: vec![],
    })
    .unwrap()
    .model
    .id
}

fn new_version(reg: &Registry, id: &str, version: &str, m: Metrics) {
    reg.register_version(&RegisterVersionRequest {
        model_id: id.into(),
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

fn deploy(
    reg: &Registry,
    id: &str,
    reason: Option<&str>,
) -> Result<TransitionResult, RegistryError> {
    reg.deploy_with(&DeployRequest {
        model_id: id.into(),
        target_env: DeployTarget::Production,
        override_reason: reason.map(str::to_owned),
        expected: None,
    })
}

fn absolute(metric: &str, threshold: f64) -> SuiteCheck {
    SuiteCheck {
        kind: CheckKind::Absolute,
        metric: Some(metric.into()),
        threshold: Some(threshold),
        margin_abs: None,
        margin_rel: None,
        enabled: true,
    }
}

fn regression(metric: &str, abs: Option<f64>, rel: Option<f64>) -> SuiteCheck {
    SuiteCheck {
        kind: CheckKind::Regression,
        metric: Some(metric.into()),
        threshold: None,
        margin_abs: abs,
        margin_rel: rel,
        enabled: true,
    }
}

fn artifact_check() -> SuiteCheck {
    SuiteCheck {
        kind: CheckKind::Artifact,
        metric: None,
        threshold: None,
        margin_abs: None,
        margin_rel: None,
        enabled: true,
    }
}

fn save(reg: &Registry, id: &str, checks: Vec<SuiteCheck>) -> Result<TestSuite, RegistryError> {
    reg.save_test_suite(&SaveSuiteRequest {
        model_id: id.into(),
        checks,
    })
}

fn last_event(reg: &Registry, id: &str) -> Event {
    reg.model_details(id).unwrap().events.remove(0)
}

// ----- the gate -----

#[test]
fn a_version_never_tested_is_blocked() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    let msg = refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));
    assert!(
        msg.contains("1.0.0") && msg.contains("never been tested"),
        "{msg}"
    );
    // The old entry point is gated the same way.
    refused(&reg, ErrorCode::GateBlocked, |r| {
        r.deploy(&id, DeployTarget::Production)
    });
}

#[test]
fn a_failed_latest_run_blocks() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    let mut suite = reg.test_suite(&id).unwrap().checks;
    suite[0] = absolute("accuracy", 0.99);
    save(&reg, &id, suite).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!((run.passed, run.total, run.passes_gate), (4, 5, false));
    let msg = refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));
    assert!(msg.contains("failed with 4/5 checks passed"), "{msg}");
}

#[test]
fn a_passing_run_of_another_version_does_not_count() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    assert!(reg.run_tests(&id).unwrap().passes_gate);
    new_version(&reg, &id, "1.1.0", metrics());
    reg.promote(&id).unwrap();
    let msg = refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));
    assert!(
        msg.contains("1.1.0") && msg.contains("never been tested"),
        "{msg}"
    );
}

#[test]
fn a_passing_run_of_this_version_lets_it_through() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert!(run.passes_gate);
    let res = deploy(&reg, &id, None).unwrap();
    assert_eq!(res.to, Status::Production);
    let ev = last_event(&reg, &id);
    assert_eq!(ev.action, EventAction::Deployed);
    assert_eq!(ev.reason, None);
    let detail = ev.detail.unwrap_or_default();
    assert!(
        detail.contains("quality gate passed") && detail.contains(&format!("#{}", run.id)),
        "{detail}"
    );
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn a_later_failing_run_blocks_again() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    assert!(reg.run_tests(&id).unwrap().passes_gate);
    save(&reg, &id, vec![absolute("latency", 10.0)]).unwrap();
    assert!(!reg.run_tests(&id).unwrap().passes_gate);
    let msg = refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));
    assert!(msg.contains("failed with 0/1 checks passed"), "{msg}");
}

#[test]
fn a_run_that_checked_nothing_does_not_pass() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    // No production version yet: the only check is skipped.
    save(&reg, &id, vec![regression("accuracy", Some(0.01), None)]).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!((run.passed, run.total, run.skipped), (0, 0, 1));
    assert!(!run.passes_gate);
    let msg = refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));
    assert!(msg.contains("checked nothing"), "{msg}");
}

#[test]
fn an_override_needs_a_reason() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    for reason in ["", "   \n "] {
        let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
            deploy(r, &id, Some(reason))
        });
        assert!(msg.contains("needs a reason"), "{msg}");
    }
    let long = "x".repeat(1001);
    refused(&reg, ErrorCode::InvalidInput, |r| {
        deploy(r, &id, Some(&long))
    });
}

#[test]
fn an_override_with_a_reason_deploys_and_the_audit_log_says_why() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    let res = deploy(&reg, &id, Some("  hotfix for incident 42  ")).unwrap();
    assert_eq!(res.to, Status::Production);
    let ev = last_event(&reg, &id);
    assert_eq!(ev.reason.as_deref(), Some("hotfix for incident 42"));
    let detail = ev.detail.unwrap_or_default();
    assert!(
        detail.contains("quality gate overridden") && detail.contains("never been tested"),
        "{detail}"
    );
    assert_eq!(ev.actor, "tester");
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn the_gate_does_not_hide_an_illegal_transition() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    refused(&reg, ErrorCode::IllegalTransition, |r| {
        deploy(r, &id, Some("reason"))
    });
    // Staging is not gated.
    reg.deploy(&id, DeployTarget::Staging).unwrap();
}

#[test]
fn rollback_is_not_gated_and_its_event_says_whether_the_target_passed() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    reg.promote(&id).unwrap();
    deploy(&reg, &id, Some("first release")).unwrap();
    new_version(&reg, &id, "1.1.0", metrics());
    reg.promote(&id).unwrap();
    assert!(reg.run_tests(&id).unwrap().passes_gate);
    deploy(&reg, &id, None).unwrap();
    // 1.0.0 was never tested, yet rollback (the emergency path) takes production back to it.
    let res = reg.rollback(&id).unwrap();
    assert_eq!(res.rolled_back_to, "1.0.0");
    let ev = last_event(&reg, &id);
    assert_eq!(ev.action, EventAction::RolledBack);
    let detail = ev.detail.unwrap_or_default();
    assert!(
        detail.contains("not applied") && detail.contains("never been tested"),
        "{detail}"
    );
}

// ----- regression checks -----

fn vm(accuracy: f64, latency: f64) -> VersionMetrics {
    VersionMetrics {
        accuracy,
        latency,
        error_rate: 0.01,
        uptime: 99.9,
        ai_confidence: 0.9,
    }
}

fn outcome_of(
    check: SuiteCheck,
    observed: VersionMetrics,
    baseline: VersionMetrics,
) -> CheckResult {
    let base = Baseline {
        version: "1.0.0".into(),
        metrics: baseline,
    };
    let mut r = evaluate(
        &[check],
        "1.1.0",
        &observed,
        Some(&base),
        &ArtifactProbe::NotRecorded,
    );
    assert_eq!(r.len(), 1);
    r.remove(0)
}

#[test]
fn regression_margins_absolute_and_relative_in_both_directions() {
    let base = vm(0.90, 50.0);
    // Higher is better: accuracy may drop by the margin, not more. At the limit passes.
    let cases = [
        (
            regression("accuracy", Some(0.02), None),
            vm(0.88, 50.0),
            Outcome::Passed,
        ),
        (
            regression("accuracy", Some(0.01), None),
            vm(0.88, 50.0),
            Outcome::Failed,
        ),
        (
            regression("accuracy", None, Some(0.10)),
            vm(0.81, 50.0),
            Outcome::Passed,
        ),
        (
            regression("accuracy", None, Some(0.05)),
            vm(0.81, 50.0),
            Outcome::Failed,
        ),
        (
            regression("accuracy", Some(0.0), None),
            vm(0.99, 50.0),
            Outcome::Passed,
        ),
        // Lower is better: latency may rise by the margin, not more; a drop always passes.
        (
            regression("latency", Some(5.0), None),
            vm(0.9, 55.0),
            Outcome::Passed,
        ),
        (
            regression("latency", Some(4.0), None),
            vm(0.9, 55.0),
            Outcome::Failed,
        ),
        (
            regression("latency", None, Some(0.10)),
            vm(0.9, 55.0),
            Outcome::Passed,
        ),
        (
            regression("latency", None, Some(0.05)),
            vm(0.9, 55.0),
            Outcome::Failed,
        ),
        (
            regression("latency", Some(0.0), None),
            vm(0.9, 10.0),
            Outcome::Passed,
        ),
    ];
    for (check, observed, expected) in cases {
        let desc = format!("{check:?} on {observed:?}");
        let r = outcome_of(check, observed, base);
        assert_eq!(r.outcome, expected, "{desc}: {r:?}");
        assert_eq!(r.passed, expected == Outcome::Passed);
        assert_eq!(r.kind, CheckKind::Regression);
    }
    let r = outcome_of(regression("latency", None, Some(0.10)), vm(0.9, 55.0), base);
    assert_eq!(r.comparator, Some(Comparator::AtMost));
    assert!((r.threshold.unwrap() - 55.0).abs() < 1e-9);
    let r = outcome_of(
        regression("accuracy", Some(0.02), None),
        vm(0.88, 50.0),
        base,
    );
    assert_eq!(r.comparator, Some(Comparator::AtLeast));
    assert!((r.threshold.unwrap() - 0.88).abs() < 1e-9);
}

#[test]
fn regression_is_skipped_without_a_production_version_or_against_itself() {
    let check = regression("accuracy", Some(0.01), None);
    let none = evaluate(
        std::slice::from_ref(&check),
        "1.0.0",
        &vm(0.5, 50.0),
        None,
        &ArtifactProbe::NotRecorded,
    );
    assert_eq!(none[0].outcome, Outcome::Skipped);
    let itself = Baseline {
        version: "1.0.0".into(),
        metrics: vm(0.9, 50.0),
    };
    let same = evaluate(
        &[check],
        "1.0.0",
        &vm(0.5, 50.0),
        Some(&itself),
        &ArtifactProbe::NotRecorded,
    );
    assert_eq!(same[0].outcome, Outcome::Skipped);
    assert!(!same[0].passed);
}

#[test]
fn a_run_compares_with_the_last_production_version() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    save(
        &reg,
        &id,
        vec![
            regression("accuracy", Some(0.01), None),
            regression("latency", None, Some(0.10)),
        ],
    )
    .unwrap();
    reg.promote(&id).unwrap();
    deploy(&reg, &id, Some("first release, nothing to compare with")).unwrap();
    // In production itself: nothing to compare with.
    let run = reg.run_tests(&id).unwrap();
    assert_eq!((run.total, run.skipped), (0, 2));
    new_version(
        &reg,
        &id,
        "1.1.0",
        Metrics {
            accuracy: 0.93,
            latency: 54.0,
            ..metrics()
        },
    );
    reg.promote(&id).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!(run.baseline_version.as_deref(), Some("1.0.0"));
    let outcomes: Vec<_> = run.checks.iter().map(|c| (c.metric, c.outcome)).collect();
    assert_eq!(
        outcomes,
        vec![
            (Some(Metric::Accuracy), Outcome::Failed),
            (Some(Metric::Latency), Outcome::Passed)
        ]
    );
    assert_eq!((run.passed, run.total, run.skipped), (1, 2, 0));
    let stored = reg
        .list_test_runs(&TestRunsQuery {
            model_id: id.clone(),
            offset: 0,
            limit: 1,
        })
        .unwrap();
    assert_eq!(stored.runs, vec![run.clone()]);
    let snapshot = run.suite.expect("the run records its suite");
    assert_eq!(snapshot, reg.test_suite(&id).unwrap().checks);
}

// ----- artifact checks -----

#[test]
fn artifact_missing_resized_or_altered_fails_and_intact_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.onnx");
    std::fs::write(&path, b"weights v1").unwrap();
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), Some(&path));
    save(&reg, &id, vec![artifact_check()]).unwrap();
    let aspects = |run: &TestRun| -> Vec<(ArtifactAspect, Outcome)> {
        run.checks
            .iter()
            .map(|c| (c.aspect.unwrap(), c.outcome))
            .collect()
    };

    let run = reg.run_tests(&id).unwrap();
    assert!(run.passes_gate);
    assert_eq!(
        aspects(&run),
        vec![
            (ArtifactAspect::Present, Outcome::Passed),
            (ArtifactAspect::Size, Outcome::Passed),
            (ArtifactAspect::Sha256, Outcome::Passed)
        ]
    );

    // Same size, different bytes: only the hash catches it.
    std::fs::write(&path, b"weights v2").unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!(
        aspects(&run),
        vec![
            (ArtifactAspect::Present, Outcome::Passed),
            (ArtifactAspect::Size, Outcome::Passed),
            (ArtifactAspect::Sha256, Outcome::Failed)
        ]
    );
    assert!(!run.passes_gate);

    std::fs::write(&path, b"weights v1 and more").unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!(run.checks[1].outcome, Outcome::Failed);
    assert_eq!(run.checks[1].observed, Some(19.0));
    assert_eq!(run.checks[1].threshold, Some(10.0));
    assert!(!run.passes_gate);

    std::fs::remove_file(&path).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!(
        aspects(&run),
        vec![
            (ArtifactAspect::Present, Outcome::Failed),
            (ArtifactAspect::Size, Outcome::Skipped),
            (ArtifactAspect::Sha256, Outcome::Skipped)
        ]
    );
    assert_eq!((run.passed, run.total, run.skipped), (0, 1, 2));
    reg.promote(&id).unwrap();
    refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, &id, None));

    // Put back as registered: passes again, and the gate opens.
    std::fs::write(&path, b"weights v1").unwrap();
    assert!(reg.run_tests(&id).unwrap().passes_gate);
    deploy(&reg, &id, None).unwrap();
}

#[test]
fn the_artifact_check_is_skipped_for_a_version_without_an_artifact() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    let mut suite = reg.test_suite(&id).unwrap().checks;
    suite.push(artifact_check());
    save(&reg, &id, suite).unwrap();
    let run = reg.run_tests(&id).unwrap();
    assert_eq!((run.passed, run.total, run.skipped), (5, 5, 1));
    assert!(run.passes_gate);
    assert_eq!(run.checks[5].outcome, Outcome::Skipped);
}

// ----- the suite -----

#[test]
fn a_new_model_starts_with_the_five_default_thresholds() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    let suite = reg.test_suite(&id).unwrap().checks;
    assert_eq!(
        suite,
        vec![
            absolute("accuracy", 0.90),
            absolute("latency", 100.0),
            absolute("errorRate", 0.01),
            absolute("uptime", 99.5),
            absolute("aiConfidence", 0.85),
        ]
    );
}

#[test]
fn bad_suites_are_refused_and_change_nothing() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    let bad: Vec<(Vec<SuiteCheck>, &str)> = vec![
        (vec![absolute("accuracy", 1.5)], "between 0 and 1"),
        (vec![absolute("uptime", -1.0)], "between 0 and 100"),
        (vec![absolute("latency", -5.0)], "at least 0"),
        (vec![absolute("latency", f64::NAN)], "must be a number"),
        (vec![absolute("f1", 0.5)], "unknown metric \"f1\""),
        (
            vec![regression("accuracy", Some(-0.1), None)],
            "must not be negative",
        ),
        (
            vec![regression("latency", None, Some(-0.1))],
            "between 0 % and 1000 %",
        ),
        (vec![regression("accuracy", Some(2.0), None)], "at most 1"),
        (
            vec![regression("accuracy", None, None)],
            "exactly one margin",
        ),
        (
            vec![regression("accuracy", Some(0.01), Some(0.01))],
            "exactly one margin",
        ),
        (
            vec![SuiteCheck {
                threshold: Some(0.5),
                ..regression("accuracy", Some(0.01), None)
            }],
            "not a threshold",
        ),
        (
            vec![SuiteCheck {
                metric: None,
                ..absolute("accuracy", 0.5)
            }],
            "choose a metric",
        ),
        (
            vec![SuiteCheck {
                metric: Some("accuracy".into()),
                ..artifact_check()
            }],
            "takes no metric",
        ),
        (
            vec![absolute("accuracy", 0.9), absolute("accuracy", 0.8)],
            "already has this check",
        ),
        (vec![artifact_check(); 2], "already has this check"),
        (vec![absolute("accuracy", 0.9); 51], "at most 50"),
    ];
    for (checks, expected) in bad {
        let msg = refused(&reg, ErrorCode::InvalidInput, |r| save(r, &id, checks));
        assert!(msg.contains(expected), "{msg:?} should say {expected:?}");
    }
    let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
        save(
            r,
            &id,
            vec![
                absolute("accuracy", 0.9),
                regression("latency", Some(-1.0), None),
            ],
        )
    });
    assert!(msg.starts_with("Check 2 (regression latency)"), "{msg}");
    refused(&reg, ErrorCode::NotFound, |r| {
        save(r, "model-404", vec![absolute("accuracy", 0.9)])
    });
}

#[test]
fn a_saved_suite_is_what_runs_and_disabled_checks_do_not() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    let suite = vec![
        absolute("accuracy", 0.96),
        SuiteCheck {
            enabled: false,
            ..absolute("latency", 1.0)
        },
        regression("uptime", None, Some(0.01)),
        artifact_check(),
    ];
    let saved = save(&reg, &id, suite.clone()).unwrap();
    assert_eq!(saved.checks, suite);
    assert_eq!(reg.test_suite(&id).unwrap().checks, suite);
    let run = reg.run_tests(&id).unwrap();
    let kinds: Vec<_> = run.checks.iter().map(|c| (c.kind, c.outcome)).collect();
    assert_eq!(
        kinds,
        vec![
            (CheckKind::Absolute, Outcome::Failed),
            (CheckKind::Regression, Outcome::Skipped),
            (CheckKind::Artifact, Outcome::Skipped),
        ]
    );
    // The threshold shown with the model follows the suite.
    assert_eq!(
        reg.model_details(&id).unwrap().thresholds.min_accuracy,
        0.96
    );
}

#[test]
fn test_runs_are_listed_newest_first_in_pages() {
    let reg = empty();
    let id = new_model(&reg, "1.0.0", metrics(), None);
    let ids: Vec<i64> = (0..5).map(|_| reg.run_tests(&id).unwrap().id).collect();
    let page = |offset, limit| {
        reg.list_test_runs(&TestRunsQuery {
            model_id: id.clone(),
            offset,
            limit,
        })
    };
    let first = page(0, 2).unwrap();
    assert_eq!(first.total, 5);
    assert_eq!(
        first.runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let last = page(4, 2).unwrap();
    assert_eq!(
        last.runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    refused(&reg, ErrorCode::InvalidInput, |_| page(0, 0));
    refused(&reg, ErrorCode::InvalidInput, |_| page(0, 101));
    refused(&reg, ErrorCode::NotFound, |r| {
        r.list_test_runs(&TestRunsQuery {
            model_id: "nope".into(),
            offset: 0,
            limit: 10,
        })
    });
}

// ----- migration -----

#[test]
fn a_schema_3_registry_keeps_its_thresholds_as_its_suite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let mut raw = Connection::open(&path).unwrap();
        migrations().to_version(&mut raw, 3).unwrap();
        raw.execute_batch(
            "INSERT INTO meta VALUES ('demo_seeded_at', '2025-01-01T00:00:00Z');
             INSERT INTO models (id, name, framework, status, created_at, min_accuracy, max_latency_ms,
                 max_error_rate, min_uptime_pct, min_ai_confidence)
                 VALUES ('m-old', 'Old model', 'PyTorch', 'staging', '2025-01-01 00:00:00+00:00',
                         0.8, 30, 0.02, 99, 0.7);
             INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps,
                 uptime_pct, ai_confidence, error_rate, size_bytes, created_at)
             VALUES ('m-old', '1.0.0', 1, 0.85, 20, 100, 99.9, 0.8, 0.01, 1000, '2025-01-01 00:00:00+00:00');
             UPDATE models SET current_version_id = (SELECT max(id) FROM model_versions);
             INSERT INTO test_runs (model_id, version_id, run_at, passed, total)
                 VALUES ('m-old', 1, '2025-01-02 00:00:00+00:00', 4, 5);
             INSERT INTO test_checks (run_id, position, metric, comparator, observed, threshold, passed)
                 VALUES (1, 0, 'accuracy', '>=', 0.85, 0.8, 1), (1, 1, 'latency', '<=', 20, 10, 0);",
        )
        .unwrap();
    }
    let reg = Registry::open(&path).unwrap();
    assert_eq!(
        reg.schema_version().unwrap(),
        modelops_core::db::LATEST_SCHEMA
    );
    assert_eq!(
        reg.test_suite("m-old").unwrap().checks,
        vec![
            absolute("accuracy", 0.8),
            absolute("latency", 30.0),
            absolute("errorRate", 0.02),
            absolute("uptime", 99.0),
            absolute("aiConfidence", 0.7),
        ]
    );
    // The old run survives, readable, and still blocks the gate (4/5).
    let runs = reg
        .list_test_runs(&TestRunsQuery {
            model_id: "m-old".into(),
            offset: 0,
            limit: 10,
        })
        .unwrap();
    let old = &runs.runs[0];
    assert_eq!(
        (old.passed, old.total, old.skipped, old.suite.as_ref()),
        (4, 5, 0, None)
    );
    assert_eq!(
        old.checks.iter().map(|c| c.outcome).collect::<Vec<_>>(),
        vec![Outcome::Passed, Outcome::Failed]
    );
    assert_eq!(old.checks[1].threshold, Some(10.0));
    refused(&reg, ErrorCode::GateBlocked, |r| deploy(r, "m-old", None));
    // The migrated suite runs as the thresholds did: everything passes now.
    assert!(reg.run_tests("m-old").unwrap().passes_gate);
    deploy(&reg, "m-old", None).unwrap();
}
