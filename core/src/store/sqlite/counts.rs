//! The weekly counts: read from the rollups where whole ISO weeks allow, otherwise counted
//! from the contacts; and the rollups kept up to date when new contacts arrive.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use sqlx::{QueryBuilder, Sqlite};

use super::rows::corrupt;
use super::rows::ROWS_PER_STATEMENT;
use super::SqliteStore;
use crate::error::Result;
use crate::model::{positive_sql, Channel};
use crate::store::{AnswerCounts, GroupBy, StatsFilter, WeekCounts};
use crate::week;

impl SqliteStore {
    /// Counts per ISO week, or per group (staff member, channel, topic) and week. Whole ISO
    /// weeks come from a rollup (a few rows per week), unless a topic is combined with staff;
    /// anything else is counted from the contacts themselves, through the covering index of
    /// its most selective filter. With `split`, the weeks are summed into two parts instead,
    /// before that day and from it on, each labelled by its first week.
    pub(super) async fn counts(
        &self,
        f: &StatsFilter,
        by: Option<GroupBy>,
        split: Option<NaiveDate>,
    ) -> Result<Vec<(String, WeekCounts)>> {
        let whole_weeks = f.from.weekday() == Weekday::Mon && f.to.weekday() == Weekday::Sun;
        // Grouping by a constant would cost the rollup its key order, so the team-wide query
        // groups by week alone and only selects an empty group name.
        let (select, key) = match by {
            None => ("''", None),
            Some(GroupBy::Staff) => ("staff", Some("staff")),
            Some(GroupBy::Channel) => ("channel", Some("channel")),
            Some(GroupBy::Topic) => ("topic", Some("topic")),
        };
        let week_key = if split.is_some() { "part" } else { "iso_week" };
        let group = key.map_or_else(|| week_key.to_owned(), |k| format!("{k}, {week_key}"));
        let team = by != Some(GroupBy::Staff) && f.staff.is_empty();
        let rollup = match (&f.topic, by) {
            // Only topics have a rollup by topic, and only for the whole team.
            (_, Some(GroupBy::Topic)) if team => Some("week_topic_rollup"),
            (_, Some(GroupBy::Topic)) => None,
            // The whole team has a rollup of its own, a few rows per week.
            (None, _) if team => Some("week_team_rollup"),
            // Staff over every channel have a rollup without the channels.
            (None, by) if f.channel.is_none() && by != Some(GroupBy::Channel) => {
                Some("week_staff_rollup")
            }
            (None, _) => Some("week_rollup"),
            (Some(_), _) if team => Some("week_topic_rollup"),
            (Some(_), _) => None,
        };
        let rollup = rollup.filter(|_| whole_weeks);
        // Week labels sort as the weeks do; both are made here from dates, never typed. The
        // contacts split by their day, a rollup by its week (whole weeks: a Monday's).
        let week = match split {
            None => "iso_week".to_owned(),
            Some(day) => format!(
                "CASE WHEN {column} >= '{start}' THEN '{now}' ELSE '{then}' END AS part",
                column = if rollup.is_some() {
                    "iso_week"
                } else {
                    "local_date"
                },
                start = if rollup.is_some() {
                    week::label(day)
                } else {
                    day.to_string()
                },
                now = week::label(day),
                then = week::label(f.from)
            ),
        };
        let mut sql: QueryBuilder<Sqlite> = if let Some(rollup) = rollup {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {select}, {week}, SUM(n), SUM(both_positive), \
                 SUM(f1), SUM(f2), SUM(f3), SUM(f4), SUM(f5), \
                 SUM(e1), SUM(e2), SUM(e3), SUM(e4), SUM(e5) \
                 FROM {rollup} WHERE iso_week BETWEEN "
            ));
            sql.push_bind(week::label(f.from))
                .push(" AND ")
                .push_bind(week::label(f.to));
            sql
        } else {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {select}, {week}, {} \
                 FROM contacts WHERE deleted_at IS NULL AND local_date BETWEEN ",
                count_columns()
            ));
            sql.push_bind(f.from.to_string())
                .push(" AND ")
                .push_bind(f.to.to_string());
            sql
        };
        push_topic(&mut sql, f);
        push_staff_channel(&mut sql, f);
        if by == Some(GroupBy::Topic) {
            sql.push(" AND topic IS NOT NULL");
        }
        sql.push(format!(" GROUP BY {group} ORDER BY {group}"));
        let rows: Vec<CountRow> = sql.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter()
            // Rollup rows of contacts since deleted or edited away sum to zero.
            .filter(|row| row.2 > 0)
            .map(into_counts)
            .collect()
    }
}

