//! CSV export of the models table. Rows stream from SQLite into the csv writer: memory stays flat however
//! large the registry is.

use std::io::Write;
use std::path::Path;

use crate::error::{RegistryError, Result};
use crate::registry::Registry;
use crate::types::{ExportResult, Model, ModelView};

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

pub(crate) fn write_models_csv<W: Write>(
    rows: impl Iterator<Item = rusqlite::Result<Model>>,
    out: W,
) -> Result<u32> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let ts = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    let mut count = 0u32;
    for m in rows {
        let m = m?;
        let last_test = m
            .last_test
            .as_ref()
            .map(|t| format!("{}/{}", t.passed, t.total));
        w.write_record([
            m.id,
            m.name,
            m.version,
            m.status.as_str().to_owned(),
            m.accuracy.to_string(),
            m.latency.to_string(),
            m.throughput.to_string(),
            m.uptime.to_string(),
            m.framework,
            m.size,
            m.size_bytes.to_string(),
            m.ai_confidence.to_string(),
            m.error_rate.to_string(),
            ts(m.deployed_at),
            ts(m.last_tested_at),
            m.previous_version.unwrap_or_default(),
            last_test.unwrap_or_default(),
            if m.is_demo { "yes" } else { "no" }.to_owned(),
        ])?;
        count += 1;
    }
    w.flush()
        .map_err(|e| RegistryError::io("Writing the CSV failed", e))?;
    Ok(count)
}

pub(crate) fn export_to_path(
    reg: &Registry,
    path: &Path,
    view: Option<&ModelView>,
) -> Result<ExportResult> {
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
    let rows = reg.write_csv(std::io::BufWriter::new(tmp.as_file_mut()), view)?;
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
