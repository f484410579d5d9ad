use std::path::PathBuf;

use modelops_core::types::{ExportRequest, ExportResult};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Writes the CSV to the path the user picked in the native save dialog (the page opens the dialog; a
/// cancelled dialog never reaches this command).
#[tauri::command]
pub async fn export_models_csv(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportResult, IpcError> {
    blocking(&state, move |r| {
        r.export_csv(&PathBuf::from(&request.path), request.view.as_ref())
    })
    .await
}
