-- A SQLite table whose primary key is not one INTEGER column keeps two b-trees: its
-- rows by a hidden rowid, and the key's index beside them. Every account create
-- writes a row of account_users (the owner's link) and moves a list counter, so it
-- wrote a page of both trees of each. Declared WITHOUT ROWID, the rows live in the
-- key's tree: one tree, one page less per table and write. The tables are rebuilt
-- with the same columns, keys and indexes.
CREATE TABLE account_users_keyed (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    access_level TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
) WITHOUT ROWID;
INSERT INTO account_users_keyed (account_id, user_id, access_level, status, created_at, updated_at)
    SELECT account_id, user_id, access_level, status, created_at, updated_at FROM account_users;
DROP TABLE account_users;
ALTER TABLE account_users_keyed RENAME TO account_users;
CREATE INDEX account_users_user_id ON account_users (user_id);
-- Exactly one Owner per account.
CREATE UNIQUE INDEX account_users_owner ON account_users (account_id) WHERE access_level = 'owner';

CREATE TABLE list_counts_keyed (
    reseller_id BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    slot        INTEGER NOT NULL,
    n           BIGINT  NOT NULL,
    PRIMARY KEY (reseller_id, kind, slot)
) WITHOUT ROWID;
INSERT INTO list_counts_keyed (reseller_id, kind, slot, n) SELECT reseller_id, kind, slot, n FROM list_counts;
DROP TABLE list_counts;
ALTER TABLE list_counts_keyed RENAME TO list_counts;
