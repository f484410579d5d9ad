//! Every command through Tauri's mock runtime, with the real configuration (so the capability must grant
//! it), real JSON arguments in camelCase, and the `{ code, message }` errors the page receives.

use modelops_app::commands::COMMANDS;
use modelops_app::state::{registry_path, AppState};
use modelops_core::types::*;
use modelops_core::Registry;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct Harness {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

fn harness(state: AppState) -> Harness {
    let app = modelops_app::register(mock_builder())
        .manage(state)
        .build(tauri::generate_context!(test = true))
        .expect("build mock app");
    let webview = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("main window"),
    };
    Harness { _app: app, webview }
}

fn seeded() -> Harness {
    harness(AppState::from_registry(Registry::open_in_memory().unwrap()))
}

impl Harness {
    fn raw(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.raw_from("tauri://localhost", cmd, args)
    }

    fn raw_from(&self, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        let req = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, req).map(|b| b.deserialize::<Value>().expect("json body"))
    }

    fn ok<T: DeserializeOwned>(&self, cmd: &str, args: Value) -> T {
        let v = self
            .raw(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"));
        serde_json::from_value(v)
            .unwrap_or_else(|e| panic!("{cmd} returned an unexpected shape: {e}"))
    }

    /// Expects a rejection `{ code, message }` with `code`; returns the message.
    fn err(&self, cmd: &str, args: Value, code: &str) -> String {
        let e = self.raw(cmd, args).expect_err("command should fail");
        assert_eq!(e["code"], code, "{cmd}: {e}");
        let msg = e["message"]
            .as_str()
            .expect("message is a string")
            .to_owned();
        assert!(!msg.is_empty());
        msg
    }
}

/// `args` with the task id and progress channel that long-task commands take. The channel is one the page
/// would have made; in the mock runtime its messages go nowhere (core tests check the reports themselves).
fn with_task(mut args: Value) -> Value {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    args["taskId"] = json!(format!("task-{n}"));
    args["onProgress"] = json!(format!("__CHANNEL__:{}", 1000 + n));
    args
}

fn model_ref(id: &str) -> Value {
    json!({ "request": { "modelId": id } })
}

#[test]
fn list_and_summary() {
    let h = seeded();
    let list: ModelList = h.ok("list_models", json!({}));
    assert_eq!(list.total, 4);
    let raw = h.raw("list_models", json!({})).unwrap();
    let m1 = &raw["models"][0];
    // The seed's camelCase model shape.
    for key in [
        "id",
        "name",
        "version",
        "status",
        "accuracy",
        "latency",
        "throughput",
        "uptime",
        "framework",
        "size",
        "aiConfidence",
        "errorRate",
        "deployedAt",
        "lastTestedAt",
        "previousVersion",
    ] {
        assert!(m1.get(key).is_some(), "missing {key} in {m1}");
    }
    assert_eq!(m1["status"], "production");
    assert!(raw["timestamp"].is_string());
    let s: Summary = h.ok("get_summary", json!({}));
    assert_eq!((s.total, s.production), (4, 2));
}

#[test]
fn clear_demo_data_removes_the_demo_and_then_has_nothing_to_do() {
    let h = seeded();
    let raw = h.raw("get_summary", json!({})).unwrap();
    assert_eq!(raw["demoModels"], 4);
    let cleared = h.raw("clear_demo_data", json!({})).unwrap();
    assert_eq!(cleared["modelsRemoved"], 4);
    assert!(cleared["versionsRemoved"].as_u64().unwrap() >= 4);
    let s: Summary = h.ok("get_summary", json!({}));
    assert_eq!((s.total, s.demo_models), (0, 0));
    let again: ClearDemoResult = h.ok("clear_demo_data", json!({}));
    assert_eq!(again, ClearDemoResult::default());
    let report: AuditReport = h.ok("verify_audit", json!({}));
    assert!(report.ok);
}

