import { useId, type ReactNode } from "react";
import { Button } from "./Button";
import { Modal } from "./Modal";

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: "primary" | "danger";
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks before a consequential action. Cancel has focus first, so Enter never confirms by accident. */
export function ConfirmDialog({ title, children, confirmLabel, tone = "primary", onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  return (
    <Modal labelledBy={titleId} describedBy={bodyId} onClose={onCancel} className="modal-confirm" role="alertdialog">
      <div className="modal-body">
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <div id={bodyId} className="confirm-text">
          {children}
        </div>
      </div>
      <div className="modal-footer">
        <Button autoFocus onClick={onCancel}>
          Cancel
        </Button>
        <Button variant={tone} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Modal>
  );
}
