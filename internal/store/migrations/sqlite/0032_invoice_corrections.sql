-- An invoice's corrections are read by its id (the invoice's relationships).
CREATE INDEX corrections_invoice_id ON corrections (invoice_id);
