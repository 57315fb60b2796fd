-- The account ledger (docs/billing.md). A charge is one priced item a subscription
-- costs its account for a period: a line of an order's quote, a postpaid period's
-- fee, or consumed units. unit_price is in the plan's currency (currency), amount in
-- the reseller's (reseller_currency), converted by currency_rate: the rate times its
-- adjustment that was applied, as an exact decimal. Money columns are domain.Amount
-- (millionths); the period is operate_from..operate_to, its length duration_num /
-- duration_den months. billing_key names what the charge is for (the order line, the
-- period and resource, the consumption read), and the unique index on it with the
-- subscription means a repeated or concurrent billing pass cannot charge twice.
CREATE TABLE charges (
    id                       INTEGER PRIMARY KEY,
    reseller_id              BIGINT NOT NULL REFERENCES resellers (id),
    account_id               BIGINT NOT NULL REFERENCES accounts (id),
    subscription_id          BIGINT NOT NULL REFERENCES subscriptions (id),
    order_id                 BIGINT REFERENCES orders (id),
    invoice_id               BIGINT,
    subscription_resource_id BIGINT,
    plan_resource_id         BIGINT,
    billing_key              TEXT NOT NULL,
    type                     TEXT NOT NULL,
    status                   TEXT NOT NULL,
    payment_model            TEXT NOT NULL,
    description              TEXT   NOT NULL DEFAULT '',
    quantity                 BIGINT NOT NULL,
    unit_price               BIGINT NOT NULL,
    currency                 TEXT   NOT NULL,
    amount                   BIGINT NOT NULL,
    reseller_currency        TEXT   NOT NULL,
    currency_rate            TEXT   NOT NULL DEFAULT '1',
    discount_amount          BIGINT NOT NULL DEFAULT 0,
    duration_num             BIGINT NOT NULL DEFAULT 0,
    duration_den             BIGINT NOT NULL DEFAULT 0,
    operate_from             TEXT NOT NULL,
    operate_to               TEXT NOT NULL,
    close_date               TEXT NOT NULL DEFAULT '',
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE UNIQUE INDEX charges_subscription_billing_key ON charges (subscription_id, billing_key);
CREATE INDEX charges_reseller_id ON charges (reseller_id, id);
CREATE INDEX charges_order_id ON charges (order_id);
CREATE INDEX charges_invoice_id ON charges (invoice_id);
CREATE INDEX charges_account_status ON charges (account_id, status, id);

-- Funds that blocked charges reserve on the balance: available_balance is balance -
-- blocked. Both move only in the transaction that moves a charge, payment or
-- correction, with the account's row locked.
ALTER TABLE accounts ADD COLUMN blocked BIGINT NOT NULL DEFAULT 0;

