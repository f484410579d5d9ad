//! Progress and cancellation for long work (exports, imports, hashing an artifact), without knowing who
//! listens: the shell forwards reports to the page, the CLI and tests pass `Task::none()` or a closure.
//!
//! Cancelling never leaves anything half-done: the work checks the token between rows (or chunks) and returns
//! `DomainError::Cancelled`, and each operation is already all-or-nothing on an error (an export's temporary
//! file is discarded, an import's transaction rolls back, a registration writes nothing until the hash is known).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use crate::error::{DomainError, Result};

/// What a long task is doing, for the page's label ("N of M rows", "x MB of y MB").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TaskPhase {
    /// Writing rows of a CSV export; `done`/`total` are rows.
    Exporting,
    /// Applying a legacy import; `done`/`total` are items (models and A/B tests).
    Importing,
    /// Reading an artifact to hash it; `done`/`total` are bytes.
    Hashing,
    /// Decompressing a backup into a temporary file before a restore; `done`/`total` are bytes of the
    /// compressed file.
    Unpacking,
    /// Checking the backup before a restore (SQLite's integrity check, which says nothing of its progress):
    /// `0 of 1` until it is done.
    Checking,
    /// Compressing a backup (`write_backup_with`); `done`/`total` are bytes of the uncompressed copy. A
    /// restore's safety backup reports nothing: it runs on a thread of its own beside the restore's phases.
    BackingUp,
    /// Copying the backup's pages into the registry; `done`/`total` are bytes.
    Restoring,
    /// A sync reading the team server's registered models; `done` counts them, `total` is 0 (MLflow does not
    /// say how many there are).
    ReadingModels,
    /// A sync reading the server's model versions; `done` counts them, `total` is 0 (unknown).
    ReadingVersions,
    /// A sync reading the runs of the versions new here, for their metrics; `done`/`total` are runs.
    FetchingMetrics,
    /// A sync taking in what it read, in one transaction: `0 of 1` until it is done.
    TakingIn,
    /// A sync sending the waiting local changes; `done`/`total` are changes.
    Pushing,
}

/// One progress report. Within a phase `done` never decreases, and the last report of a finished phase has
/// `done == total`; a task of several phases (a restore) starts each one from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TaskProgress {
    pub phase: TaskPhase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Asks a running task to stop. Clones share one flag, so the shell keeps a clone to cancel from another
/// thread while the task's thread checks it.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How often a task reports at most: often enough for a smooth bar, rarely enough that a 100 000-row export
/// does not flood the IPC channel.
pub const REPORT_INTERVAL: Duration = Duration::from_millis(50);

/// Where a task sends its progress and learns that it was cancelled.
pub struct Task<'a> {
    sink: &'a dyn Fn(TaskProgress),
    cancel: CancelToken,
    interval: Duration,
}

fn ignore(_: TaskProgress) {}

impl<'a> Task<'a> {
    pub fn new(sink: &'a dyn Fn(TaskProgress), cancel: CancelToken) -> Task<'a> {
        Task {
            sink,
            cancel,
            interval: REPORT_INTERVAL,
        }
    }

    /// No listener and no way to cancel: what the plain (CLI) entry points run with.
    pub fn none() -> Task<'static> {
        Task {
            sink: &ignore,
            cancel: CancelToken::new(),
            interval: REPORT_INTERVAL,
        }
    }

    /// Reports at every step instead of every `REPORT_INTERVAL` (tests that cancel at a known point).
    pub fn every_step(mut self) -> Task<'a> {
        self.interval = Duration::ZERO;
        self
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// `Err(Cancelled)` once the token was cancelled; call it where stopping leaves nothing behind.
    pub fn check(&self, phase: TaskPhase) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(DomainError::Cancelled(cancelled_message(phase)))
        } else {
            Ok(())
        }
    }

    /// Starts counting `total` units of `phase` and reports `0 of total` at once, so the page can show the
    /// size of the work before the first step is done.
    pub fn start(&self, phase: TaskPhase, total: u64) -> Meter<'_, 'a> {
        (self.sink)(TaskProgress {
            phase,
            done: 0,
            total,
        });
        Meter {
            task: self,
            phase,
            total,
            done: Cell::new(0),
            last: Cell::new(Instant::now()),
        }
    }
}

/// Counts one phase's progress, reporting throttled.
pub struct Meter<'t, 'a> {
    task: &'t Task<'a>,
    phase: TaskPhase,
    total: u64,
    done: Cell<u64>,
    last: Cell<Instant>,
}

impl Meter<'_, '_> {
    /// Records that `n` more units are done; reports when the interval has passed; `Err(Cancelled)` when the
    /// task was cancelled. `done` is capped at `total` so the bar never overshoots (a file that grew while
    /// it was read, rows added after they were counted).
    pub fn advance(&self, n: u64) -> Result<()> {
        self.task.check(self.phase)?;
        let done = (self.done.get() + n).min(self.total);
        self.done.set(done);
        let now = Instant::now();
        if now.duration_since(self.last.get()) >= self.task.interval {
            self.last.set(now);
            self.report(done);
        }
        Ok(())
    }

    /// The final report of work that is already kept, without checking for a cancel: it would come too late
    /// to undo anything (a restore whose last step committed).
    pub fn done(&self) {
        self.done.set(self.total);
        self.report(self.total);
    }

    /// The final report, `total of total`, after a last check for cancellation: past this point the work
    /// is kept.
    pub fn finish(&self) -> Result<()> {
        self.task.check(self.phase)?;
        self.done.set(self.total);
        self.report(self.total);
        Ok(())
    }

    fn report(&self, done: u64) {
        (self.task.sink)(TaskProgress {
            phase: self.phase,
            done,
            total: self.total,
        });
    }
}

fn cancelled_message(phase: TaskPhase) -> String {
    match phase {
        TaskPhase::Exporting => "Export cancelled; nothing was written.",
        TaskPhase::Importing => "Import cancelled; the registry is as it was.",
        TaskPhase::Hashing => "Cancelled while hashing the artifact; nothing was registered.",
        // A backup is only ever cancelled as a restore's safety backup, when the restore is.
        TaskPhase::Unpacking
        | TaskPhase::Checking
        | TaskPhase::BackingUp
        | TaskPhase::Restoring => "Restore cancelled; the registry is as it was.",
        TaskPhase::ReadingModels
        | TaskPhase::ReadingVersions
        | TaskPhase::FetchingMetrics
        | TaskPhase::TakingIn
        | TaskPhase::Pushing => {
            "Sync cancelled; what was already sent stays sent and the rest waits."
        }
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn reports_are_throttled_but_start_and_finish_always_reach_the_sink() {
        let seen = Mutex::new(Vec::new());
        let sink = |p: TaskProgress| seen.lock().unwrap().push(p.done);
        let task = Task::new(&sink, CancelToken::new());
        let m = task.start(TaskPhase::Exporting, 1000);
        for _ in 0..1000 {
            m.advance(1).unwrap();
        }
        m.finish().unwrap();
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.first(), Some(&0));
        assert_eq!(seen.last(), Some(&1000));
        assert!(seen.len() < 100, "{} reports for a fast loop", seen.len());
    }

    #[test]
    fn a_cancelled_token_stops_the_next_step() {
        let cancel = CancelToken::new();
        let task = Task::new(&|_| {}, cancel.clone()).every_step();
        let m = task.start(TaskPhase::Hashing, 10);
        m.advance(1).unwrap();
        cancel.cancel();
        let e = m.advance(1).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Cancelled);
        assert!(m.finish().is_err());
    }
}
