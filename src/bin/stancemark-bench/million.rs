//! `stancemark-bench million`: a legislature's worth of coding — a project folder of 100
//! articles (65 MB of text: variants of the EU AI Act) with 1,000,000 annotations by three
//! analysts, notes on a third of them. Measures, each the median of 3 runs: opening the folder
//! (and the same project as a single file), `stancemark validate` on both, saving after one
//! changed annotation (time and files written), the layer files' bytes per annotation, and
//! peak memory. Each measurement runs in a child process so its peak RSS is its own.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use stancemark::model::{AnalystId, Annotation, Article, Project, StanceId, TextRange};
use stancemark::store;

use super::Rng;
use super::perf::{data_dir, peak_rss_mb};

/// Articles, annotations, analysts of the workload.
const ARTICLES: u64 = 100;
const ANNOTATIONS: usize = 1_000_000;
const ANALYSTS: [&str; 3] = ["ana", "ben", "cleo"];

/// The folder and the single file of the workload.
pub fn paths() -> (PathBuf, PathBuf) {
    (
        data_dir().join("million.stance"),
        data_dir().join("million.stance.json"),
    )
}

/// Builds the workload in memory (deterministic).
pub fn build() -> Project {
    let base = stancemark::text::normalize_newlines(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eu-ai-act-2024-1689.md"),
        )
        .unwrap(),
    );
    let lines: Vec<&str> = base.split('\n').collect();
    let mut project = Project::new("A legislature's worth: 100 articles, 1,000,000 annotations");
    for name in ANALYSTS {
        let a = project.new_analyst(name);
        project.analysts.push(a);
    }
    let stances: Vec<StanceId> = project.stances.0.iter().map(|s| s.id.clone()).collect();
    let mut rng = Rng(1_000_000);
    let t0 = chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default();
    let per_article = ANNOTATIONS / ARTICLES as usize;
    let mut n = 0usize;
    for i in 0..ARTICLES {
        let k = (i as usize * 541) % lines.len();
        let mut text = format!("Article {i}: a variant of the regulation\n");
        text.push_str(&lines[k..].join("\n"));
        text.push('\n');
        text.push_str(&lines[..k].join("\n"));
        let mut article = Article::new(format!("Variant {i}"), &text);
        article.id = uuid::Uuid::from_u64_pair(9, i);
        let chars: Vec<char> = article.text.chars().collect();
        for j in 0..per_article {
            let start = rng.below(chars.len().saturating_sub(400).max(1));
            let len = 10 + rng.below(300);
            let range = TextRange {
                start,
                end: (start + len).min(chars.len()),
            };
            let created = t0 + chrono::Duration::seconds(n as i64);
            project.push_annotation(Annotation {
                id: uuid::Uuid::from_u64_pair(rng.next_u64(), n as u64),
                article: article.id,
                range,
                quote: chars[range.start..range.end].iter().collect(),
                prefix: String::new(),
                suffix: String::new(),
                orphaned: false,
                stance: stances[rng.below(stances.len())].clone(),
                note: if n.is_multiple_of(3) {
                    format!("note {n}: worth quoting")
                } else {
                    String::new()
                },
                analyst: AnalystId::new(ANALYSTS[j % ANALYSTS.len()]),
                curator: None,
                actor: None,
                position: None,
                created,
                modified: created,
            });
            n += 1;
        }
        project.articles.push(article.into());
    }
    project
}

/// Writes the folder and the single file when they are not there yet.
pub fn generate() {
    let (folder, file) = paths();
    std::fs::create_dir_all(data_dir()).unwrap();
    if folder.join("project.json").exists() && file.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(&folder);
    let project = build();
    store::save_any(&project, &folder, None).unwrap();
    store::save_project(&project, &file).unwrap();
}