#[test]
fn query_and_frameworks() {
    let h = harness(AppState::from_registry(
        Registry::open_generated_in_memory(250, 1).unwrap(),
    ));
    let page: ModelPage = h.ok(
        "query_models",
        json!({ "request": {
            "view": { "filter": { "statuses": ["production", "staging"], "search": "de" },
                      "sort": "aiConfidence", "dir": "desc" },
            "offset": 10, "limit": 20 } }),
    );
    assert_eq!(page.offset, 10);
    assert!(page.total > 0 && page.models.len() <= 20);
    assert!(page
        .models
        .windows(2)
        .all(|w| w[0].ai_confidence >= w[1].ai_confidence));
    assert!(page
        .models
        .iter()
        .all(|m| matches!(m.status, Status::Production | Status::Staging)));
    // The filter fields are optional on the wire.
    let all: ModelPage = h.ok(
        "query_models",
        json!({ "request": { "view": { "sort": "name", "dir": "asc" }, "offset": 0, "limit": 500 } }),
    );
    assert_eq!(all.total, 250);
    let fws: Vec<FrameworkCount> = h.ok("list_frameworks", json!({}));
    assert_eq!(fws.iter().map(|f| f.models).sum::<u32>(), 250);
    h.err(
        "query_models",
        json!({ "request": { "view": { "sort": "name", "dir": "asc" }, "offset": 0, "limit": 0 } }),
        "INVALID_INPUT",
    );
    assert!(h
        .raw("query_models", json!({ "request": { "view": { "sort": "colour", "dir": "asc" }, "offset": 0, "limit": 5 } }))
        .is_err());
}

