-- A customer's contacts in order tell two things the review counts: a contact within 7 days
-- after one that was not solved is a repeat contact, and a customer is counted once in a
-- period by their last contact in it (the one whose next contact lies after the period, or
-- that has none). Each live contact with a customer reference keeps both, from its neighbours
-- in that customer's history (ordered by time, time logged and id): whether it repeats, and
-- the week of the customer's next contact and, for a level-5 contact, of their next level-5
-- contact. Triggers keep them for every write that touches a customer's history; a bulk write
-- that rebuilds the indexes pauses them and recounts everything at its end (see the store).
-- The 7 days are the core's REPEAT_DAYS.
ALTER TABLE contacts ADD COLUMN repeat_contact INTEGER NOT NULL DEFAULT 0
    CHECK (repeat_contact IN (0, 1));
ALTER TABLE contacts ADD COLUMN next_week TEXT;
ALTER TABLE contacts ADD COLUMN next_level5_week TEXT;

-- Present while the triggers below are paused; the store recounts when it finds it, so a
-- journal upgraded by this migration is counted the first time it is opened.
CREATE TABLE customer_order_paused (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;
INSERT INTO customer_order_paused VALUES (1);

-- A customer's history in order, with what the neighbours' figures need.
CREATE INDEX contacts_customer_order
    ON contacts (customer_ref, occurred_ms, logged_at, id, local_date, functional, iso_week)
    WHERE deleted_at IS NULL AND customer_ref IS NOT NULL;
CREATE INDEX contacts_customer_level5
    ON contacts (customer_ref, occurred_ms, logged_at, id, iso_week)
    WHERE deleted_at IS NULL AND customer_ref IS NOT NULL AND level = 5;

-- The answers of part of a week, or of a topic with staff, count contacts with a customer
-- reference too: their index holds those contacts and the repeat flag.
DROP INDEX contacts_live_answers;
CREATE INDEX contacts_live_answers
    ON contacts (local_date, iso_week, staff, channel, topic, nps, level, valued, emotional,
                 customer_ref, repeat_contact)
    WHERE deleted_at IS NULL
      AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL OR customer_ref IS NOT NULL);

-- The derived columns change only through these triggers, never by a sync: the outbox
-- listens to every other column.
DROP TRIGGER outbox_update;
CREATE TRIGGER outbox_update
AFTER UPDATE OF id, occurred_at, occurred_ms, local_date, iso_week, logged_at, updated_at,
    deleted_at, staff, channel, functional, emotional, topic, customer_ref, note, follow_up,
    follow_up_done_at, follow_up_done_by, staff_id, reason, level, nps, valued, due, star
