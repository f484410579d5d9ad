//! Backups of an open registry: the store takes and restores them (`modelops_store::handle`); these are the
//! registry's doors to it, so callers need not reach below the operations layer.

use std::path::Path;

use chrono::{DateTime, Utc};

use modelops_store::backup::{BackupInfo, BackupList, BackupSettings, RestoreResult};

use crate::error::Result;
use crate::registry::Registry;
use crate::task::Task;

impl Registry {
    /// The backups beside this registry, newest first.
    pub fn backups(&self) -> Result<BackupList> {
        self.store().backups()
    }

    /// "Back up now". Manual backups are never pruned.
    pub fn backup_now(&self, now: DateTime<Utc>) -> Result<BackupInfo> {
        self.store().backup_now(now)
    }

    /// Takes the daily backup when the newest backup is older than a day (or there is none), then prunes
    /// the automatic ones. Returns the backup it took.
    pub fn backup_if_due(&self, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        self.store().backup_if_due(now)
    }

    pub fn set_backup_keep(&self, keep: u32) -> Result<BackupSettings> {
        self.store().set_backup_keep(keep)
    }

    /// Replaces the registry's content with the backup at `from`, after validating it and backing up the
    /// current content.
    pub fn restore_from(&self, from: &Path, now: DateTime<Utc>) -> Result<RestoreResult> {
        self.store().restore_from(from, now)
    }

    /// `restore_from`, reporting its progress to `task`, which can cancel it: a cancelled restore leaves
    /// the registry as it was.
    pub fn restore_from_with(
        &self,
        from: &Path,
        now: DateTime<Utc>,
        task: &Task<'_>,
    ) -> Result<RestoreResult> {
        self.store().restore_from_with(from, now, task)
    }
}
