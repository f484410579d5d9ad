//! The registry file itself: its status, backups, restore, and the ways out of a registry that could not be
//! opened (see `AppState`).

use modelops_core::backup::{
    BackupInfo, BackupList, BackupSettings, BackupSettingsRequest, RestoreRequest, RestoreResult,
};
use modelops_core::recovery::RegistryStatus;
use modelops_core::task::{Task, TaskProgress};
use modelops_core::ErrorCode;
use tauri::ipc::Channel;
use tauri::State;

use super::{blocking, on_blocking_thread};
use crate::error::IpcError;
use crate::state::AppState;

/// Where the registry is and whether it opened (the page shows the recovery screen when not).
#[tauri::command]
pub async fn get_registry_status(state: State<'_, AppState>) -> Result<RegistryStatus, IpcError> {
    Ok(state.status())
}

/// Opens the registry again, e.g. after the user made its folder writable or freed disk space.
#[tauri::command]
pub async fn retry_open_registry(state: State<'_, AppState>) -> Result<RegistryStatus, IpcError> {
    let state = state.inner().clone();
    on_blocking_thread(move || Ok(state.retry())).await
}

/// Moves the damaged registry file aside (never deletes it) and starts a new registry.
#[tauri::command]
pub async fn start_new_registry(state: State<'_, AppState>) -> Result<RegistryStatus, IpcError> {
    let state = state.inner().clone();
    on_blocking_thread(move || state.start_new()).await
}

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Result<BackupList, IpcError> {
    let state = state.inner().clone();
    on_blocking_thread(move || state.backups()).await
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Result<BackupInfo, IpcError> {
    blocking(&state, |r| r.backup_now(chrono::Utc::now())).await
}

#[tauri::command]
pub async fn save_backup_settings(
    state: State<'_, AppState>,
    request: BackupSettingsRequest,
) -> Result<BackupSettings, IpcError> {
    blocking(&state, move |r| r.set_backup_keep(request.keep)).await
}

/// Restores the backup file the user chose (decompressed and validated first; the current registry is backed
/// up first), reporting each step to `on_progress`; `cancel_task` with `task_id` stops it with the registry
/// as it was. A long task like an export, but one that also works while the registry can't be opened.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    request: RestoreRequest,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<RestoreResult, IpcError> {
    let state = state.inner().clone();
    let guard = state.tasks().begin(task_id)?;
    on_blocking_thread(move || {
        // A page that went away cannot receive progress; the restore goes on regardless.
        let sink = |p: TaskProgress| {
            let _ = on_progress.send(p);
        };
        let task = Task::new(&sink, guard.token());
        let out = state.restore(std::path::Path::new(&request.path), &task);
        drop(guard);
        out
    })
    .await
}

/// Shows the backups folder in the system's file manager (created first if there is none yet).
#[tauri::command]
pub async fn open_backups_folder<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<String, IpcError> {
    use tauri_plugin_opener::OpenerExt;
    let dir = state.backups_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        IpcError::new(
            ErrorCode::Io,
            format!("Can't create the backups folder {}: {e}", dir.display()),
        )
    })?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Io,
                format!(
                    "Can't open {} in the file manager: {e}. Open it yourself; nothing else is needed.",
                    dir.display()
                ),
            )
        })?;
    Ok(dir.display().to_string())
}
