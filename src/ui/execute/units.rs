//! Where the codebook and unit commands take effect: templates, the code chooser, unitising,
//! coding unit by unit.

use crate::core::model::{ArticleId, Project, StanceId, Unit};
use crate::core::units::{self, UnitCode};
use crate::core::workspace::CodedUnits;
use crate::session::notice::Severity;
use crate::ui::app::StancemarkApp;
use crate::ui::command::{Command, KeyScope};
use crate::ui::modals::Modal;

impl StancemarkApp {
    /// Applies a codebook or unit command; `false` for any other command.
    pub(super) fn run_unit_command(&mut self, command: Command) -> bool {
        match command {
            Command::NewFromTemplate => {
                self.ui.modal = Some(Modal::Template(crate::ui::codebook::TemplateDraft::new(
                    true,
                )));
            }
            Command::AddSchemeFromTemplate => {
                self.ui.modal = Some(Modal::Template(crate::ui::codebook::TemplateDraft::new(
                    false,
                )));
            }
            Command::StartFromTemplate(_) => self.guard_unsaved(command),
            Command::AddTemplate(template) => {
                let r = self
                    .session
                    .workspace_mut()
                    .add_scheme(&format!("add {}", template.title()), &template.stances());
                match r {
                    Ok(0) => self.notify(
                        Severity::Info,
                        format!("The project already has every code of {}", template.title()),
                    ),
                    Ok(n) => self.notify(
                        Severity::Info,
                        format!(
                            "Added {n} stance(s) from {} (Ctrl+Z to undo)",
                            template.title()
                        ),
                    ),
                    Err(e) => self.report(Err(e)),
                }
            }
            Command::SetStanceCode { stance, code } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_stance_code(&stance, Some(&code));
                self.report(r);
            }
            Command::ChooseCode(query) => {
                self.ui.modal = Some(Modal::Code(crate::ui::codebook::CodeDraft::new(query)));
            }
            Command::CodeWith(stance) => self.code_with(&stance),
            Command::UnitiseArticle => {
                let Some(article) = self.article_in_reader() else {
                    return true;
                };
                let units = units::natural_units(&article.text);
                if units.is_empty() {
                    self.notify(
                        Severity::Info,
                        "The article has no text to split into units",
                    );
                    return true;
                }
                self.execute(Command::SetUnits {
                    article: article.id,
                    units,
                    label: "unitise article".into(),
                });
                if self.ui.focus.unit.is_none() {
                    self.ui.windows.units = true;
                }
            }
            Command::ToggleUnitMode => {
                if self.ui.focus.unit.is_some() {
                    self.execute(Command::LeaveUnitMode);
                } else {
                    self.enter_unit_mode();
                }
            }
            Command::LeaveUnitMode => {
                self.ui.focus.unit = None;
                self.ui.key_area = KeyScope::Reader;
                self.notify(Severity::Info, "Back to tagging passages");
            }
            Command::NextUnit => self.step_unit(true),
            Command::PreviousUnit => self.step_unit(false),
            Command::GoToUnit(n) => {
                if self.ui.focus.unit.is_none() {
                    self.enter_unit_mode();
                }
                self.set_unit(n);
            }
            Command::UncodeUnit => {
                let (Some(article), Some(unit)) = (self.ui.focus.article, self.ui.focus.unit)
                else {
                    return true;
                };
                let r = self.session.workspace_mut().uncode_unit(article, unit);
                match r {
                    Ok(0) => self.notify(Severity::Info, "The unit has no code of yours"),
                    Ok(_) => {
                        self.notify(Severity::Info, "Removed the unit's code (Ctrl+Z to undo)")
                    }
                    Err(e) => self.report(Err(e)),
                }
            }
            Command::SplitUnitHere => {
                let Some(article) = self.article_in_reader() else {
                    return true;
                };
                let Some(at) = self
                    .ui
                    .reader
                    .selection()
                    .map(|s| s.start)
                    .or(self.ui.reader.caret())
                else {
                    self.notify(
                        Severity::Info,
                        "Click where the new unit should start, then press K",
                    );
                    return true;
                };
                let split = units::split_at(&article.text, &article.units, at);
                if split == article.units {
                    self.notify(
                        Severity::Info,
                        "There is no unit to split there: place the caret inside a unit's text",
                    );
                    return true;
                }
                self.execute(Command::SetUnits {
                    article: article.id,
                    units: split,
                    label: "split unit".into(),
                });
            }
            Command::JoinUnitWithNext => {
                let (Some(article), Some(unit)) = (self.article_in_reader(), self.unit_or_caret())
                else {
                    self.notify(Severity::Info, "Choose a unit first (U codes unit by unit)");
                    return true;
                };
                if unit + 1 >= article.units.len() {
                    self.notify(Severity::Info, "The last unit has no next unit to join");
                    return true;
                }
                self.execute(Command::SetUnits {
                    article: article.id,
                    units: units::join_with_next(&article.units, unit),
                    label: "join units".into(),
                });
            }
            Command::ToggleUnitHeading => {
                let (Some(article), Some(unit)) = (self.article_in_reader(), self.unit_or_caret())
                else {
                    return true;
                };
                let mut changed = article.units.clone();
                changed[unit].heading = !changed[unit].heading;
                self.execute(Command::SetUnits {
                    article: article.id,
                    units: changed,
                    label: "mark heading".into(),
                });
            }
            Command::AcceptSplit(at) => {
                let Some(article) = self.article_in_reader() else {
                    return true;
                };
                self.execute(Command::SetUnits {
                    article: article.id,
                    units: units::split_at(&article.text, &article.units, at),
                    label: "accept split".into(),
                });
            }
            Command::AcceptAllSplits => {
                let Some(article) = self.article_in_reader() else {
                    return true;
                };
                let mut all = article.units.clone();
                // From the end, so earlier offsets stay where they are.
                for split in units::proposed_splits(&article.text, &article.units)
                    .iter()
                    .rev()
                {
                    all = units::split_at(&article.text, &all, split.at);
                }
                self.execute(Command::SetUnits {
                    article: article.id,
                    units: all,
                    label: "accept proposed splits".into(),
                });
            }
            Command::UnitsWindow => self.ui.windows.units = true,
            Command::SetUnits {
                article,
                units: new_units,
                label,
            } => {
                let project = self.session.project();
                let Some(a) = project.article(article) else {
                    return true;
                };
                let affected = units::refit_plan(project, a, &new_units).len();
                if affected == 0 {
                    self.execute(Command::ApplyUnits {
                        article,
                        units: new_units,
                        label,
                        coded: CodedUnits::Refit,
                    });
                } else {
                    self.ui.modal = Some(Modal::CodedUnits {
                        article,
                        units: new_units,
                        label,
                        affected,
                    });
                }
            }
            Command::ApplyUnits {
                article,
                units: new_units,
                label,
                coded,
            } => {
                let count = new_units.len();
                let r = self
                    .session
                    .workspace_mut()
                    .set_units(article, new_units, coded, &label);
                match r {
                    Ok(changed) => {
                        let mut message = format!("{count} units");
                        if changed.refitted > 0 {
                            message.push_str(&format!(", {} code(s) refitted", changed.refitted));
                        }
                        if changed.removed > 0 {
                            message.push_str(&format!(", {} code(s) removed", changed.removed));
                        }
                        self.notify(Severity::Info, format!("{message} (Ctrl+Z to undo)"));
                        if let Some(u) = self.ui.focus.unit {
                            self.ui.focus.unit = Some(u.min(count.saturating_sub(1)));
                        }
                    }
                    Err(e) => self.report(Err(e)),
                }
            }
            _ => return false,
        }
        true
    }

    /// The article in the reader, cloned (to change it while reading the session).
    fn article_in_reader(&mut self) -> Option<std::sync::Arc<crate::core::model::Article>> {
        let found = self
            .ui
            .focus
            .article
            .and_then(|id| self.session.project().article_arc(id).cloned());
        if found.is_none() {
            self.notify(Severity::Info, "Open an article first");
        }
        found
    }

    /// The current unit, or the one holding the caret.
    fn unit_or_caret(&self) -> Option<usize> {
        let article = self.session.project().article(self.ui.focus.article?)?;
        self.ui.focus.unit.or_else(|| {
            let caret = self
                .ui
                .reader
                .selection()
                .map(|s| s.start)
                .or(self.ui.reader.caret())?;
            units::unit_at(&article.units, caret)
        })
    }

    /// Starts coding unit by unit at the first uncoded unit (or the one holding the caret).
    fn enter_unit_mode(&mut self) {
        let Some(article) = self.article_in_reader() else {
            return;
        };
        if article.units.is_empty() {
            self.notify(
                Severity::Info,
                "Split the article into units first (Units → Unitise article), then press U",
            );
            return;
        }
        let me = self.session.analyst().id;
        let project = self.session.project();
        let start = self
            .ui
            .reader
            .selection()
            .and_then(|s| units::unit_at(&article.units, s.start))
            .or_else(|| first_uncoded(project, &article, &me, 0))
            .unwrap_or(0);
        self.ui.focus.unit = Some(start);
        self.ui.key_area = KeyScope::Units;
        self.set_unit(start);
        self.notify(
            Severity::Info,
            "Coding unit by unit: a digit or C codes the unit and moves on; Up and Down move; Esc stops",
        );
    }

    /// Makes unit `n` current and scrolls to it.
    fn set_unit(&mut self, n: usize) {
        let Some(article) = self.ui.focus.article else {
            return;
        };
        let Some(unit) = self
            .session
            .project()
            .article(article)
            .and_then(|a| a.units.get(n))
            .copied()
        else {
            return;
        };
        self.ui.focus.unit = Some(n);
        self.ui.focus.annotation = None;
        self.ui.reader.set_selection(None);
        self.ui.reader.reveal(unit.start, None, self.now);
    }

    fn step_unit(&mut self, forward: bool) {
        let (Some(article), Some(unit)) = (self.ui.focus.article, self.ui.focus.unit) else {
            return;
        };
        let count = self
            .session
            .project()
            .article(article)
            .map_or(0, |a| a.units.len());
        let next = if forward {
            (unit + 1).min(count.saturating_sub(1))
        } else {
            unit.saturating_sub(1)
        };
        self.set_unit(next);
    }

    /// Codes the current unit (and moves to the next), else tags the selection, else changes
    /// the selected annotation's stance.
    fn code_with(&mut self, stance: &StanceId) {
        if let (Some(article), Some(unit)) = (self.ui.focus.article, self.ui.focus.unit) {
            let r = self
                .session
                .workspace_mut()
                .code_unit(article, unit, stance);
            match r {
                Ok(_) => {
                    let project = self.session.project();
                    // On to the next unit of text (headings are not coded).
                    let next = project.article(article).and_then(|a| {
                        a.units
                            .iter()
                            .enumerate()
                            .skip(unit + 1)
                            .find(|(_, u)| !u.heading)
                            .map(|(i, _)| i)
                    });
                    let label = crate::ui::widgets::stance_style(project, stance).0;
                    self.notify(Severity::Info, format!("Unit {} coded {label}", unit + 1));
                    match next {
                        Some(i) => self.set_unit(i),
                        None => self.notify(
                            Severity::Info,
                            format!("Unit {} coded {label}: that was the last unit", unit + 1),
                        ),
                    }
                }
                Err(e) => self.report(Err(e)),
            }
            return;
        }
        match (
            self.ui.focus.article,
            self.ui.reader.selection().filter(|s| !s.is_empty()),
            self.ui.focus.annotation,
        ) {
            (Some(article), Some(range), _) => self.execute(Command::Tag {
                article,
                range,
                stance: stance.clone(),
            }),
            (_, None, Some(annotation)) => self.execute(Command::SetStance {
                annotation,
                stance: stance.clone(),
            }),
            _ => self.notify(
                Severity::Info,
                "Select a passage (or press U to code unit by unit), then choose a code",
            ),
        }
    }

    /// A digit: its stance when one has the key; else, where stances have codes, the code
    /// chooser starting with it. `true` when handled.
    pub(super) fn digit_codes(&mut self, digit: u8) -> bool {
        let project = self.session.project();
        if let Some(s) = project.stances.by_hotkey(digit) {
            if self.ui.focus.unit.is_some() {
                let id = s.id.clone();
                self.code_with(&id);
                return true;
            }
            return false;
        }
        if project.stances.0.iter().any(|s| s.code.is_some()) {
            self.execute(Command::ChooseCode(digit.to_string()));
            return true;
        }
        false
    }
}

/// The first unit from `from` on that `analyst` has not coded (headings skipped).
fn first_uncoded(
    project: &Project,
    article: &crate::core::model::Article,
    analyst: &crate::core::model::AnalystId,
    from: usize,
) -> Option<usize> {
    article
        .units
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, u)| {
            !u.heading && units::code_of(project, article, analyst, u) == UnitCode::Uncoded
        })
        .map(|(i, _)| i)
}

/// Units coded by `analyst` and units of text, for the status bar.
pub(crate) fn unit_progress(
    project: &Project,
    article: ArticleId,
    analyst: &crate::core::model::AnalystId,
) -> Option<(usize, usize)> {
    let a = project.article(article)?;
    if a.units.is_empty() {
        return None;
    }
    let text: Vec<&Unit> = a.units.iter().filter(|u| !u.heading).collect();
    let coded = text
        .iter()
        .filter(|u| units::code_of(project, a, analyst, u) != UnitCode::Uncoded)
        .count();
    Some((coded, text.len()))
}