/// The folder opened as a session working as `ana`, and ana's annotations.
fn ana_session(
    folder: &Path,
    options: stancemark::session::SessionOptions,
) -> (stancemark::session::Session, Vec<uuid::Uuid>) {
    let mut session = stancemark::session::Session::open_blocking(folder, options).unwrap();
    session.set_annotator("ana");
    let ids = session
        .project()
        .annotations
        .iter()
        .filter(|a| a.analyst.as_str() == "ana")
        .map(|a| a.id)
        .collect();
    (session, ids)
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

/// Bytes of every file under `dir` whose path contains `part`.
fn bytes_under(dir: &Path, part: &str) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            total += bytes_under(&path, part);
        } else if path.to_string_lossy().contains(part) {
            total += std::fs::metadata(&path).unwrap().len();
        }
    }
    total
}

/// One measurement in this process: `key value` lines.
pub fn run_child(what: &str) {
    let (folder, file) = paths();
    match what {
        "open-folder" | "open-file" => {
            let path = if what == "open-folder" {
                &folder
            } else {
                &file
            };
            let started = Instant::now();
            let loaded = store::load_any(path).unwrap();
            println!("ms {:.1}", started.elapsed().as_secs_f64() * 1000.0);
            println!("annotations {}", loaded.project.annotations.len());
            println!("rss_mb {:.0}", peak_rss_mb());
        }
        "save-one" => {
            let loaded = store::load_any(&folder).unwrap();
            let mut ws = stancemark::workspace::Workspace::new(
                loaded.project,
                Box::new(stancemark::workspace::SystemClock),
            );
            ws.set_analyst_name("ana");
            let mine: Vec<_> = ws
                .project()
                .annotations
                .iter()
                .filter(|a| a.analyst.as_str() == "ana")
                .take(3000)
                .map(|a| a.id)
                .collect();
            let mut stamp = loaded.stamp;
            let mut times = Vec::new();
            let mut journal_times = Vec::new();
            let mut journal_files = 0;
            let mut files = 0;
            let journal = data_dir().join("million-journal.autosave");
            for round in 0..3 {
                let id = mine[round * 1000];
                // A note never written before (earlier runs changed these annotations too).
                let note = format!("changed {round} at {:?}", std::time::SystemTime::now());
                ws.set_annotation_note(id, &note).unwrap();
                let snapshot = ws.project().clone();
                // The autosave of that change: the folder's journal.
                let store::Stamp::Folder(state) = &stamp else {
                    panic!("a folder's stamp")
                };
                let started = Instant::now();
                journal_files =
                    stancemark::store::recovery::write_journal(&journal, &snapshot, state).unwrap();
                journal_times.push(started.elapsed());
                let started = Instant::now();
                let (next, written) = store::save_any(&snapshot, &folder, Some(&stamp)).unwrap();
                times.push(started.elapsed());
                files = files.max(written.report.written.len());
                stamp = next;
            }
            println!("ms {:.1}", median(times));
            println!("files {files}");
            println!("journal_ms {:.1}", median(journal_times));
            println!("journal_files {journal_files}");
            let _ = std::fs::remove_file(&journal);
        }
        "save-one-session" => {
            // As the window saves: the session's Save (Ctrl+S) after one change.
            let (mut session, mine) =
                ana_session(&folder, stancemark::session::SessionOptions::command_line());
            let mut times = Vec::new();
            for round in 0..3 {
                let note = format!("session {round} at {:?}", std::time::SystemTime::now());
                session
                    .workspace_mut()
                    .set_annotation_note(mine[round * 1000], &note)
                    .unwrap();
                let started = Instant::now();
                session.save_blocking().unwrap();
                times.push(started.elapsed());
            }
            println!("ms {:.1}", median(times));
        }
        "phases" => {
            // Where opening goes: reading, the window's derived views, dropping it all.
            let t = Instant::now();
            let loaded = store::load_any(&folder).unwrap();
            let read = t.elapsed();
            let ws = stancemark::workspace::Workspace::new(
                loaded.project,
                Box::new(stancemark::workspace::SystemClock),
            );
            let t = Instant::now();
            let derived = stancemark::derived::Derived::build(&ws);
            let built = t.elapsed();
            let article = ws.project().articles[0].id;
            let analysts: Vec<_> = ws.project().analysts.iter().map(|a| a.id.clone()).collect();
            let t = Instant::now();
            let ranges =
                stancemark::core::curation::disagreement_ranges(ws.project(), article, &analysts);
            println!(
                "disagreements_ms {:.1} ({} ranges)",
                t.elapsed().as_secs_f64() * 1000.0,
                ranges.len()
            );
            let t = Instant::now();
            let problems = ws.project().validate();
            let validated = t.elapsed();
            let t = Instant::now();
            drop(derived);
            drop(ws);
            let dropped = t.elapsed();
            println!("read_ms {:.0}", read.as_secs_f64() * 1000.0);
            println!("derived_ms {:.0}", built.as_secs_f64() * 1000.0);
            println!("validate_ms {:.0}", validated.as_secs_f64() * 1000.0);
            println!("drop_ms {:.0}", dropped.as_secs_f64() * 1000.0);
            println!("problems {}", problems.len());
        }
        "crash-child" => {
            // As the window edits: a session with autosave, one changed note every 50 ms.
            let (mut session, ids) =
                ana_session(&folder, stancemark::session::SessionOptions::desktop());
            let started = Instant::now();
            for n in 0usize.. {
                session
                    .workspace_mut()
                    .set_annotation_note(ids[n * 7919 % ids.len()], &format!("crash edit {n}"))
                    .unwrap();
                println!("edit {n} {}", epoch_ms());
                let _ = session.autosave_tick(started.elapsed().as_secs_f64());
                let _ = session.poll();
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        "app" => {
            // The window, headless: open on the worker (frames drawn meanwhile) until the
            // article is shown with its annotations, scroll, tag a passage, save, and open the
            // annotation table and the statistics.
            use super::perf::{Driver, key_event, stats, tag_a_passage, until_idle, wheel};
            use stancemark::command::Command;
            let started = Instant::now();
            // As the desktop app opens it: in two parts (the folder is over 2 MB).
            let mut d = Driver::with_options(&folder, 2 << 20, f64::INFINITY);
            let first = d.frame(Vec::new());
            // Usable: the frame that shows the article list and the first article with its
            // annotations.
            let mut longest = Duration::ZERO;
            loop {
                longest = longest.max(d.frame(Vec::new()));
                let shown = d.app.current_article().is_some_and(|a| {
                    d.app.workspace().project().annotations.count_in_article(a) > 0
                });
                if shown {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            println!(
                "open_usable_ms {:.0}",
                started.elapsed().as_secs_f64() * 1000.0
            );
            println!("open_partial {}", u8::from(d.app.session().is_loading()));
            let (_, rest_longest) = until_idle(&mut d, Duration::ZERO);
            let longest = longest.max(rest_longest);
            let after_open = d.frame(Vec::new());
            println!(
                "open_shown_frame_ms {:.1}",
                after_open.as_secs_f64() * 1000.0
            );
            let shown = d.app.current_article().is_some()
                && d.app.workspace().project().annotations.len() == ANNOTATIONS;
            println!("open_ms {:.0}", started.elapsed().as_secs_f64() * 1000.0);
            println!("open_first_frame_ms {:.1}", first.as_secs_f64() * 1000.0);
            println!(
                "open_longest_frame_ms {:.1}",
                longest.as_secs_f64() * 1000.0
            );
            println!("open_shown {}", u8::from(shown));
            let centre = egui::Pos2::new(580.0, 420.0);
            let mut scroll: Vec<Duration> = (0..200)
                .map(|_| d.frame(vec![egui::Event::PointerMoved(centre), wheel(-240.0)]))
                .collect();
            let (p50, p99, max) = stats(&mut scroll);
            println!("scroll_p50 {p50:.2}");
            println!("scroll_p99 {p99:.2}");
            println!("scroll_max {max:.2}");
            let before = d.app.workspace().project().annotations.len();
            tag_a_passage(&mut d);
            let tagged = d.app.workspace().project().annotations.len() == before + 1;
            println!("tagged {}", u8::from(tagged));
            let t = Instant::now();
            let first = d.frame(key_event(egui::Key::S, egui::Modifiers::COMMAND));
            let (_, save_longest) = until_idle(&mut d, first);
            println!("app_save_ms {:.1}", t.elapsed().as_secs_f64() * 1000.0);
            println!(
                "app_save_longest_frame_ms {:.1}",
                save_longest.as_secs_f64() * 1000.0
            );
            for (name, c) in [
                ("table", Command::AnnotationTable),
                ("stats", Command::Statistics),
            ] {
                d.app.execute(c);
                let first = d.frame(Vec::new());
                let (_, longest) = until_idle(&mut d, first);
                for _ in 0..30 {
                    d.frame(Vec::new());
                    std::thread::sleep(Duration::from_millis(5));
                }
                println!(
                    "window_{name}_longest_frame_ms {:.1}",
                    longest.as_secs_f64() * 1000.0
                );
            }
            println!("app_rss_mb {:.0}", peak_rss_mb());
            // The workload stays as generated for the next run: the tag undone and saved.
            d.app.execute(Command::Undo);
            let first = d.frame(key_event(egui::Key::S, egui::Modifiers::COMMAND));
            until_idle(&mut d, first);
            assert_eq!(d.app.workspace().project().annotations.len(), ANNOTATIONS);
        }
        other => panic!("unknown measurement {other}"),
    }
}

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// kill -9 five seconds after the first change to the folder: is Restore offered, and does it
/// bring back every change older than two seconds? (edits, edits older than 2 s, restored,
/// journal bytes)
fn crash() -> (usize, usize, usize, u64) {
    use std::io::BufRead;
    let (folder, _) = paths();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["million-one", "crash-child"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut edits: Vec<(usize, u128)> = Vec::new();
    let mut first = None;
    for line in reader.lines().map_while(Result::ok) {
        let mut parts = line.split_whitespace().skip(1);
        let (Some(n), Some(at)) = (parts.next(), parts.next()) else {
            continue;
        };
        let at: u128 = at.parse().unwrap();
        edits.push((n.parse().unwrap(), at));
        if *first.get_or_insert(at) + 5_000 <= epoch_ms() {
            break;
        }
    }
    child.kill().unwrap();
    let killed = epoch_ms();
    child.wait().unwrap();
    // Restoring changes notes, not which annotations are ana's.
    let (mut session, ids) =
        ana_session(&folder, stancemark::session::SessionOptions::command_line());
    let Some(file) = session.pending_recovery() else {
        return (edits.len(), 0, 0, 0);
    };
    let journal_bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
    session.restore_recovery(&file);
    let old: Vec<usize> = edits
        .iter()
        .filter(|(_, at)| *at + 2_000 <= killed)
        .map(|(n, _)| *n)
        .collect();
    let restored = old
        .iter()
        .filter(|n| {
            session
                .project()
                .annotation(ids[*n * 7919 % ids.len()])
                .is_some_and(|a| a.note == format!("crash edit {n}"))
        })
        .count();
    // Back to the folder as saved, for the next run.
    let _ = session.discard_recovery(&file);
    (edits.len(), old.len(), restored, journal_bytes)
}

/// Runs `exe` with `args` to the end; its standard output (it must succeed).
fn run_ok(exe: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(exe).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn child(what: &str) -> std::collections::HashMap<String, f64> {
    let out = run_ok(&std::env::current_exe().unwrap(), &["million-one", what]);
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
        .collect()
}

/// Three children's figures: the median of each (and its largest as `<key>_max`); returns
/// `key`'s median with them.
fn median_of(what: &str, key: &str) -> (f64, std::collections::HashMap<String, f64>) {
    let runs: Vec<_> = (0..3).map(|_| child(what)).collect();
    let mut figures = std::collections::HashMap::new();
    for name in runs[0].keys() {
        let mut values: Vec<f64> = runs.iter().filter_map(|r| r.get(name).copied()).collect();
        values.sort_by(f64::total_cmp);
        figures.insert(format!("{name}_max"), values[values.len() - 1]);
        figures.insert(name.clone(), values[values.len() / 2]);
    }
    (figures[key], figures)
}

/// `stancemark validate` on `path`, median of 3 (ms).
fn validate_ms(path: &Path) -> f64 {
    let exe = std::env::current_exe()
        .unwrap()
        .with_file_name("stancemark");
    let times: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            run_ok(&exe, &["validate", path.to_str().unwrap()]);
            started.elapsed()
        })
        .collect();
    median(times)
}

/// Generates the workload and prints the table rows.
pub fn run() {
    let started = Instant::now();
    generate();
    let (folder, file) = paths();
    let layer_bytes = bytes_under(&folder, "/layers/");
    let (open_folder, of) = median_of("open-folder", "ms");
    let (open_file, ofi) = median_of("open-file", "ms");
    let (save_one, so) = median_of("save-one", "ms");
    let (save_session, _) = median_of("save-one-session", "ms");
    let (_, app) = median_of("app", "open_usable_ms");
    let (edits, old, restored, journal) = crash();
    let validate_folder = validate_ms(&folder);
    let validate_file = validate_ms(&file);
    println!(
        "stancemark-bench million — 100 articles (65 MB of text), 1,000,000 annotations by 3 analysts, notes on a third; median of 3, release build"
    );
    println!();
    println!("| measure | folder | single file |");
    println!("| --- | ---: | ---: |");
    println!(
        "| on disk: layer bytes / annotation (texts excluded) | {:.0} | {:.0} MB in all |",
        layer_bytes as f64 / ANNOTATIONS as f64,
        std::fs::metadata(&file).unwrap().len() as f64 / 1e6
    );
    println!("| open, everything read (ms) | {open_folder:.0} | {open_file:.0} |");
    println!(
        "| peak RSS after opening (MB) | {:.0} | {:.0} |",
        of["rss_mb"], ofi["rss_mb"]
    );
    println!(
        "| `stancemark validate` (ms) | {validate_folder:.0} ({:.2}× the file) | {validate_file:.0} |",
        validate_folder / validate_file
    );
    println!(
        "| save after one annotation changed (ms) / files written | {save_one:.1} / {} | — |",
        so["files"]
    );
    println!(
        "| Save (the session's, as Ctrl+S) after one annotation changed (ms) | {save_session:.1} | — |"
    );
    println!(
        "| autosave (the journal, one file) after one annotation changed (ms) / files in it | {:.1} / {} | — |",
        so["journal_ms"], so["journal_files"]
    );
    println!(
        "| the window (headless): open until the article list and the first article are shown with its annotations (ms) | {:.0} | — |",
        app["open_usable_ms"]
    );
    println!(
        "| the window: until every annotation has loaded (ms) / longest frame meanwhile, median (worst of 3) (ms) | {:.0} / {:.1} ({:.1}) | — |",
        app["open_ms"], app["open_longest_frame_ms"], app["open_longest_frame_ms_max"]
    );
    println!(
        "| the window: scroll frame p50 / p99 (ms); Save after tagging (ms); longest frame opening the table / statistics (ms) | {:.2} / {:.2}; {:.1}; {:.1} / {:.1} | — |",
        app["scroll_p50"],
        app["scroll_p99"],
        app["app_save_ms"],
        app["window_table_longest_frame_ms"],
        app["window_stats_longest_frame_ms"]
    );
    println!(
        "| the window: peak RSS with everything loaded, after scroll, tag, save, table, statistics (MB) | {:.0} | — |",
        app["app_rss_mb"]
    );
    println!(
        "| kill -9 5 s into editing: edits / older than 2 s / restored (journal bytes) | {edits} / {old} / {restored} ({:.1} MB) | — |",
        journal as f64 / 1e6
    );
    println!();
    println!("({:.0} s in all)", started.elapsed().as_secs_f64());
}
