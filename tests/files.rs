//! Versioned project files: every fixture of every format version loads (older ones migrate).

use std::path::Path;

use stancemark::session::{Session, SessionOptions};
use stancemark::store::{self, FORMAT_VERSION};

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".stance.ron") || name.ends_with(".stance.json")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn there_is_a_fixture_for_every_format_version() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for v in 1..=FORMAT_VERSION {
        assert!(
            names.iter().any(|n| n.starts_with(&format!("v{v}-"))),
            "no fixture for format version {v} in {names:?}"
        );
    }
}

/// Format 9 added actors and positions: a format 8 file opens without them (the default actor
/// types), and the sample's actors, positions and articles' DNA fields survive both forms.
#[test]
fn format_8_opens_without_actors_and_actors_survive_both_forms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let old = store::load_project(&dir.join("v8-sample.stance.json")).unwrap();
    assert!(old.actors.actors.is_empty());
    assert_eq!(
        old.actors.types,
        stancemark::actors::ActorBook::default().types
    );
    assert!(
        old.annotations
            .iter()
            .all(|a| a.actor.is_none() && a.position.is_none())
    );
    let mut project = store::load_project(&dir.join("v9-sample.stance.json")).unwrap();
    let xu = project.actors.find("Xu").unwrap().clone();
    assert_eq!(xu.name, "Kevin Xu");
    assert_eq!(
        project.actors.organisation_level(&xu.id).as_str(),
        "interconnected"
    );
    let by_xu = project
        .annotations
        .iter()
        .filter(|a| a.actor.as_ref() == Some(&xu.id))
        .count();
    assert_eq!(by_xu, 6);
    project.actors.scale = Some(stancemark::actors::PositionScale { min: -2, max: 2 });
    project.actors.types.push("think tank".to_owned());
    let article = std::sync::Arc::make_mut(&mut project.articles[0]);
    article.meta.section = Some("Opinion".to_owned());
    article.meta.kind = Some("op-ed".to_owned());
    article.meta.notes = Some("Summary of an op-ed".to_owned());
    article.meta.date = Some("2025-09-01".to_owned());
    let out = tempfile::tempdir().unwrap();
    for name in ["p.stance.json", "p.stance"] {
        let path = out.path().join(name);
        store::save_any(&project, &path, None).unwrap();
        let back = store::load_any(&path).unwrap();
        assert!(back.problems.is_empty(), "{name}: {:?}", back.problems);
        assert_eq!(back.project, project, "{name}");
    }
}

/// Format 10 added codebooks and units: a format 9 file opens without codes or units, and the
/// Manifesto fixture's codes, groups and units (headings too) survive both forms.
#[test]
fn format_9_opens_without_codes_or_units_and_units_survive_both_forms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let old = store::load_project(&dir.join("v9-sample.stance.json")).unwrap();
    assert!(old.stances.0.iter().all(|s| s.code.is_none() && !s.group));
    assert!(old.articles.iter().all(|a| a.units.is_empty()));
    let project = store::load_project(&dir.join("v10-manifesto.stance.json")).unwrap();
    let article = &project.articles[0];
    assert_eq!(article.units.len(), 24);
    assert_eq!(article.units.iter().filter(|u| u.heading).count(), 4);
    let sub = project
        .stances
        .get(&stancemark::schemes::manifesto_id("103.1"))
        .unwrap();
    assert_eq!(sub.code.as_deref(), Some("103.1"));
    assert!(
        project
            .stances
            .get(&stancemark::schemes::manifesto_id("domain3"))
            .unwrap()
            .group
    );
    let out = tempfile::tempdir().unwrap();
    for name in ["p.stance.json", "p.stance"] {
        let path = out.path().join(name);
        store::save_any(&project, &path, None).unwrap();
        let back = store::load_any(&path).unwrap();
        assert!(back.problems.is_empty(), "{name}: {:?}", back.problems);
        assert_eq!(back.project, project, "{name}");
    }
    // The folder's stance and article files with codes, groups and units fit their schemas.
    let folder = out.path().join("p.stance");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/folder");
    for (schema, file) in [
        (
            "stance.schema.json",
            folder.join("stances/marpor-103.1.json"),
        ),
        (
            "stance.schema.json",
            folder.join("stances/marpor-domain3.json"),
        ),
        (
            "article.schema.json",
            folder.join(format!("articles/{}.json", article.id)),
        ),
    ] {
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(schemas.join(schema)).unwrap()).unwrap();
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let errors: Vec<String> = jsonschema::validator_for(&schema)
            .unwrap()
            .iter_errors(&doc)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn every_fixture_loads_and_migrates_to_the_current_model() {
    for path in fixtures() {
        let project = store::load_project(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!project.annotations.is_empty(), "{}", path.display());
        for ann in &project.annotations {
            // Anchored: the quote is the text at the range, whose surroundings are the context.
            let text = &project.article(ann.article).unwrap().text;
            assert!(!ann.orphaned);
            assert_eq!(
                ann.quote,
                stancemark::text::slice_chars(text, ann.range),
                "{}",
                path.display()
            );
            assert!(ann.prefix.is_empty() && ann.suffix.is_empty());
        }
    }
}

