//! Damaged and foreign registry files, backups and restores, owner-only files, and CSV cells a spreadsheet
//! would run. Every refusal leaves the files byte-for-byte (or content-for-content) as they were.

mod common;

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use common::{content_digest, file_registry, new_model, plain_copy};
use modelops_core::backup::{self, BackupReason};
use modelops_core::db;
use modelops_core::recovery::{self, ProblemKind};
use modelops_core::{ErrorCode, Registry};

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A closed registry file with the demo data, in its own folder.
fn closed_registry() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path, reg) = file_registry();
    drop(reg);
    (dir, path)
}

/// Opens `path`, expects it refused with `code` and diagnosed as `kind`, with the file left as it was.
fn refused(path: &Path, code: ErrorCode, kind: ProblemKind) {
    let before = std::fs::read(path).expect("read");
    let err = match Registry::open(path) {
        Ok(_) => panic!("{} opened, expected {code:?}", path.display()),
        Err(e) => e,
    };
    assert_eq!(err.code(), code, "{err}");
    let problem = recovery::diagnose(path, &err);
    assert_eq!(problem.kind, kind, "{err}");
    assert_eq!(problem.code, code);
    assert!(problem.file_exists);
    assert_eq!(
        std::fs::read(path).expect("read"),
        before,
        "the file was changed"
    );
    assert!(
        !Path::new(&format!("{}-wal", path.display())).exists() || kind == ProblemKind::Corrupt
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    std::fs::write(&path, "name,accuracy\nfraud,0.9\n").unwrap();
    refused(&path, ErrorCode::CorruptDatabase, ProblemKind::NotSqlite);
    let problem = recovery::diagnose(&path, &Registry::open(&path).err().unwrap());
    assert!(problem.can_move_aside);
    assert!(
        problem.message.contains("not a SQLite database"),
        "{}",
        problem.message
    );
}

#[test]
fn a_truncated_registry_is_refused_untouched() {
    let (_dir, path) = closed_registry();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192);
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    refused(&path, ErrorCode::CorruptDatabase, ProblemKind::Truncated);
    // Cut inside the header itself.
    std::fs::write(&path, &bytes[..60]).unwrap();
    refused(&path, ErrorCode::CorruptDatabase, ProblemKind::Truncated);
}

#[test]
fn a_damaged_registry_is_refused_untouched() {
    let (_dir, path) = closed_registry();
    let mut bytes = std::fs::read(&path).unwrap();
    // Garbage over the schema table's b-tree page header (page 1, after the 100-byte file header).
    for b in &mut bytes[100..400] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    refused(&path, ErrorCode::CorruptDatabase, ProblemKind::Corrupt);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
        .unwrap();
    drop(conn);
    refused(
        &path,
        ErrorCode::CorruptDatabase,
        ProblemKind::ForeignDatabase,
    );
}

#[test]
fn a_registry_from_a_newer_modelops_is_refused_untouched_and_not_moved_by_default() {
    let (_dir, path) = closed_registry();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", db::LATEST_SCHEMA + 1)
        .unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    refused(&path, ErrorCode::SchemaTooNew, ProblemKind::SchemaTooNew);
    assert!(
        !backup::backups_dir(&path).exists(),
        "no backup of a file we did not open"
    );
}

#[test]
fn moving_a_damaged_file_aside_keeps_every_byte_and_lets_a_new_registry_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    std::fs::write(&path, b"not a database at all").unwrap();
    let wal = dir.path().join("registry.sqlite3-wal");
    std::fs::write(&wal, b"wal bytes").unwrap();
    let moved = recovery::move_aside(&path, now()).unwrap();
    assert!(!path.exists() && !wal.exists());
    assert_eq!(std::fs::read(&moved).unwrap(), b"not a database at all");
    assert_eq!(
        std::fs::read(format!("{}-wal", moved.display())).unwrap(),
        b"wal bytes"
    );
    // A second damaged file in the same second does not overwrite the first.
    std::fs::write(&path, b"second").unwrap();
    let again = recovery::move_aside(&path, now()).unwrap();
    assert_ne!(again, moved);
    assert_eq!(std::fs::read(&moved).unwrap(), b"not a database at all");
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.list_models().unwrap().models.len(), 4);
}

