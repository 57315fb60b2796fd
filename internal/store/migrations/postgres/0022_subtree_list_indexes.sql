-- The lists of orders, subscriptions and payments cover the reseller in the path and
-- every reseller below it. A page of such a subtree walks one index of its sort
-- across resellers and keeps the rows of the subtree (as child_reseller_accounts
-- does), so every sort has an index not led by reseller_id; the id sorts walk the
-- primary key. A reseller with nothing below it keeps using the indexes led by
-- reseller_id (migration 0015).
CREATE INDEX subscriptions_created_at ON subscriptions (created_at, id);
CREATE INDEX subscriptions_updated_at ON subscriptions (updated_at, id);
CREATE INDEX subscriptions_expiration_date ON subscriptions (expiration_date, id);

CREATE INDEX orders_created_at ON orders (created_at, id);
CREATE INDEX orders_updated_at ON orders (updated_at, id);
CREATE INDEX orders_closed_at ON orders (closed_at, id);
CREATE INDEX orders_expiration_date ON orders (expiration_date, id);
CREATE INDEX orders_provisioning_date ON orders (provisioning_date, id);

CREATE INDEX payments_created_at ON payments (created_at, id);
CREATE INDEX payments_updated_at ON payments (updated_at, id);
CREATE INDEX payments_closed_at ON payments (closed_at, id);
CREATE INDEX payments_total ON payments (total, id);

-- The scope of each reseller's subscription pages (store.SubscriptionsScope), so
-- they can be cached before the first write moves it.
INSERT INTO cache_scopes (scope, shard, generation) SELECT 'subscriptions:' || CAST(id AS TEXT), 0, 1 FROM resellers WHERE true
    ON CONFLICT (scope, shard) DO NOTHING;
