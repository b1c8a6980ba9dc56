//! The analyst's workbench, driven as an analyst drives it: find with a regular expression,
//! project search jumping to a result, and the statistics window.

mod common;

use common::*;
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use stancemark::model::TextRange;
use stancemark::ui::reader::{FIND_CURRENT_FILL, FIND_FILL};

/// The sample project (a copy) with the hard-wrapped fixture added as a second, uncoded article.
fn sample_with_a_second_article() -> (
    tempfile::TempDir,
    egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>,
) {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let wrapped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/hard-wrapped.txt");
    harness.state_mut().add_article_from(&wrapped);
    run_until_idle(&mut harness);
    (dir, harness)
}

/// Opens the suggestions window, types `query` and asks for suggestions (the default stance,
/// whole sentences), waiting for them as an analyst waits for the list.
fn suggest_as_typed(
    harness: &mut egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>,
    query: &str,
) {
    harness
        .state_mut()
        .execute(stancemark::command::Command::Suggest);
    harness.run_steps(2);
    harness
        .get_by_label("Terms, phrases (one per line) or a regular expression")
        .type_text(query);
    harness.get_by_label("Suggest").click();
    harness.run_steps(2);
    harness.state_mut().suggestions().unwrap().wait();
    harness.run_steps(2);
}

#[test]
fn find_with_a_regular_expression_paints_its_matches_and_says_when_a_pattern_is_invalid() {
    let text = "Article 5 applies. See Article 52 and article 6a.\nNothing in Articles here.";
    let (_dir, mut harness) = harness_on_text(text);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Regular expression").click();
    harness.run_steps(2);
    harness.get_by_label("Match case").click();
    harness.run_steps(2);
    harness.get_by_label("Find").type_text(r"Article \d+");
    harness.run_steps(3);
    let (matches, _) = harness.state().article_view().find_matches().unwrap();
    let found: Vec<TextRange> = matches.to_vec();
    assert_eq!(
        found,
        vec![
            TextRange { start: 0, end: 9 },
            TextRange { start: 23, end: 33 }
        ],
        "case-sensitive regex: not `article 6`, not `Articles`"
    );
    assert_eq!(rects_filled_with(&harness, FIND_CURRENT_FILL).len(), 1);
    assert_eq!(rects_filled_with(&harness, FIND_FILL).len(), 1);
    // An unclosed group: no matches, a message, no panic.
    harness.get_by_label("Find").type_text("(");
    harness.run_steps(3);
    let (matches, _) = harness.state().article_view().find_matches().unwrap();
    assert!(matches.is_empty());
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t.starts_with("invalid pattern")),
        "the error is shown beside the field"
    );
    assert!(rects_filled_with(&harness, FIND_FILL).is_empty());
}

#[test]
fn whole_words_leave_longer_words_out() {
    let (_dir, mut harness) = harness_on_text("act actor enact act.");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Find").type_text("act");
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .article_view()
            .find_matches()
            .unwrap()
            .0
            .len(),
        4
    );
    harness.get_by_label("Whole words only").click();
    harness.run_steps(3);
    let (matches, _) = harness.state().article_view().find_matches().unwrap();
    assert_eq!(
        matches,
        [
            TextRange { start: 0, end: 3 },
            TextRange { start: 16, end: 19 }
        ]
    );
}

#[test]
fn project_search_finds_every_article_and_enter_shows_a_result_in_the_reader() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let first = harness.state().current_article().unwrap();
    let wrapped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/hard-wrapped.txt");
    harness.state_mut().add_article_from(&wrapped);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    // Back to the first article: the search must take us to the other one.
    harness
        .state_mut()
        .execute(stancemark::command::Command::SelectArticle(first));
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("universities");
    harness.step();
    harness.state_mut().project_search().unwrap().wait();
    harness.run_steps(2);
    let results = harness
        .state_mut()
        .project_search()
        .unwrap()
        .results
        .clone()
        .unwrap();
    assert_eq!(results.hits.len(), 1, "{results:?}");
    let hit = results.hits[0].clone();
    assert_ne!(hit.article, Some(first));
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t == "1 match in 1 article")
    );
    harness.get_by_label("Search").focus();
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    assert_eq!(harness.state().current_article(), hit.article);
    assert_eq!(harness.state().article_view().selection(), Some(hit.range));
    let shown = harness
        .state()
        .workspace()
        .project()
        .article(hit.article.unwrap())
        .unwrap();
    assert_eq!(
        stancemark::text::slice_chars(&shown.text, hit.range),
        "universities"
    );
}

#[test]
fn the_statistics_window_opens_from_the_view_menu_with_the_projects_figures() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness.get_by_label("Statistics…").click();
    harness.run_steps(2);
    harness.state_mut().statistics().unwrap().wait();
    harness.run_steps(3);
    let stats = harness
        .state_mut()
        .statistics()
        .unwrap()
        .stats
        .clone()
        .expect("figures computed");
    let counts: Vec<usize> = stats.project.iter().map(|c| c.annotations).collect();
    assert_eq!(counts, [6, 3, 3], "pro-open-source, regulation, security");
    let texts = painted_texts(&harness);
    assert!(texts.iter().any(|t| t == "annotated code points"));
    harness.get_by_label("Co-occurrence").click();
    harness.run_steps(3);
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t.starts_with("Pairs of overlapping annotations"))
    );
    // Tagging a passage updates the figures.
    let article = harness.state().current_article().unwrap();
    harness
        .state_mut()
        .execute(stancemark::command::Command::Tag {
            article,
            range: TextRange { start: 0, end: 4 },
            stance: stancemark::model::StanceId::new("security"),
        });
    harness.run_steps(2);
    harness.state_mut().statistics().unwrap().wait();
    harness.run_steps(2);
    let stats = harness
        .state_mut()
        .statistics()
        .unwrap()
        .stats
        .clone()
        .unwrap();
    assert_eq!(stats.project[2].annotations, 4);
}

#[test]
fn suggestions_for_a_phrase_are_accepted_all_at_once_and_undone_in_one_step() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let before = harness.state().workspace().project().annotations.len();
    harness.get_by_label("Stances").click();
    harness.run_steps(2);
    harness.get_by_label("Suggest annotations…").click();
    harness.run_steps(2);
    harness
        .get_by_label("Terms, phrases (one per line) or a regular expression")
        .type_text("decades");
    harness.run_steps(2);
    harness.get_by_label("Whole sentences").click();
    harness.run_steps(1);
    harness.get_by_label("Suggest").click();
    harness.run_steps(2);
    harness.state_mut().suggestions().unwrap().wait();
    harness.run_steps(2);
    let items = harness.state_mut().suggestions().unwrap().items.clone();
    assert!(items.len() >= 2, "{items:?}");
    for item in &items {
        assert_eq!(item.quote.to_lowercase(), "decades");
        assert_eq!(item.stance.as_str(), "pro-open-source");
    }
    let n = items.len();
    harness
        .get_by_label(format!("Accept all ({n})").as_str())
        .click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), before + n);
    assert!(harness.state_mut().suggestions().unwrap().items.is_empty());
    // One Undo takes all of them back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(
        harness.state().workspace().project().annotations.len(),
        before
    );
}

#[test]
fn the_review_list_takes_a_and_r_and_a_match_already_tagged_is_not_suggested_again() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let before = harness.state().workspace().project().annotations.len();
    suggest_as_typed(&mut harness, "open source");
    let state = harness.state_mut().suggestions().unwrap();
    let first_count = state.items.len();
    assert!(
        state.already_annotated > 0,
        "the sample tags sentences about open source as pro-open-source"
    );
    assert!(first_count >= 3);
    let first = state.items[0].clone();
    let second = state.items[1].clone();
    // Leave the text field with a click on the list, then review by key.
    harness.get_by_label_contains("to review").click();
    harness.run_steps(1);
    harness.key_press(Key::R);
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().suggestions().unwrap().items[0],
        second,
        "r rejected the first"
    );
    assert_eq!(
        harness.state().article_view().selection(),
        Some(second.range),
        "the next one is shown in the reader"
    );
    harness.key_press(Key::A);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), before + 1);
    assert!(project.annotations.iter().any(|a| a.range == second.range));
    assert_eq!(
        harness.state_mut().suggestions().unwrap().items.len(),
        first_count - 2
    );
    // Undo brings each back to the list, highlighted; Redo takes it out again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let state = harness.state_mut().suggestions().unwrap();
    assert_eq!(state.items[state.current], second);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let state = harness.state_mut().suggestions().unwrap();
    assert_eq!(state.items.len(), first_count);
    assert_eq!(state.items[state.current], first);
    assert!(harness.state().workspace().project().rejections.is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().suggestions().unwrap().items.len(),
        first_count - 1
    );
    assert_eq!(harness.state().workspace().project().rejections.len(), 1);
}

