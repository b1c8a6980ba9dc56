//! The statistics window: per stance, for the whole project or the article shown — annotation
//! counts and annotated code points (a bar chart and a table), stance co-occurrence (a matrix)
//! and where each stance falls along the articles' length (a line chart). The figures are
//! computed on a worker thread whenever the project changes; the numbers export as CSV and the
//! chart shown saves as PNG.

use std::sync::Arc;

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use crate::analysis::stats::{ALONG_BINS, Counts, Stats};
use crate::analysis::timeline::{PeriodBy, Timeline, UNDATED};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::ArticleId;
use crate::formats::export::ExportFormat;
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::stance_style;

/// Height of a chart, in points.
const CHART_HEIGHT: f32 = 260.0;
/// Margin kept around a chart saved as PNG, in points.
const CHART_MARGIN: f32 = 2.0;
/// Side of a co-occurrence cell, in points.
const CELL: f32 = 44.0;

/// Which chart the window shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatsTab {
    /// Annotations and annotated code points per stance.
    #[default]
    Counts,
    /// Pairs of overlapping annotations per pair of stances.
    Cooccurrence,
    /// Where each stance falls along the articles' length.
    Along,
    /// Per period of the articles' dates, or per outlet.
    OverTime,
    /// Each code's share of the coded units of unitised articles (the Manifesto "per" values).
    Shares,
}

/// How the over-time chart is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeChart {
    /// Stacked bars per period.
    #[default]
    Stacked,
    /// One line per stance.
    Lines,
}

/// The window's figures, the job computing them and what is shown.
#[derive(Default)]
pub struct StatsState {
    /// The figures of the project as of `revision`.
    pub stats: Option<Arc<Stats>>,
    revision: Option<StatsKey>,
    job: Option<(StatsKey, Job<Stats>)>,
    /// The chart shown.
    pub tab: StatsTab,
    /// Only the article shown in the reader (else the whole project).
    pub article_only: bool,
    /// The screen rectangle of the chart in the last frame (what "Save chart as PNG" saves).
    pub chart_rect: Option<egui::Rect>,
    /// Periods (or outlets) of the over-time tab.
    pub by: Option<PeriodBy>,
    /// Stacked bars or lines.
    pub time_chart: TimeChart,
    /// The over-time figures, for (revision and layers, by).
    pub timeline: Option<Arc<Timeline>>,
    timeline_for: Option<(StatsKey, PeriodBy)>,
    timeline_job: Option<((StatsKey, PeriodBy), Job<Timeline>)>,
    /// The shares of coded units (this analyst's codes), as of a revision.
    shares: Option<(u64, Arc<Shares>)>,
}

/// The shares of coded units, or why there are none.
type Shares = Result<Vec<crate::analysis::stats::ShareRow>, String>;

/// What the figures were computed from: the project's revision and the layers shown.
type StatsKey = (u64, Vec<crate::core::model::AnalystId>);

/// The Shares tab: each code's share of this analyst's coded units, per unitised article (the
/// one shown, with "This article only") or over all of them; worked out once per revision.
fn shares_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut StatsState) {
    let revision = view.session.workspace().revision();
    if state.shares.as_ref().is_none_or(|(r, _)| *r != revision) {
        let me = view.session.analyst().id;
        state.shares = Some((
            revision,
            Arc::new(crate::analysis::stats::shares(view.project(), Some(&me))),
        ));
    }
    let Some((_, shares)) = &state.shares else {
        return;
    };
    let rows = match shares.as_ref() {
        Ok(rows) => rows,
        Err(e) => {
            ui.label(e);
            return;
        }
    };
    let article = view.focus.article.filter(|_| state.article_only);
    let shown: Vec<&crate::analysis::stats::ShareRow> =
        rows.iter().filter(|r| r.article_id == article).collect();
    if shown.is_empty() {
        ui.label("No coded units yet (Units → Unitise article, then U to code unit by unit).");
        return;
    }
    ui.weak("Share of your coded units (000 included; headings and uncoded units not), a category including its sub-categories, a domain its categories. stancemark stats --shares writes the same as CSV.");
    egui::ScrollArea::vertical()
        .id_salt("shares")
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new("shares_grid")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    for h in ["code", "label", "kind", "units", "percent"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for r in shown {
                        ui.label(&r.code);
                        ui.label(&r.label);
                        ui.weak(r.kind);
                        ui.label(r.units.to_string());
                        ui.label(format!("{:.1} %", r.percent));
                        ui.end_row();
                    }
                });
        });
}

