import { useId } from "react";
import type { TaskProgress as Progress } from "../bindings/TaskProgress";
import { formatNumber } from "../lib/format";
import { Button } from "./Button";

interface Props {
  /** A smaller, one-line variant, e.g. for the header. */
  compact?: boolean;
  /** What is running, e.g. "Exporting models": the bar's accessible name. */
  label: string;
  /** The latest report; null before the first one (the bar is then indeterminate). */
  progress: Progress | null;
  onCancel: () => void;
  /** Cancel was asked and the task is winding down. */
  cancelling?: boolean;
}

const mb = (bytes: number) => `${formatNumber(bytes / 1_000_000, 1)} MB`;

/** "1,204 of 100,000 rows", "3 of 25 items", "12.0 MB of 840.5 MB", "Checking…". */
export function progressText(p: Progress): string {
  switch (p.phase) {
    case "exporting":
      return `${formatNumber(p.done)} of ${formatNumber(p.total)} ${p.total === 1 ? "row" : "rows"}`;
    case "importing":
      return `${formatNumber(p.done)} of ${formatNumber(p.total)} ${p.total === 1 ? "item" : "items"}`;
    case "hashing":
    case "unpacking":
    case "backingUp":
    case "restoring":
      return `${mb(p.done)} of ${mb(p.total)}`;
    // SQLite's check says nothing of its progress: 0 of 1 until done.
    case "checking":
      return p.done >= p.total ? "Checked" : "Checking…";
    // MLflow does not say how many there are: a count, not "n of m".
    case "readingModels":
      return `${formatNumber(p.done)} registered ${p.done === 1 ? "model" : "models"} read`;
    case "readingVersions":
      return `${formatNumber(p.done)} ${p.done === 1 ? "version" : "versions"} read`;
    case "fetchingMetrics":
      return `Metrics of ${formatNumber(p.done)} of ${formatNumber(p.total)} ${p.total === 1 ? "run" : "runs"}`;
    case "takingIn":
      return p.done >= p.total ? "Taken in" : "Taking in…";
    case "pushing":
      return `${formatNumber(p.done)} of ${formatNumber(p.total)} ${p.total === 1 ? "change" : "changes"} sent`;
  }
}

/** A progress bar with what it counts and a Cancel button, for work that Rust reports on (see api/tasks.ts). */
export function TaskProgress({ label, progress, onCancel, cancelling = false, compact = false }: Props) {
  const labelId = useId();
  const text = progress ? progressText(progress) : "Starting…";
  // An empty task (0 of 0) is complete, not indeterminate; a count with no known end is indeterminate.
  const open = progress === null || progress.phase === "readingModels" || progress.phase === "readingVersions";
  const max = open ? undefined : Math.max(progress.total, 1);
  const value = open ? undefined : progress.total === 0 ? 1 : progress.done;
  return (
    <div className={compact ? "task-progress task-progress-compact" : "task-progress"}>
      <div className="task-progress-head">
        <span id={labelId} className="task-progress-label">
          {cancelling ? `${label}: cancelling…` : label}
        </span>
        <span className="task-progress-text">{text}</span>
      </div>
      <div className="task-progress-row">
        <progress data-testid="task-progress" aria-labelledby={labelId} aria-valuetext={text} max={max} value={value} />
        <Button size="sm" data-testid="task-cancel" onClick={onCancel} disabled={cancelling}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
