//! The discourse network view: the network the options define, drawn with egui's painter
//! over a force-directed layout. Nodes are coloured by actor type (stances by their colour),
//! edges are as wide as their weight and green for agreement, red for conflict (grey where
//! the aggregation has no sign); a minimum weight hides light edges; with time windows a
//! slider steps through them; a click on a node lists its passages, each shown in the reader.
//!
//! The network is built on a worker (with Cancel) whenever the project or the options change;
//! the layout settles a few steps per frame, so no frame waits for either.

use std::collections::BTreeMap;
use std::sync::Arc;

use eframe::egui::{self, Color32, Pos2, Stroke};

use super::{fill_window, sized_tool_window};
use crate::analysis::discourse::{
    self, Aggregation, DiscourseNetwork, Field, Filter, Level, NetworkOptions, NetworkType,
    Normalization, Of,
};
use crate::analysis::layout::Layout;
use crate::analysis::network::Duplicates;
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::AnnotationId;
use crate::formats::network::NetworkFile;
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::to_color;

/// Colours of actor types, in the order of the project's list.
const TYPE_COLORS: [Color32; 10] = [
    Color32::from_rgb(0x1f, 0x77, 0xb4),
    Color32::from_rgb(0xff, 0x7f, 0x0e),
    Color32::from_rgb(0x94, 0x67, 0xbd),
    Color32::from_rgb(0x8c, 0x56, 0x4b),
    Color32::from_rgb(0xe3, 0x77, 0xc2),
    Color32::from_rgb(0x17, 0xbe, 0xcf),
    Color32::from_rgb(0xbc, 0xbd, 0x22),
    Color32::from_rgb(0x7f, 0x7f, 0x7f),
    Color32::from_rgb(0x2c, 0x5f, 0x2d),
    Color32::from_rgb(0x8b, 0x0a, 0x50),
];
/// An edge of agreement.
pub const AGREE: Color32 = Color32::from_rgb(0x2c, 0xa0, 0x2c);
/// An edge of conflict.
pub const CONFLICT: Color32 = Color32::from_rgb(0xd6, 0x27, 0x28);
/// Both (a two-mode `combine` of 3).
const BOTH: Color32 = Color32::from_rgb(0xe6, 0x9f, 0x00);

/// The kinds of network the window offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Actor × actor through shared stances.
    Actors,
    /// Stance × stance through shared actors.
    Stances,
    /// Actor × stance.
    TwoMode,
}

type Built = Result<DiscourseNetwork, String>;

/// The window's options, network, layout and chosen node.
pub struct NetworkState {
    /// Which network.
    pub shape: Shape,
    /// Persons or organisations.
    pub level: Level,
    /// The aggregation.
    pub aggregation: Aggregation,
    /// The normalisation.
    pub normalization: Normalization,
    /// The position as qualifier.
    pub qualifier: bool,
    /// Which repeats count once.
    pub duplicates: Duplicates,
    /// Keep nodes of filtered-out statements.
    pub isolates: bool,
    /// Left out (field, value).
    pub excluded: Vec<(Field, String)>,
    /// Time windows (width, step) as typed, and whether they are on.
    pub windows: (bool, String, String),
    /// The window shown (with time windows).
    pub window: usize,
    /// Edges lighter than this are hidden.
    pub min_weight: f64,
    /// The node clicked (its index among the drawn nodes).
    pub chosen: Option<usize>,
    built: Option<(Key, Arc<Built>)>,
    job: Option<(Key, Job<Built>)>,
    layout: Option<(Vec<String>, Layout)>,
    /// Where each node was drawn last frame (screen points).
    drawn: Vec<Pos2>,
}

type Key = (u64, String);

