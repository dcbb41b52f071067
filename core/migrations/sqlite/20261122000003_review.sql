-- The review: follow-ups can be marked done (when and by whom), the rollup keeps every rating
-- (for the distribution) and how many contacts were positive on both axes (for the quadrants),
-- and topic joins staff and channel as a filter.
ALTER TABLE contacts ADD COLUMN follow_up_done_at TEXT;
ALTER TABLE contacts ADD COLUMN follow_up_done_by TEXT;

DROP TRIGGER contacts_rollup_update_out;
DROP TRIGGER contacts_rollup_update_in;
DROP TRIGGER contacts_rollup_delete;
DROP TABLE week_rollup;

-- n, the positive counts and the sums all follow from the ten rating counts; both_positive
-- is the one joint count the quadrants need (solved only = f4 + f5 - both, and so on).
CREATE TABLE week_rollup (
    iso_week      TEXT    NOT NULL,
    staff         TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    both_positive INTEGER NOT NULL,
    f1 INTEGER NOT NULL, f2 INTEGER NOT NULL, f3 INTEGER NOT NULL, f4 INTEGER NOT NULL,
    f5 INTEGER NOT NULL,
    e1 INTEGER NOT NULL, e2 INTEGER NOT NULL, e3 INTEGER NOT NULL, e4 INTEGER NOT NULL,
    e5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, staff, channel)
) STRICT, WITHOUT ROWID;

INSERT INTO week_rollup
SELECT iso_week, staff, channel, COUNT(*), SUM(functional >= 4 AND emotional >= 4),
       SUM(functional = 1), SUM(functional = 2), SUM(functional = 3), SUM(functional = 4),
       SUM(functional = 5),
       SUM(emotional = 1), SUM(emotional = 2), SUM(emotional = 3), SUM(emotional = 4),
       SUM(emotional = 5)
FROM contacts WHERE deleted_at IS NULL
GROUP BY iso_week, staff, channel;

-- New contacts are folded in by the store itself, once per write transaction; an edit or a
-- (soft) delete first takes the old contact out, then puts the new one in.
CREATE TRIGGER contacts_rollup_update_out
AFTER UPDATE OF deleted_at, iso_week, staff, channel, functional, emotional ON contacts
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE week_rollup SET
        n = n - 1,
        both_positive = both_positive - (OLD.functional >= 4 AND OLD.emotional >= 4),
        f1 = f1 - (OLD.functional = 1), f2 = f2 - (OLD.functional = 2),
        f3 = f3 - (OLD.functional = 3), f4 = f4 - (OLD.functional = 4),
        f5 = f5 - (OLD.functional = 5),
        e1 = e1 - (OLD.emotional = 1), e2 = e2 - (OLD.emotional = 2),
        e3 = e3 - (OLD.emotional = 3), e4 = e4 - (OLD.emotional = 4),
        e5 = e5 - (OLD.emotional = 5)
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;

CREATE TRIGGER contacts_rollup_update_in
AFTER UPDATE OF deleted_at, iso_week, staff, channel, functional, emotional ON contacts
WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO week_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel, 1,
        NEW.functional >= 4 AND NEW.emotional >= 4,
        NEW.functional = 1, NEW.functional = 2, NEW.functional = 3, NEW.functional = 4,
        NEW.functional = 5,
        NEW.emotional = 1, NEW.emotional = 2, NEW.emotional = 3, NEW.emotional = 4,
        NEW.emotional = 5)
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        n = n + 1,
        both_positive = both_positive + excluded.both_positive,
        f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3,
        f4 = f4 + excluded.f4, f5 = f5 + excluded.f5,
        e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4, e5 = e5 + excluded.e5;
END;

CREATE TRIGGER contacts_rollup_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE week_rollup SET
        n = n - 1,
        both_positive = both_positive - (OLD.functional >= 4 AND OLD.emotional >= 4),
        f1 = f1 - (OLD.functional = 1), f2 = f2 - (OLD.functional = 2),
        f3 = f3 - (OLD.functional = 3), f4 = f4 - (OLD.functional = 4),
        f5 = f5 - (OLD.functional = 5),
        e1 = e1 - (OLD.emotional = 1), e2 = e2 - (OLD.emotional = 2),
        e3 = e3 - (OLD.emotional = 3), e4 = e4 - (OLD.emotional = 4),
        e5 = e5 - (OLD.emotional = 5)
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;

-- A topic filter cannot use the rollup (topics are free text), so it gets its own covering
-- index, like staff and channel have.
CREATE INDEX contacts_live_by_topic
    ON contacts (topic, local_date, iso_week, functional, emotional, deleted_at)
    WHERE deleted_at IS NULL AND topic IS NOT NULL;

-- Open follow-ups are a small, moving set: a partial index holds exactly them.
CREATE INDEX contacts_open_follow_ups
    ON contacts (local_date)
    WHERE deleted_at IS NULL AND follow_up_done_at IS NULL AND (follow_up = 1 OR emotional <= 2);

-- Weekly figures by date, staff or channel now come from the rollup; the contacts themselves
-- are read to list and count what lies behind a figure. The date index keeps both ratings so
-- a quadrant or a rating is counted from the index alone; the staff index needs no more than
-- the date, and the channel index (a drill-down by channel reads one range of dates) only
-- cost every write its upkeep.
DROP INDEX contacts_live_by_date;
DROP INDEX contacts_live_by_staff;
DROP INDEX contacts_live_by_channel;
CREATE INDEX contacts_live_by_day
    ON contacts (local_date, functional, emotional) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_by_staff_day ON contacts (staff, local_date) WHERE deleted_at IS NULL;
