//! stancemark: annotate articles by stance.
//!
//! The core (everything but [`ui`]) knows nothing of egui: the model ([`model`]), text offsets
//! ([`text`]), invertible edits ([`edit`]), analyst actions with undo ([`workspace`]), project
//! files and import ([`store`]), export ([`export`]), preferences ([`prefs`]) and the command line
//! ([`cli`]). [`ui`] is a thin egui shell over it.
#![warn(missing_docs)]

pub mod anchor;
pub mod cli;
pub mod edit;
pub mod export;
pub mod model;
pub mod prefs;
pub mod recovery;
pub mod store;
pub mod text;
pub mod ui;
pub mod workspace;

pub use model::{Annotation, Article, Project, Stance, StanceId, TextRange};
pub use workspace::Workspace;
