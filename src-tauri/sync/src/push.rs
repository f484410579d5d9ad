//! Push: the outbox, in order per model, models in parallel. Every step is idempotent — a version is
//! looked up by its `modelops.key` tag before it is created, an alias already where it should be is left
//! alone — so a push that died half way is simply run again. Before an alias moves, the push reads where it
//! points now: if the server moved it since the last sync, nothing is overwritten and the model is marked
//! in conflict (MLflow has no compare-and-set). Models go in groups of `READ_AHEAD`, and each group's
//! registered models are read in one search just before its changes are sent, where one read per move
//! doubled the requests (BENCHMARKS.md, "Team sync"); a model's later moves in the same push, and a server
//! that can't search names with `IN`, read one model per request.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use futures::StreamExt;
use modelops_core::remote::{
    metrics_for_run, version_key, OutboxItem, PushVersion, RemoteBase, RemoteSettings,
    SyncConflict, EXPERIMENT, TAG_ARCHIVED, TAG_FRAMEWORK, TAG_KEY, TAG_ORIGIN, TAG_SIZE,
    TAG_VERSION,
};
use modelops_core::types::{EventAction, Status};
use modelops_core::Registry;
use tokio::sync::OnceCell;

use crate::client::{Client, RegisteredModel};
use crate::error::{Result, SyncError};
use crate::{Progress, SyncOptions};

/// Models whose registered models are read in one search before their changes are sent. MLflow's search
/// takes the names in its URL; a hundred names stay well inside what servers accept.
const READ_AHEAD: usize = 100;

/// What pushing one model's entries ended in.
enum Outcome {
    Done(u32),
    Conflict(u32, SyncConflict),
}

pub(crate) struct Pusher<'a> {
    pub client: &'a Client,
    pub reg: &'a Registry,
    pub settings: &'a RemoteSettings,
    pub opts: &'a SyncOptions,
    experiment: OnceCell<String>,
    /// Registered models read ahead of their first change in this push, by name; taken out when used or
    /// when the model changes on the server, so a read serves one decision only.
    read_ahead: Mutex<HashMap<String, RegisteredModel>>,
    /// Cleared when the server refuses `name IN (...)`: then every move reads its model alone.
    search_by_names: AtomicBool,
}

/// What the push did: entries sent, conflicts met.
pub(crate) struct Pushed {
    pub sent: u32,
    pub conflicts: Vec<SyncConflict>,
}

impl<'a> Pusher<'a> {
    pub fn new(
        client: &'a Client,
        reg: &'a Registry,
        settings: &'a RemoteSettings,
        opts: &'a SyncOptions,
    ) -> Self {
        Pusher {
            client,
            reg,
            settings,
            opts,
            experiment: OnceCell::new(),
            read_ahead: Mutex::new(HashMap::new()),
            search_by_names: AtomicBool::new(true),
        }
    }

