//! The side panels, the stance editor, notes, messages and the command palette, driven as a
//! new user drives them.

mod common;

use common::*;
use eframe::egui::{self, Key, Modifiers, Vec2};
use egui_kittest::kittest::{By, Queryable};
use stancemark::command::Command;

type AppHarness = egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>;

fn title(harness: &AppHarness) -> String {
    harness.state().workspace().project().articles[0]
        .title
        .clone()
}

/// Double-clicks the article in the list to rename it and types `text` into the field.
fn start_renaming(harness: &mut AppHarness, text: &str) {
    // Half a second after any earlier click, so the two clicks make a double-click of their own.
    harness.run_steps(15);
    let shown: String = title(harness).chars().take(12).collect();
    let item = harness.get_by_label_contains(&shown).rect().center();
    harness.hover_at(item);
    harness.step();
    for _ in 0..2 {
        for pressed in [true, false] {
            harness.event(egui::Event::PointerButton {
                pos: item,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        harness.step();
    }
    harness.run_steps(2);
    assert!(
        harness.state().article_being_renamed().is_some(),
        "renaming {shown:?}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    harness.event(egui::Event::Text(text.to_owned()));
    harness.run_steps(2);
}

#[test]
fn renaming_an_article_ends_with_enter_tab_a_click_elsewhere_or_escape() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let original = title(&harness);

    start_renaming(&mut harness, "Op-ed one");
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    assert_eq!(title(&harness), "Op-ed one");
    assert_eq!(
        harness.state().article_being_renamed(),
        None,
        "the field closed"
    );
    // The keyboard is free again: a stance key tags the selection, not the title.
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(
        &mut harness,
        char_range_of(&text, "A Warning Against Overreach"),
    );
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    assert_eq!(title(&harness), "Op-ed one");
    assert_eq!(harness.state().workspace().project().annotations.len(), 13);

    start_renaming(&mut harness, "Op-ed two");
    harness.key_press(Key::Tab);
    harness.run_steps(2);
    assert_eq!(title(&harness), "Op-ed two");
    assert_eq!(harness.state().article_being_renamed(), None);

    start_renaming(&mut harness, "Op-ed three");
    let elsewhere = harness.state().article_view().reader_rect().center();
    click_at(&mut harness, elsewhere);
    assert_eq!(title(&harness), "Op-ed three");
    assert_eq!(harness.state().article_being_renamed(), None);

    start_renaming(&mut harness, "never kept");
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert_eq!(title(&harness), "Op-ed three");
    assert_eq!(harness.state().article_being_renamed(), None);
    assert_ne!(title(&harness), original);
}

#[test]
fn the_list_header_counts_what_the_stance_filter_shows() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.get_by_label("Annotations (12)");
    harness
        .get(By::new().role(egui::Role::Button).label("security"))
        .click();
    harness.run_steps(2);
    harness.get_by_label("Annotations (9 of 12)");
}

#[test]
fn redo_while_typing_a_note_keeps_the_note() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness
        .get_by_label_contains("Annotation: Washington's appetite")
        .click();
    harness.run_steps(2);
    let id = harness.state().selected_annotation().unwrap();
    let note = harness.get_by_label("Note");
    note.focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.event(egui::Event::Text(" Typed before redo.".into()));
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run_steps(2);
    let kept = &harness
        .state()
        .workspace()
        .project()
        .annotation(id)
        .unwrap()
        .note;
    assert!(kept.ends_with("Typed before redo."), "{kept:?}");
    // And with Ctrl+Shift+Z.
    harness.get_by_label("Note").focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.event(egui::Event::Text(" Again.".into()));
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(2);
    let kept = &harness
        .state()
        .workspace()
        .project()
        .annotation(id)
        .unwrap()
        .note;
    assert!(kept.ends_with("Typed before redo. Again."), "{kept:?}");
}

#[test]
fn the_stance_editor_shows_full_names_chooses_free_keys_and_merges() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::ManageStances);
    harness.run_steps(2);
    // Full names visible: the name fields are wide, the description grows with the window.
    let name = harness.get_by_label("Name of pro-open-source");
    assert!(name.rect().width() >= 150.0, "{:?}", name.rect());
    assert_eq!(name.value().as_deref(), Some("pro-open-source"));
    // A new stance, then a key chosen for it from the free ones.
    harness.state_mut().execute(Command::AddStance {
        label: "economy".into(),
        color: stancemark::model::Rgb([1, 2, 3]),
    });
    harness.state_mut().execute(Command::SetStanceHotkey {
        stance: stancemark::model::StanceId::new("economy"),
        hotkey: None,
    });
    harness.run_steps(2);
    let combos: Vec<_> = harness
        .get_all_by_role(egui::accesskit::Role::ComboBox)
        .collect();
    assert_eq!(
        combos.len(),
        8,
        "a key chooser and a parent chooser per stance"
    );
    // Row by row: the key chooser comes first.
    let economy_key = combos[6].rect().center();
    click_at(&mut harness, economy_key);
    // Keys 1–3 are taken: the chooser offers none of them.
    assert!(harness.query_by_label("1").is_none() && harness.query_by_label("3").is_none());
    harness.get_by_label("7").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project().clone();
    assert_eq!(
        project
            .stances
            .get(&stancemark::model::StanceId::new("economy"))
            .unwrap()
            .hotkey,
        Some(7)
    );
    // Merging "security" (in use) into "regulation".
    let merge = harness
        .get_all_by_label("Merge into…")
        .nth(2)
        .expect("the third stance is in use")
        .rect()
        .center();
    click_at(&mut harness, merge);
    let reader = harness.state().article_view().reader_rect();
    let target = harness
        .get_all_by_label("regulation")
        .find(|n| reader.contains(n.rect().center()))
        .expect("regulation in the merge menu")
        .rect()
        .center();
    click_at(&mut harness, target);
    let project = harness.state().workspace().project();
    assert!(
        project
            .stances
            .get(&stancemark::model::StanceId::new("security"))
            .is_none()
    );
    assert_eq!(
        project.stance_usage(&stancemark::model::StanceId::new("regulation")),
        6
    );
    assert_eq!(project.annotations.len(), 12, "no annotation lost");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .workspace()
            .project()
            .stance_usage(&stancemark::model::StanceId::new("security")),
        3
    );
}

