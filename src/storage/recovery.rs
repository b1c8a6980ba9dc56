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

// ----- the journal of a project folder ----------------------------------------------------

/// The `format` of a folder's autosave journal.
pub const JOURNAL_FORMAT: &str = "stancemark-journal";
/// Its version.
pub const JOURNAL_VERSION: u32 = 1;

/// A project folder's autosave: the files that differ from the folder as last saved (their
/// content, or `null` for a file the save would remove) — for one changed annotation, one
/// layer file's lines, not the million others. Replayed over the folder on recovery; Save
/// removes it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Journal {
    format: String,
    format_version: u32,
    files: std::collections::BTreeMap<String, Option<String>>,
}

/// Writes the journal of `project` against the folder as last saved (`saved`) to `path`
/// (atomically, one file). Returns how many files it holds.
pub fn write_journal(
    path: &Path,
    project: &Project,
    saved: &storage::folder::FolderState,
) -> Result<usize, SaveError> {
    use storage::disk::content_hash;
    let files = storage::folder::folder_files_since(project, saved.made.as_deref());
    let mut journal = Journal {
        format: JOURNAL_FORMAT.to_owned(),
        format_version: JOURNAL_VERSION,
        files: Default::default(),
    };
    for (rel, bytes) in &files {
        let Some(bytes) = bytes else { continue };
        if saved.files.get(rel) == Some(&content_hash(bytes)) {
            continue;
        }
        // Every file of a folder is UTF-8 text (texts are normalised when read).
        journal.files.insert(
            rel.clone(),
            Some(String::from_utf8_lossy(bytes).into_owned()),
        );
    }
    for rel in saved.files.keys() {
        if !files.contains_key(rel) && !saved.unreadable.contains(rel) {
            journal.files.insert(rel.clone(), None);
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| SaveError::io(dir, e))?;
    }
    let text = serde_json::to_string(&journal)
        .map_err(|e| SaveError::io(path, std::io::Error::other(format!("journal: {e}"))))?;
    storage::write_atomically(path, text.as_bytes(), storage::Backup::None)
        .map_err(|e| SaveError::io(path, e))?;
    Ok(journal.files.len())
}

/// Whether the recovery file at `path` is a folder's journal (by its first bytes).
pub fn is_journal(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .is_ok_and(|n| String::from_utf8_lossy(&head[..n]).contains(JOURNAL_FORMAT))
}

/// The project folder `folder` as it is on disk with the journal at `path` replayed over it:
/// each file of the journal read in place of the folder's (a `null` one as gone).
pub fn read_journal(path: &Path, folder: &Path) -> Result<Project, storage::LoadError> {
    let bytes = storage::read_file(path, storage::MAX_PROJECT_BYTES, "an autosave journal")?;
    let text = storage::decode_utf8(path, bytes)?;
    let journal: Journal = serde_json::from_str(&text).map_err(|e| {
        storage::LoadError::Read(storage::ReadError::io(
            path,
            std::io::Error::other(format!("not a readable autosave journal: {e}")),
        ))
    })?;
    if journal.format != JOURNAL_FORMAT || journal.format_version > JOURNAL_VERSION {
        return Err(storage::LoadError::Read(storage::ReadError::io(
            path,
            std::io::Error::other(format!(
                "an autosave journal of version {} (this stancemark reads {JOURNAL_VERSION})",
                journal.format_version
            )),
        )));
    }
    let on_disk = storage::folder::read_folder(folder)?;
    // The journal's files, laid out as the folder's in a scratch folder, are read as files
    // changed on disk would be.
    let scratch = path.with_extension("replay");
    let _ = std::fs::remove_dir_all(&scratch);
    let io = |e: std::io::Error| storage::LoadError::Read(storage::ReadError::io(&scratch, e));
    for (rel, content) in &journal.files {
        if rel.contains("..") || Path::new(rel).is_absolute() {
            continue;
        }
        if let Some(content) = content {
            let full = scratch.join(rel);
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            std::fs::write(&full, content).map_err(io)?;
        }
    }
    std::fs::create_dir_all(&scratch).map_err(io)?;
    let changed: Vec<String> = journal.files.keys().cloned().collect();
    let replayed = storage::folder::reread(&scratch, &changed, &on_disk.project, &on_disk.state);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(replayed?.project)
}
