//! Optimistic concurrency: an action sent with the state the caller saw (`Expected`) is refused as CONFLICT,
//! changing nothing, when another connection changed the model in between; and goes through when it did not.

mod common;

use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry};

type StaleAction<'a> = Box<dyn Fn() -> modelops_core::Result<()> + 'a>;

/// Two registries on one file, as two windows or the app and the CLI would have.
fn two_handles() -> (tempfile::TempDir, Registry, Registry) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.sqlite3");
    let a = Registry::open(&path).expect("open a");
    let b = Registry::open(&path).expect("open b");
    (dir, a, b)
}

#[test]
fn a_decision_on_stale_state_is_a_conflict_that_changes_nothing() {
    let (_dir, a, b) = two_handles();
    // model-3 is in development in the seed.
    let seen = Expected::of(&a.get_model("model-3").expect("model-3"));
    assert_eq!(seen.status, Status::Development);
    b.promote("model-3").expect("b promotes");

    let stale_actions: Vec<(&str, StaleAction)> = vec![
        (
            "promote",
            Box::new(|| a.promote_expecting("model-3", &seen).map(|_| ())),
        ),
        (
            "deploy",
            Box::new(|| {
                a.deploy_expecting("model-3", DeployTarget::Production, &seen)
                    .map(|_| ())
            }),
        ),
        (
            "archive",
            Box::new(|| a.archive_expecting("model-3", &seen).map(|_| ())),
        ),
        (
            "rollback",
            Box::new(|| {
                let req = RollbackRequest {
                    model_id: "model-3".into(),
                    to_version: None,
                    reason: None,
                    expected: None,
                };
                a.rollback_expecting(&req, &seen).map(|_| ())
            }),
        ),
        (
            "run tests",
            Box::new(|| a.run_tests_expecting("model-3", &seen).map(|_| ())),
        ),
        (
            "register version",
            Box::new(|| {
                let req = common::plain_version("model-3", "99.0.0");
                a.register_version_expecting(&req, &seen).map(|_| ())
            }),
        ),
    ];
    let now = b.get_model("model-3").expect("model-3");
    for (name, act) in stale_actions {
        let before = a.content_fingerprint().expect("fingerprint");
        let err = act().expect_err(name);
        assert_eq!(err.code(), ErrorCode::Conflict, "{name}: {err}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "model-3 changed since you looked: it is now staging {}",
                now.version
            )),
            "{name}: {message}"
        );
        assert_eq!(
            a.content_fingerprint().expect("fingerprint"),
            before,
            "{name}: a refused action changed data"
        );
    }
}

#[test]
fn a_decision_on_current_state_goes_through() {
    let (_dir, a, b) = two_handles();
    let seen = Expected::of(&a.get_model("model-3").expect("model-3"));
    // A test run changes no state, so an expectation taken before it still holds.
    b.run_tests("model-3").expect("b tests");
    let r = a.promote_expecting("model-3", &seen).expect("promote");
    assert_eq!(r.to, Status::Staging);
    // An expectation is no way around the quality gate: model-3's latest run failed.
    let seen = Expected::of(&r.model);
    let blocked = a
        .deploy_expecting("model-3", DeployTarget::Production, &seen)
        .expect_err("gated");
    assert_eq!(blocked.code(), ErrorCode::GateBlocked, "{blocked}");
    // model-2 passes its suite, so it goes through, still as seen.
    let seen = Expected::of(&a.get_model("model-2").expect("model-2"));
    b.run_tests("model-2").expect("b tests model-2");
    let r = a
        .deploy_expecting("model-2", DeployTarget::Production, &seen)
        .expect("deploy");
    assert_eq!(r.model.status, Status::Production);
    assert!(b.verify_audit().expect("verify").ok);
}

#[test]
fn an_expectation_does_not_bypass_the_lifecycle() {
    let reg = Registry::open_in_memory().expect("registry");
    let m = reg.get_model("model-3").expect("model-3");
    let before = reg.content_fingerprint().expect("fingerprint");
    let err = reg
        .deploy_expecting("model-3", DeployTarget::Production, &Expected::of(&m))
        .expect_err("development → production is illegal");
    assert_eq!(err.code(), ErrorCode::IllegalTransition);
    assert_eq!(reg.content_fingerprint().expect("fingerprint"), before);
}
