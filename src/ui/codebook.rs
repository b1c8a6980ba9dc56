//! The codebook's modal windows: choosing a scheme template (for a new project or to add to
//! this one), the type-to-code chooser, and the question asked when a change of units would
//! move codes.

use eframe::egui::{self, Key, Ui};

use super::state::View;
use crate::core::model::{ArticleId, Unit};
use crate::core::schemes::{self, Template};
use crate::core::text;
use crate::core::workspace::CodedUnits;
use crate::ui::command::Command;
use crate::ui::widgets::to_color;

/// How many rows the code chooser lists.
const CHOOSER_ROWS: usize = 12;

/// The template being chosen.
#[derive(Debug, Clone)]
pub struct TemplateDraft {
    /// A new project (else: add to this one).
    pub new_project: bool,
    /// Which of [`Template::NAMES`].
    pub choice: usize,
    /// The targets of `stance-target`, one per line.
    pub targets: String,
}

impl TemplateDraft {
    /// A fresh choice (Manifesto selected).
    pub fn new(new_project: bool) -> Self {
        Self {
            new_project,
            choice: 1,
            targets: String::new(),
        }
    }

    fn template(&self) -> Result<Template, String> {
        let targets: Vec<String> = self
            .targets
            .lines()
            .flat_map(|l| l.split(';'))
            .map(str::to_owned)
            .collect();
        let name = Template::NAMES[self.choice.min(Template::NAMES.len() - 1)];
        Template::named(
            name,
            if name == "stance-target" {
                &targets
            } else {
                &[]
            },
        )
    }
}

/// What the template window decided.
pub enum Decision {
    /// Still choosing.
    Open,
    /// Cancelled.
    Close,
    /// Chosen.
    Run(Command),
}

/// The template chooser.
pub fn template_ui(ui: &mut Ui, draft: &mut TemplateDraft) -> Decision {
    ui.heading(if draft.new_project {
        "New project from template"
    } else {
        "Add scheme from template"
    });
    let descriptions = [
        "pro-open-source, regulation and security: the default stances.",
        "The Manifesto Project's coding scheme (handbook version 5): 7 domains (group the codes; not coded), 000, 56 categories, 32 sub-categories. Coded one code per quasi-sentence.",
        "The Comparative Agendas Project's 21 major topics and their subtopics (both coded).",
        "One stance per target you name (one per line), each coded with a position: favour (+), against (-) or none (0).",
    ];
    for (i, name) in Template::NAMES.iter().enumerate() {
        ui.radio_value(&mut draft.choice, i, Template::title_of(name))
            .on_hover_text(descriptions[i]);
    }
    ui.weak(descriptions[draft.choice.min(3)]);
    if Template::NAMES[draft.choice.min(3)] == "stance-target" {
        let field = ui.add(
            egui::TextEdit::multiline(&mut draft.targets)
                .desired_rows(3)
                .hint_text("the AI Act\nopen-weight models"),
        );
        field.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Targets")
        });
    }
    if draft.choice == 1 {
        ui.hyperlink_to(
            "The Manifesto Project's coding instructions",
            schemes::MANIFESTO_HANDBOOK,
        );
    }
    let template = draft.template();
    if let Err(why) = &template {
        ui.colored_label(ui.visuals().warn_fg_color, why);
    }
    ui.add_space(8.0);
    let go = if draft.new_project {
        "Start project"
    } else {
        "Add to project"
    };
    let mut decision = Decision::Open;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(template.is_ok(), egui::Button::new(go))
            .clicked()
            && let Ok(t) = &template
        {
            decision = Decision::Run(if draft.new_project {
                Command::StartFromTemplate(t.clone())
            } else {
                Command::AddTemplate(t.clone())
            });
        }
        if ui.button("Cancel").clicked() {
            decision = Decision::Close;
        }
    });
    if ui.input(|i| i.key_pressed(Key::Escape)) {
        decision = Decision::Close;
    }
    decision
}

/// The code chooser's query and highlighted row.
#[derive(Debug, Clone, Default)]
pub struct CodeDraft {
    /// What was typed.
    pub query: String,
    /// The highlighted row.
    pub row: usize,
    /// Whether the field has had the focus (it takes it once).
    focused: bool,
}

impl CodeDraft {
    /// A chooser starting with `query` typed.
    pub fn new(query: String) -> Self {
        Self {
            query,
            row: 0,
            focused: false,
        }
    }
}

