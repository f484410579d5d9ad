//! Backups of the registry file: taken with SQLite's online backup API (a consistent copy while the app and
//! the CLI keep using the file), before every migration, daily while the registry is in use, and when the
//! user asks. Restoring validates the chosen file first and backs up the current registry before replacing
//! it, so a restore can itself be undone. See docs/adr/0013-backups-and-recovery.md.
//!
//! Backups live in `backups/` beside the registry file, named `registry-<UTC time>-<reason>.sqlite3`, with
//! owner-only permissions. Only automatic backups are pruned (to the newest `keep`); a backup the user made
//! is theirs to delete.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
pub use modelops_domain::backup::*;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{is_corruption, RegistryError, Result};
use crate::schema;

/// The folder beside the registry file that holds its backups.
pub const BACKUPS_DIR: &str = "backups";
/// How old the newest backup may get before a daily one is due.
pub const DAILY: chrono::TimeDelta = chrono::TimeDelta::hours(24);

const PREFIX: &str = "registry-";
const SUFFIX: &str = ".sqlite3";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";

/// The backups folder of the registry file at `registry_path`.
pub fn backups_dir(registry_path: &Path) -> PathBuf {
    registry_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(BACKUPS_DIR)
}

/// Copies the database of `conn` into a new file in `dir` and returns it. The copy is written beside its
/// final name and renamed into place once complete and synced, so a crash never leaves a half backup that
/// looks whole.
pub fn write_backup(
    conn: &Connection,
    dir: &Path,
    reason: BackupReason,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    crate::file::create_private_dir(dir)?;
    // The file name carries milliseconds: so does the time reported.
    let mut stamp = chrono::SubsecRound::trunc_subsecs(now, 3);
    let mut file_name = name_for(stamp, reason);
    // Two backups in the same millisecond (a test, a double click) must not overwrite each other.
    while dir.join(&file_name).exists() {
        stamp += chrono::TimeDelta::milliseconds(1);
        file_name = name_for(stamp, reason);
    }
    let path = dir.join(&file_name);
    let partial = dir.join(format!(".{file_name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let copied = (|| -> Result<()> {
        crate::file::create_private_file(&partial)?;
        let mut dest = Connection::open(&partial)?;
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut dest)?;
            copy_all(&backup)?;
        }
        // The copied header says WAL like the registry's; a backup is one self-contained file instead, so
        // it can be copied, mailed or opened read-only without -wal and -shm companions.
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        dest.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| RegistryError::io(format!("Can't write {}", partial.display()), e))?;
        std::fs::rename(&partial, &path)
            .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
        Ok(())
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let size_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo {
        file_name,
        path: path.display().to_string(),
        created_at: stamp,
        reason,
        size_bytes,
    })
}

fn name_for(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!(
        "{PREFIX}{}-{}{SUFFIX}",
        at.format(TIME_FORMAT),
        reason.slug()
    )
}

fn parse_name(file_name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let rest = file_name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, slug) = rest.split_once('-')?;
    let at = NaiveDateTime::parse_from_str(stamp, TIME_FORMAT)
        .ok()?
        .and_utc();
    Some((at, BackupReason::from_slug(slug)?))
}

/// The backups in `dir`, newest first. Files that are not ours are ignored; a missing folder has none.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(RegistryError::io(
                format!("Can't read {}", dir.display()),
                e,
            ))
        }
    };
    let mut backups: Vec<BackupInfo> = entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_str()?.to_owned();
            let (created_at, reason) = parse_name(&file_name)?;
            let meta = entry.metadata().ok()?;
            meta.is_file().then(|| BackupInfo {
                path: entry.path().display().to_string(),
                file_name,
                created_at,
                reason,
                size_bytes: meta.len(),
            })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    Ok(backups)
}

