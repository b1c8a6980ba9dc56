//! Two analysts side by side on the article in the reader: every place they differ (only A,
//! only B, boundaries off by n characters, a different stance), the costliest first or in text
//! order, with both passages quoted. A row shows its place in the reader (which shows the two
//! layers and a disagreement lane on its map); `}` and `{` step through them there. With
//! "Curate into gold" on, each difference is settled — take A's, B's, both, or drop it — with
//! progress and Undo.

use eframe::egui::{self, RichText};

use crate::core::curation::{self, DiffKind, Difference, Settle};
use crate::core::model::{AnalystId, Annotation, ArticleId, Project};
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::{stance_chip, stance_style};

/// Rows drawn at first (and added by "Show more"): a long article between two analysts who
/// differ a lot has thousands.
const ROWS_PER_PAGE: usize = 100;

/// What the differences were found for: the project's revision, the article, the analysts.
type Found = (u64, ArticleId, AnalystId, AnalystId);

/// A difference and whether the curator settled it.
type Settling = (Difference, bool);

/// The comparison's options.
#[derive(Debug, Default)]
pub struct CompareState {
    /// The costliest differences first (else in text order).
    pub by_cost: bool,
    /// Settle differences into the gold layer.
    pub curating: bool,
    /// Show the settled differences too.
    pub show_settled: bool,
    /// The differences (each with whether it is settled), found once per change.
    found: Option<(Found, std::sync::Arc<Vec<Settling>>)>,
    /// Pages of rows shown beyond the first.
    more_pages: usize,
}

fn passage_ui(ui: &mut egui::Ui, project: &Project, who: &str, ann: Option<&Annotation>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(who).strong());
        match ann {
            Some(a) => {
                let (label, color) = stance_style(project, &a.stance);
                stance_chip(ui, &label, color);
                ui.label(format!("“{}”", crate::core::text::snippet(&a.quote, 120)));
            }
            None => {
                ui.weak("marked nothing here");
            }
        }
    });
}

/// Draws the window; returns whether it stays open and what to do.
pub fn compare_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut CompareState,
) -> (bool, Vec<Command>) {
    let mut open = true;
    let mut commands = Vec::new();
    let project = view.project();
    let pickable: Vec<AnalystId> = project.analysts.iter().map(|a| a.id.clone()).collect();
    super::sized_tool_window(ctx, "Compare analysts", [560.0, 560.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            let Some((a, b)) = view.focus.compare.clone() else {
                ui.label("Choose two analysts in the agreement window, or here:");
                if pickable.len() >= 2 {
                    commands.push(Command::CompareAnalysts(
                        pickable[0].clone(),
                        pickable[1].clone(),
                    ));
                }
                return;
            };
            ui.horizontal(|ui| {
                for (slot, current, other) in [(0, &a, &b), (1, &b, &a)] {
                    egui::ComboBox::from_id_salt(("compare_analyst", slot))
                        .selected_text(project.analyst_name(current))
                        .show_ui(ui, |ui| {
                            for id in pickable.iter().filter(|id| *id != other) {
                                if ui
                                    .selectable_label(id == current, project.analyst_name(id))
                                    .clicked()
                                {
                                    commands.push(if slot == 0 {
                                        Command::CompareAnalysts(id.clone(), b.clone())
                                    } else {
                                        Command::CompareAnalysts(a.clone(), id.clone())
                                    });
                                }
                            }
                        });
                    if slot == 0 {
                        ui.label("and");
                    }
                }
                ui.separator();
                ui.checkbox(&mut state.by_cost, "Costliest first");
                ui.checkbox(&mut state.curating, "Curate into gold")
                    .on_hover_text(Command::CurateGold.tooltip());
            });
            let Some(article) = view.focus.article else {
                ui.label("Show an article in the reader to compare the two on it.");
                return;
            };
            let (name_a, name_b) = (project.analyst_name(&a), project.analyst_name(&b));
            let key: Found = (
                view.session.workspace().revision(),
                article,
                a.clone(),
                b.clone(),
            );
            if state.found.as_ref().map(|(k, _)| k) != Some(&key) {
                let differences = curation::differences(project, article, &a, &b);
                let settled = curation::settled(project, article, &differences);
                let found: Vec<(Difference, bool)> = differences.into_iter().zip(settled).collect();
                if state
                    .found
                    .as_ref()
                    .is_none_or(|(k, _)| k.1 != article || k.2 != a || k.3 != b)
                {
                    state.more_pages = 0;
                }
                state.found = Some((key, std::sync::Arc::new(found)));
            }
            let found = state
                .found
                .as_ref()
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            let total = found.len();
            let settled = found.iter().filter(|(_, s)| *s).count();
            let mut differences: Vec<&(Difference, bool)> = found.iter().collect();
            if state.curating {
                ui.horizontal(|ui| {
                    let me = view.session.analyst().id;
                    if !project.team.curators.contains(&me) {
                        ui.weak("You are not a curator yet:");
                    }
                    if ui
                        .button("Take everything all analysts agree on")
                        .on_hover_text(Command::CurateGold.tooltip())
                        .clicked()
                    {
                        commands.push(Command::CurateGold);
                    }
                    ui.checkbox(&mut state.show_settled, "Show settled");
                });
                ui.label(format!(
                    "{settled} of {total} difference(s) settled on this article"
                ));
                if !state.show_settled {
                    differences.retain(|(_, settled)| !settled);
                }
            } else {
                ui.label(format!(
                    "{total} difference(s) between {name_a} and {name_b} on this article"
                ));
            }
            if state.by_cost {
                differences.sort_by_key(|(d, _)| std::cmp::Reverse(d.cost));
            }
            let limit = ROWS_PER_PAGE * (state.more_pages + 1);
            let hidden = differences.len().saturating_sub(limit);
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    for (i, (d, settled)) in differences.iter().take(limit).enumerate() {
                        commands.extend(difference_ui(
                            ui,
                            project,
                            (name_a, name_b),
                            (d, *settled),
                            i,
                            state.curating,
                        ));
                        ui.separator();
                    }
                    if hidden > 0
                        && ui
                            .button(format!(
                                "Show {} more (of {hidden})",
                                hidden.min(ROWS_PER_PAGE)
                            ))
                            .clicked()
                    {
                        state.more_pages += 1;
                    }
                    if differences.is_empty() {
                        ui.label(if total == 0 {
                            "They agree everywhere on this article."
                        } else {
                            "Every difference is settled."
                        });
                    }
                });
        });
    (open, commands)
}

