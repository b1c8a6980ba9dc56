//! PDFs: the text layer in reading order (columns read one after the other, by `pdf_oxide`),
//! running headers, footers and page numbers dropped, words hyphenated at line ends mended,
//! paragraphs rebuilt from lines, and page breaks kept as paragraph breaks.
//!
//! A line set apart by size or weight (a heading), or followed by a gap larger than the body's
//! line pitch, ends its paragraph; a heading is a paragraph of its own.
//!
//! Headers and footers are told by position and repetition: the topmost and bottommost row of
//! a page, set apart from the body by a gap, that comes back on other pages (digits aside) or
//! is a page number. A title on the first page is not repeated and stays.

use pdf_oxide::PdfDocument;

use super::text::{Hyphens, join_line};
use super::{Extracted, ImportFault};
use crate::core::model::ArticleMeta;

/// Lines this close in height (points) share a row.
const SAME_ROW: f32 = 2.0;
/// A header or footer row is set apart from the body by at least this many body line heights.
const FURNITURE_GAP: f32 = 1.6;
/// Lines longer than this (code points) are never taken for furniture.
const MAX_FURNITURE_CHARS: usize = 200;

fn pdf_fault(e: impl std::fmt::Display) -> ImportFault {
    ImportFault::Pdf(e.to_string())
}

/// A line's text with digits blanked, so "Page 3" and "Page 4" compare equal.
fn shape(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// True for "7", "Page 7", "7 of 12", "- 7 -", "vii".
fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    if !t.is_empty() && t.len() <= 8 && t.chars().all(|c| "ivxlc".contains(c)) {
        return true;
    }
    let rest: String = t
        .replace("page", "")
        .replace("of", "")
        .chars()
        .filter(|c| !c.is_ascii_digit() && !" -–—/.|p".contains(*c))
        .collect();
    rest.is_empty() && t.chars().any(|c| c.is_ascii_digit())
}

/// The top and bottom rows of a page that are set apart from its body by a gap.
fn edge_rows(lines: &[pdf_oxide::layout::TextLine]) -> Vec<String> {
    if lines.len() < 3 {
        return Vec::new();
    }
    let mut heights: Vec<f32> = lines.iter().map(|l| l.bbox.height).collect();
    heights.sort_by(f32::total_cmp);
    let body = heights[heights.len() / 2].max(1.0);
    let mut ys: Vec<f32> = lines.iter().map(|l| l.bbox.y).collect();
    ys.sort_by(|a, b| b.total_cmp(a));
    ys.dedup_by(|a, b| (*a - *b).abs() < SAME_ROW);
    let mut rows = Vec::new();
    // The top row (largest y: PDF coordinates grow upwards) and the bottom row.
    for (row, next) in [(ys[0], ys.get(1)), (ys[ys.len() - 1], ys.get(ys.len() - 2))] {
        let Some(next) = next else { continue };
        if (row - next).abs() >= FURNITURE_GAP * body {
            rows.extend(
                lines
                    .iter()
                    .filter(|l| (l.bbox.y - row).abs() < SAME_ROW)
                    .map(|l| l.text.trim().to_owned())
                    .filter(|t| !t.is_empty() && t.chars().count() <= MAX_FURNITURE_CHARS),
            );
        }
    }
    rows
}

/// The header and footer texts to drop: edge rows that repeat on another page (digits aside)
/// or are page numbers.
fn furniture(edges: &[Vec<String>]) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for (page, rows) in edges.iter().enumerate() {
        for row in rows {
            let repeated = edges
                .iter()
                .enumerate()
                .any(|(other, o)| other != page && o.iter().any(|r| shape(r) == shape(row)));
            if (repeated || is_page_number(row)) && !pieces.contains(row) {
                pieces.push(row.clone());
            }
        }
    }
    // Longest first, so a piece is never left half-stripped by a shorter one it contains.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
    pieces
}

/// True when `line` is made only of header and footer pieces (extraction may put two of them
/// on one line).
fn is_furniture(line: &str, pieces: &[String], page_shapes: &[String]) -> bool {
    let mut rest = line.trim();
    if rest.is_empty() || rest.chars().count() > 2 * MAX_FURNITURE_CHARS {
        return false;
    }
    'strip: while !rest.is_empty() {
        for piece in pieces {
            for candidate in [piece.as_str()] {
                if let Some(r) = rest.strip_prefix(candidate) {
                    rest = r.trim_start();
                    continue 'strip;
                }
            }
        }
        // The same header with this page's numbers.
        let shaped = shape(rest);
        return page_shapes.contains(&shaped);
    }
    true
}