#[test]
fn a_damaged_registry_is_restored_from_a_backup_after_moving_it_aside() {
    let (_dir, path, reg) = file_registry();
    reg.register_model(&new_model("Kept in the backup"))
        .unwrap();
    let taken = reg.backup_now(now()).unwrap();
    drop(reg);
    std::fs::write(&path, b"garbage").unwrap();
    let result = recovery::restore_damaged(&path, Path::new(&taken.path), now()).unwrap();
    assert_eq!(result.check.models, 5);
    let moved = result.moved_aside.expect("moved aside");
    assert_eq!(std::fs::read(&moved).unwrap(), b"garbage");
    let reg = Registry::open(&path).unwrap();
    let names: Vec<String> = reg
        .list_models()
        .unwrap()
        .models
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(
        names.contains(&"Kept in the backup".to_owned()),
        "{names:?}"
    );
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn a_restore_refuses_a_bad_backup_and_changes_nothing() {
    let (dir, path, reg) = file_registry();
    let before = content_digest(&path);
    let not_sqlite = dir.path().join("notes.sqlite3");
    std::fs::write(&not_sqlite, "hello").unwrap();
    let foreign = dir.path().join("foreign.sqlite3");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 3;")
        .unwrap();
    let newer = dir.path().join("newer.sqlite3");
    let taken = reg.backup_now(now()).unwrap();
    std::fs::copy(plain_copy(&taken.path).1, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", db::LATEST_SCHEMA + 1)
        .unwrap();
    let cases = [
        (not_sqlite.as_path(), ErrorCode::CorruptDatabase),
        (foreign.as_path(), ErrorCode::CorruptDatabase),
        (newer.as_path(), ErrorCode::SchemaTooNew),
        (dir.path(), ErrorCode::InvalidInput),
        (Path::new("/nonexistent/backup.sqlite3"), ErrorCode::Io),
    ];
    let backups_before = backup::list_backups(&backup::backups_dir(&path))
        .unwrap()
        .len();
    for (file, code) in cases {
        let err = reg.restore_from(file, now()).expect_err("refused");
        assert_eq!(err.code(), code, "{}: {err}", file.display());
        let err = recovery::restore_damaged(&path, file, now()).expect_err("refused");
        assert_eq!(err.code(), code, "{}: {err}", file.display());
    }
    assert_eq!(content_digest(&path), before);
    assert_eq!(
        backup::list_backups(&backup::backups_dir(&path))
            .unwrap()
            .len(),
        backups_before,
        "a refused restore takes no safety backup"
    );
    assert!(!dir.path().join("registry.sqlite3.restoring").exists());
}

#[test]
fn restore_replaces_the_content_and_keeps_a_safety_backup_of_what_it_replaced() {
    let (_dir, path, reg) = file_registry();
    let taken = reg.backup_now(now()).unwrap();
    let at_backup = content_digest(&plain_copy(&taken.path).1);
    reg.register_model(&new_model("After the backup")).unwrap();
    let before_restore = content_digest(&path);
    let result = reg.restore_from(Path::new(&taken.path), now()).unwrap();
    assert_eq!(result.check.models, 4);
    assert_eq!(reg.list_models().unwrap().models.len(), 4);
    assert_eq!(content_digest(&path), at_backup);
    let safety = result.safety_backup.expect("safety backup");
    assert_eq!(safety.reason, BackupReason::PreRestore);
    assert_eq!(content_digest(&plain_copy(&safety.path).1), before_restore);
    // Another connection to the same file (the CLI) sees the restored registry.
    let other = Registry::open(&path).unwrap();
    assert_eq!(other.list_models().unwrap().models.len(), 4);
    // The registry keeps working after the restore.
    reg.register_model(&new_model("After the restore")).unwrap();
    assert!(reg.verify_audit().unwrap().ok);
}

#[test]
fn an_older_registry_is_backed_up_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let mut raw = rusqlite::Connection::open(&path).unwrap();
        db::migrations().to_version(&mut raw, 7).unwrap();
    }
    let before = content_digest(&path);
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.schema_version().unwrap(), db::LATEST_SCHEMA);
    let list = reg.backups().unwrap();
    let pre: Vec<_> = list
        .backups
        .iter()
        .filter(|b| b.reason == BackupReason::PreMigration)
        .collect();
    assert_eq!(pre.len(), 1, "{:?}", list.backups);
    let (_tmp, plain) = plain_copy(&pre[0].path);
    let conn = rusqlite::Connection::open(&plain).unwrap();
    assert_eq!(db::schema_version(&conn).unwrap(), 7);
    drop(conn);
    assert_eq!(content_digest(&plain), before);
    // Opening it again (already migrated) takes no further backup.
    drop(reg);
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.backups().unwrap().backups.len(), 1);
    // The backup restores into a registry this build migrates again.
    let result = reg.restore_from(Path::new(&pre[0].path), now()).unwrap();
    assert_eq!(result.check.schema_version, 7);
    assert_eq!(reg.schema_version().unwrap(), db::LATEST_SCHEMA);
}

#[test]
fn a_new_registry_is_not_backed_up_and_a_daily_backup_is_taken_once_a_day() {
    let (_dir, _path, reg) = file_registry();
    assert!(reg.backups().unwrap().backups.is_empty());
    let t0 = now();
    let first = reg.backup_if_due(t0).unwrap().expect("due: no backup yet");
    assert_eq!(first.reason, BackupReason::Daily);
    assert!(reg
        .backup_if_due(t0 + TimeDelta::hours(23))
        .unwrap()
        .is_none());
    let second = reg.backup_if_due(t0 + TimeDelta::hours(25)).unwrap();
    assert!(second.is_some());
    assert_eq!(reg.backups().unwrap().backups.len(), 2);
}

