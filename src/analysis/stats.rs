//! Counting a project's coding: per article and stance, and for the whole project, the number
//! of annotations and the number of annotated code points; and how often stances overlap.
//!
//! Rules (the same in the window, `stancemark stats` and the CSV/JSON they write):
//! - orphaned annotations are not counted (they have no place in the text);
//! - a stance's figures include those of its sub-stances, at any depth;
//! - annotated code points are the size of the union of the ranges, so text covered twice by
//!   one stance (or by a stance and its sub-stance) counts once; the project's figure is the sum
//!   over articles;
//! - co-occurrence counts, for each pair of stances (a stance with itself included), the pairs
//!   of distinct annotations tagged with them whose ranges share at least one code point; it uses
//!   each annotation's own stance, not its parents.

use std::collections::HashMap;

use serde::Serialize;

use crate::core::model::{Annotation, ArticleId, Project, StanceId, TextRange};

/// The top of a chart's scale: the largest of `counts`, at least 1 (so all zeros draw as zeros,
/// not as a division by zero).
pub fn scale_top(counts: impl IntoIterator<Item = usize>) -> usize {
    counts.into_iter().max().unwrap_or(0).max(1)
}

/// Text made safe for SVG (XML) content and attributes.
pub(crate) fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A stance's colour as `#rrggbb` (grey for a stance not in the scheme).
fn stance_color(project: &Project, id: &StanceId) -> String {
    project
        .stances
        .get(id)
        .map_or_else(|| "#888888".to_owned(), |s| s.color.to_hex())
}

/// The opening of a chart's SVG: size, a title naming the project, a white background and the
/// heading.
pub(crate) fn svg_start(width: f64, height: f64, heading: &str, project_name: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title>{heading} — {name}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"12\" y=\"20\" font-size=\"14\">{heading}</text>\n",
        heading = xml_escape(heading),
        name = xml_escape(project_name),
    )
}

/// Version of the `stats` JSON output; bumped when its shape changes. 2 — `stats --by`
/// (periods or outlets, with supports / opposes / neutral; see [`super::timeline`]); the
/// records without `--by` are as in 1.
pub const STATS_FORMAT_VERSION: u32 = 2;
/// How many equal parts of an article [`Stats::along`] divides it into.
pub const ALONG_BINS: usize = 20;

/// Annotations and annotated code points, for one stance in one article or in the project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Annotations tagged with the stance or one of its sub-stances.
    pub annotations: usize,
    /// Code points covered by them (their union).
    pub code_points: usize,
}

/// A stance as the figures name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StanceColumn {
    /// Its id.
    pub id: StanceId,
    /// Its label, with its parents' (`security › supply chain`).
    pub label: String,
    /// How deep it is in the tree (0 for a top-level stance).
    pub depth: usize,
}

/// One article's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRow {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// Its length in code points.
    pub length: usize,
    /// One entry per stance, in [`Stats::stances`] order.
    pub counts: Vec<Counts>,
    /// Per stance, annotations starting in each of [`ALONG_BINS`] equal parts of the article.
    #[serde(skip)]
    pub along: Vec<[usize; ALONG_BINS]>,
}

/// A project's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// The stances, in tree order (each parent before its sub-stances).
    pub stances: Vec<StanceColumn>,
    /// One row per article, in project order.
    pub articles: Vec<ArticleRow>,
    /// The whole project, per stance.
    pub project: Vec<Counts>,
    /// `cooccurrence[i][j]`: pairs of overlapping annotations with stances `i` and `j`
    /// (symmetric).
    pub cooccurrence: Vec<Vec<usize>>,
    /// `along[i][k]`: annotations of stance `i` (sub-stances included) starting in the `k`-th
    /// of [`ALONG_BINS`] equal parts of their article, summed over articles.
    pub along: Vec<[usize; ALONG_BINS]>,
}

impl Stats {
    /// The stances as the figures name them, in tree order.
    pub fn stance_columns(project: &Project) -> Vec<StanceColumn> {
        tree_order(project)
    }

