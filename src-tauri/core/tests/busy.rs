//! A write lock held by another process for longer than the busy timeout (a long import, a slow disk) must
//! not reach the user as "database is locked": the write waits, retries, and goes through once it is free.

use std::time::{Duration, Instant};

use modelops_core::db::BUSY_TIMEOUT;
use modelops_core::types::Status;
use modelops_core::Registry;

#[test]
fn a_write_outlasts_a_lock_held_longer_than_the_busy_timeout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).expect("open");

    // Another connection, as another process would, takes the write lock and keeps it past the timeout.
    let other = rusqlite::Connection::open(&path).expect("second connection");
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let hold = BUSY_TIMEOUT + Duration::from_secs(1);
    let holder = std::thread::spawn(move || {
        std::thread::sleep(hold);
        other.execute_batch("COMMIT").expect("release");
    });

    let started = Instant::now();
    let r = reg
        .promote("model-3")
        .expect("the write waits and succeeds");
    assert!(
        started.elapsed() >= BUSY_TIMEOUT,
        "returned before the lock was released"
    );
    assert_eq!(r.model.status, Status::Staging);
    holder.join().expect("holder thread");
    assert!(reg.verify_audit().expect("verify").ok);
}
