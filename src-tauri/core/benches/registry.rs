//! Registry core benchmarks (issue 4): each operation of `Registry` beside its *floor*, the bare rusqlite
//! statements doing the same work on a plain `Connection` to the same file with the same settings. The ratio
//! core/floor is the cost of our layer (mutex, SQL building, row mapping into wire types, formatting).
//!
//! Run with `scripts/bench-core.sh` (prints the table) or `cargo bench -p modelops-core --bench registry`.
//! `MODELOPS_BENCH_SIZES=1000,10000` limits the registry sizes (default 1000,10000,100000).
//!
//! Registries are real files made by `generate::generate_file` into `target/bench-data/registry-N.sqlite3`
//! once and reused; reads run on that file, writes on a copy of it (`target/bench-data/work/`), deleted after.
//!
//! Every floor is checked against the core before it is timed: same page ids, same summary, byte-identical CSV.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use modelops_core::generate::generate_file;
use modelops_core::types::format_size;
use modelops_core::types::*;
use modelops_core::Registry;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, OpenFlags, TransactionBehavior};

const SEED: u64 = 4;
const PAGE: u32 = 100;

// ----- the registry files -----

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

fn sizes() -> Vec<u32> {
    match std::env::var("MODELOPS_BENCH_SIZES") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|x| {
                x.trim()
                    .replace('_', "")
                    .parse()
                    .expect("MODELOPS_BENCH_SIZES: numbers")
            })
            .collect(),
        _ => vec![1_000, 10_000, 100_000],
    }
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// `target/bench-data/registry-N.sqlite3`, generated on first use. Written under another name and renamed
/// when complete, so an interrupted generation is never reused.
fn registry_file(n: u32) -> PathBuf {
    let dir = target_dir().join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data dir");
    let path = dir.join(format!("registry-{n}.sqlite3"));
    if !path.exists() {
        let partial = dir.join(format!("registry-{n}.sqlite3.partial"));
        remove_db(&partial);
        let t = Instant::now();
        let stats = generate_file(&partial, n, SEED).expect("generate registry");
        assert!(!dir
            .join(format!("registry-{n}.sqlite3.partial-wal"))
            .exists());
        std::fs::rename(&partial, &path).expect("rename generated registry");
        sync_file(&path);
        eprintln!(
            "generated {} ({} models, {} versions, {} events) in {:.1} s",
            path.display(),
            stats.models,
            stats.versions,
            stats.events,
            t.elapsed().as_secs_f64()
        );
    }
    path
}

/// A fresh copy of the registry of `n` models for the benchmarks that write.
fn write_copy(n: u32, base: &Path) -> PathBuf {
    let dir = target_dir().join("bench-data/work");
    std::fs::create_dir_all(&dir).expect("bench-data/work dir");
    let path = dir.join(format!("registry-{n}-write.sqlite3"));
    remove_db(&path);
    // No connection ever writes to the base file (reads only; its WAL is empty), so the main file is whole.
    std::fs::copy(base, &path).expect("copy registry");
    sync_file(&path);
    path
}

/// Flushes a freshly written file, so that the kernel's write-back of hundreds of MB does not land in the
/// middle of the durable benchmarks and slow their fsyncs.
fn sync_file(path: &Path) {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .expect("sync file");
}

/// The floor's connection: what `db::open_file` sets, without the schema gate and migrations.
fn open_floor(path: &Path) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).expect("open floor connection");
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .unwrap();
    assert!(mode.eq_ignore_ascii_case("wal"));
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn
}

// ----- the SQL the core runs (the row SELECT is the core's; the ORDER BY is copied from query.rs and the
// checks below keep them equal) -----

/// The core's own row SELECT, so the floor runs exactly the statement the core runs.
use modelops_core::rows::MODEL_SELECT;

fn order_by(key: SortKey) -> String {
    let col = match key {
        SortKey::Name => return "m.name ASC".to_owned(),
        SortKey::Version => "m.cur_version_key",
        SortKey::Status => "m.status_rank",
        SortKey::Accuracy => "m.cur_accuracy",
        SortKey::Latency => "m.cur_latency_ms",
        SortKey::Throughput => "m.cur_throughput_rps",
        SortKey::Uptime => "m.cur_uptime_pct",
        SortKey::Framework => "m.framework",
        SortKey::Size => "m.cur_size_bytes",
        SortKey::AiConfidence => "m.cur_ai_confidence",
        SortKey::ErrorRate => "m.cur_error_rate",
        SortKey::DeployedAt => "m.deployed_at",
        SortKey::LastTestedAt => "m.last_tested_at",
    };
    format!("{col} ASC, m.name ASC")
}

