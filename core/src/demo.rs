//! Believable demo data, for trying the app and for benchmarks. The shape follows the research
//! behind the product: most contacts solve the question, far fewer leave the customer feeling
//! welcome; staff differ in skill and in warmth; channels and topics pull ratings up or down;
//! a busy season dips the functional side and the emotional side follows a few weeks later.
//! The same seed always gives the same journal, ids included.

use crate::model::{Channel, Contact, Reason};
use crate::validate;
use crate::week;
use chrono::{
    DateTime, Datelike, Days, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc,
    Weekday,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    pub contacts: u64,
    pub staff: u32,
    pub weeks: u32,
    pub seed: u64,
}

/// What the app loads when a new user asks to look around: half a year of a small team.
pub const APP_DEMO: DemoSpec = DemoSpec {
    contacts: 2_500,
    staff: 8,
    weeks: 26,
    seed: 1,
};

const FIRST: [&str; 24] = [
    "Anouk", "Bram", "Citlali", "Daan", "Esra", "Fenna", "Gijs", "Hanna", "Imane", "Jesse", "Kim",
    "Lars", "Maartje", "Noah", "Olga", "Pieter", "Quinty", "Ruben", "Sanne", "Tijn", "Uma",
    "Vince", "Wendy", "Yusuf",
];
const LAST: [&str; 12] = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Yilmaz",
    "El Amrani",
    "Peters",
];
const CHANNELS: [(Channel, f64, f64, f64); 6] = [
    // channel, weight, functional effect, emotional effect
    (Channel::Phone, 0.42, 0.0, 0.15),
    (Channel::Email, 0.20, 0.1, -0.35),
    (Channel::Chat, 0.16, -0.05, -0.2),
    (Channel::Counter, 0.10, 0.1, 0.3),
    (Channel::Social, 0.07, -0.2, -0.3),
    (Channel::Visit, 0.05, 0.2, 0.45),
];
const TOPICS: [(&str, f64, f64, f64); 8] = [
    // topic, weight, functional effect, emotional effect
    ("factuur", 0.22, 0.0, -0.1),
    ("levering", 0.18, -0.3, -0.1),
    ("storing", 0.14, -0.6, -0.2),
    ("verhuizing", 0.10, 0.2, 0.1),
    ("opzegging", 0.08, 0.1, -0.4),
    ("klacht", 0.10, -0.4, -0.5),
    ("informatie", 0.12, 0.5, 0.2),
    ("betaling", 0.06, 0.1, 0.0),
];
/// Why contacts that were not solved failed, with how often.
const REASONS: [(Reason, f64); 5] = [
    (Reason::NotSolved, 0.35),
    (Reason::NotAnswered, 0.25),
    (Reason::TooSlow, 0.2),
    (Reason::Wrong, 0.12),
    (Reason::Other, 0.08),
];

const NOTES: [&str; 8] = [
    "Klant belt terug na controle van de factuur.",
    "Monteur ingepland; klant was opgelucht.",
    "Kon de levering niet verzetten, wel excuses aangeboden.",
    "Uitleg gegeven over de nieuwe tarieven.",
    "Klant voelde zich niet gehoord bij eerder contact.",
    "Extra tijd genomen; klant bedankte uitgebreid.",
    "Doorverbonden met de tweede lijn.",
    "Terugbelafspraak gemaakt voor morgen.",
];

struct Staff {
    name: String,
    skill: f64,
    warmth: f64,
}

/// The Dutch clock: CET, or CEST from the last Sunday of March to the last Sunday of October.
fn dutch_offset(date: NaiveDate) -> FixedOffset {
    let last_sunday = |month: u32| {
        let first_next = NaiveDate::from_ymd_opt(date.year(), month + 1, 1).unwrap_or(date);
        let back = (first_next.weekday().num_days_from_sunday() + 6) % 7 + 1;
        first_next - Days::new(u64::from(back))
    };
    let summer = date >= last_sunday(3) && date < last_sunday(10);
    FixedOffset::east_opt(if summer { 7200 } else { 3600 }).expect("a whole-hour offset is valid")
}

/// Busy weeks: the run-up to Christmas and the summer holidays, as a 0–1 load.
fn busy(date: NaiveDate) -> f64 {
    let w = f64::from(date.iso_week().week());
    let bump = |centre: f64, width: f64| (-((w - centre) / width).powi(2)).exp();
    bump(50.5, 2.0).max(bump(30.0, 2.5))
}

/// The demo journal as a stream of contacts, oldest first, ending at `now`.
pub struct Demo {
    spec: DemoSpec,
    rng: StdRng,
    staff: Vec<Staff>,
    noise: Normal<f64>,
    start: NaiveDateTime,
    step_seconds: f64,
    now: DateTime<FixedOffset>,
    next: u64,
}

impl Demo {
    /// The demo stream; with `you`, the first staff member carries that name, so the user's
    /// own journal has contacts too.
    pub fn new(spec: DemoSpec, now: DateTime<FixedOffset>) -> Self {
        Self::with_member(spec, now, None)
    }

