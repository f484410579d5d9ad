//! When the registry file can't be opened: what is wrong with it, in words a user can act on, and the ways
//! out that never lose data. A damaged file is only ever moved aside (renamed beside itself), never deleted
//! or overwritten, and only when the user asks.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::backup::{self, BackupCheck, RestoreResult};
use crate::error::{ErrorCode, RegistryError, Result};

/// What is wrong with a registry that could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ProblemKind {
    /// The file does not start like a SQLite database.
    NotSqlite,
    /// The file is shorter than its own header says: it was cut off.
    Truncated,
    /// SQLite found damaged pages.
    Corrupt,
    /// A SQLite database of another program.
    ForeignDatabase,
    /// Written by a newer ModelOps.
    SchemaTooNew,
    /// The folder or file can't be written.
    ReadOnly,
    /// No space left for the registry.
    DiskFull,
    /// Anything else (the message says what).
    Other,
}

impl ProblemKind {
    pub fn describe(self) -> &'static str {
        match self {
            ProblemKind::NotSqlite => "the file is not a SQLite database",
            ProblemKind::Truncated => {
                "the file is truncated: it is shorter than its own header says"
            }
            ProblemKind::Corrupt => "the database is damaged",
            ProblemKind::ForeignDatabase => "it is a SQLite database of another program",
            ProblemKind::SchemaTooNew => "it was written by a newer version of ModelOps",
            ProblemKind::ReadOnly => "the registry's folder or file is read-only",
            ProblemKind::DiskFull => "the disk is full",
            ProblemKind::Other => "it could not be opened",
        }
    }

    /// Whether moving the file aside (to restore a backup or start anew) is a way out. Not for a read-only
    /// or full disk: the file is fine, the place is not.
    pub fn file_is_the_problem(self) -> bool {
        !matches!(
            self,
            ProblemKind::ReadOnly | ProblemKind::DiskFull | ProblemKind::Other
        )
    }
}

/// A registry that could not be opened, for the recovery screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistryProblem {
    pub kind: ProblemKind,
    pub code: ErrorCode,
    pub message: String,
    /// The registry file.
    pub path: String,
    pub file_exists: bool,
    /// Moving the file aside is offered (see `ProblemKind::file_is_the_problem`).
    pub can_move_aside: bool,
}

/// Where the registry lives and whether it opened: what the page asks first, to show the models or the
/// recovery screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistryStatus {
    pub data_dir: String,
    pub registry_path: String,
    pub backups_dir: String,
    /// Why the registry could not be opened; absent when it is open.
    #[ts(optional)]
    pub problem: Option<RegistryProblem>,
    /// The open registry's schema version.
    #[ts(optional, type = "number")]
    pub schema_version: Option<i64>,
}

/// Names what went wrong opening `path` with `error`.
pub fn diagnose(path: &Path, error: &RegistryError) -> RegistryProblem {
    let code = error.code();
    let file_exists = path.is_file();
    let kind = match (error, code) {
        (RegistryError::SchemaTooNew { .. }, _) => ProblemKind::SchemaTooNew,
        (RegistryError::ForeignDatabase { .. }, _) => ProblemKind::ForeignDatabase,
        (_, ErrorCode::ReadOnly) => ProblemKind::ReadOnly,
        (_, ErrorCode::DiskFull) => ProblemKind::DiskFull,
        (_, ErrorCode::CorruptDatabase) => header_problem(path).unwrap_or(ProblemKind::Corrupt),
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

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Reads the file's 100-byte SQLite header: not SQLite at all, or shorter than the header says. None when
/// the header looks sound (or the file is empty, which SQLite treats as a new database).
pub fn header_problem(path: &Path) -> Option<ProblemKind> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len == 0 {
        return None;
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return None,
        }
    }
    if read < MAGIC.len() || &header[..16] != MAGIC {
        return Some(ProblemKind::NotSqlite);
    }
    if read < header.len() {
        return Some(ProblemKind::Truncated);
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    // The in-header page count is only valid when "version-valid-for" matches the change counter
    // (https://sqlite.org/fileformat2.html#in_header_database_size).
    // With a non-empty -wal beside it the main file may legitimately be shorter: a checkpoint that ran out
    // of disk space wrote the new header but not every page, and the pages are still in the WAL (found by
    // the full-disk test).
    let wal_has_pages = std::fs::metadata(with_suffix(path, "-wal")).is_ok_and(|m| m.len() > 0);
    let pages = u64::from(be32(28));
    if !wal_has_pages && pages > 0 && be32(92) == be32(24) && len < pages * page_size {
        return Some(ProblemKind::Truncated);
    }
    None
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
        let side = with_suffix(path, suffix);
        if side.exists() {
            let moved = with_suffix(&target, suffix);
            std::fs::rename(&side, &moved).map_err(|e| {
                RegistryError::io(format!("Can't move {} aside", side.display()), e)
            })?;
        }
    }
    std::fs::rename(path, &target)
        .map_err(|e| RegistryError::io(format!("Can't move {} aside", path.display()), e))?;
    Ok(target)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// For a registry that could not be opened: validates the backup at `from`, moves the damaged file aside
/// (when there is one) and writes the backup's content as the new registry file. The caller then opens it.
pub fn restore_damaged(path: &Path, from: &Path, now: DateTime<Utc>) -> Result<RestoreResult> {
    let check: BackupCheck = backup::validate(from)?;
    // Built beside the registry and renamed into place: a failure half-way leaves the damaged file where
    // it was, not a half-restored registry in its place.
    let partial = with_suffix(path, ".restoring");
    let _ = std::fs::remove_file(&partial);
    let built = (|| -> Result<()> {
        backup::create_private_file(&partial)?;
        let mut conn = Connection::open(&partial)?;
        backup::copy_into(from, &mut conn)?;
        conn.close().map_err(|(_, e)| RegistryError::Sqlite(e))
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_file(&partial);
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
