//! The message log: the notices of this session, newest first.

use eframe::egui;

use crate::session::notice::{Notices, Severity};

/// Draws the log; returns whether it stays open.
pub fn notices_ui(ctx: &egui::Context, notices: &Notices, now: f64) -> bool {
    let mut open = true;
    super::sized_tool_window(ctx, "Recent messages", [520.0, 320.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            egui::ScrollArea::vertical().show(ui, |ui| {
                let mut any = false;
                for n in notices.log().rev() {
                    any = true;
                    let color = match n.severity {
                        Severity::Info => ui.visuals().text_color(),
                        Severity::Warning => ui.visuals().warn_fg_color,
                        Severity::Error => ui.visuals().error_fg_color,
                    };
                    ui.horizontal_wrapped(|ui| {
                        ui.weak(format!("{:.0} s ago", (now - n.at).max(0.0)));
                        ui.colored_label(color, n.text());
                    });
                }
                if !any {
                    ui.weak("No messages yet.");
                }
            });
        });
    open
}