#[test]
fn export_of_a_view_writes_only_its_rows() {
    let h = harness(AppState::from_registry(
        Registry::open_generated_in_memory(120, 2).unwrap(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.csv");
    let view = json!({ "filter": { "statuses": ["archived"] }, "sort": "latency", "dir": "asc" });
    let page: ModelPage = h.ok(
        "query_models",
        json!({ "request": { "view": view, "offset": 0, "limit": 500 } }),
    );
    let res: ExportResult = h.ok(
        "export_models_csv",
        with_task(json!({ "request": { "path": path.to_str().unwrap(), "view": view } })),
    );
    assert_eq!(res.rows, page.total);
    let text = std::fs::read_to_string(&path).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        page.models
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
    );
}

#[test]
fn lifecycle_commands() {
    let h = seeded();
    let r: TransitionResult = h.ok("promote_model", model_ref("model-3"));
    assert_eq!((r.from, r.to), (Status::Development, Status::Staging));
    // model-3 is untested, so production needs an override with a reason.
    let msg = h.err(
        "deploy_model",
        json!({ "request": { "modelId": "model-3", "targetEnv": "production" } }),
        "GATE_BLOCKED",
    );
    assert!(msg.contains("never been tested"), "{msg}");
    let r: TransitionResult = h.ok(
        "deploy_model",
        json!({ "request": { "modelId": "model-3", "targetEnv": "production",
                             "overrideReason": "accepted risk" } }),
    );
    assert_eq!(r.to, Status::Production);
    assert!(r.model.deployed_at.is_some());
    let r: RollbackResult = h.ok("rollback_model", model_ref("model-1"));
    assert_eq!(
        (r.rolled_back_from.as_str(), r.rolled_back_to.as_str()),
        ("2.1.0", "2.0.9")
    );
    assert_eq!(r.model.version, "2.0.9");
    let run: TestRun = h.ok("run_tests", model_ref("model-3"));
    assert_eq!((run.passed, run.total), (2, 5));
    let r: TransitionResult = h.ok("archive_model", model_ref("model-4"));
    assert_eq!(r.to, Status::Archived);
    let d: ModelDetails = h.ok("get_model_details", model_ref("model-3"));
    assert_eq!(d.test_runs.len(), 1);
    assert_eq!(d.events[0].action, EventAction::Tested);
    let history: modelops_core::metrics::MetricHistory =
        h.ok("get_metric_history", model_ref("model-3"));
    assert_eq!(history.points.len(), 12, "registration and the test run");
    assert_eq!(history.points[11].test_run_id, Some(run.id));
}

#[test]
fn quality_gate_commands() {
    let h = seeded();
    let suite: modelops_core::gates::TestSuite = h.ok("get_test_suite", model_ref("model-2"));
    assert_eq!(suite.checks.len(), 5);
    let saved: modelops_core::gates::TestSuite = h.ok(
        "save_test_suite",
        json!({ "request": { "modelId": "model-2", "checks": [
            { "kind": "absolute", "metric": "accuracy", "threshold": 0.5, "marginAbs": null,
              "marginRel": null, "enabled": true },
            { "kind": "regression", "metric": "latency", "threshold": null, "marginAbs": null,
              "marginRel": 0.1, "enabled": true },
            { "kind": "artifact", "metric": null, "threshold": null, "marginAbs": null,
              "marginRel": null, "enabled": true }
        ] } }),
    );
    assert_eq!(saved.checks.len(), 3);
    let msg = h.err(
        "save_test_suite",
        json!({ "request": { "modelId": "model-2", "checks": [
            { "kind": "absolute", "metric": "f1", "threshold": 0.5, "marginAbs": null,
              "marginRel": null, "enabled": true }
        ] } }),
        "INVALID_INPUT",
    );
    assert!(msg.contains("unknown metric"), "{msg}");
    let run: TestRun = h.ok("run_tests", model_ref("model-2"));
    let page: modelops_core::gates::TestRunPage = h.ok(
        "list_test_runs",
        json!({ "request": { "modelId": "model-2", "limit": 10 } }),
    );
    assert_eq!((page.total, page.runs[0].id), (1, run.id));
    h.err(
        "list_test_runs",
        json!({ "request": { "modelId": "model-2", "limit": 0 } }),
        "INVALID_INPUT",
    );
}

#[test]
fn ab_test_commands() {
    let h = seeded();
    let t: AbTest = h.ok(
        "start_ab_test",
        json!({ "request": { "modelA": "model-1", "modelB": "model-2", "trafficSplit": 30 } }),
    );
    assert!(t.id.starts_with("ab-test-"));
    let list: Vec<AbTest> = h.ok("list_ab_tests", json!({}));
    assert_eq!(list.len(), 1);
    let none: modelops_core::ab::AbTestAnalysis = h.ok(
        "get_ab_test_analysis",
        json!({ "request": { "testId": t.id } }),
    );
    assert!(none.analysis.is_none());
    h.err(
        "conclude_ab_test",
        json!({ "request": { "testId": t.id } }),
        "INVALID_INPUT",
    );
    h.err(
        "import_ab_results",
        json!({ "request": { "testId": t.id, "path": "relative.json" } }),
        "INVALID_INPUT",
    );
    let stopped: AbTest = h.ok(
        "abort_ab_test",
        json!({ "request": { "testId": t.id, "reason": "wrong split" } }),
    );
    assert_eq!(stopped.status, AbTestStatus::Aborted);
}

#[test]
fn error_codes_reach_the_page() {
    let h = seeded();
    h.err("promote_model", model_ref("nope"), "NOT_FOUND");
    h.err("get_model_details", model_ref("nope"), "NOT_FOUND");
    h.err("get_metric_history", model_ref("nope"), "NOT_FOUND");
    h.err(
        "abort_ab_test",
        json!({ "request": { "testId": "ab-test-deadbeef", "reason": "gone" } }),
        "NOT_FOUND",
    );
    let msg = h.err(
        "deploy_model",
        json!({ "request": { "modelId": "model-3", "targetEnv": "production" } }),
        "ILLEGAL_TRANSITION",
    );
    assert!(msg.contains("staging first"), "{msg}");
    h.err(
        "rollback_model",
        model_ref("model-3"),
        "NO_PREVIOUS_VERSION",
    );
    for split in [0, 100] {
        h.err(
            "start_ab_test",
            json!({ "request": { "modelA": "model-1", "modelB": "model-2", "trafficSplit": split } }),
            "INVALID_INPUT",
        );
    }
    h.err(
        "start_ab_test",
        json!({ "request": { "modelA": "model-1", "modelB": "model-1", "trafficSplit": 50 } }),
        "INVALID_INPUT",
    );
    h.ok::<AbTest>(
        "start_ab_test",
        json!({ "request": { "modelA": "model-1", "modelB": "model-2", "trafficSplit": 50 } }),
    );
    h.err("archive_model", model_ref("model-1"), "CONFLICT");
    h.err(
        "export_models_csv",
        with_task(json!({ "request": { "path": "relative.csv" } })),
        "INVALID_INPUT",
    );
}

#[test]
fn malformed_arguments_are_rejected_before_the_registry() {
    let h = seeded();
    // Tauri rejects arguments that don't deserialize; the page's api module maps these to INVALID_INPUT.
    assert!(h.raw("promote_model", json!({})).is_err());
    assert!(h
        .raw(
            "deploy_model",
            json!({ "request": { "modelId": "model-3", "targetEnv": "moon" } })
        )
        .is_err());
    let list: ModelList = h.ok("list_models", json!({}));
    assert_eq!(
        list.models[2].status,
        Status::Development,
        "nothing changed"
    );
}

#[test]
fn export_writes_the_file_the_dialog_chose() {
    let h = seeded();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("models.csv");
    let res: ExportResult = h.ok(
        "export_models_csv",
        with_task(json!({ "request": { "path": path.to_str().unwrap() } })),
    );
    assert_eq!(res.rows, 4);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("id,name,version,status,"));
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn a_registry_that_cannot_open_is_reported_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    write_registry_with_future_schema(&registry_path(dir.path()));
    let h = harness(AppState::open(dir.path()));
    let msg = h.err("list_models", json!({}), "SCHEMA_TOO_NEW");
    assert!(msg.contains("newer version of ModelOps"), "{msg}");
    h.err("promote_model", model_ref("model-3"), "SCHEMA_TOO_NEW");
}

/// A registry file that claims a schema from the future: created by the core, then its `user_version` (the
/// big-endian u32 at byte 60 of the SQLite header) bumped with the registry closed.
fn write_registry_with_future_schema(path: &std::path::Path) {
    drop(Registry::open(path).unwrap());
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn commands_the_capability_does_not_grant_are_refused() {
    let h = seeded();
    // The page may open the save and open dialogs, but no other dialog (e.g. a message box).
    assert!(h
        .raw("plugin:dialog|message", json!({ "message": "hi" }))
        .is_err());
    assert!(h.raw("no_such_command", json!({})).is_err());
    // The commands are granted to the bundled page only, not to a remote page the webview might show.
    assert!(h
        .raw_from("https://example.com", "list_models", json!({}))
        .is_err());
    assert!(h.raw("list_models", json!({})).is_ok());
}

#[test]
fn a_damaged_registry_or_unusable_data_dir_is_reported_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(registry_path(dir.path()), b"not a database".repeat(512)).unwrap();
    let h = harness(AppState::open(dir.path()));
    let msg = h.err("list_models", json!({}), "CORRUPT_DATABASE");
    assert!(msg.contains("left untouched"), "{msg}");
    assert_eq!(
        std::fs::read(registry_path(dir.path())).unwrap(),
        b"not a database".repeat(512)
    );

    // The data dir cannot be created inside a regular file.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let h = harness(AppState::open(&file.join("data")));
    let msg = h.err("get_summary", json!({}), "IO");
    assert!(msg.contains("data folder"), "{msg}");
}

#[test]
fn versions_audit_and_timeline_commands() {
    let h = seeded();
    let metrics = json!({ "accuracy": 0.96, "latency": 30.0, "throughput": 2000.0, "uptime": 99.95,
                          "aiConfidence": 0.95, "errorRate": 0.001 });
    let reg: RegisterResult = h.ok(
        "register_version",
        with_task(
            json!({ "request": { "modelId": "model-1", "version": "2.2.0", "metrics": metrics,
                             "notes": "retrained", "tags": [{ "key": "team", "value": "sec" }] } }),
        ),
    );
    assert_eq!(
        (reg.model.version.as_str(), reg.model.status),
        ("2.2.0", Status::Development)
    );
    h.err(
        "register_version",
        with_task(json!({ "request": { "modelId": "model-1", "version": "2.1.5", "metrics": metrics, "tags": [] } })),
        "INVALID_INPUT",
    );
    let new: RegisterResult = h.ok(
        "register_model",
        with_task(
            json!({ "request": { "name": "Churn", "framework": "LightGBM", "version": "0.1.0",
                             "metrics": metrics, "tags": [] } }),
        ),
    );
    assert!(new.model.id.starts_with("model-"));
    h.err(
        "register_model",
        with_task(
            json!({ "request": { "name": "Churn", "framework": "LightGBM", "version": "0.1.0",
                             "metrics": metrics, "tags": [] } }),
        ),
        "CONFLICT",
    );
    let rb: RollbackResult = h.ok(
        "rollback_model",
        json!({ "request": { "modelId": "model-4", "toVersion": "1.5.1", "reason": "drift" } }),
    );
    assert_eq!(rb.rolled_back_to, "1.5.1");
    let tl: TimelinePage = h.ok(
        "query_timeline",
        json!({ "request": { "modelId": "model-4", "actions": ["rolled_back"], "limit": 10 } }),
    );
    assert_eq!(tl.total, 1);
    assert_eq!(tl.events[0].event.reason.as_deref(), Some("drift"));
    let at: ProductionAt = h.ok(
        "production_at",
        json!({ "request": { "modelId": "model-4", "at": "2000-01-01T00:00:00Z" } }),
    );
    assert_eq!(at.version, None);
    let report: AuditReport = h.ok("verify_audit", json!({}));
    assert!(report.ok, "{report:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.csv");
    let res: ExportResult = h.ok(
        "export_audit_csv",
        json!({ "request": { "path": path.to_str().unwrap() } }),
    );
    assert_eq!(res.rows, report.events);
}

// ----- the registry file: status, recovery, backups -----

use modelops_core::backup::{BackupInfo, BackupList, RestoreResult};
use modelops_core::recovery::RegistryStatus;

/// Each way a registry file can be unusable, written into `path`.
fn damage(kind: &str, path: &std::path::Path) {
    match kind {
        "not-sqlite" => std::fs::write(path, "id,name\nmodel-1,Fraud\n").unwrap(),
        "truncated" => {
            drop(Registry::open(path).unwrap());
            let bytes = std::fs::read(path).unwrap();
            std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
        }
        "corrupt" => {
            drop(Registry::open(path).unwrap());
            let mut bytes = std::fs::read(path).unwrap();
            bytes[100..400].fill(0xA5);
            std::fs::write(path, bytes).unwrap();
        }
        "foreign-database" => {
            rusqlite_free_foreign(path);
        }
        "schema-too-new" => write_registry_with_future_schema(path),
        other => panic!("unknown damage {other}"),
    }
    // Whatever opened the file to damage it is closed: only the damaged main file remains.
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", path.display()));
    }
}

