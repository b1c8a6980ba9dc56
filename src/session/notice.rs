//! Notices: the one way the app tells the user what happened. Each has a severity; the status
//! bar shows the latest until it expires or is dismissed, and a log keeps recent ones.
//!
//! Invariants: a notice is shown once (a newer one replaces it in the status bar; it stays in
//! the log); information expires by itself, errors stay until dismissed or replaced. Time is
//! the caller's clock in seconds (egui's input time in the app), so tests control it.

use std::collections::VecDeque;

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something worked ("Saved …").
    Info,
    /// Worked, with a caveat the user should know ("3 annotations orphaned").
    Warning,
    /// Something failed; nothing was lost, but the user must act.
    Error,
}

/// One message to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// How serious.
    pub severity: Severity,
    /// One line ("Could not save").
    pub title: String,
    /// The full explanation, when there is more to say than the title (shown in a window for
    /// errors, in a tooltip otherwise).
    pub detail: Option<String>,
    /// When it was posted, in the caller's seconds.
    pub at: f64,
}

impl Notice {
    /// Title and detail on one line.
    pub fn text(&self) -> String {
        match &self.detail {
            Some(d) => format!("{}: {d}", self.title),
            None => self.title.clone(),
        }
    }
}

/// How long information stays in the status bar, in seconds.
pub const INFO_SECONDS: f64 = 6.0;
/// How long a warning stays in the status bar, in seconds.
pub const WARNING_SECONDS: f64 = 15.0;
/// How many notices the log keeps.
pub const LOG_LENGTH: usize = 100;

/// The notices of a session: the current one and a log of recent ones.
#[derive(Debug, Default)]
pub struct Notices {
    log: VecDeque<Notice>,
    /// Whether the latest notice is still shown in the status bar.
    showing: bool,
}

impl Notices {
    /// Posts a notice; it replaces the one in the status bar.
    pub fn push(&mut self, notice: Notice) {
        self.log.push_back(notice);
        if self.log.len() > LOG_LENGTH {
            self.log.pop_front();
        }
        self.showing = true;
    }

    /// Posts a notice made of its parts.
    pub fn post(&mut self, severity: Severity, title: impl Into<String>, at: f64) {
        self.push(Notice {
            severity,
            title: title.into(),
            detail: None,
            at,
        });
    }

    /// The notice the status bar shows at time `now`, if any.
    pub fn current(&self, now: f64) -> Option<&Notice> {
        let latest = self.log.back().filter(|_| self.showing)?;
        let shown_for = match latest.severity {
            Severity::Info => INFO_SECONDS,
            Severity::Warning => WARNING_SECONDS,
            Severity::Error => f64::INFINITY,
        };
        (now - latest.at < shown_for).then_some(latest)
    }

    /// Hides the current notice (it stays in the log).
    pub fn dismiss(&mut self) {
        self.showing = false;
    }

    /// Recent notices, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &Notice> {
        self.log.iter()
    }

    /// The latest notice, shown or not.
    pub fn latest(&self) -> Option<&Notice> {
        self.log.back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn information_expires_errors_stay_and_newer_notices_replace_older_ones() {
        let mut n = Notices::default();
        n.post(Severity::Info, "Saved", 0.0);
        assert_eq!(n.current(1.0).unwrap().title, "Saved");
        assert!(
            n.current(INFO_SECONDS + 0.1).is_none(),
            "information expires"
        );
        n.post(Severity::Error, "Could not save", 10.0);
        assert!(n.current(10_000.0).is_some(), "an error stays");
        n.post(Severity::Info, "Tagged passage as regulation", 20.0);
        assert_eq!(
            n.current(20.5).unwrap().title,
            "Tagged passage as regulation"
        );
        n.dismiss();
        assert!(n.current(20.5).is_none());
        assert_eq!(n.log().count(), 3, "the log keeps them all");
        for i in 0..LOG_LENGTH {
            n.post(Severity::Info, format!("{i}"), 30.0);
        }
        assert_eq!(n.log().count(), LOG_LENGTH);
    }
}