    /// Counts `project`.
    pub fn of(project: &Project) -> Self {
        let stances = tree_order(project);
        let column: HashMap<&StanceId, usize> = stances
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.id, i))
            .collect();
        let towards = counts_towards(project, &stances, &column);
        let mut by_article: HashMap<ArticleId, Vec<&Annotation>> = HashMap::new();
        for a in project.annotations.iter().filter(|a| !a.orphaned) {
            by_article.entry(a.article).or_default().push(a);
        }
        let n = stances.len();
        let mut cooccurrence = vec![vec![0; n]; n];
        let mut along = vec![[0; ALONG_BINS]; n];
        let mut project_counts = vec![Counts::default(); n];
        let mut articles = Vec::with_capacity(project.articles.len());
        for article in &project.articles {
            let length = article.text.chars().count();
            let anns = by_article.remove(&article.id).unwrap_or_default();
            let mut ranges: Vec<Vec<TextRange>> = vec![Vec::new(); n];
            let mut article_along = vec![[0; ALONG_BINS]; n];
            for a in &anns {
                let Some(&own) = column.get(&a.stance) else {
                    continue;
                };
                let bin = (a.range.start * ALONG_BINS / length.max(1)).min(ALONG_BINS - 1);
                for &i in &towards[own] {
                    ranges[i].push(a.range);
                    along[i][bin] += 1;
                    article_along[i][bin] += 1;
                }
            }
            let counts: Vec<Counts> = ranges
                .iter_mut()
                .map(|r| Counts {
                    annotations: r.len(),
                    code_points: union_len(r),
                })
                .collect();
            for (total, c) in project_counts.iter_mut().zip(&counts) {
                total.annotations += c.annotations;
                total.code_points += c.code_points;
            }
            count_overlaps(&anns, &column, &mut cooccurrence);
            articles.push(ArticleRow {
                id: article.id,
                title: article.title.clone(),
                length,
                counts,
                along: article_along,
            });
        }
        Self {
            stances,
            articles,
            project: project_counts,
            cooccurrence,
            along,
        }
    }

    /// The long CSV: one row per article × stance (zeros included), then one per stance for the
    /// whole project (empty article id, title `(all articles)`).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "article_id",
            "article_title",
            "stance_id",
            "stance_label",
            "annotations",
            "annotated_code_points",
        ])?;
        for record in self.records() {
            w.write_record([
                record
                    .article_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                record.article_title.to_owned(),
                record.stance_id.to_string(),
                record.stance_label.to_owned(),
                record.annotations.to_string(),
                record.annotated_code_points.to_string(),
            ])?;
        }
        into_string(w)
    }

    /// The co-occurrence table as CSV: one row per unordered pair of stances (a stance with
    /// itself included), zeros included.
    pub fn cooccurrence_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "stance_a_id",
            "stance_a_label",
            "stance_b_id",
            "stance_b_label",
            "overlapping_pairs",
        ])?;
        for pair in self.pairs() {
            w.write_record([
                pair.stance_a_id.as_str(),
                pair.stance_a_label,
                pair.stance_b_id.as_str(),
                pair.stance_b_label,
                &pair.overlapping_pairs.to_string(),
            ])?;
        }
        into_string(w)
    }

    /// The same records as JSON, with the co-occurrence pairs and a format version.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            format_version: u32,
            records: Vec<Record<'a>>,
            cooccurrence: Vec<Pair<'a>>,
        }
        let out = Out {
            format_version: STATS_FORMAT_VERSION,
            records: self.records().collect(),
            cooccurrence: self.pairs().collect(),
        };
        serde_json::to_string_pretty(&out).expect("plain records serialise") + "\n"
    }

    /// Aligned plain-text tables for people: annotations per article and stance with a TOTAL
    /// row, then annotated code points the same way; with `cooccurrence`, the overlap matrix.
    pub fn to_table(&self, cooccurrence: bool) -> String {
        let labels: Vec<String> = self.stances.iter().map(|s| s.label.clone()).collect();
        let mut out = String::new();
        for (title, pick) in [
            (
                "Annotations",
                (|c: &Counts| c.annotations) as fn(&Counts) -> usize,
            ),
            ("Annotated code points", |c: &Counts| c.code_points),
        ] {
            let mut header = vec!["article".to_owned()];
            header.extend(labels.iter().cloned());
            let mut rows: Vec<Vec<String>> = self
                .articles
                .iter()
                .map(|a| {
                    let mut row = vec![crate::core::text::snippet(&a.title, 50)];
                    row.extend(a.counts.iter().map(|c| pick(c).to_string()));
                    row
                })
                .collect();
            let mut total = vec!["TOTAL".to_owned()];
            total.extend(self.project.iter().map(|c| pick(c).to_string()));
            rows.push(total);
            out.push_str(title);
            out.push('\n');
            out.push_str(&aligned(&header, &rows));
            out.push('\n');
        }
        if cooccurrence {
            let mut header = vec!["overlapping pairs".to_owned()];
            header.extend(labels.iter().cloned());
            let rows: Vec<Vec<String>> = labels
                .iter()
                .zip(&self.cooccurrence)
                .map(|(label, row)| {
                    let mut cells = vec![label.clone()];
                    cells.extend(row.iter().map(|n| n.to_string()));
                    cells
                })
                .collect();
            out.push_str("Co-occurrence\n");
            out.push_str(&aligned(&header, &rows));
            out.push('\n');
        }
        out.pop();
        out
    }

    /// A bar chart of the annotations per stance (the whole project) as a self-contained SVG,
    /// bars in the stances' colours, the annotated code points printed on each bar.
    pub fn bar_chart_svg(&self, project: &Project) -> String {
        use std::fmt::Write;
        const BAR: f64 = 48.0;
        const GAP: f64 = 28.0;
        const HEIGHT: f64 = 220.0;
        const LEFT: f64 = 48.0;
        const TOP: f64 = 36.0;
        let n = self.stances.len().max(1) as f64;
        let width = LEFT + n * (BAR + GAP) + GAP;
        let max = scale_top(self.project.iter().map(|c| c.annotations)) as f64;
        let mut svg = svg_start(
            width,
            TOP + HEIGHT + 80.0,
            "Annotations per stance",
            &project.name,
        );
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{width:.0}\" y2=\"{base}\" stroke=\"#444\"/>",
            base = TOP + HEIGHT,
        );
        for (i, (stance, counts)) in self.stances.iter().zip(&self.project).enumerate() {
            let x = LEFT + GAP + i as f64 * (BAR + GAP);
            let h = HEIGHT * counts.annotations as f64 / max;
            let y = TOP + HEIGHT - h;
            let color = stance_color(project, &stance.id);
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BAR}\" height=\"{h:.1}\" fill=\"{color}\"><title>{label}: {n} annotations, {cp} annotated code points</title></rect>\n\
                 <text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{n}</text>\n\
                 <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"end\" transform=\"rotate(-30 {cx:.1} {ly:.1})\">{label}</text>",
                label = xml_escape(&stance.label),
                n = counts.annotations,
                cp = counts.code_points,
                cx = x + BAR / 2.0,
                ty = y - 4.0,
                ly = TOP + HEIGHT + 16.0,
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// The co-occurrence matrix as a self-contained SVG: a grid of cells shaded by their count
    /// (darkest for the largest), the count in each, the stances' labels in their colours.
    pub fn cooccurrence_svg(&self, project: &Project) -> String {
        use std::fmt::Write;
        const CELL: f64 = 44.0;
        const LABELS: f64 = 170.0;
        const TOP: f64 = 40.0;
        /// About the width of a 12 px sans-serif character, to size the column headings.
        const CHAR_WIDTH: f64 = 6.5;
        let n = self.stances.len();
        let longest = self
            .stances
            .iter()
            .map(|s| s.label.chars().count())
            .max()
            .unwrap_or(0);
        // Headings are turned 60°: they rise by sin 60° of their length.
        let headings = (longest as f64 * CHAR_WIDTH * 0.87 + 12.0).min(LABELS);
        let width = LABELS + n as f64 * CELL + 20.0;
        let height = TOP + headings + n as f64 * CELL + 20.0;
        let max = scale_top(self.cooccurrence.iter().flatten().copied()) as f64;
        let mut svg = svg_start(
            width,
            height,
            "Pairs of overlapping annotations",
            &project.name,
        );
        let grid_top = TOP + headings;
        for (i, stance) in self.stances.iter().enumerate() {
            let color = stance_color(project, &stance.id);
            let label = xml_escape(&stance.label);
            let cx = LABELS + (i as f64 + 0.5) * CELL;
            let cy = grid_top + (i as f64 + 0.5) * CELL;
            let _ = writeln!(
                svg,
                "<text x=\"{x:.1}\" y=\"{cy:.1}\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"{color}\">{label}</text>\n\
                 <text x=\"{cx:.1}\" y=\"{y:.1}\" transform=\"rotate(-60 {cx:.1} {y:.1})\" fill=\"{color}\">{label}</text>",
                x = LABELS - 6.0,
                y = grid_top - 6.0,
            );
        }
        for (i, row) in self.cooccurrence.iter().enumerate() {
            for (j, count) in row.iter().enumerate() {
                let x = LABELS + j as f64 * CELL;
                let y = grid_top + i as f64 * CELL;
                let opacity = if *count == 0 {
                    0.0
                } else {
                    0.15 + 0.85 * *count as f64 / max
                };
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"#3478f6\" fill-opacity=\"{opacity:.3}\" stroke=\"#ccc\"><title>{a} × {b}: {count}</title></rect>\n\
                     <text x=\"{cx:.1}\" y=\"{cy:.1}\" text-anchor=\"middle\" dominant-baseline=\"middle\">{count}</text>",
                    a = xml_escape(&self.stances[i].label),
                    b = xml_escape(&self.stances[j].label),
                    cx = x + CELL / 2.0,
                    cy = y + CELL / 2.0,
                );
            }
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// Where each stance falls along the articles' length, as a self-contained SVG line chart:
    /// one line per stance (in its colour) through the annotations starting in each of
    /// [`ALONG_BINS`] equal parts of their article, all articles together.
    pub fn along_svg(&self, project: &Project) -> String {
        use std::fmt::Write;
        const PLOT_W: f64 = 480.0;
        const PLOT_H: f64 = 220.0;
        const LEFT: f64 = 48.0;
        const TOP: f64 = 36.0;
        const LEGEND: f64 = 200.0;
        let width = LEFT + PLOT_W + LEGEND;
        let height = TOP + PLOT_H + 50.0;
        let max = scale_top(self.along.iter().flatten().copied()) as f64;
        let mut svg = svg_start(
            width,
            height,
            "Annotations along the text (start of each, in twentieths of its article)",
            &project.name,
        );
        let base = TOP + PLOT_H;
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#444\"/>\n\
             <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\" stroke=\"#444\"/>\n\
             <text x=\"{LEFT}\" y=\"{below:.1}\">start</text>\n\
             <text x=\"{right}\" y=\"{below:.1}\" text-anchor=\"end\">end of the article</text>\n\
             <text x=\"{axis:.1}\" y=\"{top_label:.1}\" text-anchor=\"end\">{max}</text>\n\
             <text x=\"{axis:.1}\" y=\"{base}\" text-anchor=\"end\">0</text>",
            right = LEFT + PLOT_W,
            below = base + 18.0,
            axis = LEFT - 6.0,
            top_label = TOP + 4.0,
            max = max as usize,
        );
        let step = PLOT_W / (ALONG_BINS - 1) as f64;
        for (i, (stance, bins)) in self.stances.iter().zip(&self.along).enumerate() {
            let color = stance_color(project, &stance.id);
            let points: Vec<String> = bins
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    format!(
                        "{:.1},{:.1}",
                        LEFT + k as f64 * step,
                        base - PLOT_H * *n as f64 / max
                    )
                })
                .collect();
            let label = xml_escape(&stance.label);
            let ly = TOP + 10.0 + i as f64 * 18.0;
            let lx = LEFT + PLOT_W + 16.0;
            let _ = writeln!(
                svg,
                "<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"><title>{label}</title></polyline>\n\
                 <line x1=\"{lx}\" y1=\"{ly}\" x2=\"{lx2}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"3\"/>\n\
                 <text x=\"{tx}\" y=\"{ly}\" dominant-baseline=\"middle\">{label}</text>",
                points = points.join(" "),
                lx2 = lx + 18.0,
                tx = lx + 24.0,
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    fn records(&self) -> impl Iterator<Item = Record<'_>> {
        let per_article = self.articles.iter().flat_map(move |a| {
            self.stances
                .iter()
                .zip(&a.counts)
                .map(move |(s, c)| Record::new(Some(a.id), &a.title, s, c))
        });
        let project = self
            .stances
            .iter()
            .zip(&self.project)
            .map(|(s, c)| Record::new(None, "(all articles)", s, c));
        per_article.chain(project)
    }

    fn pairs(&self) -> impl Iterator<Item = Pair<'_>> {
        let n = self.stances.len();
        (0..n).flat_map(move |i| {
            (i..n).map(move |j| Pair {
                stance_a_id: &self.stances[i].id,
                stance_a_label: &self.stances[i].label,
                stance_b_id: &self.stances[j].id,
                stance_b_label: &self.stances[j].label,
                overlapping_pairs: self.cooccurrence[i][j],
            })
        })
    }
}

