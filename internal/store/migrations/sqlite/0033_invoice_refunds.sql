-- Refunds are invoiced too: a postpaid refund waiting for its refund is taken off
-- the invoice of its period (and refunded there), a prepaid one refunded in the
-- period is listed in its prepaid invoice beside the charges closed in it.
DROP INDEX charges_to_invoice;
CREATE INDEX charges_to_invoice ON charges (account_id, id) WHERE invoice_id IS NULL
    AND ((payment_model = 'postpay' AND status IN ('blocked', 'waiting_for_refund'))
        OR (payment_model = 'prepay' AND status IN ('closed', 'refunded')));
