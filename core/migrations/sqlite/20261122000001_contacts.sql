-- The contact journal. Timestamps are RFC 3339 text; local_date and iso_week are derived in
-- Rust from the staff member's own clock, so every backend groups weeks identically.
CREATE TABLE contacts (
    id           TEXT    NOT NULL PRIMARY KEY,
    occurred_at  TEXT    NOT NULL,
    occurred_ms  INTEGER NOT NULL,
    local_date   TEXT    NOT NULL,
    iso_week     TEXT    NOT NULL,
    logged_at    TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    deleted_at   TEXT,
    staff        TEXT    NOT NULL,
    channel      TEXT    NOT NULL
        CHECK (channel IN ('phone', 'email', 'chat', 'counter', 'social', 'visit')),
    functional   INTEGER NOT NULL CHECK (functional BETWEEN 1 AND 5),
    emotional    INTEGER NOT NULL CHECK (emotional BETWEEN 1 AND 5),
    topic        TEXT,
    customer_ref TEXT,
    note         TEXT    CHECK (note IS NULL OR length(note) <= 2000),
    follow_up    INTEGER NOT NULL DEFAULT 0 CHECK (follow_up IN (0, 1))
) STRICT;

-- Weekly figures filter on a date range, optionally by staff or channel; deleted rows never
-- count. Each index also carries the week, both ratings and deleted_at (always NULL here, but
-- SQLite must see it in the index) so the weekly query is answered from the index alone.
CREATE INDEX contacts_live_by_date
    ON contacts (local_date, iso_week, functional, emotional, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_by_staff
    ON contacts (staff, local_date, iso_week, functional, emotional, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_by_channel
    ON contacts (channel, local_date, iso_week, functional, emotional, deleted_at)
    WHERE deleted_at IS NULL;
-- The journal lists the newest first.
CREATE INDEX contacts_by_time ON contacts (occurred_ms);

CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
