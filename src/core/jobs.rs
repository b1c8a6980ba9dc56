//! Background jobs: work that can take longer than a frame (open, save, export, autosave,
//! import) runs on a worker thread, reports its progress and can be cancelled.
//!
//! A [`Job`] is one unit of work with a label, a [`Progress`] shared with the worker and a
//! channel for its result. Small work runs inline ([`Job::run_inline`]) so the caller handles
//! both the same way. Invariants:
//! - a job's result is delivered at most once (by [`Job::poll`] or [`Job::wait`]);
//! - cancelling only sets a flag: the worker stops at its next check and its result, if any,
//!   is dropped unread, so a cancelled open never replaces the current project.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// Progress of a job, shared between the worker (which advances it) and the UI (which reads
/// it). Units are whatever the job counts (bytes, files, annotations); only the ratio is shown.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Sets how many units the job has in all.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Records that `done` units are finished.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Finished fraction in `0.0..=1.0`, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| (self.done.load(Ordering::Relaxed) as f32 / total as f32).min(1.0))
    }

    /// True once the job was asked to stop; the worker checks it between steps.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// What a job is doing, for the progress window and the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Reading a project file.
    Open,
    /// Writing the project file.
    Save,
    /// Writing an export.
    Export,
    /// Writing the recovery file.
    Autosave,
    /// Reading article files.
    Import,
    /// Reading the project file again and merging this window's changes into it.
    Reload,
    /// Reading the files of the open project folder that someone else changed (a `git pull`,
    /// a synced folder) and merging this window's changes into them.
    Sync,
    /// Searching the project's text and notes.
    Search,
    /// Computing the project's figures.
    Statistics,
    /// Reading the rest of a large project folder's annotations, after its first article was
    /// shown.
    Load,
}

impl JobKind {
    /// A verb for the status bar ("Saving", "Opening"…).
    pub fn verb(self) -> &'static str {
        match self {
            JobKind::Open => "Opening",
            JobKind::Save => "Saving",
            JobKind::Export => "Exporting to",
            JobKind::Autosave => "Autosaving",
            JobKind::Import => "Importing",
            JobKind::Reload => "Reloading",
            JobKind::Sync => "Reading changes to",
            JobKind::Search => "Searching",
            JobKind::Statistics => "Counting",
            JobKind::Load => "Loading annotations of",
        }
    }

    /// True for jobs during which the project must not change under the user (opening another
    /// project or reloading this one): the window shows a progress window with Cancel instead
    /// of taking input.
    pub fn is_blocking(self) -> bool {
        matches!(self, JobKind::Open | JobKind::Reload | JobKind::Import)
    }
}

/// A unit of work running on a worker thread (or already finished inline).
#[derive(Debug)]
pub struct Job<T> {
    kind: JobKind,
    /// What it works on, e.g. a file name.
    subject: String,
    started: Instant,
    progress: Arc<Progress>,
    state: JobState<T>,
}

#[derive(Debug)]
enum JobState<T> {
    Running(Receiver<T>),
    Done(Option<T>),
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread.
    pub fn spawn(
        kind: JobKind,
        subject: impl Into<String>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        let progress = Arc::new(Progress::default());
        let (tx, rx) = channel();
        let shared = progress.clone();
        std::thread::spawn(move || {
            let result = work(&shared);
            // The receiver is gone only when the job was dropped (cancelled): nobody wants it.
            if !shared.is_cancelled() {
                let _ = tx.send(result);
            }
        });
        Self {
            kind,
            subject: subject.into(),
            started: Instant::now(),
            progress,
            state: JobState::Running(rx),
        }
    }

    /// Runs `work` now, on this thread, and wraps its result as a finished job.
    pub fn run_inline(
        kind: JobKind,
        subject: impl Into<String>,
        work: impl FnOnce(&Progress) -> T,
    ) -> Self {
        let progress = Arc::new(Progress::default());
        let result = work(&progress);
        Self {
            kind,
            subject: subject.into(),
            started: Instant::now(),
            progress,
            state: JobState::Done(Some(result)),
        }
    }

    /// Inline when `inline` is true, else on a worker thread.
    pub fn start(
        inline: bool,
        kind: JobKind,
        subject: impl Into<String>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        if inline {
            Self::run_inline(kind, subject, work)
        } else {
            Self::spawn(kind, subject, work)
        }
    }
}

/// How a job ended, as seen by [`Job::poll`].
#[derive(Debug, PartialEq, Eq)]
pub enum Polled<T> {
    /// Still running.
    Running,
    /// Finished with this result.
    Finished(T),
    /// The worker stopped without a result (it panicked or was cancelled).
    Lost,
}

impl<T> Job<T> {
    /// What the job does.
    pub fn kind(&self) -> JobKind {
        self.kind
    }

    /// What it works on (a file name).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Time since it started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Its progress, as the worker reports it.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Asks the worker to stop; its result will be dropped.
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// The result once the job is done (once; afterwards [`Polled::Lost`]).
    pub fn poll(&mut self) -> Polled<T> {
        match &mut self.state {
            JobState::Done(result) => result.take().map_or(Polled::Lost, Polled::Finished),
            JobState::Running(rx) => match rx.try_recv() {
                Ok(result) => {
                    self.state = JobState::Done(None);
                    Polled::Finished(result)
                }
                Err(TryRecvError::Empty) => Polled::Running,
                Err(TryRecvError::Disconnected) => {
                    self.state = JobState::Done(None);
                    Polled::Lost
                }
            },
        }
    }

    /// Blocks until the job is done; `None` when it stopped without a result.
    pub fn wait(mut self) -> Option<T> {
        match &mut self.state {
            JobState::Done(result) => result.take(),
            JobState::Running(rx) => rx.recv().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_spawned_jobs_deliver_their_result_once() {
        let mut inline = Job::run_inline(JobKind::Save, "a", |_| 7);
        assert_eq!(inline.poll(), Polled::Finished(7));
        assert_eq!(inline.poll(), Polled::Lost);
        let mut spawned = Job::spawn(JobKind::Export, "b", |p| {
            p.set_total(4);
            p.set_done(4);
            "done"
        });
        let result = loop {
            match spawned.poll() {
                Polled::Running => std::thread::sleep(Duration::from_millis(1)),
                other => break other,
            }
        };
        assert_eq!(result, Polled::Finished("done"));
        assert_eq!(spawned.progress().fraction(), Some(1.0));
        assert_eq!(spawned.kind().verb(), "Exporting to");
    }

    #[test]
    fn a_cancelled_job_stops_at_its_next_check_and_delivers_nothing() {
        let (go_tx, go_rx) = channel::<()>();
        let job = Job::spawn(JobKind::Open, "slow", move |p| {
            go_rx.recv().ok();
            if p.is_cancelled() {
                return None;
            }
            Some(1)
        });
        job.cancel();
        go_tx.send(()).unwrap();
        assert_eq!(job.wait(), None);
    }

    #[test]
    fn a_panicking_worker_is_reported_as_lost() {
        let mut job: Job<u8> = Job::spawn(JobKind::Import, "bad", |_| panic!("boom"));
        let result = loop {
            match job.poll() {
                Polled::Running => std::thread::sleep(Duration::from_millis(1)),
                other => break other,
            }
        };
        assert_eq!(result, Polled::Lost);
    }
}
