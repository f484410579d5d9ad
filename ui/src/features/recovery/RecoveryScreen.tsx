import { useState, type ReactNode } from "react";
import { DatabaseZap, FilePlus2, FolderOpen, FileSearch, RotateCw } from "lucide-react";
import { ApiError } from "../../api";
import type { ProblemKind } from "../../bindings/ProblemKind";
import type { RegistryProblem } from "../../bindings/RegistryProblem";
import type { RegistryStatus } from "../../bindings/RegistryStatus";
import { Button } from "../../components/Button";
import { FailureAlert } from "../../components/FailureAlert";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toast";
import { TaskProgress } from "../../components/TaskProgress";
import { REASON_LABEL, fileNameOf, folderOf, modelCount, restoreStep, type RestoreChoice } from "../backups/backups";
import { BackupRows } from "../backups/BackupRows";
import { messageOf, useBackupFile } from "../backups/useBackupFile";
import { localDateTime } from "../../lib/format";
import { useBackups, useRestoreBackup, useRetryOpenRegistry, useStartNewRegistry, useTask } from "../../queries";

export const RECOVERY_TITLE: Record<ProblemKind, string> = {
  "not-sqlite": "The registry file isn't a database",
  truncated: "The registry file is cut short",
  corrupt: "The registry file is damaged",
  "foreign-database": "This file belongs to another program",
  "schema-too-new": "This registry is from a newer ModelOps",
  "read-only": "The registry's folder is read-only",
  "disk-full": "The disk is full",
  other: "The registry couldn't be opened",
};

/** The kinds where something outside the file blocked it, so fixing that and trying again can work. */
const RETRYABLE: ReadonlySet<ProblemKind> = new Set<ProblemKind>(["read-only", "disk-full", "other"]);


/**
 * Shown instead of the app when the registry could not be opened: what happened, in plain words, and the ways
 * out. Rust changed nothing to get here, and every way out that moves or replaces the file asks first.
 */
