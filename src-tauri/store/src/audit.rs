//! The audit log: every action appends one event, and events form a hash chain.
//!
//! Each event stores `prev_hash` (the hash of the event before it, or `GENESIS`) and
//! `hash = SHA-256(prev_hash ‖ canonical content)`, where the canonical content is a JSON array of the event's
//! id and fields in a fixed order. SQLite triggers refuse UPDATE and DELETE on `events`, and `meta` keeps
//! the chain's head (`audit_head`). `verify` recomputes the chain: an edited event fails its own hash, a
//! deleted or reordered one breaks the link of the next, and a removed tail no longer matches the head.
//!
//! It is tamper-*evident*, not tamper-proof: someone with write access to the file can drop the triggers
//! and rewrite the whole chain and head consistently. Exporting the head elsewhere closes that gap.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::Result;
use modelops_domain::types::{AuditReport, BrokenLink, EventAction, Status};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append; every write records one beside its change.
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    pub model_id: &'a str,
    pub action: EventAction,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub from_version: Option<&'a str>,
    pub to_version: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> NewEvent<'a> {
    /// An event with only the always-present fields set.
    pub fn new(at: DateTime<Utc>, model_id: &'a str, action: EventAction) -> Self {
        NewEvent {
            at,
            model_id,
            action,
            from_status: None,
            to_status: None,
            from_version: None,
            to_version: None,
            detail: None,
            reason: None,
            before: None,
            after: None,
        }
    }
}

/// How timestamps are stored: the same text rusqlite's chrono support writes, so ordering and parsing agree
/// with every other time column, and so that the hash covers exactly the stored text.
pub fn timestamp_text(at: DateTime<Utc>) -> String {
    at.format("%F %T%.f%:z").to_string()
}

/// The fields that the hash covers, as stored.
pub struct StoredEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub model_id: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
    pub detail: Option<String>,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl StoredEvent {
    fn canonical(&self) -> String {
        serde_json::json!([
            self.id,
            self.at,
            self.actor,
            self.model_id,
            self.action,
            self.from_status,
            self.to_status,
            self.from_version,
            self.to_version,
            self.detail,
            self.reason,
            self.before,
            self.after
        ])
        .to_string()
    }

    pub fn hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(self.canonical().as_bytes());
        hex::encode(h.finalize())
    }
}

fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_owned())))
}

/// Appends `e` to the chain. Call inside the write transaction of the change it records.
pub fn append(conn: &Connection, actor: &str, e: &NewEvent<'_>) -> Result<i64> {
    let (last_id, prev_hash) = head(conn)?;
    let stored = StoredEvent {
        id: last_id + 1,
        at: timestamp_text(e.at),
        actor: actor.to_owned(),
        model_id: e.model_id.to_owned(),
        action: e.action.as_str().to_owned(),
        from_status: e.from_status.map(|s| s.as_str().to_owned()),
        to_status: e.to_status.map(|s| s.as_str().to_owned()),
        from_version: e.from_version.map(str::to_owned),
        to_version: e.to_version.map(str::to_owned),
        detail: e.detail.map(str::to_owned),
        reason: e.reason.map(str::to_owned),
        before: e.before.clone(),
        after: e.after.clone(),
    };
    let hash = stored.hash(&prev_hash);
    conn.prepare_cached(
        "INSERT INTO events (id, at, actor, model_id, action, from_status, to_status, from_version,
             to_version, detail, reason, before_json, after_json, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        stored.id,
        stored.at,
        stored.actor,
        stored.model_id,
        stored.action,
        stored.from_status,
        stored.to_status,
        stored.from_version,
        stored.to_version,
        stored.detail,
        stored.reason,
        stored.before,
        stored.after,
        prev_hash,
        hash
    ])?;
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?1)")?
        .execute([format!("{}:{hash}", stored.id)])?;
    Ok(stored.id)
}

pub const STORED_SELECT: &str = "SELECT id, at, actor, model_id, action, from_status, to_status,
    from_version, to_version, detail, reason, before_json, after_json, prev_hash, hash FROM events";

pub fn stored_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredEvent, String, String)> {
    Ok((
        StoredEvent {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            model_id: r.get(3)?,
            action: r.get(4)?,
            from_status: r.get(5)?,
            to_status: r.get(6)?,
            from_version: r.get(7)?,
            to_version: r.get(8)?,
            detail: r.get(9)?,
            reason: r.get(10)?,
            before: r.get(11)?,
            after: r.get(12)?,
        },
        r.get(13)?,
        r.get(14)?,
    ))
}

/// Recomputes the whole chain and reports the first broken link.
pub fn verify(conn: &Connection) -> Result<AuditReport> {
    let mut stmt = conn.prepare(&format!("{STORED_SELECT} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_owned();
    let mut count = 0u32;
    let mut last: Option<(i64, String)> = None;
    while let Some(row) = rows.next()? {
        let (ev, prev_hash, hash) = stored_from_row(row)?;
        count += 1;
        if prev_hash != expected_prev {
            let after = last
                .as_ref()
                .map_or("the start of the log".to_owned(), |(id, _)| {
                    format!("event {id}")
                });
            return Ok(broken(count, ev.id, format!(
                "event {} does not follow {after}: an event before it was removed, or events were reordered",
                ev.id
            )));
        }
        if ev.hash(&prev_hash) != hash {
            return Ok(broken(
                count,
                ev.id,
                format!("event {} was altered after it was recorded", ev.id),
            ));
        }
        expected_prev = hash.clone();
        last = Some((ev.id, hash));
    }
    let recorded: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let actual = last.as_ref().map(|(id, h)| format!("{id}:{h}"));
    if recorded != actual && !(recorded.is_none() && actual.is_none()) {
        let id = last.as_ref().map_or(0, |(id, _)| *id);
        return Ok(broken(
            count,
            id,
            format!(
                "the log ends at {} but the registry recorded {}: events at the end were removed",
                actual.as_deref().unwrap_or("no event"),
                recorded.as_deref().unwrap_or("no head")
            ),
        ));
    }
    Ok(AuditReport {
        events: count,
        ok: true,
        first_broken: None,
        head: actual,
    })
}

fn broken(count: u32, event_id: i64, problem: String) -> AuditReport {
    AuditReport {
        events: count,
        ok: false,
        first_broken: Some(BrokenLink { event_id, problem }),
        head: None,
    }
}

/// Part of migration 3: chains the events recorded before the audit log existed, then makes `events`
/// append-only.
pub fn backfill_chain(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let events: Vec<StoredEvent> = {
        let mut stmt = tx.prepare(&format!("{STORED_SELECT} ORDER BY id"))?;
        let rows = stmt.query_map([], |r| stored_from_row(r).map(|(e, _, _)| e))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut prev = GENESIS.to_owned();
    let mut update =
        tx.prepare("UPDATE events SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE id = ?4")?;
    for mut e in events {
        if e.actor.is_empty() {
            e.actor = "unknown (recorded before the audit log)".to_owned();
        }
        let hash = e.hash(&prev);
        update.execute(params![e.actor, prev, hash, e.id])?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?1)",
            [format!("{}:{hash}", e.id)],
        )?;
        prev = hash;
    }
    tx.execute_batch(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    )?;
    Ok(())
}
