//! Stance over time, by outlet and by actor: per period of the articles' dates (day, ISO week,
//! month, quarter, year), per outlet or per actor, and per stance, the annotations and how many support, oppose
//! or are neutral towards it.
//!
//! Rules: the same as the statistics' (orphans not counted, a stance's figures include its
//! sub-stances'); an annotation without a position counts in `annotations` only. Periods are
//! calendar periods with their year (`2024-03-05`, `2024-W10` as ISO 8601 weeks, `2024-03`,
//! `2024-Q1`, `2024`), every period between the first and the last dated article listed (zeros
//! included, up to [`MAX_PERIODS`]); articles without a readable date (`YYYY[-MM[-DD]]`) are
//! counted apart under `(undated)`, listed last, and named.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::stats::StanceColumn;
use crate::core::model::{ArticleId, Project, StanceId};

/// The most periods filled in between the first and last date (beyond, only periods with
/// articles are listed).
pub const MAX_PERIODS: usize = 5_000;
/// The name of the period of undated articles.
pub const UNDATED: &str = "(undated)";
/// The name of the outlet of articles that name none.
pub const NO_OUTLET: &str = "(no outlet)";
/// The row of annotations that name no actor.
pub const NO_ACTOR: &str = "(no actor)";

/// What the rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodBy {
    /// Calendar days.
    Day,
    /// ISO 8601 weeks.
    Week,
    /// Calendar months.
    Month,
    /// Quarters.
    Quarter,
    /// Years.
    Year,
    /// The articles' outlets.
    Outlet,
    /// Who holds the stance (each actor as coded; no actor apart).
    Actor,
}

impl PeriodBy {
    /// Every choice, in menu order.
    pub const ALL: [PeriodBy; 7] = [
        Self::Day,
        Self::Week,
        Self::Month,
        Self::Quarter,
        Self::Year,
        Self::Outlet,
        Self::Actor,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
            Self::Outlet => "outlet",
            Self::Actor => "actor",
        }
    }

    /// The period of a date: its name and a sortable key.
    fn period(self, d: NaiveDate) -> (String, (i32, u32, u32)) {
        match self {
            Self::Day => (
                d.format("%Y-%m-%d").to_string(),
                (d.year(), d.month(), d.day()),
            ),
            Self::Week => {
                let w = d.iso_week();
                (
                    format!("{}-W{:02}", w.year(), w.week()),
                    (w.year(), w.week(), 0),
                )
            }
            Self::Month => (d.format("%Y-%m").to_string(), (d.year(), d.month(), 0)),
            Self::Quarter => {
                let q = (d.month() - 1) / 3 + 1;
                (format!("{}-Q{q}", d.year()), (d.year(), q, 0))
            }
            Self::Year => (d.year().to_string(), (d.year(), 0, 0)),
            Self::Outlet | Self::Actor => unreachable!("outlets and actors are not dates"),
        }
    }

    /// The first day of the next period.
    fn next(self, d: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Day => d.succ_opt(),
            Self::Week => d.checked_add_days(chrono::Days::new(7)),
            Self::Month => d.checked_add_months(chrono::Months::new(1)),
            Self::Quarter => d.checked_add_months(chrono::Months::new(3)),
            Self::Year => d.checked_add_months(chrono::Months::new(12)),
            Self::Outlet | Self::Actor => None,
        }
    }

    /// The first day of the period holding `d`.
    fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Self::Week => d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday())),
            Self::Month => d.with_day(1).unwrap_or(d),
            Self::Quarter => {
                NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1).unwrap_or(d)
            }
            Self::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
            _ => d,
        }
    }
}

/// One stance's figures in one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PeriodCounts {
    /// Annotations (with those of sub-stances).
    pub annotations: usize,
    /// Of them, positions above 0.
    pub supports: usize,
    /// Positions below 0.
    pub opposes: usize,
    /// Positions 0.
    pub neutral: usize,
}

/// The figures per period and stance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// What the periods are.
    pub by: PeriodBy,
    /// The stances, in tree order.
    pub stances: Vec<StanceColumn>,
    /// The periods in order (`(undated)` last, when any article is undated).
    pub periods: Vec<String>,
    /// `counts[p][s]`.
    pub counts: Vec<Vec<PeriodCounts>>,
    /// Titles of the articles without a readable date (with their date text, if any).
    pub undated: Vec<String>,
}

