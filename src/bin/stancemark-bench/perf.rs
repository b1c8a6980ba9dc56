//! Performance benchmark: frame time of the real app driven headlessly (bare `egui::Context`,
//! CPU only: `run_ui` + tessellation), open/save/export, adding an annotation, find, memory.
//!
//! Each workload runs in its own child process so its peak RSS (VmHWM) is its own.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui::{self, Event, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, Vec2};
use stancemark::anchor::CONTEXT_CHARS;
use stancemark::export::{Export, ExportFormat};
use stancemark::model::{Annotation, Article, Project, StanceId, TextRange};
use stancemark::store;
use stancemark::ui::{AppOptions, StancemarkApp};

use super::Rng;

/// The workloads of the issue: the sample, the regulation with 10k annotations, and ten
/// variants of it (6.5 MB) with 100k annotations.
pub const WORKLOADS: [&str; 3] = ["sample", "act-10k", "corpus-100k"];

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

fn read(rel: &str) -> String {
    stancemark::text::normalize_newlines(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap(),
    )
}

/// Random overlapping annotations on an article (deterministic for a seed).
fn annotate(project: &mut Project, article: &Article, n: usize, rng: &mut Rng) {
    let chars: Vec<char> = article.text.chars().collect();
    let stances: Vec<StanceId> = project.stances.0.iter().map(|s| s.id.clone()).collect();
    let t0 = chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default();
    for i in 0..n {
        let start = rng.below(chars.len().saturating_sub(400).max(1));
        let len = 10 + rng.below(300);
        let range = TextRange {
            start,
            end: (start + len).min(chars.len()),
        };
        let quote: String = chars[range.start..range.end].iter().collect();
        let prefix: String = chars[range.start.saturating_sub(CONTEXT_CHARS)..range.start]
            .iter()
            .collect();
        let suffix: String = chars[range.end..(range.end + CONTEXT_CHARS).min(chars.len())]
            .iter()
            .collect();
        project.push_annotation(Annotation {
            id: uuid::Uuid::from_u64_pair(rng.next_u64(), i as u64),
            article: article.id,
            range,
            quote,
            prefix,
            suffix,
            orphaned: false,
            stance: stances[rng.below(stances.len())].clone(),
            note: if i % 5 == 0 {
                format!("note {i}: worth quoting in the brief")
            } else {
                String::new()
            },
            analyst: "bench".into(),
            curator: None,
            actor: None,
            position: None,
            created: t0,
            modified: t0,
        });
    }
}

/// Builds a workload project in memory (deterministic).
pub fn build(name: &str) -> Project {
    let mut rng = Rng(42);
    match name {
        "sample" => store::load_project(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
        )
        .unwrap(),
        "act-10k" => {
            let mut p = Project::new("EU AI Act, 10k annotations");
            let mut a = Article::new(
                "Regulation (EU) 2024/1689",
                &read("tests/data/eu-ai-act-2024-1689.md"),
            );
            a.id = uuid::Uuid::from_u64_pair(1, 1);
            annotate(&mut p, &a, 10_000, &mut rng);
            p.articles.push(a.into());
            p
        }
        "corpus-100k" => {
            let mut p = Project::new("Ten variants of the EU AI Act, 100k annotations");
            let base = read("tests/data/eu-ai-act-2024-1689.md");
            let lines: Vec<&str> = base.split('\n').collect();
            for i in 0..10u64 {
                // Each variant: paragraphs rotated, a header, and a word changed.
                let k = (i as usize * 541) % lines.len();
                let mut text = format!("Variant {i} of the regulation\n");
                text.push_str(&lines[k..].join("\n"));
                text.push('\n');
                text.push_str(&lines[..k].join("\n"));
                if i % 2 == 1 {
                    text = text.replace("Commission", "European Commission");
                }
                let mut a = Article::new(format!("Variant {i}"), &text);
                a.id = uuid::Uuid::from_u64_pair(2, i);
                annotate(&mut p, &a, 10_000, &mut rng);
                p.articles.push(a.into());
            }
            p
        }
        other => panic!("unknown workload {other}"),
    }
}

/// Writes every workload to `target/bench-data/NAME.stance.json`.
pub fn generate() -> Vec<PathBuf> {
    std::fs::create_dir_all(data_dir()).unwrap();
    WORKLOADS
        .iter()
        .map(|name| {
            let path = data_dir().join(format!("{name}.stance.json"));
            store::save_project(&build(name), &path).unwrap();
            path
        })
        .collect()
}

pub(crate) fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

pub(crate) struct Driver {
    ctx: egui::Context,
    pub(crate) app: StancemarkApp,
    time: f64,
}

const SCREEN: Vec2 = Vec2::new(1280.0, 800.0);

impl Driver {
    /// Everything inline, autosave off (its cost is measured on its own).
    fn new(path: &Path) -> Self {
        Self::with_options(path, u64::MAX, f64::INFINITY)
    }

