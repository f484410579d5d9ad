// Typed wrappers, one per Tauri command. Every command takes a single `request` argument; the long ones also a
// task id and a progress channel (see ./tasks.ts).
import { open, save } from "@tauri-apps/plugin-dialog";
import type { AbTest } from "../bindings/AbTest";
import type { AboutInfo } from "../bindings/AboutInfo";
import type { AbTestAnalysis } from "../bindings/AbTestAnalysis";
import type { AuditReport } from "../bindings/AuditReport";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupList } from "../bindings/BackupList";
import type { BackupSettings } from "../bindings/BackupSettings";
import type { BackupSettingsRequest } from "../bindings/BackupSettingsRequest";
import type { ClearDemoResult } from "../bindings/ClearDemoResult";
import type { ConnectionReport } from "../bindings/ConnectionReport";
import type { RemoteLink } from "../bindings/RemoteLink";
import type { RemoteStatus } from "../bindings/RemoteStatus";
import type { ResolveConflictRequest } from "../bindings/ResolveConflictRequest";
import type { SaveRemoteRequest } from "../bindings/SaveRemoteRequest";
import type { SyncReport } from "../bindings/SyncReport";
import type { RegistryStatus } from "../bindings/RegistryStatus";
import type { RestoreRequest } from "../bindings/RestoreRequest";
import type { RestoreResult } from "../bindings/RestoreResult";
import type { ProductionAt } from "../bindings/ProductionAt";
import type { ProductionAtQuery } from "../bindings/ProductionAtQuery";
import type { RegisterModelRequest } from "../bindings/RegisterModelRequest";
import type { RegisterResult } from "../bindings/RegisterResult";
import type { RegisterVersionRequest } from "../bindings/RegisterVersionRequest";
import type { RollbackRequest } from "../bindings/RollbackRequest";
import type { TimelinePage } from "../bindings/TimelinePage";
import type { TimelineQuery } from "../bindings/TimelineQuery";
import type { DeployTarget } from "../bindings/DeployTarget";
import type { Expected } from "../bindings/Expected";
import type { ExportResult } from "../bindings/ExportResult";
import type { ModelDetails } from "../bindings/ModelDetails";
import type { FrameworkCount } from "../bindings/FrameworkCount";
import type { ImportPlan } from "../bindings/ImportPlan";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { MetricHistory } from "../bindings/MetricHistory";
import type { ModelList } from "../bindings/ModelList";
import type { ModelPage } from "../bindings/ModelPage";
import type { ModelQuery } from "../bindings/ModelQuery";
import type { ModelView } from "../bindings/ModelView";
import type { RollbackResult } from "../bindings/RollbackResult";
import type { StartAbTestRequest } from "../bindings/StartAbTestRequest";
import type { Summary } from "../bindings/Summary";
import type { SaveSuiteRequest } from "../bindings/SaveSuiteRequest";
import type { TestRun } from "../bindings/TestRun";
import type { TestRunPage } from "../bindings/TestRunPage";
import type { TestRunsQuery } from "../bindings/TestRunsQuery";
import type { TestSuite } from "../bindings/TestSuite";
import type { TransitionResult } from "../bindings/TransitionResult";
import { MAX_PAGE } from "../bindings/limits";
import { call, normalize } from "./client";
import { taskArgs, type TaskOptions } from "./tasks";

/** Every model at once. Only for small registries and scripts: the page uses queryModels. */
export const listModels = () => call<ModelList>("list_models");

/** The most rows one query_models call returns (generated from the core: bindings/limits.ts). */
export { MAX_PAGE };

/** One window of a view: sorted, filtered and searched in SQL. */
export const queryModels = (request: ModelQuery) => call<ModelPage>("query_models", { request: { ...request } });

export const listFrameworks = () => call<FrameworkCount[]>("list_frameworks");

export const getSummary = () => call<Summary>("get_summary");

export const getModelDetails = (modelId: string) =>
  call<ModelDetails>("get_model_details", { request: { modelId } });

/**
 * A model's metric history: its newest points, oldest first (at most `limit`; `total` says how many exist), and
 * the latest value of each metric of each version, in registration order.
 */