/// A SQLite database of another program, written without rusqlite (the shell does not depend on it): a
/// registry file whose tables are renamed is still a real SQLite file with foreign tables.
fn rusqlite_free_foreign(path: &std::path::Path) {
    let reg = Registry::open(path).unwrap();
    drop(reg);
    // user_version 0 with tables present = another program's database.
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&0u32.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn an_open_registry_reports_its_place_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(AppState::open(dir.path()));
    let status: RegistryStatus = h.ok("get_registry_status", json!({}));
    assert!(status.problem.is_none());
    assert_eq!(
        status.schema_version,
        Some(modelops_core::db::LATEST_SCHEMA)
    );
    assert_eq!(
        status.registry_path,
        registry_path(dir.path()).display().to_string()
    );
    assert!(status.backups_dir.ends_with("backups"));
    // Help → About shows the same place and schema, with the build's version.
    let about: Value = h.ok("get_about", json!({}));
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(about["registryPath"], status.registry_path.as_str());
    assert_eq!(about["schemaVersion"], modelops_core::db::LATEST_SCHEMA);
    assert_eq!(
        about["latestSchemaVersion"],
        modelops_core::db::LATEST_SCHEMA
    );
    // Nothing to recover from an open registry.
    h.err("start_new_registry", json!({}), "CONFLICT");
}

