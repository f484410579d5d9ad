import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BackupInfo } from "../../bindings/BackupInfo";
import type { RestoreResult } from "../../bindings/RestoreResult";
import { localDateTime } from "../../lib/format";
import { BACKUPS_DIR, backupList, dailyBackup, manualBackup } from "../../test/fixtures";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const CHOSEN = "/home/ana/Desktop/registry-copy.sqlite3";

const safetyBackup: BackupInfo = {
  fileName: "registry-20261127T101500Z-pre-restore.sqlite3",
  path: `${BACKUPS_DIR}/registry-20261127T101500Z-pre-restore.sqlite3`,
  createdAt: "2026-11-27T10:15:00Z",
  reason: "pre-restore",
  sizeBytes: 1_600_000,
  compressed: true,
};

const restored = (path: string): RestoreResult => ({
  restoredFrom: path,
  check: { schemaVersion: 6, models: 4 },
  safetyBackup,
});

const newBackup: BackupInfo = {
  fileName: "registry-20261127T103000Z-manual.sqlite3",
  path: `${BACKUPS_DIR}/registry-20261127T103000Z-manual.sqlite3`,
  createdAt: "2026-11-27T10:30:00Z",
  reason: "manual",
  sizeBytes: 1_650_000,
  compressed: true,
};

function backend(overrides: Record<string, (args: unknown) => unknown> = {}) {
  return mockBackend({
    restore_backup: (args) => restored((args as { request: { path: string } }).request.path),
    open_backups_folder: () => BACKUPS_DIR,
    ...overrides,
  });
}

async function openBackups(user: User) {
  await screen.findByRole("table", { name: "Models" });
  await user.click(screen.getByRole("button", { name: "Backups" }));
  const dialog = await screen.findByRole("dialog", { name: "Backups" });
  expect(dialog).toHaveAttribute("data-testid", "backups-dialog");
  return dialog;
}

const keepInput = (dialog: HTMLElement) => within(dialog).getByRole("spinbutton", { name: "Keep the last automatic backups" });

