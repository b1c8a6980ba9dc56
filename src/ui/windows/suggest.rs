//! The suggestions window: a review list of passages to tag. From a term, a phrase list (one
//! phrase per line) or a regular expression with a chosen stance — every match across the
//! articles, optionally widened to its sentence — or from an annotation's similar sentences.
//! Accept or reject one by one (`a` / `r`, arrows to move, each shown in the reader) or all at
//! once; accepted ones become annotations, several at once as one undoable step. The matching
//! runs on a worker thread.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use crate::analysis::search::SearchOptions;
use crate::analysis::suggest::{self, SIMILAR_TOP, Suggestion, Suggestions};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::{AnnotationId, StanceId};
use crate::ui::command::Command;
use crate::ui::reader::options_ui;
use crate::ui::state::View;
use crate::ui::widgets::{stance_chip, stance_style};

/// Height of one row of the review list, in points.
const ROW_HEIGHT: f32 = 40.0;
/// Code points of the suggested passage shown in a row.
const ROW_QUOTE_CHARS: usize = 120;

use crate::ui::state::PendingMarks as Marks;

/// The window's request, running job and review list.
#[derive(Default)]
pub struct SuggestState {
    /// Term, phrase list (one per line) or regular expression.
    pub query: String,
    /// Case, whole-word and regular-expression toggles.
    pub options: SearchOptions,
    /// The stance pattern matches are suggested with.
    pub stance: Option<StanceId>,
    /// Widen each match to its sentence.
    pub sentence: bool,
    job: Option<Job<Option<Suggestions>>>,
    /// What the list holds ("“risk” as security").
    pub title: String,
    /// The suggestions still to review.
    pub items: Vec<Suggestion>,
    /// Matches left out because they are already annotated with the stance.
    pub already_annotated: usize,
    /// Passages left out because they were rejected before.
    pub rejected_before: usize,
    /// The highlighted row.
    pub current: usize,
    /// Why the request could not run.
    pub error: Option<String>,
    focus_field: bool,
    /// The suggestions' places for the stance map, and the list length they were made for.
    marks: Option<(usize, Marks)>,
    /// The list comes from the classifier (which retrains after each accept or reject).
    learned: bool,
    /// Retrain once the last accept or reject has been applied (next frame).
    retrain: bool,
    /// The window's layer, so a click in it gives the review list the keys.
    pub layer: Option<egui::LayerId>,
    /// Suggestions that left the list by an accept or reject, with the undo step that took
    /// them: Undo puts them back, Redo takes them out again.
    left: Vec<(u64, Vec<Suggestion>)>,
    /// The next result adds to the list (learned suggestions) instead of replacing it.
    adding: bool,
    /// What the classifier proposed last (passage and stance), replaced when it retrains.
    learned_items: std::collections::HashSet<(
        crate::core::model::ArticleId,
        crate::core::model::TextRange,
        StanceId,
    )>,
    /// How many the last learned result added to the list.
    pub added: Option<usize>,
}

/// A suggestion's passage and stance: what makes two suggestions the same.
fn key_of(
    s: &Suggestion,
) -> (
    crate::core::model::ArticleId,
    crate::core::model::TextRange,
    StanceId,
) {
    (s.article, s.range, s.stance.clone())
}

impl SuggestState {
    /// A window with the settings the analyst last used.
    pub fn with(settings: crate::session::prefs::SuggestSettings) -> Self {
        Self {
            sentence: settings.sentence,
            options: settings.options,
            ..Self::default()
        }
    }

    /// A window with its field focused and the settings the analyst last used.
    pub fn focused(settings: crate::session::prefs::SuggestSettings) -> Self {
        Self {
            focus_field: true,
            ..Self::with(settings)
        }
    }

    /// The window's settings, as kept in the preferences.
    pub fn settings(&self) -> crate::session::prefs::SuggestSettings {
        crate::session::prefs::SuggestSettings {
            sentence: self.sentence,
            options: self.options,
        }
    }

    /// Article, passage and stance of every suggestion still to review (rebuilt when the list changed).
    pub fn marks(&mut self) -> Marks {
        match &self.marks {
            Some((len, marks)) if *len == self.items.len() => marks.clone(),
            _ => {
                let marks = Arc::new(
                    self.items
                        .iter()
                        .map(|s| (s.article, s.range, s.stance.clone()))
                        .collect(),
                );
                self.marks = Some((self.items.len(), Arc::clone(&marks)));
                marks
            }
        }
    }

    /// True while suggestions are being computed.
    pub fn is_working(&self) -> bool {
        self.job.is_some()
    }

