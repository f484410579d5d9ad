// Long tasks (exports, the legacy import, hashing an artifact): Rust reports progress through a Channel made for
// that one call, and stops when `cancel_task` names the task's id. The id is chosen here, before the call, so the
// page can cancel even before the command has started.
import { Channel } from "@tauri-apps/api/core";
import type { TaskProgress } from "../bindings/TaskProgress";
import { call } from "./client";

export interface TaskOptions {
  /** From newTaskId(); what cancelTask() is given to stop this call. */
  taskId?: string;
  /** Called with every report, throttled by Rust (at most every ~50 ms, plus the first and the last). */
  onProgress?: (progress: TaskProgress) => void;
}

export const newTaskId = (): string => crypto.randomUUID();

/** Asks the task to stop. Its own call then rejects with CANCELLED, having written and changed nothing. */
export const cancelTask = (taskId: string) => call<null>("cancel_task", { taskId });

/** The two arguments every long-task command takes besides its request. */
export function taskArgs(task: TaskOptions = {}): { taskId: string; onProgress: Channel<TaskProgress> } {
  const onProgress = new Channel<TaskProgress>();
  const listener = task.onProgress;
  if (listener) onProgress.onmessage = listener;
  return { taskId: task.taskId ?? newTaskId(), onProgress };
}
