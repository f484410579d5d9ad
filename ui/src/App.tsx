import { useState } from "react";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Boxes, RefreshCw } from "lucide-react";
import { ApiError } from "./api";
import { Button } from "./components/Button";
import { AbTestsPanel } from "./features/ab-tests/AbTestsPanel";
import { ExportButton } from "./features/export/ExportButton";
import { ModelDetailsModal } from "./features/models/ModelDetailsModal";
import { ModelsTable, ModelsTableSkeleton } from "./features/models/ModelsTable";
import { StartupError } from "./features/startup/StartupError";
import { SummaryCards } from "./features/summary/SummaryCards";
import { relative, utc } from "./lib/format";
import { abTestKeys, modelKeys, summaryKeys, useModelList, useSummary } from "./queries";

export function App() {
  const qc = useQueryClient();
  const list = useModelList();
  const summary = useSummary();
  const [openId, setOpenId] = useState<string | null>(null);
  const fetching =
    useIsFetching({ queryKey: modelKeys.list() }) +
      useIsFetching({ queryKey: summaryKeys.all }) +
      useIsFetching({ queryKey: abTestKeys.all }) >
    0;

  const refresh = () =>
    Promise.all([
      qc.refetchQueries({ queryKey: modelKeys.list() }),
      qc.refetchQueries({ queryKey: summaryKeys.all }),
      qc.refetchQueries({ queryKey: abTestKeys.all }),
    ]);

  if (list.isError && !list.data) {
    const error = list.error instanceof ApiError ? list.error : new ApiError("INTERNAL", String(list.error));
    return <StartupError error={error} retrying={list.isFetching} onRetry={() => void list.refetch()} />;
  }

  const models = list.data?.models ?? [];
  const openModel = openId ? models.find((m) => m.id === openId) : undefined;

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <Boxes size={26} aria-hidden="true" className="brand-icon" />
          <div>
            <h1>ModelOps</h1>
            <p className="tagline">Offline registry for your ML models: versions, lifecycle, tests and A/B tests.</p>
          </div>
        </div>
        <div className="header-actions">
          {list.data ? (
            <span className="muted small" title={utc(list.data.timestamp)}>
              Updated {relative(list.data.timestamp)}
            </span>
          ) : null}
          <Button
            icon={<RefreshCw size={16} aria-hidden="true" className={fetching ? "spin" : undefined} />}
            onClick={() => void refresh()}
            aria-busy={fetching || undefined}
          >
            {fetching ? "Refreshing…" : "Refresh"}
          </Button>
          <ExportButton />
        </div>
      </header>

      <main className="app-main">
        <SummaryCards summary={summary.data} loading={summary.isPending} />
        {summary.isError ? (
          <p className="inline-error small" role="alert">
            Couldn&apos;t load the summary: {summary.error.message}
          </p>
        ) : null}

        <section className="panel" aria-labelledby="models-heading">
          <div className="panel-head">
            <h2 id="models-heading">
              Models {list.data ? <span className="count">{list.data.total}</span> : null}
            </h2>
            {list.isError ? (
              <p className="inline-error small" role="alert">
                Refresh failed: {list.error.message}
              </p>
            ) : null}
          </div>
          {list.isPending ? <ModelsTableSkeleton /> : <ModelsTable models={models} onView={(m) => setOpenId(m.id)} />}
        </section>

        {list.data ? <AbTestsPanel models={models} /> : null}
      </main>

      {openModel ? <ModelDetailsModal model={openModel} onClose={() => setOpenId(null)} /> : null}
    </div>
  );
}
