//! Fixtures shared by the core's integration tests. Each test binary uses a subset, hence the allow.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use modelops_core::types::{Metrics, RegisterModelRequest};
use modelops_core::{ErrorCode, Registry, RegistryError};

pub fn metrics() -> Metrics {
    Metrics {
        accuracy: 0.95,
        latency: 40.0,
        throughput: 1200.0,
        uptime: 99.9,
        ai_confidence: 0.93,
        error_rate: 0.002,
    }
}

pub fn new_model(name: &str) -> RegisterModelRequest {
    RegisterModelRequest {
        name: name.into(),
        framework: "PyTorch".into(),
        version: "1.0.0".into(),
        metrics: metrics(),
        size_bytes: Some(1_000_000),
        artifact_path: None,
        notes: None,
        tags: vec![],
    }
}

/// A registry file in a fresh temporary folder (seeded with the demo models).
pub fn file_registry() -> (tempfile::TempDir, PathBuf, Registry) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).expect("open");
    (dir, path, reg)
}

/// A backup's SQLite file as a plain copy in a temporary folder: backups are zstd-compressed, so SQLite can
/// only open them once decompressed (what a restore does too). Plain backups are copied as they are.
pub fn plain_copy(backup: impl AsRef<Path>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let unpacked = modelops_core::backup::unpack(
        backup.as_ref(),
        &dir.path().join("registry.sqlite3"),
        &modelops_core::task::Task::none(),
    )
    .expect("unpack");
    let plain = dir.path().join("plain.sqlite3");
    std::fs::copy(unpacked.path(), &plain).expect("copy");
    (dir, plain)
}

/// Everything a user could see of the registry, for "unchanged" assertions: every table's rows in order.
pub fn content_digest(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .expect("tables");
        let rows = stmt.query_map([], |r| r.get(0)).expect("tables");
        rows.collect::<Result<_, _>>().expect("tables")
    };
    let mut out = String::new();
    for t in tables {
        // Sorted rather than ORDER BY rowid: some tables are WITHOUT ROWID.
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .expect("rows");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("rows");
        let mut lines = Vec::new();
        while let Some(r) = rows.next().expect("row") {
            let mut line = String::new();
            for i in 0..n {
                line.push_str(&format!("|{:?}", r.get_ref(i).expect("cell")));
            }
            lines.push(line);
        }
        lines.sort();
        out.push_str(&t);
        out.push('\n');
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out
}

/// A registry file as an older build left it: migrated only up to schema `version`, then filled by `sql`.
/// Opening it with `Registry::open` runs the later migrations, as an upgrade does.
pub fn registry_at_schema(version: usize, sql: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let mut raw = rusqlite::Connection::open(&path).unwrap();
    modelops_core::db::migrations()
        .to_version(&mut raw, version)
        .unwrap();
    raw.execute_batch(sql).unwrap();
    (dir, path)
}

/// An A/B test of `a` against `b`, half the traffic each, default statistics.
pub fn ab_request(a: &str, b: &str) -> modelops_core::types::StartAbTestRequest {
    modelops_core::types::StartAbTestRequest {
        model_a: a.into(),
        model_b: b.into(),
        traffic_split: 50,
        alpha: None,
        min_detectable_effect: None,
        power: None,
    }
}

/// A running A/B test of `a` against `b` (see `ab_request`).
pub fn start_ab_test(reg: &Registry, a: &str, b: &str) -> modelops_core::types::AbTest {
    reg.start_ab_test(&ab_request(a, b)).expect("start test")
}

/// A seeded in-memory registry.
pub fn reg() -> Registry {
    Registry::open_in_memory().expect("open registry")
}

/// Metrics that pass every default check, for tests that only need some.
pub fn plain_metrics() -> Metrics {
    Metrics {
        accuracy: 0.9,
        latency: 40.0,
        throughput: 900.0,
        uptime: 99.9,
        ai_confidence: 0.9,
        error_rate: 0.01,
    }
}

/// Runs `f`, expects it to fail with `code`, and asserts the database content did not change.
pub fn refused<T: std::fmt::Debug>(
    reg: &Registry,
    code: ErrorCode,
    f: impl FnOnce(&Registry) -> Result<T, RegistryError>,
) -> String {
    let before = reg.content_fingerprint().expect("fingerprint");
    let err = f(reg).expect_err("action should be refused");
    assert_eq!(err.code(), code, "wrong code for: {err}");
    assert_eq!(
        reg.content_fingerprint().expect("fingerprint"),
        before,
        "refused action changed data"
    );
    err.to_string()
}

/// A new version of `model_id` with `plain_metrics` and nothing else.
pub fn plain_version(
    model_id: &str,
    version: &str,
) -> modelops_core::types::RegisterVersionRequest {
    modelops_core::types::RegisterVersionRequest {
        model_id: model_id.into(),
        version: version.into(),
        framework: None,
        metrics: plain_metrics(),
        size_bytes: None,
        artifact_path: None,
        notes: None,
        tags: vec![],
    }
}
