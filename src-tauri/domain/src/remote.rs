//! The team registry: the wire types of syncing with an MLflow tracking server (docs/adr/0019-mlflow-sync.md)
//! and the pure rules of the mapping between MLflow's registered models, versions and aliases and ModelOps'
//! models, versions and statuses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::types::{Metrics, Status};

/// The version tag that carries the ModelOps semver of a version pushed by ModelOps.
pub const TAG_VERSION: &str = "modelops.version";
/// The version tag (and run tag) that makes a push idempotent: `<local model id>/<version>`. A push looks it
/// up before creating anything, so a push that died half way never creates a version twice.
pub const TAG_KEY: &str = "modelops.key";
/// The registered-model tag that marks a model archived (MLflow has no archived state of its own).
pub const TAG_ARCHIVED: &str = "modelops.archived";
/// The registered-model tag naming the local model a share created, so a resumed share recognises it.
pub const TAG_ORIGIN: &str = "modelops.origin";
/// Version tags carrying what MLflow has no field for: the framework and the artifact's size in bytes. A
/// version another client created has neither; it then shows "unknown" and "—".
pub const TAG_FRAMEWORK: &str = "modelops.framework";
pub const TAG_SIZE: &str = "modelops.size_bytes";
/// The experiment the runs of pushed versions are logged in.
pub const EXPERIMENT: &str = "modelops-registry";

/// The run metric names ModelOps reads and writes, in the order of `Metrics`' fields. A version's metrics
/// are known when its run logged all six.
pub const METRIC_NAMES: [&str; 6] = [
    "accuracy",
    "latency_ms",
    "throughput_rps",
    "uptime_pct",
    "ai_confidence",
    "error_rate",
];

/// How ModelOps authenticates to the server. The secret itself is never part of this: it is in the OS
/// keyring, or in the environment variable named here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuthKind {
    None,
    /// MLflow's basic-auth app: a username and a password.
    Basic,
    /// A bearer token (a proxy in front of MLflow, Databricks-style).
    Token,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Basic => "basic",
            AuthKind::Token => "token",
        }
    }

    pub fn parse(s: &str) -> Option<AuthKind> {
        [AuthKind::None, AuthKind::Basic, AuthKind::Token]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The team server as configured: stored in the registry's settings, so the app and the CLI agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteSettings {
    /// The tracking URI, e.g. `http://mlflow.internal:5000`.
    pub url: String,
    pub auth: AuthKind,
    pub username: Option<String>,
    /// The environment variable that holds the password or token, when it does not come from the keyring.
    pub secret_env: Option<String>,
    /// The MLflow alias that means production (default `production`; many teams use `champion`).
    pub production_alias: String,
    /// The MLflow alias that means staging (default `staging`; or `challenger`).
    pub staging_alias: String,
}

pub const DEFAULT_PRODUCTION_ALIAS: &str = "production";
pub const DEFAULT_STAGING_ALIAS: &str = "staging";

/// What the header and `modelops remote show` say about syncing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteStatus {
    pub settings: Option<RemoteSettings>,
    /// Local changes to shared models not yet pushed ("3 changes waiting").
    pub waiting: u32,
    /// Shared models in conflict with the server, waiting for the user's choice.
    pub conflicts: Vec<SyncConflict>,
    /// Models of this server in the local registry.
    pub shared_models: u32,
    pub last_sync: Option<DateTime<Utc>>,
    /// Why the last push of a waiting change failed, if it did.
    pub last_error: Option<String>,
}

/// A shared model whose alias the server moved while a local change to it was waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncConflict {
    pub model_id: String,
    pub name: String,
    /// The MLflow alias in question (the configured production or staging alias).
    pub alias: String,
    /// The MLflow version number the alias pointed at when last synced (None: not set).
    pub base: Option<String>,
    /// Where it points on the server now.
    pub server: Option<String>,
    /// What the local side wants, in words ("production at 1.3.0").
    pub local: String,
}

