//! stancemark: annotate articles by stance.
//!
//! Layers, from the bottom (each knows only those below it):
//! - **core** (no egui, no clap): the model ([`model`]), text offsets ([`text`]), invertible
//!   edits ([`edit`]), re-anchoring ([`anchor`]), analyst actions with undo ([`workspace`]),
//!   data derived for display ([`derived`]), search ([`search`]), figures ([`stats`]), suggestions ([`suggest`]) and learned ones ([`learn`]), the
//!   annotation table's rows ([`table`]),
//!   project files ([`store`]), article import
//!   ([`import`]), export ([`export`]), crash recovery ([`recovery`]), merging a reload
//!   ([`merge`]), preferences ([`prefs`]), notices ([`notice`]) and background jobs ([`jobs`]);
//! - **session** ([`session`]): the open project, its file and its jobs — what the window and
//!   the command line both drive;
//! - **command line** ([`cli`], feature `cli`);
//! - **window** (feature `gui`): every user action is a [`command::Command`]; [`ui`] draws the
//!   session's state and returns commands, which the app applies after drawing.
#![warn(missing_docs)]

pub mod anchor;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "gui")]
pub mod command;
pub mod derived;
pub mod edit;
pub mod exchange;
pub mod export;
pub mod formats;
pub mod import;
pub mod jobs;
pub mod learn;
pub mod merge;
pub mod model;
pub mod notice;
pub mod prefs;
pub mod recovery;
pub mod search;
pub mod session;
pub mod stats;
pub mod store;
pub mod suggest;
pub mod table;
pub mod text;
#[cfg(feature = "gui")]
pub mod ui;
pub mod workspace;

pub use model::{Annotation, Article, Project, Stance, StanceId, TextRange};
pub use session::Session;
pub use workspace::Workspace;
