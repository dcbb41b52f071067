//! The practices the research recommends, as figures for a period next to the period before:
//! the customer's own score (NPS), the service-level mix, "valued", why contacts failed, repeat
//! contacts and promises kept. Every share carries its 95% interval; NPS its adjusted-Wald one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use uuid::Uuid;

use crate::model::{Channel, Reason};
use crate::stats::{change, Change, Proportion, Z95};
use crate::store::{
    AnswerCounts, FailedCount, MomentsFound, PromiseCounts, RepeatCounts, WeekCounts,
};

/// Below this many answers an NPS is "not enough answers": its interval spans most of the
/// scale.
pub const NPS_MIN_N: u32 = 30;

/// The author's advice for the mix of effort over levels 1–5 (L3 30%, L4 50%, L5 20%): a mix
/// of time spent, not a quota per contact.
pub const EFFORT_MIX: [f64; 5] = [0.0, 0.0, 0.3, 0.5, 0.2];

/// How many days back the share of customers who had a level-5 contact looks: 52 weeks, so
/// that a range ending on a Sunday looks back over whole weeks.
pub const LEVEL5_DAYS: u64 = 52 * 7;

/// A Net Promoter Score: promoters (9–10) minus detractors (0–6), in points from −100 to 100,
/// with its 95% adjusted-Wald interval. `null` scores when nobody was asked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Nps {
    pub n: u32,
    pub promoters: u32,
    pub detractors: u32,
    pub score: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// The NPS of `promoters` and `detractors` among `n` answers. The interval is the adjusted
/// Wald one: ¾ added to each of the promoter and detractor counts and 3 to n.
pub fn nps(n: u32, promoters: u32, detractors: u32) -> Nps {
    let (score, ci) = if n == 0 {
        (None, None)
    } else {
        let raw = (f64::from(promoters) - f64::from(detractors)) / f64::from(n);
        let m = f64::from(n) + 3.0;
        let p = (f64::from(promoters) + 0.75) / m;
        let d = (f64::from(detractors) + 0.75) / m;
        let centre = p - d;
        let margin = Z95 * ((p + d - centre * centre) / m).sqrt();
        (
            Some(raw * 100.0),
            Some((
                ((centre - margin) * 100.0).max(-100.0),
                ((centre + margin) * 100.0).min(100.0),
            )),
        )
    };
    Nps {
        n,
        promoters,
        detractors,
        score,
        ci_low: ci.map(|c| c.0),
        ci_high: ci.map(|c| c.1),
    }
}

/// The share of contacts at each service level among those that have one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelMix {
    pub n: u32,
    pub levels: [Proportion; 5],
}

impl LevelMix {
    fn of(counts: &[u32; 5]) -> Self {
        let n = counts.iter().sum();
        Self {
            n,
            levels: counts.map(|k| Proportion::of(k, n)),
        }
    }
}

/// A staff member's impression set beside the customer's own score, on the contacts that
/// have both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Views {
    /// Customers who scored 0–6.
    pub detractors: u32,
    /// Of them, rated welcome (4–5) by the staff member.
    pub detractors_welcome: Proportion,
    /// Customers who scored 9–10.
    pub promoters: u32,
    /// Of them, not rated welcome (1–3) by the staff member.
    pub promoters_not_welcome: Proportion,
}

/// One row of the dissatisfiers: contacts rated 1–2 on solved for one reason (on one topic, or
/// on all topics), as a share of all contacts of that topic, now and before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Dissatisfier {
    /// `null`: contacts without a topic (in the per-topic list) or every topic (per reason).
    pub topic: Option<String>,
    /// `null`: no reason given.
    pub reason: Option<Reason>,
    /// Contacts of the topic this period, the denominator of `share`.
    pub n: u32,
    pub share: Proportion,
    pub previous_n: u32,
    pub previous: Proportion,
    pub change: Option<Change>,
}