/// One row of the long CSV and JSON.
#[derive(Debug, Serialize)]
struct Record<'a> {
    article_id: Option<ArticleId>,
    article_title: &'a str,
    stance_id: &'a StanceId,
    stance_label: &'a str,
    annotations: usize,
    annotated_code_points: usize,
}

impl<'a> Record<'a> {
    fn new(
        article_id: Option<ArticleId>,
        article_title: &'a str,
        stance: &'a StanceColumn,
        counts: &Counts,
    ) -> Self {
        Self {
            article_id,
            article_title,
            stance_id: &stance.id,
            stance_label: &stance.label,
            annotations: counts.annotations,
            annotated_code_points: counts.code_points,
        }
    }
}

/// One row of the co-occurrence table.
#[derive(Debug, Serialize)]
struct Pair<'a> {
    stance_a_id: &'a StanceId,
    stance_a_label: &'a str,
    stance_b_id: &'a StanceId,
    stance_b_label: &'a str,
    overlapping_pairs: usize,
}

fn into_string(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).expect("the writer was given strings"))
}

fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(header)
                .chain(rows.iter().map(Vec::as_slice))
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The scheme's stances with each parent before its sub-stances (see
/// [`crate::core::model::StanceScheme::tree`]), labelled with their parents'.
/// For each stance, the columns it counts towards: its own and its ancestors' (sub-stances
/// roll up into their parents).
pub(crate) fn counts_towards(
    project: &Project,
    stances: &[StanceColumn],
    column: &HashMap<&StanceId, usize>,
) -> Vec<Vec<usize>> {
    stances
        .iter()
        .map(|s| {
            project
                .stances
                .lineage(&s.id)
                .iter()
                .filter_map(|l| column.get(&l.id).copied())
                .collect()
        })
        .collect()
}

