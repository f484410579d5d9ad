//! Pull: every registered model and version of the server, through every page, with the metrics of the
//! runs of versions the registry does not have yet (batched searches, never a request per version).
//!
//! A model is handed on to be taken in as soon as it is whole — its registered model read, every version
//! page read, and the runs of its new versions answered — so a first pull takes models in while the rest
//! of the server is still being read, instead of after (BENCHMARKS.md, "Team sync").

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use modelops_core::remote::{
    metrics_from_run, RemoteModel, RemoteSettings, RemoteVersion, TAG_ARCHIVED, TAG_FRAMEWORK,
    TAG_KEY, TAG_ORIGIN, TAG_SIZE, TAG_VERSION,
};
use modelops_core::types::Metrics;

use crate::client::{Client, ModelVersion, RegisteredModel, Run};
use crate::error::Result;
use crate::{Progress, SyncOptions};

/// Runs per search request: the filter lists their ids. MLflow's server spends about 50 ms on a search
/// besides its runs: 100 ids cost 1.1 ms a run, 500 ids 0.6 ms, about what a plain page of runs costs.
const RUNS_PER_SEARCH: usize = 500;

/// Reads the whole registry of the server, handing each model to `take_in` once it is whole (in batches:
/// whatever became whole with one answer). `known` are the versions already here: their runs are not read.
/// Returns how many registered models the server listed.
///
/// The registered models and the versions are read side by side (neither needs the other), and the runs'
/// metrics as soon as the versions are known, while the models' pages are still coming.
pub(crate) async fn read_server(
    client: &Client,
    settings: &RemoteSettings,
    known: &HashSet<(String, String)>,
    opts: &SyncOptions,
    take_in: impl FnMut(Vec<RemoteModel>) -> Result<()>,
) -> Result<u32> {
    let assembler = RefCell::new(Assembler::new(settings, known, take_in));
    let versions_and_metrics = async {
        let versions = read_versions(client, opts).await?;
        let runs = assembler.borrow_mut().set_versions(versions)?;
        read_metrics(client, runs, opts, |runs| {
            assembler.borrow_mut().add_runs(runs)
        })
        .await
    };
    let models = read_models(client, opts, |page| assembler.borrow_mut().add_models(page));
    futures::try_join!(models, versions_and_metrics)?;
    assembler.into_inner().finish()
}

/// Collects what the pages and searches bring and hands on each model once nothing it needs is missing.
struct Assembler<'a, F> {
    settings: &'a RemoteSettings,
    known: &'a HashSet<(String, String)>,
    take_in: F,
    /// Registered models read and not yet handed on.
    models: HashMap<String, RegisteredModel>,
    /// Every name the model pages gave. MLflow's pages are offsets: a model registered between two
    /// requests shifts the rest, so a name can come twice; the first copy is kept.
    listed: HashSet<String>,
    /// The names in the server's order, so that models are taken in (and their events written) in it.
    order: Vec<String>,
    /// Every version by model name, once all version pages are read.
    versions: Option<HashMap<String, Vec<ModelVersion>>>,
    /// How many runs each model still waits for.
    awaiting: HashMap<String, usize>,
    /// The models that wait for each run.
    waiting_on: HashMap<String, Vec<String>>,
    metrics: HashMap<String, Option<Metrics>>,
}

impl<'a, F: FnMut(Vec<RemoteModel>) -> Result<()>> Assembler<'a, F> {
    fn new(settings: &'a RemoteSettings, known: &'a HashSet<(String, String)>, take_in: F) -> Self {
        Assembler {
            settings,
            known,
            take_in,
            models: HashMap::new(),
            listed: HashSet::new(),
            order: Vec::new(),
            versions: None,
            awaiting: HashMap::new(),
            waiting_on: HashMap::new(),
            metrics: HashMap::new(),
        }
    }

    fn add_models(&mut self, page: Vec<RegisteredModel>) -> Result<()> {
        let mut names = Vec::new();
        for m in page {
            if self.listed.insert(m.name.clone()) {
                names.push(m.name.clone());
                self.order.push(m.name.clone());
                self.models.insert(m.name.clone(), m);
            }
        }
        self.hand_on(names)
    }