#[test]
fn the_remove_question_names_a_renamed_stance_by_its_new_name() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::ManageStances);
    harness.run_steps(2);
    let field = harness.get_by_label("Name of security");
    field.focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text("national security".into()));
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    let removes: Vec<_> = harness.get_all_by_label("Remove…").collect();
    let last = removes.last().unwrap().rect().center();
    click_at(&mut harness, last);
    harness.get_by_label_contains("“national security” is used by 3 annotation(s)");
}

#[test]
fn side_panels_share_a_small_window_and_fold_away() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.set_size(Vec2::new(900.0, 600.0));
    harness.run_steps(3);
    let reader = harness.state().article_view().reader_rect();
    assert!(reader.width() >= 400.0, "the reader keeps room: {reader:?}");
    harness.state_mut().execute(Command::ToggleAnnotationsPanel);
    harness.run_steps(10);
    let wider = harness.state().article_view().reader_rect();
    assert!(wider.width() > reader.width() + 150.0, "{wider:?}");
    assert!(harness.query_by_label_contains("Annotations (").is_none());
    // Folded panels keep their keyboard shortcut to come back.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, Key::Num2);
    harness.run_steps(10);
    assert!(harness.query_by_label_contains("Annotations (").is_some());
}

#[test]
fn messages_expire_a_newer_one_replaces_an_old_error_and_the_log_keeps_them() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    // An error: adding an article from a file that is not there.
    let missing = std::path::PathBuf::from("/no/such/folder/brief.txt");
    harness
        .state_mut()
        .execute(Command::AddArticlesFrom(vec![missing]));
    harness.run_steps(2);
    let (status, is_error) = harness.state().status().unwrap();
    assert!(
        is_error && status.contains("Could not add article"),
        "{status}"
    );
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    // A later action replaces it.
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(
        &mut harness,
        char_range_of(&text, "A Warning Against Overreach"),
    );
    harness.key_press(Key::Num1);
    harness.run_steps(2);
    let (status, is_error) = harness.state().status().unwrap();
    assert!(
        !is_error && status == "Tagged passage as pro-open-source",
        "{status}"
    );
    // Information expires (after a few seconds of frames).
    harness.run_steps(240);
    assert_eq!(harness.state().status(), None);
    // The log keeps both.
    let log: Vec<String> = harness.state().notices().log().map(|n| n.text()).collect();
    assert!(
        log.iter().any(|t| t.contains("Could not add article")),
        "{log:?}"
    );
    assert!(log.iter().any(|t| t == "Tagged passage as pro-open-source"));
    harness.get_by_label("Messages").click();
    harness.run_steps(2);
    harness.get_by_label("Recent messages");
}

#[test]
fn the_command_palette_finds_and_runs_a_command_by_name() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run_steps(2);
    harness.event(egui::Event::Text("manage st".into()));
    harness.run_steps(2);
    // Each row shows its shortcut; Enter runs the first match.
    harness.get_by_label_contains("Manage stances…");
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    harness.get_by_label("Name of regulation");
}