/// A heading is at least this much larger than the body text.
const HEADING_SIZE_RATIO: f32 = 1.15;
/// Lines longer than this (code points) are never headings.
const MAX_HEADING_CHARS: usize = 200;
/// A gap below a line of more than this many times the body's line pitch ends its paragraph.
const PARAGRAPH_GAP_RATIO: f32 = 1.5;

/// A line's text as a key that ignores spacing (the plain-text extraction and the line
/// extraction may space words differently).
fn line_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How a page's lines are set: which are headings (larger or bolder than the body text) and
/// which end their paragraph (followed by a gap larger than the body's line pitch), each by
/// its [`line_key`].
#[derive(Debug, Default)]
struct LineBreaks {
    headings: std::collections::HashSet<String>,
    ends: std::collections::HashSet<String>,
}

impl LineBreaks {
    fn of(lines: &[pdf_oxide::layout::TextLine]) -> Self {
        let mut breaks = LineBreaks::default();
        // (size, bold, chars) per line; the body is the size and weight of most characters.
        let styled: Vec<(f32, bool, usize)> = lines
            .iter()
            .map(|l| {
                let size = l.words.iter().map(|w| w.avg_font_size).fold(0.0, f32::max);
                let bold = !l.words.is_empty() && l.words.iter().all(|w| w.is_bold);
                (size, bold, l.text.chars().count())
            })
            .collect();
        let total: usize = styled.iter().map(|s| s.2).sum();
        if total == 0 {
            return breaks;
        }
        let mut by_size: Vec<(f32, usize)> = styled.iter().map(|s| (s.0, s.2)).collect();
        by_size.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut seen = 0;
        let body_size = by_size
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen * 2 >= total
            })
            .map_or(0.0, |(size, _)| *size);
        let bold_chars: usize = styled.iter().filter(|s| s.1).map(|s| s.2).sum();
        let body_bold = bold_chars * 2 >= total;
        for (line, (size, bold, chars)) in lines.iter().zip(&styled) {
            let larger = body_size > 0.0 && *size >= body_size * HEADING_SIZE_RATIO;
            let bolder = *bold && !body_bold;
            if (larger || bolder) && *chars <= MAX_HEADING_CHARS && *chars > 0 {
                breaks.headings.insert(line_key(&line.text));
            }
        }
        // Line pitch of the body: the typical distance to the next line below in the same
        // column (overlapping horizontally).
        let below = |i: usize| -> Option<f32> {
            let l = &lines[i].bbox;
            lines
                .iter()
                .filter(|o| {
                    o.bbox.y < l.y - SAME_ROW
                        && o.bbox.x < l.x + l.width
                        && l.x < o.bbox.x + o.bbox.width
                })
                .map(|o| l.y - o.bbox.y)
                .min_by(f32::total_cmp)
        };
        let gaps: Vec<Option<f32>> = (0..lines.len()).map(below).collect();
        let mut body_gaps: Vec<f32> = gaps
            .iter()
            .zip(&styled)
            .filter(|(_, s)| (s.0 - body_size).abs() < 0.5)
            .filter_map(|(g, _)| *g)
            .collect();
        body_gaps.sort_by(f32::total_cmp);
        if let Some(pitch) = body_gaps.get(body_gaps.len() / 2) {
            for (line, gap) in lines.iter().zip(&gaps) {
                if gap.is_some_and(|g| g > pitch * PARAGRAPH_GAP_RATIO) {
                    breaks.ends.insert(line_key(&line.text));
                }
            }
        }
        breaks
    }
}

/// A rebuilt paragraph; a heading is never joined with what comes before or after it.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    text: String,
    heading: bool,
}

