//! Every export format written from a project with the hard cases (an orphan, a child stance,
//! a note with markup, text beyond the Basic Multilingual Plane), read back where stancemark
//! reads it, and checked by the tools the analysts' colleagues use: the W3C test-suite schemas,
//! the REFI-QDA XSDs (xmllint), pandas, and a browser for the report.
//!
//! A test that needs a system tool runs it when `CI` is set (`.ci/run` installs it) and fails
//! there if it is missing; elsewhere it skips with a message.

use std::path::{Path, PathBuf};
use std::process::Command;

use stancemark::exchange::{self, AnnotationFile};
use stancemark::export::{ExportFormat, export_bytes};
use stancemark::model::{Project, Rgb, Stance, StanceId};
use stancemark::store;
use stancemark::workspace::{SteppingClock, Workspace};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> Project {
    store::load_project(&root().join("sample_data/open-source-ai.stance.json")).unwrap()
}

const HOSTILE_NOTE: &str = "<script>alert('x')</script> & \"quoted\" ]]> 🦀 note";

/// The sample with an orphan, a child stance used by an annotation, a note full of markup and
/// a second article whose text has emoji (code points beyond U+FFFF).
fn hard_project() -> Project {
    let mut ws = Workspace::new(sample(), Box::new(SteppingClock::default()));
    let article = ws.project().articles[0].id;
    let first = ws.project().annotations.first().unwrap().clone();
    ws.set_annotation_note(first.id, HOSTILE_NOTE).unwrap();
    // A child of `security`.
    ws.put_stance(Stance {
        id: StanceId::new("supply-chain"),
        label: "supply chain".to_owned(),
        color: Rgb([180, 83, 13]),
        description: "Security of the software supply chain.".to_owned(),
        hotkey: None,
        parent: Some(StanceId::new("security")),
        code: None,
        group: false,
    })
    .unwrap();
    let second = ws.project().annotations.to_vec()[1].id;
    ws.set_annotation_stance(second, &StanceId::new("supply-chain"))
        .unwrap();
    // Orphan the last annotation: its passage is replaced by unrelated words.
    let last = ws.project().annotations.to_vec().pop().unwrap();
    let text = ws.project().article(article).unwrap().text.clone();
    let changed = text.replace(&last.quote, "Completely different words now stand here.");
    let counts = ws.replace_article_text(article, &changed, None).unwrap();
    assert!(counts.orphaned >= 1, "{counts:?}");
    // An article with emoji and accents before its passage.
    let mut emoji = stancemark::model::Article::new(
        "Emoji 🦀 brief",
        "Crabs 🦀🦀 and café: open weights matter for research.\nSecond line ✓.\n",
    );
    emoji.meta.author = Some("Zoë".to_owned());
    let emoji_id = ws.add_article(emoji).unwrap();
    let text = ws.project().article(emoji_id).unwrap().text.clone();
    let start = text.chars().position(|c| c == 'o').unwrap();
    let end = start + "open weights matter".chars().count();
    ws.add_annotation(
        emoji_id,
        stancemark::model::TextRange { start, end },
        &StanceId::new("pro-open-source"),
        "after emoji",
    )
    .unwrap();
    ws.project().clone()
}

/// Runs a system tool; `None` (with a message) when it is missing outside CI.
fn tool(program: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(program).args(args).output() {
        Ok(out) => Some(out),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{program} is needed under CI (.ci/run installs it): {e}"
            );
            eprintln!("skipped: {program} is not installed ({e})");
            None
        }
    }
}

/// True when python3 can import every module (else skipped outside CI, failed under CI).
fn python_has(modules: &[&str]) -> bool {
    let Some(out) = tool(
        "python3",
        &["-c", &format!("import {}", modules.join(", "))],
    ) else {
        return false;
    };
    if out.status.success() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "python3 needs {modules:?} under CI: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("skipped: python3 lacks {modules:?}");
    false
}

fn write_export(dir: &Path, project: &Project, format: ExportFormat) -> PathBuf {
    let path = dir.join(format!("export.{}", format.extension()));
    std::fs::write(&path, export_bytes(project, format, None).unwrap()).unwrap();
    path
}

/// The project without its annotations (what a colleague has before importing a CSV or W3C).
fn without_annotations(project: &Project) -> Workspace {
    let mut bare = project.clone();
    bare.annotations.clear();
    Workspace::new(bare, Box::new(SteppingClock::default()))
}