fn tree_order(project: &Project) -> Vec<StanceColumn> {
    project
        .stances
        .tree()
        .into_iter()
        .map(|(s, depth)| StanceColumn {
            id: s.id.clone(),
            label: project.stances.path_label(&s.id),
            depth,
        })
        .collect()
}

/// Size of the union of `ranges` (sorted in place).
fn union_len(ranges: &mut [TextRange]) -> usize {
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut total = 0;
    let mut covered_to = 0;
    for r in ranges.iter() {
        let start = r.start.max(covered_to);
        if r.end > start {
            total += r.end - start;
            covered_to = r.end;
        }
    }
    total
}

/// Adds to `matrix` the pairs of overlapping annotations among `anns` (one article's), by a
/// sweep over their starts: each annotation meets only those still open where it starts.
fn count_overlaps(
    anns: &[&Annotation],
    column: &HashMap<&StanceId, usize>,
    matrix: &mut [Vec<usize>],
) {
    let mut sorted: Vec<(TextRange, usize)> = anns
        .iter()
        .filter_map(|a| column.get(&a.stance).map(|&c| (a.range, c)))
        .collect();
    sorted.sort_unstable_by_key(|(r, _)| (r.start, r.end));
    let mut open: Vec<(TextRange, usize)> = Vec::new();
    for (range, stance) in sorted {
        open.retain(|(r, _)| r.end > range.start);
        for &(_, other) in &open {
            matrix[stance][other] += 1;
            if other != stance {
                matrix[other][stance] += 1;
            }
        }
        open.push((range, stance));
    }
}

