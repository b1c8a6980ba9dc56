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
    assert!(lines[0].contains("pro-open-source") && lines[0].contains("regulation"));
    let total: Vec<&str> = lines.last().unwrap().split_whitespace().collect();
    // TOTAL pro-open-source regulation security total
    assert_eq!(total, ["TOTAL", "6", "3", "3", "12"]);
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
