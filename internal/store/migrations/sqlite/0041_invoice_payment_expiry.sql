-- The invoice payments the expire_invoice_payments pass walks: those still to be
-- paid that have a due date, by that date (store.DueInvoicePayments).
CREATE INDEX payments_invoice_due ON payments (due_date, id)
    WHERE purpose = 'invoice' AND status IN ('waiting_for_payment', 'receipt_sent') AND due_date <> '';
-- An account's expired invoice payments, which keep its postpaid subscriptions
-- blocked (store.HasExpiredInvoice; docs/billing.md, "Postpaid debt and blocking").
CREATE INDEX payments_invoice_expired ON payments (account_id, invoice_id)
    WHERE purpose = 'invoice' AND status = 'expired';
