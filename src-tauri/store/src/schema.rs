//! The registry's schema: forward-only numbered migrations tracked by `user_version`, the connection
//! settings every connection gets, and the gate that refuses a database newer than this build or one that
//! is not ours.
//!
//! To change the schema: add `migrations/000N_what.sql` and append it to `migrations()`. Never edit a shipped
//! migration. `user_version` then records N.

use std::time::Duration;

use rusqlite::{params, Connection, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::error::{RegistryError, Result};

/// The schema version this build writes; `migrations()` has this many steps.
pub const LATEST_SCHEMA: i64 = 13;

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
        M::up(include_str!("migrations/0010_team_sync.sql")),
        M::up(include_str!("migrations/0011_late_metrics.sql")),
        M::up(include_str!("migrations/0012_row_in_one_read.sql")),
        M::up(include_str!("migrations/0013_taken_in_once.sql")),
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
        update.execute(params![modelops_domain::version::sort_key(&version), id])?;
    }
    tx.execute_batch(
        "UPDATE models SET current_version_id = current_version_id WHERE current_version_id IS NOT NULL",
    )?;
    Ok(())
}

/// How long a write waits for another connection (another window, the CLI) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a write tries to take the write lock, each waiting up to `BUSY_TIMEOUT`.
pub const WRITE_LOCK_ATTEMPTS: u32 = 3;

pub fn is_busy(e: &rusqlite::Error) -> bool {
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
pub fn migrate(conn: &mut Connection) -> Result<()> {
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

pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // rusqlite keeps 16 prepared statements by default; a pull takes in a model with some twenty distinct
    // ones (with their triggers), and an evicted statement is parsed and planned again for the next model.
    conn.set_prepared_statement_cache_capacity(64);
    // Statement journals (the pages a statement inside a longer transaction may have to undo) stay in memory.
    // On disk, one spill turned every later statement of a pull taking in 10 000 models into page writes to
    // a file in /var/tmp: 1.1 million pwrite calls, half the pull's time.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A 1 MiB page cache, not SQLite's 2 MB: the app holds its connection open all day, and at 100 000 models
    // the full cache was 1.5 MB of the app's memory. Sorted pages and view changes kept their speed (the
    // pages come from the OS's file cache); 512 KiB made a sort by accuracy 9 ms slower (BENCHMARKS.md).
    conn.pragma_update(None, "cache_size", -1024)?;
    Ok(())
}

/// The file's `user_version`.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Refuses a schema newer than this build, and a SQLite file that holds someone else's tables.
pub fn check_schema(conn: &Connection, display: &str) -> Result<()> {
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