ON contacts
WHEN EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (op_id, contact_id, erase, changed_at)
    VALUES (lower(hex(randomblob(16))), NEW.id, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- A new contact: itself, and the neighbours it came between.
CREATE TRIGGER contacts_customer_order_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    UPDATE contacts SET
        repeat_contact = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN COALESCE((
            SELECT julianday(contacts.local_date) - julianday(p.local_date) <= 7
                   AND p.functional < 4
            FROM contacts AS p
            WHERE p.deleted_at IS NULL AND p.customer_ref = contacts.customer_ref
              AND (p.occurred_ms, p.logged_at, p.id)
                  < (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY p.occurred_ms DESC, p.logged_at DESC, p.id DESC LIMIT 1), 0) ELSE 0 END,
        next_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END,
        next_level5_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL
                                     AND level = 5 THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND n.level = 5
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END
    WHERE rowid IN (
        NEW.rowid,
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND (occurred_ms, logged_at, id) < (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND (occurred_ms, logged_at, id) > (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms ASC, logged_at ASC, id ASC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND level = 5
             AND (occurred_ms, logged_at, id) < (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1));
END;

-- A change of place, customer, liveness or the figures its neighbours read: itself, its
-- neighbours where it was and where it is now.
CREATE TRIGGER contacts_customer_order_update
AFTER UPDATE OF deleted_at, customer_ref, occurred_ms, logged_at, id, local_date, iso_week,
    functional, level ON contacts
WHEN ((OLD.deleted_at IS NULL AND OLD.customer_ref IS NOT NULL)
      OR (NEW.deleted_at IS NULL AND NEW.customer_ref IS NOT NULL))
     
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    UPDATE contacts SET
        repeat_contact = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN COALESCE((
            SELECT julianday(contacts.local_date) - julianday(p.local_date) <= 7
                   AND p.functional < 4
            FROM contacts AS p
            WHERE p.deleted_at IS NULL AND p.customer_ref = contacts.customer_ref
              AND (p.occurred_ms, p.logged_at, p.id)
                  < (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY p.occurred_ms DESC, p.logged_at DESC, p.id DESC LIMIT 1), 0) ELSE 0 END,
        next_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END,
        next_level5_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL
                                     AND level = 5 THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND n.level = 5
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END
    WHERE rowid IN (
        NEW.rowid,
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND (occurred_ms, logged_at, id) < (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND (occurred_ms, logged_at, id) > (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms ASC, logged_at ASC, id ASC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = NEW.customer_ref
             AND level = 5
             AND (occurred_ms, logged_at, id) < (NEW.occurred_ms, NEW.logged_at, NEW.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND (occurred_ms, logged_at, id) < (OLD.occurred_ms, OLD.logged_at, OLD.id)
             AND rowid <> OLD.rowid
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND (occurred_ms, logged_at, id) > (OLD.occurred_ms, OLD.logged_at, OLD.id)
             AND rowid <> OLD.rowid
             ORDER BY occurred_ms ASC, logged_at ASC, id ASC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND level = 5
             AND (occurred_ms, logged_at, id) < (OLD.occurred_ms, OLD.logged_at, OLD.id)
             AND rowid <> OLD.rowid
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1));
END;

CREATE TRIGGER contacts_customer_order_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    UPDATE contacts SET
        repeat_contact = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN COALESCE((
            SELECT julianday(contacts.local_date) - julianday(p.local_date) <= 7
                   AND p.functional < 4
            FROM contacts AS p
            WHERE p.deleted_at IS NULL AND p.customer_ref = contacts.customer_ref
              AND (p.occurred_ms, p.logged_at, p.id)
                  < (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY p.occurred_ms DESC, p.logged_at DESC, p.id DESC LIMIT 1), 0) ELSE 0 END,
        next_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END,
        next_level5_week = CASE WHEN deleted_at IS NULL AND customer_ref IS NOT NULL
                                     AND level = 5 THEN (
            SELECT n.iso_week FROM contacts AS n
            WHERE n.deleted_at IS NULL AND n.customer_ref = contacts.customer_ref
              AND n.level = 5
              AND (n.occurred_ms, n.logged_at, n.id)
                  > (contacts.occurred_ms, contacts.logged_at, contacts.id)
            ORDER BY n.occurred_ms, n.logged_at, n.id LIMIT 1) END
    WHERE rowid IN (
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND (occurred_ms, logged_at, id) < (OLD.occurred_ms, OLD.logged_at, OLD.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND (occurred_ms, logged_at, id) > (OLD.occurred_ms, OLD.logged_at, OLD.id)
             ORDER BY occurred_ms ASC, logged_at ASC, id ASC LIMIT 1),
        (SELECT rowid FROM contacts WHERE deleted_at IS NULL AND customer_ref = OLD.customer_ref
             AND level = 5
             AND (occurred_ms, logged_at, id) < (OLD.occurred_ms, OLD.logged_at, OLD.id)
             ORDER BY occurred_ms DESC, logged_at DESC, id DESC LIMIT 1));
END;

-- Per week of a contact and week of the customer's next one ('' for none): how many
-- contacts, and how many level-5 contacts by the week of the customer's next level-5 one.
-- The customers of whole weeks S to T are the contacts of those weeks whose next one lies
-- after T, summed from a few thousand rows instead of counted distinct over every contact.
-- Subtractions are upserts too: the order in which SQLite runs the triggers of one insert
-- is not promised, so a subtraction may come before the row it subtracts from.
CREATE TABLE week_customer_rollup (
    iso_week  TEXT NOT NULL,
    next_week TEXT NOT NULL,
    customers INTEGER NOT NULL,
    level5    INTEGER NOT NULL,
    PRIMARY KEY (iso_week, next_week)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER contacts_customer_rollup_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    INSERT INTO week_customer_rollup VALUES (NEW.iso_week, COALESCE(NEW.next_week, ''), 1, 0)
    ON CONFLICT (iso_week, next_week) DO UPDATE SET customers = customers + excluded.customers;
    INSERT INTO week_customer_rollup
    SELECT NEW.iso_week, COALESCE(NEW.next_level5_week, ''), 0, 1 WHERE NEW.level = 5
    ON CONFLICT (iso_week, next_week) DO UPDATE SET level5 = level5 + excluded.level5;
END;

CREATE TRIGGER contacts_customer_rollup_update_out
AFTER UPDATE OF deleted_at, customer_ref, iso_week, level, next_week, next_level5_week ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    INSERT INTO week_customer_rollup VALUES (OLD.iso_week, COALESCE(OLD.next_week, ''), -1, 0)
    ON CONFLICT (iso_week, next_week) DO UPDATE SET customers = customers + excluded.customers;
    INSERT INTO week_customer_rollup
    SELECT OLD.iso_week, COALESCE(OLD.next_level5_week, ''), 0, -1 WHERE OLD.level = 5
    ON CONFLICT (iso_week, next_week) DO UPDATE SET level5 = level5 + excluded.level5;
END;

CREATE TRIGGER contacts_customer_rollup_update_in
AFTER UPDATE OF deleted_at, customer_ref, iso_week, level, next_week, next_level5_week ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    INSERT INTO week_customer_rollup VALUES (NEW.iso_week, COALESCE(NEW.next_week, ''), 1, 0)
    ON CONFLICT (iso_week, next_week) DO UPDATE SET customers = customers + excluded.customers;
    INSERT INTO week_customer_rollup
    SELECT NEW.iso_week, COALESCE(NEW.next_level5_week, ''), 0, 1 WHERE NEW.level = 5
    ON CONFLICT (iso_week, next_week) DO UPDATE SET level5 = level5 + excluded.level5;
END;

CREATE TRIGGER contacts_customer_rollup_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.customer_ref IS NOT NULL 
     AND NOT EXISTS (SELECT 1 FROM customer_order_paused)
BEGIN
    INSERT INTO week_customer_rollup VALUES (OLD.iso_week, COALESCE(OLD.next_week, ''), -1, 0)
    ON CONFLICT (iso_week, next_week) DO UPDATE SET customers = customers + excluded.customers;
    INSERT INTO week_customer_rollup
    SELECT OLD.iso_week, COALESCE(OLD.next_level5_week, ''), 0, -1 WHERE OLD.level = 5
    ON CONFLICT (iso_week, next_week) DO UPDATE SET level5 = level5 + excluded.level5;
END;

-- The answers' rollups count contacts with a customer reference and the repeat contacts
-- among them too, so the repeat rate per period, staff member, channel or topic is a sum.
-- Their triggers are made again with the new columns, subtracting by upsert as above.
DROP TRIGGER contacts_answers_insert;
DROP TRIGGER contacts_answers_update_out;
DROP TRIGGER contacts_answers_update_in;
DROP TRIGGER contacts_answers_delete;
DROP TRIGGER week_answer_rollup_team_insert;
DROP TRIGGER week_answer_rollup_team_update;
DROP TRIGGER contacts_topic_answers_insert;
DROP TRIGGER contacts_topic_answers_update_out;
DROP TRIGGER contacts_topic_answers_update_in;
DROP TRIGGER contacts_topic_answers_delete;

ALTER TABLE week_answer_rollup ADD COLUMN customers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE week_answer_rollup ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE week_team_answer_rollup ADD COLUMN customers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE week_team_answer_rollup ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE week_topic_answer_rollup ADD COLUMN customers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE week_topic_answer_rollup ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contacts_answers_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL
          OR NEW.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0),
        NEW.customer_ref IS NOT NULL, NEW.repeat_contact)
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_answers_update_out
AFTER UPDATE OF deleted_at, iso_week, staff, channel, emotional, nps, level, valued, customer_ref,
    repeat_contact ON contacts
WHEN OLD.deleted_at IS NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL
          OR OLD.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (OLD.iso_week, OLD.staff, OLD.channel,
        -(OLD.nps IS NOT NULL), -(COALESCE(OLD.nps >= 9, 0)), -(COALESCE(OLD.nps <= 6, 0)),
        -(COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        -(COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)), -(COALESCE(OLD.level = 1, 0)),
        -(COALESCE(OLD.level = 2, 0)), -(COALESCE(OLD.level = 3, 0)),
        -(COALESCE(OLD.level = 4, 0)), -(COALESCE(OLD.level = 5, 0)),
        -(COALESCE(OLD.valued = 1, 0)), -(COALESCE(OLD.valued = 2, 0)),
        -(COALESCE(OLD.valued = 3, 0)), -(COALESCE(OLD.valued = 4, 0)),
        -(COALESCE(OLD.valued = 5, 0)), -(OLD.customer_ref IS NOT NULL), -(OLD.repeat_contact))
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_answers_update_in
AFTER UPDATE OF deleted_at, iso_week, staff, channel, emotional, nps, level, valued, customer_ref,
    repeat_contact ON contacts
WHEN NEW.deleted_at IS NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL
          OR NEW.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (NEW.iso_week, NEW.staff, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0),
        NEW.customer_ref IS NOT NULL, NEW.repeat_contact)
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_answers_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL
          OR OLD.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_answer_rollup VALUES (OLD.iso_week, OLD.staff, OLD.channel,
        -(OLD.nps IS NOT NULL), -(COALESCE(OLD.nps >= 9, 0)), -(COALESCE(OLD.nps <= 6, 0)),
        -(COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        -(COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)), -(COALESCE(OLD.level = 1, 0)),
        -(COALESCE(OLD.level = 2, 0)), -(COALESCE(OLD.level = 3, 0)),
        -(COALESCE(OLD.level = 4, 0)), -(COALESCE(OLD.level = 5, 0)),
        -(COALESCE(OLD.valued = 1, 0)), -(COALESCE(OLD.valued = 2, 0)),
        -(COALESCE(OLD.valued = 3, 0)), -(COALESCE(OLD.valued = 4, 0)),
        -(COALESCE(OLD.valued = 5, 0)), -(OLD.customer_ref IS NOT NULL), -(OLD.repeat_contact))
    ON CONFLICT (iso_week, staff, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_topic_answers_insert AFTER INSERT ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.topic IS NOT NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL
          OR NEW.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (NEW.iso_week, NEW.topic, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0),
        NEW.customer_ref IS NOT NULL, NEW.repeat_contact)
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_topic_answers_update_out
AFTER UPDATE OF deleted_at, iso_week, topic, channel, emotional, nps, level, valued, customer_ref,
    repeat_contact ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL
          OR OLD.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (OLD.iso_week, OLD.topic, OLD.channel,
        -(OLD.nps IS NOT NULL), -(COALESCE(OLD.nps >= 9, 0)), -(COALESCE(OLD.nps <= 6, 0)),
        -(COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        -(COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)), -(COALESCE(OLD.level = 1, 0)),
        -(COALESCE(OLD.level = 2, 0)), -(COALESCE(OLD.level = 3, 0)),
        -(COALESCE(OLD.level = 4, 0)), -(COALESCE(OLD.level = 5, 0)),
        -(COALESCE(OLD.valued = 1, 0)), -(COALESCE(OLD.valued = 2, 0)),
        -(COALESCE(OLD.valued = 3, 0)), -(COALESCE(OLD.valued = 4, 0)),
        -(COALESCE(OLD.valued = 5, 0)), -(OLD.customer_ref IS NOT NULL), -(OLD.repeat_contact))
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_topic_answers_update_in
AFTER UPDATE OF deleted_at, iso_week, topic, channel, emotional, nps, level, valued, customer_ref,
    repeat_contact ON contacts
WHEN NEW.deleted_at IS NULL AND NEW.topic IS NOT NULL
     AND (NEW.nps IS NOT NULL OR NEW.level IS NOT NULL OR NEW.valued IS NOT NULL
          OR NEW.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (NEW.iso_week, NEW.topic, NEW.channel,
        NEW.nps IS NOT NULL, COALESCE(NEW.nps >= 9, 0), COALESCE(NEW.nps <= 6, 0),
        COALESCE(NEW.nps <= 6 AND NEW.emotional >= 4, 0),
        COALESCE(NEW.nps >= 9 AND NEW.emotional <= 3, 0), COALESCE(NEW.level = 1, 0),
        COALESCE(NEW.level = 2, 0), COALESCE(NEW.level = 3, 0), COALESCE(NEW.level = 4, 0),
        COALESCE(NEW.level = 5, 0), COALESCE(NEW.valued = 1, 0), COALESCE(NEW.valued = 2, 0),
        COALESCE(NEW.valued = 3, 0), COALESCE(NEW.valued = 4, 0), COALESCE(NEW.valued = 5, 0),
        NEW.customer_ref IS NOT NULL, NEW.repeat_contact)
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER contacts_topic_answers_delete AFTER DELETE ON contacts
WHEN OLD.deleted_at IS NULL AND OLD.topic IS NOT NULL
     AND (OLD.nps IS NOT NULL OR OLD.level IS NOT NULL OR OLD.valued IS NOT NULL
          OR OLD.customer_ref IS NOT NULL)
BEGIN
    INSERT INTO week_topic_answer_rollup VALUES (OLD.iso_week, OLD.topic, OLD.channel,
        -(OLD.nps IS NOT NULL), -(COALESCE(OLD.nps >= 9, 0)), -(COALESCE(OLD.nps <= 6, 0)),
        -(COALESCE(OLD.nps <= 6 AND OLD.emotional >= 4, 0)),
        -(COALESCE(OLD.nps >= 9 AND OLD.emotional <= 3, 0)), -(COALESCE(OLD.level = 1, 0)),
        -(COALESCE(OLD.level = 2, 0)), -(COALESCE(OLD.level = 3, 0)),
        -(COALESCE(OLD.level = 4, 0)), -(COALESCE(OLD.level = 5, 0)),
        -(COALESCE(OLD.valued = 1, 0)), -(COALESCE(OLD.valued = 2, 0)),
        -(COALESCE(OLD.valued = 3, 0)), -(COALESCE(OLD.valued = 4, 0)),
        -(COALESCE(OLD.valued = 5, 0)), -(OLD.customer_ref IS NOT NULL), -(OLD.repeat_contact))
    ON CONFLICT (iso_week, topic, channel) DO UPDATE SET
        nps_n = nps_n + excluded.nps_n, promoters = promoters + excluded.promoters,
        detractors = detractors + excluded.detractors,
        detractors_welcome = detractors_welcome + excluded.detractors_welcome,
        promoters_not_welcome = promoters_not_welcome + excluded.promoters_not_welcome,
        l1 = l1 + excluded.l1, l2 = l2 + excluded.l2, l3 = l3 + excluded.l3,
        l4 = l4 + excluded.l4, l5 = l5 + excluded.l5, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4,
        v5 = v5 + excluded.v5, customers = customers + excluded.customers,
        repeats = repeats + excluded.repeats;
END;

CREATE TRIGGER week_answer_rollup_team_insert AFTER INSERT ON week_answer_rollup
BEGIN
    INSERT INTO week_team_answer_rollup SELECT NEW.iso_week, NEW.channel,
        NEW.nps_n, NEW.promoters, NEW.detractors, NEW.detractors_welcome,
        NEW.promoters_not_welcome, NEW.l1, NEW.l2, NEW.l3, NEW.l4, NEW.l5,
        NEW.v1, NEW.v2, NEW.v3, NEW.v4, NEW.v5, NEW.customers, NEW.repeats
    WHERE TRUE ON CONFLICT (iso_week, channel) DO UPDATE SET
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
CREATE TRIGGER week_answer_rollup_team_update AFTER UPDATE ON week_answer_rollup
BEGIN
    UPDATE week_team_answer_rollup SET
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
    WHERE iso_week = OLD.iso_week AND channel = OLD.channel;
END;

-- Counted again with the new columns; the repeats follow when the store recounts the
-- customers' histories.
DELETE FROM week_answer_rollup;
DELETE FROM week_team_answer_rollup;
DELETE FROM week_topic_answer_rollup;
INSERT INTO week_answer_rollup
SELECT iso_week, staff, channel,
    COUNT(nps),
    COALESCE(SUM(nps >= 9), 0),
    COALESCE(SUM(nps <= 6), 0),
    COALESCE(SUM(nps <= 6 AND emotional >= 4), 0),
    COALESCE(SUM(nps >= 9 AND emotional <= 3), 0),
    COALESCE(SUM(level = 1), 0),
    COALESCE(SUM(level = 2), 0),
    COALESCE(SUM(level = 3), 0),
    COALESCE(SUM(level = 4), 0),
    COALESCE(SUM(level = 5), 0),
    COALESCE(SUM(valued = 1), 0),
    COALESCE(SUM(valued = 2), 0),
    COALESCE(SUM(valued = 3), 0),
    COALESCE(SUM(valued = 4), 0),
    COALESCE(SUM(valued = 5), 0),
    COUNT(customer_ref),
    SUM(repeat_contact)
FROM contacts WHERE deleted_at IS NULL
     AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL
          OR customer_ref IS NOT NULL)
GROUP BY iso_week, staff, channel;
INSERT INTO week_topic_answer_rollup
SELECT iso_week, topic, channel,
    COUNT(nps),
    COALESCE(SUM(nps >= 9), 0),
    COALESCE(SUM(nps <= 6), 0),
    COALESCE(SUM(nps <= 6 AND emotional >= 4), 0),
    COALESCE(SUM(nps >= 9 AND emotional <= 3), 0),
    COALESCE(SUM(level = 1), 0),
    COALESCE(SUM(level = 2), 0),
    COALESCE(SUM(level = 3), 0),
    COALESCE(SUM(level = 4), 0),
    COALESCE(SUM(level = 5), 0),
    COALESCE(SUM(valued = 1), 0),
    COALESCE(SUM(valued = 2), 0),
    COALESCE(SUM(valued = 3), 0),
    COALESCE(SUM(valued = 4), 0),
    COALESCE(SUM(valued = 5), 0),
    COUNT(customer_ref),
    SUM(repeat_contact)
FROM contacts WHERE deleted_at IS NULL AND topic IS NOT NULL
     AND (nps IS NOT NULL OR level IS NOT NULL OR valued IS NOT NULL
          OR customer_ref IS NOT NULL)
GROUP BY iso_week, topic, channel;

