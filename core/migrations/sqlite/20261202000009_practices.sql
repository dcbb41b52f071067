-- What the research recommends recording beside the two ratings, all optional: why a contact
-- that was not solved failed, the service level, the customer's own score (NPS), whether the
-- customer felt valued (asked on a sample), the day a follow-up is promised by, and a mark to
-- bring the contact to the team meeting.
ALTER TABLE contacts ADD COLUMN reason TEXT
    CHECK (reason IS NULL OR reason IN ('not_answered', 'not_solved', 'wrong', 'too_slow', 'other'));
ALTER TABLE contacts ADD COLUMN level INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5);
ALTER TABLE contacts ADD COLUMN nps INTEGER CHECK (nps IS NULL OR nps BETWEEN 0 AND 10);
ALTER TABLE contacts ADD COLUMN valued INTEGER CHECK (valued IS NULL OR valued BETWEEN 1 AND 5);
ALTER TABLE contacts ADD COLUMN due TEXT;
ALTER TABLE contacts ADD COLUMN star INTEGER NOT NULL DEFAULT 0 CHECK (star IN (0, 1));

-- The figures of these answers for days that are not whole weeks, or for a topic, read only
-- the contacts that carry one, by date.
CREATE INDEX contacts_live_answers
    ON contacts (local_date, iso_week, staff, channel, topic, nps, level, valued, emotional)
    WHERE deleted_at IS NULL AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL);
-- Why contacts failed, by date.
CREATE INDEX contacts_live_failed
    ON contacts (local_date, topic, reason, iso_week, staff, channel)
    WHERE deleted_at IS NULL AND functional <= 2;
-- Repeat contacts and customers with a level-5 contact: every contact with a customer
-- reference, by day, with all those figures read (so the contacts themselves are not).
CREATE INDEX contacts_live_customers
    ON contacts (local_date, customer_ref, occurred_ms, logged_at, functional, level, iso_week,
                 staff, channel, topic)
    WHERE deleted_at IS NULL AND customer_ref IS NOT NULL;
-- Promises: follow-ups by the day they are due, with what tells kept from late.
CREATE INDEX contacts_live_due
    ON contacts (due, follow_up_done_at, occurred_at, topic, staff, channel)
    WHERE deleted_at IS NULL AND due IS NOT NULL;

-- Moments to share: contacts rated 5 on both axes, at service level 5, or marked for the team
-- meeting. The query repeats this condition word for word, so SQLite can use the index.
-- It holds what the counts per person and the choice of the newest need, so neither reads
-- the contacts themselves.
CREATE INDEX contacts_live_moments
    ON contacts (local_date, staff, occurred_ms, channel, topic, functional, emotional, level, star)
    WHERE deleted_at IS NULL AND ((functional = 5 AND emotional = 5) OR level = 5 OR star = 1);

-- The customers' own scores, levels and "valued" answers per week and staff member, per week
-- and topic, and for the whole team per week (each per channel), as the ratings have them: the
-- weekly figures and the period's NPS and level mix read a few rows per week instead of every
-- contact with an answer (most contacts carry a level). Kept by triggers, so every way a
-- contact arrives, changes or goes reaches them in the same transaction.
CREATE TABLE week_answer_rollup (
    iso_week TEXT NOT NULL,
    staff    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    nps_n INTEGER NOT NULL, promoters INTEGER NOT NULL, detractors INTEGER NOT NULL,
    detractors_welcome INTEGER NOT NULL, promoters_not_welcome INTEGER NOT NULL,
    l1 INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL, l4 INTEGER NOT NULL,
    l5 INTEGER NOT NULL,
    v1 INTEGER NOT NULL, v2 INTEGER NOT NULL, v3 INTEGER NOT NULL, v4 INTEGER NOT NULL,
    v5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, staff, channel)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER contacts_answers_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0))
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5;
END;

CREATE TRIGGER contacts_answers_update_out
AFTER UPDATE OF deleted_at, iso_week, staff, channel, emotional, nps, level, valued ON contacts
WHEN OLD.deleted_at IS NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL)
BEGIN
    UPDATE week_answer_rollup SET
        nps_n = nps_n - (OLD.nps IS NOT NULL),
        promoters = promoters - (COALESCE(OLD.nps >= 9, 0)),
        detractors = detractors - (COALESCE(OLD.nps <= 6, 0)),
        detractors_welcome = detractors_welcome - (COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        promoters_not_welcome = promoters_not_welcome - (COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)),
        l1 = l1 - (COALESCE(OLD.level = 1, 0)), l2 = l2 - (COALESCE(OLD.level = 2, 0)),
        l3 = l3 - (COALESCE(OLD.level = 3, 0)), l4 = l4 - (COALESCE(OLD.level = 4, 0)),
        l5 = l5 - (COALESCE(OLD.level = 5, 0)), v1 = v1 - (COALESCE(OLD.valued = 1, 0)),
        v2 = v2 - (COALESCE(OLD.valued = 2, 0)), v3 = v3 - (COALESCE(OLD.valued = 3, 0)),
        v4 = v4 - (COALESCE(OLD.valued = 4, 0)), v5 = v5 - (COALESCE(OLD.valued = 5, 0))
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;

