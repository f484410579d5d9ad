import { useId, useState, type FormEvent } from "react";
import { DatabaseBackup, FileSearch, FolderOpen } from "lucide-react";
import { MAX_BACKUP_KEEP } from "../../api";
import { Button } from "../../components/Button";
import { FailureAlert } from "../../components/FailureAlert";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { TaskProgress } from "../../components/TaskProgress";
import { useBackupNow, useBackups, useRestoreBackup, useSaveBackupSettings, useTask } from "../../queries";
import { BackupRows } from "./BackupRows";
import { useBackupFile } from "./useBackupFile";
import { choiceName, fileNameOf, modelCount, parseKeep, restoreStep, type RestoreChoice } from "./backups";


/**
 * The registry's backups while it runs: where they are, make one now, restore one (after a safety backup of
 * the current state, so a restore can itself be undone), and how many automatic ones to keep.
 */
export function BackupsDialog({ onClose }: { onClose: () => void }) {
  const toast = useToast();
  const titleId = useId();
  const backups = useBackups();
  const backupNow = useBackupNow();
  const restore = useRestoreBackup();
  const task = useTask();
  const [confirming, setConfirming] = useState<RestoreChoice | null>(null);
  const list = backups.data;
  const { failure, setFailure, picking, chooseFile, showFolder, openingFolder } = useBackupFile(list?.dir, setConfirming);
  const busy = picking || restore.isPending || backupNow.isPending;

  const runBackupNow = () => {
    setFailure(null);
    backupNow.mutate(undefined, {
      onSuccess: (b) => toast.success("Backup saved", b.fileName),
      onError: (err) => setFailure({ title: "The backup wasn't made", message: err.message }),
    });
  };

  const runRestore = (choice: RestoreChoice) => {
    setFailure(null);
    restore.mutate(
      { path: choice.path, task: task.begin() },
      {
        onSuccess: (r) => {
          toast.success(
            `Restored ${modelCount(r)} from ${fileNameOf(r.restoredFrom)}.`,
            r.safetyBackup ? `The previous state was saved as ${r.safetyBackup.fileName}.` : undefined,
          );
          onClose();
        },
        onError: (err) => {
          // The user asked for it and the registry is as it was: news, not a failure.
          if (err.code === "CANCELLED") toast.info("Restore cancelled; the registry is as it was");
          else setFailure({ title: "The backup couldn't be restored", message: err.message });
        },
        onSettled: task.end,
      },
    );
  };


  return (
    // Esc during a restore cancels it and the dialog stays, with the bar, until the restore has ended.
    <Modal
      labelledBy={titleId}
      onClose={onClose}
      onEscape={restore.isPending ? task.cancel : undefined}
      className="modal-form-dialog modal-backups"
      testId="backups-dialog"
    >
        <div className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              Backups
            </h2>
            <p className="modal-subtitle">
              Copies of the whole registry. ModelOps makes one a day, and before every migration and restore.
            </p>
          </div>
          <Button
            variant="primary"
            icon={<DatabaseBackup size={16} aria-hidden="true" />}
            busy={backupNow.isPending}
            disabled={busy}
            data-autofocus
            onClick={runBackupNow}
          >
            Back up now
          </Button>
        </div>

        <div className="modal-body">
          <div className="backups-where">
            <p>
              <span className="muted small">Backups are kept in</span>
              <span className="mono selectable">{list?.dir ?? "…"}</span>
            </p>
            <Button size="sm" icon={<FolderOpen size={14} aria-hidden="true" />} busy={openingFolder} onClick={showFolder}>
              Open folder
            </Button>
          </div>

          <FailureAlert failure={failure} />

          {/* From Rust's first report: a restore of a small registry ends before it and shows none. */}
          {restore.isPending && task.progress ? (
            <TaskProgress
              label={restoreStep(task.progress)}
              progress={task.progress}
              onCancel={task.cancel}
              cancelling={task.cancelling}
            />
          ) : null}

          <section className="backups-section" aria-labelledby={`${titleId}-list`}>
            <div className="backups-section-head">
              <h3 id={`${titleId}-list`}>Restore</h3>
              <Button size="sm" icon={<FileSearch size={14} aria-hidden="true" />} busy={picking} disabled={busy} onClick={() => void chooseFile()}>
                Restore from file…
              </Button>
            </div>
            {backups.isPending ? (
              <p className="muted small">Looking for backups…</p>
            ) : backups.isError ? (
              <p className="inline-error small" role="alert">
                Couldn&apos;t list the backups: {backups.error.message}
              </p>
            ) : backups.data.backups.length === 0 ? (
              <p className="muted">No backups yet. Back up now to make the first one.</p>
            ) : (
              <BackupRows
                label="Backups"
                backups={backups.data.backups}
                disabled={busy}
                restoringPath={restore.isPending ? restore.variables?.path : undefined}
                onRestore={(backup) => setConfirming({ path: backup.path, backup })}
              />
            )}
          </section>

          {list ? <KeepSetting keep={list.keep} /> : null}
        </div>

        <div className="modal-footer">
          <Button onClick={onClose} disabled={restore.isPending}>
            Close
          </Button>
        </div>

      {confirming ? (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel="Restore backup"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const choice = confirming;
            setConfirming(null);
            runRestore(choice);
          }}
        >
          <p>
            Replace the current registry with {confirming.backup ? choiceName(confirming) : <span className="mono">{choiceName(confirming)}</span>}?
            The current registry is backed up first, so you can undo this.
          </p>
          {confirming.backup ? null : <p className="muted mono small">{confirming.path}</p>}
        </ConfirmDialog>
      ) : null}
    </Modal>
  );
}

