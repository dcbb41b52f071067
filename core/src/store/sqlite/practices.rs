//! The figures of the practices the research recommends: the customer's own score, service
//! levels, "valued", why contacts failed, repeat contacts and promises kept. These answers are
//! optional and sparse, so they are counted from the contacts through partial indexes rather
//! than kept in the rollups.

use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use sqlx::{QueryBuilder, Sqlite};

use super::counts::{push_staff_channel, push_topic};
use super::rows::{corrupt, rfc3339_utc, MomentRow, MOMENT_COLUMNS};
use super::SqliteStore;
use crate::error::Result;
use crate::model::{positive_sql, Reason};
use crate::practices::MOMENTS_LISTED;
use crate::store::{AnswerCounts, FailedCount, GroupBy, MomentsFound, PromiseCounts, StatsFilter};
use crate::week;

/// The week label of a contact, or with `split` the label of the part it falls in: by its
/// day, or by its week where only weeks are at hand (a rollup, which whole weeks read, so
/// the split falls on a Monday).
fn part(split: Option<NaiveDate>, from: NaiveDate, by_week: bool) -> String {
    match split {
        None => "iso_week".to_owned(),
        Some(day) => format!(
            "CASE WHEN {column} >= '{start}' THEN '{now}' ELSE '{then}' END",
            column = if by_week { "iso_week" } else { "local_date" },
            start = if by_week {
                week::label(day)
            } else {
                day.to_string()
            },
            now = week::label(day),
            then = week::label(from)
        ),
    }
}

fn count(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt("count", &v.to_string()))
}

/// Narrows to the filter's local dates, topic, staff and channel.
fn push_filter(sql: &mut QueryBuilder<'_, Sqlite>, f: &StatsFilter) {
    sql.push(" AND local_date BETWEEN ")
        .push_bind(f.from.to_string())
        .push(" AND ")
        .push_bind(f.to.to_string());
    push_topic(sql, f);
    push_staff_channel(sql, f);
}

