-- Currency rates (docs/billing.md "Currency rates"). Every update inserts rows and
-- never changes one, so the rate that priced a past order can always be read back.
-- A row says: from valid_from on, quantity units of foreign_currency are worth rate
-- units of base_currency (the reseller's own currency), and prices are converted at
-- rate / quantity times adjustment. rate and adjustment are exact decimals as text.
-- The row in force for a pair is the latest one (valid_from, then id) not after the
-- moment asked about; a reseller without one inherits its nearest ancestor's.
CREATE TABLE currency_rates (
    id               INTEGER PRIMARY KEY,
    reseller_id      BIGINT NOT NULL REFERENCES resellers (id),
    base_currency    TEXT   NOT NULL,
    foreign_currency TEXT   NOT NULL,
    quantity         BIGINT NOT NULL,
    rate             TEXT   NOT NULL,
    adjustment       TEXT   NOT NULL,
    show_for_client  BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from       BIGINT NOT NULL
);
CREATE INDEX currency_rates_in_force ON currency_rates
    (reseller_id, base_currency, foreign_currency, valid_from, id);

-- The currency of an order's unit prices (its plan's) and the rate, times its
-- adjustment, that converted them into the order's currency (the reseller's).
ALTER TABLE orders ADD COLUMN plan_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN currency_rate TEXT NOT NULL DEFAULT '1';