#[test]
fn a_migrated_file_is_saved_in_the_current_format() {
    let v1 = fixtures()
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("v1-"))
        .unwrap();
    let project = store::load_project(&v1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("migrated.stance.json");
    store::save_project(&project, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&format!("\"format_version\": {FORMAT_VERSION}")));
    assert_eq!(store::load_project(&out).unwrap(), project);
}

#[test]
fn an_older_file_opens_unsaved_and_saves_beside_itself() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("study.stance.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2-open-source-ai.stance.ron"),
        &old,
    )
    .unwrap();
    let before = std::fs::read(&old).unwrap();
    let mut ws = Session::open_blocking(&old, SessionOptions::inline()).unwrap();
    let new = dir.path().join("study.stance.json");
    assert_eq!(ws.path(), Some(new.as_path()));
    assert!(ws.is_dirty(), "a converted project is unsaved until saved");
    ws.save_blocking().unwrap();
    assert!(!ws.is_dirty());
    assert_eq!(
        std::fs::read(&old).unwrap(),
        before,
        "the old file is kept as it was"
    );
    assert_eq!(&store::load_project(&new).unwrap(), ws.project());
    // Opening the new file keeps it as the project file.
    let reopened = Session::open_blocking(&new, SessionOptions::inline()).unwrap();
    assert_eq!(reopened.path(), Some(new.as_path()));
    assert!(!reopened.is_dirty());
    // Opening the old file again never aims at the converted one, which may have newer work.
    let again = Session::open_blocking(&old, SessionOptions::inline()).unwrap();
    assert_eq!(
        again.path(),
        Some(dir.path().join("study-2.stance.json").as_path())
    );
}

#[test]
fn a_format_3_file_opens_as_itself_and_is_upgraded_in_place_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let v3 = dir.path().join("study.stance.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v3-sample.stance.json"),
        &v3,
    )
    .unwrap();
    let mut session = Session::open_blocking(&v3, SessionOptions::inline()).unwrap();
    assert_eq!(session.path(), Some(v3.as_path()));
    assert!(!session.is_dirty());
    assert!(
        session
            .project()
            .stances
            .0
            .iter()
            .all(|s| s.parent.is_none())
    );
    assert!(
        session
            .project()
            .articles
            .iter()
            .all(|a| a.import.is_none())
    );
    let before = session.project().clone();
    session.save_blocking().unwrap();
    let text = std::fs::read_to_string(&v3).unwrap();
    assert!(text.contains(&format!("\"format_version\": {FORMAT_VERSION}")));
    assert_eq!(store::load_project(&v3).unwrap(), before);
}

