//! How far analysts agree, as the field reports it.
//!
//! - **Unitizing**: Krippendorff's α_U (1995; 2004, ch. 12) computed as DKPro Statistics'
//!   `KrippendorffAlphaUnitizingAgreement` does (the implementation INCEpTION uses): per
//!   article the continuum is the article's code points, each stance is a category, and the
//!   overall value is 1 − mean observed / mean expected disagreement over the categories the
//!   selected analysts used there. Sums are kept in exact integers and divided once.
//! - **Coding**: Cohen's κ (pairs), Krippendorff's nominal α (any number of analysts, missing
//!   data allowed) and percent agreement, on binary decisions — is this unit inside a passage of
//!   this stance? — where a unit is a word (Unicode word boundaries, UAX #29) or a code point;
//!   or, on unitised articles, one nominal decision per coding unit over the codes (an
//!   analyst's code is their annotation spanning exactly the unit; none or several is
//!   missing), with the per-stance rows binary on the same units.
//!
//! Invariants: a value is `None` exactly where the measure is undefined (no expected
//! disagreement, fewer than two analysts, no units), never a made-up 0 or 1; an analyst counts
//! on an article only when [`Counts`] says so (they marked it coded or annotated it), so "not
//! read yet" is never taken as "found nothing"; an analyst's overlapping passages of one stance
//! are merged into their union before anything is measured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::model::{AnalystId, Article, ArticleId, Project, StanceId, TextRange};
use crate::core::text;

/// A measure of agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Krippendorff's unitizing α: where passages begin and end, and with which stance.
    AlphaU,
    /// Cohen's κ: two analysts' decisions per unit, corrected for chance.
    Kappa,
    /// Krippendorff's nominal α: any number of analysts' decisions per unit, missing allowed.
    Alpha,
    /// The share of units on which all analysts decided the same.
    Percent,
}

impl Measure {
    /// Every measure, in the order reports list them.
    pub const ALL: [Measure; 4] = [
        Measure::AlphaU,
        Measure::Kappa,
        Measure::Alpha,
        Measure::Percent,
    ];

    /// The name files and the command line use.
    pub fn key(self) -> &'static str {
        match self {
            Measure::AlphaU => "alpha-u",
            Measure::Kappa => "kappa",
            Measure::Alpha => "alpha",
            Measure::Percent => "percent",
        }
    }

    /// The name people read.
    pub fn name(self) -> &'static str {
        match self {
            Measure::AlphaU => "Krippendorff's α_U",
            Measure::Kappa => "Cohen's κ",
            Measure::Alpha => "Krippendorff's α",
            Measure::Percent => "percent agreement",
        }
    }

    /// What it means, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Measure::AlphaU => {
                "Do the analysts mark the same stretches of text with the same stance? 1 is the same passages to the character, 0 is what chance would give; boundaries that differ by a few characters cost little, a passage only one analyst marked costs its length squared."
            }
            Measure::Kappa => {
                "For two analysts: how often they make the same call on each unit (inside a passage of the stance or not), beyond what their own rates would give by chance. 1 is perfect, 0 is chance."
            }
            Measure::Alpha => {
                "Like κ for any number of analysts, with missing data allowed (an analyst who has not coded an article is left out there). 1 is perfect, 0 is chance; reviewers usually ask for 0.667 or more."
            }
            Measure::Percent => {
                "The share of units on which all analysts made the same call. Easy to read, but not corrected for chance: long uncoded stretches push it up."
            }
        }
    }

    /// Whether it is measured on units (words or code points) rather than on passages.
    pub fn uses_units(self) -> bool {
        self != Measure::AlphaU
    }

    /// Whether it compares exactly two analysts.
    pub fn pairwise_only(self) -> bool {
        self == Measure::Kappa
    }
}

/// What a unit of the coding measures is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A word by Unicode word boundaries; coded with a stance when any of its characters is.
    #[default]
    Word,
    /// Every code point of the article.
    Char,
    /// The article's coding units (its sentences and quasi-sentences; headings left out): an
    /// analyst's code for a unit is their annotation spanning exactly it. The overall rows are
    /// one nominal decision per unit over the codes; the per-stance rows binary as usual.
    Unitised,
}

impl Unit {
    /// The name files and the command line use.
    pub fn key(self) -> &'static str {
        match self {
            Unit::Word => "word",
            Unit::Char => "char",
            Unit::Unitised => "unit",
        }
    }
}

// ----- α_U ----------------------------------------------------------------------------------

/// The observed and expected disagreement of one category (DKPro's D_O and D_E).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disagreement {
    /// Observed disagreement.
    pub observed: f64,
    /// Expected disagreement (0: the value is undefined).
    pub expected: f64,
}

impl Disagreement {
    /// 1 − D_O / D_E, or `None` when nothing could be expected to disagree.
    pub fn alpha(self) -> Option<f64> {
        (self.expected > 0.0).then(|| 1.0 - self.observed / self.expected)
    }
}

/// α_U of one continuum: per category and overall.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaU<C> {
    /// Each category used, with its disagreements.
    pub categories: Vec<(C, Disagreement)>,
}

impl<C> AlphaU<C> {
    /// 1 − mean D_O / mean D_E over the categories; `None` when there are none or the mean
    /// expected disagreement is 0.
    pub fn overall(&self) -> Option<f64> {
        let observed: f64 = self.categories.iter().map(|(_, d)| d.observed).sum();
        let expected: f64 = self.categories.iter().map(|(_, d)| d.expected).sum();
        (!self.categories.is_empty() && expected > 0.0).then(|| 1.0 - observed / expected)
    }
}

/// A rater's units of one category: sorted, non-overlapping `[start, end)` ranges.
type Units = Vec<(u64, u64)>;

/// Sorts ranges and merges the overlapping ones into their union (touching ones stay apart,
/// as DKPro keeps them); empty ranges are dropped.
fn union_of(mut ranges: Vec<(u64, u64)>) -> Units {
    ranges.retain(|(s, e)| e > s);
    ranges.sort_unstable();
    let mut out: Units = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// One stretch of a rater's segmentation of the continuum: a unit or the gap before one.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    begin: i128,
    length: i128,
    coded: bool,
}