    pub fn with_member(spec: DemoSpec, now: DateTime<FixedOffset>, you: Option<&str>) -> Self {
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let staff = (0..spec.staff.max(1) as usize)
            .map(|i| {
                let first = FIRST[i % FIRST.len()];
                let last = LAST[(i / FIRST.len() + i) % LAST.len()];
                let name = match (i, you, i / (FIRST.len() * LAST.len())) {
                    (0, Some(you), _) => you.to_owned(),
                    (_, _, 0) => format!("{first} {last}"),
                    (_, _, n) => format!("{first} {last} {}", n + 1),
                };
                Staff {
                    name,
                    skill: rng.gen_range(-0.5..0.5),
                    warmth: rng.gen_range(-0.8..0.8),
                }
            })
            .collect();
        let end = now.date_naive();
        let start = week::monday(end) - Days::new(7 * u64::from(spec.weeks.max(1) - 1));
        let days = (end - start).num_days() + 1;
        Self {
            spec,
            rng,
            staff,
            noise: Normal::new(0.0, 0.85).expect("a positive spread is valid"),
            start: start.and_time(chrono::NaiveTime::MIN),
            step_seconds: (days * 86_400) as f64 / spec.contacts.max(1) as f64,
            now,
            next: 0,
        }
    }
}

impl Iterator for Demo {
    type Item = Contact;

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left =
            usize::try_from(self.spec.contacts.saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }

    fn next(&mut self) -> Option<Contact> {
        if self.next >= self.spec.contacts {
            return None;
        }
        let rng = &mut self.rng;
        // Spread over the period (so the stream is roughly in time order), on working hours
        // from Monday to Saturday.
        let slot = self.start + Duration::seconds((self.step_seconds * self.next as f64) as i64);
        self.next += 1;
        // A few days of jitter so weekly counts vary as real ones do.
        let jitter = rng.gen_range(-3..=3_i64);
        let end = self.now.date_naive();
        let mut date = (slot.date() + Duration::days(jitter)).clamp(self.start.date(), end);
        if date.weekday() == Weekday::Sun {
            date = date - Days::new(1);
        }
        let second = rng.gen_range(8 * 3600..20 * 3600);
        let local = date.and_time(chrono::NaiveTime::from_num_seconds_from_midnight_opt(
            second, 0,
        )?);
        let mut occurred_at = dutch_offset(date).from_local_datetime(&local).single()?;
        if occurred_at > self.now {
            occurred_at = self.now - Duration::minutes(rng.gen_range(1..90));
        }
        let date = occurred_at.date_naive();
        let who = &self.staff[rng.gen_range(0..self.staff.len())];
        let (channel, cf, ce) = pick(rng, &CHANNELS.map(|(c, w, f, e)| ((c, f, e), w)));
        let (topic, tf, te) = pick(rng, &TOPICS.map(|(t, w, f, e)| ((t, f, e), w)));
        let functional_latent = 4.1 + who.skill + cf + tf - 0.9 * busy(date);
        // The emotional side feels the busy season three weeks late.
        let emotional_latent = 3.2 + who.warmth + ce + te - 0.8 * busy(date - Days::new(21))
            + 0.25 * (functional_latent - 4.1);
        let noise = self.noise;
        let rate = |rng: &mut StdRng, latent: f64| {
            (latent + noise.sample(rng)).round().clamp(1.0, 5.0) as u8
        };
        let functional = rate(rng, functional_latent);
        let emotional = rate(rng, emotional_latent);
        let logged_at = occurred_at.with_timezone(&Utc) + Duration::seconds(rng.gen_range(20..240));
        let follow_up = rng.gen_bool(if functional <= 2 { 0.35 } else { 0.04 });
        // Teams work most follow-ups off within the day they promised, some days later; only
        // the last week's are mostly open.
        let done_at = (follow_up || emotional <= 2)
            .then(|| {
                let soon: f64 = rng.gen();
                logged_at + Duration::minutes(30 + (soon.powi(3) * 4.0 * 24.0 * 60.0) as i64)
            })
            .filter(|&t| t <= self.now && rng.gen_bool(0.97));
        let due = (follow_up || emotional <= 2).then(|| validate::next_working_day(date));
        let reason = (functional <= 2 && rng.gen_bool(0.8)).then(|| pick(rng, &REASONS));
        // Most staff give a level, mostly 3 or 4 and higher where the contact went well; a
        // few customers are asked for their score, and one contact in five gets the "valued?"
        // question.
        let level = rng.gen_bool(0.6).then(|| {
            rate(
                rng,
                3.45 + 0.5 * (emotional_latent - 3.2) + 0.2 * (functional_latent - 4.1),
            )
        });
        let valued = rng.gen_bool(0.2).then(|| rate(rng, emotional_latent - 0.3));
        let nps = rng.gen_bool(0.2).then(|| {
            let score =
                f64::from(functional) + f64::from(emotional) + 0.5 + 1.4 * noise.sample(rng);
            score.round().clamp(0.0, 10.0) as u8
        });
        let star = rng.gen_bool(if functional == 5 && emotional == 5 {
            0.04
        } else {
            0.002
        });
        let customers = (self.spec.contacts / 4).max(50);
        Some(Contact {
            // Time-ordered (v7) like the app's own ids, so the primary key grows at its end;
            // the random part comes from the seed, so the same seed gives the same ids.
            id: uuid::Builder::from_unix_timestamp_millis(
                u64::try_from(occurred_at.timestamp_millis()).unwrap_or(0),
                &rng.gen(),
            )
            .into_uuid(),
            occurred_at,
            local_date: date,
            iso_week: week::label(date),
            logged_at,
            updated_at: logged_at,
            staff: who.name.clone(),
            staff_id: None,
            channel,
            functional,
            emotional,
            topic: rng.gen_bool(0.85).then(|| topic.to_owned()),
            customer_ref: rng
                .gen_bool(0.7)
                .then(|| format!("K-{:06}", rng.gen_range(0..customers))),
            note: rng
                .gen_bool(0.08)
                .then(|| NOTES[rng.gen_range(0..NOTES.len())].to_owned()),
            follow_up,
            follow_up_done_at: done_at,
            follow_up_done_by: done_at.map(|_| who.name.clone()),
            reason,
            level,
            nps,
            valued,
            due,
            star,
        })
    }
}

fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, f64)]) -> T {
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0.0..total);
    for (item, w) in weighted {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    weighted[weighted.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};
    use uuid::Uuid;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-22T12:00:00+01:00").unwrap()
    }

    fn spec(contacts: u64) -> DemoSpec {
        DemoSpec {
            contacts,
            staff: 12,
            weeks: 52,
            seed: 7,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_journal() {
        let a: Vec<Contact> = Demo::new(spec(500), now()).collect();
        let b: Vec<Contact> = Demo::new(spec(500), now()).collect();
        assert_eq!(a, b);
        let c: Vec<Contact> = Demo::new(
            DemoSpec {
                seed: 8,
                ..spec(500)
            },
            now(),
        )
        .collect();
        assert_ne!(a, c);
    }

    #[test]
    fn contacts_are_complete_consistent_and_in_range() {
        let all: Vec<Contact> = Demo::new(spec(5_000), now()).collect();
        assert_eq!(all.len(), 5_000);
        let first_monday = NaiveDate::from_ymd_opt(2025, 11, 24).unwrap();
        for c in &all {
            assert!((1..=5).contains(&c.functional) && (1..=5).contains(&c.emotional));
            assert_eq!(c.local_date, c.occurred_at.date_naive());
            assert_eq!(c.iso_week, week::label(c.local_date));
            assert!(
                c.local_date >= first_monday && c.occurred_at <= now(),
                "{}",
                c.occurred_at
            );
            assert_ne!(c.local_date.weekday(), Weekday::Sun);
        }
        let staff: HashSet<&str> = all.iter().map(|c| c.staff.as_str()).collect();
        assert_eq!(staff.len(), 12);
        let ids: HashSet<Uuid> = all.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), all.len());
        let summer = all.iter().find(|c| c.local_date.month() == 7).unwrap();
        assert_eq!(summer.occurred_at.offset().local_minus_utc(), 7200);
    }

    #[test]
    fn solved_more_often_than_welcome_and_the_emotional_dip_comes_later() {
        let all: Vec<Contact> = Demo::new(
            DemoSpec {
                contacts: 60_000,
                ..spec(0)
            },
            now(),
        )
        .collect();
        let share = |f: &dyn Fn(&Contact) -> bool| {
            all.iter().filter(|c| f(c)).count() as f64 / all.len() as f64
        };
        let functional = share(&|c| c.functional >= 4);
        let emotional = share(&|c| c.emotional >= 4);
        assert!(
            functional > 0.55 && functional < 0.85,
            "{functional} {emotional}"
        );
        assert!(
            emotional > 0.25 && emotional < 0.45,
            "{functional} {emotional}"
        );

        let mut weeks: BTreeMap<u32, (f64, f64, f64)> = BTreeMap::new();
        for c in all.iter().filter(|c| c.local_date.year() == 2026) {
            let w = weeks.entry(c.local_date.iso_week().week()).or_default();
            w.0 += 1.0;
            w.1 += f64::from(u8::from(c.functional >= 4));
            w.2 += f64::from(u8::from(c.emotional >= 4));
        }
        let lowest = |axis: fn(&(f64, f64, f64)) -> f64| {
            weeks
                .iter()
                .min_by(|a, b| (axis(a.1) / a.1 .0).total_cmp(&(axis(b.1) / b.1 .0)))
                .map(|(w, _)| *w)
                .unwrap()
        };
        let f_dip = lowest(|w| w.1);
        let e_dip = lowest(|w| w.2);
        assert!((27..=33).contains(&f_dip), "functional dip in week {f_dip}");
        assert!(
            e_dip > f_dip && e_dip <= f_dip + 6,
            "emotional dip in week {e_dip}, functional {f_dip}"
        );
    }
}
