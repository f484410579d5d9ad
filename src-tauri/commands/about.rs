//! What Help → About shows.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AboutInfo {
    /// The app's version (the one the binary was built as).
    pub version: String,
    pub registry_path: String,
    /// The open registry's schema version; absent when the registry could not be opened.
    #[ts(optional, type = "number")]
    pub schema_version: Option<i64>,
    /// The newest schema version this build knows.
    #[ts(type = "number")]
    pub latest_schema_version: i64,
    pub data_dir: String,
    /// Where the logs are (Help → Open Logs Folder); empty when the OS names no such folder.
    pub log_dir: String,
}

#[tauri::command]
pub async fn get_about<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<AboutInfo, IpcError> {
    let status = state.status();
    Ok(AboutInfo {
        version: app.package_info().version.to_string(),
        registry_path: status.registry_path,
        schema_version: status.schema_version,
        latest_schema_version: modelops_core::db::LATEST_SCHEMA,
        data_dir: status.data_dir,
        log_dir: app
            .path()
            .app_log_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    })
}