/// A rater's walk over the continuum, one stretch at a time, as DKPro walks it: at `pos` the
/// next stretch is the unit that begins there, or the gap up to the next unit (or the end).
struct Walk<'a> {
    units: &'a [(u64, u64)],
    next: usize,
    current: Stretch,
}

impl<'a> Walk<'a> {
    fn new(units: &'a [(u64, u64)], begin: i128) -> Self {
        Self {
            units,
            next: 0,
            current: Stretch {
                begin,
                length: 0,
                coded: false,
            },
        }
    }

    fn has_next_unit(&self) -> bool {
        self.next < self.units.len()
    }

    fn end(&self) -> i128 {
        self.current.begin + self.current.length
    }

    /// Moves on when `pos` is where the current stretch ends.
    fn step(&mut self, pos: i128, continuum_end: i128) {
        if pos != self.end() {
            return;
        }
        self.current = match self.units.get(self.next) {
            Some(&(s, e)) if i128::from(s) == pos => {
                self.next += 1;
                Stretch {
                    begin: pos,
                    length: i128::from(e - s),
                    coded: true,
                }
            }
            Some(&(s, _)) => Stretch {
                begin: pos,
                length: i128::from(s) - pos,
                coded: false,
            },
            None => Stretch {
                begin: pos,
                length: continuum_end - pos,
                coded: false,
            },
        };
    }
}

/// Krippendorff's distance between two raters' stretches (DKPro's `measureDistance`).
fn distance(a: Stretch, b: Stretch) -> i128 {
    let begin_diff = a.begin - b.begin;
    let length_diff = a.length - b.length;
    if a.coded && b.coded && -a.length < begin_diff && begin_diff < b.length {
        return begin_diff * begin_diff + (begin_diff + length_diff) * (begin_diff + length_diff);
    }
    if a.coded && !b.coded && -length_diff >= begin_diff && begin_diff >= 0 {
        return a.length * a.length;
    }
    if !a.coded && b.coded && -length_diff <= begin_diff && begin_diff <= 0 {
        return b.length * b.length;
    }
    0
}

/// The disagreements of one category on the continuum `[begin, begin + length)`, each rater's
/// units given as sorted, non-overlapping ranges inside it.
fn category_disagreement(begin: u64, length: u64, raters: &[Units]) -> Disagreement {
    let (b, l) = (i128::from(begin), i128::from(length));
    let r = raters.len() as i128;
    // Observed: every pair of raters walked side by side.
    let mut observed: i128 = 0;
    for (i, first) in raters.iter().enumerate() {
        for second in &raters[i + 1..] {
            let (mut one, mut two) = (Walk::new(first, b), Walk::new(second, b));
            let mut pos = b;
            while pos < b + l && (one.has_next_unit() || two.has_next_unit()) {
                one.step(pos, b + l);
                two.step(pos, b + l);
                observed += distance(one.current, two.current);
                pos = one.end().min(two.end());
            }
        }
    }
    // Expected: every unit against every gap long enough to hold it, and against the other
    // units of its category.
    let lengths: Vec<i128> = raters
        .iter()
        .flatten()
        .map(|&(s, e)| i128::from(e - s))
        .collect();
    let n_c = lengths.len() as i128;
    let squared: i128 = lengths.iter().map(|l| l * (l - 1)).sum();
    let mut gaps: Vec<i128> = Vec::new();
    for units in raters {
        let mut pos = b;
        for &(s, e) in units {
            if i128::from(s) > pos {
                gaps.push(i128::from(s) - pos);
            }
            pos = i128::from(e);
        }
        if pos < b + l {
            gaps.push(b + l - pos);
        }
    }
    let mut expected_sum: i128 = 0;
    for &unit in &lengths {
        // (N_c − 1)(2l³ − 3l² + l) / 3 = (N_c − 1) · 2 · Σ_{i<l} i², an exact integer.
        let within = (n_c - 1) * unit * (unit - 1) * (2 * unit - 1) / 3;
        let in_gaps: i128 = gaps
            .iter()
            .filter(|&&g| g >= unit)
            .map(|&g| g - unit + 1)
            .sum();
        expected_sum += within + unit * unit * in_gaps;
    }
    let observed = if r < 2 || l == 0 {
        0.0
    } else {
        2.0 * observed as f64 / ((r * (r - 1)) as f64 * (l * l) as f64)
    };
    let denominator = r * l * (r * l - 1) - squared;
    let expected = if denominator == 0 || l == 0 {
        0.0
    } else {
        2.0 * expected_sum as f64 / (l as f64 * denominator as f64)
    };
    Disagreement { observed, expected }
}

/// α_U of a continuum `[begin, begin + length)`: `raters[r]` holds rater `r`'s units as
/// `(start, end, category)` (half-open). A rater's overlapping units of one category are merged
/// into their union first; units of different categories may overlap.
pub fn alpha_u<C: Ord + Clone>(
    begin: u64,
    length: u64,
    raters: &[Vec<(u64, u64, C)>],
) -> AlphaU<C> {
    let mut by_category: BTreeMap<C, Vec<Vec<(u64, u64)>>> = BTreeMap::new();
    for (r, units) in raters.iter().enumerate() {
        for (s, e, c) in units {
            by_category
                .entry(c.clone())
                .or_insert_with(|| vec![Vec::new(); raters.len()])[r]
                .push((*s, *e));
        }
    }
    let categories = by_category
        .into_iter()
        .map(|(category, per_rater)| {
            let units: Vec<Units> = per_rater.into_iter().map(union_of).collect();
            (category, category_disagreement(begin, length, &units))
        })
        .collect();
    AlphaU { categories }
}

// ----- coding measures ----------------------------------------------------------------------

/// Binary decisions on items (a unit, or a unit × stance): `decisions[item][rater]`, `None`
/// where the rater gave none (missing).
pub type Decisions = Vec<Vec<Option<bool>>>;