/// A model row as plain values: what the floor maps a row of `MODEL_SELECT` into.
type Row18 = (
    String,
    String,
    String,
    String,
    [f64; 4],
    String,
    i64,
    [f64; 2],
    Option<String>,
    Option<String>,
    Option<String>,
    Option<u32>,
    Option<u32>,
    bool,
);

fn row18(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row18> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
        r.get(8)?,
        r.get(9)?,
        [r.get(10)?, r.get(11)?],
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
        r.get(15)?,
        r.get(16)?,
        r.get(17)?,
    ))
}

/// The SQL of one page view, built once (the core builds it on every call: part of what is measured).
struct PageSql {
    count: String,
    ids: String,
    by_rowid: String,
    one_select: String,
    params: Vec<Value>,
}

impl PageSql {
    fn new(clause: &str, params: Vec<Value>, key: SortKey, offset: u32) -> PageSql {
        let order = order_by(key);
        PageSql {
            count: format!("SELECT count(*) FROM models m WHERE {clause}"),
            ids: format!(
                "SELECT m.rowid FROM models m WHERE {clause} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}"
            ),
            by_rowid: format!("{MODEL_SELECT} WHERE m.rowid = ?1"),
            one_select: format!(
                "{MODEL_SELECT} WHERE {clause} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}"
            ),
            params,
        }
    }
}

/// Floor of `query_models`: the same three statements in a deferred transaction (count, the page's rowids
/// from the sort index, then each row by rowid), rows mapped into tuples.
fn floor_page(conn: &mut Connection, sql: &PageSql) -> (u32, Vec<Row18>) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .unwrap();
    let total: u32 = tx
        .prepare_cached(&sql.count)
        .unwrap()
        .query_row(params_from_iter(sql.params.iter()), |r| r.get(0))
        .unwrap();
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare_cached(&sql.ids).unwrap();
        let rows = stmt
            .query_map(params_from_iter(sql.params.iter()), |r| r.get(0))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let mut by_rowid = tx.prepare_cached(&sql.by_rowid).unwrap();
    let rows = ids
        .into_iter()
        .map(|id| by_rowid.query_row([id], row18))
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    (total, rows)
}

/// Not a floor but the plain alternative: count, then one SELECT joining and paging at once.
fn one_select_page(conn: &mut Connection, sql: &PageSql) -> (u32, Vec<Row18>) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .unwrap();
    let total: u32 = tx
        .prepare_cached(&sql.count)
        .unwrap()
        .query_row(params_from_iter(sql.params.iter()), |r| r.get(0))
        .unwrap();
    let mut stmt = tx.prepare_cached(&sql.one_select).unwrap();
    let rows = stmt
        .query_map(params_from_iter(sql.params.iter()), row18)
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    (total, rows)
}

fn query(filter: ModelFilter, sort: SortKey, offset: u32) -> ModelQuery {
    ModelQuery {
        view: ModelView {
            filter,
            sort,
            dir: SortDir::Asc,
        },
        offset,
        limit: PAGE,
    }
}

fn check_page(reg: &Registry, conn: &mut Connection, q: &ModelQuery, sql: &PageSql) {
    let core = reg.query_models(q).unwrap();
    let (total, rows) = floor_page(conn, sql);
    let (total1, rows1) = one_select_page(conn, sql);
    let core_ids: Vec<&str> = core.models.iter().map(|m| m.id.as_str()).collect();
    let floor_ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let one_ids: Vec<&str> = rows1.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(core.total, total, "count differs for {q:?}");
    assert_eq!(total, total1);
    assert_eq!(core_ids, floor_ids, "page differs for {q:?}");
    assert_eq!(floor_ids, one_ids);
}

// ----- summary -----

type SummaryRow = (u32, u32, u32, u32, u32, u32, Option<f64>, u32, u32);

