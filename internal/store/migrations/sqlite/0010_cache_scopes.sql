-- Generations of the scopes that in-memory read caches depend on (internal/readcache,
-- service/cached.go). A scope names what one cached value was read from: 'catalog'
-- (every plan), 'reference' (account types and classes), 'reseller:7' (reseller 7 as
-- its API object shows it), 'accounts:7' (the accounts of reseller 7 and their users).
-- Every transaction that changes what a scope covers moves one of its rows on before
-- it commits (store.Conn.touch); a cached value is current while the sum of its
-- scope's generations is the one read before the value was. A scope has several
-- rows (shards) on PostgreSQL, so concurrent writers of one scope seldom wait for
-- each other's row; on SQLite, whose writers queue anyway, it has one.
CREATE TABLE cache_scopes (
    scope      TEXT    NOT NULL,
    shard      INTEGER NOT NULL,
    generation BIGINT  NOT NULL,
    PRIMARY KEY (scope, shard)
) WITHOUT ROWID;
INSERT INTO cache_scopes (scope, shard, generation) VALUES ('catalog', 0, 1), ('reference', 0, 1);
INSERT INTO cache_scopes (scope, shard, generation) SELECT 'reseller:' || id, 0, 1 FROM resellers;
INSERT INTO cache_scopes (scope, shard, generation) SELECT 'accounts:' || id, 0, 1 FROM resellers;

-- A manager's change moves the scopes of the resellers it is the upstream manager of,
-- found by this index.
CREATE INDEX resellers_manager_id ON resellers (manager_id);
