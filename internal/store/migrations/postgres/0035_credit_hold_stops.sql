-- A prepaid pay-as-you-go subscription that its account's credit hold stopped is
-- marked, so that the release of the hold activates it again and leaves alone the
-- ones a manager stopped (docs/billing.md, "Credit hold").
ALTER TABLE subscriptions ADD COLUMN credit_held BOOLEAN NOT NULL DEFAULT false;
