// Declaring the app's commands makes tauri-build generate an `allow-<command>` permission for each, and makes
// every command unreachable unless a capability grants it (tauri.conf.json grants them to the main window).
const COMMANDS: &[&str] = &[
    "list_models",
    "query_models",
    "list_frameworks",
    "get_summary",
    "get_model_details",
    "get_metric_history",
    "deploy_model",
    "promote_model",
    "rollback_model",
    "run_tests",
    "archive_model",
    "register_model",
    "register_version",
    "clear_demo_data",
    "query_timeline",
    "production_at",
    "verify_audit",
    "export_audit_csv",
    "preview_legacy_import",
    "apply_legacy_import",
    "list_ab_tests",
    "start_ab_test",
    "import_ab_results",
    "get_ab_test_analysis",
    "conclude_ab_test",
    "abort_ab_test",
    "export_models_csv",
    "get_test_suite",
    "save_test_suite",
    "list_test_runs",
    "get_registry_status",
    "retry_open_registry",
    "start_new_registry",
    "list_backups",
    "backup_now",
    "save_backup_settings",
    "restore_backup",
    "open_backups_folder",
    "get_about",
    "cancel_task",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
