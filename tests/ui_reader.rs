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

/// The texels of the font atlas under a glyph's place in it.
fn atlas_patch(atlas: &egui::ColorImage, min: [u16; 2], max: [u16; 2]) -> Vec<egui::Color32> {
    let mut out = Vec::new();
    for y in min[1]..max[1] {
        for x in min[0]..max[0] {
            // Past the atlas's edge: a place that holds no glyph at all.
            let (x, y) = (x as usize, y as usize);
            out.push(if x < atlas.width() && y < atlas.height() {
                atlas[(x, y)]
            } else {
                egui::Color32::from_rgb(255, 0, 255)
            });
        }
    }
    out
}

/// A painted line of the article: its text and each glyph's character and place on screen.
type PaintedLine = (String, Vec<(char, egui::Pos2)>);

/// The reader's painted glyphs: for each galley that is a line of `text`, its text and each
/// glyph's character and position on screen; and whether the font atlas, as it is when the
/// frame is painted, holds each glyph where the galley says (a galley kept from before the
/// atlas was rebuilt points at texels that now hold other glyphs or nothing: the garbled text
/// a theme change left).
fn reader_glyphs(
    harness: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>,
    text: &str,
) -> (Vec<PaintedLine>, bool) {
    let lines: std::collections::HashSet<&str> = text.lines().collect();
    let atlas = harness.ctx.fonts(|f| f.image());
    let mut out = Vec::new();
    let mut painted = Vec::new();
    for shape in painted_shapes(harness) {
        let egui::Shape::Text(t) = shape else {
            continue;
        };
        if !lines.contains(t.galley.text()) {
            continue;
        }
        let glyphs = t
            .galley
            .rows
            .iter()
            .flat_map(|row| {
                row.row
                    .glyphs
                    .iter()
                    .map(move |g| (g.chr, t.pos + row.pos.to_vec2() + g.pos.to_vec2()))
            })
            .collect();
        out.push((t.galley.text().to_owned(), glyphs));
        painted.push(t.galley.clone());
    }
    // What the galleys point at in the atlas as painted…
    let shown: Vec<Vec<Vec<egui::Color32>>> = painted
        .iter()
        .map(|g| {
            g.rows
                .iter()
                .flat_map(|r| {
                    r.row
                        .glyphs
                        .iter()
                        .map(|gl| atlas_patch(&atlas, gl.uv_rect.min, gl.uv_rect.max))
                })
                .collect()
        })
        .collect();
    // …against the glyphs a fresh layout of the same text rasterises now.
    let fresh: Vec<_> = painted
        .iter()
        .map(|g| harness.ctx.fonts_mut(|f| f.layout_job((*g.job).clone())))
        .collect();
    let atlas = harness.ctx.fonts(|f| f.image());
    let wanted: Vec<Vec<Vec<egui::Color32>>> = fresh
        .iter()
        .map(|g| {
            g.rows
                .iter()
                .flat_map(|r| {
                    r.row
                        .glyphs
                        .iter()
                        .map(|gl| atlas_patch(&atlas, gl.uv_rect.min, gl.uv_rect.max))
                })
                .collect()
        })
        .collect();
    (out, shown == wanted)
}

fn set_theme(
    harness: &mut egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>,
    theme: stancemark::prefs::Theme,
) {
    let mut prefs = harness.state().preferences().clone();
    prefs.theme = theme;
    harness
        .state_mut()
        .execute(Command::SetPreferences(Box::new(prefs)));
    harness.run_steps(3);
}

#[test]
fn the_article_is_painted_the_same_after_dark_light_dark() {
    use stancemark::prefs::Theme;
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    set_theme(&mut harness, Theme::Dark);
    let (before, current) = reader_glyphs(&harness, &text);
    assert!(before.len() > 3 && current, "{} paragraphs", before.len());
    set_theme(&mut harness, Theme::Light);
    let (light, current) = reader_glyphs(&harness, &text);
    assert!(current, "in the light theme the glyphs are the atlas's own");
    assert_eq!(light.len(), before.len());
    set_theme(&mut harness, Theme::Dark);
    let (after, current) = reader_glyphs(&harness, &text);
    assert_eq!(after, before, "same glyphs at the same places");
    assert!(current, "and drawn from the atlas as it is now");
}

#[test]
fn a_text_size_typed_into_preferences_lays_the_article_out_again() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::Preferences);
    harness.run_steps(2);
    let first_line = |harness: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>| {
        let text = harness.state().workspace().project().articles[0]
            .text
            .clone();
        let title = text.lines().next().unwrap().to_owned();
        painted_shapes(harness)
            .into_iter()
            .find_map(|s| match s {
                egui::Shape::Text(t) if t.galley.text() == title => Some(t.galley.size().y),
                _ => None,
            })
            .unwrap()
    };
    let before = first_line(&harness);
    // The slider's value field: a click makes it a text field; type the size, then Enter.
    harness
        .get_all_by_role(egui::accesskit::Role::SpinButton)
        .next()
        .expect("the text size's value")
        .click();
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text("24".into()));
    harness.run_steps(1);
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    assert_eq!(harness.state().preferences().text_size, 24.0);
    assert!(first_line(&harness) > before * 1.2, "the article is larger");
}

