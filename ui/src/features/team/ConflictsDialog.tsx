import { useId } from "react";
import type { ConflictChoice } from "../../bindings/ConflictChoice";
import type { SyncConflict } from "../../bindings/SyncConflict";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { useResolveConflict } from "../../queries";
import { conflictSides } from "./team";

/** The models whose alias the server moved while a local change waited: take the server's side, or keep mine. */
export function ConflictsDialog({ conflicts, onClose }: { conflicts: SyncConflict[]; onClose: () => void }) {
  const titleId = useId();
  return (
    <Modal labelledBy={titleId} onClose={onClose} className="modal-form-dialog" testId="conflicts-dialog">
      <div className="modal-header">
        <div>
          <h2 id={titleId} className="modal-title">
            Conflicts with the team server
          </h2>
          <p className="modal-subtitle">
            The server moved an alias while a change made here was waiting to be sent. Choose which side stays.
          </p>
        </div>
      </div>
      <div className="modal-body">
        {conflicts.length === 0 ? (
          <p className="muted">No conflicts left.</p>
        ) : (
          <ul className="plain-list conflict-list">
            {conflicts.map((c) => (
              <ConflictRow key={`${c.modelId}-${c.alias}`} conflict={c} />
            ))}
          </ul>
        )}
      </div>
      <div className="modal-footer">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Modal>
  );
}

function ConflictRow({ conflict: c }: { conflict: SyncConflict }) {
  const toast = useToast();
  const resolve = useResolveConflict();
  const sides = conflictSides(c);
  const choose = (choice: ConflictChoice) =>
    resolve.mutate(
      { modelId: c.modelId, choice },
      {
        onSuccess: (message) => toast.success(choice === "take_server" ? "Took the server's side" : "Kept your change", message),
        onError: (err) => toast.error("The conflict wasn't resolved", err.message),
      },
    );
  const pending = resolve.isPending ? resolve.variables.choice : null;
  return (
    <li className="conflict-row" data-testid="conflict-row" aria-label={c.name}>
      <p className="conflict-name">{c.name}</p>
      <p className="conflict-text">
        Alias <span className="mono">{c.alias}</span>: on the server it now points at <strong>{sides.server}</strong>{" "}
        (it was {sides.base} when last synced); here you want <strong>{sides.local}</strong>.
      </p>
      <div className="conflict-actions">
        <Button size="sm" busy={pending === "take_server"} disabled={resolve.isPending} onClick={() => choose("take_server")}>
          Take the server&apos;s
        </Button>
        <Button size="sm" variant="primary" busy={pending === "keep_mine"} disabled={resolve.isPending} onClick={() => choose("keep_mine")}>
          Keep mine
        </Button>
      </div>
    </li>
  );
}
