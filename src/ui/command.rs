//! Every user action, as one value: menus, toolbars, context menus, the keyboard and the
//! command palette all produce [`Command`]s, and the app applies them in one place
//! ([`crate::ui`]'s `execute`), after drawing the frame.
//!
//! Where to look: a command is *defined* here (its label, tooltip and default shortcut), its
//! keys are *bound* in [`crate::ui::keymap`], and it is *executed* in `src/ui/execute.rs`.

use std::path::PathBuf;

use eframe::egui::{Key, KeyboardShortcut, Modifiers};

use crate::core::actors::{Actor, ActorId, ActorKind, PositionScale};
use crate::core::curation::{Difference, Settle};
use crate::core::model::{
    AnalystId, AnnotationId, ArticleId, ArticleMeta, Rgb, StanceId, TextRange, Unit,
};
use crate::core::schemes::Template;
use crate::core::text::CaretStep;
use crate::core::workspace::CodedUnits;
use crate::formats::export::ExportFormat;
use crate::formats::network::NetworkFile;
use crate::session::prefs::Preferences;

/// Where a key binding applies. Global keys work anywhere; the others only while no text
/// field has the keyboard, and those of a list only while that list has it (the analyst last
/// clicked in it, or just opened it). A key a list does not use falls through to the reader,
/// so one key can mean one thing in a list and another in the reader (Delete deletes the
/// table's selected rows in the table, the selected annotation elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyScope {
    /// Anywhere (Ctrl+S, Ctrl+Z…).
    Global,
    /// The reader: stance digits, caret keys, Delete, Esc, copy.
    #[default]
    Reader,
    /// The articles list.
    ArticleList,
    /// The review list of the suggestions window.
    ReviewList,
    /// The annotation table.
    Table,
    /// The reader while coding unit by unit (arrows move between units).
    Units,
}

impl KeyScope {
    /// Every scope, in the order the shortcut sheet lists them.
    pub const ALL: [KeyScope; 6] = [
        KeyScope::Global,
        KeyScope::Reader,
        KeyScope::ArticleList,
        KeyScope::ReviewList,
        KeyScope::Table,
        KeyScope::Units,
    ];

    /// Where the scope's keys apply, in words (the shortcut sheet's headings).
    pub fn title(self) -> &'static str {
        match self {
            KeyScope::Global => "Anywhere",
            KeyScope::Reader => "In the reader (while no text field has the keyboard)",
            KeyScope::ArticleList => "In the articles list (after clicking in it)",
            KeyScope::ReviewList => {
                "In the suggestions' review list (after opening or clicking it)"
            }
            KeyScope::Table => "In the annotation table (after opening or clicking it)",
            KeyScope::Units => "Coding unit by unit (U; the reader's keys work too)",
        }
    }
}

