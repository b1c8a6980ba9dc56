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
