//! When the registry file can't be opened: what is wrong with it, in words a user can act on, and the ways
//! out that never lose data. A damaged file is only ever moved aside (renamed beside itself), never deleted
//! or overwritten, and only when the user asks.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
pub use modelops_domain::recovery::*;
use rusqlite::Connection;

use modelops_domain::task::{Task, TaskPhase};

use crate::backup::{self, BackupCheck, RestoreResult};
use crate::error::{ErrorCode, RegistryError, Result};

/// Names what went wrong opening `path` with `error`.
pub fn diagnose(path: &Path, error: &RegistryError) -> RegistryProblem {
    let code = error.code();
    let file_exists = path.is_file();
    let kind = match (error, code) {
        (RegistryError::SchemaTooNew { .. }, _) => ProblemKind::SchemaTooNew,
        (RegistryError::ForeignDatabase { .. }, _) => ProblemKind::ForeignDatabase,
        (_, ErrorCode::ReadOnly) => ProblemKind::ReadOnly,
        (_, ErrorCode::DiskFull) => ProblemKind::DiskFull,
        (_, ErrorCode::CorruptDatabase) => {
            crate::file::header_problem(path).unwrap_or(ProblemKind::Corrupt)
        }
        _ => ProblemKind::Other,
    };
    RegistryProblem {
        kind,
        code,
        message: error.to_string(),
        path: path.display().to_string(),
        file_exists,
        can_move_aside: file_exists && kind.file_is_the_problem(),
    }
}

/// Renames the registry file (and its -wal and -shm files) to `<name>.damaged-<UTC time>` beside it, so a
/// new registry can take its place. Returns the new path of the main file.
pub fn move_aside(path: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "registry.sqlite3".to_owned());
    let mut target = path.with_file_name(format!("{file_name}.damaged-{stamp}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = path.with_file_name(format!("{file_name}.damaged-{stamp}-{n}"));
    }
    // The -wal holds committed changes not yet in the main file: it travels with it, or it would be
    // replayed into the new registry.
    for suffix in ["-wal", "-shm"] {
        let side = crate::file::with_suffix(path, suffix);
        if side.exists() {
            let moved = crate::file::with_suffix(&target, suffix);
            std::fs::rename(&side, &moved).map_err(|e| {
                RegistryError::io(format!("Can't move {} aside", side.display()), e)
            })?;
        }
    }
    std::fs::rename(path, &target)
        .map_err(|e| RegistryError::io(format!("Can't move {} aside", path.display()), e))?;
    Ok(target)
}

/// For a registry that could not be opened: validates the backup at `from`, moves the damaged file aside
/// (when there is one) and writes the backup's content as the new registry file. The caller then opens it.
pub fn restore_damaged(path: &Path, from: &Path, now: DateTime<Utc>) -> Result<RestoreResult> {
    restore_damaged_with(path, from, now, &Task::none())
}

/// `restore_damaged`, reporting its steps to `task`; cancelled before the damaged file is moved aside, it
/// leaves every file as it was and no temporary one.
pub fn restore_damaged_with(
    path: &Path,
    from: &Path,
    now: DateTime<Utc>,
    task: &Task<'_>,
) -> Result<RestoreResult> {
    let unpacked = backup::unpack(from, path, task)?;
    let check: BackupCheck = backup::validate_checked(&unpacked, from, task)?;
    // Built beside the registry and renamed into place: a failure half-way leaves the damaged file where
    // it was, not a half-restored registry in its place.
    let partial = crate::file::with_suffix(path, ".restoring");
    let _ = std::fs::remove_file(&partial);
    let built = (|| -> Result<()> {
        crate::file::create_private_file(&partial)?;
        let mut conn = Connection::open(&partial)?;
        backup::copy_into_with(unpacked.path(), &mut conn, task)?;
        conn.close().map_err(|(_, e)| RegistryError::Sqlite(e))?;
        // The last moment a cancel is heard: past it the damaged file is moved and the new one put in place.
        task.check(TaskPhase::Restoring)?;
        Ok(())
    })();
    drop(unpacked);
    if let Err(e) = built {
        let _ = std::fs::remove_file(&partial);
        let _ = std::fs::remove_file(crate::file::with_suffix(&partial, "-journal"));
        return Err(e);
    }
    let moved_aside = if path.exists() {
        Some(move_aside(path, now)?.display().to_string())
    } else {
        None
    };
    std::fs::rename(&partial, path)
        .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
    Ok(RestoreResult {
        restored_from: from.display().to_string(),
        check,
        safety_backup: None,
        moved_aside,
    })
}
