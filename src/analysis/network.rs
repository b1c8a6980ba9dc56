//! Discourse networks as the Discourse Network Analyzer (DNA 3, Leifeld) defines them, over
//! statements "actor refers to concept with a qualifier".
//!
//! The statements are first counted into a cube x[i][j][k]: how many statements of actor `i`
//! refer to concept `j` with qualifier level `k`. Levels are integers (supports / neutral /
//! opposes are +1 / 0 / −1, so a project with only supports and opposes behaves as DNA's boolean
//! agreement); their range R is the project's scale when it has one, else max − min of the
//! levels observed. Every network is a function of the cube:
//!
//! - two-mode (actor × concept): aggregation ignore, subtract, combine; normalisation none,
//!   activity, prominence;
//! - one-mode (actor × actor through shared concepts; [`Cube::transposed`] gives concept ×
//!   concept through shared actors): aggregation ignore, congruence, conflict, subtract;
//!   normalisation none, average, Jaccard, cosine (DNA's definition: a_i · a_i'). Diagonals are 0.
//!
//! A normalised value whose divisor is 0 is 0, as in DNA.

/// One statement: indices of its actor and concept, and its qualifier level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// The actor's index (a row of the networks).
    pub actor: usize,
    /// The concept's index (a stance).
    pub concept: usize,
    /// The qualifier level: +1 supports, 0 neutral, −1 opposes, or a point on the project's
    /// scale.
    pub qualifier: i64,
}

/// The statements counted by actor, concept and qualifier level.
#[derive(Debug, Clone, PartialEq)]
pub struct Cube {
    actors: usize,
    concepts: usize,
    /// The qualifier levels, ascending (those observed, or every point of the scale).
    levels: Vec<i64>,
    /// The range of the qualifier (R); 0 when only one level can occur.
    range: i64,
    /// x[i][j][k], flattened.
    counts: Vec<u64>,
}

impl Cube {
    /// Counts `statements` over `actors` × `concepts`. `scale` is the project's qualifier scale
    /// (min, max) when it defines one; without it R is the range of the levels observed.
    pub fn new(
        actors: usize,
        concepts: usize,
        statements: &[Statement],
        scale: Option<(i64, i64)>,
    ) -> Self {
        let mut levels: Vec<i64> = match scale {
            Some((min, max)) => (min..=max).collect(),
            None => statements.iter().map(|s| s.qualifier).collect(),
        };
        levels.extend(statements.iter().map(|s| s.qualifier));
        levels.sort_unstable();
        levels.dedup();
        let range = match scale {
            Some((min, max)) => max - min,
            None => levels.last().copied().unwrap_or(0) - levels.first().copied().unwrap_or(0),
        };
        let mut cube = Self {
            actors,
            concepts,
            counts: vec![0; actors * concepts * levels.len()],
            levels,
            range,
        };
        for s in statements {
            let k = cube.level_index(s.qualifier);
            let at = cube.index(s.actor, s.concept, k);
            cube.counts[at] += 1;
        }
        cube
    }

    fn level_index(&self, level: i64) -> usize {
        self.levels
            .binary_search(&level)
            .expect("every level is listed")
    }

    fn index(&self, i: usize, j: usize, k: usize) -> usize {
        (i * self.concepts + j) * self.levels.len() + k
    }

    /// x[i][j][k].
    fn x(&self, i: usize, j: usize, k: usize) -> f64 {
        self.counts[self.index(i, j, k)] as f64
    }

    /// Σ_k x[i][j][k].
    fn cell(&self, i: usize, j: usize) -> f64 {
        (0..self.levels.len()).map(|k| self.x(i, j, k)).sum()
    }

    /// a_i = Σ_jk x[i][j][k]: how many statements the row's actor made.
    fn activity(&self, i: usize) -> f64 {
        (0..self.concepts).map(|j| self.cell(i, j)).sum()
    }

