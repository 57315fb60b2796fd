-- The charges list covers the reseller in the path and every reseller below it, as
-- the payments list does (migrations 0015 and 0022): every filter and sort has an
-- index led by reseller_id for a reseller with nothing below it, and every sort one
-- not led by it, which a subtree's page walks across resellers. The id sorts walk
-- the primary key and charges_reseller_id (migration 0027).
CREATE INDEX charges_reseller_created_at ON charges (reseller_id, created_at, id);
CREATE INDEX charges_reseller_updated_at ON charges (reseller_id, updated_at, id);
CREATE INDEX charges_reseller_close_date ON charges (reseller_id, close_date, id);
CREATE INDEX charges_reseller_status ON charges (reseller_id, status, id);
CREATE INDEX charges_reseller_subscription ON charges (reseller_id, subscription_id, id);
CREATE INDEX charges_created_at ON charges (created_at, id);
CREATE INDEX charges_updated_at ON charges (updated_at, id);
CREATE INDEX charges_close_date ON charges (close_date, id);
