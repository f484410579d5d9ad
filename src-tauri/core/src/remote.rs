//! The registry's side of syncing with a team's MLflow server (docs/adr/0019-mlflow-sync.md): the server's
//! settings, which models are shared, the outbox of changes waiting to be pushed, conflicts, and applying
//! what a pull read. No HTTP here: `modelops-sync` talks to the server and calls these.
//!
//! The outbox is filled by a trigger (schema 10) in the transaction of every change to a shared model, so
//! no operation can forget it; a pull's changes are recorded as `synced` events, which the trigger skips.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::{RegistryError, Result};
use crate::metrics::{record_version_metrics, Recorded};
use crate::registry::{clean_text, Registry};
use crate::rows::*;
use crate::types::*;
pub use modelops_domain::remote::*;

const KEY_URL: &str = "remote.url";
const KEY_AUTH: &str = "remote.auth";
const KEY_USERNAME: &str = "remote.username";
const KEY_SECRET_ENV: &str = "remote.secret_env";
const KEY_PRODUCTION: &str = "remote.production_alias";
const KEY_STAGING: &str = "remote.staging_alias";
const KEY_LAST_SYNC: &str = "remote.last_sync";
/// Why the last sync failed, until one succeeds: a failed pull leaves no trace in the outbox, and the
/// header must not keep saying "Synced 5 min ago" while the server is down.
const KEY_LAST_FAILURE: &str = "remote.last_failure";
const ALL_KEYS: [&str; 8] = [
    KEY_URL,
    KEY_AUTH,
    KEY_USERNAME,
    KEY_SECRET_ENV,
    KEY_PRODUCTION,
    KEY_STAGING,
    KEY_LAST_SYNC,
    KEY_LAST_FAILURE,
];

/// What the server showed for a model at the last pull or push.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteBase {
    pub production: Option<String>,
    pub staging: Option<String>,
    pub archived: bool,
}

/// One waiting change, as the push needs it.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub model_id: String,
    pub mlflow_name: String,
    /// None: share the whole model as it is now.
    pub event: Option<Event>,
}

/// A local version as the push sends it.
#[derive(Debug, Clone)]
pub struct PushVersion {
    pub version_id: i64,
    pub version: String,
    pub metrics: Option<Metrics>,
    pub framework: String,
    pub size_bytes: i64,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Its MLflow version number, when the server has it.
    pub mlflow_version: Option<String>,
}

/// The state a share pushes: the model's status at its current version.
#[derive(Debug, Clone)]
pub struct PushModel {
    pub name: String,
    pub status: Status,
    pub version: String,
    pub base: RemoteBase,
    pub versions: Vec<PushVersion>,
}

/// What applying a pull did.
#[derive(Debug, Clone, Default)]
pub struct PullApplied {
    pub new_models: u32,
    pub new_versions: u32,
    pub changes_applied: u32,
    pub conflicts: Vec<SyncConflict>,
    pub skipped: Vec<String>,
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, v])?,
        None => conn
            .prepare_cached("DELETE FROM settings WHERE key = ?1")?
            .execute([key])?,
    };
    Ok(())
}

fn load_settings(conn: &Connection) -> Result<Option<RemoteSettings>> {
    let Some(url) = setting(conn, KEY_URL)? else {
        return Ok(None);
    };
    let auth = setting(conn, KEY_AUTH)?
        .and_then(|a| AuthKind::parse(&a))
        .unwrap_or(AuthKind::None);
    Ok(Some(RemoteSettings {
        url,
        auth,
        username: setting(conn, KEY_USERNAME)?,
        secret_env: setting(conn, KEY_SECRET_ENV)?,
        production_alias: setting(conn, KEY_PRODUCTION)?
            .unwrap_or_else(|| DEFAULT_PRODUCTION_ALIAS.to_owned()),
        staging_alias: setting(conn, KEY_STAGING)?
            .unwrap_or_else(|| DEFAULT_STAGING_ALIAS.to_owned()),
    }))
}

fn configured(conn: &Connection) -> Result<RemoteSettings> {
    load_settings(conn)?.ok_or(RegistryError::RemoteNotConfigured)
}

/// A tracking URI as stored: http(s), no trailing slash, no credentials in it.
pub fn normalize_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            RegistryError::InvalidInput(format!(
                "\"{url}\" is not a tracking URI: it must start with http:// or https://."
            ))
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(RegistryError::InvalidInput(format!(
            "\"{url}\" has no server name."
        )));
    }
    if host.contains('@') {
        return Err(RegistryError::InvalidInput(
            "Put the username in its own field and the password in the keyring or an environment \
             variable, not in the address."
                .to_owned(),
        ));
    }
    Ok(url.to_owned())
}

fn check_alias(alias: &str, what: &str) -> Result<String> {
    let alias = alias.trim();
    let ok = !alias.is_empty()
        && alias.len() <= 255
        && alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // MLflow reserves `latest` and version-like aliases (`v1`).
    let reserved = alias.eq_ignore_ascii_case("latest")
        || (alias.len() > 1
            && alias.starts_with(['v', 'V'])
            && alias[1..].chars().all(|c| c.is_ascii_digit()));
    if !ok || reserved {
        return Err(RegistryError::InvalidInput(format!(
            "\"{alias}\" can't be the {what} alias: use letters, digits, '-' and '_' (not \"latest\" or v<N>)."
        )));
    }
    Ok(alias.to_owned())
}

