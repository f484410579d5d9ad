import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, CloudCog, RefreshCw } from "lucide-react";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { plural, relative, utc } from "../../lib/format";
import { TaskProgress } from "../../components/TaskProgress";
import { invalidateAfterBackgroundSync, useRemoteStatus, useSyncNow, useTask } from "../../queries";
import { ConflictsDialog } from "./ConflictsDialog";
import { TeamRegistryDialog } from "./TeamRegistryDialog";
import { syncReportText } from "./team";

/**
 * The header's team registry: the button that opens its settings and, while a server is set, how the sync
 * stands ("Synced 3 min ago", "3 changes waiting", "1 conflict", the last error) with "Sync now".
 */
export function TeamRegistryHeader() {
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <>
      <SyncStatus />
      <Button
        icon={<CloudCog size={16} aria-hidden="true" />}
        aria-haspopup="dialog"
        data-testid="team-registry-button"
        onClick={() => setSettingsOpen(true)}
      >
        Team registry
      </Button>
      {settingsOpen ? <TeamRegistryDialog onClose={() => setSettingsOpen(false)} /> : null}
    </>
  );
}

function SyncStatus() {
  const qc = useQueryClient();
  const toast = useToast();
  const status = useRemoteStatus();
  const sync = useSyncNow();
  const task = useTask();
  const [conflictsOpen, setConflictsOpen] = useState(false);
  const lastSync = status.data?.lastSync ?? null;

  // A sync Rust ran on its own (at start, every five minutes) shows up as a new lastSync: what it pulled must show.
  const seen = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (status.data === undefined) return;
    const before = seen.current;
    seen.current = lastSync;
    if (before !== undefined && before !== lastSync) void invalidateAfterBackgroundSync(qc);
  }, [qc, lastSync, status.data]);

  const s = status.data;
  if (!s?.settings) return null;

  const runSync = () =>
    sync.mutate(task.begin(), {
      onSuccess: (r) => toast.success(`Synced with ${r.server}`, syncReportText(r)),
      onError: (err) => {
        // The user asked for it: news, not a failure.
        if (err.code === "CANCELLED") toast.info("Sync cancelled", err.message);
        else toast.error("The sync failed", err.message);
      },
      onSettled: task.end,
    });

  const conflicts = s.conflicts.length;
  return (
    <div className={sync.isPending ? "sync-status is-syncing" : "sync-status"} data-testid="sync-status">
      {conflicts > 0 ? (
        <button type="button" className="sync-conflicts" aria-haspopup="dialog" onClick={() => setConflictsOpen(true)}>
          <AlertTriangle size={14} aria-hidden="true" />
          {plural(conflicts, "conflict")}
        </button>
      ) : null}
      {/* From Rust's first report: a sync that ends at once shows no bar. The page stays usable meanwhile.
          It floats below the header: the status beside Sync now stays as it was, so no button moves while
          the phases' texts change width. */}
      {sync.isPending && task.progress ? (
        <div className="sync-progress">
          <TaskProgress
            compact
            label="Syncing"
            progress={task.progress}
            onCancel={task.cancel}
            cancelling={task.cancelling}
          />
        </div>
      ) : null}
      {s.lastError ? (
        <span className="sync-error" title={s.lastError}>
          <AlertTriangle size={14} aria-hidden="true" />
          <span className="sync-error-text">{s.lastError}</span>
        </span>
      ) : s.waiting > 0 ? (
        <span className="muted small">{plural(s.waiting, "change")} waiting</span>
      ) : conflicts === 0 ? (
        <span className="muted small" title={utc(s.lastSync)}>
          {s.lastSync ? `Synced ${relative(s.lastSync)}` : "Not synced yet"}
        </span>
      ) : null}
      <Button
        size="sm"
        icon={<RefreshCw size={14} aria-hidden="true" />}
        busy={sync.isPending}
        data-testid="sync-now"
        title={`Sync with ${s.settings.url}`}
        onClick={runSync}
      >
        Sync now
      </Button>
      {conflictsOpen ? <ConflictsDialog conflicts={s.conflicts} onClose={() => setConflictsOpen(false)} /> : null}
    </div>
  );
}