/// Cohen's κ of raters `a` and `b` over the items both decided; `None` when there are none or
/// chance agreement is already total (both always said the same single value).
pub fn cohen_kappa(decisions: &Decisions, a: usize, b: usize) -> Option<f64> {
    let (mut n, mut agree, mut a_yes, mut b_yes) = (0u64, 0u64, 0u64, 0u64);
    for item in decisions {
        if let (Some(x), Some(y)) = (item[a], item[b]) {
            n += 1;
            agree += u64::from(x == y);
            a_yes += u64::from(x);
            b_yes += u64::from(y);
        }
    }
    kappa_of(n, agree, a_yes, b_yes)
}

/// Cohen's κ from the counts of the items both raters decided (`n`), those they agreed on, and
/// each one's yes.
fn kappa_of(n: u64, agree: u64, a_yes: u64, b_yes: u64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    // As scikit-learn computes it, 1 − Σ w·observed / Σ w·expected (undefined where the
    // expected disagreement is 0), here in exact integers until the one division:
    // 1 − n·(n − agree) / (a_yes·(n − b_yes) + (n − a_yes)·b_yes).
    let (n, agree, a_yes, b_yes) = (
        i128::from(n),
        i128::from(agree),
        i128::from(a_yes),
        i128::from(b_yes),
    );
    let expected = a_yes * (n - b_yes) + (n - a_yes) * b_yes;
    (expected > 0).then(|| (expected - n * (n - agree)) as f64 / expected as f64)
}

/// Krippendorff's nominal α over all raters, missing decisions allowed: items with fewer than
/// two decisions are not pairable and left out. `None` when nothing is pairable or only one
/// value occurs.
pub fn krippendorff_alpha(decisions: &Decisions) -> Option<f64> {
    Tally::of(decisions).alpha()
}

/// Krippendorff's binary α from the coincidences of unlike values and how often each value
/// occurs among pairable items.
fn alpha_of(unlike: f64, yes: u64, no: u64) -> Option<f64> {
    let total = yes + no;
    if yes == 0 || no == 0 {
        return None;
    }
    let expected = 2.0 * (yes * no) as f64;
    Some(1.0 - (total - 1) as f64 * unlike / expected)
}

/// What the coding measures need of binary decisions, added up item by item in order (the
/// same sums as over the decisions at once): the corpus adds every article's without keeping
/// them — a million annotations' words are tens of millions of items.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Items raters 0 and 1 both decided, those they agreed on, and each one's yes (κ).
    pair: (u64, u64, u64, u64),
    /// Coincidences of unlike values, yes and no among pairable items (α).
    unlike: f64,
    yes: u64,
    no: u64,
    /// Items with two decisions or more, and those on which all agree (percent).
    pairable: u64,
    same: u64,
}

impl Tally {
    fn of(decisions: &Decisions) -> Self {
        let mut tally = Self::default();
        tally.add(decisions);
        tally
    }

    fn add(&mut self, decisions: &Decisions) {
        for item in decisions {
            if let (Some(Some(x)), Some(Some(y))) = (item.first(), item.get(1)) {
                self.pair.0 += 1;
                self.pair.1 += u64::from(x == y);
                self.pair.2 += u64::from(*x);
                self.pair.3 += u64::from(*y);
            }
            let y = item.iter().filter(|d| **d == Some(true)).count() as u64;
            let n = item.iter().filter(|d| **d == Some(false)).count() as u64;
            let m = y + n;
            if m < 2 {
                continue;
            }
            self.unlike += 2.0 * (y * n) as f64 / (m - 1) as f64;
            self.yes += y;
            self.no += n;
            self.pairable += 1;
            self.same += u64::from(y == 0 || n == 0);
        }
    }

    fn alpha(&self) -> Option<f64> {
        alpha_of(self.unlike, self.yes, self.no)
    }

    fn value(&self, measure: Measure) -> Option<f64> {
        match measure {
            Measure::Kappa => kappa_of(self.pair.0, self.pair.1, self.pair.2, self.pair.3),
            Measure::Alpha => self.alpha(),
            Measure::Percent => {
                (self.pairable > 0).then(|| self.same as f64 / self.pairable as f64)
            }
            Measure::AlphaU => None,
        }
    }
}

/// The share of items with at least two decisions on which all decisions are the same; `None`
/// when no item has two.
pub fn percent_agreement(decisions: &Decisions) -> Option<f64> {
    Tally::of(decisions).value(Measure::Percent)
}

/// Nominal decisions on items: `codes[item][rater]`, a category index, `None` where missing.
pub type Codes = Vec<Vec<Option<u32>>>;

/// Cohen's κ of raters `a` and `b` over nominal codes on the items both coded (as
/// scikit-learn's `cohen_kappa_score`); `None` when none or chance agreement is total.
pub fn cohen_kappa_nominal(codes: &Codes, a: usize, b: usize) -> Option<f64> {
    let mut n = 0u64;
    let mut agree = 0u64;
    let mut of_a: BTreeMap<u32, u64> = BTreeMap::new();
    let mut of_b: BTreeMap<u32, u64> = BTreeMap::new();
    for item in codes {
        if let (Some(x), Some(y)) = (item[a], item[b]) {
            n += 1;
            agree += u64::from(x == y);
            *of_a.entry(x).or_default() += 1;
            *of_b.entry(y).or_default() += 1;
        }
    }
    if n == 0 {
        return None;
    }
    // Expected agreement Σ a_k·b_k / n²; κ = (n·agree − Σ a_k b_k) / (n² − Σ a_k b_k).
    let chance: u128 = of_a
        .iter()
        .map(|(k, &x)| u128::from(x) * u128::from(*of_b.get(k).unwrap_or(&0)))
        .sum();
    let n2 = u128::from(n) * u128::from(n);
    let observed = u128::from(n) * u128::from(agree);
    (n2 > chance).then(|| (observed as f64 - chance as f64) / (n2 - chance) as f64)
}

