//! `RegistryHome`: the one place that decides how a registry is opened, restored or started anew, for the
//! app and the CLI alike. Each way out is tried on a registry that opens and on one that doesn't.

use chrono::Utc;
use modelops_core::backup::DEFAULT_KEEP;
use modelops_core::opening::{Current, RegistryHome};
use modelops_core::recovery::ProblemKind;
use modelops_core::{ErrorCode, RegistryError};

fn damaged_home() -> (tempfile::TempDir, RegistryHome, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = RegistryHome::in_dir(dir.path());
    let registry = home.open().expect("a new registry opens");
    let backup = registry.backup_now(Utc::now()).expect("backup").path;
    drop(registry);
    std::fs::write(home.file(), b"not a database".repeat(512)).expect("damage");
    (dir, home, backup)
}

fn damaged_files(home: &RegistryHome) -> usize {
    std::fs::read_dir(home.file().parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .count()
}

#[test]
fn a_registry_that_cannot_open_is_named_and_left_alone() {
    let (_dir, home, _) = damaged_home();
    let before = std::fs::read(home.file()).unwrap();
    let failure = home.open().err().expect("a damaged file does not open");
    assert_eq!(failure.error.code(), ErrorCode::CorruptDatabase);
    assert_eq!(failure.problem.kind, ProblemKind::NotSqlite);
    assert!(failure.problem.can_move_aside);
    assert_eq!(std::fs::read(home.file()).unwrap(), before);
    let status = home.status(Current::Failed(&failure.problem));
    assert_eq!(status.problem.as_ref(), Some(&failure.problem));
    assert_eq!(status.schema_version, None);
}

#[test]
fn backups_are_listed_whether_or_not_the_registry_opens() {
    let (_dir, home, backup) = damaged_home();
    let opened = home.open();
    let list = home.backups(Current::of(&opened)).expect("listed");
    assert_eq!(list.keep, DEFAULT_KEEP);
    assert_eq!(list.backups.len(), 1);
    assert_eq!(list.backups[0].path, backup);
}

#[test]
fn a_damaged_registry_is_moved_aside_and_replaced_by_the_backup() {
    let (_dir, home, backup) = damaged_home();
    let opened = home.open();
    let restored = home
        .restore(Current::of(&opened), backup.as_ref(), Utc::now())
        .expect("restored");
    assert!(restored.result.moved_aside.is_some());
    let reopened = restored.reopened.expect("reopened").expect("opens");
    assert_eq!(reopened.list_models().unwrap().total, 4);
    assert_eq!(damaged_files(&home), 1);
}

#[test]
fn an_open_registry_is_restored_in_place_and_not_moved() {
    let dir = tempfile::tempdir().unwrap();
    let home = RegistryHome::in_dir(dir.path());
    let opened = home.open();
    let registry = opened.as_ref().expect("opens");
    let backup = registry.backup_now(Utc::now()).unwrap().path;
    registry.promote("model-3").unwrap();
    let restored = home
        .restore(Current::of(&opened), backup.as_ref(), Utc::now())
        .expect("restored");
    assert!(restored.reopened.is_none(), "the caller keeps its registry");
    assert!(restored.result.safety_backup.is_some());
    assert_eq!(damaged_files(&home), 0);
    let start_new = home.start_new(Current::of(&opened));
    assert_eq!(
        start_new.err().map(|e| e.code()),
        Some(ErrorCode::Conflict),
        "nothing to recover from"
    );
}

/// A read-only folder or a full disk is not the file's fault: neither a restore nor a new registry may move
/// the file aside then, and the refusal keeps the code of what is wrong.
#[test]
fn a_sound_file_in_the_wrong_place_is_never_moved_aside() {
    let (_dir, home, backup) = damaged_home();
    let mut problem = home.open().err().expect("fails").problem;
    problem.kind = ProblemKind::ReadOnly;
    problem.code = ErrorCode::ReadOnly;
    problem.can_move_aside = false;
    let before = std::fs::read(home.file()).unwrap();

    let err = home
        .restore(Current::Failed(&problem), backup.as_ref(), Utc::now())
        .err()
        .expect("refused");
    assert!(matches!(err, RegistryError::NotRecoverable { .. }), "{err}");
    assert_eq!(err.code(), ErrorCode::ReadOnly);
    let err = home
        .start_new(Current::Failed(&problem))
        .err()
        .expect("refused");
    assert_eq!(err.code(), ErrorCode::Conflict);

    assert_eq!(std::fs::read(home.file()).unwrap(), before);
    assert_eq!(damaged_files(&home), 0);
}

#[test]
fn starting_anew_moves_the_damaged_file_aside_and_opens_a_seeded_registry() {
    let (_dir, home, _) = damaged_home();
    let before = std::fs::read(home.file()).unwrap();
    let opened = home.open();
    let fresh = home
        .start_new(Current::of(&opened))
        .expect("allowed")
        .expect("opens");
    assert_eq!(fresh.list_models().unwrap().total, 4);
    assert_eq!(damaged_files(&home), 1);
    let kept = std::fs::read_dir(home.file().parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .unwrap();
    assert_eq!(std::fs::read(kept.path()).unwrap(), before);
}
