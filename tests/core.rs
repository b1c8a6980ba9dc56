//! Core behaviour without a window: offsets, files, export.

use std::fs;
use std::path::{Path, PathBuf};

use stancemark::export::{Export, ExportFormat};
use stancemark::import;
use stancemark::model::{Article, Project, StanceId, TextRange};
use stancemark::session::{Session, SessionOptions};
use stancemark::store::{self, LoadError, ReadError};
use stancemark::workspace::{SteppingClock, Workspace};

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json")
}

/// The sample project as it was saved in format 2 (RON).
fn legacy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2-open-source-ai.stance.ron")
}

/// Accents, combining marks, CJK, emoji (incl. ZWJ sequences and flags), RTL, CRLF input.
const MULTILINGUAL: &str = "Café déjà vu — naïve coöperation.\r\n\
北京市的开源人工智能政策 🙂 很重要。\r\n\
Family: 👩‍👩‍👧 flag: 🇪🇺 — e\u{301}tude.\r\n\
مرحبا بالعالم and back to English.\n";

fn workspace_with(text: &str) -> (Workspace, stancemark::model::ArticleId) {
    let mut ws = Workspace::new(Project::new("u"), Box::new(SteppingClock::default()));
    ws.set_analyst_name("tester");
    let id = ws.add_article(Article::new("multilingual", text)).unwrap();
    (ws, id)
}

fn char_range_of(text: &str, needle: &str) -> TextRange {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let start = text[..byte].chars().count();
    TextRange {
        start,
        end: start + needle.chars().count(),
    }
}

#[test]
fn offsets_are_code_points_on_multilingual_text() {
    let (mut ws, art) = workspace_with(MULTILINGUAL);
    let text = ws.project().article(art).unwrap().text.clone();
    assert!(!text.contains('\r'), "newlines are normalised on import");
    let passages = [
        ("déjà vu", "regulation"),
        ("开源人工智能", "pro-open-source"),
        ("🙂 很重要", "security"),
        ("👩‍👩‍👧 flag: 🇪🇺", "regulation"),
        ("e\u{301}tude", "security"),
        ("مرحبا بالعالم", "pro-open-source"),
        ("naïve coöperation.\n北京", "regulation"), // crosses a line
    ];
    for (passage, stance) in passages {
        let range = char_range_of(&text, passage);
        let id = ws
            .add_annotation(art, range, &StanceId::new(stance), "")
            .unwrap();
        let ann = ws.project().annotation(id).unwrap();
        assert_eq!(ann.quote, passage);
        let by_chars: String = text.chars().skip(range.start).take(range.len()).collect();
        assert_eq!(by_chars, passage);
    }
    let export = Export::from_project(ws.project());
    for rec in &export.annotations {
        let article_text = &export.articles[0].text;
        let (start, end) = (rec.start.unwrap(), rec.end.unwrap());
        let slice: String = article_text.chars().skip(start).take(end - start).collect();
        assert_eq!(slice, rec.quote);
    }
}

