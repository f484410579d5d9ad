import { useId, useState } from "react";
import { FileInput, FolderOpen, X } from "lucide-react";
import { pickLegacyFile, type LegacyFile } from "../../api";
import type { ImportItem } from "../../bindings/ImportItem";
import type { ImportPlan } from "../../bindings/ImportPlan";
import { Button } from "../../components/Button";
import { FailureAlert } from "../../components/FailureAlert";
import { Modal } from "../../components/Modal";
import { TaskProgress } from "../../components/TaskProgress";
import { useToast } from "../../components/Toast";
import { useApplyImport, usePreviewImport, useTask } from "../../queries";
import { ACTION_LABEL, FILE_FIELD, KIND_LABEL, countsLine, importedTitle, isNothingToImport, toRequest } from "./plan";

interface Props {
  onClose: () => void;
}

type Files = Record<LegacyFile, string | null>;

/**
 * Imports the legacy app's models.json (and optionally ab_tests.json): choose the files in the native open
 * dialog, preview what would be created or updated (nothing is written), then import all or nothing.
 * Errors stay in the dialog, in an alert region, with Rust's message (it says where a file is wrong).
 */
export function ImportDialog({ onClose }: Props) {
  const toast = useToast();
  const preview = usePreviewImport();
  const apply = useApplyImport();
  const task = useTask();
  const titleId = useId();
  const [files, setFiles] = useState<Files>({ models: null, abTests: null });
  const [picking, setPicking] = useState<LegacyFile | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);

  const busy = picking !== null || preview.isPending || apply.isPending;
  // The plan always belongs to the files chosen now: changing a file resets it.
  const plan = preview.data;
  const planned = preview.variables;
  const nothingToImport = plan !== undefined && isNothingToImport(plan);

  const setFile = (which: LegacyFile, path: string | null) => {
    setFiles((f) => ({ ...f, [which]: path }));
    preview.reset();
    apply.reset();
    setPickError(null);
  };

  const choose = async (which: LegacyFile) => {
    setPicking(which);
    setPickError(null);
    try {
      const path = await pickLegacyFile(which);
      // null: the user cancelled the dialog; keep what was chosen before.
      if (path !== null) setFile(which, path);
    } catch (err) {
      setPickError(err instanceof Error ? err.message : String(err));
    } finally {
      setPicking(null);
    }
  };

  const runPreview = () => {
    if (files.models === null) return;
    apply.reset();
    setPickError(null);
    preview.mutate(toRequest(files.models, files.abTests));
  };

  const runApply = () => {
    if (!planned) return;
    // Exactly the files that were previewed.
    apply.mutate(
      { request: planned, task: task.begin() },
      {
        onSuccess: (result) => {
          if (isNothingToImport(result)) toast.info("Nothing imported", "The registry already had everything in these files.");
          else toast.success(importedTitle(result), result.unchanged > 0 ? `${result.unchanged} already up to date.` : undefined);
          onClose();
        },
        onError: (err) => {
          // Asked for, and the transaction rolled back: say so, and leave the plan ready to import again.
          if (err.code === "CANCELLED") {
            apply.reset();
            toast.info("Import cancelled", "Nothing was imported; the registry is as it was.");
          }
        },
        onSettled: task.end,
      },
    );
  };

  // While importing, closing the dialog (Esc) means stopping the import, not leaving it running unseen.
  const close = apply.isPending ? task.cancel : onClose;

  const failure = pickError
    ? { title: "Couldn't open the file dialog", message: pickError }
    : apply.error
      ? { title: "Nothing was imported", message: apply.error.message }
      : preview.error
        ? { title: "Couldn't preview the import", message: preview.error.message }
        : null;

  return (
    <Modal labelledBy={titleId} onClose={close} className="modal-form-dialog modal-import">
      <div className="modal-header">
        <div>
          <h2 id={titleId} className="modal-title">
            Import legacy data
          </h2>
          <p className="modal-subtitle">
            The models and A/B tests of the app ModelOps replaces, from its <span className="mono">models.json</span> and{" "}
            <span className="mono">ab_tests.json</span>. Preview first: nothing is written until you press Import, and
            then all of it or nothing.
          </p>
        </div>
      </div>

      <div className="modal-body">
        <fieldset className="form-fieldset">
          <legend>Files</legend>
          {(["models", "abTests"] as const).map((which) => {
            const f = FILE_FIELD[which];
            const path = files[which];
            return (
              <div key={which} className="field">
                <label htmlFor={f.pathId}>{f.label}</label>
                <div className="input-with-button">
                  <div className="import-path">
                    <input
                      type="text"
                      id={f.pathId}
                      className={`mono${which === "abTests" ? " has-clear" : ""}`}
                      readOnly
                      placeholder="No file chosen"
                      title={path ?? undefined}
                      value={path ?? ""}
                    />
                    {which === "abTests" && path !== null ? (
                      <button
                        type="button"
                        id="import-abtests-clear"
                        className="icon-btn import-path-clear"
                        aria-label="Clear the A/B tests file"
                        disabled={busy}
                        onClick={() => setFile("abTests", null)}
                      >
                        <X size={16} aria-hidden="true" />
                      </button>
                    ) : null}
                  </div>
                  <Button
                    className="import-choose"
                    id={f.chooseId}
                    icon={<FolderOpen size={16} aria-hidden="true" />}
                    data-autofocus={which === "models" || undefined}
                    busy={picking === which}
                    disabled={busy}
                    onClick={() => void choose(which)}
                  >
                    {f.choose}
                  </Button>
                </div>
              </div>
            );
          })}
        </fieldset>

        <FailureAlert failure={failure} />

        {apply.isPending && task.progress ? (
          <TaskProgress label="Importing" progress={task.progress} onCancel={task.cancel} cancelling={task.cancelling} />
        ) : null}

        <section className="import-preview" aria-labelledby={`${titleId}-preview`}>
          <h3 id={`${titleId}-preview`}>Preview</h3>
          {plan ? (
            <PlanView plan={plan} nothingToImport={nothingToImport} />
          ) : (
            <p className="muted small">
              {preview.isPending
                ? "Reading the files…"
                : files.models === null
                  ? "Choose the models file, then Preview to see what would be created or updated."
                  : "Preview to see what would be created or updated."}
            </p>
          )}
        </section>
      </div>

      <div className="modal-footer">
        <Button onClick={onClose} disabled={apply.isPending}>
          Cancel
        </Button>
        <Button
          id="import-preview"
          variant={plan ? "secondary" : "primary"}
          busy={preview.isPending}
          disabled={busy || files.models === null}
          onClick={runPreview}
        >
          Preview
        </Button>
        <Button
          id="import-apply"
          variant="primary"
          icon={<FileInput size={16} aria-hidden="true" />}
          busy={apply.isPending}
          disabled={busy || !plan || nothingToImport}
          onClick={runApply}
        >
          Import
        </Button>
      </div>
    </Modal>
  );
}

