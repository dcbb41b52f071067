//! Weekly figures for both axes. Shares are always computed from counts (never by averaging
//! averages) and every share carries its 95% Wilson score interval, because a team lead must
//! see how little 4 contacts say compared with 400.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Channel;
pub use crate::model::{Axis, Quadrant};
use crate::practices;
use crate::store::{AnswerCounts, WeekCounts};
use crate::week;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959964;

/// Below this many contacts in a week a share is shown as "not enough data".
pub const MIN_N: u32 = 5;

/// The 95% Wilson score interval of `positive` out of `n`, as fractions; `None` when n = 0.
pub fn wilson(positive: u32, n: u32) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n = f64::from(n);
    let p = f64::from(positive) / n;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let margin = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denom = 1.0 + z2 / n;
    Some((
        ((centre - margin) / denom).max(0.0),
        ((centre + margin) / denom).min(1.0),
    ))
}

/// Which contacts the weekly figures cover. Empty dates default to the 12 weeks up to today;
/// an empty staff list means the whole team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct WeeklyQuery {
    #[ts(type = "string | null")]
    pub from: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    pub staff: Vec<String>,
    pub channel: Option<Channel>,
    pub topic: Option<String>,
}

/// How many contacts fall in each quadrant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Quadrants {
    pub solved_welcome: u32,
    pub solved_not_welcome: u32,
    pub welcome_not_solved: u32,
    pub neither: u32,
}

impl Quadrants {
    pub fn from_counts(c: &WeekCounts) -> Self {
        let fp = c.positive(Axis::Functional);
        let ep = c.positive(Axis::Emotional);
        Self {
            solved_welcome: c.both_positive,
            solved_not_welcome: fp - c.both_positive,
            welcome_not_solved: ep - c.both_positive,
            neither: c.n + c.both_positive - fp - ep,
        }
    }
}

/// One axis over a period: the positive count, its share with the 95% Wilson interval
/// (`null` when n = 0), the low and top-box shares, and how many contacts got each rating 1–5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AxisSummary {
    pub positive: u32,
    pub share: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Rated 1 or 2, the anchors "not at all" and "hardly" (on welcome: what the national
    /// survey reports as "not or hardly welcome").
    pub low: Proportion,
    /// Rated 5, where the source says ambassadors are made.
    pub top: Proportion,
    pub ratings: [u32; 5],
}

impl AxisSummary {
    fn new(c: &WeekCounts, axis: Axis) -> Self {
        let positive = c.positive(axis);
        let ci = wilson(positive, c.n);
        Self {
            positive,
            share: (c.n > 0).then(|| f64::from(positive) / f64::from(c.n)),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            low: Proportion::of(c.low(axis), c.n),
            top: Proportion::of(c.top(axis), c.n),
            ratings: *c.ratings(axis),
        }
    }
}

/// All contacts of a run of whole weeks taken together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PeriodStats {
    /// The Monday of the first week.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// The Sunday of the last week.
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub n: u32,
    pub functional: AxisSummary,
    pub emotional: AxisSummary,
    pub quadrants: Quadrants,
}

/// A count out of n as a share with its 95% Wilson interval (fractions; `null` when n = 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Proportion {
    pub count: u32,
    pub share: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Proportion {
    pub fn of(count: u32, n: u32) -> Self {
        let ci = wilson(count, n);
        Self {
            count,
            share: (n > 0).then(|| f64::from(count) / f64::from(n)),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
        }
    }
}

impl PeriodStats {
    /// Sums the weekly counts of the weeks from `from` to `to` (whole ISO weeks).
    pub fn new<'a>(
        from: NaiveDate,
        to: NaiveDate,
        weeks: impl IntoIterator<Item = &'a WeekCounts>,
    ) -> Self {
        let mut total = WeekCounts::default();
        for w in weeks {
            total.add(w);
        }
        Self {
            from,
            to,
            n: total.n,
            functional: AxisSummary::new(&total, Axis::Functional),
            emotional: AxisSummary::new(&total, Axis::Emotional),
            quadrants: Quadrants::from_counts(&total),
        }
    }
}

