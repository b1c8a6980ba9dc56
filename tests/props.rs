//! Property tests: undo/redo over random command sequences, and loaders fed random or mutated
//! bytes (never a panic; every failure is an error value).

use std::path::Path;

use proptest::prelude::*;
use stancemark::export::{Export, ExportFormat, project_from_json_export};
use stancemark::model::{Article, Rgb, TextRange};
use stancemark::store;
use stancemark::workspace::{SteppingClock, Workspace};

fn sample_bytes() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
    )
    .unwrap()
}

/// The sample in the older RON format (format 2), which must still load.
fn legacy_sample_bytes() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2-open-source-ai.stance.ron"),
    )
    .unwrap()
}

/// `bytes` with each edit applied: overwrite, insert, or cut the file short at a position.
fn mutate(mut bytes: Vec<u8>, edits: Vec<(usize, u8, u8)>) -> Vec<u8> {
    for (at, byte, kind) in edits {
        let at = at % bytes.len();
        match kind {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ => bytes.truncate(at.max(1)),
        }
    }
    bytes
}

/// One analyst action with random arguments (indices are taken modulo what exists).
#[derive(Debug, Clone)]
enum Op {
    Annotate(usize, usize, usize, usize),
    Delete(usize),
    Restance(usize, usize),
    Note(usize, String),
    AddArticle(String),
    RemoveArticle(usize),
    RenameArticle(usize, String),
    AddStance(String),
    RemoveStance(usize),
    RenameStance(usize, String),
    EditText(usize, usize, String),
}

fn op() -> impl Strategy<Value = Op> {
    let word = "[a-zé北🙂 ]{1,12}";
    prop_oneof![
        4 => (any::<usize>(), any::<usize>(), 1usize..40, any::<usize>()).prop_map(|(a, s, l, st)| Op::Annotate(a, s, l, st)),
        2 => any::<usize>().prop_map(Op::Delete),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, s)| Op::Restance(a, s)),
        1 => (any::<usize>(), word).prop_map(|(a, n)| Op::Note(a, n)),
        1 => word.prop_map(Op::AddArticle),
        1 => any::<usize>().prop_map(Op::RemoveArticle),
        1 => (any::<usize>(), word).prop_map(|(a, t)| Op::RenameArticle(a, t)),
        1 => word.prop_map(Op::AddStance),
        1 => any::<usize>().prop_map(Op::RemoveStance),
        1 => (any::<usize>(), word).prop_map(|(a, t)| Op::RenameStance(a, t)),
        1 => (any::<usize>(), any::<usize>(), word).prop_map(|(a, at, t)| Op::EditText(a, at, t)),
    ]
}