/// (article, stance, range or orphan quote, note) of every annotation, sorted.
fn essentials(project: &Project) -> Vec<(String, String, String, String)> {
    let mut all: Vec<_> = project
        .annotations
        .iter()
        .map(|a| {
            let place = if a.orphaned {
                format!("orphan {}", a.quote)
            } else {
                format!("{}..{}", a.range.start, a.range.end)
            };
            (
                a.article.to_string(),
                a.stance.to_string(),
                place,
                a.note.clone(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_json_export_round_trips_orphans_parents_and_notes() {
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let path = write_export(dir.path(), &project, ExportFormat::Json);
    assert_eq!(
        exchange::kind_of(&path),
        Some(AnnotationFile::StancemarkJson)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        json["format_version"],
        stancemark::formats::json::EXPORT_VERSION
    );
    let orphan = json["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["orphaned"] == true)
        .unwrap();
    assert!(orphan["start"].is_null() && orphan["end"].is_null());
    assert!(orphan["prefix"].is_string());
    let back = exchange::read_new_project(&path).unwrap().project;
    assert_eq!(essentials(&back), essentials(&project));
    assert_eq!(back.stances, project.stances);
    assert_eq!(back.articles.len(), project.articles.len());
    for (a, b) in back.articles.iter().zip(&project.articles) {
        assert_eq!((&a.text, &a.title, &a.meta), (&b.text, &b.title, &b.meta));
    }
}

#[test]
fn a_version_1_json_export_still_imports() {
    let path = root().join("tests/fixtures/export-v1.json");
    let back = exchange::read_new_project(&path).unwrap().project;
    assert_eq!(back.annotations.len(), 12);
    assert!(back.stances.0.iter().all(|s| s.parent.is_none()));
    for a in &back.annotations {
        let text = &back.article(a.article).unwrap().text;
        assert_eq!(stancemark::text::slice_chars(text, a.range), a.quote);
    }
}

#[test]
fn the_csv_export_reads_back_into_a_project_that_has_the_articles() {
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let path = write_export(dir.path(), &project, ExportFormat::Csv);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for spreadsheets");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header[..7],
        [
            "article_id",
            "article_title",
            "stance_id",
            "stance_label",
            "start",
            "end",
            "quote"
        ]
    );
    for record in reader.records() {
        let record = record.unwrap();
        let article = project
            .articles
            .iter()
            .find(|a| a.id.to_string() == record[0])
            .unwrap();
        if &record[11] == "true" {
            assert!(
                record[4].is_empty() && record[5].is_empty(),
                "an orphan has no offsets"
            );
        } else {
            let (start, end): (usize, usize) =
                (record[4].parse().unwrap(), record[5].parse().unwrap());
            let slice: String = article.text.chars().skip(start).take(end - start).collect();
            assert_eq!(slice, &record[6]);
        }
    }
    let records = exchange::read_incoming(&path).unwrap();
    let mut ws = without_annotations(&project);
    let report = exchange::import_into(&mut ws, &records);
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(report.added, project.annotations.len() - 1);
    assert_eq!(report.orphans, 1);
    assert_eq!(essentials(ws.project()), essentials(&project));
    // One undo takes the whole import back; importing twice adds nothing.
    let again = exchange::import_into(&mut ws, &records);
    assert_eq!(again.already_there, records.len() - 1, "{again:?}");
    ws.undo().unwrap();
    ws.undo().unwrap();
    assert!(ws.project().annotations.is_empty());
}

#[test]
fn the_w3c_export_reads_back_and_passes_the_test_suite_musts() {
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let path = write_export(dir.path(), &project, ExportFormat::W3c);
    assert_eq!(exchange::kind_of(&path), Some(AnnotationFile::W3c));
    let records = exchange::read_incoming(&path).unwrap();
    let mut ws = without_annotations(&project);
    let report = exchange::import_into(&mut ws, &records);
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(essentials(ws.project()), essentials(&project));
    if !python_has(&["jsonschema", "rfc3987", "rfc3339_validator"]) {
        return;
    }
    let validator = root().join("tests/standards/validate_w3c.py");
    let out = tool(
        "python3",
        &[validator.to_str().unwrap(), path.to_str().unwrap()],
    )
    .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_refi_qda_project_reads_back_and_validates_against_the_xsd() {
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let path = write_export(dir.path(), &project, ExportFormat::Qdpx);
    assert_eq!(exchange::kind_of(&path), Some(AnnotationFile::Qdpx));
    let read = exchange::read_new_project(&path).unwrap();
    let back = read.project;
    // Anchored annotations come back where they were, with stance (by label), parent and note;
    // the orphan travels as a note on its source and is not a selection.
    let anchored = |p: &Project| {
        let mut v: Vec<_> = p
            .annotations
            .iter()
            .filter(|a| !a.orphaned)
            .map(|a| {
                let stance = p.stances.get(&a.stance).unwrap();
                (a.id, a.range, stance.label.clone(), a.note.clone())
            })
            .collect();
        v.sort_by_key(|x| x.0);
        v
    };
    assert_eq!(anchored(&back), anchored(&project));
    let child = back
        .stances
        .0
        .iter()
        .find(|s| s.label == "supply chain")
        .unwrap();
    let parent = back.stances.get(child.parent.as_ref().unwrap()).unwrap();
    assert_eq!(parent.label, "security");
    for (a, b) in back.articles.iter().zip(&project.articles) {
        assert_eq!(a.text, b.text);
    }
    // The XSD, with xmllint.
    let unzip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap());
    let mut archive = unzip.unwrap();
    let mut qde = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("project.qde").unwrap(), &mut qde).unwrap();
    assert!(qde.contains("Orphaned annotation"));
    assert!(!qde.contains("<script>"), "markup in notes is escaped");
    let qde_path = dir.path().join("project.qde");
    std::fs::write(&qde_path, &qde).unwrap();
    xmllint_valid(&qde_path, "Project.xsd");
    let qdc = write_export(dir.path(), &project, ExportFormat::Qdc);
    xmllint_valid(&qdc, "Codebook.repaired.xsd");
}

fn xmllint_valid(file: &Path, xsd: &str) {
    let schema = root().join("tests/standards/refi-qda").join(xsd);
    let Some(out) = tool(
        "xmllint",
        &[
            "--noout",
            "--schema",
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "{} against {xsd}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_qdpx_written_the_way_maxqda_and_qualcoder_write_it_opens_with_the_right_offsets() {
    let path = root().join("tests/fixtures/exchange/other-tools.qdpx");
    let read = exchange::read_new_project(&path).unwrap();
    let p = &read.project;
    assert_eq!(p.articles.len(), 2, "{:?}", read.skipped);
    let interview = p
        .articles
        .iter()
        .find(|a| a.title == "Interview 1")
        .unwrap();
    assert!(!interview.text.contains('\r') && !interview.text.starts_with('\u{feff}'));
    // Every selection lands on the words the other tool selected.
    let quotes: Vec<String> = p
        .annotations
        .iter()
        .filter(|a| a.article == interview.id)
        .map(|a| stancemark::text::slice_chars(&interview.text, a.range).to_owned())
        .collect();
    for expected in ["open weights", "regulators should", "supply chain"] {
        assert!(
            quotes.iter().any(|q| q == expected),
            "{expected} not in {quotes:?}"
        );
    }
    // Nested codes keep their parent; a code without a colour gets one no other code has.
    let child = p
        .stances
        .0
        .iter()
        .find(|s| s.label == "Supply chain")
        .unwrap();
    let security = p.stances.get(child.parent.as_ref().unwrap()).unwrap();
    assert_eq!(security.label, "Security");
    assert!(
        p.stances
            .0
            .iter()
            .filter(|s| s.color == security.color)
            .count()
            == 1,
        "{:?}",
        p.stances
    );
    // A selection with two codings is two annotations; its note comes along.
    let twice: Vec<_> = p
        .annotations
        .iter()
        .filter(|a| stancemark::text::slice_chars(&interview.text, a.range) == "regulators should")
        .collect();
    assert_eq!(twice.len(), 2);
    assert!(twice.iter().all(|a| a.note == "Both codes apply."));
    // The picture source is skipped with a reason.
    assert!(
        read.skipped.iter().any(|s| s.contains("photo")),
        "{:?}",
        read.skipped
    );
    assert!(p.validate().is_empty(), "{:?}", p.validate());
}

#[test]
fn csv_and_json_load_in_pandas_with_offsets_that_slice_to_the_quote() {
    if !python_has(&["pandas"]) {
        return;
    }
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let csv_path = write_export(dir.path(), &project, ExportFormat::Csv);
    let json_path = write_export(dir.path(), &project, ExportFormat::Json);
    let script = r#"
import json, sys
import pandas as pd
csv_path, json_path = sys.argv[1], sys.argv[2]
export = json.load(open(json_path, encoding="utf-8"))
texts = {a["id"]: a["text"] for a in export["articles"]}
rows = pd.read_csv(csv_path, encoding="utf-8-sig", keep_default_na=False)
assert len(rows) == len(export["annotations"]), (len(rows), len(export["annotations"]))
checked = 0
for _, r in rows.iterrows():
    if r["orphaned"] in (True, "true", "True"):
        assert r["start"] == "" and r["end"] == "", r
        continue
    assert texts[r["article_id"]][int(r["start"]):int(r["end"])] == r["quote"], r["quote"]
    checked += 1
for a in export["annotations"]:
    if not a["orphaned"]:
        assert texts[a["article_id"]][a["start"]:a["end"]] == a["quote"]
frame = pd.json_normalize(export["annotations"])
assert set(frame["stance_id"]) >= {"pro-open-source", "supply-chain"}
print(checked)
"#;
    let out = tool(
        "python3",
        &[
            "-c",
            script,
            csv_path.to_str().unwrap(),
            json_path.to_str().unwrap(),
        ],
    )
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_eq!(checked, project.annotations.len() - 1);
}

#[test]
fn the_html_report_shows_every_passage_escapes_notes_and_renders_in_a_browser() {
    let project = hard_project();
    let dir = tempfile::tempdir().unwrap();
    let path = write_export(dir.path(), &project, ExportFormat::Html);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(!html.contains("<script>alert"), "notes are escaped");
    assert!(html.contains("&lt;script&gt;alert"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
    for stance in &project.stances.0 {
        assert!(html.contains(&stance.label), "legend has {}", stance.label);
        assert!(html.contains(&stance.color.to_hex()));
    }
    // Note numbers (`<sup>n</sup>`) sit inside an enclosing passage; read the text without them.
    let mut without_numbers = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<sup>") {
        without_numbers.push_str(&rest[..at]);
        let close = rest[at..].find("</sup>").unwrap();
        rest = &rest[at + close + "</sup>".len()..];
    }
    without_numbers.push_str(rest);
    let shown = stancemark::import::score::html_text(&without_numbers);
    for a in project.annotations.iter().filter(|a| !a.orphaned) {
        assert!(shown.contains(&a.quote), "{}", a.quote);
    }
    assert!(shown.contains(HOSTILE_NOTE), "the note reads as written");
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is needed under CI"
        );
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let shot = dir.path().join("report.png");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1000,1400",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", path.display()),
        ])
        .output()
        .unwrap();
    assert!(shot.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    // The page is painted: the screenshot is a real PNG with more than a blank page's bytes.
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert!(png.len() > 20_000, "{} bytes", png.len());
}

#[test]
fn exporting_one_article_holds_only_its_annotations() {
    let project = hard_project();
    let emoji = project
        .articles
        .iter()
        .find(|a| a.title.starts_with("Emoji"))
        .unwrap();
    let bytes = export_bytes(&project, ExportFormat::Json, Some(emoji.id)).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["articles"].as_array().unwrap().len(), 1);
    let anns = json["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0]["quote"], "open weights matter");
    // "Crabs 🦀🦀 and café: " is 19 code points (UTF-16 would count 21, UTF-8 bytes 27).
    assert_eq!(anns[0]["start"], 19);
}

#[test]
fn incoming_records_with_stale_offsets_are_found_by_their_quote_or_refused() {
    let project = sample();
    let text = project.articles[0].text.clone();
    let passage = "A Warning Against Overreach";
    let start = text
        .find(passage)
        .map(|b| text[..b].chars().count())
        .unwrap();
    let title = project.articles[0].title.as_str();
    let (wrong, end) = (start + 7, start + passage.chars().count());
    let rows: [[String; 6]; 5] = [
        [
            "article_title",
            "stance_label",
            "start",
            "end",
            "quote",
            "note",
        ]
        .map(str::to_owned),
        [
            title,
            "regulation",
            &wrong.to_string(),
            &(wrong + 27).to_string(),
            passage,
            "moved",
        ]
        .map(str::to_owned),
        [
            title,
            "brand new stance",
            &start.to_string(),
            &end.to_string(),
            passage,
            "new",
        ]
        .map(str::to_owned),
        [
            title,
            "regulation",
            "0",
            "5",
            "Words that are nowhere in the text",
            "gone",
        ]
        .map(str::to_owned),
        [
            "Unknown article",
            "regulation",
            "0",
            "5",
            passage,
            "no article",
        ]
        .map(str::to_owned),
    ];
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).unwrap();
    }
    let csv = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let records = stancemark::formats::csv::read(&csv).unwrap();
    let mut ws = without_annotations(&project);
    let report = exchange::import_into(&mut ws, &records);
    assert_eq!(report.reanchored.len(), 1, "{report:?}");
    assert_eq!(report.added, 1);
    assert_eq!(report.stances_created, ["brand new stance"]);
    assert_eq!(report.refused.len(), 2, "{report:?}");
    assert!(
        report
            .refused
            .iter()
            .any(|r| r.contains("not in the article"))
    );
    assert!(
        report
            .refused
            .iter()
            .any(|r| r.contains("not in the project"))
    );
    for a in &ws.project().annotations {
        assert_eq!(stancemark::text::slice_chars(&text, a.range), passage);
    }
}

#[test]
fn a_stance_scheme_travels_alone_as_json_or_a_qdc_and_merges_into_a_project() {
    use stancemark::exchange::{AnnotationFile, kind_of, merge_scheme, read_scheme};
    use stancemark::model::{Rgb, Stance, StanceId};
    let dir = tempfile::tempdir().unwrap();
    // The team's scheme: security recoloured and described, with a sub-stance.
    let mut team = stancemark::model::Project::new("team");
    team.stances.0[2].color = Rgb([200, 0, 0]);
    team.stances.0[2].description = "Threats and misuse.".to_owned();
    team.stances.0.push(Stance {
        id: StanceId::new("supply-chain"),
        label: "supply chain".to_owned(),
        color: Rgb([10, 20, 30]),
        description: "Chips, export controls.".to_owned(),
        hotkey: Some(4),
        parent: Some(StanceId::new("security")),
        code: None,
        group: false,
    });
    for format in [ExportFormat::Scheme, ExportFormat::Qdc] {
        let path = dir.path().join(format!("team.{}", format.extension()));
        stancemark::export::write_export(&team, format, &path, None).unwrap();
        let kind = kind_of(&path).unwrap();
        assert!(kind.is_scheme(), "{format:?}: {kind:?}");
        assert_eq!(
            kind,
            if format == ExportFormat::Scheme {
                AnnotationFile::Scheme
            } else {
                AnnotationFile::Codebook
            }
        );
        let scheme = read_scheme(&path).unwrap();
        // A colleague's project with the default scheme and one annotation.
        let mut mine = stancemark::model::Project::new("mine");
        let article = stancemark::model::Article::new("A", "Some text here.");
        mine.articles.push(article.into());
        let mut ws = stancemark::Workspace::new(mine, Box::new(stancemark::workspace::SystemClock));
        let report = merge_scheme(&mut ws, &scheme);
        assert_eq!(
            (report.added, report.updated),
            (1, 1),
            "{format:?}: {report:?}"
        );
        let stances = &ws.project().stances;
        let security = stances.get(&StanceId::new("security")).unwrap();
        assert_eq!(security.color, Rgb([200, 0, 0]));
        assert_eq!(security.description, "Threats and misuse.");
        let sub = stances
            .0
            .iter()
            .find(|s| s.label == "supply chain")
            .expect("the sub-stance came in");
        assert_eq!(sub.parent, Some(StanceId::new("security")), "{format:?}");
        assert_eq!(sub.description, "Chips, export controls.");
        assert_eq!(stances.path_label(&sub.id), "security › supply chain");
        // One undo takes the whole scheme back.
        ws.undo().unwrap();
        assert_eq!(
            ws.project().stances,
            stancemark::model::StanceScheme::default()
        );
        // Merging the same scheme twice changes nothing the second time.
        let _ = merge_scheme(&mut ws, &scheme);
        let again = merge_scheme(&mut ws, &scheme);
        assert_eq!((again.added, again.updated), (0, 0));
    }
    // A file that is not a scheme is refused with a message naming what it is.
    let csv = dir.path().join("a.csv");
    std::fs::write(&csv, "article_id,article_title,stance_id\n").unwrap();
    let err = read_scheme(&csv).unwrap_err().to_string();
    assert!(err.contains("not a stance scheme"), "{err}");
    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        r#"{"format": "stancemark-scheme", "format_version": 9, "stances": []}"#,
    )
    .unwrap();
    let err = read_scheme(&newer).unwrap_err().to_string();
    assert!(err.contains("newer"), "{err}");
}

#[test]
fn a_version_3_export_names_analysts_by_annotator_and_version_4_by_id() {
    let path = root().join("tests/fixtures/export-v3.json");
    let back = exchange::read_new_project(&path).unwrap().project;
    let mut ids: Vec<&str> = back.analysts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["ana-lópez", "dana", "sample", "unknown"]);
    // Version 4 carries the analysts and each annotation's analyst_id (annotator stays, as
    // the display name).
    let bytes = export_bytes(&back, ExportFormat::Json, None).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        json["format_version"],
        stancemark::formats::json::EXPORT_VERSION
    );
    let analysts = json["analysts"].as_array().unwrap();
    assert_eq!(analysts.len(), 4);
    let dana = json["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["analyst_id"] == "dana")
        .unwrap();
    assert_eq!(dana["annotator"], "Dana");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v4.json");
    std::fs::write(&file, &bytes).unwrap();
    let again = exchange::read_new_project(&file).unwrap().project;
    assert_eq!(again.analysts, back.analysts);
    assert_eq!(again.annotations, back.annotations);
    // CSV: analyst_id after orphaned (then the actor columns, empty here).
    let csv = String::from_utf8(export_bytes(&back, ExportFormat::Csv, None).unwrap()).unwrap();
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(
        header.ends_with("orphaned,analyst_id,actor_id,actor,position,stance_code"),
        "{header}"
    );
    assert!(csv.contains(",ana-lópez,,,,\r\n"), "{csv}");
    // CSV, W3C and REFI-QDA bring their annotators in as analysts (by id where the format
    // has one, else by name, matched by slug), into a project that has none yet.
    let ids_of = |format: ExportFormat, name: &str| -> Vec<String> {
        let file = dir.path().join(name);
        std::fs::write(&file, export_bytes(&back, format, None).unwrap()).unwrap();
        let project = if format == ExportFormat::Qdpx {
            exchange::read_new_project(&file).unwrap().project
        } else {
            let mut bare = back.clone();
            bare.annotations.clear();
            bare.analysts.clear();
            let mut ws = Workspace::new(bare, Box::new(SteppingClock::default()));
            ws.set_analyst_name("importer");
            let records = exchange::read_incoming(&file).unwrap();
            let report = exchange::import_into(&mut ws, &records);
            assert!(report.refused.is_empty(), "{:?}", report.refused);
            ws.project().clone()
        };
        assert_eq!(project.annotations.len(), back.annotations.len(), "{name}");
        let mut ids: Vec<String> = project.analysts.iter().map(|a| a.id.to_string()).collect();
        ids.sort();
        ids
    };
    for (format, name) in [
        (ExportFormat::Csv, "a.csv"),
        (ExportFormat::W3c, "a.jsonld"),
        (ExportFormat::Qdpx, "a.qdpx"),
    ] {
        assert_eq!(
            ids_of(format, name),
            ["ana-lópez", "dana", "sample", "unknown"],
            "{name}"
        );
    }
}

