//! Project files on disk: reading them safely, their format and its history, atomic saves,
//! lock files, and noticing when someone else changed a file.
//!
//! Invariants:
//! - loading never changes a file; a file from a newer stancemark is refused and never
//!   overwritten;
//! - saving goes through [`atomic`], so a crash or a full disk mid-save leaves the previous
//!   file (and `NAME.bak`, the version before it) intact;
//! - every read goes through [`read`], which refuses what is not a regular file and caps sizes.
//!
//! The session ([`crate::session`]) decides when to read and write; this module only knows how.

pub mod atomic;
pub mod disk;
pub mod folder;
pub mod lock;
pub mod prefs;
mod project_file;
pub mod read;
pub mod recovery;
pub mod sniff;

use std::path::PathBuf;

use thiserror::Error;

use crate::core::model::Project;

pub use atomic::{Backup, write_atomically, write_atomically_with};
pub use disk::{DiskStamp, DiskState};
pub use project_file::{
    FORMAT_VERSION, LEGACY_PROJECT_EXTENSION, LoadedProject, PROJECT_EXTENSION, Salvaged,
    load_project, load_project_detailed, load_project_salvaging, parse_project, problem_messages,
    save_path_for, save_project, unused_save_path_for, with_project_extension,
    write_project_file_to, write_set_aside,
};
pub use read::{
    MAX_ARTICLE_BYTES, MAX_PROJECT_BYTES, ReadError, decode_utf8, read_file, read_text_file,
};

/// What this window knows of a project on disk, to notice someone else's changes: the stamp
/// of the single file, or what it knows of each file of the folder.
#[derive(Debug, Clone, PartialEq)]
pub enum Stamp {
    /// A `.stance.json` file.
    File(DiskStamp),
    /// A project folder.
    Folder(Box<folder::FolderState>),
}

/// A project read from either form.
#[derive(Debug)]
pub struct LoadedAny {
    /// The project, in the current format.
    pub project: Project,
    /// The format the file was in (a folder is always the current one).
    pub format_version: u32,
    /// What was read, to notice later changes.
    pub stamp: Stamp,
    /// Files of a folder that could not be read (each with its line); the rest opened.
    pub problems: Vec<String>,
}

/// True when `path` is, or is to be, a project folder (a folder with `project.json`, or a
/// name ending in `.stance`).
pub fn is_folder(path: &std::path::Path) -> bool {
    folder::is_project_folder(path)
}

/// Reads a project in either form: a `.stance.json` (or older) file, or a project folder.
pub fn load_any(path: &std::path::Path) -> Result<LoadedAny, LoadError> {
    if is_folder(path) {
        let loaded = folder::read_folder(path)?;
        return Ok(LoadedAny {
            project: loaded.project,
            format_version: FORMAT_VERSION,
            stamp: Stamp::Folder(Box::new(loaded.state)),
            problems: loaded.problems.iter().map(ToString::to_string).collect(),
        });
    }
    let loaded = load_project_detailed(path)?;
    Ok(LoadedAny {
        project: loaded.project,
        format_version: loaded.format_version,
        stamp: Stamp::File(loaded.stamp),
        problems: Vec::new(),
    })
}

/// What a save wrote: for a folder, which files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The folder's files written and removed (empty for a single file).
    pub report: folder::WriteReport,
}

/// Saves a project in the form `path` names: a folder (`NAME.stance`, only the files whose
/// content changed) or a single file. With `expected`, nothing someone else changed since is
/// overwritten ([`SaveError::ChangedOnDisk`]).
pub fn save_any(
    project: &Project,
    path: &std::path::Path,
    expected: Option<&Stamp>,
) -> Result<(Stamp, Written), SaveError> {
    if is_folder(path) {
        let state = match expected {
            Some(Stamp::Folder(state)) => (**state).clone(),
            _ => folder::FolderState::default(),
        };
        let fresh = state == folder::FolderState::default();
        let result = if fresh {
            folder::create_folder(project, path).map(|s| (folder::WriteReport::default(), s))
        } else {
            folder::write_folder(project, path, &state)
        };
        return match result {
            Ok((report, state)) => Ok((Stamp::Folder(Box::new(state)), Written { report })),
            Err(folder::FolderSaveError::Save(e)) => Err(e),
            Err(folder::FolderSaveError::ChangedOnDisk(files)) => Err(SaveError::ChangedOnDisk {
                path: path.join(files.first().map_or("", String::as_str)),
            }),
        };
    }
    if let Some(Stamp::File(stamp)) = expected
        && stamp.compare(path).map_err(|e| SaveError::io(path, e))? == DiskState::Changed
    {
        return Err(SaveError::ChangedOnDisk {
            path: path.to_owned(),
        });
    }
    save_project(project, path).map(|stamp| (Stamp::File(stamp), Written::default()))
}

/// Why a project file could not be loaded. The file is never changed by a failed load.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file could not be read (missing, not a file, too large, not UTF-8, empty).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file is not a valid project file (truncated, wrong type, a typo…).
    #[error("{path}: line {line}, column {column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected, in the file's terms.
        message: String,
    },
    /// Written by a newer stancemark; never overwritten by this one.
    #[error(
        "{path}: written by a newer stancemark (file format {found}, this version reads up to {supported}); update stancemark to open it"
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// Parsed, but records contradict each other (duplicate ids, quotes that do not match…).
    #[error("{path}: {} problem(s): {}", problems.len(), problems.join("; "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One message per broken record, with its line in the file.
        problems: Vec<String>,
    },
}

impl LoadError {
    /// True when only some annotations are broken, so the rest can be opened
    /// ([`load_project_salvaging`]).
    pub fn is_salvageable(&self) -> bool {
        matches!(self, LoadError::Invalid { .. })
    }
}

/// Why a project could not be saved. The file on disk is unchanged.
#[derive(Debug, Error)]
pub enum SaveError {
    /// The OS refused (permissions, full disk, missing folder…).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file on disk was written by a newer stancemark, which this one could not read back.
    #[error(
        "{path}: written by a newer stancemark (file format {found}, this version writes {supported}); not overwritten"
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The format this build writes.
        supported: u32,
    },
    /// Someone else changed the file since this window opened or last saved it.
    #[error(
        "{path} was changed by someone else (another window, a synced folder…) since it was opened here; not overwritten"
    )]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// Save was asked for a project that has no file yet.
    #[error("the project has not been saved yet; choose a file name")]
    NoPath,
}

impl SaveError {
    /// An OS error on `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        SaveError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
