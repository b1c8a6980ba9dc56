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
pub mod lock;
pub mod prefs;
mod project_file;
pub mod read;
pub mod recovery;
pub mod sniff;

use std::path::PathBuf;

use thiserror::Error;

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