/// Krippendorff's nominal α over nominal codes, missing allowed (as the `krippendorff`
/// package with `level_of_measurement="nominal"`); `None` when nothing is pairable or one
/// value only occurs.
pub fn krippendorff_alpha_nominal(codes: &Codes) -> Option<f64> {
    let mut unlike = 0.0f64;
    let mut totals: BTreeMap<u32, u64> = BTreeMap::new();
    for item in codes {
        let mut here: BTreeMap<u32, u64> = BTreeMap::new();
        for c in item.iter().flatten() {
            *here.entry(*c).or_default() += 1;
        }
        let m: u64 = here.values().sum();
        if m < 2 {
            continue;
        }
        // Ordered pairs of unlike values within the item: m² − Σ n_c².
        let same: u64 = here.values().map(|v| v * v).sum();
        unlike += (m * m - same) as f64 / (m - 1) as f64;
        for (c, v) in here {
            *totals.entry(c).or_default() += v;
        }
    }
    let total: u64 = totals.values().sum();
    if totals.len() < 2 {
        return None;
    }
    let same: u128 = totals
        .values()
        .map(|&v| u128::from(v) * u128::from(v))
        .sum();
    let expected = (u128::from(total) * u128::from(total) - same) as f64;
    Some(1.0 - (total - 1) as f64 * unlike / expected)
}

/// The share of items with at least two codes on which all are the same.
pub fn percent_agreement_nominal(codes: &Codes) -> Option<f64> {
    let (mut items, mut same) = (0u64, 0u64);
    for item in codes {
        let given: Vec<u32> = item.iter().flatten().copied().collect();
        if given.len() < 2 {
            continue;
        }
        items += 1;
        same += u64::from(given.iter().all(|c| *c == given[0]));
    }
    (items > 0).then(|| same as f64 / items as f64)
}

fn nominal_value(measure: Measure, codes: &Codes) -> Option<f64> {
    match measure {
        Measure::Kappa => cohen_kappa_nominal(codes, 0, 1),
        Measure::Alpha => krippendorff_alpha_nominal(codes),
        Measure::Percent => percent_agreement_nominal(codes),
        Measure::AlphaU => None,
    }
}

fn pairable_codes(codes: &Codes) -> usize {
    codes
        .iter()
        .filter(|d| d.iter().flatten().count() >= 2)
        .count()
}

/// The units of a text in code points: its words (UAX #29 word boundaries, as
/// `unicode-segmentation`'s `unicode_word_indices` finds them) or each code point.
pub fn units_of(text: &str, unit: Unit) -> Vec<(usize, usize)> {
    match unit {
        Unit::Char => (0..text.chars().count()).map(|i| (i, i + 1)).collect(),
        // An article's own units come from the article, not its text.
        Unit::Unitised => Vec::new(),
        Unit::Word => {
            use unicode_segmentation::UnicodeSegmentation;
            let mut out = Vec::new();
            // Byte offsets to code points, walking forward once.
            let (mut byte, mut chars) = (0usize, 0usize);
            let to_chars = |target: usize, byte: &mut usize, chars: &mut usize| {
                *chars += text[*byte..target].chars().count();
                *byte = target;
                *chars
            };
            for (at, word) in text.unicode_word_indices() {
                let start = to_chars(at, &mut byte, &mut chars);
                let end = to_chars(at + word.len(), &mut byte, &mut chars);
                out.push((start, end));
            }
            out
        }
    }
}

/// Whether each unit is inside one of `ranges` (sorted, non-overlapping): any code point is.
fn coded_units(units: &[(usize, usize)], ranges: &[(u64, u64)]) -> Vec<bool> {
    let mut next = 0;
    units
        .iter()
        .map(|&(s, e)| {
            let (s, e) = (s as u64, e as u64);
            while next < ranges.len() && ranges[next].1 <= s {
                next += 1;
            }
            ranges.get(next).is_some_and(|&(rs, _)| rs < e)
        })
        .collect()
}

// ----- a project's agreement ----------------------------------------------------------------

/// Whether an analyst counts on an article (marked it coded, or annotated it).
pub type Counts<'a> = dyn Fn(ArticleId, &AnalystId) -> bool + 'a;

/// What to measure.
#[derive(Debug, Clone)]
pub struct Request {
    /// The measures, in the order their rows come.
    pub measures: Vec<Measure>,
    /// Words or code points, for the coding measures.
    pub unit: Unit,
    /// The analysts compared (at least two), in the order rows name them.
    pub analysts: Vec<AnalystId>,
    /// Only this article (else every article, then the corpus).
    pub article: Option<ArticleId>,
    /// Only this stance (else each stance used, then overall).
    pub stance: Option<StanceId>,
}

/// One figure: a measure on an article (or the corpus) and a stance (or overall) for a set of
/// analysts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The measure.
    pub measure: Measure,
    /// The unit of the coding measures (reported for α_U too, as requested).
    pub unit: Unit,
    /// The article, `None` for the corpus.
    pub article_id: Option<ArticleId>,
    /// Its title (empty for the corpus).
    pub article_title: String,
    /// The stance, `None` for all stances together.
    pub stance_id: Option<StanceId>,
    /// Its label (empty for overall).
    pub stance_label: String,
    /// The analysts compared.
    pub analysts: Vec<AnalystId>,
    /// The value; `None` where the measure is undefined.
    pub value: Option<f64>,
    /// How many units it rests on (for α_U: the continuum's code points).
    pub units: usize,
    /// Why the value is missing, in words.
    #[serde(skip)]
    pub why: Option<String>,
}

/// An analyst's passages on an article, per stance, as sorted unions in code points.
struct Layer {
    by_stance: BTreeMap<StanceId, Units>,
}

fn layer_of(project: &Project, article: ArticleId, analyst: &AnalystId) -> Layer {
    let mut by_stance: BTreeMap<StanceId, Vec<(u64, u64)>> = BTreeMap::new();
    for a in project.annotations.layer(article, analyst) {
        if a.orphaned || a.range.is_empty() {
            continue;
        }
        let TextRange { start, end } = a.range;
        by_stance
            .entry(a.stance.clone())
            .or_default()
            .push((start as u64, end as u64));
    }
    Layer {
        by_stance: by_stance
            .into_iter()
            .map(|(s, r)| (s, union_of(r)))
            .collect(),
    }
}