export const getMetricHistory = (modelId: string) =>
  call<MetricHistory>("get_metric_history", { request: { modelId } });

/**
 * To production only if the version's latest test run passed (else GATE_BLOCKED), or with `overrideReason`.
 * With `expected` (what the page showed of the model), refused as CONFLICT if the model changed since.
 */
export const deployModel = (
  modelId: string,
  targetEnv: DeployTarget,
  overrideReason?: string,
  expected?: Expected,
) =>
  call<TransitionResult>("deploy_model", {
    request: {
      modelId,
      targetEnv,
      ...(overrideReason === undefined ? {} : { overrideReason }),
      ...(expected === undefined ? {} : { expected }),
    },
  });

/** The request of an action on one model, with what the page showed of it when there is one. */
const action = (modelId: string, expected?: Expected) =>
  expected === undefined ? { modelId } : { modelId, expected };

export const promoteModel = (modelId: string, expected?: Expected) =>
  call<TransitionResult>("promote_model", { request: action(modelId, expected) });

/** Without `toVersion`, Rust rolls back to `Model.previousVersion`. */
export const rollbackModel = (request: RollbackRequest) =>
  call<RollbackResult>("rollback_model", { request: { ...request } });

/** A new model with its first version, in development. */
export const registerModel = (request: RegisterModelRequest, task?: TaskOptions) =>
  call<RegisterResult>("register_model", { request: { ...request }, ...taskArgs(task) });

/** A new version of a model: it becomes current and the model returns to development. */
export const registerVersion = (request: RegisterVersionRequest, task?: TaskOptions) =>
  call<RegisterResult>("register_version", { request: { ...request }, ...taskArgs(task) });

/** Removes the demo models seeded on first start; all counts are zero when there were none. */
export const clearDemoData = () => call<ClearDemoResult>("clear_demo_data");

/** The most events one query_timeline call returns: the same limit as query_models'. */
export const MAX_TIMELINE_PAGE = MAX_PAGE;

/** Events, newest first, filtered by model, actions and time range (RFC 3339). */
export const queryTimeline = (request: TimelineQuery) =>
  call<TimelinePage>("query_timeline", { request: { ...request } });

/** Which version of a model was in production at an instant (RFC 3339). */
export const productionAt = (request: ProductionAtQuery) =>
  call<ProductionAt>("production_at", { request: { ...request } });

/** Checks the audit log's hash chain. */
export const verifyAudit = () => call<AuditReport>("verify_audit");

export const exportAuditCsv = (path: string) => call<ExportResult>("export_audit_csv", { request: { path } });

export const runTests = (modelId: string, expected?: Expected) =>
  call<TestRun>("run_tests", { request: action(modelId, expected) });

export const archiveModel = (modelId: string, expected?: Expected) =>
  call<TransitionResult>("archive_model", { request: action(modelId, expected) });

export const getTestSuite = (modelId: string) => call<TestSuite>("get_test_suite", { request: { modelId } });

/** Replaces the model's suite; INVALID_INPUT (naming the check) leaves the stored one unchanged. */
export const saveTestSuite = (request: SaveSuiteRequest) =>
  call<TestSuite>("save_test_suite", { request: { ...request } });

/** The most runs one list_test_runs call returns (generated from the core: bindings/limits.ts). */
export { MAX_RUNS_PAGE } from "../bindings/limits";

/** A model's test runs, newest first. */
export const listTestRuns = (request: TestRunsQuery) =>
  call<TestRunPage>("list_test_runs", { request: { ...request } });

export const listAbTests = () => call<AbTest[]>("list_ab_tests");

export const startAbTest = (request: StartAbTestRequest) =>
  call<AbTest>("start_ab_test", { request: { ...request } });

/** Stores a results file (.json or .csv, docs/ab-results-format.md) as the test's results, replacing earlier ones. */
export const importAbResults = (testId: string, path: string) =>
  call<AbTest>("import_ab_results", { request: { testId, path } });

/** The analysis of a test's stored results; `analysis` is null until results are imported. */
export const getAbTestAnalysis = (testId: string) =>
  call<AbTestAnalysis>("get_ab_test_analysis", { request: { testId } });