#[test]
fn every_damaged_file_gets_the_recovery_screen_and_moving_it_aside_starts_a_new_registry() {
    for (kind, code) in [
        ("not-sqlite", "CORRUPT_DATABASE"),
        ("truncated", "CORRUPT_DATABASE"),
        ("corrupt", "CORRUPT_DATABASE"),
        ("foreign-database", "CORRUPT_DATABASE"),
        ("schema-too-new", "SCHEMA_TOO_NEW"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = registry_path(dir.path());
        damage(kind, &path);
        let bytes = std::fs::read(&path).unwrap();
        let h = harness(AppState::open(dir.path()));
        let status: Value = h.ok("get_registry_status", json!({}));
        assert_eq!(status["problem"]["kind"], kind, "{status}");
        assert_eq!(status["problem"]["code"], code, "{status}");
        assert_eq!(status["problem"]["canMoveAside"], true, "{status}");
        h.err("list_models", json!({}), code);
        h.err("backup_now", json!({}), code);
        // Retrying changes nothing: the file is still what it was.
        let again: Value = h.ok("retry_open_registry", json!({}));
        assert_eq!(again["problem"]["kind"], kind);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{kind}: the file was touched"
        );

        let fresh: RegistryStatus = h.ok("start_new_registry", json!({}));
        assert!(fresh.problem.is_none(), "{kind}: {fresh:?}");
        let list: ModelList = h.ok("list_models", json!({}));
        assert_eq!(list.models.len(), 4, "{kind}");
        let moved: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".damaged-"))
            .filter(|p| {
                !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")
            })
            .collect();
        assert_eq!(moved.len(), 1, "{kind}: {moved:?}");
        assert_eq!(
            std::fs::read(&moved[0]).unwrap(),
            bytes,
            "{kind}: moved file differs"
        );
    }
}

