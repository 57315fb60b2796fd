-- PostgreSQL's migration 0043 adds catalog_moved(), which a sale's subscription
-- INSERT calls there. SQLite runs that INSERT at once and reads its answer, so it
-- needs nothing; this keeps the two engines' numbers in step.
SELECT 1;
