//! How a registry is opened, and the ways back when it can't be: open or say why, restore a backup, start a
//! new registry, list the backups. The one place the app and the CLI decide these (docs/adr/0013 and 0018):
//! both hold a `RegistryHome` and ask it, so they cannot drift apart.
//!
//! A damaged file is only ever moved aside (renamed beside itself) and only when moving it would help:
//! a read-only folder or a full disk is not the file's fault, and a new file there would fail the same way.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use modelops_store::backup::{self, BackupList, RestoreResult};
use modelops_store::recovery::{self, RegistryProblem, RegistryStatus};
use modelops_store::Store;

use crate::error::{RegistryError, Result};
use crate::registry::Registry;
use crate::seed;
use crate::task::Task;

/// The registry's file name inside the data folder.
pub const REGISTRY_FILE: &str = "registry.sqlite3";

impl Registry {
    /// Opens or creates the registry file, migrates it, and seeds the demo models on first start.
    pub fn open(path: &Path) -> Result<Registry> {
        Registry::seeded(Store::open(path)?)
    }

    /// A seeded registry in memory, for tests.
    pub fn open_in_memory() -> Result<Registry> {
        Registry::seeded(Store::open_in_memory()?)
    }

    /// An empty registry in memory (schema, no demo data), for tests.
    pub fn open_in_memory_empty() -> Result<Registry> {
        Ok(Registry::on(Store::open_in_memory()?))
    }

    fn seeded(store: Store) -> Result<Registry> {
        let reg = Registry::on(store);
        reg.write(|tx| seed::seed_if_new(tx, Utc::now()))?;
        Ok(reg)
    }
}

/// A registry that could not be opened: the error, and what the recovery screen makes of it.
#[derive(Debug)]
pub struct OpenFailure {
    pub error: RegistryError,
    pub problem: RegistryProblem,
}

/// What opening a registry gave (the failure boxed: it is rare, and large beside a `Registry`).
pub type Opened = std::result::Result<Registry, Box<OpenFailure>>;

/// The registry as the caller holds it now: the way out depends on it.
#[derive(Clone, Copy)]
pub enum Current<'a> {
    Open(&'a Registry),
    Failed(&'a RegistryProblem),
}

impl<'a> Current<'a> {
    pub fn of(opened: &'a Opened) -> Current<'a> {
        match opened {
            Ok(registry) => Current::Open(registry),
            Err(failure) => Current::Failed(&failure.problem),
        }
    }
}

/// What a restore did, and the registry opened from the restored file when it replaced one that could not
/// be opened (an open registry is restored in place and stays the caller's).
pub struct Restored {
    pub result: RestoreResult,
    pub reopened: Option<Opened>,
}

/// Where a registry lives: its file in a data folder, with its backups beside it.
#[derive(Debug, Clone)]
pub struct RegistryHome {
    file: PathBuf,
}

impl RegistryHome {
    /// The registry of the data folder `data_dir`.
    pub fn in_dir(data_dir: &Path) -> RegistryHome {
        RegistryHome {
            file: data_dir.join(REGISTRY_FILE),
        }
    }

    /// The registry in the file `file` (whatever its name).
    pub fn at(file: &Path) -> RegistryHome {
        RegistryHome {
            file: file.to_owned(),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    pub fn backups_dir(&self) -> PathBuf {
        backup::backups_dir(&self.file)
    }

    /// Creates the data folder if needed and opens (creating, migrating, seeding) the registry; when it
    /// can't, names the problem for the recovery screen.
    pub fn open(&self) -> Opened {
        let dir = self.file.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| {
                RegistryError::io(format!("Can't create the data folder {}", dir.display()), e)
            })
            .and_then(|()| Registry::open(&self.file))
            .map_err(|error| {
                Box::new(OpenFailure {
                    problem: recovery::diagnose(&self.file, &error),
                    error,
                })
            })
    }

    /// Where the registry lives and, when it could not be opened, why.
    pub fn status(&self, current: Current<'_>) -> RegistryStatus {
        let (problem, schema_version) = match current {
            Current::Open(registry) => (None, registry.schema_version().ok()),
            Current::Failed(problem) => (Some(problem.clone()), None),
        };
        RegistryStatus {
            data_dir: self
                .file
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            registry_path: self.file.display().to_string(),
            backups_dir: self.backups_dir().display().to_string(),
            problem,
            schema_version,
        }
    }

    /// The backups beside the registry, listed even when it could not be opened (then with the default
    /// number kept, since the setting lives in the registry).
    pub fn backups(&self, current: Current<'_>) -> Result<BackupList> {
        match current {
            Current::Open(registry) => registry.backups(),
            Current::Failed(_) => {
                let dir = self.backups_dir();
                Ok(BackupList {
                    dir: dir.display().to_string(),
                    keep: backup::DEFAULT_KEEP,
                    backups: backup::list_backups(&dir)?,
                })
            }
        }
    }

    /// Restores the backup at `from`: into the open registry (after a safety backup), or, when the registry
    /// could not be opened and its file is the problem, as a new file after moving the damaged one aside.
    pub fn restore(
        &self,
        current: Current<'_>,
        from: &Path,
        now: DateTime<Utc>,
    ) -> Result<Restored> {
        self.restore_with(current, from, now, &Task::none())
    }

    /// `restore`, reporting its progress to `task`, which can cancel it until the last step: a cancelled
    /// restore changes nothing.
    pub fn restore_with(
        &self,
        current: Current<'_>,
        from: &Path,
        now: DateTime<Utc>,
        task: &Task<'_>,
    ) -> Result<Restored> {
        match current {
            Current::Open(registry) => Ok(Restored {
                result: registry.restore_from_with(from, now, task)?,
                reopened: None,
            }),
            Current::Failed(problem) => {
                self.ensure_movable(problem, "restoring a backup over it")?;
                let result = recovery::restore_damaged_with(&self.file, from, now, task)?;
                Ok(Restored {
                    result,
                    reopened: Some(self.open()),
                })
            }
        }
    }

    /// Moves a damaged (or foreign, or too new) registry file aside and opens a new registry in its place.
    /// Refused while the registry is open (there is nothing to recover from) and when the file is fine.
    pub fn start_new(&self, current: Current<'_>) -> Result<Opened> {
        let problem = match current {
            Current::Open(_) => {
                return Err(RegistryError::Conflict(
                    "The registry is open and works: there is nothing to recover. Use Restore… to go back \
                     to a backup."
                        .to_owned(),
                ))
            }
            Current::Failed(problem) => problem,
        };
        if self.file.exists() {
            if !problem.can_move_aside {
                return Err(RegistryError::Conflict(
                    "The registry file itself is fine; moving it aside would not help. Fix what the message \
                     says, then try again."
                        .to_owned(),
                ));
            }
            recovery::move_aside(&self.file, Utc::now())?;
        }
        Ok(self.open())
    }

    fn ensure_movable(&self, problem: &RegistryProblem, what: &str) -> Result<()> {
        if self.file.exists() && !problem.can_move_aside {
            return Err(RegistryError::NotRecoverable {
                code: problem.code,
                message: format!(
                    "{} The file itself is fine, so {what} would not help: fix that, then try again.",
                    problem.message
                ),
            });
        }
        Ok(())
    }
}