#[test]
fn a_version_2_json_export_still_imports_and_version_3_carries_the_memos() {
    let path = root().join("tests/fixtures/export-v2.json");
    let back = exchange::read_new_project(&path).unwrap().project;
    assert_eq!(back.annotations.len(), 12);
    assert!(back.memo.is_empty());
    let mut project = sample();
    project.memo = "Project memo".to_owned();
    std::sync::Arc::make_mut(&mut project.articles[0]).memo = "Article memo".to_owned();
    let bytes = export_bytes(&project, ExportFormat::Json, None).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        json["format_version"],
        stancemark::formats::json::EXPORT_VERSION
    );
    assert_eq!(json["memo"], "Project memo");
    assert_eq!(json["articles"][0]["memo"], "Article memo");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.json");
    std::fs::write(&file, &bytes).unwrap();
    let again = exchange::read_new_project(&file).unwrap().project;
    assert_eq!(again.memo, "Project memo");
    assert_eq!(again.articles[0].memo, "Article memo");
    let report =
        String::from_utf8(export_bytes(&project, ExportFormat::Html, None).unwrap()).unwrap();
    assert!(report.contains("Project memo") && report.contains("Article memo"));
}

/// A team project made up deterministically: three analysts tag random passages of the sample
/// (overlapping, nested, of every stance), a second article that one analyst marked coded
/// without tagging anything and another never opened.
fn team_project() -> Project {
    let mut ws = Workspace::new(sample(), Box::new(SteppingClock::default()));
    let first = ws.project().articles[0].id;
    let second = ws
        .add_article(stancemark::model::Article::new(
            "A second brief",
            "Open models help small firms.\nRegulators worry about misuse.\nBoth sides cite security.\n",
        ))
        .unwrap();
    let stances = ["pro-open-source", "regulation", "security"];
    let mut seed: u64 = 2024;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for (analyst, count) in [("Ana", 14), ("Ben", 12), ("Cleo", 10)] {
        ws.set_analyst_name(analyst);
        for (article, count) in [(first, count), (second, count / 4)] {
            let text = ws.project().article(article).unwrap().text.clone();
            let len = text.chars().count() as u64;
            for _ in 0..count {
                let start = next(len - 40) as usize;
                let end = start + 5 + next(60) as usize;
                let range = stancemark::model::TextRange {
                    start,
                    end: end.min(len as usize),
                };
                let stance = StanceId::new(stances[next(3) as usize]);
                // A passage of white space only is refused; try the next one.
                let _ = ws.add_annotation(article, range, &stance, "");
            }
        }
    }
    // Dana read the second article and found nothing: she marks it coded.
    ws.set_analyst_name("Dana");
    ws.set_coded(second, true).unwrap();
    ws.project().clone()
}