    /// The same statements with the roles swapped: concepts as rows, actors as columns (for
    /// the concept × concept network through shared actors).
    pub fn transposed(&self) -> Self {
        let mut t = Self {
            actors: self.concepts,
            concepts: self.actors,
            levels: self.levels.clone(),
            range: self.range,
            counts: vec![0; self.counts.len()],
        };
        for i in 0..self.actors {
            for j in 0..self.concepts {
                for k in 0..self.levels.len() {
                    let to = t.index(j, i, k);
                    t.counts[to] = self.counts[self.index(i, j, k)];
                }
            }
        }
        t
    }

    /// How alike two levels are: 1 − |k − k'| / R (1 for the same level; with one possible
    /// level, always 1).
    fn likeness(&self, k: usize, k2: usize) -> f64 {
        if self.range == 0 {
            return 1.0;
        }
        1.0 - (self.levels[k] - self.levels[k2]).abs() as f64 / self.range as f64
    }
}

/// How a two-mode network combines the qualifier levels of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoModeAggregation {
    /// Statements counted whatever their qualifier.
    Ignore,
    /// Σ_k k·x: supports minus opposes (each weighted by its level on a scale).
    Subtract,
    /// 0 none, 1 only supporting (level > 0), 2 only opposing (< 0), 3 both; neutral counts as
    /// neither.
    Combine,
}

/// How a two-mode network is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoModeNormalization {
    /// As aggregated.
    None,
    /// Each row divided by its actor's statements.
    Activity,
    /// Each column divided by its concept's statements.
    Prominence,
}

/// How a one-mode network weighs two rows' statements on the same concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneModeAggregation {
    /// Σ_j (Σ_k x[i][j][k]) · (Σ_k x[i'][j][k]): co-occurrence, whatever the qualifier.
    Ignore,
    /// Σ_j Σ_k Σ_k' x[i][j][k] · x[i'][j][k'] · (1 − |k − k'| / R): agreement.
    Congruence,
    /// The same with |k − k'| / R: disagreement.
    Conflict,
    /// Congruence − conflict.
    Subtract,
}

/// How a one-mode network is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneModeNormalization {
    /// As aggregated.
    None,
    /// Divided by (a_i + a_i') / 2.
    Average,
    /// Divided by Σ over cells (j, k) of x_i where only i has statements, x_i' where only i'
    /// has, and x_i · x_i' where both have.
    Jaccard,
    /// Divided by a_i · a_i' (DNA's definition).
    Cosine,
}

/// A network's weights: `rows` × `columns`, row-major.
pub type Matrix = Vec<Vec<f64>>;

/// Why a network cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// Combine gives categories, not counts.
    #[error(
        "the combine aggregation gives categories (0 none, 1 supports, 2 opposes, 3 both), not counts: use it without normalisation"
    )]
    CombineNormalized,
}

fn divided(value: f64, by: f64) -> f64 {
    if by == 0.0 { 0.0 } else { value / by }
}

/// The actor × concept network.
pub fn two_mode(
    cube: &Cube,
    aggregation: TwoModeAggregation,
    normalization: TwoModeNormalization,
) -> Result<Matrix, NetworkError> {
    if aggregation == TwoModeAggregation::Combine && normalization != TwoModeNormalization::None {
        return Err(NetworkError::CombineNormalized);
    }
    let levels = cube.levels.len();
    let mut m: Matrix = (0..cube.actors)
        .map(|i| {
            (0..cube.concepts)
                .map(|j| match aggregation {
                    TwoModeAggregation::Ignore => cube.cell(i, j),
                    TwoModeAggregation::Subtract => (0..levels)
                        .map(|k| cube.levels[k] as f64 * cube.x(i, j, k))
                        .sum(),
                    TwoModeAggregation::Combine => {
                        let any = |keep: fn(i64) -> bool| {
                            (0..levels).any(|k| keep(cube.levels[k]) && cube.x(i, j, k) > 0.0)
                        };
                        match (any(|l| l > 0), any(|l| l < 0)) {
                            (false, false) => 0.0,
                            (true, false) => 1.0,
                            (false, true) => 2.0,
                            (true, true) => 3.0,
                        }
                    }
                })
                .collect()
        })
        .collect();
    match normalization {
        TwoModeNormalization::None => {}
        TwoModeNormalization::Activity => {
            for (i, row) in m.iter_mut().enumerate() {
                let total = cube.activity(i);
                row.iter_mut().for_each(|v| *v = divided(*v, total));
            }
        }
        TwoModeNormalization::Prominence => {
            for j in 0..cube.concepts {
                let total: f64 = (0..cube.actors).map(|i| cube.cell(i, j)).sum();
                for row in m.iter_mut() {
                    row[j] = divided(row[j], total);
                }
            }
        }
    }
    Ok(m)
}

