//! Behaviour of the registry core: seed, lifecycle, rollback, checks, A/B tests, CSV, and that every refused
//! action leaves the database exactly as it was.

mod common;
use common::{refused, reg};

use modelops_core::lifecycle::{Action, TRANSITIONS};
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry, RegistryError};

fn model(reg: &Registry, id: &str) -> Model {
    reg.get_model(id).expect("model exists")
}

#[test]
fn seeds_the_four_demo_models_of_the_seed() {
    let reg = reg();
    let list = reg.list_models().unwrap();
    assert_eq!(list.total, 4);
    let got: Vec<_> = list
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.name.as_str(), m.version.as_str(), m.status))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "model-1",
                "TGNN - Attack Surface Model",
                "2.1.0",
                Status::Production
            ),
            (
                "model-2",
                "Graph Neural Network - Threat Detection",
                "1.8.5",
                Status::Staging
            ),
            (
                "model-3",
                "Anomaly Detection - Behavioral",
                "3.0.0",
                Status::Development
            ),
            (
                "model-4",
                "Ensemble - Multi-Model Predictor",
                "1.5.2",
                Status::Production
            ),
        ]
    );
    let m1 = &list.models[0];
    assert_eq!(
        (
            m1.accuracy,
            m1.latency,
            m1.throughput,
            m1.uptime,
            m1.ai_confidence,
            m1.error_rate
        ),
        (0.94, 45.0, 1500.0, 99.85, 0.92, 0.001)
    );
    assert_eq!(
        (m1.framework.as_str(), m1.size.as_str()),
        ("MindSpore", "2.5GB")
    );
    assert_eq!(m1.previous_version.as_deref(), Some("2.0.9"));
    assert!(
        list.models.iter().all(|m| m.is_demo),
        "seeded models are marked demo"
    );
    assert!(list
        .models
        .iter()
        .all(|m| m.last_tested_at.is_none() && m.last_test.is_none()));
    assert_eq!(list.models[2].previous_version, None);
}

#[test]
fn summary_counts_come_from_the_registry() {
    let reg = reg();
    let s = reg.summary().unwrap();
    assert_eq!(
        (s.total, s.development, s.staging, s.production, s.archived),
        (4, 1, 1, 2, 0)
    );
    assert_eq!(s.running_ab_tests, 0);
    assert_eq!(s.untested, 4);
    let avg = s.production_avg_accuracy.unwrap();
    assert!((avg - (0.94 + 0.96) / 2.0).abs() < 1e-12);
    reg.run_tests("model-3").unwrap(); // fails some checks
    reg.archive("model-4").unwrap();
    let s = reg.summary().unwrap();
    assert_eq!(
        (s.production, s.archived, s.failing_tests, s.untested),
        (1, 1, 1, 2)
    );
}

/// Puts a model of a fresh registry into `status` by legal steps and returns its id.
fn model_in(reg: &Registry, status: Status) -> &'static str {
    match status {
        Status::Development => "model-3",
        Status::Staging => "model-2",
        Status::Production => "model-1",
        Status::Archived => {
            reg.archive("model-3").unwrap();
            "model-3"
        }
    }
}

fn apply(reg: &Registry, id: &str, action: Action) -> Result<TransitionResult, RegistryError> {
    match action {
        Action::Promote => reg.promote(id),
        Action::DeployStaging => reg.deploy(id, DeployTarget::Staging),
        Action::DeployProduction => reg.deploy(id, DeployTarget::Production),
        Action::Archive => reg.archive(id),
    }
}

