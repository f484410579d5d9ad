//! Long tasks: commands that report progress through a channel the page passes in, and `cancel_task`.
//!
//! Progress goes through a per-call `Channel` rather than global events: the reports reach only the call
//! that asked, in order, and end with it (docs/adr/0014-progress-and-cancel.md).

use modelops_core::task::{Task, TaskProgress};
use modelops_core::Registry;
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Cancels the task the page started with `task_id` (or, if its command has not started yet, makes it start
/// cancelled). The task's own command then fails with `CANCELLED`, having changed nothing.
#[tauri::command]
pub fn cancel_task(state: State<'_, AppState>, task_id: String) {
    state.tasks().cancel(&task_id);
}

/// Runs `f` on a blocking thread as the task `task_id`, sending its progress to `on_progress`.
pub(super) async fn with_progress<T, F>(
    state: &AppState,
    task_id: String,
    on_progress: Channel<TaskProgress>,
    f: F,
) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce(&Registry, &Task<'_>) -> modelops_core::Result<T> + Send + 'static,
{
    let guard = state.tasks().begin(task_id)?;
    blocking(state, move |r| {
        // A page that went away (reloaded, closed) cannot receive progress; the work goes on regardless.
        let sink = |p: TaskProgress| {
            let _ = on_progress.send(p);
        };
        let task = Task::new(&sink, guard.token());
        let out = f(r, &task);
        drop(guard);
        out
    })
    .await
}