    /// Starts the sentences most similar to `annotation`.
    pub fn start_similar(&mut self, view: &View<'_>, annotation: AnnotationId) {
        self.learned = false;
        self.adding = false;
        let Some(source) = view.project().annotation(annotation) else {
            return;
        };
        self.title = format!(
            "Similar to “{}”",
            crate::core::text::snippet(&source.quote, 40)
        );
        let snapshot = Arc::new(coding_seen(view));
        self.begin(Job::spawn(JobKind::Search, "similar passages", move |p| {
            suggest::similar(&snapshot, annotation, SIMILAR_TOP, p)
        }));
    }

    /// Starts learned suggestions: the classifier trained on the project's coding (and the
    /// suggestions rejected in it) proposes stances for unannotated sentences. They are added
    /// to the list (in place of what it proposed before); a passage already pending with the
    /// same stance is not added twice.
    pub fn start_learned(&mut self, view: &View<'_>) {
        self.learned = true;
        self.adding = true;
        self.retrain = false;
        let snapshot = Arc::new(coding_seen(view));
        self.begin(Job::spawn(
            JobKind::Search,
            "learned suggestions",
            move |p| crate::analysis::learn::learned(&snapshot, p),
        ));
    }

    fn start_pattern(&mut self, view: &View<'_>) {
        self.learned = false;
        self.adding = false;
        self.error = None;
        let Some(stance) = self.stance.clone() else {
            self.error = Some("Choose the stance to suggest".to_owned());
            return;
        };
        let pattern = match suggest::phrase_pattern(&self.query, self.options) {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.error = Some("Type a term, phrases (one per line) or a pattern".to_owned());
                return;
            }
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        let label = stance_style(view.project(), &stance).0;
        self.title = format!(
            "“{}” as {label}",
            crate::core::text::snippet(&self.query.replace('\n', " | "), 40)
        );
        let snapshot = Arc::new(coding_seen(view));
        let sentence = self.sentence;
        self.begin(Job::spawn(JobKind::Search, "suggestions", move |p| {
            suggest::from_pattern(&snapshot, &pattern, &stance, sentence, p)
        }));
    }

    fn begin(&mut self, job: Job<Option<Suggestions>>) {
        if let Some(old) = self.job.replace(job) {
            old.cancel();
        }
        self.error = None;
    }

    fn take(&mut self, found: Suggestions) {
        self.marks = None;
        self.already_annotated = found.already_annotated;
        self.rejected_before = found.rejected_before;
        if !self.adding {
            self.left.clear();
            self.learned_items.clear();
            self.items = found.items;
            self.added = None;
            self.current = 0;
            return;
        }
        // Learned suggestions join the list: what the classifier proposed before goes (it has
        // learned since), the rest stays, and nothing pending is added twice.
        let before = std::mem::take(&mut self.learned_items);
        let current = self.items.get(self.current).map(key_of);
        self.items.retain(|i| !before.contains(&key_of(i)));
        let pending: std::collections::HashSet<_> = self.items.iter().map(key_of).collect();
        let fresh: Vec<Suggestion> = found
            .items
            .into_iter()
            .filter(|i| !pending.contains(&key_of(i)))
            .collect();
        self.learned_items = fresh.iter().map(key_of).collect();
        let others = !self.items.is_empty();
        self.added = Some(fresh.len());
        self.items.extend(fresh);
        self.title = if others && !self.title.contains("learned") {
            format!("{} + learned from your coding", self.title)
        } else if others {
            self.title.clone()
        } else {
            "Learned from your coding".to_owned()
        };
        self.current = current
            .and_then(|k| self.items.iter().position(|i| key_of(i) == k))
            .unwrap_or(0);
    }

    fn poll(&mut self) {
        let Some(job) = &mut self.job else { return };
        match job.poll() {
            Polled::Running => {}
            Polled::Finished(found) => {
                self.job = None;
                if let Some(found) = found {
                    self.take(found);
                }
            }
            Polled::Lost => self.job = None,
        }
    }

    /// Waits for the suggestions being computed (tests).
    pub fn wait(&mut self) {
        if let Some(job) = self.job.take()
            && let Some(Some(found)) = job.wait()
        {
            self.take(found);
        }
    }

    /// Removes row `i` from the list, keeping the highlight in range.
    fn remove(&mut self, i: usize) -> Suggestion {
        let item = self.items.remove(i);
        self.current = self.current.min(self.items.len().saturating_sub(1));
        self.retrain |= self.learned;
        item
    }

