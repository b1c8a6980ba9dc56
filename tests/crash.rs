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

// ----- killing a session with unsaved work in a project folder ----------------------------

/// The environment variable that makes [`editing_session_child`] edit a folder until killed.
const SESSION_ENV: &str = "EDITING_SESSION_FOLDER";
/// Annotations in the crash folder.
const FOLDER_ANNOTATIONS: usize = 10_000;

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// A project folder of 10,000 annotations by `ana` on the EU AI Act.
fn crash_folder(dir: &Path) -> std::path::PathBuf {
    use stancemark::model::{AnalystId, Annotation, Article, TextRange};
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eu-ai-act-2024-1689.md"),
    )
    .unwrap();
    let mut project = Project::new("crash");
    let ana = project.new_analyst("ana");
    project.analysts.push(ana);
    let article = Article::new("EU AI Act", &text);
    let chars: Vec<char> = article.text.chars().collect();
    let t0 = chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap();
    for i in 0..FOLDER_ANNOTATIONS {
        let start = (i * 61) % (chars.len() - 200);
        let range = TextRange {
            start,
            end: start + 20 + i % 100,
        };
        project.push_annotation(Annotation::new(
            article.id,
            range,
            chars[range.start..range.end].iter().collect(),
            stancemark::StanceId::new(["regulation", "security", "pro-open-source"][i % 3]),
            AnalystId::new("ana"),
            t0,
        ));
    }
    project.articles.push(article.into());
    let folder = dir.join("crash.stance");
    store::save_any(&project, &folder, None).unwrap();
    folder
}

/// The child: opens the folder as the window does (a session with autosave), changes one
/// note every 50 ms and prints `edit N AT` (N its number, AT the time in ms since the epoch)
/// after each, ticking autosave as the window's frames do, until killed.
#[test]
fn editing_session_child() {
    let Some(folder) = std::env::var_os(SESSION_ENV) else {
        return;
    };
    let options = stancemark::session::SessionOptions {
        fixed_clock: false,
        ..stancemark::session::SessionOptions::desktop()
    };
    let mut session = stancemark::Session::open_blocking(Path::new(&folder), options).unwrap();
    session.set_annotator("ana");
    let ids: Vec<_> = session.project().annotations.iter().map(|a| a.id).collect();
    let started = std::time::Instant::now();
    let mut out = std::io::stdout();
    for n in 0usize.. {
        session
            .workspace_mut()
            .set_annotation_note(ids[n * 7 % ids.len()], &format!("edit {n}"))
            .unwrap();
        writeln!(out, "edit {n} {}", epoch_ms()).unwrap();
        out.flush().unwrap();
        let _ = session.autosave_tick(started.elapsed().as_secs_f64());
        let _ = session.poll();
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// kill -9 five seconds into editing a 10,000-annotation folder: reopening offers Restore,
/// and the restored project has every change made more than two seconds before the kill.
#[test]
fn killing_an_editing_session_loses_nothing_older_than_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let folder = crash_folder(dir.path());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "editing_session_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SESSION_ENV, &folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reader = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Edits as the child reported them: (number, time).
    let mut edits: Vec<(usize, u128)> = Vec::new();
    let mut first: Option<u128> = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the child edits");
        if let Some(rest) = line.strip_prefix("edit ") {
            let mut parts = rest.split_whitespace();
            let n: usize = parts.next().unwrap().parse().unwrap();
            let at: u128 = parts.next().unwrap().parse().unwrap();
            first.get_or_insert(at);
            edits.push((n, at));
        }
        if first.is_some_and(|f| epoch_ms() >= f + 5_000) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the child never edited"
        );
    }
    child.kill().unwrap();
    let killed = epoch_ms();
    child.wait().unwrap();
    while let Ok(line) = rx.try_recv() {
        if let Some(rest) = line.strip_prefix("edit ") {
            let mut parts = rest.split_whitespace();
            let n: usize = parts.next().unwrap().parse().unwrap();
            edits.push((n, parts.next().unwrap().parse().unwrap()));
        }
    }
    assert!(
        edits.len() > 50,
        "only {} edits in five seconds",
        edits.len()
    );
    // Reopened: Restore is offered, and brings back everything older than two seconds.
    let mut session =
        stancemark::Session::open_blocking(&folder, stancemark::session::SessionOptions::inline())
            .unwrap();
    session.set_annotator("ana");
    let file = session.pending_recovery().expect("Restore is offered");
    assert!(
        stancemark::store::recovery::is_journal(&file),
        "a folder's autosave is its journal"
    );
    // "Show both" lists what the journal changed.
    let diff =
        stancemark::session::files::recovery_diff(session.project(), &file, Some(&folder)).unwrap();
    assert!(diff.changed.len() >= 50, "{} changed", diff.changed.len());
    let events = session.restore_recovery(&file);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, stancemark::session::SessionEvent::Opened { .. })),
        "{events:?}"
    );
    let ids: Vec<_> = session.project().annotations.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), FOLDER_ANNOTATIONS);
    let old_enough: Vec<usize> = edits
        .iter()
        .filter(|(_, at)| *at + 2_000 <= killed)
        .map(|(n, _)| *n)
        .collect();
    assert!(!old_enough.is_empty());
    let restored = session.project();
    for n in &old_enough {
        // Each edit changes another annotation (the child numbers them in the store's order).
        let note = &restored.annotation(ids[n * 7 % ids.len()]).unwrap().note;
        assert_eq!(note, &format!("edit {n}"), "edit {n} was lost");
    }
    eprintln!(
        "{} edits, {} older than two seconds at the kill, all restored",
        edits.len(),
        old_enough.len()
    );
}