/** How many automatic backups to keep: checked here (1 to 1000) before Rust checks it again. */
function KeepSetting({ keep }: { keep: number }) {
  const toast = useToast();
  const save = useSaveBackupSettings();
  const id = useId();
  // null until edited: the input shows the saved number, and follows it when it changes elsewhere.
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const value = text ?? String(keep);
  const shownProblem = problem ?? (save.error?.code === "INVALID_INPUT" ? save.error.message : null);
  const otherError = save.error && save.error.code !== "INVALID_INPUT" ? save.error : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseKeep(value, MAX_BACKUP_KEEP);
    if ("problem" in parsed) {
      save.reset();
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    save.mutate(parsed.keep, {
      onSuccess: (s) => {
        setText(null);
        toast.success(`Keeping the last ${s.keep} automatic backups`);
      },
    });
  };

  return (
    <form className="backups-section backups-keep" onSubmit={submit} noValidate aria-labelledby={`${id}-head`}>
      <h3 id={`${id}-head`}>Automatic backups</h3>
      <div className="backups-keep-row">
        <span id={`${id}-before`}>Keep the last</span>
        <input
          id={`${id}-keep`}
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_BACKUP_KEEP}
          step={1}
          value={value}
          aria-labelledby={`${id}-before ${id}-after`}
          aria-describedby={`${id}-which ${id}-hint${shownProblem ? ` ${id}-error` : ""}`}
          aria-invalid={shownProblem ? true : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
            save.reset();
          }}
        />
        <span id={`${id}-after`}>automatic backups</span>
        <span id={`${id}-which`}>(daily, before migrations and restores).</span>
        <Button type="submit" size="sm" busy={save.isPending}>
          Save
        </Button>
      </div>
      <p id={`${id}-hint`} className="field-hint">
        Backups you make are never deleted automatically.
      </p>
      {shownProblem ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {shownProblem}
        </p>
      ) : null}
      {otherError ? (
        <p className="inline-error small" role="alert">
          Couldn&apos;t save: {otherError.message}
        </p>
      ) : null}
    </form>
  );
}