#[test]
fn the_table_filters_sorts_and_changes_the_stance_of_a_shift_click_range_in_one_undo() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::T);
    harness.run_steps(2);
    harness.state_mut().table().unwrap().wait();
    harness.run_steps(2);
    assert_eq!(harness.state_mut().table().unwrap().rows.len(), 12);
    // Free-text filter over quote and note.
    harness.get_by_label("Filter").focus();
    harness.step();
    harness.get_by_label("Filter").type_text("regulat");
    harness.run_steps(2);
    harness.state_mut().table().unwrap().wait();
    harness.run_steps(2);
    let rows = harness.state_mut().table().unwrap().rows.clone();
    let query = harness.state_mut().table().unwrap().query.text.clone();
    assert!(
        !rows.is_empty() && rows.len() < 12,
        "{query:?} {}",
        rows.len()
    );
    for r in &rows {
        let text = format!("{} {}", r.quote, r.note).to_lowercase();
        assert!(text.contains("regulat"), "{text}");
    }
    // Sort by quote, then click the first row and shift-click the third.
    harness.get_by_label("Quote").click();
    harness.run_steps(2);
    harness.state_mut().table().unwrap().wait();
    harness.run_steps(2);
    let rows = harness.state_mut().table().unwrap().rows.clone();
    let mut sorted: Vec<String> = rows.iter().map(|r| r.quote.to_lowercase()).collect();
    sorted.sort();
    assert_eq!(
        rows.iter()
            .map(|r| r.quote.to_lowercase())
            .collect::<Vec<_>>(),
        sorted
    );
    assert!(rows.len() >= 3, "{}", rows.len());
    let cell = |q: &str| stancemark::text::snippet(q, 90);
    harness.get_by_label(cell(&rows[0].quote).as_str()).click();
    harness.run_steps(2);
    harness
        .get_by_label(cell(&rows[2].quote).as_str())
        .click_modifiers(Modifiers::SHIFT);
    harness.run_steps(2);
    assert_eq!(harness.state_mut().table().unwrap().selected.len(), 3);
    harness.get_by_label("Change stance to").click();
    harness.run_steps(2);
    // The menu's entry: the full-width button under "Change stance to" (the other nodes named
    // "security" are stance chips in the table and the annotations panel).
    let menu = harness.get_by_label("Change stance to").rect();
    harness
        .get_all_by_label("security")
        .find(|n| {
            n.rect().top() >= menu.bottom()
                && n.rect().width() > 80.0
                && n.rect().left() < menu.right()
        })
        .expect("the menu entry")
        .click();
    harness.run_steps(3);
    let project = harness.state().workspace().project().clone();
    for r in &rows[..3] {
        assert_eq!(
            project.annotation(r.id).unwrap().stance.as_str(),
            "security"
        );
    }
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    for r in &rows[..3] {
        assert_eq!(
            project.annotation(r.id).unwrap().stance,
            r.stance,
            "one Undo for all"
        );
    }
}

#[test]
fn brackets_step_through_annotations_by_position_and_text_size_keys_change_the_reader() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let project = harness.state().workspace().project().clone();
    let mut by_place: Vec<_> = project.annotations.iter().collect();
    by_place.sort_by_key(|a| (a.range.start, a.range.end));
    harness.key_press(Key::CloseBracket);
    harness.run_steps(2);
    assert_eq!(harness.state().selected_annotation(), Some(by_place[0].id));
    harness.key_press(Key::CloseBracket);
    harness.run_steps(2);
    assert_eq!(harness.state().selected_annotation(), Some(by_place[1].id));
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(harness.state().selected_annotation(), Some(by_place[2].id));
    harness.key_press(Key::OpenBracket);
    harness.run_steps(2);
    assert_eq!(harness.state().selected_annotation(), Some(by_place[1].id));

    let size = harness.state().preferences().text_size;
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    harness.run_steps(2);
    assert_eq!(harness.state().preferences().text_size, size + 1.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    harness.run_steps(2);
    assert_eq!(harness.state().preferences().text_size, size - 1.0);
    assert_eq!(
        harness.ctx.zoom_factor(),
        1.0,
        "egui's own zoom does not take the keys"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    harness.run_steps(2);
    assert_eq!(harness.state().preferences().text_size, size);

    harness.key_press(Key::F1);
    harness.run_steps(3);
    // Everything the sheet shows, scrolled from top to bottom.
    let sheet = harness.get_by_label("Anywhere").rect().center();
    let mut texts = Vec::new();
    for _ in 0..12 {
        texts.extend(painted_texts(&harness));
        harness.hover_at(sheet);
        harness.event(eframe::egui::Event::MouseWheel {
            unit: eframe::egui::MouseWheelUnit::Point,
            delta: eframe::egui::vec2(0.0, -150.0),
            modifiers: Modifiers::NONE,
            phase: eframe::egui::TouchPhase::Move,
            source: eframe::egui::MouseWheelSource::Wheel,
        });
        harness.run_steps(2);
    }
    assert!(texts.iter().any(|t| t == "Keyboard shortcuts"));
    assert!(
        texts.iter().any(|t| t == "Search project…"),
        "rows come from the commands"
    );
}

#[test]
fn the_theme_preference_is_applied_and_kept() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let mut prefs = harness.state().preferences().clone();
    prefs.theme = stancemark::prefs::Theme::Light;
    harness
        .state_mut()
        .execute(stancemark::command::Command::SetPreferences(Box::new(
            prefs,
        )));
    harness.run_steps(3);
    assert_eq!(harness.ctx.theme(), eframe::egui::Theme::Light);
    assert!(!harness.ctx.global_style().visuals.dark_mode);
    let mut prefs = harness.state().preferences().clone();
    prefs.theme = stancemark::prefs::Theme::Dark;
    harness
        .state_mut()
        .execute(stancemark::command::Command::SetPreferences(Box::new(
            prefs,
        )));
    harness.run_steps(3);
    assert_eq!(harness.ctx.theme(), eframe::egui::Theme::Dark);
}

#[test]
fn a_click_on_the_stance_map_jumps_there_and_find_matches_are_marked_on_it() {
    let long: String = (0..400)
        .map(|i| format!("Paragraph {i} about open models and their rules.\n"))
        .collect();
    let (_dir, mut harness) = harness_on_text(&long);
    harness.run_steps(2);
    let map = harness
        .state()
        .article_view()
        .map_rect()
        .expect("the map is drawn");
    let (top, bottom) = harness.state().article_view().view_span();
    assert!(top <= 1.0, "starts at the top");
    // Click three quarters of the way down the strip.
    let target = eframe::egui::pos2(map.center().x, map.top() + map.height() * 0.75);
    harness.hover_at(target);
    harness.step();
    harness.drag_at(target);
    harness.step();
    harness.drop_at(target);
    harness.run_steps(3);
    let (new_top, new_bottom) = harness.state().article_view().view_span();
    assert!(new_top > top + 100.0, "the reader scrolled: {new_top}");
    assert!(
        (new_bottom - new_top - (bottom - top)).abs() < 1.0,
        "same view height"
    );
    let (first, last, paragraphs) = harness.state().article_view().visible_paragraphs();
    let middle = (first + last) / 2;
    assert!(
        middle > paragraphs * 2 / 3 && middle < paragraphs * 5 / 6,
        "the view is about three quarters down: {first}..{last} of {paragraphs}"
    );
    // Find matches appear as ticks in the map's mark lane.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Find").type_text("Paragraph 399 ");
    harness.run_steps(3);
    let ticks: Vec<_> = rects_filled_with(&harness, stancemark::ui::reader::FIND_TICK)
        .into_iter()
        .filter(|r| map.contains_rect(*r))
        .collect();
    assert_eq!(ticks.len(), 1, "{ticks:?}");
    assert!(
        ticks[0].center().y > map.top() + map.height() * 0.9,
        "at the end"
    );
}

#[test]
fn the_articles_list_filters_as_you_type_and_sorts_with_uncoded_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.stance.json");
    let mut project = stancemark::model::Project::new("many");
    for (title, outlet) in [
        ("Chips and export controls", "Times"),
        ("Open weights debate", "Herald"),
        ("Budget hearing notes", "Gazette"),
    ] {
        let mut a = stancemark::model::Article::new(title, "Some text about the topic.");
        a.meta.outlet = Some(outlet.to_owned());
        project.articles.push(a.into());
    }
    stancemark::store::save_project(&project, &path).unwrap();
    let mut harness = harness_on(Some(path));
    // Tag the first article so the others are "not yet coded".
    let first = project.articles[0].id;
    harness
        .state_mut()
        .execute(stancemark::command::Command::SelectArticle(first));
    harness
        .state_mut()
        .execute(stancemark::command::Command::Tag {
            article: first,
            range: TextRange { start: 0, end: 4 },
            stance: stancemark::model::StanceId::new("security"),
        });
    harness.run_steps(2);
    harness.get_by_label("Filter articles").focus();
    harness.step();
    harness.get_by_label("Filter articles").type_text("herald");
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Open weights debate")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("Chips and export")
            .is_none()
    );
    assert!(harness.query_by_label_contains("Budget hearing").is_none());
    // Clear the filter, order with the uncoded first.
    harness.get_by_label("Filter articles").focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.run_steps(2);
    harness.get_by_label("Sort").click();
    harness.run_steps(2);
    harness.get_by_label("not yet coded first").click();
    harness.run_steps(3);
    let y = |title: &str| harness.get_by_label_contains(title).rect().top();
    // The filter is one row under the heading; the list follows it at the top of the panel.
    let filter = harness.get_by_label("Filter articles").rect();
    assert!(filter.height() < 40.0 && filter.top() < 150.0, "{filter:?}");
    assert!(
        y("Open weights debate") < 250.0,
        "the list is right under the filter"
    );
    assert!(y("Open weights debate") < y("Chips and export controls"));
    assert!(y("Budget hearing notes") < y("Chips and export controls"));
    // The coded article has a bar in its stance's colour under its title.
    let security = stancemark::ui::widgets::to_color(stancemark::model::Rgb([230, 126, 34]));
    let bars: Vec<_> = rects_filled_with(&harness, security)
        .into_iter()
        .filter(|r| r.height() <= 3.5 && r.left() < 240.0)
        .collect();
    assert_eq!(bars.len(), 1, "{bars:?}");
}

#[test]
fn a_sentence_is_tagged_with_the_keyboard_alone() {
    let text = "First sentence here. The second one matters! Third.\nNext paragraph.";
    let (_dir, mut harness) = harness_on_text(text);
    harness.run_steps(2);
    // The caret starts at the first paragraph in view; one sentence to the right, then select
    // the next sentence with Shift+Alt+Right, and tag it with 2.
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run_steps(1);
    assert_eq!(harness.state().article_view().caret(), Some(20));
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(1);
    let selected = harness.state().article_view().selection().unwrap();
    assert_eq!(
        stancemark::text::slice_chars(text, selected),
        "The second one matters!",
        "a selection from the caret starts at the text, not at the space before it"
    );
    // Word steps adjust it: back one word, then forward again.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowLeft);
    harness.run_steps(1);
    let shorter = harness.state().article_view().selection().unwrap();
    assert_eq!(
        stancemark::text::slice_chars(text, shorter),
        "The second one",
        "the selection (shown, offered and tagged) leaves out the space at its end"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(1);
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), 1);
    let a = &project.annotations.first().unwrap();
    assert_eq!(a.stance.as_str(), "regulation");
    assert_eq!(
        a.quote, "The second one matters",
        "word steps end at a word's end"
    );
    // The caret waits at the passage's end; the caret is painted.
    assert_eq!(harness.state().article_view().caret(), Some(a.range.end));
    // Paragraph steps: Ctrl+Down goes to the end of this paragraph, then the next.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::ArrowDown);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::ArrowDown);
    harness.run_steps(1);
    assert_eq!(
        harness.state().article_view().caret(),
        Some(text.chars().count())
    );
}

