//! `cargo bench`: micro-benchmarks of the core on the real texts (divan). The whole-app table
//! (frames, open/save of the 10k and 100k projects, memory) is `stancemark-bench perf`.

use std::path::Path;

use stancemark::anchor::{Anchorer, CONTEXT_CHARS, QuoteSelector};
use stancemark::export::{Export, ExportFormat};
use stancemark::model::TextRange;
use stancemark::search::{MAX_MATCHES, Pattern, SearchOptions};
use stancemark::store;
use stancemark::text::{OffsetIndex, ParagraphIndex};

fn main() {
    divan::main();
}

fn act() -> String {
    stancemark::text::normalize_newlines(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eu-ai-act-2024-1689.md"),
        )
        .unwrap(),
    )
}

fn sample_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json")
}

#[divan::bench]
fn load_sample_project() -> stancemark::Project {
    store::load_project(&sample_path()).unwrap()
}

#[divan::bench]
fn export_sample_json(bencher: divan::Bencher) {
    let project = store::load_project(&sample_path()).unwrap();
    bencher.bench(|| {
        Export::from_project(&project)
            .to_string(ExportFormat::Json)
            .unwrap()
    });
}

#[divan::bench]
fn paragraph_index_of_the_act(bencher: divan::Bencher) {
    let text = act();
    bencher.bench(|| ParagraphIndex::new(&text));
}

#[divan::bench]
fn find_a_word_in_the_act(bencher: divan::Bencher) {
    let text = act();
    let index = OffsetIndex::new(&text);
    let pattern = Pattern::new("risk", SearchOptions::default())
        .unwrap()
        .unwrap();
    bencher.bench(|| pattern.find_all(&text, &index, MAX_MATCHES).0.len());
}

#[divan::bench]
fn find_a_regex_in_the_act(bencher: divan::Bencher) {
    let text = act();
    let index = OffsetIndex::new(&text);
    let options = SearchOptions {
        regex: true,
        ..SearchOptions::default()
    };
    let pattern = Pattern::new(r"Article \d+", options).unwrap().unwrap();
    bencher.bench(|| pattern.find_all(&text, &index, MAX_MATCHES).0.len());
}

#[divan::bench]
fn statistics_of_the_sample(bencher: divan::Bencher) {
    let project = store::load_project(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
    )
    .unwrap();
    bencher.bench(|| stancemark::stats::Stats::of(&project).project.len());
}

#[divan::bench]
fn reanchor_a_passage_after_an_insertion(bencher: divan::Bencher) {
    let old = act();
    let range = TextRange {
        start: 300_000,
        end: 300_120,
    };
    let (prefix, quote, suffix) =
        OffsetIndex::new(&old).quote_and_context(&old, range, CONTEXT_CHARS);
    let new = format!("A new preamble line.\n{old}");
    let old_anchorer = Anchorer::new(&old);
    let new_anchorer = Anchorer::new(&new);
    bencher.bench(|| {
        new_anchorer.place_from(
            &old_anchorer,
            QuoteSelector {
                range,
                exact: quote,
                prefix,
                suffix,
            },
        )
    });
}