/// staff, iso_week, n, both positive, then the counts of functional 1–5 and emotional 1–5.
pub(super) type CountRow = (
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

pub(super) fn into_counts(row: CountRow) -> Result<(String, WeekCounts)> {
    let count = |v: i64| u32::try_from(v).map_err(|_| corrupt("count", &v.to_string()));
    let (staff, iso_week, n, both, f1, f2, f3, f4, f5, e1, e2, e3, e4, e5) = row;
    let counts = WeekCounts {
        iso_week,
        n: count(n)?,
        both_positive: count(both)?,
        functional: [count(f1)?, count(f2)?, count(f3)?, count(f4)?, count(f5)?],
        emotional: [count(e1)?, count(e2)?, count(e3)?, count(e4)?, count(e5)?],
    };
    Ok((staff, counts))
}

/// Narrows a query on `contacts` or `week_rollup` to the filter's staff and channel.
pub(super) fn push_staff_channel(sql: &mut QueryBuilder<'_, Sqlite>, f: &StatsFilter) {
    if !f.staff.is_empty() {
        sql.push(" AND staff IN (");
        let mut names = sql.separated(", ");
        for name in &f.staff {
            names.push_bind(name.clone());
        }
        sql.push(")");
    }
    if let Some(channel) = f.channel {
        sql.push(" AND channel = ").push_bind(channel.as_str());
    }
}

pub(super) fn push_topic(sql: &mut QueryBuilder<'_, Sqlite>, f: &StatsFilter) {
    if let Some(topic) = &f.topic {
        sql.push(" AND topic = ").push_bind(topic.clone());
    }
}

/// The rollup's counts of a group of contacts, in the order of its columns.
pub(super) fn count_columns() -> String {
    let both = format!(
        "{} AND {}",
        positive_sql("functional"),
        positive_sql("emotional")
    );
    format!(
        "COUNT(*), SUM({both}), \
         SUM(functional = 1), SUM(functional = 2), SUM(functional = 3), SUM(functional = 4), \
         SUM(functional = 5), SUM(emotional = 1), SUM(emotional = 2), SUM(emotional = 3), \
         SUM(emotional = 4), SUM(emotional = 5)"
    )
}

/// Adds new counts to a rollup row that exists already; `key` is the rollup's primary key.
pub(super) fn rollup_upsert(key: &str) -> String {
    format!(
        " ON CONFLICT ({key}) DO UPDATE SET \
         n = n + excluded.n, both_positive = both_positive + excluded.both_positive, \
         f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3, \
         f4 = f4 + excluded.f4, f5 = f5 + excluded.f5, \
         e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3, \
         e4 = e4 + excluded.e4, e5 = e5 + excluded.e5"
    )
}

/// The rollups that new contacts are folded into, with the contact columns each is keyed by
/// (in the table's column order) and the condition a contact must meet to count in it.
pub(super) const ROLLUPS: [(&str, &str, &str); 2] = [
    ("week_rollup", "iso_week, staff, channel", "TRUE"),
    (
        "week_topic_rollup",
        "iso_week, topic, channel",
        "topic IS NOT NULL",
    ),
];

/// New contacts counted per rollup row: the key's values, in the order of [`ROLLUPS`].
pub(super) type Fold = HashMap<(String, String, Channel), WeekCounts>;

/// Folded counts in their rollup's key order, so that each statement's rows go to neighbouring
/// pages of the rollup instead of pages all over it, as a map's own order would have them.
fn in_key_order<T>(
    fold: HashMap<(String, String, Channel), T>,
) -> Vec<((String, String, Channel), T)> {
    let mut groups: Vec<_> = fold.into_iter().collect();
    groups.sort_unstable_by(|(a, _), (b, _)| {
        (&a.0, &a.1, a.2.as_str()).cmp(&(&b.0, &b.1, b.2.as_str()))
    });
    groups
}

/// Writes counts folded in memory to `table`, adding to the rows that exist.
pub(super) async fn flush_rollup(
    tx: &mut sqlx::SqliteConnection,
    table: &str,
    key: &str,
    fold: Fold,
) -> Result<()> {
    let groups = in_key_order(fold);
    for part in groups.chunks(ROWS_PER_STATEMENT) {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!("INSERT INTO {table} "));
        sql.push_values(part, |mut row, ((week, group, channel), k)| {
            row.push_bind(week.as_str())
                .push_bind(group.as_str())
                .push_bind(channel.as_str())
                .push_bind(i64::from(k.n))
                .push_bind(i64::from(k.both_positive));
            for v in k.functional.iter().chain(&k.emotional) {
                row.push_bind(i64::from(*v));
            }
        });
        sql.push(rollup_upsert(key));
        sql.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// The answers' rollups a bulk write folds its contacts into while their insert triggers are
/// paused, with their keys (in the table's column order).
pub(super) const ANSWER_ROLLUPS: [(&str, &str); 2] = [
    ("week_answer_rollup", "iso_week, staff, channel"),
    ("week_topic_answer_rollup", "iso_week, topic, channel"),
];

/// New contacts' answers counted per rollup row, in the order of [`ANSWER_ROLLUPS`].
pub(super) type AnswerFold = HashMap<(String, String, Channel), AnswerCounts>;

/// Writes answers folded in memory to `table`, adding to the rows that exist as the insert
/// trigger does (whose upsert the team's rollup follows).
pub(super) async fn flush_answers(
    tx: &mut sqlx::SqliteConnection,
    table: &str,
    key: &str,
    fold: AnswerFold,
) -> Result<()> {
    const COUNTS: [&str; 17] = [
        "nps_n",
        "promoters",
        "detractors",
        "detractors_welcome",
        "promoters_not_welcome",
        "l1",
        "l2",
        "l3",
        "l4",
        "l5",
        "v1",
        "v2",
        "v3",
        "v4",
        "v5",
        "customers",
        "repeats",
    ];
    let add: Vec<String> = COUNTS
        .iter()
        .map(|c| format!("{c} = {c} + excluded.{c}"))
        .collect();
    let upsert = format!(" ON CONFLICT ({key}) DO UPDATE SET {}", add.join(", "));
    let groups = in_key_order(fold);
    for part in groups.chunks(ROWS_PER_STATEMENT) {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "INSERT INTO {table} ({key}, {}) ",
            COUNTS.join(", ")
        ));
        sql.push_values(part, |mut row, ((week, group, channel), k)| {
            row.push_bind(week.as_str())
                .push_bind(group.as_str())
                .push_bind(channel.as_str());
            for v in [
                k.nps_n,
                k.promoters,
                k.detractors,
                k.detractors_welcome,
                k.promoters_not_welcome,
            ]
            .iter()
            .chain(&k.levels)
            .chain(&k.valued)
            .chain([&k.customers, &k.repeats])
            {
                row.push_bind(i64::from(*v));
            }
        });
        sql.push(&upsert);
        sql.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// The rollups that triggers keep from another rollup, summing away one of its keys: each with
/// its source and the key it keeps beside the week. A bulk write that rebuilds the indexes
/// drops those triggers (at 2,000 staff over five years each of its 6 million upserts into
/// the sources ran two of them) and makes these tables again from their sources at its end.
pub(super) const DERIVED_ROLLUPS: [(&str, &str, &str); 4] = [
    ("week_staff_rollup", "week_rollup", "staff"),
    ("week_team_rollup", "week_rollup", "channel"),
    ("week_staff_answer_rollup", "week_answer_rollup", "staff"),
    ("week_team_answer_rollup", "week_answer_rollup", "channel"),
];

/// Makes each of [`DERIVED_ROLLUPS`] again from its source, as its triggers would have kept it.
pub(super) async fn rederive(tx: &mut sqlx::SqliteConnection) -> Result<()> {
    for (table, source, key) in DERIVED_ROLLUPS {
        let counts: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM pragma_table_info(?) WHERE name NOT IN ('iso_week', ?) ORDER BY cid",
        )
        .bind(table)
        .bind(key)
        .fetch_all(&mut *tx)
        .await?;
        let sums: Vec<String> = counts.iter().map(|c| format!("SUM({c})")).collect();
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO {table} (iso_week, {key}, {}) SELECT iso_week, {key}, {} \
             FROM {source} GROUP BY iso_week, {key}",
            counts.join(", "),
            sums.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
