//! The shapes that cross the IPC boundary. Field names are camelCase on the wire, like the seed's JSON, and
//! every type is exported to TypeScript by ts-rs (`cargo test` writes `ui/src/bindings/`).
//!
//! To add a field: add it here, run `cargo test`, commit the regenerated binding with the change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a model is in its lifecycle. See `lifecycle.rs` for the transitions between these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Status {
    Development,
    Staging,
    Production,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Development,
        Status::Staging,
        Status::Production,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Development => "development",
            Status::Staging => "staging",
            Status::Production => "production",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// The environments a model can be deployed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum DeployTarget {
    Staging,
    Production,
}

impl DeployTarget {
    pub fn status(self) -> Status {
        match self {
            DeployTarget::Staging => Status::Staging,
            DeployTarget::Production => Status::Production,
        }
    }
}

/// A model as the table shows it: the seed's model shape, with the metrics of its current version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub version: String,
    pub status: Status,
    /// 0.0–1.0
    pub accuracy: f64,
    /// Milliseconds.
    pub latency: f64,
    /// Requests per second.
    pub throughput: f64,
    /// Percent, 0–100.
    pub uptime: f64,
    pub framework: String,
    /// Human-readable, e.g. "2.5GB" (decimal units, like the seed).
    pub size: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// 0.0–1.0
    pub ai_confidence: f64,
    /// 0.0–1.0
    pub error_rate: f64,
    pub deployed_at: Option<DateTime<Utc>>,
    pub last_tested_at: Option<DateTime<Utc>>,
    /// The version a rollback would restore, if any.
    pub previous_version: Option<String>,
    /// "N/M" and outcome of the latest test run of the current version, if it was tested.
    pub last_test: Option<TestSummary>,
    /// True for the demo data seeded on first start: its metrics are illustrative, not measured.
    pub is_demo: bool,
    /// The team's MLflow server the model belongs to (docs/adr/0019-mlflow-sync.md); None: local only.
    pub team_server: Option<String>,
    /// False when the current version came from a team server whose run logged none of ModelOps' metrics:
    /// the metric fields are then placeholders, shown as "—".
    pub metrics_known: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestSummary {
    pub passed: u32,
    pub total: u32,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelList {
    pub models: Vec<Model>,
    pub total: u32,
    pub timestamp: DateTime<Utc>,
}

/// Registry-wide figures for the summary cards, computed by SQL aggregates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Summary {
    pub total: u32,
    pub development: u32,
    pub staging: u32,
    pub production: u32,
    pub archived: u32,
    pub running_ab_tests: u32,
    /// Mean accuracy of the models in production; None when none is.
    pub production_avg_accuracy: Option<f64>,
    /// Models whose latest test run of their current version failed at least one check.
    pub failing_tests: u32,
    /// Non-archived models whose current version has never been tested.
    pub untested: u32,
    /// Models that are still demo data (seeded, none of their versions the user's): what "Clear demo data"
    /// would remove. The page explains the demo while this is above zero.
    pub demo_models: u32,
}

/// The per-model thresholds "Run tests" checks the current version against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Thresholds {
    pub min_accuracy: f64,
    pub max_latency: f64,
    pub max_error_rate: f64,
    pub min_uptime: f64,
    pub min_ai_confidence: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_accuracy: 0.90,
            max_latency: 100.0,
            max_error_rate: 0.01,
            min_uptime: 99.5,
            min_ai_confidence: 0.85,
        }
    }
}

