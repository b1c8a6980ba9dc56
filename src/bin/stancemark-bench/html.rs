//! `stancemark-bench html [DIR]`: web-page import measured against expected articles.
//!
//! DIR holds one folder per page with `source.html`, `expected.html` (the article a reader
//! wants) and optionally `expected-metadata.json` (`title`, `byline`). Each page is imported as
//! the app imports it and scored by word-shingle F1 ([`stancemark::import::score`]); the
//! title and author are compared with the expected metadata. Default DIR:
//! `tests/fixtures/web-pages`; the full set of 130 pages is `../shared/corpus/web-pages`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use stancemark::import::{import_article, score};

/// One page's result.
struct PageResult {
    name: String,
    score: score::Score,
    millis: f64,
    title_ok: Option<bool>,
    author_ok: Option<bool>,
}

/// Loosely equal: the same words, ignoring case, punctuation and spacing.
fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    !a.is_empty()
        && (a == b
            || a.windows(b.len().max(1)).any(|w| w == b.as_slice())
            || b.windows(a.len()).any(|w| w == a.as_slice()))
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("source.html").is_file() && p.join("expected.html").is_file())
        .collect();
    pages.sort();
    pages
}

fn run_page(page: &Path) -> PageResult {
    let expected =
        score::html_text(&std::fs::read_to_string(page.join("expected.html")).unwrap_or_default());
    let meta: serde_json::Value = std::fs::read_to_string(page.join("expected-metadata.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let started = Instant::now();
    let imported = import_article(&page.join("source.html"));
    let millis = started.elapsed().as_secs_f64() * 1e3;
    let (text, title, author) = match &imported {
        Ok(i) => (
            i.article.text.clone(),
            i.article.title.clone(),
            i.article.meta.author.clone(),
        ),
        Err(_) => (String::new(), String::new(), None),
    };
    let expect = |key: &str| {
        meta[key]
            .as_str()
            .map(str::to_owned)
            .filter(|s| !s.trim().is_empty())
    };
    PageResult {
        name: page
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        score: score::score(&text, &expected),
        millis,
        title_ok: expect("title").map(|t| same_words(&title, &t)),
        author_ok: expect("byline").map(|b| author.as_deref().is_some_and(|a| same_words(a, &b))),
    }
}

/// Runs every page of `dir` and prints a table and the means.
pub fn run(dir: &Path) {
    let pages = pages(dir);
    println!("| page | precision | recall | F1 | ms |");
    println!("|---|---:|---:|---:|---:|");
    let results: Vec<PageResult> = pages.iter().map(|p| run_page(p)).collect();
    for r in &results {
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.0} |",
            r.name, r.score.precision, r.score.recall, r.score.f1, r.millis
        );
    }
    let n = results.len().max(1) as f64;
    let mean = |f: &dyn Fn(&PageResult) -> f64| results.iter().map(f).sum::<f64>() / n;
    let share = |f: &dyn Fn(&PageResult) -> Option<bool>| {
        let known: Vec<bool> = results.iter().filter_map(f).collect();
        format!("{}/{}", known.iter().filter(|ok| **ok).count(), known.len())
    };
    let worst = results
        .iter()
        .min_by(|a, b| a.score.f1.total_cmp(&b.score.f1));
    println!();
    println!(
        "{} pages: mean precision {:.4}, mean recall {:.4}, mean F1 {:.4}; worst {} ({:.3}); {:.0} ms per page",
        results.len(),
        mean(&|r| r.score.precision),
        mean(&|r| r.score.recall),
        mean(&|r| r.score.f1),
        worst.map_or("-", |w| w.name.as_str()),
        worst.map_or(0.0, |w| w.score.f1),
        mean(&|r| r.millis),
    );
    println!(
        "title as expected: {}; author found in the expected byline: {}",
        share(&|r| r.title_ok),
        share(&|r| r.author_ok)
    );
}
