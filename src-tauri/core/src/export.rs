//! CSV export of the models table. Rows stream from SQLite into the csv writer: memory stays flat however
//! large the registry is.

use std::io::Write;
use std::path::Path;

use rusqlite::types::ValueRef;

use crate::error::{RegistryError, Result};
use crate::registry::Registry;
use crate::rows::MODEL_SELECT;
use crate::task::{Meter, Task, TaskPhase};
use crate::types::format_size;
use crate::types::{ExportResult, ModelView};

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

/// Writes rows of `registry::MODEL_SELECT` straight from SQLite into the CSV writer, without building a
/// `Model` per row: at 100 000 rows the per-row allocations cost more than the query. Each row is a step of
/// `meter`, so a cancel stops the export within a row.
pub(crate) fn write_models_csv<W: Write>(
    mut rows: rusqlite::Rows<'_>,
    out: W,
    meter: &Meter<'_, '_>,
) -> Result<u32> {
    use std::fmt::Write as _;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let mut buf = String::new();
    let mut count = 0u32;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            match r.get_ref(i)? {
                ValueRef::Text(t) => Ok(std::str::from_utf8(t).unwrap_or("")),
                _ => Ok(""),
            }
        };
        for i in [0, 1, 2, 3] {
            w.write_field(csv_safe(text(i)?).as_ref())?;
        }
        for i in [4, 5, 6, 7] {
            buf.clear();
            let _ = write!(buf, "{}", r.get::<_, f64>(i)?);
            w.write_field(&buf)?;
        }
        w.write_field(csv_safe(text(8)?).as_ref())?;
        let size_bytes: i64 = r.get(9)?;
        // No size: an empty cell (the page's "—" means nothing to a spreadsheet).
        w.write_field(if size_bytes > 0 {
            format_size(size_bytes)
        } else {
            String::new()
        })?;
        buf.clear();
        let _ = write!(buf, "{size_bytes}");
        w.write_field(&buf)?;
        for i in [10, 11] {
            buf.clear();
            let _ = write!(buf, "{}", r.get::<_, f64>(i)?);
            w.write_field(&buf)?;
        }
        for i in [12, 13] {
            w.write_field(rfc3339_seconds(text(i)?))?;
        }
        w.write_field(csv_safe(text(14)?).as_ref())?;
        buf.clear();
        if let (Some(p), Some(t)) = (r.get::<_, Option<u32>>(15)?, r.get::<_, Option<u32>>(16)?) {
            let _ = write!(buf, "{p}/{t}");
        }
        w.write_field(&buf)?;
        w.write_field(if r.get::<_, bool>(17)? { "yes" } else { "no" })?;
        w.write_record(None::<&[u8]>)?;
        count += 1;
        meter.advance(1)?;
    }
    w.flush()
        .map_err(|e| RegistryError::io("Writing the CSV failed", e))?;
    meter.finish()?;
    Ok(count)
}

/// A text cell as a spreadsheet will not run it: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is a formula (or becomes one) in Excel, LibreOffice and Google Sheets, so names, versions and
/// reasons a model's author typed could run on whoever opens the export. Such a cell gets a leading `'`,
/// which the spreadsheets show as text (OWASP's advice for CSV injection). Numbers are written by us and
/// never pass through here.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// "2026-11-27 01:42:35.559231733+00:00" (as stored, always UTC) → "2026-11-27T01:42:35Z".
fn rfc3339_seconds(stored: &str) -> String {
    match stored.get(..19) {
        Some(head) if stored.len() > 19 => format!("{}T{}Z", &head[..10], &head[11..]),
        _ => stored.to_owned(),
    }
}

pub(crate) fn export_to_path(
    reg: &Registry,
    path: &Path,
    view: Option<&ModelView>,
    task: &Task<'_>,
) -> Result<ExportResult> {
    atomic_write(path, task, |out| reg.write_csv_with(out, view, task))
}

/// Writes a file through `write` atomically: into a temporary file beside `path`, synced, then renamed over
/// it, so that a failure never leaves a half-written file. Returns the rows `write` reports. A cancelled
/// `task` is an error like any other: the temporary file is removed and an existing `path` is untouched.
pub(crate) fn atomic_write(
    path: &Path,
    task: &Task<'_>,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> Result<u32>,
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
    let rows = {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        let rows = write(&mut out)?;
        out.flush()
            .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
        rows
    };
    tmp.as_file()
        .sync_all()
        .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e))?;
    // The last moment a cancel can still leave everything as it was; once renamed, the export is done.
    task.check(TaskPhase::Exporting)?;
    tmp.persist(path)
        .map_err(|e| RegistryError::io(format!("Can't write {}", path.display()), e.error))?;
    Ok(ExportResult {
        path: path.display().to_string(),
        rows,
    })
}

impl Registry {
    /// Writes the models of `view` (every model, in registration order, when None) as CSV to `out`,
    /// streaming rows from SQLite: memory stays flat however many there are.
    pub fn write_csv<W: std::io::Write>(&self, out: W, view: Option<&ModelView>) -> Result<u32> {
        self.write_csv_with(out, view, &Task::none())
    }

    /// `write_csv`, reporting rows written out of the view's row count (counted first, in the same
    /// snapshot) and stopping when `task` is cancelled.
    pub fn write_csv_with<W: std::io::Write>(
        &self,
        out: W,
        view: Option<&ModelView>,
        task: &Task<'_>,
    ) -> Result<u32> {
        let (clause, params, order) = match view {
            Some(v) => {
                let f = crate::query::FilterSql::new(&v.filter)?;
                (f.clause, f.params, crate::query::order_by(v.sort, v.dir))
            }
            None => ("1".to_owned(), Vec::new(), "m.rowid".to_owned()),
        };
        self.read(|tx| {
            let total: i64 = tx.query_row(
                &format!("SELECT count(*) FROM models m WHERE {clause}"),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get(0),
            )?;
            let meter = task.start(TaskPhase::Exporting, u64::try_from(total).unwrap_or(0));
            let mut stmt =
                tx.prepare(&format!("{MODEL_SELECT} WHERE {clause} ORDER BY {order}"))?;
            let rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            crate::export::write_models_csv(rows, out, &meter)
        })
    }

    /// Exports to `path` atomically: a temporary file beside it is renamed over the target once complete,
    /// so a failed export never leaves a half-written file.
    pub fn export_csv(&self, path: &Path, view: Option<&ModelView>) -> Result<ExportResult> {
        self.export_csv_with(path, view, &Task::none())
    }

    /// `export_csv` with progress and cancel: a cancelled export removes its temporary file and leaves an
    /// existing file at `path` as it was.
    pub fn export_csv_with(
        &self,
        path: &Path,
        view: Option<&ModelView>,
        task: &Task<'_>,
    ) -> Result<ExportResult> {
        crate::export::export_to_path(self, path, view, task)
    }
}
