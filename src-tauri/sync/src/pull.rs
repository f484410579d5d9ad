//! Pull: every registered model and version of the server, through every page, with the metrics of the
//! runs of versions the registry does not have yet (batched searches, never a request per version).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use modelops_core::remote::{
    metrics_from_run, RemoteModel, RemoteSettings, RemoteVersion, TAG_ARCHIVED, TAG_FRAMEWORK,
    TAG_KEY, TAG_ORIGIN, TAG_SIZE, TAG_VERSION,
};
use modelops_core::types::Metrics;

use crate::client::{Client, ModelVersion, RegisteredModel};
use crate::error::Result;
use crate::{Progress, SyncOptions};

/// Runs per search request: the filter lists their ids. MLflow's server spends about 50 ms on a search
/// besides its runs: 100 ids cost 1.1 ms a run, 500 ids 0.6 ms, about what a plain page of runs costs.
const RUNS_PER_SEARCH: usize = 500;

/// Reads the whole registry of the server. `known` are the versions already here: their runs are not read.
///
/// The registered models and the versions are read side by side (neither needs the other), and the runs'
/// metrics as soon as the versions are known, while the models' pages are still coming: a first pull of a
/// large server costs about the longest of the three instead of their sum.
pub(crate) async fn read_server(
    client: &Client,
    settings: &RemoteSettings,
    known: &HashSet<(String, String)>,
    opts: &SyncOptions,
) -> Result<Vec<RemoteModel>> {
    let versions_and_metrics = async {
        let versions = read_versions(client, opts).await?;
        let metrics = read_metrics(client, &versions, known, opts).await?;
        Ok::<_, crate::error::SyncError>((versions, metrics))
    };
    let (models, (mut versions, metrics)) =
        futures::try_join!(read_models(client, opts), versions_and_metrics)?;
    Ok(models
        .into_iter()
        .map(|m| {
            let vs = versions.remove(&m.name).unwrap_or_default();
            RemoteModel {
                production: m.alias(&settings.production_alias).map(str::to_owned),
                staging: m.alias(&settings.staging_alias).map(str::to_owned),
                archived: m.tag(TAG_ARCHIVED) == Some("true"),
                origin: m.tag(TAG_ORIGIN).map(str::to_owned),
                description: m.description.clone(),
                versions: vs
                    .into_iter()
                    .map(|v| RemoteVersion {
                        tagged_version: v.tag(TAG_VERSION).map(str::to_owned),
                        key: v.tag(TAG_KEY).map(str::to_owned),
                        metrics: v
                            .run_id
                            .as_ref()
                            .and_then(|r| metrics.get(r).copied().flatten()),
                        created_at: Utc
                            .timestamp_millis_opt(v.creation_timestamp)
                            .single()
                            .unwrap_or_else(Utc::now),
                        framework: v.tag(TAG_FRAMEWORK).map(str::to_owned),
                        size_bytes: v.tag(TAG_SIZE).and_then(|s| s.parse().ok()),
                        run_id: v.run_id.filter(|r| !r.is_empty()),
                        source: v.source,
                        mlflow_version: v.version,
                    })
                    .collect(),
                name: m.name,
            }
        })
        .collect())
}

async fn read_models(client: &Client, opts: &SyncOptions) -> Result<Vec<RegisteredModel>> {
    let mut models: Vec<RegisteredModel> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        opts.check()?;
        let (page, next) = client
            .registered_models_page(opts.models_page, token.as_deref())
            .await?;
        models.extend(page);
        opts.report(Progress::Models(models.len() as u64));
        match next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    // MLflow's pages are offsets: a model registered between two requests shifts the rest, so a name can
    // come twice. The first copy is kept.
    let mut seen = HashSet::new();
    models.retain(|m| seen.insert(m.name.clone()));
    Ok(models)
}

/// Every version of the server, by model name, without the duplicates offset pages can give.
async fn read_versions(
    client: &Client,
    opts: &SyncOptions,
) -> Result<BTreeMap<String, Vec<ModelVersion>>> {
    let mut versions: BTreeMap<String, Vec<ModelVersion>> = BTreeMap::new();
    let mut seen_versions = HashSet::new();
    let mut token: Option<String> = None;
    let mut count = 0u64;
    loop {
        opts.check()?;
        let (page, next) = client
            .model_versions_page(None, opts.versions_page, token.as_deref())
            .await?;
        for v in page {
            if seen_versions.insert((v.name.clone(), v.version.clone())) {
                count += 1;
                versions.entry(v.name.clone()).or_default().push(v);
            }
        }
        opts.report(Progress::Versions(count));
        match next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(versions)
}

/// The metrics of the runs of the versions new here, in batched searches side by side. A run that logged
/// none of the six names maps to None (unknown).
async fn read_metrics(
    client: &Client,
    versions: &BTreeMap<String, Vec<ModelVersion>>,
    known: &HashSet<(String, String)>,
    opts: &SyncOptions,
) -> Result<HashMap<String, Option<Metrics>>> {
    let run_ids: Vec<String> = versions
        .values()
        .flatten()
        .filter(|v| !known.contains(&(v.name.clone(), v.version.clone())))
        .filter_map(|v| v.run_id.clone())
        .filter(|r| !r.is_empty())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut metrics = HashMap::new();
    if run_ids.is_empty() {
        return Ok(metrics);
    }
    opts.check()?;
    let experiments = client.experiment_ids().await?;
    let total = run_ids.len() as u64;
    let mut done = 0u64;
    let mut stream = futures::stream::iter(run_ids.chunks(RUNS_PER_SEARCH).map(|batch| {
        let experiments = &experiments;
        async move {
            opts.check()?;
            client
                .runs_by_id(experiments, batch)
                .await
                .map(|runs| (batch.len(), runs))
        }
    }))
    .buffer_unordered(opts.parallel.max(1));
    while let Some((n, runs)) = stream.try_next().await? {
        done += n as u64;
        opts.report(Progress::Runs { done, total });
        for run in runs {
            let m = metrics_from_run(|k| {
                run.data
                    .metrics
                    .iter()
                    .find(|x| x.key == k)
                    .map(|x| x.value)
            });
            metrics.insert(run.info.run_id, m);
        }
    }
    Ok(metrics)
}