fn difference_ui(
    ui: &mut egui::Ui,
    project: &Project,
    (name_a, name_b): (&str, &str),
    (d, settled): (&Difference, bool),
    index: usize,
    curating: bool,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.push_id(("difference", index), |ui| {
        ui.horizontal(|ui| {
            let kind = d.kind.describe(name_a, name_b);
            let strong = match d.kind {
                DiffKind::Stance | DiffKind::OnlyA | DiffKind::OnlyB => {
                    RichText::new(kind).strong()
                }
                DiffKind::Boundaries(_) => RichText::new(kind),
            };
            if ui
                .link(strong)
                .on_hover_text("Show this place in the reader")
                .clicked()
            {
                commands.push(Command::RevealPassage {
                    article: d.article,
                    range: d.range,
                });
            }
            ui.weak(format!("cost {}", d.cost));
            if settled {
                ui.weak("· settled");
            }
        });
        // Side by side: the first analyst's passage on the left, the second's on the right.
        ui.columns(2, |columns| {
            passage_ui(&mut columns[0], project, name_a, d.a.as_deref());
            passage_ui(&mut columns[1], project, name_b, d.b.as_deref());
        });
        if curating {
            ui.horizontal(|ui| {
                for (how, label, enabled) in [
                    (Settle::TakeA, format!("Take {name_a}'s"), d.a.is_some()),
                    (Settle::TakeB, format!("Take {name_b}'s"), d.b.is_some()),
                    (
                        Settle::Both,
                        "Take both".to_owned(),
                        d.a.is_some() && d.b.is_some(),
                    ),
                    (Settle::Drop, "Drop".to_owned(), true),
                ] {
                    if ui
                        .add_enabled(enabled, egui::Button::new(label))
                        .on_hover_text(Command::Settle(Box::new(d.clone()), how).tooltip())
                        .clicked()
                    {
                        commands.push(Command::Settle(Box::new(d.clone()), how));
                    }
                }
            });
        }
    });
    commands
}
