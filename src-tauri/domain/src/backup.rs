//! Backups' wire types and limits: what a backup is, why it was taken, how many are kept, and what a
//! restore did (the files themselves are `modelops_store::backup`'s).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
/// Automatic backups kept when the user has not chosen a number.
pub const DEFAULT_KEEP: u32 = 10;
/// The most automatic backups one may ask to keep.
pub const MAX_KEEP: u32 = 1000;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum BackupReason {
    /// "Back up now".
    Manual,
    /// The first use of the registry after a day without a backup.
    Daily,
    /// Before the schema was migrated to a newer version.
    PreMigration,
    /// The registry as it was before a restore replaced it.
    PreRestore,
}

impl BackupReason {
    pub fn slug(self) -> &'static str {
        match self {
            BackupReason::Manual => "manual",
            BackupReason::Daily => "daily",
            BackupReason::PreMigration => "pre-migration",
            BackupReason::PreRestore => "pre-restore",
        }
    }

    pub fn from_slug(slug: &str) -> Option<BackupReason> {
        [
            BackupReason::Manual,
            BackupReason::Daily,
            BackupReason::PreMigration,
            BackupReason::PreRestore,
        ]
        .into_iter()
        .find(|r| r.slug() == slug)
    }

    /// Automatic backups are pruned to the newest `keep`; manual ones never are.
    pub fn is_automatic(self) -> bool {
        self != BackupReason::Manual
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: String,
    pub created_at: DateTime<Utc>,
    pub reason: BackupReason,
    /// The file's size on disk (compressed, for a `.sqlite3.zst` backup).
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// Whether the file is zstd-compressed (`.sqlite3.zst`); backups made before issue 17 are plain SQLite
    /// files (`.sqlite3`) and restore all the same.
    pub compressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupList {
    /// The folder holding the backups.
    pub dir: String,
    /// How many automatic backups are kept.
    pub keep: u32,
    /// Newest first.
    pub backups: Vec<BackupInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSettings {
    pub keep: u32,
}

/// What a file offered for restore holds, once it passed validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupCheck {
    #[ts(type = "number")]
    pub schema_version: i64,
    #[ts(type = "number")]
    pub models: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreResult {
    pub restored_from: String,
    pub check: BackupCheck,
    /// The registry as it was before the restore (absent when it could not be read: a damaged file is moved
    /// aside instead, see `recovery`).
    #[ts(optional)]
    pub safety_backup: Option<BackupInfo>,
    /// Where a damaged registry was moved before the restore.
    #[ts(optional)]
    pub moved_aside: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreRequest {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSettingsRequest {
    pub keep: u32,
}
