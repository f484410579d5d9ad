//! `Store`: the one connection to a registry file, and the only way to run SQL against it — `write` in an
//! immediate transaction that commits or rolls back as a whole, `read` in a snapshot that cannot write.
//!
//! A desktop registry has one user and short transactions, so one connection behind a mutex is enough (ADR
//! 0002); callers run it off the UI and async threads. Backups and restores of the file are here too: they
//! need the connection (or a second one to the same file), and nothing of the operations above.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use modelops_domain::task::{CancelToken, Task};

use crate::backup::{
    backups_dir, copy_pages, keep_setting, list_backups, prune, snapshot, unpack, validate_checked,
    write_backup, BackupCheck, BackupInfo, BackupList, BackupReason, BackupSettings, RestoreResult,
    DAILY, MAX_KEEP,
};
use crate::db;
use crate::error::{RegistryError, Result};
use crate::schema::{self, is_busy, BUSY_TIMEOUT, WRITE_LOCK_ATTEMPTS};

pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// Recorded as the actor of every event appended through this store: the OS user by default.
    actor: String,
}

/// The OS user, as the audit log's actor.
pub fn os_user() -> String {
    let name = whoami::username();
    if name.trim().is_empty() {
        "unknown".to_owned()
    } else {
        name
    }
}

/// What `Store::read` hands out: one consistent snapshot of the registry (a deferred transaction). It derefs
/// to `Connection` so the same row helpers serve reads and writes; a statement that writes inside it makes
/// the whole read fail with `RegistryError::WriteInRead`, and the transaction rolls back, so a read can never
/// change the registry, nor do so silently.
///
/// Not `PRAGMA query_only`: setting that flag expires every prepared statement, so each read would prepare its
/// statements anew (about 100 µs a read at 1 000 models, measured in BENCHMARKS.md, issue 15).
pub struct Reader<'c> {
    tx: Transaction<'c>,
}

impl Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Store {
    /// Opens or creates the registry file and migrates it (see `db::open_file`).
    pub fn open(path: &Path) -> Result<Store> {
        Ok(Store {
            conn: Mutex::new(db::open_file(path)?),
            path: Some(path.to_owned()),
            actor: os_user(),
        })
    }