/// The row × row network through shared columns (actor × actor through concepts; pass
/// [`Cube::transposed`] for concept × concept through actors). The diagonal is 0.
pub fn one_mode(
    cube: &Cube,
    aggregation: OneModeAggregation,
    normalization: OneModeNormalization,
) -> Matrix {
    let n = cube.actors;
    let levels = cube.levels.len();
    let weigh = |i: usize, i2: usize| -> f64 {
        let mut congruence = 0.0;
        let mut conflict = 0.0;
        let mut ignore = 0.0;
        for j in 0..cube.concepts {
            ignore += cube.cell(i, j) * cube.cell(i2, j);
            for k in 0..levels {
                let a = cube.x(i, j, k);
                if a == 0.0 {
                    continue;
                }
                for k2 in 0..levels {
                    let b = cube.x(i2, j, k2);
                    if b == 0.0 {
                        continue;
                    }
                    let like = cube.likeness(k, k2);
                    congruence += a * b * like;
                    conflict += a * b * (1.0 - like);
                }
            }
        }
        match aggregation {
            OneModeAggregation::Ignore => ignore,
            OneModeAggregation::Congruence => congruence,
            OneModeAggregation::Conflict => conflict,
            OneModeAggregation::Subtract => congruence - conflict,
        }
    };
    let divisor = |i: usize, i2: usize| -> f64 {
        match normalization {
            OneModeNormalization::None => 1.0,
            OneModeNormalization::Average => (cube.activity(i) + cube.activity(i2)) / 2.0,
            OneModeNormalization::Cosine => cube.activity(i) * cube.activity(i2),
            OneModeNormalization::Jaccard => {
                let mut sum = 0.0;
                for j in 0..cube.concepts {
                    for k in 0..levels {
                        let (a, b) = (cube.x(i, j, k), cube.x(i2, j, k));
                        sum += match (a > 0.0, b > 0.0) {
                            (true, false) => a,
                            (false, true) => b,
                            (true, true) => a * b,
                            (false, false) => 0.0,
                        };
                    }
                }
                sum
            }
        }
    };
    (0..n)
        .map(|i| {
            (0..n)
                .map(|i2| {
                    if i == i2 {
                        0.0
                    } else {
                        divided(weigh(i, i2), divisor(i, i2))
                    }
                })
                .collect()
        })
        .collect()
}

/// A statement with where and when it was made, for filtering and time windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// The statement.
    pub statement: Statement,
    /// Its article's index.
    pub article: usize,
    /// Its article's date (UTC), if the article has one.
    pub date: Option<chrono::NaiveDateTime>,
}

/// Which repeated statements count: a statement is left out when an earlier kept one has the
/// same actor, concept and qualifier in the same article / calendar week (ISO 8601) / month /
/// year, or anywhere. Calendar periods include the year (DNA compares the week or month number
/// alone); undated statements share one period of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Every statement counts.
    Include,
    /// One per article.
    Article,
    /// One per ISO week.
    Week,
    /// One per calendar month.
    Month,
    /// One per calendar year.
    Year,
    /// One in the whole range.
    Range,
}

