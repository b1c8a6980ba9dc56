//! Search the whole project (Ctrl+Shift+F): every article's text and every note, with the find
//! bar's toggles. The search runs on a worker thread as you type (a newer query cancels the
//! older one); results list the article and the line around each match; a click, or Enter and
//! Shift+Enter, shows the passage in the reader.

use std::sync::Arc;

use eframe::egui::{self, Key, RichText, text::LayoutJob};

use crate::analysis::search::{
    HIT_CONTEXT_CHARS, Hit, HitPlace, Pattern, ProjectHits, SearchOptions, search_project,
};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::Project;
use crate::ui::command::Command;
use crate::ui::reader::options_ui;
use crate::ui::state::View;

/// Width of the window, in points.
const WIDTH: f32 = 560.0;
/// Height of one result row, in points.
const ROW_HEIGHT: f32 = 36.0;
/// Height the window opens at, in points.
const WINDOW_HEIGHT: f32 = 480.0;

/// The search window's query, options, running search and results.
#[derive(Default)]
pub struct ProjectSearchState {
    /// What is searched for.
    pub query: String,
    /// Case, whole-word and regular-expression toggles.
    pub options: SearchOptions,
    /// The query and options the results (or the running search) are for.
    searched: Option<(String, SearchOptions)>,
    job: Option<Job<Option<ProjectHits>>>,
    /// The last finished search.
    pub results: Option<ProjectHits>,
    /// Why the query cannot be searched for.
    pub error: Option<String>,
    /// The highlighted result.
    pub current: usize,
    /// Whether the highlighted result was shown in the reader (the first Enter shows it, the
    /// next ones move on).
    shown: bool,
    focus_field: bool,
    /// The project revision the results were computed for; a change searches again.
    revision: Option<u64>,
}

impl ProjectSearchState {
    /// A window with its field focused.
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

    /// True while a search runs.
    pub fn is_searching(&self) -> bool {
        self.job.is_some()
    }

    /// Starts searching `project` for the current query (cancelling a running search).
    fn start(&mut self, project: &Project, revision: u64) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        self.searched = Some((self.query.clone(), self.options));
        self.revision = Some(revision);
        self.error = None;
        match Pattern::new(&self.query, self.options) {
            Ok(Some(pattern)) => {
                // Articles and annotations are shared: the snapshot costs a count per item.
                let snapshot = Arc::new(project.clone());
                self.job = Some(Job::spawn(JobKind::Search, self.query.clone(), move |p| {
                    search_project(&snapshot, &pattern, p)
                }));
            }
            Ok(None) => self.results = None,
            Err(e) => {
                self.results = None;
                self.error = Some(e.to_string());
            }
        }
    }

    /// Takes a finished search's results.
    fn poll(&mut self) {
        let Some(job) = &mut self.job else { return };
        match job.poll() {
            Polled::Running => {}
            Polled::Finished(result) => {
                self.job = None;
                if let Some(hits) = result {
                    self.current = 0;
                    self.shown = false;
                    self.results = Some(hits);
                }
            }
            Polled::Lost => self.job = None,
        }
    }

    /// Waits for the running search (tests).
    pub fn wait(&mut self) {
        if let Some(job) = self.job.take()
            && let Some(Some(hits)) = job.wait()
        {
            self.current = 0;
            self.shown = false;
            self.results = Some(hits);
        }
    }
}

/// The command that shows `hit`.
fn show(hit: &Hit) -> Command {
    match (&hit.place, hit.article) {
        (HitPlace::Text, Some(article)) => Command::RevealPassage {
            article,
            range: hit.range,
        },
        (HitPlace::Note(id), _) => Command::SelectAnnotation {
            id: *id,
            reveal: true,
        },
        (HitPlace::ArticleMemo, Some(article)) => Command::SelectArticle(article),
        _ => Command::ProjectMemo,
    }
}