impl Default for NetworkState {
    fn default() -> Self {
        Self {
            shape: Shape::Actors,
            level: Level::Person,
            aggregation: Aggregation::Congruence,
            normalization: Normalization::None,
            qualifier: true,
            duplicates: Duplicates::Include,
            isolates: false,
            excluded: Vec::new(),
            windows: (false, "1m".to_owned(), "1m".to_owned()),
            window: 0,
            min_weight: 0.0,
            chosen: None,
            built: None,
            job: None,
            layout: None,
            drawn: Vec::new(),
        }
    }
}

impl NetworkState {
    /// The options the controls describe (`Err`: a window span that does not read).
    pub fn options(&self) -> Result<NetworkOptions, String> {
        let (kind, of) = match self.shape {
            Shape::Actors => (NetworkType::OneMode, Of::Actors),
            Shape::Stances => (NetworkType::OneMode, Of::Stances),
            Shape::TwoMode => (NetworkType::TwoMode, Of::Actors),
        };
        let window = if self.windows.0 {
            let span = |t: &str| {
                discourse::parse_span(t)
                    .ok_or_else(|| format!("“{t}” is not a span: write 30d, 2w, 1m or 50s"))
            };
            Some((span(&self.windows.1)?, span(&self.windows.2)?))
        } else {
            None
        };
        Ok(NetworkOptions {
            kind,
            of,
            level: self.level,
            qualifier: self.qualifier,
            aggregation: self.aggregation,
            normalization: self.normalization,
            duplicates: self.duplicates,
            isolates: self.isolates,
            filters: self
                .excluded
                .iter()
                .map(|(field, value)| Filter {
                    field: *field,
                    value: value.clone(),
                    only: false,
                })
                .collect(),
            from: None,
            to: None,
            window,
        })
    }

    /// Where node `i` (rows, then two-mode columns) was drawn last frame.
    pub fn node_pos(&self, i: usize) -> Option<Pos2> {
        self.drawn.get(i).copied()
    }

    /// The network shown, once built.
    pub fn network(&self) -> Option<&DiscourseNetwork> {
        self.built
            .as_ref()
            .and_then(|(_, b)| b.as_ref().as_ref().ok())
    }

    /// Waits for the network being built (tests).
    pub fn wait(&mut self) {
        if let Some((key, job)) = self.job.take()
            && let Some(built) = job.wait()
        {
            self.built = Some((key, Arc::new(built)));
        }
    }

    fn refresh(&mut self, view: &View<'_>) {
        // A type's aggregation and normalisation must fit it.
        let kind = match self.shape {
            Shape::TwoMode => NetworkType::TwoMode,
            _ => NetworkType::OneMode,
        };
        if !Aggregation::fitting(kind).contains(&self.aggregation) {
            self.aggregation = Aggregation::fitting(kind)[0];
        }
        if !Normalization::fitting(kind).contains(&self.normalization)
            || (self.aggregation == Aggregation::Combine
                && self.normalization != Normalization::None)
        {
            self.normalization = Normalization::None;
        }
        let options = self.options();
        let key: Key = (view.session.workspace().revision(), format!("{options:?}"));
        if let Some((k, job)) = &mut self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(built) => {
                    self.built = Some((k.clone(), Arc::new(built)));
                    self.job = None;
                }
                Polled::Lost => self.job = None,
            }
        }
        let current = self.built.as_ref().is_some_and(|(k, _)| *k == key);
        let running = self.job.as_ref().is_some_and(|(k, _)| *k == key);
        if current || running {
            return;
        }
        if let Some((_, old)) = self.job.take() {
            old.cancel();
        }
        match options {
            Err(e) => self.built = Some((key, Arc::new(Err(e)))),
            Ok(options) => {
                let project = Arc::new(view.project().clone());
                let job = Job::spawn(JobKind::Statistics, "discourse network", move |_| {
                    discourse::build(&project, &options).map_err(|e| e.to_string())
                });
                self.job = Some((key, job));
            }
        }
    }
}