/// κ, α and percent agreement per code point, recomputed from the project file with
/// scikit-learn and the `krippendorff` package; a few values also pinned here.
#[test]
fn agreement_matches_scikit_learn_and_krippendorff() {
    let dir = tempfile::tempdir().unwrap();
    let project = team_project();
    let path = dir.path().join("team.stance.json");
    store::save_project(&project, &path).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "agreement",
            path.to_str().unwrap(),
            "--unit",
            "char",
            "--analysts",
            "ana,ben,cleo,dana",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "stancemark-agreement");
    let rows = report["rows"].as_array().unwrap();
    let find = |measure: &str, article: Option<&str>, stance: Option<&str>, analysts: &str| {
        rows.iter()
            .find(|r| {
                r["measure"] == measure
                    && r["article_title"].as_str() == Some(article.unwrap_or(""))
                    && r["stance_id"].as_str() == stance
                    && r["analysts"] == analysts
            })
            .unwrap_or_else(|| panic!("no row {measure} {article:?} {stance:?} {analysts}"))
    };
    // Dana marked the second article coded without a passage: she counts there (and agrees
    // with nobody who tagged it); she never opened the first, so pairs with her are undefined.
    let first_title = project.articles[0].title.as_str();
    assert!(find("kappa", Some(first_title), None, "ana;dana")["value"].is_null());
    assert!(!find("kappa", Some("A second brief"), None, "ana;dana")["units"].is_null());
    let pinned = |measure: &str, stance: Option<&str>, analysts: &str| {
        find(measure, None, stance, analysts)["value"].as_f64()
    };
    // Values scikit-learn and krippendorff gave for this project (the Python check below
    // recomputes every row where Python is installed; these hold without it).
    for (measure, analysts, expected) in [
        ("kappa", "ana;ben", 0.14689832376584977),
        ("alpha", "ana;ben;cleo;dana", 0.02553157958030694),
        ("percent", "ana;ben;cleo;dana", 0.8775510204081632),
    ] {
        let got = pinned(measure, None, analysts).unwrap();
        assert!(
            (got - expected).abs() < 1e-12,
            "{measure} {analysts}: {got}"
        );
    }
    // α_U of the same pair: the mean over both articles of DKPro's per-article value.
    let alpha_u = pinned("alpha-u", None, "ana;ben").unwrap();
    assert!((alpha_u - -0.14093796521533702).abs() < 1e-12, "{alpha_u}");
    if !python_has(&["numpy", "sklearn", "krippendorff"]) {
        return;
    }
    let report_path = dir.path().join("agreement.json");
    std::fs::write(&report_path, &out.stdout).unwrap();
    let script = root().join("tests/standards/agreement_reference.py");
    let checked = tool(
        "python3",
        &[
            script.to_str().unwrap(),
            path.to_str().unwrap(),
            report_path.to_str().unwrap(),
        ],
    )
    .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(said.contains(" 0 differ"), "{said}");
}

