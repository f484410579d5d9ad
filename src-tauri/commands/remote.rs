//! The team registry: the MLflow server's settings, sync, sharing, conflicts. The HTTP side runs in
//! `modelops-sync` on a blocking thread with its own registry connection; the page never touches the network.

use std::sync::{Arc, Mutex};

use modelops_core::remote::{
    ConnectionReport, RemoteLink, RemoteStatus, ResolveConflictRequest, SaveRemoteRequest,
    SyncReport,
};
use modelops_core::task::TaskProgress;
use modelops_core::types::ModelRef;
use modelops_core::{ErrorCode, Registry, RegistryError};
use modelops_sync::{Progress, SyncError, SyncOptions};
use tauri::ipc::Channel;
use tauri::State;

use super::{blocking, on_blocking_thread};
use crate::error::IpcError;
use crate::state::AppState;

/// One sync at a time: "Sync now" waits for the background one (and the other way round).
static SYNCING: Mutex<()> = Mutex::new(());

impl From<SyncError> for IpcError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Registry(e) => e.into(),
            e => {
                log::warn!("{:?}: {e}", e.code());
                IpcError::new(e.code(), e.to_string())
            }
        }
    }
}

#[tauri::command]
pub async fn get_remote_status(state: State<'_, AppState>) -> Result<RemoteStatus, IpcError> {
    blocking(&state, |r| r.remote_status()).await
}

/// Saves the settings; a typed password or token goes to the OS keyring (KEYRING_UNAVAILABLE when there is
/// none: the dialog then offers an environment variable).
#[tauri::command]
pub async fn save_remote_settings(
    state: State<'_, AppState>,
    request: SaveRemoteRequest,
) -> Result<RemoteStatus, IpcError> {
    let registry = state.registry()?;
    on_blocking_thread(move || {
        let saved = registry.set_remote_settings(&request.settings)?;
        if let Some(secret) = request.secret.as_deref().filter(|s| !s.is_empty()) {
            modelops_sync::secrets::store_secret(&saved, secret)?;
        }
        Ok(registry.remote_status()?)
    })
    .await
}

#[tauri::command]
pub async fn clear_remote_settings(state: State<'_, AppState>) -> Result<RemoteStatus, IpcError> {
    let registry = state.registry()?;
    on_blocking_thread(move || {
        if let Some(settings) = registry.remote_settings()? {
            modelops_sync::secrets::forget_secret(&settings);
        }
        registry.clear_remote_settings()?;
        Ok(registry.remote_status()?)
    })
    .await
}

/// Tries the settings as typed (not saved yet): what the server is, or exactly what failed.
#[tauri::command]
pub async fn test_remote_connection(
    request: SaveRemoteRequest,
) -> Result<ConnectionReport, IpcError> {
    on_blocking_thread(move || {
        let mut settings = request.settings;
        settings.url = modelops_core::remote::normalize_url(&settings.url)?;
        Ok(modelops_sync::test_connection(
            &settings,
            request.secret.as_deref().filter(|s| !s.is_empty()),
            &Default::default(),
        )?)
    })
    .await
}

/// Pulls and pushes now, reporting each phase to `on_progress` (a first pull of a large server takes a
/// while); `cancel_task` with `task_id` stops it: a cancelled pull takes in nothing, a cancelled push keeps
/// what it sent and the rest waits. Conflicts are in the report, not an error.
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    task_id: String,
    on_progress: Channel<TaskProgress>,
) -> Result<SyncReport, IpcError> {
    let registry = state.registry()?;
    let guard = state.tasks().begin(task_id)?;
    on_blocking_thread(move || {
        let opts = SyncOptions {
            cancel: guard.token(),
            // A page that went away cannot receive progress; the sync goes on regardless.
            progress: Some(Box::new(move |p: Progress| {
                let _ = on_progress.send(p.into());
            })),
            ..Default::default()
        };
        let out = run_sync(&registry, &opts).map_err(IpcError::from);
        drop(guard);
        out
    })
    .await
}

/// A sync on a connection of its own, so the page's queries are not queued behind a long pull.
pub fn run_sync(registry: &Arc<Registry>, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let _one = SYNCING.lock().unwrap_or_else(|p| p.into_inner());
    opts.check_cancelled()?;
    let own = match registry.path() {
        Some(path) => Some(Registry::open(path)?.with_actor(registry.actor().to_owned())),
        None => None,
    };
    modelops_sync::sync(own.as_ref().unwrap_or(registry), opts)
}

/// The background sync: a few seconds after start, then `every` (five minutes unless `--sync-every` says
/// otherwise) while a server is set; a server set while the app runs is picked up at the next turn. Failures
/// are logged and shown in the header through the status (the changes wait); they never interrupt the user.
pub fn start_background_sync(state: AppState, every: std::time::Duration) {
    let first = every.min(std::time::Duration::from_secs(3));
    let spawned = std::thread::Builder::new()
        .name("team-sync".into())
        .spawn(move || loop {
            std::thread::sleep(first);
            if let Ok(registry) = state.registry() {
                if matches!(registry.remote_settings(), Ok(Some(_))) {
                    match run_sync(&registry, &SyncOptions::default()) {
                        Ok(r) => log::info!(
                            "Synced with {}: {} new models, {} pushed, {} waiting, {} conflicts",
                            r.server,
                            r.new_models,
                            r.pushed,
                            r.waiting,
                            r.conflicts.len()
                        ),
                        Err(e) => log::warn!("Background sync failed: {e}"),
                    }
                }
            }
            std::thread::sleep(every.saturating_sub(first));
        });
    if let Err(e) = spawned {
        log::error!("Can't start the background sync: {e}");
    }
}

#[tauri::command]
pub async fn share_model(
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<String, IpcError> {
    blocking(&state, move |r| r.share(&request.model_id)).await
}

#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    request: ResolveConflictRequest,
) -> Result<String, IpcError> {
    blocking(&state, move |r| {
        r.resolve_conflict(&request.model_id, request.choice)
    })
    .await
}

#[tauri::command]
pub async fn get_remote_link(
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<Option<RemoteLink>, IpcError> {
    blocking(&state, move |r| r.remote_link(&request.model_id)).await
}

/// Opens the model's page in MLflow's UI in the user's browser, from Rust: the page has no opener
/// permission and no network access.
#[tauri::command]
pub async fn open_in_mlflow<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    request: ModelRef,
) -> Result<String, IpcError> {
    use tauri_plugin_opener::OpenerExt;
    let link = blocking(&state, move |r| {
        r.remote_link(&request.model_id)?.ok_or_else(|| {
            RegistryError::InvalidInput(format!(
                "{} is not shared with a team server.",
                request.model_id
            ))
        })
    })
    .await?;
    app.opener()
        .open_url(link.web_url.clone(), None::<&str>)
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("Can't open {}: {e}", link.web_url)))?;
    Ok(link.web_url)
}