/// The matrix shown: the chosen time window's, or the whole network's.
fn shown_matrix(state: &NetworkState, net: &DiscourseNetwork) -> Vec<Vec<f64>> {
    if state.windows.0
        && let Some(w) = net.network.windows.get(state.window)
    {
        return w.matrix.clone();
    }
    net.network.matrix.clone()
}

/// The nodes drawn: rows then (two-mode) columns, with their ids.
fn node_ids(net: &DiscourseNetwork) -> Vec<String> {
    let mut ids: Vec<String> = net
        .network
        .rows
        .iter()
        .map(|n| format!("r:{}", n.id))
        .collect();
    if net.network.kind == NetworkType::TwoMode {
        ids.extend(net.network.columns.iter().map(|n| format!("c:{}", n.id)));
    }
    ids
}

/// The edges drawn: (from, to, weight) over [`node_ids`], without zero weights.
pub fn edges(net: &DiscourseNetwork, matrix: &[Vec<f64>]) -> Vec<(usize, usize, f64)> {
    let rows = net.network.rows.len();
    let mut out = Vec::new();
    for (i, row) in matrix.iter().enumerate() {
        for (j, &w) in row.iter().enumerate() {
            if w == 0.0 {
                continue;
            }
            match net.network.kind {
                NetworkType::OneMode if j > i => out.push((i, j, w)),
                NetworkType::TwoMode => out.push((i, rows + j, w)),
                _ => {}
            }
        }
    }
    out
}

/// An edge's colour: green for agreement, red for conflict, by the aggregation and sign.
pub fn edge_color(aggregation: Aggregation, weight: f64) -> Color32 {
    match aggregation {
        Aggregation::Congruence => AGREE,
        Aggregation::Conflict => CONFLICT,
        Aggregation::Subtract if weight > 0.0 => AGREE,
        Aggregation::Subtract => CONFLICT,
        Aggregation::Combine => match weight as i64 {
            1 => AGREE,
            2 => CONFLICT,
            _ => BOTH,
        },
        Aggregation::Ignore => Color32::GRAY,
    }
}

/// Draws the network view; returns whether it stays open and the commands chosen.
pub fn network_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut NetworkState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Discourse network", [820.0, 580.0]) {
        return shown;
    }
    let mut open = true;
    let mut out = Vec::new();
    state.refresh(view);
    sized_tool_window(ctx, "Discourse network", [820.0, 580.0])
        .open(&mut open)
        .show(ctx, |ui| {
            fill_window(ui);
            controls_ui(ui, view, state, &mut out);
            ui.separator();
            if state.job.is_some() {
                let mut stop = false;
                ui.horizontal(|ui| {
                    crate::ui::widgets::busy(ui);
                    ui.label("Building the network…");
                    stop = ui.button("Cancel").clicked();
                });
                if stop && let Some((key, job)) = state.job.take() {
                    job.cancel();
                    state.built = Some((key, Arc::new(Err("Stopped; change an option to build it again.".to_owned()))));
                }
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            }
            let Some((_, built)) = state.built.clone() else {
                return;
            };
            let net = match built.as_ref() {
                Ok(net) => net,
                Err(e) => {
                    ui.colored_label(ui.visuals().warn_fg_color, e);
                    return;
                }
            };
            report_ui(ui, view, net);
            if net.network.rows.is_empty() {
                ui.label("No statements yet: select an annotation, press W and name who holds its stance (the Actors window lists them).");
                return;
            }
            let matrix = shown_matrix(state, net);
            if state.windows.0 {
                time_slider_ui(ui, state, net);
            }
            let max = edges(net, &net.network.matrix)
                .iter()
                .chain(net.network.windows.iter().flat_map(|w| edges(net, &w.matrix)).collect::<Vec<_>>().iter())
                .map(|e| e.2.abs())
                .fold(0.0f64, f64::max);
            ui.horizontal(|ui| {
                ui.label("Minimum weight");
                ui.add(egui::Slider::new(&mut state.min_weight, 0.0..=max.max(1.0)));
                ui.separator();
                ui.menu_button("Export…", |ui| {
                    for f in NetworkFile::ALL {
                        if ui.button(f.name()).clicked() {
                            out.push(Command::ExportNetwork(f));
                            ui.close();
                        }
                    }
                });
            });
            let ids = node_ids(net);
            let all_edges = edges(net, &matrix);
            let layout_edges: Vec<(usize, usize, f32)> = edges(net, &net.network.matrix)
                .iter()
                .map(|&(a, b, w)| (a, b, w.abs() as f32))
                .collect();
            if state.layout.as_ref().is_none_or(|(known, _)| *known != ids) {
                state.layout = Some((ids.clone(), Layout::new(ids.len())));
                state.chosen = None;
            }
            if let Some((_, layout)) = &mut state.layout {
                // A bounded amount of work per frame: the picture settles over a few frames.
                let steps = (200_000 / (ids.len() * ids.len()).max(1)).clamp(1, 40);
                layout.step(&layout_edges, steps);
                if !layout.settled() {
                    ui.ctx().request_repaint();
                }
            }
            let positions = state
                .layout
                .as_ref()
                .map(|(_, l)| l.positions.clone())
                .unwrap_or_default();
            let side = (ui.available_width() * 0.32).clamp(180.0, 300.0);
            let height = ui.available_height();
            ui.horizontal_top(|ui| {
                let canvas = egui::vec2(ui.available_width() - side - 8.0, height);
                ui.allocate_ui(canvas, |ui| {
                    canvas_ui(ui, view, state, net, &all_edges, &positions);
                });
                ui.allocate_ui_with_layout(
                    egui::vec2(side, height),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        ui.set_width(side);
                        passages_ui(ui, view, state, net, &mut out);
                    },
                );
            });
        });
    (open, out)
}

