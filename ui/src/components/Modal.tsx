import { useEffect, useRef, useState, type ReactNode } from "react";
import { useToastHost } from "./Toast";

interface ModalProps {
  /** id of the element that names the dialog (usually its heading). */
  labelledBy: string;
  describedBy?: string;
  onClose: () => void;
  /**
   * When given, Esc calls this instead of closing the dialog (the browser's close is prevented): for a dialog
   * that must stay while its work winds down, e.g. a restore that Esc cancels.
   */
  onEscape?: () => void;
  children: ReactNode;
  className?: string;
  role?: "dialog" | "alertdialog";
  /** For the end-to-end tests, which find dialogs by it. */
  testId?: string;
}

/**
 * A native <dialog> opened with showModal() while mounted: the browser keeps focus inside and closes it on Esc.
 * Mount it to open, unmount it to close; focus goes back to whatever had it before. An element marked
 * `data-autofocus` gets the focus when the dialog opens (otherwise the browser picks the first focusable one).
 */
export function Modal({ labelledBy, describedBy, onClose, onEscape, children, className, role, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  const onEscapeRef = useRef(onEscape);
  const toastHostRef = useRef<HTMLDivElement>(null);
  useToastHost(toastHostRef);
  // Taken while rendering, before any autoFocus inside the dialog moves the focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    onCloseRef.current = onClose;
    onEscapeRef.current = onEscape;
  }, [onClose, onEscape]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();

    // Native listeners: the close/cancel events of a nested dialog must not reach this one.
    const handleClose = (e: globalThis.Event) => {
      if (e.target === dialog) onCloseRef.current();
    };
    // Esc fires `cancel` first, and the browser closes the dialog unless it is prevented.
    const handleCancel = (e: globalThis.Event) => {
      const escape = onEscapeRef.current;
      if (e.target !== dialog || !escape) return;
      e.preventDefault();
      escape();
    };
    dialog.addEventListener("close", handleClose);
    dialog.addEventListener("cancel", handleCancel);
    return () => {
      dialog.removeEventListener("close", handleClose);
      dialog.removeEventListener("cancel", handleCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);

  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ""}`}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      role={role}
      data-testid={testId}
      onClick={(e) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (e.target === e.currentTarget) {
          const r = e.currentTarget.getBoundingClientRect();
          const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
          if (!inside && r.width > 0) onCloseRef.current();
        }
      }}
    >
      {children}
      {/* While this dialog is open, the toasts render here: outside it, the page is inert. */}
      <div ref={toastHostRef} className="modal-toast-host" />
    </dialog>
  );
}