export function RecoveryScreen({ status, problem }: { status: RegistryStatus; problem: RegistryProblem }) {
  const toast = useToast();
  const backups = useBackups();
  const restore = useRestoreBackup();
  const task = useTask();
  const startNew = useStartNewRegistry();
  const retry = useRetryOpenRegistry();
  const [confirming, setConfirming] = useState<RestoreChoice | "start-new" | null>(null);

  const kind = problem.kind;
  const retryable = RETRYABLE.has(kind);
  const backupsDir = backups.data?.dir ?? status.backupsDir;
  const { failure, setFailure, picking, chooseFile, showFolder, openingFolder } = useBackupFile(backupsDir, setConfirming);
  const busy = picking || restore.isPending || startNew.isPending || retry.isPending;
  const fileName = fileNameOf(problem.path);
  const folder = folderOf(problem.path);

  // The awaits below outlive this screen when they succeed (the app replaces it), so the toasts are raised
  // from the promise, not from mutate callbacks that an unmounted component never gets.
  const runRestore = async (choice: RestoreChoice) => {
    setFailure(null);
    try {
      const r = await restore.mutateAsync({ path: choice.path, task: task.begin() });
      toast.success(
        `Restored from ${fileNameOf(r.restoredFrom)} (${modelCount(r)}).`,
        r.movedAside ? `The damaged file was moved to ${r.movedAside}.` : undefined,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "CANCELLED") toast.info("Restore cancelled; nothing was changed");
      else setFailure({ title: "The backup couldn't be restored", message: messageOf(err) });
    } finally {
      task.end();
    }
  };

  const runStartNew = async () => {
    setFailure(null);
    try {
      const s = await startNew.mutateAsync();
      if (s.problem) setFailure({ title: "The new registry couldn't be opened", message: s.problem.message });
      else toast.success("Started a new registry", `The old file was moved aside in ${folder}; nothing was deleted.`);
    } catch (err) {
      setFailure({ title: "Couldn't start a new registry", message: messageOf(err) });
    }
  };

  const runRetry = async () => {
    setFailure(null);
    try {
      const s = await retry.mutateAsync();
      if (s.problem) setFailure({ title: "Still can't open the registry", message: s.problem.message });
      else toast.success("The registry is open");
    } catch (err) {
      setFailure({ title: "Couldn't try again", message: messageOf(err) });
    }
  };


  const restoreSection = (
    <section className="recovery-section" aria-labelledby="recovery-restore-title">
      <h2 id="recovery-restore-title">Restore a backup</h2>
      {backups.isPending ? (
        <p className="muted small">Looking for backups…</p>
      ) : backups.isError ? (
        <p className="inline-error small">Couldn&apos;t list the backups: {backups.error.message}</p>
      ) : backups.data.backups.length === 0 ? (
        <p className="muted">
          There are no backups in <span className="mono selectable">{backups.data.dir}</span>. If you have a copy of the
          registry elsewhere, choose it.
        </p>
      ) : (
        <BackupRows
          label="Backups"
          backups={backups.data.backups}
          disabled={busy}
          restoringPath={restore.isPending ? restore.variables?.path : undefined}
          onRestore={(backup) => setConfirming({ path: backup.path, backup })}
        />
      )}
      {restore.isPending && task.progress ? (
        <TaskProgress label={restoreStep(task.progress)} progress={task.progress} onCancel={task.cancel} cancelling={task.cancelling} />
      ) : null}
      <div className="recovery-buttons">
        <Button icon={<FileSearch size={16} aria-hidden="true" />} busy={picking} disabled={busy} onClick={() => void chooseFile()}>
          Choose a file…
        </Button>
      </div>
    </section>
  );

  const startNewSection = problem.canMoveAside ? (
    <section className="recovery-section" aria-labelledby="recovery-new-title">
      <h2 id="recovery-new-title">Start over</h2>
      <p className="muted">
        The file is moved aside, not deleted, and a new registry with the demo models takes its place.
      </p>
      <div className="recovery-buttons">
        <Button
          icon={<FilePlus2 size={16} aria-hidden="true" />}
          busy={startNew.isPending}
          disabled={busy}
          onClick={() => setConfirming("start-new")}
        >
          Start a new registry…
        </Button>
      </div>
    </section>
  ) : null;

  return (
    <main className="fullpage-error recovery" aria-labelledby="recovery-title" data-testid="recovery-screen" data-problem={kind}>
      <div className="fullpage-card recovery-card">
        <DatabaseZap size={40} aria-hidden="true" className="fullpage-icon" />
        <h1 id="recovery-title">{RECOVERY_TITLE[kind]}</h1>
        <p className="error-message">{problem.message}</p>
        <p className="recovery-path">
          <span className="muted small">Registry file</span>
          <span className="mono selectable">{problem.path}</span>
        </p>
        <p className="lead">Nothing has been changed or deleted.</p>
        <p className="recovery-advice">{advice(kind, status.dataDir || folder)}</p>

        <FailureAlert failure={failure} />

        {retryable ? (
          <div className="recovery-buttons">
            <Button
              variant="primary"
              icon={<RotateCw size={16} aria-hidden="true" />}
              busy={retry.isPending}
              disabled={busy}
              onClick={() => void runRetry()}
            >
              Try again
            </Button>
          </div>
        ) : null}

        {kind === "schema-too-new" ? (
          <p className="recovery-secondary-note muted">
            If you can&apos;t update, restore an older backup or start a new registry. This file is moved aside, not
            deleted, so the newer ModelOps can still open it.
          </p>
        ) : null}
        {restoreSection}
        {startNewSection}

        <div className="recovery-footer">
          <Button variant="ghost" icon={<FolderOpen size={16} aria-hidden="true" />} busy={openingFolder} onClick={showFolder}>
            Open backups folder
          </Button>
          <span className="muted small mono">Error code: {problem.code}</span>
        </div>
      </div>

      {confirming === "start-new" ? (
        <ConfirmDialog
          title="Start a new registry?"
          confirmLabel="Move aside and start new"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void runStartNew();
          }}
        >
          <p>
            The current file is moved aside to <span className="mono">{fileName}.damaged-&lt;time&gt;</span> in the same
            folder; a new registry with the demo models starts.
          </p>
          <p className="muted">Nothing is deleted: you can restore a backup over the new registry later.</p>
        </ConfirmDialog>
      ) : confirming !== null ? (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel="Restore backup"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const choice = confirming;
            setConfirming(null);
            void runRestore(choice);
          }}
        >
          <RestoreWhat choice={confirming} />
          {problem.fileExists ? (
            <p>
              The {problem.canMoveAside ? "damaged" : "current"} file is moved aside beside it, as <span className="mono">{fileName}.damaged-&lt;time&gt;</span>{" "}
              in <span className="mono">{folder}</span>; it is not deleted. The backup then becomes the registry.
            </p>
          ) : (
            <p>The backup becomes the registry.</p>
          )}
          <p className="muted">The file is checked first: if it isn&apos;t a sound ModelOps registry, nothing changes.</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function RestoreWhat({ choice }: { choice: RestoreChoice }) {
  const b = choice.backup;
  return b ? (
    <p>
      The backup from <strong>{localDateTime(b.createdAt)}</strong> ({REASON_LABEL[b.reason].toLowerCase()},{" "}
      <span className="mono">{b.fileName}</span>).
    </p>
  ) : (
    <p>
      The file <span className="mono">{choice.path}</span>.
    </p>
  );
}

/** What to do first, in the user's terms. */
function advice(kind: ProblemKind, dataDir: string): ReactNode {
  switch (kind) {
    case "schema-too-new":
      return <strong className="recovery-advice-main">Update ModelOps to open it.</strong>;
    case "read-only":
      return (
        <>
          Make the folder <span className="mono selectable">{dataDir}</span> writable for your user, then try again.
        </>
      );
    case "disk-full":
      return "Free some space on the disk that holds the registry, then try again.";
    case "other":
      return "If the message names something you can fix, fix it, then try again. Restoring a backup may also help.";
    case "foreign-database":
      return "ModelOps won't write into another program's file. Restore a backup, or move the file aside and start a new registry.";
    default:
      return "Restore a backup, or move the file aside and start a new registry.";
  }
}
