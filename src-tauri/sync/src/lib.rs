//! ModelOps as a local-first client of a team's MLflow tracking server (docs/adr/0019-mlflow-sync.md).
//!
//! A sync pulls (every registered model and version, through every page; the runs' metrics of the versions
//! new here) and then pushes the outbox (the local changes to shared models, in order per model). The
//! registry side — what is shared, the outbox, conflicts, applying a pull — is `modelops_core::remote`;
//! this crate is the HTTP side and the keyring, and it sits above the core: app and CLI → sync → core.
//!
//! The HTTP client lives here only: the page never talks to the network, and nothing here listens.

mod client;
mod error;
mod pull;
mod push;
pub mod secrets;

use chrono::Utc;
use modelops_core::remote::{
    ConnectionReport, PullApplied, RemoteModel, RemoteSettings, SyncReport,
};
use modelops_core::task::{CancelToken, TaskPhase, TaskProgress};
use modelops_core::{ErrorCode, Registry};

pub use client::ClientOptions;
pub use error::{Result, SyncError};

/// How far a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Registered models read so far.
    Models(u64),
    /// Model versions read so far.
    Versions(u64),
    /// Runs read for the metrics of new versions.
    Runs { done: u64, total: u64 },
    /// Everything is read; taking in the last models read (each batch one transaction).
    Applying,
    /// Taken in.
    Applied,
    /// Local changes sent.
    Pushed { done: u64, total: u64 },
}

impl From<Progress> for TaskProgress {
    /// The page's progress bar speaks `TaskProgress`; a count whose end MLflow does not tell has total 0.
    fn from(p: Progress) -> TaskProgress {
        let (phase, done, total) = match p {
            Progress::Models(n) => (TaskPhase::ReadingModels, n, 0),
            Progress::Versions(n) => (TaskPhase::ReadingVersions, n, 0),
            Progress::Runs { done, total } => (TaskPhase::FetchingMetrics, done, total),
            Progress::Applying => (TaskPhase::TakingIn, 0, 1),
            Progress::Applied => (TaskPhase::TakingIn, 1, 1),
            Progress::Pushed { done, total } => (TaskPhase::Pushing, done, total),
        };
        TaskProgress { phase, done, total }
    }
}

/// Knobs of one sync. The defaults suit a real server; tests shrink the pages to cross them.
pub struct SyncOptions {
    pub client: ClientOptions,
    /// Registered models per page (MLflow allows up to 1000).
    pub models_page: u32,
    /// Model versions per page.
    pub versions_page: u32,
    /// Requests in flight at once while pushing (models side by side; each model's order is kept).
    pub parallel: usize,
    /// Run searches in flight at once while pulling. Each is a few hundred milliseconds of one server
    /// worker's CPU: more in flight than the server has workers only makes them share the workers, and
    /// the answers then come in bunches the take-in waits for (10 000 runs: 5.2 s with 8 in flight, 4.8 s
    /// with 2; BENCHMARKS.md). Two also leave a team's server room for everyone else.
    pub searches: usize,
    /// Checked before every request and before each batch of models is taken in: a cancelled pull keeps
    /// the models it took in, each whole; a cancelled push stops between changes (each model's order kept,
    /// the rest waiting).
    pub cancel: CancelToken,
    pub progress: Option<Box<dyn Fn(Progress) + Send + Sync>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            client: ClientOptions::default(),
            models_page: 1000,
            versions_page: 10_000,
            parallel: 8,
            searches: 2,
            cancel: CancelToken::new(),
            progress: None,
        }
    }
}

impl SyncOptions {
    /// `SyncError::Cancelled` once the sync was asked to stop (the shell checks before waiting its turn).
    pub fn check_cancelled(&self) -> Result<()> {
        self.check()
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    }

    pub(crate) fn report(&self, p: Progress) {
        if let Some(f) = &self.progress {
            f(p);
        }
    }
}

/// Takes in the batches of whole models the pull hands on, as they come; batches that queued up while one
/// was being taken in go in together.
fn take_in(
    reg: &Registry,
    settings: &RemoteSettings,
    batches: std::sync::mpsc::Receiver<Vec<RemoteModel>>,
    now: chrono::DateTime<Utc>,
    opts: &SyncOptions,
) -> Result<PullApplied> {
    let mut total = PullApplied::default();
    while let Ok(mut models) = batches.recv() {
        models.extend(batches.try_iter().flatten());
        opts.check()?;
        let a = reg.apply_pull(settings, &models, now)?;
        total.new_models += a.new_models;
        total.new_versions += a.new_versions;
        total.changes_applied += a.changes_applied;
        total.conflicts.extend(a.conflicts);
        total.skipped.extend(a.skipped);
    }
    Ok(total)
}