#[test]
fn python_slicing_of_the_json_export_matches_every_quote() {
    let (mut ws, art) = workspace_with(MULTILINGUAL);
    let text = ws.project().article(art).unwrap().text.clone();
    for passage in [
        "Café",
        "北京市",
        "🙂",
        "👩‍👩‍👧",
        "🇪🇺",
        "e\u{301}tude",
        "بالعالم",
    ] {
        ws.add_annotation(
            art,
            char_range_of(&text, passage),
            &StanceId::new("security"),
            "n",
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("export.json");
    fs::write(
        &json,
        Export::from_project(ws.project())
            .to_string(ExportFormat::Json)
            .unwrap(),
    )
    .unwrap();
    let script = r#"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
texts = {a["id"]: a["text"] for a in d["articles"]}
n = 0
for r in d["annotations"]:
    assert texts[r["article_id"]][r["start"]:r["end"]] == r["quote"], r
    n += 1
print(n)
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&json)
        .output()
        .expect("python3 is needed for this test (see .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "7");
}

#[test]
fn save_then_reopen_gives_the_same_project() {
    let (mut ws, art) = workspace_with(MULTILINGUAL);
    let text = ws.project().article(art).unwrap().text.clone();
    let id = ws
        .add_annotation(
            art,
            char_range_of(&text, "北京市"),
            &StanceId::new("regulation"),
            "",
        )
        .unwrap();
    ws.set_annotation_note(id, "note with \"quotes\", newlines\nand emoji 🙂")
        .unwrap();
    ws.add_stance("Economy", stancemark::model::Rgb([1, 2, 3]))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.stance.json");
    store::save_project(ws.project(), &path).unwrap();
    let reopened = store::load_project(&path).unwrap();
    assert_eq!(&reopened, ws.project());
}

#[test]
fn the_sample_project_loads_and_every_quote_matches() {
    let project = store::load_project(&sample_path()).unwrap();
    assert_eq!(project.articles.len(), 1);
    assert_eq!(project.annotations.len(), 12);
    for stance in ["pro-open-source", "regulation", "security"] {
        assert!(
            project.stance_usage(&StanceId::new(stance)) >= 2,
            "{stance}"
        );
    }
    assert!(project.validate().is_empty());
}

#[test]
fn export_records_equal_the_project() {
    let project = store::load_project(&sample_path()).unwrap();
    let export = Export::from_project(&project);
    assert_eq!(export.format, "stancemark-export");
    assert_eq!(export.annotations.len(), project.annotations.len());
    assert_eq!(export.articles[0].text, project.articles[0].text);
    for rec in &export.annotations {
        let ann = project
            .annotations
            .iter()
            .find(|a| a.id.to_string() == rec.id)
            .unwrap();
        let article = project.article(ann.article).unwrap();
        assert_eq!(rec.article_id, article.id.to_string());
        assert_eq!(rec.article_title, article.title);
        assert_eq!(rec.stance_id, ann.stance.as_str());
        assert_eq!(
            rec.stance_label,
            project.stances.get(&ann.stance).unwrap().label
        );
        let expected = if ann.orphaned {
            (None, None)
        } else {
            (Some(ann.range.start), Some(ann.range.end))
        };
        assert_eq!((rec.start, rec.end), expected);
        assert_eq!(rec.orphaned, ann.orphaned);
        assert_eq!(rec.quote, ann.quote);
        assert_eq!(rec.note, ann.note);
        assert_eq!(rec.annotator, project.analyst_name(&ann.analyst));
        assert_eq!(rec.analyst_id.as_deref(), Some(ann.analyst.as_str()));
        assert_eq!(rec.created, ann.created.to_rfc3339());
        assert_eq!(rec.modified, ann.modified.to_rfc3339());
    }
    // Sorted by start within the article.
    assert!(
        export
            .annotations
            .windows(2)
            .all(|w| w[0].start <= w[1].start)
    );
    // JSON and RON carry the same value.
    let json: Export =
        serde_json::from_str(&export.to_string(ExportFormat::Json).unwrap()).unwrap();
    let ron: Export = ron::from_str(&export.to_string(ExportFormat::Ron).unwrap()).unwrap();
    assert_eq!(json, export);
    assert_eq!(ron, export);
}

fn assert_load_fails_and_file_untouched(bytes: &[u8], check: impl Fn(&LoadError) -> bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.stance.json");
    fs::write(&path, bytes).unwrap();
    let err = store::load_project(&path).unwrap_err();
    assert!(check(&err), "unexpected error: {err}");
    assert!(err.to_string().contains("broken.stance.json"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), bytes, "the file must not change");
    // A session cannot be opened on it either.
    assert!(Session::open_blocking(&path, SessionOptions::inline()).is_err());
}

#[test]
fn truncated_project_gives_a_parse_error_with_line() {
    let good = fs::read_to_string(sample_path()).unwrap();
    let cut = &good.as_bytes()[..good.len() * 2 / 3];
    assert_load_fails_and_file_untouched(
        cut,
        |e| matches!(e, LoadError::Parse { line, .. } if *line > 1),
    );
}

#[test]
fn corrupt_project_errors_name_the_problem() {
    assert_load_fails_and_file_untouched(b"this is not a project", |e| {
        matches!(e, LoadError::Parse { .. })
    });
    assert_load_fails_and_file_untouched(b"", |e| {
        matches!(e, LoadError::Read(ReadError::Empty { .. }))
    });
    assert_load_fails_and_file_untouched(
        b"(format_version: 1, project: (name: \"x\", \xff))",
        |e| matches!(e, LoadError::Read(ReadError::NotUtf8 { line: 1, .. })),
    );
    let good = fs::read_to_string(sample_path()).unwrap();
    // Wrong type: a string where the list of articles belongs.
    let wrong = good.replacen("\"articles\": [", "\"articles\": \"oops\", \"_x\": [", 1);
    assert_load_fails_and_file_untouched(wrong.as_bytes(), |e| {
        matches!(e, LoadError::Parse { .. })
    });
    // A range past the end of its article.
    let outside = good.replacen("\"end\": 317", "\"end\": 99999", 1);
    assert_load_fails_and_file_untouched(
        outside.as_bytes(),
        |e| matches!(e, LoadError::Invalid { problems, .. } if problems.iter().any(|p| p.contains("258..99999"))),
    );
    // A stored quote (only orphans need one) that does not match its article.
    let tampered = good.replacen(
        "\"stance\": \"regulation\"",
        "\"quote\": \"Washingtom\", \"stance\": \"regulation\"",
        1,
    );
    assert_load_fails_and_file_untouched(
        tampered.as_bytes(),
        |e| matches!(e, LoadError::Invalid { problems, .. } if problems.iter().any(|p| p.contains("Washingtom"))),
    );
    // In the older RON format the quote is always stored, and checked.
    let legacy = fs::read_to_string(legacy_path()).unwrap();
    let tampered = legacy.replacen("quote: \"Washington", "quote: \"Washingtom", 1);
    assert_load_fails_and_file_untouched(
        tampered.as_bytes(),
        |e| matches!(e, LoadError::Invalid { problems, .. } if problems.iter().any(|p| p.contains("Washingtom"))),
    );
    // An unknown stance.
    let unknown = good.replacen("\"stance\": \"security\"", "\"stance\": \"economy\"", 1);
    assert_load_fails_and_file_untouched(unknown.as_bytes(), |e| {
        e.to_string().contains("unknown stance `economy`")
    });
}

#[test]
fn future_version_is_refused_and_never_overwritten() {
    let good = fs::read_to_string(sample_path()).unwrap();
    let future = good.replacen(
        &format!("\"format_version\": {}", store::FORMAT_VERSION),
        "\"format_version\": 99",
        1,
    );
    assert_load_fails_and_file_untouched(future.as_bytes(), |e| {
        matches!(
            e,
            LoadError::FutureVersion {
                found: 99,
                supported: store::FORMAT_VERSION,
                ..
            }
        ) && e.to_string().contains("newer stancemark")
    });
    // A newer file whose body this version cannot even parse is still named as newer.
    let next = store::FORMAT_VERSION + 1;
    for body in [
        format!("{{\"format_version\": {next}, \"project\": {{\"shape\": [\"new\"]}}}}"),
        format!("(format_version: {next}, project: (shape: [\"new\"]))"),
    ] {
        assert_load_fails_and_file_untouched(
            body.as_bytes(),
            |e| matches!(e, LoadError::FutureVersion { found, .. } if *found == next),
        );
    }
}

#[test]
fn failed_save_leaves_the_previous_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.stance.json");
    let project = store::load_project(&sample_path()).unwrap();
    store::save_project(&project, &path).unwrap();
    let before = fs::read(&path).unwrap();
    // A folder where the temporary file must go: creating it fails, even as root (CI runs
    // as root, who ignores permissions).
    let tmp = store::atomic::temp_path_for(&path);
    fs::create_dir(&tmp).unwrap();
    fs::write(tmp.join("keep"), b"x").unwrap();
    assert!(store::save_project(&Project::new("other"), &path).is_err());
    assert_eq!(fs::read(&path).unwrap(), before);
    fs::remove_dir_all(&tmp).unwrap();
    // A non-empty folder where the backup must go: the write is complete but cannot be put
    // in place; the old file stays, and no temporary is left.
    let bak = store::atomic::backup_path_for(&path);
    fs::create_dir(&bak).unwrap();
    fs::write(bak.join("keep"), b"x").unwrap();
    assert!(store::save_project(&Project::new("other"), &path).is_err());
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!tmp.exists(), "the temporary file is removed");
    fs::remove_dir_all(&bak).unwrap();
    // And, where permissions apply (not as root), a read-only folder.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.path().join("probe");
    if fs::write(&probe, b"x").is_err() {
        assert!(store::save_project(&Project::new("other"), &path).is_err());
        assert_eq!(fs::read(&path).unwrap(), before);
    } else {
        let _ = fs::remove_file(&probe);
        println!("running as root: the read-only folder case is covered by the two above");
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let missing = dir.path().join("no/such/dir/p.stance.json");
    assert!(store::save_project(&project, &missing).is_err());
}

#[test]
fn import_reads_latin1_with_a_warning_and_refuses_empty_and_huge_files() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.txt");
    fs::write(
        &latin1,
        b"Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e et th\xe9\n",
    )
    .unwrap();
    let imported = import::import_article(&latin1).unwrap();
    assert_eq!(imported.article.text, "Café au lait, crème brûlée et thé\n");
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.contains("not UTF-8") && w.contains("windows-1252")),
        "{:?}",
        imported.warnings
    );
    let empty = dir.path().join("empty.md");
    fs::write(&empty, b"").unwrap();
    assert!(matches!(
        import::import_article(&empty),
        Err(import::ImportError::Read(ReadError::Empty { .. }))
    ));
    let huge = dir.path().join("huge.txt");
    let f = fs::File::create(&huge).unwrap();
    f.set_len(store::MAX_ARTICLE_BYTES + 1).unwrap();
    assert!(matches!(
        import::import_article(&huge),
        Err(import::ImportError::Read(ReadError::TooLarge { .. }))
    ));
    assert!(
        import::import_article(dir.path()).is_err(),
        "a folder is not an article"
    );
}

