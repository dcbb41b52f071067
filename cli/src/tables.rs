//! How results look in a terminal: tables for people, rows for spreadsheets.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use contactmoment_core::{
    export, Axis, Change, Changes, Contact, Group, PeriodStats, Proportion, Review, WeekStats,
    WhatChanged,
};

pub fn contacts_table(contacts: &[Contact]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header([
        "when",
        "staff",
        "channel",
        "solved",
        "welcome",
        "topic",
        "follow-up",
        "id",
    ]);
    for c in contacts {
        t.add_row([
            c.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
            c.staff.clone(),
            c.channel.to_string(),
            c.functional.to_string(),
            c.emotional.to_string(),
            c.topic.clone().unwrap_or_default(),
            if c.follow_up {
                "yes".into()
            } else {
                String::new()
            },
            c.id.to_string(),
        ]);
    }
    t
}

pub fn share(
    share: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    n: u32,
    min_n: u32,
) -> String {
    match (share, low, high) {
        (Some(s), Some(l), Some(h)) if n >= min_n => {
            format!("{:.0}% ({:.0}–{:.0}%)", s * 100.0, l * 100.0, h * 100.0)
        }
        _ if n == 0 => "–".into(),
        _ => "not enough data".into(),
    }
}

/// Weekly rows, with a staff column when any row names a staff member.
pub fn weekly_table(rows: &[(&str, &WeekStats)], min_n: u32) -> Table {
    let with_staff = rows.iter().any(|(staff, _)| !staff.is_empty());
    let mut header = vec!["week", "starts", "n", "solved (4–5)", "welcome (4–5)"];
    if with_staff {
        header.insert(0, "staff");
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    for (staff, w) in rows {
        let mut row = vec![
            w.week.clone(),
            w.week_start.to_string(),
            w.n.to_string(),
            share(
                w.functional_share,
                w.functional_ci_low,
                w.functional_ci_high,
                w.n,
                min_n,
            ),
            share(
                w.emotional_share,
                w.emotional_ci_low,
                w.emotional_ci_high,
                w.n,
                min_n,
            ),
        ];
        if with_staff {
            row.insert(0, (*staff).to_owned());
        }
        t.add_row(row);
    }
    t
}

/// One CSV row per staff member and week: the staff name, then the weekly columns. Spelled
/// out because the csv crate cannot flatten a nested struct.
#[derive(serde::Serialize)]
pub struct StaffRow<'a> {
    staff: export::Cell<'a>,
    week: &'a str,
    week_start: String,
    n: u32,
    functional_positive: u32,
    functional_share: Option<f64>,
    functional_ci_low: Option<f64>,
    functional_ci_high: Option<f64>,
    functional_mean: Option<f64>,
    functional_low: u32,
    functional_low_share: Option<f64>,
    functional_low_ci_low: Option<f64>,
    functional_low_ci_high: Option<f64>,
    functional_top: u32,
    functional_top_share: Option<f64>,
    emotional_positive: u32,
    emotional_share: Option<f64>,
    emotional_ci_low: Option<f64>,
    emotional_ci_high: Option<f64>,
    emotional_mean: Option<f64>,
    emotional_low: u32,
    emotional_low_share: Option<f64>,
    emotional_low_ci_low: Option<f64>,
    emotional_low_ci_high: Option<f64>,
    emotional_top: u32,
    emotional_top_share: Option<f64>,
}

pub fn staff_rows<'a>(rows: &[(&'a str, &'a WeekStats)]) -> Vec<StaffRow<'a>> {
    rows.iter()
        .map(|&(staff, w)| StaffRow {
            staff: export::Cell(staff),
            week: &w.week,
            week_start: w.week_start.to_string(),
            n: w.n,
            functional_positive: w.functional_positive,
            functional_share: w.functional_share,
            functional_ci_low: w.functional_ci_low,
            functional_ci_high: w.functional_ci_high,
            functional_mean: w.functional_mean,
            functional_low: w.functional_low,
            functional_low_share: w.functional_low_share,
            functional_low_ci_low: w.functional_low_ci_low,
            functional_low_ci_high: w.functional_low_ci_high,
            functional_top: w.functional_top,
            functional_top_share: w.functional_top_share,
            emotional_positive: w.emotional_positive,
            emotional_share: w.emotional_share,
            emotional_ci_low: w.emotional_ci_low,
            emotional_ci_high: w.emotional_ci_high,
            emotional_mean: w.emotional_mean,
            emotional_low: w.emotional_low,
            emotional_low_share: w.emotional_low_share,
            emotional_low_ci_low: w.emotional_low_ci_low,
            emotional_low_ci_high: w.emotional_low_ci_high,
            emotional_top: w.emotional_top,
            emotional_top_share: w.emotional_top_share,
        })
        .collect()
}