/// Rebuilds paragraphs from a page's lines onto those of the pages before: blocks are
/// separated by blank lines, headings and lines followed by a larger gap (`breaks`); a block
/// that breaks off mid-word or mid-sentence (a column or page break) continues in the next.
fn paragraphs(out: &mut Vec<Block>, lines: &[&str], whole: &str, breaks: &LineBreaks) {
    let mut blocks: Vec<Block> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, blocks: &mut Vec<Block>| {
        if !current.is_empty() {
            blocks.push(Block {
                text: std::mem::take(current),
                heading: false,
            });
        }
    };
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut current, &mut blocks);
            continue;
        }
        let key = line_key(line);
        if breaks.headings.contains(&key) {
            flush(&mut current, &mut blocks);
            blocks.push(Block {
                text: line.to_owned(),
                heading: true,
            });
            continue;
        }
        if super::text::is_list_item(line) {
            flush(&mut current, &mut blocks);
        }
        join_line(&mut current, line, Hyphens::DropUnlessSeen, whole);
        if breaks.ends.contains(&key) {
            flush(&mut current, &mut blocks);
        }
    }
    flush(&mut current, &mut blocks);
    for block in blocks {
        let continues = out.last().is_some_and(|prev| {
            let next_lower = block.text.chars().next().is_some_and(char::is_lowercase);
            let broken_word = prev.text.ends_with('-');
            let open_sentence = !prev
                .text
                .ends_with(['.', '!', '?', ':', ';', '"', '”', ')']);
            !prev.heading && !block.heading && next_lower && (broken_word || open_sentence)
        });
        match out.last_mut() {
            Some(prev) if continues => {
                join_line(&mut prev.text, &block.text, Hyphens::DropUnlessSeen, whole);
            }
            _ => out.push(block),
        }
    }
}

/// A string of the document information dictionary (`/Title`, `/Author`…).
fn info_string(doc: &PdfDocument, key: &str) -> Option<String> {
    let info = doc.trailer().as_dict()?.get("Info")?.clone();
    let info = match info.as_reference() {
        Some(r) => doc.load_object(r).ok()?,
        None => info,
    };
    let value = info.as_dict()?.get(key)?.clone();
    let value = match value.as_reference() {
        Some(r) => doc.load_object(r).ok()?,
        None => value,
    };
    let bytes = value.as_string()?;
    let text = match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        // PDFDocEncoding agrees with Latin-1 for the letters that matter here.
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `D:20250301090000Z` → `2025-03-01`.
fn pdf_date(raw: &str) -> Option<String> {
    let digits: String = raw
        .trim_start_matches("D:")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() >= 8).then(|| format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]))
}

