//! The ModelOps registry core: a SQLite-backed registry of machine-learning models and their lifecycle.
//!
//! Plain Rust with no Tauri dependency, so the desktop app, a CLI or tests can drive it alike. Start at
//! [`Registry`]; the wire types are in [`types`], the lifecycle table in [`lifecycle`].

pub mod ab;
pub mod audit;
pub mod backup;
pub mod checks;
pub mod db;
pub mod error;
pub mod export;
pub mod gates;
pub mod generate;
pub mod import;
pub mod lifecycle;
pub mod metrics;
pub mod query;
pub mod recovery;
pub mod register;
pub mod registry;
mod seed;
pub mod stats;
pub mod task;
pub mod timeline;
pub mod types;
pub mod version;

pub use error::{ErrorCode, RegistryError, Result};
pub use registry::Registry;
