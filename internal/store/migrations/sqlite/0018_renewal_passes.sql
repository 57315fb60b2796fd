-- What the automatic renewal and prolong passes of the scheduler
-- (internal/service/passes_renewal.go) need: the day each automatic order of a
-- subscription falls due, kept on the subscription whenever it is written (from its
-- dates, auto-renew flag, billing type and its plan's service term), the period each
-- automatic order was made for, and one partial index per pass. Dates are TEXT
-- 'YYYY-MM-DD' in the installation's zone, '' when not set.

-- renewal_due_on: the day the automatic renewal order of the current period is
-- made; '' when the subscription does not auto-renew, or once it was made.
ALTER TABLE subscriptions ADD COLUMN renewal_due_on TEXT NOT NULL DEFAULT '';
-- renewal_made_for: the expiration date the last automatic renewal order was made for.
ALTER TABLE subscriptions ADD COLUMN renewal_made_for TEXT NOT NULL DEFAULT '';
-- prolong_due_on: the day the automatic prolong order of the current paid-to date is
-- made; '' when the billing type has none, the last month is paid, or once it was made.
ALTER TABLE subscriptions ADD COLUMN prolong_due_on TEXT NOT NULL DEFAULT '';
-- prolong_made_for: the paid-to date the last automatic prolong order was made for.
ALTER TABLE subscriptions ADD COLUMN prolong_made_for TEXT NOT NULL DEFAULT '';
-- automatic_for: the subscription's date (expiration date of a renewal, paid-to
-- date of a prolong) an order the scheduler made was made for; '' for the others.
ALTER TABLE orders ADD COLUMN automatic_for TEXT NOT NULL DEFAULT '';

-- One automatic order of a kind per subscription and date, whoever runs the pass.
CREATE UNIQUE INDEX orders_automatic_once ON orders (subscription_id, kind, automatic_for)
    WHERE automatic_for <> '';
-- Auto-renewing subscriptions by the day their renewal order is made.
CREATE INDEX subscriptions_renewal_due ON subscriptions (renewal_due_on, id)
    WHERE status IN ('active', 'graced') AND renewal_due_on <> '';
-- Prolonged subscriptions by the day their next prolong order is made.
CREATE INDEX subscriptions_prolong_due ON subscriptions (prolong_due_on, id)
    WHERE status = 'active' AND prolong_due_on <> '';