    pub async fn push(&self) -> Result<Pushed> {
        let items = self.reg.outbox(&self.settings.url)?;
        let total = items.len() as u64;
        let mut by_model: BTreeMap<String, Vec<OutboxItem>> = BTreeMap::new();
        let mut order = Vec::new();
        for item in items {
            if !by_model.contains_key(&item.model_id) {
                order.push(item.model_id.clone());
            }
            by_model
                .entry(item.model_id.clone())
                .or_default()
                .push(item);
        }
        let groups: Vec<Vec<OutboxItem>> = order
            .into_iter()
            .filter_map(|id| by_model.remove(&id))
            .collect();
        let mut sent = 0u32;
        let mut conflicts = Vec::new();
        let mut first_error = None;
        let mut groups = groups.into_iter().peekable();
        while groups.peek().is_some() {
            let chunk: Vec<Vec<OutboxItem>> = groups.by_ref().take(READ_AHEAD).collect();
            self.read_ahead(&chunk).await;
            let mut stream = futures::stream::iter(chunk.into_iter().map(|g| self.push_model(g)))
                .buffer_unordered(self.opts.parallel.max(1));
            while let Some(result) = stream.next().await {
                match result {
                    Ok(Outcome::Done(n)) => sent += n,
                    Ok(Outcome::Conflict(n, c)) => {
                        sent += n;
                        conflicts.push(c);
                    }
                    Err((n, e)) => {
                        sent += n;
                        first_error.get_or_insert(e);
                    }
                }
                self.opts.report(Progress::Pushed {
                    done: sent as u64,
                    total,
                });
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(Pushed { sent, conflicts }),
        }
    }

    /// Reads the registered models of these groups in one search. Whatever is not read here (a failed
    /// search, a name the filter can't quote, a model gone from the server) is read one by one later.
    async fn read_ahead(&self, groups: &[Vec<OutboxItem>]) {
        if !self.search_by_names.load(Ordering::Relaxed) || self.opts.check().is_err() {
            return;
        }
        let names: Vec<&str> = groups
            .iter()
            .filter_map(|g| g.first())
            .map(|i| i.mlflow_name.as_str())
            .collect();
        match self.client.registered_models_named(&names).await {
            Ok(Some(models)) => {
                if let Ok(mut read) = self.read_ahead.lock() {
                    read.extend(models.into_iter().map(|m| (m.name.clone(), m)));
                }
            }
            Ok(None) => self.search_by_names.store(false, Ordering::Relaxed),
            Err(e) => log::info!(
                "reading {} models ahead failed ({e}); reading them one by one",
                names.len()
            ),
        }
    }

    /// The read-ahead copy of a registered model, once.
    fn take_read_ahead(&self, name: &str) -> Option<RegisteredModel> {
        self.read_ahead.lock().ok().and_then(|mut r| r.remove(name))
    }

    /// One model's entries, in order; stops at the first that fails or conflicts (the rest keep waiting).
    async fn push_model(
        &self,
        items: Vec<OutboxItem>,
    ) -> std::result::Result<Outcome, (u32, SyncError)> {
        let mut sent = 0;
        for item in items {
            if let Err(e) = self.opts.check() {
                return Err((sent, e));
            }
            let result = self.push_item(&item).await;
            // Whatever the entry changed on the server, the read-ahead copy no longer says.
            self.take_read_ahead(&item.mlflow_name);
            match result {
                Ok(Ok(base)) => {
                    self.reg
                        .finish_outbox(item.id, &item.model_id, &base)
                        .map_err(|e| (sent, e.into()))?;
                    sent += 1;
                }
                Ok(Err((conflict, seen))) => {
                    self.reg
                        .mark_conflict(&conflict, &seen)
                        .map_err(|e| (sent, e.into()))?;
                    return Ok(Outcome::Conflict(sent, conflict));
                }
                Err(e) => {
                    let _ = self.reg.fail_outbox(item.id, &e.to_string());
                    return Err((sent, e));
                }
            }
        }
        Ok(Outcome::Done(sent))
    }

    /// Sends one entry. `Ok(Err(conflict))`: the server moved an alias since the last sync.
    async fn push_item(
        &self,
        item: &OutboxItem,
    ) -> Result<std::result::Result<RemoteBase, (SyncConflict, RemoteBase)>> {
        let model = self.reg.push_model(&item.model_id)?;
        let mut base = model.base.clone();
        let name = &item.mlflow_name;
        let local = |status: Status, version: &str| format!("{} at {version}", status.as_str());
        let Some(event) = &item.event else {
            // A share: the registered model, every version, then the model's state.
            self.ensure_model(name, &item.model_id).await?;
            for v in &model.versions {
                self.ensure_version(&item.model_id, name, v).await?;
            }
            let desc = local(model.status, &model.version);
            return self
                .apply_status(item, &mut base, model.status, &model.version, desc)
                .await;
        };
        let version = event.to_version.as_deref().unwrap_or(&model.version);
        match event.action {
            EventAction::Registered => {
                let v = self.version_of(&item.model_id, version)?;
                self.ensure_version(&item.model_id, name, &v).await?;
                Ok(Ok(base))
            }
            EventAction::Promoted
            | EventAction::Deployed
            | EventAction::RolledBack
            | EventAction::Archived => {
                let status = event.to_status.unwrap_or(model.status);
                let desc = local(status, version);
                self.apply_status(item, &mut base, status, version, desc)
                    .await
            }
            // The trigger only queues the actions above.
            _ => Ok(Ok(base)),
        }
    }

    fn version_of(&self, model_id: &str, version: &str) -> Result<PushVersion> {
        self.reg
            .push_model(model_id)?
            .versions
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| {
                SyncError::Registry(modelops_core::RegistryError::VersionNotFound {
                    model: model_id.to_owned(),
                    version: version.to_owned(),
                })
            })
    }

