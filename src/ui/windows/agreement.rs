//! The agreement window: how far the analysts agree, per stance, as a heat map of analysts ×
//! analysts (Krippendorff's α_U or Cohen's κ, each pair), the articles ranked by lowest
//! agreement, and what each measure means. A cell or an article opens the side-by-side
//! comparison. The figures are computed on a worker thread whenever the project changes.

use std::sync::Arc;

use eframe::egui::{self, Color32, RichText};

use crate::analysis::agreement::{self, Measure, Row, Unit};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::{AnalystId, ArticleId, Project, StanceId};
use crate::ui::command::Command;
use crate::ui::state::View;

/// Side of a heat-map cell, in points.
const CELL: f32 = 64.0;

/// What the figures were computed for: the project's revision, the unit and the analysts.
type Inputs = (u64, Unit, Vec<AnalystId>);

/// The rows measured and the units counted as missing for being coded several ways.
type Measured = (Vec<Row>, Vec<String>);

/// The window's figures and what is shown.
pub struct AgreementState {
    rows: Option<Arc<Vec<Row>>>,
    computed_for: Option<Inputs>,
    job: Option<(Inputs, Job<Option<Measured>>)>,
    /// With units: the units counted as missing because an analyst coded them several ways.
    pub ambiguous: Arc<Vec<String>>,
    /// The figures the analyst stopped measuring (not started again until something changes).
    stopped_for: Option<Inputs>,
    /// α_U or κ in the heat map.
    pub measure: Measure,
    /// Words or code points for κ, α and percent agreement.
    pub unit: Unit,
    /// The stance of the heat map (`None`: overall).
    pub stance: Option<StanceId>,
}

impl Default for AgreementState {
    fn default() -> Self {
        Self {
            rows: None,
            computed_for: None,
            job: None,
            ambiguous: Arc::default(),
            stopped_for: None,
            measure: Measure::AlphaU,
            unit: Unit::Word,
            stance: None,
        }
    }
}

/// The analysts compared: everyone with a layer but gold (and gold when it has one, last).
pub fn compared_analysts(project: &Project) -> Vec<AnalystId> {
    let mut ids: Vec<AnalystId> = project
        .annotations
        .analysts()
        .into_iter()
        .filter(|a| !a.is_gold())
        .cloned()
        .collect();
    if project.annotations.analysts().iter().any(|a| a.is_gold()) {
        ids.push(AnalystId::gold());
    }
    ids
}

impl AgreementState {
    fn refresh(&mut self, view: &View<'_>) {
        let project = view.project();
        let key = (
            view.session.workspace().revision(),
            self.unit,
            compared_analysts(project),
        );
        if let Some((for_key, job)) = &mut self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(Some((rows, ambiguous))) => {
                    self.computed_for = Some(for_key.clone());
                    self.rows = Some(Arc::new(rows));
                    self.ambiguous = Arc::new(ambiguous);
                    self.job = None;
                }
                Polled::Finished(None) => self.job = None,
                Polled::Lost => self.job = None,
            }
        }
        let running = self.job.as_ref().map(|(k, _)| k);
        if self.computed_for.as_ref() != Some(&key)
            && running != Some(&key)
            && self.stopped_for.as_ref() != Some(&key)
        {
            if let Some((_, old)) = self.job.take() {
                old.cancel();
            }
            if key.2.len() < 2 {
                self.rows = Some(Arc::new(Vec::new()));
                self.computed_for = Some(key);
                return;
            }
            let snapshot = Arc::new(project.clone());
            let request = agreement::Request {
                measures: Measure::ALL.to_vec(),
                unit: self.unit,
                analysts: key.2.clone(),
                article: None,
                stance: None,
            };
            let job = Job::spawn(JobKind::Statistics, "agreement", move |progress| {
                let rows = agreement::measure_with_progress(
                    &snapshot,
                    &request,
                    &|article, analyst| snapshot.counts_on(article, analyst),
                    Some(progress),
                )?;
                Some((rows, agreement::ambiguous_units(&snapshot, &request)))
            });
            self.job = Some((key, job));
        }
    }

    /// Waits for the figures being computed (tests).
    pub fn wait(&mut self) {
        if let Some((key, job)) = self.job.take()
            && let Some(Some((rows, ambiguous))) = job.wait()
        {
            self.computed_for = Some(key);
            self.rows = Some(Arc::new(rows));
            self.ambiguous = Arc::new(ambiguous);
        }
    }

    /// The corpus value of `measure` for the pair (a, b) and the stance (or overall).
    pub fn pair_value(&self, measure: Measure, a: &AnalystId, b: &AnalystId) -> Option<f64> {
        self.rows.as_ref()?.iter().find_map(|r| {
            (r.measure == measure
                && r.article_id.is_none()
                && r.stance_id == self.stance
                && r.analysts.len() == 2
                && ((r.analysts[0] == *a && r.analysts[1] == *b)
                    || (r.analysts[0] == *b && r.analysts[1] == *a)))
                .then_some(r.value)
                .flatten()
        })
    }
}