#[test]
fn format_4_keeps_stance_parents_and_how_articles_were_imported() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v4-sample.stance.json");
    let project = store::load_project(&path).unwrap();
    let child = project
        .stances
        .get(&stancemark::model::StanceId::new("supply-chain"))
        .unwrap();
    assert_eq!(child.parent.as_ref().map(|p| p.as_str()), Some("security"));
    assert_eq!(
        project.stances.path_label(&child.id),
        "security › supply chain"
    );
    let import = project.articles[0].import.as_ref().unwrap();
    assert_eq!(import.format, stancemark::model::SourceFormat::Text);
    assert_eq!(import.encoding.as_deref(), Some("UTF-8"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again.stance.json");
    store::save_project(&project, &out).unwrap();
    assert_eq!(store::load_project(&out).unwrap(), project);
}

#[test]
fn orphans_keep_their_quote_and_context_in_the_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json");
    let mut session = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    let ws = session.workspace_mut();
    let article = ws.project().articles[0].clone();
    let victim = ws.project().annotations.first().unwrap().clone();
    // Remove the annotated passage from the text: the annotation becomes an orphan.
    let new_text = article.text.replacen(&victim.quote, "", 1);
    ws.set_article_text(article.id, &new_text).unwrap();
    let orphan = ws.project().annotation(victim.id).unwrap().clone();
    assert!(orphan.orphaned);
    assert_eq!(orphan.quote, victim.quote);
    assert!(
        !orphan.prefix.is_empty() && !orphan.suffix.is_empty(),
        "an orphan keeps the context it had"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.stance.json");
    session.save_to_blocking(&out).unwrap();
    let ws = session.workspace();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text.matches("\"quote\"").count(),
        1,
        "only the orphan stores its quote"
    );
    let reopened = store::load_project(&out).unwrap();
    assert_eq!(reopened.annotation(victim.id), Some(&orphan));
    assert_eq!(&reopened, ws.project());
}

#[test]
fn saving_over_a_newer_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.stance.json");
    let newer = b"(format_version: 99, project: (future: true))";
    std::fs::write(&path, newer).unwrap();
    let project = stancemark::model::Project::new("x");
    assert!(matches!(
        store::save_project(&project, &path),
        Err(store::SaveError::FutureVersion { found: 99, .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), newer);
}

#[test]
fn format_5_keeps_the_project_and_article_memos_and_format_4_files_still_open() {
    let v4 = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v4-sample.stance.json");
    let mut project = store::load_project(&v4).unwrap();
    assert!(project.memo.is_empty());
    assert!(project.articles.iter().all(|a| a.memo.is_empty()));
    project.memo =
        "Question: how do op-eds frame open models?\nDecision: code claims only.".to_owned();
    std::sync::Arc::make_mut(&mut project.articles[0]).memo = "Mostly regulation.".to_owned();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("memos.stance.json");
    store::save_project(&project, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&format!("\"format_version\": {FORMAT_VERSION}")));
    assert!(text.contains("\"memo\": \"Mostly regulation.\""));
    let back = store::load_project(&out).unwrap();
    assert_eq!(back, project);
    // An empty memo is left out of the file, so projects without memos look as before.
    let plain = dir.path().join("plain.stance.json");
    store::save_project(&store::load_project(&v4).unwrap(), &plain).unwrap();
    assert!(
        !std::fs::read_to_string(&plain)
            .unwrap()
            .contains("\"memo\"")
    );
}

#[test]
fn the_format_5_fixture_holds_both_memos() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v5-sample.stance.json");
    let project = store::load_project(&path).unwrap();
    assert!(project.memo.starts_with("Research question"));
    assert_eq!(
        project.articles[0].memo,
        "Mostly about regulation; one security passage."
    );
}

