//! The rules a contact must meet before it is written. They live here, not in the form, so
//! the app, the CLI and any import obey the same ones; each refusal names its field.

use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, SubsecRound, TimeDelta, Utc,
    Weekday,
};
use uuid::Uuid;

use crate::clock::Clock;
use crate::error::{Error, Result, ValidationKind as K};
use crate::model::{needs_follow_up, Channel, Contact, ContactInput, Reason, LOW_UP_TO};
use crate::week;

pub const STAFF_MAX: usize = 100;
pub const SHORT_MAX: usize = 200;
pub const NOTE_MAX: usize = 2000;

/// Builds a new, valid contact from input; `default_staff` fills an empty staff field.
pub fn contact(
    input: &ContactInput,
    default_staff: Option<&str>,
    clock: &dyn Clock,
) -> Result<Contact> {
    let functional = rating("functional", input.functional)?;
    let emotional = rating("emotional", input.emotional)?;
    let occurred_at = occurred_at(input.occurred_at.as_deref(), clock)?;
    let channel = channel(input.channel.as_deref())?;
    let staff = short_text("staff", input.staff.as_deref(), STAFF_MAX)?
        .or_else(|| default_staff.map(str::to_owned))
        .ok_or_else(|| {
            Error::validation(
                "staff",
                K::Required,
                "staff is required: set your name in Settings",
            )
        })?;
    short_text("staff", Some(&staff), STAFF_MAX)?;
    let topic = short_text("topic", input.topic.as_deref(), SHORT_MAX)?;
    let customer_ref = short_text("customer_ref", input.customer_ref.as_deref(), SHORT_MAX)?;
    let note = note(input.note.as_deref())?;
    let id = match input.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Uuid::parse_str(s)
            .map_err(|_| Error::validation("id", K::Unparseable, "id must be a UUID"))?,
        None => Uuid::now_v7(),
    };
    let local_date = occurred_at.date_naive();
    let reason = reason(input.reason.as_deref(), functional)?;
    let level = scale("level", input.level, 1, 5)?;
    let nps = scale("nps", input.nps, 0, 10)?;
    let valued = scale("valued", input.valued, 1, 5)?;
    let due = due(input.due.as_deref(), local_date)?;
    // A promised day makes a follow-up of a contact that did not need one (one rated 1–2 on
    // welcome always does); one that needs it gets the next working day.
    let follow_up = input.follow_up || (due.is_some() && !needs_follow_up(false, emotional));
    let due =
        due.or_else(|| needs_follow_up(follow_up, emotional).then(|| next_working_day(local_date)));
    // Stored to the millisecond: the contact a save returns is the one read back later.
    let now = clock.now().with_timezone(&Utc).trunc_subsecs(3);
    Ok(Contact {
        id,
        occurred_at,
        local_date,
        iso_week: week::label(local_date),
        logged_at: now,
        updated_at: now,
        staff,
        staff_id: None,
        channel,
        functional,
        emotional,
        topic,
        customer_ref,
        note,
        follow_up,
        follow_up_done_at: None,
        follow_up_done_by: None,
        reason,
        level,
        nps,
        valued,
        due,
        star: input.star,
    })
}

/// What went wrong, by name; only a contact rated 1–2 on solved has one.
fn reason(value: Option<&str>, functional: u8) -> Result<Option<Reason>> {
    let Some(s) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let r = Reason::from_str(s).map_err(|()| {
        let known: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        Error::validation(
            "reason",
            K::Unparseable,
            format!("unknown reason {s:?}; use one of {}", known.join(", ")),
        )
    })?;
    if functional > LOW_UP_TO {
        return Err(Error::validation(
            "reason",
            K::OutOfRange,
            format!("a reason why it failed is for contacts rated 1–2 on solved, not {functional}"),
        ));
    }
    Ok(Some(r))
}

/// An optional answer on a scale from `min` to `max`.
fn scale(field: &str, value: Option<i32>, min: u8, max: u8) -> Result<Option<u8>> {
    let Some(v) = value else {
        return Ok(None);
    };
    u8::try_from(v)
        .ok()
        .filter(|r| (min..=max).contains(r))
        .map(Some)
        .ok_or_else(|| {
            Error::validation(
                field,
                K::OutOfRange,
                format!("{field} must be {min}–{max}, not {v}"),
            )
        })
}

/// How far ahead a follow-up can be promised; later dates are more likely typos.
const DUE_MAX_DAYS: u64 = 366;