#[test]
fn a_drag_snaps_to_whole_words_unless_alt_is_held_and_clicks_cycle_stacked_annotations() {
    let text = "Governments regulate open models carefully today.";
    let (_dir, mut harness) = harness_on_text(text);
    harness.run_steps(2);
    // From inside "regulate" to inside "models".
    let from = TextRange { start: 15, end: 16 };
    let to = TextRange { start: 26, end: 27 };
    drag_select(
        &mut harness,
        TextRange {
            start: from.start,
            end: to.end,
        },
    );
    let got = harness.state().article_view().selection().unwrap();
    assert_eq!(
        stancemark::text::slice_chars(text, got),
        "regulate open models"
    );
    // With Alt, character precision.
    harness.key_press(Key::Escape);
    harness.run_steps(1);
    harness.event(eframe::egui::Event::ModifiersChanged(Modifiers::ALT));
    drag_select(
        &mut harness,
        TextRange {
            start: from.start,
            end: to.end,
        },
    );
    harness.event(eframe::egui::Event::ModifiersChanged(Modifiers::NONE));
    let exact = harness.state().article_view().selection().unwrap();
    assert!(exact.start >= 14 && exact.end <= 28, "{exact:?}");
    assert_ne!(
        stancemark::text::slice_chars(text, exact),
        "regulate open models"
    );
    // Two annotations over "open": clicks on it alternate between them.
    let article = harness.state().current_article().unwrap();
    for (range, stance) in [
        (TextRange { start: 21, end: 25 }, "security"),
        (TextRange { start: 12, end: 32 }, "regulation"),
    ] {
        harness
            .state_mut()
            .execute(stancemark::command::Command::Tag {
                article,
                range,
                stance: stancemark::model::StanceId::new(stance),
            });
    }
    harness.run_steps(2);
    // Innermost (shortest) first.
    let mut listed = harness.state().workspace().project().annotations.to_vec();
    listed.sort_by_key(|a| a.range.len());
    let ids: Vec<_> = listed.iter().map(|a| a.id).collect();
    let on_open =
        harness.state().article_view().screen_pos_of(22).unwrap() + eframe::egui::vec2(2.0, 0.0);
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    let mut picked = Vec::new();
    for _ in 0..3 {
        harness.hover_at(on_open);
        harness.step();
        click_at(&mut harness, on_open);
        // Longer than a double-click apart.
        harness.run_steps(15);
        picked.push(harness.state().selected_annotation().unwrap());
    }
    assert_eq!(
        picked,
        [ids[0], ids[1], ids[0]],
        "innermost first, then out, then around"
    );
}

#[test]
fn the_hover_card_sits_below_the_line_being_read_not_on_it() {
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
    let card = harness
        .get_by_label("Sets the scene: regulatory momentum in the US.")
        .rect();
    let line_height = harness.state().preferences().text_size * 1.45;
    let line_bottom = on_text.y + line_height / 2.0;
    assert!(
        card.top() >= line_bottom,
        "the card ({card:?}) starts below the hovered line (bottom {line_bottom})"
    );
}

#[test]
fn a_stance_is_put_under_another_in_the_editor_and_shown_with_its_parent() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness
        .state_mut()
        .execute(stancemark::command::Command::ManageStances);
    harness.run_steps(2);
    harness.get_by_label("New stance").focus();
    harness.step();
    harness.get_by_label("New stance").type_text("supply chain");
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    let new_id = harness
        .state()
        .workspace()
        .project()
        .stances
        .0
        .last()
        .unwrap()
        .id
        .clone();
    // The parent chooser of the new stance (the last one), then "security".
    harness
        .get_all_by_label("Parent of supply chain")
        .last()
        .unwrap()
        .click();
    harness.run_steps(2);
    // The popup's entry is drawn last of the nodes named "security" (the others are chips).
    harness.get_all_by_label("security").last().unwrap().click();
    harness.run_steps(3);
    let project = harness.state().workspace().project().clone();
    let stance = project.stances.get(&new_id).unwrap();
    assert_eq!(stance.parent.as_ref().map(|p| p.as_str()), Some("security"));
    assert_eq!(
        project.stances.path_label(&new_id),
        "security › supply chain"
    );
    // Listed right after its parent, indented, and named with its parent in the panels.
    let order: Vec<&str> = project
        .stances
        .tree()
        .iter()
        .map(|(s, _)| s.id.as_str())
        .collect();
    assert_eq!(order.last(), Some(&new_id.as_str()));
    assert!(harness.query_by_label("security › supply chain").is_some());
    // A parent may not go under its own sub-stance.
    harness
        .state_mut()
        .execute(stancemark::command::Command::SetStanceParent {
            stance: stancemark::model::StanceId::new("security"),
            parent: Some(new_id.clone()),
        });
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert!(
        project
            .stances
            .get(&stancemark::model::StanceId::new("security"))
            .unwrap()
            .parent
            .is_none()
    );
    assert!(
        harness
            .state()
            .status()
            .is_some_and(|(t, _)| t.contains("loop")),
        "{:?}",
        harness.state().status()
    );
    // Undo puts the new stance back at the top level.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .workspace()
            .project()
            .stances
            .get(&new_id)
            .unwrap()
            .parent
            .is_none()
    );
}

#[test]
fn memos_on_the_article_and_the_project_are_kept_undone_and_found_by_search() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.get_by_label("Memo").focus();
    harness.step();
    harness
        .get_by_label("Memo")
        .type_text("Mostly about export controls.");
    harness.run_steps(1);
    // Leaving the field keeps the memo.
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    let article = harness.state().current_article().unwrap();
    let memo = |h: &egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>| {
        h.state()
            .workspace()
            .project()
            .article(article)
            .unwrap()
            .memo
            .clone()
    };
    assert_eq!(memo(&harness), "Mostly about export controls.");
    assert!(harness.state().workspace().is_dirty());
    // The project memo, in its window.
    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness.get_by_label("Project memo…").click();
    harness.run_steps(2);
    harness.get_by_label("Project memo text").focus();
    harness.step();
    harness
        .get_by_label("Project memo")
        .type_text("Research question: who wants open weights?");
    harness.run_steps(1);
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert_eq!(
        harness.state().workspace().project().memo,
        "Research question: who wants open weights?"
    );
    // Project search finds both.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("export controls");
    harness.step();
    harness.state_mut().project_search().unwrap().wait();
    let hits = harness
        .state_mut()
        .project_search()
        .unwrap()
        .results
        .clone()
        .unwrap()
        .hits;
    assert!(
        hits.iter()
            .any(|h| h.place == stancemark::search::HitPlace::ArticleMemo)
    );
    // Undo takes the project memo back, then the article memo.
    harness.key_press(Key::Escape);
    harness
        .state_mut()
        .execute(stancemark::command::Command::Undo);
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().memo, "");
    harness
        .state_mut()
        .execute(stancemark::command::Command::Undo);
    harness.run_steps(2);
    assert_eq!(memo(&harness), "");
}

#[test]
fn learned_suggestions_retrain_after_a_rejection_which_is_remembered() {
    let (_dir, mut harness) = sample_with_a_second_article();
    harness
        .state_mut()
        .execute(stancemark::command::Command::Suggest);
    harness.run_steps(2);
    harness.get_by_label("Learn from my coding").click();
    harness.run_steps(2);
    harness.state_mut().suggestions().unwrap().wait();
    harness.run_steps(2);
    let items = harness.state_mut().suggestions().unwrap().items.clone();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i.confidence.is_some_and(|c| c >= 0.5)));
    let first = items[0].clone();
    harness.get_all_by_label("Reject").next().unwrap().click();
    harness.run_steps(2);
    harness.state_mut().suggestions().unwrap().wait();
    harness.run_steps(2);
    let rejections = harness.state().workspace().project().rejections.to_vec();
    assert_eq!(rejections.len(), 1);
    assert_eq!(
        (rejections[0].article, rejections[0].range),
        (first.article, first.range)
    );
    let state = harness.state_mut().suggestions().unwrap();
    assert!(
        state
            .items
            .iter()
            .all(|i| i.range != first.range || i.article != first.article),
        "a rejected sentence is not offered again after retraining"
    );
    // Stances → Forget rejected suggestions lets them be offered again (one Undo).
    harness.run();
    harness.get_by_label("Stances").click();
    harness.run_steps(2);
    harness
        .get_by_label("Forget rejected suggestions (1)")
        .click();
    harness.run_steps(2);
    assert!(harness.state().workspace().project().rejections.is_empty());
    assert_eq!(
        harness.state().workspace().undo_label(),
        Some("forget rejected suggestions")
    );
}