    /// A driver whose app opens and saves files of at least `bytes` on a worker thread and
    /// autosaves `autosave_delay` seconds after a change.
    pub(crate) fn with_options(path: &Path, bytes: u64, autosave_delay: f64) -> Self {
        let ctx = egui::Context::default();
        let options = AppOptions {
            autosave_delay,
            background_io_bytes: bytes,
            ..AppOptions::headless()
        };
        let app = StancemarkApp::new(Some(path.to_owned()), options);
        Self {
            ctx,
            app,
            time: 0.0,
        }
    }

    /// One frame: `run_ui` + tessellation, as a window would do minus the GPU.
    pub(crate) fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let app = &mut self.app;
        let start = Instant::now();
        let out = self.ctx.run_ui(input, |ui| app.show(ui));
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        let elapsed = start.elapsed();
        std::hint::black_box(prims);
        elapsed
    }
}

/// p50, p99, max in milliseconds.
pub(crate) fn stats(times: &mut [Duration]) -> (f64, f64, f64) {
    if times.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.99), ms(*times.last().unwrap()))
}

pub(crate) fn wheel(dy: f32) -> Event {
    Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: Vec2::new(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    }
}

fn button(pos: Pos2, pressed: bool) -> Event {
    Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    }
}

fn time_it<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..n).map(|_| time_it(&mut f).0).min().unwrap_or_default()
}