/** Ends a running test with the verdict of its results (inconclusive unless the analysis found a winner). */
export const concludeAbTest = (testId: string) => call<AbTest>("conclude_ab_test", { request: { testId } });

/** Ends a running test without a verdict; the reason goes to the audit log. */
export const abortAbTest = (testId: string, reason: string) =>
  call<AbTest>("abort_ab_test", { request: { testId, reason } });

/** What importing the legacy app's models.json (and ab_tests.json) would create or update. Writes nothing. */
export const previewLegacyImport = (request: ImportRequest) =>
  call<ImportPlan>("preview_legacy_import", { request: { ...request } });

/** Imports the legacy files all or nothing; the same files again leave everything unchanged. */
export const applyLegacyImport = (request: ImportRequest, task?: TaskOptions) =>
  call<ImportPlan>("apply_legacy_import", { request: { ...request }, ...taskArgs(task) });

/** With a view, writes exactly that view's rows in its order; without, every model. */
export const exportModelsCsv = (path: string, view?: ModelView, task?: TaskOptions) =>
  call<ExportResult>("export_models_csv", { request: view ? { path, view } : { path }, ...taskArgs(task) });

/** "modelops-models-YYYY-MM-DD.csv" (or another prefix) for the given local date. */
export function defaultExportFileName(now: Date = new Date(), prefix = "modelops-models"): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${prefix}-${y}-${m}-${d}.csv`;
}

/** Opens the native save dialog. Resolves to the chosen path, or null if the user cancelled. */
export function pickExportPath(now: Date = new Date()): Promise<string | null> {
  return normalize(
    save({
      defaultPath: defaultExportFileName(now),
      filters: [{ name: "CSV", extensions: ["csv"] }],
    }),
  );
}

/** The save dialog for the audit log export ("modelops-audit-YYYY-MM-DD.csv"). Null if cancelled. */
export function pickAuditExportPath(now: Date = new Date()): Promise<string | null> {
  return normalize(
    save({
      defaultPath: defaultExportFileName(now, "modelops-audit"),
      filters: [{ name: "CSV", extensions: ["csv"] }],
    }),
  );
}

/**
 * The native open dialog for a model artifact (needs the `dialog:allow-open` permission). One file, any type.
 * Resolves to its path, or null if the user cancelled.
 */
export function pickArtifactPath(): Promise<string | null> {
  return normalize(open({ title: "Choose the model artifact", multiple: false, directory: false }));
}

/** Which of the legacy app's files the open dialog asks for. */
export type LegacyFile = "models" | "abTests";

const LEGACY_FILE_NAME: Record<LegacyFile, string> = { models: "models.json", abTests: "ab_tests.json" };

/** The native open dialog for one of the legacy app's JSON files. Resolves to its path, or null if cancelled. */
export function pickLegacyFile(which: LegacyFile): Promise<string | null> {
  return normalize(
    open({
      title: `Choose the legacy ${LEGACY_FILE_NAME[which]}`,
      filters: [{ name: "JSON", extensions: ["json"] }],
      multiple: false,
      directory: false,
    }),
  );
}

/** The native open dialog for an A/B results file (.json or .csv). Resolves to its path, or null if cancelled. */
export function pickAbResultsFile(): Promise<string | null> {
  return normalize(
    open({
      title: "Choose the A/B test results",
      filters: [{ name: "A/B results", extensions: ["json", "csv"] }],
      multiple: false,
      directory: false,
    }),
  );
}

/** Where the registry lives and, when it could not be opened, why: the page asks this before anything else. */
export const getRegistryStatus = () => call<RegistryStatus>("get_registry_status");

/** Opens a registry that had failed again (after the user made its folder writable or freed disk space). */
export const retryOpenRegistry = () => call<RegistryStatus>("retry_open_registry");

/**
 * Moves the damaged registry file (with its -wal and -shm) aside as `registry.sqlite3.damaged-<UTC time>`, never
 * deleting it, and starts a new registry with the demo models. CONFLICT when the file is not the problem.
 */
export const startNewRegistry = () => call<RegistryStatus>("start_new_registry");

/** The backups, newest first; answers even when the registry could not be opened. */
export const listBackups = () => call<BackupList>("list_backups");

/** A manual backup: never pruned. */
export const backupNow = () => call<BackupInfo>("backup_now");

/** The most automatic backups save_backup_settings accepts to keep (the least is 1; generated from the core). */
export { MAX_BACKUP_KEEP } from "../bindings/limits";

/** How many automatic backups (daily, pre-migration, pre-restore) to keep; INVALID_INPUT outside 1..=MAX_BACKUP_KEEP. */
export const saveBackupSettings = (request: BackupSettingsRequest) =>
  call<BackupSettings>("save_backup_settings", { request: { ...request } });

/**
 * Replaces the registry with a backup file (a compressed `.sqlite3.zst` is decompressed first), validated first
 * (a bad file changes nothing). An open registry is backed up first (`safetyBackup`); one that could not be
 * opened is moved aside (`movedAside`). A long task: it reports each step, and `cancelTask` stops it with the
 * registry as it was (CANCELLED).
 */
export const restoreBackup = (request: RestoreRequest, task?: TaskOptions) =>
  call<RestoreResult>("restore_backup", { request: { ...request }, ...taskArgs(task) });

/** Shows the backups folder in the system's file manager; resolves to its path. */
export const openBackupsFolder = () => call<string>("open_backups_folder");

/** The native open dialog for a registry backup, starting in `defaultDir`. Resolves to its path, or null if cancelled. */
export function pickBackupFile(defaultDir?: string): Promise<string | null> {
  return normalize(
    open({
      title: "Choose a registry backup",
      // Backups are `.sqlite3.zst`; older ones, and registry files themselves, `.sqlite3`.
      filters: [{ name: "ModelOps registry", extensions: ["zst", "sqlite3", "sqlite", "db"] }],
      multiple: false,
      directory: false,
      ...(defaultDir ? { defaultPath: defaultDir } : {}),
    }),
  );
}

/** What Help → About shows: the version, the registry file and its schema, the logs folder. */
export const getAbout = () => call<AboutInfo>("get_about");

/** The team's MLflow server (docs/adr/0019-mlflow-sync.md): its settings, what waits, conflicts, the last sync. */
export const getRemoteStatus = () => call<RemoteStatus>("get_remote_status");

/**
 * Saves the server's settings; a typed `secret` goes to the OS keyring (KEYRING_UNAVAILABLE when there is none:
 * the user names an environment variable instead). Without `secret` the saved one is kept.
 */
export const saveRemoteSettings = (request: SaveRemoteRequest) =>
  call<RemoteStatus>("save_remote_settings", { request: { ...request } });

/** Forgets the server (and its secret in the keyring); shared models stay, as local models. */
export const clearRemoteSettings = () => call<RemoteStatus>("clear_remote_settings");

/** Asks the server what it is, with these settings, without saving them. */
export const testRemoteConnection = (request: SaveRemoteRequest) =>
  call<ConnectionReport>("test_remote_connection", { request: { ...request } });

/**
 * Pulls from and pushes to the team server now, reporting each phase (a first pull of a large server takes a
 * while). Cancelled, it rejects with CANCELLED: a pull takes in nothing, a push keeps what it sent.
 */
export const syncNow = (task?: TaskOptions) => call<SyncReport>("sync_now", taskArgs(task));

/** Puts a local model on the team server; resolves to a message for the user. */
export const shareModel = (modelId: string) => call<string>("share_model", { request: { modelId } });

/** Settles a conflict by taking the server's side or keeping the local one; resolves to a message for the user. */
export const resolveConflict = (request: ResolveConflictRequest) =>
  call<string>("resolve_conflict", { request: { ...request } });

/** A model's MLflow side, or null when it is not shared. */
export const getRemoteLink = (modelId: string) =>
  call<RemoteLink | null>("get_remote_link", { request: { modelId } });

/** Opens the model's page in MLflow's UI in the browser (Rust opens it); resolves to its address. */
export const openInMlflow = (modelId: string) => call<string>("open_in_mlflow", { request: { modelId } });
