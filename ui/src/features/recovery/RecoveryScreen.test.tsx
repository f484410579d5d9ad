import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ProblemKind } from "../../bindings/ProblemKind";
import type { RegistryProblem } from "../../bindings/RegistryProblem";
import type { RegistryStatus } from "../../bindings/RegistryStatus";
import type { RestoreResult } from "../../bindings/RestoreResult";
import {
  BACKUPS_DIR,
  DATA_DIR,
  REGISTRY_PATH,
  backupList,
  dailyBackup,
  registryProblem,
  registryStatus,
  statusWithProblem,
} from "../../test/fixtures";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
const CHOSEN = "/home/ana/Desktop/registry-copy.sqlite3";
const MOVED_ASIDE = `${REGISTRY_PATH}.damaged-20261127T101500Z`;

const restored = (path: string): RestoreResult => ({
  restoredFrom: path,
  check: { schemaVersion: 6, models: 4 },
  movedAside: MOVED_ASIDE,
});

/**
 * A backend whose registry has `problem` until a restore, a new registry or a successful retry fixes it (the
 * default handlers); `overrides` replace those.
 */
function brokenBackend(problem: RegistryProblem, overrides: Record<string, (args: unknown) => unknown> = {}) {
  let status: RegistryStatus = statusWithProblem(problem);
  const backend = mockBackend({
    get_registry_status: () => status,
    restore_backup: (args) => {
      status = registryStatus;
      return restored((args as { request: { path: string } }).request.path);
    },
    start_new_registry: () => {
      status = registryStatus;
      return status;
    },
    retry_open_registry: () => status,
    open_backups_folder: () => BACKUPS_DIR,
    ...overrides,
  });
  return backend;
}

async function recoveryScreen() {
  return screen.findByTestId("recovery-screen");
}

const TITLES: Record<ProblemKind, string> = {
  "not-sqlite": "The registry file isn't a database",
  truncated: "The registry file is cut short",
  corrupt: "The registry file is damaged",
  "foreign-database": "This file belongs to another program",
  "schema-too-new": "This registry is from a newer ModelOps",
  "read-only": "The registry's folder is read-only",
  "disk-full": "The disk is full",
  other: "The registry couldn't be opened",
};

/** Which ways out each kind offers, as Rust sets canMoveAside for it. */
const CASES: Array<{ kind: ProblemKind; startNew: boolean; tryAgain: boolean }> = [
  { kind: "not-sqlite", startNew: true, tryAgain: false },
  { kind: "truncated", startNew: true, tryAgain: false },
  { kind: "corrupt", startNew: true, tryAgain: false },
  { kind: "foreign-database", startNew: true, tryAgain: false },
  { kind: "schema-too-new", startNew: true, tryAgain: false },
  { kind: "read-only", startNew: false, tryAgain: true },
  { kind: "disk-full", startNew: false, tryAgain: true },
  { kind: "other", startNew: false, tryAgain: true },
];

