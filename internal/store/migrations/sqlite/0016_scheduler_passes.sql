-- What the lifecycle passes of the scheduler (internal/service/passes.go) need to
-- find the work that falls due as time passes, without reading every order or
-- subscription: the days a subscription's next time-driven step is due, kept on the
-- subscription when it enters the status the step leaves, and one partial index per
-- pass, holding only the rows that may become due, in the order the pass walks them.
-- Dates are TEXT 'YYYY-MM-DD' in the installation's zone, '' when not set.

-- expiry_handled_for: the expiration date whose end the scheduler has acted on, so
-- that a subscription a manager kept (a declined automatic stop) is not asked again
-- for the same period.
ALTER TABLE subscriptions ADD COLUMN expiry_handled_for TEXT NOT NULL DEFAULT '';
-- grace_ends_on: the day a graced subscription's grace ends and its stop is asked
-- for; cleared once asked.
ALTER TABLE subscriptions ADD COLUMN grace_ends_on TEXT NOT NULL DEFAULT '';
-- stopped_on: the day the subscription last stopped.
ALTER TABLE subscriptions ADD COLUMN stopped_on TEXT NOT NULL DEFAULT '';
-- delete_on: the day a stopped subscription's deletion is asked for (stopped_on plus
-- the service term's stop period at the time it stopped); cleared once asked.
ALTER TABLE subscriptions ADD COLUMN delete_on TEXT NOT NULL DEFAULT '';

-- Unpaid orders, cancelled the day after their expiration date.
CREATE INDEX orders_unpaid_due ON orders (expiration_date, id)
    WHERE status = 'waiting_for_payment';
-- Delayed orders, provisioned on their provisioning date.
CREATE INDEX orders_delayed_due ON orders (provisioning_date, id)
    WHERE status = 'waiting_for_provisioning';
-- Active subscriptions whose period will end (endless ones have no expiration date).
CREATE INDEX subscriptions_expiry_due ON subscriptions (expiration_date, id)
    WHERE status = 'active' AND expiration_date <> '' AND expiry_handled_for <> expiration_date;
-- Graced subscriptions, stopped when their grace ends.
CREATE INDEX subscriptions_grace_due ON subscriptions (grace_ends_on, id)
    WHERE status = 'graced' AND grace_ends_on <> '';
-- Stopped subscriptions, deleted after the stop period.
CREATE INDEX subscriptions_delete_due ON subscriptions (delete_on, id)
    WHERE status = 'stopped' AND delete_on <> '';
