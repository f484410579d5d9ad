import { memo } from "react";
import type { Summary } from "../../bindings/Summary";
import { formatNumber, fractionPct } from "../../lib/format";

interface Card {
  label: string;
  value: string;
  hint?: string;
  tone?: string;
}

export const SummaryCards = memo(function SummaryCards({ summary, loading }: { summary: Summary | undefined; loading: boolean }) {
  if (!summary) {
    return (
      <section className="summary" aria-label="Registry summary" aria-busy={loading}>
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="card summary-card skeleton-card" aria-hidden="true">
            <span className="skeleton skeleton-line short" />
            <span className="skeleton skeleton-line big" />
          </div>
        ))}
      </section>
    );
  }
  const cards: Card[] = [
    { label: "Total models", value: formatNumber(summary.total) },
    { label: "Development", value: formatNumber(summary.development), tone: "development" },
    { label: "Staging", value: formatNumber(summary.staging), tone: "staging" },
    { label: "Production", value: formatNumber(summary.production), tone: "production" },
    { label: "Archived", value: formatNumber(summary.archived), tone: "archived" },
    { label: "A/B tests", value: formatNumber(summary.runningAbTests), hint: "running" },
    {
      label: "Prod. accuracy",
      value: summary.productionAvgAccuracy === null ? "—" : fractionPct(summary.productionAvgAccuracy, 1),
      hint: summary.productionAvgAccuracy === null ? "none in production" : "mean in production",
    },
    {
      label: "Failing tests",
      value: formatNumber(summary.failingTests),
      hint: `${formatNumber(summary.untested)} untested`,
      tone: summary.failingTests > 0 ? "warn" : undefined,
    },
  ];
  return (
    <section className="summary" aria-label="Registry summary">
      {cards.map((c) => (
        <div key={c.label} className={`card summary-card${c.tone ? ` tone-${c.tone}` : ""}`}>
          <span className="summary-label">{c.label}</span>
          <span className="summary-value">{c.value}</span>
          {c.hint ? <span className="summary-hint">{c.hint}</span> : null}
        </div>
      ))}
    </section>
  );
});
