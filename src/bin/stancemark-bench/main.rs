//! `stancemark-bench`: benchmarks that print tables for the issue notes and the README.
//!
//! - `stancemark-bench perf`: frame time, open/save/export, add, find, memory (one table).
//! - `stancemark-bench million`: a 1,000,000-annotation project folder: open, validate, save
//!   after one change, bytes per annotation, memory.
//! - `stancemark-bench anchoring [--trials N] [--seed S]`: re-anchoring after random edits.
//! - `stancemark-bench html [DIR]`: web-page import against expected articles (F1).
//! - `stancemark-bench learn [--folds K]`: the learned-suggestions classifier's precision and
//!   recall per stance by cross-validation on `tests/fixtures/learn/labelled.tsv`, and the time
//!   to train on the 10k-annotation workload.
//!
//! Texts come from `tests/data/` and `sample_data/`, so a clone has everything it needs.
//! Run in release mode: `cargo run --release --bin stancemark-bench -- anchoring`.

mod anchoring;
mod html;
mod million;
mod perf;

use std::path::Path;

/// A small deterministic generator (xorshift*), so every run measures the same corpus.
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("anchoring") => {
            let texts = vec![
                (
                    "EU AI Act",
                    stancemark::text::normalize_newlines(&read(
                        "tests/data/eu-ai-act-2024-1689.md",
                    )),
                ),
                (
                    "sample op-ed",
                    stancemark::text::normalize_newlines(&read(
                        "sample_data/open-source-ai-oped.txt",
                    )),
                ),
            ];
            anchoring::run(
                &texts,
                arg(&args, "--trials", 100),
                arg(&args, "--annotations", 200),
                arg(&args, "--seed", 2024),
            );
        }
        Some("perf") => perf::run_all(),
        Some("million") => million::run(),
        Some("million-one") => {
            million::run_child(args.get(1).map_or("open-folder", String::as_str))
        }
        Some("html") => html::run(&args.get(1).map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-pages"),
            std::path::PathBuf::from,
        )),
        Some("perf-one") => perf::run_one(args.get(1).map_or("sample", String::as_str)),
        Some("perf-memory") => perf::run_app_memory(args.get(1).map_or("sample", String::as_str)),
        Some("learn") => learn(arg(&args, "--folds", 5)),
        Some("gen") => {
            for p in perf::generate() {
                println!("{}", p.display());
            }
        }
        _ => {
            eprintln!(
                "usage: stancemark-bench perf | million | gen | html [DIR] | learn [--folds K] | anchoring [--trials N] [--annotations N] [--seed S]"
            );
            std::process::exit(2);
        }
    }
}

/// Cross-validated precision and recall of the classifier, and its training time at scale.
fn learn(folds: usize) {
    use stancemark::learn::{Model, cross_validate, examples_of, read_labelled};
    let examples = read_labelled(&read("tests/fixtures/learn/labelled.tsv")).expect("the fixture");
    println!(
        "{folds}-fold cross-validation on {} hand-labelled sentences (tests/fixtures/learn):",
        examples.len()
    );
    println!("| stance | sentences | precision | recall |");
    println!("| --- | ---: | ---: | ---: |");
    for s in cross_validate(&examples, folds) {
        println!(
            "| {} | {} | {:.2} | {:.2} |",
            s.class, s.support, s.precision, s.recall
        );
    }
    let path = perf::generate()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("act-10k"))
        .expect("the act-10k workload");
    let project = stancemark::store::load_project(&path).unwrap();
    let started = std::time::Instant::now();
    let training = examples_of(&project);
    let model = Model::train(&training).expect("classes");
    let elapsed = started.elapsed();
    println!(
        "training on act-10k ({} annotations → {} sentences, {} classes): {:.0} ms",
        project.annotations.len(),
        training.len(),
        model.classes().len(),
        elapsed.as_secs_f64() * 1000.0
    );
    let progress = stancemark::jobs::Progress::default();
    let started = std::time::Instant::now();
    let found = stancemark::learn::learned(&project, &progress).unwrap();
    println!(
        "learned suggestions on act-10k (train + predict every unannotated sentence): {:.0} ms, {} offered",
        started.elapsed().as_secs_f64() * 1000.0,
        found.items.len()
    );
}