/// Reads a PDF's text.
pub fn pdf(bytes: Vec<u8>) -> Result<Extracted, ImportFault> {
    let doc = PdfDocument::from_bytes(bytes).map_err(pdf_fault)?;
    if doc.is_encrypted() && !doc.authenticate(b"").unwrap_or(false) {
        return Err(ImportFault::Encrypted);
    }
    let pages = doc.page_count().map_err(pdf_fault)?;
    let mut texts = Vec::with_capacity(pages);
    let mut edges = Vec::with_capacity(pages);
    let mut breaks = Vec::with_capacity(pages);
    for page in 0..pages {
        texts.push(doc.extract_text(page).map_err(pdf_fault)?);
        let lines = doc.extract_text_lines(page).unwrap_or_default();
        edges.push(edge_rows(&lines));
        breaks.push(LineBreaks::of(&lines));
    }
    if texts.iter().all(|t| t.trim().is_empty()) {
        return Err(ImportFault::NoTextLayer);
    }
    let pieces = furniture(&edges);
    let whole = texts.join("\n");
    let mut out: Vec<Block> = Vec::new();
    for ((text, page_edges), page_breaks) in texts.iter().zip(&edges).zip(&breaks) {
        let shapes: Vec<String> = page_edges
            .iter()
            .filter(|e| pieces.iter().any(|p| shape(p) == shape(e)))
            .map(|e| shape(e))
            .collect();
        let lines: Vec<&str> = text
            .lines()
            .map(|l| {
                if is_furniture(l, &pieces, &shapes) {
                    ""
                } else {
                    l
                }
            })
            .collect();
        paragraphs(&mut out, &lines, &whole, page_breaks);
    }
    let out: Vec<String> = out.into_iter().map(|b| b.text).collect();
    let meta = ArticleMeta {
        author: info_string(&doc, "Author"),
        date: info_string(&doc, "CreationDate").and_then(|d| pdf_date(&d)),
        ..ArticleMeta::default()
    };
    let blank: Vec<String> = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.trim().is_empty())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let warnings = if blank.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "page(s) {} have no text layer (scanned?) and are missing from the article",
            blank.join(", ")
        )]
    };
    Ok(Extracted {
        text: out.join("\n"),
        title: info_string(&doc, "Title"),
        meta,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised_and_prose_is_not() {
        for n in [
            "7",
            "Page 7",
            "page 7 of 12",
            "7 / 12",
            "- 7 -",
            "vii",
            "p. 7",
        ] {
            assert!(is_page_number(n), "{n}");
        }
        for not in ["Policy Review", "2025 in review", "Section 7 applies", ""] {
            assert!(!is_page_number(not), "{not}");
        }
    }

    #[test]
    fn repeated_edge_rows_and_page_numbers_are_furniture_a_first_page_title_is_not() {
        let edges = vec![
            vec![
                "The Big Report".to_owned(),
                "Policy Review, Vol. 3".to_owned(),
                "1".to_owned(),
            ],
            vec!["Policy Review, Vol. 3".to_owned(), "2".to_owned()],
        ];
        let pieces = furniture(&edges);
        assert!(pieces.contains(&"Policy Review, Vol. 3".to_owned()));
        assert!(pieces.contains(&"1".to_owned()) && pieces.contains(&"2".to_owned()));
        assert!(!pieces.contains(&"The Big Report".to_owned()));
        assert!(is_furniture("Policy Review, Vol. 3  2", &pieces, &[]));
        assert!(!is_furniture(
            "Policy Review, Vol. 3 says more",
            &pieces,
            &[]
        ));
    }

    #[test]
    fn a_column_break_mid_word_or_mid_sentence_continues_the_paragraph() {
        let lines = [
            "Security agencies emphasise",
            "supply-chain integrity, as critical infrastru-",
            "",
            "",
            "cture whose provenance must be",
            "verifiable.",
            "",
            "Economists point to concentration.",
        ];
        let whole = lines.join("\n");
        let none = LineBreaks::default();
        let texts = |out: &[Block]| out.iter().map(|b| b.text.clone()).collect::<Vec<_>>();
        let mut out = Vec::new();
        paragraphs(&mut out, &lines, &whole, &none);
        assert_eq!(
            texts(&out),
            [
                "Security agencies emphasise supply-chain integrity, as critical infrastructure whose provenance must be verifiable.",
                "Economists point to concentration."
            ]
        );
        // The next page goes on where this one stopped.
        paragraphs(
            &mut out,
            &["and its rivals.", "", "New page."],
            &whole,
            &none,
        );
        assert_eq!(out[1].text, "Economists point to concentration.");
        assert_eq!(out.len(), 4, "{out:?}");
        let mut open = vec![Block {
            text: "Economists point to".to_owned(),
            heading: false,
        }];
        paragraphs(
            &mut open,
            &["concentration and scale.", "", "Next."],
            &whole,
            &none,
        );
        assert_eq!(
            texts(&open),
            ["Economists point to concentration and scale.", "Next."]
        );
    }

    #[test]
    fn a_heading_or_a_line_before_a_larger_gap_is_a_paragraph_of_its_own() {
        let lines = [
            "Security concerns",
            "Security researchers warn that published",
            "weights can be fine-tuned.",
            "Critics answer that distribution",
            "cannot be recalled",
            "once weights are public.",
        ];
        let whole = lines.join("\n");
        let breaks = LineBreaks {
            headings: [line_key("Security  concerns")].into_iter().collect(),
            ends: [line_key("weights can be fine-tuned.")]
                .into_iter()
                .collect(),
        };
        let mut out = Vec::new();
        paragraphs(&mut out, &lines, &whole, &breaks);
        let texts: Vec<&str> = out.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Security concerns",
                "Security researchers warn that published weights can be fine-tuned.",
                "Critics answer that distribution cannot be recalled once weights are public."
            ]
        );
        // A heading ending without a full stop is not continued by the next page's text.
        let mut next = out.clone();
        next.push(Block {
            text: "Regulatory options".to_owned(),
            heading: true,
        });
        paragraphs(
            &mut next,
            &["differ mainly in where."],
            &whole,
            &LineBreaks::default(),
        );
        assert_eq!(next.last().unwrap().text, "differ mainly in where.");
    }
}