/// The follow-ups due in the period and whether they were done by their due day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Promises {
    /// Due days that have passed: kept, late, or still open.
    pub due: u32,
    /// Done by the due day, out of `due`.
    pub kept: Proportion,
    pub late: u32,
    pub overdue: u32,
    /// Open, and not due yet.
    pub pending: u32,
}

/// A share of a period with its denominator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Share {
    pub n: u32,
    #[serde(flatten)]
    #[ts(flatten)]
    pub share: Proportion,
}

impl Share {
    fn of(count: u32, n: u32) -> Self {
        Self {
            n,
            share: Proportion::of(count, n),
        }
    }
}

/// The practices' figures of a period of whole weeks and of the equally long period before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Practices {
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    #[ts(type = "string")]
    pub previous_from: NaiveDate,
    pub nps_min_n: u32,
    pub nps: Nps,
    pub previous_nps: Nps,
    pub views: Views,
    pub levels: LevelMix,
    pub previous_levels: LevelMix,
    /// [`EFFORT_MIX`], for the reference bar.
    pub effort_mix: [f64; 5],
    /// Distinct customers in the 52 weeks up to `to` who had a contact at level 5.
    pub level5_customers: Share,
    /// Rated 4–5 on "valued", out of the contacts asked.
    pub valued: Share,
    /// Rated 1–2 on "valued".
    pub not_valued: Share,
    pub previous_valued: Share,
    /// Per topic and reason, ranked by count.
    pub dissatisfiers: Vec<Dissatisfier>,
    /// Per reason over all topics, ranked by count.
    pub reasons: Vec<Dissatisfier>,
    /// Contacts with a customer reference that repeat one not solved within `repeat_days`.
    pub repeat: Share,
    pub previous_repeat: Share,
    pub repeat_change: Option<Change>,
    pub repeat_days: u32,
    pub promises: Promises,
}

/// How many of a person's moments are listed; the rest are counted.
pub const MOMENTS_LISTED: usize = 3;

/// One person's moments to share in a period (recognition, not a ranking: people come in
/// the order of their names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Moments {
    pub staff: String,
    /// Rated 5 on both axes.
    pub top_both: u32,
    /// At service level 5.
    pub level5: u32,
    /// Marked for the team meeting: every one is listed.
    pub starred: u32,
    /// The marked contacts, then the newest others up to [`MOMENTS_LISTED`].
    pub contacts: Vec<MomentContact>,
}

/// A contact in a list of moments to share: what the list says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MomentContact {
    #[ts(type = "string")]
    pub id: Uuid,
    pub staff: String,
    #[ts(type = "string")]
    pub local_date: NaiveDate,
    pub channel: Channel,
    pub topic: Option<String>,
    pub functional: u8,
    pub emotional: u8,
    pub level: Option<u8>,
    pub star: bool,
    pub note: Option<String>,
}

/// Each person's moments: their counts, their marked contacts, then their newest others.
pub fn moments(found: MomentsFound) -> Vec<Moments> {
    let mut out: Vec<Moments> = found
        .counts
        .into_iter()
        .map(|(staff, [top_both, level5, starred])| Moments {
            staff,
            top_both,
            level5,
            starred,
            contacts: Vec::new(),
        })
        .collect();
    let mut others: Vec<Vec<MomentContact>> = vec![Vec::new(); out.len()];
    for c in found.contacts {
        let Ok(i) = out.binary_search_by(|m| m.staff.as_str().cmp(&c.staff)) else {
            continue;
        };
        if c.star {
            out[i].contacts.push(c);
        } else {
            others[i].push(c);
        }
    }
    for (m, rest) in out.iter_mut().zip(others) {
        let room = MOMENTS_LISTED.saturating_sub(m.contacts.len());
        m.contacts.extend(rest.into_iter().take(room));
    }
    out
}

