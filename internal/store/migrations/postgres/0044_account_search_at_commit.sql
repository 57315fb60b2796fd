-- SQLite's migration 0044 indexes new accounts' names with the commit instead of the
-- INSERT, for its FTS5 index. PostgreSQL's trigram index is written by the INSERT as
-- any index is, and needs nothing; this keeps the two engines' numbers in step.
SELECT 1;