/// A week of the review: the weekly figures plus the rating distribution and quadrants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReviewWeek {
    #[serde(flatten)]
    #[ts(flatten)]
    pub stats: WeekStats,
    pub functional_ratings: [u32; 5],
    pub emotional_ratings: [u32; 5],
    pub quadrants: Quadrants,
}

/// How much a share changed from one period to the next, with the 95% interval of that
/// difference (Newcombe's hybrid score interval, from the two Wilson intervals). Fractions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Change {
    /// Now minus before.
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The interval excludes 0: more than chance would give.
    pub real: bool,
}

/// The change of `positive_now` of `n_now` against `positive_before` of `n_before`; `None`
/// when either period has fewer than the minimum n.
pub fn change(
    positive_now: u32,
    n_now: u32,
    positive_before: u32,
    n_before: u32,
) -> Option<Change> {
    if n_now < MIN_N || n_before < MIN_N {
        return None;
    }
    let (l1, u1) = wilson(positive_now, n_now)?;
    let (l2, u2) = wilson(positive_before, n_before)?;
    let p1 = f64::from(positive_now) / f64::from(n_now);
    let p2 = f64::from(positive_before) / f64::from(n_before);
    let difference = p1 - p2;
    let ci_low = difference - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let ci_high = difference + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some(Change {
        difference,
        ci_low,
        ci_high,
        real: ci_low > 0.0 || ci_high < 0.0,
    })
}

/// Each axis's change from the previous period to the current one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Changes {
    pub functional: Option<Change>,
    pub emotional: Option<Change>,
}

impl Changes {
    fn between(now: &PeriodStats, before: &PeriodStats) -> Self {
        let axis =
            |a: &AxisSummary, b: &AxisSummary| change(a.positive, now.n, b.positive, before.n);
        Self {
            functional: axis(&now.functional, &before.functional),
            emotional: axis(&now.emotional, &before.emotional),
        }
    }
}

/// The team lead's view of a range of weeks, compared with the same number of weeks before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Review {
    pub min_n: u32,
    pub weeks: Vec<ReviewWeek>,
    pub current: PeriodStats,
    pub previous: PeriodStats,
    pub change: Changes,
}

/// One week of one staff member's small chart: just what the lines need, because two
/// hundred staff over two years is twenty thousand of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffWeek {
    pub n: u32,
    pub functional_share: Option<f64>,
    pub emotional_share: Option<f64>,
}

/// One staff member's weeks and periods, for the small multiples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffReview {
    pub staff: String,
    pub weeks: Vec<StaffWeek>,
    pub current: PeriodStats,
    pub previous: PeriodStats,
    pub change: Changes,
}

/// The figures of one ISO week. Shares and bounds are fractions 0–1, `null` when n = 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WeekStats {
    pub week: String,
    #[ts(type = "string")]
    pub week_start: NaiveDate,
    pub n: u32,
    pub functional_positive: u32,
    pub functional_share: Option<f64>,
    pub functional_ci_low: Option<f64>,
    pub functional_ci_high: Option<f64>,
    pub functional_mean: Option<f64>,
    /// Rated 1–2, with the share's interval.
    pub functional_low: u32,
    pub functional_low_share: Option<f64>,
    pub functional_low_ci_low: Option<f64>,
    pub functional_low_ci_high: Option<f64>,
    /// Rated 5.
    pub functional_top: u32,
    pub functional_top_share: Option<f64>,
    pub emotional_positive: u32,
    pub emotional_share: Option<f64>,
    pub emotional_ci_low: Option<f64>,
    pub emotional_ci_high: Option<f64>,
    pub emotional_mean: Option<f64>,
    pub emotional_low: u32,
    pub emotional_low_share: Option<f64>,
    pub emotional_low_ci_low: Option<f64>,
    pub emotional_low_ci_high: Option<f64>,
    pub emotional_top: u32,
    pub emotional_top_share: Option<f64>,
    /// Contacts with the customer's own score (0–10), and the NPS in points (−100…100) with
    /// its adjusted-Wald interval; a week rarely holds enough answers for it to mean much.
    pub nps_n: u32,
    pub nps_promoters: u32,
    pub nps_detractors: u32,
    pub nps: Option<f64>,
    pub nps_ci_low: Option<f64>,
    pub nps_ci_high: Option<f64>,
    /// Contacts with a service level, and how many were at level 1, 2, 3, 4 and 5.
    pub level_n: u32,
    pub level_counts: [u32; 5],
}

