import { memo } from "react";
import { AuditTools } from "./AuditTools";
import { ProductionAtForm } from "./ProductionAtForm";
import { TimelineEvents } from "./TimelineEvents";

export { EVENT_ACTIONS, TIMELINE_IDS } from "./constants";

/** The section's id: the header's "Timeline" button scrolls here. */
export const TIMELINE_SECTION_ID = "timeline";
export const TIMELINE_HEADING_ID = "timeline-heading";

export const TimelinePanel = memo(function TimelinePanel() {
  return (
    <section className="panel" id={TIMELINE_SECTION_ID} aria-labelledby={TIMELINE_HEADING_ID}>
      <div className="panel-head">
        <div>
          <h2 id={TIMELINE_HEADING_ID} tabIndex={-1}>
            Timeline
          </h2>
          <p className="muted small">
            Every recorded change, newest first, from the audit log. Each event is chained to the previous one by a
            SHA-256 hash, so an edit to the history shows up when the log is verified.
          </p>
        </div>
        <AuditTools />
      </div>
      <ProductionAtForm />
      <TimelineEvents />
    </section>
  );
});