#[test]
fn a_damaged_registry_is_restored_from_a_backup_chosen_by_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let path = registry_path(dir.path());
    // Set up with the core directly: a mock app keeps its managed state (and so the connection) alive after
    // it is dropped, and damaging a file under an open connection is not the case under test.
    let taken = {
        let reg = Registry::open(&path).unwrap();
        let mut req: RegisterModelRequest = serde_json::from_value(json!({
            "name": "Backed up", "framework": "ONNX", "version": "1.0.0",
            "metrics": { "accuracy": 0.96, "latency": 30.0, "throughput": 2000.0, "uptime": 99.95,
                         "aiConfidence": 0.95, "errorRate": 0.001 } }))
        .unwrap();
        req.tags.clear();
        reg.register_model(&req).unwrap();
        reg.backup_now(chrono::Utc::now()).unwrap()
    };
    damage("corrupt", &path);
    let h = harness(AppState::open(dir.path()));
    let listed: BackupList = h.ok("list_backups", json!({}));
    assert_eq!(listed.backups, vec![taken.clone()]);
    // A file that is not a backup is refused, and the damaged registry stays where it is.
    let bogus = dir.path().join("notes.txt");
    std::fs::write(&bogus, "hello").unwrap();
    h.err(
        "restore_backup",
        with_task(json!({ "request": { "path": bogus } })),
        "CORRUPT_DATABASE",
    );
    let status: Value = h.ok("get_registry_status", json!({}));
    assert_eq!(status["problem"]["kind"], "corrupt");

    let restored: RestoreResult = h.ok(
        "restore_backup",
        with_task(json!({ "request": { "path": taken.path } })),
    );
    assert_eq!(restored.check.models, 5);
    assert!(restored.moved_aside.is_some());
    let list: ModelList = h.ok("list_models", json!({}));
    assert!(list.models.iter().any(|m| m.name == "Backed up"));
}

#[test]
fn back_up_now_keep_n_and_restore_into_the_open_registry() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(AppState::open(dir.path()));
    let taken: BackupInfo = h.ok("backup_now", json!({}));
    let _: TransitionResult = h.ok("promote_model", model_ref("model-3"));
    let settings: Value = h.ok("save_backup_settings", json!({ "request": { "keep": 3 } }));
    assert_eq!(settings["keep"], 3);
    h.err(
        "save_backup_settings",
        json!({ "request": { "keep": 0 } }),
        "INVALID_INPUT",
    );
    h.err(
        "save_backup_settings",
        json!({ "request": { "keep": 1001 } }),
        "INVALID_INPUT",
    );
    // Not a number of backups at all: refused by the argument parser before the registry sees it.
    assert!(h
        .raw("save_backup_settings", json!({ "request": { "keep": -1 } }))
        .is_err());
    let list: BackupList = h.ok("list_backups", json!({}));
    assert_eq!((list.keep, list.backups.len()), (3, 1));
    // Cancelled before it starts, the restore changes nothing and takes no safety backup.
    let args = with_task(json!({ "request": { "path": taken.path } }));
    h.ok::<Value>("cancel_task", json!({ "taskId": args["taskId"] }));
    let msg = h.err("restore_backup", args, "CANCELLED");
    assert!(msg.contains("as it was"), "{msg}");
    let details: ModelDetails = h.ok("get_model_details", model_ref("model-3"));
    assert_eq!(details.model.status, Status::Staging, "still promoted");
    let list: BackupList = h.ok("list_backups", json!({}));
    assert_eq!(list.backups.len(), 1, "no safety backup");
    // Like every long task, it needs its id and channel.
    h.raw(
        "restore_backup",
        json!({ "request": { "path": taken.path } }),
    )
    .expect_err("no task id");

    let restored: RestoreResult = h.ok(
        "restore_backup",
        with_task(json!({ "request": { "path": taken.path } })),
    );
    assert!(restored.safety_backup.is_some());
    let details: ModelDetails = h.ok("get_model_details", model_ref("model-3"));
    assert_eq!(
        details.model.status,
        Status::Development,
        "the promotion was undone"
    );
    let list: BackupList = h.ok("list_backups", json!({}));
    assert_eq!(list.backups.len(), 2, "the safety backup is listed");
}

