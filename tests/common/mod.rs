//! Helpers shared by the UI tests: a harness around the real app, a copy of the sample
//! project, and mouse gestures as a user makes them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use eframe::egui::{Pos2, Vec2};
use egui_kittest::Harness;
use stancemark::model::TextRange;
use stancemark::ui::{AppOptions, StancemarkApp};

mod folders;
#[allow(unused_imports)]
pub use folders::three_article_folder;

pub const WINDOW: Vec2 = Vec2::new(1280.0, 800.0);

/// A copy of the sample project in a fresh folder, so tests can save over it.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.stance.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
        &path,
    )
    .unwrap();
    (dir, path)
}

pub fn harness_on(path: Option<PathBuf>) -> Harness<'static, StancemarkApp> {
    let mut harness = harness_for(StancemarkApp::new(path, AppOptions::headless()));
    harness.run();
    harness
}

/// A window of the test size around `app`.
pub fn harness_for(app: StancemarkApp) -> Harness<'static, StancemarkApp> {
    Harness::builder()
        .with_size(WINDOW)
        .with_max_steps(20)
        .with_step_dt(1.0 / 30.0)
        .build_ui_state(|ui, app: &mut StancemarkApp| app.show(ui), app)
}

/// An app that opens and saves every file on its worker thread (as it does files over 2 MB).
pub fn app_with_worker_io(path: PathBuf) -> StancemarkApp {
    let options = AppOptions {
        background_io_bytes: 0,
        ..AppOptions::headless()
    };
    StancemarkApp::new(Some(path), options)
}

pub fn char_range_of(text: &str, needle: &str) -> TextRange {
    let byte = text.find(needle).expect("passage in article");
    let start = text[..byte].chars().count();
    TextRange {
        start,
        end: start + needle.chars().count(),
    }
}

/// Presses the mouse at the start of `range`, drags to its end and releases, like a user.
pub fn drag_select(harness: &mut Harness<'_, StancemarkApp>, range: TextRange) {
    let view = harness.state().article_view();
    let from = view.screen_pos_of(range.start).expect("start on screen") + Vec2::new(1.0, 0.0);
    let to = view.screen_pos_of(range.end).expect("end on screen") + Vec2::new(-1.0, 0.0);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    let mid = Pos2::new((from.x + to.x) / 2.0, (from.y + to.y) / 2.0);
    harness.hover_at(mid);
    harness.step();
    harness.hover_at(to);
    harness.step();
    harness.drop_at(to);
    harness.step();
    harness.step();
}

/// Frames until the app has no open or save running on a worker thread.
pub fn run_until_idle(harness: &mut Harness<'static, StancemarkApp>) {
    for _ in 0..500 {
        if !harness.state().is_busy() {
            return;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the worker thread did not finish");
}

/// A project with one article of `text`, saved in a fresh folder, and the app open on it.
pub fn harness_on_text(text: &str) -> (tempfile::TempDir, Harness<'static, StancemarkApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("text.stance.json");
    let mut project = stancemark::model::Project::new("t");
    project
        .articles
        .push(stancemark::model::Article::new("Article", text).into());
    stancemark::store::save_project(&project, &path).unwrap();
    let harness = harness_on(Some(path));
    (dir, harness)
}

/// Every shape painted in the last frame, nested groups flattened.
pub fn painted_shapes(harness: &Harness<'_, StancemarkApp>) -> Vec<eframe::egui::Shape> {
    fn flatten(shape: &eframe::egui::Shape, out: &mut Vec<eframe::egui::Shape>) {
        match shape {
            eframe::egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| flatten(s, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        flatten(&clipped.shape, &mut out);
    }
    out
}

/// The texts of every galley painted in the last frame.
pub fn painted_texts(harness: &Harness<'_, StancemarkApp>) -> Vec<String> {
    painted_shapes(harness)
        .into_iter()
        .filter_map(|s| match s {
            eframe::egui::Shape::Text(t) => Some(t.galley.text().to_owned()),
            _ => None,
        })
        .collect()
}

/// Rectangles painted with exactly `fill` in the last frame.
pub fn rects_filled_with(
    harness: &Harness<'_, StancemarkApp>,
    fill: eframe::egui::Color32,
) -> Vec<eframe::egui::Rect> {
    painted_shapes(harness)
        .into_iter()
        .filter_map(|s| match s {
            eframe::egui::Shape::Rect(r) if r.fill == fill => Some(r.rect),
            _ => None,
        })
        .collect()
}

/// Moves the mouse to `pos` and clicks there, like a user.
pub fn click_at(harness: &mut Harness<'_, StancemarkApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.step();
    for pressed in [true, false] {
        harness.event(eframe::egui::Event::PointerButton {
            pos,
            button: eframe::egui::PointerButton::Primary,
            pressed,
            modifiers: eframe::egui::Modifiers::NONE,
        });
    }
    harness.run_steps(2);
}

/// A copy of the sample with a second analyst, Ben, who coded it too: the sample's passages,
/// except that he left out the last, started the first 5 characters later and called the third
/// (a security passage) "regulation".
pub fn team_sample_copy() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = sample_copy();
    let mut project = stancemark::store::load_project(&path).unwrap();
    let ben = project.new_analyst("Ben");
    project.analysts.push(ben.clone());
    let mut passages: Vec<stancemark::model::Annotation> =
        project.annotations.iter().map(|a| (**a).clone()).collect();
    passages.sort_by_key(|a| a.range.start);
    passages.pop();
    passages[0].range.start += 5;
    passages[2].stance = stancemark::StanceId::new("regulation");
    for mut a in passages {
        a.id = uuid::Uuid::new_v4();
        a.analyst = ben.id.clone();
        a.quote = stancemark::text::slice_chars(&project.articles[0].text, a.range).to_owned();
        project.push_annotation(a);
    }
    stancemark::store::save_project(&project, &path).unwrap();
    (dir, path)
}