/// Deletes the automatic backups beyond the newest `keep`; returns how many.
pub fn prune(dir: &Path, keep: u32) -> Result<usize> {
    let mut removed = 0;
    for old in list_backups(dir)?
        .into_iter()
        .filter(|b| b.reason.is_automatic())
        .skip(keep as usize)
    {
        std::fs::remove_file(&old.path).map_err(|e| {
            RegistryError::io(format!("Can't remove the old backup {}", old.path), e)
        })?;
        removed += 1;
    }
    Ok(removed)
}

/// How many automatic backups to keep, as stored in the registry (older schemas have no setting).
pub fn keep_setting(conn: &Connection) -> u32 {
    conn.query_row(
        "SELECT value FROM settings WHERE key = 'backup_keep'",
        [],
        |r| r.get::<_, String>(0),
    )
    .optional()
    .ok()
    .flatten()
    .and_then(|v| v.parse().ok())
    .filter(|k| (1..=MAX_KEEP).contains(k))
    .unwrap_or(DEFAULT_KEEP)
}

/// Checks that `path` holds a ModelOps registry this build can open, without writing to it.
pub fn validate(path: &Path) -> Result<BackupCheck> {
    let display = path.display().to_string();
    let not_ours = |detail: String| RegistryError::CorruptDatabase {
        path: display.clone(),
        detail,
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| RegistryError::io(format!("Can't read {display}"), e))?;
    if !meta.is_file() {
        return Err(RegistryError::InvalidInput(format!(
            "\"{display}\" is not a file; choose a registry backup (.sqlite3)."
        )));
    }
    if let Some(problem) = crate::file::header_problem(path) {
        return Err(not_ours(problem.describe().to_owned()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_ours(e.to_string()))?;
    let sqlite = |e: rusqlite::Error| {
        if is_corruption(&e) {
            not_ours(e.to_string())
        } else {
            RegistryError::Sqlite(e)
        }
    };
    let integrity: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(sqlite)?;
    if integrity != "ok" {
        return Err(not_ours(format!("the integrity check failed: {integrity}")));
    }
    let schema_version = schema::schema_version(&conn).map_err(sqlite)?;
    if schema_version > schema::LATEST_SCHEMA {
        return Err(RegistryError::SchemaTooNew {
            found: schema_version,
            supported: schema::LATEST_SCHEMA,
        });
    }
    let has_models: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'models'",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite)?;
    if schema_version < 1 || !has_models {
        return Err(not_ours(
            "it is a SQLite database, but not a ModelOps registry".to_owned(),
        ));
    }
    let models = conn
        .query_row("SELECT count(*) FROM models", [], |r| r.get(0))
        .map_err(sqlite)?;
    Ok(BackupCheck {
        schema_version,
        models,
    })
}

/// Copies the validated backup at `from` into the open connection `to` (replacing its content), then brings
/// the schema up to date.
pub fn copy_into(from: &Path, to: &mut Connection) -> Result<()> {
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    {
        let backup = rusqlite::backup::Backup::new(&src, to)?;
        copy_all(&backup)?;
    }
    schema::migrate(to)
}

/// Copies every page in one step: one read snapshot, so the copy is consistent even while another process
/// writes (a step-wise copy would restart on every foreign write). A lock held by another process is waited
/// for up to the busy timeout.
fn copy_all(backup: &rusqlite::backup::Backup<'_, '_>) -> Result<()> {
    use rusqlite::backup::StepResult;
    let deadline = std::time::Instant::now() + schema::BUSY_TIMEOUT;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            _ => {
                return Err(RegistryError::Busy {
                    seconds: schema::BUSY_TIMEOUT.as_secs(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_foreign_files_are_ignored() {
        let at = DateTime::parse_from_rfc3339("2026-11-27T09:48:42.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let name = name_for(at, BackupReason::PreMigration);
        assert_eq!(name, "registry-20261127T094842.123Z-pre-migration.sqlite3");
        assert_eq!(parse_name(&name), Some((at, BackupReason::PreMigration)));
        assert_eq!(parse_name("registry-garbage-daily.sqlite3"), None);
        assert_eq!(parse_name("notes.txt"), None);
        assert_eq!(
            parse_name("registry-20261127T094842.123Z-weekly.sqlite3"),
            None
        );
    }
}
