import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BackupInfo } from "../../bindings/BackupInfo";
import type { RestoreResult } from "../../bindings/RestoreResult";
import { localDateTime } from "../../lib/format";
import { BACKUPS_DIR, backupList, dailyBackup, manualBackup } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const CHOSEN = "/home/ana/Desktop/registry-copy.sqlite3";

const safetyBackup: BackupInfo = {
  fileName: "registry-20261127T101500Z-pre-restore.sqlite3",
  path: `${BACKUPS_DIR}/registry-20261127T101500Z-pre-restore.sqlite3`,
  createdAt: "2026-11-27T10:15:00Z",
  reason: "pre-restore",
  sizeBytes: 1_600_000,
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
    expect(rows[0]).toHaveTextContent("246 kB");
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
    expect(b.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: dailyBackup.path } }]);
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
        filters: [{ name: "ModelOps registry", extensions: ["sqlite3", "sqlite", "db"] }],
        multiple: false,
        directory: false,
        defaultPath: BACKUPS_DIR,
      },
    });
    expect(confirm).toHaveTextContent("Replace the current registry with registry-copy.sqlite3?");
    expect(b.callsOf("restore_backup")).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "Restore backup" }));
    await waitFor(() => expect(b.callsOf("restore_backup").map((c) => c.args)).toEqual([{ request: { path: CHOSEN } }]));
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
});
