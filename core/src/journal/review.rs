//! The weekly figures, the review and its drill-down, read through the rollups.

use super::*;

impl Journal {
    /// Weekly figures over whole ISO weeks; by default the 12 weeks up to today.
    pub async fn weekly(&self, query: &WeeklyQuery) -> Result<WeeklyReport> {
        let filter = self.stats_filter(query)?;
        let counts = self.store.week_counts(&filter).await?;
        let answers = self.week_answers(&filter, None).await?;
        Ok(stats::report(
            filter.from,
            filter.to,
            &counts,
            answers.get("").map_or(&[], Vec::as_slice),
        ))
    }

    /// The same figures for every staff member with contacts in the range, by name.
    pub async fn weekly_by_staff(&self, query: &WeeklyQuery) -> Result<Vec<StaffWeeks>> {
        let filter = self.stats_filter(query)?;
        let counts = self.store.week_counts_by(&filter, GroupBy::Staff).await?;
        let answers = self.week_answers(&filter, Some(GroupBy::Staff)).await?;
        let mut by_staff: BTreeMap<String, Vec<WeekCounts>> = BTreeMap::new();
        for (staff, c) in counts {
            by_staff.entry(staff).or_default().push(c);
        }
        Ok(by_staff
            .into_iter()
            .map(|(staff, counts)| StaffWeeks {
                report: stats::report(
                    filter.from,
                    filter.to,
                    &counts,
                    answers.get(&staff).map_or(&[], Vec::as_slice),
                ),
                staff,
            })
            .collect())
    }

    /// The review of a range of whole weeks: weekly figures with the rating distribution and
    /// quadrants, and the period's totals next to those of the equally long period before.
    pub async fn review(&self, query: &WeeklyQuery) -> Result<Review> {
        let filter = self.stats_filter(query)?;
        let previous_from = previous_from(&filter);
        let both = StatsFilter {
            from: previous_from,
            ..filter.clone()
        };
        let counts = self.store.week_counts(&both).await?;
        let answers = self.week_answers(&filter, None).await?;
        Ok(stats::review(
            previous_from,
            filter.from,
            filter.to,
            &counts,
            answers.get("").map_or(&[], Vec::as_slice),
        ))
    }

    /// [`Journal::review`] for every staff member with contacts in either period.
    pub async fn review_by_staff(&self, query: &WeeklyQuery) -> Result<Vec<StaffReview>> {
        let filter = self.stats_filter(query)?;
        let previous_from = previous_from(&filter);
        let both = StatsFilter {
            from: previous_from,
            ..filter.clone()
        };
        let mut by_staff: BTreeMap<String, Vec<WeekCounts>> = BTreeMap::new();
        for (staff, c) in self.store.week_counts_by(&both, GroupBy::Staff).await? {
            by_staff.entry(staff).or_default().push(c);
        }
        Ok(by_staff
            .into_iter()
            .map(|(staff, counts)| {
                stats::staff_review(staff, previous_from, filter.from, filter.to, &counts)
            })
            .collect())
    }

    /// The largest moves from the equally long period before to this one, overall, per
    /// channel, per topic and per staff member; only those whose interval excludes 0.
    pub async fn what_changed(&self, query: &WeeklyQuery) -> Result<WhatChanged> {
        let filter = self.stats_filter(query)?;
        let both = StatsFilter {
            from: previous_from(&filter),
            ..filter.clone()
        };
        // The four groupings are independent reads, which run side by side.
        let store = &self.store;
        let (all, by_channel, by_topic, by_staff) = tokio::try_join!(
            store.period_counts_by(&both, None, filter.from),
            store.period_counts_by(&both, Some(GroupBy::Channel), filter.from),
            store.period_counts_by(&both, Some(GroupBy::Topic), filter.from),
            store.period_counts_by(&both, Some(GroupBy::Staff), filter.from),
        )?;
        let mut groups = vec![(stats::Group::All, all.into_iter().map(|(_, c)| c).collect())];
        for (by, counted) in [
            (GroupBy::Channel, by_channel),
            (GroupBy::Topic, by_topic),
            (GroupBy::Staff, by_staff),
        ] {
            // A grouping the filters narrow to one value repeats the overall figure.
            let narrowed = match by {
                GroupBy::Channel => both.channel.is_some(),
                GroupBy::Topic => both.topic.is_some(),
                GroupBy::Staff => both.staff.len() == 1,
            };
            if narrowed {
                continue;
            }
            let mut grouped: BTreeMap<String, Vec<WeekCounts>> = BTreeMap::new();
            for (name, c) in counted {
                grouped.entry(name).or_default().push(c);
            }
            for (name, counts) in grouped {
                let group = match by {
                    GroupBy::Channel => match name.parse() {
                        Ok(channel) => stats::Group::Channel(channel),
                        Err(()) => return Err(Error::Internal(format!("unknown channel {name}"))),
                    },
                    GroupBy::Topic => stats::Group::Topic(name),
                    GroupBy::Staff => stats::Group::Staff(name),
                };
                groups.push((group, counts));
            }
        }
        Ok(stats::what_changed(filter.from, groups))
    }

