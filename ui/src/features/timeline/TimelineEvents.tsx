import { useMemo, useState } from "react";
import type { EventAction } from "../../bindings/EventAction";
import type { Model } from "../../bindings/Model";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { EVENT_ACTION_LABEL, formatNumber, plural } from "../../lib/format";
import { localInputToUtc } from "../../lib/time";
import { useTimeline, type TimelineFilter } from "../../queries";
import { ModelPicker } from "../ab-tests/ModelPicker";
import { EVENT_ACTIONS, TIMELINE_IDS } from "./constants";
import { EventRow } from "./EventRow";

/** The audit log's events, newest first, with their filters (model, time range, actions) and Load more. */
export function TimelineEvents() {
  const [model, setModel] = useState<Model | null>(null);
  const [actions, setActions] = useState<EventAction[]>([]);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  // Remounts the model picker (clearing its text) on "Clear filters".
  const [generation, setGeneration] = useState(0);

  const fromUtc = localInputToUtc(from);
  const toUtc = localInputToUtc(to);
  const rangeError = fromUtc && toUtc && fromUtc > toUtc ? "The range starts after it ends." : null;
  const filter = useMemo<TimelineFilter>(() => {
    const f: TimelineFilter = { actions: EVENT_ACTIONS.filter((a) => actions.includes(a)) };
    if (model) f.modelId = model.id;
    if (fromUtc) f.from = fromUtc;
    if (toUtc) f.to = toUtc;
    return f;
  }, [model, actions, fromUtc, toUtc]);
  const filtered = Boolean(model || actions.length || from || to);
  const timeline = useTimeline(filter, rangeError === null);

  const events = timeline.data?.pages.flatMap((p) => p.events) ?? [];
  const total = timeline.data?.pages.at(-1)?.total ?? 0;

  const toggle = (a: EventAction) => setActions((old) => (old.includes(a) ? old.filter((x) => x !== a) : [...old, a]));
  const clear = () => {
    setModel(null);
    setActions([]);
    setFrom("");
    setTo("");
    setGeneration((g) => g + 1);
  };

  return (
    <div className="timeline-events">
      <div className="timeline-filters" role="search" aria-label="Filter the timeline">
        <ModelPicker
          key={generation}
          id={TIMELINE_IDS.model}
          label="Filter by model"
          value={model}
          onChange={setModel}
          scope="all"
          placeholder="All models"
        />
        <div className="field">
          <label htmlFor={TIMELINE_IDS.from}>From (local time)</label>
          <input id={TIMELINE_IDS.from} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={TIMELINE_IDS.to}>To (local time)</label>
          <input
            id={TIMELINE_IDS.to}
            type="datetime-local"
            value={to}
            aria-invalid={rangeError ? true : undefined}
            onChange={(e) => setTo(e.target.value)}
          />
        </div>
        <div className="field field-submit">
          <Button onClick={clear} disabled={!filtered}>
            Clear timeline filters
          </Button>
        </div>
        <div className="chips timeline-chips" role="group" aria-label="Filter by action">
          {EVENT_ACTIONS.map((a) => {
            const on = actions.includes(a);
            return (
              <button key={a} type="button" className={`chip${on ? " chip-on chip-action" : ""}`} aria-pressed={on} onClick={() => toggle(a)}>
                {EVENT_ACTION_LABEL[a]}
              </button>
            );
          })}
        </div>
      </div>
      {rangeError ? (
        <p className="inline-error small" role="alert">
          {rangeError}
        </p>
      ) : null}

      <p className="muted small" role="status">
        {timeline.data && !timeline.isPlaceholderData
          ? total === 0
            ? "\u00a0"
            : `${formatNumber(events.length)} of ${plural(total, "event")}${filtered ? " matching the filters" : ""}`
          : "\u00a0"}
      </p>

      {timeline.isPending ? (
        <p className="muted loading-line">
          <Spinner /> Loading events…
        </p>
      ) : timeline.isError && events.length === 0 ? (
        <div className="inline-error" role="alert">
          <p>Couldn&apos;t load the timeline: {timeline.error.message}</p>
          <Button size="sm" onClick={() => void timeline.refetch()}>
            Retry
          </Button>
        </div>
      ) : events.length === 0 ? (
        <p className="empty">{filtered ? "No events match these filters." : "No events recorded yet."}</p>
      ) : (
        <>
          <div className={`subtable-wrap audit-wrap${timeline.isPlaceholderData ? " is-stale" : ""}`}>
            <table className="subtable audit-table" aria-label="Events">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Model</th>
                  <th scope="col">Action</th>
                  <th scope="col">Change</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span className="sr-only">State</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <EventRow key={e.event.id} item={e} />
                ))}
              </tbody>
            </table>
          </div>
          {timeline.isError ? (
            <p className="inline-error small" role="alert">
              Couldn&apos;t load more: {timeline.error.message}
            </p>
          ) : null}
          {timeline.hasNextPage ? (
            <div className="load-more">
              <Button busy={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
