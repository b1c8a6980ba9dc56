//! The project file as the truth: two windows on one project, a project open elsewhere.

mod common;

use common::*;
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use stancemark::store::{self, lock};
use stancemark::ui::{AppOptions, StancemarkApp};

#[test]
fn the_second_window_to_save_is_asked_and_reload_keeps_both_windows_work() {
    let (_dir, path) = sample_copy();
    let mut first = harness_on(Some(path.clone()));
    let mut second = harness_on(Some(path.clone()));
    let text = first.state().workspace().project().articles[0].text.clone();

    drag_select(
        &mut first,
        char_range_of(&text, "A Warning Against Overreach"),
    );
    first.key_press(Key::Num3);
    first.key_press_modifiers(Modifiers::COMMAND, Key::S);
    first.run_steps(2);
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 13);

    drag_select(&mut second, char_range_of(&text, "Why it matters"));
    second.key_press(Key::Num2);
    second.key_press_modifiers(Modifiers::COMMAND, Key::S);
    second.run_steps(2);
    second.get_by_label("The file changed on disk");
    assert_eq!(
        store::load_project(&path).unwrap().annotations.len(),
        13,
        "nothing overwritten"
    );
    second.get_by_label("Reload, keeping my changes").click();
    second.run_steps(3);
    let (status, _) = second.state().status().unwrap();
    assert!(status.starts_with("Reloaded"), "{status}");
    assert_eq!(second.state().workspace().project().annotations.len(), 14);
    assert!(second.state().workspace().is_dirty());
    second.key_press_modifiers(Modifiers::COMMAND, Key::S);
    second.run_steps(2);
    let saved = store::load_project(&path).unwrap();
    assert_eq!(saved.annotations.len(), 14);
    for quote in ["A Warning Against Overreach", "Why it matters"] {
        assert!(
            saved.annotations.iter().any(|a| a.quote == quote),
            "{quote}"
        );
    }
    // The first window now finds the file changed: it can overwrite, dropping the other work.
    first.key_press(Key::Escape);
    drag_select(
        &mut first,
        char_range_of(&text, "Technology leaders Kevin Xu"),
    );
    first.key_press(Key::Num1);
    first.key_press_modifiers(Modifiers::COMMAND, Key::S);
    first.run_steps(2);
    assert_eq!(first.state().workspace().project().annotations.len(), 14);
    first.get_by_label("Overwrite").click();
    first.run_steps(2);
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 14);
    assert!(!first.state().workspace().is_dirty());
}

#[test]
fn a_project_open_in_another_stancemark_is_opened_only_after_a_warning() {
    let (_dir, path) = sample_copy();
    let mut other = lock::LockInfo::current();
    other.pid = 1; // a process that runs on this machine, not this one
    other.user = "colleague".into();
    std::fs::write(
        lock::lock_path_for(&path),
        serde_json::to_string(&other).unwrap(),
    )
    .unwrap();
    let options = AppOptions {
        locks: true,
        ..AppOptions::headless()
    };
    let mut harness = harness_for(StancemarkApp::new(Some(path.clone()), options));
    harness.run_steps(2);
    harness.get_by_label("This project is open elsewhere");
    harness.get_by_label_contains("colleague on");
    assert!(harness.state().workspace().project().articles.is_empty());
    harness.get_by_label("Open anyway").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    let lock: lock::LockInfo =
        serde_json::from_str(&std::fs::read_to_string(lock::lock_path_for(&path)).unwrap())
            .unwrap();
    assert!(lock.is_ours(), "the lock is taken over");
}

#[test]
fn the_first_start_asks_who_is_coding_once_and_tags_go_into_that_analysts_layer() {
    let (dir, path) = sample_copy();
    let prefs = dir.path().join("config").join("preferences.ron");
    let options = || AppOptions {
        prefs_path: Some(prefs.clone()),
        ask_name: true,
        ..AppOptions::headless()
    };
    let mut harness = harness_for(StancemarkApp::new(Some(path.clone()), options()));
    harness.run_steps(3);
    harness.get_by_label("Who is coding?");
    harness.get_by_label("Your name").click();
    harness.run_steps(1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(eframe::egui::Event::Text("Dana Lopez".into()));
    harness.run_steps(1);
    harness.get_by_label("OK").click();
    harness.run_steps(3);
    assert_eq!(harness.state().preferences().annotator, "Dana Lopez");
    assert!(prefs.exists(), "the answer is kept");
    // A passage tagged now is Dana's.
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(&mut harness, char_range_of(&text, "Why it matters"));
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let mine: Vec<_> = project
        .annotations
        .iter()
        .filter(|a| a.analyst.as_str() == "dana-lopez")
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(project.analyst_name(&mine[0].analyst), "Dana Lopez");
    // Asked once: the next start has the name.
    drop(harness);
    let mut again = harness_for(StancemarkApp::new(Some(path), options()));
    again.run_steps(3);
    assert!(again.query_by_label("Who is coding?").is_none());
}

#[test]
fn a_large_folder_shows_its_first_article_while_the_rest_loads_and_windows_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = three_article_folder(dir.path());
    // Every folder counts as large here: it opens in two parts.
    let options = AppOptions {
        background_io_bytes: 0,
        ..AppOptions::headless()
    };
    let mut harness = harness_for(StancemarkApp::new(None, options));
    // One pass per frame, so one look at the jobs per frame.
    harness
        .ctx
        .options_mut(|o| o.max_passes = std::num::NonZeroUsize::MIN);
    harness
        .state_mut()
        .execute(stancemark::command::Command::Statistics);
    harness.step();
    harness
        .state_mut()
        .execute(stancemark::command::Command::OpenPath(folder));
    // The frame that takes in the first part draws it: the rest cannot have arrived yet
    // (a job's result is taken at the start of a frame).
    for _ in 0..500 {
        harness.step();
        if !harness.state().workspace().project().articles.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(harness.state().session().is_loading());
    let texts = painted_texts(&harness);
    let has = |t: &str| texts.iter().any(|p| p.contains(t));
    assert!(has("Article 1  (5)"), "{texts:?}");
    assert!(
        has("Article 2  (...)") && has("Article 3  (...)"),
        "{texts:?}"
    );
    assert!(
        has("Still loading: this window works on every annotation"),
        "{texts:?}"
    );
    assert!(
        has("It argues for open models."),
        "the first article is shown"
    );
    // Then everything: the counts, and the statistics of all 15 annotations.
    run_until_idle(&mut harness);
    harness.run();
    assert!(!harness.state().session().is_loading());
    let texts = painted_texts(&harness);
    let has = |t: &str| texts.iter().any(|p| p.contains(t));
    assert!(has("Article 2  (5)") && has("Article 3  (5)"), "{texts:?}");
    assert!(!has("Still loading"), "{texts:?}");
    assert!(has("Co-occurrence"), "{texts:?}");
}