#[test]
fn the_long_regulation_imports_with_consistent_offsets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eu-ai-act-2024-1689.md");
    let article = import::import_article(&path).unwrap().article;
    // Rendered: markup gone, one line per paragraph, heading or list item.
    assert!(article.text.len() > 590_000);
    assert!(
        article
            .text
            .starts_with("Title and Introduction\nOfficial Journal of the European Union\n")
    );
    // (Tab-indented lines are code blocks in CommonMark, kept verbatim with their `**`.)
    for needle in ["\n\n", "\n# ", "\n## "] {
        if let Some(at) = article.text.find(needle) {
            panic!(
                "{needle:?} at {:?}",
                &article.text[at.saturating_sub(80)..at + 80]
            );
        }
    }
    let idx = stancemark::text::ParagraphIndex::new(&article.text);
    assert!(idx.len() > 2_500);
    let total: usize = idx.paragraphs.iter().map(|p| p.char_len + 1).sum::<usize>() - 1;
    assert_eq!(total, article.char_len());
}

#[test]
fn editing_the_article_text_re_anchors_annotations_and_orphans_the_lost_ones() {
    let project = store::load_project(&sample_path()).unwrap();
    let mut ws = Workspace::new(project, Box::new(SteppingClock::default()));
    let article = ws.project().articles[0].clone();
    let before = ws.project().clone();
    // Insert a paragraph at the top, fix a typo-like change inside one passage, delete another.
    let new_text = format!("Editor's note: updated. 🙂\n{}", article.text)
        .replace("growing rapidly", "growing very rapidly")
        .replace(
            "That foundation has generated over $8 trillion in economic value, ",
            "",
        );
    let orphans = ws.set_article_text(article.id, &new_text).unwrap();
    assert_eq!(orphans, 1);
    let p = ws.project();
    assert_eq!(p.article(article.id).unwrap().text, new_text);
    for ann in &p.annotations {
        if ann.orphaned {
            assert!(ann.quote.starts_with("That foundation"), "{}", ann.quote);
            continue;
        }
        let slice: String = new_text
            .chars()
            .skip(ann.range.start)
            .take(ann.range.len())
            .collect();
        assert_eq!(slice, ann.quote);
    }
    let washington = p
        .annotations
        .iter()
        .find(|a| a.quote.starts_with("Washington"))
        .unwrap();
    assert_eq!(
        washington.quote,
        "Washington's appetite for AI regulation is growing very rapidly."
    );
    assert!(p.validate().is_empty(), "{:?}", p.validate());

    // The orphan can be re-attached to a passage the analyst selects.
    let orphan = p.annotations.iter().find(|a| a.orphaned).unwrap().id;
    let range = {
        let byte = new_text.find("according to the authors").unwrap();
        let start = new_text[..byte].chars().count();
        TextRange {
            start,
            end: start + "according to the authors".chars().count(),
        }
    };
    ws.reattach_annotation(orphan, range).unwrap();
    let ann = ws.project().annotation(orphan).unwrap();
    assert!(!ann.orphaned);
    assert_eq!(ann.quote, "according to the authors");

    // Undo twice gives back the original text and annotations exactly.
    ws.undo().unwrap().unwrap();
    ws.undo().unwrap().unwrap();
    assert_eq!(ws.project(), &before);
}