CREATE TRIGGER contacts_answers_update_in
AFTER UPDATE OF deleted_at, iso_week, staff, channel, emotional, nps, level, valued ON contacts
WHEN NEW.deleted_at IS NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0))
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5;
END;

CREATE TRIGGER contacts_answers_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL)
BEGIN
    UPDATE week_answer_rollup SET
        nps_n = nps_n - (OLD.nps IS NOT NULL),
        promoters = promoters - (COALESCE(OLD.nps >= 9, 0)),
        detractors = detractors - (COALESCE(OLD.nps <= 6, 0)),
        detractors_welcome = detractors_welcome - (COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        promoters_not_welcome = promoters_not_welcome - (COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)),
        l1 = l1 - (COALESCE(OLD.level = 1, 0)), l2 = l2 - (COALESCE(OLD.level = 2, 0)),
        l3 = l3 - (COALESCE(OLD.level = 3, 0)), l4 = l4 - (COALESCE(OLD.level = 4, 0)),
        l5 = l5 - (COALESCE(OLD.level = 5, 0)), v1 = v1 - (COALESCE(OLD.valued = 1, 0)),
        v2 = v2 - (COALESCE(OLD.valued = 2, 0)), v3 = v3 - (COALESCE(OLD.valued = 3, 0)),
        v4 = v4 - (COALESCE(OLD.valued = 4, 0)), v5 = v5 - (COALESCE(OLD.valued = 5, 0))
    WHERE iso_week = OLD.iso_week AND staff = OLD.staff AND channel = OLD.channel;
END;

CREATE TABLE week_team_answer_rollup (
    iso_week TEXT NOT NULL,
    channel  TEXT NOT NULL,
    nps_n INTEGER NOT NULL, promoters INTEGER NOT NULL, detractors INTEGER NOT NULL,
    detractors_welcome INTEGER NOT NULL, promoters_not_welcome INTEGER NOT NULL,
    l1 INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL, l4 INTEGER NOT NULL,
    l5 INTEGER NOT NULL,
    v1 INTEGER NOT NULL, v2 INTEGER NOT NULL, v3 INTEGER NOT NULL, v4 INTEGER NOT NULL,
    v5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, channel)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER week_answer_rollup_team_insert AFTER INSERT ON week_answer_rollup
BEGIN
    INSERT INTO week_team_answer_rollup VALUES (NEW.iso_week, NEW.channel,
        NEW.nps_n, NEW.promoters, NEW.detractors, NEW.detractors_welcome,
        NEW.promoters_not_welcome, NEW.l1, NEW.l2, NEW.l3, NEW.l4, NEW.l5, NEW.v1, NEW.v2,
        NEW.v3, NEW.v4, NEW.v5)
    ON CONFLICT (iso_week, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5;
END;

-- An upsert into week_answer_rollup that finds its row fires this one, not the insert trigger.
CREATE TRIGGER week_answer_rollup_team_update AFTER UPDATE ON week_answer_rollup
BEGIN
    UPDATE week_team_answer_rollup SET
        nps_n = nps_n + NEW.nps_n - OLD.nps_n,
        promoters = promoters + NEW.promoters - OLD.promoters,
        detractors = detractors + NEW.detractors - OLD.detractors,
        detractors_welcome = detractors_welcome + NEW.detractors_welcome - OLD.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + NEW.promoters_not_welcome - OLD.promoters_not_welcome,
        l1 = l1 + NEW.l1 - OLD.l1, l2 = l2 + NEW.l2 - OLD.l2, l3 = l3 + NEW.l3 - OLD.l3,
        l4 = l4 + NEW.l4 - OLD.l4, l5 = l5 + NEW.l5 - OLD.l5, v1 = v1 + NEW.v1 - OLD.v1,
        v2 = v2 + NEW.v2 - OLD.v2, v3 = v3 + NEW.v3 - OLD.v3, v4 = v4 + NEW.v4 - OLD.v4,
        v5 = v5 + NEW.v5 - OLD.v5
    WHERE iso_week = OLD.iso_week AND channel = OLD.channel;
END;

CREATE TABLE week_topic_answer_rollup (
    iso_week TEXT NOT NULL,
    topic    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    nps_n INTEGER NOT NULL, promoters INTEGER NOT NULL, detractors INTEGER NOT NULL,
    detractors_welcome INTEGER NOT NULL, promoters_not_welcome INTEGER NOT NULL,
    l1 INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL, l4 INTEGER NOT NULL,
    l5 INTEGER NOT NULL,
    v1 INTEGER NOT NULL, v2 INTEGER NOT NULL, v3 INTEGER NOT NULL, v4 INTEGER NOT NULL,
    v5 INTEGER NOT NULL,
    PRIMARY KEY (iso_week, topic, channel)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER contacts_topic_answers_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.topic IS NOT NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (NEW.iso_week, NEW.topic, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0))
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5;
END;

CREATE TRIGGER contacts_topic_answers_update_out
AFTER UPDATE OF deleted_at, iso_week, topic, channel, emotional, nps, level, valued ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL)
BEGIN
    UPDATE week_topic_answer_rollup SET
        nps_n = nps_n - (OLD.nps IS NOT NULL),
        promoters = promoters - (COALESCE(OLD.nps >= 9, 0)),
        detractors = detractors - (COALESCE(OLD.nps <= 6, 0)),
        detractors_welcome = detractors_welcome - (COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        promoters_not_welcome = promoters_not_welcome - (COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)),
        l1 = l1 - (COALESCE(OLD.level = 1, 0)), l2 = l2 - (COALESCE(OLD.level = 2, 0)),
        l3 = l3 - (COALESCE(OLD.level = 3, 0)), l4 = l4 - (COALESCE(OLD.level = 4, 0)),
        l5 = l5 - (COALESCE(OLD.level = 5, 0)), v1 = v1 - (COALESCE(OLD.valued = 1, 0)),
        v2 = v2 - (COALESCE(OLD.valued = 2, 0)), v3 = v3 - (COALESCE(OLD.valued = 3, 0)),
        v4 = v4 - (COALESCE(OLD.valued = 4, 0)), v5 = v5 - (COALESCE(OLD.valued = 5, 0))
    WHERE iso_week = OLD.iso_week AND topic = OLD.topic AND channel = OLD.channel;
