import { screen, waitFor, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { act } from "react";
import { describe, expect, it } from "vitest";
import type { MenuAction } from "./bindings/MenuAction";
import { manualBackup, registryProblem, statusWithProblem } from "./test/fixtures";
import { mockBackend, renderApp } from "./test/render";

describe("App", () => {
  it("renders the four seed models in the table, by name", async () => {
    const backend = mockBackend();
    renderApp();
    const table = await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(5));
    const rows = within(table).getAllByRole("row").slice(1); // minus the header row
    expect(rows.map((r) => within(r).getAllByRole("rowheader")[0]?.textContent)).toEqual([
      expect.stringContaining("Anomaly Detection - Behavioral"),
      expect.stringContaining("Ensemble - Multi-Model Predictor"),
      expect.stringContaining("Graph Neural Network - Threat Detection"),
      expect.stringContaining("TGNN - Attack Surface Model"),
    ]);
    expect(backend.queries()[0]).toEqual({
      view: { filter: { statuses: [] }, sort: "name", dir: "asc" },
      offset: 0,
      limit: 50,
    });
    // The page never loads the whole registry.
    expect(backend.callsOf("list_models")).toHaveLength(0);

    const first = rows[3]!;
    expect(within(first).getByText("2.1.0")).toBeInTheDocument();
    expect(within(first).getByText("Production")).toBeInTheDocument();
    expect(within(first).getByText("94.3%")).toBeInTheDocument();
    expect(within(first).getByText("45 ms")).toBeInTheDocument();
    expect(within(first).getByText("1,250")).toBeInTheDocument();
    expect(within(first).getByText("Demo")).toBeInTheDocument();
    expect(within(first).getByText(/5\/5/)).toBeInTheDocument();
    expect(within(rows[2]!).getByText(/4\/5/)).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Untested")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Development")).toBeInTheDocument();
    // The name is one line (fixed row height): the full name is in its title.
    expect(within(rows[3]!).getByText("TGNN - Attack Surface Model")).toHaveAttribute("title", "TGNN - Attack Surface Model");
    expect(screen.getByText("4 of 4 models")).toBeInTheDocument();

    expect(screen.getByRole("button", { name: "View details of TGNN - Attack Surface Model" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "ModelOps" })).toBeInTheDocument();
  });

  it("shows the summary cards", async () => {
    mockBackend();
    renderApp();
    const summary = await screen.findByRole("region", { name: "Registry summary" });
    await waitFor(() => expect(within(summary).getByText("Total models")).toBeInTheDocument());
    expect(within(summary).getByText("95.1%")).toBeInTheDocument();
    expect(within(summary).getByText("1 untested")).toBeInTheDocument();
  });

  it("marks the first paint of the table rows", async () => {
    performance.clearMarks("modelops:table-painted");
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(performance.getEntriesByName("modelops:table-painted")).toHaveLength(1));
  });

  it("Refresh refetches the models, the summary and the A/B tests", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(backend.callsOf("list_ab_tests")).toHaveLength(1));
    expect(backend.callsOf("query_models")).toHaveLength(1);
    expect(backend.callsOf("get_summary")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: /refresh/i }));
    await waitFor(() => {
      expect(backend.callsOf("query_models")).toHaveLength(2);
      expect(backend.callsOf("get_summary")).toHaveLength(2);
      expect(backend.callsOf("list_ab_tests")).toHaveLength(2);
      expect(backend.callsOf("list_frameworks")).toHaveLength(2);
    });
    expect(backend.queries()[1]).toEqual(backend.queries()[0]);
  });

  it("asks for the registry's status first, and shows the recovery screen instead of the table when it has a problem", async () => {
    const problem = registryProblem("corrupt");
    const backend = mockBackend({ get_registry_status: () => statusWithProblem(problem) });
    renderApp();
    const recovery = await screen.findByTestId("recovery-screen");
    expect(within(recovery).getByRole("heading", { level: 1, name: "The registry file is damaged" })).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Models" })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "ModelOps", level: 1 })).not.toBeInTheDocument();
    expect(backend.calls[0]?.cmd).toBe("get_registry_status");
    expect(backend.callsOf("query_models")).toHaveLength(0);
    expect(backend.callsOf("get_summary")).toHaveLength(0);
  });

  it("shows the app when the registry opened", async () => {
    const backend = mockBackend();
    renderApp();
    expect(await screen.findByRole("table", { name: "Models" })).toBeInTheDocument();
    expect(screen.queryByTestId("recovery-screen")).not.toBeInTheDocument();
    expect(backend.calls[0]?.cmd).toBe("get_registry_status");
  });

  it("shows a full-page error, without retry, when the registry schema is too new", async () => {
    const message =
      "This registry was written by a newer version of ModelOps (schema 9; this build knows up to 1). It was left untouched: update ModelOps to open it.";
    mockBackend({
      query_models: () => {
        throw { code: "SCHEMA_TOO_NEW", message };
      },
    });
    renderApp();
    expect(await screen.findByRole("heading", { name: "The registry couldn't be opened" })).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
    expect(screen.getByText(/left untouched/i, { selector: ".lead" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Models" })).not.toBeInTheDocument();
  });

  it("shows the same screen for a corrupt database", async () => {
    mockBackend({
      query_models: () => {
        throw { code: "CORRUPT_DATABASE", message: "The registry file /x/registry.db is not a ModelOps database." };
      },
    });
    renderApp();
    expect(await screen.findByRole("heading", { name: "The registry couldn't be opened" })).toBeInTheDocument();
    expect(screen.getByText(/is not a ModelOps database/)).toBeInTheDocument();
  });

  it("offers Retry for other failures, and recovers", async () => {
    let fail = true;
    const backend = mockBackend({
      query_models: () => {
        if (fail) throw { code: "INTERNAL", message: "Database error: disk I/O error" };
        return { models: [], offset: 0, total: 0, timestamp: new Date().toISOString() };
      },
    });
    const { user } = renderApp();
    expect(await screen.findByRole("heading", { name: "Couldn't load the models" })).toBeInTheDocument();
    expect(screen.getByText("Database error: disk I/O error")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("heading", { name: "No models yet" })).toBeInTheDocument();
    expect(backend.callsOf("query_models")).toHaveLength(2);
  });
});

describe("keyboard shortcuts", () => {
  const press = (key: string, init: KeyboardEventInit = { ctrlKey: true }) => {
    const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
    window.dispatchEvent(event);
    return event;
  };

  it("Ctrl+N opens Register, Ctrl+E the export chooser, Ctrl+F focuses the search; none while a modal is open", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });

    const find = press("f");
    expect(find.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(screen.getByPlaceholderText("Search models by name…"));

    expect(press("n").defaultPrevented).toBe(true);
    const register = await screen.findByRole("dialog");
    expect(register).toHaveTextContent("Register");
    // Inside a modal the shortcuts do nothing (and the webview's own meaning stays suppressed).
    expect(press("e").defaultPrevented).toBe(true);
    expect(screen.getAllByRole("dialog")).toHaveLength(1);
    expect(screen.queryByText("Export models to CSV")).not.toBeInTheDocument();
  });

  it("Ctrl+E (or Cmd+E) opens the export chooser; plain E and Ctrl+Shift+E do nothing", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    expect(press("e", {}).defaultPrevented).toBe(false);
    expect(press("E", { ctrlKey: true, shiftKey: true }).defaultPrevented).toBe(false);
    expect(screen.queryByText("Export models to CSV")).not.toBeInTheDocument();
    press("e", { metaKey: true });
    expect(await screen.findByText("Export models to CSV")).toBeInTheDocument();
  });

  it("Ctrl+R refreshes the table instead of reloading the page", async () => {
    const backend = mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(backend.callsOf("query_models").length).toBeGreaterThan(0));
    const before = backend.callsOf("query_models").length;
    expect(press("r").defaultPrevented).toBe(true);
    await waitFor(() => expect(backend.callsOf("query_models").length).toBeGreaterThan(before));
  });
});

