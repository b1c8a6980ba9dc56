//! The units window: the article's coding units with each one's code (yours), the uncoded
//! ones, and the proposed quasi-sentence splits to accept or dismiss.

use std::collections::BTreeSet;

use eframe::egui;

use super::sized_tool_window;
use crate::core::model::ArticleId;
use crate::core::text;
use crate::core::units::{self, Split, UnitCode};
use crate::ui::command::Command;
use crate::ui::state::View;

/// How many characters of a unit's text a row shows.
const ROW_CHARS: usize = 90;

/// What the window keeps between frames.
#[derive(Debug, Default)]
pub struct UnitsState {
    /// Only the units not coded yet.
    pub only_uncoded: bool,
    /// The proposed splits of an article at a revision (worked out once, not every frame).
    proposals: Option<(ArticleId, u64, Vec<Split>)>,
    /// Proposals the coder dismissed (by offset), for the article they were made for.
    dismissed: BTreeSet<(ArticleId, usize)>,
}

fn short(text: &str) -> String {
    let mut out: String = text.chars().take(ROW_CHARS).collect();
    if text.chars().count() > ROW_CHARS {
        out.push('…');
    }
    out.replace('\n', " ")
}

/// Draws the window; returns whether it stays open and what was asked.
pub fn units_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut UnitsState,
) -> (bool, Vec<Command>) {
    let mut open = true;
    let mut out = Vec::new();
    sized_tool_window(ctx, "Units", [520.0, 520.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            let project = view.project();
            let Some(article) = view.focus.article.and_then(|id| project.article(id)) else {
                ui.label("Open an article to see its units.");
                return;
            };
            if article.units.is_empty() {
                ui.label("This article is not split into units yet.");
                ui.weak("Units are its sentences and headings; every analyst codes the same units, one code each, so agreement compares like with like.");
                if ui
                    .button(Command::UnitiseArticle.label())
                    .on_hover_text(Command::UnitiseArticle.tooltip())
                    .clicked()
                {
                    out.push(Command::UnitiseArticle);
                }
                return;
            }
            let me = view.session.analyst().id;
            let revision = view.session.workspace().revision();
            let fresh = matches!(&state.proposals, Some((id, rev, _)) if *id == article.id && *rev == revision);
            if !fresh {
                state.proposals = Some((
                    article.id,
                    revision,
                    units::proposed_splits(&article.text, &article.units),
                ));
            }
            let proposals: Vec<Split> = state
                .proposals
                .as_ref()
                .map(|(_, _, p)| p.clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|s| !state.dismissed.contains(&(article.id, s.at)))
                .collect();
            let progress = crate::ui::execute::unit_progress(project, article.id, &me);
            ui.horizontal(|ui| {
                if let Some((coded, all)) = progress {
                    ui.strong(format!("{coded} of {all} units coded by you"));
                }
                let mode = view.focus.unit.is_some();
                let label = if mode { "Stop coding unit by unit" } else { "Code unit by unit (U)" };
                if ui
                    .button(label)
                    .on_hover_text(Command::ToggleUnitMode.tooltip())
                    .clicked()
                {
                    out.push(Command::ToggleUnitMode);
                }
                ui.checkbox(&mut state.only_uncoded, "Only uncoded");
            });
            if !proposals.is_empty() {
                ui.separator();
                ui.horizontal(|ui| {
                    ui.strong(format!("{} proposed quasi-sentence split(s)", proposals.len()));
                    if ui
                        .button("Accept all")
                        .on_hover_text(Command::AcceptAllSplits.tooltip())
                        .clicked()
                    {
                        out.push(Command::AcceptAllSplits);
                    }
                });
                egui::ScrollArea::vertical()
                    .id_salt("proposals")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for split in &proposals {
                            ui.horizontal(|ui| {
                                if ui
                                    .small_button("Accept")
                                    .on_hover_text(Command::AcceptSplit(split.at).tooltip())
                                    .clicked()
                                {
                                    out.push(Command::AcceptSplit(split.at));
                                }
                                if ui
                                    .small_button("Dismiss")
                                    .on_hover_text("Keep the unit whole")
                                    .clicked()
                                {
                                    state.dismissed.insert((article.id, split.at));
                                }
                                let before = text::slice_chars(
                                    &article.text,
                                    crate::core::model::TextRange {
                                        start: split.at.saturating_sub(30),
                                        end: split.at,
                                    },
                                );
                                let after = text::slice_chars(
                                    &article.text,
                                    crate::core::model::TextRange {
                                        start: split.at,
                                        end: (split.at + 30).min(article.char_len()),
                                    },
                                );
                                let row = ui.add(
                                    egui::Label::new(format!(
                                        "{} — …{} | {}…",
                                        split.reason.describe(),
                                        before.replace('\n', " "),
                                        after.replace('\n', " ")
                                    ))
                                    .sense(egui::Sense::click()),
                                );
                                if row.clicked() {
                                    out.push(Command::RevealPassage {
                                        article: article.id,
                                        range: crate::core::model::TextRange {
                                            start: split.at,
                                            end: split.at,
                                        },
                                    });
                                }
                            });
                        }
                    });
            }
            ui.separator();
            let rows: Vec<usize> = (0..article.units.len())
                .filter(|&i| {
                    let u = &article.units[i];
                    !state.only_uncoded
                        || (!u.heading
                            && units::code_of(project, article, &me, u) == UnitCode::Uncoded)
                })
                .collect();
            if rows.is_empty() {
                ui.label("Every unit is coded.");
            }
            let height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
            egui::ScrollArea::vertical()
                .id_salt("units")
                .auto_shrink(false)
                .show_rows(ui, height, rows.len(), |ui, range| {
                    for &i in &rows[range] {
                        let unit = &article.units[i];
                        let code = if unit.heading {
                            "H".to_owned()
                        } else {
                            match units::code_of(project, article, &me, unit) {
                                UnitCode::Coded(a) => project
                                    .stances
                                    .get(&a.stance)
                                    .map_or_else(|| a.stance.to_string(), |s| {
                                        s.code.clone().unwrap_or_else(|| s.label.clone())
                                    }),
                                UnitCode::Uncoded => "—".to_owned(),
                                UnitCode::Several(c) => format!("{} codes", c.len()),
                            }
                        };
                        let current = view.focus.unit == Some(i);
                        let text = text::slice_chars(&article.text, unit.range());
                        let row = ui.selectable_label(
                            current,
                            format!("{:>4}  {:<8} {}", i + 1, code, short(text)),
                        );
                        if row.clicked() {
                            out.push(Command::GoToUnit(i));
                        }
                    }
                });
        });
    (open, out)
}