#[test]
fn every_legal_and_illegal_transition() {
    let mut legal = 0;
    let mut illegal = 0;
    for from in Status::ALL {
        for action in Action::ALL {
            let reg = reg();
            let id = model_in(&reg, from);
            assert_eq!(model(&reg, id).status, from);
            let expected = TRANSITIONS
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|t| t.2);
            match expected {
                Some(to) => {
                    legal += 1;
                    if action == Action::DeployProduction {
                        // Production is gated on a passing run of the version (tests/gates.rs).
                        assert!(reg.run_tests(id).unwrap().passes_gate);
                    }
                    let before = model(&reg, id);
                    let res = apply(&reg, id, action).unwrap();
                    assert_eq!((res.from, res.to, res.model.status), (from, to, to));
                    assert_eq!(model(&reg, id).status, to, "{from:?} {action:?} persisted");
                    assert_eq!(
                        res.model.version, before.version,
                        "a transition keeps the version"
                    );
                    let details = reg.model_details(id).unwrap();
                    let ev = &details.events[0];
                    assert_eq!((ev.from_status, ev.to_status), (Some(from), Some(to)));
                    if matches!(to, Status::Staging | Status::Production) {
                        assert!(
                            res.model.deployed_at > before.deployed_at,
                            "deployedAt recorded"
                        );
                    }
                }
                None => {
                    illegal += 1;
                    let msg = refused(&reg, ErrorCode::IllegalTransition, |r| apply(r, id, action));
                    assert!(msg.contains(id), "message names the model: {msg}");
                }
            }
        }
    }
    assert_eq!((legal, illegal), (6, 10));
}

#[test]
fn development_to_production_says_to_promote_first() {
    let reg = reg();
    let msg = refused(&reg, ErrorCode::IllegalTransition, |r| {
        r.deploy("model-3", DeployTarget::Production)
    });
    assert!(msg.contains("Promote it to staging first"), "{msg}");
}

#[test]
fn unknown_model_is_not_found_everywhere() {
    let reg = reg();
    let id = "model-404";
    refused(&reg, ErrorCode::NotFound, |r| r.promote(id));
    refused(&reg, ErrorCode::NotFound, |r| {
        r.deploy(id, DeployTarget::Production)
    });
    refused(&reg, ErrorCode::NotFound, |r| r.archive(id));
    refused(&reg, ErrorCode::NotFound, |r| r.rollback(id));
    refused(&reg, ErrorCode::NotFound, |r| r.run_tests(id));
    refused(&reg, ErrorCode::NotFound, |r| r.model_details(id));
    refused(&reg, ErrorCode::NotFound, |r| {
        r.abort_ab_test(&modelops_core::ab::AbortAbTestRequest {
            test_id: "ab-test-00000000".into(),
            reason: "gone".into(),
        })
    });
    let msg = refused(&reg, ErrorCode::NotFound, |r| {
        r.start_ab_test(&StartAbTestRequest {
            model_a: "model-1".into(),
            model_b: id.into(),
            traffic_split: 50,
            alpha: None,
            min_detectable_effect: None,
            power: None,
        })
    });
    assert!(msg.contains(id));
}

#[test]
fn rollback_restores_the_previous_version_and_its_metrics() {
    let reg = reg();
    let before = model(&reg, "model-1");
    let res = reg.rollback("model-1").unwrap();
    assert_eq!(
        (res.rolled_back_from.as_str(), res.rolled_back_to.as_str()),
        ("2.1.0", "2.0.9")
    );
    let m = model(&reg, "model-1");
    assert_eq!(m.version, "2.0.9");
    assert_eq!(
        m.status,
        Status::Production,
        "rollback keeps the environment"
    );
    assert_eq!(
        (
            m.accuracy,
            m.latency,
            m.throughput,
            m.uptime,
            m.ai_confidence,
            m.error_rate,
            m.size.as_str()
        ),
        (0.93, 48.0, 1420.0, 99.81, 0.91, 0.0015, "2.4GB")
    );
    // What was in production before 2.0.9 (again) is 2.1.0: rolling back twice toggles.
    assert_eq!(m.previous_version.as_deref(), Some("2.1.0"));
    assert!(
        m.deployed_at > before.deployed_at,
        "the older version was redeployed"
    );
    assert_eq!(res.model, m);
    let ev = &reg.model_details("model-1").unwrap().events[0];
    assert_eq!(ev.action, EventAction::RolledBack);
    assert_eq!(
        (ev.from_version.as_deref(), ev.to_version.as_deref()),
        (Some("2.1.0"), Some("2.0.9"))
    );
    assert_eq!(ev.actor, reg.actor());
    assert!(ev.before_json.as_deref().unwrap_or("").contains("2.1.0"));
    assert!(ev.after_json.as_deref().unwrap_or("").contains("2.0.9"));
    let again = reg.rollback("model-1").unwrap();
    assert_eq!(
        (
            again.rolled_back_from.as_str(),
            again.rolled_back_to.as_str()
        ),
        ("2.0.9", "2.1.0")
    );
}

