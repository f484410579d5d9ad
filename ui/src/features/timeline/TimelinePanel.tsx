import { memo } from "react";
import { useInView } from "react-intersection-observer";
import { AuditTools } from "./AuditTools";
import { ProductionAtForm } from "./ProductionAtForm";
import { TimelineEvents } from "./TimelineEvents";

export { EVENT_ACTIONS, TIMELINE_IDS } from "./constants";

/** The section's id: the header's "Timeline" button scrolls here. */
export const TIMELINE_SECTION_ID = "timeline";
export const TIMELINE_HEADING_ID = "timeline-heading";

/**
 * How far below the window the "production at" form and the events start loading: ahead of a brisk wheel scroll
 * by ~100 ms, in which the events' one query_timeline call (~10 ms) and the render are done. Not more: at the default window size the section
 * starts ~1 500 px down (1 000 models), and with 800 px the events still loaded with the page.
 */
const EVENTS_AHEAD = "240px 0px";

export const TimelinePanel = memo(function TimelinePanel() {
  // The first 100 events are the largest part of the page below the table, ~7 MB of the web process at 1 000
  // models, and the "production at" form another ~1 MB (BENCHMARKS.md, issue 17): they are rendered once the
  // section comes near the window (the header's Timeline button scrolls it there), and then stay. Without
  // IntersectionObserver, at once.
  const { ref, inView } = useInView({ triggerOnce: true, rootMargin: EVENTS_AHEAD, fallbackInView: true });
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
      <div ref={ref} className={inView ? "timeline-body" : "timeline-body timeline-events-ahead"}>
        {inView ? (
          <>
            <ProductionAtForm />
            <TimelineEvents />
          </>
        ) : null}
      </div>
    </section>
  );
});
