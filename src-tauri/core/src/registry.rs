//! `Registry`: the open registry every operation is a method of. This module is its base only — the store
//! it wraps and the read/write transactions the operations run in; each operation lives in the module of
//! its feature (`models`, `transitions`, `register`, `gates`, `ab`, ...), and opening one is `opening`'s.
//!
//! Writes take the write lock up front (`BEGIN IMMEDIATE`), read the state they decide on inside that
//! transaction, and record an event beside the change, so a refused action leaves nothing behind and a
//! concurrent writer cannot slip in between the check and the write. Reads get a `Reader` that cannot write.

use std::path::Path;

use rusqlite::Transaction;

use modelops_store::{Reader, Store};

use crate::error::Result;

pub use modelops_domain::input::{
    clean_text, DETAIL_EVENTS_LIMIT, DETAIL_TEST_RUNS_LIMIT, MAX_PAGE, MAX_REASON_CHARS,
};
pub use modelops_store::os_user;

/// The registry: its store (one SQLite connection, ADR 0002) and the operations of the modules beside this
/// one. Callers run it off the UI and async threads.
pub struct Registry {
    store: Store,
}

impl Registry {
    /// The registry on `store` as it is: no migration, no seeding (see `opening` for that).
    pub(crate) fn on(store: Store) -> Registry {
        Registry { store }
    }

    /// Records `actor` instead of the OS user on the events this registry appends.
    pub fn with_actor(self, actor: impl Into<String>) -> Registry {
        Registry {
            store: self.store.with_actor(actor),
        }
    }

    pub fn actor(&self) -> &str {
        self.store.actor()
    }

    pub fn path(&self) -> Option<&Path> {
        self.store.path()
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The connection itself, for unit tests that set pragmas.
    #[cfg(test)]
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        self.store.lock()
    }

    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.store.write(f)
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        self.store.read(f)
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` when the file is sound, otherwise what is wrong.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.store.integrity_check()
    }

    /// Every copy `models` keeps of what a row shows (the current version's metrics, its latest test run, its
    /// previous version, its team server) that differs from its source: empty when the triggers kept them
    /// all. For tests, and for looking at a registry that shows something odd.
    pub fn copies_check(&self) -> Result<Vec<String>> {
        self.read(|tx| crate::rows::copies_check(tx))
    }

    /// A digest of every row of every table: equal before and after means nothing changed. For tests and
    /// for checking that a refused action left the database alone.
    pub fn content_fingerprint(&self) -> Result<String> {
        self.store.content_fingerprint()
    }
}

#[cfg(test)]
mod tests {
    use crate::types::{Metrics, RegisterModelRequest};
    use crate::{ErrorCode, Registry};

    /// A full disk, simulated with SQLite's page limit: the write is refused as DISK_FULL with a message
    /// that says nothing was saved, and the registry holds exactly what it held before.
    #[test]
    fn a_full_disk_refuses_the_change_and_keeps_the_registry_whole() {
        let reg = Registry::open_in_memory().expect("open");
        let pages: i64 = reg
            .lock()
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("page_count");
        reg.lock()
            .pragma_update(None, "max_page_count", pages + 2)
            .expect("limit");
        let request = |i: usize| RegisterModelRequest {
            name: format!("Filler {i}"),
            framework: "ONNX".into(),
            version: "1.0.0".into(),
            metrics: Metrics {
                accuracy: 0.9,
                latency: 10.0,
                throughput: 100.0,
                uptime: 99.0,
                ai_confidence: 0.9,
                error_rate: 0.01,
            },
            size_bytes: Some(1),
            artifact_path: None,
            notes: Some("n".repeat(900)),
            tags: vec![],
        };
        let mut stored = 0;
        let err = loop {
            match reg.register_model(&request(stored)) {
                Ok(_) => stored += 1,
                Err(e) => break e,
            }
            assert!(stored < 500, "the page limit never filled up");
        };
        assert_eq!(err.code(), ErrorCode::DiskFull, "{err}");
        assert!(
            err.to_string()
                .contains("disk holding the registry is full"),
            "{err}"
        );
        let models = reg.list_models().expect("list").models;
        assert_eq!(models.len(), 4 + stored);
        assert!(!models.iter().any(|m| m.name == format!("Filler {stored}")));
        assert!(reg.verify_audit().expect("verify").ok);
    }
}