/// Breaks two annotations of `good` (by the two replacements), then checks both are reported
/// with the line of their record and can be set aside, the file staying untouched.
fn check_broken_annotations_are_set_aside(good: &str, file_name: &str, breaks: [(&str, &str); 2]) {
    let tampered = breaks
        .iter()
        .fold(good.to_owned(), |t, (from, to)| t.replacen(from, to, 1));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file_name);
    fs::write(&path, &tampered).unwrap();

    let err = store::load_project(&path).unwrap_err();
    let LoadError::Invalid { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    let line_of = |needle: &str| {
        1 + tampered[..tampered.find(needle).unwrap()]
            .matches('\n')
            .count()
    };
    // Each message names the line where the broken annotation starts (its id line).
    for p in problems {
        assert!(p.starts_with("line "), "{p}");
        let line: usize = p["line ".len()..p.find(':').unwrap()].parse().unwrap();
        assert!(
            breaks
                .iter()
                .any(|(_, to)| line < line_of(to) && line + 12 > line_of(to)),
            "{p}"
        );
    }

    let salvaged = store::load_project_salvaging(&path).unwrap();
    assert_eq!(salvaged.project.annotations.len(), 10);
    assert_eq!(salvaged.set_aside.len(), 2);
    assert!(salvaged.project.validate().is_empty());
    let report = store::write_set_aside(&path, &salvaged).unwrap();
    let text = fs::read_to_string(report).unwrap();
    for (_, to) in breaks {
        let marker = to.split('"').rfind(|s| s.len() > 3).unwrap();
        assert!(text.contains(marker), "{marker} not in the report");
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        tampered,
        "the file is untouched"
    );

    // A syntax error cannot be salvaged this way: the error stays an error.
    fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(store::load_project_salvaging(&path).is_err());
}