/// The review as JSON: both periods, the change, and what changed beyond chance.
#[derive(serde::Serialize)]
pub struct ReviewOut<'a> {
    pub current: &'a PeriodStats,
    pub previous: &'a PeriodStats,
    pub change: &'a Changes,
    pub what_changed: &'a WhatChanged,
}

fn proportion(p: &Proportion, n: u32, min_n: u32) -> String {
    share(p.share, p.ci_low, p.ci_high, n, min_n)
}

/// Signed whole percentage points; one that rounds to 0 keeps its side, so an interval that
/// excludes 0 never reads "±0".
fn points(v: f64) -> String {
    let p = (v * 100.0).round();
    if p > 0.0 || (p == 0.0 && v > 0.0) {
        format!("+{:.0}", p.abs())
    } else if p < 0.0 || v < 0.0 {
        format!("−{:.0}", p.abs())
    } else {
        "±0".into()
    }
}

fn change_text(c: Option<&Change>) -> String {
    c.map_or_else(
        || "too few contacts to compare".into(),
        |c| {
            format!(
                "{} percentage points (95% {} to {}), {}",
                points(c.difference),
                points(c.ci_low),
                points(c.ci_high),
                if c.real {
                    "more than chance"
                } else {
                    "could be chance"
                }
            )
        },
    )
}

/// The difference as a reader subtracts the shown percentages (within a point of the exact
/// one, whose interval is printed beside it).
fn shown_difference(m: &contactmoment_core::Move) -> String {
    match (m.now.share, m.before.share) {
        (Some(now), Some(before)) => {
            points((now * 100.0).round() / 100.0 - (before * 100.0).round() / 100.0)
        }
        _ => points(m.change.difference),
    }
}

fn axis_name(axis: Axis) -> &'static str {
    match axis {
        Axis::Functional => "solved",
        Axis::Emotional => "welcome",
    }
}

/// The review as a person reads it in a terminal.
pub fn review_text(review: &Review, changed: &WhatChanged) -> String {
    let (now, before, min_n) = (&review.current, &review.previous, review.min_n);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header([
        String::new(),
        format!("now {} – {} (n {})", now.from, now.to, now.n),
        format!("before {} – {} (n {})", before.from, before.to, before.n),
        "change".into(),
    ]);
    for (axis, name, c) in [
        (
            Axis::Functional,
            "solved",
            review.change.functional.as_ref(),
        ),
        (Axis::Emotional, "welcome", review.change.emotional.as_ref()),
    ] {
        let (a, b) = match axis {
            Axis::Functional => (&now.functional, &before.functional),
            Axis::Emotional => (&now.emotional, &before.emotional),
        };
        t.add_row([
            format!("{name} (4–5)"),
            share(a.share, a.ci_low, a.ci_high, now.n, min_n),
            share(b.share, b.ci_low, b.ci_high, before.n, min_n),
            change_text(c),
        ]);
        t.add_row([
            format!("{name} rated 1–2"),
            proportion(&a.low, now.n, min_n),
            proportion(&b.low, before.n, min_n),
            String::new(),
        ]);
        t.add_row([
            format!("{name} rated 5"),
            proportion(&a.top, now.n, min_n),
            proportion(&b.top, before.n, min_n),
            String::new(),
        ]);
    }
    let mut text = format!("{t}\n\n");
    if changed.compared == 0 {
        text.push_str("What changed: too few contacts in one of the two periods to compare.");
    } else if changed.moves.is_empty() {
        text.push_str(&format!(
            "What changed: nothing beyond chance ({} shares compared, none moved far enough to \
             rule chance out).",
            changed.compared
        ));
    } else {
        text.push_str(&format!(
            "What changed beyond chance ({} shares compared; about 1 in 20 comparisons, so about \
             {:.1} here, move that far by chance alone):",
            changed.compared,
            f64::from(changed.compared) / 20.0
        ));
        for m in &changed.moves {
            let axis = axis_name(m.axis);
            let subject = match &m.group {
                Group::All => format!("{}{}", axis[..1].to_uppercase(), &axis[1..]),
                Group::Channel(c) => format!("{axis} on channel {c}"),
                Group::Topic(topic) => format!("{axis} for topic \"{topic}\""),
                Group::Staff(name) => format!("{axis} for {name}"),
            };
            let pct =
                |p: &Proportion| p.share.map_or("–".into(), |s| format!("{:.0}%", s * 100.0));
            text.push_str(&format!(
                "\n  {subject} {} from {} to {}: {} percentage points (95% {} to {}); {} of {} now, {} of {} before",
                if m.change.difference < 0.0 { "fell" } else { "rose" },
                pct(&m.before),
                pct(&m.now),
                shown_difference(m),
                points(m.change.ci_low),
                points(m.change.ci_high),
                m.now.count,
                m.n_now,
                m.before.count,
                m.n_before,
            ));
        }
    }
    text
}