impl SyncConflict {
    /// One line for the CLI: both sides named.
    pub fn line(&self) -> String {
        format!(
            "{} ({}): server has {} → {}, local has {} (last synced: {})",
            self.name,
            self.model_id,
            self.alias,
            self.server
                .as_deref()
                .map_or("nothing".to_owned(), |v| format!("version {v}")),
            self.local,
            self.base
                .as_deref()
                .map_or("not set".to_owned(), |v| format!("version {v}")),
        )
    }
}

/// The user's answer to a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConflictChoice {
    /// Drop the waiting local changes; the next pull applies the server's state.
    TakeServer,
    /// Keep the local state; the next push moves the alias over the server's.
    KeepMine,
}

/// The MLflow side of a model, shown in its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteLink {
    pub server: String,
    pub mlflow_name: String,
    /// The page of the model in MLflow's UI.
    pub web_url: String,
    /// Local version → MLflow version number, for the versions the server has.
    pub versions: Vec<RemoteVersionLink>,
    pub production: Option<String>,
    pub staging: Option<String>,
    pub waiting: u32,
    pub conflict: Option<SyncConflict>,
    pub synced_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteVersionLink {
    pub version: String,
    pub mlflow_version: String,
    pub metrics_known: bool,
}

/// What one sync did, for the toast and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    pub server: String,
    /// Registered models the server has.
    pub remote_models: u32,
    pub new_models: u32,
    pub new_versions: u32,
    /// Alias or archive changes seen on the server and applied here.
    pub changes_applied: u32,
    /// Local changes sent.
    pub pushed: u32,
    /// Local changes still waiting (conflicts, or the push stopped).
    pub waiting: u32,
    pub conflicts: Vec<SyncConflict>,
    /// Server models not taken in, with why (a local model of the same name that is not shared).
    pub skipped: Vec<String>,
    /// HTTP requests made.
    pub requests: u32,
}

/// What `Test connection` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionReport {
    pub server: String,
    pub mlflow_version: String,
    /// Registered models visible to this user (the first page: up to 1000).
    pub registered_models: u32,
    /// More than the first page.
    pub more: bool,
}

/// The settings dialog's Save and Test connection: the settings, and the password or token typed in (None:
/// keep the saved one). The secret goes to the OS keyring, never to the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SaveRemoteRequest {
    pub settings: RemoteSettings,
    #[serde(default)]
    #[ts(optional)]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResolveConflictRequest {
    pub model_id: String,
    pub choice: ConflictChoice,
}

/// One registered model as the server has it, whole (its versions, their runs' metrics): what a pull takes in.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteModel {
    pub name: String,
    pub versions: Vec<RemoteVersion>,
    /// MLflow version numbers the production and staging aliases point at.
    pub production: Option<String>,
    pub staging: Option<String>,
    pub archived: bool,
    /// The `modelops.origin` tag, if ModelOps created it.
    pub origin: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteVersion {
    /// MLflow's version number ("1", "2", ...).
    pub mlflow_version: String,
    /// The `modelops.version` tag.
    pub tagged_version: Option<String>,
    /// The `modelops.key` tag.
    pub key: Option<String>,
    pub run_id: Option<String>,
    /// From the run: None unless all six metric names were logged.
    pub metrics: Option<Metrics>,
    pub created_at: DateTime<Utc>,
    pub source: Option<String>,
    /// The `modelops.framework` tag.
    pub framework: Option<String>,
    /// The `modelops.size_bytes` tag.
    pub size_bytes: Option<i64>,
}

/// The state the aliases and the archived mark give a model. `fallback` is the version a model without an
/// alias is shown at (its current version, or the newest for a model seen for the first time).
pub fn status_from_aliases(
    production: Option<&str>,
    staging: Option<&str>,
    archived: bool,
    fallback: &str,
) -> (Status, String) {
    if archived {
        (Status::Archived, fallback.to_owned())
    } else if let Some(v) = production {
        (Status::Production, v.to_owned())
    } else if let Some(v) = staging {
        (Status::Staging, v.to_owned())
    } else {
        (Status::Development, fallback.to_owned())
    }
}

