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

CREATE TRIGGER resellers_stay BEFORE DELETE ON resellers
    FOR EACH ROW EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER resellers_keep_id BEFORE UPDATE OF id ON resellers
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER resellers_not_truncated BEFORE TRUNCATE ON resellers
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_shared_parent_change();

CREATE TRIGGER account_types_stay BEFORE DELETE ON account_types
    FOR EACH ROW EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER account_types_keep_id BEFORE UPDATE OF id ON account_types
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER account_types_not_truncated BEFORE TRUNCATE ON account_types
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_shared_parent_change();

CREATE TRIGGER account_classes_stay BEFORE DELETE ON account_classes
    FOR EACH ROW EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER account_classes_keep_key BEFORE UPDATE OF key ON account_classes
    FOR EACH ROW WHEN (OLD.key IS DISTINCT FROM NEW.key) EXECUTE FUNCTION refuse_shared_parent_change();
CREATE TRIGGER account_classes_not_truncated BEFORE TRUNCATE ON account_classes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_shared_parent_change();