#[test]
fn format_6_keeps_rejected_suggestions_and_format_5_files_open_without_any() {
    let v5 = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v5-sample.stance.json");
    let mut project = store::load_project(&v5).unwrap();
    assert!(project.rejections.is_empty());
    let article = project.articles[0].clone();
    let range = stancemark::model::TextRange { start: 0, end: 12 };
    project.push_rejection(stancemark::model::Rejection {
        id: uuid::Uuid::new_v4(),
        article: article.id,
        range,
        quote: stancemark::text::slice_chars(&article.text, range).to_owned(),
        stance: stancemark::model::StanceId::new("security"),
        analyst: "ana".into(),
        rejected: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rejections.stance.json");
    store::save_project(&project, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&format!("\"format_version\": {FORMAT_VERSION}")));
    assert!(text.contains("\"rejections\""));
    assert_eq!(store::load_project(&out).unwrap(), project);
    // Without rejections the field is left out.
    let plain = dir.path().join("plain.stance.json");
    store::save_project(&store::load_project(&v5).unwrap(), &plain).unwrap();
    assert!(
        !std::fs::read_to_string(&plain)
            .unwrap()
            .contains("rejections")
    );
    // A rejection pointing past its article's text (or at no article) is dropped on load, not
    // an error: it is only a hint.
    let at = text.find("\"rejections\"").unwrap();
    let broken = format!(
        "{}{}",
        &text[..at],
        text[at..].replacen("\"end\": 12", "\"end\": 99999999", 1)
    );
    assert_ne!(broken, text);
    let broken_path = dir.path().join("broken.stance.json");
    std::fs::write(&broken_path, broken).unwrap();
    assert!(
        store::load_project(&broken_path)
            .unwrap()
            .rejections
            .is_empty()
    );
}

#[test]
fn format_6_annotator_names_become_analysts_and_format_7_names_them_by_id() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let project = store::load_project(&dir.join("v6-team.stance.json")).unwrap();
    let mut ids: Vec<&str> = project.analysts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["ana-lópez", "dana", "sample", "unknown"]);
    let name_of = |id: &str| {
        project
            .analysts
            .iter()
            .find(|a| a.id.as_str() == id)
            .unwrap()
            .name
            .clone()
    };
    assert_eq!(
        name_of("dana"),
        "Dana",
        "the first spelling names the analyst"
    );
    assert_eq!(name_of("ana-lópez"), "Ana López");
    let by = |id: &str| {
        project
            .annotations
            .iter()
            .filter(|a| a.analyst.as_str() == id)
            .count()
    };
    assert_eq!(by("dana"), 2, "Dana and dana are one analyst");
    assert_eq!((by("ana-lópez"), by("unknown"), by("sample")), (1, 1, 8));
    let rejection = project.rejections.first().unwrap().clone();
    assert_eq!(rejection.analyst.as_str(), "ana-lópez");
    // The id given to an old rejection is the same at every load.
    let again = store::load_project(&dir.join("v6-team.stance.json")).unwrap();
    assert_eq!(again.rejections.first().unwrap().id, rejection.id);
    // Saved as format 7: analysts by id, no annotator names left.
    let out = tempfile::tempdir().unwrap();
    let saved = out.path().join("team.stance.json");
    store::save_project(&project, &saved).unwrap();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.contains(&format!("\"format_version\": {FORMAT_VERSION}"))
            && !text.contains("\"annotator\"")
    );
    assert!(text.contains("\"analyst\": \"ana-lópez\""));
    assert_eq!(store::load_project(&saved).unwrap(), project);
    // The format-7 fixture: two analysts, each annotation by id.
    let v7 = store::load_project(&dir.join("v7-sample.stance.json")).unwrap();
    assert_eq!(v7.analysts.len(), 2);
    assert_eq!(v7.analyst_name(&"ana-lopez".into()), "Ana López");
    assert_eq!(
        v7.annotations
            .iter()
            .filter(|a| a.analyst.as_str() == "ana-lopez")
            .count(),
        1
    );
}

#[test]
fn the_format_6_fixture_holds_a_rejection_on_its_passage() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v6-sample.stance.json");
    let project = store::load_project(&path).unwrap();
    assert_eq!(project.rejections.len(), 1);
    let r = &project.rejections.first().unwrap();
    let text = &project.article(r.article).unwrap().text;
    assert_eq!(stancemark::text::slice_chars(text, r.range), r.quote);
    assert!(r.quote.starts_with("As Washington moves"));
}