    /// The answers' counts per week, per group.
    async fn week_answers(
        &self,
        filter: &StatsFilter,
        by: Option<GroupBy>,
    ) -> Result<BTreeMap<String, Vec<AnswerCounts>>> {
        let mut grouped: BTreeMap<String, Vec<AnswerCounts>> = BTreeMap::new();
        for (group, a) in self.store.answer_counts(filter, by, None).await? {
            grouped.entry(group).or_default().push(a);
        }
        Ok(grouped)
    }

    /// The practices' figures (NPS, level mix, valued, dissatisfiers, repeat contacts,
    /// promises kept) of the range and of the equally long period before it.
    pub async fn practices(&self, query: &WeeklyQuery) -> Result<Practices> {
        let filter = self.stats_filter(query)?;
        let previous_from = previous_from(&filter);
        let both = StatsFilter {
            from: previous_from,
            ..filter.clone()
        };
        let today = self.clock.now().date_naive();
        let year = StatsFilter {
            from: filter
                .to
                .checked_sub_days(Days::new(practices::LEVEL5_DAYS - 1))
                .unwrap_or(filter.to),
            ..filter.clone()
        };
        // The figures are independent reads, which run side by side.
        let store = &self.store;
        let (answers, failed, totals, topics, promises, level5) = tokio::try_join!(
            store.answer_counts(&both, None, Some(filter.from)),
            store.failed_counts(&both, filter.from),
            store.period_counts_by(&both, None, filter.from),
            store.period_counts_by(&both, Some(GroupBy::Topic), filter.from),
            store.promise_counts(&filter, today),
            store.level5_customers(&year),
        )?;
        let answers: Vec<AnswerCounts> = answers.into_iter().map(|(_, a)| a).collect();
        let repeats: Vec<RepeatCounts> = answers
            .iter()
            .map(|a| RepeatCounts {
                part: a.iso_week.clone(),
                contacts: a.customers,
                repeats: a.repeats,
            })
            .collect();
        let now_label = week::label(filter.from);
        Ok(practices::compute(&practices::Inputs {
            previous_from,
            from: filter.from,
            to: filter.to,
            now_label: &now_label,
            answers: &answers,
            failed: &failed,
            totals: &totals,
            topics: &topics,
            repeats: &repeats,
            promises,
            level5,
            repeat_days: REPEAT_DAYS as u32,
        }))
    }

    /// Each person's moments to share in the range: 5 on both axes, level 5, or marked for
    /// the team meeting.
    pub async fn moments(&self, query: &WeeklyQuery) -> Result<Vec<practices::Moments>> {
        let filter = self.stats_filter(query)?;
        Ok(practices::moments(self.store.moments(&filter).await?))
    }

    /// The notes pinned to the weeks of the range.
    pub async fn week_notes(&self, query: &WeeklyQuery) -> Result<Vec<WeekNote>> {
        let filter = self.stats_filter(query)?;
        Ok(self
            .store
            .week_notes(&week::label(filter.from), &week::label(filter.to))
            .await?
            .into_iter()
            .map(|(week, note)| WeekNote { week, note })
            .collect())
    }

    /// Pins a note to a week (`2026-W12`), replacing the one it had; an empty note removes it.
    pub async fn set_week_note(&self, week_label: &str, note: &str) -> Result<Option<WeekNote>> {
        let monday = week::parse(&week_label.trim().to_uppercase()).ok_or_else(|| {
            Error::validation(
                "week",
                K::Unparseable,
                format!("week {week_label:?} is not a week like 2026-W12"),
            )
        })?;
        let week = week::label(monday);
        let note = validate::short_text("note", Some(note), WEEK_NOTE_MAX)?;
        let at = self.clock.now().with_timezone(&Utc);
        self.store.set_week_note(&week, note.as_deref(), at).await?;
        Ok(note.map(|note| WeekNote { week, note }))
    }