/// The statements that count under `duplicates`, in the order given (the first of repeated
/// ones is kept: pass them in date order for DNA's behaviour).
pub fn without_duplicates(statements: &[Dated], duplicates: Duplicates) -> Vec<Dated> {
    use chrono::Datelike;
    if duplicates == Duplicates::Include {
        return statements.to_vec();
    }
    let period = |d: &Dated| -> (i64, i64) {
        let Some(date) = d.date else {
            return (i64::MIN, 0);
        };
        match duplicates {
            Duplicates::Include | Duplicates::Range => (0, 0),
            Duplicates::Article => (d.article as i64, 0),
            Duplicates::Week => {
                let week = date.iso_week();
                (i64::from(week.year()), i64::from(week.week()))
            }
            Duplicates::Month => (i64::from(date.year()), i64::from(date.month())),
            Duplicates::Year => (i64::from(date.year()), 0),
        }
    };
    let mut seen = std::collections::HashSet::new();
    statements
        .iter()
        .filter(|d| {
            let s = d.statement;
            let place = if duplicates == Duplicates::Article {
                (d.article as i64, 0)
            } else {
                period(d)
            };
            seen.insert((s.actor, s.concept, s.qualifier, place))
        })
        .copied()
        .collect()
}

/// How wide a time window is, or how far it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Days.
    Days(u32),
    /// Weeks of 7 days.
    Weeks(u32),
    /// Calendar months (the same day of the month, or the month's last day).
    Months(u32),
    /// A number of statements (in date order).
    Statements(u32),
}

impl Span {
    fn after(self, from: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        match self {
            Span::Days(n) => from + chrono::Duration::days(i64::from(n)),
            Span::Weeks(n) => from + chrono::Duration::weeks(i64::from(n)),
            Span::Months(n) => from
                .checked_add_months(chrono::Months::new(n))
                .unwrap_or(chrono::NaiveDateTime::MAX),
            Span::Statements(_) => from,
        }
    }
}

/// One moving window: its bounds and the statements in it (indices into the dated list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Where it starts (inclusive).
    pub start: chrono::NaiveDateTime,
    /// Where it ends (exclusive for time spans; the last statement's date for counts).
    pub end: chrono::NaiveDateTime,
    /// The statements in it.
    pub statements: Vec<usize>,
}