fn client_for(settings: &RemoteSettings, opts: &ClientOptions) -> Result<client::Client> {
    client::Client::new(&settings.url, secrets::auth_for(settings)?, opts.clone())
}

/// The sync's own runtime: HTTP is async (parallel requests), the registry calls are blocking, and neither
/// runs on the app's async threads — callers run this on a blocking thread.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            SyncError::Registry(modelops_core::RegistryError::Internal(format!(
                "no async runtime: {e}"
            )))
        })
}

/// Asks the server what it is: its MLflow version and how many registered models this user sees. With
/// `secret`, that password or token is tried (the settings dialog tests before saving); without, the saved
/// one (keyring or environment variable).
pub fn test_connection(
    settings: &RemoteSettings,
    secret: Option<&str>,
    opts: &ClientOptions,
) -> Result<ConnectionReport> {
    let auth = match secret {
        Some(s) => secrets::auth_with(settings, s.to_owned()),
        None => secrets::auth_for(settings)?,
    };
    let client = client::Client::new(&settings.url, auth, opts.clone())?;
    runtime()?.block_on(async {
        let (models, next) = client.registered_models_page(1000, None).await?;
        let version = client.version().await?;
        Ok(ConnectionReport {
            server: settings.url.clone(),
            mlflow_version: version.unwrap_or_else(|| "unknown".to_owned()),
            registered_models: models.len() as u32,
            more: next.is_some(),
        })
    })
}

/// Pulls, then pushes, with the registry's configured server. Conflicts are not errors: they are in the
/// report, and the models concerned wait for the user. An error (unreachable, refused) leaves the outbox as
/// it was, minus what was already sent, and stays the status's `last_error` until a sync succeeds.
pub fn sync(reg: &Registry, opts: &SyncOptions) -> Result<SyncReport> {
    let result = sync_once(reg, opts);
    if let Err(e) = &result {
        // A cancel is the user's choice, not a failure; and a registry that can't record the failure has
        // a worse problem, which the error returned already says.
        if !matches!(
            e.code(),
            ErrorCode::Cancelled | ErrorCode::RemoteNotConfigured
        ) {
            let _ = reg.mark_sync_failed(&e.to_string());
        }
    }
    result
}

fn sync_once(reg: &Registry, opts: &SyncOptions) -> Result<SyncReport> {
    let settings = reg
        .remote_settings()?
        .ok_or(modelops_core::RegistryError::RemoteNotConfigured)?;
    let client = client_for(&settings, &opts.client)?;
    let rt = runtime()?;
    let known = reg.known_remote_versions(&settings.url)?;
    let now = Utc::now();
    // Models are taken in on a thread of their own while the rest is read (pull.rs), each batch in its own
    // transaction: a user's change waits for one batch at most, and a pull that is cancelled or fails half
    // way keeps the models it took in, each whole; the next sync goes on from there.
    let (read, applied) = std::thread::scope(|s| {
        let (batches, received) = std::sync::mpsc::channel::<Vec<RemoteModel>>();
        let taker = s.spawn(|| take_in(reg, &settings, received, now, opts));
        let read = rt.block_on(pull::read_server(
            &client.fresh_connections(),
            &settings,
            &known,
            opts,
            // The taker stops only on an error of its own, which is the one reported.
            |batch| batches.send(batch).map_err(|_| SyncError::Cancelled),
        ));
        drop(batches);
        if read.is_ok() {
            opts.report(Progress::Applying);
        }
        let applied = taker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, applied)
    });
    let applied = applied?;
    let remote_models = read?;
    opts.report(Progress::Applied);
    rt.block_on(async {
        let pushed = push::Pusher::new(&client, reg, &settings, opts)
            .push()
            .await?;
        reg.mark_synced(Utc::now())?;
        let status = reg.remote_status()?;
        let mut conflicts = applied.conflicts;
        conflicts.extend(pushed.conflicts);
        Ok(SyncReport {
            server: settings.url.clone(),
            remote_models,
            new_models: applied.new_models,
            new_versions: applied.new_versions,
            changes_applied: applied.changes_applied,
            pushed: pushed.sent,
            waiting: status.waiting,
            conflicts,
            skipped: applied.skipped,
            requests: client.requests(),
        })
    })
}
