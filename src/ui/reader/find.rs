//! The find bar (Ctrl+F): matches update as you type and are painted in the text; Enter and
//! Shift+Enter step through them. Toggles make the search case-sensitive, whole-word or a
//! regular expression; an invalid pattern is said so beside the field.

use eframe::egui::{self, Ui};

use crate::analysis::search::{MAX_MATCHES, Pattern, SearchOptions};
use crate::core::model::TextRange;
use crate::core::text::OffsetIndex;

/// Width of the slot for the match count or an invalid pattern's message, in points.
const STATUS_WIDTH: f32 = 150.0;
/// Width of the find field, in points.
const FIELD_WIDTH: f32 = 260.0;

/// The find bar's query, its matches in text order and the current one.
#[derive(Default)]
pub struct FindState {
    /// What is searched for.
    pub query: String,
    /// Every match, in text order.
    pub matches: Vec<TextRange>,
    /// Index of the current match.
    pub current: usize,
    /// Case, whole-word and regular-expression toggles.
    pub options: SearchOptions,
    /// Why the query cannot be searched for (an invalid regular expression).
    pub error: Option<String>,
    /// True when there were more than [`MAX_MATCHES`] matches (only those are kept).
    pub truncated: bool,
    focus_field: bool,
}

/// What the bar asks the reader to do.
pub enum FindAction {
    /// Nothing.
    None,
    /// Close the bar.
    Close,
    /// The query changed to this.
    Query(String),
    /// Move to the next (`true`) or previous match.
    Step(bool),
}

impl FindState {
    /// A bar with its field focused.
    pub fn focused() -> Self {
        Self {
            focus_field: true,
            ..Self::default()
        }
    }

    /// Asks for the field to take the keyboard.
    pub fn focus(&mut self) {
        self.focus_field = true;
    }

    /// Runs the query over `text` (indexed by `index`) with the bar's options.
    pub fn search(&mut self, text: &str, index: &OffsetIndex, query: &str) {
        self.query = query.to_owned();
        self.current = 0;
        self.error = None;
        self.truncated = false;
        self.matches = match Pattern::new(query, self.options) {
            Ok(Some(pattern)) => {
                let (matches, truncated) = pattern.find_all(text, index, MAX_MATCHES);
                self.truncated = truncated;
                matches
            }
            Ok(None) => Vec::new(),
            Err(e) => {
                self.error = Some(e.to_string());
                Vec::new()
            }
        };
    }

    /// Moves to the next or previous match; returns it.
    pub fn step(&mut self, forward: bool) -> Option<TextRange> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        self.current = if forward {
            (self.current + 1) % n
        } else {
            (self.current + n - 1) % n
        };
        Some(self.matches[self.current])
    }

    /// The current match.
    pub fn current_match(&self) -> Option<TextRange> {
        self.matches.get(self.current).copied()
    }

    /// Draws the bar.
    pub fn bar_ui(&mut self, ui: &mut Ui) -> FindAction {
        let mut query = self.query.clone();
        let mut action = FindAction::None;
        ui.horizontal(|ui| {
            let label = ui.label("Find");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut query)
                        .desired_width(FIELD_WIDTH.min(ui.available_width() * 0.4))
                        .hint_text(if self.options.regex {
                            "regular expression"
                        } else {
                            "word or phrase"
                        }),
                )
                .labelled_by(label.id);
            if self.focus_field {
                r.request_focus();
                self.focus_field = false;
            }
            if r.has_focus() || r.lost_focus() {
                ui.input(|i| {
                    if i.key_pressed(egui::Key::Enter) {
                        action = FindAction::Step(!i.modifiers.shift);
                    }
                    if i.key_pressed(egui::Key::Escape) {
                        action = FindAction::Close;
                    }
                });
                if matches!(action, FindAction::Step(_)) {
                    r.request_focus();
                }
            }
            if options_ui(ui, &mut self.options) {
                action = FindAction::Query(query.clone());
                r.request_focus();
            }
            if ui.button("Previous").clicked() {
                action = FindAction::Step(false);
            }
            if ui.button("Next").clicked() {
                action = FindAction::Step(true);
            }
            if ui.button("Close").clicked() {
                action = FindAction::Close;
            }
            // The count or the error comes last and takes only the room left, cut short, so a
            // long message never widens the bar (and with it the reader); the whole message is
            // in its tooltip.
            let (status, tooltip) = match &self.error {
                Some(error) => (
                    egui::RichText::new("invalid pattern").color(ui.visuals().error_fg_color),
                    Some(error.as_str()),
                ),
                None => {
                    let count = if self.query.is_empty() {
                        String::new()
                    } else if self.matches.is_empty() {
                        "no matches".to_owned()
                    } else {
                        format!(
                            "{} of {}{}",
                            self.current + 1,
                            self.matches.len(),
                            if self.truncated { "+" } else { "" }
                        )
                    };
                    (egui::RichText::new(count).weak(), None)
                }
            };
            let height = ui.spacing().interact_size.y;
            let room = ui.available_width().clamp(0.0, STATUS_WIDTH);
            let r = ui.add_sized([room, height], egui::Label::new(status).truncate());
            if let Some(tooltip) = tooltip {
                r.on_hover_text(tooltip);
            }
        });
        // Why the pattern is invalid, on a line of its own under the bar, cut to the
        // reader's width.
        if let Some(error) = &self.error {
            let line = error.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            ui.add(
                egui::Label::new(
                    egui::RichText::new(line.trim()).color(ui.visuals().error_fg_color),
                )
                .truncate(),
            );
        }
        if query != self.query && !matches!(action, FindAction::Close) {
            action = FindAction::Query(query);
        }
        action
    }
}

/// The match-case, whole-word and regular-expression toggles; true when one changed.
pub fn options_ui(ui: &mut Ui, options: &mut SearchOptions) -> bool {
    let mut changed = false;
    for (on, text, tip) in [
        (&mut options.match_case, "Aa", "Match case"),
        (&mut options.whole_word, "W", "Whole words only"),
        (&mut options.regex, ".*", "Regular expression"),
    ] {
        let r = ui
            .add(egui::Button::selectable(
                *on,
                egui::RichText::new(text).monospace(),
            ))
            .on_hover_text(tip);
        // The tooltip names the toggle for screen readers and tests.
        r.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, *on, tip));
        if r.clicked() {
            *on = !*on;
            changed = true;
        }
    }
    changed
}
