//! ModelOps' domain: what a model registry *is*, with no storage and no UI.
//!
//! The types that cross IPC (`types` and the per-feature wire types in `gates`, `ab`, `metrics`, `import`,
//! `backup`, `recovery`), the error codes the page branches on (`error`), and the rules as pure functions:
//! the lifecycle table (`lifecycle`), version order (`version`), input limits (`input`), quality-gate
//! evaluation (`gates`), the A/B statistics (`stats`) and results files (`ab`), and progress/cancel for long
//! work (`task`).
//!
//! This crate is the bottom layer (docs/adr/0018-layers.md): it may not depend on `modelops-store`,
//! `modelops-core` or SQLite, and the compiler keeps it so. A rule that needs to read the registry belongs in
//! `modelops-core`, which loads the data and calls the rule here.

pub mod ab;
pub mod backup;
pub mod checks;
pub mod error;
pub mod gates;
pub mod import;
pub mod input;
pub mod lifecycle;
pub mod metrics;
pub mod recovery;
pub mod remote;
pub mod stats;
pub mod task;
pub mod types;
pub mod version;

pub use error::{DomainError, ErrorCode};