fn count_waiting(conn: &Connection, server: &str) -> Result<u32> {
    Ok(conn.prepare_cached("SELECT count(*) FROM outbox o JOIN remote_models r ON r.model_id = o.model_id WHERE r.server = ?1")?
        .query_row(
        [server],
        |r| r.get(0),
    )?)
}

fn load_conflicts(conn: &Connection, server: &str) -> Result<Vec<SyncConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conflict FROM remote_models WHERE server = ?1 AND conflict IS NOT NULL ORDER BY mlflow_name",
    )?;
    let rows = stmt.query_map([server], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        let text = text?;
        out.push(serde_json::from_str(&text).map_err(|e| {
            RegistryError::Internal(format!("A stored sync conflict is unreadable: {e}"))
        })?);
    }
    Ok(out)
}

fn base_of(conn: &Connection, model_id: &str) -> Result<Option<(String, String, RemoteBase)>> {
    Ok(conn
        .query_row(
            "SELECT server, mlflow_name, base_production, base_staging, base_archived
             FROM remote_models WHERE model_id = ?1",
            [model_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    RemoteBase {
                        production: r.get(2)?,
                        staging: r.get(3)?,
                        archived: r.get(4)?,
                    },
                ))
            },
        )
        .optional()?)
}

fn set_base(
    conn: &Connection,
    model_id: &str,
    base: &RemoteBase,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached("UPDATE remote_models SET base_production = ?1, base_staging = ?2, base_archived = ?3, synced_at = ?4
         WHERE model_id = ?5")?
        .execute(
        params![base.production, base.staging, base.archived, now, model_id],
    )?;
    Ok(())
}

/// MLflow version number → local version (and back) of one model.
fn version_map(conn: &Connection, model_id: &str) -> Result<Vec<(i64, String, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.version, rv.mlflow_version FROM model_versions v
         LEFT JOIN remote_versions rv ON rv.version_id = v.id
         WHERE v.model_id = ?1 ORDER BY v.seq",
    )?;
    let rows = stmt.query_map([model_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn status_words(status: Status, version: &str) -> String {
    format!("{} at {version}", status.as_str())
}

impl Registry {
    pub fn remote_settings(&self) -> Result<Option<RemoteSettings>> {
        self.read(|tx| load_settings(tx))
    }

    /// Sets the team server. Models already linked to another address stay linked to it (and are not
    /// synced while another server is set).
    pub fn set_remote_settings(&self, s: &RemoteSettings) -> Result<RemoteSettings> {
        let url = normalize_url(&s.url)?;
        let production_alias = check_alias(&s.production_alias, "production")?;
        let staging_alias = check_alias(&s.staging_alias, "staging")?;
        if production_alias == staging_alias {
            return Err(RegistryError::InvalidInput(
                "Production and staging need different aliases.".to_owned(),
            ));
        }
        let username = clean_text(s.username.as_deref(), "Username", 255)?;
        if s.auth == AuthKind::Basic && username.is_none() {
            return Err(RegistryError::InvalidInput(
                "Basic authentication needs a username.".to_owned(),
            ));
        }
        let secret_env = clean_text(s.secret_env.as_deref(), "Environment variable", 255)?;
        if let Some(var) = &secret_env {
            if !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(RegistryError::InvalidInput(format!(
                    "\"{var}\" is not an environment variable name."
                )));
            }
        }
        let stored = RemoteSettings {
            url,
            auth: s.auth,
            username: if s.auth == AuthKind::Basic {
                username
            } else {
                None
            },
            secret_env: if s.auth == AuthKind::None {
                None
            } else {
                secret_env
            },
            production_alias,
            staging_alias,
        };
        self.write(|tx| {
            set_setting(tx, KEY_URL, Some(&stored.url))?;
            set_setting(tx, KEY_AUTH, Some(stored.auth.as_str()))?;
            set_setting(tx, KEY_USERNAME, stored.username.as_deref())?;
            set_setting(tx, KEY_SECRET_ENV, stored.secret_env.as_deref())?;
            set_setting(tx, KEY_PRODUCTION, Some(&stored.production_alias))?;
            set_setting(tx, KEY_STAGING, Some(&stored.staging_alias))?;
            Ok(())
        })?;
        Ok(stored)
    }

    /// Forgets the team server. Shared models keep their link (and their waiting changes) for when it is
    /// set again.
    pub fn clear_remote_settings(&self) -> Result<()> {
        self.write(|tx| {
            for key in ALL_KEYS {
                set_setting(tx, key, None)?;
            }
            Ok(())
        })
    }

    pub fn remote_status(&self) -> Result<RemoteStatus> {
        self.read(|tx| {
            let Some(settings) = load_settings(tx)? else {
                return Ok(RemoteStatus {
                    settings: None,
                    waiting: 0,
                    conflicts: vec![],
                    shared_models: 0,
                    last_sync: None,
                    last_error: None,
                });
            };
            let server = settings.url.clone();
            let last_sync = setting(tx, KEY_LAST_SYNC)?
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc));
            let outbox_error: Option<String> = tx
                .query_row(
                    "SELECT o.last_error FROM outbox o JOIN remote_models r ON r.model_id = o.model_id
                     WHERE r.server = ?1 AND o.last_error IS NOT NULL ORDER BY o.id LIMIT 1",
                    [&server],
                    |r| r.get(0),
                )
                .optional()?;
            let last_error = setting(tx, KEY_LAST_FAILURE)?.or(outbox_error);
            Ok(RemoteStatus {
                waiting: count_waiting(tx, &server)?,
                conflicts: load_conflicts(tx, &server)?,
                shared_models: tx.prepare_cached("SELECT count(*) FROM remote_models WHERE server = ?1")?
        .query_row(
                    [&server],
                    |r| r.get(0),
                )?,
                last_sync,
                last_error,
                settings: Some(settings),
            })
        })
    }

    /// Marks a local model as the team's: the next sync creates it on the server with every version, as it
    /// is now. Demo models stay local.
    pub fn share(&self, model_id: &str) -> Result<String> {
        self.write(|tx| {
            let settings = configured(tx)?;
            let model = load_model(tx, model_id)?;
            if model.is_demo {
                return Err(RegistryError::InvalidInput(format!(
                    "{} is demo data; demo models stay local. Register a model of your own to share it.",
                    model.name
                )));
            }
            if let Some((server, _, _)) = base_of(tx, model_id)? {
                return Err(RegistryError::Conflict(format!(
                    "{} is already shared with {server}.",
                    model.name
                )));
            }
            tx.prepare_cached("INSERT INTO remote_models (model_id, server, mlflow_name) VALUES (?1, ?2, ?3)")?
        .execute(
                params![model_id, settings.url, model.name],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => RegistryError::Conflict(format!(
                    "Another local model is linked to the registered model \"{}\" on {}.",
                    model.name, settings.url
                )),
                _ => e.into(),
            })?;
            tx.prepare_cached("INSERT INTO outbox (model_id, kind) VALUES (?1, 'share')")?
        .execute(
                [model_id],
            )?;
            Ok(format!(
                "{} will be shared with {} at the next sync.",
                model.name, settings.url
            ))
        })
    }

    /// The MLflow side of a model, or None for a local one.
    pub fn remote_link(&self, model_id: &str) -> Result<Option<RemoteLink>> {
        self.read(|tx| {
            let Some((server, mlflow_name, base)) = base_of(tx, model_id)? else {
                return Ok(None);
            };
            let (conflict, synced_at): (Option<String>, Option<DateTime<Utc>>) = tx.prepare_cached("SELECT conflict, synced_at FROM remote_models WHERE model_id = ?1")?
        .query_row(
                [model_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let conflict = conflict
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| RegistryError::Internal(format!("A stored sync conflict is unreadable: {e}")))?;
            let mut stmt = tx.prepare_cached(
                "SELECT v.version, rv.mlflow_version, rv.metrics_known FROM model_versions v
                 JOIN remote_versions rv ON rv.version_id = v.id WHERE v.model_id = ?1 ORDER BY v.seq DESC",
            )?;
            let versions = stmt
                .query_map([model_id], |r| {
                    Ok(RemoteVersionLink {
                        version: r.get(0)?,
                        mlflow_version: r.get(1)?,
                        metrics_known: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let waiting = tx.prepare_cached("SELECT count(*) FROM outbox WHERE model_id = ?1")?
        .query_row(
                [model_id],
                |r| r.get(0),
            )?;
            Ok(Some(RemoteLink {
                web_url: web_url(&server, &mlflow_name),
                server,
                mlflow_name,
                versions,
                production: base.production,
                staging: base.staging,
                waiting,
                conflict,
                synced_at,
            }))
        })
    }

    /// The user's answer to a conflict. Taking the server's drops the model's waiting changes and lets the
    /// next pull apply the server's state; keeping theirs accepts the server's alias as the new base, so the
    /// next push moves it back.
    pub fn resolve_conflict(&self, model_id: &str, choice: ConflictChoice) -> Result<String> {
        self.write(|tx| {
            let model = load_model(tx, model_id)?;
            let conflict: Option<String> = tx
                .query_row(
                    "SELECT conflict FROM remote_models WHERE model_id = ?1",
                    [model_id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let Some(conflict) = conflict else {
                return Err(RegistryError::InvalidInput(format!(
                    "{} is not in conflict with the server.",
                    model.name
                )));
            };
            let c: SyncConflict = serde_json::from_str(&conflict)
                .map_err(|e| RegistryError::Internal(format!("A stored sync conflict is unreadable: {e}")))?;
            match choice {
                ConflictChoice::TakeServer => {
                    // Versions registered here still go to the server; only the moves are dropped.
                    tx.execute(
                        &format!("DELETE FROM outbox WHERE model_id = ?1 AND {MOVES}"),
                        [model_id],
                    )?;
                    tx.prepare_cached("UPDATE remote_models SET conflict = NULL, take_server = 1 WHERE model_id = ?1")?
        .execute(
                        [model_id],
                    )?;
                    Ok(format!(
                        "{}: the server's side is taken; the next sync applies it here.",
                        model.name
                    ))
                }
                ConflictChoice::KeepMine => {
                    tx.prepare_cached("UPDATE remote_models SET conflict = NULL, base_production = seen_production,
                             base_staging = seen_staging, base_archived = seen_archived WHERE model_id = ?1")?
        .execute(
                        [model_id],
                    )?;
                    tx.prepare_cached("UPDATE outbox SET attempts = 0, last_error = NULL WHERE model_id = ?1")?
        .execute(
                        [model_id],
                    )?;
                    Ok(format!(
                        "{}: your side is kept; the next sync moves {} on the server.",
                        model.name, c.alias
                    ))
                }
            }
        })
    }

    // ----- for the sync engine -----

    /// The waiting changes of models linked to `server` and not in conflict, oldest first.
    pub fn outbox(&self, server: &str) -> Result<Vec<OutboxItem>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT o.id, o.model_id, r.mlflow_name, o.event_id FROM outbox o
                 JOIN remote_models r ON r.model_id = o.model_id
                 WHERE r.server = ?1 AND r.conflict IS NULL ORDER BY o.id",
            )?;
            let rows = stmt.query_map([server], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })?;
            let mut event_stmt = tx.prepare_cached(&format!("{EVENT_SELECT} WHERE e.id = ?1"))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, model_id, mlflow_name, event_id) = row?;
                let event = match event_id {
                    Some(eid) => Some(event_stmt.query_row([eid], event_from_row)?),
                    None => None,
                };
                out.push(OutboxItem {
                    id,
                    model_id,
                    mlflow_name,
                    event,
                });
            }
            Ok(out)
        })
    }

    /// What the server showed for the model at the last sync.
    pub fn remote_base(&self, model_id: &str) -> Result<RemoteBase> {
        self.read(|tx| {
            base_of(tx, model_id)?
                .map(|(_, _, b)| b)
                .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))
        })
    }

    /// The model as a share pushes it: its status and every version.
    pub fn push_model(&self, model_id: &str) -> Result<PushModel> {
        self.read(|tx| {
            let state = load_state(tx, model_id)?;
            let (_, name, base) = base_of(tx, model_id)?
                .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))?;
            let mut stmt = tx.prepare_cached(
                "SELECT v.id, v.version, v.accuracy, v.latency_ms, v.throughput_rps, v.uptime_pct,
                        v.ai_confidence, v.error_rate, v.framework, v.notes, v.created_at,
                        rv.mlflow_version, coalesce(rv.metrics_known, 1), v.size_bytes,
                        coalesce(nullif(v.framework, ''), m.framework)
                 FROM model_versions v JOIN models m ON m.id = v.model_id
                 LEFT JOIN remote_versions rv ON rv.version_id = v.id
                 WHERE v.model_id = ?1 ORDER BY v.seq",
            )?;
            let versions = stmt
                .query_map([model_id], |r| {
                    let known: bool = r.get(12)?;
                    let metrics = Metrics {
                        accuracy: r.get(2)?,
                        latency: r.get(3)?,
                        throughput: r.get(4)?,
                        uptime: r.get(5)?,
                        ai_confidence: r.get(6)?,
                        error_rate: r.get(7)?,
                    };
                    Ok(PushVersion {
                        version_id: r.get(0)?,
                        version: r.get(1)?,
                        metrics: known.then_some(metrics),
                        framework: r.get(14)?,
                        size_bytes: r.get(13)?,
                        notes: r.get(9)?,
                        created_at: r.get(10)?,
                        mlflow_version: r.get(11)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(PushModel {
                name,
                status: state.status,
                version: state.version,
                base,
                versions,
            })
        })
    }

    /// Records that the server has `version` of the model as MLflow version `mlflow_version`.
    pub fn record_remote_version(
        &self,
        model_id: &str,
        version: &str,
        mlflow_version: &str,
        run_id: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            let vid: i64 = tx
                .query_row(
                    "SELECT id FROM model_versions WHERE model_id = ?1 AND version = ?2",
                    params![model_id, version],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| RegistryError::VersionNotFound {
                    model: model_id.to_owned(),
                    version: version.to_owned(),
                })?;
            tx.prepare_cached("INSERT INTO remote_versions (version_id, mlflow_version, run_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (version_id) DO UPDATE SET mlflow_version = excluded.mlflow_version,
                     run_id = coalesce(excluded.run_id, remote_versions.run_id)")?
        .execute(
                params![vid, mlflow_version, run_id],
            )?;
            Ok(())
        })
    }

    /// A waiting change went through: it leaves the outbox and `base` is what the server shows now.
    pub fn finish_outbox(&self, entry_id: i64, model_id: &str, base: &RemoteBase) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?
                .execute([entry_id])?;
            set_base(tx, model_id, base, Utc::now())
        })
    }

    /// A push of the entry failed; it stays, first in line.
    pub fn fail_outbox(&self, entry_id: i64, message: &str) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
            )?
            .execute(params![message, entry_id])?;
            Ok(())
        })
    }

    /// The server moved an alias since the last sync while a local change waited: nothing is overwritten,
    /// the model waits for the user's choice.
    pub fn mark_conflict(&self, conflict: &SyncConflict, seen: &RemoteBase) -> Result<()> {
        self.write(|tx| record_conflict(tx, conflict, seen))
    }

    pub fn mark_synced(&self, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            set_setting(tx, KEY_LAST_SYNC, Some(&now.to_rfc3339()))?;
            set_setting(tx, KEY_LAST_FAILURE, None)
        })
    }

    /// A sync failed (not cancelled): `remote_status` shows `message` as its last error until a sync
    /// succeeds. Settings only: the registry's content stays as the failed sync left it.
    pub fn mark_sync_failed(&self, message: &str) -> Result<()> {
        self.write(|tx| set_setting(tx, KEY_LAST_FAILURE, Some(message)))
    }

    /// Takes in models a pull read, each whole: new models and versions, and the alias and archive changes
    /// the server made since the last sync, each recorded as a `synced` event. A model with waiting local
    /// changes whose alias the server moved becomes a conflict instead. One transaction: a batch that fails
    /// changes nothing (a pull hands over its models in batches as they become whole).
    pub fn apply_pull(
        &self,
        settings: &RemoteSettings,
        models: &[RemoteModel],
        now: DateTime<Utc>,
    ) -> Result<PullApplied> {
        self.write(|tx| {
            let mut applied = PullApplied::default();
            for m in models {
                apply_model(tx, self.actor(), settings, m, now, &mut applied)?;
            }
            Ok(applied)
        })
    }
}