/// Draws the window; returns whether it stays open and what to do.
pub fn project_search_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut ProjectSearchState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Search project", [WIDTH, WINDOW_HEIGHT]) {
        return shown;
    }
    let mut open = true;
    let mut commands = Vec::new();
    state.poll();
    let revision = view.session.workspace().revision();
    // Bottom right, over the annotations list rather than the text being read.
    let corner = ctx.content_rect().right_bottom() - egui::vec2(16.0, 40.0);
    super::sized_tool_window(ctx, "Search project", [WIDTH, WINDOW_HEIGHT])
        .open(&mut open)
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .default_pos(corner)
        .show(ctx, |ui| {
            super::fill_window(ui);
            let mut step = None;
            ui.horizontal(|ui| {
                let label = ui.label("Search");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut state.query)
                            .desired_width(WIDTH - 180.0)
                            .hint_text("text and notes of every article"),
                    )
                    .labelled_by(label.id);
                if state.focus_field {
                    field.request_focus();
                    state.focus_field = false;
                }
                if (field.has_focus() || field.lost_focus())
                    && ui.input(|i| i.key_pressed(Key::Enter))
                {
                    step = Some(!ui.input(|i| i.modifiers.shift));
                    field.request_focus();
                }
                options_ui(ui, &mut state.options);
            });
            let wanted = (state.query.clone(), state.options);
            if state.searched.as_ref() != Some(&wanted) || state.revision != Some(revision) {
                state.start(view.project(), revision);
            }
            status_line(ui, state);
            if let Some(forward) = step
                && let Some(results) = &state.results
                && !results.hits.is_empty()
            {
                let n = results.hits.len();
                if state.shown {
                    state.current = if forward {
                        (state.current + 1) % n
                    } else {
                        (state.current + n - 1) % n
                    };
                }
                state.shown = true;
                commands.push(show(&results.hits[state.current]));
            }
            if let Some(results) = &state.results {
                let clicked = results_ui(ui, view, results, &mut state.current);
                state.shown |= !clicked.is_empty();
                commands.extend(clicked);
            }
        });
    if state.is_searching() {
        ctx.request_repaint();
    }
    (open, commands)
}

fn status_line(ui: &mut egui::Ui, state: &mut ProjectSearchState) {
    ui.horizontal(|ui| {
        if let Some(error) = &state.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        } else if let Some(job) = &state.job {
            crate::ui::widgets::busy(ui);
            ui.label("Searching…");
            if ui.button("Cancel").clicked() {
                job.cancel();
                state.job = None;
            }
        } else if let Some(results) = &state.results {
            ui.label(results.summary());
        }
    });
}

fn results_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    results: &ProjectHits,
    current: &mut usize,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let project = view.project();
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        ROW_HEIGHT,
        results.hits.len(),
        |ui, rows| {
            for i in rows {
                let hit = &results.hits[i];
                let title = hit
                    .article
                    .and_then(|id| project.article(id))
                    .map(|a| crate::core::text::snippet(&a.title, 60))
                    .unwrap_or_default();
                let place = match hit.place {
                    HitPlace::Text => title,
                    HitPlace::Note(_) => format!("{title} — note"),
                    HitPlace::ArticleMemo => format!("{title} — memo"),
                    HitPlace::ProjectMemo => "Project memo".to_owned(),
                };
                let row = ui.add(
                    egui::Button::selectable(i == *current, hit_text(ui, &place, hit))
                        .min_size(egui::vec2(ui.available_width(), ROW_HEIGHT - 4.0)),
                );
                if row.clicked() {
                    *current = i;
                    commands.push(show(hit));
                }
            }
        },
    );
    commands
}

/// "…" where the context was cut short (it did not end at the line's end).
fn ellipsis(context: &str) -> &'static str {
    if context.chars().count() >= HIT_CONTEXT_CHARS {
        "…"
    } else {
        ""
    }
}

/// The article's title on one line, the match with its context on the next, the match bold.
fn hit_text(ui: &egui::Ui, place: &str, hit: &Hit) -> LayoutJob {
    let style = ui.style();
    let mut job = LayoutJob::default();
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    for (text, color, font) in [
        (format!("{place}\n"), weak, egui::TextStyle::Small),
        (
            format!("{}{}", ellipsis(&hit.before), hit.before),
            ui.visuals().text_color(),
            egui::TextStyle::Body,
        ),
        (hit.matched.clone(), strong, egui::TextStyle::Body),
        (
            format!("{}{}", hit.after, ellipsis(&hit.after)),
            ui.visuals().text_color(),
            egui::TextStyle::Body,
        ),
    ] {
        let mut rich = RichText::new(text).color(color).text_style(font);
        if color == strong {
            rich = rich.strong().underline();
        }
        rich.append_to(
            &mut job,
            style,
            egui::FontSelection::Default,
            egui::Align::Center,
        );
    }
    job.wrap.max_rows = 2;
    job
}