/// What [`compute`] works from; each `*_parts` list holds the period before (labelled with its
/// first week) and the period itself (labelled with `from`'s week).
pub struct Inputs<'a> {
    pub previous_from: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now_label: &'a str,
    pub answers: &'a [AnswerCounts],
    pub failed: &'a [FailedCount],
    /// All contacts per part.
    pub totals: &'a [(String, WeekCounts)],
    /// Contacts per topic and part.
    pub topics: &'a [(String, WeekCounts)],
    pub repeats: &'a [RepeatCounts],
    pub promises: PromiseCounts,
    /// Distinct customers in the 52 weeks, and those with a level-5 contact.
    pub level5: (u32, u32),
    pub repeat_days: u32,
}

pub fn compute(i: &Inputs<'_>) -> Practices {
    let now = |label: &str| label >= i.now_label;
    let (mut answers_now, mut answers_before) = (AnswerCounts::default(), AnswerCounts::default());
    for a in i.answers {
        add_answers(
            if now(&a.iso_week) {
                &mut answers_now
            } else {
                &mut answers_before
            },
            a,
        );
    }
    let total = |current: bool| -> u32 {
        i.totals
            .iter()
            .filter(|(_, c)| now(&c.iso_week) == current)
            .map(|(_, c)| c.n)
            .sum()
    };
    let (n_now, n_before) = (total(true), total(false));
    // Contacts per topic and part; those without a topic are the rest of each part.
    let mut topic_n: BTreeMap<(Option<String>, bool), u32> = BTreeMap::new();
    for (topic, c) in i.topics {
        *topic_n
            .entry((Some(topic.clone()), now(&c.iso_week)))
            .or_default() += c.n;
    }
    for current in [true, false] {
        let with_topic: u32 = topic_n
            .iter()
            .filter(|((_, part), _)| *part == current)
            .map(|(_, n)| n)
            .sum();
        let all = if current { n_now } else { n_before };
        topic_n.insert((None, current), all.saturating_sub(with_topic));
    }
    let mut by_topic: BTreeMap<(Option<String>, Option<Reason>), (u32, u32)> = BTreeMap::new();
    let mut by_reason: BTreeMap<Option<Reason>, (u32, u32)> = BTreeMap::new();
    for f in i.failed {
        let slot = |k: &mut (u32, u32)| {
            if now(&f.part) {
                k.0 += f.count;
            } else {
                k.1 += f.count;
            }
        };
        slot(by_topic.entry((f.topic.clone(), f.reason)).or_default());
        slot(by_reason.entry(f.reason).or_default());
    }
    let row = |topic: Option<String>, reason, (k_now, k_before): (u32, u32), n, previous_n| {
        Dissatisfier {
            topic,
            reason,
            n,
            share: Proportion::of(k_now, n),
            previous_n,
            previous: Proportion::of(k_before, previous_n),
            change: change(k_now, n, k_before, previous_n),
        }
    };
    let ranked = |mut rows: Vec<Dissatisfier>| {
        rows.retain(|d| d.share.count > 0 || d.previous.count > 0);
        rows.sort_by(|a, b| {
            (b.share.count, b.previous.count)
                .cmp(&(a.share.count, a.previous.count))
                .then_with(|| a.topic.cmp(&b.topic))
                .then_with(|| a.reason.cmp(&b.reason))
        });
        rows
    };
    let dissatisfiers = ranked(
        by_topic
            .into_iter()
            .map(|((topic, reason), k)| {
                let n = topic_n.get(&(topic.clone(), true)).copied().unwrap_or(0);
                let before = topic_n.get(&(topic.clone(), false)).copied().unwrap_or(0);
                row(topic, reason, k, n, before)
            })
            .collect(),
    );
    let reasons = ranked(
        by_reason
            .into_iter()
            .map(|(reason, k)| row(None, reason, k, n_now, n_before))
            .collect(),
    );
    let repeat_part = |current: bool| {
        i.repeats
            .iter()
            .filter(|r| now(&r.part) == current)
            .fold((0, 0), |(n, k), r| (n + r.contacts, k + r.repeats))
    };
    let ((rn, rk), (rn0, rk0)) = (repeat_part(true), repeat_part(false));
    let p = &i.promises;
    let due = p.kept + p.late + p.overdue;
    let valued_n = |a: &AnswerCounts| a.valued.iter().sum::<u32>();
    Practices {
        from: i.from,
        to: i.to,
        previous_from: i.previous_from,
        nps_min_n: NPS_MIN_N,
        nps: nps(
            answers_now.nps_n,
            answers_now.promoters,
            answers_now.detractors,
        ),
        previous_nps: nps(
            answers_before.nps_n,
            answers_before.promoters,
            answers_before.detractors,
        ),
        views: Views {
            detractors: answers_now.detractors,
            detractors_welcome: Proportion::of(
                answers_now.detractors_welcome,
                answers_now.detractors,
            ),
            promoters: answers_now.promoters,
            promoters_not_welcome: Proportion::of(
                answers_now.promoters_not_welcome,
                answers_now.promoters,
            ),
        },
        levels: LevelMix::of(&answers_now.levels),
        previous_levels: LevelMix::of(&answers_before.levels),
        effort_mix: EFFORT_MIX,
        level5_customers: Share::of(i.level5.1, i.level5.0),
        valued: Share::of(
            answers_now.valued[3] + answers_now.valued[4],
            valued_n(&answers_now),
        ),
        not_valued: Share::of(
            answers_now.valued[0] + answers_now.valued[1],
            valued_n(&answers_now),
        ),
        previous_valued: Share::of(
            answers_before.valued[3] + answers_before.valued[4],
            valued_n(&answers_before),
        ),
        dissatisfiers,
        reasons,
        repeat: Share::of(rk, rn),
        previous_repeat: Share::of(rk0, rn0),
        repeat_change: change(rk, rn, rk0, rn0),
        repeat_days: i.repeat_days,
        promises: Promises {
            due,
            kept: Proportion::of(p.kept, due),
            late: p.late,
            overdue: p.overdue,
            pending: p.pending,
        },
    }
}

