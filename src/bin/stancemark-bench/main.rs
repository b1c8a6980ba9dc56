//! `stancemark-bench`: benchmarks that print tables for the issue notes and the README.
//!
//! - `stancemark-bench perf`: frame time, open/save/export, add, find, memory (one table).
//! - `stancemark-bench anchoring [--trials N] [--seed S]`: re-anchoring after random edits.
//! - `stancemark-bench html [DIR]`: web-page import against expected articles (F1).
//!
//! Texts come from `tests/data/` and `sample_data/`, so a clone has everything it needs.
//! Run in release mode: `cargo run --release --bin stancemark-bench -- anchoring`.

mod anchoring;
mod html;
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
        Some("html") => html::run(&args.get(1).map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-pages"),
            std::path::PathBuf::from,
        )),
        Some("perf-one") => perf::run_one(args.get(1).map_or("sample", String::as_str)),
        Some("perf-memory") => perf::run_app_memory(args.get(1).map_or("sample", String::as_str)),
        Some("gen") => {
            for p in perf::generate() {
                println!("{}", p.display());
            }
        }
        _ => {
            eprintln!(
                "usage: stancemark-bench perf | gen | html [DIR] | anchoring [--trials N] [--annotations N] [--seed S]"
            );
            std::process::exit(2);
        }
    }
}
