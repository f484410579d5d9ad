import type { CheckResult } from "../../bindings/CheckResult";
import type { ArtifactAspect } from "../../bindings/ArtifactAspect";
import type { Outcome } from "../../bindings/Outcome";
import { METRIC_LABEL, metricValue } from "../../lib/format";

const ASPECT_LABEL: Record<ArtifactAspect, string> = {
  present: "Artifact present",
  size: "Artifact size",
  sha256: "Artifact SHA-256",
};

const OUTCOME_TEXT: Record<Outcome, string> = { passed: "✓ Pass", failed: "✕ Fail", skipped: "– Skipped" };
const OUTCOME_CLASS: Record<Outcome, string> = { passed: "check-pass", failed: "check-fail", skipped: "check-skip" };

/** "Accuracy", "Accuracy vs production", "Artifact size". */
export function checkName(c: CheckResult): string {
  if (c.metric === null) return c.aspect ? ASPECT_LABEL[c.aspect] : "Artifact";
  return c.kind === "regression" ? `${METRIC_LABEL[c.metric]} vs production` : METRIC_LABEL[c.metric];
}

function observed(c: CheckResult): string {
  if (c.observed === null) return "—";
  if (c.metric !== null) return metricValue(c.metric, c.observed);
  return c.aspect === "size" ? `${c.observed} B` : String(c.observed);
}

function rule(c: CheckResult): string {
  if (c.threshold === null) return "—";
  const limit = c.metric !== null ? metricValue(c.metric, c.threshold) : c.aspect === "size" ? `${c.threshold} B` : String(c.threshold);
  return c.comparator ? `${c.comparator} ${limit}` : `= ${limit}`;
}

/** Every check of a run: what was observed, the rule it was held to, the outcome, and why, in words. */
export function ChecksTable({ checks }: { checks: readonly CheckResult[] }) {
  return (
    <table className="subtable checks">
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col" className="num">Observed</th>
          <th scope="col" className="num">Rule</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c, i) => (
          <tr key={i} title={c.detail ?? undefined}>
            <th scope="row">{checkName(c)}</th>
            <td className="num">{observed(c)}</td>
            <td className="num">{rule(c)}</td>
            <td>
              <span className={`check ${OUTCOME_CLASS[c.outcome]}`}>{OUTCOME_TEXT[c.outcome]}</span>
              {c.detail ? <span className="check-detail muted"> {c.detail}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