impl SqliteStore {
    pub(super) async fn answers(
        &self,
        f: &StatsFilter,
        by: Option<GroupBy>,
        split: Option<NaiveDate>,
    ) -> Result<Vec<(String, AnswerCounts)>> {
        let group = match by {
            None => "''",
            Some(GroupBy::Staff) => "staff",
            Some(GroupBy::Channel) => "channel",
            Some(GroupBy::Topic) => "topic",
        };
        // Whole weeks come from a rollup, as the ratings do: the team's (a few rows per week),
        // per topic for the whole team, or per staff member (and channel, when one is asked
        // for); a topic with staff is counted from the contacts.
        let whole_weeks = f.from.weekday() == Weekday::Mon && f.to.weekday() == Weekday::Sun;
        let team = by != Some(GroupBy::Staff) && f.staff.is_empty();
        let topical = f.topic.is_some() || by == Some(GroupBy::Topic);
        let over_channels = f.channel.is_none() && by != Some(GroupBy::Channel);
        let rollup = match (topical, team) {
            (true, true) => Some("week_topic_answer_rollup"),
            (true, false) => None,
            (false, true) => Some("week_team_answer_rollup"),
            // Staff over every channel have a rollup without the channels.
            (false, false) if over_channels => Some("week_staff_answer_rollup"),
            (false, false) => Some("week_answer_rollup"),
        };
        let rollup = rollup.filter(|_| whole_weeks);
        let label = part(split, f.from, rollup.is_some());
        let mut sql: QueryBuilder<Sqlite> = if let Some(rollup) = rollup {
            let mut columns = vec!["nps_n", "promoters", "detractors"];
            columns.extend(["detractors_welcome", "promoters_not_welcome"]);
            columns.extend(["l1", "l2", "l3", "l4", "l5", "v1", "v2", "v3", "v4", "v5"]);
            columns.extend(["customers", "repeats"]);
            let sums: Vec<String> = columns.iter().map(|c| format!("SUM({c})")).collect();
            let mut sql = QueryBuilder::new(format!(
                "SELECT {group} AS grp, {label} AS label, {} FROM {rollup} \
                 WHERE iso_week BETWEEN ",
                sums.join(", ")
            ));
            sql.push_bind(week::label(f.from))
                .push(" AND ")
                .push_bind(week::label(f.to));
            push_topic(&mut sql, f);
            push_staff_channel(&mut sql, f);
            sql
        } else {
            let welcome = positive_sql("emotional");
            let mut columns = vec![
                "COUNT(nps)".to_owned(),
                "SUM(nps >= 9)".to_owned(),
                "SUM(nps <= 6)".to_owned(),
                format!("SUM(nps <= 6 AND {welcome})"),
                format!("SUM(nps >= 9 AND NOT {welcome})"),
            ];
            columns.extend((1..=5).map(|l| format!("SUM(level = {l})")));
            columns.extend((1..=5).map(|v| format!("SUM(valued = {v})")));
            columns.extend([
                "COUNT(customer_ref)".to_owned(),
                "SUM(repeat_contact)".to_owned(),
            ]);
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| format!("COALESCE({c}, 0)"))
                .collect();
            let mut sql = QueryBuilder::new(format!(
                "SELECT {group} AS grp, {label} AS label, {} FROM contacts \
                 WHERE deleted_at IS NULL \
                 AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL \
                 OR customer_ref IS NOT NULL)",
                columns.join(", ")
            ));
            push_filter(&mut sql, f);
            if by == Some(GroupBy::Topic) {
                sql.push(" AND topic IS NOT NULL");
            }
            sql
        };
        sql.push(" GROUP BY grp, label ORDER BY grp, label");
        let rows: Vec<sqlx::sqlite::SqliteRow> = sql.build().fetch_all(&self.reader).await?;
        rows.iter()
            .map(|row| {
                use sqlx::Row;
                let v = |i: usize| -> Result<u32> { count(row.try_get::<i64, _>(i)?) };
                let five = |at: usize| -> Result<[u32; 5]> {
                    Ok([v(at)?, v(at + 1)?, v(at + 2)?, v(at + 3)?, v(at + 4)?])
                };
                Ok((
                    row.try_get(0)?,
                    AnswerCounts {
                        iso_week: row.try_get(1)?,
                        nps_n: v(2)?,
                        promoters: v(3)?,
                        detractors: v(4)?,
                        detractors_welcome: v(5)?,
                        promoters_not_welcome: v(6)?,
                        levels: five(7)?,
                        valued: five(12)?,
                        customers: v(17)?,
                        repeats: v(18)?,
                    },
                ))
            })
            .collect()
    }

    pub(super) async fn failed(
        &self,
        f: &StatsFilter,
        from: NaiveDate,
    ) -> Result<Vec<FailedCount>> {
        let label = part(Some(from), f.from, false);
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {label} AS label, topic, reason, COUNT(*) \
             FROM contacts INDEXED BY contacts_live_failed \
             WHERE deleted_at IS NULL AND functional <= 2"
        ));
        push_filter(&mut sql, f);
        sql.push(" GROUP BY label, topic, reason");
        let rows: Vec<(String, Option<String>, Option<String>, i64)> =
            sql.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter()
            .map(|(part, topic, reason, n)| {
                Ok(FailedCount {
                    part,
                    topic,
                    reason: reason
                        .map(|r| Reason::from_str(&r).map_err(|()| corrupt("reason", &r)))
                        .transpose()?,
                    count: count(n)?,
                })
            })
            .collect()
    }

    pub(super) async fn promises(
        &self,
        f: &StatsFilter,
        today: NaiveDate,
    ) -> Result<PromiseCounts> {
        // Done "on time" means by the end of the due day on the clock the contact was logged
        // on (the column `done_on_time`, kept in the index by SQLite).
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT COALESCE(SUM(done_on_time = 1), 0), COALESCE(SUM(done_on_time = 0), 0), \
             COALESCE(SUM(done_on_time IS NULL AND due < ",
        );
        sql.push_bind(today.to_string())
            .push("), 0), COALESCE(SUM(done_on_time IS NULL AND due >= ")
            .push_bind(today.to_string())
            .push("), 0) FROM contacts WHERE deleted_at IS NULL AND due BETWEEN ")
            .push_bind(f.from.to_string())
            .push(" AND ")
            .push_bind(f.to.to_string());
        push_topic(&mut sql, f);
        push_staff_channel(&mut sql, f);
        let (kept, late, overdue, pending): (i64, i64, i64, i64) =
            sql.build_query_as().fetch_one(&self.reader).await?;
        Ok(PromiseCounts {
            kept: count(kept)?,
            late: count(late)?,
            overdue: count(overdue)?,
            pending: count(pending)?,
        })
    }

    pub(super) async fn level5(&self, f: &StatsFilter) -> Result<(u32, u32)> {
        // The whole team's customers over whole weeks are summed from their rollup: the
        // contacts of the weeks whose customer's next contact (or next level-5 contact) lies
        // after the last week. A filter needs the customers counted distinct.
        let whole_weeks = f.from.weekday() == Weekday::Mon && f.to.weekday() == Weekday::Sun;
        if whole_weeks && f.staff.is_empty() && f.channel.is_none() && f.topic.is_none() {
            let (last, first) = (week::label(f.to), week::label(f.from));
            let (all, five): (i64, i64) = sqlx::query_as(
                "SELECT COALESCE(SUM(customers), 0), COALESCE(SUM(level5), 0) \
                 FROM week_customer_rollup \
                 WHERE iso_week BETWEEN ? AND ? AND (next_week = '' OR next_week > ?)",
            )
            .bind(&first)
            .bind(&last)
            .bind(&last)
            .fetch_one(&self.reader)
            .await?;
            return Ok((count(all)?, count(five)?));
        }
        // Two DISTINCT scans of the covering index cost less than one with two COUNT(DISTINCT).
        let customers = |level5: bool| {
            let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT COUNT(*) FROM (SELECT DISTINCT customer_ref \
                 FROM contacts INDEXED BY contacts_live_customers \
                 WHERE deleted_at IS NULL AND customer_ref IS NOT NULL",
            );
            if level5 {
                sql.push(" AND level = 5");
            }
            push_filter(&mut sql, f);
            sql.push(")");
            sql
        };
        let (mut all, mut five) = (customers(false), customers(true));
        let (all, five): (i64, i64) = tokio::try_join!(
            all.build_query_scalar().fetch_one(&self.reader),
            five.build_query_scalar().fetch_one(&self.reader),
        )?;
        Ok((count(all)?, count(five)?))
    }

    pub(super) async fn moments_of(&self, f: &StatsFilter) -> Result<MomentsFound> {
        // Without statistics (a journal is never analysed) SQLite would read these from the
        // index by day, row by row; the partial index holds all that is needed.
        const MOMENT: &str = "deleted_at IS NULL \
             AND ((functional = 5 AND emotional = 5) OR level = 5 OR star = 1)";
        let mut counted: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT staff, SUM(functional = 5 AND emotional = 5), SUM(level = 5), SUM(star) \
             FROM contacts INDEXED BY contacts_live_moments WHERE {MOMENT}"
        ));
        push_filter(&mut counted, f);
        counted.push(" GROUP BY staff ORDER BY staff");
        // Every marked contact, and each person's newest unmarked ones.
        let mut listed: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {MOMENT_COLUMNS} FROM contacts WHERE rowid IN (SELECT rowid FROM (SELECT rowid, star, \
             ROW_NUMBER() OVER (PARTITION BY staff, star ORDER BY occurred_ms DESC) AS newest \
             FROM contacts INDEXED BY contacts_live_moments WHERE {MOMENT}"
        ));
        push_filter(&mut listed, f);
        listed.push(format!(
            ") WHERE star = 1 OR newest <= {MOMENTS_LISTED}) ORDER BY staff, occurred_ms DESC"
        ));
        // Two independent reads of the same index, side by side.
        let (counts, rows) = tokio::try_join!(
            counted
                .build_query_as::<(String, i64, i64, i64)>()
                .fetch_all(&self.reader),
            listed.build_query_as::<MomentRow>().fetch_all(&self.reader),
        )?;
        let counts = counts
            .into_iter()
            .map(|(staff, both, level5, starred)| {
                Ok((staff, [count(both)?, count(level5)?, count(starred)?]))
            })
            .collect::<Result<Vec<_>>>()?;
        let contacts = rows
            .into_iter()
            .map(MomentRow::into_moment)
            .collect::<Result<Vec<_>>>()?;
        Ok(MomentsFound { counts, contacts })
    }

    pub(super) async fn notes(&self, from: &str, to: &str) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT iso_week, note FROM week_notes WHERE iso_week BETWEEN ? AND ? ORDER BY iso_week",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.reader)
        .await?)
    }

    pub(super) async fn put_note(
        &self,
        week: &str,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let query = match note {
            Some(note) => sqlx::query(
                "INSERT INTO week_notes (iso_week, note, updated_at) VALUES (?, ?, ?) \
                 ON CONFLICT (iso_week) DO UPDATE SET note = excluded.note, \
                 updated_at = excluded.updated_at",
            )
            .bind(week)
            .bind(note)
            .bind(rfc3339_utc(at)),
            None => sqlx::query("DELETE FROM week_notes WHERE iso_week = ?").bind(week),
        };
        self.write(query).await?;
        Ok(())
    }
}
