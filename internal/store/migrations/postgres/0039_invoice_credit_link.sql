-- The correction that carries a negative postpaid invoice's credit to the next invoice
-- names that invoice; the unique index lets no invoice's credit be carried twice.
ALTER TABLE corrections ADD COLUMN carried_from_invoice_id BIGINT REFERENCES invoices (id);
CREATE UNIQUE INDEX corrections_carried_from ON corrections (carried_from_invoice_id)
	WHERE carried_from_invoice_id IS NOT NULL;
