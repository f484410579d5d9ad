//! ModelOps' storage layer: the registry file and everything that knows its bytes and tables, but no
//! registry operation.
//!
//! - `file`: the file before SQLite opens it (header check, owner-only files);
//! - `schema`: migrations tracked by `user_version`, connection settings, the too-new and foreign-file gate;
//! - `audit`: the hash-chained event log (append, verify, the migration that chained it);
//! - `backup`: backup files (write, list, prune, validate, copy in);
//! - `db`: opening a file (header, schema gate, WAL, backup before migrating, migrations);
//! - `recovery`: naming what is wrong with a file that won't open, moving it aside, restoring over it;
//! - `handle`: `Store`, the connection with its read (read-only) and write transactions, and backups of it.
//!
//! Layer rules (docs/adr/0018-layers.md): this crate uses `modelops-domain` and never `modelops-core`; inside
//! it the modules above only use modules listed before them (`tests/layers.rs` in `src-tauri/tools` fails on
//! a cycle).

pub mod audit;
pub mod backup;
pub mod db;
pub mod error;
pub mod file;
pub mod handle;
pub mod recovery;
pub mod schema;

pub use error::{ErrorCode, RegistryError, Result};
pub use handle::{os_user, Reader, Store};
