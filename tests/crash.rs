//! A crash mid-save never leaves a broken project: a child process saving two different
//! versions of a project in a loop is killed (SIGKILL) at random moments, 200 times; after each
//! kill the file must parse and equal one of the two versions exactly.
//!
//! The child is this test binary itself, run with `SAVE_LOOP_PROJECT` set: the save loop is a
//! test aid and has no place in the user's `stancemark` binary.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use stancemark::model::Project;
use stancemark::store;

const KILLS: usize = 200;

/// The environment variable that makes [`save_loop_child`] save in a loop.
const CHILD_ENV: &str = "SAVE_LOOP_PROJECT";

/// The two states the child alternates between: the project as loaded, and a version with
/// every note and the name changed (so a mix of the two is detectable).
fn save_loop_states(project: &Project) -> [Project; 2] {
    let mut b = project.clone();
    b.name = format!("{} (state B)", b.name);
    b.annotations.map_all(|ann| {
        let ann = std::sync::Arc::make_mut(ann);
        ann.note = format!("B: {}", ann.note);
    });
    [project.clone(), b]
}

/// The child: saves the two states of the project alternately, forever, printing `ready`
/// after the first save. Does nothing in a normal test run.
#[test]
fn save_loop_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    let states = save_loop_states(&store::load_project(&path).unwrap());
    for i in 0u64.. {
        store::save_project(&states[(i % 2) as usize], &path).unwrap();
        if i == 0 {
            let mut out = std::io::stdout();
            writeln!(out, "ready").unwrap();
            out.flush().unwrap();
        }
    }
}

#[test]
fn killing_a_saving_process_never_leaves_a_broken_or_mixed_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.stance.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
        &path,
    )
    .unwrap();
    let original = store::load_project(&path).unwrap();
    let states = save_loop_states(&original);
    // A small deterministic generator for the kill delays (0–15 ms after the first save).
    let mut seed: u64 = 0x5eed_cafe;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % 15_000
    };
    let mut seen = [0usize; 2];
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "save_loop_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The test harness prints its own lines first; wait for the child's.
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.trim_end().ends_with("ready") {
            line.clear();
            let n = reader.read_line(&mut line).unwrap();
            assert!(n > 0, "round {round}: the child failed to start saving");
        }
        std::thread::sleep(Duration::from_micros(next()));
        child.kill().unwrap();
        child.wait().unwrap();

        let loaded = store::load_project(&path)
            .unwrap_or_else(|e| panic!("round {round}: the project no longer loads: {e}"));
        let which = states
            .iter()
            .position(|s| *s == loaded)
            .unwrap_or_else(|| panic!("round {round}: the file holds neither state"));
        seen[which] += 1;
        // The next child starts from the state on disk; make it the original again.
        store::save_project(&original, &path).unwrap();
    }
    assert_eq!(seen[0] + seen[1], KILLS);
    // Killed saves leave at most one temporary file, which the next save replaces.
    let temps = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert!(temps <= 1, "{temps} temporary files left");
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "kills landed in both states: {seen:?}"
    );
}