/// Red (0 or less) to green (1) through amber, for a value; grey when undefined.
fn heat(value: Option<f64>) -> Color32 {
    match value {
        None => Color32::from_gray(110),
        Some(v) => {
            let t = v.clamp(0.0, 1.0) as f32;
            let (r, g) = if t < 0.5 {
                (220.0, 60.0 + 300.0 * t)
            } else {
                (220.0 - 340.0 * (t - 0.5), 210.0)
            };
            Color32::from_rgb(r as u8, g as u8, 70)
        }
    }
}

fn shown(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

/// Draws the window; returns whether it stays open and what to do.
pub fn agreement_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut AgreementState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Agreement", [620.0, 600.0]) {
        return shown;
    }
    state.refresh(view);
    let mut open = true;
    let mut commands = Vec::new();
    let project = view.project();
    super::sized_tool_window(ctx, "Agreement", [620.0, 600.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            ui.horizontal(|ui| {
                ui.selectable_value(&mut state.measure, Measure::AlphaU, "α_U (passages)");
                ui.selectable_value(&mut state.measure, Measure::Kappa, "κ (per unit)");
                ui.separator();
                egui::ComboBox::from_id_salt("agreement_stance")
                    .selected_text(
                        state
                            .stance
                            .as_ref()
                            .map_or("all stances".to_owned(), |s| project.stances.path_label(s)),
                    )
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut state.stance, None, "all stances");
                        for (s, _) in project.stances.tree() {
                            ui.selectable_value(
                                &mut state.stance,
                                Some(s.id.clone()),
                                project.stances.path_label(&s.id),
                            );
                        }
                    });
                ui.separator();
                ui.label("unit:");
                ui.selectable_value(&mut state.unit, Unit::Word, "words");
                ui.selectable_value(&mut state.unit, Unit::Char, "characters");
                if project.articles.iter().any(|a| !a.units.is_empty()) {
                    ui.selectable_value(&mut state.unit, Unit::Unitised, "units")
                        .on_hover_text("The unitised articles' coding units: one code per unit per analyst (overall: nominal over the codes; an analyst's unit coded several ways counts as missing)");
                }
            });
            ui.label(RichText::new(state.measure.meaning()).weak());
            if state.unit == Unit::Unitised && !state.ambiguous.is_empty() {
                let list = state.ambiguous.iter().take(20).cloned().collect::<Vec<_>>();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "{} unit code(s) counted as missing: an analyst coded the unit several ways",
                        state.ambiguous.len()
                    ),
                )
                .on_hover_text(list.join("\n"));
            }
            ui.separator();
            let analysts = compared_analysts(project);
            if analysts.len() < 2 {
                ui.label(
                    "Agreement needs two analysts' layers. Merge a colleague's copy (Team menu: Merge analysts' work…) or let a second analyst code in this project folder.",
                );
                return;
            }
            if let Some((_, job)) = &state.job {
                // Measuring: how far, and a way to stop (large projects take seconds).
                let fraction = job.progress().fraction().unwrap_or(0.0);
                let mut stop = false;
                ui.horizontal(|ui| {
                    crate::ui::widgets::busy(ui);
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(220.0)
                            .text(if state.rows.is_some() { "Measuring again…" } else { "Measuring…" }),
                    );
                    stop = ui.button("Cancel").clicked();
                });
                if stop && let Some((key, job)) = state.job.take() {
                    job.cancel();
                    state.stopped_for = Some(key);
                }
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            } else if state.stopped_for.is_some() {
                ui.horizontal(|ui| {
                    ui.label(if state.rows.is_some() {
                        "Stopped: the figures below are from before the last change."
                    } else {
                        "Stopped."
                    });
                    if ui.button("Measure again").clicked() {
                        state.stopped_for = None;
                    }
                });
            }
            let Some(rows) = state.rows.clone() else {
                return;
            };
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.strong("Each pair of analysts, over the corpus (click a cell to compare them)");
                    commands.extend(heat_map_ui(ui, project, state, &analysts));
                    ui.add_space(8.0);
                    ui.strong("Articles, lowest agreement first (all analysts together, α_U overall)");
                    commands.extend(ranked_articles_ui(ui, project, &rows, &analysts));
                    ui.add_space(8.0);
                    ui.collapsing("What the measures mean", |ui| {
                        for m in Measure::ALL {
                            ui.label(RichText::new(m.name()).strong());
                            ui.label(m.meaning());
                        }
                        ui.label(
                            "A value is “—” where it is undefined (nobody marked anything, or nothing could be expected to differ), never 0 or 1. An analyst counts on an article once they marked it coded (Team menu: Mark article coded) or tagged something in it. The corpus α_U is the mean over the articles where it is defined; κ and α pool the units of those articles.",
                        );
                    });
                });
        });
    (open, commands)
}

