//! Importing the legacy app's JSON files: preview, all-or-nothing apply, idempotence, and errors that say
//! where a file is wrong.

use std::path::{Path, PathBuf};

use modelops_core::import::{ImportAction, ImportRequest};
use modelops_core::types::Status;
use modelops_core::{ErrorCode, Registry};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/legacy")
        .join(name)
        .display()
        .to_string()
}

fn req(models: &str, ab: Option<&str>) -> ImportRequest {
    ImportRequest {
        models_path: models.to_owned(),
        ab_tests_path: ab.map(str::to_owned),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn preview_then_apply_then_apply_again_changes_nothing() {
    let reg = Registry::open_in_memory().unwrap();
    let r = req(&fixture("models.json"), Some(&fixture("ab_tests.json")));
    let before = reg.content_fingerprint().unwrap();
    let plan = reg.preview_import(&r).unwrap();
    assert!(
        reg.content_fingerprint().unwrap() == before,
        "a preview writes nothing"
    );
    let actions: Vec<(&str, ImportAction)> = plan
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.action))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("model-1", ImportAction::Unchanged),
            ("model-7", ImportAction::Create),
            ("ab-test-fe9f6c7f", ImportAction::Create)
        ]
    );
    assert_eq!((plan.creates, plan.updates, plan.unchanged), (2, 0, 1));

    let applied = reg.apply_import(&r).unwrap();
    assert_eq!(applied, plan, "apply does what the preview said");
    let m7 = reg.get_model("model-7").unwrap();
    assert_eq!(
        (m7.name.as_str(), m7.version.as_str(), m7.status),
        ("Fraud Scoring - Legacy", "0.4.2", Status::Staging)
    );
    assert_eq!((m7.size_bytes, m7.accuracy), (850_000_000, 0.91));
    assert!(!m7.is_demo);
    let tests = reg.list_ab_tests().unwrap();
    assert_eq!(tests.len(), 1);
    assert_eq!(
        (tests[0].id.as_str(), tests[0].traffic_split),
        ("ab-test-fe9f6c7f", 50)
    );
    assert!(reg.verify_audit().unwrap().ok);

    let after_first = reg.content_fingerprint().unwrap();
    let again = reg.apply_import(&r).unwrap();
    assert_eq!((again.creates, again.updates, again.unchanged), (0, 0, 3));
    assert!(
        reg.content_fingerprint().unwrap() == after_first,
        "a second import changes nothing"
    );
}

#[test]
fn an_import_updates_status_and_adds_a_newer_version() {
    let reg = Registry::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("models.json"))
        .unwrap()
        .replace("\"2.1.0\"", "\"2.2.0\"");
    let p = write(dir.path(), "models.json", &text);
    let plan = reg.apply_import(&req(&p, None)).unwrap();
    let m1 = plan.items.iter().find(|i| i.id == "model-1").unwrap();
    assert_eq!(m1.action, ImportAction::Update);
    assert!(
        m1.changes[0].contains("new version 2.2.0"),
        "{:?}",
        m1.changes
    );
    let m = reg.get_model("model-1").unwrap();
    assert_eq!(
        (m.version.as_str(), m.status),
        ("2.2.0", Status::Production)
    );
}

#[test]
fn broken_files_say_where_and_import_nothing() {
    let reg = Registry::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let before = reg.content_fingerprint().unwrap();
    let cases = [
        ("{ \"model-9\": { \"name\": ", "line 1"),
        ("[1, 2]", "entry 1"),
        ("\"just text\"", "object of id"),
        (
            r#"{"m": {"name": "X", "version": "1.0", "status": "production", "accuracy": 0.9, "latency": 1, "throughput": 1, "uptime": 99, "framework": "F", "aiConfidence": 0.9, "errorRate": 0.01}}"#,
            "semantic version",
        ),
        (
            r#"{"m": {"name": "X", "version": "1.0.0", "status": "live", "accuracy": 0.9, "latency": 1, "throughput": 1, "uptime": 99, "framework": "F", "aiConfidence": 0.9, "errorRate": 0.01}}"#,
            "unknown status",
        ),
        (
            r#"{"m": {"name": "X", "version": "1.0.0", "status": "staging", "accuracy": 1.9, "latency": 1, "throughput": 1, "uptime": 99, "framework": "F", "aiConfidence": 0.9, "errorRate": 0.01}}"#,
            "accuracy 1.9",
        ),
        (
            r#"{"m": {"name": "X", "version": "1.0.0", "status": "staging", "accuracy": 0.9, "latency": 1, "throughput": 1, "uptime": 99, "framework": "F", "aiConfidence": 0.9, "errorRate": 0.01, "size": "big"}}"#,
            "size",
        ),
    ];
    for (text, needle) in cases {
        let p = write(dir.path(), "models.json", text);
        let err = reg.apply_import(&req(&p, None)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
        assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
        assert!(
            err.to_string().contains("models.json"),
            "names the file: {err}"
        );
    }
    // A good models file with a broken A/B file imports nothing at all.
    let ab = write(
        dir.path(),
        "ab.json",
        r#"{"t": {"model_a": "model-1", "model_b": "model-404", "traffic_split": 50}}"#,
    );
    let err = reg
        .apply_import(&req(&fixture("models.json"), Some(&ab)))
        .unwrap_err();
    assert!(err.to_string().contains("model-404"), "{err}");
    assert!(
        reg.content_fingerprint().unwrap() == before,
        "nothing was imported"
    );
    assert_eq!(
        reg.apply_import(&req("/no/such/models.json", None))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
}