#[test]
fn the_stance_toolbar_is_drawn_under_tool_windows() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    drag_select(
        &mut harness,
        char_range_of(&text, "A Warning Against Overreach"),
    );
    harness.run_steps(2);
    // The suggestions window opens over the passage and its toolbar.
    harness.state_mut().execute(Command::Suggest);
    harness.run_steps(2);
    let order: Vec<String> = painted_texts(&harness);
    let tag = order
        .iter()
        .position(|t| t == "Tag:")
        .expect("the toolbar is shown");
    let window = order
        .iter()
        .position(|t| t == "Suggest annotations")
        .expect("the window is shown");
    assert!(
        tag < window,
        "the toolbar is painted before (under) the window: {tag} vs {window}"
    );
}

#[test]
fn an_invalid_pattern_in_find_leaves_the_reader_as_wide_as_it_was() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    let reader = harness.state().article_view().reader_rect();
    let map = harness.state().article_view().map_rect().unwrap();
    harness.get_by_label("Regular expression").click();
    harness.run_steps(1);
    harness.get_by_label("Find").type_text("(unclosed [group");
    harness.run_steps(3);
    let now = harness.state().article_view().reader_rect();
    assert_eq!((now.left(), now.right()), (reader.left(), reader.right()));
    let map_now = harness
        .state()
        .article_view()
        .map_rect()
        .expect("the map stays");
    assert_eq!((map_now.left(), map_now.right()), (map.left(), map.right()));
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t.starts_with("invalid pattern")),
        "the message is shown"
    );
    let close = harness.get_by_label("Close").rect();
    assert!(
        close.right() <= map.left(),
        "Close stays in the reader: {close:?} vs {map:?}"
    );
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(harness.state().article_view().find_matches().is_none());
}

#[test]
fn a_drag_that_scrolls_past_the_top_selects_what_is_shown_and_tags_exactly_that() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let text = harness.state().workspace().project().articles[0]
        .text
        .clone();
    // Scroll down so that there is text above the view.
    let reader = harness.state().article_view().reader_rect();
    harness.hover_at(reader.center());
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: Vec2::new(0.0, -600.0),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    // Until the smooth scroll has come to rest.
    harness.run_steps(40);
    let start = char_range_of(&text, "making sophisticated tools freely available");
    let from = harness
        .state()
        .article_view()
        .screen_pos_of(start.start)
        .expect("on screen")
        + Vec2::new(1.0, 0.0);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    // Up past the reader's top edge: the text scrolls down under the pointer for a while.
    let above = egui::pos2(from.x, reader.top() - 4.0);
    for _ in 0..12 {
        harness.hover_at(above);
        harness.step();
    }
    harness.drop_at(above);
    harness.run_steps(3);
    let view = harness.state().article_view();
    let range = view.selection().expect("a selection");
    let quote = stancemark::text::slice_chars(&text, range);
    assert!(
        !quote.starts_with(char::is_whitespace) && !quote.ends_with(char::is_whitespace),
        "{quote:?}"
    );
    assert!(
        range.end <= start.start + "making".len() && range.start < start.start,
        "the selection runs backwards from where it began (its word included): {range:?} from {start:?}"
    );
    // What is shown selected is what the toolbar offers and what a key tags.
    let selected = rects_filled_with(
        &harness,
        harness.ctx.global_style().visuals.selection.bg_fill,
    );
    assert!(!selected.is_empty(), "the selection is drawn");
    harness.get_by_label("Tag:");
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert!(
        project
            .annotations
            .iter()
            .any(|a| a.range == range && a.quote == quote),
        "the tagged passage is the selection"
    );
}

#[test]
fn a_selection_of_only_a_line_break_is_no_selection() {
    let (_dir, mut harness) = harness_on_text("First paragraph ends here.\nSecond one starts.");
    harness.run_steps(2);
    // Between the paragraphs: only the line break.
    let break_at = "First paragraph ends here.".chars().count();
    let from = harness
        .state()
        .article_view()
        .screen_pos_of(break_at)
        .unwrap()
        + Vec2::new(30.0, 0.0);
    let to = harness
        .state()
        .article_view()
        .screen_pos_of(break_at + 1)
        .unwrap()
        + Vec2::new(-1.0, 0.0);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    harness.hover_at(to);
    harness.step();
    harness.drop_at(to);
    harness.run_steps(2);
    assert_eq!(harness.state().article_view().selection(), None);
    assert!(
        !painted_texts(&harness).iter().any(|t| t == "Tag:"),
        "no toolbar for nothing"
    );
}