impl StatsState {
    /// Starts computing the figures when the project changed since they were computed, and
    /// takes them when the worker is done.
    fn refresh(&mut self, view: &View<'_>) {
        let revision: StatsKey = (
            view.session.workspace().revision(),
            view.hidden_analysts.iter().cloned().collect(),
        );
        if let Some((for_revision, job)) = &mut self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(stats) => {
                    self.revision = Some(for_revision.clone());
                    self.stats = Some(Arc::new(stats));
                    self.job = None;
                }
                Polled::Lost => self.job = None,
            }
        }
        let running_for = self.job.as_ref().map(|(r, _)| r.clone());
        if self.revision.as_ref() != Some(&revision) && running_for.as_ref() != Some(&revision) {
            if let Some((_, old)) = self.job.take() {
                old.cancel();
            }
            // Only the layers shown count (Team → Layers).
            let snapshot = Arc::new(if view.hidden_analysts.is_empty() {
                view.project().clone()
            } else {
                view.project()
                    .only_layers(|who| !view.hidden_analysts.contains(who))
            });
            let job = Job::spawn(JobKind::Statistics, "statistics", move |_| {
                Stats::of(&snapshot)
            });
            self.job = Some((revision, job));
        }
    }

    /// Waits for the figures being computed (tests).
    pub fn wait(&mut self) {
        if let Some((revision, job)) = self.job.take()
            && let Some(stats) = job.wait()
        {
            self.revision = Some(revision);
            self.stats = Some(Arc::new(stats));
        }
        if let Some((key, job)) = self.timeline_job.take()
            && let Some(t) = job.wait()
        {
            self.timeline_for = Some(key);
            self.timeline = Some(Arc::new(t));
        }
    }

    /// The periods chosen (month by default).
    pub fn period_by(&self) -> PeriodBy {
        self.by.unwrap_or(PeriodBy::Month)
    }

    /// Starts the over-time figures for the project as shown, on a worker.
    fn refresh_timeline(&mut self, view: &View<'_>) {
        let key: (StatsKey, PeriodBy) = (
            (
                view.session.workspace().revision(),
                view.hidden_analysts.iter().cloned().collect(),
            ),
            self.period_by(),
        );
        if let Some((for_key, job)) = &mut self.timeline_job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(t) => {
                    self.timeline_for = Some(for_key.clone());
                    self.timeline = Some(Arc::new(t));
                    self.timeline_job = None;
                }
                Polled::Lost => self.timeline_job = None,
            }
        }
        let running = self.timeline_job.as_ref().map(|(k, _)| k.clone());
        if self.timeline_for.as_ref() != Some(&key) && running.as_ref() != Some(&key) {
            if let Some((_, old)) = self.timeline_job.take() {
                old.cancel();
            }
            let snapshot = Arc::new(if view.hidden_analysts.is_empty() {
                view.project().clone()
            } else {
                view.project()
                    .only_layers(|who| !view.hidden_analysts.contains(who))
            });
            let by = key.1;
            let job = Job::spawn(JobKind::Statistics, "stance over time", move |_| {
                Timeline::of(&snapshot, by)
            });
            self.timeline_job = Some((key, job));
        }
    }
}

