//! Lock files: `NAME.stance.json.lock` beside a project says who has it open (user, machine,
//! process, since when), so a second stancemark opening it can warn.
//!
//! A lock is advice, not enforcement: the file on disk stays the truth and saves check it (see
//! [`super::disk`]). A lock whose process no longer runs on this machine is stale and is taken
//! over; one from another machine cannot be checked and is reported for the user to decide.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who holds a project open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Login name.
    pub user: String,
    /// Host name of the machine.
    pub host: String,
    /// Process id on that machine.
    pub pid: u32,
    /// When the project was opened.
    pub since: DateTime<Utc>,
}

impl LockInfo {
    /// This process, now.
    pub fn current() -> Self {
        Self {
            user: crate::storage::prefs::os_user_name(),
            host: host_name(),
            pid: std::process::id(),
            since: Utc::now(),
        }
    }

    /// True when the lock was written by this very process.
    pub fn is_ours(&self) -> bool {
        self.host == host_name() && self.pid == std::process::id()
    }

    /// One line for a dialog: "ana on laptop (process 4242) since 2026-01-01 10:00 UTC".
    pub fn describe(&self) -> String {
        format!(
            "{} on {} (process {}) since {}",
            self.user,
            self.host,
            self.pid,
            self.since.format("%Y-%m-%d %H:%M UTC")
        )
    }
}

/// What is known about another holder of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// Nobody else (no lock, a stale one, or our own).
    Free,
    /// A running stancemark on this machine.
    ThisMachine(LockInfo),
    /// A stancemark on another machine (a shared or synced folder); it may or may not run.
    OtherMachine(LockInfo),
}

/// The lock file of a project file.
pub fn lock_path_for(project: &Path) -> PathBuf {
    let mut name = project.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The machine's host name (`/proc/sys/kernel/hostname`, else `HOSTNAME`, else "this machine").
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "this machine".to_owned())
}

/// Whether process `pid` runs on this machine (a process that has exited but not yet been
/// reaped, a zombie, does not). Where that cannot be told (no `/proc`), it is assumed to run,
/// so a lock is never wrongly called stale.
fn process_runs(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `PID (NAME) STATE …`: the name may hold spaces and parentheses, the state follows the
    // last `)`.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X' | 'x'))
}

/// Who else holds `project` open, from its lock file.
pub fn holder(project: &Path) -> Holder {
    let Ok(text) = std::fs::read_to_string(lock_path_for(project)) else {
        return Holder::Free;
    };
    // An unreadable lock (cut off by a crash) protects nothing: treat it as stale.
    let Ok(info) = serde_json::from_str::<LockInfo>(&text) else {
        return Holder::Free;
    };
    if info.is_ours() {
        Holder::Free
    } else if info.host != host_name() {
        Holder::OtherMachine(info)
    } else if process_runs(info.pid) {
        Holder::ThisMachine(info)
    } else {
        Holder::Free
    }
}

/// A lock this process holds; removed when dropped (if it is still ours).
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
}

impl ProjectLock {
    /// Writes our lock for `project`, replacing any other (callers ask the user first).
    pub fn acquire(project: &Path) -> std::io::Result<Self> {
        let path = lock_path_for(project);
        let text =
            serde_json::to_string_pretty(&LockInfo::current()).map_err(std::io::Error::other)?;
        super::atomic::write_atomically(&path, text.as_bytes(), super::atomic::Backup::None)?;
        Ok(Self { path })
    }

    /// The project file this lock is for.
    pub fn lock_file(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Only remove the lock if it is still ours (another process may have taken it over).
        let ours = std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| serde_json::from_str::<LockInfo>(&t).ok())
            .is_some_and(|info| info.is_ours());
        if ours {
            // A lock left behind is recognised as stale by the next opener.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_lock(project: &Path, info: &LockInfo) {
        std::fs::write(lock_path_for(project), serde_json::to_string(info).unwrap()).unwrap();
    }

    #[test]
    fn our_own_lock_is_free_and_removed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.stance.json");
        assert_eq!(holder(&project), Holder::Free);
        let lock = ProjectLock::acquire(&project).unwrap();
        assert!(lock_path_for(&project).exists());
        assert_eq!(holder(&project), Holder::Free);
        drop(lock);
        assert!(!lock_path_for(&project).exists());
    }

    #[test]
    fn a_live_process_here_holds_it_a_dead_one_does_not_and_another_machine_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.stance.json");
        // A process that surely runs: our parent.
        let mut other = LockInfo::current();
        other.pid = 1;
        write_lock(&project, &other);
        assert!(matches!(holder(&project), Holder::ThisMachine(i) if i.pid == 1));
        // A process id that cannot exist.
        other.pid = u32::MAX - 7;
        write_lock(&project, &other);
        assert_eq!(holder(&project), Holder::Free);
        other.host = "somewhere-else".into();
        write_lock(&project, &other);
        assert!(
            matches!(holder(&project), Holder::OtherMachine(i) if i.describe().contains("somewhere-else"))
        );
        // Taking over replaces it; dropping ours removes it.
        drop(ProjectLock::acquire(&project).unwrap());
        assert_eq!(holder(&project), Holder::Free);
        // A process that has exited but was not reaped yet (a zombie) no longer holds it.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        other.host = host_name();
        other.pid = child.id();
        write_lock(&project, &other);
        assert_eq!(holder(&project), Holder::Free);
        child.wait().unwrap();
        // A garbled lock protects nothing.
        std::fs::write(lock_path_for(&project), "{not json").unwrap();
        assert_eq!(holder(&project), Holder::Free);
    }
}
