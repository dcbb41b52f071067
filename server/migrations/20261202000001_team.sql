-- The team server's schema. The server connects as a login role that is a member of
-- `contactmoment_app`: that role owns nothing, cannot bypass row-level security, and reaches
-- members, devices and join codes only through the SECURITY DEFINER functions below. The
-- acting member is set per transaction (set_config(..., true)) and every policy reads it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'contactmoment_app') THEN
        CREATE ROLE contactmoment_app NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;

CREATE TABLE teams (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Numbers every change of the team in commit order: a push takes its numbers with
    -- UPDATE ... RETURNING, whose row lock makes the next push wait for this one's commit.
    version       bigint NOT NULL DEFAULT 0,
    -- The key every desk of the team pseudonymises customer references with, so that one
    -- customer has one pseudonym in the whole team (and can be found and erased by it).
    pseudonym_key bytea NOT NULL CHECK (length(pseudonym_key) = 32),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    id         uuid PRIMARY KEY,
    team_id    uuid NOT NULL REFERENCES teams (id),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role       text NOT NULL CHECK (role IN ('staff', 'lead')),
    removed_at timestamptz
);

CREATE TABLE join_codes (
    code_hash  bytea PRIMARY KEY,
    member_id  uuid NOT NULL REFERENCES members (id),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE devices (
    id         uuid PRIMARY KEY,
    member_id  uuid NOT NULL REFERENCES members (id),
    token_hash bytea NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE contacts (
    id         uuid PRIMARY KEY,
    team_id    uuid NOT NULL REFERENCES teams (id),
    member_id  uuid NOT NULL REFERENCES members (id),
    version    bigint NOT NULL,
    -- The latest change's time on the desktop that made it (clamped to the server's clock)
    -- and that desktop: together they decide between concurrent edits.
    changed_at timestamptz NOT NULL,
    device_id  uuid NOT NULL,
    deleted_at timestamptz,
    -- The contact as the core's JSON; NULL once erased (only the id is left, so that every
    -- desktop erases it too).
    body       jsonb
);

CREATE INDEX contacts_by_version ON contacts (team_id, version);

CREATE TABLE applied_ops (
    op_id   uuid PRIMARY KEY,
    team_id uuid NOT NULL REFERENCES teams (id)
);

CREATE TABLE team_settings (
    team_id uuid NOT NULL REFERENCES teams (id),
    key     text NOT NULL,
    value   text,
    version bigint NOT NULL,
    PRIMARY KEY (team_id, key)
);

CREATE FUNCTION cm_member() RETURNS uuid
LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('cm.member', true), '')::uuid $$;

CREATE FUNCTION cm_team() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT team_id FROM members WHERE id = cm_member() AND removed_at IS NULL $$;

CREATE FUNCTION cm_is_lead() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT EXISTS (SELECT 1 FROM members WHERE id = cm_member() AND removed_at IS NULL AND role = 'lead') $$;

