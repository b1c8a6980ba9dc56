//! The HTML report: one self-contained file (no script, font or image loads from anywhere)
//! with a legend of the stances, each article's stance counts, its text with highlights in
//! stance colours, notes beside their passages, and orphaned annotations listed after their
//! article. Readable in any browser and printable.

use std::fmt::Write;

use crate::core::model::{Annotation, Article, Project, Rgb};
use crate::core::text::OffsetIndex;

/// Opacity of a highlight's background.
const HIGHLIGHT_ALPHA: f32 = 0.28;

/// A stance as the report names it: a codebook's code and name ("504 Welfare State
/// Expansion"), else its path in the tree ("security › supply chain").
fn label_of(project: &Project, id: &crate::core::model::StanceId) -> String {
    match project.stances.get(id) {
        Some(s) if s.code.is_some() => s.coded_label(),
        _ => project.stances.path_label(id),
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn rgba(c: Rgb, alpha: f32) -> String {
    let [r, g, b] = c.0;
    format!("rgba({r},{g},{b},{alpha})")
}

const STYLE: &str = "
body{font-family:Georgia,'Times New Roman',serif;max-width:1100px;margin:2em auto;padding:0 1.5em;color:#222;line-height:1.55}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif;line-height:1.25}
.meta,.small{color:#666;font-size:.9em}
.legend{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.chip{font-family:Helvetica,Arial,sans-serif;font-size:.85em;padding:.1em .6em;border-radius:.8em;border:1px solid}
table{border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:.9em;margin:.5em 0 1em}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
.para{display:grid;grid-template-columns:minmax(0,1fr) 17em;gap:1.5em;margin:0 0 .8em}
.para p{margin:0}
.notes{font-size:.82em;color:#333;font-family:Helvetica,Arial,sans-serif}
.note{border-left:3px solid;padding:.1em .5em;margin:0 0 .5em;break-inside:avoid}
mark{color:inherit;padding:0 .05em;border-radius:2px}
sup{font-family:Helvetica,Arial,sans-serif;font-size:.7em;font-weight:bold}
.orphans{border:1px dashed #c80;padding:.5em 1em;margin:1em 0}
article{border-top:2px solid #ddd;margin-top:2em}
@media print{body{margin:0;max-width:none}.para{grid-template-columns:minmax(0,1fr) 14em}article{break-before:page}}
";

/// The report of a project (all its articles; export one article's project for a report of it).
pub fn write(project: &Project) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&project.name)
    );
    let _ = writeln!(
        html,
        "<h1>{}</h1><p class=\"meta\">{} article(s), {} annotation(s) · report made by stancemark on {}</p>",
        esc(&project.name),
        project.articles.len(),
        project.annotations.len(),
        chrono::Utc::now().format("%Y-%m-%d")
    );
    html.push_str("<h2>Stances</h2><div class=\"legend\">");
    for s in &project.stances.0 {
        let _ = write!(
            html,
            "<span class=\"chip\" style=\"background:{};border-color:{}\" title=\"{}\">{}</span>",
            rgba(s.color, HIGHLIGHT_ALPHA),
            s.color.to_hex(),
            esc(&s.description),
            esc(&label_of(project, &s.id))
        );
    }
    html.push_str("</div>\n");
    if !project.memo.trim().is_empty() {
        let _ = writeln!(
            html,
            "<h2>Memo</h2><p class=\"memo\">{}</p>",
            esc(&project.memo).replace('\n', "<br>")
        );
    }
    for article in &project.articles {
        article_html(project, article, &mut html);
    }
    html.push_str("</body></html>\n");
    html
}

fn counts_table(project: &Project, mine: &[&Annotation], html: &mut String) {
    html.push_str("<table><tr><th>stance</th><th>annotations</th></tr>");
    for s in &project.stances.0 {
        let n = mine
            .iter()
            .filter(|a| a.stance == s.id && !a.orphaned)
            .count();
        let _ = write!(
            html,
            "<tr><td><span class=\"chip\" style=\"border-color:{}\">{}</span></td><td>{n}</td></tr>",
            s.color.to_hex(),
            esc(&label_of(project, &s.id))
        );
    }
    html.push_str("</table>\n");
}

fn article_html(project: &Project, article: &Article, html: &mut String) {
    let mine: Vec<&Annotation> = project
        .annotations
        .iter()
        .filter(|a| a.article == article.id)
        .map(|a| &**a)
        .collect();
    let _ = write!(html, "<article><h2>{}</h2>", esc(&article.title));
    let meta: Vec<&str> = [
        &article.meta.author,
        &article.meta.outlet,
        &article.meta.date,
        &article.meta.url,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    if !meta.is_empty() {
        let _ = write!(html, "<p class=\"meta\">{}</p>", esc(&meta.join(" · ")));
    }
    if !article.memo.trim().is_empty() {
        let _ = write!(
            html,
            "<p class=\"memo\"><b>Memo:</b> {}</p>",
            esc(&article.memo).replace('\n', "<br>")
        );
    }
    counts_table(project, &mine, html);
    let mut anchored: Vec<&Annotation> = mine.iter().copied().filter(|a| !a.orphaned).collect();
    anchored.sort_by_key(|a| (a.range.start, std::cmp::Reverse(a.range.end)));
    // Note numbers, in text order.
    let numbered: Vec<&Annotation> = anchored
        .iter()
        .copied()
        .filter(|a| !a.note.is_empty())
        .collect();
    let index = crate::core::text::ParagraphIndex::new(&article.text);
    for p in &index.paragraphs {
        if p.char_len == 0 {
            continue;
        }
        let (ps, pe) = (p.char_start, p.char_end());
        html.push_str("<div class=\"para\"><p>");
        paragraph_html(
            project,
            &article.text,
            &index.offsets,
            (ps, pe),
            &anchored,
            &numbered,
            html,
        );
        html.push_str("</p><div class=\"notes\">");
        for (n, a) in numbered.iter().enumerate() {
            // A note sits beside the paragraph where its passage ends.
            if a.range.end > ps && a.range.end <= pe + 1 {
                let color = project
                    .stances
                    .get(&a.stance)
                    .map_or(Rgb([128; 3]), |s| s.color);
                let _ = write!(
                    html,
                    "<div class=\"note\" style=\"border-color:{}\"><sup>{}</sup> {}</div>",
                    color.to_hex(),
                    n + 1,
                    esc(&a.note)
                );
            }
        }
        html.push_str("</div></div>\n");
    }
    let orphans: Vec<&Annotation> = mine.iter().copied().filter(|a| a.orphaned).collect();
    if !orphans.is_empty() {
        html.push_str("<div class=\"orphans\"><h3>Orphaned annotations</h3><p class=\"small\">Their passage is no longer in the text.</p><ul>");
        for a in orphans {
            let _ = write!(
                html,
                "<li><b>{}</b>: “{}”{}</li>",
                esc(&label_of(project, &a.stance)),
                esc(&a.quote),
                if a.note.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", esc(&a.note))
                }
            );
        }
        html.push_str("</ul></div>");
    }
    html.push_str("</article>\n");
}

/// One paragraph's text with its highlights: cut where any annotation starts or ends; each
/// piece is marked in the colour of the innermost annotation covering it and underlined in the
/// colours of the others.
fn paragraph_html(
    project: &Project,
    text: &str,
    offsets: &OffsetIndex,
    (ps, pe): (usize, usize),
    anchored: &[&Annotation],
    numbered: &[&Annotation],
    html: &mut String,
) {
    let inside: Vec<&Annotation> = anchored
        .iter()
        .copied()
        .filter(|a| a.range.start < pe && a.range.end > ps)
        .collect();
    let mut cuts: Vec<usize> = vec![ps, pe];
    for a in &inside {
        cuts.push(a.range.start.clamp(ps, pe));
        cuts.push(a.range.end.clamp(ps, pe));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let color = |a: &Annotation| {
        project
            .stances
            .get(&a.stance)
            .map_or(Rgb([128; 3]), |s| s.color)
    };
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let piece = esc(offsets.slice(text, crate::core::model::TextRange { start: a, end: b }));
        let mut covering: Vec<&Annotation> = inside
            .iter()
            .copied()
            .filter(|x| x.range.start <= a && x.range.end >= b)
            .collect();
        if covering.is_empty() {
            html.push_str(&piece);
        } else {
            covering.sort_by_key(|x| x.range.len());
            let shadows: Vec<String> = covering
                .iter()
                .enumerate()
                .map(|(k, x)| format!("inset 0 -{}px 0 {}", 2 * (k + 1), color(x).to_hex()))
                .collect();
            let titles: Vec<String> = covering
                .iter()
                .map(|x| label_of(project, &x.stance))
                .collect();
            let _ = write!(
                html,
                "<mark style=\"background:{};box-shadow:{}\" title=\"{}\">{piece}</mark>",
                rgba(color(covering[0]), HIGHLIGHT_ALPHA),
                shadows.join(","),
                esc(&titles.join(", "))
            );
        }
        for (n, x) in numbered.iter().enumerate() {
            if x.range.end == b && b > a {
                let _ = write!(html, "<sup>{}</sup>", n + 1);
            }
        }
    }
}