/// Format 8: team settings (blind coding, coded marks, curators) and a gold annotation's
/// curator, in both forms; format-7 files and folders read as projects without them.
#[test]
fn team_settings_and_gold_curators_survive_both_forms_and_format_7_still_opens() {
    use stancemark::model::{AnalystId, CodedMark};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let v7_file = store::load_any(&fixtures.join("v7-sample.stance.json")).unwrap();
    assert_eq!(v7_file.format_version, 7);
    assert!(v7_file.project.team.is_default());
    let v7_folder = store::load_any(&fixtures.join("v7-folder.stance")).unwrap();
    assert!(v7_folder.problems.is_empty(), "{:?}", v7_folder.problems);
    assert_eq!(v7_folder.project.annotations.len(), 12);
    assert!(v7_folder.project.team.is_default());

    let mut project = v7_folder.project.clone();
    let article = project.articles[0].id;
    project.team.blind = true;
    project.team.coded.insert(CodedMark {
        article,
        analyst: AnalystId::new("sample"),
    });
    project.team.curators.insert(AnalystId::new("sample"));
    let mut gold_analyst = project.new_analyst("gold");
    gold_analyst.id = AnalystId::gold();
    project.analysts.push(gold_analyst);
    // A folder lists its analysts by id (one file each); keep the file form in that order too.
    project.analysts.sort_by(|a, b| a.id.cmp(&b.id));
    let first = project.annotations.first().unwrap().clone();
    let mut gold = (*first).clone();
    gold.id = uuid::Uuid::new_v4();
    gold.analyst = AnalystId::gold();
    gold.curator = Some(AnalystId::new("sample"));
    project.push_annotation(gold.clone());

    let dir = tempfile::tempdir().unwrap();
    for name in ["team.stance.json", "team.stance"] {
        let path = dir.path().join(name);
        store::save_any(&project, &path, None).unwrap();
        let back = store::load_any(&path).unwrap();
        assert_eq!(back.format_version, FORMAT_VERSION, "{name}");
        assert_eq!(back.project.team, project.team, "{name}");
        assert_eq!(
            back.project.annotation(gold.id).unwrap().curator,
            gold.curator,
            "{name}"
        );
        assert_eq!(back.project.analysts, project.analysts, "{name}");
        assert_eq!(back.project.articles, project.articles, "{name}");
        assert_eq!(back.project.stances, project.stances, "{name}");
        assert_eq!(back.project.annotations, project.annotations, "{name}");
        assert_eq!(back.project, project, "{name}");
    }
    // In the folder, a coded mark lives in its analyst's own file, the rest in project.json.
    let folder = dir.path().join("team.stance");
    let analyst = std::fs::read_to_string(folder.join("analysts/sample.json")).unwrap();
    assert!(analyst.contains(&article.to_string()), "{analyst}");
    let header = std::fs::read_to_string(folder.join("project.json")).unwrap();
    assert!(
        header.contains("\"blind\": true")
            && header.contains(&format!("\"format_version\": {FORMAT_VERSION}"))
    );
    let gold_layer = folder.join(format!("layers/gold/{article}.jsonl"));
    let line = std::fs::read_to_string(&gold_layer).unwrap();
    assert!(line.contains("\"cur\":\"sample\""), "{line}");
    // And each file still validates against its schema.
    for (schema, file) in [
        ("project.schema.json", folder.join("project.json")),
        ("analyst.schema.json", folder.join("analysts/sample.json")),
        ("layer-line.schema.json", gold_layer),
    ] {
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("schema/folder")
                    .join(schema),
            )
            .unwrap(),
        )
        .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let docs: Vec<serde_json::Value> = if file.extension().is_some_and(|e| e == "jsonl") {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            vec![serde_json::from_str(&text).unwrap()]
        };
        for doc in docs {
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        }
    }
}

