//! Backups of the registry file: taken with SQLite's online backup API (a consistent copy while the app and
//! the CLI keep using the file), before every migration, daily while the registry is in use, and when the
//! user asks. Restoring validates the chosen file first and backs up the current registry before replacing
//! it, so a restore can itself be undone. See docs/adr/0013-backups-and-recovery.md.
//!
//! Backups live in `backups/` beside the registry file, named `registry-<UTC time>-<reason>.sqlite3.zst`
//! (zstd-compressed, streamed: a backup never holds the registry in memory), with owner-only permissions.
//! Backups from before issue 17 are plain `.sqlite3` files: they are listed, pruned and restored alike. Only
//! automatic backups are pruned (to the newest `keep`); a backup the user made is theirs to delete.

use std::cell::Cell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
pub use modelops_domain::backup::*;
use modelops_domain::task::{Meter, Task, TaskPhase};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{is_corruption, RegistryError, Result};
use crate::schema;

/// The folder beside the registry file that holds its backups.
pub const BACKUPS_DIR: &str = "backups";
/// How old the newest backup may get before a daily one is due.
pub const DAILY: chrono::TimeDelta = chrono::TimeDelta::hours(24);

const PREFIX: &str = "registry-";
/// What backups are written as: the SQLite file, zstd-compressed.
const SUFFIX: &str = ".sqlite3.zst";
/// What backups were written as before issue 17: the SQLite file itself.
const PLAIN_SUFFIX: &str = ".sqlite3";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";
/// The first four bytes of every zstd frame. A restore tells a compressed backup by them, not by its name: a
/// file the user renamed or picked from elsewhere restores all the same.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// zstd's fastest regular level. On a 100 000-model registry (BENCHMARKS.md, issue 17) it makes the 655 MB
/// file 168 MB in 1.6 s on one core; level 3 (zstd's default) 160 MB in 3.0 s, level 6 148 MB in 9.3 s. A
/// restore waits for its safety backup, and the daily one shares two cores with the app: time wins.
pub const ZSTD_LEVEL: i32 = 1;
/// Bytes moved per step of a streamed copy: memory stays flat whatever the registry's size, and a cancel is
/// noticed within a step.
const CHUNK: usize = 1 << 20;
/// Pages copied into the registry per step of a restore: about a hundredth of the file, so the bar moves
/// smoothly whatever its size, within bounds that keep steps cheap (64 pages) and a cancel prompt (4096
/// pages, 16 MiB at the default page size).
fn restore_step_pages(pages: i64) -> i32 {
    i32::try_from((pages / 100).clamp(64, 4096)).unwrap_or(4096)
}

/// The backups folder of the registry file at `registry_path`.
pub fn backups_dir(registry_path: &Path) -> PathBuf {
    registry_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(BACKUPS_DIR)
}

/// Copies the database of `conn` into a new compressed file in `dir` and returns it. The copy is written
/// beside its final name and renamed into place once complete and synced, so a crash never leaves a half
/// backup that looks whole.
pub fn write_backup(
    conn: &Connection,
    dir: &Path,
    reason: BackupReason,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    write_backup_with(conn, dir, reason, now, &Task::none())
}

/// `write_backup`, reporting the compression to `task` (phase `BackingUp`) and stopping, with nothing
/// written, when it is cancelled.
pub fn write_backup_with(
    conn: &Connection,
    dir: &Path,
    reason: BackupReason,
    now: DateTime<Utc>,
    task: &Task<'_>,
) -> Result<BackupInfo> {
    snapshot(conn, dir, reason, now)?.compress(task)
}

/// A backup half-made: the consistent copy of the registry taken, in a plain temporary file (removed when
/// this drops), not yet compressed into its backup file. SQLite writes pages in place, so it cannot write
/// through a compressor; and once the copy is taken the registry may change without changing the backup,
/// which is what lets a restore compress its safety backup while it copies the chosen one in.
#[derive(Debug)]
pub struct Snapshot {
    dir: PathBuf,
    copy: PathBuf,
    file_name: String,
    stamp: DateTime<Utc>,
    reason: BackupReason,
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.copy);
        let _ = std::fs::remove_file(crate::file::with_suffix(&self.copy, "-journal"));
    }
}