    /// The contacts behind a figure of the review, newest first.
    pub async fn contacts(&self, query: &ContactsQuery) -> Result<ContactPage> {
        let mut filter = self.stats_filter(&query.filter)?;
        if let Some(label) = query.week.as_deref() {
            let monday = week::parse(label).ok_or_else(|| {
                Error::validation(
                    "week",
                    K::Unparseable,
                    format!("{label:?} is not an ISO week like 2026-W47"),
                )
            })?;
            filter.from = filter.from.max(monday);
            filter.to = filter.to.min(validate::add_days(monday, 6));
        }
        let rating = match (query.axis, query.rating) {
            (None, None) => None,
            (Some(axis), Some(r)) if (1..=5).contains(&r) => Some((axis, r as u8)),
            (Some(_), Some(r)) => {
                return Err(Error::validation(
                    "rating",
                    K::OutOfRange,
                    format!("rating {r} is not between 1 and 5"),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::validation(
                    "axis",
                    K::Required,
                    "a rating needs the axis it was given on",
                ))
            }
            (Some(_), None) => {
                return Err(Error::validation(
                    "rating",
                    K::Required,
                    "an axis needs the rating to look for",
                ))
            }
        };
        let limit = query.limit.unwrap_or(100);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Error::validation(
                "limit",
                K::OutOfRange,
                format!("limit must be between 1 and {PAGE_MAX}"),
            ));
        }
        let (total, contacts) = self
            .store
            .contacts(&DrillDown {
                filter,
                quadrant: query.quadrant,
                rating,
                open_follow_ups: query.open_follow_ups,
                limit,
                offset: query.offset,
            })
            .await?;
        Ok(ContactPage { total, contacts })
    }

    /// Writes every contact a review filter counts as CSV (the columns of `export`, so the
    /// file can be imported again), oldest first; returns how many, or `None` when `progress`
    /// stopped it. `progress` hears how many have been written, and of how many, after every
    /// page, and answers whether to go on.
    pub async fn export_contacts<W: std::io::Write + Send>(
        &self,
        query: &WeeklyQuery,
        out: W,
        style: CsvStyle,
        progress: &mut (dyn FnMut(u64, u64) -> bool + Send),
    ) -> Result<Option<u64>> {
        let filter = self.stats_filter(query)?;
        let mut csv = export::ContactsCsv::new(out, style)?;
        let mut done = 0;
        let mut stopped = false;
        // Pages of one snapshot, so the file is consistent even while others write, and
        // memory stays flat whatever the range holds.
        let written = self
            .store
            .each_contact(Some(&filter), &mut |page, total| {
                csv.write(page)?;
                done += page.len() as u64;
                stopped = !progress(done, total);
                Ok(!stopped)
            })
            .await?;
        if stopped {
            return Ok(None);
        }
        csv.finish()?;
        Ok(Some(written))
    }

    /// Every staff member and topic in the journal, for the review's filters.
    pub async fn facets(&self) -> Result<Facets> {
        let (staff, topics, first_day) = self.store.facets().await?;
        Ok(Facets {
            staff,
            topics,
            first_day,
        })
    }

    /// The whole ISO weeks a query covers: by default the 12 weeks up to today.
    pub(super) fn stats_filter(&self, query: &WeeklyQuery) -> Result<StatsFilter> {
        let today = self.clock.now().date_naive();
        let to = query.to.unwrap_or(today);
        let from = query.from.unwrap_or_else(|| {
            week::monday(to)
                .checked_sub_days(Days::new(7 * (DEFAULT_WEEKS - 1)))
                .unwrap_or(to)
        });
        if from > to {
            return Err(Error::validation(
                "from",
                K::OutOfRange,
                format!("from {from} is after to {to}"),
            ));
        }
        // Every week of the range becomes a row of figures: a century is more than any
        // journal holds, and keeps a mistyped year from asking for half a million weeks.
        if (to - from).num_days() > RANGE_MAX_DAYS {
            return Err(Error::validation(
                "from",
                K::OutOfRange,
                format!("from {from} to {to} is more than 100 years"),
            ));
        }
        if query.staff.len() > STAFF_FILTER_MAX {
            return Err(Error::validation(
                "staff",
                K::TooLong,
                format!("at most {STAFF_FILTER_MAX} staff members at once"),
            ));
        }
        let mut staff = Vec::with_capacity(query.staff.len());
        for name in &query.staff {
            staff.extend(validate::short_text("staff", Some(name), STAFF_MAX)?);
        }
        Ok(StatsFilter {
            from: week::monday(from),
            to: validate::add_days(week::monday(to), 6),
            staff,
            channel: query.channel,
            topic: validate::short_text("topic", query.topic.as_deref(), validate::SHORT_MAX)?,
        })
    }
}
