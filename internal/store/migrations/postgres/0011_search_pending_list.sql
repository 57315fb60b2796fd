-- Every trigram GIN index of migration 0009 keeps a short pending list. A GIN index
-- takes new entries into an unsorted pending list first and sorts them into the
-- index only when the list outgrows gin_pending_list_limit (4 MB by default) or
-- vacuum runs, and every search reads the whole list besides the index. With the
-- default, a contains filter after a burst of account creations read up to 512
-- pages of pending entries, whatever its term, where the index itself answers a
-- rare term from a few dozen pages. At 64 kB (the least allowed) a search reads at
-- most 8 pending pages, and writes still add their names' trigrams to the list,
-- which the write that outgrows it sorts into the index.
--
-- gin_clean_pending_list sorts in what the lists hold now.
ALTER INDEX resellers_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX manager_roles_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX managers_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX product_categories_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX products_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX plans_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX accounts_name_trgm SET (gin_pending_list_limit = 64);
SELECT gin_clean_pending_list(c.oid) FROM pg_class c
    WHERE c.oid IN ('resellers_name_trgm'::regclass, 'manager_roles_name_trgm'::regclass,
        'managers_name_trgm'::regclass, 'product_categories_name_trgm'::regclass,
        'products_name_trgm'::regclass, 'plans_name_trgm'::regclass, 'accounts_name_trgm'::regclass);