fn combo<T: PartialEq + Copy>(ui: &mut egui::Ui, id: &str, value: &mut T, choices: &[(T, &str)]) {
    let text = choices.iter().find(|(v, _)| v == value).map_or("", |c| c.1);
    egui::ComboBox::from_id_salt(id)
        .selected_text(text)
        .show_ui(ui, |ui| {
            for (v, name) in choices {
                ui.selectable_value(value, *v, *name);
            }
        });
}

fn controls_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    state: &mut NetworkState,
    out: &mut Vec<Command>,
) {
    let _ = out;
    ui.horizontal_wrapped(|ui| {
        combo(ui, "net_shape", &mut state.shape, &[
            (Shape::Actors, "Actors through shared stances"),
            (Shape::Stances, "Stances through shared actors"),
            (Shape::TwoMode, "Actors × stances (two-mode)"),
        ]);
        combo(ui, "net_level", &mut state.level, &[
            (Level::Person, "persons"),
            (Level::Organisation, "organisations"),
        ]);
        let kind = if state.shape == Shape::TwoMode { NetworkType::TwoMode } else { NetworkType::OneMode };
        let aggs: Vec<(Aggregation, &str)> = Aggregation::fitting(kind).iter().map(|a| (*a, a.name())).collect();
        ui.label("weigh by");
        combo(ui, "net_agg", &mut state.aggregation, &aggs);
        let norms: Vec<(Normalization, &str)> = Normalization::fitting(kind)
            .iter()
            .map(|n| (*n, if *n == Normalization::None { "no normalisation" } else { n.name() }))
            .collect();
        combo(ui, "net_norm", &mut state.normalization, &norms);
        ui.checkbox(&mut state.qualifier, "positions").on_hover_text("Use the positions (supports / opposes) as DNA's qualifier; off: every statement alike");
        combo(ui, "net_dups", &mut state.duplicates, &[
            (Duplicates::Include, "every statement"),
            (Duplicates::Article, "once per article"),
            (Duplicates::Week, "once per week"),
            (Duplicates::Month, "once per month"),
            (Duplicates::Year, "once per year"),
            (Duplicates::Range, "once in all"),
        ]);
        ui.checkbox(&mut state.isolates, "isolates").on_hover_text("Keep actors and stances of left-out statements as unlinked nodes");
        ui.menu_button(format!("Leave out ({})", state.excluded.len()), |ui| {
            let project = view.project();
            let mut toggle = |ui: &mut egui::Ui, field: Field, value: String, label: &str| {
                let mut on = state.excluded.contains(&(field, value.clone()));
                if ui.checkbox(&mut on, label).changed() {
                    if on {
                        state.excluded.push((field, value));
                    } else {
                        state.excluded.retain(|x| *x != (field, value.clone()));
                    }
                }
            };
            ui.menu_button("Actors", |ui| {
                for a in &project.actors.actors {
                    toggle(ui, Field::Actor, a.id.to_string(), &a.name);
                }
            });
            ui.menu_button("Stances", |ui| {
                for s in &project.stances.0 {
                    toggle(ui, Field::Stance, s.id.to_string(), &s.label);
                }
            });
            let mut outlets: Vec<String> = project.articles.iter().filter_map(|a| a.meta.outlet.clone()).collect();
            outlets.sort();
            outlets.dedup();
            ui.menu_button("Outlets", |ui| {
                for o in outlets {
                    toggle(ui, Field::Outlet, o.clone(), &o);
                }
            });
            let mut kinds: Vec<String> = project.articles.iter().filter_map(|a| a.meta.kind.clone()).collect();
            kinds.sort();
            kinds.dedup();
            ui.menu_button("Article types", |ui| {
                for k in kinds {
                    toggle(ui, Field::Type, k.clone(), &k);
                }
            });
        });
        ui.checkbox(&mut state.windows.0, "over time").on_hover_text("Moving time windows over the articles' dates");
        if state.windows.0 {
            ui.label("width");
            ui.add(egui::TextEdit::singleline(&mut state.windows.1).desired_width(36.0));
            ui.label("step");
            ui.add(egui::TextEdit::singleline(&mut state.windows.2).desired_width(36.0));
        }
    });
}

