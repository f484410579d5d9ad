import { useState } from "react";
import { pickBackupFile } from "../../api";
import { useOpenBackupsFolder } from "../../queries";
import type { RestoreChoice } from "./backups";

/** A failed action, shown where the user acted (role=alert), until the next action. */
export interface Failure {
  title: string;
  message: string;
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What the Backups dialog and the recovery screen share: the failure to show, choosing a backup file in the
 * native open dialog (which only proposes it: `propose` asks the user to confirm) and showing the backups folder.
 */
export function useBackupFile(dir: string | undefined, propose: (choice: RestoreChoice) => void) {
  const openFolder = useOpenBackupsFolder();
  const [picking, setPicking] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const chooseFile = async () => {
    setFailure(null);
    setPicking(true);
    try {
      const path = await pickBackupFile(dir);
      // null: the user cancelled the dialog.
      if (path !== null) propose({ path });
    } catch (err) {
      setFailure({ title: "Couldn't open the file dialog", message: messageOf(err) });
    } finally {
      setPicking(false);
    }
  };

  const showFolder = () => {
    setFailure(null);
    openFolder.mutate(undefined, {
      onError: (err) => setFailure({ title: "Couldn't open the backups folder", message: err.message }),
    });
  };

  return { failure, setFailure, picking, chooseFile, showFolder, openingFolder: openFolder.isPending };
}