/// Floor of `summary`: the same two statements (`SUMMARY_SQL` and the running-test count) in a deferred
/// transaction, its dozen grouped rows added up into the tuple.
fn floor_summary(conn: &mut Connection) -> SummaryRow {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .unwrap();
    let mut out: SummaryRow = (0, 0, 0, 0, 0, 0, None, 0, 0);
    let mut accuracy = 0.0;
    {
        let mut stmt = tx.prepare_cached(modelops_core::rows::SUMMARY_SQL).unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let status: String = r.get(0).unwrap();
            let tested: Option<bool> = r.get(1).unwrap();
            let n: u32 = r.get(2).unwrap();
            out.0 += n;
            match status.as_str() {
                "development" => out.1 += n,
                "staging" => out.2 += n,
                "production" => {
                    out.3 += n;
                    accuracy += r.get::<_, f64>(3).unwrap();
                }
                _ => out.4 += n,
            }
            if status != "archived" {
                match tested {
                    None => out.8 += n,
                    Some(false) => out.7 += n,
                    Some(true) => {}
                }
            }
        }
    }
    out.6 = (out.3 > 0).then(|| accuracy / f64::from(out.3));
    out.5 = tx
        .prepare_cached("SELECT count(*) FROM ab_tests WHERE status = 'running'")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    out
}

/// Not a floor: the summary as computed before schema 4, with a correlated lookup of the latest test run for
/// every model (twice) instead of the `cur_test_passed` copy. Kept to show what the copy buys.
fn per_model_lookups_summary(conn: &mut Connection) -> SummaryRow {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .unwrap();
    let (total, d, s, p, a) = tx
        .prepare_cached(
            "SELECT count(*),
                        coalesce(sum(status = 'development'), 0), coalesce(sum(status = 'staging'), 0),
                        coalesce(sum(status = 'production'), 0), coalesce(sum(status = 'archived'), 0)
                 FROM models",
        )
        .unwrap()
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap();
    let one = |sql: &str| -> u32 {
        tx.prepare_cached(sql)
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap()
    };
    let running = one("SELECT count(*) FROM ab_tests WHERE status = 'running'");
    let avg: Option<f64> = tx
        .prepare_cached(
            "SELECT avg(v.accuracy) FROM models m JOIN model_versions v ON v.id = m.current_version_id
                 WHERE m.status = 'production'",
        )
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    let failing = one(
        "SELECT count(*) FROM models m
                 JOIN test_runs t ON t.id = (SELECT max(id) FROM test_runs WHERE version_id = m.current_version_id)
                 WHERE m.status <> 'archived' AND t.passed < t.total",
    );
    let untested = one(
        "SELECT count(*) FROM models m WHERE m.status <> 'archived'
                 AND NOT EXISTS (SELECT 1 FROM test_runs t WHERE t.version_id = m.current_version_id)",
    );
    (total, d, s, p, a, running, avg, failing, untested)
}

// ----- export -----

/// Floor of `write_csv(out, None)`: the same SELECT, each field written with the csv crate straight from
/// SQLite's buffer (no owned strings, no model struct). Timestamps, stored as `YYYY-MM-DD HH:MM:SS.f+00:00`
/// in UTC, are cut to the export's `YYYY-MM-DDTHH:MM:SSZ` rather than parsed; the checks assert identical bytes.
fn floor_csv<W: std::io::Write>(conn: &mut Connection, out: W) -> u32 {
    use std::fmt::Write as _;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .unwrap();
    let mut stmt = tx
        .prepare_cached(&format!("{MODEL_SELECT} WHERE 1 ORDER BY m.rowid"))
        .unwrap();
    let mut w = csv::Writer::from_writer(out);
    w.write_record(modelops_core::export::CSV_HEADER).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut buf = String::new();
    let mut count = 0u32;
    fn text(v: ValueRef<'_>) -> &[u8] {
        match v {
            ValueRef::Text(t) => t,
            ValueRef::Null => b"",
            other => panic!("text expected, got {other:?}"),
        }
    }
    while let Some(r) = rows.next().unwrap() {
        let real = |i: usize, buf: &mut String| {
            buf.clear();
            write!(buf, "{}", r.get_ref(i).unwrap().as_f64().unwrap()).unwrap();
        };
        let ts = |i: usize, buf: &mut String| {
            buf.clear();
            if let ValueRef::Text(t) = r.get_ref(i).unwrap() {
                let t = std::str::from_utf8(&t[..19]).unwrap();
                buf.push_str(&t[..10]);
                buf.push('T');
                buf.push_str(&t[11..]);
                buf.push('Z');
            }
        };
        w.write_field(text(r.get_ref(0).unwrap())).unwrap(); // id
        w.write_field(text(r.get_ref(1).unwrap())).unwrap(); // name
        w.write_field(text(r.get_ref(2).unwrap())).unwrap(); // version
        w.write_field(text(r.get_ref(3).unwrap())).unwrap(); // status
        for i in 4..8 {
            real(i, &mut buf);
            w.write_field(&buf).unwrap();
        }
        w.write_field(text(r.get_ref(8).unwrap())).unwrap(); // framework
        let size: i64 = r.get(9).unwrap();
        w.write_field(format_size(size)).unwrap();
        buf.clear();
        write!(buf, "{size}").unwrap();
        w.write_field(&buf).unwrap();
        for i in 10..12 {
            real(i, &mut buf);
            w.write_field(&buf).unwrap();
        }
        for i in 12..14 {
            ts(i, &mut buf);
            w.write_field(&buf).unwrap();
        }
        w.write_field(text(r.get_ref(14).unwrap())).unwrap(); // previous version
        buf.clear();
        if let (ValueRef::Integer(p), ValueRef::Integer(t)) =
            (r.get_ref(15).unwrap(), r.get_ref(16).unwrap())
        {
            write!(buf, "{p}/{t}").unwrap();
        }
        w.write_field(&buf).unwrap();
        let demo: bool = r.get(17).unwrap();
        w.write_field(if demo { "yes" } else { "no" }).unwrap();
        w.write_record(None::<&[u8]>).unwrap();
        count += 1;
    }
    w.flush().unwrap();
    count
}