-- Who holds a device token (by its hash): nothing for a revoked device or removed member.
CREATE FUNCTION cm_authenticate(token bytea)
RETURNS TABLE (member_id uuid, member_name text, role text, team_id uuid, team_name text, device_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
    SELECT m.id, m.name, m.role, t.id, t.name, d.id
    FROM devices d JOIN members m ON m.id = d.member_id JOIN teams t ON t.id = m.team_id
    WHERE d.token_hash = token AND d.revoked_at IS NULL AND m.removed_at IS NULL
$$;

-- Exchanges a one-time, unexpired join code for a new device; nothing when the code is not
-- (or no longer) good.
CREATE FUNCTION cm_join(code bytea, token bytea, device_name text)
RETURNS TABLE (member_id uuid, member_name text, role text, team_id uuid, team_name text, device_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    who uuid;
    device uuid := gen_random_uuid();
BEGIN
    UPDATE join_codes j SET used_at = now()
    WHERE j.code_hash = code AND j.used_at IS NULL AND j.expires_at > now()
      AND EXISTS (SELECT 1 FROM members m WHERE m.id = j.member_id AND m.removed_at IS NULL)
    RETURNING j.member_id INTO who;
    IF who IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO devices (id, member_id, token_hash, name) VALUES (device, who, token, device_name);
    RETURN QUERY SELECT * FROM cm_authenticate(token);
END
$$;

-- Takes n consecutive change numbers of the acting member's team; returns the first.
CREATE FUNCTION cm_next_versions(n bigint) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE teams SET version = version + n WHERE id = cm_team() RETURNING version - n + 1 $$;

CREATE FUNCTION cm_team_key() RETURNS bytea
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT pseudonym_key FROM teams WHERE id = cm_team() $$;

CREATE FUNCTION cm_team_version() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT version FROM teams WHERE id = cm_team() $$;

-- A lead adds a member with a join code (by its hash) that expires.
CREATE FUNCTION cm_add_member(name text, role text, code bytea, expires timestamptz) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    id uuid := gen_random_uuid();
BEGIN
    IF NOT cm_is_lead() THEN
        RAISE EXCEPTION 'only a team lead can add members' USING ERRCODE = '42501';
    END IF;
    INSERT INTO members (id, team_id, name, role) VALUES (id, cm_team(), name, role);
    INSERT INTO join_codes (code_hash, member_id, expires_at) VALUES (code, id, expires);
    RETURN id;
END
$$;

-- A lead removes a member of their team: their devices are refused from now on.
CREATE FUNCTION cm_remove_member(who uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    IF NOT cm_is_lead() THEN
        RAISE EXCEPTION 'only a team lead can remove members' USING ERRCODE = '42501';
    END IF;
    UPDATE members SET removed_at = now()
    WHERE id = who AND team_id = cm_team() AND removed_at IS NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE devices SET revoked_at = now() WHERE member_id = who AND revoked_at IS NULL;
    RETURN true;
END
$$;

-- The acting device leaves: its token is refused from now on.
CREATE FUNCTION cm_leave(device uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE devices SET revoked_at = now() WHERE id = device AND member_id = cm_member() $$;

-- The policies call the functions through scalar subqueries, which PostgreSQL evaluates once
-- per statement instead of once per row (a pull of a million contacts reads a million rows).
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY contacts_read ON contacts FOR SELECT
    USING (team_id = (SELECT cm_team()) AND (member_id = (SELECT cm_member()) OR (SELECT cm_is_lead())));
CREATE POLICY contacts_insert ON contacts FOR INSERT
    WITH CHECK (team_id = (SELECT cm_team()) AND member_id = (SELECT cm_member()));
-- A lead may change a colleague's contact; the server lets that change only the follow-up.
CREATE POLICY contacts_update ON contacts FOR UPDATE
    USING (team_id = (SELECT cm_team()) AND (member_id = (SELECT cm_member()) OR (SELECT cm_is_lead())))
    WITH CHECK (team_id = (SELECT cm_team()) AND (member_id = (SELECT cm_member()) OR (SELECT cm_is_lead())));

-- What a lead may change in a colleague's contact, enforced here too: whether its follow-up
-- is done, erasing its note, or erasing it whole; never who it belongs to or anything else.
CREATE FUNCTION cm_guard_contact_change() RETURNS trigger
LANGUAGE plpgsql AS
$$
DECLARE
    kept CONSTANT text[] := ARRAY['follow_up_done_at', 'follow_up_done_by', 'note'];
BEGIN
    IF NEW.member_id IS DISTINCT FROM OLD.member_id OR NEW.team_id IS DISTINCT FROM OLD.team_id THEN
        RAISE EXCEPTION 'a contact stays with its member and team' USING ERRCODE = '42501';
    END IF;
    IF OLD.body IS NULL AND NEW.body IS NOT NULL THEN
        RAISE EXCEPTION 'an erased contact stays erased' USING ERRCODE = '42501';
    END IF;
    IF OLD.member_id IS DISTINCT FROM (SELECT cm_member()) AND NEW.body IS NOT NULL AND (
        (NEW.body - kept) IS DISTINCT FROM (OLD.body - kept)
        OR (NEW.body -> 'note' <> 'null'::jsonb AND NEW.body -> 'note' IS DISTINCT FROM OLD.body -> 'note')
        OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at
    ) THEN
        RAISE EXCEPTION 'a lead changes only the follow-up of a colleague''s contact, or erases its note'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER contacts_guard BEFORE UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION cm_guard_contact_change();

ALTER TABLE applied_ops ENABLE ROW LEVEL SECURITY;
ALTER TABLE applied_ops FORCE ROW LEVEL SECURITY;
CREATE POLICY applied_ops_team ON applied_ops
    USING (team_id = (SELECT cm_team())) WITH CHECK (team_id = (SELECT cm_team()));

ALTER TABLE team_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY team_settings_read ON team_settings FOR SELECT USING (team_id = (SELECT cm_team()));
CREATE POLICY team_settings_insert ON team_settings FOR INSERT
    WITH CHECK (team_id = (SELECT cm_team()) AND (SELECT cm_is_lead()));
CREATE POLICY team_settings_update ON team_settings FOR UPDATE
    USING (team_id = (SELECT cm_team()) AND (SELECT cm_is_lead())) WITH CHECK (team_id = (SELECT cm_team()) AND (SELECT cm_is_lead()));

REVOKE ALL ON teams, members, join_codes, devices, contacts, applied_ops, team_settings FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON contacts, team_settings TO contactmoment_app;
GRANT SELECT, INSERT ON applied_ops TO contactmoment_app;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO contactmoment_app;
GRANT USAGE ON SCHEMA public TO contactmoment_app;