describe("native menu", () => {
  // What src-tauri/menu.rs sends when an item is clicked.
  const menu = (action: MenuAction) => act(() => emit("menu", action));

  it("File → Register Model… opens the same dialog as the button; another item does nothing while it is open", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await menu("register");
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Register");
    await menu("about");
    expect(screen.getAllByRole("dialog")).toHaveLength(1);
  });

  it("Help → About shows the version, the registry file and its schema version", async () => {
    const backend = mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await menu("about");
    const about = await screen.findByRole("dialog", { name: "About ModelOps" });
    expect(await within(about).findByTestId("about-version")).toHaveTextContent("0.1.0");
    expect(within(about).getByTestId("about-registry-path")).toHaveTextContent("registry.sqlite3");
    expect(within(about).getByTestId("about-schema")).toHaveTextContent("6 (the latest)");
    expect(backend.callsOf("get_about")).toHaveLength(1);
  });

  it("File → Back Up Now backs up and says the file name; View → Refresh refetches", async () => {
    const backend = mockBackend({ backup_now: () => manualBackup });
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await menu("back-up");
    const toasts = screen.getByRole("region", { name: "Notifications" });
    expect(await within(toasts).findByText(manualBackup.fileName)).toBeInTheDocument();
    expect(backend.callsOf("backup_now")).toHaveLength(1);
    const before = backend.callsOf("query_models").length;
    await menu("refresh");
    await waitFor(() => expect(backend.callsOf("query_models").length).toBeGreaterThan(before));
  });

  it("View → Toggle Theme switches the theme on screen, like the header's button", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    const before = document.documentElement.dataset.theme ?? "light";
    await menu("toggle-theme");
    const after = document.documentElement.dataset.theme;
    expect(after).toBe(before === "dark" ? "light" : "dark");
    expect(screen.getByRole("button", { name: "Toggle theme" })).toHaveAttribute(
      "title",
      after === "dark" ? "Switch to light theme" : "Switch to dark theme",
    );
    await menu("toggle-theme");
    expect(document.documentElement.dataset.theme).toBe(before);
  });

  it("View → Search Models focuses the search; File → Export CSV… opens the export chooser", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    await menu("search");
    expect(document.activeElement).toBe(screen.getByPlaceholderText("Search models by name…"));
    await menu("export");
    expect(await screen.findByText("Export models to CSV")).toBeInTheDocument();
  });
});
