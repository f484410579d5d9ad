import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { MetricHistory } from "../../bindings/MetricHistory";
import { metricHistory, model1, model3, recording, testRun, versionInfo } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";
import { MetricsSection } from "./MetricsSection";

function renderSection(modelId: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={client}>
      <MetricsSection modelId={modelId} headingId="metrics-heading" />
    </QueryClientProvider>,
  );
  return { user };
}

const LABELS = ["Accuracy", "Latency", "Throughput", "Uptime", "AI confidence", "Error rate"];

const chart = (name: RegExp) => screen.getByRole("figure", { name });
const dots = (figure: HTMLElement) => figure.querySelectorAll(".metric-dot");

describe("Metrics section", () => {
  it("asks get_metric_history for the model and draws each metric over time, a point per recording", async () => {
    const backend = mockBackend();
    renderSection("model-1");
    // model-1: three versions registered, then a test run of the current one = 4 points per metric.
    const figures = await screen.findAllByRole("figure");
    expect(backend.callsOf("get_metric_history")[0]?.args).toEqual({ request: { modelId: "model-1" } });
    expect(figures).toHaveLength(6);
    for (const label of LABELS) {
      const f = chart(new RegExp(`^${label} over time`));
      expect(f).toHaveAccessibleName(expect.stringContaining("4 points of 3 versions"));
      // Captioned, and titled inside the SVG for assistive technology that reads the drawing.
      expect(f.querySelector("figcaption")).toHaveTextContent(`${label} over time`);
      expect(f.querySelector("svg title")).toHaveTextContent(`${label} over time`);
      expect(dots(f)).toHaveLength(4);
    }
    // Units on the axes.
    expect(screen.getByText("Latency (ms)")).toBeInTheDocument();
    expect(screen.getByText("Uptime (%)")).toBeInTheDocument();
    expect(screen.getByText("Error rate (%)")).toBeInTheDocument();
    expect(screen.getByText("Throughput (req/s)")).toBeInTheDocument();
    expect(screen.getAllByText("Time (UTC)")).toHaveLength(6);
    // Colours come from the stylesheet's variables, one per version, in registration order.
    const legend = screen.getByRole("list", { name: "Version colours" });
    expect(within(legend).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["2.0.0", "2.0.9", "2.1.0"]);
    const fills = [...dots(chart(/^Accuracy over time/))].map((d) => d.getAttribute("fill"));
    expect(new Set(fills)).toEqual(new Set(["var(--chart-1)", "var(--chart-2)", "var(--chart-3)"]));
  });

  it("shows the values of a chart as a table on demand", async () => {
    mockBackend();
    const { user } = renderSection("model-1");
    const f = await screen.findByRole("figure", { name: /^Latency over time/ });
    expect(within(f).queryByRole("table")).not.toBeInTheDocument();
    const toggle = within(f).getByRole("button", { name: "Show values" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const table = within(f).getByRole("table", { name: "Latency over time" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(4);
    // Oldest first: 2.0.0, then 2.0.9 (5 ms slower), then 2.1.0 registered and tested.
    expect(rows.map((r) => within(r).getAllByRole("cell").slice(1).map((c) => c.textContent))).toEqual([
      ["2.0.0", "45 ms", "Registered"],
      ["2.0.9", "50 ms", "Registered"],
      ["2.1.0", "45 ms", "Registered"],
      ["2.1.0", "45 ms", "Test run #7"],
    ]);
    await user.click(within(f).getByRole("button", { name: "Hide values" }));
    expect(within(f).queryByRole("table")).not.toBeInTheDocument();
  });

  it("across versions: the latest value of each version, in version order", async () => {
    mockBackend();
    const { user } = renderSection("model-1");
    await screen.findAllByRole("figure");
    const toggle = screen.getByRole("button", { name: "Across versions" });
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    expect(screen.getAllByRole("figure")).toHaveLength(6);
    for (const label of LABELS) {
      const f = chart(new RegExp(`^${label} across versions`));
      expect(f).toHaveAccessibleName(expect.stringContaining("latest value of 3 versions"));
      expect(dots(f)).toHaveLength(3);
    }
    const f = chart(/^Accuracy across versions/);
    await user.click(within(f).getByRole("button", { name: "Show values" }));
    const table = within(f).getByRole("table", { name: "Accuracy across versions" });
    expect(within(table).getAllByRole("rowheader").map((c) => c.textContent)).toEqual(["2.0.0", "2.0.9", "2.1.0"]);
    expect(within(table).getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("cell")[0]?.textContent)).toEqual([
      "94.3%",
      "93.3%",
      "94.3%",
    ]);
    expect(within(table).getAllByRole("row")[3]).toHaveTextContent("Test run #7");
  });

  it("says so when there is no history yet", async () => {
    const empty: MetricHistory = { modelId: "model-3", points: [], total: 0, limit: 3000, latestByVersion: [] };
    mockBackend({ get_metric_history: () => empty });
    renderSection("model-3");
    expect(await screen.findByText(/No metric history yet/)).toBeInTheDocument();
    expect(screen.queryByRole("figure")).not.toBeInTheDocument();
  });

  it("a single recording is one point per chart", async () => {
    mockBackend();
    renderSection("model-3");
    // model-3 has one version and no test run.
    await screen.findAllByRole("figure");
    expect(metricHistory(model3).points).toHaveLength(6);
    expect(dots(chart(/^Uptime over time/))).toHaveLength(1);
    expect(chart(/^Uptime over time/)).toHaveAccessibleName(expect.stringContaining("1 point of 1 version"));
  });

  it("says when the history was cut to the newest points", async () => {
    const v = versionInfo(model1, { isCurrent: true });
    const points = [recording(v, "2026-01-01T00:00:00Z", "test_run", 41), recording(v, "2026-01-02T00:00:00Z", "test_run", 42)].flat();
    mockBackend({
      get_metric_history: () => ({ modelId: "model-1", points, total: 3006, limit: 12, latestByVersion: points.slice(6) }),
    });
    renderSection("model-1");
    expect(await screen.findByText(/Showing the newest 12 of 3,006 recorded points/)).toBeInTheDocument();
    expect(dots(chart(/^Accuracy over time/))).toHaveLength(2);
  });

  it("reports a failed load with a retry", async () => {
    let fail = true;
    mockBackend({
      get_metric_history: () => {
        if (fail) throw { code: "INTERNAL", message: "Database error: disk I/O error" };
        return metricHistory(model1);
      },
    });
    const { user } = renderSection("model-1");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("disk I/O error");
    fail = false;
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findAllByRole("figure")).toHaveLength(6);
  });

  it("is part of the details modal, beside its other sections, and refreshes after a test run", async () => {
    const backend = mockBackend({ run_tests: () => testRun(model1, 5) });
    const r = renderApp();
    await r.user.click(await screen.findByRole("button", { name: `View details of ${model1.name}` }));
    const dialog = await screen.findByRole("dialog", { name: model1.name });
    const section = await within(dialog).findByRole("region", { name: "Metrics" });
    expect(await within(section).findAllByRole("figure")).toHaveLength(6);
    for (const heading of ["Current version", "Test thresholds", "Version history", "Test runs", "Recent events"]) {
      expect(within(dialog).getByRole("heading", { name: heading })).toBeInTheDocument();
    }
    const before = backend.callsOf("get_metric_history").length;
    await r.user.click(within(dialog).getByRole("button", { name: "Run Tests" }));
    await waitFor(() => expect(backend.callsOf("get_metric_history").length).toBeGreaterThan(before));
  });

  it("a chart that fails to render shows its error in the section; the rest of the details stays usable", async () => {
    // A reply that breaks the section's rendering (no points array) stands in for a chart library failure.
    mockBackend({ get_metric_history: () => ({ modelId: "model-1", total: 0, limit: 3000 }) });
    const r = renderApp();
    await r.user.click(await screen.findByRole("button", { name: `View details of ${model1.name}` }));
    const dialog = await screen.findByRole("dialog", { name: model1.name });
    const alert = await within(dialog).findByText(/This section couldn.t be shown/);
    expect(alert.closest("[role=alert]")).toBeInTheDocument();
    for (const heading of ["Current version", "Version history", "Recent events"]) {
      expect(within(dialog).getByRole("heading", { name: heading })).toBeInTheDocument();
    }
    expect(within(dialog).getByRole("button", { name: "Run Tests" })).toBeEnabled();
  });
});
