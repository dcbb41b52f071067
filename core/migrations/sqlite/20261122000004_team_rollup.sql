-- The whole team's figures per week and channel. The team-wide review (the screen's default)
-- would otherwise add up every staff member's rollup rows: 200 staff over two years is some
-- 80,000 rows per question, where this table holds a few hundred. It follows week_rollup
-- through triggers, so every way a contact changes reaches it in the same transaction.
CREATE TABLE week_team_rollup (
    iso_week      TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    both_positive INTEGER NOT NULL,
    f1 INTEGER NOT NULL, f2 INTEGER NOT NULL, f3 INTEGER NOT NULL, f4 INTEGER NOT NULL,
    f5 INTEGER NOT NULL,
    e1 INTEGER NOT NULL, e2 INTEGER NOT NULL, e3 INTEGER NOT NULL, e4 INTEGER NOT NULL,
    e5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, channel)
) STRICT, WITHOUT ROWID;

INSERT INTO week_team_rollup
SELECT iso_week, channel, SUM(n), SUM(both_positive),
       SUM(f1), SUM(f2), SUM(f3), SUM(f4), SUM(f5), SUM(e1), SUM(e2), SUM(e3), SUM(e4), SUM(e5)
FROM week_rollup
GROUP BY iso_week, channel;

CREATE TRIGGER week_rollup_team_insert AFTER INSERT ON week_rollup
BEGIN
    INSERT INTO week_team_rollup VALUES (NEW.iso_week, NEW.channel, NEW.n, NEW.both_positive,
        NEW.f1, NEW.f2, NEW.f3, NEW.f4, NEW.f5, NEW.e1, NEW.e2, NEW.e3, NEW.e4, NEW.e5)
    ON CONFLICT (iso_week, channel) DO UPDATE SET
        n = n + excluded.n,
        both_positive = both_positive + excluded.both_positive,
        f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3,
        f4 = f4 + excluded.f4, f5 = f5 + excluded.f5,
        e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3,
        e4 = e4 + excluded.e4, e5 = e5 + excluded.e5;
END;

-- An upsert into week_rollup that finds its row fires this one, not the insert trigger.
CREATE TRIGGER week_rollup_team_update AFTER UPDATE ON week_rollup
BEGIN
    UPDATE week_team_rollup SET
        n = n + NEW.n - OLD.n,
        both_positive = both_positive + NEW.both_positive - OLD.both_positive,
        f1 = f1 + NEW.f1 - OLD.f1, f2 = f2 + NEW.f2 - OLD.f2, f3 = f3 + NEW.f3 - OLD.f3,
        f4 = f4 + NEW.f4 - OLD.f4, f5 = f5 + NEW.f5 - OLD.f5,
        e1 = e1 + NEW.e1 - OLD.e1, e2 = e2 + NEW.e2 - OLD.e2, e3 = e3 + NEW.e3 - OLD.e3,
        e4 = e4 + NEW.e4 - OLD.e4, e5 = e5 + NEW.e5 - OLD.e5
    WHERE iso_week = OLD.iso_week AND channel = OLD.channel;
END;

CREATE TRIGGER week_rollup_team_delete AFTER DELETE ON week_rollup
BEGIN
    UPDATE week_team_rollup SET
        n = n - OLD.n,
        both_positive = both_positive - OLD.both_positive,
        f1 = f1 - OLD.f1, f2 = f2 - OLD.f2, f3 = f3 - OLD.f3, f4 = f4 - OLD.f4, f5 = f5 - OLD.f5,
        e1 = e1 - OLD.e1, e2 = e2 - OLD.e2, e3 = e3 - OLD.e3, e4 = e4 - OLD.e4, e5 = e5 - OLD.e5
    WHERE iso_week = OLD.iso_week AND channel = OLD.channel;
END;