#[test]
fn broken_annotations_are_named_by_line_and_can_be_set_aside() {
    check_broken_annotations_are_set_aside(
        &fs::read_to_string(sample_path()).unwrap(),
        "t.stance.json",
        [
            ("\"end\": 317", "\"end\": 99999"),
            ("\"stance\": \"security\"", "\"stance\": \"economy\""),
        ],
    );
}

#[test]
fn broken_annotations_of_an_older_ron_file_can_be_set_aside() {
    check_broken_annotations_are_set_aside(
        &fs::read_to_string(legacy_path()).unwrap(),
        "t.stance.ron",
        [
            ("quote: \"Washington", "quote: \"Washingtom"),
            ("stance: \"security\"", "stance: \"economy\""),
        ],
    );
}

#[test]
fn rejected_suggestions_are_kept_moved_with_their_text_and_not_offered_again() {
    use stancemark::jobs::Progress;
    use stancemark::search::SearchOptions;
    use stancemark::suggest::{from_pattern, phrase_pattern};
    let text = "Open weights help. Data matters. More data, more risk.";
    let (mut ws, article) = workspace_with(text);
    let security = StanceId::new("security");
    let pattern = phrase_pattern("data", SearchOptions::default())
        .unwrap()
        .unwrap();
    let suggest = |ws: &Workspace| {
        from_pattern(
            ws.project(),
            &pattern,
            &security,
            false,
            &Progress::default(),
        )
        .unwrap()
    };
    let first = suggest(&ws);
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.rejected_before, 0);

    // Rejecting both is one undoable step; a second rejection of the same passage adds nothing.
    assert_eq!(ws.reject_suggestions(&first.items), 2);
    assert_eq!(ws.reject_suggestions(&first.items[..1]), 0);
    assert_eq!(ws.undo_label(), Some("reject 2 suggestions"));
    assert_eq!(ws.project().rejections.len(), 2);
    assert_eq!(
        ws.project().rejections.first().unwrap().analyst.as_str(),
        "tester"
    );
    let again = suggest(&ws);
    assert!(again.items.is_empty());
    assert_eq!(again.rejected_before, 2);
    // With another stance the passages are offered: the rejection was of that stance.
    let regulation = from_pattern(
        ws.project(),
        &pattern,
        &StanceId::new("regulation"),
        false,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(regulation.items.len(), 2);
    ws.undo().unwrap();
    assert!(ws.project().rejections.is_empty());
    ws.redo().unwrap();
    assert_eq!(ws.project().rejections.len(), 2);

    // Editing the text moves a rejection with its passage and drops one whose passage is gone.
    let edited = "Preface. Open weights help. Data matters. More risk.";
    ws.set_article_text(article, edited).unwrap();
    let kept = ws.project().rejections.to_vec();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].range, char_range_of(edited, "Data"));
    assert_eq!(kept[0].quote, "Data");
    ws.undo().unwrap();
    let ranges: Vec<_> = ws.project().rejections.iter().map(|r| r.range).collect();
    assert!(ranges.contains(&first.items[1].range), "{ranges:?}");

    // Removing the article removes its rejections; undo brings both back.
    ws.remove_article(article).unwrap();
    assert!(ws.project().rejections.is_empty());
    ws.undo().unwrap();
    assert_eq!(ws.project().rejections.len(), 2);

    // Forgetting them all is one step too; then the passages are offered again.
    assert_eq!(ws.clear_rejections().unwrap(), 2);
    assert_eq!(ws.undo_label(), Some("forget rejected suggestions"));
    assert_eq!(suggest(&ws).items.len(), 2);
    ws.undo().unwrap();
    assert_eq!(ws.project().rejections.len(), 2);
    assert_eq!(
        ws.project().rejections.first().unwrap().range,
        first.items[0].range
    );
}

