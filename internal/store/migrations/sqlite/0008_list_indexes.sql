-- Every documented sort of a list is served by an index, so a page costs the same
-- at a million rows as at ten thousand. A list of one reseller's objects (its
-- accounts, managers, access levels, plans) walks an index led by reseller_id and
-- the sort's column, ending in id, which breaks ties: (reseller_id, name_folded, id)
-- for sort=name, and so on. Names sort by their folded column. The pages after a
-- cursor start inside the same index (store/list.go, after).
DROP INDEX accounts_reseller_created_at;
DROP INDEX accounts_reseller_updated_at;
CREATE INDEX accounts_reseller_name_folded ON accounts (reseller_id, name_folded, id);
CREATE INDEX accounts_reseller_created_at ON accounts (reseller_id, created_at, id);
CREATE INDEX accounts_reseller_updated_at ON accounts (reseller_id, updated_at, id);

DROP INDEX managers_reseller_id;
CREATE INDEX managers_reseller_id ON managers (reseller_id, id);
CREATE INDEX managers_reseller_name_folded ON managers (reseller_id, name_folded, id);
CREATE INDEX managers_reseller_email ON managers (reseller_id, email, id);
CREATE INDEX managers_reseller_created_at ON managers (reseller_id, created_at, id);
CREATE INDEX managers_reseller_updated_at ON managers (reseller_id, updated_at, id);

CREATE INDEX manager_roles_reseller_id ON manager_roles (reseller_id, id);
CREATE INDEX manager_roles_reseller_name_folded ON manager_roles (reseller_id, name_folded, id);
CREATE INDEX manager_roles_reseller_created_at ON manager_roles (reseller_id, created_at, id);
CREATE INDEX manager_roles_reseller_updated_at ON manager_roles (reseller_id, updated_at, id);

CREATE INDEX plans_reseller_name_folded ON plans (reseller_id, name_folded, id);
CREATE INDEX plans_reseller_created_at ON plans (reseller_id, created_at, id);
CREATE INDEX plans_reseller_updated_at ON plans (reseller_id, updated_at, id);

-- The lists of everything below a reseller (child_reseller_accounts,
-- child_reseller_managers, child_resellers) span a range of reseller paths, and no
-- index serves a range on one column and an order on another. They walk a global
-- index of the sort instead, keeping the rows of the subtree, and stop after a
-- page: the cost is the page divided by the subtree's share of the table's rows.
-- Sorting by id walks the primary key, by e-mail or domain their unique indexes.
CREATE INDEX accounts_name_folded ON accounts (name_folded, id);
CREATE INDEX accounts_created_at ON accounts (created_at, id);
CREATE INDEX accounts_updated_at ON accounts (updated_at, id);
CREATE INDEX managers_name_folded ON managers (name_folded, id);
CREATE INDEX managers_created_at ON managers (created_at, id);
CREATE INDEX managers_updated_at ON managers (updated_at, id);
CREATE INDEX resellers_name_folded ON resellers (name_folded, id);
CREATE INDEX resellers_created_at ON resellers (created_at, id);
CREATE INDEX resellers_updated_at ON resellers (updated_at, id);

-- Rows per reseller and kind ('accounts', 'managers', 'manager_roles', 'plans'),
-- which answer the total of an unfiltered list without counting its rows. A
-- counter is spread over up to 16 slots, each write moving one chosen at random,
-- so concurrent writes for one reseller do not queue on one row; a read sums the
-- slots. Writes move them in their own transaction (store/tally.go).
CREATE TABLE list_counts (
    reseller_id BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    slot        INTEGER NOT NULL,
    n           BIGINT  NOT NULL,
    PRIMARY KEY (reseller_id, kind, slot)
);
INSERT INTO list_counts (reseller_id, kind, slot, n)
    SELECT reseller_id, 'accounts', 0, COUNT(*) FROM accounts GROUP BY reseller_id;
INSERT INTO list_counts (reseller_id, kind, slot, n)
    SELECT reseller_id, 'managers', 0, COUNT(*) FROM managers GROUP BY reseller_id;
INSERT INTO list_counts (reseller_id, kind, slot, n)
    SELECT reseller_id, 'manager_roles', 0, COUNT(*) FROM manager_roles GROUP BY reseller_id;
INSERT INTO list_counts (reseller_id, kind, slot, n)
    SELECT reseller_id, 'plans', 0, COUNT(*) FROM plans GROUP BY reseller_id;