    /// Rejects row `i`: the project keeps it (not suggested again; a "no stance" example).
    fn reject(&mut self, i: usize) -> Command {
        Command::RejectSuggestions(vec![self.remove(i)])
    }

    /// Records that undo step `step` took `items` out of the list.
    pub fn left_in_step(&mut self, step: u64, items: Vec<Suggestion>) {
        self.left.push((step, items));
    }

    /// Undo (or Redo) of step `step`: its suggestions come back to the list at the highlight,
    /// the first of them highlighted (or leave it again).
    pub fn history_stepped(&mut self, step: u64, undone: bool) {
        let Some((_, items)) = self.left.iter().find(|(s, _)| *s == step) else {
            return;
        };
        let same = |a: &Suggestion, b: &Suggestion| {
            a.article == b.article && a.range == b.range && a.stance == b.stance
        };
        if undone {
            let back: Vec<Suggestion> = items
                .iter()
                .filter(|i| !self.items.iter().any(|shown| same(shown, i)))
                .cloned()
                .collect();
            let at = self.current.min(self.items.len());
            self.items.splice(at..at, back);
            self.current = at;
        } else {
            self.items
                .retain(|shown| !items.iter().any(|i| same(shown, i)));
            self.current = self.current.min(self.items.len().saturating_sub(1));
        }
        self.marks = None;
        self.retrain |= self.learned;
    }

    /// Accepts the highlighted suggestion (key `a`): the command that tags it, then the one
    /// that shows the next.
    pub fn accept_current(&mut self) -> Vec<Command> {
        if self.items.is_empty() {
            return Vec::new();
        }
        let item = self.remove(self.current);
        let mut commands = vec![Command::AcceptSuggestions(vec![item])];
        commands.extend(self.items.get(self.current).map(show));
        commands
    }

    /// Rejects the highlighted suggestion (key `r`), then shows the next.
    pub fn reject_current(&mut self) -> Vec<Command> {
        if self.items.is_empty() {
            return Vec::new();
        }
        let mut commands = vec![self.reject(self.current)];
        commands.extend(self.items.get(self.current).map(show));
        commands
    }

    /// Highlights the next (or previous) suggestion and shows it.
    pub fn step(&mut self, forward: bool) -> Option<Command> {
        if self.items.is_empty() {
            return None;
        }
        self.current = if forward {
            (self.current + 1).min(self.items.len() - 1)
        } else {
            self.current.saturating_sub(1)
        };
        self.items.get(self.current).map(show)
    }
}

/// Draws the window; returns whether it stays open and what to do.
pub fn suggest_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut SuggestState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Suggest annotations", [560.0, 560.0]) {
        return shown;
    }
    state.poll();
    if state.retrain && !state.is_working() {
        state.start_learned(view);
    }
    if state.stance.is_none() {
        state.stance = view.project().stances.0.first().map(|s| s.id.clone());
    }
    let mut open = true;
    let mut commands = Vec::new();
    let settings = state.settings();
    super::sized_tool_window(ctx, "Suggest annotations", [560.0, 560.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            state.layer = Some(ui.layer_id());
            request_ui(ui, view, state);
            ui.separator();
            commands.extend(review_ui(ui, view, state));
        });
    if state.is_working() {
        ctx.request_repaint();
    }
    if state.settings() != settings {
        // Kept for the next session.
        let mut prefs = view.prefs.clone();
        prefs.suggest = state.settings();
        commands.push(Command::SetPreferences(Box::new(prefs)));
    }
    (open, commands)
}

fn request_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut SuggestState) {
    let label = ui.label("Terms, phrases (one per line) or a regular expression");
    let field = ui
        .add(
            egui::TextEdit::multiline(&mut state.query)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("export control\nnational security"),
        )
        .labelled_by(label.id);
    if std::mem::take(&mut state.focus_field) {
        field.request_focus();
    }
    ui.horizontal(|ui| {
        options_ui(ui, &mut state.options);
        ui.separator();
        let as_label = ui.label("as");
        let shown = state
            .stance
            .as_ref()
            .map(|s| stance_style(view.project(), s).0)
            .unwrap_or_default();
        egui::ComboBox::from_id_salt("suggest_stance")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for s in &view.project().stances.0 {
                    let label = view.project().stances.path_label(&s.id);
                    ui.selectable_value(&mut state.stance, Some(s.id.clone()), label);
                }
            })
            .response
            .labelled_by(as_label.id)
            .on_hover_text("The stance the passages are suggested with");
        ui.checkbox(&mut state.sentence, "Whole sentences")
            .on_hover_text("Suggest the sentence around each match");
        if ui.button("Suggest").clicked() {
            state.start_pattern(view);
        }
    });
    ui.horizontal(|ui| {
        if ui
            .button("Learn from my coding")
            .on_hover_text(
                "A classifier trained on this project's annotations (and the sentences left without one) proposes stances for unannotated sentences; it retrains after every accept or reject",
            )
            .clicked()
        {
            state.start_learned(view);
        }
        ui.weak("or right-click an annotation: Find similar passages");
    });
    if let Some(e) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

