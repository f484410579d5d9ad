import { ExternalLink, Share2 } from "lucide-react";
import type { Model } from "../../bindings/Model";
import type { RemoteLink } from "../../bindings/RemoteLink";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { plural, relative, utc } from "../../lib/format";
import { useOpenInMlflow, useRemoteLink, useRemoteStatus, useShareModel } from "../../queries";
import { conflictSides } from "./team";

/**
 * A model's place on the team's MLflow server, in its details: for a shared model where it is there (name,
 * aliases, version numbers, what waits, a conflict) and a way to open it; for a local model, sharing it.
 * Nothing when no server is set.
 */
export function RemoteSection({ model, idPrefix }: { model: Model; idPrefix: string }) {
  const status = useRemoteStatus();
  const settings = status.data?.settings ?? null;
  const link = useRemoteLink(model.id, settings !== null);
  if (!settings || link.isPending) return null;
  const headingId = `${idPrefix}-remote`;

  if (link.isError) {
    return (
      <section className="detail-section" aria-labelledby={headingId} data-testid="remote-section">
        <h3 id={headingId}>Team registry</h3>
        <p className="inline-error small" role="alert">
          Couldn&apos;t read this model&apos;s team registry link: {link.error.message}
        </p>
      </section>
    );
  }
  if (link.data === null) {
    // Demo models are illustrative: they don't belong on a team's server.
    if (model.isDemo || model.teamServer) return null;
    return <ShareSection model={model} server={settings.url} headingId={headingId} />;
  }
  return <LinkSection model={model} link={link.data} headingId={headingId} productionAlias={settings.productionAlias} stagingAlias={settings.stagingAlias} />;
}

function ShareSection({ model, server, headingId }: { model: Model; server: string; headingId: string }) {
  const toast = useToast();
  const share = useShareModel(model.id);
  return (
    <section className="detail-section" aria-labelledby={headingId} data-testid="remote-section">
      <h3 id={headingId}>Team registry</h3>
      <div className="remote-share">
        <p className="muted">
          Only here. Sharing it puts it and its versions on <span className="mono">{server}</span>, and sends every
          later change.
        </p>
        <Button
          size="sm"
          icon={<Share2 size={14} aria-hidden="true" />}
          busy={share.isPending}
          data-testid="share-model"
          onClick={() =>
            share.mutate(undefined, {
              onSuccess: (message) => toast.success(`Shared ${model.name}`, message),
              onError: (err) => toast.error("The model wasn't shared", err.message),
            })
          }
        >
          Share with team
        </Button>
      </div>
    </section>
  );
}

function LinkSection({
  model,
  link,
  headingId,
  productionAlias,
  stagingAlias,
}: {
  model: Model;
  link: RemoteLink;
  headingId: string;
  productionAlias: string;
  stagingAlias: string;
}) {
  const toast = useToast();
  const open = useOpenInMlflow(model.id);
  const c = link.conflict;
  const sides = c ? conflictSides(c) : null;
  return (
    <section className="detail-section" aria-labelledby={headingId} data-testid="remote-section">
      <div className="remote-head">
        <h3 id={headingId}>Team registry</h3>
        <Button
          size="sm"
          icon={<ExternalLink size={14} aria-hidden="true" />}
          busy={open.isPending}
          data-testid="open-in-mlflow"
          title={link.webUrl}
          onClick={() => open.mutate(undefined, { onError: (err) => toast.error("MLflow didn't open", err.message) })}
        >
          Open in MLflow
        </Button>
      </div>
      <dl className="facts">
        <div className="fact">
          <dt>Server</dt>
          <dd className="mono selectable">{link.server}</dd>
        </div>
        <div className="fact">
          <dt>MLflow name</dt>
          <dd className="mono selectable">{link.mlflowName}</dd>
        </div>
        <div className="fact">
          <dt>
            Production (<span className="mono">{productionAlias}</span>)
          </dt>
          <dd>{link.production ? `version ${link.production}` : "not set"}</dd>
        </div>
        <div className="fact">
          <dt>
            Staging (<span className="mono">{stagingAlias}</span>)
          </dt>
          <dd>{link.staging ? `version ${link.staging}` : "not set"}</dd>
        </div>
        <div className="fact">
          <dt>Waiting to be sent</dt>
          <dd>{link.waiting > 0 ? `${plural(link.waiting, "change")} waiting` : "nothing"}</dd>
        </div>
        <div className="fact">
          <dt>Last synced</dt>
          <dd title={utc(link.syncedAt)}>{link.syncedAt ? relative(link.syncedAt) : "never"}</dd>
        </div>
      </dl>
      {c && sides ? (
        <p className="remote-conflict" role="alert">
          <strong>Conflict:</strong> the server moved <span className="mono">{c.alias}</span> to {sides.server} (it was{" "}
          {sides.base}); here you want {sides.local}. Resolve it from the header&apos;s conflicts.
        </p>
      ) : null}
      {link.versions.length > 0 ? (
        <table className="subtable remote-versions">
          <caption className="sr-only">Local versions and their MLflow version numbers</caption>
          <thead>
            <tr>
              <th scope="col">Version here</th>
              <th scope="col">MLflow version</th>
              <th scope="col">Metrics</th>
            </tr>
          </thead>
          <tbody>
            {link.versions.map((v) => (
              <tr key={v.version}>
                <th scope="row" className="mono">
                  {v.version}
                </th>
                <td className="mono">{v.mlflowVersion}</td>
                <td>{v.metricsKnown ? "logged" : <span className="muted">unknown: the run logged none of ModelOps&apos; metrics</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
