-- A substring index for every "contains" filter: each folded name column gets an
-- FTS5 table with the trigram tokenizer, so filter[name]=abc looks up the rows whose
-- folded name holds the trigrams "abc" in a row instead of reading every name.
--
-- The tables are contentless (they keep the index, not a second copy of the names)
-- and case-sensitive: the names are folded by Cascade (domain.Fold) before they are
-- stored and the terms before they are searched, so the index compares exactly what
-- LIKE on the folded column compared. contentless_delete lets a trigger remove a
-- row by its id. Terms shorter than three characters have no trigram; the store
-- searches those with LIKE on the folded column (search.go).
--
-- Triggers keep each index in step with its table, whoever writes it; the current
-- rows are copied in here.

CREATE VIRTUAL TABLE resellers_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO resellers_name_fts (rowid, name_folded) SELECT id, name_folded FROM resellers;
CREATE TRIGGER resellers_name_fts_insert AFTER INSERT ON resellers BEGIN
    INSERT INTO resellers_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER resellers_name_fts_update AFTER UPDATE OF name_folded ON resellers
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM resellers_name_fts WHERE rowid = old.id;
    INSERT INTO resellers_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER resellers_name_fts_delete AFTER DELETE ON resellers BEGIN
    DELETE FROM resellers_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE manager_roles_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO manager_roles_name_fts (rowid, name_folded) SELECT id, name_folded FROM manager_roles;
CREATE TRIGGER manager_roles_name_fts_insert AFTER INSERT ON manager_roles BEGIN
    INSERT INTO manager_roles_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER manager_roles_name_fts_update AFTER UPDATE OF name_folded ON manager_roles
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM manager_roles_name_fts WHERE rowid = old.id;
    INSERT INTO manager_roles_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER manager_roles_name_fts_delete AFTER DELETE ON manager_roles BEGIN
    DELETE FROM manager_roles_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE managers_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO managers_name_fts (rowid, name_folded) SELECT id, name_folded FROM managers;
CREATE TRIGGER managers_name_fts_insert AFTER INSERT ON managers BEGIN
    INSERT INTO managers_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER managers_name_fts_update AFTER UPDATE OF name_folded ON managers
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM managers_name_fts WHERE rowid = old.id;
    INSERT INTO managers_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER managers_name_fts_delete AFTER DELETE ON managers BEGIN
    DELETE FROM managers_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE product_categories_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO product_categories_name_fts (rowid, name_folded) SELECT id, name_folded FROM product_categories;
CREATE TRIGGER product_categories_name_fts_insert AFTER INSERT ON product_categories BEGIN
    INSERT INTO product_categories_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER product_categories_name_fts_update AFTER UPDATE OF name_folded ON product_categories
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM product_categories_name_fts WHERE rowid = old.id;
    INSERT INTO product_categories_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER product_categories_name_fts_delete AFTER DELETE ON product_categories BEGIN
    DELETE FROM product_categories_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE products_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO products_name_fts (rowid, name_folded) SELECT id, name_folded FROM products;
CREATE TRIGGER products_name_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER products_name_fts_update AFTER UPDATE OF name_folded ON products
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM products_name_fts WHERE rowid = old.id;
    INSERT INTO products_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER products_name_fts_delete AFTER DELETE ON products BEGIN
    DELETE FROM products_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE plans_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO plans_name_fts (rowid, name_folded) SELECT id, name_folded FROM plans;
CREATE TRIGGER plans_name_fts_insert AFTER INSERT ON plans BEGIN
    INSERT INTO plans_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER plans_name_fts_update AFTER UPDATE OF name_folded ON plans
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM plans_name_fts WHERE rowid = old.id;
    INSERT INTO plans_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER plans_name_fts_delete AFTER DELETE ON plans BEGIN
    DELETE FROM plans_name_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE accounts_name_fts USING fts5 (name_folded, content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 1');
INSERT INTO accounts_name_fts (rowid, name_folded) SELECT id, name_folded FROM accounts;
CREATE TRIGGER accounts_name_fts_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER accounts_name_fts_update AFTER UPDATE OF name_folded ON accounts
    WHEN new.name_folded IS NOT old.name_folded BEGIN
    DELETE FROM accounts_name_fts WHERE rowid = old.id;
    INSERT INTO accounts_name_fts (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM accounts_name_fts WHERE rowid = old.id;
END;
