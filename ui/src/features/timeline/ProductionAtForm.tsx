import { useId, useState, type FormEvent } from "react";
import type { Model } from "../../bindings/Model";
import { Button } from "../../components/Button";
import { localDateTime, utc } from "../../lib/format";
import { localInputToUtc, toLocalInput } from "../../lib/time";
import { useProductionAt } from "../../queries";
import { ModelPicker } from "../ab-tests/ModelPicker";
import { TIMELINE_IDS } from "./constants";

/** "Which version was in production at…": a model and a local time in, the version and its span out. */
export function ProductionAtForm() {
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
