//! The session without a window: two windows on one project, lock files, what is refused
//! from disk, autosave after switching projects.

#[path = "common/folders.rs"]
mod folders;

use std::path::{Path, PathBuf};

use folders::three_article_folder;

use stancemark::model::{AnalystId, StanceId, TextRange};
use stancemark::session::{Overwrite, Session, SessionEvent, SessionOptions};
use stancemark::store::{self, lock};

fn sample_copy(dir: &Path) -> PathBuf {
    let path = dir.join("shared.stance.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
        &path,
    )
    .unwrap();
    path
}

/// Options of the desktop app, but everything inline and no autosave.
fn window_options() -> SessionOptions {
    SessionOptions {
        locks: true,
        autosave_delay: f64::INFINITY,
        ..SessionOptions::inline()
    }
}

fn range_of(session: &Session, needle: &str) -> TextRange {
    let text = &session.project().articles[0].text;
    let start = text[..text.find(needle).unwrap()].chars().count();
    TextRange {
        start,
        end: start + needle.chars().count(),
    }
}

fn tag(session: &mut Session, needle: &str, stance: &str) -> stancemark::model::AnnotationId {
    let range = range_of(session, needle);
    let article = session.project().articles[0].id;
    session
        .workspace_mut()
        .add_annotation(article, range, &StanceId::new(stance), "")
        .unwrap()
}