/// A discourse network written as GraphML opens in networkx with every node and each edge's
/// weight (the congruence network of random statements, and a two-mode network).
#[test]
fn network_graphml_reads_back_in_networkx_with_its_weights() {
    use stancemark::analysis::network::{
        Cube, OneModeAggregation, OneModeNormalization, Statement, TwoModeAggregation,
        TwoModeNormalization, one_mode, two_mode,
    };
    use stancemark::formats::network::{Network, NetworkType, Node};
    let mut seed: u64 = 5;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let statements: Vec<Statement> = (0..60)
        .map(|_| Statement {
            actor: next(8) as usize,
            concept: next(3) as usize,
            qualifier: if next(2) == 0 { 1 } else { -1 },
        })
        .collect();
    let cube = Cube::new(8, 3, &statements, None);
    let actors: Vec<Node> = (0..8)
        .map(|i| Node {
            id: format!("actor-{i}"),
            label: format!("Actor “{i}” & Co"),
            kind: "actor".into(),
        })
        .collect();
    let stances: Vec<Node> = ["regulation", "security", "pro-open-source"]
        .iter()
        .map(|s| Node {
            id: (*s).into(),
            label: (*s).into(),
            kind: "stance".into(),
        })
        .collect();
    let networks = [
        Network {
            kind: NetworkType::OneMode,
            rows: actors.clone(),
            columns: actors.clone(),
            matrix: one_mode(
                &cube,
                OneModeAggregation::Congruence,
                OneModeNormalization::Jaccard,
            ),
            windows: Vec::new(),
        },
        Network {
            kind: NetworkType::TwoMode,
            rows: actors,
            columns: stances,
            matrix: two_mode(
                &cube,
                TwoModeAggregation::Subtract,
                TwoModeNormalization::None,
            )
            .unwrap(),
            windows: Vec::new(),
        },
    ];
    if !python_has(&["networkx"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
print(json.dumps({
    "nodes": {n: [d["label"], d["type"]] for n, d in g.nodes(data=True)},
    "edges": sorted([a, b, d["weight"]] for a, b, d in g.edges(data=True)),
}))
"#;
    for (n, network) in networks.iter().enumerate() {
        let path = dir.path().join(format!("network-{n}.graphml"));
        std::fs::write(&path, network.to_graphml()).unwrap();
        let out = tool("python3", &["-c", script, path.to_str().unwrap()]).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let nodes = read["nodes"].as_object().unwrap();
        let one_mode = network.kind == NetworkType::OneMode;
        let expected_nodes = network.rows.len() + if one_mode { 0 } else { network.columns.len() };
        assert_eq!(nodes.len(), expected_nodes);
        assert_eq!(nodes["r0"][0], network.rows[0].label);
        let mut expected: Vec<(String, String, f64)> = Vec::new();
        for (i, row) in network.matrix.iter().enumerate() {
            for (j, &w) in row.iter().enumerate() {
                if w != 0.0 && (!one_mode || j > i) {
                    let target = if one_mode {
                        format!("r{j}")
                    } else {
                        format!("c{j}")
                    };
                    expected.push((format!("r{i}"), target, w));
                }
            }
        }
        expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let edges: Vec<(String, String, f64)> = read["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_owned(),
                    e[1].as_str().unwrap().to_owned(),
                    e[2].as_f64().unwrap(),
                )
            })
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(edges, expected, "network {n}");
    }
}