function PlanView({ plan, nothingToImport }: { plan: ImportPlan; nothingToImport: boolean }) {
  return (
    <>
      <p className="import-counts" role="status">
        {countsLine(plan)}
      </p>
      {nothingToImport ? (
        <p className="import-nothing">Nothing to import: the registry already has everything in these files.</p>
      ) : null}
      {plan.items.length > 0 ? (
        <div className="subtable-wrap import-table-wrap">
          <table id="import-preview-table" className="subtable import-table" aria-label="What the import would do">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Name</th>
                <th scope="col">ID</th>
                <th scope="col">Action</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {plan.items.map((item) => (
                <PlanRow key={`${item.kind}:${item.id}`} item={item} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function PlanRow({ item }: { item: ImportItem }) {
  return (
    <tr data-import-id={item.id} data-import-action={item.action}>
      <td>{KIND_LABEL[item.kind] ?? item.kind}</td>
      <th scope="row" className="import-name">
        {item.name}
      </th>
      <td className="mono">{item.id}</td>
      <td>
        {/* The word is the information; the colour only repeats it. */}
        <span className={`action-tag import-action-${item.action}`}>{ACTION_LABEL[item.action]}</span>
      </td>
      <td className="import-changes">
        {item.changes.length > 0 ? item.changes.join("; ") : <span className="muted">Already in the registry</span>}
      </td>
    </tr>
  );
}
