-- The catalogue gets what a subscription's lifecycle needs: billing types from a
-- closed list, the service-term settings that drive renewals, stops and deletions,
-- and each reseller's payment methods.
--
-- Billing types were free text. Each stored value is mapped onto the list
-- (domain.BillingTypes): a value of the list, written in any case or with spaces or
-- hyphens for underscores, is that value; one_time and onetime are non_recurring;
-- anything else is pay_as_you_go, the default type, so existing plans keep selling
-- as recurring plans with the most permissive rules.
UPDATE plans SET billing_type = CASE REPLACE(REPLACE(LOWER(TRIM(billing_type)), ' ', '_'), '-', '_')
        WHEN 'pay_as_you_go' THEN 'pay_as_you_go'
        WHEN 'monthly_commitment' THEN 'monthly_commitment'
        WHEN 'csp_monthly' THEN 'csp_monthly'
        WHEN 'csp_annual' THEN 'csp_annual'
        WHEN 'pay_in_full' THEN 'pay_in_full'
        WHEN 'non_refund' THEN 'non_refund'
        WHEN 'non_recurring' THEN 'non_recurring'
        WHEN 'one_time' THEN 'non_recurring'
        WHEN 'onetime' THEN 'non_recurring'
        ELSE 'pay_as_you_go' END
    WHERE billing_type NOT IN ('pay_as_you_go', 'monthly_commitment', 'csp_monthly', 'csp_annual',
        'pay_in_full', 'non_refund', 'non_recurring');

-- The service-term settings, defaulting to domain.DefaultTermSettings. Day counts are
-- whole days; -1 opens a renew or switch window for the whole period.
ALTER TABLE service_terms ADD COLUMN autorenew_point        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_terms ADD COLUMN manual_renew_point     INTEGER NOT NULL DEFAULT -1;
ALTER TABLE service_terms ADD COLUMN manual_switch_point    INTEGER NOT NULL DEFAULT -1;
ALTER TABLE service_terms ADD COLUMN grace_period           INTEGER NOT NULL DEFAULT 7;
ALTER TABLE service_terms ADD COLUMN deletion_period        INTEGER NOT NULL DEFAULT 30;
ALTER TABLE service_terms ADD COLUMN stop_period            INTEGER NOT NULL DEFAULT 30;
ALTER TABLE service_terms ADD COLUMN cancel_unpaid_order_in INTEGER NOT NULL DEFAULT 3;
ALTER TABLE service_terms ADD COLUMN stop_type              TEXT    NOT NULL DEFAULT 'automatic';
ALTER TABLE service_terms ADD COLUMN delete_type            TEXT    NOT NULL DEFAULT 'automatic';
ALTER TABLE service_terms ADD COLUMN proration              TEXT    NOT NULL DEFAULT 'immediate_prorated';

-- The ways a reseller's customers may pay, keyed per reseller like every catalogue
-- object. The list of a reseller's payment methods walks an index led by reseller_id
-- for each of its sorts (id, key).
CREATE TABLE payment_methods (
    id          INTEGER PRIMARY KEY,
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    key         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX payment_methods_reseller_key ON payment_methods (reseller_id, key);
CREATE INDEX payment_methods_reseller_id ON payment_methods (reseller_id, id);
CREATE INDEX payment_methods_reseller_key_id ON payment_methods (reseller_id, key, id);