#[test]
fn rollback_without_previous_version_is_refused() {
    let reg = reg();
    refused(&reg, ErrorCode::NoPreviousVersion, |r| {
        r.rollback("model-3")
    });
}

#[test]
fn archived_models_are_read_only() {
    let reg = reg();
    reg.archive("model-1").unwrap();
    refused(&reg, ErrorCode::IllegalTransition, |r| {
        r.rollback("model-1")
    });
    refused(&reg, ErrorCode::IllegalTransition, |r| {
        r.run_tests("model-1")
    });
    refused(&reg, ErrorCode::IllegalTransition, |r| {
        r.start_ab_test(&StartAbTestRequest {
            model_a: "model-1".into(),
            model_b: "model-2".into(),
            traffic_split: 50,
            alpha: None,
            min_detectable_effect: None,
            power: None,
        })
    });
}

#[test]
fn run_tests_checks_current_metrics_against_thresholds() {
    let reg = reg();
    let run = reg.run_tests("model-3").unwrap();
    let outcome: Vec<_> = run
        .checks
        .iter()
        .map(|c| (c.metric, c.observed, c.threshold, c.passed))
        .collect();
    assert_eq!(
        outcome,
        vec![
            (Some(Metric::Accuracy), Some(0.87), Some(0.90), false),
            (Some(Metric::Latency), Some(120.0), Some(100.0), false),
            (Some(Metric::ErrorRate), Some(0.008), Some(0.01), true),
            (Some(Metric::Uptime), Some(99.6), Some(99.5), true),
            (Some(Metric::AiConfidence), Some(0.84), Some(0.85), false),
        ]
    );
    assert_eq!(
        (run.passed, run.total, run.version.as_str()),
        (2, 5, "3.0.0")
    );
    assert!((run.success_rate - 0.4).abs() < 1e-12);
    let m = model(&reg, "model-3");
    assert_eq!(m.last_tested_at, Some(run.run_at));
    assert_eq!(
        m.last_test,
        Some(TestSummary {
            passed: 2,
            total: 5,
            version: "3.0.0".into()
        })
    );
    let details = reg.model_details("model-3").unwrap();
    assert_eq!(details.test_runs, vec![run]);
    assert_eq!(details.events[0].action, EventAction::Tested);

    let all_pass = reg.run_tests("model-1").unwrap();
    assert_eq!((all_pass.passed, all_pass.total), (5, 5));
}

#[test]
fn each_check_passes_at_its_threshold_and_fails_beyond_it() {
    use modelops_core::checks::{evaluate, Observed};
    let t = Thresholds::default();
    let at = Observed {
        accuracy: t.min_accuracy,
        latency: t.max_latency,
        error_rate: t.max_error_rate,
        uptime: t.min_uptime,
        ai_confidence: t.min_ai_confidence,
    };
    assert!(
        evaluate(&at, &t).iter().all(|c| c.passed),
        "exactly at the threshold passes"
    );
    let worse: [(Metric, Observed); 5] = [
        (
            Metric::Accuracy,
            Observed {
                accuracy: 0.8999,
                ..at
            },
        ),
        (
            Metric::Latency,
            Observed {
                latency: 100.01,
                ..at
            },
        ),
        (
            Metric::ErrorRate,
            Observed {
                error_rate: 0.0101,
                ..at
            },
        ),
        (
            Metric::Uptime,
            Observed {
                uptime: 99.49,
                ..at
            },
        ),
        (
            Metric::AiConfidence,
            Observed {
                ai_confidence: 0.8499,
                ..at
            },
        ),
    ];
    for (metric, obs) in worse {
        let checks = evaluate(&obs, &t);
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.metric)
            .collect();
        assert_eq!(failed, vec![metric]);
    }
}

fn ab(a: &str, b: &str, split: i64) -> StartAbTestRequest {
    StartAbTestRequest {
        model_a: a.into(),
        model_b: b.into(),
        traffic_split: split,
        alpha: None,
        min_detectable_effect: None,
        power: None,
    }
}

