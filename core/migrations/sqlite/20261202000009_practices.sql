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

-- The period figures of these answers read only the contacts that carry one, by date.
CREATE INDEX contacts_live_answers
    ON contacts (local_date, iso_week, staff, channel, nps, level, valued, functional, emotional)
    WHERE deleted_at IS NULL AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL);
-- Why contacts failed, by date.
CREATE INDEX contacts_live_failed
    ON contacts (local_date, topic, reason, iso_week, staff, channel)
    WHERE deleted_at IS NULL AND functional <= 2;
-- Promises: follow-ups by the day they are due.
CREATE INDEX contacts_live_due ON contacts (due) WHERE deleted_at IS NULL AND due IS NOT NULL;

-- Moments to share: contacts rated 5 on both axes, at service level 5, or marked for the team
-- meeting. The query repeats this condition word for word, so SQLite can use the index.
CREATE INDEX contacts_live_moments ON contacts (local_date, staff)
    WHERE deleted_at IS NULL AND ((functional = 5 AND emotional = 5) OR level = 5 OR star = 1);

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