/// The ModelOps version of an MLflow version that has no valid `modelops.version` tag: `N.0.0` for MLflow
/// version N, or `N.0.0+mlflow.N` when `N.0.0` is taken by a tagged version of the same model.
pub fn derived_version(mlflow_version: &str, taken: impl Fn(&str) -> bool) -> String {
    let plain = format!("{mlflow_version}.0.0");
    if taken(&plain) {
        format!("{plain}+mlflow.{mlflow_version}")
    } else {
        plain
    }
}

/// The metrics of a run, when it logged every one of ModelOps' names with a value in range.
pub fn metrics_from_run(get: impl Fn(&str) -> Option<f64>) -> Option<Metrics> {
    let [a, l, t, u, c, e] = METRIC_NAMES.map(&get);
    let m = Metrics {
        accuracy: a?,
        latency: l?,
        throughput: t?,
        uptime: u?,
        ai_confidence: c?,
        error_rate: e?,
    };
    let in_range = (0.0..=1.0).contains(&m.accuracy)
        && m.latency >= 0.0
        && m.throughput >= 0.0
        && (0.0..=100.0).contains(&m.uptime)
        && (0.0..=1.0).contains(&m.ai_confidence)
        && (0.0..=1.0).contains(&m.error_rate);
    in_range.then_some(m)
}

/// The metrics as (name, value) pairs for logging in a run.
pub fn metrics_for_run(m: &Metrics) -> [(&'static str, f64); 6] {
    [
        (METRIC_NAMES[0], m.accuracy),
        (METRIC_NAMES[1], m.latency),
        (METRIC_NAMES[2], m.throughput),
        (METRIC_NAMES[3], m.uptime),
        (METRIC_NAMES[4], m.ai_confidence),
        (METRIC_NAMES[5], m.error_rate),
    ]
}

/// The idempotency key of a local version.
pub fn version_key(model_id: &str, version: &str) -> String {
    format!("{model_id}/{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_give_the_status_production_first_and_archived_over_all() {
        assert_eq!(
            status_from_aliases(Some("3"), Some("4"), false, "4"),
            (Status::Production, "3".into())
        );
        assert_eq!(
            status_from_aliases(None, Some("4"), false, "5"),
            (Status::Staging, "4".into())
        );
        assert_eq!(
            status_from_aliases(None, None, false, "5"),
            (Status::Development, "5".into())
        );
        assert_eq!(
            status_from_aliases(Some("3"), None, true, "5"),
            (Status::Archived, "5".into())
        );
    }

    #[test]
    fn a_derived_version_steps_aside_for_a_tagged_one() {
        assert_eq!(derived_version("3", |_| false), "3.0.0");
        assert_eq!(derived_version("3", |v| v == "3.0.0"), "3.0.0+mlflow.3");
    }

    #[test]
    fn metrics_need_all_six_names_in_range() {
        let all = |k: &str| {
            Some(match k {
                "accuracy" => 0.9,
                "latency_ms" => 12.0,
                "throughput_rps" => 100.0,
                "uptime_pct" => 99.9,
                "ai_confidence" => 0.8,
                "error_rate" => 0.01,
                _ => return None,
            })
        };
        let m = metrics_from_run(all).expect("all six");
        assert_eq!(m.latency, 12.0);
        assert!(metrics_from_run(|k| if k == "uptime_pct" { None } else { all(k) }).is_none());
        assert!(metrics_from_run(|k| if k == "accuracy" { Some(1.5) } else { all(k) }).is_none());
        let pairs = metrics_for_run(&m);
        assert!(pairs.iter().all(|(k, v)| all(k) == Some(*v)));
    }
}