/// The groups of analysts rows are given for: all of them together, then each pair (with two
/// analysts, only the pair).
fn groups(analysts: &[AnalystId]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if analysts.len() > 2 {
        out.push((0..analysts.len()).collect());
    }
    for i in 0..analysts.len() {
        for j in i + 1..analysts.len() {
            out.push(vec![i, j]);
        }
    }
    out
}

/// What one article contributes: its layers and units.
struct ArticleData<'a> {
    article: &'a Article,
    length: usize,
    /// Per selected analyst: their layer, if they count here.
    layers: Vec<Option<Layer>>,
    units: Vec<(usize, usize)>,
    /// With units of the article: per selected analyst who counts, their code per unit (`None`
    /// where they gave none, or several).
    unit_codes: Option<Vec<Option<Vec<Option<StanceId>>>>>,
}

/// Per analyst (who counts), their code for each unit of text of a unitised article.
fn unit_codes_of(
    project: &Project,
    article: &Article,
    analysts: &[AnalystId],
    counts: &Counts<'_>,
) -> Vec<Option<Vec<Option<StanceId>>>> {
    analysts
        .iter()
        .map(|analyst| {
            counts(article.id, analyst).then(|| {
                article
                    .units
                    .iter()
                    .filter(|u| !u.heading)
                    .map(|u| {
                        crate::core::units::code_of(project, article, analyst, u)
                            .stance()
                            .cloned()
                    })
                    .collect()
            })
        })
        .collect()
}

impl ArticleData<'_> {
    /// The stances any of `group` used here (those that count), or just `only`.
    fn stances(&self, group: &[usize], only: Option<&StanceId>) -> Vec<StanceId> {
        if let Some(only) = only {
            return vec![only.clone()];
        }
        if let Some(codes) = &self.unit_codes {
            let mut used: Vec<StanceId> = group
                .iter()
                .filter_map(|&r| codes[r].as_ref())
                .flat_map(|c| c.iter().flatten().cloned())
                .collect();
            used.sort();
            used.dedup();
            return used;
        }
        let mut used: Vec<StanceId> = group
            .iter()
            .filter_map(|&r| self.layers[r].as_ref())
            .flat_map(|l| l.by_stance.keys().cloned())
            .collect();
        used.sort();
        used.dedup();
        used
    }

    fn counting(&self, group: &[usize]) -> Vec<usize> {
        group
            .iter()
            .copied()
            .filter(|&r| self.layers[r].is_some())
            .collect()
    }

    /// The binary decisions of `group` on `stance` per unit (missing for analysts who do not
    /// count here).
    fn decisions(&self, group: &[usize], stance: &StanceId) -> Decisions {
        if let Some(codes) = &self.unit_codes {
            return (0..self.units.len())
                .map(|u| {
                    group
                        .iter()
                        .map(|&r| {
                            let code = codes[r].as_ref()?.get(u)?.as_ref()?;
                            Some(code == stance)
                        })
                        .collect()
                })
                .collect();
        }
        let coded: Vec<Option<Vec<bool>>> = group
            .iter()
            .map(|&r| {
                self.layers[r].as_ref().map(|layer| {
                    let ranges = layer.by_stance.get(stance).map_or(&[][..], |v| v);
                    coded_units(&self.units, ranges)
                })
            })
            .collect();
        (0..self.units.len())
            .map(|u| coded.iter().map(|c| c.as_ref().map(|c| c[u])).collect())
            .collect()
    }

    /// With units: the nominal code decisions of `group` per unit, codes numbered by `index`.
    fn code_decisions(&self, group: &[usize], index: &BTreeMap<&StanceId, u32>) -> Codes {
        let Some(codes) = &self.unit_codes else {
            return Vec::new();
        };
        (0..self.units.len())
            .map(|u| {
                group
                    .iter()
                    .map(|&r| {
                        let code = codes[r].as_ref()?.get(u)?.as_ref()?;
                        index.get(code).copied()
                    })
                    .collect()
            })
            .collect()
    }

    /// α_U of `group` (those who count) per stance and overall.
    fn alpha_u(&self, group: &[usize], stances: &[StanceId]) -> AlphaU<StanceId> {
        let raters: Vec<Vec<(u64, u64, StanceId)>> = self
            .counting(group)
            .iter()
            .map(|&r| {
                let layer = self.layers[r].as_ref().expect("counting");
                stances
                    .iter()
                    .flat_map(|s| {
                        layer
                            .by_stance
                            .get(s)
                            .into_iter()
                            .flatten()
                            .map(move |&(a, b)| (a, b, s.clone()))
                    })
                    .collect()
            })
            .collect();
        alpha_u(0, self.length as u64, &raters)
    }
}

/// The value of a coding measure on decisions of a group (pair or all: κ is of the first two).
fn coding_value(measure: Measure, decisions: &Decisions) -> Option<f64> {
    Tally::of(decisions).value(measure)
}

/// Items with at least two decisions (what a coding measure rests on).
fn pairable(decisions: &Decisions) -> usize {
    Tally::of(decisions).pairable as usize
}

/// Every row the request asks for: per article (each stance used, then overall) and, without
/// an article, the corpus; for all analysts together and each pair. Runs in the caller's
/// thread (the window runs it on a worker).
pub fn measure(project: &Project, request: &Request, counts: &Counts<'_>) -> Vec<Row> {
    measure_with_progress(project, request, counts, None).unwrap_or_default()
}

