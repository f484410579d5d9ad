//! Reading the audit log: the timeline view, "which version was in production at T", verification of the
//! hash chain, and CSV export.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;

use crate::error::{RegistryError, Result};
use crate::registry::{Registry, MAX_PAGE};
use crate::rows::{event_from_row, parse_status, EVENT_SELECT};
use crate::task::{Task, TaskPhase};
use crate::types::*;

/// The audit log's CSV columns.
pub const AUDIT_CSV_HEADER: [&str; 16] = [
    "id",
    "at",
    "actor",
    "model_id",
    "model_name",
    "action",
    "from_status",
    "to_status",
    "from_version",
    "to_version",
    "detail",
    "reason",
    "before",
    "after",
    "prev_hash",
    "hash",
];

impl Registry {
    /// Every event after `after_id`, oldest first: the audit log as it was appended, for checks that match
    /// a writer's acknowledged actions against it.
    pub fn audit_events_after(&self, after_id: i64) -> Result<Vec<Event>> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare_cached(&format!("{EVENT_SELECT} WHERE e.id > ?1 ORDER BY e.id"))?;
            let rows = stmt.query_map([after_id], event_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Events filtered by model, actions and time range, newest first, one window at a time.
    pub fn timeline(&self, q: &TimelineQuery) -> Result<TimelinePage> {
        if !(1..=MAX_PAGE).contains(&q.limit) {
            return Err(RegistryError::InvalidInput(format!(
                "A page holds 1 to {MAX_PAGE} events; {} were asked for.",
                q.limit
            )));
        }
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if from > to {
                return Err(RegistryError::InvalidInput(
                    "The range starts after it ends.".into(),
                ));
            }
        }
        let mut clause = String::from("1");
        let mut params: Vec<Value> = Vec::new();
        if let Some(m) = q.model_id.as_deref().filter(|m| !m.is_empty()) {
            clause.push_str(" AND e.model_id = ?");
            params.push(Value::Text(m.to_owned()));
        }
        if !q.actions.is_empty() {
            clause.push_str(&format!(
                " AND e.action IN ({})",
                vec!["?"; q.actions.len()].join(", ")
            ));
            params.extend(q.actions.iter().map(|a| Value::Text(a.as_str().to_owned())));
        }
        if let Some(from) = q.from {
            clause.push_str(" AND e.at >= ?");
            params.push(Value::Text(crate::audit::timestamp_text(from)));
        }
        if let Some(to) = q.to {
            clause.push_str(" AND e.at <= ?");
            params.push(Value::Text(crate::audit::timestamp_text(to)));
        }
        self.read(|tx| {
            if let Some(m) = q.model_id.as_deref().filter(|m| !m.is_empty()) {
                crate::rows::load_state(tx, m)?;
            }
            let total: u32 = tx
                .prepare_cached(&format!("SELECT count(*) FROM events e WHERE {clause}"))?
                .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
            // The log outlives removed models (the demo data): their events show the id for a name, and a
            // registry-wide event an empty one.
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT ev.*, coalesce(mm.name, ev.model_id)
                 FROM ({EVENT_SELECT} WHERE {clause} ORDER BY e.at DESC, e.id DESC LIMIT {} OFFSET {}) ev
                 LEFT JOIN (SELECT id AS mid, name FROM models) mm ON mm.mid = ev.model_id",
                q.limit, q.offset
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok(TimelineEvent { event: event_from_row(r)?, model_name: r.get(14)? })
            })?;
            let mut events = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            events.sort_by(|a, b| b.event.at.cmp(&a.event.at).then(b.event.id.cmp(&a.event.id)));
            Ok(TimelinePage { events, offset: q.offset, total })
        })
    }

    /// Which version of `model_id` was in production at `at`, replayed from the audit log: a deployment to
    /// production or a rollback while in production sets it; leaving production (archive, or a new version
    /// registered, which returns the model to development) clears it.
    pub fn production_at(&self, model_id: &str, at: DateTime<Utc>) -> Result<ProductionAt> {
        self.read(|tx| {
            crate::rows::load_state(tx, model_id)?;
            let mut stmt = tx.prepare_cached(
                "SELECT at, from_status, to_status, to_version FROM events WHERE model_id = ?1 ORDER BY at, id",
            )?;
            let mut rows = stmt.query([model_id])?;
            let mut current: Option<(String, DateTime<Utc>)> = None;
            let mut until = None;
            while let Some(r) = rows.next()? {
                let when: DateTime<Utc> = r.get(0)?;
                let from = r.get::<_, Option<String>>(1)?.map(|s| parse_status(1, &s)).transpose()?;
                let to = r.get::<_, Option<String>>(2)?.map(|s| parse_status(2, &s)).transpose()?;
                let version: Option<String> = r.get(3)?;
                let enters = to == Some(Status::Production) && version.is_some();
                let leaves = from == Some(Status::Production) && to.is_some_and(|t| t != Status::Production);
                if when > at {
                    if current.is_some() && (enters || leaves) {
                        until = Some(when);
                        break;
                    }
                    continue;
                }
                if enters {
                    if let Some(v) = version {
                        if current.as_ref().map(|(cv, _)| cv != &v).unwrap_or(true) {
                            current = Some((v, when));
                        }
                    }
                } else if leaves {
                    current = None;
                }
            }
            Ok(ProductionAt {
                model_id: model_id.to_owned(),
                at,
                since: current.as_ref().map(|(_, s)| *s),
                version: current.map(|(v, _)| v),
                until,
            })
        })
    }

    /// Recomputes the audit log's hash chain.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        self.read(|tx| crate::audit::verify(tx))
    }

    /// Streams the whole audit log, oldest first, as CSV.
    pub fn write_audit_csv<W: Write>(&self, out: W) -> Result<u32> {
        self.write_audit_csv_with(out, &Task::none())
    }

    /// `write_audit_csv`, reporting events written and stopping when `task` is cancelled.
    pub fn write_audit_csv_with<W: Write>(&self, out: W, task: &Task<'_>) -> Result<u32> {
        self.read(|tx| {
            let total: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
            let meter = task.start(TaskPhase::Exporting, u64::try_from(total).unwrap_or(0));
            let mut w = csv::Writer::from_writer(out);
            w.write_record(AUDIT_CSV_HEADER)?;
            let mut stmt = tx.prepare(
                "SELECT e.id, e.at, e.actor, e.model_id, coalesce(m.name, ''), e.action, e.from_status,
                        e.to_status, e.from_version, e.to_version, e.detail, e.reason, e.before_json,
                        e.after_json, e.prev_hash, e.hash
                 FROM events e LEFT JOIN models m ON m.id = e.model_id ORDER BY e.id",
            )?;
            let mut rows = stmt.query([])?;
            let mut n = 0u32;
            while let Some(r) = rows.next()? {
                let at: DateTime<Utc> = r.get(1)?;
                let mut rec = vec![r.get::<_, i64>(0)?.to_string(), at.to_rfc3339()];
                for i in 2..16 {
                    let cell = r.get::<_, Option<String>>(i)?.unwrap_or_default();
                    rec.push(crate::export::csv_safe(&cell).into_owned());
                }
                w.write_record(&rec)?;
                n += 1;
                meter.advance(1)?;
            }
            w.flush().map_err(|e| RegistryError::io("Writing the CSV failed", e))?;
            meter.finish()?;
            Ok(n)
        })
    }

    /// Exports the audit log to `path` atomically (see `export_csv`).
    pub fn export_audit_csv(&self, path: &Path) -> Result<ExportResult> {
        self.export_audit_csv_with(path, &Task::none())
    }

    /// `export_audit_csv` with progress and cancel (see `export_csv_with`).
    pub fn export_audit_csv_with(&self, path: &Path, task: &Task<'_>) -> Result<ExportResult> {
        crate::export::atomic_write(path, task, |file| self.write_audit_csv_with(file, task))
    }
}
