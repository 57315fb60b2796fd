-- Resellers, account types and account classes are the parents that nearly every
-- write refers to, and a foreign key's check takes a KEY SHARE lock on the parent's
-- row: every account created at once under one reseller locked the same reseller,
-- type and class rows, so PostgreSQL built a MultiXact of the lockers on each of them
-- and rewrote the row's header for every create, and every reader of those rows then
-- resolved the MultiXact. Those rows are never deleted and their keys never change,
-- so a reference to one, once written, cannot dangle: the triggers below refuse
-- both, and the keys are dropped. Every write takes such a reference from a row it
-- read or checks it in its own statement (docs/architecture.md, "Storage"); SQLite,
-- where one writer takes no row locks, keeps its foreign keys.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.conrelid::regclass AS child, c.conname
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
          AND c.confrelid IN (to_regclass('resellers'), to_regclass('account_types'), to_regclass('account_classes'))
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.child, r.conname);
    END LOOP;
END
$$;

CREATE FUNCTION refuse_shared_parent_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are never deleted and keep their key', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;

-- For each shared parent and its key: no row deleted, no key changed, no truncation.
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT * FROM (VALUES ('resellers', 'id'), ('account_types', 'id'), ('account_classes', 'key')) AS v (t, k)
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION refuse_shared_parent_change()',
            p.t || '_stay', p.t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %I ON %I FOR EACH ROW WHEN (OLD.%I IS DISTINCT FROM NEW.%I) '
            'EXECUTE FUNCTION refuse_shared_parent_change()', p.t || '_keep_key', p.k, p.t, p.k, p.k);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_shared_parent_change()',
            p.t || '_not_truncated', p.t);
    END LOOP;
END
$$;