fn report_ui(ui: &mut egui::Ui, view: &View<'_>, net: &DiscourseNetwork) {
    let r = &net.report;
    let mut line = format!(
        "{} statement(s), {} × {} nodes",
        r.statements,
        net.network.rows.len(),
        net.network.columns.len()
    );
    if r.without_actor > 0 {
        line.push_str(&format!(
            "; {} annotation(s) name no actor",
            r.without_actor
        ));
    }
    if r.without_position > 0 {
        line.push_str(&format!(
            "; {} without a position (neutral)",
            r.without_position
        ));
    }
    if r.duplicates > 0 {
        line.push_str(&format!("; {} duplicate(s) left out", r.duplicates));
    }
    ui.weak(line);
    if !r.undated.is_empty() && net.network.windows.is_empty() {
        return;
    }
    if !r.undated.is_empty() {
        ui.weak(format!(
            "Undated, so outside every window: {}",
            r.undated.join("; ")
        ))
        .on_hover_text("Dates read as YYYY, YYYY-MM or YYYY-MM-DD (Article details)");
    }
    let _ = view;
}

fn time_slider_ui(ui: &mut egui::Ui, state: &mut NetworkState, net: &DiscourseNetwork) {
    let n = net.network.windows.len();
    if n == 0 {
        ui.weak("No dated statements: give the articles dates (YYYY-MM-DD) to see the network over time.");
        return;
    }
    state.window = state.window.min(n - 1);
    ui.horizontal(|ui| {
        let label = ui.label("Time");
        ui.add(egui::Slider::new(&mut state.window, 0..=n - 1).show_value(false))
            .labelled_by(label.id);
        let w = &net.network.windows[state.window];
        ui.label(format!(
            "{} to {} · {} statement(s) · window {} of {n}",
            w.start.format("%Y-%m-%d"),
            w.end.format("%Y-%m-%d"),
            w.statements,
            state.window + 1
        ));
    });
}

