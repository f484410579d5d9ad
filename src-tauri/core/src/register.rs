//! Registering models and versions. A registered version is immutable (SQLite triggers refuse UPDATE and
//! DELETE on `model_versions`). A new version must be a semantic version greater than the model's latest;
//! it becomes the current version and the model returns to development, since a new version goes through
//! staging before production like any other (docs/lifecycle.md).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use crate::error::{RegistryError, Result};
use crate::input::{MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_TAGS};
use crate::lifecycle;
use crate::metrics::{record_version_metrics, Recorded};
use crate::registry::{clean_text, Registry, MAX_REASON_CHARS};
use crate::rows::{insert_event, load_model, load_state, snapshot, NewEvent};
use crate::task::{Task, TaskPhase};
use crate::types::*;

/// A registration, validated and with its artifact measured, ready to write.
struct Checked {
    version: semver::Version,
    metrics: Metrics,
    size_bytes: i64,
    artifact: Option<Artifact>,
    notes: Option<String>,
    tags_json: String,
}

fn check(
    version: &str,
    metrics: &Metrics,
    size_bytes: Option<i64>,
    artifact_path: Option<&str>,
    notes: Option<&str>,
    tags: &[Tag],
    task: &Task<'_>,
) -> Result<Checked> {
    let version = version.trim();
    let parsed = semver::Version::parse(version).map_err(|_| {
        RegistryError::InvalidInput(format!(
            "\"{version}\" is not a semantic version: use MAJOR.MINOR.PATCH, for example 2.1.0."
        ))
    })?;
    let m = metrics;
    for (name, value, lo, hi) in [
        ("Accuracy", m.accuracy, 0.0, 1.0),
        ("AI confidence", m.ai_confidence, 0.0, 1.0),
        ("Error rate", m.error_rate, 0.0, 1.0),
        ("Uptime", m.uptime, 0.0, 100.0),
        ("Latency", m.latency, 0.0, f64::MAX),
        ("Throughput", m.throughput, 0.0, f64::MAX),
    ] {
        if !value.is_finite() {
            return Err(RegistryError::InvalidInput(format!(
                "{name} must be a number; got {value}."
            )));
        }
        if value < lo || value > hi {
            let range = if hi == f64::MAX {
                format!("at least {lo}")
            } else {
                format!("between {lo} and {hi}")
            };
            return Err(RegistryError::InvalidInput(format!(
                "{name} must be {range}; got {value}."
            )));
        }
    }
    if let Some(size) = size_bytes {
        if size < 0 {
            return Err(RegistryError::InvalidInput(format!(
                "Size must not be negative; got {size}."
            )));
        }
    }
    let notes = clean_text(notes, "Notes", MAX_REASON_CHARS)?;
    if tags.len() > MAX_TAGS {
        return Err(RegistryError::InvalidInput(format!(
            "At most {MAX_TAGS} tags."
        )));
    }
    let mut map = BTreeMap::new();
    for t in tags {
        let key = t.key.trim();
        if key.is_empty() || key.chars().count() > MAX_FIELD_CHARS {
            return Err(RegistryError::InvalidInput(format!(
                "Tag keys must be 1 to {MAX_FIELD_CHARS} characters."
            )));
        }
        if t.value.chars().count() > MAX_REASON_CHARS {
            return Err(RegistryError::InvalidInput(format!(
                "The value of tag \"{key}\" is too long."
            )));
        }
        if map
            .insert(key.to_owned(), t.value.trim().to_owned())
            .is_some()
        {
            return Err(RegistryError::InvalidInput(format!(
                "Tag \"{key}\" is given twice."
            )));
        }
    }
    let artifact = match artifact_path.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(measure_artifact_with(Path::new(p), task)?),
        None => None,
    };
    let size_bytes = artifact
        .as_ref()
        .map(|a| a.size_bytes)
        .or(size_bytes)
        .unwrap_or(0);
    Ok(Checked {
        version: parsed,
        metrics: *metrics,
        size_bytes,
        artifact,
        notes,
        tags_json: serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned()),
    })
}

/// Size and SHA-256 of an artifact file, streamed (artifacts can be gigabytes).
pub fn measure_artifact(path: &Path) -> Result<Artifact> {
    measure_artifact_with(path, &Task::none())
}

