import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ClearDemoResult } from "../../bindings/ClearDemoResult";
import { summary } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";
import { DEMO_BANNER_DISMISSED_KEY } from "./DemoBanner";

const banner = () => screen.findByTestId("demo-banner");
const toasts = () => screen.getByRole("region", { name: "Notifications" });

describe("The demo banner", () => {
  it("explains the demo models while there are some", async () => {
    mockBackend();
    renderApp();
    const region = await screen.findByRole("region", { name: "About the demo data" });
    expect(region).toHaveAttribute("data-testid", "demo-banner");
    expect(region).toHaveTextContent(/The four models marked “Demo” are sample data, not measurements: ModelOps adds the demo models on a first start/);
    expect(region).toHaveTextContent(/in your local registry file like your own models/);
  });

  it("is not shown without demo models", async () => {
    mockBackend({ get_summary: () => ({ ...summary, demoModels: 0 }) });
    renderApp();
    await screen.findByRole("region", { name: "Registry summary" });
    await waitFor(() => expect(screen.getByText("Total models")).toBeInTheDocument());
    expect(screen.queryByTestId("demo-banner")).not.toBeInTheDocument();
  });

  it("Clear demo data asks first, then clears, says so, and the banner goes", async () => {
    let cleared = false;
    const result: ClearDemoResult = { modelsRemoved: 4, versionsRemoved: 7, testRunsRemoved: 2, abTestsRemoved: 1 };
    const backend = mockBackend({
      clear_demo_data: () => {
        cleared = true;
        return result;
      },
      get_summary: () => (cleared ? { ...summary, total: 0, development: 0, staging: 0, production: 0, demoModels: 0 } : summary),
    });
    const { user } = renderApp();
    await user.click(within(await banner()).getByRole("button", { name: "Clear demo data" }));

    const dialog = await screen.findByRole("alertdialog", { name: "Clear the demo data?" });
    expect(dialog).toHaveTextContent("removes 4 demo models");
    expect(dialog).toHaveTextContent("cannot be undone, except by restoring a backup");
    // Cancel changes nothing.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(backend.callsOf("clear_demo_data")).toHaveLength(0);

    await user.click(within(await banner()).getByRole("button", { name: "Clear demo data" }));
    const again = await screen.findByRole("alertdialog", { name: "Clear the demo data?" });
    const summariesBefore = backend.callsOf("get_summary").length;
    await user.click(within(again).getByRole("button", { name: "Clear demo data" }));

    await waitFor(() => expect(backend.callsOf("clear_demo_data")).toHaveLength(1));
    expect(await within(toasts()).findByText("Demo data cleared")).toBeInTheDocument();
    expect(within(toasts()).getByText("Removed 4 demo models with 7 versions.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("demo-banner")).not.toBeInTheDocument());
    // The summary (and with it the banner) and the table were asked again.
    expect(backend.callsOf("get_summary").length).toBeGreaterThan(summariesBefore);
    await waitFor(() => expect(backend.callsOf("query_models").length).toBeGreaterThan(1));
    // Clearing is not dismissing: a new demo (another registry) would be explained again.
    expect(localStorage.getItem(DEMO_BANNER_DISMISSED_KEY)).toBeNull();
  });

  it("Keep for now hides it, and it stays hidden after the page is opened again", async () => {
    mockBackend();
    const first = renderApp();
    await first.user.click(within(await banner()).getByRole("button", { name: "Keep for now" }));
    expect(screen.queryByTestId("demo-banner")).not.toBeInTheDocument();
    expect(localStorage.getItem(DEMO_BANNER_DISMISSED_KEY)).toBe("true");
    first.unmount();

    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(screen.getByText("Total models")).toBeInTheDocument());
    expect(screen.queryByTestId("demo-banner")).not.toBeInTheDocument();
  });
});

describe("An empty registry", () => {
  const empty = () =>
    mockBackend(
      { get_summary: () => ({ ...summary, total: 0, development: 0, staging: 0, production: 0, demoModels: 0 }) },
      { models: [], abTests: [] },
    );

  it("shows what to do first instead of an empty table", async () => {
    empty();
    renderApp();
    const state = await screen.findByTestId("empty-registry");
    expect(within(state).getByRole("heading", { name: "No models yet" })).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Models" })).not.toBeInTheDocument();
  });

  it("Register a model opens the registration dialog", async () => {
    empty();
    const { user } = renderApp();
    await user.click(within(await screen.findByTestId("empty-registry")).getByRole("button", { name: "Register a model" }));
    expect(await screen.findByRole("dialog", { name: "Register a model" })).toBeInTheDocument();
  });

  it("Import legacy data opens the import dialog", async () => {
    empty();
    const { user } = renderApp();
    await user.click(within(await screen.findByTestId("empty-registry")).getByRole("button", { name: "Import legacy data" }));
    expect(await screen.findByRole("dialog", { name: "Import legacy data" })).toBeInTheDocument();
  });

  it("a filter that matches nothing keeps its own message, not the empty state", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await user.type(screen.getByRole("textbox", { name: "Search models" }), "no such model");
    expect(await screen.findByText("No models match the search and filters.")).toBeInTheDocument();
    expect(screen.queryByTestId("empty-registry")).not.toBeInTheDocument();
    expect(backend.queries().at(-1)?.view.filter.search).toBe("no such model");
  });
});