describe("recovery screen", () => {
  it.each(CASES)("for $kind: says what happened and offers only its ways out", async ({ kind, startNew, tryAgain }) => {
    const problem = registryProblem(kind);
    const backend = brokenBackend(problem);
    renderApp();
    const root = await recoveryScreen();
    const main = screen.getByRole("main", { name: TITLES[kind] });
    expect(main).toBe(root);
    expect(screen.getByRole("heading", { level: 1, name: TITLES[kind] })).toHaveAttribute("id", "recovery-title");
    expect(within(root).getByText(problem.message)).toBeInTheDocument();
    expect(within(root).getByText(REGISTRY_PATH)).toHaveClass("mono");
    expect(within(root).getByText("Nothing has been changed or deleted.")).toBeInTheDocument();
    expect(within(root).getByText(`Error code: ${problem.code}`)).toBeInTheDocument();

    const button = (name: string) => within(root).queryByRole("button", { name });
    expect(button("Start a new registry…") !== null).toBe(startNew);
    expect(button("Try again") !== null).toBe(tryAgain);
    expect(button("Open backups folder")).toBeInTheDocument();
    expect(button("Choose a file…")).toBeInTheDocument();
    expect(await within(root).findAllByTestId("backup-row")).toHaveLength(backupList.backups.length);

    // Nothing but the status and the backups was asked: the app's views never loaded.
    expect(screen.queryByRole("table", { name: "Models" })).not.toBeInTheDocument();
    expect(backend.callsOf("query_models")).toHaveLength(0);
    expect(backend.calls.map((c) => c.cmd).sort()).toEqual(["get_registry_status", "list_backups"]);
  });

  it("tells what to fix first: update for a newer registry, make the folder writable, free disk space", async () => {
    brokenBackend(registryProblem("schema-too-new"));
    const first = renderApp();
    expect(await within(await recoveryScreen()).findByText("Update ModelOps to open it.")).toBeInTheDocument();
    first.unmount();

    brokenBackend(registryProblem("read-only"));
    const second = renderApp();
    const readOnly = await recoveryScreen();
    expect(within(readOnly).getByText(DATA_DIR)).toBeInTheDocument();
    expect(readOnly).toHaveTextContent(/writable for your user, then try again/);
    second.unmount();

    brokenBackend(registryProblem("disk-full"));
    renderApp();
    expect(await recoveryScreen()).toHaveTextContent(/Free some space on the disk/);
  });

  it("hides Start a new registry when the file can't be moved aside", async () => {
    brokenBackend(registryProblem("corrupt", { canMoveAside: false }));
    renderApp();
    const root = await recoveryScreen();
    expect(within(root).queryByRole("button", { name: "Start a new registry…" })).not.toBeInTheDocument();
    expect(within(root).getByRole("button", { name: "Choose a file…" })).toBeInTheDocument();
  });

  it("starts a new registry only after the user confirms, then shows the app", async () => {
    const backend = brokenBackend(registryProblem("not-sqlite"));
    const { user } = renderApp();
    const root = await recoveryScreen();

    await user.click(within(root).getByRole("button", { name: "Start a new registry…" }));
    let dialog = await screen.findByRole("alertdialog", { name: "Start a new registry?" });
    expect(dialog).toHaveTextContent(
      "The current file is moved aside to registry.sqlite3.damaged-<time> in the same folder; a new registry with the demo models starts.",
    );
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(backend.callsOf("start_new_registry")).toHaveLength(0);

    await user.click(within(root).getByRole("button", { name: "Start a new registry…" }));
    dialog = await screen.findByRole("alertdialog", { name: "Start a new registry?" });
    expect(backend.callsOf("start_new_registry")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Move aside and start new" }));

    expect(await screen.findByRole("table", { name: "Models" })).toBeInTheDocument();
    expect(backend.callsOf("start_new_registry")).toHaveLength(1);
    expect(screen.queryByTestId("recovery-screen")).not.toBeInTheDocument();
    expect(within(toasts()).getByText("Started a new registry")).toBeInTheDocument();
  });

  it("restores a listed backup after confirming, and the app appears with the toast", async () => {
    const backend = brokenBackend(registryProblem("truncated"));
    const { user } = renderApp();
    const root = await recoveryScreen();
    const rows = await within(root).findAllByTestId("backup-row");
    expect(rows[1]).toHaveTextContent("Daily");
    expect(rows[1]).toHaveTextContent("1.5 MB");
    expect(rows[1]).toHaveTextContent(dailyBackup.fileName);
    expect(rows[0]).toHaveTextContent("Manual");
    expect(rows[2]).toHaveTextContent("Before migration");

    await user.click(within(rows[1]!).getByRole("button", { name: "Restore" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Restore this backup?" });
    expect(dialog).toHaveTextContent(dailyBackup.fileName);
    expect(dialog).toHaveTextContent(/The damaged file is moved aside beside it, as registry\.sqlite3\.damaged-<time>/);
    expect(dialog).toHaveTextContent(/it is not deleted\. The backup then becomes the registry\./);
    expect(backend.callsOf("restore_backup")).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Restore backup" }));
    expect(await screen.findByRole("table", { name: "Models" })).toBeInTheDocument();
    expect(backend.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: dailyBackup.path }, ...taskArgs }]);
    expect(within(toasts()).getByText(`Restored from ${dailyBackup.fileName} (4 models).`)).toBeInTheDocument();
    expect(within(toasts()).getByText(`The damaged file was moved to ${MOVED_ASIDE}.`)).toBeInTheDocument();
  });

  it("shows the restore's progress, and Cancel leaves the damaged registry where it was", async () => {
    let reject: (e: unknown) => void = () => {};
    const backend = brokenBackend(registryProblem("corrupt"), {
      restore_backup: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Restore cancelled; the registry is as it was." });
        return null;
      },
    });
    const { user } = renderApp();
    const root = await recoveryScreen();
    const rows = await within(root).findAllByTestId("backup-row");
    await user.click(within(rows[1]!).getByRole("button", { name: "Restore" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(backend.callsOf("restore_backup")).toHaveLength(1));
    const args = backend.callsOf("restore_backup")[0]?.args;
    sendProgress(args, { phase: "restoring", done: 100_000_000, total: 400_000_000 });
    const bar = await within(root).findByRole("progressbar", { name: "Replacing the registry" });
    await waitFor(() => expect(bar).toHaveAttribute("value", "100000000"));

    await user.click(within(root).getByTestId("task-cancel"));
    expect(await within(toasts()).findByText("Restore cancelled; nothing was changed")).toBeInTheDocument();
    await waitFor(() => expect(within(root).queryByTestId("task-progress")).not.toBeInTheDocument());
    expect(within(root).queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByTestId("recovery-screen")).toBeInTheDocument();
  });

  it("restores a file chosen in the open dialog, which starts in the backups folder", async () => {
    const backend = brokenBackend(registryProblem("corrupt"), { "plugin:dialog|open": () => CHOSEN });
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Choose a file…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Restore this backup?" });
    expect(backend.callsOf("plugin:dialog|open").map((c) => c.args)).toEqual([
      {
        options: {
          title: "Choose a registry backup",
          filters: [{ name: "ModelOps registry", extensions: ["zst", "sqlite3", "sqlite", "db"] }],
          multiple: false,
          directory: false,
          defaultPath: BACKUPS_DIR,
        },
      },
    ]);
    expect(dialog).toHaveTextContent(CHOSEN);
    expect(backend.callsOf("restore_backup")).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(backend.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: CHOSEN }, ...taskArgs }]));
    expect(await screen.findByRole("table", { name: "Models" })).toBeInTheDocument();
    expect(within(toasts()).getByText("Restored from registry-copy.sqlite3 (4 models).")).toBeInTheDocument();
  });

  it("does nothing when the file dialog is cancelled", async () => {
    const backend = brokenBackend(registryProblem("corrupt"), { "plugin:dialog|open": () => null });
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Choose a file…" }));
    await waitFor(() => expect(backend.callsOf("plugin:dialog|open")).toHaveLength(1));
    await waitFor(() => expect(within(root).getByRole("button", { name: "Choose a file…" })).toBeEnabled());
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(within(root).queryByRole("alert")).not.toBeInTheDocument();
    expect(backend.callsOf("restore_backup")).toHaveLength(0);
    expect(backend.callsOf("start_new_registry")).toHaveLength(0);
  });

  it("shows a refused restore on the screen and stays there", async () => {
    const message = `${CHOSEN} is not a ModelOps registry: nothing was changed.`;
    const backend = brokenBackend(registryProblem("corrupt"), {
      "plugin:dialog|open": () => CHOSEN,
      restore_backup: () => {
        throw { code: "CORRUPT_DATABASE", message };
      },
    });
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Choose a file…" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restore backup" }));
    const alert = await within(root).findByRole("alert");
    expect(alert).toHaveTextContent("The backup couldn't be restored");
    expect(alert).toHaveTextContent(message);
    expect(backend.callsOf("restore_backup")).toHaveLength(1);
    expect(screen.getByTestId("recovery-screen")).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Models" })).not.toBeInTheDocument();
  });

  it("Try again says so when the folder is still read-only, and opens the app once it isn't", async () => {
    const problem = registryProblem("read-only");
    let fixed = false;
    const backend = brokenBackend(problem, {
      retry_open_registry: () => (fixed ? registryStatus : statusWithProblem(problem)),
    });
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Try again" }));
    const alert = await within(root).findByRole("alert");
    expect(alert).toHaveTextContent("Still can't open the registry");
    expect(alert).toHaveTextContent(problem.message);

    fixed = true;
    await user.click(within(root).getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("table", { name: "Models" })).toBeInTheDocument();
    expect(backend.callsOf("retry_open_registry")).toHaveLength(2);
  });

  it("shows a failure to start a new registry", async () => {
    brokenBackend(registryProblem("foreign-database"), {
      start_new_registry: () => {
        throw { code: "IO", message: "Can't rename registry.sqlite3: permission denied." };
      },
    });
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Start a new registry…" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Move aside and start new" }));
    expect(await within(root).findByRole("alert")).toHaveTextContent("Can't rename registry.sqlite3: permission denied.");
  });

  it("opens the backups folder", async () => {
    const backend = brokenBackend(registryProblem("disk-full"));
    const { user } = renderApp();
    const root = await recoveryScreen();
    await user.click(within(root).getByRole("button", { name: "Open backups folder" }));
    await waitFor(() => expect(backend.callsOf("open_backups_folder")).toHaveLength(1));
  });

  it("says when there are no backups and still offers to choose a file", async () => {
    brokenBackend(registryProblem("corrupt"), { list_backups: () => ({ ...backupList, backups: [] }) });
    renderApp();
    const root = await recoveryScreen();
    expect(await within(root).findByText(/There are no backups in/)).toBeInTheDocument();
    expect(within(root).queryAllByTestId("backup-row")).toHaveLength(0);
    expect(within(root).getByRole("button", { name: "Choose a file…" })).toBeEnabled();
  });
});