#[test]
fn only_the_newest_automatic_backups_are_kept_and_manual_ones_never_pruned() {
    let (_dir, _path, reg) = file_registry();
    // Backup names carry milliseconds.
    let t0 = chrono::SubsecRound::trunc_subsecs(now(), 3);
    let manual = reg.backup_now(t0).unwrap();
    for day in 1..=5 {
        reg.backup_if_due(t0 + TimeDelta::days(day))
            .unwrap()
            .expect("due");
    }
    assert_eq!(reg.backups().unwrap().backups.len(), 6);
    assert_eq!(reg.set_backup_keep(2).unwrap().keep, 2);
    let list = reg.backups().unwrap();
    assert_eq!(list.keep, 2);
    let kept: Vec<_> = list
        .backups
        .iter()
        .map(|b| (b.reason, b.created_at))
        .collect();
    assert_eq!(
        kept,
        vec![
            (BackupReason::Daily, list.backups[0].created_at),
            (BackupReason::Daily, list.backups[1].created_at),
            (BackupReason::Manual, manual.created_at),
        ]
    );
    assert_eq!(list.backups[0].created_at, t0 + TimeDelta::days(5));
    reg.backup_if_due(t0 + TimeDelta::days(6))
        .unwrap()
        .expect("due");
    assert_eq!(reg.backups().unwrap().backups.len(), 3);
    for bad in [0, backup::MAX_KEEP + 1] {
        let err = reg.set_backup_keep(bad).expect_err("out of range");
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }
    assert_eq!(reg.backups().unwrap().keep, 2);
}

#[test]
fn a_backup_is_a_complete_registry_this_build_validates() {
    let (_dir, path, reg) = file_registry();
    reg.register_model(&new_model("In the backup")).unwrap();
    let taken = reg.backup_now(now()).unwrap();
    assert!(taken.compressed);
    assert!(
        taken.file_name.ends_with(".sqlite3.zst"),
        "{}",
        taken.file_name
    );
    assert_eq!(
        taken.size_bytes,
        std::fs::metadata(&taken.path).unwrap().len(),
        "the size shown is the file's on disk"
    );
    let (_tmp, plain) = plain_copy(&taken.path);
    let check = backup::validate(&plain).unwrap();
    assert_eq!(check.models, 5);
    assert_eq!(check.schema_version, db::LATEST_SCHEMA);
    assert_eq!(content_digest(&plain), content_digest(&path));
    // No half-written file is left beside it.
    let names: Vec<String> = std::fs::read_dir(backup::backups_dir(&path))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![taken.file_name.clone()]);
}

#[cfg(unix)]
#[test]
fn the_registry_and_its_backups_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, reg) = file_registry();
    reg.register_model(&new_model("Private")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "registry file");
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    assert_eq!(mode(&wal), 0o600, "-wal file");
    let taken = reg.backup_now(now()).unwrap();
    assert_eq!(mode(Path::new(&taken.path)), 0o600, "backup file");
    assert_eq!(mode(&backup::backups_dir(&path)), 0o700, "backups folder");
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralized() {
    let (dir, _path, reg) = file_registry();
    let dangerous = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tTabbed",
        "\rReturn",
    ];
    for name in dangerous {
        reg.register_model(&new_model(name)).unwrap();
    }
    let out = dir.path().join("models.csv");
    reg.export_csv(&out, None).unwrap();
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let names: Vec<String> = rdr.records().map(|r| r.unwrap()[1].to_owned()).collect();
    for name in dangerous {
        // Names are trimmed on registration: a leading tab or CR is gone before it reaches the CSV.
        let stored = name.trim();
        let expected = if stored == name {
            format!("'{name}")
        } else {
            stored.to_owned()
        };
        assert!(
            names.contains(&expected),
            "{name:?}: {expected:?} not in {names:?}"
        );
    }
    for n in &names {
        assert!(
            !n.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{n:?} would run in a spreadsheet"
        );
    }
    assert_eq!(
        modelops_core::export::csv_safe("Fraud detector"),
        "Fraud detector"
    );
    assert_eq!(modelops_core::export::csv_safe("0.5"), "0.5");
    let audit = dir.path().join("audit.csv");
    reg.export_audit_csv(&audit).unwrap();
    let mut rdr = csv::Reader::from_path(&audit).unwrap();
    for record in rdr.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

/// A backup reads a snapshot on its own connection: taken while another process-like connection keeps
/// writing, every backup is a whole registry (integrity check, audit chain) holding a prefix of the writes.
#[test]
fn backups_taken_during_writes_are_consistent_snapshots() {
    let (_dir, path, reg) = file_registry();
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let other = Registry::open(&writer_path).unwrap();
        for i in 0..60 {
            other
                .register_model(&new_model(&format!("Concurrent {i}")))
                .unwrap();
        }
    });
    let mut taken = Vec::new();
    while !writer.is_finished() || taken.len() < 3 {
        taken.push(reg.backup_now(now()).unwrap());
    }
    writer.join().unwrap();
    let mut last = 0;
    for b in &taken {
        let (_tmp, plain) = plain_copy(&b.path);
        let check = backup::validate(&plain).unwrap();
        assert!(check.models >= last, "backups go back in time");
        last = check.models;
        let copy = Registry::open(&plain).unwrap();
        assert!(copy.verify_audit().unwrap().ok, "{}", b.file_name);
    }
    assert!(taken.len() >= 3);
}
