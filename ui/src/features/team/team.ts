import type { AuthKind } from "../../bindings/AuthKind";
import type { ConnectionReport } from "../../bindings/ConnectionReport";
import type { RemoteSettings } from "../../bindings/RemoteSettings";
import type { SaveRemoteRequest } from "../../bindings/SaveRemoteRequest";
import type { SyncConflict } from "../../bindings/SyncConflict";
import type { SyncReport } from "../../bindings/SyncReport";
import { formatNumber, plural } from "../../lib/format";

export const DEFAULT_PRODUCTION_ALIAS = "production";
export const DEFAULT_STAGING_ALIAS = "staging";

/** The title of a metric shown as "—" because the MLflow run logged none of ModelOps' metrics. */
export const UNKNOWN_METRICS_TITLE = "unknown: the MLflow run logged none of ModelOps' metrics";

export const AUTH_LABEL: Record<AuthKind, string> = {
  none: "None",
  basic: "Username and password",
  token: "Token",
};

/** Where the password or token comes from: typed in (kept in the OS keyring) or an environment variable. */
export type SecretSource = "keyring" | "env";

/** What the dialog's fields hold. */
export interface TeamForm {
  url: string;
  auth: AuthKind;
  username: string;
  secretSource: SecretSource;
  secret: string;
  secretEnv: string;
  productionAlias: string;
  stagingAlias: string;
}

export function formFrom(settings: RemoteSettings | null): TeamForm {
  return {
    url: settings?.url ?? "",
    auth: settings?.auth ?? "none",
    username: settings?.username ?? "",
    secretSource: settings?.secretEnv ? "env" : "keyring",
    secret: "",
    secretEnv: settings?.secretEnv ?? "",
    productionAlias: settings?.productionAlias ?? DEFAULT_PRODUCTION_ALIAS,
    stagingAlias: settings?.stagingAlias ?? DEFAULT_STAGING_ALIAS,
  };
}

/** The request Save and Test connection send: the secret only when one was typed for the keyring. */
export function requestFrom(form: TeamForm): SaveRemoteRequest {
  const withSecret = form.auth !== "none";
  const fromEnv = withSecret && form.secretSource === "env";
  const settings: RemoteSettings = {
    url: form.url.trim(),
    auth: form.auth,
    username: form.auth === "basic" ? form.username.trim() || null : null,
    secretEnv: fromEnv ? form.secretEnv.trim() || null : null,
    productionAlias: form.productionAlias.trim() || DEFAULT_PRODUCTION_ALIAS,
    stagingAlias: form.stagingAlias.trim() || DEFAULT_STAGING_ALIAS,
  };
  return withSecret && !fromEnv && form.secret !== "" ? { settings, secret: form.secret } : { settings };
}

/** What the form lacks before it can be sent, field by field (Rust checks again). */
export function formProblems(form: TeamForm): Partial<Record<keyof TeamForm, string>> {
  const problems: Partial<Record<keyof TeamForm, string>> = {};
  if (!form.url.trim()) problems.url = "Enter the tracking URI, e.g. http://mlflow.internal:5000.";
  else if (!/^https?:\/\/\S+$/i.test(form.url.trim())) problems.url = "The tracking URI starts with http:// or https://.";
  if (form.auth === "basic" && !form.username.trim()) problems.username = "Enter the username.";
  if (form.auth !== "none" && form.secretSource === "env" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(form.secretEnv.trim()))
    problems.secretEnv = "Enter the name of an environment variable, e.g. MLFLOW_TRACKING_PASSWORD.";
  return problems;
}

/** "MLflow 3.17.2 · 12 registered models" ("1000+" when there are more than the first page). */
export function connectionText(r: ConnectionReport): string {
  const count = `${formatNumber(r.registeredModels)}${r.more ? "+" : ""}`;
  return `MLflow ${r.mlflowVersion} · ${count} registered ${r.registeredModels === 1 && !r.more ? "model" : "models"}`;
}

/** The toast after a sync: what came in, what went out, what waits. */
export function syncReportText(r: SyncReport): string {
  const parts: string[] = [];
  if (r.newModels > 0) parts.push(`${plural(r.newModels, "new model")}`);
  if (r.newVersions > 0) parts.push(`${plural(r.newVersions, "new version")}`);
  if (r.changesApplied > 0) parts.push(`${plural(r.changesApplied, "change")} from the server`);
  if (r.pushed > 0) parts.push(`${plural(r.pushed, "change")} sent`);
  if (r.waiting > 0) parts.push(`${plural(r.waiting, "change")} still waiting`);
  if (r.conflicts.length > 0) parts.push(plural(r.conflicts.length, "conflict"));
  if (r.skipped.length > 0) parts.push(`${plural(r.skipped.length, "server model")} skipped`);
  return parts.length === 0 ? "Already up to date." : `${parts.join(", ")}.`;
}

/** "production" alias: "the server has version 4, here: production at 1.3.0" — the conflict in words. */
export function conflictSides(c: SyncConflict): { server: string; local: string; base: string } {
  return {
    server: c.server ? `version ${c.server}` : "not set",
    local: c.local,
    base: c.base ? `version ${c.base}` : "not set",
  };
}
