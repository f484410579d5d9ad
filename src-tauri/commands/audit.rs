use std::path::PathBuf;

use modelops_core::types::{
    AuditReport, ExportRequest, ExportResult, ProductionAt, ProductionAtQuery, TimelinePage,
    TimelineQuery,
};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Audit events filtered by model, action and time, newest first.
#[tauri::command]
pub async fn query_timeline(
    state: State<'_, AppState>,
    request: TimelineQuery,
) -> Result<TimelinePage, IpcError> {
    blocking(&state, move |r| r.timeline(&request)).await
}

/// Which version of a model was in production at a given time.
#[tauri::command]
pub async fn production_at(
    state: State<'_, AppState>,
    request: ProductionAtQuery,
) -> Result<ProductionAt, IpcError> {
    blocking(&state, move |r| {
        r.production_at(&request.model_id, request.at)
    })
    .await
}

#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>) -> Result<AuditReport, IpcError> {
    blocking(&state, |r| r.verify_audit()).await
}

/// Writes the audit log to the path chosen in the native save dialog.
#[tauri::command]
pub async fn export_audit_csv(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportResult, IpcError> {
    blocking(&state, move |r| {
        r.export_audit_csv(&PathBuf::from(&request.path))
    })
    .await
}
