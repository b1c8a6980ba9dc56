//! The preferences window: annotator name, text size, line width and theme.

use eframe::egui;

use crate::session::prefs::{LINE_WIDTHS, Preferences, TEXT_SIZES, Theme};
use crate::ui::command::Command;

/// Preferences as edited in the window.
pub struct PreferencesDraft(pub Preferences);

/// True when a slider's new value is final: a drag ended, or a value was typed or stepped
/// (not each step of a drag, which would lay the article out again every frame).
fn committed(r: &egui::Response) -> bool {
    r.drag_stopped() || (r.changed() && !r.dragged())
}

/// Draws the window; returns whether it stays open and the change to store, if any.
pub fn preferences_ui(
    ctx: &egui::Context,
    draft: &mut PreferencesDraft,
) -> (bool, Option<Command>) {
    let mut open = true;
    let mut changed = false;
    super::tool_window(ctx, "Preferences")
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
                changed |= committed(
                    &ui.add(egui::Slider::new(&mut draft.0.text_size, TEXT_SIZES))
                        .labelled_by(l.id),
                );
                ui.end_row();
                let l = ui.label("Line width");
                changed |= committed(
                    &ui.add(egui::Slider::new(&mut draft.0.line_width, LINE_WIDTHS).suffix(" pt"))
                        .labelled_by(l.id),
                );
                ui.end_row();
                ui.label("Selecting");
                changed |= ui
                    .checkbox(&mut draft.0.snap_to_words, "A drag selects whole words")
                    .on_hover_text("Hold Alt while dragging for character precision")
                    .changed();
                ui.end_row();
                ui.label("Theme");
                ui.horizontal(|ui| {
                    for (theme, name) in [
                        (Theme::System, "Follow the system"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        changed |= ui
                            .selectable_value(&mut draft.0.theme, theme, name)
                            .clicked();
                    }
                });
                ui.end_row();
            });
            ui.weak("Ctrl+= and Ctrl+- change the text size, Ctrl+0 resets it.");
            ui.weak("The name is recorded on every new annotation.");
        });
    let command = (changed || !open).then(|| Command::SetPreferences(Box::new(draft.0.clone())));
    (open, command)
}
