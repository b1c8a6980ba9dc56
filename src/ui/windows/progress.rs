//! The progress window of a job the project must wait for (opening or reloading a project):
//! the window stays live, and Cancel keeps the current project.

use eframe::egui;

use crate::session::JobStatus;
use crate::ui::command::Command;

/// Width of the progress window, in points.
const WIDTH: f32 = 360.0;

/// Draws the window for `job`; returns Cancel when clicked.
#[must_use]
pub fn progress_ui(ctx: &egui::Context, job: &JobStatus) -> Option<Command> {
    let mut cancel = false;
    egui::Modal::new(egui::Id::unique("job_progress")).show(ctx, |ui| {
        ui.set_min_width(WIDTH);
        ui.horizontal(|ui| {
            crate::ui::widgets::busy(ui);
            ui.heading(format!("{} project", job.kind.verb()));
        });
        ui.label(&job.subject);
        if let Some(fraction) = job.fraction {
            ui.add(egui::ProgressBar::new(fraction).show_percentage());
        }
        ui.weak(format!("{:.1} s", job.seconds));
        cancel = ui
            .button("Cancel")
            .on_hover_text(Command::CancelJob.tooltip())
            .clicked();
    });
    ctx.request_repaint_after(std::time::Duration::from_millis(100));
    cancel.then_some(Command::CancelJob)
}