    /// An empty registry in memory with the current schema, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store {
            conn: Mutex::new(db::open_in_memory()?),
            path: None,
            actor: os_user(),
        })
    }

    /// Records `actor` instead of the OS user on the events appended through this store.
    pub fn with_actor(mut self, actor: impl Into<String>) -> Store {
        self.actor = actor.into();
        self
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(schema::schema_version(&self.lock())?)
    }

    /// The connection itself, for what neither `read` nor `write` covers (tests that set pragmas).
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (it rolls back on drop), so the
        // connection is still sound: take it back rather than failing every later call.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed when `f` returns Ok, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // BEGIN IMMEDIATE is where writers wait for each other (the busy timeout). It has taken nothing yet
        // when it gives up, so trying again is safe; a few more rounds cover a burst of writers on a slow
        // disk, and the bound keeps a stuck lock (a hung process) from hanging the app.
        let mut attempt = 1;
        let tx = loop {
            match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
                Ok(tx) => break tx,
                Err(e) if is_busy(&e) && attempt < WRITE_LOCK_ATTEMPTS => attempt += 1,
                Err(e) if is_busy(&e) => {
                    return Err(RegistryError::Busy {
                        seconds: BUSY_TIMEOUT.as_secs() * u64::from(attempt),
                    })
                }
                Err(e) => return Err(e.into()),
            }
        };
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on one consistent snapshot (a deferred transaction) that cannot write: see `Reader`.
    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let reader = Reader {
            tx: conn.transaction_with_behavior(TransactionBehavior::Deferred)?,
        };
        let out = f(&reader)?;
        // A statement that wrote turned the snapshot into a write transaction: refuse the read's result; the
        // transaction rolls back when `reader` drops.
        if reader.tx.transaction_state(Some(rusqlite::MAIN_DB))?
            == rusqlite::TransactionState::Write
        {
            return Err(RegistryError::WriteInRead);
        }
        Ok(out)
    }

    /// SQLite's `PRAGMA integrity_check`: `["ok"]` when the file is sound, otherwise what is wrong.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// A digest of every row of every table: equal before and after means nothing changed. For tests and
    /// for checking that a refused action left the database alone.
    pub fn content_fingerprint(&self) -> Result<String> {
        self.read(|tx| {
            let mut out = String::new();
            for table in [
                "meta",
                "models",
                "model_versions",
                "test_runs",
                "test_checks",
                "suite_checks",
                "ab_tests",
                "ab_results",
                "events",
                "metric_points",
            ] {
                let mut stmt = tx.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
                let cols = stmt.column_count();
                let mut rows = stmt.query([])?;
                out.push_str(table);
                out.push('\n');
                while let Some(row) = rows.next()? {
                    for i in 0..cols {
                        let v: rusqlite::types::Value = row.get(i)?;
                        out.push_str(&format!("{v:?}|"));
                    }
                    out.push('\n');
                }
            }
            Ok(out)
        })
    }

    // ----- backups (docs/adr/0013-backups-and-recovery.md) -----

    fn backups_dir(&self) -> Result<PathBuf> {
        self.path().map(backups_dir).ok_or_else(|| {
            RegistryError::InvalidInput("An in-memory registry has no backups.".to_owned())
        })
    }

    /// The backups beside this registry, newest first.
    pub fn backups(&self) -> Result<BackupList> {
        let dir = self.backups_dir()?;
        Ok(BackupList {
            dir: dir.display().to_string(),
            keep: keep_setting(&self.lock()),
            backups: list_backups(&dir)?,
        })
    }

    /// A connection of its own to read the registry for a backup: the copy then reads a WAL snapshot while
    /// the app's connection keeps serving the page (a 100 000-model registry takes a while to copy).
    fn backup_source(&self) -> Result<Connection> {
        let path = self.path().ok_or_else(|| {
            RegistryError::InvalidInput("An in-memory registry has no backups.".to_owned())
        })?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    }

    /// "Back up now". Manual backups are never pruned.
    pub fn backup_now(&self, now: DateTime<Utc>) -> Result<BackupInfo> {
        let dir = self.backups_dir()?;
        write_backup(&self.backup_source()?, &dir, BackupReason::Manual, now)
    }

    /// Takes the daily backup when the newest backup is older than a day (or there is none), then prunes
    /// the automatic ones. Returns the backup it took.
    pub fn backup_if_due(&self, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        let dir = self.backups_dir()?;
        let newest = list_backups(&dir)?.into_iter().next();
        if newest.is_some_and(|b| now - b.created_at < DAILY) {
            return Ok(None);
        }
        let conn = self.backup_source()?;
        let info = write_backup(&conn, &dir, BackupReason::Daily, now)?;
        prune(&dir, keep_setting(&conn))?;
        Ok(Some(info))
    }

    pub fn set_backup_keep(&self, keep: u32) -> Result<BackupSettings> {
        if !(1..=MAX_KEEP).contains(&keep) {
            return Err(RegistryError::InvalidInput(format!(
                "Keep between 1 and {MAX_KEEP} automatic backups; got {keep}."
            )));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('backup_keep', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [keep.to_string()],
            )?;
            Ok(())
        })?;
        prune(&self.backups_dir()?, keep)?;
        Ok(BackupSettings { keep })
    }

    /// Replaces the registry's content with the backup at `from`, after validating it and backing up the
    /// current content. Other processes using the file see the restored registry on their next read.
    pub fn restore_from(&self, from: &Path, now: DateTime<Utc>) -> Result<RestoreResult> {
        self.restore_from_with(from, now, &Task::none())
    }

    /// `restore_from`, reporting each step to `task`: decompressing the backup (when it is compressed),
    /// checking it, copying it in. Refused, failing or cancelled at any point before the copy's last step,
    /// it leaves the registry as it was, no temporary file and no safety backup.
    ///
    /// The safety backup is taken on a second thread, beside the work on the chosen file: its snapshot
    /// while the file is decompressed and checked, its compression while the pages are copied in. Either
    /// would otherwise add its seconds to the user's wait (BENCHMARKS.md, issue 17). The copy only starts
    /// once the snapshot is taken, and only commits once the safety backup is whole on disk.
    pub fn restore_from_with(
        &self,
        from: &Path,
        now: DateTime<Utc>,
        task: &Task<'_>,
    ) -> Result<RestoreResult> {
        let dir = self.backups_dir()?;
        let registry = self.path().unwrap_or_else(|| Path::new("."));
        // Held for the whole restore: none of this app's writes can fall between the snapshot and the copy.
        let mut conn = self.lock();
        let source = self.backup_source()?;
        // Stops the safety backup when the restore ends without it; the user's cancel reaches it this way too.
        let stop = CancelToken::new();
        std::thread::scope(|scope| {
            let (taken_tx, taken_rx) = std::sync::mpsc::channel::<()>();
            let stop_safety = stop.clone();
            let dir = &dir;
            let mut safety = Some(scope.spawn(move || -> Result<BackupInfo> {
                let snap = snapshot(&source, dir, BackupReason::PreRestore, now)?;
                drop(source);
                let _ = taken_tx.send(());
                snap.compress(&Task::new(&|_| {}, stop_safety))
            }));
            let mut safety_info: Option<BackupInfo> = None;
            let copied = (|| -> Result<BackupCheck> {
                let unpacked = unpack(from, registry, task)?;
                let check = validate_checked(&unpacked, from, task)?;
                if taken_rx.recv().is_err() {
                    // The thread ended without a snapshot: its error is why.
                    return join_safety(&mut safety, task, &stop).map(|_| check);
                }
                copy_pages(unpacked.path(), &mut conn, task, &mut || {
                    safety_info = Some(join_safety(&mut safety, task, &stop)?);
                    Ok(())
                })?;
                Ok(check)
            })();
            let check = match copied {
                Ok(check) => check,
                Err(e) => {
                    // The registry is as it was: a copy of it is not needed, and would only be pruned later.
                    stop.cancel();
                    let made = match safety.take() {
                        Some(handle) => join(handle).ok(),
                        None => safety_info.take(),
                    };
                    if let Some(info) = made {
                        let _ = std::fs::remove_file(&info.path);
                    }
                    return Err(e);
                }
            };
            let safety_backup = match safety_info {
                Some(info) => info,
                None => join_safety(&mut safety, task, &stop)?,
            };
            // Past the commit: a migration that fails leaves the restored registry, with its safety backup.
            schema::migrate(&mut conn)?;
            Ok(RestoreResult {
                restored_from: from.display().to_string(),
                check,
                safety_backup: Some(safety_backup),
                moved_aside: None,
            })
        })
    }
}