/// W3C: the actor travels as a body with `purpose: "identifying"` (its id as the source, its
/// name as the label, the position beside it) and comes back on import; the JSON export
/// carries actors, positions and the articles' DNA fields and reads back the same.
#[test]
fn actors_and_positions_travel_in_w3c_and_the_json_export() {
    let project = sample();
    let bytes = export_bytes(&project, ExportFormat::W3c, None).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let items = doc["first"]["items"].as_array().unwrap();
    let identifying: Vec<&serde_json::Value> = items
        .iter()
        .flat_map(|i| i["body"].as_array().unwrap())
        .filter(|b| b["purpose"] == "identifying")
        .collect();
    assert_eq!(identifying.len(), 10);
    assert!(
        identifying
            .iter()
            .any(|b| b["source"] == "urn:stancemark:actor:kevin-xu"
                && b["label"] == "Kevin Xu"
                && b["position"] == -1)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonld");
    std::fs::write(&path, &bytes).unwrap();
    let records = exchange::read_incoming(&path).unwrap();
    let mut bare = project.clone();
    bare.annotations = Default::default();
    bare.actors = Default::default();
    let mut ws = stancemark::Workspace::new(bare, Box::new(stancemark::workspace::SystemClock));
    ws.set_analyst_name("sample");
    let report = exchange::import_into(&mut ws, &records);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let back = ws.project();
    for a in project.annotations.iter() {
        let b = back.annotation(a.id).unwrap();
        let name = |p: &Project, id: &Option<stancemark::actors::ActorId>| {
            id.as_ref().map(|id| p.actors.name(id).to_owned())
        };
        assert_eq!(name(back, &b.actor), name(&project, &a.actor));
        assert_eq!(b.position, a.position);
    }
    // The JSON export (format 5) reads back as the same actors, positions and article fields.
    let mut project = project;
    let article = std::sync::Arc::make_mut(&mut project.articles[0]);
    article.meta.section = Some("Tech".into());
    article.meta.kind = Some("summary".into());
    article.meta.notes = Some("from a newsletter".into());
    project.actors.scale = Some(stancemark::actors::PositionScale { min: -2, max: 2 });
    let bytes = export_bytes(&project, ExportFormat::Json, None).unwrap();
    let file = dir.path().join("e.json");
    std::fs::write(&file, &bytes).unwrap();
    let again = exchange::read_new_project(&file).unwrap().project;
    assert_eq!(again.actors, project.actors);
    assert_eq!(again.articles[0].meta, project.articles[0].meta);
    assert_eq!(again.annotations, project.annotations);
}

fn dna_fixture() -> PathBuf {
    root().join("tests/fixtures/dna/energy.dna")
}

/// A DNA 3 database (made by tests/fixtures/dna/make_fixture.py from DNA's schema) becomes a
/// project: documents with their fields and dates, coders as analysts, statements with their
/// passages found through UTF-16 offsets and CRLF line ends, persons with their organisation,
/// attributes as actor fields, and the statement of another type kept as a note and reported.
#[test]
fn a_dna_database_becomes_a_project() {
    let read = stancemark::formats::dna::read_dna(&dna_fixture()).unwrap();
    let p = &read.project;
    assert_eq!(p.articles.len(), 5);
    let titles: Vec<&str> = p.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles[0], "Undated leaflet", "by date: undated (0) first");
    let hearing = p
        .articles
        .iter()
        .find(|a| a.title == "Coal exit hearing")
        .unwrap();
    assert_eq!(hearing.meta.date.as_deref(), Some("2024-01-15"));
    assert_eq!(hearing.meta.outlet.as_deref(), Some("Daily Planet"));
    assert_eq!(hearing.meta.section.as_deref(), Some("Politics"));
    assert_eq!(hearing.meta.kind.as_deref(), Some("news"));
    assert_eq!(hearing.meta.notes.as_deref(), Some("first hearing"));
    assert_eq!(p.articles[0].meta.date, None);
    let grid = p
        .articles
        .iter()
        .find(|a| a.title == "Grid report")
        .unwrap();
    assert!(!grid.text.contains('\r'), "CRLF read as LF");
    let names: Vec<&str> = p.analysts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["Ana López", "Ben Ode"],
        "coders with statements; not Admin"
    );
    assert_eq!(p.annotations.len(), 15);
    assert!(p.validate().is_empty(), "{:?}", p.validate());
    // Every passage is the text DNA marked (an emoji before the first ones, CRLF in another).
    let quote = |actor: &str, stance: &str| -> Vec<String> {
        let id = p.actors.find(actor).unwrap().id.clone();
        p.annotations
            .iter()
            .filter(|a| {
                a.actor.as_ref() == Some(&id) && p.stances.get(&a.stance).unwrap().label == stance
            })
            .map(|a| a.quote.clone())
            .collect()
    };
    assert_eq!(quote("Jane Doe", "Coal phase-out").len(), 2);
    assert!(
        quote("Jane Doe", "Coal phase-out")
            .contains(&"Jane Doe said coal must go by 2030".to_owned())
    );
    assert_eq!(
        quote("Erik Berg", "Coal phase-out"),
        ["Erik Berg opposes the coal phase-out"]
    );
    let farmers = p.actors.find("Farmers Union").unwrap();
    assert_eq!(farmers.kind, stancemark::actors::ActorKind::Organisation);
    assert_eq!(farmers.actor_type, "union");
    let jane = p.actors.find("Jane Doe").unwrap();
    assert_eq!(
        p.actors.name(jane.organisation.as_ref().unwrap()),
        "Greenpeace"
    );
    assert!(
        jane.notes.contains("spokesperson")
            && jane.notes.contains("Also coded with: Green Party (1)"),
        "{}",
        jane.notes
    );
    let ministry = p.actors.find("MoE").expect("alias");
    assert_eq!(ministry.name, "Ministry of Energy");
    assert_eq!(ministry.actor_type, "government");
    assert!(p.actors.types.iter().any(|t| t == "NGO"));
    let tax = p
        .stances
        .0
        .iter()
        .find(|s| s.label == "Carbon tax")
        .unwrap();
    assert_eq!(tax.description, "CO2 pricing");
    // Positions from agreement: John Smith rejects the carbon tax in two documents.
    let smith = p.actors.find("John Smith").unwrap().id.clone();
    let against = p
        .annotations
        .iter()
        .filter(|a| {
            a.actor.as_ref() == Some(&smith) && a.stance == tax.id && a.position == Some(-1)
        })
        .count();
    assert_eq!(against, 2);
    // The other statement type: kept, its variable in the note, and reported.
    let note = p
        .annotations
        .iter()
        .find(|a| a.note.contains("Check the date"))
        .expect("kept");
    assert_eq!(note.note, "note: Check the date of the hearing.");
    assert_eq!(p.stances.get(&note.stance).unwrap().label, "DNA Annotation");
    assert!(
        read.report.iter().any(|r| r.contains("“Annotation”")),
        "{:?}",
        read.report
    );
    // A DNA 2 database is refused with its version; a text file is not a DNA database.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.dna");
    let db = rusqlite::Connection::open(&old).unwrap();
    db.execute_batch("CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT); INSERT INTO SETTINGS VALUES ('version', '2.0 beta 25');").unwrap();
    drop(db);
    let e = stancemark::formats::dna::read_dna(&old)
        .unwrap_err()
        .to_string();
    assert!(e.contains("DNA 2.0 beta 25") && e.contains("DNA 3"), "{e}");
    let junk = dir.path().join("junk.dna");
    std::fs::write(&junk, "not a database at all").unwrap();
    let e = exchange::read_new_project(&junk).unwrap_err().to_string();
    assert!(e.contains("junk.dna"), "{e}");
}

