//! Issue 17: backups are zstd-compressed and streamed; restores decompress into a temporary file, check it,
//! and copy it in with progress and Cancel. Older plain backups stay listed, pruned and restorable. Every
//! refusal and every cancel leaves the registry as it was, with no temporary file and no safety backup.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use common::{content_digest, file_registry, new_model, plain_copy};
use modelops_core::backup::{self, BackupReason};
use modelops_core::recovery;
use modelops_core::task::{CancelToken, Task, TaskPhase, TaskProgress};
use modelops_core::{ErrorCode, Registry};

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The files in the backups folder (hidden ones too: a `.partial` or `.copy` left behind would show here).
fn backup_files(registry: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(backup::backups_dir(registry)) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// The files beside the registry other than the registry itself and its -wal/-shm and backups folder.
fn leftovers_beside(registry: &Path) -> Vec<String> {
    let name = registry.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(registry.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n != &name
                && n != &format!("{name}-wal")
                && n != &format!("{name}-shm")
                && n != backup::BACKUPS_DIR
        })
        .collect()
}

#[test]
fn a_compressed_backup_round_trips_through_a_restore() {
    let (_dir, path, reg) = file_registry();
    reg.register_model(&new_model("In the backup")).unwrap();
    let at_backup = content_digest(&path);
    let taken = reg.backup_now(now()).unwrap();
    assert!(taken.compressed && taken.file_name.ends_with(".sqlite3.zst"));
    // Measured against the plain copy: the registry's own file holds little until its WAL is checkpointed.
    let (_plain_dir, plain) = plain_copy(&taken.path);
    let plain_size = std::fs::metadata(&plain).unwrap().len();
    assert!(
        taken.size_bytes * 3 < plain_size,
        "{} bytes compressed from {plain_size}",
        taken.size_bytes
    );
    // The file is zstd (its magic bytes), not SQLite.
    let head = std::fs::read(&taken.path).unwrap();
    assert_eq!(&head[..4], &[0x28, 0xB5, 0x2F, 0xFD]);

    reg.register_model(&new_model("After the backup")).unwrap();
    let result = reg.restore_from(Path::new(&taken.path), now()).unwrap();
    assert_eq!(result.check.models, 5);
    assert_eq!(content_digest(&path), at_backup);
    assert!(reg.verify_audit().unwrap().ok);
    let safety = result.safety_backup.expect("safety backup");
    assert!(safety.compressed);
    assert_eq!(safety.reason, BackupReason::PreRestore);
    let (_tmp, safety_plain) = plain_copy(&safety.path);
    let names: Vec<String> = Registry::open(&safety_plain)
        .unwrap()
        .list_models()
        .unwrap()
        .models
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(names.contains(&"After the backup".to_owned()), "{names:?}");
    assert!(
        leftovers_beside(&path).is_empty(),
        "{:?}",
        leftovers_beside(&path)
    );
    assert!(
        backup_files(&path).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        backup_files(&path)
    );
}

/// A backup as builds before issue 17 wrote it: the plain SQLite file, named `.sqlite3`.
fn old_plain_backup(reg: &Registry, path: &Path, at: &str, reason: BackupReason) -> PathBuf {
    let taken = reg.backup_now(now()).unwrap();
    let (_tmp, plain) = plain_copy(&taken.path);
    std::fs::remove_file(&taken.path).unwrap();
    let old = backup::backups_dir(path).join(format!("registry-{at}-{}.sqlite3", reason.slug()));
    std::fs::copy(&plain, &old).unwrap();
    old
}

