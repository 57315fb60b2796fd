-- Account classes are set by the operator's catalogue file (docs/catalog.md,
-- "Account classes"). The subzero period is how many days an account of the class
-- may stay below zero within its credit limit before it goes on credit hold; -1,
-- today's behaviour, is no end (docs/billing.md, "Subzero period").
ALTER TABLE account_classes ADD COLUMN subzero_period INTEGER NOT NULL DEFAULT -1;

-- When the account's available balance went below zero; NULL while it is at or
-- above zero. Set and cleared in the transaction that moves its money.
ALTER TABLE accounts ADD COLUMN negative_since INTEGER;

-- The subzero pass reads, class by class, the active accounts negative since before a
-- day, in batches; accounts at or above zero, or already on hold, are not in it.
CREATE INDEX accounts_subzero ON accounts (account_class_key, negative_since, id)
    WHERE negative_since IS NOT NULL AND status = 'active';

-- A change of a class's credit limit walks the class's accounts by id.
CREATE INDEX accounts_class_id ON accounts (account_class_key, id);