/// A row's place: dated periods (0) by date, then outlets or no outlet (1), then undated (2);
/// the sortable date key; the row's name.
type RowKey = (u8, (i32, u32, u32), String);

/// Counts one annotation with this position.
fn count(c: &mut PeriodCounts, position: Option<i32>) {
    c.annotations += 1;
    match position.map(i32::signum) {
        Some(1) => c.supports += 1,
        Some(-1) => c.opposes += 1,
        Some(_) => c.neutral += 1,
        None => {}
    }
}

/// One row of the CSV and JSON.
#[derive(Debug, Serialize)]
struct Row<'a> {
    period: &'a str,
    stance_id: &'a StanceId,
    stance_label: &'a str,
    annotations: usize,
    supports: usize,
    opposes: usize,
    neutral: usize,
}

impl Timeline {
    /// Counts `project` by `by`.
    pub fn of(project: &Project, by: PeriodBy) -> Self {
        let stats_stances = super::stats::Stats::stance_columns(project);
        let column: HashMap<&StanceId, usize> = stats_stances
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.id, i))
            .collect();
        let towards = super::stats::counts_towards(project, &stats_stances, &column);
        if by == PeriodBy::Actor {
            return Self::by_actor(project, stats_stances.clone(), &column, &towards);
        }
        // Each article's period.
        let mut undated = Vec::new();
        let mut keyed: BTreeMap<RowKey, Vec<ArticleId>> = BTreeMap::new();
        for a in &project.articles {
            let key = if by == PeriodBy::Outlet {
                let outlet = a.meta.outlet.clone().filter(|o| !o.trim().is_empty());
                match outlet {
                    Some(o) => (0, (0, 0, 0), o),
                    None => (1, (0, 0, 0), NO_OUTLET.to_owned()),
                }
            } else {
                match a.meta.when() {
                    Some(t) => {
                        let (name, k) = by.period(t.date());
                        (0, k, name)
                    }
                    None => {
                        undated.push(match &a.meta.date {
                            Some(d) if !d.trim().is_empty() => format!("{} (date “{d}”)", a.title),
                            _ => format!("{} (no date)", a.title),
                        });
                        (2, (0, 0, 0), UNDATED.to_owned())
                    }
                }
            };
            keyed.entry(key).or_default().push(a.id);
        }
        // Every period between the first and the last date, so gaps show as zeros.
        if by != PeriodBy::Outlet {
            let dates: Vec<NaiveDate> = project
                .articles
                .iter()
                .filter_map(|a| a.meta.when())
                .map(|t| t.date())
                .collect();
            if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
                let mut d = by.start(*first);
                let mut n = 0;
                while d <= *last && n < MAX_PERIODS {
                    let (name, k) = by.period(d);
                    keyed.entry((0, k, name)).or_default();
                    n += 1;
                    match by.next(d) {
                        Some(next) => d = next,
                        None => break,
                    }
                }
            }
        }
        let periods: Vec<String> = keyed.keys().map(|k| k.2.clone()).collect();
        let period_of: HashMap<ArticleId, usize> = keyed
            .values()
            .enumerate()
            .flat_map(|(p, ids)| ids.iter().map(move |id| (*id, p)))
            .collect();
        let mut counts = vec![vec![PeriodCounts::default(); stats_stances.len()]; periods.len()];
        for ann in project.annotations.iter().filter(|a| !a.orphaned) {
            let (Some(&p), Some(&own)) = (period_of.get(&ann.article), column.get(&ann.stance))
            else {
                continue;
            };
            for &s in &towards[own] {
                count(&mut counts[p][s], ann.position);
            }
        }
        Self {
            by,
            stances: stats_stances,
            periods,
            counts,
            undated,
        }
    }

    /// One row per actor (by name), then annotations without an actor.
    fn by_actor(
        project: &Project,
        stances: Vec<StanceColumn>,
        column: &HashMap<&StanceId, usize>,
        towards: &[Vec<usize>],
    ) -> Self {
        let mut actors: Vec<&crate::core::actors::Actor> = project.actors.actors.iter().collect();
        actors.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.id.cmp(&b.id))
        });
        let row_of: HashMap<&crate::core::actors::ActorId, usize> =
            actors.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
        let mut periods: Vec<String> = actors.iter().map(|a| a.name.clone()).collect();
        periods.push(NO_ACTOR.to_owned());
        let none = periods.len() - 1;
        let mut counts = vec![vec![PeriodCounts::default(); stances.len()]; periods.len()];
        for ann in project.annotations.iter().filter(|a| !a.orphaned) {
            let Some(&own) = column.get(&ann.stance) else {
                continue;
            };
            let p = ann
                .actor
                .as_ref()
                .and_then(|a| row_of.get(a).copied())
                .unwrap_or(none);
            for &s in &towards[own] {
                count(&mut counts[p][s], ann.position);
            }
        }
        Self {
            by: PeriodBy::Actor,
            stances,
            periods,
            counts,
            undated: Vec::new(),
        }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.periods
            .iter()
            .zip(&self.counts)
            .flat_map(move |(p, row)| {
                self.stances.iter().zip(row).map(move |(s, c)| Row {
                    period: p,
                    stance_id: &s.id,
                    stance_label: &s.label,
                    annotations: c.annotations,
                    supports: c.supports,
                    opposes: c.opposes,
                    neutral: c.neutral,
                })
            })
    }

    /// The long CSV: `period, stance_id, stance_label, annotations, supports, opposes, neutral`,
    /// one row per period × stance (zeros included).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in self.rows() {
            w.serialize(row)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8(bytes).expect("the writer was given strings"))
    }

    /// The JSON of `stats --by` (stats `format_version` 2).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            format_version: u32,
            by: PeriodBy,
            records: Vec<Row<'a>>,
            undated_articles: &'a [String],
        }
        serde_json::to_string_pretty(&Out {
            format_version: super::stats::STATS_FORMAT_VERSION,
            by: self.by,
            records: self.rows().collect(),
            undated_articles: &self.undated,
        })
        .expect("plain records serialise")
            + "\n"
    }

    /// Aligned plain text for people: annotations per period and stance, then the undated
    /// articles named.
    pub fn to_table(&self) -> String {
        let mut out = format!("{:<14}", self.by.name());
        for s in &self.stances {
            out.push_str(&format!(
                "  {:>width$}",
                s.label,
                width = s.label.chars().count().max(6)
            ));
        }
        out.push('\n');
        for (p, row) in self.periods.iter().zip(&self.counts) {
            out.push_str(&format!("{p:<14}"));
            for (s, c) in self.stances.iter().zip(row) {
                let cell = format!("{} (+{} -{})", c.annotations, c.supports, c.opposes);
                out.push_str(&format!(
                    "  {:>width$}",
                    cell,
                    width = s.label.chars().count().max(6)
                ));
            }
            out.push('\n');
        }
        if !self.undated.is_empty() {
            out.push_str(&format!(
                "\n{} article(s) without a date (YYYY[-MM[-DD]]), counted as {UNDATED}: {}\n",
                self.undated.len(),
                self.undated.join("; ")
            ));
        }
        out
    }

    /// A stacked bar chart of the annotations per period (each stance its colour) as a
    /// self-contained SVG.
    pub fn svg(&self, project: &Project) -> String {
        use std::fmt::Write;
        const BAR: f64 = 26.0;
        const GAP: f64 = 10.0;
        const HEIGHT: f64 = 220.0;
        const LEFT: f64 = 48.0;
        const TOP: f64 = 36.0;
        // Only top-level stances stack (sub-stances are inside their parents).
        let top: Vec<usize> = (0..self.stances.len())
            .filter(|&i| self.stances[i].depth == 0)
            .collect();
        let n = self.periods.len().max(1) as f64;
        let width = LEFT + n * (BAR + GAP) + GAP + 160.0;
        let max = super::stats::scale_top(
            self.counts
                .iter()
                .map(|row| top.iter().map(|&i| row[i].annotations).sum::<usize>()),
        ) as f64;
        let heading = format!("Annotations per {} and stance", self.by.name());
        let mut svg = super::stats::svg_start(width, TOP + HEIGHT + 90.0, &heading, &project.name);
        let base = TOP + HEIGHT;
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{x2:.0}\" y2=\"{base}\" stroke=\"#444\"/>",
            x2 = width - 160.0
        );
        for (p, (period, row)) in self.periods.iter().zip(&self.counts).enumerate() {
            let x = LEFT + GAP + p as f64 * (BAR + GAP);
            let mut y = base;
            for &i in &top {
                let c = row[i];
                if c.annotations == 0 {
                    continue;
                }
                let h = HEIGHT * c.annotations as f64 / max;
                y -= h;
                let color = project
                    .stances
                    .get(&self.stances[i].id)
                    .map_or_else(|| "#888888".to_owned(), |s| s.color.to_hex());
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BAR}\" height=\"{h:.1}\" fill=\"{color}\"><title>{period} · {label}: {n} ({s} supporting, {o} opposing, {u} neutral)</title></rect>",
                    period = super::stats::xml_escape(period),
                    label = super::stats::xml_escape(&self.stances[i].label),
                    n = c.annotations,
                    s = c.supports,
                    o = c.opposes,
                    u = c.neutral,
                );
            }
            let _ = writeln!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"end\" transform=\"rotate(-45 {cx:.1} {ly:.1})\">{label}</text>",
                cx = x + BAR / 2.0,
                ly = base + 14.0,
                label = super::stats::xml_escape(period),
            );
        }
        for (k, &i) in top.iter().enumerate() {
            let y = TOP + 10.0 + k as f64 * 18.0;
            let color = project
                .stances
                .get(&self.stances[i].id)
                .map_or_else(|| "#888888".to_owned(), |s| s.color.to_hex());
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{tx:.0}\" y=\"{ty:.0}\">{label}</text>",
                x = width - 150.0,
                tx = width - 132.0,
                ty = y + 10.0,
                label = super::stats::xml_escape(&self.stances[i].label),
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Annotation, Article, TextRange};

    fn project() -> Project {
        let mut p = Project::new("t");
        let text = "abcdefghij".repeat(3);
        for (title, date, outlet) in [
            ("a", Some("2024-01-31"), Some("Times")),
            ("b", Some("2024-03-01T10:00"), Some("Post")),
            ("c", Some("spring"), None),
            ("d", Some("2024-12-30"), Some("Times")),
        ] {
            let mut art = Article::new(title, &text);
            art.meta.date = date.map(str::to_owned);
            art.meta.outlet = outlet.map(str::to_owned);
            for (start, stance, position) in [
                (0, "regulation", Some(1)),
                (5, "security", Some(-1)),
                (10, "regulation", None),
            ] {
                let mut ann = Annotation::new(
                    art.id,
                    TextRange {
                        start,
                        end: start + 3,
                    },
                    text[start..start + 3].to_owned(),
                    StanceId::new(stance),
                    "x",
                    chrono::Utc::now(),
                );
                ann.position = position;
                p.push_annotation(ann);
            }
            p.articles.push(art.into());
        }
        p
    }

    #[test]
    fn months_quarters_weeks_and_outlets_with_the_undated_apart() {
        let p = project();
        let t = Timeline::of(&p, PeriodBy::Month);
        assert_eq!(t.periods.len(), 12 + 1, "January to December, then undated");
        assert_eq!(t.periods[0], "2024-01");
        assert_eq!(t.periods[12], UNDATED);
        assert_eq!(t.undated, ["c (date “spring”)"]);
        let reg = t
            .stances
            .iter()
            .position(|s| s.id.as_str() == "regulation")
            .unwrap();
        assert_eq!(
            t.counts[0][reg],
            PeriodCounts {
                annotations: 2,
                supports: 1,
                opposes: 0,
                neutral: 0
            }
        );
        assert_eq!(
            t.counts[1][reg].annotations, 0,
            "February: a gap counted as zero"
        );
        let q = Timeline::of(&p, PeriodBy::Quarter);
        assert_eq!(
            q.periods,
            ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", UNDATED]
        );
        assert_eq!(q.counts[0][reg].annotations, 4);
        // 30 December 2024 is in ISO week 1 of 2025.
        let w = Timeline::of(&p, PeriodBy::Week);
        assert_eq!(w.periods.first().map(String::as_str), Some("2024-W05"));
        assert!(w.periods.iter().any(|p| p == "2025-W01"));
        let o = Timeline::of(&p, PeriodBy::Outlet);
        assert_eq!(o.periods, ["Post", "Times", NO_OUTLET]);
        let csv = o.to_csv().unwrap();
        assert!(
            csv.starts_with("period,stance_id,stance_label,annotations,supports,opposes,neutral\n")
        );
        assert!(csv.contains("Times,security,security,2,0,2,0"), "{csv}");
        let json: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(json["format_version"], 2);
        assert_eq!(json["by"], "month");
        assert!(
            t.svg(&p)
                .contains("<title>2024-01 · regulation: 2 (1 supporting")
        );
    }
}
