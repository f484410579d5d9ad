import { Fragment, useState } from "react";
import type { TimelineEvent } from "../../bindings/TimelineEvent";
import { EVENT_ACTION_LABEL, localDateTime, utc } from "../../lib/format";

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

/** One event as a table row; its before/after JSON expands into a row below it. */
export function EventRow({ item }: { item: TimelineEvent }) {
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
