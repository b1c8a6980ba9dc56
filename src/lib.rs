//! stancemark: annotate articles by stance.
//!
//! The source tree shows the layers, from the bottom (each knows only those below it):
//! - [`core`] (no egui, no clap, no files): the model, code-point text offsets, invertible edits,
//!   re-anchoring, the analyst's actions with undo, the annotation store, views derived for
//!   display, merging a reload, background jobs;
//! - [`storage`]: project files (one JSON file or a project folder), safe reads and atomic
//!   writes, locks, crash recovery, preferences;
//! - [`import`]: articles from web pages, PDF, Word, OpenDocument, Markdown and text;
//! - [`formats`]: annotations out and back in (JSON/RON, CSV, W3C, REFI-QDA, HTML report);
//! - [`analysis`]: statistics, the annotation table's rows, search, suggestions, learning;
//! - [`session`]: the open project, its path, unsaved state and background jobs — what the
//!   window and the command line both drive (they reach files only through it);
//! - [`cli`] (feature `cli`): the subcommands;
//! - [`ui`] (feature `gui`): every user action is a [`ui::command::Command`]; the UI draws the
//!   session's state and returns commands, which the app applies after drawing.
//!
//! The short paths below (`stancemark::model`, `stancemark::store`…) are the public API's
//! names for the same modules.
#![warn(missing_docs)]

pub mod analysis;
#[cfg(feature = "cli")]
pub mod cli;
pub mod core;
pub mod formats;
pub mod import;
pub mod session;
pub mod storage;
#[cfg(feature = "gui")]
pub mod ui;

pub use crate::analysis::{learn, search, stats, suggest, table};
pub use crate::core::{
    actors, anchor, derived, edit, jobs, merge, model, schemes, text, units, workspace,
};
pub use crate::formats::{exchange, export};
pub use crate::session::notice;
pub use crate::storage as store;
pub use crate::storage::{prefs, recovery};
#[cfg(feature = "gui")]
pub use crate::ui::command;

pub use crate::core::model::{Annotation, Article, Project, Stance, StanceId, TextRange};
pub use crate::core::workspace::Workspace;
pub use crate::session::Session;