#[test]
fn list_keys_work_where_the_list_has_the_keys_and_a_key_means_its_lists_thing_there() {
    use stancemark::command::{Command, KeyScope};
    let (_dir, mut harness) = sample_with_a_second_article();
    let status_bar = eframe::egui::pos2(WINDOW.x / 2.0, WINDOW.y - 6.0);

    // The review list has the keys once opened; a click elsewhere takes them away, so `a`
    // no longer accepts a suggestion the analyst is not looking at.
    suggest_as_typed(&mut harness, "open source");
    assert_eq!(harness.state().key_area(), KeyScope::ReviewList);
    let offered = harness.state_mut().suggestions().unwrap().items.len();
    assert!(offered >= 2);
    let before = harness.state().workspace().project().annotations.len();
    click_at(&mut harness, status_bar);
    assert_eq!(harness.state().key_area(), KeyScope::Reader);
    harness.key_press(Key::A);
    harness.run_steps(2);
    assert_eq!(
        harness.state().workspace().project().annotations.len(),
        before
    );
    assert_eq!(
        harness.state_mut().suggestions().unwrap().items.len(),
        offered
    );
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t == "click the list to use its keys (a, r, arrows)")
    );
    // A click in the window gives the keys back: `r` rejects, and the project keeps it.
    let hint = harness
        .get_by_label("click the list to use its keys (a, r, arrows)")
        .rect()
        .center();
    click_at(&mut harness, hint);
    assert_eq!(harness.state().key_area(), KeyScope::ReviewList);
    harness.key_press(Key::R);
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().suggestions().unwrap().items.len(),
        offered - 1
    );
    assert_eq!(harness.state().workspace().project().rejections.len(), 1);
    assert_eq!(
        harness.state().workspace().undo_label(),
        Some("reject suggestion")
    );
    harness.state_mut().execute(Command::Undo);
    harness.run_steps(2);
    assert!(harness.state().workspace().project().rejections.is_empty());

    // In the table, Delete deletes the selected row's annotation, not the one selected in the
    // reader; back in the reader, Delete deletes that one.
    let project = harness.state().workspace().project();
    let kept = project.annotations.first().unwrap().id;
    harness.state_mut().execute(Command::SelectAnnotation {
        id: kept,
        reveal: true,
    });
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::T);
    harness.run_steps(2);
    harness.state_mut().table().unwrap().wait();
    harness.run_steps(2);
    assert_eq!(harness.state().key_area(), KeyScope::Table);
    let rows = harness.state_mut().table().unwrap().rows.clone();
    let row = rows.iter().find(|r| r.id != kept).unwrap().clone();
    harness
        .get_by_label(stancemark::text::snippet(&row.quote, 90).as_str())
        .click();
    harness.run_steps(2);
    let count = harness.state().workspace().project().annotations.len();
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), count - 1);
    assert!(project.annotation(row.id).is_none());
    assert!(project.annotation(kept).is_some());
    click_at(&mut harness, status_bar);
    assert_eq!(harness.state().key_area(), KeyScope::Reader);
    harness.state_mut().execute(Command::SelectAnnotation {
        id: kept,
        reveal: true,
    });
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .workspace()
            .project()
            .annotation(kept)
            .is_none()
    );

    // In the articles list, ↓ shows the next article; in the reader it does not. (The table
    // and the suggestions window are closed first: they lie over the list.)
    for _ in 0..4 {
        let Some(close) = harness.query_all_by_label("Close window").last() else {
            break;
        };
        close.click();
        harness.run_steps(2);
    }
    assert!(harness.state_mut().suggestions().is_none());
    let articles: Vec<_> = harness
        .state()
        .workspace()
        .project()
        .articles
        .iter()
        .map(|a| a.id)
        .collect();
    harness
        .state_mut()
        .execute(Command::SelectArticle(articles[0]));
    harness.run_steps(2);
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(harness.state().current_article(), Some(articles[0]));
    let start: String = harness.state().workspace().project().articles[0]
        .title
        .chars()
        .take(15)
        .collect();
    // The row in the articles list (the title is also the reader's heading).
    let at = harness
        .get_all_by_label_contains(&start)
        .map(|n| n.rect())
        .min_by(|a, b| a.left().total_cmp(&b.left()))
        .unwrap()
        .center();
    click_at(&mut harness, at);
    assert_eq!(harness.state().key_area(), KeyScope::ArticleList);
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(harness.state().current_article(), Some(articles[1]));
    harness.key_press(Key::ArrowUp);
    harness.run_steps(2);
    assert_eq!(harness.state().current_article(), Some(articles[0]));
}

#[test]
fn the_stance_map_marks_pending_suggestions_and_hovering_one_shows_its_passage() {
    let long: String = (0..300)
        .map(|i| format!("Paragraph {i} about open models and their rules.\n"))
        .collect();
    let (_dir, mut harness) = harness_on_text(&long);
    harness.run_steps(2);
    suggest_as_typed(&mut harness, "Paragraph 250 ");
    harness.run_steps(2);
    assert_eq!(harness.state_mut().suggestions().unwrap().items.len(), 1);
    // The window lies over the reader's left; the map is on its right.
    let map = harness.state().article_view().map_rect().unwrap();
    let ticks: Vec<_> = rects_filled_with(&harness, stancemark::ui::reader::SUGGESTION_TICK)
        .into_iter()
        .filter(|r| map.contains_rect(*r))
        .collect();
    assert_eq!(ticks.len(), 1, "{ticks:?}");
    let tick = ticks[0].center();
    assert!(tick.y > map.top() + map.height() * 0.8, "near the end");
    harness.hover_at(tick);
    // A tooltip waits for the pointer to rest (about half a second).
    harness.run_steps(25);
    let texts = painted_texts(&harness);
    assert!(texts.iter().any(|t| t == "suggested"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Paragraph 250 about open models and their rules.")),
        "the sentence is shown"
    );
}

#[test]
fn learning_from_my_coding_adds_to_the_pending_list_and_says_how_many() {
    let (_dir, mut harness) = sample_with_a_second_article();
    suggest_as_typed(&mut harness, "open source");
    let pattern = harness.state_mut().suggestions().unwrap().items.clone();
    assert!(!pattern.is_empty());
    harness.get_by_label("Learn from my coding").click();
    harness.run_steps(2);
    harness.state_mut().suggestions().unwrap().wait();
    harness.run_steps(2);
    let state = harness.state_mut().suggestions().unwrap();
    let added = state.added.expect("the classifier's result was added");
    assert!(added > 0);
    let items = state.items.clone();
    assert_eq!(items.len(), pattern.len() + added, "added to, not replaced");
    for p in &pattern {
        assert!(items.contains(p), "the pattern's suggestions stay");
    }
    let mut keys: Vec<_> = items
        .iter()
        .map(|i| (i.article, i.range, i.stance.clone()))
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "no passage and stance is pending twice");
    assert!(
        painted_texts(&harness)
            .iter()
            .any(|t| t.contains(&format!("the classifier added {added}"))),
        "the list says how many came in"
    );
}

#[test]
fn suggestion_settings_are_kept_for_the_next_window_and_session() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness
        .state_mut()
        .execute(stancemark::command::Command::Suggest);
    harness.run_steps(2);
    assert!(harness.state().preferences().suggest.sentence);
    harness.get_by_label("Whole sentences").click();
    harness.get_by_label("Whole words only").click();
    harness.run_steps(2);
    let kept = harness.state().preferences().suggest;
    assert!(!kept.sentence && kept.options.whole_word, "{kept:?}");
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state_mut().suggestions().is_none(), "Esc closed it");
    harness
        .state_mut()
        .execute(stancemark::command::Command::Suggest);
    harness.run_steps(2);
    let state = harness.state_mut().suggestions().unwrap();
    assert!(!state.sentence && state.options.whole_word);
    // And in the preferences file, for the next session.
    let text = ron::ser::to_string(harness.state().preferences()).unwrap();
    let read: stancemark::prefs::Preferences = ron::from_str(&text).unwrap();
    assert_eq!(read.suggest, kept);
    let old: stancemark::prefs::Preferences = ron::from_str("(annotator: \"dana\")").unwrap();
    assert!(
        old.suggest.sentence,
        "an older preferences file gets the defaults"
    );
}

#[test]
fn escape_closes_the_tool_window_clicked_last_and_otherwise_clears_the_selection() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::T);
    harness.run_steps(2);
    harness
        .state_mut()
        .execute(stancemark::command::Command::Statistics);
    harness.run_steps(2);
    // The statistics window opened last: Esc closes it, not the table.
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state_mut().statistics().is_none());
    assert!(harness.state_mut().table().is_some());
    // A click in the annotations panel (outside the table): Esc is not the table's (it
    // stays open).
    harness
        .get_by_label_contains("Annotation: That foundation has generated")
        .click();
    harness.run_steps(2);
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state_mut().table().is_some());
    // A click in the table, then Esc closes it.
    let filter = harness.get_by_label("Filter").rect();
    click_at(
        &mut harness,
        filter.center() + eframe::egui::vec2(0.0, 40.0),
    );
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state_mut().table().is_none());
}

#[test]
fn tool_windows_keep_their_size_while_their_content_changes() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("open");
    harness.run_steps(2);
    harness.state_mut().project_search().unwrap().wait();
    harness.run_steps(3);
    let toggle = harness.get_by_label("Match case").rect();
    harness
        .get_by_label("Search")
        .type_text("zzzz no such words");
    harness.run_steps(2);
    harness.state_mut().project_search().unwrap().wait();
    harness.run_steps(3);
    assert_eq!(
        harness.get_by_label("Match case").rect(),
        toggle,
        "the toggles stay where they were with no matches"
    );
    // The palette keeps its place as it filters.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run_steps(2);
    let field = harness.get_by_label("Command palette").rect();
    harness.event(eframe::egui::Event::Text("stat".into()));
    harness.run_steps(2);
    assert_eq!(harness.get_by_label("Command palette").rect(), field);
    // "stat": Statistics… first.
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    assert!(harness.state_mut().statistics().is_some());
}

#[test]
fn at_800_by_600_panel_buttons_wrap_and_the_table_stays_on_screen() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.set_size(eframe::egui::vec2(800.0, 600.0));
    harness.run_steps(3);
    let reimport = harness.get_by_label("Re-import").rect();
    let remove = harness.get_by_label("Remove…").rect();
    let panel_right = harness.get_by_label("+ Add articles…").rect().right() + 40.0;
    for b in [reimport, remove] {
        assert!(b.right() <= panel_right.max(b.left() + b.width()), "{b:?}");
        assert!(b.width() > 40.0, "not cut: {b:?}");
    }
    harness.key_press_modifiers(Modifiers::COMMAND, Key::T);
    harness.run_steps(3);
    // The window fits the screen; its last column is reached by scrolling sideways.
    let close = harness.get_by_label("Close window").rect();
    assert!(close.right() <= 800.0, "{close:?}");
    let filter = harness.get_by_label("Filter").rect();
    assert!(filter.left() >= 0.0, "{filter:?}");
}

#[test]
fn a_file_whose_text_is_already_an_article_is_asked_about_before_it_is_added() {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let file = dir.path().join("brief.txt");
    std::fs::write(&file, "A brief that arrives twice.\nIts second line.\n").unwrap();
    harness.state_mut().add_article_from(&file);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    let articles = || 2;
    assert_eq!(
        harness.state().workspace().project().articles.len(),
        articles()
    );
    harness.state_mut().add_article_from(&file);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label_contains("the same text is already the article");
    harness.get_by_label("Skip").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().articles.len(), 2);
    harness.state_mut().add_article_from(&file);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Add anyway").click();
    harness.run_steps(2);
    assert_eq!(harness.state().workspace().project().articles.len(), 3);
}

