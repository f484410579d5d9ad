import { useState } from "react";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Boxes, DatabaseBackup, FileInput, History, PackagePlus, RefreshCw } from "lucide-react";
import { ApiError } from "./api";
import type { Model } from "./bindings/Model";
import { Button } from "./components/Button";
import { Spinner } from "./components/Spinner";
import { ThemeToggle } from "./components/ThemeToggle";
import { AbTestsPanel } from "./features/ab-tests/AbTestsPanel";
import { BackupsDialog } from "./features/backups/BackupsDialog";
import { ExportButton } from "./features/export/ExportButton";
import { DemoBanner } from "./features/first-run/DemoBanner";
import { ImportDialog } from "./features/import/ImportDialog";
import { ModelDetailsModal } from "./features/models/ModelDetailsModal";
import { ModelsTable, ModelsTableSkeleton } from "./features/models/ModelsTable";
import { ModelsToolbar, SEARCH_INPUT_ID } from "./features/models/ModelsToolbar";
import { KEYSHORTCUT, useShortcuts } from "./lib/shortcuts";
import { useMenuActions } from "./lib/menu";
import { toggleTheme } from "./lib/theme";
import { AboutDialog } from "./features/about/AboutDialog";
import { useToast } from "./components/Toast";
import { RegisterDialog } from "./features/register/RegisterDialog";
import { TIMELINE_HEADING_ID, TIMELINE_SECTION_ID, TimelinePanel } from "./features/timeline/TimelinePanel";
import { AB_TESTS_HEADING_ID, AB_TESTS_SECTION_ID } from "./features/ab-tests/AbTestsPanel";
import { useModelView, viewHash, DEFAULT_VIEW } from "./features/models/view";
import { RecoveryScreen } from "./features/recovery/RecoveryScreen";
import { StartupError } from "./features/startup/StartupError";
import { SummaryCards } from "./features/summary/SummaryCards";
import { TeamRegistryHeader } from "./features/team/SyncStatus";
import { formatNumber, relative, utc } from "./lib/format";
import {
  abTestKeys,
  modelKeys,
  summaryKeys,
  timelineKeys,
  useBackupNow,
  useModelHead,
  useRegistryStatus,
  useSummary,
} from "./queries";

/**
 * Asks whether the registry opened before anything else: when it did not, the recovery screen takes the whole
 * page, since every other view would only repeat the same failure.
 */
export function App() {
  const status = useRegistryStatus();
  if (status.isPending) {
    return (
      <main className="fullpage-error" aria-label="ModelOps">
        <Spinner label="Opening the registry…" />
      </main>
    );
  }
  // A failed status call (not a failed registry) says nothing about the registry: the app loads, and its own
  // startup error shows if the registry doesn't answer either.
  const problem = status.data?.problem;
  if (status.data && problem) return <RecoveryScreen status={status.data} problem={problem} />;
  return <RegistryApp />;
}

/**
 * The header's Refresh button, spinning while any of the app's data is being fetched. That state changes with
 * every fetch (each view change, each page while scrolling), so it lives here: held by RegistryApp, every flip
 * re-rendered the whole app and a sort took ~215 ms to paint instead of ~60 (BENCHMARKS.md, issue 17).
 */
function RefreshButton({ onRefresh }: { onRefresh: () => void }) {
  const fetching =
    useIsFetching({ queryKey: modelKeys.pages() }) +
      useIsFetching({ queryKey: summaryKeys.all }) +
      useIsFetching({ queryKey: abTestKeys.all }) +
      useIsFetching({ queryKey: timelineKeys.lists() }) >
    0;
  return (
    <Button
      icon={<RefreshCw size={16} aria-hidden="true" className={fetching ? "spin" : undefined} />}
      onClick={onRefresh}
      aria-busy={fetching || undefined}
      aria-keyshortcuts={KEYSHORTCUT.refresh}
      title="Refresh (Ctrl+R)"
    >
      {fetching ? "Refreshing…" : "Refresh"}
    </Button>
  );
}