#[test]
fn a_second_window_saving_never_silently_drops_the_first_windows_saved_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut first = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    let mut second = Session::open_blocking(&path, SessionOptions::inline()).unwrap();

    // The first window tags a passage and saves.
    let theirs = tag(&mut first, "A Warning Against Overreach", "security");
    first.save_blocking().unwrap();

    // The second, with nothing changed, saves too: refused, the file keeps the first's work.
    let events = second.save();
    assert!(
        matches!(events.as_slice(), [SessionEvent::ChangedOnDisk { .. }]),
        "{events:?}"
    );
    assert!(
        store::load_project(&path)
            .unwrap()
            .annotation(theirs)
            .is_some()
    );
    assert!(matches!(
        second.save_blocking(),
        Err(store::SaveError::ChangedOnDisk { .. })
    ));

    // It tags its own passage, then reloads: both windows' work is there, its own unsaved.
    let ours = tag(&mut second, "Why it matters", "regulation");
    let events = second.reload();
    let [SessionEvent::Reloaded { report, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(
        report.kept.is_empty() && report.dropped.is_empty(),
        "{report:?}"
    );
    assert!(second.project().annotation(theirs).is_some());
    assert!(second.project().annotation(ours).is_some());
    assert!(second.is_dirty());
    assert_eq!(second.project().annotations.len(), 14);
    // One Undo gives the file's version exactly; Redo puts this window's change back.
    second.workspace_mut().undo().unwrap().unwrap();
    assert_eq!(second.project(), &store::load_project(&path).unwrap());
    assert!(!second.is_dirty());
    second.workspace_mut().redo().unwrap().unwrap();
    // Now it may save, and the file holds both.
    second.save_blocking().unwrap();
    let on_disk = store::load_project(&path).unwrap();
    assert!(on_disk.annotation(theirs).is_some() && on_disk.annotation(ours).is_some());
}

#[test]
fn an_annotation_edited_here_but_deleted_in_the_file_is_kept_on_reload_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut first = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    let mut second = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    let victim = first.project().annotations.first().unwrap().id;
    first.workspace_mut().delete_annotation(victim).unwrap();
    first.save_blocking().unwrap();

    second
        .workspace_mut()
        .set_annotation_note(victim, "my reasoning")
        .unwrap();
    let events = second.reload();
    let [SessionEvent::Reloaded { report, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(report.kept.len(), 1, "{report:?}");
    assert!(
        report.summary().contains("were kept"),
        "{}",
        report.summary()
    );
    assert_eq!(
        second.project().annotation(victim).unwrap().note,
        "my reasoning"
    );
}

#[test]
fn overwrite_replaces_the_changed_file_when_the_user_chooses_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut first = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    let mut second = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    tag(&mut first, "A Warning Against Overreach", "security");
    first.save_blocking().unwrap();
    let events = second.save_to(&path, Overwrite::Always);
    assert!(
        matches!(events.as_slice(), [SessionEvent::Saved { .. }]),
        "{events:?}"
    );
    assert_eq!(store::load_project(&path).unwrap().annotations.len(), 12);
    // A file only touched (same content) is not a conflict.
    let mut third = Session::open_blocking(&path, SessionOptions::inline()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, std::fs::read(&path).unwrap()).unwrap();
    tag(&mut third, "Why it matters", "regulation");
    third.save_blocking().unwrap();
}

#[test]
fn opening_a_project_open_in_another_stancemark_warns_and_a_stale_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let lock_file = lock::lock_path_for(&path);
    let write_lock = |pid: u32, host: &str| {
        let mut info = lock::LockInfo::current();
        info.pid = pid;
        info.host = host.to_owned();
        std::fs::write(&lock_file, serde_json::to_string(&info).unwrap()).unwrap();
    };
    // Another process on this machine that runs (pid 1): asked first.
    write_lock(1, &lock::host_name());
    let mut session = Session::new(window_options());
    let events = session.open(&path);
    let [SessionEvent::OpenElsewhere { holder, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(matches!(holder, lock::Holder::ThisMachine(info) if info.pid == 1));
    assert!(
        session.project().articles.is_empty(),
        "not opened before the answer"
    );
    // Another machine: asked too.
    write_lock(1, "a-laptop-elsewhere");
    let events = session.open(&path);
    assert!(matches!(
        events.as_slice(),
        [SessionEvent::OpenElsewhere {
            holder: lock::Holder::OtherMachine(_),
            ..
        }]
    ));
    // "Open anyway" takes the lock over.
    let events = session.open_anyway(&path);
    assert!(
        matches!(events.as_slice(), [SessionEvent::Opened { .. }]),
        "{events:?}"
    );
    let info: lock::LockInfo =
        serde_json::from_str(&std::fs::read_to_string(&lock_file).unwrap()).unwrap();
    assert!(info.is_ours());
    drop(session);
    assert!(!lock_file.exists(), "closing releases the lock");
    // A process that no longer runs: its lock is stale and simply taken over.
    write_lock(u32::MAX - 3, &lock::host_name());
    let mut session = Session::new(window_options());
    let events = session.open(&path);
    assert!(
        matches!(events.as_slice(), [SessionEvent::Opened { .. }]),
        "{events:?}"
    );
}

#[test]
fn what_is_not_a_project_file_is_refused_without_reading_it() {
    for path in ["/dev/zero", "/dev/null"] {
        let err = Session::open_blocking(Path::new(path), SessionOptions::inline()).unwrap_err();
        assert!(
            err.to_string().contains("not a regular file"),
            "{path}: {err}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let err = Session::open_blocking(dir.path(), SessionOptions::inline()).unwrap_err();
    assert!(err.to_string().contains("a folder"), "{err}");
}

#[test]
fn switching_projects_resets_autosave() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let other = dir.path().join("other.stance.json");
    std::fs::copy(&path, &other).unwrap();
    let options = SessionOptions {
        autosave_delay: 1.0,
        ..SessionOptions::inline()
    };
    let mut session = Session::open_blocking(&path, options).unwrap();
    tag(&mut session, "Why it matters", "regulation");
    // The first change is seen at t=0; the autosave would be due at t=1.
    assert_eq!(session.autosave_tick(0.0), Some(1.0));
    let events = session.open_anyway(&other);
    assert!(matches!(events.as_slice(), [SessionEvent::Opened { .. }]));
    // The new project is unchanged: nothing to autosave, whatever the clock says.
    assert_eq!(session.autosave_tick(5.0), None);
    tag(&mut session, "Why it matters", "security");
    // Its own first change starts a fresh delay.
    assert_eq!(session.autosave_tick(6.0), Some(1.0));
    assert_eq!(session.autosave_tick(7.5), None);
    session.wait_all();
    let autosave = dir.path().join("other.stance.json.autosave");
    assert_eq!(
        store::load_project(&autosave).unwrap().annotations.len(),
        13
    );
    assert!(!dir.path().join("shared.stance.json.autosave").exists());
}

/// A copy of the sample as a project folder in `dir`.
fn sample_folder(dir: &Path, name: &str) -> PathBuf {
    let folder = dir.join(name);
    let mut session = Session::open_blocking(&sample_copy(dir), SessionOptions::inline()).unwrap();
    session.save_to_blocking(&folder).unwrap();
    folder
}

fn open_as(path: &Path, analyst: &str) -> Session {
    let mut session = Session::open_blocking(path, window_options()).unwrap();
    session.set_annotator(analyst);
    session
}

#[test]
fn a_folder_takes_in_what_another_analyst_saved_and_keeps_unsaved_work() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "team.stance");
    let mut ana = open_as(&folder, "Ana");
    let mut dana = open_as(&folder, "Dana");
    // Dana tags two passages and saves: only her layer and her analyst file are written.
    tag(&mut dana, "A Warning Against Overreach", "security");
    tag(&mut dana, "Why it matters", "regulation");
    dana.save_blocking().unwrap();
    // Ana has unsaved work of her own meanwhile.
    let mine = tag(
        &mut ana,
        "Three Decades of American Values",
        "pro-open-source",
    );
    assert_eq!(ana.watch_tick(0.0), Some(1.0));
    let events = ana.wait_all();
    let Some(SessionEvent::Synced {
        incoming, problems, ..
    }) = events
        .iter()
        .find(|e| matches!(e, SessionEvent::Synced { .. }))
    else {
        panic!("no sync in {events:?}")
    };
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(incoming, &["2 annotations from Dana".to_owned()]);
    let project = ana.project();
    let dana_id = stancemark::model::AnalystId::new("dana");
    assert_eq!(
        project
            .annotations
            .iter()
            .filter(|a| a.analyst == dana_id)
            .count(),
        2
    );
    assert!(
        project.annotation(mine).is_some(),
        "Ana's unsaved work is kept"
    );
    assert!(ana.is_dirty());
    // Ana saves: her layer and analyst file only; Dana's layer is not written.
    let events = ana.save();
    let Some(SessionEvent::Saved { files, others, .. }) = events.first() else {
        panic!("{events:?}")
    };
    assert_eq!((*files, others.len()), (2, 0), "{events:?}");
    // Nothing new on disk: nothing to read.
    assert_eq!(ana.watch_tick(5.0), Some(1.0));
    assert!(ana.wait_all().is_empty());
}

#[test]
fn a_shared_change_rewrites_other_analysts_layers_and_says_whose() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "team.stance");
    let mut ana = open_as(&folder, "Ana");
    tag(&mut ana, "Why it matters", "security");
    ana.save_blocking().unwrap();
    let mut dana = open_as(&folder, "Dana");
    // Dana merges "security" into "regulation": the sample's and Ana's annotations move.
    dana.workspace_mut()
        .merge_stance(&StanceId::new("security"), &StanceId::new("regulation"))
        .unwrap();
    let events = dana.save();
    let Some(SessionEvent::Saved { others, .. }) = events.first() else {
        panic!("{events:?}")
    };
    let mut others = others.clone();
    others.sort();
    assert_eq!(others, ["Ana", "sample"]);
    let ana_layer = std::fs::read_dir(folder.join("layers/ana"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        ana_layer.contains("\"stance\":\"regulation\""),
        "{ana_layer}"
    );
    assert!(!ana_layer.contains("security"));
}

