-- The whole team's figures per week, topic and channel. Topics are free text, so a topic
-- filter used to count its contacts through their covering index: some 15 ms a quarter on a
-- million contacts, and several times that on a cold cache, where this table answers from a
-- few rows per week. New contacts are folded in by the store, once per write transaction, as
-- for week_rollup; an edit or a (soft) delete first takes the old contact out, then puts the
-- new one in. A topic filter combined with staff still counts from the contacts (the staff
-- index narrows those to a few hundred rows).
CREATE TABLE week_topic_rollup (
    iso_week      TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    both_positive INTEGER NOT NULL,
    f1 INTEGER NOT NULL, f2 INTEGER NOT NULL, f3 INTEGER NOT NULL, f4 INTEGER NOT NULL,
    f5 INTEGER NOT NULL,
    e1 INTEGER NOT NULL, e2 INTEGER NOT NULL, e3 INTEGER NOT NULL, e4 INTEGER NOT NULL,
    e5 INTEGER NOT NULL,
    PRIMARY KEY (topic, iso_week, channel)
) STRICT, WITHOUT ROWID;

INSERT INTO week_topic_rollup
SELECT iso_week, topic, channel, COUNT(*), SUM(functional >= 4 AND emotional >= 4),
       SUM(functional = 1), SUM(functional = 2), SUM(functional = 3), SUM(functional = 4),
       SUM(functional = 5), SUM(emotional = 1), SUM(emotional = 2), SUM(emotional = 3),
       SUM(emotional = 4), SUM(emotional = 5)
FROM contacts WHERE deleted_at IS NULL AND topic IS NOT NULL
GROUP BY topic, iso_week, channel;

CREATE TRIGGER contacts_topic_rollup_update_out
AFTER UPDATE OF deleted_at, iso_week, topic, channel, functional, emotional ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
BEGIN
    UPDATE week_topic_rollup SET
        n = n - 1,
        both_positive = both_positive - (OLD.functional >= 4 AND OLD.emotional >= 4),
        f1 = f1 - (OLD.functional = 1), f2 = f2 - (OLD.functional = 2),
        f3 = f3 - (OLD.functional = 3), f4 = f4 - (OLD.functional = 4),
        f5 = f5 - (OLD.functional = 5),
        e1 = e1 - (OLD.emotional = 1), e2 = e2 - (OLD.emotional = 2),
        e3 = e3 - (OLD.emotional = 3), e4 = e4 - (OLD.emotional = 4),
        e5 = e5 - (OLD.emotional = 5)
    WHERE topic = OLD.topic AND iso_week = OLD.iso_week AND channel = OLD.channel;
END;

CREATE TRIGGER contacts_topic_rollup_update_in
AFTER UPDATE OF deleted_at, iso_week, topic, channel, functional, emotional ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.topic IS NOT NULL
BEGIN
    INSERT INTO week_topic_rollup VALUES (NEW.iso_week, NEW.topic, NEW.channel, 1,
        NEW.functional >= 4 AND NEW.emotional >= 4,
        NEW.functional = 1, NEW.functional = 2, NEW.functional = 3, NEW.functional = 4,
        NEW.functional = 5,
        NEW.emotional = 1, NEW.emotional = 2, NEW.emotional = 3, NEW.emotional = 4,
        NEW.emotional = 5)
    ON CONFLICT (topic, iso_week, channel) DO UPDATE SET
        n = n + 1,
        both_positive = both_positive + excluded.both_positive,
        f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3,
        f4 = f4 + excluded.f4, f5 = f5 + excluded.f5,
        e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4, e5 = e5 + excluded.e5;
END;

CREATE TRIGGER contacts_topic_rollup_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
BEGIN
    UPDATE week_topic_rollup SET
        n = n - 1,
        both_positive = both_positive - (OLD.functional >= 4 AND OLD.emotional >= 4),
        f1 = f1 - (OLD.functional = 1), f2 = f2 - (OLD.functional = 2),
        f3 = f3 - (OLD.functional = 3), f4 = f4 - (OLD.functional = 4),
        f5 = f5 - (OLD.functional = 5),
        e1 = e1 - (OLD.emotional = 1), e2 = e2 - (OLD.emotional = 2),
        e3 = e3 - (OLD.emotional = 3), e4 = e4 - (OLD.emotional = 4),
        e5 = e5 - (OLD.emotional = 5)
    WHERE topic = OLD.topic AND iso_week = OLD.iso_week AND channel = OLD.channel;
END;