/// Outbox entries that move an alias or the archived mark (a share does, at its end): the ones a server-side
/// move conflicts with. A waiting version registration does not.
const MOVES: &str =
    "(kind = 'share' OR event_id IN (SELECT id FROM events WHERE action <> 'registered'))";

fn record_conflict(tx: &Connection, c: &SyncConflict, seen: &RemoteBase) -> Result<()> {
    let text = serde_json::to_string(c)
        .map_err(|e| RegistryError::Internal(format!("Can't record the conflict: {e}")))?;
    tx.prepare_cached("UPDATE remote_models SET conflict = ?1, seen_production = ?2, seen_staging = ?3, seen_archived = ?4
         WHERE model_id = ?5")?
        .execute(
        params![text, seen.production, seen.staging, seen.archived, c.model_id],
    )?;
    Ok(())
}

/// The page of a registered model in MLflow's UI.
pub fn web_url(server: &str, name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{server}/#/models/{encoded}")
}

fn apply_model(
    tx: &Transaction<'_>,
    actor: &str,
    settings: &RemoteSettings,
    m: &RemoteModel,
    now: DateTime<Utc>,
    applied: &mut PullApplied,
) -> Result<()> {
    let server = settings.url.as_str();
    // Cached statements: a pull runs these once per model of the server.
    let linked: Option<(String, RemoteBase, Option<String>, bool)> = tx
        .prepare_cached(
            "SELECT model_id, base_production, base_staging, base_archived, conflict, take_server
             FROM remote_models WHERE server = ?1 AND mlflow_name = ?2",
        )?
        .query_row(params![server, m.name], |r| {
            Ok((
                r.get(0)?,
                RemoteBase {
                    production: r.get(1)?,
                    staging: r.get(2)?,
                    archived: r.get(3)?,
                },
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let server_state = RemoteBase {
        production: m.production.clone(),
        staging: m.staging.clone(),
        archived: m.archived,
    };
    let Some((model_id, base, conflict, take_server)) = linked else {
        let clash: Option<String> = tx
            .prepare_cached("SELECT id FROM models WHERE name = ?1")?
            .query_row([&m.name], |r| r.get(0))
            .optional()?;
        if let Some(id) = clash {
            applied.skipped.push(format!(
                "{}: a local model of that name ({id}) is not shared; rename it or share it to join them",
                m.name
            ));
            return Ok(());
        }
        if m.versions.is_empty() {
            applied
                .skipped
                .push(format!("{}: it has no versions yet", m.name));
            return Ok(());
        }
        return new_model(tx, actor, server, m, &server_state, now, applied);
    };

    late_metrics(tx, actor, server, &model_id, m, now, applied)?;
    // New versions first, so the aliases below can point at them.
    let added = add_versions(tx, &model_id, m, now)?;
    applied.new_versions += added.len() as u32;
    if !added.is_empty() {
        let detail = format!(
            "{server}: {} registered on the server",
            added
                .iter()
                .map(|(v, mv)| format!("{v} (MLflow version {mv})"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        record_synced_in_place(tx, actor, &model_id, &detail, now)?;
    }

    if server_state == base && !take_server {
        return Ok(());
    }
    let moves_waiting: u32 = tx.query_row(
        &format!("SELECT count(*) FROM outbox WHERE model_id = ?1 AND {MOVES}"),
        [&model_id],
        |r| r.get(0),
    )?;
    if !take_server && (moves_waiting > 0 || conflict.is_some()) {
        if conflict.is_none() {
            let state = load_state(tx, &model_id)?;
            let (alias, base_v, server_v) = if server_state.production != base.production {
                (
                    settings.production_alias.clone(),
                    base.production.clone(),
                    server_state.production.clone(),
                )
            } else if server_state.staging != base.staging {
                (
                    settings.staging_alias.clone(),
                    base.staging.clone(),
                    server_state.staging.clone(),
                )
            } else {
                (
                    "archived mark".to_owned(),
                    None,
                    server_state.archived.then(|| "set".to_owned()),
                )
            };
            let c = SyncConflict {
                model_id: model_id.clone(),
                name: m.name.clone(),
                alias,
                base: base_v,
                server: server_v,
                local: status_words(state.status, &state.version),
            };
            record_conflict(tx, &c, &server_state)?;
            applied.conflicts.push(c);
        } else {
            tx.prepare_cached("UPDATE remote_models SET seen_production = ?1, seen_staging = ?2, seen_archived = ?3
                 WHERE model_id = ?4")?
        .execute(
                params![server_state.production, server_state.staging, server_state.archived, model_id],
            )?;
        }
        return Ok(());
    }
    apply_state(tx, actor, server, &model_id, &server_state, now, applied)?;
    tx.prepare_cached("UPDATE remote_models SET take_server = 0 WHERE model_id = ?1")?
        .execute([&model_id])?;
    set_base(tx, &model_id, &server_state, now)
}

/// Moves the local model to the state the server's aliases give it, with a `synced` event.
fn apply_state(
    tx: &Transaction<'_>,
    actor: &str,
    server: &str,
    model_id: &str,
    s: &RemoteBase,
    now: DateTime<Utc>,
    applied: &mut PullApplied,
) -> Result<()> {
    let state = load_state(tx, model_id)?;
    let map = version_map(tx, model_id)?;
    let by_mlflow: HashMap<&str, (i64, &str)> = map
        .iter()
        .filter_map(|(id, v, mv)| mv.as_deref().map(|mv| (mv, (*id, v.as_str()))))
        .collect();
    let current_mlflow = map
        .iter()
        .find(|(id, _, _)| *id == state.version_id)
        .and_then(|(_, _, mv)| mv.clone())
        .unwrap_or_default();
    let (status, target_mlflow) = status_from_aliases(
        s.production.as_deref(),
        s.staging.as_deref(),
        s.archived,
        &current_mlflow,
    );
    let (target_id, target_version) = match by_mlflow.get(target_mlflow.as_str()) {
        Some((id, v)) => (*id, v.to_string()),
        // The alias points at a version the server did not list (deleted since): keep the current one.
        None => (state.version_id, state.version.clone()),
    };
    if status == state.status && target_id == state.version_id {
        return Ok(());
    }
    let before = load_model(tx, model_id)?;
    let deployed = matches!(status, Status::Staging | Status::Production);
    tx.prepare_cached(
        "UPDATE models SET status = ?1, current_version_id = ?2,
             deployed_at = CASE WHEN ?3 THEN ?4 ELSE deployed_at END WHERE id = ?5",
    )?
    .execute(params![status.as_str(), target_id, deployed, now, model_id])?;
    let after = load_model(tx, model_id)?;
    let what = match status {
        Status::Production => format!("production alias → version {target_version}"),
        Status::Staging => format!("staging alias → version {target_version}"),
        Status::Archived => "archived mark set".to_owned(),
        Status::Development => "no production or staging alias".to_owned(),
    };
    let detail = format!("{server}: {what}");
    insert_event(
        tx,
        actor,
        &NewEvent {
            from_status: Some(state.status),
            to_status: Some(status),
            from_version: Some(&state.version),
            to_version: Some(&target_version),
            detail: Some(&detail),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            ..NewEvent::new(now, model_id, EventAction::Synced)
        },
    )?;
    applied.changes_applied += 1;
    Ok(())
}

fn new_model(
    tx: &Transaction<'_>,
    actor: &str,
    server: &str,
    m: &RemoteModel,
    s: &RemoteBase,
    now: DateTime<Utc>,
    applied: &mut PullApplied,
) -> Result<()> {
    let id = crate::ids::new_model_id(tx)?;
    // The newest version's framework tag if a ModelOps pushed it; another client's model has none.
    let framework = m
        .versions
        .iter()
        .max_by_key(|v| v.mlflow_version.parse::<u64>().unwrap_or(0))
        .and_then(|v| v.framework.as_deref())
        .filter(|f| !f.trim().is_empty())
        .unwrap_or("unknown");
    // The versions go in first and the row after them, already pointing at its current version with what
    // the row copies from it (schema 13), so its 17 index entries are written once, not three times. Until
    // the row is in, the versions' model_id points at nothing: the foreign keys wait for it, until the
    // transaction commits (which turns the deferral off again). Setting the pragma expires every prepared
    // statement of the connection, so it is set once per transaction, not once per model.
    let deferred: bool = tx
        .prepare_cached("PRAGMA defer_foreign_keys")?
        .query_row([], |r| r.get(0))?;
    if !deferred {
        tx.pragma_update(None, "defer_foreign_keys", true)?;
    }
    let added = add_versions(tx, &id, m, now)?;
    let map = version_map(tx, &id)?;
    let newest = map
        .last()
        .ok_or_else(|| RegistryError::Internal(format!("{} came with no versions", m.name)))?;
    let newest_mlflow = newest.2.clone().unwrap_or_default();
    let (status, target_mlflow) = status_from_aliases(
        s.production.as_deref(),
        s.staging.as_deref(),
        s.archived,
        &newest_mlflow,
    );
    let (vid, version) = map
        .iter()
        .find(|(_, _, mv)| mv.as_deref() == Some(target_mlflow.as_str()))
        .map(|(vid, v, _)| (*vid, v.clone()))
        .unwrap_or((newest.0, newest.1.clone()));
    let deployed = matches!(status, Status::Staging | Status::Production);
    let inserted = tx
        .prepare_cached(
            "INSERT INTO models (id, name, framework, status, created_at, deployed_at, current_version_id,
                 cur_version, cur_version_key, cur_accuracy, cur_latency_ms, cur_throughput_rps,
                 cur_uptime_pct, cur_ai_confidence, cur_error_rate, cur_size_bytes, cur_test_passed,
                 cur_checks_passed, cur_checks_total, cur_is_demo, cur_metrics_known)
             SELECT ?1, ?2, CASE WHEN c.framework <> '' THEN c.framework ELSE ?3 END, ?4, ?5, ?6,
                 c.version_id, c.cur_version, c.cur_version_key, c.cur_accuracy, c.cur_latency_ms,
                 c.cur_throughput_rps, c.cur_uptime_pct, c.cur_ai_confidence, c.cur_error_rate,
                 c.cur_size_bytes, c.cur_test_passed, c.cur_checks_passed, c.cur_checks_total,
                 c.cur_is_demo, c.cur_metrics_known
             FROM version_copy c WHERE c.version_id = ?7",
        )?
        .execute(params![
            id,
            m.name,
            framework,
            status.as_str(),
            now,
            deployed.then_some(now),
            vid
        ])?;
    if inserted != 1 {
        return Err(RegistryError::Internal(format!(
            "{}: its version {version} was not found after taking it in",
            m.name
        )));
    }
    tx.prepare_cached(
        "INSERT INTO remote_models (model_id, server, mlflow_name) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id, server, m.name])?;
    let after = load_model(tx, &id)?;
    let detail = format!(
        "{server}: registered model \"{}\" taken in with {} version{}",
        m.name,
        added.len(),
        if added.len() == 1 { "" } else { "s" }
    );
    insert_event(
        tx,
        actor,
        &NewEvent {
            to_status: Some(status),
            to_version: Some(&version),
            detail: Some(&detail),
            after: Some(snapshot(&after)),
            ..NewEvent::new(now, &id, EventAction::Synced)
        },
    )?;
    set_base(tx, &id, s, now)?;
    applied.new_models += 1;
    applied.new_versions += added.len() as u32;
    Ok(())
}

/// Versions taken in with unknown metrics whose run has them now: the metrics are filled in (the schema
/// allows it only while they are unknown), the model's shown figures follow when it is its current version,
/// and a `synced` event says so. Their runs are searched again at every pull until then.
fn late_metrics(
    tx: &Transaction<'_>,
    actor: &str,
    server: &str,
    model_id: &str,
    m: &RemoteModel,
    now: DateTime<Utc>,
    applied: &mut PullApplied,
) -> Result<()> {
    for v in &m.versions {
        let Some(metrics) = v.metrics else { continue };
        let unknown: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT v.id, v.version FROM model_versions v JOIN remote_versions rv ON rv.version_id = v.id
                 WHERE v.model_id = ?1 AND rv.mlflow_version = ?2 AND rv.metrics_known = 0",
            )?
            .query_row(params![model_id, v.mlflow_version], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((vid, version)) = unknown else {
            continue;
        };
        tx.prepare_cached(
            "UPDATE model_versions SET accuracy = ?1, latency_ms = ?2, throughput_rps = ?3, uptime_pct = ?4,
                 ai_confidence = ?5, error_rate = ?6 WHERE id = ?7",
        )?
        .execute(params![
            metrics.accuracy,
            metrics.latency,
            metrics.throughput,
            metrics.uptime,
            metrics.ai_confidence,
            metrics.error_rate,
            vid
        ])?;
        tx.prepare_cached("UPDATE remote_versions SET metrics_known = 1 WHERE version_id = ?1")?
            .execute([vid])?;
        // Naming the column runs the trigger that copies the current version's figures into the model row.
        tx.prepare_cached(
            "UPDATE models SET current_version_id = current_version_id
             WHERE id = ?1 AND current_version_id = ?2",
        )?
        .execute(params![model_id, vid])?;
        let detail = format!(
            "{server}: the run of {version} (MLflow version {}) now has ModelOps' metrics",
            v.mlflow_version
        );
        record_synced_in_place(tx, actor, model_id, &detail, now)?;
        applied.changes_applied += 1;
    }
    Ok(())
}

/// A `synced` event for a change that leaves the model's status and current version where they are (a
/// version registered on the server, metrics that arrived late): the audit log shows both sides the same.
fn record_synced_in_place(
    tx: &Transaction<'_>,
    actor: &str,
    model_id: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let state = load_state(tx, model_id)?;
    insert_event(
        tx,
        actor,
        &NewEvent {
            from_status: Some(state.status),
            to_status: Some(state.status),
            from_version: Some(&state.version),
            to_version: Some(&state.version),
            detail: Some(detail),
            ..NewEvent::new(now, model_id, EventAction::Synced)
        },
    )?;
    Ok(())
}

/// The tags a pulled version shows: where it is on the server (tags are text → text).
fn version_tags(v: &RemoteVersion) -> String {
    let mut tags = serde_json::Map::new();
    tags.insert("mlflow.version".into(), v.mlflow_version.clone().into());
    if let Some(source) = &v.source {
        tags.insert("mlflow.source".into(), source.clone().into());
    }
    serde_json::Value::Object(tags).to_string()
}

/// Inserts the server's versions the model does not have yet, in MLflow's order; returns (version, MLflow
/// version) of each. A version ModelOps pushed (its key names a local version) is linked, not duplicated.
fn add_versions(
    tx: &Transaction<'_>,
    model_id: &str,
    m: &RemoteModel,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    let existing = version_map(tx, model_id)?;
    let known: HashSet<&str> = existing
        .iter()
        .filter_map(|(_, _, mv)| mv.as_deref())
        .collect();
    let mut taken: HashSet<String> = existing.iter().map(|(_, v, _)| v.clone()).collect();
    let mut seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM model_versions WHERE model_id = ?1")?
        .query_row([model_id], |r| r.get(0))?;
    let mut versions: Vec<&RemoteVersion> = m
        .versions
        .iter()
        .filter(|v| !known.contains(v.mlflow_version.as_str()))
        .collect();
    versions.sort_by_key(|v| v.mlflow_version.parse::<u64>().unwrap_or(u64::MAX));
    let mut added = Vec::new();
    for v in versions {
        // Pushed by a ModelOps that died before recording the MLflow number: link it.
        let local = v
            .key
            .as_deref()
            .and_then(|k| k.strip_prefix(model_id).and_then(|r| r.strip_prefix('/')));
        if let Some(local) = local {
            let vid: Option<i64> = tx
                .query_row(
                    "SELECT id FROM model_versions WHERE model_id = ?1 AND version = ?2",
                    params![model_id, local],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(vid) = vid {
                tx.prepare_cached("INSERT OR REPLACE INTO remote_versions (version_id, mlflow_version, run_id) VALUES (?1, ?2, ?3)")?
        .execute(
                    params![vid, v.mlflow_version, v.run_id],
                )?;
                continue;
            }
        }
        let version = match v
            .tagged_version
            .as_deref()
            .filter(|t| semver::Version::parse(t).is_ok() && !taken.contains(*t))
        {
            Some(t) => t.to_owned(),
            None => derived_version(&v.mlflow_version, |c| taken.contains(c)),
        };
        let metrics = v.metrics.unwrap_or(Metrics {
            accuracy: 0.0,
            latency: 0.0,
            throughput: 0.0,
            uptime: 0.0,
            ai_confidence: 0.0,
            error_rate: 0.0,
        });
        seq += 1;
        tx.prepare_cached("INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
                 ai_confidence, error_rate, size_bytes, is_demo, created_at, version_key, framework,
                 notes, tags_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?13, ?14, ?15)")?
        .execute(
            params![
                model_id,
                version,
                seq,
                metrics.accuracy,
                metrics.latency,
                metrics.throughput,
                metrics.uptime,
                metrics.ai_confidence,
                metrics.error_rate,
                v.size_bytes.unwrap_or(0).max(0),
                v.created_at,
                crate::version::sort_key(&version),
                v.framework.as_deref().unwrap_or(""),
                m.description.as_deref().filter(|d| !d.is_empty()),
                version_tags(v),
            ],
        )?;
        let vid = tx.last_insert_rowid();
        tx.prepare_cached("INSERT INTO remote_versions (version_id, mlflow_version, run_id, metrics_known) VALUES (?1, ?2, ?3, ?4)")?
        .execute(
            params![vid, v.mlflow_version, v.run_id, v.metrics.is_some()],
        )?;
        if v.metrics.is_some() {
            record_version_metrics(tx, vid, Recorded::Registration, now)?;
        }
        taken.insert(version.clone());
        added.push((version, v.mlflow_version.clone()));
    }
    Ok(added)
}

impl Registry {
    /// The (registered model, MLflow version) pairs the registry already has from `server`: a pull fetches
    /// the runs of the others only.
    pub fn known_remote_versions(&self, server: &str) -> Result<HashSet<(String, String)>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT r.mlflow_name, rv.mlflow_version FROM remote_models r
                 JOIN model_versions v ON v.model_id = r.model_id
                 JOIN remote_versions rv ON rv.version_id = v.id
                 WHERE r.server = ?1 AND rv.metrics_known = 1",
            )?;
            let rows = stmt.query_map([server], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
