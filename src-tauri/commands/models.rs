use modelops_core::metrics::MetricHistory;
use modelops_core::task::TaskProgress;
use modelops_core::types::{
    ActionRequest, ClearDemoResult, DeployRequest, FrameworkCount, ModelDetails, ModelList,
    ModelPage, ModelQuery, ModelRef, RegisterModelRequest, RegisterResult, RegisterVersionRequest,
    RollbackRequest, RollbackResult, Summary, TestRun, TransitionResult,
};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;
use super::tasks::with_progress;
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> Result<ModelList, IpcError> {
    blocking(&state, |r| r.list_models()).await
}

/// One window of the table (sorted, filtered, searched in SQL).
#[tauri::command]
pub async fn query_models(
    state: State<'_, AppState>,
    request: ModelQuery,
) -> Result<ModelPage, IpcError> {
    blocking(&state, move |r| r.query_models(&request)).await
}

#[tauri::command]
pub async fn list_frameworks(state: State<'_, AppState>) -> Result<Vec<FrameworkCount>, IpcError> {
    blocking(&state, |r| r.frameworks()).await
}

#[tauri::command]
pub async fn get_summary(state: State<'_, AppState>) -> Result<Summary, IpcError> {
    blocking(&state, |r| r.summary()).await
}

/// Removes the demo models seeded on first start (see `Registry::clear_demo_data`).
#[tauri::command]
pub async fn clear_demo_data(state: State<'_, AppState>) -> Result<ClearDemoResult, IpcError> {
    blocking(&state, |r| r.clear_demo_data()).await
}

#[tauri::command]
pub async fn get_model_details(
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<ModelDetails, IpcError> {
    blocking(&state, move |r| r.model_details(&request.model_id)).await
}

/// The model's metric history for the charts: its newest points (capped, see `MAX_METRIC_POINTS`) and the
/// latest value of each metric per version.
#[tauri::command]
pub async fn get_metric_history(
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<MetricHistory, IpcError> {
    blocking(&state, move |r| r.metric_history(&request.model_id)).await
}

/// Deploys; to production only through the quality gate, unless `overrideReason` says why not.
#[tauri::command]
pub async fn deploy_model(
    state: State<'_, AppState>,
    request: DeployRequest,
) -> Result<TransitionResult, IpcError> {
    blocking(&state, move |r| r.deploy_with(&request)).await
}

#[tauri::command]
pub async fn promote_model(
    state: State<'_, AppState>,
    request: ActionRequest,
) -> Result<TransitionResult, IpcError> {
    blocking(&state, move |r| r.promote_with(&request)).await
}

/// Rolls back to `toVersion` (a version deployed before) or, by default, to the version that was in the
/// model's environment before the current one.
#[tauri::command]
pub async fn rollback_model(
    state: State<'_, AppState>,
    request: RollbackRequest,
) -> Result<RollbackResult, IpcError> {
    blocking(&state, move |r| r.rollback_with(&request)).await
}

/// Registers a model; hashing its artifact (if any) reports bytes to `on_progress` and stops at
/// `cancel_task` with `task_id`, registering nothing.
#[tauri::command]
pub async fn register_model(
    state: State<'_, AppState>,
    request: RegisterModelRequest,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<RegisterResult, IpcError> {
    with_progress(&state, task_id, on_progress, move |r, task| {
        r.register_model_with(&request, task)
    })
    .await
}

/// Registers a version; its artifact's hashing is a task like `register_model`'s.
#[tauri::command]
pub async fn register_version(
    state: State<'_, AppState>,
    request: RegisterVersionRequest,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<RegisterResult, IpcError> {
    with_progress(&state, task_id, on_progress, move |r, task| {
        r.register_version_with(&request, task)
    })
    .await
}

#[tauri::command]
pub async fn run_tests(
    state: State<'_, AppState>,
    request: ActionRequest,
) -> Result<TestRun, IpcError> {
    blocking(&state, move |r| r.run_tests_with(&request)).await
}

#[tauri::command]
pub async fn archive_model(
    state: State<'_, AppState>,
    request: ActionRequest,
) -> Result<TransitionResult, IpcError> {
    blocking(&state, move |r| r.archive_with(&request)).await
}