/// One user action with its arguments.
#[must_use = "a command does nothing until the app executes it"]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    // ----- project files -----
    /// Start an empty project (asks about unsaved changes).
    NewProject,
    /// Choose a project file to open (asks about unsaved changes).
    OpenProject,
    /// Open this project file (asks about unsaved changes).
    OpenRecent(PathBuf),
    /// Open this project file now (a path was chosen).
    OpenPath(PathBuf),
    /// Open a project another stancemark has open, after the warning.
    OpenAnyway(PathBuf),
    /// Open the sound part of a project with broken annotations.
    OpenSalvaged(PathBuf),
    /// Save to the project's file.
    Save,
    /// Choose a file to save to.
    SaveAs,
    /// Save to this file, then run `then` (what waited for the save, e.g. Quit).
    SaveTo {
        /// The file.
        path: PathBuf,
        /// What to do once saved.
        then: Option<Box<Command>>,
    },
    /// After a save found the file changed by someone else: reload it with this window's
    /// changes on top.
    ReloadFromDisk,
    /// After a save found the file changed by someone else: write this window's version anyway.
    OverwriteOnDisk,
    /// Replace the project with its autosave.
    RestoreRecovery(PathBuf),
    /// Keep the saved project; move the autosave aside.
    DiscardRecovery(PathBuf),
    /// Stop the running open or reload (the current project stays).
    CancelJob,
    /// Choose article files to add.
    AddArticle,
    /// Add these files as articles (one undoable step).
    AddArticlesFrom(Vec<PathBuf>),
    /// Add the files the last import held back because their text is already an article.
    AddHeldDuplicates,
    /// Drop the files the last import held back as duplicates.
    SkipHeldDuplicates,
    /// Choose an annotation file to import.
    ImportAnnotations,
    /// Import this annotation file: a `.qdpx` or JSON export as a new project (asks about
    /// unsaved changes), a CSV or W3C file into this project.
    ImportAnnotationsFrom(PathBuf),
    /// Files dropped on the window: projects open, annotation files import, the rest are
    /// added as articles.
    DropFiles(Vec<PathBuf>),
    /// Choose a file to export to.
    Export(ExportFormat),
    /// Export to this file.
    ExportTo {
        /// The format.
        format: ExportFormat,
        /// The file.
        path: PathBuf,
        /// Only this article and its annotations (the whole project when `None`).
        article: Option<crate::core::model::ArticleId>,
    },
    /// Show the preferences window.
    Preferences,
    /// Close a tool window (Esc, when it has the keyboard or was clicked last).
    CloseWindow(crate::ui::windows::ToolWindow),
    /// Store changed preferences.
    SetPreferences(Box<Preferences>),
    /// Close the window (asks about unsaved changes).
    Quit,
    /// After the unsaved-changes question: save, then run the command (without asking again).
    SaveThen(Box<Command>),
    /// After the unsaved-changes question: drop the changes (the autosave is moved aside),
    /// then run the command.
    DiscardThen(Box<Command>),

    // ----- edit -----
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Find in the article.
    Find,
    /// Search the text and notes of every article.
    SearchProject,
    /// Show this passage in the reader, selected.
    RevealPassage {
        /// The article.
        article: ArticleId,
        /// The passage.
        range: TextRange,
    },
    /// Copy the selected text.
    CopySelection,
    /// Drop the text and annotation selection.
    ClearSelection,
    /// Delete the selected annotation.
    DeleteSelectedAnnotation,
    /// Move the reader's caret (with `extend`, the end of the selection) by a step.
    MoveCaret {
        /// How far.
        step: CaretStep,
        /// Forward (right, down) or back.
        forward: bool,
        /// Extend the selection instead of moving the caret.
        extend: bool,
    },
    /// Select the next annotation in the article (by position) and show it.
    NextAnnotation,
    /// Select the previous annotation in the article and show it.
    PreviousAnnotation,
    /// A stance key (1–9): tag the selection, or change the selected annotation's stance.
    StanceKey(u8),

    // ----- lists (their keys apply where the list has the keyboard) -----
    /// Show the next article of the articles list (in its order, within its filter).
    NextArticle,
    /// Show the previous article of the articles list.
    PreviousArticle,
    /// Accept the highlighted suggestion of the review list.
    AcceptCurrentSuggestion,
    /// Reject the highlighted suggestion of the review list.
    RejectCurrentSuggestion,
    /// Highlight (and show) the next suggestion of the review list.
    NextSuggestion,
    /// Highlight (and show) the previous suggestion of the review list.
    PreviousSuggestion,
    /// Select every row the annotation table shows.
    SelectAllRows,
    /// Delete the annotations selected in the table (one undoable step).
    DeleteSelectedRows,
    /// Show the passage of the table's first selected row in the reader.
    ShowSelectedRow,

    // ----- team -----
    /// Show only my layer.
    ShowMyLayer,
    /// Show every analyst's layer (and gold).
    ShowAllLayers,
    /// Show or hide one analyst's layer.
    ToggleLayer(AnalystId),
    /// Turn blind coding on or off for the project.
    ToggleBlindCoding,
    /// Mark the article in the reader coded (finished) by me, or take the mark back.
    ToggleCoded,
    /// Choose other analysts' copies of the project to merge.
    MergeWork,
    /// Merge other analysts' copies (project files or folders, or JSON exports).
    MergeWorkFrom(Vec<PathBuf>),
    /// Open the agreement window.
    Agreement,
    /// Open the side-by-side comparison of two analysts.
    Compare,
    /// Compare these two analysts (side by side, and the reader's layers).
    CompareAnalysts(AnalystId, AnalystId),
    /// Select the next place where the shown analysts disagree.
    NextDisagreement,
    /// Select the previous place where the shown analysts disagree.
    PreviousDisagreement,
    /// Copy the selected annotation (another analyst's) into my layer.
    CopyToMyLayer,
    /// Start curating the gold layer: take what all analysts agree on.
    CurateGold,
    /// Settle one difference into gold.
    Settle(Box<Difference>, Settle),

    // ----- actors -----
    /// Open the actor manager.
    ActorManager,
    /// Open the discourse network view.
    NetworkView,
    /// Put the keyboard in the selected annotation's actor field.
    FocusActorField,
    /// The selected annotation supports its stance (one step up on a scale).
    PositionSupports,
    /// The selected annotation is neutral towards its stance.
    PositionNeutral,
    /// The selected annotation opposes its stance (one step down on a scale).
    PositionOpposes,
    /// Name who holds the stance in these annotations: an actor's name or alias, or a new
    /// person of that name; empty: no actor (one undoable step).
    SetActorNamed {
        /// The annotations.
        annotations: Vec<AnnotationId>,
        /// The name typed.
        name: String,
    },
    /// Name an actor (or none) for these annotations (one undoable step).
    SetActorOf {
        /// The annotations.
        annotations: Vec<AnnotationId>,
        /// The actor.
        actor: Option<ActorId>,
    },
    /// Set the position (or none) of these annotations (one undoable step).
    SetPositionOf {
        /// The annotations.
        annotations: Vec<AnnotationId>,
        /// The position.
        position: Option<i32>,
    },
    /// Add an actor.
    AddActor {
        /// Its name.
        name: String,
        /// Person or organisation.
        kind: ActorKind,
    },
    /// Replace an actor (name, kind, type, aliases, colour, notes, organisation).
    PutActor(Box<Actor>),
    /// Merge a duplicate actor into another (its annotations follow).
    MergeActors {
        /// The actor that goes.
        from: ActorId,
        /// The actor that stays.
        into: ActorId,
    },
    /// Remove an actor no annotation names.
    RemoveActor(ActorId),
    /// Replace the project's actor types.
    SetActorTypes(Vec<String>),
    /// Set the position scale (`None`: supports / neutral / opposes).
    SetPositionScale(Option<PositionScale>),
    /// Choose a file to write the stance-over-time figures shown to.
    ExportTimeline(crate::ui::windows::TimelineFile),
    /// Write the stance-over-time figures shown to this file.
    ExportTimelineTo(crate::ui::windows::TimelineFile, PathBuf),
    /// Choose a file to write the network shown to.
    ExportNetwork(NetworkFile),
    /// Write the network shown to this file.
    ExportNetworkTo(NetworkFile, PathBuf),

    // ----- annotations -----
    /// Tag a passage with a stance.
    Tag {
        /// The article.
        article: ArticleId,
        /// The passage.
        range: TextRange,
        /// The stance.
        stance: StanceId,
    },
    /// Select an annotation (and scroll to it when `reveal`).
    SelectAnnotation {
        /// The annotation.
        id: AnnotationId,
        /// Scroll to its passage and flash it.
        reveal: bool,
    },
    /// Change an annotation's stance.
    SetStance {
        /// The annotation.
        annotation: AnnotationId,
        /// Its new stance.
        stance: StanceId,
    },
    /// Replace an annotation's note.
    SetNote {
        /// The annotation.
        annotation: AnnotationId,
        /// The note.
        note: String,
    },
    /// Delete an annotation.
    DeleteAnnotation(AnnotationId),
    /// Give these annotations another stance (one undoable step).
    SetStanceOf {
        /// The annotations.
        annotations: Vec<AnnotationId>,
        /// Their new stance.
        stance: StanceId,
    },
    /// Delete these annotations (one undoable step).
    DeleteAnnotations(Vec<AnnotationId>),
    /// Place an (orphaned) annotation on another passage.
    Reattach {
        /// The annotation.
        annotation: AnnotationId,
        /// Its new passage.
        range: TextRange,
    },

    /// Open the suggestions window (term, phrase list or regular expression).
    Suggest,
    /// Suggest the sentences most similar to this annotation.
    SuggestSimilar(AnnotationId),
    /// Tag these suggested passages (one undoable step); each is checked against the text.
    AcceptSuggestions(Vec<crate::analysis::suggest::Suggestion>),
    /// Keep these suggestions as rejected (one undoable step): not offered again, and the
    /// classifier learns from them.
    RejectSuggestions(Vec<crate::analysis::suggest::Suggestion>),
    /// Forget every rejected suggestion (one undoable step): they may be offered again.
    ClearRejections,

    // ----- articles -----
    /// Show an article in the reader.
    SelectArticle(ArticleId),
    /// Rename an article.
    RenameArticle {
        /// The article.
        article: ArticleId,
        /// Its new title.
        title: String,
    },
    /// Ask, then remove an article with its annotations.
    RemoveArticle(ArticleId),
    /// Remove an article with its annotations (after the question).
    ConfirmRemoveArticle(ArticleId),
    /// Open the text editor for an article.
    EditArticleText(ArticleId),
    /// Replace an article's text, re-anchoring its annotations.
    SetArticleText {
        /// The article.
        article: ArticleId,
        /// The new text.
        text: String,
    },
    /// Read an article's source file again, re-anchoring its annotations.
    ReimportArticle(ArticleId),
    /// Choose a file as the new version of an article's source.
    ReimportArticleChoose(ArticleId),
    /// Read this file as the new version of an article's source.
    ReimportArticleFrom {
        /// The article.
        article: ArticleId,
        /// Its new source.
        path: PathBuf,
    },
    /// Replace an article's memo.
    SetArticleMemo {
        /// The article.
        article: ArticleId,
        /// The memo.
        memo: String,
    },
    /// Show the project memo.
    ProjectMemo,
    /// Replace the project memo.
    SetProjectMemo(String),
    /// Replace an article's author, outlet, date and URL.
    SetArticleMeta {
        /// The article.
        article: ArticleId,
        /// The details.
        meta: ArticleMeta,
    },

    // ----- stances -----
    /// Show the stance editor.
    ManageStances,
    /// Add a stance.
    AddStance {
        /// Its name.
        label: String,
        /// Its colour.
        color: Rgb,
    },
    /// Rename a stance.
    RenameStance {
        /// The stance.
        stance: StanceId,
        /// Its new name.
        label: String,
    },
    /// Recolour a stance.
    RecolorStance {
        /// The stance.
        stance: StanceId,
        /// Its new colour.
        color: Rgb,
    },
    /// Describe a stance.
    DescribeStance {
        /// The stance.
        stance: StanceId,
        /// What it means.
        description: String,
    },
    /// Put a stance under another (or at the top level).
    SetStanceParent {
        /// The stance.
        stance: StanceId,
        /// Its new parent, or none.
        parent: Option<StanceId>,
    },
    /// Bind a stance to a digit key, or unbind it.
    SetStanceHotkey {
        /// The stance.
        stance: StanceId,
        /// The key (1–9), or none.
        hotkey: Option<u8>,
    },
    /// Remove a stance (asks first when annotations use it).
    RemoveStance(StanceId),
    /// Remove a stance and its annotations (after the question).
    ConfirmRemoveStance(StanceId),
    /// Move a stance's annotations to another stance and remove it.
    MergeStance {
        /// The stance that goes.
        from: StanceId,
        /// The stance that gets its annotations.
        into: StanceId,
    },
    /// Show or hide a stance's annotations.
    ToggleStanceFilter(StanceId),

    // ----- view -----
    /// The annotation table.
    AnnotationTable,
    /// The statistics window.
    Statistics,
    /// Choose a file to save the statistics chart shown to, as PNG.
    SaveChart,
    /// Save the statistics chart shown to this PNG file.
    SaveChartTo(PathBuf),
    /// Larger article text.
    TextBigger,
    /// Smaller article text.
    TextSmaller,
    /// The article text at its default size.
    TextReset,
    /// The sheet of every shortcut.
    ShortcutSheet,
    /// The command palette.
    CommandPalette,
    /// The log of recent messages.
    ShowNotices,
    /// Hide the message in the status bar.
    DismissNotice,
    /// Show or hide the articles panel.
    ToggleArticlesPanel,
    /// Show or hide the annotations panel.
    ToggleAnnotationsPanel,

    // ----- codebooks and units -----
    /// Give a stance a codebook code (empty: none).
    SetStanceCode {
        /// The stance.
        stance: StanceId,
        /// Its code.
        code: String,
    },
    /// Choose a scheme template to start a new project from (asks about unsaved changes).
    NewFromTemplate,
    /// Choose a scheme template whose codes come into this project.
    AddSchemeFromTemplate,
    /// Start a new project with this template's scheme.
    StartFromTemplate(Template),
    /// Add this template's codes to the project (one undo step).
    AddTemplate(Template),
    /// Open the type-to-code chooser, starting with what was typed.
    ChooseCode(String),
    /// Code the current unit (unit coding), the selection or the selected annotation.
    CodeWith(StanceId),
    /// Split the article in the reader into its sentences and headings.
    UnitiseArticle,
    /// Start or stop coding unit by unit.
    ToggleUnitMode,
    /// Stop coding unit by unit.
    LeaveUnitMode,
    /// The next unit.
    NextUnit,
    /// The previous unit.
    PreviousUnit,
    /// Go to unit N of the article in the reader (coding unit by unit).
    GoToUnit(usize),
    /// Remove my code from the current unit.
    UncodeUnit,
    /// Split the unit at the caret.
    SplitUnitHere,
    /// Join the current unit with the next.
    JoinUnitWithNext,
    /// Mark the current unit a heading, or a unit of text again.
    ToggleUnitHeading,
    /// Accept the proposed split at this offset of the article in the reader.
    AcceptSplit(usize),
    /// Accept every proposed split of the article in the reader.
    AcceptAllSplits,
    /// The units window: proposed splits, units and their codes, uncoded units.
    UnitsWindow,
    /// New units for an article: asks first when codes sit on units that change.
    SetUnits {
        /// The article.
        article: ArticleId,
        /// Its new units.
        units: Vec<Unit>,
        /// The undo step's name.
        label: String,
    },
    /// New units for an article, with what becomes of the codes on units that change.
    ApplyUnits {
        /// The article.
        article: ArticleId,
        /// Its new units.
        units: Vec<Unit>,
        /// The undo step's name.
        label: String,
        /// Refit or remove.
        coded: CodedUnits,
    },
}