/// Every network option of `stancemark network` on the imported fixture, against an
/// independent computation in Python straight from the DNA database (tests/fixtures/dna/
/// networks.py: DNA's boolean formulas), to 1e-9.
#[test]
fn network_numbers_match_an_independent_computation_on_the_dna_fixture() {
    if tool("python3", &["--version"]).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("energy.stance.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args([
            "import",
            dna_fixture().to_str().unwrap(),
            "-o",
            project.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let option_sets: Vec<Vec<&str>> = vec![
        vec!["--nodes", "person"],
        vec!["--nodes", "person", "--aggregation", "conflict"],
        vec!["--nodes", "person", "--aggregation", "subtract"],
        vec!["--nodes", "person", "--aggregation", "ignore"],
        vec!["--nodes", "person", "--normalization", "average"],
        vec!["--nodes", "person", "--normalization", "jaccard"],
        vec![
            "--nodes",
            "person",
            "--aggregation",
            "conflict",
            "--normalization",
            "cosine",
        ],
        vec!["--nodes", "organisation"],
        vec![
            "--nodes",
            "organisation",
            "--aggregation",
            "subtract",
            "--normalization",
            "jaccard",
        ],
        vec![
            "--of",
            "stances",
            "--nodes",
            "person",
            "--aggregation",
            "conflict",
        ],
        vec![
            "--of",
            "stances",
            "--nodes",
            "organisation",
            "--aggregation",
            "ignore",
        ],
        vec!["--type", "twomode", "--nodes", "person"],
        vec!["--type", "twomode", "--aggregation", "subtract"],
        vec![
            "--type",
            "twomode",
            "--aggregation",
            "combine",
            "--nodes",
            "person",
        ],
        vec!["--type", "twomode", "--normalization", "activity"],
        vec![
            "--type",
            "twomode",
            "--normalization",
            "prominence",
            "--nodes",
            "person",
        ],
        vec!["--nodes", "person", "--duplicates", "year"],
        vec![
            "--nodes",
            "person",
            "--duplicates",
            "article",
            "--type",
            "twomode",
        ],
        vec![
            "--nodes",
            "person",
            "--duplicates",
            "month",
            "--aggregation",
            "ignore",
        ],
        vec![
            "--nodes",
            "person",
            "--qualifier",
            "none",
            "--aggregation",
            "congruence",
        ],
        vec![
            "--nodes",
            "person",
            "--from",
            "2024-02",
            "--to",
            "2024-03-05",
        ],
        vec!["--nodes", "person", "--exclude-stance", "Carbon tax"],
        vec![
            "--type",
            "twomode",
            "--exclude-actor",
            "Jane Doe",
            "--nodes",
            "person",
        ],
    ];
    let mut python = std::process::Command::new("python3")
        .arg(root().join("tests/fixtures/dna/networks.py"))
        .arg(dna_fixture())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    python
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&option_sets).unwrap().as_bytes())
        .unwrap();
    let expected = python.wait_with_output().unwrap();
    assert!(expected.status.success());
    let expected: Vec<serde_json::Value> = serde_json::from_slice(&expected.stdout).unwrap();
    for (flags, want) in option_sets.iter().zip(&expected) {
        let mut args = vec!["network", project.to_str().unwrap(), "-f", "json"];
        args.extend(flags);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stancemark"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{flags:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let labels = |v: &serde_json::Value, key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect()
        };
        let (rows, cols) = (labels(&got, "rows"), labels(&got, "columns"));
        let mut want_rows = labels(want, "rows");
        let mut want_cols = labels(want, "columns");
        let (mut r, mut c) = (rows.clone(), cols.clone());
        r.sort();
        c.sort();
        want_rows.sort();
        want_cols.sort();
        assert_eq!((r, c), (want_rows, want_cols), "{flags:?}: nodes");
        let want_rows = labels(want, "rows");
        let want_cols = labels(want, "columns");
        for (i, row) in rows.iter().enumerate() {
            for (j, col) in cols.iter().enumerate() {
                let wi = want_rows.iter().position(|x| x == row).unwrap();
                let wj = want_cols.iter().position(|x| x == col).unwrap();
                let g = got["matrix"][i][j].as_f64().unwrap();
                let w = want["matrix"][wi][wj].as_f64().unwrap();
                assert!(
                    (g - w).abs() < 1e-9,
                    "{flags:?}: {row} × {col}: stancemark {g}, Python {w}"
                );
            }
        }
    }
}

