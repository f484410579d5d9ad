import type { ReactNode } from "react";
import type { Status } from "../bindings/Status";
import { STATUS_LABEL } from "../lib/format";

export function Badge({ tone = "neutral", children, title }: { tone?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Colour plus a dot plus the word: never colour alone. */
export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge badge-status badge-${status}`}>
      <span className="badge-dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
