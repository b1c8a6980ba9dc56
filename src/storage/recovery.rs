//! Crash recovery: autosave files written beside the project while it has unsaved changes.
//!
//! The recovery file for `NAME.stance.json` is `NAME.stance.json.autosave` in the same folder;
//! an unsaved project uses `unsaved.stance.json.autosave` in the user's data folder. It is an ordinary
//! project file (same format, written atomically), never the project file itself, and is removed
//! once the project is saved. A recovery file newer than its project means the app stopped with
//! unsaved work: the app offers to restore it.

use std::path::{Path, PathBuf};

use crate::core::model::Project;
use crate::storage::{self, SaveError};

/// Extension appended to the project file name.
pub const AUTOSAVE_SUFFIX: &str = ".autosave";

/// Recovery file of a saved project, or of an unsaved one in `unsaved_dir`.
pub fn recovery_path(project: Option<&Path>, unsaved_dir: Option<&Path>) -> Option<PathBuf> {
    match project {
        Some(p) => {
            let mut s = p.as_os_str().to_owned();
            s.push(AUTOSAVE_SUFFIX);
            Some(PathBuf::from(s))
        }
        None => unsaved_dir.map(|d| {
            d.join(format!(
                "unsaved.{}{AUTOSAVE_SUFFIX}",
                storage::PROJECT_EXTENSION
            ))
        }),
    }
}

/// The user's data folder for recovery files of unsaved projects
/// (`$STANCEMARK_CONFIG_DIR` when set, as for preferences).
pub fn default_unsaved_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STANCEMARK_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "stancemark", "stancemark")
        .map(|d| d.data_dir().to_owned())
}

/// Writes the recovery file (creating its folder for unsaved projects). It is a project file
/// of the current format, written atomically, without a backup of the previous autosave.
pub fn write_recovery(path: &Path, project: &Project) -> Result<(), SaveError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| SaveError::io(dir, e))?;
    }
    storage::write_project_file_to(project, path, storage::Backup::None).map(|_| ())
}

/// The recovery file of `project` if it exists and is newer than the project file (or the
/// project file is gone).
pub fn pending_recovery(project: Option<&Path>, unsaved_dir: Option<&Path>) -> Option<PathBuf> {
    let recovery = recovery_path(project, unsaved_dir)?;
    let rec_time = std::fs::metadata(&recovery).ok()?.modified().ok()?;
    match project.map(std::fs::metadata) {
        Some(Ok(meta)) => {
            let saved = meta.modified().ok()?;
            (rec_time >= saved).then_some(recovery)
        }
        _ => Some(recovery),
    }
}

/// Removes a file; one that is already gone is fine.
fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes the recovery file (once its work is saved), and the `.bak` older versions left.
pub fn remove_recovery(path: &Path) -> std::io::Result<()> {
    remove_if_present(path)?;
    remove_if_present(&storage::atomic::backup_path_for(path))
}

/// Moves a recovery file aside (`….discarded`) when the analyst chooses the saved version, so
/// that choice can still be undone by hand.
pub fn discard_recovery(path: &Path) -> std::io::Result<()> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(".discarded");
    match std::fs::rename(path, PathBuf::from(aside)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    remove_recovery(path)
}

/// How a recovered project differs from the saved one, for the "Show both" view.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RecoveryDiff {
    /// Quotes of annotations only in the recovered version.
    pub added: Vec<String>,
    /// Quotes of annotations only in the saved version.
    pub removed: Vec<String>,
    /// Quotes of annotations whose stance, note or range differ.
    pub changed: Vec<String>,
    /// Titles of articles only in the recovered version.
    pub articles_added: Vec<String>,
    /// Titles of articles only in the saved version.
    pub articles_removed: Vec<String>,
}

impl RecoveryDiff {
    /// Compares the saved and recovered projects.
    pub fn between(saved: &Project, recovered: &Project) -> Self {
        let snip = |q: &str| crate::core::text::snippet(q, 80);
        let mut diff = RecoveryDiff::default();
        for a in &recovered.annotations {
            match saved.annotation(a.id) {
                None => diff.added.push(snip(&a.quote)),
                Some(s) if s != &**a => diff.changed.push(snip(&a.quote)),
                Some(_) => {}
            }
        }
        for s in &saved.annotations {
            if recovered.annotation(s.id).is_none() {
                diff.removed.push(snip(&s.quote));
            }
        }
        for a in &recovered.articles {
            if saved.article(a.id).is_none() {
                diff.articles_added.push(a.title.clone());
            }
        }
        for a in &saved.articles {
            if recovered.article(a.id).is_none() {
                diff.articles_removed.push(a.title.clone());
            }
        }
        diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_is_pending_only_when_newer_than_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.stance.json");
        storage::save_project(&Project::new("p"), &project).unwrap();
        assert_eq!(pending_recovery(Some(&project), None), None);
        let rec = recovery_path(Some(&project), None).unwrap();
        assert!(rec.to_string_lossy().ends_with("p.stance.json.autosave"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_recovery(&rec, &Project::new("changed")).unwrap();
        assert_eq!(pending_recovery(Some(&project), None), Some(rec.clone()));
        assert_eq!(storage::load_project(&rec).unwrap().name, "changed");
        discard_recovery(&rec).unwrap();
        assert_eq!(pending_recovery(Some(&project), None), None);
        assert!(dir.path().join("p.stance.json.autosave.discarded").exists());
    }

    #[test]
    fn unsaved_projects_recover_from_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(pending_recovery(None, Some(dir.path())), None);
        let rec = recovery_path(None, Some(dir.path())).unwrap();
        write_recovery(&rec, &Project::new("u")).unwrap();
        assert_eq!(pending_recovery(None, Some(dir.path())), Some(rec));
    }
}