/// Takes the consistent copy of the database of `conn` for a backup in `dir` (one step of the online backup
/// API: one snapshot, even while other processes write).
pub fn snapshot(
    conn: &Connection,
    dir: &Path,
    reason: BackupReason,
    now: DateTime<Utc>,
) -> Result<Snapshot> {
    crate::file::create_private_dir(dir)?;
    sweep_leftovers(dir);
    // The file name carries milliseconds: so does the time reported.
    let mut stamp = chrono::SubsecRound::trunc_subsecs(now, 3);
    let snapshot = loop {
        let file_name = name_for(stamp, reason);
        // Two backups in the same millisecond (a test, a double click, the app and the CLI) must not
        // overwrite each other, nor share an instant with an older build's plain backup (the list would not
        // know which came first). Creating the copy exclusively claims the name.
        let copy = dir.join(format!(".{file_name}.copy"));
        let taken = dir.join(&file_name).exists()
            || dir.join(plain_name_for(stamp, reason)).exists()
            || match crate::file::create_private_file(&copy) {
                Ok(()) => false,
                Err(RegistryError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                {
                    true
                }
                Err(e) => return Err(e),
            };
        if !taken {
            break Snapshot {
                dir: dir.to_owned(),
                copy,
                file_name,
                stamp,
                reason,
            };
        }
        stamp += chrono::TimeDelta::milliseconds(1);
    };
    let mut dest = Connection::open(&snapshot.copy)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dest)?;
        copy_all(&backup)?;
    }
    // The copied header says WAL like the registry's; a backup is one self-contained file instead, so once
    // decompressed it can be opened read-only without -wal and -shm companions.
    dest.pragma_update(None, "journal_mode", "DELETE")?;
    dest.close().map_err(|(_, e)| e)?;
    Ok(snapshot)
}

/// How old a half-made backup's file must be before `sweep_leftovers` takes it for a crash's: a backup that is
/// running now, in this process or another (the app and the CLI share the folder), is far younger.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files of backups that a crash interrupted: the plain copy is as large as the
/// registry, and nothing else would ever remove it. Best effort.
fn sweep_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let half_made = name.starts_with(&format!(".{PREFIX}"))
            && [".copy", ".copy-journal", ".partial"]
                .iter()
                .any(|end| name.ends_with(end));
        let stale = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > LEFTOVER_AGE)
        };
        if half_made && stale() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Snapshot {
    /// Compresses the copy into the backup file (written beside its final name and renamed into place once
    /// complete and synced, so a crash never leaves a half backup that looks whole), reporting to `task`.
    /// The plain copy is removed either way; it is never synced, since nothing reads it after a crash.
    pub fn compress(self, task: &Task<'_>) -> Result<BackupInfo> {
        let path = self.dir.join(&self.file_name);
        let partial = self.dir.join(format!(".{}.partial", self.file_name));
        let _ = std::fs::remove_file(&partial);
        let written = (|| -> Result<()> {
            crate::file::create_private_file(&partial)?;
            compress(&self.copy, &partial, task)?;
            std::fs::rename(&partial, &path)
                .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
            sync_dir(&self.dir);
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        let size_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        Ok(BackupInfo {
            file_name: self.file_name.clone(),
            path: path.display().to_string(),
            created_at: self.stamp,
            reason: self.reason,
            size_bytes,
            compressed: true,
        })
    }
}

/// Streams `from` through zstd into the existing file `to` and syncs it, one chunk in memory at a time.
fn compress(from: &Path, to: &Path, task: &Task<'_>) -> Result<()> {
    let read_err = |e| RegistryError::io(format!("Can't read {}", from.display()), e);
    let write_err = |e| RegistryError::io(format!("Can't write {}", to.display()), e);
    let mut input = std::fs::File::open(from).map_err(read_err)?;
    let len = input.metadata().map_err(read_err)?.len();
    // Not `truncate`: the file was just created empty, and on ext4 closing a truncated-then-rewritten file
    // starts its writeback at once (the replace-via-truncate heuristic), which a restore would wait for.
    let out = std::fs::OpenOptions::new()
        .write(true)
        .open(to)
        .map_err(write_err)?;
    let mut encoder = zstd::stream::write::Encoder::new(out, ZSTD_LEVEL).map_err(write_err)?;
    // The size in the frame header lets zstd size its window to the file, and `zstd -l` show it.
    encoder.set_pledged_src_size(Some(len)).map_err(write_err)?;
    // A checksum of the content: a damaged backup is refused while it is decompressed, before SQLite reads
    // a page of it.
    encoder.include_checksum(true).map_err(write_err)?;
    let meter = task.start(TaskPhase::BackingUp, len);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = read_some(&mut input, &mut buf).map_err(read_err)?;
        if n == 0 {
            break;
        }
        encoder.write_all(&buf[..n]).map_err(write_err)?;
        meter.advance(n as u64)?;
    }
    let out = encoder.finish().map_err(write_err)?;
    out.sync_all().map_err(write_err)?;
    meter.finish()?;
    Ok(())
}

/// `read`, retried when a signal interrupted it.
fn read_some(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Makes a rename in `dir` durable. Best effort: not every platform can open a folder for syncing, and the
/// backup itself is already whole on disk.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn name_for(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!(
        "{PREFIX}{}-{}{SUFFIX}",
        at.format(TIME_FORMAT),
        reason.slug()
    )
}