/// The shell's lock-down, read from the configuration the app is built with: every command the app
/// declares (`commands::COMMANDS`, which build.rs hands to tauri-build) is granted to the main window only, and
/// nothing else beyond the two file dialogs; the CSP allows scripts and styles from the bundle only; the
/// prototype is frozen.
#[test]
fn the_capability_grants_exactly_the_declared_commands_to_the_main_window() {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let declared: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert!(declared.len() >= 30, "{declared:?}");
    let security = &conf["app"]["security"];
    let caps = security["capabilities"].as_array().unwrap();
    assert_eq!(caps.len(), 1, "one capability");
    assert_eq!(caps[0]["windows"], json!(["main"]));
    assert!(caps[0].get("remote").is_none(), "no remote origins");
    let mut granted: Vec<String> = caps[0]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let mut expected = declared.clone();
    expected.extend([
        "dialog:allow-save".to_owned(),
        "dialog:allow-open".to_owned(),
        // The native menu's events (src-tauri/menu.rs).
        "core:event:allow-listen".to_owned(),
        "core:event:allow-unlisten".to_owned(),
        // The page logs the errors it shows (ui/src/api/log.ts).
        "log:allow-log".to_owned(),
    ]);
    granted.sort();
    expected.sort();
    assert_eq!(granted, expected);
    // Every declared command exists in the handler (a typo in names.rs would grant nothing real).
    let h = seeded();
    for name in COMMANDS {
        if let Err(e) = h.raw(name, json!({})) {
            let text = e.to_string();
            assert!(
                !text.contains("not found") && !text.contains("not allowed"),
                "{name}: {text}"
            );
        }
    }
    let csp = &security["csp"];
    for directive in ["default-src", "script-src", "style-src"] {
        let value = csp[directive].as_str().unwrap();
        assert_eq!(value, "'self'", "{directive}");
    }
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    assert_eq!(security["freezePrototype"], true, "freezePrototype");
}

/// The page sends what it showed of the model with every action: an action decided on a stale row (another
/// window or the CLI changed the model since) is refused as CONFLICT and changes nothing.
#[test]
fn actions_decided_on_a_stale_view_are_refused_as_conflicts() {
    let h = seeded();
    let details: ModelDetails = h.ok("get_model_details", model_ref("model-3"));
    let seen = json!({ "status": details.model.status, "version": details.model.version });
    let stale = json!({ "status": "staging", "version": details.model.version });
    for (cmd, request) in [
        (
            "promote_model",
            json!({ "modelId": "model-3", "expected": stale }),
        ),
        (
            "archive_model",
            json!({ "modelId": "model-3", "expected": stale }),
        ),
        (
            "run_tests",
            json!({ "modelId": "model-3", "expected": stale }),
        ),
        (
            "deploy_model",
            json!({ "modelId": "model-3", "targetEnv": "staging", "expected": stale }),
        ),
        (
            "rollback_model",
            json!({ "modelId": "model-3", "expected": stale }),
        ),
    ] {
        let msg = h.err(cmd, json!({ "request": request }), "CONFLICT");
        assert!(!msg.is_empty());
        let now: ModelDetails = h.ok("get_model_details", model_ref("model-3"));
        assert_eq!(now.model, details.model, "{cmd} changed the model");
    }
    let promoted: TransitionResult = h.ok(
        "promote_model",
        json!({ "request": { "modelId": "model-3", "expected": seen } }),
    );
    assert_eq!(promoted.model.status, Status::Staging);
    // The same expectation is now stale: the page's second click on an old row is refused.
    h.err(
        "promote_model",
        json!({ "request": { "modelId": "model-3", "expected": seen } }),
        "CONFLICT",
    );
}