/// Draws the window; returns whether it stays open and what to do.
pub fn statistics_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut StatsState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Statistics", [640.0, 560.0]) {
        return shown;
    }
    state.refresh(view);
    let mut open = true;
    let mut commands = Vec::new();
    super::sized_tool_window(ctx, "Statistics", [640.0, 560.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            ui.horizontal(|ui| {
                ui.selectable_value(&mut state.tab, StatsTab::Counts, "Counts");
                ui.selectable_value(&mut state.tab, StatsTab::Cooccurrence, "Co-occurrence");
                ui.selectable_value(&mut state.tab, StatsTab::Along, "Along the text");
                ui.selectable_value(&mut state.tab, StatsTab::OverTime, "Over time");
                if view.project().articles.iter().any(|a| !a.units.is_empty()) {
                    ui.selectable_value(&mut state.tab, StatsTab::Shares, "Shares of units")
                        .on_hover_text("Each code's share of your coded units, rolled up into categories and domains (the Manifesto Project's per variables)");
                }
                ui.separator();
                let shown = view.focus.article;
                ui.add_enabled_ui(shown.is_some(), |ui| {
                    ui.checkbox(&mut state.article_only, "This article only")
                        .on_hover_text("Figures for the article in the reader");
                });
            });
            ui.separator();
            if state.tab == StatsTab::OverTime {
                state.refresh_timeline(view);
                commands.extend(over_time_ui(ui, view, state));
                return;
            }
            if state.tab == StatsTab::Shares {
                shares_ui(ui, view, state);
                return;
            }
            let Some(stats) = state.stats.clone() else {
                ui.horizontal(|ui| {
                    crate::ui::widgets::busy(ui);
                    ui.label("Counting…");
                });
                return;
            };
            let article = view.focus.article.filter(|_| state.article_only);
            // The figures scroll inside the window; the buttons stay at the bottom.
            let buttons_height = 2.0 * ui.spacing().interact_size.y + 16.0;
            let chart = egui::ScrollArea::vertical()
                .id_salt("stats_figures")
                .auto_shrink(false)
                .max_height((ui.available_height() - buttons_height).max(120.0))
                .show(ui, |ui| match state.tab {
                    StatsTab::Counts => counts_ui(ui, view, &stats, article),
                    StatsTab::Cooccurrence => cooccurrence_ui(ui, view, &stats, article.is_some()),
                    StatsTab::Along | StatsTab::OverTime | StatsTab::Shares => {
                        along_ui(ui, view, &stats, article)
                    }
                })
                .inner;
            // The chart alone, with a margin of the window's own colour around it.
            state.chart_rect = Some(chart.expand(CHART_MARGIN));
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Export numbers as CSV…")
                    .on_hover_text(ExportFormat::Stats.purpose())
                    .clicked()
                {
                    commands.push(Command::Export(ExportFormat::Stats));
                }
                if ui
                    .button("Export co-occurrence as CSV…")
                    .on_hover_text(ExportFormat::Cooccurrence.purpose())
                    .clicked()
                {
                    commands.push(Command::Export(ExportFormat::Cooccurrence));
                }
                // The SVG of the chart shown (for the whole project).
                let svg = match state.tab {
                    StatsTab::Counts => ExportFormat::ChartSvg,
                    StatsTab::Cooccurrence => ExportFormat::CooccurrenceSvg,
                    StatsTab::Along | StatsTab::OverTime | StatsTab::Shares => {
                        ExportFormat::AlongSvg
                    }
                };
                if ui
                    .button("Save chart as SVG…")
                    .on_hover_text(format!("{} (whole project)", svg.purpose()))
                    .clicked()
                {
                    commands.push(Command::Export(svg));
                }
                if ui
                    .button("Save chart as PNG…")
                    .on_hover_text("The chart as shown, as a PNG image")
                    .clicked()
                {
                    commands.push(Command::SaveChart);
                }
            });
        });
    if state.job.is_some() || state.timeline_job.is_some() {
        ctx.request_repaint();
    }
    (open, commands)
}