// ----- lifecycle -----

/// Floor of `run_tests`: the same statements in one IMMEDIATE transaction committed with synchronous=FULL:
/// read the state, the version's metrics and the thresholds; insert the run and its 5 checks; set
/// last_tested_at; insert the event; read the run back.
/// (metric, comparator, observed, threshold, passed) of one check.
type CheckRow = (String, String, f64, f64, bool);

fn floor_run_tests(conn: &mut Connection, model_id: &str) -> (i64, u32, Vec<CheckRow>) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let now = Utc::now();
    let (status, version_id, version, _seq): (String, i64, String, i64) = tx
        .prepare_cached(
            "SELECT m.status, v.id, v.version, v.seq FROM models m
             JOIN model_versions v ON v.id = m.current_version_id WHERE m.id = ?1",
        )
        .unwrap()
        .query_row([model_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_ne!(status, "archived");
    let obs: [f64; 5] = tx
        .prepare_cached(
            "SELECT accuracy, latency_ms, error_rate, uptime_pct, ai_confidence
                 FROM model_versions WHERE id = ?1",
        )
        .unwrap()
        .query_row([version_id], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })
        .unwrap();
    let thr: [f64; 5] = tx
        .prepare_cached(
            "SELECT min_accuracy, max_latency_ms, max_error_rate, min_uptime_pct, min_ai_confidence
         FROM models WHERE id = ?1",
        )
        .unwrap()
        .query_row([model_id], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })
        .unwrap();
    let specs = [
        ("accuracy", ">=", obs[0], thr[0]),
        ("latency", "<=", obs[1], thr[1]),
        ("errorRate", "<=", obs[2], thr[2]),
        ("uptime", ">=", obs[3], thr[3]),
        ("aiConfidence", ">=", obs[4], thr[4]),
    ];
    let ok = |c: &str, o: f64, t: f64| if c == ">=" { o >= t } else { o <= t };
    let passed = specs.iter().filter(|s| ok(s.1, s.2, s.3)).count() as u32;
    let total = specs.len() as u32;
    tx.prepare_cached(
        "INSERT INTO test_runs (model_id, version_id, run_at, passed, total) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .unwrap()
    .execute(params![model_id, version_id, now, passed, total])
    .unwrap();
    let run_id = tx.last_insert_rowid();
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO test_checks (run_id, position, metric, comparator, observed, threshold, passed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .unwrap();
        for (i, s) in specs.iter().enumerate() {
            stmt.execute(params![
                run_id,
                i as i64,
                s.0,
                s.1,
                s.2,
                s.3,
                ok(s.1, s.2, s.3)
            ])
            .unwrap();
        }
    }
    tx.prepare_cached("UPDATE models SET last_tested_at = ?1 WHERE id = ?2")
        .unwrap()
        .execute(params![now, model_id])
        .unwrap();
    let detail = format!("{passed}/{total} checks passed");
    insert_event(
        &tx,
        now,
        model_id,
        "tested",
        None,
        None,
        None,
        Some(&version),
        Some(&detail),
    );
    let (_m, _v, _at, p, t): (String, String, String, u32, u32) = tx
        .prepare_cached(
            "SELECT t.model_id, v.version, t.run_at, t.passed, t.total
             FROM test_runs t JOIN model_versions v ON v.id = t.version_id WHERE t.id = ?1",
        )
        .unwrap()
        .query_row([run_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    assert!(p <= t);
    let checks = tx
        .prepare_cached(
            "SELECT metric, comparator, observed, threshold, passed FROM test_checks
         WHERE run_id = ?1 ORDER BY position",
        )
        .unwrap()
        .query_map([run_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    tx.commit().unwrap();
    (run_id, passed, checks)
}

#[allow(clippy::too_many_arguments)]
fn insert_event(
    conn: &Connection,
    at: chrono::DateTime<Utc>,
    model_id: &str,
    action: &str,
    from_status: Option<&str>,
    to_status: Option<&str>,
    from_version: Option<&str>,
    to_version: Option<&str>,
    detail: Option<&str>,
) {
    conn.prepare_cached(
        "INSERT INTO events (at, model_id, action, from_status, to_status, from_version, to_version, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .unwrap()
    .execute(params![at, model_id, action, from_status, to_status, from_version, to_version, detail])
    .unwrap();
}

fn load_state(conn: &Connection, model_id: &str) -> (String, i64, String, i64) {
    conn.prepare_cached(
        "SELECT m.status, v.id, v.version, v.seq FROM models m
             JOIN model_versions v ON v.id = m.current_version_id WHERE m.id = ?1",
    )
    .unwrap()
    .query_row([model_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
}

fn load_model_row(conn: &Connection, model_id: &str) -> Row18 {
    conn.prepare_cached(&format!("{MODEL_SELECT} WHERE m.id = ?1"))
        .unwrap()
        .query_row([model_id], row18)
        .unwrap()
}

/// Floor of `promote`: the same statements in one IMMEDIATE transaction, committed with synchronous=FULL:
/// read the state, update status and deployed_at, insert the event, read the model back.
fn floor_promote(conn: &mut Connection, model_id: &str) -> Row18 {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let now = Utc::now();
    let (status, _vid, version, _seq) = load_state(&tx, model_id);
    assert_eq!(status, "development");
    tx.prepare_cached(
        "UPDATE models SET status = ?1, deployed_at = CASE WHEN ?2 THEN ?3 ELSE deployed_at END
                 WHERE id = ?4",
    )
    .unwrap()
    .execute(params!["staging", true, now, model_id])
    .unwrap();
    insert_event(
        &tx,
        now,
        model_id,
        "promoted",
        Some("development"),
        Some("staging"),
        Some(&version),
        Some(&version),
        None,
    );
    let row = load_model_row(&tx, model_id);
    tx.commit().unwrap();
    row
}

/// The bare write of a promotion: UPDATE the model and INSERT the event in one IMMEDIATE transaction,
/// committed with synchronous=FULL. No reads.
fn bare_promote(conn: &mut Connection, model_id: &str, version: &str) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let now = Utc::now();
    tx.prepare_cached("UPDATE models SET status = 'staging', deployed_at = ?1 WHERE id = ?2")
        .unwrap()
        .execute(params![now, model_id])
        .unwrap();
    insert_event(
        &tx,
        now,
        model_id,
        "promoted",
        Some("development"),
        Some("staging"),
        Some(version),
        Some(version),
        None,
    );
    tx.commit().unwrap();
}

/// Floor of `rollback`: the same statements in one IMMEDIATE transaction, committed with synchronous=FULL:
/// read the state and the previous version, re-point the model (the trigger copies the version's metrics
/// and every sort index is updated), insert the event, read the model back.
fn floor_rollback(conn: &mut Connection, model_id: &str) -> Row18 {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let now = Utc::now();
    let (status, _vid, version, _seq) = load_state(&tx, model_id);
    assert_ne!(status, "archived");
    // The default target, as the core picks it: the latest version deployed to this environment that is not
    // the current one (the benchmark uses a deployed model).
    let (prev_id, prev_version): (i64, String) = tx
        .prepare_cached(
            "SELECT v.id, v.version FROM deployments d
               JOIN model_versions v ON v.model_id = d.model_id AND v.version = d.version
              WHERE d.model_id = ?1 AND d.status = ?2 AND d.version <> ?3
              ORDER BY d.last_event_id DESC LIMIT 1",
        )
        .unwrap()
        .query_row(params![model_id, status, version], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    tx.prepare_cached(
        "UPDATE models SET current_version_id = ?1,
                     deployed_at = CASE WHEN status IN ('staging', 'production') THEN ?2 ELSE deployed_at END
                 WHERE id = ?3",
    )
    .unwrap()
    .execute(params![prev_id, now, model_id])
    .unwrap();
    insert_event(
        &tx,
        now,
        model_id,
        "rolled_back",
        Some(&status),
        Some(&status),
        Some(&version),
        Some(&prev_version),
        None,
    );
    let row = load_model_row(&tx, model_id);
    tx.commit().unwrap();
    row
}

// ----- query plans -----

/// Writes the plans (EXPLAIN QUERY PLAN, with the bundled SQLite) of the statements measured here to
/// `target/bench-data/query-plans-N.txt`, to explain the figures.
fn dump_plans(conn: &Connection, n: u32) {
    use std::fmt::Write as _;
    let filter = "1 AND m.name LIKE ? ESCAPE '\\' AND m.status_rank IN (?) AND m.framework = ?";
    let fparams = vec![
        Value::Text("%fraud%".into()),
        Value::Integer(2),
        Value::Text("PyTorch".into()),
    ];
    let mut stmts: Vec<(String, String, Vec<Value>)> = vec![(
        "page count, no filter".into(),
        "SELECT count(*) FROM models m WHERE 1".into(),
        vec![],
    )];
    for key in SortKey::ALL {
        let sql = PageSql::new("1", vec![], key, n / 2);
        stmts.push((format!("page rowids by {key:?}"), sql.ids, vec![]));
    }
    let sql = PageSql::new(filter, fparams.clone(), SortKey::Accuracy, 0);
    stmts.push(("filtered count".into(), sql.count.clone(), fparams.clone()));
    stmts.push((
        "filtered page rowids by Accuracy".into(),
        sql.ids.clone(),
        fparams.clone(),
    ));
    stmts.push((
        "page row by rowid".into(),
        sql.by_rowid.clone(),
        vec![Value::Integer(1)],
    ));
    stmts.push((
        "one SELECT by Accuracy, offset N/2".into(),
        PageSql::new("1", vec![], SortKey::Accuracy, n / 2).one_select,
        vec![],
    ));
    stmts.push((
        "export".into(),
        format!("{MODEL_SELECT} WHERE 1 ORDER BY m.rowid"),
        vec![],
    ));
    let mut out = format!("SQLite {}, {n} models\n", rusqlite::version());
    for (what, sql, params) in stmts {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let lines = stmt
            .query_map(params_from_iter(params.iter()), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        writeln!(out, "\n{what}:\n  {}", lines.join("\n  ")).unwrap();
    }
    let path = target_dir().join(format!("bench-data/query-plans-{n}.txt"));
    std::fs::write(&path, out).unwrap();
    eprintln!("query plans: {}", path.display());
}

// ----- the benchmarks -----

fn bench_reads(c: &mut Criterion, n: u32, path: &Path) {
    let reg = Registry::open(path).expect("open registry");
    let mut conn = open_floor(path);
    dump_plans(&conn, n);
    let deep = n / 2;

    // 1. A sorted page of 100 rows, by each key, at offset 0 and N/2.
    let mut g = c.benchmark_group(format!("n{n}/page_sorted"));
    // 13 keys x 2 offsets x 2 sides per size: a shorter measurement keeps the suite under ~12 minutes.
    g.measurement_time(Duration::from_millis(1500));
    for key in SortKey::ALL {
        for offset in [0, deep] {
            let q = query(ModelFilter::default(), key, offset);
            let sql = PageSql::new("1", Vec::new(), key, offset);
            check_page(&reg, &mut conn, &q, &sql);
            let label = format!("{key:?}@{offset}");
            g.bench_function(BenchmarkId::new("core", &label), |b| {
                b.iter(|| black_box(reg.query_models(black_box(&q)).unwrap()))
            });
            g.bench_function(BenchmarkId::new("floor", &label), |b| {
                b.iter(|| black_box(floor_page(&mut conn, black_box(&sql))))
            });
            if key == SortKey::Accuracy {
                g.bench_function(BenchmarkId::new("one_select", &label), |b| {
                    b.iter(|| black_box(one_select_page(&mut conn, black_box(&sql))))
                });
            }
        }
    }
    g.finish();

    // 2. Filter + search: production, PyTorch, "fraud", by accuracy; the first page and the middle one.
    let filter = ModelFilter {
        search: Some("fraud".to_owned()),
        statuses: vec![Status::Production],
        framework: Some("PyTorch".to_owned()),
    };
    let clause = "1 AND m.name LIKE ? ESCAPE '\\' AND m.status_rank IN (?) AND m.framework = ?";
    let fparams = || {
        vec![
            Value::Text("%fraud%".to_owned()),
            Value::Integer(2),
            Value::Text("PyTorch".to_owned()),
        ]
    };
    let matches = reg
        .query_models(&query(filter.clone(), SortKey::Accuracy, 0))
        .unwrap()
        .total;
    eprintln!("n{n}: the filtered view has {matches} models");
    let mut g = c.benchmark_group(format!("n{n}/page_filtered"));
    for offset in [0, matches / 2] {
        let q = query(filter.clone(), SortKey::Accuracy, offset);
        let sql = PageSql::new(clause, fparams(), SortKey::Accuracy, offset);
        check_page(&reg, &mut conn, &q, &sql);
        let label = format!("Accuracy@{offset}");
        g.bench_function(BenchmarkId::new("core", &label), |b| {
            b.iter(|| black_box(reg.query_models(black_box(&q)).unwrap()))
        });
        g.bench_function(BenchmarkId::new("floor", &label), |b| {
            b.iter(|| black_box(floor_page(&mut conn, black_box(&sql))))
        });
    }
    // The count alone (every page includes it): how much of a filtered page it is.
    let sql = PageSql::new(clause, fparams(), SortKey::Accuracy, 0);
    g.bench_function(BenchmarkId::new("count_only", "Accuracy@0"), |b| {
        b.iter(|| {
            let n: u32 = conn
                .prepare_cached(&sql.count)
                .unwrap()
                .query_row(params_from_iter(sql.params.iter()), |r| r.get(0))
                .unwrap();
            black_box(n)
        })
    });
    g.finish();

    // 3. Summary cards.
    let s = reg.summary().unwrap();
    let f = floor_summary(&mut conn);
    let old = per_model_lookups_summary(&mut conn);
    assert_eq!((f.0, f.5, f.7, f.8), (old.0, old.5, old.7, old.8));
    assert!((f.6.unwrap_or(0.0) - old.6.unwrap_or(0.0)).abs() < 1e-9);
    assert_eq!(
        (
            s.total,
            s.development,
            s.staging,
            s.production,
            s.archived,
            s.running_ab_tests
        ),
        (f.0, f.1, f.2, f.3, f.4, f.5)
    );
    assert_eq!(
        (s.production_avg_accuracy, s.failing_tests, s.untested),
        (f.6, f.7, f.8)
    );
    let mut g = c.benchmark_group(format!("n{n}/summary"));
    g.bench_function(BenchmarkId::new("core", "all"), |b| {
        b.iter(|| black_box(reg.summary().unwrap()))
    });
    g.bench_function(BenchmarkId::new("floor", "all"), |b| {
        b.iter(|| black_box(floor_summary(&mut conn)))
    });
    g.bench_function(BenchmarkId::new("per_model_lookups", "all"), |b| {
        b.iter(|| black_box(per_model_lookups_summary(&mut conn)))
    });
    g.finish();

    // 5. Full CSV export, every row.
    let mut core_csv = Vec::new();
    let rows = reg.write_csv(&mut core_csv, None).unwrap();
    let mut floor_out = Vec::new();
    let floor_rows = floor_csv(&mut conn, &mut floor_out);
    assert_eq!(rows, n);
    assert_eq!(floor_rows, n);
    assert!(
        core_csv == floor_out,
        "the floor's CSV differs from the core's"
    );
    drop((core_csv, floor_out));
    let mut g = c.benchmark_group(format!("n{n}/export_csv"));
    g.bench_function(BenchmarkId::new("core", "all"), |b| {
        b.iter(|| black_box(reg.write_csv(std::io::sink(), None).unwrap()))
    });
    g.bench_function(BenchmarkId::new("floor", "all"), |b| {
        b.iter(|| black_box(floor_csv(&mut conn, std::io::sink())))
    });
    g.finish();
}

fn bench_writes(c: &mut Criterion, n: u32, base: &Path) {
    let path = write_copy(n, base);
    let reg = Registry::open(&path).expect("open registry copy");
    let mut conn = open_floor(&path);
    // Puts models back between timed iterations (untimed), through a third connection, also FULL.
    let mut reset = open_floor(&path);
    let pick = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let tested =
        pick("SELECT id FROM models WHERE status <> 'archived' ORDER BY rowid LIMIT 1 OFFSET 100");
    let promoted = pick(
        "SELECT id FROM models WHERE status = 'development' ORDER BY rowid LIMIT 1 OFFSET 200",
    );
    let rolled = pick(
        "SELECT m.id FROM models m JOIN model_versions v ON v.id = m.current_version_id
         WHERE m.status IN ('staging', 'production') AND v.seq >= 2
           AND v.seq = (SELECT max(seq) FROM model_versions WHERE model_id = m.id)
         ORDER BY m.rowid LIMIT 1 OFFSET 300",
    );
    let promoted_version = load_state(&conn, &promoted).2;
    // Bring the WAL to its steady size first (commits then overwrite it rather than grow the file, as in a
    // long-running app), so that neither side of the first pair pays for growing it.
    let primer =
        pick("SELECT id FROM models WHERE status <> 'archived' ORDER BY rowid LIMIT 1 OFFSET 400");
    for _ in 0..300 {
        floor_run_tests(&mut conn, &primer);
    }

    // 4a. Run tests: a run, 5 checks, last_tested_at, an event. Repeatable as it is.
    let core_run = reg.run_tests(&tested).unwrap();
    let (_, passed, checks) = floor_run_tests(&mut conn, &tested);
    assert_eq!(core_run.passed, passed);
    assert_eq!(core_run.checks.len(), checks.len());
    let mut g = c.benchmark_group(format!("n{n}/run_tests"));
    g.bench_function(BenchmarkId::new("core", "durable"), |b| {
        b.iter(|| black_box(reg.run_tests(&tested).unwrap()))
    });
    g.bench_function(BenchmarkId::new("floor", "durable"), |b| {
        b.iter(|| black_box(floor_run_tests(&mut conn, &tested)))
    });
    g.finish();

    // 4b. Promote development -> staging; the model is set back to development before each iteration.
    let to_dev = |reset: &mut Connection| {
        reset
            .prepare_cached("UPDATE models SET status = 'development' WHERE id = ?1")
            .unwrap()
            .execute([&promoted])
            .unwrap();
    };
    to_dev(&mut reset);
    let core_model = reg.promote(&promoted).unwrap().model;
    to_dev(&mut reset);
    let floor_model = floor_promote(&mut conn, &promoted);
    assert_eq!(
        (core_model.id.as_str(), core_model.status.as_str()),
        (floor_model.0.as_str(), floor_model.3.as_str())
    );
    let mut g = c.benchmark_group(format!("n{n}/promote"));
    g.bench_function(BenchmarkId::new("core", "durable"), |b| {
        b.iter_batched(
            || to_dev(&mut reset),
            |()| black_box(reg.promote(&promoted).unwrap()),
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("floor", "durable"), |b| {
        b.iter_batched(
            || to_dev(&mut reset),
            |()| black_box(floor_promote(&mut conn, &promoted)),
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("bare_update", "durable"), |b| {
        b.iter_batched(
            || to_dev(&mut reset),
            |()| bare_promote(&mut conn, &promoted, &promoted_version),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // 4c. Rollback to the previous version; the latest version is made current again before each iteration.
    let to_latest = |reset: &mut Connection| {
        reset
            .prepare_cached(
                "UPDATE models SET current_version_id =
                     (SELECT id FROM model_versions WHERE model_id = ?1 ORDER BY seq DESC LIMIT 1)
                 WHERE id = ?1",
            )
            .unwrap()
            .execute([&rolled])
            .unwrap();
    };
    let core_rb = reg.rollback(&rolled).unwrap();
    to_latest(&mut reset);
    let floor_rb = floor_rollback(&mut conn, &rolled);
    assert_eq!(core_rb.model.version, floor_rb.2);
    let mut g = c.benchmark_group(format!("n{n}/rollback"));
    g.bench_function(BenchmarkId::new("core", "durable"), |b| {
        b.iter_batched(
            || to_latest(&mut reset),
            |()| black_box(reg.rollback(&rolled).unwrap()),
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("floor", "durable"), |b| {
        b.iter_batched(
            || to_latest(&mut reset),
            |()| black_box(floor_rollback(&mut conn, &rolled)),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    drop((reg, conn, reset));
    remove_db(&path);
}

fn registry_benches(c: &mut Criterion) {
    for n in sizes() {
        let base = registry_file(n);
        bench_reads(c, n, &base);
        bench_writes(c, n, &base);
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .nresamples(20_000)
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = registry_benches
}
criterion_main!(benches);
