//! CSV export of the models table. Rows stream from SQLite into the csv writer: memory stays flat however
//! large the registry is.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;

use crate::error::{RegistryError, Result};
use crate::registry::{format_size, Registry};
use crate::types::ExportResult;

/// Every column of the table, in the table's order. Numbers are written raw (fractions, not percents) so a
/// spreadsheet computes with them.
pub const CSV_HEADER: [&str; 18] = [
    "id",
    "name",
    "version",
    "status",
    "accuracy",
    "latency_ms",
    "throughput_rps",
    "uptime_pct",
    "framework",
    "size",
    "size_bytes",
    "ai_confidence",
    "error_rate",
    "deployed_at",
    "last_tested_at",
    "previous_version",
    "last_test",
    "demo",
];

pub(crate) fn write_models_csv<W: Write>(conn: &Connection, out: W) -> Result<u32> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let mut stmt = conn.prepare(
        "SELECT m.id, m.name, v.version, m.status, v.accuracy, v.latency_ms, v.throughput_rps, v.uptime_pct,
                m.framework, v.size_bytes, v.ai_confidence, v.error_rate, m.deployed_at, m.last_tested_at,
                (SELECT pv.version FROM model_versions pv
                  WHERE pv.model_id = m.id AND pv.seq < v.seq ORDER BY pv.seq DESC LIMIT 1),
                lt.passed, lt.total, v.is_demo OR m.is_demo
         FROM models m
         JOIN model_versions v ON v.id = m.current_version_id
         LEFT JOIN test_runs lt ON lt.id = (SELECT max(id) FROM test_runs WHERE version_id = v.id)
         ORDER BY m.rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut count = 0u32;
    while let Some(r) = rows.next()? {
        let size_bytes: i64 = r.get(9)?;
        let ts = |i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<chrono::DateTime<chrono::Utc>>>(i)?
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default())
        };
        let last_test = match (r.get::<_, Option<u32>>(15)?, r.get::<_, Option<u32>>(16)?) {
            (Some(p), Some(t)) => format!("{p}/{t}"),
            _ => String::new(),
        };
        w.write_record([
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, f64>(4)?.to_string(),
            r.get::<_, f64>(5)?.to_string(),
            r.get::<_, f64>(6)?.to_string(),
            r.get::<_, f64>(7)?.to_string(),
            r.get::<_, String>(8)?,
            format_size(size_bytes),
            size_bytes.to_string(),
            r.get::<_, f64>(10)?.to_string(),
            r.get::<_, f64>(11)?.to_string(),
            ts(12)?,
            ts(13)?,
            r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            last_test,
            if r.get::<_, bool>(17)? { "yes" } else { "no" }.to_owned(),
        ])?;
        count += 1;
    }
    w.flush()
        .map_err(|e| RegistryError::io("Writing the CSV failed", e))?;
    Ok(count)
}

pub(crate) fn export_to_path(reg: &Registry, path: &Path) -> Result<ExportResult> {
    if !path.is_absolute() {
        return Err(RegistryError::InvalidInput(format!(
            "Export needs an absolute file path; got \"{}\".",
            path.display()
        )));
    }
    if path.is_dir() {
        return Err(RegistryError::InvalidInput(format!(
            "\"{}\" is a folder; choose a file name to export to.",
            path.display()
        )));
    }
    let dir = path.parent().ok_or_else(|| {
        RegistryError::InvalidInput(format!("\"{}\" has no parent folder.", path.display()))
    })?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".modelops-export-")
        .suffix(".csv.tmp")
        .tempfile_in(dir)
        .map_err(|e| RegistryError::io(format!("Can't write to {}", dir.display()), e))?;
    let rows = reg.write_csv(std::io::BufWriter::new(tmp.as_file_mut()))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
    tmp.persist(path)
        .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e.error))?;
    Ok(ExportResult {
        path: path.display().to_string(),
        rows,
    })
}