/// The colour of drawn node `i`: an actor's type colour (its own colour without a type), a
/// stance's colour.
fn node_color(view: &View<'_>, net: &DiscourseNetwork, i: usize) -> Color32 {
    let project = view.project();
    let rows = net.network.rows.len();
    let node = if i < rows {
        &net.network.rows[i]
    } else {
        &net.network.columns[i - rows]
    };
    if node.kind == "stance" {
        return project
            .stances
            .get(&crate::core::model::StanceId::new(&node.id))
            .map_or(Color32::GRAY, |s| to_color(s.color));
    }
    let book = &project.actors;
    let Some(a) = book.get(&crate::core::actors::ActorId::new(&node.id)) else {
        return Color32::GRAY;
    };
    match type_of(book, a) {
        Some(t) => book
            .types
            .iter()
            .position(|x| x == t)
            .map_or(Color32::GRAY, |k| TYPE_COLORS[k % TYPE_COLORS.len()]),
        None => to_color(a.color),
    }
}

/// An actor's type for colouring: its own, else (a person) its organisation's.
fn type_of<'a>(
    book: &'a crate::core::actors::ActorBook,
    a: &'a crate::core::actors::Actor,
) -> Option<&'a str> {
    Some(a.actor_type.as_str())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            a.organisation
                .as_ref()
                .and_then(|o| book.get(o))
                .map(|o| o.actor_type.as_str())
                .filter(|t| !t.is_empty())
        })
}

fn canvas_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    state: &mut NetworkState,
    net: &DiscourseNetwork,
    edges: &[(usize, usize, f64)],
    positions: &[[f32; 2]],
) {
    let size = ui.available_size().max(egui::vec2(200.0, 200.0));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let inner = rect.shrink(30.0);
    let at = |i: usize| -> Pos2 {
        let p = positions.get(i).copied().unwrap_or([0.5, 0.5]);
        Pos2::new(
            inner.left() + p[0] * inner.width(),
            inner.top() + p[1] * inner.height(),
        )
    };
    let max = edges
        .iter()
        .map(|e| e.2.abs())
        .fold(0.0f64, f64::max)
        .max(f64::EPSILON);
    for &(a, b, w) in edges {
        if w.abs() < state.min_weight {
            continue;
        }
        let width = 1.0 + 5.0 * (w.abs() / max) as f32;
        painter.line_segment(
            [at(a), at(b)],
            Stroke::new(width, edge_color(state.aggregation, w)),
        );
    }
    let rows = net.network.rows.len();
    let count = positions.len();
    state.drawn = (0..count).map(at).collect();
    let mut hit = None;
    for i in 0..count {
        let node = if i < rows {
            &net.network.rows[i]
        } else {
            &net.network.columns[i - rows]
        };
        let p = at(i);
        let r = if node.kind == "stance" { 6.0 } else { 8.0 };
        let chosen = state.chosen == Some(i);
        if node.kind == "stance" {
            painter.rect_filled(
                egui::Rect::from_center_size(p, egui::vec2(2.0 * r, 2.0 * r)),
                2.0,
                node_color(view, net, i),
            );
        } else {
            painter.circle_filled(p, r, node_color(view, net, i));
        }
        if chosen {
            painter.circle_stroke(
                p,
                r + 3.0,
                Stroke::new(2.0, ui.visuals().strong_text_color()),
            );
        }
        // Labels point away from the nearer side, so none runs off the canvas.
        let (offset, align) = if p.x > rect.center().x {
            (egui::vec2(-r - 3.0, 0.0), egui::Align2::RIGHT_CENTER)
        } else {
            (egui::vec2(r + 3.0, 0.0), egui::Align2::LEFT_CENTER)
        };
        let galley = painter.layout_no_wrap(
            node.label.clone(),
            egui::FontId::proportional(12.0),
            ui.visuals().text_color(),
        );
        let label = align.anchor_size(p + offset, galley.size());
        painter.rect_filled(
            label.expand(1.5),
            2.0,
            ui.visuals().extreme_bg_color.gamma_multiply(0.85),
        );
        painter.galley(label.min, galley, ui.visuals().text_color());
        if let Some(pointer) = response.interact_pointer_pos()
            && pointer.distance(p) <= r + 4.0
        {
            hit = Some(i);
        }
    }
    if response.clicked() {
        state.chosen = hit;
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Canvas,
            true,
            format!("Network of {count} nodes"),
        )
    });
}

