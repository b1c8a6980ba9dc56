//! Runtime state of the window, grouped by what it belongs to, and the read-only [`View`]
//! every panel draws from. Nothing here is persisted: what outlives the window is in
//! [`crate::session::prefs::Preferences`] and the project file.

use std::collections::BTreeSet;

use crate::core::model::{AnalystId, AnnotationId, ArticleId, Project, StanceId, TextRange};
use crate::session::Session;
use crate::session::prefs::Preferences;

use super::annotations_panel::AnnotationsPanelState;
use super::articles_panel::ArticlesPanelState;
use super::modals::Modal;
use super::reader::ArticleView;
use super::windows::Windows;

/// Units coded and units of text in an article (the one shown) as of a revision.
pub type UnitProgress = (Option<ArticleId>, u64, Option<(usize, usize)>);

/// Suggestions waiting for review, for the stance map: article, passage and stance of each.
pub type PendingMarks = std::sync::Arc<Vec<(ArticleId, TextRange, StanceId)>>;

/// What the analyst is looking at: the article in the reader, the selected annotation and the
/// stances hidden by the filter.
#[derive(Debug, Default)]
pub struct Focus {
    /// The article in the reader.
    pub article: Option<ArticleId>,
    /// The annotation selected for editing.
    pub annotation: Option<AnnotationId>,
    /// Stances whose annotations are hidden (in the list and the text).
    pub hidden: BTreeSet<StanceId>,
    /// Whose layers are shown.
    pub layers: Layers,
    /// The two analysts compared side by side (the compare window, curation), if any.
    pub compare: Option<(AnalystId, AnalystId)>,
    /// Coding unit by unit: the current unit of the article in the reader.
    pub unit: Option<usize>,
}

/// Whose layers the reader, the annotation list and the table show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Layers {
    /// Every analyst's, gold included.
    #[default]
    All,
    /// Only the analyst working here.
    Mine,
    /// These analysts' (gold among them when chosen).
    Chosen(BTreeSet<AnalystId>),
}

impl Layers {
    /// The analysts of `project` whose layers are hidden, for the analyst `me`. Blind coding
    /// shows only one's own layer and gold, whatever was chosen.
    pub fn hidden_in(&self, project: &Project, me: &AnalystId) -> BTreeSet<AnalystId> {
        let shown = |id: &AnalystId| -> bool {
            if project.team.blind {
                id == me || id.is_gold()
            } else {
                self.includes(id, me)
            }
        };
        project
            .analysts
            .iter()
            .map(|a| a.id.clone())
            .filter(|id| !shown(id))
            .collect()
    }

    /// Whether `id`'s layer is one of the chosen (before blind coding narrows it).
    pub fn includes(&self, id: &AnalystId, me: &AnalystId) -> bool {
        match self {
            Layers::All => true,
            Layers::Mine => id == me,
            Layers::Chosen(set) => set.contains(id),
        }
    }
}

/// Which side panels are shown.
#[derive(Debug, Clone, Copy)]
pub struct PanelsShown {
    /// The articles panel (left).
    pub articles: bool,
    /// The annotations panel (right).
    pub annotations: bool,
}

impl Default for PanelsShown {
    fn default() -> Self {
        Self {
            articles: true,
            annotations: true,
        }
    }
}

/// All runtime UI state.
#[derive(Default)]
pub struct UiState {
    /// What is looked at.
    pub focus: Focus,
    /// The reader.
    pub reader: ArticleView,
    /// The articles panel.
    pub articles: ArticlesPanelState,
    /// The annotations panel (and the note being typed).
    pub annotations: AnnotationsPanelState,
    /// Tool windows.
    pub windows: Windows,
    /// The one modal window shown at a time.
    pub modal: Option<Modal>,
    /// Which side panels are shown.
    pub panels: PanelsShown,
    /// The part of the window that has the keys: the reader, or a list (see
    /// [`crate::ui::command::KeyScope`]).
    pub key_area: crate::ui::command::KeyScope,
    /// Where the articles panel was drawn last frame (a click there gives it the keys).
    pub articles_rect: Option<eframe::egui::Rect>,
    /// The tool window clicked last (Esc closes it), until something else is clicked.
    pub last_window: Option<super::windows::ToolWindow>,
    /// Where the caret was when the current unit was last set (a click elsewhere moves it).
    pub unit_caret: Option<usize>,
    /// Units coded by this analyst and units of text in the article shown, as of a revision.
    pub unit_progress: Option<UnitProgress>,
}

/// What panels and windows draw from: read-only, so they can only ask for changes by returning
/// commands.
pub struct View<'a> {
    /// The session (project, file, jobs).
    pub session: &'a Session,
    /// Preferences (text size…).
    pub prefs: &'a Preferences,
    /// What is looked at.
    pub focus: &'a Focus,
    /// The reader's text selection.
    pub selection: Option<TextRange>,
    /// The frame's time in seconds.
    pub now: f64,
    /// Suggestions waiting for review (article and passage), marked on the stance map.
    pub pending: PendingMarks,
    /// The part of the window that has the keys (lists say whether their keys work).
    pub key_area: crate::ui::command::KeyScope,
    /// Analysts whose layers are not shown (the layer choice, narrowed by blind coding).
    pub hidden_analysts: BTreeSet<AnalystId>,
    /// In a unitised article: units this analyst coded, and units of text.
    pub unit_progress: Option<(usize, usize)>,
}

impl View<'_> {
    /// The project.
    pub fn project(&self) -> &Project {
        self.session.project()
    }

    /// Whether an annotation of `stance` by `analyst` is shown (stance filter and layers).
    pub fn shows(&self, stance: &StanceId, analyst: &AnalystId) -> bool {
        !self.focus.hidden.contains(stance) && !self.hidden_analysts.contains(analyst)
    }

    /// What the annotation list leaves out.
    pub fn list_filter(&self) -> crate::core::derived::Hidden {
        crate::core::derived::Hidden {
            stances: self.focus.hidden.iter().cloned().collect(),
            analysts: self.hidden_analysts.iter().cloned().collect(),
        }
    }

    /// Whether the reader marks whose each passage is: two or more layers shown.
    pub fn team_view(&self) -> bool {
        self.project()
            .analysts
            .iter()
            .filter(|a| !self.hidden_analysts.contains(&a.id))
            .count()
            >= 2
    }
}
