// Bundled by Vite and run by scripts/frozen-prototype.mjs in a Node process whose Object.prototype is frozen, as
// Tauri's `security.freezePrototype` leaves it: importing this bundle evaluates every module the metrics chunk
// pulls in, and `renderCharts` draws both chart views, so assignments made at render time are exercised too.
import { createRoot } from "react-dom/client";
import { MetricCharts } from "../../features/metrics/MetricsSection";
import { metricHistory, model1 } from "../fixtures";

export interface ChartCounts {
  figures: number;
  dots: number;
  /** Axis ticks: their values come from d3-scale and decimal.js-light. */
  ticks: number;
  /** Tooltips shown after pointing at each chart. */
  tooltips: number;
}

// What React reports instead of throwing (a render, an effect or an event handler that threw).
const errors: unknown[] = [];

/** Lets React commit and run effects; throws the first error React reported. */
async function settle() {
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (errors.length > 0) throw errors[0];
}

/**
 * Points at each chart: the middle of a line chart (jsdom lays nothing out, so each chart's box is at 0, 0), the
 * first point of a scatter chart, whose tooltip follows the item under the pointer.
 */
async function hover(container: HTMLElement) {
  for (const wrapper of container.querySelectorAll(".recharts-wrapper")) {
    wrapper.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: 200, clientY: 95 }));
    wrapper.querySelector(".recharts-scatter-symbol")?.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
  }
  await settle();
}

function counts(container: HTMLElement): ChartCounts {
  return {
    figures: container.querySelectorAll("figure").length,
    dots: container.querySelectorAll(".metric-dot").length,
    ticks: container.querySelectorAll(".recharts-cartesian-axis-tick").length,
    tooltips: container.querySelectorAll(".chart-tooltip").length,
  };
}

/** Renders the charts of a fixture model over time, then across versions; returns what each view drew. */
export async function renderCharts(container: HTMLElement): Promise<{ overTime: ChartCounts; acrossVersions: ChartCounts }> {
  const root = createRoot(container, {
    onUncaughtError: (error) => errors.push(error),
    onCaughtError: (error) => errors.push(error),
    onRecoverableError: (error) => errors.push(error),
  });
  root.render(<MetricCharts history={metricHistory(model1)} />);
  await settle();
  await hover(container);
  const overTime = counts(container);
  const toggle = [...container.querySelectorAll("button")].find((b) => b.textContent === "Across versions");
  if (!toggle) throw new Error("the 'Across versions' button is missing");
  toggle.click();
  await settle();
  await hover(container);
  const acrossVersions = counts(container);
  root.unmount();
  return { overTime, acrossVersions };
}