/// The commands that take no arguments, in menu order: what the command palette lists and
/// the keymap binds.
pub static PLAIN_COMMANDS: [Command; 100] = [
    Command::NewProject,
    Command::OpenProject,
    Command::Save,
    Command::SaveAs,
    Command::AddArticle,
    Command::ImportAnnotations,
    Command::Export(ExportFormat::Json),
    Command::Export(ExportFormat::Ron),
    Command::Export(ExportFormat::Csv),
    Command::Export(ExportFormat::W3c),
    Command::Export(ExportFormat::Qdpx),
    Command::Export(ExportFormat::Qdc),
    Command::Export(ExportFormat::Scheme),
    Command::Export(ExportFormat::Html),
    Command::Export(ExportFormat::Stats),
    Command::Export(ExportFormat::Cooccurrence),
    Command::Export(ExportFormat::ChartSvg),
    Command::Export(ExportFormat::CooccurrenceSvg),
    Command::Export(ExportFormat::AlongSvg),
    Command::Preferences,
    Command::Quit,
    Command::Undo,
    Command::Redo,
    Command::Find,
    Command::SearchProject,
    Command::CopySelection,
    Command::ClearSelection,
    Command::DeleteSelectedAnnotation,
    Command::NextAnnotation,
    Command::PreviousAnnotation,
    Command::MoveCaret {
        step: CaretStep::Char,
        forward: true,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Char,
        forward: false,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Char,
        forward: true,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Char,
        forward: false,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Word,
        forward: true,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Word,
        forward: false,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Word,
        forward: true,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Word,
        forward: false,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Sentence,
        forward: true,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Sentence,
        forward: false,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Sentence,
        forward: true,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Sentence,
        forward: false,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Paragraph,
        forward: true,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Paragraph,
        forward: false,
        extend: false,
    },
    Command::MoveCaret {
        step: CaretStep::Paragraph,
        forward: true,
        extend: true,
    },
    Command::MoveCaret {
        step: CaretStep::Paragraph,
        forward: false,
        extend: true,
    },
    Command::NextArticle,
    Command::PreviousArticle,
    Command::AcceptCurrentSuggestion,
    Command::RejectCurrentSuggestion,
    Command::NextSuggestion,
    Command::PreviousSuggestion,
    Command::SelectAllRows,
    Command::DeleteSelectedRows,
    Command::ShowSelectedRow,
    Command::ManageStances,
    Command::Suggest,
    Command::ClearRejections,
    Command::ProjectMemo,
    Command::AnnotationTable,
    Command::Statistics,
    Command::TextBigger,
    Command::TextSmaller,
    Command::TextReset,
    Command::ShortcutSheet,
    Command::CommandPalette,
    Command::ShowNotices,
    Command::DismissNotice,
    Command::ToggleArticlesPanel,
    Command::ToggleAnnotationsPanel,
    Command::ShowMyLayer,
    Command::ShowAllLayers,
    Command::ToggleBlindCoding,
    Command::ToggleCoded,
    Command::MergeWork,
    Command::Agreement,
    Command::Compare,
    Command::NextDisagreement,
    Command::PreviousDisagreement,
    Command::CopyToMyLayer,
    Command::CurateGold,
    Command::ActorManager,
    Command::NetworkView,
    Command::FocusActorField,
    Command::PositionSupports,
    Command::PositionNeutral,
    Command::PositionOpposes,
    Command::NewFromTemplate,
    Command::AddSchemeFromTemplate,
    Command::ChooseCode(String::new()),
    Command::UnitiseArticle,
    Command::ToggleUnitMode,
    Command::LeaveUnitMode,
    Command::NextUnit,
    Command::PreviousUnit,
    Command::UncodeUnit,
    Command::SplitUnitHere,
    Command::JoinUnitWithNext,
    Command::ToggleUnitHeading,
    Command::UnitsWindow,
];