#[test]
fn shortcuts_are_named_as_people_write_them_and_stance_keys_name_their_stance() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.key_press(Key::F1);
    harness.run_steps(3);
    // Everything the sheet shows, scrolled from top to bottom.
    let sheet = harness.get_by_label("Anywhere").rect().center();
    let mut texts = Vec::new();
    for _ in 0..12 {
        texts.extend(painted_texts(&harness));
        harness.hover_at(sheet);
        harness.event(eframe::egui::Event::MouseWheel {
            unit: eframe::egui::MouseWheelUnit::Point,
            delta: eframe::egui::vec2(0.0, -150.0),
            modifiers: Modifiers::NONE,
            phase: eframe::egui::TouchPhase::Move,
            source: eframe::egui::MouseWheelSource::Wheel,
        });
        harness.run_steps(2);
    }
    for shown in ["]", "[", "Ctrl+=", "Ctrl+-", "Ctrl+,"] {
        assert!(texts.iter().any(|t| t == shown), "{shown} in {texts:?}");
    }
    for hidden in [
        "CloseBracket",
        "OpenBracket",
        "Ctrl+Equals",
        "Ctrl+Minus",
        "Ctrl+Comma",
    ] {
        assert!(!texts.iter().any(|t| t.contains(hidden)), "{hidden}");
    }
    assert!(
        texts.iter().any(|t| t.starts_with("Tag as regulation")),
        "key 2 names its stance"
    );
}

#[test]
fn a_keyboard_selection_leaves_the_annotation_selected_before() {
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness
        .get_by_label_contains("Annotation: That foundation has generated")
        .click();
    harness.run_steps(2);
    assert!(harness.state().selected_annotation().is_some());
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(2);
    assert!(harness.state().article_view().selection().is_some());
    assert_eq!(
        harness.state().selected_annotation(),
        None,
        "the editor no longer shows the annotation selected before"
    );
}

#[test]
fn the_chart_saves_as_a_png_of_the_chart_alone_on_the_themes_background() {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let mut prefs = harness.state().preferences().clone();
    prefs.theme = stancemark::prefs::Theme::Light;
    harness
        .state_mut()
        .execute(stancemark::command::Command::SetPreferences(Box::new(
            prefs,
        )));
    harness
        .state_mut()
        .execute(stancemark::command::Command::Statistics);
    harness.run_steps(2);
    harness.state_mut().statistics().unwrap().wait();
    harness.run_steps(3);
    let chart = harness
        .state_mut()
        .statistics()
        .unwrap()
        .chart_rect
        .unwrap();
    let table_header = harness.get_by_label("annotated code points").rect();
    assert!(
        !chart.intersects(table_header),
        "the numbers table is not part of the chart"
    );
    harness.get_by_label("Save chart as PNG…").click();
    harness.run_steps(2);
    harness.key_press(Key::Enter);
    let file = dir.path().join("sample-chart.png");
    for _ in 0..100 {
        harness.step();
        if file.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let bytes = std::fs::read(&file).expect("the chart was saved");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ppp = harness.ctx.pixels_per_point();
    assert!(
        ((info.width as f32) - chart.width() * ppp).abs() <= 2.0
            && ((info.height as f32) - chart.height() * ppp).abs() <= 2.0,
        "{}×{} for {chart:?}",
        info.width,
        info.height
    );
    // The corner is the light window, not the dimmed backdrop of the file window.
    let fill = harness.ctx.global_style().visuals.window_fill;
    let corner = &buf[..4];
    for (got, want) in corner.iter().zip(fill.to_array()) {
        assert!(got.abs_diff(want) <= 8, "corner {corner:?} vs {fill:?}");
    }
}

#[test]
fn a_binary_file_added_in_the_window_is_refused_by_what_it_is() {
    let (dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    let junk = dir.path().join("program.html");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    bytes.extend((0..4000u32).map(|i| (i % 251) as u8));
    std::fs::write(&junk, bytes).unwrap();
    harness.state_mut().add_article_from(&junk);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    let (_, message) = harness.state().error_message().expect("an error is shown");
    assert!(
        message.contains("program.html: this is an ELF executable, not a web page"),
        "{message}"
    );
    assert_eq!(harness.state().workspace().project().articles.len(), 1);
}

#[test]
fn a_new_empty_project_does_not_say_saved() {
    let mut harness = harness_on(None);
    harness.run_steps(2);
    let texts = painted_texts(&harness);
    assert!(!texts.iter().any(|t| t == "Saved"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "not saved yet"), "{texts:?}");
}

/// Two analysts on the sample: `}` and `{` step through where they differ; Ben's passages are
/// his (Delete refuses, "Copy into my layer" takes one); blind coding hides his layer; curating
/// takes what both marked alike into gold and settles a difference, undoably.
#[test]
fn two_analysts_disagreements_are_stepped_copied_hidden_blind_and_curated_into_gold() {
    use stancemark::command::Command;
    use stancemark::model::AnalystId;
    let (_dir, path) = team_sample_copy();
    let mut harness = harness_on(Some(path));
    let (sample, ben) = (AnalystId::new("sample"), AnalystId::new("ben"));
    let article = harness
        .state()
        .current_article()
        .unwrap_or_else(|| panic!("{:?}", harness.state().error_message()));
    let expected = stancemark::core::curation::disagreement_ranges(
        harness.state().workspace().project(),
        article,
        &[sample.clone(), ben.clone()],
    );
    assert!(expected.len() >= 3, "{expected:?}");
    // Both layers are shown: } steps forward, { back.
    harness.key_press(Key::CloseCurlyBracket);
    harness.run_steps(2);
    assert_eq!(
        harness.state().article_view().selection(),
        Some(expected[0])
    );
    harness.key_press(Key::CloseCurlyBracket);
    harness.run_steps(2);
    assert_eq!(
        harness.state().article_view().selection(),
        Some(expected[1])
    );
    harness.key_press(Key::OpenCurlyBracket);
    harness.run_steps(2);
    assert_eq!(
        harness.state().article_view().selection(),
        Some(expected[0])
    );

    // Ben's shifted first passage: not mine to delete, mine to copy.
    let project = harness.state().workspace().project();
    let bens_first = project
        .annotations
        .layer(article, &ben)
        .iter()
        .min_by_key(|a| a.range.start)
        .unwrap()
        .clone();
    let count = project.annotations.len();
    harness.state_mut().execute(Command::SelectAnnotation {
        id: bens_first.id,
        reveal: true,
    });
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert_eq!(
        harness.state().workspace().project().annotations.len(),
        count
    );
    let log: Vec<String> = harness.state().notices().log().map(|n| n.text()).collect();
    assert!(
        log.iter().any(|t| t.contains("Ben's annotation")),
        "{log:?}"
    );
    harness.get_by_label("Copy into my layer").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert_eq!(project.annotations.len(), count + 1);
    let mine = project.annotations.layer(article, &sample);
    assert!(
        mine.iter()
            .any(|a| a.range == bens_first.range && a.stance == bens_first.stance)
    );

    // Blind coding: Ben's layer is no longer painted (his stripes at his passages' starts).
    let ben_color = {
        let rgb = harness
            .state()
            .workspace()
            .project()
            .analyst(&ben)
            .unwrap()
            .color
            .0;
        eframe::egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2])
    };
    let ben_stripes = |h: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>| {
        painted_shapes(h)
            .iter()
            .filter(|s| {
                matches!(s, eframe::egui::Shape::LineSegment { stroke, .. }
                    if stroke.color == ben_color
                        && stroke.width == stancemark::ui::reader::ANALYST_MARK_WIDTH)
            })
            .count()
    };
    assert!(ben_stripes(&harness) > 0, "team view marks Ben's passages");
    harness.state_mut().execute(Command::ToggleBlindCoding);
    harness.run_steps(3);
    assert!(harness.state().workspace().project().team.blind);
    assert_eq!(ben_stripes(&harness), 0, "blind: only my layer");
    // Nor does the article list count his passages.
    harness.get_by_label_contains("(13)");
    harness.state_mut().execute(Command::ToggleBlindCoding);
    harness.run_steps(3);
    assert!(ben_stripes(&harness) > 0);

    // Curate: the 10 passages both marked alike go into gold at once, I become a curator.
    harness.state_mut().execute(Command::CurateGold);
    harness.run_steps(3);
    let gold = |h: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>| {
        h.state()
            .workspace()
            .project()
            .annotations
            .layer(article, &AnalystId::gold())
            .len()
    };
    assert_eq!(gold(&harness), 10);
    assert!(
        harness
            .state()
            .workspace()
            .project()
            .team
            .curators
            .contains(&sample)
    );
    harness.get_by_label_contains("0 of 3 difference(s) settled");
    // Settle one difference by taking the sample's passage; undo takes it back.
    harness
        .get_all_by_label("Take sample's")
        .next()
        .unwrap()
        .click();
    harness.run_steps(3);
    assert_eq!(gold(&harness), 11);
    let said: Vec<String> = harness
        .get_all_by_label_contains("difference(s) settled")
        .map(|n| format!("{n:?}"))
        .collect();
    assert!(
        said.len() == 1 && said[0].contains("\"1 of 3 difference(s) settled"),
        "{said:?}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(gold(&harness), 10);
}

/// The agreement window shows each pair's corpus α_U as the CLI computes it; clicking the cell
/// opens the two side by side.
#[test]
fn the_agreement_window_shows_the_pairs_alpha_u_and_a_cell_opens_the_comparison() {
    use stancemark::command::Command;
    use stancemark::model::AnalystId;
    let (_dir, path) = team_sample_copy();
    let project = stancemark::store::load_project(&path).unwrap();
    let rows = stancemark::analysis::agreement::measure(
        &project,
        &stancemark::analysis::agreement::Request {
            measures: vec![stancemark::analysis::agreement::Measure::AlphaU],
            unit: stancemark::analysis::agreement::Unit::Word,
            analysts: vec![AnalystId::new("ben"), AnalystId::new("sample")],
            article: None,
            stance: None,
        },
        &|article, analyst| project.counts_on(article, analyst),
    );
    let corpus = rows
        .iter()
        .find(|r| r.article_id.is_none() && r.stance_id.is_none())
        .and_then(|r| r.value)
        .unwrap();
    assert!(corpus > 0.5 && corpus < 1.0, "{corpus}");
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::Agreement);
    harness.run_steps(2);
    harness.state_mut().agreement().unwrap().wait();
    harness.run_steps(2);
    let cell = format!("ben sample {corpus:.2}");
    harness.get_all_by_label(&cell).next().unwrap().click();
    harness.run_steps(3);
    harness.get_by_label_contains("3 difference(s) between Ben and sample");
}