/// What the chooser will code, in words.
fn target_of(view: &View<'_>) -> String {
    let project = view.project();
    let article = view.focus.article.and_then(|id| project.article(id));
    if let (Some(a), Some(i)) = (article, view.focus.unit)
        && let Some(u) = a.units.get(i)
    {
        let text = text::snippet(text::slice_chars(&a.text, u.range()), 70);
        return format!("Unit {} of {}: “{text}”", i + 1, a.units.len());
    }
    if view.selection.is_some_and(|s| !s.is_empty()) {
        return "The selected passage".to_owned();
    }
    if view.focus.annotation.is_some() {
        return "The selected annotation (its stance changes)".to_owned();
    }
    "Nothing is selected: select a passage or press U to code unit by unit".to_owned()
}

/// The type-to-code chooser: a field, the matching codes best first; Enter codes with the
/// highlighted row (the first unless Up or Down moved it).
pub fn code_ui(ui: &mut Ui, view: &View<'_>, draft: &mut CodeDraft) -> Decision {
    ui.heading("Code");
    ui.weak(target_of(view));
    let (down, up, enter, escape) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
            i.key_pressed(Key::Enter),
            i.key_pressed(Key::Escape),
        )
    });
    let field = ui.add(
        egui::TextEdit::singleline(&mut draft.query)
            .hint_text("a code (41, 103.1) or a word (tech)")
            .desired_width(f32::INFINITY),
    );
    field.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Code or name"));
    if !draft.focused {
        field.request_focus();
        // The digit that opened the chooser is typed already: the caret goes after it.
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), field.id) {
            let end = egui::text::CCursor::new(draft.query.chars().count());
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(end)));
            state.store(ui.ctx(), field.id);
        }
        draft.focused = true;
    }
    if field.changed() {
        draft.row = 0;
    }
    let scheme = &view.project().stances;
    let rows = schemes::rank_codes(scheme, &draft.query);
    if rows.is_empty() {
        ui.weak("No code matches.");
    }
    let shown = rows.len().min(CHOOSER_ROWS);
    if down && shown > 0 {
        draft.row = (draft.row + 1).min(shown - 1);
    }
    if up {
        draft.row = draft.row.saturating_sub(1);
    }
    let mut decision = Decision::Open;
    for (i, s) in rows.iter().take(CHOOSER_ROWS).enumerate() {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, to_color(s.color));
            let parent = s
                .parent
                .as_ref()
                .and_then(|p| scheme.get(p))
                .map(|p| format!("  ({})", p.label))
                .unwrap_or_default();
            let row = ui
                .selectable_label(i == draft.row, format!("{}{parent}", s.coded_label()))
                .on_hover_text(&s.description);
            if row.clicked() {
                decision = Decision::Run(Command::CodeWith(s.id.clone()));
            }
        });
    }
    if rows.len() > CHOOSER_ROWS {
        ui.weak(format!(
            "… and {} more: type more to narrow",
            rows.len() - CHOOSER_ROWS
        ));
    }
    if enter && let Some(s) = rows.get(draft.row) {
        decision = Decision::Run(Command::CodeWith(s.id.clone()));
    }
    if escape {
        decision = Decision::Close;
    }
    decision
}

/// The question when a change of units would move or remove codes.
pub fn coded_units_ui(
    ui: &mut Ui,
    article: ArticleId,
    units: &[Unit],
    label: &str,
    affected: usize,
) -> Decision {
    ui.heading("Codes on the units that change");
    ui.label(format!(
        "{affected} code(s) sit on units this change removes. Refit them to the new unit that starts where theirs did, or remove them? Either way it is one step to undo."
    ));
    ui.add_space(8.0);
    let mut decision = Decision::Open;
    ui.horizontal(|ui| {
        for (text, coded) in [
            ("Refit the codes", CodedUnits::Refit),
            ("Remove the codes", CodedUnits::Remove),
        ] {
            if ui.button(text).clicked() {
                decision = Decision::Run(Command::ApplyUnits {
                    article,
                    units: units.to_vec(),
                    label: label.to_owned(),
                    coded,
                });
            }
        }
        if ui.button("Cancel").clicked() {
            decision = Decision::Close;
        }
    });
    if ui.input(|i| i.key_pressed(Key::Escape)) {
        decision = Decision::Close;
    }
    decision
}
