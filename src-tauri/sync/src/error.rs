//! What can go wrong talking to the team server, each with the code the UI and the CLI branch on. Messages
//! name the server and the cause and never carry a credential.

use modelops_core::{ErrorCode, RegistryError};

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Registry(#[from] RegistryError),

    #[error("Can't reach {server}: {detail}. Nothing was lost: changes wait until the next sync.")]
    Unreachable { server: String, detail: String },

    #[error("{server} did not answer within {seconds} s. Nothing was lost: changes wait until the next sync.")]
    Timeout { server: String, seconds: u64 },

    #[error("The secure connection to {server} failed: {detail}.")]
    Tls { server: String, detail: String },

    #[error("{server} refused the credentials (HTTP 401). Check the username and the password or token.")]
    Unauthorized { server: String },

    #[error("{server} refused: this user lacks the permission for {what} (HTTP 403).")]
    Forbidden { server: String, what: String },

    #[error("{server} is not an MLflow tracking server ({detail}).")]
    NotMlflow { server: String, detail: String },

    #[error("{server} failed the request {what}: {detail}")]
    Failed {
        server: String,
        what: String,
        detail: String,
    },

    #[error(
        "No keyring is available to keep the {what} ({detail}). Put it in an environment variable instead \
         (modelops remote set URL --password-env VAR or --token-env VAR)."
    )]
    KeyringUnavailable { what: &'static str, detail: String },

    #[error("The {what} for {server} is not set: {how}")]
    MissingSecret {
        what: &'static str,
        server: String,
        how: String,
    },

    #[error("The sync was cancelled; what was already sent stays sent and the rest waits.")]
    Cancelled,
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Registry(e) => e.code(),
            SyncError::Unreachable { .. } => ErrorCode::RemoteUnreachable,
            SyncError::Timeout { .. } => ErrorCode::RemoteTimeout,
            SyncError::Tls { .. } => ErrorCode::RemoteTls,
            SyncError::Unauthorized { .. } => ErrorCode::RemoteUnauthorized,
            SyncError::Forbidden { .. } => ErrorCode::RemoteForbidden,
            SyncError::NotMlflow { .. } => ErrorCode::RemoteNotMlflow,
            SyncError::Failed { .. } => ErrorCode::RemoteFailed,
            SyncError::KeyringUnavailable { .. } => ErrorCode::KeyringUnavailable,
            SyncError::MissingSecret { .. } => ErrorCode::RemoteUnauthorized,
            SyncError::Cancelled => ErrorCode::Cancelled,
        }
    }
}
