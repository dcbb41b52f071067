-- Team mode. `team_link` holds this desk's membership (at most one row); while it exists,
-- every change to a contact is also written to `outbox` by the triggers below, in the same
-- transaction as the change, so nothing saved can miss the next push. Contacts pulled from
-- the server are applied with a row in `sync_applying`, which keeps them out of the outbox.
-- A restore from a backup replaces contacts and settings only: the link and the outbox stay.
CREATE TABLE team_link (
    one            INTEGER PRIMARY KEY CHECK (one = 1),
    server         TEXT    NOT NULL,
    ca_pem         TEXT,
    insecure_http  INTEGER NOT NULL DEFAULT 0,
    token          TEXT    NOT NULL,
    device_id      TEXT    NOT NULL,
    member_id      TEXT    NOT NULL,
    member_name    TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('staff', 'lead')),
    team_id        TEXT    NOT NULL,
    team_name      TEXT    NOT NULL,
    cursor         INTEGER NOT NULL DEFAULT 0,
    last_synced_at TEXT,
    last_error     TEXT,
    -- The kind of the last failure (an ErrorCode: unreachable, not_allowed, …).
    last_error_code TEXT,
    -- The team's pseudonym key (64 hex digits), used instead of this desk's own while linked.
    pseudonym_key  TEXT    NOT NULL,
    -- How often a team setting changed here since a lead last shared them.
    settings_pending INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id      TEXT    NOT NULL,
    contact_id TEXT    NOT NULL,
    erase      INTEGER NOT NULL,
    changed_at TEXT    NOT NULL
) STRICT;

CREATE INDEX outbox_by_contact ON outbox (contact_id);

CREATE TABLE sync_applying (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;

CREATE TRIGGER outbox_insert AFTER INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (op_id, contact_id, erase, changed_at)
    VALUES (lower(hex(randomblob(16))), NEW.id, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER outbox_update AFTER UPDATE ON contacts
WHEN EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (op_id, contact_id, erase, changed_at)
    VALUES (lower(hex(randomblob(16))), NEW.id, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER outbox_delete AFTER DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (op_id, contact_id, erase, changed_at)
    VALUES (lower(hex(randomblob(16))), OLD.id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- A lead's change to a team setting is shared by the next sync.
CREATE TRIGGER team_settings_changed AFTER INSERT ON settings
WHEN NEW.key IN ('target_functional', 'target_emotional', 'retention_months',
                 'retention_whole_contacts', 'pseudonymise_customers')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;

CREATE TRIGGER team_settings_updated AFTER UPDATE ON settings
WHEN NEW.value IS NOT OLD.value AND NEW.key IN ('target_functional', 'target_emotional', 'retention_months',
                 'retention_whole_contacts', 'pseudonymise_customers')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;

CREATE TRIGGER team_settings_removed AFTER DELETE ON settings
WHEN OLD.key IN ('target_functional', 'target_emotional', 'retention_months',
                 'retention_whole_contacts', 'pseudonymise_customers')
     AND EXISTS (SELECT 1 FROM team_link) AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    UPDATE team_link SET settings_pending = settings_pending + 1;
END;
