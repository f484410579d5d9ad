import { useCallback, useRef, useState } from "react";
import { cancelTask, newTaskId, type TaskOptions } from "../api";
import type { TaskProgress } from "../bindings/TaskProgress";

/**
 * The progress of one long task at a time, and its cancel. `begin()` gives the options for the call (a fresh id
 * and a progress listener); `progress` is null until Rust's first report, so a call that ends quickly shows nothing.
 */
export function useTask() {
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const current = useRef<string | null>(null);

  const begin = useCallback((): TaskOptions => {
    const taskId = newTaskId();
    current.current = taskId;
    setProgress(null);
    setCancelling(false);
    return {
      taskId,
      // Reports of an earlier task (one that was cancelled, still winding down) must not reach this one's bar.
      onProgress: (p) => {
        if (current.current === taskId) setProgress(p);
      },
    };
  }, []);

  const end = useCallback(() => {
    current.current = null;
    setProgress(null);
    setCancelling(false);
  }, []);

  const cancel = useCallback(() => {
    const taskId = current.current;
    if (taskId === null) return;
    setCancelling(true);
    // The task's own call settles with CANCELLED; a failure to deliver the cancel leaves it running to the end.
    cancelTask(taskId).catch(() => setCancelling(false));
  }, []);

  return { progress, cancelling, begin, end, cancel };
}
