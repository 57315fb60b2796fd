-- The accounts counter of a reseller moves into the rows of its accounts scope: an
-- account create then moves one row (the scope's generation and its count together)
-- instead of a list_counts row and a cache_scopes row (store/tally.go). A scope has
-- one row on SQLite, shard 0, which takes the sum of the counter's slots; a row made
-- here has generation 0, so the scope's generation stays where it was.
ALTER TABLE cache_scopes ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
INSERT INTO cache_scopes (scope, shard, generation, n)
    SELECT 'accounts:' || CAST(reseller_id AS TEXT), 0, 0, SUM(n) FROM list_counts WHERE kind = 'accounts'
    GROUP BY reseller_id
    ON CONFLICT (scope, shard) DO UPDATE SET n = excluded.n;
DELETE FROM list_counts WHERE kind = 'accounts';