fn due(value: Option<&str>, local_date: NaiveDate) -> Result<Option<NaiveDate>> {
    let Some(s) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let d = date("due", s)?;
    if d < local_date || d > add_days(local_date, DUE_MAX_DAYS) {
        return Err(Error::validation(
            "due",
            K::OutOfRange,
            format!(
                "due date {d} is not between the contact's day {local_date} and a year after it"
            ),
        ));
    }
    Ok(Some(d))
}

/// The first day after `date` from Monday to Friday: a follow-up's default due date.
pub fn next_working_day(date: NaiveDate) -> NaiveDate {
    let mut d = add_days(date, 1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = add_days(d, 1);
    }
    d
}

/// Checks a whole contact that arrives already built (from another desktop, through the team
/// server) by the same rules as one typed here: what a desktop refuses, the server refuses.
pub fn stored(c: &Contact) -> Result<()> {
    rating("functional", Some(i32::from(c.functional)))?;
    rating("emotional", Some(i32::from(c.emotional)))?;
    let staff = short_text("staff", Some(&c.staff), STAFF_MAX)?
        .ok_or_else(|| Error::validation("staff", K::Required, "staff is required"))?;
    let same = |field: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Error::validation(
                field,
                K::Unparseable,
                format!("{field} is not in its stored form"),
            ))
        }
    };
    same("staff", staff == c.staff)?;
    for (field, value, max) in [
        ("staff_id", &c.staff_id, SHORT_MAX),
        ("topic", &c.topic, SHORT_MAX),
        ("customer_ref", &c.customer_ref, SHORT_MAX),
        ("follow_up_done_by", &c.follow_up_done_by, STAFF_MAX),
    ] {
        same(field, short_text(field, value.as_deref(), max)? == *value)?;
    }
    same("note", note(c.note.as_deref())? == c.note)?;
    if c.reason.is_some() {
        reason(c.reason.map(Reason::as_str), c.functional)?;
    }
    scale("level", c.level.map(i32::from), 1, 5)?;
    scale("nps", c.nps.map(i32::from), 0, 10)?;
    scale("valued", c.valued.map(i32::from), 1, 5)?;
    due(c.due.map(|d| d.to_string()).as_deref(), c.local_date)?;
    same("local_date", c.occurred_at.date_naive() == c.local_date)?;
    same("iso_week", week::label(c.local_date) == c.iso_week)?;
    Ok(())
}

fn rating(field: &str, value: Option<i32>) -> Result<u8> {
    let v = value.ok_or_else(|| {
        Error::validation(
            field,
            K::Required,
            format!("{field} rating is required (1–5)"),
        )
    })?;
    u8::try_from(v)
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| {
            Error::validation(
                field,
                K::OutOfRange,
                format!("{field} rating must be 1–5, not {v}"),
            )
        })
}

/// A channel by name (English or Dutch); empty means the default, phone.
pub fn channel(value: Option<&str>) -> Result<Channel> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Channel::default()),
        Some(s) => Channel::from_str(s).map_err(|()| {
            let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            Error::validation(
                "channel",
                K::UnknownChannel,
                format!("unknown channel {s:?}; use one of {}", known.join(", ")),
            )
        }),
    }
}

const LOCAL_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// The earliest date accepted; older dates are far more likely typos than backfills.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn occurred_at(value: Option<&str>, clock: &dyn Clock) -> Result<DateTime<FixedOffset>> {
    const F: &str = "occurred_at";
    let now = clock.now();
    let Some(s) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(now);
    };
    let unparseable = || {
        Error::validation(
            F,
            K::Unparseable,
            format!("time {s:?} is not a date and time like 2026-11-22T14:05"),
        )
    };
    let t = match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t,
        Err(_) => {
            let local = LOCAL_FORMATS
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .ok_or_else(unparseable)?;
            let offset = clock.offset_at(local).ok_or_else(|| {
                Error::validation(
                    F,
                    K::Unparseable,
                    format!(
                        "time {s:?} does not exist here: the clocks skipped that hour for \
                         daylight-saving time; use the time after the change"
                    ),
                )
            })?;
            local
                .and_local_timezone(offset)
                .single()
                .ok_or_else(unparseable)?
        }
    };
    if t.date_naive() < EARLIEST {
        return Err(Error::validation(
            F,
            K::OutOfRange,
            format!("time {s:?} is before {EARLIEST}"),
        ));
    }
    let limit = now.checked_add_signed(TimeDelta::days(1)).unwrap_or(now);
    if t > limit {
        return Err(Error::validation(
            F,
            K::InFuture,
            format!("time {s:?} is more than a day in the future"),
        ));
    }
    Ok(t)
}

