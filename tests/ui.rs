//! The real app, driven headlessly the way an analyst uses it: mouse drags, keys, clicks.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use egui_kittest::kittest::{By, Queryable};
use stancemark::model::TextRange;
use stancemark::store;

use eframe::egui::{self, Key, Modifiers};

#[test]
fn drag_over_a_passage_and_press_2_tags_it_as_regulation() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let article = harness.state().workspace().project().articles[0].clone();
    let passage = "technology leaders caution that restricting open source development";
    let range = char_range_of(&article.text, passage);

    drag_select(&mut harness, range);
    assert_eq!(harness.state().article_view().selection(), Some(range));
    harness.key_press(Key::Num2);
    harness.step();

    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), 13);
    let ann = project
        .annotations
        .iter()
        .find(|a| a.quote == passage)
        .expect("an annotation with exactly the dragged quote");
    assert_eq!(ann.stance.as_str(), "regulation");
    assert_eq!(ann.range, range);
    assert!(harness.state().workspace().is_dirty());
    assert_eq!(harness.state().selected_annotation(), Some(ann.id));
    assert_eq!(harness.state().article_view().selection(), None);
}

#[test]
fn the_floating_toolbar_tags_a_selection_with_a_click() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let passage = "A Warning Against Overreach";
    drag_select(&mut harness, char_range_of(&text, passage));
    harness.get_by_label("3 security").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let ann = project
        .annotations
        .iter()
        .find(|a| a.quote == passage)
        .unwrap();
    assert_eq!(ann.stance.as_str(), "security");
}

#[test]
fn double_click_selects_a_word() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let range = char_range_of(&text, "stricter");
    let pos = harness
        .state()
        .article_view()
        .screen_pos_of(range.start + 3)
        .unwrap();
    harness.hover_at(pos);
    harness.step();
    // Two clicks one frame (1/30 s) apart: well inside the double-click time.
    for _ in 0..2 {
        for pressed in [true, false] {
            harness.event(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        harness.step();
    }
    assert_eq!(harness.state().article_view().selection(), Some(range));
}

#[test]
fn click_an_annotation_in_the_list_then_delete_it_with_the_delete_key() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let target = harness
        .state()
        .workspace()
        .project()
        .annotations
        .iter()
        .find(|a| a.quote.starts_with("That foundation has generated"))
        .unwrap()
        .clone();
    harness
        .get_by_label_contains("Annotation: That foundation has generated")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().selected_annotation(), Some(target.id));

    harness.key_press(Key::Delete);
    harness.step();
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), 11);
    assert!(project.annotation(target.id).is_none());
    assert_eq!(harness.state().selected_annotation(), None);

    // Ctrl+Z brings it back exactly.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.step();
    assert_eq!(
        harness.state().workspace().project().annotation(target.id),
        Some(&*target)
    );
}

#[test]
fn save_with_ctrl_s_and_reopen_gives_all_annotations_back() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path.clone()));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(
        &mut harness,
        char_range_of(&text, "Open Source AI Regulation Risks Stifling Innovation"),
    );
    harness.key_press(Key::Num1);
    harness.step();
    harness
        .get_by_label_contains("Annotation: Washington's appetite")
        .click();
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.step();
    assert!(harness.state().workspace().is_dirty());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    assert!(!harness.state().workspace().is_dirty());
    let in_memory = harness.state().workspace().project().clone();
    assert_eq!(store::load_project(&path).unwrap(), in_memory);

    let reopened = harness_on(Some(path));
    assert_eq!(reopened.state().workspace().project(), &in_memory);
    assert_eq!(reopened.state().workspace().project().annotations.len(), 12);
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path.clone()));
    harness
        .get_by_label_contains("Annotation: Washington's appetite")
        .click();
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.step();

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    harness.run_steps(2);
    harness.get_by_label("Save changes?");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().quit_requested());
    assert!(harness.query_by_label("Save changes?").is_none());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    harness.run_steps(2);
    assert!(harness.state().quit_requested());
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 11);
}

#[test]
fn add_article_through_the_typed_path_field() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("note.md");
    std::fs::write(
        &article,
        "# A short brief\n\nOpen models help researchers — “quoted”.\n",
    )
    .unwrap();
    let mut harness = harness_on(None);
    // The empty window offers the same command as File → Add articles….
    harness.get_by_label("Add articles…").click();
    harness.run_steps(2);
    let field = harness.get_by_label("File path");
    field.focus();
    field.type_text(""); // focus settles
    harness.step();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(article.to_str().unwrap());
    harness.run_steps(2);
    harness.get_by_label("Add").click();
    harness.run_steps(3);
    let project = harness.state().workspace().project();
    assert_eq!(project.articles.len(), 1);
    assert_eq!(project.articles[0].title, "A short brief");
    assert_eq!(
        harness.state().current_article(),
        Some(project.articles[0].id)
    );
}

