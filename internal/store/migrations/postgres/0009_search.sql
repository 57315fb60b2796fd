-- A substring index for every "contains" filter: a trigram GIN index (pg_trgm) on
-- each folded name column, which serves the LIKE '%term%' the store asks for a term
-- of three letters or digits in a row (search.go), so filter[name]=abc reads the
-- rows holding the trigram "abc" instead of every name.
--
-- pg_trgm is a trusted extension: a role with CREATE on the database may create it
-- without being a superuser. Where the role may not, a superuser or the database
-- owner runs CREATE EXTENSION pg_trgm once before Cascade migrates, and this finds
-- it there. The extension may live in any schema (another application's, or public
-- while Cascade's tables live in a schema of their own), so its operator class is
-- named by the schema the catalogue says it is in.
--
-- pg_trgm only takes letters and digits into trigrams, as the database's LC_CTYPE
-- classifies them: under the C locale only ASCII ones. A database for names in other
-- scripts needs a UTF-8 LC_CTYPE (e.g. C.UTF-8) for the index to serve them; under C
-- such searches are still answered, by reading every name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
DECLARE
    ops text;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO STRICT ops
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX resellers_name_trgm ON resellers USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX manager_roles_name_trgm ON manager_roles USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX managers_name_trgm ON managers USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX product_categories_name_trgm ON product_categories USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX products_name_trgm ON products USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX plans_name_trgm ON plans USING gin (name_folded %s)', ops);
    EXECUTE format('CREATE INDEX accounts_name_trgm ON accounts USING gin (name_folded %s)', ops);
END
$$;