impl WeekStats {
    /// The figures of the week starting `monday`, from its counts (none: an empty week).
    pub fn from_counts(monday: NaiveDate, counts: Option<&WeekCounts>) -> Self {
        let empty = WeekCounts::default();
        let c = counts.unwrap_or(&empty);
        let n = c.n;
        let mean = |sum: u64| (n > 0).then(|| sum as f64 / f64::from(n));
        let (f, e) = (
            AxisSummary::new(c, Axis::Functional),
            AxisSummary::new(c, Axis::Emotional),
        );
        Self {
            week: week::label(monday),
            week_start: monday,
            n,
            functional_positive: f.positive,
            functional_share: f.share,
            functional_ci_low: f.ci_low,
            functional_ci_high: f.ci_high,
            functional_mean: mean(c.sum(Axis::Functional)),
            functional_low: f.low.count,
            functional_low_share: f.low.share,
            functional_low_ci_low: f.low.ci_low,
            functional_low_ci_high: f.low.ci_high,
            functional_top: f.top.count,
            functional_top_share: f.top.share,
            emotional_positive: e.positive,
            emotional_share: e.share,
            emotional_ci_low: e.ci_low,
            emotional_ci_high: e.ci_high,
            emotional_mean: mean(c.sum(Axis::Emotional)),
            emotional_low: e.low.count,
            emotional_low_share: e.low.share,
            emotional_low_ci_low: e.low.ci_low,
            emotional_low_ci_high: e.low.ci_high,
            emotional_top: e.top.count,
            emotional_top_share: e.top.share,
            nps_n: 0,
            nps_promoters: 0,
            nps_detractors: 0,
            nps: None,
            nps_ci_low: None,
            nps_ci_high: None,
            level_n: 0,
            level_counts: [0; 5],
        }
    }

    /// The same figures with the week's optional answers.
    pub fn with_answers(self, answers: Option<&AnswerCounts>) -> Self {
        let Some(a) = answers else {
            return self;
        };
        let score = practices::nps(a.nps_n, a.promoters, a.detractors);
        Self {
            nps_n: a.nps_n,
            nps_promoters: a.promoters,
            nps_detractors: a.detractors,
            nps: score.score,
            nps_ci_low: score.ci_low,
            nps_ci_high: score.ci_high,
            level_n: a.levels.iter().sum(),
            level_counts: a.levels,
            ..self
        }
    }
}

/// Every week from `from` to `to` (whole ISO weeks), empty weeks included with n = 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WeeklyReport {
    /// The Monday of the first week.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// The Sunday of the last week.
    #[ts(type = "string")]
    pub to: NaiveDate,
    /// Below this n a share is "not enough data".
    pub min_n: u32,
    pub weeks: Vec<WeekStats>,
}

/// One staff member's weekly figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffWeeks {
    pub staff: String,
    pub report: WeeklyReport,
}

/// Lays the counts the store found over every week of the range, filling the gaps.
pub fn report(
    from: NaiveDate,
    to: NaiveDate,
    counts: &[WeekCounts],
    answers: &[AnswerCounts],
) -> WeeklyReport {
    WeeklyReport {
        from: week::monday(from),
        to: week::monday(to)
            .checked_add_days(Days::new(6))
            .unwrap_or(to),
        min_n: MIN_N,
        weeks: weeks_of(from, to, counts)
            .map(|(m, c)| WeekStats::from_counts(m, c).with_answers(answers_of(m, answers)))
            .collect(),
    }
}