/// The page's Cancel reaches a long task by the id the page gave it, also when the click overtakes the
/// command through IPC; a cancelled task fails with CANCELLED and leaves nothing behind.
#[test]
fn a_cancelled_export_returns_cancelled_and_writes_nothing() {
    let state = AppState::from_registry(Registry::open_generated_in_memory(500, 3).unwrap());
    let h = harness(state.clone());
    let dir = tempfile::tempdir().unwrap();
    let leftovers = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".modelops-export-"))
            .collect::<Vec<_>>()
    };
    let path = dir.path().join("models.csv");
    let args = with_task(json!({ "request": { "path": path.to_str().unwrap() } }));
    assert_eq!(
        h.raw("cancel_task", json!({ "taskId": args["taskId"] })),
        Ok(Value::Null)
    );
    let msg = h.err("export_models_csv", args, "CANCELLED");
    assert!(msg.contains("nothing was written"), "{msg}");
    assert!(!path.exists());
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    assert!(state.tasks().is_idle(), "the finished task is forgotten");

    // An existing file stays as it was.
    std::fs::write(&path, "before\n").unwrap();
    let args = with_task(json!({ "request": { "path": path.to_str().unwrap() } }));
    h.ok::<Value>("cancel_task", json!({ "taskId": args["taskId"] }));
    h.err("export_models_csv", args, "CANCELLED");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "before\n");
    assert!(leftovers().is_empty());

    // Not cancelled, the same command writes every row.
    let res: ExportResult = h.ok(
        "export_models_csv",
        with_task(json!({ "request": { "path": path.to_str().unwrap() } })),
    );
    assert_eq!(res.rows, 500);
    assert!(state.tasks().is_idle());
    // Every long task needs its id and channel.
    h.raw(
        "export_models_csv",
        json!({ "request": { "path": path.to_str().unwrap() } }),
    )
    .expect_err("no task id");
}

#[test]
fn cancelled_imports_and_registrations_change_nothing() {
    let state = AppState::from_registry(Registry::open_in_memory().unwrap());
    let h = harness(state.clone());
    let registry = state.registry().unwrap();
    let before = registry.content_fingerprint().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.json");
    std::fs::write(
        &models,
        r#"[{ "id": "legacy-1", "name": "Legacy", "version": "1.0.0", "status": "staging", "accuracy": 0.9,
              "latency": 20, "throughput": 1000, "uptime": 99.9, "framework": "XGBoost", "size": "10MB",
              "aiConfidence": 0.8, "errorRate": 0.01 }]"#,
    )
    .unwrap();
    let artifact = dir.path().join("model.bin");
    std::fs::write(&artifact, vec![1u8; 3 << 20]).unwrap();
    let metrics = json!({ "accuracy": 0.96, "latency": 30.0, "throughput": 2000.0, "uptime": 99.95,
                          "aiConfidence": 0.95, "errorRate": 0.001 });
    for (cmd, request) in [
        (
            "apply_legacy_import",
            json!({ "modelsPath": models.to_str().unwrap() }),
        ),
        (
            "register_model",
            json!({ "name": "Hashed", "framework": "ONNX", "version": "1.0.0", "metrics": metrics,
                    "artifactPath": artifact.to_str().unwrap(), "tags": [] }),
        ),
        (
            "register_version",
            json!({ "modelId": "model-1", "version": "9.0.0", "metrics": metrics,
                    "artifactPath": artifact.to_str().unwrap(), "tags": [] }),
        ),
    ] {
        let args = with_task(json!({ "request": request }));
        h.ok::<Value>("cancel_task", json!({ "taskId": args["taskId"] }));
        h.err(cmd, args, "CANCELLED");
        assert!(
            registry.content_fingerprint().unwrap() == before,
            "{cmd} changed the registry"
        );
    }
    assert!(state.tasks().is_idle());
}
