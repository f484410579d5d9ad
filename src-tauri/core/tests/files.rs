//! The registry on real files: migrations, reopening, refusing files it must not touch, and CSV export.

use std::fs;
use std::path::Path;

use modelops_core::db::{migrations, LATEST_SCHEMA};
use modelops_core::export::CSV_HEADER;
use modelops_core::types::DeployTarget;
use modelops_core::{ErrorCode, Registry};
use rusqlite::Connection;

fn bytes(path: &Path) -> Vec<u8> {
    fs::read(path).expect("read file")
}

#[test]
fn migrations_are_valid() {
    migrations().validate().expect("migrations validate");
}

#[test]
fn creates_migrates_and_seeds_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.schema_version().unwrap(), LATEST_SCHEMA);
    assert_eq!(reg.list_models().unwrap().total, 4);
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_changes_and_does_not_reseed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let reg = Registry::open(&path).unwrap();
        // Production is gated on a passing test run of the version (ADR 0010).
        assert!(reg.run_tests("model-2").unwrap().passes_gate);
        reg.deploy("model-2", DeployTarget::Production).unwrap();
        reg.rollback("model-1").unwrap();
        reg.archive("model-3").unwrap();
    }
    let before = {
        let reg = Registry::open(&path).unwrap();
        let fp = reg.content_fingerprint().unwrap();
        let list = reg.list_models().unwrap();
        assert_eq!(list.total, 4);
        let get = |id: &str| list.models.iter().find(|m| m.id == id).unwrap().clone();
        assert_eq!(
            get("model-2").status,
            modelops_core::types::Status::Production
        );
        assert_eq!(get("model-1").version, "2.0.9");
        assert_eq!(
            get("model-3").status,
            modelops_core::types::Status::Archived
        );
        fp
    };
    // Even with every model row gone, the seed marker keeps an emptied registry empty.
    let raw = Connection::open(&path).unwrap();
    raw.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER events_append_only_delete; DROP TRIGGER model_versions_kept;
         DELETE FROM events; DELETE FROM models; DELETE FROM model_versions;",
    )
    .unwrap();
    drop(raw);
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.list_models().unwrap().total, 0);
    assert_ne!(reg.content_fingerprint().unwrap(), before);
}

#[test]
fn refuses_a_newer_schema_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = bytes(&path);
    let err = Registry::open(&path).err().expect("newer schema refused");
    assert_eq!(err.code(), ErrorCode::SchemaTooNew);
    assert!(err.to_string().contains("schema 99"), "{err}");
    assert_eq!(bytes(&path), before, "file was modified");
    assert!(!dir.path().join("registry.sqlite3-wal").exists());
}

#[test]
fn refuses_a_file_that_is_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    fs::write(
        &path,
        "this is not a database, it is a shopping list\n".repeat(100),
    )
    .unwrap();
    let before = bytes(&path);
    let err = Registry::open(&path).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::CorruptDatabase);
    assert_eq!(bytes(&path), before);
}

#[test]
fn refuses_another_programs_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT);")
        .unwrap();
    let before = bytes(&path);
    let err = Registry::open(&path).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::CorruptDatabase);
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn csv_export_round_trips_awkward_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    let reg = Registry::open(&path).unwrap();
    let awkward = "Ünïcødé, \"quoted\" name\nwith a newline — 模型 🚀";
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE models SET name = ?1, framework = 'a,b' WHERE id = 'model-2'",
            [awkward],
        )
        .unwrap();
    reg.run_tests("model-1").unwrap();
    let out = dir.path().join("export dir with spaces");
    fs::create_dir(&out).unwrap();
    let target = out.join("models.csv");
    let res = reg.export_csv(&target, None).unwrap();
    assert_eq!(res.rows, 4);
    assert_eq!(res.path, target.display().to_string());
    let mut rdr = csv::Reader::from_path(&target).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_HEADER.to_vec()
    );
    let rows: Vec<csv::StringRecord> = rdr.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 4);
    let list = reg.list_models().unwrap();
    for (row, m) in rows.iter().zip(&list.models) {
        assert_eq!(&row[0], m.id);
        assert_eq!(&row[1], m.name);
        assert_eq!(&row[2], m.version);
        assert_eq!(&row[3], m.status.as_str());
        assert_eq!(row[4].parse::<f64>().unwrap(), m.accuracy);
        assert_eq!(&row[8], m.framework);
        assert_eq!(row[10].parse::<i64>().unwrap(), m.size_bytes);
    }
    assert_eq!(&rows[1][1], awkward);
    assert_eq!(&rows[1][8], "a,b");
    assert_eq!(&rows[0][16], "5/5");
    assert_eq!(&rows[0][15], "2.0.9");
    assert!(!rows[0][14].is_empty(), "last_tested_at written");
    assert_eq!(&rows[2][13], "", "never deployed is empty");
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[test]
fn export_refuses_bad_targets_and_writes_nothing() {
    let reg = Registry::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        reg.export_csv(Path::new("relative.csv"), None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        reg.export_csv(dir.path(), None).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let missing = dir.path().join("no/such/dir/models.csv");
    assert_eq!(
        reg.export_csv(&missing, None).unwrap_err().code(),
        ErrorCode::Io
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn upgrades_a_schema_1_registry_and_fills_the_sort_copies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.sqlite3");
    {
        let mut raw = Connection::open(&path).unwrap();
        migrations().to_version(&mut raw, 1).unwrap();
        raw.execute_batch(
            "INSERT INTO meta VALUES ('demo_seeded_at', '2025-01-01T00:00:00Z');
             INSERT INTO models (id, name, framework, status, created_at)
                 VALUES ('m-old', 'Old model', 'PyTorch', 'development', '2025-01-01 00:00:00+00:00');
             INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps,
                 uptime_pct, ai_confidence, error_rate, size_bytes, created_at)
             VALUES ('m-old', '1.9.0', 1, 0.8, 20, 100, 99.9, 0.8, 0.01, 1000, '2025-01-01 00:00:00+00:00'),
                    ('m-old', '1.10.0', 2, 0.9, 10, 200, 99.95, 0.9, 0.005, 2000, '2025-02-01 00:00:00+00:00');
             UPDATE models SET current_version_id = (SELECT max(id) FROM model_versions);",
        )
        .unwrap();
    }
    let reg = Registry::open(&path).unwrap();
    assert_eq!(reg.schema_version().unwrap(), LATEST_SCHEMA);
    let list = reg.list_models().unwrap();
    assert_eq!(list.total, 1, "an upgraded registry is not re-seeded");
    let m = &list.models[0];
    assert_eq!(
        (
            m.version.as_str(),
            m.accuracy,
            m.previous_version.as_deref()
        ),
        ("1.10.0", 0.9, Some("1.9.0"))
    );
    use modelops_core::types::*;
    let q = |sort| ModelQuery {
        view: ModelView {
            filter: ModelFilter::default(),
            sort,
            dir: SortDir::Desc,
        },
        offset: 0,
        limit: 10,
    };
    assert_eq!(
        reg.query_models(&q(SortKey::Accuracy)).unwrap().models[0].accuracy,
        0.9
    );
    reg.rollback("m-old").unwrap();
    let after = &reg.query_models(&q(SortKey::Version)).unwrap().models[0];
    assert_eq!((after.version.as_str(), after.accuracy), ("1.9.0", 0.8));
}
