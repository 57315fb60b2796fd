-- PostgreSQL's migration 0047 replaces the foreign keys to resellers, account types
-- and account classes, whose checks lock the parent's row, by triggers that keep those
-- rows and their keys. SQLite's one writer takes no row locks, and its checks are an
-- index read each: its foreign keys stay. This keeps the two engines' numbers in step.
SELECT 1;
