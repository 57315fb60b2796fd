-- A user belongs to exactly one reseller, the reseller of the account it was created
-- for, and its e-mail is unique within that reseller rather than across the
-- installation: the same person buying from two resellers is two users, and no
-- reseller reaches another's users by id or by e-mail.
--
-- Until now one user could be attached to accounts of several resellers. Each such
-- user keeps its id in the reseller of the first account (lowest id) that refers to
-- it, and gets a copy in every other reseller; the accounts, account users and login
-- tokens of those resellers are re-pointed to their copy. A user no account refers
-- to belongs to no reseller, and no reseller could reach it, so it is dropped.

-- Every reference from an account to a user, with the account's reseller.
CREATE TABLE migrate_user_refs (
    user_id     INTEGER NOT NULL,
    account_id  INTEGER NOT NULL,
    reseller_id INTEGER NOT NULL
);
INSERT INTO migrate_user_refs (user_id, account_id, reseller_id)
    SELECT owner_id, id, reseller_id FROM accounts WHERE owner_id IS NOT NULL
    UNION SELECT tech_user_id, id, reseller_id FROM accounts WHERE tech_user_id IS NOT NULL
    UNION SELECT au.user_id, a.id, a.reseller_id FROM account_users au JOIN accounts a ON a.id = au.account_id
    UNION SELECT t.user_id, a.id, a.reseller_id FROM user_login_tokens t JOIN accounts a ON a.id = t.account_id;
CREATE INDEX migrate_user_refs_user ON migrate_user_refs (user_id, account_id);

-- SQLite adds a column that refers to another table only as nullable, and a NOT NULL
-- column only by rebuilding the table, which the accounts, account users and login
-- tokens referring to users forbid while foreign keys are on (as they are in every
-- migration's transaction). So the column is nullable and two triggers refuse a
-- user without a reseller, as NOT NULL does on PostgreSQL.
ALTER TABLE users ADD COLUMN reseller_id INTEGER REFERENCES resellers (id);
UPDATE users SET reseller_id =
    (SELECT r.reseller_id FROM migrate_user_refs r WHERE r.user_id = users.id ORDER BY r.account_id LIMIT 1);
DELETE FROM users WHERE reseller_id IS NULL;
CREATE TRIGGER users_reseller_id_insert BEFORE INSERT ON users WHEN NEW.reseller_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: users.reseller_id');
END;
CREATE TRIGGER users_reseller_id_update BEFORE UPDATE OF reseller_id ON users WHEN NEW.reseller_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: users.reseller_id');
END;
DROP INDEX users_email;

-- The e-mail is unique per reseller; account lists filter by e-mail across the
-- resellers below one (filter[user_email] of child_reseller_accounts), hence the
-- plain index too.
CREATE UNIQUE INDEX users_reseller_email ON users (reseller_id, email);
CREATE INDEX users_email ON users (email);

-- One copy of each shared user per other reseller it serves.
INSERT INTO users (reseller_id, email, first_name, middle_name, last_name, status, created_at, updated_at)
    SELECT DISTINCT r.reseller_id, u.email, u.first_name, u.middle_name, u.last_name, u.status, u.created_at, u.updated_at
    FROM migrate_user_refs r JOIN users u ON u.id = r.user_id
    WHERE r.reseller_id <> u.reseller_id;

-- Re-point every reference of another reseller's account to that reseller's copy,
-- found by the e-mail, which was unique across the installation until now.
UPDATE accounts SET owner_id = (
        SELECT c.id FROM users o JOIN users c ON c.email = o.email AND c.reseller_id = accounts.reseller_id
        WHERE o.id = accounts.owner_id)
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = accounts.owner_id AND u.reseller_id <> accounts.reseller_id);
UPDATE accounts SET tech_user_id = (
        SELECT c.id FROM users o JOIN users c ON c.email = o.email AND c.reseller_id = accounts.reseller_id
        WHERE o.id = accounts.tech_user_id)
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = accounts.tech_user_id AND u.reseller_id <> accounts.reseller_id);
UPDATE account_users SET user_id = (
        SELECT c.id FROM accounts a JOIN users o ON o.id = account_users.user_id
        JOIN users c ON c.email = o.email AND c.reseller_id = a.reseller_id
        WHERE a.id = account_users.account_id)
    WHERE EXISTS (SELECT 1 FROM accounts a JOIN users u ON u.id = account_users.user_id
        WHERE a.id = account_users.account_id AND u.reseller_id <> a.reseller_id);
UPDATE user_login_tokens SET user_id = (
        SELECT c.id FROM accounts a JOIN users o ON o.id = user_login_tokens.user_id
        JOIN users c ON c.email = o.email AND c.reseller_id = a.reseller_id
        WHERE a.id = user_login_tokens.account_id)
    WHERE EXISTS (SELECT 1 FROM accounts a JOIN users u ON u.id = user_login_tokens.user_id
        WHERE a.id = user_login_tokens.account_id AND u.reseller_id <> a.reseller_id);

DROP TABLE migrate_user_refs;