/// The name an older build gave a backup of that instant and reason.
fn plain_name_for(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!(
        "{PREFIX}{}-{}{PLAIN_SUFFIX}",
        at.format(TIME_FORMAT),
        reason.slug()
    )
}

/// When and why a backup file was taken, and whether it is compressed; None for a file that is not ours.
fn parse_name(file_name: &str) -> Option<(DateTime<Utc>, BackupReason, bool)> {
    let rest = file_name.strip_prefix(PREFIX)?;
    let (rest, compressed) = match rest.strip_suffix(SUFFIX) {
        Some(rest) => (rest, true),
        None => (rest.strip_suffix(PLAIN_SUFFIX)?, false),
    };
    let (stamp, slug) = rest.split_once('-')?;
    let at = NaiveDateTime::parse_from_str(stamp, TIME_FORMAT)
        .ok()?
        .and_utc();
    Some((at, BackupReason::from_slug(slug)?, compressed))
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
            let (created_at, reason, compressed) = parse_name(&file_name)?;
            let meta = entry.metadata().ok()?;
            meta.is_file().then(|| BackupInfo {
                path: entry.path().display().to_string(),
                file_name,
                created_at,
                reason,
                size_bytes: meta.len(),
                compressed,
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

/// Checks that `path`, a plain (uncompressed) SQLite file, holds a ModelOps registry this build can open,
/// without writing to it.
pub fn validate(path: &Path) -> Result<BackupCheck> {
    validate_as(path, path, Check::Integrity)
}

/// How thoroughly `validate_as` reads the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `PRAGMA integrity_check`: every page, and every index against its table. About 10 s for a
    /// 100 000-model registry, most of a restore's time.
    Integrity,
    /// `PRAGMA quick_check`: every page and record, not the indexes against their tables (about 1 s for
    /// the same file). Enough for a file whose bytes a checksum already proved to be the ones written.
    Quick,
}

/// `validate`, naming `shown` in its errors (the file the user chose, when `path` is its decompressed copy),
/// with the check `check`.
pub fn validate_as(path: &Path, shown: &Path, check: Check) -> Result<BackupCheck> {
    let display = shown.display().to_string();
    let not_ours = |detail: String| RegistryError::CorruptDatabase {
        path: display.clone(),
        detail,
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| RegistryError::io(format!("Can't read {display}"), e))?;
    if !meta.is_file() {
        return Err(not_a_file(shown));
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
    let pragma = match check {
        Check::Integrity => "PRAGMA integrity_check(1)",
        Check::Quick => "PRAGMA quick_check(1)",
    };
    let integrity: String = conn.query_row(pragma, [], |r| r.get(0)).map_err(sqlite)?;
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

/// Validates an unpacked backup as the `Checking` phase of `task`, naming `from` (the user's file) in errors.
///
/// A compressed backup gets the quick check: its zstd checksum, verified while it was decompressed, already
/// proved every byte to be one the online backup API wrote from a working registry, and the full integrity
/// check would be 10 of a restore's seconds (BENCHMARKS.md, issue 17). A plain file carries no such proof
/// (an older backup, a copy from elsewhere) and gets the full check, as before.
pub fn validate_checked(unpacked: &Unpacked, from: &Path, task: &Task<'_>) -> Result<BackupCheck> {
    // SQLite's checks tell nothing of their progress: the bar says "checking" until it ends.
    let meter = task.start(TaskPhase::Checking, 1);
    let how = if unpacked.was_compressed() {
        Check::Quick
    } else {
        Check::Integrity
    };
    let check = validate_as(unpacked.path(), from, how)?;
    meter.finish()?;
    Ok(check)
}

fn not_a_file(path: &Path) -> RegistryError {
    RegistryError::InvalidInput(format!(
        "\"{}\" is not a file; choose a registry backup (.sqlite3.zst or .sqlite3).",
        path.display()
    ))
}

/// A backup ready for SQLite to read: the chosen file itself when it is plain SQLite, or its content
/// decompressed into a temporary file, which is removed when this drops (however the restore ends).
#[derive(Debug)]
pub struct Unpacked {
    path: PathBuf,
    temporary: bool,
}

impl Unpacked {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the chosen file was compressed (and `path` is its decompressed copy).
    pub fn was_compressed(&self) -> bool {
        self.temporary
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where `unpack` decompresses a backup for the registry at `registry`: beside it, so the restore's copy
/// reads from the same disk it writes to and needs no space anywhere else.
pub fn unpack_path(registry: &Path) -> PathBuf {
    crate::file::with_suffix(registry, ".unpacking")
}

/// Makes the backup at `from` readable by SQLite: a zstd-compressed one (told by its first bytes, whatever
/// its name) is decompressed, streamed, into an owner-only temporary file beside `registry`, reporting the
/// compressed bytes read to `task` (phase `Unpacking`); a plain one is used as it is. A damaged or cut-short
/// compressed file is refused as `CorruptDatabase`; on any error or a cancel nothing is left behind.
pub fn unpack(from: &Path, registry: &Path, task: &Task<'_>) -> Result<Unpacked> {
    let display = from.display().to_string();
    let read_err = |e| RegistryError::io(format!("Can't read {display}"), e);
    let meta = std::fs::metadata(from).map_err(read_err)?;
    if !meta.is_file() {
        return Err(not_a_file(from));
    }
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(from).map_err(read_err)?;
    let mut got = 0;
    while got < magic.len() {
        match read_some(&mut file, &mut magic[got..]).map_err(read_err)? {
            0 => break,
            n => got += n,
        }
    }
    if got < magic.len() || magic != ZSTD_MAGIC {
        return Ok(Unpacked {
            path: from.to_owned(),
            temporary: false,
        });
    }
    drop(file);
    let temp = unpack_path(registry);
    // A leftover of a restore that crashed: nobody else uses this name.
    let _ = std::fs::remove_file(&temp);
    crate::file::create_private_file(&temp)?;
    // From here on, dropping it removes the temporary file: on an error, a cancel, or after the restore.
    let unpacked = Unpacked {
        path: temp,
        temporary: true,
    };
    decompress(from, unpacked.path(), meta.len(), task)?;
    Ok(unpacked)
}

/// A reader that counts the bytes it gave and remembers whether reading itself failed, to tell a disk
/// error from damaged compressed data when the decoder reports either.
struct Counted<'c, R> {
    inner: R,
    read: &'c Cell<u64>,
    failed: &'c Cell<bool>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.read.set(self.read.get() + n as u64);
                Ok(n)
            }
            Err(e) => {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    self.failed.set(true);
                }
                Err(e)
            }
        }
    }
}

fn decompress(from: &Path, to: &Path, compressed_len: u64, task: &Task<'_>) -> Result<()> {
    let display = from.display().to_string();
    let read_err = |e| RegistryError::io(format!("Can't read {display}"), e);
    let write_err = |e| RegistryError::io(format!("Can't write {}", to.display()), e);
    let read = Cell::new(0u64);
    let failed = Cell::new(false);
    let input = Counted {
        inner: std::fs::File::open(from).map_err(read_err)?,
        read: &read,
        failed: &failed,
    };
    let mut decoder = zstd::stream::read::Decoder::new(input).map_err(read_err)?;
    // Not `truncate`, as in `compress`: the file was just created empty.
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .open(to)
        .map_err(write_err)?;
    let meter = task.start(TaskPhase::Unpacking, compressed_len);
    let mut buf = vec![0u8; CHUNK];
    let mut reported = 0;
    loop {
        let n = match read_some(&mut decoder, &mut buf) {
            Ok(n) => n,
            Err(e) if failed.get() => return Err(read_err(e)),
            Err(e) => {
                return Err(RegistryError::CorruptDatabase {
                    path: display.clone(),
                    detail: format!("its compressed data is damaged or cut short: {e}"),
                })
            }
        };
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(write_err)?;
        let now = read.get();
        meter.advance(now - reported)?;
        reported = now;
    }
    // Not synced: SQLite reads it back at once, and a crash leaves only a leftover the next restore removes.
    out.flush().map_err(write_err)?;
    meter.finish()?;
    Ok(())
}

/// Copies the validated plain backup at `from` into the open connection `to` (replacing its content), then
/// brings the schema up to date.
pub fn copy_into(from: &Path, to: &mut Connection) -> Result<()> {
    copy_into_with(from, to, &Task::none())
}

/// `copy_into`, reporting the bytes copied to `task` (phase `Restoring`). The copy is one write transaction
/// on `to`, committed by its last step: a cancel (checked before every step) or an error before then rolls
/// it back, leaving `to` as it was.
pub fn copy_into_with(from: &Path, to: &mut Connection, task: &Task<'_>) -> Result<()> {
    copy_pages(from, to, task, &mut || Ok(()))?;
    schema::migrate(to)
}

/// The page copy of `copy_into_with`, without the migration; `before_commit` runs just before the step that
/// would commit, and its error stops the copy with `to` as it was.
pub fn copy_pages(
    from: &Path,
    to: &mut Connection,
    task: &Task<'_>,
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let page_size: i64 = src.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages: i64 = src.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let page_size = u64::try_from(page_size).unwrap_or(0);
    let meter = task.start(
        TaskPhase::Restoring,
        u64::try_from(pages).unwrap_or(0) * page_size,
    );
    let backup = rusqlite::backup::Backup::new(&src, to)?;
    copy_in_steps(&backup, &meter, page_size, pages, before_commit)
}

/// Copies the pages a step at a time. Nobody writes the source (a temporary file, or a backup file), so the
/// copy never restarts; the destination stays locked from the first step to the last.
fn copy_in_steps(
    backup: &rusqlite::backup::Backup<'_, '_>,
    meter: &Meter<'_, '_>,
    page_size: u64,
    pages: i64,
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    use rusqlite::backup::StepResult;
    let mut deadline = std::time::Instant::now() + schema::BUSY_TIMEOUT;
    let mut copied = 0u64;
    let mut committing = false;
    let step = restore_step_pages(pages);
    loop {
        // Before the first step SQLite does not know the count yet; the source's own is the same.
        let progress = backup.progress();
        let remaining = if progress.pagecount == 0 {
            pages
        } else {
            i64::from(progress.remaining)
        };
        if remaining <= i64::from(step) && !committing {
            before_commit()?;
            committing = true;
        }
        // The last chance to cancel is before the step that commits.
        meter.advance(0)?;
        match backup.step(step)? {
            StepResult::Done => {
                meter.done();
                return Ok(());
            }
            StepResult::More => {
                let p = backup.progress();
                let now = u64::try_from(p.pagecount - p.remaining).unwrap_or(0);
                meter.advance(now.saturating_sub(copied) * page_size)?;
                copied = now;
                deadline = std::time::Instant::now() + schema::BUSY_TIMEOUT;
            }
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
        assert_eq!(
            name,
            "registry-20261127T094842.123Z-pre-migration.sqlite3.zst"
        );
        assert_eq!(
            parse_name(&name),
            Some((at, BackupReason::PreMigration, true))
        );
        // An older build's plain backup is still ours.
        assert_eq!(
            parse_name("registry-20261127T094842.123Z-daily.sqlite3"),
            Some((at, BackupReason::Daily, false))
        );
        assert_eq!(
            parse_name("registry-20261127T094842.123Z-daily.sqlite3.gz"),
            None
        );
        assert_eq!(parse_name("registry-garbage-daily.sqlite3"), None);
        assert_eq!(parse_name("notes.txt"), None);
        assert_eq!(
            parse_name("registry-20261127T094842.123Z-weekly.sqlite3"),
            None
        );
    }
}