fn passages_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    state: &NetworkState,
    net: &DiscourseNetwork,
    out: &mut Vec<Command>,
) {
    let Some(i) = state.chosen else {
        ui.weak("Click a node to list its passages.");
        let legend = [(AGREE, "agreement"), (CONFLICT, "conflict")];
        for (c, label) in legend {
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(16.0, 4.0), egui::Sense::hover());
                ui.painter().rect_filled(r, 0.0, c);
                ui.label(label);
            });
        }
        let book = &view.project().actors;
        // The types of the actors drawn.
        let used: std::collections::BTreeSet<&str> = net
            .network
            .rows
            .iter()
            .chain(&net.network.columns)
            .filter_map(|n| book.get(&crate::core::actors::ActorId::new(&n.id)))
            .filter_map(|a| type_of(book, a))
            .collect();
        for (k, t) in book
            .types
            .iter()
            .enumerate()
            .filter(|(_, t)| used.contains(t.as_str()))
        {
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(r.center(), 5.0, TYPE_COLORS[k % TYPE_COLORS.len()]);
                ui.label(t);
            });
        }
        return;
    };
    let rows = net.network.rows.len();
    let (node, passages) = if i < rows {
        (&net.network.rows[i], &net.row_passages[i])
    } else {
        (
            &net.network.columns[i - rows],
            &net.column_passages[i - rows],
        )
    };
    let in_window: Option<std::collections::BTreeSet<AnnotationId>> = (state.windows.0)
        .then(|| {
            net.window_passages
                .get(state.window)
                .map(|w| w.iter().copied().collect())
        })
        .flatten();
    let shown: Vec<&AnnotationId> = passages
        .iter()
        .filter(|id| in_window.as_ref().is_none_or(|w| w.contains(id)))
        .collect();
    ui.strong(format!("{} — {} passage(s)", node.label, shown.len()));
    let project = view.project();
    let mut by_article: BTreeMap<usize, Vec<&AnnotationId>> = BTreeMap::new();
    for id in shown {
        if let Some(a) = project.annotation(*id) {
            let k = project
                .articles
                .iter()
                .position(|x| x.id == a.article)
                .unwrap_or(usize::MAX);
            by_article.entry(k).or_default().push(id);
        }
    }
    egui::ScrollArea::vertical()
        .id_salt("network_passages")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (k, ids) in by_article {
                if let Some(article) = project.articles.get(k) {
                    ui.weak(&article.title);
                }
                for id in ids {
                    let Some(a) = project.annotation(*id) else {
                        continue;
                    };
                    let who = a.actor.as_ref().map_or("", |x| project.actors.name(x));
                    let pos = a
                        .position
                        .map(|p| project.actors.position_label(p))
                        .unwrap_or_default();
                    let text = format!(
                        "“{}” — {who} {pos} ({})",
                        crate::core::text::snippet(&a.quote, 70),
                        project.stances.path_label(&a.stance)
                    );
                    if ui.link(text).clicked() {
                        out.push(Command::SelectAnnotation {
                            id: *id,
                            reveal: true,
                        });
                    }
                }
            }
        });
}