/// The review of the weeks from `from` to `to`, given the counts of those weeks and of the
/// equally long period ending the day before `from` (`previous_from`).
pub fn review(
    previous_from: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    counts: &[WeekCounts],
    answers: &[AnswerCounts],
) -> Review {
    let first = week::label(from);
    let (now, before): (Vec<&WeekCounts>, Vec<&WeekCounts>) =
        counts.iter().partition(|c| c.iso_week >= first);
    let weeks = weeks_of(from, to, counts)
        .map(|(monday, c)| {
            let empty = WeekCounts::default();
            let k = c.unwrap_or(&empty);
            ReviewWeek {
                stats: WeekStats::from_counts(monday, c).with_answers(answers_of(monday, answers)),
                functional_ratings: k.functional,
                emotional_ratings: k.emotional,
                quadrants: Quadrants::from_counts(k),
            }
        })
        .collect();
    let current = PeriodStats::new(from, to, now);
    let previous = PeriodStats::new(
        previous_from,
        from.checked_sub_days(Days::new(1)).unwrap_or(from),
        before,
    );
    Review {
        min_n: MIN_N,
        weeks,
        change: Changes::between(&current, &previous),
        current,
        previous,
    }
}

/// Which contacts a move is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Group {
    /// Everything the filters select.
    All,
    Channel(Channel),
    Topic(String),
    Staff(String),
}

/// One share that moved beyond chance between the previous period and this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Move {
    pub group: Group,
    pub axis: Axis,
    pub before: Proportion,
    pub n_before: u32,
    pub now: Proportion,
    pub n_now: u32,
    pub change: Change,
}

/// At most this many moves are named: the few a lead can act on.
pub const MOVES_SHOWN: usize = 5;

/// The largest moves since the previous period: overall, per channel, per topic, per staff
/// member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WhatChanged {
    /// How many shares could be compared (each axis of each group with enough contacts in
    /// both periods; a group with the same contacts as one before it counts once). At 95%,
    /// about one in twenty of them moves beyond its interval by chance alone, which the
    /// screen says when it names moves.
    pub compared: u32,
    /// The moves whose 95% interval excludes 0, the whole selection's first, then the
    /// largest; at most [`MOVES_SHOWN`].
    pub moves: Vec<Move>,
}

/// What changed from the period before `from` to the weeks from `from` on, for each group
/// with its weekly counts of both periods.
pub fn what_changed(from: NaiveDate, groups: Vec<(Group, Vec<WeekCounts>)>) -> WhatChanged {
    let first = week::label(from);
    let mut compared = 0;
    let mut moves = Vec::new();
    // A group with exactly the counts of one before it (a channel that is the whole selection,
    // a topic only one person had) holds the same contacts: it is neither named nor counted
    // again.
    let mut seen: Vec<(WeekCounts, WeekCounts)> = Vec::new();
    for (group, counts) in groups {
        let (mut now, mut before) = (WeekCounts::default(), WeekCounts::default());
        for c in &counts {
            if c.iso_week >= first {
                now.add(c);
            } else {
                before.add(c);
            }
        }
        let same = |(n, b): &(WeekCounts, WeekCounts)| {
            (
                n.n,
                n.functional,
                n.emotional,
                b.n,
                b.functional,
                b.emotional,
            ) == (
                now.n,
                now.functional,
                now.emotional,
                before.n,
                before.functional,
                before.emotional,
            )
        };
        if seen.iter().any(same) {
            continue;
        }
        seen.push((now.clone(), before.clone()));
        for axis in [Axis::Functional, Axis::Emotional] {
            let (p_now, p_before) = (now.positive(axis), before.positive(axis));
            let Some(change) = change(p_now, now.n, p_before, before.n) else {
                continue;
            };
            compared += 1;
            if change.real {
                moves.push(Move {
                    group: group.clone(),
                    axis,
                    before: Proportion::of(p_before, before.n),
                    n_before: before.n,
                    now: Proportion::of(p_now, now.n),
                    n_now: now.n,
                    change,
                });
            }
        }
    }
    // The whole selection's own moves first (the team's news), then the largest; equal moves
    // keep the order of the groups (channels, topics, staff), so the list does not reshuffle
    // between two loads.
    moves.sort_by(|a, b| {
        (a.group != Group::All).cmp(&(b.group != Group::All)).then(
            b.change
                .difference
                .abs()
                .total_cmp(&a.change.difference.abs()),
        )
    });
    moves.truncate(MOVES_SHOWN);
    WhatChanged { compared, moves }
}

