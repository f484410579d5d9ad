use modelops_core::import::{ImportPlan, ImportRequest};
use modelops_core::task::TaskProgress;
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;
use super::tasks::with_progress;
use crate::error::IpcError;
use crate::state::AppState;

/// What importing the legacy JSON files (picked in the native open dialog) would do. Writes nothing.
#[tauri::command]
pub async fn preview_legacy_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<ImportPlan, IpcError> {
    blocking(&state, move |r| r.preview_import(&request)).await
}

/// Imports the legacy files in one transaction, reporting items to `on_progress`; cancelled (`cancel_task`
/// with `task_id`), the transaction rolls back.
#[tauri::command]
pub async fn apply_legacy_import(
    state: State<'_, AppState>,
    request: ImportRequest,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<ImportPlan, IpcError> {
    with_progress(&state, task_id, on_progress, move |r, task| {
        r.apply_import_with(&request, task)
    })
    .await
}