/// The over-time tab: the period choice, the chart (stacked bars or lines), the table, the
/// undated articles named, and its exports.
fn over_time_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut StatsState) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        ui.label("By");
        let mut by = state.period_by();
        egui::ComboBox::from_id_salt("stats_by")
            .selected_text(by.name())
            .show_ui(ui, |ui| {
                for b in PeriodBy::ALL {
                    ui.selectable_value(&mut by, b, b.name());
                }
            });
        state.by = Some(by);
        ui.selectable_value(&mut state.time_chart, TimeChart::Stacked, "stacked");
        ui.selectable_value(&mut state.time_chart, TimeChart::Lines, "lines");
    });
    let Some(t) = state.timeline.clone() else {
        ui.horizontal(|ui| {
            crate::ui::widgets::busy(ui);
            ui.label("Counting…");
        });
        return commands;
    };
    let buttons_height = 2.0 * ui.spacing().interact_size.y + 16.0;
    let chart = egui::ScrollArea::vertical()
        .id_salt("stats_over_time")
        .auto_shrink(false)
        .max_height((ui.available_height() - buttons_height).max(120.0))
        .show(ui, |ui| {
            let top: Vec<usize> = (0..t.stances.len())
                .filter(|&i| t.stances[i].depth == 0)
                .collect();
            let labels = t.periods.clone();
            let rect = ui
                .scope(|ui| {
                    Plot::new("stats_time")
                        .height(CHART_HEIGHT)
                        .allow_drag(false)
                        .allow_zoom(false)
                        .allow_scroll(false)
                        .include_y(0.0)
                        .y_axis_label("annotations")
                        .legend(Legend::default())
                        .x_axis_formatter(move |mark, _| {
                            let i = mark.value.round();
                            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                                labels.get(i as usize).cloned().unwrap_or_default()
                            } else {
                                String::new()
                            }
                        })
                        .show(ui, |plot| match state.time_chart {
                            TimeChart::Stacked => {
                                let mut below: Vec<&BarChart> = Vec::new();
                                let mut charts = Vec::new();
                                for &i in &top {
                                    let s = &t.stances[i];
                                    let bars: Vec<Bar> = t
                                        .counts
                                        .iter()
                                        .enumerate()
                                        .map(|(p, row)| {
                                            Bar::new(p as f64, row[i].annotations as f64)
                                                .width(0.7)
                                                .name(format!(
                                                    "{} · {}: {} (+{} -{} 0:{})",
                                                    t.periods[p],
                                                    s.label,
                                                    row[i].annotations,
                                                    row[i].supports,
                                                    row[i].opposes,
                                                    row[i].neutral
                                                ))
                                        })
                                        .collect();
                                    let chart = BarChart::new(s.label.clone(), bars)
                                        .color(color_of(view, &s.id))
                                        .stack_on(&below);
                                    charts.push(chart);
                                    below = charts.iter().collect();
                                }
                                for c in charts {
                                    plot.bar_chart(c);
                                }
                            }
                            TimeChart::Lines => {
                                for &i in &top {
                                    let s = &t.stances[i];
                                    let points: PlotPoints = t
                                        .counts
                                        .iter()
                                        .enumerate()
                                        .map(|(p, row)| [p as f64, row[i].annotations as f64])
                                        .collect();
                                    plot.line(
                                        Line::new(s.label.clone(), points)
                                            .color(color_of(view, &s.id))
                                            .width(2.0),
                                    );
                                }
                            }
                        })
                })
                .response
                .rect;
            egui::Grid::new("stats_time_table")
                .striped(true)
                .show(ui, |ui| {
                    ui.strong(state.period_by().name());
                    for s in &t.stances {
                        ui.label(RichText::new(&s.label).color(color_of(view, &s.id)).strong());
                    }
                    ui.end_row();
                    for (p, row) in t.periods.iter().zip(&t.counts) {
                        ui.label(p);
                        for c in row {
                            ui.label(format!("{} (+{} -{})", c.annotations, c.supports, c.opposes))
                                .on_hover_text(format!(
                                    "{} supporting, {} opposing, {} neutral, {} without a position",
                                    c.supports,
                                    c.opposes,
                                    c.neutral,
                                    c.annotations - c.supports - c.opposes - c.neutral
                                ));
                        }
                        ui.end_row();
                    }
                });
            if !t.undated.is_empty() {
                ui.weak(format!(
                    "{} article(s) without a date (YYYY[-MM[-DD]] under Details) are counted apart as {UNDATED}: {}",
                    t.undated.len(),
                    t.undated.join("; ")
                ));
            }
            rect
        })
        .inner;
    state.chart_rect = Some(chart.expand(CHART_MARGIN));
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        for (file, label) in [
            (TimelineFile::Csv, "Export as CSV…"),
            (TimelineFile::Svg, "Save chart as SVG…"),
        ] {
            if ui
                .button(label)
                .on_hover_text(Command::ExportTimeline(file).tooltip())
                .clicked()
            {
                commands.push(Command::ExportTimeline(file));
            }
        }
        if ui
            .button("Save chart as PNG…")
            .on_hover_text("The chart as shown, as a PNG image")
            .clicked()
        {
            commands.push(Command::SaveChart);
        }
    });
    commands
}

