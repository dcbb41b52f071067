-- A lead may also mark a colleague's contact to bring to the team meeting. Contacts stored
-- before the journal gained its optional answers lack those keys; a key left out and a key
-- that is null mean the same, so the comparison ignores nulls.
CREATE OR REPLACE FUNCTION cm_guard_contact_change() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    kept CONSTANT text[] := ARRAY['follow_up_done_at', 'follow_up_done_by', 'note', 'star'];
BEGIN
    IF NEW.member_id IS DISTINCT FROM OLD.member_id OR NEW.team_id IS DISTINCT FROM OLD.team_id THEN
        RAISE EXCEPTION 'a contact stays with its member and team' USING ERRCODE = '42501';
    END IF;
    IF OLD.body IS NULL AND NEW.body IS NOT NULL THEN
        RAISE EXCEPTION 'an erased contact stays erased' USING ERRCODE = '42501';
    END IF;
    IF OLD.member_id IS DISTINCT FROM (SELECT cm_member()) AND NEW.body IS NOT NULL AND (
        jsonb_strip_nulls(NEW.body - kept) IS DISTINCT FROM jsonb_strip_nulls(OLD.body - kept)
        OR (NEW.body -> 'note' <> 'null'::jsonb AND NEW.body -> 'note' IS DISTINCT FROM OLD.body -> 'note')
        OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at
    ) THEN
        RAISE EXCEPTION 'a lead changes only the follow-up and the team-meeting mark of a colleague''s contact, or erases its note'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
