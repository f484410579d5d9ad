//! Opening the registry file: connection settings, the schema-version gate and forward-only migrations.
//!
//! Order matters. The schema version is read before anything writes to the file (switching to WAL writes its
//! header), so a database from a newer ModelOps, or a file that is not ours, is refused untouched.
//!
//! The schema and its migrations are `schema`'s.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{is_corruption, RegistryError, Result};
use crate::schema::{check_schema, configure, is_busy, migrate};
pub use crate::schema::{
    migrations, schema_version, BUSY_TIMEOUT, LATEST_SCHEMA, WRITE_LOCK_ATTEMPTS,
};

/// Opens (creating if absent) the registry file at `path` and brings its schema up to date.
///
/// Several processes opening a new file at once (the app and the CLI, the concurrent-writer test) race to
/// create it, switch it to WAL and migrate it. Some of those steps return SQLITE_BUSY at once instead of
/// waiting for the busy timeout (a reader during the switch to WAL, WAL recovery), and nothing is written
/// when they do, so the whole open is retried for a bounded time.
pub fn open_file(path: &Path) -> Result<Connection> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(10);
    loop {
        match open_file_once(path) {
            Err(RegistryError::Sqlite(e))
                if is_busy(&e) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn open_file_once(path: &Path) -> Result<Connection> {
    let display = path.display().to_string();
    // A cut-off file can open and even answer the first queries; its header tells (ADR 0013).
    if let Some(problem) = crate::file::header_problem(path) {
        return Err(RegistryError::CorruptDatabase {
            path: display,
            detail: problem.describe().to_owned(),
        });
    }
    // The registry holds who deployed what and why: only its owner may read it. SQLite gives the -wal and
    // -shm files the same mode.
    if !path.exists() {
        match crate::file::create_private_file(path) {
            // Another process created it first: fine, open theirs.
            Err(RegistryError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
    }
    let corrupt = |e: rusqlite::Error| {
        if is_corruption(&e) {
            RegistryError::CorruptDatabase {
                path: display.clone(),
                detail: e.to_string(),
            }
        } else {
            RegistryError::Sqlite(e)
        }
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(corrupt)?;
    configure(&conn).map_err(corrupt)?;
    check_schema(&conn, &display).map_err(|e| match e {
        RegistryError::Sqlite(e) => corrupt(e),
        other => other,
    })?;
    // WAL lets readers proceed while a write commits; FULL makes every acknowledged action durable (ADR 0003).
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(corrupt)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RegistryError::CorruptDatabase {
            path: display,
            detail: format!("could not switch to WAL (journal_mode is {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    backup_before_migrating(&conn, path)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// A registry about to be migrated is copied to the backups folder first: a migration that goes wrong (or
/// a newer build the user wants to leave) can then be undone by restoring it. A new file has nothing to keep.
fn backup_before_migrating(conn: &Connection, path: &Path) -> Result<()> {
    let found = schema_version(conn)?;
    if !(1..LATEST_SCHEMA).contains(&found) {
        return Ok(());
    }
    let dir = crate::backup::backups_dir(path);
    crate::backup::write_backup(
        conn,
        &dir,
        crate::backup::BackupReason::PreMigration,
        chrono::Utc::now(),
    )?;
    crate::backup::prune(&dir, crate::backup::keep_setting(conn))?;
    Ok(())
}

/// An in-memory registry with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}
