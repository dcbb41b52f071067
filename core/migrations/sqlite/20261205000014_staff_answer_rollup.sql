-- Each staff member's answers per week, over every channel, as week_staff_rollup holds their
-- ratings. A few people's answers over five years otherwise added up a row per channel from
-- week_answer_rollup, each found through its index by staff and then looked up in the table:
-- three people's 260 weeks on an org-wide journal were some 4,700 lookups, most of the
-- 25 ms their weekly figures took. It follows week_answer_rollup through triggers, as
-- week_team_answer_rollup does; every write to that table is an upsert or an update.
CREATE TABLE week_staff_answer_rollup (
    iso_week TEXT NOT NULL,
    staff    TEXT NOT NULL,
    nps_n INTEGER NOT NULL, promoters INTEGER NOT NULL, detractors INTEGER NOT NULL,
    detractors_welcome INTEGER NOT NULL, promoters_not_welcome INTEGER NOT NULL,
    l1 INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL, l4 INTEGER NOT NULL,
    l5 INTEGER NOT NULL,
    v1 INTEGER NOT NULL, v2 INTEGER NOT NULL, v3 INTEGER NOT NULL, v4 INTEGER NOT NULL,
    v5 INTEGER NOT NULL, customers INTEGER NOT NULL, repeats INTEGER NOT NULL,
    PRIMARY KEY (iso_week, staff)
) STRICT, WITHOUT ROWID;

INSERT INTO week_staff_answer_rollup
SELECT iso_week, staff, SUM(nps_n), SUM(promoters), SUM(detractors), SUM(detractors_welcome),
       SUM(promoters_not_welcome), SUM(l1), SUM(l2), SUM(l3), SUM(l4), SUM(l5),
       SUM(v1), SUM(v2), SUM(v3), SUM(v4), SUM(v5), SUM(customers), SUM(repeats)
FROM week_answer_rollup
GROUP BY iso_week, staff;

-- Keyed by staff first for one person's weeks, as week_staff_rollup_by_staff is.
CREATE INDEX week_staff_answer_rollup_by_staff ON week_staff_answer_rollup (staff, iso_week);

CREATE TRIGGER week_answer_rollup_staff_insert AFTER INSERT ON week_answer_rollup
BEGIN
    INSERT INTO week_staff_answer_rollup SELECT NEW.iso_week, NEW.staff,
        NEW.nps_n, NEW.promoters, NEW.detractors, NEW.detractors_welcome,
        NEW.promoters_not_welcome, NEW.l1, NEW.l2, NEW.l3, NEW.l4, NEW.l5,
        NEW.v1, NEW.v2, NEW.v3, NEW.v4, NEW.v5, NEW.customers, NEW.repeats
    WHERE TRUE ON CONFLICT (iso_week, staff) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n,
        promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1,
        l2 = l2 + excluded.l2,
        l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4,
        l5 = l5 + excluded.l5,
        v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2,
        v3 = v3 + excluded.v3,
        v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5,
        customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

-- An upsert into week_answer_rollup that finds its row fires this one, not the insert trigger.
CREATE TRIGGER week_answer_rollup_staff_update AFTER UPDATE ON week_answer_rollup
BEGIN
    UPDATE week_staff_answer_rollup SET
        nps_n = nps_n + NEW.nps_n - OLD.nps_n,
        promoters = promoters + NEW.promoters - OLD.promoters,
        detractors = detractors + NEW.detractors - OLD.detractors,
        detractors_welcome = detractors_welcome
            + NEW.detractors_welcome - OLD.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome
            + NEW.promoters_not_welcome - OLD.promoters_not_welcome,
        l1 = l1 + NEW.l1 - OLD.l1,
        l2 = l2 + NEW.l2 - OLD.l2,
        l3 = l3 + NEW.l3 - OLD.l3,
        l4 = l4 + NEW.l4 - OLD.l4,
        l5 = l5 + NEW.l5 - OLD.l5,
        v1 = v1 + NEW.v1 - OLD.v1,
        v2 = v2 + NEW.v2 - OLD.v2,
        v3 = v3 + NEW.v3 - OLD.v3,
        v4 = v4 + NEW.v4 - OLD.v4,
        v5 = v5 + NEW.v5 - OLD.v5,
        customers = customers + NEW.customers - OLD.customers,
        repeats = repeats + NEW.repeats - OLD.repeats
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff;
END;
