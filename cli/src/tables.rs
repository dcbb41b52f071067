//! How results look in a terminal: tables for people, rows for spreadsheets.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use contactmoment_core::{
    export,
    practices::{Dissatisfier, Moments, Nps, Share},
    Axis, Change, Changes, Contact, Group, PeriodStats, Practices, Proportion, Review, WeekNote,
    WeekStats, WhatChanged, MIN_N,
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

/// The staff column of a per-staff weekly CSV row, before the week's own columns.
#[derive(serde::Serialize)]
pub struct StaffName<'a> {
    staff: export::Cell<'a>,
}

/// Per-staff weekly rows for CSV: the name, then the week's figures.
pub fn staff_rows<'a>(rows: &[(&'a str, &'a WeekStats)]) -> Vec<(StaffName<'a>, &'a WeekStats)> {
    rows.iter()
        .map(|&(staff, w)| {
            (
                StaffName {
                    staff: export::Cell(staff),
                },
                w,
            )
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
    /// NPS, level mix, valued, dissatisfiers, repeat contacts and promises kept.
    pub practices: &'a Practices,
    pub week_notes: &'a [WeekNote],
    pub moments: &'a [Moments],
}

fn nps_text(s: &Nps, min_n: u32) -> String {
    match (s.score, s.ci_low, s.ci_high) {
        (Some(v), Some(l), Some(h)) if s.n >= min_n => {
            format!("{v:+.0} (95% {l:+.0} to {h:+.0}; {} answers)", s.n)
        }
        _ if s.n == 0 => "nobody asked".into(),
        _ => format!("not enough answers ({} of at least {min_n})", s.n),
    }
}

fn share_of(s: &Share) -> String {
    let text = proportion(&s.share, s.n, MIN_N);
    if s.n == 0 {
        text
    } else {
        format!("{text}, {} of {}", s.share.count, s.n)
    }
}

fn dissatisfier_row(d: &Dissatisfier, topic: bool) -> [String; 4] {
    let reason = d.reason.map_or("no reason given".to_owned(), |r| {
        r.as_str().replace('_', " ")
    });
    let what = if topic {
        format!("{} · {reason}", d.topic.as_deref().unwrap_or("(no topic)"))
    } else {
        reason
    };
    [
        what,
        format!(
            "{} of {}: {}",
            d.share.count,
            d.n,
            proportion(&d.share, d.n, MIN_N)
        ),
        format!(
            "{} of {}: {}",
            d.previous.count,
            d.previous_n,
            proportion(&d.previous, d.previous_n, MIN_N)
        ),
        change_text(d.change.as_ref()),
    ]
}

/// Each person's moments to share, by name.
pub fn moments_text(moments: &[Moments]) -> String {
    if moments.is_empty() {
        return "Moments to share: none (no contact rated 5 on both axes, at level 5 or marked for \
                the team meeting)."
            .into();
    }
    let mut text = String::from("Moments to share (by name; recognition, not a ranking):");
    for m in moments {
        text.push_str(&format!(
            "\n  {}: {} rated 5 on both axes, {} at level 5, {} marked for the team meeting",
            m.staff, m.top_both, m.level5, m.starred
        ));
        for c in &m.contacts {
            let mut what = vec![c.local_date.to_string(), c.channel.to_string()];
            what.extend(c.topic.clone());
            if c.star {
                what.push("★".into());
            }
            what.extend(
                c.note
                    .as_ref()
                    .map(|n| format!("\"{}\"", n.replace('\n', " "))),
            );
            text.push_str(&format!("\n    {}", what.join(" · ")));
        }
    }
    text
}

/// The practices of the review in words and tables.
pub fn practices_text(p: &Practices, notes: &[WeekNote]) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header([
        String::new(),
        format!("now {} – {}", p.from, p.to),
        format!("before {} – …", p.previous_from),
        "change".into(),
    ]);
    t.add_row([
        "NPS (customers' own score)".into(),
        nps_text(&p.nps, p.nps_min_n),
        nps_text(&p.previous_nps, p.nps_min_n),
        String::new(),
    ]);
    t.add_row([
        "felt valued (4–5, sampled)".into(),
        share_of(&p.valued),
        share_of(&p.previous_valued),
        String::new(),
    ]);
    t.add_row([
        format!("repeat contacts ({} days, after not solved)", p.repeat_days),
        share_of(&p.repeat),
        share_of(&p.previous_repeat),
        change_text(p.repeat_change.as_ref()),
    ]);
    let mut text = format!("{t}\n");
    let v = &p.views;
    text.push_str(&format!(
        "\nStaff impression beside the customer's own score: of {} detractors (0–6), {} rated \
         welcome 4–5 by staff ({}); of {} promoters (9–10), {} not rated welcome ({}).",
        v.detractors,
        v.detractors_welcome.count,
        proportion(&v.detractors_welcome, v.detractors, MIN_N),
        v.promoters,
        v.promoters_not_welcome.count,
        proportion(&v.promoters_not_welcome, v.promoters, MIN_N),
    ));
    let mut levels = Table::new();
    levels.load_preset(UTF8_FULL_CONDENSED).set_header([
        "service level",
        "share of contacts now",
        "mix of effort (advice)",
    ]);
    for (i, l) in p.levels.levels.iter().enumerate() {
        levels.add_row([
            format!("level {}", i + 1),
            format!(
                "{}, {} of {}",
                proportion(l, p.levels.n, MIN_N),
                l.count,
                p.levels.n
            ),
            if p.effort_mix[i] > 0.0 {
                format!("{:.0}%", p.effort_mix[i] * 100.0)
            } else {
                String::new()
            },
        ]);
    }
    text.push_str(&format!(
        "\n\n{levels}\nCustomers with a level-5 contact in the 52 weeks up to {}: {}.",
        p.to,
        share_of(&p.level5_customers)
    ));
    let k = &p.promises;
    text.push_str(&format!(
        "\n\nPromises kept: {} of {} follow-ups due were done by their due day ({}); {} late, \
         {} overdue and still open, {} not due yet.",
        k.kept.count,
        k.due,
        proportion(&k.kept, k.due, MIN_N),
        k.late,
        k.overdue,
        k.pending
    ));
    if p.reasons.is_empty() {
        text.push_str("\n\nWhy contacts failed: no contact was rated 1–2 on solved.");
    } else {
        let mut d = Table::new();
        d.load_preset(UTF8_FULL_CONDENSED).set_header([
            "why contacts rated 1–2 on solved failed",
            "now, share of all contacts",
            "before",
            "change",
        ]);
        for r in &p.reasons {
            d.add_row(dissatisfier_row(r, false));
        }
        for r in &p.dissatisfiers {
            d.add_row(dissatisfier_row(r, true));
        }
        text.push_str(&format!("\n\n{d}"));
    }
    if !notes.is_empty() {
        text.push_str("\n\nWeek notes:");
        for n in notes {
            text.push_str(&format!("\n  {}: {}", n.week, n.note));
        }
    }
    text
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
