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

#[tauri::command]
pub async fn stop_ab_test(
    state: State<'_, AppState>,
    request: AbTestRef,
) -> Result<AbTest, IpcError> {
    blocking(&state, move |r| r.stop_ab_test(&request.test_id)).await
}
