use modelops_core::ab::{AbTestAnalysis, AbortAbTestRequest, ImportAbResultsRequest};
use modelops_core::types::{AbTest, AbTestRef, StartAbTestRequest};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn list_ab_tests(state: State<'_, AppState>) -> Result<Vec<AbTest>, IpcError> {
    blocking(&state, |r| r.list_ab_tests()).await
}

#[tauri::command]
pub async fn start_ab_test(
    state: State<'_, AppState>,
    request: StartAbTestRequest,
) -> Result<AbTest, IpcError> {
    blocking(&state, move |r| r.start_ab_test(&request)).await
}

/// Stores the results file picked in the native open dialog as the test's results (replacing earlier ones).
#[tauri::command]
pub async fn import_ab_results(
    state: State<'_, AppState>,
    request: ImportAbResultsRequest,
) -> Result<AbTest, IpcError> {
    blocking(&state, move |r| r.import_ab_results(&request)).await
}

#[tauri::command]
pub async fn get_ab_test_analysis(
    state: State<'_, AppState>,
    request: AbTestRef,
) -> Result<AbTestAnalysis, IpcError> {
    blocking(&state, move |r| r.ab_test_analysis(&request.test_id)).await
}

#[tauri::command]
pub async fn conclude_ab_test(
    state: State<'_, AppState>,
    request: AbTestRef,
) -> Result<AbTest, IpcError> {
    blocking(&state, move |r| r.conclude_ab_test(&request.test_id)).await
}

#[tauri::command]
pub async fn abort_ab_test(
    state: State<'_, AppState>,
    request: AbortAbTestRequest,
) -> Result<AbTest, IpcError> {
    blocking(&state, move |r| r.abort_ab_test(&request)).await
}