/// [`measure`] on a worker: reports each (measure, analysts, article) step done to `progress`
/// and gives up (`None`) as soon as it is cancelled.
pub fn measure_with_progress(
    project: &Project,
    request: &Request,
    counts: &Counts<'_>,
    progress: Option<&crate::core::jobs::Progress>,
) -> Option<Vec<Row>> {
    let articles: Vec<&Article> = project
        .articles
        .iter()
        .map(|a| &**a)
        .filter(|a| request.article.is_none_or(|id| id == a.id))
        .collect();
    let data: Vec<ArticleData<'_>> = articles
        .iter()
        .map(|article| {
            let layers = request
                .analysts
                .iter()
                .map(|analyst| {
                    counts(article.id, analyst).then(|| layer_of(project, article.id, analyst))
                })
                .collect();
            ArticleData {
                article,
                length: article.text.chars().count(),
                layers,
                units: if request.unit == Unit::Unitised {
                    article
                        .units
                        .iter()
                        .filter(|u| !u.heading)
                        .map(|u| (u.start, u.end))
                        .collect()
                } else if request.measures.iter().any(|m| m.uses_units()) {
                    units_of(&article.text, request.unit)
                } else {
                    Vec::new()
                },
                unit_codes: (request.unit == Unit::Unitised)
                    .then(|| unit_codes_of(project, article, &request.analysts, counts)),
            }
        })
        .collect();
    let label = |s: &StanceId| {
        project
            .stances
            .get(s)
            .map_or_else(|| s.to_string(), |st| st.label.clone())
    };
    // Codes as numbers for the nominal decisions, in scheme order.
    let code_index: BTreeMap<&StanceId, u32> = project
        .stances
        .0
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.id, i as u32))
        .collect();
    let unitised = request.unit == Unit::Unitised;
    let mut rows = Vec::new();
    let steps: usize = request
        .measures
        .iter()
        .map(|m| {
            groups(&request.analysts)
                .iter()
                .filter(|g| !m.pairwise_only() || g.len() == 2)
                .count()
        })
        .sum::<usize>()
        * data.len();
    if let Some(p) = progress {
        p.set_total(steps as u64);
    }
    let mut done = 0u64;
    for &measure in &request.measures {
        for group in groups(&request.analysts) {
            if measure.pairwise_only() && group.len() != 2 {
                continue;
            }
            let names: Vec<AnalystId> =
                group.iter().map(|&i| request.analysts[i].clone()).collect();
            let row = |article: Option<&Article>,
                       stance: Option<&StanceId>,
                       value: Option<f64>,
                       units: usize,
                       why: Option<String>| Row {
                measure,
                unit: request.unit,
                article_id: article.map(|a| a.id),
                article_title: article.map_or_else(String::new, |a| a.title.clone()),
                stance_id: stance.cloned(),
                stance_label: stance.map_or_else(String::new, label),
                analysts: names.clone(),
                value,
                units,
                why: value.is_none().then(|| why.unwrap_or_default()),
            };
            // Corpus accumulators: α_U means per stance and overall; pooled decisions.
            let mut corpus_alpha: BTreeMap<Option<StanceId>, (f64, usize, usize)> = BTreeMap::new();
            let mut corpus_decisions: BTreeMap<Option<StanceId>, Tally> = BTreeMap::new();
            let mut corpus_codes: Codes = Vec::new();
            // The corpus's stances: those the group used anywhere (or the one asked for).
            let mut corpus_stances: Vec<StanceId> = match &request.stance {
                Some(s) => vec![s.clone()],
                None => {
                    let mut all: Vec<StanceId> =
                        data.iter().flat_map(|d| d.stances(&group, None)).collect();
                    all.sort();
                    all.dedup();
                    all
                }
            };
            corpus_stances.sort();
            for d in &data {
                if let Some(p) = progress {
                    if p.is_cancelled() {
                        return None;
                    }
                    done += 1;
                    p.set_done(done);
                }
                let counting = d.counting(&group);
                let short =
                    counting.len() < 2 || (measure.pairwise_only() && counting.len() < group.len());
                let stances = d.stances(&group, request.stance.as_ref());
                let why_short = || {
                    Some(format!(
                        "fewer than two of {} have coded this article (marked it coded or annotated it)",
                        names
                            .iter()
                            .map(|a| project.analyst_name(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                };
                if measure == Measure::AlphaU {
                    if short {
                        for s in &stances {
                            rows.push(row(Some(d.article), Some(s), None, d.length, why_short()));
                        }
                        rows.push(row(Some(d.article), None, None, d.length, why_short()));
                        continue;
                    }
                    let result = d.alpha_u(&group, &stances);
                    for s in &stances {
                        let value = result
                            .categories
                            .iter()
                            .find(|(c, _)| c == s)
                            .and_then(|(_, dis)| dis.alpha());
                        if let Some(v) = value {
                            let entry = corpus_alpha.entry(Some(s.clone())).or_default();
                            entry.0 += v;
                            entry.1 += 1;
                            entry.2 += d.length;
                        }
                        rows.push(row(
                            Some(d.article),
                            Some(s),
                            value,
                            d.length,
                            Some("no disagreement could be expected: no analyst marked this stance here, or its passages leave no room to differ".into()),
                        ));
                    }
                    let overall = result.overall();
                    if let Some(v) = overall {
                        let entry = corpus_alpha.entry(None).or_default();
                        entry.0 += v;
                        entry.1 += 1;
                        entry.2 += d.length;
                    }
                    rows.push(row(
                        Some(d.article),
                        None,
                        overall,
                        d.length,
                        Some(if stances.is_empty() {
                            "no passages: nobody marked anything here".into()
                        } else {
                            "no disagreement could be expected".into()
                        }),
                    ));
                    continue;
                }
                // Coding measures on the analysts who count here (a pair needs both).
                let mut overall: Decisions = Vec::new();
                for s in &stances {
                    let decisions = if short {
                        Vec::new()
                    } else {
                        d.decisions(&group, s)
                    };
                    let value = if short {
                        None
                    } else {
                        coding_value(measure, &decisions)
                    };
                    rows.push(row(
                        Some(d.article),
                        Some(s),
                        value,
                        pairable(&decisions),
                        if short { why_short() } else { Some("every analyst made the same single call on every unit, so chance alone explains it".into()) },
                    ));
                    if !short {
                        corpus_decisions
                            .entry(Some(s.clone()))
                            .or_default()
                            .add(&decisions);
                        overall.extend(decisions);
                    }
                }
                // A stance nobody in the group used here is still a decision on every unit of
                // an article they all read: "not this stance" agreed.
                if !short {
                    for s in corpus_stances.iter().filter(|s| !stances.contains(s)) {
                        corpus_decisions
                            .entry(Some(s.clone()))
                            .or_default()
                            .add(&d.decisions(&group, s));
                    }
                }
                let codes = if short || !unitised {
                    Vec::new()
                } else {
                    d.code_decisions(&group, &code_index)
                };
                let value = if short {
                    None
                } else if unitised {
                    nominal_value(measure, &codes)
                } else {
                    coding_value(measure, &overall)
                };
                rows.push(row(
                    Some(d.article),
                    None,
                    value,
                    if unitised {
                        pairable_codes(&codes)
                    } else {
                        pairable(&overall)
                    },
                    if short {
                        why_short()
                    } else if stances.is_empty() {
                        Some("no passages: nobody marked anything here".into())
                    } else {
                        Some("every analyst made the same single call on every unit".into())
                    },
                ));
                corpus_decisions.entry(None).or_default().add(&overall);
                corpus_codes.extend(codes);
            }
            if request.article.is_some() {
                continue;
            }
            // The corpus.
            for key in corpus_stances.iter().map(Some).chain([None]) {
                let owned = key.cloned();
                if measure == Measure::AlphaU {
                    let (sum, n, units) = corpus_alpha.get(&owned).copied().unwrap_or_default();
                    let value = (n > 0).then(|| sum / n as f64);
                    rows.push(row(
                        None,
                        key,
                        value,
                        units,
                        Some("undefined on every article".into()),
                    ));
                } else if unitised && key.is_none() {
                    let value = nominal_value(measure, &corpus_codes);
                    rows.push(row(None, None, value, pairable_codes(&corpus_codes), Some("no unit two analysts could be compared on, or only one code was ever given".into())));
                } else {
                    let tally = corpus_decisions.get(&owned).copied().unwrap_or_default();
                    let value = tally.value(measure);
                    rows.push(row(None, key, value, tally.pairable as usize, Some("no article where the analysts could be compared, or only one call was ever made".into())));
                }
            }
        }
    }
    Some(rows)
}

/// The units that count as missing because an analyst coded them several ways (with units of
/// the articles as the unit), in words.
pub fn ambiguous_units(project: &Project, request: &Request) -> Vec<String> {
    let mut out = Vec::new();
    if request.unit != Unit::Unitised {
        return out;
    }
    for article in &project.articles {
        if request.article.is_some_and(|id| id != article.id) {
            continue;
        }
        for (i, unit) in article.units.iter().enumerate() {
            for analyst in &request.analysts {
                if let crate::core::units::UnitCode::Several(codes) =
                    crate::core::units::code_of(project, article, analyst, unit)
                {
                    out.push(format!(
                        "{}: unit {} is coded {} ways by {} (counted as missing)",
                        article.title,
                        i + 1,
                        codes.len(),
                        project.analyst_name(analyst)
                    ));
                }
            }
        }
    }
    out
}

// ----- reports ------------------------------------------------------------------------------

/// A row as files write it: analysts joined by `;`, the value `null` / empty when undefined.
#[derive(Serialize)]
struct RowRecord<'a> {
    measure: &'static str,
    unit: &'static str,
    article_id: Option<String>,
    article_title: &'a str,
    stance_id: Option<&'a str>,
    stance_label: &'a str,
    analysts: String,
    value: Option<f64>,
    units: usize,
}

impl<'a> From<&'a Row> for RowRecord<'a> {
    fn from(r: &'a Row) -> Self {
        Self {
            measure: r.measure.key(),
            unit: r.unit.key(),
            article_id: r.article_id.map(|id| id.to_string()),
            article_title: &r.article_title,
            stance_id: r.stance_id.as_ref().map(StanceId::as_str),
            stance_label: &r.stance_label,
            analysts: r
                .analysts
                .iter()
                .map(AnalystId::as_str)
                .collect::<Vec<_>>()
                .join(";"),
            value: r.value,
            units: r.units,
        }
    }
}

/// The rows as CSV (UTF-8, a header, one row per figure; an undefined value is empty).
pub fn to_csv(rows: &[Row]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "measure",
        "unit",
        "article_id",
        "article_title",
        "stance_id",
        "stance_label",
        "analysts",
        "value",
        "units",
    ])?;
    for row in rows {
        let r = RowRecord::from(row);
        writer.write_record([
            r.measure,
            r.unit,
            r.article_id.as_deref().unwrap_or(""),
            r.article_title,
            r.stance_id.unwrap_or(""),
            r.stance_label,
            &r.analysts,
            &r.value.map(|v| v.to_string()).unwrap_or_default(),
            &r.units.to_string(),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).expect("the rows are UTF-8"))
}