END;

CREATE TRIGGER contacts_topic_answers_update_in
AFTER UPDATE OF deleted_at, iso_week, topic, channel, emotional, nps, level, valued ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.topic IS NOT NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (NEW.iso_week, NEW.topic, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0))
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5;
END;

CREATE TRIGGER contacts_topic_answers_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL)
BEGIN
    UPDATE week_topic_answer_rollup SET
        nps_n = nps_n - (OLD.nps IS NOT NULL),
        promoters = promoters - (COALESCE(OLD.nps >= 9, 0)),
        detractors = detractors - (COALESCE(OLD.nps <= 6, 0)),
        detractors_welcome = detractors_welcome - (COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        promoters_not_welcome = promoters_not_welcome - (COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)),
        l1 = l1 - (COALESCE(OLD.level = 1, 0)), l2 = l2 - (COALESCE(OLD.level = 2, 0)),
        l3 = l3 - (COALESCE(OLD.level = 3, 0)), l4 = l4 - (COALESCE(OLD.level = 4, 0)),
        l5 = l5 - (COALESCE(OLD.level = 5, 0)), v1 = v1 - (COALESCE(OLD.valued = 1, 0)),
        v2 = v2 - (COALESCE(OLD.valued = 2, 0)), v3 = v3 - (COALESCE(OLD.valued = 3, 0)),
        v4 = v4 - (COALESCE(OLD.valued = 4, 0)), v5 = v5 - (COALESCE(OLD.valued = 5, 0))
    WHERE iso_week = OLD.iso_week AND topic = OLD.topic AND channel = OLD.channel;
END;

-- A lead's note pinned to a week ("new call-back procedure from W12").
CREATE TABLE week_notes (
    iso_week   TEXT NOT NULL PRIMARY KEY,
    note       TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
    updated_at TEXT NOT NULL
) STRICT;

-- The sample rate of "valued?" is a team setting too: the triggers learn its name.
DROP TRIGGER team_settings_changed;
DROP TRIGGER team_settings_updated;
DROP TRIGGER team_settings_removed;

CREATE TRIGGER team_settings_changed AFTER INSERT ON settings
WHEN NEW.key IN ('target_functional', 'target_emotional', 'retention_months',
                 'retention_whole_contacts', 'pseudonymise_customers', 'valued_every')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;

CREATE TRIGGER team_settings_updated AFTER UPDATE ON settings
WHEN NEW.value IS NOT OLD.value AND NEW.key IN ('target_functional', 'target_emotional',
                 'retention_months', 'retention_whole_contacts', 'pseudonymise_customers',
                 'valued_every')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;

CREATE TRIGGER team_settings_removed AFTER DELETE ON settings
WHEN OLD.key IN ('target_functional', 'target_emotional', 'retention_months',
                 'retention_whole_contacts', 'pseudonymise_customers', 'valued_every')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;
