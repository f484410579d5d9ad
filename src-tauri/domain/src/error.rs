//! The error codes the UI branches on, and the errors the domain's pure rules return.
//!
//! `ErrorCode` is what crosses IPC; add a code only when the UI needs to tell that case apart.
//! `DomainError` holds only what a rule can decide without storage (an illegal transition, bad input, a
//! cancelled task); `modelops_store::RegistryError` takes each variant over unchanged, so callers see one
//! error type with one message per case.

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
    /// No team server is configured (`modelops remote set`, or Team registry in the app).
    RemoteNotConfigured,
    /// The team server could not be reached: connection refused, no route, name not found.
    RemoteUnreachable,
    /// The team server did not answer in time.
    RemoteTimeout,
    /// The TLS handshake with the team server failed (certificate, protocol).
    RemoteTls,
    /// The team server refused the credentials (HTTP 401).
    RemoteUnauthorized,
    /// The credentials are valid but lack the permission (HTTP 403).
    RemoteForbidden,
    /// The address answers, but not as an MLflow tracking server (HTTP 404, not JSON, another API).
    RemoteNotMlflow,
    /// The MLflow server failed the request (HTTP 5xx after retries, or an MLflow error code).
    RemoteFailed,
    /// No OS keyring (Secret Service) to keep the password or token: use an environment variable.
    KeyringUnavailable,
    /// Anything else; the message carries the cause.
    Internal,
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;

/// What a pure rule refuses. The messages are written for the user and reach the toast unchanged.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("Can't {action} {model}: {reason}")]
    IllegalTransition {
        model: String,
        action: &'static str,
        from: Status,
        reason: String,
    },

    #[error("{0}")]
    InvalidInput(String),

    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    Cancelled(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl DomainError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            DomainError::InvalidInput(_) => ErrorCode::InvalidInput,
            DomainError::Conflict(_) => ErrorCode::Conflict,
            DomainError::Cancelled(_) => ErrorCode::Cancelled,
            DomainError::Io { source, .. } => io_code(source),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DomainError::Io {
            context: context.into(),
            source,
        }
    }
}

/// The code of a failed file operation: a read-only place and a full disk are told apart, since the user
/// acts on each differently.
pub fn io_code(e: &std::io::Error) -> ErrorCode {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            ErrorCode::ReadOnly
        }
        std::io::ErrorKind::StorageFull => ErrorCode::DiskFull,
        _ => ErrorCode::Io,
    }
}
