//! Long work reports progress and can be cancelled, and a cancel leaves nothing half-done: an export writes
//! no file (nor a temporary one) and leaves an existing one as it was, an import rolls back, a registration
//! whose artifact was being hashed registers nothing.

use std::path::Path;
use std::sync::Mutex;

use modelops_core::import::ImportRequest;
use modelops_core::task::{CancelToken, Task, TaskPhase, TaskProgress};
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry};

mod common;
use common::metrics;

/// Records every report; cancels `token` at the first report past zero when `cancel_at_first` is set.
struct Recorder {
    seen: Mutex<Vec<TaskProgress>>,
    token: CancelToken,
    cancel_at_first: bool,
}

impl Recorder {
    fn new(cancel_at_first: bool) -> Recorder {
        Recorder {
            seen: Mutex::new(Vec::new()),
            token: CancelToken::new(),
            cancel_at_first,
        }
    }

    fn sink(&self, p: TaskProgress) {
        if self.cancel_at_first && p.done > 0 {
            self.token.cancel();
        }
        self.seen.lock().unwrap().push(p);
    }

    fn seen(&self) -> Vec<TaskProgress> {
        self.seen.lock().unwrap().clone()
    }

    /// Monotonic, one phase, one total, and (for a finished task) ending at that total.
    fn assert_complete(&self, phase: TaskPhase, total: u64) {
        let seen = self.seen();
        assert!(seen.len() >= 2, "{seen:?}");
        assert!(seen.iter().all(|p| p.phase == phase && p.total == total));
        assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
        assert_eq!(seen.first().map(|p| p.done), Some(0));
        assert_eq!(seen.last().map(|p| p.done), Some(total));
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".modelops-export-"))
        .collect()
}

#[test]
fn an_export_reports_every_row_of_its_view_and_ends_at_the_total() {
    let reg = Registry::open_generated_in_memory(3000, 5).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rec = Recorder::new(false);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone());
    let view = ModelView {
        filter: ModelFilter {
            statuses: vec![Status::Production],
            ..Default::default()
        },
        sort: SortKey::Name,
        dir: SortDir::Asc,
    };
    let res = reg
        .export_csv_with(&dir.path().join("prod.csv"), Some(&view), &task)
        .unwrap();
    assert!(res.rows > 0 && res.rows < 3000);
    rec.assert_complete(TaskPhase::Exporting, u64::from(res.rows));
}

#[test]
fn a_cancelled_export_writes_nothing_and_keeps_the_existing_file() {
    let reg = Registry::open_generated_in_memory(2000, 6).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for existing in [None, Some("the previous export\n")] {
        let path = dir.path().join("models.csv");
        if let Some(text) = existing {
            std::fs::write(&path, text).unwrap();
        }
        let rec = Recorder::new(true);
        let sink = |p| rec.sink(p);
        let task = Task::new(&sink, rec.token.clone()).every_step();
        let err = reg.export_csv_with(&path, None, &task).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
        let seen = rec.seen();
        assert_eq!(seen.last().map(|p| p.done), Some(1), "stopped mid-way");
        match existing {
            None => assert!(!path.exists()),
            Some(text) => assert_eq!(std::fs::read_to_string(&path).unwrap(), text),
        }
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }
}

#[test]
fn a_cancelled_audit_export_writes_nothing() {
    let reg = Registry::open_generated_in_memory(300, 7).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.csv");
    let rec = Recorder::new(true);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let err = reg.export_audit_csv_with(&path, &task).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert!(!path.exists());
    assert!(leftovers(dir.path()).is_empty());

    let rec = Recorder::new(false);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone());
    let res = reg.export_audit_csv_with(&path, &task).unwrap();
    rec.assert_complete(TaskPhase::Exporting, u64::from(res.rows));
}

fn legacy_models(n: usize) -> String {
    let models: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("legacy-{i}"), "name": format!("Legacy model {i}"), "version": "1.0.0",
                "status": "staging", "accuracy": 0.9, "latency": 20, "throughput": 1000, "uptime": 99.9,
                "framework": "XGBoost", "size": "10MB", "aiConfidence": 0.8, "errorRate": 0.01,
                "deployedAt": null, "lastTestedAt": null, "previousVersion": null
            })
        })
        .collect();
    serde_json::to_string(&models).unwrap()
}

#[test]
fn an_import_reports_items_and_a_cancelled_one_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.json");
    std::fs::write(&models, legacy_models(25)).unwrap();
    let req = ImportRequest {
        models_path: models.display().to_string(),
        ab_tests_path: None,
    };

    let reg = Registry::open_in_memory().unwrap();
    let before = reg.content_fingerprint().unwrap();
    let rec = Recorder::new(true);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let err = reg.apply_import_with(&req, &task).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(rec.seen().last().map(|p| (p.done, p.total)), Some((1, 25)));
    assert!(
        reg.content_fingerprint().unwrap() == before,
        "the models imported before the cancel were rolled back"
    );

    let rec = Recorder::new(false);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let plan = reg.apply_import_with(&req, &task).unwrap();
    assert_eq!(plan.creates, 25);
    rec.assert_complete(TaskPhase::Importing, 25);
}

#[test]
fn hashing_reports_bytes_and_a_cancelled_registration_registers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let artifact = dir.path().join("model.bin");
    // Several of the hasher's 1 MiB reads, so a cancel lands between two of them.
    let size = 5 * (1 << 20) + 123;
    std::fs::write(&artifact, vec![7u8; size]).unwrap();
    let reg = Registry::open_in_memory().unwrap();
    let before = reg.content_fingerprint().unwrap();
    let new_model = RegisterModelRequest {
        name: "Hashed".into(),
        framework: "ONNX".into(),
        version: "1.0.0".into(),
        metrics: metrics(),
        size_bytes: None,
        artifact_path: Some(artifact.display().to_string()),
        notes: None,
        tags: vec![],
    };

    let rec = Recorder::new(true);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let err = reg.register_model_with(&new_model, &task).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(rec.seen().last().map(|p| p.done), Some(1 << 20));
    assert!(reg.content_fingerprint().unwrap() == before);

    let rec = Recorder::new(false);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let res = reg.register_model_with(&new_model, &task).unwrap();
    rec.assert_complete(TaskPhase::Hashing, size as u64);
    let id = res.model.id;

    // A new version of it: the same rule.
    let before = reg.content_fingerprint().unwrap();
    let new_version = RegisterVersionRequest {
        model_id: id,
        version: "1.1.0".into(),
        framework: None,
        metrics: metrics(),
        size_bytes: None,
        artifact_path: Some(artifact.display().to_string()),
        notes: None,
        tags: vec![],
    };
    let rec = Recorder::new(true);
    let sink = |p| rec.sink(p);
    let task = Task::new(&sink, rec.token.clone()).every_step();
    let err = reg.register_version_with(&new_version, &task).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert!(reg.content_fingerprint().unwrap() == before);
}