fn heat_map_ui(
    ui: &mut egui::Ui,
    project: &Project,
    state: &AgreementState,
    analysts: &[AnalystId],
) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Grid::new("agreement_heat_map")
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            ui.label("");
            for b in analysts {
                ui.label(RichText::new(project.analyst_name(b)).strong());
            }
            ui.end_row();
            for a in analysts {
                ui.label(RichText::new(project.analyst_name(a)).strong());
                for b in analysts {
                    if a == b {
                        ui.add_sized([CELL, CELL * 0.5], egui::Label::new("·"));
                        continue;
                    }
                    let value = state.pair_value(state.measure, a, b);
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(CELL, CELL * 0.5), egui::Sense::click());
                    ui.painter().rect_filled(rect, 3.0, heat(value));
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        shown(value),
                        egui::FontId::proportional(14.0),
                        Color32::BLACK,
                    );
                    let response = response.on_hover_text(format!(
                        "{} between {} and {}: {}. Click to compare them side by side.",
                        state.measure.name(),
                        project.analyst_name(a),
                        project.analyst_name(b),
                        shown(value)
                    ));
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("{} {} {}", a, b, shown(value)),
                        )
                    });
                    if response.clicked() {
                        commands.push(Command::CompareAnalysts(a.clone(), b.clone()));
                    }
                }
                ui.end_row();
            }
        });
    commands
}

fn ranked_articles_ui(
    ui: &mut egui::Ui,
    project: &Project,
    rows: &[Row],
    analysts: &[AnalystId],
) -> Vec<Command> {
    let mut commands = Vec::new();
    let whole: Vec<&AnalystId> = analysts.iter().collect();
    let mut ranked: Vec<(ArticleId, &str, Option<f64>)> = rows
        .iter()
        .filter(|r| {
            r.measure == Measure::AlphaU
                && r.stance_id.is_none()
                && r.article_id.is_some()
                && r.analysts.iter().collect::<Vec<_>>() == whole
        })
        .map(|r| {
            (
                r.article_id.expect("filtered"),
                r.article_title.as_str(),
                r.value,
            )
        })
        .collect();
    // Undefined last; then lowest first.
    ranked.sort_by(|x, y| match (x.2, y.2) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => x.1.cmp(y.1),
    });
    for (article, title, value) in ranked {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(44.0, 18.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, heat(value));
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                shown(value),
                egui::FontId::proportional(12.0),
                Color32::BLACK,
            );
            if ui
                .link(crate::core::text::snippet(title, 70))
                .on_hover_text("Show the article and compare the first two analysts on it")
                .clicked()
            {
                commands.push(Command::SelectArticle(article));
                if analysts.len() >= 2 {
                    commands.push(Command::CompareAnalysts(
                        analysts[0].clone(),
                        analysts[1].clone(),
                    ));
                }
            }
        });
    }
    let _ = project;
    commands
}
