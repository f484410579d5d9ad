use std::path::PathBuf;

use modelops_core::task::TaskProgress;
use modelops_core::types::{ExportRequest, ExportResult};
use tauri::ipc::Channel;
use tauri::State;

use super::tasks::with_progress;
use crate::error::IpcError;
use crate::state::AppState;

/// Writes the CSV to the path the user picked in the native save dialog (the page opens the dialog; a
/// cancelled dialog never reaches this command), reporting rows to `on_progress`; `cancel_task` with
/// `task_id` stops it without writing anything.
#[tauri::command]
pub async fn export_models_csv(
    state: State<'_, AppState>,
    request: ExportRequest,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<ExportResult, IpcError> {
    with_progress(&state, task_id, on_progress, move |r, task| {
        r.export_csv_with(&PathBuf::from(&request.path), request.view.as_ref(), task)
    })
    .await
}
