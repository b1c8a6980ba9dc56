//! The reader, as an analyst uses it: find with painted matches, text edits that keep the
//! length, the stance toolbar, hover cards, emoji, and Escape with a menu open.

mod common;

use common::*;
use eframe::egui::{self, Key, Modifiers, Vec2};
use egui_kittest::kittest::Queryable;
use stancemark::command::Command;
use stancemark::model::{Rgb, TextRange};
use stancemark::ui::reader::{FIND_CURRENT_FILL, FIND_FILL};

#[test]
fn find_paints_every_match_as_you_type_and_the_current_one_distinctly() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Find").type_text("open source");
    harness.run_steps(3);
    let (matches, _) = harness.state().article_view().find_matches().unwrap();
    let visible_matches = matches.len();
    assert!(visible_matches > 3);
    let current = rects_filled_with(&harness, FIND_CURRENT_FILL);
    let others = rects_filled_with(&harness, FIND_FILL);
    assert_eq!(current.len(), 1, "one current match: {current:?}");
    assert!(
        others.len() >= 3,
        "the other matches are painted: {others:?}"
    );
    assert!(!others.contains(&current[0]));
    // Enter moves the current match: another rectangle becomes the distinct one.
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    let next = rects_filled_with(&harness, FIND_CURRENT_FILL);
    assert_eq!(next.len(), 1);
    assert_ne!(next[0], current[0]);
    assert!(rects_filled_with(&harness, FIND_FILL).contains(&current[0]));
    // Closing the bar removes them.
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(rects_filled_with(&harness, FIND_FILL).is_empty());
    assert!(rects_filled_with(&harness, FIND_CURRENT_FILL).is_empty());
}

/// Replaces the article's text through the Edit text window, as an analyst would.
fn edit_text_to(
    harness: &mut egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>,
    text: &str,
) {
    harness.get_by_label("Edit text…").click();
    harness.run_steps(2);
    let editor = harness
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .last()
        .expect("the text editor (drawn after the article's memo field)");
    editor.focus();
    harness.step();
    harness
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .last()
        .unwrap()
        .set_text_value_accesskit(text);
    harness.run_steps(2);
    harness.get_by_label("Apply").click();
    harness.run_steps(3);
}

#[test]
fn an_edit_that_keeps_the_byte_length_refreshes_the_text_and_the_find_index() {
    let before = "Café teh policy. Café teh rules.";
    let (_dir, mut harness) = harness_on_text(before);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Find").type_text("teh");
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .article_view()
            .find_matches()
            .unwrap()
            .0
            .len(),
        2
    );
    // `teh` → `the` and `é` → `è`: not one byte more or less.
    let after = "Cafè the policy. Cafè the rules.";
    assert_eq!(before.len(), after.len());
    edit_text_to(&mut harness, after);
    assert_eq!(
        harness.state().workspace().project().articles[0].text,
        after
    );
    assert_eq!(
        harness
            .state()
            .article_view()
            .find_matches()
            .unwrap()
            .0
            .len(),
        0,
        "the find index follows the new text"
    );
    let painted = painted_texts(&harness);
    assert!(painted.iter().any(|t| t == after), "{painted:?}");
    assert!(!painted.iter().any(|t| t == before));
    // Searching the new text finds its accented words at the right code points.
    harness.get_by_label("Find").focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Find").type_text("cafè");
    harness.run_steps(3);
    let (matches, _) = harness.state().article_view().find_matches().unwrap();
    assert_eq!(
        matches,
        [
            TextRange { start: 0, end: 4 },
            TextRange { start: 17, end: 21 }
        ]
    );
}

