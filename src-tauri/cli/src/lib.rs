//! The command line: `modelops <command>` runs one registry operation and exits; without a command it
//! starts the desktop app, `modelops-app`, found beside it ([`app`]). This crate links the registry core and
//! the argument parser only, never Tauri, GTK or WebKit, so a command starts in about a millisecond and runs
//! headless, with no display (docs/adr/0020-cli-without-gtk.md).
//!
//! Every command calls the registry core directly (`modelops_core::Registry`), the same operations the app's
//! commands run. Output is human-readable by default (`output.rs`), or with `--json` the core's serde types
//! as one JSON document, exactly as the UI receives them.
//!
//! To add a command: a variant of [`Command`] (its doc comment is its `--help`), an arm in [`execute`], and a
//! human rendering in `output.rs`; then a case in `tests/cli.rs` and a line in the README.

pub mod app;
mod output;
mod table;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args as ClapArgs, CommandFactory, Parser, Subcommand, ValueEnum};
use modelops_core::import::ImportRequest;
use modelops_core::opening::{Current, RegistryHome};
use modelops_core::remote::{AuthKind, ConflictChoice, RemoteSettings};
use modelops_core::types::{
    DeployTarget, EventAction, Metrics, ModelFilter, ModelQuery, ModelView, ProductionAtQuery,
    RegisterModelRequest, RegisterVersionRequest, RollbackRequest, SortDir, SortKey,
    StartAbTestRequest, Status, Tag, TimelineQuery,
};
use modelops_core::{ErrorCode, Registry, RegistryError};
use serde::Serialize;

// ----- exit codes -----

/// The command did what was asked.
pub const EXIT_OK: i32 = 0;
/// Anything else went wrong: a file could not be read or written, the registry is damaged or newer, ...
pub const EXIT_FAILURE: i32 = 1;
/// The command line was wrong (clap's own code for usage errors).
pub const EXIT_USAGE: i32 = 2;
/// The registry refused the action (NOT_FOUND, ILLEGAL_TRANSITION, NO_PREVIOUS_VERSION, INVALID_INPUT,
/// CONFLICT); nothing was changed.
pub const EXIT_REFUSED: i32 = 3;
/// `verify-audit` found the audit log's hash chain broken.
pub const EXIT_AUDIT_BROKEN: i32 = 4;

/// The exit codes as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "\
Without a command, modelops starts the desktop app.

Exit codes:
  0  success
  1  failure (file or database error: IO, INTERNAL, CORRUPT_DATABASE, SCHEMA_TOO_NEW, READ_ONLY,
     DISK_FULL; or the team server could not be reached or refused: REMOTE_*, KEYRING_UNAVAILABLE)
  2  usage error (bad command line)
  3  refused by the registry (NOT_FOUND, ILLEGAL_TRANSITION, NO_PREVIOUS_VERSION, INVALID_INPUT,
     CONFLICT, GATE_BLOCKED); nothing was changed. The reason is printed to stderr as error[CODE]: message.
     sync: a model is in conflict with the server (one line each on stderr)
  4  verify-audit: the audit log's hash chain is broken";

// ----- the program -----

/// The command line. With a command it runs that command and exits; without one it starts the desktop app
/// ([`main`]).
#[derive(Debug, Parser)]
#[command(
    name = "modelops",
    version,
    about = "ModelOps: an offline registry for machine-learning models",
    after_help = EXIT_CODES_HELP
)]
pub struct Args {
    /// Folder holding the registry (registry.sqlite3). Defaults to the OS app-data folder.
    #[arg(long, env = "MODELOPS_DATA_DIR", value_name = "PATH", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Print the result as one JSON document (the registry's own types) instead of text. Commands only.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Runs the parsed command line and returns the process exit code. Without a command this starts the
/// desktop app in this process's place, and returns only if that failed.
pub fn main(args: Args) -> i32 {
    let Args {
        data_dir,
        json,
        command,
    } = args;
    if let Some(command) = command {
        return run(command, data_dir, json);
    }
    if json {
        // The app would ignore it, and a script that forgot its command should not get a window.
        Args::command()
            .error(
                clap::error::ErrorKind::MissingSubcommand,
                "--json applies to commands (e.g. `modelops --json list`); the desktop app takes no --json",
            )
            .exit();
    }
    match app::launch(data_dir.as_deref()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILURE
        }
    }
}

// ----- data directory -----

/// The app's bundle identifier, as in tauri.conf.json (a unit test below keeps the two equal).
pub const APP_IDENTIFIER: &str = "dev.modelops.desktop";

/// The folder the desktop app uses when neither `--data-dir` nor `MODELOPS_DATA_DIR` is given.
///
/// The app asks Tauri (`app.path().app_data_dir()`), which needs a built Tauri app; the CLI must not start
/// one (no GTK, no display), so it computes the same path the way Tauri does: `dirs::data_dir()` joined
/// with the bundle identifier. That is `~/.local/share/dev.modelops.desktop` on Linux (or under
/// `$XDG_DATA_HOME`), `~/Library/Application Support/dev.modelops.desktop` on macOS and
/// `%APPDATA%\dev.modelops.desktop` on Windows.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
}

