//! The ModelOps registry operations: every action the app and the CLI offer, on a SQLite-backed registry of
//! machine-learning models and their lifecycle. Plain Rust with no Tauri dependency.
//!
//! Three layers, each a crate (docs/adr/0018-layers.md): `modelops-domain` (wire types, rules, statistics;
//! no SQL) ← `modelops-store` (the file, migrations, transactions, audit chain, backups, recovery; no
//! operation) ← this crate (the operations, one module per feature) ← the shell and the CLI. The modules
//! of the layers below are re-exported here under their old names, so callers use one crate.
//!
//! Start at [`Registry`] (its base is `registry`), and at [`opening::RegistryHome`] for opening one.
//!
//! ## Where to add a new operation
//! 1. Its request and result types go in `modelops_domain::types` (or the domain module of its feature),
//!    with `#[ts(export)]`; a rule that needs no data (a limit, a check) goes in the domain as a function.
//! 2. The operation is a method on `Registry` in the module of its feature here (a new feature gets a new
//!    module): validate the input first, then `self.write(|tx| ...)` — load what you decide on with `rows`
//!    (`load_state`, `check_expected`), change it, `insert_event`, return the wire type. Reads use
//!    `self.read`, whose handle refuses to write.
//! 3. A schema change is a new migration in `modelops_store::schema`.
//! 4. Then a command in `src-tauri/commands/` and/or a CLI subcommand, each a few lines calling the method.
//!
//! A feature module may use `registry`, `rows`, `query` and other feature modules below it, never one that
//! uses it: `src-tauri/tools/tests/layers.rs` fails on a cycle.

pub use modelops_domain::{checks, input, lifecycle, stats, task, types, version};
pub use modelops_store::{audit, backup, db, error, recovery, schema};

pub mod ab;
pub mod backups;
pub mod export;
pub mod gates;
pub mod generate;
mod ids;
pub mod import;
pub mod metrics;
pub mod models;
pub mod opening;
pub mod query;
pub mod register;
pub mod registry;
pub mod remote;
pub mod rows;
mod seed;
pub mod timeline;
pub mod transitions;

pub use error::{ErrorCode, RegistryError, Result};
pub use opening::{Current, OpenFailure, Opened, RegistryHome, Restored};
pub use registry::Registry;
