//! What the shell keeps between commands: the open registry, or why it could not be opened. The window opens
//! either way, so the page can show the user what went wrong and the ways out (docs/adr/0013): retry, restore
//! a backup, or move the damaged file aside and start a new registry. Those replace the registry here, under
//! the write lock, so no command runs against a registry being swapped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::Utc;
use modelops_core::backup::{BackupList, RestoreResult};
use modelops_core::opening::{Current, Opened, RegistryHome};
use modelops_core::recovery::{RegistryProblem, RegistryStatus};
use modelops_core::task::{CancelToken, Task};
use modelops_core::{ErrorCode, Registry};

use crate::error::IpcError;

pub use modelops_core::opening::REGISTRY_FILE;

/// The registry as the commands hold it: open, or the error every command answers with and the problem the
/// recovery screen shows (the error converted, and so logged, once).
type Slot = Result<Arc<Registry>, (IpcError, RegistryProblem)>;

/// Cheap to clone: commands take a clone onto a blocking thread.
#[derive(Clone)]
pub struct AppState {
    /// Where the registry lives; None for an in-memory registry (tests). What to do when it can't be
    /// opened is the core's to decide (`RegistryHome`); this only holds the outcome.
    home: Option<RegistryHome>,
    registry: Arc<RwLock<Slot>>,
    tasks: Tasks,
}

impl AppState {
    /// Creates the data directory if needed and opens (creating, migrating, seeding) the registry in it.
    pub fn open(data_dir: &Path) -> AppState {
        let home = RegistryHome::in_dir(data_dir);
        AppState {
            registry: Arc::new(RwLock::new(slot(home.open()))),
            home: Some(home),
            tasks: Tasks::default(),
        }
    }

    pub fn from_registry(registry: Registry) -> AppState {
        AppState {
            home: registry.path().map(RegistryHome::at),
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
        let slot = self.read();
        match &self.home {
            Some(home) => home.status(current(&slot)),
            None => RegistryStatus {
                data_dir: String::new(),
                registry_path: String::new(),
                backups_dir: modelops_core::backup::backups_dir(Path::new(""))
                    .display()
                    .to_string(),
                problem: None,
                schema_version: slot.as_ref().ok().and_then(|r| r.schema_version().ok()),
            },
        }
    }

    /// Opens the registry again (after the user made the folder writable or freed space).
    pub fn retry(&self) -> RegistryStatus {
        if let Some(home) = &self.home {
            let mut slot = self.write();
            if slot.is_err() {
                *slot = self::slot(home.open());
            }
        }
        self.status()
    }

    /// Moves a damaged (or foreign, or too new) registry file aside and starts a new registry in its place.
    pub fn start_new(&self) -> Result<RegistryStatus, IpcError> {
        let home = self.home()?;
        {
            let mut slot = self.write();
            let opened = home.start_new(current(&slot))?;
            *slot = self::slot(opened);
        }
        Ok(self.status())
    }

    /// Restores the backup at `from`: into the open registry, or in place of one that could not be opened,
    /// reporting to `task`, which can cancel it (changing nothing).
    pub fn restore(&self, from: &Path, task: &Task<'_>) -> Result<RestoreResult, IpcError> {
        let home = self.home()?;
        let mut slot = self.write();
        let restored = home.restore_with(current(&slot), from, Utc::now(), task)?;
        if let Some(opened) = restored.reopened {
            *slot = self::slot(opened);
            slot.as_ref().map_err(|(e, _)| e.clone())?;
        }
        Ok(restored.result)
    }

    /// The backups beside the registry; listed even when the registry could not be opened.
    pub fn backups(&self) -> Result<BackupList, IpcError> {
        Ok(self.home()?.backups(current(&self.read()))?)
    }

    pub fn backups_dir(&self) -> Result<PathBuf, IpcError> {
        Ok(self.home()?.backups_dir())
    }

    fn home(&self) -> Result<&RegistryHome, IpcError> {
        self.home.as_ref().ok_or_else(|| {
            IpcError::new(
                ErrorCode::InvalidInput,
                "This registry lives in memory: it has no file to back up or restore.",
            )
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Slot> {
        // A panic while holding the lock left either the old or the new registry in place, both usable.
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Slot> {
        self.registry.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn slot(opened: Opened) -> Slot {
    opened.map(Arc::new).map_err(|failure| {
        let failure = *failure;
        (IpcError::from(failure.error), failure.problem)
    })
}

fn current(slot: &Slot) -> Current<'_> {
    match slot {
        Ok(registry) => Current::Open(registry),
        Err((_, problem)) => Current::Failed(problem),
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

pub fn registry_path(data_dir: &Path) -> PathBuf {
    RegistryHome::in_dir(data_dir).file().to_owned()
}
