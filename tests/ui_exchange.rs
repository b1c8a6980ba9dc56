//! Import and export in the window, as an analyst does them: files dropped on the window, the
//! File menu's Add articles…, Import annotations… and Export, and an article's Re-import.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stancemark::store;
use stancemark::ui::StancemarkApp;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A file dropped on the window (what eframe hands the app on a native drop).
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_files(harness: &mut Harness<'static, StancemarkApp>, paths: &[PathBuf]) {
    for path in paths {
        harness.input_mut().hovered_files.push(egui::HoveredFile {
            path: Some(path.clone()),
            mime: String::new(),
        });
    }
    harness.step();
    harness.input_mut().hovered_files.clear();
    for path in paths {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(path.clone())));
    }
    harness.step();
    run_until_idle(harness);
    harness.run_steps(2);
}

/// Types `path` into the path field of the open file window and confirms with `confirm`.
fn choose_path(harness: &mut Harness<'static, StancemarkApp>, path: &Path, confirm: &str) {
    harness.run_steps(2);
    let field = harness.get_by_label("File path");
    field.focus();
    field.type_text("");
    harness.step();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run_steps(2);
    harness.get_by_label(confirm).click();
    harness.run_steps(2);
    run_until_idle(harness);
    harness.run_steps(2);
}

#[test]
fn files_dropped_on_the_window_are_added_as_articles_in_one_undoable_step() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let paths = [
        fixture("import/brief.docx"),
        fixture("import/two-column.pdf"),
        fixture("import/cp1252.txt"),
    ];
    for path in &paths {
        harness.input_mut().hovered_files.push(egui::HoveredFile {
            path: Some(path.clone()),
            mime: String::new(),
        });
    }
    harness.run_steps(2);
    // While files hover over the window, it says what dropping does.
    harness.get_by_label("Drop to add");
    drop_files(&mut harness, &paths);
    assert!(harness.query_by_label("Drop to add").is_none());
    let project = harness.state().workspace().project();
    assert_eq!(project.articles.len(), 4);
    let titles: Vec<&str> = project.articles.iter().map(|a| a.title.as_str()).collect();
    assert!(titles.contains(&"Open models and the state"), "{titles:?}");
    // The first added article is shown; the status names what was read and how.
    let shown = harness.state().current_article().unwrap();
    assert_eq!(
        project.article(shown).unwrap().title,
        "Open models and the state"
    );
    let log: Vec<String> = harness
        .state()
        .notices()
        .log()
        .map(|n| format!("{} {}", n.title, n.detail.clone().unwrap_or_default()))
        .collect();
    let log = log.join("\n");
    assert!(log.contains("windows-1252"), "{log}");
    assert!(
        log.contains("not UTF-8"),
        "the guessed encoding is a warning: {log}"
    );
    // One undo takes all three back.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().articles.len(), 1);
}

#[test]
fn a_dropped_file_that_cannot_be_read_is_reported_and_the_others_are_added() {
    let (dir, path) = sample_copy();
    let scanned = fixture("import/scanned.pdf");
    let sheet = dir.path().join("numbers.xlsx");
    std::fs::write(&sheet, b"PK\x03\x04\x14\x00binary").unwrap();
    let mut harness = harness_on(Some(path));
    drop_files(
        &mut harness,
        &[scanned, sheet, fixture("import/hard-wrapped.txt")],
    );
    assert_eq!(harness.state().workspace().project().articles.len(), 2);
    let (message, is_error) = harness.state().status().unwrap();
    assert!(is_error, "{message}");
    let (title, detail) = harness.state().error_message().unwrap();
    let all = format!("{title}\n{detail}");
    assert!(all.contains("scanned.pdf") && all.contains("OCR"), "{all}");
    assert!(
        all.contains("numbers.xlsx") && all.contains("not a format"),
        "{all}"
    );
}

#[test]
fn export_from_the_file_menu_writes_the_chosen_format() {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export").hover();
    harness.run_steps(3);
    harness.get_by_label("Export as CSV…").click();
    let out = dir.path().join("coding.csv");
    choose_path(&mut harness, &out, "Export");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 13, "a header and 12 rows");
    let (status, _) = harness.state().status().unwrap();
    assert!(status.contains("Exported 12 annotations"), "{status}");
}