/// The sample project as a folder in a fresh temporary directory.
fn sample_folder() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    stancemark::model::Project,
) {
    let project = store::load_project(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("team.stance");
    store::save_any(&project, &folder, None).unwrap();
    (dir, folder, project)
}

#[test]
fn a_project_folder_holds_the_same_project_one_file_per_record() {
    let (_dir, folder, project) = sample_folder();
    for file in [
        "project.json",
        "stances/regulation.json",
        "analysts/sample.json",
        ".gitignore",
        ".gitattributes",
    ] {
        assert!(folder.join(file).is_file(), "{file}");
    }
    let article = project.articles[0].id;
    let text = std::fs::read_to_string(folder.join(format!("articles/{article}.txt"))).unwrap();
    assert_eq!(
        text, project.articles[0].text,
        "the text as it is, UTF-8, LF"
    );
    let layer =
        std::fs::read_to_string(folder.join(format!("layers/sample/{article}.jsonl"))).unwrap();
    assert_eq!(layer.lines().count(), 12, "one line per annotation");
    // Sorted by start; compact; no quote for anchored annotations.
    let starts: Vec<u64> = layer
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["s"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    assert!(!layer.contains("\"quote\""));
    assert!(
        std::fs::read_to_string(folder.join(".gitignore"))
            .unwrap()
            .contains(".local/")
    );
    let back = store::load_any(&folder).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.project, project);
    // Every file kind validates against its JSON Schema.
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/folder");
    let check = |schema: &str, file: &Path| {
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(schemas.join(schema)).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let docs: Vec<serde_json::Value> = if schema_is_lines(file) {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            vec![serde_json::from_str(&text).unwrap()]
        };
        for doc in docs {
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        }
    };
    fn schema_is_lines(file: &Path) -> bool {
        file.extension().is_some_and(|e| e == "jsonl")
    }
    check("project.schema.json", &folder.join("project.json"));
    check("stance.schema.json", &folder.join("stances/security.json"));
    check("analyst.schema.json", &folder.join("analysts/sample.json"));
    check("actor.schema.json", &folder.join("actors/kevin-xu.json"));
    check(
        "article.schema.json",
        &folder.join(format!("articles/{article}.json")),
    );
    check(
        "layer-line.schema.json",
        &folder.join(format!("layers/sample/{article}.jsonl")),
    );
}

#[test]
fn a_folder_save_writes_only_the_files_whose_content_changed() {
    let (_dir, folder, project) = sample_folder();
    let loaded = store::load_any(&folder).unwrap();
    let mut changed = loaded.project.clone();
    let first = changed.annotations.first().unwrap().clone();
    let mut edited = (*first).clone();
    edited.note = "A new note".to_owned();
    changed
        .annotations
        .replace(std::sync::Arc::new(edited))
        .unwrap();
    let (_, written) = store::save_any(&changed, &folder, Some(&loaded.stamp)).unwrap();
    let article = project.articles[0].id;
    assert_eq!(
        written.report.written,
        [format!("layers/sample/{article}.jsonl")]
    );
    assert!(written.report.removed.is_empty());
    // Nothing changed: nothing written.
    let again = store::load_any(&folder).unwrap();
    let (_, written) = store::save_any(&again.project, &folder, Some(&again.stamp)).unwrap();
    assert!(written.report.written.is_empty());
    // What is serialised at all: only the changed layer (a million annotations elsewhere are
    // not written out to save one), with the small shared files.
    let stancemark::store::Stamp::Folder(state) = &again.stamp else {
        panic!("a folder's stamp");
    };
    let made = state.made.as_deref().expect("known after reading");
    let mut ws = stancemark::workspace::Workspace::new(
        again.project.clone(),
        Box::new(stancemark::workspace::SteppingClock::default()),
    );
    ws.set_analyst_name("sample");
    let second = ws.project().annotations.to_vec()[1].id;
    ws.set_annotation_note(second, "Another note").unwrap();
    let files = stancemark::store::folder::folder_files_since(ws.project(), Some(made));
    let serialised: Vec<&String> = files
        .iter()
        .filter(|(p, bytes)| {
            bytes.is_some() && (p.starts_with("layers/") || p.starts_with("articles/"))
        })
        .map(|(p, _)| p)
        .collect();
    assert_eq!(serialised, [&format!("layers/sample/{article}.jsonl")]);
    let unchanged = stancemark::store::folder::folder_files_since(&again.project, Some(made));
    assert!(
        unchanged
            .iter()
            .filter(|(p, _)| p.starts_with("layers/") || p.starts_with("articles/"))
            .all(|(_, bytes)| bytes.is_none())
    );
    // And the save writes it, and a reader sees the note.
    let (_, written) = store::save_any(ws.project(), &folder, Some(&again.stamp)).unwrap();
    assert_eq!(
        written.report.written,
        [format!("layers/sample/{article}.jsonl")]
    );
    let back = store::load_any(&folder).unwrap();
    assert_eq!(
        back.project.annotation(second).unwrap().note,
        "Another note"
    );
}

#[test]
fn a_folder_file_someone_else_changed_is_never_written_over() {
    let (_dir, folder, _) = sample_folder();
    let loaded = store::load_any(&folder).unwrap();
    let mut mine = loaded.project.clone();
    mine.name = "Renamed here".to_owned();
    // Someone else changes project.json meanwhile.
    let header = folder.join("project.json");
    let theirs = std::fs::read_to_string(&header)
        .unwrap()
        .replace("(sample)", "(theirs)");
    std::fs::write(&header, &theirs).unwrap();
    let err = store::save_any(&mine, &folder, Some(&loaded.stamp)).unwrap_err();
    assert!(
        matches!(err, stancemark::store::SaveError::ChangedOnDisk { .. }),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&header).unwrap(), theirs);
}