/// Under blind coding suggestions look at my layer only: a term another analyst already tagged
/// with the stance is "already annotated" with his layer in view, and proposed when blind.
#[test]
fn blind_coding_suggests_from_my_layer_only() {
    use stancemark::command::Command;
    let (_dir, path) = team_sample_copy();
    let mut harness = harness_on(Some(path));
    let suggest = |harness: &mut egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>| {
        harness.state_mut().execute(Command::Suggest);
        harness.run_steps(2);
        let state = harness.state_mut().suggestions().unwrap();
        state.stance = Some(stancemark::StanceId::new("regulation"));
        state.sentence = false;
        state.query = "foreign nationals".to_owned();
        harness.get_by_label("Suggest").click();
        harness.run_steps(2);
        harness.state_mut().suggestions().unwrap().wait();
        harness.run_steps(2);
        let state = harness.state_mut().suggestions().unwrap();
        (state.items.len(), state.already_annotated)
    };
    // "foreign nationals" twice in the text; Ben tagged the first as regulation (the sample's
    // analyst: security).
    assert_eq!(suggest(&mut harness), (1, 1));
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    harness.state_mut().execute(Command::ToggleBlindCoding);
    harness.run_steps(2);
    assert_eq!(suggest(&mut harness), (2, 0));
}

/// An analyst who has not coded the article yet (no mark, no passage) disagrees with nobody
/// there: the disagreement lane stays empty until they code it.
#[test]
fn an_analyst_who_has_not_coded_the_article_is_no_disagreement() {
    let (_dir, path) = sample_copy();
    let mut project = stancemark::store::load_project(&path).unwrap();
    let ben = project.new_analyst("Ben");
    let ben_id = ben.id.clone();
    project.analysts.push(ben);
    stancemark::store::save_project(&project, &path).unwrap();
    let harness = harness_on(Some(path.clone()));
    assert!(harness.state().article_view().disagreements().is_empty());
    drop(harness);
    // Ben marks it coded, having found nothing: every sample passage is now a difference.
    project.team.coded.insert(stancemark::model::CodedMark {
        article: project.articles[0].id,
        analyst: ben_id,
    });
    stancemark::store::save_project(&project, &path).unwrap();
    let harness = harness_on(Some(path));
    assert!(!harness.state().article_view().disagreements().is_empty());
}

/// Who says what, from the keyboard alone: a sentence tagged with 2, W puts the keyboard in
/// the actor field, typing "Jane" offers the name in the sentence, Enter takes it (a new
/// person), "-" marks it opposing; "+" and "0" change it; Ctrl+Z takes the last change back.
/// The hover card and the highlight's mark show it.
#[test]
fn an_actor_and_a_position_are_coded_with_the_keyboard_alone() {
    let text = "Taxes must rise, Jane Doe said on Monday. Greenpeace disagrees.\nNext.";
    let (_dir, mut harness) = harness_on_text(text);
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(1);
    harness.key_press(Key::Num2);
    harness.run_steps(2);
    let id = harness
        .state()
        .selected_annotation()
        .expect("the new annotation is selected");
    harness.key_press(Key::W);
    harness.run_steps(2);
    harness.event(eframe::egui::Event::Text("Jane".to_owned()));
    harness.run_steps(2);
    harness.get_by_label_contains("Jane Doe (new)");
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    harness.key_press(Key::Minus);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let a = project.annotation(id).unwrap();
    let jane = project.actors.find("Jane Doe").expect("a new person");
    assert_eq!(jane.kind, stancemark::actors::ActorKind::Person);
    assert_eq!(a.actor.as_ref(), Some(&jane.id));
    assert_eq!(a.position, Some(-1));
    // The highlight carries a mark and the card names her.
    let marks = painted_shapes(&harness)
        .into_iter()
        .filter(|s| matches!(s, eframe::egui::Shape::Circle(c) if c.radius == 4.5))
        .count();
    assert_eq!(marks, 1, "one position mark");
    harness.key_press(Key::Plus);
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .workspace()
            .project()
            .annotation(id)
            .unwrap()
            .position,
        Some(1)
    );
    harness.key_press(Key::Num0);
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .workspace()
            .project()
            .annotation(id)
            .unwrap()
            .position,
        Some(0)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .workspace()
            .project()
            .annotation(id)
            .unwrap()
            .position,
        Some(1)
    );
    // W then Enter on a second passage takes the first row offered: the known actor first.
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    harness.run_steps(1);
    harness.key_press(Key::Num1);
    harness.run_steps(2);
    let second = harness.state().selected_annotation().unwrap();
    assert_ne!(second, id);
    harness.key_press(Key::W);
    harness.run_steps(2);
    harness.event(eframe::egui::Event::Text("Green".to_owned()));
    harness.run_steps(2);
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let green = project
        .actors
        .find("Greenpeace")
        .expect("the name in the sentence");
    assert_eq!(
        project.annotation(second).unwrap().actor.as_ref(),
        Some(&green.id)
    );
}

/// The actor manager: an actor added, given a type, merged into a duplicate (its annotations
/// follow, its name becomes an alias), in one Undo each.
#[test]
fn actors_are_added_typed_and_merged_in_the_actor_manager() {
    use stancemark::command::Command;
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::ActorManager);
    harness.run_steps(2);
    harness.get_by_label("New actor").focus();
    harness.step();
    harness.get_by_label("New actor").type_text("Kevin  Xu Jr");
    harness.run_steps(1);
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    let dup = project
        .actors
        .find("Kevin Xu Jr")
        .unwrap_or_else(|| {
            panic!(
                "added: {:?} {:?}",
                project.actors.actors,
                harness.state().status()
            )
        })
        .id
        .clone();
    let xu = project.actors.find("Kevin Xu").unwrap().id.clone();
    // Give one of Xu's passages to the duplicate, then merge it back from the window.
    let one = project
        .annotations
        .iter()
        .find(|a| a.actor.as_ref() == Some(&xu))
        .unwrap()
        .id;
    harness.state_mut().execute(Command::SetActorOf {
        annotations: vec![one],
        actor: Some(dup.clone()),
    });
    harness.run_steps(1);
    harness
        .get_by_label_contains("Kevin Xu Jr (person) 1")
        .click();
    harness.run_steps(2);
    harness.get_by_label("Merge into…").click();
    harness.run_steps(2);
    harness.get_by_label("Kevin Xu").click();
    harness.run_steps(2);
    let project = harness.state().workspace().project();
    assert!(project.actors.get(&dup).is_none());
    assert_eq!(project.annotation(one).unwrap().actor.as_ref(), Some(&xu));
    assert!(project.actors.get(&xu).unwrap().answers_to("kevin xu jr"));
    assert_eq!(
        harness.state().workspace().undo_label(),
        Some("merge Kevin Xu Jr into Kevin Xu")
    );
}

/// The network view: the sample's actors, their conflict in red, a click on a node lists its
/// passages and one opens in the reader; time windows step through dated articles.
#[test]
fn the_network_view_draws_the_conflict_and_a_node_lists_its_passages() {
    use stancemark::command::Command;
    use stancemark::ui::windows::Shape;
    let (_dir, path) = sample_copy();
    let mut harness = harness_on(Some(path));
    harness.state_mut().execute(Command::NetworkView);
    harness.run_steps(2);
    {
        let state = harness.state_mut().network_window().unwrap();
        state.aggregation = stancemark::analysis::discourse::Aggregation::Conflict;
        assert_eq!(state.shape, Shape::Actors);
    }
    harness.run_steps(2);
    harness.state_mut().network_window().unwrap().wait();
    harness.run_steps(30);
    let net = harness
        .state_mut()
        .network_window()
        .unwrap()
        .network()
        .unwrap()
        .clone();
    let labels: Vec<&str> = net.network.rows.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["Kevin Xu", "US government"]);
    assert_eq!(net.network.matrix[0][1], 4.0);
    // A red edge as wide as the heaviest.
    let red = painted_shapes(&harness).into_iter().any(|s| match s {
        eframe::egui::Shape::LineSegment { stroke, .. } => {
            stroke.color == stancemark::ui::windows::CONFLICT && stroke.width == 6.0
        }
        _ => false,
    });
    assert!(red, "the conflict edge is painted red");
    // Click Kevin Xu's node and open a passage of his.
    let node = harness
        .state_mut()
        .network_window()
        .unwrap()
        .node_pos(0)
        .unwrap();
    click_at(&mut harness, node);
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().network_window().unwrap().chosen,
        Some(0)
    );
    harness.get_by_label_contains("Kevin Xu — 6 passage(s)");
    // The one passage where Xu opposes the security stance.
    harness
        .get_by_label_contains("— Kevin Xu opposes (security)")
        .click();
    harness.run_steps(3);
    let selected = harness.state().selected_annotation().unwrap();
    let project = harness.state().workspace().project();
    assert!(
        project
            .annotation(selected)
            .unwrap()
            .quote
            .starts_with("The authors emphasize")
    );
}

