-- The catalogue's version: one counter that every transaction writing catalogue rows
-- moves on (store.Conn.LockCatalogs), so readers can keep plans in memory and know
-- they are current by reading one row. On PostgreSQL the update is also the lock
-- that serialises catalogue applies.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

-- Plan lists are per reseller and ordered by id: this index hands them over in order,
-- where the (reseller_id, key) index would need every plan of the reseller sorted.
CREATE INDEX plans_reseller_id ON plans (reseller_id, id);
