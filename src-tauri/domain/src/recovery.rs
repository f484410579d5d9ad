//! Why a registry could not be opened, as the recovery screen and the CLI show it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorCode;
/// What is wrong with a registry that could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ProblemKind {
    /// The file does not start like a SQLite database.
    NotSqlite,
    /// The file is shorter than its own header says: it was cut off.
    Truncated,
    /// SQLite found damaged pages.
    Corrupt,
    /// A SQLite database of another program.
    ForeignDatabase,
    /// Written by a newer ModelOps.
    SchemaTooNew,
    /// The folder or file can't be written.
    ReadOnly,
    /// No space left for the registry.
    DiskFull,
    /// Anything else (the message says what).
    Other,
}

impl ProblemKind {
    pub fn describe(self) -> &'static str {
        match self {
            ProblemKind::NotSqlite => "the file is not a SQLite database",
            ProblemKind::Truncated => {
                "the file is truncated: it is shorter than its own header says"
            }
            ProblemKind::Corrupt => "the database is damaged",
            ProblemKind::ForeignDatabase => "it is a SQLite database of another program",
            ProblemKind::SchemaTooNew => "it was written by a newer version of ModelOps",
            ProblemKind::ReadOnly => "the registry's folder or file is read-only",
            ProblemKind::DiskFull => "the disk is full",
            ProblemKind::Other => "it could not be opened",
        }
    }

    /// Whether moving the file aside (to restore a backup or start anew) is a way out. Not for a read-only
    /// or full disk: the file is fine, the place is not.
    pub fn file_is_the_problem(self) -> bool {
        !matches!(
            self,
            ProblemKind::ReadOnly | ProblemKind::DiskFull | ProblemKind::Other
        )
    }
}

/// A registry that could not be opened, for the recovery screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistryProblem {
    pub kind: ProblemKind,
    pub code: ErrorCode,
    pub message: String,
    /// The registry file.
    pub path: String,
    pub file_exists: bool,
    /// Moving the file aside is offered (see `ProblemKind::file_is_the_problem`).
    pub can_move_aside: bool,
}

/// Where the registry lives and whether it opened: what the page asks first, to show the models or the
/// recovery screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistryStatus {
    pub data_dir: String,
    pub registry_path: String,
    pub backups_dir: String,
    /// Why the registry could not be opened; absent when it is open.
    #[ts(optional)]
    pub problem: Option<RegistryProblem>,
    /// The open registry's schema version.
    #[ts(optional, type = "number")]
    pub schema_version: Option<i64>,
}
