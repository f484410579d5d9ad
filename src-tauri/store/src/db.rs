//! Opening the registry file: connection settings, the schema-version gate and forward-only migrations.
//!
//! Order matters. The schema version is read before anything writes to the file (switching to WAL writes its
//! header), so a database from a newer ModelOps, or a file that is not ours, is refused untouched.
//!
//! To change the schema: add `migrations/000N_what.sql` and append it to `MIGRATIONS`. Never edit a shipped
//! migration. `user_version` then records N.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::error::{is_corruption, RegistryError, Result};

/// The schema version this build writes; `migrations()` has this many steps.
pub const LATEST_SCHEMA: i64 = 9;

/// The migrations, in order. Migration N leaves `user_version = N`.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_initial.sql")),
        M::up_with_hook(
            include_str!("migrations/0002_query_indexes.sql"),
            backfill_sort_copies,
        ),
        M::up_with_hook(
            include_str!("migrations/0003_versions_and_audit.sql"),
            crate::audit::backfill_chain,
        ),
        M::up(include_str!("migrations/0004_summary_index.sql")),
        M::up(include_str!("migrations/0005_ab_lifecycle.sql")),
        M::up(include_str!("migrations/0006_quality_gates.sql")),
        M::up(include_str!("migrations/0007_metric_points.sql")),
        M::up(include_str!("migrations/0008_settings.sql")),
        M::up(include_str!("migrations/0009_clear_demo.sql")),
    ])
}

/// Part of migration 2: version keys are computed in Rust (semver parsing), then every model is re-pointed
/// at its current version so the trigger fills its `cur_*` copy.
fn backfill_sort_copies(tx: &Transaction<'_>) -> HookResult {
    let versions: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, version FROM model_versions")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare("UPDATE model_versions SET version_key = ?1 WHERE id = ?2")?;
    for (id, version) in versions {
        update.execute(params![crate::version::sort_key(&version), id])?;
    }
    tx.execute_batch(
        "UPDATE models SET current_version_id = current_version_id WHERE current_version_id IS NOT NULL",
    )?;
    Ok(())
}

/// How long a write waits for another connection (another window, the CLI) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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
    if let Some(problem) = crate::recovery::header_problem(path) {
        return Err(RegistryError::CorruptDatabase {
            path: display,
            detail: problem.describe().to_owned(),
        });
    }
    // The registry holds who deployed what and why: only its owner may read it. SQLite gives the -wal and
    // -shm files the same mode.
    if !path.exists() {
        match crate::backup::create_private_file(path) {
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

/// How many times a write tries to take the write lock, each waiting up to `BUSY_TIMEOUT`.
pub const WRITE_LOCK_ATTEMPTS: u32 = 3;

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Brings the schema up to date. The migration library reads `user_version` and then upgrades a deferred
/// transaction to a write: when several processes open a new file at once, the loser gets SQLITE_BUSY
/// straight away (a stale snapshot, which the busy timeout does not cover) or replays a migration another
/// process has just applied. Both leave nothing behind (the transaction rolls back), so read the version
/// again and retry, a bounded number of times.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let mut attempt = 1;
    loop {
        let before = schema_version(conn)?;
        match migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(e) if attempt < WRITE_LOCK_ATTEMPTS * 2 => {
                let raced = schema_version(conn)? != before;
                let busy = matches!(&e, rusqlite_migration::Error::RusqliteError { err, .. } if is_busy(err));
                if !(raced || busy) {
                    return Err(e.into());
                }
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// An in-memory registry with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// The file's `user_version`.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Refuses a schema newer than this build, and a SQLite file that holds someone else's tables.
fn check_schema(conn: &Connection, display: &str) -> Result<()> {
    let found = schema_version(conn)?;
    if found > LATEST_SCHEMA {
        return Err(RegistryError::SchemaTooNew {
            found,
            supported: LATEST_SCHEMA,
        });
    }
    if found == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(RegistryError::ForeignDatabase {
                path: display.to_owned(),
                tables,
            });
        }
    }
    Ok(())
}