#[test]
fn a_broken_project_shows_an_error_and_the_app_keeps_running() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.stance.json");
    std::fs::write(
        &broken,
        "(format_version: 1, project: (name: \"x\", articles: [",
    )
    .unwrap();
    let before = std::fs::read(&broken).unwrap();
    let mut harness = harness_on(Some(broken.clone()));
    let (title, message) = harness.state().error_message().expect("an error window");
    assert_eq!(title, "Could not open project");
    assert!(message.contains("broken.stance.json: line 1"), "{message}");
    harness.get_by_label("Could not open project");
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.state().error_message().is_none());
    assert_eq!(std::fs::read(&broken).unwrap(), before);
    assert!(harness.state().workspace().project().articles.is_empty());
}

#[test]
fn stance_filter_hides_annotations_from_the_list() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    assert!(
        harness
            .query_by_label_contains("Annotation: restrictions preventing")
            .is_some()
    );
    harness
        .get(By::new().role(egui::Role::Button).label("security"))
        .click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Annotation: restrictions preventing")
            .is_none()
    );
    assert!(
        harness
            .query_by_label_contains("Annotation: Washington's appetite")
            .is_some()
    );
}

/// Image snapshot of the main window on the sample project (rendered with wgpu on lavapipe).
#[test]
fn main_window_snapshot() {
    // A relative path, so the status bar reads the same on every machine.
    let mut harness = harness_on(Some(PathBuf::from(
        "sample_data/open-source-ai.stance.json",
    )));
    harness
        .get_by_label_contains("Annotation: restrictions preventing")
        .click();
    harness.run_steps(3);
    harness.remove_cursor();
    harness.run_steps(2);
    harness.snapshot("main_window");
}

#[test]
fn autosave_writes_a_recovery_file_and_restart_offers_to_restore_it() {
    let (dir, path) = sample_copy();
    let saved_bytes = std::fs::read(&path).unwrap();
    let recovery = dir.path().join("sample.stance.json.autosave");
    {
        let mut harness = harness_on(Some(path.clone()));
        harness
            .get_by_label_contains("Annotation: Washington's appetite")
            .click();
        harness.run_steps(2);
        harness.key_press(Key::Delete);
        harness.step();
        assert!(!recovery.exists(), "no autosave before the delay");
        // Three seconds of frames (the autosave delay is two).
        harness.run_steps(90);
        harness.state_mut().wait_for_autosave();
        assert_eq!(
            store::load_project(&recovery).unwrap().annotations.len(),
            11
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            saved_bytes,
            "the project file is untouched"
        );
        // The app "crashes" here: dropped without saving.
    }
    let mut harness = harness_on(Some(path.clone()));
    harness.get_by_label("Unsaved work found");
    harness.get_by_label("Show both").click();
    harness.run();
    harness.get_by_label("Annotations only in the saved file (1)");
    harness.get_by_label("Restore").click();
    harness.run_steps(2);
    let ws = harness.state().session();
    assert_eq!(ws.project().annotations.len(), 11);
    assert!(ws.is_dirty(), "restored work is unsaved until saved");
    assert_eq!(ws.path(), Some(path.as_path()));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    assert!(!recovery.exists(), "saving removes the recovery file");
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 11);
}

#[test]
fn choosing_the_saved_version_keeps_the_autosave_aside() {
    let (dir, path) = sample_copy();
    let recovery = dir.path().join("sample.stance.json.autosave");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut newer = store::load_project(&path).unwrap();
    let last = newer.annotations.to_vec().pop().unwrap().id;
    newer.annotations.remove(last);
    stancemark::recovery::write_recovery(&recovery, &newer).unwrap();
    let mut harness = harness_on(Some(path));
    harness.get_by_label("Open the saved version").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    assert!(!recovery.exists());
    assert!(
        dir.path()
            .join("sample.stance.json.autosave.discarded")
            .exists()
    );
}

#[test]
fn a_project_with_broken_annotations_opens_without_them_on_request() {
    let (dir, path) = sample_copy();
    let good = std::fs::read_to_string(&path).unwrap();
    let tampered = good.replacen("\"stance\": \"security\"", "\"stance\": \"economy\"", 1);
    std::fs::write(&path, &tampered).unwrap();
    let mut harness = harness_on(Some(path.clone()));
    let (_, message) = harness.state().error_message().unwrap();
    assert!(
        message.contains("economy") && message.contains("line "),
        "{message}"
    );
    harness
        .get_by_label("Open without the broken annotations")
        .click();
    harness.run_steps(2);
    let ws = harness.state().workspace();
    assert_eq!(ws.project().annotations.len(), 11);
    assert!(ws.is_dirty());
    assert!(dir.path().join("sample.stance.json.set-aside.ron").exists());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), tampered);
}

