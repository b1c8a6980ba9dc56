//! The files the window and the command line touch outside the open project — what a path is,
//! preferences, a chart image, an autosave to compare — so that they reach the file system
//! only through the session layer (they never call storage, import or the exchange formats).

use std::path::{Path, PathBuf};

use crate::core::model::Project;
use crate::formats::exchange::{self, AnnotationFile};
use crate::storage::prefs::Preferences;
use crate::storage::recovery::RecoveryDiff;
use crate::storage::{self, SaveError};

/// What a path the analyst chose or dropped is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A project: a `.stance.json` (or older `.stance.ron`) file, or a project folder.
    Project,
    /// An annotation file (export, CSV, W3C, REFI-QDA, scheme).
    Annotations(AnnotationFile),
    /// Anything else: an article to import.
    Article,
}

/// Whether `path` is a Manifesto Corpus CSV (by its first lines).
pub fn is_manifesto(path: &Path) -> bool {
    exchange::kind_of(path) == Some(exchange::AnnotationFile::Manifesto)
}

/// What `path` is, by its name and (for annotation files) its first bytes.
pub fn kind_of(path: &Path) -> PathKind {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_lowercase();
    let project_file = name.ends_with(&format!(".{}", storage::PROJECT_EXTENSION))
        || name.ends_with(&format!(".{}", storage::LEGACY_PROJECT_EXTENSION));
    if project_file || storage::is_folder(path) {
        return PathKind::Project;
    }
    // `project.json` of a project folder stands for its folder.
    if name == storage::folder::PROJECT_FILE && path.parent().is_some_and(storage::is_folder) {
        return PathKind::Project;
    }
    match exchange::kind_of(path) {
        Some(kind) => PathKind::Annotations(kind),
        None => PathKind::Article,
    }
}

/// The project a chosen path opens: the folder for a folder's `project.json`, else the path.
pub fn project_path(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent)
            if path
                .file_name()
                .is_some_and(|n| n == storage::folder::PROJECT_FILE)
                && storage::is_folder(parent) =>
        {
            parent.to_owned()
        }
        _ => path.to_owned(),
    }
}

/// True when `path` is (or is to be) a project folder.
pub fn is_project_folder(path: &Path) -> bool {
    storage::is_folder(path)
}

/// A project path with its form's extension: `NAME.stance` stays a folder, anything without
/// `.json` gets `.stance.json`.
pub fn with_project_extension(path: &Path) -> PathBuf {
    storage::with_project_extension(path)
}

/// A project's name from its path (`study.stance.json`, `team.stance` → `study`, `team`).
pub fn project_stem(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.trim_end_matches(&format!(".{}", storage::PROJECT_EXTENSION))
        .trim_end_matches(&format!(".{}", storage::LEGACY_PROJECT_EXTENSION))
        .trim_end_matches(&format!(".{}", storage::folder::FOLDER_EXTENSION))
        .trim_end_matches(".json")
        .to_owned()
}

/// The file name a project is saved under by default (`NAME.stance.json`).
pub fn default_project_file(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.{}", storage::PROJECT_EXTENSION))
}

/// The differences between `project` and the autosave `file` (read once, when asked).
pub fn recovery_diff(
    project: &Project,
    file: &Path,
    project_path: Option<&Path>,
) -> Result<RecoveryDiff, String> {
    // A project folder's autosave is a journal: replayed over the folder, it is the project.
    let recovered = match project_path {
        Some(folder) if storage::is_folder(folder) && storage::recovery::is_journal(file) => {
            storage::recovery::read_journal(file, folder)
        }
        _ => storage::load_project(file),
    };
    recovered
        .map(|recovered| RecoveryDiff::between(project, &recovered))
        .map_err(|e| e.to_string())
}

/// Writes `bytes` to `path` atomically (a chart image).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    storage::write_atomically(path, bytes, storage::Backup::None)
        .map(|_| ())
        .map_err(|e| SaveError::io(path, e))
}

/// The preferences at `path` (the defaults when there are none or they do not read).
pub fn load_preferences(path: &Path) -> Preferences {
    Preferences::load(path)
}

/// Writes the preferences to `path`.
pub fn save_preferences(prefs: &Preferences, path: &Path) -> Result<(), SaveError> {
    prefs.save(path)
}

/// The name the command line works under without `--analyst`: the app's preferences' name,
/// else the operating-system user name.
pub fn default_analyst_name() -> String {
    Preferences::default_path()
        .map(|p| Preferences::load(&p))
        .unwrap_or_default()
        .analyst_name()
}