/// One registered version of a model with its own metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VersionInfo {
    pub version: String,
    pub accuracy: f64,
    pub latency: f64,
    pub throughput: f64,
    pub uptime: f64,
    pub ai_confidence: f64,
    pub error_rate: f64,
    pub size: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
    pub is_current: bool,
    pub is_demo: bool,
    pub framework: String,
    pub artifact: Option<Artifact>,
    pub notes: Option<String>,
    /// False for a version from a team server without ModelOps' metrics in its run (see `Model`).
    pub metrics_known: bool,
    pub tags: Vec<Tag>,
    /// Where and when this version was deployed (promotions, deployments and rollbacks to it), oldest first.
    pub deployments: Vec<Deployment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Artifact {
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Deployment {
    pub environment: Status,
    pub at: DateTime<Utc>,
    pub action: EventAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EventAction {
    Registered,
    Promoted,
    Deployed,
    RolledBack,
    Tested,
    AbTestStarted,
    /// Recorded by schema 3 and earlier; tests now end concluded or aborted.
    AbTestStopped,
    Archived,
    AbResultsImported,
    AbTestConcluded,
    AbTestAborted,
    /// The demo models were removed; recorded with model id '' because it concerns the whole registry.
    DemoDataCleared,
    /// A change seen on the team's MLflow server at a pull (MLflow keeps no history of its aliases, so this
    /// is the only record of when it was seen); the detail names the server and what changed.
    Synced,
}

impl EventAction {
    pub const ALL: [EventAction; 13] = [
        EventAction::Registered,
        EventAction::Promoted,
        EventAction::Deployed,
        EventAction::RolledBack,
        EventAction::Tested,
        EventAction::AbTestStarted,
        EventAction::AbTestStopped,
        EventAction::Archived,
        EventAction::AbResultsImported,
        EventAction::AbTestConcluded,
        EventAction::AbTestAborted,
        EventAction::DemoDataCleared,
        EventAction::Synced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventAction::Registered => "registered",
            EventAction::Promoted => "promoted",
            EventAction::Deployed => "deployed",
            EventAction::RolledBack => "rolled_back",
            EventAction::Tested => "tested",
            EventAction::AbTestStarted => "ab_test_started",
            EventAction::AbTestStopped => "ab_test_stopped",
            EventAction::Archived => "archived",
            EventAction::AbResultsImported => "ab_results_imported",
            EventAction::AbTestConcluded => "ab_test_concluded",
            EventAction::AbTestAborted => "ab_test_aborted",
            EventAction::DemoDataCleared => "demo_data_cleared",
            EventAction::Synced => "synced",
        }
    }

    pub fn parse(s: &str) -> Option<EventAction> {
        EventAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One recorded action. The deployment and test histories are queries over these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Event {
    #[ts(type = "number")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub model_id: String,
    pub action: EventAction,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
    pub detail: Option<String>,
    /// Who did it: the OS user of the app or CLI that recorded it.
    pub actor: String,
    pub reason: Option<String>,
    /// The model's state before and after, as JSON text (status, version, deployedAt).
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// SHA-256 over the previous event's hash and this event's content.
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Metric {
    Accuracy,
    Latency,
    ErrorRate,
    Uptime,
    AiConfidence,
}

/// Which side of the threshold passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
}

/// One check of a test run. Metric checks (absolute, regression) carry the metric, comparator, observed value
/// and the limit it was held to; artifact checks carry what was checked and a detail in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckResult {
    pub kind: CheckKind,
    /// None for artifact checks.
    pub metric: Option<Metric>,
    /// Artifact checks only.
    pub aspect: Option<ArtifactAspect>,
    pub comparator: Option<Comparator>,
    pub observed: Option<f64>,
    /// The limit: the absolute threshold, or for a regression check the production value moved by the margin.
    pub threshold: Option<f64>,
    /// `outcome == passed`, kept for readers that predate skipped checks.
    pub passed: bool,
    pub outcome: Outcome,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestRun {
    #[ts(type = "number")]
    pub id: i64,
    pub model_id: String,
    pub version: String,
    pub run_at: DateTime<Utc>,
    /// "passed/total passed": counted over the checks that were not skipped.
    pub passed: u32,
    pub total: u32,
    /// passed / total
    pub success_rate: f64,
    pub checks: Vec<CheckResult>,
    /// Checks that could not apply (no production version to compare with, no artifact recorded).
    pub skipped: u32,
    /// Whether this run lets its version through the production gate: every check that ran passed, and at
    /// least one ran.
    pub passes_gate: bool,
    /// The production version regression checks compared against, if any.
    pub baseline_version: Option<String>,
    /// The suite as it was when the run started; None for runs recorded before suites existed.
    pub suite: Option<Vec<SuiteCheck>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AbTestStatus {
    Running,
    /// Ended with a verdict computed from its imported results.
    Concluded,
    /// Ended without a verdict, for the reason recorded.
    Aborted,
}

/// An A/B test between two models. ModelOps is offline and routes no traffic: the results are counts the
/// user imports from a file (`ab.rs`), and concluding records the verdict of their analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbTest {
    pub id: String,
    pub model_a: String,
    pub model_a_name: String,
    pub version_a: String,
    pub model_b: String,
    pub model_b_name: String,
    pub version_b: String,
    /// Percent of traffic routed to model B (the challenger); model A gets the rest.
    pub traffic_split: u32,
    pub status: AbTestStatus,
    pub started_at: DateTime<Utc>,
    /// When it was concluded or aborted.
    pub ended_at: Option<DateTime<Utc>>,
    /// Significance level the verdict uses (two-sided).
    pub alpha: f64,
    /// Smallest absolute difference in success rate worth detecting (0.01 is one point).
    pub min_detectable_effect: f64,
    pub power: f64,
    /// Set once concluded.
    pub outcome: Option<AbOutcome>,
    /// The analysis in words as it was when the test was concluded.
    pub conclusion: Option<String>,
    /// Set once aborted.
    pub abort_reason: Option<String>,
    /// The winning side of a concluded test, with where that model stands now (for "deploy the winner").
    pub winner: Option<AbWinner>,
    /// The imported counts, A then B; empty until results are imported.
    pub results: Vec<AbVariantData>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelDetails {
    pub model: Model,
    pub thresholds: Thresholds,
    /// Newest first.
    pub versions: Vec<VersionInfo>,
    /// Newest first, at most `DETAIL_EVENTS_LIMIT`.
    pub events: Vec<Event>,
    /// Newest first, at most `DETAIL_TEST_RUNS_LIMIT`.
    pub test_runs: Vec<TestRun>,
    /// Tests this model takes part in, newest first.
    pub ab_tests: Vec<AbTest>,
}

/// The outcome of promote, deploy and archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TransitionResult {
    pub model: Model,
    pub from: Status,
    pub to: Status,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollbackResult {
    pub model: Model,
    pub rolled_back_from: String,
    pub rolled_back_to: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportResult {
    pub path: String,
    pub rows: u32,
}

/// What `clear_demo_data` removed; all zero when there was no demo data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClearDemoResult {
    pub models_removed: u32,
    pub versions_removed: u32,
    pub test_runs_removed: u32,
    pub ab_tests_removed: u32,
}

// ----- requests -----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelRef {
    pub model_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeployRequest {
    pub model_id: String,
    pub target_env: DeployTarget,
    /// Deploys to production although the version's latest test run did not pass; the reason (required,
    /// non-empty) goes to the audit log. Ignored for staging.
    #[serde(default)]
    #[ts(optional)]
    pub override_reason: Option<String>,
    /// What the caller saw of the model: the deploy is refused as CONFLICT if the model changed since.
    #[serde(default)]
    #[ts(optional)]
    pub expected: Option<Expected>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StartAbTestRequest {
    pub model_a: String,
    pub model_b: String,
    /// Percent of traffic to model B, 1–99. Signed so that an out-of-range value reaches validation and gets
    /// a clear message instead of a deserialization error.
    #[ts(type = "number")]
    pub traffic_split: i64,
    /// Significance level; 0.05 when left out.
    #[serde(default)]
    #[ts(optional)]
    pub alpha: Option<f64>,
    /// Smallest absolute difference in success rate worth detecting; 0.01 (one point) when left out.
    #[serde(default)]
    #[ts(optional)]
    pub min_detectable_effect: Option<f64>,
    /// 0.8 when left out.
    #[serde(default)]
    #[ts(optional)]
    pub power: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbTestRef {
    pub test_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportRequest {
    /// Absolute path chosen in the native save dialog.
    pub path: String,
    /// Export only what this view shows, in its order; None exports every model.
    #[serde(default)]
    #[ts(optional)]
    pub view: Option<ModelView>,
}

/// A column the models table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SortKey {
    Name,
    Version,
    Status,
    Accuracy,
    Latency,
    Throughput,
    Uptime,
    Framework,
    Size,
    AiConfidence,
    ErrorRate,
    DeployedAt,
    LastTestedAt,
}

impl SortKey {
    pub const ALL: [SortKey; 13] = [
        SortKey::Name,
        SortKey::Version,
        SortKey::Status,
        SortKey::Accuracy,
        SortKey::Latency,
        SortKey::Throughput,
        SortKey::Uptime,
        SortKey::Framework,
        SortKey::Size,
        SortKey::AiConfidence,
        SortKey::ErrorRate,
        SortKey::DeployedAt,
        SortKey::LastTestedAt,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SortDir {
    Asc,
    Desc,
}

/// Which models the table shows. Empty fields don't filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelFilter {
    /// Case-insensitive (ASCII) substring of the name.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// Any of these statuses; empty means all.
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// Exactly this framework.
    #[serde(default)]
    #[ts(optional)]
    pub framework: Option<String>,
}

/// A filter and an order: what the table shows, and what "export current view" writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelView {
    #[serde(default)]
    pub filter: ModelFilter,
    pub sort: SortKey,
    pub dir: SortDir,
}

impl Default for ModelView {
    fn default() -> Self {
        ModelView {
            filter: ModelFilter::default(),
            sort: SortKey::Name,
            dir: SortDir::Asc,
        }
    }
}

/// One window of the table: rows `offset .. offset + limit` of the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelQuery {
    pub view: ModelView,
    pub offset: u32,
    /// 1 to `MAX_PAGE` rows.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelPage {
    pub models: Vec<Model>,
    pub offset: u32,
    /// How many models match the filter (all pages).
    pub total: u32,
    pub timestamp: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FrameworkCount {
    pub framework: String,
    pub models: u32,
}

// ----- registration -----

/// A version's measured metrics, as registered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Metrics {
    /// 0–1
    pub accuracy: f64,
    /// Milliseconds, ≥ 0.
    pub latency: f64,
    /// Requests per second, ≥ 0.
    pub throughput: f64,
    /// Percent, 0–100.
    pub uptime: f64,
    /// 0–1
    pub ai_confidence: f64,
    /// 0–1
    pub error_rate: f64,
}

/// A new version of an existing model, or (with `RegisterModelRequest`) the first version of a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterVersionRequest {
    pub model_id: String,
    /// A semantic version greater than the model's latest.
    pub version: String,
    /// Defaults to the model's framework.
    #[serde(default)]
    #[ts(optional)]
    pub framework: Option<String>,
    pub metrics: Metrics,
    /// Size of the model; taken from the artifact when one is given.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub size_bytes: Option<i64>,
    /// A file whose size and SHA-256 are computed and stored.
    #[serde(default)]
    #[ts(optional)]
    pub artifact_path: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterModelRequest {
    pub name: String,
    pub framework: String,
    pub version: String,
    pub metrics: Metrics,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub size_bytes: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub artifact_path: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterResult {
    pub model: Model,
    pub version: VersionInfo,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollbackRequest {
    pub model_id: String,
    /// A version that was deployed before; by default the one in the model's environment before the
    /// current one (see `Model::previous_version`).
    #[serde(default)]
    #[ts(optional)]
    pub to_version: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
    /// What the caller saw of the model: the rollback is refused as CONFLICT if the model changed since.
    #[serde(default)]
    #[ts(optional)]
    pub expected: Option<Expected>,
}

/// An action on one model (promote, archive, run tests), optionally only while the model is as the caller
/// last saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionRequest {
    pub model_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub expected: Option<Expected>,
}

/// What a caller saw of a model when it decided on an action: the action goes through only if the model is
/// still in that state when the write transaction starts, so a decision made on stale state is refused as a
/// `CONFLICT` instead of silently applied over someone else's change (optimistic concurrency, ADR 0011).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Expected {
    pub status: Status,
    pub version: String,
}

impl Expected {
    pub fn new(status: Status, version: impl Into<String>) -> Expected {
        Expected {
            status,
            version: version.into(),
        }
    }

    /// What `model` shows now.
    pub fn of(model: &Model) -> Expected {
        Expected::new(model.status, model.version.clone())
    }
}

// ----- audit log -----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BrokenLink {
    #[ts(type = "number")]
    pub event_id: i64,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditReport {
    /// Events checked (up to the first broken one).
    pub events: u32,
    pub ok: bool,
    pub first_broken: Option<BrokenLink>,
    /// "id:hash" of the last event when the chain is intact.
    pub head: Option<String>,
}

/// Events filtered by model, actions and a time range, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimelineQuery {
    #[serde(default)]
    #[ts(optional)]
    pub model_id: Option<String>,
    #[serde(default)]
    pub actions: Vec<EventAction>,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<DateTime<Utc>>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<DateTime<Utc>>,
    #[serde(default)]
    pub offset: u32,
    /// 1–500
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimelineEvent {
    pub event: Event,
    pub model_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimelinePage {
    pub events: Vec<TimelineEvent>,
    pub offset: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProductionAtQuery {
    pub model_id: String,
    pub at: DateTime<Utc>,
}

/// Which version of a model was in production at a moment, from the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProductionAt {
    pub model_id: String,
    pub at: DateTime<Utc>,
    /// None when the model had nothing in production then.
    pub version: Option<String>,
    /// When that version entered production.
    pub since: Option<DateTime<Utc>>,
    /// When it left production, if it has.
    pub until: Option<DateTime<Utc>>,
}

// ----- quality gates (see `gates`) -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CheckKind {
    /// The metric against a fixed limit.
    Absolute,
    /// The metric against the production version's, with a margin.
    Regression,
    /// The artifact file: present, same size, same SHA-256 as registered.
    Artifact,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Absolute => "absolute",
            CheckKind::Regression => "regression",
            CheckKind::Artifact => "artifact",
        }
    }

    pub fn parse(s: &str) -> Option<CheckKind> {
        [
            CheckKind::Absolute,
            CheckKind::Regression,
            CheckKind::Artifact,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Outcome {
    Passed,
    Failed,
    /// The check could not apply to this version; it counts neither way.
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }
}

/// What an artifact check result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ArtifactAspect {
    Present,
    Size,
    Sha256,
}

impl ArtifactAspect {
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactAspect::Present => "present",
            ArtifactAspect::Size => "size",
            ArtifactAspect::Sha256 => "sha256",
        }
    }

    pub fn parse(s: &str) -> Option<ArtifactAspect> {
        [
            ArtifactAspect::Present,
            ArtifactAspect::Size,
            ArtifactAspect::Sha256,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One check of a suite, as edited and as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuiteCheck {
    pub kind: CheckKind,
    /// Absolute and regression checks; None for the artifact check. A string on the way in so that an
    /// unknown metric gets an `INVALID_INPUT` message rather than a deserialization error.
    #[ts(as = "Option<Metric>")]
    pub metric: Option<String>,
    /// Absolute checks: the limit (at least for accuracy, uptime, AI confidence; at most for latency and
    /// error rate), in the metric's unit.
    pub threshold: Option<f64>,
    /// Regression checks: how much worse than production is tolerated, in the metric's unit...
    pub margin_abs: Option<f64>,
    /// ...or as a fraction of the production value (0.05 = 5 %). Exactly one of the two.
    pub margin_rel: Option<f64>,
    pub enabled: bool,
}

// ----- A/B tests (see `ab`) -----

/// How a concluded test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AbOutcome {
    AWins,
    BWins,
    Inconclusive,
}

impl AbOutcome {
    pub fn as_sql(self) -> &'static str {
        match self {
            AbOutcome::AWins => "a_wins",
            AbOutcome::BWins => "b_wins",
            AbOutcome::Inconclusive => "inconclusive",
        }
    }

    pub fn parse_sql(s: &str) -> Option<AbOutcome> {
        [AbOutcome::AWins, AbOutcome::BWins, AbOutcome::Inconclusive]
            .into_iter()
            .find(|o| o.as_sql() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum AbVariant {
    A,
    B,
}

/// The winning side of a concluded test and where its model stands now. The UI offers deploying it to
/// production through the ordinary deploy command, which deploys the model's *current* version: when that
/// is no longer the version tested, `currentVersion` differs from `version` and the offer is withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbWinner {
    pub variant: AbVariant,
    pub model_id: String,
    pub model_name: String,
    /// The version that won the test.
    pub version: String,
    pub current_version: String,
    pub current_status: Status,
}

/// What was imported for one variant (the latency samples themselves stay in the registry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AbVariantData {
    pub variant: AbVariant,
    #[ts(type = "number")]
    pub assignments: u64,
    #[ts(type = "number")]
    pub requests: u64,
    #[ts(type = "number")]
    pub successes: u64,
    pub latency_samples: u32,
    /// The file said these numbers are simulated, not measured.
    pub simulated: bool,
    /// File name (without its folder) the counts came from.
    pub source_file: String,
    pub imported_at: DateTime<Utc>,
}

/// Decimal units like the seed ("2.5GB", "850MB"). No size at all (0: a model pulled from an MLflow server,
/// which records none, or registered without one) is "—", not a misleading "0B".
pub fn format_size(bytes: i64) -> String {
    if bytes <= 0 {
        return "—".to_owned();
    }
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)];
    let b = bytes as f64;
    for (unit, scale) in UNITS {
        if b >= scale {
            let v = b / scale;
            let s = format!("{v:.1}");
            let s = s.strip_suffix(".0").unwrap_or(&s);
            return format!("{s}{unit}");
        }
    }
    format!("{bytes}B")
}

#[cfg(test)]
mod size_tests {
    use super::format_size;

    #[test]
    fn sizes_in_decimal_units_and_no_size_as_a_dash() {
        assert_eq!(format_size(2_500_000_000), "2.5GB");
        assert_eq!(format_size(850_000_000), "850MB");
        assert_eq!(format_size(999), "999B");
        assert_eq!(format_size(0), "—");
    }
}