impl Command {
    /// The menu and palette text.
    pub fn label(&self) -> String {
        let fixed = match self {
            Command::NewProject => "New project",
            Command::OpenProject => "Open project…",
            Command::OpenRecent(_) | Command::OpenPath(_) => "Open project",
            Command::OpenAnyway(_) => "Open anyway",
            Command::OpenSalvaged(_) => "Open without the broken annotations",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::SaveTo { .. } => "Save to file",
            Command::ReloadFromDisk => "Reload from disk, keeping my changes",
            Command::OverwriteOnDisk => "Overwrite the file on disk",
            Command::RestoreRecovery(_) => "Restore",
            Command::DiscardRecovery(_) => "Open the saved version",
            Command::CancelJob => "Cancel",
            Command::AddArticle => "Add articles…",
            Command::AddArticlesFrom(_) => "Add articles from files",
            Command::AddHeldDuplicates => "Add anyway",
            Command::CloseWindow(w) => return format!("Close {}", w.title()),
            Command::SkipHeldDuplicates => "Skip",
            Command::ImportAnnotations => "Import annotations…",
            Command::ImportAnnotationsFrom(_) => "Import annotations from file",
            Command::DropFiles(_) => "Open or add dropped files",
            Command::Export(format) => return format!("Export as {}…", format.name()),
            Command::ExportTo { .. } => "Export to file",
            Command::Preferences => "Preferences…",
            Command::SetPreferences(_) => "Change preferences",
            Command::Quit => "Quit",
            Command::SaveThen(_) => "Save",
            Command::DiscardThen(_) => "Discard",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Find => "Find in article…",
            Command::SearchProject => "Search project…",
            Command::RevealPassage { .. } => "Show passage",
            Command::Statistics => "Statistics…",
            Command::AnnotationTable => "Annotation table…",
            Command::SetStanceOf { annotations, .. } => {
                return format!("Change the stance of {} annotations", annotations.len());
            }
            Command::DeleteAnnotations(ids) => return format!("Delete {} annotations", ids.len()),
            Command::SaveChart | Command::SaveChartTo(_) => "Save chart as PNG…",
            Command::CopySelection => "Copy",
            Command::ClearSelection => "Clear selection",
            Command::DeleteSelectedAnnotation => "Delete annotation",
            Command::StanceKey(d) => return format!("Stance key {d}"),
            Command::Tag { .. } => "Tag passage",
            Command::SelectAnnotation { .. } => "Select annotation",
            Command::SetStance { .. } => "Change stance",
            Command::SetNote { .. } => "Edit note",
            Command::DeleteAnnotation(_) => "Delete annotation",
            Command::Reattach { .. } => "Re-attach to selection",
            Command::ActorManager => "Actors…",
            Command::NetworkView => "Discourse network…",
            Command::FocusActorField => "Who says it…",
            Command::PositionSupports => "Position: supports",
            Command::PositionNeutral => "Position: neutral",
            Command::PositionOpposes => "Position: opposes",
            Command::SetStanceCode { .. } => "Change code",
            Command::NewFromTemplate => "New project from template…",
            Command::AddSchemeFromTemplate => "Add scheme from template…",
            Command::StartFromTemplate(t) => return format!("New project: {}", t.title()),
            Command::AddTemplate(t) => return format!("Add {}", t.title()),
            Command::ChooseCode(_) => "Code…",
            Command::CodeWith(_) => "Code",
            Command::UnitiseArticle => "Unitise article",
            Command::ToggleUnitMode => "Code unit by unit",
            Command::LeaveUnitMode => "Stop coding unit by unit",
            Command::NextUnit => "Next unit",
            Command::PreviousUnit => "Previous unit",
            Command::GoToUnit(n) => return format!("Go to unit {}", n + 1),
            Command::UncodeUnit => "Remove the unit's code",
            Command::SplitUnitHere => "Split unit at the caret",
            Command::JoinUnitWithNext => "Join unit with the next",
            Command::ToggleUnitHeading => "Heading / unit",
            Command::AcceptSplit(_) => "Accept split",
            Command::AcceptAllSplits => "Accept all proposed splits",
            Command::UnitsWindow => "Units…",
            Command::SetUnits { label, .. } | Command::ApplyUnits { label, .. } => {
                return format!("Change units ({label})");
            }
            Command::SetActorNamed { name, annotations } if name.trim().is_empty() => {
                return format!("Clear the actor of {} annotation(s)", annotations.len());
            }
            Command::SetActorNamed { annotations, .. }
            | Command::SetActorOf { annotations, .. } => {
                return format!("Set the actor of {} annotation(s)", annotations.len());
            }
            Command::SetPositionOf { annotations, .. } => {
                return format!("Set the position of {} annotation(s)", annotations.len());
            }
            Command::AddActor { .. } => "Add actor",
            Command::PutActor(_) => "Edit actor",
            Command::MergeActors { .. } => "Merge actors",
            Command::RemoveActor(_) => "Remove actor",
            Command::SetActorTypes(_) => "Edit actor types",
            Command::SetPositionScale(_) => "Change the position scale",
            Command::ExportNetwork(f) | Command::ExportNetworkTo(f, _) => {
                return format!("Export the network as {}…", f.name());
            }
            Command::ExportTimeline(crate::ui::windows::TimelineFile::Csv)
            | Command::ExportTimelineTo(crate::ui::windows::TimelineFile::Csv, _) => {
                "Export stance over time as CSV…"
            }
            Command::ExportTimeline(_) | Command::ExportTimelineTo(..) => {
                "Save the stance-over-time chart as SVG…"
            }
            Command::Suggest => "Suggest annotations…",
            Command::SuggestSimilar(_) => "Find similar passages",
            Command::AcceptSuggestions(items) => {
                return match items.len() {
                    1 => "Accept suggestion".to_owned(),
                    n => format!("Accept {n} suggestions"),
                };
            }
            Command::ClearRejections => "Forget rejected suggestions",
            Command::RejectSuggestions(items) => {
                return match items.len() {
                    1 => "Reject suggestion".to_owned(),
                    n => format!("Reject {n} suggestions"),
                };
            }
            Command::SelectArticle(_) => "Show article",
            Command::RenameArticle { .. } => "Rename article",
            Command::RemoveArticle(_) | Command::ConfirmRemoveArticle(_) => "Remove article",
            Command::EditArticleText(_) => "Edit text…",
            Command::SetArticleText { .. } => "Apply text",
            Command::ReimportArticle(_) => "Re-import",
            Command::ReimportArticleChoose(_) | Command::ReimportArticleFrom { .. } => {
                "Re-import from file…"
            }
            Command::SetArticleMeta { .. } => "Edit article details",
            Command::SetArticleMemo { .. } => "Edit article memo",
            Command::ProjectMemo => "Project memo…",
            Command::SetProjectMemo(_) => "Edit project memo",
            Command::ManageStances => "Manage stances…",
            Command::AddStance { .. } => "Add stance",
            Command::RenameStance { .. } => "Rename stance",
            Command::RecolorStance { .. } => "Recolour stance",
            Command::DescribeStance { .. } => "Describe stance",
            Command::SetStanceHotkey { .. } => "Change stance key",
            Command::SetStanceParent { .. } => "Move stance in the tree",
            Command::RemoveStance(_) | Command::ConfirmRemoveStance(_) => "Remove stance",
            Command::MergeStance { .. } => "Merge stance",
            Command::ToggleStanceFilter(_) => "Show or hide stance",
            Command::MoveCaret {
                step,
                forward,
                extend,
            } => {
                let unit = match step {
                    CaretStep::Char => "character",
                    CaretStep::Word => "word",
                    CaretStep::Sentence => "sentence",
                    CaretStep::Paragraph => "paragraph",
                };
                let way = if *forward { "next" } else { "previous" };
                return if *extend {
                    format!("Extend selection to the {way} {unit}")
                } else {
                    format!("Caret to the {way} {unit}")
                };
            }
            Command::NextAnnotation => "Next annotation",
            Command::PreviousAnnotation => "Previous annotation",
            Command::NextArticle => "Next article",
            Command::PreviousArticle => "Previous article",
            Command::AcceptCurrentSuggestion => "Accept the highlighted suggestion",
            Command::RejectCurrentSuggestion => "Reject the highlighted suggestion",
            Command::NextSuggestion => "Next suggestion",
            Command::PreviousSuggestion => "Previous suggestion",
            Command::SelectAllRows => "Select all rows",
            Command::DeleteSelectedRows => "Delete the selected rows",
            Command::ShowSelectedRow => "Show the selected row's passage",
            Command::TextBigger => "Larger text",
            Command::TextSmaller => "Smaller text",
            Command::TextReset => "Default text size",
            Command::ShortcutSheet => "Keyboard shortcuts…",
            Command::CommandPalette => "Command palette…",
            Command::ShowNotices => "Recent messages…",
            Command::DismissNotice => "Dismiss message",
            Command::ToggleArticlesPanel => "Articles panel",
            Command::ToggleAnnotationsPanel => "Annotations panel",
            Command::ShowMyLayer => "Show my layer only",
            Command::ShowAllLayers => "Show all layers",
            Command::ToggleLayer(id) => return format!("Show or hide {id}'s layer"),
            Command::ToggleBlindCoding => "Blind coding",
            Command::ToggleCoded => "Mark article coded",
            Command::MergeWork => "Merge analysts' work…",
            Command::MergeWorkFrom(_) => "Merge analysts' work from files",
            Command::Agreement => "Agreement…",
            Command::Compare => "Compare two analysts…",
            Command::CompareAnalysts(..) => "Compare analysts",
            Command::NextDisagreement => "Next disagreement",
            Command::PreviousDisagreement => "Previous disagreement",
            Command::CopyToMyLayer => "Copy into my layer",
            Command::CurateGold => "Curate gold…",
            Command::Settle(_, how) => match how {
                Settle::TakeA => "Take the first analyst's",
                Settle::TakeB => "Take the second analyst's",
                Settle::Both => "Take both",
                Settle::Drop => "Drop",
            },
        };
        fixed.to_owned()
    }