/// Applies an op; returns whether it changed the project (one undo step).
fn apply(ws: &mut Workspace, op: &Op) -> bool {
    let p = ws.project().clone();
    let listed = p.annotations.to_vec();
    let pick = |n: usize, len: usize| if len == 0 { None } else { Some(n % len) };
    match op {
        Op::Annotate(a, s, l, st) => {
            let (Some(a), Some(st)) = (pick(*a, p.articles.len()), pick(*st, p.stances.0.len()))
            else {
                return false;
            };
            let art = &p.articles[a];
            let len = art.char_len();
            if len == 0 {
                return false;
            }
            let start = s % len;
            let range = TextRange {
                start,
                end: (start + l).min(len),
            };
            ws.add_annotation(art.id, range, &p.stances.0[st].id, "")
                .is_ok()
        }
        Op::Delete(i) => pick(*i, p.annotations.len())
            .is_some_and(|i| ws.delete_annotation(listed[i].id).is_ok()),
        Op::Restance(i, s) => match (pick(*i, p.annotations.len()), pick(*s, p.stances.0.len())) {
            (Some(i), Some(s)) if listed[i].stance != p.stances.0[s].id => ws
                .set_annotation_stance(listed[i].id, &p.stances.0[s].id)
                .is_ok(),
            _ => false,
        },
        Op::Note(i, n) => match pick(*i, p.annotations.len()) {
            Some(i) if &listed[i].note != n => ws.set_annotation_note(listed[i].id, n).is_ok(),
            _ => false,
        },
        Op::AddArticle(t) => ws
            .add_article(Article::new(
                t.clone(),
                &format!("{t} — body text about {t}.\nSecond line 🙂."),
            ))
            .is_ok(),
        Op::RemoveArticle(i) => {
            pick(*i, p.articles.len()).is_some_and(|i| ws.remove_article(p.articles[i].id).is_ok())
        }
        Op::RenameArticle(i, t) => match pick(*i, p.articles.len()) {
            Some(i) if &p.articles[i].title != t => ws.rename_article(p.articles[i].id, t).is_ok(),
            _ => false,
        },
        Op::AddStance(t) => ws.add_stance(t, Rgb([1, 2, 3])).is_ok(),
        Op::RemoveStance(i) => pick(*i, p.stances.0.len())
            .is_some_and(|i| ws.remove_stance(&p.stances.0[i].id.clone()).is_ok()),
        Op::RenameStance(i, t) => match pick(*i, p.stances.0.len()) {
            Some(i) if p.stances.0[i].label != t.trim() && !t.trim().is_empty() => {
                ws.rename_stance(&p.stances.0[i].id, t).is_ok()
            }
            _ => false,
        },
        Op::EditText(i, at, t) => {
            let Some(i) = pick(*i, p.articles.len()) else {
                return false;
            };
            let art = &p.articles[i];
            let chars: Vec<char> = art.text.chars().collect();
            let at = at % (chars.len() + 1);
            let new: String = chars[..at]
                .iter()
                .chain(t.chars().collect::<Vec<_>>().iter())
                .chain(chars[at..].iter())
                .collect();
            ws.set_article_text(art.id, &new).is_ok()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn n_commands_then_n_undos_restore_the_start_and_redo_restores_the_end(ops in prop::collection::vec(op(), 1..40)) {
        let start = store::load_project(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json")).unwrap();
        let mut ws = Workspace::new(start.clone(), Box::new(SteppingClock::default()));
        let mut steps = 0;
        for op in &ops {
            if apply(&mut ws, op) {
                steps += 1;
            }
            prop_assert!(ws.project().validate().is_empty(), "{:?}", ws.project().validate());
        }
        let end = ws.project().clone();
        for _ in 0..steps {
            prop_assert!(ws.undo().unwrap().is_some());
        }
        prop_assert!(ws.undo().unwrap().is_none());
        prop_assert_eq!(ws.project(), &start);
        for _ in 0..steps {
            prop_assert!(ws.redo().unwrap().is_some());
        }
        prop_assert_eq!(ws.project(), &end);
    }

    #[test]
    fn project_loader_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = store::decode_utf8(Path::new("x"), bytes.clone()).map_err(store::LoadError::from).and_then(|s| store::parse_project(Path::new("x"), &s));
    }

    #[test]
    fn project_loader_never_panics_on_mutated_project_files(
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..12),
        legacy in any::<bool>(),
    ) {
        let original = if legacy { legacy_sample_bytes() } else { sample_bytes() };
        let bytes = mutate(original, edits);
        if let Ok(text) = store::decode_utf8(Path::new("x"), bytes)
            && let Ok(p) = store::parse_project(Path::new("x"), &text)
        {
            // Whatever loads is sound.
            prop_assert!(p.validate().is_empty());
        }
    }

    #[test]
    fn json_export_reimport_never_panics_on_mutations(
        edits in prop::collection::vec((any::<usize>(), any::<char>()), 1..8)
    ) {
        let project = store::load_project(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json")).unwrap();
        let json = Export::from_project(&project).to_string(ExportFormat::Json).unwrap();
        let mut chars: Vec<char> = json.chars().collect();
        for (at, c) in edits {
            let at = at % chars.len();
            chars[at] = c;
        }
        let mutated: String = chars.into_iter().collect();
        if let Ok(p) = project_from_json_export(Path::new("x.json"), &mutated) {
            prop_assert!(p.validate().is_empty());
        }
    }

    #[test]
    fn article_import_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(imported) = stancemark::import::import_article(&path) {
            prop_assert!(!imported.article.text.contains('\r'));
        }
    }
}

#[test]
fn json_export_round_trips_to_the_same_project() {
    let project = store::load_project(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
    )
    .unwrap();
    let json = Export::from_project(&project)
        .to_string(ExportFormat::Json)
        .unwrap();
    let back = project_from_json_export(Path::new("x.json"), &json).unwrap();
    assert_eq!(back, project);
}

fn fixture_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// Imports `bytes` as a file named `name`: an article or an error naming the file, never a
/// panic; an imported text has LF line ends only.
fn import_mutated(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    match stancemark::import::import_article(&path) {
        Ok(imported) => {
            prop_assert!(!imported.article.text.contains('\r'));
            prop_assert!(!imported.article.text.trim().is_empty());
        }
        Err(e) => prop_assert!(e.to_string().contains(name), "{e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_of_every_format_import_or_fail_cleanly(
        which in 0usize..5,
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let (name, rel) = [
            ("a.pdf", "tests/fixtures/import/two-column.pdf"),
            ("a.docx", "tests/fixtures/import/brief.docx"),
            ("a.odt", "tests/fixtures/import/brief.odt"),
            ("a.html", "tests/fixtures/web-pages/lwn-1/source.html"),
            ("a.md", "tests/data/eu-ai-act-2024-1689.md"),
        ][which];
        let bytes = mutate(fixture_bytes(rel), edits);
        import_mutated(name, &bytes)?;
    }

    #[test]
    fn mutated_annotation_files_are_read_or_refused_cleanly(
        which in 0usize..3,
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let project = store::load_project(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
        )
        .unwrap();
        let format = [ExportFormat::Qdpx, ExportFormat::W3c, ExportFormat::Csv][which];
        let bytes = stancemark::export::export_bytes(&project, format, None).unwrap();
        let bytes = mutate(bytes, edits);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("in.{}", format.extension()));
        std::fs::write(&path, &bytes).unwrap();
        if format == ExportFormat::Qdpx {
            if let Ok(read) = stancemark::exchange::read_new_project(&path) {
                prop_assert!(read.project.validate().is_empty(), "{:?}", read.project.validate());
            }
        } else if let Ok(records) = stancemark::exchange::read_incoming(&path) {
            let mut ws = Workspace::new(project.clone(), Box::new(SteppingClock::default()));
            ws.group("clear", |ws| {
                for id in ws.project().annotations.iter().map(|a| a.id).collect::<Vec<_>>() {
                    ws.delete_annotation(id).unwrap();
                }
            });
            stancemark::exchange::import_into(&mut ws, &records);
            prop_assert!(ws.project().validate().is_empty());
            for a in ws.project().annotations.iter().filter(|a| !a.orphaned) {
                let text = &ws.project().article(a.article).unwrap().text;
                prop_assert_eq!(stancemark::text::slice_chars(text, a.range), a.quote.as_str());
            }
        }
    }
}
