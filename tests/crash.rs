//! A crash mid-save never leaves a broken project: a child process saving two different
//! versions of a project in a loop is killed (SIGKILL) at random moments, 200 times; after each
//! kill the file must parse and equal one of the two versions exactly.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use stancemark::cli::save_loop_states;
use stancemark::store;

const KILLS: usize = 200;

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_stancemark"))
            .arg("save-loop")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "round {round}: the child failed to start saving"
        );
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