/// One staff member's part of [`review`], without the per-week distribution.
pub fn staff_review(
    staff: String,
    previous_from: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    counts: &[WeekCounts],
) -> StaffReview {
    let r = review(previous_from, from, to, counts, &[]);
    StaffReview {
        staff,
        weeks: r
            .weeks
            .into_iter()
            .map(|w| StaffWeek {
                n: w.stats.n,
                functional_share: w.stats.functional_share,
                emotional_share: w.stats.emotional_share,
            })
            .collect(),
        current: r.current,
        previous: r.previous,
        change: r.change,
    }
}

/// The answers of the week starting `monday`, if any.
fn answers_of(monday: NaiveDate, answers: &[AnswerCounts]) -> Option<&AnswerCounts> {
    let label = week::label(monday);
    answers.iter().find(|a| a.iso_week == label)
}

/// Each Monday from `from` to `to` with the counts of its week, if any.
fn weeks_of<'a>(
    from: NaiveDate,
    to: NaiveDate,
    counts: &'a [WeekCounts],
) -> impl Iterator<Item = (NaiveDate, Option<&'a WeekCounts>)> + 'a {
    week::mondays(from, to).into_iter().map(move |m| {
        let label = week::label(m);
        (m, counts.iter().find(|c| c.iso_week == label))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(x: f64) -> i64 {
        (x * 100.0).round() as i64
    }

    #[test]
    fn wilson_matches_the_worked_examples() {
        let (lo, hi) = wilson(3, 4).unwrap();
        assert_eq!((pct(lo), pct(hi)), (30, 95));
        let (lo, hi) = wilson(10, 30).unwrap();
        assert_eq!((pct(lo), pct(hi)), (19, 51));
        let (lo, hi) = wilson(40, 120).unwrap();
        assert_eq!((pct(lo), pct(hi)), (26, 42));
    }

    /// Newcombe (1998), method 10, worked example: 56/70 against 48/80 gives a difference of
    /// 0.2 with the interval 0.0524 to 0.3339.
    #[test]
    fn newcombe_matches_the_published_example() {
        let c = change(56, 70, 48, 80).unwrap();
        assert!((c.difference - 0.2).abs() < 1e-9);
        assert!((c.ci_low - 0.0524).abs() < 5e-4, "{}", c.ci_low);
        assert!((c.ci_high - 0.3339).abs() < 5e-4, "{}", c.ci_high);
        assert!(c.real);
        // And his 9/10 against 3/10: 0.1705 to 0.8090.
        let c = change(9, 10, 3, 10).unwrap();
        assert!(
            (c.ci_low - 0.1705).abs() < 5e-4 && (c.ci_high - 0.8090).abs() < 5e-4,
            "{c:?}"
        );
    }

    #[test]
    fn low_counts_the_ratings_one_and_two_and_top_the_fives_with_their_intervals() {
        let mut c = WeekCounts {
            n: 30,
            ..WeekCounts::default()
        };
        c.emotional = [4, 6, 8, 7, 5];
        c.functional = [0, 1, 2, 12, 15];
        let emotional = AxisSummary::new(&c, Axis::Emotional);
        let p = emotional.low;
        assert_eq!(p.count, 10);
        assert!((p.share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // The DOMAIN's worked example: 10 of 30 → 19–51%.
        assert_eq!((pct(p.ci_low.unwrap()), pct(p.ci_high.unwrap())), (19, 51));
        assert_eq!(emotional.top.count, 5);
        assert_eq!(emotional.positive, 12);
        let functional = AxisSummary::new(&c, Axis::Functional);
        assert_eq!(
            (
                functional.low.count,
                functional.top.count,
                functional.positive
            ),
            (1, 15, 27)
        );
        // 15 of 30: 33–67%.
        let top = functional.top;
        assert_eq!(
            (pct(top.ci_low.unwrap()), pct(top.ci_high.unwrap())),
            (33, 67)
        );
        let none = Proportion::of(0, 0);
        assert_eq!((none.share, none.ci_low), (None, None));
    }

    #[test]
    fn a_small_change_on_few_contacts_is_not_real_and_too_few_give_none() {
        let c = change(4, 10, 3, 10).unwrap();
        assert!(c.ci_low < 0.0 && c.ci_high > 0.0 && !c.real, "{c:?}");
        let c = change(10, 10, 0, 10).unwrap();
        assert!(c.real && c.ci_low > 0.5, "{c:?}");
        assert_eq!(change(3, 4, 1, 4), None, "below the minimum n");
    }

    #[test]
    fn wilson_stays_inside_zero_and_one() {
        let (lo, hi) = wilson(0, 7).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.3 && hi < 0.4, "{hi}");
        let (lo, hi) = wilson(7, 7).unwrap();
        assert_eq!(hi, 1.0);
        assert!(lo > 0.6 && lo < 0.7, "{lo}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn an_empty_week_has_no_shares() {
        let w = WeekStats::from_counts("2026-11-16".parse().unwrap(), None);
        assert_eq!(w.week, "2026-W47");
        assert_eq!(w.n, 0);
        assert_eq!(w.functional_share, None);
        assert_eq!(w.emotional_ci_low, None);
        assert_eq!(w.emotional_mean, None);
    }

    #[test]
    fn what_changed_keeps_the_five_largest_real_moves() {
        let from: NaiveDate = "2026-11-09".parse().unwrap();
        let week = |label: &str, n: u32, emotional_positive: u32| {
            let mut c = WeekCounts {
                iso_week: label.into(),
                n,
                ..WeekCounts::default()
            };
            c.functional = [0, 0, n, 0, 0];
            c.emotional = [n - emotional_positive, 0, 0, emotional_positive, 0];
            c
        };
        // Seven people whose welcome fell by 30 to 90 points, one who did not move.
        let mut groups: Vec<(Group, Vec<WeekCounts>)> = (0..7)
            .map(|i| {
                (
                    Group::Staff(format!("S{i}")),
                    vec![week("2026-W44", 30, 30), week("2026-W46", 30, 21 - 3 * i)],
                )
            })
            .collect();
        groups.push((
            Group::Staff("Steady".into()),
            vec![week("2026-W44", 30, 15), week("2026-W47", 30, 15)],
        ));
        // A rise of 57 points ranks by its size among the falls; five contacts moving 60
        // points are within chance; a group with Steady's very counts is Steady again.
        groups.push((
            Group::Topic("rising".into()),
            vec![week("2026-W44", 30, 3), week("2026-W46", 30, 20)],
        ));
        groups.push((
            Group::Topic("few".into()),
            vec![week("2026-W44", 5, 1), week("2026-W46", 5, 4)],
        ));
        groups.push((
            Group::Channel(Channel::Chat),
            vec![week("2026-W45", 30, 15), week("2026-W46", 30, 15)],
        ));
        let changed = what_changed(from, groups);
        assert_eq!(changed.compared, 20);
        let names: Vec<_> = changed
            .moves
            .iter()
            .map(|m| match &m.group {
                Group::Staff(name) => name.as_str(),
                _ => "?",
            })
            .collect();
        assert_eq!(names, ["S6", "S5", "S4", "S3", "?"]);
        let rise = &changed.moves[4];
        assert_eq!(rise.group, Group::Topic("rising".into()));
        assert!(rise.change.difference > 0.56 && rise.change.real);
        assert!(changed.moves.iter().all(|m| m.axis == Axis::Emotional));
    }
}
