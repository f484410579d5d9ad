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
        // Every error that crosses IPC reaches the user (a toast or an inline message), so every one is
        // logged, with the causes the message leaves out: the user sees the message, a bug report gets the
        // chain. A refusal (unknown id, illegal transition, bad input) is the user's input, not a fault.
        let level = match code {
            ErrorCode::Internal | ErrorCode::Io | ErrorCode::CorruptDatabase => log::Level::Error,
            // The user asked for it.
            ErrorCode::Cancelled => log::Level::Info,
            _ => log::Level::Warn,
        };
        log::log!(level, "{code:?}: {}", cause_chain(&err));
        IpcError {
            code,
            message: err.to_string(),
        }
    }
}

/// `err` and its sources, outermost first: "Writing the CSV failed: No space left on device (os error 28)".
pub fn cause_chain(err: &dyn std::error::Error) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        // thiserror's `#[error("...: {0}")]` often repeats the source in the message already.
        if !chain.ends_with(&text) {
            chain.push_str(": ");
            chain.push_str(&text);
        }
        source = s.source();
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::cause_chain;

    #[derive(Debug, thiserror::Error)]
    #[error("Writing the CSV failed")]
    struct Outer(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        assert_eq!(
            cause_chain(&Outer(io())),
            "Writing the CSV failed: disk full"
        );
        assert_eq!(cause_chain(&Repeats(io())), "outer: disk full");
    }
}
