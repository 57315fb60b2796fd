-- Nothing to change on PostgreSQL, whose tables have no rowid: the SQLite migration
-- of this number stores account_users and list_counts in their primary keys' trees.
-- This file keeps the migration numbers of both engines alike.
SELECT 1;
