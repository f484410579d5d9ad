import type { BackupInfo } from "../../bindings/BackupInfo";
import type { BackupReason } from "../../bindings/BackupReason";
import type { RestoreResult } from "../../bindings/RestoreResult";
import type { TaskProgress } from "../../bindings/TaskProgress";
import { localDateTime, plural } from "../../lib/format";

export const REASON_LABEL: Record<BackupReason, string> = {
  manual: "Manual",
  daily: "Daily",
  "pre-migration": "Before migration",
  "pre-restore": "Before restore",
};

/** The last component of a path, whichever separator the OS used. */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** A folder's path from one of its files' (the registry's folder from the registry file). */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i > 0 ? path.slice(0, i) : path;
}

/** What a restore is about to use: a listed backup (with its date and reason) or a file the user chose. */
export interface RestoreChoice {
  path: string;
  backup?: BackupInfo;
}

/** "the backup from Nov 5, 2025, 2:07:09 PM" or the chosen file's name, for the confirm dialogs. */
export function choiceName(choice: RestoreChoice): string {
  return choice.backup ? `the backup from ${localDateTime(choice.backup.createdAt)}` : fileNameOf(choice.path);
}

/** What a restore is doing, for its progress bar's label (the phases of `restore_backup`'s reports). */
export function restoreStep(progress: TaskProgress | null): string {
  switch (progress?.phase) {
    case "unpacking":
      return "Decompressing the backup";
    case "checking":
      return "Checking the backup";
    case "backingUp":
      return "Backing up the current registry";
    case "restoring":
      return "Replacing the registry";
    default:
      return "Restoring the backup";
  }
}

/** "12 models" in the restored registry. */
export const modelCount = (r: RestoreResult) => plural(r.check.models, "model");

/** The fewest automatic backups one may keep (save_backup_settings refuses 0). */
export const MIN_KEEP = 1;

/**
 * The number of automatic backups to keep typed in `text`, or why it can't be saved. Checked here too so that
 * a typo gets its answer without a round trip; Rust checks the same range.
 */
export function parseKeep(text: string, max: number): { keep: number } | { problem: string } {
  const trimmed = text.trim();
  const keep = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || keep < MIN_KEEP || keep > max)
    return { problem: `Enter a whole number from ${MIN_KEEP} to ${max}.` };
  return { keep };
}