#[test]
fn the_stance_toolbar_stays_inside_the_reader_however_many_stances() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    for (label, color) in [
        ("economic growth", [155, 89, 182]),
        ("national competitiveness", [231, 76, 60]),
        ("civil liberties", [22, 160, 133]),
        ("innovation", [241, 196, 15]),
        ("labour", [127, 140, 141]),
        ("international cooperation", [211, 84, 0]),
    ] {
        harness.state_mut().execute(Command::AddStance {
            label: label.into(),
            color: Rgb(color),
        });
    }
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    // A passage ending near the right edge of the column.
    drag_select(
        &mut harness,
        char_range_of(&text, "development could undermine decades"),
    );
    harness.run_steps(2);
    let reader = harness.state().article_view().reader_rect();
    let buttons: Vec<egui::Rect> = [
        "1 pro-open-source",
        "9 international cooperation",
        "4 economic growth",
    ]
    .iter()
    .map(|label| harness.get_by_label(label).rect())
    .collect();
    for b in &buttons {
        assert!(
            reader.contains_rect(*b),
            "{b:?} outside the reader {reader:?}"
        );
    }
    // It wraps rather than running over the annotations panel.
    let rows: std::collections::BTreeSet<i32> = buttons.iter().map(|b| b.top() as i32).collect();
    assert!(rows.len() > 1 || buttons.iter().all(|b| b.right() < reader.right()));
    harness.get_by_label("9 international cooperation").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert!(
        project
            .annotations
            .iter()
            .any(|a| a.stance.as_str() == "international-cooperation")
    );
}

#[test]
fn hovering_the_margin_beside_a_highlight_shows_no_card() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let range = char_range_of(&text, "Washington's appetite for AI regulation");
    let on_text = harness
        .state()
        .article_view()
        .screen_pos_of(range.start + 5)
        .unwrap();
    harness.hover_at(on_text);
    harness.run_steps(3);
    let note = "Sets the scene: regulatory momentum in the US.";
    assert!(
        harness.query_by_label(note).is_some(),
        "the card of the highlight under the pointer"
    );
    // The same height, in the margin left of the text column.
    let column_left = harness
        .state()
        .article_view()
        .screen_pos_of(range.start)
        .unwrap();
    harness.hover_at(column_left - Vec2::new(15.0, 0.0));
    harness.run_steps(3);
    assert!(harness.query_by_label(note).is_none());
}

#[test]
fn emoji_in_article_text_have_glyphs() {
    // The harness panics on a glyph no font has (tofu), so drawing the text proves the glyphs.
    let (_dir, mut harness) = harness_on_text("Great 🙂 👍🏽 ❤ 🇪🇺 🤣 🥺 — op-eds quote posts");
    harness.run_steps(2);
    let font = egui::FontId::proportional(17.0);
    for c in ['🙂', '👍', '🏽', '❤', '🇪', '🇺', '🤣', '🥺'] {
        assert!(
            harness.ctx.fonts_mut(|f| f.has_glyph(&font, c)),
            "no glyph for {c:?}"
        );
    }
}

#[test]
fn escape_closes_an_open_menu_without_clearing_the_selection() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let range = char_range_of(&text, "A Warning Against Overreach");
    drag_select(&mut harness, range);
    let file_menu = harness.get_by_label("File").rect().center();
    click_at(&mut harness, file_menu);
    assert!(
        harness.query_by_label_contains("Save as…").is_some(),
        "the menu is open"
    );
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(
        harness.query_by_label_contains("Save as…").is_none(),
        "the menu closed"
    );
    assert_eq!(harness.state().article_view().selection(), Some(range));
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state().article_view().selection(), None);
}

#[test]
fn right_click_on_a_highlight_offers_its_actions() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    let range = char_range_of(&text, "Washington's appetite for AI regulation");
    let pos = harness
        .state()
        .article_view()
        .screen_pos_of(range.start + 5)
        .unwrap();
    harness.hover_at(pos);
    harness.step();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(2);
    harness.get_by_label("Change stance to").hover();
    harness.run_steps(2);
    let reader = harness.state().article_view().reader_rect();
    harness
        .get_all_by_label("security")
        .find(|n| reader.contains(n.rect().center()))
        .expect("the stance in the context menu")
        .click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let ann = project
        .annotations
        .iter()
        .find(|a| a.quote.starts_with("Washington's appetite"))
        .unwrap();
    assert_eq!(ann.stance.as_str(), "security");
}