describe("backups dialog", () => {
  it("lists the backups newest first, with where they live, and opens that folder", async () => {
    const b = backend();
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const rows = await within(dialog).findAllByTestId("backup-row");
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => within(r).getByText(/^(Manual|Daily|Before migration|Before restore)$/).textContent)).toEqual([
      "Manual",
      "Daily",
      "Before migration",
    ]);
    expect(rows[0]).toHaveTextContent(localDateTime(manualBackup.createdAt));
    // The size on disk, and which backups are compressed (the older plain ones are not).
    expect(rows[0]).toHaveTextContent("246 kB compressed");
    expect(rows[1]).toHaveTextContent("1.5 MB");
    expect(rows[1]).not.toHaveTextContent("compressed");
    expect(within(rows[0]!).getByRole("button", { name: "Restore" })).toBeInTheDocument();
    expect(within(dialog).getByText(BACKUPS_DIR)).toHaveClass("mono");
    expect(keepInput(dialog)).toHaveValue(10);

    await user.click(within(dialog).getByRole("button", { name: "Open folder" }));
    await waitFor(() => expect(b.callsOf("open_backups_folder")).toHaveLength(1));
  });

  it("Back up now makes a backup, says its file name and lists it", async () => {
    let list = backupList;
    const b = backend({
      list_backups: () => list,
      backup_now: () => {
        list = { ...backupList, backups: [newBackup, ...backupList.backups] };
        return newBackup;
      },
    });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    await within(dialog).findAllByTestId("backup-row");
    expect(within(dialog).getByRole("button", { name: "Back up now" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: "Back up now" }));

    expect(await within(toasts()).findByText(newBackup.fileName)).toBeInTheDocument();
    expect(within(toasts()).getByText("Backup saved")).toBeInTheDocument();
    expect(b.callsOf("backup_now")).toHaveLength(1);
    await waitFor(() => expect(within(dialog).getAllByTestId("backup-row")).toHaveLength(4));
  });

  it("refuses a number of backups to keep outside 1–1000 without asking Rust, and saves one inside", async () => {
    const b = backend({ save_backup_settings: (args) => ({ keep: (args as { request: { keep: number } }).request.keep }) });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const input = await waitFor(() => keepInput(dialog));
    const save = within(dialog).getByRole("button", { name: "Save" });

    for (const bad of ["0", "1001", "2.5", ""]) {
      await user.clear(input);
      if (bad) await user.type(input, bad);
      await user.click(save);
      expect(within(dialog).getByText("Enter a whole number from 1 to 1000.")).toBeInTheDocument();
      expect(input).toHaveAttribute("aria-invalid", "true");
    }
    expect(b.callsOf("save_backup_settings")).toHaveLength(0);

    await user.clear(input);
    await user.type(input, "30");
    expect(input).not.toHaveAttribute("aria-invalid");
    await user.click(save);
    await waitFor(() => expect(b.callsOf("save_backup_settings").map((c) => c.args)).toEqual([{ request: { keep: 30 } }]));
    expect(await within(toasts()).findByText("Keeping the last 30 automatic backups")).toBeInTheDocument();
    expect(within(dialog).queryByText("Enter a whole number from 1 to 1000.")).not.toBeInTheDocument();
  });

  it("shows Rust's INVALID_INPUT refusal by the setting", async () => {
    const message = "Keep between 1 and 1000 automatic backups; 999 is too many for this disk.";
    backend({
      save_backup_settings: () => {
        throw { code: "INVALID_INPUT", message };
      },
    });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const input = await waitFor(() => keepInput(dialog));
    await user.clear(input);
    await user.type(input, "999");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText(message)).toBeInTheDocument();
    expect(input).toHaveAttribute("aria-invalid", "true");
  });

  it("restores a listed backup only after confirming, then refreshes everything and says where the old state went", async () => {
    const b = backend();
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const rows = await within(dialog).findAllByTestId("backup-row");

    await user.click(within(rows[1]!).getByRole("button", { name: "Restore" }));
    let confirm = await screen.findByRole("alertdialog", { name: "Restore this backup?" });
    expect(confirm).toHaveTextContent(
      `Replace the current registry with the backup from ${localDateTime(dailyBackup.createdAt)}? The current registry is backed up first, so you can undo this.`,
    );
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(b.callsOf("restore_backup")).toHaveLength(0);

    const queriesBefore = b.callsOf("query_models").length;
    const summariesBefore = b.callsOf("get_summary").length;
    await user.click(within(rows[1]!).getByRole("button", { name: "Restore" }));
    confirm = await screen.findByRole("alertdialog", { name: "Restore this backup?" });
    await user.click(within(confirm).getByRole("button", { name: "Restore backup" }));

    expect(await within(toasts()).findByText(`Restored 4 models from ${dailyBackup.fileName}.`)).toBeInTheDocument();
    expect(within(toasts()).getByText(`The previous state was saved as ${safetyBackup.fileName}.`)).toBeInTheDocument();
    expect(b.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: dailyBackup.path }, ...taskArgs }]);
    expect(b.callsOf("query_models").length).toBeGreaterThan(queriesBefore);
    expect(b.callsOf("get_summary").length).toBeGreaterThan(summariesBefore);
    await waitFor(() => expect(screen.queryByTestId("backups-dialog")).not.toBeInTheDocument());
  });

  it("restores a file chosen with Restore from file…, and does nothing when that dialog is cancelled", async () => {
    let answer: string | null = null;
    const b = backend({ "plugin:dialog|open": () => answer });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    await within(dialog).findAllByTestId("backup-row");

    await user.click(within(dialog).getByRole("button", { name: "Restore from file…" }));
    await waitFor(() => expect(b.callsOf("plugin:dialog|open")).toHaveLength(1));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Restore from file…" })).toBeEnabled());
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();

    answer = CHOSEN;
    await user.click(within(dialog).getByRole("button", { name: "Restore from file…" }));
    const confirm = await screen.findByRole("alertdialog", { name: "Restore this backup?" });
    expect(b.callsOf("plugin:dialog|open")[1]?.args).toEqual({
      options: {
        title: "Choose a registry backup",
        filters: [{ name: "ModelOps registry", extensions: ["zst", "sqlite3", "sqlite", "db"] }],
        multiple: false,
        directory: false,
        defaultPath: BACKUPS_DIR,
      },
    });
    expect(confirm).toHaveTextContent("Replace the current registry with registry-copy.sqlite3?");
    expect(b.callsOf("restore_backup")).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(b.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: CHOSEN }, ...taskArgs }]));
    expect(await within(toasts()).findByText("Restored 4 models from registry-copy.sqlite3.")).toBeInTheDocument();
  });

  it("shows a refused restore in the dialog", async () => {
    const message = `${CHOSEN} was written by a newer ModelOps (schema 9; this build knows up to 6): nothing was changed.`;
    backend({
      "plugin:dialog|open": () => CHOSEN,
      restore_backup: () => {
        throw { code: "SCHEMA_TOO_NEW", message };
      },
    });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    await user.click(within(dialog).getByRole("button", { name: "Restore from file…" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restore backup" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("The backup couldn't be restored");
    expect(alert).toHaveTextContent(message);
    expect(screen.getByTestId("backups-dialog")).toBeInTheDocument();
  });

  it("shows each step of a restore with a progress bar, and Cancel stops it with the registry as it was", async () => {
    let reject: (e: unknown) => void = () => {};
    const b = backend({
      restore_backup: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Restore cancelled; the registry is as it was." });
        return null;
      },
    });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const rows = await within(dialog).findAllByTestId("backup-row");
    await user.click(within(rows[0]!).getByRole("button", { name: "Restore" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(b.callsOf("restore_backup")).toHaveLength(1));
    const args = b.callsOf("restore_backup")[0]?.args;
    expect(args).toEqual({ request: { path: manualBackup.path }, ...taskArgs });
    expect(within(dialog).queryByTestId("task-progress")).not.toBeInTheDocument();

    sendProgress(args, { phase: "unpacking", done: 0, total: 168_000_000 });
    sendProgress(args, { phase: "unpacking", done: 42_000_000, total: 168_000_000 });
    const unpacking = await within(dialog).findByRole("progressbar", { name: "Decompressing the backup" });
    await waitFor(() => expect(unpacking).toHaveAttribute("value", "42000000"));
    expect(unpacking).toHaveAttribute("max", "168000000");
    expect(within(dialog).getByText("42.0 MB of 168.0 MB")).toBeInTheDocument();

    sendProgress(args, { phase: "checking", done: 0, total: 1 });
    expect(await within(dialog).findByRole("progressbar", { name: "Checking the backup" })).toBeInTheDocument();
    expect(within(dialog).getByText("Checking…")).toBeInTheDocument();

    sendProgress(args, { phase: "restoring", done: 327_680_000, total: 655_360_000 });
    const copying = await within(dialog).findByRole("progressbar", { name: "Replacing the registry" });
    await waitFor(() => expect(copying).toHaveAttribute("value", "327680000"));
    expect(within(dialog).getByText("327.7 MB of 655.4 MB")).toBeInTheDocument();
    // Nothing else can start meanwhile, and the dialog stays until the restore has ended.
    expect(within(dialog).getByRole("button", { name: "Back up now" })).toBeDisabled();
    expect(within(dialog).getByRole("button", { name: "Close" })).toBeDisabled();

    await user.click(within(dialog).getByTestId("task-cancel"));
    expect(b.callsOf("cancel_task")[0]?.args).toEqual({ taskId: (args as { taskId: string }).taskId });
    expect(await within(toasts()).findByText("Restore cancelled; the registry is as it was")).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByTestId("task-progress")).not.toBeInTheDocument());
    // A cancel is not a failure: no alert, the dialog stays open and usable.
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByTestId("backups-dialog")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Back up now" })).toBeEnabled();
    expect(within(toasts()).queryByText(/^Restored/)).not.toBeInTheDocument();
  });

  it("Esc during a restore cancels it instead of closing the dialog", async () => {
    let reject: (e: unknown) => void = () => {};
    const b = backend({
      restore_backup: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Restore cancelled; the registry is as it was." });
        return null;
      },
    });
    const { user } = renderApp();
    const dialog = await openBackups(user);
    const rows = await within(dialog).findAllByTestId("backup-row");
    await user.click(within(rows[1]!).getByRole("button", { name: "Restore" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(b.callsOf("restore_backup")).toHaveLength(1));
    sendProgress(b.callsOf("restore_backup")[0]?.args, { phase: "checking", done: 0, total: 1 });
    await within(dialog).findByRole("progressbar", { name: "Checking the backup" });

    await user.keyboard("{Escape}");
    await waitFor(() => expect(b.callsOf("cancel_task")).toHaveLength(1));
    expect(await within(toasts()).findByText("Restore cancelled; the registry is as it was")).toBeInTheDocument();
    expect(screen.getByTestId("backups-dialog")).toBeInTheDocument();
  });
});