// ----- arguments -----

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List models: one page of the table, filtered and sorted
    List(ListArgs),
    /// Show a model: metrics and thresholds, versions with their deployments, recent events, test runs
    Show {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
    },
    /// Register a new model (--name, --framework) or a new version of one (--model)
    Register(Box<RegisterArgs>),
    /// Deploy a model's current version (to production unless --to staging)
    Deploy {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
        /// Environment to deploy to
        #[arg(long = "to", value_enum, default_value_t = Target::Production)]
        to: Target,
        /// Deploy to production although the version's latest test run did not pass; the reason is
        /// recorded in the audit log
        #[arg(long = "override-gate", value_name = "REASON")]
        override_gate: Option<String>,
    },
    /// Promote a model from development to staging
    Promote {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
    },
    /// Make an earlier deployed version current again (by default the one before the current one)
    Rollback {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
        /// A version that ran in staging or production before
        #[arg(long = "to", value_name = "VERSION")]
        to: Option<String>,
        /// Why, recorded in the audit log
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Run the model's test suite against its current version and record the run
    Test {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
    },
    /// Archive a model
    Archive {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
    },
    /// Start, import results into, analyze, conclude, abort or list A/B tests
    #[command(subcommand)]
    AbTest(AbTestCommand),
    /// Write every model (or, with --audit, the audit log) to a CSV file
    Export {
        /// The CSV file to write (replaced atomically if it exists)
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Export the audit log instead of the models
        #[arg(long)]
        audit: bool,
    },
    /// Import the legacy app's models.json (and ab_tests.json), all or nothing; importing twice changes nothing
    Import {
        /// The legacy models.json
        #[arg(value_name = "MODELS_JSON")]
        models: PathBuf,
        /// A/B tests to import with the models
        #[arg(long, value_name = "AB_TESTS_JSON")]
        ab_tests: Option<PathBuf>,
        /// Show what would be created, updated or left unchanged, without writing anything
        #[arg(long)]
        dry_run: bool,
    },
    /// Back the registry up now (into backups/ beside it; backups made this way are never pruned)
    Backup,
    /// List the registry's backups, newest first
    Backups,
    /// Replace the registry with a backup (checked first; the current registry is backed up first, or, if it
    /// can't be opened, moved aside as registry.sqlite3.damaged-TIME)
    Restore {
        #[arg(value_name = "BACKUP_FILE")]
        file: PathBuf,
    },
    /// Remove the demo models seeded on first start, with their versions, test runs and A/B tests (your own
    /// models and versions are kept, and the audit log keeps every event; nothing to do when there are none)
    ClearDemo,
    /// Recompute the audit log's hash chain and report the first broken link (exit 4 if broken)
    VerifyAudit,
    /// Recorded events, newest first, filtered by model, action and time
    Timeline(TimelineArgs),
    /// Connect to a team's MLflow tracking server, or show, test or forget it
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// Pull from and push to the team's MLflow server (exit 3 when a model is in conflict, 1 when the server
    /// can't be reached or refuses; waiting changes are kept either way)
    Sync,
    /// Share a local model with the team's MLflow server: it is created there, with every version, at the
    /// next sync
    Share {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
    },
    /// Settle a sync conflict: take the server's side (your waiting moves are dropped) or keep yours (the
    /// next sync moves the server's alias)
    #[command(group(ArgGroup::new("side").required(true).args(["take_server", "keep_mine"])))]
    Resolve {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
        #[arg(long)]
        take_server: bool,
        #[arg(long)]
        keep_mine: bool,
    },
    /// Which version of a model was in production at a given time
    ProductionAt {
        #[arg(value_name = "MODEL_ID")]
        model_id: String,
        /// RFC 3339 time, e.g. 2024-03-05T14:07:00Z
        #[arg(value_name = "TIME", value_parser = parse_instant)]
        at: Instant,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Set the team server (the password or token goes to the OS keyring, or stays in an environment
    /// variable; never into the registry)
    #[command(group(ArgGroup::new("secret").args(["password_env", "token_env", "password_stdin", "token_stdin"])))]
    Set {
        /// The tracking URI, e.g. http://mlflow.internal:5000
        #[arg(value_name = "URL")]
        url: String,
        /// Basic authentication as this user (MLflow's basic-auth app)
        #[arg(long)]
        username: Option<String>,
        /// Read the password from this environment variable at each sync
        #[arg(long, value_name = "VAR", requires = "username")]
        password_env: Option<String>,
        /// Read the password from stdin now and keep it in the OS keyring
        #[arg(long, requires = "username")]
        password_stdin: bool,
        /// A bearer token from this environment variable, read at each sync
        #[arg(long, value_name = "VAR", conflicts_with = "username")]
        token_env: Option<String>,
        /// Read a bearer token from stdin now and keep it in the OS keyring
        #[arg(long, conflicts_with = "username")]
        token_stdin: bool,
        /// The MLflow alias that means production
        #[arg(long, value_name = "NAME", default_value = "production")]
        production_alias: String,
        /// The MLflow alias that means staging
        #[arg(long, value_name = "NAME", default_value = "staging")]
        staging_alias: String,
    },
    /// Show the team server, where its credentials come from, and what waits to be pushed
    Show,
    /// Ask the server what it is (MLflow version, registered models), or exactly what failed
    Test,
    /// Forget the team server and its saved credentials (shared models keep their link)
    Clear,
}

#[derive(Debug, ClapArgs)]
pub struct ListArgs {
    /// Only models in this status (repeat or separate with commas for several)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub status: Vec<StatusArg>,
    /// Only models of exactly this framework
    #[arg(long)]
    pub framework: Option<String>,
    /// Only models whose name contains this text (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Column to sort by
    #[arg(long, value_enum, default_value_t = SortArg::Name)]
    pub sort: SortArg,
    /// Sort in descending order
    #[arg(long)]
    pub desc: bool,
    /// Rows to show (1–500)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
    /// Rows to skip
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    /// Every matching model, streamed as the registry reads them (no --limit/--offset). With --json: one
    /// JSON array; with --jsonl: one JSON object a line
    #[arg(long, conflicts_with_all = ["limit", "offset"])]
    pub all: bool,
    /// With --all: JSON Lines, one model a line
    #[arg(long, requires = "all")]
    pub jsonl: bool,
}

#[derive(Debug, ClapArgs)]
#[command(group(ArgGroup::new("target").required(true).args(["name", "model"])))]
pub struct RegisterArgs {
    /// Name of a new model (needs --framework)
    #[arg(long, conflicts_with = "model", requires = "framework")]
    pub name: Option<String>,
    /// Id of the model to register a new version of
    #[arg(long, value_name = "MODEL_ID")]
    pub model: Option<String>,
    /// Framework (for a new version, defaults to the model's)
    #[arg(long)]
    pub framework: Option<String>,
    /// Semantic version (MAJOR.MINOR.PATCH), greater than the model's latest
    #[arg(long)]
    pub version: String,
    /// Accuracy, 0–1 (or a percent: 94.3%)
    #[arg(long, value_parser = parse_fraction)]
    pub accuracy: f64,
    /// Latency in milliseconds
    #[arg(long, value_name = "MS")]
    pub latency: f64,
    /// Throughput in requests per second
    #[arg(long, value_name = "REQ_PER_S")]
    pub throughput: f64,
    /// Uptime in percent, 0–100
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub uptime: f64,
    /// AI confidence, 0–1 (or a percent)
    #[arg(long, value_parser = parse_fraction)]
    pub ai_confidence: f64,
    /// Error rate, 0–1 (or a percent)
    #[arg(long, value_parser = parse_fraction)]
    pub error_rate: f64,
    /// Size of the model in bytes (taken from --artifact when given)
    #[arg(long, value_name = "BYTES")]
    pub size_bytes: Option<i64>,
    /// Model file: its size and SHA-256 are recorded
    #[arg(long, value_name = "PATH")]
    pub artifact: Option<PathBuf>,
    /// Free-text notes
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// A tag (repeat for several)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Subcommand)]
pub enum AbTestCommand {
    /// Start an A/B test between two models
    Start {
        #[arg(value_name = "MODEL_A")]
        model_a: String,
        #[arg(value_name = "MODEL_B")]
        model_b: String,
        /// Percent of traffic to model B (1–99)
        #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
        split: i64,
    },
    /// Import a results file (.json or .csv, see docs/ab-results-format.md) into a running test
    Import {
        #[arg(value_name = "TEST_ID")]
        test_id: String,
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Show the analysis of a test's imported results
    Analyze {
        #[arg(value_name = "TEST_ID")]
        test_id: String,
    },
    /// End a running test with the verdict of its results
    Conclude {
        #[arg(value_name = "TEST_ID")]
        test_id: String,
    },
    /// End a running test without a verdict
    #[command(alias = "stop")]
    Abort {
        #[arg(value_name = "TEST_ID")]
        test_id: String,
        /// Why, recorded in the audit log
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// List A/B tests, running first
    List,
}

#[derive(Debug, ClapArgs)]
pub struct TimelineArgs {
    /// Only this model's events
    #[arg(long, value_name = "MODEL_ID")]
    pub model: Option<String>,
    /// Only these actions (repeat or separate with commas)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub action: Vec<ActionArg>,
    /// Events at or after this RFC 3339 time
    #[arg(long, value_name = "TIME", value_parser = parse_instant)]
    pub from: Option<Instant>,
    /// Events at or before this RFC 3339 time
    #[arg(long, value_name = "TIME", value_parser = parse_instant)]
    pub to: Option<Instant>,
    /// Events to show (1–500)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
    /// Events to skip
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Target {
    Staging,
    Production,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Development,
    Staging,
    Production,
    Archived,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Development => Status::Development,
            StatusArg::Staging => Status::Staging,
            StatusArg::Production => Status::Production,
            StatusArg::Archived => Status::Archived,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
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

impl From<SortArg> for SortKey {
    fn from(s: SortArg) -> SortKey {
        match s {
            SortArg::Name => SortKey::Name,
            SortArg::Version => SortKey::Version,
            SortArg::Status => SortKey::Status,
            SortArg::Accuracy => SortKey::Accuracy,
            SortArg::Latency => SortKey::Latency,
            SortArg::Throughput => SortKey::Throughput,
            SortArg::Uptime => SortKey::Uptime,
            SortArg::Framework => SortKey::Framework,
            SortArg::Size => SortKey::Size,
            SortArg::AiConfidence => SortKey::AiConfidence,
            SortArg::ErrorRate => SortKey::ErrorRate,
            SortArg::DeployedAt => SortKey::DeployedAt,
            SortArg::LastTestedAt => SortKey::LastTestedAt,
        }
    }
}

/// Event actions, spelled as on the command line (`rolled-back`); the JSON spelling (`rolled_back`) is
/// accepted too.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ActionArg {
    Registered,
    Promoted,
    Deployed,
    #[value(alias = "rolled_back")]
    RolledBack,
    Tested,
    #[value(alias = "ab_test_started")]
    AbTestStarted,
    #[value(alias = "ab_test_stopped")]
    AbTestStopped,
    Archived,
    #[value(alias = "ab_results_imported")]
    AbResultsImported,
    #[value(alias = "ab_test_concluded")]
    AbTestConcluded,
    #[value(alias = "ab_test_aborted")]
    AbTestAborted,
    #[value(alias = "demo_data_cleared")]
    DemoDataCleared,
    /// Seen on the team's MLflow server at a pull
    Synced,
}

impl From<ActionArg> for EventAction {
    fn from(a: ActionArg) -> EventAction {
        match a {
            ActionArg::Registered => EventAction::Registered,
            ActionArg::Promoted => EventAction::Promoted,
            ActionArg::Deployed => EventAction::Deployed,
            ActionArg::RolledBack => EventAction::RolledBack,
            ActionArg::Tested => EventAction::Tested,
            ActionArg::AbTestStarted => EventAction::AbTestStarted,
            ActionArg::AbTestStopped => EventAction::AbTestStopped,
            ActionArg::Archived => EventAction::Archived,
            ActionArg::AbResultsImported => EventAction::AbResultsImported,
            ActionArg::AbTestConcluded => EventAction::AbTestConcluded,
            ActionArg::AbTestAborted => EventAction::AbTestAborted,
            ActionArg::DemoDataCleared => EventAction::DemoDataCleared,
            ActionArg::Synced => EventAction::Synced,
        }
    }
}

/// A moment given on the command line (RFC 3339 with a time zone, e.g. 2024-03-05T14:07:00Z), parsed once by
/// the core's own deserializer into the core's timestamp type. It is held inside a `ProductionAtQuery` so
/// that this crate needs no direct chrono dependency (its timestamps all come through the core's types).
#[derive(Debug, Clone)]
pub struct Instant(ProductionAtQuery);

fn parse_instant(s: &str) -> Result<Instant, String> {
    serde_json::from_value::<ProductionAtQuery>(
        serde_json::json!({ "modelId": "", "at": s.trim() }),
    )
    .map(Instant)
    .map_err(|_| {
        format!("\"{s}\" is not an RFC 3339 time with a time zone, e.g. 2024-03-05T14:07:00Z")
    })
}

/// A 0–1 fraction, or a percent with a `%` sign ("94.3%" → 0.943). Range checks are the core's.
fn parse_fraction(s: &str) -> Result<f64, String> {
    let t = s.trim();
    match t.strip_suffix('%') {
        Some(p) => parse_number(p).map(|v| v / 100.0),
        None => parse_number(t),
    }
}

/// A value already in percent; a trailing `%` is allowed ("99.9%" → 99.9).
fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    parse_number(t.strip_suffix('%').unwrap_or(t))
}

fn parse_number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("\"{s}\" is not a number"))
}

fn parse_tag(s: &str) -> Result<Tag, String> {
    match s.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok(Tag {
            key: key.trim().to_owned(),
            value: value.trim().to_owned(),
        }),
        _ => Err(format!("\"{s}\" is not KEY=VALUE")),
    }
}

// ----- running a command -----

/// Why a command failed.
enum Failure {
    Registry(RegistryError),
    Sync(modelops_sync::SyncError),
    Io(io::Error),
    /// A failure outside the registry, with its exit code and message.
    Other(i32, String),
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure::Registry(e)
    }
}

impl From<modelops_sync::SyncError> for Failure {
    fn from(e: modelops_sync::SyncError) -> Self {
        match e {
            modelops_sync::SyncError::Registry(e) => Failure::Registry(e),
            e => Failure::Sync(e),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// The name of an error code as it appears on the wire and in `error[CODE]`.
fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{code:?}"))
}

/// The exit code for a registry error: refusals (the registry said no, nothing changed) are told apart from
/// failures.
pub fn exit_code_for(code: ErrorCode) -> i32 {
    match code {
        ErrorCode::NotFound
        | ErrorCode::IllegalTransition
        | ErrorCode::NoPreviousVersion
        | ErrorCode::InvalidInput
        | ErrorCode::Conflict
        | ErrorCode::GateBlocked => EXIT_REFUSED,
        _ => EXIT_FAILURE,
    }
}

/// Where results go: stdout, as text or as one JSON document.
struct Out {
    json: bool,
    w: io::BufWriter<io::StdoutLock<'static>>,
}

impl Out {
    fn emit<T: Serialize>(
        &mut self,
        value: &T,
        human: impl FnOnce(&mut dyn Write, &T) -> io::Result<()>,
    ) -> Result<(), Failure> {
        if self.json {
            let text = serde_json::to_string_pretty(value)
                .map_err(|e| Failure::Other(EXIT_FAILURE, format!("Can't write JSON: {e}")))?;
            writeln!(self.w, "{text}")?;
        } else {
            human(&mut self.w, value)?;
        }
        self.w.flush()?;
        Ok(())
    }
}

/// Runs one command against the registry in `data_dir` (or the app's default folder) and returns the
/// process exit code. Errors are printed to stderr.
pub fn run(command: Command, data_dir: Option<PathBuf>, json: bool) -> i32 {
    let mut out = Out {
        json,
        w: io::BufWriter::new(io::stdout().lock()),
    };
    match execute(command, data_dir, &mut out) {
        Ok(code) => code,
        Err(Failure::Registry(e)) => {
            let code = e.code();
            eprintln!("error[{}]: {e}", code_name(code));
            exit_code_for(code)
        }
        Err(Failure::Sync(e)) => {
            eprintln!("error[{}]: {e}", code_name(e.code()));
            exit_code_for(e.code())
        }
        // The reader went away (`modelops list | head`): nothing left to say.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(Failure::Io(e)) => {
            eprintln!("error[IO]: Can't write the output: {e}");
            EXIT_FAILURE
        }
        Err(Failure::Other(code, message)) => {
            eprintln!("error: {message}");
            code
        }
    }
}

impl ListArgs {
    fn view(&self) -> ModelView {
        ModelView {
            filter: ModelFilter {
                search: self.search.clone(),
                statuses: self.status.iter().copied().map(Status::from).collect(),
                framework: self.framework.clone(),
            },
            sort: self.sort.into(),
            dir: if self.desc {
                SortDir::Desc
            } else {
                SortDir::Asc
            },
        }
    }
}

/// `list --all`: every model of the view, written as SQLite reads them, so a script gets the whole registry
/// in one process and the output starts before the last row is read. People get the table (which needs
/// every row for its column widths).
fn list_all(reg: &Registry, a: ListArgs, out: &mut Out) -> Result<(), Failure> {
    let view = a.view();
    if a.jsonl || out.json {
        let w = &mut out.w;
        let array = !a.jsonl;
        if array {
            w.write_all(b"[")?;
        }
        let mut first = true;
        let mut line = Vec::with_capacity(1024);
        reg.for_each_model(&view, |m| {
            line.clear();
            if array && !first {
                line.push(b',');
            }
            first = false;
            modelops_core::models::append_model_json(&m, &mut line)
                .map_err(|e| RegistryError::io("Can't write the list", e.into()))?;
            line.push(b'\n');
            // A failed write (a closed pipe: `| head`) stops the read at once instead of walking the rest.
            w.write_all(&line)
                .map_err(|e| RegistryError::io("Can't write the list", e))
        })?;
        if array {
            w.write_all(b"]\n")?;
        }
        w.flush()?;
    } else {
        let mut models = Vec::new();
        reg.for_each_model(&view, |m| {
            models.push(m);
            Ok(())
        })?;
        let page = modelops_core::types::ModelPage {
            total: u32::try_from(models.len()).unwrap_or(u32::MAX),
            offset: 0,
            models,
            timestamp: chrono::Utc::now(),
        };
        out.emit(&page, |w, p| output::models_page(w, p))?;
    }
    Ok(())
}

/// Opens (creating, migrating, seeding) the registry of `data_dir`, as the app does on start.
fn open_registry(data_dir: Option<PathBuf>) -> Result<Registry, Failure> {
    registry_home(data_dir)?
        .open()
        .map_err(|failure| failure.error.into())
}

/// The registry of `data_dir`, or of the app's default folder.
fn registry_home(data_dir: Option<PathBuf>) -> Result<RegistryHome, Failure> {
    let dir = match data_dir {
        Some(dir) => dir,
        None => default_data_dir().ok_or_else(|| {
            Failure::Other(
                EXIT_FAILURE,
                "This system has no app-data folder; pass --data-dir or set MODELOPS_DATA_DIR."
                    .into(),
            )
        })?,
    };
    Ok(RegistryHome::in_dir(&dir))
}

/// `path` made absolute against the current directory (the core takes absolute paths only).
fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    std::path::absolute(path).map_err(|e| {
        Failure::Registry(RegistryError::Io {
            context: format!("Can't resolve the path {}", path.display()),
            source: e,
        })
    })
}

fn path_text(path: &Path) -> Result<String, Failure> {
    path.to_str().map(str::to_owned).ok_or_else(|| {
        RegistryError::InvalidInput(format!("The path {} is not valid UTF-8.", path.display()))
            .into()
    })
}

fn execute(command: Command, data_dir: Option<PathBuf>, out: &mut Out) -> Result<i32, Failure> {
    // Restoring and listing backups are also the way back from a registry that can't be opened: the core
    // decides what each does then (`RegistryHome`), as it does for the app.
    match &command {
        Command::Restore { file } => {
            let file = absolute(file)?;
            let home = registry_home(data_dir)?;
            let opened = home.open();
            let restored = home.restore(Current::of(&opened), &file, chrono::Utc::now())?;
            if let Some(Err(failure)) = restored.reopened {
                return Err(failure.error.into());
            }
            out.emit(&restored.result, |w, r| output::restored(w, r))?;
            return Ok(0);
        }
        Command::Backups => {
            let home = registry_home(data_dir)?;
            let list = home.backups(Current::of(&home.open()))?;
            out.emit(&list, |w, l| output::backups(w, l))?;
            return Ok(0);
        }
        _ => {}
    }
    let reg = open_registry(data_dir)?;
    match command {
        Command::List(a) if a.all => list_all(&reg, a, out)?,
        Command::List(a) => {
            let query = ModelQuery {
                offset: a.offset,
                limit: a.limit,
                view: a.view(),
            };
            let page = reg.query_models(&query)?;
            out.emit(&page, |w, p| output::models_page(w, p))?;
        }
        Command::Show { model_id } => {
            let details = reg.model_details(&model_id)?;
            out.emit(&details, |w, d| output::details(w, d))?;
        }
        Command::Register(a) => {
            let a = *a;
            let metrics = Metrics {
                accuracy: a.accuracy,
                latency: a.latency,
                throughput: a.throughput,
                uptime: a.uptime,
                ai_confidence: a.ai_confidence,
                error_rate: a.error_rate,
            };
            let artifact_path = match &a.artifact {
                Some(p) => Some(path_text(&absolute(p)?)?),
                None => None,
            };
            let result = match (a.model, a.name) {
                (Some(model_id), _) => reg.register_version(&RegisterVersionRequest {
                    model_id,
                    version: a.version,
                    framework: a.framework,
                    metrics,
                    size_bytes: a.size_bytes,
                    artifact_path,
                    notes: a.notes,
                    tags: a.tags,
                })?,
                (None, name) => reg.register_model(&RegisterModelRequest {
                    name: name.unwrap_or_default(),
                    framework: a.framework.unwrap_or_default(),
                    version: a.version,
                    metrics,
                    size_bytes: a.size_bytes,
                    artifact_path,
                    notes: a.notes,
                    tags: a.tags,
                })?,
            };
            out.emit(&result, |w, r| output::registered(w, r))?;
        }
        Command::Deploy {
            model_id,
            to,
            override_gate,
        } => {
            let target = match to {
                Target::Staging => DeployTarget::Staging,
                Target::Production => DeployTarget::Production,
            };
            let result = reg.deploy_with(&modelops_core::types::DeployRequest {
                model_id,
                target_env: target,
                override_reason: override_gate,
                expected: None,
            })?;
            out.emit(&result, |w, r| output::transition(w, r))?;
        }
        Command::Promote { model_id } => {
            let result = reg.promote(&model_id)?;
            out.emit(&result, |w, r| output::transition(w, r))?;
        }
        Command::Archive { model_id } => {
            let result = reg.archive(&model_id)?;
            out.emit(&result, |w, r| output::transition(w, r))?;
        }
        Command::Rollback {
            model_id,
            to,
            reason,
        } => {
            let result = reg.rollback_with(&RollbackRequest {
                model_id,
                to_version: to,
                reason,
                expected: None,
            })?;
            out.emit(&result, |w, r| output::rolled_back(w, r))?;
        }
        Command::Remote(c) => return remote(&reg, c, out),
        Command::Sync => return sync(&reg, out),
        Command::Share { model_id } => {
            let message = reg.share(&model_id)?;
            out.emit(&message, |w, m| writeln!(w, "{m}"))?;
        }
        Command::Resolve {
            model_id,
            take_server,
            ..
        } => {
            let choice = if take_server {
                ConflictChoice::TakeServer
            } else {
                ConflictChoice::KeepMine
            };
            let message = reg.resolve_conflict(&model_id, choice)?;
            out.emit(&message, |w, m| writeln!(w, "{m}"))?;
        }
        Command::Test { model_id } => {
            let run = reg.run_tests(&model_id)?;
            out.emit(&run, |w, r| output::test_run(w, r))?;
        }
        Command::AbTest(AbTestCommand::Start {
            model_a,
            model_b,
            split,
        }) => {
            let test = reg.start_ab_test(&StartAbTestRequest {
                model_a,
                model_b,
                traffic_split: split,
                alpha: None,
                min_detectable_effect: None,
                power: None,
            })?;
            out.emit(&test, |w, t| output::ab_test_started(w, t))?;
        }
        Command::AbTest(AbTestCommand::Import { test_id, path }) => {
            let path = absolute(&path)?;
            let test = reg.import_ab_results(&modelops_core::ab::ImportAbResultsRequest {
                test_id,
                path: path.display().to_string(),
            })?;
            out.emit(&test, |w, t| output::ab_test_ended(w, t))?;
        }
        Command::AbTest(AbTestCommand::Analyze { test_id }) => {
            let analysis = reg.ab_test_analysis(&test_id)?;
            out.emit(&analysis, |w, a| output::ab_analysis(w, a))?;
        }
        Command::AbTest(AbTestCommand::Conclude { test_id }) => {
            let test = reg.conclude_ab_test(&test_id)?;
            out.emit(&test, |w, t| output::ab_test_ended(w, t))?;
        }
        Command::AbTest(AbTestCommand::Abort { test_id, reason }) => {
            let test =
                reg.abort_ab_test(&modelops_core::ab::AbortAbTestRequest { test_id, reason })?;
            out.emit(&test, |w, t| output::ab_test_ended(w, t))?;
        }
        Command::AbTest(AbTestCommand::List) => {
            let tests = reg.list_ab_tests()?;
            out.emit(&tests, |w, t| output::ab_tests(w, t))?;
        }
        Command::Export { path, audit } => {
            let path = absolute(&path)?;
            let result = if audit {
                reg.export_audit_csv(&path)?
            } else {
                reg.export_csv(&path, None)?
            };
            out.emit(&result, |w, r| output::exported(w, r, audit))?;
        }
        Command::Import {
            models,
            ab_tests,
            dry_run,
        } => {
            let req = ImportRequest {
                models_path: path_text(&absolute(&models)?)?,
                ab_tests_path: match &ab_tests {
                    Some(p) => Some(path_text(&absolute(p)?)?),
                    None => None,
                },
            };
            let plan = if dry_run {
                reg.preview_import(&req)?
            } else {
                reg.apply_import(&req)?
            };
            out.emit(&plan, |w, p| output::import_plan(w, p, dry_run))?;
        }
        Command::Backup => {
            let info = reg.backup_now(chrono::Utc::now())?;
            out.emit(&info, |w, b| writeln!(w, "Backed up to {}.", b.path))?;
        }
        // Answered above, whether the registry opens or not.
        Command::Backups | Command::Restore { .. } => {}
        Command::ClearDemo => {
            let result = reg.clear_demo_data()?;
            out.emit(&result, |w, r| output::demo_cleared(w, r))?;
        }
        Command::VerifyAudit => {
            let report = reg.verify_audit()?;
            out.emit(&report, |w, r| output::audit(w, r))?;
            if !report.ok {
                return Ok(EXIT_AUDIT_BROKEN);
            }
        }
        Command::Timeline(a) => {
            let query = TimelineQuery {
                model_id: a.model,
                actions: a.action.into_iter().map(EventAction::from).collect(),
                from: a.from.map(|i| i.0.at),
                to: a.to.map(|i| i.0.at),
                offset: a.offset,
                limit: a.limit,
            };
            let page = reg.timeline(&query)?;
            out.emit(&page, |w, p| output::timeline(w, p))?;
        }
        Command::ProductionAt { model_id, at } => {
            let result = reg.production_at(&model_id, at.0.at)?;
            out.emit(&result, |w, r| output::production_at(w, r))?;
        }
    }
    Ok(EXIT_OK)
}

// ----- the team server -----

fn remote(reg: &Registry, command: RemoteCommand, out: &mut Out) -> Result<i32, Failure> {
    match command {
        RemoteCommand::Set {
            url,
            username,
            password_env,
            password_stdin,
            token_env,
            token_stdin,
            production_alias,
            staging_alias,
        } => {
            let auth = if username.is_some() {
                AuthKind::Basic
            } else if token_env.is_some() || token_stdin {
                AuthKind::Token
            } else {
                AuthKind::None
            };
            if auth == AuthKind::Basic && password_env.is_none() && !password_stdin {
                return Err(Failure::Other(
                    EXIT_USAGE,
                    "--username needs --password-env VAR or --password-stdin".to_owned(),
                ));
            }
            let settings = reg.set_remote_settings(&RemoteSettings {
                url,
                auth,
                username,
                secret_env: password_env.or(token_env),
                production_alias,
                staging_alias,
            })?;
            if password_stdin || token_stdin {
                let mut secret = String::new();
                io::stdin().read_line(&mut secret)?;
                let secret = secret.trim_end_matches(['\r', '\n']);
                if secret.is_empty() {
                    return Err(Failure::Other(
                        EXIT_USAGE,
                        "stdin gave an empty secret".to_owned(),
                    ));
                }
                modelops_sync::secrets::store_secret(&settings, secret)?;
            }
            out.emit(&settings, |w, s| {
                writeln!(
                    w,
                    "Team server: {} (authentication: {})",
                    s.url,
                    s.auth.as_str()
                )?;
                writeln!(
                    w,
                    "Aliases: production = {}, staging = {}",
                    s.production_alias, s.staging_alias
                )
            })?;
        }
        RemoteCommand::Show => {
            let status = reg.remote_status()?;
            let secret = status
                .settings
                .as_ref()
                .map(modelops_sync::secrets::secret_source);
            out.emit(&status, |w, s| {
                output::remote_status(w, s, secret.as_deref())
            })?;
        }
        RemoteCommand::Test => {
            let settings = reg
                .remote_settings()?
                .ok_or(RegistryError::RemoteNotConfigured)?;
            let report = modelops_sync::test_connection(&settings, None, &Default::default())?;
            out.emit(&report, |w, r| {
                writeln!(
                    w,
                    "{}: MLflow {}, {}{} registered model{} visible",
                    r.server,
                    r.mlflow_version,
                    r.registered_models,
                    if r.more { "+" } else { "" },
                    if r.registered_models == 1 && !r.more {
                        ""
                    } else {
                        "s"
                    }
                )
            })?;
        }
        RemoteCommand::Clear => {
            if let Some(settings) = reg.remote_settings()? {
                modelops_sync::secrets::forget_secret(&settings);
            }
            reg.clear_remote_settings()?;
            out.emit(&"Team server forgotten.", |w, m| writeln!(w, "{m}"))?;
        }
    }
    Ok(EXIT_OK)
}

fn sync(reg: &Registry, out: &mut Out) -> Result<i32, Failure> {
    let report = modelops_sync::sync(reg, &Default::default())?;
    out.emit(&report, |w, r| output::sync_report(w, r))?;
    if report.conflicts.is_empty() {
        Ok(EXIT_OK)
    } else {
        for c in &report.conflicts {
            eprintln!("conflict: {}", c.line());
        }
        Ok(EXIT_REFUSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifier_is_the_apps() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json"))
                .expect("tauri.conf.json");
        assert_eq!(conf["identifier"].as_str(), Some(APP_IDENTIFIER));
    }

    #[test]
    fn refusals_and_failures_have_their_own_exit_codes() {
        assert_eq!(exit_code_for(ErrorCode::NotFound), EXIT_REFUSED);
        assert_eq!(exit_code_for(ErrorCode::Conflict), EXIT_REFUSED);
        assert_eq!(exit_code_for(ErrorCode::InvalidInput), EXIT_REFUSED);
        assert_eq!(exit_code_for(ErrorCode::Io), EXIT_FAILURE);
        assert_eq!(exit_code_for(ErrorCode::SchemaTooNew), EXIT_FAILURE);
        assert_eq!(exit_code_for(ErrorCode::CorruptDatabase), EXIT_FAILURE);
        assert_eq!(
            code_name(ErrorCode::NoPreviousVersion),
            "NO_PREVIOUS_VERSION"
        );
    }

    #[test]
    fn values_parse_like_the_help_says() {
        assert_eq!(parse_fraction("0.943"), Ok(0.943));
        assert!((parse_fraction("94.3%").unwrap() - 0.943).abs() < 1e-12);
        assert_eq!(parse_percent("99.9%"), Ok(99.9));
        assert!(parse_fraction("high").is_err());
        let tag = parse_tag("team = vision").unwrap();
        assert_eq!((tag.key.as_str(), tag.value.as_str()), ("team", "vision"));
        assert!(parse_tag("=x").is_err() && parse_tag("novalue").is_err());
        assert!(parse_instant("2024-03-05T14:07:00Z").is_ok());
        assert!(parse_instant("2024-03-05T14:07:00+02:00").is_ok());
        assert!(parse_instant("2024-03-05").is_err());
    }
}