#[test]
fn ab_test_validation() {
    let reg = reg();
    for split in [0, 100, -5, 1000] {
        let msg = refused(&reg, ErrorCode::InvalidInput, |r| {
            r.start_ab_test(&ab("model-1", "model-2", split))
        });
        assert!(msg.contains("between 1 and 99"), "{msg}");
    }
    refused(&reg, ErrorCode::InvalidInput, |r| {
        r.start_ab_test(&ab("model-1", "model-1", 50))
    });
    let t = reg.start_ab_test(&ab("model-1", "model-2", 1)).unwrap();
    assert_eq!(t.id.len(), "ab-test-".len() + 8);
    assert!(t.id.starts_with("ab-test-") && t.id[8..].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!((t.traffic_split, t.status), (1, AbTestStatus::Running));
    assert_eq!(
        (t.version_a.as_str(), t.version_b.as_str()),
        ("2.1.0", "1.8.5")
    );
    // Either model already in a running test.
    refused(&reg, ErrorCode::Conflict, |r| {
        r.start_ab_test(&ab("model-2", "model-3", 50))
    });
    refused(&reg, ErrorCode::Conflict, |r| {
        r.start_ab_test(&ab("model-4", "model-1", 50))
    });
    let msg = refused(&reg, ErrorCode::Conflict, |r| r.archive("model-2"));
    assert!(msg.contains(&t.id), "{msg}");
    let t2 = reg.start_ab_test(&ab("model-3", "model-4", 99)).unwrap();
    assert_eq!(reg.list_ab_tests().unwrap().len(), 2);
    assert_eq!(reg.summary().unwrap().running_ab_tests, 2);

    let abort = |id: &str| modelops_core::ab::AbortAbTestRequest {
        test_id: id.into(),
        reason: "wrong traffic split".into(),
    };
    let stopped = reg.abort_ab_test(&abort(&t.id)).unwrap();
    assert_eq!(stopped.status, AbTestStatus::Aborted);
    assert!(stopped.ended_at.is_some());
    refused(&reg, ErrorCode::Conflict, |r| {
        r.abort_ab_test(&abort(&t.id))
    });
    let listed = reg.list_ab_tests().unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        vec![t2.id.as_str(), t.id.as_str()]
    );
    reg.archive("model-2").unwrap();
    let details = reg.model_details("model-1").unwrap();
    assert_eq!(details.ab_tests, vec![stopped]);
    let actions: Vec<_> = details.events.iter().take(2).map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![EventAction::AbTestAborted, EventAction::AbTestStarted]
    );
}

#[test]
fn details_carry_versions_events_and_runs() {
    let reg = reg();
    reg.run_tests("model-1").unwrap();
    reg.rollback("model-1").unwrap();
    reg.run_tests("model-1").unwrap();
    let d = reg.model_details("model-1").unwrap();
    assert_eq!(d.thresholds, Thresholds::default());
    let versions: Vec<_> = d
        .versions
        .iter()
        .map(|v| (v.version.as_str(), v.is_current))
        .collect();
    assert_eq!(versions, vec![("2.1.0", false), ("2.0.9", true)]);
    assert_eq!(d.test_runs.len(), 2);
    assert_eq!(d.test_runs[0].version, "2.0.9");
    assert_eq!(d.test_runs[1].version, "2.1.0");
    let actions: Vec<_> = d.events.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            EventAction::Tested,
            EventAction::RolledBack,
            EventAction::Tested,
            EventAction::Deployed,
            EventAction::Registered,
            EventAction::Deployed,
            EventAction::Registered
        ]
    );
    // Each version knows where and when it was deployed.
    let envs: Vec<Vec<Status>> = d
        .versions
        .iter()
        .map(|v| v.deployments.iter().map(|x| x.environment).collect())
        .collect();
    assert_eq!(
        envs,
        vec![
            vec![Status::Production],
            vec![Status::Production, Status::Production]
        ]
    );
    assert_eq!(d.versions[1].deployments[1].action, EventAction::RolledBack);
}

#[test]
fn lifecycle_doc_matches_the_code() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/lifecycle.md"
    ))
    .expect("docs/lifecycle.md exists");
    let table = modelops_core::lifecycle::markdown_table();
    assert!(
        doc.contains(&table),
        "docs/lifecycle.md is stale; its table should be:\n{table}"
    );
}
