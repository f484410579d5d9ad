//! Property tests of the lifecycle state machine: random sequences of actions on random models never break
//! its invariants. `PROPTEST_CASES` raises the number of sequences (default 64, to keep CI fast).
//!
//! After every action: the outcome is the one the transition table predicts (and, into production, the quality
//! gate: the current version's latest run must have passed); a refused action changed
//! nothing; each model has exactly one current version and it is one of its versions; the latest event that
//! set a status agrees with the model's status and version; archived models accept nothing; the copies
//! `models` keeps of each row's lookups equal their sources. After every
//! sequence the audit chain verifies.

mod common;

use modelops_core::gates::TestRunsQuery;
use modelops_core::lifecycle::{Action, TRANSITIONS};
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Op {
    Promote,
    DeployStaging,
    DeployProduction,
    Archive,
    Rollback,
    RunTests,
    RegisterVersion,
    /// Any of the above with a stale expectation: must be a conflict.
    Stale,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Promote),
        3 => Just(Op::DeployStaging),
        3 => Just(Op::DeployProduction),
        1 => Just(Op::Archive),
        3 => Just(Op::Rollback),
        2 => Just(Op::RunTests),
        3 => Just(Op::RegisterVersion),
        1 => Just(Op::Stale),
    ]
}

const MODELS: [&str; 4] = ["model-1", "model-2", "model-3", "model-4"];

/// A version greater than every version of the model.
fn next_version(d: &ModelDetails) -> String {
    let major = d
        .versions
        .iter()
        .filter_map(|v| v.version.split('.').next()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{}.0.0", major + 1)
}

fn check_invariants(reg: &Registry) -> Result<(), TestCaseError> {
    // What every row shows is kept in `models` by triggers; it must equal what it copies.
    let wrong = reg.copies_check().expect("copies check");
    prop_assert!(wrong.is_empty(), "{:#?}", wrong);
    for id in MODELS {
        let d = reg.model_details(id).expect("details");
        let m = &d.model;
        prop_assert!(Status::ALL.contains(&m.status));
        let current: Vec<_> = d.versions.iter().filter(|v| v.is_current).collect();
        prop_assert_eq!(
            current.len(),
            1,
            "{} has {} current versions",
            id,
            current.len()
        );
        prop_assert_eq!(&current[0].version, &m.version);
        // Events are newest first; the latest one that set a status set this one.
        let last = d.events.iter().find(|e| e.to_status.is_some());
        if let Some(e) = last {
            prop_assert_eq!(e.to_status, Some(m.status), "{}: last event {:?}", id, e);
            prop_assert_eq!(e.to_version.as_deref(), Some(m.version.as_str()));
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    // No regression files: a failing sequence is printed shrunk, and CI's checkout stays untouched.
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_action_sequences_keep_the_lifecycle_invariants(
        steps in prop::collection::vec((0..MODELS.len(), op()), 1..40)
    ) {
        let reg = Registry::open_in_memory().expect("registry");
        for (i, op) in steps {
            let id = MODELS[i];
            let before = reg.get_model(id).expect("model");
            let fingerprint = reg.content_fingerprint().expect("fingerprint");
            // The quality gate: into production only if the current version's latest run passed.
            let gate_open = reg
                .list_test_runs(&TestRunsQuery { model_id: id.to_owned(), offset: 0, limit: 100 })
                .expect("runs")
                .runs
                .iter()
                .find(|r| r.version == before.version)
                .is_some_and(|r| r.passes_gate);
            let table = |action: Action| {
                TRANSITIONS.iter().find(|(f, a, _)| *f == before.status && *a == action).map(|t| t.2)
            };
            let outcome: Result<(), ErrorCode> = match op {
                Op::Promote | Op::DeployStaging | Op::DeployProduction | Op::Archive => {
                    let (action, result) = match op {
                        Op::Promote => (Action::Promote, reg.promote(id)),
                        Op::DeployStaging => (Action::DeployStaging, reg.deploy(id, DeployTarget::Staging)),
                        Op::DeployProduction => {
                            (Action::DeployProduction, reg.deploy(id, DeployTarget::Production))
                        }
                        _ => (Action::Archive, reg.archive(id)),
                    };
                    match (table(action), &result) {
                        (Some(Status::Production), Ok(_)) if !gate_open => {
                            return Err(TestCaseError::fail(format!("{id}: into production past a closed gate")))
                        }
                        (Some(Status::Production), Err(e)) if !gate_open => {
                            prop_assert_eq!(e.code(), ErrorCode::GateBlocked)
                        }
                        (Some(to), Ok(r)) => prop_assert_eq!(r.model.status, to),
                        (None, Err(e)) => prop_assert_eq!(e.code(), ErrorCode::IllegalTransition),
                        (expected, got) => {
                            return Err(TestCaseError::fail(format!(
                                "{id} {:?} {action:?}: table says {expected:?}, got {got:?}", before.status
                            )))
                        }
                    }
                    result.map(|_| ()).map_err(|e| e.code())
                }
                Op::Rollback => reg
                    .rollback(id)
                    .map(|r| assert_eq!(r.model.status, before.status, "rollback keeps the status"))
                    .map_err(|e| e.code()),
                Op::RunTests => reg.run_tests(id).map(|_| ()).map_err(|e| e.code()),
                Op::RegisterVersion => {
                    let d = reg.model_details(id).expect("details");
                    reg.register_version(&common::plain_version(id, &next_version(&d)))
                    .map(|r| assert_eq!(r.model.status, Status::Development))
                    .map_err(|e| e.code())
                }
                Op::Stale => {
                    let stale = Expected::new(before.status, format!("{}-stale", before.version));
                    let code = reg.promote_expecting(id, &stale).map(|_| ()).map_err(|e| e.code());
                    prop_assert_eq!(code, Err(ErrorCode::Conflict));
                    code
                }
            };
            if before.status == Status::Archived {
                let refused = matches!(outcome, Err(ErrorCode::IllegalTransition | ErrorCode::Conflict));
                prop_assert!(refused, "archived {} accepted {:?}: {:?}", id, op, outcome);
            }
            if let Err(code) = outcome {
                prop_assert!(
                    matches!(
                        code,
                        ErrorCode::IllegalTransition
                            | ErrorCode::NoPreviousVersion
                            | ErrorCode::Conflict
                            | ErrorCode::GateBlocked
                    ),
                    "{} {:?}: unexpected {:?}", id, op, code
                );
                prop_assert_eq!(
                    reg.content_fingerprint().expect("fingerprint"),
                    fingerprint,
                    "refused {:?} on {} changed data", op, id
                );
            }
            check_invariants(&reg)?;
        }
        let audit = reg.verify_audit().expect("verify");
        prop_assert!(audit.ok, "audit chain broken: {:?}", audit.first_broken);
    }
}