/// The project file's own shape (format 3), for the baseline: plain `serde_json::from_str`
/// into the same types, without filling in quotes or validating.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlainFile {
    format_version: u32,
    project: PlainProject,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlainProject {
    name: String,
    stances: stancemark::model::StanceScheme,
    articles: Vec<Article>,
    #[serde(default)]
    analysts: Vec<stancemark::model::Analyst>,
    annotations: Vec<PlainAnnotation>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlainAnnotation {
    id: uuid::Uuid,
    article: uuid::Uuid,
    range: TextRange,
    #[serde(default)]
    quote: Option<String>,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    suffix: Option<String>,
    #[serde(default)]
    orphaned: bool,
    stance: StanceId,
    note: String,
    analyst: String,
    created: chrono::DateTime<chrono::Utc>,
    modified: chrono::DateTime<chrono::Utc>,
}

/// Measurements as `key value` lines for the parent process.
#[derive(Default)]
struct Report(Vec<(&'static str, String)>);

impl Report {
    fn put(&mut self, key: &'static str, value: impl std::fmt::Display) {
        self.0.push((key, value.to_string()));
    }

    fn ms(&mut self, key: &'static str, d: Duration) {
        self.put(key, format!("{:.3}", d.as_secs_f64() * 1e3));
    }
}

/// Runs every measurement on one workload and prints `key value` lines for the parent.
pub fn run_one(name: &str) {
    let path = data_dir().join(format!("{name}.stance.json"));
    let mut report = Report::default();
    let size_mb = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6);
    report.put("workload", name);
    report.put("size_mb", format!("{size_mb:.2}"));
    let project = store::load_project(&path).unwrap();
    report.put("articles", project.articles.len());
    report.put("annotations", project.annotations.len());
    // The background jobs first, on a heap as fresh as a window's that opens a project: the
    // file stages free hundreds of MB on this thread, and glibc hands that back to the system
    // (a `brk` trim, 3–6 ms of unmapping) inside whatever frees next — in that order the
    // "longest frame while opening" measured the trim, not the app (profiled with perf).
    background_jobs(name, &path, &mut report);
    files(name, &path, &project, &mut report);
    if std::env::var_os("BENCH_ADD_LOOP").is_some() {
        return add_loop(&path);
    }
    frames(&path, &mut report);
    core_add(&project, &mut report);
    find(&project, &mut report);
    report.put("peak_rss_mb", format!("{:.0}", peak_rss_mb()));
    for (key, value) in report.0 {
        println!("{key} {value}");
    }
}

/// A second analyst who coded the same corpus: nine in ten of the passages again, one in five
/// of those starting three characters later. Then what team work costs: the differences on
/// the largest article (the reader's disagreement lane, the comparison) and agreement over the
/// corpus (the agreement window's worker).
fn team(project: &Project, report: &mut Report) {
    use stancemark::analysis::agreement::{self, Measure, Request, Unit};
    use stancemark::model::AnalystId;
    let mut team = project.clone();
    let second = team.new_analyst("second coder");
    let second_id = second.id.clone();
    team.analysts.push(second);
    let mut seed: u64 = 11;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let copies: Vec<_> = project
        .annotations
        .iter()
        .filter_map(|a| {
            if next(10) == 0 {
                return None;
            }
            let mut b = (**a).clone();
            b.id = uuid::Uuid::new_v4();
            b.analyst = second_id.clone();
            if next(5) == 0 && b.range.len() > 3 {
                b.range.start += 3;
                b.quote = b.quote.chars().skip(3).collect();
            }
            Some(b)
        })
        .collect();
    for b in copies {
        team.push_annotation(b);
    }
    let first_id = project.analysts[0].id.clone();
    let largest = project
        .articles
        .iter()
        .max_by_key(|a| project.annotations.count_in_article(a.id))
        .map(|a| a.id)
        .unwrap();
    let both = [first_id.clone(), second_id.clone()];
    let mut ranges = 0;
    report.ms(
        "team_disagreements_ms",
        best_of(3, || {
            ranges = stancemark::core::curation::disagreement_ranges(&team, largest, &both).len();
        }),
    );
    report.put(
        "team_article_passages",
        team.annotations.count_in_article(largest),
    );
    report.put("team_disagreements", ranges);
    for (key, measure) in [
        ("team_alpha_u_ms", Measure::AlphaU),
        ("team_kappa_ms", Measure::Kappa),
    ] {
        let request = Request {
            measures: vec![measure],
            unit: Unit::Word,
            analysts: both.to_vec(),
            article: None,
            stance: None,
        };
        report.ms(
            key,
            best_of(1, || {
                agreement::measure(&team, &request, &|article, analyst: &AnalystId| {
                    team.counts_on(article, analyst)
                })
                .len()
            }),
        );
    }
}

/// Open, save and export as core functions, against plain serde_json.
fn files(name: &str, path: &Path, project: &Project, report: &mut Report) {
    report.ms("load_ms", best_of(3, || store::load_project(path).unwrap()));
    // Baseline: reading the same file and plain serde_json into the file's own types.
    let plain = best_of(3, || {
        let source = std::fs::read_to_string(path).unwrap();
        serde_json::from_str::<PlainFile>(&source).unwrap()
    });
    report.ms("plain_json_ms", plain);
    let tmp = data_dir().join(format!("{name}.save-test.stance.json"));
    report.ms(
        "save_ms",
        best_of(3, || store::save_project(project, &tmp).unwrap()),
    );
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_file(data_dir().join(format!("{name}.save-test.stance.json.bak")));
    folder(name, project, report);
    for (key, format) in [
        ("export_json_ms", ExportFormat::Json),
        ("export_ron_ms", ExportFormat::Ron),
    ] {
        let time = best_of(3, || {
            Export::from_project(project).to_string(format).unwrap()
        });
        report.ms(key, time);
    }
    let json = Export::from_project(project)
        .to_string(ExportFormat::Json)
        .unwrap();
    report.ms(
        "plain_json_parse_ms",
        best_of(3, || serde_json::from_str::<Export>(&json).unwrap()),
    );
}

pub(crate) fn key_event(key: egui::Key, modifiers: Modifiers) -> Vec<Event> {
    [true, false]
        .into_iter()
        .map(|pressed| Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        })
        .collect()
}

/// Drags over a passage near the top of the reader and presses `1`: one new annotation.
pub(crate) fn tag_a_passage(d: &mut Driver) {
    let from = Pos2::new(300.0, 200.0);
    let to = Pos2::new(700.0, 230.0);
    d.frame(vec![Event::PointerMoved(from), button(from, true)]);
    d.frame(vec![Event::PointerMoved(Pos2::new(500.0, 215.0))]);
    d.frame(vec![Event::PointerMoved(to), button(to, false)]);
    d.frame(Vec::new());
    d.frame(key_event(egui::Key::Num1, Modifiers::NONE));
    settle(d);
}

/// Frames until the reader has worked out the disagreements a change brought (a worker thread
/// on a large article in team view), as they are by the time an analyst does anything else:
/// the next measure does not share the cores with them.
fn settle(d: &mut Driver) {
    while d.app.article_view().is_working() {
        std::thread::sleep(Duration::from_millis(2));
        d.frame(Vec::new());
    }
}

/// Frames until the app's jobs are done: how long that took and the longest frame meanwhile
/// (after the one that started them).
pub(crate) fn until_idle(d: &mut Driver, first: Duration) -> (Duration, Duration) {
    let started = Instant::now();
    let mut longest = first;
    while !d.app.session().jobs().is_empty() {
        longest = longest.max(d.frame(Vec::new()));
        std::thread::sleep(Duration::from_millis(2));
    }
    (started.elapsed() + first, longest)
}

/// Every background job as the desktop app runs it (files over 2 MB on a worker thread; here
/// every file): how long until done, and the longest frame meanwhile.
fn background_jobs(name: &str, path: &Path, report: &mut Report) {
    let dir = tempfile_dir(&format!("{name}-jobs"));
    let copy = dir.join(format!("{name}.stance.json"));
    std::fs::copy(path, &copy).unwrap();
    let started = Instant::now();
    let mut d = Driver::with_options(&copy, 0, f64::INFINITY);
    // The window's very first frame (fonts and the like) is not the project's doing.
    d.frame(Vec::new());
    let (_, open_max) = until_idle(&mut d, Duration::ZERO);
    report.ms("open_bg_ms", started.elapsed());
    report.ms("open_bg_max_frame_ms", open_max);

    let first = d.frame(key_event(egui::Key::S, Modifiers::COMMAND));
    let (save, save_max) = until_idle(&mut d, first);
    report.ms("save_bg_ms", save);
    report.ms("save_bg_max_frame_ms", save_max);

    d.app
        .export_to(ExportFormat::Json, &dir.join("export.json"));
    let first = d.frame(Vec::new());
    let (export, export_max) = until_idle(&mut d, first);
    report.ms("export_bg_ms", export);
    report.ms("export_bg_max_frame_ms", export_max);

    // Someone else saves the file; this window tags a passage, saves, and reloads.
    let mut theirs = store::load_project(&copy).unwrap();
    theirs.name = format!("{} (changed elsewhere)", theirs.name);
    std::thread::sleep(Duration::from_millis(20));
    store::save_project(&theirs, &copy).unwrap();
    tag_a_passage(&mut d);
    let first = d.frame(key_event(egui::Key::S, Modifiers::COMMAND));
    until_idle(&mut d, first);
    d.app.execute(stancemark::command::Command::ReloadFromDisk);
    let first = d.frame(Vec::new());
    let (reload, reload_max) = until_idle(&mut d, first);
    report.ms("reload_bg_ms", reload);
    report.ms("reload_bg_max_frame_ms", reload_max);
    drop(d);

    // Autosave: due at once after a change.
    let mut d = Driver::with_options(&copy, u64::MAX, 0.0);
    d.frame(Vec::new());
    tag_a_passage(&mut d);
    let first = d.frame(Vec::new());
    let (autosave, autosave_max) = until_idle(&mut d, first);
    report.ms("autosave_bg_ms", autosave);
    report.ms("autosave_bg_max_frame_ms", autosave_max);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Start-up, scrolling the whole first article, hovering, selecting and adding an annotation.
fn frames(path: &Path, report: &mut Report) {
    let (startup, mut driver) = time_it(|| {
        let mut d = Driver::new(path);
        d.frame(Vec::new());
        d
    });
    report.ms("startup_ms", startup);
    for _ in 0..10 {
        driver.frame(Vec::new());
    }
    let (scroll_frames, mut scroll) = scroll_through(&mut driver);
    report.put("scroll_frames", scroll_frames);
    put_stats(
        report,
        ["scroll_p50", "scroll_p99", "scroll_max"],
        &mut scroll,
    );
    let centre = Pos2::new(580.0, 420.0);
    // Back to the top, then hovering and selecting text.
    for _ in 0..200 {
        driver.frame(vec![Event::PointerMoved(centre), wheel(100_000.0)]);
    }
    let mut hover: Vec<Duration> = (0..300)
        .map(|i| {
            let p = Pos2::new(
                300.0 + (i % 60) as f32 * 10.0,
                120.0 + (i / 60) as f32 * 90.0,
            );
            driver.frame(vec![Event::PointerMoved(p)])
        })
        .collect();
    put_stats(report, ["hover_p50", "hover_p99", "hover_max"], &mut hover);
    let mut select = Vec::new();
    for round in 0..20 {
        let y = 150.0 + (round % 10) as f32 * 40.0;
        let from = Pos2::new(300.0, y);
        select.push(driver.frame(vec![Event::PointerMoved(from), button(from, true)]));
        for step in 1..10 {
            let p = Pos2::new(300.0 + step as f32 * 50.0, y + step as f32 * 4.0);
            select.push(driver.frame(vec![Event::PointerMoved(p)]));
        }
        let to = Pos2::new(800.0, y + 40.0);
        select.push(driver.frame(vec![Event::PointerMoved(to), button(to, false)]));
    }
    put_stats(
        report,
        ["select_p50", "select_p99", "select_max"],
        &mut select,
    );
    add_frames(&mut driver, report);
    table_frames(&mut driver, report);
}

/// The annotation table open over the whole project: scrolling it with the wheel, then
/// sorting by quote and filtering (the rows are computed on a worker thread meanwhile).
fn table_frames(driver: &mut Driver, report: &mut Report) {
    driver
        .app
        .execute(stancemark::command::Command::AnnotationTable);
    for _ in 0..5 {
        driver.frame(Vec::new());
    }
    if let Some(table) = driver.app.table() {
        table.wait();
    }
    for _ in 0..5 {
        driver.frame(Vec::new());
    }
    let over = Pos2::new(480.0, 300.0);
    let mut scroll: Vec<Duration> = (0..300)
        .map(|i| {
            let delta = if (i / 100) % 2 == 0 { -60.0 } else { 60.0 };
            driver.frame(vec![Event::PointerMoved(over), wheel(delta)])
        })
        .collect();
    put_stats(
        report,
        ["table_scroll_p50", "table_scroll_p99", "table_scroll_max"],
        &mut scroll,
    );
    // Sort and filter through the table's state; frames go on while the worker computes.
    let mut busy: Vec<Duration> = Vec::new();
    if let Some(table) = driver.app.table() {
        table.query.sort = stancemark::table::SortKey::Quote;
    }
    for _ in 0..30 {
        busy.push(driver.frame(vec![Event::PointerMoved(over)]));
    }
    if let Some(table) = driver.app.table() {
        table.query.text = "risk".to_owned();
    }
    for _ in 0..30 {
        busy.push(driver.frame(vec![Event::PointerMoved(over)]));
    }
    put_stats(
        report,
        ["table_busy_p50", "table_busy_p99", "table_busy_max"],
        &mut busy,
    );
    let shown = driver.app.table().map_or(0, |t| t.rows.len());
    report.put("table_rows_shown", shown);
}

fn put_stats(report: &mut Report, keys: [&'static str; 3], times: &mut [Duration]) {
    let (p50, p99, max) = stats(times);
    for (key, value) in keys.into_iter().zip([p50, p99, max]) {
        report.put(key, format!("{value:.3}"));
    }
}

/// Scrolls the whole first article with the wheel; a short article is scrolled up and down
/// until there are 300 frames, so its percentiles (the baseline) come from as many frames as
/// the long articles'. Returns the frames to the end and every frame's time.
fn scroll_through(driver: &mut Driver) -> (usize, Vec<Duration>) {
    let centre = Pos2::new(580.0, 420.0);
    driver.frame(vec![Event::PointerMoved(centre)]);
    let mut scroll = Vec::new();
    for _ in 0..20_000 {
        scroll.push(driver.frame(vec![Event::PointerMoved(centre), wheel(-240.0)]));
        let (_, last, total) = driver.app.article_view().visible_paragraphs();
        if last + 1 >= total {
            break;
        }
    }
    let frames = scroll.len();
    let mut down = false;
    while scroll.len() < 300 {
        let (first, last, total) = driver.app.article_view().visible_paragraphs();
        if first == 0 {
            down = true;
        } else if last + 1 >= total {
            down = false;
        }
        let dy = if down { -240.0 } else { 240.0 };
        scroll.push(driver.frame(vec![Event::PointerMoved(centre), wheel(dy)]));
    }
    (frames, scroll)
}

/// Adding an annotation: select a passage, press 1, time that frame and the next.
fn add_frames(driver: &mut Driver, report: &mut Report) {
    let from = Pos2::new(300.0, 200.0);
    let to = Pos2::new(700.0, 230.0);
    driver.frame(vec![Event::PointerMoved(from), button(from, true)]);
    driver.frame(vec![Event::PointerMoved(Pos2::new(500.0, 215.0))]);
    driver.frame(vec![Event::PointerMoved(to), button(to, false)]);
    driver.frame(Vec::new());
    let before = driver.app.workspace().project().annotations.len();
    let add_frame = driver.frame(key_event(egui::Key::Num1, Modifiers::NONE));
    let next_frame = driver.frame(Vec::new());
    settle(driver);
    let added = driver.app.workspace().project().annotations.len() == before + 1;
    let mut ordinary: Vec<Duration> = (0..60).map(|_| driver.frame(Vec::new())).collect();
    let (o50, _, _) = stats(&mut ordinary);
    report.ms("add_frame_ms", add_frame);
    report.ms("add_next_frame_ms", next_frame);
    report.put("ordinary_frame_ms", format!("{o50:.3}"));
    report.put("add_ok", added);
}

/// Profiling aid: select and tag in a loop (`BENCH_ADD_LOOP=1 … perf-one NAME`).
fn add_loop(path: &Path) {
    let mut driver = Driver::new(path);
    driver.frame(Vec::new());
    for _ in 0..60 {
        tag_a_passage(&mut driver);
    }
}

/// The core command alone, without the UI, and a snapshot for autosave.
fn core_add(project: &Project, report: &mut Report) {
    report.ms("autosave_snapshot_ms", best_of(3, || project.clone()));
    let mut ws = stancemark::Workspace::new(
        project.clone(),
        Box::new(stancemark::workspace::SteppingClock::default()),
    );
    let article_id = project.articles[0].id;
    let len = project.articles[0].text.len();
    let core_add = best_of(3, || {
        ws.add_annotation(
            article_id,
            TextRange {
                start: 300_000.min(len / 3),
                end: 300_050.min(len / 3 + 50),
            },
            &StanceId::new("regulation"),
            "",
        )
        .unwrap()
    });
    report.ms("core_add_ms", core_add);
}

/// Find: the first article, and the whole project's text as one 6.5 MB string.
fn find(project: &Project, report: &mut Report) {
    let first_text = project.articles[0].text.clone();
    let all_text: String = project
        .articles
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    use stancemark::search::{MAX_MATCHES, Pattern, SearchOptions};
    use stancemark::text::OffsetIndex;
    let pattern = Pattern::new("risk", SearchOptions::default())
        .unwrap()
        .unwrap();
    let (find_build, index) = time_it(|| OffsetIndex::new(&first_text));
    report.ms("find_build_ms", find_build);
    let hits = |text: &str, index: &OffsetIndex| pattern.find_all(text, index, MAX_MATCHES).0.len();
    report.ms("find_query_ms", best_of(5, || hits(&first_text, &index)));
    report.put("find_hits", hits(&first_text, &index));
    let (find_all_build, all_index) = time_it(|| OffsetIndex::new(&all_text));
    report.put("find_all_mb", format!("{:.1}", all_text.len() as f64 / 1e6));
    report.ms("find_all_build_ms", find_all_build);
    report.ms(
        "find_all_query_ms",
        best_of(5, || hits(&all_text, &all_index)),
    );
    // Project search as the window runs it (every article and note, context for each hit).
    let progress = stancemark::jobs::Progress::default();
    let search = |query: &str| {
        let pattern = Pattern::new(query, SearchOptions::default())
            .unwrap()
            .unwrap();
        stancemark::search::search_project(project, &pattern, &progress)
            .unwrap()
            .hits
            .len()
    };
    report.ms("search_project_ms", best_of(3, || search("risk")));
    report.put("search_project_hits", search("risk"));
    report.ms("search_common_ms", best_of(3, || search("the")));
    report.put("search_common_hits", search("the"));
    // Suggestions for a common term over the whole corpus, and similar sentences.
    let security = stancemark::model::StanceId::new("security");
    let data = stancemark::suggest::phrase_pattern("data", SearchOptions::default())
        .unwrap()
        .unwrap();
    let suggest = || {
        stancemark::suggest::from_pattern(project, &data, &security, true, &progress)
            .unwrap()
            .items
            .len()
    };
    report.ms("suggest_ms", best_of(3, suggest));
    report.put("suggest_items", suggest());
    if let Some(first) = project.annotations.first() {
        let similar = || {
            stancemark::suggest::similar(project, first.id, 20, &progress)
                .unwrap()
                .items
                .len()
        };
        report.ms("similar_ms", best_of(1, similar));
    }
    // The classifier: examples from the project's coding, then training.
    let (train_ms, classes) = time_it(|| {
        let examples = stancemark::learn::examples_of(project);
        stancemark::learn::Model::train(&examples).map_or(0, |m| m.classes().len())
    });
    report.ms("train_ms", train_ms);
    report.put("train_classes", classes);
    report.ms(
        "stats_ms",
        best_of(3, || stancemark::stats::Stats::of(project).project.len()),
    );
    team(project, report);
    // The annotation table's rows: sorted by quote, and filtered by text as well.
    use stancemark::table::{SortKey, TableQuery};
    let sorted = TableQuery {
        sort: SortKey::Quote,
        ..TableQuery::default()
    };
    let filtered = TableQuery {
        text: "risk".to_owned(),
        ..sorted.clone()
    };
    let rows = |q: &TableQuery| {
        stancemark::table::rows(project, q, &progress)
            .unwrap()
            .len()
    };
    report.ms("table_sort_ms", best_of(3, || rows(&sorted)));
    report.ms("table_filter_ms", best_of(3, || rows(&filtered)));
    report.put("table_filter_rows", rows(&filtered));
}

/// The app alone in this process, as an analyst uses it: open the project, scroll, tag a
/// passage, save, export JSON; prints its peak RSS (the `perf-one` figure also counts the
/// benchmark's own copies of the project).
pub fn run_app_memory(name: &str) {
    let path = data_dir().join(format!("{name}.stance.json"));
    let dir = tempfile_dir(name);
    let copy = dir.join(format!("{name}.stance.json"));
    std::fs::copy(&path, &copy).unwrap();
    let mut driver = Driver::new(&copy);
    let centre = Pos2::new(580.0, 420.0);
    for _ in 0..300 {
        driver.frame(vec![Event::PointerMoved(centre), wheel(-240.0)]);
    }
    for _ in 0..200 {
        driver.frame(vec![Event::PointerMoved(centre), wheel(100_000.0)]);
    }
    let from = Pos2::new(300.0, 200.0);
    let to = Pos2::new(700.0, 230.0);
    driver.frame(vec![Event::PointerMoved(from), button(from, true)]);
    driver.frame(vec![Event::PointerMoved(Pos2::new(500.0, 215.0))]);
    driver.frame(vec![Event::PointerMoved(to), button(to, false)]);
    driver.frame(Vec::new());
    let key = |key, pressed, modifiers| Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    };
    driver.frame(vec![
        key(egui::Key::Num2, true, Modifiers::NONE),
        key(egui::Key::Num2, false, Modifiers::NONE),
    ]);
    driver.frame(vec![
        key(egui::Key::S, true, Modifiers::COMMAND),
        key(egui::Key::S, false, Modifiers::COMMAND),
    ]);
    driver.app.wait_for_io();
    driver
        .app
        .export_to(ExportFormat::Json, &dir.join("export.json"));
    for _ in 0..10 {
        driver.frame(Vec::new());
    }
    drop(driver);
    // Read before checking the saved file, which loads a second copy.
    let peak = peak_rss_mb();
    let saved = store::load_project(&copy).map_or(0, |p| p.annotations.len());
    let _ = std::fs::remove_dir_all(&dir);
    println!("app_peak_rss_mb {peak:.0}");
    println!("app_saved_annotations {saved}");
}

/// A fresh scratch folder under the bench data folder.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = data_dir().join(format!("scratch-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One workload's measurements, by key.
type Results = std::collections::HashMap<String, String>;

/// Runs `perf-one` and `perf-memory` on a workload in child processes (each its own peak RSS).
fn measure(name: &str) -> Results {
    let exe = std::env::current_exe().unwrap();
    let mut results = Results::new();
    for mode in ["perf-one", "perf-memory"] {
        let out = std::process::Command::new(&exe)
            .args([mode, name])
            .output()
            .unwrap();
        if !out.status.success() {
            eprintln!("{name} failed: {}", String::from_utf8_lossy(&out.stderr));
            std::process::exit(1);
        }
        results.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_once(' '))
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
    }
    results
}

/// How one cell of a row is made from a workload's results.
type Cell<'a> = &'a dyn Fn(&Results) -> String;
/// Prints one row of the table.
type Row<'a> = &'a dyn Fn(&str, Cell<'_>);

fn get(r: &Results, k: &str) -> f64 {
    r.get(k).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// The background jobs of the table: (label, key prefix).
const JOB_ROWS: [(&str, &str); 5] = [
    ("open", "open_bg"),
    ("save", "save_bg"),
    ("export JSON", "export_bg"),
    ("reload after a change on disk", "reload_bg"),
    ("autosave", "autosave_bg"),
];

/// Generates the workloads, runs each in a child process and prints the table.
pub fn run_all() {
    let started = Instant::now();
    generate();
    let results: Vec<Results> = WORKLOADS.iter().map(|name| measure(name)).collect();
    println!(
        "stancemark-bench perf — frame = egui run_ui + tessellation on the CPU, 1280×800, release build"
    );
    println!();
    println!("| measure | {} |", WORKLOADS.join(" | "));
    println!("| --- |{}", " ---: |".repeat(WORKLOADS.len()));
    let row = |label: &str, f: Cell<'_>| {
        let cells: Vec<String> = results.iter().map(f).collect();
        println!("| {label} | {} |", cells.join(" | "));
    };
    let base = &results[0];
    row("project file (MB) / articles / annotations", &|r| {
        format!(
            "{:.2} / {} / {}",
            get(r, "size_mb"),
            get(r, "articles"),
            get(r, "annotations")
        )
    });
    for (label, key) in [
        ("scroll frame p50 / p99 / max (ms)", "scroll"),
        ("hover frame p50 / p99 / max (ms)", "hover"),
        ("select (drag) frame p50 / p99 / max (ms)", "select"),
    ] {
        let at = |r: &Results, q: &str| get(r, &format!("{key}_{q}"));
        row(label, &|r| {
            format!(
                "{:.2} / {:.2} / {:.2}",
                at(r, "p50"),
                at(r, "p99"),
                at(r, "max")
            )
        });
        row("… p50 and p99 vs the sample", &|r| {
            format!(
                "{:.2}× / {:.2}×",
                at(r, "p50") / at(base, "p50"),
                at(r, "p99") / at(base, "p99")
            )
        });
    }
    file_rows(&row);
    row("add annotation: that frame / next / ordinary (ms)", &|r| {
        let failed = r.get("add_ok").map(String::as_str) != Some("true");
        format!(
            "{:.2} / {:.2} / {:.2}{}",
            get(r, "add_frame_ms"),
            get(r, "add_next_frame_ms"),
            get(r, "ordinary_frame_ms"),
            if failed { " (not added!)" } else { "" }
        )
    });
    find_rows(&row);
    row("start-up: open + first frame (ms)", &|r| {
        format!("{:.1}", get(r, "startup_ms"))
    });
    for (job, key) in JOB_ROWS {
        let label = format!("{job} on the worker thread: done (ms) / longest frame meanwhile (ms)");
        row(&label, &|r| {
            format!(
                "{:.0} / {:.2}",
                get(r, &format!("{key}_ms")),
                get(r, &format!("{key}_max_frame_ms"))
            )
        });
    }
    row(
        "peak RSS, the app alone: open, scroll, tag, save, export (MB)",
        &|r| {
            let ok = get(r, "app_saved_annotations") == get(r, "annotations") + 1.0;
            format!(
                "{:.0}{}",
                get(r, "app_peak_rss_mb"),
                if ok { "" } else { " (tag or save failed!)" }
            )
        },
    );
    row("peak RSS, this benchmark process (MB)", &|r| {
        format!("{:.0}", get(r, "peak_rss_mb"))
    });
    println!();
    println!("({:.0} s in all)", started.elapsed().as_secs_f64());
}

/// The project folder: written whole (a conversion), opened, and saved after one changed note
/// (which writes only that analyst's layer file of that article).
fn folder(name: &str, project: &Project, report: &mut Report) {
    let dir = data_dir().join(format!("{name}.save-test.stance"));
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let (stamp, _) = store::save_any(project, &dir, None).unwrap();
    report.ms("folder_write_ms", started.elapsed());
    let files = walk_files(&dir);
    report.put("folder_files", files);
    report.ms(
        "folder_open_ms",
        best_of(3, || store::load_any(&dir).unwrap()),
    );
    let mut workspace = stancemark::workspace::Workspace::new(
        project.clone(),
        Box::new(stancemark::workspace::SteppingClock::default()),
    );
    let first = workspace.project().annotations.first().unwrap().id;
    workspace
        .set_annotation_note(first, "changed for the benchmark")
        .unwrap();
    let started = Instant::now();
    let (_, written) = store::save_any(workspace.project(), &dir, Some(&stamp)).unwrap();
    report.ms("folder_save_one_ms", started.elapsed());
    report.put("folder_save_one_files", written.report.written.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many files are under `dir`.
fn walk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().fold(0, |n, entry| {
        let path = entry.unwrap().path();
        n + if path.is_dir() { walk_files(&path) } else { 1 }
    })
}

/// The rows of the core file functions.
fn file_rows(row: Row<'_>) {
    row("frames to scroll the first article", &|r| {
        format!("{}", get(r, "scroll_frames"))
    });
    row("open (ms) / vs plain read + serde_json::from_str", &|r| {
        format!(
            "{:.1} / {:.2}×",
            get(r, "load_ms"),
            get(r, "load_ms") / get(r, "plain_json_ms")
        )
    });
    row("save, atomic + fsync (ms)", &|r| {
        format!("{:.1}", get(r, "save_ms"))
    });
    row(
        "project folder: write whole (ms, files) / open (ms) / save one changed note (ms, files)",
        &|r| {
            format!(
                "{:.0} ({}) / {:.1} / {:.1} ({})",
                get(r, "folder_write_ms"),
                get(r, "folder_files"),
                get(r, "folder_open_ms"),
                get(r, "folder_save_one_ms"),
                get(r, "folder_save_one_files")
            )
        },
    );
    row("export JSON / RON (ms)", &|r| {
        format!(
            "{:.1} / {:.1}",
            get(r, "export_json_ms"),
            get(r, "export_ron_ms")
        )
    });
    row("plain serde_json::from_str of the export (ms)", &|r| {
        format!("{:.1}", get(r, "plain_json_parse_ms"))
    });
}

/// The rows of find.
fn find_rows(row: Row<'_>) {
    row(
        "find \"risk\" in the first article: index / query (ms)",
        &|r| {
            format!(
                "{:.2} / {:.2} ({} hits)",
                get(r, "find_build_ms"),
                get(r, "find_query_ms"),
                get(r, "find_hits")
            )
        },
    );
    row(
        "find \"risk\" over all text: MB / index / query (ms)",
        &|r| {
            format!(
                "{:.1} / {:.1} / {:.2}",
                get(r, "find_all_mb"),
                get(r, "find_all_build_ms"),
                get(r, "find_all_query_ms")
            )
        },
    );
    row(
        "project search, text and notes: \"risk\" / \"the\" (ms, hits)",
        &|r| {
            format!(
                "{:.1} ({}) / {:.1} ({})",
                get(r, "search_project_ms"),
                get(r, "search_project_hits"),
                get(r, "search_common_ms"),
                get(r, "search_common_hits")
            )
        },
    );
    row(
        "suggestions: \"data\" as sentences / 20 most similar sentences (ms)",
        &|r| {
            format!(
                "{:.1} ({}) / {:.0}",
                get(r, "suggest_ms"),
                get(r, "suggest_items"),
                get(r, "similar_ms")
            )
        },
    );
    row(
        "annotation table rows: sorted by quote / and filtered by text (ms)",
        &|r| {
            format!(
                "{:.1} / {:.1} ({} rows)",
                get(r, "table_sort_ms"),
                get(r, "table_filter_ms"),
                get(r, "table_filter_rows")
            )
        },
    );
    row(
        "annotation table: scroll frame p50 / p99 / max; while sorting and filtering p99 (ms)",
        &|r| {
            format!(
                "{:.2} / {:.2} / {:.2}; {:.2}",
                get(r, "table_scroll_p50"),
                get(r, "table_scroll_p99"),
                get(r, "table_scroll_max"),
                get(r, "table_busy_p99")
            )
        },
    );
    row(
        "train the classifier on the project's coding (ms, classes)",
        &|r| format!("{:.0} ({})", get(r, "train_ms"), get(r, "train_classes")),
    );
    row("statistics of the project (ms)", &|r| {
        format!("{:.1}", get(r, "stats_ms"))
    });
    row(
        "team of two (a second coder: 90% of the passages, some shifted): disagreements on the largest article (ms, passages, places) / corpus α_U / κ by words (ms)",
        &|r| {
            format!(
                "{:.1} ({}, {}) / {:.0} / {:.0}",
                get(r, "team_disagreements_ms"),
                get(r, "team_article_passages"),
                get(r, "team_disagreements"),
                get(r, "team_alpha_u_ms"),
                get(r, "team_kappa_ms")
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The "plain serde_json" baseline reads the current project file format (it broke once
    /// when the format moved on and nothing ran the benchmark).
    #[test]
    fn the_plain_baseline_reads_the_current_project_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_data/open-source-ai.stance.json");
        let source = std::fs::read_to_string(&path).unwrap();
        let plain: PlainFile = serde_json::from_str(&source).unwrap();
        let project = store::load_project(&path).unwrap();
        assert_eq!(plain.format_version, store::FORMAT_VERSION);
        assert_eq!(plain.project.annotations.len(), project.annotations.len());
        assert_eq!(plain.project.analysts.len(), project.analysts.len());
    }
}