/// The analysts whose lock is in the folder's `.local/` (one folder each).
fn locked_by(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder.join(".local"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter(|e| lock::lock_path_for(&e.path().join("project")).exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_folder_lock_is_the_analysts_own_and_follows_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "team.stance");
    let mut first = Session::new(window_options());
    first.set_annotator("Someone");
    assert!(matches!(
        first.open(&folder).as_slice(),
        [SessionEvent::Opened { .. }]
    ));
    assert_eq!(locked_by(&folder), ["someone"]);
    // The name is chosen after the folder opened: the lock moves with it.
    first.set_annotator("Dana");
    assert_eq!(locked_by(&folder), ["dana"]);
    // Another analyst works side by side.
    let mut ana = Session::new(window_options());
    ana.set_annotator("Ana");
    assert!(matches!(
        ana.open(&folder).as_slice(),
        [SessionEvent::Opened { .. }]
    ));
    assert_eq!(locked_by(&folder), ["ana", "dana"]);
    drop((first, ana));
    assert!(locked_by(&folder).is_empty(), "closing releases both");
    // Dana in another running stancemark (pid 1 holds her lock): a window of hers is asked
    // first, Ana's is not.
    let dana_lock = lock::lock_path_for(&folder.join(".local/dana/project"));
    let mut info = lock::LockInfo::current();
    info.pid = 1;
    std::fs::write(&dana_lock, serde_json::to_string(&info).unwrap()).unwrap();
    let mut again = Session::new(window_options());
    again.set_annotator("Dana");
    assert!(matches!(
        again.open(&folder).as_slice(),
        [SessionEvent::OpenElsewhere { .. }]
    ));
    let mut ana = Session::new(window_options());
    ana.set_annotator("Ana");
    assert!(matches!(
        ana.open(&folder).as_slice(),
        [SessionEvent::Opened { .. }]
    ));
}

/// Runs git with the settings the test relies on (no user or system configuration).
fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=stancemark test",
            "-c",
            "user.email=test@stancemark.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "pull.rebase=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .output()
        .expect("run git")
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Adds a stance the way the window does (one undoable step).
fn add_stance(session: &mut Session, label: &str) {
    session
        .workspace_mut()
        .add_stance(label, stancemark::model::Rgb([10, 20, 30]))
        .unwrap();
}

#[test]
fn two_analysts_share_a_project_folder_through_git() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "git is missing under CI (.ci/run installs it)"
        );
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git_ok(root, &["init", "--bare", "-q", "origin.git"]);
    git_ok(root, &["clone", "-q", "origin.git", "a"]);
    let (a, b) = (root.join("a"), root.join("b"));
    // Analyst A starts the project folder and pushes it.
    let scratch = tempfile::tempdir().unwrap();
    let seed = sample_folder(scratch.path(), "team.stance");
    let mut copy = Session::open_blocking(&seed, SessionOptions::inline()).unwrap();
    copy.save_to_blocking(&a.join("team.stance")).unwrap();
    git_ok(&a, &["add", "-A"]);
    git_ok(&a, &["commit", "-q", "-m", "start the project"]);
    git_ok(&a, &["push", "-q", "origin", "main"]);
    git_ok(root, &["clone", "-q", "origin.git", "b"]);
    // .local never goes to git.
    let tracked = String::from_utf8(git(&a, &["ls-files"]).stdout).unwrap();
    assert!(!tracked.contains(".local"), "{tracked}");
    // Each codes the same article and adds a stance, and commits.
    let mut ana = open_as(&a.join("team.stance"), "Ana");
    tag(&mut ana, "A Warning Against Overreach", "security");
    add_stance(&mut ana, "economy");
    // Ana turns blind coding on for the team and marks the article coded.
    let article = ana.project().articles[0].id;
    ana.workspace_mut().set_blind_coding(true).unwrap();
    ana.workspace_mut().set_coded(article, true).unwrap();
    ana.save_blocking().unwrap();
    git_ok(&a, &["add", "-A"]);
    git_ok(&a, &["commit", "-q", "-m", "Ana's coding"]);
    let mut bo = open_as(&b.join("team.stance"), "Bo");
    tag(&mut bo, "Why it matters", "regulation");
    add_stance(&mut bo, "labour");
    bo.workspace_mut().set_coded(article, true).unwrap();
    bo.save_blocking().unwrap();
    git_ok(&b, &["add", "-A"]);
    git_ok(&b, &["commit", "-q", "-m", "Bo's coding"]);
    // Each pulls the other: git merges without a conflict.
    git_ok(&a, &["push", "-q", "origin", "main"]);
    git_ok(&b, &["pull", "-q", "--no-edit", "origin", "main"]);
    git_ok(&b, &["push", "-q", "origin", "main"]);
    git_ok(&a, &["pull", "-q", "--no-edit", "origin", "main"]);
    for clone in [&a, &b] {
        let loaded = store::load_any(&clone.join("team.stance")).unwrap();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let p = &loaded.project;
        for analyst in ["ana", "bo"] {
            assert_eq!(
                p.annotations
                    .iter()
                    .filter(|x| x.analyst.as_str() == analyst)
                    .count(),
                1,
                "{analyst} in {}",
                clone.display()
            );
        }
        for stance in ["economy", "labour"] {
            assert!(p.stances.get(&StanceId::new(stance)).is_some(), "{stance}");
        }
        assert_eq!(p.annotations.len(), 14);
        // The team settings and both coded marks came through (each mark in its analyst's
        // own file), so agreement between the two is defined on the article.
        assert!(p.team.blind);
        assert!(p.team.is_coded(article, &AnalystId::new("ana")));
        assert!(p.team.is_coded(article, &AnalystId::new("bo")));
        let rows = stancemark::analysis::agreement::measure(
            p,
            &stancemark::analysis::agreement::Request {
                measures: vec![stancemark::analysis::agreement::Measure::Kappa],
                unit: stancemark::analysis::agreement::Unit::Word,
                analysts: vec![AnalystId::new("ana"), AnalystId::new("bo")],
                article: Some(article),
                stance: None,
            },
            &|article, analyst| p.counts_on(article, analyst),
        );
        assert!(
            rows.iter()
                .any(|r| r.stance_id.is_none() && r.value.is_some()),
            "{rows:?}"
        );
    }
    // The window that stayed open takes in the pull.
    ana.watch_tick(0.0);
    let events = ana.wait_all();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Synced { incoming, .. }
            if incoming.iter().any(|l| l == "1 annotation from Bo"))),
        "{events:?}"
    );
    // The same stance changed on both sides: git reports a conflict, stancemark names the file
    // and line, and nobody's annotations are lost.
    ana.workspace_mut()
        .rename_stance(&StanceId::new("security"), "safety")
        .unwrap();
    ana.save_blocking().unwrap();
    git_ok(&a, &["commit", "-q", "-am", "Ana renames security"]);
    git_ok(&a, &["push", "-q", "origin", "main"]);
    bo.watch_tick(0.0);
    bo.wait_all();
    bo.workspace_mut()
        .rename_stance(&StanceId::new("security"), "national security")
        .unwrap();
    tag(
        &mut bo,
        "Three Decades of American Values",
        "pro-open-source",
    );
    bo.save_blocking().unwrap();
    git_ok(&b, &["commit", "-q", "-am", "Bo renames security"]);
    let pulled = git(&b, &["pull", "-q", "--no-edit", "origin", "main"]);
    assert!(!pulled.status.success(), "git reports the conflict");
    let loaded = store::load_any(&b.join("team.stance")).unwrap();
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    assert!(
        loaded.problems[0].starts_with("stances/security.json line "),
        "{:?}",
        loaded.problems
    );
    let p = &loaded.project;
    assert_eq!(
        p.annotations.len(),
        15,
        "both analysts' annotations are there"
    );
    assert_eq!(
        p.stances.get(&StanceId::new("security")).unwrap().label,
        "unresolved: security"
    );
    // Bo's window reads the conflict in and still saves his layer, never the stance.
    bo.watch_tick(10.0);
    let events = bo.wait_all();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Synced { problems, .. }
            if problems.iter().any(|p| p.starts_with("stances/security.json")))),
        "{events:?}"
    );
    let conflicted = std::fs::read_to_string(b.join("team.stance/stances/security.json")).unwrap();
    tag(&mut bo, "The Regulatory Crossroads", "regulation");
    let events = bo.save();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Saved { .. })),
        "{events:?}"
    );
    assert_eq!(
        std::fs::read_to_string(b.join("team.stance/stances/security.json")).unwrap(),
        conflicted,
        "the file in conflict is left for the analyst to resolve"
    );
    let after = store::load_any(&b.join("team.stance")).unwrap();
    assert_eq!(after.project.annotations.len(), 16);
}