/// `export --format dna` writes DNA's full schema (compared with tests/fixtures/dna/schema.sql
/// table by table, column by column), coders with the password `stancemark` hashed as jasypt
/// does (checked with Python's hashlib), values over 190 characters cut and reported, undated
/// articles as date 0; reading it back gives the same articles, passages, actors and positions.
#[test]
fn a_dna_export_has_dnas_schema_and_reads_back() {
    let mut project = stancemark::formats::dna::read_dna(&dna_fixture())
        .unwrap()
        .project;
    let long = "A very long title ".repeat(15);
    std::sync::Arc::make_mut(&mut project.articles[1]).title = long.clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.dna");
    let (count, notes) =
        stancemark::export::write_export_reporting(&project, ExportFormat::Dna, &path, None)
            .unwrap();
    assert_eq!(count, 15);
    assert!(
        notes.iter().any(|n| n.contains("a title cut to 190")),
        "{notes:?}"
    );
    let written = rusqlite::Connection::open(&path).unwrap();
    let reference = rusqlite::Connection::open_in_memory().unwrap();
    reference
        .execute_batch(
            &std::fs::read_to_string(root().join("tests/fixtures/dna/schema.sql")).unwrap(),
        )
        .unwrap();
    let tables = |db: &rusqlite::Connection| -> Vec<String> {
        let mut s = db
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let columns =
        |db: &rusqlite::Connection, table: &str| -> Vec<(String, String, bool, Option<String>)> {
            let mut s = db.prepare(&format!("PRAGMA table_info({table})")).unwrap();
            s.query_map([], |r| {
                Ok((r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? == 1, r.get(4)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
    assert_eq!(tables(&written), tables(&reference));
    assert_eq!(tables(&reference).len(), 16);
    for t in tables(&reference) {
        assert_eq!(columns(&written, &t), columns(&reference, &t), "{t}");
    }
    let title_len: i64 = written
        .query_row("SELECT MAX(LENGTH(Title)) FROM DOCUMENTS", [], |r| r.get(0))
        .unwrap();
    assert_eq!(title_len, 190);
    let undated: i64 = written
        .query_row("SELECT COUNT(*) FROM DOCUMENTS WHERE Date = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(undated, 1);
    let (name, hash): (String, String) = written
        .query_row("SELECT Name, Password FROM CODERS WHERE ID = 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(name, "Ana López");
    drop(written);
    if tool("python3", &["--version"]).is_some() {
        let check = format!(
            "import base64, hashlib\nraw = base64.b64decode('{hash}')\nsalt, digest = raw[:16], raw[16:]\nd = hashlib.sha256(salt + 'stancemark'.encode('utf-8')).digest()\nfor _ in range(99999):\n    d = hashlib.sha256(d).digest()\nassert d == digest, 'hash differs'\nprint('ok')"
        );
        let out = tool("python3", &["-c", &check]).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Read back: the same articles (the long title cut), passages, actors and positions.
    let back = stancemark::formats::dna::read_dna(&path).unwrap().project;
    assert_eq!(back.articles.len(), 5);
    for (a, b) in project.articles.iter().zip(&back.articles) {
        assert_eq!(a.text, b.text);
        assert_eq!(a.meta.date, b.meta.date);
    }
    let claims = |p: &Project| -> Vec<(String, String, String, Option<i32>)> {
        let mut v: Vec<_> = p
            .annotations
            .iter()
            .filter(|a| a.actor.is_some())
            .map(|a| {
                (
                    a.quote.clone(),
                    p.actors.name(a.actor.as_ref().unwrap()).to_owned(),
                    p.stances.get(&a.stance).unwrap().label.clone(),
                    a.position,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(claims(&back), claims(&project));
    let jane = back.actors.find("Jane Doe").unwrap();
    assert_eq!(
        back.actors.name(jane.organisation.as_ref().unwrap()),
        "Greenpeace"
    );
}

/// The Manifesto Project's path on the command line: a project from the template, a Manifesto
/// Corpus CSV in and back out row for row, a second coder, agreement by unit equal to the
/// `krippendorff` package's and scikit-learn's, and the shares of coded units.
#[test]
fn manifesto_files_round_trip_and_agreement_by_unit_matches_the_references() {
    use stancemark::schemes::manifesto_id;
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_stancemark");
    let run = |args: &[&str]| Command::new(bin).args(args).output().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    // Templates.
    let made = run(&["new", &path("m"), "--template", "manifesto"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let m = store::load_project(&dir.path().join("m.stance.json")).unwrap();
    assert_eq!(m.stances.0.len(), 7 + 1 + 56 + 32);
    assert!(m.stances.0.iter().all(|s| s.hotkey.is_none()));
    let again = run(&["new", &path("m"), "--template", "manifesto"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    let cap = run(&["new", &path("c.stance"), "--template", "cap"]);
    assert!(cap.status.success());
    assert_eq!(
        store::load_any(&dir.path().join("c.stance"))
            .unwrap()
            .project
            .stances
            .0
            .len(),
        21 + 213
    );
    let no_target = run(&["new", &path("t"), "--template", "stance-target"]);
    assert_eq!(no_target.status.code(), Some(2));
    // A Manifesto file in, and back out.
    let fixture = root().join("tests/fixtures/manifesto/green-future.csv");
    let fixture = fixture.to_str().unwrap();
    let imported = run(&["import", fixture, "-o", &path("g")]);
    let said = String::from_utf8_lossy(&imported.stderr);
    assert!(imported.status.success(), "{said}");
    assert!(said.contains("line 12: empty text"), "{said}");
    assert!(said.contains("code 999"), "{said}");
    let g = path("g.stance.json");
    let out = run(&[
        "export",
        &g,
        "--format",
        "manifesto-csv",
        "-o",
        &path("back.csv"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = |file: &str| -> Vec<[String; 3]> {
        let mut r = csv::Reader::from_path(file).unwrap();
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let (t, c, e) = (col("text"), col("cmp_code"), col("eu_code"));
        r.records()
            .map(|rec| rec.unwrap())
            .filter(|rec| !rec[t].is_empty())
            .map(|rec| [rec[t].to_owned(), rec[c].to_owned(), rec[e].to_owned()])
            .collect()
    };
    let original = rows(fixture);
    assert_eq!(original.len(), 24);
    assert_eq!(rows(&path("back.csv")), original);
    // A second coder: the same codes but five differ, one unit left, one coded two ways.
    let mut ws = Workspace::new(
        store::load_project(Path::new(&g)).unwrap(),
        Box::new(SteppingClock::default()),
    );
    ws.set_analyst_name("Ben");
    let article = ws.project().articles[0].clone();
    let differ = [
        (3, "503"),
        (8, "503"),
        (16, "201.1"),
        (18, "107"),
        (21, "303"),
    ];
    for (i, row) in original.iter().enumerate() {
        let unit = article.units[i];
        if unit.heading || row[1] == "NA" || i == 23 {
            continue;
        }
        let code = differ
            .iter()
            .find(|(at, _)| *at == i)
            .map_or(row[1].as_str(), |(_, c)| c);
        ws.code_unit(article.id, i, &manifesto_id(code)).unwrap();
    }
    // Coded two ways: missing, and reported.
    ws.add_annotation(
        article.id,
        article.units[22].range(),
        &manifesto_id("501"),
        "",
    )
    .unwrap();
    store::save_project(ws.project(), Path::new(&g)).unwrap();
    let out = run(&[
        "agreement",
        &g,
        "--unit",
        "unit",
        "--analysts",
        "manifesto-project,ben",
        "--format",
        "json",
    ]);
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{warned}");
    assert!(
        warned.contains("unit 23 is coded 2 ways by Ben"),
        "{warned}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let overall = |measure: &str| {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["measure"] == measure && r["stance_id"].is_null() && r["article_id"].is_null()
            })
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    // Values the krippendorff package and scikit-learn gave (recomputed below when Python
    // has them).
    let pinned = [
        ("alpha", 0.767_054_908_485_856_9),
        ("kappa", 0.762_376_237_623_762_4),
        ("percent", 0.777_777_777_777_777_8),
    ];
    for (measure, expected) in pinned {
        let got = overall(measure);
        assert!((got - expected).abs() < 1e-12, "{measure}: {got}");
    }
    let per_stance = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure"] == "kappa" && r["stance_id"] == "marpor-504")
        .unwrap();
    assert_eq!(per_stance["unit"], "unit");
    if python_has(&["numpy", "sklearn", "krippendorff"]) {
        let script = root().join("tests/standards/unit_agreement_reference.py");
        let out = tool(
            "python3",
            &[script.to_str().unwrap(), &g, "manifesto-project", "ben"],
        )
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reference: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for (measure, _) in pinned {
            let want = reference[measure].as_f64().unwrap();
            assert!(
                (overall(measure) - want).abs() < 1e-12,
                "{measure}: {} vs the reference {want}",
                overall(measure)
            );
        }
    }
    // The shares of coded units roll up into categories and domains.
    let out = run(&[
        "stats",
        &g,
        "--shares",
        "--format",
        "csv",
        "--analysts",
        "manifesto-project",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("article_id,article_title,code,label,kind,units,percent\n"));
    let share = |code: &str| {
        text.lines()
            .find(|l| l.contains(&format!(",{code},")) && !l.starts_with(','))
            .unwrap_or_else(|| panic!("no {code} in {text}"))
            .rsplit(',')
            .take(2)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // 19 coded units (000 and the unknown code included; 4 headings and 1 uncoded not).
    assert_eq!(share("501"), ["10.5263", "2"]);
    assert_eq!(share("domain5"), ["31.5789", "6"]);
    assert_eq!(share("201"), ["5.2632", "1"]);
    let both = run(&["stats", &g, "--shares", "--format", "csv"]);
    assert_eq!(both.status.code(), Some(2), "two coders: name one");
    // Codes travel in the other exports.
    let out = run(&["export", &g, "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(",504\r\n"));
    let out = run(&["export", &g, "--format", "html"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("504 Welfare State Expansion"));
    let out = run(&["export", &g, "--format", "qdc"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("name=\"504 Welfare State Expansion\""));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name=\"Economy\" isCodable=\"false\""));
    let out = run(&["export", &g, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["articles"][0]["units"][0]["heading"], true);
    assert!(
        json["stances"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "103.1")
    );
    // …and back: the JSON export becomes a project with the same units and codes.
    std::fs::write(path("e.json"), &out.stdout).unwrap();
    let back = exchange::read_new_project(Path::new(&path("e.json")))
        .unwrap()
        .project;
    assert_eq!(back.articles[0].units, article.units);
    assert!(back.stances.get(&manifesto_id("domain1")).unwrap().group);
}
