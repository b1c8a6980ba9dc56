//! The egui shell: draws the session's state and turns input into [`Command`]s.
//!
//! Layout of the code, one unit per file: [`app`] (the `eframe::App`: frame order),
//! `execute.rs` (where commands take effect), `events.rs` (what the session reports), [`keymap`] (keys to commands), [`menu_bar`],
//! [`status_bar`], [`modals`], [`articles_panel`], [`annotations_panel`] (with the
//! [`actor_field`]), [`reader`], [`windows`]
//! (each tool window), [`widgets`] (shared pieces), [`file_dialog`], and [`state`] (runtime UI
//! state and the read-only [`state::View`] every part draws from). Drawing functions take the
//! view and their own state and return commands; none of them changes the project.
//!
//! [`Command`]: crate::ui::command::Command

pub mod actor_field;
pub mod annotations_panel;
mod app;
pub mod articles_panel;
pub mod codebook;
pub mod command;
mod events;
mod execute;
pub mod file_dialog;
pub mod keymap;
pub mod menu_bar;
pub mod modals;
pub mod reader;
pub mod state;
pub mod status_bar;
pub mod widgets;
pub mod windows;

use std::path::PathBuf;

use eframe::egui;

pub use app::{AppOptions, StancemarkApp};

/// Opens the app window on `project` (or the last project).
pub fn run_native(project: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("stancemark")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 420.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "stancemark",
        options,
        Box::new(move |_cc| Ok(Box::new(StancemarkApp::new(project, AppOptions::desktop())))),
    )
}