function RegistryApp() {
  const qc = useQueryClient();
  const viewState = useModelView();
  const { view } = viewState;
  const head = useModelHead(view);
  const summary = useSummary();
  const [open, setOpen] = useState<Model | null>(null);
  const [registering, setRegistering] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [backingUp, setBackingUp] = useState(false);
  const [showingAbout, setShowingAbout] = useState(false);
  const toast = useToast();
  const backupNow = useBackupNow();
  // The table's pages on screen refetch, the others are marked stale; the summary, frameworks and A/B tests refetch.
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: modelKeys.pages() }),
      qc.invalidateQueries({ queryKey: modelKeys.frameworks() }),
      qc.invalidateQueries({ queryKey: modelKeys.picks() }),
      qc.refetchQueries({ queryKey: summaryKeys.all }),
      qc.refetchQueries({ queryKey: abTestKeys.all }),
      qc.invalidateQueries({ queryKey: timelineKeys.all }),
    ]);

  const focusSearch = () => {
    const search = document.getElementById(SEARCH_INPUT_ID);
    if (search instanceof HTMLInputElement) {
      search.focus();
      search.select();
    }
  };
  const showSection = (sectionId: string, headingId: string) => {
    document.getElementById(sectionId)?.scrollIntoView?.({ behavior: "smooth", block: "start" });
    document.getElementById(headingId)?.focus({ preventScroll: true });
  };
  const showTimeline = () => showSection(TIMELINE_SECTION_ID, TIMELINE_HEADING_ID);

  useShortcuts({
    refresh: () => void refresh(),
    export: () => setExporting(true),
    search: focusSearch,
    register: () => setRegistering(true),
  });

  // The native menu bar: every item is a button's own handler (src-tauri/menu.rs sends the item's action).
  useMenuActions({
    register: () => setRegistering(true),
    import: () => setImporting(true),
    export: () => setExporting(true),
    "back-up": () =>
      backupNow.mutate(undefined, {
        onSuccess: (b) => toast.success("Backup saved", b.fileName),
        onError: (err) => toast.error("The backup failed", err.message),
      }),
    backups: () => setBackingUp(true),
    refresh: () => void refresh(),
    search: focusSearch,
    timeline: showTimeline,
    "ab-tests": () => showSection(AB_TESTS_SECTION_ID, AB_TESTS_HEADING_ID),
    "toggle-theme": () => void toggleTheme(),
    about: () => setShowingAbout(true),
  });

  // Only the opening view can fail before anything loaded: a later view's failure shows in the table instead.
  if (head.isError && !head.data && viewHash(view) === viewHash(DEFAULT_VIEW)) {
    const error = head.error instanceof ApiError ? head.error : new ApiError("INTERNAL", String(head.error));
    return <StartupError error={error} retrying={head.isFetching} onRetry={() => void head.refetch()} />;
  }

  const page = head.data;
  const stale = head.isPlaceholderData;
  const shown = page && !stale ? page.total : undefined;
  const all = summary.data?.total;

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
          {page ? (
            <span className="muted small" title={utc(page.timestamp)}>
              Updated {relative(page.timestamp)}
            </span>
          ) : null}
          <ThemeToggle />
          <RefreshButton onRefresh={() => void refresh()} />
          <ExportButton view={view} shown={shown} all={all} choosing={exporting} onChoosingChange={setExporting} />
          <Button icon={<History size={16} aria-hidden="true" />} onClick={showTimeline} disabled={!page}>
            Timeline
          </Button>
          <Button icon={<FileInput size={16} aria-hidden="true" />} aria-haspopup="dialog" onClick={() => setImporting(true)}>
            Import legacy data
          </Button>
          <TeamRegistryHeader />
          <Button icon={<DatabaseBackup size={16} aria-hidden="true" />} aria-haspopup="dialog" onClick={() => setBackingUp(true)}>
            Backups
          </Button>
          <Button
            variant="primary"
            icon={<PackagePlus size={16} aria-hidden="true" />}
            aria-haspopup="dialog"
            aria-keyshortcuts={KEYSHORTCUT.register}
            title="Register model (Ctrl+N)"
            onClick={() => setRegistering(true)}
          >
            Register model
          </Button>
        </div>
      </header>

      <main className="app-main">
        <DemoBanner demoModels={summary.data?.demoModels} />
        <SummaryCards summary={summary.data} loading={summary.isPending} />
        {summary.isError ? (
          <p className="inline-error small" role="alert">
            Couldn&apos;t load the summary: {summary.error.message}
          </p>
        ) : null}

        <section className="panel" aria-labelledby="models-heading">
          <div className="panel-head">
            <h2 id="models-heading">Models</h2>
            <p className="muted small models-count" role="status">
              {shown === undefined ? "\u00a0" : `${formatNumber(shown)} of ${all === undefined ? "…" : formatNumber(all)} models`}
            </p>
            {head.isError ? (
              <p className="inline-error small" role="alert">
                Couldn&apos;t load the models: {head.error.message}
              </p>
            ) : null}
          </div>
          <ModelsToolbar state={viewState} />
          {page ? (
            <ModelsTable
              view={view}
              head={page}
              stale={stale}
              onSort={viewState.setSort}
              onView={setOpen}
              onClearFilters={viewState.clearFilters}
              onRegister={() => setRegistering(true)}
              onImport={() => setImporting(true)}
            />
          ) : head.isError ? null : (
            <ModelsTableSkeleton />
          )}
        </section>

        {page ? <AbTestsPanel /> : null}
        {page ? <TimelinePanel /> : null}
      </main>

      {open ? <ModelDetailsModal model={open} onClose={() => setOpen(null)} /> : null}
      {registering ? (
        <RegisterDialog mode={{ kind: "model" }} onClose={() => setRegistering(false)} onRegistered={(r) => setOpen(r.model)} />
      ) : null}
      {importing ? <ImportDialog onClose={() => setImporting(false)} /> : null}
      {backingUp ? <BackupsDialog onClose={() => setBackingUp(false)} /> : null}
      {showingAbout ? <AboutDialog onClose={() => setShowingAbout(false)} /> : null}
    </div>
  );
}
