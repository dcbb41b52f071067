-- One person's (or a few people's) weeks: the rollups are keyed by week first, so a staff
-- filter over five years read every person's rows of those weeks (10,000,000 contacts and
-- 2,000 staff: 520,000 rows, a third of a second). Keyed by staff first, the same question
-- reads that person's rows alone. The counts stay out of these indexes: a save changes the
-- counts of a rollup row, and an index of its key alone is only written when a row is new.
CREATE INDEX week_staff_rollup_by_staff ON week_staff_rollup (staff, iso_week);
CREATE INDEX week_rollup_by_staff ON week_rollup (staff, iso_week, channel);
CREATE INDEX week_answer_rollup_by_staff ON week_answer_rollup (staff, iso_week, channel);
