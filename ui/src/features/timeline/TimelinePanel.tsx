import { Fragment, useId, useMemo, useState, type FormEvent } from "react";
import { FileDown, ShieldAlert, ShieldCheck } from "lucide-react";
import type { EventAction } from "../../bindings/EventAction";
import type { Model } from "../../bindings/Model";
import type { TimelineEvent } from "../../bindings/TimelineEvent";
import type { AuditReport } from "../../bindings/AuditReport";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/Toast";
import { EVENT_ACTION_LABEL, formatNumber, localDateTime, plural, shortHash, utc } from "../../lib/format";
import { localInputToUtc, toLocalInput } from "../../lib/time";
import {
  useExportAuditCsv,
  useProductionAt,
  useTimeline,
  useVerifyAudit,
  type TimelineFilter,
} from "../../queries";
import { ModelPicker } from "../ab-tests/ModelPicker";

/** The section's id: the header's "Timeline" button scrolls here. */
export const TIMELINE_SECTION_ID = "timeline";
export const TIMELINE_HEADING_ID = "timeline-heading";
/** Stable control ids for the end-to-end tests. */
export const TIMELINE_IDS = {
  model: "timeline-model",
  from: "timeline-from",
  to: "timeline-to",
  atModel: "production-at-model",
  at: "production-at-time",
} as const;

/** Every action, in lifecycle order: the chips' order and the filter's canonical order. */
export const EVENT_ACTIONS: readonly EventAction[] = [
  "registered",
  "promoted",
  "deployed",
  "rolled_back",
  "tested",
  "ab_test_started",
  "ab_test_stopped",
  "ab_results_imported",
  "ab_test_concluded",
  "ab_test_aborted",
  "archived",
  "demo_data_cleared",
];

export function TimelinePanel() {
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
}

/* ---------- audit tools ---------- */

function AuditTools() {
  const toast = useToast();
  const verify = useVerifyAudit();
  const exportCsv = useExportAuditCsv();

  const runVerify = () =>
    verify.mutate(undefined, {
      onSuccess: (r) => {
        if (r.ok) toast.success("Audit log intact", `${plural(r.events, "event")} checked.`);
        else toast.error("Audit log broken", brokenText(r));
      },
      onError: (err) => toast.error("Couldn't verify the audit log", err.message),
    });
  const runExport = () =>
    exportCsv.mutate(undefined, {
      onSuccess: (r) => {
        if (r) toast.success(`Exported ${plural(r.rows, "event")} to ${r.path}`);
      },
      onError: (err) => toast.error("Audit export failed", err.message),
    });

  const report = verify.data;
  return (
    <div className="audit-tools">
      <div className="audit-buttons">
        <Button icon={<ShieldCheck size={16} aria-hidden="true" />} busy={verify.isPending} onClick={runVerify}>
          Verify audit log
        </Button>
        <Button icon={<FileDown size={16} aria-hidden="true" />} busy={exportCsv.isPending} onClick={runExport}>
          Export audit log
        </Button>
      </div>
      {/* Always present, so that screen readers announce the result. */}
      <div className="audit-result" role="status">
        {report && !verify.isPending ? <AuditResult report={report} /> : null}
      </div>
    </div>
  );
}

function brokenText(r: AuditReport): string {
  const b = r.firstBroken;
  return b
    ? `First broken event: #${b.eventId}: ${b.problem}`
    : `The chain doesn't verify (${plural(r.events, "event")} checked).`;
}

