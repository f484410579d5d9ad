import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  backupNow,
  getAbout,
  getRegistryStatus,
  listBackups,
  openBackupsFolder,
  restoreBackup,
  retryOpenRegistry,
  saveBackupSettings,
  startNewRegistry,
  type ApiError,
  type TaskOptions,
} from "../api";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupList } from "../bindings/BackupList";
import type { BackupSettings } from "../bindings/BackupSettings";
import type { RegistryStatus } from "../bindings/RegistryStatus";
import type { RestoreResult } from "../bindings/RestoreResult";
import { backupKeys, registryKeys } from "./keys";

/** Whether the registry opened; the page shows the recovery screen instead of the models when it did not. */
export const useRegistryStatus = () => useQuery({ queryKey: registryKeys.status(), queryFn: getRegistryStatus });

/** Help → About. Under the registry key: a restore or a new registry changes the schema it shows. */
export const useAbout = () => useQuery({ queryKey: registryKeys.about(), queryFn: getAbout });

export const useBackups = () => useQuery({ queryKey: backupKeys.list(), queryFn: listBackups });

/**
 * After the registry was swapped for another file every cached value may be wrong: all of them refetch (those on
 * screen now, the others when next shown).
 */
const invalidateEverything = (qc: QueryClient) => qc.invalidateQueries();

/** The status Rust returned is already the new one: keep it, and refetch everything that depends on it. */
function registryReplaced(qc: QueryClient, status: RegistryStatus) {
  qc.setQueryData(registryKeys.status(), status);
  return qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== registryKeys.all[0] });
}

export function useBackupNow() {
  const qc = useQueryClient();
  return useMutation<BackupInfo, ApiError, void>({
    mutationFn: backupNow,
    onSettled: () => qc.invalidateQueries({ queryKey: backupKeys.all }),
  });
}

export function useSaveBackupSettings() {
  const qc = useQueryClient();
  return useMutation<BackupSettings, ApiError, number>({
    mutationFn: (keep) => saveBackupSettings({ keep }),
    onSuccess: (settings) =>
      qc.setQueryData<BackupList>(backupKeys.list(), (list) => (list ? { ...list, keep: settings.keep } : list)),
    // A smaller number prunes the oldest automatic backups.
    onSettled: () => qc.invalidateQueries({ queryKey: backupKeys.all }),
  });
}

/** What a restore is given: the file, and the long-task options for its progress and Cancel. */
export interface RestoreVariables {
  path: string;
  task?: TaskOptions;
}

export function useRestoreBackup() {
  const qc = useQueryClient();
  return useMutation<RestoreResult, ApiError, RestoreVariables>({
    mutationFn: ({ path, task }) => restoreBackup({ path }, task),
    onSuccess: () => invalidateEverything(qc),
    // A refusal usually changed nothing, but a restore over a damaged file may have moved it aside and then
    // failed to open the result, and a restore into the open registry may have taken its safety backup.
    onError: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: registryKeys.all }),
        qc.invalidateQueries({ queryKey: backupKeys.all }),
      ]),
  });
}

export function useStartNewRegistry() {
  const qc = useQueryClient();
  return useMutation<RegistryStatus, ApiError, void>({
    mutationFn: startNewRegistry,
    onSuccess: (status) => registryReplaced(qc, status),
  });
}

/** Resolves to the new status: it may still have a problem, when what blocked the registry is still there. */
export function useRetryOpenRegistry() {
  const qc = useQueryClient();
  return useMutation<RegistryStatus, ApiError, void>({
    mutationFn: retryOpenRegistry,
    onSuccess: (status) => registryReplaced(qc, status),
  });
}

export function useOpenBackupsFolder() {
  return useMutation<string, ApiError, void>({ mutationFn: openBackupsFolder });
}