    async fn apply_status(
        &self,
        item: &OutboxItem,
        base: &mut RemoteBase,
        status: Status,
        version: &str,
        local: String,
    ) -> Result<std::result::Result<RemoteBase, (SyncConflict, RemoteBase)>> {
        let name = &item.mlflow_name;
        let (alias, is_production) = match status {
            Status::Production => (&self.settings.production_alias, true),
            Status::Staging => (&self.settings.staging_alias, false),
            Status::Archived => {
                self.client
                    .set_registered_model_tag(name, TAG_ARCHIVED, "true")
                    .await?;
                base.archived = true;
                return Ok(Ok(base.clone()));
            }
            Status::Development => return Ok(Ok(base.clone())),
        };
        let v = self.version_of(&item.model_id, version)?;
        let target = self.ensure_version(&item.model_id, name, &v).await?;
        let read = match self.take_read_ahead(name) {
            Some(m) => Some(m),
            None => self.client.get_registered_model(name).await?,
        };
        let server = read.ok_or_else(|| SyncError::Failed {
            server: self.client.server().to_owned(),
            what: format!("moving {alias} of {name}"),
            detail: "the registered model is gone from the server".to_owned(),
        })?;
        let now = server.alias(alias).map(str::to_owned);
        let was = if is_production {
            &base.production
        } else {
            &base.staging
        };
        if now.as_deref() != Some(target.as_str()) {
            if now != *was {
                let seen = RemoteBase {
                    production: server
                        .alias(&self.settings.production_alias)
                        .map(str::to_owned),
                    staging: server
                        .alias(&self.settings.staging_alias)
                        .map(str::to_owned),
                    archived: server.tag(TAG_ARCHIVED) == Some("true"),
                };
                let conflict = SyncConflict {
                    model_id: item.model_id.clone(),
                    name: name.clone(),
                    alias: alias.clone(),
                    base: was.clone(),
                    server: now,
                    local,
                };
                return Ok(Err((conflict, seen)));
            }
            self.client.set_alias(name, alias, &target).await?;
        }
        // Only the alias moved here: a change the server made to the other one is the next pull's to apply.
        if is_production {
            base.production = Some(target);
        } else {
            base.staging = Some(target);
        }
        Ok(Ok(base.clone()))
    }

    async fn ensure_model(&self, name: &str, model_id: &str) -> Result<()> {
        if self.client.get_registered_model(name).await?.is_none() {
            self.client
                .create_registered_model(name, &[(TAG_ORIGIN, model_id)])
                .await?;
        }
        Ok(())
    }

    async fn experiment(&self) -> Result<&String> {
        self.experiment
            .get_or_try_init(|| async {
                if let Some(id) = self.client.experiment_by_name(EXPERIMENT).await? {
                    return Ok(id);
                }
                match self.client.create_experiment(EXPERIMENT).await {
                    Ok(id) => Ok(id),
                    // Created by another client in the meantime.
                    Err(e) => self.client.experiment_by_name(EXPERIMENT).await?.ok_or(e),
                }
            })
            .await
    }

    /// The MLflow version number of a local version, creating it (with a run holding its metrics) if the
    /// server does not have it.
    async fn ensure_version(&self, model_id: &str, name: &str, v: &PushVersion) -> Result<String> {
        if let Some(mv) = &v.mlflow_version {
            return Ok(mv.clone());
        }
        let key = version_key(model_id, &v.version);
        let filter = format!("name = '{}'", name.replace('\'', "\\'"));
        let mut token = None;
        loop {
            let (page, next) = self
                .client
                .model_versions_page(Some(&filter), 1000, token.as_deref())
                .await?;
            if let Some(found) = page.iter().find(|mv| mv.tag(TAG_KEY) == Some(key.as_str())) {
                self.reg.record_remote_version(
                    model_id,
                    &v.version,
                    &found.version,
                    found.run_id.as_deref(),
                )?;
                return Ok(found.version.clone());
            }
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let experiment = self.experiment().await?.clone();
        let existing = self
            .client
            .search_runs(
                std::slice::from_ref(&experiment),
                &format!("tags.`{TAG_KEY}` = '{}'", key.replace('\'', "\\'")),
            )
            .await?;
        let run = match existing.into_iter().next() {
            Some(r) => r.info,
            None => {
                let run = self
                    .client
                    .create_run(
                        &experiment,
                        &format!("{name} {}", v.version),
                        &[(TAG_KEY, &key)],
                    )
                    .await?;
                if let Some(m) = &v.metrics {
                    self.client
                        .log_metrics(&run.run_id, &metrics_for_run(m))
                        .await?;
                }
                self.client.finish_run(&run.run_id).await?;
                run
            }
        };
        let source = format!("{}/model", run.artifact_uri.trim_end_matches('/'));
        let created = self
            .client
            .create_model_version(
                name,
                &source,
                &run.run_id,
                v.notes.as_deref(),
                &[
                    (TAG_VERSION, &v.version),
                    (TAG_KEY, &key),
                    (TAG_FRAMEWORK, &v.framework),
                    (TAG_SIZE, &v.size_bytes.to_string()),
                ],
            )
            .await?;
        self.reg.record_remote_version(
            model_id,
            &v.version,
            &created.version,
            Some(&run.run_id),
        )?;
        Ok(created.version)
    }
}
