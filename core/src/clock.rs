//! Time is injected so that "now", "more than a day in the future" and "this week" can be
//! tested at fixed instants, including around year ends and daylight-saving changes.

use chrono::{DateTime, FixedOffset, Local, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};

/// Where the current time and the local UTC offset come from.
pub trait Clock: Send + Sync {
    /// The current instant, with the UTC offset the user's wall clock shows.
    fn now(&self) -> DateTime<FixedOffset>;

    /// The UTC offset the user's wall clock had (or will have) at a local date and time.
    /// `None` for a local time that does not exist (skipped by a daylight-saving change).
    fn offset_at(&self, local: NaiveDateTime) -> Option<FixedOffset>;
}

/// The offset of a local time in a time zone with daylight-saving changes. A time in the hour
/// the clocks skip in spring does not exist (`None`: the caller refuses it and says why); in
/// the hour that repeats in autumn the first occurrence (the earlier instant, still summer
/// time) is taken, the natural reading of a time logged right after a contact, and the same
/// every time. The earlier instant is the one with the larger offset: chrono's own order of
/// the two differs between time zone sources (the machine's zone lists winter time first).
pub fn offset_in<Tz: TimeZone>(zone: &Tz, local: NaiveDateTime) -> Option<FixedOffset> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.offset().fix()),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.offset().fix(), b.offset().fix());
            Some(if a.local_minus_utc() >= b.local_minus_utc() {
                a
            } else {
                b
            })
        }
        LocalResult::None => None,
    }
}

/// The machine's clock and time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place that may read the machine's clock.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }

    fn offset_at(&self, local: NaiveDateTime) -> Option<FixedOffset> {
        offset_in(&Local, local)
    }
}

/// A clock that always shows the same instant and offset; for tests and reproducible demos.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<FixedOffset>);

impl FixedClock {
    /// Parses an RFC 3339 timestamp such as `2026-11-22T10:00:00+01:00`.
    ///
    /// # Panics
    /// When the text is not RFC 3339; meant for literals in tests.
    #[allow(clippy::expect_used)]
    pub fn at(rfc3339: &str) -> Self {
        Self(DateTime::parse_from_rfc3339(rfc3339).expect("FixedClock::at needs RFC 3339"))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }

    fn offset_at(&self, _local: NaiveDateTime) -> Option<FixedOffset> {
        Some(*self.0.offset())
    }
}

/// A fixed instant seen from a real time zone (e.g. `chrono_tz::Europe::Amsterdam`), whose
/// offsets change with daylight-saving time as the machine's own zone does: for tests of
/// local times that a fixed offset cannot produce (the skipped and the repeated hour).
#[derive(Debug, Clone, Copy)]
pub struct ZonedClock<Tz> {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl<Tz> Clock for ZonedClock<Tz>
where
    Tz: TimeZone + Send + Sync,
    Tz::Offset: Send + Sync,
{
    fn now(&self) -> DateTime<FixedOffset> {
        self.now.with_timezone(&self.zone).fixed_offset()
    }

    fn offset_at(&self, local: NaiveDateTime) -> Option<FixedOffset> {
        offset_in(&self.zone, local)
    }
}
