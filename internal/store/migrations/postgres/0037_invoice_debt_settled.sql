-- An invoice whose subscriptions' debts have been settled: by its payment's
-- completion, or, for an invoice that gets no payment (a total of 0 or below), by
-- the job its billing writes (docs/billing.md, "Postpaid debt and blocking"). The
-- ledger check counts the charges and corrections of the invoices not settled yet.
ALTER TABLE invoices ADD COLUMN debt_settled BOOLEAN NOT NULL DEFAULT false;
UPDATE invoices SET debt_settled = true
    WHERE EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = invoices.id AND p.status = 'completed');

