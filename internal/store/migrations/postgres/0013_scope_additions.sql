-- What the latest moves of each scope shard added (store/scope.go). A transaction
-- that only adds accounts to a scope, and declares them, appends a segment
-- "generation:ids" to added (ids a comma list, empty for none); the segments of
-- consecutive declared moves accumulate up to a bounded length, and any other move
-- sets added to NULL. A reader holding a value read a few moves back then brings it
-- up to date from the ids alone. The column counts only while added_generation
-- equals generation, so a move by hand (UPDATE ... SET generation = generation + 1)
-- reads as an unknown change.
ALTER TABLE cache_scopes ADD COLUMN added TEXT;
ALTER TABLE cache_scopes ADD COLUMN added_generation BIGINT;
