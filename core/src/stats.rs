//! Weekly figures for both axes. Shares are always computed from counts (never by averaging
//! averages) and every share carries its 95% Wilson score interval, because a team lead must
//! see how little 4 contacts say compared with 400.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Channel;
use crate::store::WeekCounts;
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

/// Which contacts the weekly figures cover. Empty dates default to the 12 weeks up to today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct WeeklyQuery {
    #[ts(type = "string | null")]
    pub from: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    pub staff: Option<String>,
    pub channel: Option<Channel>,
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
    pub emotional_positive: u32,
    pub emotional_share: Option<f64>,
    pub emotional_ci_low: Option<f64>,
    pub emotional_ci_high: Option<f64>,
    pub emotional_mean: Option<f64>,
}

impl WeekStats {
    /// The figures of the week starting `monday`, from its counts (none: an empty week).
    pub fn from_counts(monday: NaiveDate, counts: Option<&WeekCounts>) -> Self {
        let (n, fp, fs, ep, es) = counts.map_or((0, 0, 0, 0, 0), |c| {
            (
                c.n,
                c.functional_positive,
                c.functional_sum,
                c.emotional_positive,
                c.emotional_sum,
            )
        });
        let share = |k: u32| (n > 0).then(|| f64::from(k) / f64::from(n));
        let mean = |sum: u64| (n > 0).then(|| sum as f64 / f64::from(n));
        let fci = wilson(fp, n);
        let eci = wilson(ep, n);
        Self {
            week: week::label(monday),
            week_start: monday,
            n,
            functional_positive: fp,
            functional_share: share(fp),
            functional_ci_low: fci.map(|c| c.0),
            functional_ci_high: fci.map(|c| c.1),
            functional_mean: mean(fs),
            emotional_positive: ep,
            emotional_share: share(ep),
            emotional_ci_low: eci.map(|c| c.0),
            emotional_ci_high: eci.map(|c| c.1),
            emotional_mean: mean(es),
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
pub fn report(from: NaiveDate, to: NaiveDate, counts: &[WeekCounts]) -> WeeklyReport {
    let weeks = week::mondays(from, to)
        .into_iter()
        .map(|m| {
            let label = week::label(m);
            WeekStats::from_counts(m, counts.iter().find(|c| c.iso_week == label))
        })
        .collect();
    WeeklyReport {
        from: week::monday(from),
        to: week::monday(to)
            .checked_add_days(Days::new(6))
            .unwrap_or(to),
        min_n: MIN_N,
        weeks,
    }
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
}