/// Bidirectional overrides and isolates can make a name or reference display as something
/// else than it is; short fields refuse them together with control characters.
fn is_hidden_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Trims; empty becomes `None`. Refuses control characters and over-long values.
pub fn short_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(s) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().any(|c| c.is_control() || is_hidden_format(c)) {
        return Err(Error::validation(
            field,
            K::ControlCharacters,
            format!("{field} contains control characters"),
        ));
    }
    if s.chars().count() > max {
        return Err(Error::validation(
            field,
            K::TooLong,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(Some(s.to_owned()))
}

fn note(value: Option<&str>) -> Result<Option<String>> {
    let Some(s) = value.map(str::trim_end).filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    if s.chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || is_hidden_format(c))
    {
        return Err(Error::validation(
            "note",
            K::ControlCharacters,
            "note contains control characters",
        ));
    }
    if s.chars().count() > NOTE_MAX {
        return Err(Error::validation(
            "note",
            K::TooLong,
            format!("note is longer than {NOTE_MAX} characters"),
        ));
    }
    Ok(Some(s.to_owned()))
}

/// A date such as `2026-11-22`, for filters typed on a command line or sent by the UI.
pub fn date(field: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::from_str(value.trim()).map_err(|_| {
        Error::validation(
            field,
            K::Unparseable,
            format!("{field} {value:?} is not a date like 2026-11-22"),
        )
    })
}

/// `date` plus `days`, saturating at the calendar's end.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    fn clock() -> FixedClock {
        FixedClock::at("2026-11-22T10:00:00+01:00")
    }

    fn valid() -> ContactInput {
        ContactInput {
            functional: Some(4),
            emotional: Some(2),
            ..ContactInput::default()
        }
    }

    fn refused(input: ContactInput) -> (String, K) {
        match contact(&input, Some("Anna"), &clock()) {
            Err(Error::Validation { field, kind, .. }) => (field, kind),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn two_ratings_are_enough() {
        let c = contact(&valid(), Some("Anna"), &clock()).unwrap();
        assert_eq!(c.functional, 4);
        assert_eq!(c.emotional, 2);
        assert_eq!(c.channel, Channel::Phone);
        assert_eq!(c.staff, "Anna");
        assert_eq!(c.occurred_at, clock().0);
        assert_eq!(c.iso_week, "2026-W47");
        assert_eq!(c.topic, None);
        assert!(!c.follow_up);
    }

    #[test]
    fn ratings_must_be_one_to_five() {
        for bad in [0, 6, -1, 300] {
            let (field, kind) = refused(ContactInput {
                functional: Some(bad),
                ..valid()
            });
            assert_eq!((field.as_str(), kind), ("functional", K::OutOfRange));
        }
        let (field, kind) = refused(ContactInput {
            emotional: None,
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("emotional", K::Required));
    }

    #[test]
    fn channels_are_a_closed_set() {
        let (field, kind) = refused(ContactInput {
            channel: Some("fax".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("channel", K::UnknownChannel));
        let c = contact(
            &ContactInput {
                channel: Some("E-mail".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.channel, Channel::Email);
    }

    #[test]
    fn timestamps_parse_with_or_without_offset() {
        let c = contact(
            &ContactInput {
                occurred_at: Some("2026-11-20T16:30:00+01:00".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.occurred_at.to_rfc3339(), "2026-11-20T16:30:00+01:00");
        let c = contact(
            &ContactInput {
                occurred_at: Some("2026-11-20T16:30".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.occurred_at.to_rfc3339(), "2026-11-20T16:30:00+01:00");
    }

    #[test]
    fn timestamps_that_make_no_sense_are_refused() {
        for (s, want) in [
            ("yesterday", K::Unparseable),
            ("2026-13-01T10:00", K::Unparseable),
            ("2026-11-23T10:00:01+01:00", K::InFuture),
            ("1999-12-31T23:00:00Z", K::OutOfRange),
        ] {
            let (field, kind) = refused(ContactInput {
                occurred_at: Some(s.into()),
                ..valid()
            });
            assert_eq!((field.as_str(), kind), ("occurred_at", want), "{s}");
        }
        // Exactly a day ahead is still accepted (a clock a little off, a time zone crossed).
        contact(
            &ContactInput {
                occurred_at: Some("2026-11-23T10:00:00+01:00".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
    }

    #[test]
    fn short_fields_refuse_control_characters_and_length() {
        let (field, kind) = refused(ContactInput {
            topic: Some("bill\u{7}".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("topic", K::ControlCharacters));
        let (field, kind) = refused(ContactInput {
            customer_ref: Some("ab\u{202E}cd".into()),
            ..valid()
        });
        assert_eq!(
            (field.as_str(), kind),
            ("customer_ref", K::ControlCharacters)
        );
        let (field, kind) = refused(ContactInput {
            topic: Some("x".repeat(201)),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("topic", K::TooLong));
        let c = contact(
            &ContactInput {
                topic: Some("  invoice ".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.topic.as_deref(), Some("invoice"));
    }

    #[test]
    fn notes_keep_line_breaks_up_to_the_limit() {
        let c = contact(
            &ContactInput {
                note: Some("line 1\nline 2\n".into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.note.as_deref(), Some("line 1\nline 2"));
        let ok = "é".repeat(NOTE_MAX);
        contact(
            &ContactInput {
                note: Some(ok),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        let (field, kind) = refused(ContactInput {
            note: Some("x".repeat(NOTE_MAX + 1)),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("note", K::TooLong));
        let (field, kind) = refused(ContactInput {
            note: Some("a\u{0}b".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("note", K::ControlCharacters));
    }

    #[test]
    fn staff_comes_from_input_or_settings() {
        let c = contact(
            &ContactInput {
                staff: Some("Bram".into()),
                ..valid()
            },
            Some("Anna"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.staff, "Bram");
        match contact(&valid(), None, &clock()) {
            Err(Error::Validation { field, kind, .. }) => {
                assert_eq!((field.as_str(), kind), ("staff", K::Required))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_given_id_must_be_a_uuid() {
        let (field, kind) = refused(ContactInput {
            id: Some("42".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("id", K::Unparseable));
        let id = "0193a5c2-7f00-7000-8000-000000000001";
        let c = contact(
            &ContactInput {
                id: Some(id.into()),
                ..valid()
            },
            Some("A"),
            &clock(),
        )
        .unwrap();
        assert_eq!(c.id.to_string(), id);
    }

    #[test]
    fn a_follow_up_is_promised_for_the_next_working_day() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Thursday → Friday; Friday, Saturday and Sunday → Monday.
        for (from, to) in [
            ("2026-11-19", "2026-11-20"),
            ("2026-11-20", "2026-11-23"),
            ("2026-11-21", "2026-11-23"),
            ("2026-11-22", "2026-11-23"),
        ] {
            assert_eq!(next_working_day(day(from)), day(to), "after {from}");
        }
        // Rated 2 on welcome (Sunday the 22nd): a follow-up is needed, due on Monday.
        let c = contact(&valid(), Some("Anna"), &clock()).unwrap();
        assert_eq!(c.due, Some(day("2026-11-23")));
    }

    #[test]
    fn the_optional_answers_have_their_ranges() {
        let (field, kind) = refused(ContactInput {
            functional: Some(3),
            reason: Some("too_slow".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("reason", K::OutOfRange));
        let (field, kind) = refused(ContactInput {
            functional: Some(1),
            reason: Some("lost".into()),
            ..valid()
        });
        assert_eq!((field.as_str(), kind), ("reason", K::Unparseable));
        for (input, name) in [
            (
                ContactInput {
                    level: Some(6),
                    ..valid()
                },
                "level",
            ),
            (
                ContactInput {
                    nps: Some(-1),
                    ..valid()
                },
                "nps",
            ),
            (
                ContactInput {
                    valued: Some(0),
                    ..valid()
                },
                "valued",
            ),
            (
                ContactInput {
                    due: Some("2026-11-21".into()),
                    ..valid()
                },
                "due",
            ),
        ] {
            assert_eq!(refused(input), (name.to_owned(), K::OutOfRange));
        }
    }

    #[test]
    fn a_stored_contact_from_elsewhere_is_held_to_the_same_ranges() {
        let good = contact(
            &ContactInput {
                functional: Some(2),
                reason: Some("wrong".into()),
                nps: Some(10),
                ..valid()
            },
            Some("Anna"),
            &clock(),
        )
        .unwrap();
        stored(&good).unwrap();
        let day_before = Contact {
            due: good.local_date.pred_opt(),
            ..good.clone()
        };
        let solved_with_reason = Contact {
            functional: 4,
            ..good.clone()
        };
        let nps = Contact {
            nps: Some(11),
            ..good
        };
        for (c, name) in [
            (day_before, "due"),
            (solved_with_reason, "reason"),
            (nps, "nps"),
        ] {
            match stored(&c) {
                Err(Error::Validation { field, .. }) => assert_eq!(field, name),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
