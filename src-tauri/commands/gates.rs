use modelops_core::gates::{SaveSuiteRequest, TestRunPage, TestRunsQuery, TestSuite};
use modelops_core::types::ModelRef;
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn get_test_suite(
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<TestSuite, IpcError> {
    blocking(&state, move |r| r.test_suite(&request.model_id)).await
}

/// Replaces the model's suite; a refused suite (INVALID_INPUT) leaves the stored one unchanged.
#[tauri::command]
pub async fn save_test_suite(
    state: State<'_, AppState>,
    request: SaveSuiteRequest,
) -> Result<TestSuite, IpcError> {
    blocking(&state, move |r| r.save_test_suite(&request)).await
}

/// A model's test runs, newest first, one page at a time.
#[tauri::command]
pub async fn list_test_runs(
    state: State<'_, AppState>,
    request: TestRunsQuery,
) -> Result<TestRunPage, IpcError> {
    blocking(&state, move |r| r.list_test_runs(&request)).await
}