/// Every `.rs` file under `src/<dir>`, with its code lines (comments and doc comments left out).
fn code_lines_under(dir: &str) -> Vec<(PathBuf, usize, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(dir),
        &mut files,
    );
    assert!(!files.is_empty(), "no sources under src/{dir}");
    let mut lines = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") {
                lines.push((file.clone(), n + 1, code.to_owned()));
            }
        }
    }
    lines
}

/// Whether `code` names `name` as a path of its own (`prefs::` does not name `fs::`).
fn names(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The layers of `src/` as the README draws them: the core imports neither analysis, storage,
/// formats, import, session, UI nor CLI; the UI and the CLI reach files only through the session.
#[test]
fn the_core_stands_alone_and_only_the_session_touches_files() {
    assert!(names("let bytes = std::fs::read(path)?;", "fs::"));
    assert!(names("use crate::storage::lock;", "crate::storage"));
    assert!(!names("use crate::session::prefs::Theme;", "fs::"));
    let outer = [
        "crate::analysis",
        "crate::storage",
        "crate::store",
        "crate::formats",
        "crate::import",
        "crate::session",
        "crate::ui",
        "crate::cli",
        "egui",
        "std::fs",
    ];
    let mut offences = Vec::new();
    for (file, line, code) in code_lines_under("core") {
        if let Some(name) = outer.iter().find(|name| names(&code, name)) {
            offences.push(format!("{}:{line}: core uses {name}", file.display()));
        }
    }
    let file_access = [
        "storage::",
        "crate::store::",
        "crate::prefs::",
        "crate::recovery::",
        "exchange::",
        "crate::import::",
        "fs::",
        "File::",
        "OpenOptions",
    ];
    for dir in ["ui", "cli"] {
        for (file, line, code) in code_lines_under(dir) {
            if let Some(name) = file_access.iter().find(|name| names(&code, name)) {
                offences.push(format!(
                    "{}:{line}: {dir} reaches files past the session ({name})",
                    file.display()
                ));
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}