    /// Takes the versions and returns the runs to read: those of versions new here, each once.
    fn set_versions(
        &mut self,
        versions: HashMap<String, Vec<ModelVersion>>,
    ) -> Result<Vec<String>> {
        for (name, vs) in &versions {
            let mut runs: HashSet<&str> = HashSet::new();
            for v in vs {
                let Some(run) = v.run_id.as_deref().filter(|r| !r.is_empty()) else {
                    continue;
                };
                if !self.known.contains(&(v.name.clone(), v.version.clone())) && runs.insert(run) {
                    self.waiting_on
                        .entry(run.to_owned())
                        .or_default()
                        .push(name.clone());
                }
            }
            if !runs.is_empty() {
                self.awaiting.insert(name.clone(), runs.len());
            }
        }
        self.versions = Some(versions);
        // In the order of the models' names, which is the order MLflow lists registered models in: a run
        // answer then makes whole the models whose pages came first, and the take-in keeps pace with the
        // reading instead of waiting for the last page.
        let mut runs: Vec<(&str, &str)> = self
            .waiting_on
            .iter()
            .map(|(run, names)| {
                let first = names.iter().min().map(String::as_str).unwrap_or("");
                (first, run.as_str())
            })
            .collect();
        runs.sort_unstable();
        let runs = runs.into_iter().map(|(_, run)| run.to_owned()).collect();
        self.hand_on(self.waiting())?;
        Ok(runs)
    }

    /// A run that logged none of the six names maps to None (unknown).
    fn add_runs(&mut self, runs: Vec<Run>) -> Result<()> {
        let mut names = Vec::new();
        for run in runs {
            let m = metrics_from_run(|k| {
                run.data
                    .metrics
                    .iter()
                    .find(|x| x.key == k)
                    .map(|x| x.value)
            });
            for name in self.waiting_on.remove(&run.info.run_id).unwrap_or_default() {
                if let Some(n) = self.awaiting.get_mut(&name) {
                    *n -= 1;
                    if *n == 0 {
                        self.awaiting.remove(&name);
                        names.push(name);
                    }
                }
            }
            self.metrics.insert(run.info.run_id, m);
        }
        self.hand_on(names)
    }

    /// Hands on those of `names` that are whole now.
    fn hand_on(&mut self, names: Vec<String>) -> Result<()> {
        if self.versions.is_none() {
            return Ok(());
        }
        let mut whole = Vec::new();
        for name in names {
            if self.awaiting.contains_key(&name) {
                continue;
            }
            if let Some(m) = self.models.remove(&name) {
                whole.push(self.remote_model(m));
            }
        }
        if whole.is_empty() {
            return Ok(());
        }
        (self.take_in)(whole)
    }

    /// Everything is read: the models still waiting for a run the server did not return are handed on,
    /// that version's metrics unknown.
    fn finish(mut self) -> Result<u32> {
        let mut rest = Vec::new();
        for name in self.waiting() {
            if let Some(m) = self.models.remove(&name) {
                rest.push(self.remote_model(m));
            }
        }
        if !rest.is_empty() {
            (self.take_in)(rest)?;
        }
        Ok(self.order.len() as u32)
    }

    /// The models read and not handed on yet, in the server's order.
    fn waiting(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|n| self.models.contains_key(*n))
            .cloned()
            .collect()
    }

    fn remote_model(&mut self, m: RegisteredModel) -> RemoteModel {
        let vs = self
            .versions
            .as_mut()
            .and_then(|v| v.remove(&m.name))
            .unwrap_or_default();
        let metrics = &self.metrics;
        RemoteModel {
            production: m.alias(&self.settings.production_alias).map(str::to_owned),
            staging: m.alias(&self.settings.staging_alias).map(str::to_owned),
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
    }
}

async fn read_models(
    client: &Client,
    opts: &SyncOptions,
    mut page_read: impl FnMut(Vec<RegisteredModel>) -> Result<()>,
) -> Result<()> {
    let mut count = 0u64;
    let mut token: Option<String> = None;
    loop {
        opts.check()?;
        let (page, next) = client
            .registered_models_page(opts.models_page, token.as_deref())
            .await?;
        count += page.len() as u64;
        opts.report(Progress::Models(count));
        page_read(page)?;
        match next {
            Some(t) => token = Some(t),
            None => return Ok(()),
        }
    }
}