#[test]
fn an_old_uncompressed_backup_is_listed_restored_and_pruned_with_the_new_ones() {
    let (_dir, path, reg) = file_registry();
    reg.register_model(&new_model("In the old backup")).unwrap();
    let at_old = content_digest(&path);
    let old_daily = old_plain_backup(&reg, &path, "20200101T000000.000Z", BackupReason::Daily);
    let old_pre = old_plain_backup(
        &reg,
        &path,
        "20200102T000000.000Z",
        BackupReason::PreMigration,
    );
    let list = reg.backups().unwrap().backups;
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[1].path, old_daily.display().to_string());
    assert!(!list[1].compressed);
    assert_eq!(list[1].reason, BackupReason::Daily);
    assert_eq!(
        list[1].size_bytes,
        std::fs::metadata(&old_daily).unwrap().len()
    );

    reg.register_model(&new_model("After the old backup"))
        .unwrap();
    let result = reg.restore_from(&old_daily, now()).unwrap();
    assert_eq!(result.check.models, 5);
    assert_eq!(content_digest(&path), at_old);

    // Pruning counts both kinds: the newest `keep` automatic backups stay, whatever their format.
    let t0 = now();
    for hours in [25, 50] {
        reg.backup_if_due(t0 + TimeDelta::hours(hours))
            .unwrap()
            .expect("due");
    }
    let manual = reg.backup_now(t0 - TimeDelta::days(3000)).unwrap();
    let dir = backup::backups_dir(&path);
    // Automatic, newest first: daily +50 h, daily +25 h, the pre-restore, then the two plain ones.
    assert_eq!(backup::prune(&dir, 3).unwrap(), 2);
    assert!(!old_daily.exists() && !old_pre.exists());
    let left = backup::list_backups(&dir).unwrap();
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(left.iter().all(|b| b.compressed));
    assert_eq!(backup::prune(&dir, 1).unwrap(), 2);
    let left: Vec<_> = backup::list_backups(&dir)
        .unwrap()
        .into_iter()
        .map(|b| b.reason)
        .collect();
    assert_eq!(left, vec![BackupReason::Daily, BackupReason::Manual]);
    assert!(
        Path::new(&manual.path).exists(),
        "manual backups are never pruned"
    );
}

#[test]
fn a_damaged_or_cut_short_compressed_backup_is_refused_and_changes_nothing() {
    let (dir, path, reg) = file_registry();
    let taken = reg.backup_now(now()).unwrap();
    reg.register_model(&new_model("Not in the backup")).unwrap();
    let before = content_digest(&path);
    let files_before = backup_files(&path);
    let bytes = std::fs::read(&taken.path).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xFF;
    let cases = [
        ("cut in half", bytes[..bytes.len() / 2].to_vec()),
        ("cut before the checksum", bytes[..bytes.len() - 2].to_vec()),
        ("only the magic bytes", bytes[..4].to_vec()),
        ("a byte changed", flipped),
    ];
    for (what, content) in cases {
        let bad = dir.path().join("bad.sqlite3.zst");
        std::fs::write(&bad, &content).unwrap();
        let err = reg.restore_from(&bad, now()).expect_err(what);
        assert_eq!(err.code(), ErrorCode::CorruptDatabase, "{what}: {err}");
        assert!(err.to_string().contains("bad.sqlite3.zst"), "{what}: {err}");
        assert_eq!(
            content_digest(&path),
            before,
            "{what}: the registry changed"
        );
        assert_eq!(
            backup_files(&path),
            files_before,
            "{what}: no safety backup"
        );
        assert_eq!(leftovers_beside(&path), vec!["bad.sqlite3.zst"], "{what}");
        let err = recovery::restore_damaged(&path, &bad, now()).expect_err(what);
        assert_eq!(err.code(), ErrorCode::CorruptDatabase, "{what}: {err}");
        assert_eq!(content_digest(&path), before, "{what}");
        assert_eq!(leftovers_beside(&path), vec!["bad.sqlite3.zst"], "{what}");
        std::fs::remove_file(&bad).unwrap();
    }
    assert!(reg.verify_audit().unwrap().ok);
}

/// A registry big enough for a restore to take several steps of each phase (2 000 generated models).
fn generated_registry() -> (tempfile::TempDir, PathBuf, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    modelops_core::generate::generate_file(&path, 2000, 7).unwrap();
    let reg = Registry::open(&path).unwrap();
    (dir, path, reg)
}

/// A task that cancels itself at the first report of `phase` past its start, recording every report.
struct CancelAt {
    token: CancelToken,
    phase: TaskPhase,
    seen: Mutex<Vec<TaskProgress>>,
    /// Waits first until the restore's safety backup is whole in this folder (it is written beside the
    /// copy, on another thread), so the cancel has a finished safety backup to take back.
    after_safety_in: Option<PathBuf>,
}

impl CancelAt {
    fn new(phase: TaskPhase) -> CancelAt {
        CancelAt {
            token: CancelToken::new(),
            phase,
            seen: Mutex::new(Vec::new()),
            after_safety_in: None,
        }
    }