/// The issue's whole path in the window: a DNA database imported (File → Import), a new
/// article coded with an actor and a position from the keyboard, the actor congruence network
/// stepped through monthly windows with the time slider (what is drawn changes), its GraphML
/// read by networkx, and the same window numbers from `stancemark network`.
#[test]
fn a_dna_database_is_imported_coded_and_its_network_steps_through_time() {
    use stancemark::command::Command;
    let dir = tempfile::tempdir().unwrap();
    let dna = dir.path().join("energy.dna");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dna/energy.dna"),
        &dna,
    )
    .unwrap();
    let mut harness = harness_on(None);
    harness
        .state_mut()
        .execute(Command::ImportAnnotationsFrom(dna));
    run_until_idle(&mut harness);
    harness.run_steps(3);
    assert_eq!(harness.state().workspace().project().articles.len(), 5);
    // A new article, coded in the window: Jane Doe opposes.
    let article = dir.path().join("new.txt");
    std::fs::write(
        &article,
        "Jane Doe now doubts the carbon tax. Nobody else spoke.\n",
    )
    .unwrap();
    harness.state_mut().add_article_from(&article);
    run_until_idle(&mut harness);
    harness.run_steps(3);
    let text = harness
        .state()
        .workspace()
        .project()
        .article(harness.state().current_article().unwrap())
        .unwrap()
        .text
        .clone();
    drag_select(
        &mut harness,
        char_range_of(&text, "Jane Doe now doubts the carbon tax"),
    );
    harness.key_press(Key::Num1);
    harness.run_steps(2);
    harness.key_press(Key::W);
    harness.run_steps(2);
    harness.event(eframe::egui::Event::Text("Jane".to_owned()));
    harness.run_steps(2);
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    harness.key_press(Key::Minus);
    harness.run_steps(2);
    let project = harness.state().workspace().project().clone();
    let jane = project.actors.find("Jane Doe").unwrap().id.clone();
    assert_eq!(
        project
            .annotations
            .iter()
            .filter(|a| a.actor.as_ref() == Some(&jane) && a.position == Some(-1))
            .count(),
        1,
        "the new passage names the imported Jane Doe, opposing"
    );
    // The congruence network over monthly windows.
    harness.state_mut().execute(Command::NetworkView);
    harness.run_steps(2);
    {
        let state = harness.state_mut().network_window().unwrap();
        state.windows = (true, "1m".to_owned(), "1m".to_owned());
    }
    harness.run_steps(2);
    harness.state_mut().network_window().unwrap().wait();
    harness.run_steps(40);
    let net = harness
        .state_mut()
        .network_window()
        .unwrap()
        .network()
        .unwrap()
        .clone();
    let months: Vec<usize> = net.network.windows.iter().map(|w| w.statements).collect();
    // Months from the first date (15 January): 15 Jan–14 Feb, 15 Feb–14 Mar, 15 Mar–14 Apr.
    assert_eq!(months, [7, 3, 2]);
    let edges = |harness: &egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>| {
        painted_shapes(harness)
            .into_iter()
            .filter(|s| {
                matches!(s, eframe::egui::Shape::LineSegment { stroke, .. }
                    if stroke.color == stancemark::ui::windows::AGREE)
            })
            .count()
    };
    let january = edges(&harness);
    // The slider, as a user drags it: to the last window.
    harness.get_by_label("Time").set_value_accesskit(2.0);
    harness.run_steps(3);
    assert_eq!(harness.state_mut().network_window().unwrap().window, 2);
    let march = edges(&harness);
    assert_ne!(january, march, "the picture follows the slider");
    harness.get_by_label_contains("window 3 of 3");
    // GraphML of what is shown, read by networkx; the CLI's windows agree with the window's.
    let graphml = dir.path().join("net.graphml");
    harness.state_mut().execute(Command::ExportNetworkTo(
        stancemark::formats::network::NetworkFile::Graphml,
        graphml.clone(),
    ));
    harness.run_steps(1);
    assert!(graphml.is_file());
    let python = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, networkx as nx\ng = nx.read_graphml(sys.argv[1])\nprint(g.number_of_nodes(), sum(d['weight'] for _, _, d in g.edges(data=True)))",
            graphml.to_str().unwrap(),
        ])
        .output();
    match python {
        Ok(out) if out.status.success() => {
            let line = String::from_utf8_lossy(&out.stdout);
            let total: f64 = net
                .network
                .matrix
                .iter()
                .enumerate()
                .flat_map(|(i, row)| {
                    row.iter()
                        .enumerate()
                        .filter(move |(j, _)| *j > i)
                        .map(|(_, v)| *v)
                })
                .sum();
            let mut parts = line.split_whitespace();
            let nodes: usize = parts.next().unwrap().parse().unwrap();
            let weight: f64 = parts.next().unwrap().parse().unwrap();
            assert_eq!(nodes, net.network.rows.len(), "networkx reads every node");
            assert!(
                (weight - total).abs() < 1e-9,
                "and the weights: {weight} vs {total}"
            );
        }
        other => assert!(
            std::env::var_os("CI").is_none(),
            "python3 with networkx is needed under CI: {other:?}"
        ),
    }
    let saved = dir.path().join("energy.stance.json");
    harness.state_mut().execute(Command::SaveTo {
        path: saved.clone(),
        then: None,
    });
    run_until_idle(&mut harness);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "network",
            saved.to_str().unwrap(),
            "--nodes",
            "person",
            "--window",
            "1m",
            "--step",
            "1m",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (k, w) in net.network.windows.iter().enumerate() {
        let m: Vec<Vec<f64>> = serde_json::from_value(cli["windows"][k]["matrix"].clone()).unwrap();
        assert_eq!(m, w.matrix, "window {k}");
    }
}

/// Statistics → Over time: the imported DNA database by month as stacked bars, switched to
/// lines and to outlets; the CSV written from the window is the CLI's.
#[test]
fn the_statistics_window_shows_stance_over_time() {
    use stancemark::command::Command;
    use stancemark::ui::windows::{StatsTab, TimelineFile};
    let dir = tempfile::tempdir().unwrap();
    let dna = dir.path().join("energy.dna");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dna/energy.dna"),
        &dna,
    )
    .unwrap();
    let mut harness = harness_on(None);
    harness
        .state_mut()
        .execute(Command::ImportAnnotationsFrom(dna));
    run_until_idle(&mut harness);
    harness.state_mut().execute(Command::Statistics);
    harness.run_steps(2);
    harness.get_by_label("Over time").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().statistics().unwrap().tab,
        StatsTab::OverTime
    );
    harness.state_mut().statistics().unwrap().wait();
    harness.run_steps(3);
    let t = harness
        .state_mut()
        .statistics()
        .unwrap()
        .timeline
        .clone()
        .unwrap();
    assert_eq!(t.periods, ["2024-01", "2024-02", "2024-03", "(undated)"]);
    // The undated article is named under the table.
    harness.get_by_label_contains("counted apart as (undated): Undated leaflet");
    harness.get_by_label("lines").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().statistics().unwrap().time_chart,
        stancemark::ui::windows::TimeChart::Lines
    );
    // By outlet.
    harness.state_mut().statistics().unwrap().by =
        Some(stancemark::analysis::timeline::PeriodBy::Outlet);
    harness.run_steps(2);
    harness.state_mut().statistics().unwrap().wait();
    harness.run_steps(2);
    let t = harness
        .state_mut()
        .statistics()
        .unwrap()
        .timeline
        .clone()
        .unwrap();
    assert_eq!(t.periods, ["Daily Planet", "Energy Weekly", "(no outlet)"]);
    let csv = dir.path().join("over-time.csv");
    harness
        .state_mut()
        .execute(Command::ExportTimelineTo(TimelineFile::Csv, csv.clone()));
    harness.run_steps(1);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(written, t.to_csv().unwrap());
    assert!(
        written.contains("Daily Planet,carbon-tax,Carbon tax,6,3,3,0"),
        "{written}"
    );
}