/// The files the over-time figures are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimelineFile {
    /// `period, stance_id, stance_label, annotations, supports, opposes, neutral`.
    Csv,
    /// The stacked bar chart.
    Svg,
}

impl TimelineFile {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Svg => "svg",
        }
    }

    /// The figures in this form.
    pub fn write(
        self,
        t: &Timeline,
        project: &crate::core::model::Project,
    ) -> Result<String, String> {
        match self {
            Self::Csv => t.to_csv().map_err(|e| e.to_string()),
            Self::Svg => Ok(t.svg(project)),
        }
    }
}

/// The counts of `article` (or of the whole project).
fn counts_of(stats: &Stats, article: Option<ArticleId>) -> (&[Counts], usize) {
    match article.and_then(|id| stats.articles.iter().find(|a| a.id == id)) {
        Some(row) => (&row.counts, row.length),
        None => (
            &stats.project,
            stats.articles.iter().map(|a| a.length).sum(),
        ),
    }
}

/// The counts chart and its table; returns the chart's rectangle.
fn counts_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    stats: &Stats,
    article: Option<ArticleId>,
) -> egui::Rect {
    let (counts, length) = counts_of(stats, article);
    let bars: Vec<Bar> = stats
        .stances
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (s, c))| {
            Bar::new(i as f64, c.annotations as f64)
                .name(&s.label)
                .fill(color_of(view, &s.id))
                .width(0.7)
        })
        .collect();
    let labels: Vec<String> = stats.stances.iter().map(|s| s.label.clone()).collect();
    // Room above the tallest bar, so its value and label are not cut by the frame.
    let tallest = counts.iter().map(|c| c.annotations).max().unwrap_or(0) as f64;
    // The scope holds the plot with its axes and their labels.
    let chart = ui
        .scope(|ui| {
            Plot::new("stats_counts")
                .height(CHART_HEIGHT)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .include_y(0.0)
                .include_y((tallest * 1.15).max(1.0))
                .y_axis_label("annotations")
                .x_axis_formatter(move |mark, _| {
                    let i = mark.value.round();
                    if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                        labels.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .show(ui, |plot| {
                    plot.bar_chart(BarChart::new("annotations", bars))
                })
        })
        .response
        .rect;
    egui::Grid::new("stats_counts_table")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            ui.strong("stance");
            ui.strong("annotations");
            ui.strong("annotated code points");
            ui.strong("share of the text");
            ui.end_row();
            for (s, c) in stats.stances.iter().zip(counts) {
                ui.label(RichText::new(&s.label).color(color_of(view, &s.id)));
                ui.label(c.annotations.to_string());
                ui.label(c.code_points.to_string());
                ui.label(format!(
                    "{:.1} %",
                    100.0 * c.code_points as f64 / length.max(1) as f64
                ));
                ui.end_row();
            }
        });
    chart
}