    /// What the command does, for tooltips and the palette.
    pub fn tooltip(&self) -> &'static str {
        match self {
            Command::NewProject => "Start an empty project",
            Command::OpenProject | Command::OpenRecent(_) | Command::OpenPath(_) => {
                "Open a stancemark project file (.stance.json, or an older .stance.ron)"
            }
            Command::OpenAnyway(_) => "Open it here too; saves still check the file on disk",
            Command::OpenSalvaged(_) => {
                "Broken annotations are written to a .set-aside.ron report next to the project, not dropped"
            }
            Command::Save | Command::SaveTo { .. } => {
                "Write the project file (the previous version is kept as .bak)"
            }
            Command::SaveAs => "Write the project to a new file, which becomes the project's file",
            Command::ReloadFromDisk => {
                "Read the file as it is now and apply this window's unsaved changes on top (one Undo gives the file's version)"
            }
            Command::OverwriteOnDisk => {
                "Replace the file with this window's version, dropping the other changes"
            }
            Command::RestoreRecovery(_) => "Open the autosaved work (unsaved until you save it)",
            Command::DiscardRecovery(_) => {
                "Keep the saved file; the autosave is moved aside as .discarded"
            }
            Command::CancelJob => "Stop; the current project stays as it is",
            Command::AddArticle | Command::AddArticlesFrom(_) | Command::DropFiles(_) => {
                "Import files as articles: text in any encoding, Markdown, web pages, PDF, Word, OpenDocument"
            }
            Command::AddHeldDuplicates => {
                "Add these files as articles too, although the project already has their text"
            }
            Command::SkipHeldDuplicates => "Leave the project without a second copy of these texts",
            Command::CloseWindow(_) => "Close the tool window",
            Command::ImportAnnotations | Command::ImportAnnotationsFrom(_) => {
                "A .qdpx or stancemark JSON export opens as a new project; a CSV or W3C file comes into this project; a stance scheme or .qdc codebook brings its stances"
            }
            Command::Export(format) | Command::ExportTo { format, .. } => format.purpose(),
            Command::Preferences | Command::SetPreferences(_) => "Annotator name and text size",
            Command::Quit => "Close stancemark (asks about unsaved changes)",
            Command::SaveThen(_) => "Save the changes first",
            Command::DiscardThen(_) => "Drop the unsaved changes (the autosave is moved aside)",
            Command::Undo => "Revert the last change",
            Command::Redo => "Re-apply the last undone change",
            Command::Find => {
                "Find a word, phrase or regular expression in the article; matches are highlighted"
            }
            Command::SearchProject => {
                "Search the text and notes of every article; click a result to show it"
            }
            Command::RevealPassage { .. } => "Show the passage in the reader, selected",
            Command::AnnotationTable => {
                "Every annotation in a table: sort, filter, select several to change their stance or delete them"
            }
            Command::SetStanceOf { .. } => {
                "Give the selected annotations another stance (one Undo)"
            }
            Command::DeleteAnnotations(_) => "Delete the selected annotations (one Undo)",
            Command::Statistics => {
                "Annotations and annotated text per stance, co-occurrence, and where stances fall along the text"
            }
            Command::SaveChart | Command::SaveChartTo(_) => {
                "Save the chart shown in the statistics window as a PNG image"
            }
            Command::CopySelection => "Copy the selected text",
            Command::ClearSelection => "Drop the text and annotation selection",
            Command::DeleteSelectedAnnotation | Command::DeleteAnnotation(_) => {
                "Delete the annotation (Undo brings it back)"
            }
            Command::StanceKey(_) => {
                "Tag the selection with the stance on this key, or change the selected annotation's stance"
            }
            Command::Tag { .. } => "Tag the selected passage with a stance",
            Command::SelectAnnotation { .. } => "Select the annotation and show its passage",
            Command::SetStance { .. } => "Change the annotation's stance",
            Command::SetNote { .. } => "Replace the annotation's note",
            Command::Reattach { .. } => "Place the annotation on the selected passage",
            Command::Suggest => {
                "Every match of a term, phrase list or regular expression across the articles, to accept or reject one by one"
            }
            Command::SuggestSimilar(_) => {
                "The sentences of every article most like this passage, to accept or reject with its stance"
            }
            Command::AcceptSuggestions(_) => "Tag the suggested passages (one Undo removes them)",
            Command::ClearRejections => {
                "Forget every suggestion rejected in this project, so they may be offered again and no longer teach the classifier (one Undo brings them back)"
            }
            Command::RejectSuggestions(_) => {
                "Drop the suggested passages; the project remembers them so they are not offered again"
            }
            Command::SelectArticle(_) => "Show the article in the reader",
            Command::RenameArticle { .. } => "Rename the article",
            Command::RemoveArticle(_) | Command::ConfirmRemoveArticle(_) => {
                "Remove the article and its annotations (Undo brings them back)"
            }
            Command::EditArticleText(_) | Command::SetArticleText { .. } => {
                "Correct the article text; annotations follow their passages"
            }
            Command::ReimportArticle(_) => {
                "Reload the text from its source file; annotations follow their passages"
            }
            Command::ReimportArticleChoose(_) | Command::ReimportArticleFrom { .. } => {
                "Read a new version of the source (e.g. an amended bill); annotations follow their passages"
            }
            Command::SetArticleMeta { .. } => "Author, outlet, date and URL",
            Command::SetArticleMemo { .. } => "Your memo on the whole article",
            Command::ProjectMemo | Command::SetProjectMemo(_) => {
                "Your memo on the whole project: research question, decisions, open points"
            }
            Command::ManageStances => "Add, rename, recolour, describe, merge and remove stances",
            Command::AddStance { .. } => "Add a stance to the scheme",
            Command::RenameStance { .. } => "Rename the stance (its id in exports stays)",
            Command::RecolorStance { .. } => "Change the stance's colour",
            Command::DescribeStance { .. } => "Say what the stance means, for consistent coding",
            Command::SetStanceHotkey { .. } => "Choose the digit key that applies the stance",
            Command::SetStanceParent { .. } => {
                "Make the stance a sub-stance of another (its figures roll up into the parent's)"
            }
            Command::RemoveStance(_) | Command::ConfirmRemoveStance(_) => {
                "Remove the stance and its annotations (Undo brings them back)"
            }
            Command::MergeStance { .. } => {
                "Give the stance's annotations to another stance and remove it"
            }
            Command::ToggleStanceFilter(_) => "Show or hide this stance's annotations",
            Command::MoveCaret { extend: false, .. } => {
                "Move the caret in the reader (keyboard-only coding); a stance key tags the selection"
            }
            Command::MoveCaret { extend: true, .. } => {
                "Extend the selection in the reader from the caret; a stance key then tags it"
            }
            Command::NextAnnotation => "Select the next annotation in the article and scroll to it",
            Command::NextArticle => {
                "Show the article below the current one in the articles list (its order and filter)"
            }
            Command::PreviousArticle => {
                "Show the article above the current one in the articles list"
            }
            Command::AcceptCurrentSuggestion => {
                "Tag the suggestion highlighted in the review list and show the next one"
            }
            Command::RejectCurrentSuggestion => {
                "Drop the suggestion highlighted in the review list (the project remembers it) and show the next one"
            }
            Command::NextSuggestion => "Highlight the next suggestion and show its passage",
            Command::PreviousSuggestion => "Highlight the previous suggestion and show its passage",
            Command::SelectAllRows => "Select every row the annotation table shows",
            Command::DeleteSelectedRows => {
                "Delete the annotations selected in the table (one Undo brings them back)"
            }
            Command::ShowSelectedRow => "Show the passage of the first selected row in the reader",
            Command::PreviousAnnotation => {
                "Select the previous annotation in the article and scroll to it"
            }
            Command::TextBigger => "Make the article text one point larger",
            Command::TextSmaller => "Make the article text one point smaller",
            Command::TextReset => "Return the article text to its default size",
            Command::ShortcutSheet => "Every keyboard shortcut on one sheet",
            Command::CommandPalette => "Find any command by name",
            Command::ShowNotices => "The messages of this session",
            Command::DismissNotice => "Hide the message in the status bar",
            Command::ToggleArticlesPanel => "Show or hide the list of articles",
            Command::ToggleAnnotationsPanel => "Show or hide the list of annotations",
            Command::ShowMyLayer => "Show only your own annotations in the reader, list and table",
            Command::ShowAllLayers => "Show every analyst's annotations, and gold",
            Command::ToggleLayer(_) => "Show or hide this analyst's annotations",
            Command::ToggleBlindCoding => {
                "While on, each analyst sees only their own layer (and gold); suggestions and the classifier use only their own. Turn off to compare"
            }
            Command::ToggleCoded => {
                "Say you have finished this article: agreement then counts you here even where you marked nothing"
            }
            Command::MergeWork | Command::MergeWorkFrom(_) => {
                "Bring in other analysts' copies of this project (files, folders or JSON exports) as their layers (one Undo)"
            }
            Command::Agreement => {
                "How far the analysts agree: Krippendorff's α_U, Cohen's κ, Krippendorff's α and percent agreement, per stance and article"
            }
            Command::Compare | Command::CompareAnalysts(..) => {
                "Two analysts on one article: every place they differ, the costliest first"
            }
            Command::NextDisagreement => "Select the next place where the analysts shown disagree",
            Command::PreviousDisagreement => {
                "Select the previous place where the analysts shown disagree"
            }
            Command::CopyToMyLayer => {
                "Copy the selected annotation of another analyst into your own layer, to change it there"
            }
            Command::CurateGold => {
                "Build the gold layer: what all analysts agree on is taken at once; settle the rest one by one"
            }
            Command::Settle(..) => "Settle this difference into the gold layer (one Undo)",
            Command::ActorManager => {
                "Who holds the stances: persons and organisations, their types, aliases, colours and notes; rename, merge duplicates"
            }
            Command::NetworkView => {
                "Who agrees with whom, and who holds which stance: the discourse networks of the Discourse Network Analyzer, over time"
            }
            Command::FocusActorField => {
                "Type who holds the stance in the selected annotation (known actors and names in its sentence are offered)"
            }
            Command::PositionSupports => {
                "The selected annotation supports its stance (+1; on a scale, one step up)"
            }
            Command::PositionNeutral => "The selected annotation is neutral towards its stance (0)",
            Command::PositionOpposes => {
                "The selected annotation opposes its stance (-1; on a scale, one step down)"
            }
            Command::SetActorNamed { .. } | Command::SetActorOf { .. } => {
                "Name who holds the stance (one Undo)"
            }
            Command::SetStanceCode { .. } => "A codebook's code, shown before the stance's name",
            Command::NewFromTemplate | Command::StartFromTemplate(_) => {
                "Start a project with a codebook: the Manifesto Project's categories, the Comparative Agendas topics, one stance per target, or the default stances"
            }
            Command::AddSchemeFromTemplate | Command::AddTemplate(_) => {
                "Bring a codebook's codes into this project (codes it has already are left alone; one Undo)"
            }
            Command::ChooseCode(_) => {
                "Type a code or part of its name (41, tech) and press Enter to code with the first match"
            }
            Command::CodeWith(_) => {
                "Code the current unit, the selection or the selected annotation"
            }
            Command::UnitiseArticle => {
                "Split the article into coding units: its sentences and headings (quasi-sentence splits are proposed in Units…)"
            }
            Command::ToggleUnitMode => {
                "Code one unit after another from the keyboard: a digit or C codes the current unit and moves on; arrows move without coding"
            }
            Command::LeaveUnitMode => "Back to tagging passages",
            Command::NextUnit => "The next unit, without coding",
            Command::PreviousUnit => "The previous unit, without coding",
            Command::GoToUnit(_) => "Make this the current unit",
            Command::UncodeUnit => "Remove your code from the current unit",
            Command::SplitUnitHere => {
                "Split the unit holding the caret there (codes on it are refitted, after asking)"
            }
            Command::JoinUnitWithNext => {
                "Remove the split after the current unit (codes on the two are refitted, after asking)"
            }
            Command::ToggleUnitHeading => {
                "A heading is a unit of its own that is not coded (H in Manifesto files)"
            }
            Command::AcceptSplit(_) | Command::AcceptAllSplits => {
                "Split at the proposed quasi-sentence boundary (after a semicolon, before a list item, at a bullet)"
            }
            Command::UnitsWindow => {
                "The article's units with their codes, the uncoded ones, and the proposed quasi-sentence splits"
            }
            Command::SetUnits { .. } | Command::ApplyUnits { .. } => {
                "Change the article's units (one Undo)"
            }
            Command::SetPositionOf { .. } => "Set for or against the stance (one Undo)",
            Command::AddActor { .. } => "Add a person or organisation",
            Command::PutActor(_) => "Change the actor's details",
            Command::MergeActors { .. } => {
                "Merge a duplicate into this actor: its annotations follow, its names become aliases (one Undo)"
            }
            Command::RemoveActor(_) => "Remove an actor no annotation names",
            Command::SetActorTypes(_) => "The kinds of actor this project tells apart",
            Command::SetPositionScale(_) => {
                "Supports / neutral / opposes, or an integer scale such as -2 to +2"
            }
            Command::ExportNetwork(_) | Command::ExportNetworkTo(..) => {
                "Write the network shown (with its time windows in JSON) for Gephi, networkx, UCINET or R"
            }
            Command::ExportTimeline(_) | Command::ExportTimelineTo(..) => {
                "Annotations, supports, opposes and neutral per period (or outlet) and stance, as shown"
            }
        }
    }

    /// The default shortcut (the keymap may add others).
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let cmd = |key| Some(KeyboardShortcut::new(Modifiers::COMMAND, key));
        let cmd_shift = |key| {
            Some(KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                key,
            ))
        };
        let plain = |key| Some(KeyboardShortcut::new(Modifiers::NONE, key));
        match self {
            Command::NewProject => cmd(Key::N),
            Command::OpenProject => cmd(Key::O),
            Command::Save => cmd(Key::S),
            Command::SaveAs => cmd_shift(Key::S),
            Command::AddArticle => cmd(Key::I),
            Command::Export(ExportFormat::Json) => cmd(Key::E),
            Command::Preferences => cmd(Key::Comma),
            Command::Quit => cmd(Key::Q),
            Command::Undo => cmd(Key::Z),
            Command::Redo => cmd_shift(Key::Z),
            Command::Find => cmd(Key::F),
            Command::SearchProject => cmd_shift(Key::F),
            Command::AnnotationTable => cmd(Key::T),
            Command::CopySelection => cmd(Key::C),
            Command::ClearSelection => plain(Key::Escape),
            Command::DeleteSelectedAnnotation => plain(Key::Delete),
            Command::CommandPalette => cmd_shift(Key::P),
            Command::TextBigger => cmd(Key::Equals),
            Command::TextSmaller => cmd(Key::Minus),
            Command::TextReset => cmd(Key::Num0),
            Command::ShortcutSheet => plain(Key::F1),
            Command::NextAnnotation => plain(Key::CloseBracket),
            Command::NextArticle | Command::NextSuggestion => plain(Key::ArrowDown),
            Command::PreviousArticle | Command::PreviousSuggestion => plain(Key::ArrowUp),
            Command::AcceptCurrentSuggestion => plain(Key::A),
            Command::RejectCurrentSuggestion => plain(Key::R),
            Command::SelectAllRows => cmd(Key::A),
            Command::DeleteSelectedRows => plain(Key::Delete),
            Command::ShowSelectedRow => plain(Key::Enter),
            Command::MoveCaret {
                step,
                forward,
                extend,
            } => {
                let key = match (step, forward) {
                    (CaretStep::Paragraph, true) => Key::ArrowDown,
                    (CaretStep::Paragraph, false) => Key::ArrowUp,
                    (_, true) => Key::ArrowRight,
                    (_, false) => Key::ArrowLeft,
                };
                let mut modifiers = match step {
                    CaretStep::Char => Modifiers::NONE,
                    CaretStep::Word | CaretStep::Paragraph => Modifiers::COMMAND,
                    CaretStep::Sentence => Modifiers::ALT,
                };
                if *extend {
                    modifiers |= Modifiers::SHIFT;
                }
                Some(KeyboardShortcut::new(modifiers, key))
            }
            Command::PreviousAnnotation => plain(Key::OpenBracket),
            Command::NextDisagreement => plain(Key::CloseCurlyBracket),
            Command::PreviousDisagreement => plain(Key::OpenCurlyBracket),
            Command::ToggleArticlesPanel => cmd(Key::Num1).map(|s| KeyboardShortcut {
                modifiers: s.modifiers | Modifiers::ALT,
                ..s
            }),
            Command::ToggleAnnotationsPanel => cmd(Key::Num2).map(|s| KeyboardShortcut {
                modifiers: s.modifiers | Modifiers::ALT,
                ..s
            }),
            Command::StanceKey(d) => digit_key(*d).and_then(plain),
            Command::FocusActorField => plain(Key::W),
            Command::PositionSupports => plain(Key::Plus),
            Command::PositionNeutral => plain(Key::Num0),
            Command::PositionOpposes => plain(Key::Minus),
            Command::ChooseCode(_) => plain(Key::C),
            Command::ToggleUnitMode => plain(Key::U),
            Command::LeaveUnitMode => plain(Key::Escape),
            Command::NextUnit => plain(Key::ArrowDown),
            Command::PreviousUnit => plain(Key::ArrowUp),
            Command::UncodeUnit => plain(Key::Delete),
            Command::SplitUnitHere => plain(Key::K),
            Command::JoinUnitWithNext => plain(Key::J),
            Command::ToggleUnitHeading => plain(Key::H),
            _ => None,
        }
    }

    /// Where the command's key applies (see [`KeyScope`]).
    pub fn key_scope(&self) -> KeyScope {
        match self {
            Command::ClearSelection
            | Command::DeleteSelectedAnnotation
            | Command::CopySelection
            | Command::StanceKey(_)
            | Command::NextAnnotation
            | Command::PreviousAnnotation
            | Command::NextDisagreement
            | Command::PreviousDisagreement
            | Command::FocusActorField
            | Command::PositionSupports
            | Command::PositionNeutral
            | Command::PositionOpposes
            | Command::ChooseCode(_)
            | Command::ToggleUnitMode
            | Command::SplitUnitHere
            | Command::MoveCaret { .. } => KeyScope::Reader,
            Command::LeaveUnitMode
            | Command::NextUnit
            | Command::PreviousUnit
            | Command::UncodeUnit
            | Command::JoinUnitWithNext
            | Command::ToggleUnitHeading => KeyScope::Units,
            Command::NextArticle | Command::PreviousArticle => KeyScope::ArticleList,
            Command::AcceptCurrentSuggestion
            | Command::RejectCurrentSuggestion
            | Command::NextSuggestion
            | Command::PreviousSuggestion => KeyScope::ReviewList,
            Command::SelectAllRows | Command::DeleteSelectedRows | Command::ShowSelectedRow => {
                KeyScope::Table
            }
            _ => KeyScope::Global,
        }
    }

    /// True for commands that change the project (they are refused while a project opens).
    pub fn changes_project(&self) -> bool {
        matches!(
            self,
            Command::Undo
                | Command::Redo
                | Command::DeleteSelectedAnnotation
                | Command::StanceKey(_)
                | Command::Tag { .. }
                | Command::SetStance { .. }
                | Command::SetNote { .. }
                | Command::DeleteAnnotation(_)
                | Command::Reattach { .. }
                | Command::AcceptSuggestions(_)
                | Command::RejectSuggestions(_)
                | Command::ClearRejections
                | Command::AcceptCurrentSuggestion
                | Command::RejectCurrentSuggestion
                | Command::DeleteSelectedRows
                | Command::SetStanceOf { .. }
                | Command::DeleteAnnotations(_)
                | Command::RenameArticle { .. }
                | Command::ConfirmRemoveArticle(_)
                | Command::SetArticleText { .. }
                | Command::ReimportArticle(_)
                | Command::SetArticleMeta { .. }
                | Command::SetArticleMemo { .. }
                | Command::SetProjectMemo(_)
                | Command::AddStance { .. }
                | Command::RenameStance { .. }
                | Command::RecolorStance { .. }
                | Command::DescribeStance { .. }
                | Command::SetStanceHotkey { .. }
                | Command::SetStanceParent { .. }
                | Command::ConfirmRemoveStance(_)
                | Command::MergeStance { .. }
                | Command::AddArticlesFrom(_)
                | Command::AddHeldDuplicates
                | Command::ImportAnnotationsFrom(_)
                | Command::ReimportArticleFrom { .. }
                | Command::DropFiles(_)
                | Command::ToggleBlindCoding
                | Command::ToggleCoded
                | Command::MergeWorkFrom(_)
                | Command::CopyToMyLayer
                | Command::CurateGold
                | Command::Settle(..)
                | Command::PositionSupports
                | Command::PositionNeutral
                | Command::PositionOpposes
                | Command::SetActorNamed { .. }
                | Command::SetActorOf { .. }
                | Command::SetPositionOf { .. }
                | Command::AddActor { .. }
                | Command::PutActor(_)
                | Command::MergeActors { .. }
                | Command::RemoveActor(_)
                | Command::SetActorTypes(_)
                | Command::SetPositionScale(_)
                | Command::AddTemplate(_)
                | Command::SetStanceCode { .. }
                | Command::CodeWith(_)
                | Command::UnitiseArticle
                | Command::UncodeUnit
                | Command::SplitUnitHere
                | Command::JoinUnitWithNext
                | Command::ToggleUnitHeading
                | Command::AcceptSplit(_)
                | Command::AcceptAllSplits
                | Command::SetUnits { .. }
                | Command::ApplyUnits { .. }
        )
    }
}