#[test]
fn ctrl_f_finds_and_steps_through_matches_as_you_type() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let expected = text.to_lowercase().matches("open source").count();
    assert!(expected > 3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Find").type_text("open source");
    harness.run_steps(3);
    let (matches, current) = harness.state().article_view().find_matches().unwrap();
    assert_eq!(matches.len(), expected);
    assert_eq!(current, 0);
    for m in matches {
        let found: String = text.chars().skip(m.start).take(m.len()).collect();
        assert_eq!(found.to_lowercase(), "open source");
    }
    harness.get_by_label(&format!("1 of {expected}"));
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    assert_eq!(harness.state().article_view().find_matches().unwrap().1, 1);
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(harness.state().article_view().find_matches().is_none());
}

#[test]
fn large_projects_open_and_save_on_a_worker_thread_while_the_window_stays_live() {
    let (_dir, path) = sample_copy();
    // Every file is treated as large, so the sample goes through the worker threads.
    // (Whether the open is still running here depends on the scheduler: a fast worker may
    // have finished already, so that is not asserted.)
    let app = app_with_worker_io(path.clone());
    let mut harness = harness_for(app);
    run_until_idle(&mut harness);
    harness.run();
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    assert!(!harness.state().workspace().is_dirty());

    harness
        .get_by_label_contains("Annotation: Washington's appetite")
        .click();
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    // A change made while the save runs stays unsaved: the save wrote the snapshot.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.step();
    run_until_idle(&mut harness);
    harness.step();
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 11);
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    assert!(harness.state().workspace().is_dirty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    run_until_idle(&mut harness);
    assert!(!harness.state().workspace().is_dirty());
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 12);

    // Exports run on the worker thread too.
    let out = path.with_file_name("export.json");
    harness
        .state_mut()
        .export_to(stancemark::export::ExportFormat::Json, &out);
    run_until_idle(&mut harness);
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(export["annotations"].as_array().unwrap().len(), 12);
}

/// A project large enough that opening it takes a while in a test build (the EU AI Act with
/// 20,000 annotations, about 4 MB).
fn large_project(dir: &Path) -> PathBuf {
    use stancemark::model::{Annotation, Article, Project, StanceId};
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eu-ai-act-2024-1689.md"),
    )
    .unwrap();
    let article = Article::new("EU AI Act", &text);
    let chars: Vec<char> = article.text.chars().collect();
    let mut project = Project::new("large");
    for i in 0..20_000usize {
        let start = (i * 7919) % (chars.len() - 100);
        let range = TextRange {
            start,
            end: start + 60,
        };
        project.push_annotation(Annotation {
            id: uuid::Uuid::from_u64_pair(7, i as u64),
            article: article.id,
            range,
            quote: chars[range.start..range.end].iter().collect(),
            prefix: String::new(),
            suffix: String::new(),
            orphaned: false,
            stance: StanceId::new("regulation"),
            note: String::new(),
            analyst: "t".into(),
            curator: None,
            actor: None,
            position: None,
            created: Default::default(),
            modified: Default::default(),
        });
    }
    project.articles.push(article.into());
    let path = dir.join("large.stance.json");
    store::save_project(&project, &path).unwrap();
    path
}

#[test]
fn cancelling_a_slow_open_keeps_the_current_project() {
    let dir = tempfile::tempdir().unwrap();
    let large = large_project(dir.path());
    let mut harness = harness_for(app_with_worker_io(large));
    harness.run_steps(3);
    assert!(harness.state().is_busy());
    harness.get_by_label("Opening project");
    // The window stays live while reading: the modal answers clicks.
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().is_busy());
    assert!(harness.query_by_label("Opening project").is_none());
    assert!(harness.state().workspace().project().articles.is_empty());
    // The reading thread finishes in the background; its result goes nowhere.
    std::thread::sleep(std::time::Duration::from_millis(500));
    harness.run_steps(2);
    assert!(harness.state().error_message().is_none());
    assert!(harness.state().workspace().project().articles.is_empty());
}

#[test]
fn a_pipe_or_device_is_refused_with_a_clear_message_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("slow.stance.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [pipe, PathBuf::from("/dev/zero")] {
        let harness = harness_on(Some(path.clone()));
        let (title, message) = harness.state().error_message().expect("an error window");
        assert_eq!(title, "Could not open project");
        assert!(message.contains("not a regular file"), "{message}");
    }
}

#[test]
fn an_older_ron_project_opens_says_where_it_will_be_saved_and_ctrl_s_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("study.stance.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2-open-source-ai.stance.ron"),
        &old,
    )
    .unwrap();
    let before = std::fs::read(&old).unwrap();
    let mut harness = harness_on(Some(old.clone()));
    let (status, _) = harness.state().status().unwrap();
    assert!(
        status.contains("older file format") && status.contains("study.stance.json"),
        "{status}"
    );
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    assert!(harness.state().workspace().is_dirty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    assert!(!harness.state().workspace().is_dirty());
    let new = dir.path().join("study.stance.json");
    assert_eq!(
        &store::load_project(&new).unwrap(),
        harness.state().workspace().project()
    );
    assert_eq!(std::fs::read(&old).unwrap(), before);
}
