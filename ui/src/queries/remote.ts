import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  clearRemoteSettings,
  getRemoteLink,
  getRemoteStatus,
  openInMlflow,
  resolveConflict,
  saveRemoteSettings,
  shareModel,
  syncNow,
  testRemoteConnection,
  type ApiError,
  type TaskOptions,
} from "../api";
import type { ConnectionReport } from "../bindings/ConnectionReport";
import type { RemoteStatus } from "../bindings/RemoteStatus";
import type { ResolveConflictRequest } from "../bindings/ResolveConflictRequest";
import type { SaveRemoteRequest } from "../bindings/SaveRemoteRequest";
import type { SyncReport } from "../bindings/SyncReport";
import { remoteKeys, modelKeys } from "./keys";
import { invalidateModels } from "./mutations";

/** How often the header asks for the sync status while a server is set (Rust syncs every five minutes). */
export const REMOTE_POLL_MS = 30_000;

/** The team server's status; polled while a server is set, not at all without one. */
export const useRemoteStatus = () =>
  useQuery({
    queryKey: remoteKeys.status(),
    queryFn: getRemoteStatus,
    refetchInterval: (query) => (query.state.data?.settings ? REMOTE_POLL_MS : false),
  });

/**
 * What a sync may have changed: any model (pulled ones appear, aliases moved), so every list, the summary, the
 * timeline, every open details view, and the remote status and links.
 */
export function invalidateAfterSync(qc: QueryClient) {
  return Promise.all([
    invalidateModels(qc),
    qc.invalidateQueries({ queryKey: modelKeys.details() }),
    qc.invalidateQueries({ queryKey: remoteKeys.all }),
  ]);
}

/**
 * What a sync Rust ran on its own changed (seen as a new `lastSync` in the polled status): the same, except the
 * status itself, which was just fetched (refetching it would only find the same lastSync again).
 */
export function invalidateAfterBackgroundSync(qc: QueryClient) {
  return Promise.all([
    invalidateModels(qc),
    qc.invalidateQueries({ queryKey: modelKeys.details() }),
    qc.invalidateQueries({ queryKey: remoteKeys.links() }),
  ]);
}

/** Settings changed: the status Rust returned is the new one; links name the server, so they refetch too. */
function settingsChanged(qc: QueryClient, status: RemoteStatus) {
  qc.setQueryData(remoteKeys.status(), status);
  return qc.invalidateQueries({ queryKey: remoteKeys.links() });
}

export function useSaveRemoteSettings() {
  const qc = useQueryClient();
  return useMutation<RemoteStatus, ApiError, SaveRemoteRequest>({
    mutationFn: saveRemoteSettings,
    onSuccess: (status) => settingsChanged(qc, status),
  });
}

export function useClearRemoteSettings() {
  const qc = useQueryClient();
  return useMutation<RemoteStatus, ApiError, void>({
    mutationFn: clearRemoteSettings,
    // Models lose their team server badge.
    onSuccess: (status) => Promise.all([settingsChanged(qc, status), invalidateAfterSync(qc)]),
  });
}

/** A read with the settings being typed (nothing saved): nothing to invalidate. */
export function useTestRemoteConnection() {
  return useMutation<ConnectionReport, ApiError, SaveRemoteRequest>({ mutationFn: testRemoteConnection });
}

export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation<SyncReport, ApiError, TaskOptions | undefined>({
    mutationFn: (task) => syncNow(task),
    // A failed sync may still have pulled part of it, and its error is in the status.
    onSettled: () => invalidateAfterSync(qc),
  });
}

export function useShareModel(modelId: string) {
  const qc = useQueryClient();
  return useMutation<string, ApiError, void>({
    mutationFn: () => shareModel(modelId),
    onSettled: () =>
      Promise.all([invalidateModels(qc, [modelId]), qc.invalidateQueries({ queryKey: remoteKeys.all })]),
  });
}

export function useResolveConflict() {
  const qc = useQueryClient();
  return useMutation<string, ApiError, ResolveConflictRequest>({
    mutationFn: resolveConflict,
    onSettled: (_data, _error, req) =>
      Promise.all([invalidateModels(qc, [req.modelId]), qc.invalidateQueries({ queryKey: remoteKeys.all })]),
  });
}

/** A model's MLflow side; only asked while a server is set (`enabled`). */
export const useRemoteLink = (modelId: string, enabled: boolean) =>
  useQuery({ queryKey: remoteKeys.link(modelId), queryFn: () => getRemoteLink(modelId), enabled });

export function useOpenInMlflow(modelId: string) {
  return useMutation<string, ApiError, void>({ mutationFn: () => openInMlflow(modelId) });
}