/// The issue's path in the window: a project from the Manifesto template (File menu), an
/// article unitised with a proposed split accepted, every unit coded from the keyboard alone
/// (digits and C open the code chooser), a second coder, agreement by unit equal to the
/// command line's, and a Manifesto Corpus CSV that imports back row for row.
#[test]
fn a_manifesto_article_is_unitised_coded_from_the_keyboard_compared_and_exported() {
    use stancemark::command::Command;
    use stancemark::schemes::manifesto_id;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_on(None);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("New project from template…").click();
    harness.run_steps(2);
    harness
        .get_by_label("Manifesto Project (MARPOR, handbook version 5)")
        .click();
    harness.run_steps(1);
    harness.get_by_label("Start project").click();
    harness.run_steps(2);
    let stances = &harness.state().workspace().project().stances;
    assert!(stances.get(&manifesto_id("103.1")).is_some());
    assert!(
        stances
            .get(&stancemark::StanceId::new("regulation"))
            .is_none()
    );
    let file = dir.path().join("plan.txt");
    std::fs::write(
        &file,
        "Our Plan\n\nWe will cut taxes; we will build schools. Europe must act together.\n\nPeace\n\nWe want peace: talks, treaties, and trust. Thank you.\n",
    )
    .unwrap();
    harness.state_mut().add_article_from(&file);
    run_until_idle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Units").click();
    harness.run_steps(2);
    harness.get_by_label("Unitise article").click();
    harness.run_steps(3);
    let article = harness.state().current_article().unwrap();
    let units = |h: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>| {
        let a = h
            .state()
            .workspace()
            .project()
            .article(article)
            .unwrap()
            .clone();
        a.units
            .iter()
            .map(|u| stancemark::text::slice_chars(&a.text, u.range()).to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(units(&harness).len(), 6);
    // The units window proposes three splits; the first (after the semicolon) is accepted.
    harness.get_all_by_label("Accept").next().unwrap().click();
    harness.run_steps(3);
    assert_eq!(
        units(&harness),
        [
            "Our Plan",
            "We will cut taxes;",
            "we will build schools.",
            "Europe must act together.",
            "Peace",
            "We want peace: talks, treaties, and trust.",
            "Thank you."
        ]
    );
    // Unit by unit from the keyboard: U starts at the first unit of text.
    harness.key_press(Key::U);
    harness.run_steps(2);
    assert_eq!(harness.state().current_unit(), Some(1));
    let code = |h: &mut egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>,
                first: Key,
                rest: &str| {
        h.key_press(first);
        h.run_steps(2);
        if !rest.is_empty() {
            h.event(eframe::egui::Event::Text(rest.to_owned()));
            h.run_steps(2);
        }
        h.key_press(Key::Enter);
        h.run_steps(2);
    };
    code(&mut harness, Key::Num5, "04");
    assert_eq!(harness.state().current_unit(), Some(2));
    // Down and Up move without coding.
    harness.key_press(Key::ArrowDown);
    harness.run_steps(1);
    assert_eq!(harness.state().current_unit(), Some(3));
    harness.key_press(Key::ArrowUp);
    harness.run_steps(1);
    assert_eq!(harness.state().current_unit(), Some(2));
    code(&mut harness, Key::C, "506");
    code(&mut harness, Key::Num1, "08");
    // The heading is skipped.
    assert_eq!(harness.state().current_unit(), Some(5));
    code(&mut harness, Key::C, "peace");
    code(&mut harness, Key::Num0, "00");
    let me = harness.state().session().analyst().id;
    let codes = |h: &egui_kittest::Harness<'_, stancemark::ui::StancemarkApp>,
                 analyst: &stancemark::model::AnalystId| {
        let p = h.state().workspace().project();
        let a = p.article(article).unwrap();
        a.units
            .iter()
            .map(|u| {
                stancemark::units::code_of(p, a, analyst, u)
                    .stance()
                    .map(|s| s.to_string())
            })
            .collect::<Vec<_>>()
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        codes(&harness, &me),
        [
            None,
            some("marpor-504"),
            some("marpor-506"),
            some("marpor-108"),
            None,
            some("marpor-106"),
            some("marpor-000")
        ]
    );
    // The status bar counts, and each unit's code is written after it.
    harness.get_by_label_contains("5/5 units coded");
    let painted = painted_texts(&harness);
    assert!(painted.iter().any(|t| t == "504"), "{painted:?}");
    assert!(painted.iter().any(|t| t == "H"), "{painted:?}");
    // A second coder codes the same units (one differs).
    let mut prefs = harness.state().preferences().clone();
    prefs.annotator = "Ben".to_owned();
    harness
        .state_mut()
        .execute(Command::SetPreferences(Box::new(prefs)));
    harness.state_mut().execute(Command::GoToUnit(1));
    harness.run_steps(2);
    for (first, rest) in [
        (Key::Num5, "04"),
        (Key::Num5, "06"),
        (Key::Num1, "10"),
        (Key::Num1, "06"),
        (Key::Num0, "00"),
    ] {
        code(&mut harness, first, rest);
    }
    let project_file = dir.path().join("plan.stance.json");
    assert!(harness.state_mut().save_as(&project_file));
    // Agreement by unit in the window equals the command line's.
    harness.state_mut().execute(Command::Agreement);
    harness.run_steps(2);
    harness.get_by_label("units").click();
    harness.run_steps(2);
    harness.state_mut().agreement().unwrap().wait();
    let ben = stancemark::model::AnalystId::new("ben");
    let window_kappa = harness
        .state_mut()
        .agreement()
        .unwrap()
        .pair_value(stancemark::analysis::agreement::Measure::Kappa, &me, &ben)
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "agreement",
            project_file.to_str().unwrap(),
            "--unit",
            "unit",
            "--measure",
            "kappa",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli_kappa = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["article_id"].is_null() && r["stance_id"].is_null())
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    assert!((window_kappa - cli_kappa).abs() < 1e-12);
    // 5 units, 4 agree; chance 4/25 (each code once per coder, 108 against 110):
    // κ = (4/5 − 4/25) / (1 − 4/25) = 16/21, as scikit-learn's cohen_kappa_score gives.
    assert!((cli_kappa - 16.0 / 21.0).abs() < 1e-12, "{cli_kappa}");
    // Ben codes the last unit a second way: it counts as missing, and the window says so.
    let last = harness
        .state()
        .workspace()
        .project()
        .article(article)
        .unwrap()
        .units[6];
    harness.state_mut().execute(Command::LeaveUnitMode);
    harness.state_mut().execute(Command::Tag {
        article,
        range: last.range(),
        stance: manifesto_id("106"),
    });
    harness.run_steps(2);
    harness.state_mut().agreement().unwrap().wait();
    harness.run_steps(2);
    assert_eq!(harness.state_mut().agreement().unwrap().ambiguous.len(), 1);
    harness.get_by_label_contains("1 unit code(s) counted as missing");
    harness.state_mut().execute(Command::Undo);
    // Dana's layer as a Manifesto Corpus CSV, and back.
    harness.state_mut().execute(Command::ShowMyLayer);
    let mut prefs = harness.state().preferences().clone();
    prefs.annotator = me.to_string();
    harness
        .state_mut()
        .execute(Command::SetPreferences(Box::new(prefs)));
    let csv = dir.path().join("plan.csv");
    harness
        .state_mut()
        .export_to(stancemark::export::ExportFormat::ManifestoCsv, &csv);
    run_until_idle(&mut harness);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        written,
        "text,cmp_code,eu_code,pos\nOur Plan,H,NA,1\nWe will cut taxes;,504,NA,2\nwe will build schools.,506,NA,3\nEurope must act together.,108,NA,4\nPeace,H,NA,5\n\"We want peace: talks, treaties, and trust.\",106,NA,6\nThank you.,000,NA,7\n"
    );
    let back = dir.path().join("back");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "import",
            csv.to_str().unwrap(),
            "-o",
            back.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "export",
            dir.path().join("back.stance.json").to_str().unwrap(),
            "--format",
            "manifesto-csv",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), written);
    // Statistics → Shares of units: each of Dana's five codes is a fifth of her coded units;
    // 504 and 506 make 40 % of Welfare and Quality of Life, 108 and 106 of External Relations.
    harness.state_mut().execute(Command::Statistics);
    harness.run_steps(2);
    harness.get_by_label("Shares of units").click();
    harness.run_steps(2);
    assert_eq!(harness.get_all_by_label("20.0 %").count(), 5);
    harness.get_by_label("Welfare and Quality of Life");
    assert_eq!(harness.get_all_by_label("40.0 %").count(), 2);
}

/// Joining a coded unit with the next asks what becomes of the codes; refitting keeps one
/// code on the joined unit, and one Undo brings both units and codes back.
#[test]
fn moving_a_split_of_coded_units_asks_and_refits_in_one_undo() {
    use stancemark::command::Command;
    use stancemark::schemes::manifesto_id;
    let (_dir, mut harness) =
        harness_on_text("We will cut taxes; we will build schools. Peace matters.\n");
    harness.state_mut().execute(Command::AddTemplate(
        stancemark::schemes::Template::Manifesto,
    ));
    harness.state_mut().execute(Command::UnitiseArticle);
    harness.state_mut().execute(Command::AcceptAllSplits);
    harness.run_steps(2);
    let article = harness.state().current_article().unwrap();
    assert_eq!(
        harness
            .state()
            .workspace()
            .project()
            .article(article)
            .unwrap()
            .units
            .len(),
        3
    );
    harness.state_mut().execute(Command::GoToUnit(0));
    harness
        .state_mut()
        .execute(Command::CodeWith(manifesto_id("504")));
    harness
        .state_mut()
        .execute(Command::CodeWith(manifesto_id("506")));
    harness.state_mut().execute(Command::GoToUnit(0));
    harness.run_steps(2);
    harness.key_press(Key::J);
    harness.run_steps(2);
    harness.get_by_label_contains("2 code(s) sit on units this change removes");
    harness.get_by_label("Refit the codes").click();
    harness.run_steps(2);
    let p = harness.state().workspace().project().clone();
    let a = p.article(article).unwrap();
    assert_eq!(a.units.len(), 2);
    let codes: Vec<_> = p
        .annotations
        .iter()
        .map(|x| (x.quote.clone(), x.stance.clone()))
        .collect();
    // One code per unit: the first unit's is refitted to the joined unit, the second's goes.
    assert_eq!(
        codes,
        [(
            "We will cut taxes; we will build schools.".to_owned(),
            manifesto_id("504")
        )]
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    let p = harness.state().workspace().project().clone();
    assert_eq!(p.article(article).unwrap().units.len(), 3);
    let mut quotes: Vec<_> = p.annotations.iter().map(|x| x.quote.clone()).collect();
    quotes.sort();
    assert_eq!(quotes, ["We will cut taxes;", "we will build schools."]);
}

/// On an article with thousands of annotations the disagreements are worked out on a worker
/// thread: the frame of a change keeps the previous ones, a later frame has the new ones.
#[test]
fn disagreements_on_a_large_article_follow_a_change_from_a_worker_thread() {
    use stancemark::model::{Annotation, Article, Project, TextRange};
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..1200)
        .map(|i| format!("Passage {i:04} is here.\n"))
        .collect();
    let article = Article::new("Long", &text);
    let mut project = Project::new("team");
    let line = 22;
    for analyst in ["sample", "ben"] {
        for i in 0..1100u64 {
            let range = TextRange {
                start: i as usize * line,
                end: i as usize * line + 12,
            };
            project.push_annotation(Annotation {
                id: uuid::Uuid::from_u64_pair(u64::from(analyst == "ben"), i),
                ..Annotation::new(
                    article.id,
                    range,
                    text[range.start..range.end].to_owned(),
                    stancemark::StanceId::new("regulation"),
                    analyst,
                    Default::default(),
                )
            });
        }
    }
    project.articles.push(article.into());
    let path = dir.path().join("team.stance.json");
    stancemark::store::save_project(&project, &path).unwrap();
    let mut harness = harness_on(Some(path));
    let until_done =
        |harness: &mut egui_kittest::Harness<'static, stancemark::ui::StancemarkApp>| {
            for _ in 0..400 {
                harness.step();
                if !harness.state().article_view().disagreements().is_empty() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        };
    until_done(&mut harness);
    assert!(harness.state().article_view().disagreements().is_empty());
    // The sample's analyst takes back their passage 0500: Ben's stands alone there.
    harness
        .state_mut()
        .execute(stancemark::command::Command::DeleteAnnotation(
            uuid::Uuid::from_u64_pair(0, 500),
        ));
    harness.step();
    assert!(
        harness.state().article_view().disagreements().is_empty(),
        "the frame of the change shows the previous disagreements"
    );
    until_done(&mut harness);
    assert_eq!(
        harness.state().article_view().disagreements(),
        &[TextRange {
            start: 500 * line,
            end: 500 * line + 12
        }]
    );
}