    fn sink(&self, p: TaskProgress) {
        self.seen.lock().unwrap().push(p);
        // Checking reports only its start; the byte phases are cancelled part-way.
        if p.phase == self.phase
            && (p.phase == TaskPhase::Checking || p.done > 0)
            && !self.token.is_cancelled()
        {
            if let Some(dir) = &self.after_safety_in {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                while !safety_written(dir) {
                    assert!(std::time::Instant::now() < deadline, "no safety backup");
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
            self.token.cancel();
        }
    }
}

fn safety_written(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        name.starts_with("registry-") && name.ends_with("-pre-restore.sqlite3.zst")
    })
}

#[test]
fn a_restore_cancelled_in_any_phase_changes_nothing_and_leaves_no_file() {
    let (_dir, path, reg) = generated_registry();
    let taken = reg.backup_now(now()).unwrap();
    reg.register_model(&new_model("Only in the registry"))
        .unwrap();
    let before = content_digest(&path);
    let files_before = backup_files(&path);
    // A plain copy of the same backup (an older build's format) goes through the same phases but the first.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = plain_dir.path().join("registry-plain.sqlite3");
    std::fs::copy(plain_copy(&taken.path).1, &plain).unwrap();
    let compressed = PathBuf::from(&taken.path);
    let cases = [
        (TaskPhase::Unpacking, false, &compressed),
        (TaskPhase::Checking, false, &compressed),
        (TaskPhase::Checking, false, &plain),
        (TaskPhase::Restoring, false, &compressed),
        (TaskPhase::Restoring, true, &compressed),
        (TaskPhase::Restoring, false, &plain),
    ];
    for (phase, after_safety, file) in cases {
        let mut at = CancelAt::new(phase);
        if after_safety {
            at.after_safety_in = Some(backup::backups_dir(&path));
        }
        let sink = |p: TaskProgress| at.sink(p);
        let task = Task::new(&sink, at.token.clone()).every_step();
        let err = reg
            .restore_from_with(file, now(), &task)
            .expect_err("cancelled");
        assert_eq!(err.code(), ErrorCode::Cancelled, "{phase:?}: {err}");
        assert!(err.to_string().contains("as it was"), "{err}");
        let seen = at.seen.into_inner().unwrap();
        let last = seen.last().copied().expect("reports");
        assert_eq!(last.phase, phase, "{seen:?}");
        if phase != TaskPhase::Checking {
            assert!(last.done < last.total, "cancelled part-way: {seen:?}");
        }
        assert_eq!(
            content_digest(&path),
            before,
            "{phase:?}: the registry changed"
        );
        assert_eq!(
            backup_files(&path),
            files_before,
            "{phase:?}: no safety backup, no .copy or .partial"
        );
        assert!(
            leftovers_beside(&path).is_empty(),
            "{phase:?}: {:?}",
            leftovers_beside(&path)
        );
    }
    // Uncancelled, the same restore reports each phase through to its end and replaces the content.
    let seen = Mutex::new(Vec::new());
    let sink = |p: TaskProgress| seen.lock().unwrap().push(p);
    let task = Task::new(&sink, CancelToken::new()).every_step();
    reg.restore_from_with(Path::new(&taken.path), now(), &task)
        .unwrap();
    let seen = seen.into_inner().unwrap();
    let mut phases: Vec<TaskPhase> = seen.iter().map(|p| p.phase).collect();
    phases.dedup();
    assert_eq!(
        phases,
        vec![
            TaskPhase::Unpacking,
            TaskPhase::Checking,
            TaskPhase::Restoring
        ]
    );
    let copies: Vec<_> = seen
        .iter()
        .filter(|p| p.phase == TaskPhase::Restoring)
        .collect();
    assert!(copies.len() > 3, "the copy takes steps: {copies:?}");
    assert!(copies.windows(2).all(|w| w[0].done <= w[1].done));
    let end = copies.last().unwrap();
    assert_eq!(end.done, end.total);
    assert_ne!(content_digest(&path), before);
    assert_eq!(
        backup_files(&path).len(),
        files_before.len() + 1,
        "the safety backup"
    );
    assert!(leftovers_beside(&path).is_empty());
}