/// Moving windows over the dated statements (undated ones are in none): `width` wide, moved
/// by `step`, from the first date to the last. Both spans must be time spans, or both counts of
/// statements. `None` when they are of different kinds or a span is 0.
pub fn windows(statements: &[Dated], width: Span, step: Span) -> Option<Vec<Window>> {
    let count = |s: Span| match s {
        Span::Statements(n) => Some(n as usize),
        _ => None,
    };
    let size = |s: Span| match s {
        Span::Days(n) | Span::Weeks(n) | Span::Months(n) | Span::Statements(n) => n,
    };
    if size(width) == 0 || size(step) == 0 || count(width).is_some() != count(step).is_some() {
        return None;
    }
    let mut dated: Vec<(chrono::NaiveDateTime, usize)> = statements
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.date.map(|t| (t, i)))
        .collect();
    dated.sort();
    let (Some(&(first, _)), Some(&(last, _))) = (dated.first(), dated.last()) else {
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    if let (Some(width), Some(step)) = (count(width), count(step)) {
        let mut at = 0;
        while at < dated.len() {
            let slice = &dated[at..(at + width).min(dated.len())];
            out.push(Window {
                start: slice[0].0,
                end: slice[slice.len() - 1].0,
                statements: slice.iter().map(|&(_, i)| i).collect(),
            });
            if at + width >= dated.len() {
                break;
            }
            at += step;
        }
        return Some(out);
    }
    let mut start = first;
    while start <= last {
        let end = width.after(start);
        out.push(Window {
            start,
            end,
            statements: dated
                .iter()
                .filter(|&&(t, _)| t >= start && t < end)
                .map(|&(_, i)| i)
                .collect(),
        });
        let next = step.after(start);
        if next <= start {
            break;
        }
        start = next;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(actor: usize, concept: usize, qualifier: i64) -> Statement {
        Statement {
            actor,
            concept,
            qualifier,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    /// The DNA manual's example on a −5…+5 scale (R = 10): +2 and +5 are 7/10 congruent and
    /// 3/10 in conflict; twice −4 against three times +2 gives congruence 2 · 3 · (1 − 6/10).
    #[test]
    fn the_manuals_integer_scale_example() {
        let cube = Cube::new(2, 1, &[st(0, 0, 2), st(1, 0, 5)], Some((-5, 5)));
        let congruence = one_mode(
            &cube,
            OneModeAggregation::Congruence,
            OneModeNormalization::None,
        );
        let conflict = one_mode(
            &cube,
            OneModeAggregation::Conflict,
            OneModeNormalization::None,
        );
        assert!(close(congruence[0][1], 0.7) && close(congruence[1][0], 0.7));
        assert!(close(conflict[0][1], 0.3));
        assert_eq!(congruence[0][0], 0.0, "diagonal");

        let statements = [
            st(0, 0, -4),
            st(0, 0, -4),
            st(1, 0, 2),
            st(1, 0, 2),
            st(1, 0, 2),
        ];
        let cube = Cube::new(2, 1, &statements, Some((-5, 5)));
        let congruence = one_mode(
            &cube,
            OneModeAggregation::Congruence,
            OneModeNormalization::None,
        );
        let conflict = one_mode(
            &cube,
            OneModeAggregation::Conflict,
            OneModeNormalization::None,
        );
        let subtract = one_mode(
            &cube,
            OneModeAggregation::Subtract,
            OneModeNormalization::None,
        );
        assert!(close(congruence[0][1], 2.4), "{}", congruence[0][1]);
        assert!(close(conflict[0][1], 3.6), "{}", conflict[0][1]);
        assert!(close(subtract[0][1], -1.2), "{}", subtract[0][1]);
    }

    /// Supports / opposes only (DNA's boolean agreement), by hand: three actors, two concepts.
    /// A: c0 +, c0 +, c1 −.  B: c0 +, c1 +.  C: c1 −.
    #[test]
    fn supports_and_opposes_by_hand() {
        let statements = [
            st(0, 0, 1),
            st(0, 0, 1),
            st(0, 1, -1),
            st(1, 0, 1),
            st(1, 1, 1),
            st(2, 1, -1),
        ];
        let cube = Cube::new(3, 2, &statements, None);
        let net = |a, n| one_mode(&cube, a, n);
        use OneModeAggregation as A;
        use OneModeNormalization as N;
        // A–B: ignore = 2·1 + 1·1 = 3; congruence on c0 (+,+) 2·1 = 2; conflict on c1 (−,+) 1.
        let ignore = net(A::Ignore, N::None);
        assert_eq!((ignore[0][1], ignore[0][2], ignore[1][2]), (3.0, 1.0, 1.0));
        let congruence = net(A::Congruence, N::None);
        assert_eq!(
            (congruence[0][1], congruence[0][2], congruence[1][2]),
            (2.0, 1.0, 0.0)
        );
        let conflict = net(A::Conflict, N::None);
        assert_eq!(
            (conflict[0][1], conflict[0][2], conflict[1][2]),
            (1.0, 0.0, 1.0)
        );
        let subtract = net(A::Subtract, N::None);
        assert_eq!((subtract[0][1], subtract[1][2]), (1.0, -1.0));
        assert_eq!(
            ignore,
            {
                let mut t = ignore.clone();
                for (i, row) in ignore.iter().enumerate() {
                    for (j, v) in row.iter().enumerate() {
                        t[j][i] = *v;
                    }
                }
                t
            },
            "symmetric"
        );
        // Normalised: a_A = 3, a_B = 2, a_C = 1.
        let average = net(A::Congruence, N::Average);
        assert!(close(average[0][1], 2.0 / 2.5));
        let cosine = net(A::Congruence, N::Cosine);
        assert!(close(cosine[0][1], 2.0 / 6.0));
        // Jaccard A–B over cells (j, k): (c0,+) both 2·1 = 2; (c1,−) only A: 1; (c1,+) only B:
        // 1 → 4. A–C: (c0,+) only A: 2; (c1,−) both 1·1 = 1 → 3.
        let jaccard = net(A::Congruence, N::Jaccard);
        assert!(close(jaccard[0][1], 2.0 / 4.0));
        assert!(close(jaccard[0][2], 1.0 / 3.0));
        // Concept × concept through actors: c0 and c1 share A (2 and 1 statements) and B (1, 1):
        // ignore = 2·1 + 1·1 = 3; congruence: A (+ vs −) 0, B (+ vs +) 1.
        let concepts = cube.transposed();
        let ignore = one_mode(&concepts, A::Ignore, N::None);
        let congruence = one_mode(&concepts, A::Congruence, N::None);
        assert_eq!((ignore[0][1], congruence[0][1]), (3.0, 1.0));
    }

    #[test]
    fn two_mode_aggregations_and_normalisations_by_hand() {
        // A: c0 +, c0 +, c0 −, c1 0.  B: c1 −.
        let statements = [
            st(0, 0, 1),
            st(0, 0, 1),
            st(0, 0, -1),
            st(0, 1, 0),
            st(1, 1, -1),
        ];
        let cube = Cube::new(2, 2, &statements, None);
        use TwoModeAggregation as A;
        use TwoModeNormalization as N;
        assert_eq!(
            two_mode(&cube, A::Ignore, N::None).unwrap(),
            [[3.0, 1.0], [0.0, 1.0]]
        );
        assert_eq!(
            two_mode(&cube, A::Subtract, N::None).unwrap(),
            [[1.0, 0.0], [0.0, -1.0]]
        );
        assert_eq!(
            two_mode(&cube, A::Combine, N::None).unwrap(),
            [[3.0, 0.0], [0.0, 2.0]]
        );
        assert_eq!(
            two_mode(&cube, A::Ignore, N::Activity).unwrap(),
            [[0.75, 0.25], [0.0, 1.0]]
        );
        assert_eq!(
            two_mode(&cube, A::Ignore, N::Prominence).unwrap(),
            [[1.0, 0.5], [0.0, 0.5]]
        );
        assert_eq!(
            two_mode(&cube, A::Combine, N::Activity),
            Err(NetworkError::CombineNormalized)
        );
        // With neutral among the levels (−1, 0, +1; R = 2) A's neutral on c1 and B's opposing
        // are half alike.
        let congruence = one_mode(
            &cube,
            OneModeAggregation::Congruence,
            OneModeNormalization::None,
        );
        assert!(close(congruence[0][1], 0.5));
    }

    #[test]
    fn an_actor_without_statements_is_a_row_of_zeros() {
        let cube = Cube::new(3, 1, &[st(0, 0, 1), st(1, 0, 1)], None);
        for n in [
            OneModeNormalization::None,
            OneModeNormalization::Average,
            OneModeNormalization::Jaccard,
            OneModeNormalization::Cosine,
        ] {
            let m = one_mode(&cube, OneModeAggregation::Congruence, n);
            assert_eq!(m[2], [0.0, 0.0, 0.0], "{n:?}");
            assert_eq!(m[0][1], 1.0, "{n:?}: one shared statement each");
        }
        let m = two_mode(
            &cube,
            TwoModeAggregation::Ignore,
            TwoModeNormalization::Activity,
        )
        .unwrap();
        assert_eq!(m[2], [0.0]);
    }

    /// Every pair of statements is split between agreeing and disagreeing: congruence +
    /// conflict = ignore, on random statements with and without a scale; and the concept
    /// network of the transposed cube equals the actor network of a cube built the other way.
    #[test]
    fn congruence_and_conflict_split_co_occurrence() {
        let mut seed: u64 = 3;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..20 {
            let statements: Vec<Statement> = (0..40)
                .map(|_| st(next(6) as usize, next(4) as usize, next(5) as i64 - 2))
                .collect();
            let scale = (round % 2 == 0).then_some((-2, 2));
            let cube = Cube::new(6, 4, &statements, scale);
            let net = |a| one_mode(&cube, a, OneModeNormalization::None);
            let (ignore, congruence, conflict) = (
                net(OneModeAggregation::Ignore),
                net(OneModeAggregation::Congruence),
                net(OneModeAggregation::Conflict),
            );
            for i in 0..6 {
                for j in 0..6 {
                    assert!(close(congruence[i][j] + conflict[i][j], ignore[i][j]));
                }
            }
            let swapped: Vec<Statement> = statements
                .iter()
                .map(|s| st(s.concept, s.actor, s.qualifier))
                .collect();
            let other_way = Cube::new(4, 6, &swapped, scale);
            assert_eq!(
                one_mode(
                    &cube.transposed(),
                    OneModeAggregation::Subtract,
                    OneModeNormalization::Jaccard
                ),
                one_mode(
                    &other_way,
                    OneModeAggregation::Subtract,
                    OneModeNormalization::Jaccard
                )
            );
        }
    }

    fn dated(actor: usize, concept: usize, article: usize, date: Option<&str>) -> Dated {
        Dated {
            statement: st(actor, concept, 1),
            article,
            date: date.map(|d| {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
            }),
        }
    }

    #[test]
    fn duplicates_are_counted_once_per_article_or_calendar_period() {
        let list = [
            dated(0, 0, 0, Some("2024-01-01")), // ISO week 2024-W01
            dated(0, 0, 0, Some("2024-01-02")), // same article, same week
            dated(0, 0, 1, Some("2024-01-07")), // other article, still 2024-W01
            dated(0, 0, 2, Some("2024-01-08")), // 2024-W02, January
            dated(0, 0, 3, Some("2025-01-08")), // the same week and month numbers a year later
            dated(0, 0, 4, None),
            dated(0, 0, 5, None),
            dated(1, 0, 0, Some("2024-01-01")), // another actor
        ];
        let kept = |how| without_duplicates(&list, how).len();
        assert_eq!(kept(Duplicates::Include), 8);
        assert_eq!(
            kept(Duplicates::Article),
            7,
            "articles 0,1,2,3,4,5 for actor 0, and actor 1"
        );
        assert_eq!(
            kept(Duplicates::Week),
            5,
            "W01, W02, 2025-W02, undated; actor 1"
        );
        assert_eq!(
            kept(Duplicates::Month),
            4,
            "2024-01, 2025-01, undated; actor 1"
        );
        assert_eq!(kept(Duplicates::Year), 4);
        assert_eq!(
            kept(Duplicates::Range),
            3,
            "dated once, undated once; actor 1"
        );
        // A different qualifier is a different statement.
        let mut opposed = list[1];
        opposed.statement.qualifier = -1;
        assert_eq!(
            without_duplicates(&[list[0], opposed], Duplicates::Range).len(),
            2
        );
    }

    #[test]
    fn moving_windows_by_time_and_by_statements() {
        let list = [
            dated(0, 0, 0, Some("2024-01-01")),
            dated(0, 0, 0, Some("2024-01-05")),
            dated(0, 0, 0, Some("2024-01-20")),
            dated(0, 0, 0, None),
            dated(0, 0, 0, Some("2024-02-10")),
        ];
        let w = windows(&list, Span::Weeks(2), Span::Weeks(1)).unwrap();
        let members: Vec<Vec<usize>> = w.iter().map(|w| w.statements.clone()).collect();
        // Windows start on Jan 1, 8, 15, 22, 29 and Feb 5 (the last date is Feb 10).
        assert_eq!(
            members,
            [vec![0, 1], vec![2], vec![2], vec![], vec![4], vec![4]],
            "{w:?}"
        );
        assert_eq!(w[0].end - w[0].start, chrono::Duration::days(14));
        let months = windows(&list, Span::Months(1), Span::Months(1)).unwrap();
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].statements, [0, 1, 2]);
        let counted = windows(&list, Span::Statements(3), Span::Statements(2)).unwrap();
        let members: Vec<Vec<usize>> = counted.iter().map(|w| w.statements.clone()).collect();
        assert_eq!(members, [vec![0, 1, 2], vec![2, 4]]);
        assert!(windows(&list, Span::Days(7), Span::Statements(2)).is_none());
        assert!(windows(&list, Span::Days(0), Span::Days(1)).is_none());
    }
}