/// Polls `session` until its project opened (the first part, for a large folder).
fn until_opened(session: &mut Session, events: Vec<SessionEvent>) -> Vec<SessionEvent> {
    let mut all = events;
    while !all.iter().any(|e| matches!(e, SessionEvent::Opened { .. })) {
        std::thread::sleep(std::time::Duration::from_millis(5));
        all.extend(session.poll());
    }
    all
}

#[test]
fn a_large_folder_opens_in_two_parts_and_keeps_what_was_done_while_the_rest_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let folder = three_article_folder(dir.path());
    let project = store::load_any(&folder).unwrap().project;
    let [first, second, third] = [0, 1, 2].map(|i| project.articles[i].id);
    // One broken line in a layer read with the rest: named when it arrives, the rest opens.
    let ben_third = folder.join(format!("layers/ben/{third}.jsonl"));
    let mut text = std::fs::read_to_string(&ben_third).unwrap();
    text.push_str("{\"id\": broken\n");
    std::fs::write(&ben_third, text).unwrap();
    let ana_first = folder.join(format!("layers/ana/{first}.jsonl"));
    let ana_first_before = std::fs::read_to_string(&ana_first).unwrap();

    // Every folder counts as large here: it opens in two parts.
    let mut session = Session::new(SessionOptions {
        background_io_bytes: 0,
        ..window_options()
    });
    let events = session.open(&folder);
    until_opened(&mut session, events);
    // The first part: every article and analyst, the first article's annotations only.
    assert!(session.is_loading());
    assert_eq!(session.project().articles.len(), 3);
    assert_eq!(session.project().analysts.len(), 2);
    assert_eq!(session.project().annotations.len(), 5);
    assert!(session.workspace().is_article_loaded(first));
    assert!(!session.workspace().is_article_loaded(second));
    session.set_annotator("Ana");
    // Tagging the article shown works; an article whose annotations have not arrived, or a
    // change that reaches every article, waits.
    let on_first = TextRange { start: 20, end: 27 };
    let mine = session
        .workspace_mut()
        .add_annotation(first, on_first, &StanceId::new("regulation"), "")
        .unwrap();
    let refused =
        session
            .workspace_mut()
            .add_annotation(second, on_first, &StanceId::new("regulation"), "");
    assert!(
        matches!(
            refused,
            Err(stancemark::workspace::ActionError::StillLoading(_))
        ),
        "{refused:?}"
    );
    let refused = session
        .workspace_mut()
        .remove_stance(&StanceId::new("security"));
    assert!(
        matches!(
            refused,
            Err(stancemark::workspace::ActionError::StillLoading(_))
        ),
        "{refused:?}"
    );
    assert_eq!(session.project().annotations.len(), 6);
    // Save waits for the rest (half a project is never written), and so do exports.
    let events = session.save();
    assert!(
        matches!(events.as_slice(), [SessionEvent::HeldBack { .. }]),
        "{events:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&ana_first).unwrap(),
        ana_first_before
    );
    let events = session.export(
        stancemark::export::ExportFormat::Csv,
        &dir.path().join("out.csv"),
        None,
        None,
    );
    assert!(
        matches!(events.as_slice(), [SessionEvent::HeldBack { .. }]),
        "{events:?}"
    );
    assert_eq!(session.loading_fraction().map(|f| f <= 1.0), Some(true));

    // The rest arrives: the tag made meanwhile stays, one Undo still takes it back, the save
    // asked for runs.
    let events = session.wait_all();
    let Some(SessionEvent::Loaded { problems, lost }) = events
        .iter()
        .find(|e| matches!(e, SessionEvent::Loaded { .. }))
    else {
        panic!("not loaded: {events:?}")
    };
    assert!(lost.is_empty(), "{lost:?}");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains(&format!("layers/ben/{third}.jsonl line 3")),
        "{problems:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Saved { .. })),
        "{events:?}"
    );
    assert!(!session.is_loading());
    assert_eq!(session.project().annotations.len(), 16);
    assert!(session.project().annotation(mine).is_some());
    assert!(!session.is_dirty());
    assert_eq!(session.open_problems(), problems.as_slice());
    // The whole project as the folder holds it: nothing lost, the broken file left as it was.
    let reread = store::load_any(&folder).unwrap();
    assert_eq!(reread.project.annotations.len(), 16);
    assert!(
        std::fs::read_to_string(&ben_third)
            .unwrap()
            .contains("broken")
    );
    session.workspace_mut().undo().unwrap();
    assert!(session.project().annotation(mine).is_none());
    assert_eq!(session.project().annotations.len(), 15);
    // Now any article takes a tag.
    session
        .workspace_mut()
        .add_annotation(second, on_first, &StanceId::new("regulation"), "")
        .unwrap();
}

