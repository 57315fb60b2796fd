-- Invoices (docs/billing.md, "Invoices"): what an account is billed for one billing
-- period, per payment model. The billing pass makes them on the billing day from the
-- charges of the period that ended; the unique index on (account_id, payment_model,
-- from_date) means a repeated or concurrent pass cannot make one twice.
--
-- document_id is the number shown: our own (own_document_id, numbered in the
-- reseller's 'IN' series without gaps) or, while an ERP's approval stands, the
-- ERP's. Revoking the approval shows ours again. approved_at is 0 while the invoice
-- is not approved; external_total is NULL without a third-party amount. The ERP's
-- receipt file (a data URI, up to 5 MiB) lives apart in invoice_files, so lists never
-- read it.
CREATE TABLE invoices (
    id                INTEGER PRIMARY KEY,
    reseller_id       BIGINT NOT NULL REFERENCES resellers (id),
    account_id        BIGINT NOT NULL REFERENCES accounts (id),
    document_id       TEXT   NOT NULL,
    own_document_id   TEXT   NOT NULL,
    status            TEXT   NOT NULL,
    payment_model     TEXT   NOT NULL,
    from_date         TEXT   NOT NULL,
    to_date           TEXT   NOT NULL,
    total             BIGINT NOT NULL,
    currency          TEXT   NOT NULL,
    payment_id        BIGINT,
    approved_at       BIGINT NOT NULL DEFAULT 0,
    external_total    BIGINT,
    external_currency TEXT   NOT NULL DEFAULT '',
    link              TEXT   NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX invoices_account_period ON invoices (account_id, payment_model, from_date);
CREATE UNIQUE INDEX invoices_reseller_document_id ON invoices (reseller_id, own_document_id);
CREATE INDEX invoices_reseller_id ON invoices (reseller_id, id);
CREATE INDEX invoices_reseller_created_at ON invoices (reseller_id, created_at, id);
CREATE INDEX invoices_reseller_updated_at ON invoices (reseller_id, updated_at, id);
CREATE INDEX invoices_reseller_status ON invoices (reseller_id, status, id);
CREATE INDEX invoices_reseller_account_id ON invoices (reseller_id, account_id, id);
CREATE INDEX invoices_reseller_from_date ON invoices (reseller_id, from_date, id);
CREATE INDEX invoices_reseller_to_date ON invoices (reseller_id, to_date, id);
CREATE INDEX invoices_reseller_payment_model ON invoices (reseller_id, payment_model, id);

-- The receipt an ERP attached to its approval of an invoice, as a data URI.
CREATE TABLE invoice_files (
    invoice_id BIGINT PRIMARY KEY REFERENCES invoices (id),
    data       TEXT   NOT NULL
);

-- The charges the billing pass has still to put in an invoice: blocked postpaid ones
-- (it closes them) and closed prepaid ones. The pass walks this index only, so its
-- cost is what is left to bill, not every charge ever made.
CREATE INDEX charges_to_invoice ON charges (account_id, id) WHERE invoice_id IS NULL
    AND ((payment_model = 'postpay' AND status = 'blocked') OR (payment_model = 'prepay' AND status = 'closed'));

CREATE INDEX payments_invoice_id ON payments (invoice_id);

-- invoices.external_management of the reseller's catalogue file; NULL inherits the
-- setting of the nearest reseller above that has one (off at the root).
ALTER TABLE resellers ADD COLUMN invoice_external_management INTEGER;
