-- Most accounts have no manager and no external key, and an index entry for each of
-- their NULLs cost every account's INSERT two index writes that no query reads: a
-- lookup by manager (a filter, a manager's deletion) or by external key (a filter,
-- the uniqueness check) names a value, which a NULL never matches. Unique indexes
-- already let NULLs repeat, so uniqueness is unchanged.
DROP INDEX accounts_manager_id;
CREATE INDEX accounts_manager_id ON accounts (manager_id) WHERE manager_id IS NOT NULL;
DROP INDEX accounts_reseller_external_key;
CREATE UNIQUE INDEX accounts_reseller_external_key ON accounts (reseller_id, external_key)
    WHERE external_key IS NOT NULL;