#[test]
fn the_export_window_offers_to_export_only_the_article_shown() {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    drop_files(&mut harness, &[fixture("import/brief.docx")]);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export").hover();
    harness.run_steps(3);
    harness.get_by_label("Export as HTML report…").click();
    harness.run_steps(2);
    harness
        .get_by_label("Only “Open models and the state”")
        .click();
    let out = dir.path().join("brief-report.html");
    choose_path(&mut harness, &out, "Export");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Open models and the state"));
    assert!(
        !html.contains("Stifling Innovation"),
        "only the article shown"
    );
    assert!(html.contains("1 article(s), 0 annotation(s)"));
}

#[test]
fn a_csv_imported_into_the_project_comes_in_as_one_step_and_a_qdpx_becomes_a_new_project() {
    let (dir, path) = sample_copy();
    // A colleague's CSV: the sample's annotations, written by the export.
    let project = store::load_project(&path).unwrap();
    let csv = dir.path().join("colleague.csv");
    std::fs::write(
        &csv,
        stancemark::export::export_bytes(&project, stancemark::export::ExportFormat::Csv, None)
            .unwrap(),
    )
    .unwrap();
    let mut bare = project.clone();
    bare.annotations.clear();
    store::save_project(&bare, &path).unwrap();
    let mut harness = harness_on(Some(path));
    assert!(harness.state().workspace().project().annotations.is_empty());
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Import annotations…").click();
    choose_path(&mut harness, &csv, "Import");
    assert_eq!(harness.state().workspace().project().annotations.len(), 12);
    assert!(harness.state().workspace().is_dirty());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert!(harness.state().workspace().project().annotations.is_empty());
    // A .qdpx carries its texts: it opens as a new, unsaved project, after asking what to do
    // with this one's unsaved change.
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run_steps(2);
    assert!(harness.state().workspace().is_dirty());
    drop_files(&mut harness, &[fixture("exchange/other-tools.qdpx")]);
    harness.get_by_label("Save").click();
    harness.run_steps(2);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    assert_eq!(
        store::load_project(&dir.path().join("sample.stance.json"))
            .unwrap()
            .annotations
            .len(),
        12
    );
    let p = harness.state().workspace().project();
    assert_eq!(p.name, "Field study");
    assert_eq!(p.articles.len(), 2);
    assert!(harness.state().workspace().is_dirty());
    assert!(
        harness.state().session().path().is_none(),
        "saved only where the analyst says"
    );
}

#[test]
fn re_import_from_the_articles_context_menu_keeps_annotations_on_their_passages() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("bill.txt");
    std::fs::write(
        &source,
        "Section 1. Open models may be published.\nSection 2. Providers keep records.\n",
    )
    .unwrap();
    let project_path = dir.path().join("bill.stance.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "add",
            project_path.to_str().unwrap(),
            source.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut harness = harness_on(Some(project_path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(&mut harness, char_range_of(&text, "Providers keep records"));
    harness.key_press(egui::Key::Num2);
    harness.run_steps(2);
    // The bill's new version inserts a section before it.
    std::fs::write(
        &source,
        "Section 1. Open models may be published.\nSection 1a. Audits are yearly.\nSection 2. Providers keep records.\n",
    )
    .unwrap();
    harness
        .get_by_label_contains("Section 1. Open models")
        .click_secondary();
    harness.run_steps(2);
    // The context menu's item (the article's details below the list have the same button).
    harness
        .get_all_by_label("Re-import")
        .last()
        .unwrap()
        .click();
    harness.run_steps(2);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    let p = harness.state().workspace().project();
    assert!(p.articles[0].text.contains("Section 1a."));
    let a = &p.annotations.first().unwrap();
    assert!(
        !a.orphaned,
        "{a:?} {:?} {:?}",
        harness.state().status(),
        p.articles[0].text
    );
    assert_eq!(
        stancemark::text::slice_chars(&p.articles[0].text, a.range),
        "Providers keep records"
    );
    let (status, _) = harness.state().status().unwrap();
    assert!(status.contains("1 moved"), "{status}");
}