/// The co-occurrence matrix; returns its rectangle.
fn cooccurrence_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    stats: &Stats,
    article_only: bool,
) -> egui::Rect {
    let max = crate::analysis::stats::scale_top(stats.cooccurrence.iter().flatten().copied());
    ui.label(if article_only {
        "Pairs of overlapping annotations, for each pair of stances (whole project):"
    } else {
        "Pairs of overlapping annotations, for each pair of stances:"
    });
    // Each column as wide as its heading needs, so headings never run together.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widths: Vec<f32> = stats
        .stances
        .iter()
        .map(|s| {
            let galley = ui.painter().layout_no_wrap(
                s.label.clone(),
                font.clone(),
                ui.visuals().text_color(),
            );
            (galley.size().x + 10.0).max(CELL)
        })
        .collect();
    egui::Grid::new("stats_cooccurrence")
        .spacing([4.0, 2.0])
        .show(ui, |ui| {
            ui.label("");
            for (s, width) in stats.stances.iter().zip(&widths) {
                ui.add_sized(
                    [*width, ui.spacing().interact_size.y],
                    egui::Label::new(RichText::new(&s.label).color(color_of(view, &s.id))),
                );
            }
            ui.end_row();
            for (s, row) in stats.stances.iter().zip(&stats.cooccurrence) {
                ui.label(RichText::new(&s.label).color(color_of(view, &s.id)));
                for (n, width) in row.iter().zip(&widths) {
                    let strength = *n as f32 / max as f32;
                    let (rect, _) = ui
                        .allocate_exact_size(egui::vec2(*width, CELL * 0.6), egui::Sense::hover());
                    let fill =
                        Color32::from_rgb(52, 120, 246).gamma_multiply(0.15 + 0.85 * strength);
                    ui.painter().rect_filled(
                        rect,
                        3.0,
                        if *n == 0 { Color32::TRANSPARENT } else { fill },
                    );
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        n.to_string(),
                        egui::FontId::proportional(13.0),
                        ui.visuals().strong_text_color(),
                    );
                }
                ui.end_row();
            }
        })
        .response
        .rect
}

/// The chart of where stances fall along the text; returns its rectangle.
fn along_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    stats: &Stats,
    article: Option<ArticleId>,
) -> egui::Rect {
    let (along, what) = match article.and_then(|id| stats.articles.iter().find(|a| a.id == id)) {
        Some(row) => (&row.along, "this article"),
        None => (&stats.along, "their article, all articles together"),
    };
    ui.label(format!("Annotations starting in each twentieth of {what}:"));
    ui.scope(|ui| {
        Plot::new("stats_along")
            .height(CHART_HEIGHT)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .include_y(0.0)
            .include_x(0.0)
            .include_x(100.0)
            .x_axis_label("position in the article (%)")
            .y_axis_label("annotations")
            .legend(Legend::default())
            .show(ui, |plot| {
                for (s, bins) in stats.stances.iter().zip(along) {
                    let width = 100.0 / ALONG_BINS as f64;
                    let points: Vec<[f64; 2]> = bins
                        .iter()
                        .enumerate()
                        .map(|(k, n)| [(k as f64 + 0.5) * width, *n as f64])
                        .collect();
                    plot.line(
                        Line::new(s.label.clone(), PlotPoints::from(points))
                            .color(color_of(view, &s.id))
                            .width(2.0),
                    );
                }
            })
    })
    .response
    .rect
}

fn color_of(view: &View<'_>, id: &crate::core::model::StanceId) -> Color32 {
    stance_style(view.project(), id).1
}

/// `image` cropped to `rect` (in points, at `pixels_per_point`), as PNG bytes, every pixel
/// made opaque over `background` (the theme's window colour).
pub fn png_of(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    background: Color32,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut region = image.region(&rect, Some(pixels_per_point));
    for pixel in &mut region.pixels {
        *pixel = background.to_opaque().blend(*pixel);
    }
    let [w, h] = region.size;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w as u32, h as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        let bytes: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer.write_image_data(&bytes)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_png_is_the_cropped_region() {
        let mut image = egui::ColorImage::filled([40, 20], Color32::WHITE);
        image[(10, 5)] = Color32::RED;
        let rect = egui::Rect::from_min_size(egui::pos2(5.0, 2.5), egui::vec2(10.0, 5.0));
        // 2 pixels per point: the region is pixels 10..30 × 5..15.
        image[(11, 5)] = Color32::TRANSPARENT;
        let bytes = png_of(&image, rect, 2.0, Color32::from_rgb(27, 27, 27)).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (20, 10));
        assert_eq!(&buf[..4], &[255, 0, 0, 255], "the red pixel is the corner");
        assert_eq!(
            &buf[4..8],
            &[27, 27, 27, 255],
            "a see-through pixel shows the background"
        );
        assert_eq!(&buf[8..12], &[255, 255, 255, 255]);
    }
}
