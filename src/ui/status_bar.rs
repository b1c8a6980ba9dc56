//! The status bar: saved or not, the project file, background jobs, and the current notice
//! (dismissable; the log keeps it).

use eframe::egui::{self, Color32, RichText, Ui};

use super::state::View;
use crate::core::jobs::JobKind;
use crate::session::notice::{Notices, Severity};
use crate::ui::command::Command;

/// Colour of "Unsaved changes".
const UNSAVED_COLOR: Color32 = Color32::from_rgb(220, 140, 0);

/// Draws the status bar.
#[must_use]
pub fn status_bar_ui(ui: &mut Ui, view: &View<'_>, notices: &Notices) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        match (view.session.is_dirty(), view.session.path()) {
            (true, _) => {
                ui.colored_label(UNSAVED_COLOR, "Unsaved changes");
            }
            (false, Some(_)) => {
                ui.weak("Saved");
            }
            // A new project that nobody changed yet: there is nothing saved to speak of.
            (false, None) => {}
        }
        match view.session.path() {
            Some(path) => {
                ui.separator();
                ui.weak(path.display().to_string());
            }
            None if view.session.is_dirty() => {
                ui.separator();
                ui.weak("not saved yet");
            }
            None => {
                ui.weak("New project — add articles to begin");
            }
        }
        if let Some((coded, all)) = view.unit_progress {
            ui.separator();
            let text = match view.focus.unit {
                Some(i) => format!("Unit {} · {coded}/{all} units coded", i + 1),
                None => format!("{coded}/{all} units coded"),
            };
            if ui
                .link(text)
                .on_hover_text(Command::UnitsWindow.tooltip())
                .clicked()
            {
                commands.push(Command::UnitsWindow);
            }
        }
        for job in view.session.jobs() {
            if job.kind.is_blocking() || job.kind == JobKind::Autosave {
                continue;
            }
            ui.separator();
            crate::ui::widgets::busy(ui);
            let done = job
                .fraction
                .map(|f| format!("{:.0} %, ", f * 100.0))
                .unwrap_or_default();
            ui.label(format!(
                "{} {} ({done}{:.1} s)",
                job.kind.verb(),
                job.subject,
                job.seconds
            ));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Messages")
                .on_hover_text(Command::ShowNotices.tooltip())
                .clicked()
            {
                commands.push(Command::ShowNotices);
            }
            if let Some(notice) = notices.current(view.now) {
                if ui
                    .small_button("×")
                    .on_hover_text(Command::DismissNotice.tooltip())
                    .clicked()
                {
                    commands.push(Command::DismissNotice);
                }
                let color = match notice.severity {
                    Severity::Info => ui.visuals().text_color(),
                    Severity::Warning => ui.visuals().warn_fg_color,
                    Severity::Error => ui.visuals().error_fg_color,
                };
                // Long messages are cut to the bar's width; the whole text is in the tooltip
                // and the log.
                ui.add(egui::Label::new(RichText::new(notice.text()).color(color)).truncate())
                    .on_hover_text(notice.text());
            }
        });
    });
    commands
}
