-- Corrections of an account's money (docs/billing.md, "Corrections"). A manager
-- creates one approval_required; approving it moves the account's balance
-- (applies_to 'balance') or leaves it to the postpaid invoice of the billing period
-- it was approved in (applies_to 'invoice'), which sets invoice_id when it gathers it.
-- applies_to is '' until the correction is approved. total is domain.Amount
-- (millionths, at most two places, may be negative) in the currency of the account's
-- reseller. period_from and period_to are informational dates, '' when none.
CREATE TABLE corrections (
    id               INTEGER PRIMARY KEY,
    reseller_id      BIGINT NOT NULL REFERENCES resellers (id),
    account_id       BIGINT NOT NULL REFERENCES accounts (id),
    manager_id       BIGINT NOT NULL,
    approver_id      BIGINT,
    status           TEXT NOT NULL,
    total            BIGINT NOT NULL,
    currency         TEXT   NOT NULL,
    included_invoice BOOLEAN NOT NULL DEFAULT 0,
    subscription_id  BIGINT REFERENCES subscriptions (id),
    period_from      TEXT NOT NULL DEFAULT '',
    period_to        TEXT NOT NULL DEFAULT '',
    comment          TEXT   NOT NULL DEFAULT '',
    applies_to       TEXT NOT NULL DEFAULT '',
    invoice_id       BIGINT,
    payment_id       BIGINT,
    approved_at      BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
-- The list of a reseller's corrections and of a subtree's (by id, the primary key),
-- filtered by account or status.
CREATE INDEX corrections_reseller_id ON corrections (reseller_id, id);
CREATE INDEX corrections_reseller_account_id ON corrections (reseller_id, account_id, id);
CREATE INDEX corrections_reseller_status ON corrections (reseller_id, status, id);
-- The invoicing pass gathers an account's approved corrections not yet invoiced, and
-- the ledger check sums an account's approved balance corrections.
CREATE INDEX corrections_account_status_invoice ON corrections (account_id, status, invoice_id);
