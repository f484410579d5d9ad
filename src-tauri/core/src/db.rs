//! Opening the registry file: connection settings, the schema-version gate and forward-only migrations.
//!
//! Order matters. The schema version is read before anything writes to the file (switching to WAL writes its
//! header), so a database from a newer ModelOps, or a file that is not ours, is refused untouched.
//!
//! To change the schema: add `migrations/000N_what.sql` and append it to `MIGRATIONS`. Never edit a shipped
//! migration. `user_version` then records N.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use crate::error::{is_corruption, RegistryError, Result};

const MIGRATION_LIST: &[M<'static>] = &[M::up(include_str!("migrations/0001_initial.sql"))];

/// The migrations, in order. Migration N leaves `user_version = N`.
pub const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_LIST);

/// The schema version this build writes.
pub const LATEST_SCHEMA: i64 = MIGRATION_LIST.len() as i64;

/// How long a write waits for another connection (another window, the CLI) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if absent) the registry file at `path` and brings its schema up to date.
pub fn open_file(path: &Path) -> Result<Connection> {
    let display = path.display().to_string();
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
    MIGRATIONS.to_latest(&mut conn)?;
    Ok(conn)
}

/// An in-memory registry with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    MIGRATIONS.to_latest(&mut conn)?;
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
            return Err(RegistryError::CorruptDatabase {
                path: display.to_owned(),
                detail: format!("it is a SQLite database with {tables} tables of another program"),
            });
        }
    }
    Ok(())
}
