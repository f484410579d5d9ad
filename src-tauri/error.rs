//! The one error type that crosses IPC: `{ code, message }`. The UI branches on `code` and shows `message`.

use modelops_core::{ErrorCode, RegistryError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl From<RegistryError> for IpcError {
    fn from(err: RegistryError) -> Self {
        let code = err.code();
        if code == ErrorCode::Internal
            || code == ErrorCode::Io
            || code == ErrorCode::CorruptDatabase
        {
            // The user sees the message; the full cause chain goes to stderr for a bug report.
            let mut chain = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                chain.push_str(&format!(": {s}"));
                source = s.source();
            }
            eprintln!("modelops: {code:?}: {chain}");
        }
        IpcError {
            code,
            message: err.to_string(),
        }
    }
}
