//! The preferences window: annotator name and text size.

use eframe::egui;

use crate::command::Command;
use crate::prefs::Preferences;

/// Smallest and largest article text size, in points.
const TEXT_SIZES: std::ops::RangeInclusive<f32> = 12.0..=28.0;

/// Preferences as edited in the window.
pub struct PreferencesDraft(pub Preferences);

/// Draws the window; returns whether it stays open and the change to store, if any.
pub fn preferences_ui(
    ctx: &egui::Context,
    draft: &mut PreferencesDraft,
) -> (bool, Option<Command>) {
    let mut open = true;
    let mut changed = false;
    egui::Window::new("Preferences")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("prefs").num_columns(2).show(ui, |ui| {
                let l = ui.label("Annotator name");
                let r = ui
                    .text_edit_singleline(&mut draft.0.annotator)
                    .labelled_by(l.id);
                changed |= r.lost_focus();
                ui.end_row();
                let l = ui.label("Text size");
                changed |= ui
                    .add(egui::Slider::new(&mut draft.0.text_size, TEXT_SIZES))
                    .labelled_by(l.id)
                    .drag_stopped();
                ui.end_row();
            });
            ui.weak("The name is recorded on every new annotation.");
        });
    let command = (changed || !open).then(|| Command::SetPreferences(Box::new(draft.0.clone())));
    (open, command)
}