/// The key of digit `d` (1–9).
pub fn digit_key(d: u8) -> Option<Key> {
    Some(match d {
        1 => Key::Num1,
        2 => Key::Num2,
        3 => Key::Num3,
        4 => Key::Num4,
        5 => Key::Num5,
        6 => Key::Num6,
        7 => Key::Num7,
        8 => Key::Num8,
        9 => Key::Num9,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plain_command_has_a_label_and_tooltip_and_no_two_share_a_shortcut_in_a_scope() {
        // A key may be bound once in each scope; a global key in no other scope (it would
        // never reach the list), and a list's key may shadow a reader key (that is the point).
        let mut seen = std::collections::HashMap::new();
        for c in PLAIN_COMMANDS
            .iter()
            .chain(&(1..=9).map(Command::StanceKey).collect::<Vec<_>>())
        {
            assert!(!c.label().is_empty() && !c.tooltip().is_empty(), "{c:?}");
            if let Some(s) = c.shortcut() {
                assert!(
                    seen.insert((c.key_scope(), s), c.clone()).is_none(),
                    "{c:?} reuses {s:?}"
                );
            }
        }
        for ((scope, s), c) in &seen {
            if *scope != KeyScope::Global {
                assert!(
                    !seen.contains_key(&(KeyScope::Global, *s)),
                    "{c:?}'s {s:?} is also a global key"
                );
            }
        }
        let shared: Vec<_> = seen
            .keys()
            .filter(|(scope, s)| {
                *scope == KeyScope::Table && seen.contains_key(&(KeyScope::Reader, *s))
            })
            .collect();
        assert_eq!(
            shared,
            [&(
                KeyScope::Table,
                KeyboardShortcut::new(Modifiers::NONE, Key::Delete)
            )],
            "Delete means the table's rows in the table"
        );
        assert_eq!(
            Command::StanceKey(3).shortcut(),
            Some(KeyboardShortcut::new(Modifiers::NONE, Key::Num3))
        );
    }
}
