//! The core: what a project is and how it changes, with no files, no analysis and no UI.
//!
//! - [`model`]: articles, stances, analysts, annotations and rejected suggestions;
//! - [`actors`]: who holds a stance (persons, organisations) and the positions taken;
//! - [`store`]: the annotations and rejections of a project, indexed by id and by (article,
//!   analyst);
//! - [`text`]: code-point offsets over LF-only text;
//! - [`edit`]: invertible edits (undo and redo), naming records by id;
//! - [`anchor`]: re-anchoring annotations when an article's text changes;
//! - [`workspace`]: the analyst's actions with undo;
//! - [`derived`]: views of the project for display (highlights, lists, counts);
//! - [`merge`]: merging this window's changes into a project read again from disk, and other
//!   analysts' copies into this one;
//! - [`curation`]: where two analysts differ, and settling it into the gold layer;
//! - [`schemes`]: codebook templates (Manifesto Project, Comparative Agendas) and the code
//!   chooser's order;
//! - [`units`]: coding units (sentences, quasi-sentences, headings) and a unit's code;
//! - [`jobs`]: work on a worker thread with progress and cancel.
//!
//! Invariant of the layer: nothing here imports analysis, storage, import, exchange formats,
//! the session, the command line or the UI (a test in `tests/core.rs` checks the sources).

pub mod actors;
pub mod anchor;
pub mod curation;
pub mod derived;
pub mod edit;
pub mod jobs;
pub mod merge;
pub mod model;
pub mod schemes;
pub mod store;
pub mod text;
pub mod units;
pub mod workspace;