/// `measure_artifact`, reporting bytes read out of the file's size and stopping when `task` is cancelled.
pub fn measure_artifact_with(path: &Path, task: &Task<'_>) -> Result<Artifact> {
    let unreadable = |e: std::io::Error| {
        RegistryError::InvalidInput(format!("Can't read the artifact {}: {e}.", path.display()))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(RegistryError::InvalidInput(format!(
            "The artifact {} is not a file.",
            path.display()
        )));
    }
    let meter = task.start(TaskPhase::Hashing, meta.len());
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0i64;
    loop {
        let n = file.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as i64;
        meter.advance(n as u64)?;
    }
    meter.finish()?;
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    Ok(Artifact {
        path: path.display().to_string(),
        size_bytes: size,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn insert_version(
    tx: &Transaction<'_>,
    model_id: &str,
    seq: i64,
    framework: &str,
    c: &Checked,
) -> Result<i64> {
    let m = &c.metrics;
    let version = c.version.to_string();
    tx.execute(
        "INSERT INTO model_versions (model_id, version, seq, accuracy, latency_ms, throughput_rps, uptime_pct,
             ai_confidence, error_rate, size_bytes, is_demo, created_at, version_key, framework,
             artifact_path, artifact_size, artifact_sha256, notes, tags_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            model_id,
            version,
            seq,
            m.accuracy,
            m.latency,
            m.throughput,
            m.uptime,
            m.ai_confidence,
            m.error_rate,
            c.size_bytes,
            Utc::now(),
            crate::version::sort_key(&version),
            framework,
            c.artifact.as_ref().map(|a| &a.path),
            c.artifact.as_ref().map(|a| a.size_bytes),
            c.artifact.as_ref().map(|a| &a.sha256),
            c.notes,
            c.tags_json
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn result(reg_tx: &Transaction<'_>, model_id: &str, message: String) -> Result<RegisterResult> {
    let model = load_model(reg_tx, model_id)?;
    let version = crate::rows::load_versions(reg_tx, model_id)?
        .into_iter()
        .find(|v| v.is_current)
        .ok_or_else(|| RegistryError::ModelNotFound(model_id.to_owned()))?;
    Ok(RegisterResult {
        model,
        version,
        message,
    })
}

impl Registry {
    /// Registers a new model with its first version, in development.
    pub fn register_model(&self, req: &RegisterModelRequest) -> Result<RegisterResult> {
        self.register_model_with(req, &Task::none())
    }

    /// `register_model`, reporting the artifact's hashing; cancelled, it registers nothing.
    pub fn register_model_with(
        &self,
        req: &RegisterModelRequest,
        task: &Task<'_>,
    ) -> Result<RegisterResult> {
        let name = clean_text(Some(&req.name), "Name", MAX_NAME_CHARS)?
            .ok_or_else(|| RegistryError::InvalidInput("A model needs a name.".into()))?;
        let framework = clean_text(Some(&req.framework), "Framework", MAX_FIELD_CHARS)?
            .ok_or_else(|| RegistryError::InvalidInput("A model needs a framework.".into()))?;
        let c = check(
            &req.version,
            &req.metrics,
            req.size_bytes,
            req.artifact_path.as_deref(),
            req.notes.as_deref(),
            &req.tags,
            task,
        )?;
        // A cancel that came after the hash was known still registers nothing.
        task.check(TaskPhase::Hashing)?;
        self.write(|tx| {
            let clash: Option<String> = tx
                .query_row("SELECT id FROM models WHERE name = ?1", [&name], |r| r.get(0))
                .optional()?;
            if let Some(id) = clash {
                return Err(RegistryError::Conflict(format!(
                    "A model named \"{name}\" already exists ({id}); register a new version of it instead."
                )));
            }
            let id = crate::ids::new_model_id(tx)?;
            let now = Utc::now();
            tx.execute(
                "INSERT INTO models (id, name, framework, status, created_at) VALUES (?1, ?2, ?3, 'development', ?4)",
                params![id, name, framework, now],
            )?;
            let vid = insert_version(tx, &id, 1, &framework, &c)?;
            record_version_metrics(tx, vid, Recorded::Registration, now)?;
            tx.execute("UPDATE models SET current_version_id = ?1 WHERE id = ?2", params![vid, id])?;
            let version = c.version.to_string();
            let after = load_model(tx, &id)?;
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    to_status: Some(Status::Development),
                    to_version: Some(&version),
                    detail: Some("new model"),
                    after: Some(snapshot(&after)),
                    ..NewEvent::new(now, &id, EventAction::Registered)
                },
            )?;
            result(tx, &id, format!("Registered {name} {version} ({id}) in development."))
        })
    }

    /// Registers a new version of an existing model. It must be greater than every version the model has;
    /// it becomes current and the model returns to development.
    pub fn register_version(&self, req: &RegisterVersionRequest) -> Result<RegisterResult> {
        self.register_version_inner(req, None, &Task::none())
    }

    /// `register_version`, reporting the artifact's hashing; cancelled, it registers nothing.
    pub fn register_version_with(
        &self,
        req: &RegisterVersionRequest,
        task: &Task<'_>,
    ) -> Result<RegisterResult> {
        self.register_version_inner(req, None, task)
    }

    /// `register_version`, only while the model is still as the caller saw it (see `Expected`).
    pub fn register_version_expecting(
        &self,
        req: &RegisterVersionRequest,
        expected: &Expected,
    ) -> Result<RegisterResult> {
        self.register_version_inner(req, Some(expected), &Task::none())
    }

    fn register_version_inner(
        &self,
        req: &RegisterVersionRequest,
        expected: Option<&Expected>,
        task: &Task<'_>,
    ) -> Result<RegisterResult> {
        let framework = clean_text(req.framework.as_deref(), "Framework", MAX_FIELD_CHARS)?;
        let c = check(
            &req.version,
            &req.metrics,
            req.size_bytes,
            req.artifact_path.as_deref(),
            req.notes.as_deref(),
            &req.tags,
            task,
        )?;
        // A cancel that came after the hash was known still registers nothing.
        task.check(TaskPhase::Hashing)?;
        let model_id = req.model_id.as_str();
        self.write(|tx| {
            let state = load_state(tx, model_id)?;
            crate::rows::check_expected(model_id, &state, expected)?;
            lifecycle::ensure_active(model_id, state.status, "register a version of")?;
            let before = load_model(tx, model_id)?;
            let versions: Vec<(String, i64)> = {
                let mut stmt = tx.prepare("SELECT version, seq FROM model_versions WHERE model_id = ?1")?;
                let rows = stmt.query_map([model_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let latest = versions
                .iter()
                .filter_map(|(v, _)| semver::Version::parse(v).ok().map(|p| (p, v)))
                .max_by(|a, b| a.0.cmp(&b.0));
            if let Some((latest, text)) = latest {
                if c.version <= latest {
                    return Err(RegistryError::InvalidInput(format!(
                        "{} is not greater than {model_id}'s latest version {text}.",
                        c.version
                    )));
                }
            }
            let seq = versions.iter().map(|(_, s)| *s).max().unwrap_or(0) + 1;
            let framework = framework.clone().unwrap_or_else(|| before.framework.clone());
            let vid = insert_version(tx, model_id, seq, &framework, &c)?;
            let now = Utc::now();
            record_version_metrics(tx, vid, Recorded::Registration, now)?;
            tx.execute(
                "UPDATE models SET current_version_id = ?1, status = 'development', deployed_at = NULL
                 WHERE id = ?2",
                params![vid, model_id],
            )?;
            let version = c.version.to_string();
            let after = load_model(tx, model_id)?;
            insert_event(
                tx,
                self.actor(),
                &NewEvent {
                    from_status: Some(state.status),
                    to_status: Some(Status::Development),
                    from_version: Some(&state.version),
                    to_version: Some(&version),
                    before: Some(snapshot(&before)),
                    after: Some(snapshot(&after)),
                    ..NewEvent::new(now, model_id, EventAction::Registered)
                },
            )?;
            let mut message = format!("Registered {} {version}; it is now current, in development.", before.name);
            if state.status != Status::Development {
                message.push_str(&format!(
                    " {} was in {} until now; roll back to restore it.",
                    state.version,
                    state.status.as_str()
                ));
            }
            result(tx, model_id, message)
        })
    }
}
