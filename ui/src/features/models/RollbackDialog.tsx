import { useId, useState, type FormEvent } from "react";
import { MAX_REASON_CHARS } from "../../bindings/limits";
import type { Model } from "../../bindings/Model";
import type { VersionInfo } from "../../bindings/VersionInfo";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { deploymentsText } from "../../lib/format";
import type { RollbackTarget } from "../../queries";

/** The select's id, stable for the end-to-end tests (its label is "Roll back to"). */
export const ROLLBACK_TARGET_ID = "rollback-target";
export const ROLLBACK_REASON_ID = "rollback-reason";

interface Option {
  version: string;
  label: string;
  /** Never ran in staging or production: only Rust's default target may be such a version. */
  deployed: boolean;
}

/**
 * The versions a rollback may go to: the default target (`model.previousVersion`) first, then every other
 * version that was deployed before (non-empty `deployments`), newest first, never the current one.
 */
export function rollbackOptions(model: Model, versions: readonly VersionInfo[]): Option[] {
  const options: Option[] = [];
  const prev = model.previousVersion;
  if (prev !== null && prev !== model.version) {
    const info = versions.find((v) => v.version === prev);
    const where =
      model.status === "development" ? `registered before ${model.version}` : `was in ${model.status} before ${model.version}`;
    options.push({ version: prev, label: `${prev} (${where})`, deployed: (info?.deployments.length ?? 0) > 0 });
  }
  for (const v of versions) {
    if (v.isCurrent || v.version === model.version || v.version === prev || v.deployments.length === 0) continue;
    options.push({ version: v.version, label: `${v.version} — ${deploymentsText(v.deployments)}`, deployed: true });
  }
  return options;
}

interface Props {
  model: Model;
  versions: readonly VersionInfo[];
  onCancel: () => void;
  onConfirm: (target: RollbackTarget) => void;
}

/** Asks which version to roll back to (default: the previous one) and why. Cancel has focus first. */
export function RollbackDialog({ model, versions, onCancel, onConfirm }: Props) {
  const titleId = useId();
  const bodyId = useId();
  const options = rollbackOptions(model, versions);
  const [target, setTarget] = useState(options[0]?.version ?? "");
  const [reason, setReason] = useState("");
  const chosen = options.find((o) => o.version === target);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    const text = reason.trim();
    // The default target of a development model may never have been deployed: Rust accepts it only as its
    // own default (no toVersion), which is the same version.
    const toVersion = chosen.version === model.previousVersion && !chosen.deployed ? undefined : chosen.version;
    onConfirm({ ...(toVersion ? { toVersion } : {}), ...(text ? { reason: text } : {}) });
  };

  return (
    <Modal labelledBy={titleId} describedBy={bodyId} onClose={onCancel} className="modal-confirm modal-rollback">
      <form className="modal-form" onSubmit={submit}>
        <div className="modal-body">
          <h2 id={titleId} className="modal-title">
            Roll back {model.name}
          </h2>
          <p id={bodyId} className="confirm-text">
            The chosen version becomes current again, with its metrics, in place of <strong>{model.version}</strong>.
            The model stays in <strong>{model.status}</strong>. The change is recorded in the audit log.
          </p>
          {options.length === 0 ? (
            <p className="inline-error" role="alert">
              No earlier version was deployed: there is nothing to roll back to.
            </p>
          ) : (
            <div className="field">
              <label htmlFor={ROLLBACK_TARGET_ID}>Roll back to</label>
              <select id={ROLLBACK_TARGET_ID} value={target} onChange={(e) => setTarget(e.target.value)}>
                {options.map((o) => (
                  <option key={o.version} value={o.version}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={ROLLBACK_REASON_ID}>Reason (optional)</label>
            <textarea
              id={ROLLBACK_REASON_ID}
              rows={3}
              maxLength={MAX_REASON_CHARS}
              placeholder="e.g. error rate spiked after the deploy"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
        </div>
        <div className="modal-footer">
          <Button autoFocus data-autofocus onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={!chosen}>
            Roll back
          </Button>
        </div>
      </form>
    </Modal>
  );
}
