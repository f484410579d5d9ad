//! What the shell keeps between commands: the open registry, or why it could not be opened. The window opens
//! either way, so the page can show the user what went wrong and the ways out (docs/adr/0013): retry, restore
//! a backup, or move the damaged file aside and start a new registry. Those replace the registry here, under
//! the write lock, so no command runs against a registry being swapped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::Utc;
use modelops_core::backup::{self, BackupList, RestoreResult};
use modelops_core::recovery::{self, RegistryProblem, RegistryStatus};
use modelops_core::task::CancelToken;
use modelops_core::{ErrorCode, Registry, RegistryError};

use crate::error::IpcError;

/// The registry's file name inside the data directory.
pub const REGISTRY_FILE: &str = "registry.sqlite3";

type Opened = Result<Arc<Registry>, (IpcError, RegistryProblem)>;

/// Cheap to clone: commands take a clone onto a blocking thread.
#[derive(Clone)]
pub struct AppState {
    /// The registry file; None for an in-memory registry (tests).
    path: Option<PathBuf>,
    registry: Arc<RwLock<Opened>>,
    tasks: Tasks,
}

impl AppState {
    /// Creates the data directory if needed and opens (creating, migrating, seeding) the registry in it.
    pub fn open(data_dir: &Path) -> AppState {
        let path = registry_path(data_dir);
        AppState {
            registry: Arc::new(RwLock::new(open_registry(&path))),
            path: Some(path),
            tasks: Tasks::default(),
        }
    }

    pub fn from_registry(registry: Registry) -> AppState {
        AppState {
            path: registry.path().map(Path::to_owned),
            registry: Arc::new(RwLock::new(Ok(Arc::new(registry)))),
            tasks: Tasks::default(),
        }
    }

    pub fn registry(&self) -> Result<Arc<Registry>, IpcError> {
        self.read().clone().map_err(|(e, _)| e)
    }

    /// The long tasks running now, by the id the page gave them.
    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    pub fn status(&self) -> RegistryStatus {
        let opened = self.read();
        let path = self.path.clone().unwrap_or_default();
        RegistryStatus {
            data_dir: path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            registry_path: path.display().to_string(),
            backups_dir: backup::backups_dir(&path).display().to_string(),
            problem: opened.as_ref().err().map(|(_, p)| p.clone()),
            schema_version: opened.as_ref().ok().and_then(|r| r.schema_version().ok()),
        }
    }

    /// Opens the registry again (after the user made the folder writable or freed space).
    pub fn retry(&self) -> RegistryStatus {
        if let Some(path) = &self.path {
            let mut opened = self.write();
            if opened.is_err() {
                *opened = open_registry(path);
            }
        }
        self.status()
    }

    /// Moves a damaged (or foreign, or too new) registry file aside and starts a new registry in its place.
    /// Refused while the registry is open: there is nothing to recover from.
    pub fn start_new(&self) -> Result<RegistryStatus, IpcError> {
        let path = self.file()?;
        {
            let mut opened = self.write();
            let problem = match &*opened {
                Ok(_) => return Err(not_damaged()),
                Err((_, problem)) => problem,
            };
            if path.exists() {
                if !problem.can_move_aside {
                    return Err(IpcError::new(
                        ErrorCode::Conflict,
                        "The registry file itself is fine; moving it aside would not help. Fix what the message \
                         says, then try again.",
                    ));
                }
                recovery::move_aside(&path, Utc::now()).map_err(IpcError::from)?;
            }
            *opened = open_registry(&path);
        }
        Ok(self.status())
    }

    /// Restores the backup at `from`: into the open registry (after a safety backup), or, when the registry
    /// could not be opened, as a new registry file after moving the damaged one aside.
    pub fn restore(&self, from: &Path) -> Result<RestoreResult, IpcError> {
        let path = self.file()?;
        let mut opened = self.write();
        match &*opened {
            Ok(registry) => registry
                .restore_from(from, Utc::now())
                .map_err(IpcError::from),
            Err(_) => {
                let result =
                    recovery::restore_damaged(&path, from, Utc::now()).map_err(IpcError::from)?;
                *opened = open_registry(&path);
                opened.as_ref().map_err(|(e, _)| e.clone())?;
                Ok(result)
            }
        }
    }