fn add_answers(total: &mut AnswerCounts, a: &AnswerCounts) {
    total.nps_n += a.nps_n;
    total.promoters += a.promoters;
    total.detractors += a.detractors;
    total.detractors_welcome += a.detractors_welcome;
    total.promoters_not_welcome += a.promoters_not_welcome;
    for l in 0..5 {
        total.levels[l] += a.levels[l];
        total.valued[l] += a.valued[l];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 0.05)
    }

    #[test]
    fn nps_is_promoters_minus_detractors_with_an_adjusted_wald_interval() {
        // 50 promoters, 20 passives, 30 detractors of 100: NPS 20. Adjusted: p = 50.75/103,
        // d = 30.75/103, centre 19.42; var = (0.4927 + 0.2985 − 0.0377)/103, se 0.0855.
        let s = nps(100, 50, 30);
        assert!(close(s.score, 20.0), "{s:?}");
        assert!(close(s.ci_low, 2.65), "{s:?}");
        assert!(close(s.ci_high, 36.18), "{s:?}");
        let none = nps(0, 0, 0);
        assert_eq!((none.score, none.ci_low, none.ci_high), (None, None, None));
    }

    #[test]
    fn an_nps_interval_stays_on_the_scale() {
        let all = nps(3, 3, 0);
        assert!(close(all.score, 100.0));
        assert!(all.ci_high.unwrap() <= 100.0 && all.ci_low.unwrap() < 100.0);
        let none = nps(4, 0, 4);
        assert!(close(none.score, -100.0));
        assert!(none.ci_low.unwrap() >= -100.0 && none.ci_high.unwrap() > -100.0);
    }

    fn part(label: &str, n: u32) -> (String, WeekCounts) {
        (
            String::new(),
            WeekCounts {
                iso_week: label.into(),
                n,
                ..WeekCounts::default()
            },
        )
    }

    #[test]
    fn dissatisfiers_are_shares_of_their_topic_ranked_by_count() {
        let failed = |part: &str, topic: Option<&str>, reason, count| FailedCount {
            part: part.into(),
            topic: topic.map(str::to_owned),
            reason,
            count,
        };
        let billing = |label: &str, n| {
            let (_, c) = part(label, n);
            ("billing".to_owned(), c)
        };
        let i = Inputs {
            previous_from: NaiveDate::from_ymd_opt(2026, 9, 7).unwrap(),
            from: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            now_label: "2026-W41",
            answers: &[],
            failed: &[
                failed("2026-W41", Some("billing"), Some(Reason::Wrong), 12),
                failed("2026-W37", Some("billing"), Some(Reason::Wrong), 3),
                failed("2026-W41", None, Some(Reason::TooSlow), 20),
                failed("2026-W41", Some("billing"), None, 1),
            ],
            totals: &[part("2026-W37", 100), part("2026-W41", 200)],
            topics: &[billing("2026-W37", 40), billing("2026-W41", 50)],
            repeats: &[],
            promises: PromiseCounts::default(),
            level5: (0, 0),
            repeat_days: 7,
        };
        let p = compute(&i);
        let d = &p.dissatisfiers;
        assert_eq!(d.len(), 3);
        // Contacts without a topic: 200 − 50 now.
        assert_eq!(
            (d[0].topic.as_deref(), d[0].reason, d[0].n),
            (None, Some(Reason::TooSlow), 150)
        );
        assert_eq!(d[0].share.count, 20);
        assert_eq!(
            (d[1].topic.as_deref(), d[1].reason),
            (Some("billing"), Some(Reason::Wrong))
        );
        assert_eq!(
            (
                d[1].share.count,
                d[1].n,
                d[1].previous.count,
                d[1].previous_n
            ),
            (12, 50, 3, 40)
        );
        assert!(close(d[1].share.share, 0.24));
        let ch = d[1].change.unwrap();
        assert!((ch.difference - (0.24 - 0.075)).abs() < 1e-9);
        assert!(ch.real, "12 of 50 against 3 of 40 is beyond chance: {ch:?}");
        // Per reason, over everything.
        assert_eq!(p.reasons[0].reason, Some(Reason::TooSlow));
        assert_eq!(
            (
                p.reasons[1].share.count,
                p.reasons[1].n,
                p.reasons[1].previous_n
            ),
            (12, 200, 100)
        );
    }

    #[test]
    fn promises_count_only_due_days_that_passed() {
        let i = Inputs {
            previous_from: NaiveDate::from_ymd_opt(2026, 9, 7).unwrap(),
            from: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            now_label: "2026-W41",
            answers: &[],
            failed: &[],
            totals: &[],
            topics: &[],
            repeats: &[
                RepeatCounts {
                    part: "2026-W37".into(),
                    contacts: 40,
                    repeats: 4,
                },
                RepeatCounts {
                    part: "2026-W41".into(),
                    contacts: 50,
                    repeats: 10,
                },
            ],
            promises: PromiseCounts {
                kept: 6,
                late: 3,
                overdue: 1,
                pending: 5,
            },
            level5: (80, 12),
            repeat_days: 7,
        };
        let p = compute(&i);
        assert_eq!(p.promises.due, 10);
        assert_eq!(p.promises.kept.count, 6);
        assert!(close(p.promises.kept.share, 0.6));
        assert_eq!((p.repeat.n, p.repeat.share.count), (50, 10));
        assert_eq!(
            (p.previous_repeat.n, p.previous_repeat.share.count),
            (40, 4)
        );
        assert_eq!(
            (p.level5_customers.n, p.level5_customers.share.count),
            (80, 12)
        );
    }
}