#[test]
fn unsaved_work_found_opening_a_large_folder_is_offered_once_it_has_loaded_and_never_saved_over() {
    let dir = tempfile::tempdir().unwrap();
    let folder = three_article_folder(dir.path());
    // Ana's earlier session tagged a passage and stopped before saving: its journal is left.
    let mut earlier = Session::open_blocking(&folder, SessionOptions::inline()).unwrap();
    earlier.set_annotator("Ana");
    let second = earlier.project().articles[1].id;
    earlier
        .workspace_mut()
        .add_annotation(
            second,
            TextRange { start: 20, end: 27 },
            &StanceId::new("regulation"),
            "",
        )
        .unwrap();
    assert!(earlier.autosave_tick(0.0).is_some());
    assert_eq!(earlier.autosave_tick(5.0), None);
    earlier.wait_all();
    drop(earlier);

    let mut session = Session::new(SessionOptions {
        background_io_bytes: 0,
        ..window_options()
    });
    session.set_annotator("Ana");
    let events = session.open(&folder);
    let events = until_opened(&mut session, events);
    // The autosave is compared with the whole project: not offered before it is here.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, SessionEvent::RecoveryAvailable { .. })),
        "{events:?}"
    );
    assert!(session.is_loading());
    let events = session.save();
    assert!(
        matches!(events.as_slice(), [SessionEvent::HeldBack { .. }]),
        "{events:?}"
    );
    let events = session.wait_all();
    let offered = events
        .iter()
        .position(|e| matches!(e, SessionEvent::RecoveryAvailable { .. }));
    let loaded = events
        .iter()
        .position(|e| matches!(e, SessionEvent::Loaded { .. }));
    assert!(offered.is_some() && loaded < offered, "{events:?}");
    // The save asked for while loading would drop the autosave unseen: it is not made.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, SessionEvent::Saved { .. })),
        "{events:?}"
    );
    assert!(
        events.iter().any(
            |e| matches!(e, SessionEvent::HeldBack { message } if message.contains("restore or discard"))
        ),
        "{events:?}"
    );
    let journal = session.pending_recovery().expect("the autosave stays");
    session.restore_recovery(&journal);
    session.wait_all();
    assert_eq!(session.project().annotations.len(), 16);
}