/// The rows as JSON: `{"format": "stancemark-agreement", "format_version": 1, "rows": [...]}`.
pub fn to_json(rows: &[Row]) -> String {
    let records: Vec<RowRecord<'_>> = rows.iter().map(RowRecord::from).collect();
    let doc = serde_json::json!({
        "format": "stancemark-agreement",
        "format_version": 1,
        "rows": records,
    });
    serde_json::to_string_pretty(&doc).expect("plain records serialise") + "\n"
}

/// The rows as a table for people: one block per measure, values to three places, "—" where
/// undefined (with why, once per reason).
pub fn to_table(rows: &[Row], project: &Project) -> String {
    let mut out = String::new();
    let mut measure = None;
    for row in rows {
        if measure != Some(row.measure) {
            measure = Some(row.measure);
            out.push_str(&format!(
                "\n{} ({}{})\n",
                row.measure.name(),
                if row.measure.uses_units() {
                    format!("units: {}s; ", row.unit.key())
                } else {
                    String::new()
                },
                row.measure.meaning()
            ));
        }
        let place = if row.article_id.is_some() {
            text::snippet(&row.article_title, 40)
        } else {
            "corpus (articles where each counts)".to_owned()
        };
        let stance = if row.stance_id.is_some() {
            row.stance_label.clone()
        } else {
            "overall".to_owned()
        };
        let who = row
            .analysts
            .iter()
            .map(|a| project.analyst_name(a))
            .collect::<Vec<_>>()
            .join(" × ");
        let value = row
            .value
            .map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"));
        out.push_str(&format!(
            "  {place:<42} {stance:<20} {who:<28} {value:>6}  ({} units){}\n",
            row.units,
            row.why
                .as_ref()
                .filter(|w| !w.is_empty())
                .map(|w| format!("  — {w}"))
                .unwrap_or_default()
        ));
    }
    out.trim_start().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff (2004), p. 254: two coders, continuum [150, 450), categories c and k, units
    /// as (offset, length).
    fn krippendorff_2004() -> AlphaU<char> {
        let unit = |offset: u64, length: u64, c: char| (offset, offset + length, c);
        let first = vec![
            unit(225, 70, 'c'),
            unit(370, 30, 'c'),
            unit(180, 60, 'k'),
            unit(300, 50, 'k'),
        ];
        let second = vec![
            unit(220, 80, 'c'),
            unit(355, 20, 'c'),
            unit(400, 20, 'c'),
            unit(180, 60, 'k'),
            unit(300, 50, 'k'),
        ];
        alpha_u(150, 300, &[first, second])
    }

    #[test]
    fn alpha_u_matches_krippendorffs_worked_example() {
        let result = krippendorff_2004();
        let overall = result.overall().unwrap();
        assert!((overall - 0.8586654051841702).abs() < 1e-9, "{overall}");
        let c = result.categories[0].1;
        let k = result.categories[1].1;
        assert!((c.alpha().unwrap() - 0.728598996805).abs() < 1e-9, "{c:?}");
        assert!((k.alpha().unwrap() - 1.0).abs() < 1e-12, "{k:?}");
        // DKPro's own test of the same study: D_O(c) = 0.0144 (to 4 places), D_O(k) = 0.
        assert!((c.observed - 0.0144).abs() < 1e-4, "{c:?}");
        assert_eq!(k.observed, 0.0);
    }

    #[test]
    fn alpha_u_is_undefined_without_expected_disagreement_never_zero_or_one() {
        // Nobody marked anything: no categories, no value.
        let none: AlphaU<char> = alpha_u(0, 100, &[vec![], vec![]]);
        assert_eq!(none.overall(), None);
        // Both marked the whole continuum: DKPro still expects disagreement (a unit could
        // have been cut anywhere), so the identical coding is perfect agreement.
        let whole = alpha_u(0, 10, &[vec![(0, 10, 'c')], vec![(0, 10, 'c')]]);
        assert_eq!(whole.categories[0].1.alpha(), Some(1.0));
        // No unit of a category in the study: its disagreements are 0, its value undefined.
        let empty = Disagreement {
            observed: 0.0,
            expected: 0.0,
        };
        assert_eq!(empty.alpha(), None);
        // Identical passages in room to differ: perfect agreement.
        let same = alpha_u(0, 100, &[vec![(10, 20, 'c')], vec![(10, 20, 'c')]]);
        assert_eq!(same.overall(), Some(1.0));
    }

    #[test]
    fn overlapping_passages_of_one_stance_count_as_their_union() {
        let split = alpha_u(
            0,
            100,
            &[vec![(10, 30, 'c'), (20, 40, 'c')], vec![(10, 40, 'c')]],
        );
        assert_eq!(split.overall(), Some(1.0));
    }

    #[test]
    fn kappa_alpha_and_percent_on_a_small_table() {
        // sklearn.metrics.cohen_kappa_score([1,1,0,0,1,0,1,1],[1,0,0,0,1,0,1,1]) = 0.75;
        // krippendorff.alpha(reliability_data=[[1,1,0,0,1,0,1,1],[1,0,0,0,1,0,1,1]],
        // level_of_measurement="nominal") = 1 − 15 · 2 / (2 · 7 · 9) = 0.7619047619047619
        // (n = 16 values, 7 zeros and 9 ones, one item that disagrees).
        let a = [1, 1, 0, 0, 1, 0, 1, 1];
        let b = [1, 0, 0, 0, 1, 0, 1, 1];
        let decisions: Decisions = a
            .iter()
            .zip(b)
            .map(|(x, y)| vec![Some(*x == 1), Some(y == 1)])
            .collect();
        assert!((cohen_kappa(&decisions, 0, 1).unwrap() - 0.75).abs() < 1e-12);
        let alpha = krippendorff_alpha(&decisions).unwrap();
        assert!(
            (alpha - (1.0 - 15.0 * 2.0 / (2.0 * 63.0))).abs() < 1e-12,
            "{alpha}"
        );
        assert_eq!(percent_agreement(&decisions), Some(7.0 / 8.0));
        // All "no": undefined, not 1.
        let flat: Decisions = vec![vec![Some(false), Some(false)]; 5];
        assert_eq!(cohen_kappa(&flat, 0, 1), None);
        assert_eq!(krippendorff_alpha(&flat), None);
        assert_eq!(percent_agreement(&flat), Some(1.0));
        // Missing decisions: the single-decision item is not pairable.
        let missing: Decisions = vec![
            vec![Some(true), Some(true), None],
            vec![Some(false), None, None],
            vec![Some(false), Some(false), Some(true)],
        ];
        assert_eq!(percent_agreement(&missing), Some(0.5));
        // krippendorff.alpha(reliability_data=[[1,0,0],[1,nan,0],[nan,nan,1]],
        // level_of_measurement="nominal") = 0.33333333333333337
        let alpha = krippendorff_alpha(&missing).unwrap();
        assert!((alpha - 0.33333333333333337).abs() < 1e-12, "{alpha}");
    }

    #[test]
    fn words_are_units_by_unicode_word_boundaries_in_code_points() {
        let units = units_of("Ça va — très bien, 3.5 fois.", Unit::Word);
        let text: Vec<char> = "Ça va — très bien, 3.5 fois.".chars().collect();
        let words: Vec<String> = units
            .iter()
            .map(|&(s, e)| text[s..e].iter().collect())
            .collect();
        assert_eq!(words, ["Ça", "va", "très", "bien", "3.5", "fois"]);
        assert_eq!(units_of("añb", Unit::Char), [(0, 1), (1, 2), (2, 3)]);
        // A word is coded when any of its code points is inside a passage.
        assert_eq!(
            coded_units(&units, &[(1, 2), (9, 10)]),
            [true, false, true, false, false, false]
        );
    }
}
