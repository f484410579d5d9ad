import { useId, useState, type FormEvent } from "react";
import { MAX_REASON_CHARS } from "../../bindings/limits";
import type { Model } from "../../bindings/Model";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";

export const OVERRIDE_REASON_ID = "gate-override-reason";

interface Props {
  model: Model;
  /** The registry's GATE_BLOCKED message: which version and why. */
  message: string;
  onCancel: () => void;
  /** Called with the trimmed, non-empty reason. */
  onOverride: (reason: string) => void;
}

/**
 * Says why production refused the version, and offers "Deploy anyway…": a second step that asks for the
 * reason the audit log will keep. Cancel has focus first.
 */
export function GateBlockedDialog({ model, message, onCancel, onOverride }: Props) {
  const titleId = useId();
  const bodyId = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = reason.trim();
    if (!text) {
      setError("Give a reason: it is recorded in the audit log with the override.");
      return;
    }
    onOverride(text);
  };

  return (
    <Modal labelledBy={titleId} describedBy={bodyId} onClose={onCancel} className="modal-confirm" role="alertdialog">
      <form className="modal-form" onSubmit={submit}>
        <div className="modal-body">
          <h2 id={titleId} className="modal-title">
            Quality gate blocked the deploy
          </h2>
          <p id={bodyId} className="confirm-text">
            {message}
          </p>
          {asking ? (
            <div className="field">
              <label htmlFor={OVERRIDE_REASON_ID}>Why deploy {model.name} anyway?</label>
              <textarea
                id={OVERRIDE_REASON_ID}
                rows={3}
                maxLength={MAX_REASON_CHARS}
                aria-required="true"
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${OVERRIDE_REASON_ID}-error` : undefined}
                placeholder="e.g. hotfix for incident 42, validated by hand"
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setError(null);
                }}
              />
              {error ? (
                <p id={`${OVERRIDE_REASON_ID}-error`} className="field-error" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
        <div className="modal-footer">
          <Button autoFocus data-autofocus onClick={onCancel}>
            Cancel
          </Button>
          {asking ? (
            <Button type="submit" variant="danger">
              Deploy with override
            </Button>
          ) : (
            <Button variant="danger" onClick={() => setAsking(true)}>
              Deploy anyway…
            </Button>
          )}
        </div>
      </form>
    </Modal>
  );
}