// ----- shares of coded units (the Manifesto Project's "per" variables) -----------------------

/// One code's share of an article's (or the corpus's) coded units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRow {
    /// The article, `None` for the corpus.
    pub article_id: Option<ArticleId>,
    /// Its title (empty for the corpus).
    pub article_title: String,
    /// The code (`103.1`; a group's id without its scheme's prefix, `domain1`).
    pub code: String,
    /// The stance's label.
    pub label: String,
    /// `domain` (a group), `category` or `sub-category`.
    pub kind: &'static str,
    /// Units coded with it or anything under it.
    pub units: usize,
    /// Their share of the coded units (000 included; headings and uncoded units not), in
    /// percent.
    pub percent: f64,
}

/// Each code's share of the coded units per unitised article and over all of them, codes
/// rolled up into their categories and domains. `analyst` chooses whose codes; without it an
/// article coded by several analysts is an error naming them.
pub fn shares(
    project: &Project,
    analyst: Option<&crate::core::model::AnalystId>,
) -> Result<Vec<ShareRow>, String> {
    use crate::core::units;
    let scheme = &project.stances;
    let code_of = |id: &StanceId| {
        let s = scheme.get(id);
        s.and_then(|s| s.code.clone()).unwrap_or_else(|| {
            let id = id.as_str();
            id.split_once('-')
                .filter(|(prefix, _)| ["marpor", "cap", "target"].contains(prefix))
                .map_or(id, |(_, rest)| rest)
                .to_owned()
        })
    };
    let kind_of = |id: &StanceId| match scheme.get(id) {
        Some(s) if s.group => "domain",
        Some(s)
            if s.parent
                .as_ref()
                .and_then(|p| scheme.get(p))
                .is_some_and(|p| !p.group) =>
        {
            "sub-category"
        }
        _ => "category",
    };
    let rows_of = |article: Option<&crate::core::model::Article>,
                   counts: &HashMap<StanceId, usize>,
                   coded: usize|
     -> Vec<ShareRow> {
        scheme
            .0
            .iter()
            .filter_map(|s| {
                let n = *counts.get(&s.id)?;
                Some(ShareRow {
                    article_id: article.map(|a| a.id),
                    article_title: article.map_or_else(String::new, |a| a.title.clone()),
                    code: code_of(&s.id),
                    label: s.label.clone(),
                    kind: kind_of(&s.id),
                    units: n,
                    percent: if coded == 0 {
                        0.0
                    } else {
                        100.0 * n as f64 / coded as f64
                    },
                })
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut corpus: HashMap<StanceId, usize> = HashMap::new();
    let mut corpus_coded = 0;
    for article in project.articles.iter().filter(|a| !a.units.is_empty()) {
        let coder = match analyst {
            Some(a) => a.clone(),
            None => {
                let mut coders = units::coders(project, article);
                match coders.len() {
                    0 => continue,
                    1 => coders.remove(0),
                    _ => {
                        return Err(format!(
                            "several analysts coded the units of {:?} ({}): choose one with --analysts",
                            article.title,
                            coders
                                .iter()
                                .map(|a| project.analyst_name(a))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        };
        let mut counts: HashMap<StanceId, usize> = HashMap::new();
        let mut coded = 0;
        for unit in article.units.iter().filter(|u| !u.heading) {
            if let Some(stance) = units::code_of(project, article, &coder, unit).stance() {
                coded += 1;
                for s in scheme.lineage(stance) {
                    *counts.entry(s.id.clone()).or_default() += 1;
                }
            }
        }
        out.extend(rows_of(Some(article), &counts, coded));
        for (k, v) in counts {
            *corpus.entry(k).or_default() += v;
        }
        corpus_coded += coded;
    }
    out.extend(rows_of(None, &corpus, corpus_coded));
    Ok(out)
}

/// The shares as CSV: `article_id, article_title, code, label, kind, units, percent` (the
/// corpus rows with an empty article).
pub fn shares_csv(rows: &[ShareRow]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "article_id",
        "article_title",
        "code",
        "label",
        "kind",
        "units",
        "percent",
    ])?;
    for r in rows {
        w.write_record([
            r.article_id.map(|id| id.to_string()).unwrap_or_default(),
            r.article_title.clone(),
            r.code.clone(),
            r.label.clone(),
            r.kind.to_owned(),
            r.units.to_string(),
            format!("{:.4}", r.percent),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of strings is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Article, Stance};
    use std::sync::Arc;

    fn annotate(project: &mut Project, article: usize, (start, end): (usize, usize), stance: &str) {
        let art = project.articles[article].clone();
        let range = TextRange { start, end };
        project.push_annotation(Arc::new(Annotation::new(
            art.id,
            range,
            crate::core::text::slice_chars(&art.text, range).to_owned(),
            StanceId::new(stance),
            String::new(),
            Default::default(),
        )));
    }

    fn project() -> Project {
        let mut p = Project::new("t");
        p.stances.0.push(Stance {
            id: StanceId::new("supply-chain"),
            label: "supply chain".to_owned(),
            color: crate::core::model::Rgb([1, 2, 3]),
            description: String::new(),
            hotkey: None,
            parent: Some(StanceId::new("security")),
            code: None,
            group: false,
        });
        p.articles
            .push(Arc::new(Article::new("A", &"a".repeat(100))));
        p.articles
            .push(Arc::new(Article::new("B", &"b".repeat(50))));
        p
    }

    fn col(stats: &Stats, id: &str) -> usize {
        stats
            .stances
            .iter()
            .position(|s| s.id.as_str() == id)
            .unwrap()
    }

    #[test]
    fn overlaps_within_a_stance_count_once_and_parents_include_sub_stances() {
        let mut p = project();
        annotate(&mut p, 0, (0, 10), "security");
        annotate(&mut p, 0, (5, 15), "security");
        annotate(&mut p, 0, (12, 30), "supply-chain");
        annotate(&mut p, 0, (40, 50), "regulation");
        annotate(&mut p, 1, (0, 5), "regulation");
        let mut orphan = (**p.annotations.first().unwrap()).clone();
        orphan.id = uuid::Uuid::new_v4();
        orphan.orphaned = true;
        orphan.range = TextRange { start: 60, end: 90 };
        p.push_annotation(orphan);
        let stats = Stats::of(&p);
        let (sec, sup, reg) = (
            col(&stats, "security"),
            col(&stats, "supply-chain"),
            col(&stats, "regulation"),
        );
        assert_eq!(sup, sec + 1, "a sub-stance follows its parent");
        assert_eq!(stats.stances[sup].label, "security › supply chain");
        assert_eq!(stats.stances[sup].depth, 1);
        let a = &stats.articles[0].counts;
        assert_eq!(
            a[sec],
            Counts {
                annotations: 3,
                code_points: 30
            },
            "0..30, orphan left out"
        );
        assert_eq!(
            a[sup],
            Counts {
                annotations: 1,
                code_points: 18
            }
        );
        assert_eq!(
            a[reg],
            Counts {
                annotations: 1,
                code_points: 10
            }
        );
        assert_eq!(stats.articles[1].counts[sec], Counts::default());
        assert_eq!(
            stats.project[reg],
            Counts {
                annotations: 2,
                code_points: 15
            }
        );
        // Pairs: the two security ones overlap each other, the second overlaps supply chain.
        assert_eq!(stats.cooccurrence[sec][sec], 1);
        assert_eq!(stats.cooccurrence[sec][sup], 1);
        assert_eq!(stats.cooccurrence[sup][sec], 1);
        assert_eq!(stats.cooccurrence[reg][sec], 0);
        // Along the length: regulation at 40% of A (bin 8) and at 0% of B.
        assert_eq!(stats.along[reg][8], 1);
        assert_eq!(stats.along[reg][0], 1);
        assert_eq!(stats.articles[1].along[reg][0], 1, "B's own");
        assert_eq!(stats.articles[1].along[reg][8], 0);
    }

    #[test]
    fn the_svg_chart_has_a_bar_per_stance_scaled_to_the_largest() {
        let mut p = project();
        annotate(&mut p, 0, (0, 10), "security");
        annotate(&mut p, 0, (20, 30), "security");
        annotate(&mut p, 0, (40, 50), "regulation");
        let svg = Stats::of(&p).bar_chart_svg(&p);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        // 4 stances: 4 bars plus the white background.
        assert_eq!(svg.matches("<rect").count(), 5);
        // security has the most annotations: the full height, 220.
        assert!(svg.contains("height=\"220.0\" fill=\"#e67e22\""), "{svg}");
        assert!(svg.contains("height=\"110.0\" fill=\"#3478f6\""), "{svg}");
        assert!(svg.contains("security: 2 annotations, 20 annotated code points"));
    }

    /// Every element of `svg` (well-formed XML, or the test fails) with its attributes.
    fn svg_elements(svg: &str) -> Vec<(String, HashMap<String, String>)> {
        let mut out = Vec::new();
        crate::import::xml::walk(svg, |item| {
            if let crate::import::xml::Item::Start(e) = item {
                out.push((e.name.clone(), e.attributes.iter().cloned().collect()));
            }
        })
        .expect("well-formed SVG");
        out
    }

    #[test]
    fn the_cooccurrence_svg_has_a_cell_per_pair_shaded_by_its_count() {
        let mut p = project();
        p.name = "Team <A> & co".to_owned();
        annotate(&mut p, 0, (0, 10), "security");
        annotate(&mut p, 0, (5, 15), "regulation");
        annotate(&mut p, 0, (8, 12), "regulation");
        let stats = Stats::of(&p);
        let svg = stats.cooccurrence_svg(&p);
        let elements = svg_elements(&svg);
        let cells: Vec<&HashMap<String, String>> = elements
            .iter()
            .filter(|(name, a)| name == "rect" && a.contains_key("fill-opacity"))
            .map(|(_, a)| a)
            .collect();
        let n = stats.stances.len();
        assert_eq!(cells.len(), n * n);
        let (r, s) = (col(&stats, "regulation"), col(&stats, "security"));
        let opacity =
            |i: usize, j: usize| -> f64 { cells[i * n + j]["fill-opacity"].parse().unwrap() };
        // regulation × regulation: 1 pair; regulation × security: 2 pairs (the largest).
        assert_eq!(stats.cooccurrence[r][s], 2);
        assert!((opacity(r, s) - 1.0).abs() < 1e-9);
        assert!(opacity(r, r) > 0.0 && opacity(r, r) < 1.0);
        assert_eq!(opacity(col(&stats, "pro-open-source"), s), 0.0);
        assert!(svg.contains("Team &lt;A&gt; &amp; co"));
    }

    #[test]
    fn the_along_svg_draws_a_line_per_stance_peaking_where_its_annotations_start() {
        let mut p = project();
        // Article A is 100 code points: 20 bins of 5. Two security annotations start in bin 18.
        annotate(&mut p, 0, (90, 92), "security");
        annotate(&mut p, 0, (91, 95), "security");
        annotate(&mut p, 0, (0, 3), "regulation");
        let stats = Stats::of(&p);
        let svg = stats.along_svg(&p);
        let lines: Vec<Vec<(f64, f64)>> = svg_elements(&svg)
            .into_iter()
            .filter(|(name, _)| name == "polyline")
            .map(|(_, a)| {
                a["points"]
                    .split(' ')
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect()
            })
            .collect();
        assert_eq!(lines.len(), stats.stances.len());
        let security = &lines[col(&stats, "security")];
        assert_eq!(security.len(), ALONG_BINS);
        // The highest point (smallest y) is bin 18, at the top of the plot.
        let top = security
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .unwrap()
            .0;
        assert_eq!(top, 18);
        let regulation = &lines[col(&stats, "regulation")];
        assert!(
            regulation[0].1 < regulation[1].1,
            "regulation starts at the start"
        );
    }

    #[test]
    fn touching_ranges_do_not_overlap() {
        let mut p = project();
        annotate(&mut p, 0, (0, 10), "security");
        annotate(&mut p, 0, (10, 20), "regulation");
        let stats = Stats::of(&p);
        assert!(stats.cooccurrence.iter().flatten().all(|n| *n == 0));
        assert_eq!(stats.project[col(&stats, "security")].code_points, 10);
    }

    #[test]
    fn the_long_csv_has_every_article_and_stance_and_project_rows() {
        let mut p = project();
        annotate(&mut p, 0, (0, 10), "security");
        let csv = Stats::of(&p).to_csv().unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [
                "article_id",
                "article_title",
                "stance_id",
                "stance_label",
                "annotations",
                "annotated_code_points"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        // 2 articles × 4 stances, plus 4 project rows.
        assert_eq!(rows.len(), 12);
        let sec_a = rows
            .iter()
            .find(|r| &r[1] == "A" && &r[2] == "security")
            .unwrap();
        assert_eq!((&sec_a[4], &sec_a[5]), ("1", "10"));
        let project_rows: Vec<_> = rows.iter().filter(|r| r[0].is_empty()).collect();
        assert_eq!(project_rows.len(), 4);
        assert!(project_rows.iter().all(|r| &r[1] == "(all articles)"));
        let pairs = Stats::of(&p).cooccurrence_csv().unwrap();
        // 4 stances: 4 + 3 + 2 + 1 unordered pairs and a header.
        assert_eq!(pairs.lines().count(), 11);
    }

    #[test]
    fn a_parent_cycle_does_not_hang_and_every_stance_is_shown_once() {
        let mut p = project();
        p.stances.0[0].parent = Some(StanceId::new("supply-chain"));
        p.stances.0[2].parent = Some(StanceId::new("pro-open-source"));
        let stats = Stats::of(&p);
        let mut ids: Vec<&str> = stats.stances.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), p.stances.0.len());
        assert_eq!(stats.stances.len(), p.stances.0.len());
    }
}
