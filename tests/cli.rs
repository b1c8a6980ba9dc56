//! The `stancemark` binary's subcommands, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stancemark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args(args)
        .output()
        .expect("run stancemark")
}

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data/open-source-ai.stance.json")
        .display()
        .to_string()
}

fn broken_file(dir: &Path) -> PathBuf {
    let path = dir.join("broken.stance.json");
    let good = std::fs::read_to_string(sample()).unwrap();
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    path
}

#[test]
fn export_json_to_stdout_is_the_documented_shape() {
    let out = stancemark(&["export", &sample(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "stancemark-export");
    assert_eq!(v["stances"].as_array().unwrap().len(), 3);
    assert_eq!(v["articles"].as_array().unwrap().len(), 1);
    let anns = v["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 12);
    for key in [
        "id",
        "article_id",
        "article_title",
        "stance_id",
        "stance_label",
        "start",
        "end",
        "quote",
        "note",
        "annotator",
        "created",
        "modified",
    ] {
        assert!(anns[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn export_ron_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.ron");
    let out = stancemark(&[
        "export",
        &sample(),
        "-f",
        "ron",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("exported 12 annotations"));
    let export: stancemark::export::Export =
        ron::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(export.annotations.len(), 12);
}

#[test]
fn validate_accepts_the_sample_and_rejects_a_broken_file() {
    let out = stancemark(&["validate", &sample()]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("valid — 1 article(s), 3 stance(s), 12 annotation(s)")
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = broken_file(dir.path());
    let before = std::fs::read(&broken).unwrap();
    let out = stancemark(&["validate", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("broken.stance.json: line"),
        "{err}"
    );
    assert_eq!(std::fs::read(&broken).unwrap(), before);
}

#[test]
fn export_of_a_broken_or_missing_file_fails_cleanly_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let broken = broken_file(dir.path());
    let target = dir.path().join("out.json");
    let out = stancemark(&[
        "export",
        broken.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!target.exists(), "no partial export is written");
    let out = stancemark(&["export", "/no/such/project.stance.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No such file"));
}

#[test]
fn stats_counts_per_stance_per_article() {
    let out = stancemark(&["stats", &sample()]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "Annotations");
    assert!(lines[1].contains("pro-open-source") && lines[1].contains("regulation"));
    let totals: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| l.starts_with("TOTAL"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    // TOTAL pro-open-source regulation security: annotations, then annotated code points.
    assert_eq!(totals[0], ["TOTAL", "6", "3", "3"]);
    assert_eq!(totals.len(), 2);
    assert!(lines.contains(&"Annotated code points"));
    assert!(!table.contains("Co-occurrence"));
    let with_pairs = stancemark(&["stats", &sample(), "--cooccurrence"]);
    assert!(String::from_utf8_lossy(&with_pairs.stdout).contains("Co-occurrence"));
}

#[test]
fn stats_as_long_csv_and_json_hold_the_same_records() {
    let csv_out = stancemark(&["stats", &sample(), "--format", "csv"]);
    assert!(csv_out.status.success());
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "article_id",
            "article_title",
            "stance_id",
            "stance_label",
            "annotations",
            "annotated_code_points"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // One article × 3 stances, then 3 project rows.
    assert_eq!(rows.len(), 6);
    let project_security = rows
        .iter()
        .find(|r| r[0].is_empty() && &r[2] == "security")
        .unwrap();
    assert_eq!(&project_security[4], "3");
    let covered: usize = project_security[5].parse().unwrap();
    assert!(covered > 0);

    let json_out = stancemark(&["stats", &sample(), "--format", "json"]);
    assert!(json_out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(json["format_version"], 2);
    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), rows.len());
    let same = records
        .iter()
        .find(|r| r["article_id"].is_null() && r["stance_id"] == "security")
        .unwrap();
    assert_eq!(same["annotated_code_points"], covered);
    // Three stances: 3 + 2 + 1 unordered pairs.
    assert_eq!(json["cooccurrence"].as_array().unwrap().len(), 6);

    let pairs = stancemark(&["stats", &sample(), "--format", "csv", "--cooccurrence"]);
    let text = String::from_utf8_lossy(&pairs.stdout);
    assert!(
        text.starts_with("stance_a_id,stance_a_label,stance_b_id,stance_b_label,overlapping_pairs")
    );
    assert_eq!(text.lines().count(), 7);
    // The same figures through `export`.
    let export = stancemark(&["export", &sample(), "--format", "stats"]);
    assert_eq!(export.stdout, csv_out.stdout);
    // Each chart as SVG, named for what it shows.
    for (format, heading) in [
        ("chart-svg", "Annotations per stance"),
        ("cooccurrence-svg", "Pairs of overlapping annotations"),
        ("along-svg", "Annotations along the text"),
    ] {
        let out = stancemark(&["export", &sample(), "--format", format]);
        assert!(out.status.success(), "{format}");
        let svg = String::from_utf8_lossy(&out.stdout);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(heading), "{format}: {svg}");
    }
}

#[test]
fn messages_speak_of_the_file_not_of_internal_types() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "wrong.stance.json",
            "{\"format_version\": 3, \"project\": [1, 2]}",
        ),
        ("list.stance.json", "[1, 2, 3]"),
        ("old.stance.ron", "Project(name: 1)"),
        ("older.stance.ron", "(format_version: 2, project: [])"),
    ];
    for (name, content) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let out = stancemark(&["validate", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        for internal in ["JsonProjectIn", "JsonFileIn", "RonFileIn", "struct `"] {
            assert!(!err.contains(internal), "{name}: {err}");
        }
        assert!(err.starts_with("error: ") && err.contains(name), "{err}");
    }
}

#[test]
fn an_inverted_range_is_called_inverted_not_outside_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inverted.stance.json");
    let good = std::fs::read_to_string(sample()).unwrap();
    std::fs::write(&path, good.replacen("\"end\": 317", "\"end\": 100", 1)).unwrap();
    let out = stancemark(&["validate", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inverted range 258..100"), "{err}");
    assert!(!err.contains("outside"), "{err}");
}

#[test]
fn validate_refuses_what_is_not_a_file_at_once() {
    let out = stancemark(&["validate", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn export_over_an_existing_file_leaves_no_backup_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    for _ in 0..2 {
        let out = stancemark(&["export", &sample(), "-o", target.to_str().unwrap()]);
        assert!(out.status.success());
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["out.json"]);
}

#[test]
fn a_closed_pipe_ends_an_export_quietly() {
    use std::io::Read;
    // A project whose export is far larger than a pipe's buffer.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.stance.json");
    let mut project = stancemark::store::load_project(Path::new(&sample())).unwrap();
    let article = project.articles[0].clone();
    for i in 0..60u64 {
        let mut copy = (*article).clone();
        copy.id = uuid::Uuid::from_u64_pair(9, i);
        project.articles.push(copy.into());
    }
    stancemark::store::save_project(&project, &big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_stancemark"))
        .args(["export", big.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, as `head` does, then close the pipe.
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn add_creates_the_project_reports_each_file_and_fails_for_the_unreadable_ones() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.stance.json");
    let sheet = dir.path().join("numbers.xlsx");
    std::fs::write(&sheet, b"PK\x03\x04\x14\x00binary").unwrap();
    let tiny = dir.path().join("tiny.html");
    std::fs::write(&tiny, "<html><body><p>Only a line.</p></body></html>").unwrap();
    let out = stancemark(&[
        "add",
        project.to_str().unwrap(),
        &fixture("import/brief.docx"),
        &fixture("import/two-column.pdf"),
        &fixture("import/latin1.txt"),
        sheet.to_str().unwrap(),
        tiny.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !out.status.success(),
        "a file could not be read: {stdout}{stderr}"
    );
    // One line per article, with title, size and how it was read.
    assert!(
        stdout.contains("added “Open models and the state” — "),
        "{stdout}"
    );
    assert!(stdout.contains("Word"), "{stdout}");
    assert!(stdout.contains("PDF"), "{stdout}");
    assert!(stdout.contains("windows-1252"), "{stdout}");
    assert!(stdout.contains("saved"), "{stdout}");
    assert!(
        stderr.contains("numbers.xlsx") && stderr.contains("not a format"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning:") && stderr.contains("almost no text"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning:") && stderr.contains("not UTF-8"),
        "{stderr}"
    );
    let saved = stancemark::store::load_project(&project).unwrap();
    assert_eq!(saved.articles.len(), 4, "the readable files were added");
    // Adding to the existing project keeps what it has.
    let again = stancemark(&[
        "add",
        project.to_str().unwrap(),
        &fixture("import/brief.odt"),
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        stancemark::store::load_project(&project)
            .unwrap()
            .articles
            .len(),
        5
    );
}

#[test]
fn add_refuses_a_binary_file_by_what_it_is_and_skips_a_text_already_in_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.stance.json");
    // The head of a real executable, under a text name.
    let exe = std::fs::read(env!("CARGO_BIN_EXE_stancemark")).unwrap();
    let junk = dir.path().join("x.txt");
    std::fs::write(&junk, &exe[..20_000]).unwrap();
    let good = fixture("import/latin1.txt");
    let out = stancemark(&[
        "add",
        project.to_str().unwrap(),
        junk.to_str().unwrap(),
        &good,
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("x.txt: this is an ELF executable, not a text file"),
        "{stderr}"
    );
    assert_eq!(
        stancemark::store::load_project(&project)
            .unwrap()
            .articles
            .len(),
        1,
        "the readable file was still added"
    );
    // `stats` on the binary file names it too.
    let stats = stancemark(&["stats", junk.to_str().unwrap()]);
    assert_eq!(stats.status.code(), Some(1));
    assert!(
        text(&stats.stderr).contains("an ELF executable") && !text(&stats.stderr).contains("UTF-8"),
        "{}",
        text(&stats.stderr)
    );
    // The same text again: skipped with a warning, exit 0, the project unchanged.
    let copy = dir.path().join("copy.txt");
    std::fs::copy(&good, &copy).unwrap();
    let again = stancemark(&["add", project.to_str().unwrap(), copy.to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("warning: skipped")
            && text(&again.stderr).contains("already the article"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        stancemark::store::load_project(&project)
            .unwrap()
            .articles
            .len(),
        1
    );
}

#[test]
fn reimport_reports_what_stayed_moved_and_was_orphaned() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("bill.txt");
    let v1 = "Article 1. Providers shall keep technical documentation.\nArticle 2. Deployers shall inform users.\nArticle 3. Penalties apply.\n";
    std::fs::write(&source, v1).unwrap();
    let project = dir.path().join("bill.stance.json");
    assert!(
        stancemark(&["add", project.to_str().unwrap(), source.to_str().unwrap()])
            .status
            .success()
    );
    // Three annotations, placed by the library as the window places them.
    let mut p = stancemark::store::load_project(&project).unwrap();
    let article = p.articles[0].id;
    let mut ws = stancemark::workspace::Workspace::new(
        p.clone(),
        Box::new(stancemark::workspace::SteppingClock::default()),
    );
    for quote in [
        "Providers shall keep technical documentation",
        "Deployers shall inform users",
        "Penalties apply",
    ] {
        let start = v1[..v1.find(quote).unwrap()].chars().count();
        let range = stancemark::model::TextRange {
            start,
            end: start + quote.chars().count(),
        };
        ws.add_annotation(
            article,
            range,
            &stancemark::model::StanceId::new("regulation"),
            "",
        )
        .unwrap();
    }
    p = ws.project().clone();
    stancemark::store::save_project(&p, &project).unwrap();
    // Version 2: a new article 1a, article 3 rewritten.
    let v2 = "Article 1. Providers shall keep technical documentation.\nArticle 1a. Audits happen yearly.\nArticle 2. Deployers shall inform users.\nArticle 3. Fines are set by each member state.\n";
    let v2_path = dir.path().join("bill-v2.txt");
    std::fs::write(&v2_path, v2).unwrap();
    let out = stancemark(&[
        "reimport",
        project.to_str().unwrap(),
        "Article 1",
        v2_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 stayed, 1 moved, 1 orphaned"), "{stdout}");
    assert!(
        text(&out.stderr).contains("orphans"),
        "{}",
        text(&out.stderr)
    );
    let after = stancemark::store::load_project(&project).unwrap();
    assert_eq!(after.articles[0].text, v2);
    assert_eq!(after.annotations.iter().filter(|a| a.orphaned).count(), 1);
    // An unknown article is a clear error that lists the articles.
    let out = stancemark(&[
        "reimport",
        project.to_str().unwrap(),
        "Nope",
        v2_path.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no article matches “Nope”"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_writes_every_format_and_one_article_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    for (format, check) in [
        ("csv", "article_id,article_title"),
        ("w3c", "AnnotationCollection"),
        ("qdc", "urn:QDA-XML:codebook:1.0"),
        ("html", "<!DOCTYPE html>"),
        ("ron", "format_version"),
    ] {
        let out = stancemark(&["export", &sample(), "--format", format]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains(check), "{format}");
    }
    // A .qdpx is an archive: to a file only.
    let out = stancemark(&["export", &sample(), "--format", "qdpx"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("-o"), "{}", text(&out.stderr));
    let qdpx = dir.path().join("sample.qdpx");
    let out = stancemark(&[
        "export",
        &sample(),
        "-f",
        "qdpx",
        "-o",
        qdpx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(&qdpx).unwrap().starts_with(b"PK"));
    let out = stancemark(&["export", &sample(), "-f", "html", "--article", "Stifling"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Open Source AI Regulation Risks Stifling Innovation"));
}

#[test]
fn import_makes_a_new_project_or_brings_annotations_into_one_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("field.stance.json");
    let out = stancemark(&[
        "import",
        &fixture("exchange/other-tools.qdpx"),
        "-o",
        new.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 article(s)"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("skipped") && text(&out.stderr).contains("photo"));
    let before = std::fs::read(&new).unwrap();
    let out = stancemark(&[
        "import",
        &fixture("exchange/other-tools.qdpx"),
        "-o",
        new.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&new).unwrap(), before);
    // A CSV into a project that has its articles, but none of its annotations yet.
    let csv = dir.path().join("coding.csv");
    assert!(
        stancemark(&[
            "export",
            &sample(),
            "-f",
            "csv",
            "-o",
            csv.to_str().unwrap()
        ])
        .status
        .success()
    );
    let mut bare = stancemark::store::load_project(Path::new(&sample())).unwrap();
    bare.annotations.clear();
    let target = dir.path().join("bare.stance.json");
    stancemark::store::save_project(&bare, &target).unwrap();
    let out = stancemark(&[
        "import",
        csv.to_str().unwrap(),
        "--into",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("12 annotation(s) came in"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        stancemark::store::load_project(&target)
            .unwrap()
            .annotations
            .len(),
        12
    );
    // A CSV is not a project by itself, and a .qdpx does not go into one.
    let out = stancemark(&[
        "import",
        csv.to_str().unwrap(),
        "-o",
        dir.path().join("x.stance.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("carries no article texts"),
        "{}",
        text(&out.stderr)
    );
    let out = stancemark(&[
        "import",
        &fixture("exchange/other-tools.qdpx"),
        "--into",
        target.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("open it as a new project"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn suggest_prints_matches_as_tsv_or_json_and_accept_tags_and_saves_them() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.stance.json");
    std::fs::copy(sample(), &project).unwrap();
    let p = project.to_str().unwrap();
    let out = stancemark(&["suggest", p, "--term", "decades", "--stance", "security"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tsv = text(&out.stdout);
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(
        lines[0],
        "article_id\tarticle_title\tstart\tend\tquote\tstance_id\tstance_label\tconfidence"
    );
    assert!(lines.len() >= 3);
    let saved = stancemark::store::load_project(&project).unwrap();
    let article = &saved.articles[0];
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split('\t').collect();
        let (start, end): (usize, usize) = (cells[2].parse().unwrap(), cells[3].parse().unwrap());
        let range = stancemark::model::TextRange { start, end };
        assert_eq!(
            stancemark::text::slice_chars(&article.text, range),
            cells[4]
        );
        assert_eq!(cells[4].to_lowercase(), "decades");
        assert_eq!((cells[5], cells[6]), ("security", "security"));
    }
    let json = stancemark(&[
        "suggest", p, "--term", "decades", "--stance", "security", "--format", "json",
    ]);
    let items: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), lines.len() - 1);
    // The CSV export's keys, the same as the TSV header.
    let keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in lines[0].split('\t') {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(
        items[0]["confidence"].is_null(),
        "a pattern match has no confidence"
    );
    let before = saved.annotations.len();
    let accepted = stancemark(&[
        "suggest", p, "--term", "decades", "--stance", "security", "--accept",
    ]);
    assert!(accepted.status.success());
    assert!(
        text(&accepted.stderr).contains(&format!("accepted {} suggestion(s)", lines.len() - 1))
    );
    let after = stancemark::store::load_project(&project).unwrap();
    assert_eq!(after.annotations.len(), before + lines.len() - 1);
    // Tagged now: the same request suggests nothing and says why.
    let again = stancemark(&["suggest", p, "--term", "decades", "--stance", "security"]);
    assert_eq!(text(&again.stdout).lines().count(), 1, "only the header");
    assert!(text(&again.stderr).contains("already annotated"));
}

#[test]
fn suggest_similar_ranks_sentences_and_bad_requests_are_refused() {
    let saved = stancemark::store::load_project(Path::new(&sample())).unwrap();
    let source = saved.annotations.first().unwrap().id.to_string();
    let out = stancemark(&["suggest", &sample(), "--similar", &source, "--top", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tsv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 3);
    let scores: Vec<f32> = rows.iter().map(|r| r[7].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(
        rows.iter()
            .all(|r| r[5] == saved.annotations.first().unwrap().stance.as_str())
    );
    let bad = stancemark(&["suggest", &sample(), "--regex", "(", "--stance", "security"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("invalid pattern"));
    let no_stance = stancemark(&["suggest", &sample(), "--term", "x", "--stance", "nope"]);
    assert_eq!(no_stance.status.code(), Some(1));
    assert!(text(&no_stance.stderr).contains("no stance"));
    let missing = stancemark(&["suggest", &sample(), "--term", "x"]);
    assert_eq!(
        missing.status.code(),
        Some(2),
        "--stance is required with --term"
    );
}

#[test]
fn a_scheme_exported_from_one_project_comes_into_another() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = dir.path().join("team-scheme.json");
    let out = stancemark(&[
        "export",
        &sample(),
        "--format",
        "scheme",
        "-o",
        scheme.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&scheme).unwrap()).unwrap();
    assert_eq!(json["format"], "stancemark-scheme");
    assert_eq!(json["stances"].as_array().unwrap().len(), 3);
    // Another project, made by `add`, with the default scheme recoloured by the team file.
    let mut edited = json.clone();
    edited["stances"][0]["color"] = "#123456".into();
    std::fs::write(&scheme, serde_json::to_string(&edited).unwrap()).unwrap();
    let project = dir.path().join("other.stance.json");
    let article = fixture("import/hard-wrapped.txt");
    assert!(
        stancemark(&["add", project.to_str().unwrap(), &article])
            .status
            .success()
    );
    let out = stancemark(&[
        "import",
        scheme.to_str().unwrap(),
        "--into",
        project.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 stance(s) added, 1 updated"),
        "{}",
        text(&out.stdout)
    );
    let loaded = stancemark::store::load_project(&project).unwrap();
    assert_eq!(loaded.stances.0[0].color.to_hex(), "#123456");
}

#[test]
fn learned_suggestions_come_from_the_projects_own_coding_most_confident_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.stance.json");
    std::fs::copy(sample(), &project).unwrap();
    let p = project.to_str().unwrap();
    // A second article, uncoded, about the same things.
    let article = fixture("import/hard-wrapped.txt");
    assert!(stancemark(&["add", p, &article]).status.success());
    let out = stancemark(&["suggest", p, "--learned"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tsv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(
        !rows.is_empty(),
        "the classifier proposes something for the new article"
    );
    let stances = ["pro-open-source", "regulation", "security"];
    let mut last = 1.0f32;
    for r in &rows {
        assert!(stances.contains(&r[5]), "{r:?}");
        let c: f32 = r[7].parse().unwrap();
        assert!((0.5..=1.0).contains(&c) && c <= last, "{r:?}");
        last = c;
    }
    let json = stancemark(&["suggest", p, "--learned", "--stance", "security"]);
    assert_eq!(json.status.code(), Some(2), "--learned takes no stance");
}

#[test]
fn the_analyst_flag_says_whose_annotations_a_command_makes() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.stance.json");
    std::fs::copy(sample(), &project).unwrap();
    let p = project.to_str().unwrap();
    let out = stancemark(&[
        "--analyst",
        "Ana López",
        "suggest",
        p,
        "--term",
        "decades",
        "--stance",
        "security",
        "--accept",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let saved = stancemark::store::load_project(&project).unwrap();
    let ana = stancemark::model::AnalystId::new("ana-lópez");
    assert_eq!(saved.analyst_name(&ana), "Ana López");
    assert!(saved.annotations.iter().any(|a| a.analyst == ana));
    // The flag goes after the subcommand too.
    let out = stancemark(&["export", p, "--analyst", "Dana", "-f", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The project folder works wherever a file does, and `convert` turns one form into the other
/// without ever writing over an existing project.
#[test]
fn convert_makes_a_folder_of_a_file_and_back_and_every_command_opens_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("team.stance");
    let out = stancemark(&["convert", &sample(), folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(folder.join("project.json").is_file());
    assert!(folder.join(".gitignore").is_file());
    let layers: Vec<_> = std::fs::read_dir(folder.join("layers/sample"))
        .unwrap()
        .collect();
    assert_eq!(layers.len(), 1, "one layer file: the sample's one article");

    // An existing TO is refused, and left as it was.
    let before = std::fs::read(folder.join("project.json")).unwrap();
    let again = stancemark(&["convert", &sample(), folder.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("never writes over"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read(folder.join("project.json")).unwrap(), before);

    // Commands read the folder (or its project.json) like a file.
    let f = folder.to_str().unwrap();
    let validate = stancemark(&["validate", f]);
    assert!(validate.status.success(), "{}", text(&validate.stderr));
    let stats = stancemark(&[
        "stats",
        &folder.join("project.json").display().to_string(),
        "--format",
        "csv",
    ]);
    assert!(stats.status.success(), "{}", text(&stats.stderr));
    assert_eq!(
        text(&stats.stdout),
        text(&stancemark(&["stats", &sample(), "--format", "csv"]).stdout)
    );

    // A command that saves writes the folder: the new annotations land in Dana's layer file.
    let accepted = stancemark(&[
        "--analyst",
        "Dana",
        "suggest",
        f,
        "--term",
        "decades",
        "--stance",
        "security",
        "--accept",
    ]);
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    let dana: Vec<_> = std::fs::read_dir(folder.join("layers/dana"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dana.len(), 1, "Dana's layer on the one article");
    let dana_lines = std::fs::read_to_string(&dana[0]).unwrap().lines().count();
    assert!(text(&accepted.stderr).contains(&format!("accepted {dana_lines} suggestion(s)")));
    assert!(folder.join("analysts/dana.json").is_file());

    // And back to one file: the same annotations, Dana's included.
    let file = dir.path().join("back.stance.json");
    let back = stancemark(&["convert", f, file.to_str().unwrap()]);
    assert!(back.status.success(), "{}", text(&back.stderr));
    let project = stancemark::store::load_project(&file).unwrap();
    assert_eq!(project.annotations.len(), 12 + dana_lines);
    assert!(project.analyst(&"dana".into()).is_some());
}

/// The team workflow on the command line: two analysts code the sample in separate copies,
/// one merges the other's, they read agreement, the agreed passages go into gold, gold
/// exports on its own; merging the same copy again changes nothing.
#[test]
fn two_analysts_merge_read_agreement_curate_gold_and_export_it() {
    use stancemark::model::{AnalystId, StanceId, TextRange};
    let dir = tempfile::tempdir().unwrap();
    let sample_project = stancemark::store::load_project(Path::new(&sample())).unwrap();
    // Each analyst's copy: the sample's passages as theirs. Ben leaves out the last, shifts
    // the first passage's start and calls the third "regulation".
    let copy_for = |name: &str, change: bool| {
        let mut project = sample_project.clone();
        let analyst = project.new_analyst(name);
        let id = analyst.id.clone();
        project.analysts = vec![analyst];
        let mut annotations: Vec<stancemark::model::Annotation> = sample_project
            .annotations
            .iter()
            .map(|a| {
                let mut a = (**a).clone();
                a.id = uuid::Uuid::new_v4();
                a.analyst = id.clone();
                a
            })
            .collect();
        annotations.sort_by_key(|a| a.range.start);
        if change {
            annotations.pop();
            annotations[0].range = TextRange {
                start: annotations[0].range.start + 5,
                end: annotations[0].range.end,
            };
            annotations[2].stance = StanceId::new("regulation");
        }
        project.annotations = Default::default();
        for a in annotations {
            project.push_annotation(a);
        }
        project
    };
    let ana = dir.path().join("ana.stance");
    let ben = dir.path().join("ben.stance.json");
    stancemark::store::save_any(&copy_for("Ana", false), &ana, None).unwrap();
    stancemark::store::save_project(&copy_for("Ben", true), &ben).unwrap();
    let (a, b) = (ana.to_str().unwrap(), ben.to_str().unwrap());

    let out = stancemark(&["--analyst", "Ana", "merge", a, b]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Ben: 11 added"), "{said}");
    let merged = stancemark::store::load_any(&ana).unwrap().project;
    assert_eq!(merged.annotations.len(), 23);
    // The same copy again: nothing changes, nothing is saved.
    let before = std::fs::read_dir(ana.join("layers/ben")).unwrap().count();
    let out = stancemark(&["--analyst", "Ana", "merge", a, b]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("11 unchanged"),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("saved"));
    assert_eq!(
        std::fs::read_dir(ana.join("layers/ben")).unwrap().count(),
        before
    );
    // Nothing readable: non-zero, the project untouched.
    let out = stancemark(&[
        "merge",
        a,
        dir.path().join("missing.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("nothing could be read"),
        "{}",
        text(&out.stderr)
    );

    // Agreement: both analysts, every measure; the pair's overall α_U is defined and below 1.
    let out = stancemark(&["agreement", a, "--measure", "all", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = report["rows"].as_array().unwrap();
    let corpus = |measure: &str| {
        rows.iter()
            .find(|r| {
                r["measure"] == measure && r["article_id"].is_null() && r["stance_id"].is_null()
            })
            .unwrap_or_else(|| panic!("no corpus row for {measure}"))["value"]
            .as_f64()
            .unwrap()
    };
    for measure in ["alpha-u", "kappa", "alpha", "percent"] {
        let value = corpus(measure);
        assert!(value > 0.5 && value < 1.0, "{measure} {value}");
    }
    assert!(
        rows.iter().all(|r| r["analysts"] == "ana;ben"),
        "one pair, no group row"
    );
    let out = stancemark(&["agreement", a, "--analysts", "Ana,Nobody"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Nobody"),
        "{}",
        text(&out.stderr)
    );

    // Curate: the 9 passages both marked identically go into gold, with Ana as curator.
    let out = stancemark(&["--analyst", "Ana", "curate", a, "--auto"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("9 passage(s) taken"),
        "{}",
        text(&out.stdout)
    );
    let curated = stancemark::store::load_any(&ana).unwrap().project;
    let gold: Vec<_> = curated
        .annotations
        .iter()
        .filter(|x| x.analyst.is_gold())
        .collect();
    assert_eq!(gold.len(), 9);
    assert!(
        gold.iter()
            .all(|g| g.curator == Some(AnalystId::new("ana")))
    );
    assert!(curated.team.curators.contains(&AnalystId::new("ana")));
    // Gold exports on its own, like any layer.
    let out = stancemark(&["export", a, "--analysts", "gold", "-f", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), 10, "{csv}");
    let mut reader = ::csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let analyst = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "analyst_id")
        .unwrap();
    assert!(
        reader.records().all(|r| &r.unwrap()[analyst] == "gold"),
        "{csv}"
    );

    // Ben's work as a JSON export with two broken records: they are listed, the rest merged.
    let out = stancemark(&["export", b, "-f", "json"]);
    let mut export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    export["annotations"][0]["end"] = 999_999.into();
    export["annotations"][1]["stance_id"] = serde_json::Value::Null;
    let broken = dir.path().join("ben-export.json");
    std::fs::write(&broken, export.to_string()).unwrap();
    let fresh = dir.path().join("fresh.stance.json");
    stancemark::store::save_project(&copy_for("Ana", false), &fresh).unwrap();
    let out = stancemark(&["merge", fresh.to_str().unwrap(), broken.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Ben: 9 added"),
        "{}",
        text(&out.stdout)
    );
    let warned = text(&out.stderr);
    assert_eq!(warned.matches("left out:").count(), 2, "{warned}");
    assert!(warned.contains("outside article"), "{warned}");
}

/// `network` on the sample (Kevin Xu of Interconnected against the US government): the
/// numbers worked out by hand from the sample's coding, every output format, and exit status
/// 2 with the fitting aggregations for one that does not fit.
#[test]
fn network_of_the_sample_by_hand_in_every_format() {
    let json = |args: &[&str]| -> serde_json::Value {
        let s = sample();
        let mut all = vec!["network", s.as_str(), "-f", "json"];
        all.extend_from_slice(args);
        let out = stancemark(&all);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Xu: pro-open-source +1 ×4, regulation −1, security −1; the US government: regulation +1
    // ×2, security +1 ×2. Congruence 0 (every shared stance is opposite), conflict 1·2 + 1·2.
    let congruence = json(&["--nodes", "person"]);
    assert_eq!(congruence["type"], "onemode");
    assert_eq!(
        congruence["rows"],
        serde_json::json!(["Kevin Xu", "US government"])
    );
    assert_eq!(
        congruence["matrix"],
        serde_json::json!([[0.0, 0.0], [0.0, 0.0]])
    );
    let conflict = json(&["--nodes", "person", "--aggregation", "conflict"]);
    assert_eq!(
        conflict["matrix"],
        serde_json::json!([[0.0, 4.0], [4.0, 0.0]])
    );
    // Cosine: 4 / (6 · 4).
    let cosine = json(&[
        "--nodes",
        "person",
        "--aggregation",
        "conflict",
        "--normalization",
        "cosine",
    ]);
    assert_eq!(cosine["matrix"][0][1], 4.0 / 24.0);
    // Without the qualifier every shared stance agrees: 1·2 + 1·2.
    let ignore = json(&["--nodes", "person", "--qualifier", "none"]);
    assert_eq!(ignore["matrix"][0][1], 4.0);
    // Two-mode at organisation level: Xu counts for Interconnected.
    let two = json(&["--type", "twomode", "--aggregation", "subtract"]);
    assert_eq!(
        two["rows"],
        serde_json::json!(["Interconnected", "US government"])
    );
    assert_eq!(
        two["column_ids"],
        serde_json::json!(["pro-open-source", "regulation", "security"])
    );
    assert_eq!(
        two["matrix"],
        serde_json::json!([[4.0, -1.0, -1.0], [0.0, 2.0, 2.0]])
    );
    let activity = json(&["--type", "twomode", "--normalization", "activity"]);
    assert_eq!(activity["matrix"][1], serde_json::json!([0.0, 0.5, 0.5]));
    // Stances through shared actors: regulation and security share both actors.
    let stances = json(&["--of", "stances", "--qualifier", "none"]);
    assert_eq!(
        stances["rows"],
        serde_json::json!(["pro-open-source", "regulation", "security"])
    );
    assert_eq!(stances["matrix"][1][2], 1.0 * 1.0 + 2.0 * 2.0);
    // Filters: without the government nothing is shared.
    let alone = json(&["--exclude-actor", "Washington", "--isolates"]);
    assert_eq!(
        alone["rows"],
        serde_json::json!(["Interconnected", "US government"])
    );
    assert_eq!(alone["matrix"], serde_json::json!([[0.0, 0.0], [0.0, 0.0]]));
    let only = json(&[
        "--only-stance",
        "security",
        "--type",
        "twomode",
        "--nodes",
        "person",
    ]);
    assert_eq!(only["columns"], serde_json::json!(["security"]));

    // The other formats hold the same matrix.
    let s = sample();
    let out = stancemark(&[
        "network",
        &s,
        "--nodes",
        "person",
        "--aggregation",
        "conflict",
    ]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        ",Kevin Xu,US government\nKevin Xu,0,4\nUS government,4,0\n"
    );
    assert!(text(&out.stderr).contains("2 annotation(s) name no actor"));
    let out = stancemark(&[
        "network",
        &s,
        "--nodes",
        "person",
        "--aggregation",
        "conflict",
        "-f",
        "dl",
    ]);
    assert!(text(&out.stdout).contains("n=2"), "{}", text(&out.stdout));
    let out = stancemark(&[
        "network",
        &s,
        "--nodes",
        "person",
        "--aggregation",
        "conflict",
        "-f",
        "graphml",
    ]);
    assert!(text(&out.stdout).contains("<data key=\"weight\">4</data>"));

    // An aggregation that does not fit: status 2, naming those that do.
    let out = stancemark(&["network", &s, "--aggregation", "combine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("use ignore, congruence, conflict, subtract"),
        "{}",
        text(&out.stderr)
    );
    let out = stancemark(&[
        "network",
        &s,
        "--type",
        "twomode",
        "--aggregation",
        "congruence",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("use ignore, subtract, combine"));
    let out = stancemark(&["network", &s, "--window", "2x", "--step", "1d"]);
    assert_eq!(out.status.code(), Some(2));
    let out = stancemark(&["network", &s, "--from", "last spring"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("YYYY-MM-DD"));
}

/// `export --format events`: one row per annotation with actor, organisation, stance and
/// position; CSV export appends actor_id, actor, position and reads them back.
#[test]
fn the_event_list_and_csv_carry_actors_and_positions() {
    let s = sample();
    let out = stancemark(&["export", &s, "--format", "events"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    let xu: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[col("actor")] == "Kevin Xu")
        .collect();
    assert_eq!(xu.len(), 6);
    assert!(xu.iter().all(|r| &r[col("organisation")] == "Interconnected" && &r[col("outlet")] == "AI Watch"));
    assert_eq!(xu.iter().filter(|r| &r[col("position")] == "-1").count(), 2);

    let out = stancemark(&["export", &s, "--format", "csv"]);
    let body = text(&out.stdout);
    let header = body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        header.ends_with("analyst_id,actor_id,actor,position,stance_code"),
        "{header}"
    );
    // Into a copy without actors, the CSV brings them back (by name, as new actors).
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("a.csv");
    std::fs::write(&csv_path, &out.stdout).unwrap();
    let mut bare = stancemark::store::load_project(Path::new(&s)).unwrap();
    bare.annotations = Default::default();
    bare.actors = Default::default();
    let project = dir.path().join("bare.stance.json");
    stancemark::store::save_project(&bare, &project).unwrap();
    let out = stancemark(&[
        "import",
        csv_path.to_str().unwrap(),
        "--into",
        project.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let back = stancemark::store::load_project(&project).unwrap();
    let xu = back.actors.find("Kevin Xu").expect("actor added");
    assert_eq!(
        back.annotations
            .iter()
            .filter(|a| a.actor.as_ref() == Some(&xu.id))
            .count(),
        6
    );
    assert_eq!(
        back.annotations
            .iter()
            .filter(|a| a.position == Some(-1))
            .count(),
        2
    );
}

/// `stats --by`: per month (and outlet) of an imported DNA database, the annotations with how
/// many support, oppose or are neutral; the undated article counted apart and said so.
#[test]
fn stats_by_month_and_outlet_count_positions_and_name_the_undated() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("energy.stance.json");
    let dna = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dna/energy.dna");
    let out = stancemark(&[
        "import",
        dna.to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let p = project.to_str().unwrap();
    let out = stancemark(&["stats", p, "--by", "month", "-f", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("period,stance_id,stance_label,annotations,supports,opposes,neutral\n")
    );
    // February: Jane Doe and Erik Berg back the carbon tax, John Smith and the Farmers Union
    // reject it.
    assert!(
        csv.contains("2024-02,carbon-tax,Carbon tax,4,2,2,0"),
        "{csv}"
    );
    assert!(
        csv.contains("2024-03,carbon-tax,Carbon tax,2,1,1,0"),
        "{csv}"
    );
    assert!(
        csv.contains("(undated),coal-phase-out,Coal phase-out,1,1,0,0"),
        "{csv}"
    );
    assert!(
        text(&out.stderr).contains("Undated leaflet"),
        "{}",
        text(&out.stderr)
    );
    let out = stancemark(&["stats", p, "--by", "outlet", "-f", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format_version"], 2);
    assert_eq!(json["by"], "outlet");
    let planet_tax = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == "Daily Planet" && r["stance_id"] == "carbon-tax")
        .unwrap();
    assert_eq!(planet_tax["annotations"], 6);
    assert_eq!(planet_tax["opposes"], 3);
    let out = stancemark(&["stats", p, "--by", "actor", "-f", "csv"]);
    assert!(
        text(&out.stdout).contains("John Smith,carbon-tax,Carbon tax,2,0,2,0"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("(no actor),dna-annotation,DNA Annotation,1,0,0,0"));
    let out = stancemark(&["stats", p, "--by", "quarter"]);
    assert!(text(&out.stdout).contains("2024-Q1"));
    assert!(text(&out.stdout).contains("counted as (undated)"));
}
