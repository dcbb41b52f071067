//! ISO 8601 weeks (Monday first, week 1 holds 4 January), labelled with the ISO week-year.
//! Computed here with chrono, never by the database, so every backend groups alike.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// `2026-W01` for 2025-12-29.
pub fn label(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of the week a label like `2026-W01` names; `None` for anything else.
pub fn parse(label: &str) -> Option<NaiveDate> {
    let (year, week) = label.trim().split_once("-W")?;
    if week.len() != 2 {
        return None;
    }
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
}

/// The Monday of the ISO week holding `date`.
pub fn monday(date: NaiveDate) -> NaiveDate {
    date.week(Weekday::Mon).first_day()
}

/// The Mondays of every ISO week that overlaps `from..=to`, oldest first.
pub fn mondays(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = monday(from);
    while m <= to {
        out.push(m);
        match m.checked_add_days(Days::new(7)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn labels_use_the_iso_week_year() {
        assert_eq!(label(d("2025-12-29")), "2026-W01");
        assert_eq!(label(d("2027-01-01")), "2026-W53");
        assert_eq!(label(d("2027-01-04")), "2027-W01");
        assert_eq!(label(d("2026-11-22")), "2026-W47");
        assert_eq!(label(d("2021-01-03")), "2020-W53");
    }

    #[test]
    fn labels_parse_back_to_their_monday() {
        for day in ["2025-12-29", "2027-01-01", "2026-11-22", "2021-01-03"] {
            assert_eq!(parse(&label(d(day))), Some(monday(d(day))), "{day}");
        }
        for bad in ["2026-W54", "2026-W1", "2026W01", "", "x-W01", "2025-W53"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn monday_starts_the_week() {
        assert_eq!(monday(d("2026-11-22")), d("2026-11-16"));
        assert_eq!(monday(d("2026-11-16")), d("2026-11-16"));
        assert_eq!(monday(d("2027-01-01")), d("2026-12-28"));
    }

    #[test]
    fn mondays_cover_partial_weeks_at_both_ends() {
        let ms = mondays(d("2026-12-30"), d("2027-01-05"));
        assert_eq!(ms, vec![d("2026-12-28"), d("2027-01-04")]);
        assert!(mondays(d("2026-02-01"), d("2026-01-01")).is_empty());
    }
}
