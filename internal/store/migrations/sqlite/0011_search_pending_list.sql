-- Nothing to change on SQLite. The PostgreSQL migration of this number bounds the
-- pending lists of its trigram GIN indexes, which every search reads whole; an FTS5
-- table has no such list: each transaction writes its names into a segment of the
-- index, which searches look terms up in, and FTS5 merges segments as they
-- accumulate. This file keeps the migration numbers of both engines alike.
SELECT 1;