function AuditResult({ report: r }: { report: AuditReport }) {
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

/* ---------- which version was in production ---------- */

function ProductionAtForm() {
  const headingId = useId();
  const [model, setModel] = useState<Model | null>(null);
  const [at, setAt] = useState(() => toLocalInput(new Date()));
  const [asked, setAsked] = useState<{ model: Model; at: string } | null>(null);
  const answer = useProductionAt(asked ? { modelId: asked.model.id, at: asked.at } : null);
  const atUtc = localInputToUtc(at);
  const problem = !model ? "Choose a model." : !atUtc ? "Enter a date and time." : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (model && atUtc) setAsked({ model, at: atUtc });
  };

  return (
    <form className="production-at" aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId}>Which version was in production at…</h3>
      <div className="production-at-fields">
        <ModelPicker id={TIMELINE_IDS.atModel} label="Model" value={model} onChange={setModel} scope="all" />
        <div className="field">
          <label htmlFor={TIMELINE_IDS.at}>At (local time)</label>
          <input id={TIMELINE_IDS.at} type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} />
          <span className="picker-status" aria-hidden="true">
            {atUtc ? utc(atUtc) : "\u00a0"}
          </span>
        </div>
        <div className="field field-submit">
          <Button type="submit" disabled={problem !== null} title={problem ?? undefined} busy={answer.isFetching}>
            Look up
          </Button>
        </div>
      </div>
      <div className="production-at-answer" role="status">
        {!asked ? null : answer.isPending ? null : answer.isError ? (
          <p className="inline-error">Couldn&apos;t look it up: {answer.error.message}</p>
        ) : answer.data.version ? (
          <p>
            <strong>
              {asked.model.name} {answer.data.version}
            </strong>{" "}
            was in production at {localDateTime(asked.at)} (since{" "}
            <time dateTime={answer.data.since ?? undefined} title={utc(answer.data.since)}>
              {localDateTime(answer.data.since)}
            </time>
            {answer.data.until ? (
              <>
                , until{" "}
                <time dateTime={answer.data.until} title={utc(answer.data.until)}>
                  {localDateTime(answer.data.until)}
                </time>
              </>
            ) : (
              ", still in production"
            )}
            ).
          </p>
        ) : (
          <p>
            Nothing of <strong>{asked.model.name}</strong> was in production then ({localDateTime(asked.at)}).
          </p>
        )}
      </div>
    </form>
  );
}

/* ---------- events ---------- */

function TimelineEvents() {
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

const arrow = (from: string | null, to: string | null) =>
  from === null && to === null ? null : from === to ? (to ?? "") : `${from ?? "—"} → ${to ?? "—"}`;

function prettyJson(text: string | null): string {
  if (text === null) return "—";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function EventRow({ item }: { item: TimelineEvent }) {
  const { event: e, modelName } = item;
  const [open, setOpen] = useState(false);
  const jsonId = `event-${e.id}-json`;
  const status = arrow(e.fromStatus, e.toStatus);
  const version = arrow(e.fromVersion, e.toVersion);
  const hasJson = e.beforeJson !== null || e.afterJson !== null;
  return (
    <Fragment>
      <tr data-event-id={e.id}>
        <td className="audit-time">
          <time dateTime={e.at} title={utc(e.at)}>
            {localDateTime(e.at)}
          </time>
          <span className="muted small mono" title={`hash ${e.hash}`}>
            #{e.id}
          </span>
        </td>
        <td>{e.actor}</td>
        <td className="audit-model" title={e.modelId}>
          {modelName}
        </td>
        <td>
          <span className={`action-tag action-${e.action}`}>{EVENT_ACTION_LABEL[e.action]}</span>
        </td>
        <td className="audit-change">
          {status ? <span>{status}</span> : null}
          {version ? <span className="mono">{version}</span> : null}
          {e.detail ? <span className="muted">{e.detail}</span> : null}
          {!status && !version && !e.detail ? <span className="muted">—</span> : null}
        </td>
        <td className="audit-reason">{e.reason ?? <span className="muted">—</span>}</td>
        <td className="audit-toggle">
          {hasJson ? (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-expanded={open}
              aria-controls={jsonId}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? "Hide before/after" : "Before/after"}
            </button>
          ) : null}
        </td>
      </tr>
      {open ? (
        <tr className="audit-json-row" id={jsonId}>
          <td colSpan={7}>
            <div className="json-pair">
              <figure>
                <figcaption>Before</figcaption>
                <pre>{prettyJson(e.beforeJson)}</pre>
              </figure>
              <figure>
                <figcaption>After</figcaption>
                <pre>{prettyJson(e.afterJson)}</pre>
              </figure>
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
