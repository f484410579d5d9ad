import { ShieldAlert, ShieldCheck } from "lucide-react";
import type { AuditReport } from "../../bindings/AuditReport";
import { plural, shortHash } from "../../lib/format";

/** What is wrong with a broken chain: its first broken event, else how many events were checked. */
export function brokenText(r: AuditReport): string {
  const b = r.firstBroken;
  return b
    ? `First broken event: #${b.eventId}: ${b.problem}`
    : `The chain doesn't verify (${plural(r.events, "event")} checked).`;
}

/** What a verification of the audit log found: intact up to its head, or where the chain breaks. */
export function AuditResult({ report: r }: { report: AuditReport }) {
  if (r.ok) {
    const [id, hash] = (r.head ?? "").split(":");
    return (
      <p className="audit-ok">
        <ShieldCheck size={15} aria-hidden="true" /> Audit log intact: {plural(r.events, "event")}
        {r.head ? (
          <>
            , head{" "}
            <span className="mono" title={r.head}>
              #{id} {shortHash(hash ?? "")}
            </span>
          </>
        ) : null}
      </p>
    );
  }
  return (
    <p className="audit-broken">
      <ShieldAlert size={15} aria-hidden="true" />{" "}
      <span>
        <strong>Audit log broken.</strong> {brokenText(r)} ({plural(r.events, "event")} checked before it.)
      </span>
    </p>
  );
}
