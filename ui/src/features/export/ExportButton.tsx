import { useId } from "react";
import { KEYSHORTCUT } from "../../lib/shortcuts";
import { Download } from "lucide-react";
import type { ModelView } from "../../bindings/ModelView";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { TaskProgress } from "../../components/TaskProgress";
import { useToast } from "../../components/Toast";
import { formatNumber, plural } from "../../lib/format";
import { useExportCsv, useTask } from "../../queries";

interface Props {
  /** What the table shows: exported as is by "Export shown". */
  view: ModelView;
  /** How many models the view holds (undefined while unknown). */
  shown: number | undefined;
  /** How many models the registry holds (undefined while unknown). */
  all: number | undefined;
  /** Whether the scope chooser is open: the app opens it for Ctrl/Cmd+E too. */
  choosing: boolean;
  onChoosingChange: (open: boolean) => void;
}

const count = (n: number | undefined) => (n === undefined ? "" : `${formatNumber(n)} `);

/**
 * Export CSV: asks whether to write the current view or every model, then the save dialog, then Rust writes,
 * with a progress bar and Cancel while it does (a cancelled export writes nothing).
 */
export function ExportButton({ view, shown, all, choosing, onChoosingChange: setChoosing }: Props) {
  const toast = useToast();
  const exportCsv = useExportCsv();
  const task = useTask();
  const titleId = useId();
  const bodyId = useId();
  const progressTitleId = useId();

  const run = (scope: ModelView | undefined) => {
    setChoosing(false);
    exportCsv.mutate(
      { view: scope, task: task.begin() },
      {
        onSuccess: (result) => {
          // null: the user cancelled the save dialog. Nothing to say.
          if (result) toast.success(`Exported ${plural(result.rows, "model")} to ${result.path}`);
        },
        onError: (err) => {
          // The user asked for it and nothing was written: news, not a failure.
          if (err.code === "CANCELLED") toast.info("Export cancelled; nothing was written");
          else toast.error("Export failed", err.message);
        },
        onSettled: task.end,
      },
    );
  };

  return (
    <>
      <Button
        icon={<Download size={16} aria-hidden="true" />}
        busy={exportCsv.isPending}
        aria-haspopup="dialog"
        aria-keyshortcuts={KEYSHORTCUT.export}
        title="Export CSV (Ctrl+E)"
        onClick={() => setChoosing(true)}
      >
        Export CSV
      </Button>
      {choosing ? (
        <Modal labelledBy={titleId} describedBy={bodyId} onClose={() => setChoosing(false)} className="modal-confirm modal-export">
          <div className="modal-body">
            <h2 id={titleId} className="modal-title">
              Export models to CSV
            </h2>
            <p id={bodyId} className="confirm-text">
              Write the models the table shows, in its order, or every model in the registry.
            </p>
            <div className="export-choices">
              <button type="button" className="export-choice" autoFocus onClick={() => run(view)}>
                <span className="export-choice-title">Export shown: {count(shown)}{shown === 1 ? "model" : "models"}</span>
                <span className="export-choice-hint">The current search, filters and order</span>
              </button>
              <button type="button" className="export-choice" onClick={() => run(undefined)}>
                <span className="export-choice-title">Export all {count(all)}{all === 1 ? "model" : "models"}</span>
                <span className="export-choice-hint">Every model in the registry, whatever the search and filters</span>
              </button>
            </div>
          </div>
          <div className="modal-footer">
            <Button onClick={() => setChoosing(false)}>Cancel</Button>
          </div>
        </Modal>
      ) : null}
      {/* Shown from Rust's first report: after the save dialog, and not at all for an export that ends at once. */}
      {exportCsv.isPending && task.progress ? (
        <Modal labelledBy={progressTitleId} onClose={task.cancel} className="modal-confirm modal-task" testId="export-progress">
          <div className="modal-body">
            <h2 id={progressTitleId} className="modal-title">
              Exporting models to CSV
            </h2>
            <TaskProgress label="Exporting models" progress={task.progress} onCancel={task.cancel} cancelling={task.cancelling} />
          </div>
        </Modal>
      ) : null}
    </>
  );
}
