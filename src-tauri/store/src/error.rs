//! Errors of the registry: every refusal and failure an operation can return. `code()` gives the
//! `ErrorCode` the UI branches on; the message is written for the user and reaches the toast unchanged.
//! The domain's refusals (`DomainError`) come over variant for variant, so callers match one type.

pub use modelops_domain::error::ErrorCode;
use modelops_domain::error::{io_code, DomainError};
use modelops_domain::types::Status;

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

    /// A read ran a statement that writes: a bug, refused, and the read's transaction rolled back.
    #[error("Internal error: a read tried to change the registry; nothing was changed.")]
    WriteInRead,

    /// A way out refused because the registry could not be opened for a reason it would not mend (a
    /// read-only folder, a full disk): the code is that reason's.
    #[error("{message}")]
    NotRecoverable { code: ErrorCode, message: String },

    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),

    #[error(
        "No team server is set. Set one in Team registry (or `modelops remote set URL`) to share and sync models."
    )]
    RemoteNotConfigured,

    /// A bug or a state the code did not expect; the message says what.
    #[error("Internal error: {0}")]
    Internal(String),
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
            RegistryError::NotRecoverable { code, .. } => *code,
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
            RegistryError::Io { source, .. } => io_code(source),
            RegistryError::Busy { .. }
            | RegistryError::WriteInRead
            | RegistryError::Sqlite(_)
            | RegistryError::Migration(_) => ErrorCode::Internal,
            RegistryError::Csv(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => ErrorCode::Io,
            RegistryError::Csv(_) | RegistryError::Internal(_) => ErrorCode::Internal,
            RegistryError::RemoteNotConfigured => ErrorCode::RemoteNotConfigured,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        RegistryError::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<DomainError> for RegistryError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::IllegalTransition {
                model,
                action,
                from,
                reason,
            } => RegistryError::IllegalTransition {
                model,
                action,
                from,
                reason,
            },
            DomainError::InvalidInput(m) => RegistryError::InvalidInput(m),
            DomainError::Conflict(m) => RegistryError::Conflict(m),
            DomainError::Cancelled(m) => RegistryError::Cancelled(m),
            DomainError::Io { context, source } => RegistryError::Io { context, source },
        }
    }
}

pub fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

pub fn is_read_only(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
    )
}

pub fn is_full(e: &rusqlite::Error) -> bool {
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