/// Every version of the server, by model name, without the duplicates offset pages can give.
async fn read_versions(
    client: &Client,
    opts: &SyncOptions,
) -> Result<HashMap<String, Vec<ModelVersion>>> {
    let mut versions: HashMap<String, Vec<ModelVersion>> = HashMap::new();
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

/// The runs with these ids, in batched searches side by side, each answer handed to `answered`.
async fn read_metrics(
    client: &Client,
    run_ids: Vec<String>,
    opts: &SyncOptions,
    mut answered: impl FnMut(Vec<Run>) -> Result<()>,
) -> Result<()> {
    if run_ids.is_empty() {
        return Ok(());
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
    .buffer_unordered(opts.searches.max(1));
    while let Some((n, runs)) = stream.try_next().await? {
        done += n as u64;
        opts.report(Progress::Runs { done, total });
        answered(runs)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings() -> RemoteSettings {
        RemoteSettings {
            url: "http://127.0.0.1:5000".into(),
            auth: modelops_core::remote::AuthKind::None,
            username: None,
            secret_env: None,
            production_alias: "production".into(),
            staging_alias: "staging".into(),
        }
    }

    fn models(names: &[&str]) -> Vec<RegisteredModel> {
        names
            .iter()
            .map(|n| serde_json::from_value(json!({ "name": n })).expect("model"))
            .collect()
    }

    /// Versions by model: (model, version, run).
    fn versions(vs: &[(&str, &str, &str)]) -> HashMap<String, Vec<ModelVersion>> {
        let mut out: HashMap<String, Vec<ModelVersion>> = HashMap::new();
        for (name, version, run) in vs {
            let v = json!({ "name": name, "version": version, "run_id": run });
            out.entry(name.to_string())
                .or_default()
                .push(serde_json::from_value(v).expect("version"));
        }
        out
    }

    fn run(id: &str, accuracy: f64) -> Run {
        let metrics: Vec<_> = [
            ("accuracy", accuracy),
            ("latency_ms", 30.0),
            ("throughput_rps", 100.0),
            ("uptime_pct", 99.0),
            ("ai_confidence", 0.9),
            ("error_rate", 0.01),
        ]
        .iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
        serde_json::from_value(json!({ "info": { "run_id": id }, "data": { "metrics": metrics } }))
            .expect("run")
    }

    /// Runs the assembler through `steps` and returns the names handed on after each step.
    fn handed(
        known: &[(&str, &str)],
        steps: impl FnOnce(&mut dyn FnMut(Step) -> Vec<String>),
    ) -> Vec<RemoteModel> {
        let settings = settings();
        let known: HashSet<(String, String)> = known
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let out = RefCell::new(Vec::<RemoteModel>::new());
        let mut a = Assembler::new(&settings, &known, |batch| {
            out.borrow_mut().extend(batch);
            Ok(())
        });
        let mut step = |s: Step| {
            let before = out.borrow().len();
            match s {
                Step::Models(m) => a.add_models(m).expect("models"),
                Step::Versions(v) => {
                    a.set_versions(v).expect("versions");
                }
                Step::Runs(r) => a.add_runs(r).expect("runs"),
            }
            out.borrow()[before..]
                .iter()
                .map(|m| m.name.clone())
                .collect()
        };
        steps(&mut step);
        a.finish().expect("finish");
        out.into_inner()
    }

    enum Step {
        Models(Vec<RegisteredModel>),
        Versions(HashMap<String, Vec<ModelVersion>>),
        Runs(Vec<Run>),
    }

    #[test]
    fn a_model_is_handed_on_once_its_page_its_versions_and_its_runs_are_in() {
        let all = handed(&[], |step| {
            assert!(
                step(Step::Models(models(&["a", "b", "c"]))).is_empty(),
                "no versions yet"
            );
            // c has no version: handed on with the versions, for the take-in to skip it.
            assert_eq!(
                step(Step::Versions(versions(&[
                    ("a", "1", "r1"),
                    ("b", "1", "r2"),
                    ("b", "2", "r3")
                ]))),
                ["c"]
            );
            assert_eq!(
                step(Step::Runs(vec![run("r3", 0.5), run("r1", 0.7)])),
                ["a"]
            );
            assert_eq!(step(Step::Runs(vec![run("r2", 0.6)])), ["b"]);
        });
        let b = all.iter().find(|m| m.name == "b").expect("b");
        let accuracy: Vec<_> = b
            .versions
            .iter()
            .map(|v| v.metrics.map(|m| m.accuracy))
            .collect();
        assert_eq!(accuracy, [Some(0.6), Some(0.5)]);
    }

    #[test]
    fn runs_answered_before_the_models_page_wait_for_it() {
        let all = handed(&[], |step| {
            assert!(step(Step::Versions(versions(&[
                ("a", "1", "r1"),
                ("b", "1", "r2")
            ])))
            .is_empty());
            assert!(step(Step::Runs(vec![run("r1", 0.7), run("r2", 0.6)])).is_empty());
            assert_eq!(step(Step::Models(models(&["b"]))), ["b"]);
            assert_eq!(
                step(Step::Models(models(&["a", "b"]))),
                ["a"],
                "b came twice: once is kept"
            );
        });
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn known_versions_wait_for_no_run_and_an_unanswered_run_leaves_its_metrics_unknown() {
        let all = handed(&[("a", "1")], |step| {
            step(Step::Models(models(&["a", "b"])));
            // a's only version is here already: its run is not read.
            assert_eq!(
                step(Step::Versions(versions(&[
                    ("a", "1", "r1"),
                    ("b", "1", "r2")
                ]))),
                ["a"]
            );
        });
        // r2 never came (a deleted run): b is handed on at the end, its metrics unknown.
        let b = all.iter().find(|m| m.name == "b").expect("b");
        assert_eq!(b.versions[0].metrics, None);
        assert_eq!(all.len(), 2);
    }
}