/// Waits for the safety backup's thread, passing the user's cancel on to it while it compresses.
fn join_safety(
    safety: &mut Option<std::thread::ScopedJoinHandle<'_, Result<BackupInfo>>>,
    task: &Task<'_>,
    stop: &CancelToken,
) -> Result<BackupInfo> {
    let Some(handle) = safety.take() else {
        return Err(RegistryError::Cancelled(
            "Restore cancelled; the registry is as it was.".to_owned(),
        ));
    };
    while !handle.is_finished() {
        if task.is_cancelled() {
            stop.cancel();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    join(handle)
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    // A panic there is a bug: carry it to this thread, as if it had happened here.
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::Store;

    fn rows(store: &Store) -> i64 {
        store
            .read(|r| Ok(r.query_row("SELECT count(*) FROM meta", [], |row| row.get(0))?))
            .expect("count")
    }

    /// The connection's page cache is 1 MiB (schema::configure), not SQLite's default of 2 MB.
    #[test]
    fn the_page_cache_is_one_mebibyte() {
        let store = Store::open_in_memory().expect("open");
        let kib: i64 = store
            .read(|r| Ok(r.query_row("PRAGMA cache_size", [], |row| row.get(0))?))
            .expect("cache_size");
        assert_eq!(kib, -1024);
    }

    /// A statement that writes inside `read` is refused by SQLite, not rolled back silently, and the
    /// connection is writable again for the next `write`.
    #[test]
    fn a_read_cannot_write() {
        let store = Store::open_in_memory().expect("open");
        let before = rows(&store);
        let err = store
            .read(|r| {
                r.execute("INSERT INTO meta (key, value) VALUES ('sneaky', 'x')", [])?;
                Ok(())
            })
            .expect_err("a write inside a read is refused");
        assert!(matches!(err, crate::RegistryError::WriteInRead), "{err:?}");
        assert_eq!(err.code(), crate::ErrorCode::Internal);
        assert_eq!(rows(&store), before, "nothing was written");
        store
            .write(|tx| {
                tx.execute("INSERT INTO meta (key, value) VALUES ('fine', 'x')", [])?;
                Ok(())
            })
            .expect("a write still writes");
        assert_eq!(rows(&store), before + 1);
    }

    /// A panic inside a read leaves nothing behind: the next write writes.
    #[test]
    fn a_panic_inside_a_read_does_not_leave_the_store_unusable() {
        let store = Store::open_in_memory().expect("open");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.read(|_| -> crate::Result<()> { panic!("a bug in a read") })
        }));
        assert!(caught.is_err());
        store
            .write(|tx| {
                tx.execute("INSERT INTO meta (key, value) VALUES ('after', 'x')", [])?;
                Ok(())
            })
            .expect("writable again");
    }
}