#[test]
fn a_folder_file_that_does_not_parse_is_named_and_the_rest_opens() {
    let (_dir, folder, project) = sample_folder();
    let stance = folder.join("stances/security.json");
    let good = std::fs::read_to_string(&stance).unwrap();
    let conflicted = format!(
        "<<<<<<< HEAD\n{}=======\n{}>>>>>>> theirs\n",
        good,
        good.replace("security", "safety")
    );
    std::fs::write(&stance, &conflicted).unwrap();
    let loaded = store::load_any(&folder).unwrap();
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    assert!(
        loaded.problems[0].starts_with("stances/security.json line 1:"),
        "{:?}",
        loaded.problems
    );
    // The stance is a placeholder and its annotations keep their stance id.
    let placeholder = loaded
        .project
        .stances
        .get(&stancemark::model::StanceId::new("security"))
        .unwrap();
    assert_eq!(placeholder.label, "unresolved: security");
    assert_eq!(loaded.project.annotations.len(), project.annotations.len());
    // Shared files are not written while it is in conflict; layers still are.
    let mut changed = loaded.project.clone();
    changed.name = "Renamed".to_owned();
    let first = changed.annotations.first().unwrap().clone();
    let mut edited = (*first).clone();
    edited.note = "layer change".to_owned();
    changed
        .annotations
        .replace(std::sync::Arc::new(edited))
        .unwrap();
    let (_, written) = store::save_any(&changed, &folder, Some(&loaded.stamp)).unwrap();
    assert!(
        written
            .report
            .written
            .iter()
            .all(|f| f.starts_with("layers/"))
    );
    assert!(
        written
            .report
            .held_back
            .contains(&"project.json".to_owned())
    );
    assert_eq!(std::fs::read_to_string(&stance).unwrap(), conflicted);
}

/// The sample ships in both forms; they hold the same project, and the folder is exactly what
/// saving the single file as a folder writes (so neither form drifts from the other).
#[test]
fn the_sample_opens_in_both_forms_as_the_same_project() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let file = store::load_any(&root.join("open-source-ai.stance.json")).unwrap();
    let folder = store::load_any(&root.join("open-source-ai.stance")).unwrap();
    assert!(folder.problems.is_empty(), "{:?}", folder.problems);
    assert_eq!(folder.project, file.project);
    assert_eq!(folder.project.annotations.len(), 12);

    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("again.stance");
    store::save_any(&file.project, &again, None).unwrap();
    let listing = |base: &Path| {
        let mut files = Vec::new();
        let mut stack = vec![base.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(base).unwrap().to_path_buf();
                if relative.starts_with(".local") {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    };
    let shipped = listing(&root.join("open-source-ai.stance"));
    let written = listing(&again);
    assert_eq!(
        shipped.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        written.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in shipped.iter().zip(&written) {
        assert!(
            a == b,
            "{} differs from a fresh save: run `cargo run --example make_sample`",
            path.display()
        );
    }
}
