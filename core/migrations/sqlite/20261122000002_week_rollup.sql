-- Weekly figures over long ranges would read every contact; this rollup keeps the counts per
-- ISO week, staff member and channel (at most weeks × staff × channels rows), exact at every
-- commit because it changes in the same transaction as the contacts themselves.
CREATE TABLE week_rollup (
    iso_week            TEXT    NOT NULL,
    staff               TEXT    NOT NULL,
    channel             TEXT    NOT NULL,
    n                   INTEGER NOT NULL,
    functional_positive INTEGER NOT NULL,
    functional_sum      INTEGER NOT NULL,
    emotional_positive  INTEGER NOT NULL,
    emotional_sum       INTEGER NOT NULL,
    PRIMARY KEY (iso_week, staff, channel)
) STRICT, WITHOUT ROWID;

INSERT INTO week_rollup
SELECT iso_week, staff, channel, COUNT(*), SUM(functional >= 4), SUM(functional),
       SUM(emotional >= 4), SUM(emotional)
FROM contacts WHERE deleted_at IS NULL
GROUP BY iso_week, staff, channel;

-- New contacts are folded in by the store itself, once per write transaction (one GROUP BY
-- over the rows it added), which costs far less than a trigger per row during an import.

-- An edit or a (soft) delete first takes the old contact out, then puts the new one in.
CREATE TRIGGER contacts_rollup_update_out
AFTER UPDATE OF deleted_at, iso_week, staff, channel, functional, emotional ON contacts
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE week_rollup SET
        n = n - 1,
        functional_positive = functional_positive - (OLD.functional >= 4),
        functional_sum = functional_sum - OLD.functional,
        emotional_positive = emotional_positive - (OLD.emotional >= 4),
        emotional_sum = emotional_sum - OLD.emotional
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;

CREATE TRIGGER contacts_rollup_update_in
AFTER UPDATE OF deleted_at, iso_week, staff, channel, functional, emotional ON contacts
WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO week_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel, 1,
        NEW.functional >= 4, NEW.functional, NEW.emotional >= 4, NEW.emotional)
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        n = n + 1,
        functional_positive = functional_positive + excluded.functional_positive,
        functional_sum = functional_sum + excluded.functional_sum,
        emotional_positive = emotional_positive + excluded.emotional_positive,
        emotional_sum = emotional_sum + excluded.emotional_sum;
END;

CREATE TRIGGER contacts_rollup_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE week_rollup SET
        n = n - 1,
        functional_positive = functional_positive - (OLD.functional >= 4),
        functional_sum = functional_sum - OLD.functional,
        emotional_positive = emotional_positive - (OLD.emotional >= 4),
        emotional_sum = emotional_sum - OLD.emotional
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;
