use modelops_core::import::{ImportPlan, ImportRequest};
use tauri::State;

use super::blocking;
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

/// Imports the legacy files in one transaction.
#[tauri::command]
pub async fn apply_legacy_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<ImportPlan, IpcError> {
    blocking(&state, move |r| r.apply_import(&request)).await
}
