import axe from "axe-core";
import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { conflict, model2, registryProblem, remoteStatus, statusWithProblem } from "./test/fixtures";
import { mockBackend, renderApp, sendProgress } from "./test/render";

/**
 * axe-core over the whole page, so a dialog is checked together with what it sits on (duplicate ids, landmarks).
 * color-contrast is off: jsdom computes no styles (vitest runs with `css: false`, and jsdom does no layout), so axe
 * can't know a colour; styles/contrast.test.ts checks every pair of tokens instead.
 */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? "?"}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`,
  );
}

async function mainScreen() {
  const r = renderApp();
  const table = await screen.findByRole("table", { name: "Models" });
  await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(5));
  // The panels below the table load after it: check them loaded, not their spinners.
  await screen.findByRole("button", { name: "Start A/B test" });
  return r;
}

describe("accessibility (axe-core)", () => {
  afterEach(() => {
    delete document.documentElement.dataset.theme;
  });

  it("finds a violation when there is one", async () => {
    const nameless = document.body.appendChild(document.createElement("button"));
    try {
      expect(await violations()).toEqual([expect.stringMatching(/^button-name /)]);
    } finally {
      nameless.remove();
    }
  });

  for (const theme of ["light", "dark"] as const) {
    // jsdom applies no CSS, so only what the markup says differs between the themes (the toggle's title and icon).
    it(`the main screen with the four demo models, ${theme} theme`, async () => {
      document.documentElement.dataset.theme = theme;
      mockBackend();
      await mainScreen();
      expect(await violations()).toEqual([]);
    });
  }

  it("the Register dialog", async () => {
    mockBackend();
    const { user } = await mainScreen();
    await user.click(screen.getByRole("button", { name: "Register model" }));
    await screen.findByRole("dialog", { name: "Register a model" });
    expect(await violations()).toEqual([]);
  });

  it("the Import dialog", async () => {
    mockBackend();
    const { user } = await mainScreen();
    await user.click(screen.getByRole("button", { name: "Import legacy data" }));
    await screen.findByRole("dialog", { name: "Import legacy data" });
    expect(await violations()).toEqual([]);
  });

  it("the Backups dialog, with its list", async () => {
    mockBackend();
    const { user } = await mainScreen();
    await user.click(screen.getByRole("button", { name: "Backups" }));
    const dialog = await screen.findByRole("dialog", { name: "Backups" });
    await within(dialog).findAllByTestId("backup-row");
    expect(await violations()).toEqual([]);
  });

  it("the model details, and the confirm dialog over them", async () => {
    mockBackend();
    const { user } = await mainScreen();
    await user.click(screen.getByRole("button", { name: `View details of ${model2.name}` }));
    const dialog = await screen.findByRole("dialog", { name: model2.name });
    await within(dialog).findByText("Test thresholds");
    expect(await violations()).toEqual([]);

    await user.click(within(dialog).getByRole("button", { name: "Deploy to production" }));
    await screen.findByRole("alertdialog", { name: `Deploy ${model2.name} to production?` });
    expect(await violations()).toEqual([]);
  });

  it("the Team registry dialog", async () => {
    mockBackend({ get_remote_status: () => remoteStatus() });
    const { user } = await mainScreen();
    await user.click(screen.getByTestId("team-registry-button"));
    const dialog = await screen.findByRole("dialog", { name: "Team registry" });
    await within(dialog).findByTestId("team-url");
    expect(await violations()).toEqual([]);
  });

  it("the header during a sync, and the conflicts dialog", async () => {
    const b = mockBackend({
      get_remote_status: () => remoteStatus({ conflicts: [conflict] }),
      sync_now: () => new Promise(() => {}),
    });
    const { user } = await mainScreen();
    await user.click(await screen.findByTestId("sync-now"));
    await waitFor(() => expect(b.callsOf("sync_now")).toHaveLength(1));
    sendProgress(b.callsOf("sync_now")[0]?.args, { phase: "fetchingMetrics", done: 500, total: 10000 });
    await screen.findByRole("progressbar", { name: "Syncing" });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole("button", { name: "1 conflict" }));
    await screen.findByRole("dialog", { name: "Conflicts with the team server" });
    expect(await violations()).toEqual([]);
  });

  it("the recovery screen", async () => {
    mockBackend({ get_registry_status: () => statusWithProblem(registryProblem("not-sqlite")) });
    renderApp();
    await screen.findByRole("heading", { level: 1 });
    await waitFor(async () => expect(await violations()).toEqual([]));
  });
});
