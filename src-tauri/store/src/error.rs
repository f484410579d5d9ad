//! Errors of the registry. `ErrorCode` is what the UI branches on; add a code only when the UI needs to tell
//! that case apart. The message is written for the user and reaches the toast unchanged.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::types::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ErrorCode {
    /// No model / A/B test with that id.
    NotFound,
    /// The lifecycle does not allow that action from the model's current state.
    IllegalTransition,
    /// Rollback asked of a model whose current version is its first.
    NoPreviousVersion,
    /// A value out of range or malformed (split outside 1–99, same model twice, bad path, ...).
    InvalidInput,
    /// The action clashes with other state (e.g. a model already in a running A/B test).
    Conflict,
    /// Deploying to production refused: the version's latest test run did not pass (or there is none). The
    /// UI offers to deploy anyway with a reason.
    GateBlocked,
    /// The registry file was written by a newer ModelOps; it was not touched.
    SchemaTooNew,
    /// The registry file is not a SQLite database or is damaged.
    CorruptDatabase,
    /// The registry (or its folder) can't be written: a read-only folder, file or file system.
    ReadOnly,
    /// The disk (or the registry's size limit) is full; the change was not made.
    DiskFull,
    /// Reading or writing a file failed (export target, data directory).
    Io,
    /// The user cancelled a long task (export, import, hashing an artifact); nothing was written or changed.
    Cancelled,
    /// Anything else; the message carries the cause.
    Internal,
}

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("No model with id \"{0}\".")]
    ModelNotFound(String),

    #[error("No A/B test with id \"{0}\".")]
    AbTestNotFound(String),

    #[error("{model} has no version \"{version}\".")]
    VersionNotFound { model: String, version: String },

    #[error("Can't {action} {model}: {reason}")]
    IllegalTransition {
        model: String,
        action: &'static str,
        from: Status,
        reason: String,
    },

    #[error("Can't roll back {model}: {version} is its first version, there is no previous one.")]
    NoPreviousVersion { model: String, version: String },

    #[error("{0}")]
    InvalidInput(String),

    #[error(
        "Can't deploy {model} {version} to production: {reason}. Run the tests until they pass, or deploy \
         anyway with a reason."
    )]
    GateBlocked {
        model: String,
        version: String,
        reason: String,
    },

    #[error("{0}")]
    Conflict(String),

    #[error(
        "This registry was written by a newer version of ModelOps (schema {found}; this build knows up to \
         {supported}). It was left untouched: update ModelOps to open it."
    )]
    SchemaTooNew { found: i64, supported: i64 },

    #[error("The registry file {path} is not a ModelOps database or is damaged ({detail}). It was left untouched.")]
    CorruptDatabase { path: String, detail: String },

    #[error(
        "The registry file {path} is a SQLite database of another program ({tables} tables of its own), not \
         a ModelOps registry. It was left untouched."
    )]
    ForeignDatabase { path: String, tables: i64 },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "The registry is in use by another program that has held it for more than {seconds} s. Nothing was \
         changed; try again, or close the other program (another ModelOps window, a long import)."
    )]
    Busy { seconds: u64 },

    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),

    #[error("{}", migration_message(.0))]
    Migration(#[from] rusqlite_migration::Error),

    #[error("{0}")]
    Cancelled(String),

    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
}

impl RegistryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RegistryError::ModelNotFound(_)
            | RegistryError::AbTestNotFound(_)
            | RegistryError::VersionNotFound { .. } => ErrorCode::NotFound,
            RegistryError::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            RegistryError::NoPreviousVersion { .. } => ErrorCode::NoPreviousVersion,
            RegistryError::InvalidInput(_) => ErrorCode::InvalidInput,
            RegistryError::GateBlocked { .. } => ErrorCode::GateBlocked,
            RegistryError::Conflict(_) => ErrorCode::Conflict,
            RegistryError::Cancelled(_) => ErrorCode::Cancelled,
            RegistryError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            RegistryError::CorruptDatabase { .. } | RegistryError::ForeignDatabase { .. } => {
                ErrorCode::CorruptDatabase
            }
            RegistryError::Sqlite(e) if is_corruption(e) => ErrorCode::CorruptDatabase,
            RegistryError::Sqlite(e) if is_read_only(e) => ErrorCode::ReadOnly,
            RegistryError::Sqlite(e) if is_full(e) => ErrorCode::DiskFull,
            RegistryError::Migration(rusqlite_migration::Error::RusqliteError { err, .. })
                if is_read_only(err) =>
            {
                ErrorCode::ReadOnly
            }
            RegistryError::Migration(rusqlite_migration::Error::RusqliteError { err, .. })
                if is_full(err) =>
            {
                ErrorCode::DiskFull
            }
            RegistryError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied
                    || source.kind() == std::io::ErrorKind::ReadOnlyFilesystem =>
            {
                ErrorCode::ReadOnly
            }
            RegistryError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::StorageFull =>
            {
                ErrorCode::DiskFull
            }
            RegistryError::Io { .. } => ErrorCode::Io,
            RegistryError::Busy { .. } | RegistryError::Sqlite(_) | RegistryError::Migration(_) => {
                ErrorCode::Internal
            }
            RegistryError::Csv(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => ErrorCode::Io,
            RegistryError::Csv(_) => ErrorCode::Internal,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        RegistryError::Io {
            context: context.into(),
            source,
        }
    }
}

pub(crate) fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

pub(crate) fn is_read_only(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
    )
}

pub(crate) fn is_full(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DiskFull))
}

fn migration_message(e: &rusqlite_migration::Error) -> String {
    match e {
        rusqlite_migration::Error::RusqliteError { err, .. }
            if is_full(err) || is_read_only(err) =>
        {
            sqlite_message(err)
        }
        other => format!("Schema migration failed: {other}"),
    }
}

/// SQLite's own words for the cases a user can act on are terse ("database or disk is full"); say what
/// happened to their change and what to do.
fn sqlite_message(e: &rusqlite::Error) -> String {
    if is_full(e) {
        "The disk holding the registry is full: the change was not saved and the registry is as it was. \
         Free some space, then try again."
            .to_owned()
    } else if is_read_only(e) {
        format!(
            "The registry can't be written: its folder or file is read-only ({e}). Nothing was changed; make \
             the folder writable, then try again."
        )
    } else {
        format!("Database error: {e}")
    }
}
