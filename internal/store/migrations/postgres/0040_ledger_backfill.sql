-- The ledger's new rules (docs/billing.md, "Postpaid debt and blocking" and "A negative
-- postpaid invoice") applied to what a database held before them.
-- An invoice made earlier without a payment (a total of 0 or below) settled nothing
-- because nothing was owed yet: settled.
UPDATE invoices SET debt_settled = true
    WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = invoices.id);
-- A postpaid subscription's current debt, 0 until now, from what it owes: the same
-- terms as the ledger check's (store/subscription_debt.go). Its blocking follows at
-- its next move of debt.
UPDATE subscriptions SET current_debt =
    COALESCE((SELECT SUM(CASE WHEN ch.status IN ('waiting_for_refund', 'refunded') THEN -ch.amount ELSE ch.amount END)
        FROM charges ch LEFT JOIN invoices i ON i.id = ch.invoice_id
        WHERE ch.subscription_id = subscriptions.id AND ch.payment_model = 'postpay'
        AND (ch.status IN ('new', 'opened', 'blocked', 'waiting_for_refund')
            OR (ch.status IN ('closed', 'refunded') AND i.id IS NOT NULL AND NOT i.debt_settled))), 0)
    + COALESCE((SELECT SUM(k.total) FROM corrections k LEFT JOIN invoices i ON i.id = k.invoice_id
        WHERE k.subscription_id = subscriptions.id AND k.status = 'approved' AND k.applies_to = 'invoice'
        AND (k.invoice_id IS NULL OR NOT i.debt_settled)), 0)
    WHERE payment_model = 'postpay';
-- A negative postpaid invoice made earlier gets the correction carrying its credit
-- to the account's next invoice, as the billing pass now makes with it.
INSERT INTO corrections (reseller_id, account_id, manager_id, status, total, currency, included_invoice,
        period_from, period_to, comment, applies_to, approved_at, created_at, updated_at, carried_from_invoice_id)
    SELECT i.reseller_id, i.account_id, 0, 'approved', i.total, i.currency, true, i.from_date, i.to_date,
        'Credit of invoice ' || i.own_document_id || ' carried to the next invoice.', 'invoice',
        i.created_at, i.created_at, i.created_at, i.id
    FROM invoices i WHERE i.payment_model = 'postpay' AND i.total < 0
    AND NOT EXISTS (SELECT 1 FROM corrections k WHERE k.carried_from_invoice_id = i.id);
