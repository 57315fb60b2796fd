-- The accounts counter of a reseller moves into the rows of its accounts scope: an
-- account create then moves one row (a shard of 'accounts:ID', its generation and
-- its count together) instead of a list_counts row and a cache_scopes row, one
-- upsert and two relations fewer per create (store/tally.go). A shard's n is the
-- share of the reseller's accounts its moves counted; the count is their sum.
ALTER TABLE cache_scopes ADD COLUMN n BIGINT NOT NULL DEFAULT 0;
-- Each counter slot becomes the shard of the same number; a shard made here has
-- generation 0, so the scope's generation (the sum) stays where it was.
INSERT INTO cache_scopes (scope, shard, generation, n)
    SELECT 'accounts:' || CAST(reseller_id AS TEXT), slot, 0, n FROM list_counts WHERE kind = 'accounts'
    ON CONFLICT (scope, shard) DO UPDATE SET n = excluded.n;
DELETE FROM list_counts WHERE kind = 'accounts';
