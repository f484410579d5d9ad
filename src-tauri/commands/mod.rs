//! Tauri commands: each one hands its request to the registry core on a blocking thread and maps the error.
//! No logic lives here. To add a command: write the core method, a few-line wrapper in the domain's file,
//! list it in `handler()`, in `names.rs` and in the main window's capability in `tauri.conf.json`.

mod ab_tests;
mod about;
mod audit;
mod backups;
mod export;
mod gates;
mod import;
mod models;
mod names;
mod remote;
mod tasks;

pub use names::COMMANDS;
pub use remote::start_background_sync;

use modelops_core::{ErrorCode, Registry};
use tauri::ipc::Invoke;
use tauri::Runtime;

use crate::error::IpcError;
use crate::state::AppState;

pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        models::list_models,
        models::query_models,
        models::list_frameworks,
        models::get_summary,
        models::get_model_details,
        models::get_metric_history,
        models::deploy_model,
        models::promote_model,
        models::rollback_model,
        models::run_tests,
        models::archive_model,
        models::register_model,
        models::register_version,
        models::clear_demo_data,
        audit::query_timeline,
        audit::production_at,
        audit::verify_audit,
        audit::export_audit_csv,
        import::preview_legacy_import,
        import::apply_legacy_import,
        ab_tests::list_ab_tests,
        ab_tests::start_ab_test,
        ab_tests::import_ab_results,
        ab_tests::get_ab_test_analysis,
        ab_tests::conclude_ab_test,
        ab_tests::abort_ab_test,
        export::export_models_csv,
        gates::get_test_suite,
        gates::save_test_suite,
        gates::list_test_runs,
        backups::get_registry_status,
        backups::retry_open_registry,
        backups::start_new_registry,
        backups::list_backups,
        backups::backup_now,
        backups::save_backup_settings,
        backups::restore_backup,
        backups::open_backups_folder,
        about::get_about,
        tasks::cancel_task,
        remote::get_remote_status,
        remote::save_remote_settings,
        remote::clear_remote_settings,
        remote::test_remote_connection,
        remote::sync_now,
        remote::share_model,
        remote::resolve_conflict,
        remote::get_remote_link,
        remote::open_in_mlflow,
    ]
}

/// Runs `f` on tokio's blocking pool, for work on the registry file that needs no open registry.
async fn on_blocking_thread<T, F>(f: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IpcError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("The registry task failed: {e}"),
        )
    })?
}

/// Runs `f` on tokio's blocking pool: SQLite calls block, and neither the main (UI) thread nor an async
/// worker may wait on them.
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce(&Registry) -> modelops_core::Result<T> + Send + 'static,
{
    let registry = state.registry()?;
    tauri::async_runtime::spawn_blocking(move || f(&registry))
        .await
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("The registry task failed: {e}"),
            )
        })?
        .map_err(IpcError::from)
}