#[test]
fn a_restore_over_a_damaged_registry_cancelled_mid_copy_leaves_it_where_it_was() {
    let (_dir, path, reg) = generated_registry();
    let taken = reg.backup_now(now()).unwrap();
    drop(reg);
    let damaged = tempfile::tempdir().unwrap();
    let target = damaged.path().join("registry.sqlite3");
    std::fs::write(&target, b"damaged bytes").unwrap();
    let at = CancelAt::new(TaskPhase::Restoring);
    let sink = |p: TaskProgress| at.sink(p);
    let task = Task::new(&sink, at.token.clone()).every_step();
    let err = recovery::restore_damaged_with(&target, Path::new(&taken.path), now(), &task)
        .expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"damaged bytes");
    assert!(
        leftovers_beside(&target).is_empty(),
        "{:?}",
        leftovers_beside(&target)
    );
    // Uncancelled it goes through, the damaged file moved aside.
    let result =
        recovery::restore_damaged_with(&target, Path::new(&taken.path), now(), &Task::none())
            .unwrap();
    assert_eq!(result.check.models, 2000);
    assert!(result.moved_aside.is_some());
    assert_eq!(content_digest(&target), content_digest(&path));
}

/// A backup that a crash interrupted leaves its plain copy (as large as the registry) in the folder; the next
/// backup removes it, but not the files of a backup that may be running now in another process.
#[test]
fn the_next_backup_removes_what_a_crashed_one_left_behind() {
    let (_dir, path, reg) = file_registry();
    let dir = backup::backups_dir(&path);
    std::fs::create_dir_all(&dir).unwrap();
    let crashed = dir.join(".registry-20200101T000000.000Z-daily.sqlite3.zst.copy");
    let crashed_partial = dir.join(".registry-20200101T000000.000Z-daily.sqlite3.zst.partial");
    let running = dir.join(".registry-20991231T000000.000Z-manual.sqlite3.zst.copy");
    let not_ours = dir.join(".notes.copy");
    for f in [&crashed, &crashed_partial, &running, &not_ours] {
        std::fs::write(f, b"x").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for f in [&crashed, &crashed_partial, &not_ours] {
        std::fs::File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    reg.backup_now(now()).unwrap();
    assert!(!crashed.exists() && !crashed_partial.exists());
    assert!(running.exists(), "a younger one may be another process's");
    assert!(not_ours.exists(), "only our own files");
}

/// A compressed file whose bytes are whole but whose content the check refuses (another program's database,
/// a registry from a newer ModelOps): refused after decompressing, before anything is copied.
#[test]
fn a_compressed_backup_the_check_refuses_is_never_swapped_in() {
    let (dir, path, reg) = file_registry();
    let taken = reg.backup_now(now()).unwrap();
    reg.register_model(&new_model("Not in any backup")).unwrap();
    let before = content_digest(&path);
    let files_before = backup_files(&path);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    // Compressed the way backups are, from a connection to each file.
    let compress = |conn: &rusqlite::Connection| {
        backup::write_backup(conn, &elsewhere, BackupReason::Manual, now())
            .unwrap()
            .path
    };
    let foreign = {
        let conn = rusqlite::Connection::open(dir.path().join("foreign.db")).unwrap();
        conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
            .unwrap();
        compress(&conn)
    };
    let newer = {
        let (_tmp, plain) = plain_copy(&taken.path);
        let conn = rusqlite::Connection::open(&plain).unwrap();
        conn.pragma_update(None, "user_version", modelops_core::db::LATEST_SCHEMA + 1)
            .unwrap();
        compress(&conn)
    };
    for (file, code) in [
        (&foreign, ErrorCode::CorruptDatabase),
        (&newer, ErrorCode::SchemaTooNew),
    ] {
        let err = reg
            .restore_from(Path::new(file), now())
            .expect_err("refused");
        assert_eq!(err.code(), code, "{file}: {err}");
        assert_eq!(
            content_digest(&path),
            before,
            "{file}: the registry changed"
        );
        assert_eq!(
            backup_files(&path),
            files_before,
            "{file}: no safety backup"
        );
        assert!(leftovers_beside(&path)
            .iter()
            .all(|n| n != "registry.sqlite3.unpacking"));
    }
    assert!(reg.verify_audit().unwrap().ok);
    // The registry still takes writes: the refused copy's transaction is gone.
    reg.register_model(&new_model("After the refusals"))
        .unwrap();
}
