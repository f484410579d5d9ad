import { mockIPC } from "@tauri-apps/api/mocks";
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockBackend, renderApp } from "../test/render";
import { causeChain, logShownError } from "./log";

describe("the page's error log", () => {
  it("names every cause, outermost first", () => {
    const inner = new Error("disk full");
    const outer = new Error("Writing the CSV failed", { cause: inner });
    expect(causeChain(outer)).toBe("Writing the CSV failed: disk full");
    expect(causeChain({ code: "IO", message: "No such file" })).toBe("No such file");
    expect(causeChain("plain")).toBe("plain");
  });

  it("writes what the user was shown through the log plugin, and never throws when it can't", async () => {
    const logged: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "plugin:log|log") logged.push(args);
    });
    logShownError("Export failed", "The folder is read-only", new Error("outer", { cause: new Error("EACCES") }));
    await waitFor(() => expect(logged).toHaveLength(1));
    expect(JSON.stringify(logged[0])).toContain("shown to the user: Export failed: The folder is read-only: outer: EACCES");

    mockIPC(() => {
      throw new Error("no log plugin");
    });
    expect(() => logShownError("Still shown")).not.toThrow();
  });

  it("every error toast is logged", async () => {
    const backend = mockBackend({ backup_now: () => Promise.reject({ code: "DISK_FULL", message: "The disk is full." }) });
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    const { emit } = await import("@tauri-apps/api/event");
    await emit("menu", "back-up");
    await screen.findByText("The disk is full.");
    await waitFor(() => expect(backend.callsOf("plugin:log|log")).toHaveLength(1));
    expect(JSON.stringify(backend.callsOf("plugin:log|log")[0]?.args)).toContain("The backup failed: The disk is full.");
  });
});
