//! What the shell keeps between commands: the open registry, or why it could not be opened. The window opens
//! either way, so the page can show the user what went wrong instead of the app vanishing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use modelops_core::{ErrorCode, Registry};

use crate::error::IpcError;

/// The registry's file name inside the data directory.
pub const REGISTRY_FILE: &str = "registry.sqlite3";

pub struct AppState {
    registry: Result<Arc<Registry>, IpcError>,
}

impl AppState {
    /// Creates the data directory if needed and opens (creating, migrating, seeding) the registry in it.
    pub fn open(data_dir: &Path) -> AppState {
        let registry = std::fs::create_dir_all(data_dir)
            .map_err(|e| {
                IpcError::new(
                    ErrorCode::Io,
                    format!("Can't create the data folder {}: {e}", data_dir.display()),
                )
            })
            .and_then(|()| Registry::open(&registry_path(data_dir)).map_err(IpcError::from))
            .map(Arc::new);
        AppState { registry }
    }

    pub fn from_registry(registry: Registry) -> AppState {
        AppState {
            registry: Ok(Arc::new(registry)),
        }
    }

    pub fn registry(&self) -> Result<Arc<Registry>, IpcError> {
        self.registry.clone()
    }
}

pub fn registry_path(data_dir: &Path) -> PathBuf {
    data_dir.join(REGISTRY_FILE)
}
