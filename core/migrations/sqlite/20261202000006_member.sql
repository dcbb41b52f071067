-- Who logged a contact, apart from the name shown for it: the member id of the person using
-- this journal. A rename keeps every earlier contact theirs, and "your recent contacts" finds
-- them by it. Contacts from imports, the demo's other staff or `log --staff` for someone else
-- have none.
ALTER TABLE contacts ADD COLUMN staff_id TEXT;

CREATE INDEX contacts_live_by_staff_id
    ON contacts (staff_id, occurred_ms)
    WHERE deleted_at IS NULL AND staff_id IS NOT NULL;

INSERT OR IGNORE INTO settings (key, value) VALUES ('member_id', lower(hex(randomblob(16))));

-- The contacts already logged under the chosen display name are this person's.
UPDATE contacts SET staff_id = (SELECT value FROM settings WHERE key = 'member_id')
WHERE staff = (SELECT value FROM settings WHERE key = 'display_name');