    /// The backups beside the registry; listed even when the registry could not be opened.
    pub fn backups(&self) -> Result<BackupList, IpcError> {
        let path = self.file()?;
        match &*self.read() {
            Ok(registry) => registry.backups().map_err(IpcError::from),
            Err(_) => {
                let dir = backup::backups_dir(&path);
                Ok(BackupList {
                    dir: dir.display().to_string(),
                    keep: backup::DEFAULT_KEEP,
                    backups: backup::list_backups(&dir).map_err(IpcError::from)?,
                })
            }
        }
    }

    pub fn backups_dir(&self) -> Result<PathBuf, IpcError> {
        Ok(backup::backups_dir(&self.file()?))
    }

    fn file(&self) -> Result<PathBuf, IpcError> {
        self.path.clone().ok_or_else(|| {
            IpcError::new(
                ErrorCode::InvalidInput,
                "This registry lives in memory: it has no file to back up or restore.",
            )
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Opened> {
        // A panic while holding the lock left either the old or the new registry in place, both usable.
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Opened> {
        self.registry.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Cancel tokens of the running long tasks (exports, imports, registrations hashing an artifact), keyed by
/// the id the page chose, so `cancel_task` can reach a task running on a blocking thread.
#[derive(Clone, Default)]
pub struct Tasks(Arc<Mutex<HashMap<String, CancelToken>>>);

impl Tasks {
    /// Registers a task under `id` until the returned guard drops. A cancel may arrive before the task's
    /// command starts (the page's Cancel and the command race through IPC): the task then starts cancelled.
    pub fn begin(&self, id: String) -> Result<TaskGuard, IpcError> {
        if id.trim().is_empty() {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "A task needs an id.",
            ));
        }
        let mut map = self.lock();
        let token = match map.get(&id) {
            Some(t) if t.is_cancelled() => t.clone(),
            Some(_) => {
                return Err(IpcError::new(
                    ErrorCode::Conflict,
                    format!("A task with id \"{id}\" is already running."),
                ))
            }
            None => {
                let t = CancelToken::new();
                map.insert(id.clone(), t.clone());
                t
            }
        };
        Ok(TaskGuard {
            tasks: self.clone(),
            id,
            token,
        })
    }

    /// Cancels the task `id`, or the task that will start with that id. Returns whether it was running.
    pub fn cancel(&self, id: &str) -> bool {
        let mut map = self.lock();
        match map.get(id) {
            Some(t) => {
                t.cancel();
                true
            }
            None => {
                // Remembered for a command that has not registered yet. A cancel that arrives after its task
                // finished leaves one such entry behind: a few bytes per late click, never reused (ids are
                // random).
                let t = CancelToken::new();
                t.cancel();
                map.insert(id.to_owned(), t);
                false
            }
        }
    }

    /// No task registered, nor a cancel waiting for one.
    pub fn is_idle(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancelToken>> {
        // The map holds only tokens; a panic elsewhere cannot leave it inconsistent.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A registered task; dropping it (when the work ends, however it ends) forgets the task.
pub struct TaskGuard {
    tasks: Tasks,
    id: String,
    token: CancelToken,
}

impl TaskGuard {
    pub fn token(&self) -> CancelToken {
        self.token.clone()
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.tasks.lock().remove(&self.id);
    }
}

fn not_damaged() -> IpcError {
    IpcError::new(
        ErrorCode::Conflict,
        "The registry is open and works: there is nothing to recover. Use Restore… to go back to a backup.",
    )
}

fn open_registry(path: &Path) -> Opened {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| RegistryError::Io {
            context: format!("Can't create the data folder {}", dir.display()),
            source: e,
        })
        .and_then(|()| Registry::open(path))
        .map(Arc::new)
        .map_err(|e| {
            let problem = recovery::diagnose(path, &e);
            (IpcError::from(e), problem)
        })
}

pub fn registry_path(data_dir: &Path) -> PathBuf {
    data_dir.join(REGISTRY_FILE)
}