fn review_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut SuggestState) -> Vec<Command> {
    let mut commands = Vec::new();
    if state.is_working() {
        ui.horizontal(|ui| {
            crate::ui::widgets::busy(ui);
            ui.label("Looking…");
        });
        return commands;
    }
    if state.title.is_empty() {
        ui.weak("Suggestions appear here, to accept (a) or reject (r) one by one.");
        return commands;
    }
    ui.horizontal(|ui| {
        ui.strong(&state.title);
        let mut counts = format!("{} to review", state.items.len());
        if state.already_annotated > 0 {
            counts.push_str(&format!(", {} already annotated", state.already_annotated));
        }
        if state.rejected_before > 0 {
            counts.push_str(&format!(", {} rejected before", state.rejected_before));
        }
        if let Some(added) = state.added {
            counts.push_str(&format!("; the classifier added {added}"));
        }
        ui.weak(counts);
    });
    ui.horizontal(|ui| {
        let n = state.items.len();
        if ui
            .add_enabled(n > 0, egui::Button::new(format!("Accept all ({n})")))
            .on_hover_text("Tag every suggestion; one Undo removes them all")
            .clicked()
        {
            commands.push(Command::AcceptSuggestions(std::mem::take(&mut state.items)));
            state.retrain |= state.learned;
        }
        if ui
            .add_enabled(n > 0, egui::Button::new("Reject all"))
            .on_hover_text("Drop every suggestion; the project remembers them, so they are not offered again (one Undo)")
            .clicked()
        {
            commands.push(Command::RejectSuggestions(std::mem::take(&mut state.items)));
            state.retrain |= state.learned;
        }
        if view.key_area == crate::ui::command::KeyScope::ReviewList {
            ui.weak("keys: a accept, r reject, up and down arrows move");
        } else {
            ui.weak("click the list to use its keys (a, r, arrows)");
        }
    });
    let mut action = None;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        ROW_HEIGHT,
        state.items.len(),
        |ui, rows| {
            for i in rows {
                let item = &state.items[i];
                ui.horizontal(|ui| {
                    if ui
                        .small_button("Accept")
                        .on_hover_text("Tag this passage (a)")
                        .clicked()
                    {
                        action = Some((i, true));
                    }
                    if ui
                        .small_button("Reject")
                        .on_hover_text("Drop this suggestion (r)")
                        .clicked()
                    {
                        action = Some((i, false));
                    }
                    let (label, color) = stance_style(view.project(), &item.stance);
                    stance_chip(ui, &label, color);
                    let title = view
                        .project()
                        .article(item.article)
                        .map(|a| crate::core::text::snippet(&a.title, 30))
                        .unwrap_or_default();
                    // The passage first (it is what is judged), then its article.
                    let mut text = String::new();
                    if let Some(c) = item.confidence {
                        text.push_str(&format!("{:.0} %  ", c * 100.0));
                    }
                    text.push_str(&format!(
                        "{}  · {title}",
                        crate::core::text::snippet(&item.quote, ROW_QUOTE_CHARS)
                    ));
                    let row = ui.add(
                        egui::Button::selectable(i == state.current, RichText::new(text))
                            .truncate(),
                    );
                    if row.clicked() {
                        state.current = i;
                        commands.push(show(item));
                    }
                });
            }
        },
    );
    match action {
        Some((i, true)) => {
            let item = state.remove(i);
            commands.push(Command::AcceptSuggestions(vec![item]));
        }
        Some((i, false)) => commands.push(state.reject(i)),
        None => {}
    }
    commands
}

fn show(item: &Suggestion) -> Command {
    Command::RevealPassage {
        article: item.article,
        range: item.range,
    }
}

/// The project as suggestions and the classifier may see it: under blind coding, only the
/// analyst's own layer and gold (nobody learns from a colleague's coding before comparing).
fn coding_seen(view: &View<'_>) -> crate::core::model::Project {
    let project = view.project();
    if !project.team.blind {
        return project.clone();
    }
    let me = view.session.analyst().id;
    project.only_layers(|who| *who == me || who.is_gold())
}
