-- An account's name enters its FTS5 index with the commit of the transaction that
-- wrote the account, not with the account's INSERT.
--
-- FTS5 keeps what a transaction adds in memory and writes it out as a new segment of
-- the index whenever a savepoint is taken or released. A group commit runs every
-- member after the first in a savepoint of its own (pool_sqlite_group.go), so an
-- account created by a member cost a segment of its own, written while the member
-- held the one write connection, and FTS5 merged those small segments again later.
-- Now the trigger notes the new account's id in accounts_name_fts_pending, and the
-- commit of the write connection (sqliteTx.commit) indexes every noted account at
-- once, outside any savepoint, and empties the table: one segment per commit.
--
-- Nothing outside a write transaction sees a noted id, because the same commit that
-- makes the account visible indexes it. An account renamed or deleted before that
-- commit is simply read as it then is (the rename indexes nothing yet), or dropped
-- from the table.
CREATE TABLE accounts_name_fts_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER accounts_name_fts_insert;
CREATE TRIGGER accounts_name_fts_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_name_fts_pending (id) VALUES (new.id);
END;

DROP TRIGGER accounts_name_fts_update;
CREATE TRIGGER accounts_name_fts_update AFTER UPDATE OF name_folded ON accounts
    WHEN new.name_folded IS NOT old.name_folded
     AND NOT EXISTS (SELECT 1 FROM accounts_name_fts_pending WHERE id = old.id) BEGIN
    DELETE FROM accounts_name_fts WHERE rowid = old.id;
    INSERT INTO accounts_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;

DROP TRIGGER accounts_name_fts_delete;
CREATE TRIGGER accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM accounts_name_fts WHERE rowid = old.id
        AND NOT EXISTS (SELECT 1 FROM accounts_name_fts_pending WHERE id = old.id);
    DELETE FROM accounts_name_fts_pending WHERE id = old.id;
END;
