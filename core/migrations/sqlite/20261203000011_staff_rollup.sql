-- Each staff member's figures per week, over every channel. Per-staff questions (the review's
-- small multiples, "what changed" per person, one person's weeks) would otherwise add up a
-- row per channel from week_rollup: 200 staff over 24 weeks is some 28,000 rows, where this
-- table holds 4,800. It follows week_rollup through triggers, as week_team_rollup does.
CREATE TABLE week_staff_rollup (
    iso_week      TEXT    NOT NULL,
    staff         TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    both_positive INTEGER NOT NULL,
    f1 INTEGER NOT NULL, f2 INTEGER NOT NULL, f3 INTEGER NOT NULL, f4 INTEGER NOT NULL,
    f5 INTEGER NOT NULL,
    e1 INTEGER NOT NULL, e2 INTEGER NOT NULL, e3 INTEGER NOT NULL, e4 INTEGER NOT NULL,
    e5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, staff)
) STRICT, WITHOUT ROWID;

INSERT INTO week_staff_rollup
SELECT iso_week, staff, SUM(n), SUM(both_positive),
       SUM(f1), SUM(f2), SUM(f3), SUM(f4), SUM(f5), SUM(e1), SUM(e2), SUM(e3), SUM(e4), SUM(e5)
FROM week_rollup
GROUP BY iso_week, staff;

CREATE TRIGGER week_rollup_staff_insert AFTER INSERT ON week_rollup
BEGIN
    INSERT INTO week_staff_rollup VALUES (NEW.iso_week, NEW.staff, NEW.n, NEW.both_positive,
        NEW.f1, NEW.f2, NEW.f3, NEW.f4, NEW.f5, NEW.e1, NEW.e2, NEW.e3, NEW.e4, NEW.e5)
    ON CONFLICT (iso_week, staff) DO UPDATE SET
        n = n + excluded.n,
        both_positive = both_positive + excluded.both_positive,
        f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3,
        f4 = f4 + excluded.f4, f5 = f5 + excluded.f5,
        e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4, e5 = e5 + excluded.e5;
END;

CREATE TRIGGER week_rollup_staff_update AFTER UPDATE ON week_rollup
BEGIN
    UPDATE week_staff_rollup SET
        n = n + NEW.n - OLD.n,
        both_positive = both_positive + NEW.both_positive - OLD.both_positive,
        f1 = f1 + NEW.f1 - OLD.f1, f2 = f2 + NEW.f2 - OLD.f2, f3 = f3 + NEW.f3 - OLD.f3,
        f4 = f4 + NEW.f4 - OLD.f4, f5 = f5 + NEW.f5 - OLD.f5,
        e1 = e1 + NEW.e1 - OLD.e1, e2 = e2 + NEW.e2 - OLD.e2, e3 = e3 + NEW.e3 - OLD.e3,
        e4 = e4 + NEW.e4 - OLD.e4, e5 = e5 + NEW.e5 - OLD.e5
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff;
END;

CREATE TRIGGER week_rollup_staff_delete AFTER DELETE ON week_rollup
BEGIN
    UPDATE week_staff_rollup SET
        n = n - OLD.n,
        both_positive = both_positive - OLD.both_positive,
        f1 = f1 - OLD.f1, f2 = f2 - OLD.f2, f3 = f3 - OLD.f3, f4 = f4 - OLD.f4, f5 = f5 - OLD.f5,
        e1 = e1 - OLD.e1, e2 = e2 - OLD.e2, e3 = e3 - OLD.e3, e4 = e4 - OLD.e4, e5 = e5 - OLD.e5
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff;
END;

-- Promises kept: whether a follow-up was done by the end of its due day on the clock the
-- contact was logged on (1), later (0), or not yet (NULL). Computed by SQLite from the
-- contact's own columns and kept in the index of the follow-ups by due day, so the period's
-- promises are counted from the index without working out a local day per follow-up (54 ms
-- for the 40,000 follow-ups of 12 weeks in a million contacts; the core's PromiseCounts).
ALTER TABLE contacts ADD COLUMN done_on_time INTEGER GENERATED ALWAYS AS (
    CASE WHEN follow_up_done_at IS NOT NULL
         THEN date(follow_up_done_at, substr(occurred_at, -6)) <= due END) VIRTUAL;
DROP INDEX contacts_live_due;
CREATE INDEX contacts_live_promises
    ON contacts (due, done_on_time, topic, staff, channel)
    WHERE deleted_at IS NULL AND due IS NOT NULL;
